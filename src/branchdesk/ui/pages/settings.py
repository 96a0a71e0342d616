"""设置: the branch profile, party groups, the branch committee, the branch's honours, the database, and
the local-practice values of the development rules (ui/pages/rule_settings.py).

Every change goes through `BranchService`; refusals (a group that still has members, a second
secretary …) are shown with the service's own message. `profile_changed(name)` and `committee_changed`
follow this page's own saves; other pages (the title, the member list's groups) learn of every change from
the workspace's `changed` signal, not from this page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.errors import NoBranchError
from branchdesk.domain.members import ValidationError
from branchdesk.domain.vocab import CommitteePost
from branchdesk.services.branch import BranchProfile
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import (
    action_button,
    note_label,
    record_table,
    select_row_by_text,
    selected_row_data,
)
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks, problems

TAB_PROFILE, TAB_GROUPS, TAB_COMMITTEE, TAB_HONOURS, TAB_DATABASE, TAB_RULES, TAB_CALENDAR = range(7)
TAB_ACCOUNTS = 7
TAB_SECURITY = 8

_PROFILE_LABELS = {
    "name": "支部名称",
    "founded_on": "成立日期",
    "higher_committee": "上级党组织",
    "address": "地址",
    "committee_term_start": "本届支委任期开始",
    "committee_term_end": "本届支委任期届满",
    "notes": "备注",
}


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    if size < 1024**3:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024**3:.2f} GB"


def database_size(path: Path) -> int:
    """The database file plus its write-ahead log (what a copy of the data weighs)."""
    total = 0
    for candidate in (path, path.with_name(path.name + "-wal")):
        if candidate.exists():
            total += candidate.stat().st_size
    return total


def _table(headers: list[str]) -> QTableWidget:
    return record_table(headers, widest_short_text="组织委员")


def _item(text: str, data=None, *, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


_button = action_button


def _buttons_row(*widgets, note: QLabel | None = None) -> QHBoxLayout:
    row = QHBoxLayout()
    if note is not None:
        row.addWidget(note, 1)
    else:
        row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    return row


_note = note_label


class SettingsPage(QWidget):
    profile_changed = Signal(str)  # the new branch name
    committee_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._profile: BranchProfile | None = None

        title = QLabel("设置")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_profile(), "支部信息")
        self.tabs.addTab(self._build_groups(), "党小组")
        self.tabs.addTab(self._build_committee(), "支部委员会")
        self.tabs.addTab(self._build_honours(), "支部荣誉")
        self.tabs.addTab(self._build_database(), "数据库")
        from branchdesk.ui.pages.rule_settings import RuleSettingsPanel

        self.rules_panel = RuleSettingsPanel(ctx)
        self.tabs.addTab(self.rules_panel, "发展党员规则")
        from branchdesk.ui.pages.calendar_settings import CalendarSettingsPanel

        self.calendar_panel = CalendarSettingsPanel(ctx)
        self.tabs.addTab(self.calendar_panel, "检查起点与节假日")
        from branchdesk.ui.pages.account_settings import AccountSettingsPanel

        self.accounts_panel = AccountSettingsPanel(ctx)
        self.tabs.addTab(self.accounts_panel, "用户与权限")
        from branchdesk.ui.pages.security_settings import SecurityPanel

        self.security_panel = SecurityPanel(ctx)  # 数据安全 › 加密数据库 (issue 19)
        self.tabs.addTab(self.security_panel, "数据安全")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        self.refresh()
        from branchdesk.ui.changes import watch

        # the committee tab shows the term saved on the profile tab (and seats appointed anywhere) at once
        watch(self, ctx.changes, {"branch", "committee_member"}, self._on_branch_changes)

    # ---- 支部信息 ---------------------------------------------------------------------------------
    def _build_profile(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 14, 16, 10)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(8)
        self.branch_name = QLineEdit()
        self.branch_name.setMaxLength(100)
        self.branch_name.setPlaceholderText("如 某某学院教工第一党支部（必填）")
        self.founded_on = DateField(partial=True)
        self.higher_committee = QLineEdit()
        self.higher_committee.setMaxLength(100)
        self.higher_committee.setPlaceholderText("如 某某学院党委")
        self.branch_address = QLineEdit()
        self.branch_address.setMaxLength(200)
        self.term_start = DateField()
        self.term_end = DateField()
        self.branch_notes = QPlainTextEdit()
        self.branch_notes.setTabChangesFocus(True)
        self.branch_notes.setFixedHeight(self.branch_notes.fontMetrics().lineSpacing() * 4 + 14)
        form.addRow("支部名称：", self.branch_name)
        form.addRow("成立日期：", self.founded_on)
        form.addRow("上级党组织：", self.higher_committee)
        form.addRow("地址：", self.branch_address)
        form.addRow("本届支委任期：", self._term_row())
        form.addRow("备注：", self.branch_notes)

        self.profile_errors = ErrorPanel()
        self.profile_marks = FieldMarks(self.profile_errors)
        for name, widget in (("name", self.branch_name), ("founded_on", self.founded_on),
                             ("higher_committee", self.higher_committee), ("address", self.branch_address),
                             ("committee_term_start", self.term_start), ("committee_term_end", self.term_end),
                             ("notes", self.branch_notes)):  # fmt: skip
            self.profile_marks.register(name, widget)
        self.save_profile_button = _button("保存支部信息", self.save_profile, "保存（Ctrl+S）")
        shortcut = QShortcut(QKeySequence("Ctrl+S"), page, self.save_profile)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.profile_status = _note("")
        body = QWidget()
        body.setMaximumWidth(760)  # a form across a wide screen is hard to read
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addWidget(self.profile_errors)
        inner.addLayout(_buttons_row(self.save_profile_button, note=self.profile_status))
        outer.addWidget(body)
        outer.addStretch(1)
        return page

    def _term_row(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.term_start)
        row.addWidget(QLabel("至"))
        row.addWidget(self.term_end)
        row.addStretch(1)
        return box

    def _load_profile(self) -> None:
        has_branch = self.ctx.branch.has_branch()
        self._profile = self.ctx.branch.profile() if has_branch else None
        p = self._profile or BranchProfile(name="")
        self.branch_name.setText(p.name)
        self.founded_on.setPartialDate(p.founded_on, p.founded_on_precision)
        self.higher_committee.setText(p.higher_committee)
        self.branch_address.setText(p.address)
        self.term_start.setDate(p.committee_term_start)
        self.term_end.setDate(p.committee_term_end)
        self.branch_notes.setPlainText(p.notes)
        self.profile_marks.clear()
        self.profile_status.setText(
            "" if has_branch else "还没有支部信息：填写支部名称并保存后，才能设置党小组和支委。"
        )
        for index in (TAB_GROUPS, TAB_COMMITTEE, TAB_HONOURS):
            self.tabs.setTabEnabled(index, has_branch)

    def save_profile(self) -> bool:
        found = []
        for name, field in (("founded_on", self.founded_on), ("committee_term_start", self.term_start),
                            ("committee_term_end", self.term_end)):  # fmt: skip
            if field.error():
                found.append((name, field.error()))
        if found:
            self.profile_marks.show(problems(_PROFILE_LABELS, found))
            return False
        old_name = self._profile.name if self._profile else None
        profile = BranchProfile(
            id=self._profile.id if self._profile else None,
            name=self.branch_name.text(),
            founded_on=self.founded_on.date(),
            founded_on_precision=self.founded_on.precision(),
            higher_committee=self.higher_committee.text(),
            address=self.branch_address.text(),
            committee_term_start=self.term_start.date(),
            committee_term_end=self.term_end.date(),
            notes=self.branch_notes.toPlainText(),
        )
        try:
            saved = self.ctx.branch.save_profile(profile)
        except ValidationError as exc:
            # The service's messages already name what is wrong ("支部名称不能为空").
            self.profile_marks.show(problems({}, [(i.field, i.message) for i in exc.issues]))
            return False
        created = self._profile is None
        self._profile = saved
        self.profile_marks.clear()
        self._load_profile()
        self.profile_status.setText(f"已保存（{dt.datetime.now():%H:%M}）")
        if created:
            self.refresh()
        if saved.name != old_name:
            self.profile_changed.emit(saved.name)
        return True

    # ---- 党小组 -----------------------------------------------------------------------------------
    def _build_groups(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        self.groups_table = _table(["党小组", "在册党员"])
        self.groups_table.horizontalHeader().setStretchLastSection(False)
        self.groups_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_group_button = _button("新增…", self.add_group)
        self.rename_group_button = _button("改名…", self.rename_group)
        self.remove_group_button = _button(
            "撤销", self.remove_group, "撤销前须把该党小组的党员调整到其他党小组"
        )
        self.groups_table.itemSelectionChanged.connect(self._sync_buttons)
        self.groups_table.itemDoubleClicked.connect(lambda _i: self.rename_group())
        layout.addWidget(self.groups_table, 1)
        layout.addLayout(
            _buttons_row(self.add_group_button, self.rename_group_button, self.remove_group_button,
                         note=_note("党员所在的党小组在党员档案中修改。"))
        )  # fmt: skip
        return page

    def _load_groups(self) -> None:
        groups = self.ctx.branch.groups() if self._profile else []
        self.groups_table.setRowCount(len(groups))
        for row, group in enumerate(groups):
            self.groups_table.setItem(row, 0, _item(group.name, group.id))
            self.groups_table.setItem(row, 1, _item(f"{group.member_count} 人", right=True))

    def _selected(self, table: QTableWidget):
        return selected_row_data(table)

    def select_group(self, name: str) -> None:
        select_row_by_text(self.groups_table, name)

    def add_group(self) -> None:
        name = prompts.get_text(self, "新增党小组", "党小组名称：")
        if name is None:
            return
        try:
            self.ctx.branch.add_group(name)
        except ValidationError as exc:
            prompts.warn(self, "无法新增党小组", "\n".join(i.message for i in exc.issues))
            return
        self._load_groups()
        self.select_group(name.strip())

    def rename_group(self) -> None:
        group_id = self._selected(self.groups_table)
        if group_id is None:
            return
        old = self.groups_table.item(self.groups_table.currentRow(), 0).text()
        name = prompts.get_text(self, "党小组改名", f"“{old}”改名为：", old)
        if name is None or name.strip() == old:
            return
        try:
            self.ctx.branch.rename_group(group_id, name)
        except ValidationError as exc:
            prompts.warn(self, "无法改名", "\n".join(i.message for i in exc.issues))
            return
        self._load_groups()
        self.select_group(name.strip())

    def remove_group(self) -> None:
        group_id = self._selected(self.groups_table)
        if group_id is None:
            return
        name = self.groups_table.item(self.groups_table.currentRow(), 0).text()
        if not prompts.ask(self, "撤销党小组", f"确定撤销“{name}”吗？", yes="撤销", danger=True):
            return
        try:
            self.ctx.branch.remove_group(group_id)
        except ValidationError as exc:
            prompts.warn(self, "无法撤销党小组", "\n".join(i.message for i in exc.issues))
            return
        self._load_groups()

    # ---- 支部委员会 -------------------------------------------------------------------------------
    def _build_committee(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        self.committee_table = _table(["职务", "姓名", "任期开始", "任期届满", "离任日期"])
        self.show_ended = QCheckBox("显示历届（含已离任）")
        self.show_ended.toggled.connect(self._load_committee)
        self.appoint_button = _button("任命…", self.appoint)
        self.end_term_button = _button("离任…", self.end_term)
        self.committee_table.itemSelectionChanged.connect(self._sync_buttons)
        self.committee_term = _note("")
        top = QHBoxLayout()
        top.addWidget(self.committee_term, 1)
        top.addWidget(self.show_ended)
        layout.addLayout(top)
        layout.addWidget(self.committee_table, 1)
        layout.addLayout(_buttons_row(self.appoint_button, self.end_term_button,
                                      note=_note("任命、离任后，相关党员档案中的“党内职务”自动更新。")))  # fmt: skip
        return page

    def _load_committee(self) -> None:
        seats = self.ctx.branch.committee(include_ended=self.show_ended.isChecked()) if self._profile else []
        posts = list(CommitteePost)
        # Sitting members first, by rank of post (书记, 副书记, 委员 …); past terms after, latest first.
        seats.sort(key=lambda s: (s.ended_on is not None, -(s.ended_on or dt.date.min).toordinal(),
                                  posts.index(CommitteePost(s.post)), s.term_start))  # fmt: skip
        self._seats = {seat.id: seat for seat in seats}
        self.committee_table.setRowCount(len(seats))
        for row, seat in enumerate(seats):
            values = (seat.post_label, seat.member_name, _iso(seat.term_start), _iso(seat.term_end),
                      _iso(seat.ended_on))  # fmt: skip
            for col, text in enumerate(values):
                item = _item(text, seat.id if col == 0 else None)
                if seat.ended_on:
                    item.setForeground(Qt.GlobalColor.gray)
                self.committee_table.setItem(row, col, item)
        p = self._profile
        if p and (p.committee_term_start or p.committee_term_end):
            self.committee_term.setText(
                f"本届任期：{_iso(p.committee_term_start) or '未填'} 至 {_iso(p.committee_term_end) or '未填'}"
            )
        else:
            self.committee_term.setText("本届任期未填写（在“支部信息”中填写）")
        self._sync_buttons()

    def _on_branch_changes(self, changes) -> None:
        if self._profile is None:
            return
        if changes.touches("branch"):
            try:
                self._profile = self.ctx.branch.profile()
            except NoBranchError:
                return
        self._load_committee()

    def appoint(self) -> None:
        from branchdesk.ui.dialogs.branch_dialogs import AppointDialog

        dialog = AppointDialog(self.ctx, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._load_committee()
            self.committee_changed.emit()

    def end_term(self) -> None:
        from branchdesk.ui.dialogs.branch_dialogs import EndTermDialog

        seat_id = self._selected(self.committee_table)
        seat = self._seats.get(seat_id) if seat_id is not None else None
        if seat is None or seat.ended_on:
            return
        dialog = EndTermDialog(self.ctx, seat, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._load_committee()
            self.committee_changed.emit()

    # ---- 支部荣誉 ---------------------------------------------------------------------------------
    def _build_honours(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        self.honours_table = _table(["日期", "荣誉名称", "授予单位", "级别"])
        self.add_honour_button = _button("添加…", self.add_honour)
        self.remove_honour_button = _button("删除", self.remove_honour)
        self.honours_table.itemSelectionChanged.connect(self._sync_buttons)
        layout.addWidget(self.honours_table, 1)
        layout.addLayout(_buttons_row(self.add_honour_button, self.remove_honour_button))
        return page

    def _load_honours(self) -> None:
        honours = self.ctx.branch.honours() if self._profile else []
        self.honours_table.setRowCount(len(honours))
        for row, h in enumerate(honours):
            for col, text in enumerate((_iso(h.date), h.title, h.issuer, h.level)):
                self.honours_table.setItem(row, col, _item(text, h.id if col == 0 else None))
        self._sync_buttons()

    def add_honour(self) -> None:
        from branchdesk.ui.dialogs.branch_dialogs import HonourDialog

        if HonourDialog(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self._load_honours()

    def remove_honour(self) -> None:
        honour_id = self._selected(self.honours_table)
        if honour_id is None:
            return
        title = self.honours_table.item(self.honours_table.currentRow(), 1).text()
        if prompts.ask(self, "删除支部荣誉", f"确定删除“{title}”吗？", yes="删除", danger=True):
            self.ctx.branch.remove_honour(honour_id)
            self._load_honours()

    # ---- 数据库 -----------------------------------------------------------------------------------
    def _build_database(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 14, 16, 10)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.db_location = QLineEdit()
        self.db_location.setReadOnly(True)
        self.db_size = QLabel()
        self.db_backups = QLineEdit()
        self.db_backups.setReadOnly(True)
        self.open_folder_button = _button("打开所在文件夹", self.open_database_folder)
        form.addRow("数据库位置：", self.db_location)
        form.addRow("文件大小：", self.db_size)
        form.addRow("备份目录：", self.db_backups)
        body = QWidget()
        body.setMaximumWidth(760)
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addLayout(_buttons_row(self.open_folder_button))
        inner.addWidget(
            _note("所有数据只保存在这个数据库文件中。请定期使用“文件 → 备份数据库”把它复制到U盘或其他电脑。")
        )
        outer.addWidget(body)
        outer.addStretch(1)
        return page

    def _load_database(self) -> None:
        location = self.ctx.location
        path = location.sqlite_path
        if path is None:
            self.db_location.setText(location.shown)
            self.db_size.setText("服务器数据库（大小由服务器管理）")
            self.db_backups.setText("请由服务器管理员备份")
            self.open_folder_button.setEnabled(False)
            return
        self.db_location.setText(str(path))
        self.db_location.setCursorPosition(0)
        self.db_size.setText(human_size(database_size(path)))
        self.db_backups.setText(str(path.parent / "backups"))
        self.db_backups.setCursorPosition(0)

    def open_database_folder(self) -> None:
        path = self.ctx.location.sqlite_path
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    # ---- common ----------------------------------------------------------------------------------
    def _sync_buttons(self) -> None:
        group = self._selected(self.groups_table) is not None
        self.rename_group_button.setEnabled(group)
        self.remove_group_button.setEnabled(group)
        seat_id = self._selected(self.committee_table)
        seat = getattr(self, "_seats", {}).get(seat_id)
        self.end_term_button.setEnabled(seat is not None and seat.ended_on is None)
        self.remove_honour_button.setEnabled(self._selected(self.honours_table) is not None)

    def refresh(self) -> None:
        """Reload everything from the database (e.g. when the page is shown again)."""
        try:
            self._load_profile()
        except NoBranchError:
            self._profile = None
        self._load_groups()
        self._load_committee()
        self._load_honours()
        self._load_database()
        self._sync_buttons()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if getattr(self, "_shown_once", False):
            self.refresh_lists()  # imports or the member form may have changed counts and posts
        self._shown_once = True

    def refresh_lists(self) -> None:
        """Reload the lists but keep what is being typed into the profile form."""
        if self._profile is None:
            return
        self._load_groups()
        self._load_committee()
        self._load_honours()
        self._load_database()
