"""The Workspace: opening one branch, the services it carries, settings per branch, and what changed.

Two branches are written straight into the database here (rows, not the services): creating and
choosing branches from the program is the second part of issue 13.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from branchdesk.db.changes import Changes
from branchdesk.db.models import Branch, Member
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Person, Step
from branchdesk.domain.errors import NoBranchError, NotFoundError
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.rules import RuleSettings
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace


def add_branch(db, name: str) -> int:
    """A second branch, as another office PC (or the committee's later tools) would have made it."""
    with db.write("新建支部") as session:
        return session.execute(insert(Branch).values(name=name).returning(Branch.id)).scalar_one()


# ---- opening --------------------------------------------------------------------------------------
def test_the_only_branch_opens_without_a_name_and_by_its_name_or_number(db):
    ws = Workspace.open(db)
    assert ws.has_branch and ws.branch.profile().name == "测试学院教工第一党支部"
    assert Workspace.open(db, "测试学院教工第一党支部").branch_id == ws.branch_id
    assert Workspace.open(db, str(ws.branch_id)).branch_id == ws.branch_id
    assert Workspace.open(db, ws.branch_id).branch_id == ws.branch_id
    assert ws.principal is db.principal and ws.user == db.user


def test_a_branch_that_does_not_exist_is_named_with_the_ones_that_do(db):
    with pytest.raises(NoBranchError) as refused:
        Workspace.open(db, "第九党支部")
    assert "没有名为“第九党支部”的支部" in str(refused.value)
    assert "测试学院教工第一党支部" in str(refused.value)


def test_several_branches_and_none_named_is_a_clear_error_listing_them(db):
    second = add_branch(db, "学生第一党支部")
    with pytest.raises(NoBranchError) as refused:
        Workspace.open(db)
    message = str(refused.value)
    assert "有 2 个支部" in message and "--branch" in message
    assert "1　测试学院教工第一党支部" in message and f"{second}　学生第一党支部" in message
    assert Workspace.open(db, "学生第一党支部").branch_id == second
    assert Workspace.open(db, strict=False).branch_id == 1, "the window (no switcher yet): the first"


def test_a_database_without_a_branch_opens_without_one_until_the_first_is_saved(empty_db):
    from branchdesk.services.branch import BranchProfile

    ws = Workspace.open(empty_db)
    assert not ws.has_branch
    with pytest.raises(NoBranchError, match="还没有支部"):
        ws.members.count(MemberQuery())
    ws.branch.save_profile(BranchProfile(name="新成立党支部"))
    assert ws.has_branch and ws.members.count(MemberQuery()) == 0


# ---- the services ---------------------------------------------------------------------------------
def test_the_services_are_built_once_on_first_use_and_share_the_workspace(ws):
    assert "development" not in vars(ws), "a service is built when first used, not at opening"
    development = ws.development
    assert ws.development is development
    for name in ("members", "branch", "settings", "roster", "development", "meetings", "audit", "auth",
                 "compliance"):  # fmt: skip
        assert getattr(ws, name).ws is ws, name
    assert ws.meetings.ws.development is development, "a service reaches another through the workspace"


class Reminders:
    """A service as a new area writes one: it takes the workspace and reaches the others through it."""

    def __init__(self, ws):
        self.ws = ws

    def count(self) -> int:
        return self.ws.members.count(MemberQuery())


def test_a_new_service_is_one_line(db):
    from branchdesk.workspace import service

    class WithReminders(Workspace):
        reminders = service(f"{__name__}:Reminders")

    ws = WithReminders.open(db)
    assert ws.reminders.count() == 0 and ws.reminders.ws is ws


def test_one_not_found_error_for_every_kind_of_record(ws):
    from branchdesk.services import development, meetings, members

    assert members.NotFoundError is development.NotFoundError is meetings.NotFoundError is NotFoundError
    for lookup in (ws.members.get, ws.development.get, ws.meetings.get):
        with pytest.raises(NotFoundError, match="找不到编号为 999"):
            lookup(999)


# ---- a branch sees its own records -----------------------------------------------------------------
def test_the_records_of_one_branch_never_show_in_another(db):
    first = Workspace.open(db, 1)
    second = Workspace.open(db, add_branch(db, "学生第一党支部"))
    first.members.create(MemberFields(name="甲", join_date=dt.date(2001, 7, 1)))
    second.members.create(MemberFields(name="乙", join_date=dt.date(2002, 7, 1)))
    birth = dt.date(2003, 3, 8)
    second.development.create(
        Person("丙", birth, make_citizen_id("350102", birth, 9, "男")), dt.date(2025, 3, 1)
    )
    assert [m.name for m in first.members.records(MemberQuery())] == ["甲"]
    assert [m.name for m in second.members.records(MemberQuery())] == ["乙"]
    assert first.development.all() == [] and [d.person.name for d in second.development.all()] == ["丙"]
    assert [v.name for v in second.roster.electorate(dt.date(2026, 1, 1)).voters] == ["乙"]
    assert second.branch.groups() == [] and len(first.branch.groups()) == 2


# ---- settings per branch ---------------------------------------------------------------------------
def test_each_branch_keeps_its_own_settings_and_shares_the_database_wide_ones(db):
    first = Workspace.open(db, 1)
    second = Workspace.open(db, add_branch(db, "学生第一党支部"))
    first.development.save_rule_settings(RuleSettings(publicity_working_days=7))
    assert first.development.rule_settings().publicity_working_days == 7
    assert second.development.rule_settings().publicity_working_days == 5, (
        "the other branch keeps the default"
    )
    second.settings.set("dues.reminder_days", 3)
    assert first.settings.get("dues.reminder_days", 10) == 10
    assert second.settings.with_prefix("dues.") == {"dues.reminder_days": 3}
    first.auth.set_idle_lock_minutes(5)  # the account policy is the whole database's
    assert second.auth.idle_lock_minutes() == 5
    second.settings.set("dues.reminder_days", None)
    assert second.settings.get("dues.reminder_days", 10) == 10


def test_a_database_wide_value_of_a_branch_key_is_every_branch_default(db):
    """Rows left without a branch (a database that had none when revision 0007 moved the settings)."""
    from branchdesk.db.models import Setting

    with db.write("测试") as session:
        session.add(Setting(branch_id=None, key="dues.reminder_days", value=9))
    first = Workspace.open(db, 1)
    assert first.settings.get("dues.reminder_days") == 9
    first.settings.set("dues.reminder_days", 4)
    assert first.settings.get("dues.reminder_days") == 4
    second = Workspace.open(db, add_branch(db, "学生第一党支部"))
    assert second.settings.get("dues.reminder_days") == 9


# ---- what changed ----------------------------------------------------------------------------------
def test_a_listener_is_told_what_each_commit_changed(ws):
    told: list[Changes] = []
    ws.subscribe(told.append)
    record = ws.members.create(MemberFields(name="张三", join_date=dt.date(2001, 7, 1)))
    (changes,) = told
    assert changes.touches("member") and not changes.touches("dossier")
    assert changes.ids("member") == {record.id} and changes.actions("member") == {"insert"}
    assert changes.operation == "新增党员档案" and changes.branch_id == ws.branch_id

    ws.branch.add_group("第三党小组")
    assert told[-1].tables == {"party_group"}


def test_a_step_that_makes_a_member_file_changes_both_tables(ws):
    told: list[Changes] = []
    ws.subscribe(told.append)
    birth = dt.date(2000, 3, 15)
    dossier = ws.development.create(Person("陈静", birth, make_citizen_id("350102", birth, 7, "女")))
    assert told[-1].ids("dossier") == {dossier.id}
    ws.development.record(dossier.id, Step.APPLICATION, {"application_date": dt.date(2024, 3, 1)},
                          as_of=dt.date(2024, 3, 1))  # fmt: skip
    assert told[-1].touches("dossier") and told[-1].actions("dossier") == {"update"}


def test_writes_straight_through_the_database_are_told_too(db, ws):
    told: list[Changes] = []
    ws.subscribe(told.append)
    with db.write("批量写入") as session:
        session.execute(insert(Member).values(branch_id=ws.branch_id, name="批量", status="active"))
        from branchdesk.db.uow import add_entries

        add_entries(session, [{"user": db.user, "operation": "批量写入", "action": "insert", "entity": "member",
                               "entity_id": None, "changes": {}}])  # fmt: skip
    (changes,) = told
    assert changes.touches("member") and changes.ids("member") == set(), "bulk work: the table, no ids"


def test_a_rolled_back_transaction_tells_nobody(ws):
    told: list[Changes] = []
    unsubscribe = ws.subscribe(told.append)
    with pytest.raises(ValidationError):
        ws.members.create(MemberFields(name="", join_date=dt.date(2001, 7, 1)))  # refused: nothing written
    with pytest.raises(RuntimeError), ws.write("写到一半失败") as session:
        session.add(Member(branch_id=ws.branch_id, name="半途", status="active"))
        session.flush()  # the audit saw the row …
        raise RuntimeError("失败")  # … but the transaction rolls back
    assert told == []
    unsubscribe()
    ws.members.create(MemberFields(name="李四", join_date=dt.date(2001, 7, 1)))
    assert told == [], "an unsubscribed listener hears nothing"


def test_a_failing_listener_does_not_undo_the_write_nor_silence_the_others(ws):
    told: list[Changes] = []

    def broken(_changes):
        raise RuntimeError("listener bug")

    ws.subscribe(broken)
    ws.subscribe(told.append)
    record = ws.members.create(MemberFields(name="王五", join_date=dt.date(2001, 7, 1)))
    assert ws.members.get(record.id).name == "王五" and len(told) == 1


def test_a_workspace_is_not_told_of_writes_made_for_another_branch(db):
    first = Workspace.open(db, 1)
    second = Workspace.open(db, add_branch(db, "学生第一党支部"))
    heard_first: list[Changes] = []
    first.subscribe(heard_first.append)
    second.members.create(MemberFields(name="乙", join_date=dt.date(2002, 7, 1)))
    assert heard_first == []
    first.members.create(MemberFields(name="甲", join_date=dt.date(2001, 7, 1)))
    assert len(heard_first) == 1
