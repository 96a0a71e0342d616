"""The window of a committee's database (issue 13): 支部 lists the branches and opens another in the same
window, which the database then opens next time; 各支部概览 shows a row per branch with its check and
opens the branch double-clicked."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.members import MemberFields
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace


@pytest.fixture
def second(db, ws, roster):
    info = ws.branch.add_branch("学生第一党支部", "测试学院党委")
    Workspace.open(db, info.id).members.create(MemberFields(name="学生丙", join_date=dt.date(2025, 7, 1)))
    return info.id


def _names(window) -> list[str]:
    page = window.members_page
    return [page.model.record(row).name for row in range(page.model.rowCount())]


def test_the_branch_menu_opens_another_branch_in_the_window(qtbot, db, ctx, second):
    from branchdesk.ui.session import Session

    session = Session(ctx)
    window = session.build_window()
    qtbot.addWidget(window)
    assert [a.text() for a in window.branch_actions.values()] == ["测试学院教工第一党支部", "学生第一党支部"]
    assert window.branch_actions[ctx.branch_id].isChecked() and window.action_overview.isEnabled()
    assert "学生丙" not in _names(window)
    window.show_area("members")

    window.branch_actions[second].trigger()
    new = session.window
    qtbot.addWidget(new)
    assert new is not window and new.ctx.branch_id == second
    assert new.current_area() == "members", "the other branch opens on the area the user was on"
    assert new.windowTitle().endswith("学生第一党支部") and _names(new) == ["学生丙"]
    assert new.branch_actions[second].isChecked()
    assert Workspace.open(db).branch_id == second, "the branch last used opens next time"


def test_the_overview_shows_each_branch_and_opens_one(qtbot, ctx, second):
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.show_overview()
    table = dialog.table
    assert table.rowCount() == 2
    assert [table.item(r, 0).text() for r in range(2)] == ["测试学院教工第一党支部（当前）", "学生第一党支部"]
    assert [table.item(r, 1).text() for r in range(2)] == ["5", "1"]
    dialog.finish_findings()
    assert table.item(1, len(dialog_headers()) - 3).text() != "…" and "检查完毕" in dialog.status.text()
    table.selectRow(1)
    with qtbot.waitSignal(window.branch_switch_requested) as switched:
        dialog.open_button.click()
    assert switched.args == [second]


def test_the_overview_checks_off_the_window_thread_and_stops_when_closed(qtbot, monkeypatch, ctx, second):
    """The committee's 组织员 opens 各支部概览: the counts are there at once and the window answers while
    the branches are checked elsewhere; closing the dialog meanwhile checks no further branch."""
    import threading

    from branchdesk.services import committee, compliance
    from branchdesk.ui.main_window import MainWindow

    judged, started, go_on = [], threading.Event(), threading.Event()
    judge = committee._findings

    def slow(service, as_of, ids, calendar):
        judged.append((threading.current_thread() is threading.main_thread(), ids))
        started.set()
        go_on.wait(10)
        return judge(service, as_of, ids, calendar)

    monkeypatch.setattr(committee, "_findings", slow)
    monkeypatch.setattr(compliance, "_BATCH_BRANCHES", 1)  # a branch at a time: something left to stop
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.show_overview()
    assert started.wait(10)
    assert (
        dialog.table.item(0, 1).text() == "5"
        and dialog.table.item(0, len(dialog_headers()) - 1).text() == "…"
    )
    assert "正在检查" in dialog.status.text()
    threading.Timer(0.2, go_on.set).start()  # the branch being judged ends after the dialog is closed
    dialog.reject()
    assert judged == [(False, [ctx.branch_id])], "judged off the window's thread, the second never started"
    assert dialog._worker is None


def test_a_check_that_fails_says_why_without_the_records_it_read(qtbot, monkeypatch, ctx, second):
    """The server goes away while the overview checks: the status line says so in Chinese; the failed
    statement's text (which carries names and ID numbers) is not shown."""
    from sqlalchemy.exc import OperationalError

    from branchdesk.services import committee
    from branchdesk.ui.main_window import MainWindow

    _DriverError = type("OperationalError", (Exception,), {"__module__": "psycopg"})  # psycopg's, no driver

    def gone(service, as_of, ids, calendar):
        raise OperationalError("SELECT … WHERE id_number = %(p)s", {"p": "110101199003074512"},
                               _DriverError("server closed the connection unexpectedly"))  # fmt: skip

    monkeypatch.setattr(committee, "_findings", gone)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    dialog = window.show_overview()
    dialog.finish_findings()
    assert dialog.status.text().startswith("检查未能完成：与数据库服务器的连接断开了")
    assert "110101199003074512" not in dialog.status.text() and "SELECT" not in dialog.status.text()
    assert dialog.table.item(0, len(dialog_headers()) - 1).text() == "…"


def dialog_headers():
    from branchdesk.ui.dialogs.committee_overview import HEADERS

    return HEADERS


def test_a_member_is_transferred_to_another_branch_from_the_member_page(qtbot, monkeypatch, db, ctx, second):
    """转接 on the member page: the secretary picks the other branch; the file moves there and leaves
    this branch's list; an organisation outside the database needs the letter's destination."""
    from branchdesk.ui.dialogs import transfer_dialog
    from branchdesk.ui.main_window import MainWindow
    from branchdesk.ui.widgets import prompts

    monkeypatch.setattr(prompts, "ask", lambda *a, **k: True)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.members_page
    page.select_row(0)
    name = page.model.record(0).name
    assert page.action_transfer.isEnabled() and page.action_transfer.iconText() == "转接"
    shown = []

    def run(dialog):
        shown.append(dialog)
        assert [dialog.branch.itemText(i) for i in range(dialog.branch.count())] == ["学生第一党支部"]
        dialog.outside.setChecked(True)
        assert not dialog.save() and "转往党组织" in dialog.errors.text(), "outside needs the destination"
        dialog.inside.setChecked(True)
        dialog.reason.setText("工作调动")
        return QDialog.DialogCode.Accepted if dialog.save() else QDialog.DialogCode.Rejected

    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(transfer_dialog.TransferDialog, "exec", run)
    page.transfer_member()
    assert shown and shown[0].saved.to_branch_id == second
    assert name not in _names(window)
    moved = Workspace.open(db, second).members.records(MemberQuery())
    assert name in {m.name for m in moved}


def test_a_branch_added_here_or_elsewhere_appears_in_the_menu_at_once(qtbot, monkeypatch, db, ctx):
    """The 组织员 adds a second branch but stays on the first: 支部 lists it and 各支部概览 opens
    without a restart; a branch renamed on another PC shows its new name after 刷新 (F5)."""
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from branchdesk.db.engine import Database
    from branchdesk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert not window.action_overview.isEnabled(), "one branch: nothing to overview"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("学生第二党支部", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.add_branch()
    names = [a.text() for a in window.branch_actions.values()]
    assert names == ["测试学院教工第一党支部", "学生第二党支部"] and window.action_overview.isEnabled()
    assert window.branch_actions[ctx.branch_id].isChecked()

    other = Database(ctx.location.url, user="另一台电脑")
    try:
        second = next(b for b, name in Workspace.branches(other) if name == "学生第二党支部")
        Workspace(other, second).branch.rename_branch(second, "学生第二党支部（研究生）")
    finally:
        other.dispose()
    window.action_refresh.trigger()
    assert [a.text() for a in window.branch_actions.values()][1] == "学生第二党支部（研究生）"


def test_each_pc_opens_the_branch_it_last_used_there(qtbot, db, ctx, second, tmp_path):
    """One committee database, two PCs: the students' secretary switches to her branch on her PC; the
    teachers' PC, which last worked on the teachers' branch, still opens there — the database's own "last
    used" is whoever switched last."""
    from PySide6.QtCore import QSettings

    from branchdesk.ui.context import AppContext
    from branchdesk.ui.session import Session, remembered_branch

    teachers_pc = QSettings(str(tmp_path / "teachers.ini"), QSettings.Format.IniFormat)
    students_pc = QSettings(str(tmp_path / "students.ini"), QSettings.Format.IniFormat)
    for pc, branch_id in ((teachers_pc, second), (teachers_pc, ctx.branch_id), (students_pc, second)):
        session = Session(AppContext(Workspace(db, ctx.branch_id if branch_id == second else second),
                                     ctx.location), settings=pc)  # fmt: skip
        qtbot.addWidget(session.build_window())
        session.switch_branch(branch_id)
        qtbot.addWidget(session.window)
    assert Workspace.open(db).branch_id == second, "the database remembers the students' PC's switch"
    assert remembered_branch(teachers_pc, ctx.location, db) == ctx.branch_id
    assert remembered_branch(students_pc, ctx.location, db) == second
    assert (
        remembered_branch(QSettings(str(tmp_path / "new.ini"), QSettings.Format.IniFormat), ctx.location, db)
        is None
    )
