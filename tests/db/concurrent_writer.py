"""Child process of test_pg_concurrency: one office PC writing to the shared database for a few seconds.

    python -m tests.db.concurrent_writer URL WORKER SECONDS SHARED_ID STATUS_ID

Through the services, as the app does, in a loop: create a member of its own (ID numbers unique to the
worker), every third round try an ID number every worker tries (exactly one may win), edit its own field
of the shared member and the field every worker edits (`notes`), and toggle the status of the member
every worker toggles; every fourth own member is transferred out. One JSON line per outcome on stdout;
an unexpected exception is reported as {"op": "error"} and ends the worker with exit status 1. It starts
writing when it reads a line on stdin (after printing {"op": "ready"}), so that all workers overlap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sys
import time
import traceback

from branchdesk.workspace import Workspace

# The field of the shared member each worker edits alone, and the one they all edit.
OWN_FIELD = ("address", "work_unit", "job", "post", "native_place", "mobile_whereabouts")
SHARED_FIELD = "notes"


def collision_id_number(k: int) -> str:
    from branchdesk.domain.citizen_id import make_citizen_id

    return make_citizen_id("110105", dt.date(1960, 1, 1) + dt.timedelta(days=k), 0, "女")


def own_id_number(worker: int, n: int) -> str:
    from branchdesk.domain.citizen_id import make_citizen_id

    born = dt.date(1970 + worker, 1, 1) + dt.timedelta(days=n // 400)
    return make_citizen_id("110105", born, 100 + n % 400, "男")


def _numeral(n: int) -> str:  # names hold no digits
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))


def _emit(**fields) -> None:
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _issues(exc) -> list[tuple[str, str]]:
    return [(issue.field, issue.message) for issue in exc.issues]


def main() -> int:
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.members import MemberFields, ValidationError
    from branchdesk.services.members import StatusChange, name_search_columns

    url, worker, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    shared_id, status_id = int(sys.argv[4]), int(sys.argv[5])
    db, _ = open_database(resolve_location(url), user=f"办公室{worker + 1}")
    members = Workspace.open(db).members
    rng = random.Random(worker)
    own_field = OWN_FIELD[worker % len(OWN_FIELD)]
    today = dt.date.today()
    name_search_columns("热身")  # load the pinyin tables before the clock starts
    members.get(shared_id)
    _emit(op="ready")
    sys.stdin.readline()  # all PCs start writing at the same moment
    deadline = time.monotonic() + seconds
    n = 0
    try:
        while time.monotonic() < deadline:
            created = members.create(
                MemberFields(
                    name=f"测试{'甲乙丙丁戊己'[worker % 6]}{_numeral(n)}",
                    id_number=own_id_number(worker, n),
                    join_date=dt.date(2001, 7, 1),
                    conversion_date=dt.date(2002, 7, 1),
                )
            )
            _emit(op="create", id=created.id, id_number=created.id_number)
            if n % 4 == 3:
                members.change_status(created.id, StatusChange("transferred_out", today, "工作调动"))
                _emit(op="transfer", id=created.id)

            if n % 3 == 0:
                k = n // 3
                try:
                    won = members.create(
                        MemberFields(
                            name=f"重号{_numeral(k)}",
                            id_number=collision_id_number(k),
                            join_date=dt.date(2001, 7, 1),
                        )
                    )
                    _emit(op="collide", k=k, won=True, id=won.id)
                except ValidationError as exc:
                    _emit(op="collide", k=k, won=False, issues=_issues(exc))

            for field in (own_field, SHARED_FIELD):
                base = members.get(shared_id)
                value = f"办公室{worker + 1}第{n}次"
                time.sleep(rng.uniform(0, 0.01))  # the secretary types
                try:
                    members.update(
                        shared_id, dataclasses.replace(base.editable(), **{field: value}), base=base
                    )
                    _emit(op="edit", field=field, value=value, saved=True)
                except ValidationError as exc:
                    _emit(op="edit", field=field, value=value, saved=False, issues=_issues(exc))

            current = members.get(status_id).status
            target = "transferred_out" if current == "active" else "active"
            try:
                members.change_status(status_id, StatusChange(target, today, f"办公室{worker + 1}第{n}次"))
                _emit(op="status", to=target, saved=True)
            except ValidationError as exc:
                _emit(op="status", to=target, saved=False, issues=_issues(exc))
            n += 1
    except Exception as exc:  # reported to the test, which fails on it
        _emit(op="error", what=repr(exc), trace=traceback.format_exc()[-3000:])
        return 1
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
