"""Import a historical 发展党员工作台账 from Excel in the window (issue 18; before, `branchdesk import
development` only): choose the file, map the columns the importer does not know, see every row's
values and every error (行号, 列, 问题), then import — in one transaction, all or nothing.

The same steps as the roster import (ui/dialogs/import_dialog.py) over services/dev_import.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.services.import_mapping import DEVELOPMENT
from branchdesk.ui.dialogs.import_dialog import RowsModel, ValuesModel, _view
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.column_mapping import ColumnMappingPanel

TAB_ERRORS, TAB_ROWS, TAB_VALUES = range(3)


class _Item:
    """A good row for the values table: its Excel row and its dossier."""

    __slots__ = ("dossier", "row")

    def __init__(self, row: int, dossier):
        self.row = row
        self.dossier = dossier


def _format(item: _Item, keys) -> tuple[str, ...]:
    from branchdesk.services.dev_import import shown_values

    return shown_values(item.dossier, keys)


def _read_and_preview(ws, path: Path, mapping: dict[str, str] | None = None):
    """Worker-thread job: read the ledger (with the mapping remembered for its layout unless one is
    given), then match it against the branch's dossiers."""
    from branchdesk.services.dev_import import preview_development, read_development
    from branchdesk.services.import_mapping import saved_mapping

    if mapping is None:
        first = read_development(path)
        mapping = saved_mapping(ws, DEVELOPMENT, first.signature) if first.signature else {}
        found = read_development(path, mapping=mapping) if mapping else first
    else:
        found = read_development(path, mapping=mapping)
    file_issues = [i for i in found.issues if i.row <= 0]
    preview = None if file_issues else preview_development(ws, found)
    return found, preview


class ImportDevelopmentDialog(QDialog):
    """After `exec()` returns Accepted, `.result` is the DevApplyResult."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result = None
        self.found = None
        self.items: list = []
        self.issues: list = []
        self.path: Path | None = None
        self.setWindowTitle("导入发展党员工作台账")

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("请选择要导入的发展党员工作台账（.xlsx）")
        self.choose_button = QPushButton("选择文件…")
        self.reload_button = QPushButton("重新读取")
        self.reload_button.setToolTip("在 Excel 中改正后保存，再点这里重新检查")
        for button in (self.choose_button, self.reload_button):
            button.setAutoDefault(False)
        self.choose_button.clicked.connect(self.choose_file)
        self.reload_button.clicked.connect(self.reload)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("文件："))
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.choose_button)
        file_row.addWidget(self.reload_button)

        hint = QLabel(
            "可导入本程序导出的发展党员工作台账，或按其列名整理的历史台账；每人一行，表头上方可以有标题行。"
            "按公民身份号码（没有时按姓名和出生日期）更新已有档案，不会重复建档；历史记录不合规定的，导入后由“检查”列出。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
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

        self.mapping = ColumnMappingPanel(DEVELOPMENT, self)
        self.mapping.applied.connect(self.apply_mapping)
        self.errors_model = RowsModel(["行号", "列", "问题"], self)
        self.rows_model = RowsModel(["行号", "姓名", "操作", "导入后所处阶段"], self)
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
        layout.addWidget(hint)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.mapping)
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_invalid, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.resize(900, 560)
        self._show()

    # ---- reading -----------------------------------------------------------------------------------
    def choose_file(self) -> None:
        from branchdesk.ui.dialogs.export import last_folder

        start = self.path.parent if self.path else last_folder()
        path = prompts.open_file_name(self, "选择发展党员工作台账", start, "Excel 工作簿 (*.xlsx)")
        if path is not None:
            self.load(path)

    def reload(self) -> None:
        if self.path is not None:
            self.load(self.path)

    def apply_mapping(self, choices: dict[str, str]) -> bool:
        from branchdesk.services.import_mapping import mapping_of, save_mapping

        if self.path is None or self.found is None:
            return False
        mapping = mapping_of(choices)
        save_mapping(self.ctx.ws, DEVELOPMENT, self.found.signature, mapping)
        return self.load(self.path, mapping=mapping)

    def load(self, path: Path | str, *, mapping: dict[str, str] | None = None) -> bool:
        from branchdesk.ui.worker import run_in_background

        path = Path(path)
        self.path = path
        self.file_edit.setText(str(path))
        self.file_edit.setCursorPosition(0)
        self.found, self.items, self.issues = None, [], []
        preview = None
        try:
            self.found, preview = run_in_background(
                self, "正在读取并检查发展党员工作台账…", _read_and_preview, self.ctx.ws, path, mapping
            )
        except OSError as exc:
            prompts.warn(self, "无法读取文件", f"无法读取：{path}\n\n{exc.strerror or exc}")
        if self.found is not None:
            self.items, self.issues = preview if preview is not None else ([], list(self.found.issues))
        self._show(readable=preview is not None)
        return self.found is not None

    # ---- the preview --------------------------------------------------------------------------------
    def error_row_count(self) -> int:
        return len({i.row for i in self.issues if i.row > 0})

    def _show(self, *, readable: bool = False) -> None:
        from branchdesk.services.dev_import import shown_columns

        found = self.found
        self.reload_button.setEnabled(self.path is not None)
        issues = self.issues
        self.errors_model.set_rows(
            [(str(i.row) if i.row > 0 else "—", i.column or "—", i.message) for i in issues],
            [i.message for i in issues],
        )
        self.errors_view.resizeColumnsToContents()
        self.tabs.setTabText(
            TAB_ERRORS, f"有错误的行（{self.error_row_count()}）" if issues else "有错误的行（无）"
        )
        if found is None or not readable:
            self.summary.setText(
                "" if found is None else "无法导入：" + "；".join(i.message for i in issues if i.row <= 0)
            )
            self.details.setText("")
            self.rows_model.set_rows([])
            self.values_model.set_plan([], [], {}, None)
            self.mapping.set_columns([], {})
            self.skip_invalid.setVisible(False)
            if found is not None:
                self.tabs.setCurrentIndex(TAB_ERRORS)
            self._sync()
            return

        self.mapping.set_columns(found.unknown_columns, found.chosen)
        created = sum(1 for item in self.items if item.action == "create")
        text = f"新建档案 {created} 份，更新档案 {len(self.items) - created} 份"
        if issues:
            text += f"；{self.error_row_count()} 行有错误（共 {len(issues)} 处）"
        self.summary.setText(text + "。")
        details = [f"共读取 {found.data_rows} 行（工作表“{found.sheet}”，表头在第 {found.header_row} 行）"]
        if found.unknown_columns:
            details.append(f"{len(found.unknown_columns)} 列未识别，请在上方选择导入为哪一项")
        ignored = [c for c in found.ignored_columns if c not in found.unknown_columns]
        if ignored:
            details.append("未使用的列：" + "、".join(ignored))
        self.details.setText("；".join(details) + "。")

        self.rows_model.set_rows([(str(i.row), i.name, i.action_label, i.standing) for i in self.items])
        self.rows_view.resizeColumnsToContents()
        self.rows_view.horizontalHeader().setStretchLastSection(True)
        self.tabs.setTabText(TAB_ROWS, f"将导入的行（{len(self.items)}）")
        goods = [_Item(row, d) for row, d in zip(found.rows, found.dossiers, strict=True)]
        warnings = {row: "没有公民身份号码" for row, d in zip(found.rows, found.dossiers, strict=True)
                    if not d.person.id_number}  # fmt: skip
        self.values_model.set_plan(goods, shown_columns(found), warnings, _format)
        if len(goods) <= 2000:
            self.values_view.resizeColumnsToContents()
        self.tabs.setTabText(TAB_VALUES, f"读取的内容（{len(goods)} 行）")
        self.skip_invalid.setVisible(bool(issues))
        self.tabs.setCurrentIndex(TAB_ERRORS if issues else TAB_ROWS)
        self._sync()

    def can_import(self) -> bool:
        if not self.items:
            return False
        return not self.issues or self.skip_invalid.isChecked()

    def _sync(self) -> None:
        self.import_button.setEnabled(self.can_import())

    # ---- importing ------------------------------------------------------------------------------------
    def do_import(self) -> bool:
        from branchdesk.services.dev_import import apply_development
        from branchdesk.services.imports import ImportRefused
        from branchdesk.ui.worker import run_in_background

        if not self.can_import() or self.found is None:
            return False
        found = replace(self.found, issues=[]) if self.skip_invalid.isChecked() else self.found
        if found is not self.found:  # the rows that match ambiguously are left out too
            bad = {i.row for i in self.issues}
            keep = [(r, d) for r, d in zip(found.rows, found.dossiers, strict=True) if r not in bad]
            found = replace(found, rows=[r for r, _ in keep], dossiers=[d for _, d in keep])
        try:
            result = run_in_background(
                self, "正在导入发展党员工作台账…", apply_development, self.ctx.ws, found
            )
        except ImportRefused as exc:
            prompts.warn(self, "未导入", str(exc))
            self.reload()
            return False
        self.result = result
        prompts.inform(self, "导入完成", result.describe())
        self.accept()
        return True
