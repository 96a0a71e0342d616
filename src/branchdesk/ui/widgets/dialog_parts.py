"""Parts every form dialog and record list of the app shares, so that they behave alike everywhere."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPushButton,
    QTableWidget,
)

SAVE_KEYS = ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter")


def save_cancel_buttons(
    dialog: QDialog, save: Callable[[], object], *, save_text: str = "确定"
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A 保存/取消 button row for a form dialog: (box, save button, cancel button).

    Enter in a field never saves by accident (no default button); Ctrl+S and Ctrl+Enter save; Esc
    cancels. ``save`` decides whether the dialog closes (it calls ``accept()`` when all is well).
    """
    buttons = QDialogButtonBox()
    save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    save_button.setToolTip(f"{save_text}（Ctrl+S 或 Ctrl+Enter）")
    cancel_button.setToolTip("不保存，关闭（Esc）")
    for button in (save_button, cancel_button):
        button.setAutoDefault(False)
        button.setDefault(False)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    for keys in SAVE_KEYS:
        QShortcut(QKeySequence(keys), dialog, save)
    return buttons, save_button, cancel_button


def record_table(headers: list[str], *, widest_short_text: str = "组织委员") -> QTableWidget:
    """A read-only list of records: whole rows selected one at a time, columns fitted to their text,
    none narrower than ``widest_short_text`` (so that short columns keep their words whole)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(table.fontMetrics().horizontalAdvance(widest_short_text) + 24)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table
