"""The command line on an encrypted database, as the secretary and a scheduled script use it:
`users add`, `encrypt`, `decrypt`, every command asking for a login, `BRANCHDESK_USER` +
`BRANCHDESK_PASSWORD_FILE`, and a wrong password as one Chinese line with exit status 2."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from branchdesk.cli import main
from branchdesk.db import crypto

ROOT = Path(__file__).resolve().parents[1]
NAME, ID_NUMBER = "欧阳修", "110105197001020017"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    from branchdesk.services import auth

    monkeypatch.setattr(crypto.KdfParams, "passwords", classmethod(lambda cls: cls(1, 1024, 1)))
    monkeypatch.setattr(
        auth, "default_hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    monkeypatch.delenv("BRANCHDESK_USER", raising=False)
    monkeypatch.delenv("BRANCHDESK_PASSWORD_FILE", raising=False)
    monkeypatch.delenv("BRANCHDESK_NEW_PASSWORD_FILE", raising=False)
    yield
    crypto.forget_all()


def _secret_file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def office(tmp_path, data_dir, monkeypatch, capsys):
    """A database with a member, its first account made on the command line."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    path = tmp_path / "branchdesk.sqlite"
    db, _ = open_database(resolve_location(str(path)))
    ws = Workspace(db)
    ws.branch.save_profile(BranchProfile(name="命令行党支部"))
    ws.members.create(MemberFields(name=NAME, id_number=ID_NUMBER, join_date=dt.date(1995, 7, 1)))
    db.dispose()
    monkeypatch.setenv("BRANCHDESK_NEW_PASSWORD_FILE", _secret_file(tmp_path, "new.txt", "Shuji-2026"))
    assert (
        main(["--db", str(path), "users", "add", "shuji", "--role", "管理员", "--display-name", "王书记"])
        == 0
    )
    out = capsys.readouterr().out
    assert "已创建管理员账户 shuji" in out
    monkeypatch.setenv("BRANCHDESK_USER", "shuji")
    monkeypatch.setenv("BRANCHDESK_PASSWORD_FILE", _secret_file(tmp_path, "pw.txt", "Shuji-2026"))
    return path


def test_the_first_account_must_be_an_administrator(tmp_path, data_dir, monkeypatch, capsys):
    monkeypatch.setenv("BRANCHDESK_NEW_PASSWORD_FILE", _secret_file(tmp_path, "new.txt", "Lisi-2026x"))
    path = str(tmp_path / "new.sqlite")
    assert main(["--db", path, "users", "add", "lisi", "--role", "委员"]) == 2
    assert capsys.readouterr().err.strip() == "错误：数据库的第一个账户必须是管理员（--role 管理员）"


def test_encrypt_then_every_command_needs_a_login_and_decrypt_undoes_it(
    office, tmp_path, monkeypatch, capsys
):
    db = ["--db", str(office)]
    monkeypatch.setenv("BRANCHDESK_NEW_PASSWORD_FILE", _secret_file(tmp_path, "lisi.txt", "Lisi-2026x"))
    assert main([*db, "users", "add", "lisi", "--role", "委员"]) == 0  # the administrator signs in first
    assert "已添加账户 lisi（委员）" in capsys.readouterr().out

    assert main([*db, "encrypt"]) == 0
    out = capsys.readouterr().out
    assert "数据库已加密" in out and "branchdesk.sqlite.keys" in out and "新的管理员恢复码" in out
    assert crypto.is_encrypted(office) and NAME.encode() not in office.read_bytes()
    crypto.forget_all()

    backup = tmp_path / "备份" / "b.sqlite"
    assert main([*db, "backup", "-o", str(backup)]) == 0
    assert "备份已加密" in capsys.readouterr().out
    assert crypto.is_encrypted(backup) and crypto.keyfile_path(backup).exists()
    assert ID_NUMBER.encode() not in backup.read_bytes()
    crypto.forget_all()
    assert main([*db, "verify"]) == 0
    crypto.forget_all()
    assert main([*db, "users"]) == 0
    assert "lisi" in capsys.readouterr().out
    crypto.forget_all()

    assert main([*db, "decrypt"]) == 0
    assert "已解除加密" in capsys.readouterr().out
    assert not crypto.is_encrypted(office) and not crypto.keyfile_path(office).exists()
    assert NAME.encode() in office.read_bytes()


def test_a_wrong_password_is_one_chinese_line_and_exit_2(office, tmp_path, monkeypatch, capsys):
    db = ["--db", str(office)]
    assert main([*db, "encrypt"]) == 0
    capsys.readouterr()
    crypto.forget_all()
    monkeypatch.setenv("BRANCHDESK_PASSWORD_FILE", _secret_file(tmp_path, "bad.txt", "Wrong-pass-1"))
    assert main([*db, "check"]) == 2
    captured = capsys.readouterr()
    assert captured.err == "错误：用户名或密码不正确，无法打开加密的数据库。\n"
    assert captured.out == ""


def test_without_a_terminal_or_the_variables_it_says_how(office, monkeypatch, capsys):
    db = ["--db", str(office)]
    assert main([*db, "encrypt"]) == 0
    capsys.readouterr()
    crypto.forget_all()
    monkeypatch.delenv("BRANCHDESK_USER")
    monkeypatch.delenv("BRANCHDESK_PASSWORD_FILE")
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 - a scheduled task: no terminal
    assert main([*db, "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：数据库已加密") and "BRANCHDESK_USER" in err and err.count("\n") == 1


def test_encrypt_without_accounts_says_why(tmp_path, data_dir, monkeypatch, capsys):
    path = tmp_path / "plain.sqlite"
    assert main(["--db", str(path), "demo", "--members", "10"]) == 0
    capsys.readouterr()
    assert main(["--db", str(path), "encrypt"]) == 2
    err = capsys.readouterr().err
    assert "还没有用户账户，不能加密" in err and "users add" in err


def test_the_frozen_style_process_prints_no_traceback_no_key_and_loads_no_qt(office, tmp_path):
    """A separate process, as a scheduled task runs it: a wrong password, then the right one."""
    assert main(["--db", str(office), "encrypt"]) == 0
    key_hex = crypto.key_for_file(office).secret.hex()
    crypto.forget_all()
    script = textwrap.dedent(
        """
        import sys
        from branchdesk.cli import main
        code = main(sys.argv[1:])
        assert not [m for m in sys.modules if m.startswith("PySide6")], "the CLI loaded Qt"
        sys.exit(code)
        """
    )
    env = {**os.environ, "BRANCHDESK_USER": "shuji", "BRANCHDESK_DATA_DIR": str(tmp_path / "data")}
    bad = subprocess.run(
        [sys.executable, "-c", script, "--db", str(office), "check"],
        env={**env, "BRANCHDESK_PASSWORD_FILE": _secret_file(tmp_path, "bad.txt", "Wrong-pass-1")},
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr == "错误：用户名或密码不正确，无法打开加密的数据库。\n" and bad.stdout == ""
    good = subprocess.run(
        [sys.executable, "-c", script, "--db", str(office), "export", "roster", "-o", str(tmp_path / "r.xlsx")],
        env={**env, "BRANCHDESK_PASSWORD_FILE": _secret_file(tmp_path, "pw2.txt", "Shuji-2026")},
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "r.xlsx").exists()  # exports stay plain, by design
    logs = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    for text in [
        bad.stderr,
        bad.stdout,
        good.stderr,
        good.stdout,
        *(p.read_text(errors="replace") for p in logs),
    ]:
        assert key_hex not in text.lower()
