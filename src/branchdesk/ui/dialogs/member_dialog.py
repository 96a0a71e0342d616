"""The member file (党员档案) form: add a member or view and edit one.

Tabs: 基本信息, 党籍信息, 工作与联系, 党费与档案, and for an existing member 奖惩 and 状态变更记录.
保存 (Ctrl+S, Ctrl+Enter) calls `MemberService.create` / `update`; every problem is listed in the error
panel, naming its field, and the offending widgets are marked; nothing is saved until all are fixed.
Esc / 取消 asks before throwing away unsaved changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.members import (
    PAPER_DATE_FIELDS,
    FieldIssue,
    MemberFields,
    MemberRecord,
    ValidationError,
)
from branchdesk.domain.vocab import (
    DEGREES,
    EDUCATION_LEVELS,
    ETHNICITIES,
    MEMBER_FIELD_LABELS,
    AwardKind,
    MemberStatus,
    MemberType,
    PersonCategory,
    Sex,
)
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import record_table, save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks
from branchdesk.ui.widgets.money_field import MoneyField

TAB_BASIC, TAB_PARTY, TAB_WORK, TAB_DUES, TAB_AWARDS, TAB_HISTORY = range(6)

_NO_GROUP = "（未编入党小组）"


def L(name: str) -> str:
    return MEMBER_FIELD_LABELS[name]


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _choice_combo(items, *, editable: bool = False, blank: bool = True) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    if blank:
        combo.addItem("", "")
    for item in items:
        if isinstance(item, tuple):
            combo.addItem(item[1], item[0])
        else:
            combo.addItem(item, item)
    combo.setMaxVisibleItems(15)
    if editable:
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.lineEdit().setMaxLength(20)
    return combo


def _set_combo_data(combo: QComboBox, value) -> None:
    """Select the item holding `value`; a value not in the list (e.g. from an import) is added."""
    index = combo.findData(value)
    if index < 0 and combo.isEditable():
        combo.setCurrentIndex(-1)
        combo.setEditText(value or "")
        return
    if index < 0:
        combo.addItem(str(value), value)
        index = combo.count() - 1
    combo.setCurrentIndex(index)


def _combo_value(combo: QComboBox):
    if combo.isEditable():
        return combo.currentText().strip()
    return combo.currentData()


def _form(page: QWidget) -> QFormLayout:
    form = QFormLayout(page)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setContentsMargins(16, 14, 16, 10)
    form.setVerticalSpacing(8)
    form.setHorizontalSpacing(12)
    return form


def _pair(*widgets: QWidget, stretch_last: bool = True) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(10)
    for i, widget in enumerate(widgets):
        row.addWidget(widget, 1 if (stretch_last and i == len(widgets) - 1) else 0)
    return box


def _table(headers: list[str]) -> QTableWidget:
    return record_table(headers, widest_short_text="已转出")


def _item(text: str, data=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


class MemberDialog(QDialog):
    """Add (`member_id` None) or edit a member. After `exec()` returns Accepted, `.saved` is the record."""

    def __init__(self, ctx: AppContext, member_id: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.member_id = member_id
        self.record: MemberRecord | None = ctx.members.get(member_id) if member_id is not None else None
        self.saved: MemberRecord | None = None
        self._loading = False

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors, self.tabs)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.header.setFont(font)

        self._build_basic()
        self._build_party()
        self._build_work()
        self._build_dues()
        if self.record is not None:
            self._build_awards()
            self._build_history()

        buttons, self.save_button, self.cancel_button = save_cancel_buttons(self, self.save, save_text="保存")

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

        self._load(self.record if self.record is not None else MemberFields())
        self._refresh_header()
        self._baseline = self._snapshot()
        self.setMinimumSize(self.sizeHint().expandedTo(self.minimumSizeHint()))
        self.resize(max(self.sizeHint().width(), 680), max(self.sizeHint().height(), 580))
        self.tabs.setCurrentIndex(TAB_BASIC)
        self.name.setFocus()

    # ---- building the tabs ---------------------------------------------------------------------
    def _page(self, title: str) -> tuple[QWidget, QFormLayout, int]:
        page = QWidget()
        form = _form(page)
        index = self.tabs.addTab(page, title)
        return page, form, index

    def _reg(self, name: str, widget: QWidget, tab: int) -> QWidget:
        self.marks.register(name, widget, tab)
        return widget

    def _build_basic(self) -> None:
        _, form, tab = self._page("基本信息")
        self.name = self._reg("name", _line(50, "必填"), tab)
        self.id_number = self._reg("id_number", _line(22, "18 位，最后一位可以是 X"), tab)
        self.id_hint = QLabel()
        self.id_hint.setWordWrap(True)
        self.sex = self._reg("sex", _choice_combo(Sex.choices()), tab)
        self.ethnicity = self._reg("ethnicity", _choice_combo(ETHNICITIES, editable=True), tab)
        self.birth_date = self._reg("birth_date", DateField(partial=True), tab)
        self.native_place = self._reg("native_place", _line(100, "如 福建福州"), tab)
        self.education = self._reg("education", _choice_combo(EDUCATION_LEVELS), tab)
        self.degree = self._reg("degree", _choice_combo(DEGREES), tab)

        form.addRow(L("name") + "：", self.name)
        form.addRow(L("id_number") + "：", self.id_number)
        form.addRow("", self.id_hint)
        form.addRow(L("sex") + "：", self.sex)
        form.addRow(L("ethnicity") + "：", self.ethnicity)
        form.addRow(L("birth_date") + "：", self.birth_date)
        form.addRow(L("native_place") + "：", self.native_place)
        form.addRow(L("education") + "：", self.education)
        form.addRow(L("degree") + "：", self.degree)
        self.id_number.textChanged.connect(self._on_id_changed)

    def _build_party(self) -> None:
        _, form, tab = self._page("党籍信息")
        self.member_type = self._reg("member_type", _choice_combo(MemberType.choices(), blank=False), tab)
        self.group = QComboBox()
        self.group.addItem(_NO_GROUP, None)
        for group_id, group_name in self.ctx.members.groups():
            self.group.addItem(group_name, group_id)
        self.is_group_leader = QCheckBox("党小组长")
        self._reg("group_id", self.group, tab)
        self._reg("is_group_leader", self.is_group_leader, tab)
        self.join_date = self._reg("join_date", DateField(partial=True), tab)
        self.conversion_date = self._reg("conversion_date", DateField(partial=True), tab)
        self.activist_date = self._reg("activist_date", DateField(partial=True), tab)
        self.sponsors = self._reg("sponsors", _line(100, "两人时用顿号分隔，如 李明、赵华"), tab)
        self.transferred_in_date = self._reg("transferred_in_date", DateField(), tab)
        self.party_post = self._reg("party_post", _line(100), tab)
        self.party_post.setReadOnly(True)
        self.party_post.setPlaceholderText("无")
        self.party_post.setToolTip("党内职务在“设置 → 支部委员会”中任免，这里只显示")
        self.party_post.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.lost_contact = QCheckBox("失去联系")
        self._reg("lost_contact", self.lost_contact, tab)
        self.lost_contact_since = self._reg("lost_contact_since", DateField(placeholder="失联日期"), tab)
        self.is_mobile_member = QCheckBox("流动党员")
        self._reg("is_mobile_member", self.is_mobile_member, tab)
        self.mobile_whereabouts = self._reg("mobile_whereabouts", _line(200, "外出流向，如 在深圳务工"), tab)
        self.watch_until = self._reg("watch_until", DateField(placeholder="受留党察看处分时填写"), tab)
        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form.addRow(L("member_type") + "：", self.member_type)
        form.addRow(L("group_id") + "：", _pair(self.group, self.is_group_leader, stretch_last=False))
        form.addRow(L("join_date") + "：", self.join_date)
        form.addRow(L("conversion_date") + "：", self.conversion_date)
        form.addRow(L("activist_date") + "：", self.activist_date)
        form.addRow(L("sponsors") + "：", self.sponsors)
        form.addRow(L("transferred_in_date") + "：", self.transferred_in_date)
        form.addRow(L("party_post") + "：", self.party_post)
        form.addRow("失联党员：", _pair(self.lost_contact, self.lost_contact_since))
        form.addRow("流动党员：", _pair(self.is_mobile_member, self.mobile_whereabouts))
        form.addRow(L("watch_until") + "：", self.watch_until)
        if self.record is not None:
            form.addRow(L("status") + "：", self.status_label)
        self.lost_contact.toggled.connect(self._sync_enabled)
        self.is_mobile_member.toggled.connect(self._sync_enabled)
        self.member_type.currentIndexChanged.connect(self._sync_enabled)

    def _build_work(self) -> None:
        _, form, tab = self._page("工作与联系")
        self.work_start_date = self._reg("work_start_date", DateField(partial=True), tab)
        self.work_unit = self._reg("work_unit", _line(100), tab)
        self.job = self._reg("job", _line(100, "如 教师、工程师、退休"), tab)
        self.post = self._reg("post", _line(100, "如 副教授、科长"), tab)
        self.mobile = self._reg("mobile", _line(20, "11 位手机号码"), tab)
        self.landline = self._reg("landline", _line(30, "区号-号码，如 0591-87654321"), tab)
        self.address = self._reg("address", _line(200), tab)
        for name in ("work_start_date", "work_unit", "job", "post", "mobile", "landline", "address"):
            form.addRow(L(name) + "：", getattr(self, name))
        # 人员身份 and the student fields (a students' branch keeps class and major)
        self.person_category = self._reg("person_category", _choice_combo(PersonCategory.choices()), tab)
        self.student_number = self._reg("student_number", _line(30, "学生填写"), tab)
        self.grade = self._reg("grade", _line(20, "如 2023级"), tab)
        self.class_name = self._reg("class_name", _line(50, "如 护理2301班"), tab)
        self.major = self._reg("major", _line(100, "如 护理学"), tab)
        form.addRow(L("person_category") + "：", self.person_category)
        form.addRow(L("student_number") + "：", self.student_number)
        form.addRow(L("grade") + "：", self.grade)
        form.addRow(L("class_name") + "：", self.class_name)
        form.addRow(L("major") + "：", self.major)

    def _build_dues(self) -> None:
        _, form, tab = self._page("党费与档案")
        self.dues_basis = self._reg("dues_basis_fen", MoneyField(placeholder="每月计缴基数，如 8000.00"), tab)
        # 月缴党费 and 党费交至 are what the 党费 page's assessments and payments say: shown, not typed
        self.dues_monthly = _line(40)
        self.dues_paid_to = _line(40)
        for shown in (self.dues_monthly, self.dues_paid_to):
            shown.setReadOnly(True)
            shown.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.dues_hint = QLabel("月缴党费按“党费”页的年度核定计算，党费交至按已登记的缴纳记录计算；"
                                "核定党费、登记缴纳请到“党费”页。")  # fmt: skip
        self.dues_hint.setWordWrap(True)
        self.dues_hint.setEnabled(False)
        self.dossier_location = self._reg("dossier_location", _line(200, "如 学院组织人事处"), tab)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("其他需要记录的情况")
        self._reg("notes", self.notes, tab)
        form.addRow("计缴基数：", self.dues_basis)
        form.addRow(L("dues_monthly_fen") + "：", self.dues_monthly)
        form.addRow(L("dues_paid_to") + "：", self.dues_paid_to)
        form.addRow("", self.dues_hint)
        form.addRow(L("dossier_location") + "：", self.dossier_location)
        form.addRow(L("notes") + "：", self.notes)

    def _build_awards(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        self.awards_table = _table(["类别", "日期", "名称", "批准机关", "级别", "备注"])
        self.add_award_button = QPushButton("添加…")
        self.remove_award_button = QPushButton("删除")
        for button in (self.add_award_button, self.remove_award_button):
            button.setAutoDefault(False)
        self.add_award_button.clicked.connect(self.add_award)
        self.remove_award_button.clicked.connect(self.remove_award)
        self.awards_table.itemSelectionChanged.connect(self._sync_award_buttons)
        note = QLabel("奖惩记录在添加、删除时立即保存，不需要再点“保存”。")
        note.setStyleSheet("color: #666;")
        row = QHBoxLayout()
        row.addWidget(note, 1)
        row.addWidget(self.add_award_button)
        row.addWidget(self.remove_award_button)
        layout.addWidget(self.awards_table, 1)
        layout.addLayout(row)
        self.tabs.addTab(page, "奖惩")
        self._load_awards()

    def _build_history(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(12, 12, 12, 8)
        self.history_table = _table(["日期", "变更前", "变更后", "原因", "介绍信编号", "转往", "有效期至"])
        layout.addWidget(self.history_table, 1)
        hint = QLabel("党籍状态只能通过“变更党籍状态”办理，这里只显示历次记录。")
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        self.tabs.addTab(page, "状态变更记录")
        self._load_history()

    # ---- loading -------------------------------------------------------------------------------
    def _load(self, v: MemberFields) -> None:
        self._loading = True
        try:
            self._load_values(v)
        finally:
            self._loading = False
        self._sync_enabled()
        self._on_id_changed(self.id_number.text())

    def _load_values(self, v: MemberFields) -> None:
        self.name.setText(v.name)
        self.id_number.setText(v.id_number or "")
        _set_combo_data(self.sex, v.sex or "")
        _set_combo_data(self.ethnicity, v.ethnicity)
        self.birth_date.setPartialDate(v.birth_date, v.birth_date_precision)
        self.native_place.setText(v.native_place)
        _set_combo_data(self.education, v.education)
        _set_combo_data(self.degree, v.degree)
        _set_combo_data(self.member_type, v.member_type or MemberType.FULL.value)
        _set_combo_data(self.group, v.group_id)
        self.is_group_leader.setChecked(v.is_group_leader)
        self.join_date.setPartialDate(v.join_date, v.join_date_precision)
        self.conversion_date.setPartialDate(v.conversion_date, v.conversion_date_precision)
        self.activist_date.setPartialDate(v.activist_date, v.activist_date_precision)
        self.sponsors.setText(v.sponsors)
        self.transferred_in_date.setDate(v.transferred_in_date)
        self.party_post.setText(v.party_post)
        self.lost_contact.setChecked(v.lost_contact)
        self.lost_contact_since.setDate(v.lost_contact_since)
        self.is_mobile_member.setChecked(v.is_mobile_member)
        self.mobile_whereabouts.setText(v.mobile_whereabouts)
        self.watch_until.setDate(v.watch_until)
        self.work_start_date.setPartialDate(v.work_start_date, v.work_start_date_precision)
        self.work_unit.setText(v.work_unit)
        self.job.setText(v.job)
        self.post.setText(v.post)
        self.mobile.setText(v.mobile)
        self.landline.setText(v.landline)
        self.address.setText(v.address)
        _set_combo_data(self.person_category, v.person_category or "")
        self.student_number.setText(v.student_number)
        self.grade.setText(v.grade)
        self.class_name.setText(v.class_name)
        self.major.setText(v.major)
        self.dues_basis.set_fen(v.dues_basis_fen)
        self._load_dues()
        self.dossier_location.setText(v.dossier_location)
        self.notes.setPlainText(v.notes)

    def _load_dues(self) -> None:
        from branchdesk.domain.dates import format_year_month
        from branchdesk.domain.dues import format_fen

        if self.member_id is None:
            self.dues_monthly.setPlaceholderText("保存后在“党费”页核定")
            self.dues_paid_to.setPlaceholderText("在“党费”页登记缴纳")
            return
        dues = self.ctx.dues.member_dues(self.member_id)
        self.dues_monthly.setText(
            f"{format_fen(dues.monthly_fen)} 元" if dues.monthly_fen is not None else ""
        )
        self.dues_monthly.setPlaceholderText("未核定")
        self.dues_paid_to.setText(format_year_month(dues.paid_to) if dues.paid_to is not None else "")
        self.dues_paid_to.setPlaceholderText("尚无缴纳记录")

    def _refresh_header(self) -> None:
        record = self.record
        if record is None:
            self.setWindowTitle("新增党员")
            self.header.setText("新增党员档案")
            return
        self.setWindowTitle(f"党员档案 — {record.name}")
        status = MemberStatus(record.status)
        text = f"{record.name}　{record.type_label}"
        if record.group_name:
            text += f"　{record.group_name}"
        if status is not MemberStatus.ACTIVE:
            text += f"　（{status.label}）"
        self.header.setText(text)
        status_text = status.label
        if record.status_date:
            status_text += f"（{record.status_date.isoformat()}"
            status_text += f"，{record.status_reason}）" if record.status_reason else "）"
        self.status_label.setText(status_text)

    def _load_awards(self) -> None:
        records = self.ctx.members.awards(self.member_id)
        self.awards_table.setRowCount(len(records))
        for row, award in enumerate(records):
            kind = AwardKind(award.kind).label if award.kind in AwardKind._value2member_map_ else award.kind
            self.awards_table.setItem(row, 0, _item(kind, award.id))
            for col, text in enumerate(
                (_iso(award.date), award.title, award.issuer, award.level, award.notes), start=1
            ):
                self.awards_table.setItem(row, col, _item(text))
        self.tabs.setTabText(TAB_AWARDS, f"奖惩（{len(records)}）" if records else "奖惩")
        self._sync_award_buttons()

    def _load_history(self) -> None:
        history = self.ctx.members.status_history(self.member_id)

        def label(code: str) -> str:
            try:
                return MemberStatus(code).label
            except ValueError:
                return code

        self.history_table.setRowCount(len(history))
        for row, h in enumerate(history):
            values = (_iso(h.date), label(h.from_status), label(h.to_status), h.reason, h.letter_no,
                      h.destination, _iso(h.letter_valid_until))  # fmt: skip
            for col, text in enumerate(values):
                self.history_table.setItem(row, col, _item(text))

    # ---- live behaviour ------------------------------------------------------------------------
    def _sync_enabled(self, *_args) -> None:
        self.lost_contact_since.setEnabled(self.lost_contact.isChecked())
        self.mobile_whereabouts.setEnabled(self.is_mobile_member.isChecked())
        probationary = self.member_type.currentData() == MemberType.PROBATIONARY.value
        self.conversion_date.setEnabled(not probationary or not self.conversion_date.is_empty())

    def _on_id_changed(self, text: str) -> None:
        """A complete, valid ID fills 出生日期 and 性别 when they are empty, and says what it encodes."""
        from branchdesk.domain.citizen_id import CitizenIdError, normalize_citizen_id, parse_citizen_id
        from branchdesk.domain.dates import format_date

        number = normalize_citizen_id(text)
        if len(number) < 18:
            self.id_hint.setText("")
            self.id_hint.setVisible(False)
            return
        self.id_hint.setVisible(True)
        try:
            info = parse_citizen_id(number)
        except CitizenIdError as exc:
            self.id_hint.setStyleSheet("color: #c62828;")
            self.id_hint.setText(str(exc))
            return
        if not self._loading:
            if self.birth_date.is_empty():
                self.birth_date.setDate(info.birth_date)
            if not _combo_value(self.sex):
                _set_combo_data(self.sex, info.sex)
        self.id_hint.setStyleSheet("color: #2e7d32;")
        self.id_hint.setText(f"号码有效：{format_date(info.birth_date)}出生，{info.sex}")

    def _sync_award_buttons(self) -> None:
        self.remove_award_button.setEnabled(bool(self.awards_table.selectedItems()))

    # ---- awards --------------------------------------------------------------------------------
    def add_award(self) -> None:
        from branchdesk.ui.dialogs.award_dialog import AwardDialog

        dialog = AwardDialog(self.ctx, self.member_id, self.record.name if self.record else "", self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._load_awards()

    def remove_award(self) -> None:
        row = self.awards_table.currentRow()
        if row < 0:
            return
        award_id = self.awards_table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        title = self.awards_table.item(row, 2).text()
        if not prompts.ask(self, "删除奖惩记录", f"确定删除“{title}”这条记录吗？", yes="删除", danger=True):
            return
        self.ctx.members.remove_award(award_id)
        self._load_awards()

    # ---- saving --------------------------------------------------------------------------------
    def _collect(self, issues: list[FieldIssue]) -> MemberFields:
        """The form as MemberFields; fields that cannot be read (a bad date) add an issue and stay None."""

        def date_of(name: str) -> dt.date | None:
            field = getattr(self, name)
            error = field.error()
            if error:
                issues.append(FieldIssue(name, error))
            return field.date()

        def fen_of(name: str, field: MoneyField) -> int | None:
            try:
                return field.fen()
            except ValueError as exc:
                issues.append(FieldIssue(name, str(exc)))
                return None

        values = {
            "name": self.name.text(),
            "id_number": self.id_number.text().strip() or None,
            "sex": _combo_value(self.sex) or "",
            "ethnicity": _combo_value(self.ethnicity) or "",
            "birth_date": date_of("birth_date"),
            "native_place": self.native_place.text(),
            "education": _combo_value(self.education) or "",
            "degree": _combo_value(self.degree) or "",
            "member_type": self.member_type.currentData(),
            "group_id": self.group.currentData(),
            "is_group_leader": self.is_group_leader.isChecked(),
            "join_date": date_of("join_date"),
            "conversion_date": date_of("conversion_date"),
            "activist_date": date_of("activist_date"),
            "sponsors": self.sponsors.text(),
            "transferred_in_date": date_of("transferred_in_date"),
            "work_start_date": date_of("work_start_date"),
            "work_unit": self.work_unit.text(),
            "job": self.job.text(),
            "post": self.post.text(),
            "mobile": self.mobile.text(),
            "landline": self.landline.text(),
            "address": self.address.text(),
            "person_category": _combo_value(self.person_category) or "",
            "student_number": self.student_number.text(),
            "grade": self.grade.text(),
            "class_name": self.class_name.text(),
            "major": self.major.text(),
            "lost_contact": self.lost_contact.isChecked(),
            "lost_contact_since": date_of("lost_contact_since"),
            "is_mobile_member": self.is_mobile_member.isChecked(),
            "mobile_whereabouts": self.mobile_whereabouts.text(),
            "watch_until": date_of("watch_until"),
            "dues_basis_fen": fen_of("dues_basis_fen", self.dues_basis),
            "dossier_location": self.dossier_location.text(),
            "notes": self.notes.toPlainText(),
        }
        for name in PAPER_DATE_FIELDS:
            values[f"{name}_precision"] = getattr(self, name).precision()
        base = self.record.editable() if self.record is not None else MemberFields()
        # party_post, 月缴党费 and 党费交至 (read-only here) keep their stored values
        return replace(base, **values)

    def save(self) -> bool:
        """Validate and save; on problems show them and return False (nothing is written)."""
        from branchdesk.domain import members as rules

        issues: list[FieldIssue] = []
        values = self._collect(issues)
        if issues:
            # Show the rest of the problems too, so the user fixes everything in one go.
            unreadable = {i.field for i in issues}
            issues += [i for i in rules.validate(rules.normalise(values)) if i.field not in unreadable]
            self.marks.show(issues)
            return False
        try:
            if self.record is None:
                self.saved = self.ctx.members.create(values)
            else:
                self.saved = self.ctx.members.update(self.record.id, values, base=self.record).record
        except ValidationError as exc:
            self.marks.show(exc.issues)
            return False
        self.marks.clear()
        self._baseline = self._snapshot()
        self.accept()
        return True

    # ---- unsaved changes -----------------------------------------------------------------------
    def _snapshot(self) -> tuple:
        """The raw state of every editable widget (typing and undoing is not a change).

        The widgets are listed once: showing a tab raises its page, which reorders Qt's child lists, so
        a fresh ``findChildren`` on another tab compared fields out of order ("所做的修改还没有保存"
        after merely looking at 工作与联系)."""
        if getattr(self, "_tracked", None) is None:
            self._tracked = self.findChildren(QWidget)
        state = []
        for widget in self._tracked:
            if isinstance(widget, QLineEdit) and not widget.isReadOnly():
                if isinstance(widget.parentWidget(), QComboBox):
                    continue
                state.append(widget.text().strip())
            elif isinstance(widget, QComboBox):
                state.append(widget.currentText())
            elif isinstance(widget, QCheckBox):
                state.append(widget.isChecked())
            elif isinstance(widget, QPlainTextEdit):
                state.append(widget.toPlainText())
        return tuple(state)

    def has_changes(self) -> bool:
        return self._snapshot() != self._baseline

    def reject(self) -> None:
        if self.has_changes() and not prompts.ask(
            self,
            "放弃修改？",
            "所做的修改还没有保存。放弃修改并关闭吗？",
            yes="放弃修改",
            no="继续编辑",
            danger=True,
        ):
            return
        super().reject()
