"""Automatic backups, rotation, preview and restore as the secretary relies on them (SQLite only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from branchdesk.config import resolve_location
from branchdesk.db.backup import BackupError
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.services import backups
from branchdesk.services.backups import (
    RestoreRefused,
    auto_backup,
    list_backups,
    preview_backup,
    restore_backup,
)
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace


@pytest.fixture
def backend():
    return "sqlite"  # backups of PostgreSQL are the server's job (see test_postgresql_is_left_to_the_server)


def person(name: str, seq: int) -> MemberFields:
    born = dt.date(1980, 3, 1)
    return MemberFields(
        name=name,
        id_number=make_citizen_id("110105", born, seq, "男"),
        join_date=dt.date(2005, 6, 20),
        conversion_date=dt.date(2006, 6, 21),
    )


def names(db) -> list[str]:
    return sorted(m.name for m in Workspace.open(db).members.records(MemberQuery()))


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def fast_copies(monkeypatch):
    """Replace the SQLite copy by a tiny file so that a year of daily runs takes a moment; records
    which backups were written. The rotation logic itself runs unchanged."""
    written: list[Path] = []

    def fake_backup(source, dest):
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        Path(dest).write_bytes(b"ok")
        written.append(Path(dest))
        return Path(dest)

    monkeypatch.setattr(backups, "backup_sqlite", fake_backup)
    monkeypatch.setattr(backups, "verify_backup", lambda path, **kw: "0004")
    return written


def auto_dates(location) -> set[dt.date]:
    return {b.taken_at.date() for b in list_backups(location) if b.automatic}


def test_a_year_of_daily_runs_keeps_7_days_4_weeks_12_months(db, location, fast_copies):
    day = dt.date(2026, 1, 1)
    while day <= dt.date(2026, 12, 31):
        morning = dt.datetime.combine(day, dt.time(8, 30))
        evening = dt.datetime.combine(day, dt.time(17, 45))
        assert auto_backup(location, reason="daily", now=morning).status == "created"
        # a second daily run the same day does nothing; the exit backup is always taken
        assert auto_backup(location, reason="daily", now=morning.replace(hour=12)).status == "skipped"
        outcome = auto_backup(location, reason="exit", now=evening)
        assert outcome.status == "created"
        kept = list_backups(location)
        assert kept[0].path == outcome.path  # the newest backup is never pruned
        assert len(kept) <= 7 + 4 + 12
        day += dt.timedelta(days=1)

    kept = list_backups(location)
    assert all(b.taken_at.time() == dt.time(17, 45) for b in kept)  # the newest of each day wins
    last_week = {dt.date(2026, 12, d) for d in range(25, 32)}
    # ISO weeks 2026-W51 (Dec 14-20) and W50 (Dec 7-13): their Sundays; W52/W53 are in the last 7 days
    weeks = {dt.date(2026, 12, 20), dt.date(2026, 12, 13)}
    month_ends = {dt.date(2026, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)}  # Jan 31 … Nov 30
    assert auto_dates(location) == last_week | weeks | month_ends
    assert len(kept) == 20


def test_a_damaged_new_backup_never_prunes_the_good_ones(db, location, monkeypatch):
    start = dt.datetime(2026, 3, 1, 18, 0)
    for n in range(10):
        assert auto_backup(location, reason="exit", now=start + dt.timedelta(days=n)).status == "created"
    good = {b.path: digest(b.path) for b in list_backups(location)}
    # the newest 7 days (Mar 4-10) and Sunday Mar 1, the newest of ISO week 2026-W09
    assert {b.taken_at.day for b in list_backups(location)} == {1, 4, 5, 6, 7, 8, 9, 10}

    def broken_copy(source, dest):  # e.g. a full USB stick or a bad sector: garbage instead of a DB
        Path(dest).write_bytes(b"SQLite format 3\x00" + b"\x13" * 5000)
        return Path(dest)

    monkeypatch.setattr(backups, "backup_sqlite", broken_copy)
    outcome = auto_backup(location, reason="exit", now=dt.datetime(2026, 4, 20, 18, 0))
    assert outcome.status == "failed" and not outcome.ok
    assert "原有备份均保留" in outcome.message
    listed = list_backups(location)
    assert {b.path: digest(b.path) for b in listed if b.verified} == good
    assert [b.verified for b in listed if b.path == outcome.path] == [False]  # kept aside, marked


def test_after_a_session_with_errors_the_good_backups_stay(db, location):
    start = dt.datetime(2026, 5, 1, 18, 0)
    for n in range(8):
        auto_backup(location, reason="exit", now=start + dt.timedelta(days=n))
    before = {b.path for b in list_backups(location)}
    outcome = auto_backup(location, reason="exit", now=start + dt.timedelta(days=30), session_had_errors=True)
    assert outcome.status == "created" and outcome.flagged and outcome.pruned == []
    after = list_backups(location)
    assert {b.path for b in after} == before | {outcome.path}
    assert after[0].kind == "flagged" and "出过错误" in after[0].kind_label
    # the next clean run prunes by the policy again; the flagged one is kept beside the rotation
    clean = auto_backup(location, reason="exit", now=start + dt.timedelta(days=31))
    assert clean.pruned and outcome.path.exists()


def test_restore_keeps_the_current_database_and_brings_back_the_backup(db, ws, location):
    members = ws.members
    members.create(person("张三", 1))
    members.create(person("李四", 2))
    taken = auto_backup(location, reason="exit")
    members.create(person("王五", 3))  # entered after the backup
    db.dispose()

    pre = restore_backup(location, taken.path)

    from branchdesk.db.migrate import open_database

    restored, _ = open_database(location)
    try:
        assert names(restored) == ["张三", "李四"]
    finally:
        restored.dispose()
    assert pre is not None and pre.parent.name == "pre-restore"
    assert preview_backup(pre).member_total == 3  # 王五 is not lost: he is in the pre-restore copy
    assert [b.kind for b in list_backups(location) if b.path == pre] == ["pre-restore"]
    # and that copy restores just as well
    restore_backup(location, pre)
    again, _ = open_database(location)
    try:
        assert names(again) == ["张三", "李四", "王五"]
    finally:
        again.dispose()


def test_a_backup_from_a_newer_program_is_refused_and_nothing_changes(db, ws, location, tmp_path):
    ws.members.create(person("张三", 1))
    taken = auto_backup(location, reason="exit")
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(taken.path.read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    db.dispose()
    before = digest(location.sqlite_path)
    with pytest.raises(RestoreRefused, match="更新版本"):
        restore_backup(location, newer)
    assert digest(location.sqlite_path) == before
    assert not (location.backup_dir() / "pre-restore").exists()


def test_restore_is_refused_while_the_database_is_in_use(db, ws, location):
    members = ws.members
    members.create(person("张三", 1))
    taken = auto_backup(location, reason="exit")
    members.create(person("李四", 2))
    with db.read() as session:  # the app still holds a connection
        session.connection().exec_driver_sql("SELECT 1")
        with pytest.raises(BackupError, match="正被"):
            restore_backup(location, taken.path)
    assert names(db) == ["张三", "李四"]
    db.dispose()


def test_a_damaged_file_is_not_restored(db, location, tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database")
    db.dispose()
    before = digest(location.sqlite_path)
    with pytest.raises(RestoreRefused):
        restore_backup(location, bad)
    assert digest(location.sqlite_path) == before


def test_preview_reads_a_backup_without_changing_it(ws, location, branch):
    members = ws.members
    a = members.create(person("张三", 1))
    members.create(person("李四", 2))
    from branchdesk.services.members import StatusChange

    members.change_status(
        a.id, StatusChange(to_status="transferred_out", date=dt.date(2026, 11, 1), reason="调动")
    )
    taken = auto_backup(location, reason="exit")
    before = digest(taken.path)
    preview = preview_backup(taken.path)
    assert preview.branch_name == "测试学院教工第一党支部"
    assert (preview.member_count, preview.member_total) == (1, 2)
    assert preview.dossier_count == 0
    assert preview.revision == backups_head()
    assert (
        preview.last_change is not None and abs(dt.datetime.now(dt.UTC) - preview.last_change).seconds < 120
    )
    assert any("在册党员：1 人" in line for line in preview.describe())
    assert digest(taken.path) == before
    assert sorted(p.name for p in taken.path.parent.iterdir()) == [taken.path.name]  # no -wal/-shm


def backups_head() -> str:
    from branchdesk.db.migrate import SCHEMA_HEAD

    return SCHEMA_HEAD


def test_postgresql_is_left_to_the_server(tmp_path):
    location = resolve_location("postgresql+psycopg://office@127.0.0.1:1/branchdesk")
    outcome = auto_backup(location, reason="exit")
    assert outcome.status == "unsupported" and "pg_dump" in outcome.message
    assert list_backups(location) == []
    with pytest.raises(BackupError, match="pg_dump"):
        restore_backup(location, tmp_path / "x.sqlite")


def test_two_databases_in_one_folder_keep_their_own_backups(db, location, tmp_path):
    from branchdesk.db.migrate import open_database

    other = resolve_location(str(tmp_path / "演示.sqlite"))  # e.g. a demo database beside the real one
    demo, _ = open_database(other)
    demo.dispose()
    mine = auto_backup(location, reason="exit", now=dt.datetime(2026, 6, 1, 18, 0))
    for n in range(12):
        auto_backup(other, reason="exit", now=dt.datetime(2026, 6, 2, 18, 0) + dt.timedelta(days=n))
    assert mine.path.exists()
    assert [b.path for b in list_backups(location) if b.automatic] == [mine.path]
    assert auto_backup(location, reason="daily", now=dt.datetime(2026, 6, 13, 9, 0)).status == "created"


def test_a_damaged_database_can_be_restored_and_its_bytes_are_kept(db, ws, location):
    ws.members.create(person("张三", 1))
    taken = auto_backup(location, reason="exit")
    db.dispose()
    damaged = b"SQLite format 3\x00" + b"\xff" * 8000  # e.g. after a disk fault
    location.sqlite_path.write_bytes(damaged)

    pre = restore_backup(location, taken.path)

    assert pre.read_bytes() == damaged and "已损坏" in pre.name
    assert [b.verified for b in list_backups(location) if b.path == pre] == [False]
    from branchdesk.db.migrate import open_database

    restored, _ = open_database(location)
    try:
        assert names(restored) == ["张三"]
    finally:
        restored.dispose()
