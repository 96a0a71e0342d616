"""Enter in the app's dialogs: in a form it finishes the field and moves on (it never saves and closes
half a member's record); in a one-field dialog it is OK, as everywhere else."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.meetings import MeetingType
from branchdesk.domain.vocab import CommitteePost
from branchdesk.services.members import MemberQuery
from branchdesk.ui.dialogs.branch_dialogs import EndTermDialog
from branchdesk.ui.dialogs.meeting_dialog import VoteDialog
from branchdesk.ui.dialogs.member_dialog import MemberDialog
from branchdesk.ui.widgets import prompts


def enter(widget) -> None:
    """Enter pressed in ``widget`` (delivered through the window, as the platform does)."""
    widget.setFocus()
    QTest.keyClick(widget.window().windowHandle(), Qt.Key.Key_Return)


def test_enter_in_the_member_form_moves_to_the_next_field_and_saves_nothing(qtbot, monkeypatch, ctx, members):
    monkeypatch.setattr(prompts, "ask", lambda *args, **kwargs: True)  # closing drops the typing
    dialog = MemberDialog(ctx, None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not any(b.isDefault() for b in dialog.findChildren(type(dialog.save_button)))
    dialog.name.setText("李红")
    enter(dialog.name)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    moved_to = dialog.focusWidget()
    assert moved_to is not None and moved_to is not dialog.name, "Enter moved on to the next field"
    dialog.mobile.setText("13800138000")
    enter(dialog.mobile)
    assert dialog.isVisible()
    assert members.count(MemberQuery(statuses=None)) == 0, "nothing saved"


def test_enter_moves_through_the_vote_counts(qtbot, ws, roster):
    meetings = ws.meetings
    record = meetings.plan(MeetingType.GENERAL, dt.date(2024, 8, 1), status="draft")
    dialog = VoteDialog("讨论接收李明为预备党员", record, None, kind="admission", person="李明")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    calc = dialog.calculator
    calc.present.setFocus()
    enter(calc.present)
    assert dialog.isVisible() and dialog.focusWidget() is not calc.present
    enter(calc.yes)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted


def test_enter_confirms_a_one_field_dialog(qtbot, ctx, branch, roster):
    branch.appoint(roster["李四"].id, CommitteePost.SECRETARY.value, dt.date(2024, 1, 1))
    [seat] = branch.committee()
    dialog = EndTermDialog(ctx, seat)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.ok_button.isDefault()
    dialog.ended_on.setText("2026-11-20")
    enter(dialog.ended_on.edit)
    assert dialog.result() == QDialog.DialogCode.Accepted
