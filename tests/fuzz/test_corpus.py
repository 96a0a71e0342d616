"""Every broken file of the corpus, through both importers' read and apply: a clear Chinese error that
names a real row and column, and a database that is exactly as it was (every table, the audit log too).
Odd but correct files import, and importing them a second time changes nothing."""

from __future__ import annotations

import pytest

from branchdesk.services.dev_import import apply_development, read_development
from branchdesk.services.imports import ImportRefused, apply_roster, read_roster

from . import corpus
from .conftest import TODAY, assert_unchanged, check_errors, dump

CASES = list(corpus.all_cases())

# openpyxl (the fallback for odd files) warns about the minimal style part of the hand-made files
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def read(kind: str, path):
    """(plan, errors, header row, headers of the file) for either importer."""
    if kind == corpus.ROSTER:
        plan = read_roster(path, today=TODAY)
        return plan, plan.errors, plan.header_row, set(plan.columns.values())
    found = read_development(path, today=TODAY)
    return found, found.issues, found.header_row, set(found.columns.values())


def apply(kind: str, db, plan, *, skip_invalid: bool = False):
    if kind == corpus.ROSTER:
        return apply_roster(db, plan, skip_invalid=skip_invalid, today=TODAY)
    return apply_development(db, plan)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_corpus_file_is_refused_clearly_or_imported_whole(case: corpus.Case, tmp_path, fresh_db):
    db = fresh_db
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    before = dump(db)

    plan, errors, header_row, headers = read(case.kind, path)
    check_errors(errors, header_row=header_row, headers=headers)

    if case.expect == "refused":
        assert errors and all(e.row == 0 for e in errors), [str(e) for e in errors]
        assert case.says in errors[0].message, errors[0].message
    elif case.expect == "errors":
        found = {(e.row, e.column) for e in errors}
        missing = [cell for cell in case.cells if cell not in found]
        assert not missing, f"no error for {missing}; errors: {[str(e) for e in errors]}"
    elif case.expect == "ok":
        assert not errors, [str(e) for e in errors]

    if errors:
        with pytest.raises(ImportRefused):
            apply(case.kind, db, plan)
        assert_unchanged(before, dump(db))
        if case.kind == corpus.ROSTER and not any(e.row == 0 for e in errors):
            apply(case.kind, db, plan, skip_invalid=True)  # the good rows only, the bad ones untouched
    else:
        apply(case.kind, db, plan)
        once = dump(db)
        plan, errors, _, _ = read(case.kind, path)
        assert not errors
        apply(case.kind, db, plan)
        assert_unchanged(once, dump(db))  # a second import of the same file changes nothing
