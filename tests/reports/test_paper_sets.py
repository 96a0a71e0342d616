"""The year's sets (issue 17): 谈心谈话台账 as its own ledger, the 组织生活会 set, and the 民主评议党员
登记表 per person with the 测评汇总 — probationary members take part without a grade."""

from __future__ import annotations

from branchdesk.reports.ledger import Document, Ledger
from branchdesk.reports.pdf import write_pdf
from branchdesk.reports.registry import Period, build
from tests.reports.demo_branch import flat, pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

YEAR = Period.year(2025)


def test_the_talks_ledger_lists_who_talked_with_whom_one_row_per_talk(demo):
    (ledger,) = build(demo, "talks", YEAR, today=TODAY)
    talks = [t for m in demo.meetings.all(year=2025) for t in m.talks if t.date.year == 2025]
    assert talks and len(ledger.rows) == len(talks)
    first = ledger.rows[0]
    assert [c.title for c in ledger.columns][:4] == ["序号", "谈话日期", "谈话人", "谈话对象"]
    assert first[2] and first[3] and first[2] != first[3]
    assert f"共谈心谈话 {len(talks)} 次" in ledger.notes[0]


def test_the_org_life_set_holds_talks_materials_speeches_problems_and_the_tracking(demo, tmp_path):
    docs = build(demo, "org_life_set", YEAR, today=TODAY)
    assert docs and all(isinstance(d, Document) for d in docs)
    headings = [b.text for b in docs[0].blocks if type(b).__name__ == "Heading"]
    for part in ("会前征求意见", "谈心谈话", "对照检查材料", "批评与自我批评", "问题清单", "整改台账"):
        assert any(part in h for h in headings), part
    write_pdf(docs[:1], tmp_path / "set.pdf")
    text = flat("".join(pdf_pages(tmp_path / "set.pdf")))
    assert "党支部（盖章）" in text and "完成时间" in text


def test_each_member_has_an_appraisal_form_and_probationary_members_no_grade(demo, tmp_path):
    reports = build(demo, "appraisal_forms", YEAR, today=TODAY)
    forms = [r for r in reports if isinstance(r, Document)]
    [summary] = [r for r in reports if isinstance(r, Ledger)]
    assert len(forms) == len(summary.rows) > 3
    probationers = [r for r in summary.rows if r[2] == "预备党员"]
    assert probationers and all("不评定等次" in r[4] for r in probationers)
    assert all("不评定等次" not in r[4] for r in summary.rows if r[2] == "正式党员")
    form = next(f for f in forms if f.subject == probationers[0][1])
    opinion = next(b.text for b in form.blocks if getattr(b, "label", "") == "党支部意见：")
    assert opinion == "预备党员参加民主评议，不评定等次。"
    full = next(f for f in forms if f.subject not in {r[1] for r in probationers})
    assert any(type(b).__name__ == "Table" and "民主测评票数" in b.caption for b in full.blocks)
    write_pdf([full, summary], tmp_path / "a.pdf")
    text = flat("".join(pdf_pages(tmp_path / "a.pdf")))
    assert "个人自评" in text and "党员互评意见" in text and "本人（签字）" in text


def test_the_appraisal_form_prints_the_votes_each_grade_received(demo, tmp_path):
    """The 测评票数 per grade come from the record (a probationary member's form has none)."""
    from openpyxl import load_workbook

    from branchdesk.reports.xlsx import write_xlsx

    reports = build(demo, "appraisal_forms", YEAR, today=TODAY)
    forms = {r.subject: r for r in reports if isinstance(r, Document)}
    (appraisal,) = [m for m in demo.meetings.all(year=2025) if m.type.value == "appraisal"]
    best = next(g for g in appraisal.grades if g.votes and str(g.grade) in ("优秀", "excellent"))
    votes = best.votes
    form = forms[best.name]
    (table,) = [b for b in form.blocks if type(b).__name__ == "Table"]
    assert [c.title for c in table.columns] == ["优秀", "合格", "基本合格", "不合格", "合计"]
    assert table.rows == [[*votes, sum(votes)]] and votes[0] > votes[1]

    write_pdf([form], tmp_path / "form.pdf")
    text = flat("".join(pdf_pages(tmp_path / "form.pdf")))
    assert (
        "民主测评票数（按等次）优秀合格基本合格不合格合计" + "".join(map(str, [*votes, sum(votes)])) in text
    )

    ws = load_workbook(write_xlsx([form], tmp_path / "form.xlsx")).active
    header = next(c for row in ws.iter_rows() for c in row if c.value == "优秀")
    assert ws.cell(header.row + 1, header.column).value == votes[0]

    summary = next(r for r in reports if isinstance(r, Ledger))
    assert [c.title for c in summary.columns][5:] == ["优秀票", "合格票", "基本合格票", "不合格票"]
    assert next(r for r in summary.rows if r[1] == best.name)[5:] == list(votes), "the 测评汇总 too"
    probationer = next(r for r in summary.rows if r[2] == "预备党员")
    assert probationer[5:] == [None] * 4
    assert not any(type(b).__name__ == "Table" for b in forms[probationer[1]].blocks), "no grade, no votes"


def test_the_rectification_ledger_shows_each_items_evidence_and_completion_date(demo, tmp_path):
    from openpyxl import load_workbook

    from branchdesk.reports.xlsx import write_xlsx

    (doc, *_) = build(demo, "org_life_set", YEAR, today=TODAY)
    (org,) = [m for m in demo.meetings.all(year=2025) if m.type.value == "org_life"]
    done = next(x for x in org.remediation if x.done_on)
    assert done.evidence

    write_pdf([doc], tmp_path / "set.pdf")
    text = flat("".join(pdf_pages(tmp_path / "set.pdf")))
    assert "整改佐证材料" in text and flat(done.evidence) in text and done.done_on.isoformat() in text

    ws = load_workbook(write_xlsx([doc], tmp_path / "set.xlsx")).active
    cell = next(c for row in ws.iter_rows() for c in row if c.value == done.evidence)
    values = [c.value for c in ws[cell.row] if c.value is not None]
    assert any(getattr(v, "date", lambda: None)() == done.done_on for v in values), (
        "completion date on its row"
    )
    assert "已完成" in values
    assert any(c.value == "整改佐证材料" for row in ws.iter_rows(max_row=cell.row) for c in row)
