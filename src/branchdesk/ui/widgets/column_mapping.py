"""The mapping step of an import (issue 18): each column the importer does not know is assigned to a
field or ignored; the choice is applied (and remembered for files of the same layout) with one button.

Used by the roster import and the development-ledger import; the services are in
services/import_mapping.py.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.services.import_mapping import field_choices, suggest

IGNORE_TEXT = "不导入"


class ColumnMappingPanel(QGroupBox):
    """One row per column of the file that needs a decision: its header and a field (or 不导入).

    `applied(dict)` carries {header as written: field key, "" = ignore} when 应用 is pressed.
    """

    applied = Signal(object)

    def __init__(self, kind: str, parent: QWidget | None = None):
        super().__init__("未识别的列：请选择每一列导入为哪一项", parent)
        self.kind = kind
        self._choices = field_choices(kind)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["文件中的列", "导入为"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(self.table.fontMetrics().horizontalAdvance("文件中的列") + 24)
        header.setStretchLastSection(True)
        self.note = QLabel("选择后点“应用列的对应”重新读取；同样表头的文件下次自动按此对应。")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        self.apply_button = QPushButton("应用列的对应")
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(lambda: self.applied.emit(self.choices()))
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._headers: list[str] = []
        self.setVisible(False)

    def set_columns(self, unknown: list[str], chosen: dict[str, str]) -> None:
        """The columns to decide: the unknown ones (a suggestion preselected) and those decided before."""
        headers = list(dict.fromkeys([*chosen, *unknown]))
        self._headers = headers
        self.table.setRowCount(len(headers))
        for row, header in enumerate(headers):
            self.table.setItem(row, 0, QTableWidgetItem(header))
            combo = QComboBox()
            combo.addItem(IGNORE_TEXT, "")
            for choice in self._choices:
                combo.addItem(choice.label, choice.key)
            wanted = chosen[header] if header in chosen else (suggest(self.kind, header) or "")
            index = combo.findData(wanted)
            combo.setCurrentIndex(max(index, 0))
            if header not in chosen and wanted:
                combo.setToolTip(f"建议导入为“{combo.currentText()}”")
            self.table.setCellWidget(row, 1, combo)
        self.table.resizeRowsToContents()
        self.table.resizeColumnToContents(0)
        shown = sum(self.table.rowHeight(row) for row in range(min(len(headers), 4)))
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + shown + 4)
        self.setVisible(bool(headers))

    def headers(self) -> list[str]:
        return list(self._headers)

    def combo(self, header: str) -> QComboBox:
        return self.table.cellWidget(self._headers.index(header), 1)

    def choose(self, header: str, key: str) -> None:
        combo = self.combo(header)
        combo.setCurrentIndex(max(combo.findData(key), 0))

    def choices(self) -> dict[str, str]:
        return {header: self.combo(header).currentData() or "" for header in self._headers}
