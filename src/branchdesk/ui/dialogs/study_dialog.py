"""学习学时 and 述职评议 (issue 15): each member's study hours of a year against 32 (56 for the committee)
with a form to enter a record by hand, and the committee members' 述职评议. Through ``ctx.study``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.activities import DutyGrade, DutyReport, StudyRecord, StudySource, format_hours
from branchdesk.domain.members import ValidationError

__all__ = ["StudyDialog"]


class StudyDialog(QDialog):
    def __init__(self, ctx, year: int, parent: QWidget | None = None, *, today: dt.date | None = None):
        from branchdesk.ui.widgets.date_field import DateField
        from branchdesk.ui.widgets.dialog_parts import form_layout

        super().__init__(parent)
        self.ctx = ctx
        self.year = year
        self.setWindowTitle(f"{year}年学习学时与述职评议")
        self.resize(820, 600)
        members = [(m.id, m.name) for m in ctx.roster.read().members if m.status == "active"]
        editable = ctx.db.principal.can_edit

        # ---- 学时
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("studyTable")
        self.table.setHorizontalHeaderLabels(["姓名", "学时", "应达", "情况"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
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
        box.addWidget(self.table, 1)
        if editable:
            box.addLayout(entry)
        box.addWidget(self.message)

        # ---- 述职评议
        self.duty_table = QTableWidget(0, 6)
        self.duty_table.setHorizontalHeaderLabels(
            ["年度", "述职人", "职务", "好/较好/一般/差", "上级评价", "述职日期"]
        )
        self.duty_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.duty_table.verticalHeader().setVisible(False)
        self.duty_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
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
            duty_box.addLayout(form)
            duty_box.addWidget(self.duty_button)

        self.tabs = QTabWidget()
        self.tabs.addTab(study_tab, "学习培训学时")
        self.tabs.addTab(duty_tab, f"{year}年度述职评议")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.reload()

    def reload(self) -> None:
        hours = self.ctx.study.hours(self.year)
        self.table.setRowCount(len(hours))
        for row, h in enumerate(hours):
            result = "达标" if not h.short else f"差{format_hours(h.short)}学时"
            for column, text in enumerate((h.name, format_hours(h.total), str(h.target), result)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, h.member_id)
                self.table.setItem(row, column, item)
        reports = self.ctx.study.duty_reports(self.year)
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
        self.reload()

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
        self.reload()
        return saved
