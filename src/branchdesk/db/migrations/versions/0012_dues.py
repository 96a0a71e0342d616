"""dues: yearly assessments, payments with the months they cover, remittances, exemptions

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-07 10:00:00

Until now a member had a monthly amount (``member.dues_monthly_fen``) and the month the dues were paid
up to (``member.dues_paid_to``). The upgrade turns that into records:

* one payment per month (``converted``), at the recorded monthly amount, from January of the year of
  "paid up to" (or the month of admission / transfer in, if later) to that month; dated the first day
  of the month, collector unknown;
* the yearly assessment of that year: category read from the amount (0.20 yuan without a basis: 学生;
  a basis: 在职, or 离退休 when only the pension brackets give the recorded amount), the bracket's
  amount, and the recorded amount in force (an override with its reason when they differ).

The old columns stay (the member form still shows them; the dues service keeps "paid up to" current).
Rows written here have no audit entries of their own: the database is marked ``baseline_pending``, so
the next start records them in the audit trail (as migration 0008 does).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dues_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("basis_fen", sa.Integer(), nullable=True),
        sa.Column("rate_bp", sa.Integer(), nullable=True),
        sa.Column("computed_fen", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_dues_assessment_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_assessment_member_id_member"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_assessment")),
        sa.UniqueConstraint("member_id", "year", "from_month", name=op.f("uq_dues_assessment_member_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_dues_assessment_branch_id"), "dues_assessment", ["branch_id"], unique=False)
    op.create_table(
        "dues_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("collector", sa.String(length=50), nullable=False),
        sa.Column("converted", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_dues_payment_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_payment_member_id_member"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payment")),
    )  # fmt: skip
    op.create_index("ix_dues_payment_branch_date", "dues_payment", ["branch_id", "paid_on"], unique=False)
    op.create_index(op.f("ix_dues_payment_member_id"), "dues_payment", ["member_id"], unique=False)
    op.create_table(
        "dues_payment_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"],
                                name=op.f("fk_dues_payment_month_member_id_member"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["payment_id"], ["dues_payment.id"],
                                name=op.f("fk_dues_payment_month_payment_id_dues_payment"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payment_month")),
        sa.UniqueConstraint("member_id", "month", name=op.f("uq_dues_payment_month_member_id")),
    )  # fmt: skip
    op.create_index(
        op.f("ix_dues_payment_month_payment_id"), "dues_payment_month", ["payment_id"], unique=False
    )
    op.create_index("ix_dues_payment_month_month", "dues_payment_month", ["month"], unique=False)
    op.create_table(
        "dues_remittance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("remitted_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=False),
        sa.Column("receipt_no", sa.String(length=50), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("handled_by", sa.String(length=50), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_dues_remittance_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_remittance")),
    )  # fmt: skip
    op.create_index(op.f("ix_dues_remittance_branch_id"), "dues_remittance", ["branch_id"], unique=False)
    op.create_table(
        "dues_exemption",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("from_month", sa.Date(), nullable=False),
        sa.Column("to_month", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_dues_exemption_branch_id_branch"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_exemption_member_id_member"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_exemption")),
    )  # fmt: skip
    op.create_index(op.f("ix_dues_exemption_branch_id"), "dues_exemption", ["branch_id"], unique=False)
    op.create_index(op.f("ix_dues_exemption_member_id"), "dues_exemption", ["member_id"], unique=False)
    if convert_paid_to(op.get_bind()):
        op.execute(sa.text("UPDATE audit_head SET baseline_pending = :yes WHERE id = 1").bindparams(yes=True))


def convert_paid_to(conn) -> int:
    """Payments (one per month, ``converted``) and the year's assessment from each member's monthly
    amount and "paid up to"; returns how many payments were written."""
    from branchdesk.domain.dues import DuesCategory, dues_amount, dues_rate_bp, month_date, month_index

    member = sa.table(
        "member", sa.column("id"), sa.column("branch_id"), sa.column("join_date"),
        sa.column("transferred_in_date"), sa.column("dues_basis_fen"), sa.column("dues_monthly_fen"),
        sa.column("dues_paid_to"),
    )  # fmt: skip
    assessment = sa.table(
        "dues_assessment", *(sa.column(c) for c in (
            "branch_id", "member_id", "year", "from_month", "category", "basis_fen", "rate_bp",
            "computed_fen", "amount_fen", "override_reason", "notes")),
    )  # fmt: skip
    payment = sa.table(
        "dues_payment", *(sa.column(c) for c in (
            "id", "branch_id", "member_id", "paid_on", "amount_fen", "collector", "converted", "notes",
            "created_at")),
    )  # fmt: skip
    months = sa.table(
        "dues_payment_month", *(sa.column(c) for c in ("payment_id", "member_id", "month", "amount_fen"))
    )
    rows = conn.execute(
        sa.select(member).where(member.c.dues_monthly_fen.is_not(None), member.c.dues_paid_to.is_not(None))
    ).all()
    now = dt.datetime.now(dt.UTC)
    if conn.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    next_id = (conn.execute(sa.select(sa.func.max(payment.c.id))).scalar() or 0) + 1
    pays, covered, assessed = [], [], []
    for r in rows:
        paid_to = _as_date(r.dues_paid_to)
        last = month_index(paid_to)
        first = month_index((paid_to.year, 1))
        for since in (r.join_date, r.transferred_in_date):
            if since is not None:
                first = max(first, month_index(_as_date(since)))
        basis, amount = r.dues_basis_fen, r.dues_monthly_fen
        if basis is None:
            category = DuesCategory.STUDENT if amount == 20 else DuesCategory.NO_INCOME
            rate, computed = None, 20
        elif (
            dues_amount(DuesCategory.EMPLOYED, basis) != amount
            and dues_amount(DuesCategory.RETIRED, basis) == amount
        ):
            category, rate, computed = DuesCategory.RETIRED, dues_rate_bp("retired", basis), amount
        else:
            category = DuesCategory.EMPLOYED
            rate, computed = dues_rate_bp(category, basis), dues_amount(category, basis)
        assessed.append({
            "branch_id": r.branch_id, "member_id": r.id, "year": paid_to.year,
            "from_month": month_date(first).month if month_date(first).year == paid_to.year else 1,
            "category": category.value, "basis_fen": basis, "rate_bp": rate, "computed_fen": computed,
            "amount_fen": amount,
            "override_reason": "" if computed == amount else "升级前记录的月缴党费",
            "notes": "由升级前的月缴党费折算",
        })  # fmt: skip
        for m in range(first, last + 1):
            pays.append({
                "id": next_id, "branch_id": r.branch_id, "member_id": r.id, "paid_on": month_date(m),
                "amount_fen": amount, "collector": "", "converted": True,
                "notes": "由升级前的“党费交至”记录折算", "created_at": now,
            })  # fmt: skip
            covered.append(
                {"payment_id": next_id, "member_id": r.id, "month": month_date(m), "amount_fen": amount}
            )
            next_id += 1
    if assessed:
        conn.execute(assessment.insert(), assessed)
    if pays:
        conn.execute(payment.insert(), pays)
        conn.execute(months.insert(), covered)
    return len(pays) + len(assessed)


def _as_date(value) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def downgrade() -> None:
    for name in (
        "dues_exemption",
        "dues_remittance",
        "dues_payment_month",
        "dues_payment",
        "dues_assessment",
    ):
        op.drop_table(name)
