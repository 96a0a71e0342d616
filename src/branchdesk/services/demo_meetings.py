"""Demo meeting records for `branchdesk demo`: last year and this year to date, complete and sealed.

From the demo roster written in the same unit of work (a stress-test roster of more than 500
members gets the current month only: every branch-wide meeting is an attendance row per member): general meetings every quarter (and on the
dates of the demo dossiers' admission, conversion and extension votes, whose votes become the
meetings' agenda items, linked both ways), a committee meeting every month, a meeting of every party
group every month, a party lecture every quarter (the secretary gives the first of each year), a
theme party day every month on a fixed day, the organisational life meeting and the member appraisal
in December last year with the talks before them, and next month's party day planned ahead.
Attendance is the roster of the meeting day (most present; the absent with a reason).

Rows are bulk-inserted (``services.bulk``) and one summary audit entry records what was generated,
as for the demo members. The records pass the MTG checks of ``services.meetings`` as of ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select, update

from branchdesk.db.models import AuditEntry, CommitteeMember, Member, PartyGroup
from branchdesk.db.models_development import DevelopmentDossier, DossierVote
from branchdesk.db.models_meetings import (
    AgendaItem,
    AppraisalGrade,
    Meeting,
    MeetingAttendance,
    MeetingObserver,
    RemediationItem,
    TalkPair,
)
from branchdesk.domain.dates import add_months, add_working_days
from branchdesk.domain.meetings import Audience, MeetingStatus, MeetingType, standard_agenda
from branchdesk.domain.vocab import CommitteePost
from branchdesk.services.bulk import collector_paused, executemany, insert_returning_ids
from branchdesk.services.roster import Roster

__all__ = ["insert_demo_meetings"]

_PLACE = "信息学院大楼三层党员活动室"
_ABSENCE = (("leave", "出差"), ("leave", "病假"), ("leave", "外出参加学术会议"), ("absent", "临时教学任务冲突"),
            ("leave", "家中有事"))  # fmt: skip
_THEMES = {
    MeetingType.GENERAL: (
        "学习贯彻上级会议精神，通报支部工作",
        "讨论支部年度工作计划",
        "通报党费收缴和党员发展情况",
    ),
    MeetingType.COMMITTEE: ("研究本月支部工作安排", "研究党员发展和教育管理工作", "研究主题党日活动方案"),
    MeetingType.GROUP: ("学习党的创新理论", "交流思想和工作情况", "学习党章党规"),
    MeetingType.LECTURE: ("坚定理想信念 践行初心使命", "加强党性修养 提升履职能力", "学习党的光辉历史"),
    MeetingType.PARTY_DAY: (
        "重温入党誓词",
        "志愿服务进社区",
        "参观红色教育基地",
        "集中学习研讨",
        "主题读书分享",
    ),
}
#: 主题党日: varied content, each at a place that fits it (cycled month by month).
_PARTY_DAYS = (
    ("重温入党誓词，学习党章", "信息学院大楼三层党员活动室"),
    ("志愿服务进社区：为老年人讲解智能手机使用", "学府社区党群服务中心"),
    ("参观红色教育基地，接受革命传统教育", "市革命历史纪念馆"),
    ("集中学习研讨上级会议精神", "学院图书馆研讨室"),
    ("主题读书分享会", "学院图书馆研讨室"),
    ("“党员先锋岗”学生宿舍安全检查", "学生公寓园区"),
    ("考风考纪教育与诚信承诺签名", "信息学院大楼报告厅"),
    ("植树护绿志愿服务", "校园东区绿地"),
    ("走访慰问困难学生", "学生公寓园区"),
    ("专业知识进中学科普活动", "市第三中学"),
    ("观看主题纪录片并交流", "信息学院大楼报告厅"),
    ("结对帮扶交流座谈", "信息学院大楼三层党员活动室"),
)
_REMEDIATION = (
    ("理论学习的系统性不够", "制定年度学习计划，每月集中学习不少于一次"),
    ("联系服务群众不够经常", "支委每人每学期联系一个教研室或班级"),
    ("组织生活形式较单一", "主题党日与专业工作结合，每季度开展一次实践活动"),
)
#: 整改佐证材料 of each item above, once it is done
_EVIDENCE = (
    "年度学习计划、集中学习签到表和学习记录",
    "支委联系教研室、班级情况登记表",
    "主题党日实践活动方案和活动照片",
)


#: Rosters larger than this get the current month's meetings only (see ``_Demo.run``).
_FULL_HISTORY_LIMIT = 500
_NO_VOTE = {"expected": None, "present": None, "yes": None, "no": 0, "abstain": 0, "written_yes": 0, "written_no": 0,
            "written_abstain": 0, "written_before_meeting": True}  # fmt: skip


def _workday(d: dt.date) -> dt.date:
    return add_working_days(d - dt.timedelta(days=1), 1)


def insert_demo_meetings(session, *, branch_id: int, today: dt.date, rng: random.Random, user: str,
                         operation: str) -> int:  # fmt: skip
    """Build and insert the demo meetings in ``session``; returns how many records."""
    with collector_paused():
        return _Demo(session, branch_id, today, rng, user).run(operation)


class _Demo:
    def __init__(self, session, branch_id: int, today: dt.date, rng: random.Random, user: str):
        self.session, self.branch_id, self.today, self.rng, self.user = session, branch_id, today, rng, user
        self.roster = Roster.read(session, branch_id)
        self.groups = session.execute(
            select(PartyGroup.id, PartyGroup.name).where(PartyGroup.branch_id == branch_id)
            .order_by(PartyGroup.sort_order, PartyGroup.id)
        ).all()  # fmt: skip
        seats = session.execute(
            select(CommitteeMember.member_id, CommitteeMember.post, CommitteeMember.term_start,
                   CommitteeMember.ended_on, Member.name)
            .join(Member, Member.id == CommitteeMember.member_id)
            .where(CommitteeMember.branch_id == branch_id)
        ).all()  # fmt: skip
        self.seats = seats
        self.leaders = dict(
            session.execute(
                select(Member.group_id, Member.name).where(
                    Member.branch_id == branch_id, Member.is_group_leader
                )
            ).all()
        )
        self.lost = dict(
            session.execute(
                select(Member.id, Member.lost_contact_since).where(
                    Member.branch_id == branch_id, Member.lost_contact, Member.lost_contact_since.is_not(None)
                )
            ).all()
        )
        self.vote_updates: list[tuple[int, dict[str, int]]] = []  # dossier votes made to agree with the list
        self.meetings: list[dict[str, Any]] = []
        self.children: list[tuple[Any, int, dict[str, Any]]] = []  # (table, meeting index, values)
        self.vote_links: list[tuple[int, int]] = []  # (dossier_vote id, meeting index)

    # ---- people ----------------------------------------------------------------------------
    def post_holder(self, post: str, on: dt.date) -> str:
        for s in self.seats:
            if s.post == post and s.term_start <= on and (s.ended_on is None or s.ended_on > on):
                return s.name
        for s in self.seats:  # before the first recorded term: whoever held the post first
            if s.post == post:
                return s.name
        return ""

    def chair_recorder(self, on: dt.date) -> tuple[str, str]:
        secretary = self.post_holder(CommitteePost.SECRETARY.value, on)
        recorder = self.post_holder(CommitteePost.ORGANISATION.value, on) or self.post_holder(
            CommitteePost.PROPAGANDA.value, on
        )
        return secretary, recorder or secretary

    # ---- one record ------------------------------------------------------------------------
    def add(self, type_: MeetingType, on: dt.date, *, group: tuple[int, str] | None = None, theme: str = "",
            agenda: list[dict] | None = None, chair: str = "", recorder: str = "", lecturer: str = "",
            planned: bool = False, exclude: frozenset = frozenset(), place: str = "") -> int:  # fmt: skip
        """One record. Attendance is the roster of the day (without ``exclude``: people the meeting admits,
        who attend as observers); a member lost contact by then is listed absent (失联); chair and recorder
        are present; a vote's 应到/实到 are the list's voting members (the dossier vote is made to agree)."""
        rng = self.rng
        audience = (
            Audience.GROUP
            if group
            else Audience.COMMITTEE
            if type_ is MeetingType.COMMITTEE
            else Audience.BRANCH
        )
        expected = [a for a in self.roster.expected(on, audience, group[0] if group else None)
                    if a.member_id not in exclude]  # fmt: skip
        lost = {
            a.member_id for a in expected if (since := self.lost.get(a.member_id)) is not None and since <= on
        }
        here = [a for a in expected if a.member_id not in lost]
        default_chair, default_recorder = self.chair_recorder(on)
        if group:  # a group meeting: its leader chairs, another member of the group takes the minutes
            names = [a.name for a in here if a.voter]
            leader = self.leaders.get(group[0], "")
            chair = leader if leader in names else (names[0] if names else "")
            others = [n for n in names if n != chair]
            recorder = others[rng.randrange(len(others))] if others else chair
        else:
            chair = chair or default_chair
            recorder = recorder or default_recorder
        index = len(self.meetings)
        start = dt.time(rng.choice((9, 14, 15, 16)), rng.choice((0, 30)))
        self.meetings.append(
            {
                "branch_id": self.branch_id, "type": type_.value, "custom_type_id": None, "custom_type_name": "",
                "status": (MeetingStatus.PLANNED if planned else MeetingStatus.SEALED).value, "date": on,
                "start_time": start, "end_time": dt.time(start.hour + rng.choice((1, 2)), start.minute),
                "mode": "offline", "platform": "", "place": place or _PLACE, "chair": chair, "chair_member_id": None,
                "recorder": recorder, "recorder_member_id": None, "lecturer": lecturer, "lecturer_member_id": None,
                "theme": theme or rng.choice(_THEMES.get(type_, ("",))), "audience": audience.value,
                "group_id": group[0] if group else None, "group_name": group[1] if group else "",
                "discussion": "" if planned else "与会党员结合实际逐一发言，交流学习体会。",
                "decisions": "" if planned else "会议议定事项按分工抓好落实。",
                "sealed_at": None if planned else _sealed_at(on, self.today), "sealed_by": "" if planned else user_or(self.user),
                "created_at": _sealed_at(on, self.today), "updated_at": _sealed_at(on, self.today),
            }
        )  # fmt: skip
        voters_present = 0
        voters = sum(a.voter for a in expected)
        present_names: list[str] = []
        if not planned:
            hit = 0.93 if len(expected) > 3 else 1.0
            keep = {chair, recorder}
            may_miss = voters - (voters // 2 + 1) - sum(a.voter for a in expected if a.member_id in lost)
            for pos, a in enumerate(expected):
                status, reason = ("present", "")
                if a.member_id in lost:
                    status, reason = "absent", "失联"
                elif a.name not in keep and rng.random() > hit and (may_miss > 0 or not a.voter):
                    status, reason = rng.choice(_ABSENCE)
                    may_miss -= a.voter
                voters_present += a.voter and status == "present"
                if status == "present":
                    present_names.append(a.name)
                self.children.append((MeetingAttendance.__table__, index, {
                    "position": pos, "member_id": a.member_id, "name": a.name, "member_type": a.member_type.value,
                    "status": status, "reason": reason, "voter": a.voter,
                }))  # fmt: skip
        if not planned:
            self.meetings[index]["discussion"] = _speeches(type_, index, present_names, chair, lecturer,
                                                           self.meetings[index]["theme"])  # fmt: skip
        for pos, item in enumerate(
            agenda if agenda is not None else [{"title": t} for t in standard_agenda(type_)]
        ):
            values = {"position": pos, "title": item["title"], "discussion": item.get("discussion", ""),
                      "decision": item.get("decision", ""), "vote_kind": item.get("vote_kind", ""),
                      "dossier_id": item.get("dossier_id"), **_NO_VOTE}  # fmt: skip
            vote = item.get("vote")
            if vote is not None and not planned:
                # the ballot's 应到 and 实到 are the attendance list's voting members
                no = min(vote.get("no", 0), 1)
                abstain = min(vote.get("abstain", 0), 1)
                if 2 * (voters_present - no - abstain) <= voters:
                    no = abstain = 0
                counts = {"expected": voters, "present": voters_present, "yes": voters_present - no - abstain,
                          "no": no, "abstain": abstain, "written_yes": 0, "written_no": 0, "written_abstain": 0,
                          "written_before_meeting": True}  # fmt: skip
                values.update(counts)
                if item.get("vote_id") is not None:
                    self.vote_updates.append((item["vote_id"], counts))
            self.children.append((AgendaItem.__table__, index, values))
        return index

    # ---- the two years -----------------------------------------------------------------------
    def run(self, operation: str) -> int:
        today, rng = self.today, self.rng
        # A branch of ordinary size gets two years of records. A stress-test roster (thousands of
        # members: every branch-wide meeting is thousands of attendance rows) gets this month's only,
        # with at most two of its dossier votes at meetings.
        big = len(self.roster.members) > _FULL_HISTORY_LIMIT
        start = today.replace(day=1) if big else dt.date(today.year - 1, 1, 1)
        months = []
        m = start
        while m <= today:
            months.append(m)
            m = add_months(m, 1)

        # dossier votes in the period -> general meetings on their dates
        votes = self.session.execute(
            select(DossierVote.id, DossierVote.dossier_id, DossierVote.kind, DossierVote.meeting_date,
                   DossierVote.expected, DossierVote.present, DossierVote.yes, DossierVote.no,
                   DossierVote.abstain, DossierVote.written_yes, DossierVote.written_no,
                   DossierVote.written_abstain, DossierVote.written_before_meeting, DevelopmentDossier.name)
            .join(DevelopmentDossier, DevelopmentDossier.id == DossierVote.dossier_id)
            .where(DevelopmentDossier.branch_id == self.branch_id, DossierVote.meeting_date >= start,
                   DossierVote.meeting_date <= today)
            .order_by(DossierVote.meeting_date, DossierVote.id)
        ).all()  # fmt: skip
        by_date: dict[dt.date, list] = {}
        for v in votes:
            by_date.setdefault(v.meeting_date, []).append(v)
        if big:
            by_date = dict(sorted(by_date.items())[-2:])
        links = dict(self.session.execute(
            select(DevelopmentDossier.id, DevelopmentDossier.member_id).where(
                DevelopmentDossier.branch_id == self.branch_id, DevelopmentDossier.member_id.is_not(None))
        ).all())  # fmt: skip
        titles = {"admission": "讨论接收{}为预备党员", "conversion": "讨论{}预备党员转正",
                  "extension": "讨论延长{}的预备期", "cancellation": "讨论取消{}的预备党员资格"}  # fmt: skip
        quarters_held: set[tuple[int, int]] = set()
        for on, items in sorted(by_date.items()):
            agenda = [{"title": "传达学习上级精神"}]
            for v in items:
                agenda.append({
                    "title": titles[v.kind].format(v.name), "vote_kind": v.kind, "dossier_id": v.dossier_id,
                    "vote_id": v.id,
                    "decision": "经无记名投票表决，赞成票超过应到会有表决权党员的半数，同意。",
                    "vote": {"expected": v.expected, "present": v.present, "yes": v.yes, "no": v.no,
                             "abstain": v.abstain, "written_yes": v.written_yes, "written_no": v.written_no,
                             "written_abstain": v.written_abstain,
                             "written_before_meeting": v.written_before_meeting},
                })  # fmt: skip
            admitted = frozenset(
                links[v.dossier_id] for v in items if v.kind == "admission" and v.dossier_id in links
            )
            index = self.add(
                MeetingType.GENERAL, on, agenda=agenda, theme="讨论党员发展事项", exclude=admitted
            )
            self.vote_links.extend((v.id, index) for v in items)
            # the candidates being admitted attend as observers (列席), never on the attendance list
            for pos, v in enumerate(v for v in items if v.kind == "admission"):
                self.children.append((MeetingObserver.__table__, index, {
                    "position": pos, "name": v.name, "role": "发展对象", "dossier_id": v.dossier_id,
                }))  # fmt: skip
            quarters_held.add((on.year, (on.month - 1) // 3))

        # the committee's decisions in the dossiers (activists, candidates, committee reviews) -> its meetings
        decided: dict[dt.date, list[str]] = {}
        D = DevelopmentDossier
        for name, act, cand, review in self.session.execute(
            select(D.name, D.activist_date, D.candidate_date, D.committee_review_date).where(D.branch_id == self.branch_id)
        ):  # fmt: skip
            for day, what in (
                (act, "确定{}为入党积极分子"),
                (cand, "确定{}为发展对象"),
                (review, "审查发展对象{}"),
            ):
                if day is not None and start <= day <= today and day not in by_date:
                    decided.setdefault(day, []).append(what.format(name))
        committee_days = set()
        for on, matters in sorted(decided.items()):
            self.add(MeetingType.COMMITTEE, on, theme="研究党员发展工作",
                     agenda=[{"title": t, "decision": "同意。"} for t in matters])  # fmt: skip
            committee_days.add((on.year, on.month))

        secretary_lecture: set[int] = set()
        for month in months:
            y, mo = month.year, month.month
            quarter = (y, (mo - 1) // 3)
            # general meeting and lecture in the middle month of each quarter
            if mo % 3 == 2:
                on = _workday(dt.date(y, mo, rng.randint(8, 20)))
                if quarter not in quarters_held and on <= today:
                    self.add(MeetingType.GENERAL, on)
                    quarters_held.add(quarter)
                on = _workday(dt.date(y, mo, rng.randint(21, 27)))
                if on <= today:
                    lecturer = ""
                    if y not in secretary_lecture:
                        lecturer = self.post_holder(CommitteePost.SECRETARY.value, on)
                        secretary_lecture.add(y)
                    else:
                        lecturer = self.post_holder(
                            rng.choice((CommitteePost.ORGANISATION.value, CommitteePost.PROPAGANDA.value)), on
                        )
                    self.add(MeetingType.LECTURE, on, lecturer=lecturer)
            on = _workday(dt.date(y, mo, rng.randint(1, 6)))
            if on <= today and (y, mo) not in committee_days:
                self.add(MeetingType.COMMITTEE, on)
            on = _workday(dt.date(y, mo, 15))
            if on <= today:
                theme, place = _PARTY_DAYS[(y * 12 + mo) % len(_PARTY_DAYS)]
                self.add(MeetingType.PARTY_DAY, on, theme=theme, place=place)
            for i, group in enumerate(self.groups):
                on = _workday(dt.date(y, mo, 9 + i % 10))
                if on <= today:
                    self.add(MeetingType.GROUP, on, group=(group.id, group.name),
                             chair=self.leaders.get(group.id, ""), recorder="")  # fmt: skip
        # a quarter whose votes were all in another month still has its meeting; a quarter ended with none
        # (e.g. no vote and the middle month drawn after today) cannot happen: the middle month is past.

        # December last year: talks, organisational life meeting, appraisal
        last = today.year - 1
        if big:
            nxt = add_months(today.replace(day=1), 1)
            self.add(MeetingType.PARTY_DAY, _workday(nxt.replace(day=15)), planned=True, agenda=[])
            return self.write(operation)
        talks_on = _workday(dt.date(last, 11, 20))
        talk_index = self.add(MeetingType.TALKS, talks_on, theme="组织生活会前谈心谈话", agenda=[])
        committee = [
            s.name
            for s in self.seats
            if s.term_start <= talks_on and (s.ended_on is None or s.ended_on > talks_on)
        ]
        members = [a for a in self.roster.expected(talks_on, Audience.BRANCH) if a.name not in committee
                   and not ((since := self.lost.get(a.member_id)) is not None and since <= talks_on)]  # fmt: skip
        pairs = [(a, b) for i, a in enumerate(committee) for b in committee[i + 1 :]]
        # every member talks with a committee member (they share the members out)
        pairs += [(committee[i % len(committee)] if committee else "", m.name) for i, m in enumerate(members)]
        for pos, (a, b) in enumerate(p for p in pairs if p[0] and p[0] != p[1]):
            self.children.append((TalkPair.__table__, talk_index, {
                "position": pos, "first": a, "second": b, "date": talks_on + dt.timedelta(days=pos % 7),
                "summary": "交流思想，相互提出意见建议。", "first_member_id": None, "second_member_id": None,
            }))  # fmt: skip
        org = self.add(MeetingType.ORG_LIFE, _workday(dt.date(last, 12, 12)), theme="年度组织生活会")
        for pos, (problem, measure) in enumerate(_REMEDIATION):
            done = today >= dt.date(today.year, 6, 20)
            self.children.append((RemediationItem.__table__, org, {
                "position": pos, "problem": problem, "measure": measure,
                "owner": self.post_holder(CommitteePost.SECRETARY.value, dt.date(last, 12, 12)),
                "due": dt.date(today.year, 6, 30), "done_on": dt.date(today.year, 6, 20) if done else None,
                "evidence": _EVIDENCE[pos] if done else "",
            }))  # fmt: skip
        appraisal_on = _workday(dt.date(last, 12, 19))
        appraisal = self.add(MeetingType.APPRAISAL, appraisal_on, theme="年度民主评议党员")
        graded = []
        for a in self.roster.expected(appraisal_on, Audience.BRANCH):
            if not a.voter or ((since := self.lost.get(a.member_id)) is not None and since <= appraisal_on):
                continue  # probationary members take part without a grade; the lost are not graded
            graded.append((a, "优秀" if rng.random() < 0.15 else "合格"))
        # 民主测评: the full members present fill in a ballot on each graded member
        ballots = sum(1 for table, at, v in self.children
                      if table is MeetingAttendance.__table__ and at == appraisal and v["voter"]
                      and v["status"] == "present")  # fmt: skip
        for a, grade in graded:
            # a grade of 优秀 has most votes for 优秀 (drawn apart from `rng`, so that the rest of the demo
            # stays as it was)
            draw = random.Random(a.member_id)
            top = (
                round(ballots * draw.uniform(0.6, 0.9))
                if grade == "优秀"
                else round(ballots * draw.uniform(0.05, 0.3))
            )
            basic = draw.randint(0, 1) if grade == "合格" else 0
            self.children.append((AppraisalGrade.__table__, appraisal, {
                "member_id": a.member_id, "name": a.name, "grade": grade, "note": "",
                "votes_excellent": top, "votes_qualified": ballots - top - basic, "votes_basic": basic,
                "votes_unqualified": 0,
            }))  # fmt: skip
        # next month's party day, planned ahead
        nxt = add_months(today.replace(day=1), 1)
        self.add(MeetingType.PARTY_DAY, _workday(nxt.replace(day=15)), planned=True, agenda=[])
        return self.write(operation)

    def write(self, operation: str) -> int:
        connection = self.session.connection()
        ids = insert_returning_ids(connection, Meeting.__table__, self.meetings, what="会议记录")
        grouped: dict[Any, list[dict]] = {}
        for table, index, values in self.children:
            values["meeting_id"] = ids[index]
            grouped.setdefault(table, []).append(values)
        counts = {}
        for table, rows in grouped.items():
            executemany(connection, table, rows)
            counts[table.name] = len(rows)
        for vote_id, counts in self.vote_updates:
            self.session.execute(update(DossierVote).where(DossierVote.id == vote_id).values(**counts))
        if self.vote_links:
            for vote_id, index in self.vote_links:
                self.session.execute(
                    update(DossierVote).where(DossierVote.id == vote_id).values(meeting_id=ids[index])
                )
        self.session.add(AuditEntry(
            user=self.user, operation=operation, action="insert", entity="meeting", entity_id=None,
            changes={"summary": [None, f"批量生成演示会议记录 {len(ids)} 份，出席记录 {counts.get('meeting_attendance', 0)} 条，"
                                       f"议程 {counts.get('agenda_item', 0)} 项"]},
        ))  # fmt: skip
        return len(ids)


def user_or(user: str) -> str:
    return user or "演示"


_SAYINGS = (
    "结合本职工作谈了学习体会，表示要把学习成果转化为推动工作的实际成效。",
    "联系思想实际，查找了自身在理论学习上的不足，提出了改进措施。",
    "就支部如何更好联系服务师生提出了建议。",
    "谈了参加志愿服务的体会，表示要在岗位上发挥先锋模范作用。",
    "对照党章党规，谈了对加强党性修养的认识。",
    "建议支部进一步丰富主题党日的形式和内容。",
)


def _speeches(
    type_: MeetingType, index: int, present: list[str], chair: str, lecturer: str, theme: str
) -> str:
    """发言 per speaker ("张三：…"), or a party lecture's outline (党课提纲). A generator of its own
    (seeded by the record's position) so that the demo's other draws stay as they were."""
    import random

    rng = random.Random(index * 7919 + 17)
    if type_ is MeetingType.LECTURE:
        return (f"党课提纲（授课人：{lecturer or chair}，题目：{theme}）\n"
                "一、学习背景和重要意义\n二、主要内容和精神实质\n三、结合支部实际抓好贯彻落实\n"
                "四、交流讨论：与会党员结合学习内容谈了体会。")  # fmt: skip
    speakers = [n for n in present if n != chair]
    if not speakers:
        return "与会党员结合实际逐一发言，交流学习体会。"
    chosen = rng.sample(speakers, min(3, len(speakers)))
    lines = [f"{name}：{rng.choice(_SAYINGS)}" for name in chosen]
    return "\n".join(
        [*lines, f"{chair}：对大家的发言作了点评，并对下一步工作提出了要求。"] if chair else lines
    )


def _sealed_at(on: dt.date, today: dt.date) -> dt.datetime:
    day = min(on + dt.timedelta(days=2), today)
    return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)
