"""Application start-up: QApplication, the bundled font, error reporting, the database, the window.

The start-up path stays lean: openpyxl, reportlab and alembic (when no upgrade is due) are not imported
here; the pages and dialogs that need them import them when first used.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from pathlib import Path

from branchdesk import APP_NAME, APP_TITLE

log = logging.getLogger("branchdesk")

_IMPORTED_AT = time.perf_counter()

# Libraries that must not load before the window shows (the smoke line reports any that did).
HEAVY_MODULES = ("openpyxl", "reportlab", "alembic", "pypinyin", "chinese_calendar")


def _uptime_at_import() -> float:
    """Seconds between process start and the import of this module (Linux /proc; 10 ms resolution)."""
    try:
        with open("/proc/self/stat", "rb") as stat:
            raw = stat.read()
        fields = raw[raw.rindex(b")") + 2 :].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time in clock ticks
        return max(time.clock_gettime(time.CLOCK_BOOTTIME) - started, 0.0)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


_UPTIME_AT_IMPORT = _uptime_at_import()


def since_start() -> float:
    """Seconds since the process started."""
    return _UPTIME_AT_IMPORT + time.perf_counter() - _IMPORTED_AT


# ---- logging and unexpected errors ---------------------------------------------------------------
def log_file_path() -> Path:
    from branchdesk.config import data_dir

    return data_dir() / "logs" / "branchdesk.log"


def setup_logging() -> Path:
    from logging.handlers import RotatingFileHandler

    path = log_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not any(getattr(h, "baseFilename", None) == str(path) for h in log.handlers):
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    return path


class _ErrorReporter:
    """sys.excepthook: log the traceback, then tell the user in Chinese instead of dying silently."""

    def __init__(self, log_path: Path, *, interactive: bool):
        self.log_path = log_path
        self.interactive = interactive
        self._showing = False

    def __call__(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        from branchdesk.domain.auth import PermissionDenied

        if issubclass(exc_type, PermissionDenied) and self.interactive:
            self._refused(exc)  # the service refused the user's role: a message, not an error
            return
        from branchdesk.domain.errors import NotFoundError

        if issubclass(exc_type, NotFoundError):  # a stale id: deleted since, or another branch's record
            log.info("not found: %s", exc)
            if self.interactive:
                self._expected(f"{exc}：它可能已被删除，或不属于当前支部。请刷新后重试。")
            return
        from branchdesk.services.failures import describe

        expected = describe(exc)
        if expected is not None:  # a locked database, a full disk …: the cause, never raw SQL
            log.error("operation failed: %s (%s)", expected, exc_type.__name__)
            if self.interactive:
                self._expected(expected)
            return
        log.critical("unhandled exception", exc_info=(exc_type, exc, tb))
        traceback.print_exception(exc_type, exc, tb, file=sys.stderr)
        if not self.interactive or self._showing:
            return
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return
        self._showing = True
        try:
            QMessageBox.critical(
                QApplication.activeWindow(),
                "程序错误",
                "程序遇到意外错误，刚才的操作可能没有完成（已保存的数据不受影响）。\n\n"
                f"错误信息：{exc}\n\n"
                f"详细情况已记录到日志文件：\n{self.log_path}\n\n"
                "如果问题反复出现，请把这个日志文件发给技术支持人员。",
            )
        finally:
            self._showing = False

    def _expected(self, text: str) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is not None and not self._showing:
            self._showing = True
            try:
                QMessageBox.warning(QApplication.activeWindow(), "没有完成", text)
            finally:
                self._showing = False

    def _refused(self, exc) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        log.info("refused: %s", exc)
        if QApplication.instance() is not None:
            QMessageBox.warning(QApplication.activeWindow(), "没有权限", str(exc))


# ---- Qt set-up ---------------------------------------------------------------------------------
def install_font(app) -> str | None:
    """Register the bundled CJK font and make it the application font; None (and a warning) if it fails."""
    from PySide6.QtGui import QFont, QFontDatabase

    from branchdesk.resources import font_path

    try:
        path = font_path()
    except FileNotFoundError as exc:
        log.warning("bundled font missing: %s", exc)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("could not register the bundled font %s; using the system fonts", path)
        return None
    family = next((f for f in families if "Mono" not in f), families[0])
    font = QFont(app.font())
    font.setFamilies([family, *[f for f in font.families() if f != family]])
    if font.pointSizeF() > 0 and font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    return family


def install_qt_translations(app) -> list[str]:
    """Qt's own texts in Chinese: the file and print dialogs ("查找范围", "打印", "取消"), the standard
    buttons and context menus. The catalogues ship with PySide6 (Qt/translations/qtbase_zh_CN.qm; the
    frozen program bundles them, see build.spec). Returns the catalogues loaded (none when missing:
    Qt then speaks English, nothing else changes)."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    folders = [QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(str(Path(bundle) / "PySide6" / "Qt" / "translations"))
    loaded = []
    kept = getattr(app, "_branchdesk_translators", [])
    for name in ("qtbase_zh_CN",):
        for folder in folders:
            translator = QTranslator(app)
            if folder and translator.load(name, folder):
                app.installTranslator(translator)
                kept.append(translator)
                loaded.append(str(Path(folder) / f"{name}.qm"))
                break
    app._branchdesk_translators = kept  # a translator must outlive its installation
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return loaded


def create_application():
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from branchdesk.ui import pyside_fixes

    pyside_fixes.apply()  # PySide6 6.12.0 leaks references to None/True (aborts long sessions)
    app = QApplication.instance()
    if app is None:
        # Qt 6 always scales for high DPI; pass fractional factors (125 %, 150 %) through unrounded.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        QCoreApplication.setOrganizationName(APP_NAME)
        QCoreApplication.setApplicationName(APP_NAME)
        app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
        QGuiApplication.setApplicationDisplayName(APP_TITLE)
        install_qt_translations(app)
    return app


class _PaintProbe:
    """Notes when a widget is first painted (the smoke test waits for it)."""

    def __init__(self, widget):
        from PySide6.QtCore import QEvent, QObject

        self.painted_at: float | None = None
        probe = self

        class _Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and probe.painted_at is None:
                    probe.painted_at = since_start()
                return False

        self._filter = _Filter(widget)
        widget.installEventFilter(self._filter)


def _has_display() -> bool:
    return bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")
    )


def _fail(message: str, *, smoke: bool) -> int:
    log.error(message)
    if smoke:
        print(f"错误：{message}", file=sys.stderr)
    else:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "无法打开数据库", message)
    return 2


# ---- the entry point -----------------------------------------------------------------------------
def _import_core() -> None:
    """Import the Qt-free layers before PySide6.

    PySide6 installs an import hook that inspects every module imported after it; importing SQLAlchemy,
    the models and the services first saves about a quarter of a second of start-up.
    """
    import branchdesk.config
    import branchdesk.db.migrate
    import branchdesk.domain.dates
    import branchdesk.domain.members
    import branchdesk.services.branch
    import branchdesk.services.members
    import branchdesk.services.settings
    import branchdesk.workspace  # noqa: F401


def run(db: str | None = None, smoke: bool = False, branch: str | None = None) -> int:
    marks = {"python": since_start()}
    _import_core()
    marks["core"] = since_start()
    if smoke and sys.platform.startswith("linux") and not _has_display():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # self-test on a headless machine
    from PySide6.QtWidgets import QApplication

    owns_app = QApplication.instance() is None  # (tests run the window inside their own application)
    app = create_application()
    family = install_font(app)
    log_path = setup_logging()
    sys.excepthook = _ErrorReporter(log_path, interactive=not smoke)
    if family is None:
        log.warning("Chinese text may not render: no CJK font registered")
    marks["qt"] = since_start()

    from branchdesk.config import resolve_location

    try:
        location = resolve_location(db)
    except Exception as exc:
        return _fail(f"数据库地址无效：{db}\n\n{exc}", smoke=smoke)
    window_lock = None
    if location.sqlite_path is not None:
        from branchdesk.db.filelock import DatabaseInUse, SidecarLock

        window_lock = SidecarLock(location.sqlite_path, kind="window")
        try:  # one window per file; a command or an upgrade in progress is waited for
            window_lock.acquire(wait=30, patient_with=("command", "upgrade", "restore"))
        except DatabaseInUse as exc:
            return _second_start(exc, smoke=smoke)
        except OSError as exc:
            return _fail(f"无法打开数据库：{location.sqlite_path}\n\n{_os_reason(exc)}", smoke=smoke)
    try:
        return _run_locked(app, location, window_lock, marks, smoke, branch)
    finally:
        if owns_app:
            teardown(app)
        if window_lock is not None:
            window_lock.release()


def teardown(app) -> None:
    """Delete every window and dialog while Qt and Python both still stand, in Qt's order.

    Leaving them to the interpreter's exit destroyed Qt objects in whatever order Python dropped its
    references: quitting with a dialog open (the lock dialog, its shades) printed "QObject: shared
    QObject was deleted directly" and crashed 3 runs in 4 (issue 11 §2). Here: every top-level widget
    is closed and deleted, posted deletions are run, background work is stopped, and PySide's own
    shutdown then deletes what is left before Python starts tearing down modules.
    """
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool
    from PySide6.QtWidgets import QApplication

    if app is None or QApplication.instance() is None:
        return
    for widget in QApplication.topLevelWidgets():
        stop = getattr(widget, "stop_jobs", None)
        if callable(stop):
            stop()
        widget.close()
        widget.deleteLater()
    for _ in range(3):  # deletions may post further deletions
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()
    shutdown = getattr(app, "shutdown", None)
    if callable(shutdown):
        shutdown()


def _os_reason(exc: OSError) -> str:
    from branchdesk.cli import _os_error

    return _os_error(exc)


def _second_start(exc, *, smoke: bool) -> int:
    """The file is open in another window: bring ours forward (same user and computer), or say who."""
    holder = exc.holder
    if holder is not None and holder.kind == "window" and holder.local:
        from branchdesk.ui.single_window import ask_first_window

        if ask_first_window(exc.db_path):
            log.info("database %s already open in another window: brought it forward", exc.db_path)
            if smoke:
                print("这个数据库已在另一个窗口中打开，已切换到那个窗口。")
            return 0
    who = holder.describe() if holder is not None else "另一个程序"
    return _fail(
        f"这个数据库已经打开：{who}。\n\n同一个数据库文件同一时间只能在一个程序窗口中打开，"
        "以免两处的修改互相覆盖。请使用已经打开的窗口，或等对方关闭程序后再打开。\n\n"
        f"数据库文件：{exc.db_path}",
        smoke=smoke,
    )


def _run_locked(app, location, window_lock, marks: dict[str, float], smoke: bool, branch: str | None) -> int:
    from branchdesk.db.migrate import DatabaseRefusedError, open_database

    app.branchdesk_db_path = location.sqlite_path  # file dialogs refuse to write over it
    where = location.shown  # a server's address without its password
    signed = None  # an encrypted file: the login that unlocked it (ui/unlock.py)
    try:
        from branchdesk.db import crypto

        if crypto.needs_unlock(location.sqlite_path):
            from branchdesk.ui.unlock import open_encrypted

            remembered = "" if smoke else _remembered_username()
            opened = open_encrypted(location, smoke=smoke, username=remembered, lock=window_lock)
            if opened is None:
                return 0
            database, migration, signed = opened
        else:
            database, migration = open_database(location, lock=window_lock)
    except DatabaseRefusedError as exc:
        return _fail(str(exc), smoke=smoke)
    except Exception as exc:
        log.exception("cannot open database %s", where)
        from branchdesk.services.failures import describe

        # a server: why it could not be reached or refused the login, not a file's advice
        if location.sqlite_path is None:
            reason = (
                describe(exc)
                or "连接数据库服务器时出错。请检查网络和数据库地址，或联系管理数据库服务器的同志。"
            )
            return _fail(f"无法打开数据库：{where}\n\n{reason}", smoke=smoke)
        return _fail(
            f"无法打开数据库：{where}\n\n{describe(exc) or exc}\n\n请检查文件是否存在、是否有读写权限，以及文件是否已损坏。"
            "（可以用“备份数据库”保存的备份文件恢复。）",
            smoke=smoke,
        )

    from branchdesk.domain.errors import NoBranchError
    from branchdesk.ui.context import AppContext

    if branch is None and not smoke:  # the branch this PC last opened (a server is shared by several PCs)
        from PySide6.QtCore import QSettings

        from branchdesk.ui.session import remembered_branch

        branch = remembered_branch(QSettings(APP_NAME, APP_NAME), location, database)
    try:
        ctx = AppContext(database, location, branch=branch)
    except NoBranchError as exc:
        database.dispose()
        return _fail(str(exc), smoke=smoke)
    try:
        has_branch = ctx.branch.has_branch()
        session = None
        if smoke:
            if signed is None and ctx.auth.has_accounts():
                _smoke_sign_in(ctx)  # BRANCHDESK_USER + BRANCHDESK_PASSWORD_FILE, else nobody
        else:
            from branchdesk.ui.session import Session

            session = Session(ctx)  # login (or the administrator account) before the window
            if not session.start(first_run=not has_branch, signed=signed):
                return 0
        if not has_branch and not smoke:
            from branchdesk.ui.first_run import ensure_branch

            if not ensure_branch(ctx):
                return 0
        marks["database"] = since_start()

        from branchdesk.ui.main_window import MainWindow

        window = session.build_window() if session is not None else MainWindow(ctx)
        if migration.upgraded and migration.backup is not None:
            window.statusBar().showMessage(
                f"数据库已升级（结构版本 {migration.before} → {migration.after}），升级前的备份：{migration.backup}"
            )
        marks["window"] = since_start()
        table = getattr(window.stack.currentWidget(), "table", None)  # the first page's table (工作台)
        probe = _PaintProbe(table.viewport() if table is not None else window)
        window.show()
        if smoke:
            return _smoke_finish(app, ctx, probe, marks)
        from PySide6.QtCore import QTimer

        QTimer.singleShot(
            0, lambda: log.info("main window painted %.3f s after process start", since_start())
        )
        from branchdesk.ui.backup_hooks import BackupScheduler

        backups = BackupScheduler(location, app)  # daily backup off the GUI thread, hourly re-check
        backups.start()
        beacon = None
        if location.sqlite_path is not None:
            from branchdesk.ui.single_window import WindowBeacon, bring_forward

            beacon = WindowBeacon(location.sqlite_path, app)  # a second start brings this window forward
            beacon.activated.connect(lambda: bring_forward(session.window if session else window))
        code = app.exec()
        if beacon is not None:
            beacon.close()
        window = session.window  # switching user builds a new window
        backups.finish(exit_backup=not window.restored_database)  # the window is already closed
        return code
    finally:
        database.dispose()


def _remembered_username() -> str:
    from PySide6.QtCore import QSettings

    from branchdesk.ui.session import USERNAME_KEY

    return QSettings(APP_NAME, APP_NAME).value(USERNAME_KEY, "", type=str)


def _smoke_sign_in(ctx) -> None:
    """The self-test signs in like a login would when given an account, else paints for nobody."""
    from branchdesk.ui.unlock import env_credentials

    credentials = env_credentials()
    if credentials is None:
        ctx.db.sign_out()
        return
    ctx.auth.sign_in(*credentials)


def _smoke_finish(app, ctx, probe: _PaintProbe, marks: dict[str, float]) -> int:
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + 10
    while probe.painted_at is None and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    if probe.painted_at is None:
        print("错误：窗口没有在 10 秒内完成绘制", file=sys.stderr)
        return 1
    from branchdesk.services.members import MemberQuery

    members = ctx.members.count(MemberQuery()) if ctx.branch.has_branch() else 0
    steps = " ".join(f"{name}={at:.3f}" for name, at in marks.items())
    heavy = ",".join(name for name in HEAVY_MODULES if name in sys.modules) or "none"
    print(f"smoke ok: members={members} first_paint={probe.painted_at:.3f}s heavy={heavy} ({steps})")
    sys.stdout.flush()
    return 0
