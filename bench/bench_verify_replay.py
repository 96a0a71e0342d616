"""Benchmark: `verify` with the replay of the audit trail against the data (issue 11 §6).

    .venv/bin/python bench/bench_verify_replay.py [--entries 100000] [--members 2000] [--repeat 3]

A demo branch of `--members` members, then rounds of changes to every member's 工作单位 written with
their audit entries (as an import would) until the trail holds `--entries` entries. Times `verify`
whole (integrity, chain, replay, anchors) and, in the same run as a floor, the chain walk without the
replay. Medians of `--repeat` rounds, wall clock and the process's CPU time (steadier on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def build(path: Path, entries: int, members: int):
    from sqlalchemy import func, select, text

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.db.models import AuditEntry
    from branchdesk.db.uow import add_entries
    from branchdesk.services.demo import generate

    db, _ = open_database(resolve_location(str(path)))
    generate(db, members=members, seed=1)
    with db.read() as session:
        have = session.scalar(select(func.count()).select_from(AuditEntry))
        ids = list(session.scalars(text("SELECT id FROM member ORDER BY id")))
    rounds = 0
    while have < entries:
        rounds += 1
        batch = ids[: entries - have]
        with db.write("批量修改工作单位") as session:
            before = dict(session.execute(text("SELECT id, work_unit FROM member")).all())
            session.execute(text("UPDATE member SET work_unit = :w WHERE id <= :last"),
                            {"w": f"第{rounds}单位", "last": batch[-1]})  # fmt: skip
            add_entries(session, [
                {"user": db.user, "operation": "批量修改工作单位", "action": "update", "entity": "member",
                 "entity_id": i, "changes": {"work_unit": [before[i] or None, f"第{rounds}单位"]}}
                for i in batch
            ])  # fmt: skip
        have += len(batch)
    return db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    from branchdesk.services import audit
    from branchdesk.services.audit import verify

    with tempfile.TemporaryDirectory() as tmp:
        db = build(Path(tmp) / "bench.sqlite", args.entries, args.members)
        whole, floor, whole_cpu, floor_cpu = [], [], [], []
        replay, anchors = audit._replay, audit._check_anchors
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            report = verify(db)
            whole.append(time.perf_counter() - start)
            whole_cpu.append(time.process_time() - cpu)
            assert report.ok, report.lines()[:5]
            audit._replay = audit._check_anchors = lambda *a: None
            try:
                start, cpu = time.perf_counter(), time.process_time()
                verify(db)
                floor.append(time.perf_counter() - start)
                floor_cpu.append(time.process_time() - cpu)
            finally:
                audit._replay, audit._check_anchors = replay, anchors
        print(f"audit entries {report.entries}, rows compared {report.records}")
        for label, wall, cpu in (
            ("verify with replay (integrity + chain + replay + anchors)", whole, whole_cpu),
            ("floor: verify without replay (integrity + chain)", floor, floor_cpu),
        ):
            print(f"{label:<58} wall median {statistics.median(wall):6.3f} s best {min(wall):6.3f} s"
                  f" | CPU median {statistics.median(cpu):6.3f} s best {min(cpu):6.3f} s")  # fmt: skip
        db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
