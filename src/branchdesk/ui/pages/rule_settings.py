"""设置 › 发展党员规则: the local-practice values of the development rules, national ones shown read-only.

Each value is a `RuleSettings` field; the branch stores only what differs from the national default
(`DevelopmentService.save_rule_settings`), and `branchdesk check`, the live step checks and the to-do
list read them back.
"""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.development import DossierItem
from branchdesk.domain.rules.settings import (
    LOCAL_FIELDS,
    NATIONAL_FIELDS,
    SETTING_LABELS,
    RuleSettings,
    SettingsError,
)
from branchdesk.ui.widgets import prompts

_ITEMS_FIELD = "archive_items"


class RuleSettingsPanel(QWidget):
    saved = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.spins: dict[str, QSpinBox] = {}
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
            local_form.addRow(f"{SETTING_LABELS[name]}（{getattr(defaults, name)}）：", spin)
        self.items = QListWidget()
        self.items.setObjectName("rule_archive_items")
        for item in DossierItem:
            row = QListWidgetItem(item.label)
            row.setData(Qt.ItemDataRole.UserRole, item)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            self.items.addItem(row)
        self.items.setFixedHeight(self.items.sizeHintForRow(0) * len(DossierItem) + 8)
        local_form.addRow(f"{SETTING_LABELS[_ITEMS_FIELD]}：", self.items)

        national = QGroupBox("全国规定（《中国共产党发展党员工作细则》和党章，不能修改）")
        national_form = QFormLayout(national)
        national_form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for name in NATIONAL_FIELDS:
            national_form.addRow(f"{SETTING_LABELS[name]}：", QLabel(str(getattr(defaults, name))))

        self.save_button = QPushButton("保存规则设置")
        self.save_button.clicked.connect(self.save)
        self.defaults_button = QPushButton("全部恢复默认值")
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.status = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.status, 1)

        body = QWidget()
        body.setMaximumWidth(860)
        inner = QVBoxLayout(body)
        inner.addWidget(local)
        inner.addWidget(national)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
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

    def load(self) -> None:
        try:
            self.show_settings(self.ctx.development.rule_settings())
        except SettingsError as exc:  # a value stored by hand that makes no sense: show the defaults
            self.show_settings(RuleSettings())
            self.status.setText(f"已存的规则设置有误，显示默认值：{exc}")

    def save(self) -> bool:
        try:
            settings = self.shown_settings()
        except SettingsError as exc:
            prompts.warn(self, "无法保存规则设置", str(exc))
            return False
        self.show_settings(self.ctx.development.save_rule_settings(settings))
        self.status.setText("已保存：规则检查、待办和“branchdesk check”从现在起按这些设置执行")
        self.saved.emit()
        return True

    def restore_defaults(self) -> None:
        if prompts.ask(self, "恢复默认值", "把本单位规定全部恢复为默认值吗？", yes="恢复默认值"):
            self.show_settings(RuleSettings())
            self.save()
