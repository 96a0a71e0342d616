"""设置 › 发展党员规则: the local-practice values of the development rules, national ones shown read-only.

Each value is a `RuleSettings` field. The form shows the values in force today. A change takes effect
from a date (`RuleSettingsService.change`: steps dated earlier keep the value in force then — raising
the training to 5 days from 2026 leaves a 2024 training of 3 days fine); "适用于所有日期" corrects the
original values instead (`DevelopmentService.save_rule_settings`, only differences from the national
default are stored). The history lists every dated change; `branchdesk check`, the live step checks
and the to-do list read them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.development import DossierItem
from branchdesk.domain.members import ValidationError
from branchdesk.domain.rules.settings import (
    LOCAL_FIELDS,
    NATIONAL_FIELDS,
    SETTING_LABELS,
    RuleSettings,
    SettingsError,
)
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.date_field import DateField
from branchdesk.ui.widgets.dialog_parts import record_table, selected_row_data

_ITEMS_FIELD = "archive_items"


class RuleSettingsPanel(QWidget):
    saved = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.spins: dict[str, QSpinBox] = {}
        self.value_notes: dict[str, QLabel] = {}  # a value's dated changes, beside it
        defaults = RuleSettings()

        local = QGroupBox("本单位规定（可修改；括号内为默认值）")
        local_form = QFormLayout(local)
        local_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for name in LOCAL_FIELDS:
            if name == _ITEMS_FIELD:
                continue
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("9999") + 48)
            spin.setObjectName(f"rule_{name}")
            spin.setToolTip(f"默认值：{getattr(defaults, name)}")
            self.spins[name] = spin
            note = QLabel()
            note.setObjectName(f"rule_{name}_history")
            note.setStyleSheet("color: #555;")
            self.value_notes[name] = note
            cell = QWidget()
            row = QHBoxLayout(cell)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(spin)
            row.addWidget(note, 1)
            local_form.addRow(f"{SETTING_LABELS[name]}（{getattr(defaults, name)}）：", cell)
        self.items = QListWidget()
        self.items.setObjectName("rule_archive_items")
        for item in DossierItem:
            row = QListWidgetItem(item.label)
            row.setData(Qt.ItemDataRole.UserRole, item)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.items.addItem(row)
        self.items.setFixedHeight(self.items.sizeHintForRow(0) * len(DossierItem) + 8)
        archive = QGroupBox(f"{SETTING_LABELS[_ITEMS_FIELD]}（转正后归档时须齐全）")
        archive_layout = QVBoxLayout(archive)
        archive_layout.addWidget(self.items)

        national = QGroupBox("全国规定（《中国共产党发展党员工作细则》和党章，不能修改）")
        national_form = QFormLayout(national)
        national_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for name in NATIONAL_FIELDS:
            national_form.addRow(f"{SETTING_LABELS[name]}：", QLabel(str(getattr(defaults, name))))

        history = QGroupBox("修改记录（按生效日期检查：某日之前的步骤仍按当时的值检查）")
        history_layout = QVBoxLayout(history)
        self.history = record_table(
            ["设置项", "新值", "生效日期", "修改人", "修改时间"], widest_short_text="2026-01-01"
        )
        self.history.setObjectName("rule_history")
        self.history.setMinimumHeight(self.history.verticalHeader().defaultSectionSize() * 5)
        self.history_note = QLabel()
        self.history_note.setWordWrap(True)
        self.remove_change_button = QPushButton("撤销所选修改")
        self.remove_change_button.clicked.connect(self.remove_change)
        history_layout.addWidget(self.history)
        row = QHBoxLayout()
        row.addWidget(self.history_note, 1)
        row.addWidget(self.remove_change_button)
        history_layout.addLayout(row)

        self.effective = DateField()
        self.effective.setObjectName("rule_effective_from")
        self.effective.setToolTip("新值从这一天起用于检查；此前的步骤仍按原来的值检查")
        self.all_dates = QCheckBox("更正原值（所有日期都按新值检查）")
        self.all_dates.setToolTip("录入有误时使用：不保留原值，历年档案也按新值检查")
        self.all_dates.toggled.connect(lambda on: self.effective.setEnabled(not on))
        self.save_button = QPushButton("保存规则设置")
        self.save_button.clicked.connect(self.save)
        self.defaults_button = QPushButton("全部恢复默认值")
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("生效日期："))
        buttons.addWidget(self.effective)
        buttons.addWidget(self.all_dates)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.defaults_button)
        buttons.addStretch(1)

        # two columns: the numbers on the left; the archive checklist, the history and the national
        # rules on the right (one column left the right half of a wide window empty, issue 18)
        body = QWidget()
        body.setMaximumWidth(1500)
        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(local)
        left.addStretch(1)
        right.addWidget(archive)
        right.addWidget(history)
        right.addWidget(national)
        right.addStretch(1)
        inner = QHBoxLayout(body)
        inner.addLayout(left, 5)
        inner.addLayout(right, 4)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.load()

    # ---- values ------------------------------------------------------------------------------------
    def show_settings(self, settings: RuleSettings) -> None:
        for name, spin in self.spins.items():
            spin.setValue(getattr(settings, name))
        chosen = getattr(settings, _ITEMS_FIELD)
        for i in range(self.items.count()):
            row = self.items.item(i)
            checked = row.data(Qt.ItemDataRole.UserRole) in chosen
            row.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def shown_settings(self) -> RuleSettings:
        """The settings as the form shows them; raises SettingsError for an impossible combination."""
        values = {name: spin.value() for name, spin in self.spins.items()}
        values[_ITEMS_FIELD] = frozenset(
            self.items.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        )
        national = {
            f.name: getattr(RuleSettings(), f.name) for f in fields(RuleSettings) if f.name in NATIONAL_FIELDS
        }
        return RuleSettings(**national, **values)

    def _base(self) -> RuleSettings:
        return self.ctx.development.rule_settings()

    def _safe_base(self) -> RuleSettings | None:
        try:
            return self._base()
        except SettingsError:
            return None

    def load(self) -> None:
        today = dt.date.today()
        self.effective.setDate(today)
        self.status.setText("")
        try:
            base = self._base()
            self.show_settings(self.ctx.rule_settings.in_force(base, today))
        except SettingsError as exc:  # a value stored by hand that makes no sense: show the defaults
            self.show_settings(RuleSettings())
            self.status.setText(f"已存的规则设置有误，显示默认值：{exc}")
        self.load_history()

    def load_history(self) -> None:
        changes = self.ctx.rule_settings.history()
        self.history.setRowCount(len(changes))
        for row, c in enumerate(changes):
            when = c.changed_at.astimezone().strftime("%Y-%m-%d %H:%M") if c.changed_at else ""
            for col, text in enumerate(
                (c.label, c.value_zh, c.effective_from.isoformat(), c.changed_by, when)
            ):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, c.id)
                self.history.setItem(row, col, item)
        by_name: dict[str, list] = {}
        for c in sorted(changes, key=lambda c: c.effective_from):
            by_name.setdefault(c.name, []).append(c)
        base = self._safe_base()
        for name, note in self.value_notes.items():
            steps = by_name.get(name, [])
            if not steps:
                note.setText("")
                continue
            first = str(getattr(base, name)) if base is not None else "默认值"
            parts = [f"{first}（{steps[0].effective_from.isoformat()}前）"]
            parts += [f"{c.value_zh}（{c.effective_from.isoformat()}起）" for c in steps]
            note.setText("历次：" + " → ".join(parts))
        self.history_note.setText(
            "上表为按日期的修改；未列出的设置项一直按表单中的值检查。"
            if changes
            else "还没有按日期的修改：所有日期都按表单中的值检查。"
        )
        self.remove_change_button.setEnabled(bool(changes))

    def save(self) -> bool:
        try:
            settings = self.shown_settings()
        except SettingsError as exc:
            prompts.warn(self, "无法保存规则设置", str(exc))
            return False
        base = self._base()
        if self.all_dates.isChecked():
            self.ctx.development.save_rule_settings(settings)
            self.status.setText("已更正：所有日期的档案都按这些值检查（规则检查、待办和“branchdesk check”）")
        else:
            day = self.effective.date()
            if day is None or self.effective.error():
                prompts.warn(self, "无法保存规则设置", self.effective.error() or "请填写生效日期")
                return False
            then = self.ctx.rule_settings.in_force(base, day).to_mapping()
            wanted = settings.to_mapping()
            changed = {name: wanted[name] for name in LOCAL_FIELDS if wanted[name] != then[name]}
            if not changed:
                self.status.setText(f"{day.isoformat()}起的设置与表单相同，没有需要保存的修改")
                return True
            try:
                self.ctx.rule_settings.change(changed, day, base)
            except ValidationError as exc:
                prompts.warn(self, "无法保存规则设置", "\n".join(i.message for i in exc.issues))
                return False
            self.status.setText(
                f"已保存：{day.isoformat()}起的步骤按新值检查，此前的步骤仍按原来的值检查"
                f"（修改了{len(changed)}项）"
            )
        self.show_settings(self.ctx.rule_settings.in_force(self._base(), dt.date.today()))
        self.load_history()
        self.saved.emit()
        return True

    def remove_change(self) -> None:
        change_id = selected_row_data(self.history)
        if change_id is None:
            return
        row = self.history.currentRow()
        what = f"{self.history.item(row, 0).text()}自{self.history.item(row, 2).text()}起改为{self.history.item(row, 1).text()}"
        if prompts.ask(self, "撤销修改", f"撤销“{what}”吗？", yes="撤销", danger=True):
            self.ctx.rule_settings.remove(change_id)
            self.load()
            self.saved.emit()

    def restore_defaults(self) -> None:
        when = (
            "所有日期"
            if self.all_dates.isChecked()
            else f"{(self.effective.date() or dt.date.today()).isoformat()}起"
        )
        if prompts.ask(self, "恢复默认值", f"把本单位规定全部恢复为默认值（{when}）吗？", yes="恢复默认值"):
            self.show_settings(RuleSettings())
            self.save()
