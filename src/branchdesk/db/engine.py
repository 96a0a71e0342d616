"""Engine creation (SQLite pragmas, PostgreSQL as is) and the `Database` handle services work with."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from branchdesk.db import uow


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see _sqlite_begin):
    # the module's legacy mode runs DDL outside any transaction, so a failed migration could stop
    # half-way through a table rebuild.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    # WAL is persistent in the file; asking again is cheap. In-memory databases answer "memory".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection) -> None:
    """Every SQLAlchemy transaction is a real SQLite transaction, DDL (migrations) included."""
    connection.exec_driver_sql("BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    kwargs: dict = {"echo": echo}
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def current_os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name (service accounts)
        return "未知用户"


class Database:
    """What services hold: an engine, a session factory and who is working.

    `read()` gives a session for queries; `write(operation)` gives a unit of work: one transaction
    that commits on success, rolls back on any exception, and writes an audit entry for every entity
    it inserts, updates or deletes.
    """

    def __init__(self, url: str, *, user: str | None = None, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.user = user or current_os_user()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(self, operation: str) -> Iterator[Session]:
        with self._sessions() as session:
            uow.mark(session, user=self.user, operation=operation)
            with session.begin():
                yield session

    def refresh_statistics(self) -> None:
        """Update the query planner's statistics (ANALYZE) after a bulk write.

        An import or the demo generator changes a table's size by orders of magnitude at once; without
        fresh statistics the planner may pick an index for a table it still thinks is empty. About 60 ms
        for 100,000 members on SQLite (sampled: ``analysis_limit``); PostgreSQL's autovacuum would get
        there too, only later.
        """
        with self.engine.connect() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()

    def dispose(self) -> None:
        self.engine.dispose()
