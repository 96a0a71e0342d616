"""The audit log as a Qt table model: the ids of the matching entries (newest first, from SQL) plus a
row cache filled a block at a time as the view shows rows (the log can hold 100,000+ entries)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from branchdesk.services.audit import AuditQuery, AuditRow, AuditService
from branchdesk.ui.models.row_cache import BlockCache

ENTRY_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_ACTION_COLOURS = {"insert": QColor("#2e7d32"), "delete": QColor("#b3261e")}


@dataclass(frozen=True)
class AuditColumn:
    title: str
    text: Callable[[AuditRow], str]
    sample: str  # typical content, for the initial column width


COLUMNS: tuple[AuditColumn, ...] = (
    AuditColumn("时间", lambda r: r.local_time, "2026-03-05 14:02:00"),
    AuditColumn("操作人", lambda r: r.user, "组织委员"),
    AuditColumn("操作", lambda r: r.operation, "党籍状态变更：已转出"),
    AuditColumn("动作", lambda r: r.action_label, "动作"),
    AuditColumn("对象", lambda r: r.what, "发展党员档案 欧阳晓明"),
    AuditColumn("变更内容", lambda r: r.summary(), ""),
)


class AuditTableModel(QAbstractTableModel):
    count_changed = Signal(int)

    def __init__(self, service: AuditService, query: AuditQuery | None = None, parent=None, *,
                 block: int = 100, cache_limit: int = 3000):  # fmt: skip
        super().__init__(parent)
        self._service = service
        self._query = query or AuditQuery()
        self._cache = BlockCache(service.rows, block=block, limit=cache_limit)
        self._ids: list[int] = service.ids(self._query)
        self._positions: dict[int, int] | None = None

    # ---- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == ENTRY_ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
                        ROW_ROLE):  # fmt: skip
            return None
        row = self.row(index.row())
        if row is None:
            return None
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = _ACTION_COLOURS.get(row.action) if index.column() == 3 else None
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (row.details() or None) if index.column() == len(COLUMNS) - 1 else None
        return COLUMNS[index.column()].text(row)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section].title if 0 <= section < len(COLUMNS) else None
        return str(section + 1) if 0 <= section < len(self._ids) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # ---- what the page calls -------------------------------------------------------------------
    @property
    def query(self) -> AuditQuery:
        return self._query

    def set_query(self, query: AuditQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._ids = self._service.ids(query)
        self._positions = None
        self.endResetModel()
        self.count_changed.emit(len(self._ids))

    def reload(self) -> None:
        """Read the id list again (entries written meanwhile appear at the top)."""
        self._cache.clear()
        self.set_query(self._query)

    def entry_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, entry_id: int) -> int | None:
        if self._positions is None:
            self._positions = {eid: row for row, eid in enumerate(self._ids)}
        return self._positions.get(entry_id)

    def row(self, row: int) -> AuditRow | None:
        """The entry shown in `row`, reading its block of rows if it is not cached yet."""
        return self._cache.row(self._ids, row)

    @property
    def fetches(self) -> int:
        """Block reads so far (tests look at it)."""
        return self._cache.fetches
