"""The audit chain's head kept outside the database: the anchor file, the backups, the pack's listing.

Deleting the newest audit entries and copying the remaining head into ``audit_head`` leaves a chain
that is whole in itself. What shows the truncation is a copy of the head kept elsewhere:

* ``branch.sqlite.anchor`` beside the database: JSON with the head's ``seq`` and ``hash``, rewritten
  atomically (temp file + rename) after every commit, never moved backwards by a slower writer;
* each backup: a copy of the database, so its own ``audit_head`` is the head on the day it was taken;
* the inspection pack's 文件清单: the head printed for whoever receives the pack.

`verify` compares the database's chain with the anchor file and the newest backups: an anchor
further than the chain, or whose entry has another hash, names a truncation or a replaced trail.
A restore writes a new anchor with the restored head and the time of the restore (an ``epoch``):
backups taken before it belong to the replaced history and are not compared.

SQLite only (a PostgreSQL server keeps its data, logs and dumps on the server). Qt-free.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from branchdesk.db.anchorfile import read_anchor, write_anchor
from branchdesk.db.filelock import anchor_path
from branchdesk.db.uow import _ENTRY, _HEAD

BACKUPS_COMPARED = 3


def head_of(conn) -> tuple[int, str]:
    row = conn.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)).first()
    if row is not None:
        return row.seq, row.hash
    last = conn.execute(select(_ENTRY.c.seq, _ENTRY.c.hash).order_by(_ENTRY.c.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last is not None else (0, "")


def anchor_database(db_path: Path, *, restart: bool = False) -> None:
    """Write the anchor from the database file's own head (after a restore, or to start one)."""
    from branchdesk.db import crypto

    try:
        con = crypto.connect(Path(db_path), readonly=True)  # an encrypted file: the unlocked key
    except (crypto.CryptoError, *crypto.database_errors()):
        con = None
    row = None
    if con is not None:
        try:
            row = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        except crypto.database_errors():
            row = None
        finally:
            con.close()
    if row is not None:
        write_anchor(db_path, row[0], row[1], restart=restart)
    elif restart:  # a database from before the chain: no head to keep; the old anchor is of another history
        anchor_path(db_path).unlink(missing_ok=True)


def _sqlite_path(db) -> Path | None:
    if db.dialect != "sqlite":
        return None
    database = db.engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _backup_heads(db_path: Path, since: str) -> list[tuple[str, int, str]]:
    """(label, seq, hash) of the newest verified backups of this database taken after `since`."""
    import sqlite3

    from branchdesk.config import Location, to_url
    from branchdesk.services.backups import list_backups

    try:
        backups = list_backups(Location(to_url(db_path)))
    except OSError:
        return []
    epoch = None
    if since:
        try:
            epoch = dt.datetime.fromisoformat(since)
        except ValueError:
            epoch = None
    out = []
    for b in backups:
        if not b.verified or (epoch is not None and b.taken_at <= epoch):
            continue
        try:
            con = sqlite3.connect(f"{b.path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                row = con.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError:
            continue
        if row is not None:
            out.append((f"备份 {b.path.name}（{b.taken_at:%Y-%m-%d %H:%M}）", row[0], row[1]))
        if len(out) >= BACKUPS_COMPARED:
            break
    return out


def check_anchors(conn, db) -> tuple[list, list[str]]:
    """(problems, notes) comparing the chain with the heads kept outside the database."""
    from branchdesk.services.audit import Problem

    db_path = _sqlite_path(db)
    if db_path is None:
        return [], []
    seq, _digest = head_of(conn)
    last = conn.execute(select(_ENTRY.c.seq).order_by(_ENTRY.c.seq.desc()).limit(1)).scalar() or 0
    anchor = read_anchor(db_path)
    kept: list[tuple[str, int, str]] = []
    notes = []
    if anchor is not None:
        kept.append((f"锚点文件 {anchor_path(db_path).name}", anchor.seq, anchor.hash))
    elif last:
        notes.append(f"没有找到锚点文件 {anchor_path(db_path).name}（数据库旁记录审计日志末尾的小文件；"
                     "从旧版本升级或从别处复制来的数据库没有它，下次保存修改时会自动建立）。")  # fmt: skip
    kept += _backup_heads(db_path, anchor.epoch if anchor is not None else "")
    problems = []
    for source, anchor_seq, anchor_hash in kept:
        if anchor_seq > last:
            missing = anchor_seq - last
            problems.append(Problem(
                "anchor_truncated",
                f"{source}记录审计日志已有 {anchor_seq} 条，数据库中只到第 {last} 条："
                f"最新的 {missing} 条审计记录可能被删除",
                last + 1, anchor_seq,
            ))  # fmt: skip
            continue
        if anchor_seq == 0:
            continue
        stored = conn.execute(select(_ENTRY.c.hash).where(_ENTRY.c.seq == anchor_seq)).scalar()
        if stored != anchor_hash:
            problems.append(Problem(
                "anchor_mismatch",
                f"审计记录第 {anchor_seq} 条与{source}记录的校验值不符：审计日志可能被替换或改写",
                anchor_seq, anchor_seq,
            ))  # fmt: skip
    del seq
    return problems, notes
