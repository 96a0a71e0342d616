"""Benchmark: cold start to a painted main window on a 10,000-member database (goal ≤ 0.8 s).

    .venv/bin/python bench/bench_startup.py [--members 10000] [--runs 5]

Builds the database once (cached under /tmp/branchdesk-bench/) with the demo generator, then starts
`python -m branchdesk --db X --smoke` in fresh processes (offscreen Qt unless a display is set). Each run
prints its own time from process start to the first paint of the member table (read from
/proc/self/stat, 10 ms resolution) and the step marks; this script reports the medians of that, of
the wall-clock time of the whole process (start, paint, exit) and of its CPU time (user + system, which
other work on a shared machine disturbs less than wall-clock time). One discarded warm-up run compiles any
stale .pyc files first.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path("/tmp/branchdesk-bench")
_SMOKE = re.compile(r"smoke ok: members=(\d+) first_paint=([\d.]+)s heavy=(\S+) \((.*)\)")


def build_database(members: int) -> Path:
    """A migrated SQLite database with `members` members on the roster (generated once, then reused)."""
    path = CACHE / f"startup-{members}.sqlite"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    partial = path.with_name(path.name + ".building")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    db, _ = open_database(resolve_location(str(partial)))
    try:
        from branchdesk.services.demo import generate

        started = time.perf_counter()
        generate(db, members=members, seed=1)
        print(f"built {path} ({members} members) in {time.perf_counter() - started:.1f} s")
    finally:
        db.dispose()
    partial.rename(path)
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def smoke_once(db: Path) -> tuple[float, float, float, str]:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "branchdesk", "--db", str(db), "--smoke"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    match = _SMOKE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"smoke run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(match.group(2)), wall, cpu, f"heavy={match.group(3)} {match.group(4)}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    db = build_database(args.members)
    smoke_once(db)  # warm-up: compiles stale .pyc files, fills the page cache
    paints, walls, cpus = [], [], []
    for run in range(1, args.runs + 1):
        paint, wall, cpu, marks = smoke_once(db)
        paints.append(paint)
        walls.append(wall)
        cpus.append(cpu)
        print(f"run {run}: first paint {paint:.3f} s, process wall {wall:.3f} s, cpu {cpu:.3f} s  [{marks}]")
    print(
        f"median over {args.runs} runs ({args.members} members): first paint {statistics.median(paints):.3f} s "
        f"(goal ≤ 0.8 s), process wall {statistics.median(walls):.3f} s, "
        f"process cpu {statistics.median(cpus):.3f} s (start to exit; less sensitive to other load)"
    )
    try:
        load = os.getloadavg()[0]
        print(f"load average while measuring: {load:.2f} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
