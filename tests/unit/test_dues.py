"""党费规定 brackets (domain.md §5) at their boundaries, in integer fen, and the arrears arithmetic."""

from __future__ import annotations

import pytest

from branchdesk.domain.dues import (
    DuesCategory,
    DuesError,
    arrears_of,
    dues_amount,
    dues_rate_bp,
    format_fen,
    format_rate,
    month_index,
    months_text,
    parse_months,
    parse_yuan,
)

E, R = DuesCategory.EMPLOYED, DuesCategory.RETIRED


@pytest.mark.parametrize(
    ("category", "basis_fen", "rate", "fen"),
    [
        (E, 300_000, "0.5%", 1500),  # 3,000.00 yuan: still 0.5 % → 15.00
        (E, 300_001, "1%", 3000),  # 3,000.01: 1 % → 30.0001 → 30.00
        (E, 500_000, "1%", 5000),
        (E, 500_001, "1.5%", 7500),  # 75.00015 → 75.00
        (E, 1_000_000, "1.5%", 15000),
        (E, 1_000_001, "2%", 20000),
        (E, 1_234_567, "2%", 24691),  # 246.9134 → 246.91
        (E, 0, "0.5%", 0),
        (R, 500_000, "0.5%", 2500),  # pension 5,000.00: 0.5 %
        (R, 500_001, "1%", 5000),  # 5,000.01: 1 %
        (R, 600_000, "1%", 6000),
    ],
)
def test_brackets_at_their_boundaries(category, basis_fen, rate, fen):
    assert format_rate(dues_rate_bp(category, basis_fen)) == rate
    assert dues_amount(category, basis_fen) == fen
    assert isinstance(dues_amount(category, basis_fen), int)


def test_rounding_is_half_up_to_the_fen():
    assert dues_amount(E, 100_100) == 501  # 0.5 % of 1,001.00 = 5.005 yuan → 5.01
    assert dues_amount(E, 100_099) == 500  # 5.00495 → 5.00


def test_flat_amounts_and_farmers():
    for c in (DuesCategory.STUDENT, DuesCategory.NO_INCOME, DuesCategory.RELIEF):
        assert dues_amount(c) == 20 and dues_rate_bp(c, None) is None
    assert dues_amount(DuesCategory.FARMER) == 20
    assert dues_amount(DuesCategory.FARMER, farmer_fen=100) == 100
    with pytest.raises(DuesError, match=r"0\.20元至1\.00元"):
        dues_amount(DuesCategory.FARMER, farmer_fen=101)
    with pytest.raises(DuesError, match="计缴基数"):
        dues_amount(E, None)


def test_categories_read_from_their_labels():
    assert DuesCategory.from_label("离退休") is R
    assert DuesCategory.from_label("退休") is R
    assert DuesCategory.from_label("学生") is DuesCategory.STUDENT
    with pytest.raises(DuesError, match="人员类别"):
        DuesCategory.from_label("个体户")


def test_money_text_and_parsing():
    assert format_fen(12750) == "127.50" and format_fen(5) == "0.05"
    assert parse_yuan("127.5") == 12750 and parse_yuan(0.2) == 20 and parse_yuan("1,000.00元") == 100000
    assert parse_yuan(12.3) == 1230  # a spreadsheet float
    for bad in ("12.345", "abc", "-1"):
        with pytest.raises(DuesError):
            parse_yuan(bad)


def test_months_are_read_in_the_usual_ways():
    jan = month_index((2026, 1))
    assert parse_months("2026-01~2026-03") == [jan, jan + 1, jan + 2]
    assert parse_months("2026年1月至3月") == [jan, jan + 1, jan + 2]
    assert parse_months("1-2、5", year=2026) == [jan, jan + 1, jan + 4]
    assert parse_months("2025-12~2026-01") == [jan - 1, jan]
    assert months_text([jan, jan + 1, jan + 2, jan + 4]) == "2026年1月至3月、2026年5月"
    with pytest.raises(DuesError, match="缺少年份"):
        parse_months("3")
    with pytest.raises(DuesError, match="1至12"):
        parse_months("2026-13")


def test_arrears_count_the_run_up_to_the_last_due_month_and_an_exemption_stops_it():
    jan = month_index((2026, 1))
    due = range(jan, jan + 10)  # January to October
    paid = {jan, jan + 1, jan + 2, jan + 4}
    a = arrears_of(1, "张三", due, paid, default_fen=1500)
    assert a.unpaid == (jan + 3, *range(jan + 5, jan + 10))
    assert (a.run, a.run_since, a.amount_fen) == (5, jan + 5, 6 * 1500)
    b = arrears_of(1, "张三", due, paid, exempt={jan + 8}, default_fen=1500)
    assert b.run == 1 and jan + 8 not in b.unpaid
    assert arrears_of(2, "李四", range(jan, jan), set()).run == 0
