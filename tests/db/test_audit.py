"""Every mutation leaves an audit entry: who, when, which operation, which entity, before/after.

Each test performs one thing a secretary does and reads back exactly the entries it left behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member
from branchdesk.domain.members import MemberFields
from branchdesk.services.members import AwardFields, StatusChange
from branchdesk.workspace import Workspace


@dataclass(frozen=True)
class Entry:
    user: str
    operation: str
    action: str
    entity: str
    entity_id: int | None
    changes: dict
    at: dt.datetime


class AuditLog:
    def __init__(self, db):
        self.db = db
        self.mark()

    def mark(self) -> None:
        with self.db.read() as session:
            self._last = session.scalar(select(func.coalesce(func.max(AuditEntry.id), 0)))

    def new(self) -> list[Entry]:
        """Entries written since the last call (or since the log was opened)."""
        with self.db.read() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.id > self._last).order_by(AuditEntry.id)
            ).all()
            entries = [
                Entry(r.user, r.operation, r.action, r.entity, r.entity_id, r.changes, r.at) for r in rows
            ]
        self.mark()
        return entries


@pytest.fixture
def audit(db):
    return AuditLog(db)


ZHANG = MemberFields(
    name="张三",
    id_number="110105199003071239",
    join_date=dt.date(2015, 7, 1),
    conversion_date=dt.date(2016, 7, 1),
    work_unit="计算机学院",
    mobile="13800138000",
)


def test_adding_a_member_records_who_did_it_and_the_new_values(members, audit):
    started = dt.datetime.now(dt.UTC)
    record = members.create(ZHANG)

    [entry] = audit.new()
    assert (entry.user, entry.operation, entry.action) == ("测试用户", "新增党员档案", "insert")
    assert (entry.entity, entry.entity_id) == ("member", record.id)
    assert entry.changes["name"] == [None, "张三"]
    assert entry.changes["join_date"] == [None, "2015-07-01"]
    assert entry.changes["work_unit"] == [None, "计算机学院"]
    # filled from the ID number by the rules, and recorded as well
    assert entry.changes["birth_date"] == [None, "1990-03-07"]
    assert entry.changes["sex"] == [None, "男"]
    # empty fields and bookkeeping columns are not noise in the trail
    assert "address" not in entry.changes and "notes" not in entry.changes
    assert "created_at" not in entry.changes and "updated_at" not in entry.changes
    assert started - dt.timedelta(seconds=1) <= entry.at <= dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)


def test_editing_a_member_records_only_the_fields_that_changed(members, audit):
    record = members.create(ZHANG)
    audit.new()

    members.update(record.id, replace(record.editable(), work_unit="数学学院", mobile="13900139000"))

    [entry] = audit.new()
    assert (entry.action, entry.entity, entry.entity_id) == ("update", "member", record.id)
    assert entry.operation == "修改党员档案"
    assert entry.changes == {
        "work_unit": ["计算机学院", "数学学院"],
        "mobile": ["13800138000", "13900139000"],
    }


def test_saving_a_member_without_changes_leaves_no_entry(members, audit):
    record = members.create(ZHANG)
    audit.new()
    result = members.update(record.id, record.editable())
    assert result.changed == []
    assert audit.new() == []


def test_a_refused_edit_leaves_no_entry(members, audit):
    from branchdesk.domain.members import ValidationError

    record = members.create(ZHANG)
    audit.new()
    with pytest.raises(ValidationError):
        members.update(record.id, replace(record.editable(), mobile="12345"))
    assert audit.new() == []


def test_a_status_change_records_the_history_row_and_the_member_change(members, audit):
    record = members.create(ZHANG)
    audit.new()

    members.change_status(
        record.id,
        StatusChange("transferred_out", dt.date(2026, 3, 2), "工作调动", letter_no="（2026）12号",
                     destination="某某大学党委"),
    )  # fmt: skip

    entries = audit.new()
    assert {e.operation for e in entries} == {"党籍状态变更：已转出"}
    by_entity = {e.entity: e for e in entries}
    assert set(by_entity) == {"member", "member_status_change"}
    history = by_entity["member_status_change"]
    assert history.action == "insert"
    assert history.changes["from_status"] == [None, "active"]
    assert history.changes["to_status"] == [None, "transferred_out"]
    assert history.changes["destination"] == [None, "某某大学党委"]
    member = by_entity["member"]
    assert (member.action, member.entity_id) == ("update", record.id)
    assert member.changes == {
        "status": ["active", "transferred_out"],
        "status_date": [None, "2026-03-02"],
        "status_reason": ["", "工作调动"],
    }


def test_awards_are_audited_when_added_and_when_removed(members, audit):
    record = members.create(ZHANG)
    award = members.add_award(
        record.id,
        AwardFields(date=dt.date(2024, 7, 1), title="优秀共产党员", issuer="校党委", level="校（院）级"),
    )
    audit.new()
    members.remove_award(award.id)

    [entry] = audit.new()
    assert (entry.operation, entry.action, entry.entity, entry.entity_id) == (
        "删除奖惩记录", "delete", "member_award", award.id,
    )  # fmt: skip
    # what was deleted can be read back from the trail
    assert entry.changes["title"] == ["优秀共产党员", None]
    assert entry.changes["date"] == ["2024-07-01", None]
    assert entry.changes["issuer"] == ["校党委", None]


def test_branch_changes_are_audited(branch, members, audit):
    profile = branch.profile()
    branch.save_profile(replace(profile, address="行政楼 301"))
    [entry] = audit.new()
    assert (entry.operation, entry.entity, entry.action) == ("保存支部信息", "branch", "update")
    assert entry.changes == {"address": ["", "行政楼 301"]}

    group = branch.add_group("第三党小组")
    [entry] = audit.new()
    assert (entry.operation, entry.entity, entry.entity_id) == ("新增党小组", "party_group", group.id)
    assert entry.changes["name"] == [None, "第三党小组"]

    branch.rename_group(group.id, "离退休党小组")
    [entry] = audit.new()
    assert entry.changes == {"name": ["第三党小组", "离退休党小组"]}

    branch.remove_group(group.id)
    [entry] = audit.new()
    assert (entry.operation, entry.action) == ("撤销党小组", "delete")


def test_appointing_a_secretary_records_the_seat_and_the_members_party_post(branch, members, audit):
    record = members.create(ZHANG)
    audit.new()
    branch.appoint(record.id, "secretary", dt.date(2024, 1, 5), dt.date(2027, 1, 4))

    entries = {e.entity: e for e in audit.new()}
    assert set(entries) == {"committee_member", "member"}
    assert entries["committee_member"].changes["post"] == [None, "secretary"]
    assert entries["member"].changes == {"party_post": ["", "书记"]}
    assert {e.operation for e in entries.values()} == {"任命支委"}


def test_settings_are_audited_with_their_values(ws, audit):
    ws.settings.set("dues.reminder_days", 7)
    ws.settings.set("dues.reminder_days", 10)
    first, second = audit.new()
    assert (first.action, first.changes) == (
        "insert",
        {
            "id": [None, 1],
            "branch_id": [None, ws.branch_id],
            "key": [None, "dues.reminder_days"],
            "value": [None, 7],
        },
    )
    assert (second.action, second.changes) == ("update", {"value": [7, 10]})
    assert second.operation == "修改设置：dues.reminder_days"


def test_the_user_is_whoever_opened_the_database(location, members):
    """The name given when opening the database (the OS login by default) is what the trail shows."""
    from branchdesk.db.migrate import open_database

    other, _ = open_database(location, user="李书记")
    try:
        log = AuditLog(other)
        Workspace.open(other).members.create(MemberFields(name="李四"))
        [entry] = log.new()
        assert entry.user == "李书记"
    finally:
        other.dispose()


def test_audit_entries_are_not_themselves_audited(db, audit, members):
    members.create(ZHANG)
    entries = audit.new()
    assert all(e.entity != "audit_entry" for e in entries)
    with db.read() as session:
        assert session.scalar(select(func.count(Member.id))) == 1
