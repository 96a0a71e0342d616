"""Issue 12 §6: the demo branch is the showcase — `check` on fresh demo databases of several sizes and
seeds finds no CON-* (records contradicting each other) and nothing blocking."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.services.demo import generate
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(("members", "seed"), [(30, 1), (60, 2), (120, 3)])
def test_a_fresh_demo_has_no_contradiction_and_nothing_blocking(tmp_path, members, seed):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    db, _ = open_database(resolve_location(str(tmp_path / "demo.sqlite")), user="测试用户")
    generate(db, members=members, seed=seed, today=TODAY)
    ws = Workspace.open(db)
    report = ws.compliance.check(TODAY)
    contradictions = [f"{f.code} {f.message_zh}" for f in report.all if f.code.startswith("CON-")]
    blocking = [f"{f.code} {f.message_zh}" for f in report.all if f.blocking]
    assert contradictions == []
    assert blocking == []
    # intended: the demo keeps a few members below 32 study hours (56 for the committee), so MEM-STUDY-32H
    # shows what it finds — as warnings, for a few members, last year and (December) this year
    study = [f for f in report.all if f.code == "MEM-STUDY-32H"]
    assert study and not any(f.blocking for f in study) and len(study) <= max(3, members // 6)
    # the demo's votes agree with their attendance lists, conversions have their meetings,
    # activists are of both sexes
    from branchdesk.domain.development import Standing
    from branchdesk.services.development import DossierQuery

    activists = ws.development.list(DossierQuery(standings=frozenset({Standing.ACTIVIST})))
    assert {a.sex for a in activists} == {"男", "女"}
    db.dispose()


def test_a_committees_demo_is_branches_that_each_obey_the_rules(tmp_path):
    """`demo --branches 3`: a college committee's three branches — the one-branch demo and two
    departments' branches — each with its members, dossiers, meetings, dues and activities; none finds
    anything blocking or contradictory, one college gives no ID number, mobile or 学号 twice, and a
    department's branch holds that department's teachers and that 专业's students."""
    from sqlalchemy import func, select

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.db.models import Member
    from branchdesk.services.demo import BRANCHES

    db, _ = open_database(resolve_location(str(tmp_path / "committee.sqlite")), user="测试用户")
    summary = generate(db, members=30, seed=4, today=TODAY, branches=3)
    assert "另有 2 个支部" in summary.describe()
    assert [name for _, name in Workspace.branches(db)] == [b[0] for b in BRANCHES[:3]]
    ws = Workspace.open(db)
    reports = ws.compliance.check_all(TODAY, jobs=1)
    study = 0
    for branch_id, report in reports.items():
        assert report.members == 30 and report.dossiers > 10 and report.meetings > 100, branch_id
        assert [f.code for f in report.all if f.code.startswith("CON-") or f.blocking] == [], branch_id
        study += sum(1 for f in report.all if f.code == "MEM-STUDY-32H")
    assert study <= 3 * max(3, 30 // 6), "a few members short of study hours, not many"
    with db.read() as session:
        for column in (Member.id_number, Member.mobile, Member.student_number):
            twice = session.execute(
                select(column)
                .where(column.is_not(None), column != "")
                .group_by(column)
                .having(func.count() > 1)
            ).all()
            assert twice == [], column
        _, department, (major, _code) = BRANCHES[1]
        second = next(b for b, name in Workspace.branches(db) if name == BRANCHES[1][0])
        teachers = session.scalars(
            select(Member.work_unit).where(Member.branch_id == second, Member.job == "专任教师")
        ).all()
        majors = set(
            session.scalars(select(Member.major).where(Member.branch_id == second, Member.major != "")).all()
        )
    assert teachers and all(unit.endswith(department) for unit in teachers)
    assert majors == {major}
    overview = ws.committee.overview(TODAY.year)
    assert [row.members for row in overview] == [30, 30, 30]
    db.dispose()
