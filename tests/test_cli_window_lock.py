"""Issue 11 §1 and §8: commands that write refuse while a window holds the database (and say who);
reading commands go on; two starts on an old schema upgrade it once, one after the other."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from branchdesk.cli import main
from tests.db.test_import_members import good_rows, roster_file
from tests.unit.test_filelock import hold_in_child


@pytest.fixture
def window_open(db, location):
    db.dispose()
    child = hold_in_child(location.sqlite_path, kind="window")
    yield location.sqlite_path
    child.kill()
    child.wait()


def _members(path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as con:
        return con.execute("SELECT count(*) FROM member").fetchone()[0]


def test_writing_commands_are_refused_while_a_window_has_the_file(window_open, tmp_path, capsys):
    path = window_open
    roster = roster_file(tmp_path / "花名册.xlsx", good_rows())
    for argv in (["import", "members", str(roster)], ["demo", "--members", "5"],
                 ["users", "--reset-admin", "admin"]):  # fmt: skip
        assert main(["--db", str(path), *argv]) == 2
        err = capsys.readouterr().err
        assert "程序窗口" in err and "请先关闭" in err and "Traceback" not in err
    assert _members(path) == 0


def test_reading_commands_work_beside_the_window(window_open, tmp_path, capsys):
    assert main(["--db", str(window_open), "export", "roster", "-o", str(tmp_path / "名册.xlsx")]) == 0
    assert main(["--db", str(window_open), "verify"]) == 0
    assert main(["--db", str(window_open), "backup", "-o", str(tmp_path / "备份.sqlite")]) == 0


def test_a_command_holds_the_lock_while_it_writes(db, location, tmp_path, capsys, monkeypatch):
    from branchdesk.db.filelock import read_holder
    from branchdesk.services import imports

    seen = []
    real = imports.apply_roster

    def spy(*args, **kwargs):
        seen.append(read_holder(location.sqlite_path))
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "apply_roster", spy)
    roster = roster_file(tmp_path / "花名册.xlsx", good_rows())
    assert main(["--db", str(location.sqlite_path), "import", "members", str(roster)]) == 0
    assert seen[0] is not None and seen[0].kind == "command" and seen[0].pid == os.getpid()
    assert read_holder(location.sqlite_path) is None  # released afterwards


_UPGRADE = """
import sys
from branchdesk.cli import main
sys.exit(main(["--db", sys.argv[1], "verify"]))
"""


def test_two_starts_on_an_old_schema_upgrade_it_once(tmp_path, data_dir):
    from tests.db import schema_fixtures

    path = tmp_path / "old.sqlite"
    shutil.copyfile(schema_fixtures.stored()["0001"], path)
    env = dict(os.environ, BRANCHDESK_DATA_DIR=str(data_dir))
    runs = [
        subprocess.Popen([sys.executable, "-c", _UPGRADE, str(path)], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]  # fmt: skip
    results = [(p.wait(timeout=180), p.stderr.read()) for p in runs]
    for code, err in results:
        assert "Traceback" not in err, err
        assert code in (0, 1), err
    upgraded = [err for _code, err in results if "数据库已升级" in err]
    assert len(upgraded) == 1  # one upgrade; the others waited and found it done
    backups = list((tmp_path / "backups").glob("升级前备份-*.sqlite"))
    assert len(backups) == 1 and not list(tmp_path.rglob("*.part"))
    with sqlite3.connect(path) as con:
        from branchdesk.db.migrate import SCHEMA_HEAD

        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
