"""设置 › 检查起点与节假日: the day the branch's checks start from, and the holiday calendar.

* 开始记录日期 (``branch.records_since``): months before it are never "missing" a meeting and
  decisions before it need no meeting record here; empty = from the first meeting record.
* 节假日安排: publicity periods and other "working days" skip weekends and official holidays and
  count make-up working days. The bundled calendar covers the years its package knows; for a later
  year the branch enters the State Council's notice (published each November) here, by hand or from
  an Excel sheet (日期, 类型 放假/上班, 说明). A year without data is counted Monday–Friday, and the
  page says so.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import HolidayCalendar, format_date
from branchdesk.domain.members import ValidationError
from branchdesk.services.rule_settings import HOLIDAY, WORKDAY
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.rows_editor import RowColumn, RowsEditor, parse_cell_date

_KINDS = {HOLIDAY: "放假", WORKDAY: "上班（调休）"}
_KIND_OF = {label: kind for kind, label in _KINDS.items()} | {"放假": HOLIDAY, "上班": WORKDAY}


def _note(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class CalendarSettingsPanel(QWidget):
    saved = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx

        # ---- the branch's start date
        start = QGroupBox("检查起点")
        start_layout = QVBoxLayout(start)
        row = QHBoxLayout()
        row.addWidget(QLabel("本支部开始在本程序记录的日期："))
        self.records_since = DateField()
        self.records_since.setObjectName("records_since")
        row.addWidget(self.records_since)
        self.save_start_button = QPushButton("保存")
        self.save_start_button.clicked.connect(self.save_start)
        row.addWidget(self.save_start_button)
        row.addStretch(1)
        start_layout.addLayout(row)
        self.start_note = _note()
        start_layout.addWidget(self.start_note)

        # ---- holidays
        holidays = QGroupBox("节假日安排（放假和调休上班的日期）")
        h_layout = QVBoxLayout(holidays)
        self.coverage = _note()
        h_layout.addWidget(self.coverage)
        year_row = QHBoxLayout()
        year_row.addWidget(QLabel("年份："))
        self.year = QSpinBox()
        self.year.setObjectName("holiday_year")
        self.year.setRange(1990, 2100)
        self.year.setMaximumWidth(self.year.fontMetrics().horizontalAdvance("20269") + 48)
        self.year.valueChanged.connect(self.load_year)
        year_row.addWidget(self.year)
        self.year_status = _note()
        year_row.addWidget(self.year_status, 1)
        h_layout.addLayout(year_row)
        self.days = RowsEditor(
            [
                RowColumn("日期", "date", required=True, width_sample="2027年10月1日"),
                RowColumn(
                    "类型", "choice", tuple(_KINDS.values()), required=True, width_sample="上班（调休）"
                ),
                RowColumn("说明（节日）", width_sample=""),
            ],
            add_text="添加一天",
        )
        self.days.setObjectName("holiday_days")
        self.days.table.setMinimumHeight(self.days.table.verticalHeader().defaultSectionSize() * 8)
        h_layout.addWidget(self.days, 1)
        buttons = QHBoxLayout()
        self.save_year_button = QPushButton("保存该年安排")
        self.save_year_button.clicked.connect(self.save_year)
        self.import_button = QPushButton("从Excel导入…")
        self.import_button.setToolTip(
            "表头：日期、类型（放假/上班）、说明；可包含多个年份，导入后替换这些年份已录入的安排"
        )
        self.import_button.clicked.connect(self.import_excel)
        self.holiday_status = _note()
        buttons.addWidget(self.save_year_button)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.holiday_status, 1)
        h_layout.addLayout(buttons)
        h_layout.addWidget(
            _note(
                "每年11月前后国务院办公厅公布下一年的放假安排。内置日历没有的年份，请按通知录入放假日期和调休上班日期；"
                "未录入的年份，公示期等“工作日”按周一至周五计算，检查结果中会注明。"
            )
        )

        body = QWidget()
        body.setMaximumWidth(900)
        inner = QVBoxLayout(body)
        inner.addWidget(start)
        inner.addWidget(holidays, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(scroll, 1)
        self.year.blockSignals(True)
        self.year.setValue(self._first_year_without_data())
        self.year.blockSignals(False)
        self.load()

    # ---- start date --------------------------------------------------------------------------------
    def load(self) -> None:
        try:
            since, first = self.ctx.meetings.records_start()
        except LookupError:  # no branch yet
            since, first = None, None
        self.records_since.setDate(since)
        if since is not None:
            self.start_note.setText(
                f"会议和记录一致性检查从{format_date(since)}起：此前的月份不算“缺开”，此前的决定不要求本程序中有会议记录。"
            )
        elif first is not None:
            self.start_note.setText(
                f"未设置：从第一份会议记录（{format_date(first)}）起检查。以前的会议记录不在本程序中的，可填写开始记录的日期。"
            )
        else:
            self.start_note.setText(
                "还没有会议记录：录入第一份会议记录后，从其日期起检查；也可以在此填写开始记录的日期。"
            )
        self.load_year()

    def save_start(self) -> bool:
        if self.records_since.error():
            prompts.warn(self, "无法保存", self.records_since.error())
            return False
        self.ctx.meetings.set_records_since(self.records_since.date())
        self.load()
        self.saved.emit()
        return True

    # ---- holidays ------------------------------------------------------------------------------------
    def _calendar(self) -> HolidayCalendar:
        return self.ctx.holidays.calendar()

    def _first_year_without_data(self) -> int:
        """This year, or next year from November (its notice is published then), or the first year
        from this one without data."""
        today = dt.date.today()
        cal = self._calendar()
        year = today.year + (1 if today.month >= 11 else 0)
        for y in range(today.year, year + 1):
            if not cal.is_year_known(y):
                return y
        return year

    def load_year(self) -> None:
        year = self.year.value()
        cal = self._calendar()
        builtin = cal.builtin_years()
        entered = self.ctx.holidays.days(year)
        self.days.set_rows([[format_date(d), _KINDS.get(k, k), note] for d, k, note in entered])
        if builtin:
            text = f"内置节假日数据覆盖{builtin.start}—{builtin.stop - 1}年。"
        else:
            text = "没有内置节假日数据。"
        today = dt.date.today()
        gaps = [y for y in range(today.year, today.year + 2) if not cal.is_year_known(y)]
        if gaps:
            text += (
                "、".join(f"{y}年" for y in gaps)
                + "没有节假日安排数据：检查时这些年份的工作日按周一至周五计算（法定节假日和调休不计），请录入。"
            )
        self.coverage.setText(text)
        if entered:
            self.year_status.setText(
                f"{year}年：已录入{len(entered)}天（放假和调休上班），检查按录入的安排计算。"
            )
        elif year in builtin:
            self.year_status.setText(
                f"{year}年：内置日历已包含该年的安排，无需录入（录入的日期会覆盖内置数据）。"
            )
        else:
            self.year_status.setText(f"{year}年：没有节假日安排数据，工作日按周一至周五计算。")
        self.year_status.setStyleSheet("" if entered or year in builtin else "color: #b00020;")
        self.holiday_status.setText("")

    def save_year(self) -> bool:
        year = self.year.value()
        problems = self.days.problems("节假日安排")
        rows = []
        for i, (day_text, kind_text, note) in enumerate(self.days.rows(), 1):
            if problems:
                break
            day = parse_cell_date(day_text)
            kind = _KIND_OF.get(kind_text.strip())
            if kind is None:
                problems.append(f"第{i}行：类型应为“放假”或“上班”")
                continue
            rows.append((day, kind, note))
        if problems:
            prompts.warn(self, "无法保存节假日安排", "\n".join(problems))
            return False
        try:
            count = self.ctx.holidays.set_year(year, rows)
        except ValidationError as exc:
            prompts.warn(self, "无法保存节假日安排", "\n".join(i.message for i in exc.issues))
            return False
        self.load_year()
        self.holiday_status.setText(f"已保存{year}年的安排（{count}天）")
        self.saved.emit()
        return True

    def import_excel(self, path: Path | str | None = None) -> bool:
        if not path:
            path = prompts.open_file_name(self, "导入节假日安排", Path.home(), "Excel 文件 (*.xlsx)")
            if path is None:
                return False
        try:
            counts = self.ctx.holidays.import_xlsx(path)
        except ValidationError as exc:
            prompts.warn(self, "无法导入节假日安排", "\n".join(i.message for i in exc.issues))
            return False
        years = sorted(counts)
        self.year.setValue(years[0])
        self.load_year()
        self.holiday_status.setText(
            "已导入：" + "，".join(f"{y}年{counts[y]}天" for y in years) + "（替换了这些年份原来录入的安排）"
        )
        self.saved.emit()
        return True
