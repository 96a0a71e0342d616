"""Table models of the 会议记录 page and the meeting editor.

* :class:`CalendarModel` — the year grid (``MeetingService.calendar``): a row per meeting type (one per
  party group for 党小组会, custom types after), a column per month; each cell held ✓ (with the
  attendance rate) / missing (red, from the MTG findings) / planned / not yet due.
* :class:`MeetingListModel` — the year's meetings (``MeetingService.list``): date, meeting, theme,
  应到/实到, status. A reload with the same meetings updates the rows in place (dataChanged), so the
  selection survives an edit.
* :class:`AttendanceModel` — the attendance list of one record, editable: status (出席/缺席/请假)
  and the reason; probationary members and members without a vote are marked as non-voters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QWidget

from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import AttendanceStatus, Attendee, CellState
from branchdesk.domain.vocab import MemberType

MEETING_ID_ROLE = Qt.ItemDataRole.UserRole + 1
CELL_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex

#: Cell colours of the year grid: (background, text).
CELL_COLOURS: dict[CellState, tuple[str, str]] = {
    CellState.HELD: ("#e6f4ea", "#1b5e20"),
    CellState.MISSING: ("#fdecea", "#c62828"),
    CellState.PLANNED: ("#e3f0fc", "#1565c0"),
    CellState.NOT_DUE: ("#ffffff", "#9e9e9e"),
    CellState.NONE: ("#fafafa", "#b0b0b0"),
}
FREQUENCY_TEXT = {"M": "每月", "Q": "每季度", "Y": "每年"}
PERIOD_TEXT = {"M": "本月", "Q": "本季度", "Y": "本年度"}
MONTHS = [f"{m}月" for m in range(1, 13)]


def rate_text(rate: float | None) -> str:
    return "" if rate is None else f"{rate:.0%}"


def cell_text(cell, planned_days: Sequence[int] = ()) -> str:
    """What a cell of the year grid says (short: the tooltip has the detail)."""
    if cell.state is CellState.HELD:
        count = f"×{cell.held}" if cell.held > 1 else ""
        rate = rate_text(cell.attendance_rate)
        return f"✓{count} {rate}".strip()
    if cell.state is CellState.MISSING:
        return "✗ 缺"
    if cell.state is CellState.PLANNED:
        return f"计划 {planned_days[0]}日" if planned_days else "计划"
    if cell.state is CellState.NOT_DUE:
        return "未到期"
    return ""  # nothing asked of this month


class CalendarModel(QAbstractTableModel):
    """Rows: ``CalendarRow``; columns: January to December. ``CELL_ROLE`` gives the ``CalendarCell``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.summaries: dict[int, object] = {}
        self.year = 0

    def set_calendar(self, year: int, rows: Sequence, summaries: dict[int, object]) -> None:
        """The grid of ``year``; ``summaries``: ``MeetingSummary`` by id (dates and 应到/实到 for tips)."""
        self.beginResetModel()
        self.year, self.rows, self.summaries = year, list(rows), dict(summaries)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 12

    def cell(self, index: Index):
        if not index.isValid() or not 0 <= index.row() < len(self.rows) or not 0 <= index.column() < 12:
            return None
        return self.rows[index.row()].cells[index.column()]

    def row_label(self, row: int) -> str:
        return self.rows[row].label

    def _meetings(self, cell) -> list:
        return [self.summaries[i] for i in cell.meeting_ids if i in self.summaries]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        cell = self.cell(index)
        if cell is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            days = [m.date.day for m in self._meetings(cell) if m.status == "planned"]
            return cell_text(cell, days)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(index.row(), cell)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(CELL_COLOURS[cell.state][0]))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(CELL_COLOURS[cell.state][1]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == CELL_ROLE:
            return cell
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.rows[index.row()].label} {index.column() + 1}月：{cell.state.label or '无'}"
        return None

    def tooltip(self, row: int, cell) -> str:
        r = self.rows[row]
        lines = [f"{r.label} · {self.year}年{cell.month}月"]
        for m in self._meetings(cell):
            status = {"planned": "计划", "draft": "草稿", "sealed": "已定稿"}.get(str(m.status), "")
            if str(m.status) == "planned":
                lines.append(f"{format_date(m.date)}（{status}）应到 {m.expected} 人")
                continue
            rate = f"，出席率 {m.present / m.expected:.0%}" if m.expected else ""
            lines.append(f"{format_date(m.date)}（{status}）应到 {m.expected} 人，实到 {m.present} 人{rate}")
        if cell.state is CellState.HELD and cell.held > 1 and cell.attendance_rate is not None:
            lines.append(f"平均出席率 {rate_text(cell.attendance_rate)}")
        lines.extend(cell.findings)
        if cell.state is CellState.NOT_DUE:
            lines.append(f"{PERIOD_TEXT.get(r.frequency, '本期')}尚未结束，还没有召开记录。")
        elif cell.state is CellState.NONE and r.frequency:
            lines.append(
                f"{FREQUENCY_TEXT[r.frequency]}至少一次：{PERIOD_TEXT[r.frequency]}无需在这个月另行召开。"
            )
        if cell.state is CellState.MISSING:
            lines.append("单击可补录或安排会议。")
        elif cell.meeting_ids:
            lines.append("单击打开会议记录。")
        return "\n".join(lines)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return MONTHS[section] if 0 <= section < 12 else None
            return self.rows[section].label if 0 <= section < len(self.rows) else None
        vertical = orientation == Qt.Orientation.Vertical
        if role == Qt.ItemDataRole.ToolTipRole and vertical and 0 <= section < len(self.rows):
            r = self.rows[section]
            how = FREQUENCY_TEXT.get(r.frequency, "按需召开（不检查次数）")
            return f"{r.label}：{how}" + (f"（{r.code}）" if r.code else "")
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.cell(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


LIST_HEADERS = ["日期", "会议", "主题", "应到/实到", "状态"]


class MeetingListModel(QAbstractTableModel):
    """The year's meetings (``MeetingSummary``), by date; ``MEETING_ID_ROLE`` gives the id."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list = []

    def set_meetings(self, items: Sequence) -> None:
        """Show ``items``; the same meetings in the same order are refreshed in place."""
        items = list(items)
        if [m.id for m in items] == [m.id for m in self.items]:
            self.items = items
            if items:
                self.dataChanged.emit(self.index(0, 0), self.index(len(items) - 1, len(LIST_HEADERS) - 1))
            return
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LIST_HEADERS)

    def row_of(self, meeting_id: int) -> int:
        return next((i for i, m in enumerate(self.items) if m.id == meeting_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        m = self.items[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == 0:
                return m.date.isoformat()
            if col == 1:
                return m.title
            if col == 2:
                return m.theme
            if col == 3:  # a planned meeting has no attendance taken yet
                if not m.expected:
                    return "—"
                return f"{m.expected} / —" if str(m.status) == "planned" else f"{m.expected} / {m.present}"
            if col == 4:
                return m.status.label
        if role == MEETING_ID_ROLE:
            return m.id
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            colour = {"planned": "#1565c0", "draft": "#b26a00", "sealed": "#1b5e20"}.get(str(m.status))
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 3, 4):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return LIST_HEADERS[section] if 0 <= section < len(LIST_HEADERS) else None
        return None


ATTENDANCE_HEADERS = ["姓名", "身份", "出席情况", "缺席、请假原因"]
COL_NAME, COL_KIND, COL_STATUS, COL_REASON = range(4)


def attendee_kind(a: Attendee) -> str:
    """正式党员 / 预备党员（无表决权）/ 正式党员（无表决权）/ 正式党员（不计入应到）."""
    probationary = str(a.member_type) == MemberType.PROBATIONARY.value
    label = MemberType.PROBATIONARY.label if probationary else MemberType.FULL.label
    if a.exclusion is not None:
        return f"{label}（不计入应到）"
    return label if a.voter else f"{label}（无表决权）"


class AttendanceModel(QAbstractTableModel):
    """The expected people of one meeting with their attendance (editable unless read-only)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.people: list[Attendee] = []
        self.read_only = False

    def set_attendees(self, people: Sequence[Attendee]) -> None:
        self.beginResetModel()
        self.people = list(people)
        self.endResetModel()
        self.changed.emit()

    def attendees(self) -> tuple[Attendee, ...]:
        return tuple(self.people)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ATTENDANCE_HEADERS)

    def missing_reason(self, row: int) -> bool:
        a = self.people[row]
        return not a.present and not a.reason.strip()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.people):
            return None
        a = self.people[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == COL_NAME:
                return a.name
            if col == COL_KIND:
                return attendee_kind(a)
            if col == COL_STATUS:
                return AttendanceStatus(a.status).label
            if col == COL_REASON:
                return a.reason
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_KIND and a.exclusion is not None:
                return f"经批准不计入有表决权的应到人数：{a.exclusion.summary_zh}"
            if col == COL_KIND and not a.voter:
                return "列入应到人数，但不计入有表决权的应到人数"
            if col == COL_REASON and self.missing_reason(index.row()):
                return f"{a.name}{AttendanceStatus(a.status).label}，请填写原因"
            if col == COL_STATUS and not self.read_only:
                return "双击或按 F2 选择：出席、缺席、请假"
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == COL_STATUS and not a.present:
                return QBrush(QColor("#b26a00"))
            if col == COL_KIND and not a.voter:
                return QBrush(QColor("#757575"))
        if role == Qt.ItemDataRole.BackgroundRole and col == COL_REASON and self.missing_reason(index.row()):
            return QBrush(QColor("#fdecea"))
        return None

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.read_only or role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self.people):
            return False
        a = self.people[index.row()]
        if index.column() == COL_STATUS:
            try:
                status = AttendanceStatus.from_label(str(value))
            except ValueError:
                return False
            new = replace(a, status=status, reason="" if status is AttendanceStatus.PRESENT else a.reason)
        elif index.column() == COL_REASON:
            new = replace(a, reason=str(value or "").strip())
        else:
            return False
        if new == a:
            return True
        self.people[index.row()] = new
        self.dataChanged.emit(
            self.index(index.row(), 0), self.index(index.row(), len(ATTENDANCE_HEADERS) - 1)
        )
        self.changed.emit()
        return True

    def set_exclusion(self, row: int, exclusion) -> None:
        """Leave the row's full member out of 应到 with ``exclusion`` (kind and approval), or count them
        again (None)."""
        if self.read_only or not 0 <= row < len(self.people):
            return
        a = self.people[row]
        self.people[row] = replace(a, exclusion=exclusion, voter=exclusion is None)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(ATTENDANCE_HEADERS) - 1))
        self.changed.emit()

    def set_status(self, row: int, status: AttendanceStatus, reason: str = "") -> None:
        """Mark one person (tests and the 全部出席 button)."""
        self.setData(self.index(row, COL_STATUS), status.label)
        if reason:
            self.setData(self.index(row, COL_REASON), reason)

    def all_present(self) -> None:
        for row in range(len(self.people)):
            self.set_status(row, AttendanceStatus.PRESENT)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self.people):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.read_only and index.column() in (COL_STATUS, COL_REASON):
            if index.column() == COL_REASON and self.people[index.row()].present:
                return flags
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return ATTENDANCE_HEADERS[section] if 0 <= section < len(ATTENDANCE_HEADERS) else None
        return None


class StatusDelegate(QStyledItemDelegate):
    """The 出席情况 column is chosen from a list (出席 / 缺席 / 请假)."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        box = QComboBox(parent)
        box.addItems([s.label for s in AttendanceStatus])
        return box

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
