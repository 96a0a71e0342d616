"""Documents (纪实表, minutes) in Excel, print settings read back, cancelling an export."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from branchdesk.reports.ledger import Column, ExportCancelled, Ledger
from branchdesk.reports.xlsx import XlsxCancelled, write_xlsx

from .test_pdf_writer import dossier_document, people


def cells(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def right_of(ws, cell):
    """The value cell beside a (merged) label cell."""
    return next(ws.cell(cell.row, col) for col in range(cell.column + 1, ws.max_column + 1)
                if ws.cell(cell.row, col).value is not None)  # fmt: skip


def test_a_document_becomes_a_form_on_one_sheet(tmp_path):
    wb = load_workbook(write_xlsx([dossier_document()], tmp_path / "纪实表.xlsx"))
    (ws,) = wb.worksheets
    assert ws.title == "发展党员纪实表"
    values = cells(ws)
    assert ws["A1"].value == "发展党员纪实表" and ws["A1"].font.bold
    texts = [str(v) for v in values.values()]
    for expected in ("一、基本情况", "姓名", "李明", "二、谈话记录", "表一 谈话情况", "谈话人", "了解入党动机",
                     "三、支部大会"):  # fmt: skip
        assert expected in texts, expected
    assert any(t.startswith("讨论情况：会议由支部书记主持。\n应到 49 人") for t in texts), "line breaks kept"
    assert any("支部书记（签字）" in t for t in texts) and any("记录人（签字）" in t for t in texts)

    label = next(c for row in ws.iter_rows() for c in row if c.value == "出生日期")
    value = right_of(ws, label)
    assert label.fill.fgColor.rgb.endswith("D9D9D9"), "label cells are shaded"
    assert isinstance(value.value, dt.datetime) and value.value.date() == dt.date(1999, 3, 5)
    assert value.number_format == "yyyy-mm-dd"
    id_cell = right_of(ws, next(c for row in ws.iter_rows() for c in row if c.value == "公民身份号码"))
    assert id_cell.value == "350102199903051234" and id_cell.data_type == "s"
    talk = next(c for row in ws.iter_rows() for c in row if c.value == "张三")
    date = ws.cell(talk.row, 1)
    assert date.value.date() == dt.date(2024, 3, 20)
    address = next(c for row in ws.iter_rows() for c in row if str(c.value).startswith("福建省"))
    assert ws.row_dimensions[address.row].height >= 30, "a two-line value gets a row tall enough"
    assert any(str(r).startswith(f"{address.column_letter}{address.row}:") for r in ws.merged_cells.ranges)

    assert ws.page_setup.paperSize in ("9", 9) and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text


def test_documents_of_one_kind_share_a_sheet_each_from_a_new_page(tmp_path):
    documents = [dossier_document(name) for name in ("李明", "王芳", "赵强")]
    wb = load_workbook(write_xlsx([people(3), *documents, people(2)], tmp_path / "汇编.xlsx"))
    assert [ws.title for ws in wb.worksheets] == ["党员名单", "发展党员纪实表", "党员名单（2）"]
    ws = wb["发展党员纪实表"]
    titles = [c.row for c in ws["A"] if c.value == "发展党员纪实表"]
    assert len(titles) == 3
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks == [titles[1] - 1, titles[2] - 1], "each person's record starts on a new printed page"
    names = [v for v in cells(ws).values() if v in ("李明", "王芳", "赵强")]
    assert names == ["李明", "王芳", "赵强"]


def test_a_ledger_sheet_reads_back_with_print_settings(tmp_path):
    ledger: Ledger = people(40)
    ledger.orientation = "portrait"
    wb = load_workbook(write_xlsx([ledger], tmp_path / "名单.xlsx"))
    ws = wb.active
    assert ws.page_setup.paperSize in ("9", 9) and ws.page_setup.orientation == "portrait"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3", "the header row is printed on every page"
    assert ws.freeze_panes == "A4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    row = [c.value for c in ws[4]]
    assert row[0] == 1 and isinstance(row[2], dt.datetime) and float(row[4]) == 12.35
    assert ws.cell(4, 5).number_format == "0.00"
    total = next(r for r in ws.iter_rows(min_row=4) if r[4].value is not None and r[0].value is None)
    assert float(total[4].value) == sum(r[4] for r in ledger.rows) / 100


def test_a_public_document_masks_id_numbers_in_excel(tmp_path):
    wb = load_workbook(write_xlsx([dossier_document().masked("public")], tmp_path / "公示.xlsx"))
    texts = [str(v) for v in cells(wb.active).values()]
    assert "350102199903051234" not in texts and "3501**********1234" in texts
    assert "13800138000" not in texts


def test_cancelling_an_excel_export_leaves_no_file(tmp_path):
    path = tmp_path / "名单.xlsx"
    calls = []
    with pytest.raises(XlsxCancelled):
        write_xlsx(
            [people(50), people(3)],
            path,
            progress=lambda *a: calls.append(a),
            cancelled=lambda: len(calls) >= 2,
        )
    assert issubclass(XlsxCancelled, ExportCancelled)
    assert list(tmp_path.iterdir()) == []
    calls.clear()
    write_xlsx([people(50), dossier_document()], path, progress=lambda *a: calls.append(a))
    assert path.exists() and calls[-1][0] == calls[-1][1] and calls[0][0] == 0


def test_rows_are_as_tall_as_their_wrapped_labels_and_lines(tmp_path):
    """Excel does not grow a row of merged cells: a label that wraps (再上一级组织部门备案日期 in its
    shaded cell), a long info line and a wrapped table header get rows tall enough for their lines,
    and a one-line row keeps the default height."""
    from branchdesk.reports.ledger import Column, Document, Fields, Table
    from branchdesk.reports.xlsx_documents import LINE

    document = Document(
        "dossier_record", "发展党员纪实表", "示范大学信息学院计算机系师生联合党支部",
        "截至2026年11月23日",
        [Fields([("再上一级组织部门备案日期", dt.date(2025, 10, 22)), ("入党宣誓日期", dt.date(2025, 10, 17)),
                 ("姓名", "李明"), ("性别", "男")]),
         Table([Column("seq", "序号", "int", 4), Column("what", "表决事项", "text", 20),
                Column("expected", "应到人数（人）", "int", 3), Column("yes", "赞成", "int", 3)],
               [[1, "接收预备党员", 98, 93]])],
        subject="李明（2026-10-17 接收为预备党员，延长预备期后的第二次考察）",
    )  # fmt: skip
    ws = load_workbook(write_xlsx([document], tmp_path / "高度.xlsx")).active
    values = cells(ws)

    def row_of(text: str) -> int:
        return next(int("".join(ch for ch in ref if ch.isdigit())) for ref, v in values.items() if v == text)

    def lines_of(row: int) -> float:
        height = ws.row_dimensions[row].height
        return 1 if height is None else (height - 4) / LINE

    assert lines_of(row_of("再上一级组织部门备案日期")) >= 2, "the wrapped label's two lines fit its row"
    assert lines_of(row_of("姓名")) == 1
    subject_row = next(int(ref[1:]) for ref, v in values.items() if str(v).startswith("单位："))
    assert "李明" in str(ws.cell(subject_row, 1).value)
    date_row = next(int(ref[1:]) for ref, v in values.items() if str(v).startswith("截至"))
    assert date_row == subject_row + 1, "a long info line is split: the subject's line does not overflow"
    assert lines_of(row_of("应到人数（人）")) >= 2, "a wrapped column title's row grows"


def test_a_documents_values_read_back_as_written(tmp_path):
    """The document sheet is written as SpreadsheetML text (issue 17: 150,000 cells of minutes): each
    kind of value reads back as openpyxl itself would have written it."""
    from decimal import Decimal

    from branchdesk.reports.ledger import Document, Fields, Table

    when = dt.datetime(2026, 3, 5, 14, 30)
    doc = Document(key="t", title="测试记录", branch_name="测试支部", period="2026年度", printed_on=dt.date(2026, 3, 6),
                   blocks=[Fields([("时间", when), ("得票率", 0.875), ("金额", Decimal("12.50")), ("通过", True),
                                   ("说明", " 前后有空格 "), ("控制字符", "响铃\x07之后"), ("回车", "一行\r\n两行"),
                                   ("公式", "=1+1"), ("符号", "A&B <c>")], per_line=1),
                           Table([Column("n", "序号", "int", 4), Column("d", "日期", "date", 10)],
                                 [[1, dt.date(1900, 1, 1)], [2, dt.date(2026, 12, 31)]])])  # fmt: skip
    ws = load_workbook(write_xlsx([doc], tmp_path / "值.xlsx")).active
    labels = {"时间", "得票率", "金额", "通过", "说明", "控制字符", "回车", "公式", "符号"}
    by_label = {
        c.value: right_of(ws, c).value for row in ws.iter_rows(max_col=2) for c in row if c.value in labels
    }
    assert by_label["时间"] == when and by_label["得票率"] == 0.875 and by_label["金额"] == 12.5
    assert by_label["通过"] is True and by_label["说明"] == " 前后有空格 "
    assert by_label["控制字符"] == "响铃之后" and by_label["回车"] == "一行\r\n两行"
    assert by_label["公式"] == "=1+1" and by_label["符号"] == "A&B <c>"
    seq = next(c for row in ws.iter_rows() for c in row if c.value == "序号")
    dates = [
        ws.cell(seq.row + i, next(c.column for c in ws[seq.row] if c.value == "日期")).value for i in (1, 2)
    ]
    assert [d.date() for d in dates] == [dt.date(1900, 1, 1), dt.date(2026, 12, 31)]
    formula = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1")
    assert formula.data_type == "s", "text is never a formula"
