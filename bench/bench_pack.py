"""Benchmark: the inspection pack (迎检资料包) of a 200-member branch with a year of meetings.

Issue 5: the full pack for a 200-member branch with a year of meetings takes ≤ 10 s. This fills a
fresh database with `branchdesk demo --members 200` (a year and a bit of meetings, development
dossiers), then times

* each in-pack ledger's builder (`registry.build`),
* `write_pdf` of all of them (title page, contents, bookmarks) and `write_xlsx`,
* the whole `build_pack` (what 生成迎检资料包… and `branchdesk pack` run), folder and zip,
* the whole command as a new process (interpreter start, imports and migration check included).

    .venv/bin/python bench/bench_pack.py [--members 200] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
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


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile one build_pack and print the top")
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

        folder_s, result = timed(lambda: pack(False), args.repeat)
        zip_s, _ = timed(lambda: pack(True), args.repeat)
        print(
            f"\nbuild_pack（文件夹）  {folder_s:.3f}s   {'≤' if folder_s <= GOAL_S else '>'} {GOAL_S:.0f} s"
        )
        print(f"build_pack（zip）     {zip_s:.3f}s")
        for f in result.files:
            print(f"  {f.name}  {f.size // 1024} KB")

        def command():
            target = work / "cli"
            shutil.rmtree(target, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "branchdesk", "--db", str(db_path), "pack", "-o", str(target)],
                           check=True, capture_output=True)  # fmt: skip

        cli_s, _ = timed(command, args.repeat)
        print(f"branchdesk pack（新进程）  {cli_s:.3f}s")

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
