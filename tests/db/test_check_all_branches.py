"""Issue 13: the committee checks every branch at once (`branchdesk check --all`, the 各支部概览).

`ws.compliance.check_all` reads the dossiers and meeting records of several branches in one pass and
judges each branch from them; what it reports for a branch must be exactly what that branch's own
`check` reports — the same findings in the same order, the same counts and notes — whatever batch the
branch was read in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields
from branchdesk.services.meetings import MeetingStatus, MeetingType
from branchdesk.workspace import Workspace
from tests.unit.dev_builders import admitted

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def committee(tmp_path_factory):
    """Three branches: the demo branch 甲 (findings of every kind), 乙 with a few members, an overdue
    dossier and two meetings of its own, and 丙 with nothing recorded yet."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    folder = tmp_path_factory.mktemp("check_all")
    db, _ = open_database(resolve_location(str(folder / "three.sqlite")), user="测试用户")
    generate(db, members=16, seed=7, today=TODAY)
    a = Workspace.open(db)
    b = Workspace.open(db, a.branch.add_branch("乙党支部", "测试学院党委").id)
    c = Workspace.open(db, a.branch.add_branch("丙党支部", "测试学院党委").id)
    for n, name in enumerate(("司马乙一", "司马乙二", "司马乙三")):
        b.members.create(MemberFields(name=name, join_date=dt.date(2010 + n, 7, 1),
                                      conversion_date=dt.date(2011 + n, 7, 1), mobile=f"1390000000{n}"))  # fmt: skip
    b.development.save(replace(admitted(dt.date(2025, 3, 1)), id=None, person=Person("司马乙申")))
    b.meetings.plan(MeetingType.GENERAL, dt.date(2026, 3, 2), status=MeetingStatus.DRAFT, place="乙会议室")
    b.meetings.plan(MeetingType.COMMITTEE, dt.date(2026, 12, 1), place="乙会议室")
    yield db, (a, b, c)
    for ws in (a, b, c):
        ws.close()
    db.dispose()


@pytest.mark.parametrize("batch", [1, 2, 10])
def test_checking_every_branch_at_once_reports_what_each_branch_check_reports(committee, monkeypatch, batch):
    from branchdesk.services import compliance

    db, branches = committee
    monkeypatch.setattr(compliance, "_BATCH_BRANCHES", batch)  # branches read one, two, all at a time
    each = {ws.branch_id: ws.compliance.check(TODAY) for ws in branches}
    assert all(each[ws.branch_id].total for ws in branches[:2])  # 甲 and 乙 both have something found
    assert each[branches[2].branch_id].total == 0

    together = branches[2].compliance.check_all(TODAY)  # from any branch's workspace

    assert list(together) == [b for b, _ in Workspace.branches(db)]
    for branch_id, report in each.items():
        assert together[branch_id] == report  # findings in order, counts, notes
        assert [f.to_dict() for f in together[branch_id].all] == [f.to_dict() for f in report.all]
    people = {f.person for f in together[branches[1].branch_id].all}
    assert "司马乙申" in people and not people & {f.person for f in together[branches[0].branch_id].all}


def test_the_overview_rows_come_from_the_same_checks(committee):
    """各支部概览 (a few rows per turn): each row as the branch's own check, to-do list and arrears say."""
    _db, branches = committee
    rows = branches[0].committee.findings_of([ws.branch_id for ws in branches], TODAY)
    for ws in branches:
        report = ws.compliance.check(TODAY)
        found = rows[ws.branch_id]
        assert (found.blocking, found.warnings) == (report.blocking, report.warnings)
        assert found.overdue_todos == sum(i.overdue for i in ws.development.due(TODAY, horizon_days=0))
        assert found.arrears_members == len(ws.dues.arrears(TODAY))
        assert found == branches[0].committee.findings(ws.branch_id, TODAY)
    a, b = rows[branches[0].branch_id], rows[branches[1].branch_id]
    assert a.arrears_members and a.overdue_todos and b.blocking and b.overdue_todos


def test_records_read_in_bulk_equal_each_record_read_alone(committee):
    """`all`/`all_of_branches` build snapshots from driver rows (dates and times converted by hand); `get`
    reads one record through the ORM: the same record either way, sealed ones with their time of sealing."""
    _, (a, b, _c) = committee
    together = a.meetings.all_of_branches([a.branch_id, b.branch_id])
    for ws in (a, b):
        records = ws.meetings.all()
        assert records == together[ws.branch_id] == [ws.meetings.get(m.id) for m in records]
    sealed = [m for m in together[a.branch_id] if m.sealed_at is not None]
    assert sealed and all(m.sealed_at.tzinfo is not None for m in sealed)
    assert any(m.start_time is not None for m in together[a.branch_id])


def test_branches_judged_in_a_helping_process_report_what_one_process_reports(committee, monkeypatch):
    """`check --all` on a committee's PC judges branches in two processes side by side (the helper
    opens the same file and takes branches from the front of the list, this process from the back):
    the same reports in branch order, some of them judged in the helper."""
    import os
    import time

    from branchdesk.services import compliance

    _db, branches = committee
    alone = branches[0].compliance.check_all(TODAY, jobs=1)
    judge = compliance.ComplianceService._check_branches

    def after_the_helper_took_one(
        self, as_of, ids, calendar=None
    ):  # here only: the spawned helper judges at full speed
        bounds, waited = compliance._SHARED.get("bounds"), time.monotonic()
        while (
            bounds is not None and bounds[0] == 0 and bounds[0] < bounds[1] and time.monotonic() - waited < 60
        ):
            time.sleep(0.01)
        return judge(self, as_of, ids, calendar)

    monkeypatch.setattr(compliance.ComplianceService, "_check_branches", after_the_helper_took_one)
    compliance._HELPERS_SEEN.clear()
    together = branches[0].compliance.check_all(TODAY, jobs=2)
    assert list(together) == list(alone)
    for branch_id, report in alone.items():
        assert together[branch_id] == report
    assert compliance._HELPERS_SEEN and os.getpid() not in compliance._HELPERS_SEEN
    assert compliance.default_jobs(3) == 1, "a second process is not worth its start below eight branches"


def test_a_helping_process_that_fails_leaves_its_branches_to_the_first(committee, monkeypatch, tmp_path):
    from branchdesk.services import compliance

    db, branches = committee
    alone = branches[0].compliance.check_all(TODAY, jobs=1)
    monkeypatch.setattr(db, "url", f"sqlite:///{tmp_path / 'no such folder' / 'branchdesk.sqlite'}")
    compliance._HELPERS_SEEN.clear()
    together = branches[0].compliance.check_all(TODAY, jobs=2)  # the helper cannot open the file
    assert together == alone and list(together) == list(alone)
    assert not compliance._HELPERS_SEEN
