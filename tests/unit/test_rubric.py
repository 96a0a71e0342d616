"""The rubric as data (issue 16): the shipped 评分细则 and the arithmetic of a scored sheet."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from branchdesk.domain.rubric import (
    AUTO,
    MANUAL,
    Evidence,
    ManualScore,
    MetricResult,
    Rubric,
    RubricError,
    Shortfall,
    builtin_rubric,
    score_rubric,
)

D = Decimal


def test_the_red_flag_rubric_has_the_six_dimensions_and_weights_of_the_domain():
    r = builtin_rubric("红旗党支部")
    assert [(d.name, d.points) for d in r.dimensions] == [
        ("政治引领", 15), ("组织建设", 25), ("制度机制", 15), ("服务大局", 15), ("示范带动", 15), ("纪律作风", 15),
    ]  # fmt: skip
    assert r.points == 100


def test_the_model_branch_rubric_has_the_seven_items_and_a_hundred_points():
    r = builtin_rubric("样板支部")
    assert [d.name for d in r.dimensions] == [
        "教育党员有力", "管理党员有力", "监督党员有力", "组织师生有力", "宣传师生有力", "凝聚师生有力", "服务师生有力",
    ]  # fmt: skip
    assert r.points == 100


def test_a_rubric_survives_its_dict_and_its_rows():
    r = builtin_rubric("红旗党支部")
    assert Rubric.from_dict(r.to_dict()) == r
    back = Rubric.from_rows(r.name, r.year, enumerate(r.rows(), start=2))
    assert back == replace(r, note="")  # the sheet holds the items; the note is the rubric's


def _missing(name: str, n: int) -> MetricResult:
    falls = tuple(
        Shortfall(f"补录{m}月第二党小组党小组会记录", 1, Evidence("period", None, f"{m}月"))
        for m in range(3, 3 + n)
    )
    return MetricResult(name, D(n), f"缺{n}次", shortfalls=falls)


def test_two_missing_group_meetings_cost_exactly_the_deduction_and_the_total_adds_up():
    r = builtin_rubric("红旗党支部")
    clean = score_rubric(r, 2026, {})
    group = r.item("2.4")  # 党小组会每月一次: 3 points, 0.5 per missing meeting
    assert (group.points, group.scoring.per_unit) == (3, D("0.5"))
    a = score_rubric(r, 2026, {"meetings.group": _missing("meetings.group", 2)})
    assert a.item("2.4").score == D(2)
    assert a.item("2.4").how == AUTO
    assert a.score == clean.score + 2
    assert a.score == sum(d.score for d in a.dimensions) == sum(i.score for i in a.items())
    texts = [x.text for x in a.actions if x.item_key == "2.4"]
    assert texts == ["补录3月第二党小组党小组会记录 +0.5 分", "补录4月第二党小组党小组会记录 +0.5 分"]


def test_a_deduction_stops_at_the_floor_and_the_actions_say_what_lifts_it():
    r = builtin_rubric("红旗党支部")
    a = score_rubric(r, 2026, {"meetings.party_day": _missing("meetings.party_day", 8)})
    item = a.item("1.2")  # 6 points, 1 per month
    assert item.score == 0
    acts = [x for x in a.actions if x.item_key == "1.2"]
    assert sum(x.points for x in acts) == 6
    assert "连同前 2 项" in acts[0].text


def test_thresholds_score_the_highest_band_reached():
    r = builtin_rubric("红旗党支部")
    rate = MetricResult("attendance.rate", D("0.85"), "出勤率85%", gap_text="提高组织生活出勤率到90%")
    a = score_rubric(r, 2026, {"attendance.rate": rate})
    assert a.item("3.3").score == 2
    [act] = [x for x in a.actions if x.item_key == "3.3"]
    assert (act.text, act.points) == ("提高组织生活出勤率到90% +1 分", 1)  # to the top band


def test_an_item_without_its_metric_or_a_manual_score_is_scored_by_hand():
    r = builtin_rubric("红旗党支部")
    a = score_rubric(r, 2026, {}, {"3.1": ManualScore(D("4.5"), "制度汇编齐全")})
    dues = a.item("2.9")  # dues are not recorded here yet
    assert (dues.how, dues.score, dues.scored) == (MANUAL, 0, False)
    assert "暂无数据来源" in dues.summary
    rules = a.item("3.1")
    assert (rules.score, rules.comment) == (D("4.5"), "制度汇编齐全")
    data = a.to_dict()
    assert set(data) == {"rubric", "year", "score", "max", "dimensions", "actions"}
    assert data["max"] == 100 and data["dimensions"][2]["items"][0]["score"] == 4.5
    assert data["actions"][0]["points"] >= data["actions"][-1]["points"]


def test_a_bad_sheet_is_refused_naming_row_and_field():
    rows = [
        (
            2,
            {
                "维度": "政治引领",
                "评分项目": "主题党日",
                "分值": "五",
                "评分方式": "自动",
                "指标": "meetings.party_day",
            },
        ),
        (3, {"维度": "", "评分项目": "学习", "分值": "3", "评分方式": "人工"}),
        (4, {"维度": "组织建设", "评分项目": "党小组会", "分值": "3", "评分方式": "自动", "指标": "nope"}),
    ]
    with pytest.raises(RubricError) as e:
        Rubric.from_rows("本市细则", 2026, rows, known_metrics={"meetings.party_day"})
    assert e.value.problems == (
        "第2行“分值”“五”不是数字", "第3行“维度”为空", "第4行“指标”“nope”不是本程序的指标（见“指标说明”工作表）",
    )  # fmt: skip
