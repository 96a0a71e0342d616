"""The public copy (脱敏版) of every ledger: nothing on it identifies a person beyond the name.

Issue 17: the masked roster printed the full birth date beside the masked ID number (8 of the 10 hidden
digits restored), kept the 失联 remark and did not say it was a masked copy.
"""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.reports.ledger import Document, Fields, Ledger, Paragraph, Table
from branchdesk.reports.pdf import format_value
from branchdesk.reports.registry import Period, build, ledger_specs
from tests.reports.demo_branch import FULL_ID, flat, pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

PERIOD = Period.year(2026)


def texts(report) -> list[str]:
    """Every cell and field of a report as the writers print it."""
    out: list[str] = [report.title, report.period, *getattr(report, "notes", [])]
    if isinstance(report, Ledger):
        for row in report.rows:
            out += [format_value(c.kind, v) for c, v in zip(report.columns, row, strict=False)]
        return out
    for block in report.blocks:
        if isinstance(block, Table):
            for row in block.rows:
                out += [format_value(c.kind, v) for c, v in zip(block.columns, row, strict=False)]
        elif isinstance(block, Fields):
            out += [format_value("text", v) for _, v in block.items]
        elif isinstance(block, Paragraph):
            out.append(block.text)
    return out


@pytest.fixture(scope="module")
def identifying(demo):
    """What identifies the demo's people: birth dates, phones, addresses, the notes on their files."""
    from branchdesk.services.members import MemberQuery

    values: set[str] = set()
    people = list(demo.members.records(MemberQuery(statuses=None)))
    for r in people:
        if r.birth_date:
            values |= {
                r.birth_date.isoformat(),
                f"{r.birth_date.year}年{r.birth_date.month}月{r.birth_date.day}日",
            }
        values |= {v for v in (r.mobile, r.landline, r.address) if v}
        if len(r.notes) >= 8:
            values.add(r.notes)
    for d in demo.development.all():
        if d.person.birth_date:
            values.add(d.person.birth_date.isoformat())
    assert any("失联" in r.notes or "查找" in r.notes for r in people)  # the 失联 remark is there to hide
    return values


@pytest.mark.parametrize("key", [s.key for s in ledger_specs()])
def test_the_public_copy_of_every_ledger_hides_what_identifies_a_person(demo, identifying, key):
    full = build(demo, key, PERIOD, today=TODAY)
    public = build(demo, key, PERIOD, today=TODAY, mask="public")
    assert len(public) == len(full)
    for report in public:
        assert "脱敏版" in report.period
        for text in texts(report):
            assert not FULL_ID.search(text), (key, text)
            leaked = [v for v in identifying if v in text]
            assert not leaked, (key, leaked)


def test_the_masked_roster_keeps_the_birth_year_and_says_it_is_a_public_copy(demo, tmp_path):
    from branchdesk.reports.pdf import write_pdf

    public = build(demo, "roster", PERIOD, today=TODAY, mask="public")
    write_pdf(public, tmp_path / "roster.pdf")
    pages = [flat(p) for p in pdf_pages(tmp_path / "roster.pdf")]
    assert all("脱敏版" in p for p in pages)
    (roster,) = public
    births = [row[[c.key for c in roster.columns].index("birth_date")] for row in roster.rows]
    assert births and all(isinstance(b, str) and b.endswith("年") and len(b) == 5 for b in births if b)
    assert not any(FULL_ID.search(p) for p in pages)


def test_the_inspectors_copy_is_unchanged(demo):
    (roster,) = build(demo, "roster", PERIOD, today=TODAY)
    assert "脱敏版" not in roster.period
    assert any(isinstance(row[4], dt.date) for row in roster.rows)
    assert isinstance(roster, Ledger) and not isinstance(roster, Document)
