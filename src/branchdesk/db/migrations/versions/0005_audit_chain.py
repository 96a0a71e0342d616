"""audit chain: audit_entry.seq / prev_hash / hash and the audit_head row; every existing entry chained

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00

The existing entries are chained in the order of their ids (the order they were written), in batches
of `BATCH` rows, with the same hash the program computes for new entries (`branchdesk.db.uow`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    _chain_existing(op.get_bind())
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index("ix_audit_entry_seq", ["seq"], unique=True)


def _chain_existing(connection) -> None:
    from branchdesk.db.types import UTCDateTime
    from branchdesk.db.uow import GENESIS, entry_hash

    entry = sa.table(
        "audit_entry",
        sa.column("id", sa.Integer),
        sa.column("at", UTCDateTime()),
        sa.column("user", sa.String),
        sa.column("operation", sa.String),
        sa.column("action", sa.String),
        sa.column("entity", sa.String),
        sa.column("entity_id", sa.Integer),
        sa.column("changes", sa.Text),  # hashed as stored
        sa.column("seq", sa.Integer),
        sa.column("prev_hash", sa.String),
        sa.column("hash", sa.String),
    )
    update = (
        entry.update()
        .where(entry.c.id == sa.bindparam("entry_id"))
        .values(
            seq=sa.bindparam("new_seq"), prev_hash=sa.bindparam("new_prev"), hash=sa.bindparam("new_hash")
        )
    )
    columns = [entry.c.id, entry.c.at, entry.c.user, entry.c.operation, entry.c.action, entry.c.entity,
               entry.c.entity_id, entry.c.changes]  # fmt: skip
    seq, prev, last_id = 0, GENESIS, None
    while True:
        query = sa.select(*columns).order_by(entry.c.id).limit(BATCH)
        if last_id is not None:
            query = query.where(entry.c.id > last_id)
        rows = connection.execute(query).all()
        if not rows:
            break
        values = []
        for row in rows:
            seq += 1
            digest = entry_hash(prev, seq, row.at, row.user, row.operation, row.action, row.entity,
                                row.entity_id, row.changes)  # fmt: skip
            values.append({"entry_id": row.id, "new_seq": seq, "new_prev": prev, "new_hash": digest})
            prev = digest
        connection.execute(update, values)
        last_id = rows[-1].id
    connection.execute(sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash")).insert(),
                       [{"id": 1, "seq": seq, "hash": prev}])  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entry_seq")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
    op.drop_table("audit_head")
