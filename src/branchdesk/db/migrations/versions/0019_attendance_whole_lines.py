"""A partial index on the attendance lines the check reads whole (issue 13, "Scale")

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:50:00

`branchdesk check` reads a meeting's plain attendance lines (a member present, absent or on leave, no
reason, no exclusion) as numbers the database joins, and the others whole. This index holds only the
others (one line in fifteen in the demo), so finding them no longer walks every line of the branch.
No data changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

INDEX = "ix_meeting_attendance_whole_line"
# as models_meetings.WHOLE_LINE when written (a migration keeps its own copy)
WHOLE_LINE = (
    "(member_id IS NULL OR reason <> '' OR exclusion_kind <> '' OR status NOT IN ('present', 'absent', 'leave')"
    " OR member_type NOT IN ('full', 'probationary'))"
)


def upgrade() -> None:
    op.create_index(
        INDEX,
        "meeting_attendance",
        ["meeting_id"],
        sqlite_where=sa.text(WHOLE_LINE),
        postgresql_where=sa.text(WHOLE_LINE),
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="meeting_attendance")
