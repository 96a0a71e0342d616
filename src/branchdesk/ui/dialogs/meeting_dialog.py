"""The meeting editor (会议记录): one record from planning to 定稿, then amendments only.

Tabs: 基本信息 (type incl. the branch's own types, party group, mode and platform, date and times,
place, chair, recorder, lecturer, theme, discussion and decisions) · 出席情况 (the roster of the meeting
day for its audience: present / absent with the reason / on leave; probationary members and members
without a vote are marked; 列席 observers such as activists) · 议程与表决 (items with discussion and
decision; a vote through the vote calculator, 应到/实到 from the attendance; admission, conversion,
extension and cancellation votes name the candidate's dossier and are recorded through
``MeetingService.record_vote`` so that the dossier shows the same vote) · 评议等次 / 整改清单 / 谈心谈话
for the meeting types that have them · 附件与更正 (files with SHA-256; amendments after 定稿).

Keys: Ctrl+S saves, Esc cancels (asking when something is unsaved); Enter never closes the dialog (it
moves to the next field: ``dialog_parts.save_cancel_buttons``).
Refusals are shown in the red panel in Chinese, a refused vote with the rule's code and reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import (
    ANNUAL_TYPES,
    Agenda,
    AppraisalGrade,
    AttendanceStatus,
    Audience,
    Grade,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    Observer,
    Remediation,
    TalkPair,
    VoteKind,
    default_audience,
    grade_counts,
    standard_agenda,
)
from branchdesk.domain.members import ValidationError
from branchdesk.domain.votes import Vote, VoterSnapshot, tally
from branchdesk.ui.dialogs.step_dialog import _line
from branchdesk.ui.models.meeting_models import AttendanceModel, StatusDelegate
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import fit_on_screen, record_table, save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel
from branchdesk.ui.widgets.rows_editor import RowColumn, RowsEditor, parse_cell_date
from branchdesk.ui.widgets.time_field import TimeField

NEW_TYPE = "__new__"
CUSTOM_PREFIX = "custom:"
NO_TIME = QTime(0, 0)
#: Vote kinds of an agenda item, in the order of the list (``""``: no ballot).
VOTE_CHOICES: list[tuple[str, str]] = [("", "不表决"), *[(k.value, k.label) for k in VoteKind]]
DOSSIER_KINDS = {VoteKind.ADMISSION.value, VoteKind.CONVERSION.value, VoteKind.EXTENSION.value,
                 VoteKind.CANCELLATION.value}  # fmt: skip


def _text_box(placeholder: str = "", lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(box.fontMetrics().height() * lines + 14)
    return box


def _person_box() -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.lineEdit().setMaxLength(50)
    box.lineEdit().setPlaceholderText("姓名")
    return box


def _time_edit() -> TimeField:
    return TimeField()


def _votes(cells: list[str]) -> tuple[int, int, int, int] | None:
    """测评票数 typed in the four vote columns (None when all are blank; what is not a number, which
    `problems` names before a save, counts 0)."""
    if not any(cells):
        return None
    return tuple(int(c) if c.isascii() and c.isdigit() else 0 for c in cells)  # type: ignore[return-value]


def _time_of(edit: TimeField) -> dt.time | None:
    t = edit.time()
    return None if t == NO_TIME else dt.time(t.hour(), t.minute())


def vote_summary(item: Agenda, person: str = "") -> str:
    """The counts and the result of an item's vote (or that there is none); for a failed vote on a
    person (``person``: the name), what it means (未被接收, no conversion …)."""
    from branchdesk.services.meetings import failed_consequence

    if item.vote is None:
        return "尚未表决"
    v = item.vote
    t = tally(v)
    written = f"，书面意见赞成{v.written_yes}" if v.written_yes else ""
    result = "通过" if t.passed else "未通过"
    text = (
        f"应到{v.expected}人，实到{v.present}人；赞成{v.yes}{written}，反对{v.no}，弃权{v.abstain}：{result}"
    )
    consequence = failed_consequence(item.vote_kind, person) if item.dossier_id and not t.passed else ""
    return f"{text}。\n{consequence}。" if consequence else text


def _vote_kind(value) -> VoteKind | None:
    try:
        return VoteKind(str(value)) if value else None
    except ValueError:
        return None


class VoteDialog(QDialog):
    """表决计票 for one agenda item: the vote calculator over the meeting's voters.

    For a vote on a person (``kind`` admission, conversion, extension, cancellation) the line under the
    calculator says what recording it will do (``vote_calculator.outcome_text``), live: passed, not
    passed (recorded as 未通过; an admission as 未被接收), or not recordable (no quorum).
    """

    def __init__(self, title: str, meeting: Meeting, vote: Vote | None, parent: QWidget | None = None, *,
                 kind: str = "", person: str = "", months: int | None = None,
                 resubmit_months: int = 6):  # fmt: skip
        super().__init__(parent)
        from branchdesk.ui.widgets.vote_calculator import VoteCalculator

        self.setWindowTitle(f"表决计票 — {title}")
        self.meeting, self.kind, self.person, self.months = meeting, kind, person, months
        self.resubmit_months = resubmit_months
        self.calculator = VoteCalculator()
        self.calculator.set_electorate(meeting.electorate())
        if vote is not None:
            self.calculator.set_vote(vote)
        else:  # 实到 from the attendance taken
            self.calculator.present.setValue(meeting.voters_present)
        intro = QLabel(
            f"应到、实到按本次会议的出席情况填入：有表决权的应到 {meeting.voters_expected} 人，"
            f"实到 {meeting.voters_present} 人。请填写票数。"
        )
        intro.setWordWrap(True)
        self.outcome = QLabel()
        self.outcome.setObjectName("voteOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.errors = ErrorPanel()
        buttons, self.save_button, _cancel = save_cancel_buttons(self, self.save, save_text="记录表决")
        # the calculator scrolls (a student branch lists dozens of voters); the buttons stay in view
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.calculator)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.calculator.changed.connect(self._show_outcome)
        self._show_outcome()
        fit_on_screen(
            self, max(self.sizeHint().width(), 900), min(self.calculator.sizeHint().height() + 160, 800)
        )

    def _show_outcome(self) -> None:
        from branchdesk.ui.widgets.vote_calculator import outcome_text

        text, state = outcome_text(self.kind, self.vote(), self.person, self.meeting.date,
                                   resubmit_months=self.resubmit_months, months=self.months)  # fmt: skip
        self.outcome.setText(text)
        self.outcome.setVisible(bool(text))
        colour = {True: "#2e7d32", False: "#8a4b00"}.get(state, "#c62828")
        self.outcome.setStyleSheet(
            f"color: {colour}; background: #fafafa; border: 1px solid #ddd; border-radius: 4px; padding: 6px;"
        )
        self.save_button.setText("记录表决（未通过）" if state is False else "记录表决")

    def vote(self) -> Vote:
        return self.calculator.vote()

    def exclusions(self) -> list:
        from branchdesk.ui.dialogs.step_dialog import MANUAL_EXPECTED

        items = list(self.calculator.exclusions())
        manual = self.calculator.manual_expected_reason()
        if manual:
            items.append((VoterSnapshot(MANUAL_EXPECTED), manual))
        return items

    def save(self) -> bool:
        problems = self.calculator.problems()
        if problems:
            self.errors.set_messages(problems)
            return False
        self.accept()
        return True


class AmendmentDialog(QDialog):
    """添加更正: date, reason and the correction, appended after the sealed original."""

    def __init__(self, meeting: Meeting, *, today: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"添加更正 — {meeting.title} {format_date(meeting.date)}")
        self.date = DateField()
        self.date.setDate(max(today, meeting.date))
        self.reason = _line("如：记录人笔误、补充缺席原因", 500)
        self.text = _text_box("更正后的内容（原记录保留不变，更正附在其后）", 5)
        intro = QLabel("会议记录已定稿，原记录不作修改；更正说明注明日期和原因，附在原记录之后。")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("更正日期", self.date)
        form.addRow("更正原因", self.reason)
        form.addRow("更正内容", self.text)
        self.errors = ErrorPanel()
        buttons, _save, _cancel = save_cancel_buttons(self, self.save, save_text="添加更正")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.meeting = meeting
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def values(self) -> tuple[dt.date | None, str, str]:
        return self.date.date(), self.reason.text().strip(), self.text.toPlainText().strip()

    def save(self) -> bool:
        on, reason, text = self.values()
        problems = []
        if on is None:
            problems.append(f"更正日期：{self.date.error() or '请填写'}")
        elif on < self.meeting.date:
            problems.append("更正日期不能早于会议日期")
        if not reason:
            problems.append("请填写更正原因")
        if not text:
            problems.append("请填写更正内容")
        if problems:
            self.errors.set_messages(problems)
            return False
        self.accept()
        return True


class ExclusionDialog(QDialog):
    """不计入应到: one of the five kinds, the higher organisation's consent (date, by whom) and the
    general meeting's decision (domain.md §9). 出差、请假 are absences, not exclusions."""

    def __init__(self, name: str, meeting_date: dt.date, current=None, parent: QWidget | None = None):
        super().__init__(parent)
        from branchdesk.domain.votes import ExclusionKind

        self.setWindowTitle(f"不计入应到人数 — {name}")
        self.meeting_date = meeting_date
        self.kind = QComboBox()
        self.kind.setObjectName("exclusionKind")
        self.kind.addItem("", "")
        for k in ExclusionKind:
            self.kind.addItem(k.label, k.value)
        self.approved_on = DateField()
        self.approved_by = _line("如：某某学院党委", 100)
        self.decision = _line("如：2025年3月6日支部党员大会决定", 200)
        if current is not None:
            self.kind.setCurrentIndex(self.kind.findData(current.kind.value))
            self.approved_on.setDate(current.approved_on)
            self.approved_by.setText(current.approved_by)
            self.decision.setText(current.decision)
        intro = QLabel(
            "只有以下五种情形，经上级党组织同意并经支部党员大会决定，才可不计入应到人数：患病不能表达本人意志；"
            "出国（境）六个月以上；外出学习或工作六个月以上、未转移组织关系；年老体弱卧床不起或长期患病；"
            "被剥夺表决权。出差、请假是缺席，仍计入应到（可在会前提交书面意见）。"
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("情形", self.kind)
        form.addRow("上级党组织同意日期", self.approved_on)
        form.addRow("同意的上级党组织", self.approved_by)
        form.addRow("支部党员大会决定", self.decision)
        self.errors = ErrorPanel()
        buttons, _save, _cancel = save_cancel_buttons(self, self.save, save_text="不计入应到")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 620), self.sizeHint().height())

    def exclusion(self):
        from branchdesk.domain.votes import Exclusion, ExclusionKind

        code = self.kind.currentData()
        if not code:
            return None
        return Exclusion(ExclusionKind(code), self.approved_on.date(), self.approved_by.text().strip(),
                         self.decision.text().strip())  # fmt: skip

    def save(self) -> bool:
        exclusion = self.exclusion()
        problems = []
        if exclusion is None:
            problems.append("请选择五种情形之一（出差、请假是缺席，不是不计入应到的情形）")
        else:
            if self.approved_on.error():
                problems.append(f"上级党组织同意日期：{self.approved_on.error()}")
            problems += exclusion.problems(self.meeting_date)
        if problems:
            self.errors.set_messages(problems)
            return False
        self.accept()
        return True


class MeetingDialog(QDialog):
    """Edit one meeting record. ``changed`` is True once anything was written (the page reloads)."""

    def __init__(self, ctx, service, meeting: Meeting, *, today: dt.date | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.today = today or dt.date.today()
        self.meeting = meeting
        self.changed = False  # something was written
        self.dirty = False  # the form differs from what is stored
        self._loading = False
        self._attendance_touched = False
        self._agenda_touched = False
        self.agenda: list[Agenda] = []
        self._current_item = -1
        self.setObjectName("meetingDialog")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_basic(), "基本信息")
        self.tabs.addTab(self._build_attendance(), "出席情况")
        self.tabs.addTab(self._build_agenda(), "议程与表决")
        self.grades_tab = self.tabs.addTab(self._build_grades(), "评议等次")
        self.remediation_tab = self.tabs.addTab(self._build_remediation(), "整改清单")
        self.talks_tab = self.tabs.addTab(self._build_talks(), "谈心谈话")
        self.files_tab = self.tabs.addTab(self._build_files(), "附件与更正")

        self.sealed_label = QLabel()
        self.sealed_label.setObjectName("sealedBanner")
        self.sealed_label.setWordWrap(True)
        self.sealed_label.setStyleSheet(
            "background: #fff8e1; border: 1px solid #f0d58c; border-radius: 4px; padding: 6px; color: #6d4c00;"
        )
        self.errors = ErrorPanel()
        buttons, self.save_button, self.cancel_button = save_cancel_buttons(self, self.save, save_text="保存")
        self.finalise_button = QPushButton("定稿…")
        self.finalise_button.setObjectName("finaliseMeeting")
        self.finalise_button.setToolTip("定稿后记录不能再修改，只能添加更正说明")
        self.amend_button = QPushButton("添加更正…")
        self.amend_button.setObjectName("amendMeeting")
        self.finalise_button.clicked.connect(self.finalise)
        self.amend_button.clicked.connect(self.add_amendment)
        from branchdesk.ui.widgets.doc_menu import docs_button

        self.docs_button = docs_button(self, ctx, "meeting", self._doc_subject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.finalise_button)
        bottom.addWidget(self.amend_button)
        bottom.addWidget(self.docs_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sealed_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.errors)
        layout.addLayout(bottom)

        self._fill_type_box()
        self.load(meeting)
        self._connect_dirty()
        fit_on_screen(self, 1040, 720)

    # ================================================================== building
    def _build_basic(self) -> QWidget:
        self.type_box = QComboBox()
        self.type_box.setObjectName("meetingType")
        self.group_box = QComboBox()
        for gid, name in self.service.groups():
            self.group_box.addItem(name, gid)
        self.date = DateField()
        self.date.setObjectName("meetingDate")
        self.start_time = _time_edit()
        self.end_time = _time_edit()
        times = QWidget()
        times_row = QHBoxLayout(times)
        times_row.setContentsMargins(0, 0, 0, 0)
        times_row.addWidget(self.start_time)
        times_row.addWidget(QLabel("至"))
        times_row.addWidget(self.end_time)
        times_row.addStretch(1)
        self.mode = QComboBox()
        for m in MeetingMode:
            self.mode.addItem(m.label, m.value)
        self.platform = _line("线上会议的平台，如：腾讯会议", 100)
        self.place = _line("如：党员活动室", 200)
        self.chair = _person_box()
        self.recorder = _person_box()
        self.lecturer = _person_box()
        self.theme = _line("会议主题", 200)
        self.for_year = QComboBox()  # 所属年度 of an annual record: the year held or the one before
        self.for_year.setObjectName("meetingForYear")
        self.for_year.setToolTip(
            "组织生活会、民主评议党员记录属于哪一年度（如 2026 年 1 月召开的 2025 年度组织生活会）"
        )
        self._for_year_chosen = False
        self.for_year.activated.connect(lambda _i: setattr(self, "_for_year_chosen", True))
        self.discussion = _text_box("会议讨论、发言情况（议程中各项的讨论可在“议程与表决”中填写）")
        self.decisions = _text_box("会议作出的决定（全体会议层面）")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.basic_form = form
        form.addRow("会议类型", self.type_box)
        form.addRow("党小组", self.group_box)
        form.addRow("会议日期", self.date)
        form.addRow("会议时间", times)
        form.addRow("会议方式", self.mode)
        form.addRow("会议平台", self.platform)
        form.addRow("会议地点", self.place)
        form.addRow("主持人", self.chair)
        form.addRow("记录人", self.recorder)
        form.addRow("授课人", self.lecturer)
        form.addRow("会议主题", self.theme)
        form.addRow("所属年度", self.for_year)
        form.addRow("讨论情况", self.discussion)
        form.addRow("会议决定", self.decisions)
        self.type_box.currentIndexChanged.connect(self._on_type_changed)
        self.group_box.currentIndexChanged.connect(lambda _i: self._on_audience_changed())
        self.date.dateChanged.connect(lambda _d: self._on_audience_changed())
        self.date.dateChanged.connect(lambda _d: self._fill_for_year())
        self.mode.currentIndexChanged.connect(lambda _i: self._sync_visibility())
        page = QWidget()
        page.setLayout(form)
        return page

    def _build_attendance(self) -> QWidget:
        self.attendance = AttendanceModel(self)
        self.attendance_view = QTableView()
        self.attendance_view.setObjectName("attendanceTable")
        self.attendance_view.setModel(self.attendance)
        self.attendance_view.setItemDelegateForColumn(2, StatusDelegate(self.attendance_view))
        self.attendance_view.verticalHeader().setVisible(False)
        self.attendance_view.setAlternatingRowColors(True)
        self.attendance_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attendance_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        metrics = self.attendance_view.fontMetrics()
        header = self.attendance_view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, sample in enumerate(("欧阳晓明明", "预备党员（无表决权）", "出席情况 ▼")):
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 28)
        header.setStretchLastSection(True)
        self.attendance_view.verticalHeader().setDefaultSectionSize(metrics.height() + 12)
        self.attendance_summary = QLabel()
        self.attendance_summary.setObjectName("attendanceSummary")
        self.attendance_summary.setWordWrap(True)
        self.all_present_button = QPushButton("全部出席")
        self.refill_button = QPushButton("按会议当日名单重新生成")
        self.refill_button.setToolTip(
            "按会议日期的花名册和会议对象（全体党员、支部委员或党小组）重新列出应到人员"
        )
        self.all_present_button.clicked.connect(self.attendance.all_present)
        self.exclude_button = QPushButton("不计入应到…")
        self.exclude_button.setToolTip(
            "所选正式党员属五种情形之一、经上级党组织同意并经支部党员大会决定的，不计入应到人数"
        )
        self.exclude_button.clicked.connect(self.exclude_selected)
        self.include_button = QPushButton("恢复计入应到")
        self.include_button.clicked.connect(self.include_selected)
        self.refill_button.clicked.connect(lambda: self.refill_attendance(ask=True))
        self.attendance.changed.connect(self._on_attendance_changed)
        self.observers = RowsEditor(
            [RowColumn("姓名", required=True, width_sample="欧阳晓明明"), RowColumn("身份或单位")],
            add_text="添加列席人员",
        )
        self.observer_dossiers: dict[str, int] = {}
        self.add_candidate_button = QPushButton("添加积极分子、发展对象…")
        self.add_candidate_button.clicked.connect(self._add_candidate_observer)
        self.observers.layout().itemAt(1).layout().insertWidget(2, self.add_candidate_button)
        top = QHBoxLayout()
        top.addWidget(self.attendance_summary, 1)
        top.addWidget(self.all_present_button)
        top.addWidget(self.exclude_button)
        top.addWidget(self.include_button)
        top.addWidget(self.refill_button)
        observers_box = QGroupBox("列席人员（不计入应到人数）")
        QVBoxLayout(observers_box).addWidget(self.observers)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.attendance_view)
        splitter.addWidget(observers_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        hint = QLabel(
            "双击“出席情况”选择出席、缺席或请假；缺席、请假须填写原因。预备党员和受留党察看处分的党员列席但没有表决权。"
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #666;")
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        return page

    def _build_agenda(self) -> QWidget:
        self.agenda_list = QListWidget()
        self.agenda_list.setObjectName("agendaList")
        self.add_item_button = QPushButton("添加议程")
        self.remove_item_button = QPushButton("删除")
        self.up_button = QPushButton("上移")
        self.down_button = QPushButton("下移")
        self.add_item_button.clicked.connect(self.add_agenda_item)
        self.remove_item_button.clicked.connect(self.remove_agenda_item)
        self.up_button.clicked.connect(lambda: self.move_agenda_item(-1))
        self.down_button.clicked.connect(lambda: self.move_agenda_item(1))
        list_buttons = QHBoxLayout()
        for b in (self.add_item_button, self.remove_item_button, self.up_button, self.down_button):
            list_buttons.addWidget(b)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("议程"))
        left_layout.addWidget(self.agenda_list, 1)
        left_layout.addLayout(list_buttons)

        self.item_title = _line("议题", 200)
        self.item_discussion = _text_box("讨论情况、发言要点")
        self.item_decision = _text_box("形成的决定")
        self.vote_kind = QComboBox()
        self.vote_kind.setObjectName("voteKind")
        for value, label in VOTE_CHOICES:
            self.vote_kind.addItem(label, value)
        self.dossier_box = QComboBox()
        self.dossier_box.setObjectName("voteDossier")
        self.dossier_box.setToolTip("表决结果同时记入此人的发展党员档案")
        self.months = QSpinBox()
        self.months.setRange(6, 12)
        self.months.setSuffix(" 个月")
        self.vote_reason = _line("延长预备期或取消预备党员资格的原因", 500)
        self.vote_result = QLabel("尚未表决")
        self.vote_result.setObjectName("voteResult")
        self.vote_result.setWordWrap(True)
        self.vote_button = QPushButton("表决计票…")
        self.vote_button.setObjectName("recordVote")
        self.vote_button.setToolTip(
            "按出席情况填入应到、实到，记录票数；接收、转正等表决同时记入发展党员档案"
        )
        self.vote_button.clicked.connect(self.record_vote)
        vote_box = QGroupBox("表决")
        vote_form = QFormLayout(vote_box)
        self.vote_form = vote_form
        vote_form.addRow("表决事项", self.vote_kind)
        vote_form.addRow("发展对象", self.dossier_box)
        self.dossier_hint = QLabel()  # why the list is empty
        self.dossier_hint.setObjectName("voteDossierHint")
        self.dossier_hint.setWordWrap(True)
        self.dossier_hint.setStyleSheet("color: #8a4b00;")
        self.dossier_hint.setVisible(False)
        vote_form.addRow("", self.dossier_hint)
        vote_form.addRow("延长期限", self.months)
        vote_form.addRow("原因", self.vote_reason)
        vote_form.addRow("表决结果", self.vote_result)
        self.vote_button_row = QWidget()
        button_row = QHBoxLayout(self.vote_button_row)
        button_row.setContentsMargins(0, 0, 0, 0)
        button_row.addWidget(self.vote_button)
        button_row.addStretch(1)
        vote_form.addRow("", self.vote_button_row)
        # after a failed conversion vote: the meeting votes on extension or cancellation next
        self.follow_up_row = QWidget()
        follow = QHBoxLayout(self.follow_up_row)
        follow.setContentsMargins(0, 0, 0, 0)
        self.extend_button = QPushButton("表决延长预备期…")
        self.extend_button.setObjectName("followExtension")
        self.cancel_membership_button = QPushButton("表决取消预备党员资格…")
        self.cancel_membership_button.setObjectName("followCancellation")
        for button, kind in ((self.extend_button, VoteKind.EXTENSION), (self.cancel_membership_button,
                                                                       VoteKind.CANCELLATION)):  # fmt: skip
            button.setToolTip("在本项之后添加一项议程，对同一预备党员另行表决")
            button.clicked.connect(lambda _c=False, k=kind: self.add_follow_up(k))
            follow.addWidget(button)
        follow.addStretch(1)
        vote_form.addRow("另行表决", self.follow_up_row)
        right = QWidget()
        form = QFormLayout(right)
        form.addRow("议题", self.item_title)
        form.addRow("讨论情况", self.item_discussion)
        form.addRow("决定", self.item_decision)
        form.addRow(vote_box)
        self.item_editor = right
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        self.agenda_list.currentRowChanged.connect(self._on_item_selected)
        self.item_title.textEdited.connect(self._on_item_title)
        self.vote_kind.currentIndexChanged.connect(lambda _i: self._on_vote_kind())
        return splitter

    def _build_grades(self) -> QWidget:
        self.grades = RowsEditor(
            [RowColumn("姓名", required=True, width_sample="欧阳晓明明"),
             RowColumn("评议等次", "choice", tuple(g.label for g in AppraisalGrade), True, "基本合格 ▼"),
             *(RowColumn(f"{g.label}票数", "count", width_sample="基本合格票数") for g in AppraisalGrade),
             RowColumn("备注")],
            add_text="添加",
        )  # fmt: skip
        self.grades_counts = QLabel()
        self.grades_fill_button = QPushButton("按出席名单列出党员")
        self.grades_fill_button.clicked.connect(self._fill_grades)
        self.grades.changed.connect(self._update_grade_counts)
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(self.grades_counts, 1)
        top.addWidget(self.grades_fill_button)
        layout.addLayout(top)
        layout.addWidget(self.grades, 1)
        return page

    def _build_remediation(self) -> QWidget:
        self.remediation = RowsEditor(
            [RowColumn("查摆的问题", required=True), RowColumn("整改措施"),
             RowColumn("责任人", width_sample="欧阳晓明明"), RowColumn("完成时限", "date", width_sample="2026-12-31"),
             RowColumn("完成日期", "date", width_sample="2026-12-31"), RowColumn("整改佐证材料")],
            add_text="添加整改事项",
        )  # fmt: skip
        return self.remediation

    def _build_talks(self) -> QWidget:
        self.talks = RowsEditor(
            [RowColumn("谈话人", required=True, width_sample="欧阳晓明明"),
             RowColumn("谈话对象", required=True, width_sample="欧阳晓明明"),
             RowColumn("日期", "date", required=True, width_sample="2026-12-31"), RowColumn("主要内容")],
            add_text="添加谈话",
        )  # fmt: skip
        return self.talks

    def _build_files(self) -> QWidget:
        self.files = record_table(["文件名", "大小", "SHA-256 校验值", "添加人", "添加时间"])
        self.files.setObjectName("attachmentTable")
        self.add_file_button = QPushButton("添加文件…")
        self.open_file_button = QPushButton("打开")
        self.export_file_button = QPushButton("导出…")
        self.add_file_button.setToolTip("签到表扫描件、照片等；文件保存在数据库中，并记录校验值")
        self.add_file_button.clicked.connect(self.add_attachment)
        self.open_file_button.clicked.connect(self.open_attachment)
        self.export_file_button.clicked.connect(self.export_attachment)
        self.amendments = record_table(["更正日期", "更正原因", "更正内容", "更正人"])
        self.amendments.setObjectName("amendmentTable")
        self.amendments.setWordWrap(True)
        self.amend_button_inline = QPushButton("添加更正…")
        self.amend_button_inline.clicked.connect(self.add_amendment)
        files_box = QGroupBox("附件")
        files_layout = QVBoxLayout(files_box)
        files_layout.addWidget(self.files, 1)
        row = QHBoxLayout()
        for b in (self.add_file_button, self.open_file_button, self.export_file_button):
            row.addWidget(b)
        row.addStretch(1)
        files_layout.addLayout(row)
        amend_box = QGroupBox("更正说明（定稿后添加，附在原记录之后）")
        amend_layout = QVBoxLayout(amend_box)
        amend_layout.addWidget(self.amendments, 1)
        row = QHBoxLayout()
        row.addWidget(self.amend_button_inline)
        row.addStretch(1)
        amend_layout.addLayout(row)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(files_box, 1)
        layout.addWidget(amend_box, 1)
        return page

    def _fill_type_box(self) -> None:
        self._loading = True
        self.type_box.clear()
        for t in MeetingType:
            if t is not MeetingType.CUSTOM:
                self.type_box.addItem(t.label, t.value)
        self.custom_types = {c.name: c for c in self.service.custom_types()}
        if self.custom_types:
            self.type_box.insertSeparator(self.type_box.count())
        for name in self.custom_types:
            self.type_box.addItem(name, CUSTOM_PREFIX + name)
        self.type_box.insertSeparator(self.type_box.count())
        self.type_box.addItem("新增会议类型…", NEW_TYPE)
        self._loading = False

    def _connect_dirty(self) -> None:
        for edit in (self.platform, self.place, self.theme):
            edit.textEdited.connect(self._mark_dirty)
        for box in (self.chair, self.recorder, self.lecturer):
            box.currentTextChanged.connect(self._mark_dirty)
        for box in (self.mode, self.group_box, self.type_box):
            box.currentIndexChanged.connect(self._mark_dirty)
        for text in (self.discussion, self.decisions, self.item_discussion, self.item_decision):
            text.textChanged.connect(self._mark_dirty)
        for edit in (self.start_time, self.end_time):
            edit.timeChanged.connect(self._mark_dirty)
        self.date.dateChanged.connect(self._mark_dirty)
        self.date.dateChanged.connect(self._update_title)
        self.type_box.currentIndexChanged.connect(self._update_title)
        self.group_box.currentIndexChanged.connect(self._update_title)
        for table in (self.observers, self.grades, self.remediation, self.talks):
            table.changed.connect(self._mark_dirty)
        for widget in (self.vote_kind, self.dossier_box):
            widget.currentIndexChanged.connect(self._mark_dirty)
        self.months.valueChanged.connect(self._mark_dirty)
        self.vote_reason.textEdited.connect(self._mark_dirty)

    def _mark_dirty(self, *_args) -> None:
        if not self._loading:
            self.dirty = True

    # ================================================================== loading
    def load(self, meeting: Meeting) -> None:
        """Show ``meeting`` (as stored, or a new unsaved one)."""
        self._loading = True
        try:
            self.meeting = meeting
            key = (
                CUSTOM_PREFIX + meeting.custom_type_name
                if meeting.type == MeetingType.CUSTOM
                else str(meeting.type)
            )
            index = self.type_box.findData(key)
            if index < 0 and meeting.type == MeetingType.CUSTOM:  # a renamed or removed type
                self.type_box.insertItem(self.type_box.count() - 2, meeting.custom_type_name, key)
                index = self.type_box.findData(key)
            self.type_box.setCurrentIndex(max(index, 0))
            if meeting.group_id is not None:
                self.group_box.setCurrentIndex(max(self.group_box.findData(meeting.group_id), 0))
            self.date.setDate(meeting.date)
            self.start_time.setTime(
                QTime(meeting.start_time.hour, meeting.start_time.minute) if meeting.start_time else NO_TIME
            )
            self.end_time.setTime(
                QTime(meeting.end_time.hour, meeting.end_time.minute) if meeting.end_time else NO_TIME
            )
            self.mode.setCurrentIndex(max(self.mode.findData(str(meeting.mode)), 0))
            self.platform.setText(meeting.platform)
            self.place.setText(meeting.place)
            self.theme.setText(meeting.theme)
            self._for_year_chosen = meeting.for_year is not None
            self._fill_for_year(meeting.record_year)
            self.discussion.setPlainText(meeting.discussion)
            self.decisions.setPlainText(meeting.decisions)
            self.attendance.set_attendees(meeting.attendance)
            self._fill_people()
            self.chair.setCurrentText(meeting.chair)
            self.recorder.setCurrentText(meeting.recorder)
            self.lecturer.setCurrentText(meeting.lecturer)
            self.observers.set_rows([[o.name, o.role] for o in meeting.observers])
            self.observer_dossiers = {o.name: o.dossier_id for o in meeting.observers if o.dossier_id}
            self.agenda = list(meeting.agenda)
            self._fill_agenda_list()  # the item on screen stays there after a save
            self.grades.set_rows([[g.name, AppraisalGrade.from_label(str(g.grade)).label if str(g.grade) else "",
                                   *(str(v) for v in g.votes or ("",) * 4), g.note]
                                  for g in meeting.grades])  # fmt: skip
            self.remediation.set_rows([[x.problem, x.measure, x.owner, x.due.isoformat() if x.due else "",
                                        x.done_on.isoformat() if x.done_on else "", x.evidence]
                                       for x in meeting.remediation])  # fmt: skip
            self.talks.set_rows([[t.first, t.second, t.date.isoformat(), t.summary] for t in meeting.talks])
            self._fill_files()
            self._update_grade_counts()
        finally:
            self._loading = False
        self.dirty = False
        self._attendance_touched = meeting.id is not None
        self._agenda_touched = meeting.id is not None
        self._sync_visibility()
        self._update_attendance_summary()
        self._apply_read_only()
        self._update_title()

    def _update_title(self, *_args) -> None:
        """The title says what the form shows now: type, group and date follow the user's changes."""
        m = self.meeting
        state = "新建" if m.id is None else MeetingStatus(m.status).label
        if not m.sealed:
            kind, name = self.current_type()
            group = self.group_box.currentText() if self.current_audience() is Audience.GROUP else ""
            m = replace(m, type=kind, custom_type_name=name, date=self.date.date() or m.date,
                        group_name=group or m.group_name)  # fmt: skip
        self.setWindowTitle(f"会议记录 — {m.title} {format_date(m.date)}（{state}）")

    def _fill_people(self) -> None:
        names = [a.name for a in self.attendance.attendees()]
        for box in (self.chair, self.recorder, self.lecturer):
            text = box.currentText()
            box.blockSignals(True)
            box.clear()
            box.addItems(names)
            box.setCurrentText(text)
            box.blockSignals(False)

    def _fill_files(self) -> None:
        m = self.meeting
        self.files.setRowCount(len(m.attachments))
        for row, a in enumerate(m.attachments):
            size = f"{a.size / 1024:.1f} KB" if a.size >= 1024 else f"{a.size} 字节"
            at = a.added_at.astimezone().strftime("%Y-%m-%d %H:%M") if a.added_at else ""
            for col, text in enumerate((a.file_name, size, a.sha256, a.added_by, at)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                if col == 2:
                    item.setToolTip(a.sha256)
                    item.setText(a.sha256[:16] + "…")
                self.files.setItem(row, col, item)
        self.amendments.setRowCount(len(m.amendments))
        for row, x in enumerate(m.amendments):
            for col, text in enumerate((format_date(x.date), x.reason, x.text, x.user)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.amendments.setItem(row, col, item)
        self.amendments.resizeRowsToContents()

    # ================================================================== type, audience, visibility
    def current_type(self) -> tuple[MeetingType, str]:
        key = self.type_box.currentData() or MeetingType.GENERAL.value
        if key.startswith(CUSTOM_PREFIX):
            return MeetingType.CUSTOM, key[len(CUSTOM_PREFIX) :]
        if key == NEW_TYPE:
            return MeetingType(self.meeting.type), self.meeting.custom_type_name
        return MeetingType(key), ""

    def current_audience(self) -> Audience:
        kind, name = self.current_type()
        if kind is MeetingType.CUSTOM and name in self.custom_types:
            return Audience(self.custom_types[name].audience)
        return default_audience(kind)

    def _on_type_changed(self, _index: int) -> None:
        if self._loading:
            return
        if self.type_box.currentData() == NEW_TYPE:
            self._add_custom_type()
            return
        kind, name = self.current_type()
        self._fill_for_year()
        self.meeting = replace(self.meeting, type=kind, custom_type_name=name)
        if not self._agenda_touched and self.meeting.id is None:
            self.agenda = [Agenda(t) for t in standard_agenda(kind)]
            self._current_item = -1
            self._fill_agenda_list()
        self._sync_visibility()
        self._on_audience_changed()

    def _add_custom_type(self) -> None:
        name = prompts.get_text(self, "新增会议类型", "会议类型名称（如：党政联席会议、专题议党会议）：")
        previous = (
            CUSTOM_PREFIX + self.meeting.custom_type_name
            if self.meeting.type == MeetingType.CUSTOM
            else str(self.meeting.type)
        )
        if name and name.strip():
            try:
                added = self.service.add_custom_type(name.strip())
            except ValidationError as exc:
                prompts.warn(self, "新增会议类型", "\n".join(i.message for i in exc.issues))
            else:
                self._fill_type_box()
                previous = CUSTOM_PREFIX + added.name
        self._loading = True
        self.type_box.setCurrentIndex(max(self.type_box.findData(previous), 0))
        self._loading = False
        self._on_type_changed(self.type_box.currentIndex())

    def _on_audience_changed(self) -> None:
        if self._loading:
            return
        if self.meeting.id is None and not self._attendance_touched:
            self.refill_attendance(ask=False)

    def _sync_visibility(self) -> None:
        kind, _name = self.current_type()
        form = self.basic_form
        form.setRowVisible(self.group_box, self.current_audience() is Audience.GROUP)
        form.setRowVisible(self.lecturer, kind is MeetingType.LECTURE)
        form.setRowVisible(self.for_year, kind in ANNUAL_TYPES)
        mode = MeetingMode(self.mode.currentData() or MeetingMode.OFFLINE.value)
        form.setRowVisible(self.platform, mode is not MeetingMode.OFFLINE)
        self.tabs.setTabVisible(self.grades_tab, kind is MeetingType.APPRAISAL or bool(self.grades.rows()))
        self.tabs.setTabVisible(
            self.remediation_tab, kind is MeetingType.ORG_LIFE or bool(self.remediation.rows())
        )
        self.tabs.setTabVisible(
            self.talks_tab, kind in (MeetingType.TALKS, MeetingType.ORG_LIFE) or bool(self.talks.rows())
        )

    # ================================================================== attendance
    def refill_attendance(self, *, ask: bool) -> None:
        on = self.date.date()
        if on is None:
            return
        audience = self.current_audience()
        group_id = self.group_box.currentData() if audience is Audience.GROUP else None
        if audience is Audience.GROUP and group_id is None:
            return
        if (
            ask
            and self.attendance.rowCount()
            and not prompts.ask(
                self, "重新生成出席名单", "按会议当日的名单重新列出应到人员？已登记的出席情况将被清除。"
            )
        ):
            return
        expected = self.service.ws.roster.expected(on, audience, group_id)
        self.attendance.set_attendees(tuple(e.attendee() for e in expected))
        self._attendance_touched = False
        self._fill_people()

    def _on_attendance_changed(self) -> None:
        if not self._loading:
            self._attendance_touched = True
            self._mark_dirty()
        self._update_attendance_summary()

    def _selected_attendee_row(self) -> int | None:
        rows = (
            self.attendance_view.selectionModel().selectedRows()
            if self.attendance_view.selectionModel()
            else []
        )
        if rows:
            return rows[0].row()
        index = self.attendance_view.currentIndex()
        return index.row() if index.isValid() else None

    def exclude_selected(self, exclusion=None) -> bool:
        """Leave the selected full member out of 应到 (asks the kind and the approval)."""
        row = self._selected_attendee_row()
        if row is None:
            return False
        a = self.attendance.people[row]
        if str(a.member_type) != "full" or (not a.voter and a.exclusion is None):
            prompts.warn(
                self,
                "不能不计入应到",
                f"{a.name}本来就没有表决权（预备党员、受留党察看或转正待批准），不在应到人数中。",
            )
            return False
        if exclusion is None:
            dialog = ExclusionDialog(a.name, self.date.date() or self.meeting.date, a.exclusion, self)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            exclusion = dialog.exclusion()
        self.attendance.set_exclusion(row, exclusion)
        return True

    def include_selected(self) -> bool:
        row = self._selected_attendee_row()
        if row is None or self.attendance.people[row].exclusion is None:
            return False
        self.attendance.set_exclusion(row, None)
        return True

    def _update_attendance_summary(self) -> None:
        people = self.attendance.attendees()
        probe = Meeting(type=MeetingType.GENERAL, date=self.meeting.date, attendance=people)
        if not people:
            self.attendance_summary.setText(
                "没有应到人员：请确认会议日期和会议对象（党小组会须选择党小组）。"
            )
            return
        rate = probe.attendance_rate or 0
        absent = [a for a in people if a.status == AttendanceStatus.ABSENT]
        leave = [a for a in people if a.status == AttendanceStatus.LEAVE]
        self.attendance_summary.setText(
            f"应到 {probe.expected} 人，实到 {probe.present} 人（出席率 {rate:.0%}）；"
            f"缺席 {len(absent)} 人，请假 {len(leave)} 人。"
            f"有表决权的党员应到 {probe.voters_expected} 人，实到 {probe.voters_present} 人。"
        )

    def _add_candidate_observer(self) -> None:
        from branchdesk.domain.development import Standing
        from branchdesk.services.development import DossierQuery

        people = self.ctx.development.list(
            DossierQuery(standings=frozenset({Standing.ACTIVIST, Standing.CANDIDATE}), include_closed=False)
        )
        if not people:
            prompts.inform(self, "添加列席人员", "发展党员档案中没有入党积极分子或发展对象。")
            return
        menu = QMenu(self)
        for p in people:
            action = menu.addAction(f"{p.name}（{p.standing.label}）")
            action.setData((p.name, p.standing.label, p.id))
        chosen = menu.exec(
            self.add_candidate_button.mapToGlobal(self.add_candidate_button.rect().bottomLeft())
        )
        if chosen is not None:
            name, role, dossier_id = chosen.data()
            self.add_observer(name, role, dossier_id)

    def add_observer(self, name: str, role: str, dossier_id: int | None = None) -> None:
        self.observers.add_row([name, role])
        if dossier_id is not None:
            self.observer_dossiers[name] = dossier_id

    # ================================================================== agenda
    def _fill_agenda_list(self) -> None:
        self.agenda_list.blockSignals(True)
        self.agenda_list.clear()
        for i, item in enumerate(self.agenda, 1):
            mark = "" if item.vote is None else ("（表决通过）" if item.passed else "（表决未通过）")
            self.agenda_list.addItem(f"{i}. {item.title}{mark}")
        self.agenda_list.blockSignals(False)
        row = min(max(self._current_item, 0), len(self.agenda) - 1)
        self._current_item = -1
        if self.agenda:
            self.agenda_list.setCurrentRow(row)
            self._show_item(row)
        else:
            self._show_item(-1)

    def _store_item(self) -> None:
        """Keep the edits of the item on screen in ``self.agenda``."""
        i = self._current_item
        if not 0 <= i < len(self.agenda):
            return
        item = self.agenda[i]
        kind = self.vote_kind.currentData() or ""
        dossier_id = self.dossier_box.currentData() if kind in DOSSIER_KINDS else None
        self.agenda[i] = replace(
            item, title=self.item_title.text().strip(), discussion=self.item_discussion.toPlainText().strip(),
            decision=self.item_decision.toPlainText().strip(),
            vote_kind=item.vote_kind if item.vote is not None else kind,
            dossier_id=item.dossier_id if item.vote is not None else dossier_id,
        )  # fmt: skip

    def _show_item(self, row: int) -> None:
        was_loading = self._loading
        self._loading = True
        try:
            self._current_item = row
            has = 0 <= row < len(self.agenda)
            self.item_editor.setEnabled(has)
            item = self.agenda[row] if has else Agenda("")
            self.item_title.setText(item.title)
            self.item_discussion.setPlainText(item.discussion)
            self.item_decision.setPlainText(item.decision)
            self.vote_kind.setCurrentIndex(max(self.vote_kind.findData(str(item.vote_kind or "")), 0))
            self._fill_dossiers(item.dossier_id)
            failed = item.dossier_id is not None and item.passed is False
            self.vote_result.setText(vote_summary(item, self._person_name(item.dossier_id) if failed else ""))
            colour = "#666" if item.vote is None else ("#2e7d32" if item.passed else "#c62828")
            self.vote_result.setStyleSheet(f"color: {colour}; font-weight: bold;")
        finally:
            self._loading = was_loading
        self._sync_vote_rows()

    def _on_item_selected(self, row: int) -> None:
        self._store_item()
        self._show_item(row)

    def _on_item_title(self, text: str) -> None:
        i = self._current_item
        if 0 <= i < len(self.agenda):
            self.agenda[i] = replace(self.agenda[i], title=text.strip())
            self.agenda_list.item(i).setText(f"{i + 1}. {text.strip()}")
            self._agenda_touched = True
            self._mark_dirty()

    def _on_vote_kind(self) -> None:
        if self._loading:
            return
        self._fill_dossiers(None)
        self._sync_vote_rows()

    def _fill_dossiers(self, selected: int | None) -> None:
        from branchdesk.domain.development import Standing
        from branchdesk.services.development import DossierQuery

        kind = self.vote_kind.currentData() or ""
        self.dossier_box.clear()
        self.dossier_hint.setVisible(False)
        if kind not in DOSSIER_KINDS:
            return
        standing = Standing.CANDIDATE if kind == VoteKind.ADMISSION.value else Standing.PROBATIONARY
        people = self.ctx.development.list(
            DossierQuery(standings=frozenset({standing}), include_closed=False)
        )
        self.dossier_box.addItem("（请选择）" if people or selected else "（没有可选的人员）", None)
        if not people and not selected:
            if kind == VoteKind.ADMISSION.value:
                why = ("发展党员档案中没有处于“发展对象”阶段的人：接收预备党员须先在“发展党员”页记录"
                       "“确定为发展对象”及其后的步骤（政治审查、集中培训、支委会审查、上级预审）。")  # fmt: skip
            else:
                why = ("发展党员档案中没有预备党员：请先在“发展党员”页为其建立档案，或为花名册中的预备党员"
                       "“补建档案”。")  # fmt: skip
            self.dossier_hint.setText(why)
        self.dossier_hint.setVisible(not people and not selected)
        for p in people:
            self.dossier_box.addItem(f"{p.name}（{p.standing.label}）", p.id)
        if selected is not None and self.dossier_box.findData(selected) < 0:
            d = self.ctx.development.get(selected)
            self.dossier_box.addItem(f"{d.person.name}（{d.standing.label}）", selected)
        self.dossier_box.setCurrentIndex(max(self.dossier_box.findData(selected), 0) if selected else 0)

    def _sync_vote_rows(self) -> None:
        kind = self.vote_kind.currentData() or ""
        i = self._current_item
        voted = 0 <= i < len(self.agenda) and self.agenda[i].vote is not None
        form = self.vote_form
        form.setRowVisible(self.dossier_box, kind in DOSSIER_KINDS)
        form.setRowVisible(self.dossier_hint, kind in DOSSIER_KINDS and bool(self.dossier_hint.text())
                           and self.dossier_box.currentData() is None and self.dossier_box.count() <= 1)  # fmt: skip
        form.setRowVisible(self.months, kind == VoteKind.EXTENSION.value)
        form.setRowVisible(self.vote_reason, kind in (VoteKind.EXTENSION.value, VoteKind.CANCELLATION.value))
        form.setRowVisible(self.vote_button_row, bool(kind) and not voted)
        sealed = self.meeting.sealed
        item = self.agenda[i] if voted else None
        failed_conversion = (
            item is not None and item.dossier_id is not None and item.passed is False
            and _vote_kind(item.vote_kind) is VoteKind.CONVERSION
        )  # fmt: skip
        form.setRowVisible(self.follow_up_row, failed_conversion and not sealed)
        for w in (self.vote_kind, self.dossier_box, self.months, self.vote_reason):
            w.setEnabled(not voted and not sealed)

    def add_agenda_item(self, title: str = "新议程") -> int:
        self._store_item()
        self.agenda.append(Agenda(title if isinstance(title, str) and title else "新议程"))
        self._agenda_touched = True
        self._mark_dirty()
        self._current_item = len(self.agenda) - 1
        self._fill_agenda_list()
        self.item_title.setFocus()
        self.item_title.selectAll()
        return self._current_item

    def add_follow_up(self, kind: VoteKind | str) -> int:
        """After a failed conversion vote: a new item right after it, voting on extending the same
        person's probation or cancelling it (months and reason are filled in before 表决计票)."""
        self._store_item()
        i = self._current_item
        if not 0 <= i < len(self.agenda) or self.agenda[i].dossier_id is None:
            return -1
        dossier_id = self.agenda[i].dossier_id
        name = self._person_name(dossier_id)
        kind = VoteKind(kind)
        title = (
            f"讨论延长{name}同志的预备期"
            if kind is VoteKind.EXTENSION
            else f"讨论取消{name}同志的预备党员资格"
        )
        self.agenda.insert(i + 1, Agenda(title, vote_kind=kind, dossier_id=dossier_id))
        self._agenda_touched = True
        self._mark_dirty()
        self._current_item = i + 1
        self._fill_agenda_list()
        (self.months if kind is VoteKind.EXTENSION else self.vote_reason).setFocus()
        return i + 1

    def _person_name(self, dossier_id: int | None) -> str:
        if dossier_id is None:
            return ""
        try:
            return self.ctx.development.get(dossier_id).person.name
        except LookupError:
            return ""

    def remove_agenda_item(self) -> None:
        i = self._current_item
        if not 0 <= i < len(self.agenda):
            return
        if self.agenda[i].vote is not None:
            prompts.warn(
                self, "删除议程", "这一项已经表决，不能删除（表决已记入发展党员档案时尤其不能删除）。"
            )
            return
        del self.agenda[i]
        self._current_item = max(i - 1, 0)
        self._agenda_touched = True
        self._mark_dirty()
        self._fill_agenda_list()

    def move_agenda_item(self, step: int) -> None:
        self._store_item()
        i = self._current_item
        j = i + step
        if not (0 <= i < len(self.agenda) and 0 <= j < len(self.agenda)):
            return
        self.agenda[i], self.agenda[j] = self.agenda[j], self.agenda[i]
        self._current_item = j
        self._agenda_touched = True
        self._mark_dirty()
        self._fill_agenda_list()

    def select_item(self, row: int) -> None:
        self.agenda_list.setCurrentRow(row)

    # ================================================================== grades
    def _fill_grades(self) -> None:
        have = {r[0] for r in self.grades.rows()}
        for a in self.attendance.attendees():
            if a.name not in have:
                self.grades.add_row([a.name, AppraisalGrade.QUALIFIED.label])

    def _update_grade_counts(self) -> None:
        grades = []
        for name, grade, *_rest in self.grades.rows():
            try:
                grades.append(Grade(None, name, AppraisalGrade.from_label(grade)))
            except ValueError:
                continue
        counts = grade_counts(grades)
        self.grades_counts.setText("　".join(f"{g.label} {n} 人" for g, n in counts.items()))

    # ================================================================== collecting
    def problems(self) -> list[str]:
        out = []
        on = self.date.date()
        if on is None:
            out.append(f"会议日期：{self.date.error() or '请填写会议日期'}")
        for label, edit in (("开始时间", self.start_time), ("结束时间", self.end_time)):
            if edit.error():
                out.append(f"{label}：{edit.error()}")
        if self.current_audience() is Audience.GROUP and self.group_box.currentData() is None:
            out.append("党小组会须选择党小组")
        out += self.observers.problems("列席人员")
        out += self.grades.problems("评议等次")
        out += self.remediation.problems("整改清单")
        out += self.talks.problems("谈心谈话")
        for row in range(self.attendance.rowCount()):
            if self.attendance.missing_reason(row):
                a = self.attendance.attendees()[row]
                out.append(f"出席情况：{a.name}{AttendanceStatus(a.status).label}，请填写原因")
        return out

    def form_meeting(self) -> Meeting:
        """The record as the form shows it (not yet saved)."""
        self._store_item()
        kind, name = self.current_type()
        audience = self.current_audience()
        on = self.date.date() or self.meeting.date
        status = MeetingStatus(self.meeting.status)
        if status is not MeetingStatus.SEALED:  # a meeting ahead is planned; one held is a draft
            status = MeetingStatus.PLANNED if on > self.today else MeetingStatus.DRAFT
        group_id = self.group_box.currentData() if audience is Audience.GROUP else None
        group_name = self.group_box.currentText() if group_id is not None else ""
        dates = parse_cell_date
        return replace(
            self.meeting, type=kind, custom_type_name=name, audience=audience, group_id=group_id,
            group_name=group_name, date=on, status=status,
            start_time=_time_of(self.start_time), end_time=_time_of(self.end_time),
            mode=MeetingMode(self.mode.currentData()), platform=self.platform.text().strip(),
            place=self.place.text().strip(), chair=self.chair.currentText().strip(),
            recorder=self.recorder.currentText().strip(),
            lecturer=self.lecturer.currentText().strip() if kind is MeetingType.LECTURE else self.meeting.lecturer,
            theme=self.theme.text().strip(), discussion=self.discussion.toPlainText().strip(),
            decisions=self.decisions.toPlainText().strip(), attendance=self.attendance.attendees(),
            observers=tuple(Observer(n, r, self.observer_dossiers.get(n)) for n, r in self.observers.rows()),
            agenda=tuple(self.agenda),
            grades=tuple(Grade(None, n, AppraisalGrade.from_label(g), note, _votes(votes))
                         for n, g, *votes, note in self.grades.rows()),
            remediation=tuple(Remediation(p, m, o, dates(d), dates(x), e) for p, m, o, d, x, e in self.remediation.rows()),
            talks=tuple(TalkPair(a, b, dates(d), s) for a, b, d, s in self.talks.rows()),
            for_year=self.for_year.currentData() if kind in ANNUAL_TYPES else None,
        )  # fmt: skip

    def _doc_subject(self) -> tuple[int, str] | None:
        """生成材料: the stored record (a new one is saved first, asked)."""
        if self.meeting.id is None or self.dirty:
            if not prompts.ask(self, "生成材料", "生成材料前需要先保存会议记录。现在保存吗？", yes="保存"):
                return None
            if not self.save(close=False):
                return None
        return self.meeting.id, f"{self.meeting.date.isoformat()}{self.meeting.title}"

    def _fill_for_year(self, year: int | None = None) -> None:
        """所属年度: the year held or the one before; the default follows the date until chosen."""
        from branchdesk.domain.meetings import default_record_year

        on = self.date.date() or self.meeting.date
        kind, _ = self.current_type()
        if year is None:
            current = self.for_year.currentData()
            year = current if self._for_year_chosen and current in (on.year - 1, on.year) else None
        if year is None:
            year = default_record_year(kind, on)
        self.for_year.blockSignals(True)
        self.for_year.clear()
        for y in (on.year, on.year - 1):
            self.for_year.addItem(f"{y}年度", y)
        self.for_year.setCurrentIndex(max(self.for_year.findData(year), 0))
        self.for_year.blockSignals(False)

    # ================================================================== actions
    def save(self, *, close: bool = True) -> bool:
        """保存 (Ctrl+S): store the record; the dialog closes unless ``close`` is False."""
        if self.meeting.sealed:
            return False
        problems = self.problems()
        if problems:
            self.errors.set_messages(problems)
            return False
        try:
            stored = self.service.save(self._with_member_ids(self.form_meeting()))
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues])
            return False
        self.errors.clear()
        self.changed = True
        self.load(stored)
        if close:
            self.accept()
        return True

    def _with_member_ids(self, m: Meeting) -> Meeting:
        """Grades typed by name get the member id of the attendance line of that name."""
        ids = {a.name: a.member_id for a in m.attendance}
        return replace(m, grades=tuple(replace(g, member_id=ids.get(g.name)) for g in m.grades))

    def _ensure_saved(self) -> bool:
        if self.meeting.id is None or self.dirty:
            return self.save(close=False)
        return True

    def record_vote(self) -> bool:
        """表决计票: save the record, count the vote, record it through the service (with the
        dossier when the item names one). A refusal says which rule and why; nothing is written."""
        from branchdesk.services.development import NeedsReason, StepRefused
        from branchdesk.ui.dialogs.step_dialog import ask_reasons, finding_line

        self._store_item()
        i = self._current_item
        if not 0 <= i < len(self.agenda):
            return False
        item = self.agenda[i]
        kind = self.vote_kind.currentData() or ""
        if not kind:
            self.errors.set_messages(["请先选择表决事项"])
            return False
        dossier_id = self.dossier_box.currentData() if kind in DOSSIER_KINDS else None
        if kind in DOSSIER_KINDS and dossier_id is None:
            self.errors.set_messages(["请选择表决的发展对象（表决结果同时记入其发展党员档案）"])
            return False
        problems = self.problems()
        if problems:
            self.errors.set_messages(problems)
            return False
        try:
            wait = self.ctx.development.rule_settings().resubmit_wait_months
        except Exception:  # the explanation must not stop the count: the usual 6 months then
            wait = 6
        # the count is taken over the form as it is (attendance not yet saved included); nothing is
        # written until the vote is recorded: cancelling here leaves the record as it was
        dialog = VoteDialog(
            item.title, self.form_meeting(), item.vote, self, kind=kind, person=self._person_name(dossier_id),
            months=self.months.value() if kind == VoteKind.EXTENSION.value else None, resubmit_months=wait,
        )  # fmt: skip
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        vote, exclusions = dialog.vote(), dialog.exclusions()
        if not self._ensure_saved():  # the record is saved with the vote, as one decision of the user
            return False
        reasons: dict[str, str] | None = None
        while True:
            try:
                stored = self.service.record_vote(
                    self.meeting.id, i, vote, dossier_id, kind=kind, reasons=reasons,
                    months=self.months.value() if kind == VoteKind.EXTENSION.value else None,
                    reason=self.vote_reason.text().strip(), exclusions=exclusions,
                )  # fmt: skip
            except StepRefused as exc:
                blocking = [f for f in exc.findings if f.blocking] or list(exc.findings)
                self.errors.set_messages(
                    [finding_line(f) for f in blocking],
                    title="这次表决没有记录（发展党员档案也未改动），因为违反以下规定：",
                )
                return False
            except NeedsReason as exc:
                asked = ask_reasons(self, [f for f in exc.findings if not f.blocking])
                if asked is None:
                    return False
                reasons = {**(reasons or {}), **asked}
                continue
            except ValidationError as exc:
                self.errors.set_messages([x.message for x in exc.issues])
                return False
            break
        self.errors.clear()
        self.changed = True
        self._current_item = i
        self.load(stored)
        self.tabs.setCurrentIndex(2)
        self.select_item(i)
        return True

    def finalise(self) -> bool:
        """定稿: save pending edits, ask, seal. Afterwards the record is read-only."""
        if self.meeting.sealed:
            return False
        unvoted = [
            f"第 {n} 项议程“{a.title}”设有表决事项，但还没有表决计票：请先点“表决计票…”记录表决结果，"
            "或把表决事项改为“不表决”"
            for n, a in enumerate(self.form_meeting().agenda, start=1)
            if str(a.vote_kind or "") and a.vote is None
        ]
        if unvoted:
            self.errors.set_messages(unvoted, title="还不能定稿：")
            return False
        if not prompts.ask(
            self, "会议记录定稿",
            "定稿后，这份会议记录不能再修改，只能添加更正说明（注明日期和原因）。确定定稿？", yes="定稿",
        ):  # fmt: skip
            return False
        if not self._ensure_saved():
            return False
        try:
            stored = self.service.finalise(self.meeting.id)
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues], title="还不能定稿：")
            return False
        self.errors.clear()
        self.changed = True
        self.load(stored)
        return True

    def add_amendment(self) -> bool:
        if not self.meeting.sealed:
            return False
        dialog = AmendmentDialog(self.meeting, today=self.today, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        on, reason, text = dialog.values()
        try:
            self.service.amend(self.meeting.id, reason, text, on)
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues])
            return False
        self.changed = True
        self.load(self.service.get(self.meeting.id))
        self.tabs.setCurrentIndex(self.files_tab)
        return True

    def add_attachment(self, path: Path | None = None) -> bool:
        if path is None:
            path = prompts.open_file_name(self, "添加附件", Path.home(), "所有文件 (*)")
        if path is None or not self._ensure_saved():
            return False
        try:
            self.service.add_attachment(self.meeting.id, path)
        except OSError as exc:
            prompts.warn(self, "添加附件", f"无法读取文件“{path}”：{exc.strerror or exc}")
            return False
        self.changed = True
        self.meeting = replace(self.meeting, attachments=self.service.get(self.meeting.id).attachments)
        self._fill_files()
        return True

    def _selected_attachment(self):
        row = self.files.currentRow()
        if row < 0 or row >= len(self.meeting.attachments):
            prompts.inform(self, "附件", "请先在列表中选择一个附件。")
            return None
        return self.meeting.attachments[row]

    def _attachment_bytes(self, attachment) -> bytes | None:
        from branchdesk.services.meetings import ChecksumError

        try:
            return self.service.attachment_content(attachment.id)
        except ChecksumError as exc:
            prompts.warn(self, "附件已损坏", str(exc))
            return None

    def open_attachment(self) -> None:
        from branchdesk.ui.widgets.attachment_open import open_attachment_bytes

        attachment = self._selected_attachment()
        content = self._attachment_bytes(attachment) if attachment else None
        if content is not None:
            open_attachment_bytes(self, attachment.file_name, content)

    def export_attachment(self) -> None:
        attachment = self._selected_attachment()
        if attachment is None:
            return
        from branchdesk.domain.file_names import safe_file_name

        target = prompts.save_file_name(
            self, "导出附件", Path.home() / safe_file_name(attachment.file_name), "所有文件 (*)"
        )
        content = self._attachment_bytes(attachment) if target else None
        if content is None:
            return
        target.write_bytes(content)
        prompts.file_saved(self, "导出附件", f"已导出：{target}", target)

    # ================================================================== read-only after 定稿
    def _apply_read_only(self) -> None:
        m = self.meeting
        viewer = not self.ctx.ws.principal.can_edit  # 查阅: reads the record, cannot change it
        sealed = m.sealed or viewer
        for w in (self.type_box, self.group_box, self.mode, self.chair, self.recorder, self.lecturer):
            w.setEnabled(not sealed)
        for w in (self.platform, self.place, self.theme, self.item_title):
            w.setReadOnly(sealed)
        for w in (self.discussion, self.decisions, self.item_discussion, self.item_decision):
            w.setReadOnly(sealed)
        for w in (self.start_time, self.end_time):
            w.setReadOnly(sealed)
        self.date.setReadOnly(sealed)
        self.attendance.set_read_only(sealed)
        for editor in (self.observers, self.grades, self.remediation, self.talks):
            editor.set_read_only(sealed)
        for b in (self.all_present_button, self.exclude_button, self.include_button, self.refill_button,
                  self.add_candidate_button, self.add_item_button,
                  self.remove_item_button, self.up_button, self.down_button, self.grades_fill_button):  # fmt: skip
            b.setVisible(not sealed)
        self.save_button.setVisible(not sealed)
        self.finalise_button.setVisible(not sealed)
        self.amend_button.setVisible(m.sealed and not viewer)
        self.amend_button_inline.setVisible(m.sealed and not viewer)
        self.cancel_button.setText("关闭" if sealed else "取消")
        self._sync_vote_rows()
        if viewer:
            self.sealed_label.setText("当前用户（查阅）只能查看会议记录，不能修改。")
        elif sealed:
            when = m.sealed_at.astimezone().strftime("%Y-%m-%d %H:%M") if m.sealed_at else ""
            count = f"已有 {len(m.amendments)} 条更正说明（见“附件与更正”）。" if m.amendments else ""
            self.sealed_label.setText(
                f"本记录已于 {when} 由 {m.sealed_by or '—'} 定稿，不能再修改；如需更正，请点“添加更正…”，"
                f"注明日期和原因。{count}"
            )
        self.sealed_label.setVisible(sealed)

    # ================================================================== closing
    def reject(self) -> None:
        """Esc / 取消: ask before dropping unsaved changes."""
        if self.dirty and not self.meeting.sealed and not prompts.ask(
            self, "放弃修改", "会议记录有尚未保存的修改，确定放弃这些修改并关闭？", yes="放弃修改", no="继续编辑",
            danger=True,
        ):  # fmt: skip
            return
        super().reject()


def open_meeting(parent: QWidget, ctx, service, meeting: Meeting, *, today: dt.date | None = None) -> bool:
    """Show the editor for ``meeting``; True when something was written."""
    dialog = MeetingDialog(ctx, service, meeting, today=today, parent=parent)
    dialog.exec()
    return dialog.changed
