"""Importing a roster from Excel: the secretary's existing 花名册 goes into the database, or nothing does.

Files are built here the way people make them: a title row and a branch line above the header, the
column names they happen to use, dates typed as text or as Excel dates, 出生年月 written as 1985.03.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member, PartyGroup
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.dues import month_index
from branchdesk.domain.members import MemberFields
from branchdesk.services.dues import MemberDues
from branchdesk.services.imports import (
    ImportCancelled,
    ImportRefused,
    apply_roster,
    preview_roster,
    read_roster,
    write_template,
)
from branchdesk.services.members import MemberQuery

HEADER = ["序号", "姓名", "性别", "民族", "身份证号码", "学历", "人员类别", "所在党小组", "入党时间", "转正时间",
          "工作单位", "手机号码"]  # fmt: skip

ZHANG_ID = make_citizen_id("350102", dt.date(1985, 3, 12), 12, "男")
LI_ID = make_citizen_id("110105", dt.date(1990, 7, 1), 3, "女")
WANG_ID = make_citizen_id("310104", dt.date(1998, 11, 20), 40, "男")


def good_rows() -> list[list]:
    return [
        [1, "张三", "男", "汉族", ZHANG_ID, "大学本科", "正式党员", "第一党小组", "2008-06-20", "2009-06-20",
         "某某学院", "13912345678"],
        [2, "李丽", "女", "回族", LI_ID, "研究生（硕士）", "预备", "第三党小组", dt.datetime(2026, 3, 1), None,
         "某某学院图书馆", "13800138000"],
        [3, "王小明", "男", "汉", WANG_ID, "本科", "正式", "第三党小组", "2019.12.01", "2020年12月1日",
         "某某学院", 13700137000],
    ]  # fmt: skip


def roster_file(path: Path, rows: list[list], header: list[str] = HEADER, *, title: bool = True) -> Path:
    """A roster as branches keep them: title, branch line, header, rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    if title:
        ws.append(["某某学院教工第一党支部党员花名册"])
        ws.append(
            ["填报单位：某某学院教工第一党支部", None, None, None, None, None, None, None, "2026年11月"]
        )
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def count_members(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count(Member.id)))


def import_audit(db) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.operation == "导入党员花名册")))


# ---- a good file -------------------------------------------------------------------------------


def test_a_good_roster_is_imported_with_its_values_groups_and_pinyin(tmp_path, db, ws, members, branch):
    plan = read_roster(roster_file(tmp_path / "roster.xlsx", good_rows()))
    assert plan.errors == []
    assert plan.header_row == 3 and plan.data_rows == 3

    result = apply_roster(ws, plan)

    assert (result.created, result.updated, result.skipped) == (3, 0, 0)
    assert result.groups_created == ["第三党小组"]  # 第一党小组 already existed
    assert [g.name for g in branch.groups()] == ["第一党小组", "第二党小组", "第三党小组"]

    zhang = members.find_by_id_number(ZHANG_ID)
    assert zhang.name == "张三" and zhang.group_name == "第一党小组"
    assert zhang.birth_date == dt.date(1985, 3, 12)  # from the ID number
    assert zhang.join_date == dt.date(2008, 6, 20) and zhang.conversion_date == dt.date(2009, 6, 20)
    assert zhang.mobile == "13912345678" and zhang.work_unit == "某某学院"
    li = members.find_by_id_number(LI_ID)
    assert li.member_type == "probationary" and li.join_date == dt.date(2026, 3, 1)
    assert li.sex == "女" and li.ethnicity == "回族" and li.education == "研究生（硕士）"
    wang = members.find_by_id_number(WANG_ID)
    assert wang.ethnicity == "汉族" and wang.education == "大学本科"  # "汉", "本科" as people write them
    assert wang.mobile == "13700137000"  # a phone number the spreadsheet stored as a number
    assert wang.conversion_date == dt.date(2020, 12, 1)

    # the list search finds them by pinyin initials and full pinyin afterwards
    found = members.get_many(members.search_ids(MemberQuery(text="zs")))
    assert [m.name for m in found] == ["张三"]
    assert [m.name for m in members.get_many(members.search_ids(MemberQuery(text="wangxiao")))] == ["王小明"]

    # one audit entry per member created (and one per group), all under the import's name
    entries = import_audit(db)
    assert sorted(e.entity for e in entries) == ["member", "member", "member", "party_group"]
    zhang_entry = next(e for e in entries if e.entity == "member" and e.entity_id == zhang.id)
    assert zhang_entry.action == "insert" and zhang_entry.user == "测试用户"
    assert zhang_entry.changes["name"] == [None, "张三"]
    assert zhang_entry.changes["join_date"] == [None, "2008-06-20"]
    assert zhang_entry.changes["name_initials"] == [None, "zs"]


def test_an_imported_member_is_like_one_entered_by_hand(tmp_path, db, ws, members):
    apply_roster(ws, read_roster(roster_file(tmp_path / "r.xlsx", good_rows()[:1])))
    imported = members.find_by_id_number(ZHANG_ID)
    other_id = make_citizen_id("350102", dt.date(1985, 3, 12), 13, "男")
    typed = members.create(replace(imported.editable(), id_number=other_id))
    assert imported.status == typed.status == "active"
    assert imported.name_initials == typed.name_initials == "zs"
    with db.read() as session:
        pinyins = session.scalars(select(Member.name_pinyin).order_by(Member.id)).all()
        entries = {
            e.entity_id: dict(e.changes)
            for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "member"))
        }
    assert pinyins == ["zhangsan", "zhangsan"]

    # the batch insert audits a new member exactly as the unit of work audits one added by hand
    by_import, by_hand = entries[imported.id], entries[typed.id]
    assert by_import.pop("id") == [None, imported.id] and by_hand.pop("id") == [None, typed.id]
    assert by_import.pop("id_number") == [None, ZHANG_ID] and by_hand.pop("id_number") == [None, other_id]
    assert by_import == by_hand


# ---- bad rows ----------------------------------------------------------------------------------


def three_bad_rows() -> list[list]:
    bad_check = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    young = make_citizen_id("110105", dt.date(2000, 5, 1), 8, "女")
    rows = good_rows()
    rows.insert(1, [2, "赵敏", "女", "汉族", young, "大学本科", "正式党员", "第一党小组", "2017-06-01",
                    "2018-06-01", "某某学院", "13611112222"])  # joined at 17  # fmt: skip
    rows[0][4] = bad_check  # wrong check digit
    rows[3][11] = "1381234567"  # ten digits
    return rows


def test_a_file_with_three_bad_rows_lists_every_error_and_imports_nothing(tmp_path, db, ws):
    plan = read_roster(roster_file(tmp_path / "bad.xlsx", three_bad_rows()))

    by_row = {(e.row, e.column): e.message for e in plan.errors}
    assert set(by_row) == {(4, "身份证号码"), (5, "入党时间"), (7, "手机号码")}
    assert "校验位" in by_row[(4, "身份证号码")]
    assert "十八周岁" in by_row[(5, "入党时间")]
    assert "11 位" in by_row[(7, "手机号码")]
    assert str(plan.errors[0]).startswith("第 4 行，身份证号码：")
    assert plan.error_row_count == 3 and len(plan.rows) == 1
    assert "3 行有错误" in plan.describe()

    with pytest.raises(ImportRefused) as refused:
        apply_roster(ws, plan)
    assert "第 5 行，入党时间" in str(refused.value)
    assert count_members(db) == 0
    assert import_audit(db) == []
    with db.read() as session:  # no group was created either
        assert session.scalar(select(func.count(PartyGroup.id))) == 2


def test_skip_invalid_imports_the_good_rows_only(tmp_path, ws, members):
    plan = read_roster(roster_file(tmp_path / "bad.xlsx", three_bad_rows()))
    result = apply_roster(ws, plan, skip_invalid=True)
    assert (result.created, result.skipped) == (1, 3)
    assert [m.name for m in members.records(MemberQuery())] == ["李丽"]
    assert "跳过有错误的 3 行" in result.describe()


def test_a_number_written_twice_in_the_file_is_an_error_on_both_rows(tmp_path, db):
    rows = good_rows()
    rows[2][4] = ZHANG_ID
    plan = read_roster(roster_file(tmp_path / "dup.xlsx", rows))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "身份证号码"), (6, "身份证号码")]
    assert "第 6 行" in plan.errors[0].message and "第 4 行" in plan.errors[1].message
    assert [r.name for r in plan.rows] == ["李丽"]


def test_an_id_number_excel_turned_into_a_number_is_explained(tmp_path):
    rows = good_rows()[:1]
    rows[0][4] = 350102198503120000  # what Excel keeps of an 18-digit number typed into a number cell
    plan = read_roster(roster_file(tmp_path / "num.xlsx", rows))
    assert len(plan.errors) == 1
    assert "文本" in plan.errors[0].message and plan.errors[0].column == "身份证号码"


def test_unreadable_values_name_their_cell(tmp_path):
    rows = good_rows()[:2]
    rows[0][8] = "去年六月"
    rows[1][6] = "党员"
    plan = read_roster(roster_file(tmp_path / "odd.xlsx", rows))
    messages = {(e.row, e.column): e.message for e in plan.errors}
    assert "无法识别的日期" in messages[(4, "入党时间")]
    assert "正式党员" in messages[(5, "人员类别")]


# ---- files that are not rosters ------------------------------------------------------------------


def test_files_that_cannot_be_read_are_refused_with_a_reason(tmp_path):
    fake = tmp_path / "roster.xlsx"
    fake.write_text("姓名,性别\n张三,男\n", encoding="utf-8")
    assert "不是有效的 .xlsx" in read_roster(fake).errors[0].message

    old = tmp_path / "roster.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "另存为" in read_roster(old).errors[0].message

    assert "不存在" in read_roster(tmp_path / "missing.xlsx").errors[0].message

    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    plan = read_roster(empty)
    assert "是空的" in plan.errors[0].message and plan.errors[0].row == 0
    assert str(plan.errors[0]) == plan.errors[0].message  # no "第 0 行"

    no_header = roster_file(tmp_path / "noheader.xlsx", [["张三", "男"]], header=["甲", "乙"])
    assert "没有找到表头" in read_roster(no_header).errors[0].message

    only_header = roster_file(tmp_path / "onlyheader.xlsx", [])
    assert "没有党员数据" in read_roster(only_header).errors[0].message


def test_a_refused_file_cannot_be_applied_even_when_skipping(tmp_path, ws):
    fake = tmp_path / "roster.xlsx"
    fake.write_text("nothing", encoding="utf-8")
    with pytest.raises(ImportRefused):
        apply_roster(ws, read_roster(fake), skip_invalid=True)


# ---- re-import ---------------------------------------------------------------------------------


def test_reimporting_the_same_file_updates_members_by_id_instead_of_duplicating(tmp_path, db, ws, members):
    path = roster_file(tmp_path / "roster.xlsx", good_rows())
    apply_roster(ws, read_roster(path))
    zhang = members.find_by_id_number(ZHANG_ID)

    again = apply_roster(ws, read_roster(path))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count_members(db) == 3

    rows = good_rows()
    rows[0][11] = "13512345678"  # 张三 has a new phone
    rows[0][1] = "张 三"  # typed with a space this time: still the same person
    changed = tmp_path / "roster-2.xlsx"
    roster_file(changed, rows)
    preview = preview_roster(ws, read_roster(changed))
    assert (preview.created, preview.updated, preview.unchanged) == (0, 1, 2)
    item = next(i for i in preview.items if i.action == "update")
    assert item.row == 4 and item.member_id == zhang.id
    assert [(c.label, c.before, c.after) for c in item.changes] == [
        ("手机号码", "13912345678", "13512345678")
    ]

    result = apply_roster(ws, read_roster(changed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert count_members(db) == 3
    assert members.get(zhang.id).mobile == "13512345678"
    update = [e for e in import_audit(db) if e.action == "update"]
    assert len(update) == 1 and update[0].entity_id == zhang.id
    assert update[0].changes == {"mobile": ["13912345678", "13512345678"]}


def test_a_column_missing_from_the_file_does_not_blank_existing_data(tmp_path, ws, members):
    apply_roster(ws, read_roster(roster_file(tmp_path / "full.xlsx", good_rows())))
    before = members.find_by_id_number(LI_ID)
    assert before.work_unit and before.mobile and before.group_name == "第三党小组"

    # a later list holds only names, ID numbers and education; one phone cell is left empty
    header = ["姓名", "公民身份号码", "学历", "手机号码"]
    rows = [["李丽", LI_ID, "研究生（博士）", None], ["张三", ZHANG_ID, "大学本科", ""]]
    result = apply_roster(ws, read_roster(roster_file(tmp_path / "partial.xlsx", rows, header, title=False)))

    assert (result.updated, result.unchanged) == (1, 1)
    after = members.find_by_id_number(LI_ID)
    assert after.education == "研究生（博士）"
    assert after.work_unit == before.work_unit and after.mobile == before.mobile
    assert after.group_name == "第三党小组" and after.member_type == "probationary"
    assert after.join_date == before.join_date


def test_a_row_without_id_number_updates_the_member_with_that_name_and_birth_date(tmp_path, db, ws, members):
    known = members.create(
        MemberFields(name="陈静", birth_date=dt.date(1979, 5, 3), join_date=dt.date(2003, 7, 1))
    )
    members.create(MemberFields(name="陈静", birth_date=dt.date(1991, 1, 9), join_date=dt.date(2015, 7, 1)))
    header = ["姓名", "出生日期", "工作单位"]
    rows = [["陈静", "1979-05-03", "档案馆"], ["陈静", "1995-02-02", "后勤处"]]
    result = apply_roster(ws, read_roster(roster_file(tmp_path / "noid.xlsx", rows, header)))
    assert (result.updated, result.created) == (1, 1)
    assert members.get(known.id).work_unit == "档案馆"
    assert count_members(db) == 3


def test_an_id_number_held_by_a_member_of_another_branch_is_refused(tmp_path, db, ws, branch, members):
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    other = branch.save_profile(BranchProfile(name="另一个党支部"))
    Workspace(db, other.id).members.create(  # the member file is written by that branch's workspace
        MemberFields(name="张三", id_number=ZHANG_ID, join_date=dt.date(2008, 6, 20))
    )
    plan = read_roster(roster_file(tmp_path / "r.xlsx", good_rows()))
    preview = preview_roster(ws, plan)
    assert [(e.row, e.column) for e in preview.errors] == [(4, "身份证号码")]
    assert "另一个党支部" in preview.errors[0].message
    with pytest.raises(ImportRefused):
        apply_roster(ws, plan)
    assert count_members(db) == 1
    result = apply_roster(ws, plan, skip_invalid=True)
    assert (result.created, result.skipped) == (2, 1)


# ---- header variants ---------------------------------------------------------------------------


def test_common_header_variants_and_a_title_block_are_understood(tmp_path, members):
    header = ["序 号", "* 姓名", "性别", "出生年月", "身份证号", "文化程度", "党员类别", "党小组", "入党\n时间",
              "转正日期", "单位", "职务", "职称", "联系电话", "现居住地", "年龄", "备注（其他）"]  # fmt: skip
    rows = [
        [1, "欧阳娜", "女", "1985.03", make_citizen_id("440106", dt.date(1985, 3, 9), 7, "女"), "大专", "正式党员",
         "第二党小组", "2010/7/1", "2011/7/1", "某某公司", "科长", "工程师", "0591-87654321", "福州", 41, "返聘"],
        [2, "司马光", "男", 1979.11, make_citizen_id("110105", dt.date(1979, 11, 30), 2, "男"), "硕士研究生",
         "正式党员", "第二党小组", dt.datetime(2001, 6, 1), dt.datetime(2002, 6, 1), "某某局", None, None,
         "13812345678", None, 47, None],
    ]  # fmt: skip
    wb = Workbook()
    ws = wb.active
    ws.append(["某某党支部党员花名册（2026年）"])
    ws.append([])
    ws.append(["支部：某某党支部"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    path = tmp_path / "variants.xlsx"
    wb.save(path)

    plan = read_roster(path)
    assert plan.errors == [] and plan.header_row == 4
    assert plan.ignored_columns == ["年龄"]
    apply_roster(members.ws, plan)
    ouyang = members.get_many(members.search_ids(MemberQuery(text="oy")))[0]
    assert ouyang.name == "欧阳娜"
    assert ouyang.birth_date == dt.date(1985, 3, 9)  # 1985.03 + the day from the ID number
    assert ouyang.education == "大学专科" and ouyang.group_name == "第二党小组"
    assert ouyang.join_date == dt.date(2010, 7, 1)
    assert ouyang.post == "科长，工程师"  # 职务 and 职称 side by side
    assert ouyang.landline == "0591-87654321" and ouyang.mobile == ""  # 联系电话 held a landline
    assert ouyang.address == "福州" and ouyang.notes == "返聘"
    sima = members.get_many(members.search_ids(MemberQuery(text="smg")))[0]
    assert sima.birth_date == dt.date(1979, 11, 30) and sima.education == "研究生（硕士）"
    assert sima.mobile == "13812345678"


def test_a_birth_month_that_disagrees_with_the_id_number_is_an_error(tmp_path):
    rows = [["欧阳娜", "1985.04", make_citizen_id("440106", dt.date(1985, 3, 9), 7, "女")]]
    plan = read_roster(roster_file(tmp_path / "m.xlsx", rows, ["姓名", "出生年月", "身份证"]))
    assert [(e.row, e.column) for e in plan.errors] == [(4, "出生年月")]
    assert "出生年月不一致" in plan.errors[0].message


def test_a_two_level_header_with_merged_contact_columns(tmp_path, members):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "联系方式", None, "备注"])
    ws.append([None, None, "手机", "固定电话", None])
    ws.merge_cells("C1:D1")
    ws.append(["张三", ZHANG_ID, "13912345678", "010-12345678", None])
    path = tmp_path / "two-level.xlsx"
    wb.save(path)
    plan = read_roster(path)
    assert plan.errors == [] and len(plan.rows) == 1
    apply_roster(members.ws, plan)
    zhang = members.find_by_id_number(ZHANG_ID)
    assert (zhang.mobile, zhang.landline) == ("13912345678", "010-12345678")


def test_phone_cells_as_people_fill_them(tmp_path):
    header = ["姓名", "联系电话"]
    rows = [
        ["甲", "138 0013 8000"],
        ["乙", "0591-8765 4321"],
        ["丙", "13800138000/0591-87654321"],
        ["丁", "+86 139 1234 5678"],
        ["戊", "13800138000，13900139000"],
    ]
    plan = read_roster(roster_file(tmp_path / "phones.xlsx", rows, header))
    phones = {r.name: (r.fields.mobile, r.fields.landline) for r in plan.rows}
    assert phones == {
        "甲": ("13800138000", ""),
        "乙": ("", "0591-87654321"),
        "丙": ("13800138000", "0591-87654321"),
        "丁": ("13912345678", ""),
    }
    assert [(e.row, e.column) for e in plan.errors] == [(8, "联系电话")]
    assert "只能填一个" in plan.errors[0].message


def test_an_unknown_column_is_reported_as_ignored_not_as_an_error(tmp_path):
    rows = [["张三", ZHANG_ID, "爱好打球"]]
    plan = read_roster(roster_file(tmp_path / "x.xlsx", rows, ["姓名", "身份证号码", "兴趣爱好"]))
    assert plan.errors == [] and plan.ignored_columns == ["兴趣爱好"]
    assert "未使用的列：兴趣爱好" in plan.describe()


def test_blank_rows_and_a_numbered_but_empty_row_are_skipped(tmp_path):
    rows = [good_rows()[0], [None] * 12, [2] + [None] * 11, good_rows()[1]]
    plan = read_roster(roster_file(tmp_path / "gaps.xlsx", rows))
    assert plan.errors == [] and [r.row for r in plan.rows] == [4, 7]


def test_the_slow_reader_gives_the_same_plan(tmp_path, monkeypatch):
    """When the fast reader meets something it does not know, openpyxl reads the file instead."""
    from branchdesk.services import xlsx_reader

    path = roster_file(tmp_path / "r.xlsx", three_bad_rows())
    fast = read_roster(path)

    def unsupported(*_args, **_kwargs):
        raise xlsx_reader._Unsupported("test")

    monkeypatch.setattr(xlsx_reader, "_fast_open", unsupported)
    slow = read_roster(path)
    assert slow.errors == fast.errors
    assert [(r.row, r.fields, r.group, r.present) for r in slow.rows] == [
        (r.row, r.fields, r.group, r.present) for r in fast.rows
    ]


def test_a_file_saved_by_libreoffice_or_excel_with_shared_strings(tmp_path):
    """Excel and WPS keep text in a shared-strings table and dates as styled serial numbers."""
    import re
    import zipfile

    path = roster_file(tmp_path / "r.xlsx", good_rows())
    # Rewrite the sheet the way Excel stores it: shared strings instead of inline strings.
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    strings: list[str] = []

    def shared(match):
        strings.append(match.group(2))
        return f'<c{match.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c([^>]*?) t="inlineStr"><is><t>(.*?)</t></is></c>', shared, sheet)
    assert strings, "openpyxl writes inline strings; the test must convert some"
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>'
    ).encode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    if "sharedStrings" not in rels:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        parts["xl/_rels/workbook.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    if "sharedStrings" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        parts["[Content_Types].xml"] = types.encode()
    converted = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(converted, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert load_workbook(converted)["花名册"]["B4"].value == "张三"  # a valid workbook
    plan = read_roster(converted)
    assert plan.errors == []
    assert [r.fields for r in plan.rows] == [r.fields for r in read_roster(path).rows]


# ---- the template ------------------------------------------------------------------------------


def test_the_template_round_trips(tmp_path, members):
    template = write_template(tmp_path / "模板.xlsx")
    wb = load_workbook(template)
    assert wb.sheetnames[:2] == ["党员花名册", "填写说明"]
    ws = wb["党员花名册"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["序号", "*姓名", "性别"] and "公民身份号码" in header and "所在党小组" in header
    assert ws["A2"].value == "示例" and ws["B2"].font.italic
    validated = {str(v.sqref).split(":")[0][:-1] for v in ws.data_validations.dataValidation}
    column = {name: ws.cell(row=1, column=i + 1).column_letter for i, name in enumerate(header)}
    for name in ("性别", "人员类别", "学历", "民族"):
        assert column[name] in validated, name
    assert any("出生" in str(c.value) for c in wb["填写说明"]["A"])

    # the example row alone imports nothing
    assert "没有党员数据" in read_roster(template).describe()

    def put(row: int, **values):
        for name, value in values.items():
            ws.cell(row=row, column=header.index(name) + 1, value=value)

    put(3, **{"*姓名": "刘洋", "公民身份号码": make_citizen_id("420106", dt.date(1992, 8, 8), 5, "男"),
              "人员类别": "预备党员", "所在党小组": "第二党小组", "入党日期": dt.date(2026, 5, 4),
              "手机号码": "13612345678", "学历": "大学本科", "民族": "汉族", "流动党员": "否"})  # fmt: skip
    put(4, **{"*姓名": "周敏", "性别": "女", "出生日期": dt.date(1970, 2, 1), "入党日期": dt.date(1995, 7, 1),
              "转正日期": dt.date(1996, 7, 1), "失去联系": "是", "失联日期": dt.date(2026, 1, 15),
              "月缴党费（元）": 12.5})  # fmt: skip
    filled = tmp_path / "filled.xlsx"
    wb.save(filled)

    plan = read_roster(filled)
    assert plan.errors == [] and plan.example_rows == 1 and plan.ignored_columns == []
    apply_roster(members.ws, plan)
    liu = members.get_many(members.search_ids(MemberQuery(text="liuyang")))[0]
    assert (
        liu.member_type == "probationary"
        and liu.group_name == "第二党小组"
        and liu.birth_date == dt.date(1992, 8, 8)
    )
    zhou = members.get_many(members.search_ids(MemberQuery(text="zm")))[0]
    assert zhou.lost_contact and zhou.lost_contact_since == dt.date(2026, 1, 15)
    assert zhou.dues_monthly_fen == 1250 and zhou.id_number is None


# ---- progress and cancelling -------------------------------------------------------------------


def many_rows(n: int) -> list[list]:
    rows = []
    for i in range(n):
        born = dt.date(1960, 1, 1) + dt.timedelta(days=20 * i)
        number = make_citizen_id("350102", born, i % 500, "男" if i % 2 else "女")
        rows.append([i + 1, f"测试{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{'一二三四五六七八九十'[i // 10 % 10]}", None, "汉族",
                     number, "大学本科", "正式党员", "第一党小组", dt.date(born.year + 30, 7, 1), None, "某单位",
                     None])  # fmt: skip
    return rows


def test_progress_is_reported_and_cancelling_writes_nothing(tmp_path, db, ws):
    plan = read_roster(roster_file(tmp_path / "many.xlsx", many_rows(450)))
    assert plan.errors == []

    calls: list[tuple[int, int]] = []

    def cancel_after_first_report() -> bool:
        return len(calls) >= 2

    with pytest.raises(ImportCancelled):
        apply_roster(ws, plan, progress=lambda done, total: calls.append((done, total)),
                     cancelled=cancel_after_first_report)  # fmt: skip
    assert calls[:2] == [(0, 450), (200, 450)]
    assert count_members(db) == 0
    with db.read() as session:
        assert session.scalar(select(func.count(PartyGroup.id))) == 2
    assert import_audit(db) == []

    calls.clear()
    result = apply_roster(ws, plan, progress=lambda done, total: calls.append((done, total)))
    assert result.created == 450 and calls[-1] == (450, 450)
    assert count_members(db) == 450


# ---- 党费交至: one truth with the dues payments -------------------------------------------------


def test_the_paid_up_to_column_becomes_monthly_payments_and_a_date_that_cannot_be_used_is_told(
    tmp_path, db, ws, members
):
    """An old roster's 党费交至 is what the branch had collected: each month up to it becomes a payment
    (one per month at the member's dues, as the upgrade to the dues ledger did), so the member file, the
    党费 page and MEM-DUES-6M agree; a date without a monthly amount is reported, not half-used."""
    today = dt.date(2026, 11, 23)
    header = [*HEADER, "月缴党费", "党费交至"]
    rows = [r + extra for r, extra in zip(good_rows(), [[50, "2026-10"], [10, "2026年5月"], [None, "2026-06"]],
                                          strict=True)]  # fmt: skip
    path = roster_file(tmp_path / "roster.xlsx", rows, header)
    result = apply_roster(ws, read_roster(path), today=today)
    text = result.describe()
    assert (
        "按“党费交至”登记党费缴纳 13 个月（2 人）" in text
    )  # 张三 Jan–Oct, 李丽 from her admission in March
    assert "1 人的“党费交至”未采用（第 6 行 王小明：没有月缴党费（请先在“党费”页核定））" in text
    zhang, li, wang = (members.find_by_id_number(n).id for n in (ZHANG_ID, LI_ID, WANG_ID))
    paid = ws.dues.payments(member_id=zhang)
    assert [p.months for p in paid] == [(month_index((2026, m)),) for m in range(1, 11)]
    assert {p.amount_fen for p in paid} == {5000} and all(p.converted for p in paid)
    assert ws.dues.member_dues(zhang, today) == MemberDues(5000, dt.date(2026, 10, 31))
    assert members.get(zhang).dues_paid_to == dt.date(2026, 10, 31)
    assert len(ws.dues.payments(member_id=li)) == 3 and members.get(li).dues_paid_to == dt.date(2026, 5, 31)
    assert ws.dues.payments(member_id=wang) == [] and members.get(wang).dues_paid_to is None

    # the same file again: the months are paid already, nothing doubles; a later date adds its months
    again = apply_roster(ws, read_roster(path), today=today)
    assert "登记党费缴纳" not in again.describe() and len(ws.dues.payments(member_id=zhang)) == 10
    rows[0][-1] = "2026-11-30"
    later_file = roster_file(tmp_path / "later.xlsx", rows, header)
    preview = preview_roster(ws, read_roster(later_file), today=today)  # what the window shows first
    assert (preview.unchanged, preview.dues_months) == (3, 1)
    assert [i.note for i in preview.items] == [
        "将按“党费交至”登记党费缴纳2026年11月（1 个月）",
        "",
        "“党费交至”不采用：没有月缴党费（请先在“党费”页核定）",
    ]
    later = apply_roster(ws, read_roster(later_file), today=today)
    assert "按“党费交至”登记党费缴纳 1 个月（1 人）" in later.describe()
    assert members.get(zhang).dues_paid_to == dt.date(2026, 11, 30)
    # an older roster does not take paid months back: told, nothing changed
    rows[0][-1] = "2026-08"
    older = apply_roster(ws, read_roster(roster_file(tmp_path / "older.xlsx", rows, header)), today=today)
    assert "第 4 行 张三：已登记缴纳至2026年11月，晚于表中的2026年8月" in older.describe()
    assert len(ws.dues.payments(member_id=zhang)) == 11
