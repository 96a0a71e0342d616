"""paper: the year an annual record belongs to (所属年度)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 11:00:00

* ``meeting.for_year``: the year a 组织生活会 or 民主评议党员 record belongs to. The 2025 组织生活会 is
  often held in January or February 2026 (after the year's work is summed up, before the Spring
  Festival); the record is then the 2025 record. Records of other types leave it empty (their year is
  the year they were held). Existing annual records get the default: held in January or February → the
  year before, else the year held.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ANNUAL_TYPES = ("org_life", "appraisal")


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.add_column(sa.Column("for_year", sa.Integer(), nullable=True))
    conn = op.get_bind()
    meeting = sa.table("meeting", sa.column("id", sa.Integer), sa.column("type", sa.String),
                       sa.column("date", sa.Date), sa.column("for_year", sa.Integer))  # fmt: skip
    rows = conn.execute(sa.select(meeting.c.id, meeting.c.date).where(meeting.c.type.in_(ANNUAL_TYPES))).all()
    for meeting_id, held in rows:
        if held is None:
            continue
        year = held.year - 1 if held.month <= 2 else held.year
        conn.execute(sa.update(meeting).where(meeting.c.id == meeting_id).values(for_year=year))


def downgrade() -> None:
    with op.batch_alter_table("meeting") as batch_op:
        batch_op.drop_column("for_year")
