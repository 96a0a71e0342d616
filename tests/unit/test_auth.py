"""Roles, the password and username rules, and the lockout arithmetic (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.auth import (
    RECOVERY_ALPHABET,
    LockoutPolicy,
    PermissionDenied,
    Principal,
    Role,
    format_recovery_code,
    local_time_text,
    new_password_problems,
    normalize_recovery_code,
    normalize_username,
    password_problems,
    username_problems,
)

NOW = dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC)


# ---- roles -------------------------------------------------------------------------------------
def test_roles_carry_their_chinese_labels_and_order():
    assert [r.label for r in Role] == ["管理员", "组织员", "委员", "查阅"]
    assert Role.from_label("查阅") is Role.VIEWER
    assert Role.ADMIN.at_least(Role.COMMITTEE) and Role.COMMITTEE.at_least(Role.COMMITTEE)
    assert not Role.VIEWER.at_least(Role.COMMITTEE) and not Role.COMMITTEE.at_least(Role.ADMIN)
    assert Role.ORGANISER.at_least(Role.COMMITTEE) and not Role.ORGANISER.at_least(Role.ADMIN)


def test_a_branch_may_grant_a_higher_role_than_the_accounts_own():
    secretary = Principal("xuesheng", Role.VIEWER, account_id=4, branch_roles=((2, Role.ADMIN),))
    assert secretary.on(2).is_admin and secretary.on(2).on(1).role is Role.VIEWER
    assert not secretary.is_admin and not secretary.on(1).can_edit and secretary.role_on(3) is Role.VIEWER
    admin = Principal("shuji", Role.ADMIN, account_id=1, branch_roles=((2, Role.VIEWER),))
    assert admin.on(2).is_admin, "a grant never lowers the account's own role"


def test_what_each_principal_may_do():
    viewer = Principal("chayue", Role.VIEWER, "检查组", 3)
    assert not viewer.can_edit and not viewer.is_admin and viewer.may(Role.VIEWER)
    assert Principal("weiyuan", Role.COMMITTEE, account_id=2).can_edit
    os_user = Principal.os_user("secretary")
    assert os_user.is_admin and not os_user.has_account, "no accounts yet: the OS user has every right"
    nobody = Principal.nobody()
    assert not nobody.signed_in and not nobody.may(Role.VIEWER)
    assert viewer.label == "检查组（chayue，查阅）"
    assert Principal("shuji", Role.ADMIN, "shuji").label == "shuji（管理员）"


def test_refusals_name_the_user_the_role_and_the_operation():
    viewer = Principal("chayue", Role.VIEWER)
    assert str(PermissionDenied("新增党员档案", Role.COMMITTEE, viewer)) == (
        "当前用户 chayue（查阅）只能查阅，没有权限新增党员档案。"
    )
    committee = Principal("weiyuan", Role.COMMITTEE)
    assert str(PermissionDenied("从备份恢复", Role.ADMIN, committee)) == (
        "当前用户 weiyuan（委员）没有权限从备份恢复：只有管理员可以这样做。"
    )
    assert (
        str(PermissionDenied("新增党小组", Role.COMMITTEE, Principal.nobody()))
        == "请先登录，才能新增党小组。"
    )


# ---- usernames and passwords -----------------------------------------------------------------------
def test_usernames_are_compared_trimmed_in_lower_case_and_half_width():
    assert normalize_username("  WangShuji ") == "wangshuji"
    assert normalize_username("ＷＡＮＧ") == "wang", "full-width letters typed with a Chinese IME"
    assert username_problems("王书记") == []
    assert username_problems("") == ["请填写用户名"]
    assert username_problems("wang shuji") == ["用户名只能包含字母、数字、汉字和 _ . -（不能有空格）"]
    assert username_problems("x") == ["用户名应为 2 到 30 个字符（现在是 1 个）"]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "请填写密码"),
        ("ab12", "密码至少需要 8 个字符（现在是 4 个）"),
        ("abcdefgh", "密码需要包含字母、数字、符号（或汉字）中的至少两类，例如字母加数字"),
        ("12345678", "密码需要包含字母、数字、符号（或汉字）中的至少两类，例如字母加数字"),
        ("Password1", "这个密码太常见、太容易被猜到，请换一个"),
        ("a1a1a1a1", "这个密码太常见、太容易被猜到，请换一个"),
        ("x" * 120 + "1" * 9, "密码不能超过 128 个字符"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, problem):
    assert problem in password_problems(password)


@pytest.mark.parametrize("password", ["dangzhibu2026", "支部工作台2026", "Correct horse", "12345678!"])
def test_reasonable_passwords_pass(password):
    assert password_problems(password) == []


def test_the_password_is_not_the_username_and_typed_twice_alike():
    assert "密码不能与用户名相同" in password_problems("Wang2026x", username="wang2026x")
    assert new_password_problems("dangzhibu2026", "dangzhibu2025") == ["两次输入的密码不一致，请重新输入"]
    assert new_password_problems("dangzhibu2026", "dangzhibu2026") == []


# ---- lockout -------------------------------------------------------------------------------------
def test_five_failures_in_a_row_lock_for_fifteen_minutes():
    policy = LockoutPolicy()
    failures, until = 0, None
    for expected in (1, 2, 3, 4):
        failures, until = policy.after_failure(failures, NOW)
        assert (failures, until) == (expected, None)
        assert policy.attempts_left(failures) == 5 - expected
    failures, until = policy.after_failure(failures, NOW)
    assert (failures, until) == (0, NOW + dt.timedelta(minutes=15)), "locked; the count starts again"
    assert policy.is_locked(until, NOW + dt.timedelta(minutes=14, seconds=59))
    assert not policy.is_locked(until, NOW + dt.timedelta(minutes=15))
    assert not policy.is_locked(None, NOW)


def test_the_policy_is_configurable():
    policy = LockoutPolicy(max_failures=3, lock_for=dt.timedelta(hours=1))
    assert policy.after_failure(2, NOW) == (0, NOW + dt.timedelta(hours=1))


def test_lock_times_are_told_in_local_time():
    local_now = NOW.astimezone()
    same_day = local_now.replace(hour=23, minute=5)
    assert local_time_text(same_day, NOW) == "23:05"
    next_day = (local_now + dt.timedelta(days=1)).replace(hour=8, minute=0)
    assert local_time_text(next_day, NOW) == f"{next_day.month}月{next_day.day}日 08:00"


# ---- recovery code ---------------------------------------------------------------------------------
def test_recovery_codes_are_read_back_from_paper_without_fuss():
    raw = "AC2D345EFGH6789JKMNP"
    shown = format_recovery_code(raw)
    assert shown == "AC2D-345E-FGH6-789J-KMNP"
    assert normalize_recovery_code(" ac2d 345e-fgh6789j kmnp ") == raw
    assert normalize_recovery_code("ＡＣ２Ｄ－３４５Ｅ") == "AC2D345E", "full-width input"
    assert normalize_recovery_code("acZd-34Se-fgh6-7B9j") == "AC2D345EFGH6789J", "Z, S, B read as 2, 5, 8"
    assert not set("BILOSUZ01") & set(RECOVERY_ALPHABET)
