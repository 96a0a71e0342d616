"""Meeting records against a real database (SQLite, and PostgreSQL when a server is given).

A secretary plans a general meeting and finds the people of that day's roster expected (not someone
who transferred in later); finalises it and finds the record closed to edits but open to dated
amendments; records an admission vote at the meeting and sees the same vote on the candidate's
dossier; attaches a scanned sign-in sheet that comes back byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from branchdesk.db.models_development import DossierVote
from branchdesk.domain.meetings import CellState, standard_agenda
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.votes import Vote
from branchdesk.services.development import StepRefused
from branchdesk.services.meetings import (
    AttendanceStatus,
    Audience,
    ChecksumError,
    MeetingSealedError,
    MeetingType,
)
from branchdesk.services.members import StatusChange
from branchdesk.workspace import Workspace
from tests.unit.dev_builders import admitted


@pytest.fixture
def meetings(ws):
    return ws.meetings


def add(members, name, joined, *, converted=None, transferred_in=None, group_id=None, probationary=False):
    return members.create(
        MemberFields(
            name=name,
            join_date=joined,
            conversion_date=converted,
            transferred_in_date=transferred_in,
            member_type="probationary" if probationary else "full",
            group_id=group_id,
        )
    ).id


def test_planning_fills_the_roster_of_the_meeting_day(db, members, meetings):
    add(members, "老党员", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    add(
        members,
        "转入者",
        dt.date(2010, 7, 1),
        converted=dt.date(2011, 7, 1),
        transferred_in=dt.date(2026, 6, 15),
    )
    add(members, "预备党员", dt.date(2026, 1, 10), probationary=True)
    left = add(members, "转出者", dt.date(2005, 7, 1), converted=dt.date(2006, 7, 1))
    members.change_status(left, StatusChange("transferred_out", dt.date(2026, 4, 1), "工作调动"))

    march = meetings.plan(MeetingType.GENERAL, dt.date(2026, 3, 20))
    names = {a.name: a for a in march.attendance}
    assert set(names) == {"老党员", "预备党员", "转出者"}, (
        "transferred in only in June: not expected in March"
    )
    assert names["老党员"].voter and not names["预备党员"].voter, "probationary members attend without a vote"
    assert (march.voters_expected, march.expected) == (2, 3)

    july = meetings.plan(MeetingType.GENERAL, dt.date(2026, 7, 10))
    assert {a.name for a in july.attendance} == {"老党员", "转入者", "预备党员"}
    assert [a.title for a in july.agenda], "a general meeting starts with its standard agenda"


def test_group_meeting_expects_only_the_group(db, members, branch, meetings):
    first, second = (g.id for g in branch.groups())
    add(members, "甲", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1), group_id=first)
    add(members, "乙", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1), group_id=second)
    record = meetings.plan(MeetingType.GROUP, dt.date(2026, 5, 8), group_id=first)
    assert [a.name for a in record.attendance] == ["甲"]
    assert record.title == "第一党小组会"
    with pytest.raises(ValidationError):
        meetings.plan(MeetingType.GROUP, dt.date(2026, 5, 8))


def test_absence_needs_a_reason_and_sealing_refuses_edits_but_keeps_amendments(db, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    add(members, "李四", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    record = meetings.plan(MeetingType.COMMITTEE, dt.date(2026, 9, 5), audience="branch")
    absent = tuple(
        replace(a, status=AttendanceStatus.ABSENT) if a.name == "李四" else a for a in record.attendance
    )
    with pytest.raises(ValidationError) as caught:
        meetings.save(replace(record, attendance=absent))
    assert "李四缺席，请填写原因" in str(caught.value)
    absent = tuple(replace(a, reason="出差") if a.name == "李四" else a for a in absent)
    record = meetings.save(
        replace(record, attendance=absent, status="draft", chair="张三", recorder="李四",
                start_time=dt.time(14, 30), end_time=dt.time(16, 0))
    )  # fmt: skip
    assert (record.start_time, record.end_time) == (dt.time(14, 30), dt.time(16, 0))
    assert (record.expected, record.present) == (2, 1)

    sealed = meetings.finalise(record.id)
    assert sealed.sealed and sealed.sealed_by == "测试用户"
    with pytest.raises(MeetingSealedError):
        meetings.save(replace(sealed, theme="改过的主题"))
    assert meetings.get(record.id).theme == "", "the original stays as it was"
    meetings.amend(record.id, "记录人笔误", "李四请假事由应为“病假”", on=dt.date(2026, 9, 8))
    again = meetings.get(record.id)
    [amendment] = again.amendments
    assert (amendment.date, amendment.reason, amendment.user) == (
        dt.date(2026, 9, 8),
        "记录人笔误",
        "测试用户",
    )
    with pytest.raises(ValidationError):
        meetings.amend(record.id, "", "没有原因")
    assert meetings.all() == [again], "read in bulk (driver rows, the check's path) as read alone"


def test_finalising_needs_chair_and_recorder(db, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    record = meetings.plan(MeetingType.LECTURE, dt.date(2026, 9, 5))
    with pytest.raises(ValidationError) as caught:
        meetings.finalise(record.id)
    assert "主持人" in str(caught.value) and "记录人" in str(caught.value)
    assert not meetings.get(record.id).sealed


def test_an_admission_vote_at_the_meeting_is_the_dossiers_vote(db, ws, meetings):
    dev = ws.development
    candidate = replace(admitted(), id=None, admission_meeting_date=None, admission_vote=None)
    dossier_id = dev.save(candidate)
    day = dt.date(2024, 8, 1)
    record = meetings.plan(MeetingType.GENERAL, day, status="draft", chair="王书记", recorder="刘委员")

    committee = meetings.plan(MeetingType.COMMITTEE, day, status="draft")
    with pytest.raises(ValidationError, match="须由支部党员大会讨论表决"):
        meetings.record_vote(committee.id, "讨论接收预备党员", Vote(16, 10, 9, 1), dossier_id)
    with pytest.raises(StepRefused):  # 8 of 16 present is exactly half: no quorum, nothing written
        meetings.record_vote(
            record.id, f"讨论接收{candidate.person.name}为预备党员", Vote(16, 8, 8), dossier_id
        )
    assert dev.get(dossier_id).admission_vote is None
    assert all(a.vote is None for a in meetings.get(record.id).agenda)

    after = meetings.record_vote(
        record.id, f"讨论接收{candidate.person.name}为预备党员", Vote(16, 10, 9, 1), dossier_id
    )
    [item] = [a for a in after.agenda if a.vote is not None]
    assert (item.vote, item.dossier_id, item.vote_kind, item.passed) == (
        Vote(16, 10, 9, 1),
        dossier_id,
        "admission",
        True,
    )
    dossier = dev.get(dossier_id)
    assert (dossier.admission_vote, dossier.admission_meeting_date) == (Vote(16, 10, 9, 1), day)
    with db.read() as session:
        assert (
            session.scalar(select(DossierVote.meeting_id).where(DossierVote.dossier_id == dossier_id))
            == record.id
        )


def test_an_attachment_comes_back_with_its_checksum(db, meetings, tmp_path):
    record = meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 7, 1))
    scan = tmp_path / "签到表.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    info = meetings.add_attachment(record.id, scan)
    import hashlib

    assert (info.file_name, info.size) == ("签到表.png", scan.stat().st_size)
    assert info.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert meetings.attachment_content(info.id) == scan.read_bytes()
    assert [a.file_name for a in meetings.get(record.id).attachments] == ["签到表.png"]
    from branchdesk.db.models_meetings import MeetingAttachment

    with db.write("模拟损坏") as session:
        session.get(MeetingAttachment, info.id).content = b"tampered"
    with pytest.raises(ChecksumError):
        meetings.attachment_content(info.id)


def test_a_missing_quarterly_general_meeting_is_found(db, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    for day in (dt.date(2026, 2, 10), dt.date(2026, 8, 10)):
        meetings.plan(MeetingType.GENERAL, day, status="draft", chair="张三", recorder="张三")
    general_findings = [f for f in meetings.check(dt.date(2026, 11, 23)) if f.code == "MTG-GENERAL-Q"]
    assert [f.period for f in general_findings] == ["2026Q2"], "Q4 has not ended on 23 November"
    rows = meetings.calendar(2026, as_of=dt.date(2026, 11, 23))
    [general] = [r for r in rows if r.type == MeetingType.GENERAL]
    cells = {c.month: c for c in general.cells}
    assert cells[6].missing and not cells[9].missing, "the quarter without a meeting is red where it closes"
    assert cells[6].findings == (general_findings[0].message_zh,), "the cell says what check() says"
    assert cells[2].state is CellState.HELD and cells[2].held == 1 and cells[2].attendance_rate == 1.0
    assert cells[4].state is CellState.NONE, "Q2's meeting is missing in June, not in April"
    assert cells[12].state is CellState.NOT_DUE and cells[11].state is CellState.NONE, (
        "Q4 not over: judged in Dec"
    )


# ---- demo and command line --------------------------------------------------------------------------
DEMO_TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_db(empty_db):
    from branchdesk.services.demo import generate

    summary = generate(empty_db, members=60, seed=3, today=DEMO_TODAY)
    assert summary.meetings > 100
    return empty_db


def test_demo_meetings_pass_the_rules_and_carry_the_dossier_votes(demo_db):
    meetings = Workspace.open(demo_db).meetings
    findings = meetings.check(DEMO_TODAY)
    assert [f for f in findings if f.blocking] == []
    assert [f.code for f in findings if f.code.endswith(("-M", "-Q", "-Y"))] == [], "nothing missing"
    records = meetings.all()
    assert all(r.sealed for r in records if r.date <= DEMO_TODAY), "held meetings are finalised"
    assert any(r.status == "planned" and r.date > DEMO_TODAY for r in records), "next party day planned"
    last_year = {t: meetings.list(year=2025, type=t) for t in MeetingType}
    # a committee meeting every month, and on the days the committee decided on dossiers (issue 12 §11)
    assert len(last_year[MeetingType.COMMITTEE]) >= 12 and len(last_year[MeetingType.PARTY_DAY]) == 12
    assert {m.date.month for m in last_year[MeetingType.COMMITTEE]} == set(range(1, 13))
    assert len(last_year[MeetingType.GENERAL]) >= 4 and len(last_year[MeetingType.LECTURE]) == 4
    assert len(last_year[MeetingType.ORG_LIFE]) == len(last_year[MeetingType.APPRAISAL]) == 1
    # every dossier vote of the period was taken at a meeting: same counts, linked both ways
    with demo_db.read() as session:
        votes = session.execute(
            select(
                DossierVote.dossier_id, DossierVote.meeting_id, DossierVote.present, DossierVote.yes
            ).where(
                DossierVote.meeting_date >= dt.date(2025, 1, 1),
                DossierVote.kind.in_(("admission", "conversion")),
            )
        ).all()
    assert votes
    by_id = {r.id: r for r in records}
    for dossier_id, meeting_id, present, yes in votes:
        record = by_id[meeting_id]
        [item] = [a for a in record.agenda if a.dossier_id == dossier_id]
        assert (item.vote.present, item.vote.yes, item.passed) == (present, yes, True)
        assert record.voters_present >= present, "the attendance agrees with the vote"


def test_cli_check_reports_a_missing_meeting_and_export_reads_back(
    backend, location, capsys, tmp_path, request
):
    if location.sqlite_path is None:
        pytest.skip("the command line test runs on the SQLite file")
    demo_db = request.getfixturevalue("demo_db")
    from openpyxl import load_workbook

    from branchdesk.cli import main

    meetings = Workspace.open(demo_db).meetings
    target = meetings.list(year=2026, type=MeetingType.COMMITTEE)[2]  # March
    with demo_db.write("测试：删除三月支委会") as session:
        from branchdesk.db.models_meetings import Meeting

        session.get(Meeting, target.id).sealed_at = None
    meetings.delete(target.id)
    db_arg = ["--db", str(location.sqlite_path)]
    main([*db_arg, "check", "--as-of", "2026-11-23"])
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if "MTG-COMMITTEE-M" in x]
    assert line.startswith("[提醒]") and "2026年3月" in line
    assert "份会议记录" in out

    path = tmp_path / "会议.xlsx"
    assert main([*db_arg, "export", "meetings", "--year", "2025", "-o", str(path)]) == 0
    ws = load_workbook(path).active
    texts = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    header = next(r for r in texts if "会议类型" in r)
    body = [
        r for r in texts if len(r) > 1 and isinstance(r[1], dt.datetime)
    ]  # 序号, date: one row per meeting
    assert len(body) == len([r for r in meetings.list(year=2025) if r.status != "planned"])
    assert any("表决事项" in str(c) for c in header)


def test_a_vote_on_a_missing_agenda_item_leaves_the_dossier_untouched(db, ws, meetings):
    """The dossier's vote and the agenda item are one unit of work: a refusal of either writes neither."""
    dev = ws.development
    candidate = replace(admitted(), id=None, admission_meeting_date=None, admission_vote=None)
    dossier_id = dev.save(candidate)
    record = meetings.plan(MeetingType.GENERAL, dt.date(2024, 8, 1), status="draft")
    with pytest.raises(ValidationError) as caught:
        meetings.record_vote(record.id, 99, Vote(16, 10, 9, 1), dossier_id)
    assert "没有第100项议程" in str(caught.value)
    assert dev.get(dossier_id).admission_vote is None, "the dossier vote was rolled back with the item"
    with db.read() as session:
        assert session.scalar(select(DossierVote.id).where(DossierVote.dossier_id == dossier_id)) is None


def test_a_planned_meeting_with_a_vote_becomes_a_draft_and_the_item_says_the_result(db, meetings):
    record = meetings.plan(MeetingType.GENERAL, dt.date(2026, 3, 12))
    assert record.planned
    after = meetings.record_vote(record.id, "表决支部年度工作计划", Vote(20, 15, 12, 2, 1))
    [item] = after.votes
    assert not after.planned and item.vote_kind == "other" and item.passed
    assert "应到有表决权的党员20人，实到15人，赞成12票，通过" in item.decision


def test_year_statistics_count_held_meetings_votes_and_development_steps(ws, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    add(members, "李四", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    dev = ws.development
    candidate = replace(admitted(), id=None, admission_meeting_date=None, admission_vote=None)
    dossier_id = dev.save(candidate)
    general = meetings.plan(MeetingType.GENERAL, dt.date(2024, 8, 1), status="draft")
    meetings.record_vote(general.id, "讨论接收预备党员", Vote(16, 10, 9, 1), dossier_id)
    meetings.plan(MeetingType.PARTY_DAY, dt.date(2024, 9, 15), status="draft")
    meetings.plan(MeetingType.PARTY_DAY, dt.date(2024, 10, 15))  # planned: not counted
    stats = meetings.statistics(2024)
    assert stats.held == 2 and stats.by_type == {MeetingType.GENERAL: 1, MeetingType.PARTY_DAY: 1}
    assert (stats.votes, stats.votes_passed, stats.votes_by_kind) == (1, 1, {"admission": 1})
    assert stats.average_attendance == 1.0
    steps = stats.development_steps
    assert any("支部大会讨论" in title for title in steps), steps
    assert sum(steps.values()) == sum(
        1 for when in dev.get(dossier_id).steps_done.values() if when.year == 2024
    )


def test_the_monthly_party_day_is_planned_for_the_rest_of_the_year(db, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    add(
        members,
        "晚来者",
        dt.date(2010, 7, 1),
        converted=dt.date(2011, 7, 1),
        transferred_in=dt.date(2026, 10, 1),
    )
    held = meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 8, 12), status="draft", chair="张三")
    meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 10, 20))  # already planned in October
    meetings.plan(MeetingType.COMMITTEE, dt.date(2026, 9, 15))  # another type does not count

    planned = meetings.plan_recurring(
        MeetingType.PARTY_DAY, 15, start=dt.date(2026, 7, 20), theme="主题党日", place="党员活动室"
    )
    # 15 Aug 2026 is a Saturday (→ Monday 17th); 15 Nov is a Sunday (→ Monday 16th)
    assert [m.date for m in planned] == [
        dt.date(2026, 9, 15),
        dt.date(2026, 11, 16),
        dt.date(2026, 12, 15),
    ], "July's 15th is before the start; August was held, October planned: skipped"
    assert held.date.month == 8
    assert all(m.planned and m.theme == "主题党日" and m.place == "党员活动室" for m in planned)
    assert [a.title for a in planned[0].agenda] == ["重温入党誓词", "主题学习", "主题实践活动"]
    assert [a.name for a in planned[0].attendance] == ["张三"], "the roster of each day"
    assert {a.name for a in planned[1].attendance} == {"张三", "晚来者"}
    assert meetings.plan_recurring(MeetingType.PARTY_DAY, 15, start=dt.date(2026, 7, 20)) == [], "all planned"


def test_group_meetings_are_planned_per_group(db, members, branch, meetings):
    first, second = (g.id for g in branch.groups())
    add(members, "甲", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1), group_id=first)
    meetings.plan(MeetingType.GROUP, dt.date(2026, 11, 5), group_id=second)
    planned = meetings.plan_recurring(
        MeetingType.GROUP, 10, start=dt.date(2026, 11, 1), group_id=first, working_day=False
    )
    assert [(m.date, m.group_id, [a.name for a in m.attendance]) for m in planned] == [
        (dt.date(2026, 11, 10), first, ["甲"]),
        (dt.date(2026, 12, 10), first, ["甲"]),
    ], "the other group's November meeting does not fill this group's month"
    with pytest.raises(ValidationError):
        meetings.plan_recurring(MeetingType.GROUP, 10, start=dt.date(2026, 11, 1))
    rows = {r.label: r for r in meetings.calendar(2026, as_of=dt.date(2026, 11, 20))}
    assert rows["第一党小组会"].group_id == first and rows["第二党小组会"].group_id == second, (
        "a row per group"
    )
    first_nov, second_nov = rows["第一党小组会"].cells[10], rows["第二党小组会"].cells[10]
    assert first_nov.state is second_nov.state is CellState.PLANNED
    assert first_nov.meeting_ids != second_nov.meeting_ids


def test_custom_meeting_types_of_the_branch(db, members, meetings):
    add(members, "张三", dt.date(2000, 7, 1), converted=dt.date(2001, 7, 1))
    joint = meetings.add_custom_type("党政联席会议", Audience.COMMITTEE)
    topical = meetings.add_custom_type("专题议党会议")
    assert [(t.name, t.audience) for t in meetings.custom_types()] == [
        ("党政联席会议", Audience.COMMITTEE),
        ("专题议党会议", Audience.BRANCH),
    ]
    with pytest.raises(ValidationError, match="已有名为“党政联席会议”"):
        meetings.add_custom_type(" 党政联席会议 ")
    with pytest.raises(ValidationError, match="固定的会议类型"):
        meetings.add_custom_type("支委会")

    draft = meetings.plan("专题议党会议", dt.date(2026, 5, 6), status="draft", chair="张三", recorder="张三")
    assert (draft.type, draft.custom_type_name, draft.title) == (
        MeetingType.CUSTOM,
        "专题议党会议",
        "专题议党会议",
    )
    assert draft.custom_type_id == topical.id and [a.title for a in draft.agenda] == list(
        standard_agenda("专题议党会议")
    )
    sealed = meetings.finalise(meetings.plan("专题议党会议", dt.date(2026, 4, 8), status="draft",
                                             chair="张三", recorder="张三").id)  # fmt: skip
    renamed = meetings.rename_custom_type(topical.id, "专题研究党建工作会议")
    assert renamed.name == "专题研究党建工作会议"
    assert meetings.get(draft.id).title == "专题研究党建工作会议", "a draft takes the new name"
    assert meetings.get(sealed.id).title == "专题议党会议", (
        "a sealed record keeps the name it was sealed with"
    )
    committee = meetings.plan("党政联席会议", dt.date(2026, 5, 7))
    assert committee.audience == Audience.COMMITTEE

    rows = {r.label: r for r in meetings.calendar(2026, as_of=dt.date(2026, 11, 23))}
    assert rows["专题研究党建工作会议"].cells[4].held == 1 and rows["专题议党会议"].cells[3].held == 1
    assert rows["党政联席会议"].cells[4].state is CellState.PLANNED
    with pytest.raises(ValidationError, match="“党政联席会议”已有 1 份会议记录，不能删除"):
        meetings.remove_custom_type(joint.id)
    spare = meetings.add_custom_type("临时会议")
    # the page's 会议类型… dialog shows how many records use each type, counted as removal counts them
    assert meetings.custom_type_usage() == {joint.id: 1, topical.id: 2, spare.id: 0}
    meetings.remove_custom_type(spare.id)
    assert "临时会议" not in {t.name for t in meetings.custom_types()}
