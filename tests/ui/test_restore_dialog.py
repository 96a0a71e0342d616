"""从备份恢复: the secretary picks a backup, sees what it holds, confirms, and the database is replaced."""

from __future__ import annotations

import datetime as dt

from branchdesk.services.backups import auto_backup, list_backups
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.ui.dialogs.restore_dialog import RestoreDialog
from branchdesk.ui.widgets import prompts


def test_the_dialog_lists_backups_and_previews_the_selected_one(qtbot, ctx, roster, location):
    older = auto_backup(location, reason="daily", now=dt.datetime(2026, 11, 20, 9, 0))
    ctx.members.change_status(
        roster["欧阳修"].id, StatusChange(to_status="deceased", date=dt.date(2026, 11, 21), reason="病故")
    )
    auto_backup(location, reason="exit", now=dt.datetime(2026, 11, 22, 18, 0))
    dialog = RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 1).text() == "退出时自动备份"  # newest first, selected
    assert "在册党员：5 人" in dialog.preview.text()
    dialog.table.selectRow(1)
    assert "在册党员：6 人" in dialog.preview.text() and "测试学院教工第一党支部" in dialog.preview.text()
    assert dialog.chosen == older.path and dialog.restore_button.isEnabled()


def test_restore_asks_first_and_cancel_changes_nothing(qtbot, ctx, roster, location, monkeypatch):
    auto_backup(location, reason="exit")
    ctx.members.create(_extra())
    questions = []
    monkeypatch.setattr(prompts, "ask", lambda parent, title, text, **kw: questions.append(text) or False)
    dialog = RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    assert len(questions) == 1 and "当前数据库会先另存" in questions[0]
    assert dialog.restored is None and not dialog.done_restoring
    assert ctx.members.count(MemberQuery()) == 7


def test_confirmed_restore_replaces_the_database_and_keeps_the_old_one(
    qtbot, ctx, roster, location, monkeypatch
):
    auto_backup(location, reason="exit")
    ctx.members.create(_extra())  # 7 members now, 6 in the backup
    monkeypatch.setattr(prompts, "ask", lambda *a, **kw: True)
    told = []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: told.append(text))
    dialog = RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.restore_button.click()
    assert dialog.done_restoring and dialog.result() == dialog.DialogCode.Accepted
    assert "请重新启动" in told[0]
    assert dialog.restored is not None
    assert [b.kind for b in list_backups(location) if b.path == dialog.restored] == ["pre-restore"]
    assert ctx.members.count(MemberQuery()) == 6
    ctx.db.dispose()


def test_a_damaged_backup_cannot_be_restored(qtbot, ctx, roster, location, monkeypatch):
    auto_backup(location, reason="exit")
    good = list_backups(location)[0].path
    bad = good.with_name("auto-20261101-120000-exit.sqlite")
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    dialog = RestoreDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.table.selectRow([b.path for b in dialog.backups].index(bad))
    assert not dialog.restore_button.isEnabled() and "无法读取" in dialog.preview.text()


def _extra():
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.members import MemberFields

    return MemberFields(
        name="孙七",
        id_number=make_citizen_id("350102", dt.date(1992, 2, 2), 40, "男"),
        join_date=dt.date(2016, 7, 1),
        conversion_date=dt.date(2017, 7, 1),
    )
