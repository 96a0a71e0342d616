"""`branchdesk import activities FILE [--dry-run]` as a secretary runs it: the volunteer team leader's
sheet (one row per participant) imports; a sheet with a names column imports; a sheet with three bad
rows (a name nobody has, an impossible date, a kind the branch lacks) says which rows and writes
nothing; the volunteer ledger exported to Excel imports back into an empty branch, and into the database
it came from (every activity skipped as already held; a changed figure is a row error)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook

from branchdesk.cli import main
from branchdesk.domain.members import MemberFields


def sheet(path, header, rows, *, title_rows=()):
    wb = Workbook()
    ws = wb.active
    for row in title_rows:
        ws.append(list(row))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


@pytest.fixture
def people(ws):
    for name in ("张三", "李四", "王芳"):
        ws.members.create(
            MemberFields(name=name, join_date=dt.date(2010, 7, 1), conversion_date=dt.date(2011, 7, 1))
        )
    return ws


def test_one_row_per_participant_and_a_names_column(tmp_path, db_arg, people, capsys):
    ws = people
    rows = sheet(tmp_path / "敬老院.xlsx", ["日期", "活动名称", "类型", "地点", "姓名", "时长（小时）", "其他人员", "其他人员时长"], [
        [dt.date(2026, 10, 18), "走访幸福里敬老院", "志愿服务", "幸福里敬老院", "张三", 2.5, 5, 12.5],
        [dt.date(2026, 10, 18), "走访幸福里敬老院", "志愿服务", "", "李四", 2, None, None],
        ["2026-11-08", "社区义诊", "", "学府社区", "王芳", 3, 0, 0],
    ], title_rows=[["银龄守护志愿服务队活动登记表"]])  # fmt: skip
    assert main([*db_arg, "import", "activities", str(rows), "--dry-run"]) == 0
    assert "2 次活动，参加党员、积极分子 3 人次" in capsys.readouterr().out
    assert ws.activities.list(2026) == []
    assert main([*db_arg, "import", "activities", str(rows)]) == 0
    visit, clinic = ws.activities.all(2026)
    assert [(p.name, p.hours) for p in visit.participants] == [("张三", Decimal("2.5")), ("李四", 2)]
    assert (visit.others_count, visit.others_hours, visit.place) == (5, Decimal("12.5"), "幸福里敬老院")
    assert clinic.kind == "志愿服务" and clinic.participants[0].name == "王芳"
    # the same file again: nothing doubled, the two activities skipped as already held
    assert main([*db_arg, "import", "activities", str(rows)]) == 0
    assert "已导入 0 次活动，参加党员、积极分子 0 人次；跳过 2 条已有记录" in capsys.readouterr().out
    assert len(ws.activities.all(2026)) == 2
    # the same activity with another figure for one participant: the row and the column are named
    changed = sheet(tmp_path / "改.xlsx", ["日期", "活动名称", "类型", "地点", "姓名", "时长（小时）", "其他人员", "其他人员时长"], [
        [dt.date(2026, 10, 18), "走访幸福里敬老院", "志愿服务", "幸福里敬老院", "张三", 2.5, 5, 12.5],
        [dt.date(2026, 10, 18), "走访幸福里敬老院", "志愿服务", "", "李四", 3, None, None],
    ])  # fmt: skip
    assert main([*db_arg, "import", "activities", str(changed)]) == 1
    assert (
        "第 3 行，时长（小时）：2026-10-18已有名为“走访幸福里敬老院”的活动记录，但“李四”的时长不同（已有2小时，表中3小时）"
        in capsys.readouterr().err
    )

    names = sheet(tmp_path / "names.xlsx", ["活动日期", "活动名称", "活动类型", "参加人员", "时长"], [
        ["2026-12-01", "微党课：青年的担当", "微党课", "张三1、李四、王芳", 0.5],
        ["2026-12-02", "集中学习", "主题教育", "张三、王芳（各2小时）", None],
    ])  # fmt: skip
    assert main([*db_arg, "import", "activities", str(names)]) == 0
    lecture = next(a for a in ws.activities.all(2026) if a.kind == "微党课")
    assert [(p.name, p.hours) for p in lecture.participants] == [
        ("张三", 1),
        ("李四", Decimal("0.5")),
        ("王芳", Decimal("0.5")),
    ]


def test_a_file_with_three_bad_rows_writes_nothing(tmp_path, db_arg, people, capsys):
    ws = people
    bad = sheet(tmp_path / "bad.xlsx", ["日期", "活动名称", "类型", "姓名", "时长"], [
        ["2026-10-18", "走访敬老院", "志愿服务", "张三", 2],
        ["2026-10-18", "走访敬老院", "志愿服务", "赵无名", 2],
        ["2026-02-30", "植树", "志愿服务", "李四", 2],
        ["2026-03-12", "宣讲", "理论宣讲", "王芳", 1],
    ])  # fmt: skip
    assert main([*db_arg, "import", "activities", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "第 3 行，姓名：“赵无名”不在花名册或积极分子名单中" in err
    assert "第 4 行，日期：" in err and "第 5 行，类型：没有活动类型“理论宣讲”" in err
    assert "有 3 行存在错误，未导入任何数据" in err
    assert ws.activities.list(2026) == []
    assert main([*db_arg, "import", "activities", str(tmp_path / "none.xlsx")]) != 0


def test_the_exported_ledger_imports_back(tmp_path, db_arg, people, capsys):
    from branchdesk.domain.activities import Activity, Participant
    from branchdesk.reports.registry import Period, build
    from branchdesk.reports.xlsx import write_xlsx

    ws = people
    members = {m.name: m.id for m in ws.roster.read().members}
    ws.activities.save(Activity(date=dt.date(2026, 5, 4), kind="志愿服务", title="植树护绿", place="校园东区",
                                participants=(Participant("张三", Decimal("2.5"), members["张三"]),
                                              Participant("王芳", Decimal(2), members["王芳"])),
                                others_count=4, others_hours=Decimal(8), content="种树20棵"))  # fmt: skip
    path = write_xlsx(build(ws, "activities", Period.year(2026)), tmp_path / "台账.xlsx")
    ws.activities.delete(ws.activities.list(2026)[0].id)
    assert main([*db_arg, "import", "activities", str(path)]) == 0, capsys.readouterr().err
    [back] = ws.activities.all(2026)
    assert [(p.name, p.hours) for p in back.participants] == [("张三", Decimal("2.5")), ("王芳", 2)]
    assert (back.others_count, back.others_hours, back.place, back.content) == (4, 8, "校园东区", "种树20棵")


def test_a_participant_transferred_out_since_still_imports_back(tmp_path, db_arg, people, capsys):
    """The ledger names who took part on the day; a member who has left the branch since (or an applicant
    who is not an activist any more) is still that participant, not "不在花名册"."""
    from branchdesk.domain.activities import Activity, Participant
    from branchdesk.reports.registry import Period, build
    from branchdesk.reports.xlsx import write_xlsx
    from branchdesk.services.members import StatusChange

    ws = people
    members = {m.name: m.id for m in ws.roster.read().members}
    ws.activities.save(Activity(date=dt.date(2026, 5, 4), kind="志愿服务", title="植树护绿", place="校园东区",
                                participants=(Participant("张三", Decimal("2.5"), members["张三"]),
                                              Participant("王芳", Decimal(2), members["王芳"]))))  # fmt: skip
    ws.members.change_status(
        members["王芳"], StatusChange("transferred_out", dt.date(2026, 9, 1), "工作调动")
    )
    path = write_xlsx(build(ws, "activities", Period.year(2026)), tmp_path / "台账.xlsx")
    ws.activities.delete(ws.activities.list(2026)[0].id)
    assert main([*db_arg, "import", "activities", str(path)]) == 0, capsys.readouterr().err
    [back] = ws.activities.all(2026)
    assert [(p.name, p.member_id) for p in back.participants] == [
        ("张三", members["张三"]),
        ("王芳", members["王芳"]),
    ]


def test_study_hours_from_the_online_school_list(tmp_path, db_arg, people, capsys):
    ws = people
    good = sheet(tmp_path / "网上党校.xlsx", ["姓名", "日期", "学时", "类别", "内容"], [
        ["张三", "2026-05-20", 8, "网络课程", "网上党校专题培训"],
        ["李四", dt.date(2026, 6, 1), 6.5, "", "学院集中轮训"],
    ], title_rows=[["2026年网上党校学时汇总"]])  # fmt: skip
    assert main([*db_arg, "import", "study", str(good)]) == 0
    assert "已导入 2 条学时记录" in capsys.readouterr().out
    hours = {h.name: h.total for h in ws.study.hours(2026)}
    assert hours["张三"] == 8 and hours["李四"] == Decimal("6.5")
    # the same list again with one more line: the two held records are skipped, not doubled
    more = sheet(tmp_path / "网上党校2.xlsx", ["姓名", "日期", "学时", "类别", "内容"], [
        ["张三", "2026-05-20", 8, "网络课程", "网上党校专题培训"],
        ["李四", dt.date(2026, 6, 1), 6.5, "", "学院集中轮训"],
        ["王芳", "2026-06-02", 2, "学习", "学习贯彻全会精神"],
    ])  # fmt: skip
    assert main([*db_arg, "import", "study", str(more)]) == 0
    assert "已导入 1 条学时记录；跳过 2 条已有记录" in capsys.readouterr().out
    assert len(ws.study.records(2026)) == 3
    # the same record with another figure: an error on its row, nothing written
    other = sheet(tmp_path / "网上党校3.xlsx", ["姓名", "日期", "学时", "类别", "内容"], [
        ["李四", dt.date(2026, 6, 1), 7, "", "学院集中轮训"],
    ])  # fmt: skip
    assert main([*db_arg, "import", "study", str(other)]) == 1
    assert (
        "第 2 行，学时：李四2026-06-01的“培训：学院集中轮训”已有记录6.5学时，与表中的7学时不同"
        in capsys.readouterr().err
    )
    assert len(ws.study.records(2026)) == 3
    bad = sheet(tmp_path / "bad.xlsx", ["姓名", "日期", "学时", "类别"], [
        ["王芳", "2026-05-20", 4, "网络课程"], ["无名氏", "2026-05-20", 4, ""], ["王芳", "2026-05-21", -1, "讲座"],
    ])  # fmt: skip
    assert main([*db_arg, "import", "study", str(bad)]) == 1
    err = capsys.readouterr().err
    assert (
        "第 3 行，姓名：“无名氏”不在花名册中" in err and "第 4 行，学时：" in err and "第 4 行，类别：" in err
    )
    assert {r.name for r in ws.study.records(2026) if r.date == dt.date(2026, 5, 20)} == {"张三"}
    # one line copied twice in a new file: the copy is an error naming the first row, nothing doubled
    twice = sheet(tmp_path / "twice.xlsx", ["姓名", "日期", "学时", "类别", "内容"], [
        ["王芳", "2026-07-01", 3, "党课", "七一党课"], ["张三", "2026-07-01", 3, "党课", "七一党课"],
        ["王芳", "2026-07-01", 3, "党课", "七一党课"],
    ])  # fmt: skip
    assert main([*db_arg, "import", "study", str(twice)]) == 1
    assert (
        "第 4 行，姓名：与第 2 行是同一条学时记录（王芳2026-07-01“党课：七一党课”）"
        in capsys.readouterr().err
    )
    assert not [r for r in ws.study.records(2026) if r.date == dt.date(2026, 7, 1)]


def test_the_demo_ledger_imports_back_into_the_same_database(tmp_path, data_dir, capsys):
    """Export the demo's volunteer ledger and import it into the same database: nothing is new, every
    activity is skipped as already held; one hour figure changed in the file is an error on its row."""
    from openpyxl import load_workbook

    db = ["--db", str(tmp_path / "demo.sqlite")]
    assert main([*db, "demo", "--members", "12", "--seed", "3"]) == 0
    path = tmp_path / "台账.xlsx"
    assert main([*db, "export", "activities", "--year", "2026", "-o", str(path)]) == 0
    capsys.readouterr()
    assert main([*db, "import", "activities", str(path)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    held = int(out.split("跳过 ")[1].split(" 条")[0])
    assert held > 5 and "已导入 0 次活动，参加党员、积极分子 0 人次；跳过" in out

    book = load_workbook(path)
    sheet_ = book.active
    header = next(r for r in range(1, 10) if sheet_.cell(r, 2).value == "日期")
    people = next(c.column for c in sheet_[header] if c.value and str(c.value).startswith("参加党员"))
    row = next(
        r for r in range(header + 1, sheet_.max_row + 1) if "（各" in str(sheet_.cell(r, people).value)
    )
    cell = sheet_.cell(row, people)
    cell.value = re.sub(r"（各([\d.]+)小时）", lambda m: f"（各{Decimal(m.group(1)) + 1}小时）", cell.value)
    book.save(path)
    assert main([*db, "import", "activities", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"第 {row} 行，参加党员、积极分子（时长/小时）：" in err and "的时长不同" in err
    assert "有 1 行存在错误，未导入任何数据" in err
