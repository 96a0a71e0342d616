"""A branch year built for the readiness tests (issue 16): three members in two party groups and every
meeting the rules ask for in a year, held — except the ones a test leaves out."""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.meetings import MeetingStatus, MeetingType, TalkPair
from branchdesk.domain.members import MemberFields

HELD = MeetingStatus.DRAFT
NAMES = ("甲党员", "乙党员", "丙党员")


def branch_with_members(ws) -> dict[str, int]:
    groups = [g.id for g in ws.branch.groups()]
    ids = {}
    for n, name in enumerate(NAMES):
        ids[name] = ws.members.create(
            MemberFields(
                name=name,
                join_date=dt.date(2000 + n, 7, 1),
                conversion_date=dt.date(2001 + n, 7, 1),
                member_type="full",
                group_id=groups[n % 2],
            )
        ).id
    ws.branch.appoint(ids["甲党员"], "secretary", dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    return ids


def full_year(ws, year: int, *, skip: set[tuple] = frozenset()) -> None:
    """Every meeting of ``year`` held; ``skip``: (type, month[, group name]) left out."""
    groups = {g.name: g.id for g in ws.branch.groups()}
    meetings = ws.meetings
    ws.meetings.set_records_since(dt.date(year, 1, 1))

    def hold(type_, day, group=None, **values):
        key = (type_, day.month, group) if group else (type_, day.month)
        if key in skip:
            return
        meetings.plan(type_, day, group_id=groups.get(group), status=HELD, chair="甲党员", recorder="乙党员",
                      **values)  # fmt: skip

    for month in range(1, 13):
        hold(MeetingType.PARTY_DAY, dt.date(year, month, 5))
        for g in groups:
            hold(MeetingType.GROUP, dt.date(year, month, 12), g)
        if month % 3 == 0:
            hold(MeetingType.GENERAL, dt.date(year, month, 20))
            hold(MeetingType.LECTURE, dt.date(year, month, 21), lecturer="甲党员")
    hold(MeetingType.ORG_LIFE, dt.date(year, 12, 22))
    hold(MeetingType.APPRAISAL, dt.date(year, 12, 23))
    talks = tuple(TalkPair(NAMES[i], NAMES[(i + 1) % 3], dt.date(year, 11, 10 + i)) for i in range(3))
    hold(MeetingType.TALKS, dt.date(year, 11, 10), talks=talks)
