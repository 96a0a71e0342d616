"""Tables of the readiness area (issue 16, migration 0016): rubrics, saved self-assessments, manual
scores with their attachments, the annual plan's items and the annual summary.

* ``rubric``: the branch's own copy of a rubric for a year (``content``: ``Rubric.to_dict()``), written
  when the branch edits or imports one; a year without a copy uses the latest earlier copy of that name,
  else the rubric shipped in resources/rubrics.
* ``assessment``: a dated saved copy of a scored self-assessment: the rubric it was made with and the
  result (``Assessment.to_dict()`` plus the manual comments), so a later edit of the rubric never changes it.
* ``assessment_score``: a manual score of one item (rubric name, year, item key) with its comment;
  ``assessment_attachment``: files attached to it (bytes with their SHA-256, like meeting attachments).
* ``plan_item``: a dated item of the 年度工作计划 (the 工作台 follows it until it is done).
* ``annual_summary``: the edited text of the 年度工作总结 of a year.

Loaded lazily like ``models_meetings`` (``db.models.full_metadata()`` imports it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db.models import Base
from branchdesk.db.types import JSONText, UTCDateTime, utcnow

_BRANCH_FK = "branch.id"


class RubricRow(Base):
    __tablename__ = "rubric"
    __table_args__ = (UniqueConstraint("branch_id", "name", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    content: Mapped[Any] = mapped_column(JSONText)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(50), default="")


class AssessmentRow(Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    rubric_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    made_on: Mapped[dt.date] = mapped_column(Date)
    rubric: Mapped[Any] = mapped_column(JSONText)  # the rubric it was made with
    result: Mapped[Any] = mapped_column(JSONText)
    score: Mapped[str] = mapped_column(String(20))
    max_score: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_by: Mapped[str] = mapped_column(String(50), default="")


class AssessmentScoreRow(Base):
    __tablename__ = "assessment_score"
    __table_args__ = (UniqueConstraint("branch_id", "rubric_name", "year", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    rubric_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    item_key: Mapped[str] = mapped_column(String(20))
    score: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    scored_by: Mapped[str] = mapped_column(String(50), default="")


class AssessmentAttachmentRow(Base):
    __tablename__ = "assessment_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("assessment_score.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    added_by: Mapped[str] = mapped_column(String(50), default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PlanItemRow(Base):
    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    area: Mapped[str] = mapped_column(String(30), default="")
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class AnnualSummaryRow(Base):
    __tablename__ = "annual_summary"
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(50), default="")
