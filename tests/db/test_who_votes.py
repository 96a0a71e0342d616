"""应到 as the texts define it (issue 12 §2, domain.md §9): a probationary member votes only from the
higher committee's approval of the conversion; a full member is left out of 应到 only with one of the
five kinds of exclusion and its approval — 出差 stays an absence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Approval, Person
from branchdesk.domain.meetings import AttendanceStatus, Audience, MeetingType
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.vocab import MemberType
from branchdesk.domain.votes import Exclusion, ExclusionKind
from tests.unit.dev_builders import complete

ADMITTED = dt.date(2024, 8, 1)  # probation ends 2025-08-01
CONVERSION_MEETING = dt.date(2025, 8, 5)
APPROVED = dt.date(2025, 9, 10)


@pytest.fixture
def branch_of_five(ws, members):
    """Four full members and 李明, admitted 2024-08-01, whose conversion the higher committee approved on
    2025-09-10 (the roster has him full from the end of probation, 2025-08-01)."""
    ids = {}
    for i, name in enumerate(("张华", "刘芳", "王强", "赵丽")):
        ids[name] = members.create(
            MemberFields(name=name, member_type=MemberType.FULL, join_date=dt.date(2000 + i, 7, 1),
                         conversion_date=dt.date(2001 + i, 7, 1))
        ).id  # fmt: skip
    ids["李明"] = members.create(
        MemberFields(
            name="李明", member_type=MemberType.FULL, join_date=ADMITTED, conversion_date=dt.date(2025, 8, 1)
        )
    ).id
    d = replace(
        complete(), id=None, person=Person("李明", dt.date(1995, 5, 1)), conversion_meeting_date=CONVERSION_MEETING,
        conversion_approval=Approval(APPROVED),
    )  # fmt: skip
    ws.development.save(d, member_id=ids["李明"])
    return ids


def test_at_his_own_conversion_meeting_he_is_not_a_voter_expected_is_4_not_5(ws, branch_of_five):
    at_meeting = ws.roster.electorate(CONVERSION_MEETING)
    assert at_meeting.expected == 4
    why = dict((v.name, reason) for v, reason in at_meeting.non_voters)
    assert "转正尚未经上级党委批准" in why["李明"]
    assert ws.roster.electorate(APPROVED).expected == 5, "a voter from the approval on"

    expected = ws.roster.expected(CONVERSION_MEETING, Audience.BRANCH)
    line = next(e for e in expected if e.name == "李明")
    assert not line.voter and "转正尚未经上级党委批准" in line.note
    assert sum(e.voter for e in expected) == 4


def test_minutes_that_count_him_at_his_own_conversion_meeting_are_a_finding(ws, branch_of_five):
    meetings = ws.meetings
    lines = [e.attendee() for e in ws.roster.expected(CONVERSION_MEETING, Audience.BRANCH)]
    lines = [replace(a, voter=True) for a in lines]  # 5 voters: the old way
    record = meetings.plan(
        MeetingType.GENERAL, CONVERSION_MEETING, status="draft", chair="张华", recorder="刘芳"
    )
    meetings.save(replace(meetings.get(record.id), attendance=tuple(lines)))
    found = [f for f in meetings.check(dt.date(2025, 12, 1)) if f.code == "MTG-VOTERS"]
    assert len(found) == 1 and "李明（转正尚未经上级党委批准）被计入有表决权的应到人数" in found[0].message_zh


def test_a_business_trip_is_not_an_exclusion_on_the_attendance_list(ws, branch_of_five):
    meetings = ws.meetings
    day = dt.date(2025, 10, 9)
    lines = [e.attendee() for e in ws.roster.expected(day, Audience.BRANCH)]
    assert sum(a.voter for a in lines) == 5
    away = [
        replace(a, status=AttendanceStatus.ABSENT, reason="出差", voter=False) if a.name == "王强" else a
        for a in lines
    ]
    record = meetings.plan(MeetingType.GENERAL, day, status="draft", chair="张华", recorder="刘芳")
    meetings.save(replace(meetings.get(record.id), attendance=tuple(away)))
    [finding] = [f for f in meetings.check(dt.date(2025, 12, 1)) if f.code == "MTG-VOTERS"]
    assert "正式党员王强未计入有表决权的应到人数，原因记为“出差”" in finding.message_zh

    # an exclusion without its approval is refused when saved
    lines_bad = [replace(a, exclusion=Exclusion(ExclusionKind.ABROAD), reason="出国") if a.name == "王强" else a
                 for a in away]  # fmt: skip
    with pytest.raises(ValidationError, match="未记录上级党组织同意的日期"):
        meetings.save(replace(meetings.get(record.id), attendance=tuple(lines_bad)))
    # with the higher organisation's consent and the general meeting's decision: left out of 应到
    approved = Exclusion(
        ExclusionKind.ABROAD, dt.date(2025, 9, 1), "某某学院党委", "2025年9月5日支部党员大会决定"
    )
    lines_ok = [
        replace(a, exclusion=approved, reason="出国访学一年") if a.name == "王强" else a for a in away
    ]
    meetings.save(replace(meetings.get(record.id), attendance=tuple(lines_ok)))
    kept = next(a for a in meetings.get(record.id).attendance if a.name == "王强")
    assert kept.exclusion == approved and not kept.voter
    assert [f for f in meetings.check(dt.date(2025, 12, 1)) if f.code == "MTG-VOTERS"] == []
