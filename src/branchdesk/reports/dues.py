"""党费 ledgers (domain.md §5, §6; issue 14): the 党费收缴台账 with one column per month, the
党费上缴台账, and a member's 党费缴纳证明 (printed for a transfer).

**党费收缴台账** (one per year of the period): per member the category, the basis, the rate and the
monthly amount of the year's assessment, then the amount paid for each month January–December (blank:
not paid; "外地": a 流动党员 paying where they are; "免交": an approved exemption; "—": not a member of the
branch that month), the year's total and the months owed; a totals row per month; signature lines for
the collector and the secretary with dates. The xlsx imports back (``services.dues_import``).

**党费上缴台账**: each remittance with the months it covers, what was collected for them, the amount
remitted, the difference and the receipt number; the year's balance in the notes.

**党费缴纳证明**: one member's payments month by month (for the transfer letter): the members
transferred out during the period, or one member on request (:func:`dues_certificate`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dues import (
    DuesCategory,
    format_fen,
    format_rate,
    month_index,
    month_label,
    months_text,
)
from branchdesk.reports.ledger import Column, Document, Fields, Ledger, Paragraph, Table

if TYPE_CHECKING:
    from branchdesk.reports.registry import Period
    from branchdesk.services.dues import DuesYear
    from branchdesk.workspace import Workspace

KEY = "dues"
TITLE = "党费收缴台账"
REMITTANCE_KEY, REMITTANCE_TITLE = "dues_remittances", "党费上缴台账"
CERTIFICATE_KEY, CERTIFICATE_TITLE = "dues_certificate", "党费缴纳证明"

ELSEWHERE_MARK = "外地"
EXEMPT_MARK = "免交"
NOT_MEMBER_MARK = "—"
MONTH_TITLES = [f"{m}月" for m in range(1, 13)]

COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("name", "姓名", "text", 7),
    Column("category", "人员类别", "text", 6),
    Column("basis", "计缴基数（元）", "money", 9),
    Column("rate", "比例", "text", 5),
    Column("monthly", "月缴党费（元）", "money", 8),
    *(Column(f"m{m}", MONTH_TITLES[m - 1], "money", 7.5) for m in range(1, 13)),
    Column("total", "合计（元）", "money", 9),
    Column("notes", "备注", "text", 12, wrap=True),
]
FIRST_MONTH_COLUMN = 6  # index of 1月
SIGNATURES = ["收缴人", "日期", "支部书记", "日期"]


def _category_label(value: str) -> str:
    try:
        return DuesCategory(value).label
    except ValueError:
        return value


def collection_ledger(ws: Workspace, year: int, today: dt.date, *, data: DuesYear | None = None,
                      period_label: str = "") -> Ledger:  # fmt: skip
    """党费收缴台账 of one year (``data``: the year already read)."""
    from branchdesk.reports.registers import branch_name_of
    from branchdesk.services.dues import last_due_month

    d = data or _dues_year(ws, year)
    jan = month_index((year, 1))
    until = last_due_month(today)
    rows: list[list[Any]] = []
    month_totals = [0] * 12
    for s in d.members:
        paid = d.paid.get(s.member_id, {})
        exempt = d.exempt.get(s.member_id, {})
        due = s.due_range(jan, jan + 11)
        payable_last = s.last_payable if s.last_payable is not None else jan + 11
        if not len(due) and not paid:
            continue
        a = d.assessments.get(s.member_id)
        cells: list[Any] = []
        owed = []
        for i in range(12):
            m = jan + i
            if m in paid:
                cells.append(paid[m])
                month_totals[i] += paid[m]
            elif m in exempt:
                cells.append(ELSEWHERE_MARK if exempt[m] == "在外地交纳" else EXEMPT_MARK)
            elif m < s.first or m > payable_last:
                cells.append(NOT_MEMBER_MARK)
            else:
                cells.append(None)
                if m in due and m <= until:
                    owed.append(m)
        notes = []
        if owed:
            notes.append(f"欠交{months_text(owed).replace(f'{year}年', '')}")
        if a is not None and a.override_reason:
            notes.append(a.override_reason)
        changes = [x for x in ws_changes(d, s.member_id)]
        if changes:
            notes.append("；".join(changes))
        if s.lost:
            notes.append("失联")
        monthly = a.amount_fen if a is not None else s.monthly_fen
        rows.append(
            [len(rows) + 1, s.name, a.category_label if a else "", a.basis_fen if a else s.basis_fen,
             format_rate(a.rate_bp) if a else "", monthly, *cells, sum(paid.values()), "；".join(notes)]
        )  # fmt: skip
    totals = ["", "合计", "", None, "", None, *(t or None for t in month_totals), sum(month_totals), ""]
    collected, remitted, diff = _balance(ws, year)
    notes = [
        f"共 {len(rows)} 人；本年度收缴党费 {format_fen(collected)} 元，已上缴 {format_fen(remitted)} 元，"
        f"收缴与上缴相差 {format_fen(diff)} 元。",
        f"各月栏填写该月实交金额（元），空白为未交；“{ELSEWHERE_MARK}”为流动党员在流入地党组织交纳，"
        f"“{EXEMPT_MARK}”为经批准减免，“{NOT_MEMBER_MARK}”为该月不在本支部（入党、转入前或转出后）。",
    ]
    return Ledger(
        key=KEY, title=TITLE, branch_name=branch_name_of(ws), period=period_label or f"{year}年度",
        columns=list(COLUMNS), rows=rows, printed_on=today, totals=totals, notes=notes,
        orientation="landscape", signatures=list(SIGNATURES), key_columns=2,
    )  # fmt: skip


def ws_changes(d: DuesYear, member_id: int) -> list[str]:
    """Assessment changes during the year: "7月起月缴220.00元"."""
    out = []
    for a in d.changes.get(member_id, ()):
        out.append(f"{a.from_month}月起月缴{format_fen(a.amount_fen)}元")
    return out


def _balance(ws: Workspace, year: int) -> tuple[int, int, int]:
    return ws.dues.balance(year)


def _dues_year(ws: Workspace, year: int) -> DuesYear:
    """The year's dues, read once per pack (the collection and remittance ledgers and each certificate
    read the same years)."""
    from branchdesk.reports.registry import shared_one

    return shared_one(("dues-year", id(ws), year), lambda: ws.dues.year(year))


def _years(period: Period, today: dt.date) -> list[int]:
    last = min(period.end, max(today, period.start))
    return list(range(period.start.year, last.year + 1))


def dues_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: the 党费收缴台账 of each year of the period."""
    years = _years(period, today)
    return [
        collection_ledger(ws, y, today, period_label=period.label if len(years) == 1 else f"{y}年度")
        for y in years
    ]


# ---------------------------------------------------------------------------- 党费上缴台账
REMITTANCE_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "上缴日期", "date", 10),
    Column("months", "所属月份", "text", 16, wrap=True),
    Column("collected", "本期收缴（元）", "money", 10),
    Column("remitted", "上缴金额（元）", "money", 10),
    Column("difference", "差额（元）", "money", 9),
    Column("receipt", "收据编号", "text", 14),
    Column("recipient", "接收单位", "text", 14, wrap=True),
    Column("handled_by", "经手人", "text", 8),
    Column("notes", "备注", "text", 14, wrap=True),
]


def remittance_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 党费上缴台账 — the remittances of the period's years against what was collected."""
    from branchdesk.reports.registers import branch_name_of

    years = _years(period, today)
    remittances = [r for y in years for r in ws.dues.remittances(y)]
    seen: set[int] = set()
    rows = []
    collected_by_month: dict[int, int] = {}
    for y in years:
        d = _dues_year(ws, y)
        for paid in d.paid.values():
            for m, amount in paid.items():
                collected_by_month[m] = collected_by_month.get(m, 0) + amount
    for r in remittances:
        if r.id in seen:
            continue
        seen.add(r.id)
        collected = sum(collected_by_month.get(m, 0) for m in range(r.from_month, r.to_month + 1))
        rows.append([len(rows) + 1, r.remitted_on, r.months_text, collected, r.amount_fen, collected - r.amount_fen,
                     r.receipt_no, r.recipient, r.handled_by, r.notes])  # fmt: skip
    total_collected = sum(collected_by_month.values())
    total_remitted = sum(r[4] for r in rows)
    notes = [
        f"{'、'.join(f'{y}年' for y in years)}收缴党费共 {format_fen(total_collected)} 元，"
        f"上缴 {format_fen(total_remitted)} 元，未上缴 {format_fen(total_collected - total_remitted)} 元。"
    ]
    return [
        Ledger(
            key=REMITTANCE_KEY, title=REMITTANCE_TITLE, branch_name=branch_name_of(ws), period=period.label,
            columns=list(REMITTANCE_COLUMNS), rows=rows, printed_on=today,
            totals=["", "合计", "", sum(r[3] for r in rows), total_remitted, sum(r[5] for r in rows), "", "", "", ""],
            notes=notes, orientation="landscape", signatures=["经手人", "支部书记", "日期"],
        )
    ]  # fmt: skip


# ---------------------------------------------------------------------------- 党费缴纳证明
CERTIFICATE_COLUMNS = [
    Column("month", "所属月份", "text", 12),
    Column("due", "应交（元）", "money", 9),
    Column("paid", "实交（元）", "money", 9),
    Column("date", "交纳日期", "date", 10),
    Column("state", "情况", "text", 12),
]


def dues_certificate(
    ws: Workspace, member_id: int, today: dt.date, *, until: dt.date | None = None
) -> Document:
    """党费缴纳证明 of one member: the months of the last two years up to ``until`` (default today, or the
    month of leaving), each with what was due, what was paid and when."""
    from branchdesk.reports.registers import branch_name_of
    from branchdesk.services.dues import last_due_month

    member = ws.members.get(member_id)
    spans = {s.member_id: s for s in ws.dues.spans()}
    span = spans.get(member_id)
    payments = ws.dues.payments(member_id=member_id)
    paid_months = {m for p in payments for m in p.months}
    last = last_due_month(until or today)
    if span is not None and span.last_payable is not None:
        # the month of leaving is owed in the new organisation unless it was paid here
        last = min(last, span.last_payable if span.last_payable in paid_months else span.last_payable - 1)
    first = last - 23
    since = ws.dues.since()
    for start in (span.first if span is not None else None, since):
        if start is not None:
            first = max(first, start)
    when = {m: p.paid_on for p in payments for m in p.months}
    paid = {m: a for p in payments for m, a in zip(p.months, p.month_amounts, strict=True)}
    exempt = {}
    for e in ws.dues.exemptions(member_id):
        for m in range(first, last + 1):
            if e.covers(m):
                exempt[m] = e.kind_label
    rows, owed, due_of = [], [], {}
    for y in range(dt_year(first), dt_year(last) + 1):
        sched = _dues_year(ws, y).schedule.get(member_id, {})
        due_of.update(sched)
    for m in range(first, last + 1):
        state = "已交" if m in paid else (exempt.get(m) or "未交")
        if state == "未交":
            owed.append(m)
        rows.append([month_label(m), due_of.get(m), paid.get(m), when.get(m), state])
    last_paid = max(paid) if paid else None
    summary = (
        f"{member.name}同志的党费已交至{month_label(last_paid)}。" if last_paid is not None and not owed
        else f"{member.name}同志的党费交至{month_label(last_paid) if last_paid is not None else '（无记录）'}，"
             f"欠交{months_text(owed)}，共{format_fen(sum(due_of.get(m, 0) for m in owed))}元。"
        if owed else f"{member.name}同志无党费缴纳记录。"
    )  # fmt: skip
    a = next(
        iter(
            sorted(ws.dues.member_assessments(member_id), key=lambda x: (x.year, x.from_month), reverse=True)
        ),
        None,
    )
    items = [
        ("姓名", member.name), ("性别", member.sex), ("身份证号", member.id_number or ""),
        ("人员类别", a.category_label if a else ""), ("计缴基数（元）", format_fen(a.basis_fen) if a else ""),
        ("比例", format_rate(a.rate_bp) if a else ""),
        ("月缴党费（元）", format_fen(a.amount_fen if a else member.dues_monthly_fen)),
        ("党费交至", month_label(last_paid) if last_paid is not None else ""),
    ]  # fmt: skip
    return Document(
        key=CERTIFICATE_KEY, title=CERTIFICATE_TITLE, branch_name=branch_name_of(ws),
        period=f"{month_label(first)}至{month_label(last)}", subject=member.name, printed_on=today,
        blocks=[
            Fields(items, per_line=2, kinds={"身份证号": "id_number"}),
            Table(list(CERTIFICATE_COLUMNS), rows, caption="逐月缴纳情况"),
            Paragraph(summary + "特此证明。"),
        ],
        signatures=["党支部（盖章）", "支部书记", "日期"],
    )  # fmt: skip


def dt_year(month: int) -> int:
    return month // 12


def certificate_report(ws: Workspace, period: Period, today: dt.date) -> list[Document | Ledger]:
    """Registry builder: 党费缴纳证明 of the members transferred out during the period (a period without
    one gives a page saying so: a member's statement is printed from the member's file)."""
    from branchdesk.domain.vocab import MemberStatus

    out: list[Document | Ledger] = []
    for s in ws.dues.spans():
        if s.status != MemberStatus.TRANSFERRED_OUT.value or s.last_payable is None:
            continue
        left = s.last_payable
        if period.start <= _first_day(left) <= period.end:
            out.append(dues_certificate(ws, s.member_id, today, until=min(today, _last_day(left))))
    if not out:
        from branchdesk.reports.registers import branch_name_of

        out.append(
            Ledger(
                key=CERTIFICATE_KEY, title=CERTIFICATE_TITLE, branch_name=branch_name_of(ws), period=period.label,
                columns=list(CERTIFICATE_COLUMNS), rows=[], printed_on=today, orientation="portrait",
                notes=["本期没有转出的党员。为某一党员出具党费缴纳证明，请在党员档案的“党费”页中打印。"],
                signatures=[],
            )
        )  # fmt: skip
    return out


def _first_day(month: int) -> dt.date:
    from branchdesk.domain.dues import month_date

    return month_date(month)


def _last_day(month: int) -> dt.date:
    from branchdesk.domain.dues import month_end

    return month_end(month)
