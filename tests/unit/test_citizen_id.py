"""Citizen ID numbers: a roster clerk types, pastes or imports them in every shape."""

from datetime import date

import pytest

from branchdesk.domain.citizen_id import (
    CitizenIdError,
    CitizenIdInfo,
    check_digit,
    make_citizen_id,
    mask_citizen_id,
    parse_citizen_id,
    upgrade_citizen_id_15,
)

TODAY = date(2026, 11, 23)
# The example number of GB 11643-1999 itself: check character X.
STANDARD_EXAMPLE = "11010519491231002X"


def test_check_digit_of_published_examples() -> None:
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"
    assert check_digit("35010219900101123") == "8"


def test_check_digit_requires_17_digits() -> None:
    with pytest.raises(CitizenIdError):
        check_digit("1101051949123100")
    with pytest.raises(CitizenIdError):
        check_digit("1101051949123100A")


def test_parse_decodes_birth_date_and_sex() -> None:
    info = parse_citizen_id(STANDARD_EXAMPLE, today=TODAY)
    assert info == CitizenIdInfo(number=STANDARD_EXAMPLE, birth_date=date(1949, 12, 31), sex="女")
    male = parse_citizen_id("350102199001011238", today=TODAY)
    assert (male.birth_date, male.sex) == (date(1990, 1, 1), "男")


def test_births_before_1900_are_refused_even_with_a_valid_check_digit() -> None:
    # The second example of the standard (born 1880) is well formed but cannot be a living member.
    with pytest.raises(CitizenIdError, match="出生日期无效"):
        parse_citizen_id("440524188001010014", today=TODAY)


def test_parse_normalises_spaces_full_width_and_lower_case_x() -> None:
    typed = " １１０１０５ 1949 1231 002ｘ "
    assert parse_citizen_id(typed, today=TODAY).number == STANDARD_EXAMPLE
    assert parse_citizen_id("11010519491231002x", today=TODAY).number == STANDARD_EXAMPLE


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "不能为空"),
        ("1101051949123100", "应为 18 位"),
        ("110105491231002", "15 位的旧号码请先转换"),
        ("1101051949123100AX", "前 17 位必须是数字"),
        ("11010519491231002Y", "前 17 位必须是数字"),
        ("X10105194912310021", "前 17 位必须是数字"),
        ("990105194912310021", "地区码无效"),
        ("16010519491231002X", "地区码无效"),
        ("110105194902300021", "出生日期无效"),
        ("110105189912310021", "出生日期无效"),
    ],
)
def test_parse_rejects_with_a_chinese_reason(value: str, fragment: str) -> None:
    with pytest.raises(CitizenIdError, match=fragment):
        parse_citizen_id(value, today=TODAY)


def test_wrong_check_digit_names_the_expected_character() -> None:
    with pytest.raises(CitizenIdError, match="校验位应为 X"):
        parse_citizen_id("110105194912310021", today=TODAY)
    with pytest.raises(ValueError, match="校验位应为 8"):
        parse_citizen_id("350102199001011239", today=TODAY)


def test_birth_date_after_today_is_rejected() -> None:
    tomorrow = make_citizen_id("350102", date(2026, 11, 24), 3, "男")
    with pytest.raises(CitizenIdError, match="晚于今天"):
        parse_citizen_id(tomorrow, today=TODAY)
    assert parse_citizen_id(tomorrow, today=date(2026, 11, 24)).birth_date == date(2026, 11, 24)


def test_hong_kong_macao_taiwan_and_permit_codes_are_known_regions() -> None:
    for region in ("710000", "810000", "820000", "830000", "910000", "650102", "110105"):
        number = make_citizen_id(region, date(1990, 5, 6), 0, "女")
        assert parse_citizen_id(number, today=TODAY).birth_date == date(1990, 5, 6)


def test_make_citizen_id_round_trips_and_encodes_sex_in_17th_digit() -> None:
    seen = set()
    for seq in (0, 1, 250, 499):
        for sex in ("男", "女"):
            number = make_citizen_id("350102", date(2000, 2, 29), seq, sex)
            info = parse_citizen_id(number, today=TODAY)
            assert (info.birth_date, info.sex) == (date(2000, 2, 29), sex)
            assert int(number[16]) % 2 == (1 if sex == "男" else 0)
            seen.add(number)
    assert len(seen) == 8


@pytest.mark.parametrize(
    ("region", "seq", "sex"),
    [
        ("35010", 1, "男"),
        ("990102", 1, "男"),
        ("350102", 500, "男"),
        ("350102", -1, "女"),
        ("350102", 1, "M"),
    ],
)
def test_make_citizen_id_rejects_bad_input(region: str, seq: int, sex: str) -> None:
    with pytest.raises(CitizenIdError):
        make_citizen_id(region, date(1990, 1, 1), seq, sex)


def test_upgrade_15_digit_number() -> None:
    assert upgrade_citizen_id_15("110105491231002") == STANDARD_EXAMPLE
    with pytest.raises(CitizenIdError):
        upgrade_citizen_id_15("11010549123100")


def test_mask_keeps_first_four_and_last_four() -> None:
    assert mask_citizen_id("350102199001011234") == "3501**********1234"
    assert mask_citizen_id("11010519491231002x") == "1101**********002X"
    assert mask_citizen_id("1234") == "****"
    assert mask_citizen_id("") == ""
