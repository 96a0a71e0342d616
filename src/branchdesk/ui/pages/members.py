"""成员档案: the member list with search as you type, filters, a read-only summary and the edit actions."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QByteArray, QEvent, QItemSelectionModel, QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from branchdesk.db.changes import Changes
from branchdesk.domain.vocab import MemberStatus, MemberType
from branchdesk.services.members import MemberQuery
from branchdesk.ui.changes import watch
from branchdesk.ui.context import AppContext
from branchdesk.ui.models.member_table import COLUMN_KEYS, COLUMNS, MemberTableModel
from branchdesk.ui.widgets.dialog_parts import record_view
from branchdesk.ui.widgets.member_detail import MemberDetail
from branchdesk.ui.widgets.search_box import SearchBox

log = logging.getLogger(__name__)

SEARCH_PLACEHOLDER = "姓名、拼音首字母、身份证号或手机号"

_ACTIVE = frozenset({MemberStatus.ACTIVE.value})
_INACTIVE = frozenset(s.value for s in MemberStatus if s is not MemberStatus.ACTIVE)

# (label, statuses) — None means every status
STATUS_FILTERS: list[tuple[str, frozenset[str] | None]] = [
    (f"在册（{MemberStatus.ACTIVE.label}）", _ACTIVE),
    ("全部", None),
    ("全部非在册", _INACTIVE),
    *[(s.label, frozenset({s.value})) for s in MemberStatus if s is not MemberStatus.ACTIVE],
]
TYPE_FILTERS: list[tuple[str, frozenset[str] | None]] = [
    ("全部", None),
    *[(t.label, frozenset({t.value})) for t in MemberType],
]
NO_GROUP_LABEL = "未分组"
#: The tables whose changes show in the list or the detail pane.
MEMBER_TABLES = frozenset({"member", "member_status_change", "member_award", "party_group"})
#: A commit changing more members than this re-reads the list instead of row by row.
REFRESH_ROWS_AT_MOST = 50


def load_component(parent: QWidget, module: str, name: str):
    """A dialog or function from another part of the GUI, imported when first used (lean start-up)."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        log.exception("component %s.%s is missing", module, name)
        QMessageBox.warning(parent, "功能不可用", "程序缺少此功能所需的组件，请重新安装 branchdesk。")
        return None


class MembersPage(QWidget):
    count_changed = Signal(int)  # rows in the current list
    message = Signal(str)  # a line for the status bar
    activate_requested = Signal()  # an action wants this page in front

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._groups: list[tuple[int, str]] = []

        # ---- filters row
        self.search = SearchBox(SEARCH_PLACEHOLDER)
        self.search.setObjectName("memberSearch")
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance(SEARCH_PLACEHOLDER) + 48)
        self.type_filter = QComboBox()
        for label, _ in TYPE_FILTERS:
            self.type_filter.addItem(label)
        self.status_filter = QComboBox()
        for label, _ in STATUS_FILTERS:
            self.status_filter.addItem(label)
        self.group_filter = QComboBox()
        self.group_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.count_label = QLabel()
        self.count_label.setObjectName("memberCount")

        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for text, combo in (("人员类别", self.type_filter), ("党籍状态", self.status_filter),
                            ("党小组", self.group_filter)):  # fmt: skip
            label = QLabel(text + "：")
            label.setBuddy(combo)
            filters.addSpacing(8)
            filters.addWidget(label)
            filters.addWidget(combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)

        # ---- table and summary
        self.model = MemberTableModel(ctx.members, MemberQuery(), self)
        self.table = record_view(self.model, "memberTable")  # no row numbers: the count label says how many
        self.table.setCornerButtonEnabled(False)
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column, spec in enumerate(COLUMNS):
            width = max(metrics.horizontalAdvance(spec.sample), metrics.horizontalAdvance(spec.title))
            header.resizeSection(column, width + 14)
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        self.table.setSortingEnabled(True)

        self.detail = MemberDetail()
        self.table.viewport().installEventFilter(self)  # 工作单位 takes the room of a wide window
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        # an empty roster says how to start instead of showing an empty table (issue 18)
        self.empty_hint = QLabel(
            "<h3>还没有党员档案</h3>"
            "<p>可以这样开始：</p>"
            "<p>· 点下方的<b>“新增”</b>（Ctrl+N），逐个录入党员档案；</p>"
            "<p>· 或点<b>“导入”</b>（Ctrl+I），从 Excel 花名册一次导入全支部党员"
            "（可先用“导入”里的“下载导入模板”对照列名）。</p>"
            "<p>党员录入后，可在“设置 › 支部委员会”中任命书记和委员。</p>"
        )
        self.empty_hint.setObjectName("emptyRosterHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty_hint.setContentsMargins(24, 24, 24, 24)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty_hint)
        self.splitter.addWidget(self.list_stack)
        # the member file: its summary and (issue 15) its assignments, activities and study hours
        from PySide6.QtWidgets import QTabWidget

        from branchdesk.ui.widgets.member_work import MemberWork

        self.work = MemberWork(ctx)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(self.detail, "基本信息")
        self.detail_tabs.addTab(self.work, "联系服务与活动")
        self.detail_tabs.currentChanged.connect(lambda *_: self._show_work())
        self.splitter.addWidget(self.detail_tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.splitter.setSizes([1000, 250])

        # ---- actions and buttons
        self.action_add = self._action(
            "新增党员…", "新增一名党员的档案", QKeySequence("Ctrl+N"), self.add_member
        )
        self.action_edit = self._action(
            "编辑…", "查看和修改所选党员的档案（Enter）", QKeySequence("Ctrl+O"), self.edit_member
        )
        self.action_status = self._action(
            "变更党籍状态…", "组织关系转出、停止党籍、去世等（不会删除档案）", None, self.change_status
        )
        self.action_transfer = self._action(
            "转接组织关系…", "把所选党员转到本数据库的其他支部，或开具介绍信转出", None, self.transfer_member
        )
        self.action_import = self._action(
            "导入花名册…", "从 Excel 花名册导入党员", QKeySequence("Ctrl+I"), self.import_members
        )
        self.action_export = self._action(
            "导出花名册…", "把党员花名册导出为 Excel 文件", QKeySequence("Ctrl+E"), self.export_roster
        )
        self.action_find = self._action("查找", "转到搜索框", QKeySequence("Ctrl+F"), self.focus_search)

        buttons = QHBoxLayout()
        for action, short in ((self.action_add, "新增"), (self.action_edit, "编辑"),
                              (self.action_status, "变更状态"), (self.action_transfer, "转接"),
                              (self.action_import, "导入"),
                              (self.action_export, "导出")):  # fmt: skip
            action.setIconText(short)  # what the button shows; the menu shows the full text
            if action is self.action_import:
                buttons.addSpacing(16)
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(72)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.open_hint = QLabel("双击或按 Enter 打开档案")
        self.open_hint.setEnabled(False)
        buttons.addWidget(self.open_hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 8)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(buttons)

        # ---- wiring
        self.search.search_requested.connect(self.apply_filters)
        self.type_filter.currentIndexChanged.connect(self.apply_filters)
        self.status_filter.currentIndexChanged.connect(self.apply_filters)
        self.group_filter.currentIndexChanged.connect(self.apply_filters)
        self.model.count_changed.connect(self._show_count)
        self.model.dataChanged.connect(self._on_data_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda index: self.edit_member(self.model.member_id(index.row())))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.edit_member)
        watch(self, ctx.changes, MEMBER_TABLES, self._on_changes)
        watch(self, ctx.changes, {"dues_payment", "dues_assessment", "dues_exemption"},
              lambda _changes: self._show_dues(self.current_member_id()))  # fmt: skip
        self.reload_groups()
        self._show_count(self.model.rowCount() if self.model.complete else None)
        if self.model.rowCount():
            self.select_row(0, scroll=False)
        else:
            self._on_selection()

    def _action(self, text, tip, shortcut, slot) -> QAction:
        action = QAction(text, self)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    @property
    def actions_for_menu(self) -> dict[str, QAction]:
        return {
            "add": self.action_add,
            "edit": self.action_edit,
            "status": self.action_status,
            "transfer": self.action_transfer,
            "import": self.action_import,
            "export": self.action_export,
            "find": self.action_find,
        }

    # ---- filters -------------------------------------------------------------------------------
    def reload_groups(self) -> None:
        """Refill the party-group filter (groups may have been added in 设置), keeping the choice."""
        groups = self.ctx.members.groups()
        if groups == self._groups and self.group_filter.count():
            return
        previous = self._group_choice()
        self._groups = groups
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem("全部", None)
        for group_id, name in groups:
            self.group_filter.addItem(name, group_id)
        self.group_filter.addItem(NO_GROUP_LABEL, 0)
        index = self.group_filter.findData(previous) if previous is not None else 0
        self.group_filter.setCurrentIndex(max(index, 0))
        self.group_filter.blockSignals(False)
        if previous is not None and index < 0:
            self.apply_filters()

    def _group_choice(self) -> int | None:
        return self.group_filter.currentData() if self.group_filter.count() else None

    def current_query(self) -> MemberQuery:
        model_query = self.model.query
        return MemberQuery(
            text=self.search.text().strip(),
            member_types=TYPE_FILTERS[max(self.type_filter.currentIndex(), 0)][1],
            statuses=STATUS_FILTERS[max(self.status_filter.currentIndex(), 0)][1],
            group_id=self._group_choice(),
            sort=model_query.sort,
            descending=model_query.descending,
        )

    def apply_filters(self, *_args) -> None:
        self.model.set_query(self.current_query())
        if not self.model.complete:
            self._show_count(None)  # the rest of a long list is on its way
        if self.model.rowCount():
            self.select_member(self.model.member_id(0), scroll=True)
        else:
            self._on_selection()

    def set_status_filter(self, statuses: frozenset[str] | None) -> None:
        for index, (_label, value) in enumerate(STATUS_FILTERS):
            if value == statuses:
                self.status_filter.setCurrentIndex(index)
                return
        raise ValueError(statuses)

    def _show_count(self, count: int | None) -> None:
        if count is None:
            self.count_label.setText("正在统计…")
            return
        self.count_label.setText(f"共 {count} 人")
        empty = count == 0 and self.ctx.members.count(MemberQuery(statuses=None)) == 0
        self.list_stack.setCurrentWidget(self.empty_hint if empty else self.table)
        self.count_changed.emit(count)

    # ---- selection -----------------------------------------------------------------------------
    def current_member_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.member_id(rows[0].row()) if rows else None

    def select_member(self, member_id: int | None, *, scroll: bool = True) -> bool:
        row = self.model.row_of(member_id) if member_id is not None else None
        if row is None:
            return False
        self.select_row(row, scroll=scroll)
        return True

    def select_row(self, row: int, *, scroll: bool = True) -> None:
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
            | QItemSelectionModel.SelectionFlag.Current
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        if scroll:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_selection(self, *_args) -> None:
        member_id = self.current_member_id()
        has = member_id is not None
        self.action_edit.setEnabled(has)
        self.action_status.setEnabled(has)
        self.action_transfer.setEnabled(has)
        row = self.model.row_of(member_id) if has else None
        self.detail.show_record(self.model.record(row) if row is not None else None)
        self._show_dues(member_id)
        self._show_work()

    def _show_dues(self, member_id: int | None) -> None:
        """The member file's 党费 line (this year's months, arrears)."""
        text = ""
        if member_id is not None:
            try:
                text = self.ctx.ws.dues.member_summary(member_id)
            except Exception:  # the line is a summary: never let it break the member list
                log.exception("dues summary of member %s", member_id)
        self.detail.show_dues(text)

    def _show_work(self) -> None:
        """The 联系服务与活动 tab, read only while it is the one shown."""
        if self.detail_tabs.currentWidget() is self.work:
            self.work.show_member(self.current_member_id())

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, _roles=()) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows and top.row() <= rows[0].row() <= bottom.row():
            self._on_selection()

    # ---- actions -------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.activate_requested.emit()
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def add_member(self) -> None:
        self.activate_requested.emit()
        dialog_class = load_component(self, "branchdesk.ui.dialogs.member_dialog", "MemberDialog")
        if dialog_class is None:
            return
        dialog = dialog_class(self.ctx, None, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or getattr(dialog, "saved", None) is None:
            return
        record = dialog.saved
        row = self.model.row_of(record.id)  # the commit has put it in the list already (_on_changes)
        if row is not None:
            self.select_row(row)
            self.message.emit(f"已新增党员：{record.name}")
        else:
            self.message.emit(f"已新增党员：{record.name}（不在当前筛选结果中）")

    def edit_member(self, member_id: int | None = None) -> None:
        self.activate_requested.emit()
        member_id = member_id if member_id is not None else self.current_member_id()
        if member_id is None or not self.ctx.ws.principal.can_edit:  # 查阅: the detail pane only
            return
        dialog_class = load_component(self, "branchdesk.ui.dialogs.member_dialog", "MemberDialog")
        if dialog_class is None:
            return
        dialog = dialog_class(self.ctx, member_id, parent=self)
        selected_row = self.model.row_of(member_id)
        if dialog.exec() != QDialog.DialogCode.Accepted or getattr(dialog, "saved", None) is None:
            return
        self._after_change(member_id, selected_row, f"已保存：{dialog.saved.name}")

    def _member_dialog(self, member_id: int | None, module: str, name: str):
        """Open a dialog on one member (the selected one by default): ``(member_id, row, saved)`` once it
        saved something, else None."""
        self.activate_requested.emit()
        member_id = member_id if member_id is not None else self.current_member_id()
        if member_id is None:
            return None
        dialog_class = load_component(self, module, name)
        if dialog_class is None:
            return None
        dialog = dialog_class(self.ctx, member_id, parent=self)
        selected_row = self.model.row_of(member_id)
        if dialog.exec() != QDialog.DialogCode.Accepted or getattr(dialog, "saved", None) is None:
            return None
        return member_id, selected_row, dialog.saved

    def change_status(self, member_id: int | None = None) -> None:
        done = self._member_dialog(member_id, "branchdesk.ui.dialogs.status_dialog", "StatusDialog")
        if done is not None:
            member_id, selected_row, record = done
            self._after_change(
                member_id, selected_row, f"{record.name}的党籍状态已变更为“{record.status_label}”"
            )

    def transfer_member(self, member_id: int | None = None) -> None:
        """转接: to another branch of the database, or out of it with the letter (TransferDialog)."""
        done = self._member_dialog(member_id, "branchdesk.ui.dialogs.transfer_dialog", "TransferDialog")
        if done is not None:
            member_id, selected_row, t = done
            where = t.to_branch or t.destination
            self._after_change(member_id, selected_row, f"{t.member_name}的组织关系已转接到“{where}”")

    def _after_change(self, member_id: int, selected_row: int | None, message: str) -> None:
        """After this page's own edit (its row already refreshed by the commit): if the member left the
        list, select the row that took its place."""
        if self.model.row_of(member_id) is None and selected_row is not None and self.model.rowCount():
            self.select_row(min(selected_row, self.model.rowCount() - 1))
        self._on_selection()
        self.message.emit(message)

    def _on_changes(self, changes: Changes) -> None:
        """A commit touched the roster (this page's form, an import, an admission recorded in 发展党员,
        a group renamed in 设置 …): refresh the rows it changed, or the whole list after bulk work."""
        if changes.touches("party_group"):
            self.reload_groups()
        ids = changes.ids("member")
        bulk = (None in {i for _a, t, i in changes.rows if t == "member"}) or len(ids) > REFRESH_ROWS_AT_MOST
        if bulk or changes.touches("party_group"):
            self.model.reload()
        else:
            for member_id in sorted(ids):
                self.model.refresh_member(member_id)
        self._on_selection()

    def reload(self) -> None:
        """Read the roster again, keeping the selection."""
        self.reload_groups()
        self.model.reload()
        self._on_selection()

    def import_members(self) -> None:
        self.activate_requested.emit()
        dialog_class = load_component(self, "branchdesk.ui.dialogs.import_dialog", "ImportMembersDialog")
        if dialog_class is None:
            return
        dialog = dialog_class(self.ctx, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        result = getattr(dialog, "result", None)  # the rows arrived with the import's commit
        describe = getattr(result, "describe", None)
        self.message.emit(describe() if callable(describe) else "花名册导入完成")

    def export_roster(self) -> None:
        self.activate_requested.emit()
        export = load_component(self, "branchdesk.ui.dialogs.export", "export_roster")
        if export is not None:
            export(self.ctx, self)

    # ---- column widths -------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._widen_work_unit()
        return super().eventFilter(watched, event)

    def _widen_work_unit(self) -> None:
        """On a wide window the room left over goes to 工作单位 (long names were cut while the last
        column stood mostly empty); a width the user set by hand is kept."""
        header = self.table.horizontalHeader()
        col = COLUMN_KEYS.index("work_unit")
        current = header.sectionSize(col)
        auto = getattr(self, "_work_unit_auto", None)
        if auto is None:
            self._work_unit_base = current
        elif current != auto:
            return  # resized by the user (or restored from the last session)
        base = self._work_unit_base
        last = header.count() - 1
        others = sum(header.sectionSize(i) for i in range(header.count()) if i not in (col, last))
        last_room = self.table.fontMetrics().horizontalAdvance(COLUMNS[last].sample) + 60
        spare = self.table.viewport().width() - others - base - last_room
        width = base + max(0, min(spare, base * 2))
        if width != current:
            header.resizeSection(col, width)
        self._work_unit_auto = width

    # ---- state kept between sessions -----------------------------------------------------------
    def save_state(self, settings: QSettings) -> None:
        settings.setValue("members/header", self.table.horizontalHeader().saveState())
        settings.setValue("members/splitter", self.splitter.saveState())

    def restore_state(self, settings: QSettings) -> None:
        header = settings.value("members/header")
        if isinstance(header, QByteArray) and not header.isEmpty():
            self.table.horizontalHeader().restoreState(header)
            self._work_unit_auto = -1  # the widths of the last session stay as they were
        splitter = settings.value("members/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
