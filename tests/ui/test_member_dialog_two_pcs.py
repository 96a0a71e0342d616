"""The member form while another office PC (same PostgreSQL database) edits the same member file."""

from __future__ import annotations

import os
from dataclasses import replace

from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.widgets.form_errors import is_marked


def _at_the_other_pc(members, member_id: int, **changes) -> None:
    members.update(member_id, replace(members.get(member_id).editable(), **changes))


def test_a_field_the_other_pc_changed_meanwhile_is_named_and_nothing_is_saved(qtbot, ctx, roster, members):
    li = roster["李四"]
    dialog = MemberDialog(ctx, li.id)
    qtbot.addWidget(dialog)
    _at_the_other_pc(members, li.id, mobile="13900000009")

    dialog.mobile.setText("13911112222")
    dialog.work_unit.setText("统计学院")
    assert dialog.save() is False

    assert dialog.errors.messages() == [
        "手机号码：在您编辑期间已被其他用户修改为“13900000009”，您的修改未保存；请重新打开档案后再改"
    ]
    assert is_marked(dialog.mobile)
    after = members.get(li.id)
    assert (after.mobile, after.work_unit) == ("13900000009", "数学学院"), "nothing of this save was written"
    if os.environ.get("BRANCHDESK_SHOT"):  # a picture for looking at it (not needed by the test)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.grab().save(os.environ["BRANCHDESK_SHOT"])


def test_a_change_the_other_pc_saved_in_another_field_is_kept(qtbot, ctx, roster, members):
    wang = roster["王芳"]
    dialog = MemberDialog(ctx, wang.id)
    qtbot.addWidget(dialog)
    _at_the_other_pc(members, wang.id, address="福州市鼓楼区")

    dialog.work_unit.setText("国际教育学院")
    assert dialog.save() is True

    after = members.get(wang.id)
    assert (after.work_unit, after.address) == ("国际教育学院", "福州市鼓楼区")
