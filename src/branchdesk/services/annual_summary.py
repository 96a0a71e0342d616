"""The draft 年度工作总结 (issue 16): the figures branches quote in their own summaries, from the year's
records — meetings by type, attendance, talks, development steps (admissions, conversions), honours,
appraisal grades — as editable text. Areas that land later (activities, volunteer hours, dues) add a
paragraph through ``SECTIONS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from branchdesk.domain.meetings import MeetingType

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

#: The development figures branches quote: (step number, what it means).
_KEY_STEPS = ((3, "确定入党积极分子"), (7, "确定发展对象"), (15, "接收预备党员"), (23, "预备党员转正"))

#: Further paragraphs: ``section(ws, year) -> str`` ("" to leave it out), appended in order.
SECTIONS: list[Callable[[Workspace, int], str]] = []


def draft(ws: Workspace, year: int) -> str:
    stats = ws.meetings.statistics(year)
    profile_name = ""
    try:
        profile_name = ws.branch.profile().name
    except Exception:  # a branch without a profile yet: the heading without its name
        profile_name = ""
    lines = [f"{profile_name}{year}年度工作总结（草稿）", ""]
    lines.append("一、组织生活开展情况")
    parts = []
    for type_ in (MeetingType.GENERAL, MeetingType.COMMITTEE, MeetingType.GROUP, MeetingType.LECTURE,
                  MeetingType.PARTY_DAY, MeetingType.ORG_LIFE, MeetingType.APPRAISAL):  # fmt: skip
        n = stats.by_type.get(type_, 0)
        if n:
            parts.append(f"{type_.label}{n}次")
    if parts:
        rate = stats.overall_attendance
        att = f"，党员平均出勤率{rate * 100:.0f}%" if rate is not None else ""
        lines.append(f"全年共召开各类会议{stats.held}次，其中{'、'.join(parts)}{att}。")
    else:
        lines.append("本年度尚无会议记录。")
    if stats.talks:
        lines.append(f"开展谈心谈话{stats.talks}人次。")
    grades = {g.label: n for g, n in stats.grades.items() if n}
    if grades:
        lines.append("民主评议党员：" + "，".join(f"{k}{v}人" for k, v in grades.items()) + "。")
    lines += ["", "二、发展党员工作"]
    steps = stats.development_steps
    if steps:
        from branchdesk.domain.development import Step

        by_number = {s.number: steps.get(s.title, 0) for s in Step}
        figures = [f"{what}{by_number[n]}人" for n, what in _KEY_STEPS if by_number.get(n)]
        lines.append(
            f"全年{'、'.join(figures) if figures else '办理发展党员工作'}（各步骤明细见发展党员工作台账）。"
        )
        if by_number.get(1):
            lines.append(f"收到入党申请书{by_number[1]}份。")
    else:
        lines.append("本年度没有发展党员工作记录。")
    metrics = ws.readiness.metrics(year, names={"honours.count", "sanctions.count"})
    lines += ["", "三、表彰与纪律"]
    honours = metrics["honours.count"]
    lines.append(
        honours.summary
        + ("：" + "；".join(e.label for e in honours.evidence) if honours.evidence else "")
        + "。"
    )
    lines.append(metrics["sanctions.count"].summary + "。")
    from branchdesk.services.readiness_metrics import load_area_modules

    load_area_modules()  # the areas' metric modules add their paragraphs to SECTIONS
    texts = [text for section in SECTIONS if (text := section(ws, year))]
    number = "四"
    if texts:
        lines += ["", "四、党员教育管理和服务工作", *texts]
        number = "五"
    lines += ["", f"{number}、存在的不足和下一步打算", "（请根据本支部实际填写）"]
    return "\n".join(lines)
