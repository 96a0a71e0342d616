"""Search-as-you-type stays fast on a large roster: the planner walks the member search index in name
order (the first screen of results without sorting every match), and bulk writes refresh its statistics.

Timings are measured in bench/bench_member_page.py; these tests pin the query plans that give them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from branchdesk.db.models import Member
from branchdesk.services.demo import generate
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    db, _ = open_database(resolve_location(str(tmp_path_factory.mktemp("plan") / "plan.sqlite")))
    generate(db, members=400, seed=5, today=dt.date(2026, 11, 23))
    yield db
    db.dispose()


def test_demo_data_leaves_fresh_planner_statistics(demo_db):
    with demo_db.read() as session:
        indexes = {
            row[0] for row in session.execute(text("SELECT idx FROM sqlite_stat1 WHERE tbl = 'member'"))
        }
    assert "ix_member_search" in indexes


def _plan(db, query: MemberQuery) -> str:
    service = Workspace.open(db).members
    with db.read() as session:
        stmt = service._order(service._filtered(session, query, [Member.id]), query).limit(40)
        sql = str(stmt.compile(session.bind, compile_kwargs={"literal_binds": True}))
        return "\n".join(row[3] for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))


@pytest.mark.parametrize("typed", ["z", "zh", "zs", "zhangwei", "张伟", "欧阳", "1380", "3501"])
def test_search_walks_the_search_index_in_name_order(demo_db, typed):
    plan = _plan(demo_db, MemberQuery(text=typed))
    assert "COVERING INDEX ix_member_search" in plan, plan
    # No sort of every match before the first screen (ties of equal pinyin may be sorted by id).
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_first_letter_range_finds_the_same_members_as_initials_or_pinyin(demo_db):
    service = Workspace.open(demo_db).members
    everyone = service.records(MemberQuery())
    for typed in ["z", "zs", "zha", "wl", "ouy", "ly"]:
        expected = sorted(
            r.id for r in everyone if r.name_initials.startswith(typed) or _full(r).startswith(typed)
        )
        assert sorted(service.search_ids(MemberQuery(text=typed))) == expected, typed


def _full(record) -> str:
    from branchdesk.domain.pinyin import name_pinyin

    return name_pinyin(record.name)[1]
