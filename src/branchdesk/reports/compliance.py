"""检查情况汇总: the findings of ``branchdesk check`` for a period, grouped by area and rule, with counts.

The audit is the one ``branchdesk check`` runs (``services.compliance``), for the period as the
records stood at its end: the development dossiers in progress during the period, each cut at
``min(period.end, today)`` and judged by the DEV-* rules as of that day; the MTG-* findings about the
months, quarters and years (or the meetings) inside the period.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.domain.rules import Finding
    from branchdesk.reports.registry import Period
    from branchdesk.services.compliance import CheckReport
    from branchdesk.workspace import Workspace

KEY = "compliance"
TITLE = "检查情况汇总"
DEVELOPMENT = "发展党员"
MEETINGS = "会议记录"

COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("area", "类别", "text", 8),
    Column("rule", "规则", "text", 17, wrap=True),
    Column("severity", "性质", "text", 5),
    Column("subject", "对象", "text", 14, wrap=True),
    Column("where", "所涉步骤或期间", "text", 18, wrap=True),
    Column("message", "问题说明", "text", 56, wrap=True),
]


def _meeting_finding_in(f: Finding, start: dt.date, end: dt.date) -> bool:
    day = f.dates.get("meeting")
    if day is not None:
        return start <= day <= end
    first, last = f.dates.get("period_start"), f.dates.get("period_end")
    if first is not None and last is not None:
        return first <= end and last >= start
    return True  # a finding without dates concerns the branch as a whole


def check_period(ws: Workspace, period: Period, today: dt.date) -> CheckReport:
    """The audit of ``period`` as the records stood at its end (``min(period.end, today)``)."""
    from branchdesk.domain.meetings import MeetingStatus
    from branchdesk.domain.rules import audit_many
    from branchdesk.reports.development import dossier_as_of, dossier_in_period
    from branchdesk.services.bulk import collector_paused
    from branchdesk.services.compliance import CheckReport

    on = min(period.end, today)
    service = ws.development
    dossiers = [dossier_as_of(d, on) for d in service.all() if dossier_in_period(d, period.start, period.end)]
    dossiers = [d for d in dossiers if d.latest_date is not None]
    with collector_paused():
        findings = audit_many(dossiers, service.rule_context(on))
    meetings = ws.meetings
    held_by_then = [m for m in meetings.list() if m.date <= on and m.status != MeetingStatus.PLANNED]
    meeting_findings = []
    if held_by_then:  # before its first record the branch did not keep its minutes here: nothing to judge
        meeting_findings = [f for f in meetings.check(on) if _meeting_finding_in(f, period.start, on)]
    held = sum(1 for m in held_by_then if m.date >= period.start)
    return CheckReport(on, len(dossiers), held, tuple(findings), tuple(meeting_findings))


def _where(f: Finding) -> str:
    if f.step is not None:
        return f.step.title
    day = f.dates.get("meeting")
    if day is not None:
        return day.isoformat()
    first, last = f.dates.get("period_start"), f.dates.get("period_end")
    if first is not None and last is not None:
        return f"{first.isoformat()}至{last.isoformat()}"
    return f.period


def _message(f: Finding) -> str:
    if f.step is None:
        return f.message_zh  # a meeting finding names its period or meeting itself
    dates = f.dates_zh()
    return f.message_zh + (f"（{dates}）" if dates else "")


def finding_rows(report: CheckReport) -> list[list[Any]]:
    """The rows, grouped: dossier findings then meeting findings; in each, 严重 before 提醒, by rule
    code, then by person (dossiers) or date (meetings)."""

    def dossier_key(f: Finding):
        return (not f.blocking, f.code, f.person, f.step.number if f.step else 0)

    def meeting_key(f: Finding):
        day = f.dates.get("meeting") or f.dates.get("period_start") or dt.date.min
        return (not f.blocking, f.code, day, f.person)

    rows: list[list[Any]] = []
    groups = ((DEVELOPMENT, sorted(report.findings, key=dossier_key)),
              (MEETINGS, sorted(report.meeting_findings, key=meeting_key)))  # fmt: skip
    for area, findings in groups:
        for f in findings:
            rows.append(
                [len(rows) + 1, area, f.title or f.code, f.severity.label, f.person, _where(f), _message(f)]
            )
    return rows


def _rule_counts(findings: tuple[Finding, ...], area: str) -> str:
    if not findings:
        return f"{area}：未发现问题。"
    counts = Counter(f.code for f in findings)
    titles = {f.code: f.title for f in findings}
    parts = [f"{titles[code] or code} {n} 项" for code, n in sorted(counts.items())]
    blocking = sum(f.blocking for f in findings)
    return (
        f"{area}：{len(findings)} 项（严重 {blocking} 项，提醒 {len(findings) - blocking} 项），其中"
        + "；".join(parts)
        + "。"
    )


def compliance_ledger(
    report: CheckReport, *, branch_name: str, period_label: str, printed_on: dt.date
) -> Ledger:
    return Ledger(
        key=KEY,
        title=TITLE,
        branch_name=branch_name,
        period=period_label,
        columns=list(COLUMNS),
        rows=finding_rows(report),
        printed_on=printed_on,
        notes=[
            report.summary_zh(),
            _rule_counts(report.findings, DEVELOPMENT),
            _rule_counts(report.meeting_findings, MEETINGS),
            "性质：“严重”为记录不合规定或程序无效，须纠正；“提醒”为期限已过、材料缺失等，须补正或说明理由。",
        ],
        orientation="landscape",
        signatures=["检查人", "支部书记"],
    )


def compliance_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 检查情况汇总 of the period."""
    from branchdesk.reports.registers import branch_name_of

    report = check_period(ws, period, today)
    return [
        compliance_ledger(report, branch_name=branch_name_of(ws), period_label=period.label, printed_on=today)
    ]
