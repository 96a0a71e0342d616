"""Dates as the rules count them: calendar months, full years of age, and official working days."""

import datetime as dt
from datetime import date

import pytest

from branchdesk.domain.dates import (
    HolidayCalendar,
    add_months,
    add_working_days,
    add_years,
    age_on,
    calendar_years_known,
    format_date,
    format_year_month,
    get_default_calendar,
    is_working_day,
    parse_date_loose,
    set_default_calendar,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 15), 1, date(2025, 2, 15)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2026, 1, 31), -13, date(2024, 12, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 5, 20), 0, date(2025, 5, 20)),
    ],
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_years_from_leap_day() -> None:
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert add_years(date(2025, 10, 9), -1) == date(2024, 10, 9)


def test_probation_of_one_year_from_the_general_meeting() -> None:
    meeting = date(2025, 6, 30)
    assert add_years(meeting, 1) == date(2026, 6, 30)


def test_age_on_birthday_and_day_before() -> None:
    birth = date(2008, 7, 1)
    assert age_on(birth, date(2026, 6, 30)) == 17
    assert age_on(birth, date(2026, 7, 1)) == 18


def test_leap_day_birth_turns_18_on_first_of_march() -> None:
    birth = date(2008, 2, 29)
    assert age_on(birth, date(2026, 2, 28)) == 17
    assert age_on(birth, date(2026, 3, 1)) == 18
    assert age_on(birth, date(2028, 2, 29)) == 20


def test_age_before_birth_is_negative() -> None:
    assert age_on(date(2000, 5, 5), date(1999, 12, 31)) < 0


# --------------------------------------------------------------------------- working days
# 2025 National Day + Mid-Autumn: 1–8 October off; Sunday 28 September and Saturday 11 October worked.


def test_national_day_2025_make_up_days_are_working_days() -> None:
    assert is_working_day(date(2025, 9, 28))  # Sunday, 调休
    assert is_working_day(date(2025, 10, 11))  # Saturday, 调休
    assert not is_working_day(date(2025, 10, 1))
    assert not is_working_day(date(2025, 10, 8))  # Wednesday, still holiday
    assert not is_working_day(date(2025, 10, 12))  # ordinary Sunday
    assert is_working_day(date(2025, 10, 9))


def test_five_working_days_across_national_day_2025() -> None:
    # Publicity starting Friday 26 September: Sun 28, Mon 29, Tue 30 Sep, Thu 9 and Fri 10 Oct.
    assert add_working_days(date(2025, 9, 26), 5) == date(2025, 10, 10)
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert add_working_days(date(2025, 10, 4), 0) == date(2025, 10, 4)


def test_working_days_between_counts_both_ends() -> None:
    assert working_days_between(date(2025, 9, 26), date(2025, 10, 12)) == 7
    assert working_days_between(date(2025, 10, 1), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 11, 3), date(2025, 11, 7)) == 5
    assert working_days_between(date(2025, 11, 7), date(2025, 11, 3)) == 0


def test_year_2099_falls_back_to_monday_to_friday() -> None:
    assert 2099 not in calendar_years_known()
    assert 2025 in calendar_years_known()
    # 2099-10-01 is a Thursday: no holiday data, so it is a working day.
    assert date(2099, 10, 1).weekday() == 3
    assert is_working_day(date(2099, 10, 1))
    assert not is_working_day(date(2099, 10, 3))  # Saturday
    assert add_working_days(date(2099, 10, 2), 1) == date(2099, 10, 5)
    assert get_default_calendar().fallback_years(date(2098, 12, 1), date(2099, 1, 5)) == [2098, 2099]
    assert get_default_calendar().fallback_years(date(2025, 1, 1), date(2025, 12, 31)) == []


def test_amendments_override_the_builtin_schedule() -> None:
    cal = HolidayCalendar(holidays={date(2025, 11, 3)}, workdays={date(2025, 11, 8)})
    assert not cal.is_working_day(date(2025, 11, 3))  # a Monday made a holiday
    assert cal.is_working_day(date(2025, 11, 8))  # a Saturday made a workday
    assert cal.working_days_between(date(2025, 11, 3), date(2025, 11, 9)) == 5


def test_amendments_make_an_unknown_year_known() -> None:
    cal = HolidayCalendar(holidays={date(2099, 10, 1), date(2099, 10, 2)})
    assert cal.is_year_known(2099)
    assert cal.fallback_years(date(2099, 1, 1), date(2099, 12, 31)) == []
    assert cal.add_working_days(date(2099, 9, 30), 1) == date(2099, 10, 5)


def test_calendar_without_builtin_data() -> None:
    cal = HolidayCalendar(use_builtin=False)
    assert cal.is_working_day(date(2025, 10, 1))  # a Wednesday, no official data used
    assert not cal.is_working_day(date(2025, 9, 28))
    assert cal.fallback_years(date(2025, 1, 1), date(2025, 1, 2)) == [2025]


def test_a_date_cannot_be_both_holiday_and_workday() -> None:
    with pytest.raises(ValueError, match="既被设为节假日又被设为工作日"):
        HolidayCalendar(holidays={date(2025, 11, 8)}, workdays={date(2025, 11, 8)})
    cal = HolidayCalendar(holidays={date(2025, 11, 8)})
    cal.add_workday(date(2025, 11, 8))
    assert date(2025, 11, 8) not in cal.holidays
    assert cal.is_working_day(date(2025, 11, 8))


def test_default_calendar_can_be_replaced() -> None:
    original = get_default_calendar()
    try:
        set_default_calendar(HolidayCalendar(holidays={date(2025, 11, 3)}))
        assert not is_working_day(date(2025, 11, 3))
        assert is_working_day(date(2025, 11, 3), HolidayCalendar())
    finally:
        set_default_calendar(original)
    assert is_working_day(date(2025, 11, 3))


# --------------------------------------------------------------------------- text


def test_format_date() -> None:
    assert format_date(date(2026, 11, 23)) == "2026年11月23日"
    assert format_date(date(2026, 1, 5)) == "2026年1月5日"
    assert format_year_month(date(1985, 6, 1)) == "1985年6月"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),
        (dt.datetime(2026, 11, 23, 15, 30), date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23)),
        ("2026/11/23", date(2026, 11, 23)),
        ("2026.11.23", date(2026, 11, 23)),
        ("2026年11月23日", date(2026, 11, 23)),
        ("2026 年 1 月 5 日", date(2026, 1, 5)),
        ("２０２６年１１月２３日", date(2026, 11, 23)),
        ("20261123", date(2026, 11, 23)),
        ("2026-11-23 08:30:00", date(2026, 11, 23)),
        ("2026-11-23T08:30", date(2026, 11, 23)),
        ("2026-11", date(2026, 11, 1)),
        ("2026年11月", date(2026, 11, 1)),
        ("2026.11", date(2026, 11, 1)),
        ("1985.6", date(1985, 6, 1)),
        ("198506", date(1985, 6, 1)),
        (46349, date(2026, 11, 23)),
        (46349.75, date(2026, 11, 23)),
        (61, date(1900, 3, 1)),
        (59, date(1900, 2, 28)),
        (1, date(1900, 1, 1)),
        (20261123, date(2026, 11, 23)),
        (198506, date(1985, 6, 1)),
        (1985.06, date(1985, 6, 1)),
        (1985.12, date(1985, 12, 1)),
        (1985.2, date(1985, 2, 1)),
    ],
)
def test_parse_date_loose_accepts_roster_forms(value: object, expected: date) -> None:
    assert parse_date_loose(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "不能为空"),
        ("   ", "不能为空"),
        ("明天", "无法识别"),
        ("2026-13-01", "不存在"),
        ("2026-02-30", "不存在"),
        ("20260230", "不存在"),
        ("1850-01-01", "超出范围"),
        ("2026-11-23-1", "无法识别"),
        (1985.1, "歧义"),
        (1985, "只有年份"),
        (60, "无法识别"),
        (0, "无法识别"),
        (-5, "无法识别"),
        (float("nan"), "无法识别"),
        (True, "无法识别"),
        (None, "无法识别"),
    ],
)
def test_parse_date_loose_rejects_garbage(value: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_date_loose(value)


def test_year_month_can_be_refused() -> None:
    with pytest.raises(ValueError, match="缺少日"):
        parse_date_loose("2026-11", allow_year_month=False)
    with pytest.raises(ValueError, match="缺少日"):
        parse_date_loose(1985.06, allow_year_month=False)
    assert parse_date_loose("2026-11-23", allow_year_month=False) == date(2026, 11, 23)
    assert parse_date_loose(46349, allow_year_month=False) == date(2026, 11, 23)


def test_builtin_working_days_agree_with_chinese_calendar_on_every_known_day():
    """The fast table look-up gives chinese_calendar's answer, make-up Saturdays (调休) included."""
    import datetime as dt

    import chinese_calendar

    from branchdesk.domain.dates import _builtin_is_workday, _builtin_years

    years = _builtin_years()
    day, differing = dt.date(years.start, 1, 1), []
    while day.year < years.stop:
        if _builtin_is_workday(day) != chinese_calendar.is_workday(day):
            differing.append(day)
        day += dt.timedelta(days=1)
    assert differing == []
    assert _builtin_is_workday(dt.date(2025, 9, 28)) is True  # a Sunday worked before National Day
    assert _builtin_is_workday(dt.date(years.stop, 1, 5)) is None  # a year without data
