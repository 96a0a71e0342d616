"""Start-up on an encrypted database: the login comes before the database opens, because the account's
password is what unlocks the file (services.encryption.Gate). The same login dialog as always; the
self-test (--smoke) signs in from BRANCHDESK_USER + BRANCHDESK_PASSWORD_FILE instead."""

from __future__ import annotations

import os
from pathlib import Path


class _Opening:
    """The gate as the login dialog sees it: a database that refuses to open (newer schema, damaged)
    is shown in the dialog as the reason, like a wrong password."""

    def __init__(self, gate):
        self.gate = gate

    def sign_in(self, username: str, password: str):
        from branchdesk.db.migrate import DatabaseRefusedError
        from branchdesk.services.auth import SignInError

        try:
            return self.gate.sign_in(username, password)
        except DatabaseRefusedError as exc:
            raise SignInError("refused", str(exc)) from None

    def reset_with_recovery_code(self, username: str, code: str, new: str, again: str) -> str:
        return self.gate.reset_with_recovery_code(username, code, new, again)

    def account(self, username: str):
        return None


def env_credentials() -> tuple[str, str] | None:
    user, secret_file = os.environ.get("BRANCHDESK_USER"), os.environ.get("BRANCHDESK_PASSWORD_FILE")
    if not user or not secret_file:
        return None
    try:
        return user, Path(secret_file).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError:
        return None


def open_encrypted(location, *, smoke: bool, username: str = "", lock=None):
    """(database, migration result, SignedIn) once an account's password opened the file; None when the
    user quit the login (or, in the self-test, no credentials were given: the error is raised)."""
    from branchdesk.services.encryption import Gate

    gate = Gate(location, lock=lock)
    if smoke:
        credentials = env_credentials()
        if credentials is None:
            raise RuntimeError("数据库已加密：自检需要环境变量 BRANCHDESK_USER 和 BRANCHDESK_PASSWORD_FILE")
        signed = gate.sign_in(*credentials)
        return gate.db, gate.result, signed
    from PySide6.QtWidgets import QDialog

    from branchdesk.ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(_Opening(gate), username=username, where=f"{location.sqlite_path}（已加密）")
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed is None:
        if gate.db is not None:
            gate.db.dispose()
        return None
    return gate.db, gate.result, dialog.signed
