"""Issue 11 §2: quitting the real program never crashes. Thirty starts of the real window, each
signing in, opening every page (a ledger preview included) and a dialog (the lock dialog or the
meeting types dialog), then 文件 › 退出. Before the fix 3 runs in 4 with the lock dialog ended in
"QObject: shared QObject was deleted directly" and a segmentation fault at exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CYCLES = 30


def test_thirty_starts_and_quits_without_a_crash(empty_db, location, data_dir):
    from branchdesk.services.demo import generate
    from branchdesk.workspace import Workspace

    generate(empty_db, members=15, seed=2)
    Workspace(empty_db).auth.create_first_admin("admin", "书记", "Secret-123456", "Secret-123456")
    empty_db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRANCHDESK_DATA_DIR=str(data_dir))
    env.pop("BRANCHDESK_DB", None)
    driver = Path(__file__).with_name("quit_driver.py")
    for cycle in range(CYCLES):
        mode = "lock" if cycle % 2 == 0 else "dialog"
        done = subprocess.run(
            [sys.executable, "-X", "faulthandler", str(driver), str(location.sqlite_path), mode],
            capture_output=True, text=True, env=env, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, (
            f"cycle {cycle + 1} ({mode}): exit {done.returncode}\n{done.stderr[-2000:]}"
        )
        assert "shared QObject" not in done.stderr, f"cycle {cycle + 1} ({mode})"
