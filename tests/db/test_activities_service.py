"""The branch's own work (issue 15) against a real database (SQLite, and PostgreSQL when a server is given).

A secretary records a volunteer afternoon of the brand project 银龄守护 with three members, an activist and
five students, attaches a photo, and finds it on a member's file with their hours; records the September
主题党日 that WAS the volunteer service once (the calendar counts the meeting, the activity list shows the
activity, study hours do not count it); adds up a member's study hours from a 党课, an online course and a
微党课 and sees MEM-STUDY-32H name the member below 32 hours (the secretary below 56); assigns dormitories
and a 示范岗 and reads the coverage; a 查阅 account reads everything and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, CommitteeMember
from branchdesk.domain.activities import (
    Activity,
    Assignment,
    AssignmentKind,
    BrandProject,
    DutyGrade,
    DutyReport,
    Participant,
    Recognition,
    StudyRecord,
    StudySource,
)
from branchdesk.domain.auth import PermissionDenied, Principal, Role
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.services.activities import ChecksumError
from branchdesk.services.meetings import AttendanceStatus, MeetingStatus, MeetingType

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def people(ws):
    def add(name, joined=dt.date(2010, 7, 1)):
        return ws.members.create(
            MemberFields(name=name, join_date=joined, conversion_date=joined.replace(year=joined.year + 1))
        ).id

    return {name: add(name) for name in ("王书记", "李明", "张华", "赵敏")}


def _entries(db, operation_prefix: str) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(AuditEntry.operation).where(AuditEntry.operation.like(f"{operation_prefix}%"))
            )
        )


def _activist(ws, name="钱进"):
    from branchdesk.domain.development import Person

    return ws.development.create(Person(name, dt.date(2004, 4, 9)), dt.date(2025, 10, 8)).id


def test_a_volunteer_afternoon_with_members_an_activist_others_and_a_photo(db, ws, people, tmp_path):
    project = ws.activities.save_project(BrandProject("银龄守护", slogan="陪伴是最长情的告白", goals={2026: "每月走访一次"},
                                                      recognitions=(Recognition("省级优秀党建工作项目", "省部级", "省委教育工委",
                                                                                dt.date(2026, 6, 30)),)))  # fmt: skip
    activist = _activist(ws)
    saved = ws.activities.save(
        Activity(
            date=dt.date(2026, 10, 18), kind="志愿服务", title="走访幸福里敬老院", place="幸福里敬老院",
            organiser="王书记", project_id=project.id, content="陪老人聊天、打扫卫生", outcome="服务老人20位",
            press="学院网站报道",
            participants=(Participant("李明", Decimal("2.5"), people["李明"]),
                          Participant("张华", Decimal(3), people["张华"], role="队长"),
                          Participant("王书记", Decimal(2), people["王书记"]),
                          Participant("钱进", Decimal("2.5"), dossier_id=activist)),
            others_count=5, others_hours=Decimal("12.5"),
        )
    )  # fmt: skip
    assert saved.total_people == 9 and saved.total_hours == Decimal("22.5")
    assert [p.activist for p in saved.participants] == [False, False, False, True]
    assert _entries(db, "新增活动记录") and set(_entries(db, "新增活动记录")) == {
        "新增活动记录：走访幸福里敬老院"
    }

    photo = tmp_path / "合影.png"
    photo.write_bytes(PNG)
    attached = ws.activities.add_attachment(saved.id, photo)
    assert attached.is_photo and ws.activities.attachment_content(attached.id) == PNG
    with pytest.raises(ValidationError, match="不是有效的JPEG或PNG图片"):
        ws.activities.add_attachment(saved.id, name="假照片.jpg", content=b"GIF89a not a jpeg")
    with pytest.raises(ValidationError, match="超过10 MB"):
        ws.activities.add_attachment(
            saved.id, name="大照片.jpg", content=b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024)
        )

    [line] = ws.activities.list(2026)
    assert (line.title, line.project, line.members, line.others, line.hours, line.photos) == (
        "走访幸福里敬老院", "银龄守护", 4, 5, Decimal("22.5"), 1)  # fmt: skip
    [mine] = ws.activities.for_member(people["张华"], 2026)
    assert (mine.title, mine.hours, mine.role) == ("走访幸福里敬老院", Decimal(3), "队长")
    assert ws.activities.list(2025) == []

    # edited: one participant leaves the list, the photo stays
    edited = ws.activities.save(replace(saved, participants=saved.participants[:2]))
    assert [p.name for p in edited.participants] == ["李明", "张华"] and len(edited.photos) == 1
    assert ws.activities.for_member(people["王书记"], 2026) == []

    # the stored photo damaged outside the program is refused when read back
    from sqlalchemy import update

    from branchdesk.db.models_activities import ActivityAttachment

    with db.engine.begin() as conn:
        conn.execute(update(ActivityAttachment).values(content=PNG + b"x"))
    with pytest.raises(ChecksumError):
        ws.activities.attachment_content(attached.id)


def test_someone_outside_the_roster_or_a_kind_the_branch_has_not_is_refused(ws, people):
    with pytest.raises(ValidationError, match="不在花名册或积极分子名单中"):
        ws.activities.save(Activity(date=dt.date(2026, 3, 5), kind="志愿服务", title="学雷锋",
                                    participants=(Participant("路人"),)))  # fmt: skip
    with pytest.raises(ValidationError, match="没有活动类型“理论宣讲”"):
        ws.activities.save(Activity(date=dt.date(2026, 3, 5), kind="理论宣讲", title="宣讲"))
    assert ws.activities.add_kind("理论宣讲")[-1] == "理论宣讲"
    assert ws.activities.save(Activity(date=dt.date(2026, 3, 5), kind="理论宣讲", title="宣讲")).id


def test_a_party_day_of_volunteer_service_is_one_record(ws, people):
    meeting = ws.meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 9, 20), status=MeetingStatus.DRAFT,
                               theme="社区义诊志愿服务", start_time=dt.time(8, 30), end_time=dt.time(11, 30))  # fmt: skip
    absent = [replace(a, status=AttendanceStatus.ABSENT, reason="出差") if a.name == "赵敏" else a
              for a in meeting.attendance]  # fmt: skip
    ws.meetings.save(replace(meeting, attendance=tuple(absent)))
    activity = ws.activities.save(ws.activities.from_meeting(meeting.id, "志愿服务"))
    assert activity.meeting_id == meeting.id and activity.kind == "志愿服务"
    assert sorted(p.name for p in activity.participants) == ["张华", "李明", "王书记"]
    assert all(p.hours == 3 for p in activity.participants)
    # the calendar counts the meeting (September held), the activity list shows the activity: once each
    [party_day] = [r for r in ws.meetings.calendar(2026, TODAY) if r.type == MeetingType.PARTY_DAY]
    assert party_day.cells[8].state.value == "held"
    assert [a.meeting_id for a in ws.activities.list(2026)] == [meeting.id]
    assert len(ws.meetings.list(year=2026, type=MeetingType.PARTY_DAY)) == 1
    # service, not study: the day adds no study hours
    assert ws.study.lines(2026) == {}


def test_study_hours_and_mem_study_32h(ws, people, db):
    lecture = ws.meetings.plan(MeetingType.LECTURE, dt.date(2025, 4, 10), status=MeetingStatus.DRAFT,
                               theme="学习党章", start_time=dt.time(14, 0), end_time=dt.time(16, 0))  # fmt: skip
    ws.meetings.save(replace(lecture, attendance=tuple(
        replace(a, status=AttendanceStatus.LEAVE, reason="病假") if a.name == "赵敏" else a
        for a in lecture.attendance)))  # fmt: skip
    ws.study.save_records([
        StudyRecord(name, dt.date(2025, 6, 1), Decimal(hours), StudySource.ONLINE, member_id=people[name],
                    title="网上党校专题培训")
        for name, hours in (("王书记", 40), ("李明", 30), ("张华", 28), ("赵敏", 31))
    ])  # fmt: skip
    ws.activities.save(Activity(date=dt.date(2025, 5, 4), kind="微党课", title="青年与担当",
                                participants=(Participant("张华", Decimal(1), people["张华"], role="主讲"),
                                              Participant("赵敏", Decimal(1), people["赵敏"]))))  # fmt: skip
    ws.activities.save(Activity(date=dt.date(2025, 5, 8), kind="志愿服务", title="植树",
                                participants=(Participant("赵敏", Decimal(4), people["赵敏"]),)))  # fmt: skip
    with db.write("任命书记") as session:
        session.add(CommitteeMember(branch_id=ws.branch_id, member_id=people["王书记"], post="secretary",
                                    term_start=dt.date(2024, 1, 1)))  # fmt: skip
    hours = {h.name: h for h in ws.study.hours(2025)}
    assert {n: h.total for n, h in hours.items()} == {"王书记": 42, "李明": 32, "张华": 31, "赵敏": 32}
    assert hours["王书记"].target == 56 and hours["李明"].target == 32
    assert hours["张华"].by_source() == {"党课": 2, "网络课程": 28, "微党课": 1}

    report = ws.compliance.check(TODAY)
    study = sorted((f.subject, f.period) for f in report.all if f.code == "MEM-STUDY-32H")
    assert study == [("张华", "2025"), ("王书记", "2025")]
    [zhang] = [f for f in report.all if f.code == "MEM-STUDY-32H" and f.subject == "张华"]
    assert "31学时" in zhang.message_zh and "差1学时" in zhang.message_zh and not zhang.blocking
    # a year the branch kept no study hours here is not judged
    assert not [f for f in ws.compliance.check(dt.date(2025, 3, 1)).all if f.code == "MEM-STUDY-32H"]


def test_assignments_posts_and_coverage(ws, people):
    a = ws.assignments
    a.save(Assignment("李明", AssignmentKind.DORMITORY, dt.date(2026, 3, 1), member_id=people["李明"],
                      target="3号楼305", place="学生公寓3号楼"))  # fmt: skip
    a.save(
        Assignment(
            "张华", AssignmentKind.CLASS, dt.date(2026, 3, 1), member_id=people["张华"], target="计科2301"
        )
    )
    post = a.save(Assignment("王书记", AssignmentKind.POST, dt.date(2026, 3, 1), member_id=people["王书记"],
                             post_kind="党员示范岗", target="实验室安全示范岗", end=dt.date(2026, 6, 30)))  # fmt: skip
    a.save(Assignment("钱进", AssignmentKind.PAIR, dt.date(2026, 3, 1), dossier_id=_activist(ws),
                      people="孙老师（非党员教师）\n周同学（家庭经济困难）"))  # fmt: skip
    with pytest.raises(ValidationError, match="没有岗位类型“党员服务岗”"):
        a.save(Assignment("李明", AssignmentKind.POST, dt.date(2026, 3, 1), member_id=people["李明"],
                          post_kind="党员服务岗", target="迎新服务"))  # fmt: skip
    ws.activities.add_kind("党员服务岗", "post")
    a.save(Assignment("李明", AssignmentKind.POST, dt.date(2026, 3, 1), member_id=people["李明"],
                      post_kind="党员服务岗", target="迎新服务"))  # fmt: skip
    with pytest.raises(ValidationError, match="请填写联系的宿舍或班级"):
        a.save(Assignment("赵敏", AssignmentKind.DORMITORY, dt.date(2026, 3, 1), member_id=people["赵敏"]))

    spring = a.coverage(dt.date(2026, 5, 1))
    assert spring.dormitories == {"3号楼305": ("李明",)} and spring.classes == {"计科2301": ("张华",)}
    assert set(spring.posts) == {"党员示范岗：实验室安全示范岗", "党员服务岗：迎新服务"}
    assert [name for _, name in spring.unassigned] == ["赵敏"] and spring.assigned == 3
    autumn = a.coverage(dt.date(2026, 9, 1))
    assert [name for _, name in autumn.unassigned] == ["王书记", "赵敏"]
    assert [x.kind_label for x in a.list(member_id=people["王书记"])] == ["党员示范岗"]
    a.end(post.id, dt.date(2026, 5, 31))
    assert a.get(post.id).end == dt.date(2026, 5, 31)


def test_duty_report_and_brand_project_round_trip(ws, people):
    report = ws.study.save_duty_report(DutyReport(2025, "王书记", member_id=people["王书记"], post="书记",
                                                  date=dt.date(2026, 1, 15), report="履行第一责任人职责",
                                                  ratings={DutyGrade.GOOD: 3, DutyGrade.FAIRLY_GOOD: 1},
                                                  higher_rating="好", higher_by="测试学院党委"))  # fmt: skip
    assert report.raters == 4 and ws.study.duty_reports(2025)[0].ratings[DutyGrade.AVERAGE] == 0
    project = ws.activities.save_project(BrandProject("红色领航", goals={2026: "十次宣讲"}))
    changed = ws.activities.save_project(replace(project, goals={2026: "十二次宣讲", 2027: "二十次"},
                                                 recognitions=(Recognition("校级优秀项目", "校（院）级"),)))  # fmt: skip
    assert (
        changed.goals == {2026: "十二次宣讲", 2027: "二十次"}
        and changed.recognitions[0].title == "校级优秀项目"
    )


def test_a_viewer_reads_everything_and_writes_nothing(db, ws, people):
    activity = ws.activities.save(Activity(date=dt.date(2026, 3, 5), kind="志愿服务", title="学雷锋"))
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    db.sign_in(Principal("chayue", Role.VIEWER))
    attempts = [
        lambda: ws.activities.save(replace(activity, title="改名")),
        lambda: ws.activities.delete(activity.id),
        lambda: ws.activities.add_attachment(activity.id, name="a.png", content=PNG),
        lambda: ws.activities.add_kind("理论宣讲"),
        lambda: ws.activities.save_project(BrandProject("红色领航")),
        lambda: ws.assignments.save(
            Assignment(
                "李明", AssignmentKind.CLASS, dt.date(2026, 3, 1), member_id=people["李明"], target="计科2301"
            )
        ),
        lambda: ws.study.save_record(
            StudyRecord("李明", dt.date(2026, 3, 1), Decimal(2), StudySource.STUDY, member_id=people["李明"])
        ),
        lambda: ws.study.save_duty_report(DutyReport(2025, "王书记", member_id=people["王书记"])),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert [a.title for a in ws.activities.list(2026)] == ["学雷锋"]
    assert ws.assignments.coverage(dt.date(2026, 3, 1)).members == 4


def test_a_database_of_schema_0009_upgrades_and_records_activities(tmp_path, data_dir):
    """The office's database of the previous release: after the upgrade its roster is there, the new
    tables are empty, and the secretary records a volunteer activity for one of its members."""
    import shutil

    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import SCHEMA_HEAD, current_revision, open_database
    from branchdesk.workspace import Workspace
    from tests.db import schema_fixtures

    path = tmp_path / "office.sqlite"
    shutil.copyfile(schema_fixtures.stored()["0009"], path)
    db, _ = open_database(resolve_location(str(path)), user="测试用户")
    try:
        assert current_revision(db.engine) == SCHEMA_HEAD
        ws = Workspace.open(db)
        assert ws.activities.list(2026) == [] and ws.assignments.list() == []
        ma = schema_fixtures.MEMBER_ID["马丽"]
        saved = ws.activities.save(Activity(date=dt.date(2026, 3, 5), kind="志愿服务", title="学雷锋",
                                            participants=(Participant("马丽", Decimal(2), ma),)))  # fmt: skip
        assert [a.title for a in ws.activities.for_member(ma, 2026)] == [saved.title]
    finally:
        db.dispose()


def test_a_wrong_study_record_a_duplicated_duty_report_and_an_abandoned_project_are_deleted(db, ws, people):
    """Each delete is one transaction with its own audit operation; a project's activities stay, unlinked,
    and its goals and recognitions go with it (named in the audit trail); an unknown id is a Chinese
    NotFoundError and writes nothing."""
    from branchdesk.db.models_activities import BrandGoal, BrandRecognition
    from branchdesk.domain.errors import NotFoundError

    li = people["李明"]
    kept = ws.study.save_record(
        StudyRecord("李明", dt.date(2026, 3, 1), Decimal(8), StudySource.ONLINE, member_id=li)
    )
    wrong = ws.study.save_record(
        StudyRecord("李明", dt.date(2026, 3, 2), Decimal(80), StudySource.STUDY, member_id=li)
    )
    assert ws.study.member_hours(li, 2026).total == 88
    seen = []
    ws.subscribe(seen.append)
    ws.study.delete_record(wrong.id)
    assert [r.id for r in ws.study.records(2026)] == [kept.id] and ws.study.member_hours(li, 2026).total == 8
    assert len(seen) == 1 and seen[0].actions("study_record") == {"delete"}
    assert _entries(db, "删除学习学时") == ["删除学习学时：李明 2026-03-02 80学时"]  # the audit names it

    twice = [ws.study.save_duty_report(DutyReport(2025, "王书记", member_id=people["王书记"], post="书记"))
             for _ in range(2)]  # fmt: skip
    ws.study.delete_duty_report(twice[1].id)
    assert [r.id for r in ws.study.duty_reports(2025)] == [twice[0].id]
    assert _entries(db, "删除述职评议") == ["删除述职评议：2025年 王书记"]

    project = ws.activities.save_project(BrandProject("红色领航", goals={2026: "十次宣讲"},
                                                      recognitions=(Recognition("校级优秀项目", "校（院）级"),)))  # fmt: skip
    for day in (dt.date(2026, 3, 5), dt.date(2025, 9, 1)):
        ws.activities.save(Activity(date=day, kind="志愿服务", title="宣讲", project_id=project.id))
    assert ws.activities.project_activity_count(project.id) == 2
    seen.clear()
    ws.activities.delete_project(project.id)
    assert len(seen) == 1 and ws.activities.projects() == []
    assert {e for e in _entries(db, "删除党建品牌项目")} == {"删除党建品牌项目：红色领航"}
    assert [a.project_id for a in ws.activities.all()] == [None, None]  # the activities stay
    assert seen[0].actions("brand_goal") == seen[0].actions("brand_recognition") == {"delete"}
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(BrandGoal)) == 0
        assert session.scalar(select(func.count()).select_from(BrandRecognition)) == 0

    before = _entries(db, "删除")
    for call, what in ((ws.study.delete_record, "学时记录"), (ws.study.delete_duty_report, "述职评议记录"),
                       (ws.activities.delete_project, "党建品牌项目"), (ws.activities.project_activity_count,
                                                                   "党建品牌项目")):  # fmt: skip
        with pytest.raises(NotFoundError, match=f"找不到编号为 {wrong.id} 的{what}"):
            call(wrong.id)
    assert _entries(db, "删除") == before

    db.sign_in(Principal("chayue", Role.VIEWER))
    for attempt in (
        lambda: ws.study.delete_record(kept.id),
        lambda: ws.study.delete_duty_report(twice[0].id),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert len(ws.study.records()) == 1 and len(ws.study.duty_reports()) == 1
