"""自评 (issue 16): the scored self-assessment item by item with its evidence, manual scores with comment and
attachments, totals per dimension and overall, "before the visit" actions, dated saved copies; and the
year's 年度工作计划 (dated items the 工作台 follows) and 年度工作总结 (a draft from the figures, edited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import format_date
from branchdesk.domain.rubric import points_text
from branchdesk.ui.changes import reload_when_changed

KEY_ROLE = Qt.ItemDataRole.UserRole


class AssessPage(QWidget):
    act_requested = Signal(str, object)
    message = Signal(str)

    def __init__(self, ctx, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.loaded = False
        self.assessment = None
        self._attachment_ids: list[int] = []  # the attachments listed after the evidence
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度"))
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(self.today.year)
        bar.addWidget(self.year)
        bar.addWidget(QLabel("评分细则"))
        self.rubric = QComboBox()
        bar.addWidget(self.rubric)
        self.total = QLabel()
        self.total.setObjectName("assessTotal")
        bar.addWidget(self.total, 1)
        self.import_button = QPushButton("导入评分细则…")
        self.import_button.setToolTip("从 Excel 导入本市的评分细则（先用“导出评分细则”得到格式）")
        self.import_button.clicked.connect(self.import_rubric)
        bar.addWidget(self.import_button)
        self.export_button = QPushButton("导出评分细则…")
        self.export_button.clicked.connect(self.export_rubric)
        bar.addWidget(self.export_button)
        self.save_button = QPushButton("保存自评副本")
        self.save_button.clicked.connect(self.save_copy)
        bar.addWidget(self.save_button)
        layout.addLayout(bar)

        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._build_assess_tab(), "自评")
        self.tabs.addTab(self._build_plan_tab(), "年度工作计划")
        self.tabs.addTab(self._build_summary_tab(), "年度工作总结")
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.rubric.currentIndexChanged.connect(lambda _i: self.reload() if self.loaded else None)
        reload_when_changed(self, ctx.changes, None)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # ---- building -------------------------------------------------------------------------------
    def _build_assess_tab(self) -> QWidget:
        tab = QWidget()
        outer = QHBoxLayout(tab)
        split = QSplitter()
        outer.addWidget(split)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["评分项目", "分值", "得分", "方式", "评分依据"])
        self.tree.setColumnWidth(0, 320)
        self.tree.currentItemChanged.connect(lambda *_: self._show_item())
        self.tree.setToolTip("双击一项的“分值”可修改分值（保存为本支部本年度的评分细则）")
        self.tree.itemChanged.connect(self._edited)
        split.addWidget(self.tree)
        right = QWidget()
        side = QVBoxLayout(right)
        self.item_title = QLabel()
        self.item_title.setWordWrap(True)
        side.addWidget(self.item_title)
        side.addWidget(QLabel("佐证记录（双击打开）"))
        self.evidence = QListWidget()
        self.evidence.itemDoubleClicked.connect(lambda item: self.open_evidence(self.evidence.row(item)))
        self.evidence.currentRowChanged.connect(lambda _r: self._sync_open_button())
        side.addWidget(self.evidence, 1)
        form = QFormLayout()
        self.manual_score = QDoubleSpinBox()
        self.manual_score.setDecimals(1)
        self.manual_score.setSingleStep(0.5)
        form.addRow("人工评分", self.manual_score)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText("评分依据（如：制度汇编齐全，见附件）")
        form.addRow("评分依据", self.comment)
        side.addLayout(form)
        buttons = QHBoxLayout()
        self.score_button = QPushButton("保存评分")
        self.score_button.clicked.connect(self.save_manual)
        self.attach_button = QPushButton("添加佐证材料…")
        self.attach_button.clicked.connect(self.attach_file)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("打开所选的佐证记录或附件（也可双击）")
        self.open_button.clicked.connect(lambda: self.open_evidence(self.evidence.currentRow()))
        buttons.addWidget(self.score_button)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        side.addLayout(buttons)
        side.addWidget(QLabel("迎检前：可提分的事项（双击去处理）"))
        self.actions_list = QListWidget()
        self.actions_list.itemDoubleClicked.connect(lambda _i: self.follow(self.actions_list.currentRow()))
        side.addWidget(self.actions_list, 1)
        self.saved_label = QLabel()
        side.addWidget(self.saved_label)
        saved_row = QHBoxLayout()
        self.saved_box = QComboBox()
        saved_row.addWidget(self.saved_box, 1)
        self.export_saved_button = QPushButton("导出副本 PDF…")
        self.export_saved_button.clicked.connect(self.export_saved)
        saved_row.addWidget(self.export_saved_button)
        side.addLayout(saved_row)
        split.addWidget(right)
        split.setSizes([620, 420])
        return tab

    def _build_plan_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.plan = QTableWidget(0, 3)
        self.plan.setHorizontalHeaderLabels(["日期", "事项", "完成"])
        self.plan.horizontalHeader().setStretchLastSection(False)
        self.plan.setColumnWidth(1, 420)
        layout.addWidget(self.plan, 1)
        row = QHBoxLayout()
        self.plan_date = QLineEdit()
        self.plan_date.setPlaceholderText("日期，如 2026-07-01")
        self.plan_title = QLineEdit()
        self.plan_title.setPlaceholderText("计划事项，如 七一主题党日：重温入党誓词")
        add = QPushButton("添加")
        add.clicked.connect(self.add_plan_item)
        done = QPushButton("标记完成")
        done.clicked.connect(self.complete_plan_item)
        row.addWidget(self.plan_date)
        row.addWidget(self.plan_title, 1)
        row.addWidget(add)
        row.addWidget(done)
        layout.addLayout(row)
        return tab

    def _build_summary_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.summary = QPlainTextEdit()
        layout.addWidget(self.summary, 1)
        row = QHBoxLayout()
        redraft = QPushButton("按本年数据重新生成草稿")
        redraft.clicked.connect(
            lambda: self.summary.setPlainText(self.ctx.readiness.summary_draft(self.year.value()))
        )
        save = QPushButton("保存总结")
        save.clicked.connect(self.save_summary)
        row.addStretch(1)
        row.addWidget(redraft)
        row.addWidget(save)
        layout.addLayout(row)
        return tab

    # ---- reading --------------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        r = self.ctx.readiness
        names = r.rubric_names()
        if [self.rubric.itemText(i) for i in range(self.rubric.count())] != names:
            current = self.rubric.currentText()
            self.rubric.blockSignals(True)
            self.rubric.clear()
            self.rubric.addItems(names)
            self.rubric.setCurrentIndex(max(0, self.rubric.findText(current)))
            self.rubric.blockSignals(False)
        year = self.year.value()
        selected = self.current_key()
        a = self.assessment = r.assess(year, self.rubric.currentText() or None, as_of=self.today)
        self.total.setText(f"　合计 {points_text(a.score)} / {points_text(a.max)} 分")
        self.tree.blockSignals(True)
        self.tree.clear()
        for d in a.dimensions:
            top = QTreeWidgetItem([d.name, points_text(d.max), points_text(d.score), "", ""])
            font = top.font(0)
            font.setBold(True)
            for col in range(3):
                top.setFont(col, font)
            self.tree.addTopLevelItem(top)
            for i in d.items:
                how = ("自动" if i.how == "auto" else "人工") if i.scored else "待评"
                child = QTreeWidgetItem([f"{i.item.key} {i.item.name}", points_text(i.max), points_text(i.score),
                                         how, i.comment or i.summary])  # fmt: skip
                child.setData(0, KEY_ROLE, i.item.key)
                child.setFlags(child.flags() | Qt.ItemFlag.ItemIsEditable)
                if i.score < i.max:
                    child.setForeground(2, Qt.GlobalColor.darkRed)
                top.addChild(child)
            top.setExpanded(True)
        self.tree.blockSignals(False)
        self.actions_list.clear()
        for x in a.actions:
            self.actions_list.addItem(x.text)
        saved = r.saved(year)
        self.saved_label.setText(
            f"已保存 {len(saved)} 份自评副本，最近一份：{format_date(saved[0].made_on)} {points_text(saved[0].score)} 分"
            if saved
            else "尚未保存自评副本"
        )
        self.saved_box.clear()
        for copy in saved:
            self.saved_box.addItem(
                f"{format_date(copy.made_on)}　{copy.rubric_name}　{points_text(copy.score)} 分　{copy.made_by}",
                copy.id,
            )
        self.export_saved_button.setEnabled(bool(saved))
        if selected:
            self.select_item(selected)
        self._fill_plan()
        if not self.summary.document().isModified():
            self.summary.setPlainText(r.summary_text(year))

    def _edited(self, item: QTreeWidgetItem, column: int) -> None:
        """A point value typed into the tree: the branch's rubric for the year gets it (other columns are
        not edited here: the rubric's sheet is, 导出/导入评分细则)."""
        key = item.data(0, KEY_ROLE)
        if key is None or self.assessment is None:
            return
        if column != 1 or not self.set_points(key, item.text(1)):
            self.reload()

    def set_points(self, key: str, text: str) -> bool:
        from branchdesk.domain.auth import Role
        from branchdesk.domain.rubric import Rubric, RubricError, dec

        if not self.ctx.principal.may(Role.COMMITTEE):
            QMessageBox.information(self, "修改分值", "查阅账户不能修改评分细则。")
            return False
        rubric = self.assessment.rubric
        try:
            points = dec(text)
            if points <= 0:
                raise RubricError(["分值应大于0"])
        except RubricError as exc:
            QMessageBox.warning(self, "修改分值", str(exc))
            return False
        data = rubric.to_dict()
        for d in data["dimensions"]:
            for raw in d["items"]:
                if raw["key"] == key:
                    raw["points"] = points_text(points)
                    if "floor" in raw and dec(raw["floor"]) > points:
                        raw["floor"] = points_text(points)
                    if "thresholds" in raw:
                        raw["thresholds"] = [
                            [v, points_text(min(dec(p), points))] for v, p in raw["thresholds"]
                        ]
        self.ctx.readiness.save_rubric(Rubric.from_dict(data), self.year.value())
        self.message.emit(
            f"已修改{key}的分值为 {points_text(points)} 分（{rubric.name}，{self.year.value()}年）"
        )
        return True

    def current_key(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def select_item(self, key: str) -> bool:
        for t in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(t)
            for c in range(top.childCount()):
                if top.child(c).data(0, KEY_ROLE) == key:
                    self.tree.setCurrentItem(top.child(c))
                    return True
        return False

    def _sync_open_button(self) -> None:
        self.open_button.setEnabled(self.evidence.currentRow() >= 0)

    def _show_item(self) -> None:
        key = self.current_key()
        self.evidence.clear()
        self._attachment_ids = []
        self._sync_open_button()
        if key is None or self.assessment is None:
            self.item_title.setText("")
            self.score_button.setEnabled(False)
            self.attach_button.setEnabled(False)
            return
        i = self.assessment.item(key)
        self.item_title.setText(f"<b>{i.item.key} {i.item.name}</b>（{points_text(i.score)} / {points_text(i.max)} 分）"
                                + (f"<br>{i.item.note}" if i.item.note else ""))  # fmt: skip
        for e in i.evidence:
            self.evidence.addItem(e.label)
        if i.attachments:
            files = self.ctx.readiness.item_attachments(
                self.assessment.rubric.name, self.assessment.year, key
            )
            self._attachment_ids = [fid for fid, _name in files]
            for _fid, name in files:
                self.evidence.addItem(f"附件：{name}")
        self._sync_open_button()
        manual = i.how == "manual"
        self.manual_score.setRange(0, float(i.max))
        self.manual_score.setValue(float(i.score))
        self.comment.setText(i.comment)
        for w in (self.manual_score, self.comment, self.score_button, self.attach_button):
            w.setEnabled(manual)

    # ---- acting ---------------------------------------------------------------------------------
    def open_evidence(self, row: int) -> None:
        key = self.current_key()
        if key is None or self.assessment is None:
            return
        evidence = self.assessment.item(key).evidence
        attachments = self._attachment_ids
        if len(evidence) <= row < len(evidence) + len(attachments):
            self.open_attachment(attachments[row - len(evidence)])
            return
        if not 0 <= row < len(evidence):
            return
        e = evidence[row]
        if e.kind == "meeting" and e.id is not None:
            self.act_requested.emit("meeting", (e.id,))
        elif e.kind == "member" and e.id is not None:
            self.act_requested.emit("members", ("member", e.id))
        elif e.kind == "dossier" and e.id is not None:
            self.act_requested.emit("development", ("dossier", e.id))

    def open_attachment(self, attachment_id: int) -> bool:
        """An item's attachment opened by the system's program (written to a private temp folder)."""
        from branchdesk.services.readiness import AttachmentChecksumError
        from branchdesk.ui.widgets import prompts
        from branchdesk.ui.widgets.attachment_open import open_attachment_bytes

        try:
            name, content = self.ctx.readiness.attachment_content(attachment_id)
        except AttachmentChecksumError as exc:
            prompts.warn(self, "附件已损坏", str(exc))
            return False
        return open_attachment_bytes(self, name, content) is not None

    def follow(self, row: int) -> None:
        if self.assessment is None:
            return
        actions = self.assessment.actions
        if 0 <= row < len(actions):
            x = actions[row]
            if x.target in ("", "assess"):
                self.tabs.setCurrentIndex(0)
                self.select_item(x.item_key)
                return
            self.act_requested.emit(x.target, x.ref)

    def save_manual(self) -> bool:
        key = self.current_key()
        if key is None:
            return False
        from branchdesk.domain.rubric import RubricError

        try:
            self.ctx.readiness.set_manual_score(self.rubric.currentText(), self.year.value(), key,
                                                Decimal(str(self.manual_score.value())), self.comment.text().strip())  # fmt: skip
        except RubricError as exc:
            QMessageBox.warning(self, "自评打分", str(exc))
            return False
        self.message.emit("已保存评分")
        return True

    def attach_file(self) -> bool:
        key = self.current_key()
        if key is None:
            return False
        from pathlib import Path

        from branchdesk.ui.widgets import prompts

        path = prompts.open_file_name(self, "添加佐证材料", Path.home(), "所有文件 (*)")
        if path is None:
            return False
        self.ctx.readiness.attach(self.rubric.currentText(), self.year.value(), key, path)
        self.message.emit(f"已添加佐证材料：{path.name}")
        return True

    def save_copy(self) -> int | None:
        if self.assessment is None:
            return None
        copy = self.ctx.readiness.save_assessment(self.assessment, on=self.today)
        self.message.emit(
            f"已保存自评副本（{format_date(self.today)}，{points_text(self.assessment.score)} 分）"
        )
        return copy

    def import_rubric(self) -> bool:
        from pathlib import Path

        from branchdesk.domain.rubric import RubricError
        from branchdesk.services.xlsx_reader import XlsxFileError
        from branchdesk.ui.widgets import prompts

        path = prompts.open_file_name(self, "导入评分细则", Path.home(), "Excel 工作簿 (*.xlsx)")
        if path is None:
            return False
        try:
            rubric = self.ctx.readiness.import_rubric(path, year=self.year.value())
        except (RubricError, XlsxFileError) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            QMessageBox.warning(
                self, "导入评分细则", "评分细则有误，未导入任何内容：\n" + "\n".join(problems[:30])
            )
            return False
        self.rubric.setCurrentText(rubric.name)
        self.message.emit(
            f"已导入评分细则“{rubric.name}”（{rubric.year}年，共 {points_text(rubric.points)} 分）"
        )
        return True

    def export_rubric(self) -> bool:
        from pathlib import Path

        from branchdesk.ui.widgets import prompts

        name = self.rubric.currentText() or "红旗党支部"
        default = Path.home() / f"{name}评分细则-{self.year.value()}.xlsx"
        path = prompts.save_file_name(self, "导出评分细则", default, "Excel 工作簿 (*.xlsx)")
        if path is None:
            return False
        self.ctx.readiness.export_rubric(path, name, self.year.value())
        self.message.emit(f"已导出评分细则：{path}")
        return True

    def export_saved(self) -> bool:
        """The 自评表 of the chosen saved copy, as it was scored that day, to a PDF."""
        from pathlib import Path

        from branchdesk.reports.pdf import write_pdf
        from branchdesk.reports.readiness import saved_assessment_ledger
        from branchdesk.ui.widgets import prompts

        copy_id = self.saved_box.currentData()
        if copy_id is None:
            return False
        copy = next(c for c in self.ctx.readiness.saved(self.year.value()) if c.id == copy_id)
        default = Path.home() / f"{copy.rubric_name}自评表-{copy.made_on.isoformat()}.pdf"
        path = prompts.save_file_name(self, "导出自评副本", default, "PDF 文件 (*.pdf)")
        if path is None:
            return False
        _rubric, result = self.ctx.readiness.saved_copy(copy_id)
        ledger = saved_assessment_ledger(result, self.ctx.branch.profile().name, copy.made_on, self.today)
        write_pdf([ledger], path)
        self.message.emit(f"已导出自评副本：{path}")
        return True

    # ---- plan and summary -----------------------------------------------------------------------
    def _fill_plan(self) -> None:
        items = self.ctx.readiness.plan_items(self.year.value())
        self._plan_ids = [p.id for p in items]
        self.plan.setRowCount(len(items))
        for row, p in enumerate(items):
            self.plan.setItem(row, 0, QTableWidgetItem(format_date(p.due_date)))
            self.plan.setItem(row, 1, QTableWidgetItem(p.title))
            self.plan.setItem(row, 2, QTableWidgetItem(format_date(p.done_on) if p.done_on else "未完成"))

    def add_plan_item(self) -> bool:
        from branchdesk.domain.dates import parse_date_loose
        from branchdesk.services.readiness import PlanItem

        try:
            day = parse_date_loose(self.plan_date.text().strip(), allow_year_month=False)
        except ValueError as exc:
            QMessageBox.warning(self, "年度工作计划", f"日期有误：{exc}")
            return False
        title = self.plan_title.text().strip()
        if not title:
            QMessageBox.warning(self, "年度工作计划", "请填写计划事项")
            return False
        self.ctx.readiness.add_plan_item(PlanItem(None, day.year, day, title))
        self.plan_title.clear()
        return True

    def complete_plan_item(self) -> bool:
        row = self.plan.currentRow()
        ids = getattr(self, "_plan_ids", [])
        if not 0 <= row < len(ids):
            return False
        self.ctx.readiness.complete_plan_item(ids[row], self.today)
        return True

    def save_summary(self) -> None:
        self.ctx.readiness.save_summary(self.year.value(), self.summary.toPlainText())
        self.summary.document().setModified(False)
        self.message.emit(f"已保存{self.year.value()}年度工作总结")
