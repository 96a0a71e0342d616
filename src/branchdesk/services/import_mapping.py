"""The column mapping of an import (issue 18): a column the importer does not know by itself is assigned
to a field, or ignored, by the user; the choice is remembered for files of the same layout.

A mapping is ``{header_key(header): field key}`` ("" = ignore the column); the importers take it as
``read_roster(path, mapping=…)`` / ``read_development(path, mapping=…)``. It is stored as a setting of
the branch under the header's signature (``xlsx_table.header_signature``): the next file with the same
header row gets the same mapping without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from branchdesk.services.xlsx_table import header_key

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

ROSTER = "roster"
DEVELOPMENT = "development"
_PREFIX = "imports.mapping."


@dataclass(frozen=True)
class FieldChoice:
    key: str
    label: str


def field_choices(kind: str) -> list[FieldChoice]:
    """The fields a column of a `kind` file can be assigned to, in the template's order."""
    if kind == ROSTER:
        from branchdesk.services.imports import import_columns

        return [FieldChoice(c.key, c.label) for c in import_columns() if c.kind != "seq"]
    from branchdesk.domain.dev_exchange import EXCHANGE_COLUMNS

    return [FieldChoice(c.key, c.title) for c in EXCHANGE_COLUMNS if c.key != "seq"]


def _names(kind: str) -> dict[str, str]:
    """header_key of every name a field goes by -> the field's key."""
    if kind == ROSTER:
        from branchdesk.services.imports import _alias_table

        return {name: column.key for name, column in _alias_table().items() if column.kind != "seq"}
    from branchdesk.services.dev_import import _TABLE

    return {name: key for name, key in _TABLE.items() if key != "seq"}


def suggest(kind: str, header: str) -> str | None:
    """The field an unknown header most likely means: the one whose longest name (two characters at
    least) the header contains — "所在班级" → 班级, "学生所在专业" → 专业; None when nothing fits."""
    text = header_key(header)
    best: tuple[int, str] | None = None
    for name, key in _names(kind).items():
        if len(name) >= 2 and name in text and (best is None or len(name) > best[0]):
            best = (len(name), key)
    return best[1] if best else None


def _setting(kind: str, signature: str) -> str:
    return f"{_PREFIX}{kind}.{signature}"


def saved_mapping(ws: Workspace, kind: str, signature: str) -> dict[str, str]:
    """The mapping chosen before for files of this layout ({} when none)."""
    if not signature:
        return {}
    value = ws.settings.get(_setting(kind, signature))
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def save_mapping(ws: Workspace, kind: str, signature: str, mapping: dict[str, str]) -> None:
    """Remember `mapping` for files of this layout (a setting of the branch); an empty one forgets."""
    if signature and mapping != saved_mapping(ws, kind, signature):
        ws.settings.set(_setting(kind, signature), dict(mapping) or None)


def mapping_of(choices: dict[str, str]) -> dict[str, str]:
    """{header as written: field key or ""} → the importers' mapping {header_key: field key or ""}."""
    return {header_key(header): key for header, key in choices.items() if header_key(header)}
