"""党费 in the 工作台 and the rubric (issue 14 with issue 16's plug-in points).

* ``dues_todos(ws, as_of)`` — a source of the 工作台's to-do list (``services.workbench.SOURCES``): each
  member three or more months behind (MEM-DUES-6M: overdue from six), and this month's collection while
  members have not paid it yet.
* the metric ``dues.on_time`` (按时交纳党费的党员比例, the rubrics' item “党费按时足额交纳”): of the members
  who owed dues in the year (up to the last month due), the share with no month unpaid; the others are
  its shortfalls, each naming the months and the amount.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from branchdesk.domain import dues as dd
from branchdesk.domain.rubric import Evidence, MetricResult, Shortfall
from branchdesk.services.readiness_metrics import MetricInputs, register_metric

if TYPE_CHECKING:
    from branchdesk.services.workbench import Todo
    from branchdesk.workspace import Workspace

__all__ = ["dues_on_time", "dues_todos"]


def dues_todos(ws: Workspace, as_of: dt.date) -> list[Todo]:
    from branchdesk.services.dues import last_due_month
    from branchdesk.services.workbench import Todo

    dues = ws.dues
    if dues.since() is None:  # the branch keeps no dues here
        return []
    out = []
    for a in dues.arrears(as_of):
        if a.run < dd.WARN_MONTHS or a.run_since is None:
            continue
        lapse = dd.month_date(a.run_since + dd.LAPSE_MONTHS)  # the sixth month is due from this day
        if a.run >= dd.LAPSE_MONTHS:
            text = f"{a.name}已连续{a.run}个月未交纳党费（{a.months_text}），请查明原因，按自行脱党处理或登记正当理由"
        else:
            text = f"{a.name}已连续{a.run}个月未交纳党费（{a.months_text}），请提醒交纳"
        out.append(Todo("党费", text, lapse, a.run >= dd.LAPSE_MONTHS, "dues", a.member_id))
    month = dd.month_index(as_of)
    if month > last_due_month(as_of):  # this month's dues are being collected
        open_lines = [line for line in dues.collection_sheet(month) if not line.paid and not line.exempt]
        if open_lines:
            out.append(
                Todo("党费", f"{dd.month_label(month)}党费尚有{len(open_lines)}人未交（本月收缴）",
                     dd.month_end(month), False, "dues")
            )  # fmt: skip
    return out


@register_metric("dues.on_time", "按时交纳党费的党员比例", "比例")
def dues_on_time(inputs: MetricInputs) -> MetricResult | None:
    ws = inputs.ws
    if ws.dues.since() is None:
        return None  # no dues records: scored by hand
    day = min(inputs.end, inputs.as_of - dt.timedelta(days=1))
    jan = dd.month_index((inputs.year, 1))
    everyone = ws.dues.arrears(day, only_owing=False)
    spans = {s.member_id: s for s in ws.dues.spans()}
    owed = [a for a in everyone if a.member_id in spans and len(spans[a.member_id].due_range(jan, jan + 11))]
    behind = []
    for a in owed:
        months = [m for m in a.unpaid if m >= jan]
        if months:
            behind.append((a, months))
    total = len(owed)
    rate = Decimal(total - len(behind)) / Decimal(total) if total else Decimal(1)
    evidence = tuple(Evidence("member", a.member_id, f"{a.name}：欠交{dd.months_text(m)}") for a, m in behind)
    falls = tuple(
        Shortfall(f"{a.name}补交{dd.months_text(m)}党费共{dd.format_fen(sum(a.amounts.get(x, 0) for x in m))}元",
                  1, Evidence("member", a.member_id, a.name), "dues", ("member", a.member_id))
        for a, m in behind
    )  # fmt: skip
    names = "、".join(a.name for a, _ in behind[:6]) + ("等" if len(behind) > 6 else "")
    summary = f"{total}名党员中{total - len(behind)}名按时交纳党费" if total else "本年没有应交党费的党员"
    gap = f"{len(behind)}名党员欠交党费（{names}）" if behind else ""
    return MetricResult("dues.on_time", rate, summary, evidence, falls, gap_text=gap, action="dues")
