"""The meeting editor leaves a full member out of 应到 only for one of the five kinds with its approval
(issue 12 §2): 出差 stays an absence; the vote's 应到 follows the attendance list."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.meetings import AttendanceStatus, MeetingType
from branchdesk.domain.votes import ExclusionKind
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.pages.meetings import MeetingsPage

DAY = dt.date(2024, 8, 1)


@pytest.fixture
def meetings(ws):
    return ws.meetings


@pytest.fixture
def page(qtbot, ctx, meetings, roster):
    widget = MeetingsPage(ctx, meetings, today=DAY)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def test_a_member_abroad_is_left_out_with_approval_and_a_trip_stays_an_absence(monkeypatch, page, meetings):
    seen = []

    def fill_exclusion(dialog: md.ExclusionDialog):
        seen.append(dialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData(ExclusionKind.ABROAD.value))
        assert dialog.save() is False and "未记录上级党组织同意的日期" in dialog.errors.label.text()
        dialog.approved_on.setText("2024-07-20")
        dialog.approved_by.setText("某某学院党委")
        dialog.decision.setText("2024年7月25日支部党员大会决定")
        assert dialog.save() is True
        return dialog.result()

    monkeypatch.setattr(md.ExclusionDialog, "exec", fill_exclusion)

    def hold(dialog: md.MeetingDialog):
        dialog.type_box.setCurrentIndex(dialog.type_box.findData(MeetingType.GENERAL.value))
        dialog.date.setText(DAY.isoformat())
        dialog.chair.setCurrentText("张三")
        dialog.recorder.setCurrentText("李四")
        model = dialog.attendance
        names = [a.name for a in model.attendees()]
        assert "有表决权的党员应到 5 人" in dialog.attendance_summary.text()
        model.set_status(names.index("曾志伟"), AttendanceStatus.ABSENT, "出差")  # an absence: still 应到
        assert "有表决权的党员应到 5 人" in dialog.attendance_summary.text()
        dialog.attendance_view.selectRow(names.index("王芳"))
        assert dialog.exclude_selected() is True
        model.set_status(names.index("王芳"), AttendanceStatus.ABSENT, "出国访学")
        assert "有表决权的党员应到 4 人" in dialog.attendance_summary.text()
        assert model.data(model.index(names.index("王芳"), 1)) == "正式党员（不计入应到）"
        assert dialog.save() is True
        return 1

    monkeypatch.setattr(md.MeetingDialog, "exec", hold)
    assert page.new_meeting() is True
    assert seen, "the kind and approval were asked"
    [summary] = meetings.list(year=2024)
    record = meetings.get(summary.id)
    wang = next(a for a in record.attendance if a.name == "王芳")
    assert not wang.voter and wang.exclusion.kind is ExclusionKind.ABROAD
    assert wang.exclusion.approved_by == "某某学院党委" and wang.reason == "出国访学"
    assert record.voters_expected == 4
    assert [f for f in meetings.check(dt.date(2024, 12, 1)) if f.code == "MTG-VOTERS"] == []
