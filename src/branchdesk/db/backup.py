"""File backups of a SQLite database through SQLite's online backup API (safe while the app runs)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path


class BackupError(RuntimeError):
    pass


def side_files(path: Path) -> list[Path]:
    """The journal files SQLite may keep beside a database file."""
    path = Path(path)
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def part_name(dest: Path) -> Path:
    """A staging name beside `dest` no other process uses (two starts at once never share one)."""
    import secrets

    dest = Path(dest)
    return dest.with_name(f".{dest.name}.{os.getpid()}-{secrets.token_hex(4)}.part")


def backup_sqlite(source: Path, dest: Path, *, replace: bool = False) -> Path:
    """Copy a live SQLite database to `dest` (WAL content included) and verify the copy.

    The copy is written beside `dest` under a name of its own, checked, and renamed into place; an
    existing `dest` is replaced only with `replace` (its stale -wal/-shm are removed first, or SQLite
    would apply them to the new file). Nothing is left behind when it fails (a full disk stays usable).
    """
    source = Path(source)
    dest = Path(dest)
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    if dest.exists() and os.path.samefile(dest, source):
        raise BackupError("备份文件不能与数据库文件相同")
    if any(dest.exists() and os.path.samefile(dest, side) for side in side_files(source) if side.exists()):
        raise BackupError("备份文件不能是数据库的附属文件（-wal/-shm）")
    if dest.exists() and not replace:
        raise BackupError(f"文件已存在：{dest}（要覆盖它请加 --force）")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_name(dest)
    from branchdesk.db import crypto

    if crypto.is_encrypted(source):  # encrypted with the same key, its key file beside it
        try:
            crypto.backup_file(source, tmp, crypto.require_key(source))
            verify_sqlite(tmp)
            crypto.copy_keyfile(source, crypto.keyfile_path(dest))
            for side in side_files(dest):
                side.unlink(missing_ok=True)
            os.replace(tmp, dest)
        except crypto.CryptoError as exc:
            _remove_part(tmp)
            raise BackupError(str(exc)) from None
        except BaseException:
            _remove_part(tmp)
            raise
        return dest
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            out = sqlite3.connect(tmp)
            try:
                src.backup(out)
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            src.close()
        verify_sqlite(tmp)
        for side in side_files(dest):
            side.unlink(missing_ok=True)
        os.replace(tmp, dest)
    except BaseException:
        _remove_part(tmp)
        raise
    return dest


def _remove_part(tmp: Path) -> None:
    tmp.unlink(missing_ok=True)
    for side in side_files(tmp):
        side.unlink(missing_ok=True)


def verify_sqlite(path: Path) -> None:
    from branchdesk.db import crypto

    if crypto.is_encrypted(path):
        try:
            result = crypto.check_file(path)
        except crypto.CryptoError as exc:
            raise BackupError(f"备份文件无法打开：{exc}") from None
        except crypto.database_errors() as exc:
            raise BackupError(f"备份文件无法打开：{exc}") from exc
        if result != "ok":
            raise BackupError(f"备份文件完整性检查未通过：{result}")
        return
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"备份文件无法打开：{exc}") from exc
    finally:
        con.close()
    if result != "ok":
        raise BackupError(f"备份文件完整性检查未通过：{result}")


def timestamped_name(prefix: str, folder: Path | None = None) -> str:
    """ "prefix-YYYYMMDD-HHMMSS.sqlite"; with `folder`, a name not yet used there (-2, -3 … appended;
    the name is reserved by creating the file, so two programs starting in the same second never
    write the same backup)."""
    base = f"{prefix}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
    if folder is None:
        return f"{base}.sqlite"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        name = f"{base}.sqlite" if n == 1 else f"{base}-{n}.sqlite"
        try:
            os.close(os.open(folder / name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
        except FileExistsError:
            n += 1
            continue
        return name


def backup_as_new(source: Path, folder: Path, prefix: str) -> Path:
    """A backup of `source` under a new timestamped name in `folder` (reserved, so never another
    backup's); the reservation goes again when the backup fails."""
    folder = Path(folder)
    target = folder / timestamped_name(prefix, folder)
    try:
        return backup_sqlite(source, target, replace=True)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
