"""Demo records of the branch's own work for `branchdesk demo` (issue 15): last year and this year to date.

Written in the demo's unit of work after the meetings (bulk inserts; the demo's baseline audits them):

* two volunteer teams under brand projects — 银龄守护 (elderly care, with a provincial award) and 春苗助学
  (tutoring children of a welfare home) — each with a monthly activity: 4–10 members, sometimes an
  activist, students as a count;
* the 主题党日 whose theme is volunteer service or a visit get their activity LINKED to the meeting (one
  record: the calendar counts the meeting, the ledger lists the activity); the others are 微党课 days:
  each member gives one 微党课 a year at a party day (the speakers are its participants);
* a dormitory or a class for most members, six 示范岗 (two 党员示范岗, 先锋岗, 监督岗, 两个责任区), a
  结对帮扶 trio;
* study records (网上党校 courses, trainings) that bring most members to 34–44 hours a year (committee
  members to 56–62), and a few (about one in sixteen) to 26–31: those are legitimate MEM-STUDY-32H findings (warnings);
* the secretary's 述职评议 for last year, given in January.

Skipped for rosters above :data:`MAX_MEMBERS` (the stress-test demos).
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select

from branchdesk.db.models_activities import (
    Activity,
    ActivityParticipant,
    Assignment,
    BrandGoal,
    BrandProject,
    BrandRecognition,
    DutyReport,
    StudyRecord,
)
from branchdesk.db.models_development import DevelopmentDossier
from branchdesk.db.models_meetings import Meeting, MeetingAttendance
from branchdesk.domain.activities import (
    ActivityHours,
    MeetingHours,
    meeting_tenths,
    study_hours,
    study_target,
)
from branchdesk.domain.vocab import CommitteePost
from branchdesk.services.bulk import insert_returning_ids
from branchdesk.services.roster import Roster

__all__ = ["MAX_MEMBERS", "insert_demo_activities"]

MAX_MEMBERS = 1000

_VOLUNTEER_WORDS = ("志愿服务", "走访慰问", "科普", "植树", "宿舍安全")
_VISIT_WORDS = ("参观",)
_ELDERLY = (
    ("重阳敬老：陪伴老人过节", "幸福里敬老院"),
    ("为老人讲解智能手机使用", "学府社区党群服务中心"),
    ("健康知识讲座与义诊", "学府社区党群服务中心"),
    ("敬老院卫生大扫除", "幸福里敬老院"),
)
_CHILDREN = (
    ("周末课业辅导", "市儿童福利院"),
    ("编程兴趣课", "市儿童福利院"),
    ("读书会与心理陪伴", "市儿童福利院"),
    ("趣味科学实验", "市第三中学"),
)
_LECTURES = ("青年党员的责任与担当", "从党史中汲取奋进力量", "身边的榜样", "科技报国的初心", "把论文写在祖国大地上",
             "做新时代的奋斗者", "守纪律讲规矩", "学习贯彻党章")  # fmt: skip
_CLASSES = ("计科{}01", "计科{}02", "软工{}01", "软工{}02", "网安{}01", "数据{}01")


def insert_demo_activities(session, *, branch_id: int, today: dt.date, rng: random.Random) -> int:
    """Insert the demo's activities, assignments, projects, study records and 述职评议; returns how many
    activities."""
    roster = Roster.read(session, branch_id)
    if len(roster.members) > MAX_MEMBERS:
        return 0
    entries = {e.member_id: e for group in roster.entries().values() for e in group}
    names = {m.id: m.name for m in roster.members}
    connection = session.connection()
    committee = {
        s.member_id: s
        for s in roster.seats
        if s.ended_on is None or s.ended_on > dt.date(today.year - 1, 1, 1)
    }
    secretary = next((s.member_id for s in roster.seats if s.post == CommitteePost.SECRETARY.value
                      and s.ended_on is None), None)  # fmt: skip

    def members_on(day: dt.date) -> list[int]:
        return [m.id for m in roster.members if m.id in entries and entries[m.id].member_on(day)]

    activists = session.execute(
        select(DevelopmentDossier.id, DevelopmentDossier.name)
        .where(DevelopmentDossier.branch_id == branch_id, DevelopmentDossier.member_id.is_(None))
        .order_by(DevelopmentDossier.id)
        .limit(6)
    ).all()

    # ---- brand projects ------------------------------------------------------------------------
    start = dt.date(today.year - 2, 9, 1)
    projects = insert_returning_ids(connection, BrandProject.__table__, [
        dict(branch_id=branch_id, name="银龄守护", slogan="陪伴是最长情的告白", start=start, end=None, note="",
             idea="党员带领学生志愿者结对社区老人：智能手机教学、健康讲座、节日陪伴，每月一次。"),
        dict(branch_id=branch_id, name="春苗助学", slogan="用知识点亮童心", start=start, end=None, note="",
             idea="发挥计算机专业特长，为福利院儿童开展课业辅导和编程兴趣课，每月一次。"),
    ], what="党建品牌项目")  # fmt: skip
    goals = []
    for year in (today.year - 1, today.year):
        goals += [dict(branch_id=branch_id, project_id=projects[0], year=year,
                       goals="全年服务12次，结对老人30位，志愿服务时长不少于300小时"),
                  dict(branch_id=branch_id, project_id=projects[1], year=year,
                       goals="全年辅导12次，覆盖儿童40名，开设编程兴趣课4期")]  # fmt: skip
    session.execute(insert(BrandGoal), goals)
    session.execute(insert(BrandRecognition), [
        dict(branch_id=branch_id, project_id=projects[0], title="全省高校党建工作优秀项目", level="省部级",
             issuer="省委教育工委", date=dt.date(today.year - 1, 11, 20)),
        dict(branch_id=branch_id, project_id=projects[1], title="校级党建创新项目", level="校（院）级",
             issuer=f"{_university()}党委组织部", date=dt.date(today.year - 1, 6, 18)),
    ])  # fmt: skip

    # ---- activities ----------------------------------------------------------------------------
    activities: list[dict] = []
    participants: list[list[dict]] = []
    first = dt.date(today.year - 1, 1, 1)
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            for team, (project, themes, weekday) in enumerate(
                ((projects[0], _ELDERLY, 5), (projects[1], _CHILDREN, 6))
            ):
                day = _weekday(dt.date(year, month, 8 + team * 10), weekday)
                if day > today:
                    continue
                title, place = themes[(year * 12 + month) % len(themes)]
                pool = members_on(day)
                if not pool:
                    continue
                chosen = rng.sample(pool, min(len(pool), rng.randint(4, 10)))
                hours = rng.choice((20, 25, 30, 35))
                people = [dict(member_id=m, dossier_id=None, name=names[m], tenths=hours,
                               role="队长" if i == 0 else "") for i, m in enumerate(chosen)]  # fmt: skip
                if activists and rng.random() < 0.5:
                    a = rng.choice(activists)
                    people.append(dict(member_id=None, dossier_id=a.id, name=a.name, tenths=hours, role=""))
                others = rng.randint(3, 15)
                activities.append(dict(
                    branch_id=branch_id, date=day, start_time=dt.time(9, 0),
                    end_time=dt.time(9 + hours // 10, 30 if hours % 10 else 0), kind="志愿服务", title=title,
                    place=place, organiser=names[chosen[0]], project_id=project, meeting_id=None,
                    content=f"{'银龄守护' if team == 0 else '春苗助学'}志愿服务队{title}。",
                    outcome=f"服务{rng.randint(10, 40)}人次", press="学院网站报道" if rng.random() < 0.3 else "",
                    others_count=others, others_tenths=others * hours,
                ))  # fmt: skip
                participants.append(people)

    # the party days: volunteer or visit days get a linked activity; the others are 微党课 days
    party_days = session.execute(
        select(Meeting.id, Meeting.date, Meeting.theme, Meeting.place, Meeting.start_time, Meeting.end_time,
               Meeting.chair)
        .where(Meeting.branch_id == branch_id, Meeting.type == "party_day", Meeting.status != "planned",
               Meeting.date >= first, Meeting.date <= today)
        .order_by(Meeting.date)
    ).all()  # fmt: skip
    present: dict[int, list[int]] = {}
    for meeting_id, member_id in session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.member_id).where(
            MeetingAttendance.meeting_id.in_([p.id for p in party_days] or [0]),
            MeetingAttendance.status == "present", MeetingAttendance.member_id.is_not(None),
        )
    ):  # fmt: skip
        present.setdefault(meeting_id, []).append(member_id)
    lecture_days = {}
    for p in party_days:
        theme = p.theme or ""
        kind = ("志愿服务" if any(w in theme for w in _VOLUNTEER_WORDS)
                else "参观学习" if any(w in theme for w in _VISIT_WORDS) else "")  # fmt: skip
        if not kind:
            lecture_days.setdefault(p.date.year, []).append(p)
            continue
        tenths = meeting_tenths(p.start_time, p.end_time)
        activities.append(dict(
            branch_id=branch_id, date=p.date, start_time=p.start_time, end_time=p.end_time, kind=kind, title=theme,
            place=p.place, organiser=p.chair, project_id=None, meeting_id=p.id, content=f"主题党日：{theme}。",
            outcome="", press="", others_count=0, others_tenths=0,
        ))  # fmt: skip
        participants.append([dict(member_id=m, dossier_id=None, name=names[m], tenths=tenths, role="")
                             for m in present.get(p.id, []) if m in names])  # fmt: skip
    # 微党课: every member on the roster that year speaks once, at one of the year's 微党课 days
    for year, days in lecture_days.items():
        speakers = [m for m in members_on(min(today, dt.date(year, 12, 31))) if m in names]
        rng.shuffle(speakers)
        for i, p in enumerate(days):
            share = speakers[i :: len(days)]
            if not share:
                continue
            activities.append(dict(
                branch_id=branch_id, date=p.date, start_time=p.start_time, end_time=p.end_time, kind="微党课",
                title=f"微党课：{_LECTURES[(year + i) % len(_LECTURES)]}", place=p.place, organiser=p.chair,
                project_id=None, meeting_id=p.id, content=f"主题党日上{len(share)}名党员讲微党课，每人约15分钟。",
                outcome="", press="", others_count=0, others_tenths=0,
            ))  # fmt: skip
            participants.append([dict(member_id=m, dossier_id=None, name=names[m], tenths=5, role="主讲")
                                 for m in share])  # fmt: skip
    stamp = dt.datetime.now(dt.UTC)
    for a in activities:
        a["created_at"] = a["updated_at"] = stamp
    order = sorted(range(len(activities)), key=lambda i: activities[i]["date"])
    activities = [activities[i] for i in order]
    participants = [participants[i] for i in order]
    ids = insert_returning_ids(connection, Activity.__table__, activities, what="活动记录")
    rows = [dict(branch_id=branch_id, activity_id=aid, position=pos, **p)
            for aid, people in zip(ids, participants, strict=True) for pos, p in enumerate(people)]  # fmt: skip
    if rows:
        session.execute(insert(ActivityParticipant), rows)

    # ---- assignments ---------------------------------------------------------------------------
    now = members_on(today)
    since = dt.date(today.year - 1, 9, 1)
    assignments = []
    grade = (today.year - 2) % 100
    for i, m in enumerate(now):
        if rng.random() < 0.12:
            continue  # a few without an assignment: the coverage view names them
        if i % 2 == 0:
            building = 1 + (i // 8) % 6
            assignments.append(dict(kind="dormitory", target=f"学生公寓{building}号楼{rng.randint(1, 6)}{rng.randint(1, 20):02d}室",
                                    place=f"学生公寓{building}号楼", people="", post_kind=""))  # fmt: skip
        else:
            assignments.append(dict(kind="class", target=_CLASSES[(i // 2) % len(_CLASSES)].format(grade + (i % 3)),
                                    place="信息学院", people="", post_kind=""))  # fmt: skip
        assignments[-1].update(member_id=m, dossier_id=None, person=names[m])
    posts = (("党员示范岗", "实验室安全示范岗", "实验楼B201"), ("党员示范岗", "学生事务服务示范岗", "学生服务中心"),
             ("党员先锋岗", "考研互助先锋岗", "图书馆研讨室"), ("党员监督岗", "考风考纪监督岗", "信息学院大楼"),
             ("党员责任区", "学生公寓3号楼责任区", "学生公寓3号楼"), ("党员责任区", "学生公寓5号楼责任区", "学生公寓5号楼"))  # fmt: skip
    for i, (kind, target, place) in enumerate(posts):
        if not now:
            break
        m = now[(i * 5) % len(now)]
        assignments.append(dict(kind="post", post_kind=kind, target=target, place=place, people="", member_id=m,
                                dossier_id=None, person=names[m]))  # fmt: skip
    if now and len(now) > 2:
        m = now[1]
        assignments.append(dict(kind="pair", post_kind="", target="结对帮扶", place="", member_id=m, dossier_id=None,
                                person=names[m], people="李老师（非党员青年教师）\n张同学（家庭经济困难学生）"))  # fmt: skip
    if assignments:
        session.execute(insert(Assignment), [dict(branch_id=branch_id, start=since, end=None, note="",
                                                  created_at=stamp, updated_at=stamp, **a)
                                             for a in assignments])  # fmt: skip

    # ---- study records: most members above the line, a few below -------------------------------
    feed = [ActivityHours(i, a["kind"], a["date"], a["title"], a["meeting_id"],
                          {p["member_id"]: p["tenths"] for p in people if p["member_id"] is not None})
            for i, (a, people) in enumerate(zip(activities, participants, strict=True))]  # fmt: skip
    records = []
    for year in (today.year - 1, today.year):
        held = _study_meetings(session, branch_id, year, today)
        lines = study_hours(held, [], [f for f in feed if f.date.year == year])
        end = min(today, dt.date(year, 12, 31))
        months = end.month
        for m in members_on(end):
            have = sum(line.tenths for line in lines.get(m, ()))
            target = study_target(m in committee) * 10
            roll = rng.random()
            goal = target - rng.randint(10, 60) if roll < 0.06 else target + rng.randint(20, 120)
            goal = goal * months // 12 if year == today.year and months < 12 else goal
            missing = goal - have
            course = 0
            while missing > 0:
                tenths = min(missing, rng.choice((80, 120, 160)))
                day = min(
                    dt.date(year, 1 + (course * 3 + m) % months, rng.randint(1, 28)), end
                )  # never ahead
                source, title = (("online", "网上党校专题培训") if course % 2 == 0
                                 else ("training", "学院党员集中轮训"))  # fmt: skip
                records.append(dict(branch_id=branch_id, member_id=m, name=names[m], date=day, tenths=tenths,
                                    source=source, title=title, meeting_id=None, activity_id=None, note=""))  # fmt: skip
                missing -= tenths
                course += 1
    if records:
        session.execute(insert(StudyRecord), records)

    # ---- 述职评议 --------------------------------------------------------------------------------
    if secretary is not None and today >= dt.date(today.year, 1, 20):
        voters = max(len(members_on(dt.date(today.year, 1, 15))) - 1, 1)
        good = max(voters - rng.randint(1, 3), 0)
        session.execute(insert(DutyReport), [dict(
            branch_id=branch_id, year=today.year - 1, member_id=secretary, name=names.get(secretary, ""), post="书记",
            date=_weekday(dt.date(today.year, 1, 12), 3),
            report="履行党建第一责任人职责，落实“三会一课”，推进“银龄守护”“春苗助学”品牌项目；不足：理论学习的系统性有待加强。",
            rated_good=good, rated_fairly_good=voters - good, rated_average=0, rated_poor=0, higher_rating="好",
            higher_by="示范大学信息学院党委", note="",
        )])  # fmt: skip
    return len(activities)


def _study_meetings(session, branch_id: int, year: int, today: dt.date) -> list[MeetingHours]:
    rows = session.execute(
        select(Meeting.id, Meeting.type, Meeting.date, Meeting.theme, Meeting.start_time, Meeting.end_time)
        .where(Meeting.branch_id == branch_id, Meeting.type.in_(("lecture", "party_day")),
               Meeting.status != "planned", Meeting.date >= dt.date(year, 1, 1),
               Meeting.date <= min(today, dt.date(year, 12, 31)))
    ).all()  # fmt: skip
    present: dict[int, set[int]] = {}
    for meeting_id, member_id in session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.member_id).where(
            MeetingAttendance.meeting_id.in_([r.id for r in rows] or [0]), MeetingAttendance.status == "present",
            MeetingAttendance.member_id.is_not(None),
        )
    ):  # fmt: skip
        present.setdefault(meeting_id, set()).add(member_id)
    return [MeetingHours(r.id, r.type, r.date, r.theme, meeting_tenths(r.start_time, r.end_time),
                         frozenset(present.get(r.id, ()))) for r in rows]  # fmt: skip


def _weekday(day: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` (0 Monday … 6 Sunday) on or after ``day`` within its month (else before)."""
    out = day + dt.timedelta(days=(weekday - day.weekday()) % 7)
    return out if out.month == day.month else out - dt.timedelta(days=7)


def _university() -> str:
    from branchdesk.services.demo import UNIVERSITY

    return UNIVERSITY
