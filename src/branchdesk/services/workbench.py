"""The 工作台 (issue 16): this month's to-dos across the areas, with due dates and where to act
(``ws.workbench``), the recent changes, and what to do first in an empty branch. Qt-free; the page and
``branchdesk todo`` read the same list.

Sources (each one function ``source(ws, as_of) -> list[Todo]`` in ``SOURCES``; areas that land later —
dues not yet collected, study hours behind — append theirs):

* development steps due or overdue (the dossiers' due list, probation ending included);
* meetings due this month (or this quarter / year ending this month) and not yet held;
* the committee's term ending within six months (换届), or ended;
* members lost contact for six months or more (停止党籍 review);
* open items of the annual plan due by the end of the month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dates import add_months, format_date

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["SOURCES", "Todo", "WorkbenchService"]


@dataclass(frozen=True)
class Todo:
    area: str  # 发展党员 / 会议 / 支部 / 党员 / 计划 …
    text: str
    due: dt.date
    overdue: bool
    target: str  # the page to open: "development", "meetings", "members", "settings", "assess", "plan"
    ref: int | None = None  # the record to open there (dossier, member, plan item …)
    detail: str = ""  # for a meeting: its type code (and group id) so the page can create it

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area,
            "text": self.text,
            "due": self.due.isoformat(),
            "overdue": self.overdue,
            "target": self.target,
            "ref": self.ref,
        }


def month_end(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1) - dt.timedelta(days=1)


def _development(ws: Workspace, as_of: dt.date) -> list[Todo]:
    from branchdesk.domain.rules.engine import DueKind

    end = month_end(as_of)
    out = []
    for item in ws.development.due(as_of, horizon_days=(end - as_of).days):
        if item.kind is DueKind.EARLIEST and not item.due_soon:
            continue
        out.append(Todo("发展党员", f"{item.person}：{item.text}", item.due, item.overdue, "development",
                        item.dossier_id))  # fmt: skip
    return out


def _meetings(ws: Workspace, as_of: dt.date) -> list[Todo]:
    """Meetings whose period (month, quarter or year) ends this month and that are not held yet in it —
    the same frequencies and start date the rules judge by (domain.rules.mtg_rules)."""
    from branchdesk.domain.meetings import MeetingType
    from branchdesk.domain.rules.branch_rules import Seat, has_committee
    from branchdesk.domain.rules.mtg_rules import FREQUENCY, held_in, periods

    start = ws.meetings.records_since()
    if start is None:
        return []  # the branch does not keep its minutes here yet
    end = month_end(as_of)
    meetings = _held_this_year(ws, as_of)
    seats = [
        Seat(s.member_id, s.member_name, s.post, s.term_start, s.ended_on)
        for s in ws.branch.committee(include_ended=True)
    ]
    groups = ws.meetings.groups()
    out = []
    for type_, (freq, _code) in FREQUENCY.items():
        if type_ is MeetingType.TALKS:
            continue
        [period] = [p for p in periods(freq, dt.date(as_of.year, 1, 1), dt.date(as_of.year, 12, 31))
                    if p.start <= as_of <= p.end]  # fmt: skip
        if period.end > end or period.start < start:
            continue  # not ending this month, or begun before the records
        if type_ is MeetingType.COMMITTEE and not has_committee(seats, as_of):
            continue
        scopes = [(None, "")] if type_ is not MeetingType.GROUP else [(gid, name) for gid, name in groups]
        for gid, name in scopes:
            if held_in(meetings, type_, period.start, period.end, gid):
                continue
            what = f"{name}党小组会" if gid is not None else type_.label
            if name.endswith("党小组"):
                what = f"{name}会"
            out.append(Todo("会议", f"{period.label}{what}尚未召开", period.end, period.end < as_of, "meetings",
                            gid, str(type_)))  # fmt: skip
    return out


@dataclass(frozen=True)
class _Held:
    """What `held_in` reads of a meeting record (a full record with its attendance is not needed here)."""

    type: str
    date: dt.date
    group_id: int | None
    planned: bool


def _held_this_year(ws: Workspace, as_of: dt.date) -> list[_Held]:
    from sqlalchemy import select

    from branchdesk.db.models_meetings import Meeting as MeetingRow

    with ws.read() as session:
        rows = session.execute(
            select(MeetingRow.type, MeetingRow.date, MeetingRow.group_id, MeetingRow.status).where(
                MeetingRow.branch_id == ws.branch_id,
                MeetingRow.date >= dt.date(as_of.year, 1, 1),
                MeetingRow.date <= dt.date(as_of.year, 12, 31),
            )
        ).all()
    return [_Held(r.type, r.date, r.group_id, r.status == "planned" or r.date > as_of) for r in rows]


def _term(ws: Workspace, as_of: dt.date) -> list[Todo]:
    profile = ws.branch.profile()
    end = profile.committee_term_end
    if end is None or end > add_months(as_of, 6):
        return []
    if end < as_of:
        return [
            Todo("支部", f"支部委员会任期已于{format_date(end)}届满，请尽快换届选举", end, True, "settings")
        ]
    return [Todo("支部", f"支部委员会任期{format_date(end)}届满，请做好换届准备", end, False, "settings")]


def _lost(ws: Workspace, as_of: dt.date) -> list[Todo]:
    from sqlalchemy import select

    from branchdesk.db.models import Member

    limit = add_months(as_of, -6)
    with ws.read() as session:
        rows = session.execute(
            select(Member.id, Member.name, Member.lost_contact_since, Member.status_date).where(
                Member.branch_id == ws.branch_id, Member.lost_contact.is_(True), Member.status == "active"
            )
        ).all()
    out = []
    for r in rows:
        since = r.lost_contact_since or r.status_date
        if since is not None and since <= limit:
            due = add_months(since, 6)
            out.append(Todo("党员", f"{r.name}失去联系已满6个月（自{format_date(since)}起），请进行停止党籍审查",
                            due, True, "members", r.id))  # fmt: skip
    return out


def _plan(ws: Workspace, as_of: dt.date) -> list[Todo]:
    end = month_end(as_of)
    return [
        Todo("计划", f"年度工作计划：{p.title}", p.due_date, p.due_date < as_of, "plan", p.id)
        for p in ws.readiness.plan_items(open_only=True)
        if p.due_date <= end
    ]


def _dues(ws: Workspace, as_of: dt.date) -> list[Todo]:
    from branchdesk.services.dues_readiness import dues_todos

    return dues_todos(ws, as_of)


SOURCES: list[Callable[[Workspace, dt.date], list[Todo]]] = [
    _development,
    _meetings,
    _term,
    _lost,
    _plan,
    _dues,
]


@dataclass(frozen=True)
class Recent:
    at: str
    user: str
    text: str


class WorkbenchService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def todos(self, as_of: dt.date | None = None) -> list[Todo]:
        """This month's to-dos (and everything overdue), overdue first, then by due date."""
        from branchdesk.services.readiness_metrics import load_area_modules

        load_area_modules()  # the areas' modules add their sources (dues, study hours)
        as_of = as_of or dt.date.today()
        out: list[Todo] = []
        for source in SOURCES:
            out.extend(source(self.ws, as_of))
        return sorted(out, key=lambda t: (not t.overdue, t.due, t.area, t.text))

    def first_steps(self) -> list[str]:
        """What to do first in a branch that holds nothing yet (the empty states)."""
        from sqlalchemy import func, select

        from branchdesk.db.models import Member

        with self.ws.read() as session:
            members = session.scalar(
                select(func.count(Member.id)).where(Member.branch_id == self.ws.branch_id)
            )
        steps = []
        if not members:
            steps.append("还没有党员：请先导入党员花名册（Excel），或在“党员”页逐个添加。")
        if self.ws.meetings.records_since() is None:
            steps.append(
                "还没有会议记录：在“会议”页录入本年已召开的会议，或在设置中填写本支部开始记录的日期。"
            )
        if not self.ws.readiness.plan_items(dt.date.today().year):
            steps.append("还没有年度工作计划：在“迎检自评”页的“年度工作计划”中列出本年要做的事项和日期。")
        return steps

    def recent(self, limit: int = 8) -> list[Recent]:
        """The latest changes of the audit log (who did what, when) the audit page shows this workspace:
        its branch's (not another branch's). One indexed query."""
        from sqlalchemy import select

        from branchdesk.db.models import AuditEntry

        with self.ws.read() as session:
            rows = session.execute(
                select(AuditEntry.at, AuditEntry.user, AuditEntry.operation)
                .where(self.ws.audit.branch_condition())
                .order_by(AuditEntry.seq.desc())
                .limit(limit)
            ).all()
        out = []
        for r in rows:
            at = r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC)
            out.append(Recent(at.astimezone().strftime("%Y-%m-%d %H:%M"), r.user, r.operation))
        return out
