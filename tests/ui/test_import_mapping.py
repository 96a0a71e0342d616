"""The mapping step of the roster import (issue 18): the nursing students' branch imports its own roster,
whose 所在班级 and 宿舍号 the importer does not know. 所在班级 is suggested as 班级; she assigns it,
leaves the other out, and the class of every student arrives; the next file of the same layout is mapped
without asking. The preview shows what was read of each row, and a row without an ID number is flagged."""

from __future__ import annotations

import datetime as dt

from openpyxl import Workbook

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.services.members import MemberQuery
from branchdesk.ui.dialogs.import_dialog import TAB_VALUES, ImportMembersDialog
from branchdesk.ui.widgets import prompts

HEADERS = ["序号", "姓名", "身份证号码", "人员身份", "所在班级", "宿舍号", "入党时间"]
LIN_ID = make_citizen_id("350102", dt.date(2003, 4, 5), 21, "女")


def _file(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["护理学院学生第一党支部党员名册"])
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_unknown_columns_are_mapped_remembered_and_previewed(qtbot, ctx, tmp_path, monkeypatch, members):
    said: list[str] = []
    monkeypatch.setattr(prompts, "inform", lambda parent, title, text: said.append(text))
    first = _file(tmp_path / "名册.xlsx", [
        [1, "林小护", LIN_ID, "学生", "护理2201班", "3号楼201", "2024年6月"],
        [2, "吴无号", None, "学生", "护理2202班", "3号楼201", "2025.06"],
    ])  # fmt: skip
    dialog = ImportMembersDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.load(first)

    panel = dialog.mapping
    assert not panel.isHidden() and panel.headers() == ["所在班级", "宿舍号"]
    assert panel.combo("所在班级").currentText() == "班级"  # suggested
    assert panel.combo("宿舍号").currentText() == "不导入"
    assert "2 列未识别" in dialog.details.text()

    # the preview shows what was read of each row; the row without an ID number is flagged
    model = dialog.values_model
    assert model.headers[:3] == ["行号", "姓名", "身份证号码"] and model.headers[-1] == "提醒"
    assert "所在班级" not in model.headers
    first_row = [model.text(0, c) for c in range(model.columnCount())]
    assert first_row[:3] == ["3", "林小护", LIN_ID] and first_row[model.headers.index("人员身份")] == "学生"
    assert first_row[model.headers.index("入党时间")].startswith("2024")
    assert "没有公民身份号码" in model.text(1, model.columnCount() - 1)
    assert model.text(0, model.columnCount() - 1) == ""
    assert "1 行提醒" in dialog.tabs.tabText(TAB_VALUES)

    panel.choose("宿舍号", "")
    panel.apply_button.click()  # the suggestion accepted, the other column left out
    assert panel.combo("所在班级").currentText() == "班级" and "所在班级" in model.headers
    row = [model.text(0, c) for c in range(model.columnCount())]
    assert "护理2201班" in row and "3号楼201" not in row
    assert "未识别" not in dialog.details.text()
    assert dialog.do_import()
    classes = {r.name: r.class_name for r in members.records(MemberQuery())}
    assert (classes["林小护"], classes["吴无号"]) == ("护理2201班", "护理2202班")

    # a second file of the same layout: mapped as before, without asking
    second = _file(
        tmp_path / "名册（补充）.xlsx", [[1, "郑新", None, "学生", "护理2301班", "3号楼201", "2025.06"]]
    )
    again = ImportMembersDialog(ctx)
    qtbot.addWidget(again)
    again.load(second)
    assert again.mapping.choices() == {"所在班级": "class_name", "宿舍号": ""}
    assert "护理2301班" in [again.values_model.text(0, c) for c in range(again.values_model.columnCount())]
