"""The registers of people on their way into the Party (domain.md §6), as of the end of a period:
入党申请人名册, 入党积极分子名册, 发展对象名册 and 预备党员名册.

Who is in each register: the people whose standing was that stage at the end of the period
(``min(period.end, today)``), judged from the development dossiers cut at that day
(:func:`branchdesk.reports.development.dossier_as_of`). The register of probationary members also
reads the member roster: a probationary member on the roster that day (e.g. transferred in, or
admitted before the dossiers were kept here) is listed as well; a person in both sources is listed
once (matched by the dossier's member link, else by citizen ID number), with the member file's
education, unit and post.

Not recorded for people who are not members yet, so not printed in the first three registers:
education, unit and post (a dossier holds the person's name, birth date and ID number only).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dev_exchange import NAME_SEPARATOR, iso, person_names, sex_of
from branchdesk.domain.partial_dates import birth_cell
from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier, Standing
    from branchdesk.domain.members import MemberRecord
    from branchdesk.reports.ledger import Document
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

SIGNATURES = ["填表人", "支部书记"]


@dataclass(frozen=True)
class PersonOnDate:
    """One person in a register: the dossier as of the day (None for a roster-only member), the
    stored sex, and the member file when the person has one."""

    dossier: Dossier | None
    sex: str = ""
    member: MemberRecord | None = None
    member_id: int | None = None  # the member file the dossier is linked to

    @property
    def name(self) -> str:
        return self.dossier.person.name if self.dossier else self.member.name  # type: ignore[union-attr]


def as_of_date(period: Period, today: dt.date) -> dt.date:
    """The day a register describes: the end of the period, or today for a period not over yet."""
    return min(period.end, today)


def dossiers_on(ws: Workspace, on: dt.date) -> list[PersonOnDate]:
    """Every dossier of the branch that had begun by ``on``, cut at ``on`` (see ``dossier_as_of``)."""
    from branchdesk.reports.development import dossier_as_of

    service = ws.development
    summaries = {s.id: s for s in service.list()}
    out = []
    for d in service.all():
        cut = dossier_as_of(d, on)
        if cut.latest_date is None:
            continue  # not begun on that day
        summary = summaries.get(d.id)
        sex = (summary.sex if summary else "") or sex_of(d.person.id_number)
        out.append(PersonOnDate(cut, sex, member_id=summary.member_id if summary else None))
    return out


# ============================================================================ the three pre-member registers


def _first_talk_cells(d: Dossier) -> list[Any]:
    talk = d.first_talk
    return [talk.date if talk else None, NAME_SEPARATOR.join(talk.interviewers) if talk else ""]


def _common_notes(d: Dossier) -> list[str]:
    lines = []
    if d.transferred_in_date is not None:
        lines.append(f"{iso(d.transferred_in_date)}转入")
    if d.rejected_on is not None:
        lines.append(f"{iso(d.rejected_on)}支部大会未予接收")
    return lines


def _latest_assessment(d: Dossier) -> str:
    if not d.assessments:
        return ""
    last = max(d.assessments, key=lambda a: a.date)
    return f"{iso(last.date)}（共{len(d.assessments)}次）"


def _review_text(d: Dossier) -> str:
    review = d.political_review
    if review is None:
        return ""
    verdict = review.conclusion or ("合格" if review.passed else "不合格")
    return f"{iso(review.date)} {verdict}"


def _training_text(d: Dossier) -> str:
    t = d.training
    if t is None:
        return ""
    parts = [f"{iso(t.start)}至{iso(t.end)}"]
    if t.hours is not None:
        parts.append(f"{t.hours}学时")
    else:
        parts.append(f"{t.effective_days}天")
    return "，".join(parts)


def _candidate_notes(d: Dossier) -> list[str]:
    lines = _common_notes(d)
    if d.committee_review_date is not None:
        lines.append(f"{iso(d.committee_review_date)}支委会审查")
    if d.pre_review is not None:
        lines.append(f"{iso(d.pre_review.date)}上级预审{'通过' if d.pre_review.passed else '未通过'}")
    return lines


@dataclass(frozen=True)
class _Register:
    key: str
    title: str
    columns: list[Column]
    cells: Callable[[Dossier], list[Any]]  # the columns after 序号/姓名/性别/出生日期/公民身份号码
    stage_date: Callable[[Dossier], dt.date | None]  # the date the person reached the stage
    stage_verb: str  # "递交入党申请" …: the note counting those who reached the stage in the period


PERSON_COLUMNS = [
    Column("seq", "序号", "int", 4),
    Column("name", "姓名", "text", 7),
    Column("sex", "性别", "text", 4),
    Column("birth_date", "出生日期", "date", 11),
    Column("id_number", "公民身份号码", "id_number", 19),
]


def _registers() -> dict[str, _Register]:
    from branchdesk.domain.development import Standing

    return {
        Standing.APPLICANT: _Register(
            "applicants", "入党申请人名册",
            [
                Column("application_date", "递交申请书日期", "date", 11),
                Column("first_talk_date", "谈话日期", "date", 11),
                Column("first_talk_by", "谈话人", "text", 12, wrap=True),
                Column("notes", "备注", "text", 20, wrap=True),
            ],
            lambda d: [d.application_date, *_first_talk_cells(d), "\n".join(_common_notes(d))],
            lambda d: d.application_date,
            "递交入党申请书",
        ),
        Standing.ACTIVIST: _Register(
            "activists", "入党积极分子名册",
            [
                Column("application_date", "递交申请书日期", "date", 11),
                Column("activist_date", "确定积极分子日期", "date", 11),
                Column("recommendation", "推荐方式", "text", 8, wrap=True),
                Column("contacts", "培养联系人", "text", 12, wrap=True),
                Column("assessment", "最近一次考察", "text", 12, wrap=True),
                Column("thought_reports", "思想汇报（份）", "int", 7),
                Column("notes", "备注", "text", 16, wrap=True),
            ],
            lambda d: [
                d.application_date, d.activist_date,
                d.activist_recommendation.label if d.activist_recommendation else "",
                person_names(d.contacts), _latest_assessment(d), len(d.thought_reports),
                "\n".join(_common_notes(d)),
            ],
            lambda d: d.activist_date,
            "确定为入党积极分子",
        ),
        Standing.CANDIDATE: _Register(
            "candidates", "发展对象名册",
            [
                Column("application_date", "递交申请书日期", "date", 11),
                Column("activist_date", "确定积极分子日期", "date", 11),
                Column("candidate_date", "确定发展对象日期", "date", 11),
                Column("publicity", "公示期", "text", 11, wrap=True),
                Column("sponsors", "入党介绍人", "text", 10, wrap=True),
                Column("political_review", "政治审查", "text", 12, wrap=True),
                Column("training", "集中培训", "text", 12, wrap=True),
                Column("notes", "备注", "text", 14, wrap=True),
            ],
            lambda d: [
                d.application_date, d.activist_date, d.candidate_date,
                f"{iso(d.publicity.start)}至{iso(d.publicity.end)}" if d.publicity else "",
                person_names(d.sponsors), _review_text(d), _training_text(d),
                "\n".join(_candidate_notes(d)),
            ],
            lambda d: d.candidate_date,
            "确定为发展对象",
        ),
    }  # fmt: skip


def _notes(people: Sequence[PersonOnDate], entered: int, verb: str, period: Period) -> list[str]:
    sexes = Counter(p.sex for p in people)
    parts = [f"{s} {sexes[s]} 人" for s in ("男", "女") if sexes[s]]
    line = f"共 {len(people)} 人" + (f"（{'、'.join(parts)}）" if parts else "") + "。"
    if people:
        line += f"其中在{period.label}{verb}的 {entered} 人。"
    return [line]


def branch_name_of(ws: Workspace) -> str:

    return ws.branch.profile().name


def nothing_document(key: str, title: str, what: str, *, branch_name: str, period_label: str,
                     printed_on: dt.date) -> Document:  # fmt: skip
    """The one page a per-person or per-meeting paper prints for a period without any: "2026年度没有…"."""
    from branchdesk.reports.ledger import Document, Paragraph

    return Document(key=key, title=title, branch_name=branch_name, period=period_label,
                    blocks=[Paragraph(f"{period_label}没有{what}。")], subject=title, printed_on=printed_on)  # fmt: skip


def as_of_line(on: dt.date) -> str:
    from branchdesk.domain.dates import format_date

    return f"截至{format_date(on)}"


def stage_register(ws: Workspace, period: Period, today: dt.date, standing: Standing) -> Ledger:
    """The register of the people whose standing was ``standing`` at the end of the period."""
    register = _registers()[standing]
    on = as_of_date(period, today)
    far = dt.date.max
    people = [p for p in dossiers_on(ws, on) if p.dossier.standing is standing]  # type: ignore[union-attr]
    people.sort(key=lambda p: (register.stage_date(p.dossier) or far, p.name))
    rows = []
    for seq, p in enumerate(people, start=1):
        d = p.dossier
        rows.append([seq, d.person.name, p.sex, birth_cell(d.person), d.person.id_number, *register.cells(d)])
    entered = sum(1 for p in people if (day := register.stage_date(p.dossier)) is not None and day in period)
    return Ledger(
        key=register.key,
        title=register.title,
        branch_name=branch_name_of(ws),
        period=as_of_line(on),
        columns=[*PERSON_COLUMNS, *register.columns],
        rows=rows,
        printed_on=today,
        notes=_notes(people, entered, register.stage_verb, period),
        orientation="landscape",
        signatures=list(SIGNATURES),
    )


def applicants_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 入党申请人名册 as of the end of the period."""
    from branchdesk.domain.development import Standing

    return [stage_register(ws, period, today, Standing.APPLICANT)]


def activists_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 入党积极分子名册 as of the end of the period."""
    from branchdesk.domain.development import Standing

    return [stage_register(ws, period, today, Standing.ACTIVIST)]


def candidates_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 发展对象名册 as of the end of the period."""
    from branchdesk.domain.development import Standing

    return [stage_register(ws, period, today, Standing.CANDIDATE)]


# ============================================================================ probationary members


PROBATIONARY_COLUMNS = [
    *PERSON_COLUMNS,
    Column("education", "学历", "text", 9, wrap=True),
    Column("unit", "工作单位及职务", "text", 16, wrap=True),
    Column("group", "所在党小组", "text", 9, wrap=True),
    Column("application_date", "递交申请书日期", "date", 11),
    Column("activist_date", "确定积极分子日期", "date", 11),
    Column("candidate_date", "确定发展对象日期", "date", 11),
    Column("join_date", "入党日期", "date", 11),
    Column("approval_date", "上级党委批准日期", "date", 11),
    Column("probation_end", "预备期满日期", "date", 11),
    Column("sponsors", "入党介绍人", "text", 10, wrap=True),
    Column("notes", "备注", "text", 16, wrap=True),
]


def probationary_people(ws: Workspace, on: dt.date) -> list[PersonOnDate]:
    """The probationary members on ``on``: dossiers whose standing was 预备党员 that day and the
    members the roster had as probationary that day, each person once."""
    from branchdesk.domain.development import Standing
    from branchdesk.domain.vocab import MemberType

    electorate = ws.roster.electorate(on)
    roster_ids = [
        m.member_id
        for m, _ in electorate.non_voters
        if str(m.member_type) != MemberType.FULL.value and m.member_id is not None
    ]
    dossiers = [p for p in dossiers_on(ws, on) if p.dossier.standing is Standing.PROBATIONARY]  # type: ignore[union-attr]
    members = ws.members
    roster = {m.id: m for m in members.get_many(roster_ids)}
    by_number = {m.id_number: m for m in roster.values() if m.id_number}
    out: list[PersonOnDate] = []
    matched: set[int] = set()
    for p in dossiers:
        d = p.dossier
        member = None
        if p.member_id is not None:
            member = roster.get(p.member_id) or next(iter(members.get_many([p.member_id])), None)
        if member is None and d.person.id_number:
            member = by_number.get(d.person.id_number.upper())
        if member is not None:
            matched.add(member.id)
        out.append(PersonOnDate(d, p.sex, member, p.member_id))
    out += [PersonOnDate(None, m.sex, m) for mid, m in roster.items() if mid not in matched]
    return out


def _probationary_row(seq: int, p: PersonOnDate, on: dt.date) -> list[Any]:
    from branchdesk.domain.dates import add_years

    d, m = p.dossier, p.member
    person = d.person if d is not None else m  # a dossier's Person or a MemberRecord: name, birth date, ID
    unit = NAME_SEPARATOR.join(x for x in ((m.work_unit, m.post) if m else ()) if x)
    notes: list[str] = []
    if d is not None:
        join = d.admission_meeting_date
        end = d.probation_end
        sponsors = person_names(d.sponsors) or (m.sponsors if m else "")
        application, activist, candidate = d.application_date, d.activist_date, d.candidate_date
        notes += _common_notes(d)
        for e in d.extensions:
            notes.append(f"{iso(e.date)}决定延长预备期{e.months}个月")
        approval = d.approval.date if d.approval is not None else None
        if d.approval is None:
            notes.append("待上级党委审批")
        # a dossier without its roster file is a finding of `check`, never text on the form
        if m is not None and m.join_date and join and m.join_date != join:
            notes.append(f"花名册入党日期为{iso(m.join_date)}")
    else:
        assert m is not None
        join = m.join_date
        end = add_years(m.join_date, 1) if m.join_date else None
        sponsors = m.sponsors
        application, activist, candidate = None, m.activist_date, None
        approval = None
        if m.transferred_in_date is not None and m.transferred_in_date <= on:
            notes.append(f"{iso(m.transferred_in_date)}转入")
    return [
        seq,
        person.name,  # type: ignore[union-attr]
        p.sex or (m.sex if m else ""),
        birth_cell(person),
        person.id_number or (m.id_number if m else "") or "",  # type: ignore[union-attr]
        m.education if m else "",
        unit,
        m.group_name if m else "",
        application,
        activist,
        candidate,
        join,
        approval,
        end,
        sponsors,
        "\n".join(notes),
    ]


def probationary_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 预备党员名册 as of the end of the period (dossiers and roster reconciled)."""
    on = as_of_date(period, today)
    people = probationary_people(ws, on)
    rows = [_probationary_row(0, p, on) for p in people]
    rows.sort(key=lambda r: (r[11] or dt.date.max, r[1]))
    for seq, row in enumerate(rows, start=1):
        row[0] = seq
    entered = sum(1 for r in rows if r[11] is not None and r[11] in period)
    notes = _notes(people, entered, "入党", period)
    extended = sum(1 for p in people if p.dossier is not None and p.dossier.extensions)
    if extended:
        notes.append(f"延长预备期 {extended} 人。")
    return [
        Ledger(
            key="probationary",
            title="预备党员名册",
            branch_name=branch_name_of(ws),
            period=as_of_line(on),
            columns=list(PROBATIONARY_COLUMNS),
            rows=rows,
            printed_on=today,
            notes=notes,
            orientation="landscape",
            signatures=list(SIGNATURES),
        )
    ]
