"""党费收缴台账 (domain.md §5, §6): per member the dues basis, the monthly amount and how far the dues
are paid, for the months of the period.

What the database holds per member is the basis (after-tax pay or pension), the monthly amount and
the month the dues are paid up to (``dues_paid_to``) — not each month's payment. So the ledger shows
those, and COUNTS the months: the months due in the period (from January, or from the month of
admission or transfer in, to the end of the period or today), the months of them paid (up to the
paid-to month) and the months unpaid; the amount due is the monthly amount times the months due.
It prints no per-month payments the database does not have.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.domain.members import MemberRecord
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

KEY = "dues"
TITLE = "党费收缴台账"
UNPAID_ALERT_MONTHS = 6  # domain.md §5: six consecutive months unpaid without good reason

COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("name", "姓名", "text", 8),
    Column("member_type", "人员类别", "text", 8),
    Column("group", "所在党小组", "text", 10, wrap=True),
    Column("basis", "计缴基数（元）", "money", 10),
    Column("monthly", "月缴党费（元）", "money", 9),
    Column("paid_to", "党费交至", "text", 10),
    Column("due_months", "应交月数", "int", 6),
    Column("paid_months", "已交月数", "int", 6),
    Column("unpaid_months", "欠交月数", "int", 6),
    Column("due_amount", "应交金额（元）", "money", 10),
    Column("paid_amount", "已交金额（元）", "money", 10),
    Column("notes", "备注", "text", 24, wrap=True),
]


def _month(d: dt.date) -> int:
    return d.year * 12 + d.month - 1


def _month_text(d: dt.date | None) -> str:
    from branchdesk.domain.dates import format_year_month

    return format_year_month(d) if d is not None else ""


def last_due_month(on: dt.date) -> dt.date:
    """The last month whose dues are due on ``on``: its own month on a month's last day, else the
    month before (the dues of the current month may still be paid in it)."""
    if (on + dt.timedelta(days=1)).day == 1:
        return on
    return on.replace(day=1) - dt.timedelta(days=1)


def dues_row(seq: int, m: MemberRecord, type_label: str, start: dt.date, until: dt.date) -> list[Any]:
    """One member's row for the months from ``start`` to ``until`` (both months included)."""
    first = _month(start)
    for since in (m.join_date, m.transferred_in_date):
        if since is not None:
            first = max(first, _month(since))
    last = _month(until)
    due = max(0, last - first + 1)
    paid_to = _month(m.dues_paid_to) if m.dues_paid_to is not None else first - 1
    paid = max(0, min(paid_to, last) - first + 1)
    monthly = m.dues_monthly_fen
    notes = []
    if m.dues_paid_to is not None and last - paid_to >= UNPAID_ALERT_MONTHS:
        notes.append(f"已连续{last - paid_to}个月未交纳党费，请核实原因")
    if m.dues_paid_to is None and due:
        notes.append("未登记党费交至月份")
    if monthly is None:
        notes.append("未登记月缴党费")
    return [
        seq, m.name, type_label, m.group_name, m.dues_basis_fen, monthly, _month_text(m.dues_paid_to),
        due, paid, due - paid,
        monthly * due if monthly is not None else None,
        monthly * paid if monthly is not None else None,
        "；".join(notes),
    ]  # fmt: skip


def dues_members(ws: Workspace, on: dt.date) -> list[tuple[MemberRecord, str]]:
    """The members of the branch on ``on`` (per the status history) with their type that day
    (正式党员 / 预备党员), by party group then name."""
    from branchdesk.domain.vocab import MemberType
    from branchdesk.services.members import MemberQuery

    electorate = ws.roster.electorate(on)
    types = {v.member_id: v.member_type for v in electorate.voters}
    types |= {v.member_id: v.member_type for v, _ in electorate.non_voters}
    records = ws.members.records(MemberQuery(statuses=None, sort="group"))
    records = [r for r in records if r.id in types]
    records = [r for r in records if r.group_name] + [r for r in records if not r.group_name]
    return [(r, MemberType(str(types[r.id])).label) for r in records]


def dues_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 党费收缴台账 of the members on the roster at the end of the period."""
    from branchdesk.reports.registers import branch_name_of

    on = min(period.end, today)
    start, until = period.start, last_due_month(on)
    members = dues_members(ws, on) if start <= on else []
    rows = [dues_row(seq, m, label, start, until) for seq, (m, label) in enumerate(members, start=1)]

    def total(key: str) -> int:
        i = next(i for i, c in enumerate(COLUMNS) if c.key == key)
        return sum(r[i] or 0 for r in rows)

    totals = ["", "合计", "", "", None, total("monthly"), "", total("due_months"), total("paid_months"),
              total("unpaid_months"), total("due_amount"), total("paid_amount"), ""]  # fmt: skip
    behind = sum(1 for r in rows if r[9])
    notes = [
        f"共 {len(rows)} 人；应交月数计至{_month_text(until)}，已交足的 {len(rows) - behind} 人，"
        f"有欠交月份的 {behind} 人。",
        "本系统记录每名党员的计缴基数、月缴党费和党费交至月份，不记录逐月缴纳的金额和日期；"
        "已交月数按“党费交至”月份推算，金额按现行月缴标准计算；“党费交至”为档案中现在记录的月份。",
    ]
    return [
        Ledger(
            key=KEY,
            title=TITLE,
            branch_name=branch_name_of(ws),
            period=period.label,
            columns=list(COLUMNS),
            rows=rows,
            printed_on=today,
            totals=totals,
            notes=notes,
            orientation="landscape",
            signatures=["经办人", "组织委员", "支部书记"],
        )
    ]
