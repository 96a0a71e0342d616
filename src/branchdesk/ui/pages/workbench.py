"""工作台 (issue 16): the first page after login — this month's to-dos across the areas with one click to
act, the readiness score with its weakest dimension, the recent changes, and what to do first in an empty
branch. Reads ``ctx.workbench`` and ``ctx.readiness``; the score is read after the page is painted."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import format_date
from branchdesk.ui.changes import reload_when_changed

#: The score is read this long after the to-dos (it reads the year's records and the rule engine loads the
#: holiday calendar): the page paints first.
SCORE_DELAY_MS = 500


class WorkbenchPage(QWidget):
    act_requested = Signal(str, object)  # target page, what to open there
    message = Signal(str)

    def __init__(self, ctx, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.loaded = False
        self.todos: list = []
        self.assessment = None
        self._scoring = None  # the score being read off the GUI thread (score_later)
        self._score_again = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.first_steps = QLabel()
        self.first_steps.setObjectName("firstSteps")
        self.first_steps.setWordWrap(True)
        self.first_steps.setStyleSheet("background:#fff8e1;border:1px solid #f0d58c;padding:8px;")
        layout.addWidget(self.first_steps)

        body = QHBoxLayout()
        layout.addLayout(body, 1)
        todo_box = QGroupBox("本月待办")
        todo_layout = QVBoxLayout(todo_box)
        self.todo_count = QLabel()
        todo_layout.addWidget(self.todo_count)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["期限", "类别", "事项", ""])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for col in (0, 1, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellDoubleClicked.connect(lambda row, _col: self.act(row))
        self.table.cellClicked.connect(lambda row, col: self.act(row) if col == 3 else None)
        todo_layout.addWidget(self.table)
        body.addWidget(todo_box, 3)

        side = QVBoxLayout()
        body.addLayout(side, 2)
        score_box = QGroupBox("迎检准备")
        score_layout = QVBoxLayout(score_box)
        self.score = QLabel("正在计算自评得分…")
        self.score.setObjectName("readinessScore")
        self.score.setWordWrap(True)
        score_layout.addWidget(self.score)
        self.weakest = QLabel()
        self.weakest.setWordWrap(True)
        score_layout.addWidget(self.weakest)
        self.top_actions = QListWidget()
        self.top_actions.setMaximumHeight(150)
        self.top_actions.itemDoubleClicked.connect(
            lambda _item: self.follow_action(self.top_actions.currentRow())
        )
        score_layout.addWidget(self.top_actions)
        open_assess = QPushButton("打开自评")
        open_assess.clicked.connect(lambda: self.act_requested.emit("assess", ()))
        score_layout.addWidget(open_assess)
        side.addWidget(score_box)
        recent_box = QGroupBox("最近修改")
        recent_layout = QVBoxLayout(recent_box)
        self.recent = QListWidget()
        recent_layout.addWidget(self.recent)
        side.addWidget(recent_box, 1)

        # every table: to-dos, the score and recent changes follow all
        reload_when_changed(self, ctx.changes, None)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.loaded:  # paint first (the heading, "正在读取"), then read: the window shows at once
            self.loaded = True
            self.heading.setText(f"工作台　{format_date(self.today)}")
            self.todo_count.setText("正在读取本月待办…")
            self._read_after_paint = True

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if getattr(self, "_read_after_paint", False):
            self._read_after_paint = False
            QTimer.singleShot(0, self.reload)

    # ---- reading --------------------------------------------------------------------------------
    def reload(self) -> None:
        """The to-dos, the first steps and the recent changes now; the score after the paint."""
        self.loaded = True
        ws = self.ctx.ws
        self.heading.setText(f"工作台　{format_date(self.today)}")
        steps = ws.workbench.first_steps()
        self.first_steps.setText("先做这些：\n" + "\n".join(steps) if steps else "")
        self.first_steps.setVisible(bool(steps))
        self.todos = ws.workbench.todos(self.today)
        self._fill_todos()
        self.recent.clear()
        for r in ws.workbench.recent():
            self.recent.addItem(f"{r.at}　{r.user}　{r.text}")
        QTimer.singleShot(SCORE_DELAY_MS, self.score_later)  # after the paint (it reads the whole year)

    def _fill_todos(self) -> None:
        todos = self.todos
        overdue = sum(t.overdue for t in todos)
        self.todo_count.setText(
            f"共 {len(todos)} 项，其中已逾期 {overdue} 项（点“去处理”或双击一行）"
            if todos
            else "本月没有待办事项。"
        )
        self.table.setRowCount(len(todos))
        for row, t in enumerate(todos):
            due = QTableWidgetItem(format_date(t.due) + ("（已逾期）" if t.overdue else ""))
            if t.overdue:
                due.setForeground(Qt.GlobalColor.darkRed)
            self.table.setItem(row, 0, due)
            self.table.setItem(row, 1, QTableWidgetItem(t.area))
            self.table.setItem(row, 2, QTableWidgetItem(t.text))
            go = QTableWidgetItem("去处理 ›")  # a link-like cell, not a widget per row (hundreds of to-dos)
            go.setForeground(Qt.GlobalColor.blue)
            go.setToolTip("点击去处理")
            self.table.setItem(row, 3, go)

    def load_score(self) -> None:
        """The score now, on this thread (tests; the page reads it off the GUI thread: ``score_later``)."""
        if not self.isVisible() and self.assessment is not None:
            return
        self._show_score(self.ctx.ws.readiness.assess(self.today.year, as_of=self.today))

    def score_later(self) -> None:
        """The score read off the GUI thread (0.2–0.4 s on a 200-member branch, about 1 s the first time,
        after every change while the page is shown), shown when it comes. While one is being read, a
        change asks for one more read after it, not a second thread."""
        if not self.isVisible() and self.assessment is not None:
            return
        if self._scoring is not None:
            self._score_again = True
            return
        from branchdesk.ui.background import BackgroundCall

        self._score_again = False
        call = self._scoring = BackgroundCall(self.ctx.ws.readiness.assess, self.today.year, as_of=self.today)
        call.succeeded.connect(self._show_score)  # queued: on the GUI thread
        call.failed.connect(self._score_failed)  # a bound method: let go of when the page is gone
        call.finished.connect(self._scored)
        call.begin()

    def _score_failed(self, text: str) -> None:
        self.score.setText(f"自评得分暂时无法计算：{text}")

    def _scored(self) -> None:
        self._scoring = None
        if self._score_again:
            self.score_later()

    def _show_score(self, a) -> None:
        from branchdesk.domain.rubric import points_text

        self.assessment = a
        self.score.setText(
            f"{a.rubric.name}自评（{a.year}年度）：<b>{points_text(a.score)}</b> / {points_text(a.max)} 分"
        )
        self.score.setTextFormat(Qt.TextFormat.RichText)
        weakest = a.weakest()
        self.weakest.setText(
            f"最弱的维度：{weakest.name}（{points_text(weakest.score)} / {points_text(weakest.max)} 分）"
            if weakest is not None
            else ""
        )
        self.top_actions.clear()
        self._actions = a.actions[:6]
        for x in self._actions:
            self.top_actions.addItem(x.text)

    # ---- acting ---------------------------------------------------------------------------------
    def act(self, row: int) -> None:
        """One click on a to-do: go where it is done."""
        if not 0 <= row < len(self.todos):
            return
        t = self.todos[row]
        if t.target == "meetings" and t.detail:
            ref = (t.detail, min(t.due, self.today).isoformat(), t.ref)
        elif t.target == "development":
            ref = ("dossier", t.ref)
        elif t.target == "members":
            ref = ("member", t.ref)
        else:
            ref = (t.ref,) if t.ref is not None else ()
        self.act_requested.emit(t.target, ref)

    def follow_action(self, row: int) -> None:
        actions = getattr(self, "_actions", [])
        if 0 <= row < len(actions):
            x = actions[row]
            self.act_requested.emit(x.target or "assess", x.ref or (x.item_key,))
