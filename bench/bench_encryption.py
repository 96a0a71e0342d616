"""Benchmark (issue 19): the same work on a plain and on an encrypted database, side by side in one run.

    .venv/bin/python bench/bench_encryption.py [--members 100000] [--rows 10000] [--start-members 10000]
                                               [--runs 5]

Goal: on the encrypted database each figure stays within 1.3× of the plain one (the floor measured in
the same run, alternating plain and encrypted so that other load on the machine hits both alike).

1. Import: `read_roster` of a generated roster of `rows` new members once, then `apply_roster` into a
   fresh plain database and into a fresh encrypted one (both with an administrator account; the second
   encrypted with `services.encryption.encrypt`), `runs` times each, alternating.
2. Search as you type on `members` members: the member list's model (as the page after the debounce:
   the new id list and the first screen of rows) for each keystroke of bench_member_page.TYPED, on the
   plain database and on an encrypted copy, keystroke by keystroke alternating; `runs` passes.
3. Cold start: `branchdesk --db X --smoke` in a fresh process to the painted window, on `start-members`
   members: plain with the administrator signing in (BRANCHDESK_USER + BRANCHDESK_PASSWORD_FILE), and
   the encrypted copy, whose login with the same password also unlocks the file; alternating.

Real argon2id parameters (the password hashes' and the key slots'): a login costs what it costs. The
databases are built once from the demo generator (cached under /tmp/branchdesk-bench/, as the other
benches); the encrypted copies are made fresh in each run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import_export import roster_rows, write_roster_file
from bench_member_page import SCREEN_ROWS, TYPED
from bench_startup import build_database

ADMIN, PASSWORD = "shuji", "Bench-2026"
_SMOKE = re.compile(r"smoke ok: members=(\d+) first_paint=([\d.]+)s")


def _with_admin(source: Path, target: Path) -> Path:
    """A copy of a cached database with the administrator account (the plain twin of the encrypted one)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.workspace import Workspace

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    db, _ = open_database(resolve_location(str(target)))
    try:
        Workspace(db).auth.create_first_admin(ADMIN, "王书记", PASSWORD, PASSWORD)
        db.refresh_statistics()
    finally:
        db.dispose()
    return target


def _encrypted_copy(plain: Path, target: Path) -> Path:
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services import encryption

    shutil.copyfile(plain, target)
    location = resolve_location(str(target))
    db, _ = open_database(location)
    try:
        started = time.perf_counter()
        encryption.encrypt(location, db, ADMIN, PASSWORD)
        print(
            f"  encrypted {target.name} ({target.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s"
        )
    finally:
        db.dispose()
    return target


def _ratio(label: str, plain: list[float], encrypted: list[float], unit: str = "s") -> float:
    p, e = statistics.median(plain), statistics.median(encrypted)
    scale, fmt = (1000, "{:.1f} ms") if unit == "ms" else (1, "{:.3f} s")
    ratio = e / p if p else float("nan")
    verdict = "ok" if ratio <= 1.3 else "OVER the goal"
    print(f"{label}: plain {fmt.format(p * scale)}, encrypted {fmt.format(e * scale)} "
          f"(medians of {len(plain)} / {len(encrypted)}): {ratio:.2f}× — goal ≤ 1.30×, {verdict}")  # fmt: skip
    return ratio


# ---- 1. import ------------------------------------------------------------------------------------
def bench_import(tmp: Path, rows: int, runs: int) -> float:
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile
    from branchdesk.services.imports import apply_roster, read_roster
    from branchdesk.workspace import Workspace

    roster = tmp / "roster.xlsx"
    write_roster_file(roster, roster_rows(rows))
    plan = read_roster(roster)
    assert not plan.errors

    def fresh(name: str, encrypted: bool):
        location = resolve_location(str(tmp / name / "branchdesk.sqlite"))
        db, _ = open_database(location, user="bench")
        ws = Workspace(db)
        ws.branch.save_profile(BranchProfile(name="某某大学机关第一党支部"))
        ws.auth.create_first_admin(ADMIN, "王书记", PASSWORD, PASSWORD)
        if encrypted:
            from branchdesk.services import encryption

            encryption.encrypt(location, db, ADMIN, PASSWORD)
        return db

    times: dict[bool, list[float]] = {False: [], True: []}
    for n in range(runs):
        for encrypted in (False, True) if n % 2 == 0 else (True, False):
            db = fresh(f"import-{n}-{int(encrypted)}", encrypted)
            assert db.encrypted == encrypted
            started = time.perf_counter()
            result = apply_roster(Workspace.open(db), plan)
            times[encrypted].append(time.perf_counter() - started)
            assert result.created == rows
            db.dispose()
    return _ratio(f"import of {rows} new members (apply_roster)", times[False], times[True])


# ---- 2. search as you type ----------------------------------------------------------------------
def bench_search(plain: Path, encrypted: Path, runs: int) -> float:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, Qt

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.members import MemberQuery
    from branchdesk.ui.app import create_application
    from branchdesk.ui.models.member_table import MemberTableModel
    from branchdesk.workspace import Workspace

    app = create_application()
    models = {}
    dbs = []
    for key, path in (("plain", plain), ("encrypted", encrypted)):
        db, _ = open_database(resolve_location(str(path)))
        dbs.append(db)
        models[key] = MemberTableModel(Workspace.open(db).members)

    def first_screen(model, text: str) -> float:
        t = time.perf_counter()
        model.set_query(MemberQuery(text=text))
        for row in range(min(SCREEN_ROWS, model.rowCount())):
            for column in range(model.columnCount()):
                model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
        elapsed = time.perf_counter() - t
        while not model.complete:  # the rest of a long list arrives off the GUI thread (untimed)
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return elapsed

    for model in models.values():  # warm-up pass (statement caches, page cache)
        for text in TYPED:
            first_screen(model, text)
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    for n in range(runs):
        for text in TYPED:
            order = ("plain", "encrypted") if n % 2 == 0 else ("encrypted", "plain")
            for key in order:
                times[key].append(first_screen(models[key], text))
    assert models["plain"].rowCount() == models["encrypted"].rowCount()
    for db in dbs:
        db.dispose()
    return _ratio(f"search as you type ({len(TYPED)} keystrokes × {runs}), first screen", times["plain"],
                  times["encrypted"], unit="ms")  # fmt: skip


# ---- 3. cold start ------------------------------------------------------------------------------
def _smoke(db: Path, password_file: Path) -> float:
    env = {**os.environ, "BRANCHDESK_USER": ADMIN, "BRANCHDESK_PASSWORD_FILE": str(password_file)}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([sys.executable, "-m", "branchdesk", "--db", str(db), "--smoke"],
                          capture_output=True, text=True, env=env, check=False)  # fmt: skip
    match = _SMOKE.search(done.stdout)
    if done.returncode != 0 or match is None:
        raise SystemExit(f"smoke run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return float(match.group(2))


def bench_start(plain: Path, encrypted: Path, tmp: Path, runs: int) -> float:
    password_file = tmp / "password.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    _smoke(plain, password_file)  # warm-up: .pyc files, page cache
    _smoke(encrypted, password_file)
    times: dict[str, list[float]] = {"plain": [], "encrypted": []}
    for n in range(runs):
        for key in ("plain", "encrypted") if n % 2 == 0 else ("encrypted", "plain"):
            times[key].append(_smoke(plain if key == "plain" else encrypted, password_file))
    return _ratio("cold start to the painted window (first paint, with the login)", times["plain"],
                  times["encrypted"])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000, help="members for search as you type")
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the imported roster")
    parser.add_argument("--start-members", type=int, default=10_000, help="members for the cold start")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ratios = []
    with tempfile.TemporaryDirectory(prefix="bench-encryption-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["BRANCHDESK_DATA_DIR"] = str(tmp / "data")
        print("preparing the databases …")
        search_plain = _with_admin(build_database(args.members), tmp / "search" / "plain.sqlite")
        search_enc = _encrypted_copy(search_plain, tmp / "search" / "encrypted.sqlite")
        start_plain = _with_admin(build_database(args.start_members), tmp / "start" / "plain.sqlite")
        start_enc = _encrypted_copy(start_plain, tmp / "start" / "encrypted.sqlite")
        ratios.append(bench_import(tmp, args.rows, args.runs))
        ratios.append(bench_search(search_plain, search_enc, args.runs))
        ratios.append(bench_start(start_plain, start_enc, tmp, args.runs))
    print("all within 1.3×" if all(r <= 1.3 for r in ratios) else "NOT all within 1.3×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
