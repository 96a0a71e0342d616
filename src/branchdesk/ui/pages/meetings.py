"""会议记录: the year grid of 三会一课 and the other meetings, the year's list, and the actions.

The grid (``MeetingService.calendar``) has a row per meeting type — one per party group for 党小组会,
the branch's own types after — and a column per month: ✓ held (with the attendance rate), ✗ missing
(red: what ``branchdesk check`` reports as an MTG finding), planned, not yet due. Clicking a cell opens
its meeting (or lets the user choose among several), or offers to record or plan one where there is
none. Below: the year's meetings (date, meeting, theme, 应到/实到, status); double-click or Enter opens
one in the editor. Buttons: 新建会议 (Ctrl+N on this page), 打开, 按月批量安排, 定稿, 添加更正, 年度统计.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import CellState, Meeting, MeetingType, VoteKind, YearStats
from branchdesk.domain.members import ValidationError
from branchdesk.ui.changes import MEETING_TABLES, ROSTER_TABLES, reload_when_changed
from branchdesk.ui.models.meeting_models import (
    CELL_COLOURS,
    CELL_ROLE,
    MEETING_ID_ROLE,
    CalendarModel,
    MeetingListModel,
    rate_text,
)
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import record_view, save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel

log = logging.getLogger(__name__)

CUSTOM_PREFIX = "custom:"


def _type_choices(service) -> list[tuple[str, str]]:
    """(label, key) of every meeting type: the fixed ones, then the branch's own (key "custom:名称")."""
    out = [(t.label, t.value) for t in MeetingType if t is not MeetingType.CUSTOM]
    out += [(c.name, CUSTOM_PREFIX + c.name) for c in service.custom_types()]
    return out


def _type_of(key: str) -> tuple[MeetingType, str]:
    if key.startswith(CUSTOM_PREFIX):
        return MeetingType.CUSTOM, key[len(CUSTOM_PREFIX) :]
    return MeetingType(key), ""


class RecurringDialog(QDialog):
    """按月批量安排: a meeting on a fixed day of the month, planned for the rest of the year."""

    def __init__(self, service, *, year: int, today: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("按月批量安排会议")
        self.service = service
        self.type_box = QComboBox()
        for label, key in _type_choices(service):
            self.type_box.addItem(label, key)
        self.type_box.setCurrentIndex(self.type_box.findData(MeetingType.PARTY_DAY.value))
        self.group_box = QComboBox()
        for gid, name in service.groups():
            self.group_box.addItem(name, gid)
        self.day = QSpinBox()
        self.day.setRange(1, 31)
        self.day.setValue(15)
        self.day.setPrefix("每月 ")
        self.day.setSuffix(" 日")
        self.every = QSpinBox()
        self.every.setRange(1, 12)
        self.every.setPrefix("每 ")
        self.every.setSuffix(" 个月一次")
        self.start = DateField()
        self.start.setDate(max(today, dt.date(year, 1, 1)))
        self.until = DateField()
        self.until.setDate(dt.date(max(year, today.year), 12, 31))
        self.working_day = QCheckBox("遇周末、节假日改在最近的工作日")
        self.working_day.setChecked(True)
        self.theme = QComboBox()
        self.theme.setEditable(True)
        self.theme.lineEdit().setPlaceholderText("会议主题（可不填，召开前再定）")
        self.place = QComboBox()
        self.place.setEditable(True)
        self.place.lineEdit().setPlaceholderText("会议地点（可不填）")
        intro = QLabel(
            "在选定期间内，每月（或每隔几个月）固定一天安排会议。已有同类会议（已召开或已安排）的月份自动跳过。"
        )
        intro.setWordWrap(True)
        self.form = QFormLayout()
        self.form.addRow("会议类型", self.type_box)
        self.form.addRow("党小组", self.group_box)
        self.form.addRow("日期", self.day)
        self.form.addRow("间隔", self.every)
        self.form.addRow("从", self.start)
        self.form.addRow("到", self.until)
        self.form.addRow("", self.working_day)
        self.form.addRow("主题", self.theme)
        self.form.addRow("地点", self.place)
        self.errors = ErrorPanel()
        buttons, _save, _cancel = save_cancel_buttons(self, self.save, save_text="安排")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.type_box.currentIndexChanged.connect(self._sync)
        self._sync()
        self.planned: list[Meeting] = []
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _sync(self, *_args) -> None:
        kind, _name = _type_of(self.type_box.currentData())
        self.form.setRowVisible(self.group_box, kind is MeetingType.GROUP)

    def save(self) -> bool:
        kind, name = _type_of(self.type_box.currentData())
        start, until = self.start.date(), self.until.date()
        problems = []
        if start is None:
            problems.append(f"开始日期：{self.start.error() or '请填写'}")
        if until is None:
            problems.append(f"结束日期：{self.until.error() or '请填写'}")
        if kind is MeetingType.GROUP and self.group_box.currentData() is None:
            problems.append("请选择党小组")
        if problems:
            self.errors.set_messages(problems)
            return False
        values = {k: v for k, v in (("theme", self.theme.currentText().strip()),
                                    ("place", self.place.currentText().strip())) if v}  # fmt: skip
        try:
            self.planned = self.service.plan_recurring(
                name or kind, self.day.value(), start=start, until=until, every_months=self.every.value(),
                working_day=self.working_day.isChecked(),
                group_id=self.group_box.currentData() if kind is MeetingType.GROUP else None, **values,
            )  # fmt: skip
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues])
            return False
        self.accept()
        return True


def statistics_lines(stats: YearStats, groups: dict[int, str]) -> list[tuple[str, str]]:
    """The year-end figures as (item, value) lines, in the order of a work summary."""
    lines = [("全年召开会议", f"{stats.held} 次")]
    order = list(MeetingType)
    by_type = sorted(
        stats.by_type.items(),
        key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), str(kv[0])),
    )
    for key, n in by_type:
        label = key.label if isinstance(key, MeetingType) else str(key)
        if key == MeetingType.GROUP and stats.groups:
            per = "、".join(f"{groups.get(g, '未知党小组')} {c} 次" for g, c in stats.groups.items())
            lines.append((f"　{label}", f"{n} 次（{per}）"))
        else:
            lines.append((f"　{label}", f"{n} 次"))
    lines.append(("平均出席率", rate_text(stats.average_attendance) or "—"))
    lines.append(("总出席率（实到合计 / 应到合计）", rate_text(stats.overall_attendance) or "—"))
    lines.append(("谈心谈话", f"{stats.talks} 人次"))
    kinds = "、".join(f"{VoteKind(k).label if k in VoteKind._value2member_map_ else k} {n} 次"
                      for k, n in stats.votes_by_kind.items())  # fmt: skip
    lines.append(
        ("表决事项", f"{stats.votes} 项，通过 {stats.votes_passed} 项" + (f"（{kinds}）" if kinds else ""))
    )
    if any(stats.grades.values()):
        lines.append(("民主评议等次", "，".join(f"{g.label} {n} 人" for g, n in stats.grades.items())))
    if stats.remediation_items:
        lines.append(("整改事项", f"{stats.remediation_items} 项，已完成 {stats.remediation_done} 项"))
    if stats.development_steps:
        lines.append(("发展党员工作", ""))
        for title, n in stats.development_steps.items():
            lines.append((f"　{title}", f"{n} 人"))
    return lines


class StatisticsDialog(QDialog):
    """年度统计: the figures of a year-end work summary, copyable as text."""

    def __init__(self, stats: YearStats, groups: dict[int, str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"{stats.year}年会议和党员发展工作统计")
        self.lines = statistics_lines(stats, groups)
        self.table = QTableWidget(len(self.lines), 2)
        self.table.setObjectName("statisticsTable")
        self.table.setHorizontalHeaderLabels(["项目", "数量"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, (item, value) in enumerate(self.lines):
            self.table.setItem(row, 0, QTableWidgetItem(item))
            self.table.setItem(row, 1, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.resizeRowsToContents()
        note = QLabel("按本年度已召开（不含计划中）的会议统计；发展党员各步骤按完成日期统计人数。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        copy = QPushButton("复制全部")
        copy.setToolTip("复制为文字，粘贴到年度工作总结中")
        copy.clicked.connect(self.copy)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (copy, close):
            b.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addLayout(row)
        self.resize(720, min(760, 120 + 30 * len(self.lines)))

    def text(self) -> str:
        return "\n".join(f"{item.strip()}：{value}" if value else item.strip() for item, value in self.lines)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())


class MeetingsPage(QWidget):
    message = Signal(str)
    activate_requested = Signal()

    def __init__(self, ctx, service=None, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = service if service is not None else ctx.meetings
        self._today = today
        self.year = self.today.year

        # ---- top row
        self.year_box = QSpinBox()
        self.year_box.setObjectName("meetingYear")
        self.year_box.setRange(1990, self.today.year + 5)
        self.year_box.setValue(self.year)
        self.year_box.setSuffix(" 年")
        self.year_box.setToolTip("选择年度")
        self.new_button = QPushButton("新建会议…")
        self.new_button.setToolTip("新建一份会议记录（Ctrl+N）")
        self.open_button = QPushButton("打开")
        self.recurring_button = QPushButton("按月批量安排…")
        self.recurring_button.setToolTip("如：每月15日的主题党日，安排到年底")
        self.finalise_button = QPushButton("定稿…")
        self.amend_button = QPushButton("添加更正…")
        self.stats_button = QPushButton("年度统计")
        self.types_button = QPushButton("会议类型…")
        self.types_button.setToolTip("本支部增加的会议类型（如 党政联席会议）：新增、改名、删除")
        self.refresh_button = QPushButton("刷新")
        for b in (self.new_button, self.open_button, self.recurring_button, self.finalise_button,
                  self.amend_button, self.stats_button, self.types_button, self.refresh_button):  # fmt: skip
            b.setAutoDefault(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year_box)
        top.addSpacing(12)
        for b in (self.new_button, self.open_button, self.recurring_button, self.finalise_button,
                  self.amend_button):  # fmt: skip
            top.addWidget(b)
        top.addStretch(1)
        top.addWidget(self.stats_button)
        top.addWidget(self.types_button)
        top.addWidget(self.refresh_button)

        # ---- calendar grid
        self.calendar_model = CalendarModel(self)
        self.calendar = QTableView()
        self.calendar.setObjectName("meetingCalendar")
        self.calendar.setModel(self.calendar_model)
        self.calendar.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.calendar.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.calendar.setShowGrid(True)
        self.calendar.setWordWrap(False)
        self.calendar.setMouseTracking(True)
        metrics = self.calendar.fontMetrics()
        header = self.calendar.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(metrics.horizontalAdvance("计划 28日") + 14)
        vheader = self.calendar.verticalHeader()
        vheader.setDefaultSectionSize(metrics.height() + 10)
        vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vheader.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        vheader.setMinimumWidth(metrics.horizontalAdvance("第一党小组会") + 20)
        self.calendar.clicked.connect(self.open_cell)
        self.calendar_title = QLabel()
        font = self.calendar_title.font()
        font.setBold(True)
        self.calendar_title.setFont(font)
        self.legend = QLabel(self._legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)

        # ---- list of the year's meetings
        self.list_model = MeetingListModel(self)
        self.list = record_view(self.list_model, "meetingList")
        lheader = self.list.horizontalHeader()
        for col, sample in enumerate(("2026-12-31", "第一党小组会", "", "应到/实到 ", "已定稿 ")):
            if sample:
                lheader.resizeSection(col, metrics.horizontalAdvance(sample) + 28)
        lheader.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.list.doubleClicked.connect(
            lambda index: self.open_meeting(self.list_model.items[index.row()].id)
        )
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            QShortcut(
                QKeySequence(key), self.list, self.open_selected, context=Qt.ShortcutContext.WidgetShortcut
            )
        self.list_title = QLabel()
        self.list_title.setFont(font)

        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        title_row = QHBoxLayout()
        title_row.addWidget(self.calendar_title)
        title_row.addStretch(1)
        title_row.addWidget(self.legend)
        upper_layout.addLayout(title_row)
        upper_layout.addWidget(self.calendar, 1)
        self.upper = upper
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(self.list_title)
        lower_layout.addWidget(self.list, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(upper)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setCollapsible(0, False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        hint = QLabel("单击格子打开当月会议记录（缺开的可补录或安排）；双击列表中的会议打开记录。")
        hint.setEnabled(False)
        layout.addWidget(hint)

        self.year_box.valueChanged.connect(self.set_year)
        self.new_button.clicked.connect(lambda: self.new_meeting())
        self.open_button.clicked.connect(self.open_selected)
        self.recurring_button.clicked.connect(self.plan_recurring)
        self.finalise_button.clicked.connect(self.finalise_selected)
        self.amend_button.clicked.connect(self.amend_selected)
        self.stats_button.clicked.connect(self.show_statistics)
        self.types_button.clicked.connect(self.edit_types)
        self.refresh_button.clicked.connect(self.reload)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self._sync_buttons())
        self._ctrl_n = _PageShortcut(self, QKeySequence(QKeySequence.StandardKey.New), self.new_meeting)
        self.loaded = False
        # the records, and the roster their expected attendance and the year grid are read from
        reload_when_changed(self, ctx.changes, MEETING_TABLES | ROSTER_TABLES)
        self._sync_buttons()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def showEvent(self, event) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    @staticmethod
    def _legend_html() -> str:
        parts = []
        for state, text in ((CellState.HELD, "✓ 已召开（出席率）"), (CellState.MISSING, "✗ 缺开"),
                            (CellState.PLANNED, "计划"), (CellState.NOT_DUE, "未到期")):  # fmt: skip
            bg, fg = CELL_COLOURS[state]
            parts.append(f'<span style="background:{bg}; color:{fg};">&nbsp;{text}&nbsp;</span>')
        return "&nbsp;&nbsp;".join(parts)

    # ---- data ------------------------------------------------------------------------------------
    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            if self.year_box.value() != year:
                self.year_box.setValue(year)
            self.reload()

    def _read_if_stale(self) -> None:
        """After this page's own write: on screen the commit has reloaded it already."""
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            summaries = self.service.list(year=self.year)
            rows = self.service.calendar(self.year, as_of=self.today)
        finally:
            QApplication.restoreOverrideCursor()
        selected = self.selected_id()
        self.calendar_model.set_calendar(self.year, rows, {m.id: m for m in summaries})
        self._fit_calendar()
        self.list_model.set_meetings(summaries)
        if selected is not None:
            self.select_meeting(selected)
        missing = sum(c.state is CellState.MISSING for r in rows for c in r.cells)
        held = sum(1 for m in summaries if str(m.status) != "planned" and m.date <= self.today)
        planned = sum(1 for m in summaries if str(m.status) == "planned")
        self.calendar_title.setText(
            f"{self.year}年“三会一课”及组织生活情况" + (f"：缺开 {missing} 处" if missing else "：无缺开")
        )
        self.list_title.setText(f"{self.year}年会议记录：已召开 {held} 次，计划 {planned} 次")
        self._sync_buttons()

    def _fit_calendar(self) -> None:
        """The grid is as tall as its rows (no empty band under them); the list takes the rest."""
        height = self.calendar.horizontalHeader().height() + 2 * self.calendar.frameWidth() + 2
        height += sum(self.calendar.rowHeight(r) for r in range(self.calendar_model.rowCount()))
        self.calendar.setMaximumHeight(max(height, 120))
        title = max(self.calendar_title.sizeHint().height(), self.legend.sizeHint().height())
        self.upper.setMaximumHeight(max(height, 120) + title + self.upper.layout().spacing() + 2)

    def selected_id(self) -> int | None:
        rows = self.list.selectionModel().selectedRows() if self.list.selectionModel() else []
        if not rows:
            return None
        return self.list_model.data(rows[0], MEETING_ID_ROLE)

    def selected_summary(self):
        meeting_id = self.selected_id()
        row = self.list_model.row_of(meeting_id) if meeting_id is not None else -1
        return self.list_model.items[row] if row >= 0 else None

    def select_meeting(self, meeting_id: int) -> None:
        row = self.list_model.row_of(meeting_id)
        if row >= 0:
            self.list.selectRow(row)
            self.list.scrollTo(self.list_model.index(row, 0))

    def _sync_buttons(self) -> None:
        summary = self.selected_summary()
        self.open_button.setEnabled(summary is not None)
        self.finalise_button.setEnabled(summary is not None and str(summary.status) == "draft")
        self.amend_button.setEnabled(summary is not None and str(summary.status) == "sealed")

    def cell_index(self, label: str, month: int) -> QModelIndex:
        """The grid cell of a row (by its label) and month (tests, keyboard)."""
        for row in range(self.calendar_model.rowCount()):
            if self.calendar_model.row_label(row) == label:
                return self.calendar_model.index(row, month - 1)
        raise KeyError(label)

    # ---- actions ---------------------------------------------------------------------------------
    def _edit(self, meeting: Meeting) -> bool:
        from branchdesk.ui.dialogs.meeting_dialog import open_meeting

        changed = open_meeting(self, self.ctx, self.service, meeting, today=self.today)
        if changed:
            self._read_if_stale()
        return changed

    def open_meeting(self, meeting_id: int | None) -> bool:
        if meeting_id is None:
            return False
        self.activate_requested.emit()
        meeting = self.service.get(meeting_id)
        changed = self._edit(meeting)
        self.select_meeting(meeting_id)
        if changed:
            after = self.service.get(meeting_id)
            self.message.emit(f"已保存：{format_date(after.date)} {after.title}（{after.status.label}）")
        return changed

    def open_selected(self) -> bool:
        return self.open_meeting(self.selected_id())

    def new_meeting(self, type_: MeetingType | str = MeetingType.GENERAL, on: dt.date | None = None,
                    group_id: int | None = None) -> bool:  # fmt: skip
        """新建会议 (Ctrl+N): the editor on a new record (nothing is stored until 保存)."""
        self.activate_requested.emit()
        on = on or self.today
        try:
            draft = self.service.draft(
                type_, on, group_id=group_id, status="draft" if on <= self.today else "planned"
            )
        except ValidationError as exc:
            prompts.warn(self, "新建会议", "\n".join(i.message for i in exc.issues))
            return False
        changed = self._edit(draft)
        if changed:
            self.message.emit(f"已新建会议记录：{format_date(on)} {draft.title}")
        return changed

    def open_cell(self, index: QModelIndex) -> bool:
        """A click on the grid: open the cell's meeting, choose among several, or offer a new one."""
        cell = index.data(CELL_ROLE)
        if cell is None:
            return False
        row = self.calendar_model.rows[index.row()]
        if len(cell.meeting_ids) == 1:
            return self.open_meeting(cell.meeting_ids[0])
        if len(cell.meeting_ids) > 1:
            menu = QMenu(self)
            for meeting_id in cell.meeting_ids:
                m = self.calendar_model.summaries.get(meeting_id)
                if m is not None:
                    menu.addAction(f"{format_date(m.date)} {m.title}（{m.status.label}）").setData(meeting_id)
            chosen = menu.exec(
                self.calendar.viewport().mapToGlobal(self.calendar.visualRect(index).bottomLeft())
            )
            return self.open_meeting(chosen.data()) if chosen is not None else False
        first = dt.date(self.year, cell.month, 1)
        past = first <= self.today
        this_month = (self.today.year, self.today.month) == (self.year, cell.month)
        on = self.today if this_month else first.replace(day=15)
        what = f"{self.year}年{cell.month}月没有{row.label}的记录。"
        if cell.findings:
            what += "\n" + "\n".join(cell.findings)
        question = what + ("\n\n现在补录一份会议记录？" if past else "\n\n现在安排一次会议？")
        if not prompts.ask(self, row.label, question, yes="补录" if past else "安排"):
            return False
        key: MeetingType | str = row.custom_type_name or row.type
        return self.new_meeting(key, on, row.group_id)

    def plan_recurring(self) -> bool:
        dialog = RecurringDialog(self.service, year=self.year, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        planned = dialog.planned
        if not planned:
            prompts.inform(
                self, "按月批量安排", "选定期间内每个月都已有这类会议（已召开或已安排），没有新安排。"
            )
            return False
        self._read_if_stale()
        days = "、".join(f"{m.date.month}月{m.date.day}日" for m in planned)
        self.message.emit(f"已安排 {len(planned)} 次{planned[0].title}：{days}")
        prompts.inform(self, "按月批量安排", f"已安排 {len(planned)} 次{planned[0].title}：\n{days}")
        return True

    def finalise_selected(self) -> bool:
        summary = self.selected_summary()
        if summary is None:
            return False
        if not prompts.ask(
            self, "会议记录定稿",
            f"{format_date(summary.date)} {summary.title}\n定稿后不能再修改，只能添加更正说明。确定定稿？", yes="定稿",
        ):  # fmt: skip
            return False
        try:
            self.service.finalise(summary.id)
        except ValidationError as exc:
            prompts.warn(self, "还不能定稿", "\n".join(i.message for i in exc.issues))
            return False
        self._read_if_stale()
        self.message.emit(f"已定稿：{format_date(summary.date)} {summary.title}")
        return True

    def amend_selected(self) -> bool:
        from branchdesk.ui.dialogs.meeting_dialog import AmendmentDialog

        summary = self.selected_summary()
        if summary is None:
            return False
        meeting = self.service.get(summary.id)
        if not meeting.sealed:
            prompts.inform(self, "添加更正", "这份会议记录还没有定稿，可以直接打开修改。")
            return False
        dialog = AmendmentDialog(meeting, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        on, reason, text = dialog.values()
        try:
            self.service.amend(summary.id, reason, text, on)
        except ValidationError as exc:
            prompts.warn(self, "添加更正", "\n".join(i.message for i in exc.issues))
            return False
        self._read_if_stale()
        self.message.emit(f"已添加更正：{format_date(summary.date)} {summary.title}")
        return True

    def edit_types(self) -> bool:
        """会议类型…: the branch's own meeting types; True (and the page reloaded) when one changed."""
        from branchdesk.ui.dialogs.meeting_types_dialog import MeetingTypesDialog

        dialog = MeetingTypesDialog(self.service, self)
        dialog.exec()
        if dialog.changed:
            self._read_if_stale()
        return dialog.changed

    def show_statistics(self) -> StatisticsDialog:
        stats = self.service.statistics(self.year)
        dialog = StatisticsDialog(stats, dict(self.service.groups()), self)
        dialog.open()
        return dialog


class _PageShortcut(QObject):
    """A key that belongs to this page while it has the focus, even when a window-wide menu action
    uses the same key (Ctrl+N is 新增党员 in the 编辑 menu; on this page it is 新建会议)."""

    def __init__(self, page: QWidget, keys: QKeySequence, slot):
        super().__init__(page)
        self.page, self.keys, self.slot = page, keys, slot
        for widget in (page, *page.findChildren(QWidget)):
            widget.installEventFilter(self)

    def _mine(self, event: QKeyEvent) -> bool:
        combo = event.keyCombination()
        if QKeySequence(combo) != self.keys:
            return False
        focus = QApplication.focusWidget()
        return focus is not None and (focus is self.page or self.page.isAncestorOf(focus))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        keys = (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        if kind in keys and isinstance(event, QKeyEvent) and self.page.isVisible() and self._mine(event):
            if kind == QEvent.Type.ShortcutOverride:
                event.accept()  # deliver it as a key press, not as the menu's shortcut
                return False
            if watched is QApplication.focusWidget():
                self.slot()
            return True
        return False
