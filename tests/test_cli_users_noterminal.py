"""Issue 11 §11: `users --reset-admin` without a terminal says so in Chinese and exits 2."""

from __future__ import annotations

import os
import subprocess
import sys


def test_reset_admin_without_a_terminal(db, ws, location, data_dir):
    ws.auth.create_first_admin("admin", "书记", "Secret-123456", "Secret-123456")
    db.dispose()
    env = dict(os.environ, BRANCHDESK_DATA_DIR=str(data_dir))
    done = subprocess.run(
        [sys.executable, "-m", "branchdesk", "--db", str(location.sqlite_path), "users", "--reset-admin", "admin"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    assert "终端" in done.stderr and "Traceback" not in done.stderr and "EOFError" not in done.stderr
