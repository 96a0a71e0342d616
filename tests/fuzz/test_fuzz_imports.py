"""Property-based fuzzing of both importers, the roster (党员花名册) and the development ledger
(发展党员工作台账): random sheets of valid people, some cells spoiled with anything a cell can hold.
Whatever the sheet, reading raises nothing, every error names a real row and column, a refused import
changes no table (the audit log included), and a clean import done twice changes nothing the second
time. `pytest -m slow tests/fuzz` runs 500 examples of each instead of 40."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .corpus import KINDS
from .harness import import_twice_or_refuse
from .strategies import Scratch, sheets

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
MANY = settings(FAST, max_examples=500)

by_kind = pytest.mark.parametrize("kind", KINDS)


def check(sheet, template_db) -> None:
    with Scratch(template_db) as scratch:
        path = sheet.write(scratch.folder)
        headers = {" ".join(str(h).split()) for h in sheet.rows[0] if h}
        errors = import_twice_or_refuse(
            sheet.kind, scratch.db, path, headers=headers, last_row=sheet.last_row
        )
    if sheet.valid:
        assert not errors, [str(e) for e in errors]


@by_kind
@FAST
@given(data=st.data())
def test_spoiled_sheets_are_refused_cell_by_cell_or_imported_whole(kind, data, template_db):
    check(data.draw(sheets(kind), label="sheet"), template_db)


@by_kind
@settings(FAST, max_examples=20)
@given(data=st.data())
def test_valid_sheets_however_written_import_and_reimport_changes_nothing(kind, data, template_db):
    check(data.draw(sheets(kind, valid_only=True), label="sheet"), template_db)


@pytest.mark.slow
@by_kind
@MANY
@given(data=st.data())
def test_many_spoiled_sheets(kind, data, template_db):
    check(data.draw(sheets(kind), label="sheet"), template_db)
