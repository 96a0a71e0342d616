"""The engine and the unit of work: SQLite pragmas, constraints, all-or-nothing writes, aware times."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from branchdesk.db.engine import Database
from branchdesk.db.migrate import open_database
from branchdesk.db.models import AuditEntry, Branch, Member, PartyGroup


def _count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_two_programs_on_one_file_do_not_refuse_a_save_that_read_first(sqlite_db, tmp_path):
    """The app reads, then saves, while the command line (another program) saves in between: the second
    save waits for the first instead of failing with "database is locked"."""
    from branchdesk.db.models import Setting

    other = Database(sqlite_db.url)
    other_done = threading.Event()
    errors: list[BaseException] = []

    def other_program() -> None:
        try:
            with other.write("命令行修改设置") as session:
                session.add(Setting(key="from_cli", value=1))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            other_done.set()

    try:
        with sqlite_db.write("窗口修改设置") as session:
            assert (
                session.scalar(select(Setting.id).where(Setting.key == "from_window")) is None
            )  # reads first …
            thread = threading.Thread(target=other_program)
            thread.start()
            other_done.wait(0.5)  # … the other program tries to save meanwhile …
            session.add(Setting(key="from_window", value=2))  # … then this one writes
        thread.join(10)
    finally:
        other.dispose()
    assert not errors, errors
    with sqlite_db.read() as session:
        assert dict(session.execute(select(Setting.key, Setting.value)).all()) == {
            "from_window": 2,
            "from_cli": 1,
        }


# ---- SQLite settings ---------------------------------------------------------------------------------
@pytest.fixture
def sqlite_db(tmp_path, data_dir):
    from branchdesk.config import resolve_location

    db, _ = open_database(resolve_location(str(tmp_path / "pragmas.sqlite")))
    yield db
    db.dispose()


def _pragmas(session) -> tuple:
    return tuple(
        session.execute(text(f"PRAGMA {name}")).scalar()
        for name in ("foreign_keys", "journal_mode", "synchronous")
    )


def test_sqlite_connections_enforce_keys_use_wal_and_sync_fully(sqlite_db):
    # two connections at once: both configured, not just the first one the pool made
    with sqlite_db.read() as first, sqlite_db.read() as second:
        assert _pragmas(first) == (1, "wal", 2)  # synchronous 2 = FULL
        assert _pragmas(second) == (1, "wal", 2)


def test_sqlite_file_stays_in_wal_mode_for_other_programs(sqlite_db, tmp_path):
    import sqlite3

    con = sqlite3.connect(tmp_path / "pragmas.sqlite")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()


def test_connections_made_in_other_threads_are_configured_too(sqlite_db):
    """The GUI runs queries in a worker thread; its connection must enforce foreign keys as well."""
    seen = []

    def work():
        with sqlite_db.read() as session:
            seen.append(_pragmas(session))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(1, "wal", 2)]


# ---- constraints, on both databases ------------------------------------------------------------------
def test_a_member_of_a_branch_that_does_not_exist_is_refused(db):
    with pytest.raises(IntegrityError), db.write("坏数据") as session:
        session.add(Member(branch_id=999, name="无支部"))
    assert _count(db, Member) == 0


def test_a_second_member_with_the_same_id_number_is_refused_by_the_database(db):
    branch_id = db_branch_id(db)
    with db.write("一") as session:
        session.add(Member(branch_id=branch_id, name="甲", id_number="11010519491231002X"))
    with pytest.raises(IntegrityError), db.write("二") as session:
        session.add(Member(branch_id=branch_id, name="乙", id_number="11010519491231002X"))
    assert _count(db, Member) == 1


def test_deleting_a_party_group_leaves_its_former_members_without_a_group(db):
    branch_id = db_branch_id(db)
    with db.write("建") as session:
        group = PartyGroup(branch_id=branch_id, name="临时党小组")
        session.add(group)
        session.flush()
        session.add(Member(branch_id=branch_id, name="丙", group_id=group.id, status="transferred_out"))
        group_id = group.id
    with db.write("撤") as session:
        session.delete(session.get(PartyGroup, group_id))
    with db.read() as session:
        assert session.scalar(select(Member.group_id).where(Member.name == "丙")) is None


def db_branch_id(db) -> int:
    with db.read() as session:
        return session.scalar(select(Branch.id))


# ---- the unit of work --------------------------------------------------------------------------------
class Boom(Exception):
    pass


def test_a_failing_unit_of_work_writes_nothing_at_all(db):
    members_before, audit_before = _count(db, Member), _count(db, AuditEntry)
    branch_id = db_branch_id(db)
    with pytest.raises(Boom), db.write("批量新增") as session:
        session.add(Member(branch_id=branch_id, name="第一个"))
        session.flush()  # the member row and its audit entry are already in the transaction …
        session.add(Member(branch_id=branch_id, name="第二个"))
        session.flush()
        raise Boom  # … and both go away with it
    assert _count(db, Member) == members_before
    assert _count(db, AuditEntry) == audit_before


def test_a_failing_edit_leaves_the_earlier_values(db):
    branch_id = db_branch_id(db)
    with db.write("新增") as session:
        session.add(Member(branch_id=branch_id, name="丁", work_unit="旧单位"))
    with pytest.raises(Boom), db.write("修改") as session:
        member = session.scalar(select(Member).where(Member.name == "丁"))
        member.work_unit = "新单位"
        member.mobile = "13800138000"
        session.flush()
        raise Boom
    with db.read() as session:
        member = session.scalar(select(Member).where(Member.name == "丁"))
        assert (member.work_unit, member.mobile) == ("旧单位", "")


def test_a_successful_unit_of_work_is_visible_to_a_new_connection(db, location):
    branch_id = db_branch_id(db)
    with db.write("新增") as session:
        session.add(Member(branch_id=branch_id, name="戊"))
    other = Database(location.url)
    try:
        with other.read() as session:
            assert session.scalar(select(Member.name)) == "戊"
    finally:
        other.dispose()


def test_timestamps_come_back_aware_and_in_utc(db):
    before = dt.datetime.now(dt.UTC)
    branch_id = db_branch_id(db)
    with db.write("新增") as session:
        session.add(Member(branch_id=branch_id, name="己"))
    with db.read() as session:
        created = session.scalar(select(Member.created_at))
        audited = session.scalar(select(AuditEntry.at).order_by(AuditEntry.id.desc()).limit(1))
    after = dt.datetime.now(dt.UTC)
    for stamp in (created, audited):
        assert stamp.utcoffset() == dt.timedelta(0)
        assert before - dt.timedelta(seconds=1) <= stamp <= after + dt.timedelta(seconds=1)


def test_a_naive_timestamp_is_refused(db):
    branch_id = db_branch_id(db)
    with pytest.raises(Exception, match="naive datetime"), db.write("新增") as session:
        session.add(Member(branch_id=branch_id, name="庚", created_at=dt.datetime(2026, 1, 1, 8, 0)))
    assert _count(db, Member) == 0
