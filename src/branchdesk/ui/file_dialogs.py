"""The program's file dialogs: they never open a file they list, and never let a save go over the database.

Qt's own file dialog filled its 类型 column by reading the start of every listed file (MIME sniffing
through the icon provider): in the database's folder it opened and closed ``branch.sqlite``, ``-wal``
and ``-shm``. On POSIX closing any descriptor of a file drops all of the process's SQLite locks on
it, so another program could then checkpoint and delete the running window's WAL (a damaged
database, issue 11). Here the dialog's icon provider names types and icons from the file name only.

On Windows the native dialog is kept (Windows locks belong to one handle; closing another does not drop
them). Elsewhere the Qt dialog is used: a native one (GTK, macOS) would sniff files inside this process.

Saving: the open database and its side files are refused (`services.output_guard`), and an existing
file is replaced only after a question in Chinese.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QFileInfo, QMimeDatabase
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QMessageBox, QWidget

USE_NATIVE = sys.platform == "win32"


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file name alone: never opens a listed file."""

    def __init__(self) -> None:
        super().__init__()
        self._mime = QMimeDatabase()

    def icon(self, what):
        if isinstance(what, QFileInfo):
            if what.isRoot():
                kind = QFileIconProvider.IconType.Drive
            elif what.isDir():
                kind = QFileIconProvider.IconType.Folder
            else:
                kind = QFileIconProvider.IconType.File
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isRoot():
            return "驱动器"
        if info.isDir():
            return "文件夹"
        mime = self._mime.mimeTypeForFile(info.fileName(), QMimeDatabase.MatchMode.MatchExtension)
        return mime.comment() or "文件"


_provider: NameOnlyIconProvider | None = None


def _icon_provider() -> NameOnlyIconProvider:
    global _provider
    if _provider is None:
        _provider = NameOnlyIconProvider()
    return _provider


def make_dialog(
    parent: QWidget | None, title: str, directory: Path | str, file_filter: str = ""
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(directory), file_filter)
    if not USE_NATIVE:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setIconProvider(_icon_provider())
    dialog.setLabelText(QFileDialog.DialogLabel.Accept, "确定")
    dialog.setLabelText(QFileDialog.DialogLabel.Reject, "取消")
    return dialog


def _database_path(parent: QWidget | None) -> Path | None:
    """The open database of the window `parent` belongs to (every page carries its `ctx`)."""
    widget = parent
    while widget is not None:
        ctx = getattr(widget, "ctx", None)
        location = getattr(ctx, "location", None)
        if location is not None:
            return location.sqlite_path
        widget = widget.parentWidget()
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    return getattr(app, "branchdesk_db_path", None) if app is not None else None


def save_file_name(
    parent: QWidget | None,
    title: str,
    default: Path | str,
    file_filter: str,
    *,
    db_path: Path | None = None,
    replaces_database: bool = False,
) -> Path | None:
    """Ask for a file to write. Refuses the database (and its side files) and other databases (unless
    `replaces_database`), asks before replacing an existing file. None when cancelled."""
    from branchdesk.services.output_guard import OutputRefused, check_output

    db_path = db_path if db_path is not None else _database_path(parent)
    default = Path(default)
    while True:
        dialog = make_dialog(parent, title, default.parent, file_filter)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)  # asked below, in Chinese
        if default.suffix:  # a name typed without one gets the default's (checked below with it)
            dialog.setDefaultSuffix(default.suffix.lstrip("."))
        dialog.selectFile(default.name)
        if not dialog.exec():
            return None
        chosen = dialog.selectedFiles()
        if not chosen or not chosen[0]:
            return None
        path = Path(chosen[0])
        try:
            return check_output(path, db_path=db_path, replaces_database=replaces_database)
        except OutputRefused as exc:
            if exc.exists and _confirm_replace(parent, title, path):
                return path
            if not exc.exists:
                QMessageBox.warning(parent, title, str(exc))
            default = path


def _confirm_replace(parent: QWidget | None, title: str, path: Path) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(f"文件“{path.name}”已存在。\n要用新文件替换它吗？原来的内容将丢失。")
    yes = box.addButton("替换", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("换个文件名", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def open_file_name(
    parent: QWidget | None, title: str, directory: Path | str, file_filter: str
) -> Path | None:
    dialog = make_dialog(parent, title, directory, file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if not dialog.exec():
        return None
    chosen = dialog.selectedFiles()
    return Path(chosen[0]) if chosen and chosen[0] else None


def folder_name(parent: QWidget | None, title: str, directory: Path | str) -> Path | None:
    dialog = make_dialog(parent, title, directory)
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if not dialog.exec():
        return None
    chosen = dialog.selectedFiles()
    return Path(chosen[0]) if chosen and chosen[0] else None
