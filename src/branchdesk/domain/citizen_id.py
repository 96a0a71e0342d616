"""Citizen ID numbers (居民身份证号码) as defined by GB 11643-1999.

An 18-character number is laid out as::

    RRRRRR YYYYMMDD SSS C
    region birth    seq check

The last digit of the sequence code (the 17th character) is odd for men and even for women; the
check character is an ISO 7064 MOD 11-2 checksum over the first 17 digits ("X" stands for 10).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "PROVINCE_CODES",
    "CitizenIdError",
    "CitizenIdInfo",
    "check_digit",
    "make_citizen_id",
    "mask_citizen_id",
    "normalize_citizen_id",
    "parse_citizen_id",
    "upgrade_citizen_id_15",
]

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"

#: First two digits of the region code: the mainland provinces, Taiwan (71), Hong Kong (81),
#: Macao (82), residence permits of Taiwan residents (83) and foreigners' permanent residence (91).
PROVINCE_CODES: frozenset[str] = frozenset(
    [
        *("11", "12", "13", "14", "15"),
        *("21", "22", "23"),
        *("31", "32", "33", "34", "35", "36", "37"),
        *("41", "42", "43", "44", "45", "46"),
        *("50", "51", "52", "53", "54"),
        *("61", "62", "63", "64", "65"),
        *("71", "81", "82", "83", "91"),
    ]
)

_SEXES = ("男", "女")
_SHAPE = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH_YEAR = 1900


class CitizenIdError(ValueError):
    """An invalid citizen ID number; ``str(error)`` is a message for the user, in Chinese."""


@dataclass(frozen=True)
class CitizenIdInfo:
    number: str
    birth_date: _dt.date
    sex: str  # "男" or "女"


def normalize_citizen_id(value: str) -> str:
    """Remove all whitespace, fold full-width characters to ASCII and upper-case a trailing x."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    """Return the GB 11643 check character ("0"–"9" or "X") for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise CitizenIdError("计算校验位需要 17 位数字")
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_MAP[total % 11]


def parse_citizen_id(value: str, *, today: _dt.date | None = None) -> CitizenIdInfo:
    """Validate an 18-character citizen ID number and decode its birth date and sex.

    Raises :class:`CitizenIdError` with a Chinese message naming the first problem found.
    ``today`` (default: the system date) is the reference for "birth date in the future".
    """
    number = normalize_citizen_id(value)
    if not number:
        raise CitizenIdError("身份证号码不能为空")
    if len(number) != 18:
        message = f"身份证号码应为 18 位，当前为 {len(number)} 位"
        if len(number) == 15:
            message += "；15 位的旧号码请先转换为 18 位新号码"
        raise CitizenIdError(message)
    if not _SHAPE.fullmatch(number):
        raise CitizenIdError("身份证号码前 17 位必须是数字，最后一位为数字或 X")
    if number[:2] not in PROVINCE_CODES:
        raise CitizenIdError(f"身份证号码的地区码无效：前两位“{number[:2]}”不是已知的省级行政区代码")
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        birth = _dt.date(year, month, day)
    except ValueError:
        birth = None
    if birth is None or year < _EARLIEST_BIRTH_YEAR:
        raise CitizenIdError(f"身份证号码中的出生日期无效：{number[6:14]}")
    if birth > (today or _dt.date.today()):
        raise CitizenIdError(f"身份证号码中的出生日期 {year}年{month}月{day}日 晚于今天")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise CitizenIdError(f"身份证号码校验位错误：校验位应为 {expected}，实际为 {number[17]}")
    sex = "男" if int(number[16]) % 2 == 1 else "女"
    return CitizenIdInfo(number=number, birth_date=birth, sex=sex)


def upgrade_citizen_id_15(old: str) -> str:
    """Convert a 15-digit first-generation number (born 19xx) to the 18-character form."""
    number = normalize_citizen_id(old)
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        raise CitizenIdError("15 位旧身份证号码必须是 15 位数字")
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_digit(first17)


def make_citizen_id(region: str, birth: _dt.date, seq: int, sex: str) -> str:
    """Build a valid number for demo and test data.

    ``region`` is a six-digit region code, ``seq`` a number in 0..499 and ``sex`` "男" or "女":
    the three-digit sequence code is ``2 * seq + 1`` for men and ``2 * seq`` for women, so every
    (region, birth, seq, sex) gives a distinct number.
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit() or region[:2] not in PROVINCE_CODES:
        raise CitizenIdError(f"地区码无效：{region}")
    if not 0 <= seq <= 499:
        raise CitizenIdError(f"顺序号应在 0 到 499 之间：{seq}")
    if sex not in _SEXES:
        raise CitizenIdError(f"性别应为“男”或“女”：{sex}")
    if birth.year < _EARLIEST_BIRTH_YEAR:
        raise CitizenIdError(f"出生日期无效：{birth.isoformat()}")
    code = 2 * seq + (1 if sex == "男" else 0)
    first17 = f"{region}{birth:%Y%m%d}{code:03d}"
    return first17 + check_digit(first17)


def mask_citizen_id(number: str) -> str:
    """Hide the middle of a number for display: "350102199001011234" → "3501**********1234".

    The first four and last four characters stay visible; strings of eight characters or fewer
    are masked completely.
    """
    text = normalize_citizen_id(number)
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
