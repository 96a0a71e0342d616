"""所属年度 in the meeting editor: the 2025 组织生活会 held in January 2026 is the 2025 record by
default; the secretary may choose the year held instead, and the choice is kept."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.meetings import MeetingType
from branchdesk.ui.dialogs import meeting_dialog as md


@pytest.fixture
def meetings(ws):
    return ws.meetings


def test_an_org_life_meeting_held_in_january_is_last_years_unless_chosen(qtbot, ctx, meetings, roster):
    draft = meetings.draft(MeetingType.ORG_LIFE, dt.date(2026, 1, 16), status="draft")
    dialog = md.MeetingDialog(ctx, meetings, draft, today=dt.date(2026, 1, 16))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.basic_form.isRowVisible(dialog.for_year)
    assert dialog.for_year.currentData() == 2025
    assert dialog.form_meeting().record_year == 2025
    dialog.for_year.setCurrentIndex(dialog.for_year.findData(2026))
    dialog.for_year.activated.emit(dialog.for_year.currentIndex())
    assert dialog.save(close=False)
    [stored] = meetings.list()
    assert meetings.get(stored.id).record_year == 2026
    # a party lecture has no 所属年度 to choose
    lecture = md.MeetingDialog(ctx, meetings, meetings.draft(MeetingType.LECTURE, dt.date(2026, 1, 5)),
                               today=dt.date(2026, 1, 16))  # fmt: skip
    qtbot.addWidget(lecture)
    lecture.show()
    assert not lecture.basic_form.isRowVisible(lecture.for_year)
