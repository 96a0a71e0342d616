"""activist date precision: an old development ledger's 确定入党积极分子时间 known to the month only

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 10:05:00

Like the paper dates of 0014: ``dossier.activist_date`` keeps the first day of the month, and
``activist_date_precision`` ("year", "month" or "day") says how much the ledger gave. DEV-ACTIVIST-1Y reads
it: a candidate date in the anniversary month is a warning that names the unknown day. Existing rows are
exact days.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "dossier",
        sa.Column("activist_date_precision", sa.String(length=5), nullable=False, server_default="day"),
    )


def downgrade() -> None:
    with op.batch_alter_table("dossier") as batch:
        batch.drop_column("activist_date_precision")
