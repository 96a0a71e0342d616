"""Signing in at the office PC: the login dialog, the first administrator and the recovery code, the
idle lock, switching user, the 用户与权限 tab, and a 查阅 user's window without editing actions."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from branchdesk.domain.auth import Role
from branchdesk.services.auth import AuthService
from branchdesk.ui.dialogs.login_dialog import (
    ForgotPasswordDialog,
    LockDialog,
    LoginDialog,
    PasswordDialog,
    RecoveryCodeDialog,
)

ADMIN_PW = "Shuji-2026"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
CODE = re.compile(r"^[ACDEFGHJKMNPQRTVWXY2-9]{4}(-[ACDEFGHJKMNPQRTVWXY2-9]{4}){4}$")


@pytest.fixture
def auth(ctx):
    ctx.ws.auth = AuthService(ctx.ws, hasher=FAST)  # argon2id with small parameters: fast tests
    return ctx.auth


@pytest.fixture
def accounts(auth):
    """The administrator 'shuji' (signed in), a committee member and an inspector; the recovery code."""
    code = auth.create_first_admin("shuji", "王书记", ADMIN_PW, ADMIN_PW).recovery_code
    auth.add_account("weiyuan", "李委员", Role.COMMITTEE, "Weiyuan-001", "Weiyuan-001")
    auth.add_account("chayue", "检查组", Role.VIEWER, "Chayue-001", "Chayue-001")
    return code


@pytest.fixture(autouse=True)
def no_stuck_dialog(qapp):
    """A dialog nobody answers would hang the test run: end it after a while and fail the test."""
    stuck: list[str] = []

    def check():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QDialog):
            stuck.append(type(widget).__name__)
            widget.done(QDialog.DialogCode.Rejected)

    timer = QTimer()
    timer.setInterval(15000)
    timer.timeout.connect(check)
    timer.start()
    yield
    timer.stop()
    assert not stuck, f"a dialog was left waiting for an answer: {stuck}"


def when_shown(cls, action, *, seen: list | None = None):
    """Run `action(dialog)` as soon as a modal dialog of `cls` is up (it runs in its own event loop)."""

    def poll():
        widget = QApplication.activeModalWidget()
        if isinstance(widget, cls) and widget.isVisible():
            if seen is not None:
                seen.append(widget)
            action(widget)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)


# ---- the login dialog --------------------------------------------------------------------------------
def test_a_wrong_password_then_the_right_one(qtbot, ctx, auth, accounts):
    ctx.db.sign_out()
    dialog = LoginDialog(auth, username="weiyuan")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.password.hasFocus() or not dialog.isActiveWindow(), "the remembered name: type the password"
    dialog.password.setText("Falsch-123")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter signs in
    assert dialog.message.isVisible() and "密码不正确。再输错 4 次" in dialog.message.text()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.password.text() == ""
    assert not ctx.db.principal.signed_in

    dialog.password.setText("Weiyuan-001")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed.principal.username == "weiyuan" and dialog.signed.must_change_password
    assert ctx.db.principal.role is Role.COMMITTEE


def test_five_wrong_passwords_say_until_when_the_account_is_locked(qtbot, ctx, auth, accounts):
    dialog = LoginDialog(auth, username="chayue")
    qtbot.addWidget(dialog)
    for _ in range(5):
        dialog.password.setText("Falsch-123")
        dialog.login_button.click()
    text = dialog.message.text()
    assert re.search(r"密码连续输错 5 次，账户“chayue”已锁定 15 分钟，请在 \d\d:\d\d 以后再试", text), text
    dialog.password.setText("Chayue-001")
    dialog.login_button.click()
    assert "已被锁定" in dialog.message.text() and dialog.result() != QDialog.DialogCode.Accepted


def test_an_unknown_username_is_named(qtbot, auth, accounts):
    dialog = LoginDialog(auth)
    qtbot.addWidget(dialog)
    dialog.username.setText("wangshuji")
    dialog.password.setText("whatever-1")
    dialog.login_button.click()
    assert "没有用户名为“wangshuji”的账户" in dialog.message.text()


def test_a_forgotten_administrator_password_is_reset_with_the_recovery_code(qtbot, ctx, auth, accounts):
    ctx.db.sign_out()
    login = LoginDialog(auth, username="shuji")
    qtbot.addWidget(login)
    shown: list[RecoveryCodeDialog] = []

    def fill(dialog: ForgotPasswordDialog):
        dialog.code.setText("wrong-code")
        dialog.new.setText("Neues-Pass-1")
        dialog.again.setText("Neues-Pass-1")
        dialog.ok_button.click()
        assert "• 恢复码不正确" in dialog.errors.text()
        when_shown(
            RecoveryCodeDialog, lambda d: (d.confirm.setChecked(True), d.done_button.click()), seen=shown
        )
        dialog.code.setText(accounts.lower())
        dialog.ok_button.click()

    when_shown(ForgotPasswordDialog, fill)
    login.forgot_button.click()
    assert len(shown) == 1 and CODE.match(shown[0].code) and shown[0].code != accounts
    assert "管理员密码已重新设置" in login.message.text()
    login.password.setText("Neues-Pass-1")
    login.login_button.click()
    assert login.result() == QDialog.DialogCode.Accepted and ctx.db.principal.is_admin


# ---- the first administrator ---------------------------------------------------------------------------
def test_first_run_creates_the_administrator_and_shows_the_code_once(qtbot, ctx, auth):
    from branchdesk.ui.first_run import AdminSetupDialog

    dialog = AdminSetupDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.later_button.text() == "退出", "on the first run: the account, or quit"
    dialog.username.setText("wangshuji")
    dialog.display_name.setText("王书记")
    dialog.password.setText("abc")
    dialog.again.setText("abc")
    dialog.create_button.click()
    assert "• 密码至少需要 8 个字符（现在是 3 个）" in dialog.errors.text()
    assert not auth.has_accounts()

    shown: list[RecoveryCodeDialog] = []

    def write_down(code_dialog: RecoveryCodeDialog):
        assert not code_dialog.done_button.isEnabled(), "not before the user confirms writing it down"
        code_dialog.reject()  # Esc does not close it yet
        assert code_dialog.isVisible()
        code_dialog.copy_button.click()
        assert QGuiApplication.clipboard().text() == code_dialog.code
        code_dialog.confirm.setChecked(True)
        code_dialog.done_button.click()

    when_shown(RecoveryCodeDialog, write_down, seen=shown)
    dialog.password.setText(ADMIN_PW)
    dialog.again.setText(ADMIN_PW)
    dialog.create_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert len(shown) == 1
    code = shown[0].code_label.text()
    assert CODE.match(code) and code == dialog.created.recovery_code
    assert (ctx.db.principal.username, ctx.db.principal.role) == ("wangshuji", Role.ADMIN)
    # the code shown is the one that works
    auth.reset_with_recovery_code("wangshuji", code, "Neues-Pass-1", "Neues-Pass-1")


def test_an_existing_database_offers_the_accounts_in_a_bar_that_can_wait(qtbot, ctx, auth, roster):
    from branchdesk.ui.first_run import AdminSetupDialog
    from branchdesk.ui.session import Session

    session = Session(ctx)
    assert session.start(first_run=False), "no dialog before the window: it opens as before"
    window = session.build_window()
    qtbot.addWidget(window)
    window.show()
    assert session.offer.isVisible() and window.user_label.text().endswith("（未启用登录）")
    assert not window.action_lock.isEnabled()
    session.offer.later_button.click()
    assert not session.offer.isVisible()
    qtbot.addWidget(session.build_window())
    assert session.offer is not None, "以后再说: offered again at the next start"

    session.offer.never_button.click()
    qtbot.addWidget(session.build_window())
    assert session.offer is None, "不再提醒: not on this computer again"
    assert not auth.has_accounts() and ctx.db.principal.is_admin

    session = Session(ctx, settings=session.settings)
    session.settings.clear()
    first = session.build_window()
    qtbot.addWidget(first)
    first.show()

    def create(dialog: AdminSetupDialog):
        assert dialog.later_button.text() == "取消"
        dialog.username.setText("wangshuji")
        dialog.password.setText(ADMIN_PW)
        dialog.again.setText(ADMIN_PW)
        when_shown(RecoveryCodeDialog, lambda d: (d.confirm.setChecked(True), d.done_button.click()))
        dialog.create_button.click()

    when_shown(AdminSetupDialog, create)
    session.offer.create_button.click()
    rebuilt = session.window
    qtbot.addWidget(rebuilt)
    assert rebuilt is not first and session.offer is None
    assert rebuilt.user_label.text() == "当前用户：wangshuji（管理员）" and rebuilt.action_lock.isEnabled()


def test_start_up_with_accounts_asks_for_a_login_and_a_new_password_after_a_reset(qtbot, ctx, auth, accounts):
    from branchdesk.ui.session import Session

    session = Session(ctx)

    def sign_in(dialog: LoginDialog):
        dialog.username.setText("WeiYuan")
        dialog.password.setText("Weiyuan-001")
        dialog.login_button.click()

    def new_password(dialog: PasswordDialog):
        assert dialog.old is None and dialog.cancel_button.text() == "退出"
        dialog.new.setText("Mein-Passwort-1")
        dialog.again.setText("Mein-Passwort-1")
        dialog.ok_button.click()

    when_shown(LoginDialog, sign_in)
    when_shown(PasswordDialog, new_password)
    assert session.start()
    assert ctx.db.principal.username == "weiyuan"
    assert session.settings.value("login/username") == "weiyuan", "remembered for the next start"
    assert not auth.sign_in("weiyuan", "Mein-Passwort-1").must_change_password


# ---- the window: idle lock, switching user, roles ------------------------------------------------------
def test_the_window_locks_after_the_idle_time_and_opens_with_the_password(qtbot, ctx, auth, accounts, roster):
    from branchdesk.ui.session import Session

    auth.sign_in("weiyuan", "Weiyuan-001")
    auth.change_own_password(None, "Weiyuan-002", "Weiyuan-002")  # done at the first login
    session = Session(ctx, idle_seconds=0.3, check_ms=50)
    window = session.build_window()
    qtbot.addWidget(window)
    window.show()
    assert window.user_label.text() == "当前用户：李委员（weiyuan，委员）"
    seen: dict = {}

    def unlock(dialog: LockDialog):
        seen["shaded"] = [s.isVisible() for s in window.findChildren(QWidget, "lockShade")]
        seen["principal"] = ctx.db.principal
        dialog.password.setText("Shuji-2026")  # someone else's password
        dialog.unlock_button.click()
        seen["wrong"] = dialog.message.text()
        dialog.reject()  # Esc does not unlock
        seen["after_esc"] = dialog.isVisible()
        dialog.password.setText("Weiyuan-002")
        dialog.unlock_button.click()

    when_shown(LockDialog, unlock)
    qtbot.waitUntil(lambda: "wrong" in seen and not session.locked, timeout=10000)
    assert seen["shaded"] == [True], "the data is covered while locked"
    assert not seen["principal"].signed_in, "nothing can be written while locked"
    assert "再输错 4 次" in seen["wrong"] and seen["after_esc"]
    assert ctx.db.principal.username == "weiyuan"
    qtbot.waitUntil(lambda: not window.findChildren(QWidget, "lockShade"), timeout=3000)
    assert auth.account("weiyuan").failed_attempts == 0


def test_ctrl_l_locks_and_another_user_can_take_over(qtbot, ctx, auth, accounts, roster):
    from branchdesk.ui.session import Session

    session = Session(ctx)
    window = session.build_window()  # shuji, the administrator
    window.show()

    def switch(dialog: LockDialog):
        when_shown(LoginDialog, take_over)
        dialog.switch_button.click()

    def take_over(dialog: LoginDialog):
        dialog.username.setText("chayue")
        dialog.password.setText("Chayue-001")
        dialog.login_button.click()
        when_shown(PasswordDialog, new_password)

    def new_password(dialog: PasswordDialog):
        dialog.new.setText("Chayue-002x")
        dialog.again.setText("Chayue-002x")
        dialog.ok_button.click()

    when_shown(LockDialog, switch)
    window.action_lock.trigger()
    qtbot.waitUntil(lambda: session.window is not window and not session.locked, timeout=10000)
    new = session.window
    qtbot.addWidget(new)
    assert ctx.db.principal.role is Role.VIEWER
    assert "检查组（chayue，查阅）" in new.user_label.text()
    assert not new.members_page.action_add.isEnabled()
    assert not window.isVisible(), "the administrator's window is gone"


def test_a_viewer_sees_no_editing_actions(qtbot, ctx, auth, accounts, roster):
    from branchdesk.ui.main_window import MainWindow

    auth.sign_in("chayue", "Chayue-001")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.members_page
    page.select_row(0)
    for key in ("add", "edit", "status", "import"):
        assert not page.actions_for_menu[key].isEnabled(), key
    assert page.actions_for_menu["export"].isEnabled() and page.actions_for_menu["find"].isEnabled()
    assert "只能查看" in page.action_edit.toolTip()
    page.edit_member()  # double-click / Enter: nothing opens
    assert QApplication.activeModalWidget() is None
    assert not window.action_restore.isEnabled(), "restore is the administrator's"

    window.show_area("development")
    assert window.page("development").new_button.isHidden()
    window.show_area("settings")
    settings = window.page("settings")
    assert settings.save_profile_button.isHidden() and settings.add_group_button.isHidden()
    assert settings.rules_panel.save_button.isHidden()
    panel = settings.accounts_panel
    assert panel.admin_box.isHidden() and not panel.change_password_button.isHidden()
    assert not panel.others_note.isHidden()
    assert settings.branch_name.isReadOnly() and "只能查看支部信息" in settings.profile_status.text()
    assert settings.rules_panel.spins["publicity_working_days"].isReadOnly()
    assert page.open_hint.text().startswith("查阅用户")


def test_a_viewer_reads_meeting_records_without_changing_them(qtbot, ctx, auth, accounts, roster):
    import datetime as dt

    from branchdesk.domain.meetings import MeetingType
    from branchdesk.ui.dialogs.meeting_dialog import MeetingDialog
    from branchdesk.ui.main_window import MainWindow

    service = ctx.meetings
    planned = service.plan(
        MeetingType.GENERAL, dt.date(2026, 3, 10), theme="学习党章"
    )  # by the administrator
    auth.sign_in("chayue", "Chayue-001")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show_area("meetings")
    page = window.page("meetings")
    for name in ("new_button", "recurring_button", "finalise_button", "amend_button", "types_button"):
        assert getattr(page, name).isHidden(), name
    assert not page.stats_button.isHidden(), "the year's figures are for reading"

    dialog = MeetingDialog(ctx, service, service.get(planned.id))
    qtbot.addWidget(dialog)
    assert (
        dialog.save_button.isHidden() and dialog.finalise_button.isHidden() and dialog.amend_button.isHidden()
    )
    assert dialog.theme.isReadOnly() and dialog.theme.text() == "学习党章"
    assert "查阅" in dialog.sealed_label.text()


def test_a_committee_member_edits_records_but_not_the_rules(qtbot, ctx, auth, accounts, roster):
    from branchdesk.ui.main_window import MainWindow

    auth.sign_in("weiyuan", "Weiyuan-001")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.members_page.select_row(0)
    assert window.members_page.action_edit.isEnabled() and window.members_page.action_add.isEnabled()
    window.show_area("settings")
    settings = window.page("settings")
    assert not settings.save_profile_button.isHidden()
    assert settings.rules_panel.save_button.isHidden() and settings.accounts_panel.admin_box.isHidden()


# ---- 设置 › 用户与权限 ---------------------------------------------------------------------------------------
def test_the_administrator_manages_accounts_in_the_settings_tab(qtbot, ctx, auth, accounts, monkeypatch):
    from branchdesk.ui.pages import account_settings
    from branchdesk.ui.pages.account_settings import AccountDialog, AccountSettingsPanel
    from branchdesk.ui.widgets import prompts

    panel = AccountSettingsPanel(ctx)
    qtbot.addWidget(panel)
    assert not panel.admin_box.isHidden() and panel.setup_box.isHidden()
    rows = [[panel.table.item(r, c).text() for c in range(3)] for r in range(panel.table.rowCount())]
    assert rows == [
        ["shuji", "王书记", "管理员"],
        ["weiyuan", "李委员", "委员"],
        ["chayue", "检查组", "查阅"],
    ]

    def add(dialog: AccountDialog):
        dialog.username.setText("zhangsan")
        dialog.display_name.setText("张三")
        dialog.role.setCurrentIndex(dialog.role.findData("viewer"))
        dialog.password.setText("Zhang-001")
        dialog.again.setText("Zhang-001")
        dialog.ok_button.click()

    when_shown(AccountDialog, add)
    panel.add_button.click()
    assert panel.selected().username == "zhangsan"
    assert panel.table.item(panel.table.currentRow(), 3).text() == "正常（下次登录须改密码）"

    monkeypatch.setattr(account_settings, "choose_role", lambda _parent, _account: Role.COMMITTEE)
    panel.role_button.click()
    assert auth.account("zhangsan").role is Role.COMMITTEE

    for _ in range(5):
        with pytest.raises(Exception, match="密码"):
            auth.sign_in("zhangsan", "Falsch-123")
    auth.sign_in("shuji", ADMIN_PW)
    panel.refresh()
    panel.select("zhangsan")
    assert panel.table.item(panel.table.currentRow(), 3).text().startswith("已锁定（至 ")
    assert panel.unlock_button.isEnabled()
    panel.unlock_button.click()
    assert not auth.account("zhangsan").locked(auth.clock())

    monkeypatch.setattr(prompts, "ask", lambda *a, **k: True)
    panel.active_button.click()
    assert not auth.account("zhangsan").active and panel.active_button.text() == "启用"

    panel.select("shuji")
    warnings: list[str] = []
    monkeypatch.setattr(prompts, "warn", lambda _p, _t, text: warnings.append(text))
    panel.active_button.click()
    assert warnings == ["不能停用自己正在使用的账户"]

    panel.idle_minutes.setValue(0)
    panel.idle_save_button.click()
    assert auth.idle_lock_minutes() == 0 and "不自动锁定" in panel.idle_status.text()


def test_without_accounts_the_tab_offers_the_administrator_account(qtbot, ctx, auth):
    from branchdesk.ui.pages.account_settings import AccountSettingsPanel

    panel = AccountSettingsPanel(ctx)
    qtbot.addWidget(panel)
    assert not panel.setup_box.isHidden() and panel.admin_box.isHidden()
    assert panel.change_password_button.isHidden()
    assert "未启用登录" in panel.me_label.text()
