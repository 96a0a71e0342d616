"""Dates as precise as the paper: "2008", "2008年9月", "1999.03" or a full day.

A roster's 出生年月 or an old 入党时间 often gives only a year and a month; a branch's founding date
may be known only to the year. A :class:`PartialDate` keeps what was written: its ``precision``
(year, month or day) and the first day of that period. It is stored as two columns, the date (the
first day, so that sorting and SQL comparisons still work) and the precision, and printed as given
("2008年9月", never "2008年9月1日").

Rules read a partial date as the range :attr:`PartialDate.first` … :attr:`PartialDate.last`: a
finding that holds for every day of the range is a finding, one that holds for none is not, and one
that depends on the unknown day says so (:func:`unknown_day_note`).
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from branchdesk.domain.dates import format_date, parse_date_loose

__all__ = [
    "PartialDate",
    "Precision",
    "parse_partial_date",
    "partial_text",
    "unknown_day_note",
]


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"

    @property
    def label(self) -> str:
        return {"year": "年", "month": "月", "day": "日"}[self.value]


def _precision(value: str | Precision | None) -> Precision:
    if not value:
        return Precision.DAY
    try:
        return Precision(value)
    except ValueError:
        return Precision.DAY


@dataclass(frozen=True, order=True)
class PartialDate:
    """A year, a year and month, or a day. ``first`` is the stored date (the first day of the period)."""

    first: _dt.date
    precision: Precision = Precision.DAY

    def __post_init__(self) -> None:
        precision = _precision(self.precision)
        first = self.first
        if precision is Precision.YEAR:
            first = first.replace(month=1, day=1)
        elif precision is Precision.MONTH:
            first = first.replace(day=1)
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "first", first)

    @classmethod
    def stored(cls, value: _dt.date | None, precision: str | None) -> PartialDate | None:
        """From the two stored columns (None when the date is empty; an unknown precision is a day)."""
        return None if value is None else cls(value, _precision(precision))

    @classmethod
    def of(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
        if month is None:
            return cls(_dt.date(year, 1, 1), Precision.YEAR)
        if day is None:
            return cls(_dt.date(year, month, 1), Precision.MONTH)
        return cls(_dt.date(year, month, day), Precision.DAY)

    @property
    def exact(self) -> bool:
        return self.precision is Precision.DAY

    @property
    def last(self) -> _dt.date:
        """The last day the date may stand for (the date itself when it is exact)."""
        d = self.first
        if self.precision is Precision.YEAR:
            return d.replace(month=12, day=31)
        if self.precision is Precision.MONTH:
            return d.replace(day=_stdcal.monthrange(d.year, d.month)[1])
        return d

    @property
    def text(self) -> str:
        """As written on paper: "2008年", "2008年9月", "2008年9月20日"."""
        d = self.first
        if self.precision is Precision.YEAR:
            return f"{d.year}年"
        if self.precision is Precision.MONTH:
            return f"{d.year}年{d.month}月"
        return format_date(d)

    @property
    def iso(self) -> str:
        """Form text: "2008", "2008-09", "2008-09-20"."""
        d = self.first
        if self.precision is Precision.YEAR:
            return f"{d.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{d.year:04d}-{d.month:02d}"
        return d.isoformat()

    @property
    def cell(self) -> _dt.date | str:
        """For a ledger cell: the date itself when exact, else the text as written ("1999年3月")."""
        return self.first if self.exact else self.text

    def contains(self, day: _dt.date) -> bool:
        return self.first <= day <= self.last

    def __str__(self) -> str:
        return self.text


_YEAR_ONLY = re.compile(r"(\d{4})年?")


def parse_partial_date(value: object, *, allow_year: bool = True) -> PartialDate:
    """Read a date as precise as it was written.

    "2008" / "2008年" → the year 2008 (unless ``allow_year`` is false); "2008年9月", "2008.9", "2008-09",
    "1999.03", "202605" and the number 1999.03 → that month; everything
    :func:`branchdesk.domain.dates.parse_date_loose` reads as a full day → that day. ``ValueError`` with a
    Chinese message otherwise.
    """
    if isinstance(value, _dt.datetime):
        return PartialDate(value.date())
    if isinstance(value, _dt.date):
        return PartialDate(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        if not allow_year:
            raise ValueError(f"日期“{value}”只有年份，缺少月份")
        return PartialDate.of(value)
    if isinstance(value, float) and value.is_integer() and 1900 <= value <= 2100:
        return parse_partial_date(int(value), allow_year=allow_year)
    if isinstance(value, str):
        text = "".join(unicodedata.normalize("NFKC", value).split())
        if m := _YEAR_ONLY.fullmatch(text):
            year = int(m.group(1))
            if not 1900 <= year <= 2100:
                raise ValueError(f"日期“{value}”的年份超出范围（1900–2100）")
            if not allow_year:
                raise ValueError(f"日期“{value}”只有年份，缺少月份")
            return PartialDate.of(year)
    day_precise = parse_date_loose(value, allow_year_month=False) if _is_full(value) else None
    if day_precise is not None:
        return PartialDate(day_precise)
    # parse_date_loose gives the first of the month for a year-month form; anything else raises there
    return PartialDate(parse_date_loose(value, allow_year_month=True), Precision.MONTH)


def _is_full(value: object) -> bool:
    """True when ``value`` reads as a full day (parse_date_loose with the day required)."""
    try:
        parse_date_loose(value, allow_year_month=False)
    except ValueError:
        return False
    return True


def birth_cell(person) -> _dt.date | str | None:
    """A person's birth date for a ledger cell, as precise as recorded: a dossier's ``Person``
    (``birth_precision``) or a member record (``birth_date_precision``)."""
    precision = getattr(person, "birth_precision", None) or getattr(person, "birth_date_precision", "day")
    value = PartialDate.stored(person.birth_date, precision)
    return value.cell if value is not None else None


def partial_text(value: _dt.date | None, precision: str | None = None) -> str:
    """A stored date and its precision as printed ("" when empty)."""
    p = PartialDate.stored(value, precision)
    return p.text if p is not None else ""


def unknown_day_note(what: str, value: PartialDate) -> str:
    """The sentence a finding adds when it depends on the day the paper does not give."""
    unit = "日" if value.precision is Precision.MONTH else "月、日"
    return f"（{what}只记载到{value.text}，是否符合规定取决于具体{unit}；请补录准确日期后复核。）"
