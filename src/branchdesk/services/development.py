"""The development workflow (发展党员, issue 3): dossiers, recording steps under the rules, audits.

Every mutation is one ``db.write(...)`` unit of work (one transaction, audited). Results are domain
snapshots (``domain.development.Dossier``) or small dataclasses, never ORM objects. The mapping of
rows to snapshots is ``services.dev_mapping``.

* ``record()`` is the live path: ``domain.rules.check_step`` decides; a blocking finding refuses the
  step (:class:`StepRefused`, nothing written); warnings need a reason per rule code
  (:class:`NeedsReason`), and the reasons given are stored as ``dossier_override`` rows.
* ``save()`` stores a whole snapshot WITHOUT rule checks (imports of past facts); ``check()`` judges
  every dossier with the same engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from branchdesk.db.models import AuditEntry, CommitteeMember, Member
from branchdesk.db.models_development import (
    DevelopmentDossier,
    DossierOverride,
    DossierVote,
    DossierVoteExclusion,
)
from branchdesk.domain.auth import Role
from branchdesk.domain.development import (
    Dossier,
    Extension,
    Outcome,
    Person,
    Stage,
    Standing,
    Step,
    apply_step,
)
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.rules import (
    DueItem,
    Finding,
    RuleContext,
    RuleSettings,
    audit_many,
    check_step,
    next_steps,
)
from branchdesk.domain.vocab import MemberStatus, MemberType
from branchdesk.domain.votes import Exclusion, ExclusionKind, VoterSnapshot, exclusion_of
from branchdesk.services import dev_bulk
from branchdesk.services import dev_mapping as mapping
from branchdesk.services.members import MEMBER_FILE, StatusChange
from branchdesk.services.scope import not_found, own, require

if TYPE_CHECKING:
    from branchdesk.services.members import MemberService
    from branchdesk.workspace import Workspace

__all__ = [
    "MANUAL_EXPECTED",
    "SETTING_PREFIX",
    "DevelopmentService",
    "DossierQuery",
    "DossierSummary",
    "NeedsReason",
    "NotFoundError",
    "Override",
    "RecordResult",
    "RosterProbationary",
    "StepRefused",
    "VoteExclusion",
    "keep_unrecorded",
    "setting_key",
]

#: what `NotFoundError` names for a dossier id that is not one of the branch's
DOSSIER = "发展党员档案"

#: Rule settings are kept as ``Setting`` rows named "rules.<RuleSettings field>".
SETTING_PREFIX = "rules."

#: Dossier fields holding a vote, and the ``dossier_vote.kind`` they are stored as.
VOTE_FIELDS: dict[str, str] = {
    "admission_vote": "admission",
    "rejection_vote": "rejection",
    "conversion_vote": "conversion",
    "outcome_vote": "cancellation",
}


def setting_key(name: str) -> str:
    """The ``Setting`` key of a ``RuleSettings`` field ("publicity_working_days" -> "rules.…")."""
    return SETTING_PREFIX + name


class StepRefused(Exception):
    """A blocking rule forbids the step; nothing was written. ``findings``: all the step's findings."""

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        super().__init__(str(self))

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def __str__(self) -> str:
        lines = "；".join(f"{f.message_zh}（{f.code}）" for f in self.blocking)
        return f"不能记录这一步：{lines}"


class NeedsReason(Exception):
    """Warnings need a recorded reason before the step is saved; nothing was written.

    ``findings``: the warnings; ``missing``: those whose rule code has no reason yet.
    """

    def __init__(self, findings: Sequence[Finding], missing: Sequence[Finding]):
        self.findings = list(findings)
        self.missing = list(missing)
        super().__init__(str(self))

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(f.code for f in self.missing))

    def __str__(self) -> str:
        lines = "；".join(f"{f.message_zh}（{f.code}）" for f in self.missing)
        return f"以下提醒需要填写理由后才能继续：{lines}"


@dataclass(frozen=True)
class DossierQuery:
    text: str = ""  # name, pinyin initials / full pinyin prefix, or digits of the ID number
    standings: frozenset[Standing] | None = None  # None: every standing
    stage: Stage | None = None
    include_closed: bool = True
    sort: str = "name"  # name / application_date / last_date / stage


@dataclass(frozen=True)
class DossierSummary:
    id: int
    name: str
    id_number: str
    standing: Standing
    stage: Stage | None
    last_step: Step | None
    last_date: dt.date | None
    member_id: int | None
    closed: bool
    sex: str = ""
    application_date: dt.date | None = None


@dataclass(frozen=True)
class RecordResult:
    dossier: Dossier
    findings: list[Finding]  # the warnings accepted with a reason (blocking ones never get here)


#: The name under which a vote calculator's manually typed 应到 is kept with its reason.
MANUAL_EXPECTED = "（应到人数手动填写）"


@dataclass(frozen=True)
class VoteExclusion:
    """A full member left out of 应到 for a vote: ``exclusion`` gives the kind (one of five) and the
    approval (the higher organisation's consent, the general meeting's decision); ``reason`` is a
    note (the kind's label when nothing else was written). A reason alone is refused."""

    name: str
    reason: str
    member_id: int | None = None
    exclusion: Exclusion | None = None

    @classmethod
    def of(cls, value: VoteExclusion | tuple[VoterSnapshot, Exclusion | str]) -> VoteExclusion:
        """Accept the vote calculator's ``(VoterSnapshot, Exclusion)`` pairs as well (a plain reason
        string there is kept as a note, and refused as an exclusion)."""
        if isinstance(value, VoteExclusion):
            return value
        voter, given = value
        if isinstance(given, Exclusion):
            return cls(voter.name, given.note or given.kind.label, voter.member_id, given)
        return cls(voter.name, given, voter.member_id)


@dataclass(frozen=True)
class Override:
    """A warning accepted with a reason when a step was recorded."""

    id: int
    dossier_id: int
    step: Step
    code: str
    message: str
    reason: str
    user: str
    at: dt.datetime


@dataclass(frozen=True)
class RosterProbationary:
    """A probationary member on the roster without a development dossier, with the conversion due."""

    member_id: int
    name: str
    join_date: dt.date
    due: DueItem


@dataclass
class _Context:
    settings: RuleSettings = field(default_factory=RuleSettings)
    has_committee: bool | None = None
    timeline: tuple = ()


class DevelopmentService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ================================================================== reading
    def _branch_condition(self, session: Session):
        return DevelopmentDossier.branch_id == self.ws.branch_id

    def all(self, *, include_closed: bool = True) -> list[Dossier]:
        """Every dossier of the current branch (a dozen queries however many there are)."""
        with self.ws.read() as session:
            loaded = mapping.load(session, self._branch_condition(session))
        dossiers = [x.dossier for x in loaded]
        return dossiers if include_closed else [d for d in dossiers if not d.closed]

    def all_of_branches(self, branch_ids: Sequence[int]) -> dict[int, list[Dossier]]:
        """:meth:`all` of several branches read at once (the check of every branch): branch id → dossiers."""
        out: dict[int, list[Dossier]] = {b: [] for b in branch_ids}
        if branch_ids:
            with self.ws.read() as session:
                for x in mapping.load(session, DevelopmentDossier.branch_id.in_(list(branch_ids))):
                    out[x.branch_id].append(x.dossier)
        return out

    def get(self, dossier_id: int) -> Dossier:
        with self.ws.read() as session:
            found = mapping.load(
                session, and_(DevelopmentDossier.id == dossier_id, self._branch_condition(session))
            )
        if not found:
            raise not_found(dossier_id, DOSSIER)
        return found[0].dossier

    def get_many(self, ids: Sequence[int]) -> list[Dossier]:
        """Dossiers for the given ids, in the given order (missing ids and another branch's skipped)."""
        if not ids:
            return []
        with self.ws.read() as session:
            where = and_(DevelopmentDossier.id.in_(list(ids)), self._branch_condition(session))
            by_id = {x.dossier.id: x.dossier for x in mapping.load(session, where)}
        return [by_id[i] for i in ids if i in by_id]

    def member_id(self, dossier_id: int) -> int | None:
        """The member file the dossier is linked to (once admitted), or None."""
        with self.ws.read() as session:
            row = session.execute(
                select(DevelopmentDossier.member_id).where(
                    DevelopmentDossier.id == dossier_id, self._branch_condition(session)
                )
            ).first()
        if row is None:
            raise not_found(dossier_id, DOSSIER)
        return row[0]

    def find_by_id_number(self, id_number: str) -> int | None:
        """The dossier of the person with this ID number in the current branch (an open one first)."""
        number = (id_number or "").strip().upper()
        if not number:
            return None
        with self.ws.read() as session:
            rows = session.execute(
                select(DevelopmentDossier.id, DevelopmentDossier.outcome, DevelopmentDossier.outcome_date)
                .where(self._branch_condition(session), DevelopmentDossier.id_number == number)
                .order_by(DevelopmentDossier.id.desc())
            ).all()
        if not rows:
            return None
        open_ = [r.id for r in rows if not r.outcome or not Outcome(r.outcome).terminal]
        return open_[0] if open_ else rows[0].id

    def list(self, query: DossierQuery = DossierQuery()) -> list[DossierSummary]:
        """Summaries of the dossiers matching ``query``, in its order."""
        with self.ws.read() as session:
            condition = self._branch_condition(session)
            text = _search_condition(query.text)
            if text is not None:
                condition = and_(condition, text)
            D = DevelopmentDossier
            loaded = mapping.load(session, condition, order_by=(D.name_pinyin, D.id))
        out = []
        for x in loaded:
            d = x.dossier
            if not query.include_closed and d.closed:
                continue
            if query.standings is not None and d.standing not in query.standings:
                continue
            if query.stage is not None and d.stage is not query.stage:
                continue
            out.append(_summary(x))
        return _sort(out, query.sort, {x.dossier.id: x for x in loaded})

    def overrides(self, dossier_id: int) -> list[Override]:
        """The warnings accepted with a reason for a dossier, oldest first."""
        with self.ws.read() as session:
            require(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
            rows = session.scalars(
                select(DossierOverride)
                .where(DossierOverride.dossier_id == dossier_id)
                .order_by(DossierOverride.at, DossierOverride.id)
            ).all()
            return [
                Override(r.id, r.dossier_id, Step(r.step), r.code, r.message, r.reason, r.user, r.at)
                for r in rows
            ]

    def exclusions(self, dossier_id: int) -> dict[str, tuple[VoteExclusion, ...]]:
        """Voters left out of 应到 per vote: {"admission_vote": (...), "conversion_vote": ...,
        "outcome_vote": ..., "extensions[0]": ...}."""
        with self.ws.read() as session:
            require(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
        return self.all_exclusions([dossier_id]).get(dossier_id, {})

    def all_exclusions(
        self, dossier_ids: Sequence[int] | None = None
    ) -> dict[int, dict[str, tuple[VoteExclusion, ...]]]:
        """:meth:`exclusions` of many dossiers (every dossier of the branch when None), in one query."""
        with self.ws.read() as session:
            q = (
                select(DossierVote.dossier_id, DossierVote.kind, DossierVote.ordinal, DossierVoteExclusion)
                .join(DossierVoteExclusion, DossierVoteExclusion.vote_id == DossierVote.id)
                .order_by(
                    DossierVote.dossier_id, DossierVote.kind, DossierVote.ordinal, DossierVoteExclusion.id
                )
            )
            if dossier_ids is None:
                q = q.join(DevelopmentDossier, DevelopmentDossier.id == DossierVote.dossier_id).where(
                    self._branch_condition(session)
                )
            else:  # the branch's among them (another branch's ids are skipped)
                q = q.join(DevelopmentDossier, DevelopmentDossier.id == DossierVote.dossier_id).where(
                    DossierVote.dossier_id.in_(list(dossier_ids)), self._branch_condition(session)
                )
            out: dict[int, dict[str, list[VoteExclusion]]] = {}
            for dossier_id, kind, ordinal, e in session.execute(q):
                exclusion = exclusion_of(e.kind, e.approved_on, e.approved_by, e.decision, e.reason)
                out.setdefault(dossier_id, {}).setdefault(_vote_field(kind, ordinal), []).append(
                    VoteExclusion(e.name, e.reason, e.member_id, exclusion)
                )
        return {d: {k: tuple(v) for k, v in fields.items()} for d, fields in out.items()}

    # ================================================================== writing
    def create(
        self, person: Person, application_date: dt.date | None = None, *, member_id: int | None = None
    ) -> Dossier:
        """A new dossier (the person and, usually, the date of the application letter).

        No rule check here: the application step is judged when recorded through :meth:`record`;
        callers that want the live check create the dossier without a date and record step 1.
        """
        dossier = Dossier(person=person, application_date=application_date)
        _validate(dossier)
        with self.ws.write("新建发展党员档案") as session:
            row = self._insert(session, dossier, self.ws.branch_id, member_id)
            dossier_id = row.id
        return self.get(dossier_id)

    def record(
        self,
        dossier_id: int,
        step: Step,
        values: Mapping[str, Any],
        *,
        as_of: dt.date | None = None,
        reasons: Mapping[str, str] | None = None,
        exclusions: Mapping[str, Sequence[VoteExclusion | tuple[VoterSnapshot, str]]] | None = None,
        meeting_id: int | None = None,
    ) -> RecordResult:
        """Record one step (dossier field -> value, as ``domain.development.apply_step`` takes them).

        Raises :class:`StepRefused` when a blocking rule forbids it and :class:`NeedsReason` when a
        warning has no reason in ``reasons`` (rule code -> reason); nothing is written then. With
        every reason given, the step is saved and each accepted warning is stored as an override.
        ``exclusions``: voters left out of 应到 for a vote field recorded now ("admission_vote" …),
        each with a non-blank reason. ``meeting_id``: the meeting record (会议记录) a vote recorded
        now was taken at; its vote row is linked to it in the same unit of work.
        """
        with self.ws.write(f"记录发展步骤：{step.title}") as session:
            findings = self.record_in(
                session, dossier_id, step, values, as_of=as_of, reasons=reasons, exclusions=exclusions,
                meeting_id=meeting_id,
            )  # fmt: skip
        return RecordResult(self.get(dossier_id), findings)

    def record_in(
        self,
        session: Session,
        dossier_id: int,
        step: Step,
        values: Mapping[str, Any],
        *,
        as_of: dt.date | None = None,
        reasons: Mapping[str, str] | None = None,
        exclusions: Mapping[str, Sequence[VoteExclusion | tuple[VoterSnapshot, str]]] | None = None,
        meeting_id: int | None = None,
    ) -> list[Finding]:
        """:meth:`record` inside the caller's unit of work (``session`` of a ``db.write``): the
        meeting service records a vote on the dossier and on its agenda item in ONE transaction.
        Returns the accepted warnings; raises as :meth:`record` does (the caller's write rolls back)."""
        reasons = {code: (text or "").strip() for code, text in (reasons or {}).items()}
        excluded = {name: [VoteExclusion.of(x) for x in items] for name, items in (exclusions or {}).items()}
        _validate_exclusions(excluded)
        ctx = self.rule_context(as_of)
        row = own(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
        before = mapping.load(session, DevelopmentDossier.id == dossier_id)[0].dossier
        values = _people_from_roster(self.ws.roster.read(session), values)
        findings = check_step(before, step, values, ctx)
        if any(f.blocking for f in findings):
            raise StepRefused(findings)
        missing = [f for f in findings if not reasons.get(f.code)]
        if missing:
            raise NeedsReason(findings, missing)
        after = apply_step(before, values)
        _validate(after)
        self._update(session, row, after)
        _sync_roster(self.ws.members, session, row, before, after)
        # a vote recorded now replaces the one of that kind (a second rejection, a corrected vote):
        # voters left out of the earlier ballot do not carry over to it
        for kind, ordinal in _recorded_votes(before, values):
            name = _vote_field(kind, ordinal)
            if name not in excluded and _vote_key(name) in mapping.vote_rows(before):
                self._set_exclusions(session, dossier_id, name, [])
        for name, items in excluded.items():
            self._set_exclusions(session, dossier_id, name, items)
        if meeting_id is not None:
            self._link_meeting(session, dossier_id, _recorded_votes(before, values), meeting_id)
        accepted = {}
        for f in findings:
            accepted.setdefault(f.code, f)
        for code, f in accepted.items():
            session.add(
                DossierOverride(
                    dossier_id=dossier_id,
                    step=step.value,
                    code=code,
                    message=f.message_zh,
                    reason=reasons[code],
                    user=self.ws.user,
                )
            )
        return list(findings)

    @staticmethod
    def _link_meeting(
        session: Session, dossier_id: int, keys: list[tuple[str, int]], meeting_id: int
    ) -> None:
        """Link the vote rows ``(kind, ordinal)`` just recorded to the meeting."""
        if not keys:
            raise ValidationError([FieldIssue("meeting_id", "该步骤没有表决记录，不能关联会议记录")])
        session.flush()
        for kind, ordinal in keys:
            vote = session.scalar(
                select(DossierVote).where(
                    DossierVote.dossier_id == dossier_id,
                    DossierVote.kind == kind,
                    DossierVote.ordinal == ordinal,
                )
            )
            if vote is not None:
                vote.meeting_id = meeting_id

    def save(self, dossier: Dossier, *, member_id: int | None = None) -> int:
        """Store a whole snapshot WITHOUT rule checks (imports: past facts may break rules); insert when
        ``dossier.id`` is None. Collections are replaced; unchanged ones are left alone (so the
        votes' excluded voters and the audit trail only change where the data did)."""
        return self.save_many([dossier], member_ids=None if member_id is None else [member_id])[0]

    def save_many(
        self,
        dossiers: Sequence[Dossier],
        *,
        member_ids: Sequence[int | None] | None = None,
        operation: str = "保存发展党员档案",
    ) -> list[int]:
        """:meth:`save` for many dossiers in ONE transaction (imports); returns their ids in order."""
        for d in dossiers:
            _validate(d)
        ids: list[int | None] = []
        with self.ws.write(operation) as session:
            branch_id = self.ws.branch_id
            new: list[tuple[int, Dossier, int | None]] = []
            for i, d in enumerate(dossiers):
                member_id = member_ids[i] if member_ids is not None else None
                if d.id is None:
                    new.append((i, d, member_id))
                    ids.append(None)
                    continue
                row = own(session, DevelopmentDossier, d.id, branch_id, DOSSIER)
                self._update(session, row, d)
                if member_id is not None:
                    row.member_id = member_id
                ids.append(d.id)
            if len(new) == 1:
                i, d, member_id = new[0]
                ids[i] = self._insert(session, d, branch_id, member_id).id
            elif new:
                inserted = dev_bulk.insert_dossiers(
                    session, [(d, m) for _, d, m in new], branch_id=branch_id, user=self.ws.user,
                    operation=operation,
                )  # fmt: skip
                for (i, _, _), dossier_id in zip(new, inserted, strict=True):
                    ids[i] = dossier_id
        return ids  # type: ignore[return-value]

    def link_member(self, dossier_id: int, member_id: int | None) -> None:
        """Link the dossier to the member file made when the person was admitted (None unlinks)."""
        with self.ws.write("发展党员档案关联党员档案") as session:
            row = own(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
            member = session.get(Member, member_id) if member_id is not None else None
            if member_id is not None and (member is None or member.branch_id != self.ws.branch_id):
                raise ValidationError([FieldIssue("member_id", "所选党员档案不存在")])
            row.member_id = member_id

    def close(self, dossier_id: int, outcome: Outcome, on: dt.date, reason: str) -> Dossier:
        """End a dossier (withdrawn, rejected for good, cancelled, transferred out) with a reason."""
        issues = []
        if not outcome.terminal:
            issues.append(FieldIssue("outcome", f"“{outcome.label}”不会终止发展程序，请通过记录步骤登记"))
        if not (reason or "").strip():
            issues.append(FieldIssue("outcome_reason", "请填写终止原因"))
        if issues:
            raise ValidationError(issues)
        with self.ws.write(f"终止发展程序：{outcome.label}") as session:
            row = own(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
            before = mapping.load(session, DevelopmentDossier.id == dossier_id)[0].dossier
            if before.closed:
                raise ValidationError([FieldIssue("outcome", "该发展党员档案已经终止")])
            latest = before.latest_date
            if latest is not None and on < latest:
                raise ValidationError([FieldIssue("outcome_date", "终止日期不能早于档案中已记录的日期")])
            after = replace(before, outcome=outcome, outcome_date=on, outcome_reason=reason.strip())
            self._update(session, row, after)
            if outcome is Outcome.CANCELLED and row.member_id is not None:
                member = session.get(Member, row.member_id)
                if member is not None and member.status == MemberStatus.ACTIVE.value:
                    # the probationary member leaves the roster with the same date and reason
                    self.ws.members.change_status_in(
                        session, row.member_id, StatusChange(MemberStatus.CANCELLED.value, on, reason)
                    )
        return self.get(dossier_id)

    def delete(self, dossier_id: int) -> None:
        """Remove a dossier entered by mistake (with all its records; the audit keeps what it held)."""
        with self.ws.write("删除发展党员档案") as session:
            row = own(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
            for model in (*mapping.CHILD_TABLES, DossierOverride):
                for child in session.scalars(select(model).where(model.dossier_id == dossier_id)):
                    session.delete(child)
            for vote in session.scalars(select(DossierVote).where(DossierVote.dossier_id == dossier_id)):
                for e in session.scalars(
                    select(DossierVoteExclusion).where(DossierVoteExclusion.vote_id == vote.id)
                ):
                    session.delete(e)
                session.delete(vote)
            session.flush()
            session.delete(row)

    # ---- row writing (inside a unit of work) ----------------------------------------------------
    def _insert(
        self, session: Session, d: Dossier, branch_id: int, member_id: int | None
    ) -> DevelopmentDossier:
        row = DevelopmentDossier(branch_id=branch_id, member_id=member_id)
        _apply_scalars(row, d)
        session.add(row)
        session.flush()
        for model, rows in mapping.child_rows(d).items():
            for values in rows:
                session.add(model(dossier_id=row.id, **values))
        for (kind, ordinal), values in mapping.vote_rows(d).items():
            session.add(DossierVote(dossier_id=row.id, kind=kind, ordinal=ordinal, **values))
        session.flush()
        return row

    def _update(self, session: Session, row: DevelopmentDossier, d: Dossier) -> None:
        _apply_scalars(row, d)
        for model, new_rows in mapping.child_rows(d).items():
            existing = list(
                session.scalars(
                    select(model).where(model.dossier_id == row.id).order_by(*_child_order(model))
                )
            )
            old = [
                {k: getattr(obj, k) for k in values} for obj, values in zip(existing, new_rows, strict=False)
            ]
            if len(existing) == len(new_rows) and old == new_rows:
                continue
            for obj in existing:
                session.delete(obj)
            session.flush()
            for values in new_rows:
                session.add(model(dossier_id=row.id, **values))
        new_votes = mapping.vote_rows(d)
        for vote in session.scalars(select(DossierVote).where(DossierVote.dossier_id == row.id)):
            values = new_votes.pop((vote.kind, vote.ordinal), None)
            if values is None:
                for e in session.scalars(
                    select(DossierVoteExclusion).where(DossierVoteExclusion.vote_id == vote.id)
                ):
                    session.delete(e)
                session.delete(vote)
                continue
            for key, value in values.items():
                if getattr(vote, key) != value:
                    setattr(vote, key, value)
        for (kind, ordinal), values in new_votes.items():
            session.add(DossierVote(dossier_id=row.id, kind=kind, ordinal=ordinal, **values))
        session.flush()

    def _set_exclusions(
        self, session: Session, dossier_id: int, field_name: str, items: list[VoteExclusion]
    ) -> None:
        kind, ordinal = _vote_key(field_name)
        vote = session.scalar(
            select(DossierVote).where(
                DossierVote.dossier_id == dossier_id, DossierVote.kind == kind, DossierVote.ordinal == ordinal
            )
        )
        if vote is None:
            raise ValidationError([FieldIssue(field_name, "尚未记录该次表决，不能登记不计入应到人数的党员")])
        for e in session.scalars(select(DossierVoteExclusion).where(DossierVoteExclusion.vote_id == vote.id)):
            session.delete(e)
        session.flush()
        for x in items:
            e = x.exclusion
            session.add(
                DossierVoteExclusion(
                    vote_id=vote.id, member_id=x.member_id, name=x.name, reason=x.reason,
                    kind=e.kind.value if e else "", approved_on=e.approved_on if e else None,
                    approved_by=e.approved_by if e else "", decision=e.decision if e else "",
                )
            )  # fmt: skip

    def set_exclusions(
        self, dossier_id: int, field_name: str, items: Iterable[VoteExclusion | tuple[VoterSnapshot, str]]
    ) -> None:
        """Replace the voters left out of 应到 for one recorded vote ("admission_vote" …)."""
        excluded = [VoteExclusion.of(x) for x in items]
        _validate_exclusions({field_name: excluded})
        with self.ws.write("登记不计入应到人数的党员") as session:
            self._set_exclusions(session, dossier_id, field_name, excluded)

    def import_exclusions(
        self, items: Mapping[int, Mapping[str, Sequence[VoteExclusion]]], operation: str
    ) -> None:
        """Store the voters left out of 应到 read from a ledger (dossier id -> vote field -> voters) in one
        unit of work. Past facts: each needs one of the five kinds, but an approval the ledger does not
        record is kept missing (the exclusion then does not count as valid anywhere it is judged)."""
        issues = [
            FieldIssue(name, f"{x.name}：不计入应到人数须属五种情形之一")
            for fields in items.values() for name, found in fields.items() for x in found if x.exclusion is None
        ]  # fmt: skip
        if issues:
            raise ValidationError(issues)
        with self.ws.write(operation) as session:
            for dossier_id, fields in items.items():
                for name, found in fields.items():
                    self._set_exclusions(session, dossier_id, name, list(found))

    # ================================================================== judging
    def rule_context(self, as_of: dt.date | None = None, *, calendar=None) -> RuleContext:
        """Rule context: the branch's local-practice settings (``Setting`` rows "rules.<name>"; national
        defaults for the rest) with their dated changes (``timeline``), the holiday calendar amended
        with the days the branch entered, and whether the branch has a committee (``has_committee``,
        the one definition in ``domain.rules.branch_rules``). ``calendar``: the holiday calendar when
        already read (the check of every branch reads it once)."""
        ctx = self._context()
        return RuleContext(
            as_of=as_of or dt.date.today(),
            settings=ctx.settings,
            has_committee=ctx.has_committee,
            calendar=self.ws.holidays.calendar() if calendar is None else calendar,
            timeline=ctx.timeline,
        )

    def rule_settings(self) -> RuleSettings:
        """The branch's rule settings (stored local values, national defaults for the rest)."""
        return self._context().settings

    def save_rule_settings(self, settings: RuleSettings) -> RuleSettings:
        """Store the settings that differ from the national defaults (one audited unit of work);
        a value equal to its default removes the stored row, so a later change of the default applies."""
        defaults = RuleSettings().to_mapping()
        wanted = settings.to_mapping()
        stored = self.ws.settings.with_prefix(SETTING_PREFIX)
        with self.ws.write("修改发展党员规则设置", needs=Role.ADMIN) as session:
            for name, value in wanted.items():
                key = setting_key(name)
                if value == defaults[name]:
                    if key in stored:
                        self.ws.settings.set_in(session, key, None)
                elif stored.get(key) != value:
                    self.ws.settings.set_in(session, key, value)
        return self.rule_settings()

    def _context(self) -> _Context:
        from branchdesk.domain.rules.branch_rules import Seat, has_committee

        stored = {
            key.removeprefix(SETTING_PREFIX): value
            for key, value in self.ws.settings.with_prefix(SETTING_PREFIX).items()
        }
        settings = RuleSettings.from_mapping(stored)
        if not self.ws.has_branch:
            return _Context(settings, None, ())
        with self.ws.read() as session:
            seats = [
                Seat(m, "", post, start, end)
                for m, post, start, end in session.execute(
                    select(CommitteeMember.member_id, CommitteeMember.post, CommitteeMember.term_start,
                           CommitteeMember.ended_on).where(CommitteeMember.branch_id == self.ws.branch_id)
                )
            ]  # fmt: skip
        committee = has_committee(seats, dt.date.today()) if seats else None
        return _Context(settings, committee, self.ws.rule_settings.timeline(settings))

    def check(self, as_of: dt.date | None = None) -> list[Finding]:
        """Audit of every dossier of the branch as of ``as_of`` (default today)."""
        from branchdesk.services.bulk import collector_paused

        ctx = self.rule_context(as_of)
        dossiers = self.all()
        with collector_paused():  # thousands of findings and cached values: nothing cyclic to collect
            return audit_many(dossiers, ctx)

    def due(
        self, as_of: dt.date | None = None, horizon_days: int = 30, *, dossiers=None, calendar=None
    ) -> list[DueItem]:
        """The to-do list: open items of every dossier, overdue and those due within the horizon,
        sorted by due date. ``dossiers``, ``calendar``: the branch's dossiers and the holiday calendar
        when already read (the committee's overview)."""
        ctx = self.rule_context(as_of, calendar=calendar)
        out: list[DueItem] = []
        for d in (
            self.all(include_closed=False) if dossiers is None else [d for d in dossiers if not d.closed]
        ):
            for item in next_steps(d, ctx):
                if item.overdue or item.days_left <= horizon_days:
                    out.append(item)
        out.extend(
            item for item in self.roster_conversions(ctx) if item.overdue or item.days_left <= horizon_days
        )
        out.sort(key=lambda i: (i.due, i.step.number, i.person))
        return out

    def roster_conversions(self, ctx: RuleContext) -> list[DueItem]:
        """The conversion due of every probationary member on the roster WITHOUT a development dossier
        (e.g. imported from a roster): on the to-do list too (issue 12 §7)."""
        return [p.due for p in self.probationary_without_dossier(ctx)]

    def probationary_without_dossier(self, ctx: RuleContext) -> list[RosterProbationary]:
        """Probationary members on the roster without a development dossier: their conversion is due at
        the end of probation (入党日期 + 1 year), so an imported 预备党员 never passes it unnoticed — the
        pipeline board shows them in the 预备党员 column and the to-do list carries the due date."""
        from branchdesk.domain.dates import add_years
        from branchdesk.domain.rules.engine import DueKind

        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            linked = select(DevelopmentDossier.member_id).where(DevelopmentDossier.member_id.is_not(None))
            rows = session.execute(
                select(Member.id, Member.name, Member.join_date).where(
                    Member.branch_id == branch_id,
                    Member.status == MemberStatus.ACTIVE.value,
                    Member.member_type == MemberType.PROBATIONARY.value,
                    Member.join_date.is_not(None),
                    Member.id.not_in(linked),
                )
            ).all()
        out = []
        for member_id, name, joined in rows:
            due = add_years(joined, 1)
            days_left = (due - ctx.as_of).days
            item = DueItem(
                step=Step.CONVERSION_VOTE, due=due,
                text="预备期满，召开支部大会讨论转正（花名册中的预备党员，尚无发展档案：请补建档案）",
                kind=DueKind.DEADLINE, person=name, dossier_id=None, code="DEV-CONVERSION-DUE",
                overdue=days_left < 0, due_soon=0 <= days_left <= ctx.settings.due_soon_days,
                days_left=days_left,
            )  # fmt: skip
            out.append(RosterProbationary(member_id, name, joined, item))
        return out

    def dossier_for_member(self, member_id: int) -> int:
        """Start the development dossier of a probationary member who has none (补建档案): the person from
        the member file, admitted at the general meeting of the roster's 入党日期, linked to the file.
        The earlier steps are filled in afterwards (the dossier page says what is missing)."""
        from branchdesk.db.models import Member as MemberRow

        with self.ws.read() as session:
            m = session.get(MemberRow, member_id)
            if m is None or m.branch_id != self.ws.branch_id:
                raise not_found(member_id, MEMBER_FILE)
            if m.member_type != MemberType.PROBATIONARY.value or m.join_date is None:
                raise ValidationError([FieldIssue("member_id", "只能为花名册中有入党日期的预备党员补建档案")])
            taken = session.scalar(
                select(DevelopmentDossier.id).where(DevelopmentDossier.member_id == member_id)
            )
            if taken is not None:
                return taken
            person = Person(m.name, m.birth_date, m.id_number or "", m.birth_date_precision or "day")
            activist, activist_precision = m.activist_date, m.activist_date_precision or "day"
        d = Dossier(
            person=person, activist_date=activist, activist_date_precision=activist_precision,
            admission_meeting_date=m.join_date, join_date=m.join_date,
        )  # fmt: skip
        return self.save(d, member_id=member_id)

    # ================================================================== audit trail
    def history(self, dossier_id: int) -> list[tuple[dt.datetime, str, str]]:
        """(when, who, operation) of the changes to a dossier's own row, oldest first."""
        with self.ws.read() as session:
            require(session, DevelopmentDossier, dossier_id, self.ws.branch_id, DOSSIER)
            rows = session.execute(
                select(AuditEntry.at, AuditEntry.user, AuditEntry.operation)
                .where(AuditEntry.entity == "dossier", AuditEntry.entity_id == dossier_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            ).all()
        return [tuple(r) for r in rows]


# ====================================================================== helpers


def keep_unrecorded(stored: Dossier, imported: Dossier) -> Dossier:
    """``imported`` (a re-imported ledger row) with what the ledger has no room for kept from ``stored``.

    A ledger row carries the step dates and the main facts, not everything the program records
    (a talk's place and summary, activist talks, who decided, …). Re-importing a ledger must not
    erase those: every field the import leaves empty takes the stored value, talks of the same kind
    and date keep their stored details, and stored talks absent from the import are kept.
    """
    changes: dict[str, Any] = {"id": stored.id}
    for f in fields(Dossier):
        name = f.name
        if name in ("id", "person", "talks"):
            continue
        new, old = getattr(imported, name), getattr(stored, name)
        if _blank(new) and not _blank(old):
            changes[name] = old
    by_key = {(t.kind, t.date): t for t in stored.talks}
    talks = []
    for t in imported.talks:
        was = by_key.pop((t.kind, t.date), None)
        if was is not None:
            t = replace(
                t,
                interviewers=t.interviewers or was.interviewers,
                place=t.place or was.place,
                summary=t.summary or was.summary,
            )
        talks.append(t)
    changes["talks"] = (*talks, *by_key.values())
    person = imported.person
    if person.birth_date is None and stored.person.birth_date is not None:
        person = replace(person, birth_date=stored.person.birth_date)
    changes["person"] = person
    return replace(imported, **changes)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == () or value == frozenset()


def _vote_field(kind: str, ordinal: int) -> str:
    if kind == "extension":
        return f"extensions[{ordinal}]"
    return {v: k for k, v in VOTE_FIELDS.items()}[kind]


def _vote_key(field_name: str) -> tuple[str, int]:
    if field_name in VOTE_FIELDS:
        return VOTE_FIELDS[field_name], 0
    if field_name.startswith("extensions[") and field_name.endswith("]"):
        return "extension", int(field_name[len("extensions[") : -1])
    raise KeyError(field_name)


def _recorded_votes(before: Dossier, values: Mapping[str, Any]) -> list[tuple[str, int]]:
    """The vote rows ``(kind, ordinal)`` a step's values record (a new extension is the next ordinal)."""
    keys = [VOTE_FIELDS[name] for name, value in values.items() if name in VOTE_FIELDS and value is not None]
    out = [(kind, 0) for kind in keys]
    extension = values.get("extensions")
    if isinstance(extension, Extension) and extension.vote is not None:
        out.append(("extension", len(before.extensions)))
    return out


def _validate_exclusions(excluded: Mapping[str, Sequence[VoteExclusion]]) -> None:
    issues = []
    for name, items in excluded.items():
        try:
            _vote_key(name)
        except (KeyError, ValueError):
            raise KeyError(name) from None
        for x in items:
            if x.name == MANUAL_EXPECTED:
                if not x.reason.strip():
                    issues.append(FieldIssue(name, "手动填写应到人数须写明原因"))
                continue
            if x.exclusion is None:
                said = (
                    f"（“{x.reason.strip()}”是缺席的原因，不是不计入应到的情形）" if x.reason.strip() else ""
                )
                issues.append(FieldIssue(name, (
                    f"{x.name}不能不计入应到人数{said}：只有五种情形（{'、'.join(k.label for k in ExclusionKind)}）"
                    "经上级党组织同意并经支部党员大会决定的，才可以不计入应到人数；因事缺席、请假的仍计入应到，"
                    "可在会前提交书面意见。"
                )))  # fmt: skip
                continue
            problems = x.exclusion.problems()
            if problems:
                issues.append(
                    FieldIssue(
                        name, f"{x.name}不计入应到人数（{x.exclusion.kind.label}）：{'；'.join(problems)}"
                    )
                )
    if issues:
        raise ValidationError(issues)


def _people_from_roster(roster, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Contact persons and sponsors recorded now, as the roster has them on their day (member id,
    full or probationary, under 留党察看), or marked as of another branch; a name on neither is refused
    (``Roster.resolve_people`` of ``ws.roster``)."""
    if "contacts" not in values and "sponsors" not in values:
        return values
    out = dict(values)
    issues: list[FieldIssue] = []
    for key, what in (("contacts", "培养联系人"), ("sponsors", "入党介绍人")):
        if key not in values:
            continue
        given = values[key]
        single = not isinstance(given, (list, tuple))
        people = [given] if single else list(given)
        if key == "contacts":
            on = next((p.assigned_on for p in people if p.assigned_on), None)
        else:
            on = values.get("sponsors_date")
        resolved, found = roster.resolve_people(people, on, what)
        issues += found
        out[key] = resolved[0] if single and resolved else tuple(resolved)
    if issues:
        raise ValidationError(issues)
    return out


def _validate(d: Dossier) -> None:
    """Shape checks only (the rules judge the content): the data must be storable as it is."""
    issues = []
    if not d.person.name.strip():
        issues.append(FieldIssue("name", "姓名不能为空"))
    if len(d.person.name) > 50:
        issues.append(FieldIssue("name", "姓名过长"))
    number = d.person.id_number
    if number and (len(number) > 18 or number != number.strip().upper()):
        issues.append(FieldIssue("id_number", "公民身份号码格式不正确"))
    if d.training is not None and d.training.end < d.training.start:
        issues.append(FieldIssue("training", "集中培训结束日期早于开始日期"))
    for label, period in (("入党积极分子公示", d.activist_publicity), ("发展对象公示", d.publicity)):
        if period is not None and period.end < period.start:
            issues.append(FieldIssue("publicity", f"{label}结束日期早于开始日期"))
    if issues:
        raise ValidationError(issues)


def _sex_from_id(number: str) -> str:
    if not number:
        return ""
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id

    try:
        return parse_citizen_id(number).sex
    except CitizenIdError:
        return ""


def _apply_scalars(row: DevelopmentDossier, d: Dossier) -> None:
    values = mapping.dossier_values(d)
    if row.name != d.person.name or not row.name_pinyin:
        from branchdesk.domain.pinyin import name_pinyin

        values["name_initials"], values["name_pinyin"] = name_pinyin(d.person.name)
    if row.id_number != d.person.id_number or row.sex is None:
        values["sex"] = _sex_from_id(d.person.id_number)
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)


def _child_order(model) -> tuple:
    if "position" in model.__table__.c:
        return (model.position, model.id)
    return (model.item,)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search_condition(text: str):
    text = (text or "").strip()
    if not text:
        return None
    D = DevelopmentDossier
    lowered = text.lower()
    if lowered.isascii() and lowered.isalpha():
        return or_(D.name_initials.startswith(lowered), D.name_pinyin.startswith(lowered))
    if text.replace("x", "").replace("X", "").isdigit():
        return D.id_number.like(f"%{_like_escape(text.upper())}%", escape="\\")
    return D.name.like(f"%{_like_escape(text)}%", escape="\\")


def _summary(x: mapping.Loaded) -> DossierSummary:
    d = x.dossier
    done = d.steps_done
    last_step = max(done, key=lambda s: (done[s], s.number)) if done else None
    return DossierSummary(
        id=d.id,
        name=d.person.name,
        id_number=d.person.id_number,
        standing=d.standing,
        stage=d.stage,
        last_step=last_step,
        last_date=done[last_step] if last_step else None,
        member_id=x.member_id,
        closed=d.closed,
        sex=x.sex,
        application_date=d.application_date,
    )


def _sort(items: list[DossierSummary], key: str, loaded: dict) -> list[DossierSummary]:
    far = dt.date.max
    if key == "application_date":
        return sorted(items, key=lambda s: (s.application_date or far, s.id))
    if key == "last_date":
        return sorted(items, key=lambda s: (s.last_date or dt.date.min, s.id), reverse=True)
    if key == "stage":
        return sorted(items, key=lambda s: (s.stage.number if s.stage else 9, s.id))
    return items  # loaded in name order (pinyin)


def _sync_roster(
    members: MemberService, session: Session, row: DevelopmentDossier, before: Dossier, after: Dossier
) -> None:
    """Admission and conversion reach the member file in the same unit of work as the step.

    When the higher committee's approval of the admission is recorded, the person becomes a
    probationary member: their member file is created (or an existing one with the same ID number
    linked), with 入党日期 = the date of the general meeting that admitted them. When the conversion
    approval is recorded, the linked member becomes a full member from the end of probation.
    """
    from branchdesk.domain.members import MemberFields

    admitted = before.approval is None and after.approval is not None and after.admission_meeting_date
    converted = before.conversion_approval is None and after.conversion_approval is not None
    if not (admitted or converted):
        return
    member = session.get(Member, row.member_id) if row.member_id else None
    if member is not None and member.branch_id != row.branch_id:  # the dossier's branch's file only
        member = None
    if member is None and after.person.id_number:  # another branch's file is not taken over: the
        member = session.scalars(  # ID number's check then names the branch that holds it
            select(Member).where(
                Member.id_number == after.person.id_number.upper(), Member.branch_id == row.branch_id
            )
        ).first()
    if admitted and member is None:
        values = MemberFields(
            name=after.person.name,
            id_number=after.person.id_number,
            birth_date=after.person.birth_date,
            birth_date_precision=after.person.birth_precision,
            member_type=MemberType.PROBATIONARY.value,
            join_date=after.admission_meeting_date,
            activist_date=after.activist_date,
            activist_date_precision=after.activist_date_precision,
            sponsors="、".join(s.name for s in after.sponsors),
        )
        values = members._check(session, values, member_id=None, branch_id=row.branch_id)
        member = Member(branch_id=row.branch_id, status=MemberStatus.ACTIVE.value)
        members._apply(member, values)
        session.add(member)
        session.flush()
    if member is None:
        return
    row.member_id = member.id
    if converted:
        member.member_type = MemberType.FULL.value
        member.conversion_date = after.full_member_date or after.probation_end
