"""The development workflow (发展党员) as plain data: vocabulary and the dossier snapshot.

domain.md §1–§2: a person goes applicant → activist → development candidate → probationary member
→ full member through 25 steps in 5 stages. A :class:`Dossier` is a frozen snapshot of everything
recorded about one person so far; every date is optional because a dossier is usually in progress
(and imported historical dossiers are often incomplete). The rule engine
(:mod:`branchdesk.domain.rules`) judges a dossier; services build dossiers from the database.

Nothing here knows about the database or Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from branchdesk.domain.cached import cached_property
from branchdesk.domain.dates import add_months, add_years
from branchdesk.domain.vocab import Labeled
from branchdesk.domain.votes import Vote, tally

date = dt.date

__all__ = [
    "DATE_LABELS",
    "STEP_STAGE",
    "Approval",
    "Assessment",
    "ContactPerson",
    "DecisionBody",
    "Dossier",
    "DossierItem",
    "Extension",
    "Filing",
    "Outcome",
    "Period",
    "Person",
    "PoliticalReview",
    "PreReview",
    "Recommendation",
    "Sponsor",
    "Stage",
    "Standing",
    "Step",
    "Talk",
    "TalkKind",
    "ThoughtReport",
    "Training",
    "VoteRecordKind",
    "admission_vote_values",
    "apply_step",
    "failed_vote",
]


# --------------------------------------------------------------------------- vocabulary


class Stage(Labeled):
    """The five stages of domain.md §2 (the columns of the pipeline board)."""

    APPLICATION = "application", "申请入党"
    ACTIVIST = "activist", "入党积极分子的确定和培养教育"
    CANDIDATE = "candidate", "发展对象的确定和考察"
    ADMISSION = "admission", "预备党员的接收"
    PROBATION = "probation", "预备党员的教育考察和转正"

    @property
    def number(self) -> int:
        return list(Stage).index(self) + 1

    @property
    def short_label(self) -> str:
        """The person's standing in this stage, for narrow columns: 申请人, 入党积极分子 …"""
        return _STAGE_SHORT[self]


_STAGE_SHORT = {
    Stage.APPLICATION: "入党申请人",
    Stage.ACTIVIST: "入党积极分子",
    Stage.CANDIDATE: "发展对象",
    Stage.ADMISSION: "接收预备党员",
    Stage.PROBATION: "预备党员",
}


class Standing(Labeled):
    """Where the person stands (申请人 … 正式党员), or how the dossier ended."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"
    CLOSED = "closed", "已终止"


class Step(Labeled):
    """The 25 steps of domain.md §2, in order. ``label`` is the official name (some repeat across
    stages, e.g. 支部大会讨论 is step 15 and 23); ``title`` is unique (第15步 支部大会讨论（接收）)."""

    APPLICATION = "application", "递交入党申请书"
    FIRST_TALK = "first_talk", "党组织派人谈话"
    ACTIVIST = "activist", "推荐和确定入党积极分子"
    ACTIVIST_FILING = "activist_filing", "报上级党委备案"
    CONTACTS = "contacts", "指定培养联系人"
    ASSESSMENT = "assessment", "培养教育考察"
    CANDIDATE = "candidate", "确定发展对象"
    CANDIDATE_FILING = "candidate_filing", "报上级党委备案"
    SPONSORS = "sponsors", "确定入党介绍人"
    POLITICAL_REVIEW = "political_review", "进行政治审查"
    TRAINING = "training", "开展集中培训"
    COMMITTEE_REVIEW = "committee_review", "支部委员会审查"
    PRE_REVIEW = "pre_review", "上级党委预审"
    VOLUNTEER_FORM = "volunteer_form", "填写入党志愿书"
    ADMISSION_VOTE = "admission_vote", "支部大会讨论"
    HIGHER_TALK = "higher_talk", "上级党委派人谈话"
    APPROVAL = "approval", "上级党委审批"
    ADMISSION_FILING = "admission_filing", "再上一级党委组织部门备案"
    ASSIGNMENT = "assignment", "编入党支部和党小组"
    OATH = "oath", "入党宣誓"
    PROBATION_EDUCATION = "probation_education", "继续教育考察"
    CONVERSION_APPLICATION = "conversion_application", "提出转正申请"
    CONVERSION_VOTE = "conversion_vote", "支部大会讨论"
    CONVERSION_APPROVAL = "conversion_approval", "上级党委审批"
    ARCHIVE = "archive", "材料归档"

    @property
    def number(self) -> int:
        return _STEP_NUMBER[self]

    @property
    def stage(self) -> Stage:
        return STEP_STAGE[self]

    @property
    def title(self) -> str:
        """Unique display name: "第15步 支部大会讨论（接收预备党员）"."""
        return f"第{self.number}步 {self.label}{_STEP_QUALIFIER.get(self, '')}"


_STEP_NUMBER = {step: i for i, step in enumerate(Step, start=1)}
_STEP_QUALIFIER = {
    Step.ACTIVIST_FILING: "（入党积极分子）",
    Step.CANDIDATE_FILING: "（发展对象）",
    Step.ADMISSION_VOTE: "（接收预备党员）",
    Step.APPROVAL: "（接收预备党员）",
    Step.CONVERSION_VOTE: "（预备党员转正）",
    Step.CONVERSION_APPROVAL: "（预备党员转正）",
}

_STAGE_LAST_STEP = ((2, Stage.APPLICATION), (6, Stage.ACTIVIST), (11, Stage.CANDIDATE), (18, Stage.ADMISSION))

STEP_STAGE: dict[Step, Stage] = {
    step: next((stage for last, stage in _STAGE_LAST_STEP if n <= last), Stage.PROBATION)
    for step, n in _STEP_NUMBER.items()
}


class Outcome(Labeled):
    """How a dossier left the normal path. All but EXTENDED end the dossier (``terminal``)."""

    REJECTED = "rejected", "未被接收"
    WITHDRAWN = "withdrawn", "本人撤回申请"
    EXTENDED = "extended", "延长预备期"
    CANCELLED = "cancelled", "取消预备党员资格"
    TRANSFERRED_OUT = "transferred_out", "转出"

    @property
    def terminal(self) -> bool:
        return self is not Outcome.EXTENDED


class VoteRecordKind(Labeled):
    """The general-meeting votes a dossier keeps (the ``dossier_vote.kind`` codes).

    REJECTION is an admission vote that was valid (quorum met, counts consistent) but did not reach a
    majority: the general meeting did not accept the person (``Dossier.rejected_on``).
    """

    ADMISSION = "admission", "接收预备党员"
    REJECTION = "rejection", "接收预备党员（未通过）"
    CONVERSION = "conversion", "预备党员转正"
    EXTENSION = "extension", "延长预备期"
    CANCELLATION = "cancellation", "取消预备党员资格"


class TalkKind(Labeled):
    FIRST = "first", "入党申请人谈话"
    ACTIVIST = "activist", "培养考察谈话"
    HIGHER = "higher", "上级党委派人谈话"
    CONVERSION = "conversion", "转正谈话"


class Recommendation(Labeled):
    """How an activist was put forward (细则8)."""

    MEMBERS = "members", "党员推荐"
    MASS_ORGANISATION = "mass_organisation", "群团组织推优"


Recommendation.MASS_ORGANISATION.aliases = ("群团推优", "团组织推优", "推优")  # type: ignore[attr-defined]


class DecisionBody(Labeled):
    """Who took a branch decision: the committee, or the general meeting in a branch without one."""

    COMMITTEE = "committee", "支部委员会"
    GENERAL_MEETING = "general_meeting", "支部党员大会"


class FilingKind(Labeled):
    ACTIVIST = "activist", "入党积极分子备案"
    CANDIDATE = "candidate", "发展对象备案"
    ADMISSION = "admission", "接收预备党员备案"

    @property
    def step(self) -> Step:
        return {
            FilingKind.ACTIVIST: Step.ACTIVIST_FILING,
            FilingKind.CANDIDATE: Step.CANDIDATE_FILING,
            FilingKind.ADMISSION: Step.ADMISSION_FILING,
        }[self]


class DossierItem(Labeled):
    """Materials of the personal dossier (卷内材料, "一人一档"), domain.md §2 step 25."""

    APPLICATION = "application", "入党申请书"
    TALK_RECORDS = "talk_records", "谈话记录"
    ACTIVIST_RECORDS = "activist_records", "入党积极分子推荐、确定及备案材料"
    THOUGHT_REPORTS = "thought_reports", "思想汇报"
    ASSESSMENTS = "assessments", "培养教育考察材料"
    CANDIDATE_RECORDS = "candidate_records", "发展对象确定、公示及备案材料"
    POLITICAL_REVIEW = "political_review", "政治审查材料"
    TRAINING_CERTIFICATE = "training_certificate", "集中培训结业证书"
    VOLUNTEER_FORM = "volunteer_form", "入党志愿书"
    ADMISSION_MEETING = "admission_meeting", "接收预备党员支部大会记录"
    CONVERSION_APPLICATION = "conversion_application", "转正申请书"
    CONVERSION_MEETING = "conversion_meeting", "预备党员转正支部大会记录"


#: Chinese names of the keys used in ``Finding.dates`` and ``DueItem`` texts.
DATE_LABELS: dict[str, str] = {
    "birth": "出生日期",
    "eighteenth_birthday": "年满18周岁日期",
    "application": "递交入党申请书日期",
    "first_talk": "谈话日期",
    "talk_due": "谈话期限",
    "activist": "确定入党积极分子日期",
    "activist_filing": "入党积极分子备案日期",
    "contacts": "指定培养联系人日期",
    "assessment": "考察日期",
    "previous_assessment": "上次考察日期",
    "assessment_due": "考察期限",
    "candidate": "确定发展对象日期",
    "earliest_candidate": "最早可确定发展对象日期",
    "candidate_filing": "发展对象备案日期",
    "publicity_start": "公示开始日期",
    "publicity_end": "公示结束日期",
    "sponsors": "确定入党介绍人日期",
    "political_review": "政治审查日期",
    "political_review_expiry": "政审结论有效期至",
    "training": "培训结束日期",
    "training_start": "培训开始日期",
    "training_end": "培训结束日期",
    "committee_review": "支部委员会审查日期",
    "pre_review": "上级党委预审日期",
    "volunteer_form": "填写入党志愿书日期",
    "admission_meeting": "接收预备党员支部大会日期",
    "admission_vote": "接收预备党员支部大会日期",
    "higher_talk": "上级党委谈话日期",
    "approval": "审批日期",
    "approval_due": "审批期限",
    "approval_limit": "审批最长期限",
    "admission_filing": "备案日期",
    "assignment": "编入党支部和党小组日期",
    "oath": "入党宣誓日期",
    "oath_due": "宣誓期限",
    "join_date": "记录的入党日期",
    "probation_end": "预备期满日期",
    "extension": "延长预备期决定日期",
    "conversion_application": "转正申请日期",
    "conversion_meeting": "转正支部大会日期",
    "conversion_vote": "转正支部大会日期",
    "conversion_approval": "转正审批日期",
    "full_member_date": "记录的转正日期",
    "archive": "归档日期",
    "archive_due": "归档期限",
    "rejected": "上次未被接收日期",
    "outcome": "终止日期",
    "reported_on": "上报上级党委日期",
    "expected_leave": "预计离开本单位日期",
    "extension_approval": "延长预备期批准日期",
    "outcome_approval": "取消预备党员资格批准日期",
    "as_of": "检查日期",
}


# --------------------------------------------------------------------------- snapshot parts


@dataclass(frozen=True)
class Person:
    name: str
    birth_date: date | None = None
    id_number: str = ""
    birth_precision: str = "day"  # "month" for a 出生年月 of year and month only (0014)

    @property
    def birth(self):
        """The birth date as precise as recorded (``PartialDate``), or None."""
        from branchdesk.domain.partial_dates import PartialDate

        return PartialDate.stored(self.birth_date, self.birth_precision)


@dataclass(frozen=True)
class Period:
    """A date range, both ends included (e.g. a publicity period)."""

    start: date
    end: date


@dataclass(frozen=True)
class Talk:
    kind: TalkKind
    date: date
    interviewers: tuple[str, ...] = ()
    place: str = ""
    summary: str = ""


@dataclass(frozen=True)
class Filing:
    """A filing report (备案) to the higher committee (steps 4, 8, 18)."""

    kind: FilingKind
    date: date
    to: str = ""
    number: str = ""


@dataclass(frozen=True)
class ContactPerson:
    """培养联系人; ``full_member``: a full member on the date of designation. ``member_id``: the
    roster entry the name was found as; ``outside``: a member of another branch (typed by name, not on
    this roster), whose standing (``full_member``) the user states."""

    name: str
    full_member: bool = True
    assigned_on: date | None = None
    member_id: int | None = None
    outside: bool = False


@dataclass(frozen=True)
class Assessment:
    """A half-yearly assessment (培养教育考察) with the branch's opinion."""

    date: date
    opinion: str = ""


@dataclass(frozen=True)
class ThoughtReport:
    date: date
    title: str = ""


@dataclass(frozen=True)
class Sponsor:
    """入党介绍人: ``full_member`` and ``under_watch`` (留党察看) on the date of designation."""

    name: str
    full_member: bool = True
    under_watch: bool = False
    member_id: int | None = None
    outside: bool = False  # a member of another branch (see ContactPerson)


@dataclass(frozen=True)
class PoliticalReview:
    date: date
    passed: bool = True
    conclusion: str = ""


@dataclass(frozen=True)
class Training:
    """Intensive training (集中培训). ``days``: None means the calendar days from start to end."""

    start: date
    end: date
    days: int | None = None
    hours: int | None = None
    certificate: str = ""

    @property
    def effective_days(self) -> int:
        if self.days is not None:
            return self.days
        return max((self.end - self.start).days + 1, 0)


@dataclass(frozen=True)
class PreReview:
    date: date
    passed: bool = True


@dataclass(frozen=True)
class Approval:
    """A higher committee's approval; ``extension_reason`` explains an approval after 3 months;
    ``reported_on``: the day the branch reported the resolution to the higher committee (上报日期;
    the approval deadline counts from it, else from the meeting); ``by``: who approved."""

    date: date
    extension_reason: str = ""
    reported_on: date | None = None
    by: str = ""


@dataclass(frozen=True)
class Extension:
    """A decision to extend probation (decided at a general meeting, with its vote)."""

    date: date
    months: int
    vote: Vote | None = None
    reason: str = ""
    approval: Approval | None = None  # the higher committee's approval (党章7)


# --------------------------------------------------------------------------- the dossier


@dataclass(frozen=True, kw_only=True)
class Dossier:
    """Everything recorded about one person's development, as of now. All dates are optional.

    Collections are tuples. ``rejected_on`` is the date of the last general meeting that did not
    accept the person (the dossier may be presented again later), and ``rejection_vote`` that meeting's
    ballot (valid, but short of a majority); the person stays a 发展对象. ``outcome`` records how a dossier
    ended (withdrawn, rejected for good, cancelled, transferred out) with ``outcome_date``;
    a cancellation of probation carries its vote in ``outcome_vote``. ``join_date`` and
    ``full_member_date`` are the 入党/转正 dates as RECORDED (e.g. in an imported ledger); the rules
    compare them with what they must be.
    """

    id: int | None = None
    person: Person
    application_date: date | None = None
    talks: tuple[Talk, ...] = ()
    activist_date: date | None = None
    activist_date_precision: str = "day"  # an old ledger's 确定积极分子 may give the month only (0017)
    activist_recommendation: Recommendation | None = None
    activist_decided_by: DecisionBody | None = None
    activist_publicity: Period | None = None
    filings: tuple[Filing, ...] = ()
    contacts: tuple[ContactPerson, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    thought_reports: tuple[ThoughtReport, ...] = ()
    candidate_date: date | None = None
    candidate_decided_by: DecisionBody | None = None
    publicity: Period | None = None
    sponsors: tuple[Sponsor, ...] = ()
    sponsors_date: date | None = None
    political_review: PoliticalReview | None = None
    training: Training | None = None
    committee_review_date: date | None = None
    pre_review: PreReview | None = None
    volunteer_form_number: str = ""
    volunteer_form_date: date | None = None
    admission_meeting_date: date | None = None
    admission_vote: Vote | None = None
    approval: Approval | None = None
    assignment_date: date | None = None
    oath_date: date | None = None
    join_date: date | None = None
    conversion_application_date: date | None = None
    extensions: tuple[Extension, ...] = ()
    conversion_meeting_date: date | None = None
    conversion_vote: Vote | None = None
    conversion_approval: Approval | None = None
    full_member_date: date | None = None
    checklist: frozenset[DossierItem] = field(default_factory=frozenset)
    archive_date: date | None = None
    rejected_on: date | None = None
    rejection_vote: Vote | None = None
    transferred_in_date: date | None = None
    outcome: Outcome | None = None
    outcome_date: date | None = None
    outcome_reason: str = ""
    outcome_vote: Vote | None = None
    outcome_approval: Approval | None = None  # a cancellation's approval by the higher committee
    expected_leave_date: date | None = None  # e.g. graduation: leaving the unit (DEV-MOVE-3M)

    # ----------------------------------------------------------------- derived (cached per snapshot)

    @cached_property
    def _first_talks(self) -> dict[TalkKind, Talk]:
        """The earliest talk of each kind."""
        first: dict[TalkKind, Talk] = {}
        for t in self.talks:
            seen = first.get(t.kind)
            if seen is None or t.date < seen.date:
                first[t.kind] = t
        return first

    @property
    def first_talk(self) -> Talk | None:
        """The first talk with the applicant (step 2)."""
        return self._first_talks.get(TalkKind.FIRST)

    @property
    def higher_talk(self) -> Talk | None:
        """The higher committee's talk before approval (step 16)."""
        return self._first_talks.get(TalkKind.HIGHER)

    def filing(self, kind: FilingKind) -> Filing | None:
        """The earliest filing of ``kind``, or None."""
        return self._filings_by_kind.get(kind)

    @cached_property
    def _filings_by_kind(self) -> dict[FilingKind, Filing]:
        first: dict[FilingKind, Filing] = {}
        for f in self.filings:
            if f.kind not in first or f.date < first[f.kind].date:
                first[f.kind] = f
        return first

    @cached_property
    def assessment_dates(self) -> tuple[date, ...]:
        return tuple(sorted(a.date for a in self.assessments))

    @cached_property
    def extension(self) -> Extension | None:
        """The (first) extension of probation, if any."""
        return min(self.extensions, key=lambda e: e.date) if self.extensions else None

    @cached_property
    def closed_on(self) -> date | None:
        """The date a terminal outcome ended the dossier (None while it is open)."""
        if self.outcome is not None and self.outcome.terminal:
            return self.outcome_date
        return None

    @property
    def closed(self) -> bool:
        return self.outcome is not None and self.outcome.terminal

    @cached_property
    def probation_start(self) -> date | None:
        """Probation starts on the day the general meeting accepted the person (党章7)."""
        return self.admission_meeting_date

    @cached_property
    def probation_end(self) -> date | None:
        """End of probation: meeting + 1 year, plus the extension's months if extended.

        This is also the day the person becomes a full member and party age starts (党龄). The
        extension counts from the end of the original year.
        """
        if self.admission_meeting_date is None:
            return None
        end = add_years(self.admission_meeting_date, 1)
        if self.extension is not None:
            end = add_months(end, self.extension.months)
        return end

    @property
    def party_age_start(self) -> date | None:
        """党龄 counts from the end of probation, once the conversion is approved."""
        if self.conversion_approval is None:
            return None
        return self.probation_end

    def party_age_on(self, on: date) -> int | None:
        """Party age in full years on ``on`` (None before conversion)."""
        start = self.party_age_start
        if start is None or on < start:
            return None
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
        return years

    def step_date(self, step: Step) -> date | None:
        """The date a step was (first) done, or None. Step 21 (ongoing education) has no date."""
        return self.steps_done.get(step)

    @cached_property
    def steps_done(self) -> dict[Step, date]:
        """Recorded steps with their dates, in step order (written out: this is on the hot path)."""
        talks = self._first_talks
        filings = self._filings_by_kind
        first_talk, higher_talk = talks.get(TalkKind.FIRST), talks.get(TalkKind.HIGHER)
        activist_filing = filings.get(FilingKind.ACTIVIST)
        candidate_filing = filings.get(FilingKind.CANDIDATE)
        admission_filing = filings.get(FilingKind.ADMISSION)
        assessments = self.assessment_dates
        candidates = (
            (Step.APPLICATION, self.application_date),
            (Step.FIRST_TALK, first_talk.date if first_talk else None),
            (Step.ACTIVIST, self.activist_date),
            (Step.ACTIVIST_FILING, activist_filing.date if activist_filing else None),
            (Step.CONTACTS, _first_contact_date(self) if self.contacts else None),
            (Step.ASSESSMENT, assessments[0] if assessments else None),
            (Step.CANDIDATE, self.candidate_date),
            (Step.CANDIDATE_FILING, candidate_filing.date if candidate_filing else None),
            (Step.SPONSORS, self.sponsors_date or (self.candidate_date if self.sponsors else None)),
            (Step.POLITICAL_REVIEW, self.political_review.date if self.political_review else None),
            (Step.TRAINING, self.training.end if self.training else None),
            (Step.COMMITTEE_REVIEW, self.committee_review_date),
            (Step.PRE_REVIEW, self.pre_review.date if self.pre_review else None),
            (Step.VOLUNTEER_FORM, self.volunteer_form_date),
            (Step.ADMISSION_VOTE, self.admission_meeting_date),
            (Step.HIGHER_TALK, higher_talk.date if higher_talk else None),
            (Step.APPROVAL, self.approval.date if self.approval else None),
            (Step.ADMISSION_FILING, admission_filing.date if admission_filing else None),
            (Step.ASSIGNMENT, self.assignment_date),
            (Step.OATH, self.oath_date),
            (Step.CONVERSION_APPLICATION, self.conversion_application_date),
            (Step.CONVERSION_VOTE, self.conversion_meeting_date),
            (Step.CONVERSION_APPROVAL, self.conversion_approval.date if self.conversion_approval else None),
            (Step.ARCHIVE, self.archive_date),
        )
        return {step: when for step, when in candidates if when is not None}

    @cached_property
    def standing(self) -> Standing:
        if self.closed:
            return Standing.CLOSED
        if self.conversion_approval is not None:
            return Standing.FULL
        if self.admission_meeting_date is not None:
            return Standing.PROBATIONARY
        if self.candidate_date is not None:
            return Standing.CANDIDATE
        if self.activist_date is not None:
            return Standing.ACTIVIST
        return Standing.APPLICANT

    @cached_property
    def stage(self) -> Stage | None:
        """The stage the person is in now (pipeline board column); None when closed or complete."""
        if self.closed or self.archive_date is not None:
            return None
        if self.approval is not None:
            return Stage.PROBATION
        if (
            self.admission_meeting_date is not None
            or self.pre_review is not None
            or self.committee_review_date is not None
        ):
            return Stage.ADMISSION
        if self.candidate_date is not None:
            return Stage.CANDIDATE
        if self.activist_date is not None:
            return Stage.ACTIVIST
        return Stage.APPLICATION

    @cached_property
    def all_dates(self) -> tuple[date, ...]:
        """Every date recorded in the dossier (used to pick rule sets and to find future dates)."""
        out = [
            self.application_date,
            self.activist_date,
            self.candidate_date,
            self.sponsors_date,
            self.committee_review_date,
            self.volunteer_form_date,
            self.admission_meeting_date,
            self.assignment_date,
            self.oath_date,
            self.join_date,
            self.conversion_application_date,
            self.conversion_meeting_date,
            self.full_member_date,
            self.archive_date,
            self.rejected_on,
            self.transferred_in_date,
            self.outcome_date,
        ]
        for period in (self.activist_publicity, self.publicity):
            if period is not None:
                out += (period.start, period.end)
        for part in (
            self.political_review, self.pre_review, self.approval, self.conversion_approval,
            self.outcome_approval,
        ):  # fmt: skip
            if part is not None:
                out.append(part.date)
        for a in (self.approval, self.conversion_approval):
            if a is not None and a.reported_on is not None:
                out.append(a.reported_on)
        if self.training is not None:
            out += (self.training.start, self.training.end)
        for items in (self.talks, self.filings, self.assessments, self.thought_reports, self.extensions):
            for item in items:
                out.append(item.date)
        for e in self.extensions:
            if e.approval is not None:
                out.append(e.approval.date)
        for c in self.contacts:
            out.append(c.assigned_on)
        return tuple(filter(None, out))

    @cached_property
    def latest_date(self) -> date | None:
        """The latest date recorded anywhere in the dossier."""
        return max(self.all_dates, default=None)


def _first_contact_date(d: Dossier) -> date | None:
    dates = [c.assigned_on for c in d.contacts if c.assigned_on is not None]
    if dates:
        return min(dates)
    return d.activist_date if d.contacts else None


# --------------------------------------------------------------------------- recording a step

#: Collection fields and the item type that is APPENDED when a single item is given.
_APPENDABLE: dict[str, type] = {
    "talks": Talk,
    "filings": Filing,
    "contacts": ContactPerson,
    "assessments": Assessment,
    "thought_reports": ThoughtReport,
    "sponsors": Sponsor,
    "extensions": Extension,
}


def apply_step(dossier: Dossier, values: Mapping[str, Any]) -> Dossier:
    """A new snapshot with ``values`` (dossier field → value) recorded.

    For collection fields a single item (a ``Talk``, ``Assessment`` …) is appended; a tuple or list
    replaces the collection. ``checklist`` accepts a set (replaces) or a single ``DossierItem``
    (added). Unknown field names raise ``KeyError``.
    """
    known = {f.name for f in fields(Dossier)}
    updates: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise KeyError(name)
        item_type = _APPENDABLE.get(name)
        if item_type is not None and isinstance(value, item_type):
            value = (*getattr(dossier, name), value)
        elif item_type is not None and isinstance(value, list):
            value = tuple(value)
        elif name == "checklist":
            value = dossier.checklist | {value} if isinstance(value, DossierItem) else frozenset(value)
        updates[name] = value
    return replace(dossier, **updates)


def proposed_date(dossier: Dossier, step: Step, values: Mapping[str, Any]) -> date | None:
    """The date of the step being recorded: the date of an appended item, else the step's date."""
    for name, value in values.items():
        item_type = _APPENDABLE.get(name)
        if item_type is not None and isinstance(value, item_type):
            d = getattr(value, "date", None) or getattr(value, "assigned_on", None)
            if d is not None:
                return d
    return apply_step(dossier, values).step_date(step)


def failed_vote(vote: Vote) -> bool:
    """A valid ballot that did not pass: quorum met and counts consistent, but yes votes not more than
    half of 应到. The meeting decided AGAINST (the minutes record 未通过); a ballot without a quorum or
    with impossible counts decided nothing and is not a failed vote but an invalid one."""
    t = tally(vote)
    return t.quorum_met and not t.errors and not t.majority_met


def admission_vote_values(on: date, vote: Vote) -> dict[str, Any]:
    """The dossier fields (``apply_step`` form) a general meeting's admission ballot on ``on`` records.

    A failed ballot (:func:`failed_vote`) records that the meeting did not accept the person
    (``rejected_on`` = the meeting date, with ``rejection_vote``): the person stays a 发展对象 and may
    be presented again later (DEV-RESUBMIT). Any other ballot is recorded as the admission, and the
    DEV-VOTE-* rules refuse it when it had no quorum or impossible counts.
    """
    if failed_vote(vote):
        return {"rejected_on": on, "rejection_vote": vote}
    return {"admission_meeting_date": on, "admission_vote": vote}
