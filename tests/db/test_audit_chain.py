"""The audit trail is a hash chain: whatever is done to it outside the program shows in `verify`.

Each test does a day's work through the services, then does to the audit table what someone with a
database browser might do — change an entry, delete one, delete the newest, swap two, add one — and
reads what `verify` tells the secretary. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pytest
from sqlalchemy import delete, func, select, update

from branchdesk.db.models import AuditEntry, AuditHead, PartyGroup
from branchdesk.db.uow import GENESIS, entry_hash
from branchdesk.domain.members import MemberFields
from branchdesk.services.audit import verify
from branchdesk.services.members import AwardFields, StatusChange
from branchdesk.workspace import Workspace

ZHANG = MemberFields(name="张三", id_number="110105199003071239", join_date=dt.date(2015, 7, 1),
                     conversion_date=dt.date(2016, 7, 1), work_unit="计算机学院")  # fmt: skip
LI = MemberFields(name="李四", join_date=dt.date(2019, 6, 30), conversion_date=dt.date(2020, 6, 30))


def _a_day_of_work(members, branch) -> None:
    zhang = members.create(ZHANG)
    li = members.create(LI)
    members.update(zhang.id, replace(zhang.editable(), work_unit="数学学院", mobile="13900139000"))
    members.add_award(zhang.id, AwardFields(date=dt.date(2021, 6, 28), title="优秀共产党员"))
    members.change_status(li.id, StatusChange("transferred_out", dt.date(2025, 3, 1), "工作调动"))
    branch.ws.settings.set("dues.reminder_days", 7)
    branch.ws.settings.set("dues.reminder_days", 10)
    branch.add_honour(dt.date(2020, 7, 1), "先进基层党组织")


def _seqs(db) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))


def _entry(db, seq: int) -> AuditEntry:
    with db.read() as session:
        return session.scalars(select(AuditEntry).where(AuditEntry.seq == seq)).one()


def _raw(db, statement) -> None:
    """Change the database the way another program would: no unit of work, no audit."""
    with db.engine.begin() as conn:
        conn.execute(statement)


@pytest.fixture
def worked(db, members, branch):
    _a_day_of_work(members, branch)
    return db


def test_every_change_joins_the_chain_in_order_and_verifies(worked):
    seqs = _seqs(worked)
    assert len(seqs) >= 10
    assert seqs == list(range(1, len(seqs) + 1)), "numbered 1, 2, 3 … without a gap"
    first, second = _entry(worked, 1), _entry(worked, 2)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    with worked.read() as session:
        head = session.get(AuditHead, 1)
    assert (head.seq, head.hash) == (seqs[-1], _entry(worked, seqs[-1]).hash)

    report = verify(worked)
    assert report.ok, report.lines()
    assert (report.entries, report.last_seq) == (len(seqs), len(seqs))
    assert report.summary().startswith("校验通过")


def test_bulk_work_is_chained_too(empty_db, tmp_path):
    """The demo generator (batch inserts, dossiers, meetings, summary entries) and a roster import
    write their rows in batches, not through the ORM: their entries join the chain all the same."""
    from branchdesk.services.demo import generate
    from branchdesk.services.imports import apply_roster, read_roster
    from tests.db.test_import_members import good_rows, roster_file

    db = empty_db
    generate(db, members=25, seed=3)
    apply_roster(Workspace.open(db), read_roster(roster_file(tmp_path / "花名册.xlsx", good_rows())))
    report = verify(db)
    assert report.ok, report.lines()
    with db.read() as session:
        by_entity = dict(
            session.execute(
                select(AuditEntry.entity, func.count(AuditEntry.id)).group_by(AuditEntry.entity)
            ).all()
        )
        imported = session.scalar(
            select(func.count(AuditEntry.id)).where(AuditEntry.operation == "导入党员花名册")
        )
    assert sum(by_entity.values()) == report.entries == len(_seqs(db))
    assert by_entity.get("dossier", 0) > 0 and by_entity.get("dossier_talk", 0) > 0  # dev_bulk
    assert by_entity.get("meeting", 0) >= 1  # the demo meetings' summary entry (session.add)
    assert imported >= 3  # one per imported member (imports._insert_members)


def test_an_edited_entry_is_named_with_its_time_user_and_operation(worked):
    target = next(s for s in _seqs(worked) if _entry(worked, s).operation == "修改党员档案")
    _raw(
        worked,
        update(AuditEntry)
        .where(AuditEntry.seq == target)
        .values(changes={"work_unit": ["计算机学院", "物理学院"]}),
    )

    report = verify(worked)
    assert not report.ok
    [problem] = report.chain
    assert problem.kind == "altered" and problem.first_seq == target
    when = _entry(worked, target).at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert problem.message == (
        f"审计记录第 {target} 条（{when}，测试用户，修改党员档案）的内容与校验值不符：该记录可能被改动"
    )


def test_a_changed_user_or_time_is_also_an_edit(worked):
    _raw(worked, update(AuditEntry).where(AuditEntry.seq == 3).values(user="别人"))
    _raw(
        worked,
        update(AuditEntry).where(AuditEntry.seq == 5).values(at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)),
    )
    assert [(p.kind, p.first_seq) for p in verify(worked).chain] == [("altered", 3), ("altered", 5)]


def test_a_deleted_entry_leaves_a_named_gap(worked):
    _raw(worked, delete(AuditEntry).where(AuditEntry.seq == 4))

    [problem] = verify(worked).chain
    assert problem.kind == "gap" and (problem.first_seq, problem.last_seq) == (4, 4)
    assert problem.message == "审计记录第 3 条与第 5 条之间缺少 1 条记录（第 4 条）：这些记录可能被删除"


def test_the_gap_stays_visible_after_more_work(worked, members):
    _raw(worked, delete(AuditEntry).where(AuditEntry.seq.in_([6, 7])))
    members.create(
        MemberFields(name="王五", join_date=dt.date(2010, 7, 1), conversion_date=dt.date(2011, 7, 1))
    )

    [problem] = verify(worked).chain
    assert "第 5 条与第 8 条之间缺少 2 条记录（第 6 条至第 7 条）" in problem.message


def test_deleting_the_newest_entries_is_detected(worked):
    last = _seqs(worked)[-1]
    _raw(worked, delete(AuditEntry).where(AuditEntry.seq >= last - 1))

    [problem] = verify(worked).chain
    assert problem.kind == "missing_tail"
    assert problem.message == f"最新的 2 条审计记录（第 {last - 1} 条至第 {last} 条）缺失：这些记录可能被删除"


def test_emptying_the_audit_table_is_detected(worked):
    count = len(_seqs(worked))
    _raw(worked, delete(AuditEntry))
    [problem] = verify(worked).chain
    assert problem.message == f"全部 {count} 条审计记录缺失：审计日志可能被清空"


def test_swapping_two_entries_is_detected(worked):
    _raw(worked, update(AuditEntry).where(AuditEntry.seq == 3).values(seq=-3))
    _raw(worked, update(AuditEntry).where(AuditEntry.seq == 6).values(seq=3))
    _raw(worked, update(AuditEntry).where(AuditEntry.seq == -3).values(seq=6))

    assert {(p.kind, p.first_seq) for p in verify(worked).chain} >= {("altered", 3), ("altered", 6)}


def test_an_entry_added_outside_the_program_is_detected(worked):
    last = _entry(worked, _seqs(worked)[-1])
    _raw(
        worked,
        AuditEntry.__table__.insert().values(
            at=dt.datetime.now(dt.UTC),
            user="测试用户",
            operation="删除党员档案",
            action="delete",
            entity="member",
            entity_id=1,
            changes={"name": ["张三", None]},
            seq=last.seq + 1,
            prev_hash=last.hash,
            hash="f" * 64,
        ),
    )
    kinds = {(p.kind, p.first_seq) for p in verify(worked).chain}
    assert kinds == {("altered", last.seq + 1), ("extra_tail", last.seq + 1)}


def test_an_entry_inserted_in_the_middle_by_renumbering_is_detected(worked):
    """Making room (seq + 1 for everything after 4) and writing a new entry 5 breaks every later hash."""
    last = _seqs(worked)[-1]
    for seq in range(last, 4, -1):
        _raw(worked, update(AuditEntry).where(AuditEntry.seq == seq).values(seq=seq + 1))
    four = _entry(worked, 4)
    _raw(
        worked,
        AuditEntry.__table__.insert().values(
            at=four.at,
            user="测试用户",
            operation="新增党员档案",
            action="insert",
            entity="member",
            entity_id=99,
            changes={"name": [None, "赵六"]},
            seq=5,
            prev_hash=four.hash,
            hash="0" * 64,
        ),
    )
    problems = verify(worked).chain
    assert problems[0].kind == "altered" and (problems[0].first_seq, problems[0].last_seq) == (5, last + 1)
    assert "共" in problems[0].message and "重新编号" in problems[0].message


def test_an_edit_with_its_own_hash_recomputed_breaks_the_link_to_the_next_entry(worked):
    """Someone who knows the formula and rewrites one entry and its hash: the next entry still points
    at the old hash, and the message names the rewritten entry."""
    from sqlalchemy import Text, type_coerce

    from branchdesk.db.uow import _ENTRY

    with worked.engine.connect() as conn:
        row = conn.execute(select(_ENTRY).where(_ENTRY.c.seq == 4)).one()
    forged_changes = '{"note": [null, "改过"]}'
    forged = entry_hash(row.prev_hash, 4, row.at, row.user, row.operation, row.action, row.entity,
                        row.entity_id, forged_changes, row.branch_id)  # fmt: skip
    _raw(
        worked,
        update(AuditEntry)
        .where(AuditEntry.seq == 4)
        .values(changes=type_coerce(forged_changes, Text), hash=forged),
    )
    [problem] = verify(worked).chain
    assert problem.kind == "relinked" and problem.first_seq == 4
    assert problem.message.startswith("审计记录第 4 条（") and "重新计算了校验值" in problem.message


def test_a_refused_change_leaves_the_chain_untouched(worked, members):
    from branchdesk.domain.members import ValidationError

    before = _seqs(worked)
    with pytest.raises(ValidationError):
        members.create(MemberFields(name="", join_date=dt.date(2010, 7, 1)))
    assert _seqs(worked) == before
    assert verify(worked).ok


def test_a_rolled_back_unit_of_work_appends_nothing(worked):
    before = _seqs(worked)
    with pytest.raises(RuntimeError), worked.write("新增党小组") as session:
        session.add(PartyGroup(branch_id=1, name="第九党小组"))
        session.flush()
        raise RuntimeError("stop")
    assert _seqs(worked) == before
    with worked.write("新增党小组") as session:
        session.add(PartyGroup(branch_id=1, name="第九党小组"))
    assert _seqs(worked) == [*before, before[-1] + 1]
    assert verify(worked).ok


# ---- two writers at once ---------------------------------------------------------------------------
def test_two_programs_writing_at_once_keep_one_chain(location, db):
    """Two app instances (own engines, own connections) save at the same time; the chain never forks.

    On SQLite the second writer waits for the write lock (busy timeout); on PostgreSQL both work at
    once and only the append to the chain is serialised.
    """
    from branchdesk.db.migrate import open_database

    rounds = 25
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def office(name: str) -> None:
        other, _ = open_database(location, user=name)
        try:
            start.wait()
            for i in range(rounds):
                # writes first (an INSERT), so that on SQLite the transaction takes the lock at once
                with other.write("新增党小组") as session:
                    session.add_all([PartyGroup(branch_id=1, name=f"{name}{i}-{k}") for k in range(3)])
                # an entry alone (as a summary of bulk work or a login would be): the chain's own
                # write is the transaction's first, so on SQLite it must take the lock before reading
                with other.write("登录") as session:
                    session.add(AuditEntry(user=name, operation="登录", action="insert", entity="session",
                                           entity_id=None, changes={"office": [None, name]}))  # fmt: skip
                if location.url.startswith("postgresql"):
                    service = Workspace.open(other).members
                    record = service.create(MemberFields(name=name + "一二三四五六七八九十"[i % 10] + "子丑寅"[i // 10], join_date=dt.date(2010, 7, 1),
                                                         conversion_date=dt.date(2011, 7, 1)))  # fmt: skip
                    service.update(record.id, replace(record.editable(), work_unit=f"第{i}单位"))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            other.dispose()

    before = len(_seqs(db))
    threads = [threading.Thread(target=office, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    per_round = 4 + (2 if location.url.startswith("postgresql") else 0)
    seqs = _seqs(db)
    assert len(seqs) == before + 2 * rounds * per_round
    assert seqs == list(range(1, len(seqs) + 1))
    report = verify(db)
    assert report.ok, report.lines()


# ---- the database itself ---------------------------------------------------------------------------
def test_a_reference_to_a_missing_record_is_a_database_problem(worked, location):
    """Another program, bypassing the foreign keys, points a member at a party group that does not exist."""
    from sqlalchemy import text

    from branchdesk.db.models import Member

    if location.sqlite_path is not None:
        import sqlite3

        con = sqlite3.connect(location.sqlite_path)  # foreign keys are off unless a connection asks
        with con:
            con.execute("UPDATE member SET group_id = 999 WHERE name = '张三'")
        con.close()
    else:
        with worked.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # superuser: no FK triggers
            conn.execute(update(Member).where(Member.name == "张三").values(group_id=999))
    report = verify(worked)
    assert report.chain == []
    [problem] = report.integrity
    assert problem.kind == "foreign_key"
    assert problem.message.startswith("“党员档案”中有 1 条记录（编号 1）引用的“党小组”记录不存在")
    assert report.summary().startswith("校验未通过：数据库")


def test_switched_off_foreign_key_checks_are_reported_on_postgresql(worked, location):
    from sqlalchemy import text

    if location.sqlite_path is not None:
        pytest.skip("SQLite has no triggers enforcing foreign keys (PRAGMA foreign_key_check covers it)")
    with worked.engine.begin() as conn:
        conn.execute(text("ALTER TABLE member_award DISABLE TRIGGER ALL"))
    [problem] = verify(worked).integrity
    assert problem.message == "“奖惩”的外键检查被停用：数据可能在程序之外被改动"
