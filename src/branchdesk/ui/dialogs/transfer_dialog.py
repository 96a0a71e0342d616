"""转接组织关系: move a member to another branch of this database (`ws.transfers.move`), or transfer them
out of it with the 组织关系介绍信 (`ws.transfers.transfer_out`: the status change and the letter together).

The member page's 转接 button opens it for the selected member on the roster. The secretary picks where
to (another branch of the database, listed by name, or an organisation outside it), the date and the
reason; the dialog asks once more before writing.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import ValidationError
from branchdesk.domain.transfers import Transfer
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks, Problem

_LABELS = {
    "to_branch": "转往支部",
    "date": "转接日期",
    "destination": "转往党组织",
    "letter_no": "介绍信编号",
    "letter_valid_until": "介绍信有效期至",
    "status": "党籍状态",
    "reason": "转接原因",
}


def _problem(field: str, message: str) -> Problem:
    return Problem(field, message, _LABELS.get(field, ""))


class TransferDialog(QDialog):
    """After `exec()` returns Accepted, `.saved` is the transfer recorded."""

    def __init__(self, ctx, member_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.record = ctx.members.get(member_id)
        self.saved: Transfer | None = None
        self.setWindowTitle(f"转接组织关系 — {self.record.name}")

        intro = QLabel(f"党员：{self.record.name}（{self.record.type_label}）")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.inside = QRadioButton("转到本数据库的其他支部（档案随转）")
        self.outside = QRadioButton("转出本数据库（开具组织关系介绍信）")
        kinds = QButtonGroup(self)
        kinds.addButton(self.inside)
        kinds.addButton(self.outside)

        self.branch = QComboBox()
        for b in ctx.branch.all_branches():
            if b.id != ctx.branch_id:
                self.branch.addItem(b.name, b.id)
        self.inside.setEnabled(self.branch.count() > 0)
        (self.inside if self.branch.count() else self.outside).setChecked(True)

        self.date = DateField()
        self.date.setDate(dt.date.today())
        self.reason = QLineEdit()
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText("如 工作调动")

        self.letter_box = QGroupBox("组织关系介绍信")
        self.destination = QLineEdit()
        self.destination.setMaxLength(200)
        self.destination.setPlaceholderText("接收的党组织名称")
        self.letter_no = QLineEdit()
        self.letter_no.setMaxLength(50)
        self.valid_until = DateField()
        letter_form = QFormLayout(self.letter_box)
        letter_form.addRow("转往党组织：", self.destination)
        letter_form.addRow("介绍信编号：", self.letter_no)
        letter_form.addRow("有效期至：", self.valid_until)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("转往支部：", self.branch)
        form.addRow("日期：", self.date)
        form.addRow("原因：", self.reason)

        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        for name, widget in (("to_branch", self.branch), ("date", self.date), ("reason", self.reason),
                             ("destination", self.destination), ("letter_no", self.letter_no),
                             ("letter_valid_until", self.valid_until)):  # fmt: skip
            self.marks.register(name, widget)
        buttons, self.ok_button, _cancel = save_cancel_buttons(self, self.save, save_text="转接")

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.inside)
        layout.addWidget(self.outside)
        layout.addLayout(form)
        layout.addWidget(self.letter_box)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.inside.toggled.connect(lambda _on: self._on_kind())
        self._on_kind()
        self.setMinimumWidth(480)

    def _on_kind(self) -> None:
        self.marks.clear()
        self.branch.setEnabled(self.inside.isChecked())
        self.letter_box.setVisible(self.outside.isChecked())
        self.adjustSize()

    def save(self) -> bool:
        on = self.date.date()
        issues = []
        if self.date.error() or on is None:
            issues.append(_problem("date", self.date.error() or "请填写转接日期"))
        if self.outside.isChecked() and self.valid_until.error():
            issues.append(_problem("letter_valid_until", self.valid_until.error()))
        if issues:
            self.marks.show(issues, title="请修改以下内容：")
            return False
        name = self.record.name
        if self.inside.isChecked():
            where = self.branch.currentText()
            question = f"将 {name} 的组织关系转到“{where}”（{on.isoformat()}），档案随转，本支部不再列出。"
        else:
            where = self.destination.text().strip() or "（未填写）"
            question = f"将 {name} 的组织关系转出到“{where}”（{on.isoformat()}），并登记介绍信。"
        if not prompts.ask(self, "确认转接组织关系", question, yes="确认转接", no="返回修改"):
            return False
        try:
            if self.inside.isChecked():
                self.saved = self.ctx.transfers.move(self.member_id, self.branch.currentData(), on,
                                                     self.reason.text())  # fmt: skip
            else:
                self.saved = self.ctx.transfers.transfer_out(
                    self.member_id, on, self.destination.text(), self.letter_no.text(),
                    self.valid_until.date(), self.reason.text(),
                )  # fmt: skip
        except ValidationError as exc:
            self.marks.show([_problem(i.field, i.message) for i in exc.issues], title="请修改以下内容：")
            return False
        except NotFoundError as exc:
            self.marks.show([_problem("reason", str(exc))], title="无法转接：")
            return False
        self.accept()
        return True
