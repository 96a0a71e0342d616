"""The secretary of a students' branch records a student's 人员身份, 学号, 年级, 班级 and 专业 in the member
form; the side panel shows them, and a member without them shows no empty rows."""

from __future__ import annotations

from branchdesk.ui.dialogs.member_dialog import TAB_WORK, MemberDialog
from branchdesk.ui.widgets.member_detail import MemberDetail


def test_student_fields_are_saved_from_the_form_and_shown_beside_the_list(qtbot, ctx, roster, members):
    li = roster["李四"]
    dialog = MemberDialog(ctx, li.id)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(TAB_WORK)
    dialog.person_category.setCurrentIndex(dialog.person_category.findText("学生"))
    dialog.student_number.setText("2022010203")
    dialog.grade.setText("2022级")
    dialog.class_name.setText("护理2201班")
    dialog.major.setText("护理学")
    assert dialog.save() is True
    after = members.get(li.id)
    assert (after.person_category, after.student_number, after.grade, after.class_name, after.major) == (
        "student", "2022010203", "2022级", "护理2201班", "护理学"
    )  # fmt: skip

    detail = MemberDetail()
    qtbot.addWidget(detail)
    detail.show_record(after)
    assert (detail.text_of("person_category"), detail.text_of("class_name")) == ("学生", "护理2201班")
    detail.show_record(members.get(roster["张三"].id))
    assert detail.text_of("class_name") == ""
    assert not detail._form.isRowVisible(detail._values["class_name"])
