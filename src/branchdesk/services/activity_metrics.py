"""The rubric metrics of the branch's own work (issue 15 for issue 16's rubrics): ``study.hours_32``,
``activities.volunteer``, ``assignments.coverage`` and ``assignments.model_posts``.

Each returns None — the item stays scored by hand — when the branch keeps no such records here (no study
hours recorded that year, no activity or no assignment ever recorded), so a branch that keeps them on paper
is not scored zero.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from branchdesk.domain.activities import AssignmentKind, format_hours
from branchdesk.domain.dates import format_date
from branchdesk.domain.rubric import Evidence, MetricResult, Shortfall
from branchdesk.services.readiness_metrics import MetricInputs, register_metric

STUDY_LINE = 32


def _day(inputs: MetricInputs) -> dt.date:
    return min(inputs.end, inputs.as_of - dt.timedelta(days=1))


def _members(inputs: MetricInputs) -> list[tuple[int, str]]:
    """(member id, name) of the members on the roster on the metric's day."""
    return [(e.member_id, e.name) for e in inputs.members_on(_day(inputs)) if e.member_id is not None]


def _rate(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(1)


def _names(names: list[str]) -> str:
    return "、".join(names[:6]) + ("等" if len(names) > 6 else "")


@register_metric("study.hours_32", "年度学习培训学时达32学时的党员比例", "比例")
def study_hours_32(inputs: MetricInputs) -> MetricResult | None:
    ws = inputs.ws
    if not ws.study.keeps_hours(inputs.year):
        return None
    hours = {h.member_id: h for h in ws.study.hours(inputs.year, inputs.all_meetings)}
    members = _members(inputs)

    def target(mid: int) -> int:  # 32, or 56 for the secretary and committee members (as MEM-STUDY-32H)
        return hours[mid].target if mid in hours else STUDY_LINE

    short = [(mid, name) for mid, name in members if (h := hours.get(mid)) is None or h.total < h.target]
    shortfalls = tuple(
        Shortfall(f"为{name}补录或安排学习学时（本年{format_hours(hours[mid].total if mid in hours else 0)}学时，"
                  f"差{format_hours(target(mid) - (hours[mid].total if mid in hours else 0))}学时）",
                  evidence=Evidence("member", mid, name), action="activities")
        for mid, name in short
    )  # fmt: skip
    reached = len(members) - len(short)
    return MetricResult(
        "study.hours_32", _rate(reached, len(members)), f"{len(members)}名党员中{reached}名本年学习培训学时达标（书记、支委56学时）",
        tuple(Evidence("member", mid, f"{name}：{format_hours(hours[mid].total) if mid in hours else 0}学时")
              for mid, name in members),
        shortfalls, gap_text=f"{len(short)}名党员本年学习学时不足32（{_names([n for _, n in short])}）" if short else "",
        action="activities",
    )  # fmt: skip


@register_metric("activities.volunteer", "参加志愿服务的党员比例", "比例")
def volunteer(inputs: MetricInputs) -> MetricResult | None:
    ws = inputs.ws
    if not ws.activities.years():
        return None
    served: dict[int, Decimal] = {}
    evidence = []
    for a in ws.activities.all(inputs.year):
        if a.kind != "志愿服务" or not (inputs.start <= a.date < inputs.as_of):
            continue
        evidence.append(Evidence("activity", a.id, f"{format_date(a.date)} {a.title}（{a.total_people}人）"))
        for p in a.participants:
            if p.member_id is not None:
                served[p.member_id] = served.get(p.member_id, Decimal(0)) + p.hours
    members = _members(inputs)
    missing = [name for mid, name in members if mid not in served]
    took_part = len(members) - len(missing)
    total = sum((served.get(mid, Decimal(0)) for mid, _ in members), Decimal(0))
    average = format_hours((total / len(members)).quantize(Decimal("0.1"))) if members else "0"
    return MetricResult(
        "activities.volunteer", _rate(took_part, len(members)),
        f"{len(members)}名党员中{took_part}名本年参加志愿服务，人均{average}小时（{len(evidence)}次活动）",
        tuple(evidence), gap_text=f"{len(missing)}名党员本年没有参加志愿服务（{_names(missing)}）" if missing else "",
        action="activities",
    )  # fmt: skip


@register_metric("assignments.coverage", "有联系服务对象的党员比例", "比例")
def coverage(inputs: MetricInputs) -> MetricResult | None:
    ws = inputs.ws
    if not ws.assignments.list():
        return None
    c = ws.assignments.coverage(_day(inputs))
    names = [name for _, name in c.unassigned]
    return MetricResult(
        "assignments.coverage", _rate(c.assigned, c.members),
        f"{c.members}名党员中{c.assigned}名有联系服务安排；联系宿舍{len(c.dormitories)}间、班级{len(c.classes)}个",
        tuple(Evidence("member", mid, f"{name}：无联系服务安排") for mid, name in c.unassigned),
        tuple(Shortfall(f"为{name}安排联系宿舍、班级或服务对象", evidence=Evidence("member", mid, name),
                        action="assignments") for mid, name in c.unassigned),
        gap_text=f"{len(names)}名党员没有联系服务安排（{_names(names)}）" if names else "", action="assignments",
    )  # fmt: skip


@register_metric("assignments.model_posts", "党员示范岗数量", "项")
def model_posts(inputs: MetricInputs) -> MetricResult | None:
    ws = inputs.ws
    if not ws.assignments.list():
        return None
    posts = [
        a for a in ws.assignments.list(kind=AssignmentKind.POST, year=inputs.year) if a.start < inputs.as_of
    ]
    return MetricResult(
        "assignments.model_posts", Decimal(len(posts)),
        f"本年设立党员示范岗（先锋岗、监督岗、责任区）{len(posts)}个",
        tuple(Evidence("assignment", a.id, f"{a.post_kind}：{a.target}（{a.person}）") for a in posts),
        action="assignments",
    )  # fmt: skip


def summary_section(ws, year: int) -> str:
    """The 年度工作总结's paragraph on the branch's own work (services/annual_summary.SECTIONS)."""
    activities = ws.activities.all(year)
    parts = []
    if activities:
        kinds: dict[str, int] = {}
        for a in activities:
            kinds[a.kind] = kinds.get(a.kind, 0) + 1
        volunteer = [a for a in activities if a.kind == "志愿服务"]
        people = sum(len(a.participants) for a in volunteer)
        hours = sum((p.hours for a in volunteer for p in a.participants), Decimal(0))
        parts.append(f"全年开展活动{len(activities)}次（" + "、".join(f"{k}{n}次" for k, n in kinds.items()) + "）"
                     + (f"，党员、积极分子参加志愿服务{people}人次、共{format_hours(hours)}小时" if volunteer else ""))  # fmt: skip
    for p in ws.activities.projects():
        won = [r for r in p.recognitions if r.date is not None and r.date.year == year]
        if won:
            parts.append(f"党建品牌项目“{p.name}”获{'、'.join(r.title for r in won)}")
    current = ws.assignments.list(year=year)
    if current:
        c = ws.assignments.coverage(min(dt.date(year, 12, 31), dt.date.today()))
        posts = [a for a in current if a.kind is AssignmentKind.POST]
        parts.append(f"{c.assigned}名党员有联系服务安排（联系宿舍{len(c.dormitories)}间、班级{len(c.classes)}个），"
                     f"设立党员示范岗等岗位{len(posts)}个")  # fmt: skip
    if ws.study.keeps_hours(year):
        hours = ws.study.hours(year)
        if hours:
            reached = sum(1 for h in hours if h.total >= h.target)
            average = sum((h.total for h in hours), Decimal(0)) / len(hours)
            parts.append(f"党员人均学习培训{format_hours(average.quantize(Decimal('0.1')))}学时，"
                         f"{reached}名达到年度学时要求（书记、支委56学时）")  # fmt: skip
    if not parts:
        return ""
    return "服务群众、示范带动与学习教育：" + "；".join(parts) + "。"


def _register_section() -> None:
    from branchdesk.services.annual_summary import SECTIONS

    if summary_section not in SECTIONS:
        SECTIONS.append(summary_section)


_register_section()
