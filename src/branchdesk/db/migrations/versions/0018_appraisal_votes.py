"""民主评议 votes per grade and 整改 evidence (issue 17)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:20:00

``appraisal_grade`` gains the 民主测评 votes a member received per grade (优秀, 合格, 基本合格, 不合格;
NULL when the record has none, as every existing row), printed on the 民主评议党员登记表.
``remediation_item`` gains ``evidence``: the 整改证据/佐证材料 of the 整改台账 ("" for existing rows).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

VOTE_COLUMNS = ("votes_excellent", "votes_qualified", "votes_basic", "votes_unqualified")


def upgrade() -> None:
    for name in VOTE_COLUMNS:
        op.add_column("appraisal_grade", sa.Column(name, sa.Integer(), nullable=True))
    op.add_column("remediation_item", sa.Column("evidence", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("remediation_item") as batch:
        batch.drop_column("evidence")
    with op.batch_alter_table("appraisal_grade") as batch:
        for name in VOTE_COLUMNS:
            batch.drop_column(name)
