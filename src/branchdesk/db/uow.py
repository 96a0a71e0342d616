"""The unit of work's audit trail, kept as a hash chain.

A session opened by `Database.write(operation)` is marked; after each flush, every inserted, updated
or deleted entity becomes one audit entry with the before/after values of the fields that changed.
Nothing else needs to remember to audit.

The entries of a transaction are queued and appended to the chain just before it commits, in the same
transaction (`_append`): each gets the next `seq`, the previous entry's hash as `prev_hash` and its own
`hash` = SHA-256 of a canonical JSON of (prev_hash, seq, at, user, operation, action, entity,
entity_id, changes as stored). `audit_head` keeps the newest seq and hash. Appending holds the chain's
lock from reading the head to the commit, so two writers can never fork it:

* PostgreSQL: `pg_advisory_xact_lock` (released by the commit or rollback); READ COMMITTED, so the head
  read after the lock is the last one committed.
* SQLite: a write transaction already holds the database's only write lock from its first write until
  it commits, and its snapshot is then the newest (SQLite refuses the upgrade of a stale snapshot with
  "database is locked" rather than letting it write). A transaction whose first write is the chain's
  own takes the lock with a no-op UPDATE before reading the head.

The lock is taken at commit time only, after all the transaction's other writes, so it is held for
milliseconds and never while waiting for another row lock (no deadlock between app instances).

Bulk code that inserts rows without the ORM queues their entries with `add_entries`; an `AuditEntry`
added to a session is queued the same way. The same queue gives the transaction's `Changes`
(`take_changes`, db/changes.py): the (action, table, id) of every entry, told to listeners after commit. The hash format below is stored in every database: change
it only with a migration that re-chains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, String, Text, column, event, inspect, select, table, text
from sqlalchemy.orm import Session

from branchdesk.db.models import AuditEntry
from branchdesk.db.types import JSONText, UTCDateTime, utcnow

_INFO_KEY = "branchdesk_uow"
_PENDING_KEY = "branchdesk_audit_pending"
HEAD_KEY = "branchdesk_audit_new_head"  # (seq, hash) after the transaction's entries, for the anchor
_CHANGES_KEY = "branchdesk_changes"  # the committing transaction's (action, table, id) rows
_NOT_AUDITED = {"audit_entry", "audit_head"}
_BINARY_PLACEHOLDER = "〈二进制数据〉"
_SECRET_PLACEHOLDER = "〈已隐藏〉"  # password and recovery-code hashes: that they changed, not their value

GENESIS = "0" * 64  # the prev_hash of entry 1
_PG_LOCK_KEY = 0x62646175  # "bdau": pg_advisory_xact_lock key of the audit chain
_HEAD_ID = 1

# The audit tables with `changes` as its stored text (hashed as stored, written pre-serialised).
_ENTRY = table(
    "audit_entry",
    column("id", Integer),
    column("seq", Integer),
    column("prev_hash", String),
    column("hash", String),
    column("at", UTCDateTime()),
    column("user", String),
    column("operation", String),
    column("action", String),
    column("entity", String),
    column("entity_id", Integer),
    column("changes", Text),
    column("branch_id", Integer),
)
_HEAD = table("audit_head", column("id", Integer), column("seq", Integer), column("hash", String))
_ENTRY_KEYS = tuple(c.name for c in _ENTRY.columns if c.name != "id")  # what an append writes
_changes_text = JSONText().process_bind_param  # the column's own serialisation (sorted keys)


def mark(session: Session, *, user: str, operation: str, branch_id: int | None = None) -> None:
    session.info[_INFO_KEY] = {"user": user, "operation": operation, "branch_id": branch_id}


def branch_of(session: Session) -> int | None:
    """The branch the unit of work holding `session` writes for (None outside one, or for no branch)."""
    info = session.info.get(_INFO_KEY)
    return None if info is None else info.get("branch_id")


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return _BINARY_PLACEHOLDER
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _columns(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(obj).mapper.column_attrs]


def _insert_changes(obj: Any) -> dict[str, list[Any]]:
    changes = {}
    for key in _columns(obj):
        value = getattr(obj, key)
        if not _empty(value) and key not in ("created_at", "updated_at"):
            changes[key] = [None, _plain(value)]
    return changes


def _update_changes(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        if key == "updated_at":
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if before != after:
            changes[key] = [_plain(before), _plain(after)]
    return changes


def _delete_changes(obj: Any) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes = {}
    for key in _columns(obj):
        # after the flush the loaded values are still on the state (committed_state or dict)
        value = state.dict.get(key, state.committed_state.get(key))
        if not _empty(value):
            changes[key] = [_plain(value), None]
    return changes


def _identity(obj: Any) -> int | None:
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    if len(ident) == 1 and isinstance(ident[0], int):
        return ident[0]
    return None


def _key_columns(obj: Any) -> list[str]:
    mapper = inspect(obj).mapper
    return [mapper.get_property_by_column(c).key for c in mapper.primary_key]


def _hide_secrets(obj: Any, changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    columns = inspect(obj).mapper.columns
    for key, (before, after) in changes.items():
        if key in columns and columns[key].info.get("secret"):
            changes[key] = [None if v is None else _SECRET_PLACEHOLDER for v in (before, after)]
    return changes


def _empty(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, str) and value == "")


@event.listens_for(Session, "after_flush")
def _write_audit(session: Session, _flush_context: Any) -> None:
    info = session.info.get(_INFO_KEY)
    if info is None:
        return
    now = utcnow()
    rows = add_entries(session, ())
    for action, objects, diff in (
        ("insert", session.new, _insert_changes),
        ("update", session.dirty, _update_changes),
        ("delete", session.deleted, _delete_changes),
    ):
        for obj in objects:
            name = obj.__table__.name
            if name in _NOT_AUDITED:
                continue
            changes = _hide_secrets(obj, diff(obj))
            if action == "update" and not changes:
                continue
            entity_id = _identity(obj)
            if entity_id is None and action == "update":
                # a record known by a text key (a setting): name it, so the trail can be replayed
                for key in _key_columns(obj):
                    value = _plain(getattr(obj, key))
                    changes.setdefault(key, [value, value])
            rows.append(
                {
                    "at": now,
                    "user": info["user"],
                    "operation": info["operation"],
                    "action": action,
                    "entity": name,
                    "entity_id": entity_id,
                    "changes": changes,
                }
            )


# ---- queueing --------------------------------------------------------------------------------------
def add_entries(session: Session, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Queue audit entries for this session's transaction; they join the chain when it commits.

    Each row is a dict with user, operation, action (insert/update/delete), entity (table name),
    entity_id and changes ({field: [before, after]}), and optionally `at` (default: now). Returns the
    transaction's queue. Rolled back with the transaction.
    """
    pending = session.info.setdefault(_PENDING_KEY, [])
    pending.extend(rows)
    return pending


_EARLY_KEY = "branchdesk_audit_early"  # (action, table, id) rows of entries appended before the commit


def append_pending(session: Session) -> None:
    """Chain the entries queued so far now, inside the open transaction, instead of at the commit.

    Bulk work of a hundred thousand rows calls this after each batch, so that the queue never holds
    every entry of the import at once (issue 11 §9: memory). The order of the chain is the order of
    the queue, as at the commit; a rollback takes the appended entries back with everything else.
    """
    session.flush()  # the entries of the ORM's changes so far join the queue first
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        early = session.info.setdefault(_EARLY_KEY, set())
        early.update((row["action"], row["entity"], row["entity_id"]) for row in pending)
        session.info[HEAD_KEY] = _append(session.connection(), pending)


@event.listens_for(Session, "before_flush")
def _queue_added_entries(session: Session, _flush_context: Any, _instances: Any) -> None:
    """`session.add(AuditEntry(...))` (a summary entry of bulk work) is queued like the others."""
    added = [obj for obj in session.new if isinstance(obj, AuditEntry)]
    if not added:
        return
    rows = []
    for obj in added:
        session.expunge(obj)
        rows.append(
            {
                "at": obj.at or utcnow(),
                "user": obj.user,
                "operation": obj.operation,
                "action": obj.action,
                "entity": obj.entity,
                "entity_id": obj.entity_id,
                "changes": obj.changes,
            }
        )
    add_entries(session, rows)


@event.listens_for(Session, "before_commit")
def _chain_pending(session: Session) -> None:
    if session.info.get(_INFO_KEY) is None and not session.info.get(_PENDING_KEY):
        if session.info.get(_EARLY_KEY):
            session.info[_CHANGES_KEY] = session.info.pop(_EARLY_KEY)
        return
    session.flush()  # the entries of the last changes are queued by this flush
    pending = session.info.pop(_PENDING_KEY, None)
    early = session.info.pop(_EARLY_KEY, None)
    if pending or early:
        changes = early or set()
        changes.update((row["action"], row["entity"], row["entity_id"]) for row in pending or ())
        session.info[_CHANGES_KEY] = changes
    if pending:
        info = session.info.get(_INFO_KEY) or {}
        session.info[HEAD_KEY] = _append(session.connection(), pending, branch_id=info.get("branch_id"))


def take_changes(session: Session) -> set[tuple[str, str, int | None]]:
    """The (action, table, id) rows of the transaction that just committed (empty once taken)."""
    return session.info.pop(_CHANGES_KEY, None) or set()


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outermost transaction committed or rolled back
        session.info.pop(_PENDING_KEY, None)
        session.info.pop(_EARLY_KEY, None)


@event.listens_for(Session, "after_rollback")
def _drop_changes(session: Session) -> None:
    session.info.pop(_CHANGES_KEY, None)  # a failed commit: nothing changed


# ---- the chain -------------------------------------------------------------------------------------
def at_text(at: dt.datetime) -> str:
    """The canonical form of an entry's time in its hash (UTC, microseconds); naive means UTC."""
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds") + "Z"


_payload = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":")
).encode  # (one encoder, not one per call)


def entry_hash(
    prev_hash: str,
    seq: int,
    at: dt.datetime | str,
    user: str,
    operation: str,
    action: str,
    entity: str,
    entity_id: int | None,
    changes_text: str,
    branch_id: int | None = None,
) -> str:
    """SHA-256 (hex) of one entry chained to the previous one.

    `at` is the time or already its `at_text`; `changes_text` is the stored JSON text. `branch_id`
    (revision 0015: the branch the entry was written for) is hashed when there is one, so entries
    written for no branch, and every entry before 0015, keep their hash.
    """
    when = at if isinstance(at, str) else at_text(at)
    fields = [prev_hash, seq, when, user, operation, action, entity, entity_id, changes_text]
    if branch_id is not None:
        fields.append(branch_id)
    payload = _payload(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def lock_head(connection) -> tuple[int, str]:
    """Take the chain's lock (until the transaction ends) and read its end: (seq, hash)."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif dialect == "sqlite":
        connection.execute(text("UPDATE audit_head SET seq = seq WHERE 0"))  # takes the write lock
    head = connection.execute(select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == _HEAD_ID)).first()
    if head is not None:
        return head.seq, head.hash
    # no head row (a schema made without the migrations): continue from the newest entry
    last = connection.execute(
        select(_ENTRY.c.seq, _ENTRY.c.hash).order_by(_ENTRY.c.seq.desc()).limit(1)
    ).first()
    return (last.seq, last.hash) if last is not None else (0, GENESIS)


def _append(connection, rows: list[dict[str, Any]], *, branch_id: int | None = None) -> tuple[int, str]:
    seq, prev = lock_head(connection)
    now = utcnow()
    out = []
    for row in rows:
        seq += 1
        at = row.get("at") or now
        changes = _changes_text(row["changes"], None)
        digest = entry_hash(
            prev,
            seq,
            at,
            row["user"],
            row["operation"],
            row["action"],
            row["entity"],
            row["entity_id"],
            changes,
            row.get("branch_id", branch_id),
        )
        out.append((seq, prev, digest, at, row["user"], row["operation"], row["action"], row["entity"],
                    row["entity_id"], changes, row.get("branch_id", branch_id)))  # fmt: skip
        prev = digest
    _insert(connection, out)
    updated = connection.execute(_HEAD.update().where(_HEAD.c.id == _HEAD_ID).values(seq=seq, hash=prev))
    if updated.rowcount == 0:
        connection.execute(_HEAD.insert().values(id=_HEAD_ID, seq=seq, hash=prev))
    return seq, prev


def _insert(connection, values: list[tuple]) -> None:
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(_ENTRY.insert(), [dict(zip(_ENTRY_KEYS, v, strict=True)) for v in values])
        return
    # SQLite: the driver's executemany (SQLAlchemy's per-row parameter handling costs more than hashing)
    compiled = _ENTRY.insert().compile(dialect=dialect, column_keys=list(_ENTRY_KEYS))
    order = [_ENTRY_KEYS.index(key) for key in compiled.positiontup]
    at_index = _ENTRY_KEYS.index("at")
    to_db = _ENTRY.c.at.type.bind_processor(dialect)
    params = []
    for v in values:
        v = list(v)
        v[at_index] = to_db(v[at_index]) if to_db is not None else v[at_index]
        params.append(tuple(v[i] for i in order))
    connection.exec_driver_sql(compiled.string, params)
