"""An imported 预备党员 without a development dossier is on the pipeline board and the to-do list with
the conversion due; a double-click starts the dossier (issue 12 §7)."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.ui.pages.development import ROLE_DUE, ROLE_MEMBER, DevelopmentPage
from branchdesk.ui.widgets import prompts
from tests.ui.conftest import person

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def dev(ws):
    return ws.development


@pytest.fixture
def imported(members, roster):
    """孙悦, imported as a 预备党员 admitted on 2025-10-09: probation ended 2026-10-09."""
    return members.create(
        person("孙悦", dt.date(2002, 4, 1), "女", dt.date(2025, 10, 9), seq=7, probationary=True)
    )


def test_an_imported_probationary_member_is_on_the_board_and_the_to_do_list_then_gets_a_dossier(
    qtbot, ctx, dev, imported, monkeypatch
):
    page = DevelopmentPage(ctx, dev, today=TODAY)
    qtbot.addWidget(page)
    page.reload()
    column = page.column("probationary")
    cards = {column.list.item(i).text(): column.list.item(i) for i in range(column.list.count())}
    assert "孙悦" in cards and "赵敏" in cards, "both roster probationary members, neither has a dossier"
    card = cards["孙悦"]
    assert card.data(ROLE_MEMBER) == imported.id and "尚无发展档案" in card.toolTip()
    assert card.data(ROLE_DUE).startswith("逾期")
    rows = [page.todo.item(r, 1).text() for r in range(page.todo.rowCount())]
    assert "孙悦" in rows, "overdue conversion on the to-do list"
    assert "另有花名册中的预备党员 2 人尚无档案" in page.count_label.text()

    monkeypatch.setattr(prompts, "ask", lambda *a, **k: True)
    page._open_item(card)  # double-click: 补建档案
    [d] = [d for d in dev.all() if d.person.name == "孙悦"]
    assert d.admission_meeting_date == dt.date(2025, 10, 9) and dev.member_id(d.id) == imported.id
    assert page.showing_dossier()
    column = page.column("probationary")
    assert [column.list.item(i).data(ROLE_MEMBER) for i in range(column.list.count())].count(imported.id) == 0
    assert page.column_of(d.id) == "probationary"
