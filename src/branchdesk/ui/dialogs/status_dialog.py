"""Change a member's membership status (转出, 停止党籍, 出党, 去世 …): never a silent delete.

The secretary picks what happened, the date and the reason (and for a transfer the letter number,
destination and validity); the dialog says in plain words what will follow and asks once more before
calling `MemberService.change_status`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.members import MemberRecord, ValidationError
from branchdesk.domain.vocab import STATUS_CHANGE_ACTIONS, MemberStatus, MemberType
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks, Problem

_LABELS = {
    "status": "变更为",
    "status_date": "变更日期",
    "status_reason": "变更原因",
    "letter_no": "介绍信编号",
    "destination": "转往党组织",
    "letter_valid_until": "介绍信有效期至",
}


def _problem(field: str, message: str) -> Problem:
    return Problem(field, message, _LABELS.get(field, ""))


def consequence(name: str, current: MemberStatus, target: MemberStatus) -> str:
    """What the change means for the roster, in one sentence."""
    if target is MemberStatus.ACTIVE:
        return f"{name} 将恢复为在册党员，重新列入党员花名册。"
    if current is MemberStatus.ACTIVE:
        return f"{name} 将从在册党员中移出，档案保留，可在“全部”中查看。"
    return f"{name} 的党籍状态将由“{current.label}”改为“{target.label}”，档案保留，可在“全部”中查看。"


class StatusDialog(QDialog):
    """After `exec()` returns Accepted, `.saved` is the member's updated record."""

    def __init__(self, ctx: AppContext, member_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.record: MemberRecord = ctx.members.get(member_id)
        self.saved: MemberRecord | None = None
        self.current = MemberStatus(self.record.status)
        self.setWindowTitle(f"变更党籍状态 — {self.record.name}")

        intro = QLabel(
            f"党员：{self.record.name}（{self.record.type_label}）　当前状态：{self.current.label}"
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)

        self.target = QComboBox()
        probationary = self.record.member_type == MemberType.PROBATIONARY.value
        for status, verb in STATUS_CHANGE_ACTIONS.items():
            if status is self.current:
                continue
            if status is MemberStatus.CANCELLED and not probationary:
                continue  # only a probationary member can lose probationary membership
            self.target.addItem(verb, status.value)
        self.date = DateField()
        self.date.setDate(dt.date.today())
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("必填，如 工作调动转至某某单位党委；经支部大会讨论决定 …")
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 3 + 16)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("变更为：", self.target)
        form.addRow("日期：", self.date)
        form.addRow("原因：", self.reason)

        self.transfer_box = QGroupBox("组织关系介绍信")
        self.letter_no = QLineEdit()
        self.letter_no.setMaxLength(50)
        self.letter_no.setPlaceholderText("如 党组织关系介绍信（2026）第 12 号")
        self.destination = QLineEdit()
        self.destination.setMaxLength(200)
        self.destination.setPlaceholderText("接收的党组织名称")
        self.valid_until = DateField()
        transfer_form = QFormLayout(self.transfer_box)
        transfer_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        transfer_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        transfer_form.addRow("介绍信编号：", self.letter_no)
        transfer_form.addRow("转往党组织：", self.destination)
        transfer_form.addRow("有效期至：", self.valid_until)

        self.consequence = QLabel()
        self.consequence.setWordWrap(True)
        self.consequence.setStyleSheet("color: #8a5300; padding: 4px 0;")

        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        self.marks.register("status", self.target)
        self.marks.register("status_date", self.date)
        self.marks.register("status_reason", self.reason)
        self.marks.register("letter_no", self.letter_no)
        self.marks.register("destination", self.destination)
        self.marks.register("letter_valid_until", self.valid_until)

        buttons, self.ok_button, _cancel = save_cancel_buttons(self, self.save)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.transfer_box)
        layout.addWidget(self.consequence)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.target.currentIndexChanged.connect(self._on_target)
        self._on_target()
        self.setMinimumWidth(520)
        self.target.setFocus()

    def target_status(self) -> MemberStatus | None:
        code = self.target.currentData()
        return MemberStatus(code) if code else None

    def select_target(self, status: MemberStatus | str) -> None:
        index = self.target.findData(MemberStatus(status).value)
        if index < 0:
            raise ValueError(f"不能变更为：{MemberStatus(status).label}")
        self.target.setCurrentIndex(index)

    def _on_target(self) -> None:
        self.marks.clear()  # problems of the previous choice no longer apply
        target = self.target_status()
        self.transfer_box.setVisible(target is MemberStatus.TRANSFERRED_OUT)
        self.consequence.setText(consequence(self.record.name, self.current, target) if target else "")
        self.adjustSize()

    def save(self) -> bool:
        from branchdesk.services.members import StatusChange

        target = self.target_status()
        issues: list[Problem] = []
        if target is None:
            issues.append(_problem("status", "请选择要变更的状态"))
        date = self.date.date()
        if self.date.error():
            issues.append(_problem("status_date", self.date.error()))
        elif date is None:
            issues.append(_problem("status_date", "请填写变更日期"))
        if not self.reason.toPlainText().strip():
            issues.append(_problem("status_reason", "请填写变更原因"))
        transfer = target is MemberStatus.TRANSFERRED_OUT
        valid_until = self.valid_until.date() if transfer else None
        if transfer and self.valid_until.error():
            issues.append(_problem("letter_valid_until", self.valid_until.error()))
        if transfer and date and valid_until and valid_until < date:
            issues.append(_problem("letter_valid_until", "有效期不能早于转出日期"))
        if issues:
            self.marks.show(issues, title="请修改以下内容：")
            return False
        text = consequence(self.record.name, self.current, target)
        question = f"将 {self.record.name} 的党籍状态变更为“{target.label}”（{date.isoformat()}）。\n\n{text}"
        if not prompts.ask(self, "确认变更党籍状态", question, yes="确认变更", no="返回修改"):
            return False
        change = StatusChange(
            to_status=target.value,
            date=date,
            reason=self.reason.toPlainText(),
            letter_no=self.letter_no.text() if transfer else "",
            destination=self.destination.text() if transfer else "",
            letter_valid_until=valid_until,
        )
        try:
            self.saved = self.ctx.members.change_status(self.member_id, change)
        except ValidationError as exc:
            self.marks.show([_problem(i.field, i.message) for i in exc.issues], title="请修改以下内容：")
            return False
        self.accept()
        return True
