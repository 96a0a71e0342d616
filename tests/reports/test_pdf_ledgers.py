"""Every registered ledger, built from a demo branch, printed to PDF and saved to Excel.

The ledgers come from the registry, so a ledger added later is covered by these tests as it is.
"""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from branchdesk.reports.ledger import Document, Ledger
from branchdesk.reports.pdf import format_value, write_pdf
from branchdesk.reports.registry import Period, build, ledger_specs
from branchdesk.reports.xlsx import write_xlsx

from .demo_branch import FULL_ID, TODAY, YEAR, flat, open_demo, pdf_pages

KEYS = [s.key for s in ledger_specs()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        db, summary = open_demo(tmp_path_factory.mktemp("demo"))
        yield db, summary
        db.db.dispose()


def _names(report: Ledger) -> list[str]:
    keys = [c.key for c in report.columns]
    if "name" in keys:
        i = keys.index("name")
        return [row[i] for row in report.rows if row[i]]
    return []


@pytest.mark.parametrize("key", KEYS)
def test_every_ledger_prints_with_title_branch_names_and_page_numbers(demo, key, tmp_path):
    db, summary = demo
    reports = build(db, key, Period.year(YEAR), today=TODAY)
    assert reports, f"{key}: the demo branch gives something to print"
    result = write_pdf(reports, tmp_path / f"{key}.pdf")

    pages = pdf_pages(result.path)
    assert len(pages) == result.pages
    assert f"第 1 页 共 {result.pages} 页" in pages[0]
    assert all(f"第 {n} 页 共 {result.pages} 页" in text for n, text in enumerate(pages, start=1))
    whole = flat("".join(pages))
    first = reports[0]
    assert flat(first.title) in flat(pages[0]) and flat(summary.branch_name) in flat(pages[0])
    assert flat(first.period) in flat(pages[0])
    for report in reports:
        assert flat(report.title) in whole
        if isinstance(report, Ledger):
            for name in _names(report):
                assert flat(name) in whole, f"{key}: {name} is printed"
            for row in report.rows[:5]:
                for column, value in zip(report.columns, row, strict=False):
                    text = format_value(column.kind, value)
                    if text and column.kind in ("date", "int", "id_number"):
                        assert flat(text) in whole, f"{key}: {column.title} {text} is printed"
        else:
            assert flat(report.subject) in whole
    assert result.outline[0] == (result.outline[0][0], 1)
    assert result.missing == {}, "the demo names are all in the bundled font"


@pytest.mark.parametrize("key", KEYS)
def test_every_ledger_saves_to_excel_with_its_values(demo, key, tmp_path):
    db, _ = demo
    reports = build(db, key, Period.year(YEAR), today=TODAY)
    path = write_xlsx(reports, tmp_path / f"{key}.xlsx")
    wb = load_workbook(path)
    ledgers = [r for r in reports if isinstance(r, Ledger)]
    for ledger, ws in zip(ledgers, wb.worksheets, strict=False):
        assert ws["A1"].value == ledger.title
        assert ws.page_setup.paperSize in ("9", 9) and ws.page_setup.orientation == ledger.orientation
        header = [c.value for c in ws[3]]
        assert header == [c.title for c in ledger.columns]
        values = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=3 + len(ledger.rows))]
        for written, row in zip(values, ledger.rows, strict=True):
            for column, cell, value in zip(ledger.columns, written, row, strict=False):
                if value in (None, ""):
                    continue
                if column.kind == "date":
                    assert isinstance(cell, dt.datetime) and cell.date() == value
                elif column.kind == "int":
                    assert cell == value
                elif column.kind in ("id_number", "phone"):
                    assert cell == str(value)
    if any(isinstance(r, Document) for r in reports):
        text = " ".join(
            str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
        )
        for document in (r for r in reports if isinstance(r, Document)):
            assert document.subject in text


@pytest.mark.parametrize("key", KEYS)
def test_a_public_copy_shows_no_full_id_number(demo, key, tmp_path):
    db, _ = demo
    full = build(db, key, Period.year(YEAR), today=TODAY)
    public = build(db, key, Period.year(YEAR), today=TODAY, mask="public")
    pdf_full = "\n".join(pdf_pages(write_pdf(full, tmp_path / "full.pdf").path))
    pdf_public = "\n".join(pdf_pages(write_pdf(public, tmp_path / "public.pdf").path))
    assert FULL_ID.search(pdf_public) is None
    wb = load_workbook(write_xlsx(public, tmp_path / "public.xlsx"))
    cells = [
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert not [text for text in cells if FULL_ID.search(text)]
    has_ids = any(c.kind == "id_number" for r in full if isinstance(r, Ledger) for c in r.columns)
    if has_ids and any(isinstance(r, Ledger) and r.rows for r in full):
        assert FULL_ID.search(pdf_full), "the inspector's copy does show them (the test can tell)"
        assert "**********" in pdf_public


def test_one_file_holds_every_ledger_with_contents_and_bookmarks(demo, tmp_path):
    """The inspection pack's PDF: title page, contents with page numbers, one bookmark per ledger."""
    from pypdf import PdfReader

    db, summary = demo
    reports = [r for key in KEYS for r in build(db, key, Period.year(YEAR), today=TODAY)]
    result = write_pdf(reports, tmp_path / "pack.pdf", title=f"{YEAR}年度迎检台账", toc=True)

    reader = PdfReader(str(result.path))
    assert len(reader.pages) == result.pages
    cover = reader.pages[0].extract_text()
    front = result.outline[0][1] - 1  # the title page and the contents pages
    contents = "\n".join(reader.pages[i].extract_text() for i in range(1, front))
    assert f"{YEAR}年度迎检台账" in cover and summary.branch_name in cover
    assert flat("目录") in flat(contents)
    for _, page in result.outline:
        assert page > 2
        assert f"第 {page} 页 共 {result.pages} 页" in reader.pages[page - 1].extract_text()
    ledger_entries = list(result.outline)
    assert [p for _, p in ledger_entries] == sorted(p for _, p in ledger_entries)
    for title, page in ledger_entries:
        line = next(line for line in contents.splitlines() if flat(title.split("：")[-1]) in flat(line))
        assert line.rstrip().endswith(str(page)), f"contents: {title} on page {page}"
    # each meeting's minutes are listed under the book they belong to, not under their own titles
    assert flat("会议记录簿") in flat(contents)
    assert not [line for line in contents.splitlines() if flat(line).startswith("支部委员会记录")]
    bookmarks = [b.title for b in reader.outline if not isinstance(b, list)]
    ledger_titles = [r.title for r in reports if isinstance(r, Ledger)]
    assert ledger_titles == [t for t in bookmarks if t in set(ledger_titles)]
    assert bookmarks.count("发展党员纪实表") == 1 and bookmarks.count("会议记录簿") == 1, "one per book"
    # a multi-ledger file also prints each ledger's own page count
    second = result.outline[1][1]
    assert "本表第 1 页" in reader.pages[second - 1].extract_text()
