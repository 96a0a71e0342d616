"""加密数据库… / 解除加密… (the administrator confirms with their password; the conversion runs off the GUI
thread), and unlocking an encrypted backup with a password or its recovery code (从备份恢复)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from branchdesk.ui.context import AppContext
from branchdesk.ui.dialogs.login_dialog import busy, enter_buttons, password_edit
from branchdesk.ui.widgets.dialog_parts import form_layout, note_label
from branchdesk.ui.widgets.form_errors import ERROR_COLOUR

ENCRYPT_STEPS = (
    "加密分三步，任何一步中断（包括断电），数据库都保持完整可用：\n"
    "1. 先把当前数据库完整备份一份，并校验；\n"
    "2. 再生成一份加密的完整副本，逐表核对数据无误；\n"
    "3. 最后用加密副本替换原文件。原有的备份随后也逐个加密。\n\n"
    "加密后会生成新的管理员恢复码（旧恢复码作废），请准备好纸笔。其他账户在管理员为其重设密码，"
    "或本人在程序打开时登录一次之后，才能用自己的密码打开数据库。"
)
DECRYPT_STEPS = (
    "解除加密后，数据库文件不再加密，能读取这个文件的人就能看到全部内容。\n"
    "步骤同样安全：先做一份校验过的（加密的）备份，再生成未加密的完整副本并核对，最后替换。"
    "已有的备份保持加密，恢复时需要输入当时的密码或恢复码。"
)


class ConfirmDialog(QDialog):
    """The administrator's password again, then the conversion (`result_` once it succeeded)."""

    def __init__(self, ctx: AppContext, *, encrypting: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.encrypting = encrypting
        self.result_ = None
        title = "加密数据库" if encrypting else "解除数据库加密"
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.password = password_edit("管理员密码")
        self.understood = QCheckBox(
            "我已了解：忘记全部密码又丢失恢复码时，加密的数据无法找回" if encrypting else "我确认要解除加密"
        )
        self.message = QLabel()
        self.message.setObjectName("encryptionMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        form = form_layout()
        form.addRow("用户：", QLabel(ctx.db.principal.label))
        form.addRow("密码：", self.password)
        buttons, self.ok_button, _cancel = enter_buttons(
            self, "加密" if encrypting else "解除加密", "取消", self.run
        )
        self.ok_button.setEnabled(False)
        self.understood.toggled.connect(self.ok_button.setEnabled)
        layout = QVBoxLayout(self)
        layout.addWidget(note_label(ENCRYPT_STEPS if encrypting else DECRYPT_STEPS))
        layout.addLayout(form)
        layout.addWidget(self.understood)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.password.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.adjustSize()

    def run(self) -> None:
        from branchdesk.services import encryption
        from branchdesk.ui.worker import run_in_background

        if not self.understood.isChecked():
            return
        if not self.password.text():
            self.show_message("请输入您的密码")
            return
        action = encryption.encrypt if self.encrypting else encryption.decrypt
        title = "正在加密数据库…" if self.encrypting else "正在解除加密…"
        try:
            self.result_ = run_in_background(
                self, title, action, self.ctx.location, self.ctx.db, self.ctx.db.principal.username,
                self.password.text(),
            )  # fmt: skip
        except encryption.EncryptionError as exc:
            self.password.clear()
            self.show_message(str(exc))
            return
        self.accept()


class UnlockBackupDialog(QDialog):
    """An encrypted backup: a username and password of the backup's time, or its recovery code."""

    def __init__(self, path: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle("打开加密的备份")
        self.setMinimumWidth(480)
        self.username = QLineEdit()
        self.username.setPlaceholderText("备份时的用户名")
        self.password = password_edit("密码")
        self.use_code = QCheckBox("改用恢复码")
        self.code = QLineEdit()
        self.code.setPlaceholderText("备份时的管理员恢复码，如 ABCD-EFGH-…")
        self.code.hide()
        self.use_code.toggled.connect(self._toggle)
        self.message = QLabel()
        self.message.setObjectName("unlockMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message.hide()
        self.form = form_layout()
        self.form.addRow("用户名：", self.username)
        self.form.addRow("密码：", self.password)
        self.form.addRow("恢复码：", self.code)
        self.form.setRowVisible(2, False)
        buttons, self.ok_button, _ = enter_buttons(self, "打开", "取消", self.unlock)
        layout = QVBoxLayout(self)
        layout.addWidget(
            note_label(
                f"备份“{self.path.name}”已加密。请输入备份时任一账户的用户名和密码，或备份时的管理员恢复码。"
            )
        )
        layout.addLayout(self.form)
        layout.addWidget(self.use_code)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.username.setFocus()

    def _toggle(self, on: bool) -> None:
        self.form.setRowVisible(0, not on)
        self.form.setRowVisible(1, not on)
        self.form.setRowVisible(2, on)
        (self.code if on else self.username).setFocus()

    def unlock(self) -> None:
        from branchdesk.db.crypto import CryptoError
        from branchdesk.domain.members import ValidationError
        from branchdesk.services import encryption
        from branchdesk.services.auth import SignInError

        try:
            with busy():
                if self.use_code.isChecked():
                    encryption.unlock_with_recovery(self.path, self.code.text())
                else:
                    encryption.unlock(self.path, self.username.text(), self.password.text())
        except (SignInError, ValidationError) as exc:
            self.message.setText(str(exc))
            self.message.show()
            self.password.clear()
            return
        except CryptoError as exc:  # a damaged, missing or foreign key file: say so
            self.message.setText(f"无法打开这个备份：{exc}")
            self.message.show()
            return
        self.accept()
