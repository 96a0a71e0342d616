"""GUI fixtures: window settings kept in a temporary folder, and a branch with a handful of members."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.members import MemberFields
from branchdesk.domain.vocab import MemberType


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path, qapp):
    """QSettings(org, app) writes under tmp_path, never into the tester's home folder."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


def person(name: str, birth: dt.date, sex: str, join: dt.date, *, seq: int, probationary: bool = False,
           group_id: int | None = None, **extra) -> MemberFields:  # fmt: skip
    """A valid member file: ID number matching birth date and sex, converted a year after joining."""
    return MemberFields(
        name=name,
        id_number=make_citizen_id("350102", birth, seq, sex),
        sex=sex,
        birth_date=birth,
        member_type=(MemberType.PROBATIONARY if probationary else MemberType.FULL).value,
        join_date=join,
        conversion_date=None if probationary else dt.date(join.year + 1, join.month, min(join.day, 28)),
        group_id=group_id,
        **extra,
    )


@pytest.fixture
def roster(members, branch):
    """Six members of the test branch; returns {name: MemberRecord}."""
    groups = {g.name: g.id for g in branch.groups()}
    first, second = groups["第一党小组"], groups["第二党小组"]
    people = [
        person("张三", dt.date(1980, 5, 4), "男", dt.date(2005, 7, 1), seq=1, group_id=first,
               work_unit="计算机学院", mobile="13800000001", education="大学本科"),
        person("李四", dt.date(1975, 3, 12), "男", dt.date(1998, 6, 20), seq=2, group_id=first,
               work_unit="数学学院", mobile="13800000002", education="研究生（硕士）"),
        person("王芳", dt.date(1990, 11, 23), "女", dt.date(2015, 12, 1), seq=3, group_id=second,
               work_unit="外国语学院", mobile="13900000003"),
        person("赵敏", dt.date(2001, 2, 14), "女", dt.date(2026, 6, 28), seq=4, group_id=second,
               probationary=True, work_unit="计算机学院"),
        person("欧阳修", dt.date(1968, 8, 8), "男", dt.date(1990, 10, 1), seq=5, work_unit="离退休处"),
        person("曾志伟", dt.date(1985, 1, 30), "男", dt.date(2010, 4, 15), seq=6, group_id=first,
               work_unit="后勤处"),
    ]  # fmt: skip
    return {p.name: members.create(p) for p in people}


@pytest.fixture
def ctx(ws, location):
    """What the window holds: the test branch's workspace (the same as the `ws` fixture's)."""
    from branchdesk.ui.context import AppContext

    return AppContext(ws, location)
