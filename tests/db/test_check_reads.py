"""The lean reads behind `branchdesk check` (issue 13, "Scale") give the same records as before.

A secretary keeps the minutes of a meeting where one member abroad is left out of 应到 with the higher
organisation's consent; the attendance list read back for the check — driver values, read along the
index and put in list order afterwards — is the list she saved: same order, same dates, same flags.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from branchdesk.db.models_meetings import MeetingAttendance
from branchdesk.domain.members import MemberFields
from branchdesk.domain.votes import Exclusion, ExclusionKind
from branchdesk.services.meetings import AttendanceStatus, MeetingType

DAY = dt.date(2026, 9, 5)
NAMES = ("张华", "刘芳", "王强", "李明")


def test_the_checks_attendance_list_is_the_saved_one_in_its_order(ws):
    for name in NAMES:
        ws.members.create(
            MemberFields(name=name, join_date=dt.date(2000, 7, 1), conversion_date=dt.date(2001, 7, 1))
        )
    meetings = ws.meetings
    record = meetings.plan(MeetingType.GENERAL, DAY, status="draft", chair="张华", recorder="刘芳")
    approved = Exclusion(
        ExclusionKind.ABROAD, dt.date(2026, 8, 1), "某某学院党委", "2026年8月5日支部党员大会决定"
    )
    lines = tuple(
        replace(a, status=AttendanceStatus.ABSENT, reason="出国访学一年", voter=False, exclusion=approved)
        if a.name == "王强"
        else a
        for a in record.attendance
    )
    saved = meetings.save(replace(record, attendance=lines))
    [read] = meetings.all()
    assert read == saved
    away = next(a for a in read.attendance if a.name == "王强")
    assert away.exclusion == approved and away.exclusion.approved_on == dt.date(2026, 8, 1)
    assert away.voter is False and all(a.voter is True for a in read.attendance if a.name != "王强")

    # a list whose order is not the order its lines were written in (positions turned around in place)
    with ws.write("测试：调整签到顺序") as session:
        rows = session.scalars(select(MeetingAttendance).order_by(MeetingAttendance.id)).all()
        for row in rows:
            row.position = len(rows) - 1 - row.position
    [turned] = meetings.all()
    assert [a.name for a in turned.attendance] == [a.name for a in reversed(saved.attendance)]
    assert turned == meetings.get(record.id)


def _reads_line_by_line(monkeypatch) -> list:
    """The parts of meetings read line by line from now on (none: every list was read as joined numbers)."""
    from branchdesk.services import meetings as service

    one_by_one = []
    read_line_by_line = service._attendance_lines
    monkeypatch.setattr(
        service,
        "_attendance_lines",
        lambda c, parts, a: one_by_one.append(parts) or read_line_by_line(c, parts, a),
    )
    return one_by_one


def test_the_demos_meetings_read_for_the_check_are_the_records_one_by_one(tmp_path):
    """Every record of a demo branch read at once for `check` (one query per table) equals the record
    opened on its own, and the meeting findings of `check` are those of the records opened one by one."""
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate
    from branchdesk.workspace import Workspace

    db, _ = open_database(resolve_location(str(tmp_path / "demo.sqlite")), user="测试用户")
    generate(db, members=30, seed=4, today=DAY)
    ws = Workspace.open(db)
    read = ws.meetings.all()
    one_by_one = [ws.meetings.get(s.id) for s in ws.meetings.list()]
    assert len(read) > 50 and read == one_by_one
    assert sum(len(m.attendance) for m in read) > 500
    report = ws.compliance.check(DAY)
    assert list(report.meeting_findings) == ws.meetings.audit(one_by_one, DAY, ws.roster.read())
    db.dispose()


def test_unusual_attendance_lines_come_back_as_written(ws, monkeypatch):
    """The check reads a meeting's plain lines (member, status, vote, type) as numbers joined by the
    database and every other line whole: a reason, a probationary member, a guest line without a member
    file, a member listed under another name at one meeting — each comes back as it was saved, in place."""
    from branchdesk.services import meetings as service
    from branchdesk.services.bulk import Interned

    for name in NAMES:
        ws.members.create(
            MemberFields(name=name, join_date=dt.date(2000, 7, 1), conversion_date=dt.date(2001, 7, 1))
        )
    ws.members.create(MemberFields(name="赵新", join_date=dt.date(2026, 3, 1), member_type="probationary"))
    meetings = ws.meetings
    first = meetings.plan(MeetingType.GENERAL, DAY, status="draft", chair="张华", recorder="刘芳")
    lines = tuple(
        replace(a, status=AttendanceStatus.LEAVE, reason="病假") if a.name == "王强" else a
        for a in first.attendance
    )
    meetings.save(replace(first, attendance=lines))
    second = meetings.plan(MeetingType.GENERAL, DAY + dt.timedelta(days=30), status="draft", chair="张华",
                           recorder="刘芳")  # fmt: skip
    with ws.write("测试：签到表的特殊行") as session:
        rows = session.scalars(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == second.id).order_by(MeetingAttendance.id)
        ).all()  # fmt: skip
        next(r for r in rows if r.name == "李明").name = "李小明"  # the same member under another name
        session.add(MeetingAttendance(meeting_id=second.id, position=len(rows), member_id=None, name="外单位党员",
                                      member_type="full", status="present", reason="", voter=False))  # fmt: skip

    read_line_by_line = service._attendance_lines
    one_by_one = _reads_line_by_line(monkeypatch)
    records = {m.id: m for m in meetings.all()}
    assert one_by_one == [], "lines in order are read as joined numbers"
    with ws.read() as session:
        expected = read_line_by_line(
            session.connection(), [[first.id, second.id]], Interned(service._attendee).__getitem__
        )
    assert {i: list(m.attendance) for i, m in records.items()} == expected
    names = [a.name for a in records[second.id].attendance]
    assert "李小明" in names and "李明" not in names and names[-1] == "外单位党员"
    assert "李明" in [a.name for a in records[first.id].attendance]
    guest = records[second.id].attendance[-1]
    assert (guest.member_id, guest.voter) == (None, False)
    leave = next(a for a in records[first.id].attendance if a.name == "王强")
    assert (leave.status, leave.reason) == (AttendanceStatus.LEAVE, "病假")
    probationary = next(a for a in records[first.id].attendance if a.name == "赵新")
    assert (probationary.member_type, probationary.voter) == ("probationary", False)


def test_lines_changed_after_the_list_was_written_are_still_read_joined_in_list_order(ws, monkeypatch):
    """The secretary takes attendance on a planned meeting: the first two lines become absent. On
    PostgreSQL a changed row is written anew elsewhere in the table, so the index no longer gives the
    meeting's lines in list order; the check still reads them as joined numbers, in list order."""
    for name in NAMES:
        ws.members.create(
            MemberFields(name=name, join_date=dt.date(2000, 7, 1), conversion_date=dt.date(2001, 7, 1))
        )
    record = ws.meetings.plan(MeetingType.GENERAL, DAY, status="draft", chair="张华", recorder="刘芳")
    with ws.write("测试：就地改签到状态") as session:
        rows = session.scalars(select(MeetingAttendance).order_by(MeetingAttendance.position)).all()
        for row in rows[:2]:
            row.status = AttendanceStatus.ABSENT.value  # a column of the partial index: a new index entry
    one_by_one = _reads_line_by_line(monkeypatch)
    [read] = ws.meetings.all()
    assert one_by_one == [], "lines in list order are read as joined numbers"
    assert [(a.name, a.status) for a in read.attendance] == [
        (a.name, AttendanceStatus.ABSENT if n < 2 else a.status) for n, a in enumerate(record.attendance)
    ]


def test_a_list_that_grew_between_two_statements_is_read_again_line_by_line(ws, monkeypatch):
    """On PostgreSQL each statement sees the records as they are when it runs: a line with a reason
    added to a meeting after its joined numbers were read lands beyond the list; the meeting is then read
    again line by line, not left half old and half new."""
    from branchdesk.services import meetings as service

    for name in NAMES:
        ws.members.create(
            MemberFields(name=name, join_date=dt.date(2000, 7, 1), conversion_date=dt.date(2001, 7, 1))
        )
    record = ws.meetings.plan(MeetingType.GENERAL, DAY, status="draft", chair="张华", recorder="刘芳")
    read = service.fetch_tuples

    def meanwhile(connection, stmt):  # the whole lines' statement finds one more line than was joined
        rows = read(connection, stmt)
        if "ix_meeting_attendance" not in str(stmt) and "reason <> ''" in str(stmt):
            rows = [
                *rows,
                (record.id, len(NAMES), None, "后来补记", "leave", "出差", True, "full", "", None, "", ""),
            ]
        return rows

    monkeypatch.setattr(service, "fetch_tuples", meanwhile)
    again = []
    read_line_by_line = service._attendance_lines
    monkeypatch.setattr(service, "_attendance_lines",
                        lambda c, parts, a: again.append(parts) or read_line_by_line(c, parts, a))  # fmt: skip
    [read_back] = ws.meetings.all()
    assert again, "the meeting is read again line by line"
    assert [a.name for a in read_back.attendance] == [a.name for a in record.attendance]
