"""A small editable list of records (列席人员, 整改清单, 谈话记录, 评议等次): a table, 添加/删除 buttons.

Each column is text, a date (typed as in a DateField: 2026-11-23, 2026.11.23, 2026年11月23日 …) or a
choice from a list. :meth:`RowsEditor.rows` gives the texts; :meth:`RowsEditor.problems` names the row
and column of a date that is not a date or a required cell left empty, in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class RowColumn:
    title: str
    kind: str = "text"  # text / date / choice / count (a whole number ≥ 0, or blank)
    choices: tuple[str, ...] = ()
    required: bool = False
    width_sample: str = ""  # typical widest text (initial width); "" = stretch


class _ChoiceDelegate(QStyledItemDelegate):
    def __init__(self, choices: Sequence[str], parent=None):
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        box.addItems(self.choices)
        return box

    def setEditorData(self, editor, index):
        editor.setCurrentText(str(index.data() or ""))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentText())


def parse_cell_date(text: str) -> dt.date | None:
    """A typed date (None when empty); ValueError with a Chinese message when not a date."""
    from branchdesk.domain.dates import parse_date_loose

    text = (text or "").strip()
    return parse_date_loose(text, allow_year_month=False) if text else None


class RowsEditor(QWidget):
    changed = Signal()

    def __init__(
        self, columns: Sequence[RowColumn], *, add_text: str = "添加", parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.columns = list(columns)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.title for c in self.columns])
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.table.fontMetrics()
        for i, c in enumerate(self.columns):
            if c.kind == "choice":
                self.table.setItemDelegateForColumn(i, _ChoiceDelegate(c.choices, self.table))
            if c.width_sample:
                header.resizeSection(
                    i, max(metrics.horizontalAdvance(c.width_sample), metrics.horizontalAdvance(c.title)) + 28
                )
            else:
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 12)
        self.add_button = QPushButton(add_text)
        self.remove_button = QPushButton("删除所选")
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._read_only = False

    def add_row(self, values: Sequence[str] = ()) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, c in enumerate(self.columns):
            text = (
                values[col]
                if col < len(values)
                else (c.choices[0] if c.kind == "choice" and c.choices else "")
            )
            item = QTableWidgetItem(str(text or ""))
            if self._read_only:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, col, item)
        if not values and not self._read_only:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(self.table.item(row, 0))
        self.changed.emit()
        return row

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0 and not self._read_only:
            self.table.removeRow(row)
            self.changed.emit()

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for values in rows:
            self.add_row(values)
        self.table.blockSignals(False)

    def rows(self) -> list[list[str]]:
        out = []
        for row in range(self.table.rowCount()):
            values = [(self.table.item(row, c).text() if self.table.item(row, c) else "").strip()
                      for c in range(len(self.columns))]  # fmt: skip
            if any(values):
                out.append(values)
        return out

    def problems(self, what: str) -> list[str]:
        """Cells that cannot be saved, named by ``what`` (the list's name), row and column."""
        out = []
        for i, values in enumerate(self.rows(), 1):
            for c, text in zip(self.columns, values, strict=True):
                if c.required and not text:
                    out.append(f"{what}第{i}行：请填写“{c.title}”")
                elif c.kind == "date":
                    try:
                        parse_cell_date(text)
                    except ValueError as exc:
                        out.append(f"{what}第{i}行“{c.title}”：{exc}")
                elif c.kind == "count" and text and not (text.isascii() and text.isdigit()):
                    out.append(f"{what}第{i}行“{c.title}”：请填写不小于 0 的整数")
        return out

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.add_button.setVisible(not read_only)
        self.remove_button.setVisible(not read_only)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if read_only
            else QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
