"""Import a roster from Excel: choose the file, see what would happen, then import (or not).

The file is read and matched against the database off the GUI thread (`services.imports.read_roster`
and `preview_roster`). The preview lists every bad row (行号, 列, 问题) and every row that would be
imported with what it changes. 导入 stays disabled while there are errors unless 跳过有错误的行 is
ticked; the import itself is one transaction (`apply_roster`) behind a progress dialog whose 取消
leaves the database untouched.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.services.import_mapping import ROSTER
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.column_mapping import ColumnMappingPanel

TAB_ERRORS, TAB_ROWS, TAB_VALUES = range(3)
_CHANGES_SHOWN = 4  # field changes spelled out in the table cell; all of them in the tooltip


class RowsModel(QAbstractTableModel):
    """A read-only table of strings (fast for ten thousand rows); optional tooltips per row."""

    def __init__(self, headers: list[str], parent=None):
        super().__init__(parent)
        self.headers = headers
        self.rows: list[tuple[str, ...]] = []
        self.tips: list[str] = []

    def set_rows(self, rows: list[tuple[str, ...]], tips: list[str] | None = None) -> None:
        self.beginResetModel()
        self.rows = rows
        self.tips = tips or []
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.row() < len(self.tips) and self.tips[index.row()]:
            return self.tips[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


class ValuesModel(QAbstractTableModel):
    """The good rows of a plan as read (行号, each column's parsed value, 提醒), formatted as shown:
    a file of a hundred thousand rows costs nothing until scrolled."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.headers: list[str] = ["行号"]
        self._rows: list = []
        self._keys: list[str] = []
        self._warnings: dict[int, str] = {}
        self._format = None

    def set_plan(
        self, rows: list, columns: list[tuple[str, str]], warnings: dict[int, str], format_row
    ) -> None:
        self.beginResetModel()
        self._rows = rows
        self._keys = [key for key, _ in columns]
        self.headers = ["行号", *(header for _, header in columns), "提醒"]
        self._warnings = warnings
        self._format = format_row
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def text(self, row: int, column: int) -> str:
        item = self._rows[row]
        if column == 0:
            return str(item.row)
        if column == len(self.headers) - 1:
            return self._warnings.get(item.row, "")
        return self._format(item, self._keys)[column - 1]

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(index.row(), index.column()) or None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == len(self.headers) - 1:
            return QBrush(QColor("#b45309"))
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None


def _view(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setMinimumSectionSize(view.fontMetrics().horizontalAdvance("行号") + 24)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def wrap_last_column(view: QTableView, *, most_rows: int = 2000) -> None:
    """The last column (the problem) takes the width left and wraps; its rows grow to show the whole
    text (issue 18: an import error cut in its cell). Beyond ``most_rows`` rows the tooltip shows it."""
    header = view.horizontalHeader()
    last = view.model().columnCount() - 1
    if last < 0:
        return
    header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(True)
    if view.model().rowCount() <= most_rows:
        view.resizeRowsToContents()
        if not getattr(view, "_rewraps", False):  # the width changes with the dialog: wrap again
            header.sectionResized.connect(lambda *_: view.resizeRowsToContents())
            view._rewraps = True


class ExcelImportDialog(QDialog):
    """What every Excel import dialog shares (the roster here, the development ledger in
    dev_import_dialog): the 文件 row (选择文件…, 重新读取), a hint, the summary and its details, the column
    mapping panel, three tabs (有错误的行, 将导入的行, 读取的内容), 跳过有错误的行 and 导入/取消.

    A subclass names its texts (the class attributes), reads off the GUI thread (``_job(ws, path,
    mapping)``), keeps and shows what was read (``_take``) and tells the layout's signature for the
    mapping it remembers (``_signature``)."""

    MAPPING = ""  # the kind of remembered column mapping (services.import_mapping)
    CHOOSE_TITLE = ""  # the file dialog's title
    READING = ""  # the progress text while reading and checking
    ROW_HEADERS: tuple[str, ...] = ()  # the 将导入的行 table's columns

    def __init__(self, ctx: AppContext, parent: QWidget | None, *, title: str, placeholder: str, hint: str,
                 width: int, extra_buttons: tuple[QPushButton, ...] = ()):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.result = None  # the import's result once imported (shadows QDialog.result(), as agreed)
        self.path: Path | None = None
        self.setWindowTitle(title)

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText(placeholder)
        self.choose_button = QPushButton("选择文件…")
        self.reload_button = QPushButton("重新读取")
        self.reload_button.setToolTip("在 Excel 中改正后保存，再点这里重新检查")
        for button in (self.choose_button, self.reload_button, *extra_buttons):
            button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        self.reload_button.clicked.connect(self.reload)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.file_edit, 1)
        for button in (self.choose_button, self.reload_button, *extra_buttons):
            file_row.addWidget(button)

        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #666;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setStyleSheet("color: #555;")

        self.mapping = ColumnMappingPanel(self.MAPPING, self)
        self.mapping.applied.connect(self.apply_mapping)

        self.errors_model = RowsModel(["行号", "列", "问题"], self)
        self.rows_model = RowsModel(list(self.ROW_HEADERS), self)
        self.values_model = ValuesModel(self)
        self.errors_view = _view(self.errors_model)
        self.rows_view = _view(self.rows_model)
        self.values_view = _view(self.values_model)
        self.values_view.horizontalHeader().setStretchLastSection(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.errors_view, "有错误的行")
        self.tabs.addTab(self.rows_view, "将导入的行")
        self.tabs.addTab(self.values_view, "读取的内容")

        self.skip_invalid = QCheckBox("跳过有错误的行，只导入其余各行")
        self.skip_invalid.toggled.connect(self._sync)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.import_button, self.cancel_button):
            button.setAutoDefault(False)
        self.cancel_button.setToolTip("关闭，不导入任何数据")
        buttons.accepted.connect(self.do_import)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.mapping)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_invalid, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(width, 560)

    # ---- what a subclass tells ----------------------------------------------------------------------
    @staticmethod
    def _job(ws, path: Path, mapping: dict[str, str] | None):
        raise NotImplementedError

    def _take(self, read) -> bool:
        """Keep and show what ``_job`` returned (None: the file could not be read); True when read."""
        raise NotImplementedError

    def _signature(self) -> str | None:
        """The layout's signature of the file read (None before one is)."""
        raise NotImplementedError

    def _sync(self) -> None:
        raise NotImplementedError

    def do_import(self) -> bool:
        raise NotImplementedError

    # ---- choosing and reading -------------------------------------------------------------------
    def choose_file(self) -> None:
        from branchdesk.ui.dialogs.export import last_folder

        start = self.path.parent if self.path else last_folder()
        path = prompts.open_file_name(self, self.CHOOSE_TITLE, start, "Excel 工作簿 (*.xlsx)")
        if path is not None:
            self.load(path)

    def reload(self) -> None:
        if self.path is not None:
            self.load(self.path)

    def apply_mapping(self, choices: dict[str, str]) -> bool:
        """Read the file again with the columns assigned as chosen, and remember the choice for files
        of the same layout."""
        from branchdesk.services.import_mapping import mapping_of, save_mapping

        signature = self._signature()
        if self.path is None or signature is None:
            return False
        mapping = mapping_of(choices)
        save_mapping(self.ctx.ws, self.MAPPING, signature, mapping)
        return self.load(self.path, mapping=mapping)

    def load(self, path: Path | str, *, mapping: dict[str, str] | None = None) -> bool:
        """Read and check `path` off the GUI thread and show the preview; False when it failed.
        `mapping` assigns unknown columns (default: the one remembered for the file's layout)."""
        from branchdesk.ui.worker import run_in_background

        path = Path(path)
        self.path = path
        self.file_edit.setText(str(path))
        self.file_edit.setCursorPosition(0)
        read = None
        try:
            read = run_in_background(self, self.READING, self._job, self.ctx.ws, path, mapping)
        except OSError as exc:
            prompts.warn(self, "无法读取文件", f"无法读取：{path}\n\n{exc.strerror or exc}")
        return self._take(read)

    # ---- showing ----------------------------------------------------------------------------------
    def _show_errors(self, errors: list) -> int:
        """The 有错误的行 tab; returns how many rows have errors."""
        self.errors_model.set_rows(
            [(str(e.row) if e.row > 0 else "—", e.column or "—", e.message) for e in errors],
            [e.message for e in errors],
        )
        self.errors_view.resizeColumnsToContents()
        wrap_last_column(self.errors_view)  # a long message wraps in its cell instead of being cut
        bad_rows = len({e.row for e in errors if e.row > 0})
        self.tabs.setTabText(TAB_ERRORS, f"有错误的行（{bad_rows}）" if errors else "有错误的行（无）")
        return bad_rows

    def _show_rows(self, rows: list[tuple[str, ...]], tips: list[str] | None = None) -> None:
        self.rows_model.set_rows(rows, tips)
        self.rows_view.resizeColumnsToContents()
        self.rows_view.horizontalHeader().setStretchLastSection(True)
        self.tabs.setTabText(TAB_ROWS, f"将导入的行（{len(rows)}）")

    def _show_values(self, rows: list, columns, warnings: dict[int, str], format_row) -> None:
        self.values_model.set_plan(rows, columns, warnings, format_row)
        if len(rows) <= 2000:
            self.values_view.resizeColumnsToContents()
        self.tabs.setTabText(
            TAB_VALUES, f"读取的内容（{len(rows)} 行，{len(warnings)} 行提醒）" if warnings
            else f"读取的内容（{len(rows)} 行）"
        )  # fmt: skip

    def _show_nothing(self) -> None:
        """Nothing readable: empty tables, no mapping, no skipping."""
        self.details.setText("")
        self.rows_model.set_rows([])
        self.values_model.set_plan([], [], {}, None)
        self.mapping.set_columns([], {})
        self.tabs.setTabText(TAB_ROWS, "将导入的行")
        self.tabs.setTabText(TAB_VALUES, "读取的内容")
        self.skip_invalid.setVisible(False)

    def _show_details(self, found, notes: list[str]) -> None:
        """共读取 N 行 (sheet, header row), the notes, the unknown and unused columns."""
        details = [
            f"共读取 {found.data_rows} 行（工作表“{found.sheet}”，表头在第 {found.header_row} 行）",
            *notes,
        ]
        if found.unknown_columns:
            details.append(f"{len(found.unknown_columns)} 列未识别，请在上方选择导入为哪一项")
        ignored = [c for c in found.ignored_columns if c not in found.unknown_columns]
        if ignored:
            details.append("未使用的列：" + "、".join(ignored))
        self.details.setText("；".join(details) + "。")


def _read_and_preview(ws, path: Path, mapping: dict[str, str] | None = None):
    """Worker-thread job: read the file, then (if it is readable at all) match it against the database.

    Without a `mapping`, the one remembered for files of this layout (the header's signature) is used."""
    from branchdesk.services.import_mapping import ROSTER, saved_mapping
    from branchdesk.services.imports import preview_roster, read_roster

    if mapping is None:
        layout = read_roster(path, header_only=True)
        mapping = saved_mapping(ws, ROSTER, layout.signature) if layout.signature else {}
    plan = read_roster(path, mapping=mapping)
    preview = None if plan.file_errors else preview_roster(ws, plan)
    return plan, preview


class ImportMembersDialog(ExcelImportDialog):
    """After `exec()` returns Accepted, `.result` is the ImportResult."""

    MAPPING = ROSTER
    CHOOSE_TITLE = "选择要导入的花名册"
    READING = "正在读取并检查花名册…"
    ROW_HEADERS = ("行号", "姓名", "操作", "变化")
    _job = staticmethod(_read_and_preview)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        template_button = QPushButton("下载导入模板…")
        super().__init__(
            ctx, parent, title="导入党员花名册", placeholder="请选择要导入的 Excel 文件（.xlsx）", width=860,
            hint="第一次导入请先下载模板，按模板填写；已有的花名册也可以直接导入，常见的列名都能识别。"
                 "再次导入同一份名单时，按公民身份号码更新已有党员，不会重复建档。",
            extra_buttons=(template_button,),
        )  # fmt: skip
        self.plan = None
        self.preview = None
        self.template_button = template_button
        self.template_button.clicked.connect(self.download_template)
        self._show_preview()

    def download_template(self) -> None:
        from branchdesk.ui.dialogs.export import download_template

        download_template(self.ctx, self)

    def _take(self, read) -> bool:
        self.plan, self.preview = read if read is not None else (None, None)
        self._show_preview()
        return self.plan is not None

    def _signature(self) -> str | None:
        return None if self.plan is None else self.plan.signature

    # ---- the preview -----------------------------------------------------------------------------
    def errors(self) -> list:
        if self.plan is None:
            return []
        if self.preview is None:
            return list(self.plan.errors)
        return list(self.preview.errors)

    def error_row_count(self) -> int:
        return len({e.row for e in self.errors() if e.row > 0})

    def _show_preview(self) -> None:
        plan, preview = self.plan, self.preview
        self.reload_button.setEnabled(self.path is not None)
        if plan is None:
            self.summary.setText("")
            self._show_nothing()
            self.errors_model.set_rows([])
            self.tabs.setTabText(TAB_ERRORS, "有错误的行")
            self._sync()
            return

        from branchdesk.services.imports import shown_columns, shown_values

        self.mapping.set_columns(plan.unknown_columns, plan.chosen)
        warnings = {w.row: w.message for w in plan.warnings}
        self._show_values(plan.rows, shown_columns(plan), warnings, shown_values)
        errors = self.errors()
        self._show_errors(errors)

        if preview is None:  # the file itself is unusable
            self.summary.setText("无法导入：" + "；".join(e.message for e in plan.file_errors))
            self.details.setText("")
            self.rows_model.set_rows([])
            self.tabs.setTabText(TAB_ROWS, "将导入的行")
            self.skip_invalid.setVisible(False)
            self.tabs.setCurrentIndex(TAB_ERRORS)
            self._sync()
            return

        parts = [f"新增 {preview.created} 人", f"更新 {preview.updated} 人", f"无变化 {preview.unchanged} 人"]
        if preview.groups_to_create:
            parts.append(
                f"将新建党小组 {len(preview.groups_to_create)} 个（{'、'.join(preview.groups_to_create)}）"
            )
        text = "，".join(parts)
        if errors:
            text += f"；{self.error_row_count()} 行有错误（共 {len(errors)} 处）"
        self.summary.setText(text + "。")
        details = [plan.unit_note] if plan.unit_note else []
        if plan.example_rows:
            details.append(f"示例行 {plan.example_rows} 行已忽略")
        if plan.footer_rows:
            details.append(f"表格下方的合计、说明和签名 {plan.footer_rows} 行已忽略")
        if plan.masked_cells:
            details.append(
                f"{plan.masked_cells} 个脱敏的单元格（含 * 的号码、只有年份的出生日期）未导入，系统中已有的信息不变"
            )
        if plan.warnings:
            details.append(f"{len(plan.warnings)} 行没有公民身份号码（见“读取的内容”中的提醒）")
        self._show_details(plan, details)

        rows, tips = [], []
        for item in preview.items:
            changes = item.changes
            if item.action == "update":
                shown = "；".join(
                    f"{c.label}：{c.before or '（空）'} → {c.after or '（空）'}"
                    for c in changes[:_CHANGES_SHOWN]
                )
                if len(changes) > _CHANGES_SHOWN:
                    shown += f"；等 {len(changes)} 项"
                tip = "\n".join(f"{c.label}：{c.before or '（空）'} → {c.after or '（空）'}" for c in changes)
            else:
                shown, tip = "", ""
            if item.note:
                shown = f"{shown}（{item.note}）" if shown else item.note
                tip = f"{tip}\n{item.note}" if tip else item.note
            rows.append((str(item.row), item.name, item.action_label, shown))
            tips.append(tip)
        self._show_rows(rows, tips)
        self.skip_invalid.setVisible(bool(errors))
        if errors:
            self.skip_invalid.setText(f"跳过有错误的 {self.error_row_count()} 行，只导入其余各行")
        self.tabs.setCurrentIndex(TAB_ERRORS if errors else TAB_ROWS)
        self._sync()

    def can_import(self) -> bool:
        if self.plan is None or self.preview is None or self.plan.file_errors:
            return False
        if self.errors() and not self.skip_invalid.isChecked():
            return False
        return self.preview.created + self.preview.updated + self.preview.dues_months > 0

    def _sync(self) -> None:
        enabled = self.can_import()
        self.import_button.setEnabled(enabled)
        if self.plan is None:
            tip = "请先选择文件"
        elif self.preview is None:
            tip = "文件无法导入"
        elif self.errors() and not self.skip_invalid.isChecked():
            tip = "有错误的行：请在 Excel 中改正后点“重新读取”，或勾选“跳过有错误的行”"
        elif not enabled:
            tip = "没有需要新增或更新的党员"
        else:
            tip = "导入（全部成功或全部不导入）"
        self.import_button.setToolTip(tip)

    # ---- importing -------------------------------------------------------------------------------
    def do_import(self) -> bool:
        from branchdesk.services.imports import ImportCancelled, ImportRefused, apply_roster
        from branchdesk.ui.worker import run_with_progress

        if not self.can_import():
            return False
        skip = self.skip_invalid.isChecked() and bool(self.errors())
        try:
            result = run_with_progress(
                self, "正在导入党员花名册…", apply_roster, self.ctx.ws, self.plan, skip_invalid=skip
            )
        except ImportCancelled:
            prompts.inform(self, "已取消", "已取消，未导入任何数据。")
            return False
        except ImportRefused as exc:
            # The database changed since the preview (e.g. someone added a member with the same ID).
            prompts.warn(self, "未导入", str(exc))
            self.reload()
            return False
        self.result = result
        prompts.inform(self, "导入完成", result.describe())
        self.accept()
        return True
