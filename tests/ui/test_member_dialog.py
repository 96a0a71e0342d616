"""The member form as a secretary uses it: add a member, get told what is wrong, edit, change status."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from branchdesk.db.models import AuditEntry
from branchdesk.domain.citizen_id import check_digit, make_citizen_id
from branchdesk.domain.vocab import MemberStatus
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.ui.dialogs import member_dialog as md
from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.dialogs.status_dialog import StatusDialog
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.form_errors import is_marked

GOOD_ID = make_citizen_id("110101", dt.date(1990, 5, 17), 12, "女")
WRONG_CHECK = "0" if GOOD_ID[-1] != "0" else "1"
BAD_ID = GOOD_ID[:17] + WRONG_CHECK


@pytest.fixture(autouse=True)
def questions(monkeypatch):
    """Answer every yes/no question with the next queued answer; record what was asked."""
    asked: list[str] = []
    answers: list[bool] = []

    def ask(parent, title, text, **kwargs):
        asked.append(f"{title}|{text}")
        return answers.pop(0) if answers else True

    monkeypatch.setattr(prompts, "ask", ask)
    return asked, answers


def everyone(members) -> int:
    return members.count(MemberQuery(statuses=None))


def open_new(qtbot, ctx) -> MemberDialog:
    dialog = MemberDialog(ctx, None)
    qtbot.addWidget(dialog)
    return dialog


def test_invalid_id_is_refused_then_the_fixed_form_saves_with_birth_date_and_sex_from_the_id(
    qtbot, ctx, members
):
    dialog = open_new(qtbot, ctx)
    dialog.name.setText("李红")
    dialog.id_number.setText(BAD_ID)
    dialog.join_date.setText("2015.07.01")
    dialog.dues_basis.setText("8000.50")
    dialog.tabs.setCurrentIndex(md.TAB_DUES)  # the user is elsewhere when pressing Ctrl+S

    assert dialog.save() is False
    messages = dialog.errors.messages()
    assert any(
        m.startswith("公民身份号码：") and "校验位" in m and f"应为 {GOOD_ID[-1]}" in m for m in messages
    )
    assert is_marked(dialog.id_number)
    assert dialog.tabs.currentIndex() == md.TAB_BASIC  # switched to the tab of the first error
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert everyone(members) == 0  # nothing saved
    assert dialog.birth_date.is_empty()  # an invalid number fills nothing in

    dialog.id_number.setText(GOOD_ID)
    assert dialog.birth_date.date() == dt.date(1990, 5, 17)
    assert dialog.sex.currentText() == "女"
    assert dialog.save() is True
    assert dialog.result() == QDialog.DialogCode.Accepted

    saved = dialog.saved
    stored = members.get(saved.id)
    assert stored.name == "李红"
    assert stored.id_number == GOOD_ID
    assert stored.birth_date == dt.date(1990, 5, 17)
    assert stored.sex == "女"
    assert stored.join_date == dt.date(2015, 7, 1)  # typed as 2015.07.01
    assert stored.dues_basis_fen == 800050  # "8000.50" 元 → integer fen
    assert isinstance(stored.dues_basis_fen, int)


def test_the_id_does_not_overwrite_a_birth_date_the_user_typed_and_the_mismatch_is_reported(
    qtbot, ctx, members
):
    dialog = open_new(qtbot, ctx)
    dialog.name.setText("李红")
    dialog.birth_date.setText("1990-05-18")
    dialog.id_number.setText(GOOD_ID)
    assert dialog.birth_date.date() == dt.date(1990, 5, 18)
    assert dialog.save() is False
    assert any(m.startswith("出生日期：与公民身份号码不一致") for m in dialog.errors.messages())
    assert is_marked(dialog.birth_date)
    assert everyone(members) == 0


def test_every_problem_is_listed_at_once_with_its_field_and_the_first_tab_is_shown(qtbot, ctx, members):
    dialog = open_new(qtbot, ctx)
    dialog.name.setText("")
    dialog.join_date.setText("2015-13-01")  # no 13th month
    dialog.mobile.setText("1380013800")  # ten digits
    dialog.dues_basis.setText("8000.555")
    assert dialog.save() is False
    labels = [m.split("：", 1)[0] for m in dialog.errors.messages()]
    assert labels == ["姓名", "入党日期", "手机号码", "党费计缴基数"]  # in the order of the form
    for widget in (dialog.name, dialog.join_date, dialog.mobile, dialog.dues_basis):
        assert is_marked(widget)
    assert dialog.tabs.currentIndex() == md.TAB_BASIC  # 姓名 is on 基本信息
    assert everyone(members) == 0

    dialog.name.setText("李红")
    dialog.mobile.setText("13800138000")
    dialog.dues_basis.setText("8000.55")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["入党日期：日期“2015-13-01”不存在（月份或日期超出范围）"]
    assert not is_marked(dialog.name)  # fixed fields lose their mark
    assert dialog.tabs.currentIndex() == md.TAB_PARTY


def test_a_duplicate_id_number_is_refused_by_the_service_and_shown_on_the_field(qtbot, ctx, roster):
    dialog = open_new(qtbot, ctx)
    dialog.name.setText("张三丰")
    dialog.id_number.setText(roster["张三"].id_number)
    assert dialog.save() is False
    assert any("与已有党员“张三”的公民身份号码重复" in m for m in dialog.errors.messages())
    assert is_marked(dialog.id_number)


def test_editing_one_field_saves_only_that_field_and_leaves_an_audit_entry(qtbot, ctx, roster, members, db):
    zhang = roster["张三"]
    dialog = MemberDialog(ctx, zhang.id)
    qtbot.addWidget(dialog)
    assert dialog.name.text() == "张三"
    assert dialog.group.currentText() == "第一党小组"
    assert not dialog.has_changes()

    dialog.work_unit.setText("人工智能学院")
    assert dialog.has_changes()
    assert dialog.save() is True
    assert dialog.saved.work_unit == "人工智能学院"

    after = members.get(zhang.id)
    assert after.work_unit == "人工智能学院"
    for name in ("name", "id_number", "join_date", "conversion_date", "group_id", "mobile", "education"):
        assert getattr(after, name) == getattr(zhang, name)

    with db.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "member",
                AuditEntry.entity_id == zhang.id,
                AuditEntry.operation == "修改党员档案",
            )
        ).all()
        assert len(entries) == 1
        assert entries[0].changes["work_unit"] == ["计算机学院", "人工智能学院"]
        assert "name" not in entries[0].changes


def test_cancel_with_changes_asks_before_discarding(qtbot, ctx, roster, members, questions):
    asked, answers = questions
    dialog = MemberDialog(ctx, roster["李四"].id)
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.reject()  # nothing changed: closes without asking
    assert asked == []
    assert dialog.result() == QDialog.DialogCode.Rejected

    dialog = MemberDialog(ctx, roster["李四"].id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.mobile.setText("13912345678")
    answers.append(False)  # 继续编辑
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and asked[-1].startswith("放弃修改？")
    assert dialog.isVisible()

    answers.append(True)  # 放弃修改
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert members.get(roster["李四"].id).mobile == "13800000002"


def test_ctrl_s_saves(qtbot, ctx, roster, members):
    dialog = MemberDialog(ctx, roster["王芳"].id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.address.setText("福州市鼓楼区")
    dialog.address.setFocus()
    # Through the window, as the platform delivers keys (that is where shortcuts are matched).
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert members.get(roster["王芳"].id).address == "福州市鼓楼区"


def test_party_post_is_read_only_and_kept(qtbot, ctx, roster, branch, members):
    from branchdesk.domain.vocab import CommitteePost

    branch.appoint(roster["李四"].id, CommitteePost.SECRETARY.value, dt.date(2024, 1, 1))
    dialog = MemberDialog(ctx, roster["李四"].id)
    qtbot.addWidget(dialog)
    assert dialog.party_post.text() == "书记"
    assert dialog.party_post.isReadOnly()
    dialog.post.setText("教授")
    assert dialog.save()
    assert members.get(roster["李四"].id).party_post == "书记"


def test_awards_are_added_and_removed_from_the_form(qtbot, ctx, roster, members, questions, monkeypatch):
    from branchdesk.ui.dialogs import award_dialog

    dialog = MemberDialog(ctx, roster["张三"].id)
    qtbot.addWidget(dialog)
    assert dialog.awards_table.rowCount() == 0

    def fill_and_save(self):
        self.title.setText("优秀共产党员")
        self.issuer.setText("测试学院党委")
        self.date.setText("2024.07.01")
        self.level.setCurrentText("校（院）级")
        return QDialog.DialogCode.Accepted if self.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(award_dialog.AwardDialog, "exec", fill_and_save)
    dialog.add_award()
    assert dialog.awards_table.rowCount() == 1
    assert dialog.awards_table.item(0, 2).text() == "优秀共产党员"
    assert dialog.tabs.tabText(md.TAB_AWARDS) == "奖惩（1）"
    [award] = members.awards(roster["张三"].id)
    assert (award.date, award.issuer, award.level) == (dt.date(2024, 7, 1), "测试学院党委", "校（院）级")

    dialog.awards_table.selectRow(0)
    dialog.remove_award()
    assert members.awards(roster["张三"].id) == []
    assert dialog.awards_table.rowCount() == 0


def test_award_without_title_is_refused(qtbot, ctx, roster, members):
    from branchdesk.ui.dialogs.award_dialog import AwardDialog

    dialog = AwardDialog(ctx, roster["张三"].id, "张三")
    qtbot.addWidget(dialog)
    assert dialog.save() is False
    assert dialog.errors.messages() == ["名称：请填写奖惩名称"]
    assert members.awards(roster["张三"].id) == []


def test_tab_order_follows_the_form(qtbot, ctx):
    dialog = open_new(qtbot, ctx)
    dialog.show()
    qtbot.waitExposed(dialog)
    chain = []
    widget = dialog.name
    for _ in range(12):
        chain.append(widget)
        widget = widget.nextInFocusChain()
        while not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) or not widget.isVisible():
            widget = widget.nextInFocusChain()
    expected = [dialog.name, dialog.id_number, dialog.sex, dialog.ethnicity, dialog.birth_date.edit,
                dialog.native_place, dialog.education, dialog.degree]  # fmt: skip
    got = [w for w in chain if w is not dialog.ethnicity.lineEdit()][: len(expected)]
    assert got == expected


def test_status_change_to_transferred_out_needs_a_reason_and_takes_the_member_off_the_roster(
    qtbot, ctx, roster, members, questions
):
    asked, _ = questions
    wang = roster["王芳"]
    dialog = StatusDialog(ctx, wang.id)
    qtbot.addWidget(dialog)
    offered = [dialog.target.itemData(i) for i in range(dialog.target.count())]
    assert MemberStatus.ACTIVE.value not in offered  # not the current status
    assert MemberStatus.CANCELLED.value not in offered  # she is a full member
    dialog.select_target(MemberStatus.TRANSFERRED_OUT)
    assert not dialog.transfer_box.isHidden()
    assert "王芳 将从在册党员中移出，档案保留，可在“全部”中查看" in dialog.consequence.text()
    dialog.date.setText("2026-11-20")
    dialog.letter_no.setText("（2026）第 12 号")
    dialog.destination.setText("某某大学机关党委")

    assert dialog.save() is False  # no reason
    assert dialog.errors.messages() == ["变更原因：请填写变更原因"]
    assert is_marked(dialog.reason)
    assert asked == []  # not even asked to confirm
    assert members.get(wang.id).status == MemberStatus.ACTIVE.value

    dialog.reason.setPlainText("工作调动")
    assert dialog.save() is True
    assert "王芳 将从在册党员中移出" in asked[-1]
    assert dialog.saved.status == MemberStatus.TRANSFERRED_OUT.value
    assert wang.id not in members.search_ids(MemberQuery())
    assert wang.id in members.search_ids(MemberQuery(statuses=None))
    [change] = members.status_history(wang.id)
    assert (change.date, change.letter_no, change.destination) == (
        dt.date(2026, 11, 20),
        "（2026）第 12 号",
        "某某大学机关党委",
    )

    form = MemberDialog(ctx, wang.id)  # the file is kept, with its history
    qtbot.addWidget(form)
    assert form.history_table.rowCount() == 1
    assert form.history_table.item(0, 2).text() == "已转出"
    assert "已转出" in form.header.text()


def test_status_dialog_confirmation_declined_changes_nothing(qtbot, ctx, roster, members, questions):
    _, answers = questions
    dialog = StatusDialog(ctx, roster["欧阳修"].id)
    qtbot.addWidget(dialog)
    dialog.select_target(MemberStatus.DECEASED)
    dialog.reason.setPlainText("因病去世")
    answers.append(False)
    assert dialog.save() is False
    assert members.get(roster["欧阳修"].id).status == MemberStatus.ACTIVE.value


def test_restoring_a_transferred_member(qtbot, ctx, roster, members, questions):
    zhao = roster["赵敏"]  # probationary: may also lose probationary membership
    members.change_status(
        zhao.id, StatusChange(MemberStatus.TRANSFERRED_OUT.value, dt.date(2026, 11, 1), "转出")
    )
    dialog = StatusDialog(ctx, zhao.id)
    qtbot.addWidget(dialog)
    offered = {dialog.target.itemData(i) for i in range(dialog.target.count())}
    assert MemberStatus.TRANSFERRED_OUT.value not in offered
    assert MemberStatus.CANCELLED.value in offered
    dialog.select_target(MemberStatus.ACTIVE)
    assert dialog.transfer_box.isHidden()
    assert "重新列入党员花名册" in dialog.consequence.text()
    dialog.reason.setPlainText("转出撤回")
    assert dialog.save()
    assert zhao.id in members.search_ids(MemberQuery())


def test_status_date_before_joining_is_refused_by_the_service(qtbot, ctx, roster, members, questions):
    dialog = StatusDialog(ctx, roster["王芳"].id)
    qtbot.addWidget(dialog)
    dialog.select_target(MemberStatus.SUSPENDED)
    dialog.date.setText("2010-01-01")  # she joined in 2015
    dialog.reason.setPlainText("测试")
    assert dialog.save() is False
    assert dialog.errors.messages() == ["变更日期：变更日期不能早于入党日期"]
    assert is_marked(dialog.date)


def test_check_digit_helper_agrees_with_the_test_data():
    assert check_digit(GOOD_ID[:17]) == GOOD_ID[-1]


def test_the_dues_fields_show_what_the_payments_say_and_cannot_be_typed_in(qtbot, ctx, roster, members):
    """月缴党费 and 党费交至 are the 党费 page's: the form shows the assessment in force and the last month
    paid, read-only, with a hint where to change them; saving the form leaves the payments' figure."""
    from branchdesk.domain.dues import DuesCategory, dues_amount, format_fen, month_end, month_index
    from branchdesk.services.dues import AssessmentInput, PaymentInput

    zhang = roster["张三"]
    year = dt.date.today().year
    ctx.dues.save_assessment(AssessmentInput(zhang.id, year, DuesCategory.EMPLOYED, 800000))
    ctx.dues.record_payment(
        PaymentInput(zhang.id, dt.date(year, 1, 5), (month_index((year, 1)), month_index((year, 2))))
    )
    dialog = MemberDialog(ctx, zhang.id)
    qtbot.addWidget(dialog)
    assert dialog.dues_monthly.isReadOnly() and dialog.dues_paid_to.isReadOnly()
    assert (
        dialog.dues_monthly.text() == f"{format_fen(dues_amount(DuesCategory.EMPLOYED, 800000))} 元"
    )  # 1.5 %: 120.00
    assert dialog.dues_paid_to.text() == f"{year}年2月"
    assert "“党费”页" in dialog.dues_hint.text()

    dialog.mobile.setText("13800000009")
    assert dialog.save() is True
    stored = members.get(zhang.id)
    assert stored.dues_paid_to == month_end(month_index((year, 2))) and stored.mobile == "13800000009"
