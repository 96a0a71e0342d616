"""Benchmark: readiness (issue 16).

Goals: the self-assessment of a 200-member branch's year ≤ 1 s; the 工作台 painted ≤ 300 ms after login on a
10,000-member database; the pack in the rubric's order for 200 members ≤ 10 s.

    .venv/bin/python bench/bench_assess.py [--members 200] [--big 10000] [--repeat 5] [--no-pack]

Databases are generated once with the demo generator (cached under /tmp/branchdesk-bench/assess-N.sqlite;
delete them after a schema change of the same revision number — a re-chained migration is not re-run). Each timing is
the median of ``--repeat`` runs, each on a fresh workspace (no service caches); a floor — a fixed
pure-Python workload — is timed in the same run so that a busy shared machine shows as a high floor.
The 工作台 is timed twice: the service calls the page makes before its first paint (to-dos, empty-state
checks, recent changes), and the page itself with offscreen Qt from ``show()`` to the first paint of its
table (the score is read after the paint, so it is timed separately as the assessment of the year).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_startup import CACHE

TODAY = dt.date(2026, 12, 7)


def floor_once() -> float:
    t = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i & 7
    return time.perf_counter() - t


def demo_database(members: int) -> Path:
    path = CACHE / f"assess-{members}.sqlite"
    if path.exists():
        return path
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".building")
    partial.unlink(missing_ok=True)
    db, _ = open_database(resolve_location(str(partial)))
    try:
        generate(db, members=members, seed=1, today=TODAY)
    finally:
        db.dispose()
    partial.rename(path)
    return path


def open_ws(path: Path):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.workspace import Workspace

    db, _ = open_database(resolve_location(str(path)))
    return db, Workspace.open(db)


def timed(repeat: int, run) -> tuple[float, float, float]:
    """(median, best, median floor) over `repeat` runs."""
    times, floors = [], []
    for _ in range(repeat):
        floors.append(floor_once())
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), statistics.median(floors)


def bench_assess(path: Path, repeat: int) -> None:
    db, ws = open_ws(path)
    members = ws.members.count(
        __import__("branchdesk.services.members", fromlist=["MemberQuery"]).MemberQuery()
    )

    for year in (TODAY.year - 1, TODAY.year):

        def run(year=year):
            from branchdesk.workspace import Workspace

            fresh = Workspace.open(db)
            fresh.readiness.assess(year, as_of=TODAY)

        med, best, floor = timed(repeat, run)
        a = ws.readiness.assess(year, as_of=TODAY)
        print(f"assess {year} ({members} members, {len(a.items())} items, {a.score}/{a.max}): "
              f"median {med:.3f} s, best {best:.3f} s (floor {floor:.3f} s)")  # fmt: skip
    db.dispose()


def bench_pack(path: Path) -> None:
    from branchdesk.reports.readiness import build_rubric_pack
    from branchdesk.reports.registry import Period

    db, ws = open_ws(path)
    floor = floor_once()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        done = build_rubric_pack(ws, Period.year(TODAY.year - 1), tmp, today=TODAY)
        took = time.perf_counter() - t
    print(
        f"pack in rubric order ({TODAY.year - 1}): {done.pdf.pages} pages in {took:.2f} s (floor {floor:.3f} s)"
    )
    db.dispose()


def bench_workbench(path: Path, repeat: int) -> None:
    db, ws = open_ws(path)
    from branchdesk.services.members import MemberQuery

    members = ws.members.count(MemberQuery())

    def service():
        from branchdesk.workspace import Workspace

        fresh = Workspace.open(db)
        fresh.workbench.first_steps()
        fresh.workbench.todos(TODAY)
        fresh.workbench.recent()

    med, best, floor = timed(repeat, service)
    todos = ws.workbench.todos(TODAY)
    print(f"工作台 service reads ({members} members, {len(todos)} to-dos): median {med * 1000:.0f} ms, "
          f"best {best * 1000:.0f} ms (floor {floor:.3f} s)")  # fmt: skip

    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from branchdesk.config import resolve_location
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.pages.workbench import WorkbenchPage

    paints, fills = [], []
    for _ in range(repeat):
        ctx = AppContext(db, resolve_location(str(path)))
        page = WorkbenchPage(ctx, today=TODAY)
        page.resize(1200, 760)
        painted: list[float] = []

        class Probe(QObject):
            def __init__(self, seen: list[float]):
                super().__init__()
                self.seen = seen

            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint and not self.seen:
                    self.seen.append(time.perf_counter())
                return False

        probe = Probe(painted)
        page.table.viewport().installEventFilter(probe)
        t = time.perf_counter()
        page.show()
        deadline = t + 10
        while not painted and time.perf_counter() < deadline:
            app.processEvents()
        paints.append((painted[0] if painted else float("inf")) - t)
        while (
            page.table.rowCount() == 0 and time.perf_counter() < deadline
        ):  # the to-dos read after the paint
            app.processEvents()
        fills.append(time.perf_counter() - t)
        page.close()
        page.deleteLater()
        ctx.close()
        app.processEvents()
    print(f"工作台 painted after show ({members} members): median {statistics.median(paints) * 1000:.0f} ms, "
          f"best {min(paints) * 1000:.0f} ms; to-dos on screen: median {statistics.median(fills) * 1000:.0f} ms, "
          f"best {min(fills) * 1000:.0f} ms")  # fmt: skip
    db.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-pack", action="store_true")
    args = parser.parse_args()
    small = demo_database(args.members)
    bench_assess(small, args.repeat)
    if not args.no_pack:
        bench_pack(small)
    bench_workbench(demo_database(args.big), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
