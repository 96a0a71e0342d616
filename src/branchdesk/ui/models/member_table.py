"""The member list as a Qt table model: an id list from SQL plus a row cache filled in blocks.

Sorting, filtering and search run in the database (`MemberService.search_ids`); the model only fetches
the rows the view asks for. Changes arrive as row removals/insertions, a layout change (re-sorting) and
`dataChanged`, never a reset, so that selection and scroll position survive an edit.

A new search first asks for the first `head` ids only (a LIMIT query the database answers in a few
milliseconds) so the first screen shows at once; the rest of a long list is read on a worker thread and
appended with one `rowsInserted` (the order is deterministic, so the head is its prefix). An edit that
touches neither the sort key nor anything the query filters on refreshes its row without a re-query.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from branchdesk.domain.members import MemberRecord
from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, MemberStatus
from branchdesk.services.members import MemberQuery, MemberService
from branchdesk.ui.models.row_cache import BlockCache

MEMBER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2


def _paper(record: MemberRecord, name: str) -> str:
    """A paper date as precise as it was given: 2008-06-20, 1999-03 (a month), 2008 (a year)."""
    value = record.partial(name)
    return value.iso if value is not None else ""


@dataclass(frozen=True)
class MemberColumn:
    key: str  # the MemberQuery sort key
    title: str
    text: Callable[[MemberRecord], str]
    sample: str  # typical widest content, for the initial column width


COLUMNS: tuple[MemberColumn, ...] = (
    MemberColumn("name", MEMBER_FIELD_LABELS["name"], lambda r: r.name, "欧阳晓明"),
    MemberColumn("sex", MEMBER_FIELD_LABELS["sex"], lambda r: r.sex, "性别"),
    MemberColumn(
        "birth_date", MEMBER_FIELD_LABELS["birth_date"], lambda r: _paper(r, "birth_date"), "0000-00-00"
    ),
    MemberColumn("member_type", MEMBER_FIELD_LABELS["member_type"], lambda r: r.type_label, "正式党员"),
    MemberColumn("group", MEMBER_FIELD_LABELS["group_id"], lambda r: r.group_name, "第一党小组"),
    MemberColumn(
        "join_date", MEMBER_FIELD_LABELS["join_date"], lambda r: _paper(r, "join_date"), "0000-00-00"
    ),
    MemberColumn(
        "conversion_date",
        MEMBER_FIELD_LABELS["conversion_date"],
        lambda r: _paper(r, "conversion_date"),
        "0000-00-00",
    ),
    MemberColumn("education", MEMBER_FIELD_LABELS["education"], lambda r: r.education, "大学本科（在读）"),
    MemberColumn(
        "work_unit", MEMBER_FIELD_LABELS["work_unit"], lambda r: r.work_unit, "计算机学院软件工程系"
    ),
    MemberColumn("mobile", MEMBER_FIELD_LABELS["mobile"], lambda r: r.mobile, "13800000000"),
    MemberColumn("status", MEMBER_FIELD_LABELS["status"], lambda r: r.status_label, "停止党籍"),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)

# Fields a record must keep unchanged for an edit to leave its row in place (text search and order).
_TEXT_FIELDS = ("name", "id_number", "mobile", "landline", "student_number", "class_name", "major")
_SORT_FIELDS = {"name": ("name",), "group": ("group_id", "name")}

_INACTIVE = QBrush(QColor("#8a8a8a"))
_MAX_REORDER_RUNS = 200  # beyond this many removed runs a reset is cheaper than row-by-row removal


class _TailLoader(QObject):
    """Reads a whole id list on a worker thread; `loaded(generation, ids)` arrives on the GUI thread."""

    loaded = Signal(int, object)

    def __init__(self, service: MemberService, parent: QObject):
        super().__init__(parent)
        self._service = service

    def start(self, generation: int, query: MemberQuery) -> None:
        service, signal = self._service, self.loaded

        def work() -> None:
            try:
                ids = service.search_ids(query)
            except Exception:  # the GUI thread then reads the list itself (and reports any error)
                ids = None
            with contextlib.suppress(RuntimeError):  # the model went away meanwhile
                signal.emit(generation, ids)

        threading.Thread(target=work, name="member-ids", daemon=True).start()


class MemberTableModel(QAbstractTableModel):
    """Rows are member ids in query order; records are fetched `block` at a time as the view shows them."""

    count_changed = Signal(int)  # the number of matching members, once known
    loaded = Signal()  # the whole id list is in (after a long list's tail arrived)

    def __init__(
        self,
        service: MemberService,
        query: MemberQuery | None = None,
        parent=None,
        *,
        block: int = 100,
        cache_limit: int = 5000,
        head: int = 200,
    ):
        super().__init__(parent)
        self._service = service
        self._query = query or MemberQuery()
        self._head = head
        self._cache = BlockCache(service.get_many, block=block, limit=cache_limit)
        self._ids: list[int] = []
        self._complete = True
        self._generation = 0
        self._loader = _TailLoader(service, self)
        self._loader.loaded.connect(self._on_tail)
        self._positions: dict[int, int] | None = None
        self.requeries = 0  # how many full id lists were read on the GUI thread
        self._load(self._query)

    # ---- Qt model API --------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == MEMBER_ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.ForegroundRole,
            RECORD_ROLE,
        ):
            return None
        record = self.record(index.row())
        if record is None:
            return None
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.ForegroundRole:
            return None if record.status == MemberStatus.ACTIVE.value else _INACTIVE
        text = COLUMNS[index.column()].text(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            if record.status != MemberStatus.ACTIVE.value and record.status_reason:
                return f"{record.name}：{record.status_label}（{record.status_reason}）"
            return text or None
        return text

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

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column].key
        if key == self._query.sort and descending == self._query.descending:
            return
        self._query = replace(self._query, sort=key, descending=descending)
        self._sync(self._requery())

    # ---- what the page calls -------------------------------------------------------------------
    @property
    def query(self) -> MemberQuery:
        return self._query

    def sort_column(self) -> int:
        return COLUMN_KEYS.index(self._query.sort) if self._query.sort in COLUMN_KEYS else 0

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder

    @property
    def complete(self) -> bool:
        """False while the tail of a long list is still being read."""
        return self._complete

    def set_query(self, query: MemberQuery) -> None:
        """A new search or filter: a fresh id list (a model reset; the old selection no longer applies)."""
        self.beginResetModel()
        self._query = query
        self._load(query)
        self.endResetModel()
        if self._complete:
            self.count_changed.emit(len(self._ids))

    def reload(self) -> None:
        """Re-read everything (after an import), keeping the selection where the rows still exist."""
        self._cache.clear()
        self._sync(self._requery())
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(COLUMNS) - 1))

    def refresh_member(self, member_id: int) -> None:
        """One member changed: re-read its row; it may move (sort), or leave the list (filter)."""
        old = self._cache.pop(member_id, None)
        row = self.row_of(member_id)
        if old is not None and row is not None and self._complete:
            new = self._service.get_many([member_id])
            if new and self._stays_in_place(old, new[0]):
                if self._matches_filters(new[0]):
                    self._cache[member_id] = new[0]
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
                else:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._ids[row]
                    self._positions = None
                    self.endRemoveRows()
                    self.count_changed.emit(len(self._ids))
                return
        self._sync(self._requery(), changed=[member_id])

    def member_added(self, record: MemberRecord) -> int | None:
        """A new member: insert it where the query puts it. Returns its row, or None if filtered out."""
        self._cache.pop(record.id, None)
        self._sync(self._requery(), changed=[record.id])
        return self.row_of(record.id)

    def member_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, member_id: int) -> int | None:
        if self._positions is None:
            self._positions = {mid: row for row, mid in enumerate(self._ids)}
        return self._positions.get(member_id)

    def record(self, row: int) -> MemberRecord | None:
        """The record shown in `row`, fetching its block of rows if it is not cached yet."""
        return self._cache.row(self._ids, row)

    @property
    def fetches(self) -> int:
        """How many block fetches ran (tests and benchmarks look at it)."""
        return self._cache.fetches

    # ---- internals -----------------------------------------------------------------------------
    def _load(self, query: MemberQuery) -> None:
        """The first `head` ids now; the rest (if any) from a worker thread."""
        self._generation += 1
        self._positions = None
        if self._head <= 0:
            self._ids, self._complete = self._service.search_ids(query), True
            return
        # the first screen in one statement with its rows (MemberService.screen): typing shows it at once
        head = self._service.screen(query, self._head)
        for record in head:
            self._cache[record.id] = record
        self._ids = [record.id for record in head]
        self._complete = len(self._ids) < self._head
        if not self._complete:
            self._loader.start(self._generation, query)

    def _requery(self) -> list[int]:
        """The whole id list, read now (edits and sorting need it to keep the selection)."""
        self._generation += 1  # any tail still on its way is stale
        self._complete = True
        self.requeries += 1
        return self._service.search_ids(self._query)

    def _on_tail(self, generation: int, ids: list[int] | None) -> None:
        if generation != self._generation or self._complete:
            return
        if ids is None:
            ids = self._requery()
        self._complete = True
        head = len(self._ids)
        if ids[:head] == self._ids and len(ids) > head:
            self.beginInsertRows(QModelIndex(), head, len(ids) - 1)
            self._ids = list(ids)
            self._positions = None
            self.endInsertRows()
        elif ids != self._ids:
            self._sync(ids)
        self.count_changed.emit(len(self._ids))
        self.loaded.emit()

    def _stays_in_place(self, old: MemberRecord, new: MemberRecord) -> bool:
        """True when the edit cannot change the row's position or its match of the search text."""
        fields = list(_SORT_FIELDS.get(self._query.sort, (self._query.sort, "name")))
        if self._query.text.strip():
            fields.extend(_TEXT_FIELDS)
        return all(getattr(old, f, None) == getattr(new, f, None) for f in fields)

    def _matches_filters(self, record: MemberRecord) -> bool:
        """The query's filters other than the search text (the same tests MemberService makes in SQL)."""
        query = self._query
        if record.branch_id != self._service.ws.branch_id:  # moved to another branch (转接)
            return False
        if query.statuses is not None and record.status not in query.statuses:
            return False
        if query.member_types is not None and record.member_type not in query.member_types:
            return False
        if query.group_id == 0:
            return record.group_id is None
        return query.group_id is None or record.group_id == query.group_id

    def _sync(self, new_ids: Sequence[int], changed: Iterable[int] = ()) -> None:
        """Move from the current id list to `new_ids` with removals, insertions and one layout change."""
        new_ids = list(new_ids)
        old_count = len(self._ids)
        new_set = set(new_ids)
        removed_rows = [row for row, mid in enumerate(self._ids) if mid not in new_set]
        runs = _runs(removed_rows)
        if len(runs) > _MAX_REORDER_RUNS:
            self.beginResetModel()
            self._ids = new_ids
            self._positions = None
            self.endResetModel()
            self.count_changed.emit(len(self._ids))
            return
        for first, last in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            self._positions = None
            self.endRemoveRows()
        present = set(self._ids)
        added = [mid for mid in new_ids if mid not in present]
        if added:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(added) - 1)
            self._ids.extend(added)
            self._positions = None
            self.endInsertRows()
        if self._ids != new_ids:
            self.layoutAboutToBeChanged.emit()
            positions = {mid: row for row, mid in enumerate(new_ids)}
            old_persistent = self.persistentIndexList()
            new_persistent = [
                self.createIndex(positions[self._ids[p.row()]], p.column()) if p.isValid() else QModelIndex()
                for p in old_persistent
            ]
            self._ids = new_ids
            self._positions = positions
            self.changePersistentIndexList(old_persistent, new_persistent)
            self.layoutChanged.emit()
        for member_id in changed:
            row = self.row_of(member_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        if len(self._ids) != old_count or runs or added:
            self.count_changed.emit(len(self._ids))


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as contiguous (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
