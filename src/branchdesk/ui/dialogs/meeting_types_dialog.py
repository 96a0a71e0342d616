"""会议类型: the meeting types the branch added (党政联席会议, 专题议党会议 …) — add, rename, remove.

The fixed types (支部党员大会 … 谈心谈话) are listed for reference and cannot be changed. A type's row
shows who attends it and how many records use it. Renaming changes the name of planned and draft
records (finalised ones keep the name they were sealed with); removing is refused while records use
the type, with the count (``MeetingService.remove_custom_type`` says so) — rename it instead.
``changed`` is True once anything was written (the page reloads its calendar rows).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.meetings import Audience, MeetingType
from branchdesk.domain.members import ValidationError
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.dialog_parts import record_table, save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel

COL_NAME, COL_AUDIENCE, COL_USED = range(3)


def _issues(exc: ValidationError) -> str:
    return "\n".join(i.message for i in exc.issues)


class NewTypeDialog(QDialog):
    """新增会议类型: the name and who attends (one line and a choice: Enter adds it)."""

    def __init__(self, service, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.added = None
        self.setWindowTitle("新增会议类型")
        self.name = QLineEdit()
        self.name.setMaxLength(50)
        self.name.setPlaceholderText("如：党政联席会议、专题议党会议")
        self.name.setObjectName("newTypeName")
        self.audience = QComboBox()
        for a in Audience:
            self.audience.addItem(a.label, a.value)
        form = QFormLayout()
        form.addRow("会议类型名称：", self.name)
        form.addRow("参加人员：", self.audience)
        note = QLabel("参加人员决定应到名单：全体党员、支部委员，或一个党小组的党员。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.errors = ErrorPanel()
        buttons, self.save_button, _cancel = save_cancel_buttons(
            self, self.save, save_text="新增", enter_saves=True
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 420), self.sizeHint().height())

    def save(self) -> bool:
        try:
            self.added = self.service.add_custom_type(self.name.text(), Audience(self.audience.currentData()))
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues])
            return False
        self.accept()
        return True


class MeetingTypesDialog(QDialog):
    """The branch's own meeting types with 新增… / 改名… / 删除."""

    def __init__(self, service, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.changed = False
        self.types: list = []
        self.setWindowTitle("会议类型")
        fixed = "、".join(t.label for t in MeetingType if t is not MeetingType.CUSTOM)
        intro = QLabel(
            f"固定的会议类型（{fixed}）不能修改。下表是本支部增加的会议类型："
            "改名后，尚未定稿的会议记录随之改名，已定稿的记录保留定稿时的名称；已有会议记录的类型不能删除。"
        )
        intro.setWordWrap(True)
        self.table = record_table(["会议类型", "参加人员", "会议记录"])
        self.table.setObjectName("meetingTypeTable")
        self.empty = QLabel("本支部还没有增加会议类型。点“新增…”添加，如 党政联席会议、专题议党会议。")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #666;")
        self.add_button = QPushButton("新增…")
        self.rename_button = QPushButton("改名…")
        self.remove_button = QPushButton("删除")
        self.close_button = QPushButton("关闭")
        for button in (self.add_button, self.rename_button, self.remove_button, self.close_button):
            button.setAutoDefault(False)
        self.add_button.clicked.connect(self.add_type)
        self.rename_button.clicked.connect(self.rename_type)
        self.remove_button.clicked.connect(self.remove_type)
        self.close_button.clicked.connect(self.accept)
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.rename_type())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.rename_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        # the table, or the note saying there is none yet, in the same place: no empty band (issue 18)
        intro.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(buttons)
        self.reload()
        self.resize(560, 380)

    # ---- showing -------------------------------------------------------------------------------
    def reload(self, select_id: int | None = None) -> None:
        self.types = self.service.custom_types()
        usage = self.service.custom_type_usage()
        self.table.setRowCount(len(self.types))
        for row, t in enumerate(self.types):
            used = usage.get(t.id, 0)
            cells = (t.name, Audience(t.audience).label, f"{used} 份" if used else "未使用")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == COL_USED:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, used)
                self.table.setItem(row, col, item)
            if t.id == select_id:
                self.table.selectRow(row)
        self.empty.setVisible(not self.types)
        self.table.setVisible(bool(self.types))
        self._sync_buttons()

    def selected(self):
        rows = self.table.selectionModel().selectedRows()
        return self.types[rows[0].row()] if rows else None

    def usage_of(self, row: int) -> int:
        return self.table.item(row, COL_USED).data(Qt.ItemDataRole.UserRole)

    def _sync_buttons(self) -> None:
        chosen = self.selected() is not None
        self.rename_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def select(self, name: str) -> None:
        for row, t in enumerate(self.types):
            if t.name == name:
                self.table.selectRow(row)
                return
        raise KeyError(name)

    # ---- actions -------------------------------------------------------------------------------
    def add_type(self) -> bool:
        dialog = NewTypeDialog(self.service, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.added is None:
            return False
        self.changed = True
        self.reload(dialog.added.id)
        return True

    def rename_type(self) -> bool:
        t = self.selected()
        if t is None:
            return False
        name = prompts.get_text(self, "会议类型改名", f"“{t.name}”的新名称：", t.name)
        if name is None or name.strip() == t.name:
            return False
        try:
            renamed = self.service.rename_custom_type(t.id, name)
        except ValidationError as exc:
            prompts.warn(self, "会议类型改名", _issues(exc))
            return False
        self.changed = True
        self.reload(renamed.id)
        return True

    def remove_type(self) -> bool:
        t = self.selected()
        if t is None:
            return False
        row = self.types.index(t)
        if not self.usage_of(row) and not prompts.ask(
            self, "删除会议类型", f"确定删除会议类型“{t.name}”？", yes="删除", danger=True
        ):
            return False
        try:  # a type in use is refused by the service, which says how many records use it
            self.service.remove_custom_type(t.id)
        except ValidationError as exc:
            prompts.warn(self, "删除会议类型", _issues(exc))
            return False
        self.changed = True
        self.reload()
        return True
