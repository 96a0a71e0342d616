"""Two office PCs editing one member file: what each saves is kept, a clash is refused with a clear message.

The member form passes the record it was opened with (`base`), so a save writes only what the user
changed. These tests play both PCs in one process, one step after the other (SQLite and PostgreSQL);
tests/db/test_pg_concurrency.py runs them really at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.services.members import ConcurrentEditError, MemberQuery, MemberService


def _person(name: str, seq: int) -> MemberFields:
    return MemberFields(
        name=name,
        id_number=make_citizen_id("110105", dt.date(1980, 5, 6), seq, "男"),
        join_date=dt.date(2005, 7, 1),
        conversion_date=dt.date(2006, 7, 1),
        mobile="13800000000",
        address="东四十条1号",
    )


def _audit_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(AuditEntry.id)))


def test_two_pcs_changing_different_fields_keep_both(members):
    created = members.create(_person("张同时", 1))
    office_a = members.get(created.id)  # both PCs open the file
    office_b = members.get(created.id)

    members.update(created.id, replace(office_a.editable(), mobile="13911112222"), base=office_a)
    members.update(created.id, replace(office_b.editable(), address="朝阳门内大街2号"), base=office_b)

    saved = members.get(created.id)
    assert (saved.mobile, saved.address) == ("13911112222", "朝阳门内大街2号"), (
        "B's stale form kept A's mobile"
    )


def test_two_pcs_changing_the_same_field_differently_the_second_is_refused(members, db):
    created = members.create(_person("李同改", 2))
    office_a = members.get(created.id)
    office_b = members.get(created.id)
    members.update(created.id, replace(office_a.editable(), mobile="13911112222"), base=office_a)
    before = _audit_count(db)

    with pytest.raises(ConcurrentEditError) as caught:
        members.update(
            created.id, replace(office_b.editable(), mobile="13733334444", address="新地址"), base=office_b
        )

    assert isinstance(caught.value, ValidationError), "the form shows it like any other field problem"
    (issue,) = caught.value.issues
    assert issue.field == "mobile"
    assert (
        str(issue)
        == "手机号码：在您编辑期间已被其他用户修改为“13911112222”，您的修改未保存；请重新打开档案后再改"
    )
    saved = members.get(created.id)
    assert (saved.mobile, saved.address) == ("13911112222", "东四十条1号"), "nothing of B's save was written"
    assert _audit_count(db) == before


def test_the_same_change_on_both_pcs_is_no_conflict(members):
    created = members.create(_person("王一致", 3))
    office_a = members.get(created.id)
    office_b = members.get(created.id)
    members.update(created.id, replace(office_a.editable(), mobile="13911112222"), base=office_a)
    result = members.update(created.id, replace(office_b.editable(), mobile="13911112222"), base=office_b)
    assert result.record.mobile == "13911112222" and result.changed == []


def test_without_base_the_form_overwrites_every_field(members):
    created = members.create(_person("赵覆盖", 4))
    stale = members.get(created.id)
    members.update(created.id, replace(stale.editable(), mobile="13911112222"))
    members.update(created.id, replace(stale.editable(), address="新地址"))
    assert members.get(created.id).mobile == "13800000000"


def test_an_id_number_saved_by_another_pc_after_the_check_gets_the_duplicate_message(
    members, db, monkeypatch
):
    """The window between the check and the insert: the other PC's member is committed in between.
    The database's unique index refuses the row; the user gets the form's message, not a crash."""
    first = members.create(_person("孙先到", 5))
    check = MemberService._check
    calls = []

    def check_that_misses_the_clash_once(self, session, values, *, member_id, branch_id):
        calls.append(member_id)
        # the first look does not see 孙先到 as a clash, as if the other PC had not committed yet
        seen_as = first.id if len(calls) == 1 else member_id
        return check(self, session, values, member_id=seen_as, branch_id=branch_id)

    monkeypatch.setattr(MemberService, "_check", check_that_misses_the_clash_once)
    before = _audit_count(db)
    with pytest.raises(ValidationError) as caught:
        members.create(_person("周后到", 5))
    assert [str(i) for i in caught.value.issues] == ["公民身份号码：与已有党员“孙先到”的公民身份号码重复"]
    assert len(calls) == 2
    assert _audit_count(db) == before
    assert [r.name for r in members.records(MemberQuery(statuses=None))] == [first.name]
