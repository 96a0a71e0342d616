"""Child process of test_crash_safety: writes member files through MemberService until it is killed.

    python -m tests.db.crash_writer DB_PATH START

Prints the id of each member whose transaction has committed (one per line, flushed at once).
The number START keeps ID numbers unique across the successive children writing to one database.
"""

from __future__ import annotations

import datetime as dt
import sys

from branchdesk.workspace import Workspace


def main() -> None:
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.members import MemberFields

    path, start = sys.argv[1], int(sys.argv[2])
    db, _ = open_database(resolve_location(path), user="崩溃测试")
    members = Workspace.open(db).members
    n = start
    while True:
        born = dt.date(1960, 1, 1) + dt.timedelta(days=n // 500)
        record = members.create(
            MemberFields(
                name="张" + "".join("〇一二三四五六七八九"[int(d)] for d in str(n)),
                id_number=make_citizen_id("110105", born, n % 500, "男"),
                join_date=dt.date(1995, 7, 1),
                conversion_date=dt.date(1996, 7, 1),
                notes="崩溃测试" * 20,
            )
        )
        sys.stdout.write(f"{record.id}\n")
        sys.stdout.flush()
        n += 1


if __name__ == "__main__":
    main()
