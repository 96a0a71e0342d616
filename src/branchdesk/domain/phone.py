"""Mainland China telephone numbers: normalising, validating and masking.

Mobile numbers are 11 digits starting 13–19. Landlines are a 3-digit (010, 02x) or 4-digit area code
starting with 0, a 7–8 digit local number not starting with 0, and an optional extension;
service numbers are 400/800 plus 7 digits.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["mask_phone", "normalize_phone", "validate_landline", "validate_mobile"]

_MOBILE = re.compile(r"1[3-9]\d{9}")
_COUNTRY_PREFIX = re.compile(r"(?:\+86|0086)-?|86(?=1[3-9]\d{9}$)")
_DASHES = re.compile(r"[‐‑‒–—―−﹣-]+")
_PAREN_AREA = re.compile(r"^\((0\d{2,3})\)-?")
_EXTENSION_WORDS = re.compile(r"(?:转|分机|ext\.?|x)(?=\d+$)", re.IGNORECASE)

_SERVICE = re.compile(r"([48]00)-?(\d{3})-?(\d{4})")
_WITH_AREA = re.compile(r"(0\d{2,3})-(\d{7,8})(?:-(\d{1,6}))?")
_LOCAL = re.compile(r"(\d{7,8})(?:-(\d{1,6}))?")
_DIGITS_ONLY = re.compile(r"\d+")


def normalize_phone(value: str | None) -> str:
    """Clean a telephone number as typed or imported.

    Folds full-width characters, removes spaces, strips a "+86"/"0086"/"86" country prefix
    (a landline then gets its leading 0 back), and writes separators as "-":
    "+86 138 0013 8000" → "13800138000", "（0591）8765 4321" → "0591-87654321",
    "010-12345678转123" → "010-12345678-123". Anything else is returned cleaned but unchanged.
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(text.split())
    text = _DASHES.sub("-", text)
    prefix = _COUNTRY_PREFIX.match(text)
    if prefix:
        rest = text[prefix.end() :].lstrip("-")
        digits = rest.replace("-", "")
        if _MOBILE.fullmatch(digits):
            return digits
        if rest[:1].isdigit() and rest[:1] not in "01":
            text = "0" + rest
        elif rest.startswith("("):
            text = "(0" + rest[1:]
        else:
            text = rest
    text = _PAREN_AREA.sub(r"\1-", text)
    text = _EXTENSION_WORDS.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if _MOBILE.fullmatch(text.replace("-", "")):
        return text.replace("-", "")
    return text


def validate_mobile(value: str | None) -> str | None:
    """Return a Chinese error message, or ``None`` when ``value`` is a valid mainland mobile number."""
    text = normalize_phone(value)
    if not text:
        return "请填写手机号码"
    if not _DIGITS_ONLY.fullmatch(text):
        return "手机号码只能包含数字"
    if len(text) != 11:
        return f"手机号码应为 11 位数字，当前为 {len(text)} 位"
    if not _MOBILE.fullmatch(text):
        return "手机号码应以 13–19 开头"
    return None


def _split_landline(text: str) -> tuple[str, str, str] | None:
    """(area code, local number, extension) of a normalised landline, or None if it is not one."""
    if m := _SERVICE.fullmatch(text):
        return m.group(1), m.group(2) + m.group(3), ""
    if m := _WITH_AREA.fullmatch(text):
        area, local, ext = m.group(1), m.group(2), m.group(3) or ""
    elif text.startswith("0") and len(text) > 1 and _DIGITS_ONLY.fullmatch(text):
        # No separator: 010 and 02x are the three-digit area codes, all others have four digits.
        size = 3 if text[1] in "12" else 4
        area, local, ext = text[:size], text[size:], ""
    elif m := _LOCAL.fullmatch(text):
        area, local, ext = "", m.group(1), m.group(2) or ""
    else:
        return None
    if area and len(area) != (3 if area[1] in "12" else 4):
        return None
    if not 7 <= len(local) <= 8 or local[0] == "0":
        return None
    return area, local, ext


def validate_landline(value: str | None) -> str | None:
    """Return a Chinese error message, or ``None`` when ``value`` is a valid landline number.

    Accepted: "0591-87654321", "059187654321", "87654321", "010-12345678-123" (extension),
    "400-123-4567".
    """
    text = normalize_phone(value)
    if not text:
        return "请填写固定电话号码"
    if _MOBILE.fullmatch(text):
        return "这是手机号码，请填写在“手机号码”一栏"
    if not re.fullmatch(r"[\d-]+", text):
        return "固定电话号码只能包含数字和“-”"
    if _split_landline(text) is None:
        return "固定电话号码格式不正确，应为“区号-号码”，如 0591-87654321 或 010-12345678-123（分机）"
    return None


def mask_phone(value: str | None) -> str:
    """Hide the middle of a number for display: "13812345678" → "138****5678".

    Landlines keep their area code and last four digits: "0591-87654321" → "0591-****4321".
    Other strings keep their first three and last four characters.
    """
    text = normalize_phone(value)
    if _MOBILE.fullmatch(text):
        return text[:3] + "****" + text[-4:]
    parts = _split_landline(text) if text else None
    if parts is not None:
        area, local, ext = parts
        masked = "*" * (len(local) - 4) + local[-4:]
        return "-".join(p for p in (area, masked, ext) if p)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
