"""Issue 11 §10: backups stay bounded after sessions with errors; restore needs 管理员 in the service,
refuses a file that lacks the tables of its schema version, and loses no commit made meanwhile."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from branchdesk.domain.auth import PermissionDenied, Principal, Role
from branchdesk.services.backups import MAX_FLAGGED, RestoreRefused, auto_backup, list_backups, restore_backup

ADMIN = Principal.os_user("测试管理员")


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("file backups are SQLite's")


def test_error_sessions_keep_a_bounded_number_of_backups(sqlite_only, db, location):
    start = dt.datetime(2026, 1, 1, 9, 0)
    for day in range(120):
        for run in range(3):  # three runs a day, every one of them logged an error
            auto_backup(location, reason="exit", now=start + dt.timedelta(days=day, hours=run),
                        session_had_errors=True)  # fmt: skip
    kept = list_backups(location)
    assert len(kept) <= MAX_FLAGGED + 1
    assert all(b.kind == "flagged" for b in kept)


def test_restore_needs_an_administrator_in_the_service(sqlite_only, db, location):
    taken = auto_backup(location, reason="exit")
    db.dispose()
    for who in (None, Principal.nobody(), _with_role(Role.COMMITTEE), _with_role(Role.VIEWER)):
        with pytest.raises(PermissionDenied):
            restore_backup(location, taken.path, by=who)
    assert restore_backup(location, taken.path, by=ADMIN) is not None


def _with_role(role: Role) -> Principal:
    import dataclasses

    return dataclasses.replace(ADMIN, role=role, username=f"user-{role.value}")


def test_a_fake_file_with_a_schema_version_but_missing_tables_is_refused(sqlite_only, db, location, tmp_path):
    from branchdesk.db.migrate import SCHEMA_HEAD

    fake = tmp_path / "fake.sqlite"
    con = sqlite3.connect(fake)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    con.execute("INSERT INTO alembic_version VALUES (?)", (SCHEMA_HEAD,))
    con.execute("CREATE TABLE member (id INTEGER PRIMARY KEY, status TEXT)")
    con.commit()
    con.close()
    with pytest.raises(RestoreRefused) as refused:
        restore_backup(location, fake, by=ADMIN)
    assert "缺少" in str(refused.value)


_WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    from branchdesk.db.filelock import SidecarLock
    lock = SidecarLock(sys.argv[1], kind="command").acquire()
    print("started", flush=True)
    time.sleep(1.5)  # a command's work; its commit comes while the restore would already be copying
    con = sqlite3.connect(sys.argv[1], timeout=30)
    con.execute("UPDATE branch SET name = '改名后的支部'")
    con.commit()
    con.close()
    lock.release()
    """
)


def test_a_commit_made_while_the_restore_starts_is_kept_in_the_pre_restore_copy(
    sqlite_only, db, location, data_dir, capsys
):
    from branchdesk.cli import main

    taken = auto_backup(location, reason="exit")
    db.dispose()
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(location.sqlite_path)], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    assert writer.stdout.readline().strip() == "started"
    assert main(["--db", str(location.sqlite_path), "restore", str(taken.path), "--yes"]) == 0
    writer.wait(timeout=60)
    out = capsys.readouterr().out
    pre = next(line.split("：", 1)[1] for line in out.splitlines() if "恢复前的数据库已另存为" in line)
    with sqlite3.connect(f"file:{pre.strip()}?mode=ro", uri=True) as con:
        assert con.execute("SELECT name FROM branch").fetchone()[0] == "改名后的支部"
