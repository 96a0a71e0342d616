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
* A probationary member votes only from the higher committee's approval of the conversion (the
  dossier's ``conversion_approval_date``), not from the end of probation — at their own conversion
  meeting they are not a voter (issue 12 §2, domain.md §9).
* Contact persons and sponsors typed by name are the branch's members of that day
  (``Roster.resolve_people``: the roster's member id and standing, never the typed one — "蔡浩然", a
  预备党员 typed without his label, is probationary), or marked as members of another branch.
* A full member is left out of 应到 only with an ``Exclusion``: one of the five kinds with the higher
  organisation's consent and the general meeting's decision; a reason alone (出差, 请假) is an absence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.models import CommitteeMember, Member, MemberAward, MemberStatusChange
from branchdesk.domain import meetings as dm
from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import Audience, Expected
from branchdesk.domain.members import FieldIssue, bare_name
from branchdesk.domain.vocab import AwardKind, MemberStatus, MemberType
from branchdesk.domain.votes import Electorate, Exclusion, VoterSnapshot, expected_voters

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

    def electorate(self, on: dt.date, excluded: Mapping[int, Exclusion] | None = None) -> Electorate:
        """Who votes at a general meeting on ``on``, from the branch's roster as it was that day.

        ``excluded``: member id -> the :class:`Exclusion` (one of the five kinds, with its approval) of a
        full member left out of 应到; one without its approval leaves nobody out.
        """
        return self.read().electorate(on, excluded)

    def resolve_people(self, people, on: dt.date | None, what: str, session: Session | None = None):
        """Contact persons or sponsors as the roster has them on ``on`` (see `Roster.resolve_people`)."""
        return self.read(session).resolve_people(people, on, what)

    def expected(
        self, on: dt.date, audience: Audience | str = Audience.BRANCH, group_id: int | None = None
    ) -> list[Expected]:
        """Who is expected at a meeting on ``on``: the roster that day for the audience (with a ``note``
        saying why a non-voter has no vote); ``Expected.attendee()`` gives the line."""
        return self.read().expected(on, audience, group_id)


class Roster:
    """The branch's members with what decides who was in it on a given day (read once, asked often)."""

    def __init__(self, members: list, history: dict, watch: dict, groups: dict, seats: list,
                 approvals: dict | None = None):  # fmt: skip
        self.members, self.history, self.watch, self.group_of, self.seats = (
            members,
            history,
            watch,
            groups,
            seats,
        )
        #: member id -> the day the higher committee approved the conversion (from the dossier)
        self.approvals: dict[int, dt.date] = approvals or {}
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
        from sqlalchemy import func

        from branchdesk.db.models_development import DevelopmentDossier

        approvals = dict(
            session.execute(
                select(DevelopmentDossier.member_id, func.max(DevelopmentDossier.conversion_approval_date))
                .where(
                    DevelopmentDossier.branch_id == branch_id,
                    DevelopmentDossier.member_id.is_not(None),
                    DevelopmentDossier.conversion_approval_date.is_not(None),
                )
                .group_by(DevelopmentDossier.member_id)
            ).all()
        )
        return cls(list(members), history, watch, {m.id: m.group_id for m in members}, list(seats), approvals)

    def electorate(self, on: dt.date, excluded: Mapping[int, Exclusion] | None = None) -> Electorate:
        """Who votes at a general meeting on ``on`` (see `RosterService.electorate`)."""
        excluded = excluded or {}
        snapshots = []
        for m in self.members:  # in name order (pinyin, id)
            if not _in_branch_on(m, self.history.get(m.id, []), on):
                continue
            approved = self.approvals.get(m.id)
            snapshots.append(
                VoterSnapshot(
                    name=m.name,
                    member_type=_type_on(m, on),
                    under_watch=_watched_on(m, self.watch.get(m.id, []), on),
                    member_id=m.id,
                    exclusion=excluded.get(m.id),
                    approval_pending=(
                        approved is not None
                        and m.conversion_date is not None
                        and m.conversion_date <= on < approved
                    ),
                )
            )
        return expected_voters(snapshots)

    def resolve_people(self, people, on: dt.date | None, what: str):
        """``people`` (``ContactPerson`` or ``Sponsor``) as the roster has them on ``on``: found by name
        (a label like "（预备党员）" dropped) among the members that day, they get the roster's member id and
        standing (full or probationary, under 留党察看); marked ``outside`` (another branch), they keep the
        standing the user stated. Returns the people and the problems (a name not on the roster that day
        and not marked outside; a name two members share), as ``FieldIssue``s in Chinese."""
        return resolve_people([e for group in self.entries().values() for e in group], people, on, what)

    def committee_in(self, year: int) -> set[int]:
        """Members who held a committee seat at some time in ``year`` (the 56-hour study line)."""
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        return {
            s.member_id
            for s in self.seats
            if (s.term_start is None or s.term_start <= last) and (s.ended_on is None or s.ended_on > first)
        }

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
            votes_from=self.approvals.get(m.id),
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


def resolve_people(
    entries: Iterable[Any], people: Sequence[Any], on: dt.date | None, what: str
) -> tuple[list[Any], list[FieldIssue]]:
    """``people`` (``ContactPerson`` or ``Sponsor``) as the roster has them on ``on``.

    ``entries``: ``RosterEntry`` snapshots of the branch. Returns the resolved people and the problems
    (a name not on the roster that day and not marked ``outside``; a name two members share)."""
    roster = list(entries)
    by_name: dict[str, list[Any]] = {}
    for e in roster:
        by_name.setdefault(e.name, []).append(e)
    out, issues = [], []
    for p in people:
        name = bare_name(p.name)
        if not name:
            continue
        if p.outside:
            out.append(replace(p, name=name, member_id=None))
            continue
        same = by_name.get(name, [])
        if p.member_id is not None:
            same = [e for e in same if e.member_id == p.member_id] or [
                e for e in roster if e.member_id == p.member_id
            ]
        day = on or dt.date.today()
        there = [e for e in same if e.member_on(day)]
        if len(there) > 1:
            issues.append(
                FieldIssue(what, f"{what}“{name}”：本支部有{len(there)}名同名党员，请从列表中选择具体的一位")
            )
            continue
        if not there:
            when = f"{format_date(day)}" if on else "当天"
            if same:
                text = f"{what}“{name}”{when}不是本支部在册党员（请核对日期，或勾选“外支部党员”并注明其身份）"
            else:
                text = (
                    f"{what}“{name}”不在本支部花名册中：请从本支部党员中选择；"
                    "如是其他党支部的党员，请勾选“外支部党员”并注明是正式党员还是预备党员"
                )
            issues.append(FieldIssue(what, text))
            continue
        e = there[0]
        values: dict[str, Any] = {
            "name": e.name,
            "member_id": e.member_id,
            "full_member": e.type_on(day) is MemberType.FULL,
        }
        if hasattr(p, "under_watch"):
            values["under_watch"] = e.under_watch(day)
        out.append(replace(p, **values))
    return out, issues
