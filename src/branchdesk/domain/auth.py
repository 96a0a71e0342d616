"""Who may do what: roles, the signed-in principal, the password and username rules, lockout arithmetic.

Pure Python (no database, no Qt). The services enforce the roles through `Database.require` and
`Database.write`; the window only hides what a role may not do.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace

from branchdesk.domain.vocab import Labeled


class Role(Labeled):
    """Account roles, from the most to the least powerful.

    An account's role holds on every branch of the database; a branch may grant it a higher one
    (管理员 of one branch, 查阅 of the others). 组织员 is a committee's organiser: records of every
    branch, new branches and the committee overview, but not accounts or rule settings."""

    ADMIN = "admin", "管理员"
    ORGANISER = "organiser", "组织员"
    COMMITTEE = "committee", "委员"
    VIEWER = "viewer", "查阅"

    @property
    def rank(self) -> int:
        return {"viewer": 1, "committee": 2, "organiser": 3, "admin": 4}[self.value]

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]

    def at_least(self, needed: Role) -> bool:
        return self.rank >= needed.rank


ROLE_DESCRIPTIONS = {
    Role.ADMIN: "全部功能，包括账户管理、规则设置、从备份恢复",
    Role.ORGANISER: "党委（党总支）组织员：各支部的录入和修改、新建支部、支部概览，不含账户管理和规则设置",
    Role.COMMITTEE: "录入和修改档案、发展党员、会议记录，导入、导出、打印",
    Role.VIEWER: "只能查阅、打印和导出，不能修改任何数据",
}


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow the operation; the message names it, in Chinese."""

    def __init__(self, operation: str, needed: Role, principal: Principal, branch_name: str = ""):
        self.operation = operation
        self.needed = needed
        self.principal = principal
        if principal.role is None:
            message = f"请先登录，才能{operation}。"
        else:
            where = f"在“{branch_name}”" if branch_name else ""
            who = f"当前用户 {principal.username}（{where}{principal.role.label}）"
            if needed is Role.ADMIN:
                message = f"{who}没有权限{operation}：只有管理员可以这样做。"
            elif needed is Role.ORGANISER:
                message = f"{who}没有权限{operation}：只有管理员或组织员可以这样做。"
            else:
                message = f"{who}只能查阅，没有权限{operation}。"
        super().__init__(message)


@dataclass(frozen=True)
class Principal:
    """Who is working: the audit trail records `username`; `role` decides what they may do.

    `account_id` is None for the operating-system user on a database without accounts (and for the
    command line), who has every right, as before accounts existed. `role` None means nobody is signed
    in (the window before login, or after signing out): every write is refused.
    """

    username: str
    role: Role | None
    display_name: str = ""
    account_id: int | None = None
    #: (branch id, role) the branches grant above `role` (revision 0015)
    branch_roles: tuple[tuple[int, Role], ...] = ()
    #: the role on every branch, when `role` is already the one of a branch (`on`)
    base_role: Role | None = None

    @classmethod
    def os_user(cls, name: str) -> Principal:
        return cls(username=name, role=Role.ADMIN, display_name=name)

    @classmethod
    def nobody(cls, name: str = "未登录") -> Principal:
        return cls(username=name, role=None, display_name=name)

    @property
    def signed_in(self) -> bool:
        return self.role is not None

    def role_on(self, branch_id: int | None) -> Role | None:
        """The role on a branch: the account's own, or the branch's grant if higher."""
        base = self.base_role or self.role
        if base is None or branch_id is None:
            return base
        granted = [r for b, r in self.branch_roles if b == branch_id]
        return max([base, *granted], key=lambda r: r.rank)

    def on(self, branch_id: int | None) -> Principal:
        """This principal as it works on `branch_id` (`role` is its role there)."""
        if branch_id is None or self.role is None or not self.branch_roles:
            return self
        base = self.base_role or self.role
        return replace(self, role=self.role_on(branch_id), base_role=base)

    @property
    def branches_granted(self) -> dict[int, Role]:
        return dict(self.branch_roles)

    @property
    def has_account(self) -> bool:
        return self.account_id is not None

    def may(self, needed: Role) -> bool:
        return self.role is not None and self.role.at_least(needed)

    @property
    def can_edit(self) -> bool:
        return self.may(Role.COMMITTEE)

    @property
    def is_admin(self) -> bool:
        return self.may(Role.ADMIN)

    @property
    def label(self) -> str:
        """What the status bar shows: 王书记（wangshuji，管理员）."""
        role = self.role.label if self.role else "未登录"
        if self.display_name and self.display_name != self.username:
            return f"{self.display_name}（{self.username}，{role}）"
        return f"{self.username}（{role}）"


# ---- usernames and passwords ---------------------------------------------------------------------
USERNAME_MIN, USERNAME_MAX = 2, 30
PASSWORD_MIN, PASSWORD_MAX = 8, 128
DISPLAY_NAME_MAX = 50
_USERNAME_OK = re.compile(r"^[\w.\-]+$")  # letters (Chinese included), digits, _ . -
_COMMON = {
    "password", "password1", "passw0rd", "abc12345", "abcd1234", "a1234567", "a12345678", "qwerty123",
    "1qaz2wsx", "12345678a", "iloveyou1", "admin123", "admin1234", "aa123456", "woaini1314", "123456aa",
}  # fmt: skip


def normalize_username(text: str) -> str:
    """Usernames are compared trimmed, in NFKC (full-width letters become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


def username_problems(text: str) -> list[str]:
    name = normalize_username(text)
    if not name:
        return ["请填写用户名"]
    problems = []
    if not USERNAME_MIN <= len(name) <= USERNAME_MAX:
        problems.append(f"用户名应为 {USERNAME_MIN} 到 {USERNAME_MAX} 个字符（现在是 {len(name)} 个）")
    if not _USERNAME_OK.match(name):
        problems.append("用户名只能包含字母、数字、汉字和 _ . -（不能有空格）")
    return problems


def password_problems(password: str, *, username: str = "") -> list[str]:
    """What is wrong with a new password (empty list: acceptable). Spaces count; nothing is trimmed."""
    if not password:
        return ["请填写密码"]
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append(f"密码至少需要 {PASSWORD_MIN} 个字符（现在是 {len(password)} 个）")
    if len(password) > PASSWORD_MAX:
        problems.append(f"密码不能超过 {PASSWORD_MAX} 个字符")
    kinds = sum(
        (
            any(c.isascii() and c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        )
    )
    if kinds < 2:
        problems.append("密码需要包含字母、数字、符号（或汉字）中的至少两类，例如字母加数字")
    if username and normalize_username(password) == normalize_username(username):
        problems.append("密码不能与用户名相同")
    elif password.casefold() in _COMMON or len(set(password)) <= 2:
        problems.append("这个密码太常见、太容易被猜到，请换一个")
    return problems


def new_password_problems(password: str, again: str, *, username: str = "") -> list[str]:
    """`password_problems`, and the two entries must agree."""
    problems = password_problems(password, username=username)
    if not problems and password != again:
        problems.append("两次输入的密码不一致，请重新输入")
    return problems


# ---- lockout -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LockoutPolicy:
    """After `max_failures` wrong passwords in a row the account is locked for `lock_for`."""

    max_failures: int = 5
    lock_for: dt.timedelta = dt.timedelta(minutes=15)

    def is_locked(self, locked_until: dt.datetime | None, now: dt.datetime) -> bool:
        return locked_until is not None and now < locked_until

    def after_failure(self, failures: int, now: dt.datetime) -> tuple[int, dt.datetime | None]:
        """(failed attempts to store, locked until) after one more wrong password.

        Reaching the limit locks the account and starts the count again, so that after the lock
        expires the user has the full number of attempts once more.
        """
        failures += 1
        if failures >= self.max_failures:
            return 0, now + self.lock_for
        return failures, None

    def attempts_left(self, failures: int) -> int:
        return max(self.max_failures - failures, 0)


def local_time_text(moment: dt.datetime, now: dt.datetime) -> str:
    """'14:35' today, '11月24日 14:35' on another day (local time of this computer)."""
    local = moment.astimezone()
    if local.date() == now.astimezone().date():
        return f"{local:%H:%M}"
    return f"{local.month}月{local.day}日 {local:%H:%M}"


# ---- recovery code -------------------------------------------------------------------------------
# Read off paper without doubt: no letter that looks like a digit (B 8, I 1, L 1, O 0, S 5, U V, Z 2);
# typed, those letters are read as the digits they resemble.
RECOVERY_ALPHABET = "ACDEFGHJKMNPQRTVWXY23456789"
RECOVERY_GROUPS, RECOVERY_GROUP_LEN = 5, 4  # 20 characters, 95 bits
_LOOKALIKES = str.maketrans({"B": "8", "S": "5", "Z": "2", "O": "0", "I": "1", "L": "1", "U": "V"})


def format_recovery_code(raw: str) -> str:
    return "-".join(raw[i : i + RECOVERY_GROUP_LEN] for i in range(0, len(raw), RECOVERY_GROUP_LEN))


def normalize_recovery_code(text: str) -> str:
    """What the user typed, as stored for comparison: upper case, without spaces or dashes."""
    text = unicodedata.normalize("NFKC", text or "").upper().translate(_LOOKALIKES)
    return "".join(c for c in text if c.isalnum())
