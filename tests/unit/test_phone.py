"""Telephone numbers as members give them: with country codes, spaces, brackets and extensions."""

import pytest

from branchdesk.domain.phone import mask_phone, normalize_phone, validate_landline, validate_mobile


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 0013 8000", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),
        ("（0591）87654321", "0591-87654321"),
        ("0591 — 87654321", "0591-87654321"),
        ("+86 591 87654321", "059187654321"),
        ("+86-591-87654321", "0591-87654321"),
        ("010-12345678转123", "010-12345678-123"),
        ("  ", ""),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("value", ["13800138000", "+8619912345678", "166 1234 5678"])
def test_valid_mobiles(value: str) -> None:
    assert validate_mobile(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "请填写"),
        ("1380013800", "应为 11 位"),
        ("138001380001", "应为 11 位"),
        ("12800138000", "13–19 开头"),
        ("1380013800a", "只能包含数字"),
        ("0591-87654321", "只能包含数字"),
    ],
)
def test_invalid_mobiles(value: str, fragment: str) -> None:
    message = validate_mobile(value)
    assert message is not None
    assert fragment in message


@pytest.mark.parametrize(
    "value",
    [
        "0591-87654321",
        "059187654321",
        "87654321",
        "8765432",
        "010-12345678-123",
        "01062345678",
        "0755-2345678",
        "(021)62345678",
        "400-123-4567",
        "4001234567",
        "800-810-8888",
    ],
)
def test_valid_landlines(value: str) -> None:
    assert validate_landline(value) is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "请填写"),
        ("13800138000", "手机号码"),
        ("0591-8765-4321a", "只能包含数字"),
        ("591-87654321", "格式不正确"),
        ("0591-876543", "格式不正确"),
        ("0591-876543210", "格式不正确"),
        ("05911-87654321", "格式不正确"),
        ("010-02345678", "格式不正确"),
        ("123456", "格式不正确"),
        ("0", "格式不正确"),  # a 0 typed into a phone column (found by fuzzing the roster import)
    ],
)
def test_invalid_landlines(value: str, fragment: str) -> None:
    message = validate_landline(value)
    assert message is not None
    assert fragment in message


def test_mask_phone() -> None:
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("+86 13812345678") == "138****5678"
    assert mask_phone("0591-87654321") == "0591-****4321"
    assert mask_phone("010-12345678-123") == "010-****5678-123"
    assert mask_phone("87654321") == "****4321"
    assert mask_phone("12345") == "*****"
    assert mask_phone("") == ""
