"""The unit of work's audit trail.

A session opened by `Database.write(operation)` is marked; after each flush, every inserted, updated
or deleted entity becomes one `audit_entry` row in the same transaction, with the before/after values
of the fields that changed. Nothing else needs to remember to audit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from branchdesk.db.models import AuditEntry
from branchdesk.db.types import utcnow

_INFO_KEY = "branchdesk_uow"
_NOT_AUDITED = {"audit_entry"}
_BINARY_PLACEHOLDER = "〈二进制数据〉"
_SECRET_PLACEHOLDER = "〈已隐藏〉"  # password and recovery-code hashes: that they changed, not their value


def mark(session: Session, *, user: str, operation: str) -> None:
    session.info[_INFO_KEY] = {"user": user, "operation": operation}


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
    rows = []
    for action, objects, diff in (
        ("insert", session.new, _insert_changes),
        ("update", session.dirty, _update_changes),
        ("delete", session.deleted, _delete_changes),
    ):
        for obj in objects:
            table = obj.__table__.name
            if table in _NOT_AUDITED:
                continue
            changes = _hide_secrets(obj, diff(obj))
            if action == "update" and not changes:
                continue
            rows.append(
                {
                    "at": now,
                    "user": info["user"],
                    "operation": info["operation"],
                    "action": action,
                    "entity": table,
                    "entity_id": _identity(obj),
                    "changes": changes,
                }
            )
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)
