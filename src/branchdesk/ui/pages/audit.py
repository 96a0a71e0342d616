"""审计日志: every change to the records, who made it and when, with filters, the before → after of
each field, export to Excel, and 校验 (the database's integrity and the audit chain, off the GUI thread).

Access: `may_view(ctx)` is the one place that decides whether this page shows the log (the accounts
and roles of issue 6 plug in there; without them everyone at the PC may read it).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.services.audit import ENTITY_KINDS, AuditQuery, AuditRow
from branchdesk.ui.context import AppContext
from branchdesk.ui.models.audit_table import COLUMNS, AuditTableModel
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField, field_width
from branchdesk.ui.widgets.dialog_parts import record_view
from branchdesk.ui.widgets.search_box import SearchBox

PERSON_PLACEHOLDER = "姓名、拼音首字母或身份证号"
ALL = "全部"


def may_view(ctx: AppContext) -> bool:
    """Whether the person at the PC may read the audit log.

    Hook for the accounts of issue 6: a `principal` on the database handle (when there is one) answers
    `may_view_audit`; without accounts everyone may.
    """
    principal = getattr(ctx.db, "principal", None)
    return principal is None or bool(getattr(principal, "may_view_audit", True))


class AuditDetail(QWidget):
    """The selected entry: who, when, what, then each changed field's before → after."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTableWidget(0, 3)
        self.fields.setObjectName("auditFields")
        self.fields.setHorizontalHeaderLabels(["字段", "修改前", "修改后"])
        self.fields.verticalHeader().hide()
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.fields.setWordWrap(True)
        header = self.fields.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.fields, 1)
        self.show_row(None)

    def show_row(self, row: AuditRow | None) -> None:
        self.fields.setRowCount(0)
        if row is None:
            self.title.setText("未选择记录")
            self.subtitle.setText("在左侧列表中选择一条记录，这里显示每个字段修改前后的内容。")
            return
        self.title.setText(f"{row.action_label}{row.what}")
        self.subtitle.setText(
            f"{row.local_time}　{row.user}\n操作：{row.operation}（审计记录第 {row.seq} 条）"
        )
        for change in row.changes:
            r = self.fields.rowCount()
            self.fields.insertRow(r)
            before = "" if row.action == "insert" else change.before
            after = "" if row.action == "delete" else change.after
            for column, text in enumerate((change.label, before, after)):
                item = QTableWidgetItem(text)
                item.setToolTip(text if column else "")
                self.fields.setItem(r, column, item)
        self.fields.resizeRowsToContents()


class AuditPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = ctx.audit
        self._people_ids: tuple[tuple[int, ...], tuple[int, ...]] | None = None
        self._shown = False
        self.last_report = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        if not may_view(ctx):
            notice = QLabel("您的账号没有查看审计日志的权限。")
            notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(notice)
            self.model = None
            return

        # ---- filters
        self.person = SearchBox(PERSON_PLACEHOLDER)
        self.person.setObjectName("auditPerson")
        self.person.setMinimumWidth(self.person.fontMetrics().horizontalAdvance(PERSON_PLACEHOLDER) + 48)
        self.person_note = QLabel()
        self.person_note.setObjectName("auditPersonNote")
        self.user = QComboBox()
        self.user.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.kind = QComboBox()
        self.kind.addItem(ALL, None)
        for key, (label, _) in ENTITY_KINDS.items():
            self.kind.addItem(label, key)
        self.date_from = DateField(placeholder="不限")
        self.date_to = DateField(placeholder="不限")
        for field in (self.date_from, self.date_to):
            field.setFixedWidth(field_width(field.fontMetrics()) * 3 // 4)
        self.text = SearchBox("操作名称中的文字，如：导入")
        self.text.setObjectName("auditText")
        self.clear_button = QPushButton("清除筛选")
        self.clear_button.clicked.connect(self.clear_filters)
        self.count_label = QLabel()
        self.count_label.setObjectName("auditCount")

        row1 = QHBoxLayout()
        row1.addWidget(_buddy("人员", self.person))
        row1.addWidget(self.person)
        row1.addWidget(self.person_note)
        row1.addSpacing(12)
        row1.addWidget(_buddy("操作人", self.user))
        row1.addWidget(self.user)
        row1.addSpacing(12)
        row1.addWidget(_buddy("类别", self.kind))
        row1.addWidget(self.kind)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(_buddy("日期", self.date_from))
        row2.addWidget(self.date_from)
        row2.addWidget(QLabel("至"))
        row2.addWidget(self.date_to)
        row2.addSpacing(12)
        row2.addWidget(_buddy("操作", self.text))
        row2.addWidget(self.text, 1)
        row2.addSpacing(12)
        row2.addWidget(self.clear_button)
        row2.addSpacing(12)
        row2.addWidget(self.count_label)

        # ---- table and detail
        self.model = AuditTableModel(self.service, AuditQuery(), self)
        self.table = record_view(self.model, "auditTable")
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, spec in enumerate(COLUMNS[:-1]):
            width = max(metrics.horizontalAdvance(spec.sample), metrics.horizontalAdvance(spec.title))
            header.resizeSection(column, width + 16)
        self.detail = AuditDetail()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([900, 420])

        # ---- buttons
        self.export_button = QPushButton("导出…")
        self.export_button.setToolTip("把当前筛选出的记录导出为 Excel 文件")
        self.export_button.clicked.connect(self.export)
        self.verify_button = QPushButton("校验")
        self.verify_button.setObjectName("auditVerify")
        self.verify_button.setToolTip("检查数据库文件是否完好，以及审计记录是否在程序之外被改动、删除或添加")
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.verify_button, self.refresh_button):
            button.setMinimumWidth(72)
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("审计日志由程序自动记录，不能修改")
        hint.setEnabled(False)
        buttons.addWidget(hint)

        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        # ---- wiring
        self.person.search_requested.connect(self._on_person)
        self.text.search_requested.connect(lambda _text: self.apply_filters())
        self.user.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.kind.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.date_from.dateChanged.connect(lambda _d: self.apply_filters())
        self.date_to.dateChanged.connect(lambda _d: self.apply_filters())
        self.model.count_changed.connect(self._show_count)
        self.model.modelReset.connect(self._select_first)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self._reload_users()
        self._show_count(self.model.rowCount())
        self._select_first()

    # ---- filters -------------------------------------------------------------------------------
    def current_query(self) -> AuditQuery:
        member_ids, dossier_ids = self._people_ids if self._people_ids is not None else (None, ())
        return AuditQuery(
            member_ids=member_ids,
            dossier_ids=dossier_ids,
            user=self.user.currentData(),
            date_from=self.date_from.date(),
            date_to=self.date_to.date(),
            kind=self.kind.currentData(),
            text=self.text.text().strip(),
        )

    def apply_filters(self) -> None:
        if self.model is not None:
            self.model.set_query(self.current_query())

    def clear_filters(self) -> None:
        for widget in (self.person, self.text, self.user, self.kind, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.person.clear()
        self.text.clear()
        self.user.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        self.date_from.clear()
        self.date_to.clear()
        for widget in (self.person, self.text, self.user, self.kind, self.date_from, self.date_to):
            widget.blockSignals(False)
        self._people_ids = None
        self.person_note.clear()
        self.apply_filters()

    def _on_person(self, text: str) -> None:
        if not text:
            self._people_ids = None
            self.person_note.clear()
        else:
            people = self.service.match_people(text)
            self._people_ids = (people.member_ids, people.dossier_ids)
            if not people.names:
                self.person_note.setText("没有找到此人")
            else:
                shown = "、".join(people.names[:3]) + ("等" if len(people.names) > 3 else "")
                more = "以上" if people.truncated else ""
                self.person_note.setText(f"找到 {len(people.names)} 人{more}：{shown}")
        self.apply_filters()

    def _reload_users(self) -> None:
        current = self.user.currentData()
        self.user.blockSignals(True)
        self.user.clear()
        self.user.addItem(ALL, None)
        for name in self.service.users():
            self.user.addItem(name, name)
        index = self.user.findData(current) if current is not None else 0
        self.user.setCurrentIndex(max(index, 0))
        self.user.blockSignals(False)

    def _show_count(self, count: int) -> None:
        self.count_label.setText(f"共 {count} 条记录")

    # ---- selection -----------------------------------------------------------------------------
    def _select_first(self) -> None:
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self.detail.show_row(None)

    def _on_selection(self, *_args) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.detail.show_row(self.model.row(rows[0].row()) if rows else None)

    def selected_row(self) -> AuditRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    # ---- actions -------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Entries written since the page was built (in other pages or by another PC) appear on top."""
        if self.model is None:
            return
        self._reload_users()
        self.model.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._shown and not event.spontaneous():  # back to this page: show what happened meanwhile
            self.refresh()
        self._shown = True

    def export(self) -> None:
        from branchdesk.reports.audit_log import audit_ledger
        from branchdesk.reports.xlsx import write_xlsx
        from branchdesk.ui.dialogs.export import XLSX_FILTER, last_folder, remember_folder, with_xlsx_suffix
        from branchdesk.ui.worker import run_with_progress

        default = last_folder() / f"审计日志-{dt.date.today():%Y%m%d}.xlsx"
        chosen = prompts.save_file_name(self, "导出审计日志", default, XLSX_FILTER)
        if chosen is None:
            return
        path = with_xlsx_suffix(chosen)
        query = self.current_query()

        def write(progress, cancelled) -> int:
            ledger = audit_ledger(self.ctx.ws, query, progress=progress)
            write_xlsx([ledger], path)
            return len(ledger.rows)

        try:
            count = run_with_progress(self, "正在导出审计日志…", write)
        except OSError as exc:
            prompts.warn(self, "无法写入文件", f"无法写入：{path}\n\n{exc.strerror or exc}\n\n"
                         "如果这个文件正在 Excel 或 WPS 中打开，请先关闭它，或者换一个文件名再试。")  # fmt: skip
            return
        remember_folder(path)
        prompts.file_saved(self, "导出完成", f"已导出审计日志（{count} 条记录）：\n{path}", path)

    def verify(self) -> None:
        """校验: integrity and the chain on a worker thread, with a progress bar and 取消."""
        from branchdesk.services.audit import VerifyCancelled, verify
        from branchdesk.ui.worker import run_with_progress

        try:
            report = run_with_progress(self, "正在校验数据库和审计日志…", verify, self.ctx.db)
        except VerifyCancelled:
            return
        self.last_report = report
        show_report(self, report)


def show_report(parent: QWidget, report) -> None:
    """The result of 校验: a line when all is well, else the summary with every problem listed."""
    if report.ok:
        prompts.inform(parent, "校验通过", report.summary())
        return
    VerifyReportDialog(report, parent).exec()


class VerifyReportDialog(QDialog):
    """What 校验 found: the summary, then one line per problem (selectable, to copy into a report)."""

    def __init__(self, report, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("校验未通过")
        summary = QLabel(report.summary())
        summary.setWordWrap(True)
        font = summary.font()
        font.setBold(True)
        summary.setFont(font)
        advice = QLabel(
            "以下记录可能在程序之外被改动。请保留当前数据库文件，不要再修改；"
            "可以把这份清单复制给上级党组织，并用较早的备份核对。"
        )
        advice.setWordWrap(True)
        self.problems = QPlainTextEdit("\n".join(report.lines()[:-1]))
        self.problems.setObjectName("verifyProblems")
        self.problems.setReadOnly(True)
        close = QPushButton("确定")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(advice)
        layout.addWidget(self.problems, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(720, 420)


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text + "：")
    label.setBuddy(widget)
    return label
