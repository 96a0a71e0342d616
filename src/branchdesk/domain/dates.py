"""Date arithmetic for the rules (domain.md §2 "Dates"), working days, and Chinese date text.

* A month is a calendar month with month-end clamping: 31 Jan + 1 month = 28/29 Feb.
* Working days skip weekends and official holidays and include make-up working days (调休).
  The official schedule comes from the ``chinese_calendar`` package (imported on first use) and can
  be amended with a :class:`HolidayCalendar`; for years the package does not know, plain Monday to
  Friday is used and :meth:`HolidayCalendar.fallback_years` tells the caller so it can warn.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as _dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

__all__ = [
    "HolidayCalendar",
    "add_months",
    "add_working_days",
    "add_years",
    "age_on",
    "calendar_years_known",
    "format_date",
    "format_year_month",
    "get_default_calendar",
    "is_working_day",
    "parse_date_loose",
    "set_default_calendar",
    "working_days_between",
]

date = _dt.date


# --------------------------------------------------------------------------- calendar months


def add_months(d: date, n: int) -> date:
    """Add ``n`` calendar months (negative goes back), clamping to the last day of the target month.

    2025-01-31 + 1 → 2025-02-28; 2024-01-31 + 1 → 2024-02-29; 2025-03-31 − 1 → 2025-02-28.
    """
    years, month0 = divmod(d.month - 1 + n, 12)
    year, month = d.year + years, month0 + 1
    return date(year, month, min(d.day, _stdcal.monthrange(year, month)[1]))


def add_years(d: date, n: int) -> date:
    """Add ``n`` years; 29 February becomes 28 February in a common year (2024-02-29 + 1 → 2025-02-28)."""
    return add_months(d, 12 * n)


def age_on(birth: date, on: date) -> int:
    """Age in full years (周岁) on the date ``on``.

    A birthday is reached on the day itself. Someone born on 29 February reaches a birthday on
    1 March in common years, not on 28 February: born 2008-02-29 → 17 on 2026-02-28, 18 on
    2026-03-01. (For DEV-AGE an application dated on the 18th birthday is valid.) When ``on`` is
    before ``birth`` the result is negative, so an impossible date still fails an age check.
    """
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(before_birthday)


# --------------------------------------------------------------------------- working days


@cache
def _builtin_years() -> range:
    """Years covered by the installed chinese_calendar data (e.g. 2004–2026)."""
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - the package is a dependency
        return range(0)
    known = [d.year for d in constants.holidays] + [d.year for d in constants.workdays]
    return range(min(known), max(known) + 1) if known else range(0)


def _builtin_is_workday(d: date) -> bool | None:
    """chinese_calendar's answer, or None when it has no data for the year."""
    if d.year not in _builtin_years():
        return None
    from chinese_calendar import constants

    # chinese_calendar.is_workday's own rule, read from its tables directly: its date validation
    # scans every holiday on each call (a tenth of a `branchdesk check` over 5,000 dossiers).
    return d in constants.workdays or (d.weekday() <= 4 and d not in constants.holidays)


@dataclass
class HolidayCalendar:
    """Working-day calendar: the official schedule plus local amendments.

    ``holidays`` are extra days off and ``workdays`` extra working days (e.g. a newly published
    调休 Saturday); both take precedence over the built-in data. With ``use_builtin=False`` only the
    amendments and Monday–Friday count. A year is "known" when the built-in data covers it or when
    the amendments contain at least one date in it (i.e. someone entered that year's schedule).
    """

    holidays: set[date] = field(default_factory=set)
    workdays: set[date] = field(default_factory=set)
    use_builtin: bool = True

    def __post_init__(self) -> None:
        self.holidays = set(self.holidays)
        self.workdays = set(self.workdays)
        clash = self.holidays & self.workdays
        if clash:
            days = "、".join(format_date(d) for d in sorted(clash))
            raise ValueError(f"以下日期既被设为节假日又被设为工作日：{days}")

    def add_holiday(self, d: date) -> None:
        self.workdays.discard(d)
        self.holidays.add(d)

    def add_workday(self, d: date) -> None:
        self.holidays.discard(d)
        self.workdays.add(d)

    def builtin_years(self) -> range:
        return _builtin_years() if self.use_builtin else range(0)

    def is_year_known(self, year: int) -> bool:
        if year in self.builtin_years():
            return True
        return any(d.year == year for d in self.holidays) or any(d.year == year for d in self.workdays)

    def fallback_years(self, start: date, end: date) -> list[int]:
        """Years between ``start`` and ``end`` (either order) judged by plain Monday–Friday."""
        lo, hi = sorted((start.year, end.year))
        return [y for y in range(lo, hi + 1) if not self.is_year_known(y)]

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        if self.use_builtin:
            answer = _builtin_is_workday(d)
            if answer is not None:
                return answer
        return d.weekday() < 5

    def add_working_days(self, d: date, n: int) -> date:
        """The date ``n`` working days after ``d`` (before it if ``n`` < 0); ``d`` itself is not counted.

        ``n`` = 0 returns ``d`` unchanged even if it is not a working day.
        """
        step = _dt.timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days from ``start`` to ``end``, BOTH ends included; 0 when ``end`` < ``start``.

        A publicity period Monday to Friday of an ordinary week counts 5.
        """
        count = 0
        d = start
        while d <= end:
            count += self.is_working_day(d)
            d += _dt.timedelta(days=1)
        return count


_default_calendar = HolidayCalendar()


def get_default_calendar() -> HolidayCalendar:
    return _default_calendar


def set_default_calendar(cal: HolidayCalendar) -> None:
    """Install the calendar used when no ``calendar`` argument is given (e.g. with amendments from settings)."""
    global _default_calendar
    _default_calendar = cal


def calendar_years_known(calendar: HolidayCalendar | None = None) -> range:
    """Years for which the built-in official holiday data is available (e.g. range(2004, 2027))."""
    return (calendar or _default_calendar).builtin_years()


def is_working_day(d: date, calendar: HolidayCalendar | None = None) -> bool:
    return (calendar or _default_calendar).is_working_day(d)


def add_working_days(d: date, n: int, calendar: HolidayCalendar | None = None) -> date:
    """See :meth:`HolidayCalendar.add_working_days`."""
    return (calendar or _default_calendar).add_working_days(d, n)


def working_days_between(start: date, end: date, calendar: HolidayCalendar | None = None) -> int:
    """See :meth:`HolidayCalendar.working_days_between` (both ends included)."""
    return (calendar or _default_calendar).working_days_between(start, end)


# --------------------------------------------------------------------------- text


def format_date(d: date) -> str:
    """2026-11-23 → "2026年11月23日" (no zero padding, as in official documents)."""
    return f"{d.year}年{d.month}月{d.day}日"


def format_year_month(d: date) -> str:
    """2026-11-23 → "2026年11月"."""
    return f"{d.year}年{d.month}月"


_MIN_YEAR, _MAX_YEAR = 1900, 2100
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = (date(_MAX_YEAR, 12, 31) - _EXCEL_EPOCH).days

_TIME_PART = re.compile(r"(?<=[\d日])(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_FULL = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})[-/.年](\d{1,2})月?")
_COMPACT_YEAR_MONTH = re.compile(r"(\d{4})(\d{2})")


def _invalid(value: object) -> ValueError:
    return ValueError(f"无法识别的日期“{value}”，请使用 2026-11-23、2026年11月23日 或 2026年11月 等格式")


def _build(value: object, year: int, month: int, day: int) -> date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueError(f"日期“{value}”的年份超出范围（{_MIN_YEAR}–{_MAX_YEAR}）")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{value}”不存在（月份或日期超出范围）") from None


def _from_number(value: float) -> tuple[date, bool]:
    """(date, True if only year and month were given) for a numeric cell."""
    if not math.isfinite(value):
        raise _invalid(value)
    whole = int(value)
    if value != whole and _MIN_YEAR <= whole <= _MAX_YEAR:
        # A cell typed as "1985.06" (出生年月) that Excel stored as the number 1985.06.
        fraction = repr(float(value)).split(".")[1]
        if fraction == "1":
            raise ValueError(
                f"日期“{value}”有歧义：可能是 {whole}年1月，也可能是 {whole}年10月"
                "（Excel 会去掉 10 月末尾的 0），请把单元格设为文本后重新填写"
            )
        if len(fraction) > 2:
            raise _invalid(value)
        return _build(value, whole, int(fraction), 1), True
    if value == whole and 10_000_000 <= whole <= 99_999_999:
        return _build(value, whole // 10_000, whole // 100 % 100, whole % 100), False
    if value == whole and 100_000 <= whole <= 999_999:
        return _build(value, whole // 100, whole % 100, 1), True
    if _MIN_YEAR <= whole <= _MAX_YEAR:
        raise ValueError(f"日期“{value}”只有年份，缺少月份")
    if 1 <= whole <= _EXCEL_MAX_SERIAL and whole != 60:
        # Excel's 1900 date system (serial 1 = 1900-01-01); serial 60 is the non-existent 1900-02-29.
        offset = whole if whole > 60 else whole + 1
        return _EXCEL_EPOCH + _dt.timedelta(days=offset), False
    raise _invalid(value)


def _partial(value: object, allow_year_month: bool) -> None:
    if not allow_year_month:
        raise ValueError(f"日期“{value}”缺少日，请填写完整的年月日")


def parse_date_loose(value: object, *, allow_year_month: bool = True) -> date:
    """Read a date from a roster cell or form field.

    Accepts ``date``/``datetime`` objects; Excel serial numbers (1900 date system, the time of day is
    dropped); numbers typed as dates (20261123, 202611, 2026.11 — but 2026.1 is refused as ambiguous,
    January or October); and strings "2026-11-23", "2026/11/23", "2026.11.23", "2026年11月23日",
    "20261123" (an ISO time part is ignored). Year-month forms ("2026-11", "2026年11月", "2026.11",
    "202611", common for 出生年月) give the first of the month unless ``allow_year_month`` is false.
    Full-width digits and spaces are tolerated; years must lie in 1900–2100. Raises ``ValueError``
    with a Chinese message otherwise.
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _invalid(value)
    if isinstance(value, int | float):
        result, partial = _from_number(value)
        if partial:
            _partial(value, allow_year_month)
        return result
    if not isinstance(value, str):
        raise _invalid(value)
    text = _TIME_PART.sub("", unicodedata.normalize("NFKC", value).strip())
    text = "".join(text.split())
    if not text:
        raise ValueError("日期不能为空")
    if m := _FULL.fullmatch(text) or _COMPACT.fullmatch(text):
        return _build(value, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _YEAR_MONTH.fullmatch(text) or _COMPACT_YEAR_MONTH.fullmatch(text):
        _partial(value, allow_year_month)
        return _build(value, int(m.group(1)), int(m.group(2)), 1)
    raise _invalid(value)
