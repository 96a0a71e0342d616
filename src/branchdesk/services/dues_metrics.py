"""The dues area's part in readiness (issues 14, 16): the metric ``dues.on_time`` the rubrics score
党费按时足额交纳 from, the 工作台's dues to-dos and the annual summary's dues paragraph. Qt-free.

*On time* means: every month of the year that was due by the check date (from the member's first month
here, not before the branch's first dues month, up to the last month due — the current month may still be
paid in it) and is not exempt was paid **by the end of that month** (paying ahead counts) and **in full**
(the amount recorded for the month is at least its dues). A member with no month due in the year is not
counted. A branch that has no dues record of the year (no payment for one of its months, no assessment)
returns None: the item is scored by hand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from branchdesk.domain.dues import WARN_MONTHS, format_fen, month_date, month_end, month_index, month_label
from branchdesk.domain.rubric import Evidence, MetricResult
from branchdesk.services.readiness_metrics import MetricInputs, register_metric

if TYPE_CHECKING:
    from branchdesk.services.workbench import Todo
    from branchdesk.workspace import Workspace


def _short_names(names: list[str], limit: int = 6) -> str:
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


@register_metric("dues.on_time", "按时足额交纳党费的党员比例", "比例")
def dues_on_time(inputs: MetricInputs) -> MetricResult | None:
    from branchdesk.services.dues import last_due_month

    ws, year = inputs.ws, inputs.year
    d = _year(ws, year)
    if d is None:
        return None  # the branch keeps no dues here for this year
    members, schedule, paid_months, exempt, paid_on, since = d
    jan, dec = month_index((year, 1)), month_index((year, 12))
    until = min(dec, last_due_month(inputs.as_of))
    counted = 0
    behind: list[tuple[int, str, str]] = []  # (member id, name, what is wrong)
    start = max(jan, since if since is not None else jan)
    for s in members:
        due = [m for m in s.due_range(start, until) if m not in exempt.get(s.member_id, {})]
        if not due:
            continue
        counted += 1
        paid = paid_months.get(s.member_id, {})
        dues = schedule.get(s.member_id, {})
        unpaid = [m for m in due if m not in paid]
        late = [m for m in due if m in paid and paid_on.get((s.member_id, m), month_end(m)) > month_end(m)]
        short = [m for m in due if m in paid and m not in late and paid[m] < dues.get(m, 0)]
        if unpaid or late or short:
            parts = []
            if unpaid:
                parts.append(f"未交{len(unpaid)}个月（{_months(unpaid)}）")
            if late:
                parts.append(f"逾期交纳{len(late)}个月（{_months(late)}）")
            if short:
                parts.append(f"少交{len(short)}个月（{_months(short)}）")
            behind.append((s.member_id, s.name, "，".join(parts)))
    if not counted:
        return None
    rate = Decimal(counted - len(behind)) / Decimal(counted)
    until_text = "全年" if until == dec else f"截至{month_date(until).month}月"
    summary = f"{counted}名党员中{counted - len(behind)}名{until_text}按时足额交纳党费"
    evidence = tuple(Evidence("member", mid, f"{name}：{what}") for mid, name, what in behind)
    gap = (
        f"{len(behind)}名党员本年党费未按时足额交纳（{_short_names([n for _, n, _ in behind])}）"
        if behind
        else ""
    )
    return MetricResult("dues.on_time", rate, summary, evidence, gap_text=gap, action="dues")


def _year(ws: Workspace, year: int):
    """What the metric reads of a year (members, dues per month, months paid with their amounts and the
    day each was paid, exemptions, the branch's first dues month) in one session with Core rows — not
    ``DuesService.year``, which loads every payment of the branch as a record for the ledger. None when
    the year has no payment for one of its months and no assessment."""
    from sqlalchemy import select

    from branchdesk.db.models_dues import DuesAssessment, DuesPayment, DuesPaymentMonth

    dues = ws.dues
    jan, dec = month_index((year, 1)), month_index((year, 12))
    with ws.read() as session:
        paid = dues._paid(session, jan, dec)
        assessed = session.scalar(
            select(DuesAssessment.id)
            .where(DuesAssessment.branch_id == ws.branch_id, DuesAssessment.year == year)
            .limit(1)
        )
        if not paid and assessed is None:
            return None
        members = [
            s
            for s in dues.spans(session)
            if s.first <= dec and (s.last_payable is None or s.last_payable >= jan)
        ]
        schedule = dues._schedule(session, members, jan, dec)
        exempt = dues._exempt(session, jan, dec)
        paid_on = {
            (mid, month_index(month)): day
            for mid, month, day in session.execute(
                select(DuesPaymentMonth.member_id, DuesPaymentMonth.month, DuesPayment.paid_on)
                .join(DuesPayment, DuesPayment.id == DuesPaymentMonth.payment_id)
                .where(DuesPayment.branch_id == ws.branch_id, DuesPaymentMonth.month >= month_date(jan),
                       DuesPaymentMonth.month <= month_date(dec))
            )
        }  # fmt: skip
        since = dues.since(session)
    return members, schedule, paid, exempt, paid_on, since


def _months(months: list[int]) -> str:
    from branchdesk.domain.dues import months_text

    return months_text(months)


# ====================================================================== the 工作台


def dues_todos(ws: Workspace, as_of: dt.date) -> list[Todo]:
    """This month's 党费 not yet collected (one line), and members three or more months behind (one each,
    overdue; not those lost contact: their review is a to-do of its own) — only in a branch that keeps
    its dues here."""
    from branchdesk.services.workbench import Todo

    if ws.dues.since() is None:
        return []
    month = month_index(as_of)
    out = []
    open_ = [c for c in ws.dues.collection_sheet(month) if not c.paid and not c.exempt and c.amount_fen > 0]
    if open_:
        fen = sum(c.amount_fen for c in open_)
        out.append(Todo("党费", f"{month_label(month)}党费尚有{len(open_)}人未交（共{format_fen(fen)}元）",
                        month_end(month), False, "dues"))  # fmt: skip
    lost = {s.member_id for s in ws.dues.spans() if s.lost}  # left to the 停止党籍 review (MEM-LOST-6M)
    for a in ws.dues.arrears(as_of):
        if a.run >= WARN_MONTHS and a.run_since is not None and a.member_id not in lost:
            out.append(Todo("党费", f"{a.name}已连续{a.run}个月未交党费（自{month_label(a.run_since)}起），请提醒交纳",
                            month_end(a.run_since), True, "dues", a.member_id))  # fmt: skip
    return out


# ====================================================================== the annual summary


def dues_section(ws: Workspace, year: int) -> str:
    collected, remitted, kept = ws.dues.balance(year)
    if not collected and not remitted:
        return ""
    text = f"党费收缴：全年收缴党费{format_fen(collected)}元，上缴{format_fen(remitted)}元"
    if kept:
        text += f"，结存{format_fen(kept)}元"
    metric = ws.readiness.metrics(year, names={"dues.on_time"}).get("dues.on_time")
    if metric is not None:
        text += f"；{metric.summary}"
    return text + "。"


def _register() -> None:
    from branchdesk.services import annual_summary, workbench

    if dues_todos not in workbench.SOURCES:
        workbench.SOURCES.append(dues_todos)
    if dues_section not in annual_summary.SECTIONS:
        annual_summary.SECTIONS.insert(0, dues_section)


_register()
