"""Import of a 发展党员工作台账 (development ledger) into domain dossiers, and its blank template.

:func:`read_development` reads the layout :func:`branchdesk.reports.development.development_ledger`
writes (see that module for the cell conventions and for what the layout does not carry): one row per
person, a column per step date, vote counts, names of interviewers, contact persons and sponsors …
It touches no database and returns :class:`DevImport` — the dossiers read and the problems found, each
a :class:`RowIssue` naming the Excel row and the column header as written in the file.

Headers are matched tolerantly, as for the roster (``services.xlsx_table.header_key``: spaces, full-width
forms, '*' and bracketed remarks do not matter), with the common names of each column; the header row
may sit under title rows; columns may come in any order; unknown columns are listed and ignored.
Vote columns written without their meeting ("应到", "实到" …) are taken in order: the first set
belongs to the admission meeting, the second to the conversion meeting.

Imports accept rule violations — imported history is judged later by ``branchdesk check`` — but
refuse values that cannot be read: a date that is not a date, a negative or fractional count, a
citizen ID number with a wrong check digit, vote counts without their meeting date. A row with any
such problem gives no dossier; the caller decides whether to import the good rows.

:func:`apply_development` saves what was read in ONE unit of work (all or nothing): a person whose
citizen ID number already has a dossier in the branch updates it, keeping what the ledger has no
column for; everyone else gets a new dossier.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.domain import dev_exchange as layout
from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    Dossier,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Period,
    Person,
    PoliticalReview,
    PreReview,
    Recommendation,
    Sponsor,
    Standing,
    Talk,
    TalkKind,
    ThoughtReport,
    Training,
)
from branchdesk.domain.votes import Vote
from branchdesk.services.xlsx_reader import BadCell
from branchdesk.services.xlsx_table import (
    BRACKETS,
    EXAMPLE_MARK,
    ImportRefused,
    RowError,
    ambiguous_message,
    cell_date,
    clean_text,
    find_header,
    header_key,
    header_signature,
    indistinct_message,
    indistinct_rows,
    is_footer,
    match_key,
    read_table,
)
from branchdesk.services.xlsx_table import cell_text as _text

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = [
    "SHEET_NAME",
    "DevApplyResult",
    "DevImport",
    "RowIssue",
    "apply_development",
    "read_development",
]

SHEET_NAME = layout.DEVELOPMENT_TITLE

#: A problem in the file: ``row`` is the Excel row number (0: the file as a whole), ``column`` the
#: header as written in the file; ``str(issue)`` is "第 5 行，谈话日期：……".
RowIssue = RowError


@dataclass
class DevImport:
    """What :func:`read_development` found: the good dossiers (with their Excel rows) and the issues."""

    dossiers: list[Dossier] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  # Excel row of each dossier
    #: Excel row -> vote field ("admission_vote", "conversion_vote") -> voters left out of 应到
    exclusions: dict[int, dict[str, list]] = field(default_factory=dict)
    path: Path | None = None
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # column key -> header as in the file
    ignored_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)  # headers nothing maps (the mapping step)
    chosen: dict[str, str] = field(default_factory=dict)  # header -> column ("" ignored) by the mapping
    signature: str = ""  # the header's layout (see xlsx_table.header_signature)
    data_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def issue_row_count(self) -> int:
        return len({i.row for i in self.issues if i.row > 0})

    def describe(self) -> str:
        """One Chinese sentence for the CLI and the import dialog."""
        file_issues = [i for i in self.issues if i.row <= 0]
        if file_issues:
            return "无法导入：" + "；".join(i.message for i in file_issues)
        text = f"读取 {self.data_rows} 行：{len(self.dossiers)} 人可以导入"
        if self.issues:
            text += f"，{self.issue_row_count} 行有错误（共 {len(self.issues)} 处）"
        if self.ignored_columns:
            text += "；未使用的列：" + "、".join(self.ignored_columns)
        return text + "。"


# --------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------

#: Other names people give the columns (the ledger's own titles always match).
ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "No", "No."),
    "name": ("姓名", "名字"),
    "sex": ("性别",),
    "birth_date": ("出生年月", "出生日期", "出生年月日"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码", "证件号码"),
    "application_date": ("递交入党申请书日期", "递交入党申请书时间", "申请入党日期", "申请入党时间",
                         "入党申请时间", "入党申请日期", "递交申请书时间", "申请日期", "申请时间"),
    "first_talk_date": ("谈话时间", "派人谈话日期", "派人谈话时间", "党组织派人谈话时间", "谈话日期"),
    "first_talk_by": ("谈话人", "谈话人员"),
    "activist_date": ("确定入党积极分子日期", "确定入党积极分子时间", "确定为入党积极分子时间",
                      "确定为入党积极分子日期", "确定积极分子时间", "列为积极分子时间", "积极分子日期"),
    "recommendation": ("推荐方式", "推荐情况", "推荐方式(党员推荐/群团推优)"),
    "activist_filing": ("积极分子备案日期", "积极分子备案时间", "入党积极分子备案日期", "入党积极分子备案时间"),
    "contacts": ("培养联系人", "联系人"),
    "contacts_date": ("指定联系人日期", "指定培养联系人日期", "指定培养联系人时间", "指定联系人时间"),
    "assessments": ("培养考察情况", "培养教育考察", "考察情况", "考察记录"),
    "thought_reports": ("思想汇报", "思想汇报情况"),
    "candidate_date": ("确定发展对象日期", "确定发展对象时间", "确定为发展对象时间", "确定为发展对象日期",
                       "列为发展对象时间"),
    "publicity": ("公示期", "公示时间", "发展对象公示期", "公示起止日期"),
    "candidate_filing": ("发展对象备案日期", "发展对象备案时间"),
    "sponsors": ("入党介绍人", "介绍人"),
    "sponsors_date": ("确定介绍人日期", "确定入党介绍人日期", "确定入党介绍人时间"),
    "political_review_date": ("政治审查日期", "政治审查时间", "政审日期", "政审时间"),
    "political_review": ("政审结论", "政治审查结论", "政审情况", "政治审查情况"),
    "training": ("集中培训时间", "培训时间", "集中培训起止日期", "培训起止时间"),
    "training_days": ("培训天数", "集中培训天数", "天数"),
    "training_hours": ("培训学时", "集中培训学时", "学时"),
    "training_certificate": ("结业证书", "培训结业证书", "结业证书编号"),
    "committee_review_date": ("支委会审查日期", "支部委员会审查日期", "支委会审查时间"),
    "pre_review_date": ("上级预审日期", "上级党委预审日期", "预审日期", "预审时间", "上级党委预审时间"),
    "volunteer_form_number": ("志愿书编号", "入党志愿书编号"),
    "volunteer_form_date": ("填写志愿书日期", "填写入党志愿书日期", "填写志愿书时间"),
    "admission_meeting_date": ("接收支部大会日期", "支部大会讨论日期", "支部大会讨论时间", "接收预备党员日期",
                               "接收为预备党员时间", "支部大会日期", "支部大会时间"),
    "admission_expected": ("接收应到", "应到", "应到人数"),
    "admission_present": ("接收实到", "实到", "实到人数"),
    "admission_yes": ("接收赞成", "赞成", "赞成票"),
    "admission_no": ("接收反对", "反对", "反对票"),
    "admission_abstain": ("接收弃权", "弃权", "弃权票"),
    "admission_written": ("接收书面意见", "书面意见", "书面表决意见"),
    "admission_excluded": ("接收不计入应到人员", "不计入应到人员", "不计入应到人数的党员"),
    "higher_talk_date": ("上级谈话日期", "上级党委谈话日期", "上级党委派人谈话日期", "上级谈话时间"),
    "higher_talk_by": ("上级谈话人", "上级党委谈话人"),
    "approval_date": ("接收审批日期", "上级党委审批日期", "审批日期", "审批时间", "上级党委审批时间"),
    "admission_filing": ("接收备案日期", "预备党员备案日期", "再上一级党委备案日期"),
    "assignment_date": ("编入支部日期", "编入党支部和党小组日期"),
    "oath_date": ("入党宣誓日期", "入党宣誓时间", "宣誓日期", "宣誓时间"),
    "join_date": ("入党日期", "入党时间"),
    "conversion_application_date": ("转正申请日期", "提出转正申请日期", "转正申请时间"),
    "conversion_meeting_date": ("转正支部大会日期", "讨论转正日期", "转正支部大会时间"),
    "conversion_expected": ("转正应到",),
    "conversion_present": ("转正实到",),
    "conversion_yes": ("转正赞成",),
    "conversion_no": ("转正反对",),
    "conversion_abstain": ("转正弃权",),
    "conversion_written": ("转正书面意见",),
    "conversion_excluded": ("转正不计入应到人员",),
    "conversion_approval_date": ("转正审批日期", "转正审批时间"),
    "full_member_date": ("转正日期", "转正时间", "转为正式党员日期", "转为正式党员时间"),
    "extensions": ("延长预备期", "延长预备期情况"),
    "archive_date": ("归档日期", "材料归档日期", "归档时间"),
    "status": ("当前状态", "状态", "发展结果", "目前状态"),
    "notes": ("备注", "说明"),
}  # fmt: skip

#: Columns whose unqualified name (应到 …) may appear twice: the admission set first, then conversion.
_SECOND_OF = {
    f"admission_{part}": f"conversion_{part}"
    for part in ("expected", "present", "yes", "no", "abstain", "written", "excluded")
}

_DATE_KEYS = frozenset(
    c.key for c in layout.EXCHANGE_COLUMNS if c.kind == "date" and c.key != "pre_review_date"
)
_COUNT_KEYS = frozenset({"training_days", "training_hours"} | {
    f"{meeting}_{part}" for meeting in ("admission", "conversion")
    for part in ("expected", "present", "yes", "no", "abstain")
})  # fmt: skip


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in layout.EXCHANGE_COLUMNS:
        table[header_key(column.title)] = column.key
    for key, names in ALIASES.items():
        for name in names:
            table.setdefault(header_key(name), key)
    return table


_TABLE = _alias_table()
_TITLES = {c.key: c.title for c in layout.EXCHANGE_COLUMNS}


def match_header(text: Any) -> str | None:
    """The column key a header names, or None."""
    return match_key(text, _TABLE)


def _header_map(
    cells: tuple, mapping: dict[str, str] | None = None
) -> tuple[dict[int, tuple[str, str]], list[str]]:
    """{cell index: (key, header text)} and the headers that were not understood or were repeated.
    `mapping` (header_key -> column key, "" = ignore) is the user's choice for unknown headers."""
    slots: dict[int, tuple[str, str]] = {}
    used: set[str] = set()
    ignored: list[str] = []
    for index, value in enumerate(cells):
        text = " ".join(_text(value).split())
        if not text:
            continue
        chosen = mapping.get(header_key(text)) if mapping else None
        key = match_header(text) if chosen is None else (chosen or None)
        if key is not None and key in used and key in _SECOND_OF:
            key = _SECOND_OF[key]
        if key is None or key in used:
            ignored.append(text if key is None else f"{text}（重复）")
            continue
        used.add(key)
        slots[index] = (key, text)
    return slots, ignored


# --------------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------------


class _Bad(ValueError):
    """An unreadable cell; the message (Chinese) goes to the user."""


_DATE_IN_TEXT = re.compile(r"\d{4}\s*[-/.年－／．]\s*\d{1,2}\s*[-/.月－／．]\s*\d{1,2}\s*日?|\d{8}")
_SPLIT_NAMES = re.compile(r"[、,，;；/\s]+")
_SPLIT_LINES = re.compile(r"[\n;；]+")
_BRACKET = re.compile(r"[（(]([^）)]*)[）)]")
_UNITS = re.compile(r"[人票天个学时次]+$")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _date(value: Any, *, partial: bool = False) -> dt.date:
    try:
        return cell_date(value, allow_year_month=partial)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _paper_birth(value: Any) -> tuple[dt.date, str]:
    """出生年月 as precise as written ("2008年9月" is a month, not the 1st): (first day, precision)."""
    from branchdesk.domain.partial_dates import parse_partial_date

    day = _date(value, partial=True)
    try:
        written = parse_partial_date(clean_text(value) if isinstance(value, str) else value, allow_year=False)
    except ValueError:
        return day, "day"
    return written.first, written.precision.value


def _paper_date(value: Any) -> tuple[dt.date, str]:
    """A step date an old ledger may give to the month only ("2019年9月"): (first day, precision)."""
    from branchdesk.domain.partial_dates import parse_partial_date

    try:
        day = _date(value)
    except _Bad:
        try:
            written = parse_partial_date(
                clean_text(value) if isinstance(value, str) else value, allow_year=False
            )
        except ValueError as exc:
            raise _Bad(str(exc)) from None
        return written.first, written.precision.value
    return day, "day"


def _date_in(text: str) -> tuple[dt.date | None, str]:
    """The first date written in ``text`` and the rest of the text as written."""
    m = _DATE_IN_TEXT.search(text)  # \d also matches full-width digits
    if m is None:
        return None, text.strip()
    rest = (text[: m.start()] + text[m.end() :]).strip()
    return _date("".join(_nfkc(m.group(0)).split())), rest


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad(f"“{_text(value)}”不是人数或票数")
    if isinstance(value, float):
        if not value.is_integer():
            raise _Bad(f"“{value:g}”不是整数")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _UNITS.sub("", "".join(_nfkc(_text(value)).split()))
        try:
            number = int(text)
        except ValueError:
            raise _Bad(f"“{_text(value)}”不是整数，请填写数字") from None
    if number < 0:
        raise _Bad(f"不能为负数（{number}）")
    return _bounded(number)


#: The largest count a cell may hold (people, votes, days, class hours, months): more is a typing slip,
#: and the database keeps counts in 32-bit integers on PostgreSQL.
MAX_COUNT = 99_999


def _bounded(number: int) -> int:
    if number > MAX_COUNT:
        raise _Bad(f"数字 {number} 过大（最多 {MAX_COUNT}）")
    return number


def _id_number(value: Any, today: dt.date) -> str:
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id

    text = _text(value).lstrip("'‘’`")  # an apostrophe typed to keep the digits as text
    try:
        return parse_citizen_id(text, today=today).number
    except CitizenIdError as exc:
        hint = ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            hint = (
                "（该单元格是数字格式，Excel 只保留 15 位有效数字，请把这一列设为“文本”格式后重新输入号码）"
            )
        raise _Bad(f"{exc}{hint}") from None


def _names(text: str) -> list[str]:
    return [n for n in _SPLIT_NAMES.split(_nfkc(text).strip()) if n]


def _people(text: str) -> list[tuple[str, dt.date | None, bool, bool]]:
    """(name, date, full member, under 留党察看) of each name in a cell: "张华（2023-06-05）、刘芳（非正式党员）"."""
    text = _nfkc(text)
    # separators inside brackets must not split a name: protect the brackets first
    marks: list[list[str]] = []

    def keep(m: re.Match) -> str:
        marks.append([p for p in re.split(r"[,，;；、]", m.group(1)) if p.strip()])
        return f"\x00{len(marks) - 1}\x00"

    protected = _BRACKET.sub(keep, text)
    out = []
    for part in _SPLIT_NAMES.split(protected.strip()):
        if not part:
            continue
        notes = [p.strip() for i in re.findall(r"\x00(\d+)\x00", part) for p in marks[int(i)]]
        name = re.sub(r"\x00\d+\x00", "", part).strip()
        if not name:
            raise _Bad(f"“{text}”中有括号前缺少姓名")
        when, full, watch = None, True, False
        for note in notes:
            if note in (layout.NOT_FULL_MEMBER, "预备党员", "非党员"):
                full = False
            elif note == layout.UNDER_WATCH:
                watch = True
            elif _DATE_IN_TEXT.fullmatch(note.replace(" ", "")):
                when = _date(note.replace(" ", ""))
            else:
                raise _Bad(f"“{name}（{note}）”括号中的内容无法识别（可写日期、非正式党员或留党察看）")
        out.append((name, when, full, watch))
    return out


def _period(text: str) -> Period:
    found = _DATE_IN_TEXT.findall(text)
    if len(found) != 2:
        raise _Bad(f"“{text}”应写成起止两个日期，如 2024-06-04至2024-06-11")
    start, end = (_date("".join(_nfkc(f).split())) for f in found)
    if end < start:
        raise _Bad(f"“{text}”的结束日期早于开始日期")
    return Period(start, end)


def _dated_lines(text: str, what: str, example: str) -> list[tuple[dt.date, str]]:
    """ "2023-12-01 表现良好" lines (also separated by ；) as (date, text)."""
    out = []
    for line in _SPLIT_LINES.split(text):
        if not line.strip():
            continue
        when, rest = _date_in(line)
        if when is None:
            raise _Bad(f"“{line.strip()}”缺少{what}日期（每次写一行，如 {example}）")
        out.append((when, rest.lstrip(":：,， ")))
    return out


_WRITTEN = {label: re.compile(label + r"\s*[:：]?\s*(\d+)") for label in layout.WRITTEN_LABELS}


def _written(text: str) -> tuple[int, int, int, bool]:
    text = _nfkc(text)
    counts = []
    for label in layout.WRITTEN_LABELS:
        m = _WRITTEN[label].search(text)
        counts.append(_bounded(int(m.group(1))) if m else 0)
    if not any(_WRITTEN[label].search(text) for label in layout.WRITTEN_LABELS):
        raise _Bad(f"“{text}”无法识别，请写成 赞成1、反对0、弃权0")
    late = "会后" in text or "会议后" in text
    return counts[0], counts[1], counts[2], not late


_EXTENSION = re.compile(r"延长\s*(\d+)\s*个?月\s*(?:[(（]([^)）]*)[)）])?\s*[,，:：]?\s*(.*)$")
_VOTE_PART = {label: re.compile(label + r"\s*[:：]?\s*(\d+)") for label in layout.VOTE_LABELS}


def _excluded(text: str) -> list:
    """Voters left out of 应到, one a line as ``reports.development.exclusion_text`` writes them:
    "王强：出国（境）六个月以上；某某学院党委2025-03-01同意；2025年3月6日支部党员大会决定". The kind is
    required (one of the five); 出差, 请假 … are refused: they are absences."""
    from branchdesk.domain.votes import Exclusion, ExclusionKind
    from branchdesk.services.development import VoteExclusion

    out = []
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        name, sep, rest = line.partition("：")
        if not sep:
            name, sep, rest = line.partition(":")
        parts = [p.strip() for p in rest.replace(";", "；").split("；") if p.strip()]
        if not name.strip() or not parts:
            raise _Bad(f"“{line}”应写成“姓名：情形；上级党组织及日期同意；支部党员大会决定”")
        try:
            kind = ExclusionKind.from_label(parts[0])
        except ValueError:
            raise _Bad(
                f"{name.strip()}的“{parts[0]}”不是不计入应到的情形（只有{'、'.join(k.label for k in ExclusionKind)}；"
                "出差、请假是缺席，仍计入应到）"
            ) from None
        approved_on, approved_by, decision = None, "", ""
        for p in parts[1:]:
            if p.endswith("同意"):
                when, by = _date_in(p.removesuffix("同意"))
                approved_on, approved_by = when, by.strip()
            else:
                decision = p
        exclusion = Exclusion(kind, approved_on, approved_by, decision)
        out.append(VoteExclusion(name.strip(), kind.label, None, exclusion))
    return out


def _vote_text(text: str) -> Vote:
    """ "应到17、实到15、赞成14、反对0、弃权1" → Vote (应到, 实到 and 赞成 required)."""
    text = _nfkc(text)
    found = {label: _bounded(int(m.group(1))) for label, rx in _VOTE_PART.items() if (m := rx.search(text))}
    missing = [label for label in layout.VOTE_LABELS[:3] if label not in found]
    if missing:
        raise _Bad(
            f"表决情况“{text}”缺少{'、'.join(missing)}人数（应写成 应到17、实到15、赞成14、反对0、弃权1）"
        )
    expected, present, yes, no, abstain = (found.get(label, 0) for label in layout.VOTE_LABELS)
    return Vote(expected, present, yes, no, abstain)


def _extensions(text: str) -> list[Extension]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        m = _EXTENSION.search(_nfkc(line))
        when, _ = _date_in(_nfkc(line)[: m.start()] if m else line)
        if m is None or when is None:
            raise _Bad(f"“{line}”应写成 决定日期 延长N个月，如 2025-08-01 延长6个月")
        vote = _vote_text(m.group(2)) if m.group(2) else None
        reason = line[len(line) - len(m.group(3)) :].strip() if m.group(3) else ""
        out.append(Extension(when, _bounded(int(m.group(1))), vote, reason))
    return out


def _status(text: str) -> tuple[Outcome | None, dt.date | None]:
    plain = _nfkc(text).strip()
    when, rest = _date_in(plain)
    rest = BRACKETS.sub("", rest).strip()
    for standing in Standing:
        if rest == standing.label and when is None and standing is not Standing.CLOSED:
            return None, None
    try:
        return Outcome.from_label(rest), when
    except ValueError:
        pass
    if rest == Standing.CLOSED.label or not rest:
        return None, None
    choices = "、".join(o.label for o in Outcome)
    raise _Bad(f"“{text}”无法识别：可填写发展阶段（如 入党积极分子），或 {choices} 加日期")


def _checklist(text: str) -> frozenset[DossierItem]:
    text = text.strip()
    if text == layout.CHECKLIST_ALL:
        return frozenset(DossierItem)
    if text in (layout.CHECKLIST_NONE, ""):
        return frozenset()
    items = set()
    for part in _SPLIT_NAMES.split(text):
        if not part:
            continue
        try:
            items.add(DossierItem.from_label(part))
        except ValueError:
            raise _Bad(f"卷内材料“{part}”无法识别") from None
    return frozenset(items)


_NOTE_LINE = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(.*)$")


def _notes(text: str) -> dict[str, str]:
    """The labelled lines of the 备注 cell that the layout defines; other text is ignored."""
    known = {
        layout.NOTE_APPROVAL_REASON,
        layout.NOTE_CONVERSION_APPROVAL_REASON,
        layout.NOTE_OUTCOME_REASON,
        layout.NOTE_REJECTED,
        layout.NOTE_TRANSFERRED_IN,
        layout.NOTE_CHECKLIST,
        layout.NOTE_OUTCOME_VOTE,
        layout.NOTE_REJECTION_VOTE,
    }
    out = {}
    for line in text.splitlines():
        m = _NOTE_LINE.match(line)
        if m and m.group(1) in known:
            out[m.group(1)] = m.group(2).strip()
    return out


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@cache
def _text_limits() -> dict[str, int]:
    """Longest text each column may hold: the lengths of the database columns (PostgreSQL enforces them)."""
    from branchdesk.db.models_development import (
        DevelopmentDossier,
        DossierContact,
        DossierSponsor,
        DossierThoughtReport,
    )

    return {
        "name": DevelopmentDossier.name.type.length,
        "volunteer_form_number": DevelopmentDossier.volunteer_form_number.type.length,
        "training_certificate": DevelopmentDossier.training_certificate.type.length,
        "contacts": DossierContact.name.type.length,
        "sponsors": DossierSponsor.name.type.length,
        "thought_reports": DossierThoughtReport.title.type.length,
    }


def _check_lengths(v: dict[str, Any], bad) -> None:
    limits = _text_limits()
    for key in ("name", "volunteer_form_number", "training_certificate"):
        text = v.get(key)
        if isinstance(text, str) and len(text) > limits[key]:
            bad(key, f"不能超过 {limits[key]} 个字（现有 {len(text)} 个字）")
    for key in ("contacts", "sponsors"):
        for name, *_ in v.get(key, ()):
            if len(name) > limits[key]:
                bad(key, f"姓名“{name}”过长（最多 {limits[key]} 个字）")
                break
    for report in v.get("thought_reports", ()):
        if len(report.title) > limits["thought_reports"]:
            bad("thought_reports", f"思想汇报标题过长（最多 {limits['thought_reports']} 个字）")
            break


def _read_row(number: int, cells: dict[str, Any], headers: dict[str, str], today: dt.date):
    """A dossier from one row's cells (key -> raw value), or the row's issues."""
    issues: list[RowIssue] = []
    v: dict[str, Any] = {}
    broken: set[str] = set()  # keys whose cell was unreadable (no second complaint about them)

    def bad(key: str, message: str, follows: str | None = None) -> None:
        """A problem of column `key`; when the file has no such column, at the column it `follows` from
        (the one that was filled in), or else without a column and with the column's title said."""
        broken.add(key)
        header = headers.get(key) or headers.get(follows or "")
        if not header:
            header, message = "", f"{_TITLES.get(key, key)}：{message}"
        issues.append(RowIssue(number, header, message))

    for key, raw in cells.items():
        if isinstance(raw, BadCell):
            bad(key, raw.message)
            continue
        try:
            if key == "birth_date":
                v[key], v["birth_precision"] = _paper_birth(raw)
            elif key == "activist_date":
                v[key], v["activist_date_precision"] = _paper_date(raw)
            elif key in _DATE_KEYS:
                v[key] = _date(raw)
            elif key == "pre_review_date":
                text = _text(raw)
                failed = isinstance(raw, str) and any(w in text for w in (layout.FAILED, "不通过", "不合格"))
                v[key] = (_date(raw) if not isinstance(raw, str) else _date_in(text)[0], not failed)
                if v[key][0] is None:
                    raise _Bad(f"“{text}”不是日期")
            elif key in _COUNT_KEYS:
                v[key] = _count(raw)
            elif key == "id_number":
                v[key] = _id_number(raw, today)
            elif key == "recommendation":
                text = _text(raw)
                try:
                    v[key] = Recommendation.from_label(text)
                except ValueError:
                    choices = "、".join(r.label for r in Recommendation)
                    raise _Bad(f"“{text}”无法识别，请填写 {choices}") from None
            elif key in ("contacts", "sponsors"):
                v[key] = _people(_text(raw))
            elif key in ("first_talk_by", "higher_talk_by"):
                v[key] = tuple(_names(_text(raw)))
            elif key == "assessments":
                v[key] = [Assessment(*x) for x in _dated_lines(_text(raw), "考察", "2023-12-01 表现良好")]
            elif key == "thought_reports":
                v[key] = [ThoughtReport(*x) for x in _dated_lines(_text(raw), "思想汇报", "2023-09-01")]
            elif key in ("publicity", "training"):
                v[key] = _period(_text(raw))
            elif key in ("admission_written", "conversion_written"):
                v[key] = _written(_text(raw))
            elif key in ("admission_excluded", "conversion_excluded"):
                v[key] = _excluded(_text(raw))
            elif key == "extensions":
                v[key] = _extensions(_text(raw))
            elif key == "status":
                v[key] = _status(_text(raw))
            elif key == "notes":
                v[key] = _notes(_text(raw))
            elif key in ("seq", "sex"):
                continue
            else:
                v[key] = _text(raw)
        except _Bad as exc:
            bad(key, str(exc))

    if not v.get("name") and "name" not in broken:
        bad("name", "姓名不能为空")
    _check_lengths(v, bad)
    notes = v.get("notes", {})
    for label, key in (
        (layout.NOTE_REJECTED, "rejected_on"),
        (layout.NOTE_TRANSFERRED_IN, "transferred_in_date"),
    ):
        if notes.get(label):
            try:
                v[key] = _date(notes[label])
            except _Bad as exc:
                bad("notes", f"{label}：{exc}")
    outcome_vote = rejection_vote = None
    if notes.get(layout.NOTE_OUTCOME_VOTE):
        try:
            outcome_vote = _vote_text(notes[layout.NOTE_OUTCOME_VOTE])
        except _Bad as exc:
            bad("notes", str(exc))
    if notes.get(layout.NOTE_REJECTION_VOTE):
        try:
            rejection_vote = _vote_text(notes[layout.NOTE_REJECTION_VOTE])
        except _Bad as exc:
            bad("notes", str(exc))
    checklist = None
    if layout.NOTE_CHECKLIST in notes:
        try:
            checklist = _checklist(notes[layout.NOTE_CHECKLIST])
        except _Bad as exc:
            bad("notes", str(exc))

    def talk(kind: TalkKind, date_key: str, by_key: str) -> Talk | None:
        when, by = v.get(date_key), v.get(by_key, ())
        if when is None:
            if by:
                bad(date_key, f"填写了“{headers.get(by_key, _TITLES[by_key])}”，但缺少谈话日期", by_key)
            return None
        return Talk(kind, when, by)

    def vote(meeting: str, date_key: str) -> Vote | None:
        parts = ("expected", "present", "yes", "no", "abstain")
        given = {p: v[f"{meeting}_{p}"] for p in parts if f"{meeting}_{p}" in v}
        written = v.get(f"{meeting}_written")
        if not given and written is None:
            return None
        missing = [p for p in ("expected", "present", "yes") if p not in given]
        if any(f"{meeting}_{p}" in broken for p in parts):
            return None
        filled = f"{meeting}_{next(iter(given))}" if given else f"{meeting}_written"
        if missing:
            labels = {"expected": "应到人数", "present": "实到人数", "yes": "赞成票数"}
            message = "表决票数不完整，缺少" + "、".join(labels[m] for m in missing)
            bad(f"{meeting}_{missing[0]}", message, filled)
            return None
        if v.get(date_key) is None:
            if date_key not in broken:
                bad(date_key, "填写了表决票数，但缺少支部大会日期", filled)
            return None
        wy, wn, wa, before = written or (0, 0, 0, True)
        return Vote(given["expected"], given["present"], given["yes"], given.get("no", 0), given.get("abstain", 0),
                    wy, wn, wa, before)  # fmt: skip

    first_talk = talk(TalkKind.FIRST, "first_talk_date", "first_talk_by")
    higher_talk = talk(TalkKind.HIGHER, "higher_talk_date", "higher_talk_by")
    admission_vote = vote("admission", "admission_meeting_date")
    conversion_vote = vote("conversion", "conversion_meeting_date")

    training = None
    if "training" in v:
        period = v["training"]
        training = Training(period.start, period.end, v.get("training_days"), v.get("training_hours"),
                            v.get("training_certificate", ""))  # fmt: skip
    elif filled := [k for k in ("training_days", "training_hours", "training_certificate") if k in v]:
        bad("training", "填写了培训天数、学时或结业证书，但缺少集中培训起止时间", filled[0])

    review = None
    if "political_review_date" in v:
        text = v.get("political_review", "")
        passed = not any(w in text for w in (layout.POLREVIEW_FAILED, "未通过", "不通过"))
        conclusion = text
        if text in (layout.POLREVIEW_PASSED, layout.POLREVIEW_FAILED):
            conclusion = ""
        elif text.startswith(layout.POLREVIEW_FAILED + "："):
            conclusion = text[len(layout.POLREVIEW_FAILED) + 1 :]
        review = PoliticalReview(v["political_review_date"], passed, conclusion)
    elif v.get("political_review"):
        bad("political_review_date", "填写了政审结论，但缺少政治审查日期", "political_review")

    contact_date = v.get("contacts_date")
    contacts = tuple(
        ContactPerson(name, full, when or contact_date) for name, when, full, _ in v.get("contacts", ())
    )
    sponsors = tuple(Sponsor(name, full, watch) for name, _, full, watch in v.get("sponsors", ()))
    filings = tuple(
        Filing(kind, v[key])
        for kind, key in (
            (FilingKind.ACTIVIST, "activist_filing"),
            (FilingKind.CANDIDATE, "candidate_filing"),
            (FilingKind.ADMISSION, "admission_filing"),
        )
        if key in v
    )
    outcome, outcome_date = v.get("status", (None, None))
    if outcome is None and notes.get(layout.NOTE_OUTCOME_REASON):
        bad("notes", "写了终止原因，但“当前状态”中没有终止情况（如 本人撤回申请）")
    approval = (
        Approval(v["approval_date"], notes.get(layout.NOTE_APPROVAL_REASON, ""))
        if "approval_date" in v
        else None
    )
    conversion_approval = None
    if "conversion_approval_date" in v:
        conversion_approval = Approval(v["conversion_approval_date"],
                                       notes.get(layout.NOTE_CONVERSION_APPROVAL_REASON, ""))  # fmt: skip
    if checklist is None:
        checklist = frozenset(DossierItem) if "archive_date" in v else frozenset()
    for key, vote_key in (
        ("admission_excluded", "admission_vote"),
        ("conversion_excluded", "conversion_vote"),
    ):
        if v.get(key) and (admission_vote if vote_key == "admission_vote" else conversion_vote) is None:
            bad(key, "填写了不计入应到人员，但没有该次表决的应到、实到和票数")
    if issues:
        return None, issues, {}
    excluded = {
        vote_key: v[key]
        for key, vote_key in (
            ("admission_excluded", "admission_vote"),
            ("conversion_excluded", "conversion_vote"),
        )
        if v.get(key)
    }
    pre = v.get("pre_review_date")
    dossier = Dossier(
        person=Person(
            v["name"], v.get("birth_date"), v.get("id_number", ""), v.get("birth_precision", "day")
        ),
        application_date=v.get("application_date"),
        talks=tuple(t for t in (first_talk, higher_talk) if t is not None),
        activist_date=v.get("activist_date"),
        activist_date_precision=v.get("activist_date_precision", "day"),
        activist_recommendation=v.get("recommendation"),
        filings=filings,
        contacts=contacts,
        assessments=tuple(v.get("assessments", ())),
        thought_reports=tuple(v.get("thought_reports", ())),
        candidate_date=v.get("candidate_date"),
        publicity=v.get("publicity"),
        sponsors=sponsors,
        sponsors_date=v.get("sponsors_date"),
        political_review=review,
        training=training,
        committee_review_date=v.get("committee_review_date"),
        pre_review=PreReview(pre[0], pre[1]) if pre else None,
        volunteer_form_number=v.get("volunteer_form_number", ""),
        volunteer_form_date=v.get("volunteer_form_date"),
        admission_meeting_date=v.get("admission_meeting_date"),
        admission_vote=admission_vote,
        approval=approval,
        assignment_date=v.get("assignment_date"),
        oath_date=v.get("oath_date"),
        join_date=v.get("join_date"),
        conversion_application_date=v.get("conversion_application_date"),
        extensions=tuple(v.get("extensions", ())),
        conversion_meeting_date=v.get("conversion_meeting_date"),
        conversion_vote=conversion_vote,
        conversion_approval=conversion_approval,
        full_member_date=v.get("full_member_date"),
        checklist=checklist,
        archive_date=v.get("archive_date"),
        rejected_on=v.get("rejected_on"),
        rejection_vote=rejection_vote,
        transferred_in_date=v.get("transferred_in_date"),
        outcome=outcome,
        outcome_date=outcome_date,
        outcome_reason=notes.get(layout.NOTE_OUTCOME_REASON, ""),
        outcome_vote=outcome_vote,
    )
    return dossier, [], excluded


def read_development(
    path: str | Path, *, today: dt.date | None = None, mapping: dict[str, str] | None = None
) -> DevImport:
    """Read a development ledger (.xlsx) into dossiers. Touches no database; see the module docstring.

    ``today`` is the reference for citizen ID numbers (a birth date after it is refused); ``mapping``
    assigns columns the importer does not know (header_key -> column key, "" = ignore).
    """
    path = Path(path)
    today = today or dt.date.today()
    result = DevImport(path=path)

    def read(title: str, rows) -> None:
        result.sheet = title
        _read_sheet(rows, result, today, mapping or {})

    problem = read_table(path, (SHEET_NAME, "发展党员台账"), read)
    if problem is not None:
        result.issues.append(problem)
    return result


def _read_sheet(
    rows: Iterable[tuple[int, tuple]], result: DevImport, today: dt.date, mapping: dict[str, str]
) -> None:
    def accept(cells: tuple):
        candidate, ignored = _header_map(cells, mapping)
        keys = {k for k, _ in candidate.values()}
        return (candidate, ignored) if "name" in keys and len(keys) >= 3 else None

    iterator = iter(rows)
    header = find_header(iterator, accept, sheet=result.sheet, other_columns="递交申请书日期")
    if isinstance(header, RowError):
        result.issues.append(header)
        return
    slots, result.ignored_columns = header.found
    result.header_row = header.row
    result.unknown_columns = [t for t in result.ignored_columns if mapping.get(header_key(t)) is None
                              and not t.endswith("（重复）")]  # fmt: skip
    result.signature = header_signature(header.cells)
    for value in header.cells:
        text = " ".join(_text(value).split())
        if text and mapping.get(header_key(text)) is not None:
            result.chosen[text] = mapping[header_key(text)]
    result.columns = {key: header for key, header in slots.values()}
    headers = result.columns
    name_index = next(i for i, (k, _) in slots.items() if k == "name")
    seq_index = next((i for i, (k, _) in slots.items() if k == "seq"), None)
    seen_ids: dict[str, int] = {}
    good: dict[int, Dossier] = {}
    for number, cells in iterator:
        values: dict[str, Any] = {}
        for index, (key, _) in slots.items():
            if index < len(cells):
                raw = cells[index]
                if isinstance(raw, str):
                    raw = clean_text(raw)
                if raw is not None and raw != "":
                    values[key] = raw
        first = cells[seq_index] if seq_index is not None and seq_index < len(cells) else None
        if isinstance(first, str) and first.strip().startswith(EXAMPLE_MARK):
            continue  # the template's example row
        if not values:
            continue
        name_blank = name_index >= len(cells) or not _text(cells[name_index])
        if (name_blank and set(values) <= {"seq"}) or is_footer(cells, name_index):
            continue  # the notes and signature lines under the table; a 序号 alone is no data either
        result.data_rows += 1
        dossier, issues, excluded = _read_row(number, values, headers, today)
        if issues:
            result.issues.extend(issues)
            continue
        assert dossier is not None
        id_number = dossier.person.id_number
        if id_number:
            other = seen_ids.get(id_number)
            if other is not None:
                column = headers.get("id_number", _TITLES["id_number"])
                result.issues.append(RowIssue(number, column, f"与第 {other} 行的公民身份号码重复"))
                if other in good:
                    del good[other]
                    result.issues.append(RowIssue(other, column, f"与第 {number} 行的公民身份号码重复"))
                continue
            seen_ids[id_number] = number
        good[number] = dossier
        if excluded:
            result.exclusions[number] = excluded
    people = [(n, d.person.name, d.person.birth_date, d.person.id_number) for n, d in good.items()]
    for number, other in indistinct_rows(people).items():
        result.issues.append(
            RowIssue(number, headers.get("name", _TITLES["name"]), indistinct_message(other))
        )
        del good[number]
    result.rows = list(good)
    result.dossiers = list(good.values())
    result.issues.sort(key=lambda i: i.row)
    if result.data_rows == 0 and not result.issues:
        result.issues.append(RowIssue(0, "", "表头下面没有发展党员数据"))


# --------------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------------


@dataclass
class DevApplyResult:
    created: int = 0
    updated: int = 0

    def describe(self) -> str:
        total = self.created + self.updated
        return f"已导入 {total} 人：新建 {self.created} 份发展党员档案，按身份证号更新 {self.updated} 份。"


def apply_development(ws: Workspace, found: DevImport) -> DevApplyResult:
    """Save the dossiers read, in ONE unit of work; refuses (writing nothing) when the file had issues.

    A row matches a stored dossier of the branch by citizen ID number; a row without one (or whose
    number is not stored yet) matches the one dossier with the same name — and birth date, when the
    row gives one — that has no ID number of its own (rows without a number: any such dossier), as the
    roster import does. So importing the same ledger twice changes nothing.

    Raises :class:`branchdesk.services.xlsx_table.ImportRefused` when ``found`` has issues, or when two
    rows match the same dossier.
    """
    from dataclasses import replace

    from branchdesk.services.development import keep_unrecorded

    if found.issues:
        raise ImportRefused(found.issues)
    service = ws.development
    matches, errors = _match(ws, found)
    if errors:
        raise ImportRefused(errors)
    result = DevApplyResult()
    dossiers = []
    saved_rows: list[int] = []  # the Excel row of each dossier saved, in order
    for row, d, existing in matches:
        saved_rows.append(row)
        if existing is None:
            result.created += 1
            dossiers.append(d)
            continue
        before = service.get(existing)
        person = d.person
        if not person.id_number and before.person.id_number:  # a blank cell never clears a stored number
            d = replace(d, person=replace(person, id_number=before.person.id_number))
        result.updated += 1
        # keeps what the ledger has no column for
        dossiers.append(keep_unrecorded(before, replace(d, id=existing)))
    name = found.path.name if found.path is not None else ""
    operation = f"导入发展党员工作台账：{name}" if name else "导入发展党员工作台账"
    ids = service.save_many(dossiers, operation=operation)
    excluded = {
        i: found.exclusions[row] for i, row in zip(ids, saved_rows, strict=True) if row in found.exclusions
    }
    if excluded:  # the voters left out of 应到 (kind and approval) of the votes just saved
        service.import_exclusions(excluded, operation)
    return result


def _match(ws: Workspace, found: DevImport) -> tuple[list[tuple[int, Dossier, int | None]], list[RowIssue]]:
    """(Excel row, dossier, the stored dossier it updates or None) of every good row, and the rows that
    match ambiguously or twice (see :func:`apply_development`)."""
    service = ws.development
    stored = _stored_people(ws)
    claimed: dict[int, int] = {}  # dossier id -> Excel row
    errors: list[RowIssue] = []
    matches: list[tuple[int, Dossier, int | None]] = []
    rows = found.rows or [0] * len(found.dossiers)
    name_column = found.columns.get("name", _TITLES["name"])
    for row, d in zip(rows, found.dossiers, strict=True):
        person = d.person
        existing = service.find_by_id_number(person.id_number) if person.id_number else None
        if existing is None:
            candidates = [
                i for i, (name, born, number) in stored.items()
                if name == person.name and (person.birth_date is None or born == person.birth_date)
                and not (number and person.id_number)
            ]  # fmt: skip
            if len(candidates) > 1 and not person.id_number:  # which one? a new one: one more each time
                message = ambiguous_message(len(candidates), person.birth_date is not None)
                errors.append(RowIssue(row, name_column, message))
                continue
            existing = candidates[0] if len(candidates) == 1 else None
        if existing is not None:
            if existing in claimed:
                message = f"与第 {claimed[existing]} 行对应同一份发展党员档案（{person.name}）"
                errors.append(RowIssue(row, name_column, message))
                continue
            claimed[existing] = row
        matches.append((row, d, existing))
    return matches, errors


@dataclass
class DevPreviewItem:
    row: int
    name: str
    action: str  # "create" | "update"
    standing: str  # the stage the dossier is at after the import

    @property
    def action_label(self) -> str:
        return "新建档案" if self.action == "create" else "更新档案"


def preview_development(ws: Workspace, found: DevImport) -> tuple[list[DevPreviewItem], list[RowIssue]]:
    """What applying `found` would do, row by row, and the rows that cannot be matched (for the dialog)."""
    matches, errors = _match(ws, found)
    items = [
        DevPreviewItem(row, d.person.name, "create" if existing is None else "update", d.standing.label)
        for row, d, existing in matches
    ]
    return items, sorted([*found.issues, *errors], key=lambda i: i.row)


def shown_columns(found: DevImport) -> list[tuple[str, str]]:
    """(column key, header as in the file) of the columns read, in the ledger's order."""
    order = [c.key for c in layout.EXCHANGE_COLUMNS]
    keys = sorted(found.columns, key=lambda k: order.index(k) if k in order else len(order))
    return [(key, found.columns[key]) for key in keys if key != "seq"]


def shown_values(d: Dossier, keys) -> tuple[str, ...]:
    """A dossier's cells as the ledger writes them (the exchange layout), for the preview."""
    from branchdesk.domain.dates import format_date

    cells = dict(zip((c.key for c in layout.EXCHANGE_COLUMNS), layout.dossier_row(0, d), strict=False))
    out = []
    for key in keys:
        value = cells.get(key, "")
        out.append(
            format_date(value) if isinstance(value, dt.date) else ("" if value is None else str(value))
        )
    return tuple(out)


def _stored_people(ws: Workspace) -> dict[int, tuple[str, dt.date | None, str]]:
    """Dossier id -> (name, birth date, ID number) of every dossier of the workspace's branch."""
    from sqlalchemy import select

    from branchdesk.db.models_development import DevelopmentDossier as D

    with ws.read() as session:
        query = select(D.id, D.name, D.birth_date, D.id_number).where(D.branch_id == ws.branch_id)
        return {row.id: (row.name, row.birth_date, row.id_number or "") for row in session.execute(query)}


# --------------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------------

#: The template's 填写说明 per column (``reports.development.write_development_template``).
HELP: dict[str, str] = {
    "name": "必填。",
    "sex": "由公民身份号码推算，导入时不使用。",
    "birth_date": "可只写年月；留空时按公民身份号码计算年龄。",
    "id_number": "18 位，最后一位可以是 X；请把该列设为“文本”格式。",
    "first_talk_by": "多人用顿号分隔。",
    "recommendation": "党员推荐 或 群团组织推优（写“推优”也可以）。",
    "contacts": "一至两人，用顿号分隔；不是正式党员的写“（非正式党员）”；指定日期不同时在姓名后加括号写日期。",
    "assessments": "每次考察写一行：日期 考察意见，如 2023-12-01 表现良好。",
    "thought_reports": "每份写一行：日期（可加标题），如 2023-09-01。",
    "publicity": "起止日期，如 2024-06-04至2024-06-11。",
    "sponsors": "两人，用顿号分隔；受留党察看处分的写“（留党察看）”。",
    "political_review": "政审结论；不合格的写明“不合格”。",
    "training": "起止日期，如 2024-07-08至2024-07-10。",
    "training_days": "整数；留空按起止日期计算。",
    "pre_review_date": "预审未通过的，在日期后写“（未通过）”。",
    "admission_expected": "有表决权的应到党员人数（正式党员）。以下各票数均为整数。",
    "admission_written": "因故缺席的有表决权党员会前提交的书面意见，如 赞成1、反对0、弃权0；会后提交的加“（会后提交）”。",
    "conversion_written": "同接收书面意见。",
    "join_date": "即接收为预备党员的支部大会日期。",
    "full_member_date": "即预备期满之日（党龄起算日）。",
    "extensions": "每次一行：决定日期 延长N个月（表决情况），理由，"
    "如 2025-08-01 延长6个月（应到17、实到15、赞成14、反对0、弃权1），考察期间表现不够稳定。",
    "status": "可留空；终止的写 本人撤回申请、未被接收、取消预备党员资格 或 转出，后加括号写日期。",
    "notes": "可写：接收审批超期原因：…、转正审批超期原因：…、终止原因：…、未被接收日期：…、转入日期：…、卷内材料：…（每项一行）。",
}  # fmt: skip


def example_dossier() -> Dossier:
    from branchdesk.domain.citizen_id import make_citizen_id

    born = dt.date(1998, 5, 14)
    return Dossier(
        person=Person("王小明", born, make_citizen_id("350102", born, 21, "男")),
        application_date=dt.date(2023, 3, 1),
        talks=(Talk(TalkKind.FIRST, dt.date(2023, 3, 20), ("李书记",)),),
        activist_date=dt.date(2023, 6, 1),
        activist_recommendation=Recommendation.MEMBERS,
        filings=(Filing(FilingKind.ACTIVIST, dt.date(2023, 6, 10)),),
        contacts=(ContactPerson("张华", True, dt.date(2023, 6, 5)), ContactPerson("刘芳", True, dt.date(2023, 6, 5))),
        assessments=(Assessment(dt.date(2023, 12, 1), "表现良好"), Assessment(dt.date(2024, 5, 30), "表现良好")),
        candidate_date=dt.date(2024, 6, 3),
        publicity=Period(dt.date(2024, 6, 4), dt.date(2024, 6, 11)),
    )  # fmt: skip
