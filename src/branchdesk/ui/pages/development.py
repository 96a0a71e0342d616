"""发展党员: the pipeline board (one column per standing) and the to-do list (待办) across dossiers.

Each person is a card: name, the last step recorded with its date, and the most urgent open item
(overdue in red, due soon in amber). The 待办 list holds ``DevelopmentService.due()``: overdue first,
then by due date. Double-click (or Enter) opens the dossier view in place; 新建档案 records step 1.
The filter matches names, pinyin initials and full pinyin (as on the member page).
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.development import Dossier, Standing
from branchdesk.domain.rules import DueItem, DueKind
from branchdesk.ui.changes import DOSSIER_TABLES, ROSTER_TABLES, reload_when_changed
from branchdesk.ui.pages.dossier import (
    OPEN_COLOUR,
    OVERDUE_COLOUR,
    SOON_COLOUR,
    DossierView,
    due_colour,
    due_text,
    next_step,
)
from branchdesk.ui.widgets.search_box import SearchBox

log = logging.getLogger(__name__)

SEARCH_PLACEHOLDER = "姓名或拼音首字母"

#: Board columns: (key, title, standings shown)
COLUMNS: list[tuple[str, str, frozenset[Standing]]] = [
    (s.value, s.label, frozenset({s}))
    for s in (Standing.APPLICANT, Standing.ACTIVIST, Standing.CANDIDATE, Standing.PROBATIONARY)
] + [
    ("done", f"{Standing.FULL.label} / {Standing.CLOSED.label}", frozenset({Standing.FULL, Standing.CLOSED}))
]

ROLE_ID = Qt.ItemDataRole.UserRole
ROLE_DETAIL = Qt.ItemDataRole.UserRole + 1
ROLE_DUE = Qt.ItemDataRole.UserRole + 2
ROLE_COLOUR = Qt.ItemDataRole.UserRole + 3
ROLE_MEMBER = Qt.ItemDataRole.UserRole + 4  # a roster probationary member without a dossier (member id)

TODO_HORIZON_DAYS = 30  # DevelopmentService.due()'s default horizon
TODO_HEADERS = ["状态", "姓名", "步骤", "期限", "剩余天数", "事项"]


def _urgency(item: DueItem) -> tuple:
    """Sort key: overdue first, then due soon, then the rest, each by date."""
    return (not item.overdue, not item.due_soon, item.due, item.step.number)


def card_due(items: list[DueItem]) -> DueItem | None:
    """The item a card shows: a rule deadline before a local-practice reminder (a missed conversion
    meeting matters more than a late thought report), the most urgent first; else the earliest date."""
    if not items:
        return None
    firm = [i for i in items if i.kind is not DueKind.EARLIEST]
    return min(firm or items, key=lambda i: (not i.overdue, i.kind is not DueKind.DEADLINE, *_urgency(i)))


def due_short(item: DueItem) -> str:
    """ "逾期15天" / "还有8天" / "今天到期" / "2027-02-28起" — the start of a card's third line."""
    if item.kind is DueKind.EARLIEST:
        return "已可办理" if item.days_left <= 0 else f"{item.due.isoformat()}起"
    if item.overdue:
        return f"逾期{-item.days_left}天"
    return "今天到期" if item.days_left == 0 else f"还有{item.days_left}天"


class CardDelegate(QStyledItemDelegate):
    """Paints a dossier as a card: bold name, grey last step, coloured next item with a side bar."""

    PAD = 8

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        h = option.fontMetrics.height()
        return QSize(option.rect.width() or 200, 3 * h + 2 * self.PAD + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        rect = option.rect.adjusted(4, 3, -4, -3)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#1565c0" if selected else "#d0d4da")))
        painter.setBrush(QColor("#e3f0fc" if selected else "#ffffff"))
        painter.drawRoundedRect(rect, 5, 5)
        colour = index.data(ROLE_COLOUR)
        if colour:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(QRect(rect.left(), rect.top(), 5, rect.height()), 2, 2)
        h = option.fontMetrics.height()
        x = rect.left() + self.PAD + 4
        width = rect.width() - self.PAD * 2 - 4
        y = rect.top() + self.PAD // 2 + 2
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor("#1a1a1a"))
        painter.drawText(QRect(x, y, width, h + 2), Qt.AlignmentFlag.AlignLeft, index.data())
        painter.setFont(option.font)
        metrics = option.fontMetrics
        painter.setPen(QColor("#666666"))
        detail = metrics.elidedText(index.data(ROLE_DETAIL) or "", Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(x, y + h + 3, width, h + 2), Qt.AlignmentFlag.AlignLeft, detail)
        due = index.data(ROLE_DUE) or ""
        if due:
            painter.setPen(QColor(colour or OPEN_COLOUR))
            due = metrics.elidedText(due, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRect(x, y + 2 * h + 6, width, h + 2), Qt.AlignmentFlag.AlignLeft, due)
        painter.restore()


class BoardColumn(QFrame):
    """One column of the pipeline board: a title with the count, and the cards."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.title = title
        self.setObjectName(f"boardColumn_{key}")
        self.header = QLabel()
        font = self.header.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.header.setFont(font)
        self.header.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.header.setStyleSheet("background: #eef1f5; border-radius: 4px; padding: 5px;")
        self.summary = QLabel()
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.list = QListWidget()
        self.list.setObjectName(f"boardList_{key}")
        self.list.setItemDelegate(CardDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setUniformItemSizes(True)
        # cards take the column's width (long lines end in "…", the tooltip has them whole)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setFrameShape(QFrame.Shape.NoFrame)
        self.list.setStyleSheet("QListWidget { background: #f6f7f9; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self.set_counts(0, 0, 0)

    def set_counts(self, count: int, overdue: int, soon: int) -> None:
        self.header.setText(f"{self.title}（{count}）")
        parts = []
        if overdue:
            parts.append(f'<span style="color:{OVERDUE_COLOUR}">逾期 {overdue}</span>')
        if soon:
            parts.append(f'<span style="color:{SOON_COLOUR}">即将到期 {soon}</span>')
        self.summary.setText("　".join(parts) or '<span style="color:#888">无到期事项</span>')

    def names(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


class DevelopmentPage(QWidget):
    message = Signal(str)
    activate_requested = Signal()

    def __init__(self, ctx, service=None, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = service if service is not None else ctx.development
        self._today = today
        self.dossiers: dict[int, Dossier] = {}
        self.roster_probationary: list = []  # roster probationary members without a dossier
        self._due_member: dict[int, int] = {}
        self.due_items: list[DueItem] = []
        self._next: dict[int, list[DueItem]] = {}
        self._pinyin: dict[int, tuple[str, str]] = {}

        # ---- top row
        self.search = SearchBox(SEARCH_PLACEHOLDER)
        self.search.setObjectName("developmentSearch")
        self.search.setMaximumWidth(self.search.fontMetrics().horizontalAdvance(SEARCH_PLACEHOLDER) * 2 + 48)
        self.new_button = QPushButton("新建档案…")
        self.new_button.setObjectName("newDossier")
        self.new_button.setToolTip("登记一名递交了入党申请书的人（第1步）")
        self.import_button = QPushButton("导入台账…")
        self.import_button.setObjectName("importDevelopment")
        self.import_button.setToolTip("从 Excel 导入历史的发展党员工作台账（预览、列的对应、逐行检查后导入）")
        self.import_button.clicked.connect(self.import_ledger)
        self.refresh_button = QPushButton("刷新")
        for button in (self.new_button, self.import_button, self.refresh_button):
            button.setAutoDefault(False)
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addSpacing(8)
        top.addWidget(self.new_button)
        top.addWidget(self.import_button)
        top.addWidget(self.refresh_button)
        top.addStretch(1)
        top.addWidget(self.count_label)

        # ---- board
        self.columns: list[BoardColumn] = []
        board = QWidget()
        board_layout = QHBoxLayout(board)
        board_layout.setContentsMargins(0, 0, 0, 0)
        board_layout.setSpacing(6)
        for key, title, _standings in COLUMNS:
            column = BoardColumn(key, title)
            column.list.itemDoubleClicked.connect(self._open_item)
            column.list.itemSelectionChanged.connect(lambda c=column: self._single_selection(c))
            shortcut = QShortcut(QKeySequence(Qt.Key.Key_Return), column.list,
                                 context=Qt.ShortcutContext.WidgetShortcut)  # fmt: skip
            shortcut.activated.connect(lambda c=column: self._open_current(c))
            self.columns.append(column)
            board_layout.addWidget(column, 1)

        # ---- to-do list
        self.todo_title = QLabel("待办")
        font = self.todo_title.font()
        font.setBold(True)
        self.todo_title.setFont(font)
        self.todo = QTableWidget(0, len(TODO_HEADERS))
        self.todo.setObjectName("developmentTodo")
        self.todo.setHorizontalHeaderLabels(TODO_HEADERS)
        self.todo.verticalHeader().setVisible(False)
        self.todo.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.todo.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.todo.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.todo.setAlternatingRowColors(True)
        self.todo.setWordWrap(False)
        metrics = self.todo.fontMetrics()
        header = self.todo.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, sample in enumerate(("即将到期", "欧阳某某", "第23步 支部大会讨论（预备党员转正）",
                                      "2026年12月31日", "剩余天数")):  # fmt: skip
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 24)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(len(TODO_HEADERS) - 1, QHeaderView.ResizeMode.Stretch)
        self.todo.verticalHeader().setDefaultSectionSize(metrics.height() + 10)
        self.todo.doubleClicked.connect(lambda index: self._open_item(self.todo.item(index.row(), 0)))
        todo_box = QWidget()
        todo_layout = QVBoxLayout(todo_box)
        todo_layout.setContentsMargins(0, 4, 0, 0)
        todo_layout.addWidget(self.todo_title)
        todo_layout.addWidget(self.todo, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(board)
        self.splitter.addWidget(todo_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setCollapsible(0, False)

        board_page = QWidget()
        board_page_layout = QVBoxLayout(board_page)
        board_page_layout.setContentsMargins(10, 10, 10, 8)
        board_page_layout.addLayout(top)
        board_page_layout.addWidget(self.splitter, 1)
        hint = QLabel("双击卡片或待办事项打开发展档案；红色为已逾期，橙色为30天内到期。")
        hint.setEnabled(False)
        board_page_layout.addWidget(hint)

        self.dossier_view = DossierView(ctx, self.service, today=self.today)
        self.dossier_view.back_requested.connect(self.show_board)
        self.dossier_view.changed.connect(self._on_dossier_changed)

        self.stack = QStackedWidget()
        self.stack.addWidget(board_page)
        self.stack.addWidget(self.dossier_view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.search.search_requested.connect(lambda _text: self.fill_board())
        self.new_button.clicked.connect(self.new_dossier)
        self.refresh_button.clicked.connect(self.reload)
        back = QShortcut(QKeySequence("Escape"), self.dossier_view, self.show_board)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # not the search box's Esc
        self.loaded = False  # read when first shown: building the main window stays cheap
        # whoever writes (this page, the meeting editor, an import, another page): dossiers, the
        # roster they are judged against, the rule settings, the meetings that hold their votes
        reload_when_changed(
            self, ctx.changes, DOSSIER_TABLES | ROSTER_TABLES | {"setting", "meeting", "agenda_item"}
        )

    def showEvent(self, event) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # ---- data ------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read every dossier and the to-do list again (a branch has dozens, not thousands)."""
        from branchdesk.domain.rules import next_steps

        self.loaded = True
        dossiers = self.service.all(include_closed=True)
        self.dossiers = {d.id: d for d in dossiers}
        ctx = self.service.rule_context(self.today)
        self._next = {d.id: next_steps(d, ctx) for d in dossiers}
        # The same list as DevelopmentService.due(today) (open dossiers; overdue or due within the
        # horizon), from the dossiers just read instead of reading them all a second time.
        self.due_items = sorted(
            (
                i
                for d in dossiers
                if not d.closed
                for i in self._next[d.id]
                if i.overdue or i.days_left <= TODO_HORIZON_DAYS
            ),
            key=_urgency,
        )
        # probationary members on the roster without a dossier (imported): their conversion is due too
        self.roster_probationary = self.service.probationary_without_dossier(ctx)
        self.due_items = sorted(
            self.due_items
            + [
                p.due
                for p in self.roster_probationary
                if p.due.overdue or p.due.days_left <= TODO_HORIZON_DAYS
            ],
            key=_urgency,
        )
        self._due_member = {id(p.due): p.member_id for p in self.roster_probationary}
        self.fill_board()
        self.fill_todo()
        if self.showing_dossier():
            if self.dossier_view.dossier is not None and self.dossier_view.dossier.id in self.dossiers:
                self.dossier_view.reload()
            else:  # deleted meanwhile
                self.show_board()

    def _matches(self, d: Dossier, text: str) -> bool:
        if not text:
            return True
        if text in d.person.name:
            return True
        if not text.isascii():
            return False
        from branchdesk.domain.pinyin import matches_pinyin, name_pinyin

        reading = self._pinyin.get(d.id)
        if reading is None:
            reading = self._pinyin[d.id] = name_pinyin(d.person.name)
        return matches_pinyin(text, *reading)

    def fill_board(self) -> None:
        from branchdesk.domain.dates import format_date

        text = self.search.text().strip()
        shown = 0
        for column, (_key, _title, standings) in zip(self.columns, COLUMNS, strict=True):
            selected = column.list.currentItem().data(ROLE_ID) if column.list.currentItem() else None
            column.list.clear()
            people = [d for d in self.dossiers.values() if d.standing in standings and self._matches(d, text)]
            people.sort(key=lambda d: self._card_key(d))
            overdue = soon = 0
            for d in people:
                item = QListWidgetItem(d.person.name)
                item.setData(ROLE_ID, d.id)
                done = d.steps_done
                if d.closed and d.outcome is not None:
                    when = f" · {format_date(d.outcome_date)}" if d.outcome_date else ""
                    detail = f"{d.outcome.label}{when}"
                elif done:
                    last = max(done, key=lambda s: (done[s], s.number))
                    detail = f"{last.title} · {format_date(done[last])}"
                else:
                    detail = "尚未记录任何步骤"
                item.setData(ROLE_DETAIL, detail)
                due = card_due(self._next.get(d.id, []))
                if due is not None:
                    item.setData(ROLE_DUE, f"{due_short(due)}｜{due.text}")
                    item.setData(ROLE_COLOUR, due_colour(due))
                    overdue += due.overdue
                    soon += (not due.overdue) and due.due_soon and due.kind is not DueKind.EARLIEST
                else:
                    nxt = next_step(d)
                    item.setData(ROLE_DUE, f"下一步：{nxt.label}" if nxt is not None else "")
                    item.setData(ROLE_COLOUR, "")
                tip = f"{due.step.title}：{due.text}\n{due_text(due)}" if due is not None else ""
                item.setToolTip(f"{d.person.name}\n{detail}\n{tip}".strip())
                column.list.addItem(item)
                if d.id == selected:
                    column.list.setCurrentItem(item)
            extra = 0
            if Standing.PROBATIONARY in standings:
                for p in self.roster_probationary:
                    if (
                        text
                        and text not in p.name
                        and not (text.isascii() and self._matches_name(p.name, text))
                    ):
                        continue
                    column.list.addItem(self._roster_card(p))
                    extra += 1
                    overdue += p.due.overdue
                    soon += (not p.due.overdue) and p.due.due_soon
            column.set_counts(len(people) + extra, overdue, soon)
            shown += len(people)
        total = len(self.dossiers)
        text_count = f"共 {total} 份档案" if shown == total else f"显示 {shown} / 共 {total} 份档案"
        if self.roster_probationary:
            text_count += f"；另有花名册中的预备党员 {len(self.roster_probationary)} 人尚无档案"
        self.count_label.setText(text_count)

    def _matches_name(self, name: str, text: str) -> bool:
        from branchdesk.domain.pinyin import matches_pinyin, name_pinyin

        return matches_pinyin(text, *name_pinyin(name))

    def _roster_card(self, p) -> QListWidgetItem:
        """A card for a probationary member on the roster without a dossier (double-click: 补建档案)."""
        from branchdesk.domain.dates import format_date

        item = QListWidgetItem(p.name)
        item.setData(ROLE_ID, None)
        item.setData(ROLE_MEMBER, p.member_id)
        item.setData(ROLE_DETAIL, f"花名册中的预备党员 · 入党{format_date(p.join_date)} · 尚无发展档案")
        item.setData(ROLE_DUE, f"{due_short(p.due)}｜转正：预备期满召开支部大会讨论")
        item.setData(ROLE_COLOUR, due_colour(p.due))
        item.setToolTip(f"{p.name}\n花名册中的预备党员，尚无发展档案（双击可补建档案）\n{due_text(p.due)}")
        return item

    def _card_key(self, d: Dossier) -> tuple:
        due = card_due(self._next.get(d.id, []))
        if due is None:
            return (2, dt.date.max, d.person.name)
        return (0 if due.overdue else 1, due.due, d.person.name)

    def fill_todo(self) -> None:
        self.todo.setRowCount(len(self.due_items))
        overdue = sum(i.overdue for i in self.due_items)
        for row, item in enumerate(self.due_items):
            if item.overdue:
                state = "已逾期"
            elif item.kind is DueKind.EARLIEST:
                state = "可办理"
            else:
                state = "即将到期"
            days = f"逾期 {-item.days_left} 天" if item.overdue else f"{item.days_left} 天"
            if item.kind is DueKind.EARLIEST:
                days = "—" if item.days_left <= 0 else f"{item.days_left} 天后"
            cells = (state, item.person, item.step.title, item.due.isoformat(), days, item.text)
            colour = QColor(due_colour(item))
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ROLE_ID, item.dossier_id)
                cell.setData(ROLE_MEMBER, self._due_member.get(id(item)))
                if col in (0, 4):
                    cell.setForeground(colour)
                if col == 5 and item.code:
                    cell.setToolTip(f"{item.text}（{item.code}）")
                self.todo.setItem(row, col, cell)
        self.todo_title.setText(
            f"待办（{len(self.due_items)} 项，其中已逾期 {overdue} 项）"
            if self.due_items
            else "待办：暂无到期事项"
        )

    def _todo_id(self, row: int) -> int | None:
        cell = self.todo.item(row, 0)
        return cell.data(ROLE_ID) if cell is not None else None

    # ---- navigation ------------------------------------------------------------------------------
    def _single_selection(self, active: BoardColumn) -> None:
        if not active.list.selectedItems():
            return
        for column in self.columns:
            if column is not active:
                column.list.blockSignals(True)
                column.list.clearSelection()
                column.list.blockSignals(False)

    def _open_current(self, column: BoardColumn) -> None:
        self._open_item(column.list.currentItem())

    def _open_item(self, item) -> None:
        """Open the card's (or to-do row's) dossier; a roster probationary member without one is offered
        a dossier (补建档案)."""
        if item is None:
            return
        if item.data(ROLE_ID) is None and item.data(ROLE_MEMBER) is not None:
            self.start_dossier_for_member(item.data(ROLE_MEMBER))
            return
        self.open_dossier(item.data(ROLE_ID))

    def start_dossier_for_member(self, member_id: int) -> int | None:
        """补建档案 for a roster probationary member: asked first, then the new dossier is opened."""
        from branchdesk.ui.widgets import prompts

        found = next((p for p in self.roster_probationary if p.member_id == member_id), None)
        name = found.name if found is not None else ""
        text = (
            f"{name}是花名册中的预备党员，还没有发展党员档案，转正程序无从跟踪。\n\n"
            "补建档案：按花名册的入党日期记录接收其为预备党员的支部大会，其余步骤（申请、培养、审批等）"
            "请随后在档案中补录。现在补建吗？"
        )
        if not prompts.ask(self, "补建发展档案", text, yes="补建档案"):
            return None
        dossier_id = self.service.dossier_for_member(member_id)
        self.reload()
        self.open_dossier(dossier_id)
        return dossier_id

    def column_of(self, dossier_id: int) -> str | None:
        """The key of the board column showing the dossier (tests; keyboard navigation)."""
        for column in self.columns:
            for i in range(column.list.count()):
                if column.list.item(i).data(ROLE_ID) == dossier_id:
                    return column.key
        return None

    def column(self, key: str) -> BoardColumn:
        return next(c for c in self.columns if c.key == key)

    def open_dossier(self, dossier_id: int | None) -> None:
        if dossier_id is None:
            return
        self.activate_requested.emit()
        dossier = self.service.get(dossier_id)
        self.dossier_view.today = self.today
        self.dossier_view.show_dossier(dossier)
        self.stack.setCurrentWidget(self.dossier_view)
        self.dossier_view.timeline.setFocus()

    def show_board(self) -> None:
        self.stack.setCurrentIndex(0)

    def showing_dossier(self) -> bool:
        return self.stack.currentWidget() is self.dossier_view

    def _on_dossier_changed(self, dossier_id: int) -> None:
        if not self.loaded:  # (on screen the commit has reloaded the page already)
            self.reload()
        d = self.dossiers.get(dossier_id)
        if d is not None:
            self.message.emit(f"已记录：{d.person.name}（{d.standing.label}）")

    # ---- actions ---------------------------------------------------------------------------------
    def import_ledger(self) -> bool:
        """The historical 发展党员工作台账 from Excel (before: `branchdesk import development` only)."""
        from branchdesk.ui.dialogs.dev_import_dialog import ImportDevelopmentDialog

        self.activate_requested.emit()
        dialog = ImportDevelopmentDialog(self.ctx, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result is None:
            return False
        if not self.loaded:
            self.reload()
        self.message.emit(dialog.result.describe())
        return True

    def new_dossier(self) -> bool:
        from branchdesk.ui.dialogs.step_dialog import NewDossierDialog

        self.activate_requested.emit()
        dialog = NewDossierDialog(self.ctx, self.service, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_dossier is None:
            return False
        d = dialog.result_dossier
        if not self.loaded:
            self.reload()
        self.message.emit(f"已新建发展档案：{d.person.name}")
        return True
