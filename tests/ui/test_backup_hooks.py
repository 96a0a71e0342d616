"""The app's automatic backups: daily while running, at exit, and marked after a session with errors."""

from __future__ import annotations

import logging

from branchdesk.services.backups import list_backups
from branchdesk.ui.backup_hooks import BackupScheduler


def test_daily_then_exit_backup(qtbot, db, location):
    backups = BackupScheduler(location)
    backups.daily()
    backups._thread.join(30)
    assert backups.last.status == "created"
    morning = backups.last.path
    backups.daily()  # the hourly check on the same day does nothing
    backups._thread.join(30)
    assert backups.last.status == "skipped"
    outcome = backups.finish()
    assert outcome.status == "created" and not outcome.flagged
    # one backup a day is kept: the newest, so the exit backup replaces the morning's one
    assert outcome.pruned == [morning]
    assert [b.kind for b in list_backups(location)] == ["exit"]


def test_after_an_error_the_exit_backup_is_kept_apart(qtbot, db, location):
    backups = BackupScheduler(location)
    logging.getLogger("branchdesk.ui.pages.members").error("something went wrong")
    outcome = backups.finish()
    assert outcome.flagged and [b.kind for b in list_backups(location)] == ["flagged"]


def test_no_exit_backup_after_a_restore(qtbot, db, location):
    backups = BackupScheduler(location)
    assert backups.finish(exit_backup=False) is None
    assert list_backups(location) == []


def test_a_failed_exit_backup_is_shown_not_only_logged(qtbot, db, location, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from branchdesk.services.backups import BackupOutcome
    from branchdesk.ui import backup_hooks

    monkeypatch.setattr(
        backup_hooks, "auto_backup",
        lambda *a, **k: BackupOutcome("failed", "自动备份失败，原有备份均保留：disk I/O error"),
    )  # fmt: skip
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text)))
    outcome = BackupScheduler(location).finish()
    assert outcome.status == "failed"
    assert shown and shown[0][0] == "自动备份没有完成" and "disk I/O error" in shown[0][1]


def test_an_exit_backup_that_raises_is_shown_too(qtbot, db, location, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from branchdesk.ui import backup_hooks

    def broken(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_hooks, "auto_backup", broken)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append((title, text)))
    BackupScheduler(location).finish()
    assert shown and "自动备份" in shown[0][0]
