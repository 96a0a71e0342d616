"""The 会议记录 page as a secretary uses it: a general meeting planned, attendance taken, an admission
vote recorded for a candidate (a count without a quorum refused first, nothing written), the record
finalised — then the vote is on the candidate's dossier and the meeting is held in the calendar; a
finalised record refuses edits and takes a dated amendment."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from branchdesk.domain.development import Standing, Step
from branchdesk.domain.meetings import AttendanceStatus, CellState, MeetingType
from branchdesk.services.meetings import MeetingSealedError
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.models.meeting_models import CELL_ROLE, AttendanceModel, CalendarModel, MeetingListModel
from branchdesk.ui.pages.meetings import MeetingsPage, StatisticsDialog
from branchdesk.ui.widgets import prompts
from tests.unit.dev_builders import admitted

PLANNED_ON = dt.date(2024, 7, 25)  # the secretary plans the meeting a week ahead
MEETING_DAY = dt.date(2024, 8, 1)


@pytest.fixture
def meetings(ws):
    return ws.meetings


@pytest.fixture
def dev(ws):
    return ws.development


@pytest.fixture
def candidate(dev, roster):
    """A development candidate whose admission is to be voted on at the general meeting."""
    dossier = replace(admitted(MEETING_DAY), id=None, admission_meeting_date=None, admission_vote=None)
    dossier_id = dev.save(dossier)
    assert dev.get(dossier_id).standing is Standing.CANDIDATE
    return dossier_id


@pytest.fixture
def page(qtbot, ctx, meetings):
    widget = MeetingsPage(ctx, meetings, today=PLANNED_ON)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()  # read when first shown
    assert widget.loaded
    return widget


@pytest.fixture
def answers(monkeypatch):
    """Every question is answered yes; the questions asked are kept for the test to look at."""
    asked: list[str] = []

    def ask(parent, title, text, **kwargs):
        asked.append(text)
        return True

    monkeypatch.setattr(prompts, "ask", ask)
    return asked


def dialog_does(monkeypatch, cls, fill):
    """Replace ``cls.exec`` (modal) by: ``fill`` the dialog as a user would; the result it leaves."""
    seen = []

    def exec_(self):
        fill(self)
        seen.append(self)
        return self.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def count_vote(monkeypatch, present: int, yes: int, no: int = 0):
    def fill(dialog: md.VoteDialog):
        calc = dialog.calculator
        assert calc.expected.value() == 5, "应到: the five full members of the attendance list"
        assert calc.present.value() == 4, "实到: from the attendance taken"
        calc.present.setValue(present)
        calc.yes.setValue(yes)
        calc.no.setValue(no)
        dialog.save()

    return dialog_does(monkeypatch, md.VoteDialog, fill)


def cell(page: MeetingsPage, label: str, month: int):
    return page.cell_index(label, month).data(CELL_ROLE)


def test_general_meeting_from_plan_to_the_candidates_dossier_and_the_calendar(
    qtbot, monkeypatch, page, meetings, dev, candidate, answers, ctx
):
    # ---- plan: 新建会议 on 25 July for 1 August (a future date: the record is planned)
    def plan(dialog: md.MeetingDialog):
        assert dialog.type_box.currentText() == MeetingType.GENERAL.label
        dialog.date.setText(MEETING_DAY.isoformat())
        dialog.theme.setText("讨论接收预备党员")
        dialog.place.setText("党员活动室")
        names = [a.name for a in dialog.attendance.attendees()]
        assert "赵敏" not in names, "admitted only in 2026: not on the roster of 1 August 2024"
        assert len(names) == 5
        dialog.save()

    dialog_does(monkeypatch, md.MeetingDialog, plan)
    assert page.new_meeting() is True
    [summary] = meetings.list(year=2024)
    assert (summary.date, summary.status, summary.expected) == (MEETING_DAY, "planned", 5)
    page.set_year(2024)
    assert cell(page, "支部党员大会", 8).state is CellState.PLANNED
    assert page.calendar_model.data(page.cell_index("支部党员大会", 8)) == "计划 1日"

    # ---- the meeting day: attendance taken, a count without a quorum refused, then the real count
    page._today = MEETING_DAY
    page.reload()
    refused: list[str] = []

    def hold(dialog: md.MeetingDialog):
        assert dialog.tabs.tabText(1) == "出席情况"
        dialog.chair.setCurrentText("张三")
        dialog.recorder.setCurrentText("李四")
        model = dialog.attendance
        row = [a.name for a in model.attendees()].index("王芳")
        model.set_status(row, AttendanceStatus.LEAVE, "出差")
        assert "实到 4 人" in dialog.attendance_summary.text()
        item = dialog.add_agenda_item()
        dialog.item_title.setText("讨论接收发展对象为预备党员")
        dialog.vote_kind.setCurrentIndex(dialog.vote_kind.findData("admission"))
        dialog.dossier_box.setCurrentIndex(dialog.dossier_box.findData(candidate))
        count_vote(monkeypatch, present=2, yes=2)  # 2 of 5 present: no quorum, the meeting cannot vote
        assert dialog.record_vote() is False
        refused.append(dialog.errors.label.text())
        assert dev.get(candidate).admission_vote is None, "nothing written on the dossier"
        count_vote(monkeypatch, present=4, yes=4)
        assert dialog.record_vote() is True, dialog.errors.label.text()
        assert dialog.agenda[item].vote.yes == 4 and dialog.agenda[item].passed
        assert "通过" in dialog.vote_result.text()
        assert dialog.finalise() is True
        assert dialog.meeting.sealed and dialog.save_button.isHidden() and not dialog.amend_button.isHidden()

    dialog_does(monkeypatch, md.MeetingDialog, hold)
    assert page.open_meeting(summary.id) is True
    [text] = refused
    assert "DEV-VOTE-QUORUM" in text and "这次表决没有记录" in text

    # ---- the same vote on the candidate's dossier: service and dossier page
    dossier = dev.get(candidate)
    assert dossier.admission_meeting_date == MEETING_DAY
    assert (dossier.admission_vote.expected, dossier.admission_vote.present, dossier.admission_vote.yes) == (
        5,
        4,
        4,
    )
    from branchdesk.ui.pages.development import DevelopmentPage

    development = DevelopmentPage(ctx, dev, today=MEETING_DAY)
    qtbot.addWidget(development)
    development.show()
    development.open_dossier(candidate)
    timeline = development.dossier_view.timeline
    lines = [
        [timeline.topLevelItem(i).child(j).text(c) for c in range(4)]
        for i in range(timeline.topLevelItemCount())
        for j in range(timeline.topLevelItem(i).childCount())
    ]
    [vote_line] = [line for line in lines if line[0] == Step.ADMISSION_VOTE.title]
    assert vote_line[2] and "应到5 实到4 赞成4" in vote_line[3]

    # ---- and the calendar: held, 4 of 5 present
    record = meetings.get(summary.id)
    assert record.sealed and record.present == 4
    august = cell(page, "支部党员大会", 8)
    assert august.state is CellState.HELD and august.attendance_rate == pytest.approx(0.8)
    assert page.calendar_model.data(page.cell_index("支部党员大会", 8)) == "✓ 80%"
    assert page.list_model.items[0].status == "sealed"


def test_a_finalised_meeting_refuses_edits_and_takes_an_amendment(
    qtbot, monkeypatch, page, meetings, roster, answers
):
    record = meetings.plan(MeetingType.PARTY_DAY, dt.date(2024, 7, 15), status="draft", chair="张三",
                           recorder="李四", theme="重温入党誓词")  # fmt: skip
    meetings.finalise(record.id)
    page.set_year(2024)

    def look(dialog: md.MeetingDialog):
        assert not dialog.sealed_label.isHidden() and "不能再修改" in dialog.sealed_label.text()
        assert dialog.save_button.isHidden() and dialog.cancel_button.text() == "关闭"
        assert dialog.theme.isReadOnly()
        model = dialog.attendance
        assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable
        assert model.setData(model.index(0, 2), AttendanceStatus.ABSENT.label) is False
        assert dialog.save() is False
        dialog_does(monkeypatch, md.AmendmentDialog, fill_amendment)
        assert dialog.add_amendment() is True
        assert dialog.amendments.rowCount() == 1
        assert dialog.amendments.item(0, 1).text() == "记录人笔误"

    def fill_amendment(dialog: md.AmendmentDialog):
        dialog.date.setText("2024-07-20")
        dialog.reason.setText("记录人笔误")
        dialog.text.setPlainText("主题应为“重温入党誓词，学习党章”")
        dialog.save()

    dialog_does(monkeypatch, md.MeetingDialog, look)
    assert page.open_meeting(record.id) is True
    stored = meetings.get(record.id)
    assert stored.theme == "重温入党誓词", "the original stays as it was"
    [amendment] = stored.amendments
    assert (amendment.date, amendment.reason) == (dt.date(2024, 7, 20), "记录人笔误")
    with pytest.raises(MeetingSealedError):
        meetings.save(replace(stored, theme="改过的主题"))


def test_escape_asks_before_dropping_unsaved_changes(qtbot, monkeypatch, ctx, meetings, roster):
    draft = meetings.draft(MeetingType.COMMITTEE, dt.date(2024, 7, 5), status="draft")
    dialog = md.MeetingDialog(ctx, meetings, draft, today=dt.date(2024, 7, 5))
    qtbot.addWidget(dialog)
    dialog.show()
    asked = []
    monkeypatch.setattr(prompts, "ask", lambda *args, **kwargs: asked.append(args[2]) or False)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter never closes the editor
    assert dialog.isVisible()
    dialog.theme.setText("研究主题党日方案")
    dialog.theme.textEdited.emit("研究主题党日方案")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and asked and "尚未保存" in asked[0]
    assert meetings.list() == [], "nothing stored"


def test_a_missing_month_is_red_and_a_click_offers_to_record_it(qtbot, monkeypatch, ctx, meetings, roster):
    for month in (1, 2, 4):  # March has no theme party day
        meetings.plan(
            MeetingType.PARTY_DAY, dt.date(2024, month, 15), status="draft", chair="张三", recorder="李四"
        )
    page = MeetingsPage(ctx, meetings, today=dt.date(2024, 5, 20))
    qtbot.addWidget(page)
    page.show()
    page.set_year(2024)
    march = cell(page, "主题党日", 3)
    assert march.state is CellState.MISSING and "2024年3月本支部未开展主题党日" in march.findings[0]
    assert page.calendar_model.data(page.cell_index("主题党日", 3)) == "✗ 缺"
    assert "MTG" not in page.calendar_title.text() and "缺开" in page.calendar_title.text()
    assert cell(page, "主题党日", 5).state is CellState.NOT_DUE
    opened = []
    monkeypatch.setattr(prompts, "ask", lambda *args, **kwargs: True)
    monkeypatch.setattr(page, "new_meeting", lambda *args: opened.append(args) or False)
    page.open_cell(page.cell_index("主题党日", 3))
    assert opened == [(MeetingType.PARTY_DAY, dt.date(2024, 3, 15), None)]


def test_monthly_planning_and_the_year_statistics_from_the_page(qtbot, monkeypatch, page, meetings, roster):
    informed = []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: informed.append(text))

    def plan(dialog):
        dialog.day.setValue(15)
        dialog.theme.setCurrentText("主题党日")
        dialog.save()

    from branchdesk.ui.pages import meetings as page_module

    dialog_does(monkeypatch, page_module.RecurringDialog, plan)
    assert page.plan_recurring() is True
    planned = meetings.list(year=2024, type=MeetingType.PARTY_DAY)
    assert [m.date.month for m in planned] == [8, 9, 10, 11, 12], "from 25 July to the end of the year"
    assert "已安排 5 次主题党日" in informed[0]
    assert cell(page, "主题党日", 9).state is CellState.PLANNED

    meetings.plan(MeetingType.LECTURE, dt.date(2024, 5, 10), status="draft", chair="张三", recorder="李四")
    dialog = page.show_statistics()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, StatisticsDialog)
    text = dialog.text()
    assert "全年召开会议：1 次" in text and "党课：1 次" in text and "平均出席率：100%" in text


def test_ctrl_n_on_the_page_starts_a_new_meeting(qtbot, monkeypatch, page):
    started = []
    page._ctrl_n.slot = lambda: started.append(True)
    page.activateWindow()
    page.list.setFocus()
    qtbot.waitUntil(lambda: page.list.hasFocus(), timeout=2000)
    qtbot.keyClick(page.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert started == [True]


def test_the_models_pass_the_model_tester(qtmodeltester, meetings, roster):
    for month in (1, 3):
        meetings.plan(
            MeetingType.GENERAL, dt.date(2024, month, 10), status="draft", chair="张三", recorder="李四"
        )
    calendar = CalendarModel()
    calendar.set_calendar(2024, meetings.calendar(2024, as_of=dt.date(2024, 7, 1)),
                          {m.id: m for m in meetings.list(year=2024)})  # fmt: skip
    qtmodeltester.check(calendar)
    listing = MeetingListModel()
    listing.set_meetings(meetings.list(year=2024))
    qtmodeltester.check(listing)
    attendance = AttendanceModel()
    attendance.set_attendees(meetings.all()[0].attendance)
    qtmodeltester.check(attendance)
    attendance.set_status(1, AttendanceStatus.ABSENT)
    assert attendance.missing_reason(1) and not attendance.missing_reason(0)


def test_ctrl_n_in_the_window_is_new_meeting_on_this_page_and_new_member_elsewhere(
    qtbot, monkeypatch, ctx, roster, isolated_qsettings
):
    from PySide6.QtCore import QSettings

    from branchdesk.ui.main_window import MainWindow
    from branchdesk.ui.pages.members import MembersPage

    members_added = []
    monkeypatch.setattr(MembersPage, "add_member", lambda self: members_added.append(True))
    window = MainWindow(
        ctx, settings=QSettings(str(isolated_qsettings / "w.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window)
    window.show()
    window.show_area("meetings")
    page = window.page("meetings")
    started = []
    page._ctrl_n.slot = lambda: started.append(True)
    window.activateWindow()
    page.list.setFocus()
    qtbot.waitUntil(lambda: page.list.hasFocus(), timeout=2000)
    qtbot.keyClick(page.list, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert (started, members_added) == ([True], [])
    window.show_area("members")
    window.members_page.table.setFocus()
    qtbot.waitUntil(lambda: window.members_page.table.hasFocus(), timeout=2000)
    qtbot.keyClick(window.members_page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert (started, members_added) == ([True], [True])
