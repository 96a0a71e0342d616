"""Property-based fuzzing of the development ledger import (发展党员工作台账): random sheets of valid people, some cells
spoiled with anything a cell can hold. Whatever the sheet, reading raises nothing, every error names a
real row and column, a refused import changes no table, and a clean import done twice changes nothing
the second time."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from .corpus import DEVELOPMENT
from .harness import import_twice_or_refuse
from .strategies import Scratch, sheets

FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
MANY = settings(FAST, max_examples=500)


def check(sheet, template_db) -> list:
    with Scratch(template_db) as scratch:
        path = sheet.write(scratch.folder)
        headers = {" ".join(str(h).split()) for h in sheet.rows[0] if h}
        errors = import_twice_or_refuse(
            DEVELOPMENT, scratch.db, path, headers=headers, last_row=sheet.last_row
        )
    if sheet.valid:
        assert not errors, [str(e) for e in errors]
    return errors


@FAST
@given(sheet=sheets(DEVELOPMENT))
def test_spoiled_ledgers_are_refused_cell_by_cell_or_imported_whole(sheet, template_db):
    check(sheet, template_db)


@settings(FAST, max_examples=20)
@given(sheet=sheets(DEVELOPMENT, valid_only=True))
def test_valid_ledgers_however_written_import_and_reimport_changes_nothing(sheet, template_db):
    check(sheet, template_db)


@pytest.mark.slow
@MANY
@given(sheet=sheets(DEVELOPMENT))
def test_many_spoiled_ledgers(sheet, template_db):
    check(sheet, template_db)
