"""Shared fixtures: a fresh migrated database with one branch, and the services over it."""

from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):
    # PySide6 6.12.0 loses a reference to None/True on every void call and emit() (see
    # branchdesk.ui.pyside_fixes): without the fix, a GUI test run aborts with "none_dealloc".
    from importlib.util import find_spec

    if find_spec("PySide6") is not None:
        from branchdesk.ui import pyside_fixes

        pyside_fixes.apply()


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("BRANCHDESK_DATA_DIR", str(path))
    monkeypatch.delenv("BRANCHDESK_DB", raising=False)
    return path


@pytest.fixture
def location(tmp_path, data_dir):
    from branchdesk.config import resolve_location

    return resolve_location(str(tmp_path / "branchdesk.sqlite"))


@pytest.fixture
def empty_db(location):
    """A migrated database without any branch (first run)."""
    from branchdesk.db.migrate import open_database

    db, _ = open_database(location, user="测试用户")
    yield db
    db.dispose()


@pytest.fixture
def db(empty_db):
    """A migrated database holding one branch with two party groups."""
    from branchdesk.services.branch import BranchProfile
    from branchdesk.workspace import Workspace

    branch = Workspace(empty_db).branch
    branch.save_profile(
        BranchProfile(
            name="测试学院教工第一党支部", founded_on=dt.date(2010, 6, 1), higher_committee="测试学院党委"
        )
    )
    branch.add_group("第一党小组")
    branch.add_group("第二党小组")
    return empty_db


@pytest.fixture
def ws(db):
    """The workspace of the test branch: every service of the tests below is one of its attributes."""
    from branchdesk.workspace import Workspace

    return Workspace.open(db)


@pytest.fixture
def members(ws):
    return ws.members


@pytest.fixture
def branch(ws):
    return ws.branch
