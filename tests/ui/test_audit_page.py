"""审计日志 page: the secretary finds what was changed about a person, reads before → after, exports
the filtered entries and checks the chain (校验) without freezing the window."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from branchdesk.db.models import AuditEntry
from branchdesk.services.audit import AuditQuery
from branchdesk.services.members import AwardFields
from branchdesk.ui.models.audit_table import COLUMNS, AuditTableModel
from branchdesk.ui.pages import audit as audit_page
from branchdesk.ui.pages.audit import AuditPage


@pytest.fixture
def edited(roster, members):
    """张三's work unit corrected, an award for 李四."""
    zhang = roster["张三"]
    members.update(zhang.id, replace(zhang.editable(), work_unit="数学学院"))
    members.add_award(roster["李四"].id, AwardFields(date=dt.date(2021, 6, 28), title="优秀共产党员"))
    return roster


@pytest.fixture
def page(ctx, edited, qtbot):
    widget = AuditPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    return widget


def shown(page) -> list[tuple[str, ...]]:
    model = page.model
    return [
        tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())
    ]


def select(page, row: int) -> None:
    page.table.selectRow(row)


def test_the_model_passes_the_qt_model_tester(ctx, edited, qtmodeltester, members):
    model = AuditTableModel(ctx.audit, block=3)
    qtmodeltester.check(model)
    model.set_query(AuditQuery(kind="members"))
    members.update(edited["王芳"].id, replace(edited["王芳"].editable(), mobile="13900000099"))
    model.reload()
    qtmodeltester.check(model)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == [
        c.title for c in COLUMNS
    ]


def test_newest_first_with_who_what_and_a_summary(page):
    first = shown(page)[0]
    time_text, user, operation, action, what, summary = first
    assert (user, operation, action, what) == ("测试用户", "登记奖惩", "新增", "奖惩 李四")
    assert "名称：优秀共产党员" in summary
    assert dt.datetime.strptime(time_text, "%Y-%m-%d %H:%M:%S").date() == dt.date.today()
    assert page.count_label.text() == f"共 {page.model.rowCount()} 条记录"


def test_a_members_edit_appears_under_that_person(page):
    page.person.setText("张三")
    page.person.flush()
    rows = shown(page)
    assert page.person_note.text() == "找到 1 人：张三"
    assert {r[4] for r in rows} == {"党员档案 张三"}
    assert [r[2] for r in rows] == ["修改党员档案", "新增党员档案"]
    page.person.setText("zs")  # pinyin initials
    page.person.flush()
    assert len(shown(page)) == 2
    page.person.setText("无此人")
    page.person.flush()
    assert page.model.rowCount() == 0 and page.person_note.text() == "没有找到此人"
    assert page.detail.title.text() == "未选择记录"


def test_the_detail_shows_each_field_before_and_after_with_chinese_labels(page):
    page.person.setText("张三")
    page.person.flush()
    select(page, 0)
    assert page.detail.title.text() == "修改党员档案 张三"
    fields = page.detail.fields
    rows = [tuple(fields.item(r, c).text() for c in range(3)) for r in range(fields.rowCount())]
    assert rows == [("工作单位", "计算机学院", "数学学院")]
    assert [fields.horizontalHeaderItem(c).text() for c in range(3)] == ["字段", "修改前", "修改后"]
    select(page, 1)  # the new file: values only after
    fields = page.detail.fields
    first = [fields.item(r, 0).text() for r in range(fields.rowCount())]
    assert first[:2] == ["姓名", "公民身份号码"]
    assert fields.item(0, 1).text() == "" and fields.item(0, 2).text() == "张三"


def test_filters_narrow_the_rows(page):
    everything = page.model.rowCount()
    page.kind.setCurrentIndex(page.kind.findText("支部与设置"))
    assert {r[4].split(" ")[0] for r in shown(page)} <= {"支部信息", "党小组", "设置", "支部荣誉"}
    page.kind.setCurrentIndex(page.kind.findText("成员档案"))
    assert {r[4].split(" ")[0] for r in shown(page)} == {"党员档案", "奖惩"}
    page.text.setText("修改")
    page.text.flush()
    assert [r[2] for r in shown(page)] == ["修改党员档案"]
    page.date_from.setDate(dt.date.today() + dt.timedelta(days=1))
    page.date_from.dateChanged.emit(page.date_from.date())
    assert page.model.rowCount() == 0
    page.clear_filters()
    assert page.model.rowCount() == everything
    assert page.user.itemText(0) == "全部" and page.user.findText("测试用户") > 0


def test_verify_runs_off_the_gui_thread_and_names_an_edited_entry(page, ctx, monkeypatch):
    reports = []
    monkeypatch.setattr(audit_page, "show_report", lambda _parent, report: reports.append(report))
    page.verify_button.click()
    assert reports[-1].ok

    with ctx.db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(user="别人"))
    page.verify_button.click()
    report = reports[-1]
    assert not report.ok
    assert report.chain[0].message.startswith("审计记录第 5 条（") and "别人" in report.chain[0].message


def test_export_writes_the_filtered_entries(page, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from branchdesk.ui.widgets import prompts

    target = tmp_path / "审计日志"
    saved = []
    monkeypatch.setattr(prompts, "save_file_name", lambda *_a: target)
    monkeypatch.setattr(prompts, "file_saved", lambda _p, _t, text, path: saved.append((text, path)))
    page.person.setText("张三")
    page.person.flush()
    page.export_button.click()
    [(text, path)] = saved
    assert path.name == "审计日志.xlsx" and "2 条记录" in text
    sheet = load_workbook(path).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "审计日志" in cells[0]
    assert "修改党员档案" in cells and "工作单位：计算机学院 → 数学学院" in cells


def test_a_principal_without_the_right_sees_a_notice(ctx, qtbot, monkeypatch):
    class Inspector:
        may_view_audit = False

    monkeypatch.setattr(ctx.db, "principal", Inspector(), raising=False)
    widget = AuditPage(ctx)
    qtbot.addWidget(widget)
    assert widget.model is None


def test_the_report_dialog_lists_every_problem(ctx, edited, qtbot):
    from branchdesk.services.audit import verify
    from branchdesk.ui.pages.audit import VerifyReportDialog

    with ctx.db.engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq.in_([3, 7])).values(operation="改过"))
    report = verify(ctx.db)
    dialog = VerifyReportDialog(report)
    qtbot.addWidget(dialog)
    lines = dialog.problems.toPlainText().splitlines()
    assert [line.split("（")[0] for line in lines] == ["审计记录第 3 条", "审计记录第 7 条"]
    assert dialog.windowTitle() == "校验未通过"
