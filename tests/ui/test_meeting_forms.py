"""Issue 18, forms: what stopped or misled the secretary in the meeting, member and settings forms."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QTime
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.meetings import MeetingType
from branchdesk.domain.members import ValidationError
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.widgets import prompts
from branchdesk.ui.widgets.time_field import parse_time

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def asked(monkeypatch):
    questions: list[str] = []

    def ask(parent, title, text, **kwargs):
        questions.append(text)
        return True

    monkeypatch.setattr(prompts, "ask", ask)
    return questions


@pytest.fixture
def dialog(qtbot, ctx, roster):
    meetings = ctx.ws.meetings
    draft = meetings.draft(MeetingType.GENERAL, DAY, status="draft")
    widget = md.MeetingDialog(ctx, meetings, draft, today=DAY)
    qtbot.addWidget(widget)
    return widget


@pytest.mark.parametrize(
    ("typed", "time"),
    [("1430", QTime(14, 30)), ("9", QTime(9, 0)), ("9点30", QTime(9, 30)), ("08:05", QTime(8, 5))],
)
def test_a_time_is_typed(typed, time):
    assert parse_time(typed) == time


def test_typed_digits_go_into_the_time_fields_and_a_bad_time_is_named(qtbot, dialog):
    QTest.keyClicks(dialog.start_time, "1430")
    dialog.start_time.editingFinished.emit()
    assert dialog.start_time.text() == "14:30"
    assert dialog.form_meeting().start_time == dt.time(14, 30)
    dialog.end_time.setText("25:00")
    assert any(p.startswith("结束时间") for p in dialog.problems())


def test_cancelling_the_vote_and_then_the_form_writes_nothing(qtbot, monkeypatch, ctx, dialog, asked):
    meetings = dialog.service
    dialog.chair.setCurrentText("张三")
    dialog.add_agenda_item()
    dialog.item_title.setText("表决通过支部工作计划")
    dialog.vote_kind.setCurrentIndex(dialog.vote_kind.findData("other"))
    monkeypatch.setattr(md.VoteDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    assert dialog.record_vote() is False
    assert meetings.list(year=2026) == [], "表决计票 did not save the draft behind the user's back"
    assert dialog.dirty
    dialog.reject()  # 取消: asked, and the answer is to drop the changes
    assert asked and "尚未保存" in asked[-1]
    assert meetings.list(year=2026) == []


def test_finalising_refuses_an_agenda_item_that_was_never_voted_on(qtbot, ctx, dialog, asked):
    meetings = dialog.service
    dialog.chair.setCurrentText("张三")
    dialog.recorder.setCurrentText("李四")
    dialog.add_agenda_item()
    dialog.item_title.setText("表决通过支部工作计划")
    dialog.vote_kind.setCurrentIndex(dialog.vote_kind.findData("other"))
    assert dialog.save(close=False)
    assert dialog.finalise() is False
    assert "还没有表决计票" in dialog.errors.label.text() and not dialog.meeting.sealed
    with pytest.raises(ValidationError, match="还没有表决计票"):  # the service refuses it too
        meetings.finalise(dialog.meeting.id)


def test_the_window_title_follows_the_type_and_the_date(dialog):
    assert "支部党员大会" in dialog.windowTitle() and "（新建）" in dialog.windowTitle()
    dialog.type_box.setCurrentIndex(dialog.type_box.findData(MeetingType.LECTURE.value))
    dialog.date.setText("2026-11-27")
    dialog.date.dateChanged.emit(dt.date(2026, 11, 27))
    assert MeetingType.LECTURE.label in dialog.windowTitle() and "2026年11月27日" in dialog.windowTitle()


def test_the_candidates_list_says_why_it_is_empty(dialog):
    dialog.add_agenda_item()
    dialog.vote_kind.setCurrentIndex(dialog.vote_kind.findData("admission"))
    assert dialog.dossier_box.currentData() is None
    assert "没有处于“发展对象”阶段的人" in dialog.dossier_hint.text()
    assert not dialog.dossier_hint.isHidden()


def test_looking_at_every_tab_of_a_member_and_cancelling_asks_nothing(qtbot, ctx, roster, asked):
    from branchdesk.ui.dialogs.member_dialog import MemberDialog

    dialog = MemberDialog(ctx, roster["张三"].id)
    qtbot.addWidget(dialog)
    dialog.show()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
    assert not dialog.has_changes()
    dialog.reject()
    assert asked == [] and dialog.result() == QDialog.DialogCode.Rejected


def test_the_committee_tab_shows_the_term_as_soon_as_it_is_saved(qtbot, ctx, roster):
    from branchdesk.ui.pages.settings import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.term_start.setText("2025-01-10")
    page.term_end.setText("2028-01-09")
    assert page.save_profile()
    assert page.committee_term.text() == "本届任期：2025-01-10 至 2028-01-09"


def test_the_appraisal_votes_and_the_rectification_evidence_are_typed_saved_and_shown_again(
    qtbot, ctx, roster
):
    """Issue 17: the 测评票数 per grade and the 整改佐证材料 are kept with the record."""
    meetings = ctx.ws.meetings
    saved = meetings.save(meetings.draft(MeetingType.APPRAISAL, DAY, status="draft"))
    dialog = md.MeetingDialog(ctx, meetings, saved, today=DAY)
    qtbot.addWidget(dialog)
    dialog.grades.set_rows([["王芳", "优秀", "5", "1", "", "", ""], ["李强", "合格", "", "", "", "", ""]])
    dialog.remediation.set_rows(
        [["学习不够系统", "每月集中学习", "王芳", "2026-06-30", "2026-06-20", "学习签到表"]]
    )
    dialog.grades.set_rows([*dialog.grades.rows(), ["赵敏", "合格", "两", "", "", "", ""]])
    assert any("优秀票数" in p and "整数" in p for p in dialog.problems())
    dialog.grades.set_rows(dialog.grades.rows()[:2])
    again = meetings.get(meetings.save(dialog.form_meeting()).id)
    assert [g.votes for g in again.grades] == [(5, 1, 0, 0), None]
    assert again.remediation[0].evidence == "学习签到表"

    reopened = md.MeetingDialog(ctx, meetings, again, today=DAY)
    qtbot.addWidget(reopened)
    assert reopened.grades.rows()[0][:6] == ["王芳", "优秀", "5", "1", "0", "0"]
    assert reopened.remediation.rows()[0][-1] == "学习签到表"
