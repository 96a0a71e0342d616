"""Benchmark: peak memory of a large roster import (issue 11 §9: 200,000 rows took 2.3 GB; goal < 1 GB).

    .venv/bin/python bench/bench_import_memory.py [--rows 200000] [--file roster.xlsx]

Writes a synthetic roster of `--rows` rows (bench_import_export's generator: realistic columns, valid ID
numbers, shared strings as Excel writes them), then runs `branchdesk import members FILE` in a fresh
process into a fresh database and reports that process's peak resident memory (ru_maxrss) and time.
As a floor, the same for `branchdesk import members FILE --dry-run` (reading and checking only).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _run(*args: str) -> tuple[float, float, str]:
    """(seconds, peak MB) of `branchdesk ARGS` in a new process (RUSAGE_CHILDREN is the max over
    children; each run is measured in a child of its own through a helper shell)."""
    code = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "d = subprocess.run([sys.executable, '-m', 'branchdesk', *sys.argv[1:]], capture_output=True, text=True);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, d.returncode);"
        "sys.stderr.write((d.stdout + d.stderr)[-2000:])"
    )
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    seconds, peak, rc = done.stdout.split()
    if rc not in ("0", "1"):
        raise SystemExit(f"branchdesk {' '.join(args)} failed ({rc}):\n{done.stderr}")
    said = [line for line in done.stderr.splitlines() if line.strip()]
    return float(seconds), float(peak), f"(exit {rc}) " + (said[-1][:120] if said else "")


def main(argv: list[str] | None = None) -> int:
    from bench_import_export import _fresh_database, roster_rows, write_roster_file

    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--file", help="keep the roster here and reuse it when it exists (writing it takes minutes)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(args.file) if args.file else Path(tmp) / "roster.xlsx"
        if roster.exists():
            print(f"reusing {roster} ({roster.stat().st_size / 1024 / 1024:.1f} MB)")
        else:
            start = time.perf_counter()
            write_roster_file(roster, roster_rows(args.rows))
            print(
                f"wrote {args.rows} rows ({roster.stat().st_size / 1024 / 1024:.1f} MB) in {time.perf_counter() - start:.1f} s"
            )
        db_path = Path(tmp) / "bench.sqlite"
        _fresh_database(db_path).dispose()
        seconds, peak, said = _run("--db", str(db_path), "import", "members", str(roster), "--dry-run")
        print(f"floor: import --dry-run (read + check)  {seconds:7.1f} s  peak {peak:7.0f} MB  {said}")
        seconds, peak, said = _run("--db", str(db_path), "import", "members", str(roster))
        print(f"import members (read + check + write)   {seconds:7.1f} s  peak {peak:7.0f} MB  {said}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
