"""The 党费 ledgers on the demo branch (issue 14): the 党费收缴台账 with a column per month that adds up,
marks for months paid elsewhere or outside the branch, the members in arrears noted, signature lines;
the 党费上缴台账 against what was collected; a member's 党费缴纳证明; the old yearly summary is gone."""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.dues import month_index
from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def rows(ledger):
    return [{c.key: v for c, v in zip(ledger.columns, r, strict=True)} for r in ledger.rows]


def test_the_collection_ledger_has_a_column_per_month_that_adds_up(demo):
    (ledger,) = build(demo, "dues", Period.year(2026), today=TODAY)
    titles = [c.title for c in ledger.columns]
    assert (
        titles[6:18] == [f"{m}月" for m in range(1, 13)] and "比例" in titles and "计缴基数（元）" in titles
    )
    assert not any("不记录逐月" in n for n in ledger.notes)
    assert ledger.signatures == ["收缴人", "日期", "支部书记", "日期"]
    table = rows(ledger)
    totals = dict(zip([c.key for c in ledger.columns], ledger.totals, strict=True))
    for m in range(1, 13):
        column = [r[f"m{m}"] for r in table if isinstance(r[f"m{m}"], int)]
        assert (totals[f"m{m}"] or 0) == sum(column)
    for r in table:
        assert r["total"] == sum(r[f"m{m}"] for m in range(1, 13) if isinstance(r[f"m{m}"], int))
    assert totals["total"] == demo.dues.balance(2026)[0]
    # a member who is three months behind is noted; December is not yet due on 23 November
    arrears = {a.name: a for a in demo.dues.arrears(TODAY)}
    behind = [r for r in table if r["name"] in arrears and not arrears[r["name"]].exempt]
    assert behind and all("欠交" in r["notes"] for r in behind if r["name"] in arrears)
    assert all(r["m12"] in (None, "—", "外地") for r in table)


def test_months_outside_the_branch_and_paid_elsewhere_are_marked(demo):
    (ledger,) = build(demo, "dues", Period.year(2026), today=TODAY)
    marks = {v for r in rows(ledger) for k, v in r.items() if k.startswith("m") and isinstance(v, str)}
    assert "外地" in marks  # the 流动党员 paying where they are
    year = demo.dues.year(2026)
    joined = [s for s in year.members if s.first > month_index((2026, 1))]
    assert joined
    by_name = {r["name"]: r for r in rows(ledger)}
    for s in joined:
        first_month = s.first - month_index((2026, 1)) + 1
        assert all(by_name[s.name][f"m{m}"] == "—" for m in range(1, first_month)), s.name


def test_the_remittance_ledger_shows_what_was_collected_and_handed_over(demo):
    (ledger,) = build(demo, "dues_remittances", Period.year(2026), today=TODAY)
    table = rows(ledger)
    assert table and all(r["receipt"] for r in table)
    assert all(r["difference"] == r["collected"] - r["remitted"] for r in table)
    _collected, remitted, diff = demo.dues.balance(2026)
    assert (
        remitted == sum(r["remitted"] for r in table) and diff > 0
    )  # the last quarter is not handed over yet


def test_a_members_dues_certificate_lists_the_months(demo):
    from branchdesk.reports.dues import dues_certificate
    from branchdesk.reports.ledger import Paragraph, Table

    someone = next(s for s in demo.dues.spans() if s.last_payable is None and not s.lost and s.first < 24000)
    doc = dues_certificate(demo, someone.member_id, TODAY)
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert (table.rows[0][0], table.rows[-1][0], len(table.rows)) == (
        "2025年1月",
        "2026年10月",
        22,
    )  # from the first dues month
    text = next(b for b in doc.blocks if isinstance(b, Paragraph)).text
    assert someone.name in text and text.endswith("特此证明。")


def test_the_dues_ledgers_print(demo, tmp_path):
    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.xlsx import write_xlsx

    ledgers = [*build(demo, "dues", Period.year(2026), today=TODAY),
               *build(demo, "dues_remittances", Period.year(2026), today=TODAY)]  # fmt: skip
    write_pdf(ledgers, tmp_path / "dues.pdf")
    write_xlsx(ledgers, tmp_path / "dues.xlsx")
    from tests.reports.demo_branch import flat, pdf_pages

    text = flat("".join(pdf_pages(tmp_path / "dues.pdf")))
    assert "党费收缴台账" in text and "收缴人（签字）" in text and "党费上缴台账" in text
    assert dt.date.today()  # (the files open: LibreOffice look in the report)


def test_the_demo_pays_like_a_real_branch(demo):
    """Most pay in the month, a few a month late, one pays three months at once, one is three months
    behind; nobody pays while lost contact or after a transfer out."""
    from branchdesk.domain.dues import month_index as mi
    from branchdesk.services.members import MemberQuery

    payments = demo.dues.payments()
    on_time = [p for p in payments if len(p.months) == 1 and mi(p.paid_on) == p.months[0]]
    late = [p for p in payments if len(p.months) == 1 and mi(p.paid_on) == p.months[0] + 1]
    assert len(on_time) > 10 * len(late) > 0
    assert [len(p.months) for p in payments if len(p.months) > 1] == [3]
    behind = [a for a in demo.dues.arrears(TODAY) if a.run == 3]
    assert len(behind) == 1
    everyone = demo.members.records(MemberQuery(statuses=None))
    for m in everyone:
        mine = [p for p in payments if p.member_id == m.id]
        if m.lost_contact and m.lost_contact_since:
            assert all(
                p.paid_on < m.lost_contact_since and p.months[-1] < mi(m.lost_contact_since) for p in mine
            )
        if m.status == "transferred_out":
            assert all(p.months[-1] < mi(m.status_date) for p in mine), m.name
        start = max(d for d in (m.join_date, m.transferred_in_date) if d) if m.join_date else None
        assert all(start is not None and p.paid_on >= start for p in mine), m.name
