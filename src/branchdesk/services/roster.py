"""Who was a member of the branch on a given day, who was expected at a meeting, who votes (`ws.roster`).

The development step dialog's vote calculator (a general meeting's 应到 for an admission or conversion
vote), the meeting editor (the expected attendance of a meeting on its date) and the ledgers that list
members by type on a day ask the same question of the same rows: the branch's members with their status
history, 留党察看 punishments and committee seats. `Roster.read` reads them once (five queries);
`Roster.electorate(on)` and `Roster.expected(on, audience)` answer from them.

* Members count on a day when they had joined (or transferred in) by then and their status, per the
  status history, was active.
* Full members vote; probationary members (not converted that day) and members under 留党察看
  (``watch_until`` on or after the day, and the punishment recorded by then) attend without a vote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.models import CommitteeMember, Member, MemberAward, MemberStatusChange
from branchdesk.domain import meetings as dm
from branchdesk.domain.meetings import Audience, Expected
from branchdesk.domain.vocab import AwardKind, MemberStatus, MemberType
from branchdesk.domain.votes import Electorate, VoterSnapshot, expected_voters

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["Roster", "RosterService"]


class RosterService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def read(self, session: Session | None = None) -> Roster:
        """The branch's roster with its history (inside the caller's session, or a read of its own)."""
        if session is not None:
            return Roster.read(session, self.ws.branch_id)
        with self.ws.read() as own:
            return Roster.read(own, self.ws.branch_id)

    def electorate(self, on: dt.date, excluded: Mapping[int, str] | None = None) -> Electorate:
        """Who votes at a general meeting on ``on``, from the branch's roster as it was that day.

        ``excluded``: member id -> reason for full members left out of 应到 with approval.
        """
        return self.read().electorate(on, excluded)

    def expected(
        self, on: dt.date, audience: Audience | str = Audience.BRANCH, group_id: int | None = None
    ) -> list[Expected]:
        """Who is expected at a meeting on ``on``: the roster that day for the audience (with a ``note``
        saying why a non-voter has no vote); ``Expected.attendee()`` gives the line."""
        return self.read().expected(on, audience, group_id)


class Roster:
    """The branch's members with what decides who was in it on a given day (read once, asked often)."""

    def __init__(self, members: list, history: dict, watch: dict, groups: dict, seats: list):
        self.members, self.history, self.watch, self.group_of, self.seats = (
            members,
            history,
            watch,
            groups,
            seats,
        )
        self.order = {m.id: i for i, m in enumerate(members)}
        self.posts: dict[int, list] = {}
        for seat in seats:
            self.posts.setdefault(seat.member_id, []).append((seat.post, seat.term_start, seat.ended_on))
        self._entries: dict[int | None, list] | None = None

    @classmethod
    def read(cls, session: Session, branch_id: int) -> Roster:
        members = session.execute(
            select(
                Member.id, Member.name, Member.name_pinyin, Member.member_type, Member.status, Member.join_date,
                Member.conversion_date, Member.transferred_in_date, Member.watch_until, Member.group_id,
            ).where(Member.branch_id == branch_id).order_by(Member.name_pinyin, Member.id)
        ).all()  # fmt: skip
        in_branch = select(Member.id).where(Member.branch_id == branch_id)
        history: dict[int, list] = {}
        for change in session.execute(
            select(MemberStatusChange.member_id, MemberStatusChange.date, MemberStatusChange.from_status,
                   MemberStatusChange.to_status)
            .where(MemberStatusChange.member_id.in_(in_branch))
            .order_by(MemberStatusChange.member_id, MemberStatusChange.date, MemberStatusChange.id)
        ):  # fmt: skip
            history.setdefault(change.member_id, []).append(change)
        watch: dict[int, list[dt.date]] = {}
        for member_id, when in session.execute(
            select(MemberAward.member_id, MemberAward.date).where(
                MemberAward.member_id.in_(in_branch), MemberAward.kind == AwardKind.PUNISHMENT.value,
                MemberAward.title.like("%留党察看%"),
            )
        ):  # fmt: skip
            watch.setdefault(member_id, []).append(when)
        seats = session.execute(
            select(
                CommitteeMember.member_id,
                CommitteeMember.post,
                CommitteeMember.term_start,
                CommitteeMember.ended_on,
            ).where(CommitteeMember.branch_id == branch_id)
        ).all()
        return cls(list(members), history, watch, {m.id: m.group_id for m in members}, list(seats))

    def electorate(self, on: dt.date, excluded: Mapping[int, str] | None = None) -> Electorate:
        """Who votes at a general meeting on ``on`` (see `RosterService.electorate`)."""
        excluded = excluded or {}
        snapshots = []
        for m in self.members:  # in name order (pinyin, id)
            if not _in_branch_on(m, self.history.get(m.id, []), on):
                continue
            snapshots.append(
                VoterSnapshot(
                    name=m.name,
                    member_type=_type_on(m, on),
                    under_watch=_watched_on(m, self.watch.get(m.id, []), on),
                    excluded_reason=(excluded.get(m.id) or "").strip(),
                    member_id=m.id,
                )
            )
        return expected_voters(snapshots)

    def entries(self) -> dict[int | None, list]:
        """``domain.meetings.RosterEntry`` snapshots, by current party group (built once)."""
        if self._entries is None:
            self._entries = {}
            for m in self.members:
                self._entries.setdefault(m.group_id, []).append(self._entry(m))
        return self._entries

    def _entry(self, m) -> dm.RosterEntry:
        from branchdesk.domain.meetings import PostTerm, RosterEntry, Span

        active = MemberStatus.ACTIVE.value
        starts = [d for d in (m.join_date, m.transferred_in_date) if d is not None]
        start = max(starts) if starts else None
        changes = self.history.get(m.id, ())
        state = changes[0].from_status if changes else m.status
        spans, since = [], start
        for c in changes:
            if state == active and c.to_status != active:
                spans.append(Span(since, c.date))
            elif state != active and c.to_status == active:
                since = max(c.date, start) if start else c.date
            state = c.to_status
        if state == active:
            spans.append(Span(since, None))
        memberships = tuple(s for s in spans if s.start is None or s.end is None or s.start < s.end)
        if not memberships:  # never active in the branch
            memberships = (Span(dt.date.max, dt.date.max),)
        watch = ()
        if m.watch_until is not None:
            begun = [d for d in self.watch.get(m.id, ()) if d <= m.watch_until]
            watch = (Span(min(begun) if begun else None, m.watch_until + dt.timedelta(days=1)),)
        return RosterEntry(
            member_id=m.id, name=m.name, memberships=memberships, member_type=m.member_type or "full",
            conversion_date=m.conversion_date, watch=watch, groups=((None, m.group_id),),
            posts=tuple(PostTerm(p, s, e) for p, s, e in self.posts.get(m.id, ())),
        )  # fmt: skip

    def expected(self, on: dt.date, audience: Audience | str, group_id: int | None = None) -> list[Expected]:
        """Who is expected on ``on`` (``domain.meetings.expected_attendance`` over the roster)."""
        audience = Audience(audience)
        entries = self.entries()
        if audience is Audience.GROUP:
            roster = entries.get(group_id, [])
        else:
            roster = [e for group in entries.values() for e in group]
            roster.sort(key=lambda e: self.order[e.member_id])
        return dm.expected_attendance(roster, on, audience, group_id)


def _status_on(current: str, changes: list, on: dt.date) -> str:
    before = [c for c in changes if c.date <= on]
    if before:
        return before[-1].to_status
    if changes:
        return changes[0].from_status
    return current


def _in_branch_on(m, changes: list, on: dt.date) -> bool:
    if m.join_date is not None and m.join_date > on:
        return False
    if m.transferred_in_date is not None and m.transferred_in_date > on:
        return False
    return _status_on(m.status, changes, on) == MemberStatus.ACTIVE.value


def _type_on(m, on: dt.date) -> MemberType:
    if m.conversion_date is not None:
        return MemberType.FULL if m.conversion_date <= on else MemberType.PROBATIONARY
    return MemberType(m.member_type) if m.member_type else MemberType.FULL


def _watched_on(m, starts: list[dt.date], on: dt.date) -> bool:
    if m.watch_until is None or on > m.watch_until:
        return False
    started = [s for s in starts if s <= m.watch_until]
    # a punishment recorded only after the meeting did not apply to it
    return not (started and min(started) > on)
