"""Tables of the meeting minutes (三会一课 and the rest, domain.md §3, issue 4).

A ``meeting`` row is one meeting record: type (a ``domain.meetings.MeetingType`` code, or a custom
type of the branch in ``meeting_type``), date and times, mode, place, the people (chair, recorder,
lecturer), theme, audience (whole branch / committee / one party group), minutes text and, once
finalised, ``sealed_at``/``sealed_by``. Children: attendance (expected people with their status),
observers, agenda items (with their vote counts; an admission or conversion vote is the dossier's
``dossier_vote`` row, which carries ``meeting_id``), amendments appended after sealing, attachments
(bytes kept in the database with their SHA-256), appraisal grades, remediation items and talk pairs.

Loaded lazily like ``models_development`` (``db.models.full_metadata()`` imports it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db import models_development  # noqa: F401  (dossier ids; loads with it)
from branchdesk.db.models import Base
from branchdesk.db.types import UTCDateTime, utcnow

_MEETING_FK = "meeting.id"


class MeetingTypeRow(Base):
    """A meeting type the branch adds (党政联席会议, 专题议党会议 …)."""

    __tablename__ = "meeting_type"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    audience: Mapped[str] = mapped_column(String(20), default="branch")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Meeting(Base):
    """One meeting record (会议记录)."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_branch_date", "branch_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    type: Mapped[str] = mapped_column(String(30))  # MeetingType code; "custom" with custom_type_id
    custom_type_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_type.id", ondelete="SET NULL"))
    custom_type_name: Mapped[str] = mapped_column(String(50), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # planned / draft / sealed
    date: Mapped[dt.date] = mapped_column(Date)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    mode: Mapped[str] = mapped_column(String(20), default="offline")  # offline / online / hybrid
    platform: Mapped[str] = mapped_column(String(100), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    chair: Mapped[str] = mapped_column(String(50), default="")
    chair_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    recorder: Mapped[str] = mapped_column(String(50), default="")
    recorder_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    lecturer: Mapped[str] = mapped_column(String(50), default="")
    lecturer_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    theme: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(20), default="branch")  # branch / committee / group
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id", ondelete="SET NULL"))
    group_name: Mapped[str] = mapped_column(String(50), default="")  # as on the meeting day
    discussion: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    sealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sealed_by: Mapped[str] = mapped_column(String(50), default="")
    # 所属年度 of an annual record (组织生活会, 民主评议党员); None: the year it was held (migration 0010)
    for_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class MeetingAttendance(Base):
    """One expected person and how they attended (present / absent with reason / on leave)."""

    __tablename__ = "meeting_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # as on the meeting day
    member_type: Mapped[str] = mapped_column(String(20), default="full")  # on the meeting day
    status: Mapped[str] = mapped_column(String(20), default="present")
    reason: Mapped[str] = mapped_column(Text, default="")
    voter: Mapped[bool] = mapped_column(Boolean, default=True)
    # 0009: a full member left out of 应到: the kind (one of five) and the approval
    exclusion_kind: Mapped[str] = mapped_column(String(30), default="")
    exclusion_approved_on: Mapped[dt.date | None] = mapped_column(Date)
    exclusion_approved_by: Mapped[str] = mapped_column(String(100), default="")
    exclusion_decision: Mapped[str] = mapped_column(String(200), default="")


#: An attendance line that is not plain (plain: a member present, absent or on leave, no reason, no
#: exclusion): the check reads these whole and every other line as a number (services/meetings.py
#: `_attendance`), through a partial index on this condition (0019; the query repeats it word for word,
#: which is how SQLite knows the index serves it).
WHOLE_LINE = (
    "(member_id IS NULL OR reason <> '' OR exclusion_kind <> '' OR status NOT IN ('present', 'absent', 'leave')"
    " OR member_type NOT IN ('full', 'probationary'))"
)
WHOLE_LINE_INDEX = "ix_meeting_attendance_whole_line"


class MeetingObserver(Base):
    """列席: someone attending without being expected (activists at a general meeting …)."""

    __tablename__ = "meeting_observer"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(100), default="")
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"))


class AgendaItem(Base):
    """议程: title, discussion, decision and, when voted on, the counts of the ballot."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200))
    discussion: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    vote_kind: Mapped[str] = mapped_column(String(20), default="")  # "" / admission / conversion / ...
    expected: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    written_yes: Mapped[int] = mapped_column(Integer, default=0)
    written_no: Mapped[int] = mapped_column(Integer, default=0)
    written_abstain: Mapped[int] = mapped_column(Integer, default=0)
    written_before_meeting: Mapped[bool] = mapped_column(Boolean, default=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id", ondelete="SET NULL"), index=True)


class MeetingAmendment(Base):
    """A correction appended to a sealed record (the original stays as it was)."""

    __tablename__ = "meeting_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingAttachment(Base):
    """A file added to the record (sign-in sheet scan, photos), kept in the database with its checksum."""

    __tablename__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[str] = mapped_column(String(50), default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AppraisalGrade(Base):
    """民主评议党员: one member's grade (优秀/合格/基本合格/不合格)."""

    __tablename__ = "appraisal_grade"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(50))
    grade: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    # 民主测评: the votes the member received per grade (None: not recorded)
    votes_excellent: Mapped[int | None] = mapped_column(Integer)
    votes_qualified: Mapped[int | None] = mapped_column(Integer)
    votes_basic: Mapped[int | None] = mapped_column(Integer)
    votes_unqualified: Mapped[int | None] = mapped_column(Integer)


class RemediationItem(Base):
    """组织生活会: a problem found and its remediation, with owner and due date."""

    __tablename__ = "remediation_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    problem: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(50), default="")
    due: Mapped[dt.date | None] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="", server_default="")  # 整改佐证材料


class TalkPair(Base):
    """谈心谈话: who talked with whom, when."""

    __tablename__ = "talk_pair"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey(_MEETING_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    first: Mapped[str] = mapped_column(String(50))
    second: Mapped[str] = mapped_column(String(50))
    first_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    second_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    date: Mapped[dt.date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
