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
    #: what the public (脱敏) copy does with it beyond ID numbers and phones: "year" keeps the year of a
    #: date (birth dates), "hide" blanks it (addresses, notes); "" lets `privacy_of` decide by the title
    private: str = ""


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
    #: the signature block ends with 党支部（盖章） (the forms that carry the branch's seal)
    stamp: bool = False
    #: the PDF's paper: "A4" or "A3" (a wide ledger on one A3 landscape page instead of parts)
    paper: Literal["A4", "A3"] = "A4"
    #: PDF: a ledger too wide for A4 landscape prints in parts, each repeating this many leading
    #: columns (None: the leading 序号 / 姓名 / 日期 columns)
    key_columns: int | None = None

    def masked(self, profile: str) -> Ledger:
        """A copy for `profile`: 'public' masks ID numbers and phones and coarsens or hides every other
        field that identifies a person (birth date → year, address, notes); 'full' (the inspector's)
        changes nothing. The public copy says 脱敏版 beside its period."""
        if profile == "full":
            return self
        check_profile(profile)
        maskers: dict[int, Callable[[Any], Any]] = {}
        for index, column in enumerate(self.columns):
            rule = privacy_of(column.kind, column.title, column.private)
            if rule:
                maskers[index] = _MASKERS[rule]
        rows = [[maskers[i](v) if i in maskers and v else v for i, v in enumerate(row)] for row in self.rows]
        return replace(self, rows=rows, mask_profile=profile, period=public_period(self.period))


#: the mark a public copy carries in its header
PUBLIC_MARK = "脱敏版"
#: titles of fields that identify a person beyond the ID number and the phone
_HIDDEN_WORDS = (
    "住址",
    "地址",
    "备注",
    "说明",
    "联系电话",
    "手机",
    "电话",
    "邮箱",
    "微信",
    "QQ",
    "身份证",
    "学号",
)
_YEAR_WORDS = ("出生",)


def check_profile(profile: str) -> None:
    if profile not in MASK_PROFILES:
        raise ValueError(f"未知的脱敏方式：{profile}")


def public_period(period: str) -> str:
    return period if PUBLIC_MARK in period else "　".join(t for t in (period, PUBLIC_MARK) if t)


def privacy_of(kind: str, title: str, private: str = "") -> str:
    """How the public copy treats a field: "id" / "phone" (masked), "year", "hide" or "" (kept)."""
    if private:
        return private
    if kind == "id_number":
        return "id"
    if kind == "phone":
        return "phone"
    if any(word in title for word in _YEAR_WORDS):
        return "year"
    if any(word in title for word in _HIDDEN_WORDS):
        return "hide"
    return ""


def _year_only(value: Any) -> Any:
    if isinstance(value, dt.date):
        return f"{value.year}年"
    text = str(value)
    return f"{text[:4]}年" if len(text) >= 4 and text[:4].isdigit() else ""


def _mask_id(value: Any) -> Any:
    from branchdesk.domain.citizen_id import mask_citizen_id

    return mask_citizen_id(value)


def _mask_phone(value: Any) -> Any:
    from branchdesk.domain.phone import mask_phone

    return mask_phone(value)


_MASKERS: dict[str, Callable[[Any], Any]] = {
    "id": _mask_id,
    "phone": _mask_phone,
    "year": _year_only,
    "hide": lambda value: "",
    "keep": lambda value: value,
}


MASK_PROFILES = {"full": "完整（供上级党组织检查）", "public": "脱敏版（用于公示或外送）"}


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
    stamp: bool = False  # see Ledger.stamp
    #: the book a document belongs to ("会议记录簿" for each meeting's 支部委员会记录, 党课记录 …):
    #: consecutive documents of one book share an Excel sheet, a contents entry and a bookmark
    book: str = ""

    @property
    def book_title(self) -> str:
        return self.book or self.title

    def masked(self, profile: str) -> Document:
        """A copy for `profile` (see `Ledger.masked`): every identifying field in every block masked."""
        if profile == "full":
            return self
        check_profile(profile)
        blocks: list[Block] = []
        for block in self.blocks:
            if isinstance(block, Table):
                inner = Ledger("", "", "", "", block.columns, block.rows).masked(profile)
                blocks.append(replace(block, rows=inner.rows))
            elif isinstance(block, Fields):
                items = [
                    (label, _mask_value(privacy_of(block.kinds.get(label, "text"), label), value))
                    for label, value in block.items
                ]
                blocks.append(replace(block, items=items))
            else:
                blocks.append(block)
        return replace(self, blocks=blocks, mask_profile=profile, period=public_period(self.period))


def _mask_value(rule: str, value: Any) -> Any:
    if not value or not rule:
        return value
    return _MASKERS[rule](value)


#: the last line of every signature block: the date (and, on a sealed form, 党支部（盖章） before it)
SIGNATURE_DATE = "日期：　　　　年　　月　　日"
SIGNATURE_STAMP = "党支部（盖章）"


def signature_tail(stamp: bool) -> list[str]:
    """The texts after the signature lines: [党支部（盖章）,] 日期：…年…月…日."""
    return [SIGNATURE_STAMP, SIGNATURE_DATE] if stamp else [SIGNATURE_DATE]


#: What a registered ledger builder returns and what the writers accept.
Report = Ledger | Document
