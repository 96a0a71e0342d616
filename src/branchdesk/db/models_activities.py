"""Tables of the branch's own work (domain.md §12, issue 15; migration 0013).

* ``work_kind``: the kinds a branch adds to the standard ones — of activities (beyond 志愿服务, 主题教育,
  参观学习, 微党课, 竞赛, 其他) and of posts (beyond 党员示范岗, 党员先锋岗, 党员监督岗, 党员责任区).
* ``assignment``: a member (``member_id``) or an activist (``dossier_id``) assigned to a dormitory, a class,
  named people (one per line, with a note), a 结对帮扶 pair or trio (the partners by name), or a post
  (``post_kind``: 党员示范岗 …) — with place, start and end.
* ``brand_project`` (党建品牌 / 立项项目) with ``brand_goal`` (yearly goals) and ``brand_recognition``
  (level, issuer, date).
* ``activity``: one activity (date and time, kind, title, place, organiser, brand project, content,
  outcome, press coverage); ``meeting_id`` links the meeting record when the activity WAS a meeting
  (a 主题党日 spent on volunteer service is one record: the meeting, which the calendar counts, and its
  activity, which the activity ledger lists — see services/activities.py). Participants from the roster
  with their hours (``activity_participant``), others as a count with total hours on the activity;
  attachments and photos with their SHA-256 (``activity_attachment``).
* ``study_record``: class hours of one member entered by hand or imported (党课, 学习, 培训, 网络课程),
  optionally linked to a meeting or an activity.
* ``duty_report`` (述职评议): a committee member's yearly report, the members' ratings (counts per grade)
  and the higher committee's rating.

Hours are stored as integer tenths of an hour (``*_tenths``): exact, like money in fen. Every table
carries its branch. Loaded lazily (``db.models.full_metadata()`` imports it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db import models_meetings  # noqa: F401  (meeting ids; loads with it)
from branchdesk.db.models import Base
from branchdesk.db.types import UTCDateTime, utcnow

_BRANCH = "branch.id"
_ACTIVITY = "activity.id"
_PROJECT = "brand_project.id"


class WorkKind(Base):
    """A kind the branch adds: ``category`` "activity" or "post"."""

    __tablename__ = "work_kind"
    __table_args__ = (UniqueConstraint("branch_id", "category", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Assignment(Base):
    """联系服务 / 结对帮扶 / 岗位: who (member or activist), what (kind and target), where, from when to when."""

    __tablename__ = "assignment"
    __table_args__ = (Index("ix_assignment_branch_kind", "branch_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), index=True)
    person: Mapped[str] = mapped_column(String(50))  # the member's or activist's name as recorded
    kind: Mapped[str] = mapped_column(String(20))  # dormitory / class / people / pair / post
    post_kind: Mapped[str] = mapped_column(String(50), default="")  # 党员示范岗 … (kind "post")
    target: Mapped[str] = mapped_column(String(200), default="")  # dormitory, class, post name
    people: Mapped[str] = mapped_column(Text, default="")  # named people / partners, one per line
    place: Mapped[str] = mapped_column(String(200), default="")
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class BrandProject(Base):
    """党建品牌 / 立项项目."""

    __tablename__ = "brand_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    slogan: Mapped[str] = mapped_column(String(200), default="")
    idea: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class BrandGoal(Base):
    """A brand project's goals for one year."""

    __tablename__ = "brand_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey(_PROJECT, ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    goals: Mapped[str] = mapped_column(Text, default="")


class BrandRecognition(Base):
    """A recognition of a brand project (level, issuer, date)."""

    __tablename__ = "brand_recognition"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey(_PROJECT, ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), default="")
    issuer: Mapped[str] = mapped_column(String(100), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)


class Activity(Base):
    """One activity of the branch (志愿服务, 主题教育, 参观学习, 微党课, 竞赛 …)."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_branch_date", "branch_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    kind: Mapped[str] = mapped_column(String(50))  # the kind's name (standard or the branch's own)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    organiser: Mapped[str] = mapped_column(String(100), default="")
    project_id: Mapped[int | None] = mapped_column(ForeignKey(_PROJECT, ondelete="SET NULL"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    press: Mapped[str] = mapped_column(Text, default="")
    others_count: Mapped[int] = mapped_column(Integer, default=0)
    others_tenths: Mapped[int] = mapped_column(Integer, default=0)  # their total hours, in tenths
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ActivityParticipant(Base):
    """A member (``member_id``) or an activist (``dossier_id``) who took part, with their hours."""

    __tablename__ = "activity_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey(_ACTIVITY, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), index=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(50))
    tenths: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(50), default="")  # 主讲 (微党课), 队长 …


class ActivityAttachment(Base):
    """A photo or file of an activity, kept in the database with its checksum."""

    __tablename__ = "activity_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey(_ACTIVITY, ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    is_photo: Mapped[bool] = mapped_column(default=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[str] = mapped_column(String(50), default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StudyRecord(Base):
    """Class hours of one member: a lecture, a study session, a training, an online course."""

    __tablename__ = "study_record"
    __table_args__ = (Index("ix_study_record_branch_date", "branch_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    date: Mapped[dt.date] = mapped_column(Date)
    tenths: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))  # lecture / study / training / online
    title: Mapped[str] = mapped_column(String(200), default="")
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey(_ACTIVITY, ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")


class DutyReport(Base):
    """述职评议: one committee member's report for a year and how it was rated."""

    __tablename__ = "duty_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH, ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(50))
    post: Mapped[str] = mapped_column(String(50), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)
    report: Mapped[str] = mapped_column(Text, default="")
    rated_good: Mapped[int] = mapped_column(Integer, default=0)  # 好
    rated_fairly_good: Mapped[int] = mapped_column(Integer, default=0)  # 较好
    rated_average: Mapped[int] = mapped_column(Integer, default=0)  # 一般
    rated_poor: Mapped[int] = mapped_column(Integer, default=0)  # 差
    higher_rating: Mapped[str] = mapped_column(String(20), default="")
    higher_by: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
