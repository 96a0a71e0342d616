"""党费收缴台账 and the registers of mobile and lost-contact members, from the member files."""

from __future__ import annotations

import datetime as dt

from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def rows(ledger):
    return [{c.key: v for c, v in zip(ledger.columns, r, strict=True)} for r in ledger.rows]


def members(db, **flags):
    from branchdesk.services.members import MemberQuery

    records = db.members.records(MemberQuery())
    return [m for m in records if all(getattr(m, k) == v for k, v in flags.items())]


def test_dues_ledger_counts_the_months_from_what_the_member_files_hold(demo):
    (ledger,) = build(demo, "dues", Period.year(2025), today=TODAY)
    assert ledger.title == "党费收缴台账" and ledger.period == "2025年度"
    assert not any(c.title[-1] == "月" for c in ledger.columns)  # no per-month payments the database lacks
    by_name = {r["name"]: r for r in rows(ledger)}

    service = demo.members
    for r in rows(ledger):
        assert r["paid_months"] + r["unpaid_months"] == r["due_months"] <= 12
        if r["monthly"] is not None:
            assert r["due_amount"] == r["monthly"] * r["due_months"]
            assert r["paid_amount"] == r["monthly"] * r["paid_months"]
    whole_year = [
        m for m in members(demo)
        if m.join_date and m.join_date < dt.date(2025, 1, 1) and not m.transferred_in_date
        and m.dues_paid_to and m.dues_paid_to >= dt.date(2025, 12, 1) and m.name in by_name
    ]  # fmt: skip
    assert whole_year
    for m in whole_year:
        r = by_name[m.name]
        assert (r["due_months"], r["paid_months"], r["unpaid_months"]) == (12, 12, 0)
        assert r["monthly"] == service.get(m.id).dues_monthly_fen
    totals = dict(zip([c.key for c in ledger.columns], ledger.totals, strict=True))
    assert totals["due_amount"] == sum(r["due_amount"] or 0 for r in rows(ledger))
    assert totals["unpaid_months"] == sum(r["unpaid_months"] for r in rows(ledger))


def test_a_member_six_months_behind_is_flagged_and_this_months_dues_are_not_yet_late(demo):
    (ledger,) = build(demo, "dues", Period.year(2026), today=TODAY)  # 23 November: due up to October
    assert "应交月数计至2026年10月" in ledger.notes[0]
    for r in rows(ledger):
        if r["paid_to"] == "2026年10月":
            assert r["unpaid_months"] == 0
    lost = members(demo, lost_contact=True)
    assert lost
    for m in lost:
        r = next(r for r in rows(ledger) if r["name"] == m.name)
        assert r["unpaid_months"] >= 6 and "未交纳党费" in r["notes"]


def test_lost_contact_register_as_of_the_period_end(demo):
    lost = members(demo, lost_contact=True)
    since = min(m.lost_contact_since for m in lost)
    (now,) = build(demo, "lost_members", Period.year(2026), today=TODAY)
    assert sorted(r["name"] for r in rows(now)) == sorted(m.name for m in lost)
    long_lost = [r for r in rows(now) if r["months"] >= 6]
    assert all("停止党籍审查" in r["notes"] for r in long_lost)
    assert f"失联满6个月的 {len(long_lost)} 人" in now.notes[0]
    before = Period(dt.date(since.year, 1, 1), since - dt.timedelta(days=1))
    (earlier,) = build(demo, "lost_members", before, today=TODAY)
    assert earlier.rows == [] and earlier.notes[0].startswith("共 0 人")


def test_mobile_register_lists_the_mobile_members_with_where_they_went(demo):
    mobile = members(demo, is_mobile_member=True)
    assert mobile
    (ledger,) = build(demo, "mobile_members", Period.year(2026), today=TODAY)
    assert {r["name"]: r["whereabouts"] for r in rows(ledger)} == {
        m.name: m.mobile_whereabouts for m in mobile
    }
    (public,) = build(demo, "mobile_members", Period.year(2026), today=TODAY, mask="public")
    for full, masked in zip(rows(ledger), rows(public), strict=True):
        assert full["mobile"] and masked["mobile"] != full["mobile"] and "****" in masked["mobile"]
        assert masked["id_number"] != full["id_number"]
