"""branch settings: a setting belongs to a branch, or (branch_id NULL) to the whole database

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:00:00

`setting` was one row per key for the whole database. From this revision a key is stored once per branch
(rule thresholds, reminders … differ between the branches of one committee database) or once for the
database (branch_id NULL): the account policy ("auth.…") and the branch last used ("current_branch_id"),
which concern every branch alike.

Existing rows: the database-wide keys stay database-wide; every other key was the setting of the branch the
program worked on — the only branch of a one-branch database, otherwise the branch "current_branch_id"
named or else the first one, as `current_branch_id()` chose it — and moves to that branch. A database
without any branch keeps them database-wide (a branch created later reads them as its defaults, see
services/settings.py). The table gets an integer id; (branch_id, key) is unique, and a database-wide key
is unique among the database-wide rows (a partial index: NULLs are distinct in a unique index).

The rule of which keys are database-wide is written out here as it was at this revision; the program's
own list is `services.settings.DATABASE_WIDE_KEYS`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_CURRENT_BRANCH = "current_branch_id"


def _database_wide(key: str) -> bool:
    return key == _CURRENT_BRANCH or key.startswith("auth.")


def _create(with_branch: bool) -> None:
    columns = []
    if with_branch:
        columns += [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("branch_id", sa.Integer(), nullable=True),
        ]
    columns += [
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
    ]
    if with_branch:
        columns += [
            sa.ForeignKeyConstraint(
                ["branch_id"], ["branch.id"], name=op.f("fk_setting_branch_id_branch"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_setting")),
        ]
    else:
        columns.append(sa.PrimaryKeyConstraint("key", name=op.f("pk_setting")))
    op.create_table("setting", *columns)
    if with_branch:
        op.create_index("uq_setting_branch_key", "setting", ["branch_id", "key"], unique=True)
        op.create_index(
            "uq_setting_database_key",
            "setting",
            ["key"],
            unique=True,
            sqlite_where=sa.text("branch_id IS NULL"),
            postgresql_where=sa.text("branch_id IS NULL"),
        )


def _settings_branch(conn, rows: list) -> int | None:
    """The branch the program worked on before this revision (see the module's docstring)."""
    branches = [r[0] for r in conn.execute(sa.text("SELECT id FROM branch ORDER BY id"))]
    if not branches:
        return None
    if len(branches) > 1:
        for key, value in rows:
            if key == _CURRENT_BRANCH:
                try:
                    named = int(str(value).strip().strip('"'))
                except ValueError:
                    break
                if named in branches:
                    return named
    return branches[0]


def upgrade() -> None:
    conn = op.get_bind()
    rows = [tuple(r) for r in conn.execute(sa.text("SELECT key, value FROM setting ORDER BY key"))]
    branch_id = _settings_branch(conn, rows)
    op.drop_table("setting")
    _create(with_branch=True)
    table = sa.table(
        "setting",
        sa.column("id", sa.Integer),
        sa.column("branch_id", sa.Integer),
        sa.column("key", sa.String),
        sa.column("value", sa.Text),
    )
    if rows:
        op.bulk_insert(
            table,
            [
                {"id": n, "branch_id": None if _database_wide(key) else branch_id, "key": key, "value": value}
                for n, (key, value) in enumerate(rows, start=1)
            ],
        )
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('setting', 'id'), {len(rows)})"))


def downgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT key, value FROM setting ORDER BY CASE WHEN branch_id IS NULL THEN 0 ELSE 1 END, branch_id, id"
        )
    ).all()
    op.drop_table("setting")
    _create(with_branch=False)
    kept: dict[str, str] = {}
    for key, value in rows:  # one row per key: the database-wide one, else the first branch's
        kept.setdefault(key, value)
    if kept:
        op.bulk_insert(
            sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.Text)),
            [{"key": k, "value": v} for k, v in kept.items()],
        )
