"""Benchmark: the inspection pack (迎检资料包) of a 200-member branch with a year of meetings.

Issue 5: the full pack for a 200-member branch with a year of meetings takes ≤ 10 s. This fills a
fresh database with `branchdesk demo --members 200` (a year and a bit of meetings, development
dossiers), then times

* each in-pack ledger's builder (`registry.build`),
* `write_pdf` of all of them (title page, contents, bookmarks) and `write_xlsx`,
* the whole `build_pack` (what 生成迎检资料包… and `branchdesk pack` run), folder and zip,
* the whole command as a new process (interpreter start, imports and migration check included).

Each figure is the median of ``--repeat`` runs; the pack's CPU time is printed beside its wall time,
and a floor — a fixed pure-Python workload timed before each run — so that a busy shared machine
shows as a high floor, not as a slow pack. ``--baseline SRC`` also times the command of another
source tree (e.g. a checkout of main's ``src``) on the same database, alternately with this tree's.

    .venv/bin/python bench/bench_pack.py [--members 200] [--repeat 5] [--profile] [--baseline SRC]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from branchdesk.workspace import Workspace

GOAL_S = 10.0


def floor_once() -> float:
    """A fixed pure-Python workload (~0.1 s on an idle machine)."""
    start = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i & 7
    return time.perf_counter() - start


FLOORS: list[float] = []


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        FLOORS.append(floor_once())
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def cpu_timed(fn, repeat: int) -> tuple[float, float, object]:
    """(median wall, median CPU of this process and its children, result)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        FLOORS.append(floor_once())
        before = os.times()
        start = time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(sum(after[:4]) - sum(before[:4]))
    return statistics.median(walls), statistics.median(cpus), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one build_pack and print the top")
    parser.add_argument("--baseline", metavar="SRC", help="another source tree's command, timed alternately")
    args = parser.parse_args()

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.reports.pack import build_pack, pack_specs
    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.registry import Period, build
    from branchdesk.reports.xlsx import write_xlsx
    from branchdesk.services.demo import generate

    work = Path(tempfile.mkdtemp(prefix="bench-pack-"))
    try:
        db_path = work / "demo.sqlite"
        db, _ = open_database(resolve_location(str(db_path)), user="基准测试")
        summary = generate(db, members=args.members, seed=1)
        ws = Workspace.open(db)
        print(summary.describe())
        today = dt.date.today()
        period = Period.year(today.year)

        reports = []
        print(f"\n{'台账':<16}{'份数':>6}{'行数':>8}{'中位数':>10}")
        for spec in pack_specs():
            seconds, built = timed(lambda key=spec.key: build(ws, key, period, today=today), args.repeat)
            rows = sum(len(getattr(r, "rows", ())) for r in built)
            print(f"{spec.title:<16}{len(built):>6}{rows:>8}{seconds:>9.3f}s")
            reports.extend(built)

        out = work / "out"
        out.mkdir()
        pdf_s, pdf = timed(lambda: write_pdf(reports, out / "all.pdf", title="基准", toc=True), args.repeat)
        xlsx_s, _ = timed(lambda: write_xlsx(reports, out / "all.xlsx"), args.repeat)
        print(f"\nwrite_pdf（{pdf.pages} 页，含封面和目录）  {pdf_s:.3f}s")
        print(f"write_xlsx                       {xlsx_s:.3f}s")

        def pack(as_zip: bool):
            target = work / "packs"
            shutil.rmtree(target, ignore_errors=True)
            return build_pack(ws, period, target, as_zip=as_zip, today=today)

        folder_s, folder_cpu, result = cpu_timed(lambda: pack(False), args.repeat)
        zip_s, zip_cpu, _ = cpu_timed(lambda: pack(True), args.repeat)
        print(
            f"\nbuild_pack（文件夹）  {folder_s:.3f}s（CPU {folder_cpu:.3f}s）"
            f"   {'≤' if folder_s <= GOAL_S else '>'} {GOAL_S:.0f} s"
        )
        print(f"build_pack（zip）     {zip_s:.3f}s（CPU {zip_cpu:.3f}s）")
        for f in result.files:
            print(f"  {f.name}  {f.size // 1024} KB")

        def run_in(src: str | None, *argv: str) -> subprocess.CompletedProcess:
            env = dict(os.environ)
            if src:
                env["PYTHONPATH"] = src
            return subprocess.run(
                [sys.executable, "-m", "branchdesk", *argv], capture_output=True, text=True, env=env
            )

        # the baseline (an older schema, perhaps) gets its own database, made by its own program
        databases = {None: db_path}
        if args.baseline:
            databases[args.baseline] = work / "baseline.sqlite"
            made = run_in(args.baseline, "--db", str(databases[args.baseline]), "demo", "--members",
                          str(args.members), "--seed", "1")  # fmt: skip
            if made.returncode:
                raise SystemExit(f"baseline demo failed:\n{made.stdout}{made.stderr}")

        def command(src: str | None = None):
            target = work / "cli"
            shutil.rmtree(target, ignore_errors=True)
            done = run_in(src, "--db", str(databases[src]), "pack", "-o", str(target))
            if done.returncode:
                raise SystemExit(
                    f"branchdesk pack failed ({src or 'this tree'}):\n{done.stdout}{done.stderr}"
                )

        trees = [("this tree", None)] + ([("baseline", args.baseline)] if args.baseline else [])
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in trees}
        for _ in range(args.repeat):  # alternately, so that both see the same machine
            for name, src in trees:
                wall, cpu, _ = cpu_timed(lambda src=src: command(src), 1)
                runs[name].append((wall, cpu))
        for name, _ in trees:
            wall = statistics.median(w for w, _ in runs[name])
            cpu = statistics.median(c for _, c in runs[name])
            print(f"branchdesk pack（新进程，{name}）  {wall:.3f}s（CPU {cpu:.3f}s）")
        print(f"floor（固定的纯 Python 计算，中位数）  {statistics.median(FLOORS):.3f}s")

        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(pack, False)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
