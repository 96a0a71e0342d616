"""The registers of mobile and lost-contact members, from the member files (党费: test_ledgers_dues.py)."""

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
