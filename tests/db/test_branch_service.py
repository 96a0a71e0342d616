"""The branch profile: name and dates, party groups, the committee with its terms, honours, settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.services.branch import BranchProfile, NoBranchError
from branchdesk.services.members import MemberQuery, StatusChange
from branchdesk.workspace import Workspace

TODAY = dt.date.today()


def member(members, name: str, seq: int, **values) -> int:
    born = dt.date(1980, 3, 1)
    values.setdefault("join_date", dt.date(2005, 7, 1))
    values.setdefault("conversion_date", dt.date(2006, 7, 1))
    return members.create(
        MemberFields(name=name, id_number=make_citizen_id("320102", born, seq, "男"), **values)
    ).id


def messages(excinfo) -> list[str]:
    return [str(issue) for issue in excinfo.value.issues]


# ---- profile ---------------------------------------------------------------------------------------
def test_a_new_database_has_no_branch_until_one_is_saved(empty_db):
    ws = Workspace.open(empty_db)
    service = ws.branch
    assert not service.has_branch()
    with pytest.raises(NoBranchError, match="还没有支部"):
        ws.branch_id  # noqa: B018
    saved = service.save_profile(BranchProfile(name="  机关第二党支部 ", founded_on=dt.date(1998, 7, 1)))
    assert service.has_branch()
    assert ws.branch_id == saved.id, "the first branch is the workspace's from then on"
    assert service.profile() == replace(saved, name="机关第二党支部")


def test_the_profile_is_saved_and_read_back(branch):
    profile = branch.profile()
    assert (profile.name, profile.higher_committee) == ("测试学院教工第一党支部", "测试学院党委")
    changed = replace(
        profile,
        address="行政楼 301",
        committee_term_start=dt.date(2024, 1, 5),
        committee_term_end=dt.date(2027, 1, 4),
        notes="按期换届",
    )
    branch.save_profile(changed)
    assert branch.profile() == changed


def test_a_profile_needs_a_name_and_a_term_that_ends_after_it_starts(branch):
    with pytest.raises(ValidationError) as caught:
        branch.save_profile(
            replace(
                branch.profile(),
                name=" ",
                committee_term_start=dt.date(2024, 1, 5),
                committee_term_end=dt.date(2024, 1, 5),
            )
        )
    assert len(caught.value.issues) == 2
    assert "支部名称不能为空" in str(caught.value)
    assert "届满日期必须晚于本届开始日期" in str(caught.value)
    assert branch.profile().name == "测试学院教工第一党支部"


def test_without_a_name_the_workspace_opens_the_branch_last_used(db, ws, branch, members):
    first = ws.branch_id
    second = branch.save_profile(BranchProfile(name="第二党支部")).id
    assert ws.branch_id == first, "creating a branch does not move an open workspace"
    with pytest.raises(NoBranchError, match="2 个支部"):
        Workspace.open(db)
    ws.settings.set("current_branch_id", second)
    other = Workspace.open(db)
    assert other.branch_id == second
    assert other.branch.profile().name == "第二党支部"
    assert other.branch.groups() == []
    member(other.members, "新支部党员", 1)
    assert members.count(MemberQuery()) == 0
    ws.settings.set("current_branch_id", 12345)  # a branch that is gone: nothing to go by
    with pytest.raises(NoBranchError):
        Workspace.open(db)
    assert Workspace.open(db, strict=False).branch_id == first


# ---- party groups ----------------------------------------------------------------------------------
def test_groups_are_listed_in_order_with_their_active_members(branch, members):
    first, second = branch.groups()
    assert (first.name, second.name) == ("第一党小组", "第二党小组")
    assert first.sort_order < second.sort_order
    a = member(members, "甲", 1, group_id=first.id)
    member(members, "乙", 2, group_id=first.id)
    member(members, "丙", 3, group_id=second.id)
    members.change_status(a, StatusChange("deceased", TODAY, "病故"))
    counts = {g.name: g.member_count for g in branch.groups()}
    assert counts == {"第一党小组": 1, "第二党小组": 1}
    third = branch.add_group("离退休党小组")
    assert [g.name for g in branch.groups()] == ["第一党小组", "第二党小组", "离退休党小组"]
    assert third.member_count == 0


def test_group_names_are_required_and_unique_within_the_branch(db, branch):
    with pytest.raises(ValidationError, match="党小组名称不能为空"):
        branch.add_group("  ")
    with pytest.raises(ValidationError, match="已有名为“第一党小组”的党小组"):
        branch.add_group("第一党小组")
    second = branch.groups()[1]
    with pytest.raises(ValidationError, match="已有名为“第一党小组”的党小组"):
        branch.rename_group(second.id, "第一党小组")
    branch.rename_group(second.id, " 学生党小组 ")
    assert [g.name for g in branch.groups()] == ["第一党小组", "学生党小组"]
    # another branch may use the same name
    other = branch.save_profile(BranchProfile(name="另一个党支部"))
    assert Workspace(db, other.id).branch.add_group("第一党小组").name == "第一党小组"


def test_a_group_with_members_cannot_be_removed(branch, members):
    first, second = branch.groups()
    someone = member(members, "甲", 1, group_id=first.id)
    with pytest.raises(ValidationError) as caught:
        branch.remove_group(first.id)
    assert messages(caught) == ["所在党小组：该党小组还有 1 名党员，请先把他们调整到其他党小组"]
    branch.remove_group(second.id)
    assert [g.name for g in branch.groups()] == ["第一党小组"]
    # once the last member has left, the group can go; the former member's file keeps no dangling group
    members.change_status(someone, StatusChange("transferred_out", TODAY, "调出"))
    branch.remove_group(first.id)
    assert branch.groups() == []
    assert members.get(someone).group_id is None


# ---- committee -------------------------------------------------------------------------------------
def test_appointing_the_committee_sets_each_members_party_post(branch, members):
    secretary = member(members, "书记人", 1)
    deputy = member(members, "副书记人", 2, party_post="工会主席")
    branch.appoint(secretary, "secretary", dt.date(2024, 1, 5), dt.date(2027, 1, 4))
    branch.appoint(deputy, "deputy", dt.date(2024, 1, 5), dt.date(2027, 1, 4))
    branch.appoint(deputy, "propaganda", dt.date(2024, 1, 5))
    seats = branch.committee()
    assert [(s.member_name, s.post_label) for s in seats] == [
        ("书记人", "书记"),
        ("副书记人", "副书记"),
        ("副书记人", "宣传委员"),
    ]
    assert seats[0].term_end == dt.date(2027, 1, 4)
    assert members.get(secretary).party_post == "书记"
    assert members.get(deputy).party_post == "工会主席、副书记、宣传委员"


def test_only_one_secretary_sits_at_a_time(branch, members):
    old = member(members, "老书记", 1)
    new = member(members, "新书记", 2)
    branch.appoint(old, "secretary", dt.date(2021, 1, 5))
    with pytest.raises(ValidationError, match="已有在任书记"):
        branch.appoint(new, "secretary", dt.date(2024, 1, 5))
    [seat] = branch.committee()
    branch.end_term(seat.id, dt.date(2024, 1, 4))
    branch.appoint(new, "secretary", dt.date(2024, 1, 5))
    assert [s.member_name for s in branch.committee()] == ["新书记"]
    history = branch.committee(include_ended=True)
    assert [(s.member_name, s.ended_on) for s in history] == [
        ("新书记", None),
        ("老书记", dt.date(2024, 1, 4)),
    ]
    assert members.get(old).party_post == "", "the post goes when the term ends"
    assert members.get(new).party_post == "书记"


def test_ending_a_term_removes_only_that_post(branch, members):
    someone = member(members, "兼职委员", 1)
    branch.appoint(someone, "organisation", dt.date(2024, 1, 5))
    branch.appoint(someone, "discipline", dt.date(2024, 1, 5))
    organisation = next(s for s in branch.committee() if s.post == "organisation")
    with pytest.raises(ValidationError, match="离任日期不能早于任职日期"):
        branch.end_term(organisation.id, dt.date(2023, 12, 31))
    branch.end_term(organisation.id, dt.date(2025, 6, 30))
    assert members.get(someone).party_post == "纪检委员"
    assert [s.post for s in branch.committee()] == ["discipline"]


def test_appointments_are_checked(branch, members):
    someone = member(members, "甲", 1)
    gone = member(members, "乙", 2)
    members.change_status(gone, StatusChange("transferred_out", TODAY, "调出"))
    with pytest.raises(ValidationError, match="未知的支委职务"):
        branch.appoint(someone, "chairman", dt.date(2024, 1, 5))
    with pytest.raises(ValidationError, match="任期结束日期必须晚于开始日期"):
        branch.appoint(someone, "deputy", dt.date(2024, 1, 5), dt.date(2023, 1, 5))
    with pytest.raises(ValidationError, match="只能任命在册的党员"):
        branch.appoint(gone, "deputy", dt.date(2024, 1, 5))
    assert branch.committee(include_ended=True) == []


# ---- honours and settings --------------------------------------------------------------------------
def test_branch_honours_are_listed_by_date_and_can_be_removed(branch):
    later = branch.add_honour(dt.date(2021, 6, 28), "先进基层党组织", issuer="市委", level="市厅级")
    earlier = branch.add_honour(dt.date(2018, 7, 1), " 五好党支部 ", issuer="校党委")
    assert [(h.title, h.issuer) for h in branch.honours()] == [
        ("五好党支部", "校党委"),
        ("先进基层党组织", "市委"),
    ]
    with pytest.raises(ValidationError, match="荣誉名称不能为空"):
        branch.add_honour(dt.date(2020, 1, 1), "  ")
    branch.remove_honour(earlier.id)
    assert [h.id for h in branch.honours()] == [later.id]


def test_settings_keep_their_json_values(ws, branch):
    assert ws.settings.get("thresholds", "默认") == "默认"
    value = {"预备期提醒天数": 30, "节假日": ["2026-10-01"], "开启": True}
    ws.settings.set("thresholds", value)
    assert ws.settings.get("thresholds") == value
    ws.settings.set("thresholds", [])
    assert ws.settings.get("thresholds", "默认") == [], "an empty value is a value, not a missing key"
    ws.settings.set("thresholds", None)
    assert ws.settings.get("thresholds", "默认") == "默认", "None resets a setting to its default"
    ws.settings.set("never_set", None)  # resetting a setting that was never set is harmless
    assert ws.settings.get("never_set", 7) == 7
