"""The font PDFs are written in: the bundled WenQuanYi Micro Hei, registered with reportlab once.

reportlab embeds TrueType fonts as subsets (only the characters used), so a PDF stays small and
prints the same on any computer. The font has no bold face: the PDF writer fakes bold by stroking the
outlines as well as filling them (text render mode 2), which prints like a bold face.

WenQuanYi Micro Hei covers the CJK Unified Ideographs block (and the common punctuation) but none of
Extension A or B, so a rare character in a name (㐂, 𠮷, 䶮 …) has no glyph: `missing_glyphs` names
such characters so that the writer can report them instead of printing an empty box.
"""

from __future__ import annotations

import threading
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

#: The name the font is registered under with reportlab.
FONT_NAME = "WenQuanYiMicroHei"

_lock = threading.Lock()
_font: TTFont | None = None
_covered: frozenset[str] = frozenset()


def _load() -> TTFont:
    global _font, _covered
    if _font is None:
        with _lock:
            if _font is None:
                from reportlab.pdfbase import pdfmetrics
                from reportlab.pdfbase.ttfonts import TTFont

                from branchdesk.resources import font_path

                font = TTFont(FONT_NAME, str(font_path()), subfontIndex=0)
                pdfmetrics.registerFont(font)
                _covered = frozenset(map(chr, font.face.charToGlyph))
                _font = font
    return _font


def pdf_font() -> str:
    """Register the bundled font with reportlab (once per process) and return its name.

    There is no separate bold face: draw bold text with this font and text render mode 2 (fill and
    stroke, line width about 3 % of the font size), as `reports.pdf` does.
    """
    _load()
    return FONT_NAME


def covered() -> frozenset[str]:
    """Every character the bundled font has a glyph for."""
    _load()
    return _covered


def _drawn(ch: str) -> bool:
    """Whether a character is something printed (not a control or format character)."""
    return unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")


def missing_glyphs(text: str) -> set[str]:
    """The characters of `text` the bundled font cannot draw (line breaks and tabs do not count)."""
    if not text:
        return set()
    chars = set(text)
    have = covered()
    if have.issuperset(chars):
        return set()
    return {ch for ch in chars - have if _drawn(ch)}


def char_width(ch: str) -> float:
    """Advance width of one character at 1 pt (its em fraction)."""
    return _load().stringWidth(ch, 1.0)
