"""审计日志: the audit log's entries as a ledger (the audit page's export), filtered as the page shows them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from branchdesk.reports.ledger import Column, Ledger
from branchdesk.services.audit import ENTITY_KINDS, AuditQuery, Progress

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace


def audit_ledger(ws: Workspace, query: AuditQuery, *, progress: Progress | None = None) -> Ledger:
    """The filtered entries of the audit log as a ledger (审计日志) for `reports.xlsx.write_xlsx`."""
    ids = ws.audit.ids(query)
    rows = []
    for start in range(0, len(ids), 2000):
        for r in ws.audit.rows(ids[start : start + 2000]):
            rows.append([r.seq, r.local_time, r.user, r.operation, r.action_label, r.what, r.details()])
        if progress:
            progress(min(start + 2000, len(ids)), len(ids))
    branch = ws.branch.profile().name if ws.has_branch else ""
    columns = [
        Column("seq", "序号", "int", 7),
        Column("at", "时间", "text", 18),
        Column("user", "操作人", "text", 9),
        Column("operation", "操作", "text", 16, wrap=True),
        Column("action", "动作", "text", 5),
        Column("what", "对象", "text", 18, wrap=True),
        Column("changes", "变更内容", "text", 48, wrap=True),
    ]
    return Ledger(key="audit", title="审计日志", branch_name=branch, period=_period_text(query),
                  columns=columns, rows=rows, notes=_filter_notes(query),
                  signatures=["导出人", "审核人"])  # fmt: skip


def _period_text(query: AuditQuery) -> str:
    if query.date_from is None and query.date_to is None:
        return "全部记录"
    start = query.date_from.isoformat() if query.date_from else "最早"
    end = query.date_to.isoformat() if query.date_to else "至今"
    return f"{start} 至 {end}"


def _filter_notes(query: AuditQuery) -> list[str]:
    notes = []
    if query.kind:
        notes.append(f"类别：{ENTITY_KINDS[query.kind][0]}")
    if query.user:
        notes.append(f"操作人：{query.user}")
    if query.text.strip():
        notes.append(f"操作包含：{query.text.strip()}")
    if query.member_ids is not None:
        notes.append("只含所选人员的记录")
    return notes
