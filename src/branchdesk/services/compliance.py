"""The compliance check (``branchdesk check``): every development dossier judged by the DEV-* rules
and the meeting records by the MTG-* rules, as of a date.

``ws.compliance.check()`` is what ``branchdesk check`` prints; ``reports.compliance.check_period`` is the same
audit for a period as the records stood at its end (the 检查情况汇总 ledger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from branchdesk.domain.rules import Finding
    from branchdesk.workspace import Workspace

__all__ = ["CheckReport", "ComplianceService"]


@dataclass(frozen=True)
class CheckReport:
    """The findings of one audit: ``findings`` on the dossiers, ``meeting_findings`` on the meetings."""

    as_of: dt.date
    dossiers: int  # dossiers checked
    meetings: int  # meeting records checked
    findings: tuple[Finding, ...]
    meeting_findings: tuple[Finding, ...]

    @property
    def all(self) -> tuple[Finding, ...]:
        return self.findings + self.meeting_findings

    @property
    def blocking(self) -> int:
        return sum(f.blocking for f in self.all)

    @property
    def total(self) -> int:
        return len(self.findings) + len(self.meeting_findings)

    @property
    def warnings(self) -> int:
        return self.total - self.blocking

    def summary_zh(self) -> str:
        """The closing line of ``branchdesk check``."""
        from branchdesk.domain.dates import format_date

        text = (
            f"检查日期 {format_date(self.as_of)}：共检查 {self.dossiers} 份发展党员档案、"
            f"{self.meetings} 份会议记录，"
        )
        if self.total:
            return text + f"发现 {self.total} 个问题（严重 {self.blocking} 个，提醒 {self.warnings} 个）。"
        return text + "未发现问题。"


class ComplianceService:
    """`branchdesk check`: every dossier and meeting record of the branch judged by the rules (`ws.compliance`)."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def check(self, as_of: dt.date | None = None) -> CheckReport:
        """Every dossier and every meeting record of the branch, judged as of ``as_of`` (default today)."""
        from branchdesk.domain.rules import audit_many
        from branchdesk.services.bulk import collector_paused

        as_of = as_of or dt.date.today()
        development = self.ws.development
        dossiers = development.all()
        with collector_paused():
            findings = audit_many(dossiers, development.rule_context(as_of))
        meetings = self.ws.meetings
        meeting_findings = meetings.check(as_of)
        return CheckReport(
            as_of, len(dossiers), len(meetings.list()), tuple(findings), tuple(meeting_findings)
        )
