"""Issue 12: the rules as the texts have them, one story per rule."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from branchdesk.domain.development import (
    Approval,
    ContactPerson,
    Dossier,
    Extension,
    Outcome,
    Person,
    PoliticalReview,
    Sponsor,
    Talk,
    TalkKind,
    Training,
)
from branchdesk.domain.meetings import (
    Agenda,
    AppraisalGrade,
    AttendanceStatus,
    Attendee,
    Grade,
    Meeting,
    MeetingStatus,
    MeetingType,
    RosterEntry,
    Span,
    TalkPair,
    VoteKind,
)
from branchdesk.domain.rules import RuleContext, RuleSettings, audit, audit_meetings
from branchdesk.domain.rules.branch_rules import (
    BranchRecords,
    MemberRecord,
    Seat,
    audit_branch,
    has_committee,
)
from branchdesk.domain.votes import Vote

D = dt.date


def codes(findings):
    return sorted({f.code for f in findings})


def dossier_2009() -> Dossier:
    """A complete dossier of 2008–2011 as an inspection audits it: no talk record, no recommendation,
    no filings, no pre-review (the 1990 细则 did not ask for them)."""
    return Dossier(
        id=1,
        person=Person("周建国", D(1986, 3, 1)),
        application_date=D(2008, 3, 1),
        activist_date=D(2008, 9, 1),
        candidate_date=D(2009, 10, 8),
        sponsors=(Sponsor("李明", member_id=11), Sponsor("王芳", member_id=12)),
        political_review=PoliticalReview(D(2009, 10, 20)),
        training=Training(D(2009, 11, 2), D(2009, 11, 4)),
        admission_meeting_date=D(2009, 12, 10),
        admission_vote=Vote(20, 18, 17),
        talks=(Talk(TalkKind.HIGHER, D(2010, 1, 5)),),
        approval=Approval(D(2010, 1, 20)),
        join_date=D(2009, 12, 10),
        conversion_application_date=D(2010, 12, 1),
        conversion_meeting_date=D(2010, 12, 15),
        conversion_vote=Vote(21, 19, 19),
        conversion_approval=Approval(D(2011, 1, 10)),
        full_member_date=D(2010, 12, 10),
        contacts=(ContactPerson("李明", member_id=11, assigned_on=D(2008, 9, 5)),),
    )


def test_the_2009_dossier_is_judged_by_the_1990_rules():
    d = dossier_2009()
    ctx = RuleContext(as_of=D(2026, 12, 1), settings=RuleSettings(archive_within_days=0,
                                                                  archive_items=frozenset()))  # fmt: skip
    found = audit(d, ctx)
    assert not any(f.blocking for f in found), [(f.code, f.message_zh) for f in found]
    assert {"DEV-PREREVIEW", "DEV-ACTIVIST-REC", "DEV-TALK-1M", "DEV-FILING"}.isdisjoint(codes(found))
    # the same dossier in 2015 is judged by the 2014 细则, which names itself
    later = replace(d, candidate_date=D(2015, 10, 8), political_review=PoliticalReview(D(2015, 10, 20)),
                    training=Training(D(2015, 11, 2), D(2015, 11, 4)), admission_meeting_date=D(2015, 12, 10),
                    application_date=D(2014, 7, 1), activist_date=D(2014, 9, 1), talks=(), approval=None,
                    join_date=None, conversion_application_date=None, conversion_meeting_date=None,
                    conversion_vote=None, conversion_approval=None, full_member_date=None)  # fmt: skip
    pre = [f for f in audit(later, ctx) if f.code == "DEV-PREREVIEW"]
    assert pre and pre[0].blocking and pre[0].ruleset == "2014"


def test_political_review_and_training_before_the_candidate_date_are_refused():
    d = replace(dossier_2009(), political_review=PoliticalReview(D(2009, 9, 1)))
    order = [f for f in audit(d, RuleContext(as_of=D(2026, 1, 1))) if f.code == "DEV-ORDER"]
    assert order and order[0].blocking and "进行政治审查" in order[0].message_zh
    d = replace(dossier_2009(), training=Training(D(2009, 9, 1), D(2009, 9, 3)))
    order = [f for f in audit(d, RuleContext(as_of=D(2026, 1, 1))) if f.code == "DEV-ORDER"]
    assert order and "集中培训开始" in order[0].message_zh


def test_a_higher_talk_at_the_pre_review_stage_is_a_warning_not_blocking():
    d = replace(dossier_2009(), talks=(Talk(TalkKind.HIGHER, D(2009, 11, 20)),))
    found = [
        f for f in audit(d, RuleContext(as_of=D(2026, 1, 1))) if f.code in ("DEV-HIGHER-TALK", "DEV-ORDER")
    ]
    assert [(f.code, f.blocking) for f in found] == [("DEV-HIGHER-TALK", False)]
    after = replace(dossier_2009(), talks=(Talk(TalkKind.HIGHER, D(2010, 2, 1)),))
    late = [f for f in audit(after, RuleContext(as_of=D(2026, 1, 1))) if f.code == "DEV-HIGHER-TALK"]
    assert late and late[0].blocking


def test_the_approval_deadline_counts_from_the_report_and_redo_is_a_local_setting():
    base = dossier_2009()
    # meeting 2009-12-10, reported 2010-03-01, approved 2010-05-20: within 3 months of the report
    d = replace(base, approval=Approval(D(2010, 5, 20), reported_on=D(2010, 3, 1)), talks=(
        Talk(TalkKind.HIGHER, D(2010, 5, 1)),))  # fmt: skip
    assert [f for f in audit(d, RuleContext(as_of=D(2026, 1, 1))) if f.code == "DEV-APPROVAL-3M"] == []
    late = replace(base, approval=Approval(D(2010, 7, 20)), talks=(Talk(TalkKind.HIGHER, D(2010, 7, 1)),))
    [f] = [f for f in audit(late, RuleContext(as_of=D(2026, 1, 1))) if f.code == "DEV-APPROVAL-3M"]
    assert f.blocking and "按本单位规定" in f.message_zh
    off = RuleContext(as_of=D(2026, 1, 1), settings=RuleSettings(approval_hard_limit_months=0))
    [f] = [f for f in audit(late, off) if f.code == "DEV-APPROVAL-3M"]
    assert not f.blocking


def test_extension_and_cancellation_need_the_higher_committees_approval():
    d = replace(dossier_2009(), conversion_meeting_date=None, conversion_vote=None, conversion_approval=None,
                full_member_date=None, extensions=(Extension(D(2010, 12, 15), 6, Vote(20, 18, 15)),))  # fmt: skip
    [f] = [f for f in audit(d, RuleContext(as_of=D(2011, 6, 1))) if f.code == "DEV-PROBATION-APPROVAL"]
    assert "未记录上级党委的批准" in f.message_zh
    approved = replace(d, extensions=(Extension(D(2010, 12, 15), 6, Vote(20, 18, 15),
                                                approval=Approval(D(2011, 1, 10), by="学院党委")),))  # fmt: skip
    assert [
        f for f in audit(approved, RuleContext(as_of=D(2011, 6, 1))) if f.code == "DEV-PROBATION-APPROVAL"
    ] == []
    cancelled = replace(d, extensions=(), outcome=Outcome.CANCELLED, outcome_date=D(2010, 12, 15),
                        outcome_reason="不具备党员条件", outcome_vote=Vote(20, 18, 15))  # fmt: skip
    assert [f.code for f in audit(cancelled, RuleContext(as_of=D(2011, 6, 1)))].count(
        "DEV-PROBATION-APPROVAL"
    ) == 1


def test_a_candidate_leaving_within_three_months_is_warned_before_the_meeting():
    d = Dossier(person=Person("毕业生"), application_date=D(2025, 3, 1), activist_date=D(2025, 4, 1),
                candidate_date=D(2026, 4, 10), expected_leave_date=D(2026, 7, 1))  # fmt: skip
    [f] = [f for f in audit(d, RuleContext(as_of=D(2026, 4, 20))) if f.code == "DEV-MOVE-3M"]
    assert "一般不办理接收手续" in f.message_zh and f.ruleset == "2014"
    assert [f for f in audit(d, RuleContext(as_of=D(2026, 3, 20))) if f.code == "DEV-MOVE-3M"] == []


def test_a_2024_training_is_judged_by_the_setting_in_force_in_2024():
    from branchdesk.domain.rules.settings import RuleSettings as S

    d = replace(dossier_2009(), candidate_date=D(2024, 3, 1), political_review=PoliticalReview(D(2024, 3, 10)),
                training=Training(D(2024, 4, 1), D(2024, 4, 3)), admission_meeting_date=D(2024, 6, 1))  # fmt: skip
    raised = S(training_min_days=5, training_min_hours=40)
    ctx = RuleContext(as_of=D(2026, 6, 1), timeline=((D(2026, 1, 1), raised),))
    assert [f for f in audit(d, ctx) if f.code == "DEV-TRAINING"] == []
    d26 = replace(d, training=Training(D(2026, 4, 1), D(2026, 4, 3)), candidate_date=D(2026, 3, 1))
    assert [f for f in audit(d26, ctx) if f.code == "DEV-TRAINING" and "不足5天" in f.message_zh]


def test_a_publicity_in_a_year_without_holiday_data_says_so():
    d = Dossier(person=Person("甲"), application_date=D(2025, 1, 1), activist_date=D(2025, 12, 1),
                candidate_date=D(2027, 1, 4))  # fmt: skip
    from branchdesk.domain.development import Period

    d = replace(d, publicity=Period(D(2027, 1, 5), D(2027, 1, 7)))
    [f] = [f for f in audit(d, RuleContext(as_of=D(2027, 2, 1))) if f.code == "DEV-PUBLICITY"]
    assert "2027年没有节假日安排数据" in f.message_zh


# ------------------------------------------------------------------ meetings


def test_no_party_day_is_missing_before_the_branch_regulation_or_the_start_date():
    first = Meeting(id=1, type=MeetingType.GENERAL, date=D(2018, 3, 5), chair="甲", recorder="乙",
                    attendance=(Attendee(1, "甲"),))  # fmt: skip
    found = audit_meetings([first], RuleContext(as_of=D(2019, 1, 1)), branch_founded=D(2018, 1, 1))
    party_days = [f.period for f in found if f.code == "MTG-PARTYDAY-M"]
    assert party_days == ["2018-11", "2018-12"]  # October 2018 began before 2018-10-28
    december = Meeting(id=2, type=MeetingType.GENERAL, date=D(2026, 12, 3), chair="甲", recorder="乙",
                       attendance=(Attendee(1, "甲"),))  # fmt: skip
    found = audit_meetings([december], RuleContext(as_of=D(2026, 12, 20)), branch_founded=D(2026, 12, 3))
    assert [f for f in found if f.code == "MTG-PARTYDAY-M"] == []


def test_talks_must_cover_every_committee_pair_and_every_member():
    seats = [Seat(1, "书记甲", "secretary", D(2024, 1, 1)), Seat(2, "委员乙", "organisation", D(2024, 1, 1)),
             Seat(3, "委员丙", "propaganda", D(2024, 1, 1))]  # fmt: skip
    roster = [
        RosterEntry(member_id=i, name=n)
        for i, n in enumerate(["书记甲", "委员乙", "委员丙", "党员丁", "党员戊"], 1)
    ]
    talks = Meeting(id=1, type=MeetingType.TALKS, date=D(2025, 11, 20), talks=(
        TalkPair("书记甲", "委员乙", D(2025, 11, 20)), TalkPair("书记甲", "党员丁", D(2025, 11, 21))))  # fmt: skip
    found = [f for f in audit_meetings([talks], RuleContext(as_of=D(2026, 1, 5)), year=2025, seats=seats,
                                       roster=roster) if f.code == "MTG-TALKS-Y"]  # fmt: skip
    assert len(found) == 1 and "书记甲与委员丙" in found[0].message_zh and "党员戊" in found[0].message_zh


# ------------------------------------------------------------------ members and consistency


_SINCE, _CONVERTED = D(2015, 1, 1), D(2016, 1, 1)


def member(i, name, *, full=True, since=_SINCE, until=None, lost=None, conversion=_CONVERTED, **kw):
    entry = RosterEntry(member_id=i, name=name, memberships=(Span(since, until),),
                        conversion_date=conversion if full else None,
                        member_type="full" if full else "probationary")  # fmt: skip
    return MemberRecord(id=i, name=name, entry=entry, lost_since=lost, join_date=since,
                        conversion_date=conversion if full else None,
                        member_type="full" if full else "probationary", **kw)  # fmt: skip


def test_the_small_branch_has_a_secretary_and_no_committee():
    members = tuple(member(i, f"党员{i}") for i in range(1, 6))
    seats = (Seat(1, "党员1", "secretary", D(2024, 1, 1)),)
    assert not has_committee(seats, D(2026, 1, 1))
    records = BranchRecords(as_of=D(2026, 6, 1), members=members, seats=seats, term_start=D(2024, 1, 1))
    assert [
        f for f in audit_branch(records, RuleContext(as_of=D(2026, 6, 1))) if f.code == "MEM-COMMITTEE"
    ] == []
    # its meetings: no committee meeting is ever "missing"
    found = audit_meetings([], RuleContext(as_of=D(2026, 12, 1)), year=2026, seats=seats)
    assert [f for f in found if f.code == "MTG-COMMITTEE-M"] == []
    # seven full members and still no committee: MEM-COMMITTEE
    seven = tuple(member(i, f"党员{i}") for i in range(1, 8))
    records = BranchRecords(as_of=D(2026, 6, 1), members=seven, seats=seats)
    [f] = [f for f in audit_branch(records, RuleContext(as_of=D(2026, 6, 1))) if f.code == "MEM-COMMITTEE"]
    assert f.kind == "member" and "应设立支部委员会" in f.message_zh


def test_member_rules_absent_lost_size_term_and_grades():
    as_of = D(2026, 6, 1)
    members = (member(1, "缺席者"), member(2, "出席者"), member(3, "失联者", lost=D(2025, 10, 1)),
               member(4, "预备", full=False, since=D(2025, 7, 1)))  # fmt: skip
    meetings = (*(
        Meeting(id=i, type=MeetingType.GROUP, date=D(2026, m, 10), chair="出席者", recorder="出席者", attendance=(
            Attendee(1, "缺席者", AttendanceStatus.LEAVE, "出差"), Attendee(2, "出席者")))
        for i, m in enumerate(range(1, 6), 1)
    ), Meeting(id=9, type=MeetingType.APPRAISAL, date=D(2025, 12, 20), chair="出席者", recorder="出席者",
                 grades=(Grade(4, "预备", AppraisalGrade.QUALIFIED), Grade(1, "缺席者", AppraisalGrade.EXCELLENT),
                         Grade(2, "出席者", AppraisalGrade.EXCELLENT))))  # fmt: skip
    records = BranchRecords(as_of=as_of, members=members, meetings=meetings, records_since=D(2025, 1, 1),
                            term_start=D(2023, 9, 1))  # fmt: skip
    found = audit_branch(records, RuleContext(as_of=as_of))
    by = {}
    for f in found:
        by.setdefault(f.code, []).append(f)
    assert [f.person for f in by["MEM-ABSENT-6M"]] == ["缺席者"]
    assert [f.person for f in by["MEM-LOST-6M"]] == ["失联者"]
    assert "2026年9月1日" in by["MEM-TERM"][0].message_zh
    assert len(by["MEM-APPRAISAL"]) == 2  # the probationary member graded; 2 of 2 excellent


def test_a_member_absent_six_months_is_told_when_they_last_attended():
    """MEM-ABSENT-6M counts the meetings from the start of the window (that day included) up to the
    check date, and names the last meeting attended before it: not a later absence, not a meeting after
    the check date, not a planned one. Someone never present is told so; someone present once in the
    window, joined during it, or not expected at any meeting of it is not absent."""
    as_of = D(2026, 6, 1)  # the window starts on 2025-12-01
    absent, never, came, joined, unlisted = (
        member(1, "缺席者"), member(2, "从未出席"), member(3, "出席者"),
        member(4, "新党员", since=D(2026, 1, 1)), member(5, "未列入"),
    )  # fmt: skip

    def meeting(i, day, *lines, **kw):
        return Meeting(id=i, type=MeetingType.GROUP, date=day, chair="出席者", recorder="出席者",
                       attendance=tuple(lines), **kw)  # fmt: skip

    def line(who, status=AttendanceStatus.PRESENT, reason=""):
        return Attendee(who.id, who.name, status, reason)

    away = AttendanceStatus.ABSENT
    in_window = [
        meeting(10 + n, day, line(absent, AttendanceStatus.LEAVE, "出差"), line(never, away, "病假"),
                line(came, away if n else AttendanceStatus.PRESENT, "事假"), line(joined, away, "事假"),
                Attendee(None, "来宾", away, "外出"))
        for n, day in enumerate([D(2026, 5, 10), D(2025, 12, 1), D(2026, 1, 10), D(2026, 2, 10),
                                 D(2026, 3, 10), D(2026, 4, 10)])
    ]  # fmt: skip
    meetings = (
        *in_window,
        meeting(1, D(2025, 9, 10), line(absent), line(never, away, "病假"), line(unlisted)),
        meeting(2, D(2025, 11, 10), line(absent), line(unlisted)),
        meeting(3, D(2025, 11, 20), line(absent, away, "出差"), line(never, away, "病假")),
        meeting(4, D(2025, 11, 30), line(absent, away, "出差")),
        meeting(5, D(2026, 6, 10), line(absent), line(never)),  # after the check date
        meeting(6, D(2026, 5, 20), line(absent), line(never), status=MeetingStatus.PLANNED),
    )
    records = BranchRecords(as_of=as_of, members=(absent, never, came, joined, unlisted), meetings=meetings,
                            records_since=D(2025, 1, 1), term_start=D(2025, 9, 1))  # fmt: skip
    found = sorted(
        (f for f in audit_branch(records, RuleContext(as_of=as_of)) if f.code == "MEM-ABSENT-6M"),
        key=lambda f: f.member_id,
    )
    assert [(f.person, f.member_id, f.dates.get("last_attended")) for f in found] == [
        ("缺席者", 1, D(2025, 11, 10)),
        ("从未出席", 2, None),
    ]
    assert all(f.dates["period_start"] == D(2025, 12, 1) for f in found)
    assert "应参加的6次会议均未出席（最近一次出席为2025年11月10日）" in found[0].message_zh
    assert "应参加的6次会议均未出席（在本程序的记录中没有出席记录）" in found[1].message_zh


def test_appraisal_ballots_cannot_outnumber_those_present():
    """民主测评 ballots are filled in by those at the meeting: 48 votes for one member at a meeting of 46
    present is a finding naming both figures; 46 is not."""
    as_of = D(2026, 6, 1)
    people = tuple(member(i, f"党员{i}") for i in range(1, 51))
    attendance = tuple(
        Attendee(i, f"党员{i}", AttendanceStatus.PRESENT if i <= 46 else AttendanceStatus.LEAVE, "" if i <= 46 else "出差")
        for i in range(1, 51)
    )  # fmt: skip

    def findings(votes):
        grades = (Grade(1, "党员1", AppraisalGrade.QUALIFIED, votes=votes),
                  Grade(2, "党员2", AppraisalGrade.QUALIFIED, votes=(2, 44, 0, 0)))  # fmt: skip
        appraisal = Meeting(id=9, type=MeetingType.APPRAISAL, date=D(2025, 12, 20), chair="党员1", recorder="党员2",
                            attendance=attendance, grades=grades)  # fmt: skip
        records = BranchRecords(
            as_of=as_of, members=people, meetings=(appraisal,), records_since=D(2025, 1, 1)
        )
        return [f for f in audit_branch(records, RuleContext(as_of=as_of)) if f.code == "MEM-APPRAISAL"]

    [f] = findings((3, 45, 0, 0))
    assert f.person == "党员1" and "测评票数合计48张，多于到会的46人" in f.message_zh
    assert findings((3, 43, 0, 0)) == []


def test_the_inspectors_contradictions_are_found():
    """Every example of issue 12 §5."""
    as_of = D(2026, 6, 1)
    lost = member(1, "失联者", lost=D(2025, 10, 1))
    chair = member(2, "书记")
    recorder = member(3, "记录人")
    prob = member(4, "预备党员", full=False, since=D(2025, 12, 1))
    today_full = member(5, "今日转正", since=D(2025, 1, 10), conversion=D(2026, 1, 10))
    candidate = Dossier(id=7, person=Person("发展对象"), application_date=D(2024, 1, 1), activist_date=D(2024, 3, 1),
                        candidate_date=D(2025, 3, 5), contacts=(ContactPerson("失联者", member_id=1,
                                                                             assigned_on=D(2026, 1, 5)),))  # fmt: skip
    group = Meeting(id=1, type=MeetingType.GROUP, date=D(2026, 1, 8), chair="书记", recorder="记录人",
                    attendance=(Attendee(1, "失联者"), Attendee(2, "书记"),
                                Attendee(3, "记录人", AttendanceStatus.ABSENT, "出差")))  # fmt: skip
    general = Meeting(id=2, type=MeetingType.GENERAL, date=D(2026, 2, 10), chair="书记", recorder="记录人",
                      attendance=(Attendee(1, "失联者", AttendanceStatus.LEAVE, "出差"), Attendee(2, "书记"),
                                  Attendee(3, "记录人"), Attendee(None, "发展对象")),
                      agenda=(Agenda("讨论接收发展对象", vote=Vote(2, 2, 2), vote_kind=VoteKind.ADMISSION,
                                     dossier_id=7),))  # fmt: skip
    appraisal = Meeting(id=3, type=MeetingType.APPRAISAL, date=D(2026, 1, 20), chair="书记", recorder="记录人",
                        grades=(Grade(1, "失联者", AppraisalGrade.EXCELLENT),))  # fmt: skip
    records = BranchRecords(as_of=as_of, members=(lost, chair, recorder, prob, today_full),
                            meetings=(group, general, appraisal), dossiers=(candidate,),
                            records_since=D(2025, 1, 1))  # fmt: skip
    found = audit_branch(records, RuleContext(as_of=as_of), members=False)
    messages = {f.code: [x.message_zh for x in found if x.code == f.code] for f in found}
    status = " ".join(messages["CON-MEMBER-STATUS"])
    assert "出席名单记为出席" in status  # present while lost
    assert "原因：出差" in status  # absent "出差" while lost
    assert "培养联系人" in status and "评定为“优秀”" in status
    assert messages["CON-ADMITTED-ATTENDEE"]  # the candidate listed as a member at his admission meeting
    assert "出席名单中有表决权的党员应到4人" in messages["CON-VOTE-ROSTER"][0]
    assert any("确定为发展对象" in m for m in messages["CON-DECISION-MEETING"])
    assert any("预备党员" in m for m in messages["CON-PROBATIONARY-DOSSIER"])
    assert any("今日转正" in m for m in messages["CON-ROSTER-DOSSIER"])
    assert any("记录人" in m for m in messages["CON-CHAIR-PRESENT"])
    assert all(f.kind == "consistency" for f in found)


def test_the_person_admitted_may_only_attend_as_an_observer():
    """CON-ADMITTED-ATTENDEE: the person a general meeting admits is on its members' list by name, or by the
    member file their dossier is linked to under another name: one finding per admission, whichever line
    it is; listed as an observer only, or another meeting's admission, nothing."""
    as_of = D(2026, 6, 1)
    secretary = member(2, "书记")

    def dossier(i, name):
        return Dossier(id=i, person=Person(name), application_date=D(2024, 1, 1), activist_date=D(2024, 3, 1),
                       candidate_date=D(2025, 3, 5))  # fmt: skip

    def admission(i, day, dossier_id, *lines):
        return Meeting(id=i, type=MeetingType.GENERAL, date=day, chair="书记", recorder="书记",
                       attendance=(Attendee(2, "书记"), *lines),
                       agenda=(Agenda("讨论接收", vote=Vote(2, 2, 2), vote_kind=VoteKind.ADMISSION,
                                      dossier_id=dossier_id),))  # fmt: skip

    meetings = (
        admission(
            1, D(2026, 1, 10), 7, Attendee(9, "王小明（曾用名）"), Attendee(None, "王小明")
        ),  # both ways
        admission(2, D(2026, 2, 10), 8, Attendee(None, "李四")),  # by name
        admission(3, D(2026, 3, 10), 7),  # not on the list
        admission(4, D(2026, 4, 10), 8, Attendee(9, "王小明")),  # someone else's admission
    )
    records = BranchRecords(as_of=as_of, members=(secretary,), meetings=meetings,
                            dossiers=(dossier(7, "王小明"), dossier(8, "李四")), dossier_members={7: 9},
                            records_since=D(2025, 1, 1))  # fmt: skip
    found = [f for f in audit_branch(records, RuleContext(as_of=as_of), members=False)
             if f.code == "CON-ADMITTED-ATTENDEE"]  # fmt: skip
    assert sorted((f.meeting_id, f.dossier_id, f.person) for f in found) == [(1, 7, "王小明"), (2, 8, "李四")]
