"""Meetings domain: who is expected on a given day, vocabulary, sealing, year-end figures."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.meetings import (
    Agenda,
    Amendment,
    AppraisalGrade,
    AttendanceStatus,
    Attendee,
    Audience,
    Grade,
    Meeting,
    MeetingSealedError,
    MeetingStatus,
    MeetingType,
    PostTerm,
    Remediation,
    RosterEntry,
    Span,
    TalkPair,
    VoteKind,
    amend,
    annual_statistics,
    default_audience,
    expected_attendance,
    grade_counts,
    parse_type,
    seal,
    type_label,
)
from branchdesk.domain.vocab import CommitteePost, MemberType
from branchdesk.domain.votes import Vote

D = dt.date
AT = dt.datetime(2026, 6, 30, 18, 0, tzinfo=dt.UTC)


def names(expected):
    return [e.name for e in expected]


def roster():
    return [
        RosterEntry(member_id=1, name="王书记", groups=((None, 10),),
                    posts=(PostTerm(CommitteePost.SECRETARY, D(2024, 1, 5)),)),
        RosterEntry(member_id=2, name="李转入", memberships=(Span(D(2026, 5, 15)),), groups=((None, 20),)),
        RosterEntry(member_id=3, name="张预备", memberships=(Span(D(2025, 9, 1)),),
                    conversion_date=D(2026, 9, 1), groups=((None, 10),)),
        RosterEntry(member_id=4, name="赵察看", watch=(Span(D(2026, 1, 10), D(2027, 1, 10)),),
                    groups=((None, 10), (D(2026, 7, 1), 20))),
        RosterEntry(member_id=5, name="钱转出", memberships=(Span(None, D(2026, 4, 1)),), groups=((None, 20),)),
        RosterEntry(member_id=6, name="孙委员", groups=((None, 20),),
                    posts=(PostTerm(CommitteePost.ORGANISATION, D(2023, 1, 1), D(2026, 3, 1)),)),
    ]  # fmt: skip


def test_member_transferred_in_mid_year_is_expected_only_from_the_transfer_day():
    before = expected_attendance(roster(), D(2026, 5, 14))
    on_the_day = expected_attendance(roster(), D(2026, 5, 15))
    assert "李转入" not in names(before)
    assert "李转入" in names(on_the_day)


def test_member_transferred_out_is_no_longer_expected_from_the_transfer_day():
    assert "钱转出" in names(expected_attendance(roster(), D(2026, 3, 31)))
    assert "钱转出" not in names(expected_attendance(roster(), D(2026, 4, 1)))


def test_probationary_member_attends_without_a_vote_until_conversion():
    june = {e.name: e for e in expected_attendance(roster(), D(2026, 6, 20))}
    assert june["张预备"].voter is False
    assert june["张预备"].member_type is MemberType.PROBATIONARY
    assert "预备党员" in june["张预备"].note
    converted = {e.name: e for e in expected_attendance(roster(), D(2026, 9, 1))}
    assert converted["张预备"].voter is True
    assert converted["张预备"].member_type is MemberType.FULL


def test_member_under_watch_attends_without_a_vote_and_votes_again_when_lifted():
    during = {e.name: e for e in expected_attendance(roster(), D(2026, 6, 20))}
    assert during["赵察看"].voter is False and "留党察看" in during["赵察看"].note
    after = {e.name: e for e in expected_attendance(roster(), D(2027, 1, 10))}
    assert after["赵察看"].voter is True


def test_general_meeting_in_june_counts_four_voters_of_six_people():
    expected = expected_attendance(roster(), D(2026, 6, 20))
    # 钱 left in April; 张 (probationary) and 赵 (watch) attend without a vote
    assert names(expected) == ["王书记", "李转入", "张预备", "赵察看", "孙委员"]
    assert [e.name for e in expected if e.voter] == ["王书记", "李转入", "孙委员"]


def test_group_meeting_follows_the_group_on_that_day():
    june = expected_attendance(roster(), D(2026, 6, 20), Audience.GROUP, group_id=20)
    july = expected_attendance(roster(), D(2026, 7, 1), Audience.GROUP, group_id=20)
    assert names(june) == ["李转入", "孙委员"]
    assert names(july) == ["李转入", "赵察看", "孙委员"]
    with pytest.raises(ValueError):
        expected_attendance(roster(), D(2026, 7, 1), Audience.GROUP)


def test_committee_meeting_expects_the_members_holding_a_post_that_day():
    assert names(expected_attendance(roster(), D(2026, 2, 27), Audience.COMMITTEE)) == ["王书记", "孙委员"]
    assert names(expected_attendance(roster(), D(2026, 3, 1), "committee")) == ["王书记"]


def test_approved_exclusion_keeps_a_full_member_listed_but_out_of_the_voters():
    sick = RosterEntry(member_id=9, name="周卧床", exclusions=(Span(D(2026, 1, 1), None, "因病长期卧床"),))
    [e] = expected_attendance([sick], D(2026, 6, 1))
    assert e.voter is False and "因病长期卧床" in e.note


def test_types_from_labels_and_custom_names():
    assert parse_type("支委会") is MeetingType.COMMITTEE
    assert parse_type("主题党日") is MeetingType.PARTY_DAY
    assert parse_type("党政联席会议") == "党政联席会议"
    with pytest.raises(ValueError):
        parse_type("  ")
    assert type_label(MeetingType.CUSTOM, "专题议党会议") == "专题议党会议"
    assert type_label("党政联席会议") == "党政联席会议"
    assert default_audience(MeetingType.GROUP) is Audience.GROUP
    assert default_audience("党政联席会议") is Audience.BRANCH


def general(day, present=3, expected=4, **kw):
    people = tuple(
        Attendee(i, f"党员{i}", AttendanceStatus.PRESENT if i < present else AttendanceStatus.LEAVE, "出差")
        for i in range(expected)
    )
    return Meeting(
        type=MeetingType.GENERAL, date=day, chair="王书记", recorder="孙委员", attendance=people, **kw
    )


def test_a_sealed_record_takes_amendments_and_keeps_the_original():
    m = general(D(2026, 6, 20), theme="学习")
    with pytest.raises(MeetingSealedError):
        amend(m, Amendment(D(2026, 6, 21), "笔误", "改正"))
    sealed = seal(m, AT)
    assert sealed.sealed and sealed.status is MeetingStatus.SEALED
    with pytest.raises(MeetingSealedError):
        seal(sealed, AT)
    with pytest.raises(MeetingSealedError):
        amend(sealed, Amendment(D(2026, 6, 21), " ", "改正"))
    amended = amend(sealed, Amendment(D(2026, 7, 2), "主题笔误", "主题应为“学习党章”"))
    assert amended.theme == "学习" and len(amended.amendments) == 1
    with pytest.raises(MeetingSealedError):
        seal(Meeting(type=MeetingType.GENERAL, date=D(2026, 12, 1), status=MeetingStatus.PLANNED), AT)


def test_grade_counts_list_every_grade():
    grades = [Grade(1, "甲", AppraisalGrade.EXCELLENT), Grade(2, "乙", AppraisalGrade.QUALIFIED),
              Grade(3, "丙", AppraisalGrade.QUALIFIED)]  # fmt: skip
    assert list(grade_counts(grades).values()) == [1, 2, 0, 0]
    assert [g.label for g in grade_counts(grades)] == ["优秀", "合格", "基本合格", "不合格"]


def test_annual_statistics_for_a_year_end_report():
    admission = Agenda(
        "接收张三为预备党员", vote=Vote(expected=4, present=3, yes=3), vote_kind=VoteKind.ADMISSION
    )
    failed = Agenda(
        "接收李四为预备党员", vote=Vote(expected=4, present=3, yes=2, no=1), vote_kind=VoteKind.ADMISSION
    )
    meetings = [
        general(D(2026, 3, 10), present=4, agenda=(admission,)),  # 100 %
        general(D(2026, 6, 10), present=2, agenda=(failed,)),  # 50 %
        Meeting(type=MeetingType.GROUP, date=D(2026, 6, 12), group_id=10,
                attendance=(Attendee(1, "甲"), Attendee(2, "乙", AttendanceStatus.ABSENT, "病"))),  # 50 %
        Meeting(type=MeetingType.TALKS, date=D(2026, 11, 5),
                talks=(TalkPair("王书记", "甲", D(2026, 11, 5)), TalkPair("王书记", "乙", D(2026, 11, 6)))),
        Meeting(type=MeetingType.ORG_LIFE, date=D(2026, 12, 20), attendance=(Attendee(1, "甲"),),
                remediation=(Remediation("学习不够", owner="甲", due=D(2027, 3, 1)),)),
        Meeting(type=MeetingType.CUSTOM, custom_type_name="党政联席会议", date=D(2026, 5, 1)),
        Meeting(type=MeetingType.PARTY_DAY, date=D(2026, 12, 28), status=MeetingStatus.PLANNED),
        general(D(2025, 12, 10)),
        Meeting(type=MeetingType.APPRAISAL, date=D(2026, 12, 21),
                grades=(Grade(1, "甲", AppraisalGrade.EXCELLENT), Grade(2, "乙", AppraisalGrade.BASIC))),
    ]  # fmt: skip
    s = annual_statistics(meetings, 2026)
    assert s.held == 7  # the planned party day and the 2025 meeting are not counted
    assert s.by_type[MeetingType.GENERAL] == 2
    assert s.by_type["党政联席会议"] == 1
    assert MeetingType.PARTY_DAY not in s.by_type
    assert s.groups == {10: 1}
    # rates 1.0, 0.5, 0.5, 1.0 (org life) → mean 0.75; overall 4+2+1+1 of 4+4+2+1
    assert s.average_attendance == pytest.approx(0.75)
    assert s.overall_attendance == pytest.approx(8 / 11)
    assert s.talks == 2
    assert (s.votes, s.votes_passed) == (2, 1)
    assert s.votes_by_kind == {"admission": 2}
    assert s.grades[AppraisalGrade.EXCELLENT] == 1 and s.grades[AppraisalGrade.BASIC] == 1
    assert (s.remediation_items, s.remediation_done) == (1, 0)


def test_empty_year_has_no_attendance_rate():
    s = annual_statistics([], 2026)
    assert s.held == 0 and s.average_attendance is None and s.overall_attendance is None


def test_expected_people_become_attendance_lines_and_grades_may_be_labels():
    lines = [e.attendee() for e in expected_attendance(roster(), D(2026, 6, 20))]
    assert all(a.present for a in lines)
    probationary = next(a for a in lines if a.name == "张预备")
    assert probationary.voter is False and probationary.member_type is MemberType.PROBATIONARY
    stored = [Grade(1, "甲", "优秀"), Grade(2, "乙", "不合格"), Grade(3, "丙", "excellent")]
    assert grade_counts(stored)[AppraisalGrade.EXCELLENT] == 2
    assert grade_counts(stored)[AppraisalGrade.UNQUALIFIED] == 1


def test_recurring_dates_on_a_fixed_day_move_off_weekends_and_holidays():
    from branchdesk.domain.meetings import recurring_dates

    # 2026: 15 Feb is a Sunday in the Spring Festival holiday, 15 Aug a Saturday, 31 → last day
    days = recurring_dates(15, D(2026, 1, 1), D(2026, 12, 31))
    assert len(days) == 12 and all(d.month == i for i, d in enumerate(days, 1))
    assert days[7] == D(2026, 8, 17), "Saturday the 15th → Monday the 17th"
    assert recurring_dates(31, D(2026, 2, 1), D(2026, 4, 30), working_day=False) == [
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
    ]
    # 31 Jan 2026 is a Saturday: the next working day is in February, so the Friday before
    assert recurring_dates(31, D(2026, 1, 1), D(2026, 1, 31)) == [D(2026, 1, 30)]
    assert recurring_dates(10, D(2026, 1, 11), D(2026, 12, 31), every_months=3, working_day=False) == [
        D(2026, 4, 10),
        D(2026, 7, 10),
        D(2026, 10, 10),
    ], "January's date is before the start; then every three months"
