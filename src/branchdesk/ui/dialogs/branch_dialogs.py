"""Small dialogs of the settings page: appoint a committee member, end a term, record a branch honour."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.members import ValidationError
from branchdesk.domain.vocab import AWARD_LEVELS, CommitteePost
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks, problems


class _FormDialog(QDialog):
    """A form, an error panel and 确定/取消 (Ctrl+S or Ctrl+Enter to confirm; Enter moves to the next
    field, or confirms where the dialog asks for one field only: ``ENTER_SAVES``)."""

    ENTER_SAVES = False

    def __init__(self, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        buttons, self.ok_button, _cancel = save_cancel_buttons(self, self.save, enter_saves=self.ENTER_SAVES)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.errors)
        self.layout_.addWidget(buttons)
        self.setMinimumWidth(440)

    def save(self) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError


class AppointDialog(_FormDialog):
    """Appoint an active member to a committee post (`BranchService.appoint`)."""

    LABELS: ClassVar[dict[str, str]] = {
        "member": "党员",
        "post": "职务",
        "term_start": "任期开始",
        "term_end": "任期届满",
    }

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("任命支部委员", parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入姓名、拼音首字母（如 zs）或手机号查找")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(160)
        self.post = QComboBox()
        for code, label in CommitteePost.choices():
            self.post.addItem(label, code)
        self.term_start = DateField()
        self.term_end = DateField(placeholder="可留空")
        profile = ctx.branch.profile()
        self.term_start.setDate(profile.committee_term_start or dt.date.today())
        self.term_end.setDate(profile.committee_term_end)

        self.form.addRow("查找党员：", self.search)
        self.form.addRow("", self.results)
        self.form.addRow("职务：", self.post)
        self.form.addRow("任期开始：", self.term_start)
        self.form.addRow("任期届满：", self.term_end)
        hint = QLabel("只能任命在册党员。任命后，其“党内职务”自动更新。")
        hint.setStyleSheet("color: #666;")
        self.layout_.insertWidget(1, hint)
        self.marks.register("member", self.results)
        self.marks.register("post", self.post)
        self.marks.register("term_start", self.term_start)
        self.marks.register("term_end", self.term_end)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.refresh_results)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.results.itemDoubleClicked.connect(lambda _i: self.post.setFocus())
        self.refresh_results()
        self.search.setFocus()

    def refresh_results(self) -> None:
        from branchdesk.services.members import MemberQuery

        ids = self.ctx.members.search_ids(MemberQuery(text=self.search.text()), limit=100)
        self.results.clear()
        for record in self.ctx.members.get_many(ids):
            extra = "，".join(x for x in (record.type_label, record.group_name, record.party_post) if x)
            item = QListWidgetItem(f"{record.name}（{extra}）")
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.results.addItem(item)
        if self.results.count() == 1:
            self.results.setCurrentRow(0)

    def select_member(self, member_id: int) -> None:
        for row in range(self.results.count()):
            if self.results.item(row).data(Qt.ItemDataRole.UserRole) == member_id:
                self.results.setCurrentRow(row)
                return
        raise LookupError(member_id)

    def selected_member_id(self) -> int | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None and item.isSelected() else None

    def select_post(self, post: CommitteePost | str) -> None:
        self.post.setCurrentIndex(self.post.findData(CommitteePost(post).value))

    def save(self) -> bool:
        found = []
        member_id = self.selected_member_id()
        if member_id is None:
            found.append(("member", "请在列表中选择一名党员"))
        for name in ("term_start", "term_end"):
            error = getattr(self, name).error()
            if error:
                found.append((name, error))
        if not self.term_start.error() and self.term_start.date() is None:
            found.append(("term_start", "请填写任期开始日期"))
        if not found:
            try:
                self.ctx.branch.appoint(
                    member_id, self.post.currentData(), self.term_start.date(), self.term_end.date()
                )
            except ValidationError as exc:
                found = [("post", i.message) for i in exc.issues]
        if found:
            self.marks.show(problems(self.LABELS, found), title="")
            return False
        self.accept()
        return True


class EndTermDialog(_FormDialog):
    """Record that a committee member left office on a date (`BranchService.end_term`)."""

    ENTER_SAVES = True  # one date to type in: Enter is OK

    def __init__(self, ctx: AppContext, seat, parent: QWidget | None = None):
        super().__init__("支委离任", parent)
        self.ctx = ctx
        self.seat = seat
        info = QLabel(f"{seat.member_name}　{seat.post_label}（{seat.term_start.isoformat()} 起任）")
        info.setTextFormat(Qt.TextFormat.PlainText)
        self.ended_on = DateField()
        self.ended_on.setDate(dt.date.today())
        self.form.addRow("支委：", info)
        self.form.addRow("离任日期：", self.ended_on)
        self.marks.register("ended_on", self.ended_on)
        self.ended_on.setFocus()

    def save(self) -> bool:
        problem = self.ended_on.error() or (None if self.ended_on.date() else "请填写离任日期")
        if problem is None:
            try:
                self.ctx.branch.end_term(self.seat.id, self.ended_on.date())
            except ValidationError as exc:
                problem = "；".join(i.message for i in exc.issues)
        if problem:
            self.marks.show(problems({"ended_on": "离任日期"}, [("ended_on", problem)]), title="")
            return False
        self.accept()
        return True


class HonourDialog(_FormDialog):
    """Record an honour of the branch (`BranchService.add_honour`)."""

    LABELS: ClassVar[dict[str, str]] = {"date": "日期", "title": "荣誉名称"}

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__("登记支部荣誉", parent)
        self.ctx = ctx
        self.date = DateField()
        self.date.setDate(dt.date.today())
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("如 先进基层党组织、样板支部")
        self.issuer = QLineEdit()
        self.issuer.setMaxLength(100)
        self.issuer.setPlaceholderText("授予单位，如 某某大学党委")
        self.level = QComboBox()
        self.level.setEditable(True)
        self.level.addItem("")
        self.level.addItems(AWARD_LEVELS)
        self.form.addRow("日期：", self.date)
        self.form.addRow("荣誉名称：", self.title)
        self.form.addRow("授予单位：", self.issuer)
        self.form.addRow("级别：", self.level)
        self.marks.register("date", self.date)
        self.marks.register("title", self.title)
        self.title.setFocus()

    def save(self) -> bool:
        found = []
        if self.date.error():
            found.append(("date", self.date.error()))
        elif self.date.date() is None:
            found.append(("date", "请填写日期"))
        if not self.title.text().strip():
            found.append(("title", "请填写荣誉名称"))
        if not found:
            try:
                self.ctx.branch.add_honour(
                    self.date.date(), self.title.text(), self.issuer.text(), self.level.currentText()
                )
            except ValidationError as exc:
                found = [(i.field, i.message) for i in exc.issues]
        if found:
            self.marks.show(problems(self.LABELS, found), title="")
            return False
        self.accept()
        return True
