"""Demo dues (issue 14): the yearly assessments and the payments of the demo years.

From January of last year (the years the demo's meetings cover) to the last month due: most members pay
each month in that month, a few pay a month late, one member pays three months at once (a back-payment),
one is three months in arrears (a MEM-DUES-6M warning, nothing blocking), one 流动党员 pays where they
are this year (an exemption). Nobody pays while lost contact or after leaving the branch (transfer out,
death): their last month paid is the one before. The 本月收缴 of the current month is under way (about
two thirds paid) after the 10th. Rosters too large for a full history (the stress-test demos) get none.

Rows are bulk-inserted in the demo's unit of work; its baseline records them in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import bindparam, select, update

from branchdesk.db.models import CommitteeMember, Member
from branchdesk.db.models_dues import DuesAssessment, DuesExemption, DuesPayment, DuesPaymentMonth
from branchdesk.domain.dues import DuesCategory, dues_amount, dues_rate_bp, month_date, month_end, month_index
from branchdesk.domain.vocab import MemberStatus

FULL_HISTORY_LIMIT = 500


def _day_in(month: int, lo: int, hi: int, rng: random.Random, today: dt.date) -> dt.date:
    first = month_date(month)
    last = month_end(month).day
    day = first.replace(day=min(last, rng.randint(lo, hi)))
    return min(day, today)


def insert_demo_dues(session, *, branch_id: int, today: dt.date, rng: random.Random) -> int:
    """Insert the demo's dues records; returns how many payments."""
    from branchdesk.services.dues import last_due_month

    members = session.execute(
        select(Member.id, Member.status, Member.status_date, Member.join_date, Member.transferred_in_date,
               Member.lost_contact, Member.lost_contact_since, Member.is_mobile_member, Member.job,
               Member.dues_basis_fen, Member.dues_monthly_fen, Member.member_type)
        .where(Member.branch_id == branch_id).order_by(Member.id)
    ).all()  # fmt: skip
    if not members or len(members) > FULL_HISTORY_LIMIT:
        return 0
    collector = session.scalar(
        select(Member.name)
        .join(CommitteeMember, CommitteeMember.member_id == Member.id)
        .where(CommitteeMember.branch_id == branch_id, CommitteeMember.ended_on.is_(None),
               CommitteeMember.post.in_(("organisation", "secretary")))
        .order_by(CommitteeMember.post)
        .limit(1)
    ) or ""  # fmt: skip
    start = month_index((today.year - 1, 1))
    last_due = last_due_month(today)
    this_month = month_index(today)

    # who pays which months here
    plans: dict[int, tuple[int, int]] = {}  # member -> (first, last) payable months
    begins: dict[int, dt.date] = {}  # member -> admission or transfer in (nobody pays before it)
    for m in members:
        begin = [d for d in (m.join_date, m.transferred_in_date) if d is not None]
        if not begin or m.dues_monthly_fen is None:
            continue
        first = max(start, month_index(max(begin)))
        last = this_month
        if m.status != MemberStatus.ACTIVE.value and m.status_date is not None:
            last = min(last, month_index(m.status_date) - 1)
        if m.lost_contact:
            since = m.lost_contact_since or m.status_date or today
            last = min(last, month_index(since) - 1)
        if last >= first:
            plans[m.id] = (first, last)
            begins[m.id] = max(begin)
    steady = [
        m.id for m in members
        if m.id in plans and m.status == MemberStatus.ACTIVE.value and not m.lost_contact
        and plans[m.id][0] <= last_due - 8 and not m.is_mobile_member
    ]  # fmt: skip
    special = rng.sample(steady, min(len(steady), 6))
    arrears = special[0] if special else None
    backpay = special[1] if len(special) > 1 else None
    late = set(special[2:])
    mobile = next(
        (m.id for m in members if m.is_mobile_member and m.id in plans and not m.lost_contact), None
    )
    elsewhere_from = month_index((today.year, 1))

    # assessments: each year the member owes something
    by_id = {m.id: m for m in members}
    assessments = []
    for member_id, (first, last) in plans.items():
        m = by_id[member_id]
        if m.dues_basis_fen is None:
            category, basis = DuesCategory.STUDENT, None
        elif m.job == "退休":
            category, basis = DuesCategory.RETIRED, m.dues_basis_fen
        else:
            category, basis = DuesCategory.EMPLOYED, m.dues_basis_fen
        computed = dues_amount(category, basis)
        for year in (today.year - 1, today.year):
            jan, dec = month_index((year, 1)), month_index((year, 12))
            if max(first, jan) > min(dec, max(last, last_due)):
                continue
            assessments.append({
                "branch_id": branch_id, "member_id": member_id, "year": year,
                "from_month": month_date(max(first, jan)).month, "category": category.value,
                "basis_fen": basis, "rate_bp": dues_rate_bp(category, basis), "computed_fen": computed,
                "amount_fen": m.dues_monthly_fen,
                "override_reason": "" if computed == m.dues_monthly_fen else "本人自愿多交",
                "changed_on": None, "notes": "",
            })  # fmt: skip
    if assessments:
        session.execute(DuesAssessment.__table__.insert(), assessments)

    # payments
    next_id = (session.scalar(select(DuesPayment.id).order_by(DuesPayment.id.desc()).limit(1)) or 0) + 1
    payments, months, paid_to = [], [], {}
    now = dt.datetime.now(dt.UTC)

    def pay(member_id: int, covered: list[int], paid_on: dt.date) -> None:
        nonlocal next_id
        paid_on = min(max(paid_on, begins[member_id]), today)
        amount = by_id[member_id].dues_monthly_fen
        payments.append({"id": next_id, "branch_id": branch_id, "member_id": member_id, "paid_on": paid_on,
                         "amount_fen": amount * len(covered), "collector": collector, "converted": False,
                         "notes": "补交" if len(covered) > 1 else "", "created_at": now})  # fmt: skip
        months.extend({"payment_id": next_id, "member_id": member_id, "month": month_date(c), "amount_fen": amount}
                      for c in covered)  # fmt: skip
        paid_to[member_id] = max(paid_to.get(member_id, 0), max(covered))
        next_id += 1

    late_months = {mid: set(rng.sample(range(start, last_due - 1), 2)) for mid in late}
    collecting = today.day >= 10
    for member_id, (first, last) in plans.items():
        for month in range(first, last + 1):
            if member_id == mobile and month >= elsewhere_from:
                break
            if member_id == arrears and month > last_due - 3:
                break
            if member_id == backpay and last_due - 6 <= month <= last_due - 4:
                if month == last_due - 4:
                    pay(
                        member_id,
                        [last_due - 6, last_due - 5, last_due - 4],
                        _day_in(last_due - 3, 5, 12, rng, today),
                    )
                continue
            if month == this_month:
                if collecting and rng.random() < 0.67:
                    pay(member_id, [month], _day_in(month, 3, today.day, rng, today))
                continue
            if month in late_months.get(member_id, ()):
                pay(member_id, [month], _day_in(month + 1, 3, 15, rng, today))
            else:
                pay(member_id, [month], _day_in(month, 3, 25, rng, today))
    payments.sort(key=lambda p: (p["paid_on"], p["member_id"]))
    if payments:
        session.execute(DuesPayment.__table__.insert(), payments)
        session.execute(DuesPaymentMonth.__table__.insert(), months)
    # remittances: each quarter's collection handed over in the month after the quarter
    from branchdesk.db.models import Branch
    from branchdesk.db.models_dues import DuesRemittance

    higher = session.scalar(select(Branch.higher_committee).where(Branch.id == branch_id)) or ""
    collected: dict[int, int] = {}
    for row in months:
        mi = month_index(row["month"])
        collected[mi] = collected.get(mi, 0) + row["amount_fen"]
    remittances = []
    for q in range(start, this_month, 3):
        hand_over = q + 3
        on = _day_in(hand_over, 8, 15, rng, today)
        if hand_over > this_month or on >= today:
            break
        amount = sum(collected.get(x, 0) for x in range(q, q + 3))
        if amount:
            year, quarter = month_date(q).year, (month_date(q).month - 1) // 3 + 1
            remittances.append({
                "branch_id": branch_id, "remitted_on": on, "amount_fen": amount, "from_month": month_date(q),
                "to_month": month_date(q + 2), "receipt_no": f"党费收据{year}-{quarter:02d}{rng.randint(100, 999)}",
                "recipient": higher, "handled_by": collector, "notes": f"{year}年第{quarter}季度",
            })  # fmt: skip
    if remittances:
        session.execute(DuesRemittance.__table__.insert(), remittances)
    if mobile is not None and plans[mobile][1] >= elsewhere_from:
        m = by_id[mobile]
        session.execute(DuesExemption.__table__.insert(), [{
            "branch_id": branch_id, "member_id": mobile, "kind": "elsewhere", "from_month": month_date(elsewhere_from),
            "to_month": None, "reason": "流动党员，持《流动党员活动证》在流入地党组织交纳党费",
            "approved_by": "支部委员会", "approved_on": month_date(elsewhere_from) - dt.timedelta(days=5),
        }])  # fmt: skip
        del m
    # "paid up to" on the member files follows the payments
    rows = [{"mid": m.id, "paid_to": month_end(paid_to[m.id]) if m.id in paid_to else None} for m in members]
    table = Member.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("mid")).values(dues_paid_to=bindparam("paid_to")),
        rows,
    )
    return len(payments)
