"""Benchmark: `branchdesk check` over 5,000 development dossiers, loading from the database included.

Issue 3: `check` over 5,000 dossiers finishes in ≤ 1 s. This builds a database of realistic
dossiers (the histories of bench_rules.py: every stage, one in twenty with a typical fault) through
``ws.development.save_many`` (one transaction), then times what the command does:

* ``DevelopmentService.check()``: the rule context from the settings, ``all()`` (one SELECT per
  table, driver tuples, no ORM), and the audit of every dossier; ``all()`` alone is timed too;
* the whole command in-process (``cli.main(["check", "--json"])``, output to a null stream);
* the whole command as a new process (interpreter start, imports, migration check included).

    .venv/bin/python bench/bench_check.py [--dossiers 5000] [--repeat 5] [--db PATH] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from branchdesk.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_rules import AS_OF, make_dossiers


def build(path: Path, n: int) -> float:
    from dataclasses import replace

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(resolve_location(str(path)), user="基准测试")
    ws = Workspace.open(db)
    ws.branch.save_profile(BranchProfile(name="基准测试党支部"))
    dossiers = [replace(d, id=None) for d in make_dossiers(n)]
    t = time.perf_counter()
    ws.development.save_many(dossiers, operation="基准测试：批量写入")
    elapsed = time.perf_counter() - t
    db.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database here (built if missing)")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.sqlite"
    if not path.exists():
        elapsed = build(path, args.dossiers)
        print(f"{args.dossiers} dossiers written with save_many in {elapsed:.1f} s ({path})")

    from branchdesk.cli import main as cli_main
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    db, _ = open_database(resolve_location(str(path)))
    service = Workspace.open(db).development

    def check_once() -> tuple[float, float, int, int]:
        t0 = time.perf_counter()
        service.all()  # the loading alone
        t1 = time.perf_counter()
        findings = service.check(AS_OF)  # what `check` does: settings, loading, audit
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1, len(findings), sum(f.blocking for f in findings)

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        service.check(AS_OF)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)

    loads, checks = [], []
    for _ in range(args.repeat):
        t_load, t_check, count, blocking = check_once()
        loads.append(t_load)
        checks.append(t_check)
    print(f"findings: {count} ({blocking} blocking)")
    print(
        f"DevelopmentService.check() over {args.dossiers} dossiers (loading included): "
        f"median {statistics.median(checks):.3f} s, best {min(checks):.3f} s; "
        f"loading alone (all()): median {statistics.median(loads):.3f} s, best {min(loads):.3f} s"
    )

    cli_runs = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = cli_main(["--db", str(path), "check", "--json", "--as-of", AS_OF.isoformat()])
        cli_runs.append(time.perf_counter() - t)
    print(
        f"cli.main(['check', '--json']) in-process: median {statistics.median(cli_runs):.3f} s, exit {code}"
    )

    procs = []
    for _ in range(max(1, args.repeat // 2)):
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "branchdesk", "--db", str(path), "check", "--as-of", AS_OF.isoformat()],
            capture_output=True,
        )
        procs.append(time.perf_counter() - t)
    print(
        f"`python -m branchdesk check` as a new process: median {statistics.median(procs):.3f} s "
        f"(exit {done.returncode})"
    )
    db.dispose()
    tmp.cleanup()


if __name__ == "__main__":
    main()
