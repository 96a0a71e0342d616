"""Small modal questions, in Chinese, in one place (tests replace these functions with monkeypatch).

Callers use them through the module (`prompts.ask(...)`) so that a test can patch them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


def ask(parent: QWidget | None, title: str, text: str, *, yes: str = "确定", no: str = "取消",
        danger: bool = False) -> bool:  # fmt: skip
    """A yes/no question with our own button words; True when the first button was chosen."""
    box = QMessageBox(parent)
    box.setWindowTitle(title)
    box.setText(text)
    box.setIcon(QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button if danger else yes_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm_delete(parent: QWidget | None, title: str, text: str, delete) -> bool:
    """Ask (``text`` names the record; 删除 is not the default button), then call ``delete()``. A record
    already gone or a right lost in between is a warning with the service's words, not 程序错误. True
    when deleted."""
    from branchdesk.domain.auth import PermissionDenied
    from branchdesk.domain.errors import NotFoundError

    if not ask(parent, title, text, yes="删除", danger=True):
        return False
    try:
        delete()
    except (NotFoundError, PermissionDenied) as exc:
        warn(parent, title, str(exc))
        return False
    return True


def file_saved(parent: QWidget | None, title: str, text: str, path: Path) -> None:
    """Say where a file was written, with a button that opens its folder."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton, parent)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()
    if box.clickedButton() is open_folder:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).parent)))


def get_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text, or None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setOkButtonText("确定")
    dialog.setCancelButtonText("取消")
    dialog.resize(max(dialog.sizeHint().width(), 360), dialog.sizeHint().height())
    if not dialog.exec():
        return None
    return dialog.textValue()


def save_file_name(
    parent: QWidget | None, title: str, default: Path, file_filter: str, *, replaces_database: bool = False
) -> Path | None:
    """A file to write (ui/file_dialogs: never over the database; asks before replacing a file)."""
    from branchdesk.ui import file_dialogs

    return file_dialogs.save_file_name(
        parent, title, default, file_filter, replaces_database=replaces_database
    )


def open_file_name(
    parent: QWidget | None, title: str, directory: Path | str, file_filter: str
) -> Path | None:
    from branchdesk.ui import file_dialogs

    return file_dialogs.open_file_name(parent, title, directory, file_filter)


def folder_name(parent: QWidget | None, title: str, directory: Path | str) -> Path | None:
    from branchdesk.ui import file_dialogs

    return file_dialogs.folder_name(parent, title, directory)
