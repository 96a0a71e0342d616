"""各支部概览: one row per branch of the database (members by type, open dossiers by stage, meetings
held this year, then each branch's check: missing meetings, overdue to-dos, dues arrears, blocking
findings), from
which a branch opens. The counts come in one read (`ws.committee.overview`); the checks follow row by
row so that the table is there at once however many branches the committee has."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from branchdesk.domain.development import Stage

STAGE_TITLES = {Stage.APPLICATION: "申请人", Stage.ACTIVIST: "积极分子", Stage.CANDIDATE: "发展对象",
                Stage.ADMISSION: "接收中", Stage.PROBATION: "预备期"}  # fmt: skip
HEADERS = [
    "支部",
    "正式党员",
    "预备党员",
    *STAGE_TITLES.values(),
    "本年会议",
    "缺少会议",
    "逾期待办",
    "欠缴党费",
    "严重问题",
]
FINDING_COLUMNS = tuple(range(len(HEADERS) - 4, len(HEADERS)))
#: Branches checked per turn of the event loop: their records are read together (compliance.each_branch);
#: a turn stays around a third of a second on a committee's database of 200-member branches, so the table
#: stays responsive in between.
ROWS_PER_TURN = 2


class CommitteeOverviewDialog(QDialog):
    open_branch = Signal(int)  # the branch to open (the window switches to it)

    def __init__(self, ctx, parent=None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or dt.date.today()
        self.setWindowTitle("各支部概览")
        self.resize(1100, 520)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self._open())
        self.status = QLabel()
        self.open_button = QPushButton("打开该支部")
        self.open_button.clicked.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{self.today.year}年　双击一行打开该支部。各支部的检查结果逐行显示。"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self._pending: list[int] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._next_findings)
        self.reload()

    def reload(self) -> None:
        rows = self.ctx.committee.overview(self.today.year)
        self.branch_ids = [r.id for r in rows]
        self.table.setRowCount(len(rows))
        for n, r in enumerate(rows):
            values = [
                r.name,
                r.full,
                r.probationary,
                *[r.stages.get(s, 0) for s in STAGE_TITLES],
                r.meetings_held,
            ]
            values += ["…"] * len(FINDING_COLUMNS)
            for col, value in enumerate(values):
                item = QTableWidgetItem(str(value))
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 0 and r.id == self.ctx.branch_id:
                    item.setText(f"{r.name}（当前）")
                self.table.setItem(n, col, item)
        self._pending = list(range(len(rows)))
        self.status.setText(f"共 {len(rows)} 个支部，正在检查…")
        self._timer.start(0)

    def _next_findings(self) -> None:
        if not self._pending:
            self.status.setText(f"共 {len(self.branch_ids)} 个支部，检查完毕。")
            return
        rows, self._pending = self._pending[:ROWS_PER_TURN], self._pending[ROWS_PER_TURN:]
        found_of = self.ctx.committee.findings_of([self.branch_ids[row] for row in rows], self.today)
        for row in rows:
            found = found_of[self.branch_ids[row]]
            values = (found.missing_meetings, found.overdue_todos, found.arrears_text, found.blocking)
            for col, value in zip(FINDING_COLUMNS, values, strict=True):
                item = self.table.item(row, col)
                item.setText(str(value))
                if value and col == FINDING_COLUMNS[-1]:
                    item.setForeground(Qt.GlobalColor.red)
        self._timer.start(0)

    def finish_findings(self) -> None:
        """Every remaining row's check now (tests; the dialog itself does them one per event loop turn)."""
        while self._pending:
            self._next_findings()
        self._next_findings()

    def _open(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.open_branch.emit(self.branch_ids[row])
        self.accept()
