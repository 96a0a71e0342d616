"""Tables of party dues (党费, domain.md §5, issue 14; migration 0012).

* ``dues_assessment`` — the yearly assessment (年度核定) of a member: category, basis, rate, the computed
  amount and the amount in force (an override carries its reason). A change during the year is another
  row of the same year with a later ``from_month`` (1–12): the amount applies from that month on.
* ``dues_payment`` — one payment: date, amount, who collected it, ``converted`` for the payments the
  0012 upgrade made from the old "paid up to" field; ``dues_payment_month`` — the months it covers
  (first day of each month), each with its share of the amount. A month is paid once per member.
* ``dues_remittance`` — money handed to the higher committee (上缴): date, amount, months, receipt number.
* ``dues_exemption`` — months not owed here, with the reason (an approved exemption, or a 流动党员
  paying where they are): they stop MEM-DUES-6M.

Money in integer fen. Loaded lazily like ``models_meetings`` (``db.models.full_metadata()`` imports it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from branchdesk.db.models import Base
from branchdesk.db.types import UTCDateTime, utcnow

_MEMBER_FK = "member.id"
_BRANCH_FK = "branch.id"


class DuesAssessment(Base):
    """年度核定: a member's monthly dues for a year from ``from_month`` on."""

    __tablename__ = "dues_assessment"
    __table_args__ = (UniqueConstraint("member_id", "year", "from_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[int] = mapped_column(Integer, default=1)  # 1..12: in force from this month
    category: Mapped[str] = mapped_column(String(20))  # domain.dues.DuesCategory
    basis_fen: Mapped[int | None] = mapped_column(Integer)
    rate_bp: Mapped[int | None] = mapped_column(Integer)  # 0.5 % = 50; None: a flat amount
    computed_fen: Mapped[int] = mapped_column(Integer)  # from the brackets
    amount_fen: Mapped[int] = mapped_column(Integer)  # in force: computed, or the override
    override_reason: Mapped[str] = mapped_column(Text, default="")
    changed_on: Mapped[dt.date | None] = mapped_column(Date)  # a change during the year: when decided
    notes: Mapped[str] = mapped_column(Text, default="")


class DuesPayment(Base):
    """One payment of a member (it may cover several months)."""

    __tablename__ = "dues_payment"
    __table_args__ = (Index("ix_dues_payment_branch_date", "branch_id", "paid_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    collector: Mapped[str] = mapped_column(String(50), default="")
    converted: Mapped[bool] = mapped_column(Boolean, default=False)  # made by the 0012 upgrade
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuesPaymentMonth(Base):
    """A month a payment covers, with its share of the amount."""

    __tablename__ = "dues_payment_month"
    __table_args__ = (UniqueConstraint("member_id", "month"), Index("ix_dues_payment_month_month", "month"))

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("dues_payment.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)  # the first day of the month
    amount_fen: Mapped[int] = mapped_column(Integer)


class DuesRemittance(Base):
    """党费上缴: money handed to the higher committee."""

    __tablename__ = "dues_remittance"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    remitted_on: Mapped[dt.date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[dt.date] = mapped_column(Date)  # first day of the first month covered
    to_month: Mapped[dt.date] = mapped_column(Date)  # first day of the last month covered
    receipt_no: Mapped[str] = mapped_column(String(50), default="")
    recipient: Mapped[str] = mapped_column(String(100), default="")
    handled_by: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class DuesExemption(Base):
    """Months a member does not owe here, with the reason (stops MEM-DUES-6M)."""

    __tablename__ = "dues_exemption"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey(_BRANCH_FK, ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey(_MEMBER_FK, ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # domain.dues.ExemptionKind
    from_month: Mapped[dt.date] = mapped_column(Date)
    to_month: Mapped[dt.date | None] = mapped_column(Date)  # None: until further notice
    reason: Mapped[str] = mapped_column(Text, default="")
    approved_by: Mapped[str] = mapped_column(String(100), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
