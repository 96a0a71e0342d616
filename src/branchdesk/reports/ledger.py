"""A ledger (台账) is data: title, columns, rows, totals, notes. Writers (xlsx, pdf) render any ledger.

Adding a ledger means writing one function that returns a `Ledger`; the writers, the preview and the
CLI pick it up from the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

ColumnKind = Literal["text", "date", "int", "money", "id_number", "phone", "bool"]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: ColumnKind = "text"
    width: float = 10.0  # in "character" units; writers scale to the page
    wrap: bool = False  # long text wraps inside the cell


@dataclass
class Ledger:
    key: str
    title: str
    branch_name: str
    period: str
    columns: list[Column]
    rows: list[list[Any]]
    printed_on: dt.date = field(default_factory=dt.date.today)
    totals: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    orientation: Literal["portrait", "landscape"] = "landscape"
    signatures: list[str] = field(default_factory=lambda: ["书记", "审核人"])
    mask_profile: str = "full"

    def masked(self, profile: str) -> Ledger:
        """A copy for `profile`: 'public' masks ID numbers and phones; 'full' (the inspector's) does not."""
        if profile == "full":
            return self
        if profile != "public":
            raise ValueError(f"未知的脱敏方式：{profile}")
        from branchdesk.domain.citizen_id import mask_citizen_id
        from branchdesk.domain.phone import mask_phone

        maskers: dict[int, Callable[[Any], Any]] = {}
        for index, column in enumerate(self.columns):
            if column.kind == "id_number":
                maskers[index] = mask_citizen_id
            elif column.kind == "phone":
                maskers[index] = mask_phone
        rows = [[maskers[i](v) if i in maskers and v else v for i, v in enumerate(row)] for row in self.rows]
        return replace(self, rows=rows, mask_profile=profile)


MASK_PROFILES = {"full": "完整（供上级党组织检查）", "public": "脱敏（用于公示或外送）"}
