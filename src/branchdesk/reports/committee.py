"""Committee-level ledgers (issue 13): the 党员花名册 and the 发展党员工作台账 of every branch of the
database in one table (a 所在支部 column after 序号), and the statistics by branch. They read every
branch on purpose, so they are not part of a branch's inspection pack."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from branchdesk.domain.development import Stage
from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

BRANCH_COLUMN = Column("branch", "所在支部", "text", 14, wrap=True)


def _committee_name(ws: Workspace) -> str:
    higher = {b.higher_committee for b in ws.branch.all_branches() if b.higher_committee}
    return "、".join(sorted(higher)) if len(higher) == 1 else "全部支部"


def _all_branches(
    ws: Workspace, build, title: str, today: dt.date, period_label: str | None = None
) -> Ledger:
    """Each branch's ledger (`build(branch_ws) -> Ledger`) in one table, numbered through."""
    rows, first, notes = [], None, []
    for name, branch_ws in ws.committee.workspaces():
        ledger = build(branch_ws)
        first = first or ledger
        for row in ledger.rows:
            rows.append([len(rows) + 1, name, *row[1:]])
        notes.append(f"{name}：{len(ledger.rows)} 人。")
        if branch_ws is not ws:
            branch_ws.close()
    columns = [first.columns[0], BRANCH_COLUMN, *first.columns[1:]] if first else [BRANCH_COLUMN]
    return replace(
        first or Ledger("", title, "", "", columns, []),
        title=title, branch_name=_committee_name(ws), columns=columns, rows=rows,
        notes=[f"共 {len(rows)} 人。", *notes], printed_on=today,
        period=period_label if period_label is not None else (first.period if first else ""),
    )  # fmt: skip


def committee_roster(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    from branchdesk.reports.roster import roster_ledger

    ledger = _all_branches(ws, lambda b: roster_ledger(b, today=today), "党员花名册（全部支部）", today)
    return [replace(ledger, key="committee_roster")]


def committee_development(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    from branchdesk.reports.development import development_report

    ledger = _all_branches(
        ws,
        lambda b: development_report(b, period, today)[0],
        "发展党员工作台账（全部支部）",
        today,
        period.label,
    )
    return [replace(ledger, key="committee_development")]


STAT_COLUMNS = [
    Column("seq", "序号", "int", 5),
    Column("branch", "支部", "text", 22, wrap=True),
    Column("full", "正式党员", "int", 8),
    Column("probationary", "预备党员", "int", 8),
    *[Column(s.value, s.label, "int", 10, wrap=True) for s in Stage],
    Column("meetings", "本年会议", "int", 8),
]


def committee_statistics(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Members by type, open development dossiers by stage and meetings held, one row per branch."""
    rows = []
    for n, b in enumerate(ws.committee.overview(period.end.year), start=1):
        rows.append(
            [n, b.name, b.full, b.probationary, *[b.stages.get(s, 0) for s in Stage], b.meetings_held]
        )
    totals = ["", "合计", *[sum(r[i] for r in rows) for i in range(2, len(STAT_COLUMNS))]]
    return [
        Ledger("committee_statistics", "党员和发展党员情况统计（按支部）", _committee_name(ws), period.label,
               STAT_COLUMNS, rows, printed_on=today, totals=totals,
               notes=[f"共 {len(rows)} 个支部。发展党员各阶段为在办档案数。"], signatures=["填表人", "审核人"])
    ]  # fmt: skip
