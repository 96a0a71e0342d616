"""The compliance check (``branchdesk check``): every development dossier judged by the DEV-* rules
and the meeting records by the MTG-* rules, as of a date.

:func:`check` is what ``branchdesk check`` prints; ``reports.compliance.check_period`` is the same
audit for a period as the records stood at its end (the 检查情况汇总 ledger).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from branchdesk.domain.dates import HolidayCalendar
    from branchdesk.domain.rules import Finding
    from branchdesk.domain.rules.branch_rules import BranchRecords
    from branchdesk.workspace import Workspace

    #: a judge of ``side_by_side``: (compliance service, as of, branch ids, holiday calendar) → {id: …}
    Judge = Callable[["ComplianceService", dt.date, list[int], HolidayCalendar], dict]

__all__ = ["CheckReport", "ComplianceService"]

_BATCH_BRANCHES = 10  # check_all reads the records of this many branches at a time
_SIDE_BY_SIDE_FROM = 8  # fewer branches: starting a second process (~1 s) costs more than it saves
_MAX_JOBS = 4


@dataclass(frozen=True)
class CheckReport:
    """The findings of one audit, one list (``all``) in four kinds: dossiers (DEV-*), meetings (MTG-*),
    members (MEM-*) and consistency between records (CON-*)."""

    as_of: dt.date
    dossiers: int  # dossiers checked
    meetings: int  # meeting records checked
    findings: tuple[Finding, ...]  # dossier findings
    meeting_findings: tuple[Finding, ...]
    member_findings: tuple[Finding, ...] = ()
    consistency_findings: tuple[Finding, ...] = ()
    members: int = 0
    notes: tuple[str, ...] = ()  # e.g. years counted without holiday data

    @property
    def all(self) -> tuple[Finding, ...]:
        return self.findings + self.meeting_findings + self.member_findings + self.consistency_findings

    @property
    def blocking(self) -> int:
        return sum(f.blocking for f in self.all)

    @property
    def total(self) -> int:
        return len(self.all)

    @property
    def warnings(self) -> int:
        return self.total - self.blocking

    def summary_zh(self) -> str:
        """The closing line of ``branchdesk check``."""
        from branchdesk.domain.dates import format_date

        text = (
            f"检查日期 {format_date(self.as_of)}：共检查 {self.dossiers} 份发展党员档案、"
            f"{self.meetings} 份会议记录、{self.members} 名党员，"
        )
        if self.total:
            return text + f"发现 {self.total} 个问题（严重 {self.blocking} 个，提醒 {self.warnings} 个）。"
        return text + "未发现问题。"


class ComplianceService:
    """`branchdesk check`: every dossier, meeting record and member of the branch judged by the rules, and
    the records side by side (`ws.compliance`)."""

    def __init__(self, ws: Workspace):
        self.ws = ws

    def branch_records(self, as_of: dt.date, *, meetings=None, dossiers=None, roster=None) -> BranchRecords:
        """The snapshot the MEM-* and CON-* rules read: roster with history, committee, meetings, dossiers."""
        return _branch_records(self.ws, as_of, meetings=meetings, dossiers=dossiers, roster=roster)

    def check(self, as_of: dt.date | None = None) -> CheckReport:
        """Every dossier, meeting record and member of the branch, and the records side by side, judged as of
        ``as_of`` (default today)."""
        from branchdesk.services.bulk import collector_paused

        with collector_paused():  # tens of thousands of snapshot objects: no full collections meanwhile
            return self._check(as_of or dt.date.today())

    def check_all(
        self, as_of: dt.date | None = None, branch_ids=None, *, jobs: int | None = None
    ) -> dict[int, CheckReport]:
        """:meth:`check` of every branch of the database, or of ``branch_ids`` (branch id → report, by id),
        each report equal to that branch's own check. The dossiers and meeting records are read for
        several branches at once (one statement per table for ten branches, not per branch) and the
        holiday calendar once; each branch is then judged from what was read.

        ``jobs``: processes judging branches side by side (default: one per idle processor core, at
        most four, for eight branches and more — ``default_jobs``; 1: this process alone). The other
        processes open the same database and take a few branches at a time from the front of the list
        while this one takes from the back (``side_by_side``, ``_take``). An encrypted file is checked
        here only (its key stays in this process)."""
        return self.side_by_side(_reports, as_of or dt.date.today(), branch_ids, jobs=jobs)

    def side_by_side(
        self,
        judge: Judge,
        as_of: dt.date,
        branch_ids=None,
        *,
        jobs: int | None = None,
        on_done: Callable[[dict], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> dict:
        """``judge(service, as_of, ids, calendar)`` — what a branch's records say, for several branches at
        a time, as a dict by branch id — of every branch of the database (of ``branch_ids``), by id:
        :meth:`check_all`'s reports, the committee overview's rows.

        ``jobs``: processes judging side by side (``check_all``); ``judge`` a module-level function (it
        is named to the other processes). ``on_done(part)``: each part as it is judged here (the other
        processes' parts once they are done). ``cancelled()`` true: no further branch is taken and what
        was judged so far comes back."""
        ids = self._branch_ids(branch_ids)
        jobs = default_jobs(len(ids)) if jobs is None else max(1, jobs)
        if jobs > 1 and len(ids) > 1 and not self.ws.db.encrypted:
            return _side_by_side(self, judge, as_of, ids, jobs, on_done, cancelled)
        found: dict = {}
        calendar = self.ws.holidays.calendar()
        for at in range(0, len(ids), _BATCH_BRANCHES):
            if cancelled is not None and cancelled():
                break
            part = judge(self, as_of, ids[at : at + _BATCH_BRANCHES], calendar)
            found.update(part)
            if on_done is not None:
                on_done(part)
        return found

    def _check_branches(self, as_of: dt.date, ids, calendar=None) -> dict[int, CheckReport]:
        """The reports of ``ids`` (branches of the database, by id), the holiday calendar as read already."""
        return {
            ws.branch_id: ws.compliance._check(as_of, dossiers=dossiers, meetings=meetings, calendar=calendar)
            for ws, dossiers, meetings, calendar in self.each_of(ids, calendar)
        }

    def _branch_ids(self, branch_ids=None) -> list[int]:
        from branchdesk.workspace import Workspace

        ids = [b for b, _ in Workspace.branches(self.ws.db)]
        if branch_ids is not None:
            wanted = set(branch_ids)
            ids = [b for b in ids if b in wanted]
        return ids

    def each_branch(self, branch_ids=None) -> Iterator[tuple[Workspace, list, list, HolidayCalendar]]:
        """``(workspace, dossiers, meeting records, holiday calendar)`` of every branch (of ``branch_ids``),
        by id: the records read ten branches at a time, the calendar once (``check_all``, the committee's
        overview). The workspace is closed once the next branch is asked for."""
        return self.each_of(self._branch_ids(branch_ids))

    def each_of(self, branch_ids: list[int], calendar=None):
        """``each_branch`` of ``branch_ids`` (branches of the database, as ``side_by_side`` hands them to its
        judge: not looked up again), the calendar read here unless given."""
        from branchdesk.services.bulk import collector_paused
        from branchdesk.workspace import Workspace

        db = self.ws.db
        with collector_paused():  # tens of thousands of snapshot objects: no full collections meanwhile
            calendar = calendar or self.ws.holidays.calendar()
            for at in range(0, len(branch_ids), _BATCH_BRANCHES):  # a batch at a time: memory stays bounded
                batch = branch_ids[at : at + _BATCH_BRANCHES]
                dossiers = self.ws.development.all_of_branches(batch)
                meetings = self.ws.meetings.all_of_branches(batch)
                for branch_id in batch:
                    ws = Workspace(db, branch_id)
                    try:
                        yield ws, dossiers.pop(branch_id), meetings.pop(branch_id), calendar
                    finally:
                        ws.close()

    def _check(
        self, as_of: dt.date, *, dossiers=None, meetings=None, calendar=None, arrears=None
    ) -> CheckReport:
        """The check from the branch's dossiers, meeting records, the holiday calendar and the dues arrears
        (``ws.dues.arrears(as_of)``) when already read (``check_all``, the committee's overview), else
        reading them."""
        from branchdesk.domain.rules import audit_many
        from branchdesk.domain.rules.branch_rules import audit_branch

        ws = self.ws
        service = ws.development
        meetings_service = ws.meetings
        dossiers = service.all() if dossiers is None else dossiers
        ctx = service.rule_context(as_of, calendar=calendar)
        meetings = meetings_service.all() if meetings is None else meetings
        findings = audit_many(dossiers, ctx)
        roster = ws.roster.read()
        meeting_findings = meetings_service.audit(meetings, as_of, roster) if meetings else []
        records = _branch_records(
            ws, as_of, meetings=meetings, dossiers=dossiers, roster=roster, arrears=arrears
        )
        branch_findings = audit_branch(records, ctx)
        member_findings = tuple(f for f in branch_findings if f.kind == "member")
        consistency = tuple(f for f in branch_findings if f.kind == "consistency")
        notes = ()
        years = sorted(
            {f.dates[k].year for f in findings for k in ("publicity_start", "publicity_end") if k in f.dates}
        )
        missing = ctx.calendar.fallback_years(dt.date(as_of.year, 1, 1), as_of) if ctx.calendar else []
        if missing or any(ctx.calendar and not ctx.calendar.is_year_known(y) for y in years):
            gaps = sorted(
                set(missing) | {y for y in years if ctx.calendar and not ctx.calendar.is_year_known(y)}
            )
            notes = (
                "、".join(f"{y}年" for y in gaps)
                + "没有节假日安排数据，工作日按周一至周五计算（设置 › 检查起点与节假日中可录入）。",
            )
        return CheckReport(
            as_of, len(dossiers), len(meetings), tuple(findings), tuple(meeting_findings), member_findings,
            consistency, sum(1 for m in records.members if m.entry.member_on(as_of)), notes,
        )  # fmt: skip


def _branch_records(
    ws: Workspace, as_of: dt.date, *, meetings=None, dossiers=None, roster=None, arrears=None
) -> BranchRecords:
    """The snapshot the MEM-* and CON-* rules read: roster with history, committee, meetings, dossiers."""
    from sqlalchemy import select

    from branchdesk.db.models import Branch, CommitteeMember, Member
    from branchdesk.db.models_development import DevelopmentDossier
    from branchdesk.domain.rules.branch_rules import BranchRecords, MemberRecord, Seat

    if meetings is None:
        meetings = ws.meetings.all()
    if dossiers is None:
        dossiers = ws.development.all()
    with ws.read() as session:
        branch_id = ws.branch_id
        branch = session.get(Branch, branch_id)
        if roster is None:
            roster = ws.roster.read(session)
        extra = {
            r.id: r
            for r in session.execute(
                select(Member.id, Member.status, Member.status_date, Member.lost_contact, Member.lost_contact_since,
                       Member.is_mobile_member, Member.dues_paid_to, Member.join_date_precision,
                       Member.conversion_date_precision).where(Member.branch_id == branch_id)
            )
        }  # fmt: skip
        names = {m.id: m.name for m in roster.members}
        seats = tuple(
            Seat(s.member_id, names.get(s.member_id, ""), s.post, s.term_start, s.ended_on)
            for s in session.execute(
                select(CommitteeMember.member_id, CommitteeMember.post, CommitteeMember.term_start,
                       CommitteeMember.ended_on).where(CommitteeMember.branch_id == branch_id)
            )
        )  # fmt: skip
        links = dict(
            session.execute(
                select(DevelopmentDossier.id, DevelopmentDossier.member_id).where(
                    DevelopmentDossier.branch_id == branch_id, DevelopmentDossier.member_id.is_not(None)
                )
            ).all()
        )
    entries = {e.member_id: e for group in roster.entries().values() for e in group}
    members = []
    for m in roster.members:
        x = extra[m.id]
        lost = (x.lost_contact_since or x.status_date or as_of) if x.lost_contact else None
        members.append(
            MemberRecord(
                id=m.id, name=m.name, entry=entries[m.id], status=m.status, status_date=x.status_date,
                join_date=m.join_date, conversion_date=m.conversion_date, member_type=m.member_type or "full",
                lost_since=lost, mobile=bool(x.is_mobile_member),
                changes=tuple((c.date, c.to_status) for c in roster.history.get(m.id, ())),
                dues_paid_to=x.dues_paid_to, join_precision=x.join_date_precision or "day",
                conversion_precision=x.conversion_date_precision or "day",
            )
        )  # fmt: skip
    from branchdesk.services.study import with_study  # MEM-STUDY-32H (registers the rule) and its hours

    return with_study(
        BranchRecords(
            as_of=as_of,
            members=tuple(members),
            seats=seats,
            term_start=branch.committee_term_start if branch else None,
            term_end=branch.committee_term_end if branch else None,
            meetings=tuple(m for m in meetings if not m.planned and m.date <= as_of),
            dossiers=tuple(dossiers),
            dossier_members=links,
            records_since=branch.records_since if branch else None,
            # MEM-DUES-6M (registered by services.dues): ws.dues.arrears_map, from the arrears when read already
            extra={
                "dues": ws.dues.arrears_map(as_of) if arrears is None else {a.member_id: a for a in arrears}
            },
        ),
        ws,
        meetings,
    )


def default_jobs(branches: int) -> int:
    """How many processes ``check_all`` uses for ``branches`` branches: one per idle processor core this
    process may use (cores less the load average of other work, where the system tells it), at most
    four; one below eight branches. On a busy machine a second process only adds its start to the same
    core's work."""
    import os

    if branches < _SIDE_BY_SIDE_FROM:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        cores = os.cpu_count() or 1
    try:  # the load of other work: this process, busy itself, counts one
        busy = max(0.0, os.getloadavg()[0] - 1.0)
    except (AttributeError, OSError):  # Windows: no load average
        busy = 0.0
    return max(1, min(round(cores - busy), _MAX_JOBS))


def _reports(service: ComplianceService, as_of: dt.date, ids: list[int], calendar) -> dict[int, CheckReport]:
    """``check_all``'s judge: the reports of ``ids``."""
    return service._check_branches(as_of, ids, calendar)


def _side_by_side(service: ComplianceService, judge: Judge, as_of: dt.date, ids: list[int], jobs: int,
                  on_done=None, cancelled=None) -> dict:  # fmt: skip
    """``side_by_side`` with ``jobs - 1`` helping processes. Everyone takes a few branches at a time from a
    list shared between the processes (``_take``) — the helpers from the front, this process from the
    back — until none is left, so a helper's slow start or a slow branch leaves nobody waiting; the
    helpers' parts come back pickled at the end. A helper that cannot start or fails leaves its branches
    to this process."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    db = service.ws.db
    context = multiprocessing.get_context("spawn")
    # next from the front, end of the back, processes taking part
    bounds = _SHARED["bounds"] = context.Array("i", [0, len(ids), jobs])
    found: dict = {}

    def done(part: dict) -> None:
        found.update(part)
        if on_done is not None and part:
            on_done(part)

    pool = ProcessPoolExecutor(jobs - 1, mp_context=context, initializer=_share, initargs=(bounds,))
    try:
        helpers = []
        for _ in range(jobs - 1):
            try:
                helpers.append(pool.submit(_judge_from_front, judge, db.url, db.user, as_of, ids))
            except (OSError, RuntimeError):  # no process could be started (BrokenProcessPool): alone
                break
        calendar = service.ws.holidays.calendar()  # once, not for each branch taken
        while not (cancelled is not None and cancelled()) and (taken := _take(bounds, from_back=True)):
            done(judge(service, as_of, [ids[at] for at in taken], calendar))
        if cancelled is not None and cancelled():
            _take_all(bounds)
        for helper in helpers:
            try:
                pid, part = helper.result()
            except Exception:  # a helper process that died or could not start: its branches are checked here
                continue
            if part:
                _HELPERS_SEEN.add(pid)
            done(part)
    finally:  # the helpers are done: they end on their own, nobody waits for them to exit (~0.2 s)
        pool.shutdown(wait=False)
    if cancelled is not None and cancelled():
        return found
    missing = [b for b in ids if b not in found]
    if missing:
        done(judge(service, as_of, missing, calendar))
    return {b: found[b] for b in ids}


def _take(bounds, *, from_back: bool = False) -> list[int]:
    """The indexes of the next branches nobody has taken (empty: all taken): a share of what is left —
    a quarter of each process's even share, at most a batch (``_BATCH_BRANCHES``), at least one — so
    that the branches a process takes are read together (a statement per table for all of them, not
    per branch: on PostgreSQL one branch at a time cost half as much again) while the last takes stay
    small and no process is left waiting for another's."""
    with bounds.get_lock():
        front, end, jobs = bounds[0], bounds[1], bounds[2]
        if front >= end:
            return []
        size = max(1, min(_BATCH_BRANCHES, (end - front) // (4 * jobs)))
        if from_back:
            bounds[1] = end - size
            return list(range(end - size, end))
        bounds[0] = front + size
        return list(range(front, front + size))


def _take_all(bounds) -> None:
    """Nobody takes a further branch (cancelled)."""
    with bounds.get_lock():
        bounds[0] = bounds[1]


#: process ids of the helpers that judged branches (tests: the reports were judged elsewhere)
_HELPERS_SEEN: set[int] = set()
_SHARED: dict = {}  # the bounds of the shared list (in every process taking part)


def _share(bounds) -> None:
    """A helping process starts: the list's shared bounds."""
    _SHARED["bounds"] = bounds


def _judge_from_front(judge: Judge, url: str, user: str, as_of: dt.date, ids: list[int]) -> tuple[int, dict]:
    """In a helping process: what ``judge`` says of the branches it takes from the front of ``ids``, from
    the database at ``url`` (opened here, already at the program's schema: the first process opened it)."""
    import os

    from branchdesk.db.engine import Database
    from branchdesk.workspace import Workspace

    db = Database(url, user=user)
    found: dict = {}
    try:
        service = Workspace(db, ids[0]).compliance
        calendar = service.ws.holidays.calendar()
        while taken := _take(_SHARED["bounds"]):
            found.update(judge(service, as_of, [ids[at] for at in taken], calendar))
    finally:
        db.dispose()
    return os.getpid(), found
