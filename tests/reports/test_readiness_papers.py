"""The printed readiness papers (issue 16): the 自评表, the 年度工作总结, and the pack in the rubric's order
that the inspectors follow with their sheet, bookmarked by dimension and item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pypdf import PdfReader

from branchdesk.reports.readiness import build_rubric_pack
from branchdesk.reports.registry import Period, build
from tests.reports.demo_branch import TODAY, YEAR, flat, open_demo, pdf_pages


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("readiness")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder / "data"))
        ws, _ = open_demo(folder)
        yield ws


def _outline(reader, items, depth=0):
    out = []
    for item in items:
        if isinstance(item, list):
            out.extend(_outline(reader, item, depth + 1))
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item) + 1))
    return out


def test_the_self_assessment_prints_every_item_with_its_basis_and_the_total(demo, tmp_path):
    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.xlsx import write_xlsx

    demo.readiness.set_manual_score("红旗党支部", YEAR, "3.1", 5, "三会一课、发展党员、党费制度汇编成册")
    [sheet] = build(demo, "self_assessment", Period.year(YEAR), today=TODAY)
    a = demo.readiness.assess(YEAR, as_of=TODAY)
    assert sheet.totals[3:5] == ["100", str(a.score.normalize())]
    assert len(sheet.rows) == 6 + len(a.items())
    write_pdf([sheet], tmp_path / "自评表.pdf")
    text = flat("".join(pdf_pages(tmp_path / "自评表.pdf")))
    assert "红旗党支部自评表" in text and "三会一课、发展党员、党费制度汇编成册" in text
    assert "党小组会每月一次" in text and "迎检前可提分的事项" in text
    write_xlsx([sheet], tmp_path / "自评表.xlsx")


def test_the_pack_follows_the_rubric_self_assessment_first_then_items_with_their_ledgers(demo, tmp_path):
    from branchdesk.domain.rubric import Rubric, builtin_rubric

    # the city's own sheet, short: the shipped rubric's first two dimensions, two items each
    full = builtin_rubric("红旗党支部").to_dict()
    full["name"] = "本市细则"
    full["dimensions"] = [dict(d, items=d["items"][1:3]) for d in full["dimensions"][:2]]
    demo.readiness.save_rubric(Rubric.from_dict(full), YEAR)
    done = build_rubric_pack(
        demo, Period.year(YEAR), tmp_path, rubric="本市细则", today=TODAY, invariant=True
    )
    reader = PdfReader(done.path)
    outline = _outline(reader, reader.outline)
    top = [t for d, t, _ in outline if d == 0]
    assert top[:3] == ["本市细则自评表", f"{YEAR}年度工作计划", f"{YEAR}年度工作总结"]
    assert [t.split("（")[0] for t in top[3:]] == ["政治引领", "组织建设"]
    items = [t for d, t, _ in outline if d == 1]
    assert [t.split("（")[0] for t in items] == ["1.2 每月开展主题党日", "1.3 按期上党课，书记每年至少讲一次",
                                                "2.2 支部党员大会每季度至少一次", "2.3 支部委员会会议每月一次"]  # fmt: skip
    # 2.2 cites the meeting ledgers 1.3 already printed: its page points there
    later = flat(
        pdf_pages(done.path)[next(p for d, t, p in outline if t.startswith("评分项目佐证：2.2")) - 1]
    )
    assert "“三会一课”记录台账（见“1.3按期上党课，书记每年至少讲一次”）" in later
    # under 1.2 (主题党日): the item's page, then the 主题党日 ledger
    at = next(i for i, (d, t, _) in enumerate(outline) if t.startswith("1.2 "))
    assert [t for _, t, _ in outline[at + 1 : at + 3]] == [
        "评分项目佐证：1.2 每月开展主题党日（含微党课）",
        "主题党日活动记录",
    ]
    pages = [d_t_p[2] for d_t_p in outline]
    assert pages == sorted(pages)  # in print order
    first_item_page = flat(pdf_pages(done.path)[outline[at + 1][2] - 1])
    assert "评分项目佐证" in first_item_page and "佐证记录" in first_item_page


def test_the_annual_summary_is_drafted_from_the_figures_edited_and_printed(demo):
    draft = demo.readiness.summary_text(YEAR)
    assert "年度工作总结（草稿）" in draft and "全年共召开各类会议" in draft and "主题党日" in draft
    demo.readiness.save_summary(YEAR, draft.replace("（草稿）", "") + "\n五、其他\n支部被评为先进。")
    [doc] = build(demo, "annual_summary", Period.year(YEAR), today=TODAY)
    assert doc.title == f"{YEAR}年度工作总结"
    assert any(getattr(b, "text", "") == "五、其他" for b in doc.blocks)


def test_the_plan_prints_its_dated_items_and_what_is_done(demo):
    from branchdesk.services.readiness import PlanItem

    r = demo.readiness
    first = r.add_plan_item(PlanItem(None, YEAR, dt.date(YEAR, 7, 1), "七一主题党日：重温入党誓词"))
    r.add_plan_item(PlanItem(None, YEAR, dt.date(YEAR, 12, 20), "支部委员会换届选举"))
    r.complete_plan_item(first, dt.date(YEAR, 7, 1))
    [plan] = build(demo, "annual_plan", Period.year(YEAR), today=TODAY)
    assert [row[2:4] for row in plan.rows] == [["七一主题党日：重温入党誓词", "已完成（2026年7月1日）"],
                                              ["支部委员会换届选举", "未完成"]]  # fmt: skip
    assert plan.notes == ["共 2 项，已完成 1 项。"]


def test_the_areas_that_landed_score_their_items_from_their_records(demo):
    """Dues, study hours, volunteer service and 联系服务 plug their metrics in (services/activity_metrics.py,
    services/dues_readiness.py): the items they score are automatic, with their evidence."""
    m = demo.readiness.metrics(YEAR, TODAY)
    a = demo.readiness.assess(YEAR, as_of=TODAY)
    for key, metric in (("1.4", "study.hours_32"), ("2.9", "dues.on_time"), ("4.1", "activities.volunteer"),
                        ("4.2", "assignments.coverage"), ("5.1", "assignments.model_posts")):  # fmt: skip
        if metric in m:  # the demo keeps these records: scored from them
            assert a.item(key).how == "auto" and 0 <= a.item(key).score <= a.item(key).max, key
        else:
            assert a.item(key).how == "manual", key
    assert {"study.hours_32", "assignments.coverage"} <= set(m)
    coverage = demo.assignments.coverage(dt.date(YEAR, 11, 22))
    assert m["assignments.coverage"].value == Decimal(coverage.assigned) / coverage.members
