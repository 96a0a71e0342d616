"""The secretary's year in dues, study hours, volunteer service, 联系服务, 示范岗 and the brand project scores
itself in the self-assessment (issues 14–16): each metric's exact value, band and evidence on a small
built year; an area the branch keeps no records of stays for the hand; the 工作台 and the annual summary
quote the same figures."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from branchdesk.domain.activities import (
    Activity,
    Assignment,
    AssignmentKind,
    BrandProject,
    Participant,
    StudyRecord,
    StudySource,
)
from branchdesk.domain.dues import month_index
from branchdesk.domain.members import MemberFields
from branchdesk.domain.rubric import AUTO, MANUAL
from branchdesk.services.dues import PaymentInput

Y = 2025
AS_OF = dt.date(2026, 3, 1)
NAMES = ("甲党员", "乙党员", "丙党员", "丁党员")
AREA_METRICS = ("dues.on_time", "study.hours_32", "activities.volunteer", "assignments.coverage",
                "assignments.model_posts", "activities.brand_projects")  # fmt: skip


def four_members(ws) -> dict[str, int]:
    groups = [g.id for g in ws.branch.groups()]
    ids = {}
    for n, name in enumerate(NAMES):
        ids[name] = ws.members.create(
            MemberFields(name=name, join_date=dt.date(2000 + n, 7, 1), conversion_date=dt.date(2001 + n, 7, 1),
                         member_type="full", group_id=groups[n % 2], dues_monthly_fen=2000)
        ).id  # fmt: skip
    ws.branch.appoint(ids["甲党员"], "secretary", dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    return ids


def study(ws, ids, hours: dict[str, int], day=dt.date(Y, 3, 1)) -> None:
    ws.study.save_records([
        StudyRecord(name, day, Decimal(h), StudySource.ONLINE, member_id=ids[name], title="网上党校")
        for name, h in hours.items()
    ])  # fmt: skip


@pytest.fixture
def year(ws):
    """A year of four members (甲 the secretary): dues, study hours, a volunteer day, assignments, a project."""
    ids = four_members(ws)
    ws.dues.set_since(dt.date(Y, 1, 1))
    pays = []
    for name in NAMES:
        for month in range(1, 13):
            if name == "丁党员" and month >= 9:
                continue  # 丁 stops paying in September
            late = name == "丙党员" and month == 3
            paid_on = dt.date(Y, 4, 5) if late else dt.date(Y, month, 10)
            pays.append(PaymentInput(ids[name], paid_on, (month_index((Y, month)),)))
    ws.dues.record_payments(pays)
    study(ws, ids, {"甲党员": 60, "乙党员": 40, "丙党员": 32, "丁党员": 10})
    volunteers = tuple(Participant(n, Decimal(3), ids[n]) for n in NAMES[:3])
    project = ws.activities.save_project(BrandProject("银龄守护", start=dt.date(2024, 3, 1)))
    ws.activities.save(Activity(dt.date(Y, 5, 18), "志愿服务", "社区敬老志愿服务", participants=volunteers,
                                project_id=project.id))  # fmt: skip
    ws.activities.save(Activity(dt.date(Y, 6, 1), "参观学习", "参观纪念馆",
                                participants=(Participant("丁党员", Decimal(2), ids["丁党员"]),)))  # fmt: skip
    start = dt.date(Y, 2, 1)
    ws.assignments.save(
        Assignment("甲党员", AssignmentKind.DORMITORY, start, member_id=ids["甲党员"], target="3号楼")
    )
    ws.assignments.save(
        Assignment("乙党员", AssignmentKind.CLASS, start, member_id=ids["乙党员"], target="计算机2101")
    )
    ws.assignments.save(Assignment("丙党员", AssignmentKind.PAIR, start, member_id=ids["丙党员"], target="结对帮扶",
                                   people="张同学"))  # fmt: skip
    ws.assignments.save(Assignment("丁党员", AssignmentKind.POST, start, member_id=ids["丁党员"],
                                   post_kind="党员示范岗", target="实验室安全示范岗"))  # fmt: skip
    return ids


def test_each_metric_of_the_year_has_its_exact_value_band_and_evidence(ws, year):
    m = ws.readiness.metrics(Y, AS_OF, names=set(AREA_METRICS))
    assert {k: m[k].value for k in AREA_METRICS} == {
        "dues.on_time": Decimal(3) / 4, "study.hours_32": Decimal(3) / 4, "activities.volunteer": Decimal(3) / 4,
        "assignments.coverage": 1, "assignments.model_posts": 1, "activities.brand_projects": 1,
    }  # fmt: skip
    assert m["dues.on_time"].gap_text == "1名党员欠交党费（丁党员）" and m["dues.on_time"].action == "dues"
    hours = m["study.hours_32"]
    assert hours.gap_text == "1名党员本年学习学时不足32（丁党员）" and hours.action == "activities"
    assert [s.text for s in hours.shortfalls] == ["为丁党员补录或安排学习学时（本年10学时，差22学时）"]
    assert [e.label for e in m["activities.brand_projects"].evidence] == ["银龄守护：本年开展活动1次"]
    assert m["activities.brand_projects"].summary == "本年度在建党建品牌（立项）项目1个"

    a = ws.readiness.assess(Y, as_of=AS_OF)
    scores = {k: (a.item(k).how, a.item(k).score) for k in ("1.4", "2.9", "4.1", "4.2", "5.1", "5.2")}
    assert scores == {"1.4": (AUTO, 0), "2.9": (AUTO, 0), "4.1": (AUTO, 4), "4.2": (AUTO, 7), "5.1": (AUTO, 3),
                      "5.2": (AUTO, 5)}  # fmt: skip
    texts = {x.text: x.target for x in a.actions}
    assert texts["1名党员本年学习学时不足32（丁党员） +3 分"] == "activities"
    assert texts["1名党员欠交党费（丁党员） +3 分"] == "dues"
    # 丁 makes up the hours: every member reaches the line, the item its top band
    study(ws, year, {"丁党员": 22}, dt.date(Y, 11, 1))
    assert ws.readiness.metrics(Y, AS_OF, names={"study.hours_32"})["study.hours_32"].value == 1
    y = ws.readiness.assess(Y, "样板支部", as_of=AS_OF)
    assert (y.item("1.3").score, y.item("5.2").score, y.item("7.2").score) == (5, 5, 3)


def test_the_secretary_needs_56_hours(ws, year):
    m = ws.readiness.metrics(Y, AS_OF, names={"study.hours_32"})["study.hours_32"]
    assert m.value == Decimal(3) / 4  # 甲 has 60 of the secretary's 56
    study(ws, year, {"丁党员": 22}, dt.date(Y, 11, 1))
    ws.branch.appoint(year["乙党员"], "organisation", dt.date(2024, 1, 1), dt.date(2027, 1, 1))
    m = ws.readiness.metrics(Y, AS_OF, names={"study.hours_32"})["study.hours_32"]
    assert m.value == Decimal(3) / 4  # 乙's 40 hours are short of a committee member's 56
    assert [s.text for s in m.shortfalls] == ["为乙党员补录或安排学习学时（本年40学时，差16学时）"]


def test_an_area_without_records_stays_for_the_hand(ws):
    four_members(ws)
    assert not set(ws.readiness.metrics(Y, AS_OF)) & set(AREA_METRICS)
    a = ws.readiness.assess(Y, as_of=AS_OF)
    for key in ("1.4", "2.9", "4.1", "4.2", "5.1", "5.2"):
        assert (a.item(key).how, a.item(key).scored) == (MANUAL, False), key
    assert "暂无数据来源" in a.item("2.9").summary
    draft = ws.readiness.summary_text(Y)
    assert "四、存在的不足和下一步打算" in draft and "党费收缴" not in draft


def test_the_workbench_and_the_annual_summary_quote_the_same_figures(ws, year):
    todos = {t.text: t for t in ws.workbench.todos(dt.date(Y, 12, 15))}
    assert "丁党员已连续3个月未交纳党费（2025年9月至11月），请提醒交纳" in todos
    hours = todos["1名党员本年学习学时不足32（书记、支委56），请在年底前补学或补录学时（丁党员）"]
    assert (hours.target, hours.due, hours.overdue) == ("activities", dt.date(Y, 12, 31), False)
    june = [t.text for t in ws.workbench.todos(dt.date(Y, 6, 15)) if t.area == "学习"]
    assert june == ["1名党员学习学时落后于进度（按月折算至6月底应达全年的6/12）：丁党员"]  # 10 < 16
    study(ws, year, {"丁党员": 22}, dt.date(Y, 11, 1))
    assert not [t for t in ws.workbench.todos(dt.date(Y, 12, 15)) if t.area == "学习"]
    draft = ws.readiness.summary_text(Y)
    assert "四、党员教育管理和服务工作" in draft and "五、存在的不足和下一步打算" in draft
    assert "党费收缴：全年收缴党费" in draft and "4名党员中3名按时交纳党费" in draft
    assert "全年开展活动2次" in draft


def test_the_demo_has_a_data_source_for_every_area_item(tmp_path, data_dir, capsys):
    from branchdesk.cli import main
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    path = tmp_path / "demo.sqlite"
    db, _ = open_database(resolve_location(str(path)), user="测试用户")
    generate(db, members=24, seed=2, today=dt.date(2026, 11, 23))
    db.dispose()
    for rubric in ("红旗党支部", "样板支部"):
        assert main(["--db", str(path), "assess", "--year", "2025", "--rubric", rubric, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert not [a["text"] for a in data["actions"] if "暂无数据来源" in a["text"]]
        names = {"党员年度学习不少于32学时", "党费按时足额交纳", "联系服务师生全覆盖", "设立党员示范岗",
                 "党建品牌或立项项目"}  # fmt: skip
        items = {i["name"]: i["how"] for d in data["dimensions"] for i in d["items"]}
        assert {items[n] for n in names} == {"auto"}
