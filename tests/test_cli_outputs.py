"""Issue 11 §3: no command writes over the database, nor silently over an existing file; a backup
target is written beside and renamed into place, stale -wal/-shm of the target removed first."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from branchdesk.cli import main
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def live(db, location, members):
    members.create(
        MemberFields(
            name="赵敏",
            id_number=make_citizen_id("110105", dt.date(1982, 7, 9), 1, "女"),
            join_date=dt.date(2008, 6, 20),
            conversion_date=dt.date(2009, 6, 21),
        )
    )
    db.dispose()
    return location.sqlite_path


def _count(path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return con.execute("SELECT count(*) FROM member").fetchone()[0]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "roster", "-o", "{db}"],
        ["export", "roster", "--format", "pdf", "-o", "{db}"],
        ["template", "members", "-o", "{db}"],
        ["template", "development", "-o", "{db}-wal"],
        ["backup", "-o", "{db}"],
        ["backup", "--force", "-o", "{db}-shm"],
        ["export", "roster", "--force", "-o", "{db}"],
    ],
)
def test_no_command_writes_over_the_database(live, capsys, command):
    before = _digest(live)
    argv = ["--db", str(live), *[a.replace("{db}", str(live)) for a in command]]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "数据库" in err and "Traceback" not in err
    assert _digest(live) == before and _count(live) == 1


def test_an_existing_file_is_kept_unless_force(live, tmp_path, capsys):
    target = tmp_path / "花名册.xlsx"
    target.write_bytes(b"my own notes")
    assert main(["--db", str(live), "export", "roster", "-o", str(target)]) == 2
    assert "已存在" in capsys.readouterr().err and target.read_bytes() == b"my own notes"
    assert main(["--db", str(live), "template", "members", "-o", str(target)]) == 2
    assert target.read_bytes() == b"my own notes"
    assert main(["--db", str(live), "export", "roster", "--force", "-o", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"


def test_an_export_never_replaces_another_database(live, tmp_path, capsys):
    other = tmp_path / "另一个支部.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    before = _digest(other)
    assert main(["--db", str(live), "export", "roster", "--force", "-o", str(other)]) == 2
    assert _digest(other) == before


def test_backup_over_an_existing_file_needs_force_and_drops_its_stale_wal(live, tmp_path, capsys):
    target = tmp_path / "备份.sqlite"
    # an older copy with its own WAL beside it (left by a program that had it open)
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE other(x)")
    con.executemany("INSERT INTO other VALUES (?)", [(i,) for i in range(2000)])
    con.commit()
    stale = target.with_name(target.name + "-wal").read_bytes()
    con.close()
    target.with_name(target.name + "-wal").write_bytes(stale)  # stale WAL of the old file

    assert main(["--db", str(live), "backup", "-o", str(target)]) == 2
    assert "已存在" in capsys.readouterr().err
    assert main(["--db", str(live), "backup", "--force", "-o", str(target)]) == 0
    assert not target.with_name(target.name + "-wal").exists()
    with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM member").fetchone()[0] == 1
    assert not list(tmp_path.glob("*.part"))
