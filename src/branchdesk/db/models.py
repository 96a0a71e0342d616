"""SQLAlchemy 2 typed models.

Multi-branch from day one: every record hangs off a branch, even though the office PC usually holds one.
Enumerated values are stored as the codes of `branchdesk.domain.vocab`; money as integer fen; dates as
`datetime.date`; timestamps as aware UTC datetimes.
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
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from branchdesk.db.types import JSONText, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Branch(Base):
    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    founded_on_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    higher_committee: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    committee_term_start: Mapped[dt.date | None] = mapped_column(Date)
    committee_term_end: Mapped[dt.date | None] = mapped_column(Date)
    # the branch keeps its records here from this day (0009); None = from its first meeting record
    records_since: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    groups: Mapped[list[PartyGroup]] = relationship(back_populates="branch", order_by="PartyGroup.sort_order")


class BranchHonour(Base):
    """An honour the branch itself received (先进基层党组织 …)."""

    __tablename__ = "branch_honour"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(20), default="")


class PartyGroup(Base):
    __tablename__ = "party_group"
    __table_args__ = (UniqueConstraint("branch_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    branch: Mapped[Branch] = relationship(back_populates="groups")


class Member(Base):
    """A Party member's file (党员档案): the national 16-item set plus the common extras."""

    __tablename__ = "member"
    __table_args__ = (
        # Covering index of the member page: filters, name order and every searched column (0002).
        Index(
            "ix_member_search",
            "branch_id",
            "status",
            "name_pinyin",
            "name",
            "name_initials",
            "id_number",
            "mobile",
            "landline",
            "student_number",  # 0011: 学号, 班级 and 专业 are searched too
            "class_name",
            "major",
        ),
        Index("ix_member_initials", "name_initials"),
        Index("ix_member_mobile", "mobile"),
        Index("ix_member_group", "group_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id", ondelete="SET NULL"))
    is_group_leader: Mapped[bool] = mapped_column(Boolean, default=False)

    name: Mapped[str] = mapped_column(String(50))
    name_initials: Mapped[str] = mapped_column(String(50), default="")
    name_pinyin: Mapped[str] = mapped_column(String(200), default="")
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    sex: Mapped[str] = mapped_column(String(2), default="")
    ethnicity: Mapped[str] = mapped_column(String(20), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    native_place: Mapped[str] = mapped_column(String(100), default="")
    education: Mapped[str] = mapped_column(String(20), default="")
    degree: Mapped[str] = mapped_column(String(20), default="")

    member_type: Mapped[str] = mapped_column(String(20), default="full", index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")
    status_date: Mapped[dt.date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")

    join_date: Mapped[dt.date | None] = mapped_column(Date)
    conversion_date: Mapped[dt.date | None] = mapped_column(Date)
    activist_date: Mapped[dt.date | None] = mapped_column(Date)
    sponsors: Mapped[str] = mapped_column(String(100), default="")
    transferred_in_date: Mapped[dt.date | None] = mapped_column(Date)

    work_start_date: Mapped[dt.date | None] = mapped_column(Date)
    work_unit: Mapped[str] = mapped_column(String(100), default="")
    job: Mapped[str] = mapped_column(String(100), default="")
    post: Mapped[str] = mapped_column(String(100), default="")
    party_post: Mapped[str] = mapped_column(String(100), default="")

    mobile: Mapped[str] = mapped_column(String(20), default="")
    landline: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")

    lost_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    lost_contact_since: Mapped[dt.date | None] = mapped_column(Date)
    is_mobile_member: Mapped[bool] = mapped_column(Boolean, default=False)
    mobile_whereabouts: Mapped[str] = mapped_column(String(200), default="")
    watch_until: Mapped[dt.date | None] = mapped_column(Date)  # 留党察看 until (exclusive of voting)

    dues_basis_fen: Mapped[int | None] = mapped_column(Integer)
    dues_monthly_fen: Mapped[int | None] = mapped_column(Integer)
    dues_paid_to: Mapped[dt.date | None] = mapped_column(Date)

    dossier_location: Mapped[str] = mapped_column(String(200), default="")
    # 人员身份 and the student fields (0011): a students' branch records class and major
    person_category: Mapped[str] = mapped_column(String(20), default="")
    student_number: Mapped[str] = mapped_column(String(30), default="")
    grade: Mapped[str] = mapped_column(String(20), default="")
    class_name: Mapped[str] = mapped_column(String(50), default="")
    major: Mapped[str] = mapped_column(String(100), default="")
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # how precise the paper dates are (0014): "year", "month" or "day"; the date column holds the first day
    birth_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    join_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    conversion_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    activist_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")
    work_start_date_precision: Mapped[str] = mapped_column(String(5), default="day", server_default="day")

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    group: Mapped[PartyGroup | None] = relationship()


class MemberStatusChange(Base):
    """History of status changes: a member is never deleted, their status changes with a date and reason."""

    __tablename__ = "member_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    # transfers (组织关系转接)
    letter_no: Mapped[str] = mapped_column(String(50), default="")
    destination: Mapped[str] = mapped_column(String(200), default="")
    letter_valid_until: Mapped[dt.date | None] = mapped_column(Date)
    return_slip_received: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class MemberTransfer(Base):
    """A transfer of a member (组织关系转接, 0015): between branches of this database (``internal``: the
    member, their history and dossier move in one action), or in or out of it with the 组织关系介绍信."""

    __tablename__ = "member_transfer"
    __table_args__ = (Index("ix_member_transfer_date", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # internal / in / out (domain.transfers.TransferKind)
    date: Mapped[dt.date] = mapped_column(Date)
    from_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="SET NULL"))
    to_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(200), default="")  # in: the organisation it came from
    destination: Mapped[str] = mapped_column(String(200), default="")  # out: where the letter goes
    letter_no: Mapped[str] = mapped_column(String(50), default="")
    letter_valid_until: Mapped[dt.date | None] = mapped_column(Date)
    return_slip_on: Mapped[dt.date | None] = mapped_column(Date)  # 回执 received on
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CommitteeMember(Base):
    """A post on the branch committee (支委会) held for a term."""

    __tablename__ = "committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    post: Mapped[str] = mapped_column(String(20))
    term_start: Mapped[dt.date] = mapped_column(Date)
    term_end: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)


class MemberAward(Base):
    """奖惩: an award or a punishment of a member."""

    __tablename__ = "member_award"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[str] = mapped_column(String(20), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class RuleSettingChange(Base):
    """A local rule setting's value from an effective date on (0009): the settings page shows the history,
    and each step is judged by the value in force on its date."""

    __tablename__ = "rule_setting_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(Text)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(50), default="")


class HolidayDay(Base):
    """A holiday (``kind`` holiday) or make-up working day (workday) of the State Council's notice,
    entered for a year the bundled calendar does not know (0009). National, so not per branch."""

    __tablename__ = "holiday_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(100), default="")


class Setting(Base):
    """Settings kept in the database: a branch's own (``branch_id``: local-practice thresholds …) or
    database-wide (``branch_id`` NULL: the account policy, the branch last used …); see
    services/settings.py for which keys are which. One row per (branch, key), one per database-wide key.
    """

    __tablename__ = "setting"
    # (and "uq_setting_database_key", unique key among the database-wide rows: see full_metadata)
    __table_args__ = (Index("uq_setting_branch_key", "branch_id", "key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[object] = mapped_column(JSONText)


class AuditEntry(Base):
    """One row per changed entity per operation: who, when, what, and before/after of changed fields.

    The entries form a hash chain (revision 0005, see `db/uow.py`): `seq` numbers them 1, 2, 3 … in the
    order they were committed, `hash` is the SHA-256 of the entry's content and `prev_hash` (the hash of
    entry `seq - 1`), so an edit, deletion, insertion or reordering done outside the program shows.
    Code never writes these rows itself: the unit of work does, or `uow.add_entries` for bulk work.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entity", "entity", "entity_id"),
        Index("ix_audit_entry_seq", "seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(50))
    operation: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(10))  # insert / update / delete
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict] = mapped_column(JSONText)
    # the branch the entry was written for (0015; None: the database's, or written before 0015)
    branch_id: Mapped[int | None] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The end of the audit chain: one row (id 1) with the newest entry's `seq` and `hash`.

    Updated in the same transaction as every append, so deleting the newest entries (which leaves no
    gap inside the chain) still shows: the head then points beyond the last entry.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    # set by migration 0008 on a database that held records: the next start records the baseline
    # entries that make the trail match the data (services/audit_replay), then clears it
    baseline_pending: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


def full_metadata() -> MetaData:
    """The metadata of every table, the development dossiers' included.

    Their models live in `models_development` and load with the development service, not at start-up
    (their import costs ~60 ms that the first paint of the member page does not need).
    """
    from branchdesk.db import (  # noqa: F401  (their tables)
        models_activities,
        models_auth,
        models_development,
        models_dues,
        models_meetings,
        models_readiness,
    )

    if "uq_setting_database_key" not in {i.name for i in Setting.__table__.indexes}:
        # A partial index: NULLs are distinct in a unique index, so the database-wide rows (branch_id NULL)
        # need their own. Declared here, not on the class, because naming a dialect's option loads that
        # dialect (SQLite's and PostgreSQL's: ~30 ms of start-up); the migrations create it (0007).
        Index(
            "uq_setting_database_key",
            Setting.__table__.c.key,
            unique=True,
            sqlite_where=text("branch_id IS NULL"),
            postgresql_where=text("branch_id IS NULL"),
        )
    attendance = models_meetings.MeetingAttendance.__table__
    if models_meetings.WHOLE_LINE_INDEX not in {i.name for i in attendance.indexes}:
        # 0019: the few attendance lines the check reads whole (services/meetings.py `_attendance`)
        Index(
            models_meetings.WHOLE_LINE_INDEX,
            attendance.c.meeting_id,
            sqlite_where=text(models_meetings.WHOLE_LINE),
            postgresql_where=text(models_meetings.WHOLE_LINE),
        )
    return Base.metadata
