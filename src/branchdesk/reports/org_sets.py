"""The year's sets an inspector expects beside the minutes (issue 17): 谈心谈话台账, the 组织生活会 set
and the 民主评议党员 登记表 per person with the 测评汇总.

* 谈心谈话台账: one row per talk (who with whom, date, topic) from every record that keeps talks,
  not a meeting with 62 present.
* 组织生活会材料: for each 组织生活会 of the year (所属年度): 会前征求意见, 谈心谈话, 对照检查材料 (the
  record's attachments), 批评与自我批评 (发言 per speaker), 问题清单 and 整改台账 (with completion dates).
* 民主评议党员登记表: one form per member graded at the year's appraisal (自评, 互评, 测评票数 per
  grade, 支部意见, signatures); probationary members take part without a grade (MEM-APPRAISAL).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from branchdesk.reports.ledger import Block, Column, Document, Fields, Heading, Ledger, Paragraph, Table
from branchdesk.reports.meetings import (
    annual_records,
    discussion_blocks,
    held_later_note,
    meetings_in,
    remediation_table,
)
from branchdesk.reports.registers import branch_name_of, nothing_document

if TYPE_CHECKING:
    from branchdesk.domain.meetings import Meeting
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

TALKS_KEY = "talks"
TALK_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "谈话日期", "date", 11),
    Column("first", "谈话人", "text", 8),
    Column("second", "谈话对象", "text", 8),
    Column("topic", "谈话主题及主要内容", "text", 40, wrap=True),
    Column("record", "所在记录", "text", 14, wrap=True),
]


def talks_ledger(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 谈心谈话台账 — every talk of the period, by date."""
    pairs = []
    for m in meetings_in(ws, period):
        for t in m.talks:
            if t.date in period:
                pairs.append((t.date, t.first, t.second, t.summary, f"{m.date.isoformat()} {m.title}"))
    pairs.sort(key=lambda p: (p[0], p[1], p[2]))
    rows = [[n, *p] for n, p in enumerate(pairs, start=1)]
    people = {p[1] for p in pairs} | {p[2] for p in pairs}
    notes = (
        [f"共谈心谈话 {len(rows)} 次，涉及 {len(people)} 人。"]
        if rows
        else [f"{period.label}没有谈心谈话记录。"]
    )
    return [
        Ledger(
            key=TALKS_KEY,
            title="谈心谈话台账",
            branch_name=branch_name_of(ws),
            period=period.label,
            columns=list(TALK_COLUMNS),
            rows=rows,
            printed_on=today,
            notes=notes,
            orientation="landscape",
            signatures=["支部书记", "记录人"],
        )
    ]


# ============================================================================ 组织生活会材料
ORG_SET_KEY = "org_life_set"
_ATTACHMENT_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("file", "材料", "text", 30, wrap=True),
    Column("size", "大小（字节）", "int", 10),
]
_TRACK_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("problem", "问题", "text", 20, wrap=True),
    Column("measure", "整改措施", "text", 22, wrap=True),
    Column("owner", "责任人", "text", 8),
    Column("due", "完成时限", "date", 11),
    Column("done", "完成时间", "date", 11),
    Column("state", "整改情况", "text", 10),
    Column("evidence", "整改佐证材料", "text", 18, wrap=True),
]


def _consultation(m: Meeting) -> list[Block]:
    items = [a for a in m.agenda if "征求意见" in a.title]
    text = "\n".join(a.discussion for a in items if a.discussion)
    if text:
        return [Heading("一、会前征求意见情况"), Paragraph(text)]
    return [Heading("一、会前征求意见情况"),
            Paragraph("（征求意见的范围、方式和梳理出的意见建议：本记录未登记，请附征求意见表。）")]  # fmt: skip


def _talks(talks: list) -> list[Block]:
    if not talks:
        return [Heading("二、谈心谈话情况"), Paragraph("本年度没有登记谈心谈话。")]
    rows = [[t.date, t.first, t.second, t.summary] for t in sorted(talks, key=lambda t: t.date)]
    columns = [Column("date", "日期", "date", 11), Column("first", "谈话人", "text", 8),
               Column("second", "谈话对象", "text", 8), Column("summary", "主要内容", "text", 30, wrap=True)]  # fmt: skip
    return [Heading("二、谈心谈话情况"), Table(columns, rows, f"共 {len(rows)} 次")]


def _materials(m: Meeting) -> list[Block]:
    heading = Heading("三、对照检查材料")
    if not m.attachments:
        return [heading, Paragraph("（本记录没有附对照检查材料，请附班子和党员个人的对照检查材料。）")]
    rows = [[n, a.file_name, a.size] for n, a in enumerate(m.attachments, start=1)]
    return [heading, Table(list(_ATTACHMENT_COLUMNS), rows)]


def _tracking(m: Meeting) -> list[Block]:
    rows = []
    for n, x in enumerate(m.remediation, start=1):
        state = "已完成" if x.done_on else ("逾期未完成" if x.due and x.due < dt.date.today() else "整改中")
        rows.append([n, x.problem, x.measure, x.owner, x.due, x.done_on, state, x.evidence])
    done = sum(1 for x in m.remediation if x.done_on)
    return [
        Heading("六、整改台账"),
        Table(list(_TRACK_COLUMNS), rows),
        Paragraph(f"共 {len(rows)} 项，已完成 {done} 项。整改佐证材料随本台账归档。"),
    ]


def org_life_document(
    m: Meeting, talks: list, *, branch_name: str, period: Period, today: dt.date
) -> Document:
    blocks: list[Block] = [
        Fields(
            [
                ("会议日期", m.date),
                ("所属年度", f"{m.record_year}年度"),
                ("主持人", m.chair),
                ("主题", m.theme),
            ],
            per_line=2,
        ),
    ]
    if m.date not in period:
        blocks.append(Paragraph(held_later_note(m), "说明："))
    blocks += _consultation(m)
    blocks += _talks(talks)
    blocks += _materials(m)
    blocks.append(Heading("四、批评与自我批评"))
    blocks += discussion_blocks(m) if m.discussion else [Paragraph("（未记录发言。）")]
    blocks.append(Heading("五、问题清单"))
    blocks.append(remediation_table(m.remediation) if m.remediation else Paragraph("（未登记查摆的问题。）"))
    if m.remediation:
        blocks += _tracking(m)
    return Document(key=ORG_SET_KEY, title="组织生活会材料", branch_name=branch_name, period=period.label,
                    blocks=blocks, subject=f"{m.record_year}年度组织生活会", printed_on=today,
                    signatures=["支部书记", "组织委员"], stamp=True)  # fmt: skip


def org_life_set(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: 组织生活会材料 — the set of each 组织生活会 of the period's years."""
    from branchdesk.domain.meetings import MeetingType

    in_period = meetings_in(ws, period)
    records, _ = annual_records(ws, period, frozenset({MeetingType.ORG_LIFE}), in_period)
    branch = branch_name_of(ws)
    if not records:
        return [nothing_document(ORG_SET_KEY, "组织生活会材料", "组织生活会记录", branch_name=branch,
                                 period_label=period.label, printed_on=today)]  # fmt: skip
    talks = [t for m in in_period for t in m.talks if t.date in period]
    return [org_life_document(m, talks, branch_name=branch, period=period, today=today) for m in records]


# ============================================================================ 民主评议党员登记表
APPRAISAL_FORMS_KEY = "appraisal_forms"


def _grade_votes(votes: tuple[int, ...] | None) -> Table:
    """民主测评票数 per grade: the recorded count, or blanks to fill in by hand."""
    from branchdesk.domain.meetings import AppraisalGrade

    columns = [Column(g.value, g.label, "int", 8) for g in AppraisalGrade]
    if votes is None:
        return Table([Column(c.key, c.title, "text", 8) for c in columns], [[""] * len(columns)],
                     "民主测评票数（按等次）")  # fmt: skip
    total = sum(votes)
    return Table([*columns, Column("total", "合计", "int", 8)], [[*votes, total]], "民主测评票数（按等次）")


def appraisal_form(m: Meeting, person: Any, *, group: str, probationary: bool, branch_name: str,
                   period: Period, today: dt.date) -> Document:  # fmt: skip
    """One member's 民主评议党员登记表. ``person``: the grade (a `Grade`) or the attendee."""
    from branchdesk.domain.meetings import AppraisalGrade

    kind = "预备党员" if probationary else "正式党员"
    grade = getattr(person, "grade", None)
    if probationary:
        opinion = "预备党员参加民主评议，不评定等次。"
    elif grade:
        opinion = f"经民主评议，评定为“{AppraisalGrade.from_label(str(grade)).label}”。"
    else:
        opinion = ""
    blocks: list[Block] = [
        Fields(
            [
                ("姓名", person.name),
                ("人员类别", kind),
                ("所在党小组", group),
                ("评议年度", f"{m.record_year}年度"),
                ("评议日期", m.date),
            ],
            per_line=2,
        ),
        Paragraph("\n\n\n", "个人自评（对照党员标准，本人填写）："),
        Paragraph("\n\n", "党员互评意见："),
    ]
    if not probationary:
        blocks.append(_grade_votes(getattr(person, "votes", None)))
    blocks.append(Paragraph(opinion or "\n", "党支部意见："))
    note = getattr(person, "note", "")
    if note:
        blocks.append(Paragraph(note, "备注："))
    return Document(key=APPRAISAL_FORMS_KEY, title="民主评议党员登记表", branch_name=branch_name,
                    period=period.label, blocks=blocks, subject=person.name, printed_on=today,
                    signatures=["本人", "支部书记"], stamp=True)  # fmt: skip


def appraisal_forms(ws: Workspace, period: Period, today: dt.date) -> list[Report]:
    """Registry builder: 民主评议党员登记表 for every member at each appraisal of the period's years,
    then the 测评汇总 (probationary members listed without a grade)."""
    from branchdesk.domain.meetings import AppraisalGrade, MeetingType, grade_counts
    from branchdesk.domain.vocab import MemberType

    records, _ = annual_records(ws, period, frozenset({MeetingType.APPRAISAL}))
    branch = branch_name_of(ws)
    if not records:
        return [nothing_document(APPRAISAL_FORMS_KEY, "民主评议党员登记表", "民主评议党员记录", branch_name=branch,
                                 period_label=period.label, printed_on=today)]  # fmt: skip
    out: list[Report] = []
    for m in records:
        ids = [g.member_id for g in m.grades if g.member_id is not None]
        ids += [a.member_id for a in m.attendance if a.member_id is not None]
        groups = {r.id: r.group_name for r in ws.members.get_many(sorted(set(ids)))}
        kinds = {a.member_id: str(a.member_type) for a in m.attendance if a.member_id is not None}
        graded = {g.member_id for g in m.grades if g.member_id is not None}
        probationers = [a for a in m.attendance if str(a.member_type) == MemberType.PROBATIONARY.value
                        and a.member_id not in graded]  # fmt: skip
        rows = []
        for g in m.grades:
            probationary = kinds.get(g.member_id) == MemberType.PROBATIONARY.value
            out.append(appraisal_form(m, g, group=groups.get(g.member_id, ""), probationary=probationary,
                                      branch_name=branch, period=period, today=today))  # fmt: skip
            label = (
                "（预备党员，不评定等次）" if probationary else AppraisalGrade.from_label(str(g.grade)).label
            )
            votes = list(g.votes) if g.votes and not probationary else [None] * 4
            rows.append([len(rows) + 1, g.name, "预备党员" if probationary else "正式党员",
                         groups.get(g.member_id, ""), label, *votes])  # fmt: skip
        for a in probationers:
            out.append(appraisal_form(m, a, group=groups.get(a.member_id, ""), probationary=True,
                                      branch_name=branch, period=period, today=today))  # fmt: skip
            rows.append(
                [len(rows) + 1, a.name, "预备党员", groups.get(a.member_id, ""), "（预备党员，不评定等次）",
                 *[None] * 4]
            )  # fmt: skip
        full_grades = [g for g in m.grades if kinds.get(g.member_id) != MemberType.PROBATIONARY.value]
        counts = grade_counts(full_grades)
        notes = ["参加评议 {} 人，其中正式党员 {} 人：{}；预备党员参加评议，不评定等次。".format(
            len(rows), len(full_grades), "，".join(f"{g.label} {counts[g]} 人" for g in counts) or "无")]  # fmt: skip
        columns = [Column("seq", "序号", "int", 4), Column("name", "姓名", "text", 8),
                   Column("member_type", "人员类别", "text", 8), Column("group", "所在党小组", "text", 10),
                   Column("grade", "评定等次", "text", 16),
                   *(Column(f"votes_{g.value}", f"{g.label}票", "int", 6) for g in AppraisalGrade)]  # fmt: skip
        out.append(Ledger(key=APPRAISAL_FORMS_KEY, title="民主评议党员测评汇总表", branch_name=branch,
                          period=f"{m.record_year}年度", columns=columns, rows=rows, printed_on=today,
                          notes=notes, orientation="portrait", signatures=["支部书记", "组织委员"],
                          stamp=True))  # fmt: skip
    return out


Report = Ledger | Document
