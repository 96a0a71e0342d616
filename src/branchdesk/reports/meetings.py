"""Meeting ledgers (domain.md §3, §6), built from the ``domain.meetings.Meeting`` records HELD in a
period (both ends included; planned meetings are not printed):

* 三会一课记录台账 — one row per meeting: date, type, theme, place, chair, recorder, lecturer, 应到/实到,
  the absent with their reasons, the agenda with each vote's counts and outcome;
* 会议记录簿 — each meeting's full record as a form: every field of the minutes, the attendance,
  observers, the agenda with discussion, decisions and votes, grades, remediation, talks,
  attachments — and the amendments AFTER the original record, each with its date and reason;
* 主题党日活动记录 — one row per theme party day with what was done;
* 组织生活会记录 — the record of each 组织生活会 (problems found and the remediation list with owners
  and due dates) and of the 谈心谈话 held for it;
* 民主评议党员情况 — per member the grade given, with the count per grade.

Builders take the meetings from ``ws.meetings.all()``; the layout functions take a list of
``Meeting`` snapshots and know nothing of the database.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from branchdesk.reports.development import vote_columns, vote_row
from branchdesk.reports.ledger import Block, Column, Document, Fields, Heading, Ledger, Paragraph, Table
from branchdesk.reports.registers import branch_name_of, nothing_document

if TYPE_CHECKING:
    from branchdesk.domain.meetings import Agenda, Meeting
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

SEP = "、"


# ============================================================================ reading


def held_in(meetings: Iterable[Meeting], start: dt.date, end: dt.date) -> list[Meeting]:
    """The meetings held from ``start`` to ``end`` (both included), by date; planned ones left out."""
    return sorted(
        (m for m in meetings if not m.planned and start <= m.date <= end), key=lambda m: (m.date, m.id or 0)
    )


def meetings_in(ws: Workspace, period: Period) -> list[Meeting]:
    """The branch's meeting records held in ``period`` (read once per `registry.shared_reads` block)."""
    from branchdesk.reports.registry import shared

    def load() -> list[Meeting]:
        service = ws.meetings
        years = range(period.start.year, period.end.year + 1)
        records = [m for year in years for m in service.all(year=year)]
        return held_in(records, period.start, period.end)

    return shared(("meetings", id(ws), period.start, period.end), load)


def whole_years(period: Period) -> range | None:
    """The years a period covers when it is whole calendar years (a year's pack), else None."""
    if (period.start.month, period.start.day, period.end.month, period.end.day) == (1, 1, 12, 31):
        return range(period.start.year, period.end.year + 1)
    return None


def annual_records(ws: Workspace, period: Period, types: frozenset, meetings: list[Meeting] | None = None
                   ) -> tuple[list[Meeting], list[Meeting]]:  # fmt: skip
    """(records, elsewhere) of the annual types (组织生活会, 民主评议党员) for ``period``.

    For whole years, ``records`` are those whose 所属年度 is one of them, wherever they were held (the
    2025 组织生活会 held in January 2026 is in the 2025 pack); ``elsewhere`` those held in the period
    that belong to another year (the 2026 pack says where they are). For any other period, the records
    held in it. The period's meetings are the job's shared read; the next year's annual records one more."""
    from branchdesk.domain.meetings import ANNUAL_TYPES
    from branchdesk.reports.registry import shared

    held = [m for m in (meetings_in(ws, period) if meetings is None else meetings) if m.type in types]
    years = whole_years(period)
    if years is None:
        return held, []
    after = years.stop

    def load() -> list[Meeting]:
        return [m for m in ws.meetings.all(year=after, types=ANNUAL_TYPES) if not m.planned]

    later = [m for m in shared(("annual", id(ws), after), load) if m.type in types]
    records = [m for m in held if m.record_year in years] + [m for m in later if m.record_year in years]
    elsewhere = [m for m in held if m.record_year not in years]
    return records, elsewhere


def held_later_note(m: Meeting) -> str:
    """Where an annual record held after its year is: "本记录为2025年度…，于2026年1月15日召开…"."""
    from branchdesk.domain.dates import format_date

    return (f"本记录为{m.record_year}年度{m.title}，于{format_date(m.date)}召开；"
            f"原始记录按召开日期编入{m.date.year}年度会议记录簿。")  # fmt: skip


def belongs_elsewhere_note(m: Meeting) -> str:
    from branchdesk.domain.dates import format_date

    return f"{format_date(m.date)}召开的{m.title}属于{m.record_year}年度，记录编入{m.record_year}年度台账。"


# ============================================================================ shared texts


def _time_text(m: Meeting) -> str:
    def hm(t: dt.time | None) -> str:
        return t.strftime("%H:%M") if t is not None else ""

    if m.start_time and m.end_time:
        return f"{hm(m.start_time)}—{hm(m.end_time)}"
    return hm(m.start_time)


def _place_text(m: Meeting) -> str:
    from branchdesk.domain.meetings import MeetingMode

    if m.mode is MeetingMode.OFFLINE:
        return m.place
    online = m.mode.label + (f"（{m.platform}）" if m.platform else "")
    return SEP.join(x for x in (m.place, online) if x)


def absent_text(m: Meeting) -> str:
    """The absent and those on leave, with their reasons: "张三（请假：出差）、李四（缺席）"."""
    parts = []
    for a in m.attendance:
        if a.present:
            continue
        parts.append(f"{a.name}（{a.status.label}" + (f"：{a.reason}" if a.reason else "") + "）")
    return SEP.join(parts)


def vote_summary(a: Agenda) -> str:
    """The item with its vote: "讨论接收张三为预备党员（表决：应到17，实到15，赞成14，反对0，弃权1，通过）"."""
    v = a.vote
    assert v is not None
    text = f"{a.title}（表决：应到{v.expected}，实到{v.present}，赞成{v.yes}，反对{v.no}，弃权{v.abstain}"
    if v.written:
        text += f"，书面意见{v.written}份" + ("" if v.written_before_meeting else "，会后提交不计入")
    return text + f"，{'通过' if a.passed else '未通过'}）"


def agenda_text(m: Meeting) -> str:
    """The agenda in one cell, numbered, each vote with its counts and outcome:
    "1.传达学习上级精神；2.讨论接收张三为预备党员（表决：应到17，…，通过）"."""
    items = [vote_summary(a) if a.vote is not None else a.title for a in m.agenda]
    if not items and m.talks:
        items = [f"谈心谈话{len(m.talks)}次"]
    return "；".join(f"{n}.{text}" for n, text in enumerate(items, start=1))


def _type_counts(meetings: Sequence[Meeting]) -> str:
    from branchdesk.domain.meetings import MeetingType, type_label

    counts: Counter = Counter()
    for m in meetings:
        name = type_label(m.type, m.custom_type_name)
        counts[name] += 1
    order = [type_label(t) for t in MeetingType if t is not MeetingType.CUSTOM]
    names = sorted(counts, key=lambda n: (order.index(n) if n in order else len(order), n))
    return "，".join(f"{n} {counts[n]} 次" for n in names)


def _attendance_note(meetings: Sequence[Meeting]) -> str:
    expected = sum(m.expected for m in meetings)
    present = sum(m.present for m in meetings)
    if not expected:
        return ""
    return f"应到合计 {expected} 人次，实到 {present} 人次，出席率 {present * 100 / expected:.1f}%。"


# ============================================================================ 三会一课记录台账

MEETINGS_KEY = "meetings"
MEETINGS_TITLE = "“三会一课”记录台账"
MEETING_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "日期", "date", 11),
    Column("type", "会议类型", "text", 11, wrap=True),
    Column("theme", "主题", "text", 18, wrap=True),
    Column("place", "地点", "text", 12, wrap=True),
    Column("chair", "主持人", "text", 7),
    Column("recorder", "记录人", "text", 7),
    Column("lecturer", "授课人", "text", 7),
    Column("expected", "应到", "int", 5),
    Column("present", "实到", "int", 5),
    Column("absent", "缺席人员及原因", "text", 18, wrap=True),
    Column("agenda", "议程及表决事项", "text", 26, wrap=True),
]


def meetings_ledger(
    meetings: Sequence[Meeting], *, branch_name: str, period_label: str, printed_on: dt.date
) -> Ledger:
    """三会一课记录台账 of ``meetings`` (held ones, in the order given)."""
    rows = []
    for seq, m in enumerate(meetings, start=1):
        rows.append([seq, m.date, m.title, m.theme, _place_text(m), m.chair, m.recorder, m.lecturer,
                     m.expected if m.attendance else None, m.present if m.attendance else None,
                     absent_text(m), agenda_text(m)])  # fmt: skip
    notes = [f"共召开会议 {len(rows)} 次" + (f"：{_type_counts(meetings)}。" if rows else "。")]
    if attendance := _attendance_note(meetings):
        notes.append(attendance)
    votes = [a for m in meetings for a in m.votes]
    if votes:
        notes.append(f"表决 {len(votes)} 项，通过 {sum(bool(a.passed) for a in votes)} 项。")
    drafts = sum(1 for m in meetings if not m.sealed)
    if drafts:
        notes.append(f"其中 {drafts} 次会议的记录尚未定稿。")
    return Ledger(
        key=MEETINGS_KEY, title=MEETINGS_TITLE, branch_name=branch_name, period=period_label,
        columns=list(MEETING_COLUMNS), rows=rows, printed_on=printed_on, notes=notes,
        orientation="landscape", signatures=["支部书记", "审核人"],
    )  # fmt: skip


def meetings_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 三会一课记录台账 of the meetings held in the period."""
    return [meetings_ledger(meetings_in(ws, period), branch_name=branch_name_of(ws), period_label=period.label,
                            printed_on=today)]  # fmt: skip


# ============================================================================ the minute book

MINUTES_KEY = "minutes"


def _attendance_blocks(m: Meeting) -> list[Block]:
    from branchdesk.domain.vocab import MemberType

    if not m.attendance:
        return []
    present = []
    for a in m.attendance:
        if not a.present:
            continue
        mark = (
            ""
            if str(a.member_type) == MemberType.FULL.value
            else f"（{MemberType(str(a.member_type)).label}）"
        )
        if not mark and a.exclusion is not None:
            mark = "（不计入应到）"
        elif not mark and not a.voter:
            mark = "（无表决权）"
        present.append(a.name + mark)
    blocks: list[Block] = [Paragraph(SEP.join(present) or "无", "出席人员：")]
    away = [[a.name, a.status.label, a.reason] for a in m.attendance if not a.present]
    if away:
        columns = [Column("name", "姓名", "text", 10), Column("status", "情况", "text", 6),
                   Column("reason", "原因", "text", 40, wrap=True)]  # fmt: skip
        blocks.append(Table(columns, away, "缺席和请假人员"))
    excluded = [f"{a.name}：{a.exclusion.summary_zh}" for a in m.attendance if a.exclusion is not None]
    if excluded:  # domain.md §9: the kind and the approval of each voter left out of 应到
        blocks.append(Paragraph("\n".join(excluded), "不计入有表决权应到人数："))
    if m.observers:
        blocks.append(
            Paragraph(
                SEP.join(o.name + (f"（{o.role}）" if o.role else "") for o in m.observers), "列席人员："
            )
        )
    return blocks


def _agenda_blocks(m: Meeting) -> list[Block]:
    blocks: list[Block] = []
    for n, a in enumerate(m.agenda, start=1):
        blocks.append(Paragraph(a.discussion or "", f"{n}. {a.title}"))
        if a.vote is not None:
            blocks.append(Table(vote_columns(), [vote_row(a.title, a.vote)], "表决情况"))
        if a.decision:
            blocks.append(Paragraph(a.decision, "决定："))
    if m.discussion:
        blocks += discussion_blocks(m)
    if m.decisions:
        blocks.append(Paragraph(m.decisions, "会议决定："))
    return blocks


_SPEAKER = re.compile(r"^([\u4e00-\u9fff·]{2,6})[：:](.+)$")


def discussion_blocks(m: Meeting) -> list[Block]:
    """A party lecture's outline or text (党课提纲); else 发言 per speaker ("张三：…" on its own line,
    the name in bold) when the record is written that way; else the discussion as written."""
    from branchdesk.domain.meetings import MeetingType

    text = m.discussion.strip()
    if m.type == MeetingType.LECTURE:
        return [Heading("党课提纲（内容）"), Paragraph(text)]
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    speeches = [_SPEAKER.match(line) for line in lines]
    if lines and all(speeches):
        return [
            Heading("发言记录"),
            *(Paragraph(s.group(2).strip(), f"{s.group(1)}：") for s in speeches if s),
        ]
    return [Paragraph(text, "讨论情况：")]


def _grade_blocks(m: Meeting) -> list[Block]:
    from branchdesk.domain.meetings import AppraisalGrade, grade_counts

    if not m.grades:
        return []
    rows = [
        [n, g.name, AppraisalGrade.from_label(str(g.grade)).label, g.note] for n, g in enumerate(m.grades, 1)
    ]
    counts = grade_counts(m.grades)
    columns = [Column("seq", "序号", "int", 4), Column("name", "姓名", "text", 10),
               Column("grade", "评议等次", "text", 8), Column("note", "备注", "text", 30, wrap=True)]  # fmt: skip
    text = "，".join(f"{g.label} {counts[g]} 人" for g in counts)
    return [Table(columns, rows, "评议等次"), Paragraph(f"共 {len(rows)} 人：{text}。", "统计：")]


def remediation_table(items: Sequence) -> Table:
    columns = [
        Column("seq", "序号", "int", 4), Column("problem", "查摆的问题", "text", 22, wrap=True),
        Column("measure", "整改措施", "text", 26, wrap=True), Column("owner", "责任人", "text", 8),
        Column("due", "完成时限", "date", 11), Column("done", "完成情况", "text", 11),
    ]  # fmt: skip
    rows = [[n, x.problem, x.measure, x.owner, x.due, f"{x.done_on.isoformat()}完成" if x.done_on else "未完成"]
            for n, x in enumerate(items, start=1)]  # fmt: skip
    return Table(columns, rows, "整改清单")


def _talk_blocks(m: Meeting) -> list[Block]:
    if not m.talks:
        return []
    columns = [Column("date", "日期", "date", 11), Column("first", "谈话人", "text", 9),
               Column("second", "谈话对象", "text", 9), Column("summary", "谈话内容", "text", 36, wrap=True)]  # fmt: skip
    rows = [[t.date, t.first, t.second, t.summary] for t in sorted(m.talks, key=lambda t: t.date)]
    return [Table(columns, rows, f"谈心谈话（共 {len(rows)} 次）")]


def _amendment_blocks(m: Meeting) -> list[Block]:
    if not m.amendments:
        return []
    blocks: list[Block] = [Heading("更正记录（定稿后追加，原记录不变）")]
    for n, x in enumerate(
        sorted(m.amendments, key=lambda x: (x.date, x.at or dt.datetime.min.replace(tzinfo=dt.UTC))), 1
    ):
        who = f"，更正人：{x.user}" if x.user else ""
        blocks.append(
            Paragraph(
                f"更正日期：{x.date.isoformat()}{who}\n更正原因：{x.reason}\n更正内容：{x.text}", f"更正{n}："
            )
        )
    return blocks


def minutes_title(m: Meeting) -> str:
    """ "支部党员大会记录", "第一党小组党小组会记录", "主题党日活动记录"."""
    from branchdesk.domain.meetings import MeetingType

    return m.title + ("活动记录" if m.type == MeetingType.PARTY_DAY else "记录")


def sealed_by_names(ws: Workspace, meetings: Iterable[Meeting]) -> dict[str, str]:
    """username → the account's name for those who finalised these records. A record finalised
    without an account (an operating-system user name, "root") is not named on paper."""
    names: dict[str, str] = {}
    for username in {m.sealed_by for m in meetings if m.sealed_by}:
        account = ws.auth.account(username)
        if account is not None:
            names[username] = account.display_name or account.username
    return names


def minutes_document(m: Meeting, *, branch_name: str, period_label: str, printed_on: dt.date,
                     accounts: dict[str, str] | None = None) -> Document:  # fmt: skip
    """One meeting's full record; its amendments come after the original record."""
    from branchdesk.domain.meetings import ANNUAL_TYPES, MeetingType

    items: list[tuple[str, Any]] = [
        ("会议类型", m.title), ("日期", m.date), ("时间", _time_text(m)), ("地点", _place_text(m)),
        ("主持人", m.chair), ("记录人", m.recorder),
    ]  # fmt: skip
    if m.type == MeetingType.LECTURE or m.lecturer:
        items.append(("授课人", m.lecturer))
    items.append(("主题", m.theme))
    if m.type in ANNUAL_TYPES:
        items.append(("所属年度", f"{m.record_year}年度"))
    if m.attendance:
        items += [("应到人数", m.expected), ("实到人数", m.present)]
        if m.votes or m.type == MeetingType.GENERAL:
            items += [("有表决权应到", m.voters_expected), ("有表决权实到", m.voters_present)]
    blocks: list[Block] = [Fields(items, per_line=2)]
    blocks += _attendance_blocks(m)
    blocks.append(Heading("会议内容"))
    agenda = _agenda_blocks(m)
    blocks += agenda or [Paragraph("（未记录议程）")]
    blocks += _grade_blocks(m)
    if m.remediation:
        blocks.append(remediation_table(m.remediation))
    blocks += _talk_blocks(m)
    if m.attachments:
        blocks.append(
            Paragraph(
                "\n".join(f"{a.file_name}（{a.size} 字节，SHA-256 {a.sha256[:16]}…）" for a in m.attachments),
                "附件：",
            )
        )
    if m.sealed:
        at = m.sealed_at.astimezone().strftime("%Y-%m-%d %H:%M") if m.sealed_at else ""
        who = (accounts or {}).get(m.sealed_by or "", "")
        blocks.append(Paragraph(f"{at}" + (f"（{who}）" if who else ""), "记录定稿："))
    else:
        blocks.append(Paragraph(f"本记录尚未定稿（{m.status.label}）。", "状态："))
    blocks += _amendment_blocks(m)
    return Document(
        key=MINUTES_KEY, title=minutes_title(m), branch_name=branch_name, period=period_label, blocks=blocks,
        subject=f"{m.date.isoformat()} {m.title}", printed_on=printed_on, orientation="portrait",
        signatures=["主持人", "记录人"],
    )  # fmt: skip


def minute_book(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: 会议记录簿 — every meeting held in the period, one record each, by date."""
    meetings = meetings_in(ws, period)
    branch = branch_name_of(ws)
    if not meetings:
        return [
            nothing_document(
                MINUTES_KEY,
                "会议记录簿",
                "会议记录",
                branch_name=branch,
                period_label=period.label,
                printed_on=today,
            )
        ]
    accounts = sealed_by_names(ws, meetings)
    return [
        minutes_document(
            m, branch_name=branch, period_label=period.label, printed_on=today, accounts=accounts
        )
        for m in meetings
    ]


# ============================================================================ 主题党日活动记录

PARTY_DAY_KEY = "party_days"
PARTY_DAY_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("date", "日期", "date", 11),
    Column("theme", "活动主题", "text", 18, wrap=True),
    Column("place", "地点", "text", 12, wrap=True),
    Column("chair", "组织人", "text", 7),
    Column("expected", "应到", "int", 5),
    Column("present", "实到", "int", 5),
    Column("absent", "缺席人员及原因", "text", 18, wrap=True),
    Column("content", "活动内容", "text", 34, wrap=True),
    Column("recorder", "记录人", "text", 7),
]


def _content(m: Meeting) -> str:
    """The agenda (numbered, with votes) followed by what was discussed and decided, in one cell."""
    parts = [agenda_text(m), m.discussion.strip(), m.decisions.strip()]
    return "。".join(p.rstrip("。") for p in parts if p) + ("。" if any(parts) else "")


def party_day_ledger(
    meetings: Sequence[Meeting], *, branch_name: str, period_label: str, printed_on: dt.date
) -> Ledger:
    from branchdesk.domain.meetings import MeetingType

    days = [m for m in meetings if m.type == MeetingType.PARTY_DAY]
    rows = [[n, m.date, m.theme, _place_text(m), m.chair, m.expected if m.attendance else None,
             m.present if m.attendance else None, absent_text(m), _content(m), m.recorder]
            for n, m in enumerate(days, start=1)]  # fmt: skip
    months = len({(m.date.year, m.date.month) for m in days})
    notes = [f"共开展主题党日活动 {len(rows)} 次，涉及 {months} 个月。"]
    if attendance := _attendance_note(days):
        notes.append(attendance)
    return Ledger(
        key=PARTY_DAY_KEY, title="主题党日活动记录", branch_name=branch_name, period=period_label,
        columns=list(PARTY_DAY_COLUMNS), rows=rows, printed_on=printed_on, notes=notes,
        orientation="landscape", signatures=["支部书记", "记录人"],
    )  # fmt: skip


def party_day_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 主题党日活动记录 of the period."""
    return [party_day_ledger(meetings_in(ws, period), branch_name=branch_name_of(ws), period_label=period.label,
                             printed_on=today)]  # fmt: skip


# ============================================================================ 组织生活会记录

ORG_LIFE_KEY = "org_life"


def org_life_report(ws: Workspace, period: Period, today: dt.date) -> list[Document]:
    """Registry builder: 组织生活会记录 — the record of each 组织生活会 of the period's years (所属年度;
    one held in the next January is there, saying where its original is), with the problems found and
    the remediation list, and the 谈心谈话 held in the period."""
    from branchdesk.domain.meetings import MeetingType

    in_period = meetings_in(ws, period)
    records, elsewhere = annual_records(ws, period, frozenset({MeetingType.ORG_LIFE}), in_period)
    talks = [m for m in in_period if m.type == MeetingType.TALKS]
    meetings = sorted([*records, *talks], key=lambda m: (m.date, m.id or 0))
    branch = branch_name_of(ws)
    if not meetings:
        doc = nothing_document(ORG_LIFE_KEY, "组织生活会记录", "组织生活会和谈心谈话记录", branch_name=branch,
                               period_label=period.label, printed_on=today)  # fmt: skip
        if elsewhere:
            doc.blocks.extend(Paragraph(belongs_elsewhere_note(m)) for m in elsewhere)
        return [doc]
    out = []
    accounts = sealed_by_names(ws, meetings)
    for m in meetings:
        doc = minutes_document(m, branch_name=branch, period_label=period.label, printed_on=today,
                               accounts=accounts)  # fmt: skip
        if m.date not in period:
            doc.blocks.insert(0, Paragraph(held_later_note(m), "说明："))
        out.append(_rekey(doc, ORG_LIFE_KEY))
    if elsewhere:
        out[-1].blocks.extend(Paragraph(belongs_elsewhere_note(m), "说明：") for m in elsewhere)
    return out


def _rekey(doc: Document, key: str) -> Document:
    from dataclasses import replace

    return replace(doc, key=key)


# ============================================================================ 民主评议党员情况

APPRAISAL_KEY = "appraisal"
APPRAISAL_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("name", "姓名", "text", 8),
    Column("member_type", "人员类别", "text", 8),
    Column("group", "所在党小组", "text", 10, wrap=True),
    Column("grade", "评议等次", "text", 8),
    Column("note", "备注", "text", 30, wrap=True),
]


def appraisal_ledger(m: Meeting | None, *, groups: dict[int, str], branch_name: str, period_label: str,
                     printed_on: dt.date) -> Ledger:  # fmt: skip
    """民主评议党员情况 of one appraisal meeting (``None``: none held); ``groups``: member id -> 党小组
    (from the member files); 人员类别 is the member's type at the meeting (its attendance list)."""
    from branchdesk.domain.meetings import AppraisalGrade, grade_counts
    from branchdesk.domain.vocab import MemberType

    rows = []
    notes = []
    if m is not None:
        kinds = {
            a.member_id: MemberType(str(a.member_type)).label for a in m.attendance if a.member_id is not None
        }
        for n, g in enumerate(m.grades, start=1):
            group = groups.get(g.member_id, "") if g.member_id is not None else ""
            rows.append(
                [
                    n,
                    g.name,
                    kinds.get(g.member_id, ""),
                    group,
                    AppraisalGrade.from_label(str(g.grade)).label,
                    g.note,
                ]
            )
        counts = grade_counts(m.grades)
        notes.append(
            f"评议日期 {m.date.isoformat()}（{m.title}，应到 {m.expected} 人，实到 {m.present} 人）。"
        )
        notes.append(
            f"参加评议 {len(rows)} 人：" + "，".join(f"{g.label} {counts[g]} 人" for g in counts) + "。"
        )
    else:
        notes.append("没有民主评议党员记录。")
    return Ledger(
        key=APPRAISAL_KEY, title="民主评议党员情况", branch_name=branch_name, period=period_label,
        columns=list(APPRAISAL_COLUMNS), rows=rows, printed_on=printed_on, notes=notes,
        orientation="portrait", signatures=["支部书记", "组织委员"],
    )  # fmt: skip


def appraisal_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 民主评议党员情况 — one table per appraisal of the period's years (所属年度)."""
    from branchdesk.domain.meetings import MeetingType

    meetings, elsewhere = annual_records(ws, period, frozenset({MeetingType.APPRAISAL}))
    ids = [g.member_id for m in meetings for g in m.grades if g.member_id is not None]
    groups = {r.id: r.group_name for r in ws.members.get_many(ids)}
    branch = branch_name_of(ws)
    out = [
        appraisal_ledger(m, groups=groups, branch_name=branch, period_label=period.label, printed_on=today)
        for m in (meetings or [None])
    ]
    for ledger, m in zip(out, meetings, strict=False):
        if m.date not in period:
            ledger.notes.append(held_later_note(m))
    if not meetings:
        out[0].notes[:] = [f"{period.label}没有民主评议党员记录。"]
    out[-1].notes.extend(belongs_elsewhere_note(m) for m in elsewhere)
    return out
