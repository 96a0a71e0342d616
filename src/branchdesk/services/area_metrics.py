"""Readiness metrics of the areas that landed after the rubric (issue 16 on issues 14 and 15): dues paid on
time, study hours, volunteer service, 联系服务 coverage and 示范岗 — each one function registered with
``register_metric`` (docs/readiness.md), each returning None while its area holds nothing for the year (the
item is then scored by hand, as before the area existed)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from branchdesk.domain.dates import format_date
from branchdesk.domain.rubric import Evidence, MetricResult
from branchdesk.services.readiness_metrics import MetricInputs, register_metric


def _names(people: list[str], limit: int = 6) -> str:
    return "、".join(people[:limit]) + ("等" if len(people) > limit else "")


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part) / Decimal(whole) if whole else Decimal(1)


def _day(inputs: MetricInputs) -> dt.date:
    """The last day the year's figures are read on: its end, or the day before the check date."""
    return min(inputs.end, inputs.as_of - dt.timedelta(days=1))


@register_metric("dues.on_time", "按时足额交纳党费的党员比例（党费收缴）", "比例")
def dues_on_time(inputs: MetricInputs) -> MetricResult | None:
    dues = inputs.ws.dues
    with inputs.ws.read() as session:
        if dues.since(session) is None:
            return None  # the branch keeps no dues here: scored by hand
    everyone = dues.arrears(_day(inputs), only_owing=False)
    if not everyone:
        return None
    owing = [a for a in everyone if a.unpaid]
    evidence = tuple(
        Evidence("member", a.member_id, f"{a.name}：欠缴{a.months_text}，{a.amount_fen / 100:.2f}元")
        for a in owing
    )
    summary = f"{len(everyone)}名党员中{len(everyone) - len(owing)}名按时交纳党费"
    gap = f"{len(owing)}名党员欠缴党费（{_names([a.name for a in owing])}）" if owing else ""
    return MetricResult("dues.on_time", _share(len(everyone) - len(owing), len(everyone)), summary, evidence,
                        gap_text=gap, action="dues")  # fmt: skip


@register_metric("study.hours_32", "年度学习学时达标的党员比例（党员32学时，支部委员56学时）", "比例")
def study_hours(inputs: MetricInputs) -> MetricResult | None:
    year_meetings = [m for m in inputs.all_meetings if m.date.year == inputs.year]
    hours = inputs.ws.study.hours(inputs.year, year_meetings)
    if not hours:
        return None
    short = [h for h in hours if h.short > 0]
    evidence = tuple(
        Evidence("member", h.member_id, f"{h.name}：{h.total}学时（应{h.target}学时，差{h.short}）")
        for h in short
    )
    summary = f"{len(hours)}名党员中{len(hours) - len(short)}名学时达标"
    gap = f"{len(short)}名党员本年学习学时不足规定学时（{_names([h.name for h in short])}）" if short else ""
    return MetricResult("study.hours_32", _share(len(hours) - len(short), len(hours)), summary, evidence,
                        gap_text=gap, action="study")  # fmt: skip


@register_metric("activities.volunteer", "参加志愿服务的党员比例（活动记录）", "比例")
def volunteer(inputs: MetricInputs) -> MetricResult | None:
    feed = [a for a in inputs.ws.activities.hours_feed(inputs.year) if a.kind == "志愿服务"]
    members = {e.member_id: e.name for e in inputs.members_on(_day(inputs)) if e.member_id is not None}
    if not members:
        return None
    served = {mid for a in feed for mid in a.hours if mid in members}
    tenths = sum(t for a in feed for mid, t in a.hours.items() if mid in members)
    evidence = tuple(Evidence("activity", a.activity_id, f"{format_date(a.date)} {a.title}（{len(a.hours)}人）")
                     for a in feed)  # fmt: skip
    missing = [name for mid, name in members.items() if mid not in served]
    per_member = Decimal(tenths) / 10 / len(members)
    summary = (
        f"{len(members)}名党员中{len(served)}名参加志愿服务，人均{per_member:.1f}小时（{len(feed)}次活动）"
    )
    gap = f"{len(missing)}名党员本年没有参加志愿服务（{_names(missing)}）" if missing else ""
    return MetricResult("activities.volunteer", _share(len(served), len(members)), summary, evidence,
                        gap_text=gap, action="activities")  # fmt: skip


def _coverage(inputs: MetricInputs):
    """The 联系服务 coverage of the year's last day, read once for both metrics."""
    found = inputs.__dict__.get("_coverage")
    if found is None:
        found = inputs.__dict__["_coverage"] = inputs.ws.assignments.coverage(_day(inputs))
    return found


@register_metric("assignments.coverage", "有联系服务对象的党员比例（联系服务安排）", "比例")
def coverage(inputs: MetricInputs) -> MetricResult | None:
    c = _coverage(inputs)
    if not c.members:
        return None
    evidence = tuple(Evidence("member", mid, f"{name}：没有联系服务安排") for mid, name in c.unassigned)
    summary = f"{c.members}名党员中{c.assigned}名有联系服务对象"
    names = [name for _, name in c.unassigned]
    gap = f"{len(names)}名党员没有联系服务对象（{_names(names)}）" if names else ""
    return MetricResult("assignments.coverage", _share(c.assigned, c.members), summary, evidence,
                        gap_text=gap, action="assignments")  # fmt: skip


@register_metric("assignments.model_posts", "党员示范岗（先锋岗、责任区等）数量", "个")
def model_posts(inputs: MetricInputs) -> MetricResult:
    c = _coverage(inputs)
    evidence = tuple(
        Evidence("assignment", None, f"{post}：{'、'.join(people)}") for post, people in c.posts.items()
    )
    summary = f"设立党员示范岗等{len(c.posts)}个" if c.posts else "没有设立党员示范岗"
    return MetricResult("assignments.model_posts", Decimal(len(c.posts)), summary, evidence,
                        gap_text="设立党员示范岗（在“联系服务”中安排岗位）", action="assignments")  # fmt: skip
