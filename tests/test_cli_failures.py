"""Issue 11 §7: a failure is one Chinese line naming the real cause, exit 2, no traceback and no
personal data; leftovers of an interrupted run are removed at the next start; in the window a save
that meets another program's lock says so."""

from __future__ import annotations

import os
import sqlite3
import time

import pytest
from sqlalchemy.exc import OperationalError

from branchdesk.cli import main
from tests.db.test_import_members import good_rows, roster_file

ID_NUMBER = "110105198207090021"


def _db_error(message: str) -> OperationalError:
    return OperationalError(
        "INSERT INTO member (name, id_number) VALUES (?, ?)",
        ("赵敏", ID_NUMBER),
        sqlite3.OperationalError(message),
    )


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("database or disk is full", "磁盘空间不足"),
        ("attempt to write a readonly database", "只读"),
        ("database is locked", "另一个程序正在写入"),
        ("disk I/O error", "读写磁盘时出错"),
    ],
)
def test_a_database_failure_names_its_cause_without_personal_data(
    db, location, tmp_path, capsys, monkeypatch, message, expected
):
    from branchdesk.services import imports

    def failing(*_a, **_k):
        raise _db_error(message)

    monkeypatch.setattr(imports, "apply_roster", failing)
    roster = roster_file(tmp_path / "花名册.xlsx", good_rows())
    assert main(["--db", str(location.sqlite_path), "import", "members", str(roster)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert ID_NUMBER not in err and "INSERT" not in err
    assert len(err.strip().splitlines()) == 1


def test_memory_error_is_one_line(db, location, tmp_path, capsys, monkeypatch):
    from branchdesk.services import imports

    monkeypatch.setattr(imports, "read_roster", lambda *_a, **_k: (_ for _ in ()).throw(MemoryError()))
    roster = roster_file(tmp_path / "花名册.xlsx", good_rows())
    assert main(["--db", str(location.sqlite_path), "import", "members", str(roster)]) == 2
    assert "内存不足" in capsys.readouterr().err


def test_a_db_that_is_a_folder(tmp_path, data_dir, capsys):
    folder = tmp_path / "数据"
    folder.mkdir()
    assert main(["--db", str(folder), "verify"]) == 2
    err = capsys.readouterr().err
    assert "文件夹" in err and "Traceback" not in err and "备份恢复" not in err


def test_a_file_that_is_not_a_database_does_not_invite_a_restore(tmp_path, data_dir, capsys):
    bogus = tmp_path / "名册.sqlite"
    bogus.write_bytes(b"PK\x03\x04 a spreadsheet " * 200)
    assert main(["--db", str(bogus), "verify"]) == 2
    err = capsys.readouterr().err
    assert "不是 SQLite 数据库文件" in err and "备份恢复" not in err


def test_leftovers_of_an_interrupted_run_are_removed_at_the_next_start(db, location, capsys):
    db.dispose()
    folder = location.sqlite_path.parent
    name = location.sqlite_path.name
    dead = folder / f".{name}.99999999-0badf00d.part"
    staged = folder / f".{name}.restore-99999999.tmp"
    mine = folder / f".{name}.{os.getpid()}-0badf00d.part"  # a copy in progress right now
    old_pack = folder / ".迎检资料-正在生成-abc123"
    old_part = location.backup_dir() / "auto" / "auto-20260101-000000-exit.sqlite.part"
    for path in (dead, staged, mine, old_part):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 1000)
    old_pack.mkdir()
    (old_pack / "台账.pdf").write_bytes(b"%PDF")
    hour_ago = time.time() - 3600
    for path in (old_pack, old_part):
        os.utime(path, (hour_ago, hour_ago))
    assert main(["--db", str(location.sqlite_path), "verify"]) == 0
    assert not dead.exists() and not staged.exists() and not old_pack.exists() and not old_part.exists()
    assert mine.exists()
