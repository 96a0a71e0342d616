"""File backups of a SQLite database through SQLite's online backup API (safe while the app runs)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path


class BackupError(RuntimeError):
    pass


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy a live SQLite database to `dest` (WAL content included) and verify the copy."""
    source = Path(source)
    dest = Path(dest)
    if not source.exists():
        raise BackupError(f"数据库文件不存在：{source}")
    if dest.resolve() == source.resolve():
        raise BackupError("备份文件不能与数据库文件相同")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    from branchdesk.db import crypto

    if crypto.is_encrypted(source):  # encrypted with the same key, its key file beside it
        try:
            crypto.backup_file(source, tmp, crypto.require_key(source))
            verify_sqlite(tmp)
            crypto.copy_keyfile(source, crypto.keyfile_path(dest))
        except crypto.CryptoError as exc:
            tmp.unlink(missing_ok=True)
            raise BackupError(str(exc)) from None
        tmp.replace(dest)
        return dest
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
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
    tmp.replace(dest)
    return dest


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


def timestamped_name(prefix: str) -> str:
    return f"{prefix}-{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}.sqlite"
