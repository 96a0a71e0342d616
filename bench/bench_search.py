"""Benchmark: search as you type on 100,000 members, against a raw-SQLite floor measured side by side.

Issue 13: the first screen of a search is ONE statement returning the displayed columns
(`MemberService.screen`: no id list first, no ORM entity per row, no branch look-up per keystroke) —
within 3× the floor: the same SQL text run by the sqlite3 module itself, fetching plain tuples. The
path before (an id list with LIMIT, then `get_many` loading ORM entities) is timed too.

    .venv/bin/python bench/bench_search.py [--members 100000] [--repeat 7]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_startup
from bench_member_page import TYPED

from branchdesk.db.migrate import SCHEMA_HEAD

bench_startup.CACHE = bench_startup.CACHE / f"schema-{SCHEMA_HEAD}"  # another schema's cache never mixes

SCREEN = 30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    path = bench_startup.build_database(args.members)

    from sqlalchemy.dialects import sqlite as sqlite_dialect

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.members import MemberQuery
    from branchdesk.workspace import Workspace

    db, _ = open_database(resolve_location(str(path)))
    ws = Workspace.open(db)
    members = ws.members
    raw = sqlite3.connect(str(path))

    def statement(query: MemberQuery):
        """The SQL `screen` runs, compiled with its parameters inline (for the floor)."""
        captured = []
        from sqlalchemy import event

        def grab(conn, cursor, sql, params, context, many):
            captured.append((sql, params))

        event.listen(db.engine, "before_cursor_execute", grab)
        try:
            members.screen(query, SCREEN)
        finally:
            event.remove(db.engine, "before_cursor_execute", grab)
        return captured[-1]

    del sqlite_dialect
    ratios, ours_all, floor_all, before_all = [], [], [], []
    for text in TYPED:
        query = MemberQuery(text=text)
        sql, params = statement(query)
        members.screen(query, SCREEN)
        raw.execute(sql, params).fetchall()  # warm both

        def ours(query=query):
            members.screen(query, SCREEN)

        def floor(sql=sql, params=params):
            raw.execute(sql, params).fetchall()

        def before(query=query):
            members.get_many(members.search_ids(query, limit=SCREEN))

        t = {}
        for name, fn in (("ours", ours), ("floor", floor), ("before", before)):
            times = []
            for _ in range(args.repeat):
                s = time.perf_counter()
                fn()
                times.append(time.perf_counter() - s)
            t[name] = statistics.median(times)
        ours_all.append(t["ours"])
        floor_all.append(t["floor"])
        before_all.append(t["before"])
        ratios.append(t["ours"] / t["floor"] if t["floor"] else 0)
    print(f"{args.members} members, {len(TYPED)} typed searches, first screen of {SCREEN} rows, medians:")
    print(f"  screen (one statement):      {statistics.median(ours_all) * 1000:.2f} ms")
    print(f"  raw sqlite3 floor (same SQL): {statistics.median(floor_all) * 1000:.2f} ms")
    print(f"  before (ids + ORM get_many):  {statistics.median(before_all) * 1000:.2f} ms")
    print(
        f"  ratio screen/floor: median {statistics.median(ratios):.1f}×, worst {max(ratios):.1f}× (goal ≤ 3×)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
