"""Meeting minutes (三会一课 and the rest, issue 4): records, attendance, votes, sealing, compliance.

Every mutation is one ``db.write(...)`` unit of work (audited). Results are snapshots
(:class:`MeetingRecord` and small dataclasses), never ORM objects.

* :meth:`MeetingService.plan` starts a record from its type: the expected attendance is the roster
  ON THE MEETING DATE for the audience (whole branch, committee, one party group) — members who
  joined or transferred in later, or left before, are not expected; probationary members and members
  under 留党察看 attend without a vote.
* :meth:`MeetingService.record_vote` records a vote on an agenda item. An admission or conversion vote
  is recorded on the dossier through ``DevelopmentService.record`` (the DEV-VOTE-* rules decide) and
  the dossier's vote row carries the meeting's id: one vote, shown in both places.
* :meth:`MeetingService.finalise` seals a record; afterwards :meth:`save` refuses and corrections are
  appended with :meth:`amend` (date, reason, text, who, when); the original stays as it was.
* :meth:`MeetingService.check` judges the records with the MTG-* rules; :meth:`calendar` and
  :meth:`statistics` give the year grid and the figures of a year-end report.

The vocabulary (meeting types, audiences, attendance statuses) is ``domain.meetings``'s.
NOTE: the snapshots below (:class:`MeetingRecord` …) and the simplified :func:`audit_meetings` used by
:meth:`calendar` still duplicate ``domain.meetings`` / ``domain.rules.mtg_rules``: written in parallel,
to be replaced by the domain's (``check`` already converts with :func:`to_domain`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.engine import Database
from branchdesk.db.models import CommitteeMember, Member, MemberAward, MemberStatusChange, PartyGroup
from branchdesk.db.models_development import DossierVote
from branchdesk.db.models_meetings import (
    AgendaItem,
    AppraisalGrade,
    Meeting,
    MeetingAmendment,
    MeetingAttachment,
    MeetingAttendance,
    MeetingObserver,
    RemediationItem,
    TalkPair,
)
from branchdesk.domain.meetings import (
    AttendanceStatus,
    Audience,
    MeetingStatus,
    MeetingType,
    default_audience,
)
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.rules.mtg_rules import FREQUENCY
from branchdesk.domain.vocab import AwardKind, MemberType
from branchdesk.domain.votes import Vote, tally
from branchdesk.services.branch import current_branch_id

__all__ = [
    "AgendaEntry",
    "Amendment",
    "AnnualStatistics",
    "AttachmentInfo",
    "Attendance",
    "AttendanceStatus",
    "Audience",
    "CalendarCell",
    "ChecksumError",
    "MeetingFinding",
    "MeetingRecord",
    "MeetingSealedError",
    "MeetingService",
    "MeetingSummary",
    "MeetingType",
    "NotFoundError",
    "audit_meetings",
]


# ====================================================================== vocabulary: domain.meetings

#: Vote kinds recorded on a dossier as well (dossier field of the vote, step, date field).
_DOSSIER_VOTES = {
    "admission": ("admission_vote", "admission_meeting_date"),
    "conversion": ("conversion_vote", "conversion_meeting_date"),
}


# ====================================================================== errors and snapshots
class NotFoundError(LookupError):
    pass


class MeetingSealedError(ValidationError):
    """The record is finalised: it is not edited any more, corrections are appended as amendments."""

    def __init__(self, message: str = "会议记录已经定稿，不能再修改；如需更正，请添加更正说明（注明原因）"):
        super().__init__([FieldIssue("", message)])
        self.message = message

    def __str__(self) -> str:
        return self.message


class ChecksumError(ValueError):
    """A stored attachment no longer matches its checksum."""


@dataclass(frozen=True)
class Attendance:
    name: str
    member_id: int | None = None
    member_type: str = MemberType.FULL.value
    status: AttendanceStatus = AttendanceStatus.PRESENT
    reason: str = ""
    voter: bool = True


@dataclass(frozen=True)
class Observer:
    name: str
    role: str = ""
    dossier_id: int | None = None


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    discussion: str = ""
    decision: str = ""
    vote_kind: str = ""  # "" / admission / conversion / extension / other
    vote: Vote | None = None
    dossier_id: int | None = None
    id: int | None = None

    @property
    def passed(self) -> bool | None:
        return None if self.vote is None else tally(self.vote).passed


@dataclass(frozen=True)
class Grade:
    name: str
    grade: str  # 优秀 / 合格 / 基本合格 / 不合格
    member_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Remediation:
    problem: str
    measure: str = ""
    owner: str = ""
    due: dt.date | None = None
    done_on: dt.date | None = None


@dataclass(frozen=True)
class Talk:
    first: str
    second: str
    date: dt.date
    summary: str = ""
    first_member_id: int | None = None
    second_member_id: int | None = None


@dataclass(frozen=True)
class Amendment:
    id: int
    date: dt.date
    reason: str
    text: str
    user: str
    at: dt.datetime


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    file_name: str
    sha256: str
    size: int
    added_by: str
    added_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class MeetingRecord:
    id: int | None = None
    type: MeetingType
    custom_type_name: str = ""
    status: MeetingStatus = MeetingStatus.DRAFT
    date: dt.date
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    mode: str = "offline"  # offline / online / hybrid
    platform: str = ""
    place: str = ""
    chair: str = ""
    recorder: str = ""
    lecturer: str = ""
    theme: str = ""
    audience: Audience = Audience.BRANCH
    group_id: int | None = None
    group_name: str = ""
    discussion: str = ""
    decisions: str = ""
    attendance: tuple[Attendance, ...] = ()
    observers: tuple[Observer, ...] = ()
    agenda: tuple[AgendaEntry, ...] = ()
    grades: tuple[Grade, ...] = ()
    remediation: tuple[Remediation, ...] = ()
    talks: tuple[Talk, ...] = ()
    amendments: tuple[Amendment, ...] = ()
    attachments: tuple[AttachmentInfo, ...] = ()
    sealed_at: dt.datetime | None = None
    sealed_by: str = ""

    @property
    def sealed(self) -> bool:
        return self.sealed_at is not None

    @property
    def title(self) -> str:
        name = self.custom_type_name if self.type is MeetingType.CUSTOM else self.type.label
        if self.type is MeetingType.GROUP and self.group_name:
            name = f"{self.group_name}{name}"
        return name

    @property
    def expected(self) -> int:
        return len(self.attendance)

    @property
    def present(self) -> int:
        return sum(a.status is AttendanceStatus.PRESENT for a in self.attendance)

    @property
    def attendance_rate(self) -> float | None:
        return self.present / self.expected if self.attendance else None

    @property
    def voters_expected(self) -> int:
        return sum(a.voter for a in self.attendance)

    @property
    def voters_present(self) -> int:
        return sum(a.voter and a.status is AttendanceStatus.PRESENT for a in self.attendance)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    type: MeetingType
    title: str
    date: dt.date
    status: MeetingStatus
    theme: str
    group_id: int | None
    expected: int
    present: int


@dataclass(frozen=True)
class MeetingFinding:
    code: str
    blocking: bool
    message_zh: str
    period: str  # "2026-03", "2026Q1", "2026"
    meeting_id: int | None = None

    @property
    def severity_zh(self) -> str:
        return "严重" if self.blocking else "提醒"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": "blocking" if self.blocking else "warning",
            "severity_zh": self.severity_zh,
            "message": self.message_zh,
            "period": self.period,
            "meeting_id": self.meeting_id,
        }


@dataclass(frozen=True)
class CalendarCell:
    month: int
    type: MeetingType
    held: int  # meetings held (recorded, date passed)
    planned: int  # planned or dated in the future
    missing: bool  # the period this month closes has no meeting of the type (per group for groups)
    attendance_rate: float | None
    meeting_ids: tuple[int, ...]


@dataclass(frozen=True)
class AnnualStatistics:
    year: int
    by_type: dict[MeetingType, int]
    average_attendance: float | None
    talks: int
    votes: int
    votes_passed: int
    development_steps: dict[str, int] = field(default_factory=dict)  # step title -> people


# ====================================================================== the service
class MeetingService:
    def __init__(self, db: Database):
        self.db = db

    # ------------------------------------------------------------------ reading
    def list(self, *, year: int | None = None, type: MeetingType | None = None) -> list[MeetingSummary]:
        with self.db.read() as session:
            q = select(Meeting).where(Meeting.branch_id == current_branch_id(session))
            if year is not None:
                q = q.where(Meeting.date >= dt.date(year, 1, 1), Meeting.date <= dt.date(year, 12, 31))
            if type is not None:
                q = q.where(Meeting.type == MeetingType(type).value)
            rows = session.scalars(q.order_by(Meeting.date, Meeting.id)).all()
            counts = _attendance_counts(session, [r.id for r in rows])
            return [
                MeetingSummary(
                    r.id, MeetingType(r.type), _title(r), r.date, MeetingStatus(r.status), r.theme,
                    r.group_id, *counts.get(r.id, (0, 0)),
                )
                for r in rows
            ]  # fmt: skip

    def get(self, meeting_id: int) -> MeetingRecord:
        with self.db.read() as session:
            return _load(session, _row(session, meeting_id))

    def all(self, *, year: int | None = None) -> list[MeetingRecord]:
        with self.db.read() as session:
            q = select(Meeting).where(Meeting.branch_id == current_branch_id(session))
            if year is not None:
                q = q.where(Meeting.date >= dt.date(year, 1, 1), Meeting.date <= dt.date(year, 12, 31))
            return [_load(session, r) for r in session.scalars(q.order_by(Meeting.date, Meeting.id))]

    def expected_attendance(
        self, on: dt.date, audience: Audience = Audience.BRANCH, group_id: int | None = None
    ) -> tuple[Attendance, ...]:
        """Who is expected at a meeting on ``on``: the roster that day for the audience."""
        with self.db.read() as session:
            roster = Roster.read(session, current_branch_id(session))
        return roster.expected(on, Audience(audience), group_id)

    # ------------------------------------------------------------------ writing
    def plan(
        self,
        type: MeetingType,
        date: dt.date,
        *,
        group_id: int | None = None,
        audience: Audience | None = None,
        status: MeetingStatus = MeetingStatus.PLANNED,
        **values: Any,
    ) -> MeetingRecord:
        """A new record of ``type`` on ``date`` with the expected attendance (everyone marked present
        until attendance is taken) and the type's standard agenda."""
        type = MeetingType(type)
        audience = Audience(audience or default_audience(type))
        if audience is Audience.GROUP and group_id is None:
            raise ValidationError([FieldIssue("group_id", "党小组会须选择党小组")])
        group_name = ""
        if group_id is not None:
            with self.db.read() as session:
                group_name = session.scalar(select(PartyGroup.name).where(PartyGroup.id == group_id)) or ""
        record = MeetingRecord(
            type=type, date=date, audience=audience, group_id=group_id, group_name=group_name,
            status=MeetingStatus(status), attendance=self.expected_attendance(date, audience, group_id),
            agenda=tuple(AgendaEntry(t) for t in STANDARD_AGENDA.get(type, ())),
        )  # fmt: skip
        if values:
            record = replace(record, **values)
        return self.save(record)

    def save(self, record: MeetingRecord) -> MeetingRecord:
        """Store a record (insert when ``id`` is None). A sealed record is refused."""
        _validate(record)
        operation = "新建会议记录" if record.id is None else "修改会议记录"
        with self.db.write(f"{operation}：{record.title}") as session:
            if record.id is None:
                row = Meeting(branch_id=current_branch_id(session))
                session.add(row)
            else:
                row = _row(session, record.id)
                if row.sealed_at is not None:
                    raise MeetingSealedError()
            _apply(row, record)
            session.flush()
            _replace_children(session, row.id, record)
            meeting_id = row.id
        return self.get(meeting_id)

    def delete(self, meeting_id: int) -> None:
        with self.db.write("删除会议记录") as session:
            row = _row(session, meeting_id)
            if row.sealed_at is not None:
                raise MeetingSealedError("会议记录已经定稿，不能删除")
            for vote in session.scalars(select(DossierVote).where(DossierVote.meeting_id == meeting_id)):
                vote.meeting_id = None
            for model in _CHILDREN:
                for child in session.scalars(select(model).where(model.meeting_id == meeting_id)):
                    session.delete(child)
            session.flush()
            session.delete(row)

    def record_vote(
        self,
        meeting_id: int,
        item: int | str,
        vote: Vote,
        dossier_id: int | None = None,
        *,
        kind: str | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> MeetingRecord:
        """Record a vote on an agenda item (its index, or a title: a new item is added).

        With ``dossier_id`` (kind "admission" — the default — or "conversion"), the vote is recorded
        on the dossier through ``DevelopmentService.record`` — the DEV-VOTE-* rules decide and may
        refuse (``StepRefused``) or ask for reasons (``NeedsReason``); nothing is written then — and the
        dossier's vote row is linked to this meeting.
        """
        record = self.get(meeting_id)
        if record.sealed:
            raise MeetingSealedError()
        kind = kind or ("admission" if dossier_id is not None else "")
        if dossier_id is not None:
            if kind not in _DOSSIER_VOTES:
                raise ValidationError(
                    [FieldIssue("vote_kind", "只有接收预备党员和预备党员转正的表决记入发展党员档案")]
                )
            from branchdesk.domain.development import Step
            from branchdesk.services.development import DevelopmentService

            vote_field, date_field = _DOSSIER_VOTES[kind]
            step = Step.ADMISSION_VOTE if kind == "admission" else Step.CONVERSION_VOTE
            DevelopmentService(self.db).record(
                dossier_id,
                step,
                {date_field: record.date, vote_field: vote},
                as_of=record.date,
                reasons=reasons,
            )
        with self.db.write(f"记录会议表决：{record.title}") as session:
            row = _row(session, meeting_id)
            items = list(
                session.scalars(
                    select(AgendaItem)
                    .where(AgendaItem.meeting_id == meeting_id)
                    .order_by(AgendaItem.position, AgendaItem.id)
                )
            )
            if isinstance(item, int):
                if not 0 <= item < len(items):
                    raise ValidationError([FieldIssue("agenda", f"没有第{item + 1}项议程")])
                target = items[item]
            else:
                target = AgendaItem(meeting_id=row.id, position=len(items), title=item)
                session.add(target)
            target.vote_kind = kind
            target.dossier_id = dossier_id
            for name in _VOTE_COLUMNS:
                setattr(target, name, getattr(vote, name))
            if dossier_id is not None:
                dv = session.scalar(
                    select(DossierVote).where(
                        DossierVote.dossier_id == dossier_id,
                        DossierVote.kind == kind,
                        DossierVote.ordinal == 0,
                    )
                )
                if dv is not None:
                    dv.meeting_id = row.id
        return self.get(meeting_id)

    def finalise(self, meeting_id: int) -> MeetingRecord:
        """Seal the record (定稿): who and when; afterwards only amendments are appended."""
        with self.db.write("会议记录定稿") as session:
            row = _row(session, meeting_id)
            if row.sealed_at is not None:
                raise MeetingSealedError("会议记录已经定稿")
            record = _load(session, row)
            issues = []
            if not record.chair.strip():
                issues.append(FieldIssue("chair", "定稿前请填写主持人"))
            if not record.recorder.strip():
                issues.append(FieldIssue("recorder", "定稿前请填写记录人"))
            if record.type not in (MeetingType.TALKS,) and not record.attendance:
                issues.append(FieldIssue("attendance", "定稿前请登记出席情况"))
            if issues:
                raise ValidationError(issues)
            from branchdesk.db.types import utcnow

            row.status = MeetingStatus.SEALED.value
            row.sealed_at = utcnow()
            row.sealed_by = self.db.user
        return self.get(meeting_id)

    def amend(self, meeting_id: int, reason: str, text: str, on: dt.date | None = None) -> Amendment:
        """Append a dated correction with its reason to a sealed record."""
        issues = []
        if not (reason or "").strip():
            issues.append(FieldIssue("reason", "请填写更正原因"))
        if not (text or "").strip():
            issues.append(FieldIssue("text", "请填写更正内容"))
        if issues:
            raise ValidationError(issues)
        with self.db.write("会议记录更正") as session:
            row = _row(session, meeting_id)
            if row.sealed_at is None:
                raise ValidationError([FieldIssue("", "会议记录尚未定稿，可直接修改，无需添加更正说明")])
            a = MeetingAmendment(
                meeting_id=row.id, date=on or dt.date.today(), reason=reason.strip(), text=text.strip(),
                user=self.db.user,
            )  # fmt: skip
            session.add(a)
            session.flush()
            return Amendment(a.id, a.date, a.reason, a.text, a.user, a.at)

    def add_attachment(self, meeting_id: int, path: str | Path, note: str = "") -> AttachmentInfo:
        """Store a file (sign-in sheet scan, photo) in the database with its SHA-256 (also allowed on a
        sealed record: attachments add evidence, they change nothing written)."""
        path = Path(path)
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        with self.db.write("添加会议附件") as session:
            _row(session, meeting_id)
            a = MeetingAttachment(
                meeting_id=meeting_id, file_name=path.name[:200], sha256=digest, size=len(content),
                content=content, note=note, added_by=self.db.user,
            )  # fmt: skip
            session.add(a)
            session.flush()
            return AttachmentInfo(a.id, a.file_name, a.sha256, a.size, a.added_by, a.added_at)

    def attachment_content(self, attachment_id: int) -> bytes:
        """The stored bytes, verified against the checksum (:class:`ChecksumError` when they differ)."""
        with self.db.read() as session:
            a = session.get(MeetingAttachment, attachment_id)
            if a is None:
                raise NotFoundError(f"找不到编号为 {attachment_id} 的附件")
            content = bytes(a.content)
            if hashlib.sha256(content).hexdigest() != a.sha256:
                raise ChecksumError(f"附件“{a.file_name}”的内容与保存时的校验值不符，可能已损坏")
            return content

    # ------------------------------------------------------------------ judging
    def check(self, as_of: dt.date | None = None) -> list:
        """MTG-* findings (``domain.rules.audit_meetings``, engine ``Finding`` with ``period`` and
        ``meeting_id``) as of ``as_of`` (default today), judged from the year of the first record; a
        branch without any meeting record gets none (its minutes are not kept here)."""
        from branchdesk.domain.rules import RuleContext
        from branchdesk.domain.rules import audit_meetings as domain_audit

        as_of = as_of or dt.date.today()
        with self.db.read() as session:
            branch_id = current_branch_id(session)
            groups = [
                (g.id, g.name)
                for g in session.scalars(
                    select(PartyGroup)
                    .where(PartyGroup.branch_id == branch_id)
                    .order_by(PartyGroup.sort_order)
                )
            ]
            has_committee = bool(
                session.scalar(
                    select(CommitteeMember.id).where(CommitteeMember.branch_id == branch_id).limit(1)
                )
            )
        meetings = [to_domain(r) for r in self.all()]
        if not meetings:  # the branch does not keep its minutes here (yet): nothing to judge
            return []
        return domain_audit(meetings, RuleContext(as_of=as_of, has_committee=has_committee), groups=groups)

    def calendar(self, year: int, as_of: dt.date | None = None) -> list[CalendarCell]:
        """Month x type grid of ``year``: held / planned / missing and the attendance rate."""
        as_of = as_of or dt.date.today()
        records = self.all(year=year)
        groups = {g for g, _ in self.groups()}
        findings = {
            (f.code, f.period)
            for f in audit_meetings(records, as_of, groups=self.groups(), has_committee=True, years=(year,))
        }
        cells = []
        for type_, (freq, code) in FREQUENCY.items():
            for month in range(1, 13):
                inside = [r for r in records if r.type is type_ and r.date.month == month]
                held = [r for r in inside if r.status is not MeetingStatus.PLANNED and r.date <= as_of]
                planned = [r for r in inside if r not in held]
                rates = [r.attendance_rate for r in held if r.attendance_rate is not None]
                missing = any(
                    c == code and p == _period_closing(freq, year, month) for c, p in findings
                ) or (type_ is MeetingType.GROUP and bool(groups) and any(
                    c == code and p.startswith(f"{year}-{month:02d}/") for c, p in findings
                ))  # fmt: skip
                cells.append(
                    CalendarCell(
                        month,
                        type_,
                        len(held),
                        len(planned),
                        missing,
                        sum(rates) / len(rates) if rates else None,
                        tuple(r.id for r in inside),
                    )
                )
        return cells

    def statistics(self, year: int) -> AnnualStatistics:
        """The figures of a year-end work summary."""
        records = [r for r in self.all(year=year) if r.status is not MeetingStatus.PLANNED]
        by_type = {t: sum(r.type is t for r in records) for t in MeetingType}
        rates = [r.attendance_rate for r in records if r.attendance_rate is not None]
        votes = [a for r in records for a in r.agenda if a.vote is not None]
        steps: dict[str, int] = {}
        from branchdesk.services.development import DevelopmentService

        for d in DevelopmentService(self.db).all():
            for step, when in d.steps_done.items():
                if when.year == year:
                    key = step.title
                    steps[key] = steps.get(key, 0) + 1
        return AnnualStatistics(
            year=year, by_type=by_type, average_attendance=sum(rates) / len(rates) if rates else None,
            talks=sum(len(r.talks) for r in records), votes=len(votes),
            votes_passed=sum(bool(a.passed) for a in votes), development_steps=steps,
        )  # fmt: skip

    def groups(self) -> list[tuple[int, str]]:
        with self.db.read() as session:
            return [
                (g.id, g.name)
                for g in session.scalars(
                    select(PartyGroup)
                    .where(PartyGroup.branch_id == current_branch_id(session))
                    .order_by(PartyGroup.sort_order, PartyGroup.id)
                )
            ]


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
}


# ====================================================================== roster on a date
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

    def entries(self) -> dict[int | None, list]:
        """``domain.meetings.RosterEntry`` snapshots, by current party group (built once)."""
        if self._entries is None:
            self._entries = {}
            for m in self.members:
                self._entries.setdefault(m.group_id, []).append(self._entry(m))
        return self._entries

    def _entry(self, m):
        from branchdesk.domain.meetings import PostTerm, RosterEntry, Span
        from branchdesk.domain.vocab import MemberStatus

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

    def expected(
        self, on: dt.date, audience: Audience, group_id: int | None = None
    ) -> tuple[Attendance, ...]:
        """Who is expected on ``on`` (``domain.meetings.expected_attendance`` over the roster)."""
        from branchdesk.domain.meetings import expected_attendance

        entries = self.entries()
        if audience is Audience.GROUP:
            roster = entries.get(group_id, [])
        else:
            roster = [e for group in entries.values() for e in group]
            roster.sort(key=lambda e: self.order[e.member_id])
        return tuple(
            Attendance(x.name, x.member_id, x.member_type.value, AttendanceStatus.PRESENT, "", x.voter)
            for x in expected_attendance(roster, on, audience.value, group_id)
        )


# ====================================================================== rules (MTG-*)
def _period_closing(freq: str, year: int, month: int) -> str | None:
    if freq == "M":
        return f"{year}-{month:02d}"
    if freq == "Q":
        return f"{year}Q{(month - 1) // 3 + 1}" if month % 3 == 0 else None
    return str(year) if month == 12 else None


def to_domain(r: MeetingRecord):
    """The record as a ``domain.meetings.Meeting`` snapshot (what the MTG rules judge)."""
    from branchdesk.domain import meetings as m

    return m.Meeting(
        id=r.id, type=m.MeetingType(r.type.value), custom_type_name=r.custom_type_name, date=r.date,
        status=m.MeetingStatus(r.status.value), start_time=r.start_time, end_time=r.end_time,
        mode=m.MeetingMode(r.mode), platform=r.platform, place=r.place, chair=r.chair, recorder=r.recorder,
        lecturer=r.lecturer, theme=r.theme, audience=m.Audience(r.audience.value), group_id=r.group_id,
        group_name=r.group_name,
        attendance=tuple(
            m.Attendee(a.member_id, a.name, m.AttendanceStatus(a.status.value), a.reason, a.voter, a.member_type)
            for a in r.attendance
        ),
        observers=tuple(m.Observer(o.name, o.role, o.dossier_id) for o in r.observers),
        agenda=tuple(m.Agenda(a.title, a.discussion, a.decision, a.vote, a.vote_kind, a.dossier_id, a.id) for a in r.agenda),
        discussion=r.discussion, decisions=r.decisions, sealed_at=r.sealed_at, sealed_by=r.sealed_by,
        amendments=tuple(m.Amendment(x.date, x.reason, x.text, x.user, x.at, x.id) for x in r.amendments),
        grades=tuple(m.Grade(g.member_id, g.name, g.grade, g.note) for g in r.grades),
        remediation=tuple(m.Remediation(x.problem, x.measure, x.owner, x.due, x.done_on) for x in r.remediation),
        talks=tuple(m.TalkPair(t.first, t.second, t.date, t.summary, t.first_member_id, t.second_member_id)
                    for t in r.talks),
    )  # fmt: skip


def audit_meetings(
    records: Sequence[MeetingRecord],
    as_of: dt.date,
    *,
    groups: Sequence[tuple[int, str]] = (),
    has_committee: bool = True,
    years: Sequence[int] | None = None,
) -> list[MeetingFinding]:
    """MTG-* findings: meetings missing per month/quarter/year (periods ended by ``as_of`` and not
    before the first record: the branch keeps its minutes here since then), quorum failures of votes, incomplete minutes (no chair, no recorder, no
    attendance). Missing meetings and incomplete minutes are warnings; a vote taken without a quorum
    (MTG-QUORUM) or with impossible counts is blocking."""
    held = [r for r in records if r.status is not MeetingStatus.PLANNED and r.date <= as_of]
    out: list[MeetingFinding] = []
    first_record = min((r.date for r in records), default=as_of)
    if years is None:
        years = range(first_record.year, as_of.year + 1)
    for type_, (freq, code) in FREQUENCY.items():
        if type_ is MeetingType.COMMITTEE and not has_committee:
            continue
        scopes: list[tuple[int | None, str]] = [(None, "")]
        if type_ is MeetingType.GROUP:
            scopes = [(gid, name) for gid, name in groups]
        for year in years:
            periods = []
            if freq == "M":
                periods = [
                    (f"{year}-{m:02d}", dt.date(year, m, 1), _month_end(year, m), f"{year}年{m}月")
                    for m in range(1, 13)
                ]
            elif freq == "Q":
                periods = [
                    (
                        f"{year}Q{q}",
                        dt.date(year, 3 * q - 2, 1),
                        _month_end(year, 3 * q),
                        f"{year}年第{q}季度",
                    )
                    for q in range(1, 5)
                ]
            else:
                periods = [(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")]
            for key, start, end, label in periods:
                if end >= as_of or end < first_record:
                    continue
                for gid, gname in scopes:
                    if any(
                        r.type is type_ and start <= r.date <= end and (gid is None or r.group_id == gid)
                        for r in held
                    ):
                        continue
                    who = gname or "本支部"
                    out.append(MeetingFinding(code, False, f"{label}{who}未召开{type_.label}",
                                              key if gid is None else f"{key}/{gname}"))  # fmt: skip
    for r in held:
        for a in r.agenda:
            if a.vote is None:
                continue
            t = tally(a.vote)
            if t.errors:
                out.append(
                    MeetingFinding(
                        "MTG-QUORUM",
                        True,
                        f"{r.date}{r.title}“{a.title}”表决票数有误：{'；'.join(t.errors)}",
                        r.date.isoformat(),
                        r.id,
                    )
                )
            elif not t.quorum_met:
                out.append(
                    MeetingFinding(
                        "MTG-QUORUM",
                        True,
                        f"{r.date}{r.title}“{a.title}”表决时到会有表决权的党员未超过应到人数的半数",
                        r.date.isoformat(),
                        r.id,
                    )
                )
        missing = [x for x, v in (("主持人", r.chair), ("记录人", r.recorder)) if not v.strip()]
        if r.type is not MeetingType.TALKS and not r.attendance:
            missing.append("出席情况")
        if missing:
            out.append(
                MeetingFinding(
                    "MTG-MINUTES",
                    False,
                    f"{r.date}{r.title}记录不完整：未填写{'、'.join(missing)}",
                    r.date.isoformat(),
                    r.id,
                )
            )
    return out


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


# ====================================================================== rows <-> snapshots
_VOTE_COLUMNS = ("expected", "present", "yes", "no", "abstain", "written_yes", "written_no", "written_abstain",
                 "written_before_meeting")  # fmt: skip
_CHILDREN = (MeetingAttendance, MeetingObserver, AgendaItem, MeetingAmendment, MeetingAttachment, AppraisalGrade,
             RemediationItem, TalkPair)  # fmt: skip
_SCALARS = ("custom_type_name", "date", "start_time", "end_time", "mode", "platform", "place", "chair", "recorder",
            "lecturer", "theme", "group_id", "group_name", "discussion", "decisions")  # fmt: skip


def _row(session: Session, meeting_id: int) -> Meeting:
    row = session.get(Meeting, meeting_id)
    if row is None:
        raise NotFoundError(f"找不到编号为 {meeting_id} 的会议记录")
    return row


def _title(row: Meeting) -> str:
    if row.type == MeetingType.CUSTOM.value:
        return row.custom_type_name or MeetingType.CUSTOM.label
    label = MeetingType(row.type).label
    return f"{row.group_name}{label}" if row.type == MeetingType.GROUP.value and row.group_name else label


def _validate(r: MeetingRecord) -> None:
    issues = []
    if r.type is MeetingType.CUSTOM and not r.custom_type_name.strip():
        issues.append(FieldIssue("custom_type_name", "请填写会议类型名称"))
    if r.start_time and r.end_time and r.end_time < r.start_time:
        issues.append(FieldIssue("end_time", "结束时间早于开始时间"))
    if r.mode in ("online", "hybrid") and not r.platform.strip():
        issues.append(FieldIssue("platform", "线上会议请填写会议平台"))
    for a in r.attendance:
        if a.status is not AttendanceStatus.PRESENT and not a.reason.strip():
            issues.append(FieldIssue("attendance", f"{a.name}{a.status.label}，请填写原因"))
    if issues:
        raise ValidationError(issues)


def _apply(row: Meeting, r: MeetingRecord) -> None:
    values = {k: getattr(r, k) for k in _SCALARS}
    values.update(type=r.type.value, status=MeetingStatus(r.status).value, audience=r.audience.value,
                  chair=r.chair.strip(), recorder=r.recorder.strip())  # fmt: skip
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)


def _child_values(meeting_id: int, r: MeetingRecord) -> dict[Any, list[dict[str, Any]]]:
    return {
        MeetingAttendance: [
            dict(meeting_id=meeting_id, position=i, member_id=a.member_id, name=a.name, member_type=str(a.member_type),
                 status=AttendanceStatus(a.status).value, reason=a.reason, voter=a.voter)
            for i, a in enumerate(r.attendance)
        ],
        MeetingObserver: [
            dict(meeting_id=meeting_id, position=i, name=o.name, role=o.role, dossier_id=o.dossier_id)
            for i, o in enumerate(r.observers)
        ],
        AgendaItem: [_agenda_values(meeting_id, i, a) for i, a in enumerate(r.agenda)],
        AppraisalGrade: [
            dict(meeting_id=meeting_id, member_id=g.member_id, name=g.name, grade=g.grade, note=g.note)
            for g in r.grades
        ],
        RemediationItem: [
            dict(meeting_id=meeting_id, position=i, problem=x.problem, measure=x.measure, owner=x.owner, due=x.due,
                 done_on=x.done_on)
            for i, x in enumerate(r.remediation)
        ],
        TalkPair: [
            dict(meeting_id=meeting_id, position=i, first=t.first, second=t.second, date=t.date, summary=t.summary,
                 first_member_id=t.first_member_id, second_member_id=t.second_member_id)
            for i, t in enumerate(r.talks)
        ],
    }  # fmt: skip


def _agenda_values(meeting_id: int, i: int, a: AgendaEntry) -> dict[str, Any]:
    values = dict(meeting_id=meeting_id, position=i, title=a.title, discussion=a.discussion, decision=a.decision,
                  vote_kind=a.vote_kind, dossier_id=a.dossier_id)  # fmt: skip
    if a.vote is not None:
        values.update({k: getattr(a.vote, k) for k in _VOTE_COLUMNS})
    else:
        values.update(expected=None, present=None, yes=None, no=0, abstain=0, written_yes=0, written_no=0,
                      written_abstain=0, written_before_meeting=True)  # fmt: skip
    return values


def _replace_children(session: Session, meeting_id: int, r: MeetingRecord) -> None:
    for model, rows in _child_values(meeting_id, r).items():
        existing = list(
            session.scalars(select(model).where(model.meeting_id == meeting_id).order_by(model.id))
        )
        old = [{k: getattr(obj, k) for k in values} for obj, values in zip(existing, rows, strict=False)]
        if len(existing) == len(rows) and old == rows:
            continue
        for obj in existing:
            session.delete(obj)
        session.flush()
        session.add_all(model(**values) for values in rows)


def _attendance_counts(session: Session, ids: list[int]) -> dict[int, tuple[int, int]]:
    from sqlalchemy import case, func

    if not ids:
        return {}
    out = {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for mid, expected, present in session.execute(
            select(
                MeetingAttendance.meeting_id,
                func.count(MeetingAttendance.id),
                func.sum(case((MeetingAttendance.status == AttendanceStatus.PRESENT.value, 1), else_=0)),
            )
            .where(MeetingAttendance.meeting_id.in_(part))
            .group_by(MeetingAttendance.meeting_id)
        ):
            out[mid] = (expected, int(present or 0))
    return out


def _load(session: Session, row: Meeting) -> MeetingRecord:
    mid = row.id

    def rows(model, *order):
        return session.scalars(select(model).where(model.meeting_id == mid).order_by(*order, model.id)).all()

    agenda = []
    for a in rows(AgendaItem, AgendaItem.position):
        vote = None
        if a.expected is not None:
            vote = Vote(*(getattr(a, k) for k in _VOTE_COLUMNS[:-1]), bool(a.written_before_meeting))
        agenda.append(AgendaEntry(a.title, a.discussion, a.decision, a.vote_kind, vote, a.dossier_id, a.id))
    attachments = session.execute(
        select(MeetingAttachment.id, MeetingAttachment.file_name, MeetingAttachment.sha256, MeetingAttachment.size,
               MeetingAttachment.added_by, MeetingAttachment.added_at)
        .where(MeetingAttachment.meeting_id == mid).order_by(MeetingAttachment.id)
    ).all()  # fmt: skip
    return MeetingRecord(
        id=mid, type=MeetingType(row.type), custom_type_name=row.custom_type_name, status=MeetingStatus(row.status),
        date=row.date, start_time=row.start_time, end_time=row.end_time, mode=row.mode, platform=row.platform,
        place=row.place, chair=row.chair, recorder=row.recorder, lecturer=row.lecturer, theme=row.theme,
        audience=Audience(row.audience), group_id=row.group_id, group_name=row.group_name,
        discussion=row.discussion, decisions=row.decisions,
        attendance=tuple(
            Attendance(a.name, a.member_id, a.member_type, AttendanceStatus(a.status), a.reason, bool(a.voter))
            for a in rows(MeetingAttendance, MeetingAttendance.position)
        ),
        observers=tuple(Observer(o.name, o.role, o.dossier_id) for o in rows(MeetingObserver, MeetingObserver.position)),
        agenda=tuple(agenda),
        grades=tuple(Grade(g.name, g.grade, g.member_id, g.note) for g in rows(AppraisalGrade)),
        remediation=tuple(Remediation(x.problem, x.measure, x.owner, x.due, x.done_on)
                          for x in rows(RemediationItem, RemediationItem.position)),
        talks=tuple(Talk(t.first, t.second, t.date, t.summary, t.first_member_id, t.second_member_id)
                    for t in rows(TalkPair, TalkPair.position)),
        amendments=tuple(Amendment(x.id, x.date, x.reason, x.text, x.user, x.at)
                         for x in rows(MeetingAmendment, MeetingAmendment.at)),
        attachments=tuple(AttachmentInfo(*a) for a in attachments),
        sealed_at=row.sealed_at, sealed_by=row.sealed_by,
    )  # fmt: skip


# ====================================================================== the ledger (plain layout)
def meetings_ledger(db: Database, year: int):
    """三会一课会议记录台账 of ``year``: one row per meeting (plain layout until the ledger look lands)."""
    from branchdesk.reports.ledger import Column, Ledger
    from branchdesk.services.branch import BranchService

    records = [r for r in MeetingService(db).all(year=year) if r.status is not MeetingStatus.PLANNED]
    columns = [
        Column("date", "日期", "date", 12),
        Column("type", "会议类型", "text", 14),
        Column("theme", "主题", "text", 28, wrap=True),
        Column("place", "地点", "text", 20, wrap=True),
        Column("chair", "主持人", "text", 8),
        Column("recorder", "记录人", "text", 8),
        Column("lecturer", "授课人", "text", 8),
        Column("expected", "应到", "int", 6),
        Column("present", "实到", "int", 6),
        Column("absent", "缺席及原因", "text", 28, wrap=True),
        Column("votes", "表决事项", "text", 30, wrap=True),
        Column("status", "状态", "text", 8),
    ]
    rows = []
    for r in records:
        absent = "；".join(
            f"{a.name}（{a.status.label}：{a.reason}）"
            for a in r.attendance
            if a.status is not AttendanceStatus.PRESENT
        )
        votes = "；".join(
            f"{a.title}：应到{a.vote.expected}，实到{a.vote.present}，赞成{a.vote.yes}，反对{a.vote.no}，弃权{a.vote.abstain}"
            f"（{'通过' if a.passed else '未通过'}）"
            for a in r.agenda
            if a.vote is not None
        )
        rows.append([r.date, r.title, r.theme, r.place, r.chair, r.recorder, r.lecturer, r.expected, r.present,
                     absent, votes, "已定稿" if r.sealed else "草稿"])  # fmt: skip
    return Ledger(
        key="meetings", title="三会一课会议记录台账", branch_name=BranchService(db).profile().name,
        period=f"{year}年", columns=columns, rows=rows, notes=[f"共 {len(rows)} 次会议"],
    )  # fmt: skip
