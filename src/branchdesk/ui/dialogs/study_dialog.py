"""学习学时 and 述职评议 (issue 15): each member's study hours of a year against 32 (56 for the committee)
with the study records behind them (the selected member's, or everyone's) and a form to enter a record by
hand, and the committee members' 述职评议. A wrongly entered record or a duplicated 述职评议 is deleted
after a confirmation naming it (button, right-click menu, Delete key; not for a 查阅 account). Through
``ctx.study``; the tables are read again when a commit touches what they show (``ctx.changes``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.activities import DutyGrade, DutyReport, StudyRecord, StudySource, format_hours
from branchdesk.domain.members import ValidationError
from branchdesk.ui.changes import watch

__all__ = ["STUDY_TABLES", "StudyDialog"]

#: What the dialog shows is read from: study records, 述职评议, and the meetings, activities and roster the
#: hours are counted from.
STUDY_TABLES = frozenset({
    "study_record", "duty_report", "activity", "activity_participant", "meeting", "meeting_attendance", "member",
    "committee_member", "member_status_change",
})  # fmt: skip
_RECORD_COLUMNS = ("日期", "姓名", "学时", "类别", "内容")


def _table(columns, stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class StudyDialog(QDialog):
    def __init__(self, ctx, year: int, parent: QWidget | None = None, *, today: dt.date | None = None):
        from branchdesk.ui.widgets.date_field import DateField
        from branchdesk.ui.widgets.dialog_parts import form_layout

        super().__init__(parent)
        self.ctx = ctx
        self.year = year
        self.setWindowTitle(f"{year}年学习学时与述职评议")
        self.resize(1040, 600)
        members = [(m.id, m.name) for m in ctx.roster.read().members if m.status == "active"]
        # the principal as it works on this branch (a branch may grant a higher role than the account's)
        self.editable = editable = ctx.ws.principal.can_edit
        self.hours_of: dict[int, Decimal] = {}
        self.records: list[StudyRecord] = []
        self.reports: list[DutyReport] = []

        # ---- 学时: the members' totals, and the records behind them
        self.table = _table(["姓名", "学时", "应达", "情况"], 3)
        self.table.setObjectName("studyTable")
        self.table.itemSelectionChanged.connect(self._fill_records)
        self.records_label = QLabel()
        self.all_button = QPushButton("显示全部党员")
        self.all_button.setToolTip("取消左侧的选择，列出本年度全部学时记录")
        self.all_button.clicked.connect(self.table.clearSelection)
        self.record_table = _table(_RECORD_COLUMNS, 4)
        self.record_table.setObjectName("studyRecordTable")
        self.record_table.itemSelectionChanged.connect(self._sync_buttons)
        self.delete_record_button = QPushButton("删除学时记录…")
        self.delete_record_button.setToolTip("删除一条录错的学时记录（Delete 键），删除前会再次确认")
        self.delete_record_button.clicked.connect(lambda: self.delete_record())
        record_hint = QLabel("党课、主题党日和活动计入的学时，在会议记录和活动记录中修改。")
        record_hint.setWordWrap(True)
        record_hint.setStyleSheet("color: #5f6368;")
        heading = QHBoxLayout()
        heading.addWidget(self.records_label, 1)
        heading.addWidget(self.all_button)
        record_bar = QHBoxLayout()
        record_bar.addWidget(record_hint, 1)
        record_bar.addWidget(self.delete_record_button)
        records_pane = QWidget()
        records_box = QVBoxLayout(records_pane)
        records_box.setContentsMargins(0, 0, 0, 0)
        records_box.addLayout(heading)
        records_box.addWidget(self.record_table, 1)
        records_box.addLayout(record_bar)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(records_pane)
        split.setSizes([400, 620])
        self.member = QComboBox()
        self.member.setEditable(True)
        self.member.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for member_id, name in members:
            self.member.addItem(name, member_id)
        self.date = DateField()
        self.date.setDate(min(today or dt.date.today(), dt.date(year, 12, 31)))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 200)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setValue(2)
        self.source = QComboBox()
        for s in StudySource:
            self.source.addItem(s.label, s.value)
        self.title = QLineEdit()
        self.title.setPlaceholderText("学习内容，如 网上党校专题培训")
        self.add_button = QPushButton("录入学时")
        self.add_button.clicked.connect(self.add_record)
        entry = QHBoxLayout()
        for w in (self.member, self.date, self.hours, self.source, self.title, self.add_button):
            entry.addWidget(w)
        self.message = QLabel()
        self.message.setWordWrap(True)
        study_tab = QWidget()
        box = QVBoxLayout(study_tab)
        box.addWidget(split, 1)
        if editable:
            box.addLayout(entry)
        box.addWidget(self.message)

        # ---- 述职评议
        self.duty_table = _table(["年度", "述职人", "职务", "好/较好/一般/差", "上级评价", "述职日期"], 3)
        self.duty_table.setObjectName("dutyTable")
        self.duty_table.itemSelectionChanged.connect(self._sync_buttons)
        self.delete_duty_button = QPushButton("删除述职评议…")
        self.delete_duty_button.setToolTip("删除一条重复或录错的述职评议（Delete 键），删除前会再次确认")
        self.delete_duty_button.clicked.connect(lambda: self.delete_duty())
        self.duty_member = QComboBox()
        for member_id, name in members:
            self.duty_member.addItem(name, member_id)
        self.duty_post = QLineEdit("书记")
        self.duty_date = DateField()
        self.duty_report = QPlainTextEdit()
        self.duty_report.setFixedHeight(70)
        self.ratings = {g: QSpinBox() for g in DutyGrade}
        for spin in self.ratings.values():
            spin.setRange(0, 10000)
        self.higher = QComboBox()
        self.higher.setEditable(True)
        self.higher.addItems(["", *[g.label for g in DutyGrade]])
        self.higher_by = QLineEdit()
        self.duty_button = QPushButton("保存述职评议")
        self.duty_button.clicked.connect(self.save_duty)
        counts = QHBoxLayout()
        for grade, spin in self.ratings.items():
            counts.addWidget(QLabel(grade.label))
            counts.addWidget(spin)
        counts.addStretch(1)
        form = form_layout()
        form.addRow("述职人：", self.duty_member)
        form.addRow("职务：", self.duty_post)
        form.addRow("述职日期：", self.duty_date)
        form.addRow("述职要点：", self.duty_report)
        form.addRow("党员评议（票数）：", counts)
        form.addRow("上级党组织评价：", self.higher)
        form.addRow("评价单位：", self.higher_by)
        duty_tab = QWidget()
        duty_box = QVBoxLayout(duty_tab)
        duty_box.addWidget(self.duty_table, 1)
        if editable:
            duty_bar = QHBoxLayout()
            duty_bar.addStretch(1)
            duty_bar.addWidget(self.delete_duty_button)
            duty_box.addLayout(duty_bar)
            duty_box.addLayout(form)
            duty_box.addWidget(self.duty_button)
        else:  # 查阅: the tables only
            self.delete_record_button.hide()
            self.delete_duty_button.hide()
        for table in (self.record_table, self.duty_table):
            table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._menu(t, pos))
            table.installEventFilter(self)  # the Delete key deletes the selected row

        self.tabs = QTabWidget()
        self.tabs.addTab(study_tab, "学习培训学时")
        self.tabs.addTab(duty_tab, f"{year}年度述职评议")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.reload()
        watch(self, ctx.changes, STUDY_TABLES, lambda _changes: self.reload())

    def reload(self) -> None:
        member_id = self.selected_member()
        hours = self.ctx.study.hours(self.year)
        self.hours_of = {h.member_id: h.total for h in hours}
        self.table.blockSignals(True)
        self.table.selectionModel().clear()
        self.table.setRowCount(len(hours))
        for row, h in enumerate(hours):
            result = "达标" if not h.short else f"差{format_hours(h.short)}学时"
            for column, text in enumerate((h.name, format_hours(h.total), str(h.target), result)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.member_id)
                self.table.setItem(row, column, item)
            if h.member_id == member_id:
                self.table.selectRow(row)
        self.table.blockSignals(False)
        self._fill_records()
        self.reports = reports = self.ctx.study.duty_reports(self.year)
        self.duty_table.setRowCount(len(reports))
        for row, r in enumerate(reports):
            counts = "/".join(str(r.ratings.get(g, 0)) for g in DutyGrade)
            values = (
                str(r.year),
                r.name,
                r.post,
                counts,
                r.higher_rating,
                r.date.isoformat() if r.date else "",
            )
            for column, text in enumerate(values):
                self.duty_table.setItem(row, column, QTableWidgetItem(text))
        self.duty_table.selectionModel().clear()
        self._sync_buttons()

    def selected_member(self) -> int | None:
        """The member whose row is selected in the totals (their records are listed), or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole) if rows else None

    def _fill_records(self) -> None:
        member_id = self.selected_member()
        self.records = self.ctx.study.records(self.year, member_id)
        if member_id is None:
            self.records_label.setText(
                f"{self.year}年全部学时记录（手工录入和导入的，共 {len(self.records)} 条）"
            )
        else:
            name = self.table.item(self.table.selectionModel().selectedRows()[0].row(), 0).text()
            self.records_label.setText(f"{name}的学时记录（{len(self.records)} 条）")
        self.all_button.setEnabled(member_id is not None)
        table = self.record_table
        table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            values = (r.date.isoformat(), r.name, format_hours(r.hours), StudySource(r.source).label, r.title)
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.selectionModel().clear()  # no row chosen for the next Delete key by itself
        self._sync_buttons()

    @staticmethod
    def _selected(table: QTableWidget, items: list):
        rows = table.selectionModel().selectedRows()
        return items[rows[0].row()] if rows and rows[0].row() < len(items) else None

    def _sync_buttons(self) -> None:
        self.delete_record_button.setEnabled(
            self.editable and self._selected(self.record_table, self.records) is not None
        )
        self.delete_duty_button.setEnabled(
            self.editable and self._selected(self.duty_table, self.reports) is not None
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched in (self.record_table, self.duty_table)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
        ):
            if self.editable:
                self.delete_record() if watched is self.record_table else self.delete_duty()
            return True
        return super().eventFilter(watched, event)

    def _menu(self, table: QTableWidget, pos) -> None:
        menu = self.context_menu(table, table.rowAt(pos.y()))
        if menu is not None:
            menu.exec(table.viewport().mapToGlobal(pos))

    def context_menu(self, table: QTableWidget, row: int) -> QMenu | None:
        """The right-click menu of a row of the records or the 述职评议 (it selects the row)."""
        if not self.editable or row < 0:
            return None
        table.selectRow(row)
        menu = QMenu(self)
        if table is self.record_table:
            menu.addAction("删除学时记录…", lambda: self.delete_record())
        else:
            menu.addAction("删除述职评议…", lambda: self.delete_duty())
        return menu

    def delete_record(self) -> bool:
        """Delete the selected study record after a confirmation naming the member, the date, the hours
        and what it was; the member's total drops by its hours. One transaction, one audit entry."""
        from branchdesk.ui.widgets import prompts

        record = self._selected(self.record_table, self.records)
        if record is None or not self.editable:
            return False
        total = self.hours_of.get(record.member_id, Decimal(0))
        source = StudySource(record.source).label
        text = (f"确定删除这条学时记录吗？\n\n党员：{record.name}\n日期：{record.date.isoformat()}\n"
                f"学时：{format_hours(record.hours)} 学时（{source}）\n"
                + (f"内容：{record.title}\n" if record.title else "")
                + f"\n删除后{record.name}{self.year}年的学时由 {format_hours(total)} 减为 "
                f"{format_hours(max(total - record.hours, Decimal(0)))}；删除记入操作日志。")  # fmt: skip
        if not prompts.confirm_delete(
            self, "删除学时记录", text, lambda: self.ctx.study.delete_record(record.id)
        ):
            return False
        self.message.setText(
            f"已删除{record.name}{record.date.isoformat()}的 {format_hours(record.hours)} 学时。"
        )
        return True

    def delete_duty(self) -> bool:
        """Delete the selected 述职评议 (a duplicate, a wrong year) after a confirmation naming it."""
        from branchdesk.ui.widgets import prompts

        report = self._selected(self.duty_table, self.reports)
        if report is None or not self.editable:
            return False
        counts = "/".join(str(report.ratings.get(g, 0)) for g in DutyGrade)
        post = f"（{report.post}）" if report.post else ""
        text = (f"确定删除这条述职评议吗？\n\n述职人：{report.name}{post}\n年度：{report.year}年\n"
                f"述职日期：{report.date.isoformat() if report.date else '未填'}\n评议票数（好/较好/一般/差）：{counts}\n"
                + (f"上级评价：{report.higher_rating}\n" if report.higher_rating else "")
                + "\n删除记入操作日志。")  # fmt: skip
        return prompts.confirm_delete(
            self, "删除述职评议", text, lambda: self.ctx.study.delete_duty_report(report.id)
        )

    def add_record(self) -> None:
        try:
            record = self.ctx.study.save_record(StudyRecord(
                self.member.currentText(), self.date.date() or dt.date(self.year, 12, 31),
                Decimal(str(round(self.hours.value(), 1))), StudySource(self.source.currentData()),
                member_id=self.member.itemData(self.member.findText(self.member.currentText())), title=self.title.text(),
            ))  # fmt: skip
        except (ValidationError, ValueError) as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"已为{record.name}录入{format_hours(record.hours)}学时。")

    def save_duty(self) -> DutyReport | None:
        try:
            saved = self.ctx.study.save_duty_report(DutyReport(
                self.year, self.duty_member.currentText(), member_id=self.duty_member.currentData(),
                post=self.duty_post.text(), date=self.duty_date.date(), report=self.duty_report.toPlainText(),
                ratings={g: spin.value() for g, spin in self.ratings.items()}, higher_rating=self.higher.currentText(),
                higher_by=self.higher_by.text(),
            ))  # fmt: skip
        except (ValidationError, ValueError) as exc:
            self.message.setText(str(exc))
            return None
        return saved
