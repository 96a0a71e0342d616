"""A students' branch: 人员身份, 学号, 年级, 班级 and 专业 come in from its roster, show in the 花名册 and are
searched; a branch without students keeps its roster as it was."""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.reports.roster import roster_ledger
from branchdesk.services.imports import apply_roster, read_roster
from branchdesk.services.members import MemberQuery
from tests.db.test_import_members import roster_file

NURSE_ID = make_citizen_id("350102", dt.date(2003, 4, 5), 21, "女")


def test_student_columns_are_imported_listed_and_searched(tmp_path, ws, members):
    header = ["序号", "姓名", "身份证号码", "人员身份", "学号", "年级", "班级", "专业", "入党时间"]
    rows = [
        [1, "林小护", NURSE_ID, "学生", "２０２２０１０２０３", "2022级", "护理2201班", "护理学", "2024年6月"],
        [2, "陈老师", None, "教师", None, None, None, None, "2010-07-01"],
        [3, "赵同学", None, "学渣", None, None, None, None, None],
    ]  # fmt: skip
    plan = read_roster(roster_file(tmp_path / "students.xlsx", rows, header))
    assert [str(e) for e in plan.errors] == [
        "第 6 行，人员身份：“学渣”无法识别，只能是“教师”、“学生”、“职工”、“其他”"
    ]
    apply_roster(ws, plan, skip_invalid=True)
    lin = members.records(MemberQuery(text="护理2201"))
    assert [(r.name, r.person_category, r.student_number, r.grade, r.major) for r in lin] == [
        ("林小护", "student", "2022010203", "2022级", "护理学")  # full-width digits read as digits
    ]
    assert members.search_ids(MemberQuery(text="2022010203")) == [lin[0].id]

    ledger = roster_ledger(ws, today=dt.date(2026, 12, 1))  # one student of two members: printed
    titles = [c.title for c in ledger.columns]
    assert titles[titles.index("手机号码") - 5 : titles.index("手机号码")] == [
        "人员身份",
        "学号",
        "年级",
        "班级",
        "专业",
    ]
    row = next(r for r in ledger.rows if r[1] == "林小护")
    assert row[titles.index("班级")] == "护理2201班" and row[titles.index("人员身份")] == "学生"
    # the public (脱敏) copy hides the 学号, which names a student as surely as a phone number
    public = next(r for r in ledger.masked("public").rows if r[1] == "林小护")
    assert not public[titles.index("学号")] and public[titles.index("班级")] == "护理2201班"


def test_a_roster_without_students_keeps_its_sixteen_columns(ws, members):
    members.create(MemberFields(name="王教工", join_date=dt.date(2001, 7, 1)))
    ledger = roster_ledger(ws, today=dt.date(2026, 12, 1))
    assert "班级" not in [c.title for c in ledger.columns] and len(ledger.columns) == 16


def test_a_students_branch_prints_the_student_columns_without_being_asked(tmp_path, ws, members):
    """When students are at least half of the roster, 学号/年级/班级/专业 print by default; in a mixed branch a
    student among many teachers leaves them out (five more columns would split its A4 roster in two)
    until 另加栏目 ticks 学生信息, which the branch remembers."""
    from branchdesk.reports.roster import choose_columns, chosen_columns

    for name in ("李教工", "钱教工"):
        members.create(MemberFields(name=name, join_date=dt.date(2001, 7, 1)))
    members.create(MemberFields(name="张同学", join_date=dt.date(2024, 6, 1), person_category="student",
                                student_number="2022010204", grade="2022级", class_name="护理2201班"))  # fmt: skip

    def titles():
        return [c.title for c in roster_ledger(ws, today=dt.date(2026, 12, 1)).columns]

    assert "学号" not in titles()  # one student of three
    choose_columns(ws, ["native_place", "students"])
    assert chosen_columns(ws) == ["native_place", "students"]
    assert {"学号", "班级"} <= set(titles())
    members.create(MemberFields(name="王同学", join_date=dt.date(2024, 6, 1), person_category="student",
                                student_number="2022010205"))  # fmt: skip
    choose_columns(ws, [])
    assert "学号" in titles()  # two students of four: a students' branch
