"""Issue 11 §9: a workbook that unpacks to far more than any roster is refused at once, clearly."""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest

from branchdesk.services.xlsx_reader import XlsxFileError, open_sheet
from tests.db.test_import_members import good_rows, roster_file


def _bomb(path, target_mb: int):
    """A real roster whose sharedStrings part is replaced by one that expands enormously."""
    good = roster_file(path.with_name("good.xlsx"), good_rows())
    with (
        zipfile.ZipFile(good) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                continue
            out.writestr(info, data)
        filler = b"<si><t>" + b"A" * 1_000_000 + b"</t></si>"
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            for _ in range(target_mb):
                part.write(filler)
            part.write(b"</sst>")
    return path


@pytest.mark.parametrize("target_mb", [600])
def test_a_shared_strings_bomb_is_refused_quickly_and_in_little_memory(tmp_path, target_mb):
    bomb = _bomb(tmp_path / "bomb.xlsx", target_mb)
    assert bomb.stat().st_size < 5 * 1024 * 1024  # a few MB on disk
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(XlsxFileError) as refused, open_sheet(bomb) as sheet:
        list(sheet.rows())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert "过大" in str(refused.value)
    assert seconds < 5 and peak < 50 * 1024 * 1024


def test_the_import_says_so_in_one_line(tmp_path, db, location, capsys):
    from branchdesk.cli import main

    bomb = _bomb(tmp_path / "bomb.xlsx", 600)
    assert main(["--db", str(location.sqlite_path), "import", "members", str(bomb)]) == 2
    err = capsys.readouterr().err
    assert "过大" in err and "Traceback" not in err
