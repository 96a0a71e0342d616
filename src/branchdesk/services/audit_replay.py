"""Replaying the audit trail against the data: rows changed, added or removed outside the program.

The chain (db/uow) proves that entries were not edited; it cannot prove that the data still says what
the entries say. `replay(conn)` folds every entry into the state each record should have (insert: the
values; update: the changed fields; delete: gone) and compares it with every current row of every
audited table:

* a row whose field differs from its last audited value (a 查阅 account turned into 管理员 by hand);
* a row without an insert entry (added outside the program, or a trail that was emptied);
* a row the trail says exists but the table lacks (deleted by hand), and one it says was deleted
  but is there.

What the database does by itself is accepted: rows removed by ON DELETE CASCADE when the trail
deleted their parent, and references emptied by ON DELETE SET NULL. `created_at`/`updated_at` are not
audited; secret columns (password hashes) are compared as present/absent only.

`baseline(session, operation)` queues the entries that make the trail match the data (used once for
databases upgraded from a schema before 0008, whose earlier data was never audited row by row, and by
the demo generator, which inserts in bulk); they are visible in the audit log as such.

Qt-free; reads with Core in a few queries per table (100,000 entries in about a second).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from branchdesk.db.uow import _ENTRY, _empty, _plain

_SKIPPED = frozenset({"created_at", "updated_at"})
_NOT_AUDITED = frozenset({"audit_entry", "audit_head", "alembic_version"})
MAX_FINDINGS = 500


@dataclass(frozen=True)
class _Table:
    name: str
    table: Any
    keys: list[tuple[str, Any]]  # (audited attribute key, column)
    secret: frozenset[str]
    set_null: dict[str, str]  # attribute key -> parent table (ON DELETE SET NULL)
    cascade: dict[str, str]  # attribute key -> parent table (ON DELETE CASCADE)
    name_key: str | None


def _audited_tables(existing: set[str]) -> list[_Table]:
    """Every mapped table the unit of work audits, parents before children."""
    from branchdesk.db.models import Base, full_metadata

    full_metadata()
    by_table: dict[str, Any] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        if table is not None and table.name not in _NOT_AUDITED and table.name in existing:
            by_table[table.name] = mapper
    out = []
    for table in full_metadata().sorted_tables:
        mapper = by_table.get(table.name)
        if mapper is None:
            continue
        keys = [(attr.key, attr.columns[0]) for attr in mapper.column_attrs if attr.columns[0].table is table]
        key_of = {col.name: key for key, col in keys}
        set_null, cascade = {}, {}
        for fk in table.foreign_keys:
            key = key_of.get(fk.parent.name)
            if key is None:
                continue
            rule = (fk.ondelete or "").upper()
            if rule == "SET NULL":
                set_null[key] = fk.column.table.name
            elif rule == "CASCADE":
                cascade[key] = fk.column.table.name
        secret = frozenset(key for key, col in keys if col.info.get("secret"))
        name_key = next((k for k in ("name", "username", "title", "key") if k in key_of.values()), None)
        out.append(_Table(table.name, table, keys, secret, set_null, cascade, name_key))
    return out


@dataclass
class Finding:
    kind: str  # changed | unaudited | removed | reappeared | empty_trail
    table: str
    record: int | None
    message: str
    field: str | None = None
    audited: Any = None
    current: Any = None


@dataclass
class ReplayResult:
    findings: list[Finding] = field(default_factory=list)
    unlisted: int = 0
    rows: int = 0  # current rows compared
    records: int = 0  # records the trail knows of

    def add(self, finding: Finding) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self.unlisted += 1
        else:
            self.findings.append(finding)


def _fold(
    conn, tables: set[str], text_keys: dict[str, str]
) -> tuple[dict[tuple[str, Any], dict[str, Any]], set[tuple[str, Any]], set[tuple[str, Any]]]:
    """(state of every record the trail says exists, records the trail deleted). `text_keys`: tables
    whose records are known by a text primary key (its attribute key)."""
    e = _ENTRY
    alive: dict[tuple[str, int], dict[str, Any]] = {}
    deleted: set[tuple[str, int]] = set()
    ever_deleted: set[tuple[str, Any]] = set()
    query = select(e.c.action, e.c.entity, e.c.entity_id, e.c.changes).order_by(e.c.seq)
    loads = json.loads
    for action, entity, entity_id, changes in conn.execute(query):
        text_key = text_keys.get(entity)
        if entity not in tables or (entity_id is None and text_key is None):
            continue
        try:
            values = loads(changes) if isinstance(changes, str) else (changes or {})
        except ValueError:
            values = {}
        if entity_id is None:  # a record known by a text key (settings): the entry names it
            pair = values.get(text_key)
            if not isinstance(pair, list) or len(pair) != 2:
                continue  # a summary entry of bulk work, or an older update that did not name it
            entity_id = pair[1] if pair[1] is not None else pair[0]
        key = (entity, entity_id)
        if action == "insert":
            alive[key] = {k: v[1] for k, v in values.items() if isinstance(v, list) and len(v) == 2}
            deleted.discard(key)
        elif action == "update":
            state = alive.get(key)
            if state is None:  # an update of a record never inserted in the trail: known from here on
                state = alive[key] = {}
            for k, v in values.items():
                if isinstance(v, list) and len(v) == 2:
                    state[k] = v[1]
        elif action == "delete":
            alive.pop(key, None)
            deleted.add(key)
            ever_deleted.add(key)
    return alive, deleted, ever_deleted


def _int_type(column) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _normal(value: Any) -> Any:
    """A current value as the trail keeps it (the unit of work's `_plain`, then JSON's view of it)."""
    value = _plain(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return float(value)
    from branchdesk.db.types import _json_default

    try:
        return json.loads(json.dumps(value, ensure_ascii=False, default=_json_default))
    except TypeError:
        return str(value)


def _same(audited: Any, current: Any) -> bool:
    if _empty(audited) and _empty(current):
        return True
    if audited == current:
        return True
    if isinstance(audited, str) and isinstance(current, dt.date | dt.datetime):
        return audited == _plain(current)
    return False


def replay(conn) -> ReplayResult:
    """Compare every audited table with what the trail says (one connection, read only)."""
    existing = set(sa_inspect(conn).get_table_names())
    tables = _audited_tables(existing)
    text_keys = {}
    for t in tables:
        pk = [(k, c) for k, c in t.keys if c.primary_key]
        if len(pk) == 1 and not _int_type(pk[0][1]):
            text_keys[t.name] = pk[0][0]
    alive, deleted, ever_deleted = _fold(conn, {t.name for t in tables}, text_keys)
    result = ReplayResult(records=len(alive))
    gone: set[tuple[str, int]] = set(deleted)  # deleted by the trail, or removed with such a parent
    for t in tables:
        columns = [col for _key, col in t.keys]
        keys = [key for key, _col in t.keys]
        pk = next((i for i, (_k, c) in enumerate(t.keys) if c.primary_key), None)
        if pk is None:
            continue
        seen: set[int] = set()
        for row in conn.execute(select(*columns)):
            result.rows += 1
            record = row[pk]
            seen.add(record)
            state = alive.get((t.name, record))
            label = _record_label(t, keys, row, record)
            if state is None:
                if (t.name, record) in deleted:
                    result.add(Finding("reappeared", t.name, record,
                                       f"{label}在审计日志中已被删除，但数据库中仍有这条记录：可能是在程序之外恢复或添加的"))  # fmt: skip
                else:
                    result.add(Finding("unaudited", t.name, record,
                                       f"{label}没有新增的审计记录：可能是在程序之外添加的，或审计日志被删改"))  # fmt: skip
                continue
            for i, key in enumerate(keys):
                if key in _SKIPPED or i == pk:
                    continue
                audited = state.get(key)
                current = row[i]
                if key in t.secret:
                    if _empty(audited) != _empty(current):
                        result.add(_changed(t, record, label, key, "（有值）" if audited else "（空）",
                                            "（有值）" if current is not None else "（空）"))  # fmt: skip
                    continue
                if _same(audited, current):
                    continue
                normal = _normal(current)
                if _same(audited, normal):
                    continue
                target = (t.set_null.get(key), audited)
                if normal is None and key in t.set_null and (target in gone or target in ever_deleted):
                    continue  # the database emptied the reference when the trail deleted its target
                result.add(_changed(t, record, label, key, audited, normal))
        for (table_name, record), state in alive.items():
            if table_name != t.name or record in seen:
                continue
            parents = [(parent, state.get(key)) for key, parent in t.cascade.items()]
            if any(p in gone for p in parents):
                gone.add((table_name, record))  # removed with its parent (ON DELETE CASCADE)
                continue
            label = _record_label(t, None, state, record)
            result.add(Finding("removed", t.name, record,
                               f"{label}在审计日志中存在，但数据库中已没有这条记录：可能是在程序之外被删除的"))  # fmt: skip
    return result


def _changed(t: _Table, record: int, label: str, key: str, audited: Any, current: Any) -> Finding:
    from branchdesk.services.audit import _Names, field_label

    names = _Names(None)  # codes as their labels (references stay numbers: nothing is read here)
    return Finding(
        "changed",
        t.name,
        record,
        f"{label}的“{field_label(t.name, key)}”与审计记录不符：审计记录为“{names._text(t.name, key, audited)}”，"
        f"现在是“{names._text(t.name, key, current)}”：可能是在程序之外被改动的",
        key,
        audited,
        current,
    )


def _text(value: Any) -> str:
    if _empty(value):
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _record_label(t: _Table, keys, row, record: int) -> str:
    from branchdesk.services.audit import table_label

    name = None
    if t.name_key is not None:
        name = row.get(t.name_key) if keys is None else row[keys.index(t.name_key)]
    shown = f"（{name}）" if name not in (None, "") and t.name not in ("user_account",) else ""
    if t.name == "user_account" and name:
        shown = f"（{name}）"
    return f"“{table_label(t.name)}”第 {record} 条记录{shown}"


# ---- making the trail match ------------------------------------------------------------------------
def baseline_entries(conn, *, user: str, operation: str) -> list[dict[str, Any]]:
    """The audit entries that record the data as it is where the trail does not (see module doc)."""
    result = replay(conn)
    if result.unlisted:  # more than MAX_FINDINGS: compute them all
        return _all_baseline(conn, user=user, operation=operation)
    return _entries_for(conn, result.findings, user=user, operation=operation)


def _all_baseline(conn, *, user: str, operation: str) -> list[dict[str, Any]]:
    global MAX_FINDINGS
    saved, MAX_FINDINGS = MAX_FINDINGS, 10**12
    try:
        result = replay(conn)
    finally:
        MAX_FINDINGS = saved
    return _entries_for(conn, result.findings, user=user, operation=operation)


def _entries_for(conn, findings: list[Finding], *, user: str, operation: str) -> list[dict[str, Any]]:
    existing = set(sa_inspect(conn).get_table_names())
    tables = {t.name: t for t in _audited_tables(existing)}
    unaudited: dict[str, list[Any]] = {}
    changed: dict[tuple[str, Any], dict[str, list[Any]]] = {}
    out: list[dict[str, Any]] = []
    for f in findings:
        t = tables[f.table]
        if f.kind in ("unaudited", "reappeared"):
            unaudited.setdefault(f.table, []).append(f.record)
        elif f.kind == "changed":
            value = "〈已隐藏〉" if f.field in t.secret else f.current
            changed.setdefault((f.table, f.record), {})[f.field] = [f.audited, value]
        elif f.kind == "removed":
            entity_id, named = _identify(t, f.record, "delete")
            out.append(_entry(user, operation, "delete", f.table, entity_id, named))
    for (table_name, record), changes in changed.items():
        entity_id, named = _identify(tables[table_name], record, "update")
        out.append(_entry(user, operation, "update", table_name, entity_id, {**named, **changes}))
    for table_name, records in unaudited.items():
        t = tables[table_name]
        pk_index = next(i for i, (_k, c) in enumerate(t.keys) if c.primary_key)
        pk = t.keys[pk_index][1]
        wanted = sorted(set(records), key=str)
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            for row in conn.execute(select(*[c for _k, c in t.keys]).where(pk.in_(chunk))):
                values = {}
                for (key, _col), value in zip(t.keys, row, strict=True):
                    if key in _SKIPPED or _empty(value):
                        continue
                    values[key] = [None, "〈已隐藏〉" if key in t.secret else _normal(value)]
                record = row[pk_index]
                out.append(_entry(user, operation, "insert", table_name,
                                  record if isinstance(record, int) else None, values))  # fmt: skip
    return out


def _identify(t: _Table, record: Any, action: str) -> tuple[int | None, dict[str, list[Any]]]:
    """(entity_id, fields naming the record) of an entry about `record` (text keys are named)."""
    if isinstance(record, int):
        return record, {}
    key = next(k for k, c in t.keys if c.primary_key)
    return None, {key: [record, None] if action == "delete" else [record, record]}


def _entry(user: str, operation: str, action: str, entity: str, record: int, changes: dict) -> dict[str, Any]:
    return {"user": user, "operation": operation, "action": action, "entity": entity, "entity_id": record,
            "changes": changes}  # fmt: skip


def baseline(session, *, user: str, operation: str) -> int:
    """Queue the baseline entries in a unit of work's session; returns how many."""
    from branchdesk.db.uow import add_entries

    session.flush()
    rows = baseline_entries(session.connection(), user=user, operation=operation)
    add_entries(session, rows)
    return len(rows)
