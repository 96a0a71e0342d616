"""Import activities with their participants from Excel (issue 15): ``branchdesk import activities FILE``.

Two layouts, told apart by their headers (found in the first 15 rows: 日期 and 活动名称 are required):

* **one row per participant** — 日期, 活动名称, 类型, 地点 … and 姓名 with 时长; the rows with the same
  date and name are one activity (their activity columns must agree);
* **a names column** — 参加人员 (or the ledger's 参加党员、积极分子（时长/小时）) holding
  "张三、李四" or "张三2.5、钱进（积极分子）2" (hours after each name, else the 时长 column).

Non-members are a count (其他人员 / 其他人数) with their total hours (其他人员时长; or, in the ledger's own
layout, 总时长 minus the participants' hours) — so the 志愿服务（活动）台账 exported as xlsx imports back.
Participants are found by name among the members on the roster and the activists (then, for names no
current one holds, members who have left and other dossiers); a name matching nobody, or two people, is
a row error. Every problem is a :class:`~branchdesk.services.imports.RowError`
("第 N 行，列名：原因"); with any error nothing is written; otherwise everything is saved in ONE unit of
work (``ActivitiesService.save_many``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.domain.activities import Activity, Participant, format_hours, hours_of, tenths_of
from branchdesk.services.xlsx_table import RowError, cell_date, clean_text, header_key

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["ActivityImport", "apply_activities", "read_activities"]

HEADER_ROWS = 15
#: column key → the headers that name it (compared by ``header_key``)
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("日期", "活动日期", "时间"),
    "title": ("活动名称", "名称", "活动主题", "主题"),
    "kind": ("类型", "活动类型"),
    "place": ("地点", "活动地点"),
    "organiser": ("组织者", "组织人", "负责人"),
    "project": ("品牌项目", "党建品牌", "所属项目", "项目"),
    "content": ("活动内容", "内容", "活动内容及成效"),
    "outcome": ("成效", "活动成效"),
    "press": ("宣传报道", "报道"),
    "name": ("姓名", "参加人", "参加人姓名"),
    "names": ("参加人员", "参加党员", "参加党员、积极分子（时长/小时）", "参加党员、积极分子"),
    "hours": ("时长", "时长（小时）", "服务时长", "小时", "学时"),
    "role": ("角色", "分工"),
    "others": ("其他人员", "其他人数", "其他人员人数", "群众人数"),
    "others_hours": ("其他人员时长", "其他人员总时长"),
    "total_hours": ("总时长", "总时长（小时）"),
}
_ACTIVITY_KEYS = (
    "kind",
    "place",
    "organiser",
    "project",
    "content",
    "outcome",
    "press",
    "others",
    "others_hours",
)
_SPLIT = re.compile(r"[、,，;；\n]+")
_NAME_HOURS = re.compile(r"^(?P<name>.+?)\s*[（(]?(?P<hours>\d+(?:\.\d+)?)\s*(?:小时|h)?[)）]?$")
_ACTIVIST = "（积极分子）"
_EACH = re.compile(r"[（(]各\s*(\d+(?:\.\d+)?)\s*小时[)）]\s*$")
_LINKED_NOTE = re.compile(r"；?（同时为会议记录[^）]*）")


@dataclass
class ActivityImport:
    """What a file holds: the activities read (participants resolved) and the problems found."""

    file: Path
    activities: list[Activity] = field(default_factory=list)
    rows_of: list[list[int]] = field(default_factory=list)  # Excel rows of each activity
    errors: list[RowError] = field(default_factory=list)
    layout: str = ""
    skipped: int = 0  # activities the branch already holds exactly as the file states them

    @property
    def error_row_count(self) -> int:
        return len({e.row for e in self.errors if e.row > 0})

    @property
    def participations(self) -> int:
        return sum(len(a.participants) for a in self.activities)

    def describe(self) -> str:
        hours = sum((a.total_hours for a in self.activities), Decimal(0))
        return (f"文件“{self.file.name}”：{len(self.activities)} 次活动，参加党员、积极分子 {self.participations} 人次，"
                f"共 {format_hours(hours)} 小时（{self.layout}）{_skipped_text(self.skipped)}。")  # fmt: skip


def _skipped_text(skipped: int) -> str:
    return f"；跳过 {skipped} 条已有记录（与已保存的内容相同）" if skipped else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return clean_text(str(value))


def _find_header(rows) -> tuple[int, dict[str, int], dict[str, str]] | None:
    table = {header_key(h): key for key, names in HEADERS.items() for h in names}
    for number, cells in rows:
        found: dict[str, int] = {}
        shown: dict[str, str] = {}
        for index, cell in enumerate(cells):
            key = table.get(header_key(cell)) if cell is not None else None
            if key and key not in found:
                found[key], shown[key] = index, _text(cell)
        if "date" in found and "title" in found:
            return number, found, shown
        if number >= HEADER_ROWS:
            return None
    return None


def read_activities(ws: Workspace, path: str | Path) -> ActivityImport:
    """Read and check a file against the branch (kinds, projects, roster, activists); writes nothing."""
    from branchdesk.services.xlsx_reader import XlsxFileError, open_sheet

    path = Path(path)
    result = ActivityImport(path)
    try:
        with open_sheet(path) as sheet:
            rows = list(sheet.rows())
    except XlsxFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    header = _find_header(iter(rows))
    if header is None:
        result.errors.append(
            RowError(0, "", f"在前 {HEADER_ROWS} 行中没有找到表头：需要“日期”和“活动名称”两列")
        )
        return result
    header_row, columns, shown = header
    if "name" not in columns and "names" not in columns:
        result.errors.append(
            RowError(0, "", "没有找到参加人员：需要“姓名”列（每行一人）或“参加人员”列（多人用顿号分隔）")
        )
        return result
    result.layout = "每行一名参加人员" if "name" in columns else "参加人员列"
    people = _people(ws)
    kinds = set(ws.activities.kinds())
    projects = {p.name: p.id for p in ws.activities.projects()}
    existing = {(a.date, a.title): a for year in _years(rows, columns) for a in ws.activities.all(year)}

    def cell(cells, key):
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    groups: dict[tuple[dt.date, str], dict] = {}
    for number, cells in rows:
        if number <= header_row or not any(c not in (None, "") for c in cells):
            continue
        first = _text(cells[0]) if cells else ""
        if first in ("合计", "总计") or (not _text(cell(cells, "date")) and not _text(cell(cells, "title"))):
            continue
        errors: list[RowError] = []

        def err(key: str, message: str, number=number, errors=errors) -> None:
            errors.append(RowError(number, shown.get(key, ""), message))

        try:
            day = cell_date(cell(cells, "date"), allow_year_month=False)
        except ValueError as exc:
            err("date", str(exc) if _text(cell(cells, "date")) else "请填写活动日期")
            day = None
        title = _text(cell(cells, "title"))
        if not title:
            err("title", "请填写活动名称")
        values = {k: _text(cell(cells, k)) for k in _ACTIVITY_KEYS}
        values["content"] = _LINKED_NOTE.sub("", values["content"])
        values["total_hours"] = _text(cell(cells, "total_hours"))
        kind = values["kind"] or "志愿服务"
        if kind not in kinds:
            err("kind", f"没有活动类型“{kind}”（可用：{'、'.join(sorted(kinds))}；也可先在活动记录页新增）")
        if values["project"] and values["project"] not in projects:
            err("project", f"没有名为“{values['project']}”的党建品牌项目，请先新增")
        default_hours = _text(cell(cells, "hours"))
        participants: list[tuple[str, str]] = []  # (name as written, hours text)
        if "name" in columns:
            name = _text(cell(cells, "name"))
            if name:
                participants.append((name, default_hours))
        else:
            listed = _text(cell(cells, "names"))
            each = _EACH.search(listed)
            if each:  # "张三、李四（各2.5小时）": the ledger's way when everyone gave the same time
                default_hours, listed = each.group(1), listed[: each.start()]
            for piece in _SPLIT.split(listed):
                piece = piece.strip()
                if not piece:
                    continue
                m = _NAME_HOURS.match(piece)
                participants.append((m.group("name"), m.group("hours")) if m else (piece, default_hours))
        resolved: list[Participant] = []
        for written, hours_text in participants:
            bare = written.removesuffix(_ACTIVIST).strip()
            found = people.get(bare)
            key = "name" if "name" in columns else "names"
            if found is None:
                err(key, f"“{bare}”不在花名册或积极分子名单中（其他人员请填在“其他人员”人数中）")
                continue
            if found == "ambiguous":
                err(key, f"名为“{bare}”的党员或积极分子不止一人，无法确定是谁")
                continue
            try:
                hours = hours_of(tenths_of(hours_text)) if hours_text else Decimal(0)
            except ValueError as exc:
                err("hours", str(exc))
                continue
            resolved.append(Participant(bare, hours, found[0], found[1], _text(cell(cells, "role"))))
        try:
            others = int(Decimal(values["others"] or "0"))
            if others < 0:
                raise ValueError
        except (ArithmeticError, ValueError):
            err("others", f"其他人员人数“{values['others']}”不是非负整数")
            others = 0
        try:
            others_hours = hours_of(tenths_of(values["others_hours"])) if values["others_hours"] else None
            total = hours_of(tenths_of(values["total_hours"])) if values["total_hours"] else None
        except ValueError as exc:
            err("others_hours", str(exc))
            others_hours = total = None
        if errors or day is None:
            result.errors += errors
            continue
        key = (day, title)
        group = groups.get(key)
        facts = {
            k: values[k] for k in ("kind", "place", "organiser", "project", "content", "outcome", "press")
        }
        if group is None:
            groups[key] = {"rows": [number], "facts": facts, "participants": resolved, "others": others,
                           "others_hours": others_hours, "total": total, "first": number,
                           "row_of": {p.name: number for p in resolved}}  # fmt: skip
            continue
        clash = [k for k, v in facts.items() if v and group["facts"][k] and v != group["facts"][k]]
        if clash:
            result.errors.append(RowError(number, shown.get(clash[0], ""),
                                          f"与第 {group['first']} 行同一活动的“{shown.get(clash[0], clash[0])}”不一致"))  # fmt: skip
            continue
        for k, v in facts.items():
            group["facts"][k] = group["facts"][k] or v
        group["rows"].append(number)
        names = {(p.member_id, p.dossier_id) for p in group["participants"]}
        for p in resolved:
            if (p.member_id, p.dossier_id) in names:
                result.errors.append(RowError(number, shown.get("name", ""), f"“{p.name}”在这次活动中重复"))
            else:
                group["participants"].append(p)
                group["row_of"][p.name] = number
        group["others"] = max(group["others"], others)
    for (day, title), g in groups.items():
        roster_hours = sum((p.hours for p in g["participants"]), Decimal(0))
        others_hours = g["others_hours"]
        if others_hours is None and g["total"] is not None:
            others_hours = max(g["total"] - roster_hours, Decimal(0)) if g["others"] else Decimal(0)
        f = g["facts"]
        activity = Activity(
            date=day, kind=f["kind"] or "志愿服务", title=title, place=f["place"], organiser=f["organiser"],
            project_id=projects.get(f["project"]) if f["project"] else None, project_name=f["project"],
            content=f["content"], outcome=f["outcome"], press=f["press"], participants=tuple(g["participants"]),
            others_count=g["others"], others_hours=others_hours or Decimal(0),
        )  # fmt: skip
        held = existing.get((day, title))
        if held is not None:
            # the same activity again (e.g. the ledger exported from this database): skipped when the file
            # says what is saved; a different figure or text is a row error, never a silent overwrite
            problem = _difference(held, activity, columns, shown, g)
            if problem is None:
                result.skipped += 1
            else:
                row, header, what = problem
                result.errors.append(RowError(row, header, f"{day.isoformat()}已有名为“{title}”的活动记录，"
                                                           f"但{what}（不重复导入；请核对后修改该记录或删去此行）"))  # fmt: skip
            continue
        result.activities.append(activity)
        result.rows_of.append(g["rows"])
    if not result.activities and not result.errors and not result.skipped:
        result.errors.append(RowError(0, "", "文件中没有活动记录"))
    return result


def _same(a: str, b: str) -> bool:
    """Two texts as a ledger cell shows them (trailing 。；; dropped, blanks ignored)."""

    def norm(text: str) -> str:
        return "".join(clean_text(text or "").rstrip("。；;").split())

    return norm(a) == norm(b)


def _difference(held: Activity, read: Activity, columns: dict[str, int], shown: dict[str, str], group: dict
                ) -> tuple[int, str, str] | None:  # fmt: skip
    """How a read activity differs from the one held for its date and name: (Excel row, header, what)
    — or None when the file states what is saved. Only what the file has a column for is compared."""
    first = group["first"]

    def header(key: str) -> str:
        return shown.get(key, "")

    for key, label in (("kind", "类型"), ("place", "地点"), ("organiser", "组织者"), ("project", "品牌项目"),
                       ("press", "宣传报道"), ("outcome", "成效")):  # fmt: skip
        if key not in columns:
            continue
        mine = held.project_name if key == "project" else getattr(held, key)
        theirs = read.project_name if key == "project" else getattr(read, key)
        if not _same(mine, theirs):
            return first, header(key), f"{label}不同（已有“{mine}”，表中“{theirs}”）"
    if "content" in columns:
        # the ledger's 活动内容及成效 column holds content and outcome joined with "；"
        joined = "；".join(x.strip().rstrip("。；;") for x in (held.content, held.outcome) if x.strip())
        if not _same(held.content, read.content) and (
            "outcome" in columns or not _same(joined, read.content)
        ):
            return first, header("content"), f"活动内容不同（已有“{held.content}”，表中“{read.content}”）"
    person_key = "name" if "name" in columns else "names"
    hours_key = "hours" if person_key == "name" and "hours" in columns else person_key
    mine = {p.name: p for p in held.participants}
    theirs = {p.name: p for p in read.participants}
    for name, p in theirs.items():
        row = group["row_of"].get(name, first)
        if name not in mine:
            return row, header(person_key), f"已有记录中没有参加人员“{name}”"
        if mine[name].hours != p.hours:
            return row, header(hours_key), (f"“{name}”的时长不同（已有{format_hours(mine[name].hours)}小时，"
                                            f"表中{format_hours(p.hours)}小时）")  # fmt: skip
        if "role" in columns and not _same(mine[name].role, p.role):
            return row, header("role"), f"“{name}”的角色不同（已有“{mine[name].role}”，表中“{p.role}”）"
    missing = [name for name in mine if name not in theirs]
    if missing:
        return first, header(person_key), f"表中缺少参加人员“{'、'.join(missing)}”"
    if "others" in columns and held.others_count != read.others_count:
        return (
            first,
            header("others"),
            f"其他人员人数不同（已有{held.others_count}人，表中{read.others_count}人）",
        )
    if ("others_hours" in columns or "total_hours" in columns) and held.others_hours != read.others_hours:
        key = "others_hours" if "others_hours" in columns else "total_hours"
        return first, header(key), (f"其他人员时长不同（已有{format_hours(held.others_hours)}小时，"
                                    f"表中{format_hours(read.others_hours)}小时）")  # fmt: skip
    return None


def apply_activities(ws: Workspace, found: ActivityImport) -> list[int]:
    """Save what :func:`read_activities` found, all in one unit of work; refused (ValueError) when it
    has errors — nothing half-written. Activities skipped as already held are not written again."""
    if found.errors:
        raise ValueError(f"有 {found.error_row_count or 1} 处错误，未导入任何数据")
    if not found.activities:
        return []
    return ws.activities.save_many([replace(a, id=None) for a in found.activities],
                                   f"导入活动记录：{found.file.name}")  # fmt: skip


def _people(ws: Workspace) -> dict[str, tuple[int | None, int | None] | str]:
    """name → (member id, None) for members on the roster, (None, dossier id) for activists and
    candidates; "ambiguous" for a name two people share."""
    from branchdesk.domain.development import Standing
    from branchdesk.services.development import DossierQuery

    out: dict[str, Any] = {}

    def add(name: str, value) -> None:
        out[name] = "ambiguous" if name in out and out[name] != value else value

    members = ws.roster.read().members
    for m in members:
        if m.status == "active":
            add(m.name, (m.id, None))
    for d in ws.development.list(DossierQuery(standings=frozenset({Standing.ACTIVIST, Standing.CANDIDATE}))):
        if d.member_id is None:
            add(d.name, (None, d.id))
    # A ledger of past activities names people who have left since (transferred out, lost, deceased) or
    # whose dossier moved on (an applicant, a withdrawn activist): what the program exported it reads back.
    # They fill only names nobody current holds, so a name that resolved before resolves the same way.
    current = set(out)
    for m in members:
        if m.status != "active" and m.name not in current:
            add(m.name, (m.id, None))
    for d in ws.development.list(DossierQuery()):
        if d.member_id is None and d.name not in current:
            add(d.name, (None, d.id))
    return out


def _years(rows, columns) -> set[int]:
    years = set()
    index = columns["date"]
    for _number, cells in rows:
        value = cells[index] if index < len(cells) else None
        if isinstance(value, dt.date):
            years.add(value.year)
        else:
            with contextlib.suppress(ValueError, TypeError):
                years.add(cell_date(value, allow_year_month=False).year)
    return years


# ====================================================================== study records (学时)
STUDY_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "党员姓名"),
    "date": ("日期", "学习日期", "培训日期", "时间"),
    "hours": ("学时", "时长", "学时数", "课时"),
    "source": ("类别", "学习类别", "形式", "学习形式", "来源"),
    "title": ("内容", "学习内容", "培训内容", "课程", "课程名称", "名称"),
    "note": ("备注",),
}


@dataclass
class StudyImport:
    file: Path
    records: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0  # records the branch already holds exactly as the file states them

    @property
    def error_row_count(self) -> int:
        return len({e.row for e in self.errors if e.row > 0})

    def describe(self) -> str:
        hours = sum((r.hours for r in self.records), Decimal(0))
        people = len({r.member_id for r in self.records})
        return (f"文件“{self.file.name}”：{len(self.records)} 条学时记录，{people} 人，共 {format_hours(hours)} 学时"
                f"{_skipped_text(self.skipped)}。")  # fmt: skip


def read_study(ws: Workspace, path: str | Path) -> StudyImport:
    """Study records (网络课程 certificates, training lists): 姓名, 日期, 学时, 类别 (党课/学习/培训/网络课程;
    default 培训), 内容. Names are found among the members on the roster; every problem a row error."""
    from branchdesk.domain.activities import StudyRecord, StudySource
    from branchdesk.services.xlsx_reader import XlsxFileError, open_sheet

    path = Path(path)
    result = StudyImport(path)
    try:
        with open_sheet(path) as sheet:
            rows = list(sheet.rows())
    except XlsxFileError as exc:
        result.errors.append(RowError(0, "", str(exc)))
        return result
    table = {header_key(h): key for key, names in STUDY_HEADERS.items() for h in names}
    header = None
    for number, cells in rows[:HEADER_ROWS]:
        found = {table[header_key(c)]: (i, _text(c)) for i, c in reversed(list(enumerate(cells)))
                 if c is not None and header_key(c) in table}  # fmt: skip
        if {"name", "date", "hours"} <= set(found):
            header = number, found
            break
    if header is None:
        result.errors.append(
            RowError(0, "", f"在前 {HEADER_ROWS} 行中没有找到表头：需要“姓名”“日期”“学时”三列")
        )
        return result
    header_row, found = header
    people = {k: v for k, v in _people(ws).items() if v == "ambiguous" or v[0] is not None}
    # a record is known by its member, date, kind and content (学习内容); hours and note are what it says
    held: dict[tuple, Any] = {}
    for r in ws.study.records():
        held.setdefault((r.member_id, r.date, r.source, r.title.strip()), r)
    first_row: dict[tuple, int] = {}  # a record new to the branch: the file's row that brings it
    for number, cells in rows:
        if number <= header_row or not any(c not in (None, "") for c in cells):
            continue

        def cell(key, cells=cells):
            index = found.get(key, (None, ""))[0]
            return cells[index] if index is not None and index < len(cells) else None

        def err(key, message, number=number):
            result.errors.append(RowError(number, found.get(key, (0, ""))[1], message))

        before = len(result.errors)
        name = _text(cell("name"))
        person = people.get(name)
        if not name:
            err("name", "请填写姓名")
        elif person is None:
            err("name", f"“{name}”不在花名册中")
        elif person == "ambiguous":
            err("name", f"名为“{name}”的党员不止一人，无法确定是谁")
        try:
            day = cell_date(cell("date"), allow_year_month=False)
        except ValueError as exc:
            err("date", str(exc) if _text(cell("date")) else "请填写日期")
        try:
            hours = hours_of(tenths_of(_text(cell("hours"))))
            if hours <= 0:
                err("hours", "学时应大于0")
        except ValueError as exc:
            err("hours", str(exc))
        source_text = _text(cell("source")) or StudySource.TRAINING.label
        try:
            source = StudySource.from_label(source_text)
        except ValueError:
            err("source", f"类别“{source_text}”应为党课、学习、培训或网络课程")
        if len(result.errors) == before:
            record = StudyRecord(name, day, hours, source, member_id=person[0], title=_text(cell("title")),
                                 note=_text(cell("note")))  # fmt: skip
            key = (record.member_id, day, source, record.title.strip())
            known = held.get(key)
            if key in first_row:
                err("name", f"与第 {first_row[key]} 行是同一条学时记录（{name}{day.isoformat()}"
                            f"“{source.label}{'：' + record.title if record.title else ''}”），不重复导入")  # fmt: skip
            elif known is None:
                first_row[key] = number
                result.records.append(record)
            elif known.hours != hours:
                err("hours", f"{name}{day.isoformat()}的“{source.label}{'：' + record.title if record.title else ''}”"
                             f"已有记录{format_hours(known.hours)}学时，与表中的{format_hours(hours)}学时不同（不重复导入）")  # fmt: skip
            elif "note" in found and not _same(known.note, record.note):
                err(
                    "note",
                    f"{name}{day.isoformat()}的这条学时已有记录，备注“{known.note}”与表中的“{record.note}”不同",
                )
            else:
                result.skipped += 1
    if not result.records and not result.errors and not result.skipped:
        result.errors.append(RowError(0, "", "文件中没有学时记录"))
    return result


def apply_study(ws: Workspace, found: StudyImport) -> int:
    if found.errors:
        raise ValueError(f"有 {found.error_row_count or 1} 处错误，未导入任何数据")
    if not found.records:
        return 0
    return len(ws.study.save_records(found.records, f"导入学习学时：{found.file.name}"))
