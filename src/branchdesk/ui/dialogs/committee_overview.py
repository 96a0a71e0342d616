"""各支部概览: one row per branch of the database (members by type, open dossiers by stage, meetings
held this year, then each branch's check: missing meetings, overdue to-dos, dues arrears, blocking
findings), from which a branch opens. The counts come in one read (`ws.committee.overview`), so the table
is there at once however many branches the committee has; the checks run off the GUI thread, judged
side by side in several processes as `branchdesk check --all` does (`committee.findings_of`), and
fill their rows as they come."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
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
from branchdesk.ui.background import BackgroundCall

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


class _Findings(BackgroundCall):
    """Every branch's findings, judged off the GUI thread (``committee.findings_of``), each part as it is
    done (``found``); ``stop`` takes no further branch and waits for those being judged (≤ ~1 s)."""

    found = Signal(object)  # {branch id: BranchFindings}

    def __init__(self, committee, branch_ids: list[int], as_of: dt.date):
        super().__init__(self._judge, committee, branch_ids, as_of)

    def _judge(self, committee, branch_ids, as_of):
        return committee.findings_of(
            branch_ids, as_of, jobs=None, on_done=self.found.emit, cancelled=self.cancel.is_set
        )


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
        self._worker: _Findings | None = None
        self._checked = 0
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
        self._stop()
        self._checked = 0
        self.status.setText(f"共 {len(rows)} 个支部，正在检查…")
        worker = self._worker = _Findings(self.ctx.committee, self.branch_ids, self.today)
        worker.found.connect(self._show_findings)  # queued: runs on the GUI thread
        worker.failed.connect(self._check_failed)  # a bound method: let go of when the dialog is gone
        worker.finished.connect(self._finished)
        worker.begin()

    def _show_findings(self, found: dict) -> None:
        if self.sender() is not self._worker:  # a part of an earlier check, stopped
            return
        for branch_id, findings in found.items():
            if branch_id not in self.branch_ids:
                continue
            row = self.branch_ids.index(branch_id)
            values = (
                findings.missing_meetings,
                findings.overdue_todos,
                findings.arrears_text,
                findings.blocking,
            )
            for col, value in zip(FINDING_COLUMNS, values, strict=True):
                item = self.table.item(row, col)
                item.setText(str(value))
                if value and col == FINDING_COLUMNS[-1]:
                    item.setForeground(Qt.GlobalColor.red)
            self._checked += 1
        if self._checked < len(self.branch_ids):
            self.status.setText(f"共 {len(self.branch_ids)} 个支部，正在检查…（已检查 {self._checked} 个）")

    def _check_failed(self, text: str) -> None:
        if self.sender() is self._worker:
            self.status.setText(f"检查未能完成：{text}")

    def _finished(self) -> None:
        if self.sender() is not self._worker:  # an earlier check, stopped
            return
        if self._checked >= len(self.branch_ids):
            self.status.setText(f"共 {len(self.branch_ids)} 个支部，检查完毕。")

    def finish_findings(self) -> None:
        """Wait for every row's check and show it (tests; the dialog fills the rows as they come)."""
        from PySide6.QtCore import QCoreApplication

        if self._worker is not None:
            self._worker.wait()
        QCoreApplication.sendPostedEvents()  # the queued parts and the finished signal
        QCoreApplication.processEvents()

    def _stop(self) -> None:
        """No further branch is taken by a check still running; wait for its current few (≤ ~1 s)."""
        worker, self._worker = self._worker, None
        if worker is not None and worker.isRunning():
            worker.stop()

    def done(self, result: int) -> None:
        self._stop()
        super().done(result)

    def _open(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        self.open_branch.emit(self.branch_ids[row])
        self.accept()
