"""党员花名册: the roster of the current branch as a ledger (any writer renders it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, STUDENT_FIELDS, MemberType, PersonCategory
from branchdesk.domain.work_units import DEPARTMENT_TITLE, LINE_GAP, split_units, unit_line
from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

ROSTER_KEY = "roster"
ROSTER_TITLE = "党员花名册"


def _label(key: str) -> str:
    return MEMBER_FIELD_LABELS[key]


def student_columns() -> list[Column]:
    """The columns of 人员身份 and the student fields (shown when any member has them), before the phone."""
    return [
        Column("person_category", _label("person_category"), "text", 7),
        Column("student_number", _label("student_number"), "text", 12),
        Column("grade", _label("grade"), "text", 7),
        Column("class_name", _label("class_name"), "text", 10, wrap=True),
        Column("major", _label("major"), "text", 10, wrap=True),
    ]


def paper_date(record, name: str) -> dt.date | str | None:
    """A member date for a ledger cell: the date when the paper gives the day, else as written ("1999年3月")."""
    value = record.partial(name)
    if value is None or value.exact:
        return getattr(record, name)
    return value.text


def roster_columns() -> list[Column]:
    return [
        Column("seq", "序号", "int", 5),
        Column("name", _label("name"), "text", 8),
        Column("sex", _label("sex"), "text", 5),
        Column("ethnicity", _label("ethnicity"), "text", 6),
        Column("birth_date", _label("birth_date"), "date", 11),
        Column("id_number", _label("id_number"), "id_number", 20),
        Column("education", _label("education"), "text", 10),
        Column("member_type", _label("member_type"), "text", 9),
        Column("group", _label("group_id"), "text", 10),
        Column("join_date", _label("join_date"), "date", 11),
        Column("conversion_date", _label("conversion_date"), "date", 11),
        Column("work_unit", _label("work_unit"), "text", 16, wrap=True),
        Column("post", _label("post"), "text", 10, wrap=True),
        Column("party_post", _label("party_post"), "text", 9, wrap=True),
        Column("mobile", _label("mobile"), "phone", 13),
        Column("notes", _label("notes"), "text", 20, wrap=True),
    ]


#: columns a branch may add to its roster (the export dialog and 台账打印 offer them; chosen ones are
#: remembered in the branch setting ROSTER_COLUMNS_SETTING), each inserted before 工作单位
OPTIONAL_COLUMNS: dict[str, Column] = {
    "native_place": Column("native_place", _label("native_place"), "text", 8, wrap=True),
    "degree": Column("degree", _label("degree"), "text", 6),
    "work_start_date": Column("work_start_date", "参加工作时间", "date", 11),
    "activist_date": Column("activist_date", _label("activist_date"), "date", 11),
    "transferred_in_date": Column("transferred_in_date", _label("transferred_in_date"), "date", 11),
    "sponsors": Column("sponsors", _label("sponsors"), "text", 10, wrap=True),
    "job": Column("job", _label("job"), "text", 10, wrap=True),
    "landline": Column("landline", _label("landline"), "phone", 12),
    "address": Column("address", _label("address"), "text", 16, wrap=True),
    "dossier_location": Column("dossier_location", _label("dossier_location"), "text", 10, wrap=True),
}
#: the student columns as one choice: printed by default on a students' branch (students at least half of the
#: roster); a mixed branch ticks them (five more columns would split its roster into two parts on A4)
STUDENT_CHOICE = "students"
STUDENT_CHOICE_TITLE = "学生信息（人员身份、学号、年级、班级、专业）"
#: what 另加栏目 offers: key → title (the optional columns and the student columns as one)
COLUMN_CHOICES: dict[str, str] = {
    **{k: c.title for k, c in OPTIONAL_COLUMNS.items()},
    STUDENT_CHOICE: STUDENT_CHOICE_TITLE,
}
ROSTER_COLUMNS_SETTING = "ledgers.roster_columns"
#: the columns the printed roster keeps even when everyone's is empty
_ALWAYS = {"seq", "name", "notes"}


def chosen_columns(ws: Workspace) -> list[str]:
    """The optional roster columns this branch chose (kept in its settings)."""
    saved = ws.settings.get(ROSTER_COLUMNS_SETTING) or ""
    keys = saved if isinstance(saved, list) else [k for k in str(saved).split(",") if k]
    return [k for k in keys if k in COLUMN_CHOICES]


def choose_columns(ws: Workspace, keys: list[str]) -> None:
    """Remember the branch's optional roster columns (an unknown key is refused)."""
    unknown = [k for k in keys if k not in COLUMN_CHOICES]
    if unknown:
        names = "、".join(f"{k}（{t}）" for k, t in COLUMN_CHOICES.items())
        raise ValueError(f"花名册没有栏目 {'、'.join(unknown)}（可选：{names}）")
    ws.settings.set(ROSTER_COLUMNS_SETTING, list(keys))


def _columns(extra: list[str], *, students: bool = False) -> list[Column]:
    base = roster_columns()
    if students:
        at = next(i for i, c in enumerate(base) if c.key == "mobile")
        base[at:at] = student_columns()
    at = next(i for i, c in enumerate(base) if c.key == "work_unit")
    return [*base[:at], *(OPTIONAL_COLUMNS[k] for k in extra), *base[at:]]


def _cell(r, key: str):
    if key == "landline":
        return r.landline
    return getattr(r, key)


def roster_ledger(ws: Workspace, *, query=None, today: dt.date | None = None,
                  columns: list[str] | None = None) -> Ledger:  # fmt: skip
    """The roster of the current branch: by default every active member, by party group then name.

    `query` (a `MemberQuery`) narrows or reorders it, e.g. one party group, or probationary members only.
    `columns`: the optional columns (keys of OPTIONAL_COLUMNS; None: the ones the branch chose).
    """
    from branchdesk.domain.dates import format_date
    from branchdesk.services.bulk import collector_paused
    from branchdesk.services.members import MemberQuery

    today = today or dt.date.today()
    default_order = query is None
    query = query or MemberQuery(sort="group")
    chosen = chosen_columns(ws) if columns is None else list(columns)
    extra = [k for k in chosen if k in OPTIONAL_COLUMNS]
    with collector_paused():
        records = ws.members.records(query)
    if default_order:
        # members without a party group after the groups, whatever the database's NULL ordering
        records = [r for r in records if r.group_name] + [r for r in records if not r.group_name]
    profile = ws.branch.profile()

    # 学号, 年级, 班级 or 专业 recorded (人员身份 alone, e.g. 教师, does not make a student)
    with_student_data = [r for r in records if any(getattr(r, name) for name in STUDENT_FIELDS[1:])]
    students = bool(with_student_data) and (
        STUDENT_CHOICE in chosen or 2 * len(with_student_data) >= len(records)
    )
    rows = []
    for seq, r in enumerate(records, start=1):
        row = [
            seq, r.name, r.sex, r.ethnicity, paper_date(r, "birth_date"), r.id_number or "", r.education, r.type_label,
            r.group_name, paper_date(r, "join_date"), paper_date(r, "conversion_date"), *(_cell(r, k) for k in extra), r.work_unit, r.post,
            r.party_post, r.mobile or r.landline, r.notes,
        ]  # fmt: skip
        if students:
            category = PersonCategory(r.person_category).label if r.person_category else ""
            row[-2:-2] = [category, r.student_number, r.grade, r.class_name, r.major]
        rows.append(row)

    full = sum(1 for r in records if r.member_type == MemberType.FULL.value)
    probationary = sum(1 for r in records if r.member_type == MemberType.PROBATIONARY.value)
    summary = f"共 {len(records)} 人，其中{MemberType.FULL.label} {full} 人、{MemberType.PROBATIONARY.label} {probationary} 人。"
    return Ledger(
        key=ROSTER_KEY,
        title=ROSTER_TITLE,
        branch_name=profile.name,
        period=f"截至 {format_date(today)}",
        columns=_columns(extra, students=students),
        rows=rows,
        printed_on=today,
        notes=[summary],
        orientation="landscape",
        signatures=["填表人", "支部书记"],
    )


def printed_roster(ledger: Ledger) -> Ledger:
    """The roster as printed: a column empty for everyone is left out, and a unit name common to every
    row goes to the header (工作单位 then shows the department within it; the member importer puts the
    two together again, see domain.work_units)."""
    from dataclasses import replace

    keys = [c.key for c in ledger.columns]
    keep = [i for i, c in enumerate(ledger.columns)
            if c.key in _ALWAYS or any(row[i] not in (None, "") for row in ledger.rows)]  # fmt: skip
    rows = [list(row) for row in ledger.rows]
    period = ledger.period
    columns = list(ledger.columns)
    if "work_unit" in keys:
        # the split and its inverse (the importer's) live in domain.work_units
        at = keys.index("work_unit")
        unit, departments = split_units([str(row[at] or "") for row in rows])
        if unit:
            for row, department in zip(rows, departments, strict=True):
                row[at] = department
            columns[at] = replace(columns[at], title=DEPARTMENT_TITLE)
            period = f"{unit_line(unit)}{LINE_GAP}{period}"
    return replace(
        ledger,
        columns=[columns[i] for i in keep],
        rows=[[row[i] for i in keep] for row in rows],
        period=period,
    )


def roster_report(ws: Workspace, period, today: dt.date) -> list[Ledger]:
    """Registry builder: the roster as it stands (members on the roster now; `period` is not used),
    with the branch's chosen columns, as printed (see `printed_roster`)."""
    return [printed_roster(roster_ledger(ws, today=today))]
