"""The app's automatic backups: a daily one while it runs (off the GUI thread) and one at exit.

    backups = BackupScheduler(location, app)
    backups.start()                  # daily backup a few seconds after start, checked again every hour
    code = app.exec()
    backups.finish()                 # waits for a running daily backup, then the exit backup
    # after a restore: backups.finish(exit_backup=False)

Whether the session had errors is counted here: every record of level ERROR or worse on the
"branchdesk" logger (the unhandled-exception reporter logs there too). After such a session the exit
backup is kept beside the good ones and nothing is pruned (see services.backups).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer

from branchdesk.services.backups import BackupOutcome, auto_backup

log = logging.getLogger(__name__)

FIRST_CHECK_MS = 5_000
CHECK_EVERY_MS = 60 * 60 * 1000


class _ErrorCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class BackupScheduler(QObject):
    def __init__(self, location, parent: QObject | None = None, *, interactive: bool = True):
        super().__init__(parent)
        self.location = location
        self.interactive = interactive  # a failed exit backup is shown in a message box
        self.errors = _ErrorCounter()
        logging.getLogger("branchdesk").addHandler(self.errors)
        self._thread: threading.Thread | None = None
        self.last: BackupOutcome | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.daily)

    @property
    def session_had_errors(self) -> bool:
        return self.errors.count > 0

    def start(self) -> None:
        if self.location.sqlite_path is None:
            return  # PostgreSQL: the server's job
        QTimer.singleShot(FIRST_CHECK_MS, self.daily)
        self.timer.start()

    def daily(self) -> None:
        """Start the daily backup on a worker thread unless one is running (it skips itself when
        today's automatic backup exists). Plain sqlite3 on that thread; no widget is touched."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._thread = threading.Thread(target=self._run, args=("daily",), name="daily-backup", daemon=True)
        self._thread.start()

    def _run(self, reason: str) -> None:
        try:
            self.last = auto_backup(self.location, reason=reason, session_had_errors=self.session_had_errors)
        except Exception as exc:  # never take the app down for a backup; logged (and counted) instead
            log.exception("automatic %s backup failed", reason)
            self.last = BackupOutcome("failed", f"自动备份失败，原有备份均保留：{exc}")
            return
        level = logging.INFO if self.last.ok else logging.WARNING
        log.log(level, "automatic %s backup: %s (%.2f s)", reason, self.last.message, self.last.seconds)

    def finish(self, *, exit_backup: bool = True) -> BackupOutcome | None:
        """At exit (GUI loop over): wait for a running daily backup, then take the exit backup."""
        self.timer.stop()
        if self._thread is not None:
            self._thread.join()
        logging.getLogger("branchdesk").removeHandler(self.errors)
        if not exit_backup or self.location.sqlite_path is None:
            return None
        self._run("exit")
        if self.last is not None and self.last.status == "failed" and self.interactive:
            self.tell_failure(self.last)
        return self.last

    def tell_failure(self, outcome: BackupOutcome) -> None:
        """The exit backup failed: say so before the program ends (the log alone goes unread)."""
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None:
            return
        folder = self.location.backup_dir() if self.location.sqlite_path is not None else ""
        QMessageBox.warning(
            None,
            "自动备份没有完成",
            f"退出时的自动备份没有完成：\n{outcome.message}\n\n"
            "数据库本身没有改动，以前的备份都还在。请在下次打开程序后用“文件 › 备份数据库…”"
            f"另备份一份；如果再次失败，请检查磁盘空间和备份文件夹：\n{folder}",
        )
