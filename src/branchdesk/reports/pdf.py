"""Write ledgers (台账) and documents (纪实表, minutes …) to one PDF file, ready to print on A4.

Every report starts on a new page in its own orientation (a file may mix portrait and landscape); its
first page carries the title, the branch, the period and the printing date, later pages a small
"（续）" line. Every page has "第 x 页 共 y 页" (of the file) in the footer; a file holding several
reports also prints each report's own page count ("本表第 x 页 共 y 页"). `toc=True` (the inspection
pack) adds a title page, a table of contents and PDF bookmarks.

Tables are laid out here and drawn straight on the reportlab canvas (platypus tables with a paragraph
per cell take seconds for a thousand rows): header rows repeat on every page, long cell text wraps
(line breaks kept, Chinese punctuation never starts a line) and a cell taller than a page continues on
the next one. Column widths come from `Column.width` (character units), fitted to the content and
scaled to the page; a ledger too wide for A4 landscape even at 7.5 pt is printed in parts (续表), each
repeating the leading 序号/姓名 columns.

Characters the bundled font has no glyph for are printed as 〓 (the printer's mark for a missing
type), listed in `PdfResult.missing`, logged, and named in a note under the report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import math
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from branchdesk.reports.layout import share_widths
from branchdesk.reports.ledger import (
    Column,
    Document,
    ExportCancelled,
    Fields,
    Heading,
    Ledger,
    Paragraph,
    Pictures,
    Report,
    Table,
)

log = logging.getLogger(__name__)

MM = 72 / 25.4
A4_SIZE = (595.2755905511812, 841.8897637795277)
A3_SIZE = (841.8897637795277, 1190.5511811023623)
MARGIN_LEFT, MARGIN_RIGHT = 15 * MM, 12 * MM
MARGIN_TOP, MARGIN_BOTTOM = 12 * MM, 15 * MM
FOOTER_Y = 8 * MM

TITLE_SIZE = 16
INFO_SIZE = 9.5
FOOTER_SIZE = 8
TABLE_SIZES = (9.0, 8.5, 8.0, 7.5)  # ledger body sizes tried, largest first
PARTS_SIZE = 8.0  # body size of a ledger printed in parts
DOC_SIZE = 10.5  # 五号: documents' fields and paragraphs
DOC_TABLE_SIZE = 9.5
HEADING_SIZE = 12
LEADING = 1.28  # line height / font size in table cells
PARA_LEADING = 1.6
PAD_X, PAD_Y = 2.2, 2.0  # cell padding, points
ASCENT = 0.80  # baseline below the top of a line box, in em (WenQuanYi Micro Hei)
LINE_WIDTH = 0.5
HEAVY_LINE = 0.9
HEADER_GRAY = 0.86
LABEL_GRAY = 0.92
TOTAL_GRAY = 0.95
MISSING_MARK = "〓"
SIGNATURE_LINE = 38 * MM

_NO_START = set("，。、；：？！）》」』”’〉】〕…—～%,.;:?!)]}·")
_NO_END = set("（《「『“‘〈【〔([{")


class PdfCancelled(ExportCancelled):
    """Writing was cancelled; no file was left behind."""


@dataclass
class PdfResult:
    path: Path
    pages: int
    #: report title -> characters printed without a glyph (as 〓)
    missing: dict[str, set[str]] = field(default_factory=dict)
    #: (title of each report, or "title：subject" of a document, its first page number) in order
    outline: list[tuple[str, int]] = field(default_factory=list)


# ============================================================================ values as text
def format_value(kind: str, value: Any) -> str:
    """The text a cell shows: dates 2026-03-05, money (integer fen) 12.34, booleans 是."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else ("" if kind == "bool" else "否")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if kind != "date" else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind == "money":
        if isinstance(value, int):
            sign = "-" if value < 0 else ""
            fen = abs(value)
            return f"{sign}{fen // 100}.{fen % 100:02d}"
        if isinstance(value, Decimal | float):
            return f"{Decimal(value).quantize(Decimal('0.01'))}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _align(kind: str) -> str:
    if kind == "money":
        return "right"
    if kind in ("date", "int", "number", "id_number", "phone", "bool"):
        return "center"
    return "left"


def _section_bookmark(
    canvas, reports: Sequence[Report], index: int, sections: Sequence[tuple[str, ...]]
) -> None:
    """The headings a report is filed under (those not opened by the report before it), then the report."""
    path = tuple(sections[index])
    before = tuple(sections[index - 1]) if index else ()
    for depth, heading in enumerate(path):
        if before[: depth + 1] != path[: depth + 1]:
            key = f"s{index}.{depth}"
            canvas.bookmarkPage(key)
            canvas.addOutlineEntry(heading, key, level=depth, closed=depth > 0)
    key = f"r{index}"
    canvas.bookmarkPage(key)
    canvas.addOutlineEntry(report_label(reports[index]), key, level=len(path))


def _book(report: Report) -> str:
    return report.book_title if isinstance(report, Document) else report.title


def report_label(report: Report) -> str:
    """How a report is named in the outline and the table of contents."""
    if isinstance(report, Document) and report.subject:
        return f"{report.title}：{report.subject}"
    return report.title


# ============================================================================ text measuring
class _Widths(dict):
    """Advance widths at 1 pt, per character, of one face ("sans" / "serif"), filled on first use."""

    def __init__(self, face: str = "sans"):
        super().__init__()
        self.face = face

    def __missing__(self, ch: str) -> float:
        from branchdesk.reports.fonts import face_char_width

        width = face_char_width(self.face, ch)
        self[ch] = width
        return width


_FACE_WIDTHS = {"sans": _Widths("sans"), "serif": _Widths("serif")}
_WIDTHS = _FACE_WIDTHS["sans"]
#: the face the PDF being written is set in; every write holds _WRITE_LOCK while the face is in force
_FACE = "sans"
_WRITE_LOCK = threading.RLock()


@contextlib.contextmanager
def _in_face(face: str) -> Iterator[None]:
    """Measure and draw in `face` while writing one PDF (writes take turns, so that a serif PDF and a
    preview in the sans face on another thread never measure with each other's widths)."""
    global _WIDTHS, _FACE
    if face not in _FACE_WIDTHS:
        raise ValueError(f"未知的字体：{face}")
    with _WRITE_LOCK:
        before = (_WIDTHS, _FACE)
        _WIDTHS, _FACE = _FACE_WIDTHS[face], face
        try:
            yield
        finally:
            _WIDTHS, _FACE = before


def text_width(text: str, size: float) -> float:
    return sum(map(_WIDTHS.__getitem__, text)) * size


def _breakable(a: str, b: str) -> bool:
    """Whether a line may break between characters a and b."""
    if b in _NO_START or a in _NO_END:
        return False
    if a == " ":
        return True
    if b == " ":
        return False
    return a >= "\u2e80" or b >= "\u2e80" or a in "-/、"


_NAME_SEPARATORS = "、，,；; "
_ATOMS = re.compile(r"[^、，,；;\s/（）()：:]+")
NAME_CHARS = 6  # a word of up to this many characters in a list of names or a short cell is one unit


def _name_list(para: str) -> bool:
    """Whether `para` is a list of names ("张卫、易卫新"): it breaks only between them, never inside one."""
    if not any(sep in para for sep in "、，,；;"):
        return False
    parts = [p for p in re.split(r"[、，,；;]\s*", para) if p]
    return len(parts) > 1 and all(len(p) <= NAME_CHARS for p in parts)


def name_floors(columns: Sequence[Column], sample: Sequence[Sequence[str]]) -> list[float]:
    """Per column, the widest short word (a name, 第二党小组) in em: a text column is never narrower,
    so that no name breaks inside ("马/子英", "第二党小/组"). 0 for dates, numbers and prose."""
    widths = _WIDTHS
    out: list[float] = []
    for i, column in enumerate(columns):
        best = 0.0
        if column.kind == "text":
            seen: set[str] = set()
            for row in sample:
                text = row[i] if i < len(row) else ""
                if not text or text in seen:
                    continue
                seen.add(text)
                for word in _ATOMS.findall(text):
                    if len(word) <= NAME_CHARS:
                        best = max(best, sum(map(widths.__getitem__, word)))
        out.append(best)
    return out


def wrap(text: str, width: float, size: float) -> list[tuple[str, float]]:
    """Lines (text, width in points) of `text` set in `width` points at `size`; line breaks kept."""
    widths = _WIDTHS
    limit = width / size
    out: list[tuple[str, float]] = []
    for para in text.split("\n"):
        total = sum(map(widths.__getitem__, para))
        if total <= limit:
            out.append((para, total * size))
            continue
        names = _name_list(para)
        start, i, n, acc, last_ok = 0, 0, len(para), 0.0, -1
        while i < n:
            w = widths[para[i]]
            if acc + w > limit and i > start:
                cut = last_ok if last_ok > start else i
                if cut == i and cut - 1 > start and (para[cut] in _NO_START or para[cut - 1] in _NO_END):
                    cut -= 1
                line = para[start:cut].rstrip(" ")
                out.append((line, sum(map(widths.__getitem__, line)) * size))
                start = cut
                while start < n and para[start] == " ":
                    start += 1
                i = max(i, start)
                acc = sum(map(widths.__getitem__, para[start:i]))
                last_ok = -1
                continue
            acc += w
            i += 1
            if i < n and (para[i - 1] in _NAME_SEPARATORS if names else _breakable(para[i - 1], para[i])):
                last_ok = i
        if start < n or not out:
            line = para[start:]
            out.append((line, sum(map(widths.__getitem__, line)) * size))
    return out


def _balanced(lines: list[tuple[str, float]], size: float) -> list[tuple[str, float]]:
    """Lines of even length for a short text that wrapped (a column title: 职务/职称, not 职务职/称)."""
    if len(lines) < 2 or len(lines) > 3:
        return lines
    text = "".join(line for line, _ in lines)
    width = max(w for _, w in lines)
    target = text_width(text, size) / len(lines)
    step = size / 4
    best = lines
    candidate = target
    while candidate < width:
        again = wrap(text, candidate + 0.01, size)
        if len(again) == len(lines):
            best = again
            break
        candidate += step
    return best


# ============================================================================ pages
class _Page:
    __slots__ = ("fills", "images", "lines", "number", "report", "size", "texts")

    def __init__(self, size: tuple[float, float], report: int):
        self.size = size
        self.report = report  # index into the reports, -1 for the title page and contents
        self.texts: list[tuple[float, float, float, bool, str]] = []
        self.lines: list[tuple[float, float, float, float, float]] = []
        self.fills: list[tuple[float, float, float, float, float]] = []
        self.images: list[tuple[bytes, float, float, float, float]] = []  # (content, x, y, w, h)
        self.number = 0  # within its report


class _Flow:
    """Lays one report out on pages, top to bottom."""

    def __init__(self, writer: _Writer, report: Report, index: int):
        self.writer = writer
        self.report = report
        self.index = index
        portrait = report.orientation != "landscape"
        paper = A3_SIZE if getattr(report, "paper", "A4") == "A3" else A4_SIZE
        self.size = paper if portrait else (paper[1], paper[0])
        self.left = MARGIN_LEFT
        self.right = self.size[0] - MARGIN_RIGHT
        self.width = self.right - self.left
        self.top = self.size[1] - MARGIN_TOP
        self.bottom = MARGIN_BOTTOM
        self.pages: list[_Page] = []
        self.page: _Page
        self.y = self.top
        self.on_new_page: Callable[[], None] | None = None  # e.g. repeat a table header
        self._first_page()

    # -- text
    def clean(self, text: str) -> str:
        return self.writer.clean(text, self.report)

    def text(self, x: float, y: float, text: str, size: float, *, bold: bool = False, align: str = "left",
             width: float | None = None) -> float:  # fmt: skip
        """Draw one line (already cleaned); x is the left edge, the centre or the right edge."""
        if width is None:
            width = text_width(text, size)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        self.page.texts.append((x, y, size, bold, text))
        return width

    # -- pages
    def _add_page(self) -> None:
        self.page = _Page(self.size, self.index)
        self.page.number = len(self.pages) + 1
        self.pages.append(self.page)
        self.y = self.top

    def _first_page(self) -> None:
        from branchdesk.domain.dates import format_date

        self._add_page()
        report = self.report
        for number, (line, width) in enumerate(wrap(self.clean(report.title), self.width, TITLE_SIZE)):
            self.y -= TITLE_SIZE + (6 if number else 0)
            self.text(
                self.left + self.width / 2, self.y, line, TITLE_SIZE, bold=True, align="center", width=width
            )
        self.y -= 10 + INFO_SIZE
        branch = f"单位：{report.branch_name}" if report.branch_name else ""
        printed = format_date(report.printed_on)
        right = "　　".join(
            t for t in (report.period, "" if printed in report.period else f"打印日期：{printed}") if t
        )
        if isinstance(report, Document) and report.subject:
            branch = "　　".join(t for t in (branch, report.subject) if t)
        branch, right = self.clean(branch), self.clean(right)
        if text_width(branch, INFO_SIZE) + text_width(right, INFO_SIZE) + 2 * INFO_SIZE > self.width:
            for line, width in wrap(branch, self.width, INFO_SIZE):  # no room for both on one line
                self.text(self.left, self.y, line, INFO_SIZE, width=width)
                self.y -= INFO_SIZE + 5
            branch = ""
        if branch:
            self.text(self.left, self.y, branch, INFO_SIZE)
        self.text(self.right, self.y, right, INFO_SIZE, align="right")
        self.y -= 8

    def new_page(self) -> None:
        self._add_page()
        report = self.report
        title = report.title + (
            f"（{report.subject}）" if isinstance(report, Document) and report.subject else ""
        )
        self.y -= FOOTER_SIZE + 1
        self.text(self.left, self.y, self.clean(f"{title}（续）"), FOOTER_SIZE + 0.5)
        right = "　".join(
            t for t in (report.branch_name, "脱敏版" if report.mask_profile != "full" else "") if t
        )
        if right:
            self.text(self.right, self.y, self.clean(right), FOOTER_SIZE + 0.5, align="right")
        self.y -= 6
        if self.on_new_page is not None:
            self.on_new_page()

    def room(self) -> float:
        return self.y - self.bottom

    def mark(self, grid: _Grid | None = None) -> tuple:
        """The layout as it stands, to go back to with `restore` (e.g. to move rows to the next page)."""
        page = self.page
        run = grid._run if grid is not None else None
        return (len(self.pages), page, self.y, len(page.texts), list(page.lines), len(page.fills),
                self.on_new_page, grid, run, len(page.images))  # fmt: skip

    def restore(self, mark: tuple) -> None:
        """Forget everything laid out since `mark`."""
        count, page, y, texts, lines, fills, on_new_page, grid, run, images = mark
        del self.pages[count:]
        self.page, self.y, self.on_new_page = page, y, on_new_page
        del page.texts[texts:]
        del page.images[images:]
        page.lines[:] = lines
        del page.fills[fills:]
        if grid is not None:
            grid._run = run

    def moved_to_next_page(self, mark: tuple, height: float, draw: Callable[[], None]) -> bool:
        """Keep what was laid out since `mark` on one page with `height` points that follow: when it
        was split over two pages, or what follows does not fit under it, and it all fits on a fresh
        page, go back to `mark` and lay it out again on the next page."""
        pages = len(self.pages) - mark[0]
        if pages == 0 and self.room() >= height:
            return False
        if pages == 0:
            moved = mark[2] - self.y
        elif pages == 1:
            moved = mark[2] - self.bottom + self.top - self.y
        else:
            return False
        if moved + height > (self.top - self.bottom) * 0.6:
            return False  # too much to move: better what follows alone than half a page left empty
        self.restore(mark)
        self.new_page()
        draw()
        return True

    def ensure(self, height: float) -> None:
        if self.room() < height:
            self.new_page()

    # -- running text
    def paragraph(self, text: str, size: float, *, leading: float = PARA_LEADING, label: str = "",
                  indent: float = 0.0, gap_after: float = 4.0, bold: bool = False) -> None:  # fmt: skip
        """Wrapped lines over the full width; a bold label starts the first line."""
        lead = size * leading
        text = self.clean(text)
        label = self.clean(label)
        first_x = self.left + indent
        label_width = text_width(label, size) if label else 0.0
        width = self.right - first_x
        if label and label_width > width / 2:  # a long label gets its own line
            self.ensure(lead)
            self.y -= lead
            self.text(first_x, self.y + (lead - size) / 2 + (1 - ASCENT) * size, label, size, bold=True)
            label, label_width = "", 0.0
        lines = (
            wrap(text, width, size) if not label else self._wrap_after_label(text, width, size, label_width)
        )
        for number, (line, line_width) in enumerate(lines):
            self.ensure(lead)
            self.y -= lead
            baseline = self.y + (lead - size) / 2 + (1 - ASCENT) * size
            x = first_x
            if number == 0 and label:
                self.text(x, baseline, label, size, bold=True, width=label_width)
                x += label_width
            self.text(x, baseline, line, size, width=line_width, bold=bold)
        self.y -= gap_after

    @staticmethod
    def _wrap_after_label(
        text: str, width: float, size: float, label_width: float
    ) -> list[tuple[str, float]]:
        # wrap the first line short by the label's width: wrap with a placeholder of that width
        pad = "\u3000" * math.ceil(label_width / size)
        lines = wrap(pad + text, width, size)
        first, first_width = lines[0]
        lines[0] = (first[len(pad) :], max(first_width - len(pad) * size, 0.0))
        return lines


class _Grid:
    """A bordered table on a flow: column edges, a header repeated on each page, rows that wrap."""

    def __init__(self, flow: _Flow, widths: list[float], aligns: list[str], size: float, *,
                 header: list[str] | None = None, x0: float | None = None):  # fmt: skip
        self.flow = flow
        self.size = size
        self.lead = size * LEADING
        self.aligns = aligns
        x = flow.left if x0 is None else x0
        self.xs = [x]
        for w in widths:
            x += w
            self.xs.append(x)
        self.header = [flow.clean(h) for h in header] if header else None
        self.header_height = 0.0
        self.segment_top: tuple | None = None
        self._run: tuple | None = None  # (page, xs, bottom, indices of its column edges in page.lines)
        if self.header:
            cells = [
                lines if "\n" in title else _balanced(lines, self.size)
                for title, lines in zip(self.header, self._lines(self.header, self.xs), strict=True)
            ]
            self.header_cells = cells
            self.header_height = self._height(cells)

    # -- measuring
    def _lines(self, texts: Sequence[str], xs: list[float]) -> list[list[tuple[str, float]]]:
        size = self.size
        out = []
        for i, text in enumerate(texts):
            inner = xs[i + 1] - xs[i] - 2 * PAD_X
            if not text:
                out.append([])
            elif "\n" not in text and (w := text_width(text, size)) <= inner:
                out.append([(text, w)])
            else:
                out.append(wrap(text, inner, size))
        return out

    def _height(self, cells: list[list[tuple[str, float]]]) -> float:
        return max(1, max(map(len, cells), default=1)) * self.lead + 2 * PAD_Y

    # -- drawing
    def start(self) -> None:
        """Begin the table here (a new page first when not even the header and one line fit)."""
        flow = self.flow
        if flow.room() < self.header_height + self.lead + 2 * PAD_Y:
            flow.new_page()
        flow.on_new_page = self._continue
        self._begin_segment()

    def _begin_segment(self) -> None:
        self.segment_top = None
        if self.header:
            self._draw(self.header_cells, self.xs, ["center"] * len(self.header_cells), bold=True,
                       fill=HEADER_GRAY, height=self.header_height)  # fmt: skip
            self.flow.page.lines.append((self.xs[0], self.flow.y, self.xs[-1], self.flow.y, HEAVY_LINE))
        self.segment_top = (self.flow.page, self.flow.y)

    def at_top(self) -> bool:
        """Whether the next row would be the first under the header on this page."""
        flow = self.flow
        return (
            self.segment_top is not None
            and self.segment_top[0] is flow.page
            and (abs(self.segment_top[1] - flow.y) < 0.01)
        )

    def _continue(self) -> None:
        self._begin_segment()

    def finish(self) -> None:
        self.flow.on_new_page = None

    def row(self, texts: Sequence[str], *, xs: list[float] | None = None, aligns: list[str] | None = None,
            bold: bool = False, fill: float | None = None, fills: Sequence[float | None] | None = None) -> None:  # fmt: skip
        """One row of cleaned texts; `xs` gives other cell edges (merged cells), `fills` shades cells."""
        xs = xs or self.xs
        aligns = aligns or self.aligns
        cells = self._lines(texts, xs)
        flow = self.flow
        height = self._height(cells)
        while height > flow.room() + 0.01:
            fresh = flow.top - flow.bottom - 30 - self.header_height
            fit = int((flow.room() - 2 * PAD_Y) // self.lead)
            if height <= fresh and (height <= fresh / 3 or fit < 2):
                flow.new_page()  # the whole row on the next page
                continue
            if fit < 1:
                flow.new_page()
                continue
            head = [c[:fit] for c in cells]
            cells = [c[fit:] for c in cells]
            self._draw(head, xs, aligns, bold=bold, fill=fill, fills=fills, top_align=True)
            flow.new_page()
            height = self._height(cells)
            self._draw(cells, xs, aligns, bold=bold, fill=fill, fills=fills, top_align=True, height=height)
            return
        self._draw(cells, xs, aligns, bold=bold, fill=fill, fills=fills, height=height)

    def _draw(
        self, cells, xs, aligns, *, bold=False, fill=None, fills=None, top_align=False, height=None
    ) -> None:
        flow = self.flow
        page = flow.page
        if height is None:
            height = self._height(cells)
        top = flow.y
        bottom = top - height
        size, lead = self.size, self.lead
        if fill is not None:
            page.fills.append((xs[0], bottom, xs[-1] - xs[0], height, fill))
        texts = page.texts
        offset_line = (lead - size) / 2 + ASCENT * size
        for i, lines in enumerate(cells):
            x0, x1 = xs[i], xs[i + 1]
            if fills is not None and fills[i] is not None:
                page.fills.append((x0, bottom, x1 - x0, height, fills[i]))
            if not lines:
                continue
            block = len(lines) * lead
            y = top - PAD_Y - (0 if top_align else (height - 2 * PAD_Y - block) / 2) - offset_line
            align = aligns[i] if i < len(aligns) else "left"
            for text, width in lines:
                if align == "center":
                    x = (x0 + x1 - width) / 2
                elif align == "right":
                    x = x1 - PAD_X - width
                else:
                    x = x0 + PAD_X
                texts.append((x, y, size, bold, text))
                y -= lead
        lines_out = page.lines
        run = self._run
        if run is not None and run[0] is page and run[1] is xs and abs(run[2] - top) < 0.01:
            # the row continues the one above with the same columns: lengthen its column edges
            for index in run[3]:
                x, y1, _, _, w = lines_out[index]
                lines_out[index] = (x, y1, x, bottom, w)
            self._run = (page, xs, bottom, run[3])
        else:
            lines_out.append((xs[0], top, xs[-1], top, LINE_WIDTH))
            last = len(xs) - 1
            start = len(lines_out)
            for i, x in enumerate(xs):
                lines_out.append((x, top, x, bottom, HEAVY_LINE if i in (0, last) else LINE_WIDTH))
            self._run = (page, xs, bottom, range(start, start + len(xs)))
        lines_out.append((xs[0], bottom, xs[-1], bottom, LINE_WIDTH))
        flow.y = bottom


# ============================================================================ column plans
def _sample(rows: Sequence[Sequence[str]], limit: int = 2000) -> Sequence[Sequence[str]]:
    if len(rows) <= limit:
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)] + [rows[-1]]


def _header_min(title: str, size: float) -> float:
    """The narrowest a column may be: its title on two lines (three when longer than eight characters)."""
    em = text_width(title, 1.0)
    chars = max(2, min(math.ceil(em / 2 - 0.01), 4), math.ceil(em / 3 - 0.01))
    return chars * size + 2 * PAD_X + 0.6


def _measure(texts: Iterable[str]) -> list[tuple[float, ...]]:
    """Each text's paragraphs (its lines as written) as widths in em; () for an empty cell."""
    widths = _WIDTHS
    out: list[tuple[float, ...]] = []
    for text in texts:
        if not text:
            out.append(())
        elif "\n" in text:
            out.append(tuple(sum(map(widths.__getitem__, part)) for part in text.split("\n")))
        else:
            out.append((sum(map(widths.__getitem__, text)),))
    return out


def _longest(cells: list[tuple[float, ...]], size: float) -> float:
    """The width the longest text needs on one line."""
    return max((max(c) for c in cells if c), default=0.0) * size + 2 * PAD_X + 0.5


WRAP_MIN_CHARS = 3  # a wrapping column is never narrower than this many characters (nor its own width)


def _wrap_floor(column: Column, size: float, longest: float) -> float:
    """The narrowest a wrapping column may be: its width (at least a few characters) unless even its
    longest text needs less, and never narrower than its title needs."""
    sensible = max(column.width * size / 2, WRAP_MIN_CHARS * size + 2 * PAD_X)
    return max(_header_min(column.title, size), min(longest, sensible))


def _comfortable(columns: Sequence[Column], measured: list[list[tuple[float, ...]]], size: float,
                 atoms: Sequence[float] | None = None) -> tuple[list[float], list[float]]:  # fmt: skip
    """(widths, longest): the columns that do not wrap at their longest text (up to 2.5 times their
    width), the wrapping ones at their floor; and each column's longest text on one line. No column is
    narrower than its widest name (`atoms`, see `name_floors`)."""
    widths, longest = [], []
    atoms = atoms or [0.0] * len(columns)
    for column, cells, atom in zip(columns, measured, atoms, strict=True):
        wide = _longest(cells, size)
        longest.append(wide)
        if column.wrap:
            width = _wrap_floor(column, size, wide)
        else:
            hmin = _header_min(column.title, size)
            width = max(hmin, min(wide, column.width * size / 2 * 2.5))
        widths.append(max(width, _atom_width(atom, size)))
    return widths, longest


def _atom_width(atom: float, size: float) -> float:
    return atom * size + 2 * PAD_X + 0.5 if atom else 0.0


def measure_columns(columns: Sequence[Column], sample: Sequence[Sequence[str]]
                    ) -> list[list[tuple[float, ...]]]:  # fmt: skip
    """The texts of each column measured once (see `fit_columns` and `plan_parts`)."""
    return [_measure(row[i] for row in sample) for i in range(len(columns))]


def fit_columns(columns: Sequence[Column], sample: Sequence[Sequence[str]], available: float,
                size: float, *, measured: list[list[tuple[float, ...]]] | None = None,
                atoms: Sequence[float] | None = None) -> list[float]:  # fmt: skip
    """Column widths in points that fill `available`: from Column.width, fitted to the content.

    Columns that do not wrap widen to their longest text (up to 2.5 times their width) so that dates,
    numbers and ID numbers stay on one line. A wrapping column is never narrower than its own width
    (or a few characters), unless its longest text needs less, so that a long note in a mostly empty
    column does not stand one character wide. The width left to the wrapping columns is shared so that
    the table is as short as it can be: they widen together until most rows need no more lines than
    they must, and what is left goes to the columns with longer texts. When the page is too narrow
    (`plan_parts` tries smaller type first), the wrapping columns give way down to a few characters,
    then text columns to their own width, then dates and numbers, then all alike.
    """
    if measured is None:
        measured = measure_columns(columns, sample)
    atoms = list(atoms) if atoms is not None else [0.0] * len(columns)
    widths, longest = _comfortable(columns, measured, size, atoms)
    total = sum(widths)
    if total > available:
        few = WRAP_MIN_CHARS * size + 2 * PAD_X
        names = [_atom_width(a, size) for a in atoms]
        stages = [
            [max(_header_min(c.title, size), min(lw, few)) if c.wrap else w
             for c, w, lw in zip(columns, widths, longest, strict=True)],
            [min(w, max(_header_min(c.title, size), c.width * size / 2)) if c.kind == "text" else w
             for c, w in zip(columns, widths, strict=True)],
            [min(w, max(_header_min(c.title, size), c.width * size / 2))
             for c, w in zip(columns, widths, strict=True)],
        ]  # fmt: skip
        for floors in stages:
            floors = [min(w, max(f, n)) for w, f, n in zip(widths, floors, names, strict=True)]
            excess = sum(widths) - available
            room = sum(widths) - sum(floors)
            if room >= excess:
                ratio = excess / room
                return [w - (w - f) * ratio for w, f in zip(widths, floors, strict=True)]
            widths = floors
        return [w * available / sum(widths) for w in widths]
    wrapping = [i for i, c in enumerate(columns) if c.wrap]
    if wrapping:
        budget = available - sum(w for i, w in enumerate(widths) if i not in wrapping)
        shares = share_widths(
            [measured[i] for i in wrapping],
            [widths[i] for i in wrapping],
            [max(widths[i], longest[i]) for i in wrapping],
            budget,
            size=size,
            pad=2 * PAD_X + 0.5,
        )
        for i, w in zip(wrapping, shares, strict=True):
            widths[i] = w
    extra = available - sum(widths)
    if extra > 0.01:  # every wrapping column fits its longest text: every column alike
        scale = available / sum(widths)
        widths = [w * scale for w in widths]
    return widths


def _minimum(column: Column, size: float) -> float:
    if column.wrap:
        return max(
            column.width * size / 2, WRAP_MIN_CHARS * size + 2 * PAD_X, _header_min(column.title, size)
        )
    return max(column.width * size / 2, _header_min(column.title, size))


def key_column_count(columns: Sequence[Column], key_columns: int | None) -> int:
    """How many leading columns every part repeats: as the ledger says, else its 序号/姓名/日期."""
    if key_columns is not None:
        return max(0, min(key_columns, len(columns) - 1))
    count = 0
    for column in columns[:2]:
        if column.key not in ("seq", "name", "date"):
            break
        count += 1
    return count


def plan_parts(columns: Sequence[Column], available: float, key_columns: int,
               measured: list[list[tuple[float, ...]]] | None = None,
               atoms: Sequence[float] | None = None) -> tuple[float, list[list[int]]]:  # fmt: skip
    """The body font size and the column indices of each part (one part when the ledger fits).

    With the columns' texts `measured`, the largest size at which dates and numbers stay on one line
    and the wrapping columns keep their width; else the largest size at which every column keeps its
    own width; else parts.
    """
    everything = [list(range(len(columns)))]
    if measured is not None:
        for size in TABLE_SIZES:
            if sum(_comfortable(columns, measured, size, atoms)[0]) <= available:
                return size, everything
    for size in TABLE_SIZES:
        if sum(_minimum(c, size) for c in columns) <= available:
            return size, everything
    size = PARTS_SIZE
    keys = list(range(key_columns))
    key_width = sum(_minimum(columns[i], size) for i in keys)
    rest = list(range(key_columns, len(columns)))
    room = max(available - key_width, available / 2)
    widths = {i: _minimum(columns[i], size) for i in rest}
    # how many parts a greedy packing needs, then parts of about equal width
    count, used = 1, 0.0
    for i in rest:
        if used + widths[i] > room and used > 0:
            count += 1
            used = 0.0
        used += widths[i]
    target = sum(widths.values()) / count
    parts: list[list[int]] = []
    current: list[int] = []
    used = 0.0
    for i in rest:
        over = used + widths[i] > room or (used + widths[i] / 2 > target and len(parts) < count - 1)
        if current and over:
            parts.append(keys + current)
            current, used = [], 0.0
        current.append(i)
        used += widths[i]
    if current:
        parts.append(keys + current)
    return size, parts


# ============================================================================ the writer
_CHINESE_NUMERALS = "一二三四五六七八九十"


class _Writer:
    def __init__(self, progress, cancelled):
        self.progress = progress
        self.cancelled = cancelled
        self.missing: dict[str, set[str]] = {}
        self._missing_reports: dict[int, set[str]] = {}
        from branchdesk.reports.fonts import covered, face_font

        # the serif face draws what it has; what it lacks the sans draws (see _Painter._runs)
        self.covered = covered() | face_font(_FACE)[1] if _FACE != "sans" else covered()

    def check(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise PdfCancelled("已取消导出")

    def clean(self, text: str, report: Report) -> str:
        if self.covered.issuperset(text):
            return text
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
        from branchdesk.reports.fonts import fallback_for, missing_glyphs

        missing = {
            ch for ch in missing_glyphs(text) - self.covered if fallback_for(ch) is None
        }  # (see fonts)
        if missing:
            self.missing.setdefault(report_label(report), set()).update(missing)
            self._missing_reports.setdefault(id(report), set()).update(missing)
            text = "".join(MISSING_MARK if ch in missing else ch for ch in text)
        # controls other than the line break print nothing
        return "".join(ch for ch in text if ch == "\n" or ch >= " " or ch in self.covered)

    def missing_note(self, report: Report) -> str:
        chars = self._missing_reports.get(id(report))
        if not chars:
            return ""
        codes = "、".join(f"U+{ord(ch):04X}" for ch in sorted(chars))
        return f"注：{MISSING_MARK} 处为打印字库中没有的字（{codes}），请手工填写。"

    # -- ledgers
    def ledger(self, flow: _Flow, ledger: Ledger, report_done: Callable[[int], None]) -> None:
        columns = ledger.columns
        kinds = [c.kind for c in columns]
        clean = flow.clean
        rows = [
            [clean(format_value(kind, value)) for kind, value in zip(kinds, row, strict=False)]
            for row in ledger.rows
        ]
        for row in rows:
            if len(row) < len(columns):
                row.extend([""] * (len(columns) - len(row)))
        totals = None
        if ledger.totals:
            totals = [
                clean(format_value(kind, value)) for kind, value in zip(kinds, ledger.totals, strict=False)
            ]
            totals += [""] * (len(columns) - len(totals))
            if not any(totals[:1]) and not any(t and not t.replace(".", "").isdigit() for t in totals):
                totals[0] = "合计"
        keys = key_column_count(columns, ledger.key_columns)
        sample = _sample(rows)
        if totals:  # the totals row (in bold) is measured too: a month's sum is wider than its cells
            sample = [*sample, [t + " " if t else t for t in totals]]
        measured = measure_columns(columns, sample)
        atoms = name_floors(columns, sample)
        size, parts = plan_parts(columns, flow.width, keys, measured, atoms)
        for number, part in enumerate(parts):
            if number:
                flow.new_page()
            if len(parts) > 1:
                own = [columns[i].title for i in part if i >= keys] or [columns[i].title for i in part]
                numeral = _CHINESE_NUMERALS[number] if number < 10 else str(number + 1)
                label = f"（共 {len(parts)} 部分，第{numeral}部分：{own[0]}至{own[-1]}）"
                flow.y -= FOOTER_SIZE + 2
                flow.text(flow.left, flow.y, clean(label), FOOTER_SIZE + 0.5)
                flow.y -= 4
            part_columns = [columns[i] for i in part]
            widths = fit_columns(
                part_columns,
                (),
                flow.width,
                size,
                measured=[measured[i] for i in part],
                atoms=[atoms[i] for i in part],
            )
            grid = _Grid(flow, widths, [_align(c.kind) for c in part_columns], size,
                         header=[c.title for c in part_columns])  # fmt: skip
            grid.start()
            if not rows:
                grid.row(["（无记录）"], xs=[grid.xs[0], grid.xs[-1]], aligns=["center"])
            last_part = number == len(parts) - 1
            for index, row in enumerate(rows[:-1] if last_part else rows):
                if index % 200 == 199:
                    self.check()
                    report_done(200)
                grid.row([row[i] for i in part])
            if not last_part:
                if totals:
                    grid.row([totals[i] for i in part], bold=True, fill=TOTAL_GRAY)
                grid.finish()
        # the last row, the totals and the notes go with the signature lines (never those alone)
        notes = list(ledger.notes)
        if note := self.missing_note(ledger):
            notes.append(note)
        signature_size = INFO_SIZE + 0.5

        def last_rows() -> None:
            if rows:
                grid.row([rows[-1][i] for i in part])
            if totals:
                grid.row([totals[i] for i in part], bold=True, fill=TOTAL_GRAY)
            grid.finish()
            flow.y -= 6

        def draw_notes() -> None:
            for text in notes:
                flow.paragraph(text, INFO_SIZE, leading=1.45, gap_after=1)

        def both() -> None:
            last_rows()
            draw_notes()

        rows_mark = flow.mark(grid) if rows and not grid.at_top() else None
        last_rows()
        notes_mark = flow.mark()
        draw_notes()
        height = self.signatures_height(flow, ledger.signatures, signature_size)
        moved = rows_mark is not None and flow.moved_to_next_page(rows_mark, height, both)
        if not moved and notes:  # at least the notes go with the signatures
            flow.moved_to_next_page(notes_mark, height, draw_notes)
        self.signatures(flow, ledger.signatures, signature_size, ledger.stamp)

    # -- documents
    def document(self, flow: _Flow, document: Document) -> None:
        blocks = document.blocks
        for block in blocks[:-1]:
            self.check()
            self.block(flow, block)
        note = self.missing_note(document)

        def tail() -> None:
            if blocks:
                self.block(flow, blocks[-1])
            if note:
                flow.y -= 4
                flow.paragraph(note, INFO_SIZE)

        # the last block goes with the signature lines when they would stand alone on a page
        mark = flow.mark() if flow.y < flow.top - 40 else None
        tail()
        if mark is not None:
            flow.moved_to_next_page(mark, self.signatures_height(flow, document.signatures, DOC_SIZE), tail)
        self.signatures(flow, document.signatures, DOC_SIZE, document.stamp)

    def block(self, flow: _Flow, block) -> None:
        if isinstance(block, Heading):
            self.heading(flow, block)
        elif isinstance(block, Fields):
            self.fields(flow, block)
        elif isinstance(block, Table):
            self.table(flow, block)
        elif isinstance(block, Paragraph):
            flow.paragraph(block.text, DOC_SIZE, label=block.label, gap_after=6)
        elif isinstance(block, Pictures):
            self.pictures(flow, block)
        else:  # pragma: no cover - a new block type without a writer
            raise TypeError(f"不支持的内容：{type(block).__name__}")

    def pictures(self, flow: _Flow, block: Pictures) -> None:
        """Photos in a row, each scaled to fit its share of the width and the block's height."""
        from io import BytesIO

        from reportlab.lib.units import mm
        from reportlab.lib.utils import ImageReader

        items = [(content, caption) for content, caption in block.items if content]
        if not items:
            return
        gap = 8
        share = (flow.width - gap * (len(items) - 1)) / len(items)
        box_h = block.height_mm * mm
        sizes = []
        for content, _caption in items:
            try:
                w, h = ImageReader(BytesIO(content)).getSize()
            except Exception:  # a damaged photo prints as its caption only
                w, h = 0, 0
            scale = min(share / w, box_h / h) if w and h else 0
            sizes.append((w * scale, h * scale))
        tallest = max(h for _, h in sizes) if sizes else 0
        flow.ensure(tallest + DOC_SIZE * 2 + 6)
        top = flow.y
        for i, ((content, caption), (w, h)) in enumerate(zip(items, sizes, strict=True)):
            x = flow.left + i * (share + gap)
            if w and h:
                flow.page.images.append((content, x + (share - w) / 2, top - h, w, h))
            text = flow.clean(caption)
            lines = wrap(text, share, DOC_SIZE)[:2]
            for n, (line, width) in enumerate(lines):
                flow.text(x + share / 2, top - tallest - DOC_SIZE * 1.3 * (n + 1), line, DOC_SIZE, align="center",
                          width=width)  # fmt: skip
        flow.y = top - tallest - DOC_SIZE * 2.8 - 6

    def heading(self, flow: _Flow, block: Heading) -> None:
        lines = wrap(flow.clean(block.text), flow.width, HEADING_SIZE)
        height = HEADING_SIZE * 1.5 * len(lines)
        flow.ensure(height + 8 + DOC_SIZE * 3)  # never a heading alone at the bottom of a page
        if flow.y < flow.top - 30:
            flow.y -= 6
        for line, width in lines:
            flow.y -= HEADING_SIZE * 1.5
            flow.text(flow.left, flow.y + (1 - ASCENT) * HEADING_SIZE + 3, line, HEADING_SIZE, bold=True,
                      width=width)  # fmt: skip
        flow.y -= 3

    def fields(self, flow: _Flow, block: Fields) -> None:
        if not block.items:
            return
        per_line = max(1, block.per_line)
        size = DOC_SIZE
        clean = flow.clean
        items = [(clean(label), clean(format_value(block.kinds.get(label, "text"), value)))
                 for label, value in block.items]  # fmt: skip
        pair = flow.width / per_line
        label_width = max(text_width(label, size) for label, _ in items) + 2 * PAD_X + 4
        label_width = min(label_width, pair * 0.45)
        value_width = pair - label_width
        grid = _Grid(flow, [label_width, value_width] * per_line, ["center", "left"] * per_line, size)
        grid.start()

        def too_long(value: str) -> bool:
            return "\n" in value or text_width(value, size) > value_width - 2 * PAD_X

        for line in block.lines(items, too_long, per_line):
            xs = [*grid.xs[: 2 * len(line)], grid.xs[-1]]
            texts = [t for item in line for t in item]
            grid.row(
                texts, xs=xs, aligns=["center", "left"] * len(line), fills=[LABEL_GRAY, None] * len(line)
            )
        grid.finish()
        flow.y -= 8

    def table(self, flow: _Flow, block: Table) -> None:
        columns = block.columns
        rows = [
            [flow.clean(format_value(c.kind, v)) for c, v in zip(columns, row, strict=False)]
            for row in block.rows
        ]
        for row in rows:
            row.extend([""] * (len(columns) - len(row)))
        measured = measure_columns(columns, _sample(rows))
        atoms = name_floors(columns, _sample(rows))
        sizes = (DOC_TABLE_SIZE, *TABLE_SIZES)
        size = next(
            (s for s in sizes if sum(_comfortable(columns, measured, s, atoms)[0]) <= flow.width), None
        )
        if size is None:
            size = next((s for s in sizes if sum(_minimum(c, s) for c in columns) <= flow.width), sizes[-1])
        if block.caption:
            flow.ensure(DOC_SIZE * 1.6 + size * 4)
            flow.paragraph(block.caption, DOC_SIZE, bold=True, gap_after=1)
        widths = fit_columns(columns, (), flow.width, size, measured=measured, atoms=atoms)
        grid = _Grid(flow, widths, [_align(c.kind) for c in columns], size, header=[c.title for c in columns])
        grid.start()
        if not rows:
            grid.row(["（无）"], xs=[grid.xs[0], grid.xs[-1]], aligns=["center"])
        for row in rows:
            grid.row(row)
        grid.finish()
        flow.y -= 8

    # -- signatures
    @staticmethod
    def _per_line(flow: _Flow) -> int:
        return 3 if flow.width < 600 else 4

    def _signature_lines(self, flow: _Flow, labels: Sequence[str]) -> list[Sequence[str]]:
        per_line = self._per_line(flow)
        return [labels[i : i + per_line] for i in range(0, len(labels), per_line)]

    def signatures_height(self, flow: _Flow, labels: Sequence[str], size: float) -> float:
        """The room the signature lines and the date (and seal) line need (they stay together)."""
        return size * (2 + 3 * (len(self._signature_lines(flow, labels)) + 1)) if labels else 0.0

    def signatures(self, flow: _Flow, labels: Sequence[str], size: float, stamp: bool = False) -> None:
        from branchdesk.reports.ledger import signature_tail

        if not labels:
            return
        per_line = self._per_line(flow)
        rows = self._signature_lines(flow, labels)
        flow.ensure(self.signatures_height(flow, labels, size))  # the signature lines stay together
        slot = flow.width / min(len(labels), per_line)
        for row in rows:
            flow.y -= size * 3
            for i, label in enumerate(row):
                x = flow.left + i * slot
                text = flow.clean(
                    f"{label}：" if label.endswith(("日期", "盖章）")) else f"{label}（签字）："
                )
                w = flow.text(x, flow.y, text, size)
                end = max(min(x + w + SIGNATURE_LINE, x + slot - 12), x + w + 24)
                flow.page.lines.append((x + w, flow.y - 2, end, flow.y - 2, LINE_WIDTH))
        # the seal and the date, on the right under the signatures (as on a paper form)
        flow.y -= size * 3
        tail = signature_tail(stamp)
        x = flow.right
        for text in reversed(tail):
            text = flow.clean(text)
            x -= flow.text(x, flow.y, text, size, align="right") + size * 3
        flow.y -= size


# ============================================================================ front matter
def _front_matter(title: str, reports: Sequence[Report], starts: list[int], front: int, total_pages: int,
                  clean: Callable[[str], str], sections=None) -> list[_Page]:  # fmt: skip
    """The title page and the contents pages."""
    entries = [(level, clean(text), number) for level, text, number in _contents(reports, starts, sections)]
    title = clean(title or "台账汇编")
    pages = []
    cover = _Page(A4_SIZE, -1)
    width, height = A4_SIZE
    first = reports[0]
    from branchdesk.domain.dates import format_date

    cover.texts.append(_centered(width / 2, height * 0.62, title, 26, True))
    if first.branch_name:
        cover.texts.append(_centered(width / 2, height * 0.62 - 60, clean(first.branch_name), 16, False))
    cover.texts.append(
        _centered(width / 2, height * 0.25, f"编印日期：{format_date(first.printed_on)}", 12, False)
    )
    cover.texts.append(
        _centered(
            width / 2, height * 0.25 - 22, f"内含 {len(entries)} 项，全册共 {total_pages} 页", 11, False
        )
    )
    pages.append(cover)
    per_page = _contents_per_page()
    for start in range(0, max(len(entries), 1), per_page):
        page = _Page(A4_SIZE, -1)
        y = height - MARGIN_TOP - 30
        if start == 0:
            page.texts.append(_centered(width / 2, y, "目　　录", 18, True))
        else:
            page.texts.append(_centered(width / 2, y, "目录（续）", 12, False))
        y -= 36
        for level, text, number in entries[start : start + per_page]:
            size = 11 if level == 0 else 10
            x = MARGIN_LEFT + 10 + 24 * level
            right = width - MARGIN_RIGHT - 10
            number_text = str(number)
            nw = text_width(number_text, size)
            avail = right - nw - 12 - x
            shown = text
            while text_width(shown, size) > avail and len(shown) > 1:
                shown = shown[:-2] + "…"
            tw = text_width(shown, size)
            page.texts.append((x, y, size, level == 0, shown))
            dots_from, dots_to = x + tw + 6, right - nw - 6
            dot = text_width("·", size)
            if dots_to > dots_from + dot:
                count = int((dots_to - dots_from) / dot)
                page.texts.append((dots_to - count * dot, y, size, False, "·" * count))
            page.texts.append((right - nw, y, size, False, number_text))
            y -= CONTENTS_LINE
        pages.append(page)
    assert len(pages) == front
    return pages


CONTENTS_LINE = 21


def _contents_per_page() -> int:
    return int((A4_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM - 80) // CONTENTS_LINE)


def _contents(reports: Sequence[Report], starts: list[int], sections=None) -> list[tuple[int, str, int]]:
    """Contents lines: ledgers at level 0; documents of one key under one level-0 line of their title.
    With `sections`: the headings at their depth, each report (a book of documents once) under them."""
    if sections is not None:
        return _section_contents(reports, starts, sections)
    entries: list[tuple[int, str, int]] = []
    previous_key = None
    for report, start in zip(reports, starts, strict=True):
        if isinstance(report, Document) and report.subject:
            if previous_key != ("doc", report.key, report.book_title):
                entries.append((0, report.book_title, start))
                previous_key = ("doc", report.key, report.book_title)
            entries.append((1, report.subject, start))
        else:
            entries.append((0, report.title, start))
            previous_key = None
    return entries


def _section_contents(reports: Sequence[Report], starts: list[int], sections) -> list[tuple[int, str, int]]:
    entries: list[tuple[int, str, int]] = []
    before: tuple[str, ...] = ()
    previous_book = None
    for report, start, path in zip(reports, starts, sections, strict=True):
        path = tuple(path)
        for depth, heading in enumerate(path):
            if before[: depth + 1] != path[: depth + 1]:
                entries.append((depth, heading, start))
                previous_book = None
        before = path
        book = (report.key, _book(report)) if isinstance(report, Document) and report.subject else None
        if book is not None and book == previous_book:
            continue  # one line for a book of documents (the minute book)
        previous_book = book
        if path and isinstance(report, Document) and report.key == "rubric_item":
            continue  # the item's own page: its heading points to it
        entries.append((len(path), _book(report), start))
    return entries


def _front_count(reports: Sequence[Report], sections=None) -> int:
    lines = len(_contents(reports, [0] * len(reports), sections))
    return 1 + max(1, math.ceil(lines / _contents_per_page()))


def _centered(
    x: float, y: float, text: str, size: float, bold: bool
) -> tuple[float, float, float, bool, str]:
    return (x - text_width(text, size) / 2, y, size, bold, text)


# ============================================================================ rendering
def _escapes() -> dict[int, str]:
    table = {}
    for code in range(256):
        if code < 32 or code >= 127:
            table[code] = f"\\{code:03o}"
        elif chr(code) in "\\()":
            table[code] = "\\" + chr(code)
    return table


_ESCAPES = _escapes()


class _Painter:
    """Writes each page's content stream as text: rectangles, lines, and text in the embedded font.

    reportlab's text object measures every string again (to move its cursor) and formats every number
    through Python; at a thousand rows that is most of the time. The font's subsets are assigned
    through reportlab's documented interface for dynamic fonts (``splitString`` and
    ``getSubsetInternalName``), so embedding and subsetting stay reportlab's.
    """

    def __init__(self, canvas, font_name: str):
        from reportlab.pdfbase.pdfmetrics import getFont

        from branchdesk.reports.fonts import FONT_NAME, covered, face_font, pdf_font

        self.canvas = canvas
        self.font = getFont(font_name)
        self.doc = canvas._doc
        if font_name == FONT_NAME:
            self.covered = covered()
            self.sans = None
        else:  # the serif face: what it lacks, the sans draws
            self.covered = face_font(_FACE)[1]
            self.sans = getFont(pdf_font())
            self.sans_covered = covered()
        self.names: dict[tuple[str, int], str] = {}
        self.cache: dict[str, list[tuple[str, str]]] = {}

    def chunks(self, text: str) -> list[tuple[str, str]]:
        """(subset font name, escaped bytes) pieces of `text`, cached per document."""
        found = self.cache.get(text)
        if found is None:
            found = []
            for font, run in self._runs(text):
                for subset, chunk in font.splitString(run, self.doc):
                    key = (font.fontName, subset)
                    name = self.names.get(key)
                    if name is None:
                        name = self.names[key] = font.getSubsetInternalName(subset, self.doc)
                    found.append((name, chunk.decode("latin-1").translate(_ESCAPES)))
            self.cache[text] = found
        return found

    def _runs(self, text: str):
        """The text in runs of one font: the bundled font, or a system font for a rare character."""
        if self.covered.issuperset(text):
            return [(self.font, text)]
        from branchdesk.reports.fonts import fallback_font, fallback_for

        runs: list[tuple[Any, str]] = []
        for ch in text:
            if self.sans is not None and ch not in self.covered and ch in self.sans_covered:
                font = self.sans
            else:
                name = None if ch in self.covered else fallback_for(ch)
                font = self.font if name is None else fallback_font(name)
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def page(self, page: _Page) -> None:
        out: list[str] = ["q"]
        if page.fills:
            gray = None
            for x, y, w, h, g in page.fills:
                if g != gray:
                    out.append(f"{g:.3f} g")
                    gray = g
                out.append(f"{x:.2f} {y:.2f} {w:.2f} {h:.2f} re f")
            out.append("0 g")
        if page.lines:
            by_width: dict[float, list[str]] = {}
            for x1, y1, x2, y2, w in page.lines:
                by_width.setdefault(w, []).append(f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l")
            for w, segments in sorted(by_width.items()):
                out.append(f"{w:.2f} w")
                out.extend(segments)
                out.append("S")
        if page.texts:
            out.append("BT 0 Tr")
            font, bold, stroke = "", False, 0.0
            for x, y, size, is_bold, text in page.texts:
                if not text:
                    continue
                if is_bold != bold:
                    if is_bold:
                        width = 0.28 if size < 14 else size * 0.03
                        out.append(f"{width:.2f} w 2 Tr" if width != stroke else "2 Tr")
                        stroke = width
                    else:
                        out.append("0 Tr")
                    bold = is_bold
                elif is_bold and size >= 14 and size * 0.03 != stroke:
                    stroke = size * 0.03
                    out.append(f"{stroke:.2f} w")
                out.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
                for name, escaped in self.chunks(text):
                    current = f"{name} {size:g} Tf"
                    if current != font:
                        out.append(current)
                        font = current
                    out.append(f"({escaped}) Tj")
            out.append("0 Tr ET")
        out.append("Q")
        self.canvas.addLiteral("\n".join(out))
        for content, x, y, w, h in page.images:
            self.image(content, x, y, w, h)

    def image(self, content: bytes, x: float, y: float, w: float, h: float) -> None:
        """A photo: a JPEG goes into the file as it is (DCTDecode, named by its SHA-256, so the same photo
        twice is stored once and identical input gives an identical file) — ``canvas.drawImage`` would
        decode it, hash the pixels and deflate them again (50 ms a photo); anything else through
        drawImage."""
        from io import BytesIO

        from reportlab.pdfbase import pdfdoc

        canvas = self.canvas
        name = "bdimg" + hashlib.sha256(content).hexdigest()[:32]
        doc = canvas._doc
        registered = doc.getXObjectName(name)
        if doc.idToObject.get(registered) is None:
            xobject = pdfdoc.PDFImageXObject(name)
            if not xobject.loadImageFromJPEG(BytesIO(content)):
                from reportlab.lib.utils import ImageReader

                canvas.drawImage(ImageReader(BytesIO(content)), x, y, w, h)
                return
            xobject.name = name
            canvas._setXObjects(xobject)
            doc.Reference(xobject, registered)
            doc.addForm(name, xobject)
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(w, h)
        canvas._code.append(f"/{registered} Do")
        canvas.restoreState()
        canvas._formsinuse.append(name)


def write_pdf(reports: Sequence[Report], path: str | Path, *, title: str = "", toc: bool = False,
              progress: Callable[..., None] | None = None, cancelled: Callable[[], bool] | None = None,
              invariant: bool = False, sections: Sequence[tuple[str, ...]] | None = None,
              font: str = "sans") -> PdfResult:  # fmt: skip
    """See `_write_pdf`; `font`: "sans" (the bundled 黑体-style font) or "serif" (宋体 style, AR PL
    UMing, for formal documents), embedded as a subset either way."""
    with _in_face(font):
        return _write_pdf(reports, path, title=title, toc=toc, progress=progress, cancelled=cancelled,
                          invariant=invariant, sections=sections)  # fmt: skip


def _write_pdf(reports: Sequence[Report], path: str | Path, *, title: str = "", toc: bool = False,
               progress: Callable[..., None] | None = None, cancelled: Callable[[], bool] | None = None,
               invariant: bool = False, sections: Sequence[tuple[str, ...]] | None = None) -> PdfResult:  # fmt: skip
    """Write `reports` (ledgers and documents) to one PDF at `path` (replaced only when complete).

    `sections`: for each report, the headings it is filed under (("组织建设", "2.4 党小组会每月一次") …):
    the bookmarks then nest the reports under those headings (the pack in a rubric's order).

    `toc`: a title page (`title`), a table of contents and bookmarks (the inspection pack).
    `progress(done, total, text)` is called as the work goes; `cancelled()` returning true stops it
    with `PdfCancelled`, leaving no file. `invariant`: identical input gives a byte-identical file.
    """
    if not reports:
        raise ValueError("没有要导出的台账")
    from reportlab.pdfgen.canvas import Canvas

    from branchdesk.reports.fonts import face_font, pdf_font

    path = Path(path)
    font = pdf_font() if _FACE == "sans" else face_font(_FACE)[0]
    writer = _Writer(progress, cancelled)
    work = sum(len(r.rows) if isinstance(r, Ledger) else 20 * len(r.blocks) for r in reports) or 1
    layout_share = 700
    done = [0]

    def report_done(units: int, text: str = "") -> None:
        done[0] += units
        if progress is not None:
            progress(min(layout_share, done[0] * layout_share // work), 1000, text)

    # 1. lay every report out
    layouts: list[list[_Page]] = []
    for index, report in enumerate(reports):
        writer.check()
        if progress is not None:
            progress(done[0] * layout_share // work, 1000, f"正在排版：{report_label(report)}")
        flow = _Flow(writer, report, index)
        if isinstance(report, Ledger):
            before = done[0]
            writer.ledger(flow, report, report_done)
            done[0] = before + len(report.rows)
        elif isinstance(report, Document):
            writer.document(flow, report)
            done[0] += 20 * len(report.blocks)
        else:
            raise TypeError(f"不支持的台账类型：{type(report).__name__}")
        layouts.append(flow.pages)

    # 2. numbering: front matter, then each report
    front = _front_count(reports, sections) if toc else 0
    starts = []
    number = front + 1
    for pages in layouts:
        starts.append(number)
        number += len(pages)
    total = number - 1
    all_pages: list[_Page] = []
    if toc:
        all_pages.extend(
            _front_matter(
                title, reports, starts, front, total, lambda t: writer.clean(t, reports[0]), sections
            )
        )
    labels = [
        (writer.clean(report_label(r), r), writer.clean(r.branch_name, r),
         writer.clean(r.subject if isinstance(r, Document) else "", r))
        for r in reports
    ]  # fmt: skip
    for pages in layouts:
        all_pages.extend(pages)

    for label, chars in writer.missing.items():
        log.warning("打印字库缺少以下字，已以 %s 代替：%s（%s）", MISSING_MARK, "".join(sorted(chars)), label)

    # 3. draw
    from reportlab import rl_config

    rl_config.useA85 = 0  # page streams compressed, not also ASCII-armoured (a quarter smaller, faster)
    temporary = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        canvas = Canvas(str(temporary), pagesize=A4_SIZE, invariant=1 if invariant else 0, pageCompression=1)
        canvas.setTitle(title or (_book(reports[0]) if len(reports) > 1 else report_label(reports[0])))
        canvas.setAuthor(reports[0].branch_name or "branchdesk")
        canvas.setCreator("branchdesk")
        canvas.setSubject("、".join(dict.fromkeys(_book(r) for r in reports)))
        painter = _Painter(canvas, font)
        multi = len(reports) > 1
        page_counts = [len(p) for p in layouts]
        report_of_start = {start: i for i, start in enumerate(starts)}
        for number, page in enumerate(all_pages, start=1):
            if number % 10 == 0:
                writer.check()
                if progress is not None:
                    progress(layout_share + (1000 - layout_share) * number // total, 1000,
                             f"正在生成 PDF：第 {number} 页 共 {total} 页")  # fmt: skip
            canvas.setPageSize(page.size)
            if page.report >= 0 or number > 1 or not toc:
                _footer(page, number, total, labels, page_counts, multi)
            painter.page(page)
            if number in report_of_start and (multi or toc):
                if sections is not None:
                    _section_bookmark(canvas, reports, report_of_start[number], sections)
                else:
                    _bookmark(canvas, reports, report_of_start[number])
            canvas.showPage()
        if multi or toc:
            canvas.showOutline()
        writer.check()
        canvas.save()
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    if progress is not None:
        progress(1000, 1000, "已完成")
    outline = [(report_label(r), s) for r, s in zip(reports, starts, strict=True)]
    return PdfResult(path=path, pages=total, missing=writer.missing, outline=outline)


def _footer(page: _Page, number: int, total: int, labels, page_counts, multi: bool) -> None:
    """第 x 页 共 y 页 in the middle; the report (and its own page count) left, the branch right."""
    width = page.size[0]
    texts = page.texts
    texts.append(_centered(width / 2, FOOTER_Y, f"第 {number} 页 共 {total} 页", FOOTER_SIZE, False))
    if page.report < 0:
        return
    left, branch, subject = labels[page.report]
    room = width / 2 - MARGIN_LEFT - 50
    if multi:  # the report's own page count is never cut off, its name may be
        own = f"　本表第 {page.number} 页 共 {page_counts[page.report]} 页"
        name_room = room - text_width(own, FOOTER_SIZE)
        if subject and text_width(left, FOOTER_SIZE) > name_room:
            left = subject  # a meeting's date and kind rather than its title cut short
        left = _fit(left, FOOTER_SIZE, name_room) + own
    texts.append((MARGIN_LEFT, FOOTER_Y, FOOTER_SIZE, False, _fit(left, FOOTER_SIZE, room)))
    if branch:
        branch = _fit(branch, FOOTER_SIZE, width / 2 - 80)
        texts.append(
            (width - MARGIN_RIGHT - text_width(branch, FOOTER_SIZE), FOOTER_Y, FOOTER_SIZE, False, branch)
        )


def _fit(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    while len(text) > 1 and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def _bookmark(canvas, reports: Sequence[Report], index: int) -> None:
    report = reports[index]
    key = f"r{index}"
    canvas.bookmarkPage(key)
    if isinstance(report, Document) and report.subject:
        previous = reports[index - 1] if index else None
        if not (isinstance(previous, Document) and previous.subject and previous.key == report.key
                and previous.book_title == report.book_title):  # fmt: skip
            canvas.bookmarkPage(f"g{index}")  # an entry of its own: reportlab keeps one entry per key
            canvas.addOutlineEntry(report.book_title, f"g{index}", level=0, closed=True)
        canvas.addOutlineEntry(report.subject, key, level=1)
    else:
        canvas.addOutlineEntry(report.title, key, level=0)
