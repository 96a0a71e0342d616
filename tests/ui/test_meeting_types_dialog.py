"""会议类型… on the 会议记录 page: the branch adds 党政联席会议 and a type it then drops, renames the first
one (its draft record follows), and cannot remove a type its records use — the message says how many."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.meetings import Audience
from branchdesk.ui.dialogs import meeting_types_dialog as mt
from branchdesk.ui.pages.meetings import MeetingsPage
from branchdesk.ui.widgets import prompts

TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def meetings(ws):
    return ws.meetings


@pytest.fixture
def page(qtbot, ctx, meetings, roster):
    widget = MeetingsPage(ctx, meetings, today=TODAY)
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def said(monkeypatch):
    """Questions are answered yes, warnings kept: (questions, warnings)."""
    asked: list[str] = []
    warned: list[str] = []
    monkeypatch.setattr(prompts, "ask", lambda parent, title, text, **kw: asked.append(text) or True)
    monkeypatch.setattr(prompts, "warn", lambda parent, title, text: warned.append(text))
    return asked, warned


def new_type(monkeypatch, name: str, audience: Audience = Audience.BRANCH) -> None:
    def exec_(dialog: mt.NewTypeDialog):
        dialog.name.setText(name)
        dialog.audience.setCurrentIndex(dialog.audience.findData(audience.value))
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(mt.NewTypeDialog, "exec", exec_)


def rows(dialog: mt.MeetingTypesDialog) -> list[tuple[str, str, str]]:
    t = dialog.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_add_rename_and_remove_the_branchs_meeting_types(qtbot, monkeypatch, page, meetings, said):
    asked, warned = said

    def manage(dialog: mt.MeetingTypesDialog):
        assert not dialog.empty.isHidden() and "还没有增加会议类型" in dialog.empty.text()
        assert not dialog.rename_button.isEnabled() and not dialog.remove_button.isEnabled()
        new_type(monkeypatch, "党政联席会议", Audience.COMMITTEE)
        assert dialog.add_type() is True
        new_type(monkeypatch, "临时会议")
        assert dialog.add_type() is True
        new_type(monkeypatch, "支委会")  # a fixed type under another name: refused in the small dialog
        assert dialog.add_type() is False
        assert rows(dialog) == [("党政联席会议", "支部委员", "未使用"), ("临时会议", "全体党员", "未使用")]

        meetings.plan("党政联席会议", dt.date(2026, 5, 12), status="draft")
        dialog.reload()
        dialog.select("党政联席会议")
        monkeypatch.setattr(prompts, "get_text", lambda *args: "党政联席会")
        assert dialog.rename_button.isEnabled() and dialog.rename_type() is True
        assert rows(dialog)[0] == ("党政联席会", "支部委员", "1 份")

        assert dialog.remove_type() is False, "in use: refused"
        assert warned and "“党政联席会”已有 1 份会议记录，不能删除" in warned[-1]
        assert asked == [], "not asked to confirm what cannot be done"
        dialog.select("临时会议")
        assert dialog.remove_type() is True
        assert asked and "临时会议" in asked[-1]
        assert rows(dialog) == [("党政联席会", "支部委员", "1 份")]

    monkeypatch.setattr(mt.MeetingTypesDialog, "exec", lambda self: manage(self) or 1)
    assert page.types_button.text() == "会议类型…"
    assert page.edit_types() is True
    assert [t.name for t in meetings.custom_types()] == ["党政联席会"]
    assert [m.title for m in meetings.all()] == ["党政联席会"], "the draft record took the new name"
    assert "党政联席会" in [page.calendar_model.row_label(r) for r in range(page.calendar_model.rowCount())]


def test_enter_adds_the_type_in_the_small_dialog(qtbot, meetings):
    dialog = mt.NewTypeDialog(meetings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.name.setText("专题议党会议")
    dialog.name.setFocus()
    QTest.keyClick(dialog.windowHandle(), Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert [t.name for t in meetings.custom_types()] == ["专题议党会议"]
