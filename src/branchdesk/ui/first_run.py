"""The first start: create the administrator account (the secretary) and see the recovery code once;
then, on an empty database, generate demo data or create an empty branch.

On a database that has a branch but no account yet (made before accounts existed, or by the command
line) the window offers the same account form in a bar that can be put off (以后再说, ui/session.py):
the program then works as before, for whoever opens it."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from branchdesk import APP_TITLE
from branchdesk.domain.members import ValidationError
from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets.dialog_parts import form_layout, note_label
from branchdesk.ui.widgets.form_errors import ErrorPanel, FieldMarks

log = logging.getLogger(__name__)

DEMO_MEMBERS = 60
DEMO_BRANCHES = 3  # the committee's demo: the one-branch demo and two departments' branches


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
        self.committee_choice = QRadioButton(f"生成演示数据：学院党委的 {DEMO_BRANCHES} 个支部")
        committee_note = QLabel(
            f"创建一个虚构学院党委的 {DEMO_BRANCHES} 个支部，每个支部 {DEMO_MEMBERS} 名虚构党员，"
            "用来试用“支部”菜单中的切换支部、各支部概览和党委的台账。"
        )
        self.blank_choice = QRadioButton("新建空白支部")
        self.branch_name = QLineEdit()
        self.branch_name.setPlaceholderText("支部全称，例如：某某学院教工第一党支部")
        self.error_label = QLabel()
        self.error_label.setObjectName("firstRunError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        for note in (demo_note, committee_note):
            note.setWordWrap(True)
            note.setIndent(24)
            note.setEnabled(False)
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.demo_choice)
        self.choices.addButton(self.committee_choice)
        self.choices.addButton(self.blank_choice)
        self.blank_choice.setChecked(True)
        self.blank_choice.toggled.connect(self.branch_name.setEnabled)
        self.branch_name.textEdited.connect(lambda _t: self.blank_choice.setChecked(True))

        buttons = QDialogButtonBox()
        self.start_button = buttons.addButton("开始使用", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        self.skip_button = buttons.addButton("以后再填", QDialogButtonBox.ButtonRole.ActionRole)
        self.skip_button.setVisible(False)
        self.skip_button.clicked.connect(lambda: QDialog.accept(self))

        start = QWidget()
        layout = QVBoxLayout(start)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.blank_choice)
        name_row = QVBoxLayout()
        name_row.setContentsMargins(24, 0, 0, 0)
        name_row.addWidget(self.branch_name)
        layout.addLayout(name_row)
        layout.addSpacing(8)
        layout.addWidget(self.demo_choice)
        layout.addWidget(demo_note)
        layout.addWidget(self.committee_choice)
        layout.addWidget(committee_note)
        layout.addStretch(1)
        self.pages = QStackedWidget()
        self.pages.addWidget(start)
        self.pages.addWidget(self._build_profile())
        outer = QVBoxLayout(self)
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.error_label)
        outer.addWidget(buttons)
        self._buttons = buttons
        self.branch_name.setFocus()

    def _build_profile(self) -> QWidget:
        """Second step of a new branch: what the ledgers' headers and the rules need (issue 18)."""
        from branchdesk.ui.widgets.date_field import DateField

        page = QWidget()
        self.profile_intro = QLabel()
        self.profile_intro.setWordWrap(True)
        self.founded_on = DateField(partial=True)
        self.higher_committee = QLineEdit()
        self.higher_committee.setMaxLength(100)
        self.higher_committee.setPlaceholderText("如 某某学院党委")
        self.term_start = DateField()
        self.term_end = DateField()
        term = QWidget()
        term_row = QHBoxLayout(term)
        term_row.setContentsMargins(0, 0, 0, 0)
        term_row.addWidget(self.term_start)
        term_row.addWidget(QLabel("至"))
        term_row.addWidget(self.term_end)
        term_row.addStretch(1)
        form = form_layout()
        form.addRow("成立日期：", self.founded_on)
        form.addRow("上级党组织：", self.higher_committee)
        form.addRow("本届支委任期：", term)
        posts = note_label(
            "支部委员会的书记、副书记和委员，在录入或导入党员后于“设置 › 支部委员会”中任命；"
            "这些信息以后都可以在“设置 › 支部信息”中修改。"
        )
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.profile_intro)
        layout.addLayout(form)
        layout.addWidget(posts)
        layout.addStretch(1)
        return page

    def accept(self) -> None:
        self.error_label.clear()
        try:
            if self.pages.currentIndex() == 1:
                self._save_profile()
            elif self.demo_choice.isChecked() or self.committee_choice.isChecked():
                self._generate_demo(DEMO_BRANCHES if self.committee_choice.isChecked() else 1)
            else:
                self._create_branch()
                self._to_profile()
                return
        except ValidationError as exc:
            self.error_label.setText("；".join(issue.message for issue in exc.issues))
            return
        super().accept()

    def _to_profile(self) -> None:
        """The branch exists: go on to its profile instead of leaving it to be found in 设置."""
        name = self.ctx.branch.profile().name
        self.profile_intro.setText(
            f"<h3>已建立“{name}”</h3><p>请补充支部的基本情况（打印台账的表头和检查规则会用到），"
            "不清楚的可以先空着：</p>"
        )
        self.pages.setCurrentIndex(1)
        self.start_button.setText("保存并开始使用")
        self.skip_button.setVisible(True)
        for button in self._buttons.buttons():
            if self._buttons.buttonRole(button) == QDialogButtonBox.ButtonRole.RejectRole:
                button.setVisible(False)  # the branch exists: 退出 would look like it undoes that
        self.founded_on.setFocus()

    def _save_profile(self) -> None:
        from dataclasses import replace

        from branchdesk.domain.members import FieldIssue

        issues = [
            FieldIssue(name, f"{label}：{field.error()}")
            for name, label, field in (("founded_on", "成立日期", self.founded_on),
                                       ("committee_term_start", "任期开始", self.term_start),
                                       ("committee_term_end", "任期届满", self.term_end))
            if field.error()
        ]  # fmt: skip
        if issues:
            raise ValidationError(issues)
        profile = self.ctx.branch.profile()
        self.ctx.branch.save_profile(
            replace(profile, founded_on=self.founded_on.date(), founded_on_precision=self.founded_on.precision(),
                    higher_committee=self.higher_committee.text().strip(),
                    committee_term_start=self.term_start.date(), committee_term_end=self.term_end.date())
        )  # fmt: skip

    def _create_branch(self) -> None:
        from branchdesk.services.branch import BranchProfile

        self.ctx.branch.save_profile(BranchProfile(name=self.branch_name.text().strip()))

    def _generate_demo(self, branches: int = 1) -> None:
        from branchdesk.services.demo import generate
        from branchdesk.ui.worker import run_in_background

        run_in_background(
            self, "正在生成演示数据…", generate, self.ctx.db, members=DEMO_MEMBERS, branches=branches
        )


def ensure_branch(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """True when the database has a branch (asking the user on first run); False if they chose to quit."""
    if ctx.branch.has_branch():
        return True
    dialog = FirstRunDialog(ctx, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted and ctx.branch.has_branch()


# ---- the administrator account ---------------------------------------------------------------------
class AdminSetupDialog(QDialog):
    """Username, name, password twice → `AuthService.create_first_admin`, then the recovery code once.

    `postponable`: offered on a database in use (from the window's bar or 设置 › 用户与权限: 取消 goes
    on without accounts); on the very first run the choice is to create the account or quit (退出).
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, postponable: bool = False):
        from branchdesk.domain.auth import USERNAME_MAX
        from branchdesk.ui.dialogs.login_dialog import PASSWORD_RULE, enter_buttons, password_edit

        super().__init__(parent)
        self.ctx = ctx
        self.created = None
        self.setWindowTitle("创建管理员账户")
        self.setMinimumWidth(520)
        if postponable:
            text = (
                "<h3>为这个数据库启用登录</h3><p>这个数据库还没有用户账户：任何能打开这台电脑上本程序的人，"
                "都能查看和修改全部党员档案。建议现在为支部书记创建管理员账户。创建后，每次打开程序都要登录，"
                "管理员还可以为委员和查阅人员分别建立账户、设定权限。</p>"
            )
        else:
            text = (
                f"<h3>欢迎使用{APP_TITLE}</h3><p>第一步：为支部书记（或负责管理本软件的同志）创建管理员账户。"
                "以后每次打开程序都要用它登录；管理员可以为其他委员和查阅人员建立账户、设定权限。</p>"
            )
        intro = QLabel(text)
        intro.setWordWrap(True)
        self.username = QLineEdit()
        self.username.setMaxLength(USERNAME_MAX)
        self.username.setPlaceholderText("登录时输入，如 wangshuji（字母、数字或汉字）")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(50)
        self.display_name.setPlaceholderText("如 王书记（显示在窗口和审计记录中）")
        self.password = password_edit(PASSWORD_RULE)
        self.again = password_edit("再输入一次密码")
        form = form_layout()
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display_name)
        form.addRow("密码：", self.password)
        form.addRow("再输一次：", self.again)
        note = note_label("角色：管理员（全部功能，包括账户管理、规则设置、从备份恢复）。"
                      "创建后会显示一次“恢复码”，忘记密码时用它重新设置，请准备好纸笔。")  # fmt: skip
        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        for field, widget in (("username", self.username), ("display_name", self.display_name),
                              ("password", self.password)):  # fmt: skip
            self.marks.register(field, widget)

        buttons, self.create_button, self.later_button = enter_buttons(
            self, "创建账户", "取消" if postponable else "退出", self.accept
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 16, 22, 14)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.username.setFocus()

    def accept(self) -> None:
        from branchdesk.ui.dialogs.login_dialog import busy, show_recovery_code

        try:
            with busy():
                self.created = self.ctx.auth.create_first_admin(
                    self.username.text(), self.display_name.text(), self.password.text(), self.again.text()
                )
        except ValidationError as exc:
            self.marks.show(exc.issues, title="")
            return
        show_recovery_code(self.created.recovery_code, self)
        super().accept()


def ensure_admin(ctx: AppContext, parent: QWidget | None = None) -> bool:
    """The first run: the administrator account (with its recovery code) before anything else; False
    when the user chose to quit."""
    if ctx.auth.has_accounts():
        return True
    return AdminSetupDialog(ctx, parent).exec() == QDialog.DialogCode.Accepted
