"""The branch's own work in readiness (issues 15, 16): the metrics of study hours, volunteer service,
联系服务, 示范岗 and brand projects the rubrics score from, the 工作台's study-hours to-do and the annual
summary's paragraphs on activities, study hours and assignments. Qt-free.

Each metric returns None while the branch records nothing of its area for the year (the item is scored
by hand):

* ``study.hours_32`` — members on the roster from 1 January to the check date (the year's end for a past
  year) with at least 32 class hours (56 for the secretary and committee members), from ``ws.study``'s
  lines (the same hours MEM-STUDY-32H judges). None unless the branch records study hours for the year
  (a study record or a 微党课 / 主题教育 activity).
* ``activities.volunteer`` — members on the roster at the end of the period who took part in a
  volunteer activity (kind 志愿服务, or a kind of the branch's own with 志愿 in its name) in the year.
  None without any activity in the year.
* ``assignments.coverage`` — members on the roster at the end of the period with a 联系服务 assignment
  (dormitory, class, people, 结对帮扶; a post alone is not a 联系服务 object) during the year.
* ``assignments.model_posts`` — the 党员示范岗 and 党员先锋岗 posts held in the year (distinct posts).
  Both None without any assignment in the year.
* ``activities.brand_projects`` — brand projects (党建品牌 / 立项项目) running in the year. None without
  any project and any activity in the year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from branchdesk.domain.activities import AssignmentKind, format_hours, hours_of, study_target
from branchdesk.domain.dates import format_date
from branchdesk.domain.rubric import Evidence, MetricResult
from branchdesk.services.readiness_metrics import MetricInputs, register_metric

if TYPE_CHECKING:
    from branchdesk.services.workbench import Todo
    from branchdesk.workspace import Workspace

#: The post kinds that count as 示范岗 (``assignments.model_posts``).
MODEL_POST_KINDS = ("党员示范岗", "党员先锋岗")
#: 联系服务 kinds (a post is not a contact of people).
CONTACT_KINDS = (AssignmentKind.DORMITORY, AssignmentKind.CLASS, AssignmentKind.PEOPLE, AssignmentKind.PAIR)


def _names(names: list[str], limit: int = 6) -> str:
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def _rate(total: int, short: int) -> Decimal:
    return Decimal(total - short) / Decimal(total) if total else Decimal(1)


def _last_day(inputs: MetricInputs) -> dt.date:
    """The last day the period covers: the year's end, or the day before the check date."""
    return min(inputs.end, inputs.as_of - dt.timedelta(days=1))


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
    if not ws.study._keeps_hours(year):
        return None
    if meetings is None:  # only the records that give hours (not every meeting of the year)
        from branchdesk.domain.meetings import MeetingType

        meetings = ws.meetings.all(year=year, types=(MeetingType.LECTURE, MeetingType.PARTY_DAY))
    lines = ws.study.lines(year, meetings)
    roster = roster if roster is not None else ws.roster.read()
    entries = {
        e.member_id: e for group in roster.entries().values() for e in group if e.member_id is not None
    }
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    committee = {
        s.member_id
        for s in roster.seats
        if (s.term_start is None or s.term_start <= last) and (s.ended_on is None or s.ended_on > first)
    }
    out = []
    for m in roster.members:
        e = entries.get(m.id)
        if e is None or not (e.member_on(first) and e.member_on(until)):
            continue
        tenths = sum(line.tenths for line in lines.get(m.id, ()) if line.date <= until)
        out.append((m.id, m.name, study_target(m.id in committee), hours_of(tenths)))
    return out


@register_metric("study.hours_32", "年度学习培训达到32学时（书记、支委56学时）的党员比例", "比例")
def study_hours_32(inputs: MetricInputs) -> MetricResult | None:
    until = _last_day(inputs)
    standing = study_standing(inputs.ws, inputs.year, until, inputs.all_meetings, inputs.roster)
    if standing is None or not standing:
        return None
    short = [(mid, name, target, have) for mid, name, target, have in standing if have < target]
    whole = until == inputs.end
    when = "本年" if whole else f"截至{format_date(until)}"
    evidence = tuple(
        Evidence(
            "member", mid, f"{name}：{when}{format_hours(have)}学时，差{format_hours(Decimal(t) - have)}学时"
        )
        for mid, name, t, have in short
    )
    summary = f"{len(standing)}名党员中{len(standing) - len(short)}名{when}学习培训学时达标"
    gap = ""
    if short:
        targets = sorted({t for _, _, t, _ in short})
        limit = "32" if targets == [32] else "/".join(str(t) for t in targets)
        gap = f"{len(short)}名党员{when}学习学时不足{limit}（{_names([n for _, n, _, _ in short])}）"
    return MetricResult("study.hours_32", _rate(len(standing), len(short)), summary, evidence,
                        gap_text=gap, action="activities")  # fmt: skip


# ====================================================================== volunteer service


def _is_volunteer(kind: str) -> bool:
    return "志愿" in kind


@register_metric("activities.volunteer", "参加志愿服务的党员比例", "比例")
def volunteer(inputs: MetricInputs) -> MetricResult | None:
    feed = [a for a in _feed(inputs) if a.date < inputs.as_of]
    if not feed:
        return None
    served: dict[int, int] = {}  # member id → tenths of volunteer service
    for a in feed:
        if _is_volunteer(a.kind):
            for mid, tenths in a.hours.items():
                served[mid] = served.get(mid, 0) + tenths
    members = inputs.members_on(_last_day(inputs))
    missing = [e for e in members if e.member_id not in served]
    tenths = sum(served.get(e.member_id, 0) for e in members)
    count = sum(1 for a in feed if _is_volunteer(a.kind))
    average = f"，人均{format_hours(hours_of(tenths // len(members)))}小时" if members else ""
    summary = f"本年开展志愿服务{count}次，{len(members)}名党员中{len(members) - len(missing)}名参加{average}"
    evidence = tuple(Evidence("member", e.member_id, f"{e.name}：本年未参加志愿服务") for e in missing)
    gap = f"{len(missing)}名党员本年未参加志愿服务（{_names([e.name for e in missing])}）" if missing else ""
    return MetricResult("activities.volunteer", _rate(len(members), len(missing)), summary, evidence,
                        gap_text=gap, action="activities")  # fmt: skip


# ====================================================================== 联系服务 and 示范岗


def _year_assignments(inputs: MetricInputs) -> list:
    until = _last_day(inputs)
    rows = _shared(inputs, "assignments", lambda: inputs.ws.assignments.list(year=inputs.year))
    return [a for a in rows if a.start <= until]


@register_metric("assignments.coverage", "有联系服务对象的党员比例", "比例")
def coverage(inputs: MetricInputs) -> MetricResult | None:
    rows = _year_assignments(inputs)
    if not rows:
        return None
    covered = {a.member_id for a in rows if a.kind in CONTACT_KINDS and a.member_id is not None}
    members = inputs.members_on(_last_day(inputs))
    missing = [e for e in members if e.member_id not in covered]
    summary = (
        f"{len(members)}名党员中{len(members) - len(missing)}名有联系服务对象（宿舍、班级、群众或结对帮扶）"
    )
    evidence = tuple(Evidence("member", e.member_id, f"{e.name}：本年没有联系服务对象") for e in missing)
    gap = f"{len(missing)}名党员没有联系服务对象（{_names([e.name for e in missing])}）" if missing else ""
    return MetricResult("assignments.coverage", _rate(len(members), len(missing)), summary, evidence,
                        gap_text=gap, action="assignments")  # fmt: skip


@register_metric("assignments.model_posts", "党员示范岗（先锋岗）数量", "个")
def model_posts(inputs: MetricInputs) -> MetricResult | None:
    rows = _year_assignments(inputs)
    if not rows:
        return None
    posts: dict[tuple[str, str], list[str]] = {}
    for a in rows:
        if a.kind is AssignmentKind.POST and a.post_kind in MODEL_POST_KINDS:
            posts.setdefault((a.post_kind, a.target or "（未填写）"), []).append(a.person)
    evidence = tuple(
        Evidence("assignment", None, f"{kind}：{target}（{'、'.join(people)}）")
        for (kind, target), people in sorted(posts.items())
    )
    summary = f"本年设立党员示范岗（先锋岗）{len(posts)}个" if posts else "本年没有设立党员示范岗"
    return MetricResult("assignments.model_posts", Decimal(len(posts)), summary, evidence,
                        gap_text="增设党员示范岗并登记上岗党员", action="assignments")  # fmt: skip


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


# ====================================================================== the annual summary


def activities_section(ws: Workspace, year: int) -> str:
    rows = ws.activities.list(year)
    if not rows:
        return ""
    volunteer = [r for r in rows if _is_volunteer(r.kind)]
    people = sum(r.people for r in rows)
    text = f"活动开展：全年开展各类活动{len(rows)}次，参加{people}人次"
    if volunteer:
        hours = sum((r.hours for r in volunteer), Decimal(0))
        text += (
            f"；其中志愿服务{len(volunteer)}次，参加{sum(r.people for r in volunteer)}人次，"
            f"服务时长{format_hours(hours)}小时"
        )
    metric = ws.readiness.metrics(year, names={"activities.volunteer", "activities.brand_projects"})
    if "activities.volunteer" in metric:
        text += f"（{metric['activities.volunteer'].summary.split('，', 1)[1]}）"
    if (brand := metric.get("activities.brand_projects")) is not None and brand.value:
        text += f"；{brand.summary}：" + "；".join(e.label for e in brand.evidence)
    return text + "。"


def study_section(ws: Workspace, year: int) -> str:
    until = min(dt.date.today(), dt.date(year, 12, 31))
    standing = study_standing(ws, year, until)
    if not standing:
        return ""
    total = sum((h for *_, h in standing), Decimal(0))
    reached = sum(1 for *_, t, h in standing if h >= t)
    average = format_hours(hours_of(int(total * 10) // len(standing)))
    return (
        f"学习培训：{len(standing)}名党员全年学习培训共{format_hours(total)}学时，人均{average}学时，"
        f"{reached}名达到年度学时要求（党员32学时，书记、支委56学时）。"
    )


def assignments_section(ws: Workspace, year: int) -> str:
    metric = ws.readiness.metrics(year, names={"assignments.coverage", "assignments.model_posts"})
    parts = [metric[k].summary for k in ("assignments.coverage", "assignments.model_posts") if k in metric]
    if not parts:
        return ""
    return "联系服务：" + "；".join(parts) + "。"


def _register() -> None:
    from branchdesk.services import annual_summary, workbench

    if study_todos not in workbench.SOURCES:
        workbench.SOURCES.append(study_todos)
    for section in (activities_section, study_section, assignments_section):
        if section not in annual_summary.SECTIONS:
            annual_summary.SECTIONS.append(section)


_register()
