"""Read and apply for either importer, and the property every sheet must have."""

from __future__ import annotations

from pathlib import Path

import pytest

from branchdesk.services.dev_import import apply_development, read_development
from branchdesk.services.imports import ImportRefused, apply_roster, read_roster
from branchdesk.workspace import Workspace

from .conftest import TODAY, assert_unchanged, check_errors, dump
from .corpus import ROSTER


def read(kind: str, path: Path):
    """(plan, errors, header row, headers the importer uses) for either importer."""
    if kind == ROSTER:
        plan = read_roster(path, today=TODAY)
        return plan, plan.errors, plan.header_row, set(plan.columns.values())
    found = read_development(path, today=TODAY)
    return found, found.issues, found.header_row, set(found.columns.values())


def apply(kind: str, db, plan, *, skip_invalid: bool = False):
    ws = Workspace.open(db)
    if kind == ROSTER:
        return apply_roster(ws, plan, skip_invalid=skip_invalid, today=TODAY)
    return apply_development(ws, plan)


def import_twice_or_refuse(
    kind: str, db, path: Path, *, headers: set[str] | None = None, last_row: int | None = None
) -> list:
    """Read `path` and apply it; returns the errors. The properties checked:

    * reading raises nothing (the importers' errors are data, not exceptions);
    * every error is one clear Chinese line naming a row under the header and a column of the file;
    * with errors, applying is refused and no table changes (the audit log included); the roster's
      --skip-invalid imports the rest, and doing that again changes nothing;
    * without errors, the import succeeds and importing the same file again changes nothing.
    """
    plan, errors, header_row, used = read(kind, path)
    check_errors(errors, header_row=header_row, headers=headers if headers is not None else used,
                 last_row=last_row)  # fmt: skip
    before = dump(db)
    if errors:
        with pytest.raises(ImportRefused):
            apply(kind, db, plan)
        assert_unchanged(before, dump(db))
        if kind == ROSTER and not plan.file_errors:
            apply(kind, db, plan, skip_invalid=True)
            once = dump(db)
            apply(kind, db, read(kind, path)[0], skip_invalid=True)
            assert_unchanged(once, dump(db))
        return errors
    apply(kind, db, plan)
    once = dump(db)
    plan, again, _, _ = read(kind, path)
    assert not again
    apply(kind, db, plan)
    assert_unchanged(once, dump(db))
    return errors
