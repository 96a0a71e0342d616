"""Rows of the development tables <-> ``domain.development.Dossier`` snapshots, in one place.

``dossier_values(d)`` and ``child_rows(d)`` give the column values a snapshot is stored as;
``load(session, condition)`` reads every dossier matching a condition on the ``dossier`` table with
one Core SELECT per table (rows grouped by dossier id in Python, never ORM lazy loads), so that
thousands of dossiers are built with a dozen queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.models_development import (
    DevelopmentDossier,
    DossierAssessment,
    DossierChecklistItem,
    DossierContact,
    DossierExtension,
    DossierFiling,
    DossierSponsor,
    DossierTalk,
    DossierThoughtReport,
    DossierVote,
)
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
from branchdesk.domain.vocab import Labeled
from branchdesk.domain.votes import Vote

__all__ = [
    "CHILD_TABLES",
    "VOTE_KINDS",
    "Loaded",
    "VoteKey",
    "child_rows",
    "dossier_values",
    "load",
    "vote_rows",
]

#: Kinds of ``dossier_vote`` rows and the dossier field each one belongs to.
VOTE_KINDS: dict[str, str] = {
    "admission": "admission_vote",
    "conversion": "conversion_vote",
    "cancellation": "outcome_vote",
    "extension": "extensions",
}

VoteKey = tuple[str, int]  # (kind, ordinal)

# Scalar dossier fields stored as a column of the same name.
_SAME = (
    "application_date", "activist_date", "candidate_date", "sponsors_date", "committee_review_date",
    "volunteer_form_number", "volunteer_form_date", "admission_meeting_date", "assignment_date",
    "oath_date", "join_date", "conversion_application_date", "conversion_meeting_date",
    "full_member_date", "archive_date", "rejected_on", "transferred_in_date", "outcome_date",
    "outcome_reason",
)  # fmt: skip
_ENUMS: dict[str, type[Labeled]] = {
    "activist_recommendation": Recommendation,
    "activist_decided_by": DecisionBody,
    "candidate_decided_by": DecisionBody,
    "outcome": Outcome,
}


def _code(value: Labeled | None) -> str:
    return "" if value is None else value.value


def dossier_values(d: Dossier) -> dict[str, Any]:
    """Column values of the ``dossier`` row (person and single-valued steps; no ids, no pinyin)."""
    values: dict[str, Any] = {name: getattr(d, name) for name in _SAME}
    for name in _ENUMS:
        values[name] = _code(getattr(d, name))
    p = d.person
    values.update(name=p.name, birth_date=p.birth_date, id_number=p.id_number)
    values["activist_publicity_start"] = d.activist_publicity.start if d.activist_publicity else None
    values["activist_publicity_end"] = d.activist_publicity.end if d.activist_publicity else None
    values["publicity_start"] = d.publicity.start if d.publicity else None
    values["publicity_end"] = d.publicity.end if d.publicity else None
    review = d.political_review
    values["political_review_date"] = review.date if review else None
    values["political_review_passed"] = review.passed if review else True
    values["political_review_conclusion"] = review.conclusion if review else ""
    t = d.training
    values["training_start"] = t.start if t else None
    values["training_end"] = t.end if t else None
    values["training_days"] = t.days if t else None
    values["training_hours"] = t.hours if t else None
    values["training_certificate"] = t.certificate if t else ""
    values["pre_review_date"] = d.pre_review.date if d.pre_review else None
    values["pre_review_passed"] = d.pre_review.passed if d.pre_review else True
    values["approval_date"] = d.approval.date if d.approval else None
    values["approval_extension_reason"] = d.approval.extension_reason if d.approval else ""
    ca = d.conversion_approval
    values["conversion_approval_date"] = ca.date if ca else None
    values["conversion_approval_extension_reason"] = ca.extension_reason if ca else ""
    return values


def _vote_values(vote: Vote, meeting: dt.date | None) -> dict[str, Any]:
    return {
        "meeting_date": meeting,
        "expected": vote.expected,
        "present": vote.present,
        "yes": vote.yes,
        "no": vote.no,
        "abstain": vote.abstain,
        "written_yes": vote.written_yes,
        "written_no": vote.written_no,
        "written_abstain": vote.written_abstain,
        "written_before_meeting": vote.written_before_meeting,
    }


def vote_rows(d: Dossier) -> dict[VoteKey, dict[str, Any]]:
    """The dossier's votes keyed by (kind, ordinal), with their column values."""
    out: dict[VoteKey, dict[str, Any]] = {}
    if d.admission_vote is not None:
        out["admission", 0] = _vote_values(d.admission_vote, d.admission_meeting_date)
    if d.conversion_vote is not None:
        out["conversion", 0] = _vote_values(d.conversion_vote, d.conversion_meeting_date)
    if d.outcome_vote is not None:
        out["cancellation", 0] = _vote_values(d.outcome_vote, d.outcome_date)
    for i, e in enumerate(d.extensions):
        if e.vote is not None:
            out["extension", i] = _vote_values(e.vote, e.date)
    return out


def child_rows(d: Dossier) -> dict[type, list[dict[str, Any]]]:
    """Rows of each collection table (without ``dossier_id``), in the snapshot's order.

    Votes are not included (see :func:`vote_rows`: they are kept by key so that their excluded
    voters survive a save that does not change them).
    """
    return {
        DossierTalk: [
            {"position": i, "kind": t.kind.value, "date": t.date, "interviewers": list(t.interviewers),
             "place": t.place, "summary": t.summary}
            for i, t in enumerate(d.talks)
        ],
        DossierFiling: [
            {"position": i, "kind": f.kind.value, "date": f.date, "recipient": f.to, "number": f.number}
            for i, f in enumerate(d.filings)
        ],
        DossierContact: [
            {"position": i, "name": c.name, "full_member": c.full_member, "assigned_on": c.assigned_on,
             "member_id": c.member_id}
            for i, c in enumerate(d.contacts)
        ],
        DossierAssessment: [
            {"position": i, "date": a.date, "opinion": a.opinion} for i, a in enumerate(d.assessments)
        ],
        DossierThoughtReport: [
            {"position": i, "date": r.date, "title": r.title} for i, r in enumerate(d.thought_reports)
        ],
        DossierSponsor: [
            {"position": i, "name": s.name, "full_member": s.full_member, "under_watch": s.under_watch,
             "member_id": s.member_id}
            for i, s in enumerate(d.sponsors)
        ],
        DossierExtension: [
            {"position": i, "date": e.date, "months": e.months, "reason": e.reason}
            for i, e in enumerate(d.extensions)
        ],
        DossierChecklistItem: [{"item": item.value} for item in sorted(d.checklist)],
    }  # fmt: skip


#: Collection tables written by :func:`child_rows` (votes apart).
CHILD_TABLES: tuple[type, ...] = (
    DossierTalk,
    DossierFiling,
    DossierContact,
    DossierAssessment,
    DossierThoughtReport,
    DossierSponsor,
    DossierExtension,
    DossierChecklistItem,
)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Loaded:
    """A dossier as read, with what the snapshot does not carry."""

    dossier: Dossier
    member_id: int | None
    sex: str
    branch_id: int


def _grouped(session: Session, table, columns: Iterable, ids_select, order) -> dict[int, list]:
    out: dict[int, list] = {}
    stmt = select(table.c.dossier_id, *columns).where(table.c.dossier_id.in_(ids_select)).order_by(*order)
    for row in session.execute(stmt):
        bucket = out.get(row[0])
        if bucket is None:
            bucket = out[row[0]] = []
        bucket.append(row)
    return out


def _enum(cls: type[Labeled], cache: dict[str, Any]):
    def convert(code: str):
        if not code:
            return None
        value = cache.get(code)
        if value is None:
            value = cache[code] = cls(code)
        return value

    return convert


def load(session: Session, condition, *, order_by=None) -> list[Loaded]:
    """Every dossier whose ``dossier`` row matches ``condition``, built with one SELECT per table."""
    D = DevelopmentDossier.__table__
    ids_select = select(D.c.id).where(condition)
    rows = session.execute(
        select(D).where(condition).order_by(*(order_by if order_by is not None else (D.c.id,)))
    ).all()
    if not rows:
        return []
    ids = ids_select

    def t(model):
        return model.__table__

    talks = _grouped(session, t(DossierTalk), [t(DossierTalk).c[k] for k in
                     ("kind", "date", "interviewers", "place", "summary")], ids,
                     (t(DossierTalk).c.dossier_id, t(DossierTalk).c.position, t(DossierTalk).c.id))  # fmt: skip
    filings = _grouped(session, t(DossierFiling), [t(DossierFiling).c[k] for k in
                       ("kind", "date", "recipient", "number")], ids,
                       (t(DossierFiling).c.dossier_id, t(DossierFiling).c.position, t(DossierFiling).c.id))  # fmt: skip
    contacts = _grouped(session, t(DossierContact), [t(DossierContact).c[k] for k in
                        ("name", "full_member", "assigned_on", "member_id")], ids,
                        (t(DossierContact).c.dossier_id, t(DossierContact).c.position, t(DossierContact).c.id))  # fmt: skip
    A = t(DossierAssessment)
    assessments = _grouped(session, A, [A.c.date, A.c.opinion], ids, (A.c.dossier_id, A.c.position, A.c.id))
    R = t(DossierThoughtReport)
    reports = _grouped(session, R, [R.c.date, R.c.title], ids, (R.c.dossier_id, R.c.position, R.c.id))
    S = t(DossierSponsor)
    sponsors = _grouped(session, S, [S.c.name, S.c.full_member, S.c.under_watch, S.c.member_id], ids,
                        (S.c.dossier_id, S.c.position, S.c.id))  # fmt: skip
    E = t(DossierExtension)
    extensions = _grouped(session, E, [E.c.date, E.c.months, E.c.reason], ids,
                          (E.c.dossier_id, E.c.position, E.c.id))  # fmt: skip
    C = t(DossierChecklistItem)
    checklist = _grouped(session, C, [C.c.item], ids, (C.c.dossier_id,))
    V = t(DossierVote)
    votes = _grouped(session, V, [V.c.kind, V.c.ordinal, V.c.expected, V.c.present, V.c.yes, V.c.no,
                     V.c.abstain, V.c.written_yes, V.c.written_no, V.c.written_abstain,
                     V.c.written_before_meeting], ids, (V.c.dossier_id, V.c.kind, V.c.ordinal))  # fmt: skip

    talk_kind = _enum(TalkKind, {})
    filing_kind = _enum(FilingKind, {})
    enum_of = {name: _enum(cls, {}) for name, cls in _ENUMS.items()}
    items: dict[str, DossierItem] = {}
    empty: list = []
    out: list[Loaded] = []
    for r in rows:
        did = r.id
        vote_of: dict[VoteKey, Vote] = {}
        for v in votes.get(did, empty):
            vote_of[v.kind, v.ordinal] = Vote(
                v.expected, v.present, v.yes, v.no, v.abstain, v.written_yes, v.written_no,
                v.written_abstain, bool(v.written_before_meeting),
            )  # fmt: skip
        values: dict[str, Any] = {name: getattr(r, name) for name in _SAME}
        for name, convert in enum_of.items():
            values[name] = convert(getattr(r, name))
        if r.activist_publicity_start is not None and r.activist_publicity_end is not None:
            values["activist_publicity"] = Period(r.activist_publicity_start, r.activist_publicity_end)
        if r.publicity_start is not None and r.publicity_end is not None:
            values["publicity"] = Period(r.publicity_start, r.publicity_end)
        if r.political_review_date is not None:
            values["political_review"] = PoliticalReview(
                r.political_review_date, bool(r.political_review_passed), r.political_review_conclusion
            )
        if r.training_start is not None and r.training_end is not None:
            values["training"] = Training(
                r.training_start, r.training_end, r.training_days, r.training_hours, r.training_certificate
            )
        if r.pre_review_date is not None:
            values["pre_review"] = PreReview(r.pre_review_date, bool(r.pre_review_passed))
        if r.approval_date is not None:
            values["approval"] = Approval(r.approval_date, r.approval_extension_reason)
        if r.conversion_approval_date is not None:
            values["conversion_approval"] = Approval(
                r.conversion_approval_date, r.conversion_approval_extension_reason
            )
        if did in talks:
            values["talks"] = tuple(
                Talk(talk_kind(x.kind), x.date, tuple(x.interviewers or ()), x.place, x.summary)
                for x in talks[did]
            )
        if did in filings:
            values["filings"] = tuple(
                Filing(filing_kind(x.kind), x.date, x.recipient, x.number) for x in filings[did]
            )
        if did in contacts:
            values["contacts"] = tuple(
                ContactPerson(x.name, bool(x.full_member), x.assigned_on, x.member_id) for x in contacts[did]
            )
        if did in assessments:
            values["assessments"] = tuple(Assessment(x.date, x.opinion) for x in assessments[did])
        if did in reports:
            values["thought_reports"] = tuple(ThoughtReport(x.date, x.title) for x in reports[did])
        if did in sponsors:
            values["sponsors"] = tuple(
                Sponsor(x.name, bool(x.full_member), bool(x.under_watch), x.member_id) for x in sponsors[did]
            )
        if did in extensions:
            values["extensions"] = tuple(
                Extension(x.date, x.months, vote_of.get(("extension", i)), x.reason)
                for i, x in enumerate(extensions[did])
            )
        if did in checklist:
            found = []
            for x in checklist[did]:
                item = items.get(x.item)
                if item is None:
                    item = items[x.item] = DossierItem(x.item)
                found.append(item)
            values["checklist"] = frozenset(found)
        if vote_of:
            values["admission_vote"] = vote_of.get(("admission", 0))
            values["conversion_vote"] = vote_of.get(("conversion", 0))
            values["outcome_vote"] = vote_of.get(("cancellation", 0))
        dossier = Dossier(id=did, person=Person(r.name, r.birth_date, r.id_number), **values)
        out.append(Loaded(dossier, r.member_id, r.sex, r.branch_id))
    return out
