"""The DEV-* rules of domain.md §2 and §7 (the 2014 细则 rule set).

Each check is a small function over a :class:`Dossier` snapshot returning :class:`Violation`s; the
table at the bottom turns them into :class:`Rule`s with code, article, severity and settings.
Messages are Simplified Chinese and say what is wrong, what to do, and the dates involved.

Conventions (see docs/rules.md):

* "within N months" uses calendar months with month-end clamping (``add_months``); the deadline
  day itself is still on time.
* Record-based findings depend only on what is recorded; ``overdue`` findings (a deadline passed
  with nothing recorded) depend on the check date, which for a closed dossier stops at its
  ``outcome_date``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import replace

from branchdesk.domain import dates as _dates
from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id
from branchdesk.domain.dates import age_on, format_date
from branchdesk.domain.development import (
    DecisionBody,
    Dossier,
    DossierItem,
    FilingKind,
    Outcome,
    Period,
    Step,
)
from branchdesk.domain.partial_dates import PartialDate, unknown_day_note
from branchdesk.domain.rules.engine import (
    Rule,
    RuleBook,
    RuleContext,
    RuleSet,
    Severity,
    Violation,
)
from branchdesk.domain.votes import (
    Vote,
    count_errors,
    counted_yes,
    majority_met,
    minimum_present,
    minimum_yes,
    quorum_met,
)

date = dt.date
fd = format_date

# Deadlines are recomputed for the same dates by audit, check_step (twice) and the to-do list:
# memoise the calendar-month arithmetic of branchdesk.domain.dates (pure functions of hashable dates).
add_months = functools.lru_cache(maxsize=1 << 17)(_dates.add_months)
add_years = functools.lru_cache(maxsize=1 << 15)(_dates.add_years)
B, W = Severity.BLOCKING, Severity.WARNING

__all__ = ["ADDED_IN_2014", "DEFAULT_BOOK", "RULESET_1990", "RULESET_2014", "RULES_2014", "now_for"]


def now_for(d: Dossier, ctx: RuleContext) -> date:
    """The check date for deadlines: ``ctx.as_of``, or the closing date of a closed dossier."""
    closed = d.closed_on
    return closed if closed is not None and closed < ctx.as_of else ctx.as_of


def _v(step: Step, message: str, severity: Severity | None = None, *, overdue: bool = False,
       on: date | None = None, **dates: date | None) -> Violation:  # fmt: skip
    return Violation(
        step=step,
        message=message,
        dates={k: v for k, v in dates.items() if v is not None},
        severity=severity,
        overdue=overdue,
        on=on,
    )


def fallback_note(ctx: RuleContext, start: date, end: date) -> str:
    """A note for a finding counted in working days over a year without holiday data ("" otherwise)."""
    years = ctx.fallback_years(start, end)
    if not years:
        return ""
    which = "、".join(f"{y}年" for y in years)
    return (
        f"（注意：{which}没有节假日安排数据，工作日暂按周一至周五计算；"
        "请在“设置 › 节假日安排”中录入国务院办公厅公布的放假和调休安排。）"
    )


def _late_by(actual: date, due: date) -> str:
    return f"晚了{(actual - due).days}天"


# --------------------------------------------------------------------------- stage 1


def _birth_date(d: Dossier) -> date | None:
    if d.person.birth_date is not None:
        return d.person.birth_date
    if d.person.id_number:
        try:
            return parse_citizen_id(d.person.id_number, today=date.max).birth_date
        except CitizenIdError:
            return None
    return None


def _written_birth(d: Dossier, birth: date) -> PartialDate:
    """The birth date as precise as known: the dossier's 出生年月, made exact by the ID number when it
    falls in that month (or year)."""
    written = d.person.birth
    if written is None or written.exact:
        return PartialDate(birth)
    if d.person.id_number:
        try:
            exact = parse_citizen_id(d.person.id_number, today=date.max).birth_date
        except CitizenIdError:
            return written
        if written.contains(exact):
            return PartialDate(exact)
    return written


def adult_from(birth: date, years: int) -> date:
    """The first day on which someone born on ``birth`` is ``years`` full years old (29 Feb → 1 Mar)."""
    day = add_years(birth, years)
    if age_on(birth, day) < years:
        day += dt.timedelta(days=1)
    return day


def check_age(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    app = d.application_date
    if app is None:
        return
    n = ctx.settings.minimum_age
    birth = _birth_date(d)
    if birth is None:
        yield _v(
            Step.APPLICATION,
            f"未记录出生日期或有效的身份证号码，无法核对{fd(app)}递交入党申请书时是否年满{n}周岁。"
            "请补录出生日期或身份证号码。",
            W,
            application=app,
        )
        return
    written = _written_birth(d, birth)
    if age_on(written.first, app) < n:  # too young even if born on the first day the record allows
        adult = adult_from(written.first, n)
        shown, when = (fd(written.first), fd(adult)) if written.exact else (written.text, f"最早{fd(adult)}")
        yield _v(
            Step.APPLICATION,
            f"{fd(app)}递交入党申请书时未满{n}周岁（出生日期{shown}，{when}年满{n}周岁）。"
            f"未满{n}周岁时写的入党申请书无效，请在年满{n}周岁后重新递交申请书，"
            "并以新申请书的日期为准。",
            application=app,
            birth=written.first,
            eighteenth_birthday=adult,
        )
    elif age_on(written.last, app) < n:
        # born in that month (or year): old enough or not depending on the day the record leaves out
        latest = adult_from(written.last, n)
        yield _v(
            Step.APPLICATION,
            f"{fd(app)}递交入党申请书时可能未满{n}周岁：出生日期只记载到{written.text}，"
            f"若生于{fd(written.last)}，则{fd(latest)}才年满{n}周岁。"
            + unknown_day_note("出生日期", written),
            W,
            application=app,
            birth=written.first,
            eighteenth_birthday=latest,
        )


def check_talk(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    app = d.application_date
    if app is None:
        return
    months = ctx.settings.talk_within_months
    due = add_months(app, months)
    talk = d.first_talk
    if talk is not None:
        if talk.date > due:
            yield _v(
                Step.FIRST_TALK,
                f"收到入党申请书（{fd(app)}）后应在{months}个月内、即{fd(due)}前派人谈话，"
                f"实际谈话日期为{fd(talk.date)}，{_late_by(talk.date, due)}。请在谈话记录中说明延误原因。",
                application=app,
                talk_due=due,
                first_talk=talk.date,
            )
        return
    if d.activist_date is not None:
        yield _v(
            Step.FIRST_TALK,
            f"确定为入党积极分子（{fd(d.activist_date)}）前未记录党组织派人同入党申请人谈话"
            f"（应在收到申请书后{months}个月内、即{fd(due)}前进行）。请补录谈话记录。",
            application=app,
            talk_due=due,
            activist=d.activist_date,
            on=d.activist_date,
        )
        return
    now = now_for(d, ctx)
    if now > due:
        yield _v(
            Step.FIRST_TALK,
            f"已逾期：收到入党申请书（{fd(app)}）后应在{fd(due)}前派人谈话，至{fd(now)}仍未记录谈话"
            f"（已逾期{(now - due).days}天）。请尽快安排党组织派人谈话并记录。",
            overdue=True,
            application=app,
            talk_due=due,
        )


# --------------------------------------------------------------------------- stage 2


def _publicity(
    ctx: RuleContext, step: Step, period: Period | None, needed: int, what: str, decided: date
) -> Iterator[Violation]:
    if period is None:
        yield _v(
            step,
            f"{what}（{fd(decided)}）未记录公示。按本单位规定应公示不少于{needed}个工作日，请补录公示起止日期。",
            on=decided,
            **{step.value: decided},
        )
        return
    if period.end < period.start:
        yield _v(
            step,
            f"公示结束日期（{fd(period.end)}）早于开始日期（{fd(period.start)}），请更正公示起止日期。",
            publicity_start=period.start,
            publicity_end=period.end,
            on=decided,
        )
        return
    days = ctx.working_days_between(period.start, period.end)
    if days < needed:
        v = _v(
            step,
            f"{what}的公示期{fd(period.start)}至{fd(period.end)}只有{days}个工作日"
            f"（周末和法定节假日不计），不足{needed}个工作日。请重新公示或延长公示期。",
            publicity_start=period.start,
            publicity_end=period.end,
            on=decided,
        )
        yield replace(v, note=fallback_note(ctx, period.start, period.end))


def check_activist(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    act = d.activist_date
    if act is None:
        return
    if d.activist_recommendation is None:
        yield _v(
            Step.ACTIVIST,
            f"确定为入党积极分子（{fd(act)}）未记录推荐方式。入党积极分子须经党员推荐或群团组织推优产生，"
            "由支部委员会（未设支委会的由支部党员大会）研究确定。请补录推荐情况。",
            activist=act,
        )
    if d.activist_decided_by is DecisionBody.COMMITTEE and ctx.has_committee is False:
        yield _v(
            Step.ACTIVIST,
            f"本支部未设支部委员会，确定入党积极分子（{fd(act)}）应由支部党员大会讨论决定。请核对决定机构。",
            W,
            activist=act,
        )
    months = ctx.settings.activist_min_application_months
    app = d.application_date
    if months and app is not None and act < add_months(app, months):
        earliest = add_months(app, months)
        yield _v(
            Step.ACTIVIST,
            f"递交入党申请书（{fd(app)}）后不足{months}个月即确定为入党积极分子（{fd(act)}）。"
            f"按本单位规定，最早可于{fd(earliest)}确定。",
            W,
            application=app,
            activist=act,
        )


def check_publicity(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    s = ctx.settings
    if s.activist_publicity_working_days and d.activist_date is not None:
        yield from _publicity(
            ctx, Step.ACTIVIST, d.activist_publicity, s.activist_publicity_working_days,
            "确定入党积极分子", d.activist_date,
        )  # fmt: skip
    cand = d.candidate_date
    if not s.publicity_working_days or cand is None:
        return
    yield from _publicity(ctx, Step.CANDIDATE, d.publicity, s.publicity_working_days, "确定发展对象", cand)
    p = d.publicity
    next_date = d.pre_review.date if d.pre_review else d.admission_meeting_date
    if p is not None and next_date is not None and p.end > next_date:
        yield _v(
            Step.CANDIDATE,
            f"发展对象公示期（至{fd(p.end)}）尚未结束即进入预审或支部大会（{fd(next_date)}）。"
            "应在公示无异议后再报上级党委预审。",
            publicity_end=p.end,
            pre_review=d.pre_review.date if d.pre_review else None,
            admission_meeting=None if d.pre_review else d.admission_meeting_date,
            on=cand,
        )


def check_filing(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    if d.activist_date is not None and d.candidate_date is not None and d.filing(FilingKind.ACTIVIST) is None:
        yield _v(
            Step.ACTIVIST_FILING,
            f"确定为入党积极分子（{fd(d.activist_date)}）后未记录报上级党委备案，"
            f"已于{fd(d.candidate_date)}确定为发展对象。请补报备案并记录备案日期。",
            activist=d.activist_date,
            candidate=d.candidate_date,
            on=d.activist_date,
        )
    later = d.pre_review.date if d.pre_review else d.admission_meeting_date
    if d.candidate_date is not None and later is not None and d.filing(FilingKind.CANDIDATE) is None:
        yield _v(
            Step.CANDIDATE_FILING,
            f"确定为发展对象（{fd(d.candidate_date)}）后未记录报上级党委备案，已进入预审或支部大会"
            f"（{fd(later)}）。确定发展对象须报上级党委备案，请补报并记录备案日期。",
            candidate=d.candidate_date,
            on=d.candidate_date,
        )
    if (
        d.approval is not None
        and d.conversion_meeting_date is not None
        and d.filing(FilingKind.ADMISSION) is None
    ):
        yield _v(
            Step.ADMISSION_FILING,
            f"上级党委审批接收预备党员（{fd(d.approval.date)}）后未记录报再上一级党委组织部门备案。"
            "请补报备案并记录备案日期。",
            approval=d.approval.date,
            on=d.approval.date,
        )


def check_contacts(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    act = d.activist_date
    if act is None:
        return
    if len(d.contacts) > 2:
        names = "、".join(c.name for c in d.contacts)
        yield _v(
            Step.CONTACTS,
            f"培养联系人应为一至两名正式党员，现记录了{len(d.contacts)}名（{names}）。请保留一至两名。",
            activist=act,
        )
    for c in d.contacts:
        if not c.full_member:
            yield _v(
                Step.CONTACTS,
                f"培养联系人{c.name}在指定时不是正式党员，不能担任培养联系人。请改由正式党员担任。",
                activist=act,
                contacts=c.assigned_on,
            )
    if not d.contacts and d.candidate_date is not None:
        yield _v(
            Step.CONTACTS,
            f"确定为发展对象（{fd(d.candidate_date)}）前未记录培养联系人。确定入党积极分子后应指定"
            "一至两名正式党员作为培养联系人，请补录。",
            W,
            activist=act,
            candidate=d.candidate_date,
            on=act,
        )


def check_assessments(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    start = d.activist_date
    if start is None:
        return
    months = ctx.settings.assessment_interval_months
    end = d.candidate_date or d.closed_on
    prev, prev_is_activist = start, True
    for a in d.assessment_dates:
        if a <= start or (end is not None and a > end):
            continue
        due = add_months(prev, months)
        if a > due:
            since = "确定为入党积极分子" if prev_is_activist else "上次考察"
            yield _v(
                Step.ASSESSMENT,
                f"培养考察间隔超过{months}个月：{since}为{fd(prev)}，下一次考察应不晚于{fd(due)}，"
                f"实际考察日期为{fd(a)}。党支部应每半年对入党积极分子考察一次。",
                activist=start if prev_is_activist else None,
                previous_assessment=None if prev_is_activist else prev,
                assessment=a,
                assessment_due=due,
                on=a,
            )
        prev, prev_is_activist = a, False
    due = add_months(prev, months)
    since = "确定为入党积极分子" if prev_is_activist else "最近一次考察"
    if end is not None:
        if end > due and d.candidate_date is not None:
            yield _v(
                Step.ASSESSMENT,
                f"{since}（{fd(prev)}）后超过{months}个月未考察，下一次考察应不晚于{fd(due)}，"
                f"而确定为发展对象的日期为{fd(end)}。请补录考察情况或说明原因。",
                activist=start if prev_is_activist else None,
                previous_assessment=None if prev_is_activist else prev,
                assessment_due=due,
                candidate=end,
                on=due,
            )
        return
    now = now_for(d, ctx)
    if now > due:
        yield _v(
            Step.ASSESSMENT,
            f"已逾期：{since}为{fd(prev)}，应在{fd(due)}前进行半年考察，至{fd(now)}仍未记录"
            f"（已逾期{(now - due).days}天）。请尽快组织考察并记录考察意见。",
            overdue=True,
            activist=start if prev_is_activist else None,
            previous_assessment=None if prev_is_activist else prev,
            assessment_due=due,
        )


# --------------------------------------------------------------------------- stage 3


def check_activist_year(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    cand = d.candidate_date
    if cand is None:
        return
    act = d.activist_date
    years = ctx.settings.activist_min_years
    if act is None:
        yield _v(
            Step.CANDIDATE,
            f"确定为发展对象（{fd(cand)}）但未记录确定为入党积极分子的日期。须先确定为入党积极分子，"
            f"经过{years}年以上培养教育和考察，方可列为发展对象。",
            candidate=cand,
        )
        return
    written = PartialDate(act, d.activist_date_precision)
    earliest = add_years(written.first, years)
    if cand < earliest:  # too early even if the activist date was the first day the record allows
        shown = fd(act) if written.exact else written.text
        yield _v(
            Step.CANDIDATE,
            f"确定为发展对象（{fd(cand)}）时，作为入党积极分子的培养考察期不满{years}年"
            f"（{shown}确定为入党积极分子，最早可于{fd(earliest)}确定为发展对象）。"
            "请待培养考察满一年后再确定。",
            activist=written.first,
            candidate=cand,
            earliest_candidate=earliest,
        )
    elif cand < (latest := add_years(written.last, years)):
        # in the anniversary month (or year): a full year or not depending on the day the record leaves out
        yield _v(
            Step.CANDIDATE,
            f"确定为发展对象（{fd(cand)}）时，作为入党积极分子的培养考察期可能不满{years}年：确定为入党积极分子"
            f"的日期只记载到{written.text}，若为{fd(written.last)}，则{fd(latest)}才满{years}年。"
            + unknown_day_note("确定为入党积极分子的日期", written),
            W,
            activist=written.first,
            candidate=cand,
            earliest_candidate=latest,
        )


def _last_rejection(d: Dossier) -> date | None:
    """The general meeting that voted on the person and did not pass, while no later one admitted them.

    Only a candidate ready for the meeting is put to the vote, so what the admission meeting needs
    (sponsors, political review, training, pre-review) must have been there. Only its ABSENCE (or a
    failed review dated before that meeting) is judged: the dossier keeps the latest review, and one
    redone after the rejection for the next meeting is not a problem.
    """
    if d.rejection_vote is None or d.admission_meeting_date is not None:
        return None
    return d.rejected_on


def _rejection_text(rejected: date) -> str:
    return f"支部大会讨论接收预备党员（{fd(rejected)}，表决未通过）"


def _review_before_rejection(
    d: Dossier, step: Step, review, missing: str, failed: str, rule: str
) -> list[Violation]:
    """A review the meeting that did not pass needed (political review, pre-review): absent, or failed
    before that meeting. ``failed`` has a ``{}`` for the review's date."""
    rejected = _last_rejection(d)
    if rejected is None or not (review is None or (not review.passed and review.date <= rejected)):
        return []
    what = missing if review is None else failed.format(fd(review.date))
    return [_v(step, f"{_rejection_text(rejected)}前{what}{rule}", rejected=rejected, on=rejected)]


def check_sponsors(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    meeting = d.admission_meeting_date
    if d.sponsors:
        if len(d.sponsors) != 2:
            names = "、".join(s.name for s in d.sponsors)
            yield _v(
                Step.SPONSORS,
                f"发展对象应有两名正式党员作入党介绍人，现记录了{len(d.sponsors)}名（{names}）。"
                "请确定两名入党介绍人。",
                sponsors=d.sponsors_date,
            )
        for s in d.sponsors:
            if not s.full_member:
                yield _v(
                    Step.SPONSORS,
                    f"入党介绍人{s.name}不是正式党员，不能担任入党介绍人。请改由正式党员担任。",
                    sponsors=d.sponsors_date,
                )
            if s.under_watch:
                yield _v(
                    Step.SPONSORS,
                    f"入党介绍人{s.name}正在受留党察看处分，不能担任入党介绍人。请另行确定入党介绍人。",
                    sponsors=d.sponsors_date,
                )
    elif meeting is not None:
        yield _v(
            Step.SPONSORS,
            f"支部大会讨论接收预备党员（{fd(meeting)}）前未确定入党介绍人。"
            "发展对象须有两名正式党员作入党介绍人，请补录。",
            admission_meeting=meeting,
            on=meeting,
        )
    elif (rejected := _last_rejection(d)) is not None:
        yield _v(
            Step.SPONSORS,
            f"{_rejection_text(rejected)}前未确定入党介绍人。发展对象须有两名正式党员作入党介绍人，请补录。",
            rejected=rejected,
            on=rejected,
        )


def check_political_review(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    r = d.political_review
    meeting = d.admission_meeting_date
    not_ready = _review_before_rejection(
        d, Step.POLITICAL_REVIEW, r, "未进行政治审查或未记录审查结论。", "政治审查结论为不合格（{}）。",
        "未经政治审查或政治审查不合格的，不能提交支部大会讨论。",
    )  # fmt: skip
    if not_ready:
        yield from not_ready
        return
    if meeting is None:
        if r is not None and not r.passed:
            yield _v(
                Step.POLITICAL_REVIEW,
                f"政治审查结论为不合格（{fd(r.date)}）。政治审查不合格的，不能发展入党，"
                "不能提交支部大会讨论。",
                W,
                political_review=r.date,
            )
        return
    if r is None:
        yield _v(
            Step.POLITICAL_REVIEW,
            f"支部大会讨论接收预备党员（{fd(meeting)}）前未进行政治审查或未记录审查结论。"
            "未经政治审查或政治审查不合格的，不能发展入党。",
            admission_meeting=meeting,
            on=meeting,
        )
        return
    if not r.passed:
        yield _v(
            Step.POLITICAL_REVIEW,
            f"政治审查结论为不合格（{fd(r.date)}），不能提交支部大会讨论（{fd(meeting)}）。"
            "政治审查不合格的，不能发展入党。",
            political_review=r.date,
            admission_meeting=meeting,
        )
    elif r.date > meeting:
        yield _v(
            Step.POLITICAL_REVIEW,
            f"政治审查（{fd(r.date)}）晚于支部大会讨论（{fd(meeting)}）。政治审查须在提交支部大会前完成，"
            "请核对日期。",
            political_review=r.date,
            admission_meeting=meeting,
        )
    else:
        months = ctx.settings.political_review_valid_months
        if months and meeting > add_months(r.date, months):
            expiry = add_months(r.date, months)
            yield _v(
                Step.POLITICAL_REVIEW,
                f"政治审查结论（{fd(r.date)}）到支部大会（{fd(meeting)}）时已超过{months}个月"
                f"（有效期至{fd(expiry)}）。按本单位规定应重新审查或补充审查。",
                W,
                political_review=r.date,
                political_review_expiry=expiry,
                admission_meeting=meeting,
                on=meeting,
            )


def check_training(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    t = d.training
    meeting = d.admission_meeting_date
    s = ctx.settings
    rejected = _last_rejection(d)
    if t is None and rejected is not None:
        yield _v(
            Step.TRAINING,
            f"{_rejection_text(rejected)}前未记录集中培训。发展对象须经集中培训后方可提交支部大会讨论。",
            rejected=rejected,
            on=rejected,
        )
    if t is None:
        if meeting is not None:
            yield _v(
                Step.TRAINING,
                f"支部大会讨论接收预备党员（{fd(meeting)}）前未记录集中培训。发展对象须经不少于"
                f"{s.training_min_days}天或{s.training_min_hours}学时的集中培训，未经培训的，"
                "除个别特殊情况外，不能发展入党。",
                admission_meeting=meeting,
                on=meeting,
            )
        return
    if t.end < t.start:
        yield _v(
            Step.TRAINING,
            f"集中培训结束日期（{fd(t.end)}）早于开始日期（{fd(t.start)}），请更正。",
            training_start=t.start,
            training_end=t.end,
        )
        return
    days, hours = t.effective_days, t.hours or 0
    if days < s.training_min_days and hours < s.training_min_hours:
        yield _v(
            Step.TRAINING,
            f"集中培训（{fd(t.start)}至{fd(t.end)}）共{days}天、{hours}学时，不足{s.training_min_days}天"
            f"且不足{s.training_min_hours}学时。发展对象集中培训时间一般不少于{s.training_min_days}天"
            f"或不少于{s.training_min_hours}学时，请补足培训。",
            training_start=t.start,
            training_end=t.end,
        )
    if meeting is not None and t.end > meeting:
        yield _v(
            Step.TRAINING,
            f"集中培训结束（{fd(t.end)}）晚于支部大会讨论接收（{fd(meeting)}）。"
            "发展对象须在培训结业后方可提交支部大会讨论，请核对日期。",
            training_end=t.end,
            admission_meeting=meeting,
        )


# --------------------------------------------------------------------------- stage 4


def check_prereview(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    p = d.pre_review
    meeting = d.admission_meeting_date
    if p is not None and d.committee_review_date is None and ctx.has_committee is not False:
        yield _v(
            Step.COMMITTEE_REVIEW,
            f"报上级党委预审（{fd(p.date)}）前未记录支部委员会审查。支部委员会应对发展对象进行严格审查，"
            "经集体讨论认为合格后再报预审（未设支委会的由支部党员大会审查）。请补录。",
            W,
            pre_review=p.date,
            on=p.date,
        )
    if meeting is None:
        not_ready = _review_before_rejection(
            d, Step.PRE_REVIEW, p, "未经上级党委预审。", "上级党委预审未通过（{}）。",
            "须经预审合格、领取《入党志愿书》后，方可提交支部大会讨论。",
        )  # fmt: skip
        if not_ready:
            yield from not_ready
        elif p is not None and not p.passed:
            yield _v(
                Step.PRE_REVIEW,
                f"上级党委预审未通过（{fd(p.date)}），不能提交支部大会讨论。",
                W,
                pre_review=p.date,
            )
        return
    if p is None:
        yield _v(
            Step.PRE_REVIEW,
            f"支部大会讨论接收预备党员（{fd(meeting)}）前未经上级党委预审。须经预审合格、"
            "领取《入党志愿书》后，方可提交支部大会讨论。",
            admission_meeting=meeting,
            on=meeting,
        )
        return
    if not p.passed:
        yield _v(
            Step.PRE_REVIEW,
            f"上级党委预审未通过（{fd(p.date)}），不能提交支部大会讨论（{fd(meeting)}）。",
            pre_review=p.date,
            admission_meeting=meeting,
        )
        return
    months = ctx.settings.meeting_after_prereview_months
    if months and p.date <= meeting and meeting > add_months(p.date, months):
        yield _v(
            Step.PRE_REVIEW,
            f"预审（{fd(p.date)}）后超过{months}个月才召开支部大会（{fd(meeting)}）。"
            f"按本单位规定，预审后应在{months}个月内提交支部大会讨论；请说明原因，必要时重新预审。",
            W,
            pre_review=p.date,
            admission_meeting=meeting,
            on=meeting,
        )
    if not d.volunteer_form_number.strip():
        yield _v(
            Step.VOLUNTEER_FORM,
            f"支部大会讨论接收预备党员（{fd(meeting)}）但未记录《入党志愿书》编号。请补录。",
            W,
            admission_meeting=meeting,
            on=meeting,
        )


_QUORUM, _MAJORITY, _COUNTS = "DEV-VOTE-QUORUM", "DEV-VOTE-MAJORITY", "DEV-VOTE-COUNTS"


def _votes(d: Dossier) -> Iterator[tuple[Step, date, Vote | None, str, bool]]:
    """Every general-meeting vote of the dossier: (step, meeting date, vote, matter, recorded as failed).

    The last flag marks the admission vote the meeting did not pass (``rejected_on`` with its
    ``rejection_vote``): it must be valid (quorum, counts) and must indeed have failed the majority.
    A rejection without recorded counts (older records, imports) is not a vote to check.
    """
    if d.admission_meeting_date is not None:
        yield Step.ADMISSION_VOTE, d.admission_meeting_date, d.admission_vote, "接收预备党员", False
    if d.rejected_on is not None and d.rejection_vote is not None:
        yield Step.ADMISSION_VOTE, d.rejected_on, d.rejection_vote, "接收预备党员", True
    for e in d.extensions:
        yield Step.CONVERSION_VOTE, e.date, e.vote, "延长预备期", False
    if d.outcome is Outcome.CANCELLED and d.outcome_date is not None:
        yield Step.CONVERSION_VOTE, d.outcome_date, d.outcome_vote, "取消预备党员资格", False
    if d.conversion_meeting_date is not None:
        yield Step.CONVERSION_VOTE, d.conversion_meeting_date, d.conversion_vote, "预备党员转正", False


def _meeting_key(what: str, failed: bool = False) -> str:
    if failed:
        return "rejected"
    return {
        "接收预备党员": "admission_meeting",
        "预备党员转正": "conversion_meeting",
        "延长预备期": "extension",
    }.get(what, "outcome")


def check_quorum(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    for step, when, vote, what, failed in _votes(d):
        if vote is None or vote.expected <= 0 or quorum_met(vote):
            continue
        yield _v(
            step,
            f"讨论{what}的支部大会（{fd(when)}）应到有表决权的党员{vote.expected}人，实到{vote.present}人，"
            f"未超过应到人数的半数（至少需{minimum_present(vote.expected)}人）。会议不能进行表决，"
            "请另行召开支部大会。",
            on=when,
            **{_meeting_key(what, failed): when},
        )


def check_majority(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    for step, when, vote, what, failed in _votes(d):
        if vote is None or vote.expected <= 0:
            continue
        if failed:
            # recorded as "not accepted": the ballot must really have failed
            if majority_met(vote):
                yield _v(
                    step,
                    f"记录为支部大会未通过接收（{fd(when)}），但赞成{counted_yes(vote)}票已超过应到有表决权党员"
                    f"{vote.expected}人的半数（至少需{minimum_yes(vote.expected)}票），表决是通过的。"
                    "请核对票数：表决通过的应记录为接收预备党员。",
                    on=when,
                    rejected=when,
                )
            continue
        if majority_met(vote) or not quorum_met(vote):
            continue  # without a quorum there was no vote at all (DEV-VOTE-QUORUM says so)
        yes = counted_yes(vote)
        written = ""
        if vote.written_yes and vote.written_before_meeting:
            written = f"（含会前提交的书面赞成意见{vote.written_yes}份）"
        elif vote.written and not vote.written_before_meeting:
            written = f"（书面意见{vote.written}份在会后提交，不能计入）"
        if what == "接收预备党员":
            outcome = "不能记为接收预备党员，应如实记录为支部大会未通过（未被接收），此人仍为发展对象"
        elif what == "预备党员转正":
            outcome = "不能按期转正，支部大会应讨论延长预备期或取消预备党员资格（须另行表决通过）"
        else:
            outcome = "不能作为支部大会决议"
        yield _v(
            step,
            f"讨论{what}的表决（{fd(when)}）赞成{yes}票{written}，未超过应到有表决权党员"
            f"{vote.expected}人的半数（至少需{minimum_yes(vote.expected)}票，以应到人数而非实到人数计算）。"
            f"表决未通过：{outcome}。",
            on=when,
            **{_meeting_key(what): when},
        )


def check_counts(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    for step, when, vote, what, failed in _votes(d):
        key = {_meeting_key(what, failed): when}
        if vote is None:
            yield _v(
                step,
                f"讨论{what}的支部大会（{fd(when)}）未记录表决情况（应到、实到、赞成、反对、弃权及书面意见）。"
                "请补录，以便核对是否符合表决规定。",
                W,
                on=when,
                **key,
            )
            continue
        errors = count_errors(vote)
        if errors:
            yield _v(
                step,
                f"讨论{what}的表决（{fd(when)}）票数有误：{'；'.join(errors)}。请核对会议记录后更正。",
                on=when,
                **key,
            )


def check_higher_talk(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    a = d.approval
    talk = d.higher_talk
    if a is not None and talk is None:
        yield _v(
            Step.HIGHER_TALK,
            f"上级党委审批（{fd(a.date)}）前未记录上级党委派人谈话。审批前应指派党委委员或组织员"
            "同发展对象谈话，请补录谈话记录。",
            approval=a.date,
            on=a.date,
        )
        return
    if talk is None:
        return
    if a is not None and talk.date > a.date:
        yield _v(
            Step.HIGHER_TALK,
            f"上级党委派人谈话（{fd(talk.date)}）晚于上级党委审批（{fd(a.date)}）。谈话应在审批前进行，"
            "请核对日期。",
            higher_talk=talk.date,
            approval=a.date,
        )
    meeting = d.admission_meeting_date
    if meeting is not None and talk.date < meeting:
        # a talk held at the pre-review stage: the text asks for it after the meeting, before approval
        yield _v(
            Step.HIGHER_TALK,
            f"上级党委派人谈话（{fd(talk.date)}）在支部大会讨论接收（{fd(meeting)}）之前，是在预审阶段进行的。"
            "细则要求在支部大会通过后、上级党委审批前谈话；如审批前另有谈话，请补录。",
            W,
            higher_talk=talk.date,
            admission_meeting=meeting,
        )


def _approval(
    d: Dossier, ctx: RuleContext, step: Step, meeting: date, approval, what: str
) -> Iterator[Violation]:
    """Approval within 3 months of the report to the higher committee (上报日期; of the meeting when
    it is not recorded); [L] past ``approval_hard_limit_months`` the resolution lapses (redo)."""
    s = ctx.settings
    reported = approval.reported_on if approval is not None else None
    start = reported or meeting
    since = f"上报上级党委（{fd(reported)}）" if reported else f"支部大会（{fd(meeting)}）"
    due = add_months(start, s.approval_deadline_months)
    if approval is not None and approval.date <= due:
        return
    months = s.approval_hard_limit_months
    limit = add_months(start, months) if months else date.max
    mkey = "admission_meeting" if step is Step.APPROVAL else "conversion_meeting"
    local = f"按本单位规定，超过{months}个月未审批的原决议失效，应重新履行程序（重新提交支部大会讨论）。"
    extra = {mkey: meeting, "reported_on": reported}
    if approval is not None:
        a = approval.date
        if a > limit:
            yield _v(
                step,
                f"{what}的审批（{fd(a)}）距{since}已超过{months}个月（最迟应在{fd(limit)}前）。{local}",
                B,
                approval=a,
                approval_limit=limit,
                **extra,
            )
        elif a > due and not approval.extension_reason.strip():
            cap = f"，且按本单位规定最长不超过{months}个月" if months else ""
            yield _v(
                step,
                f"{what}的审批（{fd(a)}）超过了{since}后{s.approval_deadline_months}个月的期限"
                f"（{fd(due)}），{_late_by(a, due)}。特殊情况可以延长审批时间，但须记录原因{cap}。"
                "请补录延长审批的原因。",
                W,
                approval=a,
                approval_due=due,
                **extra,
            )
        return
    now = now_for(d, ctx)
    if now > limit:
        yield _v(
            step,
            f"已逾期：{what}的支部大会（{fd(meeting)}）后已超过{months}个月（最迟应在{fd(limit)}前审批）"
            f"仍未审批。{local}",
            B,
            overdue=True,
            approval_limit=limit,
            **extra,
        )
    elif now > due:
        cap = (
            f"特殊情况可以延长，按本单位规定最长不超过{fd(limit)}。"
            if months
            else "特殊情况可以延长，须记录原因。"
        )
        yield _v(
            step,
            f"已逾期：{what}的支部大会（{fd(meeting)}）后应在{fd(due)}前由上级党委审批，至{fd(now)}仍未审批。"
            f"{cap}请督促上级党委审批。",
            W,
            overdue=True,
            approval_due=due,
            approval_limit=limit if months else None,
            **{mkey: meeting},
        )


def check_approval(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    if d.admission_meeting_date is not None:
        yield from _approval(d, ctx, Step.APPROVAL, d.admission_meeting_date, d.approval, "接收预备党员")
    if d.conversion_meeting_date is not None:
        yield from _approval(
            d, ctx, Step.CONVERSION_APPROVAL, d.conversion_meeting_date, d.conversion_approval, "预备党员转正"
        )


# --------------------------------------------------------------------------- stage 5


def check_oath(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    months = ctx.settings.oath_within_months
    if not months or d.approval is None:
        return
    a = d.approval.date
    due = add_months(a, months)
    if d.oath_date is not None:
        if d.oath_date > due:
            yield _v(
                Step.OATH,
                f"入党宣誓（{fd(d.oath_date)}）晚于上级党委审批（{fd(a)}）后{months}个月（{fd(due)}），"
                f"{_late_by(d.oath_date, due)}。按本单位规定应在审批后{months}个月内组织入党宣誓。",
                approval=a,
                oath=d.oath_date,
                oath_due=due,
            )
        return
    now = now_for(d, ctx)
    if now > due:
        yield _v(
            Step.OATH,
            f"已逾期：上级党委审批（{fd(a)}）后应在{fd(due)}前组织入党宣誓，至{fd(now)}仍未记录。"
            "请尽快组织入党宣誓。",
            overdue=True,
            approval=a,
            oath_due=due,
        )


def check_probation_start(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    join = d.join_date
    meeting = d.admission_meeting_date
    if join is None:
        return
    if meeting is None:
        yield _v(
            Step.ADMISSION_VOTE,
            f"记录了入党日期（{fd(join)}），但未记录接收为预备党员的支部大会日期。"
            "入党日期（预备期的起点）是支部大会通过之日，请补录支部大会。",
            W,
            join_date=join,
            on=join,
        )
        return
    if join != meeting:
        hint = ""
        if d.approval is not None and join == d.approval.date:
            hint = "，是上级党委审批的日期"
        yield _v(
            Step.ADMISSION_VOTE,
            f"记录的入党日期（{fd(join)}{hint}）与接收为预备党员的支部大会日期（{fd(meeting)}）不一致。"
            f"预备期从支部大会通过之日算起，入党日期应为{fd(meeting)}，请更正。",
            join_date=join,
            admission_meeting=meeting,
        )


def check_extension(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    if not d.extensions:
        return
    s = ctx.settings
    if len(d.extensions) > 1:
        when = "、".join(fd(e.date) for e in sorted(d.extensions, key=lambda e: e.date))
        yield _v(
            Step.CONVERSION_VOTE,
            f"预备期只能延长一次，现记录了{len(d.extensions)}次延长（{when}）。"
            "延长期满仍不具备党员条件的，应取消预备党员资格。",
            extension=d.extensions[-1].date,
            on=max(e.date for e in d.extensions),
        )
    for e in d.extensions:
        if not s.extension_min_months <= e.months <= s.extension_max_months:
            yield _v(
                Step.CONVERSION_VOTE,
                f"延长预备期{e.months}个月（{fd(e.date)}决定）不符合规定：延长时间不能少于"
                f"{s.extension_min_months}个月，最长不超过{s.extension_max_months}个月。请更正。",
                extension=e.date,
                on=e.date,
            )
    meeting = d.admission_meeting_date
    if meeting is not None:
        first_end = add_years(meeting, 1)
        for e in d.extensions:
            if e.date < first_end:
                yield _v(
                    Step.CONVERSION_VOTE,
                    f"延长预备期的决定（{fd(e.date)}）早于预备期满（{fd(first_end)}）。"
                    "应在预备期满时由支部大会讨论转正、延长或取消，请核对日期。",
                    W,
                    extension=e.date,
                    probation_end=first_end,
                    on=e.date,
                )


def check_probation_approval(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    """Extending probation or cancelling it needs the higher committee's approval (党章7), recorded with
    its date and who approved; missing once the approval deadline after the decision has passed."""
    months = ctx.settings.approval_deadline_months
    now = now_for(d, ctx) if not d.closed else ctx.as_of
    decisions = [(e.date, e.approval, "延长预备期", "extension_approval", "extension") for e in d.extensions]
    if d.outcome is Outcome.CANCELLED and d.outcome_date is not None:
        decisions.append(
            (d.outcome_date, d.outcome_approval, "取消预备党员资格", "outcome_approval", "outcome")
        )
    for decided, approval, what, akey, dkey in decisions:
        if approval is not None:
            if approval.date < decided:
                yield _v(
                    Step.CONVERSION_VOTE,
                    f"{what}的上级党委批准（{fd(approval.date)}）早于支部大会的决定（{fd(decided)}），请核对日期。",
                    on=decided,
                    **{dkey: decided, akey: approval.date},
                )
            elif not approval.by.strip():
                yield _v(
                    Step.CONVERSION_VOTE,
                    f"{what}的批准（{fd(approval.date)}）未记录批准的上级党委。请补录批准机关。",
                    W,
                    on=decided,
                    **{dkey: decided, akey: approval.date},
                )
            continue
        due = add_months(decided, months)
        if now > due:
            yield _v(
                Step.CONVERSION_VOTE,
                f"支部大会决定{what}（{fd(decided)}）后，至{fd(now)}仍未记录上级党委的批准（批准日期、批准机关）。"
                f"{what}须报上级党组织批准，请补录或督促审批。",
                overdue=True,
                on=decided,
                **{dkey: decided},
            )


def _still_probationary(d: Dossier) -> bool:
    return d.admission_meeting_date is not None and d.conversion_meeting_date is None


def check_conversion_due(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    cm = d.conversion_meeting_date
    if cm is not None and d.conversion_application_date is None:
        yield _v(
            Step.CONVERSION_APPLICATION,
            f"讨论转正的支部大会（{fd(cm)}）前未记录本人的书面转正申请。预备期满时，"
            "预备党员应主动提出书面转正申请，请补录。",
            conversion_meeting=cm,
            on=cm,
        )
    if not _still_probationary(d) or d.closed:
        return
    end = d.probation_end
    now = now_for(d, ctx)
    if end is not None and now > end:
        ext = f"，含延长预备期{d.extension.months}个月" if d.extension else ""
        yield _v(
            Step.CONVERSION_VOTE,
            f"预备期已于{fd(end)}届满（从支部大会接收之日起一年{ext}），至{fd(now)}仍未召开支部大会讨论转正"
            f"（已过{(now - end).days}天）。预备期满应及时讨论能否转为正式党员，请尽快安排。",
            overdue=True,
            admission_meeting=d.admission_meeting_date,
            probation_end=end,
        )


def check_conversion_early(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    cm = d.conversion_meeting_date
    end = d.probation_end
    if cm is None or end is None or cm >= end:
        return
    ext = f"，含延长预备期{d.extension.months}个月" if d.extension else ""
    yield _v(
        Step.CONVERSION_VOTE,
        f"讨论转正的支部大会（{fd(cm)}）早于预备期满之日（{fd(end)}{ext}）。预备期为一年，"
        f"从支部大会接收之日（{fd(d.admission_meeting_date)}）算起，期满后方可讨论转正。",
        conversion_meeting=cm,
        probation_end=end,
        admission_meeting=d.admission_meeting_date,
    )


def check_party_age(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    recorded = d.full_member_date
    end = d.probation_end
    if recorded is None or end is None or recorded == end:
        return
    ext = f"，含延长预备期{d.extension.months}个月" if d.extension else ""
    yield _v(
        Step.CONVERSION_APPROVAL,
        f"记录的转正日期（{fd(recorded)}）不正确：转正日期和党龄从预备期满之日算起，"
        f"应为{fd(end)}（从支部大会接收之日起一年{ext}），而不是支部大会或上级党委审批的日期。请更正为{fd(end)}。",
        full_member_date=recorded,
        probation_end=end,
        on=recorded,
    )


def check_archive(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    ca = d.conversion_approval
    if ca is None:
        return
    s = ctx.settings
    required = s.archive_items
    missing = (
        [] if required <= d.checklist else [i for i in DossierItem if i in required and i not in d.checklist]
    )
    days = s.archive_within_days
    due = ca.date + dt.timedelta(days=days)
    now = now_for(d, ctx)
    # The materials are gathered when the dossier is archived: an incomplete checklist is a finding once
    # it is archived or its archiving deadline has passed, not on the day the conversion is approved.
    gathering = bool(days) and d.archive_date is None and now <= due
    if missing and not gathering:
        yield _v(
            Step.ARCHIVE,
            f"转正后个人档案材料不全，缺少：{'、'.join(item.label for item in missing)}。"
            "请收齐后归入本人档案（一人一档）。",
            conversion_approval=ca.date,
            on=ca.date,
        )
    if not days:
        return
    if d.archive_date is not None:
        if d.archive_date > due:
            yield _v(
                Step.ARCHIVE,
                f"材料归档（{fd(d.archive_date)}）晚于转正审批（{fd(ca.date)}）后{days}天（{fd(due)}）。"
                "按本单位规定应及时归档。",
                conversion_approval=ca.date,
                archive=d.archive_date,
                archive_due=due,
            )
        return
    if now > due:
        yield _v(
            Step.ARCHIVE,
            f"已逾期：转正审批（{fd(ca.date)}）后应在{fd(due)}前将发展材料归档，至{fd(now)}仍未归档。",
            overdue=True,
            conversion_approval=ca.date,
            archive_due=due,
        )


# --------------------------------------------------------------------------- whole dossier

# (date key, step, getter) in the order of domain.md's DEV-ORDER chain.
_MAIN_CHAIN = (
    ("application", Step.APPLICATION),
    ("first_talk", Step.FIRST_TALK),
    ("activist", Step.ACTIVIST),
    ("candidate", Step.CANDIDATE),
    ("pre_review", Step.PRE_REVIEW),
    ("admission_meeting", Step.ADMISSION_VOTE),
    ("approval", Step.APPROVAL),
)  # the higher talk's place (after the meeting, before approval) is DEV-HIGHER-TALK's
# Further pairs (earlier, later) that must not run backwards.
_PAIRS = (
    (("activist", Step.ACTIVIST), ("activist_filing", Step.ACTIVIST_FILING)),
    (("candidate", Step.CANDIDATE), ("candidate_filing", Step.CANDIDATE_FILING)),
    (("candidate", Step.CANDIDATE), ("sponsors", Step.SPONSORS)),
    (("candidate", Step.CANDIDATE), ("committee_review", Step.COMMITTEE_REVIEW)),
    (("candidate", Step.CANDIDATE), ("political_review", Step.POLITICAL_REVIEW)),
    (("committee_review", Step.COMMITTEE_REVIEW), ("pre_review", Step.PRE_REVIEW)),
    (("pre_review", Step.PRE_REVIEW), ("volunteer_form", Step.VOLUNTEER_FORM)),
    (("volunteer_form", Step.VOLUNTEER_FORM), ("admission_meeting", Step.ADMISSION_VOTE)),
    (("approval", Step.APPROVAL), ("admission_filing", Step.ADMISSION_FILING)),
    (("approval", Step.APPROVAL), ("oath", Step.OATH)),
    (("approval", Step.APPROVAL), ("conversion_meeting", Step.CONVERSION_VOTE)),
    (("conversion_application", Step.CONVERSION_APPLICATION), ("conversion_meeting", Step.CONVERSION_VOTE)),
    (("conversion_meeting", Step.CONVERSION_VOTE), ("conversion_approval", Step.CONVERSION_APPROVAL)),
    (("conversion_approval", Step.CONVERSION_APPROVAL), ("archive", Step.ARCHIVE)),
)
# A step that cannot be recorded without an earlier one: (step, required step, requirement text).
_REQUIRES = (
    (Step.ACTIVIST, Step.APPLICATION, "须先递交入党申请书"),
    (Step.CANDIDATE, Step.ACTIVIST, None),  # reported by DEV-ACTIVIST-1Y
    (Step.ADMISSION_VOTE, Step.CANDIDATE, "须先确定为发展对象"),
    (Step.APPROVAL, Step.ADMISSION_VOTE, "须先经支部大会讨论通过"),
    (Step.OATH, Step.APPROVAL, "须先经上级党委审批"),
    (Step.CONVERSION_VOTE, Step.ADMISSION_VOTE, "须先被接收为预备党员"),
    (Step.CONVERSION_APPROVAL, Step.CONVERSION_VOTE, "须先经支部大会讨论转正"),
)


def _order_violation(earlier: tuple[str, Step], d1: date, later: tuple[str, Step], d2: date) -> Violation:
    (k1, s1), (k2, s2) = earlier, later
    return _v(
        s2,
        f"日期时序倒挂：“{s2.label}”（{fd(d2)}）早于“{s1.label}”（{fd(d1)}）。"
        f"应先{s1.label}、后{s2.label}，请核对并更正日期。",
        **{k1: d1, k2: d2},
    )


def check_order(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    done = d.steps_done
    prev: tuple[tuple[str, Step], date] | None = None
    for key, step in _MAIN_CHAIN:
        when = done.get(step)
        if when is None:
            continue
        if prev is not None and when < prev[1]:
            yield _order_violation(prev[0], prev[1], (key, step), when)
        prev = ((key, step), when)
    for earlier, later in _PAIRS:
        d1, d2 = done.get(earlier[1]), done.get(later[1])
        if d1 is not None and d2 is not None and d2 < d1:
            yield _order_violation(earlier, d1, later, d2)
    t, cand = d.training, d.candidate_date
    if t is not None and cand is not None and t.start < cand:
        # the intensive training is for development candidates: it starts after the candidate date
        yield _v(
            Step.TRAINING,
            f"日期时序倒挂：集中培训开始（{fd(t.start)}）早于“确定发展对象”（{fd(cand)}）。"
            "集中培训的对象是发展对象，应先确定发展对象、后参加培训，请核对并更正日期。",
            candidate=cand,
            training_start=t.start,
        )
    for a, meeting, key in ((d.approval, d.admission_meeting_date, "admission_meeting"),
                            (d.conversion_approval, d.conversion_meeting_date, "conversion_meeting")):  # fmt: skip
        if a is None or a.reported_on is None or meeting is None:
            continue
        step = Step.APPROVAL if key == "admission_meeting" else Step.CONVERSION_APPROVAL
        if a.reported_on < meeting or a.reported_on > a.date:
            yield _v(
                step,
                f"上报上级党委日期（{fd(a.reported_on)}）应在支部大会（{fd(meeting)}）之后、"
                f"审批（{fd(a.date)}）之前，请核对并更正日期。",
                reported_on=a.reported_on,
                approval=a.date,
                **{key: meeting},
            )
    for step, required, text in _REQUIRES:
        if text and step in done and required not in done:
            yield _v(
                step,
                f"记录了“{step.label}”（{fd(done[step])}），但没有“{required.label}”的记录。"
                f"{step.label}{text}，请补录或核对。",
                **{step.value: done[step]},
            )
    rejected = d.rejected_on
    if rejected is not None and d.rejection_vote is not None:
        # a general meeting voted on the person and did not pass: only a candidate is put to the vote
        if d.candidate_date is None:
            yield _v(
                Step.ADMISSION_VOTE,
                f"记录了支部大会讨论接收但未通过（{fd(rejected)}），但没有“{Step.CANDIDATE.label}”的记录。"
                "支部大会只讨论发展对象，请补录确定发展对象的日期或核对。",
                rejected=rejected,
            )
        elif rejected < d.candidate_date:
            yield _order_violation(
                ("candidate", Step.CANDIDATE), d.candidate_date, ("rejected", Step.ADMISSION_VOTE), rejected
            )
    closed = d.closed_on
    if closed is not None:
        for step, when in done.items():
            if when > closed and step is not Step.ARCHIVE:
                yield _v(
                    step,
                    f"发展程序已于{fd(closed)}终止（{d.outcome.label if d.outcome else ''}），"
                    f"但其后仍记录了“{step.label}”（{fd(when)}）。请核对日期或终止情况。",
                    outcome=closed,
                    **{step.value: when},
                )
    latest = d.latest_date
    if latest is not None and latest > ctx.as_of:
        future = [x for x in d.all_dates if x > ctx.as_of]
        future_steps = [step for step, when in done.items() if when > ctx.as_of]
        yield _v(
            future_steps[0] if future_steps else Step.APPLICATION,
            f"有日期晚于当前日期（{fd(ctx.as_of)}）：{'、'.join(fd(x) for x in sorted(set(future)))}。"
            "不能记录尚未发生的事项，请核对日期。",
            on=max(future),
            as_of=ctx.as_of,
        )


def check_resubmit(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    months = ctx.settings.resubmit_wait_months
    rej, meeting = d.rejected_on, d.admission_meeting_date
    if not months or rej is None or meeting is None or meeting < rej:
        return
    earliest = add_months(rej, months)
    if meeting < earliest:
        yield _v(
            Step.ADMISSION_VOTE,
            f"上次支部大会未通过接收（{fd(rej)}）后不足{months}个月即再次提交支部大会讨论（{fd(meeting)}）。"
            f"按本单位规定，一般应在{fd(earliest)}以后再提交，请说明原因。",
            rejected=rej,
            admission_meeting=meeting,
        )


def check_move(d: Dossier, ctx: RuleContext) -> Iterator[Violation]:
    """细则19: a development candidate who will leave (graduation, transfer …) within three months is
    normally not admitted; an admission shortly before a transfer out is flagged for review."""
    months = ctx.settings.move_review_months
    meeting = d.admission_meeting_date
    if not months:
        return
    leave = d.expected_leave_date
    if leave is not None and d.candidate_date is not None and not d.closed:
        cutoff = add_months(leave, -months)
        if meeting is not None:
            if meeting > cutoff and meeting <= leave:
                yield _v(
                    Step.ADMISSION_VOTE,
                    f"接收为预备党员的支部大会（{fd(meeting)}）距预计离开本单位（{fd(leave)}）不足{months}个月。"
                    f"对{months}个月内将离开的发展对象，一般不办理接收手续；请说明原因并提请上级党委复核。",
                    admission_meeting=meeting,
                    expected_leave=leave,
                )
        elif d.approval is None and ctx.as_of > cutoff:
            yield _v(
                Step.ADMISSION_VOTE,
                f"发展对象预计于{fd(leave)}离开本单位，现已不足{months}个月。对{months}个月内将离开的发展对象，"
                "一般不办理接收手续，请与上级党委沟通，或由其去向单位党组织继续培养考察。",
                overdue=True,
                candidate=d.candidate_date,
                expected_leave=leave,
            )
    if meeting is None or d.outcome is not Outcome.TRANSFERRED_OUT or d.outcome_date is None:
        return
    if d.outcome_date < add_months(meeting, months):
        yield _v(
            Step.ADMISSION_VOTE,
            f"接收为预备党员（{fd(meeting)}）后不足{months}个月即转出（{fd(d.outcome_date)}）。"
            "接收后短期内转出的，应提请上级党委复核发展程序。",
            admission_meeting=meeting,
            outcome=d.outcome_date,
            on=d.outcome_date,
        )


# --------------------------------------------------------------------------- the 2014 rule set

_V2014 = "2014"


def _rule(code, title, article, severity, check, steps, basis="N", description="", settings=()):
    return Rule(
        code=code,
        title=title,
        article=article,
        ruleset=_V2014,
        severity=severity,
        check=check,
        steps=tuple(steps),
        basis=basis,
        description=description,
        settings=tuple(settings),
    )


RULES_2014: tuple[Rule, ...] = (
    _rule("DEV-AGE", "申请人须年满18周岁", "党章第一条；细则第五条", B, check_age, [Step.APPLICATION],
          description="递交入党申请书之日须年满18周岁（生日当天即满）；无出生日期时从身份证号码推算。",
          settings=["minimum_age"]),
    _rule("DEV-TALK-1M", "一个月内派人谈话", "细则第七条", W, check_talk, [Step.FIRST_TALK],
          description="收到入党申请书后一个自然月内（1月31日 + 1个月 = 2月28/29日）派人谈话。",
          settings=["talk_within_months"]),
    _rule("DEV-ACTIVIST-REC", "入党积极分子经推荐产生", "细则第八条", B, check_activist, [Step.ACTIVIST],
          description="确定入党积极分子须记录推荐方式（党员推荐或群团组织推优）；未设支委会的由党员大会决定；"
                      "[L] 申请书递交满若干个月后方可确定。",
          settings=["activist_min_application_months"]),
    _rule("DEV-FILING", "报上级党委备案", "细则第八条、第十三条", W, check_filing,
          [Step.ACTIVIST_FILING, Step.CANDIDATE_FILING, Step.ADMISSION_FILING],
          description="确定积极分子、确定发展对象、接收预备党员后的备案；无全国统一时限，进入下一阶段时仍未备案即提醒。",
          settings=["record_due_days"]),
    _rule("DEV-CONTACTS", "一至两名正式党员作培养联系人", "细则第九条", B, check_contacts, [Step.CONTACTS],
          description="培养联系人为一至两名、均为正式党员；确定发展对象时仍未指定则提醒。"),
    _rule("DEV-ASSESS-6M", "每半年考察一次", "细则第十一条", W, check_assessments, [Step.ASSESSMENT],
          description="从确定积极分子（或上次考察）起，相邻两次考察间隔不超过6个月，直至确定为发展对象。",
          settings=["assessment_interval_months"]),
    _rule("DEV-ACTIVIST-1Y", "培养考察一年以上", "细则第十三条", B, check_activist_year, [Step.CANDIDATE],
          description="确定发展对象之日 ≥ 确定积极分子之日 + 1年（按日历年，2月29日 + 1年 = 次年2月28日）。",
          settings=["activist_min_years"]),
    _rule("DEV-PUBLICITY", "发展对象公示", "本地规定（2026年修订稿拟列为全国规定，未核实）", W, check_publicity,
          [Step.CANDIDATE, Step.ACTIVIST], basis="L",
          description="公示期不少于N个工作日（节假日不计，调休上班日计入），公示结束后方可预审。",
          settings=["publicity_working_days", "activist_publicity_working_days"]),
    _rule("DEV-SPONSORS", "两名正式党员作入党介绍人", "细则第十四条", B, check_sponsors, [Step.SPONSORS],
          description="恰好两名入党介绍人，均为正式党员，且不在留党察看期间；支部大会前须已确定。"),
    _rule("DEV-POLREVIEW", "政治审查", "细则第十六条", B, check_political_review, [Step.POLITICAL_REVIEW],
          description="支部大会前须有合格的政治审查结论；[L] 结论超过有效期提醒。",
          settings=["political_review_valid_months"]),
    _rule("DEV-TRAINING", "集中培训", "细则第十七条", B, check_training, [Step.TRAINING],
          description="集中培训不少于3天或不少于24学时（本地可提高），且在支部大会前结业。",
          settings=["training_min_days", "training_min_hours"]),
    _rule("DEV-PREREVIEW", "上级党委预审", "细则第十九条（条款号待核实）", B, check_prereview,
          [Step.COMMITTEE_REVIEW, Step.PRE_REVIEW, Step.VOLUNTEER_FORM], basis="N?",
          description="支部大会前须经上级党委预审合格；预审前应有支委会审查；[L] 预审后一个月内开会；记录志愿书编号。",
          settings=["meeting_after_prereview_months"]),
    _rule("DEV-VOTE-QUORUM", "到会人数超过应到半数", "细则第二十条、第二十一条；支部条例第十一条", B,
          check_quorum, [Step.ADMISSION_VOTE, Step.CONVERSION_VOTE],
          description="有表决权的到会党员 > 应到有表决权党员的半数（正好一半不够）。"),
    _rule("DEV-VOTE-MAJORITY", "赞成票超过应到半数", "细则第二十条、第二十一条；支部条例第十一条", B,
          check_majority, [Step.ADMISSION_VOTE, Step.CONVERSION_VOTE],
          description="赞成票（含会前正式提交的书面赞成意见）> 应到有表决权党员的半数；分母是应到，不是实到。"),
    _rule("DEV-VOTE-COUNTS", "票数合理", "细则第二十条、第二十一条", B, check_counts,
          [Step.ADMISSION_VOTE, Step.CONVERSION_VOTE],
          description="票数非负；实到 ≤ 应到；会场票数 ≤ 实到；书面意见 ≤ 未到会人数；未记录票数时提醒。"),
    _rule("DEV-HIGHER-TALK", "审批前上级党委派人谈话", "细则第二十二条", B, check_higher_talk, [Step.HIGHER_TALK],
          description="上级党委审批前须有党委委员或组织员同发展对象的谈话记录（晚于审批为严重）；"
                      "谈话在支部大会之前（预审阶段）的提醒。"),
    _rule("DEV-APPROVAL-3M", "三个月内审批", "细则第二十三条；重新履行程序为本地规定", W, check_approval,
          [Step.APPROVAL, Step.CONVERSION_APPROVAL],
          description="从上报上级党委之日（未记录时从支部大会之日）起3个月内审批；超过3个月须记录原因（提醒）；"
                      "[L] 超过设定月数（默认6个月）原决议失效、须重新履行程序（严重，可关闭）。",
          settings=["approval_deadline_months", "approval_hard_limit_months"]),
    _rule("DEV-OATH", "及时入党宣誓", "本地规定（2026年修订稿拟列为全国规定，未核实）", W, check_oath, [Step.OATH],
          basis="L", description="上级党委审批后N个月内组织入党宣誓。", settings=["oath_within_months"]),
    _rule("DEV-PROBATION-START", "预备期从支部大会通过之日算起", "党章第七条", B, check_probation_start,
          [Step.ADMISSION_VOTE],
          description="记录的入党日期须等于接收为预备党员的支部大会日期（不是审批日期）。"),
    _rule("DEV-EXTENSION", "延长预备期一次、六个月至一年", "党章第七条", B, check_extension, [Step.CONVERSION_VOTE],
          description="预备期只能延长一次，时间不少于6个月、不超过12个月；[提醒] 决定早于预备期满。",
          settings=["extension_min_months", "extension_max_months"]),
    _rule("DEV-CONVERSION-DUE", "预备期满及时讨论转正", "党章第七条", W, check_conversion_due,
          [Step.CONVERSION_APPLICATION, Step.CONVERSION_VOTE],
          description="预备期（含延长）届满仍未召开转正支部大会即提醒；转正大会前应有书面转正申请。"),
    _rule("DEV-CONVERSION-EARLY", "不得提前转正", "党章第七条", B, check_conversion_early, [Step.CONVERSION_VOTE],
          description="讨论转正的支部大会不得早于预备期满（含延长）。"),
    _rule("DEV-PARTY-AGE", "党龄从预备期满之日算起", "党章第七条", B, check_party_age, [Step.CONVERSION_APPROVAL],
          description="记录的转正日期须等于预备期满之日（支部大会日期 + 1年，延长的再加延长月数）。"),
    _rule("DEV-ARCHIVE", "材料归档", "细则（材料归档，条款号待核实）；本地规定归档时限", W, check_archive,
          [Step.ARCHIVE], basis="N?",
          description="转正后卷内材料齐全；[L] 转正审批后N天内归档。",
          settings=["archive_items", "archive_within_days"]),
    _rule("DEV-ORDER", "日期不得倒挂", "细则（发展程序）", B, check_order, list(Step),
          description="申请 ≤ 谈话 ≤ 积极分子 ≤ 发展对象 ≤ 预审 ≤ 支部大会 ≤ 上级谈话 ≤ 审批，以及备案、宣誓、转正等"
                      "的先后；缺少前一步骤；终止后的记录；晚于当前日期的日期。"),
    _rule("DEV-RESUBMIT", "未被接收后不宜短期内再次提交", "本地规定", W, check_resubmit, [Step.ADMISSION_VOTE],
          basis="L", description="支部大会未通过接收后N个月内再次提交支部大会讨论即提醒。",
          settings=["resubmit_wait_months"]),
    _rule("DEV-PROBATION-APPROVAL", "延长或取消预备期须经上级党委批准", "党章第七条", W, check_probation_approval,
          [Step.CONVERSION_VOTE],
          description="延长预备期、取消预备党员资格须报上级党组织批准：记录批准日期和批准机关；"
                      "决定后3个月仍未记录批准即提醒；批准早于决定为严重。"),
    _rule("DEV-MOVE-3M", "三个月内将离开的一般不接收", "细则第十九条", W, check_move, [Step.ADMISSION_VOTE],
          description="发展对象预计离开本单位（毕业、调动）前3个月内一般不办理接收：确定发展对象时记录预计离开日期，"
                      "支部大会前提醒；接收后不足3个月即转出的，提请复核。", settings=["move_review_months"]),
)  # fmt: skip

RULESET_2014 = RuleSet(
    version=_V2014,
    effective_from=date(2014, 6, 10),
    rules=RULES_2014,
    title="《中国共产党发展党员工作细则》（2014年）",
)

#: Duties the 2014 细则 added (domain.md §8), and the local practices built on its procedure (publicity,
#: oath deadline, leaving within three months): none of them is a finding for a step before 2014-06-10.
ADDED_IN_2014: tuple[str, ...] = (
    "DEV-TALK-1M", "DEV-ACTIVIST-REC", "DEV-FILING", "DEV-PREREVIEW", "DEV-PUBLICITY", "DEV-OATH", "DEV-MOVE-3M",
)  # fmt: skip

#: The 1990 细则（试行）: the older procedure — one year as activist, two sponsors, political review and
#: training, quorum and majority on 应到, one year of probation, approval — without the duties above.
#: The earliest set: it judges every step dated before the 2014 set took effect.
RULESET_1990 = RULESET_2014.derive(
    "1990", date(1990, 6, 1), remove=ADDED_IN_2014, title="《中国共产党发展党员工作细则（试行）》（1990年）"
)

#: The shipped rule book: the 1990 and 2014 sets. A 2026 set will be added when its text is verified.
DEFAULT_BOOK = RuleBook([RULESET_1990, RULESET_2014])
