"""`branchdesk assess`, `todo` and `rubric list|export|import` as a secretary preparing the visit runs them."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from branchdesk.cli import main
from branchdesk.domain.meetings import MeetingType
from tests.db.readiness_builders import branch_with_members, full_year


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


def test_assess_prints_the_issues_json_and_the_scores_add_up(ws, db_arg, capsys):
    branch_with_members(ws)
    full_year(ws, 2025, skip={(MeetingType.GROUP, 3, "第二党小组"), (MeetingType.GROUP, 4, "第二党小组")})
    assert main([*db_arg, "assess", "--year", "2025", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"rubric", "year", "score", "max", "dimensions", "actions"}
    assert (data["rubric"], data["year"], data["max"]) == ("红旗党支部", 2025, 100)
    for d in data["dimensions"]:
        assert set(d) == {"name", "score", "max", "items"}
        assert d["score"] == pytest.approx(sum(i["score"] for i in d["items"]))
        for i in d["items"]:
            assert set(i) == {"name", "score", "max", "how", "evidence"} and i["how"] in ("auto", "manual")
    assert data["score"] == pytest.approx(sum(d["score"] for d in data["dimensions"]))
    group = data["dimensions"][1]["items"][3]
    assert (group["name"], group["score"]) == ("党小组会每月一次", 2)
    assert {"text": "补录 3 月第二党小组会记录 +0.5 分", "points": 0.5} in data["actions"]
    points = [a["points"] for a in data["actions"]]
    assert points == sorted(points, reverse=True)
    assert main([*db_arg, "assess", "--year", "2025", "--rubric", "样板支部"]) == 0
    assert "样板支部自评（2025年度）" in capsys.readouterr().out
    assert main([*db_arg, "assess", "--rubric", "本省细则"]) == 2
    assert "没有名为“本省细则”的评分细则（现有：红旗党支部、样板支部）" in capsys.readouterr().err


def test_todo_lists_this_months_meetings_and_says_what_to_do_first(ws, db_arg, capsys):
    assert main([*db_arg, "todo", "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out
    assert "本月没有待办事项" in out and "请先导入党员花名册" in out
    branch_with_members(ws)
    ws.meetings.set_records_since(__import__("datetime").date(2026, 1, 1))
    assert main([*db_arg, "todo", "--as-of", "2026-12-01", "--json"]) == 0
    texts = [t["text"] for t in json.loads(capsys.readouterr().out)["todos"]]
    assert "2026年12月主题党日尚未召开" in texts and "2026年12月第二党小组会尚未召开" in texts
    assert "2026年组织生活会尚未召开" in texts


def test_a_rubric_goes_to_excel_and_back_and_a_bad_sheet_changes_nothing(ws, db_arg, capsys, tmp_path):
    sheet = tmp_path / "细则.xlsx"
    assert main([*db_arg, "rubric", "export", str(sheet), "--year", "2026"]) == 0
    wb = load_workbook(sheet)
    rows = wb["评分细则"]
    assert rows["A2"].value == "维度" and rows["C3"].value == "制定年度学习计划并按计划组织学习"
    rows["B1"] = "本市红旗党支部"
    rows["D4"] = 5  # 1.2 主题党日: 6 → 5 points
    wb.save(sheet)
    assert main([*db_arg, "rubric", "import", str(sheet)]) == 0
    assert "已导入评分细则“本市红旗党支部”（2026年）" in capsys.readouterr().out
    assert ws.readiness.rubric("本市红旗党支部", 2026).points == 99
    rows["D4"] = "五分"
    rows["E5"] = "机器"
    rows["F6"] = "meetings.nothing"
    rows["C3"] = "改过的名称"
    wb.save(sheet)
    assert main([*db_arg, "rubric", "import", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "未导入任何内容" in err
    assert "第4行“分值”“五分”不是数字" in err and "第5行“评分方式”应为“自动”或“人工”，不是“机器”" in err
    assert "第6行“指标”“meetings.nothing”不是本程序的指标" in err
    kept = ws.readiness.rubric("本市红旗党支部", 2026)
    assert kept.points == 99 and kept.item("1.1").name == "制定年度学习计划并按计划组织学习"
    assert main([*db_arg, "rubric", "list"]) == 0
    out = capsys.readouterr().out
    assert "红旗党支部　6 个维度" in out and "本市红旗党支部" in out and "本支部版本：2026年" in out
