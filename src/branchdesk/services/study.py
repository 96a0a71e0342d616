"""Study and training hours and 述职评议 (issue 15, domain.md §10 MEM-STUDY-32H, §12): ``ws.study``.

A member's class hours in a year come from the 党课 and study 主题党日 they attended, their study records
(entered by hand or imported: 党课, 学习, 培训, 网络课程) and the 微党课 / 主题教育 activities they took
part in — each event once (the rules are in domain/activities.py). :meth:`StudyService.hours` gives
each member's lines and total against 32 hours (56 for the secretary and committee members);
MEM-STUDY-32H (registered here with ``register_member_rule``) judges them in ``branchdesk check``.

Every mutation is one audited unit of work; 查阅 accounts cannot write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.models import Member
from branchdesk.db.models_activities import DutyReport as DutyRow
from branchdesk.db.models_activities import StudyRecord as StudyRow
from branchdesk.domain.activities import (
    DutyGrade,
    DutyReport,
    HourLine,
    MeetingHours,
    StudyRecord,
    StudySnapshot,
    StudySource,
    check_study_hours,
    format_hours,
    hours_of,
    meeting_tenths,
    study_hours,
    study_target,
    study_totals,
    tenths_of,
)
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.rules.branch_rules import member_rule, register_member_rule
from branchdesk.domain.rules.engine import Severity
from branchdesk.services.members import MEMBER_FILE
from branchdesk.services.scope import require

if TYPE_CHECKING:
    from branchdesk.domain.meetings import Meeting
    from branchdesk.workspace import Workspace

__all__ = ["MemberHours", "StudyService"]

register_member_rule(
    member_rule(
        "MEM-STUDY-32H", "党员每年学习培训不少于32学时", "党员教育管理工作条例第二十条；书记、支委56学时为培训规划（待核实）",
        Severity.WARNING, check_study_hours, basis="N",
        description="在册满一整年的党员，全年学习培训学时（党课、学习、培训、网络课程、微党课、主题教育）不少于32学时，"
                    "书记和支委不少于56学时；检查上一个完整年度，12月起提醒本年度尚差的学时。",
    )
)  # fmt: skip

_DUTY_FIELDS = {
    DutyGrade.GOOD: "rated_good",
    DutyGrade.FAIRLY_GOOD: "rated_fairly_good",
    DutyGrade.AVERAGE: "rated_average",
    DutyGrade.POOR: "rated_poor",
}


@dataclass(frozen=True)
class MemberHours:
    """One member's study hours of a year against the target."""

    member_id: int
    name: str
    committee: bool
    lines: tuple[HourLine, ...]

    @property
    def target(self) -> int:
        return study_target(self.committee)

    @property
    def tenths(self) -> int:
        return sum(line.tenths for line in self.lines)

    @property
    def total(self) -> Decimal:
        return hours_of(self.tenths)

    @property
    def short(self) -> Decimal:
        return max(Decimal(self.target) - self.total, Decimal(0))

    def by_source(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines:
            out[line.source] = out.get(line.source, Decimal(0)) + line.hours
        return out


_SOURCE_LABELS = {s.value: s.label for s in StudySource}  # StudySource(code).label by a look-up


class StudyService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ------------------------------------------------------------------ hours
    def lines(self, year: int, meetings: Sequence[Meeting] | None = None) -> dict[int, list[HourLine]]:
        """member id → the lines of their study hours in ``year``."""
        return study_hours(*self._sources(year, meetings))

    def _sources(self, year: int, meetings: Sequence[Meeting] | None):
        """What the hours of ``year`` are counted from: the held lectures and party days, the study
        records, the activities' hours."""
        from branchdesk.domain.meetings import MeetingType

        if meetings is None:
            meetings = self.ws.meetings.all(year=year)
        held = [
            MeetingHours(
                m.id, str(m.type), m.date, m.theme or m.title, meeting_tenths(m.start_time, m.end_time),
                frozenset(a.member_id for a in m.attendance if a.present and a.member_id is not None),
            )
            for m in meetings
            if m.date.year == year and not m.planned and m.type in (MeetingType.LECTURE, MeetingType.PARTY_DAY)
        ]  # fmt: skip
        labels = _SOURCE_LABELS
        with self.ws.read() as session:
            records = [
                (r.member_id, r.date, r.tenths, labels.get(r.source) or StudySource(r.source).label, r.title)
                for r in self._records(session, year)
                if r.member_id is not None
            ]
            activities = self.ws.activities.hours_feed(year, session)
        return held, records, activities

    def hours(self, year: int, meetings: Sequence[Meeting] | None = None) -> list[MemberHours]:
        """Every member on the roster at some time in ``year`` with their hours, in roster order."""
        lines = self.lines(year, meetings)
        roster = self.ws.roster.read()
        entries = {e.member_id: e for group in roster.entries().values() for e in group}
        last = dt.date(year, 12, 31)
        committee = roster.committee_in(year)
        out = []
        for m in roster.members:
            entry = entries.get(m.id)
            days = [dt.date(year, month, 1) for month in range(1, 13)] + [last]
            in_year = m.id in lines or (entry is not None and any(entry.member_on(d) for d in days))
            if in_year:
                out.append(MemberHours(m.id, m.name, m.id in committee, tuple(lines.get(m.id, ()))))
        return out

    def member_hours(self, member_id: int, year: int) -> MemberHours:
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
        for h in self.hours(year):
            if h.member_id == member_id:
                return h
        name = self._member_name(member_id)
        return MemberHours(member_id, name, False, ())

    def snapshot(self, as_of: dt.date, meetings: Sequence[Meeting] | None = None) -> StudySnapshot:
        """What MEM-STUDY-32H reads as of ``as_of``: the last complete year, and this year from December."""
        years = [as_of.year - 1] + ([as_of.year] if as_of.month == 12 else [])
        hours: dict[int, dict[int, int]] = {}
        kept = set()
        for year in years:
            hours[year] = study_totals(*self._sources(year, meetings))
            if self.keeps_hours(year):
                kept.add(year)
        return StudySnapshot(hours, frozenset(kept))

    def keeps_hours(self, year: int) -> bool:
        """The branch recorded study hours in ``year`` here: a study record or a 微党课/主题教育 activity."""
        from branchdesk.db.models_activities import Activity
        from branchdesk.domain.activities import STUDY_ACTIVITY_KINDS

        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            record = session.scalar(
                select(StudyRow.id).where(StudyRow.branch_id == branch_id, StudyRow.date >= first,
                                          StudyRow.date <= last).limit(1)
            )  # fmt: skip
            if record is not None:
                return True
            return session.scalar(
                select(Activity.id).where(Activity.branch_id == branch_id, Activity.date >= first,
                                          Activity.date <= last, Activity.kind.in_(STUDY_ACTIVITY_KINDS)).limit(1)
            ) is not None  # fmt: skip

    # ------------------------------------------------------------------ study records
    def records(self, year: int | None = None, member_id: int | None = None) -> list[StudyRecord]:
        with self.ws.read() as session:
            rows = self._records(session, year, member_id)
            return [_record(r) for r in rows]

    def _records(self, session: Session, year: int | None = None, member_id: int | None = None):
        q = select(StudyRow).where(StudyRow.branch_id == self.ws.branch_id)
        if year is not None:
            q = q.where(StudyRow.date >= dt.date(year, 1, 1), StudyRow.date <= dt.date(year, 12, 31))
        if member_id is not None:
            q = q.where(StudyRow.member_id == member_id)
        # plain rows (the columns under the model's attribute names), not ORM entities: the check reads
        # every record of the year for each branch
        q = q.with_only_columns(*StudyRow.__table__.columns)
        return (
            session.connection().execute(q.order_by(StudyRow.date, StudyRow.id)).all()
        )  # Core: no ORM handling

    def save_record(self, record: StudyRecord) -> StudyRecord:
        [saved] = self.save_records([record], "保存学习学时" if record.id is None else "修改学习学时")
        return saved

    def save_records(
        self, records: Sequence[StudyRecord], operation: str = "批量录入学习学时"
    ) -> list[StudyRecord]:
        """Insert or replace study records in ONE unit of work (all or nothing)."""
        issues = []
        for r in records:
            if r.member_id is None:
                issues.append(FieldIssue("member_id", f"“{r.name}”：请从花名册中选择党员"))
            if r.hours <= 0:
                issues.append(FieldIssue("hours", f"“{r.name}”：学时应大于0"))
            if r.hours > 200:
                issues.append(FieldIssue("hours", f"“{r.name}”：一条记录的学时不应超过200"))
        if issues:
            raise ValidationError(issues)
        with self.ws.write(operation) as session:
            rows = []
            for r in records:
                name = self._member_name(r.member_id, session)
                values = dict(member_id=r.member_id, name=name, date=r.date, tenths=tenths_of(r.hours),
                              source=StudySource(r.source).value, title=r.title.strip()[:200],
                              meeting_id=r.meeting_id, activity_id=r.activity_id, note=r.note)  # fmt: skip
                if r.id is None:
                    row = StudyRow(branch_id=self.ws.branch_id, **values)
                    session.add(row)
                else:
                    row = session.get(StudyRow, r.id)
                    if row is None or row.branch_id != self.ws.branch_id:
                        raise NotFoundError(f"找不到编号为 {r.id} 的学时记录")
                    for k, v in values.items():
                        if getattr(row, k) != v:
                            setattr(row, k, v)
                rows.append(row)
            session.flush()
            return [_record(r) for r in rows]

    def delete_record(self, record_id: int) -> None:
        """Delete a study record (one audited unit of work, named after the record)."""
        with self.ws.read() as session:
            r = session.get(StudyRow, record_id)
            what = f"：{r.name} {r.date.isoformat()} {format_hours(hours_of(r.tenths))}学时" if r else ""
        with self.ws.write(f"删除学习学时{what}") as session:
            row = session.get(StudyRow, record_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {record_id} 的学时记录")
            session.delete(row)

    def _member_name(self, member_id: int | None, session: Session | None = None) -> str:
        if session is None:
            with self.ws.read() as own:
                return self._member_name(member_id, own)
        name = session.scalar(
            select(Member.name).where(Member.id == member_id, Member.branch_id == self.ws.branch_id)
        )
        if name is None:
            raise ValidationError([FieldIssue("member_id", f"编号为 {member_id} 的党员不在本支部")])
        return name

    # ------------------------------------------------------------------ 述职评议
    def duty_reports(self, year: int | None = None) -> list[DutyReport]:
        with self.ws.read() as session:
            q = select(DutyRow).where(DutyRow.branch_id == self.ws.branch_id)
            if year is not None:
                q = q.where(DutyRow.year == year)
            return [_duty(r) for r in session.scalars(q.order_by(DutyRow.year, DutyRow.id))]

    def save_duty_report(self, report: DutyReport) -> DutyReport:
        issues = []
        if report.member_id is None:
            issues.append(FieldIssue("member_id", "请选择述职人"))
        if not 2000 <= report.year <= 2100:
            issues.append(FieldIssue("year", "年度不正确"))
        if any(n < 0 for n in report.ratings.values()):
            issues.append(FieldIssue("ratings", "评议票数不能为负数"))
        if issues:
            raise ValidationError(issues)
        with self.ws.write(f"保存述职评议：{report.year}年 {report.name}") as session:
            name = self._member_name(report.member_id, session)
            values = dict(year=report.year, member_id=report.member_id, name=name, post=report.post[:50],
                          date=report.date, report=report.report, higher_rating=report.higher_rating[:20],
                          higher_by=report.higher_by[:100], note=report.note)  # fmt: skip
            for grade, column in _DUTY_FIELDS.items():
                values[column] = int(report.ratings.get(grade, 0))
            if report.id is None:
                row = DutyRow(branch_id=self.ws.branch_id, **values)
                session.add(row)
            else:
                row = session.get(DutyRow, report.id)
                if row is None or row.branch_id != self.ws.branch_id:
                    raise NotFoundError(f"找不到编号为 {report.id} 的述职评议记录")
                for k, v in values.items():
                    if getattr(row, k) != v:
                        setattr(row, k, v)
            session.flush()
            return _duty(row)

    def delete_duty_report(self, report_id: int) -> None:
        """Delete a 述职评议 (one audited unit of work, named after the report)."""
        with self.ws.read() as session:
            r = session.get(DutyRow, report_id)
            what = f"：{r.year}年 {r.name}" if r else ""
        with self.ws.write(f"删除述职评议{what}") as session:
            row = session.get(DutyRow, report_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {report_id} 的述职评议记录")
            session.delete(row)


def _record(r: StudyRow) -> StudyRecord:
    return StudyRecord(r.name, r.date, hours_of(r.tenths), StudySource(r.source), r.id, r.member_id, r.title,
                       r.meeting_id, r.activity_id, r.note)  # fmt: skip


def _duty(r: DutyRow) -> DutyReport:
    return DutyReport(
        r.year, r.name, r.id, r.member_id, r.post, r.date, r.report,
        {grade: getattr(r, column) for grade, column in _DUTY_FIELDS.items()}, r.higher_rating, r.higher_by,
        r.note,
    )  # fmt: skip


def with_study(records, ws: Workspace, meetings=None):
    """``records`` (BranchRecords) with the study snapshot MEM-STUDY-32H reads."""
    return replace(records, extra={**records.extra, "study": ws.study.snapshot(records.as_of, meetings)})
