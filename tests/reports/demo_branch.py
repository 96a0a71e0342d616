"""A small demo branch shared by the report-writer tests (built once per test module)."""

from __future__ import annotations

import datetime as dt
import re

from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)
YEAR = 2026
MEMBERS = 24
#: a full 18-character citizen ID number anywhere in a text
FULL_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9X])")


def open_demo(folder):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    db, _ = open_database(resolve_location(str(folder / "demo.sqlite")), user="测试用户")
    summary = generate(db, members=MEMBERS, seed=2, today=TODAY)
    return Workspace.open(db), summary


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF, as a reader (and a copy-paste) gets it."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


def flat(text: str) -> str:
    """Text without the spaces and line breaks extraction puts between drawn pieces."""
    return re.sub(r"\s+", "", text)
