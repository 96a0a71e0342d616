"""The command line's accounts and encryption (issue 19): `users add`, `encrypt`, `decrypt`, and the
login an encrypted database asks for — a username and password on the terminal (the password unseen),
or `BRANCHDESK_USER` + `BRANCHDESK_PASSWORD_FILE` for scheduled scripts. A wrong password is one Chinese
line (exit 2, cli.main). Never imports PySide6.
"""

from __future__ import annotations

import sys
from pathlib import Path

from branchdesk.cli import CliError, _open

ROLES = {"管理员": "admin", "委员": "committee", "查阅": "viewer", "admin": "admin", "committee": "committee",
          "viewer": "viewer", "组织员": "organiser", "organiser": "organiser"}  # fmt: skip
ENV_USER = "BRANCHDESK_USER"
ENV_PASSWORD_FILE = "BRANCHDESK_PASSWORD_FILE"
ENV_NEW_PASSWORD_FILE = "BRANCHDESK_NEW_PASSWORD_FILE"


def _read_secret_file(variable: str) -> str | None:
    import os

    name = os.environ.get(variable)
    if not name:
        return None
    try:
        text = Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"无法读取 {variable} 指定的密码文件 {name}：{exc.strerror or exc}") from None
    return text.rstrip("\r\n")


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _credentials(why: str) -> tuple[str, str]:
    """A username and password: BRANCHDESK_USER + BRANCHDESK_PASSWORD_FILE (scripts), else asked on the
    terminal (the password unseen)."""
    import os

    user, password = os.environ.get(ENV_USER), _read_secret_file(ENV_PASSWORD_FILE)
    if user and password is not None:
        return user, password
    if not _interactive():
        raise CliError(
            f"{why}：请在终端中运行并输入用户名和密码，或设置环境变量 {ENV_USER} 和 {ENV_PASSWORD_FILE}（密码文件）。"
        )
    from getpass import getpass

    try:
        if not user:
            user = input("用户名：").strip()
        if password is None:
            password = getpass("密码：")
    except (EOFError, KeyboardInterrupt):
        raise CliError("已取消") from None
    return user, password


def _new_password(name: str) -> str:
    """The password of an account being created: BRANCHDESK_NEW_PASSWORD_FILE, or asked twice."""
    given = _read_secret_file(ENV_NEW_PASSWORD_FILE)
    if given is not None:
        return given
    if not _interactive():
        raise CliError(
            f"请在终端中运行以输入账户 {name} 的密码，或用环境变量 {ENV_NEW_PASSWORD_FILE} 指定密码文件。"
        )
    from getpass import getpass

    try:
        first = getpass(f"账户 {name} 的密码：")
        again = getpass("再输一次：")
    except (EOFError, KeyboardInterrupt):
        raise CliError("已取消") from None
    if first != again:
        raise CliError("两次输入的密码不一致，账户没有添加。")
    return first


def needs_unlock(location) -> bool:
    from branchdesk.db import crypto

    return crypto.needs_unlock(location.sqlite_path)


def open_encrypted(location, args=None, *, lock=None):
    """Unlock an encrypted database with an account's password and sign that account in: from then on
    the command runs with its role (and the audit trail names it)."""
    from branchdesk.services.auth import SignInError
    from branchdesk.services.encryption import Gate

    user, password = _credentials("数据库已加密，需要用账户密码打开")
    gate = Gate(location, lock=lock)
    try:
        gate.sign_in(user, password, operation="登录（命令行）")
    except SignInError as exc:
        if gate.db is not None:
            gate.db.dispose()
        raise CliError(str(exc)) from None
    if args is not None:
        args.credentials = (user, password)  # `decrypt` confirms with the same account
    return gate.db, gate.result


def location_of(args):
    from branchdesk.config import resolve_location

    return resolve_location(args.db)


def grant_user(args) -> int:
    """`--branch B users grant NAME --role R`: NAME's role on branch B (above their own; --role 无 takes
    it away). A signed-in 管理员 of the database grants."""
    from branchdesk.domain.auth import Role
    from branchdesk.services.auth import SignInError
    from branchdesk.workspace import Workspace

    if not args.username or not args.role:
        raise CliError(
            "用法：branchdesk --branch 支部 users grant 用户名 --role 管理员（--role 无 表示取消）"
        )
    _, db = _open(args, write=True)
    try:
        ws = Workspace.open(db, getattr(args, "branch", None))
        auth = ws.auth
        if not auth.has_accounts():
            raise CliError("尚未启用用户账户（branchdesk users add 用户名 --role 管理员）")
        if not db.principal.has_account:
            user, password = _credentials("设置支部角色需要管理员登录")
            try:
                auth.sign_in(user, password, operation="登录（命令行）")
            except SignInError as exc:
                raise CliError(str(exc)) from None
        account = auth.account(args.username)
        if account is None:
            raise CliError(f"没有用户名为“{args.username}”的账户")
        role = None if args.role == "无" else Role(ROLES[args.role])
        account = auth.grant(account.id, ws.branch_id, role)
        name = ws.branch.profile().name
        print(f"账户 {account.username} 在“{name}”的角色：{account.role_on(ws.branch_id).label}。")
        return 0
    finally:
        db.dispose()


def add_user(args) -> int:
    """`users add NAME --role R`: the first account of a database (an administrator, no login needed), or
    another one added by a signed-in administrator."""
    from branchdesk.domain.auth import Role
    from branchdesk.services.auth import SignInError
    from branchdesk.workspace import Workspace

    if not args.username:
        raise CliError("请给出要添加的用户名，例如：branchdesk users add wangshuji --role 管理员")
    if not args.role or args.role == "无":
        raise CliError("请用 --role 指定角色：管理员、组织员、委员或查阅")
    role = Role(ROLES[args.role])
    _, db = _open(args, write=True)
    try:
        auth = Workspace(db).auth
        if not auth.has_accounts():
            if role is not Role.ADMIN:
                raise CliError("数据库的第一个账户必须是管理员（--role 管理员）")
            password = _new_password(args.username)
            created = auth.create_first_admin(args.username, args.display_name, password, password)
            print(f"已创建管理员账户 {created.account.username}。管理员恢复码（只显示这一次，请抄下保管）：")
            print(created.recovery_code)
            return 0
        if not db.principal.has_account:  # a plain database: the administrator signs in first
            user, password = _credentials("添加账户需要管理员登录")
            try:
                auth.sign_in(user, password, operation="登录（命令行）")
            except SignInError as exc:
                raise CliError(str(exc)) from None
        password = _new_password(args.username)
        account = auth.add_account(args.username, args.display_name, role, password, password)
        print(f"已添加账户 {account.username}（{account.role.label}）；第一次登录时需要修改密码。")
        return 0
    finally:
        db.dispose()


def reset_admin_encrypted(args) -> int:
    """Forgotten administrator password on an encrypted database: the recovery code opens it."""
    from getpass import getpass

    from branchdesk.services.encryption import Gate

    if not _interactive():
        raise CliError("请在终端中运行，以输入恢复码和新密码。")
    code = input("恢复码：")
    new = getpass("新密码：")
    again = getpass("再输一次新密码：")
    from branchdesk.cli import _lock_for_writing

    location = location_of(args)
    gate = Gate(location, lock=_lock_for_writing(location))
    try:
        fresh = gate.reset_with_recovery_code(args.reset_admin, code, new, again)
    finally:
        if gate.db is not None:
            gate.db.dispose()
    print(
        f"管理员 {args.reset_admin} 的密码已重新设置。旧恢复码已作废，新的恢复码（只显示这一次，请抄下保管）："
    )
    print(fresh)
    return 0


def cmd_encrypt(args) -> int:
    from branchdesk.services import encryption

    location, db = _open(args, write=True)
    try:
        if location.sqlite_path is None:
            raise CliError(encryption.POSTGRES)
        if db.encrypted:
            raise CliError("数据库已经加密了。")
        from branchdesk.workspace import Workspace

        if not Workspace(db).auth.has_accounts():
            raise CliError(encryption.NO_ACCOUNTS + "（命令行：branchdesk users add 用户名 --role 管理员）")
        user, password = _credentials("加密数据库需要管理员的用户名和密码")
        result = encryption.encrypt(location, db, user, password)
    finally:
        db.dispose()
    print(f"数据库已加密：{location.sqlite_path}")
    print(f"密钥文件：{location.sqlite_path.name}.keys（必须与数据库文件放在一起；复制数据库时一起复制）")
    print(f"加密前的备份（也已加密）：{result.backup}")
    if result.backups_converted:
        print(f"已把 {result.backups_converted} 个原有备份也加密了。")
    for path in result.backups_failed:
        print(f"注意：备份 {path} 无法加密（可能已损坏），仍是未加密的文件，请检查后删除。", file=sys.stderr)
    if result.accounts_without_key:
        print("以下账户需要管理员重设密码（或在程序窗口中登录一次）后才能打开加密的数据库："
              + "、".join(result.accounts_without_key))  # fmt: skip
    print("新的管理员恢复码（旧恢复码已作废；只显示这一次，请抄下保管）：")
    print(result.recovery_code)
    return 0


def cmd_decrypt(args) -> int:
    from branchdesk.services import encryption

    location, db = _open(args, write=True)
    try:
        if location.sqlite_path is None:
            raise CliError(encryption.POSTGRES)
        if not db.encrypted:
            raise CliError("数据库没有加密。")
        credentials = getattr(args, "credentials", None)  # the account that unlocked it
        user, password = credentials or _credentials("解除加密需要管理员的用户名和密码")
        result = encryption.decrypt(location, db, user, password)
    finally:
        db.dispose()
    print(f"数据库已解除加密：{location.sqlite_path}")
    print(f"解除加密前的备份（加密的）：{result.backup}")
    return 0


def unlock_backup(path: Path) -> None:
    """An encrypted backup: a password of the backup's time, or its recovery code (asked on the terminal
    when the user name is left empty), unlocks it."""
    from branchdesk.db import crypto
    from branchdesk.services import encryption
    from branchdesk.services.auth import SignInError

    if not crypto.needs_unlock(path):
        return
    import os

    if not (os.environ.get(ENV_USER) and os.environ.get(ENV_PASSWORD_FILE)) and _interactive():
        print("这个备份已加密：请输入备份时的账户用户名和密码；用恢复码时，用户名留空直接回车。")
        user = input("用户名：").strip()
        if not user:
            code = input("备份时的管理员恢复码：")
            encryption.unlock_with_recovery(path, code)
            return
        from getpass import getpass

        password = getpass("密码：")
    else:
        user, password = _credentials("这个备份已加密，需要备份时的账户密码")
    try:
        encryption.unlock(path, user, password)
    except SignInError as exc:
        raise CliError(f"无法打开加密的备份：{exc}") from None
