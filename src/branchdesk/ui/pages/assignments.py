"""联系服务与示范岗 (issue 15): the assignments current on a day and the coverage view — which dormitories,
classes and posts have a member, and which members have no assignment. Through ``ctx.assignments``."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.activities import Assignment, AssignmentKind
from branchdesk.domain.members import ValidationError
from branchdesk.ui.changes import reload_when_changed

__all__ = ["AssignmentDialog", "AssignmentsPage"]

_HEADERS = ["党员（积极分子）", "类型", "联系对象 / 岗位", "地点", "开始", "结束"]


class AssignmentsPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.loaded = False
        self.new_button = QPushButton("新增安排…")
        self.end_button = QPushButton("结束安排")
        self.delete_button = QPushButton("删除")
        self.post_kind_button = QPushButton("岗位类型…")
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(self.summary, 1)
        for b in (self.new_button, self.end_button, self.delete_button, self.post_kind_button):
            bar.addWidget(b)
        self.table = QTableWidget(0, len(_HEADERS))
        self.table.setObjectName("assignmentTable")
        self.table.setHorizontalHeaderLabels(_HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.dormitories = QListWidget()
        self.classes = QListWidget()
        self.posts = QListWidget()
        self.unassigned = QListWidget()
        self.unassigned.setObjectName("unassignedList")
        grid = QGridLayout()
        for column, (title, widget) in enumerate((("宿舍（有党员联系）", self.dormitories), ("班级（有党员联系）", self.classes),
                                                  ("示范岗、先锋岗、监督岗、责任区", self.posts),
                                                  ("尚无联系服务安排的党员", self.unassigned))):  # fmt: skip
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(widget)
            grid.addWidget(box, 0, column)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(grid, 1)
        layout.addWidget(QLabel("当前的联系服务安排："))
        layout.addWidget(self.table, 2)
        self.new_button.clicked.connect(self.new_assignment)
        self.end_button.clicked.connect(self.end_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.post_kind_button.clicked.connect(self.add_post_kind)
        reload_when_changed(self, ctx.changes, {"assignment", "member", "member_status_change", "work_kind"})

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def restrict_to(self, principal) -> None:
        if not principal.can_edit:
            for b in (self.new_button, self.end_button, self.delete_button, self.post_kind_button):
                b.hide()

    def showEvent(self, event) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        self.loaded = True
        coverage = self.ctx.assignments.coverage(self.today)
        self.summary.setText(
            f"{self.today.isoformat()}：在册党员 {coverage.members} 人，有联系服务安排 {coverage.assigned} 人；"
            f"联系宿舍 {len(coverage.dormitories)} 间，班级 {len(coverage.classes)} 个，岗位 {len(coverage.posts)} 个"
        )
        for widget, items in ((self.dormitories, coverage.dormitories), (self.classes, coverage.classes),
                              (self.posts, coverage.posts)):  # fmt: skip
            widget.clear()
            widget.addItems([f"{target}：{'、'.join(people)}" for target, people in items.items()])
        self.unassigned.clear()
        self.unassigned.addItems([name for _, name in coverage.unassigned])
        current = self.ctx.assignments.list(on=self.today)
        self.table.setRowCount(len(current))
        for row, a in enumerate(current):
            target = a.target or a.people.replace("\n", "；")
            values = [
                a.person,
                a.kind_label,
                target,
                a.place,
                a.start.isoformat(),
                a.end.isoformat() if a.end else "",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.table.setItem(row, column, item)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def new_assignment(self) -> AssignmentDialog:
        dialog = AssignmentDialog(self.ctx, self.today, self)
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog

    def end_selected(self) -> None:
        from branchdesk.ui.widgets.prompts import warn

        assignment_id = self.selected_id()
        if assignment_id is not None:
            try:
                self.ctx.assignments.end(assignment_id, self.today)
            except ValidationError as exc:
                warn(self, "不能结束", str(exc))
            self.reload()

    def delete_selected(self) -> None:
        from branchdesk.ui.widgets.prompts import ask

        assignment_id = self.selected_id()
        if assignment_id is not None and ask(self, "删除安排", "删除这条联系服务安排？（结束的安排请用“结束安排”保留记录）",
                                             yes="删除"):  # fmt: skip
            self.ctx.assignments.delete(assignment_id)
            self.reload()

    def add_post_kind(self) -> None:
        from branchdesk.ui.widgets.prompts import get_text, warn

        name = get_text(self, "新增岗位类型", "岗位类型名称（如 党员服务岗）：")
        if name:
            try:
                self.ctx.activities.add_kind(name, "post")
            except ValidationError as exc:
                warn(self, "不能新增", str(exc))


class AssignmentDialog(QDialog):
    """新增联系服务安排: who (a member on the roster), what (kind, post kind, target or people), where, from when."""

    def __init__(self, ctx, today: dt.date, parent: QWidget | None = None):
        from branchdesk.ui.widgets.date_field import DateField
        from branchdesk.ui.widgets.dialog_parts import form_layout, save_cancel_buttons

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("新增联系服务安排")
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for m in ctx.roster.read().members:
            if m.status == "active":
                self.person.addItem(m.name, m.id)
        self.kind = QComboBox()
        for kind in AssignmentKind:
            self.kind.addItem(kind.label, kind.value)
        self.post_kind = QComboBox()
        self.post_kind.addItems(ctx.activities.kinds("post"))
        self.target = QLineEdit()
        self.target.setPlaceholderText("宿舍、班级或岗位名称，如 学生公寓3号楼305室")
        self.people = QPlainTextEdit()
        self.people.setPlaceholderText("联系或结对的人员，每行一人，可附说明")
        self.people.setFixedHeight(70)
        self.place = QLineEdit()
        self.start = DateField()
        self.start.setDate(today)
        self.end = DateField()
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form = form_layout()
        form.addRow("党员：", self.person)
        form.addRow("类型：", self.kind)
        form.addRow("岗位类型：", self.post_kind)
        form.addRow("联系对象 / 岗位：", self.target)
        form.addRow("联系的人员：", self.people)
        form.addRow("地点：", self.place)
        form.addRow("开始日期：", self.start)
        form.addRow("结束日期：", self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.buttons, self.save_button, _cancel = save_cancel_buttons(self, self.accept)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.post_kind.setEnabled(self.kind.currentData() == AssignmentKind.POST.value)

    def value(self) -> Assignment:
        kind = AssignmentKind(self.kind.currentData())
        return Assignment(
            person=self.person.currentText(), kind=kind, start=self.start.date() or dt.date.today(),
            member_id=self.person.itemData(self.person.findText(self.person.currentText())), post_kind=self.post_kind.currentText() if kind is AssignmentKind.POST else "",
            target=self.target.text(), people=self.people.toPlainText(), place=self.place.text(), end=self.end.date(),
        )  # fmt: skip

    def accept(self) -> None:
        try:
            self.ctx.assignments.save(self.value())
        except (ValidationError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        super().accept()
