"""date precision: paper dates known only to the year or month ("2008", "2008年9月", "1999.03")

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-07 09:20:00

A roster's 出生年月 or an old 入党时间 often gives a year and a month only, a founding date sometimes only the
year. The date column keeps the first day of the period (sorting and comparisons work as before) and a new
``<column>_precision`` column says how much of it the paper gave: "year", "month" or "day". Existing rows
are day-precise ("day"), as the program stored them.

Columns: member birth_date, join_date, conversion_date, activist_date, work_start_date; branch founded_on;
dossier birth_date (the age rule DEV-AGE reads it; the activist date's precision is 0017).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = {
    "member": ("birth_date", "join_date", "conversion_date", "activist_date", "work_start_date"),
    "branch": ("founded_on",),
    "dossier": ("birth_date",),
}


def upgrade() -> None:
    for table, names in COLUMNS.items():
        for name in names:
            op.add_column(
                table,
                sa.Column(f"{name}_precision", sa.String(length=5), nullable=False, server_default="day"),
            )


def downgrade() -> None:
    for table, names in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name in names:
                batch.drop_column(f"{name}_precision")
