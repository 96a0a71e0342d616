"""Schema upgrades at start-up.

The common case (schema already current) reads one row and imports nothing heavy. Otherwise: refuse a
database made by a newer branchdesk; back up an existing SQLite file; run the Alembic scripts shipped
inside the package.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from branchdesk.db.backup import backup_as_new

# The newest revision this program knows. A test checks it equals the head of the shipped scripts.
SCHEMA_HEAD = "0019"


class DatabaseRefusedError(RuntimeError):
    """The file is not one this program may open or upgrade; the message says why, in Chinese."""


class DatabaseTooNewError(DatabaseRefusedError):
    pass


class ForeignDatabaseError(DatabaseRefusedError):
    """A database with tables but no branchdesk schema version: another program's file."""


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def upgraded(self) -> bool:
        return self.before != self.after


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _refuse_newer(revision: str | None) -> None:
    if revision is not None and revision != SCHEMA_HEAD and revision not in known_revisions():
        raise DatabaseTooNewError(
            f"此数据库由更新版本的 branchdesk 创建（数据库结构版本 {revision}），"
            f"本程序最高支持版本 {SCHEMA_HEAD}。为防止数据损坏，程序不会打开它，请安装新版本后再试。"
        )


def _has_user_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool([t for t in inspect(conn).get_table_names() if t != "alembic_version"])


def _alembic_config(connection=None):
    from alembic.config import Config

    from branchdesk.resources import migrations_dir

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


UPGRADE_WAIT = 120.0  # seconds a start waits for another program's upgrade (or command) to finish


def upgrade(
    engine: Engine, *, sqlite_path: Path | None, backup_dir: Path | None, lock=None
) -> MigrationResult:
    """Bring the schema to SCHEMA_HEAD (nothing to do in the common case).

    SQLite: the upgrade holds the database's sidecar lock (db/filelock) from re-reading the version to
    the commit, so two programs starting at once on an old file upgrade it once: the second waits, then
    finds it current. `lock` is a SidecarLock the caller already holds (the window's); otherwise one is
    taken for the upgrade only.
    """
    before = current_revision(engine)
    if before == SCHEMA_HEAD:
        return MigrationResult(before, SCHEMA_HEAD, None)
    _refuse_newer(before)
    own_lock = None
    if sqlite_path is not None and (lock is None or not lock.held):
        from branchdesk.db.filelock import SidecarLock

        own_lock = SidecarLock(sqlite_path, kind="upgrade").acquire(
            wait=UPGRADE_WAIT, patient_with=("upgrade", "command", "restore")
        )
    elif lock is not None:
        lock.set_kind("upgrade")
    try:
        engine.dispose()  # a fresh look at the file: another program may have upgraded it meanwhile
        before = current_revision(engine)
        if before == SCHEMA_HEAD:
            return MigrationResult(before, SCHEMA_HEAD, None)
        _refuse_newer(before)
        return _upgrade_locked(engine, before, sqlite_path=sqlite_path, backup_dir=backup_dir)
    finally:
        if own_lock is not None:
            own_lock.release()
        elif lock is not None:
            lock.set_kind("window" if lock.kind == "upgrade" else lock.kind)


def _upgrade_locked(
    engine: Engine, before: str | None, *, sqlite_path: Path | None, backup_dir: Path | None
) -> MigrationResult:
    if before is None and _has_user_tables(engine):
        with engine.connect() as conn:
            raise _foreign(inspect(conn).get_table_names())
    backup = None
    if (
        sqlite_path is not None
        and backup_dir is not None
        and sqlite_path.exists()
        and _has_user_tables(engine)
    ):
        engine.dispose()  # release file handles so the copy sees everything committed
        backup = backup_as_new(sqlite_path, backup_dir, f"升级前备份-{before or '无版本'}")  # a unique name

    from alembic import command

    with engine.connect() as conn, _sqlite_foreign_keys_off(conn), conn.begin():
        if conn.dialect.name == "postgresql":
            # Office PCs sharing one server may start a new version at the same moment: the first one
            # upgrades, the others wait here until it has committed and then see the schema it left.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
            before = _revision(conn)
            _refuse_newer(before)
            if before == SCHEMA_HEAD:
                return MigrationResult(before, SCHEMA_HEAD, None)
        command.upgrade(_alembic_config(conn), "head")
        _check_foreign_keys(conn)
    return MigrationResult(before, current_revision(engine) or SCHEMA_HEAD, backup)


_UPGRADE_LOCK = 0x6272616E6368  # "branch": the PostgreSQL advisory lock key of schema upgrades


@contextmanager
def _sqlite_foreign_keys_off(conn):
    """SQLite: no foreign key actions while the scripts run.

    Alembic changes a SQLite table by rebuilding it (copy, DROP, rename). With foreign keys on, the DROP
    deletes the rows of child tables declared ON DELETE CASCADE and empties the SET NULL references (the
    0004 upgrade rebuilt dossier_vote and lost every excluded voter). SQLite only takes the setting
    outside a transaction, hence on the driver connection before BEGIN; `_check_foreign_keys` verifies
    the result before the upgrade commits.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    driver = conn.connection.dbapi_connection
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"schema upgrade left {len(broken)} rows with broken references in {tables}")


def _foreign(tables) -> ForeignDatabaseError:
    tables = sorted(tables)
    shown = "、".join(tables[:5]) + ("等" if len(tables) > 5 else "")
    return ForeignDatabaseError(
        f"这个数据库不是 branchdesk 的数据库（其中已有其他程序的数据表：{shown}）。"
        "为防止损坏其中的数据，程序不会修改它。请选择 branchdesk 的数据库文件，或换一个新文件名。"
    )


def _inspect_sqlite_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not a SQLite database or holds another program's
    tables (opening it with the app's settings would already switch it to WAL mode)."""
    import sqlite3

    from branchdesk.db import crypto

    if path.is_dir():
        raise DatabaseRefusedError(
            f"无法打开数据库 {path}：这是一个文件夹，请给出数据库文件的路径（如 …\\branch.sqlite）。"
        )
    if not path.exists() or path.stat().st_size == 0:
        return
    encrypted = crypto.is_encrypted(path)
    if encrypted and crypto.key_for_file(path) is None:
        if crypto.has_keyfile(path):
            raise crypto.KeyNeeded(f"数据库 {path} 已加密，需要先用账户密码或恢复码解锁。")
        raise DatabaseRefusedError(
            f"无法打开数据库 {path}：它不是 SQLite 数据库文件，或者已经损坏"
            f"（如果它是加密的数据库，旁边还应有它的密钥文件 {crypto.keyfile_path(path).name}）。"
            "请选择正确的文件。"
        )
    errors = (*crypto.database_errors(), crypto.CryptoError) if encrypted else (sqlite3.DatabaseError,)
    try:
        # Read-only, unless a crash left a rollback journal (e.g. in the middle of leaving WAL mode before
        # an encryption): reading then rolls it back, which needs to write. Encrypted: the unlocked key.
        hot = path.with_name(path.name + "-journal")
        con = crypto.connect(path, readonly=not (hot.exists() and hot.stat().st_size > 0))
        try:
            names = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        finally:
            con.close()
    except errors as exc:
        from branchdesk.services.failures import NOT_DATABASE, database_error_text

        # the real cause: a locked or unreadable file is no reason to restore a backup
        raise DatabaseRefusedError(
            f"无法打开数据库 {path}：{database_error_text(exc) or NOT_DATABASE}"
        ) from exc
    tables = [n for n in names if not n.startswith("sqlite_")]
    if tables and "alembic_version" not in tables:
        raise _foreign(tables)


def open_database(location, *, user: str | None = None, lock=None):
    """Open (creating or upgrading as needed) the database at a `config.Location`.

    `lock`: the database's SidecarLock when the caller holds it (the window, a writing command); an
    upgrade takes it otherwise (and raises filelock.DatabaseInUse if it cannot).
    """
    from branchdesk.db.engine import Database

    if location.sqlite_path is not None:
        from branchdesk.db import crypto

        location.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        crypto.settle_keyfiles(location.sqlite_path)  # what an interrupted encrypt/decrypt/restore left
        _inspect_sqlite_file(location.sqlite_path)
        from branchdesk.services.leftovers import folders_of, remove_leftovers

        remove_leftovers(*folders_of(location))  # copies an interrupted run left behind
    db = Database(location.url, user=user)
    try:
        result = upgrade(
            db.engine,
            sqlite_path=location.sqlite_path,
            backup_dir=location.backup_dir() if location.sqlite_path else None,
            lock=lock,
        )
        record_baseline(db)
    except BaseException:
        db.dispose()
        raise
    return db, result


BASELINE_OPERATION = "数据库升级：补记审计基线"


def record_baseline(db) -> int:
    """After the upgrade to 0008: record the entries that make the audit trail match the data as
    found (once; see migration 0008 and services/audit_replay). Returns how many were recorded."""
    with db.engine.connect() as conn:
        pending = conn.execute(text("SELECT baseline_pending FROM audit_head WHERE id = 1")).scalar()
    if not pending:
        return 0
    from branchdesk.services.audit_replay import baseline

    with db.write(BASELINE_OPERATION, needs=None) as session:
        count = baseline(session, user=db.user, operation=BASELINE_OPERATION)
        session.execute(text("UPDATE audit_head SET baseline_pending = :no WHERE id = 1"), {"no": False})
    return count
