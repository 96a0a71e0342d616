"""The font PDFs are written in: the bundled WenQuanYi Micro Hei, registered with reportlab once.

reportlab embeds TrueType fonts as subsets (only the characters used), so a PDF stays small and
prints the same on any computer. The font has no bold face: the PDF writer fakes bold by stroking the
outlines as well as filling them (text render mode 2), which prints like a bold face.

WenQuanYi Micro Hei covers the CJK Unified Ideographs block (and the common punctuation) but none of
Extension A or B, so a rare character in a name (㐂, 𠮷, 䶮 …) has no glyph: `missing_glyphs` names
such characters so that the writer can report them instead of printing an empty box.

A rare character can still print when the computer has a TrueType font that draws it: Windows ships
SimSun-ExtB (Extension B, 𠮷) and SimSun (Extension A, 㐂). `fallback_for` looks for such fonts (and
for the files named in the environment variable BRANCHDESK_PDF_FALLBACK_FONTS, separated by the path
separator; "none" turns fallbacks off) only when the bundled font lacks a character, and registers the
first that has it. Fonts with PostScript (CFF) outlines cannot be embedded by reportlab and are skipped.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

log = logging.getLogger(__name__)

#: The name the font is registered under with reportlab.
FONT_NAME = "WenQuanYiMicroHei"
FALLBACK_ENV = "BRANCHDESK_PDF_FALLBACK_FONTS"
#: System fonts that draw the CJK extension blocks, by file name (subfont 0 of a collection).
FALLBACK_FILES = ("simsunb.ttf", "simsun.ttc", "mingliub.ttc", "HanaMinB.ttf", "HanaMinA.ttf")

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
    """Advance width of one character at 1 pt (its em fraction), in the font that draws it."""
    font = _load()
    if ch not in _covered:
        name = fallback_for(ch)
        if name is not None:
            return _fallbacks[name][0].stringWidth(ch, 1.0)
    return font.stringWidth(ch, 1.0)


# ---- the serif face (宋体 style) for formal documents -------------------------------------------------
#: AR PL UMing CN (文鼎ＰＬ细上海宋), Arphic Public License: bundled in resources/fonts (with its licence),
#: else Debian's fonts-arphic-uming. TrueType outlines, so reportlab embeds it as a subset like the sans.
SERIF_NAME = "ARPLUMingCN"
SERIF_FILE = "uming.ttc"
SYSTEM_SERIF = (Path("/usr/share/fonts/truetype/arphic/uming.ttc"),)
FACES = {"sans": "黑体（文泉驿微米黑）", "serif": "宋体（AR PL UMing）"}
_serif: tuple[TTFont, frozenset[str]] | None = None


def serif_path() -> Path | None:
    """The serif font file: the bundled one, else the system's; None when neither is there."""
    from branchdesk.resources import resources_dir

    for path in (resources_dir() / "fonts" / SERIF_FILE, *SYSTEM_SERIF):
        if path.is_file():
            return path
    return None


def _load_serif() -> tuple[TTFont, frozenset[str]]:
    global _serif
    if _serif is None:
        with _lock:
            if _serif is None:
                from reportlab.pdfbase import pdfmetrics
                from reportlab.pdfbase.ttfonts import TTFont

                path = serif_path()
                if path is None:
                    raise FileNotFoundError("缺少宋体字库（AR PL UMing，uming.ttc），请改用黑体打印")
                font = TTFont(SERIF_NAME, str(path), subfontIndex=0)  # 0: UMing CN (simplified)
                pdfmetrics.registerFont(font)
                _serif = (font, frozenset(map(chr, font.face.charToGlyph)))
    return _serif


def face_font(face: str) -> tuple[str, frozenset[str]]:
    """(registered name, characters drawn) of a face: "sans" (the bundled font) or "serif"."""
    if face == "serif":
        font, chars = _load_serif()
        return font.fontName, chars
    _load()
    return FONT_NAME, _covered


def face_char_width(face: str, ch: str) -> float:
    """Advance width of one character at 1 pt in `face` (a character the serif lacks: the sans)."""
    if face == "serif":
        font, chars = _load_serif()
        if ch in chars:
            return font.stringWidth(ch, 1.0)
    return char_width(ch)


# ---- fallback fonts for rare characters -----------------------------------------------------------
_fallbacks: dict[str, tuple[TTFont, frozenset[str]]] = {}  # registered name -> font, its characters
_tried: set[str] = set()  # font files looked at (usable or not)
_answers: dict[str, str | None] = {}


def _candidates() -> list[Path]:
    paths = [Path(p) for p in os.environ.get(FALLBACK_ENV, "").split(os.pathsep) if p.strip()]
    if sys.platform == "win32":
        folders = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
        if os.environ.get("LOCALAPPDATA"):
            folders.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    elif sys.platform == "darwin":
        folders = [Path("/Library/Fonts"), Path.home() / "Library" / "Fonts"]
    else:
        folders = [
            Path("/usr/share/fonts"),
            Path("/usr/local/share/fonts"),
            Path.home() / ".local/share/fonts",
        ]
    for folder in folders:
        for name in FALLBACK_FILES:
            direct = folder / name
            if direct.is_file():
                paths.append(direct)
            elif sys.platform != "win32" and folder.is_dir():
                paths.extend(sorted(folder.rglob(name))[:1])
    return paths


def _register(path: Path) -> str | None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    name = f"Fallback{len(_fallbacks) + 1}-{path.stem}"
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        log.info("备用字体不可用：%s（%s）", path, exc)
        return None
    pdfmetrics.registerFont(font)
    _fallbacks[name] = (font, frozenset(map(chr, font.face.charToGlyph)))
    log.info("已载入备用字体：%s", path)
    return name


def fallback_for(ch: str) -> str | None:
    """The registered name of a system font that draws `ch` (which the bundled font lacks), or None."""
    if os.environ.get(FALLBACK_ENV, "").strip().lower() == "none":
        return None  # printing only with the bundled font (tests; a deliberate choice)
    if ch in _answers:
        return _answers[ch]
    with _lock:
        found = next((name for name, (_, chars) in _fallbacks.items() if ch in chars), None)
        if found is None:
            for path in _candidates():
                key = str(path.resolve())
                if key in _tried:
                    continue
                _tried.add(key)
                name = _register(path)
                if name is not None and ch in _fallbacks[name][1]:
                    found = name
                    break
        _answers[ch] = found
    return found


def fallback_font(name: str) -> TTFont:
    return _fallbacks[name][0]


def forget_fallbacks() -> None:
    """Look for fallback fonts again (after BRANCHDESK_PDF_FALLBACK_FONTS changed)."""
    with _lock:
        _tried.clear()
        _answers.clear()
