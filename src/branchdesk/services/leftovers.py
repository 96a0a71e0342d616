"""Files an interrupted run leaves behind (a crash, a full disk, a killed process), removed at the next
start: backup and export copies in progress (``*.part``), a restore's staged copy
(``.branch.sqlite.restore-<pid>.tmp``) and an inspection pack's staging folder
(``.迎检资料-正在生成-*``).

A file whose name carries the process id of a program still running is left alone (another program's
work in progress); one without a process id only once it is older than `GRACE` seconds. Qt-free.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

GRACE = 15 * 60
_PID = re.compile(r"[.-](\d{2,})(?:-[0-9a-f]{8})?\.(?:part|tmp)$")
PACK_STAGING_PREFIX = ".迎检资料-正在生成-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
            return True
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_leftover(path: Path, now: float) -> bool:
    name = path.name
    if not (name.endswith(".part") or (name.endswith(".tmp") and ".restore-" in name)
            or name.startswith(PACK_STAGING_PREFIX)):  # fmt: skip
        return False
    match = _PID.search(name)
    if match:
        return not _alive(int(match.group(1)))
    try:
        return now - path.stat().st_mtime > GRACE
    except OSError:
        return False


def remove_leftovers(*folders: Path | None) -> list[Path]:
    """Remove the leftovers in these folders (not recursive); returns what was removed."""
    now = time.time()
    removed = []
    for folder in folders:
        if folder is None or not Path(folder).is_dir():
            continue
        try:
            entries = list(Path(folder).iterdir())
        except OSError:
            continue
        for path in entries:
            if not _is_leftover(path, now):
                continue
            try:
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(path)
            except OSError:
                pass  # still in use (Windows): next time
    return removed


def folders_of(location) -> list[Path]:
    """Where leftovers of this database's work are found: its folder, the backup folders."""
    path = location.sqlite_path
    if path is None:
        return []
    backups = path.parent / "backups"
    return [path.parent, backups, backups / "auto", backups / "auto" / path.stem, backups / "pre-restore"]
