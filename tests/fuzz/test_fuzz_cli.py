"""The command line over the corpus of broken files, as a secretary would type it: every refusal is an
exit status of 1 or 2 with clear Chinese lines on stderr (one line for a file that cannot be read),
never a traceback, and the database is exactly as it was."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from branchdesk.cli import main

from . import corpus
from .conftest import _CJK, assert_unchanged, check_message, dump

CASES = list(corpus.all_cases())
ROSTER_CASES = [c for c in CASES if c.kind == corpus.ROSTER]
#: Files that are no workbook, or not one to import (and one good workbook): for restore and --db.
FILE_CASES = [c for c in ROSTER_CASES if c.expect == "refused" or c.name == "header-after-notes"]
#: Files with some bad rows: for --skip-invalid.
ROW_CASES = [c for c in ROSTER_CASES if c.expect in ("errors", "any")]

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    """`branchdesk ARGV` in-process: (exit status, stdout, stderr)."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse refusing the command line
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    return code, captured.out, captured.err


def stderr_lines(err: str) -> list[str]:
    lines = err.splitlines()
    for line in lines:
        assert _CJK.search(line), f"not a Chinese line: {line!r}"
        assert "Error" not in line and "Errno" not in line and "usage:" not in line, line
    return lines


@pytest.fixture
def database(fresh_db_path, data_dir):
    """The copied template database as the command line opens it, and a way to dump it."""
    from branchdesk.db.engine import Database

    def snapshot() -> dict:
        db = Database(f"sqlite:///{fresh_db_path}")
        try:
            return dump(db)
        finally:
            db.dispose()

    return fresh_db_path, snapshot


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_import_of_a_corpus_file(case: corpus.Case, tmp_path, database, capsys):
    path_db, snapshot = database
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    command = [
        "--db",
        str(path_db),
        "import",
        "members" if case.kind == corpus.ROSTER else "development",
        str(path),
    ]
    before = snapshot()

    code, out, err = run(capsys, command)
    lines = stderr_lines(err)
    if case.expect in ("refused", "errors"):
        assert code in (1, 2), (code, out, err)
    if case.expect == "refused":
        assert code == 2 and len(lines) == 1 and lines[0].startswith("错误："), err
        check_message(lines[0])
    if code == 0:
        assert case.expect != "refused"
        once = snapshot()
        assert run(capsys, command)[0] == 0
        assert_unchanged(once, snapshot())  # the second import of the same file changes nothing
        return
    assert code in (1, 2), (code, out, err)
    assert lines, "a refusal says why"
    assert_unchanged(before, snapshot())

    # a dry run checks the same way and writes nothing either
    dry = run(capsys, [*command, "--dry-run"])
    assert dry[0] == code
    assert_unchanged(before, snapshot())


@pytest.mark.parametrize("case", ROW_CASES, ids=[c.id for c in ROW_CASES])
def test_skip_invalid_imports_the_good_rows_of_a_corpus_file_once(
    case: corpus.Case, tmp_path, database, capsys
):
    path_db, snapshot = database
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    command = ["--db", str(path_db), "import", "members", "--skip-invalid", str(path)]
    before = snapshot()
    code, _, err = run(capsys, command)
    stderr_lines(err)
    if code != 0:  # the whole file refused: nothing written
        assert code in (1, 2) and err
        assert_unchanged(before, snapshot())
        return
    once = snapshot()
    assert run(capsys, command)[0] == 0
    assert_unchanged(once, snapshot())


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_restore_from_a_corpus_file_is_refused_and_changes_nothing(case, tmp_path, database, capsys):
    path_db, snapshot = database
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    before = snapshot()
    code, _, err = run(capsys, ["--db", str(path_db), "restore", str(path), "--yes"])
    assert code == 2, err
    lines = stderr_lines(err)
    assert len(lines) == 1 and lines[0].startswith("错误："), err
    assert_unchanged(before, snapshot())
    assert not (path_db.parent / "backups" / "pre-restore").exists() or not any(
        (path_db.parent / "backups" / "pre-restore").iterdir()
    )


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.id for c in FILE_CASES])
def test_a_corpus_file_given_as_the_database_is_refused_untouched(case, tmp_path, data_dir, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    path = case.build(folder)
    content = path.read_bytes() if path.is_file() and case.name != "unreadable" else None
    code, _, err = run(capsys, ["--db", str(path), "check"])
    lines = stderr_lines(err)
    if content == b"" or not path.exists():
        # an empty or new file becomes a new database, as a new file name does; then there is no branch
        assert code in (0, 2)
        return
    assert code == 2 and len(lines) == 1 and lines[0].startswith("错误："), err
    check_message(lines[0])
    if content is not None:
        assert path.read_bytes() == content  # not converted, not switched to WAL, not a byte written


BAD_DATES = [
    "2026-13-01",
    "2026-02-30",
    "abc",
    "",
    "2026-11",
    "0",
    "99999999",
    "1899-12-31",
    "２０２６年１３月",
    "--1",
]


@pytest.mark.parametrize("text", BAD_DATES)
def test_check_with_a_malformed_date(text, database, capsys):
    path_db, _ = database
    code, _, err = run(capsys, ["--db", str(path_db), "check", f"--as-of={text}"])
    assert code == 2
    lines = stderr_lines(err)
    assert len(lines) == 1 and "--as-of" in lines[0], err


@pytest.mark.parametrize("year", ["0", "-1", "1", "99999", "abc", "2026.5", ""])
def test_export_with_an_impossible_year(year, tmp_path, database, capsys):
    path_db, _ = database
    out = tmp_path / "会议.xlsx"
    code, _, err = run(capsys, ["--db", str(path_db), "export", "meetings", f"--year={year}", "-o", str(out)])
    assert code == 2
    lines = stderr_lines(err)
    assert len(lines) == 1 and "年度" in lines[0], err
    assert not out.exists()


def test_export_meetings_of_a_year_that_exists_still_works(tmp_path, database, capsys):
    path_db, _ = database
    out = tmp_path / "会议.xlsx"
    code, _, err = run(capsys, ["--db", str(path_db), "export", "meetings", "--year", "2026", "-o", str(out)])
    assert code == 0 and out.exists(), err


def test_command_line_mistakes_are_one_chinese_line(database, capsys):
    path_db, _ = database
    for argv in (["import"], ["import", "members"], ["bogus"], ["import", "members", "a.xlsx", "b.xlsx"],
                 ["export", "roster"], ["template", "other", "-o", "x.xlsx"]):  # fmt: skip
        code, _, err = run(capsys, ["--db", str(path_db), *argv])
        assert code == 2, argv
        lines = stderr_lines(err)
        assert len(lines) == 1 and lines[0].startswith("错误："), err


def test_writing_where_a_folder_or_a_file_in_use_is(tmp_path, data_dir, capsys, monkeypatch):
    folder = tmp_path / "已有文件夹.xlsx"
    folder.mkdir()
    code, _, err = run(capsys, ["template", "members", "-o", str(folder)])
    assert code == 2 and "文件夹" in err and len(stderr_lines(err)) == 1

    blocker = tmp_path / "不是文件夹"
    blocker.write_text("x")
    code, _, err = run(capsys, ["template", "development", "-o", str(blocker / "模板.xlsx")])
    assert code == 2 and len(stderr_lines(err)) == 1

    # Windows refuses to replace a workbook Excel has open: a PermissionError with the file's name
    import openpyxl

    target = tmp_path / "打开着的模板.xlsx"

    def in_use(self, filename):
        raise PermissionError(errno.EACCES, "The process cannot access the file", str(filename))

    monkeypatch.setattr(openpyxl.Workbook, "save", in_use)
    code, _, err = run(capsys, ["template", "members", "-o", str(target)])
    assert code == 2
    (line,) = stderr_lines(err)
    assert "占用" in line and str(target) in line


def test_an_import_while_the_database_is_locked_writes_nothing(tmp_path, database, capsys):
    path_db, snapshot = database
    path = corpus.file_with(corpus.ROSTER, tmp_path / "名册.xlsx", [corpus.good_row(corpus.ROSTER, 40)])
    before = snapshot()
    other = sqlite3.connect(path_db, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN EXCLUSIVE")  # the program window in the middle of a save
        code, _, err = run(capsys, ["--db", str(path_db), "import", "members", str(path)])
    finally:
        other.rollback()
        other.close()
    assert code == 2
    (line,) = stderr_lines(err)
    assert "占用" in line and "没有写入" in line
    assert_unchanged(before, snapshot())
