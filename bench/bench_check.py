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
import datetime as dt
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


def build(path: Path, n: int, members: int = 0) -> float:
    from dataclasses import replace

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(resolve_location(str(path)), user="基准测试")
    meeting_day = None
    if members:  # a demo branch: roster with history, committee, two years of meetings (MEM-*, CON-*)
        from branchdesk.services.demo import generate

        generate(db, members=members, seed=1, today=AS_OF)
        ws = Workspace.open(db)
        meeting_day = _meeting_days(ws)
    else:
        ws = Workspace.open(db)
        ws.branch.save_profile(BranchProfile(name="基准测试党支部"))
    dossiers = [replace(d, id=None) for d in make_dossiers(n, meeting_day=meeting_day)]
    if members:
        people = _long_standing_members(ws)
        dossiers = [_graduated(_from_roster(d, people, i)) for i, d in enumerate(dossiers)]
    t = time.perf_counter()
    ws.development.save_many(dossiers, operation="基准测试：批量写入")
    elapsed = time.perf_counter() - t
    if members:
        _member_files(ws)
    db.dispose()
    return elapsed


def _meeting_days(ws):
    """Decisions are taken at the branch's meetings: ``meeting_day(kind, day)`` is the day of the next
    committee / general meeting on or after ``day`` where the branch keeps its records (else ``day``)."""
    import bisect

    from sqlalchemy import select

    from branchdesk.db.models_meetings import Meeting

    with ws.read() as session:
        rows = session.execute(select(Meeting.type, Meeting.date).where(Meeting.status != "planned")).all()
    days = {kind: sorted({d for t, d in rows if t == kind}) for kind in ("committee", "general")}
    first = min((d for _, d in rows), default=None)

    def meeting_day(kind: str, day):
        if first is None or day < first:
            return day  # before the branch kept its records here: no meeting record to match
        found = days[kind]
        i = bisect.bisect_left(found, day)
        return found[i] if i < len(found) else day

    return meeting_day


def _long_standing_members(ws) -> list[tuple[int, str]]:
    """Four full members of the demo roster who were full members all along (contact persons, sponsors)."""
    from sqlalchemy import select

    from branchdesk.db.models import Member

    with ws.read() as session:
        rows = session.execute(
            select(Member.id, Member.name)
            .where(Member.member_type == "full", Member.status == "active", Member.conversion_date < dt.date(2015, 1, 1),
                   Member.lost_contact.is_(False), Member.transferred_in_date.is_(None))
            .order_by(Member.conversion_date, Member.id)
            .limit(4)
        ).all()  # fmt: skip
    return [(r.id, r.name) for r in rows]


def _from_roster(d, people, i: int):
    """Contact persons and sponsors are members of the branch (picked from the roster in the form)."""
    from dataclasses import replace

    (a_id, a), (b_id, b) = people[i % 2 * 2 : i % 2 * 2 + 2]
    return replace(
        d,
        contacts=tuple(
            replace(c, name=(a, b)[i], member_id=(a_id, b_id)[i]) for i, c in enumerate(d.contacts)
        ),
        sponsors=tuple(
            replace(x, name=(a, b)[i], member_id=(a_id, b_id)[i]) for i, x in enumerate(d.sponsors)
        ),
    )


def _graduated(d):
    """A college branch: a member who became a full member more than a year ago has graduated and
    transferred out (the dossier is closed); the others are on the roster."""
    from dataclasses import replace

    from branchdesk.domain.dates import add_years
    from branchdesk.domain.development import Outcome

    ok = d.conversion_approval
    if ok is None or add_years(ok.date, 1) > AS_OF:
        return d
    return replace(
        d, outcome=Outcome.TRANSFERRED_OUT, outcome_date=add_years(ok.date, 1), outcome_reason="毕业转出"
    )


def _member_files(ws) -> None:
    """Everyone the higher committee admitted and still in the branch has a member file on the roster,
    linked to the dossier, with the dossier's dates (join date = the admission meeting)."""
    from sqlalchemy import select, update

    from branchdesk.db.models import Member
    from branchdesk.db.models_development import DevelopmentDossier as D
    from branchdesk.services.bulk import insert_returning_ids

    now = dt.datetime.now(dt.UTC)
    with ws.write("基准测试：党员档案") as session:
        branch_id = ws.branch_id
        rows = session.execute(
            select(D.id, D.name, D.birth_date, D.admission_meeting_date, D.full_member_date,
                   D.conversion_approval_date, D.activist_date)
            .where(D.branch_id == branch_id, D.approval_date.is_not(None), D.outcome == "", D.member_id.is_(None))
        ).all()  # fmt: skip
        values = [
            {"branch_id": branch_id, "name": r.name, "birth_date": r.birth_date, "status": "active",
             "member_type": "full" if r.conversion_approval_date else "probationary",
             "join_date": r.admission_meeting_date, "conversion_date": r.full_member_date if r.conversion_approval_date else None,
             "activist_date": r.activist_date, "created_at": now, "updated_at": now}
            for r in rows
        ]  # fmt: skip
        ids = insert_returning_ids(session.connection(), Member.__table__, values, what="党员档案")
        for r, member_id in zip(rows, ids, strict=True):
            session.execute(update(D).where(D.id == r.id).values(member_id=member_id))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--db", type=Path, help="keep the database here (built if missing)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--members", type=int, default=200, help="demo roster and meetings (0: dossiers only)"
    )
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    path = args.db or Path(tmp.name) / "bench.sqlite"
    if not path.exists():
        elapsed = build(path, args.dossiers, args.members)
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

    # the whole check (issue 12): dossiers + meetings + members + consistency, one findings list; the floor
    # is a fixed pure-Python workload timed in the same run (how busy the shared machine was)
    ws = Workspace.open(db)

    def floor_once() -> tuple[float, float]:
        t, c = time.perf_counter(), time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i & 7
        return time.perf_counter() - t, time.process_time() - c

    fulls, cpus, floors, floor_cpus = [], [], [], []
    for _ in range(args.repeat):
        wall, cpu = floor_once()
        floors.append(wall)
        floor_cpus.append(cpu)
        t, c = time.perf_counter(), time.process_time()
        report = ws.compliance.check(AS_OF)
        fulls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    kinds: dict[str, int] = {}
    codes: dict[str, int] = {}
    for f in report.all:
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
        if f.kind in ("member", "consistency"):
            codes[f.code] = codes.get(f.code, 0) + 1
    med = statistics.median
    print(
        f"services.compliance.check (dossiers + meetings + MEM + CON, {report.dossiers} dossiers, "
        f"{report.members} members, {report.meetings} meetings): wall median {med(fulls):.3f} s "
        f"(best {min(fulls):.3f}), CPU median {med(cpus):.3f} s (best {min(cpus):.3f}); floor (fixed loop) wall "
        f"median {med(floors):.3f} s, CPU median {med(floor_cpus):.3f} s; findings by kind {kinds}; "
        f"member/consistency codes {codes}"
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
