"""Parts every form dialog and record list of the app shares, so that they behave alike everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTableWidget,
    QWidget,
)

SAVE_KEYS = ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter")
#: Widgets in which Enter means "this field is done": it moves on to the next field of a form.
_FIELDS = (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox, QRadioButton)


def no_default_button(dialog: QWidget) -> None:
    """No button of ``dialog`` is pressed by Enter (neither a default nor an auto-default one)."""
    for button in dialog.findChildren(QPushButton):
        button.setAutoDefault(False)
        button.setDefault(False)


class _FormButtons(QDialogButtonBox):
    """The 保存/取消 row. A QDialogButtonBox makes its first accept button the dialog's default button
    each time it is shown, so Enter in any field of a form would save and close it: unless Enter is to
    save (a one-field dialog), the default is taken away again right after."""

    def __init__(self, enter_saves: bool):
        super().__init__()
        self.enter_saves = enter_saves

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.Show and not self.enter_saves:
            no_default_button(self.window())
        return handled


class _EnterMovesOn(QObject):
    """On a form dialog: Enter in a field that does not use it itself moves to the next field."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and isinstance(watched, QWidget)
            and isinstance(watched.focusWidget(), _FIELDS)  # the field the key was typed in
        ):
            watched.focusNextChild()
            return True
        return False


def save_cancel_buttons(
    dialog: QDialog, save: Callable[[], object], *, save_text: str = "确定", enter_saves: bool = False
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """A 保存/取消 button row for a form dialog: (box, save button, cancel button).

    A form (several fields): Enter in a field never saves by accident — it moves on to the next field
    (no default button, not even after the box is shown); Ctrl+S and Ctrl+Enter save; Esc cancels. A
    one-field dialog passes ``enter_saves=True``: Enter saves, as in any small OK/Cancel question.
    ``save`` decides whether the dialog closes (it calls ``accept()`` when all is well).
    """
    buttons = _FormButtons(enter_saves)
    save_button = buttons.addButton(save_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel_button = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
    save_button.setToolTip(f"{save_text}（Ctrl+S 或 Ctrl+Enter）")
    cancel_button.setToolTip("不保存，关闭（Esc）")
    for button in (save_button, cancel_button):
        button.setAutoDefault(False)
        button.setDefault(False)
    if enter_saves:
        save_button.setDefault(True)
    else:
        dialog._bd_enter_moves_on = _EnterMovesOn(dialog)  # kept with the dialog
        dialog.installEventFilter(dialog._bd_enter_moves_on)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    for keys in SAVE_KEYS:
        QShortcut(QKeySequence(keys), dialog, save)
    return buttons, save_button, cancel_button


def read_only_rows(table: QTableView) -> None:
    """Whole rows selected one at a time, nothing edited in place, alternating colours, one line a row."""
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)


def record_view(model, name: str) -> QTableView:
    """A read-only view of a long record list (members, meetings, the audit log) over ``model``: rows
    of one fixed height, no row numbers, left-aligned headers; the page sizes its columns."""
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    read_only_rows(view)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    vheader = view.verticalHeader()
    vheader.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vheader.setDefaultSectionSize(view.fontMetrics().height() + 10)
    vheader.hide()
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def record_table(headers: list[str], *, widest_short_text: str = "组织委员") -> QTableWidget:
    """A read-only list of records: whole rows selected one at a time, columns fitted to their text,
    none narrower than ``widest_short_text`` (so that short columns keep their words whole)."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    read_only_rows(table)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(table.fontMetrics().horizontalAdvance(widest_short_text) + 24)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


def selected_row_data(table: QTableWidget) -> Any | None:
    """The UserRole data of the first cell of the selected row (a record id); None without a selection."""
    row = table.currentRow()
    if row < 0 or not table.selectionModel().isRowSelected(row):
        return None
    return table.item(row, 0).data(Qt.ItemDataRole.UserRole)


def select_row_by_text(table: QTableWidget, text: str) -> None:
    """Select the row whose first cell reads `text` (LookupError if none does)."""
    for row in range(table.rowCount()):
        if table.item(row, 0).text() == text:
            table.selectRow(row)
            return
    raise LookupError(text)


def action_button(text: str, slot: Callable[[], object], tip: str = "") -> QPushButton:
    """A push button beside a list or form: never the dialog's default, clicked runs `slot`."""
    button = QPushButton(text)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def note_label(text: str) -> QLabel:
    """A grey, word-wrapped explanation under a form or list."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #666;")
    return label


def form_layout(spacing: int = 10) -> QFormLayout:
    """A form with right-aligned labels and fields that take the width."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(spacing)
    return form


# ---- size on screen ------------------------------------------------------------------------------
#: Room a dialog leaves around itself on the screen's work area (window frame, title bar).
SCREEN_MARGIN = (40, 60)


def available_size(widget: QWidget):
    """The work area of the screen ``widget`` is on (a 1366×768 laptop: about 1366×728)."""
    from PySide6.QtCore import QSize

    screen = widget.screen()
    if screen is None or screen.availableGeometry().height() < 200:
        return QSize(1366, 728)
    return screen.availableGeometry().size()


def fit_on_screen(dialog: QWidget, width: int, height: int) -> None:
    """Resize ``dialog`` to ``width``×``height``, but never larger than its screen's work area: on a
    1366×768 laptop its buttons stay on screen (the content scrolls where it has to)."""
    room = available_size(dialog)
    dialog.resize(min(width, room.width() - SCREEN_MARGIN[0]), min(height, room.height() - SCREEN_MARGIN[1]))
