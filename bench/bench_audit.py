"""Benchmark: what the audit chain costs, and how long checking it takes.

    .venv/bin/python bench/bench_audit.py [--rows 10000] [--entries 100000] [--repeat 5]

1. A roster import of `--rows` new members (one audit entry each) with the chain, and with the chain's
   own work (lock, hashing, head) replaced by constant values — the same rows, the same insert,
   alternately in one process, so that the difference is the chain's cost on a shared machine (the
   CPU time of the process is the steadier figure when other work runs beside it).
2. `verify` over a database of `--entries` audit entries, and the 0005 upgrade chaining that many
   entries written before the chain existed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from branchdesk.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _unchained_append(connection, rows) -> None:
    """The append without the chain: no lock, no hash, no head (the entries' other work kept)."""
    from sqlalchemy import func, select

    from branchdesk.db import uow
    from branchdesk.db.types import utcnow

    now = utcnow()
    values = []
    first = (connection.scalar(select(func.max(uow._ENTRY.c.seq))) or 0) + 1
    for seq, row in enumerate(rows, start=first):
        changes = uow._changes_text(row["changes"], None)
        values.append((seq, uow.GENESIS, uow.GENESIS, row.get("at") or now, row["user"], row["operation"],
                       row["action"], row["entity"], row["entity_id"], changes))  # fmt: skip
    uow._insert(connection, values)


def bench_import(rows: int, repeat: int) -> dict[str, list[float]]:
    from bench_import_export import _fresh_database, roster_rows, write_roster_file

    from branchdesk.db import uow
    from branchdesk.services.imports import apply_roster, read_roster

    timings: dict[str, list[float]] = {}
    chained = uow._append
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.xlsx"
        write_roster_file(roster, roster_rows(rows))
        for round_ in range(repeat):
            variants = (("with the chain", chained), ("without (constant hashes)", _unchained_append))
            for variant, (label, append) in enumerate(variants):
                db = _fresh_database(Path(tmp) / f"{round_}-{variant}.sqlite")
                plan = read_roster(roster)
                ws = Workspace.open(db)
                uow._append = append
                try:
                    start, cpu = time.perf_counter(), time.process_time()
                    result = apply_roster(ws, plan)
                    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
                finally:
                    uow._append = chained
                    db.dispose()
                assert result.created == rows
                timings.setdefault(f"apply_roster {rows} new members, {label}", []).append(elapsed)
                timings.setdefault(f"  … CPU time, {label}", []).append(cpu)
    return timings


def bench_verify(entries: int) -> dict[str, float]:
    from sqlalchemy import text

    from branchdesk.config import resolve_location
    from branchdesk.db import migrate
    from branchdesk.db.engine import Database
    from branchdesk.db.migrate import open_database
    from branchdesk.services.audit import verify

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "old.sqlite"
        old = Database(f"sqlite:///{path}")
        from alembic import command

        with old.engine.begin() as conn:
            command.upgrade(migrate._alembic_config(conn), "0004")
            changes = '{"address": [null, "某市某区某路 1 号"], "id_number": [null, "350102198001010011"], ' \
                      '"join_date": [null, "2008-06-20"], "name": [null, "张三"], "work_unit": [null, "某某大学"]}'  # fmt: skip
            conn.execute(
                text(
                    'INSERT INTO audit_entry (at, "user", operation, action, entity, entity_id, changes) '
                    "VALUES ('2026-03-05 06:02:00.000000', '张三', '导入党员花名册', 'insert', 'member', :i, :c)"
                ),
                [{"i": i, "c": changes} for i in range(entries)],
            )
        old.dispose()
        start = time.perf_counter()
        db, _ = open_database(resolve_location(str(path)))
        out[f"upgrade 0004 -> head chaining {entries} entries"] = time.perf_counter() - start
        start = time.perf_counter()
        report = verify(db)
        out[f"verify {entries} entries (integrity + chain)"] = time.perf_counter() - start
        assert report.ok and report.entries == entries, report.lines()
        db.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    from pypinyin import lazy_pinyin

    lazy_pinyin("热身")
    timings = bench_import(args.rows, args.repeat)
    print(f"{'':58} {'best':>7} {'median':>7}   ({args.repeat} rounds, wall clock)")
    for label, values in timings.items():
        print(f"{label:<58} {min(values):7.3f} {statistics.median(values):7.3f}")
    best = [min(v) for v in timings.values()]
    medians = [statistics.median(v) for v in timings.values()]
    print(f"{'chain overhead (wall)':<58} {best[0] - best[2]:7.3f} {medians[0] - medians[2]:7.3f}")
    print(f"{'chain overhead (CPU)':<58} {best[1] - best[3]:7.3f} {medians[1] - medians[3]:7.3f}")
    for label, seconds in bench_verify(args.entries).items():
        print(f"{label:<58} {seconds:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
