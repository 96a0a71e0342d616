"""The historical 发展党员工作台账 imported from the 发展党员 page (issue 18; before: the command line only):
the secretary's old ledger names the application date its own way and has a bad date in one row. She
assigns the column, sees every row's values and the bad row's error, skips that row and imports."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.ui.dialogs import dev_import_dialog
from branchdesk.ui.dialogs.dev_import_dialog import TAB_ERRORS, ImportDevelopmentDialog
from branchdesk.ui.widgets import prompts

SUN_ID = make_citizen_id("350102", dt.date(2002, 3, 4), 31, "女")


def _ledger(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["护理学院学生第一党支部发展党员工作台账（2023—2025）"])
    ws.append(["序号", "姓名", "公民身份号码", "入党申请书递交日期", "确定入党积极分子日期", "宿舍号"])
    ws.append([1, "孙小护", SUN_ID, "2023年3月1日", "2023-06-01", "3号楼201"])
    ws.append([2, "钱无号", None, "2023.04.02", "2023-09-31", "3号楼202"])  # no 31 September
    ws.append([3, "李新", None, "２０２４年３月５日", None, None])  # full-width digits
    ws.append([None, "填表人：＿＿＿＿", None, None, None, None])
    wb.save(path)
    return path


def test_the_ledger_is_mapped_previewed_and_imported_from_the_page(qtbot, ctx, tmp_path, monkeypatch):
    from branchdesk.ui.pages.development import DevelopmentPage

    said: list[str] = []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: said.append(text))
    path = _ledger(tmp_path / "发展台账.xlsx")
    page = DevelopmentPage(ctx)
    qtbot.addWidget(page)
    assert page.import_button.text() == "导入台账…"

    seen = {}

    def run(dialog):
        dialog.load(path)
        panel = dialog.mapping
        assert panel.headers() == ["入党申请书递交日期", "宿舍号"]
        assert dialog.tabs.currentIndex() == TAB_ERRORS
        assert [(r[0], r[1]) for r in dialog.errors_model.rows] == [("4", "确定入党积极分子日期")]
        panel.choose("入党申请书递交日期", "application_date")
        panel.apply_button.click()
        model = dialog.values_model
        assert "入党申请书递交日期" in model.headers and "宿舍号" not in model.headers
        column = model.headers.index("入党申请书递交日期")
        assert [model.text(r, column) for r in range(model.rowCount())] == ["2023年3月1日", "2024年3月5日"]
        assert model.text(1, model.columnCount() - 1) == "没有公民身份号码"
        assert [(r[1], r[2]) for r in dialog.rows_model.rows] == [
            ("孙小护", "新建档案"),
            ("李新", "新建档案"),
        ]
        assert not dialog.import_button.isEnabled()
        dialog.skip_invalid.setChecked(True)
        seen["imported"] = dialog.do_import()
        return dialog.result

    monkeypatch.setattr(dev_import_dialog.ImportDevelopmentDialog, "exec", lambda self: run(self) and 1)
    assert page.import_ledger()
    assert seen["imported"]
    names = {d.person.name: d for d in ctx.ws.development.all()}
    assert names["孙小护"].application_date == dt.date(2023, 3, 1) and "钱无号" not in names
    assert said == ["已导入 2 人：新建 2 份发展党员档案，按身份证号更新 0 份。"]


def test_an_unreadable_file_says_so_and_imports_nothing(qtbot, ctx, tmp_path):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog = ImportDevelopmentDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load(bad)
    assert dialog.summary.text().startswith("无法导入：") and not dialog.import_button.isEnabled()
