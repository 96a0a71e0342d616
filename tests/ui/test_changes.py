"""Pages learn of every commit from the workspace's one `changed` signal, whoever wrote: another page, a
dialog, a service call, a worker thread. Nothing is wired between pages."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from branchdesk.db.changes import Changes
from branchdesk.db.models import Member
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields
from branchdesk.ui.pages.development import DevelopmentPage
from branchdesk.ui.pages.members import MembersPage
from branchdesk.ui.pages.settings import SettingsPage

TODAY = dt.date(2026, 11, 23)


def shown_names(page: MembersPage) -> list[str]:
    return [page.model.record(row).name for row in range(page.model.rowCount())]


@pytest.fixture
def members_page(qtbot, ctx, roster):
    page = MembersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def test_a_service_call_reaches_the_member_page(ctx, members_page, qtbot):
    with qtbot.waitSignal(ctx.changed, timeout=1000) as signal:
        record = ctx.members.create(MemberFields(name="新党员", join_date=dt.date(2020, 7, 1)))
    changes = signal.args[0]
    assert isinstance(changes, Changes) and changes.ids("member") == {record.id}
    assert "新党员" in shown_names(members_page), (
        "on the GUI thread the page refreshed before the call returned"
    )


def test_a_group_added_in_settings_reaches_the_member_filter(ctx, members_page, qtbot):
    settings = SettingsPage(ctx)
    qtbot.addWidget(settings)
    filters = [members_page.group_filter.itemText(i) for i in range(members_page.group_filter.count())]
    assert "离退休党小组" not in filters
    ctx.branch.add_group("离退休党小组")  # what the settings page's 新增 does
    filters = [members_page.group_filter.itemText(i) for i in range(members_page.group_filter.count())]
    assert "离退休党小组" in filters


def test_rows_written_by_bulk_code_through_the_unit_of_work_reach_the_page(ctx, members_page):
    with ctx.ws.write("批量写入") as session:  # an ORM insert in a unit of work, as an import's updates are
        session.add(Member(branch_id=ctx.branch_id, name="孙新", status="active", member_type="probationary",
                           join_date=dt.date(2026, 6, 1), name_pinyin="sunxin", name_initials="sx"))  # fmt: skip
    assert "孙新" in shown_names(members_page)


def test_a_hidden_page_is_read_again_when_next_shown_and_a_visible_one_at_once(ctx, qtbot, roster):
    page = DevelopmentPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    assert page.loaded and page.dossiers == {}
    birth = dt.date(2000, 3, 15)
    first = ctx.development.create(Person("陈静", birth, make_citizen_id("350102", birth, 7, "女")), TODAY)
    assert first.id in page.dossiers, "on screen: refreshed at once"
    page.hide()
    ctx.members.create(MemberFields(name="另一人", join_date=dt.date(2020, 7, 1)))
    assert not page.loaded, "hidden: read again when next shown"
    page.show()
    assert page.loaded and first.id in page.dossiers


def test_a_commit_on_a_worker_thread_reaches_the_page_on_the_gui_thread(ctx, members_page, qtbot):
    gui = QApplication.instance().thread()
    seen_on: list[bool] = []
    ctx.changed.connect(lambda _changes: seen_on.append(QThread.currentThread() is gui))

    def import_elsewhere() -> None:
        ctx.members.create(MemberFields(name="线程党员", join_date=dt.date(2020, 7, 1)))

    worker = threading.Thread(target=import_elsewhere)
    worker.start()
    worker.join(10)
    qtbot.waitUntil(lambda: "线程党员" in shown_names(members_page), timeout=3000)
    assert seen_on == [True]


def test_a_rolled_back_write_emits_nothing(ctx, members_page, qtbot):
    with (
        qtbot.assertNotEmitted(ctx.changed),
        pytest.raises(RuntimeError),
        ctx.ws.write("失败的保存") as session,
    ):
        session.add(Member(branch_id=ctx.branch_id, name="不会保存", status="active"))
        session.flush()
        raise RuntimeError("断电")
    assert "不会保存" not in shown_names(members_page)
