"""Issue 13: two branches in one database never see each other's records.

A committee keeps a demo branch (甲, generated) and a second branch (乙) with its own members, a dossier
and a meeting, all named 钟离…. Every registered ledger and every service list of each branch is read;
no name of the other branch appears in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields
from branchdesk.services.meetings import MeetingType
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace
from tests.unit.dev_builders import admitted

TODAY = dt.date(2026, 11, 20)
B_NAMES = ("钟离乙一", "钟离乙二", "钟离乙三", "钟离乙申")


@pytest.fixture(scope="module")
def two_branches(tmp_path_factory):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    folder = tmp_path_factory.mktemp("scoping")
    db, _ = open_database(resolve_location(str(folder / "two.sqlite")), user="测试用户")
    generate(db, members=16, seed=4, today=TODAY)
    a = Workspace.open(db)
    info = a.branch.add_branch("钟离乙党支部", "测试学院党委")
    b = Workspace.open(db, info.id)
    group = b.branch.add_group("钟离乙小组")
    for n, name in enumerate(B_NAMES[:3]):
        b.members.create(
            MemberFields(
                name=name,
                join_date=dt.date(2010 + n, 7, 1),
                conversion_date=dt.date(2011 + n, 7, 1),
                group_id=group.id,
                mobile=f"1390000000{n}",
            )
        )
    b.development.save(replace(admitted(dt.date(2026, 8, 1)), id=None, person=Person("钟离乙申")))
    b.meetings.plan(MeetingType.GENERAL, dt.date(2026, 9, 1), place="钟离乙会议室")
    yield a, b
    a.close()
    b.close()
    db.dispose()


def _a_names(a: Workspace) -> set[str]:
    names = {m.name for m in a.members.records(MemberQuery(statuses=None))}
    names |= {d.person.name for d in a.development.all()}
    dossier_text = repr(admitted())  # names the test dossier itself carries (its contacts, sponsors)
    return {n for n in names if n not in dossier_text}


def _service_lists(ws: Workspace) -> dict[str, object]:
    year = TODAY.year
    return {
        "members.records": ws.members.records(MemberQuery(statuses=None)),
        "members.search": ws.members.get_many(ws.members.search_ids(MemberQuery(text="钟离", statuses=None))),
        "members.groups": ws.members.groups(),
        "branch.groups": ws.branch.groups(),
        "branch.committee": ws.branch.committee(include_ended=True),
        "development.all": ws.development.all(),
        "development.list": ws.development.list(),
        "development.due": ws.development.due(TODAY, horizon_days=400),
        "meetings.list": ws.meetings.list(year=year),
        "meetings.all": ws.meetings.all(),
        "meetings.calendar": ws.meetings.calendar(year, TODAY),
        "meetings.custom_types": ws.meetings.custom_types(),
        "roster": ws.roster.read().entries(),
        "compliance": ws.compliance.check(TODAY).all,
    }


def test_every_service_list_holds_only_its_branch(two_branches):
    a, b = two_branches
    a_names = _a_names(a)
    assert len(a_names) >= 10
    for key, value in _service_lists(b).items():
        text = repr(value)
        assert not [n for n in a_names if n in text], f"乙's {key} shows 甲's records"
    b_lists = _service_lists(b)
    assert {m.name for m in b_lists["members.records"]} == set(B_NAMES[:3])
    assert [d.person.name for d in b_lists["development.all"]] == ["钟离乙申"]
    for key, value in _service_lists(a).items():
        assert "钟离" not in repr(value), f"甲's {key} shows 乙's records"


def test_a_dossier_of_one_branch_is_not_saved_over_from_another(two_branches):
    from branchdesk.domain.errors import NotFoundError

    a, b = two_branches
    theirs = a.development.all()[0]
    with pytest.raises(NotFoundError):
        b.development.save(replace(theirs, person=Person("钟离乙冒")))
    assert a.development.get(theirs.id) == theirs


def test_every_registered_ledger_holds_only_its_branch(two_branches):
    from branchdesk.reports.registry import Period, build, ledger_specs

    a, b = two_branches
    a_names = _a_names(a)
    seen_b = set()
    for spec in ledger_specs():
        a_text = repr(build(a, spec.key, Period.year(TODAY.year), today=TODAY))
        b_text = repr(build(b, spec.key, Period.year(TODAY.year), today=TODAY))
        if spec.committee:  # the committee's: every branch, whichever workspace builds it
            assert a_text == b_text and "钟离乙党支部" in a_text, spec.title
            assert not spec.in_pack
            continue
        assert "钟离" not in a_text, f"甲's {spec.title} shows 乙's records"
        assert not [n for n in a_names if n in b_text], f"乙's {spec.title} shows 甲's records"
        seen_b |= {n for n in B_NAMES if n in b_text}
    assert seen_b == set(B_NAMES), "乙's own records are in its ledgers"


def test_the_committee_overview_has_a_row_per_branch(two_branches):
    from branchdesk.domain.development import Stage

    a, b = two_branches
    demo, second = a.committee.overview(TODAY.year)
    assert (second.name, second.full, second.probationary, second.meetings_held) == ("钟离乙党支部", 3, 0, 0)
    assert second.stages == {Stage.ADMISSION: 1}
    assert demo.members == len(a.members.records(MemberQuery()))
    from collections import Counter

    stages = Counter(d.stage for d in a.development.all() if d.stage is not None)
    assert demo.stages == dict(stages) and len(stages) >= 3, "the SQL stage is the dossier's own"
    assert b.committee.overview(TODAY.year) == [demo, second], "the same whichever branch asks"
    found = a.committee.findings(second.id, TODAY)
    assert found.missing_meetings >= 1, "乙 held no 支部党员大会 this year"
    assert found == b.committee.findings(second.id, TODAY)


@pytest.mark.parametrize(
    "text", ["", "z", "zh", "l", "li", "zs", "zz", "1", "138", "3501", "张", "欧阳", "x-1"]
)
def test_the_first_screen_in_one_statement_is_the_search_itself(two_branches, text):
    """`screen` (one statement per keystroke, built once per shape) finds what the id list and the
    records it stands for find, in the same order, for each kind of search and filter."""
    a, _ = two_branches
    group = a.branch.groups()[0].id
    for query in (
        MemberQuery(text=text),
        MemberQuery(text=text, statuses=None, sort="join_date", descending=True),
        MemberQuery(text=text, group_id=group, sort="group"),
        MemberQuery(text=text, group_id=0, member_types=frozenset({"full"})),
    ):
        shown = a.members.screen(query, 5)
        assert shown == a.members.get_many(a.members.search_ids(query, limit=5)), query
