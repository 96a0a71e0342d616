"""The anchor file beside a SQLite database: the audit chain's head (seq, hash) kept outside it.

Written after every commit of a unit of work (db/engine), atomically (temp file + rename), never moved
backwards by a slower writer; a restore starts it again with a new epoch. What it is for and how verify
uses it: services/anchor.py.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from branchdesk.db.filelock import anchor_path

log = logging.getLogger(__name__)

FORMAT = 1


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    updated: str = ""
    epoch: str = ""  # set by a restore: backups before it are of another history

    def to_json(self) -> str:
        return json.dumps(
            {"format": FORMAT, "seq": self.seq, "hash": self.hash, "updated": self.updated,
             "epoch": self.epoch},
            ensure_ascii=False,
        )  # fmt: skip


def read_anchor(db_path: Path) -> Anchor | None:
    try:
        data = json.loads(anchor_path(db_path).read_text(encoding="utf-8"))
        return Anchor(int(data["seq"]), str(data["hash"]), str(data.get("updated", "")),
                      str(data.get("epoch", "")))  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_anchor(db_path: Path, seq: int, digest: str, *, restart: bool = False) -> None:
    """Record the head (atomically). Never backwards unless `restart` (a restore: a new epoch)."""
    path = anchor_path(db_path)
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    old = read_anchor(db_path)
    if old is not None and not restart and old.seq >= seq:
        return  # another program already wrote a newer head
    epoch = now if restart else (old.epoch if old is not None else "")
    text = Anchor(seq, digest, now, epoch).to_json()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # a read-only folder: the database itself is written, the anchor is not
        tmp.unlink(missing_ok=True)
        log.warning("could not write the audit anchor %s: %s", path, exc)
