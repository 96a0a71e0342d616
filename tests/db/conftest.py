"""The database-layer tests run on SQLite and, when a server is given, on PostgreSQL.

`BRANCHDESK_TEST_PG` names a PostgreSQL database the tests may use as a base (any database on a server
where that user may CREATE DATABASE), e.g. the throwaway server of `scripts/pg-server`:

    eval "$(scripts/pg-server start /tmp/bd-pg)" && ./scripts/run-tests tests/db

Every PostgreSQL test gets a database of its own, created empty and dropped afterwards, just as every
SQLite test gets a fresh file. Without the variable the PostgreSQL variant is skipped (and fails instead
when `BRANCHDESK_REQUIRE_PG` is set, so that CI cannot lose it without noticing).
"""

from __future__ import annotations

import os
import uuid

import pytest

ENV_PG = "BRANCHDESK_TEST_PG"
ENV_REQUIRE_PG = "BRANCHDESK_REQUIRE_PG"


def _pg_base_url():
    value = os.environ.get(ENV_PG, "").strip()
    if not value:
        reason = (
            f"PostgreSQL variant skipped: set {ENV_PG}=postgresql+psycopg://user:password@host:port/db "
            "(scripts/pg-server starts a throwaway server)"
        )
        if os.environ.get(ENV_REQUIRE_PG):
            pytest.fail(f"{ENV_REQUIRE_PG} is set but {ENV_PG} is not")
        pytest.skip(reason)
    from sqlalchemy.engine import make_url

    return make_url(value)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def pg_database(backend):
    """A fresh, empty PostgreSQL database for one test (its URL), dropped afterwards."""
    if backend != "postgresql":
        yield None
        return
    from sqlalchemy import create_engine, text

    base = _pg_base_url()
    name = f"bd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def location(tmp_path, data_dir, backend, pg_database):
    """Where the test's database lives: a fresh SQLite file, or a fresh PostgreSQL database."""
    from branchdesk.config import resolve_location

    if backend == "postgresql":
        return resolve_location(pg_database)
    return resolve_location(str(tmp_path / "branchdesk.sqlite"))
