"""A fast streaming reader of one worksheet of an .xlsx file (cell values only).

Why not openpyxl's read-only mode: it builds a Python object per cell and takes 2–4 s for a
10,000-row roster on the office PC, more than the whole import may take. This reader walks the
sheet XML with expat and yields plain tuples, about four times faster. It understands what a roster
holds: shared strings, inline strings, numbers, booleans, formula results, and dates (cells whose
number format is a date format, in the 1900 or 1904 date system). Anything it does not expect
makes it fall back to openpyxl's read-only mode, so an unusual file is slower, never unreadable.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.parsers import expat

_CHUNK = 1 << 16
_REL_NS_ID = "id"


class XlsxFileError(Exception):
    """The file cannot be read as an .xlsx workbook; the message is for the user, in Chinese."""


class BadCell:
    """A cell whose value cannot be used: an Excel error value (#REF! …) or a formula saved without
    its result. Importers report ``message`` (Chinese) for the cell; ``str()`` is the cell as shown."""

    __slots__ = ("message", "shown")

    def __init__(self, shown: str, message: str):
        self.shown = shown
        self.message = message

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"BadCell({self.shown!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BadCell) and other.shown == self.shown

    def __hash__(self) -> int:
        return hash(self.shown)


#: Excel's error values, as a cell shows them.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#UNKNOWN!", "#BUSY!"})  # fmt: skip


def error_cell(shown: str) -> BadCell:
    return BadCell(shown, f"单元格是 Excel 错误值“{shown}”（公式出错或引用的单元格已删除），请改正后再导入")


def formula_without_result() -> BadCell:
    return BadCell(
        "", "单元格是公式，但文件中没有保存公式的计算结果；请在 Excel 或 WPS 中打开该文件、保存后再导入"
    )


#: The last column Excel has (XFD): a reference beyond it is a damaged file, not a wide sheet.
MAX_COLUMN = 16383


class _Unsupported(Exception):
    """Something the fast reader does not handle; the caller falls back to openpyxl."""


def _local(tag: str) -> str:
    return tag.rpartition(":")[2]


def _parse_small(data: bytes, start, end=None, chars=None) -> None:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if chars is not None:
        parser.CharacterDataHandler = chars
    parser.Parse(data, True)


def _attr(attrs: dict[str, str], name: str) -> str | None:
    """An attribute by local name (r:id, ns0:id …)."""
    if name in attrs:
        return attrs[name]
    for key, value in attrs.items():
        if _local(key) == name:
            return value
    return None


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type suffix, absolute part name) for `part`."""
    folder, name = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    out: dict[str, tuple[str, str]] = {}
    try:
        data = archive.read(rels_name)
    except KeyError:
        return out

    def start(tag, attrs):
        if _local(tag) == "Relationship":
            target = attrs.get("Target", "")
            if target.startswith("/"):
                full = target.lstrip("/")
            else:
                full = posixpath.normpath(posixpath.join(folder, target))
            out[attrs.get("Id", "")] = (attrs.get("Type", "").rpartition("/")[2], full)

    _parse_small(data, start)
    return out


def _workbook_part(archive: zipfile.ZipFile) -> str:
    for _rid, (kind, target) in _rels(archive, "").items():
        if kind == "officeDocument":
            return target
    if "xl/workbook.xml" in archive.namelist():
        return "xl/workbook.xml"
    raise _Unsupported("no workbook part")


def _shared_strings(archive: zipfile.ZipFile, part: str | None) -> list[str]:
    if part is None:
        return []
    strings: list[str] = []
    buffer: list[str] = []
    in_text = False
    phonetic = 0

    names: dict[str, str] = {}  # tag as written -> local name (expat interns tags)

    def start(tag, _attrs):
        nonlocal in_text, phonetic
        tag = names.get(tag) or names.setdefault(tag, _local(tag))
        if tag == "t":
            in_text = not phonetic
        elif tag == "si":
            buffer.clear()
        elif tag == "rPh":
            phonetic += 1

    def end(tag):
        nonlocal in_text, phonetic
        tag = names.get(tag) or names.setdefault(tag, _local(tag))
        if tag == "t":
            in_text = False
        elif tag == "si":
            strings.append("".join(buffer))
        elif tag == "rPh":
            phonetic -= 1

    def chars(data):
        if in_text:
            buffer.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    with archive.open(part) as stream:
        parser.ParseFile(stream)
    return strings


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> set[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a date or time."""
    if part is None:
        return set()
    custom: dict[int, str] = {}
    xf_formats: list[int] = []
    in_cell_xfs = False

    def start(tag, attrs):
        nonlocal in_cell_xfs
        tag = _local(tag)
        if tag == "numFmt":
            custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            in_cell_xfs = True
        elif tag == "xf" and in_cell_xfs:
            xf_formats.append(int(attrs.get("numFmtId", "0")))

    def end(tag):
        nonlocal in_cell_xfs
        if _local(tag) == "cellXfs":
            in_cell_xfs = False

    _parse_small(archive.read(part), start, end)
    dates = set()
    for index, fmt_id in enumerate(xf_formats):
        if fmt_id in custom:
            if is_date_format(custom[fmt_id]):
                dates.add(index)
        elif 14 <= fmt_id <= 22 or 27 <= fmt_id <= 36 or 45 <= fmt_id <= 47 or 50 <= fmt_id <= 58:
            # the built-in date and time formats (27–36 and 50–58: the East Asian ones)
            dates.add(index)
    return dates


_C, _V, _ROW, _PHONETIC, _OTHER, _F = 1, 2, 3, 4, 5, 6
_TAG_CODES = {"c": _C, "v": _V, "t": _V, "row": _ROW, "rPh": _PHONETIC, "f": _F}
_DIGITS = "0123456789"


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.')


def is_date_format(code: str) -> bool:
    """True when an Excel number format shows a date or time (yyyy-mm-dd, yyyy"年"m"月"d"日", h:mm …).

    Quoted text, escaped characters and [brackets] (colours, locales) are not looked at.
    """
    section = code.split(";")[0]
    return re.search("[dmhysDMHYS]", _FORMAT_LITERALS.sub("", section)) is not None


def from_excel(serial: float, epoch: dt.datetime) -> dt.datetime:
    """The datetime of an Excel serial number (1900 system: epoch 1899-12-30, with Excel's fictitious
    29 February 1900 for serials below 61)."""
    if 0 < serial < 60 and epoch.year == 1899:
        serial += 1
    return epoch + dt.timedelta(days=serial)


def _date_cell(serial: float, epoch: dt.datetime) -> dt.datetime | float | int:
    """A number in a date-formatted cell: its datetime, or the number itself when it is no date Excel
    shows (before 1900-01-01, the fictitious 1900-02-29, after 9999, NaN): the importer then says so."""
    if epoch.year == 1899 and not (serial >= 1 and not 60 <= serial < 61):
        return int(serial) if serial.is_integer() else serial
    try:
        return from_excel(serial, epoch)
    except (OverflowError, ValueError):
        return int(serial) if serial.is_integer() else serial


def _column_index(ref: str) -> int:
    """0-based column of a cell reference such as "AB12"."""
    index = 0
    for ch in ref:
        code = ord(ch)
        if 65 <= code <= 90:
            index = index * 26 + code - 64
        elif 97 <= code <= 122:
            index = index * 26 + code - 96
        else:
            break
    return index - 1


class Sheet:
    """One worksheet, read lazily: `rows()` yields (Excel row number, tuple of cell values)."""

    title: str

    def rows(self) -> Iterator[tuple[int, tuple]]:  # pragma: no cover - interface
        raise NotImplementedError


class _FastSheet(Sheet):
    def __init__(self, archive: zipfile.ZipFile, title: str, part: str, strings: list[str],
                 dates: set[int], epoch: dt.datetime):  # fmt: skip
        self.archive = archive
        self.title = title
        self.part = part
        self.strings = strings
        self.dates = dates
        self.epoch = epoch

    def rows(self) -> Iterator[tuple[int, tuple]]:
        strings, dates, epoch = self.strings, self.dates, self.epoch
        done: list[tuple[int, tuple]] = []
        cells: dict[int, Any] = {}
        buffer: list[str] = []
        row_number = 0
        column = -1
        cell_type: str | None = None
        cell_style = 0
        collecting = False
        formula = False

        codes: dict[str, int] = {}  # tag as written (maybe with a prefix) -> _C, _V … (expat interns tags)
        letters: dict[str, int] = {}

        def code_of(tag: str) -> int:
            code = codes[tag] = _TAG_CODES.get(_local(tag), _OTHER)
            return code

        def start(tag, attrs):
            nonlocal row_number, column, cell_type, cell_style, collecting, formula
            code = codes.get(tag) or code_of(tag)
            if code == _C:
                ref = attrs.get("r")
                if ref:
                    name = ref.rstrip(_DIGITS)
                    column = letters.get(name)
                    if column is None:
                        column = letters[name] = _column_index(name)
                else:
                    column += 1
                if column > MAX_COLUMN:
                    raise XlsxFileError(
                        f"第 {row_number} 行有超出 Excel 范围的单元格（{ref or column + 1}），文件已损坏；"
                        "请在 Excel 或 WPS 中打开后重新保存再导入"
                    )
                cell_type = attrs.get("t")
                style = attrs.get("s")
                cell_style = int(style) if style else 0
                formula = False
                buffer.clear()
            elif code == _F:
                formula = True
            elif code == _V:
                collecting = True
            elif code == _ROW:
                cells.clear()
                ref = attrs.get("r")
                row_number = int(ref) if ref else row_number + 1
                column = -1
            elif code == _PHONETIC:
                collecting = False

        def end(tag):
            nonlocal collecting
            code = codes.get(tag) or code_of(tag)
            if code == _V:
                collecting = False
            elif code == _C:
                if not buffer:
                    if formula:  # saved by a program that does not compute (openpyxl, scripts)
                        cells[column] = formula_without_result()
                    return
                text = "".join(buffer)
                kind = cell_type
                if kind == "s":
                    value: Any = strings[int(text)]
                elif kind == "str" or kind == "inlineStr":
                    value = text
                elif kind == "b":
                    value = text.strip() in ("1", "true")
                elif kind == "e":
                    value = error_cell(text.strip())
                elif kind == "d":
                    value = dt.datetime.fromisoformat(text.strip().rstrip("Z"))
                elif cell_style in dates:
                    value = _date_cell(float(text), epoch)
                elif text.isdigit():
                    value = int(text)
                else:
                    value = float(text)
                    if value.is_integer() and "e" not in text.lower() and "." not in text:
                        value = int(value)
                cells[column] = value
            elif code == _ROW and cells:
                width = max(cells) + 1
                done.append((row_number, tuple(cells.get(i) for i in range(width))))

        def chars(data):
            if collecting:
                buffer.append(data)

        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        with self.archive.open(self.part) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                parser.Parse(chunk, not chunk)
                if done:
                    yield from done
                    done.clear()
                if not chunk:
                    break


class _OpenpyxlSheet(Sheet):
    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.title = worksheet.title

    def rows(self) -> Iterator[tuple[int, tuple]]:
        self.worksheet.reset_dimensions()  # some writers store a wrong <dimension>
        try:
            for number, cells in enumerate(self.worksheet.iter_rows(values_only=True), start=1):
                if any(c is not None for c in cells):
                    if any(type(c) is str and c in EXCEL_ERRORS for c in cells):  # openpyxl gives the text
                        cells = tuple(
                            error_cell(c) if type(c) is str and c in EXCEL_ERRORS else c for c in cells
                        )
                    yield number, cells
        except XlsxFileError:
            raise
        except Exception as exc:  # openpyxl raises assorted errors for damaged parts
            raise _damaged(exc) from None


def _fast_open(archive: zipfile.ZipFile, preferred: tuple[str, ...]) -> _FastSheet:
    workbook = _workbook_part(archive)
    sheets: list[tuple[str, str, bool]] = []  # (name, relationship id, visible)
    date1904 = False

    def start(tag, attrs):
        nonlocal date1904
        tag = _local(tag)
        if tag == "sheet":
            visible = attrs.get("state", "visible") == "visible"
            sheets.append((attrs.get("name", ""), _attr(attrs, _REL_NS_ID) or "", visible))
        elif tag == "workbookPr":
            date1904 = attrs.get("date1904", "0") in ("1", "true")

    _parse_small(archive.read(workbook), start)
    rels = _rels(archive, workbook)
    if not sheets:
        raise XlsxFileError("工作簿中没有工作表")
    # chart sheets and dialog sheets hold no cells: only worksheets are candidates
    worksheets = [s for s in sheets if rels.get(s[1], ("", ""))[0] == "worksheet"]
    if not worksheets:
        if any(rels.get(s[1], ("", ""))[0] == "chartsheet" for s in sheets):
            raise XlsxFileError(_NO_WORKSHEET)
        raise _Unsupported("no worksheet relationship")
    chosen = next((s for name in preferred for s in worksheets if s[0] == name), None)
    chosen = chosen or next((s for s in worksheets if s[2]), worksheets[0])
    part = rels[chosen[1]][1]
    if part not in archive.NameToInfo:
        raise _Unsupported(f"sheet part {part!r}")
    strings_part = next((t for k, t in rels.values() if k == "sharedStrings"), None)
    styles_part = next((t for k, t in rels.values() if k == "styles"), None)
    strings = _shared_strings(archive, strings_part if strings_part in archive.NameToInfo else None)
    dates = _date_styles(archive, styles_part if styles_part in archive.NameToInfo else None)
    epoch = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    return _FastSheet(archive, chosen[0], part, strings, dates, epoch)


def _check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et", ".wps"):
        raise XlsxFileError("不支持旧版 .xls 格式，请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入")
    if suffix == ".csv":
        raise XlsxFileError("不支持 .csv 文件，请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入")
    if not path.exists():
        raise XlsxFileError(f"文件不存在：{path}")
    if path.is_dir():
        raise XlsxFileError(f"“{path.name}”是一个文件夹，不是 Excel 文件；请选择其中的 .xlsx 文件")


_NOT_XLSX = "无法读取该文件：它不是有效的 .xlsx 工作簿（可能已损坏或是其他格式）"
_NO_WORKSHEET = "工作簿中没有可以导入的工作表（只有图表）"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .xls, or an encrypted .xlsx
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _not_xlsx(path: Path) -> XlsxFileError:
    """Why a file that is no zip archive cannot be read: an encrypted workbook or an old .xls in disguise
    are worth saying so."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_OLE_MAGIC))
            if head == _OLE_MAGIC:
                encrypted = _ENCRYPTED_STREAM in stream.read(64 << 20)
    except OSError:
        return XlsxFileError(_NOT_XLSX)
    if head != _OLE_MAGIC:
        return XlsxFileError(_NOT_XLSX)
    if encrypted:
        return XlsxFileError(
            "该工作簿设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中打开，取消密码后保存，再导入"
        )
    return XlsxFileError(
        "该文件实际是旧版 .xls 格式（只是扩展名为 .xlsx），不支持；请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入"
    )


#: What a damaged part raises while the fast reader walks it.
_DAMAGE = (KeyError, ValueError, IndexError, expat.ExpatError, zipfile.BadZipFile, EOFError, zlib.error)


def _damaged(exc: Exception | None = None) -> XlsxFileError:
    if isinstance(exc, OSError) and exc.errno is not None:
        return XlsxFileError(f"读取文件时出错：{exc.strerror or exc}")
    return XlsxFileError("文件内容已损坏，读取到一半时出错；请在 Excel 或 WPS 中打开后重新保存再导入")


@contextmanager
def open_sheet(path: str | Path, *, preferred: tuple[str, ...] = (), fast: bool = True) -> Iterator[Sheet]:
    """Open the sheet named first in `preferred` if present, else the first visible sheet.

    Raises :class:`XlsxFileError` with a Chinese message for a file that is not a readable .xlsx.
    """
    path = Path(path)
    _check_suffix(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise _not_xlsx(path) from None
    except PermissionError:
        raise XlsxFileError("无法打开文件：没有读取权限，或文件正被其他程序占用") from None
    except OSError as exc:
        raise _damaged(exc) from None
    with archive:
        _check_sizes(archive)
        if fast:
            try:
                sheet: Sheet = _fast_open(archive, preferred)
                # read the first rows now, so that a surprise shows before anything is consumed
                rows = sheet.rows()
                first = [next(rows, None)]
            except (_Unsupported, *_DAMAGE):
                sheet = None  # type: ignore[assignment]
            else:
                yield _Primed(sheet, first[0], rows)
                return
        yield from _openpyxl_sheet(path, preferred)


# Bounds on what a workbook may unpack to (issue 11 §9: a 2 MB file whose shared strings expand took
# 4.3 GB and 52 s, a 4 MB one ended in MemoryError). A 200,000-row roster unpacks to about 150 MB.
MAX_PART = 400 * 1024 * 1024  # one part (a sheet, the shared strings)
MAX_TOTAL = 800 * 1024 * 1024  # the whole workbook
MAX_RATIO = 400  # unpacked / packed, for parts over a few megabytes (ordinary XML packs about 10:1)


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook that would unpack to more than a roster ever holds. The sizes are the zip's
    own: reading a part never yields more than its stated size (zipfile stops there), so the check
    bounds the memory and time the readers can take."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > MAX_PART
            or total > MAX_TOTAL
            or (info.file_size > 8 * 1024 * 1024 and ratio > MAX_RATIO)
        ):
            raise XlsxFileError(
                f"这个文件解压后过大（其中“{info.filename}”有 {info.file_size / 1024 / 1024:.0f} MB），"
                "不像正常的 Excel 工作簿，为防止程序占满内存，没有读取。请确认文件来源，或在 Excel / WPS 中打开后另存再导入。"
            )


class _Primed(Sheet):
    """A fast sheet whose first row was read ahead; falls back to openpyxl only before that point."""

    def __init__(self, sheet: Sheet, first, rest: Iterator[tuple[int, tuple]]):
        self.title = sheet.title
        self._first = first
        self._rest = rest

    def rows(self) -> Iterator[tuple[int, tuple]]:
        if self._first is None:
            return
        yield self._first
        try:
            yield from self._rest
        except (*_DAMAGE, OSError) as exc:
            raise _damaged(exc) from None


def _openpyxl_sheet(path: Path, preferred: tuple[str, ...]) -> Iterator[Sheet]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, expat.ExpatError):
        raise XlsxFileError(_NOT_XLSX) from None
    except Exception as exc:  # openpyxl raises assorted errors for damaged files
        if isinstance(exc, OSError) and exc.errno is not None:  # the disk, not the content
            raise _damaged(exc) from None
        raise XlsxFileError(_NOT_XLSX) from None
    try:
        sheets = workbook.worksheets
        chosen = next((workbook[name] for name in preferred if name in workbook.sheetnames), None)
        if chosen not in sheets:
            visible = [ws for ws in sheets if ws.sheet_state == "visible"]
            if not (visible or sheets):
                raise XlsxFileError(_NO_WORKSHEET if workbook.chartsheets else "工作簿中没有工作表")
            chosen = (visible or sheets)[0]
        yield _OpenpyxlSheet(chosen)
    finally:
        workbook.close()
