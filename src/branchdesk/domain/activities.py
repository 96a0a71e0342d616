"""The branch's own work (domain.md §12, issue 15): vocabulary, snapshots and the study-hours arithmetic.

Pure Python: no database, no Qt. Hours are exact: integer tenths of an hour in the database, `Decimal`
in the snapshots (``hours_of(tenths)``, ``tenths_of(hours)``).

**One record for a 主题党日 spent on volunteer service.** The meeting record is the meeting (its
attendance, the MTG-PARTYDAY-M calendar); the activity links it (``Activity.meeting_id``) and carries
what a meeting record has no place for (kind, brand project, hours, the non-members, photos, press).
The meeting calendar counts the meeting, the activity ledger lists the activity — once each, the same
event. Study hours count it once (see :func:`study_hours`).

**Study hours (MEM-STUDY-32H)** of a member in a year are the sum of

* the 党课 meetings they attended (present), and the 主题党日 they attended unless the day's linked
  activity is of a kind that is not study (a 主题党日 of volunteer service is service, not study) —
  each for its length (end − start, rounded down to the half hour; 2 hours when the times are not
  recorded);
* their study records (党课, 学习, 培训, 网络课程 entered by hand or imported);
* the activities of a study kind (微党课, 主题教育) they took part in, for their hours — except those
  linked to a meeting already counted above (the same event counts once).

The target is 32 hours a year, 56 for the secretary and the committee members (教育条例 / 培训规划).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from branchdesk.domain.meetings import Attachment  # one class for a record's files (photos here)
from branchdesk.domain.vocab import Labeled

__all__ = [
    "ACTIVITY_KINDS",
    "POST_KINDS",
    "STUDY_ACTIVITY_KINDS",
    "Activity",
    "ActivityKindRef",
    "Assignment",
    "AssignmentKind",
    "Attachment",
    "BrandProject",
    "DutyGrade",
    "DutyReport",
    "Participant",
    "Recognition",
    "StudyRecord",
    "StudySource",
    "hours_of",
    "study_target",
    "tenths_of",
]

#: the standard activity kinds (a branch may add its own)
ACTIVITY_KINDS: tuple[str, ...] = ("志愿服务", "主题教育", "参观学习", "微党课", "竞赛", "其他")
#: activity kinds whose hours count as study and training hours
STUDY_ACTIVITY_KINDS: frozenset[str] = frozenset({"微党课", "主题教育"})
#: the standard post kinds (a branch may add its own)
POST_KINDS: tuple[str, ...] = ("党员示范岗", "党员先锋岗", "党员监督岗", "党员责任区")

STUDY_TARGET = 32
STUDY_TARGET_COMMITTEE = 56
DEFAULT_MEETING_TENTHS = 20  # a meeting without recorded times counts 2 hours


class AssignmentKind(Labeled):
    DORMITORY = "dormitory", "联系宿舍"
    CLASS = "class", "联系班级"
    PEOPLE = "people", "联系群众"
    PAIR = "pair", "结对帮扶"
    POST = "post", "岗位"


class StudySource(Labeled):
    LECTURE = "lecture", "党课"
    STUDY = "study", "学习"
    TRAINING = "training", "培训"
    ONLINE = "online", "网络课程"


StudySource.STUDY.aliases = ("集中学习", "学习会")  # type: ignore[attr-defined]
StudySource.ONLINE.aliases = ("网络培训", "在线学习", "网课")  # type: ignore[attr-defined]


class DutyGrade(Labeled):
    GOOD = "good", "好"
    FAIRLY_GOOD = "fairly_good", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


# ---------------------------------------------------------------------- hours
def hours_of(tenths: int | None) -> Decimal:
    """Integer tenths of an hour → Decimal hours (15 → 1.5)."""
    return (Decimal(tenths or 0) / 10).quantize(Decimal("0.1"))


def tenths_of(hours: Decimal | float | int | str | None) -> int:
    """Hours (a Decimal, a number or the text typed) → integer tenths, rounded half up; ValueError on junk."""
    if hours is None or hours == "":
        return 0
    try:
        value = Decimal(str(hours).strip())
    except ArithmeticError as exc:
        raise ValueError(f"学时“{hours}”不是数字") from exc
    if not value.is_finite() or value < 0:
        raise ValueError(f"学时“{hours}”不能为负数")
    return int((value * 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_hours(value: Decimal | int) -> str:
    """1.5 → "1.5", 2.0 → "2"."""
    d = Decimal(value)
    return f"{d:.0f}" if d == d.to_integral_value() else f"{d.normalize():f}"


def meeting_tenths(start: dt.time | None, end: dt.time | None) -> int:
    """A meeting's length in tenths, rounded down to the half hour; 2 hours when the times are missing."""
    if start is None or end is None:
        return DEFAULT_MEETING_TENTHS
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        return DEFAULT_MEETING_TENTHS
    return (minutes // 30) * 5


def study_target(committee: bool) -> int:
    return STUDY_TARGET_COMMITTEE if committee else STUDY_TARGET


# ---------------------------------------------------------------------- snapshots
@dataclass(frozen=True)
class ActivityKindRef:
    name: str
    custom_id: int | None = None  # the branch's own kind


@dataclass(frozen=True)
class Participant:
    name: str
    hours: Decimal = Decimal(0)
    member_id: int | None = None
    dossier_id: int | None = None  # an activist
    role: str = ""

    @property
    def activist(self) -> bool:
        return self.member_id is None and self.dossier_id is not None


@dataclass(frozen=True)
class Activity:
    """One activity; ``id`` None until saved."""

    date: dt.date
    kind: str
    title: str
    id: int | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    place: str = ""
    organiser: str = ""
    project_id: int | None = None
    project_name: str = ""
    meeting_id: int | None = None
    content: str = ""
    outcome: str = ""
    press: str = ""
    participants: tuple[Participant, ...] = ()
    others_count: int = 0
    others_hours: Decimal = Decimal(0)
    attachments: tuple[Attachment, ...] = ()

    @property
    def roster_hours(self) -> Decimal:
        return sum((p.hours for p in self.participants), Decimal(0))

    @property
    def total_people(self) -> int:
        return len(self.participants) + self.others_count

    @property
    def total_hours(self) -> Decimal:
        return self.roster_hours + self.others_hours

    @property
    def photos(self) -> tuple[Attachment, ...]:
        return tuple(a for a in self.attachments if a.is_photo)

    @property
    def counts_as_study(self) -> bool:
        return self.kind in STUDY_ACTIVITY_KINDS


@dataclass(frozen=True)
class Assignment:
    person: str
    kind: AssignmentKind
    start: dt.date
    id: int | None = None
    member_id: int | None = None
    dossier_id: int | None = None
    post_kind: str = ""
    target: str = ""
    people: str = ""
    place: str = ""
    end: dt.date | None = None
    note: str = ""

    def current_on(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    @property
    def kind_label(self) -> str:
        return self.post_kind if self.kind is AssignmentKind.POST and self.post_kind else self.kind.label


@dataclass(frozen=True)
class Recognition:
    title: str
    level: str = ""
    issuer: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class BrandProject:
    name: str
    id: int | None = None
    slogan: str = ""
    idea: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    note: str = ""
    goals: Mapping[int, str] = field(default_factory=dict)  # year → goals
    recognitions: tuple[Recognition, ...] = ()


@dataclass(frozen=True)
class StudyRecord:
    name: str
    date: dt.date
    hours: Decimal
    source: StudySource
    id: int | None = None
    member_id: int | None = None
    title: str = ""
    meeting_id: int | None = None
    activity_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class DutyReport:
    year: int
    name: str
    id: int | None = None
    member_id: int | None = None
    post: str = ""
    date: dt.date | None = None
    report: str = ""
    ratings: Mapping[DutyGrade, int] = field(default_factory=dict)
    higher_rating: str = ""
    higher_by: str = ""
    note: str = ""

    @property
    def raters(self) -> int:
        return sum(self.ratings.values())


# ---------------------------------------------------------------------- study hours
@dataclass(frozen=True)
class HourLine:
    """One source of a member's study hours."""

    date: dt.date
    source: str  # 党课 / 主题党日 / 学习 / 培训 / 网络课程 / 微党课 / 主题教育
    title: str
    tenths: int

    @property
    def hours(self) -> Decimal:
        return hours_of(self.tenths)


@dataclass(frozen=True)
class MeetingHours:
    """What the hours need of one held meeting: its type, date, length and who was present."""

    meeting_id: int
    type: str  # "lecture" / "party_day"
    date: dt.date
    title: str
    tenths: int
    present: frozenset[int]


@dataclass(frozen=True)
class ActivityHours:
    activity_id: int
    kind: str
    date: dt.date
    title: str
    meeting_id: int | None
    hours: Mapping[int, int]  # member id → tenths


def study_hours(
    meetings: Iterable[MeetingHours],
    records: Iterable[tuple[int, dt.date, int, str, str]],
    activities: Iterable[ActivityHours],
) -> dict[int, list[HourLine]]:
    """member id → the lines of their study hours (see the module's rules), by date. ``records``: (member
    id, date, tenths, source label, title)."""
    out: dict[int, list[HourLine]] = {}
    for member_id, day, source, title, tenths in _hour_entries(meetings, records, activities):
        out.setdefault(member_id, []).append(HourLine(day, source, title, tenths))
    for lines in out.values():
        lines.sort(key=lambda line: line.date)
    return out


def study_totals(
    meetings: Iterable[MeetingHours],
    records: Iterable[tuple[int, dt.date, int, str, str]],
    activities: Iterable[ActivityHours],
) -> dict[int, int]:
    """member id → tenths of an hour: the sum of :func:`study_hours`'s lines (MEM-STUDY-32H reads only
    the totals, the check of every branch builds no line)."""
    out: dict[int, int] = {}
    for member_id, _day, _source, _title, tenths in _hour_entries(meetings, records, activities):
        out[member_id] = out.get(member_id, 0) + tenths
    return out


def _hour_entries(meetings, records, activities):
    """(member id, date, source, title, tenths) of every line that counts, once each."""
    activities = list(activities)
    not_study_days = {
        a.meeting_id for a in activities if a.meeting_id is not None and a.kind not in STUDY_ACTIVITY_KINDS
    }
    counted: set[int] = set()
    for m in meetings:
        if m.type == "party_day" and m.meeting_id in not_study_days:
            continue
        counted.add(m.meeting_id)
        label = "党课" if m.type == "lecture" else "主题党日"
        for member_id in m.present:
            yield member_id, m.date, label, m.title, m.tenths
    for member_id, day, tenths, source, title in records:
        yield member_id, day, source, title, tenths
    for a in activities:
        if a.kind not in STUDY_ACTIVITY_KINDS or (a.meeting_id is not None and a.meeting_id in counted):
            continue
        for member_id, tenths in a.hours.items():
            yield member_id, a.date, a.kind, a.title, tenths


# ---------------------------------------------------------------------- MEM-STUDY-32H
def check_study_hours(records, ctx):
    """MEM-STUDY-32H over ``records.extra["study"]`` (``StudySnapshot``): each member on the roster for the
    whole of a judged year has at least 32 class hours of study and training that year (56 for the
    secretary and committee members, those who held a committee post that year).

    Judged: the last complete year (as of the check date), and the current year from December on (a
    reminder with the hours still missing, ``overdue`` False) — a year only when the branch recorded
    study hours in it (a branch that keeps them elsewhere is not flooded). Members who joined, left or
    were transferred during the year are not judged (their hours are pro rata: the ledger shows them)."""
    from branchdesk.domain.dates import format_date
    from branchdesk.domain.rules.engine import Violation

    snapshot = records.extra.get("study")
    if snapshot is None:
        return
    as_of = records.as_of
    for year, hours in sorted(snapshot.hours.items()):
        if year not in snapshot.kept:
            continue
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        complete = as_of > last
        until = last if complete else as_of
        for m in records.members:
            if not (m.entry.member_on(first) and m.entry.member_on(until)) or m.lost_since is not None:
                continue
            committee = any(
                (s.start is None or s.start <= last) and (s.end is None or s.end > first)
                for s in records.seats
                if s.member_id == m.id
            )
            target = study_target(committee)
            have = hours_of(hours.get(m.id, 0))
            if have >= target:
                continue
            who = "书记、支委" if committee else "党员"
            short = format_hours(Decimal(target) - have)
            if complete:
                message = (
                    f"{m.name}{year}年参加学习培训{format_hours(have)}学时，少于{target}学时（{who}每年不少于"
                    f"{target}学时），差{short}学时。请核实学时记录（党课、学习、培训、网络课程、微党课），"
                    "确有不足的督促其补学。"
                )
            else:
                message = (
                    f"{m.name}{year}年截至{format_date(as_of)}学习培训{format_hours(have)}学时，距全年{target}学时"
                    f"（{who}）还差{short}学时，请在年底前安排补学或补录学时。"
                )
            yield Violation(
                step=None, message=message, subject=m.name, member_id=m.id, period=str(year), overdue=complete
            )


@dataclass(frozen=True)
class StudySnapshot:
    """What MEM-STUDY-32H reads: year → member id → tenths, and the years the branch recorded hours in."""

    hours: Mapping[int, Mapping[int, int]]
    kept: frozenset[int]
