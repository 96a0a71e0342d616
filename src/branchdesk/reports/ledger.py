"""A ledger (台账) is data: title, columns, rows, totals, notes. Writers (xlsx, pdf) render any ledger.

Adding a ledger means writing one function that returns a `Ledger`; the writers, the preview and the
CLI pick it up from the registry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal


class ExportCancelled(Exception):
    """Writing a report was cancelled by the user (the writers raise a subclass; no file is left)."""


ColumnKind = Literal[
    "text", "date", "int", "number", "money", "id_number", "phone", "bool"
]  # number: hours (2.5)


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
    #: PDF: a ledger too wide for A4 landscape prints in parts, each repeating this many leading
    #: columns (None: the leading 序号 / 姓名 / 日期 columns)
    key_columns: int | None = None

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


# ============================================================================ documents (forms)
# A ledger is a table. Some papers are forms instead: a person's 发展党员纪实表, one meeting's minutes.
# A `Document` is a sequence of blocks; the same writers render it (PDF: flowing blocks on pages;
# xlsx: one sheet, label/value rows and small tables).


@dataclass(frozen=True)
class Heading:
    """A section heading inside a document ("一、基本情况")."""

    text: str


@dataclass(frozen=True)
class Fields:
    """Label/value pairs laid out as a form grid, ``per_line`` pairs on each line.

    Values are plain Python values (str, int, date, Decimal …); a field whose label names an ID number
    or a phone is masked by `Document.masked` when its kind says so (``kinds`` maps label -> kind).
    """

    items: list[tuple[str, Any]]
    per_line: int = 2
    kinds: dict[str, ColumnKind] = field(default_factory=dict)

    def lines(self, items: list[tuple[str, Any]], too_long: Callable[[Any], bool], per_line: int | None = None
              ) -> list[list[tuple[str, Any]]]:  # fmt: skip
        """`items` (these fields' items, as a writer shows them) grouped into the lines of the grid:
        ``per_line`` to a line, except that a value `too_long` for its cell gets a line of its own."""
        per_line = max(1, per_line or self.per_line)
        lines: list[list[tuple[str, Any]]] = []
        current: list[tuple[str, Any]] = []
        for label, value in items:
            if per_line > 1 and too_long(value):
                if current:
                    lines.append(current)
                lines.append([(label, value)])
                current = []
                continue
            current.append((label, value))
            if len(current) == per_line:
                lines.append(current)
                current = []
        if current:
            lines.append(current)
        return lines


@dataclass(frozen=True)
class Table:
    """A small table inside a document (talks, votes, attendance …)."""

    columns: list[Column]
    rows: list[list[Any]]
    caption: str = ""


@dataclass(frozen=True)
class Paragraph:
    """Running text (a summary, a discussion); line breaks in ``text`` are kept."""

    text: str
    label: str = ""  # shown in bold before the text, e.g. "讨论情况："


@dataclass(frozen=True)
class Pictures:
    """Photos side by side (JPEG/PNG bytes, already upright), each with a caption under it, scaled to
    at most ``height_mm`` high within the page's width. The PDF prints them; a workbook lists the captions."""

    items: tuple[tuple[bytes, str], ...]
    height_mm: float = 55.0


Block = Heading | Fields | Table | Paragraph | Pictures


@dataclass
class Document:
    """A form-like record: title, who/when lines, then blocks in order, then signature lines.

    ``subject`` names what the document is about (a person, a meeting) for tables of contents and PDF
    bookmarks, e.g. "张三" or "2026-03-15 支部党员大会".
    """

    key: str
    title: str
    branch_name: str
    period: str
    blocks: list[Block]
    subject: str = ""
    printed_on: dt.date = field(default_factory=dt.date.today)
    orientation: Literal["portrait", "landscape"] = "portrait"
    signatures: list[str] = field(default_factory=lambda: ["书记", "记录人"])
    mask_profile: str = "full"
    #: the book a document belongs to ("会议记录簿" for each meeting's 支部委员会记录, 党课记录 …):
    #: consecutive documents of one book share an Excel sheet, a contents entry and a bookmark
    book: str = ""

    @property
    def book_title(self) -> str:
        return self.book or self.title

    def masked(self, profile: str) -> Document:
        """A copy for `profile` (see `Ledger.masked`): ID numbers and phones masked in every block."""
        if profile == "full":
            return self
        if profile != "public":
            raise ValueError(f"未知的脱敏方式：{profile}")
        blocks: list[Block] = []
        for block in self.blocks:
            if isinstance(block, Table):
                inner = Ledger("", "", "", "", block.columns, block.rows).masked(profile)
                blocks.append(replace(block, rows=inner.rows))
            elif isinstance(block, Fields):
                items = [
                    (label, _mask_value(block.kinds.get(label, "text"), value))
                    for label, value in block.items
                ]
                blocks.append(replace(block, items=items))
            else:
                blocks.append(block)
        return replace(self, blocks=blocks, mask_profile=profile)


def _mask_value(kind: str, value: Any) -> Any:
    if not value:
        return value
    if kind == "id_number":
        from branchdesk.domain.citizen_id import mask_citizen_id

        return mask_citizen_id(value)
    if kind == "phone":
        from branchdesk.domain.phone import mask_phone

        return mask_phone(value)
    return value


#: What a registered ledger builder returns and what the writers accept.
Report = Ledger | Document
