"""台账打印's paper options (issue 17): the roster's extra columns and the development ledger's layout
are chosen on the page and remembered for the branch; the self-check goes into the pack only when
ticked."""

from __future__ import annotations

import pytest

from branchdesk.ui.pages.ledgers import LedgersPage


@pytest.fixture
def page(qtbot, ctx, roster):
    widget = LedgersPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_roster_columns_and_the_development_layout_are_remembered_for_the_branch(qtbot, page, ctx):
    from branchdesk.reports.development import LAYOUT_SETTING
    from branchdesk.reports.roster import chosen_columns

    page.roster_column_actions["native_place"].setChecked(True)
    page.roster_column_actions["work_start_date"].setChecked(True)
    assert chosen_columns(ctx.ws) == ["native_place", "work_start_date"]
    page.development_layout.setCurrentIndex(page.development_layout.findData("a3"))
    page.development_layout.activated.emit(page.development_layout.currentIndex())
    assert ctx.ws.settings.get(LAYOUT_SETTING) == "a3"

    again = LedgersPage(ctx)  # another window of the same branch shows the choices
    qtbot.addWidget(again)
    again.show()
    assert again.roster_column_actions["native_place"].isChecked()
    assert not again.roster_column_actions["address"].isChecked()
    assert again.development_layout.currentData() == "a3"


def test_the_pack_holds_the_self_check_only_when_ticked(qtbot, page, monkeypatch, tmp_path):
    from branchdesk.ui.widgets import prompts

    calls = []
    monkeypatch.setattr(prompts, "folder_name", lambda *a, **k: tmp_path)
    monkeypatch.setattr(page, "_modal", lambda title, text, failed, fn, *args, **kwargs: calls.append(kwargs))
    page.make_pack()
    page.compliance_check.setChecked(True)
    page.make_pack()
    assert [c.get("extra") for c in calls] == [(), ("compliance",)]
