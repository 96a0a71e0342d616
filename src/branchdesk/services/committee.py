"""The committee's view over every branch of the database (`ws.committee`): the overview page's rows,
and the committee-level ledgers' data (roster and development ledger of all branches, statistics by
branch).

The overview is read in two parts so that it paints at once however many branches there are: `overview`
is a few GROUP BY statements over all branches (members by type, dossiers by stage, meetings held this
year); `findings(branch_id)` runs one branch's check (blocking findings, missing meetings of the year,
overdue to-dos, dues arrears: one `ws.dues.arrears` call, its grouped query and the owing members'
months), which the page fills in row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, or_, select

from branchdesk.db.models import Branch, Member
from branchdesk.domain.development import Stage
from branchdesk.domain.vocab import MemberStatus, MemberType

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace


@dataclass(frozen=True)
class BranchFindings:
    blocking: int
    warnings: int
    missing_meetings: int  # periods of this year without the meeting the rules ask for (MTG-*)
    overdue_todos: int
    arrears_members: int = 0  # members owing dues on the day (ws.dues.arrears)
    arrears_fen: int = 0  # what they owe

    @property
    def arrears_text(self) -> str:
        """The overview's 欠缴党费 cell: "3人 120.00元", or "无"."""
        from branchdesk.domain.dues import format_fen

        return f"{self.arrears_members}人 {format_fen(self.arrears_fen)}元" if self.arrears_members else "无"


@dataclass
class BranchOverview:
    id: int
    name: str
    higher_committee: str
    full: int = 0
    probationary: int = 0
    stages: dict[Stage, int] = field(default_factory=dict)  # open dossiers by stage
    meetings_held: int = 0  # this year, not planned
    findings: BranchFindings | None = None  # filled in by `findings` (the page: row by row)

    @property
    def members(self) -> int:
        return self.full + self.probationary


def stage_expression():
    """The dossier's stage in SQL (domain.development.Dossier.stage), None when closed or archived."""
    from branchdesk.db.models_development import DevelopmentDossier as D

    return case(
        (and_(D.outcome != "", D.outcome != "extended"), None),
        (D.archive_date.is_not(None), None),
        (D.approval_date.is_not(None), Stage.PROBATION.value),
        (
            or_(
                D.admission_meeting_date.is_not(None),
                D.pre_review_date.is_not(None),
                D.committee_review_date.is_not(None),
            ),
            Stage.ADMISSION.value,
        ),
        (D.candidate_date.is_not(None), Stage.CANDIDATE.value),
        (D.activist_date.is_not(None), Stage.ACTIVIST.value),
        else_=Stage.APPLICATION.value,
    )


class CommitteeService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def overview(self, year: int | None = None) -> list[BranchOverview]:
        """One row per branch: members by type, open dossiers by stage, meetings held in `year`."""
        from branchdesk.db.models_development import DevelopmentDossier as D
        from branchdesk.db.models_meetings import Meeting

        year = year or dt.date.today().year
        with self.ws.read() as session:
            rows = {
                b.id: BranchOverview(b.id, b.name, b.higher_committee)
                for b in session.execute(
                    select(Branch.id, Branch.name, Branch.higher_committee).order_by(Branch.id)
                )
            }
            for branch_id, kind, n in session.execute(
                select(Member.branch_id, Member.member_type, func.count())
                .where(Member.status == MemberStatus.ACTIVE.value)
                .group_by(Member.branch_id, Member.member_type)
            ):
                row = rows.get(branch_id)
                if row is None:
                    continue
                if kind == MemberType.PROBATIONARY.value:
                    row.probationary += n
                else:
                    row.full += n
            stage = stage_expression().label("stage")
            inner = select(D.branch_id, stage).subquery()
            for branch_id, value, n in session.execute(
                select(inner.c.branch_id, inner.c.stage, func.count())
                .where(inner.c.stage.is_not(None))
                .group_by(inner.c.branch_id, inner.c.stage)
            ):
                if branch_id in rows:
                    rows[branch_id].stages[Stage(value)] = n
            for branch_id, n in session.execute(
                select(Meeting.branch_id, func.count())
                .where(
                    Meeting.date.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
                    Meeting.status != "planned",
                )
                .group_by(Meeting.branch_id)
            ):
                if branch_id in rows:
                    rows[branch_id].meetings_held = n
        return list(rows.values())

    def findings(self, branch_id: int, as_of: dt.date | None = None) -> BranchFindings:
        """One branch's check: blocking findings and warnings, the year's missing meetings, overdue to-dos,
        and who owes dues on `as_of` (how many members, how much)."""
        return self.findings_of([branch_id], as_of)[branch_id]

    def findings_of(
        self, branch_ids, as_of: dt.date | None = None, *, jobs: int | None = 1, on_done=None, cancelled=None
    ) -> dict[int, BranchFindings]:
        """:meth:`findings` of several branches (None: every branch), their records read together and the
        branches judged side by side in ``jobs`` processes (None: as ``check --all`` does,
        ``compliance.side_by_side``). ``on_done(part)``: each part as it is judged (the overview fills
        its rows); ``cancelled()`` true: stop taking branches."""
        return self.ws.compliance.side_by_side(
            _findings, as_of or dt.date.today(), branch_ids, jobs=jobs, on_done=on_done, cancelled=cancelled
        )

    def workspaces(self):
        """A workspace per branch (the committee ledgers build each branch's part with it)."""
        from branchdesk.workspace import Workspace

        for branch_id, name in Workspace.branches(self.ws.db):
            yield name, (self.ws if branch_id == self.ws.branch_id else Workspace(self.ws.db, branch_id))


def _findings(compliance, as_of: dt.date, ids: list[int], calendar) -> dict[int, BranchFindings]:
    """The overview's judge (``compliance.side_by_side``): each branch's check, the year's missing meetings,
    overdue to-dos and dues arrears."""
    out = {}
    year = str(as_of.year)
    for ws, dossiers, meetings, read_calendar in compliance.each_of(ids, calendar):
        owing = ws.dues.arrears(as_of)  # the 欠缴党费 cell, and what MEM-DUES-6M reads
        report = ws.compliance._check(
            as_of, dossiers=dossiers, meetings=meetings, calendar=read_calendar, arrears=owing
        )
        missing = sum(
            1 for f in report.meeting_findings if f.meeting_id is None and f.period.startswith(year)
        )
        due = ws.development.due(as_of, horizon_days=0, dossiers=dossiers, calendar=read_calendar)
        out[ws.branch_id] = BranchFindings(report.blocking, report.warnings, missing, sum(i.overdue for i in due),
                                           len(owing), sum(a.amount_fen for a in owing))  # fmt: skip
    return out
