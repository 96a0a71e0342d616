"""A committee's server with several branches (issue 13): four office PCs of four branches write at
once — members of their branch, every third moved to the next branch — while the committee's PC reads
the overview over and over. Afterwards every member is in the branch its writer put it in, each move is
one transfer record, each insert's audit entry names its writer's branch, and every overview the reader
saw was a consistent snapshot (the branches' counts add up; no total ever went down).

PostgreSQL only (SQLite is one PC's file): runs when BRANCHDESK_TEST_PG names a server.
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from sqlalchemy import text

from branchdesk.workspace import Workspace
from tests.db.test_pg_concurrency import _finish, _start

SECONDS = 2.0


@pytest.fixture
def backend():
    return "postgresql"


def test_writers_in_four_branches_and_a_committee_reader(location):
    from branchdesk.db.engine import Database
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(location, user="党委管理员")
    ws = Workspace.open(db)
    ws.branch.save_profile(BranchProfile(name="教工第一党支部"))
    branches = [ws.branch_id] + [
        ws.branch.add_branch(n).id for n in ("教工第二党支部", "学生第一党支部", "学生第二党支部")
    ]
    db.dispose()

    args = [
        ["-m", "tests.db.branch_writer", location.url, str(b), str(SECONDS), str(w)]
        for w, b in enumerate(branches)
    ]
    procs = [
        _start(a) for a in [*args, ["-m", "tests.db.branch_writer", location.url, "reader", str(SECONDS)]]
    ]
    for proc in procs:
        ready = proc.stdout.readline()
        assert ready.strip() == '{"op": "ready"}', ready + proc.stderr.read()[-3000:]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outcomes = defaultdict(list)
    for n, proc in enumerate(procs):
        status, out, err = _finish(proc)
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
        errors = [r for r in records if r["op"] == "error"]
        assert not errors, f"process {n}: {errors[0]['trace']}"
        assert status == 0, err[-3000:]
        for r in records:
            outcomes[r["op"]].append(r)

    expected = {r["id"]: r["branch"] for r in outcomes["create"]}
    assert len({r["branch"] for r in outcomes["create"]}) == 4 and len(expected) >= 8
    expected.update({r["id"]: r["to"] for r in outcomes["move"]})
    totals = [r["total"] for r in outcomes["overview"]]
    assert totals and totals == sorted(totals), "the committee never saw members disappear"
    assert all(sum(r["by_branch"].values()) == r["total"] for r in outcomes["overview"])

    db = Database(location.url)
    try:
        with db.read() as session:
            stored = dict(session.execute(text("SELECT id, branch_id FROM member")).all())
            assert stored == expected, "every member is in the branch its writer put it in"
            moves = session.execute(
                text("SELECT member_id, from_branch_id, to_branch_id FROM member_transfer")
            ).all()
            assert {m: t for m, _, t in moves} == {r["id"]: r["to"] for r in outcomes["move"]}
            created_in = {r["id"]: r["branch"] for r in outcomes["create"]}
            assert all(created_in[m] == f for m, f, _ in moves)
            audited = dict(
                session.execute(
                    text(
                        "SELECT entity_id, branch_id FROM audit_entry WHERE entity = 'member' AND action = 'insert'"
                    )
                ).all()
            )
            assert audited == created_in, "each insert's audit entry names its writer's branch"
    finally:
        db.dispose()
