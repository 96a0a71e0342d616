"""The branch's own work in readiness beside ``services/activity_metrics.py`` (issues 15, 16): the metric
``activities.brand_projects`` (the rubrics' item 党建品牌或立项项目) and the 工作台's study-hours to-do.
Qt-free; the to-do is appended to ``workbench.SOURCES`` on import.

* ``activities.brand_projects`` — brand projects (党建品牌 / 立项项目) running in the year, each with its
  activities of the year and recognitions as evidence. None (scored by hand) without any project and
  any activity in the year.
* ``study_todos`` — one line naming the members behind on their study hours (see the function).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from branchdesk.domain.activities import hours_of, study_target
from branchdesk.domain.rubric import Evidence, MetricResult
from branchdesk.services.readiness_metrics import MetricInputs, register_metric

if TYPE_CHECKING:
    from branchdesk.services.workbench import Todo
    from branchdesk.workspace import Workspace


def _names(names: list[str], limit: int = 6) -> str:
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def _shared(inputs: MetricInputs, key: str, read):
    """A read shared by the metrics of one assessment (kept on the inputs, like their cached reads)."""
    cache = inputs.__dict__.setdefault("_work_metrics", {})
    if key not in cache:
        cache[key] = read()
    return cache[key]


def _feed(inputs: MetricInputs) -> list:
    return _shared(inputs, "feed", lambda: inputs.ws.activities.hours_feed(inputs.year))


# ====================================================================== study hours


def study_standing(ws: Workspace, year: int, until: dt.date, meetings=None, roster=None):
    """(member id, name, target, hours up to ``until``) of the members on the roster from 1 January to
    ``until``, from the study lines of ``year`` — None when the branch records no study hours for the year."""
    if not ws.study.keeps_hours(year):
        return None
    if meetings is None:  # only the records that give hours (not every meeting of the year)
        from branchdesk.domain.meetings import MeetingType

        meetings = ws.meetings.all(year=year, types=(MeetingType.LECTURE, MeetingType.PARTY_DAY))
    lines = ws.study.lines(year, meetings)
    roster = roster if roster is not None else ws.roster.read()
    entries = {
        e.member_id: e for group in roster.entries().values() for e in group if e.member_id is not None
    }
    first = dt.date(year, 1, 1)
    committee = roster.committee_in(year)
    out = []
    for m in roster.members:
        e = entries.get(m.id)
        if e is None or not (e.member_on(first) and e.member_on(until)):
            continue
        tenths = sum(line.tenths for line in lines.get(m.id, ()) if line.date <= until)
        out.append((m.id, m.name, study_target(m.id in committee), hours_of(tenths)))
    return out


# ====================================================================== brand projects


@register_metric("activities.brand_projects", "本年度在建的党建品牌（立项）项目数量", "项")
def brand_projects(inputs: MetricInputs) -> MetricResult | None:
    projects = inputs.ws.activities.projects()
    running = [
        p
        for p in projects
        if (p.start is None or p.start <= inputs.end) and (p.end is None or p.end >= inputs.start)
    ]
    if not projects and not _feed(inputs):
        return None
    done = {}
    for a in inputs.ws.activities.list(inputs.year):
        if a.project:
            done[a.project] = done.get(a.project, 0) + 1
    evidence = tuple(
        Evidence("project", p.id, f"{p.name}：本年开展活动{done.get(p.name, 0)}次"
                 + (f"，获{len(p.recognitions)}项认可" if p.recognitions else ""))
        for p in running
    )  # fmt: skip
    summary = (
        f"本年度在建党建品牌（立项）项目{len(running)}个" if running else "本年度没有党建品牌（立项）项目"
    )
    return MetricResult("activities.brand_projects", Decimal(len(running)), summary, evidence,
                        gap_text="培育党建品牌项目并录入项目和本年活动", action="activities")  # fmt: skip


# ====================================================================== the 工作台


def study_todos(ws: Workspace, as_of: dt.date) -> list[Todo]:
    """One line: the members behind on their study hours. Before December a member is behind when
    short of the pro-rata line (the target × the months ended by this month's end ÷ 12); in December
    when short of the whole year's target (what MEM-STUDY-32H reminds of). Only in a branch that records
    study hours for the year."""
    from branchdesk.services.workbench import Todo, month_end

    year = as_of.year
    standing = study_standing(ws, year, as_of)
    if not standing:
        return []
    months = as_of.month
    behind = [(name, have, Decimal(t) * months / 12) for _mid, name, t, have in standing
              if have < Decimal(t) * months / 12]  # fmt: skip
    if not behind:
        return []
    names = _names([n for n, _, _ in behind])
    if months == 12:
        text = f"{len(behind)}名党员本年学习学时不足32（书记、支委56），请在年底前补学或补录学时（{names}）"
        due = dt.date(year, 12, 31)
    else:
        text = (
            f"{len(behind)}名党员学习学时落后于进度（按月折算至{months}月底应达全年的{months}/12）：{names}"
        )
        due = month_end(as_of)
    return [Todo("学习", text, due, False, "activities")]


def _register() -> None:
    from branchdesk.services import workbench

    if study_todos not in workbench.SOURCES:
        workbench.SOURCES.append(study_todos)


_register()
