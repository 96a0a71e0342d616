"""The GUI flow a secretary follows: open the window, search, edit a member, see the change."""

from __future__ import annotations

import datetime as dt
import logging
import os
import sqlite3
import subprocess
import sys
import types
from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog

from branchdesk.domain.dates import age_on
from branchdesk.domain.vocab import MemberStatus
from branchdesk.services.members import StatusChange
from branchdesk.ui.main_window import AREAS, SETTINGS_APP, SETTINGS_ORG, MainWindow
from branchdesk.ui.models.member_table import COLUMN_KEYS
from branchdesk.workspace import Workspace

NAME = COLUMN_KEYS.index("name")
UNIT = COLUMN_KEYS.index("work_unit")


class Dialogs:
    """Stand-ins for the member and status dialogs: they save through the services as the real ones do,
    with the change a test asks for, and remember how they were opened."""

    def __init__(self):
        self.opened: list[tuple[str, int | None]] = []
        self.edit = None  # MemberFields -> MemberFields
        self.status_change: StatusChange | None = None
        self.new_member = None  # MemberFields for 新增

    def member_dialog_class(self):
        dialogs = self

        class FakeMemberDialog:
            def __init__(self, ctx, member_id, parent=None):
                self.ctx, self.member_id, self.saved = ctx, member_id, None
                dialogs.opened.append(("member", member_id))

            def exec(self):
                if self.member_id is None:
                    if dialogs.new_member is None:
                        return QDialog.DialogCode.Rejected
                    self.saved = self.ctx.members.create(dialogs.new_member)
                    return QDialog.DialogCode.Accepted
                if dialogs.edit is None:
                    return QDialog.DialogCode.Rejected
                record = self.ctx.members.get(self.member_id)
                self.saved = self.ctx.members.update(self.member_id, dialogs.edit(record.editable())).record
                return QDialog.DialogCode.Accepted

        return FakeMemberDialog

    def status_dialog_class(self):
        dialogs = self

        class FakeStatusDialog:
            def __init__(self, ctx, member_id, parent=None):
                self.ctx, self.member_id, self.saved = ctx, member_id, None
                dialogs.opened.append(("status", member_id))

            def exec(self):
                self.saved = self.ctx.members.change_status(self.member_id, dialogs.status_change)
                return QDialog.DialogCode.Accepted

        return FakeStatusDialog


def _install(monkeypatch, module_name: str, attr: str, value) -> None:
    try:
        module = __import__(module_name, fromlist=[attr])
    except ImportError:
        module = types.ModuleType(module_name)
        monkeypatch.setitem(sys.modules, module_name, module)
    monkeypatch.setattr(module, attr, value, raising=False)


@pytest.fixture
def dialogs(monkeypatch):
    fakes = Dialogs()
    _install(monkeypatch, "branchdesk.ui.dialogs.member_dialog", "MemberDialog", fakes.member_dialog_class())
    _install(monkeypatch, "branchdesk.ui.dialogs.status_dialog", "StatusDialog", fakes.status_dialog_class())
    return fakes


@pytest.fixture
def window(qtbot, ctx, roster):
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def shown_names(page) -> list[str]:
    model = page.model
    return [model.data(model.index(row, NAME)) for row in range(model.rowCount())]


def test_the_window_opens_on_the_workbench_and_has_the_roster(window, ctx):
    assert window.windowTitle() == "党支部工作台 — 测试学院教工第一党支部"
    assert window.current_area() == "workbench"  # the first page after login (issue 16)
    window.show_area("members")
    page = window.members_page
    assert page.count_label.text() == "共 6 人"
    assert window.count_label.text() == "在册党员 6 人"
    assert str(ctx.location.sqlite_path) in window.location_label.toolTip()
    assert page.search.placeholderText() == "姓名、拼音首字母、身份证号或手机号"
    assert page.current_member_id() is not None  # the first row is selected, its summary shown
    assert page.detail._title.text() == shown_names(page)[0]


def test_search_edit_and_see_the_change(window, roster, dialogs, qtbot):
    page = window.members_page
    page.search.setText("zs")
    assert page.search.pending and page.model.rowCount() == 6  # waits for the typing pause
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=2000)
    assert shown_names(page) == ["张三"]
    assert page.count_label.text() == "共 1 人"
    assert page.current_member_id() == roster["张三"].id

    dialogs.edit = lambda fields: replace(fields, work_unit="校党委办公室")
    page.action_edit.trigger()  # 编辑 (Ctrl+O) from the menu
    assert dialogs.opened == [("member", roster["张三"].id)]
    assert page.model.data(page.model.index(0, UNIT)) == "校党委办公室"
    assert page.detail.text_of("work_unit") == "校党委办公室"
    assert page.current_member_id() == roster["张三"].id
    assert "已保存" in window.statusBar().currentMessage()


def test_editing_through_the_real_member_dialog_shows_the_change(window, roster, qtbot, monkeypatch):
    """The same flow with the real 编辑党员档案 dialog: type into its field, press 保存."""
    dialog_module = pytest.importorskip("branchdesk.ui.dialogs.member_dialog")
    opened = []

    def fill_and_save(dialog):
        opened.append(dialog.member_id)
        dialog.work_unit.setText("校党委宣传部")
        dialog.save_button.click()
        return dialog.result()

    monkeypatch.setattr(dialog_module.MemberDialog, "exec", fill_and_save)
    page = window.members_page
    page.search.setText("zs")
    qtbot.waitUntil(lambda: shown_names(page) == ["张三"], timeout=2000)
    page.action_edit.trigger()
    assert opened == [roster["张三"].id]
    assert page.model.data(page.model.index(0, UNIT)) == "校党委宣传部"
    assert window.members_page.ctx.members.get(roster["张三"].id).work_unit == "校党委宣传部"
    assert page.current_member_id() == roster["张三"].id


def test_enter_in_the_table_opens_the_selected_member(window, roster, dialogs, qtbot):
    window.show_area("members")  # the window opens on the 工作台
    page = window.members_page
    page.select_member(roster["王芳"].id)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert dialogs.opened == [("member", roster["王芳"].id)]


def test_an_edit_keeps_the_selection_and_scroll_position(window, roster, dialogs):
    page = window.members_page
    page.select_member(roster["曾志伟"].id)
    row = page.model.row_of(roster["曾志伟"].id)
    resets = []
    page.model.modelReset.connect(lambda: resets.append(True))
    scroll = page.table.verticalScrollBar().value()
    dialogs.edit = lambda fields: replace(fields, mobile="13711112222")
    page.edit_member()
    assert resets == []
    assert page.current_member_id() == roster["曾志伟"].id
    assert page.model.row_of(roster["曾志伟"].id) == row
    assert page.table.verticalScrollBar().value() == scroll
    assert page.detail.text_of("mobile") == "13711112222"


def test_transferring_a_member_out_removes_them_from_the_roster_view(window, roster, dialogs):
    page = window.members_page
    page.select_member(roster["李四"].id)
    dialogs.status_change = StatusChange(
        MemberStatus.TRANSFERRED_OUT.value, dt.date(2026, 10, 9), "调往外校工作"
    )
    page.action_status.trigger()
    assert "李四" not in shown_names(page)
    assert page.count_label.text() == "共 5 人"
    assert window.count_label.text() == "在册党员 5 人"
    assert page.current_member_id() is not None  # the next member is selected
    assert window.statusBar().currentMessage() == "李四的党籍状态已变更为“已转出”"
    page.set_status_filter(frozenset({MemberStatus.TRANSFERRED_OUT.value}))
    assert shown_names(page) == ["李四"]
    age = age_on(dt.date(1975, 3, 12), dt.date.today())
    assert page.detail._subtitle.text() == f"正式党员 · 已转出（2026年10月9日） · {age}岁"


def test_adding_a_member_selects_the_new_row(window, dialogs):
    from tests.ui.conftest import person

    page = window.members_page
    dialogs.new_member = person("安然", dt.date(1995, 6, 1), "女", dt.date(2020, 7, 1), seq=9)
    page.action_add.trigger()
    assert shown_names(page)[0] == "安然"
    assert page.model.member_id(page.table.selectionModel().selectedRows()[0].row()) is not None
    assert page.detail._title.text() == "安然"
    assert window.count_label.text() == "在册党员 7 人"


def test_filters_by_type_and_group(window, branch):
    page = window.members_page
    page.type_filter.setCurrentText("预备党员")
    assert shown_names(page) == ["赵敏"]
    page.type_filter.setCurrentIndex(0)
    labels = [page.group_filter.itemText(i) for i in range(page.group_filter.count())]
    assert labels == ["全部", "第一党小组", "第二党小组", "未分组"]
    page.group_filter.setCurrentText("未分组")
    assert shown_names(page) == ["欧阳修"]
    branch.add_group("第三党小组")
    window.show_area("meetings")
    window.show_area("members")  # coming back refreshes the group list
    assert page.group_filter.findText("第三党小组") >= 0
    assert page.group_filter.currentText() == "未分组"


def test_changes_made_in_settings_reach_the_title_and_the_group_filter_at_once(window, monkeypatch):
    from branchdesk.ui.widgets import prompts

    window.show_area("settings")
    settings_page = window.page("settings")
    monkeypatch.setattr(prompts, "get_text", lambda *args, **kwargs: "第四党小组")
    settings_page.add_group()
    assert window.members_page.group_filter.findText("第四党小组") >= 0  # before going back
    settings_page.branch_name.setText("更名后的党支部")
    assert settings_page.save_profile()
    assert window.windowTitle().endswith("更名后的党支部")
    assert window.current_area() == "settings"


def test_navigation_switches_areas(window):
    import importlib

    pages = [
        ("工作台", "workbench:WorkbenchPage"),
        ("成员档案", "members:MembersPage"),
        ("发展党员", "development:DevelopmentPage"),
        ("会议记录", "meetings:MeetingsPage"),
        ("党费", "dues:DuesPage"),
        ("活动记录", "activities:ActivitiesPage"),
        ("联系服务", "assignments:AssignmentsPage"),
        ("台账打印", "ledgers:LedgersPage"),
        ("迎检自评", "assess:AssessPage"),
        ("审计日志", "audit:AuditPage"),
        ("设置", "settings:SettingsPage"),
    ]
    assert [a.title for a in AREAS] == [title for title, _ in pages]
    assert [a.shortcut().toString() for a in window.area_actions] == [
        *(f"Ctrl+{n}" for n in "1234567890"),
        "Ctrl+,",
    ]
    for i, (_title, page) in enumerate(pages[1:-1], start=1):
        window.area_actions[i].trigger()
        module, cls = page.split(":")
        expected = getattr(importlib.import_module(f"branchdesk.ui.pages.{module}"), cls)
        assert isinstance(window.stack.currentWidget(), expected)
    assert window.current_area() == "audit"
    window.nav.setCurrentRow(len(pages) - 1)
    assert window.current_area() == "settings"
    assert window.stack.currentWidget() is window.page("settings")
    window.area_actions[1].trigger()
    assert window.stack.currentWidget() is window.members_page


def test_the_development_area_shows_the_dossiers_of_the_branch(window, ctx):
    import datetime as dt

    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.development import Person
    from branchdesk.domain.members import MemberFields

    created = ctx.development.create(
        Person("陈静", dt.date(2000, 3, 15), make_citizen_id("350102", dt.date(2000, 3, 15), 7, "女")),
        dt.date(2026, 5, 6),
    )
    window.show_area("development")
    page = window.page("development")
    assert page.service is ctx.development  # one service for the whole window
    assert page.column_of(created.id) == "applicant"
    assert page.column("applicant").header.text() == "入党申请人（1）"
    page.message.emit("已记录")
    assert window.statusBar().currentMessage() == "已记录"
    before = window.count_label.text()
    # a service call (e.g. an approval recorded: a new member file): the commit reaches the status bar and
    # the member page without anything wired between them
    ctx.members.create(MemberFields(name="新党员", member_type="probationary", join_date=dt.date(2026, 5, 6)))
    assert window.count_label.text() != before
    assert "新党员" in shown_names(window.members_page)


def test_find_puts_the_cursor_in_the_search_box(window, qtbot):
    window.show_area("meetings")
    window.activateWindow()
    window.members_page.action_find.trigger()
    assert window.current_area() == "members"
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.members_page.search, timeout=2000)


def test_menus_hold_the_actions_with_their_shortcuts(window):
    menus = {m.title(): m for m in (a.menu() for a in window.menuBar().actions()) if m is not None}
    assert list(menus) == ["文件(&F)", "编辑(&E)", "视图(&V)", "支部(&B)", "帮助(&H)"]
    texts = {a.text(): a.shortcut().toString() for m in menus.values() for a in m.actions() if a.text()}
    assert texts["导入花名册…"] == "Ctrl+I"
    assert texts["导出花名册…"] == "Ctrl+E"
    assert texts["新增党员…"] == "Ctrl+N"
    assert texts["编辑…"] == "Ctrl+O"
    assert texts["查找"] == "Ctrl+F"
    assert texts["退出"] == "Ctrl+Q"
    assert "备份数据库…" in texts and "变更党籍状态…" in texts and "关于" in texts


def test_window_geometry_is_remembered(qtbot, ctx, roster):
    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.show()
    first.resize(first.width(), 560)  # the default is 90 % of the offscreen screen's 600 pixels
    assert first.height() == 560
    first.members_page.table.horizontalHeader().resizeSection(UNIT, 222)
    first.close()
    assert QSettings(SETTINGS_ORG, SETTINGS_APP).value("main_window/geometry") is not None
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    assert second.height() == 560
    assert second.members_page.table.horizontalHeader().sectionSize(UNIT) == 222


def test_backup_writes_a_copy_of_the_database(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from branchdesk.ui.widgets import prompts

    target = tmp_path / "备份" / "手动备份.sqlite"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: target)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: shown.append(a[2]))
    window.backup_database()
    assert target.exists()
    with sqlite3.connect(target) as con:
        assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 6
    assert str(target) in shown[0]


# ---- start-up ------------------------------------------------------------------------------------
def _smoke(path, data_dir) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRANCHDESK_DATA_DIR=str(data_dir))
    env.pop("BRANCHDESK_DB", None)
    return subprocess.run(
        [sys.executable, "-c", "import sys; from branchdesk.ui.app import run; sys.exit(run(db=sys.argv[1], smoke=True))",
         str(path)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_smoke_start_paints_the_window_and_loads_nothing_heavy(ctx, roster, data_dir):
    done = _smoke(ctx.location.sqlite_path, data_dir)
    assert done.returncode == 0, done.stderr
    assert "smoke ok: members=6 " in done.stdout
    assert "heavy=none" in done.stdout  # openpyxl, reportlab, alembic, pypinyin stay unloaded


def test_smoke_on_an_empty_database_creates_nothing(empty_db, location, data_dir):

    done = _smoke(location.sqlite_path, data_dir)
    assert done.returncode == 0, done.stderr
    assert "smoke ok: members=0 " in done.stdout
    assert not Workspace.open(empty_db).branch.has_branch()


def test_a_database_from_a_newer_version_is_refused_with_exit_code_2(empty_db, location, data_dir):
    empty_db.dispose()
    with sqlite3.connect(location.sqlite_path) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    done = _smoke(location.sqlite_path, data_dir)
    assert done.returncode == 2
    assert "更新版本" in done.stderr


def test_an_unreadable_file_is_refused_with_exit_code_2(tmp_path, data_dir):
    bogus = tmp_path / "不是数据库.sqlite"
    bogus.write_bytes(b"this is a spreadsheet, not a database" * 100)
    done = _smoke(bogus, data_dir)
    assert done.returncode == 2
    assert "无法打开数据库" in done.stderr


# ---- pieces of app.py ----------------------------------------------------------------------------
def test_the_bundled_font_becomes_the_application_font(qapp):
    from branchdesk.ui.app import install_font

    before = qapp.font()
    try:
        family = install_font(qapp)
        assert family == "WenQuanYi Micro Hei"
        assert qapp.font().families()[0] == family
    finally:
        qapp.setFont(before)


def test_an_unexpected_error_is_logged_and_explained_in_chinese(data_dir, monkeypatch, qapp):
    from PySide6.QtWidgets import QMessageBox

    from branchdesk.ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    log_path = app.setup_logging()
    try:
        try:
            raise ValueError("找不到党小组")
        except ValueError as exc:
            app._ErrorReporter(log_path, interactive=True)(type(exc), exc, exc.__traceback__)
    finally:
        for handler in list(app.log.handlers):
            if getattr(handler, "baseFilename", None) == str(log_path):
                handler.close()
                app.log.removeHandler(handler)
    assert log_path == data_dir / "logs" / "branchdesk.log"
    logged = log_path.read_text(encoding="utf-8")
    assert "Traceback" in logged and "ValueError: 找不到党小组" in logged
    title, text = shown[0]
    assert title == "程序错误"
    assert "程序遇到意外错误" in text and "找不到党小组" in text and str(log_path) in text


def test_first_run_creates_an_empty_branch_with_the_given_name(empty_db, location, qtbot):
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.first_run import FirstRunDialog

    ctx = AppContext(empty_db, location)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.blank_choice.setChecked(True)
    dialog.accept()  # no name yet
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "支部名称不能为空" in dialog.error_label.text()
    assert not ctx.branch.has_branch()
    dialog.branch_name.setText("机关第二党支部")
    dialog.accept()
    assert ctx.branch.profile().name == "机关第二党支部"
    # it goes on to the profile instead of leaving it to be found in 设置 (issue 18)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.pages.currentIndex() == 1
    assert "已建立“机关第二党支部”" in dialog.profile_intro.text()
    dialog.founded_on.setText("2008年9月")
    dialog.higher_committee.setText("某某机关党委")
    dialog.term_start.setText("2025-01-10")
    dialog.term_end.setText("2028-01-09")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    profile = ctx.branch.profile()
    assert (profile.founded_on, profile.founded_on_precision) == (dt.date(2008, 9, 1), "month")
    assert profile.higher_committee == "某某机关党委" and profile.committee_term_end == dt.date(2028, 1, 9)


def test_a_new_branchs_profile_can_be_left_for_later(empty_db, location, qtbot):
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.first_run import FirstRunDialog

    ctx = AppContext(empty_db, location)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.branch_name.setText("机关第三党支部")
    dialog.accept()
    dialog.skip_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and ctx.branch.has_branch()


def test_an_empty_member_page_says_how_to_start(ctx, qtbot):
    from branchdesk.ui.pages.members import MembersPage

    page = MembersPage(ctx)
    qtbot.addWidget(page)
    assert page.list_stack.currentWidget() is page.empty_hint
    assert "新增" in page.empty_hint.text() and "导入" in page.empty_hint.text()


def _first_run(empty_db, location, qtbot, choice: str):
    """The first-run dialog on an empty database, `choice` (its radio button's name) accepted: the context."""
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.first_run import FirstRunDialog

    ctx = AppContext(empty_db, location)
    dialog = FirstRunDialog(ctx)
    qtbot.addWidget(dialog)
    getattr(dialog, choice).setChecked(True)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    return ctx


def test_first_run_can_generate_demo_data(empty_db, location, qtbot):
    from branchdesk.services.members import MemberQuery
    from branchdesk.ui.first_run import DEMO_MEMBERS

    ctx = _first_run(empty_db, location, qtbot, "demo_choice")
    assert ctx.members.count(MemberQuery()) == DEMO_MEMBERS


def test_first_run_can_generate_a_committees_demo_and_opens_on_its_showcase_branch(empty_db, location, qtbot):
    """The third choice: a college committee's branches; the window then opens on the first of them, with
    the others under 支部 and 各支部概览 enabled."""
    from branchdesk.services.demo import BRANCH_NAME
    from branchdesk.ui.first_run import DEMO_BRANCHES

    ctx = _first_run(empty_db, location, qtbot, "committee_choice")
    assert len(Workspace.branches(empty_db)) == DEMO_BRANCHES
    assert ctx.branch.profile().name == BRANCH_NAME
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert len(window.branch_actions) == DEMO_BRANCHES and window.action_overview.isEnabled()
    assert window.windowTitle().endswith(BRANCH_NAME)


@pytest.fixture(autouse=True)
def _quiet_missing_components(caplog):
    caplog.set_level(logging.CRITICAL, logger="branchdesk.ui.main_window")


# ---- backups of the running app --------------------------------------------------------------------
def test_closing_the_app_leaves_a_verified_exit_backup(ctx, roster, data_dir, monkeypatch, qapp):
    import sys

    from PySide6.QtWidgets import QApplication

    from branchdesk.services.backups import list_backups
    from branchdesk.ui import app as app_module

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its reporter: undo afterwards
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)  # the user closes the window at once
    monkeypatch.setattr(app_module, "setup_logging", lambda: data_dir / "test.log")
    assert app_module.run(db=str(ctx.location.sqlite_path)) == 0
    exits = [b for b in list_backups(ctx.location) if b.kind == "exit"]
    assert len(exits) == 1 and exits[0].verified


def test_the_window_opens_on_the_branch_this_pc_used_last(ctx, roster, data_dir, monkeypatch, qapp):
    """Another PC switched the shared database to the students' branch; this PC last worked on the
    teachers' branch and opens there."""
    import sys

    from PySide6.QtWidgets import QApplication

    from branchdesk.ui import app as app_module
    from branchdesk.ui import context
    from branchdesk.ui.session import branch_key

    students = ctx.branch.add_branch("学生第一党支部", "测试学院党委")
    Workspace(ctx.db, students.id).branch.remember()  # the database's "last used": the other PC's
    QSettings(SETTINGS_ORG, SETTINGS_APP).setValue(branch_key(ctx.location), ctx.branch_id)
    opened, real = [], context.AppContext
    monkeypatch.setattr(
        context, "AppContext", lambda *a, **k: opened.append(k.get("branch")) or real(*a, **k)
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(app_module, "setup_logging", lambda: data_dir / "test.log")
    assert app_module.run(db=str(ctx.location.sqlite_path)) == 0
    assert opened == [ctx.branch_id]


def test_restoring_a_backup_closes_the_window_and_skips_the_exit_backup(window, monkeypatch):
    from branchdesk.ui.dialogs import restore_dialog

    class Restored:
        done_restoring = True

        def __init__(self, ctx, parent):
            pass

        def exec(self):
            return 1

    monkeypatch.setattr(restore_dialog, "RestoreDialog", Restored)
    assert window.action_restore.text() == "从备份恢复…"
    window.action_restore.trigger()
    assert window.restored_database is True
    assert not window.isVisible()


def test_a_save_that_meets_another_programs_lock_says_so(data_dir, monkeypatch, qapp):
    """Issue 11 §7: not 程序错误 with raw SQL, but 另一个程序正在写入…"""
    import sqlite3 as _sqlite3

    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy.exc import OperationalError

    from branchdesk.ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    exc = OperationalError("UPDATE member SET mobile=? WHERE id=?", ("13800000001", 1),
                           _sqlite3.OperationalError("database is locked"))  # fmt: skip
    app._ErrorReporter(app.log_file_path(), interactive=True)(type(exc), exc, None)
    assert shown and "另一个程序正在写入" in shown[0][1]
    assert "程序错误" not in shown[0][0] and "UPDATE" not in shown[0][1] and "13800000001" not in shown[0][1]


def test_a_record_gone_from_the_branch_is_a_message_not_a_program_error(data_dir, monkeypatch, qapp):
    """A stale id (the record deleted, or moved to another branch, on another PC since the page was
    filled): the service's 找不到 in a warning, not 程序错误."""
    from PySide6.QtWidgets import QMessageBox

    from branchdesk.domain.errors import NotFoundError
    from branchdesk.ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    exc = NotFoundError("找不到编号为 7 的党员档案")
    app._ErrorReporter(app.log_file_path(), interactive=True)(type(exc), exc, None)
    assert shown == [
        ("没有完成", "找不到编号为 7 的党员档案：它可能已被删除，或不属于当前支部。请刷新后重试。")
    ]


def test_a_servers_password_is_not_shown_in_the_status_bar(qtbot, ws):
    """On a committee's PC the database is a server address with its password: the status bar names the
    server and hides the password (it was shown whole, read over the shoulder and in screenshots)."""
    from branchdesk.config import Location
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.main_window import MainWindow

    server = Location("postgresql+psycopg://pc_yizhibu:Secret-42@192.168.10.5:5432/huli_dangwei")
    window = MainWindow(AppContext(ws, server))
    qtbot.addWidget(window)
    shown = window.location_label.toolTip()
    assert "192.168.10.5:5432/huli_dangwei" in shown and "pc_yizhibu:***@" in shown
    assert window.location_label.text() == "数据库：huli_dangwei（服务器 192.168.10.5:5432，用户 pc_yizhibu）"
    assert "Secret-42" not in shown


def test_f5_shows_what_another_pc_wrote(window, ctx, roster):
    """Two PCs on one database: the other PC adds a member and records a meeting; this window shows
    neither until 视图 › 刷新 (F5), then both — the member list, the status bar's count, the meetings."""
    from branchdesk.db.engine import Database
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.meetings import MeetingType

    window.show_area("meetings")  # read once, as a secretary who looked at the meetings this morning
    meetings = window.page("meetings")
    window.show_area("members")
    other = Database(ctx.location.url, user="另一台电脑")
    try:
        theirs = Workspace(other, ctx.branch_id)
        theirs.members.create(MemberFields(name="新来的", join_date=dt.date(2020, 1, 1)))
        record = theirs.meetings.plan(MeetingType.GENERAL, dt.date.today(), theme="另一台电脑记的会")
    finally:
        other.dispose()
    assert "新来的" not in shown_names(window.members_page)
    window.action_refresh.trigger()
    assert "新来的" in shown_names(window.members_page)
    assert window.count_label.text() == "在册党员 7 人"
    window.show_area("meetings")
    assert meetings.list_model.row_of(record.id) >= 0


def test_f5_on_the_ledgers_page_makes_the_preview_again(window, monkeypatch):
    """F5 was the ledgers page's 预览; it is now the window's 刷新, which there redoes the preview."""
    window.show_area("ledgers")
    page = window.page("ledgers")
    asked = []
    monkeypatch.setattr(page, "request_preview", lambda now=False: asked.append(now))
    window.action_refresh.trigger()
    assert asked == [True]
    assert [a for a in page.actions() if a.shortcut().toString() == "F5"] == [], "one F5 in the window"
