"""File names that came from outside (attachments): safe to store, to write into a folder and to open.

An attachment keeps the name of the file it was added from. Before it is stored and again before it is
written out to be opened, the name is reduced to one plain file name: no folder separators, no ``..``,
no drive letter, no characters Windows refuses, not a reserved device name (CON, NUL, COM1 …); when it
must be cut, the stem is cut and the extension kept (so "….exe.txt" never turns into "….exe").
Executable types are never launched (the folder is shown instead).
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 200
FALLBACK = "附件"

# types a double click runs (Windows) or that run scripts: opened only by showing their folder
EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".com",
        ".bat",
        ".cmd",
        ".scr",
        ".pif",
        ".msi",
        ".msp",
        ".msc",
        ".hta",
        ".cpl",
        ".jar",
        ".js",
        ".jse",
        ".vbs",
        ".vbe",
        ".wsf",
        ".wsh",
        ".ws",
        ".ps1",
        ".psm1",
        ".ps1xml",
        ".psc1",
        ".lnk",
        ".url",
        ".reg",
        ".inf",
        ".scf",
        ".application",
        ".gadget",
        ".appref-ms",
        ".vb",
        ".sct",
        ".chm",
        ".dll",
        ".sys",
        ".drv",
        ".sh",
        ".bash",
        ".command",
        ".run",
        ".app",
        ".desktop",
        ".py",
        ".pyw",
        ".pl",
        ".rb",
        ".appimage",
        ".deb",
        ".rpm",
        ".apk",
        ".iso",
        ".img",
        ".vhd",
        ".vhdx",
        ".settingcontent-ms",
        ".library-ms",
        ".xll",
        ".xlam",
        ".docm",
        ".xlsm",
        ".pptm",
    ]
)

_BAD = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|clock\$|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])$", re.I)


def safe_file_name(name: str, limit: int = MAX_NAME) -> str:
    """One plain, harmless file name made from `name` (see the module doc)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]  # the last component only: no folders, no ".." walks
    name = re.sub(r"^[A-Za-z]:", "", name)  # "C:evil.txt"
    name = _BAD.sub("_", name)
    name = name.strip().strip(".").strip()  # Windows drops trailing dots and spaces; no hidden "..x"
    if not name or set(name) <= {".", "_", " "}:
        name = FALLBACK
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if _RESERVED.match(stem.split(".")[0].strip()):
        stem = "_" + stem
    ext = f".{suffix}" if dot else ""
    if len(ext) > 20:  # not really an extension
        stem, ext = stem + ext, ""
    room = max(limit - len(ext), 1)
    stem = stem[:room].rstrip(" .") or FALLBACK
    return stem + ext


def is_executable(name: str) -> bool:
    lowered = name.lower().rstrip(" .")
    return any(lowered.endswith(suffix) for suffix in EXECUTABLE_SUFFIXES)
