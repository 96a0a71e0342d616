"""Issue 11 §1: one window per database file. The running window holds the sidecar lock; a second start
on the same file brings the first window forward (same user and computer) or says who has the file
open, and exits within seconds; commands that write are refused meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from branchdesk.db.filelock import SidecarLock, lock_path, read_holder


def _start(path, data_dir) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRANCHDESK_DATA_DIR=str(data_dir))
    env.pop("BRANCHDESK_DB", None)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from branchdesk.ui.app import run; sys.exit(run(db=sys.argv[1], smoke=True))",
         str(path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    return done, time.monotonic() - started


def _pretend_holder(lock: SidecarLock, **fields) -> None:
    """Rewrite the held lock's text as if another user/computer held it."""
    text = dict(json.loads(lock_path(lock.db_path).read_text(encoding="utf-8")), **fields)
    data = json.dumps(text, ensure_ascii=False).encode("utf-8")
    os.ftruncate(lock._fd, 0)
    os.pwrite(lock._fd, data, 0)


def test_the_window_holds_the_lock_and_commands_cannot_write_meanwhile(ctx, roster, monkeypatch, capsys):
    from branchdesk import cli
    from branchdesk.ui import app

    path = ctx.location.sqlite_path
    ctx.db.dispose()
    seen = {}

    def finish(qapp, context, probe, marks):
        seen["holder"] = read_holder(path)
        seen["demo"] = cli.main(["--db", str(path), "demo", "--members", "3"])
        return 0

    monkeypatch.setattr(app, "_smoke_finish", finish)
    assert app.run(db=str(path), smoke=True) == 0
    assert seen["holder"].kind == "window" and seen["holder"].pid == os.getpid()
    assert seen["demo"] == 2 and "程序窗口" in capsys.readouterr().err
    assert read_holder(path) is None and not lock_path(path).exists()  # released at exit


def test_a_second_start_says_who_has_the_file_open_and_exits(ctx, roster, data_dir):
    path = ctx.location.sqlite_path
    ctx.db.dispose()
    lock = SidecarLock(path, kind="window").acquire()
    try:
        _pretend_holder(lock, user="wangfang", host="PC-党办-02")
        done, seconds = _start(path, data_dir)
    finally:
        lock.release()
    assert done.returncode == 2
    assert "wangfang" in done.stderr and "PC-党办-02" in done.stderr and "程序窗口" in done.stderr
    assert seconds < 15


def test_a_second_start_on_this_computer_brings_the_first_window_forward(ctx, roster, data_dir, qtbot):
    from branchdesk.ui.single_window import WindowBeacon

    path = ctx.location.sqlite_path
    ctx.db.dispose()
    lock = SidecarLock(path, kind="window").acquire()
    beacon = WindowBeacon(path)
    activated = []
    beacon.activated.connect(lambda: activated.append(True))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRANCHDESK_DATA_DIR=str(data_dir))
    try:
        second = subprocess.Popen(
            [sys.executable, "-c", "import sys; from branchdesk.ui.app import run; sys.exit(run(db=sys.argv[1], smoke=True))",
             str(path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        qtbot.waitUntil(lambda: bool(activated), timeout=60_000)
        code = None
        deadline = time.monotonic() + 30
        while code is None and time.monotonic() < deadline:
            qtbot.wait(50)  # keep answering on the socket while the second start finishes
            code = second.poll()
        out = second.stdout.read()
    finally:
        beacon.close()
        lock.release()
    assert code == 0 and "已切换到那个窗口" in out
