"""Reading the audit log as the audit page does: who changed what about a person, by whom, when.

The secretary looks for "everything about 张三" (his file, his awards — even one deleted since — and his
status changes), for what a committee member did last week, for settings changes; each entry reads in
Chinese, with the record's name and each field's before → after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.members import MemberFields
from branchdesk.reports.audit_log import audit_ledger
from branchdesk.services.audit import AuditQuery, field_label
from branchdesk.services.members import AwardFields, StatusChange
from branchdesk.workspace import Workspace

ZHANG = MemberFields(name="张三", id_number="110105199003071239", join_date=dt.date(2015, 7, 1),
                     conversion_date=dt.date(2016, 7, 1), work_unit="计算机学院")  # fmt: skip
LI = MemberFields(name="李四", join_date=dt.date(2019, 6, 30), conversion_date=dt.date(2020, 6, 30))


@pytest.fixture
def log(ws):
    return ws.audit


@pytest.fixture
def office(db, members, branch):
    """张三 and 李四 with some history; 张三's first award was deleted again."""
    zhang = members.create(ZHANG)
    li = members.create(LI)
    members.update(zhang.id, replace(zhang.editable(), work_unit="数学学院", mobile="13900139000"))
    wrong = members.add_award(zhang.id, AwardFields(date=dt.date(2020, 6, 28), title="录错的奖励"))
    members.remove_award(wrong.id)
    members.add_award(zhang.id, AwardFields(date=dt.date(2021, 6, 28), title="优秀共产党员"))
    members.change_status(li.id, StatusChange("transferred_out", dt.date(2025, 3, 1), "工作调动"))
    branch.ws.settings.set("dues.reminder_days", 7)
    return {"zhang": zhang.id, "li": li.id}


def _rows(log, **filters):
    return log.rows(log.ids(AuditQuery(**filters)))


def test_newest_entries_come_first(log, office):
    rows = _rows(log)
    assert [r.seq for r in rows] == sorted((r.seq for r in rows), reverse=True)
    assert rows[0].operation == "修改设置：dues.reminder_days"


def test_a_person_shows_their_file_their_awards_even_deleted_and_nothing_of_others(log, office):
    people = log.match_people("张三")
    assert people.names == ("张三",) and people.member_ids == (office["zhang"],)
    rows = _rows(log, member_ids=people.member_ids, dossier_ids=people.dossier_ids)
    assert {r.what for r in rows} == {"党员档案 张三", "奖惩 张三"}
    operations = [(r.operation, r.action_label) for r in reversed(rows)]
    assert operations == [("新增党员档案", "新增"), ("修改党员档案", "修改"), ("登记奖惩", "新增"),
                          ("删除奖惩记录", "删除"), ("登记奖惩", "新增")]  # fmt: skip
    deleted = next(r for r in rows if r.action == "delete")
    assert "名称：录错的奖励" in deleted.details()


def test_pinyin_initials_find_the_person_too(log, office):
    assert log.match_people("ls").member_ids == (office["li"],)
    rows = _rows(log, member_ids=(office["li"],))
    assert {r.entity_label for r in rows} == {"党员档案", "党籍变动"}


def test_an_edit_reads_before_and_after_with_chinese_labels(log, office):
    [edit] = _rows(log, text="修改党员档案")
    assert [(c.label, c.before, c.after) for c in edit.changes] == [
        ("工作单位", "计算机学院", "数学学院"),
        ("手机号码", "（空）", "13900139000"),
    ]
    assert edit.summary() == "工作单位：计算机学院 → 数学学院；手机号码：（空） → 13900139000"


def test_codes_are_shown_as_their_labels(log, office):
    [change] = _rows(log, member_ids=(office["li"],), text="党籍状态变更")[-1:]
    assert change.entity_label == "党籍变动"
    labels = {c.label: c.after for c in change.changes}
    assert labels["新状态"] == "已转出" and labels["原状态"] == "正常" and labels["党员"] == "李四"
    recorded = dt.datetime.strptime(
        labels["登记时间"], "%Y-%m-%d %H:%M:%S"
    )  # local time, not ISO with a zone
    assert abs(recorded - dt.datetime.now()) < dt.timedelta(minutes=5)


def test_a_paper_dates_precision_reads_in_chinese(log, members, office):
    """A date known only to the month (an old 入党申请 paper): the log says 精确到月, not 'month'."""
    zhang = members.get(office["zhang"])
    members.update(zhang.id, replace(zhang.editable(), activist_date=dt.date(2014, 3, 1),
                                     activist_date_precision="month"))  # fmt: skip
    [edit] = _rows(log, member_ids=(office["zhang"],), text="修改党员档案")[:1]
    changes = {c.label: (c.before, c.after) for c in edit.changes}
    assert changes["确定积极分子日期的精确程度"] == ("精确到日", "精确到月")
    assert changes["确定积极分子日期"] == ("（空）", "2014年3月")  # as on paper, not 2014-03-01
    assert "month" not in edit.summary() and "精确到月" in edit.details()


def test_filters_by_kind_user_and_date(log, db, office, location):
    from branchdesk.db.migrate import open_database

    other, _ = open_database(location, user="组织委员")
    try:
        Workspace.open(other).members.create(MemberFields(name="王五", join_date=dt.date(2010, 7, 1)))
    finally:
        other.dispose()
    assert log.users() == ["测试用户", "组织委员"]
    assert {r.what for r in _rows(log, user="组织委员")} == {"党员档案 王五"}
    assert {r.entity for r in _rows(log, kind="settings")} >= {"setting", "branch", "party_group"}
    assert all(
        r.entity in ("member", "member_award", "member_status_change") for r in _rows(log, kind="members")
    )
    today = dt.date.today()
    assert len(_rows(log, date_from=today, date_to=today)) == len(_rows(log))
    assert _rows(log, date_to=today - dt.timedelta(days=1)) == []
    assert _rows(log, date_from=today + dt.timedelta(days=1)) == []


def test_a_person_nobody_matches_shows_nothing(log, office):
    people = log.match_people("欧阳")
    assert people.member_ids == () and _rows(log, member_ids=people.member_ids) == []


def test_the_export_ledger_lists_the_filtered_entries(log, office):
    ledger = audit_ledger(log.ws, AuditQuery(member_ids=(office["zhang"],)))
    assert ledger.title == "审计日志"
    assert [c.title for c in ledger.columns] == ["序号", "时间", "操作人", "操作", "动作", "对象", "变更内容"]
    assert len(ledger.rows) == 5
    assert ledger.rows[-1][5] == "党员档案 张三" and "姓名：张三" in ledger.rows[-1][6]
    assert ledger.notes == ["只含所选人员的记录"]


def test_every_column_of_the_labelled_tables_has_a_chinese_label():
    from branchdesk.db.models import full_metadata
    from branchdesk.services.audit import _HIDDEN_FIELDS, TABLE_LABELS

    missing = [
        f"{table.name}.{column.name}"
        for table in full_metadata().sorted_tables
        if table.name in TABLE_LABELS and not table.name.startswith("audit")
        for column in table.columns
        if column.name not in _HIDDEN_FIELDS and field_label(table.name, column.name) == column.name
    ]
    assert missing == []
