"""Export the roster (党员花名册) to Excel, and save the import template, from the GUI.

Both ask for a file name (remembering the folder used last time), write off the GUI thread, and tell
the user where the file went, with a button to open its folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QWidget

from branchdesk import APP_NAME
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts

XLSX_FILTER = "Excel 工作簿 (*.xlsx)"
_LAST_DIR_KEY = "files/last_export_dir"


def _settings() -> QSettings:
    return QSettings(APP_NAME, APP_NAME)


def last_folder() -> Path:
    saved = _settings().value(_LAST_DIR_KEY)
    if saved and Path(str(saved)).is_dir():
        return Path(str(saved))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_folder(path: Path) -> None:
    _settings().setValue(_LAST_DIR_KEY, str(path.parent))


def with_xlsx_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")


def _write_roster(ws, path: Path) -> int:
    from branchdesk.reports.roster import roster_ledger
    from branchdesk.reports.xlsx import write_xlsx

    ledger = roster_ledger(ws)
    write_xlsx([ledger], path)
    return len(ledger.rows)


def _write_failed(parent: QWidget | None, path: Path, exc: OSError) -> None:
    prompts.warn(
        parent,
        "无法写入文件",
        f"无法写入：{path}\n\n{exc.strerror or exc}\n\n如果这个文件正在 Excel 或 WPS 中打开，请先关闭它，"
        "或者换一个文件名再试。",
    )


def export_roster(ctx: AppContext, parent: QWidget | None) -> Path | None:
    """Ask for a file, write the roster of active members there, tell the user; the path or None."""
    from branchdesk.domain.errors import NoBranchError
    from branchdesk.ui.worker import run_in_background

    default = last_folder() / f"党员花名册-{dt.date.today():%Y%m%d}.xlsx"
    chosen = prompts.save_file_name(parent, "导出党员花名册", default, XLSX_FILTER)
    if chosen is None:
        return None
    path = with_xlsx_suffix(chosen)
    try:
        count = run_in_background(parent, "正在导出党员花名册…", _write_roster, ctx.ws, path)
    except OSError as exc:
        _write_failed(parent, path, exc)
        return None
    except NoBranchError as exc:
        prompts.warn(parent, "无法导出", str(exc))
        return None
    remember_folder(path)
    prompts.file_saved(parent, "导出完成", f"已导出党员花名册（{count} 人）：\n{path}", path)
    return path


def download_template(ctx: AppContext, parent: QWidget | None) -> Path | None:
    """Save the roster import template where the user chooses; the path or None."""
    from branchdesk.services.imports import write_template
    from branchdesk.ui.worker import run_in_background

    default = last_folder() / "党员花名册导入模板.xlsx"
    chosen = prompts.save_file_name(parent, "保存导入模板", default, XLSX_FILTER)
    if chosen is None:
        return None
    path = with_xlsx_suffix(chosen)
    try:
        run_in_background(parent, "正在生成导入模板…", write_template, path)
    except OSError as exc:
        _write_failed(parent, path, exc)
        return None
    remember_folder(path)
    prompts.file_saved(
        parent,
        "模板已保存",
        f"导入模板已保存到：\n{path}\n\n在“党员花名册”工作表中每行填写一名党员，“填写说明”工作表说明了每一列的要求。",
        path,
    )
    return path
