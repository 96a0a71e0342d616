"""检查情况汇总: the findings of `branchdesk check` for a period, grouped, with counts."""

from __future__ import annotations

import datetime as dt

from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import LATE_TALK, TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def rows(ledger):
    return [{c.key: v for c, v in zip(ledger.columns, r, strict=True)} for r in ledger.rows]


def test_this_years_summary_has_the_findings_branchdesk_check_reports_today(demo):
    (ledger,) = build(demo, "compliance", Period.year(2026), today=TODAY)
    report = demo.compliance.check(TODAY)
    # the rule's title, not its code (issue 17: the summary speaks Chinese)
    listed = {(r["rule"], r["subject"]) for r in rows(ledger) if r["area"] == "发展党员"}
    assert listed == {(f.title, f.person) for f in report.findings}  # every dossier is in progress this year
    talk_title = next(f.title for f in report.findings if f.code == "DEV-TALK-1M")
    assert (talk_title, LATE_TALK) in listed
    late = next(r for r in rows(ledger) if r["subject"] == LATE_TALK)
    assert late["severity"] in ("严重", "提醒") and late["where"] == "第2步 党组织派人谈话"
    assert "2026年5月20日" in late["message"] or "2026年3月2日" in late["message"]

    meeting_rows = [r for r in rows(ledger) if r["area"] == "会议记录"]
    this_year = [
        f for f in report.meeting_findings if (f.dates.get("meeting") or f.dates["period_end"]).year == 2026
    ]
    assert len(meeting_rows) == len(this_year)
    assert (
        ledger.notes[0].startswith("检查日期 2026年11月23日")
        and f"发现 {len(ledger.rows)} 个问题" in ledger.notes[0]
    )
    assert talk_title in ledger.notes[1] and "DEV-TALK-1M" not in ledger.notes[1]


def test_rows_are_grouped_by_area_then_severity_then_rule(demo):
    (ledger,) = build(demo, "compliance", Period.year(2026), today=TODAY)
    keys = [(r["area"] != "发展党员", r["severity"] != "严重") for r in rows(ledger)]
    assert keys == sorted(keys)
    # the findings of one rule stand together
    runs = [(k, r["rule"]) for k, r in zip(keys, rows(ledger), strict=True)]
    seen, last = set(), None
    for run in runs:
        assert run == last or run not in seen, run
        seen.add(run)
        last = run
    assert [r["seq"] for r in rows(ledger)] == list(range(1, len(keys) + 1))


def test_last_years_summary_holds_last_years_meeting_findings_only(demo):
    (ledger,) = build(demo, "compliance", Period.year(2025), today=TODAY)
    assert ledger.period == "2025年度"
    assert ledger.notes[0].startswith("检查日期 2025年12月31日")
    for r in rows(ledger):
        if r["area"] == "会议记录":
            assert r["where"].startswith("2025-") and r["message"].startswith("2025年")
        else:
            assert r["subject"] != LATE_TALK  # applied in 2026


def test_a_period_without_records_says_nothing_was_found(demo):
    (ledger,) = build(demo, "compliance", Period(dt.date(2001, 1, 1), dt.date(2001, 12, 31)), today=TODAY)
    assert ledger.rows == []
    assert ledger.notes[0].endswith("未发现问题。")
