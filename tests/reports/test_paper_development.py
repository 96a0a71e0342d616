"""发展党员工作台账 as paper (issue 17): the compact A4 layout is one page wide (no column halves on
separate pages), A3 landscape holds the fuller layout in one piece, and Excel never prints at 5 points."""

from __future__ import annotations

from openpyxl import load_workbook
from pypdf import PdfReader

from branchdesk.reports.development import development_ledger, layout_override
from branchdesk.reports.pdf import write_pdf
from branchdesk.reports.registry import Period, build
from branchdesk.reports.xlsx import MIN_SCALE, write_xlsx
from tests.reports.demo_branch import flat
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

PERIOD = Period.year(2026)


def _pages(path):
    return [(round(float(p.mediabox.width)), flat(p.extract_text())) for p in PdfReader(str(path)).pages]


def test_the_compact_a4_layout_is_one_page_wide(demo, tmp_path):
    (ledger,) = build(demo, "development", PERIOD, today=TODAY)
    assert ledger.paper == "A4" and "接收表决（应到/实到/赞成）" in [c.title for c in ledger.columns]
    write_pdf([ledger], tmp_path / "a4.pdf")
    pages = _pages(tmp_path / "a4.pdf")
    assert all(width == 842 for width, _ in pages)  # A4 landscape
    assert not any("部分" in text for _, text in pages)
    assert all("序号" in text and "接收表决" in text for _, text in pages)  # every page has every column


def test_the_a3_layout_prints_the_fuller_columns_on_one_a3_page_width(demo, tmp_path):
    with layout_override("a3"):
        (ledger,) = build(demo, "development", PERIOD, today=TODAY)
    assert ledger.paper == "A3" and len(ledger.columns) == 23
    write_pdf([ledger], tmp_path / "a3.pdf")
    pages = _pages(tmp_path / "a3.pdf")
    assert all(width == 1191 for width, _ in pages)  # A3 landscape
    assert not any("部分" in text for _, text in pages)


def test_the_full_layout_in_excel_prints_legibly_across_pages(demo, tmp_path):
    full = development_ledger(demo.development.all(), "支部", TODAY)
    write_xlsx([full], tmp_path / "full.xlsx")
    ws = load_workbook(tmp_path / "full.xlsx").active
    assert ws.page_setup.scale == MIN_SCALE and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$B"
