"""A corpus of broken import files, built by code into a folder (nothing binary is kept in git).

Each :class:`Case` builds one file (or names a path that is not a file) for one importer
(``roster``: 党员花名册, ``development``: 发展党员工作台账). ``expect`` says what a secretary must see:

* ``refused`` — the file as a whole cannot be imported (one error without a row: row 0);
* ``errors`` — the file is read, and some rows have errors naming their row and column;
* ``ok`` — the file is odd but correct (header under notes, unknown columns …): it imports cleanly;
* ``any`` — no promise beyond the invariants (no crash, errors name real cells, nothing half-written).

Files are written with openpyxl where it can make them, and as raw SpreadsheetML (a few XML parts
zipped by hand) where a real Excel or WPS file holds what openpyxl would not write: cached formula
results, error cells, ``t="d"`` cells, a date style on odd serials, cells without references …
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from branchdesk.domain.citizen_id import make_citizen_id

ROSTER, DEVELOPMENT = "roster", "development"
KINDS = (ROSTER, DEVELOPMENT)


# ---- the shapes of the two files --------------------------------------------------------------


def citizen_id(seq: int, born: dt.date = dt.date(1985, 3, 12), sex: str = "男") -> str:
    return make_citizen_id("350102", born, seq % 500, sex)


ROSTER_HEADER = ["序号", "姓名", "性别", "民族", "身份证号码", "出生日期", "人员类别", "所在党小组", "入党时间",
                 "转正时间", "手机号码", "月缴党费", "备注"]  # fmt: skip
DEV_HEADER = ["序号", "姓名", "公民身份号码", "递交申请书日期", "谈话日期", "谈话人", "确定积极分子日期",
              "确定发展对象日期", "接收支部大会日期", "接收应到", "接收实到", "接收赞成", "培训学时", "备注"]  # fmt: skip

#: Columns (by header) whose cells hold dates, numbers, ID numbers: where wrong types are tried.
DATE_COLUMNS = {ROSTER: ["出生日期", "入党时间", "转正时间"],
                DEVELOPMENT: ["递交申请书日期", "谈话日期", "确定积极分子日期", "接收支部大会日期"]}  # fmt: skip
NUMBER_COLUMNS = {ROSTER: ["月缴党费"], DEVELOPMENT: ["接收应到", "接收实到", "接收赞成", "培训学时"]}
ID_COLUMN = {ROSTER: "身份证号码", DEVELOPMENT: "公民身份号码"}


def header(kind: str) -> list[str]:
    return list(ROSTER_HEADER if kind == ROSTER else DEV_HEADER)


def good_row(kind: str, seq: int, name: str | None = None) -> list:
    """A valid row; different `seq` give different people (ID numbers)."""
    born = dt.date(1970 + seq % 30, 1 + seq % 12, 1 + seq % 28)
    number = make_citizen_id("350102", born, seq % 500, "男" if seq % 2 else "女")
    name = name or f"党员{_chinese_number(seq)}"
    if kind == ROSTER:
        joined = dt.date(born.year + 25, 7, 1)
        return [seq, name, "男" if seq % 2 else "女", "汉族", number, None, "正式党员", "第一党小组", joined,
                joined.replace(year=joined.year + 1), f"139{seq:08d}", "12.50", ""]  # fmt: skip
    applied = dt.date(2023, 3, 1)
    return [seq, name, number, applied, dt.date(2023, 3, 20), "李书记", dt.date(2023, 6, 1), dt.date(2024, 6, 3),
            None, None, None, None, None, ""]  # fmt: skip


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    return "".join(digits[int(d)] for d in str(n))


def column_index(kind: str, title: str) -> int:
    return header(kind).index(title)


# ---- writers ----------------------------------------------------------------------------------


def write_rows(path: Path, rows: list[list], *, title: str | None = None, sheet: str | None = None) -> Path:
    """An .xlsx with an optional title row, then `rows` as given (header included by the caller)."""
    wb = Workbook()
    ws = wb.active
    if sheet:
        ws.title = sheet
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def zipped(path: Path, parts: dict[str, str]) -> Path:
    """A zip archive of the given parts (name -> text)."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def two_sheets(path: Path, first: tuple[str, list[list], str], second: tuple[str, list[list]]) -> Path:
    """A workbook of two sheets: (title, rows, state) first, then (title, rows)."""
    wb = Workbook()
    sheet = wb.active
    sheet.title, sheet.sheet_state = first[0], first[2]
    for row in first[1]:
        sheet.append(row)
    other = wb.create_sheet(second[0])
    for row in second[1]:
        other.append(row)
    wb.save(path)
    return path


def file_with(kind: str, path: Path, rows: list[list], **kwargs) -> Path:
    return write_rows(path, [header(kind), *rows], **kwargs)


@dataclass
class RawCell:
    """A cell written as raw XML: ``t`` is the cell type ("n", "s" inline string, "b", "e", "str",
    "d"), ``v`` its value text, ``f`` a formula, ``style`` 1 for a yyyy-mm-dd date format."""

    v: str | None = None
    t: str = "n"
    f: str | None = None
    style: int = 0

    def xml(self, ref: str | None) -> str:
        attrs = f' r="{ref}"' if ref else ""
        if self.style:
            attrs += f' s="{self.style}"'
        if self.t == "s":
            return f'<c{attrs} t="inlineStr"><is><t>{escape(self.v or "")}</t></is></c>'
        if self.t != "n":
            attrs += f' t="{self.t}"'
        inner = f"<f>{escape(self.f)}</f>" if self.f is not None else ""
        if self.v is not None:
            inner += f"<v>{escape(self.v)}</v>"
        return f"<c{attrs}>{inner}</c>"


def text(value: str) -> RawCell:
    return RawCell(value, "s")


def _letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _raw_cell(value) -> RawCell | None:
    if value is None:
        return None
    if isinstance(value, RawCell):
        return value
    if isinstance(value, bool):
        return RawCell("1" if value else "0", "b")
    if isinstance(value, int | float):
        return RawCell(repr(value))
    if isinstance(value, dt.date):  # a date cell: its serial number with a date format
        return RawCell(repr(excel_serial(value)), style=1)
    return text(str(value))


def excel_serial(value: dt.date) -> float | int:
    """The serial number Excel stores for a date or datetime (1900 date system, from 1900-03-01 on)."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    delta = moment - dt.datetime(1899, 12, 30)
    serial = delta.days + delta.seconds / 86400
    return int(serial) if serial == int(serial) else serial


def sheet_xml(rows: list[list], *, refs: bool = True, merges: tuple[str, ...] = ()) -> str:
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            cell = _raw_cell(value)
            if cell is not None:
                cells.append(cell.xml(f"{_letters(c)}{r}" if refs else None))
            elif not refs:
                cells.append("<c/>")  # without references, position is all there is
        out.append(
            f'<row r="{r}">' + "".join(cells) + "</row>" if refs else "<row>" + "".join(cells) + "</row>"
        )
    merge = ""
    if merges:
        merge = f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        merge += "</mergeCells>"
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(out)}</sheetData>{merge}</worksheet>"
    )


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@dataclass
class RawSheet:
    name: str
    xml: str
    state: str = "visible"
    kind: str = "worksheet"  # or "chartsheet"


def raw_xlsx(
    path: Path, sheets: list[RawSheet], *, date1904: bool = False, extra: dict[str, str] | None = None
) -> Path:
    """A minimal workbook written part by part (what Excel would write, without the extras)."""
    overrides = [
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>',
    ]
    sheet_entries, rels, parts = [], [], {}
    for i, sheet in enumerate(sheets, start=1):
        folder = "worksheets" if sheet.kind == "worksheet" else "chartsheets"
        part = f"xl/{folder}/sheet{i}.xml"
        parts[part] = sheet.xml
        ctype = f"application/vnd.openxmlformats-officedocument.spreadsheetml.{sheet.kind}+xml"
        overrides.append(f'<Override PartName="/{part}" ContentType="{ctype}"/>')
        state = f' state="{sheet.state}"' if sheet.state != "visible" else ""
        sheet_entries.append(f'<sheet name="{escape(sheet.name)}" sheetId="{i}"{state} r:id="rId{i}"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL}/{sheet.kind}" Target="{folder}/sheet{i}.xml"/>')
    rels.append(f'<Relationship Id="rIdS" Type="{_REL}/styles" Target="styles.xml"/>')
    pr = '<workbookPr date1904="1"/>' if date1904 else "<workbookPr/>"
    parts["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{_REL}">'
        f"{pr}<sheets>{''.join(sheet_entries)}</sheets></workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{_PKG_REL}">{"".join(rels)}</Relationships>'
    parts["xl/styles.xml"] = _STYLES
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" Type="{_REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    parts["[Content_Types].xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>' + "".join(overrides) + "</Types>"
    )
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def raw_file(kind: str, path: Path, rows: list[list], **kwargs) -> Path:
    """A raw workbook of one sheet: the header, then `rows` (values or RawCell)."""
    name = "党员花名册" if kind == ROSTER else "发展党员工作台账"
    return raw_xlsx(path, [RawSheet(name, sheet_xml([header(kind), *rows], **kwargs))])


_CHART = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews>'
    '<sheetView workbookViewId="0"/></sheetViews></chartsheet>'
)


# ---- the cases --------------------------------------------------------------------------------


@dataclass
class Case:
    name: str
    kind: str
    build: Callable[[Path], Path]  # folder -> the path to import
    expect: str = "any"  # refused | errors | ok | any
    #: for "errors": (row, column header) pairs that must be among the errors
    cells: list[tuple[int, str]] = field(default_factory=list)
    #: for "refused": a word the message must contain
    says: str = ""

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.name}"


def _bad_cell_rows(kind: str, column: str, values: list, first_seq: int = 11) -> tuple[list[list], list[int]]:
    """Good rows with one bad value each in `column`; returns the rows and their Excel rows (header at 1)."""
    index = column_index(kind, column)
    rows = []
    for i, value in enumerate(values):
        row = good_row(kind, first_seq + i)
        row[index] = value
        rows.append(row)
    return rows, [2 + i for i in range(len(values))]


#: Text that is not a date, in date columns (each must be an error on its cell).
BAD_DATES = ["去年六月", "2026-13-01", "2026-02-30", "20261301", "2026.3.5.1", "明天", "1899-12-31", "2101-01-01",
             "12/31", "N/A", "----", "2026年13月5日", "00000000", "3/5/2026"]  # fmt: skip
#: Dates written in formats people use, which must be read (each row stays good).
GOOD_DATE_TEXTS = ["2026.3.5", "2026年3月5日", "20260305", "2026-03-05", "2026/3/5", "２０２６－０３－０５",
                   " 2026 年 3 月 5 日 ", "2026-03-05 00:00:00", "2026-03-05T08:30"]  # fmt: skip
#: Excel error values as a real file stores them.
EXCEL_ERRORS = ["#REF!", "#N/A", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"]


def cases(kind: str) -> list[Case]:
    """Every broken file for one importer."""
    out: list[Case] = []
    add = out.append
    idc = ID_COLUMN[kind]
    date_col = DATE_COLUMNS[kind][1] if kind == ROSTER else DATE_COLUMNS[kind][0]
    num_col = NUMBER_COLUMNS[kind][0]

    def case(name: str, expect: str = "any", cells=(), says: str = ""):
        def wrap(build):
            add(Case(name, kind, build, expect, list(cells), says))
            return build

        return wrap

    # -- not a workbook at all
    @case("csv-named-xlsx", "refused", says="不是有效的 .xlsx")
    def _(d: Path) -> Path:
        p = d / "名册.xlsx"
        p.write_text(",".join(header(kind)) + "\n1,张三\n", encoding="utf-8")
        return p

    @case("csv-file", "refused", says=".csv")
    def _(d: Path) -> Path:
        p = d / "名册.csv"
        p.write_text(",".join(header(kind)) + "\n", encoding="utf-8")
        return p

    @case("old-xls", "refused", says="另存为")
    def _(d: Path) -> Path:
        p = d / "名册.xls"
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
        return p

    @case("xls-content-named-xlsx", "refused", says="另存为")
    def _(d: Path) -> Path:  # an old .xls renamed, or a password-protected workbook (an OLE container)
        p = d / "名册.xlsx"
        p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
        return p

    @case("encrypted-xlsx", "refused", says="密码")
    def _(d: Path) -> Path:  # how Excel stores a workbook with an opening password
        p = d / "加密.xlsx"
        p.write_bytes(_encrypted_ooxml())
        return p

    @case("zip-not-xlsx", "refused", says="不是有效的 .xlsx")
    def _(d: Path) -> Path:
        return zipped(d / "名册.xlsx", {"readme.txt": "这不是工作簿"})

    @case("docx-named-xlsx", "refused", says="不是有效的 .xlsx")
    def _(d: Path) -> Path:
        return zipped(
            d / "名册.xlsx",
            {"[Content_Types].xml": '<Types xmlns="x"/>', "word/document.xml": "<w:document/>"},
        )

    @case("truncated", "refused")
    def _(d: Path) -> Path:
        full = file_with(kind, d / "full.xlsx", [good_row(kind, i) for i in range(1, 30)])
        data = full.read_bytes()
        p = d / "截断.xlsx"
        p.write_bytes(data[: len(data) // 2])
        return p

    @case("truncated-tail", "refused")
    def _(d: Path) -> Path:  # the central directory intact, a member's data cut short
        full = file_with(kind, d / "full.xlsx", [good_row(kind, i) for i in range(1, 30)])
        p = d / "损坏.xlsx"
        _corrupt_member(full, p, "xl/worksheets/sheet1.xml")
        return p

    @case("empty-file", "refused")
    def _(d: Path) -> Path:
        p = d / "空文件.xlsx"
        p.write_bytes(b"")
        return p

    @case("directory", "refused", says="文件夹")
    def _(d: Path) -> Path:
        p = d / "文件夹.xlsx"
        p.mkdir()
        return p

    @case("missing", "refused", says="不存在")
    def _(d: Path) -> Path:
        return d / "没有这个文件.xlsx"

    @case("random-bytes", "refused")
    def _(d: Path) -> Path:
        p = d / "乱码.xlsx"
        p.write_bytes(bytes(range(256)) * 40)
        return p

    if os.name == "posix" and os.geteuid() != 0:

        @case("unreadable", "refused", says="权限")
        def _(d: Path) -> Path:
            p = file_with(kind, d / "无权限.xlsx", [good_row(kind, 1)])
            p.chmod(0)
            return p

    # -- workbooks without data
    @case("empty-workbook", "refused", says="空的")
    def _(d: Path) -> Path:
        p = d / "空.xlsx"
        Workbook().save(p)
        return p

    @case("no-sheets", "refused")
    def _(d: Path) -> Path:
        return raw_xlsx(d / "无工作表.xlsx", [])

    @case("header-only", "refused")
    def _(d: Path) -> Path:
        return file_with(kind, d / "只有表头.xlsx", [])

    @case("header-too-low", "refused", says="表头")
    def _(d: Path) -> Path:
        notes = [[f"说明第{i}行"] for i in range(12)]
        return write_rows(d / "表头太低.xlsx", [*notes, header(kind), good_row(kind, 1)])

    @case("header-after-notes", "ok")
    def _(d: Path) -> Path:
        notes = [["填表说明：请如实填写"], [], ["单位：某某学院"], ["2026年3月"]]
        return write_rows(
            d / "表头在第5行.xlsx", [*notes, header(kind), good_row(kind, 1), good_row(kind, 2)]
        )

    @case("missing-name-column", "refused", says="表头")
    def _(d: Path) -> Path:
        head = [h for h in header(kind) if h != "姓名"]
        rows = [[c for h, c in zip(header(kind), good_row(kind, 1), strict=True) if h != "姓名"]]
        return write_rows(d / "缺姓名.xlsx", [head, *rows])

    @case("only-name-column", "any")
    def _(d: Path) -> Path:
        return write_rows(d / "只有姓名.xlsx", [["姓名"], ["张三"]])

    @case("unknown-extra-columns", "ok")
    def _(d: Path) -> Path:
        head = [*header(kind), "爱好", "", "身高（cm）", "12345", "=SUM(1)"]
        rows = [[*good_row(kind, i), "篮球", None, 180, "x", "y"] for i in (1, 2)]
        return write_rows(d / "多余列.xlsx", [head, *rows])

    @case("duplicate-headers", "any")
    def _(d: Path) -> Path:
        head = [*header(kind), "姓名", idc, date_col]
        row = good_row(kind, 1)
        rows = [[*row, "李四", "123", "昨天"]]
        return write_rows(d / "重复表头.xlsx", [head, *rows])

    @case("many-columns", "ok")
    def _(d: Path) -> Path:  # data spread to the last column Excel has (XFD)
        head = header(kind) + [None] * (16384 - len(header(kind)) - 1) + ["最后一列"]
        row = good_row(kind, 1) + [None] * (16384 - len(header(kind)) - 1) + ["x"]
        return write_rows(d / "很多列.xlsx", [head, row])

    @case("long-rows", "ok")
    def _(d: Path) -> Path:  # 300 unknown filled columns after the data
        head = header(kind) + [f"其他{i}" for i in range(300)]
        rows = [good_row(kind, i) + [i * j for j in range(300)] for i in (1, 2, 3)]
        return write_rows(d / "很长的行.xlsx", [head, *rows])

    # -- merged cells
    @case("merged-header", "any")
    def _(d: Path) -> Path:
        p = file_with(kind, d / "合并表头.xlsx", [good_row(kind, 1), good_row(kind, 2)], title="名册")
        from openpyxl import load_workbook

        wb = load_workbook(p)
        wb.active.merge_cells(start_row=2, start_column=2, end_row=2, end_column=4)  # 姓名 … over three
        wb.save(p)
        return p

    @case("merged-data", "errors")
    def _(d: Path) -> Path:  # a name merged down over three rows: only the first row holds it
        p = file_with(kind, d / "合并数据.xlsx", [good_row(kind, i) for i in (1, 2, 3)])
        from openpyxl import load_workbook

        wb = load_workbook(p)
        wb.active.merge_cells("B2:B4")
        wb.save(p)
        return p

    @case("merged-across-data", "any")
    def _(d: Path) -> Path:  # a remark merged across the whole row between two people
        rows = [good_row(kind, 1), ["第一党小组"] + [None] * (len(header(kind)) - 1), good_row(kind, 2)]
        merges = (f"A3:{_letters(len(header(kind)) - 1)}3",)
        return raw_xlsx(
            d / "合并行.xlsx", [RawSheet("Sheet1", sheet_xml([header(kind), *rows], merges=merges))]
        )

    # -- wrong types in cells
    rows, numbers = _bad_cell_rows(kind, date_col, BAD_DATES)
    add(Case("text-in-date-column", kind, lambda d, rows=rows: file_with(kind, d / "日期乱写.xlsx", rows), "errors",
             [(n, date_col) for n in numbers]))  # fmt: skip

    rows, numbers = _bad_cell_rows(kind, date_col, [True, False, 1.5e300, -5, 0.5, 3e6, 99999999])
    add(Case("numbers-and-booleans-in-date-column", kind, lambda d, rows=rows: file_with(kind, d / "日期数字.xlsx", rows),
             "errors", [(n, date_col) for n in numbers]))  # fmt: skip

    bad_numbers = ["很多", "12元5角", "1e400", "NaN", "-3", "1..2", True, "∞", "一百", "99999999999"]
    if kind == DEVELOPMENT:
        bad_numbers += [2.5, -1]
    rows, numbers = _bad_cell_rows(kind, num_col, bad_numbers)
    add(Case("text-in-number-column", kind, lambda d, rows=rows: file_with(kind, d / "数字乱写.xlsx", rows), "errors",
             [(n, num_col) for n in numbers]))  # fmt: skip

    ids = [350102198503120000, 3.501021985e17, 12345, True, "35010219850312001", "3501021985031200XX",
           "ABCDEFGHIJKLMNOPQR", "350102199902301234", "350102203001011234"]  # fmt: skip
    rows, numbers = _bad_cell_rows(kind, idc, ids)
    add(Case("bad-id-numbers", kind, lambda d, rows=rows: file_with(kind, d / "号码错误.xlsx", rows), "errors",
             [(n, idc) for n in numbers]))  # fmt: skip

    # the same (valid) number written the ways it arrives from other files
    x_id = make_citizen_id("110105", dt.date(1990, 7, 1), 3, "女")
    assert x_id.endswith("X") or True
    variants = _id_variants()

    def id_variants(d: Path) -> Path:
        rows = []
        for i, written in enumerate(variants, start=1):
            row = good_row(kind, i)
            row[column_index(kind, idc)] = written
            if kind == ROSTER:  # the numbers are of a woman born 1990-07-01
                row[2], row[8], row[9] = "女", dt.date(2015, 7, 1), dt.date(2016, 7, 1)
            rows.append(row)
        return file_with(kind, d / "号码写法.xlsx", rows)

    add(Case("id-number-spellings", kind, id_variants, "ok"))

    names = [
        "𠀀𪚥𫝀",
        "王🙂",
        "李\u200b明",
        "  赵  六  ",
        "O'Brien",
        "张" * 200,
        "<b>x</b>",
        "=1+1",
        "\t王五\n",
    ]

    def odd_names(d: Path) -> Path:
        return file_with(
            kind, d / "特殊姓名.xlsx", [good_row(kind, i, name) for i, name in enumerate(names, 1)]
        )

    add(Case("odd-names", kind, odd_names, "any"))

    def huge_cells(d: Path) -> Path:
        rows = [good_row(kind, i) for i in (1, 2, 3, 4)]
        rows[0][1] = "张" * 100_000
        rows[1][column_index(kind, "备注")] = "很长的备注" * 20_000
        rows[2][column_index(kind, date_col)] = "2" * 100_000
        rows[3][column_index(kind, idc)] = "3" * 100_000
        return file_with(kind, d / "超长单元格.xlsx", rows)

    add(Case("huge-cells", kind, huge_cells, "errors", [(2, "姓名"), (4, date_col), (5, idc)]))

    def dates_as_text(d: Path) -> Path:
        rows, _ = _bad_cell_rows(kind, date_col, GOOD_DATE_TEXTS)
        _probationary(kind, rows)
        return file_with(kind, d / "文本日期.xlsx", rows)

    add(Case("dates-as-text", kind, dates_as_text, "ok"))

    def serials(d: Path) -> Path:  # Excel serials typed into a general cell, and as date cells
        values = [46086, RawCell("46086", style=1), RawCell("46086.75", style=1), RawCell("2026-03-05T00:00:00", "d"),
                  RawCell("2026-03-05", "d")]  # fmt: skip
        rows, _ = _bad_cell_rows(kind, date_col, values)
        _probationary(kind, rows)
        return raw_file(kind, d / "序列号日期.xlsx", rows)

    add(Case("excel-serials", kind, serials, "ok"))

    def odd_serials(d: Path) -> Path:  # 1900 leap-year bug (60), day 0, negative, beyond 9999, NaN
        values = [
            RawCell(v, style=1) for v in ("60", "0", "-1", "0.5", "2958466", "99999999", "1e308", "NaN")
        ]
        rows, _ = _bad_cell_rows(kind, date_col, values)
        return raw_file(kind, d / "异常序列号.xlsx", rows)

    add(Case("odd-date-serials", kind, odd_serials, "errors", [(n, date_col) for n in range(2, 10)]))

    def text_in_number_cell(d: Path) -> Path:  # a numeric cell holding text: no program writes that
        rows, _ = _bad_cell_rows(kind, date_col, [RawCell("abc", style=1)])
        return raw_file(kind, d / "数字单元格中的文字.xlsx", rows)

    add(Case("text-in-a-numeric-cell", kind, text_in_number_cell, "refused", says="损坏"))

    def before_1900(d: Path) -> Path:
        rows, _ = _bad_cell_rows(kind, date_col, ["1899-12-31", "1800年1月1日", "0001-01-01", "9999-12-31"])
        return file_with(kind, d / "1900年以前.xlsx", rows)

    add(Case("dates-before-1900", kind, before_1900, "errors", [(n, date_col) for n in range(2, 6)]))

    def date_1904(d: Path) -> Path:
        rows, _ = _bad_cell_rows(kind, date_col, [RawCell("44624", style=1)])  # 2026-03-05 in the 1904 system
        _probationary(kind, rows)
        return raw_xlsx(
            d / "1904.xlsx", [RawSheet("Sheet1", sheet_xml([header(kind), *rows]))], date1904=True
        )

    add(Case("date-1904-system", kind, date_1904, "ok"))

    def errors_in_cells(d: Path) -> Path:
        rows = []
        for i, error in enumerate(EXCEL_ERRORS, start=1):
            row = good_row(kind, i)
            row[column_index(kind, (date_col, "姓名", idc, num_col, "备注", date_col, "姓名")[i - 1])] = (
                RawCell(error, "e", "VLOOKUP(A1,B:C,2,0)")
            )
            rows.append(row)
        return raw_file(kind, d / "错误值.xlsx", rows)

    add(Case("excel-error-values", kind, errors_in_cells, "errors",
             [(2, date_col), (3, "姓名"), (4, idc), (5, num_col), (6, "备注"), (7, date_col), (8, "姓名")]))  # fmt: skip

    def formulas_without_values(d: Path) -> Path:  # openpyxl writes formulas without a cached result
        rows = [good_row(kind, i) for i in (1, 2, 3)]
        rows[0][1] = '="张"&"三"'
        rows[1][column_index(kind, date_col)] = "=DATE(2026,3,5)"
        rows[2][column_index(kind, idc)] = '="350102"&"198503120012"'
        return file_with(kind, d / "公式无值.xlsx", rows)

    add(Case("formulas-without-values", kind, formulas_without_values, "errors",
             [(2, "姓名"), (3, date_col), (4, idc)]))  # fmt: skip

    def formulas_with_values(d: Path) -> Path:  # what Excel saves: the formula and its result
        rows = [good_row(kind, i) for i in (1, 2)]
        rows[0][1] = RawCell("张三", "str", 'CONCAT("张","三")')
        joined = rows[1][column_index(kind, date_col)]
        rows[1][column_index(kind, date_col)] = RawCell(str((joined - dt.date(1899, 12, 30)).days), "n",
                                                        "DATE(2026,3,5)", style=1)  # fmt: skip
        return raw_file(kind, d / "公式有值.xlsx", rows)

    add(Case("formulas-with-values", kind, formulas_with_values, "ok"))

    def booleans(d: Path) -> Path:
        rows = [good_row(kind, i) for i in (1, 2)]
        rows[0][1] = True
        rows[1][column_index(kind, "备注")] = False
        return raw_file(kind, d / "布尔值.xlsx", rows)

    add(Case("booleans", kind, booleans, "any"))

    def no_refs(d: Path) -> Path:  # cells without r="A1" references (some generators omit them)
        return raw_xlsx(
            d / "无引用.xlsx", [RawSheet("Sheet1", sheet_xml([header(kind), good_row(kind, 1)], refs=False))]
        )

    add(Case("cells-without-references", kind, no_refs, "ok"))

    # -- duplicates
    def duplicate_ids(d: Path) -> Path:
        rows = [good_row(kind, 1), good_row(kind, 2), good_row(kind, 1, "另一个人")]
        return file_with(kind, d / "号码重复.xlsx", rows)

    add(Case("duplicate-id-numbers", kind, duplicate_ids, "errors", [(2, idc), (4, idc)]))

    def duplicate_ids_spelled(d: Path) -> Path:  # the same number once plain, once full-width with spaces
        first = good_row(kind, 7)
        second = good_row(kind, 7, "另一个人")
        second[column_index(kind, idc)] = " ".join(_fullwidth(first[column_index(kind, idc)]))
        return file_with(kind, d / "号码写法不同但重复.xlsx", [first, second])

    add(
        Case(
            "duplicate-id-numbers-spelled-differently",
            kind,
            duplicate_ids_spelled,
            "errors",
            [(2, idc), (3, idc)],
        )
    )

    # -- sheets
    def hidden_first(d: Path) -> Path:
        return two_sheets(d / "隐藏表在前.xlsx", ("隐藏", [["这里不是数据"]], "hidden"),
                          ("数据", [header(kind), good_row(kind, 1)]))  # fmt: skip

    add(Case("hidden-sheet-first", kind, hidden_first, "ok"))

    def chart_first(d: Path) -> Path:
        data = RawSheet("数据", sheet_xml([header(kind), good_row(kind, 1)]))
        return raw_xlsx(d / "图表在前.xlsx", [RawSheet("图表1", _CHART, kind="chartsheet"), data])

    add(Case("chart-sheet-first", kind, chart_first, "ok"))

    def only_chart(d: Path) -> Path:
        return raw_xlsx(d / "只有图表.xlsx", [RawSheet("图表1", _CHART, kind="chartsheet")])

    add(Case("only-a-chart-sheet", kind, only_chart, "refused", says="只有图表"))

    def all_hidden(d: Path) -> Path:
        return raw_xlsx(
            d / "全部隐藏.xlsx", [RawSheet("数据", sheet_xml([header(kind), good_row(kind, 1)]), "hidden")]
        )

    add(Case("all-sheets-hidden", kind, all_hidden, "ok"))

    def empty_preferred(d: Path) -> Path:  # the sheet with the expected name is empty, data elsewhere
        name = "党员花名册" if kind == ROSTER else "发展党员工作台账"
        return two_sheets(
            d / "空表.xlsx", (name, [], "visible"), ("Sheet2", [header(kind), good_row(kind, 1)])
        )

    add(Case("named-sheet-empty", kind, empty_preferred, "refused"))

    def broken_sheet_xml(d: Path) -> Path:
        good = sheet_xml([header(kind), good_row(kind, 1), good_row(kind, 2)])
        return raw_xlsx(d / "表格损坏.xlsx", [RawSheet("Sheet1", good[: len(good) * 2 // 3])])

    add(Case("broken-sheet-xml", kind, broken_sheet_xml, "refused", says="损坏"))

    def broken_late(d: Path) -> Path:  # the damage after many good rows (the reader has started)
        good = sheet_xml([header(kind), *(good_row(kind, i) for i in range(1, 200))])
        return raw_xlsx(d / "后部损坏.xlsx", [RawSheet("Sheet1", good[: len(good) - 200] + "<<<")])

    add(Case("broken-sheet-xml-late", kind, broken_late, "refused", says="损坏"))

    def bad_shared_string(d: Path) -> Path:
        xml = sheet_xml([header(kind), good_row(kind, 1)]).replace(
            '<c r="B2" t="inlineStr"><is><t>', '<c r="B2" t="s"><v>99</v><is><t>', 1
        )
        return raw_xlsx(d / "共享字符串.xlsx", [RawSheet("Sheet1", xml)])

    add(Case("shared-string-out-of-range", kind, bad_shared_string, "refused", says="损坏"))

    def bad_style(d: Path) -> Path:
        xml = sheet_xml([header(kind), good_row(kind, 1)]).replace('<c r="A2"', '<c r="A2" s="abc"', 1)
        return raw_xlsx(d / "样式.xlsx", [RawSheet("Sheet1", xml)])

    add(Case("bad-style-index", kind, bad_style, "refused", says="损坏"))

    def bad_row_number(d: Path) -> Path:
        xml = sheet_xml([header(kind), good_row(kind, 1)]).replace('<row r="2">', '<row r="x2">', 1)
        return raw_xlsx(d / "行号.xlsx", [RawSheet("Sheet1", xml)])

    add(Case("bad-row-number", kind, bad_row_number, "refused", says="损坏"))

    def huge_row_number(d: Path) -> Path:
        xml = sheet_xml([header(kind), good_row(kind, 1)]).replace('<row r="2">', '<row r="1048577">', 1)
        return raw_xlsx(d / "行号超大.xlsx", [RawSheet("Sheet1", xml)])

    add(Case("row-number-beyond-excel", kind, huge_row_number, "any"))

    def huge_column(d: Path) -> Path:  # a reference far beyond XFD: must not build a million-cell row
        xml = sheet_xml([header(kind), good_row(kind, 1)]).replace("</row></sheetData>",
                                                                   '<c r="ZZZZZZ2"><v>1</v></c></row></sheetData>')  # fmt: skip
        return raw_xlsx(d / "列号超大.xlsx", [RawSheet("Sheet1", xml)])

    add(Case("column-beyond-excel", kind, huge_column, "refused", says="超出 Excel 范围"))

    def entity_bomb(d: Path) -> Path:  # a DTD with nested entities (billion laughs, kept small)
        entities = '<!ENTITY a0 "哈哈">' + "".join(
            f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 8)
        )
        bomb = (
            f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>&a7;</t>'
            "</is></c></row></sheetData></worksheet>"
        )
        return raw_xlsx(d / "实体.xlsx", [RawSheet("Sheet1", bomb)])

    add(Case("xml-entities", kind, entity_bomb, "any"))

    # -- rows in the database already (the tests add the person first; see test_corpus)
    def already_there(d: Path) -> Path:
        return file_with(kind, d / "已存在.xlsx", [good_row(kind, 1), good_row(kind, 2)])

    add(Case("already-in-database", kind, already_there, "ok"))
    return out


def _probationary(kind: str, rows: list[list]) -> None:
    """Roster rows joined on 2026-03-05 (the dates tried): probationary members, not converted yet."""
    if kind == ROSTER:
        for row in rows:
            row[column_index(kind, "人员类别")] = "预备党员"
            row[column_index(kind, "转正时间")] = None


def all_cases() -> Iterator[Case]:
    for kind in KINDS:
        yield from cases(kind)


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _id_variants() -> list[str]:
    """One valid number with an X check digit written eight ways (each row a different person)."""
    out = []
    seq = 1
    while len(out) < 8:
        number = make_citizen_id("110105", dt.date(1990, 7, 1), seq, "女")
        seq += 1
        if not number.endswith("X"):
            continue
        out.append(number)
    spellings = [
        out[0].lower(),
        _fullwidth(out[1]),
        " " + out[2][:6] + " " + out[2][6:14] + " " + out[2][14:] + " ",
        out[3][:5] + "\u200b" + out[3][5:] + "\ufeff",
        "\u3000" + out[4] + "\u3000",
        out[5][:-1] + "ｘ",
        out[6] + "\n",
        "'" + out[7],  # an apostrophe typed to keep Excel from turning the number into a float
    ]
    return spellings


def _encrypted_ooxml() -> bytes:
    """An OLE compound file as Excel writes an encrypted .xlsx (EncryptionInfo + EncryptedPackage).

    Built with the smallest valid layout: one FAT sector, one directory sector, a mini stream.
    """
    sector = 512
    streams = {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\x00" * 56,
               "EncryptedPackage": b"\x00" * 64}  # fmt: skip
    # regular stream sectors (each stream padded to whole sectors; above the 4096 mini cut-off is not needed:
    # readers only look at the directory names)
    data = b""
    starts = {}
    next_sector = 2  # 0: FAT, 1: directory
    for name, content in streams.items():
        starts[name] = next_sector
        padded = content + b"\x00" * (-len(content) % sector)
        data += padded
        next_sector += len(padded) // sector
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    for name, content in streams.items():
        count = -(-len(content) // sector)
        first = starts[name]
        fat += [first + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))

    def entry(
        name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF
    ) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        out = encoded + b"\x00" * (64 - len(encoded))
        out += len(encoded).to_bytes(2, "little") + bytes([kind, 1])
        out += (0xFFFFFFFF).to_bytes(4, "little") + right.to_bytes(4, "little") + child.to_bytes(4, "little")
        out += b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
        out += start.to_bytes(4, "little") + size.to_bytes(4, "little") + b"\x00" * 4
        return out

    names = list(streams)
    directory = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    directory += entry(names[0], 2, starts[names[0]], 4096, right=2)  # size ≥ 4096: a regular stream
    directory += entry(names[1], 2, starts[names[1]], 4096)
    directory += b"\x00" * (sector - len(directory))
    head = bytearray(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16)
    head += (0x3E).to_bytes(2, "little") + (3).to_bytes(2, "little") + b"\xfe\xff"
    head += (9).to_bytes(2, "little") + (6).to_bytes(2, "little") + b"\x00" * 6
    head += (0).to_bytes(4, "little") + (1).to_bytes(4, "little") + (1).to_bytes(4, "little")
    head += (
        b"\x00" * 4
        + (4096).to_bytes(4, "little")
        + (0xFFFFFFFE).to_bytes(4, "little")
        + (0).to_bytes(4, "little")
    )
    head += (0xFFFFFFFE).to_bytes(4, "little") + (0).to_bytes(4, "little")
    head += (0).to_bytes(4, "little") + b"\xff\xff\xff\xff" * 108
    fat_bytes = b"".join(v.to_bytes(4, "little") for v in fat)
    return bytes(head) + fat_bytes + directory + data


def _corrupt_member(source: Path, target: Path, member: str) -> None:
    """Copy a zip, replacing one member's compressed data by garbage of the same length (CRC fails)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = data[: len(data) // 2]  # cut short: the XML ends in the middle of a row
            out.writestr(info, data)
    target.write_bytes(buffer.getvalue())
