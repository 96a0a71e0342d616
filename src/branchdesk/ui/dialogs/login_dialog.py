"""Signing in: the login dialog, the lock screen, a forgotten administrator password (recovery code),
changing a password, and showing a recovery code once.

Every check happens in `services.auth.AuthService`; these dialogs only collect what is typed and show
the service's Chinese messages (wrong password with the attempts left, locked until when …).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from branchdesk import APP_TITLE
from branchdesk.domain.auth import PASSWORD_MIN, Principal
from branchdesk.domain.members import ValidationError
from branchdesk.ui.widgets.dialog_parts import form_layout, note_label
from branchdesk.ui.widgets.form_errors import ERROR_COLOUR, ErrorPanel, FieldMarks

PASSWORD_RULE = f"至少 {PASSWORD_MIN} 个字符，包含字母、数字、符号中的至少两类"


@contextmanager
def busy() -> Iterator[None]:
    """A wait cursor while a password is checked (argon2 takes a noticeable fraction of a second)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def password_edit(placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _message_label() -> QLabel:
    label = QLabel()
    label.setObjectName("loginMessage")
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


_form = form_layout
_note = note_label


def enter_buttons(
    dialog: QDialog, ok_text: str, cancel_text: str, on_ok
) -> tuple[QDialogButtonBox, QPushButton, QPushButton]:
    """OK / cancel where Enter means OK (short forms: a login, a password): (box, ok, cancel)."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    cancel = buttons.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    ok.setDefault(True)
    cancel.setAutoDefault(False)
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok, cancel


# ---- login ---------------------------------------------------------------------------------------
class LoginDialog(QDialog):
    """Username (remembered by the caller), password, Enter signs in. Accepted once signed in:
    `signed` holds the service's `SignedIn` (principal, must the password be changed)."""

    def __init__(self, auth, *, username: str = "", where: str = "", parent: QWidget | None = None,
                 title: str = "登录", quit_text: str = "退出") -> None:  # fmt: skip
        super().__init__(parent)
        self.auth = auth
        self.signed = None
        self.setWindowTitle(f"{title} — {APP_TITLE}")
        self.setMinimumWidth(420)

        self.username = QLineEdit(username)
        self.username.setMaxLength(50)
        self.username.setPlaceholderText("用户名")
        self.password = password_edit("密码")
        self.message = _message_label()
        self.message.hide()
        self.forgot_button = QPushButton("忘记密码？")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.forgot_button.setStyleSheet("QPushButton { color: #1a5fb4; border: none; padding: 2px; }")
        self.forgot_button.clicked.connect(self.forgot)

        buttons, self.login_button, self.quit_button = enter_buttons(self, "登录", quit_text, self.submit)

        form = _form()
        form.addRow("用户名：", self.username)
        form.addRow("密码：", self.password)
        forgot_row = QHBoxLayout()
        forgot_row.addStretch(1)
        forgot_row.addWidget(self.forgot_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(_heading(APP_TITLE))
        if where:
            where_label = _note(f"数据库：{where}")
            where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(where_label)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addLayout(forgot_row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def show_message(self, text: str, *, good: bool = False) -> None:
        self.message.setStyleSheet(f"color: {'#2e7d32' if good else ERROR_COLOUR};")
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.adjustSize()

    def submit(self) -> None:
        from branchdesk.services.auth import SignInError

        if not self.username.text().strip():
            self.show_message("请填写用户名")
            self.username.setFocus()
            return
        if not self.password.text():
            self.show_message("请输入密码")
            self.password.setFocus()
            return
        try:
            with busy():
                self.signed = self.auth.sign_in(self.username.text(), self.password.text())
        except SignInError as exc:
            self.show_message(str(exc))
            self.password.clear()
            (self.username if exc.reason == "unknown" else self.password).setFocus()
            return
        self.accept()

    def forgot(self) -> None:
        dialog = ForgotPasswordDialog(self.auth, self.username.text().strip(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.username.setText(dialog.username.text().strip())
            self.password.clear()
            self.password.setFocus()
            self.show_message("管理员密码已重新设置，请用新密码登录。", good=True)


# ---- the lock screen -----------------------------------------------------------------------------
class LockDialog(QDialog):
    """Shown over the hidden data after the idle time (or 文件 › 锁定). Only the password of the user
    who locked it opens it again; wrong passwords count toward the account's lock."""

    SWITCH_USER = 2
    QUIT = 3

    def __init__(self, auth, principal: Principal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.auth = auth
        self.principal = principal
        self.signed = None
        self.setWindowTitle(f"已锁定 — {APP_TITLE}")
        self.setMinimumWidth(440)
        # No close button: the lock is left by the password, another user, or quitting.
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

        self.password = password_edit("密码")
        self.message = _message_label()
        self.message.hide()
        self.unlock_button = QPushButton("解锁")
        self.switch_button = QPushButton("切换用户…")
        self.quit_button = QPushButton("退出程序")
        self.unlock_button.setDefault(True)
        for button in (self.switch_button, self.quit_button):
            button.setAutoDefault(False)
        self.unlock_button.clicked.connect(self.submit)
        self.switch_button.clicked.connect(lambda: self.done(self.SWITCH_USER))
        self.quit_button.clicked.connect(lambda: self.done(self.QUIT))
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addWidget(self.quit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)

        form = _form()
        form.addRow("密码：", self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(_heading("程序已锁定"))
        note = _note(f"为保护党员档案，程序在无人操作时自动锁定。\n请 {principal.label} 输入密码继续。")
        note.setWordWrap(False)
        layout.addWidget(note)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self.password.setFocus()

    def submit(self) -> None:
        from branchdesk.services.auth import SignInError

        if not self.password.text():
            self.message.setText("请输入密码")
            self.message.show()
            return
        try:
            with busy():
                self.signed = self.auth.unlock_session(self.principal.username, self.password.text())
        except SignInError as exc:
            self.message.setText(str(exc))
            self.message.show()
            self.adjustSize()
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()

    def reject(self) -> None:
        """Esc does not unlock."""

    def closeEvent(self, event) -> None:
        event.ignore()  # closing the window (Alt+F4) does not unlock either


# ---- a forgotten administrator password ------------------------------------------------------------
class _PasswordForm(QDialog):
    """A small form with an error panel; `save()` calls the service and closes when it succeeds."""

    def __init__(self, title: str, intro: str, parent: QWidget | None, *, save_text: str = "确定") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = _form()
        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        buttons, self.ok_button, self.cancel_button = enter_buttons(self, save_text, "取消", self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        if intro:
            layout.addWidget(_note(intro))
            layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.errors)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def add_field(self, field: str, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(f"{label}：", widget)
        self.marks.register(field, widget)
        return widget

    def refused(self, exc: ValidationError) -> None:
        self.marks.show(exc.issues, title="")

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ForgotPasswordDialog(_PasswordForm):
    def __init__(self, auth, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(
            "忘记密码",
            "管理员忘记密码时，可以用第一次设置时记下的恢复码重新设置密码。\n"
            "其他用户忘记密码，请管理员在“设置 › 用户与权限”中重设。",
            parent,
            save_text="重设密码",
        )
        self.auth = auth
        self.new_code: str | None = None
        self.username = self.add_field("username", "管理员用户名", QLineEdit(username))
        self.code = self.add_field("recovery_code", "恢复码", QLineEdit())
        self.code.setPlaceholderText("如 ABCD-EFGH-…（不区分大小写）")
        self.new = self.add_field("password", "新密码", password_edit(PASSWORD_RULE))
        self.again = password_edit("再输入一次新密码")
        self.form.addRow("再输一次：", self.again)
        (self.code if username else self.username).setFocus()

    def save(self) -> None:
        try:
            with busy():
                self.new_code = self.auth.reset_with_recovery_code(
                    self.username.text(), self.code.text(), self.new.text(), self.again.text()
                )
        except ValidationError as exc:
            self.refused(exc)
            return
        show_recovery_code(self.new_code, self, replaced=True)
        self.accept()


class PasswordDialog(_PasswordForm):
    """A new password typed twice (and the old one when `ask_old`); `submit(old, new, again)` is the
    service call (change one's own password, or an administrator's reset of someone else's)."""

    def __init__(self, title: str, intro: str, submit: Callable[[str | None, str, str], object], *,
                 ask_old: bool, parent: QWidget | None = None, cancel_text: str = "取消") -> None:  # fmt: skip
        super().__init__(title, intro, parent)
        self.submit = submit
        self.cancel_button.setText(cancel_text)
        self.old = self.add_field("old_password", "原密码", password_edit()) if ask_old else None
        self.new = self.add_field("password", "新密码", password_edit(PASSWORD_RULE))
        self.again = password_edit("再输入一次新密码")
        self.form.addRow("再输一次：", self.again)
        (self.old or self.new).setFocus()

    def save(self) -> None:
        try:
            with busy():
                self.submit(self.old.text() if self.old else None, self.new.text(), self.again.text())
        except ValidationError as exc:
            self.refused(exc)
            return
        self.accept()


def change_own_password(auth, parent: QWidget | None, *, forced: bool = False) -> bool:
    """修改我的密码 (forced: right after a login with a password the administrator gave)."""
    if forced:
        intro = "管理员为您设置了临时密码。为了安全，请现在设置一个只有您自己知道的新密码。"
        dialog = PasswordDialog("设置新密码", intro, auth.change_own_password, ask_old=False, parent=parent,
                                cancel_text="退出")  # fmt: skip
    else:
        dialog = PasswordDialog("修改我的密码", "", auth.change_own_password, ask_old=True, parent=parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


# ---- the recovery code -----------------------------------------------------------------------------
class RecoveryCodeDialog(QDialog):
    """The administrator recovery code, shown once: copy or print it; closes once the user confirms
    it is written down."""

    def __init__(self, code: str, parent: QWidget | None = None, *, replaced: bool = False) -> None:
        super().__init__(parent)
        self.code = code
        self.setWindowTitle("管理员恢复码")
        self.setMinimumWidth(520)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)

        lead = (
            "旧的恢复码已经作废，下面是新的恢复码。" if replaced else "管理员账户已创建。下面是管理员恢复码。"
        )
        intro = QLabel(lead + "忘记管理员密码时，只有用它才能重新设置密码。")
        intro.setWordWrap(True)
        self.code_label = QLabel(code)
        self.code_label.setObjectName("recoveryCode")
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont(self.code_label.font())
        font.setFamilies(["DejaVu Sans Mono", "Consolas", "Courier New", "monospace", *font.families()])
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1.5)
        self.code_label.setFont(font)
        self.code_label.setStyleSheet(
            "QLabel#recoveryCode { background: #fff8e1; border: 1px solid #e0c068; border-radius: 4px;"
            " padding: 14px; color: #222; }"
        )
        warning = QLabel(
            "请现在就把恢复码抄在纸上或打印出来，和支部的重要档案一起妥善保管，不要存在这台电脑里。"
            "恢复码只显示这一次，关闭本窗口后无法再查看；用过一次后会换成新的恢复码。"
        )
        warning.setWordWrap(True)
        warning.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.copy_button = QPushButton("复制")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        self.print_button = QPushButton("打印…")
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_code)
        self.copied = QLabel()
        self.copied.setStyleSheet("color: #2e7d32;")
        self.confirm = QCheckBox("我已把恢复码抄写或打印好，并妥善保管")
        self.done_button = QPushButton("完成")
        self.done_button.setEnabled(False)
        self.done_button.setDefault(True)
        self.confirm.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self.accept)

        tools = QHBoxLayout()
        tools.addWidget(self.copy_button)
        tools.addWidget(self.print_button)
        tools.addWidget(self.copied, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.confirm, 1)
        bottom.addWidget(self.done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 14)
        layout.addWidget(_heading("请记下管理员恢复码"))
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.code_label)
        layout.addLayout(tools)
        layout.addSpacing(4)
        layout.addWidget(warning)
        layout.addSpacing(8)
        layout.addLayout(bottom)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Copy), self, self.copy)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self.copied.setText("已复制")

    def print_code(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        doc = QTextDocument()
        doc.setHtml(
            f"<h2>{APP_TITLE} 管理员恢复码</h2>"
            f"<p style='font-size:20pt; font-family:monospace'><b>{self.code}</b></p>"
            "<p>忘记管理员密码时，在登录窗口点“忘记密码？”，输入管理员用户名和这个恢复码，即可重新设置密码。"
            "恢复码用过一次后作废，程序会显示新的恢复码。请妥善保管本页。</p>"
        )
        doc.print_(printer)

    def reject(self) -> None:
        """Esc closes only once the code is confirmed written down."""
        if self.confirm.isChecked():
            super().reject()


def show_recovery_code(code: str, parent: QWidget | None = None, *, replaced: bool = False) -> None:
    RecoveryCodeDialog(code, parent, replaced=replaced).exec()
