"""The 工作台 (issue 16) as a secretary meets it after login: this month's to-dos and the readiness score;
she follows the action the score names — a 党小组会 of November that was never recorded — records it, and
sees the score rise."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from branchdesk.domain.meetings import MeetingStatus, MeetingType
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.main_window import MainWindow
from tests.db.readiness_builders import branch_with_members

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def autumn(ws):
    """Records kept from September: every monthly meeting held but 第二党小组's in November; the branch's
    own rubric for the year (its city's sheet: 主题党日, 党小组会, 支部工作制度, 表彰), the hand-scored item scored."""
    branch_with_members(ws)
    ws.meetings.set_records_since(dt.date(2026, 9, 1))
    groups = {g.name: g.id for g in ws.branch.groups()}
    for month in (9, 10, 11):
        ws.meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, month, 5), status=MeetingStatus.DRAFT)
        for name, gid in groups.items():
            if (name, month) != ("第二党小组", 11):
                ws.meetings.plan(
                    MeetingType.GROUP, dt.date(2026, month, 12), group_id=gid, status=MeetingStatus.DRAFT
                )
    from branchdesk.domain.rubric import Rubric, builtin_rubric

    city = builtin_rubric("红旗党支部").to_dict()
    keep = {"1.2", "2.4", "3.1", "5.3"}
    city["dimensions"] = [
        dict(d, items=[i for i in d["items"] if i["key"] in keep]) for d in city["dimensions"]
        if any(i["key"] in keep for i in d["items"])
    ]  # fmt: skip
    ws.readiness.save_rubric(Rubric.from_dict(city), 2026)
    ws.readiness.set_manual_score("红旗党支部", 2026, "3.1", 5, "制度汇编齐全")
    return groups


def test_open_the_workbench_follow_an_action_and_see_the_score_rise(qtbot, monkeypatch, ctx, ws, autumn):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.current_area() == "workbench"  # the first page after login
    page = window.page("workbench")
    page._today = TODAY
    page.reload()
    texts = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    assert "2026年12月第二党小组会尚未召开" in texts and "2026年12月主题党日尚未召开" in texts
    page.load_score()
    before = page.assessment.score
    assert "红旗党支部自评（2026年度）" in page.score.text() and "最弱的维度" in page.weakest.text()
    shown = [page.top_actions.item(r).text() for r in range(page.top_actions.count())]
    row = shown.index("补录 11 月第二党小组会记录 +0.5 分")

    recorded = []

    def save(dialog):
        assert dialog.type_box.currentText() in (MeetingType.GROUP.label, MeetingType.PARTY_DAY.label)
        dialog.save()
        recorded.append(dialog)
        return dialog.result()

    monkeypatch.setattr(md.MeetingDialog, "exec", save)
    page.follow_action(row)  # one click: the meeting editor on a new 第二党小组 record of November
    assert recorded and window.current_area() == "meetings"
    [made] = [
        m for m in ws.meetings.all(year=2026) if m.group_id == autumn["第二党小组"] and m.date.month == 11
    ]
    assert made.date == dt.date(2026, 11, 15)

    window.show_area("workbench")

    def recent_shows_the_meeting() -> bool:
        texts = [page.recent.item(r).text() for r in range(page.recent.count())]
        return any("新增会议记录" in t or "会议" in t for t in texts)

    # the score may come first (a score read scheduled before the save), the page's reload after its paint
    qtbot.waitUntil(
        lambda: (
            page.assessment is not None and page.assessment.score != before and recent_shows_the_meeting()
        ),
        timeout=5000,
    )
    assert page.assessment.score == before + Decimal("0.5")
    assert "补录 11 月第二党小组会记录 +0.5 分" not in [
        page.top_actions.item(r).text() for r in range(page.top_actions.count())
    ]
    # a to-do of the month, one click on its 去处理: the editor on a new 主题党日 of December, and it is done
    texts = [page.table.item(r, 2).text() for r in range(page.table.rowCount())]
    page.table.cellClicked.emit(texts.index("2026年12月主题党日尚未召开"), 3)
    assert window.current_area() == "meetings" and len(recorded) == 2
    window.show_area("workbench")
    qtbot.waitUntil(lambda: page.table.rowCount() == len(texts) - 1, timeout=5000)
    assert "2026年12月主题党日尚未召开" not in [
        page.table.item(r, 2).text() for r in range(page.table.rowCount())
    ]


def test_the_self_assessment_page_scores_by_hand_and_keeps_a_dated_copy(
    qtbot, monkeypatch, tmp_path, ctx, ws, autumn
):
    from branchdesk.ui.pages.assess import AssessPage

    page = AssessPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.select_item("3.1")
    assert page.score_button.isEnabled() and page.evidence.count() == 0  # scored by hand, no records
    page.manual_score.setValue(4.5)
    page.comment.setText("制度汇编缺党费制度")
    assert page.save_manual()
    assert ws.readiness.manual_scores("红旗党支部", 2026)["3.1"].score == Decimal("4.5")
    assert page.select_item("2.4")  # automatic: its evidence listed, no hand score
    assert not page.score_button.isEnabled() and page.evidence.count() >= 5
    copy = page.save_copy()
    assert copy is not None and "已保存 1 份自评副本" in page.saved_label.text()
    from branchdesk.ui.widgets import prompts

    printed = tmp_path / "副本.pdf"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: printed)
    assert page.export_saved() and printed.stat().st_size > 1000
    sheet = tmp_path / "红旗党支部评分细则.xlsx"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: sheet)
    monkeypatch.setattr(prompts, "open_file_name", lambda *a, **k: sheet)
    assert page.export_rubric() and sheet.exists()
    assert page.import_rubric()  # the branch's own copy for the year
    assert ws.readiness.rubric_years("红旗党支部") == [2026]
    # the branch's own points for an item, typed into the tree: kept as its rubric of the year
    row = next(page.tree.topLevelItem(1).child(c) for c in range(page.tree.topLevelItem(1).childCount())
               if page.tree.topLevelItem(1).child(c).text(0).startswith("2.4 "))  # fmt: skip
    row.setText(1, "4")
    assert ws.readiness.rubric("红旗党支部", 2026).item("2.4").points == 4
    assert ws.readiness.rubric("红旗党支部", 2026).points == 20  # 6 + 4 + 5 + 5


def test_the_score_is_read_off_the_windows_thread_one_read_at_a_time(qtbot, monkeypatch, ctx, ws, autumn):
    """The 工作台 paints, then its score is read elsewhere (a year's records: the window would stand still
    for a moment after every change); changes during a read ask for one more read after it."""
    import threading
    import time

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    page = window.page("workbench")
    page._today = TODAY
    reads, busy = [], threading.Lock()
    assess = type(ctx.ws.readiness).assess

    def slow(service, year, **kwargs):
        assert busy.acquire(blocking=False), "two reads at once"
        try:
            reads.append(threading.current_thread() is threading.main_thread())
            time.sleep(0.2)
            return assess(service, year, **kwargs)
        finally:
            busy.release()

    monkeypatch.setattr(type(ctx.ws.readiness), "assess", slow)
    page.loaded = True  # no read of its own on showing: only the three asked for below
    window.show()
    qtbot.waitExposed(window)
    page.assessment = None
    page.score_later()
    page.score_later()  # a change meanwhile
    page.score_later()  # and another: still one read more, not two
    assert page.score.text() != "" or page.assessment is None  # the window answers meanwhile
    qtbot.waitUntil(lambda: len(reads) == 2 and page._scoring is None, timeout=15000)
    assert reads == [False, False], "read off the window's thread, once more after the changes"
    assert "红旗党支部自评（2026年度）" in page.score.text()


def test_a_score_read_that_fails_after_the_page_is_gone_is_let_go(qtbot, monkeypatch, ctx, ws):
    """The branch is switched (the window and its pages rebuilt) while the score is read, and the read
    then fails: nothing is written to the page that is gone, nothing is reported as a program error."""
    import threading

    from branchdesk.ui import background
    from branchdesk.ui.pages.workbench import WorkbenchPage

    go_on = threading.Event()

    def failing(service, year, **kwargs):
        go_on.wait(10)
        raise MemoryError

    monkeypatch.setattr(type(ctx.ws.readiness), "assess", failing)
    page = WorkbenchPage(ctx, today=TODAY)
    page.show()
    page.score_later()
    call = page._scoring
    page.deleteLater()
    qtbot.wait(50)  # the page is gone
    go_on.set()
    call.wait(5000)
    qtbot.wait(50)  # the queued failure arrives: nobody to tell
    assert call not in background._RUNNING
