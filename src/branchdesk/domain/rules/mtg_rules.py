"""The MTG-* rules of domain.md §3: meetings held on schedule, quorum, complete minutes.

Same engine as the DEV-* rules: :class:`Rule` objects in a :class:`RuleSet` of a
:class:`RuleBook` (``MTG_BOOK``, a book of its own: the meeting rules come from the 2018 支部条例,
not from the 2014 细则), checks returning :class:`Violation`s, and :class:`Finding`s with a code,
severity and Chinese message. A meeting finding has no dossier step (``step`` is None); it carries
the ``period`` ("2026-03", "2026Q1", "2026") or the ``meeting_id`` it is about, and ``person`` is
the subject (本支部, a party group, or the meeting).

Periods (decided here, see docs/rules.md):

* A period (month, quarter, year) is judged only when it is OVER on the check date
  (``period end < ctx.as_of``): a month without a 主题党日 is a finding from the 1st of the next
  month, never during the month.
* A period is judged only when the branch existed for all of it (founded on or before its first
  day); likewise a party group (``GroupInfo.since``/``until``). A branch founded on 15 March is
  first asked for a 主题党日 in April, a 支部党员大会 in Q2 and an 组织生活会 in the next year.
* ``year=Y`` judges the periods of year Y (and the meetings held in it); without a year, every
  period from the founding (or from the first recorded meeting's year) up to the check date.
* A meeting counts when it is held (not PLANNED) on a day of the period, up to the check date.

Severity: missing meetings and incomplete minutes are WARNING (提醒); a decision taken without a
quorum, or vote counts that cannot be right, is BLOCKING (严重).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter, not_

from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import Meeting, MeetingMode, MeetingType
from branchdesk.domain.rules.engine import (
    KIND_MEETING,
    Finding,
    Rule,
    RuleBook,
    RuleContext,
    RuleSet,
    Severity,
    Violation,
    audit_records,
)
from branchdesk.domain.votes import count_errors, minimum_present, quorum_met

date = dt.date
fd = format_date
B, W = Severity.BLOCKING, Severity.WARNING

__all__ = [
    "FREQUENCY",
    "MTG_BOOK",
    "MTG_RULES",
    "MTG_RULESET",
    "MTG_RULESET_EARLY",
    "GroupInfo",
    "MeetingAudit",
    "MeetingSettings",
    "Period",
    "audit_meetings",
    "held_in",
    "periods",
]

#: How often each type must be held ("M" monthly, "Q" quarterly, "Y" yearly) and its rule code.
FREQUENCY: dict[MeetingType, tuple[str, str]] = {
    MeetingType.GENERAL: ("Q", "MTG-GENERAL-Q"),
    MeetingType.COMMITTEE: ("M", "MTG-COMMITTEE-M"),
    MeetingType.GROUP: ("M", "MTG-GROUP-M"),
    MeetingType.LECTURE: ("Q", "MTG-LECTURE-Q"),
    MeetingType.PARTY_DAY: ("M", "MTG-PARTYDAY-M"),
    MeetingType.ORG_LIFE: ("Y", "MTG-ORGLIFE-Y"),
    MeetingType.APPRAISAL: ("Y", "MTG-APPRAISAL-Y"),
    MeetingType.TALKS: ("Y", "MTG-TALKS-Y"),
}


# ====================================================================== inputs


@dataclass(frozen=True)
class GroupInfo:
    """A party group; it is judged for the periods it existed all through (``[since, until)``)."""

    id: int
    name: str
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingSettings:
    """Local-practice switches of the MTG rules ([L] in domain.md; national rules always apply)."""

    lecture_quarterly: bool = True  # MTG-LECTURE-Q: a 党课 every quarter
    secretary_lecture_yearly: bool = True  # MTG-LECTURE-Q: the secretary gives one a year
    talks_yearly: bool = True  # MTG-TALKS-Y
    appraisal_yearly: bool = True  # MTG-APPRAISAL-Y (national; switch for branches exempted)


@dataclass(frozen=True)
class Period:
    """A calendar period: ``key`` "2026-03" / "2026Q1" / "2026", ``end`` its last day (inclusive)."""

    key: str
    start: date
    end: date
    label: str


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


@functools.lru_cache(maxsize=256)  # frozen periods, asked for by every party group of every branch
def _periods_of_year(freq: str, year: int) -> tuple[Period, ...]:
    if freq == "M":
        return tuple(
            Period(f"{year}-{m:02d}", date(year, m, 1), _month_end(year, m), f"{year}年{m}月")
            for m in range(1, 13)
        )
    if freq == "Q":
        return tuple(
            Period(f"{year}Q{q}", date(year, 3 * q - 2, 1), _month_end(year, 3 * q), f"{year}年第{q}季度")
            for q in range(1, 5)
        )
    if freq == "Y":
        return (Period(str(year), date(year, 1, 1), date(year, 12, 31), f"{year}年"),)
    raise ValueError(freq)


def periods(freq: str, start: date, end: date) -> list[Period]:
    """The months ("M"), quarters ("Q") or years ("Y") lying wholly within ``[start, end]``."""
    return [
        p
        for y in range(start.year, end.year + 1)
        for p in _periods_of_year(freq, y)
        if start <= p.start and p.end <= end
    ]


_date = attrgetter("date")


def held_in(
    meetings: Iterable[Meeting], type_: MeetingType, start: date, end: date, group_id: int | None = None
) -> list[Meeting]:
    """Meetings of ``type_`` held (not planned) from ``start`` to ``end`` (inclusive); for
    党小组会 with ``group_id``, only that group's."""
    return [
        m
        for m in meetings
        if m.type == type_
        and not m.planned
        and start <= m.date <= end
        and (group_id is None or m.group_id == group_id)
    ]


@dataclass(frozen=True)
class MeetingAudit:
    """What every MTG check sees: the held meetings of the window and the branch's shape.

    ``first_day``: the first day a period may start on (founding date, start of the year asked
    for); ``last_day``: the last day a judged period may end on (the day before ``as_of``, or the
    end of the year asked for). ``meetings``: held meetings dated in ``[window_start, last_day]``
    where the per-meeting rules apply.
    """

    meetings: tuple[Meeting, ...]
    window_start: date
    first_day: date
    last_day: date
    as_of: date
    founded: date | None
    groups: tuple[GroupInfo, ...]
    has_committee: bool | None
    secretaries: tuple[str, ...]
    settings: MeetingSettings = field(default_factory=MeetingSettings)
    seats: tuple | None = None  # branch_rules.Seat: whether the branch has a committee, month by month
    roster: tuple = ()  # meetings.RosterEntry: who must talk with whom (MTG-TALKS-Y coverage)
    _index: dict = field(default_factory=dict, repr=False, compare=False)

    def held(self, type_: MeetingType, start: date, end: date, group_id: int | None = None) -> list[Meeting]:
        """Like :func:`held_in` over ``meetings``, from an index by (type, group) and date."""
        key = (str(type_), group_id)
        entry = self._index.get(key)
        if entry is None:
            by_type = self._index.get("by type")
            if by_type is None:  # one pass over the records for every (type, group) asked for
                by_type = self._index["by type"] = {}
                by_group = self._index["by group"] = {}
                for m in self.meetings:
                    if not m.planned:
                        by_type.setdefault(str(m.type), []).append(m)
                        by_group.setdefault((str(m.type), m.group_id), []).append(m)
            found = by_type.get(key[0], ()) if group_id is None else self._index["by group"].get(key, ())
            chosen = sorted(found, key=_date)
            # the same as held_in(self.meetings, type_, date.min, date.max, group_id), by date
            entry = self._index[key] = ([m.date for m in chosen], chosen)
        days, chosen = entry
        return chosen[bisect.bisect_left(days, start) : bisect.bisect_right(days, end)]

    def closed(self, freq: str, since: date | None = None, until: date | None = None) -> list[Period]:
        """Periods to judge: over by ``as_of``, within the window, while the branch (and the
        group, ``[since, until)``) existed all through."""
        first = max(self.first_day, since) if since else self.first_day
        last = min(self.last_day, until - dt.timedelta(days=1)) if until else self.last_day
        if last < first:
            return []
        return periods(freq, first, last)


# ====================================================================== checks


def _v(message: str, *, period: Period | None = None, meeting: Meeting | None = None, subject: str = "",
       severity: Severity | None = None, **dates: date) -> Violation:  # fmt: skip
    if period is not None:
        dates = {"period_start": period.start, "period_end": period.end, **dates}
        on = period.start  # a period is judged by the rules in force when it began
    else:
        assert meeting is not None
        dates = {"meeting": meeting.date, **dates}
        on = meeting.date
    return Violation(
        step=None,
        message=message,
        dates=dates,
        severity=severity,
        overdue=period is not None,
        on=on,
        period=period.key if period is not None else meeting.date.isoformat() if meeting else "",
        meeting_id=meeting.id if meeting is not None else None,
        subject=subject or ("本支部" if meeting is None else f"{fd(meeting.date)}{meeting.title}"),
    )


_WHAT_TO_DO = {
    MeetingType.GENERAL: "支部党员大会每季度至少召开一次。请补录已召开的会议记录；确未召开的，应在本季度内召开并记录。",
    MeetingType.COMMITTEE: "支部委员会会议一般每月召开一次。请补录会议记录，或说明未召开的原因。",
    MeetingType.GROUP: "党小组会一般每月召开一次，由党小组组长主持。请补录会议记录，或督促党小组按期召开。",
    MeetingType.LECTURE: "党课按本单位规定每季度至少一次。请补录党课记录（注明授课人），或安排党课。",
    MeetingType.PARTY_DAY: "主题党日每月相对固定一天开展。请补录主题党日记录，或说明未开展的原因。",
    MeetingType.ORG_LIFE: "组织生活会每年至少召开一次（一般在第四季度），会前开展谈心谈话，会后列出整改清单。"
    "请补录会议记录。",
    MeetingType.APPRAISAL: "民主评议党员每年开展一次（个人自评、党员互评、民主测评，评定等次）。请补录评议记录和评定等次。",
    MeetingType.TALKS: "支部委员之间、支部委员和党员之间每年至少开展一次谈心谈话。请补录谈话记录（谈话双方和日期）。",
}


def _frequency(type_: MeetingType):
    freq, _code = FREQUENCY[type_]
    what_to_do = _WHAT_TO_DO[type_]
    verb = "开展" if type_ in (MeetingType.PARTY_DAY, MeetingType.APPRAISAL) else "召开"

    def check(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
        for p in a.closed(freq):
            if not a.held(type_, p.start, p.end):
                yield _v(f"{p.label}本支部未{verb}{type_.label}（没有记录）。{what_to_do}", period=p)

    return check


def check_committee(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    if a.seats is not None:  # judged month by month: a committee only while the branch had one
        from branchdesk.domain.rules.branch_rules import has_committee

        what_to_do = _WHAT_TO_DO[MeetingType.COMMITTEE]
        for p in a.closed("M"):
            if has_committee(a.seats, p.start) and not a.held(MeetingType.COMMITTEE, p.start, p.end):
                yield _v(
                    f"{p.label}本支部未召开{MeetingType.COMMITTEE.label}（没有记录）。{what_to_do}", period=p
                )
        return
    if not a.has_committee:  # no committee (or unknown): the general meeting does its work
        return
    yield from _frequency(MeetingType.COMMITTEE)(a, ctx)


def check_groups(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    for g in a.groups:
        for p in a.closed("M", g.since, g.until):
            if not a.held(MeetingType.GROUP, p.start, p.end, g.id):
                yield _v(
                    f"{p.label}{g.name}未召开党小组会（没有会议记录）。{_WHAT_TO_DO[MeetingType.GROUP]}",
                    period=p,
                    subject=g.name,
                )


def check_lecture(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    if a.settings.lecture_quarterly:
        yield from _frequency(MeetingType.LECTURE)(a, ctx)
    if not (a.settings.secretary_lecture_yearly and a.secretaries):
        return
    names = {s.strip() for s in a.secretaries if s.strip()}
    for p in a.closed("Y"):
        lectures = a.held(MeetingType.LECTURE, p.start, p.end)
        if lectures and not any(m.lecturer.strip() in names for m in lectures):
            who = "、".join(sorted(names))
            yield _v(
                f"{p.label}支部书记（{who}）没有讲党课：全年{len(lectures)}次党课的授课人都不是书记。"
                "支部书记每年至少讲一次党课，请补录或安排。",
                period=p,
            )


def check_talks(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    """Each closed year: every pair of committee members talked, and every member talked with at least
    one committee member (支部条例: 谈心谈话 between committee members and between committee members and
    members at least once a year). Without the roster or the committee: at least one talk record."""
    if not a.settings.talks_yearly:
        return
    for p in a.closed("Y"):
        held = a.held(MeetingType.TALKS, p.start, p.end)
        pairs = [t for m in a.meetings if not m.planned for t in m.talks if p.start <= t.date <= p.end]
        if not held and not pairs:
            yield _v(f"{p.label}没有谈心谈话记录。{_WHAT_TO_DO[MeetingType.TALKS]}", period=p)
            continue
        if not a.roster or not a.seats:
            continue
        mid = date(p.start.year, 7, 1)
        committee = {
            s.name for s in a.seats if s.name and (s.held_on(p.start) or s.held_on(mid) or s.held_on(p.end))
        }
        if len(committee) < 2:
            continue
        members = {e.name for e in a.roster if e.member_on(p.end) and e.member_on(mid)} - committee
        talked: set[frozenset[str]] = {frozenset((t.first.strip(), t.second.strip())) for t in pairs}
        partners = {n for pair in talked for n in pair}
        missing_pairs = [
            f"{x}与{y}" for i, x in enumerate(sorted(committee)) for y in sorted(committee)[i + 1 :]
            if frozenset((x, y)) not in talked
        ]  # fmt: skip
        reached = {n for pair in talked if pair & committee for n in pair}
        missing_members = sorted(n for n in members if n not in reached and n in members)
        if not missing_pairs and not missing_members:
            continue
        parts = []
        if missing_pairs:
            parts.append(
                f"支部委员之间缺{len(missing_pairs)}对（{'、'.join(missing_pairs[:5])}{'等' if len(missing_pairs) > 5 else ''}）"
            )
        if missing_members:
            parts.append(
                f"{len(missing_members)}名党员没有同任何支部委员谈心谈话（{'、'.join(missing_members[:8])}"
                f"{'等' if len(missing_members) > 8 else ''}）"
            )
        del partners
        yield _v(
            f"{p.label}谈心谈话没有覆盖全部应谈对象：{'；'.join(parts)}。{_WHAT_TO_DO[MeetingType.TALKS]}",
            period=p,
        )


def check_appraisal(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    if a.settings.appraisal_yearly:
        yield from _frequency(MeetingType.APPRAISAL)(a, ctx)


def check_voters(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    """应到 as the texts define it (domain.md §9), on every general meeting's attendance list: a full
    member is left out of the voters only with an exclusion of one of the five kinds carrying its
    approval (or under 留党察看, or while the conversion awaits approval); a probationary member, or one
    whose conversion is not yet approved, is never a voter. Blocking when the meeting voted (its 应到
    decides the result), a warning otherwise."""
    entries = {e.member_id: e for e in a.roster if e.member_id is not None}
    # those whose conversion may await approval on some day (else ``approval_pending`` is False)
    awaiting = {i for i, e in entries.items() if e.votes_from is not None and e.conversion_date is not None}
    for m in a.meetings:
        if m.type != MeetingType.GENERAL or not m.attendance:
            continue
        severity = Severity.BLOCKING if m.votes else Severity.WARNING
        wrong: list[str] = []
        for line in m.attendance:
            probationary = str(line.member_type) == "probationary"
            pending = line.member_id in awaiting and entries[line.member_id].approval_pending(m.date)  # type: ignore[index]
            if line.voter and (probationary or pending):
                why = "预备党员" if probationary else "转正尚未经上级党委批准"
                wrong.append(f"{line.name}（{why}）被计入有表决权的应到人数")
            elif not line.voter and not probationary and not pending:
                e = entries.get(line.member_id)  # type: ignore[arg-type]
                if e is not None and e.under_watch(m.date):
                    continue
                if line.exclusion is None:
                    reason = f"，原因记为“{line.reason.strip()}”" if line.reason.strip() else ""
                    wrong.append(
                        f"正式党员{line.name}未计入有表决权的应到人数{reason}，但没有记录不计入应到的情形和批准"
                    )
                elif problems := line.exclusion.problems(m.date):
                    wrong.append(
                        f"{line.name}不计入应到人数（{line.exclusion.kind.label}）：{'；'.join(problems)}"
                    )
        if wrong:
            yield _v(
                f"{fd(m.date)}{m.title}的应到人数有误：{'；'.join(wrong)}。只有患病不能表达意志、出国（境）六个月以上、"
                "外出六个月以上未转移组织关系、年老体弱卧床不起或长期患病、被剥夺表决权五种情形，经上级党组织同意并经"
                "支部党员大会决定，才可以不计入应到人数；出差、请假是缺席，仍计入应到。请核对出席名单。",
                meeting=m,
                severity=severity,
            )


_present = attrgetter("present")  # a line present (the flag cached on the shared line)


def check_quorum(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    for m in a.meetings:
        if not m.decides:
            continue
        for item in m.votes:
            vote = item.vote
            assert vote is not None
            errors = count_errors(vote)
            if errors:
                yield _v(
                    f"{fd(m.date)}{m.title}表决“{item.title}”的票数有误：{'；'.join(errors)}。请核对表决记录。",
                    meeting=m,
                )
            elif not quorum_met(vote):
                yield _v(
                    f"{fd(m.date)}{m.title}表决“{item.title}”时应到有表决权的党员{vote.expected}人、"
                    f"实到{vote.present}人，未超过半数（至少应到{minimum_present(vote.expected)}人），"
                    "会议不能作出决定。该事项应另行召开会议重新表决。",
                    meeting=m,
                )
        undecided_by_vote = bool(m.decisions.strip()) or any(
            item.decides and item.vote is None for item in m.agenda
        )
        if undecided_by_vote and m.attendance:
            expected, present = m.voters_expected, m.voters_present
            if expected and 2 * present <= expected:
                who = "支部委员" if m.type == MeetingType.COMMITTEE else "有表决权的党员"
                yield _v(
                    f"{fd(m.date)}{m.title}作出决定时应到{who}{expected}人、实到{present}人，"
                    f"未超过半数（至少应到{minimum_present(expected)}人），所作决定无效。"
                    "请在到会人数超过半数的会议上重新讨论决定。",
                    meeting=m,
                )


def check_minutes(a: MeetingAudit, ctx: RuleContext) -> Iterator[Violation]:
    for m in a.meetings:
        missing: list[str] = []
        if m.type == MeetingType.TALKS:
            if not m.talks:
                missing.append("谈话双方和日期")
        else:
            if not m.chair.strip():
                missing.append("主持人")
            if not m.recorder.strip():
                missing.append("记录人")
            if not m.attendance:
                missing.append("出席情况（应到、实到、缺席人员）")
            if m.type == MeetingType.LECTURE and not m.lecturer.strip():
                missing.append("授课人")
            if m.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID) and not m.platform.strip():
                missing.append("线上会议平台")
        away = compress(m.attendance, map(not_, map(_present, m.attendance)))  # not present, chosen in C
        no_reason = [x.name for x in away if not x.reason.strip()]
        if no_reason:
            missing.append(f"{'、'.join(no_reason)}缺席或请假的原因")
        if missing:
            yield _v(
                f"{fd(m.date)}{m.title}会议记录不完整：未填写{'、'.join(missing)}。请补全会议记录。",
                meeting=m,
            )


# ====================================================================== the rule set

_VERSION = "2018"


def _rule(code, title, article, severity, check, basis="N", description="", settings=()):
    return Rule(code=code, title=title, article=article, ruleset=_VERSION, severity=severity, check=check,
                basis=basis, description=description, settings=tuple(settings))  # fmt: skip


MTG_RULES: tuple[Rule, ...] = (
    _rule("MTG-GENERAL-Q", "支部党员大会每季度至少一次", "支部条例第十一条", W, _frequency(MeetingType.GENERAL),
          description="每个已结束的季度至少有一次支部党员大会记录。"),
    _rule("MTG-COMMITTEE-M", "支部委员会会议每月一次", "支部条例第十二条", W, check_committee,
          description="设支部委员会的支部，每个已结束的月份至少有一次支委会记录；不设支委会的支部不检查。"),
    _rule("MTG-GROUP-M", "党小组会每月一次", "支部条例第十三条", W, check_groups,
          description="每个党小组在其存在的每个已结束的月份至少有一次党小组会记录。"),
    _rule("MTG-LECTURE-Q", "党课每季度一次，书记每年至少讲一次",
          "支部条例（“三会一课”：按期上党课，党支部书记每年至少为党员讲1次党课；条款号待核实）；每季度一次为本地规定", W,
          check_lecture, basis="N?", settings=["lecture_quarterly", "secretary_lecture_yearly"],
          description="每个已结束的季度至少一次党课；每个已结束的年度至少一次党课由支部书记讲授（已知书记姓名时）。"),
    _rule("MTG-PARTYDAY-M", "每月开展主题党日", "支部条例第十六条", W, _frequency(MeetingType.PARTY_DAY),
          description="每个已结束的月份至少有一次主题党日记录。"),
    _rule("MTG-ORGLIFE-Y", "每年召开组织生活会", "支部条例第十七条", W, _frequency(MeetingType.ORG_LIFE),
          description="每个已结束的年度至少一次组织生活会记录。"),
    _rule("MTG-APPRAISAL-Y", "每年开展民主评议党员", "教育条例第十八条", W, check_appraisal,
          settings=["appraisal_yearly"], description="每个已结束的年度至少一次民主评议党员记录。"),
    _rule("MTG-TALKS-Y", "每年开展谈心谈话，覆盖支委之间及支委与党员", "支部条例（谈心谈话，条款号待核实）", W,
          check_talks, basis="N?", settings=["talks_yearly"],
          description="每个已结束的年度：支部委员两两之间、每名党员同至少一名支部委员各谈心谈话一次以上"
                      "（谈心谈话记录，或任何会议记录中的谈话双方和日期）；无花名册时至少有一次记录。"),
    _rule("MTG-QUORUM", "作出决定时到会人数超过半数", "支部条例第十一条、第十二条", B, check_quorum,
          description="作出决定的会议：表决事项的实到有表决权人数 > 应到的半数（正好一半不够）、票数合理；"
                      "未经表决的决定按出席名单（支委会按支部委员）计算（表决应到与名单不一致见 CON-VOTE-ROSTER）。"),
    _rule("MTG-VOTERS", "有表决权的应到党员", "支部条例第十一条；domain.md §9（不计入应到的五种情形）", B, check_voters,
          description="支部党员大会出席名单：正式党员不计入有表决权的应到人数，须属五种情形并有上级党组织同意和"
                      "支部党员大会决定（受留党察看、转正待批准除外）；预备党员、转正尚未批准的不计入。"
                      "该会有表决时为严重，否则为提醒。"),
    _rule("MTG-MINUTES", "会议记录完整", "支部条例（会议记录）；domain.md §3", W, check_minutes,
          description="已召开的会议须记录主持人、记录人、出席情况（党课另须授课人，线上会议须平台，缺席/请假须原因）；"
                      "谈心谈话须记录谈话双方和日期。"),
)  # fmt: skip

MTG_RULESET = RuleSet(
    version=_VERSION,
    effective_from=date(2018, 10, 28),
    rules=MTG_RULES,
    title="《中国共产党支部工作条例（试行）》（2018年）",
)

#: Before the 支部条例: the long-standing 三会一课 and the other meetings, without the monthly 主题党日
#: (which the 支部条例 introduced): months before 2018-10-28 are never missing a 主题党日. The earliest
#: set, so it judges every earlier period.
MTG_RULESET_EARLY = MTG_RULESET.derive(
    "pre-2018",
    date(1990, 1, 1),
    remove=["MTG-PARTYDAY-M"],
    title="“三会一课”等长期执行的组织生活制度（支部条例施行前）",
)

#: The meeting rule book (a book of its own, separate from the development rules' DEFAULT_BOOK).
MTG_BOOK = RuleBook([MTG_RULESET_EARLY, MTG_RULESET])


# ====================================================================== entry point


def _group(g: GroupInfo | tuple) -> GroupInfo:
    return g if isinstance(g, GroupInfo) else GroupInfo(*g)


def audit_meetings(
    meetings: Iterable[Meeting],
    ctx: RuleContext,
    *,
    branch_founded: date | None = None,
    groups: Iterable[GroupInfo | tuple[int, str]] = (),
    has_committee: bool | None = None,
    year: int | None = None,
    secretary: str | Sequence[str] = "",
    settings: MeetingSettings | None = None,
    book: RuleBook | None = None,
    seats: Sequence | None = None,
    roster: Sequence = (),
) -> list[Finding]:
    """Every MTG-* finding as of ``ctx.as_of``, sorted by date then code.

    ``groups``: :class:`GroupInfo` or ``(id, name)`` pairs. ``has_committee`` (default
    ``ctx.has_committee``; None = unknown → MTG-COMMITTEE-M is not checked). ``year``: judge only
    that year (else from the founding, or the first meeting's year, up to ``ctx.as_of``).
    ``secretary``: the secretary's name(s) for the yearly secretary lecture (empty = not checked).
    ``book``: default :data:`MTG_BOOK` (``ctx.book`` is the development rules' book).
    """
    as_of = ctx.as_of
    all_meetings = tuple(meetings)
    held = [m for m in all_meetings if not m.planned and m.date <= as_of]
    if year is not None:
        window_start, window_end = date(year, 1, 1), date(year, 12, 31)
    elif branch_founded is not None:
        window_start, window_end = branch_founded, date.max
    else:
        window_start = date(min((m.date.year for m in held), default=as_of.year), 1, 1)
        window_end = date.max
    first_day = max(window_start, branch_founded) if branch_founded else window_start
    last_day = min(window_end, as_of - dt.timedelta(days=1))
    in_window = tuple(m for m in held if window_start <= m.date <= window_end)
    secretaries = (secretary,) if isinstance(secretary, str) else tuple(secretary)
    if has_committee is None:
        has_committee = ctx.has_committee
    scope = MeetingAudit(
        meetings=in_window,
        window_start=window_start,
        first_day=first_day,
        last_day=last_day,
        as_of=as_of,
        founded=branch_founded,
        groups=tuple(_group(g) for g in groups),
        has_committee=has_committee,
        secretaries=tuple(s for s in secretaries if s and s.strip()),
        settings=settings or MeetingSettings(),
        seats=tuple(seats) if seats is not None else None,
        roster=tuple(roster),
    )
    return audit_records(book or MTG_BOOK, scope, ctx, KIND_MEETING)
