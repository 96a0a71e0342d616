"""rules: local settings with effective dates, the holiday calendar, approvals and exclusions with their kind

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-07 10:00:00

* ``branch.records_since``: the day the branch keeps its records here from (months before are never
  "missing"); empty = from its first meeting record.
* ``rule_setting_change``: a local rule setting's value from an effective date on (its history).
* ``holiday_day``: holidays and make-up working days entered for years the bundled calendar lacks.
* dossier: the report to the higher committee (上报日期) and who approved, the approval of a
  cancellation, the expected leaving date; extensions' approval; contact persons and sponsors of
  another branch (``outside``).
* exclusions from 应到: their kind (one of five) and the approval (date, by whom, the general meeting's
  decision), for dossier votes and on the attendance list; earlier exclusions written with one of the
  old form's standard reasons get that kind (their approval stays unrecorded).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("branch", sa.Column("records_since", sa.Date(), nullable=True))
    op.create_table(
        "rule_setting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_rule_setting_change_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_setting_change")),
    )
    op.create_index(
        op.f("ix_rule_setting_change_branch_id"), "rule_setting_change", ["branch_id"], unique=False
    )
    op.create_table(
        "holiday_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_day")),
        sa.UniqueConstraint("day", name=op.f("uq_holiday_day_day")),
    )
    for name, type_ in (
        ("approval_reported_on", sa.Date()),
        ("approval_by", sa.String(length=100)),
        ("conversion_reported_on", sa.Date()),
        ("conversion_approval_by", sa.String(length=100)),
        ("outcome_approval_date", sa.Date()),
        ("outcome_approval_by", sa.String(length=100)),
        ("expected_leave_date", sa.Date()),
    ):
        default = sa.text("''") if isinstance(type_, sa.String) else None
        op.add_column("dossier", sa.Column(name, type_, nullable=default is None, server_default=default))
    op.add_column("dossier_extension", sa.Column("approval_date", sa.Date(), nullable=True))
    op.add_column(
        "dossier_extension",
        sa.Column("approval_by", sa.String(length=100), nullable=False, server_default=sa.text("''")),
    )
    for table in ("dossier_contact", "dossier_sponsor"):
        op.add_column(table, sa.Column("outside", sa.Boolean(), nullable=False, server_default=sa.false()))
    for table, prefix in (("dossier_vote_exclusion", ""), ("meeting_attendance", "exclusion_")):
        op.add_column(
            table,
            sa.Column(f"{prefix}kind", sa.String(length=30), nullable=False, server_default=sa.text("''")),
        )
        op.add_column(table, sa.Column(f"{prefix}approved_on", sa.Date(), nullable=True))
        op.add_column(
            table,
            sa.Column(
                f"{prefix}approved_by", sa.String(length=100), nullable=False, server_default=sa.text("''")
            ),
        )
        op.add_column(
            table,
            sa.Column(
                f"{prefix}decision", sa.String(length=200), nullable=False, server_default=sa.text("''")
            ),
        )

    # Exclusions recorded before 0009 carry a reason only; those written with one of the standard reasons
    # the old form offered get their kind (their approval stays unrecorded: they are not valid until it is).
    for reason, kind in _OLD_REASONS.items():
        op.execute(
            sa.text(
                "UPDATE dossier_vote_exclusion SET kind = :kind WHERE kind = '' AND reason = :reason"
            ).bindparams(kind=kind, reason=reason)
        )


#: The standard reasons of the pre-0009 vote calculator and the kind (domain.votes.ExclusionKind) each names.
_OLD_REASONS = {
    "正在服刑": "deprived",
    "精神失常": "ill",
    "因病长期卧床": "infirm",
    "因私出国6个月以上": "abroad",
    "外出务工经商6个月以上且未转移组织关系": "away",
}


def downgrade() -> None:
    for table, prefix in (("dossier_vote_exclusion", ""), ("meeting_attendance", "exclusion_")):
        with op.batch_alter_table(table) as batch:
            for name in ("kind", "approved_on", "approved_by", "decision"):
                batch.drop_column(prefix + name)
    for table in ("dossier_contact", "dossier_sponsor"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("outside")
    with op.batch_alter_table("dossier_extension") as batch:
        batch.drop_column("approval_by")
        batch.drop_column("approval_date")
    with op.batch_alter_table("dossier") as batch:
        for name in (
            "approval_reported_on", "approval_by", "conversion_reported_on", "conversion_approval_by",
            "outcome_approval_date", "outcome_approval_by", "expected_leave_date",
        ):  # fmt: skip
            batch.drop_column(name)
    op.drop_table("holiday_day")
    op.drop_index(op.f("ix_rule_setting_change_branch_id"), table_name="rule_setting_change")
    op.drop_table("rule_setting_change")
    with op.batch_alter_table("branch") as batch:
        batch.drop_column("records_since")
