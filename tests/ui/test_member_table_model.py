"""The member table model: SQL does the searching and sorting, the model keeps selection across edits."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, MemberStatus
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.ui.models.member_table import COLUMN_KEYS, COLUMNS, MEMBER_ID_ROLE, MemberTableModel

NAME = COLUMN_KEYS.index("name")
JOIN = COLUMN_KEYS.index("join_date")
UNIT = COLUMN_KEYS.index("work_unit")
STATUS = COLUMN_KEYS.index("status")


def names(model: MemberTableModel) -> list[str]:
    return [model.data(model.index(row, NAME)) for row in range(model.rowCount())]


def row_of_name(model: MemberTableModel, name: str) -> int:
    return names(model).index(name)


@pytest.fixture
def model(members, roster, qapp):
    return MemberTableModel(members)


def test_model_passes_the_qt_model_tester_before_and_after_changes(model, members, roster, qtmodeltester):
    qtmodeltester.check(model)
    # The tester stays attached: removals, insertions and re-sorting must keep the model consistent.
    model.sort(JOIN, Qt.SortOrder.DescendingOrder)
    li = roster["李四"]
    members.change_status(
        li.id, StatusChange(MemberStatus.TRANSFERRED_OUT.value, dt.date(2026, 9, 1), "调往外校")
    )
    model.refresh_member(li.id)
    qtmodeltester.check(model)


def test_headers_are_the_vocabulary_labels(model):
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[:3] == ["姓名", "性别", "出生日期"]
    assert MEMBER_FIELD_LABELS["group_id"] in titles and "党籍状态" in titles
    assert len(titles) == len(COLUMNS) == 11


def test_rows_show_the_member_files_in_pinyin_order(model, roster):
    # pinyin order of the names: li si, ou yang xiu, wang fang, zeng zhi wei, zhang san, zhao min
    assert names(model) == ["李四", "欧阳修", "王芳", "曾志伟", "张三", "赵敏"]
    row = row_of_name(model, "赵敏")
    texts = [model.data(model.index(row, c)) for c in range(model.columnCount())]
    assert texts[:6] == ["赵敏", "女", "2001-02-14", "预备党员", "第二党小组", "2026-06-28"]
    assert texts[6] == ""  # a probationary member has no conversion date
    assert texts[STATUS] == "正常"
    assert model.data(model.index(row, 0), MEMBER_ID_ROLE) == roster["赵敏"].id


def test_sorting_by_join_date_descending_puts_the_latest_first(model):
    model.sort(JOIN, Qt.SortOrder.DescendingOrder)
    assert names(model)[0] == "赵敏"  # joined 2026-06-28
    assert names(model)[-1] == "欧阳修"  # joined 1990
    model.sort(JOIN, Qt.SortOrder.AscendingOrder)
    assert names(model)[0] == "欧阳修"
    assert model.query.sort == "join_date" and not model.query.descending


def test_searching_zs_finds_zhang_san_but_not_li_si(model):
    model.set_query(MemberQuery(text="zs"))
    assert names(model) == ["张三"]
    model.set_query(MemberQuery(text="zzw"))  # 曾 read as zeng, not ceng
    assert names(model) == ["曾志伟"]
    model.set_query(MemberQuery(text="oy"))  # compound surname 欧阳
    assert names(model) == ["欧阳修"]
    model.set_query(MemberQuery(text="13900"))  # part of a mobile number
    assert names(model) == ["王芳"]


def test_status_filter_hides_members_who_left_unless_asked(model, members, roster):
    li = roster["李四"]
    members.change_status(
        li.id, StatusChange(MemberStatus.TRANSFERRED_OUT.value, dt.date(2026, 9, 1), "调往外校")
    )
    model.set_query(MemberQuery())
    assert "李四" not in names(model)
    model.set_query(MemberQuery(statuses=frozenset({MemberStatus.TRANSFERRED_OUT.value})))
    assert names(model) == ["李四"]
    assert model.data(model.index(0, STATUS)) == "已转出"
    assert model.data(model.index(0, NAME), Qt.ItemDataRole.ForegroundRole) is not None  # greyed out
    model.set_query(MemberQuery(statuses=None))
    assert len(names(model)) == 6


def test_type_and_group_filters(model, branch):
    model.set_query(MemberQuery(member_types=frozenset({"probationary"})))
    assert names(model) == ["赵敏"]
    second = next(g.id for g in branch.groups() if g.name == "第二党小组")
    model.set_query(MemberQuery(group_id=second))
    assert names(model) == ["王芳", "赵敏"]
    model.set_query(MemberQuery(group_id=0))  # members in no party group
    assert names(model) == ["欧阳修"]


def test_an_edit_updates_its_row_in_place_and_the_selection_stays(model, members, roster, qtbot):
    selection = QItemSelectionModel(model)
    row = row_of_name(model, "王芳")
    selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    wang = roster["王芳"]
    members.update(wang.id, replace(wang.editable(), work_unit="党委组织部"))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.refresh_member(wang.id)
    assert changed.args[0].row() == row
    assert resets == []
    assert model.data(model.index(row, UNIT)) == "党委组织部"
    assert [i.row() for i in selection.selectedRows()] == [row]


def test_a_renamed_member_moves_to_its_new_place_and_stays_selected(model, members, roster):
    selection = QItemSelectionModel(model)
    li = roster["李四"]
    selection.select(model.index(row_of_name(model, "李四"), 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)  # fmt: skip
    members.update(li.id, replace(li.editable(), name="钟李四"))  # now sorts last (zhong)
    model.refresh_member(li.id)
    assert names(model)[-1] == "钟李四"
    selected = selection.selectedRows()
    assert [model.member_id(i.row()) for i in selected] == [li.id]
    assert model.row_of(li.id) == model.rowCount() - 1


def test_a_member_who_leaves_the_filter_is_removed_without_a_reset(model, members, roster, qtbot):
    resets = []
    model.modelReset.connect(lambda: resets.append(True))
    zhang = roster["张三"]
    members.change_status(zhang.id, StatusChange(MemberStatus.DECEASED.value, dt.date(2026, 10, 2), "病故"))
    with qtbot.waitSignal(model.rowsRemoved) as removed:
        model.refresh_member(zhang.id)
    assert removed.args[1] == removed.args[2] == 4  # 张三 was the fifth row
    assert "张三" not in names(model) and model.rowCount() == 5
    assert model.row_of(zhang.id) is None
    assert resets == []


def test_a_new_member_is_inserted_where_the_sort_puts_it(model, members):
    from tests.ui.conftest import person

    record = members.create(person("安然", dt.date(1995, 6, 1), "女", dt.date(2020, 7, 1), seq=7))
    row = model.member_added(record)
    assert row == 0  # an ran sorts first
    assert names(model)[0] == "安然" and model.rowCount() == 7


def test_rows_are_fetched_in_blocks_as_the_view_asks(members, roster, qapp):
    model = MemberTableModel(members, block=2, head=0)  # the whole id list, no rows (edits, sorting)
    assert model.rowCount() == 6 and model.fetches == 0  # ids only, no rows read yet
    model.data(model.index(0, NAME))
    model.data(model.index(1, UNIT))
    assert model.fetches == 1  # rows 0 and 1 came in one block
    model.data(model.index(5, NAME))
    assert model.fetches == 2


def test_a_search_reads_its_first_screen_with_its_rows_in_one_statement(members, roster, qapp):
    model = MemberTableModel(members, block=2)
    assert names(model) == ["李四", "欧阳修", "王芳", "曾志伟", "张三", "赵敏"] and model.fetches == 0
    assert [model.record(r) for r in range(6)] == members.get_many([model.record(r).id for r in range(6)])


def test_a_long_list_shows_its_head_first_and_appends_the_rest(members, roster, qtbot, qtmodeltester):
    model = MemberTableModel(members, head=4)
    assert model.rowCount() == 4 and not model.complete  # the first screen, from a LIMIT query
    assert names(model) == ["李四", "欧阳修", "王芳", "曾志伟"]
    qtmodeltester.check(model)
    resets, inserted, counts = [], [], []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    model.count_changed.connect(counts.append)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        pass  # the tail is read on a worker thread
    assert model.complete
    assert names(model) == ["李四", "欧阳修", "王芳", "曾志伟", "张三", "赵敏"]
    assert inserted == [(4, 5)] and resets == [] and counts == [6]


def test_a_stale_tail_is_ignored_after_a_new_search(members, roster, qtbot):
    model = MemberTableModel(members, head=4)
    model.set_query(MemberQuery(text="zs"))  # before the first tail arrived
    assert model.complete and names(model) == ["张三"]
    qtbot.wait(200)  # let the old tail land
    assert names(model) == ["张三"]


def test_an_edit_that_keeps_the_order_needs_no_requery(model, members, roster):
    names(model)  # the rows are shown, hence cached
    before = model.requeries
    wang = roster["王芳"]
    members.update(wang.id, replace(wang.editable(), work_unit="党委组织部", mobile="13912345678"))
    model.refresh_member(wang.id)
    assert model.requeries == before
    assert model.data(model.index(row_of_name(model, "王芳"), UNIT)) == "党委组织部"


def test_locally_applied_changes_match_a_fresh_query(model, members, roster):
    names(model)
    before = model.requeries
    zhao = roster["赵敏"]
    members.change_status(zhao.id, StatusChange(MemberStatus.DECEASED.value, dt.date(2026, 11, 1), "病故"))
    model.refresh_member(zhao.id)  # leaves the 在册 list: removed locally
    assert model.requeries == before
    fresh = MemberTableModel(members, model.query)
    assert names(model) == names(fresh)
    li = roster["李四"]
    members.update(li.id, replace(li.editable(), name="钟李四"))
    model.refresh_member(li.id)  # the sort key changed: the list is read again
    assert model.requeries == before + 1
    assert names(model) == names(MemberTableModel(members, model.query))
