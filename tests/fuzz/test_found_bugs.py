"""What fuzzing found, one story each (the corpus in corpus.py holds the rest: each of its cases failed
before the fix it names in the report)."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.services.dev_import import apply_development, read_development
from branchdesk.services.imports import ImportRefused, RowError, apply_roster, read_roster
from branchdesk.services.xlsx_reader import open_sheet
from branchdesk.workspace import Workspace

from . import corpus
from .conftest import TODAY, assert_unchanged, dump

pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


def roster(tmp_path, rows, header=corpus.ROSTER_HEADER, name="名册.xlsx"):
    return corpus.write_rows(tmp_path / name, [header, *rows])


def ledger(tmp_path, rows, header=corpus.DEV_HEADER, name="台账.xlsx"):
    return corpus.write_rows(tmp_path / name, [header, *rows])


def test_the_same_person_twice_without_id_number_is_an_error_not_two_members(tmp_path, fresh_db):
    """Found by hypothesis: a pasted row without ID number made two members, and each import two more."""
    row = corpus.good_row(corpus.ROSTER, 30)
    row[4], row[5] = None, dt.date(1990, 5, 6)  # no ID number, a birth date
    row[8], row[9] = dt.date(2015, 7, 1), dt.date(2016, 7, 1)
    plan = read_roster(roster(tmp_path, [row, list(row)]), today=TODAY)
    assert {(e.row, e.column) for e in plan.errors} == {(2, "姓名"), (3, "姓名")}
    assert "无法确定是否同一人" in plan.errors[0].message
    before = dump(fresh_db)
    with pytest.raises(ImportRefused):
        apply_roster(Workspace.open(fresh_db), plan, today=TODAY)
    assert_unchanged(before, dump(fresh_db))


def test_a_row_without_id_number_matching_two_stored_members_is_an_error(tmp_path, fresh_db):
    """Two members of the same name and birth date (told apart by their ID numbers) and a row without a
    number: it used to create a third member at every import."""
    born = dt.date(1980, 4, 4)
    rows = []
    for seq in (60, 61):
        row = corpus.good_row(corpus.ROSTER, seq, "张伟")
        row[4], row[5] = make_citizen_id("350102", born, seq, "男"), None
        row[2], row[8], row[9] = "男", dt.date(2005, 7, 1), dt.date(2006, 7, 1)
        rows.append(row)
    apply_roster(
        Workspace.open(fresh_db),
        read_roster(roster(tmp_path, rows, name="两人.xlsx"), today=TODAY),
        today=TODAY,
    )

    row = list(rows[0])
    row[4], row[5] = None, born
    plan = read_roster(roster(tmp_path, [row], name="无号码.xlsx"), today=TODAY)
    assert plan.ok
    before = dump(fresh_db)
    with pytest.raises(ImportRefused) as refused:
        apply_roster(Workspace.open(fresh_db), plan, today=TODAY)
    assert "系统中有 2 人" in str(refused.value.errors[0]) and refused.value.errors[0].column == "姓名"
    assert_unchanged(before, dump(fresh_db))


def test_a_ledger_without_id_numbers_imported_twice_changes_nothing(tmp_path, fresh_db):
    """Found by the corpus (a merged header hid the ID column): every re-import duplicated every dossier."""
    rows = [corpus.good_row(corpus.DEVELOPMENT, seq) for seq in (70, 71)]
    for row in rows:
        row[2] = None
    path = ledger(tmp_path, rows)
    apply_development(Workspace.open(fresh_db), read_development(path, today=TODAY))
    once = dump(fresh_db)
    result = apply_development(Workspace.open(fresh_db), read_development(path, today=TODAY))
    assert (result.created, result.updated) == (0, 2)
    assert_unchanged(once, dump(fresh_db))


def test_a_ledger_row_without_id_number_keeps_the_stored_number(tmp_path, fresh_db):

    row = corpus.good_row(corpus.DEVELOPMENT, 72)
    number = row[2]
    apply_development(
        Workspace.open(fresh_db), read_development(ledger(tmp_path, [row], name="有号码.xlsx"), today=TODAY)
    )
    row = list(row)
    row[2], row[6] = None, dt.date(2023, 6, 2)  # the number left out, the activist date corrected
    result = apply_development(
        Workspace.open(fresh_db), read_development(ledger(tmp_path, [row], name="无号码.xlsx"), today=TODAY)
    )
    assert (result.created, result.updated) == (0, 1)
    service = Workspace.open(fresh_db).development
    stored = service.get(service.find_by_id_number(number))
    assert stored.activist_date == dt.date(2023, 6, 2)


def test_a_zero_in_the_phone_column_is_a_cell_error(tmp_path):
    """Found by hypothesis: “0” in 手机号码 crashed the landline check (IndexError in domain.phone)."""
    row = corpus.good_row(corpus.ROSTER, 83)
    row[10] = "0"
    plan = read_roster(roster(tmp_path, [row]), today=TODAY)
    assert [(e.row, e.column) for e in plan.errors] == [(2, "手机号码")]


def test_a_ledger_error_names_a_column_the_file_has(tmp_path):
    """Found by hypothesis: class hours without the training column were reported at “集中培训时间”,
    a column the file does not have."""
    row = corpus.good_row(corpus.DEVELOPMENT, 73)
    row[corpus.column_index(corpus.DEVELOPMENT, "培训学时")] = 24
    found = read_development(ledger(tmp_path, [row]), today=TODAY)
    assert [(i.row, i.column) for i in found.issues] == [(2, "培训学时")]
    assert "缺少集中培训起止时间" in found.issues[0].message


def test_a_roster_error_about_a_field_the_file_leaves_out_names_it_in_the_message(tmp_path):
    header = ["姓名", "性别", "人员类别"]
    plan = read_roster(roster(tmp_path, [["王芳", "女", "预备党员"]], header=header), today=TODAY)
    (error,) = plan.errors
    assert (error.row, error.column) == (2, "")
    assert str(error) == "第 2 行：入党日期：预备党员必须填写入党日期（支部大会通过接收之日）"


def test_a_cell_of_thirty_thousand_characters_is_quoted_short():
    error = RowError(3, "入党时间", f"无法识别的日期“{'2' * 30000}”，请使用 2026-11-23 等格式")
    assert len(error.message) < 100 and "共 30000 个字符" in error.message


def test_a_reference_beyond_the_last_excel_column_is_refused_at_once(tmp_path):
    """Found by the corpus: a cell at column ZZZZZZ made a row of 321 million cells (49 s, gigabytes)."""
    xml = corpus.sheet_xml([["姓名", "性别"], ["王芳", "女"]]).replace(
        "</row></sheetData>", '<c r="ZZZZZZ2"><v>1</v></c></row></sheetData>'
    )
    path = corpus.raw_xlsx(tmp_path / "宽.xlsx", [corpus.RawSheet("Sheet1", xml)])
    plan = read_roster(path, today=TODAY)
    assert plan.file_errors and "超出 Excel 范围" in plan.errors[0].message


def test_excel_error_values_and_formulas_without_results_are_cell_errors_in_both_readers(
    tmp_path, monkeypatch
):
    """Found by the corpus: #REF! in a date column was read as an empty cell (the date silently lost),
    in a name column as the name "#REF!" by the slower reader."""
    rows = [corpus.good_row(corpus.ROSTER, 80), corpus.good_row(corpus.ROSTER, 81)]
    rows[0][8] = corpus.RawCell("#REF!", "e", "A1")
    rows[1][1] = corpus.RawCell("#N/A", "e", "VLOOKUP(A3,B:C,2,0)")
    path = corpus.raw_file(corpus.ROSTER, tmp_path / "错误值.xlsx", rows)
    fast = read_roster(path, today=TODAY).errors
    assert [(e.row, e.column) for e in fast] == [(2, "入党时间"), (3, "姓名")]
    assert "#REF!" in fast[0].message and "#N/A" in fast[1].message

    from branchdesk.services import xlsx_reader

    monkeypatch.setattr(
        xlsx_reader, "_fast_open", lambda *a: (_ for _ in ()).throw(xlsx_reader._Unsupported())
    )
    assert read_roster(path, today=TODAY).errors == fast  # openpyxl's way gives the same


def test_a_date_cell_out_of_range_is_a_cell_error_not_a_crash(tmp_path):
    """Found by the corpus: serial 2958466 in a date cell raised OverflowError out of the reader."""
    row = corpus.good_row(corpus.DEVELOPMENT, 82)
    row[3] = corpus.RawCell("2958466", style=1)
    path = corpus.raw_file(corpus.DEVELOPMENT, tmp_path / "序列号.xlsx", [row])
    found = read_development(path, today=TODAY)
    assert [(i.row, i.column) for i in found.issues] == [(2, "递交申请书日期")]


def test_the_first_worksheet_after_a_chart_sheet_is_read(tmp_path):
    data = corpus.RawSheet("数据", corpus.sheet_xml([["姓名", "性别"], ["王芳", "女"]]))
    path = corpus.raw_xlsx(
        tmp_path / "图表.xlsx", [corpus.RawSheet("图表1", corpus._CHART, kind="chartsheet"), data]
    )
    with open_sheet(path) as sheet:
        assert sheet.title == "数据"
