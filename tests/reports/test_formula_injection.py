"""Issue 11 §4: text that looks like a formula is written as text by every xlsx writer.

A demo branch gets formula payloads in every free-text column of every table (written the way an
import or a careless paste would leave them); every registered ledger is exported to Excel, and the
inspection pack built; no cell of any workbook is a formula."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from sqlalchemy import String, Text, inspect, update

PAYLOADS = ['=HYPERLINK("http://example.invalid/?q=1","点这里")', "=cmd|' /C calc'!A0", "+1", "@SUM(1)",
            "-2+3", "\t=1+1", "\r=1+1"]  # fmt: skip

# code columns (their values come from a vocabulary the ledgers look up) and keys
_CODES = ("type", "status", "kind", "code", "role", "sex", "id_number", "key", "post", "level_code", "stage",
          "decided_by", "recommendation", "approval", "mode", "result", "password_hash", "value", "pinyin",
          "initials", "action", "entity", "grade", "category", "basis", "rule", "severity", "outcome", "audience",
          "source")  # fmt: skip


def _free_text(column) -> bool:
    if not isinstance(column.type, String | Text) or column.primary_key or column.foreign_keys:
        return False
    name = column.name
    return not any(name == c or name.endswith("_" + c) or name.startswith(c + "_") for c in _CODES)


@pytest.fixture
def poisoned(empty_db):
    from branchdesk.db.models import full_metadata
    from branchdesk.services.demo import generate

    generate(empty_db, members=12, seed=3, today=dt.date(2026, 11, 20))
    names = set(inspect(empty_db.engine).get_table_names())
    with empty_db.engine.begin() as conn:
        for table in full_metadata().sorted_tables:
            if table.name not in names or table.name.startswith(("audit", "alembic", "user_account")):
                continue
            for n, column in enumerate(c for c in table.columns if _free_text(c)):
                conn.execute(update(table).values({column.name: PAYLOADS[n % len(PAYLOADS)]}))
    from branchdesk.workspace import Workspace

    return Workspace.open(empty_db)


def _formulas(path) -> list[str]:
    """Cells of the workbook stored as formulas (<f> elements), read from the XML itself."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                if "<f>" in xml or "<f " in xml:
                    found.append(name)
    return found


def test_no_ledger_export_holds_a_formula(poisoned, tmp_path):
    from branchdesk.reports.registry import Period, build, ledger_specs
    from branchdesk.reports.xlsx import write_xlsx

    written = 0
    for spec in ledger_specs():
        reports = build(poisoned, spec.key, Period.year(2026))
        if not reports:
            continue
        path = write_xlsx(reports, tmp_path / f"{spec.key}.xlsx")
        assert _formulas(path) == [], spec.key
        written += 1
    assert written >= 10


def test_the_packs_workbook_holds_no_formula(poisoned, tmp_path):
    from branchdesk.reports.pack import build_pack
    from branchdesk.reports.registry import Period

    result = build_pack(poisoned, Period.year(2026), tmp_path, today=dt.date(2026, 11, 20))
    books = list(result.path.rglob("*.xlsx"))
    assert books and all(_formulas(b) == [] for b in books)


def test_the_payload_is_kept_as_text(poisoned, tmp_path):
    from openpyxl import load_workbook

    from branchdesk.reports.registry import Period, build
    from branchdesk.reports.xlsx import write_xlsx

    path = write_xlsx(build(poisoned, "minutes", Period.year(2026)), tmp_path / "minutes.xlsx")
    values = [c.value for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK") for v in values)
