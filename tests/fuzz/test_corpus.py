"""Every broken file of the corpus, through both importers' read and apply: a clear Chinese error that
names a real row and column, and a database that is exactly as it was (every table, the audit log too).
Odd but correct files import, and importing them a second time changes nothing."""

from __future__ import annotations

import pytest

from . import corpus
from .harness import import_twice_or_refuse, read

CASES = list(corpus.all_cases())

# openpyxl (the fallback for odd files) warns about the minimal style part of the hand-made files
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_corpus_file_is_refused_clearly_or_imported_whole(case: corpus.Case, tmp_path, fresh_db):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)

    _, errors, _, _ = read(case.kind, path)
    if case.expect == "refused":
        assert errors and all(e.row == 0 for e in errors), [str(e) for e in errors]
        assert case.says in errors[0].message, errors[0].message
    elif case.expect == "errors":
        found = {(e.row, e.column) for e in errors}
        missing = [cell for cell in case.cells if cell not in found]
        assert not missing, f"no error for {missing}; errors: {[str(e) for e in errors]}"
    elif case.expect == "ok":
        assert not errors, [str(e) for e in errors]

    import_twice_or_refuse(case.kind, fresh_db, path)
