"""The settings page: branch profile, party groups, committee, honours, database location."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.vocab import CommitteePost
from branchdesk.services.members import MemberQuery
from branchdesk.ui.dialogs import branch_dialogs
from branchdesk.ui.pages.settings import TAB_COMMITTEE, TAB_GROUPS, SettingsPage
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.form_errors import is_marked
from branchdesk.workspace import Workspace


@pytest.fixture
def dialogs(monkeypatch):
    """Replace the modal prompts; `texts` answers get_text, `answers` answers ask; warnings are kept."""
    state = {"texts": [], "answers": [], "warnings": [], "asked": []}

    def get_text(parent, title, label, text=""):
        return state["texts"].pop(0) if state["texts"] else None

    def ask(parent, title, text, **kwargs):
        state["asked"].append(text)
        return state["answers"].pop(0) if state["answers"] else True

    monkeypatch.setattr(prompts, "get_text", get_text)
    monkeypatch.setattr(prompts, "ask", ask)
    monkeypatch.setattr(prompts, "warn", lambda parent, title, text: state["warnings"].append(text))
    return state


@pytest.fixture
def page(qtbot, ctx):
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    return page


def group_rows(page) -> dict[str, str]:
    t = page.groups_table
    return {t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())}


def test_renaming_the_branch_saves_it_and_tells_the_main_window(qtbot, page, branch):
    assert page.branch_name.text() == "测试学院教工第一党支部"
    assert page.founded_on.date() == dt.date(2010, 6, 1)
    page.branch_name.setText("测试学院教工第二党支部")
    page.term_start.setText("2024.05.01")
    page.term_end.setText("2027-04-30")
    with qtbot.waitSignal(page.profile_changed) as signal:
        assert page.save_profile()
    assert signal.args == ["测试学院教工第二党支部"]
    saved = branch.profile()
    assert saved.name == "测试学院教工第二党支部"
    assert (saved.committee_term_start, saved.committee_term_end) == (
        dt.date(2024, 5, 1),
        dt.date(2027, 4, 30),
    )
    assert saved.higher_committee == "测试学院党委"  # untouched fields kept


def test_saving_without_a_name_change_does_not_retitle(qtbot, page):
    page.branch_address.setText("某某路 1 号")
    with qtbot.assertNotEmitted(page.profile_changed):
        assert page.save_profile()


def test_profile_errors_are_shown_and_nothing_is_saved(page, branch):
    page.branch_name.setText("  ")
    page.term_start.setText("2024-05-01")
    page.term_end.setText("2024-04-30")
    assert page.save_profile() is False
    assert page.profile_errors.messages() == ["支部名称不能为空", "届满日期必须晚于本届开始日期"]
    assert is_marked(page.branch_name) and is_marked(page.term_end)
    assert branch.profile().name == "测试学院教工第一党支部"

    page.term_end.setText("2024-13-40")
    assert page.save_profile() is False
    assert page.profile_errors.messages()[0].startswith("本届支委任期届满：")


def test_add_rename_and_remove_a_group(page, branch, dialogs):
    assert group_rows(page) == {"第一党小组": "0 人", "第二党小组": "0 人"}
    dialogs["texts"].append("离退休党小组")
    page.add_group()
    assert "离退休党小组" in group_rows(page)
    assert page.groups_table.item(page.groups_table.currentRow(), 0).text() == "离退休党小组"

    dialogs["texts"].append("第一党小组")  # a name that exists
    page.add_group()
    assert dialogs["warnings"] == ["已有名为“第一党小组”的党小组"]

    page.select_group("离退休党小组")
    dialogs["texts"].append("老干部党小组")
    page.rename_group()
    assert [g.name for g in branch.groups()] == ["第一党小组", "第二党小组", "老干部党小组"]

    page.select_group("老干部党小组")
    page.remove_group()
    assert "确定撤销“老干部党小组”吗？" in dialogs["asked"]
    assert [g.name for g in branch.groups()] == ["第一党小组", "第二党小组"]


def test_removing_a_group_that_has_members_is_refused_with_the_services_message(
    page, roster, branch, dialogs
):
    page.refresh()
    assert group_rows(page)["第一党小组"] == "3 人"  # 张三, 李四, 曾志伟
    page.select_group("第一党小组")
    page.remove_group()
    assert dialogs["warnings"] == ["该党小组还有 3 名党员，请先把他们调整到其他党小组"]
    assert "第一党小组" in [g.name for g in branch.groups()]
    assert "第一党小组" in group_rows(page)


def test_group_buttons_follow_the_selection(page):
    page.groups_table.clearSelection()
    page.groups_table.setCurrentCell(-1, -1)
    page._sync_buttons()
    assert not page.remove_group_button.isEnabled()
    page.select_group("第二党小组")
    assert page.remove_group_button.isEnabled() and page.rename_group_button.isEnabled()


def test_appointing_a_secretary_found_by_pinyin(qtbot, page, roster, members, monkeypatch):
    page.tabs.setCurrentIndex(TAB_COMMITTEE)
    assert page.committee_table.rowCount() == 0

    def fill(self):
        self.search.setText("zs")  # 张三 by initials
        self.refresh_results()
        assert self.results.count() == 1
        self.select_post(CommitteePost.SECRETARY)
        self.term_start.setText("2024-05-01")
        return QDialog.DialogCode.Accepted if self.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(branch_dialogs.AppointDialog, "exec", fill)
    with qtbot.waitSignal(page.committee_changed):
        page.appoint()
    t = page.committee_table
    assert [t.item(0, c).text() for c in range(3)] == ["书记", "张三", "2024-05-01"]
    assert members.get(roster["张三"].id).party_post == "书记"


def test_a_second_secretary_is_refused_in_the_appoint_dialog(qtbot, ctx, roster, branch):
    branch.appoint(roster["张三"].id, CommitteePost.SECRETARY.value, dt.date(2024, 5, 1))
    dialog = branch_dialogs.AppointDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.select_member(roster["李四"].id)
    dialog.select_post(CommitteePost.SECRETARY)
    assert dialog.save() is False
    assert dialog.errors.messages() == ["职务：已有在任书记，请先办理其离任"]
    assert len(branch.committee()) == 1


def test_a_member_must_be_picked(qtbot, ctx, roster):
    dialog = branch_dialogs.AppointDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.search.setText("没有这个人")
    dialog.refresh_results()
    assert dialog.results.count() == 0
    assert dialog.save() is False
    assert dialog.errors.messages() == ["党员：请在列表中选择一名党员"]


def test_ending_a_term_and_showing_past_terms(qtbot, page, roster, branch, members, monkeypatch):
    branch.appoint(roster["李四"].id, CommitteePost.ORGANISATION.value, dt.date(2021, 5, 1))
    page.refresh()
    page.committee_table.selectRow(0)

    def fill(self):
        self.ended_on.setText("2024-04-30")
        return QDialog.DialogCode.Accepted if self.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(branch_dialogs.EndTermDialog, "exec", fill)
    page.end_term()
    assert page.committee_table.rowCount() == 0  # the current committee is empty now
    assert members.get(roster["李四"].id).party_post == ""
    page.show_ended.setChecked(True)
    assert page.committee_table.rowCount() == 1
    assert page.committee_table.item(0, 4).text() == "2024-04-30"
    page.committee_table.selectRow(0)
    assert not page.end_term_button.isEnabled()  # already ended


def test_honours_are_added_and_removed(page, branch, dialogs, monkeypatch):
    def fill(self):
        self.date.setText("2025年7月1日")
        self.title.setText("先进基层党组织")
        self.issuer.setText("测试学院党委")
        return QDialog.DialogCode.Accepted if self.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(branch_dialogs.HonourDialog, "exec", fill)
    page.add_honour()
    assert [(h.date, h.title) for h in branch.honours()] == [(dt.date(2025, 7, 1), "先进基层党组织")]
    assert page.honours_table.item(0, 1).text() == "先进基层党组织"
    page.honours_table.selectRow(0)
    page.remove_honour()
    assert branch.honours() == []
    assert page.honours_table.rowCount() == 0


def test_database_location_and_size_are_shown(page, location):
    assert page.db_location.text() == str(location.sqlite_path)
    assert page.db_location.isReadOnly()
    size = page.db_size.text()
    assert size.endswith(("KB", "MB")), size


def test_first_run_without_a_branch_creates_it_from_the_profile_form(qtbot, empty_db, location):
    from branchdesk.ui.context import AppContext

    page = SettingsPage(AppContext(empty_db, location))
    qtbot.addWidget(page)
    assert not page.tabs.isTabEnabled(TAB_GROUPS)
    page.branch_name.setText("新建的党支部")
    with qtbot.waitSignal(page.profile_changed):
        assert page.save_profile()
    assert Workspace.open(empty_db).branch.profile().name == "新建的党支部"
    assert page.tabs.isTabEnabled(TAB_GROUPS)


def test_group_counts_count_active_members_only(page, roster, members):
    from branchdesk.domain.vocab import MemberStatus
    from branchdesk.services.members import StatusChange

    members.change_status(
        roster["李四"].id, StatusChange(MemberStatus.TRANSFERRED_OUT.value, dt.date(2026, 11, 1), "调动")
    )
    page.refresh()
    assert group_rows(page)["第一党小组"] == "2 人"
    assert members.count(MemberQuery()) == 5


# ---- 发展党员规则 ---------------------------------------------------------------------------------------
def test_a_longer_local_publicity_period_changes_what_check_reports(page, ctx, dialogs):
    from dataclasses import replace

    from branchdesk.domain.rules.settings import RuleSettings
    from branchdesk.ui.pages.settings import TAB_RULES
    from tests.unit.dev_builders import complete

    dev = ctx.development
    dev.save(replace(complete(), id=None))
    assert [f for f in dev.check() if f.code == "DEV-PUBLICITY"] == []

    page.tabs.setCurrentIndex(TAB_RULES)
    panel = page.rules_panel
    assert panel.spins["publicity_working_days"].value() == 5  # the default
    panel.spins["publicity_working_days"].setValue(7)
    panel.all_dates.setChecked(True)  # a correction: every date is judged by the new value
    assert panel.save()
    assert dev.rule_settings().publicity_working_days == 7
    assert [f.code for f in dev.check() if f.code == "DEV-PUBLICITY"] == ["DEV-PUBLICITY"]

    panel.restore_defaults()  # asked, answered yes
    assert dev.rule_settings() == RuleSettings()
    assert ctx.settings.get("rules.publicity_working_days") is None  # nothing stored for a default


def test_raising_the_training_from_2026_leaves_a_2024_training_fine_and_the_history_shows_it(
    page, ctx, dialogs
):
    from dataclasses import replace

    from branchdesk.domain.development import Person, Training
    from branchdesk.ui.pages.settings import TAB_RULES
    from tests.unit.dev_builders import candidate_stage, complete

    dev = ctx.development
    d = complete()
    assert d.training.days == 3 and d.training.start.year < 2026
    dev.save(replace(d, id=None))
    later = replace(
        candidate_stage(dt.date(2024, 9, 2), dt.date(2025, 12, 1)), id=None, person=Person("王新", dt.date(2000, 1, 1)),
        training=Training(dt.date(2026, 3, 2), dt.date(2026, 3, 4), 3, 24, "结业"),
    )  # fmt: skip
    later_id = dev.save(later)

    page.tabs.setCurrentIndex(TAB_RULES)
    panel = page.rules_panel
    assert panel.history.rowCount() == 0 and "还没有按日期的修改" in panel.history_note.text()
    panel.spins["training_min_days"].setValue(5)  # 5 days or 40 hours from 2026
    panel.spins["training_min_hours"].setValue(40)
    panel.effective.setDate(dt.date(2026, 1, 1))
    assert panel.save()
    assert "2026-01-01起" in panel.status.text()
    assert dev.rule_settings().training_min_days == 3, "the original value stays for earlier steps"
    shown = sorted(tuple(panel.history.item(r, c).text() for c in range(3)) for r in range(2))
    assert shown == [("集中培训最少天数", "5", "2026-01-01"), ("集中培训最少学时", "40", "2026-01-01")]
    training = [f for f in dev.check(dt.date(2026, 11, 23)) if f.code == "DEV-TRAINING"]
    assert [f.dossier_id for f in training] == [later_id], "only the training after the change is short"

    for _ in range(2):
        panel.history.selectRow(0)
        panel.remove_change()  # asked, answered yes
    assert panel.history.rowCount() == 0
    assert [f for f in dev.check(dt.date(2026, 11, 23)) if f.code == "DEV-TRAINING"] == []


def test_the_start_date_and_a_years_holidays_are_entered_and_a_year_without_data_is_named(
    page, ctx, dialogs, tmp_path
):
    from openpyxl import Workbook

    from branchdesk.ui.pages.settings import TAB_CALENDAR

    page.tabs.setCurrentIndex(TAB_CALENDAR)
    panel = page.calendar_panel
    assert "还没有会议记录" in panel.start_note.text()
    panel.records_since.setText("2025-03-01")
    assert panel.save_start()
    assert ctx.meetings.records_start()[0] == dt.date(2025, 3, 1)
    assert "2025年3月1日起" in panel.start_note.text()

    panel.year.setValue(2027)
    assert "2027年：没有节假日安排数据" in panel.year_status.text()
    panel.days.add_row(["2027-10-01", "放假", "国庆节"])
    panel.days.add_row(["2027-09-26", "上班（调休）", "国庆节调休"])
    assert panel.save_year()
    assert ctx.holidays.days(2027) == [
        (dt.date(2027, 9, 26), "workday", "国庆节调休"),
        (dt.date(2027, 10, 1), "holiday", "国庆节"),
    ]
    assert "已录入2天" in panel.year_status.text()
    cal = ctx.holidays.calendar()
    assert cal.is_working_day(dt.date(2027, 9, 26)) and not cal.is_working_day(dt.date(2027, 10, 1))

    panel.days.add_row(["2027-13-01", "放假", ""])
    assert not panel.save_year() and "日期" in dialogs["warnings"][-1]

    book = Workbook()
    sheet = book.active
    sheet.append(["日期", "类型", "说明"])
    sheet.append([dt.date(2028, 1, 1), "放假", "元旦"])
    sheet.append(["2028-02-05", "上班", "春节调休"])
    book.save(tmp_path / "2028.xlsx")
    assert panel.import_excel(tmp_path / "2028.xlsx")
    assert panel.year.value() == 2028 and "2028年2天" in panel.holiday_status.text()
    assert len(ctx.holidays.days(2028)) == 2


def test_reminders_can_be_switched_off_and_archive_items_dropped(page, ctx, dialogs):
    from PySide6.QtCore import Qt

    panel = page.rules_panel
    panel.spins["thought_report_months"].setValue(0)
    before = ctx.development.rule_settings()
    panel.items.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert panel.save()  # from today on
    now = ctx.development.rule_context().settings_on(dt.date.today())
    assert now.thought_report_months == 0
    assert now.archive_items < before.archive_items
    assert ctx.development.rule_settings() == before, "earlier steps keep the values in force then"


@pytest.mark.parametrize(
    ("typed", "shown", "precision"), [("2008", "2008年", "year"), ("2008.9", "2008年9月", "month")]
)
def test_the_founding_date_may_be_a_year_or_a_month_as_on_paper(page, branch, typed, shown, precision):
    page.founded_on.setText(typed)
    assert page.founded_on.error() is None and page.founded_on.text() == shown
    assert page.save_profile()
    saved = branch.profile()
    assert saved.founded_on_precision == precision and saved.founded_on.year == 2008
    page._load_profile()
    assert page.founded_on.text() == shown
