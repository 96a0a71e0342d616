"""The main window: navigation between the areas, menus, status bar, remembered geometry."""

from __future__ import annotations

import importlib
import logging

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from branchdesk import APP_NAME, APP_TITLE, __version__
from branchdesk.services.members import MemberQuery
from branchdesk.ui.changes import watch
from branchdesk.ui.context import AppContext
from branchdesk.ui.pages.placeholder import PlaceholderPage
from branchdesk.ui.widgets.nav import Area, NavList

log = logging.getLogger(__name__)

AREAS: list[Area] = [
    Area("workbench", "工作台"),
    Area("members", "成员档案"),
    Area("development", "发展党员"),
    Area("meetings", "会议记录"),
    Area("dues", "党费"),
    Area("activities", "活动记录"),
    Area("assignments", "联系服务"),
    Area("ledgers", "台账打印"),
    Area("assess", "迎检自评"),
    Area("audit", "审计日志"),
    Area("settings", "设置"),
]


# Pages built the first time they are shown (their modules are not needed for the first paint).
LAZY_PAGES: dict[str, tuple[str, str]] = {
    "development": ("branchdesk.ui.pages.development", "DevelopmentPage"),
    "meetings": ("branchdesk.ui.pages.meetings", "MeetingsPage"),
    "activities": ("branchdesk.ui.pages.activities", "ActivitiesPage"),
    "assignments": ("branchdesk.ui.pages.assignments", "AssignmentsPage"),
    "audit": ("branchdesk.ui.pages.audit", "AuditPage"),
    "settings": ("branchdesk.ui.pages.settings", "SettingsPage"),
    "ledgers": ("branchdesk.ui.pages.ledgers", "LedgersPage"),
    "dues": ("branchdesk.ui.pages.dues", "DuesPage"),
    "workbench": ("branchdesk.ui.pages.workbench", "WorkbenchPage"),
    "assess": ("branchdesk.ui.pages.assess", "AssessPage"),
}


def area_shortcuts() -> list[str]:
    """Ctrl+1 … Ctrl+9 and Ctrl+0 for the areas in order; 设置 is Ctrl+, (the desktops' preferences key)."""
    digits = iter("1234567890")
    return ["Ctrl+," if area.key == "settings" else f"Ctrl+{next(digits, '')}".rstrip("+") for area in AREAS]


NO_BRANCH = ["尚未建立支部：请先新建支部或生成演示数据"]

SETTINGS_ORG = APP_NAME
SETTINGS_APP = APP_NAME


class MainWindow(QMainWindow):
    lock_requested = Signal()  # 文件 › 锁定 (ui/session.py locks)
    switch_user_requested = Signal()  # 文件 › 切换用户 (ui/session.py signs in another user)
    accounts_enabled = Signal()  # the first administrator was created in 设置 (ui/session.py rebuilds)
    branch_switch_requested = Signal(int)  # 支部 › another branch (ui/session.py rebuilds the window on it)

    def __init__(self, ctx: AppContext, *, settings: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings if settings is not None else QSettings(SETTINGS_ORG, SETTINGS_APP)
        self.setObjectName("mainWindow")
        self._has_branch = ctx.has_branch
        self.restored_database = False  # set after a restore: the app then skips its exit backup

        self.nav = NavList(AREAS)
        self.stack = QStackedWidget()
        self._pages: dict[str, QWidget] = {}
        self.members_page = None
        if self._has_branch:
            from branchdesk.ui.pages.members import MembersPage

            self.members_page = MembersPage(ctx)
            self.members_page.activate_requested.connect(lambda: self.show_area("members"))
            self.members_page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self._pages["members"] = self.members_page
        else:  # only reachable in smoke mode: nothing is created then
            self._pages["members"] = PlaceholderPage("成员档案", NO_BRANCH)
        for area in AREAS:
            page = self._pages.get(area.key)
            if page is None and area.key in LAZY_PAGES and (self._has_branch or area.key == "settings"):
                page = QWidget()  # replaced by the real page when first shown (see _on_nav)
            elif page is None:
                page = PlaceholderPage(area.title, NO_BRANCH)
                self._pages[area.key] = page
            self.stack.addWidget(page)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.nav.currentRowChanged.connect(self._on_nav)

        self._build_menus()
        self._build_status_bar()
        self.refresh_title()
        self.update_member_count()
        # the status bar's count and the title follow every commit, whoever wrote it
        watch(
            self, ctx.changes, {"member", "member_status_change"}, lambda _changes: self.update_member_count()
        )
        watch(self, ctx.changes, {"branch"}, lambda _changes: self.refresh_title())
        self.nav.setCurrentRow(0)
        self._restore_state()
        from branchdesk.ui import permissions

        permissions.restrict("window", self, ctx.db.principal)
        if self.members_page is not None:
            permissions.restrict("members", self.members_page, ctx.ws.principal)

    # ---- construction --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        page = self.members_page
        actions = page.actions_for_menu if page is not None else {}

        file_menu = bar.addMenu("文件(&F)")
        if actions:
            file_menu.addAction(actions["import"])
            file_menu.addAction(actions["export"])
            file_menu.addSeparator()
        self.action_backup = QAction("备份数据库…", self)
        self.action_backup.setStatusTip("把数据库完整复制到一个备份文件")
        self.action_backup.triggered.connect(self.backup_database)
        file_menu.addAction(self.action_backup)
        self.action_restore = QAction("从备份恢复…", self)
        self.action_restore.setStatusTip("查看备份中的内容，用它替换当前数据库（当前数据库会先另存一份）")
        self.action_restore.triggered.connect(self.restore_database)
        file_menu.addAction(self.action_restore)
        file_menu.addSeparator()
        accounts = self.ctx.db.principal.has_account
        self.action_lock = QAction("锁定", self)
        self.action_lock.setShortcut(QKeySequence("Ctrl+L"))
        self.action_lock.setStatusTip("隐藏数据，输入密码后继续" if accounts else "启用用户账户后才能锁定")
        self.action_lock.setEnabled(accounts)
        self.action_lock.triggered.connect(self.lock_requested)
        file_menu.addAction(self.action_lock)
        self.action_switch_user = QAction("切换用户…", self)
        self.action_switch_user.setEnabled(accounts)
        self.action_switch_user.triggered.connect(self.switch_user_requested)
        file_menu.addAction(self.action_switch_user)
        file_menu.addSeparator()
        self.action_quit = QAction("退出", self)
        self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.close)
        file_menu.addAction(self.action_quit)

        edit_menu = bar.addMenu("编辑(&E)")
        if actions:
            for key in ("add", "edit", "status", "transfer"):
                edit_menu.addAction(actions[key])
            edit_menu.addSeparator()
            edit_menu.addAction(actions["find"])
        edit_menu.setEnabled(bool(actions))

        view_menu = bar.addMenu("视图(&V)")
        self.area_actions: list[QAction] = []
        for area, key in zip(AREAS, area_shortcuts(), strict=True):
            action = QAction(area.title, self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _checked=False, key=area.key: self.show_area(key))
            view_menu.addAction(action)
            self.area_actions.append(action)
        view_menu.addSeparator()
        self.action_refresh = QAction("刷新", self)
        self.action_refresh.setShortcut(QKeySequence("F5"))
        self.action_refresh.setStatusTip(
            "重新读取数据库，显示其他电脑（或命令行）所做的修改；在台账打印页重新生成预览"
        )
        self.action_refresh.triggered.connect(self.refresh_all)
        view_menu.addAction(self.action_refresh)

        self._build_branch_menu(bar)

        help_menu = bar.addMenu("帮助(&H)")
        self.action_about = QAction("关于", self)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.action_about.triggered.connect(self.show_about)
        help_menu.addAction(self.action_about)

    def refresh_all(self) -> None:
        """视图 › 刷新 (F5): every page reads again what it shows, as after a commit touching every table
        (another PC, or the command line, may have written anything); the page on screen may also redo
        its own view (the ledgers page: the preview)."""
        from branchdesk.ui.changes import everything

        self.ctx.changes.changed.emit(everything())
        page = self.stack.currentWidget()
        redo = getattr(page, "refresh_view", None)
        if callable(redo):
            redo()
        self.statusBar().showMessage("已重新读取数据库。", 3000)

    def _build_branch_menu(self, bar) -> None:
        """支部: the branches of the database (the current one checked; another opens in this window),
        各支部概览, 新建支部 (管理员 or 组织员 of the database). Filled again whenever the branches change
        (a branch added or renamed here, or by another PC and read with 刷新)."""
        from branchdesk.domain.auth import Role

        self.branch_menu = bar.addMenu("支部(&B)")
        self.branch_actions: dict[int, QAction] = {}
        self.action_overview = QAction("各支部概览…", self)
        self.action_overview.setStatusTip(
            "每个支部一行：党员、发展党员各阶段、本年会议、检查结果；双击打开该支部"
        )
        self.action_overview.triggered.connect(self.show_overview)
        self.action_add_branch = QAction("新建支部…", self)
        self.action_add_branch.triggered.connect(self.add_branch)
        self.action_add_branch.setEnabled(self._has_branch and self.ctx.db.principal.may(Role.ORGANISER))
        self._fill_branch_menu()
        watch(self, self.ctx.changes, {"branch"}, lambda _changes: self._fill_branch_menu())

    def _fill_branch_menu(self) -> None:
        from branchdesk.workspace import Workspace

        menu = self.branch_menu
        menu.clear()
        for action in self.branch_actions.values():
            action.deleteLater()
        self.branch_actions = {}
        branches = Workspace.branches(self.ctx.db) if self._has_branch else []
        for branch_id, name in branches:
            action = QAction(name, self, checkable=True)
            action.setChecked(branch_id == self.ctx.branch_id)
            action.triggered.connect(lambda _checked=False, b=branch_id: self.switch_branch(b))
            menu.addAction(action)
            self.branch_actions[branch_id] = action
        menu.addSeparator()
        self.action_overview.setEnabled(len(branches) > 1)
        menu.addAction(self.action_overview)
        menu.addAction(self.action_add_branch)

    def switch_branch(self, branch_id: int) -> None:
        if branch_id != self.ctx.branch_id:
            self.branch_switch_requested.emit(branch_id)
        elif branch_id in self.branch_actions:
            self.branch_actions[branch_id].setChecked(True)

    def show_overview(self):
        from branchdesk.ui.dialogs.committee_overview import CommitteeOverviewDialog

        dialog = CommitteeOverviewDialog(self.ctx, self)
        dialog.open_branch.connect(self.switch_branch)
        dialog.open()
        return dialog

    def add_branch(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(self, "新建支部", "支部名称：")
        if not ok or not name.strip():
            return
        higher = self.ctx.branch.profile().higher_committee
        try:
            info = self.ctx.branch.add_branch(name, higher)
        except Exception as exc:  # a name in use, no right: one line
            from branchdesk.domain.auth import PermissionDenied
            from branchdesk.domain.members import ValidationError

            if not isinstance(exc, ValidationError | PermissionDenied):
                raise
            QMessageBox.warning(self, "新建支部", str(exc))
            return
        if QMessageBox.question(self, "新建支部", f"已新建支部“{info.name}”。现在切换到这个支部吗？") == (
            QMessageBox.StandardButton.Yes
        ):
            self.branch_switch_requested.emit(info.id)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.location_label = QLabel()
        self.location_label.setObjectName("dbLocation")
        text = f"数据库：{self.ctx.location.label}"
        self.location_label.setToolTip(f"数据库：{self.ctx.location.shown}")
        self.location_label.setText(
            self.location_label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideMiddle, 460)
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("rosterCount")
        me = self.ctx.db.principal
        self.user_label = QLabel(
            f"当前用户：{me.label}" if me.has_account else f"{me.username}（未启用登录）"
        )
        self.user_label.setObjectName("signedInUser")
        for label in (self.location_label, self.count_label, self.user_label):
            label.setContentsMargins(10, 0, 10, 0)
        bar.addPermanentWidget(self.location_label)
        bar.addPermanentWidget(self.count_label)
        bar.addPermanentWidget(self.user_label)

    # ---- areas ---------------------------------------------------------------------------------
    def show_area(self, key: str) -> None:
        row = self.nav.index_of(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)

    def current_area(self) -> str:
        return AREAS[self.stack.currentIndex()].key

    def page(self, key: str) -> QWidget:
        return self.stack.widget(self.nav.index_of(key))

    def _on_nav(self, row: int) -> None:
        if row < 0:
            return
        key = AREAS[row].key
        if key not in self._pages:
            self._build_lazy_page(row, key)
        self.stack.setCurrentIndex(row)

    def _build_lazy_page(self, row: int, key: str) -> None:
        module_name, class_name = LAZY_PAGES[key]
        page: QWidget
        try:
            page = getattr(importlib.import_module(module_name), class_name)(self.ctx)
        except (ImportError, AttributeError):
            log.exception("page %s is missing", key)
            page = PlaceholderPage(AREAS[row].title, ["程序缺少此功能所需的组件，请重新安装 branchdesk。"])
        else:
            self._connect_page(key, page)
            from branchdesk.ui import permissions

            permissions.restrict(key, page, self.ctx.ws.principal)
        old = self.stack.widget(row)
        self.stack.removeWidget(old)
        old.deleteLater()
        self.stack.insertWidget(row, page)
        self._pages[key] = page

    def _connect_page(self, key: str, page: QWidget) -> None:
        if key == "ledgers":
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if key in ("development", "meetings"):
            page.activate_requested.connect(lambda: self.show_area(key))
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        if key in ("workbench", "assess"):
            page.act_requested.connect(self.follow)
            page.message.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def follow(self, target: str, ref) -> None:
        """Go where a to-do or an action of the 工作台 / 自评 is done (issue 16)."""
        import datetime as dt

        ref = tuple(ref or ())
        if target == "meetings" and len(ref) == 3 and ref[0]:
            from branchdesk.domain.meetings import MeetingType

            self.show_area("meetings")
            type_code, day, group_id = ref
            self.page("meetings").new_meeting(MeetingType(type_code), dt.date.fromisoformat(day), group_id)
        elif target == "meeting" and ref:
            self.show_area("meetings")
            self.page("meetings").open_meeting(ref[0])
        elif target == "development":
            self.show_area("development")
            if len(ref) == 2 and ref[0] == "dossier" and ref[1] is not None:
                self.page("development").open_dossier(ref[1])
        elif target == "members":
            self.show_area("members")
            if len(ref) == 2 and ref[0] == "member" and self.members_page is not None:
                self.members_page.select_member(ref[1])
        elif target in ("assess", "plan"):
            self.show_area("assess")
            page = self.page("assess")
            if target == "plan":
                page.tabs.setCurrentIndex(1)
            elif ref and isinstance(ref[0], str):
                page.select_item(ref[0])
        elif target == "study":  # study hours are kept with the activities
            self.show_area("activities")
        elif target in ("settings", "check"):
            self.show_area("settings" if target == "settings" else "ledgers")
        else:
            self.show_area(target if target in {a.key for a in AREAS} else "workbench")

    # ---- status --------------------------------------------------------------------------------
    def refresh_title(self) -> None:
        name = self.ctx.branch.profile().name if self._has_branch else "尚未建立支部"
        self.setWindowTitle(f"{APP_TITLE} — {name}")

    def update_member_count(self) -> None:
        if not self._has_branch:
            self.count_label.setText("在册党员 0 人")
            return
        self.count_label.setText(f"在册党员 {self.ctx.members.count(MemberQuery())} 人")

    # ---- file actions --------------------------------------------------------------------------
    def backup_database(self) -> None:
        from branchdesk.db.backup import BackupError, backup_sqlite, timestamped_name

        source = self.ctx.location.sqlite_path
        if source is None:
            QMessageBox.information(
                self, "备份数据库", "PostgreSQL 数据库请由服务器管理员使用 pg_dump 备份。"
            )
            return
        default = self.ctx.location.backup_dir() / timestamped_name("手动备份")
        from branchdesk.ui.widgets import prompts

        target = prompts.save_file_name(
            self, "备份数据库", default, "SQLite 数据库 (*.sqlite);;所有文件 (*)", replaces_database=True
        )
        if target is None:
            return
        from branchdesk.ui.worker import run_in_background

        try:
            path = run_in_background(
                self, "正在备份数据库…", backup_sqlite, source, target, replace=target.exists()
            )
        except (BackupError, OSError) as exc:
            QMessageBox.critical(self, "备份失败", f"备份没有完成：{exc}")
            return
        from branchdesk.db import crypto

        keys = (
            f"（已加密，须与密钥文件 {crypto.keyfile_path(path).name} 放在一起）"
            if crypto.is_encrypted(path)
            else ""
        )
        self.statusBar().showMessage(f"已备份到：{path}{keys}", 10000)
        QMessageBox.information(self, "备份完成", f"数据库已完整备份到：\n{path}")

    def restore_database(self) -> None:
        from branchdesk.ui.dialogs.restore_dialog import RestoreDialog

        dialog = RestoreDialog(self.ctx, self)
        if dialog.exec() and dialog.done_restoring:
            # An exit backup now would be the newest of today and prune the one holding newer data.
            self.restored_database = True
            self.close()
            QApplication.quit()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"关于{APP_TITLE}",
            f"<h3>{APP_TITLE}</h3>"
            f"<p>版本 {__version__}</p>"
            "<p>离线使用的党支部工作软件：党员档案、发展党员、会议记录、台账打印。"
            "所有数据只保存在本机数据库中。</p>"
            "<p>界面字体：文泉驿微米黑（WenQuanYi Micro Hei），Apache 2.0 许可。</p>",
        )

    # ---- window state --------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self._default_geometry()
        state = self.settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        if self.members_page is not None:
            self.members_page.restore_state(self.settings)

    def _default_geometry(self) -> None:
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is None or screen.width() < 200:
            self.resize(1280, 780)
            return
        width = min(1600, int(screen.width() * 0.94))
        height = min(960, int(screen.height() * 0.9))
        self.resize(width, height)
        self.move(screen.x() + (screen.width() - width) // 2, screen.y() + (screen.height() - height) // 2)

    def save_state(self) -> None:
        self.settings.setValue("main_window/geometry", self.saveGeometry())
        self.settings.setValue("main_window/state", self.saveState())
        if self.members_page is not None:
            self.members_page.save_state(self.settings)
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
