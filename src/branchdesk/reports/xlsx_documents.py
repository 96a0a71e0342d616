"""Documents (纪实表, minutes …) on an xlsx sheet: a form on a grid of equal columns.

A document is laid out on GRID columns (more when one of its tables has more columns): a merged
title, a line with the branch, the subject and the period, then its blocks — headings as bold merged
rows, fields as shaded label cells beside merged value cells (``per_line`` pairs on a line; a long
value takes a line of its own), tables with a shaded header, paragraphs as one merged wrapped cell —
and the signature lines. Several documents of one kind follow each other on one sheet, each starting
on a new printed page (a manual page break). Rows get the height their wrapped text needs, since
Excel does not grow merged rows by itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from typing import Any

from branchdesk.reports.ledger import Column, Document, Fields, Heading, Paragraph, Table, signature_tail
from branchdesk.reports.xlsx import (
    CELL_PADDING,
    CJK_FACTOR,
    DATE_FORMAT,
    MONEY_FORMAT,
    SIGNATURE_BLANK,
    _cell_value,
    _cell_xml,
    _Styles,
    display_width,
    page_setup,
)

GRID = 12
#: the width of the printed area in Excel character units (scaled to the page when printed)
SHEET_WIDTH = {"portrait": 96.0, "landscape": 140.0}
LINE = 15.0  # points per line of 10-pt text
DOC_SIZE = 10


def _spans(weights: Sequence[float], total: int, minimum: Sequence[int] | None = None) -> list[int]:
    """Split `total` grid columns among items in proportion to `weights`, each at least its `minimum`
    (1 by default) when they fit."""
    n = len(weights)
    if n >= total:
        return [1] * n
    least = list(minimum) if minimum is not None and sum(minimum) <= total else [1] * n
    weight_sum = sum(weights) or n
    exact = [max(w, 0.01) / weight_sum * total for w in weights]
    spans = [max(least[k], math.floor(e)) for k, e in enumerate(exact)]
    while sum(spans) > total:
        i = max((k for k in range(n) if spans[k] > least[k]), key=lambda k: spans[k] - exact[k])
        spans[i] -= 1
    order = sorted(range(n), key=lambda k: exact[k] - spans[k], reverse=True)
    k = 0
    while sum(spans) < total:
        spans[order[k % n]] += 1
        k += 1
    return spans


#: bold text is wider: Excel draws 宋体 bold about a pixel wider per character
BOLD_FACTOR = 1.04


def _lines(text: str, width: float, *, bold: bool = False) -> int:
    """Lines `text` takes in a cell `width` Excel units wide (the cell's padding taken off)."""
    if not text:
        return 1
    usable = max(width - CELL_PADDING, 1.0)
    factor = BOLD_FACTOR if bold else CJK_FACTOR
    return sum(max(1, math.ceil(display_width(part) * factor / usable)) for part in str(text).split("\n"))


def _shown(value: Any) -> str:
    """The text a cell shows, to measure it (a date as yyyy-mm-dd, not with its time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return "0000-00-00"
    return str(value)


class _DocSheet:
    """Lays documents out on a sheet, rendering the rows as SpreadsheetML text (`xml`, `merged`) that
    `write_xlsx` splices into the saved sheet: a minute book of 300 meetings is ~150,000 cells, and
    openpyxl's cell objects took ~9 s for them where the text takes a fraction of a second (issue 17)."""

    def __init__(self, ws, grid: int, orientation: str, check: Callable[[], None]):
        from openpyxl.utils import get_column_letter

        self.ws = ws
        self.styles = _Styles(ws)
        self.grid = grid
        self.letters = [get_column_letter(i) for i in range(1, grid + 1)]
        self.column_width = SHEET_WIDTH.get(orientation, SHEET_WIDTH["portrait"]) / grid
        self.row = 0
        self.check = check
        self.parts: list[str] = []
        self.merged: list[str] = []
        self._ids: dict[int, str] = {}  # id(prototype) -> its style id, as text
        s = self.styles
        self.title = s.proto(font="title", border=False, horizontal="center")
        self.plain = s.proto(border=False, horizontal="left", wrap=True, vertical="top")
        self.right = s.proto(border=False, horizontal="right")
        self.heading = s.proto(font="bold", border=False, horizontal="left")
        self.label = s.proto(font="bold", fill=True, horizontal="center", wrap=True)
        self.value = s.proto(horizontal="left", wrap=True)
        self.header = s.proto(font="bold", fill=True, horizontal="center", wrap=True)
        self.caption = s.proto(font="bold", border=False, horizontal="left")
        self.empty_bordered = s.proto()

    def _style(self, proto) -> str:
        sid = self._ids.get(id(proto))
        if sid is None:
            sid = self._ids[id(proto)] = str(proto.style_id)
        return sid

    # -- rows
    def put(self, cells: list[tuple[int, Any, Any]], *, height: float | None = None) -> None:
        """One row: (span, value, style prototype) from the first column on; spans are merged."""
        self.row += 1
        row = self.row
        letters = self.letters
        out: list[str] = []
        column = 0
        for span, value, proto in cells:
            sid = self._style(proto)
            out.append(_cell_xml(f"{letters[column]}{row}", sid, value))
            if span > 1:
                # the covered cells keep the border of the merged range
                out.extend(f'<c r="{letters[c]}{row}" s="{sid}"/>' for c in range(column + 1, column + span))
                self.merged.append(f"{letters[column]}{row}:{letters[column + span - 1]}{row}")
            column += span
        if height is not None:
            self.parts.append(f'<row r="{row}" ht="{height:.16g}" customHeight="1">{"".join(out)}</row>')
        else:
            self.parts.append(f'<row r="{row}">{"".join(out)}</row>')

    def blank(self, height: float = 8) -> None:
        self.put([(self.grid, None, self.plain)], height=height)

    def height_for(self, cells: Sequence[tuple[int, str] | tuple[int, str, bool]]) -> float | None:
        """The height of a row whose merged cells (span, text[, bold]) wrap: Excel grows a row to its
        wrapped text by itself, but not for merged cells. None: one line."""
        lines = max(
            _lines(cell[1], cell[0] * self.column_width, bold=len(cell) > 2 and cell[2]) for cell in cells
        )
        return None if lines <= 1 else LINE * lines + 4

    # -- blocks
    def document(self, doc: Document) -> None:
        from branchdesk.domain.dates import format_date

        self.put([(self.grid, doc.title, self.title)], height=32)
        left = "　　".join(
            t for t in (f"单位：{doc.branch_name}" if doc.branch_name else "", doc.subject) if t
        )
        printed = format_date(doc.printed_on)
        right = "　　".join(
            t for t in (doc.period, "" if printed in doc.period else f"打印日期：{printed}") if t
        )
        half = self.grid // 2
        if (
            _lines(left, half * self.column_width) > 1
            or _lines(right, (self.grid - half) * self.column_width) > 1
        ):
            # the branch and the subject on a line of their own, the period and the date under them
            self.put(
                [(self.grid, left, self.plain)], height=max(20, self.height_for([(self.grid, left)]) or 0)
            )
            self.put([(self.grid, right, self.right)], height=20)
        else:
            self.put([(half, left, self.plain), (self.grid - half, right, self.right)], height=20)
        previous = None
        for block in doc.blocks:
            self.check()
            if isinstance(block, Paragraph | Fields) and isinstance(previous, Fields | Table):
                self.blank(6)  # running text or another form under a form or a table: a small gap
            previous = block
            if isinstance(block, Heading):
                self.blank(6)
                self.put([(self.grid, block.text, self.heading)], height=20)
            elif isinstance(block, Fields):
                self.fields(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Paragraph):
                text = f"{block.label}{block.text}"
                self.put([(self.grid, text, self.plain)], height=self.height_for([(self.grid, text)]))
        if doc.signatures:
            self.blank(14)
            spans = _spans([1] * len(doc.signatures), self.grid)
            cells = [(span, f"{label}（签字）：{SIGNATURE_BLANK}", self.plain)
                     for span, label in zip(spans, doc.signatures, strict=True)]  # fmt: skip
            self.put(cells, height=26)
            tail = [
                t.replace("日期：　　　　年　　月　　日", "日期：＿＿＿＿年＿＿月＿＿日")
                for t in signature_tail(doc.stamp)
            ]
            self.put([(self.grid, "　　　".join(tail), self.plain)], height=26)

    def _value_cell(self, kind: str, value: Any) -> tuple[Any, Any]:
        column = Column("", "", kind)  # type: ignore[arg-type]
        converted = _cell_value(column, value)
        proto = self.value
        if kind == "date" or (hasattr(converted, "isoformat") and not isinstance(converted, str)):
            proto = self.styles.proto(horizontal="left", number_format=DATE_FORMAT)
        elif kind == "money":
            proto = self.styles.proto(horizontal="left", number_format=MONEY_FORMAT)
        elif kind in ("id_number", "phone"):
            proto = self.styles.proto(horizontal="left", number_format="@")
        return converted, proto

    def fields(self, block: Fields) -> None:
        per_line = max(1, min(block.per_line, self.grid // 2))
        pair = self.grid // per_line
        # labels wide enough for the longest one on a line (up to half the pair), values the rest
        longest = max((display_width(str(label)) for label, _ in block.items), default=0)
        needed = math.ceil((longest * BOLD_FACTOR + CELL_PADDING) / self.column_width)
        label_span = max(1, min(max(round(pair * 0.4), needed), pair // 2))
        value_span = pair - label_span

        def too_long(value: Any) -> bool:
            text = "" if value is None else str(value)
            return "\n" in text or display_width(text) > value_span * self.column_width - 2

        for line in block.lines(block.items, too_long, per_line):
            cells, texts = [], []
            for number, (label, value) in enumerate(line):
                last = number == len(line) - 1
                span = (
                    self.grid - label_span * len(line) - value_span * (len(line) - 1) if last else value_span
                )
                converted, proto = self._value_cell(block.kinds.get(label, "text"), value)
                cells += [(label_span, label, self.label), (span, converted, proto)]
                texts += [(label_span, label, True), (span, _shown(converted))]
            self.put(cells, height=self.height_for(texts))

    def table(self, block: Table) -> None:
        from branchdesk.reports.xlsx import _column_proto

        columns = block.columns
        if block.caption:
            self.blank(6)
            self.put([(self.grid, block.caption, self.caption)], height=20)
        # a date needs "2026-06-30" in full (Excel shows ### in a cell too narrow for a number)
        date_span = math.ceil((display_width("0000-00-00") + 1 + CELL_PADDING) / self.column_width)
        spans = _spans([c.width for c in columns], self.grid,
                       [date_span if c.kind == "date" else 1 for c in columns])  # fmt: skip
        self.put([(span, c.title, self.header) for span, c in zip(spans, columns, strict=True)],
                 height=self.height_for([(span, c.title, True) for span, c in zip(spans, columns, strict=True)]))  # fmt: skip
        protos = []
        for c in columns:
            proto = _column_proto(self.styles, c)
            if c.kind == "text" and not c.wrap:
                proto = self.styles.proto(horizontal="left", wrap=True)
            protos.append(proto)
        if not block.rows:
            self.put([(self.grid, "（无）", self.styles.proto(horizontal="center"))])
        for row in block.rows:
            values = list(row) + [None] * (len(columns) - len(row))
            cells, texts = [], []
            for span, column, proto, value in zip(spans, columns, protos, values, strict=False):
                converted = _cell_value(column, value)
                cells.append((span, converted, proto))
                texts.append((span, _shown(converted)))
            self.put(cells, height=self.height_for(texts))


class _Rows:
    """A document sheet's rows and merged ranges as text, spliced in place of `marker` on saving."""

    def __init__(self, xml: str, merged: list[str]):
        import secrets

        self.marker = f"@@branchdesk-body-{secrets.token_hex(8)}@@"
        self.xml = xml
        cells = "".join(f'<mergeCell ref="{ref}"/>' for ref in merged)
        self.merge_xml = f'<mergeCells count="{len(merged)}">{cells}</mergeCells>' if merged else ""


def write_documents(ws, documents: Sequence[Document], check: Callable[[], None]) -> _Rows:
    """Write documents one after another on `ws`, each from a new printed page; the rows are returned
    as text for `write_xlsx` to splice into the saved sheet."""
    from openpyxl.worksheet.pagebreak import Break

    first = documents[0]
    # more grid columns when a table needs them: one per column, a second for a date, and one more for
    # each wrapping text (the 整改台账: eight columns, two dates, four texts)
    widest = max((sum(2 if c.kind == "date" else 1 for c in b.columns) + sum(1 for c in b.columns if c.wrap)
                  for d in documents for b in d.blocks if isinstance(b, Table)), default=0)  # fmt: skip
    grid = max(GRID, widest)
    sheet = _DocSheet(ws, grid, first.orientation, check)
    for letter in sheet.letters:
        ws.column_dimensions[letter].width = round(sheet.column_width, 1)
    page_setup(ws, first, left_margin=0.5)
    for number, document in enumerate(documents):
        if number:
            ws.row_breaks.append(Break(id=sheet.row))
        sheet.document(document)
    rows = _Rows("".join(sheet.parts), sheet.merged)
    ws.append([rows.marker])
    return rows
