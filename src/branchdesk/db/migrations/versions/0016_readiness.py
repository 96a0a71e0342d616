"""readiness: rubrics per year, saved self-assessments, manual scores with attachments, the annual plan
and summary (issue 16)

Revision ID: 0016
Revises: 0009
Create Date: 2026-12-07 11:00:00

* ``rubric``: the branch's own copy of a rubric for a year (JSON of its dimensions and items);
* ``assessment``: a dated saved self-assessment with the rubric it was made with and its result;
* ``assessment_score`` / ``assessment_attachment``: manual scores with comment and attached files;
* ``plan_item``: dated items of the 年度工作计划; ``annual_summary``: the edited 年度工作总结.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _branch(table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f(f"fk_{table}_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _index(table: str) -> None:
    op.create_index(op.f(f"ix_{table}_branch_id"), table, ["branch_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "rubric",
        *_branch("rubric"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=50), nullable=False),
        sa.UniqueConstraint("branch_id", "name", "year", name=op.f("uq_rubric_branch_id")),
    )
    _index("rubric")
    op.create_table(
        "assessment",
        *_branch("assessment"),
        sa.Column("rubric_name", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("rubric", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("score", sa.String(length=20), nullable=False),
        sa.Column("max_score", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("made_by", sa.String(length=50), nullable=False),
    )
    _index("assessment")
    op.create_table(
        "assessment_score",
        *_branch("assessment_score"),
        sa.Column("rubric_name", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("item_key", sa.String(length=20), nullable=False),
        sa.Column("score", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scored_by", sa.String(length=50), nullable=False),
        sa.UniqueConstraint(
            "branch_id", "rubric_name", "year", "item_key", name=op.f("uq_assessment_score_branch_id")
        ),
    )
    _index("assessment_score")
    op.create_table(
        "assessment_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=50), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["assessment_score.id"],
            name=op.f("fk_assessment_attachment_score_id_assessment_score"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_attachment")),
    )
    op.create_index(
        op.f("ix_assessment_attachment_score_id"), "assessment_attachment", ["score_id"], unique=False
    )
    op.create_table(
        "plan_item",
        *_branch("plan_item"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=30), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    _index("plan_item")
    op.create_table(
        "annual_summary",
        *_branch("annual_summary"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=50), nullable=False),
        sa.UniqueConstraint("branch_id", "year", name=op.f("uq_annual_summary_branch_id")),
    )
    _index("annual_summary")


def downgrade() -> None:
    for table in ("annual_summary", "plan_item", "assessment_score", "assessment", "rubric"):
        op.drop_index(op.f(f"ix_{table}_branch_id"), table_name=table)
        if table == "assessment_score":
            op.drop_index(op.f("ix_assessment_attachment_score_id"), table_name="assessment_attachment")
            op.drop_table("assessment_attachment")
        op.drop_table(table)
