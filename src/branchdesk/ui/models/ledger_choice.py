"""The ledgers of the registry as a two-level checklist: groups (名册, 发展党员, 会议 …) holding ledgers.

A group's box is checked when all its ledgers are, partly checked when some are; checking it checks
all of them. `checked_keys()` gives the chosen ledgers in registry (pack) order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from branchdesk.reports.registry import LedgerSpec

KEY_ROLE = Qt.ItemDataRole.UserRole
_NO_PARENT = QModelIndex()
_ROOT = 0  # internalId of a group row; a ledger row holds its group's row + 1

Index = QModelIndex | QPersistentModelIndex


def _as_state(value: Any) -> Qt.CheckState:
    if isinstance(value, Qt.CheckState):
        return value
    return Qt.CheckState(int(value))


class LedgerChoiceModel(QAbstractItemModel):
    checked_changed = Signal()

    def __init__(self, specs: Iterable[LedgerSpec], parent=None):
        super().__init__(parent)
        self.specs = list(specs)
        self.groups: list[tuple[str, list[LedgerSpec]]] = []
        for s in self.specs:
            for name, members in self.groups:
                if name == s.group:
                    members.append(s)
                    break
            else:
                self.groups.append((s.group, [s]))
        self._checked: set[str] = set()

    # ---- choice ----------------------------------------------------------------------------------
    def checked_keys(self) -> list[str]:
        return [s.key for s in self.specs if s.key in self._checked]

    def set_checked(self, keys: Iterable[str]) -> None:
        known = {s.key for s in self.specs}
        wanted = {k for k in keys if k in known}
        if wanted == self._checked:
            return
        self._checked = wanted
        if self.groups:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.groups) - 1, 0))
            for row in range(len(self.groups)):
                self._children_changed(row)
        self.checked_changed.emit()

    def spec_at(self, index: Index) -> LedgerSpec | None:
        if not index.isValid() or index.internalId() == _ROOT:
            return None
        return self.groups[index.internalId() - 1][1][index.row()]

    def _group_state(self, row: int) -> Qt.CheckState:
        members = self.groups[row][1]
        chosen = sum(1 for s in members if s.key in self._checked)
        if chosen == 0:
            return Qt.CheckState.Unchecked
        return Qt.CheckState.Checked if chosen == len(members) else Qt.CheckState.PartiallyChecked

    def _children_changed(self, group_row: int) -> None:
        parent = self.index(group_row, 0)
        last = len(self.groups[group_row][1]) - 1
        self.dataChanged.emit(self.index(0, 0, parent), self.index(last, 0, parent))

    # ---- QAbstractItemModel ----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = _NO_PARENT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, _ROOT) if row < len(self.groups) else QModelIndex()
        if parent.internalId() != _ROOT or parent.column() != 0:
            return QModelIndex()
        if row >= len(self.groups[parent.row()][1]):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1)

    def parent(self, index: Index = _NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == _ROOT:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _ROOT)

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _ROOT and parent.column() == 0:
            return len(self.groups[parent.row()][1])
        return 0

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        spec = self.spec_at(index)
        if spec is None:  # a group
            name, members = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                return name
            if role == Qt.ItemDataRole.CheckStateRole:
                return self._group_state(index.row())
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                return "、".join(s.title for s in members)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.title
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if spec.key in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if not spec.uses_period:
                return f"{spec.title}：按打印当天的情况列出（不受期间影响）"
            return f"{spec.title}：列出所选期间内的记录"
        if role == KEY_ROLE:
            return spec.key
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = _as_state(value) != Qt.CheckState.Unchecked
        spec = self.spec_at(index)
        if spec is None:  # a group: all its ledgers
            row = index.row()
            keys = {s.key for s in self.groups[row][1]}
            # a partly checked group goes to checked on a click (the view cycles unchecked <-> checked)
            self._checked = self._checked | keys if on else self._checked - keys
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
            self._children_changed(row)
        else:
            self._checked = self._checked | {spec.key} if on else self._checked - {spec.key}
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
            group = self.parent(index)
            self.dataChanged.emit(group, group, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()
        return True
