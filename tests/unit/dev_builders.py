"""Dossiers for the rule tests: one complete history that obeys every rule, and ways to bend it.

The story of 李明 (born 1995-05-01): application on 1 March 2023, talk within the month, activist
on 1 June 2023, assessed every half year, development candidate one year and two days later,
publicity over the 2024 Dragon Boat Festival (10 June is a holiday), admitted on 1 August 2024
by 11 of 16 voting members, approved, sworn in, converted on time on 1 August 2025, archived.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    Dossier,
    DossierItem,
    Filing,
    FilingKind,
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
from branchdesk.domain.rules import RuleContext
from branchdesk.domain.votes import Vote

TODAY = date(2026, 11, 23)


def ctx(as_of: date = TODAY, **kwargs) -> RuleContext:
    return RuleContext(as_of=as_of, **kwargs)


def applicant(application: date = date(2023, 3, 1), birth: date = date(1995, 5, 1)) -> Dossier:
    return Dossier(id=1, person=Person("李明", birth), application_date=application)


def complete() -> Dossier:
    """A full history from application to archive with no findings at all."""
    return Dossier(
        id=1,
        person=Person("李明", date(1995, 5, 1)),
        application_date=date(2023, 3, 1),
        talks=(
            Talk(TalkKind.FIRST, date(2023, 3, 20), ("王书记",), "党员活动室", "了解入党动机"),
            Talk(TalkKind.HIGHER, date(2024, 8, 20), ("组织员赵某",)),
        ),
        activist_date=date(2023, 6, 1),
        activist_recommendation=Recommendation.MEMBERS,
        activist_decided_by=DecisionBody.COMMITTEE,
        filings=(
            Filing(FilingKind.ACTIVIST, date(2023, 6, 10)),
            Filing(FilingKind.CANDIDATE, date(2024, 6, 14)),
            Filing(FilingKind.ADMISSION, date(2024, 9, 20)),
        ),
        contacts=(
            ContactPerson("张华", True, date(2023, 6, 5)),
            ContactPerson("刘芳", True, date(2023, 6, 5)),
        ),
        assessments=(Assessment(date(2023, 12, 1), "表现良好"), Assessment(date(2024, 5, 30), "表现良好")),
        thought_reports=(ThoughtReport(date(2023, 9, 1)), ThoughtReport(date(2023, 12, 1))),
        candidate_date=date(2024, 6, 3),
        candidate_decided_by=DecisionBody.COMMITTEE,
        publicity=Period(date(2024, 6, 4), date(2024, 6, 11)),
        sponsors=(Sponsor("张华"), Sponsor("刘芳")),
        sponsors_date=date(2024, 6, 15),
        political_review=PoliticalReview(date(2024, 7, 1), True, "政治审查合格"),
        training=Training(date(2024, 7, 8), date(2024, 7, 10), days=3, hours=24, certificate="结业证书"),
        committee_review_date=date(2024, 7, 15),
        pre_review=PreReview(date(2024, 7, 20), True),
        volunteer_form_number="2024-017",
        volunteer_form_date=date(2024, 7, 25),
        admission_meeting_date=date(2024, 8, 1),
        admission_vote=Vote(expected=16, present=12, yes=11, no=1),
        approval=Approval(date(2024, 9, 10)),
        assignment_date=date(2024, 9, 12),
        oath_date=date(2024, 9, 30),
        join_date=date(2024, 8, 1),
        conversion_application_date=date(2025, 7, 20),
        conversion_meeting_date=date(2025, 8, 1),
        conversion_vote=Vote(expected=17, present=15, yes=15),
        conversion_approval=Approval(date(2025, 9, 1)),
        full_member_date=date(2025, 8, 1),
        checklist=frozenset(DossierItem),
        archive_date=date(2025, 9, 5),
    )


def admitted(meeting: date = date(2024, 8, 1)) -> Dossier:
    """The complete story cut just after the admission meeting (no approval yet)."""
    d = complete()
    return replace(
        d,
        talks=d.talks[:1],
        filings=d.filings[:2],
        admission_meeting_date=meeting,
        approval=None,
        assignment_date=None,
        oath_date=None,
        join_date=None,
        conversion_application_date=None,
        conversion_meeting_date=None,
        conversion_vote=None,
        conversion_approval=None,
        full_member_date=None,
        checklist=frozenset(),
        archive_date=None,
    )


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def candidate_stage(activist: date = date(2023, 6, 1), candidate: date = date(2024, 6, 3)) -> Dossier:
    """The story cut just after the candidate was determined (publicity recorded, nothing later)."""
    d = complete()
    return replace(
        d,
        talks=d.talks[:1],
        filings=d.filings[:1],
        activist_date=activist,
        candidate_date=candidate,
        sponsors=(),
        sponsors_date=None,
        political_review=None,
        training=None,
        committee_review_date=None,
        pre_review=None,
        volunteer_form_number="",
        volunteer_form_date=None,
        admission_meeting_date=None,
        admission_vote=None,
        approval=None,
        assignment_date=None,
        oath_date=None,
        join_date=None,
        conversion_application_date=None,
        conversion_meeting_date=None,
        conversion_vote=None,
        conversion_approval=None,
        full_member_date=None,
        checklist=frozenset(),
        archive_date=None,
    )
