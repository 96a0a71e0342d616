"""The secretary removes what was entered wrongly from the 学时与述职 and 品牌项目 dialogs: 张三's 80-hour
"study" (it was 8) goes and his year's total drops to 8; a 述职评议 saved twice is deleted once; the
abandoned project 银龄守护 goes after she is told that its two activities stay, without a project. Each
confirmation names the record; cancelling keeps it. A 查阅 account sees no delete at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from branchdesk.domain.activities import (
    Activity,
    BrandProject,
    DutyReport,
    Recognition,
    StudyRecord,
    StudySource,
)
from branchdesk.domain.auth import Principal, Role

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def asked(monkeypatch):
    """The confirmations' texts; answer with ``asked.answer`` (True: 删除)."""
    from branchdesk.ui.widgets import prompts

    class Asked(list):
        answer = True

    texts = Asked()
    monkeypatch.setattr(prompts, "ask", lambda _p, _t, text, **kw: texts.append(text) or texts.answer)
    return texts


def _row(table, text: str, column: int = 0) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, column).text() == text)


def _study(qtbot, ctx):
    from branchdesk.ui.dialogs.study_dialog import StudyDialog

    dialog = StudyDialog(ctx, 2026, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_wrong_study_record_is_deleted_and_the_members_total_drops(qtbot, ctx, roster, asked):
    zhang = roster["张三"].id
    for day, hours, title in ((dt.date(2026, 3, 1), 8, "网上党校"), (dt.date(2026, 3, 2), 80, "录错的一条")):
        ctx.study.save_record(StudyRecord("张三", day, Decimal(hours), StudySource.ONLINE, member_id=zhang,
                                          title=title))  # fmt: skip
    ctx.study.save_record(StudyRecord("李四", dt.date(2026, 4, 1), Decimal(4), StudySource.STUDY,
                                      member_id=roster["李四"].id))  # fmt: skip
    from branchdesk.ui.widgets.member_work import MemberWork

    work = MemberWork(ctx, today=TODAY)  # 张三's file, 联系服务与活动 tab
    qtbot.addWidget(work)
    work.show()
    work.show_member(zhang)
    assert work.hours.text().startswith("2026年学习培训 88 学时")
    dialog = _study(qtbot, ctx)
    assert dialog.record_table.rowCount() == 3  # no member selected: the year's records
    assert not dialog.delete_record_button.isEnabled()  # nothing selected
    dialog.table.selectRow(_row(dialog.table, "张三"))
    assert dialog.records_label.text() == "张三的学时记录（2 条）" and dialog.record_table.rowCount() == 2
    assert dialog.table.item(_row(dialog.table, "张三"), 1).text() == "88"

    table = dialog.record_table
    table.selectRow(_row(table, "录错的一条", 4))
    assert dialog.delete_record_button.isEnabled()
    asked.answer = False  # the Delete key, cancelled: nothing happens
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert "党员：张三\n日期：2026-03-02\n学时：80 学时（网络课程）\n内容：录错的一条" in asked[-1]
    assert "学时由 88 减为 8" in asked[-1] and len(ctx.study.records(2026)) == 3

    seen = []
    ctx.ws.subscribe(seen.append)
    asked.answer = True
    dialog.delete_record_button.click()
    assert len(seen) == 1 and seen[0].operation == "删除学习学时：张三 2026-03-02 80学时"  # one transaction
    assert [r.title for r in ctx.study.records(2026, zhang)] == ["网上党校"]
    # the commit refreshed the dialog: 张三 still selected, his total 8, one record left
    assert dialog.table.item(_row(dialog.table, "张三"), 1).text() == "8"
    assert dialog.table.item(_row(dialog.table, "张三"), 3).text() == "差24学时"
    assert table.rowCount() == 1 and not dialog.delete_record_button.isEnabled()
    assert ctx.study.member_hours(zhang, 2026).total == 8
    assert work.hours.text().startswith("2026年学习培训 8 学时（应达 32 学时，还差 24 学时）")

    # the right-click menu offers the same delete (on the year's list: no member selected)
    dialog.table.clearSelection()
    menu = dialog.context_menu(table, _row(table, "李四", 1))
    assert [a.text() for a in menu.actions()] == ["删除学时记录…"]
    menu.actions()[0].trigger()
    assert "党员：李四" in asked[-1] and [r.name for r in ctx.study.records(2026)] == ["张三"]
    assert table.rowCount() == 1


def test_a_duplicated_duty_report_is_deleted(qtbot, ctx, roster, asked):
    li = roster["李四"].id
    for _ in range(2):
        ctx.study.save_duty_report(DutyReport(2026, "李四", member_id=li, post="书记", date=dt.date(2026, 12, 1),
                                              higher_rating="好"))  # fmt: skip
    dialog = _study(qtbot, ctx)
    dialog.tabs.setCurrentIndex(1)
    table = dialog.duty_table
    assert table.rowCount() == 2 and not dialog.delete_duty_button.isEnabled()
    table.selectRow(1)
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert "述职人：李四（书记）\n年度：2026年\n述职日期：2026-12-01" in asked[-1]
    assert table.rowCount() == 1 and len(ctx.study.duty_reports(2026)) == 1


def test_an_abandoned_project_is_deleted_and_its_activities_stay(qtbot, ctx, roster, asked):
    from branchdesk.ui.dialogs.project_dialog import ProjectsDialog

    ctx.activities.save_project(BrandProject("红色领航"))
    project = ctx.activities.save_project(BrandProject("银龄守护", start=dt.date(2026, 1, 1), goals={2026: "每月走访"},
                                                       recognitions=(Recognition("校级优秀项目", "校（院）级"),)))  # fmt: skip
    for day in (dt.date(2026, 3, 5), dt.date(2025, 9, 1)):
        ctx.activities.save(Activity(date=day, kind="志愿服务", title="走访敬老院", project_id=project.id))
    dialog = ProjectsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.list.setCurrentRow(1)
    assert dialog.name.text() == "银龄守护" and dialog.delete_button.isEnabled()

    asked.answer = False
    dialog.delete_button.click()
    assert "确定删除党建品牌项目“银龄守护”吗？" in asked[-1] and "项目期间：2026-01-01至今" in asked[-1]
    assert "有 2 次活动记录属于这个项目：删除后这些活动记录保留" in asked[-1]
    assert "年度目标 1 项、获奖及认定 1 项一并删除" in asked[-1] and len(ctx.activities.projects()) == 2

    asked.answer = True
    dialog.list.setFocus()
    QTest.keyClick(dialog.list, Qt.Key.Key_Delete)
    assert "“银龄守护”" in asked[-1]
    assert [p.name for p in ctx.activities.projects()] == ["红色领航"]
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == ["红色领航"]
    assert [(a.title, a.project_id) for a in ctx.activities.all()] == [("走访敬老院", None)] * 2

    menu = dialog.context_menu(0)  # a project without activities says so (right-click 删除项目…)
    assert [a.text() for a in menu.actions()] == ["删除项目…"]
    menu.actions()[0].trigger()
    assert "没有活动记录属于这个项目" in asked[-1] and dialog.list.count() == 0
    assert not dialog.delete_button.isEnabled()


def test_a_read_only_account_cannot_delete(qtbot, ctx, roster, asked):
    from branchdesk.ui.dialogs.project_dialog import ProjectsDialog

    ctx.study.save_record(StudyRecord("张三", dt.date(2026, 3, 1), Decimal(8), StudySource.ONLINE,
                                      member_id=roster["张三"].id))  # fmt: skip
    ctx.study.save_duty_report(DutyReport(2026, "李四", member_id=roster["李四"].id))
    ctx.activities.save_project(BrandProject("银龄守护"))
    ctx.db.sign_in(Principal("chayue", Role.VIEWER))
    study = _study(qtbot, ctx)
    projects = ProjectsDialog(ctx)
    qtbot.addWidget(projects)
    projects.show()
    study.record_table.selectRow(0)
    study.duty_table.selectRow(0)
    for button in (study.delete_record_button, study.delete_duty_button, projects.delete_button):
        assert not button.isVisible() and not button.isEnabled()
    for table in (study.record_table, study.duty_table, projects.list):
        table.setFocus()
        QTest.keyClick(table, Qt.Key.Key_Delete)
    assert not study.delete_record() and not study.delete_duty() and not projects.delete()
    assert study.context_menu(study.record_table, 0) is None and projects.context_menu(0) is None
    assert asked == []
    assert (
        len(ctx.study.records()) == 1
        and len(ctx.study.duty_reports()) == 1
        and len(ctx.activities.projects()) == 1
    )
