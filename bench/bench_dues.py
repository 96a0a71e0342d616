"""Benchmark: 党费 (issue 14).

Goals (the issue's figures): "本月收缴" save for 200 members ≤ 0.3 s; the yearly 党费收缴台账 of 200 members
as PDF ≤ 1 s; the arrears of 10,000 members ≤ 0.5 s. Each is the median of ``--repeat`` runs, printed
beside a floor timed in the same run (a fixed pure-Python loop: how busy the shared machine was).

* 本月收缴: ``ws.dues.collect_month`` of 200 members for one month (one transaction: 200 payments, their
  months, "paid up to" on 200 member files, the audit entries) — each repeat a month not yet paid;
* the ledger: ``build(ws, "dues", 2026)`` and ``write_pdf`` of 200 members with 10 months paid each;
* arrears: ``ws.dues.arrears(day)`` over 10,000 members with two years of monthly payments (about 230,000
  paid months), some members behind.

    .venv/bin/python bench/bench_dues.py [--repeat 5] [--big 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 20)


def floor_once() -> float:
    t = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i & 7
    return time.perf_counter() - t


def make_branch(path: Path, members: int, *, paid_months: list[int], skip_every: int = 0):
    """A branch of `members` members with the year's assessments and the given months paid (bulk)."""
    from sqlalchemy import insert

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.db.models import Member
    from branchdesk.db.models_dues import DuesAssessment, DuesPayment, DuesPaymentMonth
    from branchdesk.domain.dues import dues_amount, dues_rate_bp, month_date
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(resolve_location(str(path)), user="基准测试")
    ws = Workspace.open(db)
    ws.branch.save_profile(BranchProfile(name="基准测试党支部"))
    ws = Workspace.open(db)
    family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    rows = []
    for i in range(members):
        basis = 250_000 + (i * 7919) % 1_200_000
        rows.append({
            "id": i + 1, "branch_id": ws.branch_id,
            "name": family[i % 20] + given[(i // 20) % 20] + (given[(i // 400) % 20] if members > 400 else ""),
            "name_pinyin": f"p{i:06d}", "member_type": "full", "status": "active",
            "join_date": dt.date(2000 + i % 20, 7, 1), "conversion_date": dt.date(2001 + i % 20, 7, 1),
            "dues_basis_fen": basis, "dues_monthly_fen": dues_amount("employed", basis),
        })  # fmt: skip
    with db.write("基准测试：党员") as session:
        session.execute(insert(Member), rows)
        session.execute(
            insert(DuesAssessment),
            [{"branch_id": ws.branch_id, "member_id": r["id"], "year": y, "from_month": 1, "category": "employed",
              "basis_fen": r["dues_basis_fen"], "rate_bp": dues_rate_bp("employed", r["dues_basis_fen"]),
              "computed_fen": r["dues_monthly_fen"], "amount_fen": r["dues_monthly_fen"], "override_reason": "",
              "notes": ""} for r in rows for y in {month_date(m).year for m in paid_months}],
        )  # fmt: skip
        payments, months = [], []
        pid = 1
        for r in rows:
            for k, m in enumerate(paid_months):
                if skip_every and r["id"] % skip_every == 0 and k >= len(paid_months) - 4:
                    continue  # behind for the last months
                payments.append({"id": pid, "branch_id": ws.branch_id, "member_id": r["id"],
                                 "paid_on": month_date(m) + dt.timedelta(days=9), "amount_fen": r["dues_monthly_fen"],
                                 "collector": "组织委员", "converted": False, "notes": ""})  # fmt: skip
                months.append({"payment_id": pid, "member_id": r["id"], "month": month_date(m),
                               "amount_fen": r["dues_monthly_fen"]})  # fmt: skip
                pid += 1
        for start in range(0, len(payments), 20_000):
            session.execute(insert(DuesPayment), payments[start : start + 20_000])
            session.execute(insert(DuesPaymentMonth), months[start : start + 20_000])
    return db, Workspace.open(db)


def main() -> None:
    from branchdesk.domain.dues import month_index
    from branchdesk.reports.pdf import write_pdf
    from branchdesk.reports.registry import Period, build

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big", type=int, default=10_000)
    args = parser.parse_args()
    med = statistics.median
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jan = month_index((2026, 1))
        # ---- 本月收缴 and the ledger: 200 members, January–October 2026 paid ----------------------
        db, ws = make_branch(folder / "small.sqlite", 200, paid_months=list(range(jan, jan + 10)))
        saves, floors = [], []
        for k in range(args.repeat):
            month = month_index((2027, 1)) + k  # months not yet paid, one per repeat
            sheet = ws.dues.collection_sheet(month)
            paid = [(line.member_id, line.amount_fen or 1) for line in sheet]
            floors.append(floor_once())
            t = time.perf_counter()
            ws.dues.collect_month(month, paid, paid_on=dt.date(2026, 11, 20), collector="组织委员")
            saves.append(time.perf_counter() - t)
        print(f"本月收缴 save of {len(paid)} members (one transaction): median {med(saves):.3f} s "
              f"(best {min(saves):.3f}); goal ≤ 0.3 s")  # fmt: skip
        pdfs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            ledgers = build(ws, "dues", Period.year(2026), today=TODAY)
            write_pdf(ledgers, folder / "dues.pdf")
            pdfs.append(time.perf_counter() - t)
        rows = len(ledgers[0].rows)
        print(f"党费收缴台账 2026 of {rows} members as PDF (build + write): median {med(pdfs):.3f} s "
              f"(best {min(pdfs):.3f}); goal ≤ 1 s")  # fmt: skip
        db.dispose()
        # ---- arrears: 10,000 members, two years paid (every 25th behind for four months) --------------
        t = time.perf_counter()
        db, ws = make_branch(folder / "big.sqlite", args.big, paid_months=list(range(jan - 12, jan + 10)),
                             skip_every=25)  # fmt: skip
        built = time.perf_counter() - t
        times = []
        for _ in range(args.repeat):
            floors.append(floor_once())
            t = time.perf_counter()
            owed = ws.dues.arrears(TODAY)
            times.append(time.perf_counter() - t)
        print(f"arrears of {args.big} members ({len(owed)} owing; database built in {built:.1f} s): "
              f"median {med(times):.3f} s (best {min(times):.3f}); goal ≤ 0.5 s")  # fmt: skip
        print(f"floor (fixed loop of 2,000,000 steps): median {med(floors):.3f} s")
        db.dispose()


if __name__ == "__main__":
    main()
