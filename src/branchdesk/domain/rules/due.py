"""What is due next in a dossier, and when (the to-do list and the pipeline board).

The dates are the same ones the rules check (a DEADLINE item becomes an overdue finding of the
rule named in ``code`` once it has passed), plus EARLIEST dates (the earliest day a step is allowed)
and REMINDER dates from local practice.
"""

from __future__ import annotations

import datetime as dt

from branchdesk.domain.dates import add_months, add_years
from branchdesk.domain.development import Dossier, FilingKind, Step
from branchdesk.domain.rules.engine import DueItem, DueKind, RuleContext

date = dt.date

__all__ = ["next_steps"]

D, E, R = DueKind.DEADLINE, DueKind.EARLIEST, DueKind.REMINDER


def next_steps(dossier: Dossier, ctx: RuleContext) -> list[DueItem]:
    """The open items of a dossier, sorted by date (overdue ones first by nature of their date)."""
    d, s, now = dossier, ctx.settings, ctx.as_of
    items: list[DueItem] = []

    def add(step: Step, due: date, text: str, kind: DueKind, code: str | None = None) -> None:
        days_left = (due - now).days
        overdue = kind is not E and days_left < 0
        items.append(
            DueItem(
                step=step,
                due=due,
                text=text,
                kind=kind,
                person=d.person.name,
                dossier_id=d.id,
                code=code,
                overdue=overdue,
                due_soon=not overdue and days_left <= s.due_soon_days,
                days_left=days_left,
            )
        )

    app = d.application_date
    if d.closed or app is None or d.archive_date is not None:
        return items

    def thought_report(since: date) -> None:
        if not s.thought_report_months:
            return
        last = max([since, *(r.date for r in d.thought_reports if r.date >= since)])
        add(
            Step.PROBATION_EDUCATION if d.admission_meeting_date else Step.ASSESSMENT,
            add_months(last, s.thought_report_months),
            "提交思想汇报（本单位规定每季度一次）",
            R,
        )

    act = d.activist_date
    if d.first_talk is None and act is None:
        add(Step.FIRST_TALK, add_months(app, s.talk_within_months),
            "党组织派人谈话（收到入党申请书后一个月内）", D, "DEV-TALK-1M")  # fmt: skip
    if act is None:
        if s.activist_min_application_months:
            add(Step.ACTIVIST, add_months(app, s.activist_min_application_months),
                "可确定为入党积极分子（本单位规定的申请书递交期满）", E, "DEV-ACTIVIST-REC")  # fmt: skip
        return _sorted(items)

    if d.candidate_date is None:
        if d.filing(FilingKind.ACTIVIST) is None:
            add(Step.ACTIVIST_FILING, act + dt.timedelta(days=s.record_due_days),
                "确定入党积极分子后报上级党委备案", R, "DEV-FILING")  # fmt: skip
        if not d.contacts:
            add(Step.CONTACTS, act + dt.timedelta(days=s.record_due_days),
                "指定一至两名正式党员作培养联系人", R, "DEV-CONTACTS")  # fmt: skip
        last = max([act, *(a for a in d.assessment_dates if a >= act)])
        add(Step.ASSESSMENT, add_months(last, s.assessment_interval_months),
            "半年一次的培养教育考察", D, "DEV-ASSESS-6M")  # fmt: skip
        add(Step.CANDIDATE, add_years(act, s.activist_min_years),
            "可确定为发展对象（培养考察满一年）", E, "DEV-ACTIVIST-1Y")  # fmt: skip
        thought_report(act)
        return _sorted(items)

    meeting = d.admission_meeting_date
    if meeting is None:
        cand = d.candidate_date
        if d.filing(FilingKind.CANDIDATE) is None:
            add(Step.CANDIDATE_FILING, cand + dt.timedelta(days=s.record_due_days),
                "确定发展对象后报上级党委备案", R, "DEV-FILING")  # fmt: skip
        review = d.political_review
        if review is not None and review.passed and s.political_review_valid_months:
            add(Step.ADMISSION_VOTE, add_months(review.date, s.political_review_valid_months),
                "政治审查结论有效期届满，请在此前召开支部大会", D, "DEV-POLREVIEW")  # fmt: skip
        pre = d.pre_review
        rejected = d.rejected_on
        held = rejected is not None and pre is not None and rejected >= pre.date  # the meeting after it
        if pre is not None and pre.passed and s.meeting_after_prereview_months and not held:
            add(Step.ADMISSION_VOTE, add_months(pre.date, s.meeting_after_prereview_months),
                "预审合格后召开支部大会讨论接收", D, "DEV-PREREVIEW")  # fmt: skip
        if rejected is not None and s.resubmit_wait_months:
            add(Step.ADMISSION_VOTE, add_months(rejected, s.resubmit_wait_months),
                "上次支部大会未通过接收，仍为发展对象；可再次提交支部大会讨论",
                E, "DEV-RESUBMIT")  # fmt: skip
        return _sorted(items)

    approval = d.approval
    if approval is None:
        due = add_months(meeting, s.approval_deadline_months)
        if d.higher_talk is None:
            add(Step.HIGHER_TALK, due, "上级党委派人谈话（审批前）", D, "DEV-HIGHER-TALK")
        add(Step.APPROVAL, due, "上级党委审批接收预备党员（支部大会后三个月内）", D, "DEV-APPROVAL-3M")
    else:
        if d.filing(FilingKind.ADMISSION) is None:
            add(Step.ADMISSION_FILING, approval.date + dt.timedelta(days=s.record_due_days),
                "报再上一级党委组织部门备案", R, "DEV-FILING")  # fmt: skip
        if d.oath_date is None and s.oath_within_months:
            add(Step.OATH, add_months(approval.date, s.oath_within_months), "组织入党宣誓", D, "DEV-OATH")

    cm = d.conversion_meeting_date
    end = d.probation_end
    if cm is None and end is not None:
        if d.conversion_application_date is None:
            add(
                Step.CONVERSION_APPLICATION,
                end,
                "本人提出书面转正申请（预备期满时）",
                R,
                "DEV-CONVERSION-DUE",
            )
        ext = "（含延长期）" if d.extension else ""
        add(Step.CONVERSION_VOTE, end, f"预备期满{ext}，召开支部大会讨论转正", D, "DEV-CONVERSION-DUE")
        thought_report(meeting)
    elif cm is not None and d.conversion_approval is None:
        add(Step.CONVERSION_APPROVAL, add_months(cm, s.approval_deadline_months),
            "上级党委审批转正（支部大会后三个月内）", D, "DEV-APPROVAL-3M")  # fmt: skip
    elif d.conversion_approval is not None and s.archive_within_days:
        add(Step.ARCHIVE, d.conversion_approval.date + dt.timedelta(days=s.archive_within_days),
            "发展材料归档（一人一档）", D, "DEV-ARCHIVE")  # fmt: skip
    return _sorted(items)


def _sorted(items: list[DueItem]) -> list[DueItem]:
    return sorted(items, key=lambda i: (i.due, i.step.number))
