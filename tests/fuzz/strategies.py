"""Hypothesis strategies for import sheets: valid people written the many ways offices write them, and
garbage (any cell type Excel can hold, and some it cannot) dropped into random columns.

A sheet is drawn as a list of rows (the header first) of plain values and :class:`corpus.RawCell`,
written by :func:`corpus.raw_xlsx` so that error values, formulas with and without results, date
cells and booleans are what a real file holds.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from branchdesk.domain.citizen_id import make_citizen_id

from . import corpus
from .corpus import ROSTER, RawCell, _fullwidth

TODAY = dt.date(2026, 11, 23)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志海波辉文斌宁"


def person_name(seq: int) -> str:
    """A distinct two- or three-character name for each seq (0 … 2,000)."""
    surname = _SURNAMES[seq % len(_SURNAMES)]
    rest = seq // len(_SURNAMES)
    given = _GIVEN[rest % len(_GIVEN)]
    if rest >= len(_GIVEN):
        given += _GIVEN[(rest // len(_GIVEN)) % len(_GIVEN)]
    return surname + given


# ---- cells written in the ways people write them -------------------------------------------------


def date_written(day: dt.date) -> st.SearchStrategy:
    """The same date as a date cell, a datetime cell, an Excel serial in a date cell, or text."""
    return st.sampled_from(
        [
            day,
            dt.datetime(day.year, day.month, day.day),
            RawCell(repr(corpus.excel_serial(day)), style=1),
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.year}.{day.month}.{day.day}",
            f"{day.year}年{day.month}月{day.day}日",
            f"{day:%Y%m%d}",
            int(f"{day:%Y%m%d}"),
            _fullwidth(day.isoformat()),
            f" {day.isoformat()} 00:00:00",
            RawCell(day.isoformat() + "T00:00:00", "d"),
        ]
    )


def id_written(number: str) -> st.SearchStrategy:
    return st.sampled_from(
        [number, number.lower(), _fullwidth(number), f" {number} ", number[:6] + "\u200b" + number[6:],
         "\ufeff" + number, "'" + number, f"{number[:6]} {number[6:14]} {number[14:]}"]
    )  # fmt: skip


def name_written(name: str) -> st.SearchStrategy:
    return st.sampled_from([name, f" {name} ", name + "\u200b", "\u3000" + name])


# ---- garbage ------------------------------------------------------------------------------------

_TRICKY = [
    "", " ", "\u3000", "-", "/", "无", "N/A", "#N/A", "是", "否", "男", "女", "正式党员", "预备", "0", "00", "-0",
    "1e5", "1E400", "NaN", "inf", "-inf", "1,000", "１２３", "2026-02-29", "2025-02-29", "1900-02-29", "0000-00-00",
    "2026年", "2026-3", "2026.1", "1985.03", "20260230", "19000101", "21001231", "21010101", "3/5/2026",
    "2026/13/1", "十二月", "昨天", "=1+1", "+86 138 0013 8000", "13800138000", "0591-87654321", "12.345",
    "¥12.50", "12元", "-12", "350102198503120012", "35010219850312001X", "35010219850312001x",
    "\u200b", "\ufeff", "\u202e反转", "𠀀𪚥", "🙂", "<b>x</b>", "&amp;", "]]>", "\\", "'", '"', "%s", "{0}",
    "None", "null", "True", "FALSE", "应到17、实到15、赞成14", "赞成1、反对0、弃权0", "2024-06-04至2024-06-11",
    "2023-12-01 表现良好", "延长6个月", "张华（2023-06-05）、刘芳（非正式党员）", "张华（留党察看）",
    "本人撤回申请（2025-01-01）", "示例", "合格", "不合格", "（未通过）",
]  # fmt: skip
_XML_SAFE = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_TEXT = st.text(_XML_SAFE, max_size=40)


def garbage() -> st.SearchStrategy:
    """Anything a cell may hold, and more."""
    return st.one_of(
        st.none(),
        st.sampled_from(_TRICKY),
        _TEXT,
        st.integers(-(10**20), 10**20),
        st.integers(0, 99_999_999),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
        st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2200, 1, 1)),
        st.sampled_from(corpus.EXCEL_ERRORS).map(lambda e: RawCell(e, "e", "A1/0")),
        st.just(RawCell(None, "n", "SUM(A1:A2)")),  # a formula saved without its result
        _TEXT.map(lambda t: RawCell(t, "str", "A1")),  # a formula with its (text) result
        st.floats(-1e6, 3e6, allow_nan=False).map(
            lambda f: RawCell(repr(f), style=1)
        ),  # any serial as a date
        st.integers(1, 200_000).map(lambda n: "很" * n),
    )


# ---- sheets -------------------------------------------------------------------------------------


@dataclass
class Sheet:
    kind: str
    rows: list[list]  # the header first
    valid: bool  # every data row was drawn valid

    @property
    def last_row(self) -> int:
        return len(self.rows)

    def write(self, folder: Path) -> Path:
        path = folder / ("花名册.xlsx" if self.kind == ROSTER else "发展台账.xlsx")
        sheet = corpus.RawSheet("Sheet1", corpus.sheet_xml(self.rows))
        return corpus.raw_xlsx(path, [sheet])


@st.composite
def roster_row(draw, seq: int) -> list:
    """A valid roster row (a full member), written one of the ways people write it."""
    born = draw(st.dates(dt.date(1940, 1, 1), dt.date(2000, 12, 31)), label="born")
    sex = draw(st.sampled_from(["男", "女"]), label="sex")
    number = make_citizen_id("350102", born, seq % 500, sex)
    joined = draw(st.dates(dt.date(born.year + 19, 1, 1), dt.date(2024, 12, 31)), label="joined")
    with_id = draw(st.booleans(), label="with_id") or seq % 3 == 0
    row = [None] * len(corpus.ROSTER_HEADER)
    row[0] = seq
    row[1] = draw(name_written(person_name(seq)))
    row[2] = draw(st.sampled_from([sex, None])) if with_id else sex
    row[3] = draw(st.sampled_from(["汉族", "汉", "回族", None]))
    row[4] = draw(id_written(number)) if with_id else None
    row[5] = draw(st.one_of(st.none(), date_written(born))) if with_id else draw(date_written(born))
    row[6] = draw(st.sampled_from(["正式党员", "正式", None]))
    row[7] = draw(st.sampled_from(["第一党小组", "第二党小组", "新的党小组", None]))
    row[8] = draw(date_written(joined))
    converted = joined + (dt.date(joined.year + 1, 3, 1) - dt.date(joined.year, 3, 1))  # a year later
    row[9] = draw(date_written(converted))
    row[10] = draw(st.sampled_from([f"139{seq:08d}", f"139 {seq:04d} {seq:04d}", None]))
    row[11] = draw(st.sampled_from(["12.50", 12.5, 12, "¥8", None, "0"]))
    row[12] = draw(st.sampled_from(["", "备注", None]))
    return row


@st.composite
def development_row(draw, seq: int) -> list:
    """A valid ledger row (imports accept rule violations: any dates will do, votes need their meeting)."""
    born = draw(st.dates(dt.date(1960, 1, 1), dt.date(2005, 12, 31)), label="born")
    number = make_citizen_id("110105", born, seq % 500, draw(st.sampled_from(["男", "女"])))
    with_id = draw(st.booleans(), label="with_id") or seq % 3 == 0
    day = st.dates(dt.date(2000, 1, 1), dt.date(2026, 11, 1))
    row = [None] * len(corpus.DEV_HEADER)
    row[0] = seq
    row[1] = draw(name_written(person_name(seq)))
    row[2] = draw(id_written(number)) if with_id else None
    for index in (3, 4, 6, 7):  # 递交申请书日期, 谈话日期, 确定积极分子日期, 确定发展对象日期
        row[index] = draw(st.one_of(st.none(), day.flatmap(date_written)))
    row[5] = draw(st.sampled_from(["李书记", "李书记、王委员", None])) if row[4] is not None else None
    if draw(st.booleans(), label="voted"):
        expected = draw(st.integers(3, 60))
        present = draw(st.integers(0, expected))
        row[8] = draw(day.flatmap(date_written))
        row[9], row[10] = expected, draw(st.sampled_from([present, f"{present}人", str(present)]))
        row[11] = draw(st.integers(0, present))
    row[12] = None  # 培训学时 needs the 集中培训时间 column, which this ledger leaves out
    row[13] = draw(st.sampled_from(["", "备注", None]))
    return row


def _row(kind: str, seq: int):
    return roster_row(seq) if kind == ROSTER else development_row(seq)


@st.composite
def sheets(draw, kind: str, *, valid_only: bool = False, max_rows: int = 8) -> Sheet:
    """A header (maybe with unknown columns, maybe shuffled) and rows: valid people, some spoiled."""
    count = draw(st.integers(0 if not valid_only else 1, max_rows), label="rows")
    first = draw(st.integers(1, 490), label="first_seq")
    rows = [draw(_row(kind, first + i)) for i in range(count)]
    header = corpus.header(kind)
    if not valid_only:
        for row in rows:
            spoiled = draw(
                st.lists(st.integers(0, len(header) - 1), max_size=3, unique=True), label="spoiled"
            )
            for index in spoiled:
                row[index] = draw(garbage(), label=f"cell {header[index]}")
        if draw(st.booleans(), label="duplicate") and rows:  # a person written twice
            rows.append(list(draw(st.sampled_from(rows))))
        if draw(st.integers(0, 9), label="blank rows") == 0:
            rows.insert(draw(st.integers(0, len(rows))), [None] * len(header))
    order = list(range(len(header)))
    if draw(st.booleans(), label="shuffled"):
        order = draw(st.permutations(order))
    extra = draw(st.lists(st.sampled_from(["爱好", "身高", "", "其他"]), max_size=2), label="extra columns")
    head = [header[i] for i in order] + extra
    body = [
        [row[i] for i in order] + [draw(garbage()) if not valid_only else None for _ in extra] for row in rows
    ]
    return Sheet(kind, [head, *body], valid_only)


# ---- a database per example ---------------------------------------------------------------------


class Scratch:
    """A folder and a copy of the template database for one example (hypothesis runs many examples in
    one test, so function-scoped fixtures cannot give each its own)."""

    def __init__(self, template: Path):
        self.folder = Path(tempfile.mkdtemp(prefix="bd-fuzz-"))
        shutil.copyfile(template, self.folder / "branchdesk.sqlite")
        from branchdesk.db.engine import Database

        self.db = Database(f"sqlite:///{self.folder / 'branchdesk.sqlite'}", user="测试用户")

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, *exc) -> None:
        self.db.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)
