"""The vote calculator (表决计票) of a branch general meeting: counts in, quorum and majority out, live.

应到 (voting members expected) comes from the roster on the meeting date (``Electorate``: full members
vote; probationary members, members whose conversion is not approved yet and members under 留党察看 do
not). A voter can be left out of 应到 only for one of the five kinds (``ExclusionKind``) with the higher
organisation's consent (date, by whom) and the general meeting's decision (domain.md §9) — 出差 or 请假
is an absence; without a roster the number is typed in.
Every judgement (quorum, majority, impossible counts, the summary sentence) comes from
``branchdesk.domain.votes`` — this widget does no arithmetic of its own besides counting ticked voters.

:func:`outcome_text` says, before anything is recorded, what recording a vote on a person will do:
an admission that passed, one the meeting did not pass (未被接收: the person stays a 发展对象), a failed
conversion (no decision: the meeting must vote on extension or cancellation), or a count that cannot
be recorded at all (no quorum, impossible counts). The vote dialogs of the meeting editor and of the
dossier's step form show it under the calculator.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.votes import (
    Electorate,
    Exclusion,
    ExclusionKind,
    Vote,
    VoterSnapshot,
    VoteTally,
    tally,
)

OK_COLOUR = "#2e7d32"
FAIL_COLOUR = "#c62828"
MAX_COUNT = 9999

#: Vote kinds on a person (the codes of ``domain.meetings.VoteKind``).
ADMISSION, CONVERSION, EXTENSION, CANCELLATION = "admission", "conversion", "extension", "cancellation"


def outcome_text(kind: str, vote: Vote, name: str, on: dt.date | None, *, resubmit_months: int = 6,
                 months: int | None = None) -> tuple[str, bool | None]:  # fmt: skip
    """What recording ``vote`` of ``kind`` on ``name`` at the meeting of ``on`` does, in Chinese.

    Returns (text, state): state True when the vote passed, False when the meeting validly decided
    against (recorded as 未通过), None when the count cannot be recorded (no quorum, impossible counts,
    nothing expected) or ``kind`` is not a vote on a person (text empty then).
    """
    from branchdesk.domain.dates import add_months, format_date

    t = tally(vote)
    if kind not in (ADMISSION, CONVERSION, EXTENSION, CANCELLATION) or vote.expected <= 0:
        return "", None
    who = name or "此人"
    if t.errors:
        return "票数有误，不能记录：请核对会议记录中的票数。", None
    if not t.quorum_met:
        return "到会人数未超过应到人数的半数，会议不能表决，这次表决不能记录。请另行召开支部大会。", None
    when = format_date(on) if on else "会议当日"
    if t.majority_met:
        return {
            ADMISSION: f"表决通过：{who}被接收为预备党员，预备期从{when}起计算一年；记入发展档案，报上级党委审批。",
            CONVERSION: f"表决通过：{who}按期转为正式党员；记入发展档案，报上级党委审批。",
            EXTENSION: f"表决通过：延长{who}的预备期{f'{months}个月' if months else ''}；记入发展档案。",
            CANCELLATION: f"表决通过：取消{who}的预备党员资格；记入发展档案。",
        }[kind], True
    if kind == ADMISSION:
        again = f"，{format_date(add_months(on, resubmit_months))}以后" if on and resubmit_months else ""
        return (
            f"表决未通过：赞成票未超过应到人数的半数。记录后，会议记录中本项为“未通过”；{who}的发展档案"
            f"记为支部大会未通过接收（未被接收，{when}），仍为发展对象{again}可再次提交支部大会讨论。"
        ), False
    if kind == CONVERSION:
        return (
            f"表决未通过：{who}不能按期转为正式党员。本次表决如实记入会议记录（未通过），发展档案不变。"
            "支部大会应讨论延长预备期（6至12个月，只能延长一次）或取消预备党员资格，并另行表决"
            "（赞成票须超过应到人数的半数）。"
        ), False
    what = "延长预备期" if kind == EXTENSION else "取消预备党员资格"
    return f"表决未通过：{what}的决定未获通过，如实记入会议记录（未通过），发展档案不变。", False


def _spin() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, MAX_COUNT)
    spin.setSuffix(" 人")
    spin.setAccelerated(True)
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("0000 人") + 40)
    return spin


def non_voters_text(non_voters) -> str:
    """Who is not counted in 应到, one line per reason with the names after it (a student branch's
    25 probationary members are one short line, not a paragraph repeating the reason 25 times)."""
    groups: dict[str, list[str]] = {}
    for voter, why in non_voters:
        groups.setdefault(why, []).append(voter.name)
    if not groups:
        return ""
    lines = [f"· {why}（{len(names)}人）：{'、'.join(names)}" for why, names in groups.items()]
    return "不计入应到人数：\n" + "\n".join(lines)


class VoteCalculator(QWidget):
    """Counts of one secret ballot. ``vote()`` is the domain ``Vote``; ``tally()`` its judgement."""

    changed = Signal()

    COL_NAME, COL_COUNTED, COL_REASON, COL_APPROVAL, COL_DECISION = range(5)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._electorate: Electorate | None = None
        self._loading = False

        # ---- who votes
        self.roster_label = QLabel("未取得会议当日的党员名单：请直接填写应到人数。")
        self.roster_label.setWordWrap(True)
        self.voters = QTableWidget(0, 5)
        self.voters.setObjectName("voterTable")
        self.voters.setHorizontalHeaderLabels(
            [
                "有表决权的党员",
                "计入应到",
                "不计入应到的情形",
                "上级党组织同意（日期、组织）",
                "支部党员大会决定",
            ]
        )
        self.voters.verticalHeader().setVisible(False)
        self.voters.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.voters.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.voters.horizontalHeader()
        header.setSectionResizeMode(self.COL_NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_COUNTED, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_REASON, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COL_APPROVAL, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.voters.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        self.voters.setMinimumHeight(self.fontMetrics().height() * 8)
        self.non_voters_label = QLabel()
        self.non_voters_label.setWordWrap(True)
        self.non_voters_label.setStyleSheet("color: #666;")
        self.manual = QCheckBox("手动填写应到人数")
        self.manual.setToolTip("会议当日的名单与花名册不一致时使用，须说明原因")
        self.manual_reason = QLineEdit()
        self.manual_reason.setPlaceholderText("手动填写应到人数的原因")
        self.manual_reason.setMaxLength(200)

        who = QGroupBox("应到人数：会议当日的有表决权党员")
        who_layout = QVBoxLayout(who)
        who_layout.addWidget(self.roster_label)
        who_layout.addWidget(self.voters)
        who_layout.addWidget(self.non_voters_label)
        manual_row = QHBoxLayout()
        manual_row.addWidget(self.manual)
        manual_row.addWidget(self.manual_reason, 1)
        who_layout.addLayout(manual_row)

        # ---- counts
        self.expected = _spin()
        self.expected.setObjectName("voteExpected")
        self.present = _spin()
        self.yes = _spin()
        self.no = _spin()
        self.abstain = _spin()
        for spin in (self.yes, self.no, self.abstain):
            spin.setSuffix(" 票")
        self.written_yes = _spin()
        self.written_no = _spin()
        self.written_abstain = _spin()
        for spin in (self.written_yes, self.written_no, self.written_abstain):
            spin.setSuffix(" 份")
        self.written_before = QCheckBox("书面意见在会前正式提交（计入表决结果）")
        self.written_before.setChecked(True)

        counts = QGroupBox("计票")
        form = QFormLayout(counts)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("应到（有表决权）：", self.expected)
        form.addRow("实到（有表决权）：", self.present)
        form.addRow("会场表决：", self._row(("赞成", self.yes), ("反对", self.no), ("弃权", self.abstain)))
        form.addRow(
            "书面意见：",
            self._row(("赞成", self.written_yes), ("反对", self.written_no), ("弃权", self.written_abstain)),
        )
        form.addRow("", self.written_before)

        # ---- result
        self.quorum_label = QLabel()
        self.quorum_label.setObjectName("quorumResult")
        self.majority_label = QLabel()
        self.majority_label.setObjectName("majorityResult")
        self.errors_label = QLabel()
        self.errors_label.setObjectName("voteErrors")
        self.errors_label.setStyleSheet(f"color: {FAIL_COLOUR};")
        for label in (self.quorum_label, self.majority_label, self.errors_label):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        result = QGroupBox("表决结果（按应到人数计算）")
        result_layout = QVBoxLayout(result)
        result_layout.addWidget(self.quorum_label)
        result_layout.addWidget(self.majority_label)
        result_layout.addWidget(self.errors_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(counts)
        layout.addWidget(result)
        layout.addWidget(who)

        for spin in (self.expected, self.present, self.yes, self.no, self.abstain, self.written_yes,
                     self.written_no, self.written_abstain):  # fmt: skip
            spin.valueChanged.connect(self._update)
        self.written_before.toggled.connect(self._update)
        self.manual.toggled.connect(self._on_manual)
        self.manual_reason.textChanged.connect(self._update)
        self.set_electorate(None)

    @staticmethod
    def _row(*pairs: tuple[str, QSpinBox]) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        for text, spin in pairs:
            label = QLabel(text)
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin)
            row.addSpacing(8)
        row.addStretch(1)
        return box

    # ---- electorate ------------------------------------------------------------------------------
    def set_electorate(self, electorate: Electorate | None) -> None:
        """The roster on the meeting date (None or empty: 应到 is typed in)."""
        self._loading = True
        try:
            self._electorate = electorate if electorate is not None and electorate.voters else None
            voters = self._electorate.voters if self._electorate else ()
            self.voters.setRowCount(0)  # drops the old rows' cell widgets
            self.voters.setRowCount(len(voters))
            for row, voter in enumerate(voters):
                item = QTableWidgetItem(voter.name)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.voters.setItem(row, self.COL_NAME, item)
                check = QCheckBox()
                check.setChecked(True)
                check.setToolTip(
                    "取消勾选表示经批准不计入应到人数：须属五种情形，并经上级党组织同意、支部党员大会决定"
                )
                check.toggled.connect(lambda _on, r=row: self._on_counted(r))
                holder = QWidget()
                holder_layout = QHBoxLayout(holder)
                holder_layout.setContentsMargins(0, 0, 0, 0)
                holder_layout.addWidget(check, 0, Qt.AlignmentFlag.AlignCenter)
                self.voters.setCellWidget(row, self.COL_COUNTED, holder)
                reason = QComboBox()
                reason.addItem("", None)
                for kind in ExclusionKind:
                    reason.addItem(kind.label, kind.value)
                reason.setToolTip("出差、请假是缺席，仍计入应到（可在会前提交书面意见）")
                reason.setEnabled(False)
                reason.currentIndexChanged.connect(self._update)
                self.voters.setCellWidget(row, self.COL_REASON, reason)
                approval = QWidget()
                approval_row = QHBoxLayout(approval)
                approval_row.setContentsMargins(0, 0, 0, 0)
                approved_on = QLineEdit()
                approved_on.setObjectName("approvedOn")
                approved_on.setPlaceholderText("同意日期")
                approved_on.setMaximumWidth(approved_on.fontMetrics().horizontalAdvance("2026-11-23") + 20)
                approved_by = QLineEdit()
                approved_by.setObjectName("approvedBy")
                approved_by.setPlaceholderText("上级党组织")
                approved_by.setMaxLength(100)
                for edit in (approved_on, approved_by):
                    edit.setEnabled(False)
                    edit.textChanged.connect(self._update)
                approval_row.addWidget(approved_on)
                approval_row.addWidget(approved_by, 1)
                self.voters.setCellWidget(row, self.COL_APPROVAL, approval)
                decision = QLineEdit()
                decision.setPlaceholderText("如：2025年3月6日支部党员大会决定")
                decision.setMaxLength(200)
                decision.setEnabled(False)
                decision.textChanged.connect(self._update)
                self.voters.setCellWidget(row, self.COL_DECISION, decision)
            self.voters.setVisible(bool(voters))
            self.manual.setVisible(bool(voters))
            self.manual.setChecked(False)
            self.manual_reason.clear()
            if self._electorate is None:
                self.roster_label.setText("未取得会议当日有表决权的党员名单：请直接填写应到人数。")
                self.non_voters_label.hide()
            else:
                self.roster_label.setText(
                    f"按会议当日的花名册，有表决权的正式党员 {len(voters)} 人。只有五种情形经上级党组织同意、"
                    "支部党员大会决定的，才可取消勾选（不计入应到）；出差、请假是缺席，仍计入应到。"
                )
                self.non_voters_label.setText(non_voters_text(self._electorate.non_voters))
                self.non_voters_label.setVisible(bool(self._electorate.non_voters))
                self.expected.setValue(self._counted_voters())
        finally:
            self._loading = False
        self._on_manual(self.manual.isChecked())

    def electorate(self) -> Electorate | None:
        return self._electorate

    def _checkbox(self, row: int) -> QCheckBox:
        return self.voters.cellWidget(row, self.COL_COUNTED).findChild(QCheckBox)

    def _reason_box(self, row: int) -> QComboBox:
        return self.voters.cellWidget(row, self.COL_REASON)

    def _approval_edits(self, row: int) -> tuple[QLineEdit, QLineEdit]:
        holder = self.voters.cellWidget(row, self.COL_APPROVAL)
        return holder.findChild(QLineEdit, "approvedOn"), holder.findChild(QLineEdit, "approvedBy")

    def _decision_edit(self, row: int) -> QLineEdit:
        return self.voters.cellWidget(row, self.COL_DECISION)

    def set_counted(self, name: str, counted: bool, exclusion: Exclusion | None = None) -> None:
        """Tick or untick a voter by name (and give the kind and approval of leaving them out)."""
        for row in range(self.voters.rowCount()):
            if self.voters.item(row, self.COL_NAME).text() == name:
                self._checkbox(row).setChecked(counted)
                if not counted and exclusion is not None:
                    box = self._reason_box(row)
                    box.setCurrentIndex(box.findData(exclusion.kind.value))
                    on, by = self._approval_edits(row)
                    on.setText(exclusion.approved_on.isoformat() if exclusion.approved_on else "")
                    by.setText(exclusion.approved_by)
                    self._decision_edit(row).setText(exclusion.decision)
                return
        raise KeyError(name)

    def _counted_voters(self) -> int:
        return sum(1 for row in range(self.voters.rowCount()) if self._checkbox(row).isChecked())

    def _on_counted(self, row: int) -> None:
        counted = self._checkbox(row).isChecked()
        reason = self._reason_box(row)
        edits = (*self._approval_edits(row), self._decision_edit(row))
        reason.setEnabled(not counted)
        for edit in edits:
            edit.setEnabled(not counted)
        if counted:
            reason.setCurrentIndex(0)
            for edit in edits:
                edit.clear()
        if not self.manual.isChecked():
            self.expected.setValue(self._counted_voters())
        self._update()

    def _on_manual(self, manual: bool) -> None:
        from_roster = self._electorate is not None and not manual
        self.expected.setReadOnly(from_roster)
        self.expected.setButtonSymbols(
            QSpinBox.ButtonSymbols.NoButtons if from_roster else QSpinBox.ButtonSymbols.UpDownArrows
        )
        self.manual_reason.setVisible(manual)
        if from_roster:
            self.expected.setValue(self._counted_voters())
        self._update()

    def _exclusion(self, row: int) -> tuple[Exclusion | None, str]:
        """The row's exclusion as typed (None without a kind) and a problem with its date ("" if none)."""
        from branchdesk.domain.dates import parse_date_loose

        code = self._reason_box(row).currentData()
        if not code:
            return None, ""
        kind = ExclusionKind(code)
        on_edit, by_edit = self._approval_edits(row)
        on, problem = None, ""
        if on_edit.text().strip():
            try:
                on = parse_date_loose(on_edit.text().strip(), allow_year_month=False)
            except ValueError as exc:
                problem = f"同意日期“{on_edit.text().strip()}”：{exc}"
        return Exclusion(kind, on, by_edit.text().strip(), self._decision_edit(row).text().strip()), problem

    def exclusions(self) -> list[tuple[VoterSnapshot, Exclusion | str]]:
        """Voters of the roster left out of 应到 with their :class:`Exclusion` ("" when no kind was
        chosen: see problems(); the service refuses it)."""
        out: list[tuple[VoterSnapshot, Exclusion | str]] = []
        if self._electorate is None:
            return out
        for row, voter in enumerate(self._electorate.voters):
            if not self._checkbox(row).isChecked():
                exclusion, _problem = self._exclusion(row)
                out.append((voter, exclusion if exclusion is not None else ""))
        return out

    def manual_expected_reason(self) -> str:
        return self.manual_reason.text().strip() if self.manual.isChecked() else ""

    # ---- counts ----------------------------------------------------------------------------------
    def set_vote(self, vote: Vote | None) -> None:
        self._loading = True
        try:
            v = vote or Vote(expected=self.expected.value(), present=0, yes=0)
            if self._electorate is not None and v.expected != self._counted_voters():
                self.manual.setChecked(True)
            self.expected.setValue(v.expected)
            self.present.setValue(v.present)
            self.yes.setValue(v.yes)
            self.no.setValue(v.no)
            self.abstain.setValue(v.abstain)
            self.written_yes.setValue(v.written_yes)
            self.written_no.setValue(v.written_no)
            self.written_abstain.setValue(v.written_abstain)
            self.written_before.setChecked(v.written_before_meeting)
        finally:
            self._loading = False
        self._update()

    def vote(self) -> Vote:
        return Vote(
            expected=self.expected.value(),
            present=self.present.value(),
            yes=self.yes.value(),
            no=self.no.value(),
            abstain=self.abstain.value(),
            written_yes=self.written_yes.value(),
            written_no=self.written_no.value(),
            written_abstain=self.written_abstain.value(),
            written_before_meeting=self.written_before.isChecked(),
        )

    def tally(self) -> VoteTally:
        return tally(self.vote())

    def problems(self) -> list[str]:
        """What must be fixed before the vote can be recorded (count errors, missing reasons)."""
        out = list(self.tally().errors)
        if self._electorate is not None:
            for row, voter in enumerate(self._electorate.voters):
                if self._checkbox(row).isChecked():
                    continue
                exclusion, problem = self._exclusion(row)
                if exclusion is None:
                    out.append(
                        f"{voter.name}不计入应到人数，须选择五种情形之一并记录批准（出差、请假是缺席，仍计入应到）"
                    )
                    continue
                found = [problem] if problem else []
                found += [p for p in exclusion.problems() if not (problem and "日期" in p)]
                if found:
                    out.append(f"{voter.name}不计入应到人数（{exclusion.kind.label}）：{'；'.join(found)}")
        manual = self.manual.isChecked() and self._electorate is not None
        if manual and not self.manual_expected_reason() and self.expected.value() != self._counted_voters():
            out.append("手动修改了应到人数，须写明原因")
        return out

    # ---- live result -----------------------------------------------------------------------------
    def _update(self, *_args) -> None:
        if self._loading:
            return
        t = self.tally()
        v = t.vote
        if v.expected <= 0:
            self.quorum_label.setText("到会人数：请先确定应到人数")
            self._colour(self.quorum_label, None)
            self.majority_label.setText("")
        else:
            if t.quorum_met:
                quorum = f"到会人数符合规定：实到{v.present}人，超过应到{v.expected}人的半数（至少{t.minimum_present}人）"
            else:
                quorum = (
                    f"到会人数不足，不能表决：实到{v.present}人，"
                    f"须超过应到{v.expected}人的半数（至少{t.minimum_present}人）"
                )
            self.quorum_label.setText(("✔ " if t.quorum_met else "✘ ") + quorum)
            self._colour(self.quorum_label, t.quorum_met)
            written = (
                f"（含会前书面赞成意见{v.written_yes}份）"
                if v.written_yes and v.written_before_meeting
                else ""
            )
            if t.majority_met:
                majority = f"通过：赞成{t.counted_yes}票{written}，超过应到{v.expected}人的半数（至少{t.minimum_yes}票）"
            else:
                majority = (
                    f"未通过：赞成{t.counted_yes}票{written}，"
                    f"须超过应到{v.expected}人的半数（至少{t.minimum_yes}票）"
                )
            self.majority_label.setText(("✔ " if t.majority_met else "✘ ") + majority)
            self._colour(self.majority_label, t.majority_met)
        notes = list(self.problems())
        if v.written and not v.written_before_meeting:
            notes.append(f"书面意见{v.written}份在会后提交，不计入表决结果")
        self.errors_label.setText("\n".join(notes))
        self.errors_label.setVisible(bool(notes))
        self.changed.emit()

    @staticmethod
    def _colour(label: QLabel, ok: bool | None) -> None:
        colour = "#666" if ok is None else (OK_COLOUR if ok else FAIL_COLOUR)
        label.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def passed(self) -> bool:
        return self.tally().passed
