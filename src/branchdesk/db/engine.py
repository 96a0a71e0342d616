"""Engine creation (SQLite pragmas, PostgreSQL as is) and the `Database` handle services work with."""

from __future__ import annotations

import getpass
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from branchdesk.db import uow
from branchdesk.db.changes import Changes
from branchdesk.domain.auth import PermissionDenied, Principal, Role

log = logging.getLogger(__name__)


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
    if type(dbapi_connection).__module__.startswith("sqlcipher3"):
        cursor.execute("PRAGMA temp_store=MEMORY")  # encrypted: no temporary file of decrypted rows
    cursor.close()


_WRITE_OPTION = "branchdesk_write"


def _sqlite_begin(connection) -> None:
    """Every SQLAlchemy transaction is a real SQLite transaction, DDL (migrations) included.

    A unit of work (`Database.write`) begins IMMEDIATE: it takes the write lock before its first read,
    so another program's commit in between cannot make its first write fail with "database is locked"
    (a deferred transaction that has read cannot wait for the lock: its snapshot is stale). Reads stay
    deferred and never wait.
    """
    immediate = connection.get_execution_options().get(_WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, *, echo: bool = False) -> Engine:
    kwargs: dict = {"echo": echo}
    encrypted = _encrypted_url(url)  # an encrypted file: sqlite+pysqlcipher with the unlocked key
    if encrypted is not None:
        from sqlalchemy.pool import QueuePool

        url = encrypted
        kwargs["poolclass"] = QueuePool  # as for a plain file (the dialect's default is one per thread)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif url.startswith("sqlite"):
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


def _encrypted_url(url: str):
    """For a SQLite file that is encrypted (db/crypto.py): its sqlite+pysqlcipher URL, the key as the
    URL's password (SQLAlchemy never shows it); None for anything else. KeyNeeded if not unlocked."""
    if not url.startswith("sqlite:"):
        return None
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    from branchdesk.db import crypto

    if parsed.query.get("uri") or parsed.database.startswith("file:"):
        return None
    if not crypto.is_encrypted(Path(parsed.database)):
        return None
    key = crypto.require_key(Path(parsed.database))
    return parsed.set(drivername="sqlite+pysqlcipher", password=key.url_password)


def _file_of(url: str) -> Path | None:
    """The database file of a plain sqlite:///path URL (None for anything else)."""
    if not url.startswith("sqlite:"):
        return None
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:" or parsed.query.get("mode") == "memory":
        return None
    if parsed.query.get("uri") or database.startswith("file:"):
        return None
    return Path(database)


def current_os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - no login name (service accounts)
        return "未知用户"


class Database:
    """What services hold: an engine, a session factory and who is working (the principal).

    `read()` gives a session for queries; `write(operation)` gives a unit of work: one transaction
    that commits on success, rolls back on any exception, and writes an audit entry (recording
    `principal.username`) for every entity it inserts, updates or deletes.

    Permissions are checked here, before anything is written: `write` refuses a principal below
    `needs` (委员 by default, so a 查阅 user writes nothing), and `require(role, operation)` lets a service
    refuse an operation for lesser roles (管理员-only settings, accounts, restore). Until someone signs in
    the principal is the operating-system user with every right — a database without accounts, the
    command line and the tests work as before accounts existed.

    After a unit of work commits, its `Changes` (db/changes.py) go to the commit listeners
    (`add_commit_listener`; the workspace is one and passes them on to its subscribers). A rolled-back
    unit of work tells nobody.
    """

    def __init__(self, url: str, *, user: str | None = None, echo: bool = False) -> None:
        self.url = url
        self._echo = echo
        self._held_header = None  # db/crypto: the file's header, so it is never opened outside SQLite
        self.engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self.principal = Principal.os_user(user or current_os_user())
        self._commit_listeners: list[Callable[[Changes], None]] = []

    def reconnect(self) -> None:
        """Close every connection and open the file again (after it was encrypted or decrypted in place:
        the engine follows what the file now is)."""
        self.dispose()
        self.engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    def _make_engine(self) -> Engine:
        path = _file_of(self.url)
        if path is None:
            return make_engine(self.url, echo=self._echo)
        from branchdesk.db import crypto

        self._held_header = crypto.hold_header(path)  # an existing file: before anything opens it
        engine = make_engine(self.url, echo=self._echo)
        if self._held_header is None:  # a new file: SQLite creates it at the first connection

            @event.listens_for(engine, "connect", insert=True)
            def _hold(_dbapi_connection, _record) -> None:
                if self._held_header is None:
                    self._held_header = crypto.hold_header(path, new_plain=True)

        return engine

    @property
    def encrypted(self) -> bool:
        return self.engine.dialect.driver == "pysqlcipher"

    @property
    def user(self) -> str:
        """The name the audit trail records."""
        return self.principal.username

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def sqlite_path(self):
        """The database file (None for PostgreSQL and in-memory databases)."""
        if self.dialect != "sqlite":
            return None
        database = self.engine.url.database
        if not database or database == ":memory:":
            return None
        from pathlib import Path

        return Path(database)

    # ---- who is working --------------------------------------------------------------------------
    def sign_in(self, principal: Principal) -> None:
        self.principal = principal

    def sign_out(self) -> None:
        """Nobody is signed in: every write is refused until `sign_in` (the window's lock and login)."""
        self.principal = Principal.nobody()

    def require(self, needed: Role, operation: str, branch_id: int | None = None) -> None:
        """Raise PermissionDenied (naming `operation`, in Chinese) unless the principal has `needed`
        (on `branch_id`: the account's role there, which a branch may raise; revision 0015)."""
        principal = self.principal.on(branch_id)
        if not principal.may(needed):
            name = ""
            if branch_id is not None and principal.branch_roles:
                from branchdesk.db.models import Branch

                with self.read() as session:
                    name = session.scalar(select(Branch.name).where(Branch.id == branch_id)) or ""
            raise PermissionDenied(operation, needed, principal, name)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    @contextmanager
    def write(
        self,
        operation: str,
        *,
        needs: Role | None = Role.COMMITTEE,
        user: str | None = None,
        branch_id: int | None = None,
    ) -> Iterator[Session]:
        """One audited transaction. `needs` is the least role allowed (checked before anything starts);
        None and `user` are for the sign-in bookkeeping only (a failed attempt is recorded under the
        name that was tried, whoever is signed in). After the commit the commit listeners are told its
        `Changes` (`branch_id`: the workspace's branch it was written for)."""
        if needs is not None:
            self.require(needs, operation, branch_id)
        with self._sessions() as session:
            uow.mark(session, user=user or self.user, operation=operation, branch_id=branch_id)
            with session.begin():
                if self.dialect == "sqlite":
                    session.connection(execution_options={_WRITE_OPTION: True})
                yield session
            head = session.info.pop(uow.HEAD_KEY, None)
            rows = uow.take_changes(session)
        if head is not None and self.sqlite_path is not None:
            from branchdesk.db.anchorfile import write_anchor

            write_anchor(self.sqlite_path, *head)  # the chain's head outside the database
        if rows:
            self._tell(Changes(frozenset(rows), operation, branch_id))

    # ---- what changed ----------------------------------------------------------------------------
    def add_commit_listener(self, listener: Callable[[Changes], None]) -> Callable[[], None]:
        """Call `listener(changes)` after every committed unit of work (on the thread that committed);
        returns the function that removes it again."""
        self._commit_listeners.append(listener)
        return lambda: self._commit_listeners.remove(listener) if listener in self._commit_listeners else None

    def _tell(self, changes: Changes) -> None:
        for listener in list(self._commit_listeners):
            try:
                listener(changes)
            except Exception:  # the data is committed: a listener's failure must not look like the write's
                log.exception("a listener failed on %s", changes.operation)

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
        if self._held_header is not None:
            from branchdesk.db import crypto

            crypto.release_header(self._held_header)
            self._held_header = None
