"""One person's development dossier (发展档案): header, the 25-step timeline, the rule findings.

The timeline lists the steps by stage: done (with the date), the steps open now (with their deadline
or earliest date from ``domain.rules.next_steps``, overdue in red, soon due in amber), and the ones
not reached yet. Findings of ``domain.rules.audit`` are listed with their severity colour and rule
code, and marked on their step. 记录下一步 / 记录所选步骤 open the step form.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import age_on
from branchdesk.domain.development import Dossier, Stage, Standing, Step
from branchdesk.domain.rules import DueItem, DueKind, Finding, Severity

DONE_COLOUR = "#2e7d32"
OVERDUE_COLOUR = "#c62828"
SOON_COLOUR = "#b26a00"
OPEN_COLOUR = "#1565c0"
LATER_COLOUR = "#888888"

COL_STEP, COL_STATE, COL_DATE, COL_NOTE = range(4)

#: Steps without a single date of their own (ongoing) — never "the next step" by themselves.
_ONGOING = {Step.PROBATION_EDUCATION}


def next_step(dossier: Dossier) -> Step | None:
    """The first step in order that is not recorded yet (None when the dossier is closed or archived)."""
    if dossier.closed or dossier.archive_date is not None:
        return None
    done = dossier.steps_done
    for step in Step:
        if step not in done and step not in _ONGOING:
            return step
    return None


def due_text(item: DueItem) -> str:
    """ "期限 2026年12月1日（还有 8 天）" / "已逾期 5 天（期限 …）" / "最早 …起可办理"."""
    from branchdesk.domain.dates import format_date

    when = format_date(item.due)
    if item.kind is DueKind.EARLIEST:
        return f"{when}起可办理" if item.days_left > 0 else f"已可办理（{when}起）"
    if item.overdue:
        return f"已逾期 {-item.days_left} 天（期限 {when}）"
    if item.days_left == 0:
        return f"今天到期（{when}）"
    return f"期限 {when}（还有 {item.days_left} 天）"


def due_colour(item: DueItem) -> str:
    if item.overdue:
        return OVERDUE_COLOUR
    if item.due_soon and item.kind is not DueKind.EARLIEST:
        return SOON_COLOUR
    return OPEN_COLOUR


def _bold(item: QTreeWidgetItem, column: int = 0) -> None:
    font = QFont(item.font(column))
    font.setBold(True)
    item.setFont(column, font)


class DossierView(QWidget):
    """Shows one dossier; ``record_requested(step)`` asks the page to open the step form."""

    back_requested = Signal()
    changed = Signal(int)  # dossier id, after a step was recorded here

    def __init__(self, ctx, service, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.today = today or dt.date.today()
        self.dossier: Dossier | None = None
        self.findings: list[Finding] = []
        self.due_items: list[DueItem] = []

        self.back_button = QPushButton("← 返回看板")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setObjectName("dossierTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("dossierSubtitle")
        self.subtitle.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(12)
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.subtitle, 1)

        self.timeline = QTreeWidget()
        self.timeline.setObjectName("dossierTimeline")
        self.timeline.setHeaderLabels(["步骤", "状态", "日期", "说明"])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setItemsExpandable(False)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setUniformRowHeights(True)
        header = self.timeline.header()
        metrics = self.timeline.fontMetrics()
        header.resizeSection(
            COL_STEP, metrics.horizontalAdvance("第18步 再上一级党委组织部门备案（预备党员转正）")
        )
        header.resizeSection(COL_STATE, metrics.horizontalAdvance("未到（已终止）") + 16)
        header.resizeSection(COL_DATE, metrics.horizontalAdvance("2026年12月31日") + 16)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        self.timeline.itemDoubleClicked.connect(self._on_double_click)
        self.timeline.currentItemChanged.connect(self._sync_buttons)

        self.findings_title = QLabel("规则检查")
        bold = self.findings_title.font()
        bold.setBold(True)
        self.findings_title.setFont(bold)
        self.findings_list = QListWidget()
        self.findings_list.setObjectName("dossierFindings")
        self.findings_list.setWordWrap(True)
        self.findings_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.findings_list.itemDoubleClicked.connect(self._select_finding_step)
        self.findings_box = findings_box = QWidget()
        findings_layout = QVBoxLayout(findings_box)
        findings_layout.setContentsMargins(0, 0, 0, 0)
        findings_layout.addWidget(self.findings_title)
        findings_layout.addWidget(self.findings_list, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.timeline)
        self.splitter.addWidget(findings_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)

        self.record_next_button = QPushButton("记录下一步…")
        self.record_next_button.setObjectName("recordNext")
        self.record_selected_button = QPushButton("记录所选步骤…")
        self.close_button = QPushButton("终止档案…")
        self.close_button.setToolTip("本人撤回申请、未被接收、组织关系转出等：档案终止，不会删除")
        for button in (self.record_next_button, self.record_selected_button, self.close_button):
            button.setAutoDefault(False)
        self.record_next_button.clicked.connect(lambda: self.record_step(self.next_step()))
        self.record_selected_button.clicked.connect(lambda: self.record_step(self.selected_step()))
        self.close_button.clicked.connect(self.close_dossier)
        self.next_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_next_button)
        buttons.addWidget(self.record_selected_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.close_button)
        buttons.addSpacing(16)
        from branchdesk.ui.widgets.doc_menu import docs_button

        self.docs_button = docs_button(self, ctx, "person", self._doc_subject)
        buttons.addWidget(self.docs_button)
        buttons.addSpacing(16)
        buttons.addWidget(self.next_label, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

    def _doc_subject(self) -> tuple[int, str] | None:
        """生成材料: the dossier shown (by id) and the person's name for the file name."""
        if self.dossier is None or self.dossier.id is None:
            return None
        return self.dossier.id, self.dossier.person.name

    # ---- showing ---------------------------------------------------------------------------------
    def show_dossier(self, dossier: Dossier) -> None:
        from branchdesk.domain.rules import audit, next_steps

        self.dossier = dossier
        ctx = self.service.rule_context(self.today)
        self.findings = audit(dossier, ctx)
        self.due_items = next_steps(dossier, ctx)
        self._fill_header()
        self._fill_timeline()
        self._fill_findings()
        self._sync_buttons()

    def reload(self) -> None:
        if self.dossier is not None and self.dossier.id is not None:
            self.show_dossier(self.service.get(self.dossier.id))

    def _fill_header(self) -> None:
        from branchdesk.domain.citizen_id import mask_citizen_id
        from branchdesk.domain.dates import format_date

        d = self.dossier
        self.title.setText(d.person.name)
        parts = [d.standing.label]
        if d.stage is not None:
            parts.append(f"第{d.stage.number}阶段 {d.stage.label}")
        if d.closed and d.outcome is not None:
            when = f"（{format_date(d.outcome_date)}）" if d.outcome_date else ""
            parts.append(f"{d.outcome.label}{when}")
        if d.person.birth_date:
            parts.append(f"{age_on(d.person.birth_date, self.today)}岁")
        if d.person.id_number:
            parts.append(mask_citizen_id(d.person.id_number))
        if d.probation_end is not None and d.standing is Standing.PROBATIONARY:
            parts.append(f"预备期至{format_date(d.probation_end)}")
        if d.rejected_on is not None and d.admission_meeting_date is None and not d.closed:
            parts.append(f"支部大会未通过接收（{format_date(d.rejected_on)}）")
        self.subtitle.setText(" · ".join(parts))

    def _state(self, step: Step) -> tuple[str, str, str, str]:
        """(state, date, note, colour) of a step in the timeline."""
        from branchdesk.domain.dates import format_date

        d = self.dossier
        done = d.steps_done
        when = done.get(step)
        items = [i for i in self.due_items if i.step is step]
        notes: list[str] = []
        if step is Step.ASSESSMENT and d.assessments:
            notes.append(f"已考察 {len(d.assessments)} 次")
        if step is Step.PROBATION_EDUCATION and d.admission_meeting_date is not None:
            reports = [r for r in d.thought_reports if r.date >= d.admission_meeting_date]
            notes.append(f"预备期思想汇报 {len(reports)} 份")
        if step is Step.SPONSORS and d.sponsors:
            notes.append("、".join(s.name for s in d.sponsors))
        if step is Step.CONTACTS and d.contacts:
            notes.append("、".join(c.name for c in d.contacts))
        if step is Step.ADMISSION_VOTE and d.rejected_on is not None:
            vote = d.rejection_vote
            counts = f"应到{vote.expected} 实到{vote.present} 赞成{vote.yes}，" if vote is not None else ""
            notes.append(f"{format_date(d.rejected_on)}表决未通过（{counts}未被接收）")
        if step in (Step.ADMISSION_VOTE, Step.CONVERSION_VOTE):
            vote = d.admission_vote if step is Step.ADMISSION_VOTE else d.conversion_vote
            if vote is not None:
                notes.append(f"应到{vote.expected} 实到{vote.present} 赞成{vote.yes}")
        if step is Step.CONVERSION_VOTE and d.extension is not None:
            notes.append(f"延长预备期{d.extension.months}个月（{format_date(d.extension.date)}）")
        for item in items:
            notes.append(f"{item.text}：{due_text(item)}")
        if when is not None:
            return "已完成", format_date(when), "；".join(notes), DONE_COLOUR
        if items:
            urgent = min(items, key=lambda i: (not i.overdue, not i.due_soon, i.due))
            if urgent.overdue:
                state = "已逾期"
            elif urgent.kind is DueKind.EARLIEST and urgent.days_left > 0:
                state = "暂不能办理"  # the rules allow it only from that date (the note says why)
            else:
                state = "待办理"
            return state, "", "；".join(notes), due_colour(urgent)
        if step is next_step(d):
            return "下一步", "", "；".join(notes), OPEN_COLOUR
        if d.closed:
            return "未办理", "", "；".join(notes), LATER_COLOUR
        if step in _ONGOING and d.admission_meeting_date is not None and d.conversion_approval is None:
            return "进行中", "", "；".join(notes), OPEN_COLOUR
        return "未到", "", "；".join(notes), LATER_COLOUR

    def _fill_timeline(self) -> None:
        self.timeline.clear()
        by_step: dict[Step, list[Finding]] = {}
        for f in self.findings:
            by_step.setdefault(f.step, []).append(f)
        current = self.dossier.stage
        select: QTreeWidgetItem | None = None
        nxt = next_step(self.dossier)
        for stage in Stage:
            parent = QTreeWidgetItem([f"第{stage.number}阶段 {stage.label}"])
            parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
            _bold(parent)
            parent.setFirstColumnSpanned(True)
            if stage is current:
                parent.setText(COL_STEP, parent.text(COL_STEP) + "（当前阶段）")
            self.timeline.addTopLevelItem(parent)
            parent.setFirstColumnSpanned(True)
            for step in (s for s in Step if s.stage is stage):
                state, when, note, colour = self._state(step)
                problems = by_step.get(step, [])
                if problems:
                    worst = min(problems, key=lambda f: f.severity is not Severity.BLOCKING)
                    mark = "✘" if worst.blocking else "⚠"
                    note = f"{mark} {worst.message_zh}" + (f"；{note}" if note else "")
                    colour = OVERDUE_COLOUR if worst.blocking else SOON_COLOUR
                item = QTreeWidgetItem([step.title, state, when, note])
                item.setData(COL_STEP, Qt.ItemDataRole.UserRole, step.value)
                item.setForeground(COL_STATE, QBrush(QColor(colour)))
                item.setForeground(COL_NOTE, QBrush(QColor(colour)))
                if state == "未到":
                    item.setForeground(COL_STEP, QBrush(QColor(LATER_COLOUR)))
                if problems:
                    item.setToolTip(COL_NOTE, "\n".join(f"【{f.severity.label}】{f.message_zh}（{f.code}）"
                                                        for f in problems))  # fmt: skip
                elif note:
                    item.setToolTip(COL_NOTE, note)
                parent.addChild(item)
                if step is nxt:
                    select = item
            parent.setExpanded(True)
        if select is not None:
            self.timeline.setCurrentItem(select)
            self.timeline.scrollToItem(select, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _fill_findings(self) -> None:
        self.findings_list.clear()
        blocking = sum(f.blocking for f in self.findings)
        self.findings_list.setVisible(bool(self.findings))  # no empty box under the timeline
        self.findings_box.setMaximumHeight(
            16777215 if self.findings else self.findings_title.sizeHint().height() + 6
        )
        if not self.findings:
            self.findings_title.setText("规则检查：未发现问题")
            self.findings_title.setStyleSheet(f"color: {DONE_COLOUR};")
            return
        self.findings_title.setText(f"规则检查：严重 {blocking} 条，提醒 {len(self.findings) - blocking} 条")
        self.findings_title.setStyleSheet(f"color: {OVERDUE_COLOUR if blocking else SOON_COLOUR};")
        ordered = sorted(self.findings, key=lambda f: (not f.blocking, f.step.number, f.code))
        for f in ordered:
            text = f"【{f.severity.label}】{f.step.title}：{f.message_zh}（{f.code}）"
            item = QListWidgetItem(text)
            item.setForeground(QBrush(QColor(OVERDUE_COLOUR if f.blocking else SOON_COLOUR)))
            item.setData(Qt.ItemDataRole.UserRole, f.step.value)
            tip = [f.title or f.code]
            if f.article:
                tip.append(f"依据：{f.article}")
            if f.dates:
                tip.append(f.dates_zh())
            item.setToolTip("\n".join(tip))
            self.findings_list.addItem(item)

    # ---- selection and actions -------------------------------------------------------------------
    def next_step(self) -> Step | None:
        return next_step(self.dossier) if self.dossier is not None else None

    def selected_step(self) -> Step | None:
        item = self.timeline.currentItem()
        value = item.data(COL_STEP, Qt.ItemDataRole.UserRole) if item is not None else None
        return Step(value) if value else None

    def select_step(self, step: Step) -> None:
        for i in range(self.timeline.topLevelItemCount()):
            parent = self.timeline.topLevelItem(i)
            for j in range(parent.childCount()):
                child = parent.child(j)
                if child.data(COL_STEP, Qt.ItemDataRole.UserRole) == step.value:
                    self.timeline.setCurrentItem(child)
                    self.timeline.scrollToItem(child)
                    return

    def _select_finding_step(self, item: QListWidgetItem) -> None:
        self.select_step(Step(item.data(Qt.ItemDataRole.UserRole)))

    def _sync_buttons(self, *_args) -> None:
        d = self.dossier
        nxt = self.next_step()
        open_ = d is not None and not d.closed
        self.record_next_button.setEnabled(open_ and nxt is not None)
        self.record_next_button.setText(f"记录下一步：{nxt.title}…" if nxt is not None else "记录下一步…")
        self.record_selected_button.setEnabled(open_ and self.selected_step() is not None)
        self.close_button.setEnabled(open_)
        self.next_label.setText("档案已终止，只能查看。" if d is not None and d.closed else "")

    def _on_double_click(self, item: QTreeWidgetItem, _column: int) -> None:
        value = item.data(COL_STEP, Qt.ItemDataRole.UserRole)
        if value and self.dossier is not None and not self.dossier.closed:
            self.record_step(Step(value))

    def record_step(self, step: Step | None) -> bool:
        """Open the form for ``step``; True when something was recorded."""
        if step is None or self.dossier is None or not self.ctx.ws.principal.can_edit:
            return False
        from branchdesk.ui.dialogs.step_dialog import StepDialog

        dialog = StepDialog(self.ctx, self.service, self.dossier, step, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_dossier is None:
            return False
        self.show_dossier(dialog.result_dossier)
        self.changed.emit(self.dossier.id)
        return True

    def close_dossier(self) -> bool:
        if self.dossier is None:
            return False
        from branchdesk.ui.dialogs.step_dialog import CloseDossierDialog

        dialog = CloseDossierDialog(self.service, self.dossier, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_dossier is None:
            return False
        self.show_dossier(dialog.result_dossier)
        self.changed.emit(self.dossier.id)
        return True
