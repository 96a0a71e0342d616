"""development workflow: dossiers, their step records, votes with exclusions, accepted warnings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:26:16.025056
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "dossier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_initials", sa.String(length=50), nullable=False),
        sa.Column("name_pinyin", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("sex", sa.String(length=2), nullable=False),
        sa.Column("application_date", sa.Date(), nullable=True),
        sa.Column("activist_date", sa.Date(), nullable=True),
        sa.Column("activist_recommendation", sa.String(length=30), nullable=False),
        sa.Column("activist_decided_by", sa.String(length=30), nullable=False),
        sa.Column("activist_publicity_start", sa.Date(), nullable=True),
        sa.Column("activist_publicity_end", sa.Date(), nullable=True),
        sa.Column("candidate_date", sa.Date(), nullable=True),
        sa.Column("candidate_decided_by", sa.String(length=30), nullable=False),
        sa.Column("publicity_start", sa.Date(), nullable=True),
        sa.Column("publicity_end", sa.Date(), nullable=True),
        sa.Column("sponsors_date", sa.Date(), nullable=True),
        sa.Column("political_review_date", sa.Date(), nullable=True),
        sa.Column("political_review_passed", sa.Boolean(), nullable=False),
        sa.Column("political_review_conclusion", sa.Text(), nullable=False),
        sa.Column("training_start", sa.Date(), nullable=True),
        sa.Column("training_end", sa.Date(), nullable=True),
        sa.Column("training_days", sa.Integer(), nullable=True),
        sa.Column("training_hours", sa.Integer(), nullable=True),
        sa.Column("training_certificate", sa.String(length=100), nullable=False),
        sa.Column("committee_review_date", sa.Date(), nullable=True),
        sa.Column("pre_review_date", sa.Date(), nullable=True),
        sa.Column("pre_review_passed", sa.Boolean(), nullable=False),
        sa.Column("volunteer_form_number", sa.String(length=50), nullable=False),
        sa.Column("volunteer_form_date", sa.Date(), nullable=True),
        sa.Column("admission_meeting_date", sa.Date(), nullable=True),
        sa.Column("approval_date", sa.Date(), nullable=True),
        sa.Column("approval_extension_reason", sa.Text(), nullable=False),
        sa.Column("assignment_date", sa.Date(), nullable=True),
        sa.Column("oath_date", sa.Date(), nullable=True),
        sa.Column("join_date", sa.Date(), nullable=True),
        sa.Column("conversion_application_date", sa.Date(), nullable=True),
        sa.Column("conversion_meeting_date", sa.Date(), nullable=True),
        sa.Column("conversion_approval_date", sa.Date(), nullable=True),
        sa.Column("conversion_approval_extension_reason", sa.Text(), nullable=False),
        sa.Column("full_member_date", sa.Date(), nullable=True),
        sa.Column("archive_date", sa.Date(), nullable=True),
        sa.Column("rejected_on", sa.Date(), nullable=True),
        sa.Column("transferred_in_date", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_dossier_branch_id_branch")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_dossier_member_id_member"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier")),
    )
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.create_index("ix_dossier_branch", ["branch_id", "name_pinyin"], unique=False)
        batch_op.create_index("ix_dossier_id_number", ["id_number"], unique=False)
        batch_op.create_index("ix_dossier_member", ["member_id"], unique=False)

    op.create_table(
        "dossier_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_assessment_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_assessment")),
    )
    with op.batch_alter_table("dossier_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_assessment_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_checklist_item_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_checklist_item")),
        sa.UniqueConstraint("dossier_id", "item", name=op.f("uq_dossier_checklist_item_dossier_id")),
    )
    with op.batch_alter_table("dossier_checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_checklist_item_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "dossier_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("full_member", sa.Boolean(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_contact_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_dossier_contact_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_contact")),
    )
    with op.batch_alter_table("dossier_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_contact_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_extension_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_extension")),
    )
    with op.batch_alter_table("dossier_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_extension_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_filing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=False),
        sa.Column("number", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_filing_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_filing")),
    )
    with op.batch_alter_table("dossier_filing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_filing_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=30), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_override_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_override")),
    )
    with op.batch_alter_table("dossier_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_override_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_sponsor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("full_member", sa.Boolean(), nullable=False),
        sa.Column("under_watch", sa.Boolean(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_sponsor_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_dossier_sponsor_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_sponsor")),
    )
    with op.batch_alter_table("dossier_sponsor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_sponsor_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_talk",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("interviewers", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_talk_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_talk")),
    )
    with op.batch_alter_table("dossier_talk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_talk_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_thought_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_thought_report_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_thought_report")),
    )
    with op.batch_alter_table("dossier_thought_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_thought_report_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "dossier_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("written_yes", sa.Integer(), nullable=False),
        sa.Column("written_no", sa.Integer(), nullable=False),
        sa.Column("written_abstain", sa.Integer(), nullable=False),
        sa.Column("written_before_meeting", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossier.id"],
            name=op.f("fk_dossier_vote_dossier_id_dossier"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_vote")),
        sa.UniqueConstraint("dossier_id", "kind", "ordinal", name=op.f("uq_dossier_vote_dossier_id")),
    )
    with op.batch_alter_table("dossier_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_vote_dossier_id"), ["dossier_id"], unique=False)

    op.create_table(
        "dossier_vote_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_dossier_vote_exclusion_member_id_member"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vote_id"],
            ["dossier_vote.id"],
            name=op.f("fk_dossier_vote_exclusion_vote_id_dossier_vote"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_vote_exclusion")),
    )
    with op.batch_alter_table("dossier_vote_exclusion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_vote_exclusion_vote_id"), ["vote_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("dossier_vote_exclusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_vote_exclusion_vote_id"))

    op.drop_table("dossier_vote_exclusion")
    with op.batch_alter_table("dossier_vote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_vote_dossier_id"))

    op.drop_table("dossier_vote")
    with op.batch_alter_table("dossier_thought_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_thought_report_dossier_id"))

    op.drop_table("dossier_thought_report")
    with op.batch_alter_table("dossier_talk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_talk_dossier_id"))

    op.drop_table("dossier_talk")
    with op.batch_alter_table("dossier_sponsor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_sponsor_dossier_id"))

    op.drop_table("dossier_sponsor")
    with op.batch_alter_table("dossier_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_override_dossier_id"))

    op.drop_table("dossier_override")
    with op.batch_alter_table("dossier_filing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_filing_dossier_id"))

    op.drop_table("dossier_filing")
    with op.batch_alter_table("dossier_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_extension_dossier_id"))

    op.drop_table("dossier_extension")
    with op.batch_alter_table("dossier_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_contact_dossier_id"))

    op.drop_table("dossier_contact")
    with op.batch_alter_table("dossier_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_checklist_item_dossier_id"))

    op.drop_table("dossier_checklist_item")
    with op.batch_alter_table("dossier_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_assessment_dossier_id"))

    op.drop_table("dossier_assessment")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_member")
        batch_op.drop_index("ix_dossier_id_number")
        batch_op.drop_index("ix_dossier_branch")

    op.drop_table("dossier")
