"""发展党员纪实表: one form per person with every stage, the votes, the rule findings and the 卷内目录."""

from __future__ import annotations

import datetime as dt

from branchdesk.reports.ledger import Document, Fields, Heading, Paragraph, Table
from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import LATE_TALK, TODAY, demo_fixture  # noqa: F401  (fixture "demo")


def records(db, period):
    docs = build(db, "dossier_record", period, today=TODAY)
    assert all(isinstance(d, Document) for d in docs)
    return {d.subject: d for d in docs}


def headings(doc) -> list[str]:
    return [b.text for b in doc.blocks if isinstance(b, Heading)]


def fields(doc) -> dict:
    return {k: v for b in doc.blocks if isinstance(b, Fields) for k, v in b.items}


def tables(doc, caption) -> list[Table]:
    return [b for b in doc.blocks if isinstance(b, Table) and b.caption == caption]


def table_after(doc, heading_text) -> Table:
    """The first table after the heading whose text contains ``heading_text``."""
    seen = False
    for b in doc.blocks:
        if isinstance(b, Heading):
            seen = heading_text in b.text
        elif seen and isinstance(b, Table):
            return b
    raise AssertionError(f"no table under {heading_text}")


def index_entries(table) -> list[tuple[str, str]]:
    """The 卷内目录's (name, state) pairs in order: the left half, then the right half."""
    left = [(r[1], r[2]) for r in table.rows]
    right = [(r[4], r[5]) for r in table.rows if r[3] is not None]
    return left + right


def dossiers(db):

    return db.development.all()


def vote_counts(row):
    return tuple(row[1:6])


def test_a_member_converted_this_year_has_the_whole_record_with_both_votes(demo):
    converted = [
        d for d in dossiers(demo) if d.conversion_approval and d.conversion_approval.date.year == 2026
    ]
    assert converted
    docs = records(demo, Period.year(2026))
    for d in converted:
        doc = docs[d.person.name]
        assert doc.title == "发展党员纪实表" and doc.orientation == "portrait"
        assert doc.signatures == ["填表人", "支部书记"] and doc.branch_name
        assert headings(doc)[:6] == [
            "一、基本情况", "二、申请入党", "三、入党积极分子的确定和培养教育", "四、发展对象的确定和考察",
            "五、预备党员的接收", "六、预备党员的教育考察和转正",
        ]  # fmt: skip
        votes = {row[0]: row for t in tables(doc, "支部大会表决") for row in t.rows}
        a, c = d.admission_vote, d.conversion_vote
        assert vote_counts(votes["接收预备党员"]) == (a.expected, a.present, a.yes, a.no, a.abstain)
        assert vote_counts(votes["预备党员转正"]) == (c.expected, c.present, c.yes, c.no, c.abstain)
        assert votes["预备党员转正"][-1] == "通过"
        f = fields(doc)
        assert f["当前状态"] == "正式党员"
        assert f["入党志愿书编号"] == d.volunteer_form_number
        assert f["转正日期"] == d.probation_end and f["上级党委审批日期"] == d.conversion_approval.date
        assert f["入党介绍人"] == "、".join(s.name for s in d.sponsors)
        talks = tables(doc, "党组织派人谈话")[0]
        first = d.first_talk
        assert talks.rows[0] == [first.date, "、".join(first.interviewers), first.place, first.summary]
        assessed = tables(doc, "培养教育考察")[0]
        assert [r[0] for r in assessed.rows] == sorted(x.date for x in d.assessments)


def test_last_years_record_stops_at_the_end_of_last_year(demo):
    later = [
        d for d in dossiers(demo)
        if d.conversion_approval and d.conversion_approval.date.year == 2026 and d.approval.date.year == 2025
    ]  # fmt: skip
    assert later
    docs = records(demo, Period.year(2025))
    for d in later:
        doc = docs[d.person.name]
        assert doc.period == "截至2025年12月31日"
        assert fields(doc)["当前状态"] == "预备党员"
        votes = [row[0] for t in tables(doc, "支部大会表决") for row in t.rows]
        assert votes == ["接收预备党员"]  # the conversion vote of 2026 is not there yet
        assert fields(doc)["提出转正申请日期"] is None


def test_only_dossiers_in_progress_during_the_period_are_printed(demo):
    docs = records(demo, Period.year(2026))
    for d in dossiers(demo):
        begun = d.application_date is None or d.application_date <= TODAY
        ended = d.outcome_date or d.full_member_date
        expected = begun and (ended is None or ended >= dt.date(2026, 1, 1))
        assert (d.person.name in docs) == expected, d.person.name
    applied_2026 = [d for d in dossiers(demo) if d.application_date and d.application_date.year == 2026]
    assert applied_2026 and not any(d.person.name in records(demo, Period.year(2025)) for d in applied_2026)


def test_the_rule_findings_of_the_dossier_are_listed_with_code_and_severity(demo):
    doc = records(demo, Period.year(2026))[LATE_TALK]
    findings = table_after(doc, "规则检查结果")
    assert [c.title for c in findings.columns] == ["规则代码", "性质", "所涉步骤", "问题说明"]
    late = [r for r in findings.rows if r[0] == "DEV-TALK-1M"]
    assert len(late) == 1 and late[0][1] in ("严重", "提醒") and "谈话" in late[0][3]
    assert "2026年" in late[0][3]  # the dates involved are named
    clean = records(demo, Period.year(2026))
    ok = [
        doc for doc in clean.values()
        if any(isinstance(b, Paragraph) and b.text.startswith("未发现") for b in doc.blocks)
    ]  # fmt: skip
    assert ok  # well-kept dossiers say so


def test_the_dossier_index_lists_every_material_filed_or_not(demo):
    from branchdesk.domain.development import DossierItem

    archived = [d for d in dossiers(demo) if d.archive_date is not None]
    assert archived
    docs = records(demo, Period.year(2026))
    for d in archived:
        entries = index_entries(table_after(docs[d.person.name], "卷内目录"))
        assert [name.rstrip("*") for name, _ in entries] == [i.label for i in DossierItem]
        for (_, state), item in zip(entries, DossierItem, strict=True):
            assert state == ("已归档" if item in d.checklist else "缺")
    states = {
        name.rstrip("*"): state for name, state in index_entries(table_after(docs[LATE_TALK], "卷内目录"))
    }
    assert states["入党申请书"] == "未归档" and states["入党志愿书"] == "尚未形成"
    names = [name for name, _ in index_entries(table_after(docs[LATE_TALK], "卷内目录"))]
    assert "入党申请书*" in names and "思想汇报" in names  # required materials are marked


def test_a_withdrawn_dossier_says_how_it_ended(demo):
    from branchdesk.domain.development import Outcome

    gone = [d for d in dossiers(demo) if d.outcome is Outcome.WITHDRAWN]
    assert gone
    for d in gone:
        period = Period(d.outcome_date, d.outcome_date)
        doc = records(demo, period)[d.person.name]
        assert "终止情况" in "".join(headings(doc))
        assert fields(doc)["结果"] == "本人撤回申请" and fields(doc)["日期"] == d.outcome_date


def test_the_public_copy_masks_the_id_number(demo):
    full = records(demo, Period.year(2026))
    public = {
        d.subject: d for d in build(demo, "dossier_record", Period.year(2026), today=TODAY, mask="public")
    }
    for name, doc in full.items():
        number = fields(doc)["公民身份号码"]
        assert number and fields(public[name])["公民身份号码"] != number
        assert number[-4:] == fields(public[name])["公民身份号码"][-4:]
