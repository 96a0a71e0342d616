"""Meetings (三会一课 and the rest, domain.md §3, issue 4): vocabulary, snapshots, attendance.

Pure domain: no database, no Qt. The store builds these snapshots from rows; the MTG-* rules
(``domain.rules.mtg_rules``) and the year-end figures (:func:`annual_statistics`) read them.

Conventions:

* Every :class:`Span` is half-open, ``[start, end)``: ``start`` is the first day it applies
  (admission, transfer in, start of a term or of 留党察看), ``end`` the first day it no longer
  applies (transfer out, death, end of a term, the day the watch is lifted). ``None`` = open.
  So a member transferred in on 15 May is expected at a meeting on 15 May, and one transferred
  out on 15 May is not.
* Who votes (domain.md §1, §7): full members only. Probationary members and members under
  留党察看 attend but are not voters; a full member left out of 应到 by an approved decision
  (``domain.votes.EXCLUSION_REASONS``) is listed without a vote. At a committee meeting the
  committee members are the voters.
* Custom meeting types (党政联席会议, 专题议党会议, ...) are :attr:`MeetingType.CUSTOM` with a
  ``custom_type_name``; :func:`parse_type` also accepts a plain name and returns it as a string.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import compress
from operator import attrgetter

from branchdesk.domain.cached import cached_property
from branchdesk.domain.vocab import CommitteePost, Labeled, MemberType
from branchdesk.domain.votes import Electorate, Exclusion, Vote, VoterSnapshot, tally

date = dt.date

__all__ = [
    "STANDARD_AGENDA",
    "Agenda",
    "Amendment",
    "AppraisalGrade",
    "Attachment",
    "AttendanceStatus",
    "Attendee",
    "Audience",
    "CellState",
    "CustomType",
    "Expected",
    "Grade",
    "Meeting",
    "MeetingMode",
    "MeetingSealedError",
    "MeetingStatus",
    "MeetingType",
    "Observer",
    "PostTerm",
    "Remediation",
    "RosterEntry",
    "Span",
    "TalkPair",
    "VoteKind",
    "YearStats",
    "amend",
    "annual_statistics",
    "default_audience",
    "expected_attendance",
    "grade_counts",
    "group_meeting_title",
    "parse_type",
    "recurring_dates",
    "seal",
    "standard_agenda",
    "type_label",
]


# ====================================================================== vocabulary


class MeetingType(Labeled):
    GENERAL = "general", "支部党员大会"
    COMMITTEE = "committee", "支部委员会"
    GROUP = "group", "党小组会"
    LECTURE = "lecture", "党课"
    PARTY_DAY = "party_day", "主题党日"
    ORG_LIFE = "org_life", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    TALKS = "talks", "谈心谈话"
    CUSTOM = "custom", "其他会议"


MeetingType.GENERAL.aliases = ("党员大会", "支部大会")  # type: ignore[attr-defined]
MeetingType.COMMITTEE.aliases = ("支委会", "支部委员会会议")  # type: ignore[attr-defined]
MeetingType.GROUP.aliases = ("党小组会议",)  # type: ignore[attr-defined]


class Audience(Labeled):
    BRANCH = "branch", "全体党员"
    COMMITTEE = "committee", "支部委员"
    GROUP = "group", "党小组"


class AttendanceStatus(Labeled):
    PRESENT = "present", "出席"
    ABSENT = "absent", "缺席"
    LEAVE = "leave", "请假"


class MeetingMode(Labeled):
    OFFLINE = "offline", "线下"
    ONLINE = "online", "线上"
    HYBRID = "hybrid", "线上线下"


class MeetingStatus(Labeled):
    PLANNED = "planned", "计划"
    DRAFT = "draft", "草稿"
    SEALED = "sealed", "已定稿"


class CellState(Labeled):
    """A month of the year grid for one meeting type (the calendar of the meetings page)."""

    HELD = "held", "已召开"
    MISSING = "missing", "缺"
    PLANNED = "planned", "已安排"
    NOT_DUE = "not_due", "未到期"
    NONE = "none", ""


class AppraisalGrade(Labeled):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class VoteKind(Labeled):
    ADMISSION = "admission", "接收预备党员"
    CONVERSION = "conversion", "预备党员转正"
    EXTENSION = "extension", "延长预备期"
    CANCELLATION = "cancellation", "取消预备党员资格"
    OTHER = "other", "其他表决事项"


def parse_type(text: str) -> MeetingType | str:
    """A meeting type from its code, label or alias; any other non-blank text is a custom type name."""
    try:
        return MeetingType.from_label(text)
    except ValueError:
        name = (text or "").strip()
        if not name:
            raise
        return name


def type_label(type_: MeetingType | str, custom_type_name: str = "") -> str:
    """Chinese name of a meeting type (the custom name for CUSTOM or a plain-string type)."""
    if isinstance(type_, MeetingType):
        if type_ is MeetingType.CUSTOM:
            return custom_type_name.strip() or type_.label
        return type_.label
    try:
        return type_label(MeetingType(type_), custom_type_name)
    except ValueError:
        return str(type_)


def group_meeting_title(group_name: str) -> str:
    """The name of a party group's meeting: 第一党小组 → 第一党小组会, 教工一组 → 教工一组党小组会."""
    name = group_name.strip()
    return f"{name}会" if name.endswith("党小组") else f"{name}{MeetingType.GROUP.label}"


def default_audience(type_: MeetingType | str) -> Audience:
    """支部委员会 → committee, 党小组会 → one group, everything else → the whole branch."""
    if type_ == MeetingType.COMMITTEE:
        return Audience.COMMITTEE
    if type_ == MeetingType.GROUP:
        return Audience.GROUP
    return Audience.BRANCH


#: The agenda a new record of the type starts with (the secretary edits it).
STANDARD_AGENDA: dict[MeetingType, tuple[str, ...]] = {
    MeetingType.GENERAL: ("传达学习上级精神", "通报支部工作", "讨论决定支部重要事项"),
    MeetingType.COMMITTEE: ("研究支部近期工作", "讨论党员发展、教育管理事项"),
    MeetingType.GROUP: ("学习讨论", "党员交流思想和工作情况"),
    MeetingType.LECTURE: ("党课讲授", "交流研讨"),
    MeetingType.PARTY_DAY: ("重温入党誓词", "主题学习", "主题实践活动"),
    MeetingType.ORG_LIFE: (
        "通报征求意见和谈心谈话情况",
        "支委班子对照检查",
        "党员批评和自我批评",
        "形成整改清单",
    ),
    MeetingType.APPRAISAL: ("个人自评", "党员互评", "民主测评", "确定评议等次"),
    MeetingType.TALKS: (),
    MeetingType.CUSTOM: ("通报有关情况", "研究讨论议题", "形成会议决定"),
}


def standard_agenda(type_: MeetingType | str) -> tuple[str, ...]:
    """The standard agenda of a type; a custom type (or a plain custom name) gets the generic one."""
    try:
        return STANDARD_AGENDA[MeetingType(type_)]
    except ValueError:
        return STANDARD_AGENDA[MeetingType.CUSTOM]


@dataclass(frozen=True)
class CustomType:
    """A meeting type the branch adds (党政联席会议, 专题议党会议 …): recorded as CUSTOM with its name."""

    id: int
    name: str
    audience: Audience = Audience.BRANCH
    sort_order: int = 0


def recurring_dates(
    day: int, start: date, until: date, *, every_months: int = 1, working_day: bool = True
) -> list[date]:
    """The dates of a meeting held on a fixed ``day`` of the month (31 = the last day of shorter
    months) every ``every_months`` months, from ``start``'s month, on or after ``start`` and up to
    ``until``. ``working_day``: a date on a weekend or holiday moves to the next working day, or to
    the previous one when the next is in another month."""
    from branchdesk.domain.dates import add_months, is_working_day

    if not 1 <= day <= 31:
        raise ValueError("day of month must be 1..31")
    if every_months < 1:
        raise ValueError("every_months must be at least 1")
    out: list[date] = []
    month = start.replace(day=1)
    while month <= until:
        last = (add_months(month, 1) - dt.timedelta(days=1)).day
        on = month.replace(day=min(day, last))
        if working_day and not is_working_day(on):
            later = on
            while not is_working_day(later) and later.month == on.month:
                later += dt.timedelta(days=1)
            earlier = on
            while not is_working_day(earlier) and earlier.month == on.month:
                earlier -= dt.timedelta(days=1)
            on = later if later.month == on.month else earlier
        if start <= on <= until:
            out.append(on)
        month = add_months(month, every_months)
    return out


# ====================================================================== roster history


@dataclass(frozen=True)
class Span:
    """``[start, end)``; ``None`` = open on that side (see module docstring)."""

    start: date | None = None
    end: date | None = None
    reason: str = ""

    def contains(self, on: date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on < self.end)


@dataclass(frozen=True)
class PostTerm:
    """A committee post held over ``[start, end)``."""

    post: CommitteePost | str
    start: date | None = None
    end: date | None = None

    def contains(self, on: date) -> bool:
        return Span(self.start, self.end).contains(on)


@dataclass(frozen=True, kw_only=True)
class RosterEntry:
    """A member's history as far as meetings are concerned (pure snapshot built by the store).

    ``memberships``: periods in this branch (admission or transfer in → transfer out, death,
    removal); empty = always a member. ``member_type``: the CURRENT type, used only when
    ``conversion_date`` is unknown; with a ``conversion_date`` the member is probationary before
    it and full from it. ``watch``: periods under 留党察看. ``groups``: ``(since, group_id)``
    changes, the latest ``since`` ≤ the date applies (``since`` None = from the start).
    ``posts``: committee posts with terms. ``exclusions``: periods left out of 应到 (with reason).
    """

    member_id: int | None
    name: str
    memberships: tuple[Span, ...] = ()
    member_type: MemberType | str = MemberType.FULL
    conversion_date: date | None = None
    watch: tuple[Span, ...] = ()
    groups: tuple[tuple[date | None, int | None], ...] = ()
    posts: tuple[PostTerm, ...] = ()
    exclusions: tuple[Span, ...] = ()
    #: the higher committee approved the conversion on this day: a probationary member votes from it,
    #: not from the end of probation (``conversion_date``); None = unknown (the conversion date then)
    votes_from: date | None = None

    def member_on(self, on: date) -> bool:
        return not self.memberships or any(s.contains(on) for s in self.memberships)

    def type_on(self, on: date) -> MemberType:
        if self.conversion_date is not None:
            return MemberType.FULL if on >= self.conversion_date else MemberType.PROBATIONARY
        return MemberType(str(self.member_type))

    def under_watch(self, on: date) -> bool:
        return any(s.contains(on) for s in self.watch)

    def group_on(self, on: date) -> int | None:
        current: int | None = None
        best: date | None = None
        for since, gid in self.groups:
            if since is None and best is None:
                current = gid
            elif since is not None and since <= on and (best is None or since >= best):
                current, best = gid, since
        return current

    def posts_on(self, on: date) -> tuple[CommitteePost | str, ...]:
        return tuple(p.post for p in self.posts if p.contains(on))

    def approval_pending(self, on: date) -> bool:
        """Full member by the dates (probation over) but the conversion not yet approved on ``on``."""
        return (
            self.votes_from is not None
            and self.conversion_date is not None
            and self.conversion_date <= on < self.votes_from
        )

    def exclusion_on(self, on: date) -> str:
        for s in self.exclusions:
            if s.contains(on):
                return s.reason or "经批准不计入应到人数"
        return ""


@dataclass(frozen=True)
class Expected:
    """One person expected (应到) at a meeting; ``note`` says why a non-voter has no vote."""

    member_id: int | None
    name: str
    voter: bool
    member_type: MemberType = MemberType.FULL
    note: str = ""

    def attendee(self, status: AttendanceStatus = AttendanceStatus.PRESENT, reason: str = "") -> Attendee:
        """The attendance line of a new record (present by default)."""
        return Attendee(self.member_id, self.name, status, reason, self.voter, self.member_type)


def expected_attendance(
    roster: Iterable[RosterEntry],
    on: date,
    audience: Audience | str = Audience.BRANCH,
    group_id: int | None = None,
) -> list[Expected]:
    """Who is expected at a meeting on ``on`` for the audience, in roster order.

    Only members of the branch ON THAT DATE (a member transferred in later is not expected, one
    transferred out before is not). BRANCH: everyone; COMMITTEE: those holding a committee post
    that day; GROUP: those in party group ``group_id`` that day. Voters: full members not under
    留党察看 and not excluded from 应到 (at a committee meeting every committee member votes).
    """
    audience = Audience(audience)
    if audience is Audience.GROUP and group_id is None:
        raise ValueError("a party-group meeting needs a group_id")
    out: list[Expected] = []
    for m in roster:
        if not m.member_on(on):
            continue
        if audience is Audience.COMMITTEE and not m.posts_on(on):
            continue
        if audience is Audience.GROUP and m.group_on(on) != group_id:
            continue
        kind = m.type_on(on)
        note = ""
        if kind is not MemberType.FULL:
            note = "预备党员没有表决权"
        elif m.approval_pending(on):
            note = "转正尚未经上级党委批准，没有表决权"
        elif m.under_watch(on):
            note = "受留党察看处分期间没有表决权"
        elif excluded := m.exclusion_on(on):
            note = f"经批准不计入应到人数：{excluded}"
        out.append(Expected(m.member_id, m.name, not note, kind, note))
    return out


# ====================================================================== meeting snapshots


@dataclass(frozen=True)
class Attendee:
    member_id: int | None
    name: str
    status: AttendanceStatus = AttendanceStatus.PRESENT
    reason: str = ""  # required for absent / on leave
    voter: bool = True
    member_type: MemberType | str = MemberType.FULL
    #: a full member left out of 应到 (``voter`` False): the kind and its approval (domain.md §9)
    exclusion: Exclusion | None = None

    @cached_property  # frozen, and one line is shared by every record that lists it alike
    def present(self) -> bool:
        return self.status == AttendanceStatus.PRESENT


_present, _voter = attrgetter("present"), attrgetter("voter")  # a line's flags, read in C (Meeting's counts)


@dataclass(frozen=True)
class Observer:
    """Someone attending without being expected (列席), e.g. an activist at a general meeting."""

    name: str
    role: str = ""
    dossier_id: int | None = None


@dataclass(frozen=True)
class Agenda:
    """One agenda item. ``vote`` (with ``vote_kind``) when the item was decided by ballot."""

    title: str
    discussion: str = ""
    decision: str = ""
    vote: Vote | None = None
    vote_kind: VoteKind | str = ""
    dossier_id: int | None = None
    id: int | None = None

    @property
    def decides(self) -> bool:
        return self.vote is not None or bool(self.decision.strip())

    @property
    def passed(self) -> bool | None:
        return None if self.vote is None else tally(self.vote).passed


@dataclass(frozen=True)
class Amendment:
    """A correction appended to a sealed record; the original stays readable."""

    date: date
    reason: str
    text: str
    user: str = ""
    at: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Attachment:
    """A file added to a record (a meeting's sign-in sheet scan, an activity's photos), kept with its
    SHA-256."""

    id: int
    file_name: str
    sha256: str
    size: int
    added_by: str = ""
    added_at: dt.datetime | None = None
    note: str = ""
    is_photo: bool = False  # an activity's photo (shown in its ledger); a meeting's files are not told apart


@dataclass(frozen=True)
class Grade:
    """民主评议党员: one member's grade."""

    member_id: int | None
    name: str
    grade: AppraisalGrade | str  # code or label (优秀/合格/基本合格/不合格)
    note: str = ""
    #: 民主测评: the votes received per grade, in `AppraisalGrade` order (优秀, 合格, 基本合格, 不合格);
    #: None when the record has no count
    votes: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Remediation:
    """组织生活会: a problem found and what is done about it, by whom, by when."""

    problem: str
    measure: str = ""
    owner: str = ""
    due: date | None = None
    done_on: date | None = None
    evidence: str = ""  # 整改证据/佐证材料: what shows the problem was put right


@dataclass(frozen=True)
class TalkPair:
    """谈心谈话: who talked with whom, when."""

    first: str
    second: str
    date: date
    summary: str = ""
    first_member_id: int | None = None
    second_member_id: int | None = None


#: meetings held once a year for the year behind them: the 2025 组织生活会 may be held in January 2026
ANNUAL_TYPES = frozenset({MeetingType.ORG_LIFE, MeetingType.APPRAISAL})
#: an annual record held in these months belongs by default to the year before (the year's work is
#: summed up after it ends, usually before the Spring Festival); from March on, to the year held
LATE_ANNUAL_MONTHS = 2


def default_record_year(type_: MeetingType | str, held: date) -> int:
    """所属年度 a record of `type_` held on `held` gets unless the user says otherwise."""
    if type_ in ANNUAL_TYPES and held.month <= LATE_ANNUAL_MONTHS:
        return held.year - 1
    return held.year


class MeetingSealedError(ValueError):
    """The record is finalised; ``str(error)`` is a Chinese message."""


@dataclass(frozen=True, kw_only=True)
class Meeting:
    id: int | None = None
    type: MeetingType | str
    custom_type_name: str = ""
    custom_type_id: int | None = None
    date: date
    status: MeetingStatus = MeetingStatus.DRAFT
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    mode: MeetingMode = MeetingMode.OFFLINE
    platform: str = ""
    place: str = ""
    chair: str = ""
    recorder: str = ""
    lecturer: str = ""
    theme: str = ""
    audience: Audience = Audience.BRANCH
    group_id: int | None = None
    group_name: str = ""
    attendance: tuple[Attendee, ...] = ()
    observers: tuple[Observer, ...] = ()
    agenda: tuple[Agenda, ...] = ()
    discussion: str = ""  # the meeting's discussion outside agenda items
    decisions: str = ""  # decisions recorded for the meeting as a whole
    sealed_at: dt.datetime | None = None
    sealed_by: str = ""
    amendments: tuple[Amendment, ...] = ()
    grades: tuple[Grade, ...] = ()
    remediation: tuple[Remediation, ...] = ()
    talks: tuple[TalkPair, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    #: 所属年度 of an annual record (组织生活会, 民主评议党员); None: `default_record_year`
    for_year: int | None = None

    @property
    def record_year(self) -> int:
        """The year this record belongs to: its 所属年度, else the default for its type and date."""
        return self.for_year if self.for_year is not None else default_record_year(self.type, self.date)

    @property
    def title(self) -> str:
        if self.type == MeetingType.GROUP and self.group_name:
            return group_meeting_title(self.group_name)
        return type_label(self.type, self.custom_type_name)

    @property
    def sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def expected(self) -> int:
        """应到 (everyone expected)."""
        return len(self.attendance)

    @cached_property  # frozen: counted once (the checks ask for every record)
    def present(self) -> int:
        return sum(map(_present, self.attendance))  # the check counts ~800k lines of fifty branches

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.attendance else None

    @cached_property  # frozen: counted once (the checks ask for every record)
    def voters_expected(self) -> int:
        return sum(map(_voter, self.attendance))

    @cached_property  # frozen: counted once (the checks ask for every record)
    def voters_present(self) -> int:
        lines = self.attendance
        return sum(compress(map(_present, lines), map(_voter, lines)))  # voter and present

    @property
    def decides(self) -> bool:
        """The meeting took a decision (an agenda item with a decision or a vote, or decisions text)."""
        return bool(self.decisions.strip()) or any(a.decides for a in self.agenda)

    @cached_property  # frozen: counted once (the checks ask for every record)
    def votes(self) -> tuple[Agenda, ...]:
        return tuple(a for a in self.agenda if a.vote is not None)

    def electorate(self) -> Electorate:
        """Who votes at this meeting (应到 of a ballot), from its attendance list: the voters, and
        those attending without a vote with the reason."""
        voters, others = [], []
        for a in self.attendance:
            snapshot = VoterSnapshot(a.name, a.member_type, member_id=a.member_id)
            if a.voter:
                voters.append(snapshot)
            elif str(a.member_type) == MemberType.PROBATIONARY.value:
                others.append((snapshot, "预备党员没有表决权"))
            else:
                others.append((snapshot, "没有表决权（受留党察看处分或经批准不计入应到人数）"))
        return Electorate(tuple(voters), tuple(others))


def seal(meeting: Meeting, at: dt.datetime) -> Meeting:
    """Finalise the record (``at`` aware); a sealed record is not sealed again."""
    if meeting.sealed:
        raise MeetingSealedError("会议记录已经定稿")
    if meeting.planned:
        raise MeetingSealedError("会议尚未召开（计划中），不能定稿")
    return replace(meeting, sealed_at=at, status=MeetingStatus.SEALED)


def amend(meeting: Meeting, amendment: Amendment) -> Meeting:
    """Append a correction to a SEALED record (unsealed records are simply edited)."""
    if not meeting.sealed:
        raise MeetingSealedError("会议记录尚未定稿，请直接修改记录")
    if not amendment.reason.strip() or not amendment.text.strip():
        raise MeetingSealedError("更正说明须写明更正原因和更正内容")
    if amendment.date < meeting.date:
        raise MeetingSealedError("更正日期不能早于会议日期")
    return replace(meeting, amendments=(*meeting.amendments, amendment))


def grade_counts(grades: Iterable[Grade]) -> dict[AppraisalGrade, int]:
    """Count per grade, every grade present (0 when nobody got it), in the order 优秀 → 不合格."""
    c = Counter(AppraisalGrade.from_label(str(g.grade)) for g in grades)
    return {g: c.get(g, 0) for g in AppraisalGrade}


# ====================================================================== year-end figures


@dataclass(frozen=True)
class YearStats:
    """The figures of a year-end report. ``by_type`` keys: the MeetingType, or the custom name.

    ``average_attendance``: mean of the attendance rates of the meetings held with an attendance
    list; ``overall_attendance``: all present / all expected over those meetings (weights large
    meetings more). ``talks``: talk pairs dated in the year (from any record).
    ``development_steps``: development step title -> people who took that step in the year (from
    the dossiers given to :func:`annual_statistics`), in step order.
    """

    year: int
    held: int
    by_type: dict[MeetingType | str, int]
    groups: dict[int | None, int]  # group meetings per group id
    average_attendance: float | None
    overall_attendance: float | None
    talks: int
    votes: int
    votes_passed: int
    votes_by_kind: dict[str, int]
    grades: dict[AppraisalGrade, int]
    remediation_items: int
    remediation_done: int
    development_steps: dict[str, int] = field(default_factory=dict)


def annual_statistics(meetings: Sequence[Meeting], year: int, dossiers: Iterable = ()) -> YearStats:
    """Figures for ``year`` over the meetings HELD that year (planned ones are not counted) and,
    with ``dossiers`` (``domain.development.Dossier``), the people per development step that year."""
    held = [m for m in meetings if m.date.year == year and not m.planned]
    by_type: Counter = Counter()
    groups: Counter = Counter()
    for m in held:
        key: MeetingType | str = m.type
        if m.type == MeetingType.CUSTOM or not isinstance(m.type, MeetingType):
            key = type_label(m.type, m.custom_type_name)
        by_type[key] += 1
        if m.type == MeetingType.GROUP:
            groups[m.group_id] += 1
    rates = [r for m in held if (r := m.attendance_rate) is not None]
    expected = sum(m.expected for m in held)
    present = sum(m.present for m in held)
    votes = [a for m in held for a in m.votes]
    kinds = Counter(str(a.vote_kind) or VoteKind.OTHER.value for a in votes)
    talks = sum(1 for m in meetings for t in m.talks if t.date.year == year and not m.planned)
    latest: dict[object, Grade] = {}
    for m in sorted((m for m in held if m.type == MeetingType.APPRAISAL), key=lambda m: m.date):
        for g in m.grades:
            latest[g.member_id if g.member_id is not None else g.name] = g
    remediation = [x for m in held for x in m.remediation]
    steps: Counter = Counter()
    for d in dossiers:
        for step, when in d.steps_done.items():
            if when.year == year:
                steps[step] += 1
    return YearStats(
        year=year,
        held=len(held),
        by_type=dict(by_type),
        groups=dict(groups),
        average_attendance=sum(rates) / len(rates) if rates else None,
        overall_attendance=present / expected if expected else None,
        talks=talks,
        votes=len(votes),
        votes_passed=sum(bool(a.passed) for a in votes),
        votes_by_kind=dict(kinds),
        grades=grade_counts(latest.values()),
        remediation_items=len(remediation),
        remediation_done=sum(x.done_on is not None for x in remediation),
        development_steps={step.title: n for step, n in sorted(steps.items(), key=lambda kv: kv[0].number)},
    )
