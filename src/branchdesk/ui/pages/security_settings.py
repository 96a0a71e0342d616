"""设置 › 数据安全: whether the database file is encrypted, 加密数据库… / 解除加密…, and who can open it.

The work is `services.encryption` (off the GUI thread, with a progress dialog); this panel explains,
asks the administrator's password again, and shows the new recovery code once.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from branchdesk.ui.context import AppContext
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.dialog_parts import action_button, note_label
from branchdesk.ui.widgets.form_errors import ERROR_COLOUR

ABOUT = (
    "加密后，数据库文件和它的全部备份（自动备份、手动备份、升级前和恢复前的备份）都以 AES-256 加密保存"
    "（SQLCipher）：电脑丢失或备份被人复制时，没有账户密码或恢复码的人看不到其中任何内容。"
    "登录时输入的账户密码同时用来打开数据库，日常使用没有变化。"
)
KEYFILE_NOTE = (
    "加密的数据库旁边有一个同名的密钥文件（branchdesk.sqlite.keys），备份旁边也各有一个。"
    "复制或移动数据库、备份时，请把 .keys 文件一起复制，否则无法打开。导出的 PDF、Excel 和迎检资料包不加密，请妥善保管。"
)


class SecurityPanel(QWidget):
    """The 数据安全 tab. `reopened` tells the window the database was converted (it reloads nothing:
    the same data, only the file changed)."""

    converted = Signal(bool)  # encrypted now?

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.state = QLabel()
        self.state.setObjectName("encryptionState")
        self.state.setWordWrap(True)
        font = self.state.font()
        font.setBold(True)
        self.state.setFont(font)
        self.detail = note_label("")
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = QLabel()
        self.reason.setObjectName("encryptionReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.encrypt_button = action_button("加密数据库…", self.encrypt)
        self.decrypt_button = action_button("解除加密…", self.decrypt)
        for button in (self.encrypt_button, self.decrypt_button):
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reason, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.encrypt_button)
        buttons.addWidget(self.decrypt_button)

        box = QGroupBox("数据库加密")
        inner = QVBoxLayout(box)
        inner.addWidget(self.state)
        inner.addWidget(self.detail)
        inner.addWidget(note_label(ABOUT))
        inner.addWidget(note_label(KEYFILE_NOTE))
        inner.addLayout(buttons)

        body = QWidget()
        body.setMaximumWidth(820)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(box)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.addWidget(body)
        outer.addStretch(1)
        self.refresh()

    # ---- state ---------------------------------------------------------------------------------
    def refresh(self) -> None:
        from branchdesk.services import encryption

        db, location = self.ctx.db, self.ctx.location
        principal = db.principal
        self.encrypt_button.setVisible(not db.encrypted)
        self.decrypt_button.setVisible(db.encrypted)
        reason = ""
        if location.sqlite_path is None:
            self.state.setText("服务器数据库（PostgreSQL）")
            self.detail.setText(encryption.POSTGRES)
            reason = "服务器数据库不在本机加密。"
        elif db.encrypted:
            since = encryption.encrypted_since(db)
            when = f"（{since.astimezone():%Y-%m-%d %H:%M} 起）" if since else ""
            self.state.setText(f"数据库文件已加密{when}")
            missing = encryption.accounts_without_key(db)
            lines = [
                f"数据库文件：{location.sqlite_path}",
                f"密钥文件：{location.sqlite_path.name}.keys（与数据库放在一起）",
            ]
            if missing:
                lines.append(
                    "以下账户的密码还不能打开数据库（需要管理员重设密码，或本人在程序打开时登录一次）："
                    + "、".join(missing)
                )
            self.detail.setText("\n".join(lines))
        else:
            self.state.setText("数据库文件未加密")
            self.detail.setText(
                f"数据库文件：{location.sqlite_path}\n能读取这个文件或它的备份的人，就能看到其中的全部内容。"
            )
            if not self.ctx.auth.has_accounts():
                reason = encryption.NO_ACCOUNTS
        if not reason and not principal.is_admin:
            reason = "只有管理员可以加密或解除加密。"
        elif not reason and not principal.has_account:
            reason = "请先登录管理员账户。"
        self.reason.setText(reason)
        self.reason.setVisible(bool(reason))
        for button in (self.encrypt_button, self.decrypt_button):
            button.setEnabled(not reason)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    # ---- actions -------------------------------------------------------------------------------
    def encrypt(self) -> None:
        from branchdesk.ui.dialogs.encryption_dialog import ConfirmDialog

        dialog = ConfirmDialog(self.ctx, encrypting=True, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_ is None:
            return
        result = dialog.result_
        from branchdesk.ui.dialogs.login_dialog import show_recovery_code

        text = "数据库已加密。\n\n" + f"加密前的备份（已加密）：\n{result.backup}"
        if result.backups_converted:
            text += f"\n\n原有的 {result.backups_converted} 个备份也已加密。"
        if result.backups_failed:
            text += "\n\n以下备份无法加密（可能已损坏），仍未加密，请检查后删除：\n" + "\n".join(
                str(p) for p in result.backups_failed
            )
        if result.accounts_without_key:
            text += (
                "\n\n以下账户需要由管理员重设密码（或本人在程序打开时登录一次）后，才能用自己的密码打开数据库："
                + "、".join(result.accounts_without_key)
            )
        prompts.inform(self, "加密完成", text)
        show_recovery_code(result.recovery_code, self, replaced=True)
        self.refresh()
        self.converted.emit(True)

    def decrypt(self) -> None:
        from branchdesk.ui.dialogs.encryption_dialog import ConfirmDialog

        dialog = ConfirmDialog(self.ctx, encrypting=False, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_ is None:
            return
        prompts.inform(
            self,
            "已解除加密",
            f"数据库文件已解除加密。\n\n解除前的备份（仍是加密的）：\n{dialog.result_.backup}",
        )
        self.refresh()
        self.converted.emit(False)


__all__ = ["SecurityPanel"]
