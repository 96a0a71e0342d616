"""One resolver for bundled files, in the source tree and in the frozen (PyInstaller) app alike."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """The `resources/` folder: next to `src/` in a checkout, inside the bundle when frozen."""
    frozen_base = getattr(sys, "_MEIPASS", None)
    if frozen_base:
        return Path(frozen_base) / "resources"
    # src/branchdesk/resources.py -> repository root
    return _PACKAGE_DIR.parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"缺少程序资源文件：{path}")
    return path


def font_path() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei, TrueType outlines, Apache-2.0)."""
    return resource_path("fonts", "wqy-microhei.ttc")


def migrations_dir() -> Path:
    """Alembic scripts live inside the package so that wheels and the frozen app carry them."""
    return _PACKAGE_DIR / "db" / "migrations"
