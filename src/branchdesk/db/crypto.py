"""Encryption at rest (issue 19): SQLCipher files, the database key, and the key file beside each
encrypted file.

An encrypted database is a SQLCipher 4 file opened with a *raw* key: 32 random bytes plus a 16-byte
salt (``PRAGMA key = "x'<key><salt>'"``). SQLCipher writes that salt as the first 16 bytes of the file,
so the salt doubles as the key's public id: any file starting with it (the database, its backups, an
encrypted pre-upgrade copy) opens with the same key, and a file starting with ``SQLite format 3`` is
plain. No passphrase derivation runs when a connection opens (the raw key skips SQLCipher's PBKDF2),
so an encrypted connection costs what a plain one does, plus the page cipher.

The key itself never touches the disk in clear. The *key file* ``<database>.keys`` (JSON, beside the
database and beside each encrypted backup) holds it wrapped (AES-256-GCM) once per secret that may open
the file: each account's password and the administrator recovery code, each through a key derived with
argon2id (the parameters the password hashes use, RFC 9106 low-memory profile) and a salt of its own.
A slot's associated data binds it to the key id, its kind, its account and the password hash it was
made for (``bound``), so nobody can move a slot to another account or swap its fingerprint unnoticed.

Opening an encrypted file takes the key from the process's *unlocked keys* (`remember` after a
password unwrapped it), found by the file's salt: every layer below (engine, migrations, backups,
restore) asks `key_for_file(path)` instead of passing keys around, and `make_engine` picks the
``sqlite+pysqlcipher`` dialect for an encrypted file by itself. The key is never logged: `DatabaseKey`
hides itself in repr, SQLAlchemy hides the URL's password, and SQLCipher's own log is switched off.

No Qt here, and sqlcipher3 / cryptography are imported only when an encrypted file is touched.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

PLAIN_HEADER = b"SQLite format 3\x00"
KEYFILE_SUFFIX = ".keys"
NEW_KEYFILE_SUFFIX = ".keys.new"  # a key file being installed (restore, encryption): see install_database
FORMAT = "branchdesk-keys/1"
KEY_BYTES, SALT_BYTES = 32, 16


class CryptoError(RuntimeError):
    """Something about an encrypted file; the message says what, in Chinese."""


class WrongSecret(CryptoError):
    """The password or recovery code does not open the key file."""


class KeyNeeded(CryptoError):
    """The file is encrypted and no unlocked key in this process opens it."""


class MissingKeyFile(CryptoError):
    """The file is encrypted but its key file is not beside it."""


# ---- files -------------------------------------------------------------------------------------
# The first bytes of the database files this process has open through SQLite, by file identity. On
# POSIX, closing ANY descriptor of a file drops every lock the process holds on it, SQLite's included
# (issue 11 §1: another program could then checkpoint away the running window's WAL). So a file that
# an engine of this process has open is never opened again to look at its header: the bytes read
# before the engine opened it are kept here. They never change for the file's life (a plain file's
# magic, an encrypted file's salt; encrypting or decrypting writes a new file).
_LIVE_HEADERS: dict[tuple[int, int], list] = {}  # (st_dev, st_ino) -> [header, holders]


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # stat opens nothing
    except OSError:
        return None
    return st.st_dev, st.st_ino


def hold_header(path: Path, *, new_plain: bool = False) -> tuple[int, int] | None:
    """Before (or, for a file SQLite just created, right after) an engine opens `path`: remember its
    header so that `header` never opens the live file again. Returns the handle for `release_header`."""
    ident = _identity(path)
    if ident is None:
        return None
    held = _LIVE_HEADERS.get(ident)
    if held is None:
        head = _read_header(path)
        if new_plain and len(head) < len(PLAIN_HEADER):
            head = PLAIN_HEADER  # an empty file a plain engine is creating becomes a plain database
        _LIVE_HEADERS[ident] = held = [head, 0]
    held[1] += 1
    return ident


def release_header(ident: tuple[int, int] | None) -> None:
    held = _LIVE_HEADERS.get(ident) if ident is not None else None
    if held is not None:
        held[1] -= 1
        if held[1] <= 0:
            del _LIVE_HEADERS[ident]


def header(path: Path) -> bytes:
    ident = _identity(path)
    held = _LIVE_HEADERS.get(ident) if ident is not None else None
    if held is not None:
        return held[0]
    return _read_header(path)


def _read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(16)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return b""


def is_encrypted(path: Path | None) -> bool:
    """Whether the file at `path` is a SQLCipher database (not a plain SQLite file, not empty)."""
    if path is None:
        return False
    head = header(Path(path))
    return len(head) == 16 and head != PLAIN_HEADER


def keyfile_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + KEYFILE_SUFFIX)


def has_keyfile(path: Path) -> bool:
    return keyfile_path(path).exists() or new_keyfile_path(path).exists()


def needs_unlock(path: Path | None) -> bool:
    """An encrypted file with its key file beside it, and no unlocked key for it in this process."""
    return path is not None and is_encrypted(path) and key_for_file(path) is None and has_keyfile(path)


def new_keyfile_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name + NEW_KEYFILE_SUFFIX)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- the database key --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DatabaseKey:
    secret: bytes = field(repr=False)
    salt: bytes = field(repr=False)

    @classmethod
    def new(cls) -> DatabaseKey:
        return cls(secrets.token_bytes(KEY_BYTES), secrets.token_bytes(SALT_BYTES))

    @property
    def key_id(self) -> str:
        """Public: the first 16 bytes of every file this key encrypts, in hex."""
        return self.salt.hex()

    @property
    def pragma(self) -> str:
        """The value of ``PRAGMA key`` (raw key and salt), already quoted: never log it."""
        return f"\"x'{(self.secret + self.salt).hex()}'\""

    @property
    def url_password(self) -> str:
        """What the sqlite+pysqlcipher dialect puts, quoted, into ``PRAGMA key``."""
        return f"x'{(self.secret + self.salt).hex()}'"

    def __repr__(self) -> str:
        return f"DatabaseKey(id={self.key_id[:8]}…)"


_UNLOCKED: dict[bytes, DatabaseKey] = {}


def remember(key: DatabaseKey) -> None:
    """Keep an unlocked key for this process (files are matched to it by their first 16 bytes)."""
    _UNLOCKED[key.salt] = key


def forget_all() -> None:
    _UNLOCKED.clear()


def key_for_file(path: Path) -> DatabaseKey | None:
    head = header(Path(path))
    return _UNLOCKED.get(head) if len(head) == 16 and head != PLAIN_HEADER else None


def require_key(path: Path) -> DatabaseKey:
    key = key_for_file(path)
    if key is None:
        raise KeyNeeded(f"数据库文件 {Path(path).name} 已加密，需要用账户密码或恢复码解锁后才能打开。")
    return key


# ---- the key file ------------------------------------------------------------------------------
@dataclass(frozen=True)
class KdfParams:
    """argon2id, as the password hashes (argon2-cffi's defaults: RFC 9106 low-memory profile)."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4

    @classmethod
    def passwords(cls) -> KdfParams:
        from argon2 import PasswordHasher

        ph = PasswordHasher()
        return cls(ph.time_cost, ph.memory_cost, ph.parallelism)


@dataclass(frozen=True)
class Slot:
    """The database key wrapped by one secret (an account's password, or the recovery code)."""

    kind: str  # "account" | "recovery"
    account_id: int | None
    username: str
    bound: str  # SHA-256 of the stored password/recovery hash the slot was made for ("" if none)
    kdf_salt: bytes
    kdf: KdfParams
    nonce: bytes
    wrapped: bytes
    created_at: str

    def aad(self, key_id: str) -> bytes:
        return "|".join(
            [FORMAT, key_id, self.kind, str(self.account_id or ""), self.username, self.bound]
        ).encode()

    def to_json(self) -> dict:
        return {
            "kind": self.kind, "account_id": self.account_id, "username": self.username, "bound": self.bound,
            "kdf": {"alg": "argon2id", "t": self.kdf.time_cost, "m": self.kdf.memory_cost,
                    "p": self.kdf.parallelism, "salt": _b64(self.kdf_salt)},
            "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped), "created_at": self.created_at,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> Slot:
        kdf = data["kdf"]
        if kdf.get("alg") != "argon2id":
            raise CryptoError("密钥文件使用了本程序不认识的密钥派生方法")
        return cls(
            kind=data["kind"], account_id=data.get("account_id"), username=data.get("username", ""),
            bound=data.get("bound", ""), kdf_salt=_unb64(kdf["salt"]),
            kdf=KdfParams(int(kdf["t"]), int(kdf["m"]), int(kdf["p"])), nonce=_unb64(data["nonce"]),
            wrapped=_unb64(data["wrapped"]), created_at=data.get("created_at", ""),
        )  # fmt: skip


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def fingerprint(stored_hash: str | None) -> str:
    """What a slot records of the password hash it was made for (never the hash itself)."""
    return hashlib.sha256(stored_hash.encode()).hexdigest() if stored_hash else ""


def _derive(secret: str, salt: bytes, kdf: KdfParams) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret.encode("utf-8"), salt, kdf.time_cost, kdf.memory_cost, kdf.parallelism, 32, Type.ID
    )


@dataclass(frozen=True)
class KeyFile:
    key_id: str
    slots: tuple[Slot, ...] = ()

    # ---- wrapping ----
    def wrap(self, key: DatabaseKey, *, kind: str, secret: str, account_id: int | None = None,
             username: str = "", bound: str = "", kdf: KdfParams | None = None) -> tuple[KeyFile, Slot]:  # fmt: skip
        """A new key file with one more slot opening `key` with `secret` (returned too)."""
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if key.key_id != self.key_id:
            raise CryptoError("密钥与密钥文件不符")
        kdf = kdf or KdfParams.passwords()
        slot = Slot(kind, account_id, username, bound, secrets.token_bytes(16), kdf, secrets.token_bytes(12),
                    b"", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))  # fmt: skip
        kek = _derive(secret, slot.kdf_salt, kdf)
        wrapped = AESGCM(kek).encrypt(slot.nonce, key.secret, slot.aad(self.key_id))
        slot = replace(slot, wrapped=wrapped)
        return replace(self, slots=(*self.slots, slot)), slot

    def open_slot(self, slot: Slot, secret: str) -> DatabaseKey | None:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        kek = _derive(secret, slot.kdf_salt, slot.kdf)
        try:
            raw = AESGCM(kek).decrypt(slot.nonce, slot.wrapped, slot.aad(self.key_id))
        except InvalidTag:
            return None
        return DatabaseKey(raw, bytes.fromhex(self.key_id))

    def account_slots(self, username: str) -> list[Slot]:
        return [s for s in reversed(self.slots) if s.kind == "account" and s.username == username]

    def recovery_slots(self) -> list[Slot]:
        return [s for s in reversed(self.slots) if s.kind == "recovery"]

    def unlock(self, username: str, password: str) -> tuple[DatabaseKey, Slot]:
        """The key through `username`'s password (newest slot first); WrongSecret otherwise."""
        for slot in self.account_slots(username):
            key = self.open_slot(slot, password)
            if key is not None:
                return key, slot
        raise WrongSecret("用户名或密码不正确")

    def unlock_recovery(self, code: str) -> tuple[DatabaseKey, Slot]:
        for slot in self.recovery_slots():
            key = self.open_slot(slot, code)
            if key is not None:
                return key, slot
        raise WrongSecret("恢复码不正确")

    def without(self, predicate) -> KeyFile:
        return replace(self, slots=tuple(s for s in self.slots if not predicate(s)))

    # ---- storage ----
    def to_json(self) -> str:
        payload = {
            "format": FORMAT,
            "note": "branchdesk 数据库密钥文件：请与同名的数据库文件放在一起（复制或移动数据库时一起复制）。",
            "key_id": self.key_id,
            "cipher": "sqlcipher4-rawkey",
            "slots": [s.to_json() for s in self.slots],
        }
        return json.dumps(payload, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> KeyFile:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise CryptoError("密钥文件的格式不是本程序认识的格式")
            return cls(data["key_id"], tuple(Slot.from_json(s) for s in data.get("slots", [])))
        except (ValueError, KeyError, TypeError) as exc:
            raise CryptoError(f"密钥文件已损坏，无法读取（{type(exc).__name__}）") from None


def read_keyfile(path: Path) -> KeyFile:
    try:
        return KeyFile.from_json(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingKeyFile(f"缺少密钥文件 {Path(path).name}") from None


def _tmp(path: Path) -> Path:
    return path.with_name(path.name + ".tmp")


def write_keyfile(path: Path, keyfile: KeyFile) -> Path:
    """Write a key file atomically (temporary file, fsync, rename, fsync of the folder)."""
    path = Path(path)
    tmp = _tmp(path)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(keyfile.to_json())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


def copy_keyfile(source_db: Path, dest: Path) -> Path:
    """Copy the key file of `source_db` (the one whose key id matches it) to `dest` atomically."""
    keyfile = keyfile_for(source_db)
    return write_keyfile(dest, keyfile)


def keyfile_for(db_path: Path) -> KeyFile:
    """The key file that opens the encrypted file `db_path`: ``.keys``, or ``.keys.new`` when an
    installation was interrupted after the database was replaced (the file's first bytes decide)."""
    db_path = Path(db_path)
    head = header(db_path)
    found = None
    for candidate in (keyfile_path(db_path), new_keyfile_path(db_path)):
        if candidate.exists():
            keyfile = read_keyfile(candidate)
            if bytes.fromhex(keyfile.key_id) == head:
                return keyfile
            found = candidate
    if found is not None:
        raise CryptoError(
            f"密钥文件 {found.name} 与数据库文件 {db_path.name} 不配套（可能复制了另一个数据库的密钥文件）。"
        )
    raise MissingKeyFile(
        f"数据库文件 {db_path.name} 已加密，但旁边缺少它的密钥文件 {keyfile_path(db_path).name}。"
        "复制或移动加密的数据库（或备份）时，请把同名的 .keys 文件一起复制。"
    )


def settle_keyfiles(db_path: Path) -> None:
    """Finish or undo what an interrupted switch left beside `db_path` (cheap; at every open).

    The database file decides: plain → its key files are stale and removed; encrypted → the key file
    whose id matches it becomes ``.keys`` and the other one goes.
    """
    db_path = Path(db_path)
    for kind in ("encrypting", "decrypting"):  # a copy an interrupted encrypt/decrypt left half-made
        staged = db_path.with_name(f".{db_path.name}.{kind}.tmp")
        from branchdesk.db.filelock import anchor_path, lock_path

        for leftover in (staged, keyfile_path(staged), _tmp(keyfile_path(staged)), *sidecars(staged),
                         anchor_path(staged), lock_path(staged)):  # fmt: skip
            leftover.unlink(missing_ok=True)
    _tmp(keyfile_path(db_path)).unlink(missing_ok=True)  # a key file being written when the process died
    keys, new = keyfile_path(db_path), new_keyfile_path(db_path)
    if not keys.exists() and not new.exists():
        return
    head = header(db_path)
    if not is_encrypted(db_path):
        if head == PLAIN_HEADER or not db_path.exists():
            for stale in (keys, new):
                stale.unlink(missing_ok=True)
        return
    if new.exists():
        try:
            matches = bytes.fromhex(read_keyfile(new).key_id) == head
        except CryptoError:
            matches = False
        if matches:
            os.replace(new, keys)
            fsync_dir(db_path.parent)
        else:
            new.unlink(missing_ok=True)


def sidecars(path: Path) -> list[Path]:
    """The journal files SQLite may leave beside a database file."""
    path = Path(path)
    return [path.with_name(path.name + suffix) for suffix in ("-journal", "-wal", "-shm")]


def unlink_with_keys(path: Path) -> None:
    Path(path).unlink()
    keyfile_path(path).unlink(missing_ok=True)


# ---- connections -------------------------------------------------------------------------------
def sqlcipher():
    import sqlcipher3

    return sqlcipher3


def apply_key(con, key: DatabaseKey) -> None:
    """Key a fresh SQLCipher connection (before anything else touches the file) and check the key."""
    con.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher would print a wrong key's HMAC errors
    con.execute(f"PRAGMA key = {key.pragma}")
    con.execute("PRAGMA temp_store = MEMORY")  # no temporary file of decrypted rows


def connect(path: Path, key: DatabaseKey | None = None, *, readonly: bool = False, immutable: bool = False,
            timeout: float = 5.0):  # fmt: skip
    """A DB-API connection to a plain (sqlite3) or encrypted (sqlcipher3, keyed) file.

    ``key=None`` on an encrypted file takes the unlocked key of this process (KeyNeeded if none).
    """
    path = Path(path)
    encrypted = is_encrypted(path)
    if encrypted and key is None:
        key = require_key(path)
    uri = path.resolve().as_uri()
    flags = []
    if readonly:
        flags.append("mode=ro")
    if immutable:
        flags.append("immutable=1")
    target = f"{uri}?{'&'.join(flags)}" if flags else uri
    if not encrypted and key is None:
        return sqlite3.connect(target, uri=True, timeout=timeout)
    module = sqlcipher()
    con = module.connect(target, uri=True, timeout=timeout)
    try:
        apply_key(con, key)
        if encrypted:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        con.close()
        raise CryptoError(f"密钥不能打开数据库文件 {path.name}（{exc}）") from None
    return con


def database_errors() -> tuple[type[Exception], ...]:
    """The DB-API errors of both drivers (the SQLCipher module has its own classes)."""
    return (sqlite3.DatabaseError, sqlcipher().DatabaseError)


def export(
    source: Path, dest: Path, dest_key: DatabaseKey | None, *, source_key: DatabaseKey | None = None
) -> None:
    """A full copy of `source` as a new file `dest`: encrypted with `dest_key`, or plain (None).

    SQLCipher's own ``sqlcipher_export`` (schema, rows, sequences) between the source and an ATTACHed
    file keyed differently — the documented way to encrypt or decrypt a SQLite file.
    """
    dest = Path(dest)
    dest.unlink(missing_ok=True)
    module = sqlcipher()
    con = module.connect(Path(source).resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    try:
        key = source_key or (require_key(source) if is_encrypted(source) else None)
        con.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            con.execute(f"PRAGMA key = {key.pragma}")
        con.execute("PRAGMA temp_store = MEMORY")
        target = str(dest.resolve()).replace("'", "''")
        keyed = dest_key.pragma if dest_key is not None else "''"
        con.execute(f"ATTACH DATABASE '{target}' AS target KEY {keyed}")
        # a copy that a crash discards anyway: no journal and no fsync per statement (one at the end)
        con.execute("PRAGMA target.journal_mode = OFF")
        con.execute("PRAGMA target.synchronous = OFF")
        con.execute("SELECT sqlcipher_export('target')")
        version = con.execute("PRAGMA main.user_version").fetchone()[0]
        con.execute(f"PRAGMA target.user_version = {int(version)}")
        con.execute("DETACH DATABASE target")
    finally:
        con.close()
    fsync_file(dest)


def backup_file(source: Path, dest: Path, key: DatabaseKey) -> None:
    """Copy an encrypted database through SQLite's online backup API into `dest`, keyed alike (so it
    starts with the same salt and opens with the same key)."""
    src = connect(source, key, readonly=True)
    try:
        out = connect(dest, key)
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()


def check_file(path: Path, key: DatabaseKey | None = None) -> str:
    """'ok', or what SQLite's integrity check (and, encrypted, SQLCipher's page HMAC check) found."""
    con = connect(path, key, readonly=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
        if result == "ok" and is_encrypted(path):
            bad = [row[0] for row in con.execute("PRAGMA cipher_integrity_check")]
            if bad:
                return "；".join(bad[:3])
        return result
    finally:
        con.close()


def table_counts(path: Path, key: DatabaseKey | None = None) -> dict[str, int]:
    con = connect(path, key, readonly=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


# ---- installing a file in the database's place -------------------------------------------------
def install_database(staged: Path, db_path: Path) -> None:
    """Put `staged` (a complete, verified copy: plain, or encrypted with its key file beside it) in the
    place of `db_path`, so that a crash at any moment leaves one complete database that opens.

    Encrypted: its key file goes to ``<db>.keys.new`` first; the rename of the database file is the
    switch; then ``.keys.new`` becomes ``.keys``. Plain: the rename, then the old key file goes.
    `settle_keyfiles` (run at every open) finishes either after a crash, deciding by the database file's
    first bytes. No -wal/-shm of the old file may exist (the caller checkpointed and closed it).
    """
    staged, db_path = Path(staged), Path(db_path)
    encrypted = is_encrypted(staged)
    if encrypted:
        os.replace(keyfile_path(staged), new_keyfile_path(db_path))
        fsync_dir(db_path.parent)
    os.replace(staged, db_path)
    fsync_dir(db_path.parent)
    if encrypted:
        os.replace(new_keyfile_path(db_path), keyfile_path(db_path))
    else:
        keyfile_path(db_path).unlink(missing_ok=True)
        new_keyfile_path(db_path).unlink(missing_ok=True)
    fsync_dir(db_path.parent)
