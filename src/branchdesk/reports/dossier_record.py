"""发展党员纪实表: one form per person (domain.md §6) — the dossier's whole record, stage by stage.

Each :class:`Document` holds the person's basic facts; then, for every stage the person reached,
the steps with their dates and details (talks with interviewer, place and summary; the
recommendation; contact persons; assessments; thought reports; publicity; sponsors; political
review; training; pre-review; volunteer form; both general-meeting votes with 应到/实到/赞成/反对/
弃权 and written opinions; the higher committee's talk; approvals; oath; extensions; conversion);
how the dossier ended, if it did; the findings of the rule engine (code, severity, message) as of
the end of the period; and the 卷内目录 (the dossier checklist: each material filed or missing).

The dossiers printed are those in progress at some time in the period, as they stood at its end
(nothing dated later is shown), in the order of their application dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dev_exchange import NAME_SEPARATOR, exclusion_text, iso, person_names, status_text
from branchdesk.domain.partial_dates import birth_cell
from branchdesk.reports.development import vote_columns, vote_row
from branchdesk.reports.ledger import Block, Column, Document, Fields, Heading, Paragraph, Table

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier, DossierItem, Talk, TalkKind, ThoughtReport
    from branchdesk.domain.members import MemberRecord
    from branchdesk.domain.rules import Finding, RuleSettings
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

SEP = NAME_SEPARATOR
KEY = "dossier_record"
TITLE = "发展党员纪实表"
FILED = "已归档"
MISSING = "缺"
_NUMERALS = "一二三四五六七八九十"
ID_LABEL = "公民身份号码"

_TALK_COLUMNS = [
    Column("date", "谈话日期", "date", 11),
    Column("by", "谈话人", "text", 12, wrap=True),
    Column("place", "地点", "text", 12, wrap=True),
    Column("summary", "谈话情况", "text", 40, wrap=True),
]
_FINDING_COLUMNS = [
    Column("code", "规则代码", "text", 16),
    Column("severity", "性质", "text", 5),
    Column("step", "所涉步骤", "text", 18, wrap=True),
    Column("message", "问题说明", "text", 40, wrap=True),
]
#: The 卷内目录 in two halves side by side (items 1–6 on the left, 7–12 on the right).
_INDEX_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("item", "材料名称", "text", 22, wrap=True),
    Column("state", "归档情况", "text", 8),
    Column("seq2", "序号", "int", 4),
    Column("item2", "材料名称", "text", 22, wrap=True),
    Column("state2", "归档情况", "text", 8),
]
REQUIRED_MARK = "*"

#: The step after which each material of the checklist exists (before it: 尚未形成).
_ITEM_STEP = {
    "application": "application",
    "talk_records": "first_talk",
    "activist_records": "activist",
    "thought_reports": None,  # exists once a thought report is recorded
    "assessments": "assessment",
    "candidate_records": "candidate",
    "political_review": "political_review",
    "training_certificate": "training",
    "volunteer_form": "volunteer_form",
    "admission_meeting": "admission_vote",
    "conversion_application": "conversion_application",
    "conversion_meeting": "conversion_vote",
}


def _talks(d: Dossier, kind: TalkKind, caption: str) -> list[Block]:
    talks: Iterable[Talk] = sorted((t for t in d.talks if t.kind is kind), key=lambda t: t.date)
    rows = [[t.date, NAME_SEPARATOR.join(t.interviewers), t.place, t.summary] for t in talks]
    return [Table(list(_TALK_COLUMNS), rows, caption)] if rows else []


def _reports(reports: Iterable[ThoughtReport], caption: str) -> list[Block]:
    """Thought reports as one paragraph: their dates (with the title when it says more than
    "思想汇报"), e.g. "2024-09-22、2024-12-30、2025-04-01（共3份）"."""
    items = sorted(reports, key=lambda r: r.date)
    if not items:
        return []
    parts = [
        iso(r.date) + (f"《{r.title}》" if r.title and not r.title.startswith("思想汇报") else "")
        for r in items
    ]
    return [Paragraph(f"{SEP.join(parts)}（共{len(items)}份）", f"{caption}：")]


def _filing_text(d: Dossier, kind) -> str:
    f = d.filing(kind)
    if f is None:
        return ""
    parts = [iso(f.date)]
    if f.to:
        parts.append(f"报{f.to}")
    if f.number:
        parts.append(f"文号{f.number}")
    return " ".join(parts)


def _period(p) -> str:
    return f"{iso(p.start)}至{iso(p.end)}" if p is not None else ""


def _label(x) -> str:
    return x.label if x is not None else ""


def _basic(d: Dossier, sex: str, member: MemberRecord | None) -> list[Block]:
    items: list[tuple[str, Any]] = [
        ("姓名", d.person.name),
        ("性别", sex),
        ("出生日期", birth_cell(d.person)),
        (ID_LABEL, d.person.id_number),
        ("当前状态", status_text(d)),
    ]
    if member is not None:
        items += [
            ("学历", member.education),
            ("工作单位及职务", NAME_SEPARATOR.join(x for x in (member.work_unit, member.post) if x)),
        ]
    if d.transferred_in_date is not None:
        items.append(("转入日期", d.transferred_in_date))
    if d.admission_meeting_date is not None:
        items.append(("入党日期", d.admission_meeting_date))
    if d.conversion_approval is not None:
        items.append(("转正日期（党龄起算）", d.probation_end))
    return [Heading("基本情况"), Fields(items, per_line=2, kinds={ID_LABEL: "id_number"})]


def _excluded_block(items) -> list[Block]:
    """The voters a vote left out of 应到, with the kind and the approval (domain.md §9)."""
    text = exclusion_text(items)
    return [Paragraph(text, "不计入应到人数：")] if text else []


def _stage_blocks(d: Dossier, excluded=None) -> list[Block]:
    excluded = excluded or {}
    from branchdesk.domain.development import FilingKind, Standing, TalkKind

    blocks: list[Block] = [
        Heading("申请入党"),
        Fields([("递交入党申请书日期", d.application_date)], per_line=2),
    ]
    blocks += _talks(d, TalkKind.FIRST, "党组织派人谈话")
    if d.first_talk is None:
        blocks.append(Paragraph("尚无谈话记录。", "党组织派人谈话："))
    probation_start = d.admission_meeting_date or dt.date.max

    if d.activist_date is None and d.standing is Standing.APPLICANT:
        return blocks
    blocks += [
        Heading("入党积极分子的确定和培养教育"),
        Fields(
            [
                ("确定入党积极分子日期", d.activist_date),
                ("推荐方式", _label(d.activist_recommendation)),
                ("决定机构", _label(d.activist_decided_by)),
                ("公示期", _period(d.activist_publicity)),
                ("报上级党委备案", _filing_text(d, FilingKind.ACTIVIST)),
            ],
            per_line=2,
        ),
    ]
    if d.contacts:
        rows = [
            [c.name, c.assigned_on or d.activist_date, "" if c.full_member else "指定时非正式党员"]
            for c in d.contacts
        ]
        blocks.append(Table([Column("name", "姓名", "text", 10), Column("date", "指定日期", "date", 11),
                             Column("note", "说明", "text", 20, wrap=True)], rows, "培养联系人"))  # fmt: skip
    else:
        blocks.append(Paragraph("尚未指定。", "培养联系人："))
    if d.assessments:
        rows = [[a.date, a.opinion] for a in sorted(d.assessments, key=lambda a: a.date)]
        blocks.append(Table([Column("date", "考察日期", "date", 11),
                             Column("opinion", "考察意见", "text", 50, wrap=True)], rows, "培养教育考察"))  # fmt: skip
    blocks += _talks(d, TalkKind.ACTIVIST, "培养考察谈话")
    blocks += _reports((r for r in d.thought_reports if r.date < probation_start), "思想汇报")

    if d.candidate_date is None and d.standing is Standing.ACTIVIST:
        return blocks
    review, training = d.political_review, d.training
    review_text = ""
    if review is not None:
        review_text = ("合格" if review.passed else "不合格") + (
            f"：{review.conclusion}" if review.conclusion else ""
        )
    blocks += [
        Heading("发展对象的确定和考察"),
        Fields(
            [
                ("确定发展对象日期", d.candidate_date),
                ("决定机构", _label(d.candidate_decided_by)),
                ("公示期", _period(d.publicity)),
                ("报上级党委备案", _filing_text(d, FilingKind.CANDIDATE)),
                ("确定入党介绍人日期", d.sponsors_date),
                ("入党介绍人", person_names(d.sponsors)),
                ("政治审查日期", review.date if review else None),
                ("政治审查结论", review_text),
                ("集中培训时间", _period(training)),
                ("培训天数 / 学时", f"{training.effective_days}天 / {training.hours if training.hours is not None else '—'}学时" if training else ""),
                ("结业证书", training.certificate if training else ""),
            ],
            per_line=2,
        ),
    ]  # fmt: skip

    admission_steps = (d.committee_review_date, d.pre_review, d.admission_meeting_date, d.rejected_on)
    if all(x is None for x in admission_steps) and d.standing is Standing.CANDIDATE:
        return blocks
    pre = d.pre_review
    blocks += [
        Heading("预备党员的接收"),
        Fields(
            [
                ("支部委员会审查日期", d.committee_review_date),
                ("上级党委预审", f"{iso(pre.date)} {'通过' if pre.passed else '未通过'}" if pre else ""),
                ("入党志愿书编号", d.volunteer_form_number),
                ("填写入党志愿书日期", d.volunteer_form_date),
                ("接收支部大会日期", d.admission_meeting_date),
                *((("未被接收日期", d.rejected_on),) if d.rejected_on else ()),
            ],
            per_line=2,
        ),
    ]
    admission_votes = []
    if d.rejection_vote is not None:
        admission_votes.append(vote_row(f"接收预备党员（{iso(d.rejected_on)}）", d.rejection_vote))
    if d.admission_vote is not None:
        admission_votes.append(vote_row("接收预备党员", d.admission_vote))
    if admission_votes:
        blocks.append(Table(vote_columns(), admission_votes, "支部大会表决"))
        blocks += _excluded_block(excluded.get("rejection_vote", ()))
        blocks += _excluded_block(excluded.get("admission_vote", ()))
    blocks += _talks(d, TalkKind.HIGHER, "上级党委派人谈话")
    approval = d.approval
    blocks.append(
        Fields(
            [
                ("上级党委审批日期", approval.date if approval else None),
                ("再上一级组织部门备案", _filing_text(d, FilingKind.ADMISSION)),
                *((("审批超过三个月的原因", approval.extension_reason),) if approval and approval.extension_reason else ()),
            ],
            per_line=2,
        )
    )  # fmt: skip

    if approval is None and d.admission_meeting_date is None:
        return blocks
    votes = []
    for n, e in enumerate(d.extensions, start=1):
        if e.vote is not None:
            votes.append(
                vote_row(f"延长预备期（第{n}次）" if len(d.extensions) > 1 else "延长预备期", e.vote)
            )
    if d.conversion_vote is not None:
        votes.append(vote_row("预备党员转正", d.conversion_vote))
    if d.outcome_vote is not None:
        votes.append(vote_row("取消预备党员资格", d.outcome_vote))
    conversion = d.conversion_approval
    blocks += [
        Heading("预备党员的教育考察和转正"),
        Fields(
            [
                ("编入支部和党小组", d.assignment_date),
                ("入党宣誓日期", d.oath_date),
                ("预备期", f"{iso(d.probation_start)}至{iso(d.probation_end)}" if d.probation_start else ""),
                ("提出转正申请日期", d.conversion_application_date),
                ("转正支部大会日期", d.conversion_meeting_date),
                ("上级党委审批日期", conversion.date if conversion else None),
                ("转正日期", d.probation_end if conversion else None),
                ("材料归档日期", d.archive_date),
            ],
            per_line=2,
        ),
    ]
    blocks += _reports((r for r in d.thought_reports if r.date >= probation_start), "预备期思想汇报")
    blocks += _talks(d, TalkKind.CONVERSION, "转正谈话")
    if d.extensions:
        lines = [
            f"{iso(e.date)}决定延长预备期{e.months}个月" + (f"，理由：{e.reason}" if e.reason else "")
            for e in d.extensions
        ]
        blocks.append(Paragraph("\n".join(lines), "延长预备期："))
    if votes:
        blocks.append(Table(vote_columns(), votes, "支部大会表决"))
        for name in (
            *(f"extensions[{i}]" for i in range(len(d.extensions))),
            "conversion_vote",
            "outcome_vote",
        ):
            blocks += _excluded_block(excluded.get(name, ()))
    if conversion is not None and conversion.extension_reason:
        blocks.append(Paragraph(conversion.extension_reason, "转正审批超过三个月的原因："))
    return blocks


def _outcome_blocks(d: Dossier) -> list[Block]:
    if d.outcome is None or not d.outcome.terminal:
        return []
    return [
        Heading("终止情况"),
        Fields([("结果", d.outcome.label), ("日期", d.outcome_date), ("原因", d.outcome_reason)], per_line=2),
    ]


def finding_rows(findings: Iterable[Finding]) -> list[list[Any]]:
    """Rows of the findings table: code, severity (严重/提醒), step, message with its dates."""
    rows = []
    for f in findings:
        dates = f.dates_zh()
        rows.append(
            [
                f.code,
                f.severity.label,
                f.step.title if f.step else "",
                f.message_zh + (f"（{dates}）" if dates else ""),
            ]
        )
    return rows


def _finding_blocks(findings: list[Finding], on: dt.date) -> list[Block]:
    from branchdesk.domain.dates import format_date

    heading = Heading(f"规则检查结果（检查日期 {format_date(on)}）")
    if not findings:
        return [heading, Paragraph("未发现不符合《中国共产党发展党员工作细则》规定的情况。")]
    blocking = sum(f.blocking for f in findings)
    note = f"共 {len(findings)} 项：严重 {blocking} 项，提醒 {len(findings) - blocking} 项。"
    return [heading, Table(list(_FINDING_COLUMNS), finding_rows(findings)), Paragraph(note)]


def _item_state(d: Dossier, item: DossierItem, required: bool, archiving: bool) -> str:
    """已归档; 缺 (a required material missing when the rules ask for the file: DEV-ARCHIVE);
    未归档 (the material exists, not filed yet); 尚未形成 (its step has not been done)."""
    from branchdesk.domain.development import Step

    if item in d.checklist:
        return FILED
    step = _ITEM_STEP[item.value]
    exists = bool(d.thought_reports) if step is None else d.step_date(Step(step)) is not None
    if not exists:
        return "尚未形成"
    return MISSING if required and archiving else "未归档"


def _index_blocks(d: Dossier, settings: RuleSettings, findings: list[Finding]) -> list[Block]:
    from branchdesk.domain.development import DossierItem

    archiving = d.archive_date is not None or any(f.code == "DEV-ARCHIVE" for f in findings)
    entries = []
    for seq, item in enumerate(DossierItem, start=1):
        required = item in settings.archive_items
        entries.append(
            [seq, item.label + (REQUIRED_MARK if required else ""), _item_state(d, item, required, archiving)]
        )
    half = (len(entries) + 1) // 2
    rows = [
        left + (entries[i + half] if i + half < len(entries) else [None, "", ""])
        for i, left in enumerate(entries[:half])
    ]
    counts = {state: sum(1 for e in entries if e[2] == state) for state in (FILED, MISSING, "未归档")}
    note = f"标注{REQUIRED_MARK}的为归档必备材料。已归档 {counts[FILED]} 项"
    if counts[MISSING]:
        note += f"，缺必备材料 {counts[MISSING]} 项"
    if counts["未归档"]:
        note += f"，已形成尚未归档 {counts['未归档']} 项"
    note += "。" + (f"材料归档日期：{iso(d.archive_date)}。" if d.archive_date else "")
    return [Heading("卷内目录"), Table(list(_INDEX_COLUMNS), rows), Paragraph(note)]


def _numbered(blocks: list[Block]) -> list[Block]:
    """Number the section headings 一、二、三 … in order."""
    out: list[Block] = []
    n = 0
    for block in blocks:
        if isinstance(block, Heading):
            block = Heading(f"{_NUMERALS[n]}、{block.text}")
            n += 1
        out.append(block)
    return out


def dossier_document(
    d: Dossier,
    *,
    branch_name: str,
    period_line: str,
    findings: list[Finding],
    settings: RuleSettings,
    checked_on: dt.date,
    printed_on: dt.date,
    sex: str = "",
    member: MemberRecord | None = None,
    excluded=None,
) -> Document:
    """The 纪实表 of one dossier (as given: cut it with ``dossier_as_of`` first for a past date)."""
    blocks = _basic(d, sex, member) + _stage_blocks(d, excluded) + _outcome_blocks(d)
    blocks += _finding_blocks(findings, checked_on)
    blocks += _index_blocks(d, settings, findings)
    return Document(
        key=KEY,
        title=TITLE,
        branch_name=branch_name,
        period=period_line,
        blocks=_numbered(blocks),
        subject=d.person.name,
        printed_on=printed_on,
        orientation="portrait",
        signatures=["填表人", "支部书记"],
    )


def dossier_records(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: one 纪实表 per dossier in progress during the period, as of its end."""
    from branchdesk.domain.rules import audit_many
    from branchdesk.reports.development import dossier_in_period
    from branchdesk.reports.registers import (
        as_of_date,
        as_of_line,
        branch_name_of,
        dossiers_on,
        nothing_document,
    )

    on = as_of_date(period, today)
    service = ws.development
    people = [p for p in dossiers_on(ws, on) if dossier_in_period(p.dossier, period.start, period.end)]
    people.sort(key=lambda p: (p.dossier.application_date or dt.date.max, p.dossier.id or 0))
    members = {m.id: m for m in ws.members.get_many([p.member_id for p in people if p.member_id])}
    ctx = service.rule_context(on)
    settings = ctx.settings
    branch, line = branch_name_of(ws), as_of_line(on)
    if not people:
        return [
            nothing_document(
                KEY, TITLE, "发展党员档案", branch_name=branch, period_label=line, printed_on=today
            )
        ]
    excluded = service.all_exclusions([p.dossier.id for p in people if p.dossier.id is not None])
    out = []
    for p in people:
        findings = audit_many([p.dossier], ctx)
        out.append(
            dossier_document(
                p.dossier, branch_name=branch, period_line=line, findings=findings, settings=settings,
                checked_on=on, printed_on=today, sex=p.sex, member=members.get(p.member_id),
                excluded=excluded.get(p.dossier.id or 0),
            )
        )  # fmt: skip
    return out
