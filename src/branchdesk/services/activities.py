"""Activities, brand projects and the branch's own kinds (issue 15, domain.md §12): ``ws.activities``.

Every mutation is one ``ws.write(...)`` unit of work (audited; 查阅 accounts cannot write). Results are the
snapshots of ``domain.activities`` (:class:`~branchdesk.domain.activities.Activity`,
:class:`~branchdesk.domain.activities.BrandProject`) or the small :class:`ActivitySummary` of the
year's list (counted in SQL: a year of 300 activities and 6,000 participations lists at once).

**A 主题党日 that was a volunteer activity is ONE record**: the meeting record (attendance, the
MTG-PARTYDAY-M calendar) and the activity that links it (``Activity.meeting_id``: kind, brand project,
hours, non-members, photos, press). The calendar counts the meeting; the activity ledger lists the
activity; the study hours count the day once (domain/activities.py). :meth:`ActivitiesService.from_meeting`
starts such an activity from the meeting record (date, times, place, the members present).

Photos: JPEG or PNG up to :data:`PHOTO_MAX_BYTES`, checked by their first bytes; other files are kept as
attachments. Both are stored in the database with their SHA-256 and verified when read back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from branchdesk.db.models import Member
from branchdesk.db.models_activities import (
    Activity as ActivityRow,
)
from branchdesk.db.models_activities import (
    ActivityAttachment,
    ActivityParticipant,
    BrandGoal,
    BrandRecognition,
    WorkKind,
)
from branchdesk.db.models_activities import (
    BrandProject as ProjectRow,
)
from branchdesk.domain.activities import (
    ACTIVITY_KINDS,
    POST_KINDS,
    Activity,
    ActivityHours,
    Attachment,
    BrandProject,
    Participant,
    Recognition,
    hours_of,
    tenths_of,
)
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.services.members import MEMBER_FILE
from branchdesk.services.scope import require

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = [
    "PHOTO_MAX_BYTES",
    "ActivitiesService",
    "ActivitySummary",
    "ChecksumError",
    "MemberActivity",
    "photo_kind",
]

PHOTO_MAX_BYTES = 10 * 1024 * 1024  # a phone photo is 2–6 MB
ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
_IN_CHUNK = 500


class ChecksumError(ValueError):
    """A stored attachment no longer matches its checksum."""


@dataclass(frozen=True)
class ActivitySummary:
    """One line of the year's list."""

    id: int
    date: dt.date
    kind: str
    title: str
    place: str
    project: str
    members: int  # participants from the roster (members and activists)
    others: int
    hours: Decimal  # everyone's hours
    photos: int
    meeting_id: int | None = None

    @property
    def people(self) -> int:
        return self.members + self.others


@dataclass(frozen=True)
class MemberActivity:
    """An activity on a member's file: what, when, their hours."""

    activity_id: int
    date: dt.date
    kind: str
    title: str
    hours: Decimal
    role: str = ""


def photo_kind(content: bytes) -> str:
    """ "jpeg" / "png" by the first bytes, "" for anything else."""
    if content[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if content[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return ""


def _invalid(message: str, field: str = "") -> ValidationError:
    return ValidationError([FieldIssue(field, message)])


class ActivitiesService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ------------------------------------------------------------------ kinds
    def kinds(self, category: str = "activity") -> list[str]:
        """The standard kinds of ``category`` ("activity" / "post") and those the branch added."""
        standard = list(ACTIVITY_KINDS if category == "activity" else POST_KINDS)
        with self.ws.read() as session:
            own = session.scalars(
                select(WorkKind.name)
                .where(WorkKind.branch_id == self.ws.branch_id, WorkKind.category == category)
                .order_by(WorkKind.sort_order, WorkKind.id)
            ).all()
        return standard + [k for k in own if k not in standard]

    def add_kind(self, name: str, category: str = "activity") -> list[str]:
        """Add a kind of activity or post of the branch's own (e.g. 理论宣讲, 党员服务岗)."""
        name = (name or "").strip()
        if not name:
            raise _invalid("请填写类型名称", "kind")
        if len(name) > 50:
            raise _invalid("类型名称不能超过50个字", "kind")
        if category not in ("activity", "post"):
            raise ValueError(category)
        if name in self.kinds(category):
            raise _invalid(f"已有类型“{name}”", "kind")
        what = "活动类型" if category == "activity" else "岗位类型"
        with self.ws.write(f"新增{what}：{name}") as session:
            last = session.scalar(
                select(func.max(WorkKind.sort_order)).where(WorkKind.branch_id == self.ws.branch_id)
            )
            session.add(WorkKind(branch_id=self.ws.branch_id, category=category, name=name,
                                 sort_order=(last or 0) + 1))  # fmt: skip
        return self.kinds(category)

    # ------------------------------------------------------------------ reading
    def list(self, year: int | None = None, *, kind: str | None = None,
             project_id: int | None = None) -> list[ActivitySummary]:  # fmt: skip
        """The activities (of ``year``) by date, with people and hours counted in SQL."""
        branch_id = self.ws.branch_id
        with self.ws.read() as session:
            people = (
                select(ActivityParticipant.activity_id.label("aid"), func.count().label("n"),
                       func.coalesce(func.sum(ActivityParticipant.tenths), 0).label("t"))
                .where(ActivityParticipant.branch_id == branch_id)
                .group_by(ActivityParticipant.activity_id)
                .subquery()
            )  # fmt: skip
            photos = (
                select(ActivityAttachment.activity_id.label("aid"), func.count().label("n"))
                .where(ActivityAttachment.branch_id == branch_id, ActivityAttachment.is_photo.is_(True))
                .group_by(ActivityAttachment.activity_id)
                .subquery()
            )
            q = (
                select(ActivityRow.id, ActivityRow.date, ActivityRow.kind, ActivityRow.title, ActivityRow.place,
                       func.coalesce(ProjectRow.name, ""), func.coalesce(people.c.n, 0),
                       ActivityRow.others_count, func.coalesce(people.c.t, 0) + ActivityRow.others_tenths,
                       func.coalesce(photos.c.n, 0), ActivityRow.meeting_id)
                .outerjoin(ProjectRow, ProjectRow.id == ActivityRow.project_id)
                .outerjoin(people, people.c.aid == ActivityRow.id)
                .outerjoin(photos, photos.c.aid == ActivityRow.id)
                .where(ActivityRow.branch_id == branch_id)
            )  # fmt: skip
            q = _in_year(q, year)
            if kind:
                q = q.where(ActivityRow.kind == kind)
            if project_id is not None:
                q = q.where(ActivityRow.project_id == project_id)
            rows = session.execute(q.order_by(ActivityRow.date, ActivityRow.id)).all()
        return [
            ActivitySummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], hours_of(r[8]), r[9], r[10])
            for r in rows
        ]

    def years(self) -> list[int]:
        """The years with activities, newest first."""
        with self.ws.read() as session:
            days = session.scalars(
                select(ActivityRow.date).where(ActivityRow.branch_id == self.ws.branch_id).distinct()
            ).all()
        return sorted({d.year for d in days}, reverse=True)

    def get(self, activity_id: int) -> Activity:
        with self.ws.read() as session:
            row = self._row(session, activity_id)
            return _load(session, [row])[0]

    def all(self, year: int | None = None) -> list[Activity]:
        """Every activity (of ``year``) with participants and attachments (not their bytes), by date."""
        with self.ws.read() as session:
            q = _in_year(select(ActivityRow).where(ActivityRow.branch_id == self.ws.branch_id), year)
            return _load(session, session.scalars(q.order_by(ActivityRow.date, ActivityRow.id)).all())

    def for_member(self, member_id: int, year: int | None = None) -> list[MemberActivity]:
        """The activities a member took part in (of ``year``), with their hours."""
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            q = (
                select(ActivityRow.id, ActivityRow.date, ActivityRow.kind, ActivityRow.title,
                       ActivityParticipant.tenths, ActivityParticipant.role)
                .join(ActivityParticipant, ActivityParticipant.activity_id == ActivityRow.id)
                .where(ActivityRow.branch_id == self.ws.branch_id, ActivityParticipant.member_id == member_id)
            )  # fmt: skip
            rows = session.execute(_in_year(q, year).order_by(ActivityRow.date, ActivityRow.id)).all()
        return [MemberActivity(r[0], r[1], r[2], r[3], hours_of(r[4]), r[5]) for r in rows]

    def hours_feed(self, year: int, session: Session | None = None) -> list[ActivityHours]:
        """What the study hours need of the year's activities: kind, meeting link, member → tenths."""
        if session is None:
            with self.ws.read() as own:
                return self.hours_feed(year, own)
        q = (
            select(ActivityRow.id, ActivityRow.kind, ActivityRow.date, ActivityRow.title, ActivityRow.meeting_id,
                   ActivityParticipant.member_id, ActivityParticipant.tenths)
            .outerjoin(ActivityParticipant, ActivityParticipant.activity_id == ActivityRow.id)
            .where(ActivityRow.branch_id == self.ws.branch_id)
        )  # fmt: skip
        out: dict[int, tuple] = {}
        # Core rows through the session's connection, fetched at once: no ORM result handling, no fetch
        # per row (the check of every branch)
        rows = session.connection().execute(_in_year(q, year)).all()
        for aid, kind, day, title, meeting_id, member_id, tenths in rows:
            entry = out.setdefault(aid, (kind, day, title, meeting_id, {}))
            if member_id is not None:
                entry[4][member_id] = entry[4].get(member_id, 0) + (tenths or 0)
        return [ActivityHours(aid, k, d, t, m, h) for aid, (k, d, t, m, h) in out.items()]

    def member_awards(
        self, start: dt.date, end: dt.date
    ) -> list[tuple[dt.date, str, str, str, str, str, str]]:
        """奖惩 of the branch's members dated in [start, end]: (date, name, kind, title, level, issuer,
        notes), by date — for the 奖惩与荣誉台账 (recorded on the member files)."""
        from branchdesk.db.models import MemberAward

        with self.ws.read() as session:
            rows = session.execute(
                select(MemberAward.date, Member.name, MemberAward.kind, MemberAward.title, MemberAward.level,
                       MemberAward.issuer, MemberAward.notes)
                .join(Member, Member.id == MemberAward.member_id)
                .where(Member.branch_id == self.ws.branch_id, MemberAward.date >= start, MemberAward.date <= end)
                .order_by(MemberAward.date, MemberAward.id)
            ).all()  # fmt: skip
        return [tuple(r) for r in rows]

    # ------------------------------------------------------------------ writing
    def save(self, activity: Activity) -> Activity:
        """Insert (``id`` None) or replace an activity with its participants (attachments stay)."""
        activity = self._validated(activity)
        operation = "新增活动记录" if activity.id is None else "修改活动记录"
        with self.ws.write(f"{operation}：{activity.title}") as session:
            activity_id = self._store(session, activity)
        return self.get(activity_id)

    def save_many(self, activities: Sequence[Activity], operation: str = "导入活动记录") -> list[int]:
        """Insert several activities in ONE unit of work (the import): all or nothing."""
        checked = [self._validated(a) for a in activities]
        with self.ws.write(operation) as session:
            return [self._store(session, a) for a in checked]

    def delete(self, activity_id: int) -> None:
        with self.ws.write("删除活动记录") as session:
            session.delete(self._row(session, activity_id))

    def from_meeting(self, meeting_id: int, kind: str = "志愿服务", hours: Decimal | None = None) -> Activity:
        """An unsaved activity for a meeting that was one (a 主题党日 of volunteer service): its date,
        times, place and theme, the members present as participants, linked by ``meeting_id``."""
        from branchdesk.domain.activities import meeting_tenths

        m = self.ws.meetings.get(meeting_id)
        each = hours_of(meeting_tenths(m.start_time, m.end_time)) if hours is None else Decimal(hours)
        people = tuple(Participant(a.name, each, a.member_id) for a in m.attendance if a.present)
        return Activity(date=m.date, kind=kind, title=m.theme or m.title, start_time=m.start_time,
                        end_time=m.end_time, place=m.place, organiser=m.chair, meeting_id=meeting_id,
                        participants=people)  # fmt: skip

    def _validated(self, a: Activity) -> Activity:
        issues: list[FieldIssue] = []
        title = (a.title or "").strip()
        kind = (a.kind or "").strip()
        if not title:
            issues.append(FieldIssue("title", "请填写活动名称"))
        if not kind:
            issues.append(FieldIssue("kind", "请选择活动类型"))
        elif kind not in self.kinds("activity"):
            issues.append(FieldIssue("kind", f"没有活动类型“{kind}”，请先在类型中新增"))
        if not isinstance(a.date, dt.date):
            issues.append(FieldIssue("date", "请填写活动日期"))
        if a.start_time and a.end_time and a.end_time < a.start_time:
            issues.append(FieldIssue("end_time", "结束时间早于开始时间"))
        if a.others_count < 0 or a.others_hours < 0:
            issues.append(FieldIssue("others_count", "其他参加人数和学时不能为负数"))
        seen: set = set()
        for p in a.participants:
            key = ("m", p.member_id) if p.member_id is not None else ("d", p.dossier_id, p.name.strip())
            if key in seen:
                issues.append(FieldIssue("participants", f"参加人员“{p.name}”重复"))
            seen.add(key)
            if p.hours < 0:
                issues.append(FieldIssue("participants", f"“{p.name}”的时长不能为负数"))
            if p.member_id is None and p.dossier_id is None:
                issues.append(
                    FieldIssue("participants", f"“{p.name}”不在花名册或积极分子名单中；其他人员请计入人数")
                )
        if issues:
            raise ValidationError(issues)
        return replace(a, title=title[:200], kind=kind)

    def _store(self, session: Session, a: Activity) -> int:
        from branchdesk.db.models_development import DevelopmentDossier

        branch_id = self.ws.branch_id
        members = {p.member_id for p in a.participants if p.member_id is not None}
        found = dict(session.execute(
            select(Member.id, Member.name).where(Member.branch_id == branch_id, Member.id.in_(members))
        ).all()) if members else {}  # fmt: skip
        dossiers = {p.dossier_id for p in a.participants if p.dossier_id is not None and p.member_id is None}
        activists = dict(session.execute(
            select(DevelopmentDossier.id, DevelopmentDossier.name)
            .where(DevelopmentDossier.branch_id == branch_id, DevelopmentDossier.id.in_(dossiers))
        ).all()) if dossiers else {}  # fmt: skip
        missing = [p.name for p in a.participants
                   if (p.member_id is not None and p.member_id not in found)
                   or (p.member_id is None and p.dossier_id not in activists)]  # fmt: skip
        if missing:
            raise _invalid("参加人员不在本支部：" + "、".join(missing), "participants")
        project = session.get(ProjectRow, a.project_id) if a.project_id is not None else None
        if a.project_id is not None and (project is None or project.branch_id != branch_id):
            raise _invalid("找不到所选的党建品牌项目", "project_id")
        values = dict(
            date=a.date, start_time=a.start_time, end_time=a.end_time, kind=a.kind, title=a.title,
            place=a.place.strip()[:200], organiser=a.organiser.strip()[:100], project_id=a.project_id,
            meeting_id=a.meeting_id, content=a.content, outcome=a.outcome, press=a.press,
            others_count=int(a.others_count), others_tenths=tenths_of(a.others_hours),
        )  # fmt: skip
        if a.id is None:
            row = ActivityRow(branch_id=branch_id, **values)
            session.add(row)
            session.flush()
        else:
            row = self._row(session, a.id)
            for key, value in values.items():
                if getattr(row, key) != value:
                    setattr(row, key, value)
            old = {(p.member_id, p.dossier_id): p for p in session.scalars(
                select(ActivityParticipant).where(ActivityParticipant.activity_id == row.id))}  # fmt: skip
            wanted = {(p.member_id, p.dossier_id if p.member_id is None else None) for p in a.participants}
            for key, p in old.items():
                if key not in wanted:
                    session.delete(p)
            session.flush()
            existing = {k: p for k, p in old.items() if k in wanted}
        if a.id is None:
            existing = {}
        for position, p in enumerate(a.participants):
            key = (p.member_id, p.dossier_id if p.member_id is None else None)
            name = found.get(p.member_id) if p.member_id is not None else activists.get(p.dossier_id)
            fields = dict(position=position, name=name or p.name, tenths=tenths_of(p.hours), role=p.role[:50])
            current = existing.get(key)
            if current is None:
                session.add(ActivityParticipant(branch_id=branch_id, activity_id=row.id, member_id=key[0],
                                                dossier_id=key[1], **fields))  # fmt: skip
            else:
                for k, v in fields.items():
                    if getattr(current, k) != v:
                        setattr(current, k, v)
        session.flush()
        return row.id

    def _row(self, session: Session, activity_id: int) -> ActivityRow:
        row = session.get(ActivityRow, activity_id)
        if row is None or row.branch_id != self.ws.branch_id:
            raise NotFoundError(f"找不到编号为 {activity_id} 的活动记录")
        return row

    # ------------------------------------------------------------------ attachments
    def add_attachment(self, activity_id: int, path: str | Path | None = None, *, name: str = "",
                       content: bytes | None = None, note: str = "") -> Attachment:  # fmt: skip
        """Store a photo (JPEG/PNG up to 10 MB, recognised by its first bytes) or another file with its
        SHA-256."""
        from branchdesk.domain.file_names import safe_file_name

        if content is None:
            path = Path(path)
            size = path.stat().st_size
            if size > ATTACHMENT_MAX_BYTES:
                raise _invalid(
                    f"文件“{path.name}”超过{ATTACHMENT_MAX_BYTES // 1024 // 1024} MB，不能添加", "attachments"
                )
            content = path.read_bytes()
            name = name or path.name
        kind = photo_kind(content)
        suffix = Path(name).suffix.lower()
        if suffix in (".jpg", ".jpeg", ".png") and not kind:
            raise _invalid(f"“{name}”不是有效的JPEG或PNG图片", "attachments")
        if kind and len(content) > PHOTO_MAX_BYTES:
            raise _invalid(
                f"照片“{name}”超过{PHOTO_MAX_BYTES // 1024 // 1024} MB，请压缩后再添加", "attachments"
            )
        if len(content) > ATTACHMENT_MAX_BYTES:
            raise _invalid(
                f"文件“{name}”超过{ATTACHMENT_MAX_BYTES // 1024 // 1024} MB，不能添加", "attachments"
            )
        digest = hashlib.sha256(content).hexdigest()
        with self.ws.write("添加活动照片" if kind else "添加活动附件") as session:
            self._row(session, activity_id)
            a = ActivityAttachment(
                branch_id=self.ws.branch_id, activity_id=activity_id, file_name=safe_file_name(name),
                sha256=digest, size=len(content), is_photo=bool(kind), content=content, note=note[:200],
                added_by=self.ws.user,
            )  # fmt: skip
            session.add(a)
            session.flush()
            return Attachment(a.id, a.file_name, a.sha256, a.size, a.added_by, a.added_at, a.note, a.is_photo)

    def attachment_content(self, attachment_id: int) -> bytes:
        """The stored bytes, verified against the checksum (:class:`ChecksumError` when they differ)."""
        with self.ws.read() as session:
            a = session.get(ActivityAttachment, attachment_id)
            if a is None or a.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {attachment_id} 的附件")
            content = bytes(a.content)
            if hashlib.sha256(content).hexdigest() != a.sha256:
                raise ChecksumError(f"附件“{a.file_name}”的内容与保存时的校验值不符，可能已损坏")
            return content

    def remove_attachment(self, attachment_id: int) -> None:
        with self.ws.write("删除活动附件") as session:
            a = session.get(ActivityAttachment, attachment_id)
            if a is None or a.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {attachment_id} 的附件")
            session.delete(a)

    # ------------------------------------------------------------------ brand projects
    def projects(self) -> list[BrandProject]:
        with self.ws.read() as session:
            rows = session.scalars(
                select(ProjectRow).where(ProjectRow.branch_id == self.ws.branch_id).order_by(ProjectRow.id)
            ).all()
            ids = [r.id for r in rows]
            goals: dict[int, dict[int, str]] = {}
            for g in session.scalars(
                select(BrandGoal).where(BrandGoal.project_id.in_(ids)).order_by(BrandGoal.year)
            ):
                goals.setdefault(g.project_id, {})[g.year] = g.goals
            recognitions: dict[int, list[Recognition]] = {}
            for r in session.scalars(
                select(BrandRecognition)
                .where(BrandRecognition.project_id.in_(ids))
                .order_by(BrandRecognition.date)
            ):
                recognitions.setdefault(r.project_id, []).append(
                    Recognition(r.title, r.level, r.issuer, r.date)
                )
            return [
                BrandProject(r.name, r.id, r.slogan, r.idea, r.start, r.end, r.note, goals.get(r.id, {}),
                             tuple(recognitions.get(r.id, ())))
                for r in rows
            ]  # fmt: skip

    def project(self, project_id: int) -> BrandProject:
        for p in self.projects():
            if p.id == project_id:
                return p
        raise NotFoundError(f"找不到编号为 {project_id} 的党建品牌项目")

    def save_project(self, project: BrandProject) -> BrandProject:
        """Insert or replace a brand project with its yearly goals and recognitions."""
        name = (project.name or "").strip()
        if not name:
            raise _invalid("请填写项目名称", "name")
        if project.start and project.end and project.end < project.start:
            raise _invalid("项目结束日期早于开始日期", "end")
        for r in project.recognitions:
            if not r.title.strip():
                raise _invalid("获奖情况请填写荣誉名称", "recognitions")
        branch_id = self.ws.branch_id
        with self.ws.write(f"保存党建品牌项目：{name}") as session:
            values = dict(name=name[:100], slogan=project.slogan[:200], idea=project.idea, start=project.start,
                          end=project.end, note=project.note)  # fmt: skip
            if project.id is None:
                row = ProjectRow(branch_id=branch_id, **values)
                session.add(row)
                session.flush()
            else:
                row = session.get(ProjectRow, project.id)
                if row is None or row.branch_id != branch_id:
                    raise NotFoundError(f"找不到编号为 {project.id} 的党建品牌项目")
                for k, v in values.items():
                    if getattr(row, k) != v:
                        setattr(row, k, v)
            old_goals = {
                g.year: g for g in session.scalars(select(BrandGoal).where(BrandGoal.project_id == row.id))
            }
            for year, g in old_goals.items():
                if year not in project.goals:
                    session.delete(g)
                elif g.goals != project.goals[year]:
                    g.goals = project.goals[year]
            for year, text in project.goals.items():
                if year not in old_goals:
                    session.add(BrandGoal(branch_id=branch_id, project_id=row.id, year=int(year), goals=text))
            old = list(session.scalars(select(BrandRecognition).where(BrandRecognition.project_id == row.id)))
            keep = {(r.title, r.level, r.issuer, r.date) for r in project.recognitions}
            have = set()
            for r in old:
                key = (r.title, r.level, r.issuer, r.date)
                if key not in keep or key in have:
                    session.delete(r)
                have.add(key)
            for r in project.recognitions:
                key = (r.title.strip(), r.level, r.issuer, r.date)
                if key not in have:
                    session.add(BrandRecognition(branch_id=branch_id, project_id=row.id, title=key[0][:200],
                                                 level=r.level[:20], issuer=r.issuer[:100], date=r.date))  # fmt: skip
                    have.add(key)
            project_id = row.id
        return self.project(project_id)

    def project_activity_count(self, project_id: int) -> int:
        """How many activities (any year) belong to the project: what deleting it unlinks."""
        with self.ws.read() as session:
            require(session, ProjectRow, project_id, self.ws.branch_id, "党建品牌项目")
            return session.scalar(
                select(func.count()).select_from(ActivityRow).where(
                    ActivityRow.branch_id == self.ws.branch_id, ActivityRow.project_id == project_id
                )
            ) or 0  # fmt: skip

    def delete_project(self, project_id: int) -> None:
        """Delete a project with its yearly goals and recognitions, in one audited unit of work; its
        activities stay, without a project (``project_activity_count`` says how many)."""
        with self.ws.read() as session:
            name = session.scalar(select(ProjectRow.name).where(ProjectRow.id == project_id))
        with self.ws.write(f"删除党建品牌项目：{name}" if name else "删除党建品牌项目") as session:
            row = session.get(ProjectRow, project_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {project_id} 的党建品牌项目")
            for a in session.scalars(select(ActivityRow).where(ActivityRow.project_id == project_id)):
                a.project_id = None
            # through the session, not the foreign key's cascade: the audit trail names what went with it
            for model in (BrandGoal, BrandRecognition):
                for child in session.scalars(select(model).where(model.project_id == project_id)):
                    session.delete(child)
            session.flush()
            session.delete(row)


# ====================================================================== loading
def _in_year(q, year: int | None):
    if year is None:
        return q
    return q.where(ActivityRow.date >= dt.date(year, 1, 1), ActivityRow.date <= dt.date(year, 12, 31))


def _load(session: Session, rows: Iterable[ActivityRow]) -> list[Activity]:
    rows = list(rows)
    ids = [r.id for r in rows]
    people: dict[int, list[Participant]] = {}
    files: dict[int, list[Attachment]] = {}
    projects = dict(session.execute(select(ProjectRow.id, ProjectRow.name)).all()) if rows else {}
    for at in range(0, len(ids), _IN_CHUNK):
        chunk = ids[at : at + _IN_CHUNK]
        for p in session.execute(
            select(ActivityParticipant.activity_id, ActivityParticipant.name, ActivityParticipant.tenths,
                   ActivityParticipant.member_id, ActivityParticipant.dossier_id, ActivityParticipant.role)
            .where(ActivityParticipant.activity_id.in_(chunk))
            .order_by(ActivityParticipant.activity_id, ActivityParticipant.position, ActivityParticipant.id)
        ):  # fmt: skip
            people.setdefault(p[0], []).append(Participant(p[1], hours_of(p[2]), p[3], p[4], p[5]))
        for f in session.execute(
            select(ActivityAttachment.activity_id, ActivityAttachment.id, ActivityAttachment.file_name,
                   ActivityAttachment.sha256, ActivityAttachment.size, ActivityAttachment.added_by,
                   ActivityAttachment.added_at, ActivityAttachment.note, ActivityAttachment.is_photo)
            .where(ActivityAttachment.activity_id.in_(chunk))
            .order_by(ActivityAttachment.activity_id, ActivityAttachment.id)
        ):  # fmt: skip
            files.setdefault(f[0], []).append(Attachment(*f[1:]))
    return [
        Activity(
            date=r.date, kind=r.kind, title=r.title, id=r.id, start_time=r.start_time, end_time=r.end_time,
            place=r.place, organiser=r.organiser, project_id=r.project_id,
            project_name=projects.get(r.project_id, "") if r.project_id else "", meeting_id=r.meeting_id,
            content=r.content, outcome=r.outcome, press=r.press, participants=tuple(people.get(r.id, ())),
            others_count=r.others_count, others_hours=hours_of(r.others_tenths),
            attachments=tuple(files.get(r.id, ())),
        )
        for r in rows
    ]  # fmt: skip
