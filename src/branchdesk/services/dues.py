"""Party dues (`ws.dues`, domain.md §5, §10; issue 14): yearly assessments, payments, 本月收缴,
remittances, exemptions and arrears; MEM-DUES-6M for `branchdesk check`.

* **What a member owes.** From the month of admission as probationary member (or of transfer in) — but
  not before the branch's first dues month (setting ``dues.since``, else the earliest month it has dues
  records for) — to the month before they left (transfer out, death, suspension …): the month of
  leaving may still be paid here, later ones are paid in the new organisation and refused here.
  The last month *due* on a day is the month before (this month's dues may still be paid in it), or the
  month itself on its last day.
* **The amount of a month** is the assessment in force (the year's row with the latest ``from_month``
  not after it; a year without one uses the latest earlier assessment), else the member's recorded
  monthly amount (``member.dues_monthly_fen``).
* **Payments** cover one or more months, each month once; the amount is split over the months by their
  dues (an amount that differs is split evenly, the remainder on the last month). A payment for months
  more than six months back is a back-payment (补交) beyond the usual limit: accepted and flagged.
* Every mutation is one transaction with its audit entries (the unit of work); "paid up to"
  (``member.dues_paid_to``) is kept current for the roster and the CON rules.

Importing this module registers MEM-DUES-6M (warning from 3 consecutive unpaid months, blocking from 6;
a lost-contact member is left to MEM-LOST-6M; an exemption stops the count).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Date, String, delete, func, literal_column, select, type_coerce

from branchdesk.db.models import Member
from branchdesk.db.models_dues import (
    DuesAssessment,
    DuesExemption,
    DuesPayment,
    DuesPaymentMonth,
    DuesRemittance,
)
from branchdesk.domain import dues as dd
from branchdesk.domain.dues import (
    BACKPAY_MAX_MONTHS,
    DuesCategory,
    DuesError,
    ExemptionKind,
    MemberArrears,
    month_date,
    month_end,
    month_index,
    month_label,
    months_text,
)
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.rules.branch_rules import member_rule, register_member_rule
from branchdesk.domain.rules.engine import Severity, Violation
from branchdesk.domain.vocab import MemberStatus
from branchdesk.services.members import MEMBER_FILE
from branchdesk.services.scope import own, require

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from branchdesk.domain.rules.branch_rules import BranchRecords
    from branchdesk.domain.rules.engine import RuleContext
    from branchdesk.workspace import Workspace

__all__ = [
    "Assessment",
    "AssessmentInput",
    "CollectionLine",
    "DuesError",
    "DuesService",
    "Exemption",
    "ExemptionInput",
    "MemberDues",
    "Payment",
    "PaymentInput",
    "Remittance",
    "RemittanceInput",
    "last_due_month",
]

SINCE_KEY = "dues.since"


# ============================================================================ snapshots


@dataclass(frozen=True)
class AssessmentInput:
    member_id: int
    year: int
    category: DuesCategory | str
    basis_fen: int | None = None
    amount_fen: int | None = None  # an override of the brackets' amount (needs a reason)
    override_reason: str = ""
    from_month: int = 1  # a change during the year: in force from this month
    changed_on: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class Assessment:
    id: int
    member_id: int
    member_name: str
    year: int
    from_month: int
    category: str
    basis_fen: int | None
    rate_bp: int | None
    computed_fen: int
    amount_fen: int
    override_reason: str
    changed_on: dt.date | None
    notes: str

    @property
    def category_label(self) -> str:
        try:
            return DuesCategory(self.category).label
        except ValueError:
            return self.category


@dataclass(frozen=True)
class PaymentInput:
    member_id: int
    paid_on: dt.date
    months: Sequence[int]  # month indexes (domain.dues.month_index)
    amount_fen: int | None = None  # None: the dues of the months
    collector: str = ""
    notes: str = ""
    converted: bool = False  # read from a "paid up to" date (migration 0012, the roster's 党费交至)


@dataclass(frozen=True)
class Payment:
    id: int
    member_id: int
    member_name: str
    paid_on: dt.date
    amount_fen: int
    months: tuple[int, ...]
    month_amounts: tuple[int, ...]
    collector: str
    converted: bool
    notes: str

    @property
    def months_text(self) -> str:
        return months_text(self.months)

    @property
    def backpay(self) -> bool:
        """Covers a month more than six months before the month it was paid in (补交 beyond the limit)."""
        return bool(self.months) and month_index(self.paid_on) - self.months[0] > BACKPAY_MAX_MONTHS


@dataclass(frozen=True)
class RemittanceInput:
    remitted_on: dt.date
    amount_fen: int
    from_month: int
    to_month: int
    receipt_no: str = ""
    recipient: str = ""
    handled_by: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Remittance:
    id: int
    remitted_on: dt.date
    amount_fen: int
    from_month: int
    to_month: int
    receipt_no: str
    recipient: str
    handled_by: str
    notes: str

    @property
    def months_text(self) -> str:
        return months_text(range(self.from_month, self.to_month + 1))


@dataclass(frozen=True)
class ExemptionInput:
    member_id: int
    kind: ExemptionKind | str
    from_month: int
    to_month: int | None = None
    reason: str = ""
    approved_by: str = ""
    approved_on: dt.date | None = None


@dataclass(frozen=True)
class Exemption:
    id: int
    member_id: int
    member_name: str
    kind: str
    from_month: int
    to_month: int | None
    reason: str
    approved_by: str
    approved_on: dt.date | None

    @property
    def kind_label(self) -> str:
        return ExemptionKind(self.kind).label

    def covers(self, month: int) -> bool:
        return self.from_month <= month and (self.to_month is None or month <= self.to_month)


@dataclass(frozen=True)
class CollectionLine:
    """One member on the 本月收缴 sheet: this month's amount (prefilled) and whether it is paid."""

    member_id: int
    name: str
    group: str
    amount_fen: int
    paid: bool  # already paid for this month
    exempt: str = ""  # an exemption's label: nothing to collect here
    note: str = ""


@dataclass(slots=True)  # not frozen: ten thousand are built per arrears (frozen init costs twice)
class MemberSpan:
    """Who owes what: a member's months in the branch (month indexes; ``last`` None: still a member)."""

    member_id: int
    name: str
    group: str
    first: int
    last_payable: int | None  # the last month that may be paid here (the month of leaving)
    lost: bool
    status: str
    basis_fen: int | None
    monthly_fen: int | None
    job: str = ""

    def due_range(self, since: int, until: int) -> range:
        last_due = until if self.last_payable is None else min(until, self.last_payable - 1)
        return range(max(self.first, since), last_due + 1)


@dataclass(frozen=True)
class MemberDues:
    """What the member file shows of a member's dues (read-only there: kept on the 党费 page)."""

    monthly_fen: int | None  # the dues of the month: the assessment in force, else the recorded amount
    paid_to: dt.date | None  # the end of the last month paid, from the payments


@dataclass
class DuesYear:
    """A year of the branch's dues, read once for the ledgers and the page."""

    year: int
    members: list[MemberSpan]
    schedule: dict[int, dict[int, int]]  # member -> month -> dues
    assessments: dict[int, Assessment]  # member -> the year's first assessment (as at its start)
    paid: dict[int, dict[int, int]]  # member -> month -> amount paid
    exempt: dict[int, dict[int, str]]  # member -> month -> exemption label
    payments: list[Payment] = field(default_factory=list)
    changes: dict[int, list[Assessment]] = field(default_factory=dict)  # member -> later rows of the year


def last_due_month(on: dt.date) -> int:
    """The last month whose dues are due on ``on``: its own month on a month's last day, else the
    month before (the dues of the current month may still be paid in it)."""
    m = month_index(on)
    return m if (on + dt.timedelta(days=1)).day == 1 else m - 1


# ============================================================================ the service


class DuesService:
    """党费 of the branch (``ws.dues``)."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    # ---- who owes -----------------------------------------------------------------------------
    def spans(self, session: Session | None = None, *, member_id: int | None = None) -> list[MemberSpan]:
        """Every member of the branch who ever owed dues here (or the one ``member_id``), by group order
        then name."""
        if session is None:
            with self.ws.read() as own:
                return self.spans(own, member_id=member_id)
        only = (Member.id == member_id,) if member_id is not None else ()
        from branchdesk.db.models import MemberStatusChange, PartyGroup

        branch_id = self.ws.branch_id
        conn = session.connection()  # Core rows: no ORM loading for thousands of members
        left: dict[int, dt.date] = {}
        for member_id, day, to_status in conn.execute(
            select(MemberStatusChange.member_id, MemberStatusChange.date, MemberStatusChange.to_status)
            .join(Member, Member.id == MemberStatusChange.member_id)
            .where(Member.branch_id == branch_id, *only)
            .order_by(MemberStatusChange.date, MemberStatusChange.id)
        ):
            if to_status == MemberStatus.ACTIVE.value:
                left.pop(member_id, None)
            else:
                left.setdefault(member_id, day)
        groups = dict(
            conn.execute(
                select(PartyGroup.id, PartyGroup.sort_order).where(PartyGroup.branch_id == branch_id)
            ).all()
        )
        out = []
        rows = conn.execute(
            select(Member.id, Member.name, Member.name_pinyin, Member.group_id, _raw(Member.join_date),
                   _raw(Member.transferred_in_date), Member.status, _raw(Member.status_date), Member.lost_contact,
                   Member.dues_basis_fen, Member.dues_monthly_fen, Member.job, PartyGroup.name)
            .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
            .where(Member.branch_id == branch_id, *only)
        ).all()  # fmt: skip
        rows.sort(key=lambda r: (groups.get(r.group_id, 10**6), r.name_pinyin or r.name))
        active = MemberStatus.ACTIVE.value
        for r in rows:
            joined, came = r[4], r[5]
            if joined is None and came is None:
                continue
            first = max(_month_of(d) for d in (joined, came) if d is not None)
            last = None
            if r[6] != active:
                gone = left.get(r[0]) or r[7]
                if gone is not None:
                    last = _month_of(gone)
            out.append(
                MemberSpan(
                    r[0],
                    r[1],
                    r[12] or "",
                    first,
                    last,
                    bool(r.lost_contact),
                    r.status,
                    r.dues_basis_fen,
                    r.dues_monthly_fen,
                    r.job or "",
                )
            )
        return out

    def since(self, session: Session | None = None) -> int | None:
        """The branch's first dues month: the setting ``dues.since``, else its earliest dues record;
        None while it has none (nobody is in arrears then)."""
        value = self.ws.settings.get(SINCE_KEY)
        if value:
            return month_index(dt.date.fromisoformat(str(value)[:10]))
        if session is None:
            with self.ws.read() as own:
                return self.since(own)
        first = session.scalar(  # each member's months by the (member, month) index: 1.7 ms, not the 9 ms of
            # walking the month index of every branch in order (PostgreSQL, 50 branches)
            select(func.min(DuesPaymentMonth.month)).where(
                DuesPaymentMonth.member_id.in_(select(Member.id).where(Member.branch_id == self.ws.branch_id))
            )
        )
        year = session.scalar(
            select(func.min(DuesAssessment.year)).where(DuesAssessment.branch_id == self.ws.branch_id)
        )
        candidates = []
        if first is not None:
            candidates.append(month_index(first))
        if year is not None:
            candidates.append(month_index((year, 1)))
        return min(candidates) if candidates else None

    def set_since(self, day: dt.date | None) -> None:
        """The branch's first dues month (months before it are never in arrears)."""
        self.ws.settings.set(SINCE_KEY, day.replace(day=1).isoformat() if day else None)

    # ---- assessments --------------------------------------------------------------------------
    def assessments(self, year: int, member_id: int | None = None) -> list[Assessment]:
        with self.ws.read() as session:
            stmt = (
                select(DuesAssessment, Member.name)
                .join(Member, Member.id == DuesAssessment.member_id)
                .where(DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.year == year)
                .order_by(Member.name_pinyin, DuesAssessment.from_month)
            )
            if member_id is not None:
                stmt = stmt.where(DuesAssessment.member_id == member_id)
            return [_assessment(a, name) for a, name in session.execute(stmt)]

    def member_assessments(self, member_id: int) -> list[Assessment]:
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            stmt = (
                select(DuesAssessment, Member.name)
                .join(Member, Member.id == DuesAssessment.member_id)
                .where(DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.member_id == member_id)
                .order_by(DuesAssessment.year, DuesAssessment.from_month)
            )
            return [_assessment(a, name) for a, name in session.execute(stmt)]

    def save_assessment(self, values: AssessmentInput) -> Assessment:
        """Create or replace the assessment of a member for a year from a month (the brackets' amount,
        or an override with its reason)."""
        row_values = _assessment_values(values)
        with self.ws.write(f"党费年度核定：{values.year}年") as session:
            member = self._member(session, values.member_id)
            row = session.scalar(
                select(DuesAssessment).where(
                    DuesAssessment.member_id == values.member_id,
                    DuesAssessment.year == values.year,
                    DuesAssessment.from_month == values.from_month,
                )
            )
            if row is None:
                row = DuesAssessment(branch_id=self.ws.branch_id, member_id=values.member_id, **row_values)
                session.add(row)
            else:
                for k, v in row_values.items():
                    setattr(row, k, v)
            session.flush()
            self._sync_member_amount(session, member, values.year)
            session.flush()
            return _assessment(row, member.name)

    def assess_year(self, year: int, *, today: dt.date | None = None) -> int:
        """Prefill the year's assessments from the brackets for every member owing dues in the year who
        has none: the previous assessment's category and basis, else the member's recorded basis
        (retired members by their job 退休, no basis: 学生). Returns how many were written."""
        with self.ws.write(f"党费年度核定：{year}年（按标准预填）") as session:
            spans = self.spans(session)
            have = set(
                session.scalars(
                    select(DuesAssessment.member_id).where(
                        DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.year == year
                    )
                )
            )
            previous: dict[int, DuesAssessment] = {}
            for a in session.scalars(
                select(DuesAssessment)
                .where(DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.year < year)
                .order_by(DuesAssessment.year, DuesAssessment.from_month)
            ):
                previous[a.member_id] = a
            jan, dec = month_index((year, 1)), month_index((year, 12))
            written = 0
            for s in spans:
                due = s.due_range(jan, dec)
                if s.member_id in have or not len(due):
                    continue
                before = previous.get(s.member_id)
                if before is not None:
                    category, basis = DuesCategory(before.category), before.basis_fen
                elif s.basis_fen is None:
                    category, basis = DuesCategory.STUDENT, None
                else:
                    category = DuesCategory.RETIRED if "退休" in s.job else DuesCategory.EMPLOYED
                    basis = s.basis_fen
                values = AssessmentInput(s.member_id, year, category, basis,
                                         from_month=month_date(due[0]).month)  # fmt: skip
                session.add(DuesAssessment(branch_id=self.ws.branch_id, member_id=s.member_id,
                                           **_assessment_values(values)))  # fmt: skip
                written += 1
            return written

    def delete_assessment(self, assessment_id: int) -> None:
        with self.ws.write("删除党费核定") as session:
            row = session.get(DuesAssessment, assessment_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {assessment_id} 的党费核定")
            session.delete(row)

    def _sync_member_amount(self, session: Session, member: Member, year: int) -> None:
        """The member file's basis and monthly amount follow the newest assessment."""
        newest = session.scalar(
            select(DuesAssessment)
            .where(DuesAssessment.member_id == member.id)
            .order_by(DuesAssessment.year.desc(), DuesAssessment.from_month.desc())
            .limit(1)
        )
        if newest is not None and (member.dues_monthly_fen, member.dues_basis_fen) != (
            newest.amount_fen,
            newest.basis_fen,
        ):
            member.dues_monthly_fen = newest.amount_fen
            member.dues_basis_fen = newest.basis_fen

    # ---- schedules ----------------------------------------------------------------------------
    def _schedule(self, session: Session, spans: Iterable[MemberSpan], first: int, last: int
                  ) -> dict[int, dict[int, int]]:  # fmt: skip
        """member -> month -> dues, for months first..last."""
        y0, y1 = month_date(first).year, month_date(last).year
        rows: dict[int, list[tuple[int, int]]] = defaultdict(list)  # member -> [(start month, amount)]
        latest_before: dict[int, tuple[int, int]] = {}
        spans = list(spans)
        stmt = (
            select(DuesAssessment.member_id, DuesAssessment.year, DuesAssessment.from_month,
                   DuesAssessment.amount_fen)
            .where(DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.year <= y1)
            .order_by(DuesAssessment.year, DuesAssessment.from_month)
        )  # fmt: skip
        if len(spans) <= 500:  # a few members (those in arrears, one payment): their rows only
            stmt = stmt.where(DuesAssessment.member_id.in_([s.member_id for s in spans]))
        for member_id, year, from_month, amount in session.connection().execute(stmt):
            start = month_index((year, from_month))
            if year < y0:
                latest_before[member_id] = (start, amount)
            else:
                rows[member_id].append((start, amount))
        out: dict[int, dict[int, int]] = {}
        for s in spans:
            changes = rows.get(s.member_id, [])
            current = latest_before.get(s.member_id, (None, s.monthly_fen))[1]
            if current is None and changes:
                current = changes[0][1]
            months: dict[int, int] = {}
            i = 0
            for m in range(first, last + 1):
                while i < len(changes) and changes[i][0] <= m:
                    current = changes[i][1]
                    i += 1
                if current is not None:
                    months[m] = current
            out[s.member_id] = months
        return out

    def _exempt(self, session: Session, first: int, last: int) -> dict[int, dict[int, str]]:
        out: dict[int, dict[int, str]] = defaultdict(dict)
        for e in session.scalars(select(DuesExemption).where(DuesExemption.branch_id == self.ws.branch_id)):
            a = max(first, month_index(e.from_month))
            b = min(last, month_index(e.to_month) if e.to_month else last)
            label = ExemptionKind(e.kind).label
            for m in range(a, b + 1):
                out[e.member_id][m] = label
        return out

    def _paid(self, session: Session, first: int, last: int, member_id: int | None = None
              ) -> dict[int, dict[int, int]]:  # fmt: skip
        stmt = (
            select(DuesPaymentMonth.member_id, DuesPaymentMonth.month, DuesPaymentMonth.amount_fen)
            .join(DuesPayment, DuesPayment.id == DuesPaymentMonth.payment_id)
            .where(
                DuesPayment.branch_id == self.ws.branch_id,
                DuesPaymentMonth.month >= month_date(first),
                DuesPaymentMonth.month <= month_date(last),
            )
        )
        if member_id is not None:
            stmt = stmt.where(DuesPaymentMonth.member_id == member_id)
        out: dict[int, dict[int, int]] = defaultdict(dict)
        for mid, month, amount in session.execute(stmt):
            out[mid][month_index(month)] = amount
        return out

    def year(self, year: int) -> DuesYear:
        """The year's members, dues per month, payments and exemptions (the ledger's data)."""
        jan, dec = month_index((year, 1)), month_index((year, 12))
        with self.ws.read() as session:
            spans = [
                s
                for s in self.spans(session)
                if s.first <= dec and (s.last_payable is None or s.last_payable >= jan)
            ]
            schedule = self._schedule(session, spans, jan, dec)
            assessed: dict[int, Assessment] = {}
            changes: dict[int, list[Assessment]] = {}
            for a, name in session.execute(
                select(DuesAssessment, Member.name)
                .join(Member, Member.id == DuesAssessment.member_id)
                .where(DuesAssessment.branch_id == self.ws.branch_id, DuesAssessment.year == year)
                .order_by(DuesAssessment.from_month)
            ):
                if a.member_id in assessed:
                    changes.setdefault(a.member_id, []).append(_assessment(a, name))
                else:
                    assessed[a.member_id] = _assessment(a, name)
            paid = self._paid(session, jan, dec)
            exempt = self._exempt(session, jan, dec)
            payments = self._payments(session, jan, dec)
        return DuesYear(year, spans, schedule, assessed, paid, exempt, payments, changes)

    # ---- payments ------------------------------------------------------------------------------
    def payments(self, *, member_id: int | None = None, year: int | None = None) -> list[Payment]:
        first = month_index((year, 1)) if year else 0
        last = month_index((year, 12)) if year else 10**7
        with self.ws.read() as session:
            return self._payments(session, first, last, member_id)

    def _payments(
        self, session: Session, first: int, last: int, member_id: int | None = None
    ) -> list[Payment]:
        stmt = (
            select(DuesPayment, Member.name)
            .join(Member, Member.id == DuesPayment.member_id)
            .where(DuesPayment.branch_id == self.ws.branch_id)
            .order_by(DuesPayment.paid_on, DuesPayment.id)
        )
        if member_id is not None:
            stmt = stmt.where(DuesPayment.member_id == member_id)
        months: dict[int, list[tuple[int, int]]] = defaultdict(list)
        mstmt = (
            select(DuesPaymentMonth.payment_id, DuesPaymentMonth.month, DuesPaymentMonth.amount_fen)
            .join(DuesPayment, DuesPayment.id == DuesPaymentMonth.payment_id)
            .where(DuesPayment.branch_id == self.ws.branch_id)
        )
        if member_id is not None:
            mstmt = mstmt.where(DuesPayment.member_id == member_id)
        for pid, month, amount in session.execute(mstmt):
            months[pid].append((month_index(month), amount))
        out = []
        for p, name in session.execute(stmt):
            covered = sorted(months.get(p.id, []))
            if covered and (covered[-1][0] < first or covered[0][0] > last):
                continue
            out.append(Payment(p.id, p.member_id, name, p.paid_on, p.amount_fen, tuple(m for m, _ in covered),
                               tuple(a for _, a in covered), p.collector, p.converted, p.notes))  # fmt: skip
        return out

    def record_payment(self, values: PaymentInput) -> Payment:
        """One payment of one member for one or more months (one transaction)."""
        with self.ws.write("登记党费缴纳") as session:
            [payment] = self._record(session, [values])
            return payment

    def record_payments(
        self, payments: Sequence[PaymentInput], *, operation: str = "登记党费缴纳"
    ) -> list[Payment]:
        """Several payments in one transaction: all or none (a DuesError names the first wrong one)."""
        with self.ws.write(operation) as session:
            return self._record(session, payments)

    def _record(self, session: Session, payments: Sequence[PaymentInput]) -> list[Payment]:
        if not payments:
            return []
        by_member = {s.member_id: s for s in self.spans(session)}
        months_all = [m for p in payments for m in p.months]
        if not months_all:
            raise DuesError("请选择缴纳的月份")
        first, last = min(months_all), max(months_all)
        schedule = self._schedule(session, [by_member[p.member_id] for p in payments if p.member_id in by_member],
                                  first, last)  # fmt: skip
        ids = list({p.member_id for p in payments})
        taken: set[tuple[int, int]] = set()
        for chunk in _chunks(ids, 500):
            for mid, month in session.execute(
                select(DuesPaymentMonth.member_id, DuesPaymentMonth.month).where(
                    DuesPaymentMonth.member_id.in_(chunk),
                    DuesPaymentMonth.month >= month_date(first),
                    DuesPaymentMonth.month <= month_date(last),
                )
            ):
                taken.add((mid, month_index(month)))
        rows, out = [], []
        for p in payments:
            span = by_member.get(p.member_id)
            if span is None:
                raise NotFoundError(f"没有编号为 {p.member_id} 的党员档案")
            months = sorted(set(p.months))
            if not months:
                raise DuesError(f"{span.name}：请选择缴纳的月份")
            if months[0] < span.first:
                raise DuesError(f"{span.name}：{month_label(months[0])}在其入党（或转入）之前，不应交纳党费")
            if span.last_payable is not None and months[-1] > span.last_payable:
                raise DuesError(
                    f"{span.name}：{month_label(months[-1])}已不在本支部（{MemberStatus(span.status).label}），"
                    "之后的党费应在新的党组织交纳"
                )
            if p.paid_on > dt.date.today() + dt.timedelta(days=1):
                raise DuesError(f"{span.name}：缴纳日期{p.paid_on.isoformat()}晚于今天")
            twice = [m for m in months if (p.member_id, m) in taken]
            if twice:
                raise DuesError(f"{span.name}：{months_text(twice)}的党费已经交过")
            taken.update((p.member_id, m) for m in months)
            dues = [schedule.get(p.member_id, {}).get(m) for m in months]
            amount = p.amount_fen if p.amount_fen is not None else sum(d or 0 for d in dues)
            if amount < 0:
                raise DuesError(f"{span.name}：金额不能为负数")
            shares = _split(amount, dues)
            row = DuesPayment(branch_id=self.ws.branch_id, member_id=p.member_id, paid_on=p.paid_on,
                              amount_fen=amount, collector=p.collector.strip(), converted=p.converted,
                              notes=p.notes.strip())  # fmt: skip
            rows.append((row, months, shares))
            session.add(row)
        session.flush()
        for row, months, shares in rows:
            session.add_all(
                DuesPaymentMonth(
                    payment_id=row.id, member_id=row.member_id, month=month_date(m), amount_fen=a
                )
                for m, a in zip(months, shares, strict=True)
            )
            out.append(Payment(row.id, row.member_id, by_member[row.member_id].name, row.paid_on, row.amount_fen,
                               tuple(months), tuple(shares), row.collector, row.converted, row.notes))  # fmt: skip
        self._sync_paid_to(session, {p.member_id for p in payments})
        return out

    def delete_payment(self, payment_id: int) -> None:
        with self.ws.write("删除党费缴纳记录") as session:
            row = session.get(DuesPayment, payment_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {payment_id} 的党费缴纳记录")
            session.execute(delete(DuesPaymentMonth).where(DuesPaymentMonth.payment_id == payment_id))
            session.delete(row)
            session.flush()
            self._sync_paid_to(session, {row.member_id})

    def _sync_paid_to(self, session: Session, member_ids: set[int]) -> None:
        """Keep the member file's "paid up to" (the end of the last month paid) current.

        Written with one UPDATE per chunk and the member files' update entries queued for the audit trail
        (as the unit of work would write them: ``dues_paid_to`` before → after): loading 200 member files
        into the session to change one date cost more than the rest of a 本月收缴 save."""
        from sqlalchemy import bindparam, update

        from branchdesk.db.types import utcnow
        from branchdesk.db.uow import _INFO_KEY, add_entries

        session.flush()
        info = session.info.get(_INFO_KEY, {})
        conn = session.connection()
        table = Member.__table__
        for chunk in _chunks(sorted(member_ids), 500):
            latest = dict(
                conn.execute(
                    select(DuesPaymentMonth.member_id, _raw(func.max(DuesPaymentMonth.month)))
                    .where(DuesPaymentMonth.member_id.in_(chunk))
                    .group_by(DuesPaymentMonth.member_id)
                ).all()
            )
            changed = []
            for member_id, before in conn.execute(
                select(Member.id, _raw(Member.dues_paid_to)).where(Member.id.in_(chunk))
            ):
                last = latest.get(member_id)
                after = month_end(month_index(_day(last))) if last is not None else None
                before = _day(before) if before is not None else None
                if before != after:
                    changed.append((member_id, before, after))
            if not changed:
                continue
            now = utcnow()
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("mid"))
                .values(dues_paid_to=bindparam("paid_to"), updated_at=bindparam("now")),
                [{"mid": m, "paid_to": after, "now": now} for m, _, after in changed],
            )
            add_entries(
                session,
                [
                    {"user": info.get("user", self.ws.user), "operation": info.get("operation", ""),
                     "action": "update", "entity": "member", "entity_id": m,
                     "changes": {"dues_paid_to": [_iso(before), _iso(after)]}}
                    for m, before, after in changed
                ],
            )  # fmt: skip

    # ---- 本月收缴 ------------------------------------------------------------------------------
    def collection_sheet(self, month: int) -> list[CollectionLine]:
        """The whole branch for one month: who owes it, the amount prefilled, who has paid already."""
        with self.ws.read() as session:
            spans = [
                s
                for s in self.spans(session)
                if s.first <= month and (s.last_payable is None or s.last_payable >= month)
            ]
            schedule = self._schedule(session, spans, month, month)
            paid = self._paid(session, month, month)
            exempt = self._exempt(session, month, month)
        out = []
        for s in spans:
            note = "失联" if s.lost else ""
            out.append(CollectionLine(s.member_id, s.name, s.group, schedule[s.member_id].get(month, 0),
                                      month in paid.get(s.member_id, {}), exempt.get(s.member_id, {}).get(month, ""),
                                      note))  # fmt: skip
        return out

    def collect_month(self, month: int, paid: Sequence[tuple[int, int]], *, paid_on: dt.date, collector: str = ""
                      ) -> list[Payment]:  # fmt: skip
        """本月收缴: (member id, amount fen) of each member who paid ``month`` — one save, one transaction."""
        if not paid:
            return []
        payments = [PaymentInput(mid, paid_on, (month,), amount, collector) for mid, amount in paid]
        return self.record_payments(
            payments, operation=f"本月收缴：{month_label(month)}（{len(payments)}人）"
        )

    # ---- remittances --------------------------------------------------------------------------
    def record_remittance(self, values: RemittanceInput) -> Remittance:
        if values.to_month < values.from_month:
            raise DuesError("上缴所属月份的结束月份早于开始月份")
        if values.amount_fen <= 0:
            raise DuesError("上缴金额应大于零")
        with self.ws.write("登记党费上缴") as session:
            row = DuesRemittance(
                branch_id=self.ws.branch_id, remitted_on=values.remitted_on, amount_fen=values.amount_fen,
                from_month=month_date(values.from_month), to_month=month_date(values.to_month),
                receipt_no=values.receipt_no.strip(), recipient=values.recipient.strip(),
                handled_by=values.handled_by.strip(), notes=values.notes.strip(),
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _remittance(row)

    def remittances(self, year: int | None = None) -> list[Remittance]:
        with self.ws.read() as session:
            stmt = select(DuesRemittance).where(DuesRemittance.branch_id == self.ws.branch_id)
            if year is not None:
                stmt = stmt.where(
                    DuesRemittance.to_month >= dt.date(year, 1, 1),
                    DuesRemittance.from_month <= dt.date(year, 12, 1),
                )
            return [_remittance(r) for r in session.scalars(stmt.order_by(DuesRemittance.remitted_on))]

    def delete_remittance(self, remittance_id: int) -> None:
        with self.ws.write("删除党费上缴记录") as session:
            row = session.get(DuesRemittance, remittance_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {remittance_id} 的党费上缴记录")
            session.delete(row)

    def balance(self, year: int) -> tuple[int, int, int]:
        """(collected, remitted, collected − remitted) for the months of a year."""
        jan, dec = month_index((year, 1)), month_index((year, 12))
        with self.ws.read() as session:
            collected = session.scalar(
                select(func.coalesce(func.sum(DuesPaymentMonth.amount_fen), 0))
                .join(DuesPayment, DuesPayment.id == DuesPaymentMonth.payment_id)
                .where(DuesPayment.branch_id == self.ws.branch_id, DuesPaymentMonth.month >= month_date(jan),
                       DuesPaymentMonth.month <= month_date(dec))
            )  # fmt: skip
        remitted = sum(r.amount_fen for r in self.remittances(year))
        return int(collected or 0), remitted, int(collected or 0) - remitted

    # ---- exemptions ---------------------------------------------------------------------------
    def add_exemption(self, values: ExemptionInput) -> Exemption:
        kind = ExemptionKind(values.kind)
        if not values.reason.strip():
            raise DuesError("请填写免交（或在外地交纳）的原因")
        if values.to_month is not None and values.to_month < values.from_month:
            raise DuesError("结束月份早于开始月份")
        with self.ws.write(f"登记党费{kind.label}") as session:
            member = self._member(session, values.member_id)
            row = DuesExemption(
                branch_id=self.ws.branch_id, member_id=values.member_id, kind=kind.value,
                from_month=month_date(values.from_month),
                to_month=month_date(values.to_month) if values.to_month is not None else None,
                reason=values.reason.strip(), approved_by=values.approved_by.strip(), approved_on=values.approved_on,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _exemption(row, member.name)

    def exemptions(self, member_id: int | None = None) -> list[Exemption]:
        with self.ws.read() as session:
            stmt = (
                select(DuesExemption, Member.name)
                .join(Member, Member.id == DuesExemption.member_id)
                .where(DuesExemption.branch_id == self.ws.branch_id)
                .order_by(DuesExemption.from_month)
            )
            if member_id is not None:
                stmt = stmt.where(DuesExemption.member_id == member_id)
            return [_exemption(e, name) for e, name in session.execute(stmt)]

    def delete_exemption(self, exemption_id: int) -> None:
        with self.ws.write("删除党费免交记录") as session:
            row = session.get(DuesExemption, exemption_id)
            if row is None or row.branch_id != self.ws.branch_id:
                raise NotFoundError(f"没有编号为 {exemption_id} 的党费免交记录")
            session.delete(row)

    # ---- arrears ------------------------------------------------------------------------------
    def arrears(self, on: dt.date | None = None, *, only_owing: bool = True) -> list[MemberArrears]:
        """Who owes which months and how much on ``on`` (default today): months from the member's first
        due month (not before the branch's first dues month) to the last month due; exempt months are
        not owed. Members with nothing unpaid are left out unless ``only_owing`` is False.

        Fast on large branches: one grouped query gives each member's paid months in the window (first,
        last, count); a member whose paid months are one unbroken run covering every month due owes
        nothing, and only the others' months and dues are read."""
        on = on or dt.date.today()
        until = last_due_month(on)
        with self.ws.read() as session:
            since = self.since(session)
            if since is None or until < since:
                return []
            spans = self.spans(session)
            month = DuesPaymentMonth.month
            if session.get_bind().dialect.name == "sqlite":
                # not by the month index: grouped by member along the (member, month) index, no sorting
                month = literal_column("+dues_payment_month.month", Date)
            stats = {
                mid: (lo, hi, n)
                for mid, lo, hi, n in session.connection().execute(
                    select(DuesPaymentMonth.member_id, _raw(func.min(month)), _raw(func.max(month)), func.count())
                    .where(month >= month_date(since), month <= month_date(until),
                           DuesPaymentMonth.member_id.in_(
                               select(Member.id).where(Member.branch_id == self.ws.branch_id)
                           ))  # this branch's members only: not every branch's months
                    .group_by(DuesPaymentMonth.member_id)
                )
            }  # fmt: skip
            exempt = self._exempt(session, since, until)
            settled, owing = [], []
            for s in spans:
                due = s.due_range(since, until)
                st = stats.get(s.member_id)
                if not len(due):
                    settled.append((s, due))
                    continue
                if st is not None and s.member_id not in exempt:
                    lo, hi = _month_of(st[0]), _month_of(st[1])
                    if hi - lo + 1 == st[2] and lo <= due[0] and hi >= due[-1]:
                        settled.append((s, due))
                        continue
                owing.append((s, due))
            paid: dict[int, dict[int, int]] = {}
            ids = [s.member_id for s, _ in owing]
            for chunk in _chunks(ids, 500):
                for mid, month, amount in session.connection().execute(
                    select(
                        DuesPaymentMonth.member_id, _raw(DuesPaymentMonth.month), DuesPaymentMonth.amount_fen
                    ).where(
                        DuesPaymentMonth.member_id.in_(chunk),
                        DuesPaymentMonth.month >= month_date(since),
                        DuesPaymentMonth.month <= month_date(until),
                    )
                ):
                    paid.setdefault(mid, {})[month_index(_day(month))] = amount
            schedule = self._schedule(session, [s for s, _ in owing], since, until)
        out = []
        for s, due in owing:
            a = dd.arrears_of(s.member_id, s.name, due, paid.get(s.member_id, {}).keys(),
                              exempt.get(s.member_id, {}).keys(), schedule.get(s.member_id))  # fmt: skip
            if a.unpaid or not only_owing:
                out.append(a)
        if not only_owing:
            out += [
                dd.arrears_of(s.member_id, s.name, due, set(range(due.start, due.stop))) for s, due in settled
            ]
        return out

    def arrears_map(self, on: dt.date) -> dict[int, MemberArrears]:
        """member id -> arrears (those who owe), the snapshot MEM-DUES-6M reads (``records.extra["dues"]``)."""
        return {a.member_id: a for a in self.arrears(on)}

    def member_months(self, member_id: int, year: int) -> dict[int, tuple[str, int | None]]:
        """One member's year for the member file: month (1–12) -> (state, amount): state is 已交, 未交,
        a label of an exemption, or "" (not due)."""
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
        d = self.year(year)
        span = next((s for s in d.members if s.member_id == member_id), None)
        out: dict[int, tuple[str, int | None]] = {}
        for i in range(12):
            m = month_index((year, i + 1))
            if m in d.paid.get(member_id, {}):
                out[i + 1] = ("已交", d.paid[member_id][m])
            elif m in d.exempt.get(member_id, {}):
                out[i + 1] = (d.exempt[member_id][m], None)
            elif span is not None and m in span.due_range(m, m):
                out[i + 1] = ("未交", d.schedule.get(member_id, {}).get(m))
            else:
                out[i + 1] = ("", None)
        return out

    def member_summary(self, member_id: int, on: dt.date | None = None) -> str:
        """One line for the member's file: this year's months paid, what is owed, paid up to."""
        on = on or dt.date.today()
        until = last_due_month(on)
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            spans = self.spans(session, member_id=member_id)
            if not spans:
                return "无党费记录"
            span = spans[0]
            since = self.since(session)
            jan = month_index((on.year, 1))
            first = min(jan, since if since is not None else jan)
            paid = self._paid(session, first, month_index(on), member_id).get(member_id, {})
            exempt = self._exempt(session, first, month_index(on)).get(member_id, {})
            schedule = self._schedule(session, spans, min(first, until), max(until, month_index(on)))
            last = session.scalar(
                select(func.max(DuesPaymentMonth.month)).where(DuesPaymentMonth.member_id == member_id)
            )
        monthly = schedule.get(member_id, {}).get(month_index(on))
        parts = []
        this_year = [m for m in paid if m >= jan]
        if this_year:
            parts.append(f"{on.year}年已交{months_text(this_year).replace(f'{on.year}年', '')}")
        if monthly is not None:
            parts.append(f"月缴{dd.format_fen(monthly)}元")
        if last is not None:
            parts.append(f"交至{month_label(month_index(_day(last)))}")
        if since is not None:
            a = dd.arrears_of(member_id, span.name, span.due_range(since, until), paid.keys(), exempt.keys(),
                              schedule.get(member_id))  # fmt: skip
            if a.unpaid:
                parts.append(f"欠交{a.months_text}，共{dd.format_fen(a.amount_fen)}元")
            if a.run >= dd.LAPSE_MONTHS:
                parts.append(f"已连续{a.run}个月未交（应按自行脱党处理，或登记正当理由）")
            elif a.run >= dd.WARN_MONTHS:
                parts.append(f"已连续{a.run}个月未交，请提醒交纳")
        if exempt:
            parts.append("、".join(sorted(set(exempt.values()))))
        return "；".join(parts) or "无党费记录"

    def member_dues(self, member_id: int, on: dt.date | None = None) -> MemberDues:
        """The member file's 月缴党费 and 党费交至, as the payments and assessments give them on ``on``."""
        month = month_index(on or dt.date.today())
        with self.ws.read() as session:
            member = self._member(session, member_id)  # of this branch, else NotFoundError
            recorded = member.dues_monthly_fen
            spans = self.spans(session, member_id=member_id)
            monthly = self._schedule(session, spans, month, month).get(member_id, {}).get(month)
            if not spans:  # no date of admission or transfer in: the amount as recorded
                monthly = recorded
            last = session.scalar(
                select(func.max(DuesPaymentMonth.month)).where(DuesPaymentMonth.member_id == member_id)
            )
        return MemberDues(monthly, month_end(month_index(_day(last))) if last is not None else None)

    def record_paid_up_to(
        self, session: Session, paid_to: dict[int, dt.date], *, notes: str, today: dt.date | None = None
    ) -> tuple[dict[int, int], dict[int, str]]:
        """Record :meth:`paid_up_to_payments` in the caller's unit of work; returns (member id -> payments
        written, member id -> why the date was not used)."""
        payments, reasons = self.paid_up_to_payments(session, paid_to, notes=notes, today=today)
        self._record(session, payments)
        written: dict[int, int] = defaultdict(int)
        for p in payments:
            written[p.member_id] += 1
        return dict(written), reasons

    def paid_up_to_payments(
        self,
        session: Session,
        paid_to: dict[int, dt.date],
        *,
        notes: str = "",
        today: dt.date | None = None,
        monthly: dict[int, int | None] | None = None,
    ) -> tuple[list[PaymentInput], dict[int, str]]:
        """The payments a "paid up to" date stands for (the roster import's 党费交至), as migration 0012
        converted them: one payment (``converted``) per month at the month's dues, from January of the
        date's year — or the month of admission / transfer in, or the month after the last one paid, if
        later — to the month of the date; each dated the month's first day (today at the latest). Writes
        nothing; returns them and, per member, why the date cannot be used. ``monthly``: member id -> the
        monthly amount to assume instead of the recorded one (a preview of an import that sets it)."""
        today = today or dt.date.today()
        if not paid_to:
            return [], {}
        session.flush()
        spans = {s.member_id: s for s in self.spans(session) if s.member_id in paid_to}
        for mid, amount in (monthly or {}).items():
            if mid in spans:
                spans[mid].monthly_fen = amount
        last_paid: dict[int, int] = {}
        for chunk in _chunks(sorted(paid_to), 500):
            for mid, last in session.connection().execute(
                select(DuesPaymentMonth.member_id, _raw(func.max(DuesPaymentMonth.month)))
                .where(DuesPaymentMonth.member_id.in_(chunk))
                .group_by(DuesPaymentMonth.member_id)
            ):
                last_paid[mid] = month_index(_day(last))
        reasons: dict[int, str] = {}
        wanted: dict[int, range] = {}
        for mid, day in paid_to.items():
            span, until = spans.get(mid), month_index(day)
            done = last_paid.get(mid)
            if done is not None and done >= until:
                if done > until:
                    reasons[mid] = f"已登记缴纳至{month_label(done)}，晚于表中的{month_label(until)}"
                continue
            if span is None:
                reasons[mid] = "没有入党日期（或转入日期），无法确定应交月份"
                continue
            first = max(month_index((day.year, 1)), span.first, (done + 1) if done is not None else 0)
            last = until if span.last_payable is None else min(until, span.last_payable)
            if first > last:
                reasons[mid] = f"{month_label(until)}早于入党（或转入）的月份"
                continue
            wanted[mid] = range(first, last + 1)
        payments: list[PaymentInput] = []
        if wanted:
            schedule = self._schedule(session, [spans[m] for m in wanted], min(r.start for r in wanted.values()),
                                      max(r.stop - 1 for r in wanted.values()))  # fmt: skip
            for mid, months in wanted.items():
                dues = schedule.get(mid, {})
                if any(dues.get(m) is None for m in months):
                    reasons[mid] = "没有月缴党费（请先在“党费”页核定）"
                    continue
                payments += [PaymentInput(mid, min(month_date(m), today), (m,), dues[m], "", notes, converted=True)
                             for m in months]  # fmt: skip
        return payments, reasons

    # ---- helpers ------------------------------------------------------------------------------
    def _member(self, session: Session, member_id: int) -> Member:
        return own(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)


# ============================================================================ helpers


def _day(value) -> dt.date:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _month_of(value) -> int:
    """The month index of a date or of its ISO text (as `_raw` columns read on SQLite)."""
    if isinstance(value, str):
        return int(value[:4]) * 12 + int(value[5:7]) - 1
    return value.year * 12 + value.month - 1


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _raw(column):
    """A date column read as the driver gives it (SQLite: ISO text, parsed by `_day` — SQLAlchemy's own
    date parsing costs more than the query on ten thousand rows; PostgreSQL: a date already)."""
    return type_coerce(column, String)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _split(amount: int, dues: list[int | None]) -> list[int]:
    """A payment's amount over its months: each month's dues when they add up, else evenly (the
    remainder on the last month)."""
    if all(d is not None for d in dues) and sum(dues) == amount:  # type: ignore[arg-type]
        return list(dues)  # type: ignore[arg-type]
    n = len(dues)
    share, rest = divmod(amount, n)
    return [share] * (n - 1) + [share + rest]


def _assessment_values(values: AssessmentInput) -> dict:
    category = DuesCategory(values.category)
    if not 1 <= values.from_month <= 12:
        raise DuesError("起始月份应在1至12之间")
    basis = values.basis_fen
    farmer = values.amount_fen if category is DuesCategory.FARMER else None
    computed = dd.dues_amount(category, basis, farmer_fen=farmer)
    rate = dd.dues_rate_bp(category, basis)
    amount = computed if values.amount_fen is None else values.amount_fen
    reason = values.override_reason.strip()
    if amount < 0:
        raise DuesError("月缴党费不能为负数")
    if amount != computed and category is not DuesCategory.FARMER and not reason:
        raise DuesError(
            f"按标准应为每月{dd.format_fen(computed)}元，改为{dd.format_fen(amount)}元需填写原因（如自愿多交）"
        )
    return {
        "year": values.year, "from_month": values.from_month, "category": category.value, "basis_fen": basis,
        "rate_bp": rate, "computed_fen": computed, "amount_fen": amount,
        "override_reason": reason if amount != computed else "", "changed_on": values.changed_on,
        "notes": values.notes.strip(),
    }  # fmt: skip


def _assessment(a: DuesAssessment, name: str) -> Assessment:
    return Assessment(a.id, a.member_id, name, a.year, a.from_month, a.category, a.basis_fen, a.rate_bp,
                      a.computed_fen, a.amount_fen, a.override_reason, a.changed_on, a.notes)  # fmt: skip


def _remittance(r: DuesRemittance) -> Remittance:
    return Remittance(r.id, r.remitted_on, r.amount_fen, month_index(r.from_month), month_index(r.to_month),
                      r.receipt_no, r.recipient, r.handled_by, r.notes)  # fmt: skip


def _exemption(e: DuesExemption, name: str) -> Exemption:
    return Exemption(e.id, e.member_id, name, e.kind, month_index(e.from_month),
                     month_index(e.to_month) if e.to_month else None, e.reason, e.approved_by, e.approved_on)  # fmt: skip


# ============================================================================ MEM-DUES-6M


def check_dues(records: BranchRecords, ctx: RuleContext) -> Iterator[Violation]:
    """Six consecutive months unpaid → 自行脱党 handling (blocking); from three, a warning. A lost-contact
    member is MEM-LOST-6M's; an exemption (approved, or paying elsewhere) stops the count."""
    arrears: dict[int, MemberArrears] = records.extra.get("dues") or {}
    for m in records.members:
        a = arrears.get(m.id)
        if (
            a is None
            or a.run < dd.WARN_MONTHS
            or m.lost_since is not None
            or not m.entry.member_on(records.as_of)
        ):
            continue
        since = month_date(a.run_since) if a.run_since is not None else None
        period = months_text(range(a.run_since, a.run_since + a.run)) if a.run_since is not None else ""
        if a.run >= dd.LAPSE_MONTHS:
            text = (
                f"{m.name}已连续{a.run}个月（{period}）未交纳党费，共{dd.format_fen(a.amount_fen)}元。党章规定，"
                "连续六个月不交纳党费、没有正当理由的，应视为自行脱党：请查明原因，由支部大会讨论决定并报上级党委批准；"
                "有正当理由的（如经批准减免、在外地交纳），请在党费页面登记原因。"
            )
            severity = Severity.BLOCKING
        else:
            text = (
                f"{m.name}已连续{a.run}个月（{period}）未交纳党费。请及时提醒交纳；"
                "连续六个月不交纳党费且无正当理由的，应按自行脱党处理。"
            )
            severity = Severity.WARNING
        yield Violation(step=None, message=text, subject=m.name, member_id=m.id, severity=severity,
                        overdue=True, dates={"dues_unpaid_since": since} if since else {})  # fmt: skip


register_member_rule(
    member_rule(
        "MEM-DUES-6M", "连续六个月不交纳党费", "党章第九条；党费规定", Severity.WARNING, check_dues,
        description="在册党员连续3个月未交纳党费为提醒，连续6个月为严重（应按自行脱党处理）；"
                    "失联党员由 MEM-LOST-6M 处理；登记了免交或在外地交纳的月份不计入。",
    )
)  # fmt: skip
