"""Demo development dossiers (发展党员档案) for `branchdesk demo`: every stage, every one rules-valid.

:func:`demo_dossiers` builds, from the demo roster:

* one dossier per PROBATIONARY member on the roster (at most 100) (admitted at their 入党日期; approval, oath …
  as far as today allows) and per full member CONVERTED within the last year (at most 30) (the whole history up
  to archiving; a roster member whose probation was extended gets the extension) — these are linked
  to the member (:func:`member_links`);
* people on their way who are not members yet: applicants (some with the talk still due, one
  overdue), activists (assessed every half year), development candidates (publicity, sponsors,
  political review, training … as far as today allows), one probationary member whose probation
  was extended by six months (not on the roster: the roster generator has no one in an extended
  probation), and one applicant who withdrew.

Contact persons, sponsors and the first talk's interviewers are the demo's full members by name
(full members on the date they were designated); the higher committee's talks are held by its
组织员. Every dossier is audited with the DEV-* rules as of ``today`` and has no blocking finding
(a draw that would have one is drawn again); warnings — a talk or assessment overdue, a filing not
yet recorded — are left in on purpose so that the to-do list has something to show.

Same ``seed`` (or the same state of ``rng``), ``today`` and members → the same dossiers.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from branchdesk.domain.dates import add_months, add_working_days, add_years
from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    Dossier,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Period,
    Person,
    PoliticalReview,
    PreReview,
    Recommendation,
    Sponsor,
    Talk,
    TalkKind,
    ThoughtReport,
    Training,
)
from branchdesk.domain.votes import Vote

__all__ = ["RosterMember", "demo_dossiers", "insert_demo_dossiers", "member_links"]

_DAY = dt.timedelta(days=1)
#: At most this many dossiers of roster members (a 10,000-member stress demo stays quick to generate).
_MAX_LINKED = {"probationary": 100, "converted": 60}
_REGIONS = (
    "350102",
    "350104",
    "350121",
    "350181",
    "350203",
    "350503",
    "350602",
    "350802",
    "360102",
    "440106",
)
_OPINIONS = (
    "政治立场坚定，学习认真，积极参加支部组织的各项活动。",
    "入党动机端正，能主动向党组织汇报思想，工作学习表现良好。",
    "理论学习较扎实，团结同学，乐于助人，在志愿服务中表现突出。",
    "思想上积极要求进步，业务能力强，但理论学习还需加强。",
)
_WITHDRAW_REASON = "本人出国留学，主动申请撤回入党申请书，待回国后再向党组织提出申请。"
_EXTENSION_REASON = "预备期间理论学习不够深入，参加组织生活不够经常，经支部大会讨论延长预备期六个月继续考察。"


@dataclass(frozen=True)
class RosterMember:
    """What the demo knows of a member on its roster (``services.demo`` builds these from its rows)."""

    member_id: int | None
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str
    member_type: str  # MemberType value: "full" / "probationary"
    join_date: dt.date | None
    conversion_date: dt.date | None
    sponsors: str = ""  # "张华、刘芳" as on the roster
    active: bool = True
    since: dt.date | None = None  # in this branch from (transfer in), None = from joining
    lost_since: dt.date | None = None  # lost contact from (never a contact person or sponsor then)


def member_links(dossiers: Sequence[Dossier], members: Sequence[RosterMember]) -> list[int | None]:
    """The member id of each dossier's person (matched by citizen ID number), or None."""
    by_number = {m.id_number: m.member_id for m in members if m.id_number}
    return [by_number.get(d.person.id_number) if d.person.id_number else None for d in dossiers]


class _Builder:
    def __init__(self, rng: random.Random, today: dt.date, members: Sequence[RosterMember],
                 interviewers: Sequence[str], organiser: str):  # fmt: skip
        self.rng, self.today = rng, today
        full = [
            m for m in members if m.active and m.conversion_date is not None and m.conversion_date <= today
        ]
        full.sort(key=lambda m: m.conversion_date)
        self.full = full
        self.full_dates = [m.conversion_date for m in full]
        self.converted = {m.member_id: m.conversion_date for m in full if m.member_id is not None}
        self.since = {m.member_id: m.since for m in full if m.member_id is not None and m.since is not None}
        self.lost = {
            m.member_id: m.lost_since for m in full if m.member_id is not None and m.lost_since is not None
        }
        self.interviewers = list(interviewers) or [m.name for m in full[-3:]]
        self.organiser = organiser
        self.used_ids = {m.id_number for m in members if m.id_number}
        self.by_name: dict[str, int | None] = {}
        for m in members:
            self.by_name[m.name] = None if m.name in self.by_name else m.member_id  # ambiguous → None

    def eligible(self, member_id: int | None, on: dt.date) -> bool:
        """A full member of THIS branch on ``on`` (converted before it, transferred in before it)."""
        c = self.converted.get(member_id)
        since, lost = self.since.get(member_id), self.lost.get(member_id)
        return c is not None and c < on and (since is None or since < on) and (lost is None or lost > on)

    # ---- draws ------------------------------------------------------------------------------
    def days(self, lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=self.rng.randint(lo, hi))

    def workday(self, d: dt.date) -> dt.date:
        """``d`` or the next working day (meetings and decisions are held on working days)."""
        return add_working_days(d - _DAY, 1)

    def full_members_on(self, on: dt.date, count: int, exclude: str) -> list[tuple[str, int | None]]:
        """``count`` distinct full members on ``on`` (name, member id); invented names if too few."""
        n = bisect.bisect_left(self.full_dates, on)
        pool = [m for m in self.full[:n] if (m.since is None or m.since < on)
                and (m.lost_since is None or m.lost_since > on)]  # in the branch and in contact that day  # fmt: skip
        chosen: list[tuple[str, int | None]] = []
        for _ in range(20 if pool else 0):
            m = self.rng.choice(pool)
            if m.name != exclude and m.name not in [c[0] for c in chosen]:
                chosen.append((m.name, m.member_id))
                if len(chosen) == count:
                    break
        while len(chosen) < count:
            chosen.append((("张建华", "刘文静", "陈立新")[len(chosen)], None))
        return chosen

    def voters_on(self, on: dt.date) -> int:
        return max(bisect.bisect_left(self.full_dates, on), 5)

    def vote(self, on: dt.date) -> Vote:
        expected = self.voters_on(on)
        rng = self.rng
        present = max(expected - rng.randint(0, max(expected // 6, 1)), expected // 2 + 1)
        against = rng.choice((0, 0, 0, 1)) if present > expected // 2 + 3 else 0
        abstain = rng.choice((0, 0, 1)) if present > expected // 2 + 4 else 0
        return Vote(expected, present, present - against - abstain, against, abstain)

    def new_person(self, age_at: dt.date, ages: tuple[int, int], sex: str = "") -> Person:
        from branchdesk.domain.citizen_id import make_citizen_id
        from branchdesk.services.names import NameGenerator

        rng = self.rng
        sex = sex or rng.choice("男女")
        oldest = add_years(age_at, -ages[1])
        youngest = add_years(age_at, -ages[0]) - self.days(30, 60)
        birth = dt.date.fromordinal(rng.randint(oldest.toordinal(), youngest.toordinal()))
        while True:
            number = make_citizen_id(rng.choice(_REGIONS), birth, rng.randrange(500), sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                break
        return Person(NameGenerator(rng).name(sex), birth, number)

    # ---- one history --------------------------------------------------------------------------
    def history(
        self,
        person: Person,
        *,
        application: dt.date,
        activist: dt.date | None = None,
        candidate: dt.date | None = None,
        meeting: dt.date | None = None,
        extension_months: int = 0,
        sponsors: Sequence[tuple[str, int | None]] = (),
        clamp_conversion: bool = False,
    ) -> Dossier:
        """The dossier of a person whose anchor dates are given, with every step in between, cut at today.

        Later anchors may be None (the person has not got there). ``clamp_conversion``: the roster says
        the person is a full member, so the conversion meeting and approval are not left in the future.
        """
        rng, today = self.rng, self.today

        def done(d: dt.date | None) -> dt.date | None:
            return d if d is not None and d <= today else None

        v: dict[str, Any] = {"person": person, "application_date": application}
        talk = application + self.days(4, 24)
        talks = []
        if done(talk):
            talks.append(Talk(TalkKind.FIRST, talk, (rng.choice(self.interviewers),), "党员活动室",
                              "了解入党动机和对党的认识，提出努力方向。"))  # fmt: skip
        filings = []
        if activist is not None and done(activist):
            v.update(activist_date=activist, activist_decided_by=DecisionBody.COMMITTEE,
                     activist_recommendation=rng.choice((Recommendation.MEMBERS, Recommendation.MASS_ORGANISATION)))  # fmt: skip
            if done(f := activist + self.days(3, 15)):
                filings.append(Filing(FilingKind.ACTIVIST, f))
            assigned = activist + self.days(0, 5)
            if done(assigned):
                # the sponsors-to-be when they are branch members, else other full members of the branch
                people = [s for s in sponsors if self.eligible(s[1], assigned)][:2]
                for extra in self.full_members_on(assigned, 2, person.name):
                    if len(people) < 2 and extra[0] not in [p[0] for p in people]:
                        people.append(extra)
                v["contacts"] = tuple(ContactPerson(n, True, assigned, i) for n, i in people[:2])
            end = min(today, candidate or today)
            assessments, last = [], activist
            while True:
                nxt = add_months(last, 6) - self.days(0, 14)
                if nxt > end:
                    break
                assessments.append(Assessment(nxt, rng.choice(_OPINIONS)))
                last = nxt
            v["assessments"] = tuple(assessments)
            stop = min(today, meeting or today)
            reports = []
            k = 1
            while (r := add_months(activist, 3 * k) - self.days(0, 10)) <= stop:
                reports.append(ThoughtReport(r, "思想汇报"))
                k += 1
            v["thought_reports"] = tuple(reports)

        if candidate is not None and done(candidate):
            v.update(candidate_date=candidate, candidate_decided_by=DecisionBody.COMMITTEE)
            start = add_working_days(candidate, 1)
            end = add_working_days(start, 4)
            planned_meeting = meeting or candidate + self.days(75, 110)
            if done(end):
                v["publicity"] = Period(start, end)
            if done(f := end + self.days(2, 8)):
                filings.append(Filing(FilingKind.CANDIDATE, f))
            sponsors_on = self.workday(end + self.days(1, 3))
            if done(sponsors_on):
                people = [s for s in sponsors if self.eligible(s[1], sponsors_on)][:2]
                for extra in self.full_members_on(sponsors_on, 2, person.name):
                    if len(people) < 2 and extra[0] not in [p[0] for p in people]:
                        people.append(extra)
                v["sponsors"] = tuple(Sponsor(n, True, False, i) for n, i in people[:2])
                v["sponsors_date"] = sponsors_on
            review = sponsors_on + self.days(3, 10)
            if done(review):
                v["political_review"] = PoliticalReview(
                    review, True, "经函调和本人所在单位审查，政治审查合格。"
                )
            t_start = self.workday(review + self.days(1, 6))
            t_days = rng.choice((3, 3, 5))
            t_end = t_start + dt.timedelta(days=t_days - 1)
            if done(t_end):
                v["training"] = Training(t_start, t_end, t_days, 8 * t_days,
                                         f"示大信党校结〔{t_end.year}〕{rng.randint(10, 99)}号")  # fmt: skip
            committee = self.workday(t_end + self.days(2, 6))
            pre = self.workday(max(committee + self.days(2, 5), planned_meeting - self.days(20, 28)))
            form = min(pre + self.days(1, 4), planned_meeting - _DAY)
            if done(committee) and committee < planned_meeting:
                v["committee_review_date"] = committee
            if done(pre) and pre < planned_meeting:
                v["pre_review"] = PreReview(pre, True)
            if done(form) and pre < form:
                v["volunteer_form_number"] = f"{form.year}{rng.randint(1000, 9999)}"
                v["volunteer_form_date"] = form

        if meeting is not None and done(meeting):
            v.update(admission_meeting_date=meeting, admission_vote=self.vote(meeting), join_date=meeting)
            higher = meeting + self.days(5, 18)
            approval = higher + self.days(3, 40)
            if done(higher):
                talks.append(Talk(TalkKind.HIGHER, higher, (self.organiser,), "学院党委会议室"))
            if done(approval):
                v["approval"] = Approval(approval)
                if done(f := approval + self.days(3, 14)):
                    filings.append(Filing(FilingKind.ADMISSION, f))
                if done(a := approval + self.days(0, 5)):
                    v["assignment_date"] = a
                if done(o := approval + self.days(2, 25)):
                    v["oath_date"] = o
            original_end = add_years(meeting, 1)
            end = add_months(original_end, extension_months)
            if extension_months and done(original_end):
                decided = self.workday(original_end)
                if done(decided):
                    v["extensions"] = (
                        Extension(decided, extension_months, self.vote(decided), _EXTENSION_REASON),
                    )
                    v["outcome"], v["outcome_date"] = Outcome.EXTENDED, decided
            application_on = end - self.days(5, 20)
            if done(application_on):
                v["conversion_application_date"] = application_on
            conv_meeting = self.workday(end + self.days(0, 12))
            if clamp_conversion:
                conv_meeting = max(min(conv_meeting, today), end)
            if done(conv_meeting):
                v.update(conversion_meeting_date=conv_meeting, conversion_vote=self.vote(conv_meeting))
                conv_approval = conv_meeting + self.days(10, 45)
                if clamp_conversion:
                    conv_approval = min(conv_approval, today)
                if done(conv_approval):
                    v.update(conversion_approval=Approval(conv_approval), full_member_date=end)
                    archive = conv_approval + self.days(1, 6)
                    if done(archive):
                        v.update(archive_date=archive, checklist=frozenset(DossierItem))
        if meeting is not None and done(meeting):
            # probationary members go on writing quarterly thought reports until the conversion meeting
            stop = min(today, v.get("conversion_meeting_date") or today)
            reports, k = list(v.get("thought_reports", ())), 1
            while (r := add_months(meeting, 3 * k) - self.days(0, 10)) <= stop:
                reports.append(ThoughtReport(r, "思想汇报（预备期）"))
                k += 1
            v["thought_reports"] = tuple(reports)
        v["talks"] = tuple(talks)
        v["filings"] = tuple(filings)
        return Dossier(**v)


def demo_dossiers(
    today: dt.date,
    rng: random.Random | int,
    members: Sequence[RosterMember],
    *,
    interviewers: Sequence[str] = (),
    organiser: str = "林文华",
    pipeline: int | None = None,
) -> list[Dossier]:
    """Demo dossiers as of ``today`` (see the module docstring). ``rng``: a Random or a seed.

    ``members``: the demo roster; ``interviewers``: names of the branch committee (who talk with
    applicants; default: three full members); ``organiser``: the higher committee's 组织员;
    ``pipeline``: how many applicants, activists and candidates (default: about an eighth of the
    roster, at least 12, at most 60). At most 100 probationary and 30 newly converted roster
    members get a dossier (all of them in a branch of ordinary size). Link the admitted ones with :func:`member_links`.
    """
    from branchdesk.domain.rules import RuleContext, audit

    rng = rng if isinstance(rng, random.Random) else random.Random(rng)
    b = _Builder(rng, today, members, interviewers, organiser)
    ctx = RuleContext(as_of=today, has_committee=True)
    out: list[Dossier] = []

    def valid(make) -> Dossier | None:
        for _ in range(6):
            d = make()
            if d is not None and not any(f.blocking for f in audit(d, ctx)):
                return d
        return None

    def backwards(m: RosterMember, extension: int, *, converted: bool) -> Dossier | None:
        meeting = m.join_date
        assert meeting is not None
        eighteen = add_years(m.birth_date, 18) if m.birth_date else None
        candidate = meeting - b.days(60, 100)
        activist = add_years(candidate, -1) - b.days(3, 60)
        application = activist - b.days(40, 150)
        if eighteen is not None and application < eighteen:
            application = eighteen + _DAY
            if application > activist - dt.timedelta(days=30):
                return None
        sponsors = [(n, b.by_name.get(n)) for n in m.sponsors.split("、") if n][:2]
        person = Person(m.name, m.birth_date, m.id_number)
        return b.history(person, application=application, activist=activist, candidate=candidate,
                         meeting=meeting, extension_months=extension, sponsors=sponsors,
                         clamp_conversion=converted)  # fmt: skip

    # admitted: the roster's probationary members and those converted since the demo's records begin
    # (1 January of last year): each conversion has its meeting in the minutes
    year_ago = dt.date(today.year - 1, 1, 1)
    taken = {"probationary": 0, "converted": 0}
    for m in members:
        if not m.active or m.join_date is None or not m.id_number:
            continue
        if m.member_type == "probationary":
            kind = "probationary"
        elif m.conversion_date is not None and year_ago <= m.conversion_date <= today:
            kind = "converted"
        else:
            continue
        if taken[kind] >= _MAX_LINKED[kind]:
            continue
        taken[kind] += 1
        if kind == "probationary":
            d = valid(lambda m=m: backwards(m, 0, converted=False))
        else:
            months = (
                (m.conversion_date.year - m.join_date.year) * 12 + m.conversion_date.month - m.join_date.month
            )
            extension = months - 12 if months - 12 in (6, 12) else 0
            d = valid(lambda m=m, e=extension: backwards(m, e, converted=True))
        if d is not None:
            out.append(d)

    # on their way: applicants, activists, candidates
    n = pipeline if pipeline is not None else min(max(len(members) // 8, 12), 60)
    n_applicants, n_candidates = max(n * 3 // 10, 2), max(n * 2 // 10, 2)
    n_activists = max(n - n_applicants - n_candidates, 2)

    def applicant(i: int) -> Dossier:
        application = today - (dt.timedelta(days=38) if i == 0 else b.days(3, 75))
        person = b.new_person(application, (18, 23))
        d = b.history(person, application=application)
        return replace(d, talks=()) if i == 0 else d  # one talk overdue, for the to-do list

    def activist(i: int) -> Dossier:
        on = b.workday(today - b.days(20, 360))
        application = on - b.days(60, 200)
        person = b.new_person(application, (18, 24), "男女"[i % 2])  # activists of both sexes
        return b.history(person, application=application, activist=on)

    def candidate(_: int) -> Dossier:
        on = b.workday(today - b.days(3, 70))
        act = b.workday(add_years(on, -1) - b.days(5, 90))
        application = act - b.days(50, 180)
        return b.history(
            b.new_person(application, (18, 26)), application=application, activist=act, candidate=on
        )

    for count, make in ((n_applicants, applicant), (n_activists, activist), (n_candidates, candidate)):
        for i in range(count):
            d = valid(lambda i=i, make=make: make(i))
            if d is not None:
                out.append(d)

    # one probation extended by six months (still probationary), one withdrawn application
    def extended() -> Dossier:
        meeting = b.workday(today - b.days(380, 470))
        candidate_on = b.workday(meeting - b.days(70, 100))
        act = b.workday(add_years(candidate_on, -1) - b.days(5, 40))
        application = act - b.days(60, 120)
        person = b.new_person(application, (19, 24))
        return b.history(person, application=application, activist=act, candidate=candidate_on, meeting=meeting,
                         extension_months=6)  # fmt: skip

    def withdrawn() -> Dossier:
        act = b.workday(today - b.days(200, 400))
        application = act - b.days(60, 150)
        d = b.history(b.new_person(application, (18, 22)), application=application, activist=act)
        left = min(today, (d.latest_date or act) + b.days(10, 60))
        return replace(d, outcome=Outcome.WITHDRAWN, outcome_date=left, outcome_reason=_WITHDRAW_REASON)

    # the extended probation is not on the roster (the roster generator has no one in an extended
    # probation): an admitted person missing from the roster would contradict it (CON-ROSTER-DOSSIER), so
    # the demo shows extensions only through roster members converted after one (see ``backwards``)
    del extended
    for make in (withdrawn,):
        d = valid(make)
        if d is not None:
            out.append(d)
    return out


def insert_demo_dossiers(session, *, branch_id: int, today: dt.date, rng: random.Random, user: str,
                         operation: str) -> int:  # fmt: skip
    """Build the demo dossiers from the roster just written in ``session`` and bulk-insert them there
    (``services.dev_bulk``, the same unit of work as the rest of the demo); returns how many."""
    from sqlalchemy import select

    from branchdesk.db.models import CommitteeMember, Member
    from branchdesk.services import dev_bulk

    rows = session.execute(
        select(Member.id, Member.name, Member.sex, Member.birth_date, Member.id_number, Member.member_type,
               Member.join_date, Member.conversion_date, Member.sponsors, Member.status, Member.transferred_in_date,
               Member.lost_contact_since)
        .where(Member.branch_id == branch_id)
        .order_by(Member.id)
    ).all()  # fmt: skip
    members = [
        RosterMember(
            r[0],
            r[1],
            r[2] or "",
            r[3],
            r[4] or "",
            r[5],
            r[6],
            r[7],
            r[8] or "",
            r[9] == "active",
            r[10],
            r[11],
        )
        for r in rows
    ]
    committee = session.scalars(
        select(Member.name)
        .join(CommitteeMember, CommitteeMember.member_id == Member.id)
        .where(CommitteeMember.branch_id == branch_id, CommitteeMember.ended_on.is_(None))
        .order_by(CommitteeMember.id)
    ).all()
    dossiers = demo_dossiers(today, rng, members, interviewers=committee[:3])
    links = member_links(dossiers, members)
    dev_bulk.insert_dossiers(
        session, list(zip(dossiers, links, strict=True)), branch_id=branch_id, user=user, operation=operation
    )
    return len(dossiers)
