"""活动记录 (issue 15): the year's activities, an editor with participants from the roster and their hours,
photos with thumbnails. Everything goes through ``ctx.activities`` (no SQL here).

The list is a QAbstractTableModel over ``ActivitiesService.list(year)`` (people and hours counted in
SQL); the pane on the right shows the selected activity: its facts, participants and the thumbnails of
its photos, read when it is selected (the bytes of one activity only). Photos are JPEG or PNG up to
10 MB; the thumbnail follows the EXIF orientation (``QImageReader.setAutoTransform``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QBuffer, QByteArray, QIODevice, QModelIndex, QSize, Qt, QTime
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.activities import Activity, Participant, format_hours
from branchdesk.domain.members import ValidationError
from branchdesk.ui.changes import reload_when_changed

__all__ = ["ActivitiesPage", "ActivityDialog", "ActivityTableModel", "thumbnail"]

ACTIVITY_TABLES = frozenset(
    {"activity", "activity_participant", "activity_attachment", "brand_project", "work_kind"}
)
THUMB = 120
_COLUMNS = ("日期", "类型", "活动名称", "地点", "品牌项目", "党员/积极分子", "其他人员", "总时长", "照片")


def thumbnail(content: bytes, size: int = THUMB) -> QImage:
    """A thumbnail of a JPEG/PNG, turned upright by its EXIF orientation (QImageReader.setAutoTransform)."""
    data = QByteArray(content)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return image
    return image.scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


class ActivityTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.date.isoformat(), r.kind, r.title + ("（会议）" if r.meeting_id else ""), r.place, r.project,
                    str(r.members), str(r.others or ""), format_hours(r.hours), str(r.photos or ""))[index.column()]  # fmt: skip
        if role == Qt.ItemDataRole.UserRole:
            return r.id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def row_of(self, activity_id: int) -> int | None:
        for i, r in enumerate(self.rows):
            if r.id == activity_id:
                return i
        return None


class ActivitiesPage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.year = self.today.year
        self.loaded = False

        self.year_box = QSpinBox()
        self.year_box.setRange(2000, 2100)
        self.year_box.setValue(self.year)
        self.year_box.setSuffix(" 年")
        self.year_box.valueChanged.connect(self.set_year)
        self.new_button = QPushButton("新增活动…")
        self.edit_button = QPushButton("编辑…")
        self.delete_button = QPushButton("删除")
        self.photo_button = QPushButton("添加照片…")
        self.kind_button = QPushButton("活动类型…")
        self.meeting_button = QPushButton("由主题党日生成…")
        self.meeting_button.setToolTip("主题党日开展的志愿服务等活动：与会议记录是同一次活动，只记一次")
        self.projects_button = QPushButton("品牌项目…")
        self.study_button = QPushButton("学时与述职…")
        self.summary = QLabel()
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年度："))
        bar.addWidget(self.year_box)
        bar.addWidget(self.summary, 1)
        for b in self._editing_buttons():
            bar.addWidget(b)
        bar.addWidget(self.study_button)

        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("activityTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda *_: self.edit_selected())

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.photos = QListWidget()
        self.photos.setObjectName("activityPhotos")
        self.photos.setViewMode(QListView.ViewMode.IconMode)
        self.photos.setIconSize(QSize(THUMB, THUMB))
        self.photos.setResizeMode(QListView.ResizeMode.Adjust)
        self.photos.setMovement(QListView.Movement.Static)
        self.photos.setToolTip("双击打开照片或附件")
        self.photos.itemDoubleClicked.connect(self.open_photo)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.detail)
        side_layout.addWidget(QLabel("照片："))
        side_layout.addWidget(self.photos, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(side)
        splitter.setSizes([900, 320])

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        self.new_button.clicked.connect(self.new_activity)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.photo_button.clicked.connect(self.add_photo)
        self.kind_button.clicked.connect(self.add_kind)
        self.meeting_button.clicked.connect(lambda: self.from_meeting())
        self.projects_button.clicked.connect(lambda: self.edit_projects())
        self.study_button.clicked.connect(lambda: self.edit_study())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selected())
        reload_when_changed(self, ctx.changes, ACTIVITY_TABLES | {"member"})
        self._sync_buttons()

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _editing_buttons(self) -> tuple[QPushButton, ...]:
        return (self.new_button, self.meeting_button, self.edit_button, self.delete_button, self.photo_button,
                self.kind_button, self.projects_button)  # fmt: skip

    def restrict_to(self, principal) -> None:
        """查阅: the list and the photos only."""
        if not principal.can_edit:
            for b in self._editing_buttons():
                b.hide()

    def showEvent(self, event) -> None:
        if not self.loaded:
            self.reload()
        super().showEvent(event)

    # ---- data ------------------------------------------------------------------------------------
    def set_year(self, year: int) -> None:
        if year != self.year:
            self.year = year
            self.year_box.setValue(year)
            self.reload()

    def reload(self) -> None:
        self.loaded = True
        selected = self.selected_id()
        rows = self.ctx.activities.list(self.year)
        self.model.set_rows(rows)
        people = sum(r.people for r in rows)
        hours = sum((r.hours for r in rows), Decimal(0))
        self.summary.setText(f"　共 {len(rows)} 次活动，{people} 人次，{format_hours(hours)} 小时")
        if selected is not None:
            self.select(selected)
        self.show_selected()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.rows[rows[0].row()].id if rows else None

    def select(self, activity_id: int) -> None:
        row = self.model.row_of(activity_id)
        if row is not None:
            self.table.selectRow(row)

    def show_selected(self) -> None:
        self._sync_buttons()
        self.photos.clear()
        activity_id = self.selected_id()
        if activity_id is None:
            self.detail.setText("选择一次活动，这里显示参加人员和照片。")
            return
        a = self.ctx.activities.get(activity_id)
        people = "、".join(f"{p.name}（{format_hours(p.hours)}）" for p in a.participants) or "无"
        lines = [f"<b>{a.title}</b>", f"{a.date.isoformat()}　{a.kind}　{a.place}"]
        if a.project_name:
            lines.append(f"品牌项目：{a.project_name}")
        if a.meeting_id:
            lines.append("本次活动同时是一次会议（主题党日），会议记录中计入会议次数。")
        lines.append(f"参加党员、积极分子：{people}")
        if a.others_count:
            lines.append(f"其他人员：{a.others_count}人，共{format_hours(a.others_hours)}小时")
        for label, text in (("内容", a.content), ("成效", a.outcome), ("宣传报道", a.press)):
            if text.strip():
                lines.append(f"{label}：{text.strip()}")
        self.detail.setText("<br>".join(lines))
        for photo in a.photos:
            image = thumbnail(self.ctx.activities.attachment_content(photo.id))
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), photo.file_name)
            item.setData(Qt.ItemDataRole.UserRole, photo.id)
            self.photos.addItem(item)

    def _sync_buttons(self) -> None:
        has = self.selected_id() is not None
        for b in (self.edit_button, self.delete_button, self.photo_button):
            b.setEnabled(has)

    # ---- actions ---------------------------------------------------------------------------------
    def new_activity(self) -> ActivityDialog:
        dialog = ActivityDialog(self.ctx, Activity(date=min(self.today, dt.date(self.year, 12, 31)), kind="志愿服务",
                                                   title=""), self)  # fmt: skip
        dialog.saved_activity.connect_to(self)
        dialog.open()
        return dialog

    def edit_selected(self) -> ActivityDialog | None:
        activity_id = self.selected_id()
        if activity_id is None:
            return None
        dialog = ActivityDialog(self.ctx, self.ctx.activities.get(activity_id), self)
        dialog.saved_activity.connect_to(self)
        dialog.open()
        return dialog

    def delete_selected(self) -> None:
        from branchdesk.ui.widgets.prompts import ask

        activity_id = self.selected_id()
        if activity_id is None:
            return
        if ask(self, "删除活动记录", "删除这次活动的记录（连同参加人员和照片）？", yes="删除"):
            self.ctx.activities.delete(activity_id)
            self.reload()

    def add_photo(self, path=None) -> None:
        from branchdesk.ui.widgets.prompts import open_file_name, warn

        activity_id = self.selected_id()
        if activity_id is None:
            return
        if path is None:
            path = open_file_name(
                self, "添加活动照片", "", "照片和附件 (*.jpg *.jpeg *.png *.pdf *.docx);;所有文件 (*)"
            )
            if not path:
                return
        try:
            self.ctx.activities.add_attachment(activity_id, path)
        except ValidationError as exc:
            warn(self, "不能添加", str(exc))
            return
        self.reload()

    def open_photo(self, item) -> bool:
        """A photo (or an attached document) opened by the system's program from a private temp folder."""
        from branchdesk.services.activities import ChecksumError
        from branchdesk.ui.widgets.attachment_open import open_attachment_bytes
        from branchdesk.ui.widgets.prompts import warn

        try:
            content = self.ctx.activities.attachment_content(item.data(Qt.ItemDataRole.UserRole))
        except ChecksumError as exc:
            warn(self, "附件已损坏", str(exc))
            return False
        return open_attachment_bytes(self, item.text(), content) is not None

    def party_days(self) -> list:
        """The year's held 主题党日 without a linked activity (newest first)."""
        from branchdesk.domain.meetings import MeetingType

        linked = {r.meeting_id for r in self.model.rows if r.meeting_id}
        days = [m for m in self.ctx.meetings.list(year=self.year, type=MeetingType.PARTY_DAY)
                if m.status.value != "planned" and m.id not in linked]  # fmt: skip
        return sorted(days, key=lambda m: m.date, reverse=True)

    def from_meeting(self, meeting_id: int | None = None, kind: str = "志愿服务") -> ActivityDialog | None:
        """由主题党日生成: the activity of a 主题党日 (its date, place, the members present), linked to the
        meeting record — one event, counted once by the calendar and listed once in the ledger."""
        from PySide6.QtWidgets import QInputDialog

        from branchdesk.ui.widgets.prompts import inform

        if meeting_id is None:
            days = self.party_days()
            if not days:
                inform(self, "由主题党日生成", f"{self.year}年没有尚未生成活动记录的主题党日。")
                return None
            labels = [f"{m.date.isoformat()} {m.theme or m.title}" for m in days]
            label, ok = QInputDialog.getItem(self, "由主题党日生成", "选择主题党日：", labels, 0, False)
            if not ok:
                return None
            meeting_id = days[labels.index(label)].id
        dialog = ActivityDialog(self.ctx, self.ctx.activities.from_meeting(meeting_id, kind), self)
        dialog.saved_activity.connect_to(self)
        dialog.open()
        return dialog

    def edit_study(self):
        from branchdesk.ui.dialogs.study_dialog import StudyDialog

        dialog = StudyDialog(self.ctx, self.year, self, today=self.today)
        dialog.open()
        return dialog

    def edit_projects(self):
        from branchdesk.ui.dialogs.project_dialog import ProjectsDialog

        dialog = ProjectsDialog(self.ctx, self)
        dialog.open()
        return dialog

    def add_kind(self) -> None:
        from branchdesk.ui.widgets.prompts import get_text, warn

        name = get_text(self, "新增活动类型", "活动类型名称（如 理论宣讲）：")
        if name:
            try:
                self.ctx.activities.add_kind(name)
            except ValidationError as exc:
                warn(self, "不能新增", str(exc))


class _Saved:
    """The dialog tells the page what it saved (a tiny callback holder: no extra signal class)."""

    def __init__(self):
        self.page = None

    def connect_to(self, page) -> None:
        self.page = page


class ActivityDialog(QDialog):
    """新增/编辑活动: the facts, participants picked from the roster (members and activists) with hours,
    others as a count with their total hours."""

    def __init__(self, ctx, activity: Activity, parent: QWidget | None = None):
        from branchdesk.ui.widgets.date_field import DateField
        from branchdesk.ui.widgets.dialog_parts import form_layout, save_cancel_buttons

        super().__init__(parent)
        self.ctx = ctx
        self.activity = activity
        self.saved: Activity | None = None
        self.saved_activity = _Saved()
        self.setWindowTitle("编辑活动记录" if activity.id else "新增活动记录")
        self.resize(760, 640)
        self.date = DateField()
        self.date.setDate(activity.date)
        self.start = QTimeEdit()
        self.end = QTimeEdit()
        for edit, value in ((self.start, activity.start_time), (self.end, activity.end_time)):
            edit.setDisplayFormat("HH:mm")
            edit.setTime(QTime(value.hour, value.minute) if value else QTime(0, 0))
        self.kind = QComboBox()
        self.kind.addItems(ctx.activities.kinds())
        self.kind.setCurrentText(activity.kind)
        self.title = QLineEdit(activity.title)
        self.place = QLineEdit(activity.place)
        self.organiser = QLineEdit(activity.organiser)
        self.project = QComboBox()
        self.project.addItem("（无）", None)
        for p in ctx.activities.projects():
            self.project.addItem(p.name, p.id)
        self.project.setCurrentIndex(max(self.project.findData(activity.project_id), 0))
        self.content = QPlainTextEdit(activity.content)
        self.outcome = QPlainTextEdit(activity.outcome)
        self.press = QLineEdit(activity.press)
        for edit in (self.content, self.outcome):
            edit.setFixedHeight(60)

        # participants: a picker of the roster (and activists) and a table of those chosen with hours
        self.picker = QComboBox()
        self.picker.setEditable(True)
        self.picker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._people: dict[str, tuple[int | None, int | None]] = {}
        for m in ctx.roster.read().members:
            if m.status == "active":
                self._people[m.name] = (m.id, None)
        from branchdesk.domain.development import Standing
        from branchdesk.services.development import DossierQuery

        wanted = frozenset({Standing.ACTIVIST, Standing.CANDIDATE})
        for d in ctx.development.list(DossierQuery(standings=wanted)):
            if d.member_id is None and d.name not in self._people:
                self._people[f"{d.name}（积极分子）"] = (None, d.id)
        self.picker.addItems(list(self._people))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 24)
        self.hours.setSingleStep(0.5)
        self.hours.setDecimals(1)
        self.hours.setValue(2.0)
        self.add_button = QPushButton("加入")
        self.remove_button = QPushButton("移除")
        self.add_button.clicked.connect(lambda: self.add_participant(self.picker.currentText()))
        self.remove_button.clicked.connect(self.remove_selected)
        self.participants = QTableWidget(0, 2)
        self.participants.setObjectName("participantTable")
        self.participants.setHorizontalHeaderLabels(["姓名", "时长（小时）"])
        self.participants.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.participants.verticalHeader().setVisible(False)
        for p in activity.participants:
            key = p.name if p.member_id is not None else f"{p.name}（积极分子）"
            self._people.setdefault(key, (p.member_id, p.dossier_id))
            self._add_row(key, p.hours, p.role)
        self.others = QSpinBox()
        self.others.setRange(0, 100000)
        self.others.setValue(activity.others_count)
        self.others_hours = QDoubleSpinBox()
        self.others_hours.setRange(0, 1000000)
        self.others_hours.setDecimals(1)
        self.others_hours.setValue(float(activity.others_hours))

        form = form_layout()
        times = QHBoxLayout()
        times.addWidget(self.date)
        times.addWidget(QLabel("时间"))
        times.addWidget(self.start)
        times.addWidget(QLabel("至"))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow("日期：", times)
        form.addRow("类型：", self.kind)
        form.addRow("活动名称：", self.title)
        form.addRow("地点：", self.place)
        form.addRow("组织者：", self.organiser)
        form.addRow("品牌项目：", self.project)
        form.addRow("活动内容：", self.content)
        form.addRow("成效：", self.outcome)
        form.addRow("宣传报道：", self.press)
        pick = QHBoxLayout()
        pick.addWidget(self.picker, 1)
        pick.addWidget(QLabel("时长"))
        pick.addWidget(self.hours)
        pick.addWidget(self.add_button)
        pick.addWidget(self.remove_button)
        others = QHBoxLayout()
        others.addWidget(QLabel("其他人员（非党员师生、群众）"))
        others.addWidget(self.others)
        others.addWidget(QLabel("人，共"))
        others.addWidget(self.others_hours)
        others.addWidget(QLabel("小时"))
        others.addStretch(1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("参加的党员、积极分子："))
        layout.addLayout(pick)
        layout.addWidget(self.participants, 1)
        layout.addLayout(others)
        layout.addWidget(self.error)
        self.buttons, self.save_button, _cancel = save_cancel_buttons(self, self.accept)
        layout.addWidget(self.buttons)

    # ---- participants ----------------------------------------------------------------------------
    def _add_row(self, key: str, hours: Decimal | float, role: str = "") -> None:
        row = self.participants.rowCount()
        self.participants.insertRow(row)
        name = QTableWidgetItem(key)
        name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
        name.setData(Qt.ItemDataRole.UserRole, role)
        self.participants.setItem(row, 0, name)
        self.participants.setItem(row, 1, QTableWidgetItem(format_hours(Decimal(str(hours)))))

    def add_participant(self, key: str, hours: float | None = None) -> bool:
        key = (key or "").strip()
        if key not in self._people:
            self.error.setText(f"“{key}”不在花名册或积极分子名单中；其他人员请计入人数")
            return False
        if key in self.participant_names():
            self.error.setText(f"“{key}”已在参加人员中")
            return False
        self.error.clear()
        self._add_row(key, self.hours.value() if hours is None else hours)
        return True

    def remove_selected(self) -> None:
        for index in sorted({i.row() for i in self.participants.selectedIndexes()}, reverse=True):
            self.participants.removeRow(index)

    def participant_names(self) -> list[str]:
        return [self.participants.item(r, 0).text() for r in range(self.participants.rowCount())]

    def value(self) -> Activity:
        from branchdesk.domain.activities import tenths_of

        people = []
        for r in range(self.participants.rowCount()):
            key = self.participants.item(r, 0).text()
            member_id, dossier_id = self._people[key]
            hours = Decimal(tenths_of(self.participants.item(r, 1).text())) / 10
            name = key.removesuffix("（积极分子）")
            people.append(Participant(name, hours, member_id, dossier_id,
                                      self.participants.item(r, 0).data(Qt.ItemDataRole.UserRole) or ""))  # fmt: skip

        def time_of(edit: QTimeEdit) -> dt.time | None:
            t = edit.time()
            return None if (t.hour(), t.minute()) == (0, 0) else dt.time(t.hour(), t.minute())

        return Activity(
            date=self.date.date() or self.activity.date, kind=self.kind.currentText(), title=self.title.text(),
            id=self.activity.id, start_time=time_of(self.start), end_time=time_of(self.end), place=self.place.text(),
            organiser=self.organiser.text(), project_id=self.project.currentData(),
            meeting_id=self.activity.meeting_id, content=self.content.toPlainText(),
            outcome=self.outcome.toPlainText(), press=self.press.text(), participants=tuple(people),
            others_count=self.others.value(), others_hours=Decimal(str(round(self.others_hours.value(), 1))),
        )  # fmt: skip

    def accept(self) -> None:
        try:
            value = self.value()
            self.saved = self.ctx.activities.save(value)
        except (ValidationError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        page = self.saved_activity.page
        super().accept()
        if page is not None:
            page.reload()
            page.select(self.saved.id)
