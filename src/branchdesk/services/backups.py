"""Automatic backups with rotation, the list of backups, a preview of one, and restoring from it.

Layout under ``location.backup_dir()``:

    backups/                      manual backups (备份数据库…) and pre-upgrade copies (升级前备份-…)
    backups/auto/                 automatic backups: auto-YYYYMMDD-HHMMSS-exit|daily[-flagged].sqlite
    backups/auto/<name>/          … of another database file <name>.sqlite in the same folder
    backups/pre-restore/          the database as it was just before a restore

Every backup is taken with SQLite's online backup API (safe while the app runs) and verified (integrity
check, opens, has a schema version) before it gets its final name; a copy that fails verification is
kept as ``*.failed`` for inspection and never counts as a good backup. Older automatic backups are
pruned only after a newer verified one exists, and never after a session that had errors (its backup
is kept beside the good ones, marked ``-flagged``).

PostgreSQL databases are backed up on the server (pg_dump); every function here says so and does
nothing for them. No PySide6 here.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from branchdesk.db import crypto
from branchdesk.db.backup import BackupError, backup_sqlite, verify_sqlite

AUTO_DIR = "auto"
DEFAULT_STEM = "branchdesk"  # config.default_db_path()
PRE_RESTORE_DIR = "pre-restore"
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 12
DAMAGED_MARK = "-已损坏"  # a pre-restore copy of a database that could not be read (kept byte for byte)
FLAGGED_KEEP_DAYS = 30  # a flagged (error-session) backup is pruned by a clean run after this long
MAX_FLAGGED = 10  # flagged backups kept at most (the newest), whatever the sessions were like

PG_MESSAGE = "PostgreSQL 数据库由服务器统一备份（请服务器管理员使用 pg_dump 定期备份），本程序不做自动备份。"

KIND_LABELS = {
    "exit": "退出时自动备份",
    "daily": "每日自动备份",
    "flagged": "自动备份（本次运行出过错误）",
    "pre-restore": "恢复前的数据库",
    "upgrade": "升级前备份",
    "manual": "手动备份",
}

_STAMP = re.compile(r"(\d{8})-(\d{6})")
_AUTO_NAME = re.compile(r"^auto-(\d{8}-\d{6})-(exit|daily)(-flagged)?(?:-(\d+))?\.sqlite(\.failed)?$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime  # local time, aware
    kind: str  # see KIND_LABELS
    size: int
    verified: bool

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def automatic(self) -> bool:
        return self.kind in ("exit", "daily", "flagged")


@dataclass(frozen=True)
class BackupOutcome:
    status: str  # "created" | "skipped" | "failed" | "unsupported"
    message: str  # one Chinese sentence for the status bar / log
    path: Path | None = None
    pruned: list[Path] = field(default_factory=list)
    flagged: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("created", "skipped")


@dataclass(frozen=True)
class BackupPreview:
    path: Path
    revision: str | None
    branch_name: str | None
    member_count: int  # members on the roll (在册)
    member_total: int  # every member file, transferred-out and deceased included
    dossier_count: int | None  # None: the schema predates development dossiers
    last_change: dt.datetime | None  # newest audit entry (aware, UTC)
    size: int

    def describe(self) -> list[str]:
        from branchdesk.domain.dates import format_date

        when = "无记录"
        if self.last_change is not None:
            local = self.last_change.astimezone()
            when = f"{format_date(local.date())} {local:%H:%M}"
        return [
            f"支部：{self.branch_name or '（尚未建立支部）'}",
            f"在册党员：{self.member_count} 人（党员档案共 {self.member_total} 份）",
            f"发展党员档案：{'—' if self.dossier_count is None else f'{self.dossier_count} 份'}",
            f"最后一次修改：{when}",
            f"数据库结构版本：{self.revision or '未知'}",
            f"文件大小：{_size_text(self.size)}",
        ]


class RestoreRefused(BackupError):
    """The backup may not be restored (newer schema, not a branchdesk database, damaged …)."""


# ---- helpers -----------------------------------------------------------------------------------
def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def _local(now: dt.datetime | None) -> dt.datetime:
    """`now` as an aware local time (a naive value is taken as local time)."""
    return (now or dt.datetime.now()).astimezone()


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d-%H%M%S")


def _parse_stamp(name: str) -> dt.datetime | None:
    match = _STAMP.search(name)
    if not match:
        return None
    try:
        return dt.datetime.strptime("".join(match.groups()), "%Y%m%d%H%M%S").astimezone()
    except ValueError:
        return None


def auto_dir(location) -> Path:
    """backups/auto/ for the usual database file (branchdesk.sqlite); backups/auto/<name>/ for any other
    database file in the same folder, so that two databases never prune each other's backups."""
    path = location.backup_dir() / AUTO_DIR
    stem = location.sqlite_path.stem if location.sqlite_path is not None else DEFAULT_STEM
    if stem != DEFAULT_STEM:
        path = path / stem
    path.mkdir(parents=True, exist_ok=True)
    return path


def _ro_connect(path: Path) -> sqlite3.Connection:
    # immutable=1: never create -wal/-shm files or write a byte next to a backup we only look at.
    # An encrypted backup opens with this process's unlocked key (crypto.KeyNeeded if there is none).
    return crypto.connect(path, readonly=True, immutable=True)


def _revision(path: Path) -> str | None:
    con = _ro_connect(path)
    try:
        has = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has:
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        con.close()


def verify_backup(path: Path, *, integrity: bool = True) -> str:
    """Integrity check + it opens + it has a schema version; returns the revision or raises BackupError.

    ``integrity=False`` skips the full integrity scan for a copy `backup_sqlite` has just checked.
    """
    if integrity:
        verify_sqlite(path)
    try:
        revision = _revision(path)
    except (*crypto.database_errors(), crypto.CryptoError) as exc:
        raise BackupError(f"备份文件无法打开：{exc}") from exc
    if revision is None:
        raise BackupError("备份文件中没有数据库结构版本，不是完整的 branchdesk 数据库")
    return revision


# ---- automatic backups -------------------------------------------------------------------------
def _auto_entries(folder: Path) -> list[tuple[Path, dt.datetime, str, bool, int]]:
    """(path, taken_at, kind, verified, same-second counter) of the automatic backups in `folder`, oldest first."""
    out = []
    for path in folder.iterdir():
        match = _AUTO_NAME.match(path.name)
        if not match:
            continue
        taken = _parse_stamp(match.group(1))
        if taken is None:
            continue
        kind = "flagged" if match.group(3) else match.group(2)
        out.append((path, taken, kind, match.group(5) is None, int(match.group(4) or 0)))
    # same second (an exit right after the daily backup): the counter, then the file time decide
    out.sort(key=lambda e: (e[1], e[4], _mtime_ns(e[0])))
    return out


def keep_set(taken: list[dt.datetime]) -> set[int]:
    """Indices of the backups the rotation keeps: the newest of each of the latest 7 days, 4 ISO weeks
    and 12 months that have a backup (`taken` may be in any order)."""
    order = sorted(range(len(taken)), key=lambda i: (taken[i], i), reverse=True)  # ties: later index is newer
    keep: set[int] = set()
    for key, limit in (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    ):
        seen: set = set()
        for i in order:
            k = key(taken[i])
            if k in seen:
                continue
            if len(seen) >= limit:
                break
            seen.add(k)
            keep.add(i)
    return keep


def _prune(folder: Path, newest: Path, now: dt.datetime) -> list[Path]:
    entries = [e for e in _auto_entries(folder) if e[3]]  # failed copies are left for inspection
    good = [e for e in entries if e[2] != "flagged"]
    if not any(e[0] == newest for e in good):
        return []  # only after a newer verified, clean backup exists
    newest_at = next(e[1] for e in good if e[0] == newest)
    keep = keep_set([e[1] for e in good])
    doomed = [e[0] for i, e in enumerate(good) if i not in keep and e[1] <= newest_at and e[0] != newest]
    flagged = [e for e in entries if e[2] == "flagged"]
    doomed += [e[0] for i, e in enumerate(flagged)
               if (now - e[1]).days > FLAGGED_KEEP_DAYS or i < len(flagged) - MAX_FLAGGED]  # fmt: skip
    pruned = []
    for path in doomed:
        try:
            crypto.unlink_with_keys(path)
            pruned.append(path)
        except OSError:
            pass  # a locked file is tried again next time
    return pruned


def _prune_flagged(folder: Path) -> list[Path]:
    """After a session with errors nothing good is pruned, but the flagged copies stay bounded: the
    newest MAX_FLAGGED are kept (issue 11 §10: every run logging an error left 360 copies)."""
    flagged = [e for e in _auto_entries(folder) if e[3] and e[2] == "flagged"]
    pruned = []
    for path, *_rest in flagged[: max(len(flagged) - MAX_FLAGGED, 0)]:  # oldest first
        try:
            path.unlink()
            pruned.append(path)
        except OSError:
            pass
    return pruned


def auto_backup(
    location, *, reason: str = "exit", now: dt.datetime | None = None, session_had_errors: bool = False
) -> BackupOutcome:
    """Take an automatic backup ("exit": always; "daily": only if none was taken today), verify it,
    then prune by the rotation policy — never after a session that had errors."""
    if reason not in ("exit", "daily"):
        raise ValueError(f"unknown backup reason: {reason}")
    source = location.sqlite_path
    if source is None:
        return BackupOutcome("unsupported", PG_MESSAGE)
    if not source.exists():
        return BackupOutcome("skipped", "数据库文件不存在，没有可备份的内容。")
    started = time.perf_counter()
    moment = _local(now)
    folder = auto_dir(location)
    if reason == "daily" and any(e[1].date() == moment.date() and e[3] for e in _auto_entries(folder)):
        return BackupOutcome("skipped", "今天已有自动备份。")
    name = f"auto-{_stamp(moment)}-{reason}{'-flagged' if session_had_errors else ''}.sqlite"
    target = folder / name
    n = 1
    while target.exists():  # two backups in one second (tests with a fixed clock)
        target = folder / name.replace(".sqlite", f"-{n}.sqlite")
        n += 1
    try:
        backup_sqlite(source, target)  # writes *.part, checks integrity, renames
        verify_backup(target, integrity=False)  # opens, has a schema version
    except (BackupError, sqlite3.Error, OSError) as exc:
        failed = None
        for candidate in (target, target.with_name(target.name + ".part")):
            if candidate.exists():
                failed = target.with_name(target.name + ".failed")
                os.replace(candidate, failed)
                break
        return BackupOutcome(
            "failed",
            f"自动备份失败，原有备份均保留：{exc}",
            path=failed,
            flagged=session_had_errors,
            seconds=time.perf_counter() - started,
        )
    pruned = _prune_flagged(folder) if session_had_errors else _prune(folder, target, moment)
    if crypto.is_encrypted(source):  # an encrypted database leaves no plain copy behind (issue 19)
        from branchdesk.services.encryption import encrypt_backups

        encrypt_backups(location)
    message = f"已自动备份数据库：{target.name}"
    if session_had_errors:
        message += "（本次运行出过错误，这份备份单独保存，原有备份均保留）"
    return BackupOutcome(
        "created", message, path=target, pruned=pruned, flagged=session_had_errors,
        seconds=time.perf_counter() - started,
    )  # fmt: skip


# ---- listing and preview -----------------------------------------------------------------------
def _info(path: Path, kind: str, verified: bool, taken: dt.datetime | None = None) -> BackupInfo:
    stat = path.stat()
    taken = taken or _parse_stamp(path.name) or dt.datetime.fromtimestamp(stat.st_mtime).astimezone()
    return BackupInfo(path=path, taken_at=taken, kind=kind, size=stat.st_size, verified=verified)


def list_backups(location) -> list[BackupInfo]:
    """Every backup branchdesk knows of for this database, newest first (empty for PostgreSQL)."""
    if location.sqlite_path is None:
        return []
    root = location.backup_dir()
    found: list[BackupInfo] = []
    for path, taken, kind, verified, _n in _auto_entries(auto_dir(location)):
        found.append(_info(path, kind, verified, taken))
    pre = root / PRE_RESTORE_DIR
    if pre.is_dir():
        found += [_info(p, "pre-restore", DAMAGED_MARK not in p.name) for p in pre.glob("*.sqlite")]
    for path in root.glob("*.sqlite"):
        kind = "upgrade" if path.name.startswith("升级前备份") else "manual"
        found.append(_info(path, kind, True))
    found.sort(key=lambda b: (b.taken_at, b.path.name), reverse=True)
    return found


def preview_backup(path: Path) -> BackupPreview:
    """What a backup holds, read without changing a byte of it (read-only, never migrated)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    try:
        con = _ro_connect(path)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "alembic_version" not in tables or "member" not in tables:
                raise BackupError("这个文件不是 branchdesk 的数据库备份")
            revision = (con.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0]
            row = con.execute("SELECT name FROM branch ORDER BY id LIMIT 1").fetchone()
            on_roll = con.execute("SELECT count(*) FROM member WHERE status = 'active'").fetchone()[0]
            total = con.execute("SELECT count(*) FROM member").fetchone()[0]
            dossiers = (
                con.execute("SELECT count(*) FROM dossier").fetchone()[0] if "dossier" in tables else None
            )
            last = (
                con.execute("SELECT max(at) FROM audit_entry").fetchone()[0]
                if "audit_entry" in tables
                else None
            )
        finally:
            con.close()
    except crypto.database_errors() as exc:
        raise BackupError(f"备份文件无法读取，可能已损坏：{exc}") from exc
    last_change = None
    if last:
        last_change = dt.datetime.fromisoformat(str(last))
        last_change = last_change.replace(tzinfo=dt.UTC) if last_change.tzinfo is None else last_change
    return BackupPreview(
        path=path, revision=revision, branch_name=row[0] if row else None, member_count=on_roll,
        member_total=total, dossier_count=dossiers, last_change=last_change, size=path.stat().st_size,
    )  # fmt: skip


# ---- restore -----------------------------------------------------------------------------------
def check_restorable(path: Path, *, integrity: bool = True) -> str:
    """Raise RestoreRefused unless `path` is a sound branchdesk backup this program can open."""
    from branchdesk.db.migrate import SCHEMA_HEAD, known_revisions

    try:
        revision = verify_backup(Path(path), integrity=integrity)
    except BackupError as exc:
        raise RestoreRefused(f"不能用这个文件恢复：{exc}") from exc
    if revision != SCHEMA_HEAD and revision not in known_revisions():
        raise RestoreRefused(
            f"这个备份由更新版本的 branchdesk 创建（数据库结构版本 {revision}，本程序最高支持 {SCHEMA_HEAD}），"
            "不能用本程序恢复。请安装新版本后再试。"
        )
    missing = sorted(tables_of_revision(revision) - _tables(Path(path)))
    if missing:
        from branchdesk.services.audit import table_label

        shown = "、".join(table_label(t) for t in missing[:5]) + ("等" if len(missing) > 5 else "")
        raise RestoreRefused(
            f"不能用这个文件恢复：它自称数据库结构版本 {revision}，却缺少这个版本应有的 {len(missing)} 张数据表"
            f"（{shown}），不是完整的 branchdesk 数据库。"
        )
    return revision


_REVISION_TABLES: dict[str, frozenset[str]] = {}


def tables_of_revision(revision: str) -> frozenset[str]:
    """The tables a database of `revision` has: the shipped scripts run into an empty in-memory
    database (about a second the first time; cached)."""
    if revision not in _REVISION_TABLES:
        from alembic import command
        from sqlalchemy import create_engine, inspect

        from branchdesk.db.migrate import _alembic_config

        engine = create_engine("sqlite://")
        try:
            with engine.begin() as conn:
                command.upgrade(_alembic_config(conn), revision)
                names = frozenset(inspect(conn).get_table_names())
        finally:
            engine.dispose()
        _REVISION_TABLES[revision] = names
    return _REVISION_TABLES[revision]


def _tables(path: Path) -> set[str]:
    con = _ro_connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def _take_exclusive(db_path: Path) -> None:
    """Fold the WAL into the file and leave it in rollback-journal mode (no -wal/-shm left).

    Leaving WAL mode needs the only connection to the file: if the app (or anyone) still has it open,
    this fails and nothing is replaced.
    """
    con = crypto.connect(db_path, timeout=1)  # encrypted: with the unlocked key
    con.isolation_level = None
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except crypto.database_errors() as exc:
        raise BackupError(f"数据库正被使用（{exc}），请关闭其他打开它的程序后再恢复") from exc
    finally:
        con.close()
    if str(mode).lower() != "delete":
        raise BackupError("数据库正被其他程序使用，请关闭后再恢复")
    for suffix in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if side.exists():
            side.unlink()  # empty after the checkpoint; a stale one would be applied to the new file


def restore_backup(location, path: Path, *, by, now: dt.datetime | None = None) -> Path | None:
    """Replace the database with the backup at `path`.

    First keeps a verified copy of the current database under backups/pre-restore/ (returned; None when
    there was no database). Refuses a backup from a newer schema or a damaged one. The database must not
    be open (dispose the app's engine first). When anything fails the current database is left as it was.
    An older-schema backup is upgraded by the next `open_database` (which backs it up first).
    """
    from branchdesk.domain.auth import PermissionDenied, Principal, Role

    by = by if by is not None else Principal.nobody()
    if not by.may(Role.ADMIN):  # the service decides, not only the menu
        raise PermissionDenied("从备份恢复数据库", Role.ADMIN, by)
    db_path = location.sqlite_path
    if db_path is None:
        raise BackupError(PG_MESSAGE)
    path = Path(path)
    if not path.is_file():
        raise RestoreRefused(f"备份文件不存在：{path}")
    if db_path.exists() and path.resolve() == db_path.resolve():
        raise RestoreRefused("所选文件就是当前数据库本身")
    check_restorable(path)
    moment = _local(now)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    staged = db_path.with_name(f".{db_path.name}.restore-{os.getpid()}.tmp")
    try:
        backup_sqlite(path, staged)  # a clean, verified copy beside the database (same file system)
        check_restorable(staged, integrity=False)  # backup_sqlite checked the copy's integrity
        pre = None
        if db_path.exists():
            target = _reserve(location.backup_dir() / PRE_RESTORE_DIR, f"恢复前-{_stamp(moment)}")
            if _readable(db_path) and os.name != "nt":
                # nobody may have it open (refused otherwise); then hold its write lock from the
                # copy to the replacement: no commit can land between them and be lost
                _take_exclusive(db_path)
                with _write_locked(db_path) as con:
                    pre = _copy_locked(con, target)
                    crypto.install_database(staged, db_path)  # an encrypted backup brings its key file
            elif _readable(db_path):  # Windows: a file open elsewhere cannot be replaced
                pre = backup_sqlite(db_path, target, replace=True)
                _take_exclusive(db_path)
            else:  # the database itself is damaged: keep its bytes as they are, then replace it
                target.unlink(missing_ok=True)  # (the name reserved for a real backup)
                pre = _raw_copy(db_path, target.with_name(target.stem + DAMAGED_MARK + ".sqlite"))
        if staged.exists():
            crypto.install_database(staged, db_path)  # an encrypted backup brings its key file along
        for suffix in ("-wal", "-shm"):  # a damaged database's journal must not meet the new file
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        from branchdesk.services.anchor import anchor_database

        anchor_database(db_path, restart=True)  # a new history starts at the restored head
    finally:
        staged.unlink(missing_ok=True)
        Path(str(staged) + ".part").unlink(missing_ok=True)
        crypto.keyfile_path(staged).unlink(missing_ok=True)
    _fsync_dir(db_path.parent)
    return pre


@contextmanager
def _write_locked(db_path: Path):
    """A connection holding the database's write lock (BEGIN IMMEDIATE; waits up to 30 s)."""
    con = crypto.connect(db_path, timeout=30)  # encrypted: the unlocked key
    con.isolation_level = None
    try:
        con.execute("BEGIN IMMEDIATE")
    except (sqlite3.OperationalError, crypto.sqlcipher().OperationalError) as exc:
        con.close()
        raise BackupError(f"数据库正被其他程序写入（{exc}），请稍后再恢复") from exc
    try:
        yield con
    finally:
        con.close()  # the old file's connection: its WAL is folded into the old file, not the new one


def _copy_locked(con: sqlite3.Connection, target: Path) -> Path:
    """The pre-restore copy while `con` holds the write lock: read through a second connection (a
    reader beside the writer; the lock holder cannot be a backup's source), then verified."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    db_file = Path(con.execute("PRAGMA database_list").fetchone()[2])
    if crypto.is_encrypted(db_file):  # the same key, its key file beside the copy
        try:
            crypto.backup_file(db_file, tmp, crypto.require_key(db_file))
            verify_backup(tmp)
            crypto.copy_keyfile(db_file, crypto.keyfile_path(target))
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return target
    try:
        out = sqlite3.connect(tmp)
        reader = sqlite3.connect(f"{db_file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            reader.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            reader.close()
            out.close()
        verify_backup(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _reserve(folder: Path, stem: str) -> Path:
    """A new file name in `folder` (stem.sqlite, stem-2.sqlite …), reserved by creating it empty."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        path = folder / (f"{stem}.sqlite" if n == 1 else f"{stem}-{n}.sqlite")
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            n += 1
            continue
        return path


def _readable(db_path: Path) -> bool:
    """Whether the current database opens and passes its integrity check (then it gets a real backup)."""
    if crypto.needs_unlock(db_path):
        raise BackupError("当前数据库已加密：请先用账户密码解锁，再恢复（恢复前要先为它保存一份副本）")
    try:
        con = crypto.connect(db_path, readonly=True)
        try:
            return con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            con.close()
    except (*crypto.database_errors(), crypto.CryptoError):
        return False


def _raw_copy(db_path: Path, target: Path) -> Path:
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(db_path, target)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, target.with_name(target.name + "-wal"))
    if crypto.keyfile_path(db_path).exists():
        shutil.copy2(crypto.keyfile_path(db_path), crypto.keyfile_path(target))
    return target


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _mtime_ns(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0
