"""trust: the audit trail replays against the data; databases written before it get a baseline

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00

`verify` now checks that every row equals what its audit entries say (services/audit_replay). Data
written before this revision was not always audited row by row (the demo generator, rows written by
earlier migrations), so a database that already holds records is marked ``baseline_pending``: the
next start records, in the audit log, the entries that make the trail match the data as found
(operation "数据库升级：补记审计基线"), then clears the mark. Self-contained: one column.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

GENESIS = "0" * 64


def upgrade() -> None:
    op.add_column(
        "audit_head",
        sa.Column("baseline_pending", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    conn = op.get_bind()
    has_records = any(
        conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None
        for table in ("branch", "member", "setting", "user_account", "audit_entry")
    )
    if not has_records:
        return
    head = sa.table(
        "audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"), sa.column("baseline_pending")
    )
    if conn.execute(sa.select(head.c.id).where(head.c.id == 1)).first() is None:
        entry = sa.table("audit_entry", sa.column("seq"), sa.column("hash"))
        last = conn.execute(
            sa.select(entry.c.seq, entry.c.hash).order_by(entry.c.seq.desc()).limit(1)
        ).first()
        seq, digest = (last.seq, last.hash) if last is not None else (0, GENESIS)
        conn.execute(head.insert().values(id=1, seq=seq, hash=digest, baseline_pending=True))
    else:
        conn.execute(head.update().where(head.c.id == 1).values(baseline_pending=True))


def downgrade() -> None:
    op.drop_column("audit_head", "baseline_pending")
