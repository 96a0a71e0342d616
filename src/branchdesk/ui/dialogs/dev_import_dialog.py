"""Import a historical 发展党员工作台账 from Excel in the window (issue 18; before, `branchdesk import
development` only): choose the file, map the columns the importer does not know, see every row's
values and every error (行号, 列, 问题), then import — in one transaction, all or nothing.

The same steps as the roster import (ui/dialogs/import_dialog.py) over services/dev_import.py.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QWidget

from branchdesk.services.import_mapping import DEVELOPMENT
from branchdesk.ui.dialogs.import_dialog import TAB_ERRORS, TAB_ROWS, ExcelImportDialog
from branchdesk.ui.widgets import prompts


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


class ImportDevelopmentDialog(ExcelImportDialog):
    """After `exec()` returns Accepted, `.result` is the DevApplyResult."""

    MAPPING = DEVELOPMENT
    CHOOSE_TITLE = "选择发展党员工作台账"
    READING = "正在读取并检查发展党员工作台账…"
    ROW_HEADERS = ("行号", "姓名", "操作", "导入后所处阶段")
    _job = staticmethod(_read_and_preview)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(
            ctx, parent, title="导入发展党员工作台账", placeholder="请选择要导入的发展党员工作台账（.xlsx）",
            width=900,
            hint="可导入本程序导出的发展党员工作台账，或按其列名整理的历史台账；每人一行，表头上方可以有标题行。"
                 "按公民身份号码（没有时按姓名和出生日期）更新已有档案，不会重复建档；历史记录不合规定的，导入后由“检查”列出。",
        )  # fmt: skip
        self.found = None
        self.items: list = []
        self.issues: list = []
        self._show()

    def _take(self, read) -> bool:
        self.found, preview = read if read is not None else (None, None)
        self.items, self.issues = [], []
        if self.found is not None:
            self.items, self.issues = preview if preview is not None else ([], list(self.found.issues))
        self._show(readable=preview is not None)
        return self.found is not None

    def _signature(self) -> str | None:
        return None if self.found is None else self.found.signature

    # ---- the preview --------------------------------------------------------------------------------
    def error_row_count(self) -> int:
        return len({i.row for i in self.issues if i.row > 0})

    def _show(self, *, readable: bool = False) -> None:
        from branchdesk.services.dev_import import shown_columns

        found = self.found
        self.reload_button.setEnabled(self.path is not None)
        issues = self.issues
        self._show_errors(issues)
        if found is None or not readable:
            self.summary.setText(
                "" if found is None else "无法导入：" + "；".join(i.message for i in issues if i.row <= 0)
            )
            self._show_nothing()
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
        self._show_details(found, [])
        self._show_rows([(str(i.row), i.name, i.action_label, i.standing) for i in self.items])
        goods = [_Item(row, d) for row, d in zip(found.rows, found.dossiers, strict=True)]
        warnings = {row: "没有公民身份号码" for row, d in zip(found.rows, found.dossiers, strict=True)
                    if not d.person.id_number}  # fmt: skip
        self._show_values(goods, shown_columns(found), warnings, _format)
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
