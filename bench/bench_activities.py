"""Benchmark: the activity page and the ledgers of the branch's own work for a busy year.

Goals (issue 15): the 活动记录 page of a year with 300 activities and 6,000 participations paints
≤ 300 ms; the eight ledgers of that year (志愿服务（活动）台账 … 活动照片) write as one PDF ≤ 2 s.

    .venv/bin/python bench/bench_activities.py [--members 60] [--repeats 5]

Builds a demo branch (members as given) in a temporary folder and adds, for 2024 (a year the demo does
not fill), 300 activities of 20 participants each (6,000 participations) through
``ActivitiesService.save_many`` plus study records, and a 2400×1800 photo on 30 of them (活动照片 prints them). Then, with offscreen Qt, opens the page on that year
until the table's first paint (median of the repeats), and builds + writes the ledgers of the year as a
PDF (median). The floor of each — the same work on an empty year (2019), measured in the same run —
is printed beside it, so a slow machine shows as a high floor, not as a slow page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

YEAR, EMPTY = 2024, 2019
KEYS = (
    "activities",
    "contacts",
    "posts",
    "study_hours",
    "honours",
    "duty_reports",
    "brand_projects",
    "activity_photos",
)


def build(folder: Path, members: int):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.activities import Activity, Participant, StudyRecord, StudySource
    from branchdesk.services.demo import generate
    from branchdesk.workspace import Workspace

    location = resolve_location(str(folder / "bench.sqlite"))
    db, _ = open_database(location, user="bench")
    generate(db, members=members, seed=5, today=dt.date(2026, 12, 7))
    ws = Workspace.open(db)
    roster = [m for m in ws.roster.read().members if m.status == "active"]
    projects = [p.id for p in ws.activities.projects()]
    activities = []
    for i in range(300):
        day = dt.date(YEAR, 1, 1) + dt.timedelta(days=i * 365 // 300)
        chosen = [roster[(i * 7 + k) % len(roster)] for k in range(min(20, len(roster)))]
        activities.append(Activity(
            date=day, kind="志愿服务" if i % 3 else "主题教育", title=f"第{i + 1}次志愿服务活动", place="学府社区",
            organiser=chosen[0].name, project_id=projects[i % len(projects)] if projects else None,
            content="陪伴老人、打扫卫生、健康讲座", outcome=f"服务{i % 40 + 10}人次",
            participants=tuple(Participant(m.name, Decimal("2.5"), m.id) for m in chosen),
            others_count=i % 12, others_hours=Decimal(i % 12 * 2),
        ))  # fmt: skip
    started = time.perf_counter()
    ws.activities.save_many(activities, "基准测试：批量新增活动")
    records = [StudyRecord(m.name, dt.date(YEAR, 6, 1), Decimal(8), StudySource.ONLINE, member_id=m.id)
               for m in roster]  # fmt: skip
    ws.study.save_records(records)
    from io import BytesIO

    from PIL import Image

    saved = ws.activities.list(YEAR)
    for n, a in enumerate(saved[::10]):  # 30 activities with a 4-megapixel phone photo each
        out = BytesIO()
        Image.new("RGB", (2400, 1800), (180, 40 + n * 5, 40)).save(out, "JPEG", quality=90)
        ws.activities.add_attachment(a.id, name=f"照片{n + 1}.jpg", content=out.getvalue())
    print(f"setup: 300 activities, {sum(len(a.participants) for a in activities)} participations saved in "
          f"{time.perf_counter() - started:.1f} s (one unit of work, audited); 30 of them with a photo")  # fmt: skip
    return db, location


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(tempfile.mkdtemp(prefix="branchdesk-bench-activities-"))
    db, location = build(folder, args.members)

    from PySide6.QtCore import QEvent, QEventLoop, QObject

    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.registry import Period, shared_reads
    from branchdesk.reports.registry import build as build_ledger
    from branchdesk.ui.app import create_application, install_font
    from branchdesk.ui.context import AppContext
    from branchdesk.ui.pages.activities import ActivitiesPage

    app = create_application()
    install_font(app)
    ctx = AppContext(db, location)
    painted: list[float] = []

    class Probe(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    probe = Probe()

    def paint(year: int) -> float:
        painted.clear()
        started = time.perf_counter()
        page = ActivitiesPage(ctx, today=dt.date(year, 12, 31))
        page.table.viewport().installEventFilter(probe)
        page.resize(1300, 800)
        page.show()
        while not painted:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        ms = (painted[0] - started) * 1000
        rows = page.model.rowCount()
        page.close()
        page.deleteLater()
        app.processEvents()
        assert rows == (300 if year == YEAR else 0), rows
        return ms

    paint(YEAR)  # warm-up: imports, fonts, first queries
    busy = statistics.median(paint(YEAR) for _ in range(args.repeats))
    floor = statistics.median(paint(EMPTY) for _ in range(args.repeats))
    print(f"活动记录 page of {YEAR} (300 activities, 6,000 participations): first paint median {busy:.0f} ms "
          f"(floor, an empty year: {floor:.0f} ms; goal ≤ 300 ms)")  # fmt: skip

    def ledgers(year: int) -> tuple[float, int]:
        started = time.perf_counter()
        with shared_reads():
            reports = [r for key in KEYS for r in build_ledger(ctx.ws, key, Period.year(year))]
        result = write_pdf(reports, folder / f"ledgers-{year}.pdf")
        return (time.perf_counter() - started) * 1000, getattr(result, "pages", 0)

    ledgers(YEAR)
    runs = [ledgers(YEAR) for _ in range(max(3, args.repeats // 2))]
    empty = statistics.median(ledgers(EMPTY)[0] for _ in range(3))
    pages = runs[0][1]
    print(f"the eight ledgers of {YEAR} as one PDF ({pages} pages): median {statistics.median(r[0] for r in runs):.0f} ms "
          f"(floor, an empty year: {empty:.0f} ms; goal ≤ 2,000 ms)")  # fmt: skip
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
