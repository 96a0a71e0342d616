"""设置 › 用户与权限: one's own password for everyone; for the administrator the accounts (add, change
role, reset password, unlock, deactivate), the recovery code and the idle-lock time.

Every change goes through `AuthService`, which refuses what the signed-in role may not do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.auth import ROLE_DESCRIPTIONS, Role
from branchdesk.domain.members import ValidationError
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.dialog_parts import (
    action_button,
    form_layout,
    note_label,
    record_table,
    save_cancel_buttons,
    select_row_by_text,
    selected_row_data,
)
from branchdesk.ui.widgets.form_errors import ERROR_COLOUR, ErrorPanel, FieldMarks

HEADERS = ["用户名", "姓名", "角色", "状态", "最近登录"]


_note = note_label
_button = action_button


def role_combo(current: Role | None = None) -> QComboBox:
    combo = QComboBox()
    for role in Role:
        combo.addItem(f"{role.label} — {role.description}", role.value)
    if current is not None:
        combo.setCurrentIndex(combo.findData(current.value))
    return combo


class AccountDialog(QDialog):
    """A new account: username, name, role, first password (the user changes it at the first login)."""

    def __init__(self, auth, parent: QWidget | None = None):
        from branchdesk.ui.dialogs.login_dialog import PASSWORD_RULE, password_edit

        super().__init__(parent)
        self.auth = auth
        self.saved = None
        self.setWindowTitle("添加用户")
        self.setMinimumWidth(560)
        self.username = QLineEdit()
        self.username.setMaxLength(30)
        self.username.setPlaceholderText("登录时输入，如 lisi")
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(50)
        self.display_name.setPlaceholderText("如 李四")
        self.role = role_combo(Role.COMMITTEE)
        self.password = password_edit(PASSWORD_RULE)
        self.again = password_edit("再输入一次")
        form = form_layout()
        form.addRow("用户名：", self.username)
        form.addRow("姓名：", self.display_name)
        form.addRow("角色：", self.role)
        form.addRow("初始密码：", self.password)
        form.addRow("再输一次：", self.again)
        self.errors = ErrorPanel()
        self.marks = FieldMarks(self.errors)
        for field, widget in (("username", self.username), ("display_name", self.display_name),
                              ("role", self.role), ("password", self.password)):  # fmt: skip
            self.marks.register(field, widget)
        buttons, self.ok_button, _ = save_cancel_buttons(self, self.save, save_text="添加")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(_note("请把初始密码当面告诉本人；第一次登录时，程序会要求本人设置新密码。"))
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.username.setFocus()

    def save(self) -> None:
        from branchdesk.ui.dialogs.login_dialog import busy

        try:
            with busy():
                self.saved = self.auth.add_account(
                    self.username.text(), self.display_name.text(), Role(self.role.currentData()),
                    self.password.text(), self.again.text(),
                )  # fmt: skip
        except ValidationError as exc:
            self.marks.show(exc.issues, title="")
            return
        self.accept()


def choose_role(parent: QWidget | None, account) -> Role | None:
    """A question with the role list; None when cancelled (tests replace it)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("修改角色")
    combo = role_combo(account.role)
    buttons, _ok, _cancel = save_cancel_buttons(dialog, dialog.accept)
    layout = QVBoxLayout(dialog)
    layout.addWidget(QLabel(f"{account.display_name}（{account.username}）的角色："))
    layout.addWidget(combo)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return Role(combo.currentData())


class AccountSettingsPanel(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._accounts: dict[int, object] = {}
        me = ctx.db.principal

        # ---- me
        self.me_label = QLabel()
        self.change_password_button = _button("修改我的密码…", self.change_my_password)
        me_row = QHBoxLayout()
        me_row.addWidget(self.me_label, 1)
        me_row.addWidget(self.change_password_button)

        # ---- no accounts yet
        self.setup_box = QWidget()
        setup_layout = QHBoxLayout(self.setup_box)
        setup_layout.setContentsMargins(0, 0, 0, 0)
        setup_layout.addWidget(
            _note("尚未启用用户账户：任何能打开本程序的人都能查看和修改全部数据。创建管理员账户后，"
                  "打开程序时需要登录，并可为委员和查阅人员分别建立账户。"), 1,
        )  # fmt: skip
        self.setup_button = _button("创建管理员账户…", self.create_admin)
        setup_layout.addWidget(self.setup_button, 0, Qt.AlignmentFlag.AlignTop)

        # ---- accounts (管理员)
        self.admin_box = QWidget()
        admin_layout = QVBoxLayout(self.admin_box)
        admin_layout.setContentsMargins(0, 0, 0, 0)
        self.table: QTableWidget = record_table(HEADERS, widest_short_text="下次登录须改密码")
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.add_button = _button("添加用户…", self.add_account)
        self.role_button = _button("修改角色…", self.change_role)
        self.reset_button = _button(
            "重设密码…", self.reset_password, "忘记密码时设一个临时密码，本人下次登录须修改"
        )
        self.unlock_button = _button("解锁", self.unlock, "解除因多次输错密码造成的锁定")
        self.active_button = _button("停用", self.toggle_active, "停用后不能登录；记录仍保留，可重新启用")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.reset_button, self.unlock_button,
                       self.active_button):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch(1)
        roles = "；".join(f"{r.label}：{ROLE_DESCRIPTIONS[r]}" for r in Role)
        admin_layout.addWidget(self.table, 1)
        admin_layout.addLayout(buttons)
        admin_layout.addWidget(_note(roles + "。"))

        security = QGroupBox("安全")
        sec_layout = QFormLayout(security)
        sec_layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(0, 24 * 60)
        self.idle_minutes.setSuffix(" 分钟")
        self.idle_minutes.setSpecialValueText("不自动锁定")
        self.idle_save_button = _button("保存", self.save_idle_time)
        idle_row = QHBoxLayout()
        idle_row.addWidget(self.idle_minutes)
        idle_row.addWidget(self.idle_save_button)
        self.idle_status = _note("")
        idle_row.addWidget(self.idle_status, 1)
        sec_layout.addRow("无人操作自动锁定：", idle_row)
        self.recovery_button = _button("重新生成恢复码…", self.new_recovery_code,
                                       "原来的恢复码丢失时使用：旧恢复码作废，新恢复码只显示一次")  # fmt: skip
        recovery_row = QHBoxLayout()
        recovery_row.addWidget(self.recovery_button)
        recovery_row.addWidget(_note("管理员忘记密码时，只能用恢复码重设密码。"), 1)
        sec_layout.addRow("管理员恢复码：", recovery_row)
        admin_layout.addWidget(security)

        self.others_note = _note("用户账户由管理员管理。忘记密码时，请管理员为您重设。")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addLayout(me_row)
        layout.addWidget(self.setup_box)
        layout.addWidget(self.admin_box, 1)
        layout.addWidget(self.others_note)
        layout.addStretch(0 if me.is_admin else 1)
        self.refresh()

    # ---- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        me = self.ctx.db.principal
        has_accounts = self.ctx.auth.has_accounts()
        if me.has_account:
            self.me_label.setText(f"当前登录：{me.label}")
        else:
            self.me_label.setText(f"当前用户：{me.username}（未启用登录）")
        self.change_password_button.setVisible(me.has_account)
        self.setup_box.setVisible(not has_accounts and me.is_admin)
        self.admin_box.setVisible(has_accounts and me.is_admin)
        self.others_note.setVisible(has_accounts and not me.is_admin)
        if has_accounts and me.is_admin:
            self._load_accounts()
            self.idle_minutes.setValue(self.ctx.auth.idle_lock_minutes())

    def _load_accounts(self) -> None:
        now = self.ctx.auth.clock()
        accounts = self.ctx.auth.accounts()
        self._accounts = {a.id: a for a in accounts}
        self.table.setRowCount(len(accounts))
        for row, a in enumerate(accounts):
            values = (a.username, a.display_name, a.role.label, a.state(now), a.last_login_text)
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setData(Qt.ItemDataRole.UserRole, a.id)
                if not a.active:
                    item.setForeground(Qt.GlobalColor.gray)
                elif col == 3 and a.locked(now):
                    item.setForeground(QColor(ERROR_COLOUR))
                self.table.setItem(row, col, item)
        self._sync_buttons()

    def selected(self):
        return self._accounts.get(selected_row_data(self.table))

    def select(self, username: str) -> None:
        select_row_by_text(self.table, username)

    def _sync_buttons(self) -> None:
        account = self.selected()
        for button in (self.role_button, self.reset_button, self.active_button):
            button.setEnabled(account is not None)
        now = self.ctx.auth.clock()
        self.unlock_button.setEnabled(account is not None and account.locked(now))
        self.active_button.setText("启用" if account is not None and not account.active else "停用")

    # ---- actions -------------------------------------------------------------------------------
    def _apply(self, call, *args) -> bool:
        try:
            call(*args)
        except ValidationError as exc:
            prompts.warn(self, "无法修改账户", "\n".join(i.message for i in exc.issues))
            return False
        return True

    def _reload_keeping(self, username: str | None) -> None:
        self._load_accounts()
        if username:
            self.select(username)

    def change_my_password(self) -> None:
        from branchdesk.ui.dialogs.login_dialog import change_own_password

        if change_own_password(self.ctx.auth, self):
            prompts.inform(self, "修改我的密码", "密码已修改。下次登录请使用新密码。")

    def create_admin(self) -> None:
        from branchdesk.ui.first_run import AdminSetupDialog

        if AdminSetupDialog(self.ctx, self, postponable=True).exec() != QDialog.DialogCode.Accepted:
            return
        self.refresh()
        prompts.inform(self, "已启用登录", "管理员账户已创建，您已登录。以后打开程序时需要输入用户名和密码。")
        window = self.window()
        if hasattr(window, "accounts_enabled"):
            window.accounts_enabled.emit()  # the session builds the window for the account

    def add_account(self) -> None:
        dialog = AccountDialog(self.ctx.auth, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self._reload_keeping(dialog.saved.username)

    def change_role(self) -> None:
        account = self.selected()
        if account is None:
            return
        role = choose_role(self, account)
        if role is None or role is account.role:
            return
        if self._apply(self.ctx.auth.set_role, account.id, role):
            self._reload_keeping(account.username)
            self.refresh_if_me(account)

    def reset_password(self) -> None:
        from branchdesk.ui.dialogs.login_dialog import PasswordDialog

        account = self.selected()
        if account is None:
            return
        dialog = PasswordDialog(
            f"重设 {account.display_name}（{account.username}）的密码",
            "设置一个临时密码并当面告诉本人；本人下次登录时须改成自己的新密码。账户如被锁定，同时解锁。",
            lambda _old, new, again: self.ctx.auth.reset_password(account.id, new, again),
            ask_old=False, parent=self,
        )  # fmt: skip
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._reload_keeping(account.username)

    def unlock(self) -> None:
        account = self.selected()
        if account is not None and self._apply(self.ctx.auth.unlock, account.id):
            self._reload_keeping(account.username)

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return
        if account.active and not prompts.ask(
            self, "停用账户", f"停用后 {account.display_name}（{account.username}）不能再登录，"
            "其操作记录仍然保留。确定停用吗？", yes="停用", danger=True,
        ):  # fmt: skip
            return
        if self._apply(self.ctx.auth.set_active, account.id, not account.active):
            self._reload_keeping(account.username)

    def refresh_if_me(self, account) -> None:
        if account.id == self.ctx.db.principal.account_id:
            self.refresh()

    def save_idle_time(self) -> None:
        if self._apply(self.ctx.auth.set_idle_lock_minutes, self.idle_minutes.value()):
            minutes = self.idle_minutes.value()
            self.idle_status.setText(
                "已保存：不自动锁定" if minutes == 0 else f"已保存：{minutes} 分钟无人操作后锁定"
            )

    def new_recovery_code(self) -> None:
        from branchdesk.ui.dialogs.login_dialog import show_recovery_code

        if not prompts.ask(
            self, "重新生成恢复码", "旧的恢复码将立即作废。确定生成新的恢复码吗？", yes="生成"
        ):
            return
        show_recovery_code(self.ctx.auth.new_recovery_code(), self, replaced=True)
