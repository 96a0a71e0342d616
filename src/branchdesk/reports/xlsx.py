"""Write any ledger (台账) or document to an .xlsx workbook ready to print.

Documents (纪实表, minutes) are laid out as forms by `reports.xlsx_documents`; documents of one kind
that follow each other share a sheet, each starting on a new printed page. One sheet per ledger: a merged title row, a line with the branch, the period and the printing date,
a styled header row repeated on every printed page, the data with thin borders, then totals, notes
and signature lines. Dates are real Excel dates, amounts are numbers in yuan, ID numbers and phone
numbers are text. Page setup: A4, the ledger's orientation, fitted to the page width, centred, page
numbers in the footer.

openpyxl's write-only mode streams the rows (a 10,000-row roster in about a second); each cell
shares a prepared style of its column instead of having its style assembled cell by cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from branchdesk.domain.text import display_width
from branchdesk.reports.layout import BALANCE_ROWS, share_widths
from branchdesk.reports.ledger import Column, Document, ExportCancelled, Ledger, Report, signature_tail

FONT_NAME = "宋体"
TITLE_SIZE = 16
BODY_SIZE = 10
HEADER_FILL = "D9D9D9"
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "0.00"
MAX_WIDTH = 45  # widest column, in Excel character units
MIN_SCALE = 70  # per cent: the 10-point body prints at 7 points at least
PAGE_UNITS = {"landscape": 150.0, "portrait": 103.0}  # A4's printable width at 100 %, in width units
WRAP_WIDTH = 30  # a wrapping column widens up to this before its text wraps
LINE_HEIGHT = 13.5  # points per line of body text
CJK_FACTOR = 0.95  # a 10-pt CJK character is about 1.9 Excel width units, not 2
CELL_PADDING = 0.8  # of a column's width (in Excel units), what the cell's margins take
SIGNATURE_BLANK = "＿" * 8
#: the widest text (display width) a 9-pt footer's left part takes before it runs into the centre
FOOTER_ROOM = {"portrait": 48, "landscape": 76}
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_INFO_ROW, _HEADER_ROW = 2, 3


class XlsxCancelled(ExportCancelled):
    """Writing the workbook was cancelled; no file was left behind."""


def sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _BAD_SHEET_CHARS.sub("", title).strip("'") or "台账"
    name = base[:31]
    counter = 2
    while name.lower() in taken:
        suffix = f"（{counter}）"
        name = base[: 31 - len(suffix)] + suffix
        counter += 1
    taken.add(name.lower())
    return name


def _cell_value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    kind = column.kind
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value
    if kind == "money":
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value) / 100
        return value
    if kind in ("id_number", "phone"):
        return str(value)
    if kind == "bool":
        return "是" if value else None
    return value


def _text_of(column: Column, value: Any) -> str:
    """The text a cell shows, to size its column."""
    if value is None:
        return ""
    if column.kind == "date" and isinstance(value, dt.date):
        return "0000-00-00"
    if column.kind == "money" and isinstance(value, int):
        return f"{value / 100:.2f}"
    return str(value)


def column_widths(ledger: Ledger, *, sample: int = 5000) -> list[float]:
    """Excel widths: the ledger's width, widened to the content (up to MAX_WIDTH, or WRAP_WIDTH for a
    wrapping column). The header may wrap onto two lines. Long ledgers are sized on a sample of rows."""
    rows = ledger.rows
    if len(rows) > sample:
        step = len(rows) / sample
        rows = [rows[int(i * step)] for i in range(sample)] + [rows[-1]]
    widths = []
    for index, column in enumerate(ledger.columns):
        width = float(column.width)
        content = max((display_width(_text_of(column, row[index])) for row in rows), default=0)
        if ledger.totals and index < len(ledger.totals) and ledger.totals[index] is not None:
            content = max(content, display_width(_text_of(column, ledger.totals[index])))
        # a wrapping column grows a little before it wraps; others grow to their content
        limit = max(width, WRAP_WIDTH) if column.wrap else MAX_WIDTH
        width = max(width, min(content + 2, limit))
        header = display_width(column.title)
        width = max(width, math.ceil(header / 2) + 2, 4)
        widths.append(width)
    # Wider than the page: the wrapping columns give way (down to their own width) before the page
    # is scaled down to fit, so that the print stays legible; their rows grow instead. They share
    # what is left so that the rows take the fewest lines (as in the PDF).
    total = sum(widths)
    budget = PAGE_UNITS.get(ledger.orientation, PAGE_UNITS["landscape"])
    wrapping = [i for i, c in enumerate(ledger.columns) if c.wrap]
    if total > budget and wrapping:
        floors = [min(widths[i], max(float(c.width), math.ceil(display_width(c.title) / 2) + 2))
                  for i, c in enumerate(ledger.columns) if c.wrap]  # fmt: skip
        room = budget - sum(w for i, w in enumerate(widths) if i not in wrapping)
        if room <= sum(floors):
            shares = floors
        else:
            if len(rows) > BALANCE_ROWS:
                step = len(rows) / BALANCE_ROWS
                rows = [rows[int(i * step)] for i in range(BALANCE_ROWS)]
            cells = [[_paragraphs(row[i] if i < len(row) else None) for row in rows] for i in wrapping]
            # (each may widen to its longest line when that makes the rows fewer lines)
            caps = [max(widths[i], max((max(c) for c in column if c), default=0) + CELL_PADDING)
                    for i, column in zip(wrapping, cells, strict=True)]  # fmt: skip
            shares = share_widths(cells, floors, caps, room, pad=CELL_PADDING)
        for i, w in zip(wrapping, shares, strict=True):
            widths[i] = w
    return widths


def _paragraphs(value: Any) -> tuple[float, ...]:
    """A wrapping cell's lines as written, each as wide as its text in column-width units."""
    if value is None or value == "":
        return ()
    return tuple(display_width(part) * CJK_FACTOR for part in str(value).split("\n"))


class _Styles:
    """Prepared cell styles (one prototype cell per look), shared by every cell of that look."""

    def __init__(self, ws):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.ws = ws
        self.WriteOnlyCell = WriteOnlyCell
        self.Alignment = Alignment
        self.body_font = Font(name=FONT_NAME, size=BODY_SIZE)
        self.bold_font = Font(name=FONT_NAME, size=BODY_SIZE, bold=True)
        self.title_font = Font(name=FONT_NAME, size=TITLE_SIZE, bold=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self._cache: dict[tuple, Any] = {}

    def proto(self, *, font="body", border=True, fill=False, horizontal="left", wrap=False,
              number_format=None, vertical="center"):  # fmt: skip
        key = (font, border, fill, horizontal, wrap, number_format, vertical)
        cell = self._cache.get(key)
        if cell is None:
            cell = self.WriteOnlyCell(self.ws)
            cell.font = {"body": self.body_font, "bold": self.bold_font, "title": self.title_font}[font]
            if border:
                cell.border = self.border
            if fill:
                cell.fill = self.header_fill
            cell.alignment = self.Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
            if number_format:
                cell.number_format = number_format
            self._cache[key] = cell
        return cell

    def cell(self, value: Any, proto) -> Any:
        cell = self.WriteOnlyCell(self.ws, value)
        if isinstance(value, str) and cell.data_type == "f":
            # text is text: openpyxl takes a string starting with "=" for a formula (issue 11 §4:
            # a theme "=HYPERLINK(…)" or "=cmd|' /C calc'!A0" became a live formula in the minute book)
            cell.data_type = "s"
        cell._style = proto._style  # share the prepared style (an immutable array of style ids)
        return cell


def _column_proto(styles: _Styles, column: Column, *, bold: bool = False):
    kind = column.kind
    font = "bold" if bold else "body"
    if kind == "date":
        return styles.proto(font=font, horizontal="center", number_format=DATE_FORMAT)
    if kind == "money":
        return styles.proto(font=font, horizontal="right", number_format=MONEY_FORMAT)
    if kind == "int":
        return styles.proto(font=font, horizontal="center", number_format="0")
    if kind == "number":  # hours: 2.5 stays 2.5, 3 stays 3
        return styles.proto(font=font, horizontal="center", number_format="General")
    if kind in ("id_number", "phone"):
        return styles.proto(font=font, horizontal="center", number_format="@")
    if kind == "bool":
        return styles.proto(font=font, horizontal="center")
    return styles.proto(font=font, horizontal="left", wrap=column.wrap)


def _escape_hf(text: str) -> str:
    return text.replace("&", "&&")


def page_setup(ws, report: Report, *, left_margin: float = 0.4) -> None:
    """A4 in the report's orientation, fitted to the page width, centred; the footer names the branch
    and the report (the report alone when both would run into the page number), and prints
    "第 x 页 共 y 页" and the printing date."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    from branchdesk.domain.dates import format_date

    a3 = getattr(report, "paper", "A4") == "A3"
    ws.page_setup.paperSize = "8" if a3 else "9"  # A3 / A4
    ws.page_setup.orientation = report.orientation
    # fitted to the page width unless that would shrink the text below MIN_SCALE (a 60-column ledger on
    # A4 would print at 5 points): then at MIN_SCALE, across pages, 序号 and 姓名 repeated on each
    budget = PAGE_UNITS.get(report.orientation, PAGE_UNITS["landscape"]) * (2**0.5 if a3 else 1.0)
    total = sum(d.width or 0 for d in ws.column_dimensions.values())
    if total and budget / total < MIN_SCALE / 100:
        ws.page_setup.scale = MIN_SCALE
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
        if isinstance(report, Ledger) and len(report.columns) > 2:
            ws.print_title_cols = "A:B"
    else:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=left_margin, right=0.4, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    title = report.book_title if isinstance(report, Document) else report.title
    left = f"{report.branch_name}　{title}" if report.branch_name else title
    if display_width(left) > FOOTER_ROOM.get(report.orientation, FOOTER_ROOM["portrait"]):
        left = title  # the footer's parts would overlap
    ws.oddFooter.left.text = _escape_hf(left)
    ws.oddFooter.left.size = 9
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    public = "脱敏版　" if report.mask_profile != "full" else ""
    ws.oddFooter.right.text = _escape_hf(f"{public}打印日期：{format_date(report.printed_on)}")
    ws.oddFooter.right.size = 9


def _write_sheet(ws, ledger: Ledger, check: Callable[[], None] = lambda: None) -> _Body:
    from openpyxl.utils import get_column_letter

    from branchdesk.domain.dates import format_date

    styles = _Styles(ws)
    columns = ledger.columns
    count = len(columns)
    last = get_column_letter(count)
    widths = column_widths(ledger)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = round(width, 1)

    page_setup(ws, ledger)
    ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
    ws.freeze_panes = f"A{_HEADER_ROW + 1}"

    # title and the information line
    ws.row_dimensions[1].height = 32
    title = styles.proto(font="title", border=False, horizontal="center")
    ws.append([styles.cell(ledger.title, title)])
    ws.merged_cells.add(f"A1:{last}1")
    left = styles.proto(border=False, horizontal="left")
    right = styles.proto(border=False, horizontal="right")
    branch_text = f"单位：{ledger.branch_name}" if ledger.branch_name else ""
    printed = format_date(ledger.printed_on)
    printed_text = "" if printed in ledger.period else f"打印日期：{printed}"
    date_text = "　　".join(t for t in (ledger.period, printed_text) if t)
    ws.row_dimensions[_INFO_ROW].height = 20
    if count >= 2:
        split = max(1, count // 2)
        info = [styles.cell(branch_text, left)] + [None] * (split - 1) + [styles.cell(date_text, right)]
        ws.append(info)
        if split > 1:
            ws.merged_cells.add(f"A{_INFO_ROW}:{get_column_letter(split)}{_INFO_ROW}")
        if count - split > 1:
            ws.merged_cells.add(f"{get_column_letter(split + 1)}{_INFO_ROW}:{last}{_INFO_ROW}")
    else:
        ws.append([styles.cell("　".join(t for t in (branch_text, date_text) if t), left)])

    # header
    header = styles.proto(font="bold", fill=True, horizontal="center", wrap=True)
    lines = max(
        (math.ceil(display_width(c.title) / max(w - 1, 1)) for c, w in zip(columns, widths, strict=True)),
        default=1,
    )
    ws.row_dimensions[_HEADER_ROW].height = max(22, 15 * lines + 6)
    ws.append([styles.cell(c.title, header) for c in columns])

    # The body (data, totals, notes, signatures) is rendered as SpreadsheetML text by _Body and
    # spliced in place of a marker row when the workbook is saved: openpyxl builds an element per
    # cell, ~4 s for a 10,000-row roster, where plain text takes a fraction of that.
    body = _Body(ledger, styles, widths, first_row=_HEADER_ROW + 1, check=check)
    ws.append([body.marker])
    for ref in body.merged:
        ws.merged_cells.add(ref)
    return body


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _xml_text(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    if "\r" in text:  # kept as written (a bare one would be read back as a line feed)
        text = text.replace("\r", "&#13;")
    return text


_MAX_TEXT = 32767  # characters a cell holds


def _cell_xml(ref: str, style: str, value: Any) -> str:
    """One cell as SpreadsheetML, as openpyxl writes it (text inline, dates as serial numbers, numbers
    to 16 significant digits, booleans as TRUE/FALSE), but as text: no cell object per cell. Text is
    always text (never a formula); characters XML cannot hold are dropped."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, str):
        if len(value) > _MAX_TEXT:
            value = value[:_MAX_TEXT]
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        number = "" if value != value or value in (math.inf, -math.inf) else f"{value:.16g}"
        return f'<c r="{ref}" s="{style}" t="n"><v>{number}</v></c>'
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return f'<c r="{ref}" s="{style}" t="n"><v>{_excel_serial(value):.16g}</v></c>'
    return _cell_xml(ref, style, str(value))


def _excel_serial(value: dt.date | dt.time | dt.timedelta) -> float:
    """Excel's serial number of a date or time (Windows epoch, as openpyxl's ``to_excel``)."""
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 10**6) / 86400
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    days = (moment.replace(tzinfo=None) - dt.datetime(1899, 12, 30)).days
    if 0 < days <= 60:
        days -= 1
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 10**6
    return days + seconds / 86400


class _Body:
    """The rows under the header as SpreadsheetML text, with the style ids of prepared styles."""

    def __init__(self, ledger: Ledger, styles: _Styles, widths: list[float], *, first_row: int,
                 check: Callable[[], None] = lambda: None):  # fmt: skip
        import secrets

        from openpyxl.utils import get_column_letter

        self.marker = f"@@branchdesk-body-{secrets.token_hex(8)}@@"
        self.merged: list[str] = []
        columns = ledger.columns
        count = len(columns)
        letters = [get_column_letter(i) for i in range(1, count + 1)]
        parts: list[str] = []
        row_number = first_row

        def cell_xml(letter: str, row: int, style: int, column: Column | None, value: Any) -> str:
            ref = f"{letter}{row}"
            value = _cell_value(column, value) if column is not None else value
            if value is None:
                return f'<c r="{ref}" s="{style}"/>'
            if isinstance(value, str):
                space = ' xml:space="preserve"' if value != value.strip() else ""
                return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
            if isinstance(value, bool):
                return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{"是" if value else "否"}</t></is></c>'
            if isinstance(value, dt.date):
                return f'<c r="{ref}" s="{style}"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
            if isinstance(value, Decimal):
                return f'<c r="{ref}" s="{style}"><v>{format(value, "f")}</v></c>'
            if isinstance(value, int | float):
                return f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>'
            return cell_xml(letter, row, style, None, str(value))

        # data rows: one style id per column
        ids = [_column_proto(styles, c).style_id for c in columns]
        plan = list(zip(letters, ids, columns, strict=True))
        wrapping = [
            (i, max(w - CELL_PADDING, 1.0))
            for i, (c, w) in enumerate(zip(columns, widths, strict=True))
            if c.wrap
        ]
        for number, values in enumerate(ledger.rows):
            if number % 1000 == 999:
                check()
            cells = "".join(
                cell_xml(letter, row_number, sid, column, value)
                for (letter, sid, column), value in zip(plan, values, strict=False)
            )
            lines = _lines(values, wrapping) if wrapping else 1
            if lines > 1:  # rows do not grow by themselves when a file is opened: give the height
                height = round(LINE_HEIGHT * lines + 3, 1)
                parts.append(f'<row r="{row_number}" ht="{height}" customHeight="1">{cells}</row>')
            else:
                parts.append(f'<row r="{row_number}">{cells}</row>')
            row_number += 1

        if ledger.totals:
            bold = [_column_proto(styles, c, bold=True).style_id for c in columns]
            totals = list(ledger.totals) + [None] * (count - len(ledger.totals))
            cells = "".join(
                cell_xml(letter, row_number, sid, column, value)
                for letter, sid, column, value in zip(letters, bold, columns, totals, strict=False)
            )
            parts.append(f'<row r="{row_number}">{cells}</row>')
            row_number += 1

        last = letters[-1]
        total_width = max(sum(widths), 1)
        if ledger.notes:
            row_number += 1  # a blank line between the table and the notes
            note = styles.proto(border=False, horizontal="left", wrap=True, vertical="top").style_id
            for text in ledger.notes:
                height = max(18, 15 * math.ceil(display_width(text) / total_width))
                cell = cell_xml("A", row_number, note, None, text)
                parts.append(f'<row r="{row_number}" ht="{height}" customHeight="1">{cell}</row>')
                if count > 1:
                    self.merged.append(f"A{row_number}:{last}{row_number}")
                row_number += 1
        if ledger.signatures:
            row_number += 1
            left = styles.proto(border=False, horizontal="left").style_id
            cells = []
            for (start, end), label in zip(_signature_blocks(count, len(ledger.signatures)), ledger.signatures,
                                           strict=False):  # fmt: skip
                cells.append(
                    cell_xml(letters[start], row_number, left, None, f"{label}（签字）：{SIGNATURE_BLANK}")
                )
                if end > start:
                    self.merged.append(f"{letters[start]}{row_number}:{letters[end]}{row_number}")
            parts.append(f'<row r="{row_number}" ht="28" customHeight="1">{"".join(cells)}</row>')
            # the seal and the date under the signatures, on the right
            row_number += 1
            tail = signature_tail(ledger.stamp)
            blocks = _signature_blocks(count, 2)
            right = styles.proto(border=False, horizontal="right").style_id
            (start, end) = blocks[-1]
            # blanks to write on, as on the signature lines (an importer reads the row as a trailer)
            tail = [t.replace("日期：　　　　年　　月　　日", "日期：＿＿＿＿年＿＿月＿＿日") for t in tail]
            cell = cell_xml(letters[start], row_number, right, None, "　　　".join(tail))
            if end > start:
                self.merged.append(f"{letters[start]}{row_number}:{letters[end]}{row_number}")
            parts.append(f'<row r="{row_number}" ht="28" customHeight="1">{cell}</row>')
        self.xml = "".join(parts)


def _lines(values: list[Any], wrapping: list[tuple[int, float]]) -> int:
    """Lines the tallest wrapped cell of a row needs."""
    lines = 1
    for index, width in wrapping:
        value = values[index] if index < len(values) else None
        if value:
            text = str(value)
            needed = sum(
                max(1, math.ceil(display_width(part) * CJK_FACTOR / width)) for part in text.split("\n")
            )
            lines = max(lines, needed)
    return lines


def _splice(data: bytes, bodies: list[_Body]) -> bytes:
    """Replace each body's marker row in the saved workbook with the body's rows."""
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    pending = {b.marker: b for b in bodies}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and pending:
                text = content.decode("utf-8")
                for marker in [m for m in pending if m in text]:
                    body = pending.pop(marker)
                    at = text.index(marker)
                    start = text.rindex("<row", 0, at)
                    end = text.index("</row>", at) + len("</row>")
                    text = text[:start] + body.xml + text[end:]
                    merge_xml = getattr(body, "merge_xml", "")
                    if merge_xml:  # a document sheet's merged ranges (openpyxl wrote none for it)
                        text = text.replace("</sheetData>", "</sheetData>" + merge_xml, 1)
                content = text.encode("utf-8")
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    if pending:  # pragma: no cover - openpyxl changed how it writes inline strings
        raise RuntimeError("导出失败：未能写入台账内容")
    return out.getvalue()


def _signature_blocks(count: int, n: int) -> list[tuple[int, int]]:
    """Split `count` columns into `n` blocks (0-based inclusive ranges), spread evenly."""
    if n <= 0:
        return []
    if count <= n:
        return [(i, i) for i in range(min(count, n))]
    size = count // n
    blocks = []
    for i in range(n):
        start = i * size
        end = count - 1 if i == n - 1 else start + size - 1
        blocks.append((start, end))
    return blocks


def write_xlsx(reports: Sequence[Report], path: str | Path, *, progress: Callable[..., None] | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:  # fmt: skip
    """Write the reports to one workbook at `path` (replaced only when complete) and return the path.

    Each ledger gets its own sheet. Documents of the same kind that follow each other (the minute
    book, the 纪实表 of several people) share one sheet, one after another, each starting on a new
    printed page. `progress(done, total, text)` reports the work; `cancelled()` returning true stops
    with `XlsxCancelled` and leaves no file.
    """
    from openpyxl import Workbook

    if not reports:
        raise ValueError("没有要导出的台账")
    path = Path(path)
    import io

    from branchdesk.services.bulk import collector_paused

    def check() -> None:
        if cancelled is not None and cancelled():
            raise XlsxCancelled("已取消导出")

    groups = _sheet_groups(reports)
    total = len(groups) + 1
    with collector_paused():
        workbook = Workbook(write_only=True)
        taken: set[str] = set()
        bodies = []
        try:
            for done, group in enumerate(groups):
                check()
                first = group[0]
                name = first.book_title if isinstance(first, Document) else first.title
                if progress is not None:
                    progress(done, total, f"正在写入：{name}")
                ws = workbook.create_sheet(sheet_title(name, taken))
                if isinstance(first, Ledger):
                    bodies.append(_write_sheet(ws, first, check))
                else:
                    from branchdesk.reports.xlsx_documents import write_documents

                    bodies.append(write_documents(ws, group, check))
            check()
        except BaseException:
            _discard(workbook)
            raise
        if progress is not None:
            progress(len(groups), total, "正在保存…")
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = _splice(buffer.getvalue(), bodies)
    check()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(total, total, "已完成")
    return path


def _discard(workbook) -> None:
    """Finish the streamed sheets of an abandoned workbook so that their temporary files go."""
    for ws in workbook.worksheets:
        try:
            ws.close()
            writer = getattr(ws, "_writer", None)
            if writer is not None:
                writer.cleanup()
        except Exception:  # best effort: the export is being abandoned anyway
            pass


def _sheet_groups(reports: Sequence[Report]) -> list[list[Report]]:
    """One group per sheet: each ledger alone; consecutive documents of one key and title together."""
    groups: list[list[Report]] = []
    for report in reports:
        previous = groups[-1][0] if groups else None
        if (
            isinstance(report, Document)
            and isinstance(previous, Document)
            and (previous.key, previous.book_title) == (report.key, report.book_title)
        ):
            groups[-1].append(report)
        elif isinstance(report, Ledger | Document):
            groups.append([report])
        else:
            raise TypeError(f"不支持的台账类型：{type(report).__name__}")
    return groups
