"""The 党员花名册 exported to Excel and read back as the secretary (and the printer) would see it."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from openpyxl import load_workbook

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.reports.ledger import Column, Ledger
from branchdesk.reports.roster import roster_ledger
from branchdesk.reports.xlsx import display_width, sheet_title, write_xlsx
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def roster(members, branch):
    """Four members of the branch and one transferred out; the export shows the four."""
    groups = dict((name, gid) for gid, name in members.groups())
    people = [
        ("张伟", "男", dt.date(1980, 5, 1), "第二党小组", "full", dt.date(2005, 7, 1), "13912345678", ""),
        ("李娜", "女", dt.date(1992, 3, 8), "第一党小组", "full", dt.date(2016, 6, 1), "13800138000",
         "示范大学信息学院网络空间安全系办公室"),
        ("王芳", "女", dt.date(1999, 9, 9), "第一党小组", "probationary", dt.date(2026, 4, 1), "", ""),
        ("赵强", "男", dt.date(1975, 1, 20), None, "full", dt.date(2000, 7, 1), "", ""),
    ]  # fmt: skip
    created = {}
    for seq, (name, sex, born, group, kind, joined, mobile, unit) in enumerate(people, start=1):
        created[name] = members.create(
            MemberFields(
                name=name, sex=sex, id_number=make_citizen_id("350102", born, seq, sex), member_type=kind,
                group_id=groups.get(group), join_date=joined,
                conversion_date=None if kind == "probationary" else joined.replace(year=joined.year + 1),
                mobile=mobile, work_unit=unit, education="大学本科", ethnicity="汉族",
            )
        )  # fmt: skip
    gone = members.create(MemberFields(name="钱多", join_date=dt.date(2001, 7, 1)))
    members.change_status(gone.id, StatusChange("transferred_out", dt.date(2024, 1, 5), "调往外单位"))
    return created


def export(db, tmp_path, **kwargs):
    ledger = roster_ledger(db, today=TODAY, **kwargs)
    path = write_xlsx([ledger], tmp_path / "花名册.xlsx")
    return ledger, load_workbook(path)


def test_the_roster_reads_back_with_title_header_values_and_types(ws, roster, tmp_path):
    _, wb = export(ws, tmp_path)
    ws = wb["党员花名册"]

    assert ws["A1"].value == "党员花名册" and ws["A1"].font.bold and ws["A1"].font.size >= 14
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    info = " ".join(str(c.value) for c in ws[2] if c.value)
    assert "测试学院教工第一党支部" in info and "截至 2026年11月23日" in info

    header = [c.value for c in ws[3]]
    assert header == ["序号", "姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "人员类别", "所在党小组",
                      "入党日期", "转正日期", "工作单位", "职务职称", "党内职务", "手机号码", "备注"]  # fmt: skip
    assert all(c.font.bold and c.border.bottom.style == "thin" for c in ws[3])

    # by party group in the groups' order, then by name; a member without a group comes last
    names = [ws.cell(row=r, column=2).value for r in range(4, 8)]
    assert names == ["李娜", "王芳", "张伟", "赵强"]
    assert ws.cell(row=8, column=2).value is None  # the transferred-out member is not on the roster
    assert [ws.cell(row=r, column=1).value for r in range(4, 8)] == [1, 2, 3, 4]

    li = {header[i]: c for i, c in enumerate(ws[4])}
    assert li["出生日期"].is_date and li["出生日期"].value.date() == dt.date(1992, 3, 8)
    assert li["出生日期"].number_format == "yyyy-mm-dd"
    assert li["入党日期"].value.date() == dt.date(2016, 6, 1)
    assert li["公民身份号码"].data_type == "s" and li["公民身份号码"].value == roster["李娜"].id_number
    assert li["手机号码"].value == "13800138000" and li["手机号码"].data_type == "s"
    assert li["人员类别"].value == "正式党员" and li["所在党小组"].value == "第一党小组"
    assert li["工作单位"].alignment.wrap_text
    assert all(c.border.left.style == "thin" for c in ws[4])
    wang = {header[i]: c.value for i, c in enumerate(ws[5])}
    assert wang["人员类别"] == "预备党员" and wang["转正日期"] is None

    texts = [str(c.value) for row in ws.iter_rows(min_row=8) for c in row if c.value]
    assert "共 4 人，其中正式党员 3 人、预备党员 1 人。" in texts
    assert any(t.startswith("填表人（签字）：") for t in texts) and any(
        t.startswith("支部书记（签字）：") for t in texts
    )


def test_the_roster_prints_on_a4_landscape_fitted_to_width_with_the_header_on_every_page(
    ws, roster, tmp_path
):
    _, wb = export(ws, tmp_path)
    ws = wb["党员花名册"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"
    assert ws.print_options.horizontalCentered
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "党员花名册" in ws.oddFooter.left.text
    # every column wide enough for its content: an ID number needs 18 characters
    assert ws.column_dimensions["F"].width >= 18
    assert ws.column_dimensions["B"].width >= display_width("姓名")


def test_a_query_narrows_the_roster(ws, roster, tmp_path):
    ledger, _ = export(ws, tmp_path, query=MemberQuery(member_types=frozenset({"probationary"})))
    assert [row[1] for row in ledger.rows] == ["王芳"]
    assert ledger.notes == ["共 1 人，其中正式党员 0 人、预备党员 1 人。"]


def test_a_masked_roster_hides_id_numbers_and_phones(ws, roster, tmp_path):
    ledger = roster_ledger(ws, today=TODAY).masked("public")
    wb = load_workbook(write_xlsx([ledger], tmp_path / "public.xlsx"))
    ws = wb.active
    assert "*" in ws["F4"].value and ws["F4"].value != roster["李娜"].id_number
    assert ws["O4"].value == "138****8000"


def test_the_writer_renders_any_ledger(tmp_path):
    """Money in fen becomes yuan numbers, totals and notes sit under the table, sheet names are valid."""
    columns = [
        Column("month", "月份", "text", 8),
        Column("date", "交纳日期", "date", 12),
        Column("people", "人数", "int", 6),
        Column("amount", "金额（元）", "money", 10),
        Column("paid", "已交", "bool", 6),
    ]
    dues = Ledger(
        key="dues", title="党费收缴登记表：2026年第四季度[测试]/本支部专用明细台账", branch_name="某支部",
        period="2026年10月—12月", columns=columns,
        rows=[["10月", dt.date(2026, 10, 8), 12, 12550, True], ["11月", None, 11, 9900, False]],
        totals=["合计", None, 23, 22450, None], notes=["按月交纳。", "金额单位：元。"],
        orientation="portrait", printed_on=TODAY, signatures=["经办人", "书记"],
    )  # fmt: skip
    same_title = Ledger(
        key="x", title=dues.title, branch_name="", period="", columns=columns[:1], rows=[["a"]]
    )
    path = write_xlsx([dues, same_title], tmp_path / "ledgers.xlsx")
    wb = load_workbook(path)

    assert len(wb.sheetnames) == 2 and len(set(wb.sheetnames)) == 2
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in wb.sheetnames)
    ws = wb[wb.sheetnames[0]]
    assert ws.page_setup.orientation == "portrait"
    assert ws["D4"].value == pytest.approx(125.5) and ws["D4"].number_format == "0.00"
    assert ws["C4"].value == 12 and ws["B4"].value.date() == dt.date(2026, 10, 8)
    assert ws["E4"].value == "是" and ws["E5"].value is None
    assert [ws.cell(row=6, column=i).value for i in (1, 3)] == ["合计", 23]
    assert ws["D6"].value == pytest.approx(224.5) and ws["A6"].font.bold
    assert ws["A8"].value == "按月交纳。" and ws["A9"].value == "金额单位：元。"
    assert ws["A11"].value.startswith("经办人（签字）：")
    assert "2026年11月23日" in (ws.oddFooter.right.text or "")


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    first = sheet_title("一" * 40, taken)
    second = sheet_title("一" * 40, taken)
    assert len(first) == len(second) == 31 and first != second
    assert sheet_title("a/b:c", taken) == "abc"


def test_an_empty_roster_still_exports(empty_db, tmp_path):
    from branchdesk.services.branch import BranchProfile

    ws = Workspace.open(empty_db)
    ws.branch.save_profile(BranchProfile(name="新成立的党支部"))
    ledger = roster_ledger(ws, today=TODAY)
    wb = load_workbook(write_xlsx([ledger], tmp_path / "empty.xlsx"))
    assert wb.active["A3"].value == "序号"
    assert ledger.notes == ["共 0 人，其中正式党员 0 人、预备党员 0 人。"]


def test_wrapping_columns_share_the_page_so_rows_take_fewer_lines(tmp_path):
    """A meeting register too wide for the page: the column of long absence lists gets more of the
    width than the place (the same short text on every row), and each row is as tall as its lines."""
    from branchdesk.reports.xlsx import column_widths

    absent = "、".join(f"{name}（请假：外出参加学术会议）" for name in ("黄丹静", "黄馨清", "胡良", "康浩"))
    columns = [Column("seq", "序号", "int", 4), Column("date", "日期", "date", 11),
               Column("place", "地点", "text", 12, wrap=True), Column("chair", "组织人", "text", 7),
               Column("absent", "缺席人员及原因", "text", 18, wrap=True),
               Column("content", "活动内容", "text", 34, wrap=True)]  # fmt: skip
    rows = [[i, dt.date(2026, i, 15), "信息学院大楼三层党员活动室", "刘红洁", absent,
             "1.重温入党誓词；2.主题学习；3.主题实践活动。\n与会党员结合实际逐一发言，交流学习体会。"]
            for i in range(1, 13)]  # fmt: skip
    ledger = Ledger("party_days", "主题党日活动记录", "第一党支部", "2026年度", columns, rows, printed_on=TODAY,
                    orientation="portrait")  # fmt: skip
    widths = column_widths(ledger)
    assert sum(widths) <= 103.5, "A4 portrait's width at 100 %"
    place, absent_width = widths[2], widths[4]
    assert place == pytest.approx(12, abs=1), "the place gives way (two lines) down to its own width"
    assert absent_width >= 30, "the long lists get the width"
    ws = load_workbook(write_xlsx([ledger], tmp_path / "党日.xlsx")).active
    lines = math.ceil(display_width(absent) * 0.95 / (absent_width - 0.8))
    assert ws.row_dimensions[4].height >= 13.5 * lines
