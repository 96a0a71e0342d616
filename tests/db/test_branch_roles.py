"""Roles per branch (issue 13): a committee's database where the students' branch secretary is 管理员
of that branch and 查阅 of the teachers'; the committee's 组织员 edits every branch but manages no
accounts; the audit entry names the branch it was written for, and the chain stays whole."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from branchdesk.db.models import AuditEntry
from branchdesk.domain.auth import PermissionDenied, Role
from branchdesk.domain.members import MemberFields
from branchdesk.services.auth import AuthService
from branchdesk.workspace import Workspace

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PW = "Mima-2026x"


@pytest.fixture
def committee(db, ws):
    """Two branches; accounts: the database's 管理员, the students' secretary (查阅, 管理员 of 学生支部),
    the 组织员. The 管理员 is signed in."""
    auth = AuthService(ws, hasher=FAST)
    auth.create_first_admin("zongzhi", "总支书记", PW, PW)
    students = ws.branch.add_branch("学生第一党支部", "护理学院党总支")
    secretary = auth.add_account("xuesheng", "学生支部书记", Role.VIEWER, PW, PW)
    auth.grant(secretary.id, students.id, Role.ADMIN)
    auth.add_account("zuzhi", "组织员", Role.ORGANISER, PW, PW)
    return auth, ws, Workspace.open(db, students.id)


def test_a_branch_secretary_administers_their_branch_and_only_reads_the_others(committee):
    auth, teachers, students = committee
    auth.sign_in("xuesheng", PW)
    assert (teachers.principal.role, students.principal.role) == (Role.VIEWER, Role.ADMIN)
    students.members.create(MemberFields(name="学生甲", join_date=dt.date(2025, 7, 1)))
    students.settings.set("rules.training_min_days", 5)  # a 管理员's setting, on their own branch
    with pytest.raises(PermissionDenied, match=r"查阅.*只能查阅"):
        teachers.members.create(MemberFields(name="越权者", join_date=dt.date(2025, 7, 1)))
    with pytest.raises(PermissionDenied, match="只有管理员"):
        auth.accounts()  # accounts are the whole database's: not a branch's 管理员
    with pytest.raises(PermissionDenied):
        auth.grant(auth.account("xuesheng").id, teachers.branch_id, Role.ADMIN)
    with pytest.raises(PermissionDenied, match="管理员或组织员"):
        students.branch.add_branch("自封党支部")


def test_the_organiser_edits_every_branch_but_not_accounts_or_rules(committee):
    auth, teachers, students = committee
    auth.sign_in("zuzhi", PW)
    for ws in (teachers, students):
        assert ws.principal.role is Role.ORGANISER and ws.principal.can_edit
        ws.members.create(
            MemberFields(name="甲乙"[ws.branch_id - 1] + "组织员录入", join_date=dt.date(2020, 7, 1))
        )
    assert students.branch.add_branch("学生第二党支部").name == "学生第二党支部"
    with pytest.raises(PermissionDenied):
        students.settings.set("rules.training_min_days", 7)
    with pytest.raises(PermissionDenied):
        auth.add_account("another", "", Role.VIEWER, PW, PW)


def test_a_grant_taken_away_leaves_the_accounts_own_role(committee):
    auth, _, students = committee
    secretary = auth.account("xuesheng")
    assert secretary.role_on(students.branch_id) is Role.ADMIN
    assert auth.grant(secretary.id, students.branch_id, None).role_on(students.branch_id) is Role.VIEWER


def test_the_audit_entry_names_the_branch_and_the_chain_verifies(db, committee):
    from branchdesk.services.audit import verify

    auth, teachers, students = committee
    auth.sign_in("xuesheng", PW)
    created = students.members.create(MemberFields(name="学生乙", join_date=dt.date(2025, 7, 1)))
    with db.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "member", AuditEntry.entity_id == created.id)
        ).one()
    assert (entry.branch_id, entry.user) == (students.branch_id, "xuesheng")
    with db.engine.begin() as conn:  # moved to the other branch by hand: the chain shows it
        conn.exec_driver_sql(f"UPDATE audit_entry SET branch_id = {teachers.branch_id} WHERE id = {entry.id}")
    assert not verify(db).ok
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE audit_entry SET branch_id = {students.branch_id} WHERE id = {entry.id}")
    assert verify(db).ok
