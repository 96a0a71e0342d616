"""Readiness for the 红旗党支部 visit (issue 16): every automatic metric on a built year, the scored
self-assessment, manual scores, saved copies and rubrics per year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from branchdesk.domain.meetings import MeetingType
from branchdesk.domain.rubric import AUTO, MANUAL, RubricError
from branchdesk.services.members import AwardFields
from tests.db.readiness_builders import branch_with_members, full_year

Y = 2025
AS_OF = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A branch with a whole year of meetings, but the second group's in March and April (built once)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    folder = tmp_path_factory.mktemp("year")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder / "data"))
        db, _ = open_database(resolve_location(str(folder / "db" / "branchdesk.sqlite")), user="测试用户")
        ws = Workspace(db)
        ws.branch.save_profile(BranchProfile(name="测试学院教工第一党支部", founded_on=dt.date(2010, 6, 1)))
        ws.branch.add_group("第一党小组")
        ws.branch.add_group("第二党小组")
        ws = Workspace.open(db)
        ids = branch_with_members(ws)
        full_year(ws, Y, skip={(MeetingType.GROUP, 3, "第二党小组"), (MeetingType.GROUP, 4, "第二党小组")})
        db.dispose()
    return folder / "db", ids


@pytest.fixture
def built(template, tmp_path, data_dir):
    """A copy of the built year for one test: (workspace, member ids)."""
    import shutil

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.workspace import Workspace

    folder, ids = template
    shutil.copytree(folder, tmp_path / "copy")
    db, _ = open_database(resolve_location(str(tmp_path / "copy" / "branchdesk.sqlite")), user="测试用户")
    yield Workspace.open(db), ids
    db.dispose()


def test_a_year_with_two_missing_group_meetings_scores_exactly_the_deduction(built):
    ws, _ = built
    a = ws.readiness.assess(Y, as_of=AS_OF)
    group = a.item("2.4")
    assert (group.how, group.max, group.score) == (AUTO, 3, Decimal("2"))  # 3 − 2 × 0.5
    for key in ("1.2", "1.3", "2.2", "2.5", "2.6", "2.7", "2.8", "3.2", "3.3", "6.3", "6.4"):
        item = a.item(key)
        assert item.score == item.max, (key, item.summary, item.evidence)
    assert a.score == sum(d.score for d in a.dimensions)
    texts = [x.text for x in a.actions]
    assert "补录 3 月第二党小组会记录 +0.5 分" in texts and "补录 4 月第二党小组会记录 +0.5 分" in texts
    evidence = [e.label for e in group.evidence]
    assert len([e for e in group.evidence if e.kind == "meeting"]) == 22
    assert any("2025年3月第二党小组" in label for label in evidence)


def test_every_meeting_metric_counts_what_is_missing(built):
    ws, _ = built
    gone = {MeetingType.PARTY_DAY: 7, MeetingType.GENERAL: 6, MeetingType.LECTURE: 9, MeetingType.ORG_LIFE: 12,
            MeetingType.APPRAISAL: 12, MeetingType.TALKS: 11}  # fmt: skip
    for m in ws.meetings.all(year=Y):
        if gone.get(m.type) == m.date.month:
            ws.meetings.delete(m.id)
    m = ws.readiness.metrics(Y, AS_OF)
    missing = {k: int(v.value) for k, v in m.items() if k.startswith("meetings.") and k != "meetings.talks"}
    assert missing == {"meetings.general": 1, "meetings.committee": 0, "meetings.group": 2, "meetings.lecture": 1,
                       "meetings.party_day": 1, "meetings.org_life": 1, "meetings.appraisal": 1}  # fmt: skip
    assert [s.text for s in m["meetings.party_day"].shortfalls] == ["补录 7 月主题党日记录"]
    assert [s.text for s in m["meetings.general"].shortfalls] == ["补录 第2季度支部党员大会记录"]
    assert (
        m["meetings.talks"].value == 0 and "2名党员本年没有同支部委员谈心谈话" in m["meetings.talks"].gap_text
    )
    a = ws.readiness.assess(Y, as_of=AS_OF)
    assert (a.item("1.2").score, a.item("2.2").score, a.item("2.5").score, a.item("6.3").score) == (
        5,
        2,
        0,
        0,
    )


def test_the_branch_start_date_is_respected(built):
    ws, _ = built
    assert int(ws.readiness.metrics(Y, AS_OF)["meetings.group"].value) == 2
    ws.meetings.set_records_since(dt.date(Y, 5, 1))  # March and April were before the records began
    assert int(ws.readiness.metrics(Y, AS_OF)["meetings.group"].value) == 0
    ws.meetings.set_records_since(dt.date(Y, 7, 1))
    m = ws.readiness.metrics(Y + 1, dt.date(Y + 1, 3, 1))  # next year: two months over, nothing held
    assert int(m["meetings.party_day"].value) == 2  # January and February
    assert int(m["meetings.general"].value) == 0  # Q1 not over yet


def test_attendance_honours_sanctions_and_findings(built):
    ws, year = built
    ws.branch.add_honour(dt.date(Y, 7, 1), "先进基层党组织", "学院党委", "校（院）级")
    ws.members.add_award(year["甲党员"], AwardFields(date=dt.date(Y, 5, 4), title="优秀共产党员"))
    ws.members.add_award(year["乙党员"], AwardFields(kind="punishment", date=dt.date(Y, 9, 1), title="警告"))
    m = ws.readiness.metrics(Y, AS_OF)
    assert m["attendance.rate"].value == 1
    assert m["honours.count"].value == 2 and len(m["honours.count"].evidence) == 2
    assert m["sanctions.count"].value == 1
    for name in ("committee.status", "development.blocking", "dossiers.complete", "consistency.findings"):
        assert m[name].value == 0, (name, m[name].evidence)
    a = ws.readiness.assess(Y, as_of=AS_OF)
    assert (a.item("5.3").score, a.item("6.2").score) == (5, 2)  # two honours; one sanction costs 3
    assert not [x for x in a.actions if x.item_key == "6.2"]  # no paperwork makes good a sanction


def test_manual_scores_saved_copies_and_rubric_versions(built, tmp_path):
    ws, _ = built
    r = ws.readiness
    dues = r.assess(Y, as_of=AS_OF).item("2.9")
    assert (dues.how, dues.scored) == (MANUAL, False)  # dues are not recorded here yet: by hand
    r.set_manual_score("红旗党支部", Y, "3.1", "4.5", "制度汇编齐全")
    doc = tmp_path / "支部制度汇编.pdf"
    doc.write_bytes(b"%PDF-1.4 rules")
    r.attach("红旗党支部", Y, "3.1", doc)
    with pytest.raises(RubricError):
        r.set_manual_score("红旗党支部", Y, "3.1", 6)
    a = r.assess(Y, as_of=AS_OF)
    assert (a.item("3.1").score, a.item("3.1").comment, a.item("3.1").attachments) == (
        Decimal("4.5"), "制度汇编齐全", ("支部制度汇编.pdf",)
    )  # fmt: skip
    saved = r.save_assessment(a, on=dt.date(2026, 3, 1))
    # next the branch changes its rubric for the year: the saved copy keeps the old one
    rubric = r.rubric("红旗党支部", Y)
    edited = rubric.to_dict()
    edited["dimensions"][0]["items"][0]["points"] = "2"
    edited["dimensions"][0]["items"].append(
        {"key": "1.5", "name": "学习强国", "points": "1", "how": "manual"}
    )
    r.save_rubric(type(rubric).from_dict(edited), Y)
    assert r.rubric("红旗党支部", Y).item("1.5").points == 1
    assert r.rubric("红旗党支部", Y + 1).item("1.5").points == 1  # later years follow the latest copy
    assert "1.5" not in [i.key for i in r.rubric("红旗党支部", Y - 1).items()] or r.rubric_years(
        "红旗党支部"
    ) == [Y]
    old, result = r.saved_copy(saved)
    assert "1.5" not in [i.key for i in old.items()]
    assert result["score"] == float(a.score) or result["score"] == int(a.score)
    [copy] = r.saved(Y)
    assert (copy.made_on, copy.score) == (dt.date(2026, 3, 1), a.score)


def test_the_workbench_follows_the_term_lost_members_and_the_plan(ws):
    from dataclasses import replace

    from branchdesk.domain.members import MemberFields
    from branchdesk.services.readiness import PlanItem

    ids = branch_with_members(ws)
    profile = ws.branch.profile()
    ws.branch.save_profile(replace(profile, committee_term_start=dt.date(2024, 1, 20),
                                   committee_term_end=dt.date(2027, 1, 19)))  # fmt: skip
    fields = MemberFields(name="丙党员", join_date=dt.date(2002, 7, 1), conversion_date=dt.date(2003, 7, 1),
                          member_type="full", lost_contact=True, lost_contact_since=dt.date(2026, 3, 2))  # fmt: skip
    ws.members.update(ids["丙党员"], fields)
    plan = ws.readiness.add_plan_item(PlanItem(None, 2026, dt.date(2026, 12, 15), "七一表彰总结"))
    ws.readiness.add_plan_item(PlanItem(None, 2027, dt.date(2027, 3, 1), "春季学期党课"))
    todos = ws.workbench.todos(dt.date(2026, 12, 1))
    texts = [t.text for t in todos]
    assert "支部委员会任期2027年1月19日届满，请做好换届准备" in texts
    assert "丙党员失去联系已满6个月（自2026年3月2日起），请进行停止党籍审查" in texts
    assert "年度工作计划：七一表彰总结" in texts and "年度工作计划：春季学期党课" not in texts
    assert todos[0].overdue  # overdue first
    ws.readiness.complete_plan_item(plan, dt.date(2026, 12, 2))
    assert "年度工作计划：七一表彰总结" not in [t.text for t in ws.workbench.todos(dt.date(2026, 12, 3))]
    [latest] = ws.workbench.recent(1)
    assert latest.text.startswith("完成年度工作计划事项")
