"""The member service against a real database (SQLite and PostgreSQL): files, status, awards, search.

Search, filters and sorting happen in SQL, so they are tested here, through the database, and on
PostgreSQL with a Chinese (zh_CN.UTF-8) collation as a party committee's server would have it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.pinyin import name_pinyin
from branchdesk.services.members import (
    SORT_KEYS,
    AwardFields,
    MemberQuery,
    NotFoundError,
    StatusChange,
)

TODAY = dt.date.today()


def person(name: str, *, born: dt.date = dt.date(1985, 4, 12), seq: int = 1, sex: str = "男", **values):
    """A valid member file: ID number consistent with birth date and sex, joined at 25."""
    values.setdefault("id_number", make_citizen_id("110105", born, seq, sex))
    values.setdefault("join_date", dt.date(born.year + 25, 6, 20))
    values.setdefault("conversion_date", values["join_date"] + dt.timedelta(days=366))
    if values.get("member_type") == "probationary":
        values["conversion_date"] = None
        values["join_date"] = min(values["join_date"], TODAY - dt.timedelta(days=30))
    return MemberFields(name=name, **values)


def issues_of(excinfo) -> dict[str, str]:
    return {issue.field: str(issue) for issue in excinfo.value.issues}


def all_ids(members) -> set[int]:
    return set(members.search_ids(MemberQuery(statuses=None)))


# ---- create, read, edit ------------------------------------------------------------------------------
def test_a_new_member_is_active_with_birth_date_and_sex_from_the_id_number(members, branch):
    group_id = branch.groups()[0].id
    record = members.create(
        MemberFields(name=" 张 三 ", id_number="11010519900307123x".replace("x", "9"), group_id=group_id,
                     join_date=dt.date(2015, 7, 1), conversion_date=dt.date(2016, 7, 1))
    )  # fmt: skip
    assert record.name == "张三", "spaces typed inside a name are dropped"
    assert (record.birth_date, record.sex) == (dt.date(1990, 3, 7), "男")
    assert (record.status, record.status_label) == ("active", "正常")
    assert record.group_name == "第一党小组"
    assert record.name_initials == "zs"
    assert members.get(record.id) == record


def test_validation_lists_every_problem_naming_its_field_and_writes_nothing(members):
    bad = MemberFields(
        name="",
        id_number="110105199003071234",  # wrong check digit
        mobile="1380013800",  # ten digits
        join_date=dt.date(2030, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        members.create(bad)
    found = issues_of(caught)
    assert found["name"].startswith("姓名：")
    assert found["id_number"].startswith("公民身份号码：") and "校验" in found["id_number"]
    assert found["mobile"].startswith("手机号码：")
    assert found["join_date"].startswith("入党日期：") and "将来" in found["join_date"]
    assert all_ids(members) == set()


def test_text_longer_than_its_field_is_refused_naming_the_field(members):
    """PostgreSQL enforces the column lengths; the form says so first, on every database."""
    long_unit = "某某市某某区某某街道某某社区卫生服务中心" * 6  # 120 characters, the field holds 100
    with pytest.raises(ValidationError) as caught:
        members.create(person("李长文", work_unit=long_unit, address="路" * 201))
    found = issues_of(caught)
    assert found["work_unit"] == "工作单位：不能超过 100 个字（现有 120 个字）"
    assert "200" in found["address"]
    assert all_ids(members) == set()
    saved = members.create(person("李长文", work_unit=long_unit[:100]))
    assert members.get(saved.id).work_unit == long_unit[:100]


def test_text_limits_are_the_database_column_lengths():
    from branchdesk.db.models import Member
    from branchdesk.domain.members import TEXT_LIMITS

    for name, limit in TEXT_LIMITS.items():
        assert Member.__table__.c[name].type.length == limit, name


def test_dates_must_come_in_a_sensible_order(members):
    born = dt.date(1990, 5, 20)
    with pytest.raises(ValidationError) as caught:
        members.create(
            person("李四", born=born, join_date=dt.date(2008, 5, 19), conversion_date=dt.date(2007, 1, 1))
        )
    found = issues_of(caught)
    assert "未满十八周岁" in found["join_date"] and "2008" in found["join_date"]
    assert found["conversion_date"].startswith("转正日期：") and "早于入党日期" in found["conversion_date"]


def test_a_birth_date_that_contradicts_the_id_number_is_refused(members):
    values = person("王五", born=dt.date(1988, 8, 8), birth_date=dt.date(1988, 8, 9))
    with pytest.raises(ValidationError) as caught:
        members.create(values)
    assert "与公民身份号码不一致" in issues_of(caught)["birth_date"]


def test_the_same_id_number_cannot_be_entered_twice(members):
    first = members.create(person("张三", born=dt.date(1975, 1, 2), seq=7))
    duplicate = person("张叁", born=dt.date(1975, 1, 2), seq=7)
    with pytest.raises(ValidationError) as caught:
        members.create(duplicate)
    assert issues_of(caught)["id_number"] == "公民身份号码：与已有党员“张三”的公民身份号码重复"
    # saving the first member again with their own number is of course fine
    assert members.update(first.id, first.editable()).changed == []
    assert all_ids(members) == {first.id}


def test_a_lowercase_x_is_the_same_id_number(members):
    number = next(
        make_citizen_id("110105", dt.date(1980, 2, 2), seq, "女")
        for seq in range(500)
        if make_citizen_id("110105", dt.date(1980, 2, 2), seq, "女").endswith("X")
    )
    record = members.create(person("赵敏", born=dt.date(1980, 2, 2), sex="女", id_number=number.lower()))
    assert record.id_number == number
    assert members.find_by_id_number(number.lower()).id == record.id
    with pytest.raises(ValidationError):
        members.create(person("赵敏敏", born=dt.date(1980, 2, 2), sex="女", id_number=number))


def test_a_party_group_of_another_branch_is_refused(db, members, branch):
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    other = branch.save_profile(BranchProfile(name="另一个党支部"))
    foreign_group = Workspace(db, other.id).branch.add_group("外支部党小组")
    with pytest.raises(ValidationError) as caught:
        members.create(person("钱七", group_id=foreign_group.id))
    assert issues_of(caught)["group_id"].startswith("所在党小组：")


def test_editing_reports_what_changed_and_renaming_updates_the_pinyin(members):
    record = members.create(person("李四"))
    result = members.update(record.id, replace(record.editable(), name="张三", work_unit="物理学院"))
    assert sorted(result.changed) == ["name", "work_unit"]
    assert result.record.name_initials == "zs"
    assert members.search_ids(MemberQuery(text="zs")) == [record.id]
    assert members.search_ids(MemberQuery(text="ls")) == []


def test_unknown_members_are_reported_in_chinese(members):
    with pytest.raises(NotFoundError, match="找不到编号为 999 的党员档案"):
        members.get(999)
    with pytest.raises(NotFoundError):
        members.update(999, person("无名"))
    assert members.get_many([999]) == []


def test_get_many_keeps_the_order_asked_for(members):
    ids = [members.create(person(name, seq=i)).id for i, name in enumerate(["甲一", "乙二", "丙三"])]
    wanted = [ids[2], 999, ids[0], ids[1]]
    assert [r.id for r in members.get_many(wanted)] == [ids[2], ids[0], ids[1]]


# ---- status changes --------------------------------------------------------------------------------
def test_a_transferred_member_leaves_the_roster_but_keeps_the_file(members):
    stay = members.create(person("留下", seq=1))
    leave = members.create(person("转出", seq=2))
    moved_on = TODAY - dt.timedelta(days=3)

    record = members.change_status(
        leave.id,
        StatusChange("transferred_out", moved_on, "工作调动", letter_no="（2026）第12号",
                     destination="某某市委组织部", letter_valid_until=moved_on + dt.timedelta(days=90)),
    )  # fmt: skip

    assert (record.status, record.status_date, record.status_reason) == (
        "transferred_out",
        moved_on,
        "工作调动",
    )
    assert members.search_ids(MemberQuery()) == [stay.id], "the roster lists active members only"
    assert members.count(MemberQuery()) == 1
    assert all_ids(members) == {stay.id, leave.id}, "the file is still there"
    assert members.search_ids(MemberQuery(statuses=frozenset({"transferred_out"}))) == [leave.id]
    [change] = members.status_history(leave.id)
    assert (change.from_status, change.to_status, change.date) == ("active", "transferred_out", moved_on)
    assert (change.letter_no, change.destination) == ("（2026）第12号", "某某市委组织部")

    back = members.change_status(leave.id, StatusChange("active", TODAY, "转出撤回"))
    assert back.status == "active"
    assert [c.to_status for c in members.status_history(leave.id)] == ["transferred_out", "active"]
    assert members.count(MemberQuery()) == 2


def test_a_status_change_needs_a_reason_a_past_date_and_a_different_status(members):
    record = members.create(person("孙八"))
    with pytest.raises(ValidationError) as caught:
        members.change_status(record.id, StatusChange("deceased", TODAY + dt.timedelta(days=1), "  "))
    found = issues_of(caught)
    assert found["status_reason"] == "状态变更原因：请填写变更原因"
    assert found["status_date"].startswith("状态变更日期：") and "将来" in found["status_date"]
    with pytest.raises(ValidationError) as caught:
        members.change_status(record.id, StatusChange("active", TODAY, "无"))
    assert "当前状态已是“正常”" in issues_of(caught)["status"]
    with pytest.raises(ValidationError) as caught:
        members.change_status(
            record.id, StatusChange("deceased", record.join_date - dt.timedelta(days=1), "病故")
        )
    assert "早于入党日期" in issues_of(caught)["status_date"]
    assert members.get(record.id).status == "active"
    assert members.status_history(record.id) == []


def test_only_a_probationary_member_can_have_the_probation_cancelled(members):
    full = members.create(person("正式", seq=1))
    probationary = members.create(person("预备", seq=2, member_type="probationary"))
    with pytest.raises(ValidationError) as caught:
        members.change_status(full.id, StatusChange("cancelled", TODAY, "不合格"))
    assert "只有预备党员" in issues_of(caught)["status"]
    assert members.change_status(
        probationary.id, StatusChange("cancelled", TODAY, "预备期不合格")
    ).status == ("cancelled")


# ---- awards and punishments ------------------------------------------------------------------------
def test_awards_and_punishments_are_listed_by_date_and_can_be_removed(members):
    record = members.create(person("周九"))
    later = members.add_award(
        record.id,
        AwardFields(date=dt.date(2024, 6, 28), title="优秀共产党员", issuer="校党委", level="校（院）级"),
    )
    earlier = members.add_award(
        record.id, AwardFields(kind="punishment", date=dt.date(2019, 3, 1), title="党内警告", issuer="支部")
    )
    assert [(a.title, a.kind) for a in members.awards(record.id)] == [
        ("党内警告", "punishment"),
        ("优秀共产党员", "award"),
    ]
    assert later.member_id == record.id and later.level == "校（院）级"
    members.remove_award(earlier.id)
    assert [a.id for a in members.awards(record.id)] == [later.id]
    with pytest.raises(NotFoundError):
        members.remove_award(earlier.id)


def test_an_award_needs_a_title_a_known_kind_and_a_past_date(members):
    record = members.create(person("吴十"))
    with pytest.raises(ValidationError) as caught:
        members.add_award(record.id, AwardFields(kind="bonus", date=TODAY + dt.timedelta(days=1), title=" "))
    assert set(issues_of(caught)) == {"title", "kind", "date"}
    with pytest.raises(NotFoundError):
        members.add_award(999, AwardFields(date=TODAY, title="先进个人"))
    assert members.awards(record.id) == []


# ---- search ----------------------------------------------------------------------------------------
# name, initials, a full-pinyin prefix, and the common reading of the character, wrong for the surname
SURNAMES = [
    ("单雄信", "sxx", "shanxiong", "dxx"),
    ("曾国藩", "zgf", "zengguo", "cgf"),
    ("解缙", "xj", "xiejin", "jiejin"),
    ("仇英", "qy", "qiuying", "chouying"),
    ("区小红", "oxh", "ouxiao", "qxh"),
    ("朴树", "ps", "piaoshu", "pushu"),
    ("查良镛", "zly", "zhaliang", "cly"),
    ("盖聂", "gn", "genie", "gainie"),
    ("覃小明", "qxm", "qinxiao", "txm"),
    ("欧阳修", "oyx", "ouyangxiu", None),  # compound surnames: read as one, no "wrong" single reading
    ("司马光", "smg", "simaguang", None),
]


@pytest.fixture
def surname_roster(members):
    return {name: members.create(person(name, seq=i)).id for i, (name, *_rest) in enumerate(SURNAMES)}


@pytest.mark.parametrize(("name", "initials", "full", "wrong"), SURNAMES, ids=[s[0] for s in SURNAMES])
def test_surnames_are_found_by_their_proper_reading(members, surname_roster, name, initials, full, wrong):
    wanted = [surname_roster[name]]
    assert members.search_ids(MemberQuery(text=initials)) == wanted
    assert members.search_ids(MemberQuery(text=initials.upper())) == wanted, "capitals work too"
    assert members.search_ids(MemberQuery(text=full)) == wanted
    if wrong:
        assert members.search_ids(MemberQuery(text=wrong)) == []


def test_zs_finds_zhang_san_and_only_names_starting_so(members):
    zhang = members.create(person("张三", seq=1)).id
    zhao = members.create(person("赵爽", seq=2)).id  # also z-s
    members.create(person("李张", seq=3))  # zhang, but not at the start
    members.create(person("王正", seq=4))
    assert members.search_ids(MemberQuery(text="zs")) == [zhang, zhao]  # by pinyin: zhangsan < zhaoshuang
    assert members.search_ids(MemberQuery(text="zhang")) == [zhang]
    assert members.search_ids(MemberQuery(text="z")) == [zhang, zhao]
    assert members.search_ids(MemberQuery(text="zz")) == [], "a prefix ending in z has no upper bound trick"


def test_search_by_part_of_a_name(members):
    target = members.create(person("单雄信", seq=1)).id
    other = members.create(person("雄安", seq=2, member_type="probationary")).id
    assert members.search_ids(MemberQuery(text="雄信")) == [target]
    assert set(members.search_ids(MemberQuery(text="雄"))) == {target, other}


def test_search_by_id_number_and_phone_fragments(members):
    a = members.create(person("甲", seq=1, mobile="13812345678", landline="(0591)87654321"))
    b = members.create(person("乙", seq=2, mobile="+86 139 0000 1111"))
    assert members.search_ids(MemberQuery(text=a.id_number[-6:])) == [a.id]
    assert members.search_ids(MemberQuery(text="1234567")) == [a.id]
    assert members.search_ids(MemberQuery(text="139-0000")) == [b.id], "typed with a dash"
    assert members.search_ids(MemberQuery(text="87654321")) == [a.id], "landline"
    assert members.search_ids(MemberQuery(text="0591-8765")) == [a.id]
    assert set(members.search_ids(MemberQuery(text="110105"))) == {a.id, b.id}


def test_wildcards_typed_by_the_user_are_taken_literally(members):
    members.create(person("甲", seq=1))
    assert members.search_ids(MemberQuery(text="%")) == []
    assert members.search_ids(MemberQuery(text="_")) == []
    assert members.search_ids(MemberQuery(text="甲%")) == []


def test_search_is_limited_and_counted_in_sql(members):
    for i in range(12):
        members.create(person(f"张{'一二三四五六七八九十'[i % 10]}{'甲乙'[i // 10]}", seq=i))
    assert members.count(MemberQuery(text="zh")) == 12
    first_screen = members.search_ids(MemberQuery(text="zh"), limit=5)
    assert len(first_screen) == 5
    assert first_screen == members.search_ids(MemberQuery(text="zh"))[:5]


# ---- filters and sorting ---------------------------------------------------------------------------
@pytest.fixture
def roster(members, branch):
    """Nine members with varied values; two have left, three have no group."""
    g1, g2 = (g.id for g in branch.groups())
    rows = [
        ("张三", dict(seq=1, born=dt.date(1970, 1, 5), group_id=g2, education="大学本科", work_unit="数学学院",
                     mobile="13900000003", ethnicity="汉族")),
        ("李四", dict(seq=2, born=dt.date(1982, 11, 30), sex="女", group_id=g1, education="研究生",
                     work_unit="物理学院", mobile="13700000001", ethnicity="回族")),
        ("王五", dict(seq=3, born=dt.date(1990, 6, 1), group_id=None, member_type="probationary",
                     education="大学本科", work_unit="数学学院", mobile="", ethnicity="汉族")),
        ("赵六", dict(seq=4, born=dt.date(1965, 3, 3), sex="女", group_id=g1, id_number=None, birth_date=None,
                     education="大专", work_unit="后勤处", mobile="13800000002", ethnicity="满族")),
        ("钱七", dict(seq=5, born=dt.date(1979, 9, 9), group_id=g2, education="研究生", work_unit="",
                     mobile="13600000009", ethnicity="汉族")),
        ("孙八", dict(seq=6, born=dt.date(1988, 2, 29), sex="女", group_id=None, member_type="probationary",
                     education="", work_unit="物理学院", mobile="13500000000", ethnicity="壮族")),
        ("周九", dict(seq=7, born=dt.date(1975, 7, 7), group_id=g1, education="大学本科", work_unit="图书馆",
                     mobile="13300000000", ethnicity="汉族")),
        ("吴十", dict(seq=8, born=dt.date(1960, 12, 1), group_id=g2, education="中专", work_unit="后勤处",
                     mobile="13200000000", ethnicity="汉族")),
        ("郑一", dict(seq=9, born=dt.date(1995, 4, 4), sex="女", group_id=None, education="研究生",
                     work_unit="数学学院", mobile="13100000000", ethnicity="汉族")),
    ]  # fmt: skip
    ids = {}
    for name, values in rows:
        if values.get("id_number", "") is None:
            values["join_date"] = dt.date(1990, 7, 1)
        ids[name] = members.create(person(name, **values)).id
    secretary = ids["周九"]
    branch.appoint(secretary, "secretary", dt.date(2023, 1, 1))
    branch.appoint(ids["李四"], "organisation", dt.date(2023, 1, 1))
    members.change_status(ids["吴十"], StatusChange("deceased", TODAY - dt.timedelta(days=10), "病故"))
    members.change_status(ids["郑一"], StatusChange("transferred_out", TODAY - dt.timedelta(days=5), "调动"))
    return ids


def names(members, query: MemberQuery) -> list[str]:
    return [r.name for r in members.get_many(members.search_ids(query))]


def test_filters_by_type_status_and_group(members, branch, roster):
    g1, g2 = (g.id for g in branch.groups())
    assert set(names(members, MemberQuery())) == {"张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"}
    assert set(names(members, MemberQuery(member_types=frozenset({"probationary"})))) == {"王五", "孙八"}
    assert set(names(members, MemberQuery(statuses=frozenset({"deceased", "transferred_out"})))) == {
        "吴十",
        "郑一",
    }
    assert set(names(members, MemberQuery(group_id=g1))) == {"李四", "赵六", "周九"}
    assert set(names(members, MemberQuery(group_id=g2))) == {"张三", "钱七"}, "吴十 has died"
    assert set(names(members, MemberQuery(group_id=g2, statuses=None))) == {"张三", "钱七", "吴十"}
    assert set(names(members, MemberQuery(group_id=0))) == {"王五", "孙八"}
    assert set(names(members, MemberQuery(group_id=0, statuses=None))) == {"王五", "孙八", "郑一"}
    both = MemberQuery(text="w", member_types=frozenset({"probationary"}))
    assert names(members, both) == ["王五"]
    assert members.count(MemberQuery(group_id=g1, member_types=frozenset({"full"}))) == 3


def test_members_of_another_branch_stay_out_of_the_list(db, members, branch, roster):
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    other = Workspace(db, branch.save_profile(BranchProfile(name="另一个党支部")).id)
    stranger = other.members.create(person("张外", seq=30))
    assert stranger.id not in members.search_ids(MemberQuery(text="zw"))
    assert other.members.search_ids(MemberQuery(text="zw")) == [stranger.id]


# Keys whose order does not depend on the database's collation: compared with Python's order exactly.
# The others are Chinese text, which SQLite orders by code point and PostgreSQL (zh_CN) by pinyin.
EXACT_KEYS = {"name", "birth_date", "id_number", "member_type", "status", "group", "join_date",
              "conversion_date", "mobile"}  # fmt: skip


@pytest.mark.parametrize("key", SORT_KEYS)
def test_every_column_sorts_in_sql_blanks_last_ties_by_name(members, branch, roster, key):
    records = {r.id: r for r in members.records(MemberQuery(statuses=None))}
    order_of_group = {g.name: g.sort_order for g in branch.groups()}

    def value(record):
        if key == "name":
            return name_pinyin(record.name)[1]
        if key == "group":
            return order_of_group.get(record.group_name)
        return getattr(record, key)

    ascending = members.search_ids(MemberQuery(statuses=None, sort=key))
    descending = members.search_ids(MemberQuery(statuses=None, sort=key, descending=True))
    assert sorted(ascending) == sorted(records)

    def split(ids):
        present = [i for i in ids if value(records[i]) is not None]
        return present, ids[len(present) :]

    for ids, reverse in ((ascending, False), (descending, True)):
        present, blank = split(ids)
        assert all(value(records[i]) is None for i in blank), f"{key}: blanks come last"
        pinyin = [name_pinyin(records[i].name)[1] for i in blank]
        assert pinyin == sorted(pinyin, reverse=reverse), f"{key}: blanks by name"
        values = [value(records[i]) for i in present]
        runs = [v for n, v in enumerate(values) if n == 0 or v != values[n - 1]]
        assert len(runs) == len(set(runs)), f"{key}: equal values are listed together"
        for v in set(values):
            tied = [name_pinyin(records[i].name)[1] for i in present if value(records[i]) == v]
            assert tied == sorted(tied, reverse=reverse), f"{key}: ties ordered by name"
        if key in EXACT_KEYS:
            assert values == sorted(values, reverse=reverse), f"{key}: sorted"
    present_asc, _ = split(ascending)
    present_desc, _ = split(descending)
    assert present_desc == present_asc[::-1], f"{key}: descending is ascending reversed"


def test_an_unknown_sort_key_falls_back_to_name(members, roster):
    assert members.search_ids(MemberQuery(sort="drop table")) == members.search_ids(MemberQuery(sort="name"))
