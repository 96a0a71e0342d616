"""Meeting minutes (三会一课 and the rest, issue 4): records, attendance, votes, sealing, compliance.

Every mutation is one ``db.write(...)`` unit of work (audited). Results are the snapshots of
``domain.meetings`` (:class:`~branchdesk.domain.meetings.Meeting` with its ``Attendee``, ``Observer``,
``Agenda``, ``Grade``, ``Remediation``, ``TalkPair``, ``Amendment``, ``Attachment``), or the small
views below (:class:`MeetingSummary` for lists, :class:`CalendarRow`/:class:`CalendarCell` for the
year grid), never ORM objects.

* :meth:`MeetingService.plan` starts a record from its type: the expected attendance is the roster
  ON THE MEETING DATE for the audience (whole branch, committee, one party group) — members who
  joined or transferred in later, or left before, are not expected; probationary members and members
  under 留党察看 attend without a vote — and the type's standard agenda.
* :meth:`MeetingService.record_vote` records a vote on an agenda item. An admission, conversion,
  extension or cancellation vote is recorded on the dossier through ``DevelopmentService.record_in``
  (the DEV-VOTE-* rules decide) in the SAME unit of work as the agenda item, and the dossier's vote
  row carries the meeting's id: one vote, shown in both places.
* :meth:`MeetingService.finalise` seals a record; afterwards :meth:`save` refuses and corrections are
  appended with :meth:`amend` (date, reason, text, who, when); the original stays as it was.
* :meth:`MeetingService.check` and :meth:`calendar` judge the records with the MTG-* rules of
  ``domain.rules.mtg_rules`` (the same audit); :meth:`statistics` gives ``domain.meetings.YearStats``.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import hashlib
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    BindParameter,
    Integer,
    Select,
    Text,
    any_,
    bindparam,
    case,
    cast,
    func,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from branchdesk.db.models import CommitteeMember, Member, PartyGroup
from branchdesk.db.models_development import DossierVote
from branchdesk.db.models_meetings import (
    WHOLE_LINE,
    AgendaItem,
    AppraisalGrade,
    MeetingAmendment,
    MeetingAttachment,
    MeetingAttendance,
    MeetingObserver,
    MeetingTypeRow,
    RemediationItem,
    TalkPair,
)
from branchdesk.db.models_meetings import Meeting as MeetingRow
from branchdesk.domain import meetings as dm
from branchdesk.domain.development import failed_vote
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.meetings import (
    Agenda,
    Amendment,
    Attachment,
    AttendanceStatus,
    Attendee,
    Audience,
    CellState,
    Grade,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Observer,
    Remediation,
    VoteKind,
    default_audience,
    standard_agenda,
)
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.rules.engine import Finding
from branchdesk.domain.rules.mtg_rules import FREQUENCY, GroupInfo, Period, periods
from branchdesk.domain.vocab import CommitteePost, MemberType
from branchdesk.domain.votes import Vote, exclusion_of, tally
from branchdesk.services.bulk import Interned, fetch_tuples
from branchdesk.services.scope import not_found

if TYPE_CHECKING:
    from branchdesk.services.roster import Roster
    from branchdesk.workspace import Workspace

__all__ = [
    "DOSSIER_VOTE_KINDS",
    "AttendanceStatus",
    "Audience",
    "CalendarCell",
    "CalendarRow",
    "ChecksumError",
    "Meeting",
    "MeetingSealedError",
    "MeetingService",
    "MeetingStatus",
    "MeetingSummary",
    "MeetingType",
    "NotFoundError",
    "VoteKind",
    "failed_consequence",
]


# ====================================================================== errors and views
class MeetingSealedError(ValidationError, dm.MeetingSealedError):
    """The record is finalised: it is not edited any more, corrections are appended as amendments."""

    def __init__(self, message: str = "会议记录已经定稿，不能再修改；如需更正，请添加更正说明（注明原因）"):
        super().__init__([FieldIssue("", message)])
        self.message = message

    def __str__(self) -> str:
        return self.message


class ChecksumError(ValueError):
    """A stored attachment no longer matches its checksum."""


@dataclass(frozen=True)
class MeetingSummary:
    """One line of the year's list of meetings."""

    id: int
    type: MeetingType
    title: str
    date: dt.date
    status: MeetingStatus
    theme: str
    group_id: int | None
    expected: int
    present: int
    custom_type_name: str = ""


@dataclass(frozen=True)
class CalendarCell:
    """One month of one row of the year grid.

    ``state``: held (a meeting held that month), missing (an MTG finding closes here: the month,
    or the quarter/year ending this month, had none), planned, not due (the month, quarter or year
    ending this month is not over yet), or none (nothing asked of this month: an earlier month of
    a quarter or year, a custom type, a period before the records begin …).
    ``findings``: the Chinese messages of the MTG findings of this cell.
    """

    month: int
    type: MeetingType
    group_id: int | None
    state: CellState
    held: int
    planned: int
    attendance_rate: float | None
    meeting_ids: tuple[int, ...]
    findings: tuple[str, ...] = ()
    custom_type_name: str = ""

    @property
    def missing(self) -> bool:
        return self.state is CellState.MISSING


@dataclass(frozen=True)
class CalendarRow:
    """A row of the year grid: a meeting type, one party group's 党小组会, or a custom type."""

    label: str
    type: MeetingType
    group_id: int | None
    custom_type_name: str
    frequency: str  # "M" / "Q" / "Y" / "" (custom types: no schedule)
    code: str  # the MTG rule ("" for custom types)
    cells: tuple[CalendarCell, ...]  # January to December


#: Vote kinds recorded on a development dossier as well.
DOSSIER_VOTE_KINDS = (VoteKind.ADMISSION, VoteKind.CONVERSION, VoteKind.EXTENSION, VoteKind.CANCELLATION)
#: The dossier's vote field of each kind (an extension's is "extensions[n]", an admission's depends on the result).
_VOTE_FIELD = {VoteKind.CONVERSION: "conversion_vote", VoteKind.CANCELLATION: "outcome_vote"}


# ====================================================================== the service
class MeetingService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ------------------------------------------------------------------ reading
    def list(self, *, year: int | None = None, type: MeetingType | None = None) -> list[MeetingSummary]:
        """The meetings (of ``year``, of ``type``) by date, with 应到/实到 counted in SQL."""
        with self.ws.read() as session:
            q = select(MeetingRow).where(MeetingRow.branch_id == self.ws.branch_id)
            if year is not None:
                q = q.where(MeetingRow.date >= dt.date(year, 1, 1), MeetingRow.date <= dt.date(year, 12, 31))
            if type is not None:
                q = q.where(MeetingRow.type == MeetingType(type).value)
            rows = session.scalars(q.order_by(MeetingRow.date, MeetingRow.id)).all()
            counts = _attendance_counts(session, [r.id for r in rows])
            return [
                MeetingSummary(
                    r.id, MeetingType(r.type), _title(r), r.date, MeetingStatus(r.status), r.theme,
                    r.group_id, *counts.get(r.id, (0, 0)), custom_type_name=r.custom_type_name,
                )
                for r in rows
            ]  # fmt: skip

    def get(self, meeting_id: int) -> Meeting:
        with self.ws.read() as session:
            return _load(session, _row(session, meeting_id, self.ws.branch_id))

    def all(self, *, year: int | None = None, types: Iterable[MeetingType] | None = None) -> list[Meeting]:
        """Every record (of ``year``, of ``types``) as ``domain.meetings.Meeting``, by date."""
        with self.ws.read() as session:
            q = select(MeetingRow).where(MeetingRow.branch_id == self.ws.branch_id)
            if year is not None:
                q = q.where(MeetingRow.date >= dt.date(year, 1, 1), MeetingRow.date <= dt.date(year, 12, 31))
            if types is not None:
                q = q.where(MeetingRow.type.in_([t.value for t in types]))
            # driver rows through the session's connection: no ORM or SQLAlchemy result processing
            # (``check`` reads every meeting of the branch)
            rows = _meeting_rows(session.connection(), q.order_by(MeetingRow.date, MeetingRow.id))
            return _load_many(session, rows, of=q.with_only_columns(MeetingRow.id))

    def all_of_branches(self, branch_ids: Sequence[int]) -> dict[int, list[Meeting]]:
        """:meth:`all` of several branches read at once (the check of every branch): branch id → records,
        by date."""
        out: dict[int, list[Meeting]] = {b: [] for b in branch_ids}
        if not branch_ids:
            return out
        with self.ws.read() as session:
            q = select(MeetingRow).where(MeetingRow.branch_id.in_(list(branch_ids)))
            rows = _meeting_rows(session.connection(), q.order_by(MeetingRow.date, MeetingRow.id))
            for row, meeting in zip(rows, _load_many(session, rows, of=q.with_only_columns(MeetingRow.id)),
                                    strict=True):  # fmt: skip
                out[row.branch_id].append(meeting)
        return out

    def groups(self) -> list[tuple[int, str]]:
        """The branch's party groups ``(id, name)`` in their order."""
        with self.ws.read() as session:
            return _groups(session, self.ws.branch_id)

    # ------------------------------------------------------------------ writing
    def plan(
        self,
        type: MeetingType | str,
        date: dt.date,
        *,
        group_id: int | None = None,
        audience: Audience | None = None,
        status: MeetingStatus = MeetingStatus.PLANNED,
        custom_type_name: str = "",
        **values: Any,
    ) -> Meeting:
        """A new record of ``type`` (a ``MeetingType``, or a custom type's name) on ``date`` with the
        expected attendance (everyone marked present until attendance is taken) and the type's
        standard agenda, stored; ``values``: further ``Meeting`` fields (theme, place, chair …)."""
        draft = self.draft(type, date, group_id=group_id, audience=audience, status=status,
                           custom_type_name=custom_type_name)  # fmt: skip
        return self.save(replace(draft, **values) if values else draft)

    def draft(
        self,
        type: MeetingType | str,
        date: dt.date,
        *,
        group_id: int | None = None,
        audience: Audience | None = None,
        status: MeetingStatus = MeetingStatus.PLANNED,
        custom_type_name: str = "",
    ) -> Meeting:
        """What :meth:`plan` would store, NOT stored (``id`` None): the editor starts from it."""
        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            draft = self._draft(session, branch_id, type, date, group_id, audience, status, custom_type_name)
            roster = self.ws.roster.read(session)
        return _with_attendance(draft, roster)

    def _draft(self, session: Session, branch_id: int, type_: MeetingType | str, on: dt.date,
               group_id: int | None, audience: Audience | None, status: MeetingStatus | str,
               custom_type_name: str = "") -> Meeting:  # fmt: skip
        """An unsaved record of the type without attendance (plan and plan_recurring)."""
        kind = dm.parse_type(type_) if isinstance(type_, str) else MeetingType(type_)
        if not isinstance(kind, MeetingType):  # a custom type's name
            kind, custom_type_name = MeetingType.CUSTOM, kind
        custom_audience = None
        if kind is MeetingType.CUSTOM:
            custom_type_name = custom_type_name.strip()
            if not custom_type_name:
                raise ValidationError([FieldIssue("custom_type_name", "请填写会议类型名称")])
            found = session.scalar(
                select(MeetingTypeRow.audience).where(
                    MeetingTypeRow.branch_id == branch_id, MeetingTypeRow.name == custom_type_name
                )
            )
            custom_audience = Audience(found) if found else None
        audience = Audience(audience or custom_audience or default_audience(kind))
        if audience is Audience.GROUP and group_id is None:
            raise ValidationError([FieldIssue("group_id", "党小组会须选择党小组")])
        group_name = ""
        if group_id is not None:
            group_name = session.scalar(select(PartyGroup.name).where(PartyGroup.id == group_id)) or ""
        return Meeting(
            type=kind, custom_type_name=custom_type_name, date=on, audience=audience, group_id=group_id,
            group_name=group_name, status=MeetingStatus(status),
            agenda=tuple(Agenda(t) for t in standard_agenda(kind)),
        )  # fmt: skip

    def plan_recurring(
        self,
        type: MeetingType | str,
        day: int,
        *,
        start: dt.date,
        until: dt.date | None = None,
        every_months: int = 1,
        working_day: bool = True,
        group_id: int | None = None,
        custom_type_name: str = "",
        **values: Any,
    ) -> list[Meeting]:
        """Plan a meeting held on a fixed ``day`` of the month (e.g. the 主题党日 on the 15th) from
        ``start`` to ``until`` (default: the end of ``start``'s year), every ``every_months`` months
        (``domain.meetings.recurring_dates``: weekends and holidays move to a working day). A month
        that already has a meeting of the type (of that group; planned or held) is skipped. Each new
        record has the expected attendance of its day and the standard agenda; all of them are
        written in one unit of work. Returns the new records by date (empty: nothing to plan)."""
        until = until or dt.date(start.year, 12, 31)
        if until < start:
            raise ValidationError([FieldIssue("until", "结束日期不能早于开始日期")])
        if not 1 <= day <= 31:
            raise ValidationError([FieldIssue("day", "每月的日期须在1日至31日之间")])
        if not 1 <= every_months <= 12:
            raise ValidationError([FieldIssue("every_months", "间隔月数须在1至12之间")])
        dates = dm.recurring_dates(day, start, until, every_months=every_months, working_day=working_day)
        with self.ws.write("按月批量安排会议") as session:
            branch_id = self.ws.branch_id
            drafts = [
                self._draft(
                    session, branch_id, type, on, group_id, None, MeetingStatus.PLANNED, custom_type_name
                )
                for on in dates
            ]
            if not drafts:
                return []
            sample = drafts[0]
            taken = set()
            for on, group, custom in session.execute(
                select(MeetingRow.date, MeetingRow.group_id, MeetingRow.custom_type_name).where(
                    MeetingRow.branch_id == branch_id,
                    MeetingRow.type == sample.type.value,
                    MeetingRow.date >= start.replace(day=1),
                    MeetingRow.date <= until,
                )
            ):
                if group == sample.group_id and (
                    sample.type != MeetingType.CUSTOM or custom == sample.custom_type_name
                ):
                    taken.add((on.year, on.month))
            roster = self.ws.roster.read(session)
            ids = []
            for draft in drafts:
                if (draft.date.year, draft.date.month) in taken:
                    continue
                draft = _with_attendance(draft, roster)
                ids.append(self._store(session, _normalised(replace(draft, **values) if values else draft)))
        return [self.get(i) for i in ids]

    # ------------------------------------------------------------------ custom types
    def custom_types(self) -> list[dm.CustomType]:
        """The meeting types the branch added (党政联席会议, 专题议党会议 …), in their order."""
        with self.ws.read() as session:
            rows = session.scalars(
                select(MeetingTypeRow)
                .where(MeetingTypeRow.branch_id == self.ws.branch_id)
                .order_by(MeetingTypeRow.sort_order, MeetingTypeRow.id)
            )
            return [_custom_type(r) for r in rows]

    def custom_type_usage(self) -> dict[int, int]:
        """How many meeting records use each of the branch's own types (type id -> count; 0 for unused),
        counted as :meth:`remove_custom_type` counts them."""
        with self.ws.read() as session:
            rows = session.scalars(
                select(MeetingTypeRow).where(MeetingTypeRow.branch_id == self.ws.branch_id)
            ).all()
            return {row.id: _records_of_type(session, row) for row in rows}

    def add_custom_type(self, name: str, audience: Audience = Audience.BRANCH) -> dm.CustomType:
        """Add a meeting type of the branch; its records are CUSTOM meetings with this name."""
        name = self._custom_name(name)
        with self.ws.write(f"新增会议类型：{name}") as session:
            branch_id = self.ws.branch_id
            self._refuse_taken(session, branch_id, name)
            count = session.scalar(
                select(func.count(MeetingTypeRow.id)).where(MeetingTypeRow.branch_id == branch_id)
            )
            row = MeetingTypeRow(branch_id=branch_id, name=name, audience=Audience(audience).value,
                                 sort_order=count or 0)  # fmt: skip
            session.add(row)
            session.flush()
            return _custom_type(row)

    def rename_custom_type(self, type_id: int, name: str) -> dm.CustomType:
        """Rename a meeting type of the branch: planned and draft records take the new name; sealed
        records keep the name they were finalised with."""
        name = self._custom_name(name)
        with self.ws.write(f"修改会议类型名称：{name}") as session:
            row = session.get(MeetingTypeRow, type_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {type_id} 的会议类型")
            if row.name == name:
                return _custom_type(row)
            self._refuse_taken(session, row.branch_id, name)
            old, row.name = row.name, name
            for meeting in session.scalars(
                select(MeetingRow).where(
                    MeetingRow.branch_id == row.branch_id,
                    MeetingRow.type == MeetingType.CUSTOM.value,
                    MeetingRow.sealed_at.is_(None),
                    (MeetingRow.custom_type_id == type_id) | (MeetingRow.custom_type_name == old),
                )
            ):
                meeting.custom_type_name = name
                meeting.custom_type_id = type_id
            session.flush()
            return _custom_type(row)

    def remove_custom_type(self, type_id: int) -> None:
        """Remove a meeting type of the branch that no record uses."""
        with self.ws.write("删除会议类型") as session:
            row = session.get(MeetingTypeRow, type_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {type_id} 的会议类型")
            used = _records_of_type(session, row)
            if used:
                raise ValidationError(
                    [FieldIssue("custom_type", f"“{row.name}”已有 {used} 份会议记录，不能删除（可以改名）")]
                )
            session.delete(row)

    @staticmethod
    def _custom_name(name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError([FieldIssue("custom_type_name", "请填写会议类型名称")])
        if len(name) > 50:
            raise ValidationError([FieldIssue("custom_type_name", "会议类型名称不能超过50个字")])
        if isinstance(dm.parse_type(name), MeetingType):
            raise ValidationError([FieldIssue("custom_type_name", f"“{name}”是固定的会议类型，无需新增")])
        return name

    @staticmethod
    def _refuse_taken(session: Session, branch_id: int, name: str) -> None:
        taken = session.scalar(
            select(MeetingTypeRow.id).where(
                MeetingTypeRow.branch_id == branch_id, MeetingTypeRow.name == name
            )
        )
        if taken is not None:
            raise ValidationError([FieldIssue("custom_type_name", f"已有名为“{name}”的会议类型")])

    def save(self, meeting: Meeting) -> Meeting:
        """Store a record (insert when ``id`` is None); returns it as stored. A sealed record is
        refused (:class:`MeetingSealedError`); a new custom type name is added to the branch's types."""
        meeting = _normalised(meeting)
        _validate(meeting)
        operation = "新建会议记录" if meeting.id is None else "修改会议记录"
        with self.ws.write(f"{operation}：{meeting.title}") as session:
            meeting_id = self._store(session, meeting)
        return self.get(meeting_id)

    def _store(self, session: Session, meeting: Meeting) -> int:
        branch_id = self.ws.branch_id
        if meeting.id is None:
            row = MeetingRow(branch_id=branch_id)
            session.add(row)
        else:
            row = _row(session, meeting.id, self.ws.branch_id)
            if row.sealed_at is not None:
                raise MeetingSealedError()
        custom_type_id = None
        if meeting.type == MeetingType.CUSTOM:
            custom_type_id = _custom_type_id(session, branch_id, meeting.custom_type_name, meeting.audience)
        _apply(row, meeting, custom_type_id)
        session.flush()
        _replace_children(session, row.id, meeting)
        return row.id

    def delete(self, meeting_id: int) -> None:
        """Remove a record entered by mistake (not a sealed one); dossier votes lose the link only."""
        with self.ws.write("删除会议记录") as session:
            row = _row(session, meeting_id, self.ws.branch_id)
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
        kind: VoteKind | str | None = None,
        reasons: Mapping[str, str] | None = None,
        months: int | None = None,
        reason: str = "",
        exclusions: Sequence[Any] = (),
    ) -> Meeting:
        """Record a vote on an agenda item (its index, or a title: a new item is added).

        With ``dossier_id`` (``kind`` admission — the default —, conversion, extension with
        ``months``, cancellation with ``reason``) the vote is also the dossier's step, recorded through
        ``DevelopmentService.record_in`` in the same unit of work: the DEV-VOTE-* rules decide and may
        refuse (``StepRefused``) or ask for reasons (``NeedsReason``); nothing at all is written then.
        The dossier's vote row carries this meeting's id; ``exclusions``: voters left out of 应到 for
        it, ``(VoterSnapshot, reason)`` or ``VoteExclusion``. A planned meeting becomes a draft (it
        was held); an empty decision of the item is filled with the result.

        A FAILED vote (``domain.development.failed_vote``: quorum met, counts consistent, no majority)
        is recorded too, as the meeting took it: the item shows 未通过. A failed admission vote is the
        dossier's 未被接收 (``rejected_on`` = the meeting date, ``rejection_vote``; the person stays a
        发展对象). A failed conversion, extension or cancellation vote changes nothing on the dossier
        (no decision was taken; after a failed conversion the meeting must still decide on extension
        or cancellation, each by its own vote). A vote without a quorum is refused (DEV-VOTE-QUORUM).
        """
        kind = VoteKind(kind) if kind else (VoteKind.ADMISSION if dossier_id is not None else VoteKind.OTHER)
        if dossier_id is not None and kind not in DOSSIER_VOTE_KINDS:
            raise ValidationError([FieldIssue("vote_kind", "只有接收预备党员、预备党员转正、延长预备期和取消预备党员资格的表决记入发展党员档案")])  # fmt: skip
        with self.ws.write("记录会议表决") as session:
            row = _row(session, meeting_id, self.ws.branch_id)
            if row.sealed_at is not None:
                raise MeetingSealedError()
            if dossier_id is not None and row.type != MeetingType.GENERAL.value:
                raise ValidationError(
                    [
                        FieldIssue(
                            "vote_kind", f"{kind.label}须由支部党员大会讨论表决，不能在{_title(row)}上表决"
                        )
                    ]
                )
            failed = failed_vote(vote)
            if dossier_id is not None and (kind is VoteKind.ADMISSION or not failed):
                dev = self.ws.development
                step, values = _dossier_step(kind, row.date, vote, months, reason)
                excluded = None
                if exclusions:
                    if kind is VoteKind.ADMISSION:  # the vote field the values record
                        field = "rejection_vote" if "rejection_vote" in values else "admission_vote"
                    else:
                        field = _VOTE_FIELD.get(kind) or f"extensions[{len(dev.get(dossier_id).extensions)}]"
                    excluded = {field: list(exclusions)}
                dev.record_in(session, dossier_id, step, values, as_of=row.date, reasons=reasons,
                              exclusions=excluded, meeting_id=meeting_id)  # fmt: skip
            elif dossier_id is not None:
                # a failed conversion / extension / cancellation vote: the minutes only; the dossier
                # must still exist (the item names the person)
                from branchdesk.db.models_development import DevelopmentDossier

                dossier = session.get(DevelopmentDossier, dossier_id)
                if dossier is None or dossier.branch_id != self.ws.branch_id:
                    raise NotFoundError(f"找不到编号为 {dossier_id} 的发展党员档案")
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
                target = AgendaItem(meeting_id=row.id, position=len(items), title=item.strip()[:200])
                session.add(target)
            target.vote_kind = kind.value
            target.dossier_id = dossier_id
            for name in _VOTE_COLUMNS:
                setattr(target, name, getattr(vote, name))
            if not (target.decision or "").strip():
                person = ""
                if dossier_id is not None:
                    from branchdesk.db.models_development import DevelopmentDossier

                    person = session.scalar(
                        select(DevelopmentDossier.name).where(DevelopmentDossier.id == dossier_id)
                    )
                target.decision = _vote_decision(vote, kind if dossier_id is not None else None, person or "")
            if row.status == MeetingStatus.PLANNED.value:
                row.status = MeetingStatus.DRAFT.value
        return self.get(meeting_id)

    def finalise(self, meeting_id: int) -> Meeting:
        """Seal the record (定稿): who and when; afterwards only amendments are appended. Refused for
        a planned meeting and for minutes without chair, recorder or attendance."""
        from branchdesk.db.types import utcnow

        with self.ws.write("会议记录定稿") as session:
            row = _row(session, meeting_id, self.ws.branch_id)
            record = _load(session, row)
            issues = []
            if not record.chair.strip():
                issues.append(FieldIssue("chair", "定稿前请填写主持人"))
            if not record.recorder.strip():
                issues.append(FieldIssue("recorder", "定稿前请填写记录人"))
            if record.type != MeetingType.TALKS and not record.attendance:
                issues.append(FieldIssue("attendance", "定稿前请登记出席情况"))
            if record.type == MeetingType.TALKS and not record.talks:
                issues.append(FieldIssue("talks", "定稿前请登记谈话双方和日期"))
            for number, item in enumerate(record.agenda, start=1):
                if str(item.vote_kind or "") and item.vote is None:  # a vote item never voted on
                    issues.append(
                        FieldIssue(
                            "agenda",
                            f"第 {number} 项议程“{item.title}”设有表决事项，但还没有表决计票：请先点“表决计票…”"
                            "记录表决结果，或把表决事项改为“不表决”",
                        )
                    )
            if issues:
                raise ValidationError(issues)
            try:
                sealed = dm.seal(record, utcnow())
            except dm.MeetingSealedError as refused:
                raise MeetingSealedError(str(refused)) from None
            row.status = MeetingStatus.SEALED.value
            row.sealed_at = sealed.sealed_at
            row.sealed_by = self.ws.user
        return self.get(meeting_id)

    def amend(self, meeting_id: int, reason: str, text: str, on: dt.date | None = None) -> Amendment:
        """Append a dated correction with its reason to a sealed record (``domain.meetings.amend``)."""
        issues = []
        if not (reason or "").strip():
            issues.append(FieldIssue("reason", "请填写更正原因"))
        if not (text or "").strip():
            issues.append(FieldIssue("text", "请填写更正内容"))
        if issues:
            raise ValidationError(issues)
        amendment = Amendment(on or dt.date.today(), reason.strip(), text.strip(), self.ws.user)
        with self.ws.write("会议记录更正") as session:
            row = _row(session, meeting_id, self.ws.branch_id)
            head = Meeting(type=MeetingType(row.type), date=row.date, sealed_at=row.sealed_at)
            try:
                dm.amend(head, amendment)
            except dm.MeetingSealedError as refused:
                raise ValidationError([FieldIssue("amendment", str(refused))]) from None
            a = MeetingAmendment(
                meeting_id=row.id, date=amendment.date, reason=amendment.reason, text=amendment.text,
                user=amendment.user,
            )  # fmt: skip
            session.add(a)
            session.flush()
            return Amendment(a.date, a.reason, a.text, a.user, a.at, a.id)

    def add_attachment(self, meeting_id: int, path: str | Path, note: str = "") -> Attachment:
        from branchdesk.domain.file_names import safe_file_name

        """Store a file (sign-in sheet scan, photo) in the database with its SHA-256 (also allowed on a
        sealed record: attachments add evidence, they change nothing written)."""
        path = Path(path)
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        with self.ws.write("添加会议附件") as session:
            _row(session, meeting_id, self.ws.branch_id)
            a = MeetingAttachment(
                meeting_id=meeting_id, file_name=safe_file_name(path.name), sha256=digest, size=len(content),
                content=content, note=note[:200], added_by=self.ws.user,
            )  # fmt: skip
            session.add(a)
            session.flush()
            return Attachment(a.id, a.file_name, a.sha256, a.size, a.added_by, a.added_at, a.note)

    def attachment_content(self, attachment_id: int) -> bytes:
        """The stored bytes, verified against the checksum (:class:`ChecksumError` when they differ)."""
        with self.ws.read() as session:
            a = session.get(MeetingAttachment, attachment_id)
            if a is None or session.get(MeetingRow, a.meeting_id).branch_id != self.ws.branch_id:
                raise not_found(attachment_id, "附件")
            content = bytes(a.content)
            if hashlib.sha256(content).hexdigest() != a.sha256:
                raise ChecksumError(f"附件“{a.file_name}”的内容与保存时的校验值不符，可能已损坏")
            return content

    # ------------------------------------------------------------------ judging
    def check(self, as_of: dt.date | None = None) -> list[Finding]:
        """MTG-* findings (``domain.rules.mtg_rules.audit_meetings``: engine ``Finding`` with
        ``period`` and ``meeting_id``) as of ``as_of`` (default today), judged from the branch's start
        date (``records_since``, else its first meeting record); a branch without any meeting record
        gets none (its minutes are not kept here)."""
        as_of = as_of or dt.date.today()
        meetings = self.all()
        if not meetings:  # the branch does not keep its minutes here (yet): nothing to judge
            return []
        return self._audit(meetings, as_of)

    def audit(
        self, meetings: Sequence[Meeting], as_of: dt.date, roster: Roster | None = None
    ) -> list[Finding]:
        """:meth:`check` over meetings (and the roster) already read."""
        return self._audit(meetings, as_of, roster=roster)

    def year_findings(
        self,
        year: int,
        as_of: dt.date,
        meetings: Sequence[Meeting] | None = None,
        roster: Roster | None = None,
    ) -> list[Finding]:
        """The MTG-* findings of ``year`` as of ``as_of`` (what :meth:`calendar` marks missing), from the
        branch's start date; for the readiness metrics (services/readiness_metrics)."""
        return self._audit(self.all() if meetings is None else meetings, as_of, year, roster=roster)

    def records_since(self) -> dt.date | None:
        """The day the branch keeps its records here from: the setting, else its first held meeting."""
        with self.ws.read() as session:
            return _records_since(session, self.ws.branch_id)

    def records_start(self) -> tuple[dt.date | None, dt.date | None]:
        """``(the branch's start date as set, the first held meeting)``: the checks start from the
        first, else the second (the settings page shows both)."""
        from branchdesk.db.models import Branch

        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            branch = session.get(Branch, branch_id)
            first = session.scalar(
                select(func.min(MeetingRow.date)).where(
                    MeetingRow.branch_id == branch_id, MeetingRow.status != MeetingStatus.PLANNED.value
                )
            )
            return (branch.records_since if branch is not None else None), first

    def set_records_since(self, day: dt.date | None) -> None:
        """Set (or clear: None) the branch's start date for the meeting checks."""
        from branchdesk.db.models import Branch
        from branchdesk.domain.auth import Role

        with self.ws.write("设置本支部开始记录的日期", needs=Role.ADMIN) as session:
            session.get(Branch, self.ws.branch_id).records_since = day

    def _audit(
        self,
        meetings: Sequence[Meeting],
        as_of: dt.date,
        year: int | None = None,
        roster: Roster | None = None,
    ) -> list[Finding]:
        from branchdesk.domain.rules import RuleContext
        from branchdesk.domain.rules.branch_rules import Seat
        from branchdesk.domain.rules.mtg_rules import audit_meetings

        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            groups = [GroupInfo(gid, name) for gid, name in _groups(session, branch_id)]
            seats = [
                Seat(member_id, name, post, start, end)
                for member_id, name, post, start, end in session.execute(
                    select(CommitteeMember.member_id, Member.name, CommitteeMember.post, CommitteeMember.term_start,
                           CommitteeMember.ended_on)
                    .join(Member, CommitteeMember.member_id == Member.id)
                    .where(CommitteeMember.branch_id == branch_id)
                )
            ]  # fmt: skip
            start = _records_since(session, branch_id)
            if roster is None:
                roster = self.ws.roster.read(session)
        secretaries = sorted({s.name for s in seats if s.post == CommitteePost.SECRETARY.value})
        ctx = RuleContext(as_of=as_of)
        entries = tuple(e for group in roster.entries().values() for e in group)
        return audit_meetings(
            meetings, ctx, groups=groups, year=year, secretary=secretaries, branch_founded=start, seats=seats,
            roster=entries,
        )  # fmt: skip

    def calendar(self, year: int, as_of: dt.date | None = None) -> list[CalendarRow]:
        """The year grid: a row per meeting type (党小组会: one per party group; custom types the
        branch has or used that year), a cell per month with held / missing / planned / not due and
        the attendance rate. "Missing" is exactly what :meth:`check` reports for that year."""
        as_of = as_of or dt.date.today()
        meetings = self.all(year=year)
        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            groups = _groups(session, branch_id)
            first = session.scalar(
                select(MeetingRow.date)
                .where(
                    MeetingRow.branch_id == branch_id,
                    MeetingRow.status != MeetingStatus.PLANNED.value,
                    MeetingRow.date <= as_of,
                )
                .order_by(MeetingRow.date)
                .limit(1)
            )
            any_record = session.scalar(
                select(MeetingRow.id).where(MeetingRow.branch_id == branch_id).limit(1)
            )
            custom = list(
                session.scalars(
                    select(MeetingTypeRow.name)
                    .where(MeetingTypeRow.branch_id == branch_id)
                    .order_by(MeetingTypeRow.sort_order, MeetingTypeRow.id)
                )
            )
        first_year = first.year if first is not None else as_of.year
        findings = self._audit(meetings, as_of, year) if any_record and year >= first_year else []
        by_cell: dict[tuple[str, int | None, str], list[Finding]] = {}
        group_ids = {name: gid for gid, name in groups}
        for f in findings:
            if f.meeting_id is None and f.period:
                gid = group_ids.get(f.person) if f.code == FREQUENCY[MeetingType.GROUP][1] else None
                by_cell.setdefault((f.code, gid, f.period), []).append(f)
        rows: list[CalendarRow] = []
        for type_, (freq, code) in FREQUENCY.items():
            scopes: list[tuple[int | None, str]] = [(None, type_.label)]
            if type_ is MeetingType.GROUP:
                scopes = [(gid, dm.group_meeting_title(name)) for gid, name in groups]
            for gid, label in scopes:
                inside = [m for m in meetings if m.type == type_ and (gid is None or m.group_id == gid)]
                cells = []
                for month in range(1, 13):
                    period = _period_of(freq, year, month)
                    closing = period.end.month == month
                    found = by_cell.get((code, gid, period.key), []) if closing else []
                    due = closing and period.end >= as_of
                    cells.append(_cell(year, month, type_, gid, "", inside, as_of, due, found))
                rows.append(CalendarRow(label, type_, gid, "", freq, code, tuple(cells)))
        used = [m.custom_type_name for m in meetings if m.type == MeetingType.CUSTOM]
        for name in dict.fromkeys([*custom, *used]):
            inside = [m for m in meetings if m.type == MeetingType.CUSTOM and m.custom_type_name == name]
            cells = [
                _cell(year, month, MeetingType.CUSTOM, None, name, inside, as_of, False, [])
                for month in range(1, 13)
            ]
            rows.append(CalendarRow(name, MeetingType.CUSTOM, None, name, "", "", tuple(cells)))
        return rows

    def statistics(self, year: int) -> dm.YearStats:
        """The figures of a year-end work summary (``domain.meetings.annual_statistics``), with the
        people who took each development step that year."""
        return dm.annual_statistics(self.all(year=year), year, self.ws.development.all())


def _period_of(freq: str, year: int, month: int) -> Period:
    """The month, quarter or year (``freq``) containing ``month`` of ``year``."""
    if freq == "Q":
        q = (month - 1) // 3
        return periods("Q", dt.date(year, 3 * q + 1, 1), dt.date(year, 12, 31))[0]
    if freq == "Y":
        return periods("Y", dt.date(year, 1, 1), dt.date(year, 12, 31))[0]
    return periods("M", dt.date(year, month, 1), dt.date(year, 12, 31))[0]


def _cell(year: int, month: int, type_: MeetingType, group_id: int | None, custom_name: str,
          meetings: Sequence[Meeting], as_of: dt.date, not_due: bool, findings: Sequence[Finding]) -> CalendarCell:  # fmt: skip
    inside = [m for m in meetings if m.date.year == year and m.date.month == month]
    held = [m for m in inside if not m.planned and m.date <= as_of]
    planned = [m for m in inside if m not in held]
    rates = [r for m in held if (r := m.attendance_rate) is not None]
    if held:
        state = CellState.HELD
    elif findings:
        state = CellState.MISSING
    elif planned:
        state = CellState.PLANNED
    elif not_due:
        state = CellState.NOT_DUE
    else:
        state = CellState.NONE
    return CalendarCell(
        month, type_, group_id, state, len(held), len(planned), sum(rates) / len(rates) if rates else None,
        tuple(m.id for m in inside if m.id is not None), tuple(f.message_zh for f in findings), custom_name,
    )  # fmt: skip


def _dossier_step(kind: VoteKind, on: dt.date, vote: Vote, months: int | None, reason: str):
    """The development step and its values for a vote of ``kind`` taken at a meeting on ``on``."""
    from branchdesk.domain.development import Extension, Outcome, Step, admission_vote_values

    if kind is VoteKind.ADMISSION:
        return Step.ADMISSION_VOTE, admission_vote_values(on, vote)
    if kind is VoteKind.CONVERSION:
        return Step.CONVERSION_VOTE, {"conversion_meeting_date": on, "conversion_vote": vote}
    if not (reason or "").strip() and kind is VoteKind.CANCELLATION:
        raise ValidationError([FieldIssue("reason", "取消预备党员资格须填写原因")])
    if kind is VoteKind.EXTENSION:
        if not months:
            raise ValidationError([FieldIssue("months", "延长预备期须填写延长的月数（6至12个月）")])
        return Step.CONVERSION_VOTE, {"extensions": Extension(on, months, vote, reason.strip())}
    return Step.CONVERSION_VOTE, {
        "outcome": Outcome.CANCELLED, "outcome_date": on, "outcome_reason": reason.strip(), "outcome_vote": vote,
    }  # fmt: skip


def failed_consequence(kind: VoteKind | str | None, name: str = "") -> str:
    """What a failed vote of ``kind`` on the person ``name`` means, for the minutes ("" for other votes)."""
    who = f"{name}同志" if name else "此人"
    return {
        VoteKind.ADMISSION: f"支部大会未通过接收，{who}仍为发展对象，以后可再次提交支部大会讨论",
        VoteKind.CONVERSION: f"{who}不能按期转为正式党员，支部大会须另行讨论延长预备期或取消预备党员资格",
        VoteKind.EXTENSION: "延长预备期的决定未获通过",
        VoteKind.CANCELLATION: "取消预备党员资格的决定未获通过",
    }.get(_vote_kind_of(kind), "")


def _vote_kind_of(value) -> VoteKind | None:
    try:
        return VoteKind(str(value)) if value else None
    except ValueError:
        return None


def _vote_decision(vote: Vote, kind: VoteKind | None = None, name: str = "") -> str:
    t = tally(vote)
    written = f"（含书面意见{t.counted_yes - vote.yes}票）" if t.counted_yes > vote.yes else ""
    text = (
        f"经表决，应到有表决权的党员{vote.expected}人，实到{vote.present}人，赞成{t.counted_yes}票{written}，"
        f"{'通过' if t.passed else '未通过'}。"
    )
    consequence = failed_consequence(kind, name) if not t.passed else ""
    return text + (consequence + "。" if consequence else "")


def _with_attendance(draft: Meeting, roster: Roster) -> Meeting:
    expected = roster.expected(draft.date, draft.audience, draft.group_id)
    return replace(draft, attendance=tuple(e.attendee() for e in expected))


# ====================================================================== rows <-> snapshots
_VOTE_COLUMNS = ("expected", "present", "yes", "no", "abstain", "written_yes", "written_no", "written_abstain",
                 "written_before_meeting")  # fmt: skip
_CHILDREN = (MeetingAttendance, MeetingObserver, AgendaItem, MeetingAmendment, MeetingAttachment, AppraisalGrade,
             RemediationItem, TalkPair)  # fmt: skip
_SCALARS = ("custom_type_name", "date", "start_time", "end_time", "platform", "place", "chair", "recorder",
            "lecturer", "theme", "group_id", "group_name", "discussion", "decisions", "for_year")  # fmt: skip


def _records_since(session: Session, branch_id: int) -> dt.date | None:
    """The branch's start date for the checks: ``branch.records_since``, else the first held meeting."""
    from branchdesk.db.models import Branch

    branch = session.get(Branch, branch_id)
    if branch is not None and branch.records_since is not None:
        return branch.records_since
    return session.scalar(
        select(func.min(MeetingRow.date)).where(
            MeetingRow.branch_id == branch_id, MeetingRow.status != MeetingStatus.PLANNED.value
        )
    )


def _row(session: Session, meeting_id: int, branch_id: int) -> MeetingRow:
    """The branch's meeting record (another branch's id is not found: nothing is read or written)."""
    row = session.get(MeetingRow, meeting_id)
    if row is None or row.branch_id != branch_id:
        raise NotFoundError(f"找不到编号为 {meeting_id} 的会议记录")
    return row


def _groups(session: Session, branch_id: int) -> list[tuple[int, str]]:
    return [
        (g.id, g.name)
        for g in session.scalars(
            select(PartyGroup)
            .where(PartyGroup.branch_id == branch_id)
            .order_by(PartyGroup.sort_order, PartyGroup.id)
        )
    ]


def _title(row: MeetingRow) -> str:
    if row.type == MeetingType.GROUP.value and row.group_name:
        return dm.group_meeting_title(row.group_name)
    return dm.type_label(row.type, row.custom_type_name)


def _records_of_type(session: Session, row: MeetingTypeRow) -> int:
    """Records of a branch's own type: linked to it, or (older records) bearing its name."""
    return session.scalar(
        select(func.count(MeetingRow.id)).where(
            MeetingRow.branch_id == row.branch_id,
            (MeetingRow.custom_type_id == row.id) | (MeetingRow.custom_type_name == row.name),
            MeetingRow.type == MeetingType.CUSTOM.value,
        )
    )


def _custom_type(row: MeetingTypeRow) -> dm.CustomType:
    return dm.CustomType(row.id, row.name, Audience(row.audience), row.sort_order)


def _custom_type_id(session: Session, branch_id: int, name: str, audience: Audience) -> int:
    """The branch's custom type of that name, added when it is new."""
    found = session.scalar(
        select(MeetingTypeRow.id).where(MeetingTypeRow.branch_id == branch_id, MeetingTypeRow.name == name)
    )
    if found is not None:
        return found
    row = MeetingTypeRow(branch_id=branch_id, name=name, audience=Audience(audience).value, sort_order=0)
    session.add(row)
    session.flush()
    return row.id


def _normalised(m: Meeting) -> Meeting:
    """A plain custom name as ``type`` becomes CUSTOM + ``custom_type_name``; vocabulary values
    given as codes become their enums; names are trimmed."""
    kind = m.type
    custom = m.custom_type_name.strip()
    if not isinstance(kind, MeetingType):
        parsed = dm.parse_type(str(kind))
        if isinstance(parsed, MeetingType):
            kind = parsed
        else:
            kind, custom = MeetingType.CUSTOM, parsed
    if kind is not MeetingType.CUSTOM:
        custom = ""
    return replace(
        m, type=kind, custom_type_name=custom, status=MeetingStatus(m.status), mode=MeetingMode(m.mode),
        audience=Audience(m.audience), chair=m.chair.strip(), recorder=m.recorder.strip(),
        lecturer=m.lecturer.strip(), platform=m.platform.strip(),
        attendance=tuple(replace(a, status=AttendanceStatus(a.status)) for a in m.attendance),
    )  # fmt: skip


def _validate(m: Meeting) -> None:
    issues = []
    if m.type is MeetingType.CUSTOM and not m.custom_type_name:
        issues.append(FieldIssue("custom_type_name", "请填写会议类型名称"))
    if m.audience is Audience.GROUP and m.group_id is None:
        issues.append(FieldIssue("group_id", "党小组会须选择党小组"))
    if m.start_time and m.end_time and m.end_time < m.start_time:
        issues.append(FieldIssue("end_time", "结束时间早于开始时间"))
    if m.mode in (MeetingMode.ONLINE, MeetingMode.HYBRID) and not m.platform:
        issues.append(FieldIssue("platform", "线上会议请填写会议平台"))
    for a in m.attendance:
        if a.status is not AttendanceStatus.PRESENT and not a.reason.strip():
            issues.append(FieldIssue("attendance", f"{a.name}{a.status.label}，请填写原因"))
        if a.exclusion is not None:
            problems = a.exclusion.problems(m.date)
            if problems:
                issues.append(FieldIssue("attendance", (
                    f"{a.name}不计入应到人数（{a.exclusion.kind.label}）须经上级党组织同意并经支部党员大会决定："
                    + "；".join(problems)
                )))  # fmt: skip
            elif a.voter:
                issues.append(
                    FieldIssue("attendance", f"{a.name}已不计入应到人数，不能同时列为有表决权的应到党员")
                )
    for i, item in enumerate(m.agenda, 1):
        if not item.title.strip():
            issues.append(FieldIssue("agenda", f"第{i}项议程没有填写议题"))
    for g in m.grades:
        try:
            dm.AppraisalGrade.from_label(str(g.grade))
        except ValueError:
            issues.append(
                FieldIssue("grades", f"{g.name}的评议等次“{g.grade}”不是优秀、合格、基本合格或不合格")
            )
        if g.votes is not None and (len(g.votes) != 4 or any(v < 0 for v in g.votes)):
            issues.append(FieldIssue("grades", f"{g.name}的测评票数应为四个不小于 0 的整数"))
    for t in m.talks:
        if not (t.first.strip() and t.second.strip()):
            issues.append(FieldIssue("talks", "谈心谈话须填写谈话双方"))
    for x in m.remediation:
        if not x.problem.strip():
            issues.append(FieldIssue("remediation", "整改事项须填写存在的问题"))
    if m.status is MeetingStatus.SEALED and m.sealed_at is None:
        issues.append(FieldIssue("status", "请通过“定稿”完成会议记录"))
    if (
        m.for_year is not None
        and m.type in dm.ANNUAL_TYPES
        and not m.date.year - 1 <= m.for_year <= m.date.year
    ):
        issues.append(FieldIssue("for_year", f"所属年度只能是召开当年（{m.date.year}年）或上一年"))
    if issues:
        raise ValidationError(issues)


def _apply(row: MeetingRow, m: Meeting, custom_type_id: int | None) -> None:
    values = {k: getattr(m, k) for k in _SCALARS}
    values.update(type=m.type.value, status=m.status.value, audience=m.audience.value, mode=m.mode.value,
                  custom_type_id=custom_type_id,
                  for_year=m.record_year if m.type in dm.ANNUAL_TYPES else None)  # fmt: skip
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)


def _child_values(meeting_id: int, m: Meeting) -> dict[Any, list[dict[str, Any]]]:
    return {
        MeetingAttendance: [
            dict(meeting_id=meeting_id, position=i, member_id=a.member_id, name=a.name, member_type=str(a.member_type),
                 status=a.status.value, reason=a.reason.strip(), voter=a.voter,
                 exclusion_kind=a.exclusion.kind.value if a.exclusion else "",
                 exclusion_approved_on=a.exclusion.approved_on if a.exclusion else None,
                 exclusion_approved_by=a.exclusion.approved_by if a.exclusion else "",
                 exclusion_decision=a.exclusion.decision if a.exclusion else "")
            for i, a in enumerate(m.attendance)
        ],
        MeetingObserver: [
            dict(meeting_id=meeting_id, position=i, name=o.name, role=o.role, dossier_id=o.dossier_id)
            for i, o in enumerate(m.observers)
        ],
        AgendaItem: [_agenda_values(meeting_id, i, a) for i, a in enumerate(m.agenda)],
        AppraisalGrade: [
            dict(meeting_id=meeting_id, member_id=g.member_id, name=g.name,
                 grade=dm.AppraisalGrade.from_label(str(g.grade)).label, note=g.note,
                 **dict(zip(_VOTE_FIELDS, g.votes or (None,) * 4, strict=True)))
            for g in m.grades
        ],
        RemediationItem: [
            dict(meeting_id=meeting_id, position=i, problem=x.problem, measure=x.measure, owner=x.owner, due=x.due,
                 done_on=x.done_on, evidence=x.evidence)
            for i, x in enumerate(m.remediation)
        ],
        TalkPair: [
            dict(meeting_id=meeting_id, position=i, first=t.first, second=t.second, date=t.date, summary=t.summary,
                 first_member_id=t.first_member_id, second_member_id=t.second_member_id)
            for i, t in enumerate(m.talks)
        ],
    }  # fmt: skip


def _agenda_values(meeting_id: int, i: int, a: Agenda) -> dict[str, Any]:
    values = dict(meeting_id=meeting_id, position=i, title=a.title.strip(), discussion=a.discussion,
                  decision=a.decision, vote_kind=str(a.vote_kind or ""), dossier_id=a.dossier_id)  # fmt: skip
    if a.vote is not None:
        values.update({k: getattr(a.vote, k) for k in _VOTE_COLUMNS})
    else:
        values.update(expected=None, present=None, yes=None, no=0, abstain=0, written_yes=0, written_no=0,
                      written_abstain=0, written_before_meeting=True)  # fmt: skip
    return values


def _replace_children(session: Session, meeting_id: int, m: Meeting) -> None:
    for model, rows in _child_values(meeting_id, m).items():
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
    from sqlalchemy import case

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


def _enum(kind, value: str, default=""):
    found = _from_label(kind, value)
    return found if found is not None else value or default


@functools.lru_cache(maxsize=512)
def _from_label(kind, value):
    """``kind.from_label(value)`` (None when unknown), remembered: a year of minutes holds thousands of
    attendance lines with the same few codes (a tenth of loading them went to the lookups)."""
    try:
        return kind.from_label(value)
    except ValueError:
        return None


#: The meeting columns a snapshot is built from (``_snapshot``), as a named tuple of the driver's values.
def _utc(value):
    """What ``db.types.UTCDateTime`` gives back: aware, in UTC (SQLite keeps ISO text without a zone)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _converter(column):
    """How a driver value of `column` becomes what SQLAlchemy gives (None: as it comes). SQLite gives
    dates and times as ISO text and flags as 0/1."""
    from sqlalchemy import Boolean, Date, DateTime, Integer, String, Text, Time

    from branchdesk.db.types import UTCDateTime

    if isinstance(column.type, UTCDateTime):
        return _utc
    for kind, parse in ((Date, dt.date.fromisoformat), (Time, dt.time.fromisoformat),
                        (DateTime, dt.datetime.fromisoformat)):  # fmt: skip
        if isinstance(column.type, kind):
            return lambda value, parse=parse: parse(value) if isinstance(value, str) else value
    if isinstance(column.type, Boolean):
        return bool
    if not isinstance(column.type, Integer | String | Text):
        raise TypeError(f"{column}: no driver-row conversion for {column.type!r}")
    return None


class _DriverRows:
    """Rows of some columns as named tuples straight from the driver, with the values SQLAlchemy's result
    processing would give: its processing of every meeting and child row of fifty branches was a sixth of
    reading them."""

    def __init__(self, name: str, columns) -> None:
        self.columns = tuple(columns)
        # the named tuple from a tuple of its values, in C (what its ``_make`` does, less a length check)
        self.make = functools.partial(
            tuple.__new__, collections.namedtuple(name, [c.name for c in self.columns])
        )
        self.converted = tuple((n, f) for n, c in enumerate(self.columns) if (f := _converter(c)) is not None)

    def read(self, connection, q: Select) -> list:
        """The rows `q` selects (its WHERE and ORDER BY, these columns).

        Converted a column at a time, each distinct value once (the same few dates, times and flags recur
        in thousands of rows), by dict look-ups in C."""
        rows = fetch_tuples(connection, q.with_only_columns(*self.columns))
        if rows and self.converted:
            columns = list(zip(*rows, strict=True))
            for n, convert in self.converted:
                once = Interned(convert)
                once[None] = None  # NULL stays None
                columns[n] = map(once.__getitem__, columns[n])
            rows = zip(*columns, strict=True)
        return list(map(self.make, rows))


_MEETING_ROWS = _DriverRows(
    "_MeetingValues", (c for c in MeetingRow.__table__.columns if c.name not in ("created_at", "updated_at"))
)


def _meeting_rows(connection, q: Select) -> list:
    """The meeting rows `q` selects (its WHERE and ORDER BY) as driver rows (``_DriverRows``)."""
    return _MEETING_ROWS.read(connection, q)


def _load(session: Session, row: MeetingRow) -> Meeting:
    return _load_many(session, [row])[0]


_IN_CHUNK = 500  # ids per IN (...) list
_ID_ARRAY = ARRAY(Integer)


def _load_many(
    session: Session, meeting_rows: Sequence[MeetingRow], of: Select | None = None
) -> list[Meeting]:
    """Snapshots of `meeting_rows`, reading each child table once for all of them (a year of a big
    branch's meetings: ~10 queries instead of ~7 per meeting). Children are read as plain rows (no ORM
    objects) and equal attendance lines are built once: `check` reads every meeting of the branch.
    ``of``: the SELECT of the rows' ids, when they are the result of one (``all``): the children are then
    read by that subquery, not by lists of ids."""
    ids = [r.id for r in meeting_rows]
    if not ids:
        return []
    connection = session.connection()  # Core results: the ORM's row processing cost more than the SQL
    parts = _parts(connection, ids, of)

    def children(model, *order) -> dict[int, list]:
        found: dict[int, list] = {}
        rows = _child_rows(model)
        for part in parts:
            q = (
                select(model.id)
                .where(_within(model.meeting_id, part))
                .order_by(model.meeting_id, *order, model.id)
            )
            for child in rows.read(connection, q):
                found.setdefault(child.meeting_id, []).append(child)
        return found

    agenda_rows = children(AgendaItem, AgendaItem.position)
    attendance_rows = _attendance(connection, parts)
    observer_rows = children(MeetingObserver, MeetingObserver.position)
    grade_rows = children(AppraisalGrade)
    remediation_rows = children(RemediationItem, RemediationItem.position)
    talk_rows = children(TalkPair, TalkPair.position)
    amendment_rows = children(MeetingAmendment, MeetingAmendment.at)
    attachments: dict[int, list] = {}
    for part in parts:
        q = (
            select(MeetingAttachment.meeting_id, MeetingAttachment.id, MeetingAttachment.file_name,
                   MeetingAttachment.sha256, MeetingAttachment.size, MeetingAttachment.added_by,
                   MeetingAttachment.added_at, MeetingAttachment.note)
            .where(_within(MeetingAttachment.meeting_id, part))
            .order_by(MeetingAttachment.meeting_id, MeetingAttachment.id)
        )  # fmt: skip
        for meeting_id, *values in connection.execute(q):
            attachments.setdefault(meeting_id, []).append(values)
    none: list = []
    return [
        _snapshot(row, agenda_rows.get(i, none), attendance_rows.get(i, none), observer_rows.get(i, none),
                  grade_rows.get(i, none), remediation_rows.get(i, none), talk_rows.get(i, none),
                  amendment_rows.get(i, none), attachments.get(i, none))
        for row in meeting_rows
        for i in (row.id,)
    ]  # fmt: skip


#: a plain attendance line (a member present, absent or on leave; no reason, no exclusion) read as one number:
#: member id × 16 + status × 4 + voter × 2 + probationary
_PLAIN_STATUS = (AttendanceStatus.PRESENT.value, AttendanceStatus.ABSENT.value, AttendanceStatus.LEAVE.value)
_PLAIN_TYPES = (MemberType.FULL.value, MemberType.PROBATIONARY.value)


@functools.cache
def _positions_text(count: int) -> str:
    """How the database joins the positions 0, 1, … count-1 of a meeting's lines read in order."""
    return ",".join(map(str, range(count)))


def _attendance(connection, parts) -> dict[int, list[Attendee]]:
    """The attendance lines of the meetings in ``parts`` (meeting id → lines in position order), each
    distinct line built once.

    A big branch has ~16,000 lines over two years, nine in ten of them plain (a member present, absent or
    on leave, no reason, no exclusion), and fetching each as a driver row was half of reading its meetings
    (`check` of fifty branches). So the database joins each meeting's lines into one text of numbers
    (member, status, vote, type: what a plain line is), each member's name is read once, and the other
    lines (with a reason or an exclusion, without a member, a member listed under two names …) are read
    whole, through a partial index on ``WHOLE_LINE`` (0019), and put in their place. The meeting's
    positions come back joined beside the numbers: where they are not 0, 1, 2 … in order (neither
    group_concat nor an unordered string_agg promises an order), the meeting's lines are read one by one as
    before (``_attendance_lines``)."""
    a = MeetingAttendance
    attendee = Interned(_attendee).__getitem__
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return _attendance_lines(connection, parts, attendee)
    names: dict[int, str] = {0: ""}  # 0: the number of a line without a member (read whole)
    renamed: set[int] = set()
    for part in parts:
        listed = (_within(a.meeting_id, part), a.member_id.is_not(None))
        if dialect == "postgresql":  # there a GROUP BY costs two thirds of a DISTINCT (SQLite: twice)
            q = select(a.member_id, func.min(a.name), func.max(a.name)).where(*listed).group_by(a.member_id)
        else:
            q = select(a.member_id, a.name, a.name).distinct().where(*listed)
        for member_id, name, other in fetch_tuples(connection, q):
            if names.setdefault(member_id, name) != name or other != name:
                renamed.add(member_id)
    code = (
        func.coalesce(cast(a.member_id, BigInteger), 0) * 16
        + case({s: 4 * n for n, s in enumerate(_PLAIN_STATUS)}, value=a.status, else_=0)
        + case((a.voter, 2), else_=0)
        + case((a.member_type == _PLAIN_TYPES[1], 1), else_=0)
    )

    def joined(part) -> Select:
        """Each meeting's lines of ``part`` as (meeting id, codes, positions, count), the codes and
        positions joined in the order the lines are read. SQLite reads a meeting's lines through the
        meeting_id index in rowid order, which is the order they were written in (a list is written whole),
        and sorting them first cost a third of the statement. PostgreSQL's order of a meeting's lines
        in its index follows where the rows happened to land in the table (space freed by a list written
        anew is reused), so there they are sorted by position first (a sort within each meeting: +20%).
        Either way the positions tell where the order is not 0, 1, 2 …, and such a meeting is read line by
        line."""
        if dialect == "postgresql":
            lines = (
                select(a.meeting_id, a.position, code.label("code"))
                .where(_within(a.meeting_id, part))
                .order_by(a.meeting_id, a.position)
                .subquery()
            )
            return select(
                lines.c.meeting_id,
                func.string_agg(cast(lines.c.code, Text), ","),
                func.string_agg(cast(lines.c.position, Text), ","),
                func.count(),
            ).group_by(lines.c.meeting_id)
        return (
            select(
                a.meeting_id, func.group_concat(code, ","), func.group_concat(a.position, ","), func.count()
            )
            .where(_within(a.meeting_id, part))
            .group_by(a.meeting_id)
        )

    def plain_line(text: str) -> Attendee:
        member_id, bits = divmod(int(text), 16)
        return attendee((member_id, names[member_id], _PLAIN_STATUS[bits >> 2], "", bool(bits & 2),
                         _PLAIN_TYPES[bits & 1], "", None, "", ""))  # fmt: skip

    plain = Interned(plain_line)
    plain_of = plain.__getitem__
    line = [getattr(a, k) for k in _ATTENDEE_COLUMNS]
    found: dict[int, list[Attendee]] = {}
    redo: list[int] = []
    for part in parts:
        for meeting_id, text, at, count in fetch_tuples(connection, joined(part)):
            try:
                if at == _positions_text(count):
                    found[meeting_id] = list(map(plain_of, text.split(",")))  # look-ups in C
                    continue
            except KeyError:  # a member whose name was not read (a line written in between)
                pass
            redo.append(meeting_id)  # not in position order (or that line): read line by line
        whole = [
            select(a.meeting_id, a.position, *line).where(_within(a.meeting_id, part), sql_text(WHOLE_LINE))
        ]
        if renamed:
            whole.append(
                select(a.meeting_id, a.position, *line).where(
                    _within(a.meeting_id, part), a.member_id.in_(sorted(renamed))
                )
            )
        for q in whole:
            for row in fetch_tuples(connection, q):  # (meeting id, position, *the line's values)
                lines = found.get(row[0])
                if lines is None:
                    continue
                if 0 <= row[1] < len(lines):
                    lines[row[1]] = attendee(row[2:])
                else:  # the list changed since it was joined (PostgreSQL reads each statement anew)
                    del found[row[0]]
                    redo.append(row[0])
    if redo:
        found.update(_attendance_lines(connection, _parts(connection, redo), attendee))
    return found


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[at : at + _IN_CHUNK] for at in range(0, len(ids), _IN_CHUNK)]


def _parts(connection, ids: list[int], of: Select | None = None) -> list:
    """How the child rows of the meetings ``ids`` are selected, a part at a time (``_within``): by ``of``,
    the SELECT of their ids, or by lists of ids; on PostgreSQL by the ids as one array parameter. There
    the planner walks the meeting_id index for an array (each meeting's lines as written, no sort), where
    a subquery of one branch's meetings got a sort that leaves a meeting's lines in no order (every
    meeting then read again line by line) and a scan of the partial index of every branch's lines."""
    if connection.dialect.name == "postgresql":
        return [bindparam(None, list(ids), type_=_ID_ARRAY)]
    return [of] if of is not None else _chunks(ids)


def _within(column, part):
    """``column`` in ``part`` (one of ``_parts``)."""
    return column == any_(part) if isinstance(part, BindParameter) else column.in_(part)


def _attendance_lines(connection, parts, attendee) -> dict[int, list[Attendee]]:
    """The attendance lines of the meetings in ``parts`` read one driver row each."""
    # Read in (meeting_id, id) order, which walks the index (no sort of every line of the branch), then
    # put in position order per meeting: a stable sort, so (position, id) as before.
    found: dict[int, list[Attendee]] = {}
    line = [getattr(MeetingAttendance, k) for k in _ATTENDEE_COLUMNS]
    for part in parts:
        q = (
            select(MeetingAttendance.meeting_id, MeetingAttendance.position, *line)
            .where(_within(MeetingAttendance.meeting_id, part))
            .order_by(MeetingAttendance.meeting_id, MeetingAttendance.id)
        )
        for meeting_id, run in itertools.groupby(fetch_tuples(connection, q), _first):
            run = list(run)
            if any(a[1] > b[1] for a, b in itertools.pairwise(run)):
                run.sort(key=_second)
            found[meeting_id] = [attendee(row[2:]) for row in run]
    return found


@functools.cache
def _child_rows(model) -> _DriverRows:
    return _DriverRows(
        f"_{model.__name__}Values", (c for c in model.__table__.columns if c.name != "content")
    )


_ATTENDEE_COLUMNS = ("member_id", "name", "status", "reason", "voter", "member_type", "exclusion_kind",
                     "exclusion_approved_on", "exclusion_approved_by", "exclusion_decision")  # fmt: skip


_VOTE_FIELDS = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")


def _votes(row) -> tuple[int, int, int, int] | None:
    """A grade row's 民主测评 votes (None when none was recorded)."""
    votes = tuple(getattr(row, k) for k in _VOTE_FIELDS)
    return None if all(v is None for v in votes) else tuple(v or 0 for v in votes)  # type: ignore[return-value]


_first = operator.itemgetter(0)
_second = operator.itemgetter(1)


def _attendee(values: tuple) -> Attendee:
    """One attendance line from the driver's values (a date may come as ISO text, a flag as 0/1)."""
    member_id, name, status, reason, voter, member_type, kind = values[:7]
    exclusion = None
    if kind:  # else no exclusion (exclusion_of gives None for no kind)
        approved_on = values[7]
        if isinstance(approved_on, str):
            approved_on = dt.date.fromisoformat(approved_on[:10])
        exclusion = exclusion_of(kind, approved_on, *values[8:])
    status = _ATTENDANCE.get(status) or AttendanceStatus(status)
    # Attendee(...) without the frozen dataclass's object.__setattr__ per field, its ``present`` flag set
    # as its cached property would (every distinct line of fifty branches: ~60k)
    line = object.__new__(Attendee)
    line.__dict__.update(member_id=member_id, name=name, status=status, reason=reason, voter=bool(voter),
                         member_type=_enum(MemberType, member_type, MemberType.FULL),
                         exclusion=exclusion, present=status == AttendanceStatus.PRESENT)  # fmt: skip
    return line


#: the fields ``_attendee`` sets on an Attendee (every one, none with a factory or __post_init__)
assert tuple(f.name for f in dataclass_fields(Attendee)) == (
    "member_id",
    "name",
    "status",
    "reason",
    "voter",
    "member_type",
    "exclusion",
) and not hasattr(Attendee, "__post_init__")


#: Every field of a Meeting with its default: snapshots are built without the 31 ``object.__setattr__``
#: calls of a frozen dataclass's ``__init__`` (the check of every branch builds tens of thousands).
_MEETING_DEFAULTS = {f.name: f.default for f in dataclass_fields(Meeting) if f.default is not MISSING}


def _code_table(kind) -> dict:
    return {member.value: member for member in kind}


_TYPES, _STATUSES, _MODES, _AUDIENCES, _ATTENDANCE = (
    _code_table(k) for k in (MeetingType, MeetingStatus, MeetingMode, Audience, AttendanceStatus)
)


#: the fields ``_snapshot`` sets on an Agenda it builds (every one, none with a factory or __post_init__)
assert tuple(f.name for f in dataclass_fields(Agenda)) == (
    "title",
    "discussion",
    "decision",
    "vote",
    "vote_kind",
    "dossier_id",
    "id",
) and not hasattr(Agenda, "__post_init__")


def _snapshot(row: MeetingRow, agenda_rows, attendance_rows, observer_rows, grade_rows, remediation_rows,
              talk_rows, amendment_rows, attachments) -> Meeting:  # fmt: skip
    agenda = []
    new = object.__new__
    for a in agenda_rows:
        vote = None
        if a.expected is not None:
            vote = Vote(*(getattr(a, k) for k in _VOTE_COLUMNS[:-1]), bool(a.written_before_meeting))
        # Agenda(...) without the frozen dataclass's object.__setattr__ per field (~64k items in the check)
        item = new(Agenda)
        item.__dict__.update(title=a.title, discussion=a.discussion, decision=a.decision, vote=vote,
                             vote_kind=_enum(VoteKind, a.vote_kind), dossier_id=a.dossier_id, id=a.id)  # fmt: skip
        agenda.append(item)
    # the same values as Meeting(...) would set (no __post_init__, no default factories)
    meeting = object.__new__(Meeting)
    state = meeting.__dict__
    # the codes by dict look-ups (the enum's own call for anything else, which raises as before)
    state.update(
        _MEETING_DEFAULTS,
        id=row.id, type=_TYPES.get(row.type) or MeetingType(row.type), custom_type_name=row.custom_type_name,
        custom_type_id=row.custom_type_id, status=_STATUSES.get(row.status) or MeetingStatus(row.status),
        date=row.date, start_time=row.start_time, end_time=row.end_time,
        mode=_MODES.get(row.mode) or MeetingMode(row.mode), platform=row.platform, place=row.place, chair=row.chair,
        recorder=row.recorder, lecturer=row.lecturer, theme=row.theme,
        audience=_AUDIENCES.get(row.audience) or Audience(row.audience), group_id=row.group_id,
        group_name=row.group_name, discussion=row.discussion, decisions=row.decisions,
        attendance=tuple(attendance_rows), agenda=tuple(agenda), sealed_at=row.sealed_at, sealed_by=row.sealed_by,
        for_year=row.for_year,
    )  # fmt: skip
    if observer_rows:
        state["observers"] = tuple(Observer(o.name, o.role, o.dossier_id) for o in observer_rows)
    if grade_rows:
        state["grades"] = tuple(
            Grade(g.member_id, g.name, _enum(dm.AppraisalGrade, g.grade), g.note, _votes(g))
            for g in grade_rows
        )
    if remediation_rows:
        state["remediation"] = tuple(Remediation(x.problem, x.measure, x.owner, x.due, x.done_on, x.evidence or "")
                                     for x in remediation_rows)  # fmt: skip
    if talk_rows:
        state["talks"] = tuple(dm.TalkPair(t.first, t.second, t.date, t.summary, t.first_member_id,
                                           t.second_member_id) for t in talk_rows)  # fmt: skip
    if amendment_rows:
        state["amendments"] = tuple(
            Amendment(x.date, x.reason, x.text, x.user, x.at, x.id) for x in amendment_rows
        )
    if attachments:
        state["attachments"] = tuple(Attachment(*a) for a in attachments)
    return meeting
