"""Encryption at rest (issue 19): the secretary encrypts the branch's database; a lost laptop or a copied
backup then reveals nothing, each account's password (and the recovery code) still opens it, and a
crash at any moment of encrypting or decrypting leaves one complete database that opens.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from branchdesk.config import resolve_location
from branchdesk.db import crypto
from branchdesk.db.migrate import open_database
from branchdesk.domain.auth import Principal, Role
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.services import encryption
from branchdesk.services.auth import SignInError
from branchdesk.services.encryption import _auth

ROOT = Path(__file__).resolve().parents[2]
NAME, ID_NUMBER, PHONE = "欧阳修", "110105197001020017", "13912345678"
ADMIN, ADMIN_PW = "shuji", "Shuji-2026"
LISI, LISI_PW = "lisi", "Lisi-2026x"
MEMBERS = 60


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """argon2id with tiny parameters (the real ones take a fifth of a second each)."""
    from branchdesk.services import auth

    monkeypatch.setattr(crypto.KdfParams, "passwords", classmethod(lambda cls: cls(1, 1024, 1)))
    monkeypatch.setattr(
        auth, "default_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    yield
    crypto.forget_all()


def _members(db, count: int = MEMBERS) -> None:
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    ws = Workspace(db)
    ws.branch.save_profile(BranchProfile(name="加密测试党支部"))
    members = ws.members
    members.create(MemberFields(name=NAME, id_number=ID_NUMBER, mobile=PHONE, join_date=dt.date(1995, 7, 1)))
    for n in range(1, count):
        members.create(
            MemberFields(
                name="党员" + "".join("〇一二三四五六七八九"[int(d)] for d in f"{n:04d}"), id_number=make_citizen_id("110105", dt.date(1980, 1, 1), n, "女"),
                join_date=dt.date(2001, 7, 1), notes="备注" * 20,
            )
        )  # fmt: skip


@pytest.fixture
def plain(tmp_path, data_dir):
    """A plain branch database with members and two accounts (the administrator and a committee member
    whose first password was given by the administrator)."""
    location = resolve_location(str(tmp_path / "office" / "branchdesk.sqlite"))
    db, _ = open_database(location)
    _members(db)
    auth = _auth(db)
    auth.create_first_admin(ADMIN, "王书记", ADMIN_PW, ADMIN_PW)
    auth.add_account(LISI, "李四", Role.COMMITTEE, LISI_PW, LISI_PW)
    db.dispose()
    return location


def _open_plain(location):
    db, _ = open_database(location)
    return db


def _encrypt(location):
    db = _open_plain(location)
    result = encryption.encrypt(location, db, ADMIN, ADMIN_PW)
    db.dispose()
    crypto.forget_all()  # as after closing the program: the next open needs a password
    return result


def _sign_in(location, user: str, password: str):
    gate = encryption.Gate(location)
    gate.sign_in(user, password)
    return gate.db


def _names(db) -> list[str]:
    with db.read() as session:
        return list(session.scalars(text("SELECT name FROM member ORDER BY id")))


def _secrets_in(path: Path) -> list[str]:
    data = path.read_bytes()
    return [s for s in (NAME, ID_NUMBER, PHONE) if s.encode() in data or s.encode("utf-16-le") in data]


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


# ---- nothing readable in the bytes -------------------------------------------------------------------
def test_the_encrypted_file_and_its_backups_hold_no_id_number_name_or_phone(plain):
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.services.backups import auto_backup, restore_backup

    path = plain.sqlite_path
    assert _secrets_in(path) == [NAME, ID_NUMBER, PHONE], "the plain file shows them (the test can see them)"
    auto_backup(plain, reason="daily")  # a plain automatic backup from before the encryption

    result = _encrypt(plain)
    assert crypto.is_encrypted(path) and crypto.keyfile_path(path).exists()
    assert result.backup.exists() and crypto.is_encrypted(result.backup), "the safety backup is encrypted too"
    assert result.backups_converted == 2  # the older automatic backup and the safety backup
    assert result.recovery_code and result.accounts_without_key == (LISI,)

    db = _sign_in(plain, ADMIN, ADMIN_PW)
    try:
        assert NAME in _names(db)
        assert auto_backup(plain, reason="exit").ok  # automatic backup
        manual = backup_sqlite(path, plain.backup_dir() / "手动备份-20261201-090000.sqlite")  # backup -o
        # the pre-upgrade copy: what migrate.upgrade writes (backup_sqlite of the database file)
        upgrade = backup_sqlite(path, plain.backup_dir() / "升级前备份-0006-20261201-090000.sqlite")
    finally:
        db.dispose()
    pre = restore_backup(plain, manual, by=Principal.os_user("测试管理员"))  # the pre-restore copy
    for made in (manual, upgrade, pre):
        assert crypto.is_encrypted(made) and crypto.keyfile_path(made).exists()

    files = _all_files(path.parent)
    assert len([f for f in files if f.suffix == ".sqlite"]) >= 6
    for file in files:
        assert _secrets_in(file) == [], f"{file.name} reveals {_secrets_in(file)}"
    assert encryption.plain_backups(plain) == []


def test_the_key_file_holds_no_key_and_no_password(plain):
    result = _encrypt(plain)
    keys = crypto.keyfile_path(plain.sqlite_path).read_text(encoding="utf-8")
    for secret in (ADMIN_PW, result.recovery_code, result.recovery_code.replace("-", "")):
        assert secret not in keys
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    key = crypto.key_for_file(plain.sqlite_path)
    db.dispose()
    assert key.secret.hex() not in keys.lower() and key.url_password not in keys
    assert key.secret.hex() not in repr(key) and key.secret.hex() not in str(db.engine.url)


# ---- who opens it --------------------------------------------------------------------------------------
def test_each_accounts_password_and_the_recovery_code_open_it_and_a_wrong_one_does_not(plain):
    result = _encrypt(plain)
    path = plain.sqlite_path

    with pytest.raises(SignInError, match="密码不正确"):
        encryption.unlock(path, ADMIN, "Wrong-pass-1")
    with pytest.raises(SignInError, match="还没有设置过密码"):  # encrypted before lisi had a slot
        encryption.unlock(path, LISI, LISI_PW)
    with pytest.raises(ValidationError, match="恢复码不正确"):
        encryption.unlock_with_recovery(path, "AAAA-BBBB-CCCC-DDDD-EEEE")
    with pytest.raises(crypto.KeyNeeded):
        open_database(plain)  # nothing unlocked yet
    assert crypto.key_for_file(path) is None

    db = _sign_in(plain, ADMIN, ADMIN_PW)  # the administrator's password
    auth = _auth(db)
    lisi = next(a for a in auth.accounts() if a.username == LISI)
    auth.reset_password(lisi.id, "Lisi-temp-1", "Lisi-temp-1")  # the administrator resets lisi: a slot
    db.dispose()
    crypto.forget_all()

    db = _sign_in(plain, LISI, "Lisi-temp-1")  # lisi's password opens it now
    assert db.principal.username == LISI and db.principal.role is Role.COMMITTEE
    assert len(_names(db)) == MEMBERS
    db.dispose()
    crypto.forget_all()

    unlocked = encryption.unlock_with_recovery(path, result.recovery_code.lower())  # the recovery code
    assert crypto.key_for_file(path) is unlocked.key
    db, _ = open_database(plain)
    assert len(_names(db)) == MEMBERS
    db.dispose()


def test_a_password_change_rewraps_the_key(plain):
    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    _auth(db).change_own_password(ADMIN_PW, "Changed-2027", "Changed-2027")
    db.dispose()
    crypto.forget_all()
    with pytest.raises(SignInError):
        encryption.unlock(plain.sqlite_path, ADMIN, ADMIN_PW)
    db = _sign_in(plain, ADMIN, "Changed-2027")
    db.dispose()
    slots = crypto.keyfile_for(plain.sqlite_path).account_slots(ADMIN)
    assert len(slots) == 1, "the old password's slot is gone"


def test_a_recovery_code_reset_rewraps_and_issues_a_new_code(plain):
    result = _encrypt(plain)
    path = plain.sqlite_path
    gate = encryption.Gate(plain)
    fresh = gate.reset_with_recovery_code(ADMIN, result.recovery_code, "Forgot-2027", "Forgot-2027")
    gate.db.dispose()
    crypto.forget_all()
    assert fresh != result.recovery_code
    with pytest.raises(ValidationError):
        encryption.unlock_with_recovery(path, result.recovery_code)  # the used code no longer opens it
    with pytest.raises(SignInError):
        encryption.unlock(path, ADMIN, ADMIN_PW)
    encryption.unlock_with_recovery(path, fresh)
    crypto.forget_all()
    db = _sign_in(plain, ADMIN, "Forgot-2027")
    db.dispose()


def test_a_user_who_signs_in_while_it_is_open_gets_a_key_slot_and_a_deactivated_one_loses_it(plain):
    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    auth = _auth(db)
    auth.sign_in(LISI, LISI_PW)  # 切换用户 in the window: lisi's password opens the file from now on
    auth.sign_in(ADMIN, ADMIN_PW)
    assert encryption.accounts_without_key(db) == []
    db.dispose()
    crypto.forget_all()
    db = _sign_in(plain, LISI, LISI_PW)
    db.dispose()
    crypto.forget_all()

    db = _sign_in(plain, ADMIN, ADMIN_PW)
    auth = _auth(db)
    lisi = next(a for a in auth.accounts() if a.username == LISI)
    auth.set_active(lisi.id, False)
    db.dispose()
    crypto.forget_all()
    with pytest.raises(SignInError):
        encryption.unlock(plain.sqlite_path, LISI, LISI_PW)


def test_without_accounts_encryption_is_refused(tmp_path, data_dir):
    location = resolve_location(str(tmp_path / "noaccounts.sqlite"))
    db, _ = open_database(location)
    _members(db, 3)
    with pytest.raises(encryption.EncryptionError, match="还没有用户账户"):
        encryption.encrypt(location, db, ADMIN, ADMIN_PW)
    db.dispose()
    assert not crypto.is_encrypted(location.sqlite_path)
    assert not crypto.keyfile_path(location.sqlite_path).exists()


def test_only_an_administrator_with_the_right_password_may_encrypt(plain):
    db = _open_plain(plain)
    with pytest.raises(encryption.EncryptionError, match="密码不正确"):
        encryption.encrypt(plain, db, ADMIN, "Wrong-pass-1")
    with pytest.raises(encryption.EncryptionError, match="只有管理员"):
        encryption.encrypt(plain, db, LISI, LISI_PW)
    db.dispose()
    assert not crypto.is_encrypted(plain.sqlite_path)


def test_postgresql_is_not_encrypted_here(location, backend):
    if backend != "postgresql":
        pytest.skip("a PostgreSQL database only")
    db, _ = open_database(location)
    try:
        with pytest.raises(encryption.EncryptionError, match="PostgreSQL"):
            encryption.encrypt(location, db, ADMIN, ADMIN_PW)
    finally:
        db.dispose()


def test_decrypting_gives_back_a_plain_file_with_every_row(plain):
    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    before = _names(db)
    result = encryption.decrypt(plain, db, ADMIN, ADMIN_PW)
    assert not db.encrypted and _names(db) == before
    db.dispose()
    path = plain.sqlite_path
    assert not crypto.is_encrypted(path) and not crypto.keyfile_path(path).exists()
    assert crypto.is_encrypted(result.backup), "the backup taken first is the encrypted database"
    crypto.forget_all()
    db, _ = open_database(plain)
    assert _names(db) == before
    from branchdesk.services.audit import verify

    assert verify(db).ok
    with db.read() as session:
        operations = list(session.scalars(text("SELECT operation FROM audit_entry ORDER BY seq")))
    assert "加密数据库" in operations and "解除数据库加密" in operations
    db.dispose()


def test_verify_and_the_audit_chain_work_on_an_encrypted_database(plain):
    from branchdesk.services.audit import verify

    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    try:
        report = verify(db)
        assert report.ok, report.lines()
    finally:
        db.dispose()


def test_checking_every_branch_of_an_encrypted_file_starts_no_other_process(plain, monkeypatch):
    """`check --all -j 2`: the helping processes would need the unlocked key, which never leaves the
    process that unlocked it: an encrypted file is checked by that process alone."""
    from branchdesk.services import compliance
    from branchdesk.workspace import Workspace

    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    try:
        ws = Workspace(db)
        ws.branch.add_branch("第二党支部", "测试学院党委")
        monkeypatch.setattr(compliance, "_side_by_side", lambda *a: pytest.fail("a second process"))
        reports = ws.compliance.check_all(dt.date(2026, 11, 20), jobs=2)
        assert len(reports) == 2 and reports[ws.branch_id] == ws.compliance.check(dt.date(2026, 11, 20))
    finally:
        db.dispose()


def test_restoring_an_encrypted_backup_asks_for_a_password_of_its_time(plain, tmp_path):
    from branchdesk.db.backup import backup_sqlite
    from branchdesk.services.backups import preview_backup, restore_backup

    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    copy = backup_sqlite(plain.sqlite_path, tmp_path / "U盘" / "备份.sqlite")
    # then the database is decrypted and encrypted again: a new key, the old backup keeps the old one
    encryption.decrypt(plain, db, ADMIN, ADMIN_PW)
    encryption.encrypt(plain, db, ADMIN, ADMIN_PW, convert_backups=False)
    db.dispose()
    crypto.forget_all()

    db = _sign_in(plain, ADMIN, ADMIN_PW)  # the current database is open (as in the window)
    db.dispose()
    with pytest.raises(crypto.KeyNeeded):
        preview_backup(copy)
    encryption.unlock(copy, ADMIN, ADMIN_PW)  # the backup's own key file
    assert preview_backup(copy).member_count == MEMBERS
    restore_backup(plain, copy, by=Principal.os_user("测试管理员"))
    crypto.forget_all()
    assert crypto.keyfile_for(plain.sqlite_path).key_id == crypto.header(copy).hex()
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    assert len(_names(db)) == MEMBERS
    db.dispose()


def test_a_copied_database_without_its_key_file_is_explained(plain, tmp_path):
    from branchdesk.db.migrate import DatabaseRefusedError

    _encrypt(plain)
    lone = tmp_path / "U盘" / "branchdesk.sqlite"
    lone.parent.mkdir()
    shutil.copy(plain.sqlite_path, lone)
    with pytest.raises(DatabaseRefusedError, match=r"branchdesk\.sqlite\.keys"):
        open_database(resolve_location(str(lone)))


# ---- killed at any moment ---------------------------------------------------------------------------------
def _child(action: str, location, step: str, *, kill_after: float | None = None) -> str:
    """Run encrypt_child; `kill_after`: SIGKILL it that long after it has checked the password (when
    the conversion starts). Returns what it printed (the steps it reached)."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "tests.db.encrypt_child", action, str(location.sqlite_path), ADMIN,
         ADMIN_PW, step],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ},
    )  # fmt: skip
    lines = []
    if kill_after is not None:
        for raw in iter(proc.stdout.readline, b""):
            lines.append(raw.decode())
            if raw.startswith(b"step checked"):
                time.sleep(kill_after)
                proc.send_signal(signal.SIGKILL)
                break
    out, err = proc.communicate(timeout=120)
    if kill_after is None and step != "none":
        assert proc.returncode == -signal.SIGKILL, err.decode()
    return "".join(lines) + out.decode()


def _one_complete_database(location, expected: list[str]) -> bool:
    """The folder holds one database that opens (with the administrator's password if encrypted) and
    holds every member; returns whether it is encrypted."""
    crypto.forget_all()
    path = location.sqlite_path
    encrypted = crypto.is_encrypted(path)
    if encrypted:
        db = _sign_in(location, ADMIN, ADMIN_PW)
    else:
        db, _ = open_database(location)
    try:
        assert _names(db) == expected
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        db.dispose()
    leftovers = [p.name for p in path.parent.iterdir() if ".tmp" in p.name or p.name.endswith(".keys.new")]
    assert leftovers == [], "opening cleans up what the killed process left"
    assert crypto.keyfile_path(path).exists() == encrypted
    return encrypted


STEPS = [*encryption.STEPS[:-1], "inside-copy"]


@pytest.mark.parametrize("step", STEPS)
def test_sigkill_while_encrypting_leaves_one_complete_database(plain, step):
    db = _open_plain(plain)
    expected = _names(db)
    db.dispose()
    out = _child("encrypt", plain, step)
    assert f"step {step}" in out or step == "inside-copy"
    encrypted = _one_complete_database(plain, expected)
    assert encrypted == (step == "switched"), "the rename is the switch"
    # and encrypting again (after the crash) works
    if not encrypted:
        _encrypt(plain)
        assert _one_complete_database(plain, expected)


@pytest.mark.parametrize("step", STEPS)
def test_sigkill_while_decrypting_leaves_one_complete_database(plain, step):
    _encrypt(plain)
    db = _sign_in(plain, ADMIN, ADMIN_PW)
    expected = _names(db)
    db.dispose()
    crypto.forget_all()
    _child("decrypt", plain, step)
    encrypted = _one_complete_database(plain, expected)
    assert encrypted == (step != "switched")


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.15, 0.25, 0.4])
def test_sigkill_at_a_random_moment_of_encrypting(plain, delay):
    db = _open_plain(plain)
    expected = _names(db)
    db.dispose()
    out = _child("encrypt", plain, "none", kill_after=delay)
    encrypted = _one_complete_database(plain, expected)
    assert encrypted == ("step switched" in out)


def test_verify_finds_a_page_changed_in_the_encrypted_file(plain):
    """A byte changed outside SQLCipher fails the page's authentication: `verify` reports damage, or
    reading that page fails outright (`branchdesk verify` then exits 2, 无法完成校验) — never a clean report."""
    from sqlalchemy.exc import DatabaseError

    from branchdesk.services.audit import verify

    _encrypt(plain)
    path = plain.sqlite_path
    data = bytearray(path.read_bytes())
    data[len(data) // 2 + 100] ^= 0xFF  # one byte of a page in the middle, changed outside the program
    path.write_bytes(bytes(data))
    encryption.unlock(path, ADMIN, ADMIN_PW)
    from branchdesk.db.engine import Database

    db = Database(plain.url)  # opened without writing (a login would write its audit entry)
    try:
        report = verify(db)
    except DatabaseError as exc:
        assert "malformed" in str(exc.orig) or "not a database" in str(exc.orig)
    else:
        assert not report.ok and any("损坏" in p.message for p in report.integrity)
    finally:
        db.dispose()
