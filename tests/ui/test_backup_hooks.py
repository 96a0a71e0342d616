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
