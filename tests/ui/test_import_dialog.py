"""Importing a roster through the dialog (preview, errors, skip, cancel), the template, and the export."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member, PartyGroup
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.services.members import MemberQuery
from branchdesk.ui.dialogs.import_dialog import TAB_ERRORS, TAB_ROWS, ImportMembersDialog
from branchdesk.ui.widgets import prompts
from branchdesk.ui.worker import ProgressDialog

HEADERS = ["序号", "姓名", "性别", "身份证号", "出生年月", "入党时间", "转正时间", "党小组", "联系电话"]
LIU_ID = make_citizen_id("350102", dt.date(1992, 4, 9), 21, "男")
CHEN_ID = make_citizen_id("350102", dt.date(1995, 8, 30), 22, "女")


def write_roster(path, rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "党员花名册"
    ws.append(["测试学院教工第一党支部党员花名册"])  # a title row above the header, as offices do
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def good_file(tmp_path, roster):
    zhang = roster["张三"]
    return write_roster(
        tmp_path / "花名册.xlsx",
        [
            # 张三 again, matched by ID number: a new phone number
            [
                1,
                "张三",
                "男",
                zhang.id_number,
                "1980.05",
                "2005-07-01",
                "2006-07-01",
                "第一党小组",
                "13911112222",
            ],
            [2, "刘洋", "", LIU_ID, "", "2016-06-01", "2017-06-01", "第三党小组", "13700001111"],
            [3, "陈静", "女", CHEN_ID, "1995.08", "2019.12.01", "", "第二党小组", ""],
        ],
    )


@pytest.fixture
def bad_file(tmp_path, roster):
    wrong = CHEN_ID[:17] + ("0" if CHEN_ID[-1] != "0" else "1")
    return write_roster(
        tmp_path / "有错误的花名册.xlsx",
        [
            [1, "刘洋", "男", LIU_ID, "1992.04", "2016-06-01", "2017-06-01", "第一党小组", "13700001111"],
            [2, "陈静", "女", wrong, "1995.08", "2019-12-01", "", "第二党小组", ""],
            [3, "", "男", "", "", "2019-12-01", "", "", ""],
        ],
    )


@pytest.fixture
def messages(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(prompts, "warn", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(prompts, "file_saved", lambda parent, title, text, path: said.append(text))
    return said


def counts(db) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count(Member.id))),
            session.scalar(select(func.count(PartyGroup.id))),
            session.scalar(select(func.count(AuditEntry.id))),
        )


def open_dialog(qtbot, ctx) -> ImportMembersDialog:
    dialog = ImportMembersDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def cells(model) -> list[tuple[str, ...]]:
    return list(model.rows)


def test_nothing_to_import_before_a_file_is_chosen(qtbot, ctx):
    dialog = open_dialog(qtbot, ctx)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.toolTip() == "请先选择文件"


def test_good_file_preview_then_import(qtbot, ctx, good_file, roster, members, messages, monkeypatch):
    chosen = []
    monkeypatch.setattr(prompts, "open_file_name", lambda *a: chosen.append(a) or good_file)
    dialog = open_dialog(qtbot, ctx)
    dialog.choose_file()
    assert dialog.file_edit.text() == str(good_file)

    assert dialog.summary.text() == "新增 2 人，更新 1 人，无变化 0 人，将新建党小组 1 个（第三党小组）。"
    assert "表头在第 2 行" in dialog.details.text()
    assert cells(dialog.errors_model) == []
    rows = cells(dialog.rows_model)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("3", "张三", "更新"),
        ("4", "刘洋", "新增"),
        ("5", "陈静", "新增"),
    ]
    assert "手机号码：13800000001 → 13911112222" in rows[0][3]
    assert dialog.tabs.currentIndex() == TAB_ROWS
    assert not dialog.skip_invalid.isVisible()
    assert dialog.import_button.isEnabled()
    assert members.count(MemberQuery()) == 6  # the preview wrote nothing

    assert dialog.do_import() is True
    assert dialog.result.created == 2 and dialog.result.updated == 1
    assert dialog.result.groups_created == ["第三党小组"]
    assert messages[-1].startswith("导入完成：新增 2 人，更新 1 人")
    assert members.count(MemberQuery()) == 8
    liu = members.find_by_id_number(LIU_ID)
    assert (liu.name, liu.group_name, liu.birth_date, liu.sex) == (
        "刘洋",
        "第三党小组",
        dt.date(1992, 4, 9),
        "男",
    )
    assert members.get(roster["张三"].id).mobile == "13911112222"


def test_bad_file_lists_each_error_and_import_stays_disabled_until_skip_is_ticked(
    qtbot, ctx, bad_file, members, messages, db
):
    dialog = open_dialog(qtbot, ctx)
    dialog.load(bad_file)
    errors = cells(dialog.errors_model)
    assert {e[0] for e in errors} == {"4", "5"}  # Excel rows of 陈静 and the nameless row
    chen = [e for e in errors if e[0] == "4"]
    assert any(e[1] == "身份证号" and "校验位" in e[2] for e in chen)
    assert dialog.tabs.currentIndex() == TAB_ERRORS
    assert dialog.tabs.tabText(TAB_ERRORS) == "有错误的行（2）"
    assert "2 行有错误" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    assert "改正" in dialog.import_button.toolTip()

    before = counts(db)
    dialog.do_import()  # e.g. a stray shortcut: still nothing
    assert counts(db) == before

    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert dialog.do_import() is True
    assert (dialog.result.created, dialog.result.skipped) == (1, 2)
    assert members.find_by_id_number(LIU_ID) is not None
    assert members.count(MemberQuery(text="陈静")) == 0


def test_an_unreadable_file_cannot_be_imported(qtbot, ctx, tmp_path, messages, roster):
    path = tmp_path / "不是表格.xlsx"
    path.write_text("这不是 Excel 文件", encoding="utf-8")
    dialog = open_dialog(qtbot, ctx)
    dialog.load(path)
    assert dialog.summary.text().startswith("无法导入：")
    assert len(cells(dialog.errors_model)) == 1
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert not dialog.import_button.isEnabled()


def test_reimporting_the_same_file_changes_nothing(qtbot, ctx, good_file, roster, messages):
    first = open_dialog(qtbot, ctx)
    first.load(good_file)
    assert first.do_import()
    second = open_dialog(qtbot, ctx)
    second.load(good_file)
    assert second.summary.text() == "新增 0 人，更新 0 人，无变化 3 人。"
    assert not second.import_button.isEnabled()
    assert second.import_button.toolTip() == "没有需要新增或更新的党员"


def test_cancelling_during_the_import_writes_nothing(
    qtbot, ctx, good_file, roster, db, messages, monkeypatch
):
    """The user presses 取消 while the transaction is open: it is rolled back, the dialog says so."""
    from branchdesk.services import imports

    real_apply = imports.apply_roster
    inside = threading.Event()

    def slow_apply(db_, plan, *, skip_invalid, progress, cancelled):
        calls = {"n": 0}

        def cancelled_later() -> bool:
            calls["n"] += 1
            if calls["n"] == 1:  # the check before the transaction starts
                return False
            inside.set()  # now inside the unit of work: wait for the user's 取消
            deadline = time.monotonic() + 5
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.01)
            return cancelled()

        return real_apply(db_, plan, skip_invalid=skip_invalid, progress=progress, cancelled=cancelled_later)

    monkeypatch.setattr(imports, "apply_roster", slow_apply)

    def press_cancel():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, ProgressDialog) and widget.isVisible() and inside.is_set():
                widget.cancel_button.click()
                return
        QTimer.singleShot(20, press_cancel)

    dialog = open_dialog(qtbot, ctx)
    dialog.load(good_file)
    before = counts(db)
    QTimer.singleShot(20, press_cancel)
    assert dialog.do_import() is False
    assert inside.is_set()
    assert messages[-1] == "已取消，未导入任何数据。"
    assert counts(db) == before  # no member, no group, no audit entry
    assert dialog.result is None
    assert dialog.import_button.isEnabled()  # the dialog stays ready for another try


def test_cancel_button_closes_without_importing(qtbot, ctx, good_file, db, roster, messages):
    dialog = open_dialog(qtbot, ctx)
    dialog.show()
    dialog.load(good_file)
    before = counts(db)
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert counts(db) == before


def test_download_template_then_the_template_reads_as_empty(qtbot, ctx, tmp_path, messages, monkeypatch):
    from branchdesk.services.imports import read_roster
    from branchdesk.ui.dialogs.export import download_template

    target = tmp_path / "模板"  # no suffix typed
    monkeypatch.setattr(prompts, "save_file_name", lambda parent, title, default, flt: target)
    path = download_template(ctx, None)
    assert path == tmp_path / "模板.xlsx"
    assert path.exists()
    assert str(path) in messages[-1]
    plan = read_roster(path)
    assert plan.rows == [] and plan.example_rows == 1  # the grey example row is never imported
    assert [e.message for e in plan.errors] == ["表头下面没有党员数据"]


def test_export_roster_writes_the_file_with_a_dated_default_name(
    qtbot, ctx, tmp_path, roster, messages, monkeypatch
):
    from openpyxl import load_workbook

    from branchdesk.ui.dialogs.export import export_roster

    offered = {}

    def save_file_name(parent, title, default, flt):
        offered["default"] = default
        return tmp_path / default.name

    monkeypatch.setattr(prompts, "save_file_name", save_file_name)
    path = export_roster(ctx, None)
    assert offered["default"].name == f"党员花名册-{dt.date.today():%Y%m%d}.xlsx"
    assert path == tmp_path / offered["default"].name
    assert messages[-1].startswith("已导出党员花名册（6 人）")
    text = " ".join(
        str(c) for row in load_workbook(path).active.iter_rows(values_only=True) for c in row if c
    )
    for name in roster:
        assert name in text


def test_export_to_a_locked_file_says_why(qtbot, ctx, tmp_path, roster, messages, monkeypatch):
    from branchdesk.ui.dialogs.export import export_roster

    blocked = tmp_path / "花名册.xlsx"
    blocked.mkdir()  # something that cannot be written over (tests may run as root: no chmod tricks)
    monkeypatch.setattr(prompts, "save_file_name", lambda *a: blocked)
    assert export_roster(ctx, None) is None
    assert "无法写入" in messages[-1] and "Excel" in messages[-1]


def test_a_printed_roster_shows_the_units_it_rebuilds_from_the_header_and_the_departments(
    qtbot, ctx, members, tmp_path, messages
):
    """The 台账 page's roster prints "工作单位：示范大学信息学院" above the table and 所在部门 in it; the
    dialog says so and shows each member's whole unit before anything is written."""
    from branchdesk.domain.members import MemberFields
    from branchdesk.reports.registry import Period, build
    from branchdesk.reports.xlsx import write_xlsx

    units = {"刘洋": "示范大学信息学院计算机系", "陈静": "示范大学信息学院"}
    for (name, unit), number in zip(units.items(), (LIU_ID, CHEN_ID), strict=True):
        members.create(
            MemberFields(name=name, id_number=number, work_unit=unit, join_date=dt.date(2016, 6, 1))
        )
    path = tmp_path / "花名册.xlsx"
    write_xlsx(build(ctx.ws, "roster", Period.year(dt.date.today().year)), path)

    dialog = open_dialog(qtbot, ctx)
    dialog.load(path)
    assert "工作单位按表头的“示范大学信息学院”加“所在部门”一列读入" in dialog.details.text()
    assert "未使用的列" not in dialog.details.text()
    model = dialog.values_model
    at = model.headers.index("工作单位（所在部门）")
    name = model.headers.index("姓名")
    assert {model.text(r, name): model.text(r, at) for r in range(model.rowCount())} == units
