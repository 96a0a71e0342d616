"""One small demo branch for the ledger tests (tests/reports/test_ledgers_*.py), built once per run.

30 members (seed 1) with "today" 23 November 2026: dossiers in every stage (two converted this year,
one probation extended, one withdrawn), meetings from January 2025 on. The fixture adds what the
demo lacks and the tests ask about: an applicant whose first talk came too late (DEV-TALK-1M), a
theme party day on 31 December 2025 and a party lecture on 1 January 2026 (the year boundary), and
an amendment to the first general meeting of 2025 that took a vote.
"""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)
LATE_TALK = "迟谈话"  # the applicant whose talk broke DEV-TALK-1M
YEAR_END_THEME = "岁末主题党日"  # held on 31 Dec 2025
NEW_YEAR_THEME = "新年第一课"  # a party lecture on 1 Jan 2026
AMENDMENT_REASON = "表决结果记录有误"
AMENDMENT_TEXT = "第2项议程的决定应为：同意接收，报上级党委审批。"


@pytest.fixture(scope="session", name="demo")
def demo_fixture(tmp_path_factory):
    """The demo database (the same for every ledger test: tests only read it)."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.development import Dossier, Person, Talk, TalkKind
    from branchdesk.services.demo import generate

    folder = tmp_path_factory.mktemp("ledgers")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder))
        mp.delenv("BRANCHDESK_DB", raising=False)
        db, _ = open_database(resolve_location(str(folder / "demo.sqlite")), user="测试用户")
        generate(db, members=30, seed=1, today=TODAY)
        birth = dt.date(2004, 3, 8)
        Workspace.open(db).development.save(
            Dossier(
                person=Person(LATE_TALK, birth, make_citizen_id("350102", birth, 17, "男")),
                application_date=dt.date(2026, 3, 2),
                talks=(
                    Talk(TalkKind.FIRST, dt.date(2026, 5, 20), ("王书记",), "党员活动室", "了解入党动机"),
                ),
            )
        )
        _meetings(db)
        yield Workspace.open(db)  # the demo branch's workspace: every builder takes it
        db.dispose()


def _meetings(db) -> None:
    from branchdesk.domain.meetings import MeetingStatus, MeetingType

    service = Workspace.open(db).meetings
    held = {"status": MeetingStatus.DRAFT, "chair": "区馨芸", "recorder": "吴亮良", "place": "党员活动室"}
    service.plan(MeetingType.PARTY_DAY, dt.date(2025, 12, 31), theme=YEAR_END_THEME, **held)
    service.plan(MeetingType.LECTURE, dt.date(2026, 1, 1), theme=NEW_YEAR_THEME, lecturer="区馨芸", **held)
    voted = next(m for m in service.all(year=2025) if m.votes and m.sealed)
    service.amend(voted.id, AMENDMENT_REASON, AMENDMENT_TEXT, on=voted.date + dt.timedelta(days=5))
