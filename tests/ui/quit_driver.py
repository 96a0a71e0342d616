"""Driven by test_quit_cycles: start the real program, sign in, open pages and a dialog, 文件 › 退出."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from branchdesk.ui import app
from branchdesk.ui.dialogs.login_dialog import LoginDialog


def _login() -> None:
    dialog = next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, LoginDialog) and w.isVisible()), None
    )
    if dialog is None:
        QTimer.singleShot(20, _login)
        return
    dialog.username.setText("admin")
    dialog.password.setText("Secret-123456")
    dialog.submit()
    QTimer.singleShot(20, _work)


def _work() -> None:
    window = next(
        (w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow" and w.isVisible()), None
    )
    if window is None:
        QTimer.singleShot(20, _work)
        return
    for area in ("development", "meetings", "audit", "settings", "ledgers"):
        window.show_area(area)
    window.page("ledgers").request_preview(now=True)
    if sys.argv[2] == "lock":  # the lock dialog (a modal loop) is open when 退出 comes
        QTimer.singleShot(150, window.action_lock.trigger)
    else:
        from branchdesk.ui.dialogs.meeting_types_dialog import MeetingTypesDialog

        dialog = MeetingTypesDialog(window.ctx.meetings, window.page("meetings"))
        dialog.show()
    QTimer.singleShot(600, window.action_quit.trigger)


if __name__ == "__main__":
    QTimer.singleShot(0, _login)
    sys.exit(app.run(db=sys.argv[1]))
