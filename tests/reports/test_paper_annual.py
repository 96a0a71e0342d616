"""Annual records belong to their year (issue 17): the 2025 组织生活会 and 民主评议 held in January 2026
are in the 2025 pack, which says where the originals are; the 2026 pack says where they went instead
of a bare "没有…" page."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.reports.registry import Period, build
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.domain.meetings import MeetingStatus, MeetingType
    from branchdesk.services.branch import BranchProfile

    folder = tmp_path_factory.mktemp("annual")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRANCHDESK_DATA_DIR", str(folder))
        db, _ = open_database(resolve_location(str(folder / "a.sqlite")))
        ws = Workspace.open(db)
        ws.branch.save_profile(BranchProfile(name="年度测试党支部"))
        held = {"status": MeetingStatus.DRAFT, "chair": "王书记", "recorder": "李委员"}
        ws.meetings.plan(MeetingType.ORG_LIFE, dt.date(2026, 1, 16), theme="2025年度组织生活会", **held)
        ws.meetings.plan(MeetingType.APPRAISAL, dt.date(2026, 1, 16), theme="2025年度民主评议党员", **held)
        yield ws
        db.dispose()


def _text(doc) -> str:
    return "\n".join(str(getattr(b, "text", "")) for b in doc.blocks)


def test_the_2025_pack_holds_the_records_held_in_january_2026_and_says_where_they_were_held(ws):
    (org,) = build(ws, "org_life", Period.year(2025), today=TODAY)
    assert "组织生活会" in org.subject
    assert "本记录为2025年度组织生活会，于2026年1月16日召开" in _text(org)
    fields = dict(next(b for b in org.blocks if hasattr(b, "items")).items)
    assert fields["所属年度"] == "2025年度"
    (appraisal,) = build(ws, "appraisal", Period.year(2025), today=TODAY)
    assert any("2026年1月16日召开" in n for n in appraisal.notes)
    assert not any("没有民主评议" in n for n in appraisal.notes)


def test_the_2026_pack_says_where_the_records_held_in_it_belong(ws):
    (org,) = build(ws, "org_life", Period.year(2026), today=TODAY)
    text = _text(org)
    assert "本期没有" not in text
    assert "2026年1月16日召开的组织生活会属于2025年度，记录编入2025年度台账" in text
    (appraisal,) = build(ws, "appraisal", Period.year(2026), today=TODAY)
    assert any("属于2025年度" in n for n in appraisal.notes)
    # the minute book keeps every record by the date it was held
    assert len(build(ws, "minutes", Period.year(2026), today=TODAY)) == 2
