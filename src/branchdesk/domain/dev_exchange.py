"""The development ledger's exchange layout (发展党员工作台账): its columns and cell conventions.

The report (``reports.development``) writes dossiers in this layout and the importer
(``services.dev_import``) reads it back, so both take it from here: an export followed by an import
gives the same dossiers for everything the layout carries. Pure Python (no database, no writer).

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
from typing import TYPE_CHECKING, Any, NamedTuple

from branchdesk.domain.partial_dates import PartialDate, birth_cell

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier
    from branchdesk.domain.votes import Vote


class ExchangeColumn(NamedTuple):
    """One column: its key, its header, its kind ("text", "date", "int", "id_number"), its width in
    characters and whether long text wraps (a report's ``Column`` takes the same fields)."""

    key: str
    title: str
    kind: str = "text"
    width: float = 10.0
    wrap: bool = False


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


EXCHANGE_COLUMNS: tuple[ExchangeColumn, ...] = (
    ExchangeColumn("seq", "序号", "int", 4),
    ExchangeColumn("name", "姓名", "text", 7),
    ExchangeColumn("sex", "性别", "text", 4),
    ExchangeColumn("birth_date", "出生日期", "date", 11),
    ExchangeColumn("id_number", "公民身份号码", "id_number", 19),
    # stage 1
    ExchangeColumn("application_date", "递交申请书日期", "date", 11),
    ExchangeColumn("first_talk_date", "谈话日期", "date", 11),
    ExchangeColumn("first_talk_by", "谈话人", "text", 8, wrap=True),
    # stage 2
    ExchangeColumn("activist_date", "确定积极分子日期", "date", 11),
    ExchangeColumn("recommendation", "推荐方式", "text", 8, wrap=True),
    ExchangeColumn("activist_filing", "积极分子备案日期", "date", 11),
    ExchangeColumn("contacts", "培养联系人", "text", 9, wrap=True),
    ExchangeColumn("contacts_date", "指定联系人日期", "date", 11),
    ExchangeColumn("assessments", "培养考察情况", "text", 18, wrap=True),
    ExchangeColumn("thought_reports", "思想汇报", "text", 12, wrap=True),
    # stage 3
    ExchangeColumn("candidate_date", "确定发展对象日期", "date", 11),
    ExchangeColumn("publicity", "公示期", "text", 12, wrap=True),
    ExchangeColumn("candidate_filing", "发展对象备案日期", "date", 11),
    ExchangeColumn("sponsors", "入党介绍人", "text", 9, wrap=True),
    ExchangeColumn("sponsors_date", "确定介绍人日期", "date", 11),
    ExchangeColumn("political_review_date", "政治审查日期", "date", 11),
    ExchangeColumn("political_review", "政审结论", "text", 8, wrap=True),
    ExchangeColumn("training", "集中培训时间", "text", 12, wrap=True),
    ExchangeColumn("training_days", "培训天数", "int", 5),
    ExchangeColumn("training_hours", "培训学时", "int", 5),
    ExchangeColumn("training_certificate", "结业证书", "text", 8, wrap=True),
    # stage 4
    ExchangeColumn("committee_review_date", "支委会审查日期", "date", 11),
    ExchangeColumn("pre_review_date", "上级预审日期", "date", 11),
    ExchangeColumn("volunteer_form_number", "志愿书编号", "text", 9),
    ExchangeColumn("volunteer_form_date", "填写志愿书日期", "date", 11),
    ExchangeColumn("admission_meeting_date", "接收支部大会日期", "date", 11),
    ExchangeColumn("admission_expected", "接收应到", "int", 5),
    ExchangeColumn("admission_present", "接收实到", "int", 5),
    ExchangeColumn("admission_yes", "接收赞成", "int", 5),
    ExchangeColumn("admission_no", "接收反对", "int", 5),
    ExchangeColumn("admission_abstain", "接收弃权", "int", 5),
    ExchangeColumn("admission_written", "接收书面意见", "text", 8, wrap=True),
    ExchangeColumn("admission_excluded", "接收不计入应到人员", "text", 14, wrap=True),
    ExchangeColumn("higher_talk_date", "上级谈话日期", "date", 11),
    ExchangeColumn("higher_talk_by", "上级谈话人", "text", 8, wrap=True),
    ExchangeColumn("approval_date", "接收审批日期", "date", 11),
    ExchangeColumn("admission_filing", "接收备案日期", "date", 11),
    ExchangeColumn("assignment_date", "编入支部日期", "date", 11),
    ExchangeColumn("oath_date", "入党宣誓日期", "date", 11),
    ExchangeColumn("join_date", "入党日期", "date", 11),
    # stage 5
    ExchangeColumn("conversion_application_date", "转正申请日期", "date", 11),
    ExchangeColumn("conversion_meeting_date", "转正支部大会日期", "date", 11),
    ExchangeColumn("conversion_expected", "转正应到", "int", 5),
    ExchangeColumn("conversion_present", "转正实到", "int", 5),
    ExchangeColumn("conversion_yes", "转正赞成", "int", 5),
    ExchangeColumn("conversion_no", "转正反对", "int", 5),
    ExchangeColumn("conversion_abstain", "转正弃权", "int", 5),
    ExchangeColumn("conversion_written", "转正书面意见", "text", 8, wrap=True),
    ExchangeColumn("conversion_excluded", "转正不计入应到人员", "text", 14, wrap=True),
    ExchangeColumn("conversion_approval_date", "转正审批日期", "date", 11),
    ExchangeColumn("full_member_date", "转正日期", "date", 11),
    ExchangeColumn("extensions", "延长预备期", "text", 12, wrap=True),
    ExchangeColumn("archive_date", "归档日期", "date", 11),
    ExchangeColumn("status", "当前状态", "text", 9, wrap=True),
    ExchangeColumn("notes", "备注", "text", 16, wrap=True),
)
"""The columns of the ledger, in order. Keys are what the importer maps headers to."""


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
    2025年3月6日支部党员大会决定" (``services.dev_import`` reads it back; domain.md §9)."""
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
        birth_cell(d.person),
        d.person.id_number,
        d.application_date,
        first.date if first else None,
        NAME_SEPARATOR.join(first.interviewers) if first else "",
        PartialDate.stored(d.activist_date, d.activist_date_precision).cell if d.activist_date else None,
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
