"""student fields: 人员身份 (teacher / student / staff / other), 学号, 年级, 班级, 专业 on the member

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-07 09:00:00

A students' branch keeps each member's class and major (issue 18: 所在班级 was dropped by the import).
The columns are empty for every member already stored. Search-as-you-type also finds a member by
学号, 班级 or 专业, so the member search index (0002) covers them too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("person_category", 20),
    ("student_number", 30),
    ("grade", 20),
    ("class_name", 50),
    ("major", 100),
)


_SEARCH_BEFORE = [
    "branch_id",
    "status",
    "name_pinyin",
    "name",
    "name_initials",
    "id_number",
    "mobile",
    "landline",
]
_SEARCH_AFTER = [*_SEARCH_BEFORE, "student_number", "class_name", "major"]


def upgrade() -> None:
    for name, length in _COLUMNS:
        op.add_column(
            "member", sa.Column(name, sa.String(length=length), nullable=False, server_default=sa.text("''"))
        )
    op.drop_index("ix_member_search", table_name="member")
    op.create_index("ix_member_search", "member", _SEARCH_AFTER)


def downgrade() -> None:
    op.drop_index("ix_member_search", table_name="member")
    op.create_index("ix_member_search", "member", _SEARCH_BEFORE)
    with op.batch_alter_table("member") as batch:
        for name, _length in reversed(_COLUMNS):
            batch.drop_column(name)
