"""One table of an .xlsx worksheet as the importers read it: the roster (services/imports.py) and the
development ledger (services/dev_import.py) share this reader.

* **Opening** (:func:`read_table`): the sheet is streamed row by row (``xlsx_reader``: expat over the
  sheet XML, openpyxl's read-only mode as the fallback); a file that is no readable workbook becomes
  one file-level :class:`RowError`.
* **The header** (:func:`find_header`): searched in the first rows, under merged title rows and a
  branch line; header texts compare by :func:`header_key` (full-width forms, blanks, '*' and bracketed
  remarks do not matter, see :func:`match_key`).
* **Cells**: :func:`clean_text` (invisible characters), :func:`cell_text`, :func:`cell_date` (Excel dates,
  "2022年6月", full-width digits …); masked values of a 脱敏 export (:func:`is_masked`) are no data.
* **Rows that are no data**: the template's example row (:func:`is_example`) and what a ledger prints
  under its table — the totals and notes, the signature lines (:func:`is_footer`).
* **Errors** name the Excel row and the column as written in the file (:class:`RowError`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from branchdesk.domain.dates import parse_date_loose
from branchdesk.domain.members import ValidationError

EXAMPLE_MARK = "示例"
HEADER_SEARCH_ROWS = 10

T = TypeVar("T")


BRACKET_CONTENT = re.compile(r"[(\[【〔《<].*?[)\]】〕》>]")
BRACKETS = re.compile(r"[()\[\]【】〔〕《》<>]")


#: Characters that show nothing (zero-width spaces, joiners, direction marks, BOM, soft hyphen): pasted
#: from web pages and chat apps, they make "张三" differ from "张三" and an ID number 19 characters long.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def clean_text(text: str) -> str:
    """A text cell as meant: without invisible characters and surrounding blanks."""
    if not text.isascii():
        text = _INVISIBLE.sub("", text)
    return text.strip()


def header_key(text: Any) -> str:
    """A header as compared: NFKC (full-width → half-width), no blanks, no newlines, no '*' markers."""
    value = unicodedata.normalize("NFKC", clean_text(str(text or "")))
    value = "".join(value.split())
    value = value.replace("*", "").replace("※", "").strip(":：")
    return value.upper()


_QUOTED = re.compile(r"“([^”]{41,})”")


def _clip_quotes(message: str) -> str:
    return _QUOTED.sub(lambda m: f"“{m.group(1)[:30]}…（共 {len(m.group(1))} 个字符）”", message)


@dataclass(frozen=True)
class RowError:
    """A problem in the file. `row` is the Excel row number (0: the file as a whole); `column` is the
    header as written in the file (empty when the problem is not tied to one column)."""

    row: int
    column: str
    message: str

    def __post_init__(self) -> None:
        # a cell's text quoted in a message is shortened: a 30,000-character cell is no message
        clipped = _clip_quotes(" ".join(self.message.split()))
        if clipped != self.message:
            object.__setattr__(self, "message", clipped)
        if len(self.column) > 40:
            object.__setattr__(self, "column", self.column[:40] + "…")

    def __str__(self) -> str:
        if self.row <= 0:
            return self.message
        if not self.column:
            return f"第 {self.row} 行：{self.message}"
        return f"第 {self.row} 行，{self.column}：{self.message}"


class ImportRefused(ValidationError):
    """The file (or its match against the database) has errors and the import was not asked to skip them."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        rows = len({e.row for e in self.errors if e.row > 0})
        head = f"有 {rows} 行存在错误，未导入任何数据" if rows else "文件有错误，未导入任何数据"
        self.issues = []
        ValueError.__init__(self, head + "：\n" + "\n".join(str(e) for e in self.errors))


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a trailing .0, midnight datetimes as dates, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    return str(value).strip()


def cell_date(value: Any, *, allow_year_month: bool = True) -> dt.date:
    """A date cell or date text (``parse_date_loose``), in the years a record may hold (1900–2100) even
    when the cell is a date already; ValueError with a Chinese message otherwise."""
    if isinstance(value, str):
        value = clean_text(value)
    result = parse_date_loose(value, allow_year_month=allow_year_month)
    if not 1900 <= result.year <= 2100:
        raise ValueError(f"日期“{result.isoformat()}”的年份超出范围（1900–2100）")
    return result


def is_example(cells: tuple, first_indexes: tuple[int, ...]) -> bool:
    """The template's example row: 示例 in the 序号 column, or a first cell starting with 示例."""
    for index in first_indexes:
        if index < len(cells):
            value = cells[index]
            if isinstance(value, str) and value.strip().startswith(EXAMPLE_MARK):
                return True
    return False


def indistinct_rows(people: Iterable[tuple[int, str, dt.date | None, str]]) -> dict[int, int]:
    """Rows without a citizen ID number that another row of the file may be the same person as
    (same name, and the same birth date where both have one): {row: the other row}.

    Imported twice, such a row could not be told apart from the other one: it would create a second
    file the first time and a third the next. Rows with ID numbers are told apart by them.
    """
    by_name: dict[str, list[tuple[int, dt.date | None, str]]] = {}
    for number, name, birth, id_number in people:
        if id_number and birth is None:
            birth = _birth_in_id(id_number)
        by_name.setdefault(name, []).append((number, birth, id_number))
    out: dict[int, int] = {}
    for rows in by_name.values():
        if len(rows) < 2:
            continue
        for number, birth, id_number in rows:
            if id_number:
                continue
            other = next(
                (n for n, b, _ in rows if n != number and (birth is None or b is None or b == birth)), None
            )
            if other is not None:
                out[number] = other
    return out


def _birth_in_id(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def ambiguous_message(count: int, with_birth: bool) -> str:
    same = "姓名和出生日期" if with_birth else "姓名"
    return f"系统中有 {count} 人与本行{same}相同，无法确定是哪一位；请填写公民身份号码"


def indistinct_message(other: int) -> str:
    return f"与第 {other} 行姓名相同，本行又没有公民身份号码，无法确定是否同一人；请填写公民身份号码"


def header_signature(cells: Iterable[Any]) -> str:
    """The layout of a header row as a short key: files of the same layout share it (the import
    dialog remembers its column mapping under it)."""
    import hashlib

    keys = "|".join(header_key(cell_text(c)) for c in cells)
    return hashlib.sha1(keys.rstrip("|").encode("utf-8")).hexdigest()[:16]


def match_key(text: Any, table: dict[str, T]) -> T | None:
    """What `table` (header_key -> value) holds for a header, tolerating spaces, full-width forms, '*'
    and bracketed remarks ("出生年月（必填）", "【姓名】")."""
    key = header_key(text)
    if not key:
        return None
    for candidate in (key, BRACKET_CONTENT.sub("", key), BRACKETS.sub("", key)):
        if candidate in table:
            return table[candidate]
    return None


# --------------------------------------------------------------------------------------------
# Reading a sheet
# --------------------------------------------------------------------------------------------


def read_table(
    path: str | Path, preferred: tuple[str, ...], read: Callable[[str, Iterator[tuple[int, tuple]]], None]
) -> RowError | None:
    """Open the sheet of `path` named first in `preferred` (else the first visible one) and hand its
    title and rows (Excel row number, cell values) to `read`; the file's problem, if it is unreadable."""
    from branchdesk.services import xlsx_reader
    from branchdesk.services.bulk import collector_paused

    try:
        with collector_paused(), xlsx_reader.open_sheet(Path(path), preferred=preferred) as sheet:
            read(sheet.title, sheet.rows())
    except xlsx_reader.XlsxFileError as exc:
        return RowError(0, "", str(exc))
    return None


@dataclass
class Header:
    """The header row found: its Excel row number, its cells and what the caller made of them."""

    row: int
    cells: tuple
    found: Any
    above: tuple[tuple, ...] = ()  # the cells of the rows above it (the title, the branch line …)


def find_header(
    rows: Iterator[tuple[int, tuple]],
    accept: Callable[[tuple], T | None],
    *,
    sheet: str,
    other_columns: str,
    search_rows: int = HEADER_SEARCH_ROWS,
) -> Header | RowError:
    """The first row among the first `search_rows` that `accept` takes for the header (it returns what
    it understood of the row, or None). `rows` is left just after the header. Title rows, a branch line
    and merged cells above the header are passed over; no header gives a file-level error saying what
    a header needs (`other_columns`: "性别、身份证号码"). The rows passed over come with the header
    (`Header.above`): the roster's "工作单位：…" line is read from them."""
    seen_any = False
    above: list[tuple] = []
    for number, cells in rows:
        if number > search_rows:
            seen_any = seen_any or any(cell_text(c) for c in cells)
            break
        seen_any = seen_any or any(cell_text(c) for c in cells)
        found = accept(cells)
        if found is not None:
            return Header(number, cells, found, tuple(above))
        above.append(cells)
    if not seen_any:
        return RowError(0, "", f"工作表“{sheet}”是空的，没有可以导入的内容")
    return RowError(0, "", f"在工作表“{sheet}”的前 {search_rows} 行中没有找到表头"
                    f"（表头至少要有“姓名”一列，以及{other_columns}等其他列）")  # fmt: skip


# --------------------------------------------------------------------------------------------
# Rows that are no data
# --------------------------------------------------------------------------------------------

#: What a ledger prints under its table: the totals and notes, the signature lines, the date.
_FOOTER_TEXT = re.compile(
    r"^\s*(共\s*\d+\s*[人名条份项]|合计|总计|小计|注[：:]|说明[：:]|备注[：:]|填表人|制表人|填报人|审核人|审核|"
    r"负责人|联系人|支部书记|书记[：:]|组织委员|填表日期|填报日期|制表日期|打印日期|单位[（(]?盖章)"
)
_SIGNATURE_BLANK = re.compile(r"＿|_{3,}")


def is_footer(cells: tuple, name_index: int) -> bool:
    """A row under the table that holds no person: a total, a note or a signature line ("填表人：＿＿＿＿",
    "共 49 人，其中……"), in the name column or, with the name cell empty, anywhere in the row."""
    name = cell_text(cells[name_index]) if name_index < len(cells) else ""
    if name:  # no name has a signature blank, or a label with a colon or a count
        return bool(
            _SIGNATURE_BLANK.search(name)
            or (_FOOTER_TEXT.match(name) and any(ch in name for ch in "：:0123456789"))
        )
    for value in cells:
        if isinstance(value, str) and (_SIGNATURE_BLANK.search(value) or _FOOTER_TEXT.match(value)):
            return True
    return False


_MASKED = re.compile(r"^[0-9A-Za-z\-]*\*{3,}[0-9A-Za-z\-]*$")


def is_masked(value: Any) -> bool:
    """A value a 脱敏 export hid ("3501**********1234", "138****5678"): no data to import."""
    return isinstance(value, str) and "*" in value and _MASKED.match(value.strip()) is not None
