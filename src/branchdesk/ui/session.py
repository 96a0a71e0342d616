"""The signed-in session of the window: login at start-up, lock (idle time or 文件 › 锁定), switch user.

`Session.start()` runs before the main window is built: with accounts it asks for a login (and a new
password when an administrator reset it); on the first run it requires the administrator account.
`build_window()` makes the window for the signed-in user (what a role may not use is hidden,
ui/permissions.py); on a database in use without accounts the window shows a bar offering the
administrator account (以后再说 hides it until the next start, 不再提醒 for good on this computer).
Switching user builds a new window for the new role.

Locking hides every open window under an opaque shade, signs the database out (nothing can be
written) and asks for the same user's password; wrong passwords count toward the account's lock.
"""

from __future__ import annotations

import contextlib
import logging
import time

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QToolBar,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from branchdesk import APP_NAME, APP_TITLE
from branchdesk.ui.context import AppContext

log = logging.getLogger(__name__)

USERNAME_KEY = "login/username"
SETTING_REFRESH_MS = 60_000  # the idle time is read again from the database once a minute

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits `idle` once `seconds` pass without keyboard or mouse input anywhere in the application."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None, *, check_ms: int = 5000):
        super().__init__(parent)
        self.seconds = 0.0  # 0: never
        self._last = time.monotonic()
        self.timer = QTimer(self)
        self.timer.setInterval(check_ms)
        self.timer.timeout.connect(self._check)
        QApplication.instance().installEventFilter(self)

    def start(self) -> None:
        self.reset()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def reset(self) -> None:
        self._last = time.monotonic()

    def idle_for(self) -> float:
        return time.monotonic() - self._last

    def eventFilter(self, _obj, event) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last = time.monotonic()
        return False

    def _check(self) -> None:
        if self.seconds > 0 and self.idle_for() >= self.seconds:
            self.reset()
            self.idle.emit()


class Shade(QWidget):
    """An opaque cover over one window while the program is locked."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("lockShade")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("QWidget#lockShade { background: #e9ecef; } QLabel { color: #555; }")
        label = QLabel(f"{APP_TITLE}已锁定")
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        label.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(label, 0, Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(obj.rect())
            self.raise_()
        return False


class SetupOffer(QToolBar):
    """A bar over a window without accounts: create the administrator now, later, or never here."""

    def __init__(self, session: Session, window: QMainWindow):
        super().__init__("启用登录", window)
        self.setObjectName("setupOffer")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setStyleSheet(
            "QToolBar#setupOffer { background: #fff4ce; border: none; border-bottom: 1px solid #e6cf8b;"
            " padding: 4px 8px; spacing: 8px; }"
        )
        label = QLabel(
            "这个数据库还没有用户账户：任何能打开本程序的人都能查看和修改全部档案。"
            "建议为支部书记创建管理员账户，启用登录。"
        )
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.create_button = QPushButton("创建管理员账户…")
        self.later_button = QPushButton("以后再说")
        self.never_button = QPushButton("不再提醒")
        self.never_button.setToolTip("在这台电脑上不再提示（仍可在“设置 › 用户与权限”中创建）")
        self.create_button.clicked.connect(session.create_admin)
        self.later_button.clicked.connect(lambda: session.dismiss_offer(for_good=False))
        self.never_button.clicked.connect(lambda: session.dismiss_offer(for_good=True))
        self.addWidget(label)
        for button in (self.create_button, self.later_button, self.never_button):
            button.setAutoDefault(False)
            self.addWidget(button)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self)


class Session(QObject):
    def __init__(self, ctx: AppContext, *, settings: QSettings | None = None,
                 idle_seconds: float | None = None, check_ms: int = 5000,
                 parent: QObject | None = None):  # fmt: skip
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings if settings is not None else QSettings(APP_NAME, APP_NAME)
        self.window: QMainWindow | None = None
        self.locked = False
        self._idle_override = idle_seconds
        self.watcher = IdleWatcher(self, check_ms=check_ms)
        self.watcher.idle.connect(self.lock)
        self._refresh = QTimer(self)
        self._refresh.setInterval(SETTING_REFRESH_MS)
        self._refresh.timeout.connect(self.refresh_idle_time)

    @property
    def auth(self):
        return self.ctx.auth

    # ---- before the window ---------------------------------------------------------------------
    def start(self, *, first_run: bool = False, signed=None) -> bool:
        """Sign in (or set up the administrator); False when the user chose to quit. `signed`: the login
        that already happened (an encrypted database is unlocked by it, ui/unlock.py)."""
        if signed is not None:
            from branchdesk.ui.dialogs.login_dialog import change_own_password

            self.settings.setValue(USERNAME_KEY, signed.principal.username)
            return not signed.must_change_password or change_own_password(self.auth, None, forced=True)
        if self.auth.has_accounts():
            self.ctx.db.sign_out()
            return self.login()
        if not first_run:
            return True  # the window offers the accounts (SetupOffer)
        from branchdesk.ui.first_run import ensure_admin

        return ensure_admin(self.ctx)

    def login(self, parent: QWidget | None = None, *, title: str = "登录", quit_text: str = "退出") -> bool:
        """The login dialog (and the new password an administrator's reset requires); True if signed in."""
        from branchdesk.ui.dialogs.login_dialog import LoginDialog, change_own_password

        where = self.ctx.location.sqlite_path or self.ctx.location.url
        remembered = self.settings.value(USERNAME_KEY, "", type=str)
        dialog = LoginDialog(self.auth, username=remembered, where=str(where) if self.ctx.location.sqlite_path
                             else "服务器数据库", parent=parent, title=title, quit_text=quit_text)  # fmt: skip
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed is None:
            return False
        self.settings.setValue(USERNAME_KEY, dialog.signed.principal.username)
        if dialog.signed.must_change_password and not change_own_password(self.auth, parent, forced=True):
            return False
        log.info("signed in: %s (%s)", dialog.signed.principal.username, dialog.signed.principal.role)
        return True

    # ---- the window ----------------------------------------------------------------------------
    def build_window(self):
        from branchdesk.ui.main_window import MainWindow

        window = MainWindow(self.ctx)
        window.lock_requested.connect(self.lock)
        window.switch_user_requested.connect(self.switch_user)
        window.accounts_enabled.connect(self._replace_window)
        window.branch_switch_requested.connect(self.switch_branch)
        self.window = window
        self.offer = None
        if self._offer_setup():
            self.offer = SetupOffer(self, window)
        self.refresh_idle_time()
        self.watcher.start()
        self._refresh.start()
        return window

    def _offer_setup(self) -> bool:
        if self.ctx.db.principal.has_account or self.settings.value(self._no_offer_key(), False, type=bool):
            return False
        return not self.auth.has_accounts()

    def _no_offer_key(self) -> str:
        import hashlib

        return "login/no_setup_offer_" + hashlib.sha1(self.ctx.location.url.encode()).hexdigest()[:16]

    def create_admin(self) -> None:
        """The bar's 创建管理员账户…: once created (and signed in), the window is built for the account."""
        from branchdesk.ui.first_run import AdminSetupDialog

        if AdminSetupDialog(self.ctx, self.window, postponable=True).exec() == QDialog.DialogCode.Accepted:
            self._replace_window()

    def dismiss_offer(self, *, for_good: bool) -> None:
        if for_good:
            self.settings.setValue(self._no_offer_key(), True)
        if self.offer is not None:
            self.offer.hide()

    def refresh_idle_time(self) -> None:
        """The idle time from the database (an administrator may change it), or the injected one."""
        if not self.ctx.db.principal.has_account:
            self.watcher.seconds = 0  # no accounts: nothing to unlock with
        elif self._idle_override is not None:
            self.watcher.seconds = self._idle_override
        else:
            self.watcher.seconds = self.auth.idle_lock_minutes() * 60

    def _replace_window(self, *, area: str | None = None) -> None:
        old = self.window
        self._close_other_dialogs()
        new = self.build_window()
        if area is not None:
            new.show_area(area)  # before it is shown: only that page paints first
        if old is not None:
            new.setGeometry(old.geometry())
            if old.isMaximized():
                new.showMaximized()
        new.show()
        if old is not None:
            old.close()
            old.deleteLater()

    def switch_branch(self, branch_id: int) -> None:
        """支部 › another branch: the window is built again on that branch's workspace (pages hold their
        context), showing the area the user was on, and the branch becomes the one the database opens
        next time."""
        from branchdesk.ui.context import AppContext
        from branchdesk.workspace import Workspace

        old = self.ctx
        area = self.window.current_area() if self.window is not None else None
        ws = Workspace(old.db, branch_id)
        ws.branch.remember()
        self.settings.setValue(branch_key(old.location), branch_id)  # this PC's, whoever switches elsewhere
        self.ctx = AppContext(ws, old.location)
        self._replace_window(area=area)  # the same area of the other branch (成员档案 stays 成员档案)
        old.close()
        old.ws.close()

    def _close_other_dialogs(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.done(QDialog.DialogCode.Rejected)

    # ---- switching user ------------------------------------------------------------------------
    def switch_user(self) -> bool:
        """文件 › 切换用户: another login; the window is rebuilt for the new user's role."""
        previous = self.ctx.db.principal
        if not self.login(self.window, title="切换用户", quit_text="取消"):
            self.ctx.db.sign_in(previous)
            return False
        self._replace_window()
        return True

    # ---- locking -------------------------------------------------------------------------------
    def lock(self) -> None:
        """Hide the data until the same user's password is given (or another user signs in)."""
        principal = self.ctx.db.principal
        if self.locked or not principal.has_account:
            return
        from branchdesk.ui.dialogs.login_dialog import LockDialog, change_own_password

        self.locked = True
        self.watcher.stop()
        QToolTip.hideText()
        popup = QApplication.activePopupWidget()
        if popup is not None:
            popup.close()
        self.ctx.db.sign_out()
        shades = [Shade(w) for w in QApplication.topLevelWidgets()
                  if w.isVisible() and w.isWindow() and isinstance(w, QMainWindow | QDialog)]  # fmt: skip
        log.info("locked (%s)", principal.username)
        quitting = False
        try:
            while True:
                dialog = LockDialog(self.auth, principal, self.window)
                code = dialog.exec()
                if code == QDialog.DialogCode.Accepted:
                    if not dialog.signed.must_change_password or change_own_password(
                        self.auth, self.window, forced=True
                    ):
                        break
                    self.ctx.db.sign_out()
                elif code == LockDialog.SWITCH_USER:
                    if self.login(self.window, title="切换用户", quit_text="取消"):
                        self._replace_window()
                        break
                    self.ctx.db.sign_out()
                else:  # 退出程序 (or the dialog was ended from outside): never unlock, quit
                    quitting = True
                    break
        finally:
            for shade in shades:
                with contextlib.suppress(RuntimeError):  # its window is gone (switched user)
                    shade.deleteLater()
            self.locked = False
        if quitting:
            self.quit()
            return
        self.watcher.start()

    def quit(self) -> None:
        self._close_other_dialogs()
        if self.window is not None:
            self.window.close()
        QApplication.quit()


def branch_key(location) -> str:
    """The setting (QSettings: this PC, this Windows user) of the branch last opened here on the database at
    `location`. The database's own "last used" is whoever switched last, and a committee's server is shared
    by the PCs of several branches. Keyed by the address without its password."""
    import hashlib

    return "branch/last_" + hashlib.sha1(location.shown.encode()).hexdigest()[:16]


def remembered_branch(settings, location, db) -> int | None:
    """The branch this PC last opened on that database, if it still exists (None: the database's choice)."""
    from branchdesk.workspace import Workspace

    value = settings.value(branch_key(location), None)
    if value is None or not str(value).isdigit():
        return None
    return int(value) if int(value) in {b for b, _ in Workspace.branches(db)} else None
