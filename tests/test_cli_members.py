"""`branchdesk template members`, `import members` and `export roster` as a secretary runs them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from branchdesk.cli import main
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.services.members import MemberQuery

HEADER = ["序号", "姓名", "身份证号码", "人员类别", "党小组", "入党时间", "转正时间", "手机号码"]


def person(seq: int, name: str, born: dt.date, *, joined: dt.date | None = None, mobile: str = "13912345678"):
    joined = joined or dt.date(born.year + 25, 7, 1)
    return [seq, name, make_citizen_id("350102", born, seq, "男"), "正式党员", "第一党小组", joined,
            joined + dt.timedelta(days=366), mobile]  # fmt: skip


def roster(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["党员花名册"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def db_arg(db, location):
    """`--db` for the command line, pointing at the test's database (one branch, two groups)."""
    return ["--db", str(location.sqlite_path)]


def names(members) -> list[str]:
    return sorted(m.name for m in members.records(MemberQuery()))


def test_template_writes_an_import_template(tmp_path, capsys):
    out = tmp_path / "导入模板.xlsx"
    assert main(["template", "members", "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["党员花名册", "填写说明"]


def test_importing_a_good_file_adds_the_members(tmp_path, db_arg, members, capsys):
    path = roster(
        tmp_path / "roster.xlsx",
        [person(1, "张三", dt.date(1980, 1, 2)), person(2, "李四", dt.date(1990, 3, 4))],
    )
    assert main([*db_arg, "import", "members", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 行可以导入" in out and "新增 2 人" in out
    assert names(members) == ["张三", "李四"]

    # the same file again: matched by ID number, nothing duplicated
    assert main([*db_arg, "import", "members", str(path)]) == 0
    assert "2 人无变化" in capsys.readouterr().out
    assert names(members) == ["张三", "李四"]


def test_a_file_with_bad_rows_lists_them_imports_nothing_and_fails(tmp_path, db_arg, members, capsys):
    rows = [
        person(1, "张三", dt.date(1980, 1, 2)),
        person(2, "李四", dt.date(2000, 3, 4), joined=dt.date(2017, 1, 1)),  # 16 when joining
        person(3, "王五", dt.date(1985, 5, 6), mobile="12345"),
    ]
    path = roster(tmp_path / "bad.xlsx", rows)
    assert main([*db_arg, "import", "members", str(path)]) == 1
    captured = capsys.readouterr()
    assert "第 4 行，入党时间：" in captured.err
    assert "第 5 行，手机号码：" in captured.err
    assert "未导入任何数据" in captured.err
    assert names(members) == []

    assert main([*db_arg, "import", "members", "--skip-invalid", str(path)]) == 0
    assert "跳过有错误的 2 行" in capsys.readouterr().out
    assert names(members) == ["张三"]


def test_a_dry_run_checks_without_writing(tmp_path, db_arg, members, capsys):
    path = roster(tmp_path / "roster.xlsx", [person(1, "张三", dt.date(1980, 1, 2))])
    assert main([*db_arg, "import", "members", "--dry-run", str(path)]) == 0
    assert "试运行" in capsys.readouterr().out
    assert names(members) == []


def test_a_file_that_is_not_a_roster_is_explained(tmp_path, db_arg, capsys):
    missing = tmp_path / "nowhere.xlsx"
    assert main([*db_arg, "import", "members", str(missing)]) == 2
    assert "文件不存在" in capsys.readouterr().err

    text = tmp_path / "roster.xlsx"
    text.write_text("姓名\n张三\n", encoding="utf-8")
    assert main([*db_arg, "import", "members", str(text)]) != 0
    err = capsys.readouterr().err
    assert "不是有效的 .xlsx" in err and "第 0 行" not in err


def test_export_roster_writes_the_branch_roster(tmp_path, db_arg, capsys):
    path = roster(tmp_path / "roster.xlsx", [person(1, "张三", dt.date(1980, 1, 2))])
    assert main([*db_arg, "import", "members", str(path)]) == 0
    out = tmp_path / "花名册.xlsx"
    assert main([*db_arg, "export", "roster", "--format", "xlsx", "-o", str(out)]) == 0
    assert "1 人" in capsys.readouterr().out
    ws = load_workbook(out).active
    assert ws["A1"].value == "党员花名册" and ws["B4"].value == "张三"
    assert ws.print_title_rows == "$3:$3"


def test_a_roster_exported_here_imports_into_another_database_with_every_unit(
    tmp_path, db_arg, members, capsys
):
    """The branch moves to the committee's server: `export roster` here, `import members` there. The printed
    roster puts the college in its header and the departments in 所在部门; the import joins them again."""
    units = ["示范大学信息学院计算机系", "示范大学信息学院实验中心"]
    path = roster(
        tmp_path / "roster.xlsx",
        [person(1, "张三", dt.date(1980, 1, 2)), person(2, "李四", dt.date(1990, 3, 4))],
    )
    wb = load_workbook(path)
    wb.active["I2"], wb.active["I3"], wb.active["I4"] = "工作单位", units[0], units[1]
    wb.save(path)
    assert main([*db_arg, "import", "members", str(path)]) == 0
    out = tmp_path / "花名册.xlsx"
    assert main([*db_arg, "export", "roster", "-o", str(out)]) == 0
    assert "所在部门" in [c.value for c in load_workbook(out).active[3]]

    other = ["--db", str(tmp_path / "委员会服务器.sqlite")]
    assert main([*other, "branch", "add", "示范大学信息学院计算机系党支部"]) == 0
    assert main([*other, "import", "members", str(out)]) == 0
    said = capsys.readouterr().out
    assert "工作单位按表头的“示范大学信息学院”加“所在部门”一列读入" in said and "新增 2 人" in said

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.workspace import Workspace

    db, _ = open_database(resolve_location(other[1]))
    try:
        records = Workspace.open(db).members.records(MemberQuery())
        assert sorted(r.work_unit for r in records) == sorted(units)
    finally:
        db.dispose()
