"""The program never opens its own live database file except through SQLite (issue 11 §1, issue 19).

On POSIX, closing ANY descriptor of a file drops all of the process's fcntl locks on it, SQLite's
included: another process could then checkpoint away the running window's WAL. Encryption needs to know
whether a file is encrypted (its first 16 bytes); for a file this process has open, those bytes were
read before SQLite opened it and are never read again. The checks below run what the window does while
it holds the database (the daily and exit backups, a manual backup, the encryption questions) and then
prove from a second process that the locks still hold.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX lock semantics")

_SECOND_PROCESS = textwrap.dedent(
    """
    import sqlite3, sys
    con = sqlite3.connect(sys.argv[1], timeout=0.2, isolation_level=None)
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        mode = "refused: " + str(exc)
    con.close()
    print(mode)
    """
)


def _second_process_mode(db_path) -> str:
    out = subprocess.run(
        [sys.executable, "-c", _SECOND_PROCESS, str(db_path)], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def window_db(location):
    """The running window's database: WAL, a pooled connection kept open, a committed write."""
    from branchdesk.db.migrate import open_database

    db, _ = open_database(location)
    with db.write("测试写入") as session:
        session.execute(text("UPDATE audit_head SET seq = seq"))
    with db.read() as session:
        session.execute(text("SELECT count(*) FROM audit_entry")).scalar()
    yield db
    db.dispose()


def test_backups_and_encryption_questions_leave_the_locks_in_place(window_db, location, tmp_path):
    from branchdesk.db import crypto
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.services.backups import auto_backup

    path = location.sqlite_path
    assert _second_process_mode(path) != "delete"
    assert not crypto.is_encrypted(path) and not crypto.needs_unlock(path)
    assert auto_backup(location, reason="daily").ok
    backup_sqlite(path, tmp_path / "手动备份.sqlite")
    mode = _second_process_mode(path)
    assert mode != "delete", f"another process took the running program's database ({mode})"
    assert path.with_name(path.name + "-wal").exists()
    with window_db.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


def test_a_new_database_file_is_known_as_plain_without_reopening_it(tmp_path):
    from branchdesk.config import resolve_location
    from branchdesk.db import crypto
    from branchdesk.db.migrate import open_database

    location = resolve_location(str(tmp_path / "新库.sqlite"))
    db, _ = open_database(location)  # SQLite creates the file
    try:
        with db.read() as session:
            session.execute(text("SELECT 1")).scalar()
        calls = []
        real = crypto._read_header
        crypto._read_header = lambda p: calls.append(p) or real(p)
        try:
            assert not crypto.is_encrypted(location.sqlite_path)
        finally:
            crypto._read_header = real
        assert calls == [], "the live file was opened to read its header"
    finally:
        db.dispose()
