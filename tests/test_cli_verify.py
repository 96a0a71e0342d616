"""`branchdesk verify`: 0 when the database and its audit chain are intact, 1 naming what broke, 2 when
it cannot check at all."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from branchdesk.cli import main
from branchdesk.domain.members import MemberFields


@pytest.fixture
def db_arg(db, location, members):
    members.create(
        MemberFields(name="张三", join_date=dt.date(2015, 7, 1), conversion_date=dt.date(2016, 7, 1))
    )
    db.dispose()
    return ["--db", str(location.sqlite_path)]


def _tamper(path, sql: str) -> None:
    con = sqlite3.connect(path)
    with con:
        con.execute(sql)
    con.close()


def test_an_intact_database_passes_with_exit_status_0(db_arg, capsys):
    assert main([*db_arg, "verify"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("校验通过：数据库文件完整，") and "条审计记录的校验链完整" in out[0]


def test_an_edited_entry_fails_with_exit_status_1_and_is_named(db_arg, location, capsys):
    _tamper(
        location.sqlite_path, 'UPDATE audit_entry SET changes = \'{"name": [null, "李四"]}\' WHERE seq = 4'
    )
    assert main([*db_arg, "verify"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert (
        lines[0].startswith("审计记录第 4 条（") and "测试用户，新增党员档案）的内容与校验值不符" in lines[0]
    )
    assert lines[-1].startswith("校验未通过：审计记录有 1 处问题")


def test_json_lists_the_problems(db_arg, location, capsys):
    _tamper(location.sqlite_path, "DELETE FROM audit_entry WHERE seq = 2")
    assert main([*db_arg, "verify", "--json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["ok"] is False and payload["database"] == "sqlite"
    [gap] = payload["chain"]
    assert (gap["kind"], gap["first_seq"], gap["last_seq"]) == ("gap", 2, 2)
    assert gap["message"] == "审计记录第 1 条与第 3 条之间缺少 1 条记录（第 2 条）：这些记录可能被删除"


def test_a_dangling_reference_is_reported_as_a_database_problem(db_arg, location, capsys):
    # another program's connection (foreign keys are off unless asked for) points a member at no group
    _tamper(location.sqlite_path, "UPDATE member SET group_id = 999")
    assert main([*db_arg, "verify"]) == 1
    out = capsys.readouterr().out
    assert "“党员档案”中有 1 条记录（编号 1）引用的“党小组”记录不存在" in out
    assert "校验未通过：数据库文件有 1 处问题" in out


def test_a_file_that_is_not_a_database_exits_with_status_2(tmp_path, data_dir, capsys):
    path = tmp_path / "损坏.sqlite"
    path.write_bytes(b"not a database at all" * 200)
    assert main(["--db", str(path), "verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：无法打开数据库") and "Traceback" not in err
