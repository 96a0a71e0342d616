"""Transfers (组织关系转接, issue 13): a teacher moves from the teachers' branch to the students' branch
of the same committee in one action and takes her history and dossier along, while the meetings she
attended keep her attendance; a member leaves the database with a letter whose return slip comes back;
one arrives from outside with his letter; the 组织关系转接台账 lists the year's transfers and the letter
prints with its stub."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.services.meetings import MeetingType
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.workspace import Workspace
from tests.unit.dev_builders import complete

DAY = dt.date(2026, 9, 1)


@pytest.fixture
def two(db, ws):
    students = Workspace.open(db, ws.branch.add_branch("学生第一党支部", "测试学院党委").id)
    return ws, students


def test_an_internal_transfer_takes_the_history_along_and_leaves_the_attendance(two):
    teachers, students = two
    groups = teachers.branch.groups()
    li = teachers.members.create(MemberFields(name="李老师", join_date=dt.date(2015, 7, 1),
                                              conversion_date=dt.date(2016, 7, 1), group_id=groups[0].id))  # fmt: skip
    teachers.members.create(
        MemberFields(name="王老师", join_date=dt.date(2010, 7, 1), conversion_date=dt.date(2011, 7, 1))
    )
    teachers.members.change_status(li.id, StatusChange("suspended", dt.date(2020, 1, 1), "停止党籍审查"))
    teachers.members.change_status(li.id, StatusChange("active", dt.date(2020, 6, 1), "恢复党籍"))
    dossier_id = teachers.development.save(
        replace(complete(), id=None, person=Person("李老师")), member_id=li.id
    )
    meeting = teachers.meetings.plan(MeetingType.GENERAL, dt.date(2026, 6, 1))
    teachers.branch.appoint(li.id, "organisation", dt.date(2024, 1, 1))

    moved = teachers.transfers.move(li.id, students.branch_id, DAY, "调任学生支部书记")
    assert (moved.kind_label, moved.from_branch, moved.to_branch) == ("本单位支部间转接", "测试学院教工第一党支部",
                                                                      "学生第一党支部")  # fmt: skip

    assert [m.name for m in teachers.members.records(MemberQuery())] == ["王老师"]
    [record] = students.members.records(MemberQuery())
    assert (record.id, record.name, record.group_id) == (li.id, "李老师", None)
    assert len(students.members.status_history(li.id)) == 2, "the status history goes along"
    assert [d.id for d in students.development.all()] == [dossier_id] and teachers.development.all() == []
    assert teachers.branch.committee() == [], "her seat in the old committee ended on the day"
    kept = teachers.meetings.get(meeting.id)
    assert "李老师" in {a.name for a in kept.attendance}, "the meeting keeps who was expected then"
    assert [t.kind for t in students.transfers.of_member(li.id)] == ["internal"]
    assert [
        t.member_name for t in teachers.transfers.between(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    ] == ["李老师"]


def test_a_member_of_another_branch_is_not_moved_from_here(two):
    teachers, students = two
    theirs = students.members.create(MemberFields(name="学生甲", join_date=dt.date(2024, 7, 1)))
    from branchdesk.domain.errors import NotFoundError

    with pytest.raises(NotFoundError):
        teachers.transfers.move(theirs.id, teachers.branch_id, DAY)
    with pytest.raises(ValidationError, match="已在这个支部"):
        students.transfers.move(theirs.id, students.branch_id, DAY)


def test_transfers_out_and_in_keep_the_letter(two, tmp_path):
    teachers, _ = two
    zhao = teachers.members.create(
        MemberFields(name="赵老师", join_date=dt.date(2012, 7, 1), conversion_date=dt.date(2013, 7, 1))
    )
    qian = teachers.members.create(
        MemberFields(name="钱老师", join_date=dt.date(2011, 7, 1), conversion_date=dt.date(2012, 7, 1))
    )
    with pytest.raises(ValidationError) as refused:
        teachers.transfers.transfer_out(zhao.id, DAY, "", "")
    assert {i.field for i in refused.value.issues} == {"destination", "letter_no"}
    out = teachers.transfers.transfer_out(zhao.id, DAY, "某市卫生健康委员会机关党委", "测组转〔2026〕12号",
                                          dt.date(2026, 10, 1), "工作调动")  # fmt: skip
    assert teachers.members.get(zhao.id).status == "transferred_out"
    assert out.overdue_slip(dt.date(2026, 10, 2)) and not out.overdue_slip(dt.date(2026, 9, 30))
    back = teachers.transfers.record_return_slip(out.id, dt.date(2026, 9, 20))
    assert back.return_slip_on == dt.date(2026, 9, 20) and not back.overdue_slip(dt.date(2026, 12, 1))
    came = teachers.transfers.transfer_in(
        qian.id, dt.date(2026, 3, 2), "某大学医学院党委", "某组转〔2026〕3号"
    )
    assert teachers.members.get(qian.id).transferred_in_date == dt.date(2026, 3, 2)
    assert (came.source, came.target) == ("某大学医学院党委", "测试学院教工第一党支部")

    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.registry import Period, build

    [ledger] = build(teachers, "transfers", Period.year(2026))
    assert [row[1:4] for row in ledger.rows] == [
        ["钱老师", "转入", "某大学医学院党委"],
        ["赵老师", "转出", "测试学院教工第一党支部"],
    ]
    from branchdesk.reports.transfers import transfer_letter

    letter = transfer_letter(teachers, out.id)
    result = write_pdf([letter], tmp_path / "介绍信.pdf")
    assert result.pages == 1
    from tests.reports.demo_branch import flat, pdf_pages

    text = flat(pdf_pages(tmp_path / "介绍信.pdf")[0])
    assert "中国共产党组织关系介绍信" in text and "存根" in text and text.count("测组转〔2026〕12号") >= 2
