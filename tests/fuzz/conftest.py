"""Shared by the fuzz tests: a full dump of the database, and the checks every import error must pass."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)

_CJK = re.compile(r"[\u4e00-\u9fff]")


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table (the audit log included), in a stable order: two dumps are equal
    exactly when the database holds the same data."""
    from sqlalchemy import inspect, text

    with db.read() as session:
        connection = session.connection()
        out = {}
        for name in sorted(inspect(connection).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            out[name] = sorted((tuple(row) for row in rows), key=repr)
    return out


def assert_unchanged(before: dict, after: dict) -> None:
    changed = [name for name in before.keys() | after.keys() if before.get(name) != after.get(name)]
    assert not changed, f"tables changed: {sorted(changed)}"


def check_message(message: str) -> None:
    """One clear Chinese line: Chinese text, no Python repr or traceback, not a wall of text."""
    assert _CJK.search(message), message
    assert "\n" not in message, message
    assert "Traceback" not in message and "Error:" not in message and "Errno" not in message, message
    assert len(message) <= 400, f"{len(message)} characters: {message[:200]}…"


def check_errors(errors, *, header_row: int, headers: set[str], last_row: int | None = None) -> None:
    """Every error is a clear line; a row error names a row under the header and a column of the file."""
    for error in errors:
        check_message(str(error))
        if error.row <= 0:
            assert not error.column and not str(error).startswith("第 0 行"), error
            continue
        assert error.row > header_row, error
        if last_row is not None:
            assert error.row <= last_row, error
        if error.column:
            assert error.column in headers, f"{error} — the file has no column “{error.column}”"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """A migrated database with one branch, two groups, and the first two people of every corpus file
    already imported (members and development dossiers), made once and copied for each test."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.services.dev_import import apply_development, read_development
    from branchdesk.services.imports import apply_roster, read_roster

    from . import corpus

    folder = tmp_path_factory.mktemp("template")
    path = folder / "branchdesk.sqlite"
    db, _ = open_database(resolve_location(str(path)), user="测试用户")
    try:
        branch = Workspace.open(db).branch
        branch.save_profile(
            BranchProfile(
                name="测试学院教工第一党支部", founded_on=dt.date(2010, 6, 1), higher_committee="测试学院党委"
            )
        )
        branch.add_group("第一党小组")
        branch.add_group("第二党小组")
        for kind in corpus.KINDS:
            rows = [corpus.good_row(kind, 1), corpus.good_row(kind, 2)]
            source = corpus.file_with(kind, folder / f"seed-{kind}.xlsx", rows)
            if kind == corpus.ROSTER:
                plan = read_roster(source, today=TODAY)
                assert plan.ok, plan.errors
                apply_roster(Workspace.open(db), plan, today=TODAY)
            else:
                found = read_development(source, today=TODAY)
                assert found.ok, found.issues
                apply_development(Workspace.open(db), found)
    finally:
        db.dispose()
    return path


@pytest.fixture
def fresh_db_path(template_db, tmp_path) -> Path:
    """A copy of the template database for one test."""
    path = tmp_path / "db" / "branchdesk.sqlite"
    path.parent.mkdir()
    shutil.copyfile(template_db, path)
    return path


@pytest.fixture
def fresh_db(fresh_db_path):
    from branchdesk.db.engine import Database

    db = Database(f"sqlite:///{fresh_db_path}", user="测试用户")
    yield db
    db.dispose()
