"""Alembic environment: always driven from branchdesk.db.migrate with a live connection."""

from __future__ import annotations

from alembic import context

from branchdesk.db.models import full_metadata

config = context.config
target_metadata = full_metadata()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # used by `alembic` command line during development
        from branchdesk.db.engine import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
