"""`branchdesk backup --list` and `branchdesk restore FILE [--yes]` as the secretary types them."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.cli import main
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.services.backups import auto_backup
from branchdesk.services.members import MemberQuery


def person(name: str, seq: int) -> MemberFields:
    born = dt.date(1982, 7, 9)
    return MemberFields(
        name=name,
        id_number=make_citizen_id("110105", born, seq, "女"),
        join_date=dt.date(2008, 6, 20),
        conversion_date=dt.date(2009, 6, 21),
    )


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


def test_backup_list_shows_each_backup_with_its_kind(db, location, db_arg, capsys):
    assert main([*db_arg, "backup", "--list"]) == 0
    assert "还没有备份" in capsys.readouterr().out
    auto_backup(location, reason="daily")
    assert main([*db_arg, "backup"]) == 0  # without -o: into the backups folder
    capsys.readouterr()
    assert main([*db_arg, "backup", "--list"]) == 0
    out = capsys.readouterr().out
    assert "每日自动备份" in out and "手动备份" in out and "共 2 个备份" in out


def test_restore_yes_brings_back_the_backup_and_keeps_the_current_one(db, ws, location, db_arg, capsys):
    members = ws.members
    members.create(person("赵敏", 1))
    taken = auto_backup(location, reason="exit")
    members.create(person("周芷若", 2))
    db.dispose()

    assert main([*db_arg, "restore", str(taken.path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "测试学院教工第一党支部" in out and "在册党员：1 人" in out  # the preview
    assert "恢复前的数据库已另存为" in out
    assert [m.name for m in ws.members.records(MemberQuery())] == ["赵敏"]
    db.dispose()
    assert main([*db_arg, "backup", "--list"]) == 0
    assert "恢复前的数据库" in capsys.readouterr().out


def test_restore_without_yes_asks_and_a_no_changes_nothing(db, ws, location, db_arg, capsys, monkeypatch):
    members = ws.members
    taken = auto_backup(location, reason="exit")
    members.create(person("赵敏", 1))
    db.dispose()
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main([*db_arg, "restore", str(taken.path)]) == 1
    assert "已取消" in capsys.readouterr().out
    assert [m.name for m in ws.members.records(MemberQuery())] == ["赵敏"]
    db.dispose()


def test_restore_of_a_file_that_is_not_a_backup_says_so(db, db_arg, tmp_path, capsys):
    bad = tmp_path / "名单.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a database")
    assert main([*db_arg, "restore", str(bad), "--yes"]) == 2
    assert "错误：" in capsys.readouterr().err
