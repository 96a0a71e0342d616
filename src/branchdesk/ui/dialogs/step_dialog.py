"""Record one step of a development dossier (发展党员 第N步) with the form that step needs.

The date is always asked; the rest depends on the step: a talk has its kind, interviewers, place and
summary; sponsors are two members picked from the roster; training has its dates, days, hours and
certificate; a general-meeting vote has the vote calculator … ``values()`` turns the form into the
dossier fields of :func:`branchdesk.domain.development.apply_step`.

While the form is filled in, the rules are checked live (``domain.rules.check_step``) and shown under
the form. 保存 calls ``DevelopmentService.record``: a blocking finding (StepRefused) is listed with
its rule code and the dialog stays open, nothing written; warnings (NeedsReason) ask for a reason
per warning (``ask_reasons``, patchable in tests) and the step is recorded with those reasons.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    Dossier,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Period,
    PoliticalReview,
    PreReview,
    Recommendation,
    Sponsor,
    Step,
    Talk,
    TalkKind,
    ThoughtReport,
    Training,
)
from branchdesk.domain.rules import Finding, Severity
from branchdesk.services.development import MANUAL_EXPECTED
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import fit_on_screen, save_cancel_buttons
from branchdesk.ui.widgets.form_errors import ErrorPanel

BLOCKING_COLOUR = "#c62828"
WARNING_COLOUR = "#b26a00"

_TALK_KIND = {
    Step.FIRST_TALK: TalkKind.FIRST,
    Step.HIGHER_TALK: TalkKind.HIGHER,
}
_FILING_KIND = {
    Step.ACTIVIST_FILING: FilingKind.ACTIVIST,
    Step.CANDIDATE_FILING: FilingKind.CANDIDATE,
    Step.ADMISSION_FILING: FilingKind.ADMISSION,
}
_DATE_ONLY = {
    Step.APPLICATION: ("application_date", "递交日期"),
    Step.COMMITTEE_REVIEW: ("committee_review_date", "审查日期"),
    Step.ASSIGNMENT: ("assignment_date", "编入日期"),
    Step.OATH: ("oath_date", "宣誓日期"),
    Step.CONVERSION_APPLICATION: ("conversion_application_date", "申请日期"),
}

# Conversion meeting decisions (党章7): on time, extension of probation, cancellation.
DECISION_CONVERT, DECISION_EXTEND, DECISION_CANCEL = "convert", "extend", "cancel"
#: The name under which a typed-in 应到 (differing from the roster) keeps its reason with the vote.


def finding_line(f: Finding) -> str:
    """One finding as the user reads it: "【严重】消息（DEV-AGE）"."""
    return f"【{f.severity.label}】{f.message_zh}（{f.code}）"


def finding_colour(f: Finding) -> str:
    return BLOCKING_COLOUR if f.severity is Severity.BLOCKING else WARNING_COLOUR


def findings_html(findings: Iterable[Finding]) -> str:
    from html import escape

    return "<br>".join(
        f'<span style="color:{finding_colour(f)}">{escape(finding_line(f))}</span>' for f in findings
    )


class ReasonsDialog(QDialog):
    """One line per warning: the rule's message and a field for the reason to proceed anyway."""

    def __init__(self, findings: list[Finding], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("需要说明原因")
        self.edits: dict[str, QLineEdit] = {}
        layout = QVBoxLayout(self)
        intro = QLabel("以下提醒不妨碍记录，但须逐条说明原因（原因会记入档案的操作记录）：")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        for f in findings:
            if f.code in self.edits:
                continue
            text = QLabel(finding_line(f))
            text.setWordWrap(True)
            text.setStyleSheet(f"color: {WARNING_COLOUR};")
            edit = QLineEdit()
            edit.setPlaceholderText("原因")
            edit.setMaxLength(500)
            self.edits[f.code] = edit
            form.addRow(text)
            form.addRow("原因：", edit)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {BLOCKING_COLOUR};")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        buttons.addButton("记录", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("返回修改", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def reasons(self) -> dict[str, str]:
        return {code: edit.text().strip() for code, edit in self.edits.items()}

    def _accept(self) -> None:
        if any(not reason for reason in self.reasons().values()):
            self.error.setText("每条提醒都须填写原因。")
            self.error.show()
            return
        self.accept()


def ask_reasons(parent: QWidget | None, findings: list[Finding]) -> dict[str, str] | None:
    """Ask a reason for each warning; None when the user goes back to the form."""
    dialog = ReasonsDialog(findings, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.reasons()


def _text_edit(placeholder: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setMaximumHeight(edit.fontMetrics().height() * 5)
    return edit


def _line(placeholder: str = "", max_length: int = 200) -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def _enum_combo(enum, *, blank: bool = False) -> QComboBox:
    """A combo of an enum's labels. Qt hands StrEnum data back as plain str: read with ``_enum_of``."""
    combo = QComboBox()
    combo._bd_enum = enum  # type: ignore[attr-defined]
    if blank:
        combo.addItem("", None)
    for item in enum:
        combo.addItem(item.label, item.value)
    return combo


def _enum_of(combo: QComboBox):
    value = combo.currentData()
    return combo._bd_enum(value) if value else None  # type: ignore[attr-defined]


def _names(text: str) -> tuple[str, ...]:
    for sep in ("，", ",", "、", ";", "；"):
        text = text.replace(sep, " ")
    return tuple(part for part in text.split() if part)


class MemberPicker(QComboBox):
    """An editable combo of the branch's members: "张三", "赵敏（预备党员）" … or a typed name."""

    def __init__(self, members: list[Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.addItem("", None)
        for record in members:
            label = record.name
            if record.member_type != "full":
                label += f"（{record.type_label}）"
            self.addItem(label, record)
        self.lineEdit().setPlaceholderText("从本支部党员中选择，或输入姓名")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("欧阳某某（预备党员）") + 40)

    def record(self):
        """The member picked, or typed by name with or without the label ("蔡浩然" finds
        "蔡浩然（预备党员）")."""
        from branchdesk.domain.members import bare_name

        index = self.findText(self.currentText().strip())
        if index >= 0:
            return self.itemData(index)
        name = bare_name(self.currentText())
        found = [self.itemData(i) for i in range(1, self.count()) if self.itemData(i).name == name]
        return found[0] if len(found) == 1 else None

    def name(self) -> str:
        record = self.record()
        return record.name if record is not None else self.currentText().strip()

    def pick(self, name: str) -> None:
        for i in range(self.count()):
            record = self.itemData(i)
            if record is not None and record.name == name:
                self.setCurrentIndex(i)
                return
        self.setEditText(name)


class PersonPicker(QWidget):
    """A member of the branch (:class:`MemberPicker`), or a member of another branch typed by name and
    marked 外支部党员 with the standing the user states (正式/预备)."""

    def __init__(self, members: list[Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.member = MemberPicker(members)
        self.outside = QCheckBox("外支部党员")
        self.outside.setToolTip("不是本支部花名册中的党员：勾选后注明其是正式党员还是预备党员")
        self.standing = QComboBox()
        self.standing.addItems(["正式党员", "预备党员"])
        self.standing.setVisible(False)
        self.outside.toggled.connect(self.standing.setVisible)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.member, 1)
        row.addWidget(self.outside)
        row.addWidget(self.standing)

    def name(self) -> str:
        from branchdesk.domain.members import bare_name

        return bare_name(self.member.name())

    def record(self):
        return None if self.outside.isChecked() else self.member.record()

    def is_outside(self) -> bool:
        return self.outside.isChecked()

    def full_member(self) -> bool:
        return self.standing.currentIndex() == 0

    def pick(self, name: str) -> None:
        self.member.pick(name)

    def problem(self, label: str) -> str | None:
        """Why the person cannot be recorded (a typed name neither on the roster nor marked outside)."""
        if self.name() and not self.is_outside() and self.record() is None:
            return (
                f"{label}“{self.name()}”不在本支部花名册中：请从列表中选择；"
                "如是其他党支部的党员，请勾选“外支部党员”并选择其身份"
            )
        return None


class StepDialog(QDialog):
    """Record ``step`` on ``dossier``. After Accepted, ``.result_dossier`` is the saved snapshot."""

    def __init__(self, ctx, service, dossier: Dossier, step: Step, *, today: dt.date | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.dossier = dossier
        self.step = step
        self.today = today or dt.date.today()
        self.result_dossier: Dossier | None = None
        self.result_findings: list[Finding] = []
        self._rule_ctx = None
        self._members: list[Any] | None = None
        self.vote_calc = None
        self._extra_problems: list[Callable[[], list[str]]] = []

        self.setWindowTitle(f"{dossier.person.name} — {step.title}")
        header = QLabel(f"{dossier.person.name}　{step.title}")
        font = header.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        header.setFont(font)

        body = QWidget()
        self.form = QFormLayout(body)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setContentsMargins(12, 10, 12, 10)
        self.form.setVerticalSpacing(8)
        self.date = DateField()
        self.date.setObjectName("stepDate")
        self.date.setDate(self.today)
        self._collect: Callable[[dt.date], dict[str, Any]] = self._build_form()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        self.rules_label = QLabel()
        self.rules_label.setObjectName("stepRules")
        self.rules_label.setWordWrap(True)
        self.rules_label.setTextFormat(Qt.TextFormat.RichText)
        self.rules_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rules_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # The live findings may be many lines: they scroll, the form keeps its room.
        rules_scroll = QScrollArea()
        rules_scroll.setWidgetResizable(True)
        rules_scroll.setFrameShape(QFrame.Shape.NoFrame)
        rules_scroll.setWidget(self.rules_label)
        rules_scroll.setMaximumHeight(self.fontMetrics().height() * 7)
        scroll.setMinimumHeight(min(body.sizeHint().height() + 4, 460))
        self.errors = ErrorPanel()

        buttons, self.save_button, self.cancel_button = save_cancel_buttons(self, self.save, save_text="记录")
        if self.vote_calc is not None:
            self._show_vote_outcome()

        layout = QVBoxLayout(self)
        layout.addWidget(header)
        layout.addWidget(scroll, 1)
        if self.vote_calc is not None:
            layout.addWidget(self.vote_outcome)
        layout.addWidget(rules_scroll)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(250)
        self._live.timeout.connect(self.refresh_rules)
        for child in body.findChildren(QWidget):
            self._watch(child)
        self.refresh_rules()
        width, height = (780, 860) if self.vote_calc is not None else (600, 360)
        fit_on_screen(self, max(self.sizeHint().width(), width), max(self.sizeHint().height(), height))
        self.date.setFocus()

    # ---- helpers ---------------------------------------------------------------------------------
    def _watch(self, widget: QWidget) -> None:
        signal = None
        if isinstance(widget, DateField):
            signal = widget.dateChanged
        elif isinstance(widget, (QLineEdit, QPlainTextEdit)):
            signal = widget.textChanged
        elif isinstance(widget, QComboBox):
            signal = widget.currentTextChanged
        elif isinstance(widget, QSpinBox):
            signal = widget.valueChanged
        elif isinstance(widget, QCheckBox):
            signal = widget.toggled
        if signal is not None:
            signal.connect(lambda *_: self._live.start())

    def members(self) -> list[Any]:
        """The branch's current members (active), for pickers; full members first."""
        if self._members is None:
            from branchdesk.services.members import MemberQuery

            records = self.ctx.members.records(MemberQuery())
            self._members = sorted(records, key=lambda r: r.member_type != "full")
        return self._members

    def rule_context(self):
        if self._rule_ctx is None:
            self._rule_ctx = self.service.rule_context(self.today)
        return self._rule_ctx

    def _row(self, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label + "：", widget)
        return widget

    # ---- the forms -------------------------------------------------------------------------------
    def _build_form(self) -> Callable[[dt.date], dict[str, Any]]:
        s = self.step
        if s in _DATE_ONLY:
            name, label = _DATE_ONLY[s]
            self._row(label, self.date)
            return lambda d: {name: d}
        if s in _TALK_KIND:
            return self._talk_form(_TALK_KIND[s])
        if s in _FILING_KIND:
            return self._filing_form(_FILING_KIND[s])
        builder = {
            Step.ACTIVIST: self._activist_form,
            Step.CONTACTS: self._contacts_form,
            Step.ASSESSMENT: self._assessment_form,
            Step.CANDIDATE: self._candidate_form,
            Step.SPONSORS: self._sponsors_form,
            Step.POLITICAL_REVIEW: self._review_form,
            Step.TRAINING: self._training_form,
            Step.PRE_REVIEW: self._pre_review_form,
            Step.VOLUNTEER_FORM: self._volunteer_form,
            Step.ADMISSION_VOTE: self._admission_vote_form,
            Step.APPROVAL: lambda: self._approval_form("approval"),
            Step.CONVERSION_APPROVAL: lambda: self._approval_form("conversion_approval"),
            Step.PROBATION_EDUCATION: self._thought_report_form,
            Step.CONVERSION_VOTE: self._conversion_vote_form,
            Step.ARCHIVE: self._archive_form,
        }[s]
        return builder()

    def _talk_form(self, kind: TalkKind) -> Callable[[dt.date], dict[str, Any]]:
        self._row("谈话日期", self.date)
        self.talk_kind = self._row("谈话类别", _enum_combo(TalkKind))
        self.talk_kind.setCurrentIndex(self.talk_kind.findData(kind.value))
        self.interviewers = self._row("谈话人", _line("两人以上用顿号分隔，如 王书记、李委员"))
        self.place = self._row("地点", _line("如 党员活动室"))
        self.summary = self._row("谈话内容摘要", _text_edit("谈话的主要内容和本人的表现"))
        self._extra_problems.append(lambda: [] if _names(self.interviewers.text()) else ["请填写谈话人"])
        return lambda d: {
            "talks": Talk(
                _enum_of(self.talk_kind),
                d,
                _names(self.interviewers.text()),
                self.place.text().strip(),
                self.summary.toPlainText().strip(),
            )
        }

    def _filing_form(self, kind: FilingKind) -> Callable[[dt.date], dict[str, Any]]:
        self._row("备案日期", self.date)
        self.filing_to = self._row("备案机关", _line("如 学院党委"))
        higher = getattr(self.ctx.branch.profile(), "higher_committee", "") if self.ctx is not None else ""
        self.filing_to.setText(higher or "")
        self.filing_number = self._row("备案编号", _line("可不填", 50))
        return lambda d: {
            "filings": Filing(kind, d, self.filing_to.text().strip(), self.filing_number.text().strip())
        }

    def _publicity_rows(self, what: str) -> tuple[DateField, DateField]:
        start, end = DateField(placeholder="公示开始"), DateField(placeholder="公示结束")
        self._row(f"{what}公示开始", start)
        self._row(f"{what}公示结束", end)
        return start, end

    @staticmethod
    def _period(start: DateField, end: DateField) -> Period | None:
        a, b = start.date(), end.date()
        return Period(a, b) if a and b else None

    def _activist_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("确定日期", self.date)
        self.recommendation = self._row("推荐方式", _enum_combo(Recommendation))
        self.decided_by = self._row("决定机构", _enum_combo(DecisionBody))
        self.act_pub = self._publicity_rows("")
        return lambda d: {
            "activist_date": d,
            "activist_recommendation": _enum_of(self.recommendation),
            "activist_decided_by": _enum_of(self.decided_by),
            **({"activist_publicity": p} if (p := self._period(*self.act_pub)) else {}),
        }

    def _pickers(self, count: int, label: str) -> list[PersonPicker]:
        pickers = []
        for i in range(count):
            picker = PersonPicker([m for m in self.members()])
            pickers.append(self._row(f"{label}{'一二'[i]}", picker))
        self._extra_problems.append(lambda: [p for x in pickers if (p := x.problem(label))])
        return pickers

    def _picked(self, pickers: list[PersonPicker], on: dt.date, factory) -> list[Any]:
        """The people picked; the service resolves members against the roster on ``on`` again."""
        out = []
        for picker in pickers:
            name = picker.name()
            if not name:
                continue
            if picker.is_outside():
                out.append(factory(name, picker.full_member(), False, None, True))
                continue
            record = picker.record()
            full = record is None or record.member_type == "full"
            watch = bool(record is not None and record.watch_until and record.watch_until >= on)
            out.append(factory(name, full, watch, record.id if record is not None else None, False))
        return out

    def _contacts_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("指定日期", self.date)
        self.contact_pickers = self._pickers(2, "培养联系人")
        self._extra_problems.append(
            lambda: [] if any(p.name() for p in self.contact_pickers) else ["请至少指定一名培养联系人"]
        )
        return lambda d: {
            "contacts": self._picked(
                self.contact_pickers, d, lambda n, full, _w, mid, out: ContactPerson(n, full, d, mid, out)
            )
        }

    def _assessment_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("考察日期", self.date)
        self.opinion = self._row("考察意见", _text_edit("党支部对本人半年来表现的考察意见"))
        return lambda d: {"assessments": Assessment(d, self.opinion.toPlainText().strip())}

    def _candidate_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("确定日期", self.date)
        self.decided_by = self._row("决定机构", _enum_combo(DecisionBody))
        self.cand_pub = self._publicity_rows("")
        return lambda d: {
            "candidate_date": d,
            "candidate_decided_by": _enum_of(self.decided_by),
            **({"publicity": p} if (p := self._period(*self.cand_pub)) else {}),
        }

    def _sponsors_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("确定日期", self.date)
        self.sponsor_pickers = self._pickers(2, "入党介绍人")
        for picker, contact in zip(self.sponsor_pickers, self.dossier.contacts, strict=False):
            picker.pick(contact.name)  # usually the contact persons
        return lambda d: {
            "sponsors": self._picked(
                self.sponsor_pickers, d, lambda n, full, watch, mid, out: Sponsor(n, full, watch, mid, out)
            ),
            "sponsors_date": d,
        }

    def _review_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("结论日期", self.date)
        self.review_passed = self._row("结论", QCheckBox("政治审查合格"))
        self.review_passed.setChecked(True)
        self.review_text = self._row("审查结论", _text_edit("书面审查结论"))
        return lambda d: {
            "political_review": PoliticalReview(
                d, self.review_passed.isChecked(), self.review_text.toPlainText().strip()
            )
        }

    def _training_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self.training_start = self._row("开始日期", DateField())
        self._row("结束日期", self.date)
        self.training_days = self._row("培训天数", QSpinBox())
        self.training_days.setRange(0, 365)
        self.training_days.setSpecialValueText("按起止日期计算")
        self.training_days.setSuffix(" 天")
        self.training_hours = self._row("培训学时", QSpinBox())
        self.training_hours.setRange(0, 999)
        self.training_hours.setSuffix(" 学时")
        self.certificate = self._row("结业证书", _line("证书编号或名称"))
        self._extra_problems.append(lambda: [] if self.training_start.date() else ["请填写培训开始日期"])
        return lambda d: {
            "training": Training(
                self.training_start.date() or d,
                d,
                self.training_days.value() or None,
                self.training_hours.value() or None,
                self.certificate.text().strip(),
            )
        }

    def _pre_review_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("预审日期", self.date)
        self.pre_passed = self._row("结论", QCheckBox("预审合格（发给入党志愿书）"))
        self.pre_passed.setChecked(True)
        return lambda d: {"pre_review": PreReview(d, self.pre_passed.isChecked())}

    def _volunteer_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("填写日期", self.date)
        self.form_number = self._row("志愿书编号", _line("如 2026-017", 50))
        return lambda d: {"volunteer_form_date": d, "volunteer_form_number": self.form_number.text().strip()}

    def _vote_calculator(self, kind: Callable[[], str]) -> None:
        """The vote calculator, and under it what recording the vote will do (``outcome_text``) for the
        vote ``kind()`` names ("admission", "conversion", "extension", "cancellation")."""
        from branchdesk.ui.widgets.vote_calculator import VoteCalculator

        self.vote_calc = VoteCalculator()
        self.form.addRow(self.vote_calc)
        self.vote_outcome = QLabel()
        self.vote_outcome.setObjectName("voteOutcome")
        self.vote_outcome.setWordWrap(True)
        self.vote_outcome.setTextFormat(Qt.TextFormat.PlainText)  # shown under the form (not scrolled away)
        self._vote_kind = kind
        self.date.dateChanged.connect(self._load_electorate)
        self._load_electorate(self.date.date())
        self._extra_problems.append(self.vote_calc.problems)
        self.vote_calc.changed.connect(self._show_vote_outcome)
        self.date.dateChanged.connect(self._show_vote_outcome)

    def _show_vote_outcome(self, *_args) -> None:
        from branchdesk.ui.widgets.vote_calculator import outcome_text

        if not hasattr(self, "save_button"):  # still building the form
            return
        months = self.extension_months.value() if self._vote_kind() == "extension" else None
        text, state = outcome_text(
            self._vote_kind(), self.vote_calc.vote(), self.dossier.person.name, self.date.date(),
            resubmit_months=self.rule_context().settings.resubmit_wait_months, months=months,
        )  # fmt: skip
        if state is False and self.step is Step.CONVERSION_VOTE and self._vote_kind() == "conversion":
            text += "请在“支部大会决定”中选择延长预备期或取消预备党员资格，并填写该项表决的票数。"
        self.vote_outcome.setText(text)
        self.vote_outcome.setVisible(bool(text))
        colour = {True: "#2e7d32", False: "#8a4b00"}.get(state, BLOCKING_COLOUR)
        self.vote_outcome.setStyleSheet(
            f"color: {colour}; background: #fafafa; border: 1px solid #ddd; border-radius: 4px; padding: 6px;"
        )
        failed_admission = state is False and self.step is Step.ADMISSION_VOTE
        self.save_button.setText("记录（未通过）" if failed_admission else "记录")

    def _load_electorate(self, on: dt.date | None) -> None:
        electorate = None
        if on is not None:
            try:
                electorate = self.service.ws.roster.electorate(on)
            except Exception:  # a roster that cannot be read must not stop the count being typed in
                electorate = None
        self.vote_calc.set_electorate(electorate)

    def _admission_vote_form(self) -> Callable[[dt.date], dict[str, Any]]:
        """A passed vote admits; a valid vote short of a majority records that the meeting did not
        accept the person (未被接收, ``admission_vote_values``); a count without a quorum is refused."""
        from branchdesk.domain.development import admission_vote_values

        self._row("支部大会日期", self.date)
        self._vote_calculator(lambda: "admission")
        return lambda d: admission_vote_values(d, self.vote_calc.vote())

    def _conversion_vote_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("支部大会日期", self.date)
        self.decision = self._row("支部大会决定", QComboBox())
        self.decision.addItem("按期转为正式党员", DECISION_CONVERT)
        self.decision.addItem(Outcome.EXTENDED.label, DECISION_EXTEND)
        self.decision.addItem(Outcome.CANCELLED.label, DECISION_CANCEL)
        self.extension_months = self._row("延长期限", QSpinBox())
        self.extension_months.setRange(1, 24)
        self.extension_months.setValue(6)
        self.extension_months.setSuffix(" 个月")
        self.decision_reason = self._row("原因", _line("延长预备期或取消预备党员资格的原因"))
        kinds = {
            DECISION_CONVERT: "conversion",
            DECISION_EXTEND: "extension",
            DECISION_CANCEL: "cancellation",
        }
        self._vote_calculator(lambda: kinds[self.decision.currentData()])

        def sync(*_):
            decision = self.decision.currentData()
            self.form.setRowVisible(self.extension_months, decision == DECISION_EXTEND)
            self.form.setRowVisible(self.decision_reason, decision != DECISION_CONVERT)
            self._show_vote_outcome()

        self.decision.currentIndexChanged.connect(sync)
        self.extension_months.valueChanged.connect(self._show_vote_outcome)
        sync()

        def collect(d: dt.date) -> dict[str, Any]:
            vote = self.vote_calc.vote()
            decision = self.decision.currentData()
            reason = self.decision_reason.text().strip()
            if decision == DECISION_EXTEND:
                return {"extensions": Extension(d, self.extension_months.value(), vote, reason)}
            if decision == DECISION_CANCEL:
                return {
                    "outcome": Outcome.CANCELLED,
                    "outcome_date": d,
                    "outcome_reason": reason,
                    "outcome_vote": vote,
                }
            return {"conversion_meeting_date": d, "conversion_vote": vote}

        return collect

    def _approval_form(self, name: str) -> Callable[[dt.date], dict[str, Any]]:
        self._row("审批日期", self.date)
        self.extension_reason = self._row("超期审批原因", _line("超过三个月审批时填写"))
        return lambda d: {name: Approval(d, self.extension_reason.text().strip())}

    def _thought_report_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("思想汇报日期", self.date)
        self.report_title = self._row("题目", _line("可不填"))
        return lambda d: {"thought_reports": ThoughtReport(d, self.report_title.text().strip())}

    def _archive_form(self) -> Callable[[dt.date], dict[str, Any]]:
        self._row("归档日期", self.date)
        self.checklist: dict[DossierItem, QCheckBox] = {}
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for item in DossierItem:
            check = QCheckBox(item.label)
            check.setChecked(item in self.dossier.checklist)
            self.checklist[item] = check
            column.addWidget(check)
        self._row("卷内材料", box)
        return lambda d: {
            "archive_date": d,
            "checklist": frozenset(item for item, check in self.checklist.items() if check.isChecked()),
        }

    # ---- values and rules ------------------------------------------------------------------------
    def form_problems(self) -> list[str]:
        """What the form itself lacks (before any rule is asked)."""
        problems = []
        error = self.date.error()
        if error:
            problems.append(f"日期：{error}")
        elif self.date.date() is None:
            problems.append("请填写日期")
        for check in self._extra_problems:
            problems.extend(check())
        return problems

    def values(self) -> dict[str, Any]:
        """The dossier fields this step records (``apply_step`` form); needs a valid date."""
        when = self.date.date()
        if when is None:
            raise ValueError("no date")
        return self._collect(when)

    def exclusions(self, values: dict[str, Any]) -> dict[str, list[Any]]:
        """Voters left out of 应到 for the vote recorded now, keyed by the dossier's vote field."""
        if self.vote_calc is None:
            return {}
        from branchdesk.domain.votes import VoterSnapshot

        if "admission_vote" in values:
            field = "admission_vote"
        elif "rejection_vote" in values:
            field = "rejection_vote"
        elif "conversion_vote" in values:
            field = "conversion_vote"
        elif "outcome_vote" in values:
            field = "outcome_vote"
        else:
            field = f"extensions[{len(self.dossier.extensions)}]"
        items: list[Any] = list(self.vote_calc.exclusions())
        manual = self.vote_calc.manual_expected_reason()
        if manual:
            items.append((VoterSnapshot(MANUAL_EXPECTED), manual))
        return {field: items} if items else {}

    def live_findings(self) -> list[Finding]:
        from branchdesk.domain.rules import check_step

        if self.form_problems():
            return []
        return check_step(self.dossier, self.step, self.values(), self.rule_context())

    def refresh_rules(self) -> None:
        try:
            findings = self.live_findings()
        except Exception:  # the live hint must never break the form; 保存 reports properly
            findings = []
        if not findings:
            self.rules_label.setText(
                '<span style="color:#2e7d32">按现有记录检查，未发现违反规定的情况。</span>'
                if not self.form_problems()
                else ""
            )
            return
        self.rules_label.setText(findings_html(findings))

    # ---- saving ----------------------------------------------------------------------------------
    def save(self) -> bool:
        from branchdesk.domain.members import ValidationError
        from branchdesk.services.development import NeedsReason, StepRefused

        problems = self.form_problems()
        if problems:
            self.errors.set_messages(problems)
            return False
        values = self.values()
        exclusions = self.exclusions(values)
        reasons: dict[str, str] | None = None
        while True:
            try:
                result = self.service.record(
                    self.dossier.id,
                    self.step,
                    values,
                    as_of=self.today,
                    reasons=reasons,
                    exclusions=exclusions or None,
                )
            except ValidationError as exc:
                self.errors.set_messages([str(i) for i in exc.issues])
                return False
            except StepRefused as exc:
                blocking = [f for f in exc.findings if f.blocking] or list(exc.findings)
                self.errors.set_messages(
                    [finding_line(f) for f in blocking], title="不能记录这一步，因为违反以下规定："
                )
                return False
            except NeedsReason as exc:
                asked = ask_reasons(self, [f for f in exc.findings if not f.blocking])
                if asked is None:
                    return False
                reasons = {**(reasons or {}), **asked}
                continue
            break
        self.errors.clear()
        self.result_dossier = result.dossier
        self.result_findings = list(result.findings)
        self.accept()
        return True


class NewDossierDialog(QDialog):
    """新建发展档案: name, ID number (fills the birth date), application date = step 1 recorded at once.

    The application is checked by the rules BEFORE the dossier is created (an applicant under 18 is
    refused and nothing is written); warnings ask for reasons. After Accepted, ``.result_dossier``.
    """

    def __init__(self, ctx, service, *, today: dt.date | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.service = service
        self.today = today or dt.date.today()
        self.result_dossier: Dossier | None = None
        self.setWindowTitle("新建发展档案")

        self.name = _line("必填", 50)
        self.name.setObjectName("newDossierName")
        self.id_number = _line("18 位，最后一位可以是 X", 22)
        self.id_hint = QLabel()
        self.id_hint.setWordWrap(True)
        self.id_hint.hide()
        self.birth_date = DateField()
        self.application_date = DateField()
        self.application_date.setDate(self.today)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("姓名：", self.name)
        form.addRow("公民身份号码：", self.id_number)
        form.addRow("", self.id_hint)
        form.addRow("出生日期：", self.birth_date)
        form.addRow("递交入党申请书日期：", self.application_date)
        self.errors = ErrorPanel()
        buttons, self.save_button, _cancel = save_cancel_buttons(self, self.save, save_text="新建")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.id_number.textChanged.connect(self._on_id_changed)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _on_id_changed(self, text: str) -> None:
        from branchdesk.domain.citizen_id import CitizenIdError, normalize_citizen_id, parse_citizen_id
        from branchdesk.domain.dates import format_date

        number = normalize_citizen_id(text)
        if len(number) < 18:
            self.id_hint.hide()
            return
        self.id_hint.show()
        try:
            info = parse_citizen_id(number)
        except CitizenIdError as exc:
            self.id_hint.setStyleSheet(f"color: {BLOCKING_COLOUR};")
            self.id_hint.setText(str(exc))
            return
        self.birth_date.setDate(info.birth_date)
        self.id_hint.setStyleSheet("color: #2e7d32;")
        self.id_hint.setText(f"号码有效：{format_date(info.birth_date)}出生，{info.sex}")

    def person(self, problems: list[str]):
        from branchdesk.domain.citizen_id import CitizenIdError, normalize_citizen_id, parse_citizen_id
        from branchdesk.domain.development import Person

        name = self.name.text().strip()
        if not name:
            problems.append("姓名：必须填写")
        number = normalize_citizen_id(self.id_number.text()) if self.id_number.text().strip() else ""
        if number:
            try:
                parse_citizen_id(number)
            except CitizenIdError as exc:
                problems.append(f"公民身份号码：{exc}")
            else:
                existing = self.service.find_by_id_number(number)
                if existing is not None:
                    problems.append("公民身份号码：已有此人的发展档案，请在看板中查找")
        for label, field in (("出生日期", self.birth_date), ("递交入党申请书日期", self.application_date)):
            if field.error():
                problems.append(f"{label}：{field.error()}")
        if self.application_date.date() is None and not self.application_date.error():
            problems.append("递交入党申请书日期：必须填写")
        return Person(name, self.birth_date.date(), number)

    def save(self) -> bool:
        from branchdesk.domain.development import Dossier as _Dossier
        from branchdesk.domain.rules import check_step

        problems: list[str] = []
        person = self.person(problems)
        if problems:
            self.errors.set_messages(problems)
            return False
        values = {"application_date": self.application_date.date()}
        findings = check_step(
            _Dossier(person=person), Step.APPLICATION, values, self.service.rule_context(self.today)
        )
        blocking = [f for f in findings if f.blocking]
        if blocking:
            self.errors.set_messages(
                [finding_line(f) for f in blocking], title="不能新建档案，因为违反以下规定："
            )
            return False
        reasons = None
        warnings = [f for f in findings if not f.blocking]
        if warnings:
            reasons = ask_reasons(self, warnings)
            if reasons is None:
                return False
        created = self.service.create(person)
        result = self.service.record(created.id, Step.APPLICATION, values, as_of=self.today, reasons=reasons)
        self.result_dossier = result.dossier
        self.errors.clear()
        self.accept()
        return True


class CloseDossierDialog(QDialog):
    """终止档案: withdrawn, rejected, cancelled, transferred out — with the date and the reason."""

    def __init__(self, service, dossier: Dossier, *, today: dt.date | None = None,
                 parent: QWidget | None = None):  # fmt: skip
        super().__init__(parent)
        self.service = service
        self.dossier = dossier
        self.result_dossier: Dossier | None = None
        self.setWindowTitle(f"终止发展档案 — {dossier.person.name}")
        self.outcome = QComboBox()
        for outcome in Outcome:
            if outcome.terminal:
                self.outcome.addItem(outcome.label, outcome.value)
        self.date = DateField()
        self.date.setDate(today or dt.date.today())
        self.reason = _line("必填，如 本人书面申请撤回", 500)
        form = QFormLayout()
        form.addRow("终止原因类别：", self.outcome)
        form.addRow("日期：", self.date)
        form.addRow("具体原因：", self.reason)
        note = QLabel("档案终止后不会删除，仍可在看板“正式党员 / 已终止”一栏查看。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        self.errors = ErrorPanel()
        buttons, _save, _cancel = save_cancel_buttons(self, self.save, save_text="终止档案")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)

    def save(self) -> bool:
        problems = []
        if self.date.date() is None:
            problems.append(f"日期：{self.date.error() or '必须填写'}")
        if not self.reason.text().strip():
            problems.append("具体原因：必须填写")
        if problems:
            self.errors.set_messages(problems)
            return False
        from branchdesk.domain.members import ValidationError

        try:
            self.result_dossier = self.service.close(
                self.dossier.id,
                Outcome(self.outcome.currentData()),
                self.date.date(),
                self.reason.text().strip(),
            )
        except ValidationError as exc:
            self.errors.set_messages([i.message for i in exc.issues])
            return False
        self.accept()
        return True
