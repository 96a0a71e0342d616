"""Record one award or punishment (奖惩) of a member: kind, date, title, issuing body, level, notes."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.members import ValidationError
from branchdesk.domain.vocab import AWARD_LEVELS, AwardKind
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks, Problem

_LABELS = {"kind": "类别", "date": "日期", "title": "名称", "issuer": "批准机关", "level": "级别"}


def _issue(field: str, message: str) -> Problem:
    return Problem(field, message, _LABELS.get(field, ""))


class AwardDialog(QDialog):
    """Calls `MemberService.add_award` on 保存; `.saved` is the AwardRecord afterwards."""

    def __init__(self, ctx: AppContext, member_id: int, member_name: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.saved = None
        self.setWindowTitle(f"登记奖惩 — {member_name}" if member_name else "登记奖惩")

        self.kind = QComboBox()
        for code, label in AwardKind.choices():
            self.kind.addItem(label, code)
        self.date = DateField()
        self.date.setDate(dt.date.today())
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("如 优秀共产党员、党内警告")
        self.issuer = QLineEdit()
        self.issuer.setMaxLength(100)
        self.issuer.setPlaceholderText("如 某某学院党委")
        self.level = QComboBox()
        self.level.setEditable(True)
        self.level.addItem("")
        self.level.addItems(AWARD_LEVELS)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("类别：", self.kind)
        form.addRow("日期：", self.date)
        form.addRow("名称：", self.title)
        form.addRow("批准机关：", self.issuer)
        form.addRow("级别：", self.level)
        form.addRow("备注：", self.notes)

        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        for name in ("kind", "date", "title", "issuer", "level"):
            self.marks.register(name, getattr(self, name))

        buttons, self.save_button, _cancel = save_cancel_buttons(self, self.save, save_text="保存")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self.title.setFocus()

    def save(self) -> bool:
        from branchdesk.services.members import AwardFields

        issues = []
        date = self.date.date()
        if self.date.error():
            issues.append(_issue("date", self.date.error()))
        elif date is None:
            issues.append(_issue("date", "请填写日期"))
        if not self.title.text().strip():
            issues.append(_issue("title", "请填写奖惩名称"))
        if not issues:
            try:
                self.saved = self.ctx.members.add_award(
                    self.member_id,
                    AwardFields(
                        kind=self.kind.currentData(),
                        date=date,
                        title=self.title.text(),
                        issuer=self.issuer.text(),
                        level=self.level.currentText(),
                        notes=self.notes.toPlainText(),
                    ),
                )
            except ValidationError as exc:
                issues = [_issue(i.field, i.message) for i in exc.issues]
        if issues:
            self.marks.show(issues)
            return False
        self.accept()
        return True
