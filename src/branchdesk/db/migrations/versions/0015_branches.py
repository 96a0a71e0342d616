"""branches: roles per branch, the audit entry's branch, transfers of members (组织关系转接)

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-07 11:00:00

* ``account_branch_role``: the role an account holds on one branch above its own (管理员 of one branch,
  查阅 of the others). An account's own role (``user_account.role``) keeps holding on every branch, so
  a one-branch database upgrades unchanged: existing accounts keep their role on that branch.
* ``audit_entry.branch_id``: the branch an entry was written for (hashed with it when there is one;
  entries before this revision have none and keep their hash).
* ``member_transfer``: a member's transfer between branches of this database (one action, the history
  follows the member) or in or out of it, with the 组织关系介绍信 (letter number, origin or
  destination, validity, return slip) — the source of the 组织关系转接台账.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account_branch_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["user_account.id"],
            name=op.f("fk_account_branch_role_account_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_account_branch_role_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_branch_role")),
        sa.UniqueConstraint("account_id", "branch_id", name=op.f("uq_account_branch_role_account_id")),
    )
    op.add_column("audit_entry", sa.Column("branch_id", sa.Integer(), nullable=True))
    op.create_table(
        "member_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("from_branch_id", sa.Integer(), nullable=True),
        sa.Column("to_branch_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("letter_no", sa.String(length=50), nullable=False),
        sa.Column("letter_valid_until", sa.Date(), nullable=True),
        sa.Column("return_slip_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_transfer_member_id_member"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_branch_id"],
            ["branch.id"],
            name=op.f("fk_member_transfer_from_branch_id_branch"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_branch_id"],
            ["branch.id"],
            name=op.f("fk_member_transfer_to_branch_id_branch"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_transfer")),
    )
    op.create_index(op.f("ix_member_transfer_member_id"), "member_transfer", ["member_id"], unique=False)
    op.create_index("ix_member_transfer_date", "member_transfer", ["date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_member_transfer_date", table_name="member_transfer")
    op.drop_index(op.f("ix_member_transfer_member_id"), table_name="member_transfer")
    op.drop_table("member_transfer")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("branch_id")
    op.drop_table("account_branch_role")
