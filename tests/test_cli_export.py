"""`branchdesk export`: every ledger of the registry to PDF or Excel, for a year or a period, masked or not."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from branchdesk.cli import main
from branchdesk.reports.registry import ledger_specs, spec

FULL_ID = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9X](?![0-9X])")
YEAR = dt.date.today().year


@pytest.fixture(scope="module")
def db_arg(tmp_path_factory):
    """A demo branch (the command line's own `demo`), shared by the tests of this module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        mp.delenv("BRANCHDESK_DB", raising=False)
        path = tmp_path_factory.mktemp("db") / "branchdesk.sqlite"
        assert main(["--db", str(path), "demo", "--members", "16", "--seed", "4"]) == 0
        yield ["--db", str(path)]


def test_list_names_every_ledger_with_title_and_group(db_arg, capsys):
    assert main([*db_arg, "export", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t") for line in lines] == [[s.key, s.title, s.group] for s in ledger_specs()]


@pytest.mark.parametrize("key", [s.key for s in ledger_specs()])
def test_every_ledger_exports_to_pdf_and_excel(db_arg, key, tmp_path, capsys):
    pdf = tmp_path / f"{key}.pdf"
    assert main([*db_arg, "export", key, "--format", "pdf", "--year", str(YEAR), "-o", str(pdf)]) == 0
    out = capsys.readouterr().out
    pages = PdfReader(str(pdf)).pages
    first = pages[0].extract_text()
    # the ledger's own title, also when its first paper is one meeting's minutes (支部委员会记录)
    assert f"已导出 {spec(key).title}（" in out and f"共 {len(pages)} 页）" in out
    assert f"第 1 页 共 {len(pages)} 页" in first

    xlsx = tmp_path / f"{key}.xlsx"
    assert main([*db_arg, "export", key, "--year", str(YEAR), "-o", str(xlsx)]) == 0
    assert load_workbook(xlsx).worksheets, "the format defaults to Excel"


def test_the_format_follows_the_file_name_and_a_period_can_be_given(db_arg, tmp_path, capsys):
    pdf = tmp_path / "会议.pdf"
    assert main([*db_arg, "export", "meetings", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-06-30",
                 "-o", str(pdf)]) == 0  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "次会议" in capsys.readouterr().out


def test_the_minute_book_is_named_as_a_book_not_after_its_first_meeting(db_arg, tmp_path, capsys):
    pdf = tmp_path / "记录簿.pdf"
    assert main([*db_arg, "export", "minutes", "--year", str(YEAR), "-o", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已导出 会议记录簿（") and "份" in out
    xlsx = tmp_path / "记录簿.xlsx"
    assert main([*db_arg, "export", "minutes", "--year", str(YEAR), "-o", str(xlsx)]) == 0
    assert load_workbook(xlsx).sheetnames == ["会议记录簿"], "every meeting's minutes on one sheet"


def test_development_without_a_period_prints_the_compact_layout_as_pdf(db_arg, tmp_path, capsys):
    from branchdesk.reports.development import COMPACT_KEYS, development_columns

    pdf, xlsx = tmp_path / "发展.pdf", tmp_path / "发展.xlsx"
    assert main([*db_arg, "export", "development", "-o", str(pdf)]) == 0
    out = capsys.readouterr().out
    assert "打印格式" in out and "xlsx" in out
    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    left_out = [c.title for c in development_columns() if c.key not in COMPACT_KEYS]
    assert "思想汇报" in left_out and "思想汇报" not in text
    assert main([*db_arg, "export", "development", "-o", str(xlsx)]) == 0
    assert "打印格式" not in capsys.readouterr().out
    header = [c.value for c in load_workbook(xlsx).active[3]]
    assert len(header) == len(development_columns()), "Excel keeps the full layout (the round trip)"


def test_a_public_roster_shows_no_full_id_number(db_arg, tmp_path, capsys):
    pdf, xlsx = tmp_path / "公示.pdf", tmp_path / "公示.xlsx"
    assert main([*db_arg, "export", "roster", "--mask", "public", "-o", str(pdf)]) == 0
    assert main([*db_arg, "export", "roster", "--mask", "public", "-o", str(xlsx)]) == 0
    text = "\n".join(p.extract_text() for p in PdfReader(str(pdf)).pages)
    assert FULL_ID.search(text) is None and "**********" in text
    cells = [str(c.value) for row in load_workbook(xlsx).active.iter_rows() for c in row if c.value]
    assert not [c for c in cells if FULL_ID.search(c)]
    full = tmp_path / "完整.pdf"
    assert main([*db_arg, "export", "roster", "-o", str(full)]) == 0
    assert FULL_ID.search("\n".join(p.extract_text() for p in PdfReader(str(full)).pages))


def test_mistakes_get_one_clear_line(db_arg, tmp_path, capsys):
    out = str(tmp_path / "x.pdf")
    assert main([*db_arg, "export", "roster", "--year", "2026", "--from", "2026-01-01", "-o", out]) == 2
    assert "--year 与 --from/--to 只能选用一种" in capsys.readouterr().err
    assert main([*db_arg, "export", "meetings", "--from", "2026-06-01", "--to", "2026-01-01", "-o", out]) == 2
    assert "早于开始日期" in capsys.readouterr().err
    assert main([*db_arg, "export", "roster"]) == 2
    assert "-o" in capsys.readouterr().err
    assert main([*db_arg, "export", "-o", out]) == 2
    assert "export --list" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*db_arg, "export", "nonsense", "-o", out])
    assert not (tmp_path / "x.pdf").exists()
