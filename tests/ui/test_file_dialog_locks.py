"""Issue 11 §1: a file dialog opened in the database's folder must not drop the program's SQLite locks.

On POSIX, closing ANY descriptor of a file drops all of the process's fcntl locks on it. Qt's file
dialog sniffed the MIME type of every file it listed (its type column) by opening and closing it —
branch.sqlite, -wal and -shm included — so another process could then checkpoint away the WAL of the
running window and delete it under it (a damaged database). The test drives the real dialogs the
program uses, in the database's folder, then proves from a second process that the locks still hold.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from sqlalchemy import text

from branchdesk.ui.widgets import prompts

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX lock semantics")

_SECOND_PROCESS = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], timeout=0.2, isolation_level=None)
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        mode = "refused: " + str(exc)
    con.close()  # the last connection to close checkpoints and deletes the -wal
    print(mode)
    """
)


def _drive(qtbot, typed: str, accept: bool = True) -> None:
    """When the dialog shows: wait until its model has listed the folder, type a path, accept."""

    def act():
        dialog = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog)), None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, act)
            return
        qtbot.wait(800)  # the file system model lists the folder (and used to sniff every file)
        edit = dialog.findChild(QLineEdit, "fileNameEdit")
        edit.setText(typed)
        qtbot.wait(300)  # the completer looks the typed path up too
        if accept:
            dialog.accept()
        else:
            dialog.reject()

    QTimer.singleShot(0, act)


def _open_window_database(location):
    """The running window's database: WAL, a pooled connection kept open, a committed write."""
    from branchdesk.db.migrate import open_database

    db, _ = open_database(location)
    with db.write("测试写入") as session:
        session.execute(text("UPDATE audit_head SET seq = seq"))
    with db.read() as session:  # the pool now holds an open connection (the window's)
        session.execute(text("SELECT count(*) FROM audit_entry")).scalar()
    return db


def _locks_hold(db_path) -> str:
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()
    out = subprocess.run(
        [sys.executable, "-c", _SECOND_PROCESS, str(db_path)], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("kind", ["save", "open", "folder"])
def test_the_file_dialogs_leave_the_database_locks_in_place(qtbot, qapp, location, data_dir, kind):
    db = _open_window_database(location)
    path = location.sqlite_path
    try:
        # before the dialog: the second process cannot take the file ("wal" kept, or "locked")
        assert _locks_hold(path) != "delete"
        if kind == "save":
            _drive(qtbot, str(path.parent / "花名册.xlsx"))
            chosen = prompts.save_file_name(
                None, "导出", path.parent / "花名册.xlsx", "Excel 工作簿 (*.xlsx)"
            )
        elif kind == "open":
            _drive(qtbot, str(path.parent / "不存在.xlsx"), accept=False)
            chosen = prompts.open_file_name(None, "导入", path.parent, "所有文件 (*)")
        else:
            _drive(qtbot, str(path.parent))
            chosen = prompts.folder_name(None, "迎检资料包放在哪个文件夹", path.parent)
        del chosen
        mode = _locks_hold(path)
        assert mode != "delete", f"another process took the database after the {kind} dialog ({mode})"
        assert path.with_name(path.name + "-wal").exists()
        with db.read() as session:  # and the window's database is still sound
            assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.dispose()
