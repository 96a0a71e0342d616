"""Migration 0011: a database of revision 0009 gains 人员身份 and the student fields, empty for every member,
and the secretary of a students' branch can record a member's class and find her by it."""

from __future__ import annotations

import shutil
from dataclasses import replace

from branchdesk.db.migrate import open_database
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace
from tests.db import schema_fixtures


def test_a_0009_database_upgrades_to_empty_student_fields_that_can_then_be_filled(location):
    source = schema_fixtures.stored()["0009"]
    if location.sqlite_path is not None:
        shutil.copyfile(source, location.sqlite_path)
    else:
        schema_fixtures.build(location.url, "0009")
        schema_fixtures.copy_rows(source, location.url)
    db, result = open_database(location)
    try:
        assert result.before == "0009"
        ws = Workspace.open(db)
        everyone = ws.members.records(MemberQuery(statuses=None))
        assert everyone and all(
            (r.person_category, r.student_number, r.grade, r.class_name, r.major) == ("", "", "", "", "")
            for r in everyone
        )
        zeng = next(r for r in everyone if r.name == "曾小红")
        values = replace(zeng.editable(), person_category="student", student_number="2022010203",
                         grade="2022级", class_name="护理2201班", major="护理学")  # fmt: skip
        ws.members.update(zeng.id, values)
        again = ws.members.get(zeng.id)
        assert (again.person_category, again.class_name, again.major) == ("student", "护理2201班", "护理学")
        assert ws.members.search_ids(MemberQuery(text="护理2201")) == [zeng.id]
        assert ws.members.search_ids(MemberQuery(text="2022010203")) == [zeng.id]
    finally:
        db.dispose()
