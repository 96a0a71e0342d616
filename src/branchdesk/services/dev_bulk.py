"""Batch insert of many new dossiers (imports, demo data, benchmarks) inside one unit of work.

The ORM needs ~9 s for 1,000 dossiers with their ~30 child rows each; this writes the same rows
with one executemany per table and one audit entry per inserted row, in the form the unit of work
writes for an ORM insert (``db/uow.py``: every non-empty column as ``[None, value]``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from branchdesk.db.models_development import DevelopmentDossier, DossierVote
from branchdesk.db.types import utcnow
from branchdesk.db.uow import add_entries
from branchdesk.domain.development import Dossier
from branchdesk.services import dev_mapping as mapping
from branchdesk.services.bulk import insert_returning_ids

__all__ = ["insert_dossiers"]

_TIMESTAMPS = frozenset({"created_at", "updated_at"})


def insert_dossiers(
    session: Session,
    items: Sequence[tuple[Dossier, int | None]],
    *,
    branch_id: int,
    user: str,
    operation: str,
) -> list[int]:
    """Insert (dossier, member_id) pairs as new dossiers; returns their ids in order."""
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id
    from branchdesk.domain.pinyin import name_pinyin
    from branchdesk.services.bulk import collector_paused

    now = utcnow()
    audit: list[dict[str, Any]] = []
    with collector_paused():
        rows = []
        pinyin: dict[str, tuple[str, str]] = {}
        for d, member_id in items:
            row = mapping.dossier_values(d)
            search = pinyin.get(d.person.name)
            if search is None:
                search = pinyin[d.person.name] = name_pinyin(d.person.name)
            sex = ""
            if d.person.id_number:
                try:
                    sex = parse_citizen_id(d.person.id_number).sex
                except CitizenIdError:
                    sex = ""
            row.update(
                branch_id=branch_id, member_id=member_id, name_initials=search[0], name_pinyin=search[1],
                sex=sex, created_at=now, updated_at=now,
            )  # fmt: skip
            rows.append(row)
        connection = session.connection()
        ids = insert_returning_ids(connection, DevelopmentDossier.__table__, rows, what="发展党员档案")
        _audit(audit, "dossier", ids, rows, now, user, operation)

        children: dict[Any, list[dict[str, Any]]] = {}
        for (d, _), dossier_id in zip(items, ids, strict=True):
            for model, child in mapping.child_rows(d).items():
                bucket = children.setdefault(model.__table__, [])
                for values in child:
                    values["dossier_id"] = dossier_id
                    bucket.append(values)
            bucket = children.setdefault(DossierVote.__table__, [])
            for (kind, ordinal), values in mapping.vote_rows(d).items():
                values.update(dossier_id=dossier_id, kind=kind, ordinal=ordinal)
                bucket.append(values)
        for table, child_rows in children.items():
            if child_rows:
                child_ids = insert_returning_ids(connection, table, child_rows, what="发展党员档案")
                _audit(audit, table.name, child_ids, child_rows, now, user, operation)
        add_entries(session, audit)  # joins the audit chain when the unit of work commits
    return ids


def _audit(out: list, entity: str, ids: list[int], rows: list[dict], now, user: str, operation: str) -> None:
    from branchdesk.db.uow import _plain  # the unit of work's own value rule

    plain_types = {str, int}
    for entity_id, row in zip(ids, rows, strict=True):
        changes = {
            key: [None, value if type(value) in plain_types else _plain(value)]
            for key, value in row.items()
            if value is not None and value is not False and value != "" and key not in _TIMESTAMPS
        }
        changes["id"] = [None, entity_id]
        out.append({"at": now, "user": user, "operation": operation, "action": "insert", "entity": entity,
                    "entity_id": entity_id, "changes": changes})  # fmt: skip
