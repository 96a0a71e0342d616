"""Text measures shared by the writers and the import template (no writer library needed)."""

from __future__ import annotations


def display_width(text: str) -> int:
    """Width of text in Excel character units: CJK and other wide characters count double."""
    # UTF-8 takes 1 byte for ASCII and 3 for CJK: (bytes + chars) / 2 gives 1 and 2.
    return (len(text.encode("utf-8")) + len(text)) // 2
