"""Rows of the development tables <-> ``domain.development.Dossier`` snapshots, in one place.

``dossier_values(d)`` and ``child_rows(d)`` give the column values a snapshot is stored as;
``load(session, condition)`` reads every dossier matching a condition on the ``dossier`` table with
one Core SELECT per table (rows grouped by dossier id in Python, never ORM lazy loads), so that
thousands of dossiers are built with a dozen queries.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, fields
from typing import Any

from sqlalchemy import Date, func, select
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
from branchdesk.services.bulk import Interned, fetch_tuples

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
    "rejection": "rejection_vote",
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
    "outcome_reason", "expected_leave_date", "activist_date_precision",
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
    values.update(name=p.name, birth_date=p.birth_date, id_number=p.id_number,
                  birth_date_precision=p.birth_precision)  # fmt: skip
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
    a = d.approval
    values["approval_reported_on"] = a.reported_on if a else None
    values["approval_by"] = a.by if a else ""
    values["conversion_reported_on"] = ca.reported_on if ca else None
    values["conversion_approval_by"] = ca.by if ca else ""
    oa = d.outcome_approval
    values["outcome_approval_date"] = oa.date if oa else None
    values["outcome_approval_by"] = oa.by if oa else ""
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
    if d.rejection_vote is not None:
        out["rejection", 0] = _vote_values(d.rejection_vote, d.rejected_on)
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
             "member_id": c.member_id, "outside": c.outside}
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
             "member_id": s.member_id, "outside": s.outside}
            for i, s in enumerate(d.sponsors)
        ],
        DossierExtension: [
            {"position": i, "date": e.date, "months": e.months, "reason": e.reason,
             "approval_date": e.approval.date if e.approval else None,
             "approval_by": e.approval.by if e.approval else ""}
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


# Dossier columns read by ``load``, in this order (positions are used below).
_DOSSIER_COLUMNS = (
    "id", "member_id", "sex", "branch_id", "name", "birth_date", "id_number",
    "activist_publicity_start", "activist_publicity_end", "publicity_start", "publicity_end",
    "political_review_date", "political_review_passed", "political_review_conclusion",
    "training_start", "training_end", "training_days", "training_hours", "training_certificate",
    "pre_review_date", "pre_review_passed", "approval_date", "approval_extension_reason",
    "conversion_approval_date", "conversion_approval_extension_reason",
    "approval_reported_on", "approval_by", "conversion_reported_on", "conversion_approval_by",
    "outcome_approval_date", "outcome_approval_by",
    *_ENUMS, *_SAME, "birth_date_precision",
)  # fmt: skip
_BIRTH_PRECISION = _DOSSIER_COLUMNS.index("birth_date_precision")
_DATE_COLUMNS = frozenset(c.name for c in DevelopmentDossier.__table__.columns if isinstance(c.type, Date))


class _Dates(dict):
    """Column value -> ``date``: SQLite's driver hands back ISO text, PostgreSQL's a ``date``.

    Dates repeat a lot across thousands of dossiers, so each distinct value is parsed once; a look-up
    (``dates[value]``) is a plain dict access, ``__missing__`` runs only for a new value.
    """

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, value: Any) -> dt.date:
        parsed = value if isinstance(value, dt.date) else dt.date.fromisoformat(value[:10])
        self[value] = parsed
        return parsed


_fetch = fetch_tuples  # plain driver tuples (services.bulk)


def _grouped(connection, table, names: Iterable[str], ids_select, *, ordered: bool = True) -> dict[int, list]:
    """Rows of a child table (``dossier_id`` first, then ``names``) grouped by dossier id, in order."""
    columns = [table.c[name] for name in names]
    stmt = select(table.c.dossier_id, *columns).where(table.c.dossier_id.in_(ids_select))
    if ordered:
        # Collections are always written whole and in order (``position`` 0, 1, …, with ascending
        # ids), so id order is position order; ordering by the indexed (dossier_id, id) lets SQLite
        # walk the index instead of sorting ~100k rows.
        stmt = stmt.order_by(table.c.dossier_id, table.c.id)
    rows = _fetch(connection, stmt)
    if ordered:  # consecutive runs of one dossier id
        return {did: [row[1:] for row in run] for did, run in itertools.groupby(rows, _first)}
    out: dict[int, list] = {}
    for row in rows:
        bucket = out.get(row[0])
        if bucket is None:
            bucket = out[row[0]] = []
        bucket.append(row[1:])
    return out


_first = operator.itemgetter(0)


def _codes(cls: type[Labeled]) -> dict[str, Any]:
    """Code -> enum member, with "" -> None (a dict look-up is the cheapest conversion)."""
    table: dict[str, Any] = {member.value: member for member in cls}
    table[""] = None
    return table


#: Every field of a Dossier with its default, to build snapshots without running 45 setattr calls
#: of a frozen dataclass's __init__ per dossier (see ``_new_dossier``).
_DOSSIER_DEFAULTS: dict[str, Any] = {}
for _f in fields(Dossier):
    if _f.default is not MISSING:
        _DOSSIER_DEFAULTS[_f.name] = _f.default
    elif _f.default_factory is not MISSING:
        _DOSSIER_DEFAULTS[_f.name] = _f.default_factory()  # frozenset(): immutable, safe to share


def _new_dossier(values: dict[str, Any]) -> Dossier:
    """A Dossier with ``values`` (field -> value) and the defaults for the rest.

    Equivalent to ``Dossier(**values)`` (frozen, no ``__post_init__``), without the per-field
    ``object.__setattr__`` of a frozen dataclass's ``__init__``: 5,000 dossiers build in a few ms.
    """
    d = object.__new__(Dossier)
    state = dict(_DOSSIER_DEFAULTS)
    state.update(values)
    d.__dict__.update(state)
    return d


def load(session: Session, condition, *, order_by=None) -> list[Loaded]:
    """Every dossier whose ``dossier`` row matches ``condition``, built with one SELECT per table."""
    from branchdesk.services.bulk import collector_paused

    # ~100k small objects: the cyclic collector would run full collections that find nothing
    with collector_paused():
        return _load(session, condition, order_by)


def _load(session: Session, condition, order_by) -> list[Loaded]:
    D = DevelopmentDossier.__table__
    connection = session.connection()
    stmt = select(*(D.c[name] for name in _DOSSIER_COLUMNS)).where(condition)
    rows = _fetch(connection, stmt.order_by(*(order_by if order_by is not None else (D.c.id,))))
    if not rows:
        return []
    ids = select(D.c.id).where(condition)

    def table(model):
        return model.__table__

    talks = _grouped(
        connection, table(DossierTalk), ("kind", "date", "interviewers", "place", "summary"), ids
    )
    filings = _grouped(connection, table(DossierFiling), ("kind", "date", "recipient", "number"), ids)
    contacts = _grouped(
        connection, table(DossierContact), ("name", "full_member", "assigned_on", "member_id", "outside"), ids
    )
    assessments = _grouped(connection, table(DossierAssessment), ("date", "opinion"), ids)
    reports = _grouped(connection, table(DossierThoughtReport), ("date", "title"), ids)
    sponsors = _grouped(
        connection, table(DossierSponsor), ("name", "full_member", "under_watch", "member_id", "outside"), ids
    )
    extensions = _grouped(
        connection, table(DossierExtension), ("date", "months", "reason", "approval_date", "approval_by"), ids
    )
    C = table(DossierChecklistItem)
    # one row per dossier (the items joined by the database), not one per item
    checklist = dict(
        _fetch(
            connection,
            select(C.c.dossier_id, func.aggregate_strings(C.c.item, ","))
            .where(C.c.dossier_id.in_(ids))
            .group_by(C.c.dossier_id),
        )
    )
    votes = _grouped(
        connection,
        table(DossierVote),
        ("kind", "ordinal", "expected", "present", "yes", "no", "abstain", "written_yes", "written_no",
         "written_abstain", "written_before_meeting"),
        ids,
        ordered=False,
    )  # fmt: skip

    date = _Dates().__getitem__
    talk_kind = _codes(TalkKind)
    filing_kind = _codes(FilingKind)
    enums = [(_DOSSIER_COLUMNS.index(name), name, _codes(cls)) for name, cls in _ENUMS.items()]
    date_names = [name for name in _SAME if name in _DATE_COLUMNS]
    plain_names = [name for name in _SAME if name not in _DATE_COLUMNS]
    date_values = operator.itemgetter(*(_DOSSIER_COLUMNS.index(name) for name in date_names))
    plain_values = operator.itemgetter(*(_DOSSIER_COLUMNS.index(name) for name in plain_names))
    items = _codes(DossierItem)

    decoded = Interned(lambda raw: tuple(json.loads(raw))).__getitem__  # SQLite: JSON text, few distinct

    def interviewers(raw: Any) -> tuple[str, ...]:
        return decoded(raw) if isinstance(raw, str) else tuple(raw or ())

    talk_of = Interned(
        lambda x: Talk(talk_kind[x[0]], date(x[1]), interviewers(x[2]), x[3], x[4])
    ).__getitem__
    filing_of = Interned(lambda x: Filing(filing_kind[x[0]], date(x[1]), x[2], x[3])).__getitem__
    contact_of = Interned(lambda x: ContactPerson(x[0], bool(x[1]), date(x[2]), x[3], bool(x[4]))).__getitem__
    assessment_of = Interned(lambda x: Assessment(date(x[0]), x[1])).__getitem__
    report_of = Interned(lambda x: ThoughtReport(date(x[0]), x[1])).__getitem__
    sponsor_of = Interned(lambda x: Sponsor(x[0], bool(x[1]), bool(x[2]), x[3], bool(x[4]))).__getitem__
    out: list[Loaded] = []
    for r in rows:
        did = r[0]
        values: dict[str, Any] = dict(zip(plain_names, plain_values(r), strict=True))
        values.update(zip(date_names, map(date, date_values(r)), strict=True))
        for index, name, codes in enums:
            values[name] = codes[r[index]]
        if r[7] is not None and r[8] is not None:
            values["activist_publicity"] = Period(date(r[7]), date(r[8]))
        if r[9] is not None and r[10] is not None:
            values["publicity"] = Period(date(r[9]), date(r[10]))
        if r[11] is not None:
            values["political_review"] = PoliticalReview(date(r[11]), bool(r[12]), r[13])
        if r[14] is not None and r[15] is not None:
            values["training"] = Training(date(r[14]), date(r[15]), r[16], r[17], r[18])
        if r[19] is not None:
            values["pre_review"] = PreReview(date(r[19]), bool(r[20]))
        if r[21] is not None:
            values["approval"] = Approval(date(r[21]), r[22], date(r[25]), r[26] or "")
        if r[23] is not None:
            values["conversion_approval"] = Approval(date(r[23]), r[24], date(r[27]), r[28] or "")
        if r[29] is not None:
            values["outcome_approval"] = Approval(date(r[29]), "", None, r[30] or "")
        vote_of: dict[VoteKey, Vote] = {}
        for v in votes.get(did, ()):
            vote_of[v[0], v[1]] = Vote(v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], bool(v[10]))
        if did in talks:
            values["talks"] = tuple(map(talk_of, talks[did]))
        if did in filings:
            values["filings"] = tuple(map(filing_of, filings[did]))
        if did in contacts:
            values["contacts"] = tuple(map(contact_of, contacts[did]))
        if did in assessments:
            values["assessments"] = tuple(map(assessment_of, assessments[did]))
        if did in reports:
            values["thought_reports"] = tuple(map(report_of, reports[did]))
        if did in sponsors:
            values["sponsors"] = tuple(map(sponsor_of, sponsors[did]))
        if did in extensions:
            values["extensions"] = tuple(
                Extension(
                    date(x[0]),
                    x[1],
                    vote_of.get(("extension", i)),
                    x[2],
                    Approval(date(x[3]), "", None, x[4] or "") if x[3] is not None else None,
                )
                for i, x in enumerate(extensions[did])
            )
        if did in checklist:
            values["checklist"] = frozenset(items[code] for code in checklist[did].split(","))
        if vote_of:
            values["admission_vote"] = vote_of.get(("admission", 0))
            values["rejection_vote"] = vote_of.get(("rejection", 0))
            values["conversion_vote"] = vote_of.get(("conversion", 0))
            values["outcome_vote"] = vote_of.get(("cancellation", 0))
        values["id"] = did
        values["person"] = Person(r[4], date(r[5]), r[6], r[_BIRTH_PRECISION] or "day")
        out.append(Loaded(_new_dossier(values), r[1], r[2], r[3]))
    return out
