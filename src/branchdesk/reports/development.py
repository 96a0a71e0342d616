"""发展党员工作台账: the development ledger, one row per person (domain.md §6), as a `Ledger`.

Any writer renders it (``reports.xlsx.write_xlsx([ledger], path)``); the same layout is read back
by :func:`branchdesk.services.dev_import.read_development`, so an export followed by an import gives
the same dossiers for everything the layout carries. Columns (``DEV_COLUMNS``, in order): the person
(name, sex shown from the ID number, birth date, citizen ID), every step date of the 25 steps that has
one, the first talk's interviewers, the recommendation method, contact persons, half-yearly
assessments with their opinions, the publicity period, sponsors, the political review's conclusion,
the training period / days / hours / certificate, the pre-review, the volunteer form number, both
general-meeting votes (应到 / 实到 / 赞成 / 反对 / 弃权 plus written opinions), approvals, oath, the
recorded 入党 and 转正 dates, extensions of probation, the archive date, the current standing or how
the dossier ended, and a 备注 column of labelled lines for the rarer facts.

Cell conventions (shared with the importer through the constants below):

* several names in one cell are joined with "、" (谈话人, 培养联系人, 入党介绍人); a contact person or
  sponsor who was not a full member carries "（非正式党员）", one under 留党察看 "（留党察看）"; when
  contact persons were designated on different dates each name carries its date in brackets and the
  指定联系人日期 column stays blank;
* assessments and thought reports: one per line, "2023-12-01 表现良好"; periods: "2024-06-04至2024-06-11";
* a failed pre-review: the date followed by "（未通过）"; a failed political review: the conclusion
  holds "不合格" (an empty conclusion is written as 合格 / 不合格 and read back as empty);
* written opinions of absent voters: "赞成1、反对0、弃权0", with "（会后提交）" when they were not
  submitted before the meeting;
* extensions: "2025-08-01 延长6个月（应到17、实到15、赞成14、反对0、弃权1），理由" one per line;
* 当前状态: the standing (入党积极分子 …) or the outcome with its date, "本人撤回申请（2025-03-01）";
* 备注: lines "接收审批超期原因：…", "转正审批超期原因：…", "终止原因：…", "取消资格表决：应到…",
  "未被接收日期：…", "未被接收表决：应到…" (the admission vote the general meeting did not pass),
  "转入日期：…", "卷内材料：…" (the dossier checklist; omitted when the dossier is archived with every
  item, "无" when archived with none).

NOT carried (an import gives the defaults): the dossier id and member ids; talks other than the first
talk with the applicant and the first higher-committee talk, and every talk's place and summary;
filings' addressee and document number (only their dates); who decided
the activist and candidate (支部委员会 / 支部党员大会); written opinions in the vote of an extension,
a cancellation or a rejection (their in-room counts are carried); the activist publicity period. Sex is derived from the ID number and not read back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier
    from branchdesk.domain.votes import Vote

DEVELOPMENT_KEY = "development"
DEVELOPMENT_TITLE = "发展党员工作台账"

NAME_SEPARATOR = "、"
PERIOD_SEPARATOR = "至"
NOT_FULL_MEMBER = "非正式党员"
UNDER_WATCH = "留党察看"
FAILED = "未通过"
POLREVIEW_PASSED = "合格"
POLREVIEW_FAILED = "不合格"
WRITTEN_LATE = "会后提交"
WRITTEN_LABELS = ("赞成", "反对", "弃权")
CHECKLIST_ALL = "齐全"
CHECKLIST_NONE = "无"

#: 备注 line labels → meaning (the importer reads these back).
NOTE_APPROVAL_REASON = "接收审批超期原因"
NOTE_CONVERSION_APPROVAL_REASON = "转正审批超期原因"
NOTE_OUTCOME_REASON = "终止原因"
NOTE_REJECTED = "未被接收日期"
NOTE_TRANSFERRED_IN = "转入日期"
NOTE_CHECKLIST = "卷内材料"
NOTE_OUTCOME_VOTE = "取消资格表决"
NOTE_REJECTION_VOTE = "未被接收表决"
VOTE_LABELS = ("应到", "实到", "赞成", "反对", "弃权")


def development_columns() -> list[Column]:
    """The columns of the ledger, in order. Keys are what the importer maps headers to."""
    return [
        Column("seq", "序号", "int", 4),
        Column("name", "姓名", "text", 7),
        Column("sex", "性别", "text", 4),
        Column("birth_date", "出生日期", "date", 11),
        Column("id_number", "公民身份号码", "id_number", 19),
        # stage 1
        Column("application_date", "递交申请书日期", "date", 11),
        Column("first_talk_date", "谈话日期", "date", 11),
        Column("first_talk_by", "谈话人", "text", 8, wrap=True),
        # stage 2
        Column("activist_date", "确定积极分子日期", "date", 11),
        Column("recommendation", "推荐方式", "text", 8, wrap=True),
        Column("activist_filing", "积极分子备案日期", "date", 11),
        Column("contacts", "培养联系人", "text", 9, wrap=True),
        Column("contacts_date", "指定联系人日期", "date", 11),
        Column("assessments", "培养考察情况", "text", 18, wrap=True),
        Column("thought_reports", "思想汇报", "text", 12, wrap=True),
        # stage 3
        Column("candidate_date", "确定发展对象日期", "date", 11),
        Column("publicity", "公示期", "text", 12, wrap=True),
        Column("candidate_filing", "发展对象备案日期", "date", 11),
        Column("sponsors", "入党介绍人", "text", 9, wrap=True),
        Column("sponsors_date", "确定介绍人日期", "date", 11),
        Column("political_review_date", "政治审查日期", "date", 11),
        Column("political_review", "政审结论", "text", 8, wrap=True),
        Column("training", "集中培训时间", "text", 12, wrap=True),
        Column("training_days", "培训天数", "int", 5),
        Column("training_hours", "培训学时", "int", 5),
        Column("training_certificate", "结业证书", "text", 8, wrap=True),
        # stage 4
        Column("committee_review_date", "支委会审查日期", "date", 11),
        Column("pre_review_date", "上级预审日期", "date", 11),
        Column("volunteer_form_number", "志愿书编号", "text", 9),
        Column("volunteer_form_date", "填写志愿书日期", "date", 11),
        Column("admission_meeting_date", "接收支部大会日期", "date", 11),
        Column("admission_expected", "接收应到", "int", 5),
        Column("admission_present", "接收实到", "int", 5),
        Column("admission_yes", "接收赞成", "int", 5),
        Column("admission_no", "接收反对", "int", 5),
        Column("admission_abstain", "接收弃权", "int", 5),
        Column("admission_written", "接收书面意见", "text", 8, wrap=True),
        Column("admission_excluded", "接收不计入应到人员", "text", 14, wrap=True),
        Column("higher_talk_date", "上级谈话日期", "date", 11),
        Column("higher_talk_by", "上级谈话人", "text", 8, wrap=True),
        Column("approval_date", "接收审批日期", "date", 11),
        Column("admission_filing", "接收备案日期", "date", 11),
        Column("assignment_date", "编入支部日期", "date", 11),
        Column("oath_date", "入党宣誓日期", "date", 11),
        Column("join_date", "入党日期", "date", 11),
        # stage 5
        Column("conversion_application_date", "转正申请日期", "date", 11),
        Column("conversion_meeting_date", "转正支部大会日期", "date", 11),
        Column("conversion_expected", "转正应到", "int", 5),
        Column("conversion_present", "转正实到", "int", 5),
        Column("conversion_yes", "转正赞成", "int", 5),
        Column("conversion_no", "转正反对", "int", 5),
        Column("conversion_abstain", "转正弃权", "int", 5),
        Column("conversion_written", "转正书面意见", "text", 8, wrap=True),
        Column("conversion_excluded", "转正不计入应到人员", "text", 14, wrap=True),
        Column("conversion_approval_date", "转正审批日期", "date", 11),
        Column("full_member_date", "转正日期", "date", 11),
        Column("extensions", "延长预备期", "text", 12, wrap=True),
        Column("archive_date", "归档日期", "date", 11),
        Column("status", "当前状态", "text", 9, wrap=True),
        Column("notes", "备注", "text", 16, wrap=True),
    ]


# ------------------------------------------------------------------------------------ cell texts


def iso(d: dt.date | None) -> str:
    return d.isoformat() if d is not None else ""


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{iso(start)}{PERIOD_SEPARATOR}{iso(end)}"


def person_names(items: Iterable[Any], *, per_item_date: bool = False) -> str:
    out = []
    for item in items:
        marks = []
        if per_item_date and getattr(item, "assigned_on", None) is not None:
            marks.append(iso(item.assigned_on))
        if not item.full_member:
            marks.append(NOT_FULL_MEMBER)
        if getattr(item, "under_watch", False):
            marks.append(UNDER_WATCH)
        out.append(item.name + "".join(f"（{m}）" for m in marks))
    return NAME_SEPARATOR.join(out)


def written_text(vote: Vote | None) -> str:
    if vote is None or (vote.written == 0 and vote.written_before_meeting):
        return ""
    counts = (vote.written_yes, vote.written_no, vote.written_abstain)
    text = NAME_SEPARATOR.join(f"{label}{n}" for label, n in zip(WRITTEN_LABELS, counts, strict=True))
    return text + ("" if vote.written_before_meeting else f"（{WRITTEN_LATE}）")


def exclusion_text(items: Iterable[Any]) -> str:
    """Voters left out of 应到, one a line: "王强：出国（境）六个月以上；某某学院党委2025-03-01同意；
    2025年3月6日支部党员大会决定" (``services.dev_import`` reads it back)."""
    lines = []
    for x in items:
        e = getattr(x, "exclusion", None)
        if e is None:
            lines.append(f"{x.name}：{x.reason}".rstrip("："))
            continue
        parts = [e.kind.label]
        if e.approved_by or e.approved_on:
            parts.append(f"{e.approved_by}{iso(e.approved_on)}同意")
        if e.decision:
            parts.append(e.decision)
        lines.append(f"{x.name}：{'；'.join(parts)}")
    return "\n".join(lines)


def vote_text(vote: Vote) -> str:
    """The counts of a vote in one cell: "应到17、实到15、赞成14、反对0、弃权1" (written opinions not shown)."""
    counts = (vote.expected, vote.present, vote.yes, vote.no, vote.abstain)
    return NAME_SEPARATOR.join(f"{label}{n}" for label, n in zip(VOTE_LABELS, counts, strict=True))


def vote_columns(subject: str = "表决事项") -> list[Column]:
    """Columns of a small vote table (纪实表, minute book): the matter, the counts, the result."""
    return [
        Column("matter", subject, "text", 16, wrap=True),
        *(Column(f"vote_{i}", label, "int", 5) for i, label in enumerate(VOTE_LABELS)),
        Column("written", "书面意见", "text", 12, wrap=True),
        Column("result", "表决结果", "text", 7),
    ]


def vote_row(matter: str, vote: Vote) -> list[Any]:
    """One row of :func:`vote_columns`; the result is the vote arithmetic's (超过应到半数 …)."""
    from branchdesk.domain.votes import tally

    result = "通过" if tally(vote).passed else "未通过"
    return [matter, vote.expected, vote.present, vote.yes, vote.no, vote.abstain, written_text(vote), result]


def extension_text(e) -> str:
    text = f"{iso(e.date)} 延长{e.months}个月"
    if e.vote is not None:
        text += f"（{vote_text(e.vote)}）"
    return text + (f"，{e.reason}" if e.reason else "")


def _vote_cells(vote: Vote | None) -> list[Any]:
    if vote is None:
        return [None] * 5 + [""]
    return [vote.expected, vote.present, vote.yes, vote.no, vote.abstain, written_text(vote)]


def _checklist_note(d: Dossier) -> str:
    from branchdesk.domain.development import DossierItem

    items = d.checklist
    if d.archive_date is not None:
        if items == frozenset(DossierItem):
            return ""
        if not items:
            return CHECKLIST_NONE
    elif not items:
        return ""
    if items == frozenset(DossierItem):
        return CHECKLIST_ALL
    return NAME_SEPARATOR.join(item.label for item in DossierItem if item in items)


def _notes(d: Dossier) -> str:
    lines = []
    if d.approval is not None and d.approval.extension_reason:
        lines.append(f"{NOTE_APPROVAL_REASON}：{d.approval.extension_reason}")
    if d.conversion_approval is not None and d.conversion_approval.extension_reason:
        lines.append(f"{NOTE_CONVERSION_APPROVAL_REASON}：{d.conversion_approval.extension_reason}")
    if d.outcome_reason:
        lines.append(f"{NOTE_OUTCOME_REASON}：{d.outcome_reason}")
    if d.outcome_vote is not None:
        lines.append(f"{NOTE_OUTCOME_VOTE}：{vote_text(d.outcome_vote)}")
    if d.rejected_on is not None:
        lines.append(f"{NOTE_REJECTED}：{iso(d.rejected_on)}")
        if d.rejection_vote is not None:
            lines.append(f"{NOTE_REJECTION_VOTE}：{vote_text(d.rejection_vote)}")
    if d.transferred_in_date is not None:
        lines.append(f"{NOTE_TRANSFERRED_IN}：{iso(d.transferred_in_date)}")
    checklist = _checklist_note(d)
    if checklist:
        lines.append(f"{NOTE_CHECKLIST}：{checklist}")
    return "\n".join(lines)


def status_text(d: Dossier) -> str:
    if d.outcome is not None:
        return d.outcome.label + (f"（{iso(d.outcome_date)}）" if d.outcome_date else "")
    return d.standing.label


def sex_of(id_number: str) -> str:
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id

    if not id_number:
        return ""
    try:
        return parse_citizen_id(id_number, today=dt.date.max).sex
    except CitizenIdError:
        return ""


def dossier_row(seq: int, d: Dossier, excluded: Mapping[str, Iterable[Any]] | None = None) -> list[Any]:
    """The ledger row of one dossier (values in the order of :func:`development_columns`); ``excluded``:
    the voters left out of 应到 per vote field ("admission_vote" …, ``DevelopmentService.exclusions``)."""
    excluded = excluded or {}
    from branchdesk.domain.development import FilingKind

    first, higher = d.first_talk, d.higher_talk
    contact_dates = {c.assigned_on for c in d.contacts}
    shared_date = next(iter(contact_dates)) if len(contact_dates) == 1 else None
    act_filing = d.filing(FilingKind.ACTIVIST)
    cand_filing = d.filing(FilingKind.CANDIDATE)
    adm_filing = d.filing(FilingKind.ADMISSION)
    review, training, pre = d.political_review, d.training, d.pre_review
    if review is None:
        review_text = ""
    elif review.conclusion:
        review_text = review.conclusion
    else:
        review_text = POLREVIEW_PASSED if review.passed else POLREVIEW_FAILED
    if review is not None and not review.passed and POLREVIEW_FAILED not in review_text:
        review_text = f"{POLREVIEW_FAILED}：{review_text}"
    pre_cell: Any = None
    if pre is not None:
        pre_cell = pre.date if pre.passed else f"{iso(pre.date)}（{FAILED}）"
    extensions = "\n".join(extension_text(e) for e in d.extensions)
    return [
        seq,
        d.person.name,
        sex_of(d.person.id_number),
        d.person.birth_date,
        d.person.id_number,
        d.application_date,
        first.date if first else None,
        NAME_SEPARATOR.join(first.interviewers) if first else "",
        d.activist_date,
        d.activist_recommendation.label if d.activist_recommendation else "",
        act_filing.date if act_filing else None,
        person_names(d.contacts, per_item_date=len(contact_dates) > 1),
        shared_date,
        "\n".join(f"{iso(a.date)} {a.opinion}".rstrip() for a in d.assessments),
        "\n".join(f"{iso(r.date)} {r.title}".rstrip() for r in d.thought_reports),
        d.candidate_date,
        period_text(d.publicity.start, d.publicity.end) if d.publicity else "",
        cand_filing.date if cand_filing else None,
        person_names(d.sponsors),
        d.sponsors_date,
        review.date if review else None,
        review_text,
        period_text(training.start, training.end) if training else "",
        training.days if training else None,
        training.hours if training else None,
        training.certificate if training else "",
        d.committee_review_date,
        pre_cell,
        d.volunteer_form_number,
        d.volunteer_form_date,
        d.admission_meeting_date,
        *_vote_cells(d.admission_vote),
        exclusion_text(excluded.get("admission_vote", ())),
        higher.date if higher else None,
        NAME_SEPARATOR.join(higher.interviewers) if higher else "",
        d.approval.date if d.approval else None,
        adm_filing.date if adm_filing else None,
        d.assignment_date,
        d.oath_date,
        d.join_date,
        d.conversion_application_date,
        d.conversion_meeting_date,
        *_vote_cells(d.conversion_vote),
        exclusion_text(excluded.get("conversion_vote", ())),
        d.conversion_approval.date if d.conversion_approval else None,
        d.full_member_date,
        extensions,
        d.archive_date,
        status_text(d),
        _notes(d),
    ]


#: The columns of the printed summary (``compact=True``): the main step dates, the people and the
#: admission vote, narrow enough for A4 landscape. Not a round trip: import the full layout.
COMPACT_KEYS = (
    "seq", "name", "sex", "birth_date", "application_date", "first_talk_date", "activist_date", "contacts",
    "candidate_date", "sponsors", "political_review_date", "training_hours", "pre_review_date",
    "admission_meeting_date", "admission_expected", "admission_present", "admission_yes", "approval_date",
    "oath_date", "conversion_meeting_date", "conversion_approval_date", "full_member_date", "status",
)  # fmt: skip


def development_ledger(
    dossiers: Iterable[Dossier],
    branch_name: str,
    printed_on: dt.date | None = None,
    *,
    period: str = "",
    compact: bool = False,
    exclusions: Mapping[int, Mapping[str, Iterable[Any]]] | None = None,
) -> Ledger:
    """发展党员工作台账 of ``dossiers`` (one row each, in the order given) for ``branch_name``.

    ``period`` is the line under the title (default "截至 <printed_on>"). Render with
    ``reports.xlsx.write_xlsx([ledger], path)``; read back with ``services.dev_import.read_development``.

    ``exclusions``: dossier id -> the voters left out of 应到 per vote field (their kind and approval).
    The full layout (default) has 60 columns: the exchange format (export / import round trip) and
    the inspector's complete record, best printed on A3 (on A4 landscape it is scaled to about a
    quarter). ``compact=True`` keeps the 23 columns of ``COMPACT_KEYS`` for printing on A4 landscape.
    """
    from collections import Counter

    from branchdesk.domain.dates import format_date
    from branchdesk.domain.development import Standing

    printed_on = printed_on or dt.date.today()
    dossiers = list(dossiers)
    exclusions = exclusions or {}
    rows = [dossier_row(seq, d, exclusions.get(d.id or 0)) for seq, d in enumerate(dossiers, start=1)]
    columns = development_columns()
    if compact:
        keep = [i for i, c in enumerate(columns) if c.key in COMPACT_KEYS]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    counts = Counter(d.standing for d in dossiers)
    parts = [f"{s.label} {counts[s]} 人" for s in Standing if counts[s]]
    summary = f"共 {len(dossiers)} 人" + ("：" + "，".join(parts) if parts else "") + "。"
    return Ledger(
        key=DEVELOPMENT_KEY,
        title=DEVELOPMENT_TITLE,
        branch_name=branch_name,
        period=period or f"截至 {format_date(printed_on)}",
        columns=columns,
        rows=rows,
        printed_on=printed_on,
        notes=[summary],
        orientation="landscape",
        signatures=["填表人", "支部书记", "审核人"],
    )


# ------------------------------------------------------------------------------ dossiers in time


def dossier_in_period(d: Dossier, start: dt.date, end: dt.date) -> bool:
    """The dossier was in progress at some time from ``start`` to ``end``: not begun after the
    period, not finished (ended, or a full member) before it."""
    if d.application_date is not None and d.application_date > end:
        return False  # begun after the period
    ended = d.outcome_date or d.full_member_date
    return ended is None or ended >= start


def dossier_as_of(d: Dossier, on: dt.date) -> Dossier:
    """The dossier as it stood at the end of day ``on``: every fact dated later is left out.

    So ``dossier_as_of(d, on).standing`` is the person's standing on that day (入党积极分子 …),
    and a register or a 纪实表 printed for a past year shows nothing that happened after it. A
    dossier with no date left at all (``latest_date`` None) had not begun on that day.
    """
    from dataclasses import replace

    if d.latest_date is None or d.latest_date <= on:
        return d

    def keep(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= on else None

    def dated(part):
        return part if part is not None and part.date <= on else None

    activist = keep(d.activist_date)
    candidate = keep(d.candidate_date)
    meeting = keep(d.admission_meeting_date)
    conversion_meeting = keep(d.conversion_meeting_date)
    approval = dated(d.approval)
    conversion_approval = dated(d.conversion_approval)
    sponsors_date = keep(d.sponsors_date)
    form_date = keep(d.volunteer_form_date)
    ended = d.outcome is not None and (d.outcome_date is None or d.outcome_date <= on)
    return replace(
        d,
        application_date=keep(d.application_date),
        talks=tuple(t for t in d.talks if t.date <= on),
        activist_date=activist,
        activist_recommendation=d.activist_recommendation if activist else None,
        activist_decided_by=d.activist_decided_by if activist else None,
        activist_publicity=d.activist_publicity
        if d.activist_publicity and d.activist_publicity.start <= on
        else None,
        filings=tuple(f for f in d.filings if f.date <= on),
        contacts=tuple(
            c
            for c in d.contacts
            if (c.assigned_on is not None and c.assigned_on <= on)
            or (c.assigned_on is None and activist is not None)
        ),
        assessments=tuple(a for a in d.assessments if a.date <= on),
        thought_reports=tuple(r for r in d.thought_reports if r.date <= on),
        candidate_date=candidate,
        candidate_decided_by=d.candidate_decided_by if candidate else None,
        publicity=d.publicity if d.publicity and d.publicity.start <= on else None,
        sponsors=d.sponsors if sponsors_date or (d.sponsors_date is None and candidate) else (),
        sponsors_date=sponsors_date,
        political_review=dated(d.political_review),
        training=d.training if d.training and d.training.end <= on else None,
        committee_review_date=keep(d.committee_review_date),
        pre_review=dated(d.pre_review),
        volunteer_form_number=d.volunteer_form_number if form_date or d.volunteer_form_date is None else "",
        volunteer_form_date=form_date,
        admission_meeting_date=meeting,
        admission_vote=d.admission_vote if meeting else None,
        approval=approval,
        assignment_date=keep(d.assignment_date),
        oath_date=keep(d.oath_date),
        join_date=d.join_date if meeting else None,
        conversion_application_date=keep(d.conversion_application_date),
        extensions=tuple(e for e in d.extensions if e.date <= on),
        conversion_meeting_date=conversion_meeting,
        conversion_vote=d.conversion_vote if conversion_meeting else None,
        conversion_approval=conversion_approval,
        full_member_date=d.full_member_date if conversion_approval else None,
        archive_date=keep(d.archive_date),
        rejected_on=keep(d.rejected_on),
        rejection_vote=d.rejection_vote if keep(d.rejected_on) else None,
        transferred_in_date=keep(d.transferred_in_date),
        outcome=d.outcome if ended else None,
        outcome_date=d.outcome_date if ended else None,
        outcome_reason=d.outcome_reason if ended else "",
        outcome_vote=d.outcome_vote if ended else None,
    )


def in_ledger_order(dossiers: Iterable[Dossier]) -> list[Dossier]:
    """The ledger's row order: by application date (dossiers without one last), then as created."""
    return sorted(dossiers, key=lambda d: (d.application_date or dt.date.max, d.id))


def development_report(db, period, today: dt.date) -> list[Ledger]:
    """Registry builder: every dossier in progress at some time in `period` (not begun after it, not
    finished before it), by application date, in the printed (compact) layout."""
    from branchdesk.services.branch import BranchService
    from branchdesk.services.development import DevelopmentService

    dossiers = in_ledger_order(
        d for d in DevelopmentService(db).all() if dossier_in_period(d, period.start, period.end)
    )
    return [
        development_ledger(
            dossiers, BranchService(db).profile().name, today, period=period.label, compact=True
        )
    ]
