"""activities: the branch's own work — 联系服务 assignments and posts, activities with participants and
attachments, brand projects with goals and recognitions, study records, 述职评议; the branch's own kinds

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 09:30:00

Every new table carries its branch (``branch_id``). Hours are integer tenths of an hour.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "brand_project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("slogan", sa.String(length=200), nullable=False),
        sa.Column("idea", sa.Text(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_brand_project_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_project")),
    )
    op.create_index(op.f("ix_brand_project_branch_id"), "brand_project", ["branch_id"], unique=False)
    op.create_table(
        "work_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_work_kind_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_kind")),
        sa.UniqueConstraint("branch_id", "category", "name", name=op.f("uq_work_kind_branch_id")),
    )
    op.create_index(op.f("ix_work_kind_branch_id"), "work_kind", ["branch_id"], unique=False)
    op.create_table(
        "brand_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_brand_goal_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["brand_project.id"],
            name=op.f("fk_brand_goal_project_id_brand_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_goal")),
    )
    op.create_index(op.f("ix_brand_goal_branch_id"), "brand_goal", ["branch_id"], unique=False)
    op.create_index(op.f("ix_brand_goal_project_id"), "brand_goal", ["project_id"], unique=False)
    op.create_table(
        "brand_recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_brand_recognition_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["brand_project.id"],
            name=op.f("fk_brand_recognition_project_id_brand_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_brand_recognition")),
    )
    op.create_index(op.f("ix_brand_recognition_branch_id"), "brand_recognition", ["branch_id"], unique=False)
    op.create_index(
        op.f("ix_brand_recognition_project_id"), "brand_recognition", ["project_id"], unique=False
    )
    op.create_table(
        "duty_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("post", sa.String(length=50), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("rated_good", sa.Integer(), nullable=False),
        sa.Column("rated_fairly_good", sa.Integer(), nullable=False),
        sa.Column("rated_average", sa.Integer(), nullable=False),
        sa.Column("rated_poor", sa.Integer(), nullable=False),
        sa.Column("higher_rating", sa.String(length=20), nullable=False),
        sa.Column("higher_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_duty_report_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_duty_report_member_id_member"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_report")),
    )
    op.create_index(op.f("ix_duty_report_branch_id"), "duty_report", ["branch_id"], unique=False)
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("organiser", sa.String(length=100), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("press", sa.Text(), nullable=False),
        sa.Column("others_count", sa.Integer(), nullable=False),
        sa.Column("others_tenths", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_activity_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_activity_meeting_id_meeting"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["brand_project.id"],
            name=op.f("fk_activity_project_id_brand_project"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity")),
    )
    op.create_index("ix_activity_branch_date", "activity", ["branch_id", "date"], unique=False)
    op.create_index(op.f("ix_activity_meeting_id"), "activity", ["meeting_id"], unique=False)
    op.create_index(op.f("ix_activity_project_id"), "activity", ["project_id"], unique=False)
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("person", sa.String(length=50), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("post_kind", sa.String(length=50), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("people", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_assignment_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossier.id"], name=op.f("fk_assignment_dossier_id_dossier"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_assignment_member_id_member"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment")),
    )
    op.create_index("ix_assignment_branch_kind", "assignment", ["branch_id", "kind"], unique=False)
    op.create_index(op.f("ix_assignment_dossier_id"), "assignment", ["dossier_id"], unique=False)
    op.create_index(op.f("ix_assignment_member_id"), "assignment", ["member_id"], unique=False)
    op.create_table(
        "activity_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("is_photo", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("added_by", sa.String(length=50), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_attachment_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_activity_attachment_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_attachment")),
    )
    op.create_index(
        op.f("ix_activity_attachment_activity_id"), "activity_attachment", ["activity_id"], unique=False
    )
    op.create_index(
        op.f("ix_activity_attachment_branch_id"), "activity_attachment", ["branch_id"], unique=False
    )
    op.create_table(
        "activity_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_activity_participant_activity_id_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_activity_participant_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_activity_participant_dossier_id_dossier"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_activity_participant_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_participant")),
    )
    op.create_index(
        op.f("ix_activity_participant_activity_id"), "activity_participant", ["activity_id"], unique=False
    )
    op.create_index(
        op.f("ix_activity_participant_branch_id"), "activity_participant", ["branch_id"], unique=False
    )
    op.create_index(
        op.f("ix_activity_participant_member_id"), "activity_participant", ["member_id"], unique=False
    )
    op.create_table(
        "study_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("tenths", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activity.id"],
            name=op.f("fk_study_record_activity_id_activity"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_study_record_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_study_record_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_study_record_member_id_member"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_record")),
    )
    op.create_index("ix_study_record_branch_date", "study_record", ["branch_id", "date"], unique=False)
    op.create_index(op.f("ix_study_record_member_id"), "study_record", ["member_id"], unique=False)


def downgrade() -> None:
    for table in ("duty_report", "study_record", "activity_attachment", "activity_participant", "activity",
                  "brand_recognition", "brand_goal", "brand_project", "assignment", "work_kind"):  # fmt: skip
        op.drop_table(table)
