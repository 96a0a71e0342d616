"""Benchmark: the roster as PDF (1,000 members) and as xlsx (10,000 members).

Goals (issue 5): roster PDF of 1,000 members ≤ 0.6 s; roster xlsx of 10,000 members ≤ 1.5 s.

    .venv/bin/python bench/bench_reports.py [--pdf-members 1000] [--xlsx-members 10000] [--runs 7]
                                            [--baseline] [--platypus] [--profile pdf|xlsx]

Generates demo branches (services.demo.generate) in a temporary folder, builds the roster ledger
once (timed apart: that is the database's part), then times the writers alone, several runs, and
prints the median and the spread. The font is registered once per process; its cost (the first run)
is printed apart. `--baseline` also times bare reportlab drawing the same cell texts in a plain loop
and bare openpyxl write-only writing the same values (what the goals were compared with);
`--platypus` times reportlab's platypus Table with a Paragraph per cell for the same roster.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 23)


def roster(folder: Path, members: int):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.reports.registry import Period, build
    from branchdesk.services.demo import generate
    from branchdesk.workspace import Workspace

    db, _ = open_database(resolve_location(str(folder / f"demo-{members}.sqlite")))
    started = time.perf_counter()
    generate(db, members=members, seed=1, today=TODAY)
    generated = time.perf_counter() - started
    ws = Workspace.open(db)
    started = time.perf_counter()
    ledger = build(ws, "roster", Period.year(TODAY.year), today=TODAY)[0]
    built = time.perf_counter() - started
    db.dispose()
    print(
        f"demo branch of {members} members: generated in {generated:.1f} s, roster ledger built in {built:.2f} s"
    )
    return ledger


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def report(label: str, times: list[float], goal: float | None = None) -> None:
    median = statistics.median(times)
    verdict = "" if goal is None else f"  (goal ≤ {goal:.2f} s: {'met' if median <= goal else 'MISSED'})"
    print(
        f"{label}: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s over {len(times)} runs{verdict}"
    )


def bare_reportlab(ledger, path: Path) -> None:
    """The floor: every cell's text drawn with one text object per page, no wrapping, no lines."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    from branchdesk.reports.fonts import pdf_font
    from branchdesk.reports.pdf import format_value

    font = pdf_font()
    canvas = Canvas(str(path), pagesize=landscape(A4), pageCompression=1)
    kinds = [c.kind for c in ledger.columns]
    y = 560.0
    tx = canvas.beginText()
    tx.setFont(font, 9)
    for row in ledger.rows:
        x = 40.0
        for kind, value in zip(kinds, row, strict=False):
            tx.setTextOrigin(x, y)
            tx.textOut(format_value(kind, value))
            x += 48
        y -= 24
        if y < 40:
            canvas.drawText(tx)
            canvas.showPage()
            tx = canvas.beginText()
            tx.setFont(font, 9)
            y = 560.0
    canvas.drawText(tx)
    canvas.save()


def platypus(ledger, path: Path) -> None:
    """reportlab's own table: a Paragraph per cell (wrapping), header repeated, split over pages."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    from reportlab.platypus import Table as RLTable

    from branchdesk.reports.fonts import pdf_font
    from branchdesk.reports.pdf import format_value

    font = pdf_font()
    style = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11.5, wordWrap="CJK")
    kinds = [c.kind for c in ledger.columns]
    data = [[Paragraph(c.title, style) for c in ledger.columns]]
    data += [
        [Paragraph(format_value(k, v), style) for k, v in zip(kinds, row, strict=False)]
        for row in ledger.rows
    ]
    total = sum(c.width for c in ledger.columns)
    widths = [c.width / total * 770 for c in ledger.columns]
    table = RLTable(data, colWidths=widths, repeatRows=1)
    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=36, rightMargin=36).build([table])


def bare_openpyxl(ledger, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append([c.title for c in ledger.columns])
    for row in ledger.rows:
        ws.append(row)
    wb.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pdf-members", type=int, default=1000)
    parser.add_argument("--xlsx-members", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", action="store_true", help="also time bare reportlab and bare openpyxl")
    parser.add_argument("--platypus", action="store_true", help="also time a platypus Table (slow)")
    parser.add_argument("--profile", choices=["pdf", "xlsx"], help="profile one run of that writer")
    args = parser.parse_args()

    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.xlsx import write_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        small = roster(folder, args.pdf_members)
        big = roster(folder, args.xlsx_members) if args.xlsx_members else None
        pdf_path = folder / "花名册.pdf"

        started = time.perf_counter()
        from branchdesk.reports.fonts import pdf_font

        pdf_font()
        print(f"font registration (once per process): {time.perf_counter() - started:.3f} s")

        if args.profile:
            target = (lambda: write_pdf([small], pdf_path)) if args.profile == "pdf" else (
                lambda: write_xlsx([big], folder / "p.xlsx"))  # fmt: skip
            target()
            profiler = cProfile.Profile()
            profiler.runcall(target)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            return 0

        pages = write_pdf([small], pdf_path).pages
        report(f"roster PDF, {len(small.rows)} members, {pages} pages", timed(lambda: write_pdf([small], pdf_path),
               args.runs), 0.6)  # fmt: skip
        report("  … invariant mode", timed(lambda: write_pdf([small], pdf_path, invariant=True), args.runs))
        if args.baseline:
            report("  bare reportlab (texts only, no layout)", timed(lambda: bare_reportlab(small, folder / "b.pdf"),
                   args.runs))  # fmt: skip
        if args.platypus:
            report(
                "  platypus Table with Paragraph cells", timed(lambda: platypus(small, folder / "p.pdf"), 3)
            )
        if big is not None:
            xlsx_path = folder / "花名册.xlsx"
            report(f"roster xlsx, {len(big.rows)} members", timed(lambda: write_xlsx([big], xlsx_path), args.runs),
                   1.5)  # fmt: skip
            if args.baseline:
                report("  bare openpyxl write-only", timed(lambda: bare_openpyxl(big, folder / "b.xlsx"), 3))
            report(
                f"roster PDF, {len(big.rows)} members (for scale)",
                timed(lambda: write_pdf([big], pdf_path), 3),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
