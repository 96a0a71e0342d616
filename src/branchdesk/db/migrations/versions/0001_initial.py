"""initial schema: branch, groups, members, committee, awards, settings, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-23 11:30:10.424448
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user", sa.String(length=50), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)

    op.create_table(
        "branch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("higher_committee", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("committee_term_start", sa.Date(), nullable=True),
        sa.Column("committee_term_end", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch")),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")),
    )
    op.create_table(
        "branch_honour",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_branch_honour_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_honour")),
    )
    with op.batch_alter_table("branch_honour", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_branch_honour_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "party_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branch.id"], name=op.f("fk_party_group_branch_id_branch"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_group")),
        sa.UniqueConstraint("branch_id", "name", name=op.f("uq_party_group_branch_id")),
    )
    with op.batch_alter_table("party_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_group_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("is_group_leader", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("name_initials", sa.String(length=50), nullable=False),
        sa.Column("name_pinyin", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=True),
        sa.Column("sex", sa.String(length=2), nullable=False),
        sa.Column("ethnicity", sa.String(length=20), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("native_place", sa.String(length=100), nullable=False),
        sa.Column("education", sa.String(length=20), nullable=False),
        sa.Column("degree", sa.String(length=20), nullable=False),
        sa.Column("member_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("join_date", sa.Date(), nullable=True),
        sa.Column("conversion_date", sa.Date(), nullable=True),
        sa.Column("activist_date", sa.Date(), nullable=True),
        sa.Column("sponsors", sa.String(length=100), nullable=False),
        sa.Column("transferred_in_date", sa.Date(), nullable=True),
        sa.Column("work_start_date", sa.Date(), nullable=True),
        sa.Column("work_unit", sa.String(length=100), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("post", sa.String(length=100), nullable=False),
        sa.Column("party_post", sa.String(length=100), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=False),
        sa.Column("landline", sa.String(length=30), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("lost_contact", sa.Boolean(), nullable=False),
        sa.Column("lost_contact_since", sa.Date(), nullable=True),
        sa.Column("is_mobile_member", sa.Boolean(), nullable=False),
        sa.Column("mobile_whereabouts", sa.String(length=200), nullable=False),
        sa.Column("watch_until", sa.Date(), nullable=True),
        sa.Column("dues_basis_fen", sa.Integer(), nullable=True),
        sa.Column("dues_monthly_fen", sa.Integer(), nullable=True),
        sa.Column("dues_paid_to", sa.Date(), nullable=True),
        sa.Column("dossier_location", sa.String(length=200), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branch.id"], name=op.f("fk_member_branch_id_branch")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["party_group.id"], name=op.f("fk_member_group_id_party_group"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("id_number", name=op.f("uq_member_id_number")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index("ix_member_group", ["group_id"], unique=False)
        batch_op.create_index("ix_member_initials", ["name_initials"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_member_type"), ["member_type"], unique=False)
        batch_op.create_index("ix_member_mobile", ["mobile"], unique=False)
        batch_op.create_index("ix_member_roster", ["branch_id", "status", "name_pinyin"], unique=False)

    op.create_table(
        "committee_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("post", sa.String(length=20), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branch.id"],
            name=op.f("fk_committee_member_branch_id_branch"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_committee_member_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_committee_member")),
    )
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_committee_member_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_committee_member_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_member_award_member_id_member"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_award")),
    )
    with op.batch_alter_table("member_award", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_award_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("letter_no", sa.String(length=50), nullable=False),
        sa.Column("destination", sa.String(length=200), nullable=False),
        sa.Column("letter_valid_until", sa.Date(), nullable=True),
        sa.Column("return_slip_received", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
            name=op.f("fk_member_status_change_member_id_member"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_status_change")),
    )
    with op.batch_alter_table("member_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_status_change_member_id"), ["member_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("member_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_status_change_member_id"))

    op.drop_table("member_status_change")
    with op.batch_alter_table("member_award", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_award_member_id"))

    op.drop_table("member_award")
    with op.batch_alter_table("committee_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_committee_member_member_id"))
        batch_op.drop_index(batch_op.f("ix_committee_member_branch_id"))

    op.drop_table("committee_member")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index("ix_member_roster")
        batch_op.drop_index("ix_member_mobile")
        batch_op.drop_index(batch_op.f("ix_member_member_type"))
        batch_op.drop_index("ix_member_initials")
        batch_op.drop_index("ix_member_group")

    op.drop_table("member")
    with op.batch_alter_table("party_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_group_branch_id"))

    op.drop_table("party_group")
    with op.batch_alter_table("branch_honour", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branch_honour_branch_id"))

    op.drop_table("branch_honour")
    op.drop_table("setting")
    op.drop_table("branch")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_at"))
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_entry")
