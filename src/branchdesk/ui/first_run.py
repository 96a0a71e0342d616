"""The first start on an empty database: generate demo data, or create an empty branch."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from branchdesk import APP_TITLE
from branchdesk.domain.members import ValidationError
from branchdesk.ui.context import AppContext

log = logging.getLogger(__name__)

DEMO_MEMBERS = 60


class FirstRunDialog(QDialog):
    """Accepted once a branch exists: either the demo branch or a new empty one named by the user."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(f"欢迎使用{APP_TITLE}")
        self.setMinimumWidth(480)

        intro = QLabel(f"<h3>欢迎使用{APP_TITLE}</h3><p>这个数据库里还没有支部。请选择如何开始：</p>")
        intro.setWordWrap(True)
        self.demo_choice = QRadioButton("生成演示数据")
        demo_note = QLabel(
            f"创建一个虚构的支部，含党小组、支部委员会和 {DEMO_MEMBERS} 名虚构党员，用来熟悉软件。"
            "正式使用时请另建数据库。"
        )
        self.blank_choice = QRadioButton("新建空白支部")
        self.branch_name = QLineEdit()
        self.branch_name.setPlaceholderText("支部全称，例如：某某学院教工第一党支部")
        self.error_label = QLabel()
        self.error_label.setObjectName("firstRunError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        for note in (demo_note,):
            note.setWordWrap(True)
            note.setIndent(24)
            note.setEnabled(False)
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.demo_choice)
        self.choices.addButton(self.blank_choice)
        self.blank_choice.setChecked(True)
        self.blank_choice.toggled.connect(self.branch_name.setEnabled)
        self.branch_name.textEdited.connect(lambda _t: self.blank_choice.setChecked(True))

        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton("开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.blank_choice)
        name_row = QVBoxLayout()
        name_row.setContentsMargins(24, 0, 0, 0)
        name_row.addWidget(self.branch_name)
        layout.addLayout(name_row)
        layout.addSpacing(8)
        layout.addWidget(self.demo_choice)
        layout.addWidget(demo_note)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.branch_name.setFocus()

    def accept(self) -> None:
        self.error_label.clear()
        try:
            if self.demo_choice.isChecked():
                self._generate_demo()
            else:
                self._create_branch()
        except ValidationError as exc:
            self.error_label.setText("；".join(issue.message for issue in exc.issues))
            return
        super().accept()

    def _create_branch(self) -> None:
        from branchdesk.services.branch import BranchProfile

        self.ctx.branch.save_profile(BranchProfile(name=self.branch_name.text().strip()))

    def _generate_demo(self) -> None:
        from branchdesk.services.demo import generate
        from branchdesk.ui.worker import run_in_background

        run_in_background(self, "正在生成演示数据…", generate, self.ctx.db, members=DEMO_MEMBERS)


def ensure_branch(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """True when the database has a branch (asking the user on first run); False if they chose to quit."""
    if ctx.branch.has_branch():
        return True
    dialog = FirstRunDialog(ctx, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted and ctx.branch.has_branch()
