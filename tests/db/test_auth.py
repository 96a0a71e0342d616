"""Accounts against a real database (SQLite, and PostgreSQL when a server is given).

The secretary creates the administrator account and writes down the recovery code; a committee member
and an inspector get accounts; the inspector can look but every change is refused before anything is
written; five wrong passwords lock an account for a quarter of an hour; a forgotten administrator
password is reset once with the recovery code, which is then replaced.
"""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member, PartyGroup, Setting
from branchdesk.db.models_auth import UserAccount
from branchdesk.domain.auth import PermissionDenied, Role
from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.rules import RuleSettings
from branchdesk.services.auth import AuthService, SignInError
from branchdesk.services.meetings import MeetingType

ADMIN_PW = "Shuji-2026"
START = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)


class Clock:
    """An injected clock: tests move time forward instead of waiting."""

    def __init__(self, now: dt.datetime = START):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += dt.timedelta(**delta)


# argon2id with small parameters: the same code path, milliseconds instead of a quarter second
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def auth(ws, clock):
    return AuthService(ws, hasher=FAST, clock=clock)


@pytest.fixture
def code(auth):
    """A database with the administrator 'shuji' (signed in) and two more accounts; the recovery code."""
    created = auth.create_first_admin("Shuji", "王书记", ADMIN_PW, ADMIN_PW)
    auth.add_account("weiyuan", "李委员", Role.COMMITTEE, "Weiyuan-001", "Weiyuan-001")
    auth.add_account("chayue", "检查组", Role.VIEWER, "Chayue-001", "Chayue-001")
    return created.recovery_code


def _count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _audit_rows(db) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# ---- the first administrator -----------------------------------------------------------------
def test_a_database_without_accounts_works_as_before(db, ws, auth):
    assert not auth.has_accounts()
    assert db.principal.is_admin and db.principal.account_id is None
    ws.members.create(MemberFields(name="张三", join_date=dt.date(2001, 7, 1)))
    assert _audit_rows(db)[-1].user == "测试用户", "changes are still recorded under the OS user"


def test_creating_the_administrator_signs_them_in_and_gives_a_recovery_code_once(db, ws, auth, clock):
    created = auth.create_first_admin("  ShuJi ", "王书记", ADMIN_PW, ADMIN_PW)
    assert auth.has_accounts()
    assert created.account.username == "shuji", "usernames are trimmed and compared in lower case"
    assert (db.principal.username, db.principal.role, db.principal.display_name) == (
        "shuji",
        Role.ADMIN,
        "王书记",
    )
    groups = created.recovery_code.split("-")
    assert [len(g) for g in groups] == [4] * 5 and not set("01IOSZB") & set(created.recovery_code)

    ws.members.create(MemberFields(name="张三", join_date=dt.date(2001, 7, 1)))
    rows = _audit_rows(db)
    assert rows[-1].user == "shuji", "from now on the audit trail names the account"
    account_rows = [r for r in rows if r.entity == "user_account"]
    assert account_rows and account_rows[0].operation == "创建管理员账户"
    assert account_rows[0].changes["password_hash"] == [None, "〈已隐藏〉"]
    assert all("argon2" not in str(r.changes) and ADMIN_PW not in str(r.changes) for r in rows), (
        "neither passwords nor their hashes appear in the audit trail"
    )
    with db.read() as session:
        stored = session.scalar(select(UserAccount.password_hash))
    assert stored.startswith("$argon2id$") and ADMIN_PW not in stored


def test_there_is_only_one_first_administrator(db, auth, code):
    db.sign_in(db.principal.__class__.os_user("someone"))  # even with every right
    with pytest.raises(ValidationError, match="已经有用户账户了"):
        auth.create_first_admin("other", "", "Other-2026x", "Other-2026x")
    assert _count(db, UserAccount) == 3


@pytest.mark.parametrize(
    ("username", "password", "again", "message"),
    [
        ("shuji", "short1", "short1", "密码至少需要 8 个字符（现在是 6 个）"),
        ("shuji", "abcdefghij", "abcdefghij", "至少两类"),
        ("shuji", "Shuji-2026", "Shuji-2027", "两次输入的密码不一致"),
        ("a", ADMIN_PW, ADMIN_PW, "用户名应为 2 到 30 个字符"),
        ("wang shuji", ADMIN_PW, ADMIN_PW, "不能有空格"),
    ],
)
def test_a_bad_first_account_is_refused_with_a_clear_message_and_nothing_written(
    db, auth, username, password, again, message
):
    entries = _count(db, AuditEntry)
    with pytest.raises(ValidationError, match=message):
        auth.create_first_admin(username, "", password, again)
    assert not auth.has_accounts() and _count(db, AuditEntry) == entries
    assert db.principal.account_id is None


# ---- signing in --------------------------------------------------------------------------------
def test_signing_in_with_the_right_password(db, auth, code, clock):
    db.sign_out()
    signed = auth.sign_in("WeiYuan", "Weiyuan-001")
    assert signed.principal.role is Role.COMMITTEE and signed.must_change_password
    assert db.principal == signed.principal
    assert auth.account("weiyuan").last_login_at == clock.now
    assert _audit_rows(db)[-1].operation == "登录" and _audit_rows(db)[-1].user == "weiyuan"


def test_wrong_passwords_lock_the_account_for_fifteen_minutes(db, auth, code, clock):
    db.sign_out()
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInError, match=f"再输错 {left} 次") as wrong:
            auth.sign_in("chayue", "nicht-richtig1")
        assert wrong.value.reason == "wrong"
        clock.advance(seconds=20)
    with pytest.raises(SignInError, match=r"连续输错 5 次.*已锁定 15 分钟") as locked:
        auth.sign_in("chayue", "nicht-richtig1")
    until = clock.now + dt.timedelta(minutes=15)
    assert locked.value.locked_until == until
    assert f"{until.astimezone():%H:%M} 以后再试" in str(locked.value)
    assert not db.principal.signed_in

    clock.advance(minutes=14)
    with pytest.raises(SignInError, match="已被锁定") as still:
        auth.sign_in("chayue", "Chayue-001")  # even the right password, while locked
    assert still.value.reason == "locked"

    clock.advance(minutes=1)
    assert auth.sign_in("chayue", "Chayue-001").principal.role is Role.VIEWER
    account = auth.account("chayue")
    assert (account.failed_attempts, account.locked_until) == (0, None)
    failures = [r for r in _audit_rows(db) if r.operation == "登录失败：密码错误"]
    assert len(failures) == 5 and {r.user for r in failures} == {"chayue"}


def test_a_success_starts_the_count_again(db, auth, code):
    for _ in range(4):
        with pytest.raises(SignInError):
            auth.sign_in("weiyuan", "falsch-123")
    auth.sign_in("weiyuan", "Weiyuan-001")
    with pytest.raises(SignInError, match="再输错 4 次"):
        auth.sign_in("weiyuan", "falsch-123")


def test_an_administrator_unlocks_an_account(db, auth, code, clock):
    for _ in range(5):
        with pytest.raises(SignInError):
            auth.sign_in("weiyuan", "falsch-123")
    auth.sign_in("shuji", ADMIN_PW)
    weiyuan = auth.account("weiyuan")
    assert weiyuan.locked(clock.now)
    auth.unlock(weiyuan.id)
    assert auth.sign_in("weiyuan", "Weiyuan-001").principal.username == "weiyuan"


def test_unknown_and_deactivated_accounts_cannot_sign_in(db, auth, code):
    with pytest.raises(SignInError, match="没有用户名为“nobody”的账户"):
        auth.sign_in("nobody", "whatever-1")
    auth.set_active(auth.account("chayue").id, False)
    with pytest.raises(SignInError, match="已停用") as refused:
        auth.sign_in("chayue", "Chayue-001")
    assert refused.value.reason == "inactive"


def test_the_lock_screen_takes_the_same_users_password_and_counts_mistakes(db, auth, code):
    auth.sign_in("weiyuan", "Weiyuan-001")
    db.sign_out()  # the window locks
    with pytest.raises(SignInError, match="再输错 4 次"):
        auth.unlock_session("weiyuan", "Shuji-2026")
    assert not db.principal.signed_in
    assert auth.unlock_session("weiyuan", "Weiyuan-001").principal.username == "weiyuan"
    assert _audit_rows(db)[-1].operation == "解除锁屏"


# ---- the recovery code -------------------------------------------------------------------------
def test_the_recovery_code_resets_the_administrator_password_once(db, auth, code, clock):
    for _ in range(5):
        with pytest.raises(SignInError):
            auth.sign_in("shuji", "forgotten-1")
    db.sign_out()
    typed = code.lower().replace("-", " ")  # from paper: case and separators do not matter
    new_code = auth.reset_with_recovery_code("shuji", typed, "Neues-Passwort-1", "Neues-Passwort-1")
    assert new_code != code and len(new_code) == len(code)
    assert auth.sign_in("shuji", "Neues-Passwort-1").principal.is_admin, "reset also unlocks"

    with pytest.raises(ValidationError, match="恢复码不正确"):
        auth.reset_with_recovery_code("shuji", code, "Noch-eins-222", "Noch-eins-222")
    auth.reset_with_recovery_code("shuji", new_code, "Noch-eins-222", "Noch-eins-222")
    assert auth.sign_in("shuji", "Noch-eins-222").principal.is_admin
    entries = [r for r in _audit_rows(db) if r.operation == "用恢复码重设管理员密码"]
    assert {r.entity for r in entries} == {"user_account", "recovery_code"}
    assert all("〈已隐藏〉" in str(r.changes) for r in entries if r.entity == "recovery_code")


def test_the_recovery_code_is_only_for_administrators(db, auth, code):
    with pytest.raises(ValidationError, match="只能用来重设管理员的密码"):
        auth.reset_with_recovery_code("weiyuan", code, "Neues-Passwort-1", "Neues-Passwort-1")
    with pytest.raises(SignInError):
        auth.sign_in("weiyuan", "Neues-Passwort-1")


def test_a_new_recovery_code_replaces_the_old_one(db, auth, code):
    fresh = auth.new_recovery_code()
    with pytest.raises(ValidationError, match="恢复码不正确"):
        auth.reset_with_recovery_code("shuji", code, "Neues-Passwort-1", "Neues-Passwort-1")
    auth.reset_with_recovery_code("shuji", fresh, "Neues-Passwort-1", "Neues-Passwort-1")


# ---- passwords -----------------------------------------------------------------------------------
def test_a_reset_password_must_be_changed_at_the_next_login(db, auth, code):
    weiyuan = auth.account("weiyuan")
    auth.reset_password(weiyuan.id, "Vorlaeufig-1", "Vorlaeufig-1")
    signed = auth.sign_in("weiyuan", "Vorlaeufig-1")
    assert signed.must_change_password
    auth.change_own_password(None, "Mein-Eigenes-1", "Mein-Eigenes-1")
    assert not auth.sign_in("weiyuan", "Mein-Eigenes-1").must_change_password
    with pytest.raises(ValidationError, match="请输入原密码"):
        auth.change_own_password(None, "Noch-Ein-Neues-1", "Noch-Ein-Neues-1")


def test_everyone_changes_their_own_password_with_the_old_one(db, auth, code):
    auth.sign_in("chayue", "Chayue-001")
    with pytest.raises(ValidationError, match="原密码不正确"):
        auth.change_own_password("wrong-pass-1", "Chayue-002", "Chayue-002")
    with pytest.raises(ValidationError, match="新密码不能与原密码相同"):
        auth.change_own_password("Chayue-001", "Chayue-001", "Chayue-001")
    auth.change_own_password("Chayue-001", "Chayue-002", "Chayue-002")  # 查阅 too
    with pytest.raises(SignInError):
        auth.sign_in("chayue", "Chayue-001")
    assert auth.sign_in("chayue", "Chayue-002").principal.role is Role.VIEWER


# ---- roles enforced in the services -------------------------------------------------------------
def test_a_viewer_is_refused_every_change_and_nothing_is_written(db, ws, auth, code, clock):
    members, branch, dev = ws.members, ws.branch, ws.development
    meetings = ws.meetings
    zhang = members.create(MemberFields(name="张三", join_date=dt.date(2001, 7, 1))).id
    auth.sign_in("chayue", "Chayue-001")
    before = (_count(db, Member), _count(db, PartyGroup), _count(db, Setting), _count(db, AuditEntry))

    attempts = {
        "新增党员档案": lambda: members.create(MemberFields(name="李四", join_date=dt.date(2002, 7, 1))),
        "修改党员档案": lambda: members.update(
            zhang, MemberFields(name="张三丰", join_date=dt.date(2001, 7, 1))
        ),
        "新增党小组": lambda: branch.add_group("第三党小组"),
        "新建发展党员档案": lambda: dev.create(Person("赵小雨", dt.date(2001, 4, 9)), dt.date(2026, 10, 8)),
        "修改发展党员规则设置": lambda: dev.save_rule_settings(RuleSettings(publicity_working_days=7)),
        "新建会议记录": lambda: meetings.plan(MeetingType.COMMITTEE, dt.date(2026, 9, 5), audience="branch"),
    }
    for operation, attempt in attempts.items():
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        message = str(refused.value)
        assert "chayue（查阅）" in message and ("没有权限" + operation.split("：")[0]) in message, message
    after = (_count(db, Member), _count(db, PartyGroup), _count(db, Setting), _count(db, AuditEntry))
    assert after == before, "nothing written, not even an audit entry"
    assert [m.name for m in members.records(members_query())] == ["张三"], "but the viewer can read"


def members_query():
    from branchdesk.services.members import MemberQuery

    return MemberQuery()


def test_a_committee_member_keeps_records_but_not_accounts_or_rules(db, ws, auth, code):
    auth.sign_in("weiyuan", "Weiyuan-001")
    members = ws.members
    members.create(MemberFields(name="李四", join_date=dt.date(2002, 7, 1)))
    ws.branch.add_group("第三党小组")
    assert _audit_rows(db)[-1].user == "weiyuan"
    accounts_before = _count(db, AuditEntry)
    for operation, attempt in {
        "查看用户账户": auth.accounts,
        "添加用户账户": lambda: auth.add_account("neu", "", Role.ADMIN, "Neues-Pass-1", "Neues-Pass-1"),
        "修改用户角色为管理员": lambda: auth.set_role(auth.account("weiyuan").id, Role.ADMIN),
        "修改自动锁定时间": lambda: auth.set_idle_lock_minutes(0),
        "修改发展党员规则设置": lambda: ws.development.save_rule_settings(
            RuleSettings(publicity_working_days=7)
        ),
        "重新生成恢复码": auth.new_recovery_code,
    }.items():
        with pytest.raises(PermissionDenied, match=f"没有权限{operation}：只有管理员可以这样做"):
            attempt()
    assert _count(db, AuditEntry) == accounts_before
    assert auth.account("weiyuan").role is Role.COMMITTEE


def test_the_administrator_manages_accounts_and_settings(ws, auth, code):
    auth.sign_in("shuji", ADMIN_PW)
    assert [(a.username, a.role) for a in auth.accounts()] == [
        ("shuji", Role.ADMIN), ("weiyuan", Role.COMMITTEE), ("chayue", Role.VIEWER)
    ]  # fmt: skip
    chayue = auth.account("chayue")
    assert auth.set_role(chayue.id, Role.COMMITTEE).role is Role.COMMITTEE
    auth.set_display_name(chayue.id, "检查组（王）")
    auth.set_idle_lock_minutes(0)
    assert auth.idle_lock_minutes() == 0
    ws.development.save_rule_settings(RuleSettings(publicity_working_days=7))
    with pytest.raises(ValidationError, match="已被使用"):
        auth.add_account("CHAYUE", "", Role.VIEWER, "Neues-Pass-1", "Neues-Pass-1")
    signed = auth.sign_in("chayue", "Chayue-001")
    assert (signed.principal.role, signed.principal.display_name) == (Role.COMMITTEE, "检查组（王）")


def test_the_last_administrator_cannot_be_demoted_or_deactivated(db, auth, code):
    me = auth.account("shuji")
    with pytest.raises(ValidationError, match="至少要保留一个可以登录的管理员账户"):
        auth.set_role(me.id, Role.COMMITTEE)
    with pytest.raises(ValidationError, match="不能停用自己正在使用的账户"):
        auth.set_active(me.id, False)
    assert auth.account("shuji").role is Role.ADMIN
    weiyuan = auth.account("weiyuan")
    auth.set_role(weiyuan.id, Role.ADMIN)
    auth.set_role(me.id, Role.COMMITTEE)  # now allowed: weiyuan is an administrator
    assert db.principal.role is Role.COMMITTEE, "a change to one's own role applies at once"
    with pytest.raises(PermissionDenied):
        auth.accounts()


def test_nobody_signed_in_writes_nothing(db, ws, auth, code):
    db.sign_out()
    with pytest.raises(PermissionDenied, match="请先登录"):
        ws.branch.add_group("第三党小组")


# ---- the command line ------------------------------------------------------------------------------
def test_the_command_line_lists_accounts_and_resets_the_admin_password(
    db, auth, code, location, capsys, monkeypatch
):
    from branchdesk.cli import main

    url = str(location.sqlite_path) if location.sqlite_path else location.url
    assert main(["--db", url, "users"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:4] for line in out] == [
        ["shuji", "王书记", "管理员", "正常"],
        ["weiyuan", "李委员", "委员", "正常（下次登录须改密码）"],
        ["chayue", "检查组", "查阅", "正常（下次登录须改密码）"],
    ]
    answers = iter(["Neues-Pass-1", "Neues-Pass-1"])
    monkeypatch.setattr("builtins.input", lambda _prompt: "wrong")
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    assert main(["--db", url, "users", "--reset-admin", "shuji"]) == 2
    assert "恢复码不正确" in capsys.readouterr().err

    answers = iter(["Neues-Pass-1", "Neues-Pass-1"])
    monkeypatch.setattr("builtins.input", lambda _prompt: code)
    assert main(["--db", url, "users", "--reset-admin", "shuji"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "已重新设置" in printed[0] and len(printed[1]) == len(code) and printed[1] != code
    assert auth.sign_in("shuji", "Neues-Pass-1").principal.is_admin
