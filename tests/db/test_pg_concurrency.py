"""Several office PCs writing to one PostgreSQL database at once keep its data consistent.

Four child processes (tests/db/concurrent_writer.py), each its own `Database` on the same URL as separate
PCs would be, write through the services for a few seconds at the same time: new members, ID numbers
that all of them try (exactly one wins, the others get the form's duplicate message), edits of one
member's fields (each PC its own field, and one field all of them edit), status changes of one member
all of them toggle. Afterwards: every reported write is there and nothing else, ID numbers are unique,
each member has its audit entry, the shared member kept every PC's own field and the status history is
one unbroken chain, no row points at a missing row. Also: PCs starting a new version at the same moment
on an empty database (one of them creates the schema, the others wait and find it done).

PostgreSQL only (SQLite is one PC's file): runs when BRANCHDESK_TEST_PG names a server.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from branchdesk.workspace import Workspace
from tests.db.concurrent_writer import OWN_FIELD, SHARED_FIELD, collision_id_number

ROOT = Path(__file__).resolve().parents[2]
SHARED_ID_NUMBER = "110105197203040024"
STATUS_ID_NUMBER = "110105197405060015"
WORKERS = 4
SECONDS = 4.0


@pytest.fixture
def backend():
    return "postgresql"


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-u", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(proc: subprocess.Popen, timeout: float = 60) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


def _prepare(location) -> tuple[int, int]:
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(location, user="党委管理员")
    try:
        Workspace.open(db).branch.save_profile(BranchProfile(name="并发测试党支部"))
        members = Workspace.open(db).members
        joined = {"join_date": dt.date(1998, 7, 1), "conversion_date": dt.date(1999, 7, 1)}
        shared = members.create(MemberFields(name="李共享", id_number=SHARED_ID_NUMBER, **joined))
        status = members.create(MemberFields(name="王转接", id_number=STATUS_ID_NUMBER, **joined))
        return shared.id, status.id
    finally:
        db.dispose()


def test_office_pcs_writing_at_once_keep_the_data_consistent(location):
    from branchdesk.db.engine import Database

    shared_id, status_id = _prepare(location)
    procs = [
        _start(
            [
                "-m",
                "tests.db.concurrent_writer",
                location.url,
                str(w),
                str(SECONDS),
                str(shared_id),
                str(status_id),
            ]
        )
        for w in range(WORKERS)
    ]
    for proc in procs:  # every PC has started (imports, connection), then all begin at once
        ready = proc.stdout.readline()
        assert ready.strip() == '{"op": "ready"}', ready + proc.stderr.read()[-3000:]
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outcomes = defaultdict(list)  # op -> [(worker, record)]
    for worker, proc in enumerate(procs):
        status, out, err = _finish(proc)
        records = [json.loads(line) for line in out.splitlines() if line.strip()]
        errors = [r for r in records if r["op"] == "error"]
        assert not errors, f"worker {worker}: {errors[0]['trace']}"
        assert status == 0, f"worker {worker} exited with {status}: {err[-3000:]}"
        for record in records:
            outcomes[record["op"]].append((worker, record))

    created = {r["id"]: r["id_number"] for _, r in outcomes["create"]}
    assert len(created) == len(outcomes["create"]) >= WORKERS * 3, "each worker created members"

    # An ID number tried by several PCs: exactly one got it, the others the form's duplicate message.
    winners = defaultdict(list)
    for _, r in outcomes["collide"]:
        if r["won"]:
            winners[r["k"]].append(r["id"])
        else:
            assert [field for field, _ in r["issues"]] == ["id_number"], r
            assert "公民身份号码重复" in r["issues"][0][1], r
    tried = {r["k"] for _, r in outcomes["collide"]}
    assert {k: len(winners[k]) for k in tried} == dict.fromkeys(tried, 1)
    assert any(not r["won"] for _, r in outcomes["collide"]), "no ID number was tried twice at the same time"
    created.update({ids[0]: collision_id_number(k) for k, ids in winners.items()})
    created[shared_id], created[status_id] = SHARED_ID_NUMBER, STATUS_ID_NUMBER

    db = Database(location.url)
    try:
        with db.read() as session:

            def scalar(sql: str, **params):
                return session.execute(text(sql), params).scalar_one()

            stored = dict(session.execute(text("SELECT id, id_number FROM member")).all())
            assert stored == created, "every reported member is there, with its ID number, and nothing else"
            assert scalar("SELECT count(DISTINCT id_number) FROM member") == len(created)
            assert (
                scalar(
                    "SELECT count(*) FROM member m WHERE NOT EXISTS (SELECT 1 FROM audit_entry a "
                    "WHERE a.entity = 'member' AND a.action = 'insert' AND a.entity_id = m.id)"
                )
                == 0
            ), "every member has the audit entry of its creation"
            assert scalar(
                "SELECT count(*) FROM audit_entry WHERE entity = 'member' AND action = 'insert'"
            ) == len(created), "no audit entry of a refused insert"

            # Each PC's own field of the shared member holds its last saved value: no PC's save
            # overwrote a field it did not change with the stale value of its form.
            shared = (
                session.execute(text("SELECT * FROM member WHERE id = :i"), {"i": shared_id}).mappings().one()
            )
            for worker in range(WORKERS):
                saved = [
                    r["value"] for w, r in outcomes["edit"] if w == worker and r["field"] == OWN_FIELD[worker]
                ]
                assert saved and all(
                    r["saved"] for w, r in outcomes["edit"] if w == worker and r["field"] != SHARED_FIELD
                )
                assert shared[OWN_FIELD[worker]] == saved[-1], OWN_FIELD[worker]
            # The field all of them edit holds one of the saved values; a refused edit said why.
            notes = [r for _, r in outcomes["edit"] if r["field"] == SHARED_FIELD]
            assert shared[SHARED_FIELD] in {r["value"] for r in notes if r["saved"]}
            for r in notes:
                if not r["saved"]:
                    assert r["issues"][0][0] == SHARED_FIELD and "其他用户" in r["issues"][0][1], r
            updates = scalar(
                "SELECT count(*) FROM audit_entry WHERE entity = 'member' AND action = 'update' "
                "AND entity_id = :i AND changes LIKE :f",
                i=shared_id,
                f=f'%"{SHARED_FIELD}"%',
            )
            assert updates == sum(r["saved"] for r in notes), "one audited write per saved edit"

            # The status history of the member everyone toggles is one unbroken chain.
            chain = session.execute(
                text(
                    "SELECT from_status, to_status FROM member_status_change WHERE member_id = :i ORDER BY id"
                ),
                {"i": status_id},
            ).all()
            assert len(chain) == sum(r["saved"] for _, r in outcomes["status"]) > 0
            assert chain[0][0] == "active"
            assert all(prev[1] == cur[0] for prev, cur in itertools.pairwise(chain)), chain
            assert scalar("SELECT status FROM member WHERE id = :i", i=status_id) == chain[-1][1]
            transfers = {r["id"] for _, r in outcomes["transfer"]}
            assert (
                set(
                    session.execute(
                        text("SELECT id FROM member WHERE status = 'transferred_out' AND id <> :i"),
                        {"i": status_id},
                    ).scalars()
                )
                == transfers
            )

            assert _orphans(session) == {}
    finally:
        db.dispose()


def _orphans(session) -> dict[str, int]:
    """Rows whose foreign key names a row that does not exist, per table.column."""
    from branchdesk.db.models import full_metadata

    found = {}
    for table in full_metadata().sorted_tables:
        for fk in table.foreign_keys:
            child, parent = fk.parent, fk.column
            count = session.execute(
                text(
                    f'SELECT count(*) FROM "{table.name}" c WHERE c."{child.name}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{parent.table.name}" p WHERE p."{parent.name}" = c."{child.name}")'
                )
            ).scalar_one()
            if count:
                found[f"{table.name}.{child.name}"] = count
    return found


def test_pcs_starting_a_new_version_at_once_migrate_the_database_once(location):
    """The first PC to start creates (or upgrades) the schema; the others wait for it and find it done."""
    code = (
        "import sys; from branchdesk.config import resolve_location; "
        "from branchdesk.db.migrate import open_database; "
        "db, result = open_database(resolve_location(sys.argv[1])); print(result.before, result.after)"
    )
    procs = [_start(["-c", code, location.url]) for _ in range(WORKERS)]
    results = [_finish(proc) for proc in procs]
    for status, _out, err in results:
        assert status == 0, err[-3000:]
    from branchdesk.db.migrate import SCHEMA_HEAD

    outcomes = sorted(out.split() for _, out, _ in results)
    assert [after for _, after in outcomes] == [SCHEMA_HEAD] * WORKERS
    assert [before for before, _ in outcomes].count("None") == 1, "exactly one PC created the schema"
