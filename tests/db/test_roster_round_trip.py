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
