"""Signature blocks as on the official forms (issue 17): 日期 on every one, 党支部（盖章） where the form
has a seal, （签字） in Excel as in PDF; the finalising account's name, never an OS user name; the
self-check in Chinese and out of the pack unless chosen."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from branchdesk.reports.pdf import write_pdf
from branchdesk.reports.registry import Period, build, ledger_specs
from branchdesk.reports.xlsx import write_xlsx
from tests.reports.demo_branch import flat, pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

PERIOD = Period.year(2026)
CODE = re.compile(r"\b(?:DEV|MTG|MEM|CON)-[A-Z0-9-]+")


def test_every_signature_block_has_a_date_and_sealed_forms_the_branch_seal(demo, tmp_path):
    roster = build(demo, "roster", PERIOD, today=TODAY)
    minutes = build(demo, "minutes", PERIOD, today=TODAY)[:1]
    write_pdf([*roster, *minutes], tmp_path / "s.pdf")
    pages = [flat(p) for p in pdf_pages(tmp_path / "s.pdf")]
    roster_end = next(p for p in reversed(pages) if "党员花名册" in p and "填表人（签字）" in p)
    assert "党支部（盖章）" in roster_end and "日期：年月日" in roster_end
    minutes_end = pages[-1]
    assert "记录人（签字）" in minutes_end and "日期：年月日" in minutes_end
    assert "党支部（盖章）" not in minutes_end  # minutes carry no seal


def test_excel_signature_lines_say_sign_here_as_the_pdf_does(demo, tmp_path):
    reports = (
        build(demo, "probationary", PERIOD, today=TODAY) + build(demo, "minutes", PERIOD, today=TODAY)[:1]
    )
    write_xlsx(reports, tmp_path / "s.xlsx")
    book = load_workbook(tmp_path / "s.xlsx")
    for sheet in book.worksheets:
        values = [str(c.value) for row in sheet.iter_rows() for c in row if c.value]
        signs = [v for v in values if "签字" in v]
        assert signs, sheet.title
        assert any("日期：" in v for v in values), sheet.title
    first = [str(c.value) for row in book.worksheets[0].iter_rows() for c in row if c.value]
    assert any("填表人（签字）：" in v for v in first) and any("党支部（盖章）" in v for v in first)


def test_a_finalised_record_names_the_account_never_the_operating_system_user(demo):
    from dataclasses import replace

    from branchdesk.reports.meetings import minutes_document

    meeting = next(m for m in demo.meetings.all(year=2026) if m.sealed)
    doc = minutes_document(replace(meeting, sealed_by="root"), branch_name="支部", period_label="2026年度",
                           printed_on=TODAY)  # fmt: skip
    text = "".join(getattr(b, "text", "") for b in doc.blocks)
    assert "root" not in text
    doc = minutes_document(replace(meeting, sealed_by="wang"), branch_name="支部", period_label="2026年度",
                           printed_on=TODAY, accounts={"wang": "王书记"})  # fmt: skip
    assert "（王书记）" in "".join(getattr(b, "text", "") for b in doc.blocks)


def test_the_self_check_speaks_chinese_and_stays_out_of_the_pack_unless_chosen(demo):
    from branchdesk.reports.pack import pack_specs

    (summary,) = build(demo, "compliance", PERIOD, today=TODAY)
    assert summary.rows
    for row in summary.rows:
        assert not CODE.search("".join(str(v) for v in row)), row
    assert not any(CODE.search(n) for n in summary.notes)
    assert "compliance" not in [s.key for s in pack_specs()]
    assert "compliance" in [s.key for s in pack_specs(["compliance"])]
    assert "compliance" in [s.key for s in ledger_specs()]  # still printable on its own


def test_the_signature_block_of_the_minutes_never_stands_alone_on_a_page(demo, tmp_path):
    minutes = build(demo, "minutes", PERIOD, today=TODAY)
    write_pdf(minutes, tmp_path / "m.pdf")
    pages = [flat(p) for p in pdf_pages(tmp_path / "m.pdf")]
    signed = [p for p in pages if "主持人（签字）" in p]
    assert len(signed) == len(minutes)
    for page in signed:
        head, _, _ = page.partition("主持人（签字）")
        assert "记录定稿" in head or "状态：" in head or "更正" in head, head[-80:]
