"""Membership rules (MEM-*, domain.md §10) and consistency rules (CON-*, §11) over the whole branch.

Same engine as the DEV-* and MTG-* rules (``engine.audit_records``): :class:`Rule` objects in rule
sets of a :class:`RuleBook`, checks returning :class:`Violation`s. Their subject is one
:class:`BranchRecords` snapshot: the roster with its history, the committee, the meeting records and
the development dossiers, as of the check date.

* MEM-* say what the branch must do about its members (six months absent, lost contact, the
  committee it must or must not have, its size, the committee's term, the appraisal grades).
* CON-* say where two records contradict each other; each message names BOTH records (an inspector
  reads the ledgers side by side).

**Plugging in a membership rule of another area** (MEM-DUES-6M from the dues records, MEM-STUDY-32H
from the study hours): write ``check(records: BranchRecords, ctx) -> Iterator[Violation]`` reading
what it needs from ``records.extra[<key>]`` (the service that builds the snapshot puts the area's
own snapshot there), make a :func:`member_rule` and pass ``MEM_BOOK.with_rules(...)`` or register it
with :func:`register_member_rule` at import time of the area's module. See docs/rules.md.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from branchdesk.domain.cached import cached_property
from branchdesk.domain.dates import add_months, add_years, format_date
from branchdesk.domain.development import DecisionBody, Dossier
from branchdesk.domain.meetings import AppraisalGrade, Meeting, MeetingType, RosterEntry
from branchdesk.domain.members import bare_name
from branchdesk.domain.partial_dates import PartialDate
from branchdesk.domain.rules.engine import (
    KIND_CONSISTENCY,
    KIND_MEMBER,
    Finding,
    Rule,
    RuleBook,
    RuleContext,
    RuleSet,
    Severity,
    Violation,
    audit_records,
)
from branchdesk.domain.vocab import CommitteePost, MemberStatus, MemberType

date = dt.date
fd = format_date
B, W = Severity.BLOCKING, Severity.WARNING

__all__ = [
    "CON_BOOK",
    "MEM_BOOK",
    "BranchRecords",
    "BranchSettings",
    "MemberRecord",
    "Seat",
    "audit_branch",
    "has_committee",
    "member_rule",
    "register_member_rule",
]


# ====================================================================== inputs


@dataclass(frozen=True)
class Seat:
    """A committee post held over ``[start, end)`` (``end`` None: still held)."""

    member_id: int | None
    name: str
    post: CommitteePost | str
    start: date | None = None
    end: date | None = None

    def held_on(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


def has_committee(seats: Iterable[Seat], on: date) -> bool:
    """THE definition (one place): a branch has a committee (支部委员会) on ``on`` when posts other than
    the secretary and the deputy secretary are held that day. A branch of fewer than seven full members
    has a secretary (and maybe a deputy) and no committee: the general meeting does the committee's work."""
    lead = {CommitteePost.SECRETARY.value, CommitteePost.DEPUTY.value}
    return any(s.held_on(on) and str(s.post) not in lead for s in seats)


@dataclass(frozen=True, kw_only=True)
class MemberRecord:
    """One member file with its history: ``entry`` (memberships, type, watch, posts) as for meetings,
    the current ``status`` with its date, lost contact since, and the changes of status."""

    id: int
    name: str
    entry: RosterEntry
    status: str = MemberStatus.ACTIVE.value
    status_date: date | None = None
    join_date: date | None = None
    conversion_date: date | None = None
    member_type: str = MemberType.FULL.value
    lost_since: date | None = None  # lost contact (失联) since, when lost now
    mobile: bool = False  # 流动党员
    changes: tuple[tuple[date, str], ...] = ()  # (date, new status)
    dues_paid_to: date | None = None
    join_precision: str = "day"  # the roster's 入党时间 / 转正时间 may give only a month or year (0014)
    conversion_precision: str = "day"

    def active_on(self, on: date) -> bool:
        return self.entry.member_on(on)

    def state_on(self, on: date) -> str:
        """Why the member could not take part on ``on`` ("" when they could): lost contact, or the
        status they had then (transferred out, suspended, deceased …), or not yet a member."""
        if self.lost_since is not None and self.lost_since <= on:
            return f"自{fd(self.lost_since)}失去联系"
        if self.entry.member_on(on):
            return ""
        before = [(d, s) for d, s in self.changes if d <= on and s != MemberStatus.ACTIVE.value]
        if before:
            when, status = before[-1]
            try:
                label = MemberStatus(status).label
            except ValueError:
                label = status
            return f"已于{fd(when)}{label}"
        start = self.join_date
        if start is not None and on < start:
            return f"入党日期为{fd(start)}，当时尚未入党"
        return "当时不在本支部"


@dataclass(frozen=True, kw_only=True)
class BranchSettings:
    """Thresholds of the MEM rules (national values, and [L] local ones)."""

    absent_months: int = 6  # MEM-ABSENT-6M, 党章9
    lost_months: int = 6  # MEM-LOST-6M
    committee_min_full: int = 7  # MEM-COMMITTEE: 7 full members → a committee
    committee_min: int = 3
    committee_max: int = 7
    max_members: int = 50  # MEM-SIZE
    term_years: int = 3  # MEM-TERM [L]: 3 unless the branch sets otherwise
    term_notice_months: int = 6  # MEM-TERM: 换届 preparation starts 6 months before the end
    excellent_max_ratio_pct: int = 33  # MEM-APPRAISAL [L]: 优秀 at most one third; 0 = off


@dataclass(frozen=True, kw_only=True)
class BranchRecords:
    """Everything the MEM and CON rules read, as of the check date."""

    as_of: date
    members: tuple[MemberRecord, ...] = ()
    seats: tuple[Seat, ...] = ()
    term_start: date | None = None
    term_end: date | None = None
    meetings: tuple[Meeting, ...] = ()  # held records (the service drops planned ones)
    dossiers: tuple[Dossier, ...] = ()
    dossier_members: Mapping[int, int] = field(default_factory=dict)  # dossier id → member id
    records_since: date | None = None  # the branch keeps its records here from this day
    settings: BranchSettings = field(default_factory=BranchSettings)
    extra: Mapping[str, Any] = field(default_factory=dict)  # other areas' snapshots (dues, study hours)

    # ------------------------------------------------------------ indexes (built once)
    # The indexes are cached on the instance (a lock-free cached property: read ~150k times in the check of
    # fifty branches, they are then plain attributes; a copy made by ``replace`` builds its own).
    @cached_property
    def by_id(self) -> dict[int, MemberRecord]:
        return {m.id: m for m in self.members}

    @cached_property
    def by_name(self) -> dict[str, MemberRecord]:
        """Members by name (a name shared by two members is left out: it names neither for sure)."""
        seen: dict[str, MemberRecord | None] = {}
        for m in self.members:
            seen[m.name] = None if m.name in seen else m
        return {k: v for k, v in seen.items() if v is not None}

    def member(self, member_id: int | None, name: str = "") -> MemberRecord | None:
        if member_id is not None:
            found = self.by_id.get(member_id)
            if found is not None:
                return found
        return self.by_name.get(name.strip()) if name else None

    def person(self, member_id: int | None, name: str) -> MemberRecord | None:
        """:meth:`member` for a name as typed (a label like "（预备党员）" dropped), memoised: the same few
        contact persons and sponsors recur across thousands of dossiers."""
        found = self._people
        key = (member_id, name)
        if key not in found:
            found[key] = self.member(member_id, bare_name(name))
        return found[key]

    def state(self, m: MemberRecord, on: date) -> str:
        """``m.state_on(on)``, answered at once for a member plainly in the branch that day."""
        span = self.steady.get(m.id)
        if span is not None and span[0] <= on < span[1]:
            return ""
        return m.state_on(on)

    @cached_property
    def held(self) -> tuple[Meeting, ...]:
        return tuple(
            sorted((m for m in self.meetings if not m.planned and m.date <= self.as_of), key=lambda m: m.date)
        )

    @cached_property
    def meeting_days(self) -> dict[tuple[str, date], list[Meeting]]:
        out: dict = {}
        for m in self.held:
            out.setdefault((str(m.type), m.date), []).append(m)
        return out

    @cached_property
    def _people(self) -> dict:  # (member id, name as typed) → the member (``person``)
        return {}

    @cached_property
    def _committee_on(self) -> dict:  # day → the branch had a committee (``has_committee``)
        return {}

    def has_committee(self, on: date) -> bool:
        answers = self._committee_on
        found = answers.get(on)
        if found is None:
            found = answers[on] = has_committee(self.seats, on)
        return found

    def full_members_on(self, on: date) -> list[MemberRecord]:
        return [m for m in self.members if m.entry.member_on(on) and m.entry.type_on(on) is MemberType.FULL]

    @property
    def records_start(self) -> date | None:
        """The day the branch keeps its meeting records here from: ``records_since``, else its first
        recorded meeting (None: no records)."""
        start = self.records_since
        if start is None:
            start = self.held[0].date if self.held else None
        return start

    def keeps_records_on(self, on: date) -> bool:
        """The branch kept its meeting records here on ``on``."""
        start = self.records_start
        return start is not None and on >= start

    @cached_property
    def steady(self) -> dict[int, tuple[date, date]]:
        """member id → ``[first, end)`` of one uninterrupted stretch of membership without lost contact
        (members with anything more complicated are left out): on those days ``state_on`` is ""."""
        out = {}
        for m in self.members:
            spans = m.entry.memberships
            if len(spans) > 1:
                continue
            first, end = (spans[0].start, spans[0].end) if spans else (None, None)
            if m.lost_since is not None:
                end = m.lost_since if end is None else min(end, m.lost_since)
            out[m.id] = (first or date.min, end or date.max)
        return out


def _v(message: str, *, subject: str = "本支部", member_id: int | None = None, record: Meeting | None = None,
       dossier_id: int | None = None, on: date | None = None, severity: Severity | None = None,
       overdue: bool = False, **dates: date | None) -> Violation:  # fmt: skip
    return Violation(
        step=None,
        message=message,
        dates={k: v for k, v in dates.items() if v is not None},
        severity=severity,
        overdue=overdue,
        on=on,
        meeting_id=record.id if record is not None else None,
        subject=subject,
        member_id=member_id,
        dossier_id=dossier_id,
    )


def _meeting_name(m: Meeting) -> str:
    return f"{fd(m.date)}{m.title}"


# ====================================================================== MEM-*


def check_absent(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """Six consecutive months without attending any organisational life: every meeting the member was
    expected at in the six months before the check date shows them absent (leave with a reason
    included: 请假 is still not attending), and they were expected at least once."""
    months = r.settings.absent_months
    if not months:
        return
    since = add_months(r.as_of, -months)
    if not r.keeps_records_on(since):
        return
    # the lines of the window only (a quarter of two years' lines): member id → how many, and who was
    # present at any of them
    held = r.held
    window = held[bisect.bisect_left(held, since, key=_meeting_date) :]
    expected: Counter[int | None] = Counter()
    present: set[int | None] = set()
    for mt in window:
        lines = mt.attendance
        expected.update(map(_member_id, lines))
        present.update(a.member_id for a in lines if a.present)
    flagged = []
    for m in r.members:
        if not m.entry.member_on(r.as_of) or m.lost_since is not None:
            continue  # lost contact: MEM-LOST-6M says what to do
        if not m.entry.member_on(since):
            continue  # a member for less than the whole window
        if m.id in present or not expected.get(m.id):
            continue
        flagged.append(m)
    if not flagged:
        return
    # the last meeting before the window each of them attended: walk back until all are found
    last: dict[int, date] = {}
    waiting = {m.id for m in flagged}
    for mt in reversed(held[: len(held) - len(window)]):
        found = waiting.intersection(map(_member_id, mt.attendance))
        for a in mt.attendance if found else ():
            if a.member_id in waiting and a.present:
                last[a.member_id] = mt.date
                waiting.discard(a.member_id)
        if not waiting:
            break
    for m in flagged:
        attended = last.get(m.id)
        said = f"最近一次出席为{fd(attended)}" if attended else "在本程序的记录中没有出席记录"
        yield _v(
            f"{m.name}自{fd(since)}以来连续{months}个月没有参加党的组织生活：应参加的{expected[m.id]}次会议均未出席"
            f"（{said}）。党员无正当理由连续6个月不参加党的组织生活的，按自行脱党处理（支部大会讨论决定，"
            "报上级党组织批准）；请核实原因，有正当理由的请在会议记录中注明。",
            subject=m.name,
            member_id=m.id,
            period_start=since,
            last_attended=attended,
        )


_member_id, _name = attrgetter("member_id"), attrgetter("name")


def _meeting_date(m: Meeting) -> date:
    return m.date


def check_lost(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    months = r.settings.lost_months
    for m in r.members:
        if m.lost_since is None or not m.entry.member_on(r.as_of):
            continue
        due = add_months(m.lost_since, months)
        if r.as_of >= due:
            yield _v(
                f"{m.name}自{fd(m.lost_since)}失去联系，已超过{months}个月。失联超过6个月、经多方查找仍无音信的，"
                "应按规定启动停止党籍的审查程序（支部大会讨论，报上级党委批准）。",
                subject=m.name,
                member_id=m.id,
                overdue=True,
                lost_since=m.lost_since,
            )


def check_committee(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    s, on = r.settings, r.as_of
    full = len(r.full_members_on(on))
    seats = [x for x in r.seats if x.held_on(on)]
    committee = has_committee(seats, on)
    if full >= s.committee_min_full and not committee:
        yield _v(
            f"本支部现有正式党员{full}人（7人以上），应设立支部委员会（委员3至5人，最多不超过7人），"
            f"目前只有{len(seats)}个支委职务。请按规定选举支部委员会。",
        )
    elif full < s.committee_min_full and committee:
        yield _v(
            f"本支部现有正式党员{full}人，不足7人的党支部不设支部委员会，只设书记（必要时设副书记），"
            "由支部党员大会履行支委会的职责。请核对支委设置。",
        )
    if committee:
        people = {x.member_id or x.name for x in seats}
        if len(people) > s.committee_max:
            yield _v(
                f"支部委员会现有委员{len(people)}人，超过7人。支部委员会一般由3至5人组成，最多不超过7人。"
            )
        elif len(people) < s.committee_min:
            yield _v(f"支部委员会现有委员{len(people)}人，少于3人。支部委员会一般由3至5人组成，请补选委员。")
    secretary = [x for x in seats if str(x.post) == CommitteePost.SECRETARY.value]
    if full >= 3 and not secretary:
        yield _v("本支部目前没有记录支部书记。党支部应设书记，请补录或及时选举。")


def check_size(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    limit = r.settings.max_members
    count = sum(1 for m in r.members if m.entry.member_on(r.as_of))
    if limit and count > limit:
        yield _v(
            f"本支部现有党员{count}人，超过{limit}人。党员人数较多的党支部，可以按照便于组织开展活动的原则"
            "划分若干党小组，或提请上级党组织考虑分设党支部。",
        )


def check_term(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    s = r.settings
    start = r.term_start
    end = r.term_end or (add_years(start, s.term_years) if start else None)
    if end is None:
        return
    notice = add_months(end, -s.term_notice_months)
    if r.as_of >= end:
        yield _v(
            f"支部委员会的任期已于{fd(end)}届满（任期自{fd(start) if start else '（未记录）'}起），至{fd(r.as_of)}"
            "仍未记录换届选举。请按期换届，确需延期的应报上级党组织批准。",
            overdue=True,
            term_end=end,
        )
    elif r.as_of >= notice:
        yield _v(
            f"支部委员会的任期将于{fd(end)}届满，请从现在起做好换届准备（提前向上级党组织请示，酝酿候选人）。",
            term_end=end,
        )


def check_appraisal_grades(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    ratio = r.settings.excellent_max_ratio_pct
    for mt in r.held:
        if mt.type != MeetingType.APPRAISAL or not mt.grades:
            continue
        graded = 0
        excellent = 0
        for g in mt.grades:
            m = r.member(g.member_id, g.name)
            if m is not None and m.entry.type_on(mt.date) is MemberType.PROBATIONARY:
                yield _v(
                    f"{_meeting_name(mt)}给预备党员{g.name}评定了等次（{AppraisalGrade.from_label(str(g.grade)).label}）。"
                    "预备党员参加民主评议，但不评定等次，请删除该等次。",
                    subject=g.name,
                    member_id=m.id,
                    record=mt,
                    on=mt.date,
                )
                continue
            graded += 1
            excellent += AppraisalGrade.from_label(str(g.grade)) is AppraisalGrade.EXCELLENT
            ballots = sum(g.votes) if g.votes else 0
            if mt.attendance and ballots > mt.present:  # 民主测评: the ballots come from those present
                yield _v(
                    f"{_meeting_name(mt)}中{g.name}的民主测评票数合计{ballots}张，多于到会的{mt.present}人。"
                    "测评票由到会人员填写，请核对测评票数或出席名单。",
                    subject=g.name,
                    member_id=m.id if m is not None else g.member_id,
                    record=mt,
                    on=mt.date,
                )
        if ratio and graded and excellent * 100 > graded * ratio:
            yield _v(
                f"{_meeting_name(mt)}评定优秀{excellent}人，占参评正式党员{graded}人的{excellent * 100 // graded}%，"
                f"超过本单位规定的{ratio}%（一般不超过三分之一）。请核对评定等次。",
                record=mt,
                on=mt.date,
            )


# ====================================================================== CON-*


def _inactive_roles(
    r: BranchRecords,
) -> Iterator[tuple[MemberRecord, date, str, str, Meeting | None, int | None]]:
    """(member, date, state, what they were recorded as, meeting, dossier id) for every record that has
    a member taking part on a day they could not: lost contact, transferred out, suspended, dead, not
    yet a member. An absence with the reason 失联 (or none) is not a contradiction."""
    steady = r.steady
    held = r.held
    # members plainly in the branch on every day a record was held: their lines need no look at the roster
    always = (
        {i for i, (first, end) in steady.items() if first <= held[0].date and held[-1].date < end}
        if held
        else set()
    )
    by_name = r.by_name
    for mt in held:
        seen: set[int] = set()
        on = mt.date
        for a in mt.attendance:
            if a.member_id in always:
                continue
            span = steady.get(a.member_id)  # type: ignore[arg-type]
            if span is not None and span[0] <= on < span[1]:
                continue  # a member that day: nothing to contradict
            m = r.member(a.member_id, a.name)
            if m is None:
                continue
            state = m.state_on(mt.date)
            if not state:
                continue
            seen.add(m.id)
            reason = a.reason.strip()
            if a.present:
                yield m, mt.date, state, f"{_meeting_name(mt)}的出席名单记为出席", mt, None
            elif reason and "失联" not in reason and "失去联系" not in reason and m.lost_since is not None:
                yield (
                    m,
                    mt.date,
                    state,
                    f"{_meeting_name(mt)}的出席名单记为{a.status.label}（原因：{reason}）",
                    mt,
                    None,
                )
            elif m.lost_since is None:
                yield m, mt.date, state, f"{_meeting_name(mt)}的出席名单列为应到党员", mt, None
        for role, name in (("主持人", mt.chair), ("记录人", mt.recorder)):
            m = by_name.get(name.strip()) if name else None
            if m is not None and m.id not in seen and (state := r.state(m, on)):  # m.state_on(on)
                yield m, mt.date, state, f"{_meeting_name(mt)}的{role}", mt, None
        if mt.type == MeetingType.APPRAISAL:
            for g in mt.grades:
                m = r.member(g.member_id, g.name)
                if m is not None and (state := r.state(m, on)):
                    label = AppraisalGrade.from_label(str(g.grade)).label
                    yield m, mt.date, state, f"{_meeting_name(mt)}评定为“{label}”", mt, None
    for d in r.dossiers:
        for c in d.contacts:
            m = r.person(c.member_id, c.name) if not c.outside else None
            on = c.assigned_on or d.activist_date
            if m is not None and on is not None and (state := r.state(m, on)):
                yield m, on, state, f"{d.person.name}发展档案中的培养联系人（{fd(on)}指定）", None, d.id
        on = d.sponsors_date or d.candidate_date
        for sp in d.sponsors:
            m = r.person(sp.member_id, sp.name) if not sp.outside else None
            if m is not None and on is not None and (state := r.state(m, on)):
                yield m, on, state, f"{d.person.name}发展档案中的入党介绍人（{fd(on)}确定）", None, d.id


def check_member_status(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    for m, on, state, what, mt, dossier_id in _inactive_roles(r):
        yield _v(
            f"记录矛盾：党员档案记载{m.name}{state}，而{what}。请核对党员档案和该记录，以实际情况为准更正其中之一。",
            subject=m.name,
            member_id=m.id,
            record=mt,
            dossier_id=dossier_id,
            on=on,
            meeting=on,
        )


def check_person_roster(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """Contact persons and sponsors are the branch's members of that day (or marked as members of another
    branch): recorded as a full member while the roster has them probationary that day is a
    contradiction; a name on no roster entry, designated while the branch keeps its records here, is
    a gap (CON-MEMBER-STATUS speaks of members who had left or not yet joined)."""
    start = r.records_start
    for d in r.dossiers:
        people = [(c, c.assigned_on or d.activist_date, "培养联系人") for c in d.contacts]
        people += [(sp, d.sponsors_date or d.candidate_date, "入党介绍人") for sp in d.sponsors]
        for p, on, what in people:
            if p.outside or on is None or on > r.as_of:
                continue
            m = r.person(p.member_id, p.name)
            if m is None:
                name = bare_name(p.name)
                if start is not None and on >= start and name:
                    yield _v(
                        f"{d.person.name}的发展档案中的{what}“{name}”（{fd(on)}）不在本支部花名册中。请在档案中选择"
                        "本支部党员；如是其他党支部的党员，请标记为外支部党员并注明其是正式党员还是预备党员。",
                        subject=name, dossier_id=d.id, on=on, severity=W,
                    )  # fmt: skip
                continue
            if not p.full_member or r.state(m, on):
                continue  # not a member that day: CON-MEMBER-STATUS
            if m.entry.type_on(on) is MemberType.PROBATIONARY:
                yield _v(
                    f"记录矛盾：{d.person.name}的发展档案记载{what}{m.name}（{fd(on)}）为正式党员，而党员花名册记载"
                    f"{m.name}当时是预备党员（入党日期{fd(m.join_date) if m.join_date else '未记录'}）。{what}须由"
                    "正式党员担任，请重新指定或核对花名册。",
                    subject=m.name, member_id=m.id, dossier_id=d.id, on=on,
                )  # fmt: skip


def check_admitted_attendee(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """The person the meeting admits attends as 列席 (an observer), not on the members' list."""
    dossiers = {d.id: d for d in r.dossiers if d.id is not None}
    for mt in r.held:
        for item in mt.agenda:
            if item.dossier_id is None or str(item.vote_kind) != "admission":
                continue
            d = dossiers.get(item.dossier_id)
            if d is None:
                continue
            member_id = r.dossier_members.get(d.id)
            lines = mt.attendance  # a line of theirs, by member id or by name (looked for in C)
            listed = member_id is not None and member_id in map(_member_id, lines)
            if listed or d.person.name in map(_name, lines):
                yield _v(
                    f"记录矛盾：{_meeting_name(mt)}讨论接收{d.person.name}为预备党员，而该会出席名单把{d.person.name}"
                    "列为党员。讨论接收时本人尚不是党员，只能列席，请从出席名单中移出、改列为列席人员。",
                    subject=d.person.name,
                    record=mt,
                    dossier_id=d.id,
                    on=mt.date,
                    meeting=mt.date,
                )


def check_vote_roster(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """A vote's 应到 equals the voting members on the attendance list (and 实到 the voters present)."""
    for mt in r.held:
        if not mt.attendance:
            continue
        expected, present = mt.voters_expected, mt.voters_present
        for item in mt.votes:
            v = item.vote
            assert v is not None
            if v.expected != expected or v.present != present:
                yield _v(
                    f"记录矛盾：{_meeting_name(mt)}表决“{item.title}”记录应到有表决权的党员{v.expected}人、实到{v.present}人，"
                    f"而该会出席名单中有表决权的党员应到{expected}人、实到{present}人。应到、实到应与出席名单一致，"
                    "请核对表决记录或出席名单。",
                    record=mt,
                    dossier_id=item.dossier_id,
                    on=mt.date,
                    meeting=mt.date,
                )


#: Dossier decisions and the meeting that takes them: (what, date getter, meeting types that may take it).
def _decisions(d: Dossier, committee: bool) -> Iterator[tuple[str, date, tuple[str, ...]]]:
    general = (MeetingType.GENERAL.value,)
    branch = (MeetingType.COMMITTEE.value, MeetingType.GENERAL.value)

    def body(decided_by: DecisionBody | None) -> tuple[str, ...]:
        if decided_by is DecisionBody.GENERAL_MEETING or not committee:
            return general
        return branch

    if d.activist_date is not None:
        yield "确定为入党积极分子", d.activist_date, body(d.activist_decided_by)
    if d.candidate_date is not None:
        yield "确定为发展对象", d.candidate_date, body(d.candidate_decided_by)
    if d.committee_review_date is not None:
        yield "支部委员会审查", d.committee_review_date, branch if committee else general
    if d.admission_meeting_date is not None:
        yield "支部大会讨论接收预备党员", d.admission_meeting_date, general
    if d.rejected_on is not None and d.rejection_vote is not None:
        yield "支部大会讨论接收（未通过）", d.rejected_on, general
    if d.conversion_meeting_date is not None:
        yield "支部大会讨论转正", d.conversion_meeting_date, general
    for e in d.extensions:
        yield "支部大会讨论延长预备期", e.date, general


def check_decision_meeting(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    start, as_of, days = r.records_start, r.as_of, r.meeting_days
    if start is None:
        return  # no meeting records kept here: nothing to compare with
    for d in r.dossiers:
        if (d.latest_date or date.min) < start:
            continue  # history from before the branch kept its records here
        for what, on, types in _decisions(d, r.has_committee(d.activist_date or as_of)):
            if on > as_of or on < start:
                continue
            if any((t, on) in days for t in types):
                continue
            names = "或".join(MeetingType(t).label for t in types)
            yield _v(
                f"记录矛盾：{d.person.name}的发展档案记载{fd(on)}{what}，但会议记录中{fd(on)}没有{names}的记录。"
                "请补录当天的会议记录，或核对发展档案中的日期。",
                subject=d.person.name,
                dossier_id=d.id,
                on=on,
                meeting=on,
            )


def check_roster_dossier(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """Roster and dossiers agree: an admitted person is on the roster; recorded dates are the same."""
    linked: dict[int, Dossier] = {}
    for d in r.dossiers:
        if d.id is None:
            continue
        member_id = r.dossier_members.get(d.id)
        m = r.by_id.get(member_id) if member_id is not None else None
        if m is None and d.approval is not None and not d.closed:
            yield _v(
                f"记录矛盾：{d.person.name}的发展档案记载已于{fd(d.approval.date)}经上级党委审批接收为预备党员，"
                "但党员花名册中没有其党员档案。请在花名册中建立或关联其党员档案。",
                subject=d.person.name,
                dossier_id=d.id,
                on=d.approval.date,
                approval=d.approval.date,
            )
            continue
        if m is None:
            continue
        linked[m.id] = d
        joined = PartialDate.stored(m.join_date, m.join_precision)
        if (
            d.admission_meeting_date is not None
            and joined is not None
            and not (
                joined.first == d.admission_meeting_date
                or (not joined.exact and joined.contains(d.admission_meeting_date))
            )
        ):
            yield _v(
                f"记录矛盾：党员花名册记载{m.name}的入党日期为{joined.text}，而发展档案中接收其为预备党员的支部大会为"
                f"{fd(d.admission_meeting_date)}（入党日期即支部大会通过之日）。请核对并更正其中之一。",
                subject=m.name,
                member_id=m.id,
                dossier_id=d.id,
                on=d.admission_meeting_date,
                admission_meeting=d.admission_meeting_date,
                join_date=m.join_date,
            )
        full_on_roster = m.member_type == MemberType.FULL.value and m.status == MemberStatus.ACTIVE.value
        if d.conversion_approval is not None:
            end = d.full_member_date or d.probation_end
            converted = PartialDate.stored(m.conversion_date, m.conversion_precision)
            if (
                converted is not None
                and end is not None
                and not (converted.first == end or (not converted.exact and converted.contains(end)))
            ):
                yield _v(
                    f"记录矛盾：党员花名册记载{m.name}的转正日期为{converted.text}，而发展档案中的转正日期"
                    f"（预备期满之日）为{fd(end)}。请核对并更正其中之一。",
                    subject=m.name,
                    member_id=m.id,
                    dossier_id=d.id,
                    on=d.conversion_approval.date,
                    full_member_date=m.conversion_date,
                    probation_end=end,
                )
        elif full_on_roster and d.admission_meeting_date is not None and not d.closed:
            yield _v(
                f"记录矛盾：党员花名册记载{m.name}为正式党员"
                + (f"（转正日期{fd(m.conversion_date)}）" if m.conversion_date else "")
                + "，而发展档案中没有讨论转正的支部大会和上级党委的转正审批。请补录转正程序，或更正花名册。",
                subject=m.name,
                member_id=m.id,
                dossier_id=d.id,
                on=m.conversion_date or r.as_of,
            )
    converted_at = _conversion_votes(r)
    for m in r.members:
        if m.id in linked or not m.entry.member_on(r.as_of):
            continue
        c = m.conversion_date
        if (
            m.member_type == MemberType.FULL.value
            and c is not None
            and m.join_date is not None
            and r.keeps_records_on(c)
            and c <= r.as_of
            and not any(on >= m.join_date for on in converted_at.get(m.id, ()) + converted_at.get(m.name, ()))
        ):
            yield _v(
                f"记录矛盾：党员花名册记载{m.name}于{fd(c)}转为正式党员，但会议记录中没有讨论其转正的支部大会。"
                "预备党员转正须经支部大会讨论通过、上级党委批准，请补录会议记录或核对花名册。",
                subject=m.name,
                member_id=m.id,
                on=c,
                full_member_date=c,
            )


def _conversion_votes(r: BranchRecords) -> dict[Any, tuple[date, ...]]:
    """member id (or, without a dossier link, the person's name) → dates of general meetings that voted on
    their conversion (a conversion vote item, or one naming them)."""
    out: dict[Any, list[date]] = {}
    names = {d.id: d.person.name for d in r.dossiers if d.id is not None}
    for mt in r.held:
        if mt.type != MeetingType.GENERAL:
            continue
        for item in mt.agenda:
            if str(item.vote_kind) != "conversion":
                continue
            member_id = r.dossier_members.get(item.dossier_id) if item.dossier_id is not None else None
            if member_id is not None:
                out.setdefault(member_id, []).append(mt.date)
            name = names.get(item.dossier_id, "")
            for key in filter(None, (name, *(m.name for m in r.members if m.name and m.name in item.title))):
                out.setdefault(key, []).append(mt.date)
    return {k: tuple(v) for k, v in out.items()}


def check_roster_probationary(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """A probationary member on the roster has a development dossier (their conversion is followed there)."""
    with_dossier = set(r.dossier_members.values())
    for m in r.members:
        if m.id in with_dossier or not m.entry.member_on(r.as_of):
            continue
        if m.entry.type_on(r.as_of) is MemberType.PROBATIONARY:
            yield _v(
                f"记录不全：党员花名册中的预备党员{m.name}（入党日期{fd(m.join_date) if m.join_date else '未记录'}）"
                "没有发展党员档案，其转正程序无从跟踪。请为其建立发展档案（至少补录接收的支部大会和审批日期）。",
                subject=m.name,
                member_id=m.id,
                severity=W,
                join_date=m.join_date,
            )


def check_chair_present(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    for mt in r.held:
        if not mt.attendance:
            continue
        by_name = {a.name: a for a in mt.attendance}
        for role, name in (("主持人", mt.chair), ("记录人", mt.recorder)):
            a = by_name.get(name.strip()) if name else None
            if a is not None and not a.present:
                yield _v(
                    f"记录矛盾：{_meeting_name(mt)}的{role}是{a.name}，而该会出席名单记{a.name}{a.status.label}"
                    f"{('（' + a.reason + '）') if a.reason.strip() else ''}。请核对{role}或出席情况。",
                    subject=a.name,
                    member_id=a.member_id,
                    record=mt,
                    on=mt.date,
                    meeting=mt.date,
                )


def check_dues_transfer(r: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    for m in r.members:
        if m.status != MemberStatus.TRANSFERRED_OUT.value or m.dues_paid_to is None:
            continue
        out = next(
            (d for d, s in reversed(m.changes) if s == MemberStatus.TRANSFERRED_OUT.value), m.status_date
        )
        if out is not None and m.dues_paid_to > _month_end(out):
            yield _v(
                f"记录矛盾：{m.name}已于{fd(out)}转出，而党费记载交至{fd(m.dues_paid_to)}。转出后的党费应在新的党组织交纳，"
                "请核对党费记录或转出日期。",
                subject=m.name,
                member_id=m.id,
                on=out,
                status_change=out,
            )


def _month_end(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1) - dt.timedelta(days=1)


# ====================================================================== the rule sets

_VERSION = "2018"


def member_rule(code, title, article, severity, check, basis="N", description="", settings=()) -> Rule:
    """A MEM-* or CON-* rule (for other areas too: MEM-DUES-6M, MEM-STUDY-32H)."""
    return Rule(code=code, title=title, article=article, ruleset=_VERSION, severity=severity, check=check,
                basis=basis, description=description, settings=tuple(settings))  # fmt: skip


_r = member_rule

MEM_RULES: tuple[Rule, ...] = (
    _r("MEM-ABSENT-6M", "连续六个月不参加组织生活", "党章第九条", W, check_absent,
       description="在册党员在检查日前6个月内应参加的会议全部未出席（且至少有一次应参加）；失联党员由 MEM-LOST-6M 处理。",
       settings=["absent_months"]),
    _r("MEM-LOST-6M", "失联超过六个月", "党员教育管理工作条例（失联党员处置，条款号待核实）", W, check_lost, basis="N?",
       description="失去联系满6个月、仍在册的党员：启动停止党籍审查。", settings=["lost_months"]),
    _r("MEM-COMMITTEE", "支部委员会的设置", "支部条例（党支部委员会的设立，条款号待核实）", W, check_committee, basis="N?",
       description="正式党员7人以上应设支委会（3至5人，最多7人）；不足7人不设支委会（只设书记、副书记）；应有书记。"),
    _r("MEM-SIZE", "党支部人数", "支部条例（党员人数超过50人的，条款号待核实）", W, check_size, basis="N?",
       description="党员超过50人的，提示划分党小组或分设党支部。", settings=["max_members"]),
    _r("MEM-TERM", "支委会按期换届", "支部条例（党支部委员会每届任期，条款号待核实）；任期年数为本地设置", W, check_term,
       basis="N?", description="任期届满前6个月提醒做好换届准备；届满仍未换届为逾期提醒。",
       settings=["term_years", "term_notice_months"]),
    _r("MEM-APPRAISAL", "民主评议等次", "教育条例第十八条；优秀比例为本地规定", W, check_appraisal_grades,
       description="预备党员参加评议但不评定等次；[L] 优秀一般不超过参评正式党员的三分之一。",
       settings=["excellent_max_ratio_pct"]),
)  # fmt: skip

CON_RULES: tuple[Rule, ...] = (
    _r("CON-MEMBER-STATUS", "失联、转出、停止党籍、去世期间不应有参加活动的记录", "domain.md §11（记录一致性）", W,
       check_member_status, basis="L",
       description="党员在失联、已转出、停止党籍、去世或尚未入党的日期，被记为出席、主持人、记录人、培养联系人、"
                   "入党介绍人或评定等次；失联期间以失联以外的原因记为缺席或请假。"),
    _r("CON-ADMITTED-ATTENDEE", "被讨论接收的人只能列席", "domain.md §11（记录一致性）", B, check_admitted_attendee,
       basis="L", description="讨论接收预备党员的支部大会，出席名单中不应有被讨论的发展对象（应为列席）。"),
    _r("CON-VOTE-ROSTER", "表决应到与出席名单一致", "细则第二十条、第二十一条；domain.md §11", W, check_vote_roster,
       description="每项表决记录的应到、实到有表决权人数与该会出席名单中的有表决权党员一致。"),
    _r("CON-DECISION-MEETING", "发展档案中的决定有会议记录", "domain.md §11（记录一致性）", W, check_decision_meeting,
       basis="L",
       description="发展档案中由支委会或支部大会作出的决定（确定积极分子、发展对象、支委会审查、接收、转正、延长预备期），"
                   "在本支部记录会议的期间内，当天应有相应的会议记录。"),
    _r("CON-ROSTER-DOSSIER", "花名册与发展档案一致", "domain.md §11（记录一致性）", W, check_roster_dossier, basis="L",
       description="已审批接收的发展对象在花名册中有党员档案；花名册的入党日期、转正日期与发展档案一致；"
                   "花名册中的正式党员有转正的支部大会记录。"),
    _r("CON-PROBATIONARY-DOSSIER", "预备党员有发展档案", "domain.md §11（记录一致性）", W, check_roster_probationary,
       basis="L", description="花名册中的预备党员应有发展党员档案，以便跟踪其转正（待办中显示其转正期限）。"),
    _r("CON-PERSON-ROSTER", "培养联系人、入党介绍人是本支部当时的正式党员", "细则第九条、第十四条；domain.md §11", B,
       check_person_roster,
       description="档案中的培养联系人、入党介绍人按姓名对照花名册：记为正式党员而花名册当时为预备党员的为严重；"
                   "在本支部记录期间指定、却不在花名册中且未标记为外支部党员的为提醒。"),
    _r("CON-CHAIR-PRESENT", "主持人、记录人出席本次会议", "domain.md §11（记录一致性）", W, check_chair_present,
       basis="L", description="会议的主持人、记录人不应在本会出席名单中记为缺席或请假。"),
    _r("CON-DUES-TRANSFER", "转出后不再在本支部交纳党费", "党费规定；domain.md §11", W, check_dues_transfer,
       description="已转出的党员，党费交至日期不应晚于转出当月。"),
)  # fmt: skip

MEM_RULESET = RuleSet(_VERSION, date(2018, 10, 28), MEM_RULES, "党章、支部条例、教育条例（党员管理）")
CON_RULESET = RuleSet(_VERSION, date(2018, 10, 28), CON_RULES, "各类记录相互一致（迎检核对）")
MEM_BOOK = RuleBook([MEM_RULESET])
CON_BOOK = RuleBook([CON_RULESET])

_PLUGGED: list[Rule] = []


def register_member_rule(rule: Rule) -> None:
    """Add a membership rule of another area (MEM-DUES-6M, MEM-STUDY-32H) to every later audit."""
    if all(r.code != rule.code for r in _PLUGGED):
        _PLUGGED.append(rule)


def member_book() -> RuleBook:
    """MEM_BOOK with the rules other areas registered."""
    if not _PLUGGED:
        return MEM_BOOK
    return RuleBook(
        [MEM_RULESET.derive(_VERSION, MEM_RULESET.effective_from, add=_PLUGGED, title=MEM_RULESET.title)]
    )


def audit_branch(records: BranchRecords, ctx: RuleContext, *, members: bool = True,
                 consistency: bool = True) -> list[Finding]:  # fmt: skip
    """MEM-* (``kind`` member) and CON-* (``kind`` consistency) findings as of ``ctx.as_of``."""
    out: list[Finding] = []
    if members:
        out += audit_records(member_book(), records, ctx, KIND_MEMBER)
    if consistency:
        out += audit_records(CON_BOOK, records, ctx, KIND_CONSISTENCY)
    return out
