"""Child process of test_pg_branches: an office PC of one branch, or the committee's reader.

    python -m tests.db.branch_writer URL BRANCH_ID SECONDS WORKER   (a writer of that branch)
    python -m tests.db.branch_writer URL reader SECONDS             (the committee overview, read in a loop)

A writer creates members of its branch and moves every third one to the next branch (an internal
transfer, one transaction); one JSON line per outcome. The reader reads the committee overview over and
over and reports each total. Both start when they read a line on stdin (after printing {"op": "ready"}).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
import traceback

from branchdesk.workspace import Workspace


def _emit(**fields) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _numeral(n: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def main() -> int:
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.members import MemberFields
    from branchdesk.services.members import name_search_columns

    url, who, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    reader = who == "reader"
    db, _ = open_database(resolve_location(url), user="党委组织员" if reader else f"支部{who}")
    ids = [b for b, _ in Workspace.branches(db)]
    ws = Workspace(db, ids[0] if reader else int(who))
    name_search_columns("热身")
    ws.committee.overview()
    _emit(op="ready")
    sys.stdin.readline()
    deadline = time.monotonic() + seconds
    n = 0
    try:
        while time.monotonic() < deadline:
            if reader:
                rows = ws.committee.overview()
                _emit(
                    op="overview",
                    total=sum(r.members for r in rows),
                    by_branch={r.id: r.members for r in rows},
                )
                continue
            worker = int(sys.argv[4])
            created = ws.members.create(
                MemberFields(name=f"支部{'甲乙丙丁'[worker]}{_numeral(n)}", join_date=dt.date(2001, 7, 1),
                             conversion_date=dt.date(2002, 7, 1))
            )  # fmt: skip
            _emit(op="create", id=created.id, branch=ws.branch_id)
            if n % 3 == 2:
                target = ids[(ids.index(ws.branch_id) + 1) % len(ids)]
                ws.transfers.move(created.id, target, dt.date.today(), "支部间调整")
                _emit(op="move", id=created.id, to=target)
            n += 1
    except Exception:
        _emit(op="error", trace=traceback.format_exc())
        return 1
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
