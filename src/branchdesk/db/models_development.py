"""Tables of the development workflow (发展党员, domain.md §2): one dossier per person and its records.

A ``dossier`` row holds the person and every single-valued step of ``domain.development.Dossier``
(dates, decisions, political review, training, pre-review, approvals, outcome); the collections
(talks, filings, contact persons, assessments, thought reports, sponsors, extensions, checklist
items, votes with their excluded voters) are child tables, each row with its ``position`` in the
snapshot's tuple so that a dossier reads back exactly as it was saved. ``dossier_override`` keeps
the warnings a user accepted with a reason when recording a step.

Enumerated values are the codes of ``domain.development`` (Step, TalkKind, FilingKind …). The
mapping between these rows and the domain snapshot lives in one place:
``branchdesk.services.dev_mapping``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db.models import Base
from branchdesk.db.types import JSONText, UTCDateTime, utcnow

_DOSSIER_FK = "dossier.id"


class DevelopmentDossier(Base):
    """One person's development dossier (发展党员档案), linked to a member file once admitted."""

    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_branch", "branch_id", "name_pinyin"),
        Index("ix_dossier_id_number", "id_number"),
        Index("ix_dossier_member", "member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))

    # the person (may not be a member yet)
    name: Mapped[str] = mapped_column(String(50))
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    name_pinyin: Mapped[str] = mapped_column(String(200), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")  # 0014
    id_number: Mapped[str] = mapped_column(String(18), default="")
    sex: Mapped[str] = mapped_column(String(2), default="")  # from the ID number when it decodes

    # stage 1-2
    application_date: Mapped[dt.date | None] = mapped_column(Date)
    activist_date: Mapped[dt.date | None] = mapped_column(Date)
    activist_date_precision: Mapped[str] = mapped_column(
        String(5), default="day", server_default="day"
    )  # 0017
    activist_recommendation: Mapped[str] = mapped_column(String(30), default="")
    activist_decided_by: Mapped[str] = mapped_column(String(30), default="")
    activist_publicity_start: Mapped[dt.date | None] = mapped_column(Date)
    activist_publicity_end: Mapped[dt.date | None] = mapped_column(Date)

    # stage 3
    candidate_date: Mapped[dt.date | None] = mapped_column(Date)
    candidate_decided_by: Mapped[str] = mapped_column(String(30), default="")
    publicity_start: Mapped[dt.date | None] = mapped_column(Date)
    publicity_end: Mapped[dt.date | None] = mapped_column(Date)
    sponsors_date: Mapped[dt.date | None] = mapped_column(Date)
    political_review_date: Mapped[dt.date | None] = mapped_column(Date)
    political_review_passed: Mapped[bool] = mapped_column(Boolean, default=True)
    political_review_conclusion: Mapped[str] = mapped_column(Text, default="")
    training_start: Mapped[dt.date | None] = mapped_column(Date)
    training_end: Mapped[dt.date | None] = mapped_column(Date)
    training_days: Mapped[int | None] = mapped_column(Integer)
    training_hours: Mapped[int | None] = mapped_column(Integer)
    training_certificate: Mapped[str] = mapped_column(String(100), default="")

    # stage 4
    committee_review_date: Mapped[dt.date | None] = mapped_column(Date)
    pre_review_date: Mapped[dt.date | None] = mapped_column(Date)
    pre_review_passed: Mapped[bool] = mapped_column(Boolean, default=True)
    volunteer_form_number: Mapped[str] = mapped_column(String(50), default="")
    volunteer_form_date: Mapped[dt.date | None] = mapped_column(Date)
    admission_meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    approval_date: Mapped[dt.date | None] = mapped_column(Date)
    approval_extension_reason: Mapped[str] = mapped_column(Text, default="")

    # stage 5
    assignment_date: Mapped[dt.date | None] = mapped_column(Date)
    oath_date: Mapped[dt.date | None] = mapped_column(Date)
    join_date: Mapped[dt.date | None] = mapped_column(Date)
    conversion_application_date: Mapped[dt.date | None] = mapped_column(Date)
    conversion_meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    conversion_approval_date: Mapped[dt.date | None] = mapped_column(Date)
    conversion_approval_extension_reason: Mapped[str] = mapped_column(Text, default="")
    full_member_date: Mapped[dt.date | None] = mapped_column(Date)
    archive_date: Mapped[dt.date | None] = mapped_column(Date)

    # leaving the normal path
    rejected_on: Mapped[dt.date | None] = mapped_column(Date)
    transferred_in_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(30), default="")
    outcome_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    # 0009: the report to the higher committee (上报日期), who approved, a cancellation's approval, leaving
    approval_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    approval_by: Mapped[str] = mapped_column(String(100), default="")
    conversion_reported_on: Mapped[dt.date | None] = mapped_column(Date)
    conversion_approval_by: Mapped[str] = mapped_column(String(100), default="")
    outcome_approval_date: Mapped[dt.date | None] = mapped_column(Date)
    outcome_approval_by: Mapped[str] = mapped_column(String(100), default="")
    expected_leave_date: Mapped[dt.date | None] = mapped_column(Date)

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DossierTalk(Base):
    """谈话: first talk, activist talks, the higher committee's talk, conversion talk."""

    __tablename__ = "dossier_talk"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(30))
    date: Mapped[dt.date] = mapped_column(Date)
    interviewers: Mapped[list] = mapped_column(JSONText, default=list)  # names, in order
    place: Mapped[str] = mapped_column(String(200), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class DossierFiling(Base):
    """备案 to the higher committee (steps 4, 8, 18)."""

    __tablename__ = "dossier_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(30))
    date: Mapped[dt.date] = mapped_column(Date)
    recipient: Mapped[str] = mapped_column(String(100), default="")  # Filing.to
    number: Mapped[str] = mapped_column(String(50), default="")


class DossierContact(Base):
    """培养联系人 (1–2 full members)."""

    __tablename__ = "dossier_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    full_member: Mapped[bool] = mapped_column(Boolean, default=True)
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    outside: Mapped[bool] = mapped_column(Boolean, default=False)  # of another branch (0009)


class DossierAssessment(Base):
    """Half-yearly assessment (培养教育考察) with the branch's opinion."""

    __tablename__ = "dossier_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    date: Mapped[dt.date] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(Text, default="")


class DossierThoughtReport(Base):
    """思想汇报."""

    __tablename__ = "dossier_thought_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), default="")


class DossierSponsor(Base):
    """入党介绍人 (two full members, not under 留党察看)."""

    __tablename__ = "dossier_sponsor"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    full_member: Mapped[bool] = mapped_column(Boolean, default=True)
    under_watch: Mapped[bool] = mapped_column(Boolean, default=False)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    outside: Mapped[bool] = mapped_column(Boolean, default=False)  # of another branch (0009)


class DossierExtension(Base):
    """A decision to extend probation (its vote is a ``dossier_vote`` of kind "extension")."""

    __tablename__ = "dossier_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    date: Mapped[dt.date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    approval_date: Mapped[dt.date | None] = mapped_column(Date)  # the higher committee's approval (0009)
    approval_by: Mapped[str] = mapped_column(String(100), default="")


class DossierChecklistItem(Base):
    """An item present in the personal dossier (卷内材料); absent items have no row."""

    __tablename__ = "dossier_checklist_item"
    __table_args__ = (UniqueConstraint("dossier_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(40))


class DossierVote(Base):
    """A general meeting's secret ballot on the person: admission, conversion, extension, cancellation.

    ``ordinal`` tells extension votes apart (the extension's position); 0 for the others.
    """

    __tablename__ = "dossier_vote"
    __table_args__ = (UniqueConstraint("dossier_id", "kind", "ordinal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # admission / conversion / extension / cancellation
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    expected: Mapped[int] = mapped_column(Integer)  # 应到
    present: Mapped[int] = mapped_column(Integer)  # 实到
    yes: Mapped[int] = mapped_column(Integer)
    no: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    written_yes: Mapped[int] = mapped_column(Integer, default=0)
    written_no: Mapped[int] = mapped_column(Integer, default=0)
    written_abstain: Mapped[int] = mapped_column(Integer, default=0)
    written_before_meeting: Mapped[bool] = mapped_column(Boolean, default=True)
    # the meeting record the vote was taken at (models_meetings, revision 0004)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)


class DossierVoteExclusion(Base):
    """A full member left out of 应到 for a vote, with the recorded reason."""

    __tablename__ = "dossier_vote_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("dossier_vote.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(50))
    reason: Mapped[str] = mapped_column(Text)
    # 0009: one of the five kinds (domain.votes.ExclusionKind) and the approval
    kind: Mapped[str] = mapped_column(String(30), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    decision: Mapped[str] = mapped_column(String(200), default="")


class DossierOverride(Base):
    """A warning accepted with a reason when a step was recorded (who, when, which rule, why)."""

    __tablename__ = "dossier_override"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey(_DOSSIER_FK, ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")  # the warning as it was shown
    reason: Mapped[str] = mapped_column(Text)
    user: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# dossier_vote.meeting_id refers to the meeting table: both modules load together.
from branchdesk.db import models_meetings  # noqa: E402, F401
