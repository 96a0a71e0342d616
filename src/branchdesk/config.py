"""Where things live: data directory, database URL, backups.

Settings that belong to the branch (thresholds, the branch profile …) are kept in the database, not here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from branchdesk import APP_NAME

ENV_DB = "BRANCHDESK_DB"
ENV_DATA_DIR = "BRANCHDESK_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    return data_dir() / "branchdesk.sqlite"


def to_url(value: str | os.PathLike[str]) -> str:
    """Accept either a SQLAlchemy URL or a plain file path (relative paths are made absolute)."""
    text = os.fspath(value)
    if "://" in text:
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


@dataclass(frozen=True)
class Location:
    url: str

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        from sqlalchemy.engine import make_url

        database = make_url(self.url).database
        if not database or database == ":memory:":
            return None
        return Path(database)

    @property
    def shown(self) -> str:
        """The database as the program names it on screen, in messages and logs: the file's path, or the
        server's address with its password hidden (it is written in the URL, and a status bar or an error
        message is read over the shoulder and pasted into reports)."""
        path = self.sqlite_path
        if path is not None:
            return str(path)
        url = self._server_url()
        # not a URL SQLAlchemy reads: no part of it is shown
        return url.render_as_string(hide_password=True) if url is not None else "（数据库地址无法解析）"

    @property
    def label(self) -> str:
        """A short name for the status bar: the file's path, or the server's database, address and login
        ("huli_dangwei（服务器 192.168.10.5:5432，用户 pc_yizhibu）")."""
        path = self.sqlite_path
        url = self._server_url() if path is None else None
        if url is None:
            return self.shown
        where = f"{url.host or '本机'}{f':{url.port}' if url.port else ''}"
        return f"{url.database or ''}（服务器 {where}{f'，用户 {url.username}' if url.username else ''}）"

    def _server_url(self):
        """The URL as SQLAlchemy reads it, None when it reads none."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            return make_url(self.url)
        except (ArgumentError, ValueError):
            return None

    def backup_dir(self) -> Path:
        base = self.sqlite_path.parent if self.sqlite_path else data_dir()
        path = base / "backups"
        path.mkdir(parents=True, exist_ok=True)
        return path


def resolve_location(cli_value: str | None = None) -> Location:
    """--db beats BRANCHDESK_DB beats the default file in the user data directory."""
    value = cli_value or os.environ.get(ENV_DB)
    if value:
        return Location(to_url(value))
    return Location(to_url(default_db_path()))
