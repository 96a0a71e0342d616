"""所属年度 (migration 0010): an annual record held in January belongs to the year before.

The 2025 组织生活会 is often held in January 2026: upgrading a database of schema 0009 gives such a
record the year before; one held in December keeps its year; the editor's explicit year is kept and
checked (only the year held or the one before)."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlalchemy import text

from branchdesk.db.migrate import SCHEMA_HEAD, open_database
from branchdesk.workspace import Workspace
from tests.db import schema_fixtures


def test_upgrading_0009_gives_annual_records_held_in_january_the_year_before(tmp_path, data_dir):
    from branchdesk.config import resolve_location

    path = tmp_path / "old.sqlite"
    shutil.copyfile(schema_fixtures.stored()["0009"], path)
    import sqlite3

    with sqlite3.connect(path) as conn:  # the 2025 appraisal held on 15 January 2026 instead
        conn.execute(
            "UPDATE meeting SET date = '2026-01-15' WHERE id = ?", (schema_fixtures.MEETING_APPRAISAL,)
        )
    db, result = open_database(resolve_location(str(path)))
    try:
        assert (result.before, result.after) == ("0009", SCHEMA_HEAD)
        with db.read() as session:
            years = dict(session.execute(text("SELECT id, for_year FROM meeting")).all())
        assert years[schema_fixtures.MEETING_APPRAISAL] == 2025
        assert years[schema_fixtures.MEETING_ORG_LIFE] == 2025  # held December 2025
        assert years[schema_fixtures.MEETING_ADMISSION] is None  # not an annual record
    finally:
        db.dispose()


def test_the_editor_keeps_a_chosen_year_and_refuses_one_that_cannot_be(tmp_path, data_dir):
    from dataclasses import replace

    from branchdesk.config import resolve_location
    from branchdesk.domain.meetings import MeetingStatus, MeetingType
    from branchdesk.domain.members import ValidationError
    from branchdesk.services.branch import BranchProfile

    db, _ = open_database(resolve_location(str(tmp_path / "new.sqlite")))
    try:
        ws = Workspace.open(db)
        ws.branch.save_profile(BranchProfile(name="年度测试党支部"))
        early = ws.meetings.plan(MeetingType.ORG_LIFE, dt.date(2026, 1, 20), status=MeetingStatus.DRAFT)
        assert (early.for_year, early.record_year) == (2025, 2025)
        march = ws.meetings.plan(MeetingType.APPRAISAL, dt.date(2026, 3, 2), status=MeetingStatus.DRAFT)
        assert march.record_year == 2026
        chosen = ws.meetings.save(replace(march, for_year=2025))
        assert ws.meetings.get(chosen.id).record_year == 2025
        with pytest.raises(ValidationError, match="所属年度"):
            ws.meetings.save(replace(march, for_year=2027))
        lecture = ws.meetings.plan(MeetingType.LECTURE, dt.date(2026, 1, 5), status=MeetingStatus.DRAFT)
        assert (lecture.for_year, lecture.record_year) == (None, 2026)
    finally:
        db.dispose()
