"""Where the program may write a file the user named: never over the database, never silently over a file.

Every command and dialog that writes a file the user chose (exports, templates, backups, the pack,
attachments saved out) asks `check_output` first:

* the open database, its ``-wal``/``-shm``/``-journal``, its lock and its anchor file are refused, whatever
  the name it is reached by (a link, another spelling): compared by the file system's identity (stat),
  never by opening the file — on POSIX, closing any descriptor of the database drops the program's
  SQLite locks on it;
* any other SQLite database is refused (an export over a backup or another branch's database), unless
  the output is itself a database backup that may replace it;
* an existing file is kept unless the caller was told to overwrite (`--force`; the window asks).

Qt-free (the CLI and the window share it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
SQLITE_MAGIC = b"SQLite format 3\x00"


class OutputRefused(Exception):
    """The path may not be written; the message says why, in Chinese. `exists` marks the case that
    --force (or the window's question) may overrule."""

    def __init__(self, message: str, *, exists: bool = False):
        super().__init__(message)
        self.exists = exists


def database_files(db_path: Path | None) -> list[Path]:
    """The database file and every file SQLite or branchdesk keeps beside it."""
    if db_path is None:
        return []
    from branchdesk.db.crypto import keyfile_path, new_keyfile_path
    from branchdesk.db.filelock import anchor_path, lock_path

    db_path = Path(db_path)
    return [
        db_path,
        *(db_path.with_name(db_path.name + s) for s in SIDE_SUFFIXES),
        lock_path(db_path),
        anchor_path(db_path),
        keyfile_path(db_path),  # an encrypted database's wrapped keys (db/crypto)
        new_keyfile_path(db_path),
    ]


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def protects(path: Path, db_path: Path | None) -> bool:
    """Whether `path` is the database at `db_path` or one of its side files."""
    path = Path(path)
    return any(_same(path, protected) for protected in database_files(db_path))


def _is_sqlite(path: Path) -> bool:
    """A SQLite file, or an encrypted one (its first bytes are random: its key file is beside it)."""
    from branchdesk.db.crypto import has_keyfile

    if has_keyfile(path):
        return True
    try:
        with open(path, "rb") as f:
            return f.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def check_output(
    path: Path,
    *,
    db_path: Path | None = None,
    others: Iterable[Path] = (),
    force: bool = False,
    replaces_database: bool = False,
) -> Path:
    """Return `path` if the program may write it, else raise OutputRefused (Chinese message).

    `db_path` is the open database (None for PostgreSQL); `others` more files that must not be
    overwritten (e.g. the backup being restored). `replaces_database`: the output is a database copy
    (a backup), so an existing SQLite file may be replaced with --force.
    """
    path = Path(path)
    if protects(path, db_path) or any(_same(path, Path(o)) for o in others):
        raise OutputRefused(
            f"不能写入 {path}：这是正在使用的数据库文件（或它的附属文件），写入会毁掉数据库。请换一个文件名。"
        )
    if path.is_dir():
        raise OutputRefused(f"不能写入 {path}：这是一个文件夹，请给出文件名。")
    if path.exists() or path.is_symlink():
        if not replaces_database and _is_sqlite(path):
            raise OutputRefused(
                f"不能写入 {path}：这个文件是一个数据库（或数据库备份），不能用导出的文件覆盖它。请换一个文件名。"
            )
        if not force:
            raise OutputRefused(
                f"文件已存在：{path}。为防止误覆盖，没有写入；要覆盖它请加 --force，或换一个文件名。",
                exists=True,
            )
    return path


def check_folder(folder: Path, *, db_path: Path | None = None) -> Path:
    """A folder the program will create files in (the pack): it must not be a database file."""
    folder = Path(folder)
    if protects(folder, db_path) or (folder.exists() and not folder.is_dir()):
        raise OutputRefused(f"{folder} 是一个文件，请指定一个文件夹。")
    return folder
