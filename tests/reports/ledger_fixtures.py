"""One small demo branch for the ledger tests (tests/reports/test_ledgers_*.py), built once per run.

30 members (seed 1) with "today" 23 November 2026: dossiers in every stage (two converted this year,
one probation extended, one withdrawn), meetings from January 2025 on. The fixture adds what the
demo lacks and the tests ask about: an applicant whose first talk came too late (DEV-TALK-1M).
"""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2026, 11, 23)
LATE_TALK = "迟谈话"  # the applicant whose talk broke DEV-TALK-1M


@pytest.fixture(scope="session", name="demo")
def demo_fixture(tmp_path_factory):
    """The demo database (the same for every ledger test: tests only read it)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.development import Dossier, Person, Talk, TalkKind
    from branchdesk.services.demo import generate
    from branchdesk.services.development import DevelopmentService

    folder = tmp_path_factory.mktemp("ledgers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder))
        mp.delenv("BRANCHDESK_DB", raising=False)
        db, _ = open_database(resolve_location(str(folder / "demo.sqlite")), user="测试用户")
        generate(db, members=30, seed=1, today=TODAY)
        birth = dt.date(2004, 3, 8)
        DevelopmentService(db).save(
            Dossier(
                person=Person(LATE_TALK, birth, make_citizen_id("350102", birth, 17, "男")),
                application_date=dt.date(2026, 3, 2),
                talks=(
                    Talk(TalkKind.FIRST, dt.date(2026, 5, 20), ("王书记",), "党员活动室", "了解入党动机"),
                ),
            )
        )
        yield db
        db.dispose()
