"""Meeting ledgers: 三会一课记录台账, the minute book, 主题党日, 组织生活会 and 民主评议, for a period."""

from __future__ import annotations

import datetime as dt

from branchdesk.reports.ledger import Document, Fields, Heading, Ledger, Paragraph, Table
from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import (  # noqa: F401  (fixture "demo")
    AMENDMENT_REASON,
    AMENDMENT_TEXT,
    NEW_YEAR_THEME,
    TODAY,
    YEAR_END_THEME,
    demo_fixture,
)


def rows(ledger):
    return [{c.key: v for c, v in zip(ledger.columns, r, strict=True)} for r in ledger.rows]


def held(db, year):

    return [m for m in db.meetings.all(year=year) if not m.planned]


def test_the_meeting_ledger_has_one_row_per_meeting_held_in_the_year(demo):
    (ledger,) = build(demo, "meetings", Period.year(2025), today=TODAY)
    meetings = held(demo, 2025)
    assert len(ledger.rows) == len(meetings) > 40
    by_date = sorted((m.date, m.title) for m in meetings)
    assert sorted((r["date"], r["type"]) for r in rows(ledger)) == by_date
    assert [r["date"] for r in rows(ledger)] == sorted(m.date for m in meetings)
    voted = [m for m in meetings if m.votes]
    assert voted
    for m in voted:
        row = next(r for r in rows(ledger) if r["date"] == m.date and r["type"] == m.title)
        for a in m.votes:
            v = a.vote
            assert f"{a.title}（表决：应到{v.expected}，实到{v.present}，赞成{v.yes}" in row["agenda"]
        assert row["agenda"].startswith(f"1.{m.agenda[0].title}")
    with_absent = next(m for m in meetings if m.present < m.expected)
    row = next(r for r in rows(ledger) if r["date"] == with_absent.date and r["type"] == with_absent.title)
    assert (row["expected"], row["present"]) == (with_absent.expected, with_absent.present)
    for a in with_absent.attendance:
        if not a.present:
            assert f"{a.name}（{a.status.label}：{a.reason}）" in row["absent"]
    assert ledger.notes[0].startswith(f"共召开会议 {len(meetings)} 次：")


def test_the_year_boundary_31_december_is_in_and_1_january_is_out(demo):
    (last_year,) = build(demo, "meetings", Period.year(2025), today=TODAY)
    (this_year,) = build(demo, "meetings", Period.year(2026), today=TODAY)
    themes_2025 = [r["theme"] for r in rows(last_year)]
    themes_2026 = [r["theme"] for r in rows(this_year)]
    assert YEAR_END_THEME in themes_2025 and YEAR_END_THEME not in themes_2026
    assert NEW_YEAR_THEME in themes_2026 and NEW_YEAR_THEME not in themes_2025
    (days,) = build(demo, "party_days", Period.year(2025), today=TODAY)
    assert rows(days)[-1]["date"] == dt.date(2025, 12, 31) and rows(days)[-1]["theme"] == YEAR_END_THEME
    december = Period(dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    (month,) = build(demo, "meetings", december, today=TODAY)
    assert {r["date"].month for r in rows(month)} == {12} and YEAR_END_THEME in [
        r["theme"] for r in rows(month)
    ]


def test_planned_meetings_are_not_in_the_ledger(demo):

    planned = [m for m in demo.meetings.all() if m.planned]
    assert planned
    (ledger,) = build(demo, "meetings", Period(dt.date(2025, 1, 1), dt.date(2027, 12, 31)), today=TODAY)
    dates = {(r["date"], r["type"]) for r in rows(ledger)}
    assert not any((m.date, m.title) in dates for m in planned if m.date > TODAY)


def blocks_text(doc: Document) -> list[str]:
    out = []
    for b in doc.blocks:
        if isinstance(b, Heading):
            out.append(f"## {b.text}")
        elif isinstance(b, Paragraph):
            out.append(f"{b.label}{b.text}")
        elif isinstance(b, Table):
            out.append(f"[{b.caption}]")
        elif isinstance(b, Fields):
            out.append("fields")
    return out


def test_the_minute_book_has_every_meeting_and_the_amendment_after_the_original(demo):
    docs = build(demo, "minutes", Period.year(2025), today=TODAY)
    assert all(isinstance(d, Document) for d in docs)
    assert len(docs) == len(held(demo, 2025))
    amended = [
        d for d in docs if any(isinstance(b, Heading) and b.text.startswith("更正记录") for b in d.blocks)
    ]
    assert len(amended) == 1
    doc = amended[0]
    text = blocks_text(doc)
    at = text.index("## 更正记录（定稿后追加，原记录不变）")
    assert any(t.startswith("记录定稿：") for t in text[:at])  # the original record, sealed, comes first
    assert (
        text[at + 1].startswith("更正1：")
        and AMENDMENT_REASON in text[at + 1]
        and AMENDMENT_TEXT in text[at + 1]
    )
    meeting = next(m for m in held(demo, 2025) if m.amendments)
    assert f"更正日期：{meeting.amendments[0].date.isoformat()}" in text[at + 1]
    votes = [b for b in doc.blocks if isinstance(b, Table) and b.caption == "表决情况"]
    assert votes and votes[0].rows[0][1:6] == [
        meeting.votes[0].vote.expected, meeting.votes[0].vote.present, meeting.votes[0].vote.yes,
        meeting.votes[0].vote.no, meeting.votes[0].vote.abstain,
    ]  # fmt: skip
    fields = {k: v for b in doc.blocks if isinstance(b, Fields) for k, v in b.items}
    assert fields["日期"] == meeting.date and fields["主持人"] == meeting.chair
    assert fields["应到人数"] == meeting.expected and fields["有表决权应到"] == meeting.voters_expected
    assert (
        doc.signatures == ["主持人", "记录人"]
        and doc.subject == f"{meeting.date.isoformat()} {meeting.title}"
    )


def test_the_minutes_name_everyone_present_and_the_absent_with_reasons(demo):
    meeting = next(m for m in held(demo, 2025) if m.present < m.expected)
    doc = next(
        d for d in build(demo, "minutes", Period(meeting.date, meeting.date), today=TODAY)
        if d.subject.endswith(meeting.title)
    )  # fmt: skip
    present = next(b for b in doc.blocks if isinstance(b, Paragraph) and b.label == "出席人员：")
    for a in meeting.attendance:
        assert (a.name in present.text) == a.present
    away = next(b for b in doc.blocks if isinstance(b, Table) and b.caption == "缺席和请假人员")
    assert [r[0] for r in away.rows] == [a.name for a in meeting.attendance if not a.present]


def test_organisational_life_record_has_the_remediation_list_with_owners_and_due_dates(demo):
    from branchdesk.domain.meetings import MeetingType

    org = next(m for m in held(demo, 2025) if m.type == MeetingType.ORG_LIFE)
    docs = build(demo, "org_life", Period.year(2025), today=TODAY)
    assert {d.subject for d in docs} == {
        f"{m.date.isoformat()} {m.title}"
        for m in held(demo, 2025)
        if m.type in (MeetingType.ORG_LIFE, MeetingType.TALKS)
    }
    doc = next(d for d in docs if d.subject.endswith("组织生活会"))
    table = next(b for b in doc.blocks if isinstance(b, Table) and b.caption == "整改清单")
    assert [(r[1], r[3], r[4]) for r in table.rows] == [(x.problem, x.owner, x.due) for x in org.remediation]
    talks = next(d for d in docs if d.subject.endswith("谈心谈话"))
    assert any(isinstance(b, Table) and b.caption.startswith("谈心谈话（共") for b in talks.blocks)


def test_appraisal_lists_each_members_grade_with_the_counts(demo):
    from branchdesk.domain.meetings import AppraisalGrade, MeetingType

    appraisal = next(m for m in held(demo, 2025) if m.type == MeetingType.APPRAISAL)
    (ledger,) = build(demo, "appraisal", Period.year(2025), today=TODAY)
    grades = [(g.name, AppraisalGrade.from_label(str(g.grade)).label) for g in appraisal.grades]
    assert [(r["name"], r["grade"]) for r in rows(ledger)] == grades
    excellent = sum(1 for _, label in grades if label == "优秀")
    assert 0 < excellent < len(grades)
    assert f"优秀 {excellent} 人，合格 {len(grades) - excellent} 人" in ledger.notes[1]
    (none,) = build(demo, "appraisal", Period.year(2026), today=TODAY)
    assert none.rows == [] and "没有民主评议党员记录" in none.notes[0]


def test_every_registered_ledger_builds_for_a_year_without_meetings_or_dossiers(demo):
    from branchdesk.reports.registry import ledger_specs

    for spec in ledger_specs():
        reports = build(demo, spec.key, Period.year(2001), today=TODAY)
        assert reports, spec.key
        for r in reports:
            assert r.title and r.branch_name and r.printed_on == TODAY
            if isinstance(r, Ledger):
                assert all(len(row) == len(r.columns) for row in r.rows)
                assert r.totals is None or len(r.totals) == len(r.columns)
            else:
                for b in r.blocks:
                    if isinstance(b, Table):
                        assert all(len(row) == len(b.columns) for row in b.rows)
        if spec.group == "会议":
            assert all(not isinstance(r, Ledger) or r.rows == [] for r in reports), spec.key


def test_the_meeting_ledgers_of_one_job_read_the_meetings_once_and_a_later_job_reads_them_again(
    demo, monkeypatch
):
    """A pack builds five meeting ledgers over one period: the records are read once for all of them;
    the next preview (after an edit, say) reads them afresh."""
    from branchdesk.domain.meetings import ANNUAL_TYPES
    from branchdesk.reports.registry import shared_reads
    from branchdesk.services.meetings import MeetingService

    reads = []
    all_meetings = MeetingService.all
    monkeypatch.setattr(
        MeetingService, "all", lambda self, **kw: reads.append(kw) or all_meetings(self, **kw)
    )
    keys = ("meetings", "minutes", "party_days", "org_life", "appraisal")
    with shared_reads():
        together = [build(demo, key, Period.year(2025), today=TODAY) for key in keys]
    # the year's records, and the next year's annual records (a 2025 组织生活会 held in January 2026)
    assert reads == [{"year": 2025}, {"year": 2026, "types": ANNUAL_TYPES}]
    alone = [build(demo, key, Period.year(2025), today=TODAY) for key in keys]
    assert len(reads) == 2 + len(keys) + 2
    assert [[rows(r) if isinstance(r, Ledger) else r.subject for r in built] for built in together] == [
        [rows(r) if isinstance(r, Ledger) else r.subject for r in built] for built in alone
    ]
