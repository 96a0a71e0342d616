"""Encrypting the database (设置 › 数据安全 › 加密数据库, `branchdesk encrypt`), decrypting it, opening an
encrypted one with a password or the recovery code, and keeping its key file in step with the accounts.

How a file is encrypted and what the key file holds: db/crypto.py. What this module adds:

* **Converting in place, crash-safe.** `encrypt` writes a verified plain backup first (加密前备份), then a
  full encrypted copy beside the database (verified: integrity, SQLCipher's page check, the same rows in
  every table), writes the copy's key file, and switches with one rename (`crypto.install_database`).
  Killed at any moment, the folder holds one complete database that opens: the plain one until the
  rename, the encrypted one (with its key file) after it. `decrypt` is the same the other way, after a
  verified encrypted backup (解密前备份). Afterwards the older plain backups are encrypted too, one by one
  the same way (an interrupted run leaves the rest for the next automatic backup to convert).
* **Who can open it.** The key is wrapped for the administrator's password and for a new recovery code
  (shown once; the old one stops working). Other accounts get their slot the next time they sign in
  while the database is open (switch user, the lock screen) or when an administrator resets their
  password; until then their password does not open the file, and the login says so.
* **Keeping the key file in step** (`password_set` … the hooks AuthService calls): a new password adds a
  slot before the database commits and the old slot goes after, so a crash in between leaves both
  (either password opens; the one the database knows signs in). A deactivated account loses its slots.
* **Opening** (`Gate`): an encrypted file is unlocked before it is opened; LoginDialog and the command
  line use the gate like AuthService (`sign_in`, `reset_with_recovery_code`).

No Qt here.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from branchdesk.db import crypto
from branchdesk.db.backup import BackupError, backup_as_new
from branchdesk.domain.auth import Role, normalize_recovery_code, normalize_username

ENCRYPTED_SETTING = "auth.database_encrypted_at"  # when it was encrypted (database-wide; audited as such)

NO_ACCOUNTS = (
    "这个数据库还没有用户账户，不能加密：加密后要用账户的密码（或管理员恢复码）才能打开数据库。"
    "请先在“设置 › 用户与权限”中创建管理员账户。"
)
POSTGRES = "PostgreSQL 数据库在服务器上，由服务器管理员负责加密（磁盘加密和 TLS 连接），本程序只加密 SQLite 数据库文件。"


class EncryptionError(RuntimeError):
    """Encrypting or decrypting was refused or failed; the database is as it was. Chinese message."""


# ---- the open database's key file --------------------------------------------------------------
class KeyRing:
    """The key file of an open encrypted database, changed together with the accounts."""

    def __init__(self, db_path: Path, key: crypto.DatabaseKey) -> None:
        self.db_path = Path(db_path)
        self.key = key

    @classmethod
    def of(cls, db) -> KeyRing | None:
        if not getattr(db, "encrypted", False):
            return None
        path = Path(db.engine.url.database)
        key = crypto.key_for_file(path)
        return cls(path, key) if key is not None else None

    @property
    def path(self) -> Path:
        return crypto.keyfile_path(self.db_path)

    def read(self) -> crypto.KeyFile:
        return crypto.keyfile_for(self.db_path)

    def _write(self, keyfile: crypto.KeyFile) -> None:
        crypto.write_keyfile(self.path, keyfile)

    def add_account(self, account_id: int, username: str, password: str, password_hash: str) -> crypto.Slot:
        keyfile, slot = self.read().wrap(
            self.key, kind="account", secret=password, account_id=account_id,
            username=normalize_username(username), bound=crypto.fingerprint(password_hash),
        )  # fmt: skip
        self._write(keyfile)
        return slot

    def retire_account(self, account_id: int, keep: crypto.Slot | None) -> None:
        keyfile = self.read()
        self._write(
            keyfile.without(
                lambda s: s.kind == "account" and s.account_id == account_id
                and (keep is None or s.nonce != keep.nonce)
            )
        )  # fmt: skip

    def add_recovery(self, code: str, code_hash: str) -> crypto.Slot:
        keyfile, slot = self.read().wrap(
            self.key,
            kind="recovery",
            secret=normalize_recovery_code(code),
            bound=crypto.fingerprint(code_hash),
        )
        self._write(keyfile)
        return slot

    def retire_recovery(self, keep: crypto.Slot) -> None:
        self._write(self.read().without(lambda s: s.kind == "recovery" and s.nonce != keep.nonce))

    def has_current_slot(self, account_id: int, password_hash: str) -> bool:
        bound = crypto.fingerprint(password_hash)
        return any(
            s.account_id == account_id and s.bound == bound for s in self.read().slots if s.kind == "account"
        )

    def accounts_with_slots(self) -> set[int]:
        return {s.account_id for s in self.read().slots if s.kind == "account" and s.account_id is not None}


# ---- hooks AuthService calls (no-ops on a plain database) ------------------------------------------
def password_set(db, account_id: int, username: str, password: str, password_hash: str) -> crypto.Slot | None:
    """Before the new password commits: a slot for it (the old one stays until `password_committed`)."""
    ring = KeyRing.of(db)
    return ring.add_account(account_id, username, password, password_hash) if ring else None


def password_committed(db, account_id: int, slot: crypto.Slot | None) -> None:
    ring = KeyRing.of(db)
    if ring is not None and slot is not None:
        ring.retire_account(account_id, keep=slot)


def recovery_set(db, code: str, code_hash: str) -> crypto.Slot | None:
    ring = KeyRing.of(db)
    return ring.add_recovery(code, code_hash) if ring else None


def recovery_committed(db, slot: crypto.Slot | None) -> None:
    ring = KeyRing.of(db)
    if ring is not None and slot is not None:
        ring.retire_recovery(keep=slot)


def account_disabled(db, account_id: int) -> None:
    ring = KeyRing.of(db)
    if ring is not None:
        ring.retire_account(account_id, keep=None)


def signed_in(db, account_id: int, username: str, password: str, password_hash: str) -> None:
    """After a sign-in on an open encrypted database: the account's password opens the file from now
    on (a slot made, or remade for a rehashed password), if it did not already."""
    ring = KeyRing.of(db)
    if ring is None or ring.has_current_slot(account_id, password_hash):
        return
    slot = ring.add_account(account_id, username, password, password_hash)
    ring.retire_account(account_id, keep=slot)


def accounts_without_key(db) -> list[str]:
    """Usernames of active accounts whose password does not open the encrypted file (yet)."""
    ring = KeyRing.of(db)
    if ring is None:
        return []
    from sqlalchemy import select

    from branchdesk.db.models_auth import UserAccount

    with db.read() as session:
        rows = session.execute(
            select(UserAccount.id, UserAccount.username).where(UserAccount.active.is_(True))
        )
        accounts = list(rows)
    have = ring.accounts_with_slots()
    return [name for account_id, name in accounts if account_id not in have]


# ---- unlocking ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Unlocked:
    key: crypto.DatabaseKey
    slot: crypto.Slot

    def proof(self, stored_hash: str) -> bool:
        """True when the unwrapped slot was made for exactly this stored hash: the password that opened
        it is then the account's current password (no second argon2 run needed)."""
        return bool(self.slot.bound) and crypto.fingerprint(stored_hash) == self.slot.bound


def unlock(db_path: Path, username: str, password: str) -> Unlocked:
    """The database key through an account's password (remembered for this process)."""
    from branchdesk.services.auth import SignInError

    crypto.settle_keyfiles(db_path)
    keyfile = crypto.keyfile_for(db_path)
    name = normalize_username(username)
    if not name:
        raise SignInError("unknown", "请填写用户名")
    if not keyfile.account_slots(name):
        raise SignInError(
            "unknown",
            f"账户“{name}”不能打开这个加密的数据库：没有这个账户，或者数据库加密后它还没有设置过密码"
            "（请管理员登录后在“设置 › 用户与权限”中为它重设密码）。",
        )
    try:
        key, slot = keyfile.unlock(name, password)
    except crypto.WrongSecret:
        raise SignInError("wrong", "用户名或密码不正确，无法打开加密的数据库。") from None
    crypto.remember(key)
    return Unlocked(key, slot)


def unlock_with_recovery(db_path: Path, code: str) -> Unlocked:
    from branchdesk.services.auth import _refuse

    crypto.settle_keyfiles(db_path)
    keyfile = crypto.keyfile_for(db_path)
    try:
        key, slot = keyfile.unlock_recovery(normalize_recovery_code(code))
    except crypto.WrongSecret:
        raise _refuse(
            ("recovery_code", "恢复码不正确，请核对纸上记下的恢复码（不区分大小写，可不输入横线）")
        ) from None
    crypto.remember(key)
    return Unlocked(key, slot)


def _auth(db):
    """The accounts service of a database (accounts are the whole database's: no branch needed)."""
    from branchdesk.workspace import Workspace

    return Workspace(db).auth


class Gate:
    """Signing in to an encrypted database that is not open yet: the password (or the recovery code)
    unlocks the key, the database opens (and upgrades, backing up first, if due), then the account
    signs in as usual. The login dialog and the command line use it in place of AuthService."""

    def __init__(self, location, *, user: str | None = None, lock=None) -> None:
        self.location = location
        self.user = user
        self.lock = lock  # the sidecar lock the caller holds (db/filelock), for the upgrade
        self.db = None
        self.result = None

    def _open(self):
        if self.db is None:
            from branchdesk.db.migrate import open_database

            self.db, self.result = open_database(self.location, user=self.user, lock=self.lock)
        return self.db

    def sign_in(self, username: str, password: str, *, operation: str = "登录"):

        unlocked = unlock(self.location.sqlite_path, username, password)
        return _auth(self._open()).sign_in(username, password, operation=operation, proof=unlocked.proof)

    def reset_with_recovery_code(self, username: str, code: str, new: str, again: str) -> str:

        unlock_with_recovery(self.location.sqlite_path, code)
        return _auth(self._open()).reset_with_recovery_code(username, code, new, again)

    def account(self, _username: str):
        return None


# ---- converting ----------------------------------------------------------------------------------
# Test hook: called with the name of each step (a test kills the process at one of them).
STEPS = ("checked", "backup", "copy", "copy-verified", "keyfile", "switch", "switched", "backups")


def _step(name: str, on_step: Callable[[str], None] | None) -> None:
    if on_step is not None:
        on_step(name)


@dataclass(frozen=True)
class EncryptionResult:
    backup: Path  # the verified backup taken first (encrypted too by the end)
    recovery_code: str | None  # encrypt: the new recovery code, shown once
    backups_converted: int = 0
    backups_failed: tuple[Path, ...] = ()
    accounts_without_key: tuple[str, ...] = ()  # encrypt: they need a reset or a sign-in while open


def _confirm_admin(db, username: str, password: str, operation: str):
    from branchdesk.services.auth import SignInError

    auth = _auth(db)
    if not auth.has_accounts():
        raise EncryptionError(NO_ACCOUNTS)
    try:
        signed = auth.sign_in(username, password, operation=f"确认身份：{operation}")
    except SignInError as exc:
        raise EncryptionError(str(exc)) from None
    if not signed.principal.is_admin:
        raise EncryptionError(f"只有管理员可以{operation}。")
    return signed.principal


def _snapshot_of(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


def _fold_wal(path: Path) -> None:
    """Checkpoint the WAL into the file and leave rollback-journal mode, so the file alone is the whole
    database (nothing in -wal to lose or to meet the new file). Needs the only connection."""
    errors = (*crypto.database_errors(), crypto.CryptoError)
    try:
        con = crypto.connect(path, timeout=1)
        try:
            con.isolation_level = None
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        finally:
            con.close()
    except errors as exc:
        raise EncryptionError(f"数据库正被使用（{exc}），请关闭其他打开它的程序（或窗口）后再试。") from None
    if str(mode).lower() != "delete":
        raise EncryptionError("数据库正被其他程序使用，请关闭后再试。")
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _same_rows(source: Path, copy: Path, source_key, copy_key) -> None:
    before = crypto.table_counts(source, source_key)
    after = crypto.table_counts(copy, copy_key)
    if before != after:
        differ = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
        raise EncryptionError(
            f"副本与数据库的数据不一致（{'、'.join(differ[:5])}），已取消，数据库保持原样。"
        )


def encrypt(location, db, username: str, password: str, *, on_step: Callable[[str], None] | None = None,
            convert_backups: bool = True) -> EncryptionResult:  # fmt: skip
    """Encrypt the SQLite database of `location` (open as `db`) in place; the administrator confirms
    with their password. `db` is reopened on the encrypted file when it returns."""

    operation = "加密数据库"
    path = location.sqlite_path
    if path is None:
        raise EncryptionError(POSTGRES)
    if db.encrypted or crypto.is_encrypted(path):
        raise EncryptionError("数据库已经加密了。")
    principal = _confirm_admin(db, username, password, operation)
    _step("checked", on_step)
    db.engine.dispose()
    staged = path.with_name(f".{path.name}.encrypting.tmp")
    try:
        _fold_wal(path)
        _step("backup", on_step)
        backup = backup_as_new(path, location.backup_dir(), "加密前备份")
        before = _snapshot_of(path)
        _step("copy", on_step)
        key = crypto.DatabaseKey.new()
        crypto.export(path, staged, key)
        if crypto.check_file(staged, key) != "ok":
            raise EncryptionError("加密后的副本未通过完整性检查，已取消，数据库保持原样。")
        _same_rows(path, staged, None, key)
        _step("copy-verified", on_step)
        crypto.remember(key)
        code = _key_the_copy(staged, key, principal, password, operation)
        crypto.fsync_file(staged)
        _step("keyfile", on_step)
        if _snapshot_of(path) != before:
            raise EncryptionError(
                "加密过程中数据库被其他程序修改了，已取消加密，数据库保持原样，请关闭其他程序后重试。"
            )
        _step("switch", on_step)
        crypto.install_database(staged, path)
        _carry_anchor(staged, path)
        _step("switched", on_step)
    except (BackupError, crypto.CryptoError, OSError) as exc:
        raise EncryptionError(f"加密没有完成，数据库保持原样：{exc}") from None
    finally:
        _discard(staged)
        db.reconnect()
    db.sign_in(principal)
    converted, failed = (0, ())
    if convert_backups:
        _step("backups", on_step)
        converted, failed = encrypt_backups(location, key)
    return EncryptionResult(
        backup=backup, recovery_code=code, backups_converted=converted, backups_failed=tuple(failed),
        accounts_without_key=tuple(n for n in accounts_without_key(db) if n != principal.username),
    )  # fmt: skip


def _key_the_copy(staged: Path, key, principal, password: str, operation: str) -> str:
    """In the encrypted copy, before the switch: the key file with the administrator's password, a new
    recovery code (its hash in the copy, its slot in the key file) and the audited setting."""
    from sqlalchemy import select

    from branchdesk.db.engine import Database
    from branchdesk.db.models_auth import UserAccount
    from branchdesk.workspace import Workspace

    sdb = Database(f"sqlite:///{staged}")
    try:
        sdb.sign_in(principal)
        with sdb.read() as session:
            admin_hash = session.scalar(
                select(UserAccount.password_hash).where(UserAccount.id == principal.account_id)
            )
        keyfile = crypto.KeyFile(key.key_id)
        keyfile, _ = keyfile.wrap(key, kind="account", secret=password, account_id=principal.account_id,
                                  username=principal.username, bound=crypto.fingerprint(admin_hash))  # fmt: skip
        crypto.write_keyfile(crypto.keyfile_path(staged), keyfile)
        code = _auth(sdb).new_recovery_code()  # the hooks add its slot to the copy's key file
        with sdb.write(operation) as session:
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            Workspace(sdb).settings.set_in(session, ENCRYPTED_SETTING, now)
    finally:
        sdb.dispose()
    _fold_wal(staged)
    return code


def decrypt(location, db, username: str, password: str, *, on_step: Callable[[str], None] | None = None) -> EncryptionResult:  # fmt: skip
    """Turn the encrypted database back into a plain SQLite file, the same crash-safe way."""
    operation = "解除数据库加密"
    path = location.sqlite_path
    if path is None:
        raise EncryptionError(POSTGRES)
    if not crypto.is_encrypted(path):
        raise EncryptionError("数据库没有加密。")
    principal = _confirm_admin(db, username, password, operation)
    _step("checked", on_step)
    db.engine.dispose()
    staged = path.with_name(f".{path.name}.decrypting.tmp")
    try:
        _fold_wal(path)
        _step("backup", on_step)
        backup = backup_as_new(path, location.backup_dir(), "解密前备份")
        before = _snapshot_of(path)
        _step("copy", on_step)
        crypto.export(path, staged, None)
        if crypto.check_file(staged) != "ok":
            raise EncryptionError("解密后的副本未通过完整性检查，已取消，数据库保持原样。")
        _same_rows(path, staged, None, None)
        _step("copy-verified", on_step)
        _unmark(staged, principal, operation)
        crypto.fsync_file(staged)
        _step("keyfile", on_step)
        if _snapshot_of(path) != before:
            raise EncryptionError(
                "解密过程中数据库被其他程序修改了，已取消，数据库保持原样，请关闭其他程序后重试。"
            )
        _step("switch", on_step)
        crypto.install_database(staged, path)
        _carry_anchor(staged, path)
        _step("switched", on_step)
    except (BackupError, crypto.CryptoError, OSError) as exc:
        raise EncryptionError(f"解除加密没有完成，数据库保持原样：{exc}") from None
    finally:
        _discard(staged)
        db.reconnect()
    db.sign_in(principal)
    return EncryptionResult(backup=backup, recovery_code=None)


def _unmark(staged: Path, principal, operation: str) -> None:
    from branchdesk.db.engine import Database
    from branchdesk.workspace import Workspace

    sdb = Database(f"sqlite:///{staged}")
    try:
        sdb.sign_in(principal)
        with sdb.write(operation) as session:
            Workspace(sdb).settings.set_in(session, ENCRYPTED_SETTING, None)
    finally:
        sdb.dispose()
    _fold_wal(staged)


def _discard(staged: Path) -> None:
    from branchdesk.db.filelock import anchor_path, lock_path

    keys = crypto.keyfile_path(staged)
    for leftover in (staged, keys, keys.with_name(keys.name + ".tmp"), *crypto.sidecars(staged),
                     anchor_path(staged), lock_path(staged)):  # fmt: skip
        leftover.unlink(missing_ok=True)


def _carry_anchor(staged: Path, path: Path) -> None:
    """The copy's audit anchor (its key slots were written through the unit of work) becomes the
    database's: the same history, one step further."""
    from branchdesk.db.filelock import anchor_path

    if anchor_path(staged).exists():
        os.replace(anchor_path(staged), anchor_path(path))


def encrypted_since(db) -> dt.datetime | None:
    from branchdesk.workspace import Workspace

    value = Workspace(db).settings.get(ENCRYPTED_SETTING)
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


# ---- backups ---------------------------------------------------------------------------------------
def plain_backups(location) -> list[Path]:
    """Plain SQLite files among this database's backups (what an encrypted database should not leave)."""
    if location.sqlite_path is None:
        return []
    root = location.backup_dir()
    for path in root.rglob("*.sqlite"):  # finish what an interrupted conversion left
        crypto.settle_keyfiles(path)
    return sorted(
        p for p in root.rglob("*.sqlite")
        if p.is_file() and crypto.header(p) == crypto.PLAIN_HEADER
    )  # fmt: skip


def encrypt_backups(location, key: crypto.DatabaseKey | None = None) -> tuple[int, list[Path]]:
    """Encrypt the plain backups of an encrypted database in place, each the crash-safe way (full
    encrypted copy, verified, its key file, one rename). Returns (converted, files that failed)."""
    db_path = location.sqlite_path
    if db_path is None or not crypto.is_encrypted(db_path):
        return 0, []
    key = key or crypto.key_for_file(db_path)
    if key is None:
        return 0, []
    converted, failed = 0, []
    for path in plain_backups(location):
        staged = path.with_name(f".{path.name}.encrypting.tmp")
        try:
            stat = path.stat()
            crypto.export(path, staged, key)
            if crypto.check_file(staged, key) != "ok":
                raise EncryptionError("integrity")
            _same_rows(path, staged, None, key)
            crypto.copy_keyfile(db_path, crypto.keyfile_path(staged))
            os.utime(staged, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            crypto.install_database(staged, path)
            converted += 1
        except (EncryptionError, crypto.CryptoError, OSError, *crypto.database_errors()):
            failed.append(path)
        finally:
            _discard(staged)
    return converted, failed


__all__ = [
    "ENCRYPTED_SETTING",
    "NO_ACCOUNTS",
    "EncryptionError",
    "EncryptionResult",
    "Gate",
    "KeyRing",
    "Role",
    "decrypt",
    "encrypt",
    "encrypt_backups",
    "unlock",
    "unlock_with_recovery",
]
