"""What the program writes it reads back (issue 18): the 党员花名册 exported to Excel, then imported into
another branch's empty database, gives the same members — the title, the totals line and the signature
lines under the table are passed over; a 脱敏 export's hidden numbers are no data and clear nothing."""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.reports.roster import roster_ledger
from branchdesk.reports.xlsx import write_xlsx
from branchdesk.services.imports import apply_roster, preview_roster, read_roster
from branchdesk.services.members import MemberQuery

TODAY = dt.date(2026, 11, 23)
COMPARED = ("name", "sex", "ethnicity", "birth_date", "id_number", "education", "member_type", "join_date",
            "conversion_date", "work_unit", "post", "mobile", "landline", "notes", "person_category",
            "student_number", "grade", "class_name", "major")  # fmt: skip


def _people(members) -> None:
    groups = {name: gid for gid, name in members.groups()}
    born = [dt.date(1980, 5, 1), dt.date(1992, 3, 8), dt.date(2003, 9, 9)]
    members.create(
        MemberFields(
            name="张伟",
            id_number=make_citizen_id("350102", born[0], 1, "男"),
            ethnicity="汉族",
            group_id=groups["第一党小组"],
            join_date=dt.date(2005, 7, 1),
            conversion_date=dt.date(2006, 7, 1),
            education="大学本科",
            work_unit="护理学院",
            post="副教授",
            mobile="13912345678",
            person_category="teacher",
            notes="支部书记",
        )
    )
    members.create(
        MemberFields(
            name="李娜",
            id_number=make_citizen_id("350102", born[1], 2, "女"),
            ethnicity="回族",
            join_date=dt.date(2016, 6, 1),
            conversion_date=dt.date(2017, 6, 1),
            landline="0591-87654321",
            education="研究生（硕士）",
        )
    )
    members.create(MemberFields(name="王芳", id_number=make_citizen_id("350102", born[2], 3, "女"),
                                member_type="probationary", join_date=dt.date(2026, 4, 1), person_category="student",
                                student_number="2022010203", grade="2022级", class_name="护理2201班", major="护理学",
                                group_id=groups["第一党小组"]))  # fmt: skip


def _snapshot(members) -> dict[str, tuple]:
    return {
        r.name: (*(getattr(r, k) for k in COMPARED), r.group_name) for r in members.records(MemberQuery())
    }


def test_an_exported_roster_imports_into_another_database_as_the_same_members(tmp_path, ws, members):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    _people(members)
    # one student among three: the student columns travel once 另加栏目 ticks 学生信息
    write_xlsx([roster_ledger(ws, today=TODAY, columns=["students"])], tmp_path / "花名册.xlsx")

    plan = read_roster(tmp_path / "花名册.xlsx", today=TODAY)
    assert plan.errors == [] and plan.unknown_columns == []
    assert plan.footer_rows >= 2  # the totals line and the signature line
    elsewhere, _ = open_database(resolve_location(str(tmp_path / "另一台电脑.sqlite")))
    try:
        Workspace(elsewhere).branch.save_profile(BranchProfile(name="另一个党支部"))
        other = Workspace.open(elsewhere)
        result = apply_roster(other, plan, today=TODAY)
        assert (result.created, result.groups_created) == (3, ["第一党小组"])
        assert _snapshot(other.members) == _snapshot(members)
    finally:
        elsewhere.dispose()

    # and into the same database: nothing to do
    again = preview_roster(ws, read_roster(tmp_path / "花名册.xlsx", today=TODAY), today=TODAY)
    assert (again.created, again.updated, again.errors) == (0, 0, [])


def test_a_masked_export_updates_what_it_shows_and_keeps_the_hidden_numbers(tmp_path, ws, members):
    _people(members)
    ledger = roster_ledger(ws, today=TODAY).masked("public")
    write_xlsx([ledger], tmp_path / "公示.xlsx")
    plan = read_roster(tmp_path / "公示.xlsx", today=TODAY)
    assert (
        plan.errors == [] and plan.masked_cells == 8
    )  # three ID numbers, a mobile, a landline, three births cut to the year
    preview = preview_roster(ws, plan, today=TODAY)
    # matched by name; the masked cells clear nothing
    assert (preview.created, preview.updated, preview.errors) == (0, 0, [])


COLLEGE = "示范大学信息学院"
UNITS = {"陈立": f"{COLLEGE}计算机系", "杜明": f"{COLLEGE}实验中心", "林芳": COLLEGE}


def _colleagues(members) -> None:
    """Three members of one college in different departments (one in the college office itself)."""
    for n, (name, unit) in enumerate(UNITS.items(), start=1):
        born = dt.date(1980 + n, n, 10)
        members.create(MemberFields(name=name, id_number=make_citizen_id("350102", born, n, "男"), work_unit=unit,
                                    join_date=dt.date(2005 + n, 7, 1), conversion_date=dt.date(2006 + n, 7, 1)))  # fmt: skip


def _elsewhere(tmp_path, plan):
    """`plan` imported into another computer's empty database: {name: 工作单位}."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    elsewhere, _ = open_database(resolve_location(str(tmp_path / "另一台电脑.sqlite")))
    try:
        Workspace(elsewhere).branch.save_profile(BranchProfile(name="另一个党支部"))
        other = Workspace.open(elsewhere)
        assert apply_roster(other, plan, today=TODAY).created == len(plan.rows)
        return {r.name: r.work_unit for r in other.members.records(MemberQuery())}
    finally:
        elsewhere.dispose()


def test_the_printed_roster_moves_the_common_unit_to_the_header_and_the_import_puts_it_back(
    tmp_path, ws, members
):
    from branchdesk.reports.registry import Period, build
    from branchdesk.services.imports import shown_columns, shown_values

    _colleagues(members)
    # the real export path (`export roster`, the window): the roster as printed
    (printed,) = build(ws, "roster", Period.year(TODAY.year))
    assert printed.period.startswith(f"工作单位：{COLLEGE}　　") and "所在部门" in [
        c.title for c in printed.columns
    ]
    write_xlsx([printed], tmp_path / "花名册.xlsx")

    plan = read_roster(tmp_path / "花名册.xlsx", today=TODAY)
    assert plan.errors == []
    assert _elsewhere(tmp_path, plan) == UNITS  # every member's 工作单位, whole

    assert (plan.ignored_columns, plan.unknown_columns, plan.unit) == ([], [], COLLEGE)
    assert "工作单位按表头的“示范大学信息学院”加“所在部门”一列读入" in plan.describe()
    # the preview shows the unit rebuilt, not the department
    columns = shown_columns(plan)
    assert ("work_unit", "工作单位（所在部门）") in columns
    at = [k for k, _ in columns].index("work_unit")
    assert {r.name: shown_values(r, [k for k, _ in columns])[at] for r in plan.rows} == UNITS
    # into the same database: nothing changes
    again = preview_roster(ws, plan, today=TODAY)
    assert (again.created, again.updated, again.errors) == (0, 0, [])


def test_the_public_copy_of_the_printed_roster_also_gives_the_units_back(tmp_path, ws, members):
    from branchdesk.reports.registry import Period, build

    _colleagues(members)
    (public,) = build(ws, "roster", Period.year(TODAY.year), mask="public")
    write_xlsx([public], tmp_path / "公示.xlsx")
    plan = read_roster(tmp_path / "公示.xlsx", today=TODAY)
    assert plan.errors == [] and {r.name: r.fields.work_unit for r in plan.rows} == UNITS


def test_a_department_column_without_the_unit_line_is_not_used(tmp_path):
    """A roster of the branch's own making: 所在部门 alone says nothing of the unit (imported as before);
    with a 工作单位 column of its own, that column is the unit whatever the title says."""
    from openpyxl import Workbook

    def sheet(path, title_line, header, row):
        wb = Workbook()
        wb.active.append(["党员花名册"])
        wb.active.append([title_line])
        wb.active.append(header)
        wb.active.append(row)
        wb.save(path)
        return read_roster(path, today=TODAY)

    number = make_citizen_id("350102", dt.date(1985, 3, 12), 7, "男")
    plain = sheet(
        tmp_path / "a.xlsx",
        "截至 2026年11月",
        ["姓名", "公民身份号码", "所在部门"],
        ["王强", number, "计算机系"],
    )
    assert (plain.ignored_columns, plain.rows[0].fields.work_unit) == (["所在部门"], "")
    own = sheet(tmp_path / "b.xlsx", f"工作单位：{COLLEGE}", ["姓名", "公民身份号码", "工作单位", "所在部门"],
                ["王强", number, "护理学院", "计算机系"])  # fmt: skip
    assert (own.ignored_columns, own.rows[0].fields.work_unit) == (["所在部门"], "护理学院")
