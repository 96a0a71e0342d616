"""The rule engine: rules as data, rule sets with effective dates, batch audit and live step checks.

* A :class:`Rule` has a code (domain.md), a title, the article it comes from, the version of the
  rule set that defines it, a severity and a ``check(dossier, ctx)`` returning :class:`Violation`s.
  The engine turns violations into :class:`Finding`s (code, severity, Chinese message, person, the
  dates involved, the step, the rule set applied).
* A :class:`RuleSet` is a version with an effective date; a :class:`RuleBook` holds the versions.
  Each finding concerns one step, and the finding is kept only when its rule set is the one in force
  on the date of that step (a step not recorded yet is judged by the set in force on the check date).
  Dates before the earliest set are judged by the earliest set.
* :func:`audit` is the batch check (everything wrong so far, incl. deadlines passed as of
  ``ctx.as_of``); :func:`check_step` the live one (what recording a step would add).

Severity: BLOCKING findings make the record invalid — the live form refuses them and
``branchdesk check`` exits 1. WARNING findings (deadlines missed, local practice, missing records)
let the user proceed with a recorded reason.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from branchdesk.domain.dates import HolidayCalendar, get_default_calendar
from branchdesk.domain.development import DATE_LABELS, Dossier, Step, apply_step
from branchdesk.domain.rules.settings import RuleSettings
from branchdesk.domain.vocab import Labeled

date = dt.date

__all__ = [
    "MEETING_DATE_LABELS",
    "DueItem",
    "DueKind",
    "Finding",
    "Rule",
    "RuleBook",
    "RuleContext",
    "RuleSet",
    "Severity",
    "Violation",
    "allowed",
    "audit",
    "audit_many",
    "audit_records",
    "check_step",
    "run_rules",
]


class Severity(Labeled):
    BLOCKING = "blocking", "严重"
    WARNING = "warning", "提醒"


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Violation:
    """What a rule's check reports; the engine adds the rule's code, severity and set.

    ``severity`` overrides the rule's default (a rule like DEV-APPROVAL-3M warns at 3 months and
    blocks after 6). ``overdue``: a deadline has passed as of the check date with nothing recorded
    (the finding depends on the check date, not only on the records). ``on``: the date that selects
    the rule set (default: the date of ``step``, or the check date if the step is not recorded).

    Meeting rules (``mtg_rules``) have no dossier step: ``step`` is None, and ``period`` (e.g.
    "2026-03", "2026Q1", "2026") / ``meeting_id`` / ``subject`` say what the finding is about.
    """

    step: Step | None
    message: str
    dates: Mapping[str, date] = field(default_factory=dict)
    severity: Severity | None = None
    overdue: bool = False
    on: date | None = None
    period: str = ""
    meeting_id: int | None = None
    subject: str = ""
    member_id: int | None = None
    dossier_id: int | None = None
    note: str = ""  # appended to the message (e.g. a year counted without holiday data)


#: Chinese names of the date keys of meeting findings (dossier keys: ``development.DATE_LABELS``).
MEETING_DATE_LABELS: dict[str, str] = {
    "meeting": "会议日期",
    "period_start": "期间开始",
    "period_end": "期间结束",
    "founded": "支部成立日期",
    "lost_since": "失联日期",
    "status_change": "党籍状态变更日期",
    "term_end": "任期届满日期",
    "last_attended": "最近一次参加组织生活日期",
    "dues_unpaid_since": "党费未交起始月",
}

#: What a finding is about (``Finding.kind``): the four families of rules in ``branchdesk check``.
KIND_DOSSIER, KIND_MEETING, KIND_MEMBER, KIND_CONSISTENCY = "dossier", "meeting", "member", "consistency"
KIND_LABELS = {
    KIND_DOSSIER: "发展党员",
    KIND_MEETING: "会议",
    KIND_MEMBER: "党员管理",
    KIND_CONSISTENCY: "记录一致性",
}


@dataclass(frozen=True)
class Finding:
    """One problem found. ``kind`` says what it is about (dossier, meeting, member, consistency);
    ``person`` is the subject's name (the person of a dossier; 本支部, a party group, a meeting or a
    member for the others). Dossier findings carry ``step``/``dossier_id``; meeting findings (MTG-*)
    have ``step`` None and carry ``period`` and/or ``meeting_id``; member and consistency findings
    (MEM-*, CON-*) carry ``member_id`` and, for a consistency finding, the ids of both records."""

    code: str
    severity: Severity
    message_zh: str
    person: str
    dates: Mapping[str, date]
    step: Step | None
    ruleset: str
    article: str = ""
    title: str = ""
    overdue: bool = False
    dossier_id: int | None = None
    period: str = ""
    meeting_id: int | None = None
    kind: str = KIND_DOSSIER
    member_id: int | None = None

    @property
    def subject(self) -> str:
        return self.person

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    @property
    def key(self) -> tuple:
        """Identity of a finding for comparing two audits of (almost) the same dossier."""
        return (self.code, self.step, self.severity, self.message_zh, tuple(sorted(self.dates.items())))

    def dates_zh(self) -> str:
        from branchdesk.domain.dates import format_date

        labels = DATE_LABELS if self.step is not None else {**DATE_LABELS, **MEETING_DATE_LABELS}
        return "，".join(f"{labels.get(k, k)}：{format_date(v)}" for k, v in self.dates.items())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for ``branchdesk check --json`` (one list for every kind)."""
        out = {
            "code": self.code,
            "severity": self.severity.value,
            "severity_zh": self.severity.label,
            "kind": self.kind,
            "kind_zh": KIND_LABELS.get(self.kind, self.kind),
            "subject": self.person,
            "person": self.person,
            "dossier_id": self.dossier_id,
            "step": self.step.value if self.step is not None else None,
            "step_zh": self.step.title if self.step is not None else "",
            "message": self.message_zh,
            "dates": {k: v.isoformat() for k, v in self.dates.items()},
            "ruleset": self.ruleset,
            "article": self.article,
            "overdue": self.overdue,
            "period": self.period,
            "meeting_id": self.meeting_id,
            "member_id": self.member_id,
        }
        return out


def allowed(findings: Iterable[Finding]) -> bool:
    """True when none of the findings is blocking (a live step may then be recorded)."""
    return not any(f.blocking for f in findings)


# --------------------------------------------------------------------------- rules and sets

#: A rule's check: the subject (a ``Dossier``, a ``MeetingAudit``, a ``BranchRecords`` …) and the context.
Check = Callable[[Any, "RuleContext"], Iterable[Violation]]


@dataclass(frozen=True, eq=False)
class Rule:
    code: str
    title: str
    article: str
    ruleset: str
    severity: Severity
    check: Check
    steps: tuple[Step, ...] = ()
    basis: str = "N"  # "N" national, "N?" national (article unconfirmed), "L" local practice
    description: str = ""
    settings: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class RuleSet:
    version: str
    effective_from: date
    rules: tuple[Rule, ...]
    title: str = ""
    _ids: frozenset[int] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_ids", frozenset(id(r) for r in self.rules))

    def applies(self, rule: Rule) -> bool:
        """This very rule (not another version of its code) is part of the set."""
        return id(rule) in self._ids

    def rule(self, code: str) -> Rule:
        for r in self.rules:
            if r.code == code:
                return r
        raise KeyError(code)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.code for r in self.rules))

    def derive(
        self,
        version: str,
        effective_from: date,
        *,
        replace_rules: Sequence[Rule] = (),
        remove: Iterable[str] = (),
        add: Sequence[Rule] = (),
        title: str = "",
    ) -> RuleSet:
        """A new version: this set's rules with some replaced (same code), removed or added.

        Rules taken over unchanged keep their original ``ruleset`` version.
        """
        replacing = {r.code: r for r in replace_rules}
        unknown = set(replacing) - set(self.codes)
        if unknown:
            raise KeyError(f"cannot replace unknown rules: {sorted(unknown)}")
        dropped = set(remove)
        rules = [replacing.get(r.code, r) for r in self.rules if r.code not in dropped]
        return RuleSet(version, effective_from, (*rules, *add), title)


class RuleBook:
    """Rule sets ordered by effective date; ``in_force(d)`` picks the set for a date."""

    def __init__(self, sets: Iterable[RuleSet]) -> None:
        self.sets: tuple[RuleSet, ...] = tuple(sorted(sets, key=lambda s: s.effective_from))
        if not self.sets:
            raise ValueError("a rule book needs at least one rule set")
        versions = [s.version for s in self.sets]
        if len(set(versions)) != len(versions):
            raise ValueError(f"duplicate rule-set versions: {versions}")
        self._starts = [s.effective_from for s in self.sets]
        self._rules_of: dict[tuple[int, ...], tuple[Rule, ...]] = {}

    def in_force(self, on: date) -> RuleSet:
        """The latest set effective on or before ``on`` (the earliest set for older dates)."""
        i = bisect.bisect_right(self._starts, on) - 1
        return self.sets[max(i, 0)]

    def rules_of(self, sets: Sequence[RuleSet]) -> tuple[Rule, ...]:
        """The distinct rules of ``sets`` (a rule taken over by a later set runs once), memoised: the
        same few combinations come up for thousands of dossiers."""
        key = tuple(id(s) for s in sets)
        rules = self._rules_of.get(key)
        if rules is None:
            rules = self._rules_of[key] = tuple({id(r): r for s in sets for r in s.rules}.values())
        return rules

    def between(self, first: date, last: date) -> list[RuleSet]:
        """The sets in force on some day of ``[first, last]``, oldest first."""
        i = max(bisect.bisect_right(self._starts, first) - 1, 0)
        j = max(bisect.bisect_right(self._starts, last) - 1, 0)
        return list(self.sets[i : j + 1])

    def version(self, version: str) -> RuleSet:
        for s in self.sets:
            if s.version == version:
                return s
        raise KeyError(version)

    def with_set(self, ruleset: RuleSet) -> RuleBook:
        return RuleBook([*(s for s in self.sets if s.version != ruleset.version), ruleset])


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class RuleContext:
    """What a check needs besides the dossier. ``as_of`` is "today" for deadlines.

    ``has_committee``: whether the branch has a committee (None = unknown; some checks only apply
    to one kind of branch). The working-day cache lives as long as the context (one audit run);
    contexts made with :meth:`at` share it.
    """

    as_of: date
    settings: RuleSettings = field(default_factory=RuleSettings)
    calendar: HolidayCalendar | None = None
    book: RuleBook | None = None
    has_committee: bool | None = None
    #: Local settings with effective dates: ``(effective_from, settings)`` ascending. Empty: ``settings``
    #: applies to every date. A step is judged by the settings in force on its date.
    timeline: tuple[tuple[date, RuleSettings], ...] = ()
    _workdays: dict[date, bool] = field(default_factory=dict, repr=False, compare=False)
    _year_tables: dict[int, list[int]] = field(default_factory=dict, repr=False, compare=False)
    _shared: dict[str, _CalendarCache] = field(default_factory=dict, repr=False, compare=False)

    @property
    def rulebook(self) -> RuleBook:
        if self.book is not None:
            return self.book
        from branchdesk.domain.rules.dev_rules import DEFAULT_BOOK

        return DEFAULT_BOOK

    def at(self, as_of: date) -> RuleContext:
        return replace(self, as_of=as_of)

    def settings_on(self, on: date) -> RuleSettings:
        """The local settings in force on ``on`` (``settings`` before the first dated change)."""
        chosen = self.settings
        for since, values in self.timeline:
            if since <= on:
                chosen = values
            else:
                break
        return chosen

    def with_settings(self, settings: RuleSettings) -> RuleContext:
        return replace(self, settings=settings)

    def is_working_day(self, d: date) -> bool:
        cached = self._workdays.get(d)
        if cached is None:
            cached = self._calendar_cache().days.get(d)
            if cached is None:
                cached = (self.calendar or get_default_calendar()).is_working_day(d)
                self._calendar_cache().days[d] = cached
            self._workdays[d] = cached
        return cached

    def _calendar_cache(self) -> _CalendarCache:
        cache = self._shared.get("cache")
        if cache is None:
            cache = self._shared["cache"] = _calendar_cache(self.calendar or get_default_calendar())
        return cache

    def working_days_between(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, both included; 0 when ``end`` < ``start``.

        Same answer as ``HolidayCalendar.working_days_between``, from per-year prefix counts kept
        in the context: a publicity period costs two look-ups once its year has been counted.
        """
        if end < start:
            return 0
        first = self._year_prefix(start.year)
        before_start = first[start.timetuple().tm_yday - 1]
        if start.year == end.year:
            return first[end.timetuple().tm_yday] - before_start
        total = first[-1] - before_start
        for year in range(start.year + 1, end.year):
            total += self._year_prefix(year)[-1]
        return total + self._year_prefix(end.year)[end.timetuple().tm_yday]

    def _year_prefix(self, year: int) -> list[int]:
        """``table[n]`` = working days among the first ``n`` days of ``year`` (``table[0]`` = 0)."""
        table = self._year_tables.get(year)
        if table is None:
            table = self._calendar_cache().years.get(year)
        if table is None:
            table = [0]
            day = date(year, 1, 1)
            one = dt.timedelta(days=1)
            while day.year == year:
                table.append(table[-1] + self.is_working_day(day))
                day += one
            self._calendar_cache().years[year] = table
        self._year_tables[year] = table
        return table

    def fallback_years(self, start: date, end: date) -> list[int]:
        return (self.calendar or get_default_calendar()).fallback_years(start, end)


@dataclass
class _CalendarCache:
    days: dict[date, bool] = field(default_factory=dict)
    years: dict[int, list[int]] = field(default_factory=dict)


_CALENDAR_CACHES: dict[tuple, _CalendarCache] = {}


def _calendar_cache(calendar: HolidayCalendar) -> _CalendarCache:
    """Working-day answers shared by all contexts over the same calendar CONTENT (the GUI
    re-audits after every step); changing the calendar's amendments changes the key."""
    key = (calendar.use_builtin, frozenset(calendar.holidays), frozenset(calendar.workdays))
    cache = _CALENDAR_CACHES.get(key)
    if cache is None:
        if len(_CALENDAR_CACHES) > 8:
            _CALENDAR_CACHES.clear()
        cache = _CALENDAR_CACHES[key] = _CalendarCache()
    return cache


# --------------------------------------------------------------------------- entry points


def run_rules(
    book: RuleBook,
    subject: Any,
    ctx: RuleContext,
    make: Callable[[Rule, Violation, str], Finding],
    *,
    date_of: Callable[[Violation], date],
    dates: Iterable[date] | None = None,
) -> list[Finding]:
    """THE rule loop, for every family of rules (DEV, MTG, MEM, CON).

    Each rule of the sets that can apply runs once over ``subject``; each violation is kept only when
    the set in force on its date (``date_of``) holds that very rule (a rule dropped or replaced by a
    later set is not applied to dates under it, and vice versa), and is named after that set.
    ``dates``: the dates the subject can have violations on (a dossier's); None = every set may
    apply. Local settings with effective dates (``ctx.timeline``) work the same way: the rules run
    once per settings version met on ``dates`` and keep what falls under that version.
    """
    # The sets and settings versions in force anywhere between the earliest and the latest date the
    # subject has (and the check date): two lookups per subject, not one per date.
    if dates is None:
        lo = hi = None
    else:
        span = (*dates, ctx.as_of)
        lo, hi = min(span), max(span)
    versions: list[RuleSettings] = [ctx.settings]
    if ctx.timeline:
        if lo is None:
            versions = list({id(v): v for v in (ctx.settings, *(v for _, v in ctx.timeline))}.values())
        else:
            versions = [ctx.settings_on(lo)]
            versions += [v for since, v in ctx.timeline if lo < since <= hi and v is not versions[-1]]
    if len(book.sets) == 1:
        sets: list[RuleSet] = [book.sets[0]]
    elif lo is None:
        sets = list(book.sets)
    else:
        sets = book.between(lo, hi)
    rules = book.rules_of(sets)
    out: list[Finding] = []
    for settings in versions:
        run_ctx = ctx if settings is ctx.settings else ctx.with_settings(settings)
        for rule in rules:
            for v in rule.check(subject, run_ctx):
                if len(sets) == 1 and len(versions) == 1:
                    out.append(make(rule, v, sets[0].version))
                    continue
                on = date_of(v)
                if len(versions) > 1 and ctx.settings_on(on) is not settings:
                    continue
                ruleset = sets[0] if len(sets) == 1 else book.in_force(on)
                if ruleset.applies(rule):
                    out.append(make(rule, v, ruleset.version))
    return out


def _note(v: Violation) -> str:
    return v.message + v.note if v.note else v.message


def audit(dossier: Dossier, ctx: RuleContext) -> list[Finding]:
    """Everything wrong with the dossier as of ``ctx.as_of``, sorted by step then code."""
    name, dossier_id = dossier.person.name, dossier.id

    def make(rule: Rule, v: Violation, ruleset: str) -> Finding:
        return Finding(
            code=rule.code,
            severity=v.severity or rule.severity,
            message_zh=_note(v),
            person=name,
            dates=dict(v.dates),
            step=v.step,
            ruleset=ruleset,
            article=rule.article,
            title=rule.title,
            overdue=v.overdue,
            dossier_id=dossier_id,
        )

    findings = run_rules(
        ctx.rulebook,
        dossier,
        ctx,
        make,
        date_of=lambda v: v.on or dossier.step_date(v.step) or ctx.as_of,
        dates=dossier.all_dates,
    )
    findings.sort(key=lambda f: (f.step.number, f.code))
    return findings


def audit_records(
    book: RuleBook, subject: Any, ctx: RuleContext, kind: str, *, default_subject: str = "本支部"
) -> list[Finding]:
    """The rules of a book without dossier steps (MTG, MEM, CON) over ``subject``: each violation's
    ``on`` (default the check date) selects the rule set; sorted by date, code and subject."""

    def make(rule: Rule, v: Violation, ruleset: str) -> Finding:
        return Finding(
            code=rule.code,
            severity=v.severity or rule.severity,
            message_zh=_note(v),
            person=v.subject or default_subject,
            dates=dict(v.dates),
            step=None,
            ruleset=ruleset,
            article=rule.article,
            title=rule.title,
            overdue=v.overdue,
            dossier_id=v.dossier_id,
            period=v.period,
            meeting_id=v.meeting_id,
            kind=kind,
            member_id=v.member_id,
        )

    findings = run_rules(book, subject, ctx, make, date_of=lambda v: v.on or ctx.as_of)
    as_of = ctx.as_of
    findings.sort(
        key=lambda f: (f.dates.get("meeting") or f.dates.get("period_end") or as_of, f.code, f.person)
    )
    return findings


def audit_many(dossiers: Iterable[Dossier], ctx: RuleContext) -> list[Finding]:
    """Audit many dossiers with one context (the working-day cache is shared)."""
    out: list[Finding] = []
    for d in dossiers:
        out.extend(audit(d, ctx))
    return out


def check_step(
    dossier: Dossier, step: Step, proposed_values: Mapping[str, Any], ctx: RuleContext
) -> list[Finding]:
    """Would recording ``step`` with ``proposed_values`` (dossier field → value) be allowed today?

    Returns the findings the recording would ADD to the dossier's audit as of ``ctx.as_of``
    (a problem already present before, e.g. in imported history, does not stop an unrelated step),
    plus every blocking deadline that has lapsed as of ``ctx.as_of`` (e.g. an admission not approved
    within 6 months must be redone before anything else is recorded). Any blocking finding means
    the step is refused; warnings let the user proceed with a reason. Findings about ``step``
    come first.
    """
    after = apply_step(dossier, proposed_values)
    before = {f.key for f in audit(dossier, ctx)}
    result = [f for f in audit(after, ctx) if f.key not in before or (f.blocking and f.overdue)]
    result.sort(key=lambda f: (f.step is not step, not f.blocking, f.step.number, f.code))
    return result


# --------------------------------------------------------------------------- due items


class DueKind(Labeled):
    DEADLINE = "deadline", "期限"
    EARLIEST = "earliest", "最早日期"
    REMINDER = "reminder", "提醒"


@dataclass(frozen=True)
class DueItem:
    """One entry of the to-do list / pipeline board: what is due for whom, and when.

    DEADLINE: must be done by ``due`` (``overdue`` once the check date is past it). EARLIEST: may
    be done from ``due`` on (never overdue; ``due_soon`` when it becomes possible within the
    horizon). REMINDER: a soft date from local practice.
    """

    step: Step
    due: date
    text: str
    kind: DueKind
    person: str
    dossier_id: int | None
    code: str | None
    overdue: bool
    due_soon: bool
    days_left: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "step_zh": self.step.title,
            "due": self.due.isoformat(),
            "text": self.text,
            "kind": self.kind.value,
            "person": self.person,
            "dossier_id": self.dossier_id,
            "code": self.code,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "days_left": self.days_left,
        }
