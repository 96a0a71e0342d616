"""设置 › 数据安全 › 加密数据库: without accounts the button says why; the administrator encrypts with their
password and writes down the new recovery code; the next start asks for a login before the database
opens; an encrypted backup of another key asks for a password of its time."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from branchdesk.db import crypto
from branchdesk.services import encryption
from branchdesk.ui.widgets import prompts
from tests.ui.test_login import when_shown

ADMIN_PW = "Shuji-2026"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    from branchdesk.services import auth

    monkeypatch.setattr(crypto.KdfParams, "passwords", classmethod(lambda cls: cls(1, 1024, 1)))
    monkeypatch.setattr(
        auth, "default_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    yield
    crypto.forget_all()


def _panel(qtbot, ctx):
    from branchdesk.ui.pages.security_settings import SecurityPanel

    panel = SecurityPanel(ctx)
    qtbot.addWidget(panel)
    return panel


def test_without_accounts_the_dialog_says_why_encryption_cannot_be_turned_on(qtbot, ctx, roster):
    panel = _panel(qtbot, ctx)
    assert panel.state.text() == "数据库文件未加密"
    assert not panel.encrypt_button.isEnabled()
    assert panel.reason.text() == encryption.NO_ACCOUNTS


def test_the_administrator_encrypts_and_writes_down_the_new_code(qtbot, ctx, roster, location, monkeypatch):
    from branchdesk.ui.dialogs.encryption_dialog import ConfirmDialog

    ctx.auth.create_first_admin("shuji", "王书记", ADMIN_PW, ADMIN_PW)
    panel = _panel(qtbot, ctx)
    assert panel.encrypt_button.isEnabled() and panel.reason.isHidden()
    told, codes = [], []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: told.append(text))
    import branchdesk.ui.dialogs.login_dialog as login_dialog

    monkeypatch.setattr(
        login_dialog, "show_recovery_code", lambda code, parent=None, replaced=False: codes.append(code)
    )

    def wrong_then_right(dialog: ConfirmDialog):
        dialog.understood.setChecked(True)
        dialog.password.setText("Wrong-pass-1")
        dialog.ok_button.click()
        assert "密码不正确" in dialog.message.text() and dialog.isVisible()
        dialog.password.setText(ADMIN_PW)
        dialog.ok_button.click()

    when_shown(ConfirmDialog, wrong_then_right)
    panel.encrypt_button.click()
    assert ctx.db.encrypted and crypto.is_encrypted(location.sqlite_path)
    assert "数据库已加密" in told[0] and len(codes) == 1
    assert panel.state.text().startswith("数据库文件已加密")
    assert not panel.decrypt_button.isHidden() and panel.encrypt_button.isHidden()
    ctx.db.dispose()


def test_the_settings_page_has_the_security_tab(qtbot, ctx, roster):
    from branchdesk.ui.pages.settings import TAB_SECURITY, SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    assert page.tabs.tabText(TAB_SECURITY) == "数据安全"


def test_starting_on_an_encrypted_database_asks_for_the_login_first(qtbot, ctx, roster, location):
    from branchdesk.ui.dialogs.login_dialog import LoginDialog
    from branchdesk.ui.unlock import open_encrypted

    ctx.auth.create_first_admin("shuji", "王书记", ADMIN_PW, ADMIN_PW)
    encryption.encrypt(location, ctx.db, "shuji", ADMIN_PW)
    ctx.db.dispose()
    crypto.forget_all()
    assert crypto.needs_unlock(location.sqlite_path)

    def sign_in(dialog: LoginDialog):
        dialog.username.setText("shuji")
        dialog.password.setText("Wrong-pass-1")
        dialog.login_button.click()
        assert "用户名或密码不正确" in dialog.message.text()
        dialog.password.setText(ADMIN_PW)
        dialog.login_button.click()

    when_shown(LoginDialog, sign_in)
    opened = open_encrypted(location, smoke=False)
    assert opened is not None
    db, _result, signed = opened
    assert db.encrypted and signed.principal.username == "shuji" and db.principal.is_admin
    db.dispose()


def test_an_encrypted_backup_of_another_key_asks_for_a_password_of_its_time(
    qtbot, ctx, roster, location, tmp_path
):
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.ui.dialogs.encryption_dialog import UnlockBackupDialog
    from branchdesk.ui.dialogs.restore_dialog import RestoreDialog

    ctx.auth.create_first_admin("shuji", "王书记", ADMIN_PW, ADMIN_PW)
    first = encryption.encrypt(location, ctx.db, "shuji", ADMIN_PW)
    old = backup_sqlite(location.sqlite_path, tmp_path / "U盘" / "旧备份.sqlite")
    encryption.decrypt(location, ctx.db, "shuji", ADMIN_PW)
    encryption.encrypt(location, ctx.db, "shuji", ADMIN_PW, convert_backups=False)  # a new key
    crypto.forget_all()
    encryption.unlock(location.sqlite_path, "shuji", ADMIN_PW)  # the open database's key only

    def by_code(dialog: UnlockBackupDialog):
        dialog.use_code.setChecked(True)
        dialog.code.setText("AAAA-BBBB-CCCC-DDDD-EEEE")
        dialog.ok_button.click()
        assert "恢复码不正确" in dialog.message.text()
        dialog.code.setText(first.recovery_code)
        dialog.ok_button.click()

    dialog = RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    when_shown(UnlockBackupDialog, by_code)
    dialog.show_preview(old)
    assert dialog.chosen == old and "在册党员：6 人" in dialog.preview.text()
    assert dialog.restore_button.isEnabled()
    ctx.db.dispose()
