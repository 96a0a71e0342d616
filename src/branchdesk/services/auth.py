"""Accounts and signing in: the first administrator, login with lockout, the recovery code, account
management (管理员 only), one's own password, the idle-lock setting.

A database without accounts works as before they existed: `Database.principal` is the operating-system
user with every right. Once the first administrator exists, the window signs in through `sign_in`,
which puts the account's principal on the `Database`; from then on every write is checked against its
role (db/engine.py). Passwords and the recovery code are kept only as argon2 hashes.

Sign-in bookkeeping (failed attempts, lock, last login) is written whoever is signed in
(`write(..., needs=None, user=<the name tried>)`), so a wrong password at the lock screen counts too.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from branchdesk.db.models_auth import AccountBranchRole, RecoveryCode, UserAccount
from branchdesk.db.types import utcnow
from branchdesk.domain.auth import (
    DISPLAY_NAME_MAX,
    RECOVERY_ALPHABET,
    RECOVERY_GROUP_LEN,
    RECOVERY_GROUPS,
    LockoutPolicy,
    Principal,
    Role,
    format_recovery_code,
    local_time_text,
    new_password_problems,
    normalize_recovery_code,
    normalize_username,
    username_problems,
)
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.services import encryption

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

IDLE_LOCK_KEY = "auth.idle_lock_minutes"
IDLE_LOCK_DEFAULT = 10
IDLE_LOCK_MAX = 24 * 60

FIELD_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "password": "密码",
    "old_password": "原密码",
    "recovery_code": "恢复码",
    "account": "账户",
    "idle_lock_minutes": "自动锁定时间",
}


@dataclass(frozen=True)
class AccountIssue(FieldIssue):
    """A problem with an account form field, labelled with the form's words."""

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        # "密码至少需要 8 个字符" names its field already; "恢复码不正确" too
        return self.message if self.message.startswith(self.label) else f"{self.label}：{self.message}"


def _refuse(*issues: tuple[str, str]) -> ValidationError:
    return ValidationError([AccountIssue(field, message) for field, message in issues])


class SignInError(Exception):
    """Signing in failed; `str()` says why in Chinese. `reason`: unknown / inactive / locked / wrong."""

    def __init__(self, reason: str, message: str, *, locked_until: dt.datetime | None = None):
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


@dataclass(frozen=True)
class Account:
    """A snapshot of one account (never its password hash)."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    must_change_password: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    #: (branch id, role) granted above `role` on single branches (0015)
    branch_roles: tuple[tuple[int, Role], ...] = ()

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    @property
    def last_login_text(self) -> str:
        return f"{self.last_login_at.astimezone():%Y-%m-%d %H:%M}" if self.last_login_at else "从未登录"

    def state(self, now: dt.datetime) -> str:
        """正常 / 已锁定（至 14:35）/ 已停用 … as the account list shows it."""
        if not self.active:
            return "已停用"
        if self.locked(now):
            return f"已锁定（至 {local_time_text(self.locked_until, now)}）"
        return "正常（下次登录须改密码）" if self.must_change_password else "正常"

    @property
    def principal(self) -> Principal:
        return Principal(
            self.username, self.role, self.display_name or self.username, self.id, self.branch_roles
        )

    def role_on(self, branch_id: int) -> Role:
        return self.principal.role_on(branch_id)


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    must_change_password: bool


@dataclass(frozen=True)
class AdminCreated:
    account: Account
    recovery_code: str  # formatted (XXXX-XXXX-…); shown once, never stored in clear


def _snapshot(row: UserAccount, session=None) -> Account:
    grants = ()
    if session is not None and row.id is not None:
        grants = tuple(
            (b, Role(r))
            for b, r in session.execute(
                select(AccountBranchRole.branch_id, AccountBranchRole.role)
                .where(AccountBranchRole.account_id == row.id)
                .order_by(AccountBranchRole.branch_id)
            )
        )
    return Account(
        row.id, row.username, row.display_name, Role(row.role), row.active, row.must_change_password,
        row.failed_attempts, row.locked_until, row.created_at, row.last_login_at, grants,
    )  # fmt: skip


def default_hasher():
    """argon2id with argon2-cffi's recommended parameters (RFC 9106 low-memory profile)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


class AuthService:
    def __init__(
        self,
        ws: Workspace,
        *,
        hasher=None,
        clock: Callable[[], dt.datetime] = utcnow,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self.ws = ws
        self._hasher = hasher
        self.clock = clock
        self.policy = policy or LockoutPolicy()

    @property
    def hasher(self):
        if self._hasher is None:
            self._hasher = default_hasher()
        return self._hasher

    # ---- hashing -------------------------------------------------------------------------------
    def _hash(self, secret: str) -> str:
        return self.hasher.hash(secret)

    def _matches(self, stored: str, secret: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        try:
            return self.hasher.verify(stored, secret)
        except (VerificationError, InvalidHashError):
            return False

    # ---- queries -------------------------------------------------------------------------------
    def has_accounts(self) -> bool:
        """False until the first administrator is created (the database then works as before)."""
        with self.ws.read() as session:
            return session.scalar(select(func.count(UserAccount.id))) > 0

    def accounts(self) -> list[Account]:
        self.ws.db.require(Role.ADMIN, "查看用户账户")
        with self.ws.read() as session:
            rows = session.scalars(select(UserAccount).order_by(UserAccount.id)).all()
            return [_snapshot(r, session) for r in rows]

    def account(self, username: str) -> Account | None:
        """The account of a username (for the login dialog's own user); None if there is none."""
        with self.ws.read() as session:
            row = self._by_name(session, username)
            return _snapshot(row, session) if row is not None else None

    def idle_lock_minutes(self) -> int:
        """Minutes without input before the window locks (0: never)."""
        value = self.ws.settings.get(IDLE_LOCK_KEY, IDLE_LOCK_DEFAULT)
        return value if isinstance(value, int) and 0 <= value <= IDLE_LOCK_MAX else IDLE_LOCK_DEFAULT

    @staticmethod
    def _by_name(session, username: str) -> UserAccount | None:
        name = normalize_username(username)
        return session.scalar(select(UserAccount).where(UserAccount.username == name)) if name else None

    # ---- the first administrator ---------------------------------------------------------------
    def create_first_admin(self, username: str, display_name: str, password: str, again: str) -> AdminCreated:
        """Create the administrator (the secretary) on a database without accounts, sign them in and
        return the recovery code to show once. From now on the window asks for a login."""
        operation = "创建管理员账户"
        self.ws.db.require(Role.ADMIN, operation)
        name = normalize_username(username)
        self._check_new(name, display_name, password, again)
        code = _new_recovery_code()
        now = self.clock()
        with self.ws.write(operation, needs=Role.ADMIN) as session:
            if session.scalar(select(func.count(UserAccount.id))):
                raise _refuse(("account", "已经有用户账户了：请由管理员在“设置 › 用户与权限”中添加账户"))
            row = UserAccount(
                username=name, display_name=display_name.strip() or name, role=Role.ADMIN.value,
                password_hash=self._hash(password), failed_attempts=0, active=True,
                must_change_password=False, created_at=now, password_changed_at=now,
            )  # fmt: skip
            session.add(row)
            self._store_recovery_code(session, code, now)
            session.flush()
            account = _snapshot(row)
        self.ws.db.sign_in(account.principal)
        return AdminCreated(account, format_recovery_code(code))

    def _check_new(self, name: str, display_name: str, password: str, again: str) -> None:
        issues = [("username", m) for m in username_problems(name)]
        if len(display_name.strip()) > DISPLAY_NAME_MAX:
            issues.append(("display_name", f"姓名不能超过 {DISPLAY_NAME_MAX} 个字"))
        issues += [("password", m) for m in new_password_problems(password, again, username=name)]
        if issues:
            raise _refuse(*issues)

    def _store_recovery_code(
        self, session, code: str, now: dt.datetime, code_hash: str | None = None
    ) -> None:
        code_hash = code_hash or self._hash(code)
        row = session.scalar(select(RecoveryCode).order_by(RecoveryCode.id).limit(1))
        if row is None:
            session.add(RecoveryCode(code_hash=code_hash, created_at=now))
        else:
            row.code_hash = code_hash
            row.created_at = now

    # ---- signing in ----------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, *, operation: str = "登录",
                proof: Callable[[str], bool] | None = None) -> SignedIn:  # fmt: skip
        """Check the password; on success the account becomes the database's principal.

        A wrong password counts toward the lock (`LockoutPolicy`: 5 in a row lock it for 15 minutes);
        a locked account is refused without looking at the password, with the time it opens again.
        `proof(stored_hash)` may vouch for the password instead of a second argon2 run: an encrypted
        database's key slot that this password has just opened and that was made for this very hash.
        """
        name = normalize_username(username)
        if not name:
            raise SignInError("unknown", "请填写用户名")
        with self.ws.read() as session:
            row = self._by_name(session, name)
            stored = row.password_hash if row is not None else None
        if row is None:
            raise SignInError("unknown", f"没有用户名为“{name}”的账户，请检查用户名")
        if not row.active:
            raise SignInError("inactive", f"账户“{name}”已停用，不能登录。如需使用，请联系管理员")
        now = self.clock()
        if self.policy.is_locked(row.locked_until, now):
            raise self._locked(name, row.locked_until, now)
        if not (proof is not None and proof(stored)) and not self._matches(stored, password):
            self._count_failure(row.id, name, now)
        with self.ws.write(operation, needs=None, user=name) as session:
            acc = session.get(UserAccount, row.id, with_for_update=True)
            acc.failed_attempts = 0
            acc.locked_until = None
            acc.last_login_at = now
            if self.hasher.check_needs_rehash(acc.password_hash):
                acc.password_hash = self._hash(password)
            account = _snapshot(acc, session)
            stored = acc.password_hash
        self.ws.db.sign_in(account.principal)
        encryption.signed_in(self.ws.db, account.id, name, password, stored)  # encrypted: their key slot
        return SignedIn(account.principal, account.must_change_password)

    def _count_failure(self, account_id: int, name: str, now: dt.datetime) -> None:
        """Record one wrong password (in its own transaction, read again under lock) and raise."""
        with self.ws.write("登录失败：密码错误", needs=None, user=name) as session:
            acc = session.get(UserAccount, account_id, with_for_update=True)
            if self.policy.is_locked(acc.locked_until, now):  # another PC locked it meanwhile
                until = acc.locked_until
                failures = acc.failed_attempts
            else:
                failures, until = self.policy.after_failure(acc.failed_attempts, now)
                acc.failed_attempts = failures
                acc.locked_until = until
        if until is not None:
            minutes = int(self.policy.lock_for.total_seconds() // 60)
            raise SignInError(
                "locked",
                f"密码连续输错 {self.policy.max_failures} 次，账户“{name}”已锁定 {minutes} 分钟，"
                f"请在 {local_time_text(until, now)} 以后再试。管理员也可以在“设置 › 用户与权限”中解锁。",
                locked_until=until,
            )
        left = self.policy.attempts_left(failures)
        minutes = int(self.policy.lock_for.total_seconds() // 60)
        raise SignInError("wrong", f"密码不正确。再输错 {left} 次，账户将被锁定 {minutes} 分钟。")

    def _locked(self, name: str, until: dt.datetime, now: dt.datetime) -> SignInError:
        return SignInError(
            "locked",
            f"账户“{name}”因多次输错密码已被锁定，请在 {local_time_text(until, now)} 以后再试，"
            "或请管理员在“设置 › 用户与权限”中解锁。",
            locked_until=until,
        )

    def unlock_session(self, username: str, password: str) -> SignedIn:
        """The lock screen: the user who locked signs in again (a wrong password counts toward the lock)."""
        return self.sign_in(username, password, operation="解除锁屏")

    # ---- one's own password --------------------------------------------------------------------
    def change_own_password(self, old: str | None, new: str, again: str) -> None:
        """Change the signed-in user's password. `old` may be None only right after a login that
        requires a new password (an administrator reset it)."""
        me = self.ws.db.principal
        operation = "修改自己的密码"
        if me.account_id is None:
            raise _refuse(("account", "尚未启用用户账户，没有密码可修改"))
        self.ws.db.require(Role.VIEWER, operation)
        with self.ws.read() as session:
            row = session.get(UserAccount, me.account_id)
            stored, must_change = row.password_hash, row.must_change_password
        if old is None and not must_change:
            raise _refuse(("old_password", "请输入原密码"))
        if old is not None and not self._matches(stored, old):
            raise _refuse(("old_password", "原密码不正确"))
        problems = new_password_problems(new, again, username=me.username)
        if not problems and old is not None and new == old:
            problems.append("新密码不能与原密码相同")
        if problems:
            raise _refuse(*[("password", m) for m in problems])
        hashed = self._hash(new)
        slot = encryption.password_set(self.ws.db, me.account_id, me.username, new, hashed)
        with self.ws.write(operation, needs=Role.VIEWER) as session:
            acc = session.get(UserAccount, me.account_id)
            acc.password_hash = hashed
            acc.must_change_password = False
            acc.password_changed_at = self.clock()
        encryption.password_committed(self.ws.db, me.account_id, slot)

    # ---- the recovery code ---------------------------------------------------------------------
    def reset_with_recovery_code(self, username: str, code: str, new: str, again: str) -> str:
        """Give an administrator who forgot the password a new one, with the recovery code shown at
        setup. Unlocks the account. The used code is replaced: returns the new one (show it once)."""
        name = normalize_username(username)
        with self.ws.read() as session:
            row = self._by_name(session, name)
            stored = session.scalar(select(RecoveryCode.code_hash).order_by(RecoveryCode.id).limit(1))
        if row is None:
            raise _refuse(("username", f"没有用户名为“{name}”的账户"))
        if row.role != Role.ADMIN.value or not row.active:
            raise _refuse(("username", "恢复码只能用来重设管理员的密码；其他用户忘记密码请联系管理员重设"))
        if stored is None or not self._matches(stored, normalize_recovery_code(code)):
            raise _refuse(
                ("recovery_code", "恢复码不正确，请核对纸上记下的恢复码（不区分大小写，可不输入横线）")
            )
        problems = new_password_problems(new, again, username=name)
        if problems:
            raise _refuse(*[("password", m) for m in problems])
        fresh = _new_recovery_code()
        now = self.clock()
        hashed, code_hash = self._hash(new), self._hash(fresh)
        slot = encryption.password_set(self.ws.db, row.id, name, new, hashed)
        code_slot = encryption.recovery_set(self.ws.db, fresh, code_hash)
        with self.ws.write("用恢复码重设管理员密码", needs=None, user=name) as session:
            acc = session.get(UserAccount, row.id)
            acc.password_hash = hashed
            acc.must_change_password = False
            acc.failed_attempts = 0
            acc.locked_until = None
            acc.password_changed_at = now
            self._store_recovery_code(session, fresh, now, code_hash)
        encryption.password_committed(self.ws.db, row.id, slot)
        encryption.recovery_committed(self.ws.db, code_slot)
        return format_recovery_code(fresh)

    def new_recovery_code(self) -> str:
        """Replace the recovery code (e.g. the paper was lost); returns the new one to show once."""
        operation = "重新生成恢复码"
        self.ws.db.require(Role.ADMIN, operation)
        fresh = _new_recovery_code()
        code_hash = self._hash(fresh)
        code_slot = encryption.recovery_set(self.ws.db, fresh, code_hash)
        with self.ws.write(operation, needs=Role.ADMIN) as session:
            self._store_recovery_code(session, fresh, self.clock(), code_hash)
        encryption.recovery_committed(self.ws.db, code_slot)
        return format_recovery_code(fresh)

    # ---- account management (管理员) -------------------------------------------------------------
    def add_account(self, username: str, display_name: str, role: Role, password: str, again: str) -> Account:
        """A new account with a first password the administrator gives; the user must change it at
        the first login."""
        operation = "添加用户账户"
        self.ws.db.require(Role.ADMIN, operation)
        name = normalize_username(username)
        self._check_new(name, display_name, password, again)
        now = self.clock()
        hashed = self._hash(password)
        with self.ws.write(operation, needs=Role.ADMIN) as session:
            if self._by_name(session, name) is not None:
                raise _refuse(("username", f"用户名“{name}”已被使用，请换一个"))
            row = UserAccount(
                username=name, display_name=display_name.strip() or name, role=Role(role).value,
                password_hash=hashed, failed_attempts=0, active=True,
                must_change_password=True, created_at=now, password_changed_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            account = _snapshot(row)
            slot = encryption.password_set(self.ws.db, row.id, name, password, hashed)  # encrypted: opens it
        encryption.password_committed(self.ws.db, account.id, slot)
        return account

    def set_role(self, account_id: int, role: Role) -> Account:
        role = Role(role)
        return self._change(
            account_id, f"修改用户角色为{role.label}", lambda acc: setattr(acc, "role", role.value),
            check_admins=role is not Role.ADMIN,
        )  # fmt: skip

    def set_display_name(self, account_id: int, display_name: str) -> Account:
        text = display_name.strip()
        if len(text) > DISPLAY_NAME_MAX:
            raise _refuse(("display_name", f"姓名不能超过 {DISPLAY_NAME_MAX} 个字"))
        return self._change(
            account_id, "修改用户姓名", lambda acc: setattr(acc, "display_name", text or acc.username)
        )

    def reset_password(self, account_id: int, password: str, again: str) -> Account:
        """An administrator gives a user a new password (forgotten); they must change it at next login."""
        with self.ws.read() as session:
            row = session.get(UserAccount, account_id)
            name = row.username if row is not None else ""
        problems = new_password_problems(password, again, username=name)
        if problems:
            raise _refuse(*[("password", m) for m in problems])
        hashed = self._hash(password)
        now = self.clock()

        def apply(acc: UserAccount) -> None:
            acc.password_hash = hashed
            acc.must_change_password = True
            acc.failed_attempts = 0
            acc.locked_until = None
            acc.password_changed_at = now

        self.ws.db.require(Role.ADMIN, "重设用户密码")
        slot = encryption.password_set(self.ws.db, account_id, name, password, hashed) if name else None
        account = self._change(account_id, "重设用户密码", apply)
        encryption.password_committed(self.ws.db, account_id, slot)
        return account

    def unlock(self, account_id: int) -> Account:
        def apply(acc: UserAccount) -> None:
            acc.failed_attempts = 0
            acc.locked_until = None

        return self._change(account_id, "解锁用户账户", apply)

    def set_active(self, account_id: int, active: bool) -> Account:
        operation = "启用用户账户" if active else "停用用户账户"
        if not active and account_id == self.ws.db.principal.account_id:
            raise _refuse(("account", "不能停用自己正在使用的账户"))
        account = self._change(
            account_id, operation, lambda acc: setattr(acc, "active", active), check_admins=not active
        )
        if not active:
            encryption.account_disabled(
                self.ws.db, account_id
            )  # encrypted: their password no longer opens it
        return account

    def _change(self, account_id: int, operation: str, apply, *, check_admins: bool = False) -> Account:
        """One administrator change to one account; `check_admins`: refuse if it leaves no active
        administrator. A change to one's own account takes effect on the session at once."""
        self.ws.db.require(Role.ADMIN, operation)
        with self.ws.write(operation, needs=Role.ADMIN) as session:
            acc = session.get(UserAccount, account_id)
            if acc is None:
                raise _refuse(("account", "找不到这个账户（可能已被其他电脑修改），请刷新后再试"))
            apply(acc)
            session.flush()
            if check_admins:
                self._check_an_admin_remains(session)
            account = _snapshot(acc, session)
        if account.id == self.ws.db.principal.account_id:
            self.ws.db.sign_in(account.principal)
        return account

    # ---- roles per branch (管理员) ------------------------------------------------------------------
    def grant(self, account_id: int, branch_id: int, role: Role | None) -> Account:
        """Give an account `role` on one branch (above its own role, which holds on every branch);
        None takes the branch's grant away. Only a 管理员 of the whole database grants."""
        from branchdesk.db.models import Branch

        operation = f"设置支部角色为{Role(role).label}" if role is not None else "取消支部角色"
        self.ws.db.require(Role.ADMIN, operation)
        with self.ws.write(operation, needs=Role.ADMIN) as session:
            acc = session.get(UserAccount, account_id)
            if acc is None:
                raise _refuse(("account", "找不到这个账户（可能已被其他电脑修改），请刷新后再试"))
            if session.get(Branch, branch_id) is None:
                raise _refuse(("role", f"没有编号为 {branch_id} 的支部"))
            row = session.scalar(
                select(AccountBranchRole).where(
                    AccountBranchRole.account_id == account_id, AccountBranchRole.branch_id == branch_id
                )
            )
            if role is None:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(
                    AccountBranchRole(account_id=account_id, branch_id=branch_id, role=Role(role).value)
                )
            else:
                row.role = Role(role).value
            session.flush()
            account = _snapshot(acc, session)
        if account.id == self.ws.db.principal.account_id:
            self.ws.db.sign_in(account.principal)
        return account

    @staticmethod
    def _check_an_admin_remains(session) -> None:
        admins = session.scalar(
            select(func.count(UserAccount.id)).where(
                UserAccount.role == Role.ADMIN.value, UserAccount.active.is_(True)
            )
        )
        if not admins:
            raise _refuse(("role", "至少要保留一个可以登录的管理员账户，否则没有人能管理账户和设置"))

    # ---- settings ------------------------------------------------------------------------------
    def set_idle_lock_minutes(self, minutes: int) -> None:
        operation = "修改自动锁定时间"
        self.ws.db.require(Role.ADMIN, operation)
        if not isinstance(minutes, int) or not 0 <= minutes <= IDLE_LOCK_MAX:
            raise _refuse(
                ("idle_lock_minutes", f"自动锁定时间应在 0 到 {IDLE_LOCK_MAX} 分钟之间（0 表示不自动锁定）")
            )
        self.ws.settings.set(IDLE_LOCK_KEY, None if minutes == IDLE_LOCK_DEFAULT else minutes)


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LEN))
