"""One program per database file: a lock on a sidecar file beside the SQLite database.

``branch.sqlite.lock`` is held (an OS lock on an open descriptor) by whoever may change the file:

* the program window, for as long as it runs (a second window on the same file is refused and told
  who has it open: user, computer, since when);
* a command that writes (demo, import, restore, users --reset-admin), for the command's duration;
* a schema upgrade, from reading the schema version to the commit (two starts at once on an old
  database: the second waits, then finds it upgraded).

Commands that only read (export, check, verify, backup, pack) do not take it: SQLite's own locks keep
them safe beside a writer.

The OS lock dies with its process, so a lock file left by a crashed program is stale by construction
and simply taken over. The file's text says who holds it (JSON: user, host, pid, kind, since) for the
message of the one refused. POSIX uses ``flock`` (per open file: closing another descriptor of the
file does not drop it, unlike the ``fcntl`` locks SQLite uses); Windows locks one byte far past the
text with ``msvcrt.locking`` so that the text stays readable. Qt-free: the CLI shares it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

LOCK_SUFFIX = ".lock"
ANCHOR_SUFFIX = ".anchor"
_WIN_LOCK_OFFSET = 1 << 30  # the byte locked on Windows (past any text the file holds)

KIND_LABELS = {
    "window": "程序窗口",
    "command": "命令行命令",
    "upgrade": "数据库升级",
    "restore": "恢复备份",
}


def lock_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + LOCK_SUFFIX)


def anchor_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ANCHOR_SUFFIX)


@dataclass(frozen=True)
class Holder:
    user: str
    host: str
    pid: int
    kind: str
    since: str  # ISO local time

    @classmethod
    def me(cls, kind: str) -> Holder:
        from branchdesk.db.engine import current_os_user

        return cls(
            user=current_os_user(),
            host=socket.gethostname() or "未知电脑",
            pid=os.getpid(),
            kind=kind,
            since=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def local(self) -> bool:
        return self.host == (socket.gethostname() or "未知电脑")

    def describe(self) -> str:
        """ "用户 zhang 在电脑 PC-01 上（程序窗口，自 2026-03-05 10:32 起）"."""
        try:
            since = dt.datetime.fromisoformat(self.since).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            since = "不详"
        return f"用户 {self.user} 在电脑 {self.host} 上（{self.kind_label}，自 {since} 起）"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(str(data["user"]), str(data["host"]), int(data["pid"]), str(data["kind"]),
                       str(data["since"]))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None


class DatabaseInUse(RuntimeError):
    """Another program holds the database's lock; the message names who, in Chinese."""

    def __init__(self, db_path: Path, holder: Holder | None, message: str | None = None):
        self.db_path = Path(db_path)
        self.holder = holder
        who = holder.describe() if holder is not None else "另一个程序"
        super().__init__(message or f"数据库 {self.db_path.name} 正被使用：{who}。")


def _try_lock(fd: int) -> bool:
    """Take the OS lock without waiting; False if another holder has it."""
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            return True  # a file system without locks (some network shares): SQLite's own locks remain
        raise
    return True


def _unlock(fd: int) -> None:
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            os.lseek(fd, _WIN_LOCK_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def read_holder(db_path: Path) -> Holder | None:
    """Who the lock file says holds the database (None: nobody wrote a readable text)."""
    try:
        with open(lock_path(db_path), encoding="utf-8") as f:
            return Holder.parse(f.read(4096))
    except (OSError, UnicodeDecodeError):
        return None


class SidecarLock:
    """The database's sidecar lock. `acquire(wait=…)` or raise DatabaseInUse; `release()`; reentrant
    use is not supported (one holder object per purpose)."""

    def __init__(self, db_path: Path, kind: str = "command"):
        self.db_path = Path(db_path)
        self.path = lock_path(self.db_path)
        self.kind = kind
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(
        self, *, wait: float = 0.0, poll: float = 0.1, patient_with: tuple[str, ...] | None = None
    ) -> SidecarLock:
        """Take the lock, waiting up to `wait` seconds for the holder to finish; with `patient_with`,
        only holders of those kinds are waited for (a window may stay open all day: refuse at once)."""
        deadline = time.monotonic() + wait
        while True:
            if self._attempt():
                return self
            holder = read_holder(self.db_path)
            impatient = patient_with is not None and holder is not None and holder.kind not in patient_with
            if impatient or time.monotonic() >= deadline:
                raise DatabaseInUse(self.db_path, holder)
            time.sleep(poll)

    def _attempt(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags, 0o644)
        try:
            if not _try_lock(fd):
                os.close(fd)
                return False
            # the file may have been removed (released) between our open and our lock: then the lock
            # is on an orphan and someone else may create a new file; start again
            if os.name != "nt":
                try:
                    same = os.path.samestat(os.fstat(fd), os.stat(self.path))
                except FileNotFoundError:
                    same = False
                if not same:
                    _unlock(fd)
                    os.close(fd)
                    return False
            text = Holder.me(self.kind).to_json().encode("utf-8")
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, text)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def set_kind(self, kind: str) -> None:
        """Say what the holder is doing now (e.g. an upgrade inside the window's lock)."""
        self.kind = kind
        if self._fd is not None:
            text = Holder.me(kind).to_json().encode("utf-8")
            os.lseek(self._fd, 0, os.SEEK_SET)
            os.ftruncate(self._fd, 0)
            os.write(self._fd, text)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if os.name != "nt":
                self.path.unlink(missing_ok=True)  # while still locked: nobody holds a stale copy
            os.ftruncate(fd, 0)
        except OSError:
            pass
        _unlock(fd)
        os.close(fd)
        if os.name == "nt":  # pragma: no cover - Windows: remove it if nobody else has it open
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> SidecarLock:
        if not self.held:
            self.acquire()
        return self

    def __exit__(self, *_exc) -> None:
        self.release()
