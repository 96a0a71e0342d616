"""Excel roster import (党员花名册导入): template, reading with tolerant headers, preview, apply.

The flow is read → (preview) → apply:

* :func:`read_roster` reads an .xlsx file without touching the database. It finds the header row
  (roster files often carry a title row and a branch-name row above it), maps the many column names
  people use to member fields, converts every cell and validates every row with the domain rules.
  Every problem becomes a :class:`RowError` naming the Excel row number and the column header as
  written in the file, so the secretary finds it. A printed 花名册 (ours) names the unit common to every
  member above its table ("工作单位：示范大学信息学院") and each member's department under 所在部门: the two
  are joined again into the 工作单位 (domain.work_units, where the roster splits them).
* :func:`preview_roster` says, for each good row, whether it creates a member or updates one (matched
  by citizen ID number, else by name and birth date) and which fields change.
* :func:`apply_roster` writes everything in ONE unit of work: all or nothing.

Updating a member only touches the fields the file actually fills in: a column missing from the file,
or a blank cell, never clears what the database already holds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.domain import members as rules
from branchdesk.domain.citizen_id import CitizenIdError, make_citizen_id, parse_citizen_id
from branchdesk.domain.dates import format_date
from branchdesk.domain.members import PAPER_DATE_FIELDS, MemberFields
from branchdesk.domain.phone import normalize_phone, validate_landline
from branchdesk.domain.vocab import (
    DEGREES,
    EDUCATION_LEVELS,
    ETHNICITIES,
    MEMBER_FIELD_LABELS,
    MemberStatus,
    MemberType,
    PersonCategory,
    Sex,
)
from branchdesk.domain.work_units import DEPARTMENT_TITLE, unit_in_line, unit_of
from branchdesk.services.bulk import collector_paused, insert_returning_ids
from branchdesk.services.xlsx_reader import BadCell
from branchdesk.services.xlsx_table import (  # noqa: F401 - re-exported: the importers' shared vocabulary
    BRACKET_CONTENT,
    BRACKETS,
    EXAMPLE_MARK,
    HEADER_SEARCH_ROWS,
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
    is_example,
    is_footer,
    is_masked,
    match_key,
    read_table,
)
from branchdesk.services.xlsx_table import cell_text as _text

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

SHEET_NAME = "党员花名册"
HELP_SHEET_NAME = "填写说明"
CHOICES_SHEET_NAME = "下拉选项"
PROGRESS_EVERY = 200

#: The warning of a row without a citizen ID number (imported, but matched by name next time).
NO_ID_WARNING = "没有公民身份号码：可以导入，但再次导入时只能按姓名和出生日期查找，同名时无法区分"

_FIELD_NAMES = MemberFields.names()
_FIELD_SET = frozenset(_FIELD_NAMES)


# --------------------------------------------------------------------------------------------
# Columns: what the importer understands
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportColumn:
    """One importable column: the member field, how its cells are read, the names people use for it."""

    key: str  # a MemberFields name, or "group" / "seq"
    kind: str  # how cells are converted (see _convert)
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: Any = None
    title: str = ""  # template header; default: the vocabulary label
    width: float = 12

    @property
    def label(self) -> str:
        return self.title or MEMBER_FIELD_LABELS.get(self.key, self.key)


def _columns() -> tuple[ImportColumn, ...]:
    example_id = make_citizen_id("350102", dt.date(1985, 3, 12), 12, Sex.MALE.value)
    full, probationary = MemberType.FULL.label, MemberType.PROBATIONARY.label
    return (
        ImportColumn("seq", "seq", ("序号", "编号", "顺序号", "No", "NO.", "No."), "可留空，导入时不使用。",
                     EXAMPLE_MARK, title="序号", width=6),
        ImportColumn("name", "text", ("姓名", "党员姓名", "名字"), "必填。", "王小明", width=10),
        ImportColumn("sex", "sex", ("性别",), "男 或 女；填写了身份证号码时可留空，由号码推算。",
                     Sex.MALE.label, width=6),
        ImportColumn("ethnicity", "ethnicity", ("民族",), "如 汉族、回族（写“汉”也可以）。", "汉族", width=8),
        ImportColumn("birth_date", "birth", ("出生年月", "出生日期", "生日", "出生年月日", "出生时间"),
                     "可留空，由身份证号码推算；也可只写年月，如 1985.03。", dt.date(1985, 3, 12)),
        ImportColumn("id_number", "id", ("身份证号", "身份证号码", "公民身份号码", "身份证", "公民身份证号码",
                                         "居民身份证号码", "证件号码"),
                     "18 位，最后一位可以是 X。请把该列设为“文本”格式，否则 Excel 会丢掉末几位。", example_id,
                     width=21),
        ImportColumn("native_place", "text", ("籍贯",), "", "福建福州"),
        ImportColumn("education", "education", ("学历", "文化程度", "全日制学历", "最高学历", "学历层次"),
                     "从下拉列表中选择，如 大学本科、研究生（硕士）。", EDUCATION_LEVELS[2]),
        ImportColumn("degree", "degree", ("学位", "最高学位"), "", DEGREES[2], width=8),
        ImportColumn("member_type", "type", ("人员类别", "党员类别", "类别", "党员类型", "党员身份"),
                     f"{full} 或 {probationary}（写“正式”“预备”也可以）；留空按{full}处理。", full),
        ImportColumn("group", "group", ("所在党小组", "党小组", "小组", "所属党小组"),
                     "党小组名称；系统中还没有的党小组会自动建立。", "第一党小组",
                     title=MEMBER_FIELD_LABELS["group_id"]),
        ImportColumn("is_group_leader", "bool", ("党小组长", "是否党小组长"), "是 或 否。", "否",
                     title="党小组长", width=8),
        ImportColumn("join_date", "date", ("入党时间", "入党日期", "加入党组织日期", "加入党组织时间",
                                           "入党年月"),
                     "支部大会接收为预备党员的日期，如 2008-06-20。", dt.date(2008, 6, 20)),
        ImportColumn("conversion_date", "date", ("转正时间", "转正日期", "转为正式党员日期",
                                                 "转为正式党员时间"),
                     f"{probationary}不填。", dt.date(2009, 6, 20)),
        ImportColumn("activist_date", "date", ("确定积极分子时间", "确定积极分子日期",
                                               "确定为入党积极分子时间", "确定为入党积极分子日期",
                                               "列为积极分子时间"), "", dt.date(2007, 10, 15), width=14),
        ImportColumn("sponsors", "text", ("入党介绍人", "介绍人"), "两人时用顿号分隔。", "李明、赵华"),
        ImportColumn("transferred_in_date", "date", ("转入时间", "转入日期", "组织关系转入时间",
                                                     "组织关系转入日期"), "从其他党组织转入的日期。"),
        ImportColumn("work_start_date", "date", ("参加工作时间", "参加工作日期", "工作时间"), "",
                     dt.date(2007, 7, 1)),
        ImportColumn("work_unit", "text", ("工作单位", "单位", "工作单位及部门", "所在单位"), "", "某某学院",
                     width=16),
        ImportColumn("job", "text", ("工作岗位", "岗位", "从事工作", "职业"), "", "教师"),
        ImportColumn("post", "text", ("职务职称", "职务", "职称", "行政职务", "专业技术职务"),
                     "职务和职称分两列时都会读入。", "副教授"),
        ImportColumn("party_post", "text", ("党内职务", "党内职务名称"), "如 支部书记、组织委员。"),
        ImportColumn("mobile", "phone", ("手机号码", "手机", "手机号", "联系电话", "联系方式", "电话",
                                         "电话号码", "移动电话"),
                     "11 位手机号码；“联系电话”等列中的固定电话会自动放到“固定电话”一栏。", "13800138000",
                     width=14),
        ImportColumn("landline", "phone", ("固定电话", "办公电话", "座机", "家庭电话"),
                     "区号-号码，如 0591-87654321。", width=14),
        ImportColumn("address", "text", ("家庭住址", "现居住地", "住址", "家庭地址", "现住址", "居住地址"),
                     "", "福州市鼓楼区某某路 1 号", width=20),
        ImportColumn("is_mobile_member", "mobile_member", ("流动党员", "是否流动党员"),
                     "是 或 否；也可以直接写外出去向。", "否", width=8),
        ImportColumn("mobile_whereabouts", "text", ("外出流向", "外出去向", "流动去向", "流向")),
        ImportColumn("lost_contact", "lost", ("失去联系", "失联", "失联党员", "是否失联", "失去联系党员"),
                     "是 或 否；也可以直接写失联日期。", "否", width=8),
        ImportColumn("lost_contact_since", "date", ("失联日期", "失联时间", "失去联系日期", "失去联系时间")),
        ImportColumn("dues_basis_fen", "money", ("党费计缴基数", "缴纳基数", "计缴基数"), "单位：元。",
                     title="党费计缴基数（元）", width=12),
        ImportColumn("dues_monthly_fen", "money", ("月缴党费", "每月党费", "党费", "月交党费"), "单位：元。",
                     title="月缴党费（元）", width=10),
        ImportColumn("dues_paid_to", "date", ("党费交至", "党费缴至", "党费缴纳至"),
                     "可只写年月。导入时按月登记为党费缴纳记录（按月缴党费，已登记的月份不重复）。"),
        ImportColumn("dossier_location", "text", ("档案存放处", "档案所在地", "档案存放单位",
                                                  "档案保管单位"), ""),
        ImportColumn("person_category", "category", ("人员身份", "身份", "人员性质"),
                     "教师、学生、职工 或 其他；学生支部可再填学号、年级、班级、专业。", width=8),
        ImportColumn("student_number", "code", ("学号", "学生学号", "学籍号"), "学生填写；请把该列设为“文本”格式。",
                     width=12),
        ImportColumn("grade", "text", ("年级", "所在年级", "入学年级"), "如 2023级。", width=8),
        ImportColumn("class_name", "text", ("班级", "班级名称"), "如 护理2301班。", width=12),
        ImportColumn("major", "text", ("专业", "所学专业", "专业名称"), "如 护理学。", width=12),
        ImportColumn("notes", "text", ("备注", "说明"), "",
                     f"{EXAMPLE_MARK}行，导入时自动忽略，可以删除", width=20),
    )  # fmt: skip


_COLUMN_CACHE: tuple[ImportColumn, ...] | None = None


def import_columns() -> tuple[ImportColumn, ...]:
    global _COLUMN_CACHE
    if _COLUMN_CACHE is None:
        _COLUMN_CACHE = _columns()
    return _COLUMN_CACHE


# Columns whose duplicate (e.g. 职务 and 职称 side by side) is joined instead of ignored.
_JOINABLE = {"post", "notes"}


def _alias_table() -> dict[str, ImportColumn]:
    table: dict[str, ImportColumn] = {}
    for column in import_columns():
        for name in (column.label, column.title, MEMBER_FIELD_LABELS.get(column.key, ""), *column.aliases):
            if name:
                table.setdefault(header_key(name), column)
    return table


def match_header(text: Any) -> ImportColumn | None:
    """The column a header names, tolerating spaces, full-width forms, '*' and bracketed remarks."""
    return match_key(text, _alias_table())


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass
class RosterRow:
    """One good row: its Excel row number, the member fields, the party group name, the fields it fills."""

    row: int
    fields: MemberFields
    group: str = ""
    present: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.fields.name


@dataclass
class RosterPlan:
    path: Path | None = None
    sheet: str = ""
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field key -> header text as in the file
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    data_rows: int = 0  # non-blank rows read (example rows excluded)
    example_rows: int = 0
    footer_rows: int = 0  # totals, notes and signature lines under the table
    masked_cells: int = 0  # ID numbers, phones and birth dates a 脱敏 export hid or cut
    unknown_columns: list[str] = field(default_factory=list)  # headers nothing maps (the mapping step)
    chosen: dict[str, str] = field(default_factory=dict)  # header -> field ("" ignored) by the mapping
    signature: str = ""  # the header's layout (see xlsx_table.header_signature)
    warnings: list[RowError] = field(default_factory=list)  # good rows worth a look (no ID number …)
    unit: str = ""  # a printed roster's "工作单位：X" above the table: each 工作单位 is X and 所在部门

    @property
    def unit_note(self) -> str:
        """How the 工作单位 were read from a printed roster ("" for other files)."""
        if not self.unit:
            return ""
        return f"工作单位按表头的“{self.unit}”加“{self.columns.get('work_unit', DEPARTMENT_TITLE)}”一列读入"

    @property
    def error_row_count(self) -> int:
        return len({e.row for e in self.errors if e.row > 0})

    @property
    def file_errors(self) -> list[RowError]:
        return [e for e in self.errors if e.row <= 0]

    @property
    def ok(self) -> bool:
        return not self.errors

    def describe(self) -> str:
        if self.file_errors:
            return "无法导入：" + "；".join(e.message for e in self.file_errors)
        text = f"读取 {self.data_rows} 行：{len(self.rows)} 行可以导入"
        if self.errors:
            text += f"，{self.error_row_count} 行有错误（共 {len(self.errors)} 处）"
        if self.unit_note:
            text += "；" + self.unit_note
        if self.ignored_columns:
            text += "；未使用的列：" + "、".join(self.ignored_columns)
        return text + "。"


class ImportCancelled(Exception):
    """The user cancelled; the unit of work was rolled back and nothing was written."""

    def __init__(self) -> None:
        super().__init__("导入已取消，未写入任何数据。")


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class PreviewItem:
    row: int
    name: str
    action: str  # "create" | "update" | "unchanged"
    member_id: int | None = None
    changes: list[FieldChange] = field(default_factory=list)
    note: str = ""

    @property
    def action_label(self) -> str:
        return _ACTION_LABELS[self.action]


_ACTION_LABELS = {"create": "新增", "update": "更新", "unchanged": "无变化"}


@dataclass
class RosterPreview:
    items: list[PreviewItem]
    errors: list[RowError]
    groups_to_create: list[str]
    dues_months: int = 0  # payments the 党费交至 column adds for members already on the roster

    def _count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def created(self) -> int:
        return self._count("create")

    @property
    def updated(self) -> int:
        return self._count("update")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def error_row_count(self) -> int:
        return len({e.row for e in self.errors if e.row > 0})

    def describe(self) -> str:
        text = f"将新增 {self.created} 人，更新 {self.updated} 人，{self.unchanged} 人无变化"
        if self.groups_to_create:
            text += f"，新建党小组 {len(self.groups_to_create)} 个（{'、'.join(self.groups_to_create)}）"
        if self.dues_months:
            text += f"，按“党费交至”登记已有党员的党费缴纳 {self.dues_months} 个月"
        if self.errors:
            text += f"；{self.error_row_count} 行有错误"
        return text + "。"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    groups_created: list[str] = field(default_factory=list)
    dues_months: int = 0  # monthly payments recorded from the 党费交至 column
    dues_members: int = 0
    dues_ignored: list[str] = field(default_factory=list)  # "第 N 行 姓名：why 党费交至 was not used"

    def describe(self) -> str:
        text = f"导入完成：新增 {self.created} 人，更新 {self.updated} 人，{self.unchanged} 人无变化"
        if self.skipped:
            text += f"，跳过有错误的 {self.skipped} 行"
        if self.groups_created:
            text += f"，新建党小组 {len(self.groups_created)} 个（{'、'.join(self.groups_created)}）"
        if self.dues_months:
            text += f"；按“党费交至”登记党费缴纳 {self.dues_months} 个月（{self.dues_members} 人）"
        if self.dues_ignored:
            shown = "；".join(self.dues_ignored[:10]) + ("；……" if len(self.dues_ignored) > 10 else "")
            text += f"；{len(self.dues_ignored)} 人的“党费交至”未采用（{shown}）"
        return text + "。"


# --------------------------------------------------------------------------------------------
# Cell conversion
# --------------------------------------------------------------------------------------------


class _CellError(ValueError):
    pass


_YES = {"是", "√", "✓", "✔", "Y", "YES", "1", "TRUE", "对", "有"}
_NO = {"否", "×", "✗", "N", "NO", "0", "FALSE", "无", "不是", "-", "/"}
_PHONE_SPLIT = re.compile(r"[/,，;；、\s]+")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    key = unicodedata.normalize("NFKC", _text(value)).upper()
    if key in _YES:
        return True
    if key in _NO or not key:
        return False
    return None


def _date(value: Any) -> dt.date:
    try:
        return cell_date(value)
    except ValueError as exc:
        raise _CellError(str(exc)) from None


def _paper_date(value: Any) -> tuple[dt.date, str]:
    """A date as precise as the cell gives it ("2008", "2008年9月", "2026.05" or a day): (first day, precision)."""
    from branchdesk.domain.partial_dates import parse_partial_date

    if isinstance(value, str):
        value = clean_text(value)
    try:
        result = parse_partial_date(value)
    except ValueError as exc:
        raise _CellError(str(exc)) from None
    if not 1900 <= result.first.year <= 2100:
        raise _CellError(f"日期“{result.first.isoformat()}”的年份超出范围（1900–2100）")
    return result.first, result.precision.value


_DIGIT_GROUPS = re.compile(r"\d+")


def _birth(value: Any) -> tuple[dt.date, bool]:
    """(date, True when only year and month were given, as 出生年月 columns often are)."""
    if isinstance(value, str):
        groups = _DIGIT_GROUPS.findall(unicodedata.normalize("NFKC", value))
        partial = len(groups) == 2 or (len(groups) == 1 and len(groups[0]) == 6)
    elif isinstance(value, float):
        partial = not value.is_integer()
    elif isinstance(value, int):
        partial = 100_000 <= value <= 999_999
    else:
        partial = False
    try:
        return cell_date(value), partial
    except ValueError as exc:
        raise _CellError(str(exc)) from None


_MAX_YUAN = Decimal("9999999.99")  # the database keeps fen in a 32-bit integer on PostgreSQL


def _money_fen(value: Any) -> int:
    text = unicodedata.normalize("NFKC", _text(value)).replace(",", "").replace("元", "").replace("¥", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise _CellError(f"“{_text(value)}”不是金额，请填写数字（单位：元）") from None
    if not amount.is_finite():
        raise _CellError(f"“{_text(value)}”不是金额")
    if abs(amount) > _MAX_YUAN:
        raise _CellError(f"“{_text(value)}”超出范围（最多 {_MAX_YUAN} 元）")
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@lru_cache(maxsize=512)
def _education(text: str) -> str:
    if text in EDUCATION_LEVELS:
        return text
    plain = BRACKETS.sub("", unicodedata.normalize("NFKC", text))
    for level in EDUCATION_LEVELS:
        if plain == BRACKETS.sub("", level):
            return level
    if "博士" in plain:
        wanted = "博士"
    elif "硕士" in plain or plain == "研究生":
        wanted = "硕士"
    elif plain in ("本科", "大本", "大学"):
        wanted = "本科"
    elif plain in ("大专", "专科"):
        wanted = "专科"
    elif plain == "中专":
        wanted = "中等专科"
    else:
        return text
    for level in EDUCATION_LEVELS:
        if wanted in level:
            return level
    return text  # pragma: no cover - the vocabulary always holds these


@lru_cache(maxsize=512)
def _ethnicity(text: str) -> str:
    if text in ETHNICITIES:
        return text
    if text + "族" in ETHNICITIES:
        return text + "族"
    return text


@lru_cache(maxsize=512)
def _degree(text: str) -> str:
    if text in DEGREES:
        return text
    stripped = text.removesuffix("学位")
    return stripped if stripped in DEGREES else text


@lru_cache(maxsize=512)
def _sex(text: str) -> str:
    cleaned = text.removesuffix("性")
    try:
        return Sex.from_label(cleaned).value
    except ValueError:
        raise _CellError("只能填“男”或“女”") from None


@lru_cache(maxsize=512)
def _member_type(text: str) -> str:
    try:
        return MemberType.from_label(text).value
    except ValueError:
        raise _CellError(
            f"“{text}”无法识别，只能是“{MemberType.FULL.label}”或“{MemberType.PROBATIONARY.label}”"
        ) from None


@lru_cache(maxsize=64)
def _person_category(text: str) -> str:
    try:
        return PersonCategory.from_label(text.removesuffix("人员")).value
    except ValueError:
        allowed = "、".join(f"“{c.label}”" for c in PersonCategory)
        raise _CellError(f"“{text}”无法识别，只能是{allowed}") from None


def _looks_like_landline(digits: str) -> bool:
    return digits.startswith("0") or "-" in digits or digits[:3] in ("400", "800") or 7 <= len(digits) <= 8


# --------------------------------------------------------------------------------------------
# Reading a file
# --------------------------------------------------------------------------------------------


@dataclass
class _Slot:
    index: int  # 0-based column index in the sheet
    column: ImportColumn
    header: str  # as written in the file


#: A birth date a 脱敏 (public) export cut to its year: "2003年".
_YEAR_ONLY = re.compile(r"^\d{4}\s*年$")


class _RowReader:
    """Converts one sheet row into member values, collecting the errors of the row."""

    def __init__(self, slots: list[_Slot], today: dt.date, unit: str = ""):
        self.plan = [(s.index, s.column.key, s.column.kind, s.header) for s in slots]
        self.today = today
        self.unit = unit  # the common unit a 所在部门 cell is part of (a printed roster)
        self.masked = 0
        self.header_of = {}
        for slot in slots:
            self.header_of.setdefault(slot.column.key, slot.header)
        if "mobile" in self.header_of and "landline" not in self.header_of:
            self.header_of["landline"] = self.header_of["mobile"]

    def column_of(self, key: str) -> str:
        return self.header_of.get(key) or MEMBER_FIELD_LABELS.get(key, key)

    def read(self, row_number: int, cells: tuple) -> tuple[RosterRow | None, list[RowError]]:
        values: dict[str, Any] = {}
        present: set[str] = set()
        errors: list[RowError] = []
        group = ""
        birth_partial = False
        header_of: dict[str, str] = {}  # per-row overrides (phone routed from a 联系电话 column …)

        def error(header: str, message: str) -> None:
            errors.append(RowError(row_number, header, message))

        width = len(cells)
        for index, key, kind, header in self.plan:
            if index >= width:
                continue
            raw = cells[index]
            if raw is None:
                continue
            if type(raw) is str:
                raw = clean_text(raw)
                if not raw:
                    continue
                if ("*" in raw and kind in ("id", "phone") and is_masked(raw)) or (
                    kind == "birth" and _YEAR_ONLY.match(raw)
                ):  # hidden (or a birth date cut to its year) by a 脱敏 export: nothing to import or clear
                    self.masked += 1
                    continue
            elif type(raw) is BadCell:
                error(header, raw.message)
                continue
            try:
                if kind == "text":
                    text = raw if type(raw) is str else _text(raw)
                    if key in values and key in _JOINABLE:
                        values[key] = f"{values[key]}，{text}"
                    else:
                        values[key] = text
                elif kind == "seq":
                    continue
                elif kind == "department":  # a printed roster's 所在部门 under "工作单位：X"
                    values[key] = unit_of(self.unit, raw if type(raw) is str else _text(raw))
                elif kind == "group":
                    group = _text(raw)
                    continue
                elif kind == "sex":
                    values[key] = _sex(_text(raw))
                elif kind == "ethnicity":
                    values[key] = _ethnicity(_text(raw))
                elif kind == "education":
                    values[key] = _education(_text(raw))
                elif kind == "degree":
                    values[key] = _degree(_text(raw))
                elif kind == "type":
                    values[key] = _member_type(_text(raw))
                elif kind == "code":  # a number written as text: full-width digits as digits
                    values[key] = unicodedata.normalize("NFKC", _text(raw)).replace(" ", "")
                elif kind == "category":
                    values[key] = _person_category(_text(raw))
                elif kind == "id":
                    text = _text(raw).lstrip("'‘’`")  # an apostrophe typed to keep the digits as text
                    if isinstance(raw, int | float) and not isinstance(raw, bool):
                        try:
                            parse_citizen_id(text, today=self.today)
                        except CitizenIdError as exc:
                            raise _CellError(
                                f"{exc}（该单元格是数字格式，Excel 只保留 15 位有效数字，"
                                "请把这一列设为“文本”格式后重新输入号码）"
                            ) from None
                    values[key] = text
                elif kind == "date" and key in PAPER_DATE_FIELDS:
                    values[key], values[f"{key}_precision"] = _paper_date(raw)
                elif kind == "date":
                    values[key] = _date(raw)
                elif kind == "birth":
                    values[key], birth_partial = _birth(raw)
                    values["birth_date_precision"] = "month" if birth_partial else "day"
                elif kind == "bool":
                    flag = _bool(raw)
                    if flag is None:
                        raise _CellError(f"“{_text(raw)}”无法识别，请填“是”或“否”")
                    values[key] = flag
                elif kind == "lost":
                    flag = _bool(raw)
                    if flag is None:  # a date written in place of 是: lost contact since then
                        since = _date(raw)
                        values["lost_contact"] = True
                        values.setdefault("lost_contact_since", since)
                        present.add("lost_contact_since")
                        header_of["lost_contact_since"] = header
                    else:
                        values["lost_contact"] = flag
                elif kind == "mobile_member":
                    flag = _bool(raw)
                    if flag is None:  # the destination written in place of 是
                        values["is_mobile_member"] = True
                        values.setdefault("mobile_whereabouts", _text(raw))
                        present.add("mobile_whereabouts")
                    else:
                        values["is_mobile_member"] = flag
                elif kind == "money":
                    values[key] = _money_fen(raw)
                elif kind == "phone":
                    if (
                        type(raw) is str
                        and len(raw) == 11
                        and _MOBILE_RE.fullmatch(raw)
                        and "mobile" not in values
                    ):
                        values["mobile"] = raw  # the common case: one mobile number
                        present.add("mobile")
                        header_of["mobile"] = header
                    else:
                        self._phone(raw, key, header, values, present, header_of)
                    continue
                present.add(key)
            except _CellError as exc:
                error(header, str(exc))

        if not present and not group and not errors:
            return None, []  # blank row (a 序号 alone does not count)
        # 出生年月 given as a month: the day comes from the ID number when year and month agree
        partial_birth = values.pop("birth_date") if birth_partial and values.get("id_number") else None
        normalised = rules.normalise(MemberFields(**{k: v for k, v in values.items() if k in _FIELD_SET}))
        if partial_birth is not None:
            derived = normalised.birth_date
            if derived is None or (derived.year, derived.month) != (partial_birth.year, partial_birth.month):
                normalised = replace(normalised, birth_date=partial_birth)  # validation names the mismatch
        # the ID number fills birth date and sex: they count as given
        if normalised.id_number:
            if normalised.birth_date and "birth_date" not in present:
                present.add("birth_date")
            if normalised.sex and "sex" not in present:
                present.add("sex")
        unreadable = {e.column for e in errors}  # a cell already reported is not reported again as empty
        for issue in rules.validate(normalised, today=self.today):
            message = issue.message
            if issue.field == "birth_date" and birth_partial and "不一致" in message:
                message = "与公民身份号码中的出生年月不一致"
            header, message = located({**self.header_of, **header_of}, issue.field, message)
            if not (header in unreadable and issue.field not in values):
                error(header, message)
        if errors:
            return None, errors
        return RosterRow(row_number, normalised, group, frozenset(present)), []

    def _phone(self, raw, key, header, values, present, header_of) -> None:
        text = _text(raw)
        whole = normalize_phone(text)
        if _MOBILE_RE.fullmatch(whole) or validate_landline(whole) is None:
            parts = [text]  # one number, maybe written with spaces: "138 0013 8000", "0591-8765 4321"
        else:  # several: "13800138000/0591-87654321"
            parts = [p for p in _PHONE_SPLIT.split(text) if p] or [text]
        for part in parts:
            number = normalize_phone(part)
            digits = number.replace("-", "")
            if _MOBILE_RE.fullmatch(digits):
                target = "mobile"
            elif key == "landline" or _looks_like_landline(number):
                target = "landline"
            else:
                target = "mobile"
            if values.get(target):
                if values[target] == number:
                    continue
                label = MEMBER_FIELD_LABELS[target]
                raise _CellError(f"{label}只能填一个，这里多出了“{part}”")
            values[target] = number
            present.add(target)
            header_of[target] = header


#: A field the file has no column for is reported at the column its value follows from.
_FOLLOWS = {"lost_contact_since": "lost_contact", "mobile_whereabouts": "is_mobile_member", "birth_date": "id_number",
            "sex": "id_number", "landline": "mobile", "mobile": "landline"}  # fmt: skip


def located(columns: dict[str, str], key: str, message: str) -> tuple[str, str]:
    """(column, message) for a problem of member field `key`: the field's column as written in the file,
    or the column it follows from; when the file has neither, no column and the field named in the
    message (the problem then lies in what the row leaves out, or in what the database holds)."""
    header = columns.get(key) or columns.get(_FOLLOWS.get(key, ""))
    if header:
        return header, message
    return "", f"{MEMBER_FIELD_LABELS.get(key, key)}：{message}"


def _header_slots(cells: tuple, mapping: dict[str, str] | None = None) -> list[_Slot]:
    """The columns of a header row understood: by `mapping` (header_key -> column key, "" = ignore;
    the user's choice in the import dialog) first, else by the names people use."""
    by_key = _columns_by_key()
    slots = []
    for index, value in enumerate(cells):
        text = _text(value)
        if not text:
            continue
        chosen = mapping.get(header_key(text)) if mapping else None
        column = match_header(text) if chosen is None else by_key.get(chosen)
        if column is not None:
            slots.append(_Slot(index, column, " ".join(text.split())))
    return slots


def _columns_by_key() -> dict[str, ImportColumn]:
    return {c.key: c for c in import_columns()}


#: a printed roster's 所在部门 under the line "工作单位：X" above the table: the member's 工作单位 is X joined
#: with the cell (domain.work_units.unit_of, the inverse of the roster's split)
_DEPARTMENT = ImportColumn("work_unit", "department", (DEPARTMENT_TITLE,), title=DEPARTMENT_TITLE)


def _unit_above(rows: Iterable[tuple]) -> str:
    """The common unit a printed roster names above its table ("工作单位：示范大学信息学院　　截至 …")."""
    for cells in rows:
        for value in cells:
            if isinstance(value, str) and (unit := unit_in_line(clean_text(value))):
                return unit
    return ""


def _department_slots(slots: list[_Slot], header_cells: tuple, mapping: dict[str, str]) -> list[_Slot] | None:
    """The slots with the 所在部门 column read as 工作单位 (a printed roster), or None when the file has a
    工作单位 column of its own, no 所在部门 column, or the user mapped 所在部门 to something else."""
    if any(
        s.column.key == "work_unit" and header_key(s.header) != header_key(DEPARTMENT_TITLE) for s in slots
    ):
        return None
    for index, value in enumerate(header_cells):
        text = _text(value)
        key = header_key(text)
        if key != header_key(DEPARTMENT_TITLE) or mapping.get(key) not in (None, "work_unit"):
            continue
        kept = [s for s in slots if s.index != index]
        return sorted([*kept, _Slot(index, _DEPARTMENT, " ".join(text.split()))], key=lambda s: s.index)
    return None


def read_roster(
    path: str | Path,
    *,
    today: dt.date | None = None,
    mapping: dict[str, str] | None = None,
    header_only: bool = False,
) -> RosterPlan:
    """Read and check a roster file. Touches no database; every problem is in `plan.errors`.

    `mapping` assigns columns the importer does not know by itself (header_key of the header -> an
    ImportColumn key, or "" to ignore the column; services/import_mapping.py). `header_only` stops after
    the header (its layout, its unknown columns): the dialog's first look at a file.
    """
    path = Path(path)
    today = today or dt.date.today()
    plan = RosterPlan(path=path)

    def read(title: str, rows) -> None:
        plan.sheet = title
        _read_sheet(rows, plan, today, mapping or {}, header_only)

    problem = read_table(path, (SHEET_NAME, "花名册"), read)
    if problem is not None:
        plan.errors.append(problem)
    return plan


def _is_header(mapping: dict[str, str]):
    def accept(cells: tuple) -> list[_Slot] | None:
        candidate = _header_slots(cells, mapping)
        if any(s.column.key == "name" for s in candidate) and len(candidate) >= 2:
            return candidate
        return None

    return accept


def _read_sheet(
    rows: Iterable[tuple[int, tuple]],
    plan: RosterPlan,
    today: dt.date,
    mapping: dict[str, str],
    header_only: bool = False,
) -> None:
    iterator = iter(rows)
    header = find_header(iterator, _is_header(mapping), sheet=plan.sheet, other_columns="性别、身份证号码")
    if isinstance(header, RowError):
        plan.errors.append(header)
        return
    plan.header_row, header_cells, slots = header.row, header.cells, header.found
    unit = _unit_above(header.above)

    # A two-level header (e.g. 联系方式 over 手机 | 固定电话): the next row names sub-columns.
    pending: list[tuple[int, tuple]] = []
    following = next(iterator, None)
    if following is not None:
        next_number, next_cells = following
        sub = _header_slots(next_cells, mapping)
        name_index = next(s.index for s in slots if s.column.key == "name")
        name_blank = name_index >= len(next_cells) or not _text(next_cells[name_index])
        if sub and name_blank and next_number == plan.header_row + 1:
            by_index = {s.index: s for s in slots}
            for s in sub:
                by_index[s.index] = s
            slots = sorted(by_index.values(), key=lambda s: s.index)
            width = max(len(header_cells), len(next_cells))
            header_cells = tuple(
                next_cells[i] if i < len(next_cells) and _text(next_cells[i]) else
                (header_cells[i] if i < len(header_cells) else None)
                for i in range(width)
            )  # fmt: skip
        else:
            pending.append(following)

    # A printed roster: 所在部门 under "工作单位：X" is read as the member's 工作单位.
    if unit and (with_department := _department_slots(slots, header_cells, mapping)) is not None:
        slots, plan.unit = with_department, unit

    # Duplicated columns: the first wins, except joinable text (职务 + 职称).
    used: dict[str, _Slot] = {}
    kept: list[_Slot] = []
    duplicates: dict[int, str] = {}
    for slot in slots:
        key = slot.column.key
        if key in used and key not in _JOINABLE and slot.column.kind != "phone":
            duplicates[slot.index] = f"{slot.header}（与“{used[key].header}”重复）"
            continue
        used.setdefault(key, slot)
        kept.append(slot)
    slots = kept
    mapped = {s.index for s in slots}
    for index, value in enumerate(header_cells):
        text = " ".join(_text(value).split())
        if index in duplicates:
            plan.ignored_columns.append(duplicates[index])
        elif text and index not in mapped:
            plan.ignored_columns.append(text)
            if mapping.get(header_key(text)) is None:
                plan.unknown_columns.append(text)
        if text and mapping.get(header_key(text)) is not None:
            plan.chosen[text] = mapping[header_key(text)]
    plan.columns = {s.column.key: s.header for s in slots if s.column.kind != "seq"}
    plan.signature = header_signature(header_cells)
    if header_only:
        return

    reader = _RowReader(slots, today, plan.unit)
    seen_ids: dict[str, int] = {}
    good: dict[int, RosterRow] = {}

    seq_index = [s.index for s in slots if s.column.kind == "seq"]
    first_non_empty = min((i for i, c in enumerate(header_cells) if _text(c)), default=0)
    example_indexes = tuple(dict.fromkeys([*seq_index, first_non_empty]))

    name_index = next(s.index for s in slots if s.column.key == "name")

    def handle(number: int, cells: tuple) -> None:
        if not cells or is_example(cells, example_indexes):
            if cells:
                plan.example_rows += 1
            return
        if is_footer(cells, name_index):  # the totals, notes and signature lines under a ledger
            plan.footer_rows += 1
            return
        row, errors = reader.read(number, cells)
        if row is None and not errors:
            return
        plan.data_rows += 1
        if errors:
            plan.errors.extend(errors)
            return
        assert row is not None
        id_number = row.fields.id_number
        if id_number:
            first = seen_ids.get(id_number)
            if first is not None:
                column = reader.column_of("id_number")
                plan.errors.append(RowError(number, column, f"与第 {first} 行的公民身份号码重复"))
                if first in good:
                    del good[first]
                    plan.errors.append(RowError(first, column, f"与第 {number} 行的公民身份号码重复"))
                return
            seen_ids[id_number] = number
        good[number] = row

    for number, cells in pending:
        handle(number, cells)
    for number, cells in iterator:
        handle(number, cells)
    people = [(n, r.fields.name, r.fields.birth_date, r.fields.id_number) for n, r in good.items()]
    for number, other in indistinct_rows(people).items():
        plan.errors.append(RowError(number, reader.column_of("name"), indistinct_message(other)))
        del good[number]
    plan.rows = list(good.values())
    plan.masked_cells = reader.masked
    id_column = reader.column_of("id_number")
    plan.warnings = [RowError(r.row, id_column, NO_ID_WARNING) for r in plan.rows if not r.fields.id_number]
    plan.errors.sort(key=lambda e: e.row)
    if plan.data_rows == 0 and not plan.errors:
        plan.errors.append(RowError(0, "", "表头下面没有党员数据"))


# --------------------------------------------------------------------------------------------
# Matching against the database (shared by preview and apply)
# --------------------------------------------------------------------------------------------


@dataclass
class _Decision:
    row: RosterRow
    action: str  # create / update / unchanged
    values: MemberFields  # the member's fields after the import (group_id filled at apply time)
    group: str  # group name after the import ("" = none)
    member_id: int | None = None
    changes: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    group_before: str = ""
    note: str = ""
    paid_to: dt.date | None = None  # the file's 党费交至: recorded as payments, not in the member file


@dataclass
class _Resolution:
    decisions: list[_Decision]
    errors: list[RowError]
    groups_to_create: list[str]
    group_ids: dict[str, int]


def _resolve(session, plan: RosterPlan, branch_id: int, *, today: dt.date) -> _Resolution:
    from sqlalchemy import select

    from branchdesk.db.models import Branch, Member, PartyGroup

    group_ids: dict[str, int] = {
        name: gid
        for gid, name in session.execute(
            select(PartyGroup.id, PartyGroup.name).where(PartyGroup.branch_id == branch_id)
        )
    }
    group_names = {gid: name for name, gid in group_ids.items()}
    columns = [Member.id, Member.status, *(getattr(Member, n) for n in _FIELD_NAMES)]
    existing: dict[int, dict[str, Any]] = {}
    by_id_number: dict[str, int] = {}
    by_name_birth: dict[tuple[str, dt.date | None], list[int]] = {}
    by_name: dict[str, list[int]] = {}
    for row in session.execute(select(*columns).where(Member.branch_id == branch_id)):
        data = row._asdict()
        existing[data["id"]] = data
        if data["id_number"]:
            by_id_number[data["id_number"]] = data["id"]
        by_name_birth.setdefault((data["name"], data["birth_date"]), []).append(data["id"])
        by_name.setdefault(data["name"], []).append(data["id"])

    # citizen ID numbers are unique across branches
    wanted = [
        r.fields.id_number for r in plan.rows if r.fields.id_number and r.fields.id_number not in by_id_number
    ]
    elsewhere: dict[str, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for number, name, branch_name in session.execute(
            select(Member.id_number, Member.name, Branch.name)
            .join(Branch, Branch.id == Member.branch_id)
            .where(Member.id_number.in_(chunk), Member.branch_id != branch_id)
        ):
            elsewhere[number] = (name, branch_name)

    decisions: list[_Decision] = []
    errors: list[RowError] = []
    claimed: dict[int, int] = {}  # member id -> Excel row that matched it
    groups_to_create: list[str] = []

    def column_of(key: str) -> str:
        return plan.columns.get(key) or MEMBER_FIELD_LABELS.get(key, key)

    for item in plan.rows:
        values = item.fields
        target: int | None = None
        if values.id_number:
            if values.id_number in elsewhere:
                name, branch_name = elsewhere[values.id_number]
                errors.append(RowError(item.row, column_of("id_number"),
                                       f"与“{branch_name}”的党员“{name}”的公民身份号码重复"))  # fmt: skip
                continue
            target = by_id_number.get(values.id_number)
        if target is None:
            if values.birth_date is not None:
                candidates = by_name_birth.get((values.name, values.birth_date), [])
            else:
                candidates = by_name.get(values.name, [])
            if values.id_number:  # a file with ID numbers only completes members that have none yet
                candidates = [c for c in candidates if not existing[c]["id_number"]]
            if len(candidates) == 1:
                target = candidates[0]
            elif candidates and not values.id_number:  # which one? a new file would be one more each time
                message = ambiguous_message(len(candidates), values.birth_date is not None)
                errors.append(RowError(item.row, column_of("name"), message))
                continue
        if target is not None and target in claimed:
            errors.append(RowError(item.row, column_of("name"),
                                   f"与第 {claimed[target]} 行对应同一名党员（{values.name}）"))  # fmt: skip
            continue

        group = item.group
        if group and group not in group_ids and group not in groups_to_create:
            groups_to_create.append(group)

        # 党费交至 is what the payments say (the dues service keeps it): the file's date becomes payments
        paid_to = values.dues_paid_to if "dues_paid_to" in item.present else None
        if target is None:
            decisions.append(
                _Decision(item, "create", replace(values, dues_paid_to=None), group, paid_to=paid_to)
            )
            continue

        claimed[target] = item.row
        before = existing[target]
        data = {n: before[n] for n in _FIELD_NAMES}
        for n in item.present:
            if n in data and n != "dues_paid_to":
                data[n] = getattr(values, n)
                if n in PAPER_DATE_FIELDS:  # the date as precise as the file gives it
                    data[f"{n}_precision"] = getattr(values, f"{n}_precision")
        merged = MemberFields(**data)
        if any(data[n] != before[n] for n in _FIELD_NAMES):
            # the file's values next to what the database holds must still make a valid file
            merged = rules.normalise(merged)
            issues = rules.validate(merged, today=today)
            if issues:
                for issue in issues:
                    message = issue.message
                    if issue.field not in item.present:
                        message += "（系统中已有的信息）"
                    errors.append(RowError(item.row, *located(plan.columns, issue.field, message)))
                continue
        group_before = group_names.get(before["group_id"], "") if before["group_id"] else ""
        changes = [n for n in _FIELD_NAMES if n != "group_id" and getattr(merged, n) != before[n]]
        if group and group != group_before:
            changes.append("group_id")
        note = ""
        if before["status"] != MemberStatus.ACTIVE.value:
            note = f"该党员当前状态为“{MemberStatus(before['status']).label}”，导入不改变状态"
        decisions.append(
            _Decision(item, "update" if changes else "unchanged", merged, group or group_before, target,
                      changes, before, group_before, note, paid_to)
        )  # fmt: skip
    return _Resolution(decisions, errors, groups_to_create, group_ids)


def _display(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return format_date(value)
    if key in ("member_type", "person_category"):
        try:
            return (MemberType if key == "member_type" else PersonCategory)(value).label
        except ValueError:
            return str(value)
    if key.endswith("_fen") and isinstance(value, int):
        return f"{value / 100:.2f}"
    return str(value)


def shown_columns(plan: RosterPlan) -> list[tuple[str, str]]:
    """(field key, header as in the file) of the columns read, in the template's order: what the
    preview shows of each row."""
    order = [c.key for c in import_columns()]
    keys = sorted(plan.columns, key=lambda k: order.index(k) if k in order else len(order))
    shown = [(key, plan.columns[key]) for key in keys]
    if plan.unit:  # a printed roster's 所在部门: the preview shows the 工作单位 rebuilt from it
        shown = [(k, f"{MEMBER_FIELD_LABELS[k]}（{h}）" if k == "work_unit" else h) for k, h in shown]
    return shown


def shown_values(row: RosterRow, keys: Iterable[str]) -> tuple[str, ...]:
    """A good row's values as read (dates, labels, yuan), for the preview."""
    out = []
    for key in keys:
        if key == "group":
            out.append(row.group)
        elif key in _FIELD_SET:
            out.append(_display(key, getattr(row.fields, key)))
        else:
            out.append("")
    return tuple(out)


def preview_roster(ws: Workspace, plan: RosterPlan, *, today: dt.date | None = None) -> RosterPreview:
    """What applying the plan would do, row by row (for the GUI's preview before committing)."""
    today = today or dt.date.today()
    with ws.read() as session:
        resolution = _resolve(session, plan, ws.branch_id, today=today)
        dues_notes, dues_months = _paid_to_preview(ws, session, resolution.decisions, today)
    items = []
    for d in resolution.decisions:
        changes = []
        if d.action == "update":
            for key in d.changes:
                if key == "group_id":
                    changes.append(FieldChange(key, MEMBER_FIELD_LABELS[key], d.group_before, d.group))
                else:
                    changes.append(
                        FieldChange(key, MEMBER_FIELD_LABELS.get(key, key), _display(key, d.before[key]),
                                    _display(key, getattr(d.values, key)))
                    )  # fmt: skip
        note = "；".join(n for n in (d.note, dues_notes.get(d.row.row, "")) if n)
        items.append(PreviewItem(d.row.row, d.row.name, d.action, d.member_id, changes, note))
    errors = sorted([*plan.errors, *resolution.errors], key=lambda e: e.row)
    return RosterPreview(items, errors, resolution.groups_to_create, dues_months)


def _paid_to_preview(ws: Workspace, session, decisions: list[_Decision], today: dt.date
                     ) -> tuple[dict[int, str], int]:  # fmt: skip
    """What the 党费交至 column will record, as a note per Excel row, and the months it adds for members
    already on the roster (new members' months are counted when they are written)."""
    from branchdesk.domain.dues import month_index, month_label, months_text

    notes: dict[int, str] = {}
    existing = {d.member_id: d for d in decisions if d.paid_to is not None and d.member_id is not None}
    for d in decisions:
        if d.paid_to is not None and d.member_id is None:
            notes[d.row.row] = (f"将按“党费交至”登记党费缴纳至{month_label(month_index(d.paid_to))}"
                                if d.values.dues_monthly_fen is not None
                                else "没有月缴党费：“党费交至”不采用（请在“党费”页核定后登记缴纳）")  # fmt: skip
    if not existing:
        return notes, 0
    monthly = {
        mid: d.values.dues_monthly_fen for mid, d in existing.items() if "dues_monthly_fen" in d.row.present
    }
    payments, reasons = ws.dues.paid_up_to_payments(
        session, {mid: d.paid_to for mid, d in existing.items()}, today=today, monthly=monthly
    )
    months: dict[int, list[int]] = {}
    for p in payments:
        months.setdefault(p.member_id, []).extend(p.months)
    for mid, d in existing.items():
        if mid in months:
            notes[d.row.row] = (
                f"将按“党费交至”登记党费缴纳{months_text(months[mid])}（{len(months[mid])} 个月）"
            )
        elif mid in reasons:
            notes[d.row.row] = f"“党费交至”不采用：{reasons[mid]}"
    return notes, len(payments)


# --------------------------------------------------------------------------------------------
# Applying
# --------------------------------------------------------------------------------------------


# Imports creating at least this many members refresh the planner statistics afterwards.
BULK_STATISTICS_ROWS = 200
# New members are inserted (and their audit entries chained) this many at a time.
INSERT_BATCH = 2000


def apply_roster(
    ws: Workspace,
    plan: RosterPlan,
    *,
    skip_invalid: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Write the plan in ONE unit of work ("导入党员花名册"): all of it, or nothing.

    Raises :class:`ImportRefused` when the plan (or its match against the database) has errors and
    `skip_invalid` is false, and :class:`ImportCancelled` when `cancelled()` turns true; in both cases
    nothing is written. `progress(done, total)` is called every few hundred rows.

    Updated members go through the ORM exactly like the member form (`MemberService._apply`), so the
    unit of work audits them with before/after values. New members are inserted in one batch (the
    ORM needs ~4 s for 10,000 rows); each still gets its own audit entry, in the same form.
    """
    from sqlalchemy import func, select

    from branchdesk.db.models import Member, PartyGroup
    from branchdesk.db.uow import append_pending
    from branchdesk.services.members import MemberService, name_search_columns

    today = today or dt.date.today()
    if plan.file_errors or (plan.errors and not skip_invalid):
        raise ImportRefused(plan.errors)

    def check_cancelled() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled

    check_cancelled()
    result = ImportResult(skipped=plan.error_row_count)
    operation = "导入党员花名册"
    with collector_paused(), ws.write(operation) as session:
        branch_id = ws.branch_id
        resolution = _resolve(session, plan, branch_id, today=today)
        if resolution.errors:
            if not skip_invalid:
                raise ImportRefused(sorted([*plan.errors, *resolution.errors], key=lambda e: e.row))
            result.skipped += len({e.row for e in resolution.errors})

        group_ids = dict(resolution.group_ids)
        needed = {d.group for d in resolution.decisions if d.action != "unchanged" and d.group}
        new_groups = [name for name in resolution.groups_to_create if name in needed]
        if new_groups:
            order = session.scalar(
                select(func.coalesce(func.max(PartyGroup.sort_order), 0)).where(
                    PartyGroup.branch_id == branch_id
                )
            )
            created_groups = [
                PartyGroup(branch_id=branch_id, name=name, sort_order=order + offset)
                for offset, name in enumerate(new_groups, start=1)
            ]
            session.add_all(created_groups)
            session.flush()
            group_ids.update({g.name: g.id for g in created_groups})
            result.groups_created = list(new_groups)

        updates = [d for d in resolution.decisions if d.action == "update"]
        creates = [d for d in resolution.decisions if d.action == "create"]
        result.unchanged = sum(1 for d in resolution.decisions if d.action == "unchanged")
        total = len(updates) + len(creates)
        done = 0

        def step() -> None:
            nonlocal done
            if done % PROGRESS_EVERY == 0:
                check_cancelled()
                if progress is not None:
                    progress(done, total)
            done += 1

        def with_group(decision: _Decision) -> MemberFields:
            if decision.group:
                return replace(decision.values, group_id=group_ids[decision.group])
            return decision.values

        # updates: through the ORM, as the member form does
        loaded: dict[int, Member] = {}
        ids = [d.member_id for d in updates]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            loaded.update({m.id: m for m in session.scalars(select(Member).where(Member.id.in_(chunk)))})
        for decision in updates:
            step()
            MemberService._apply(loaded[decision.member_id], with_group(decision))
            result.updated += 1
        if updates:
            session.flush()

        # new members: batch inserts plus their audit entries, chained batch by batch inside the one
        # transaction, so that memory holds one batch of rows and entries at a time (issue 11 §9)
        pinyin: dict[str, dict[str, str]] = {}
        for start in range(0, len(creates), INSERT_BATCH):
            rows = []
            for decision in creates[start : start + INSERT_BATCH]:
                step()
                values = decision.values
                row = {name: getattr(values, name) for name in _FIELD_NAMES}
                if decision.group:
                    row["group_id"] = group_ids[decision.group]
                search = pinyin.get(values.name)
                if search is None:
                    search = pinyin[values.name] = name_search_columns(values.name)
                row.update(search)
                row["branch_id"] = branch_id
                row["status"] = MemberStatus.ACTIVE.value
                rows.append(row)
            check_cancelled()
            ids = _insert_members(session, rows, user=ws.user, operation=operation)
            for decision, member_id in zip(creates[start : start + INSERT_BATCH], ids, strict=True):
                decision.member_id = member_id
            result.created += len(rows)
            if len(creates) > INSERT_BATCH:
                append_pending(session)
            del rows
        check_cancelled()
        _record_paid_to(ws, session, resolution.decisions, result, today)
        if progress is not None:
            progress(total, total)
    if result.created >= BULK_STATISTICS_ROWS:
        ws.db.refresh_statistics()
    return result


def _record_paid_to(ws: Workspace, session, decisions: list[_Decision], result: ImportResult, today: dt.date
                    ) -> None:  # fmt: skip
    """The file's 党费交至 as payments, one converted payment per month (as migration 0012 did), in the
    import's unit of work; a date that cannot be used is told in the result (the rest still imports)."""
    wanted = {d.member_id: d for d in decisions if d.paid_to is not None and d.member_id is not None}
    if not wanted:
        return
    written, reasons = ws.dues.record_paid_up_to(
        session, {mid: d.paid_to for mid, d in wanted.items()}, notes="由花名册的“党费交至”折算", today=today
    )
    result.dues_months, result.dues_members = sum(written.values()), len(written)
    for mid, why in reasons.items():
        result.dues_ignored.append(f"第 {wanted[mid].row.row} 行 {wanted[mid].row.name}：{why}")


_TIMESTAMPS = frozenset({"created_at", "updated_at"})


def _insert_members(session, rows: list[dict[str, Any]], *, user: str, operation: str) -> list[int]:
    """Insert member rows in one batch and write one audit entry per member, in the form the unit of
    work writes for an ORM insert (every non-empty column as [None, value])."""

    from branchdesk.db.models import Member
    from branchdesk.db.types import utcnow
    from branchdesk.db.uow import _plain, add_entries  # the unit of work's own value rule and queue

    table = Member.__table__
    now = utcnow()
    for row in rows:
        row["created_at"] = row["updated_at"] = now
    connection = session.connection()
    ids = insert_returning_ids(connection, table, rows, what="党员")
    plain_types = {str, int}
    audit = []
    for member_id, row in zip(ids, rows, strict=True):
        # what uow._insert_changes records: every non-empty column but the timestamps
        changes = {
            key: [None, value if type(value) in plain_types else _plain(value)]
            for key, value in row.items()
            if value is not None and value is not False and value != "" and key not in _TIMESTAMPS
        }
        changes["id"] = [None, member_id]
        audit.append({"at": now, "user": user, "operation": operation, "action": "insert", "entity": "member",
                      "entity_id": member_id, "changes": changes})  # fmt: skip
    add_entries(session, audit)
    return ids


# --------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------


def write_template(path: str | Path) -> Path:
    """An .xlsx import template: the header row, a grey example row, drop-downs, and a help sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from branchdesk.domain.text import display_width

    path = Path(path)
    columns = import_columns()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_font = Font(name="宋体", bold=True, size=11)
    required_font = Font(name="宋体", bold=True, size=11, color="C00000")
    example_font = Font(name="宋体", italic=True, color="808080")
    fill = PatternFill("solid", fgColor="D9E1F2")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    for index, column in enumerate(columns, start=1):
        title = f"*{column.label}" if column.key == "name" else column.label
        cell = ws.cell(row=1, column=index, value=title)
        cell.font = required_font if column.key == "name" else header_font
        cell.fill = fill
        cell.border = border
        cell.alignment = centre
        example = ws.cell(row=2, column=index, value=column.example)
        example.font = example_font
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.kind in ("date", "birth"):
            dimension.number_format = "yyyy-mm-dd"
            example.number_format = "yyyy-mm-dd"
        elif column.kind in ("id", "phone"):
            dimension.number_format = "@"
            example.number_format = "@"
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "C2"

    # drop-down lists; the long ones live on a hidden sheet
    choices = wb.create_sheet(CHOICES_SHEET_NAME)
    lists = {
        "sex": [s.label for s in Sex],
        "member_type": [t.label for t in MemberType],
        "education": list(EDUCATION_LEVELS),
        "ethnicity": list(ETHNICITIES),
        "degree": list(DEGREES),
        "bool": ["是", "否"],
        "person_category": [c.label for c in PersonCategory],
    }
    refs = {}
    for col, (key, items) in enumerate(lists.items(), start=1):
        for row, item in enumerate(items, start=1):
            choices.cell(row=row, column=col, value=item)
        letter = get_column_letter(col)
        refs[key] = f"{quote_sheetname(CHOICES_SHEET_NAME)}!${letter}$1:${letter}${len(items)}"
    choices.sheet_state = "hidden"
    strict = {"sex", "member_type", "bool", "person_category"}
    for index, column in enumerate(columns, start=1):
        key = "bool" if column.kind in ("bool", "lost", "mobile_member") else column.key
        if key not in refs:
            continue
        hard = key in strict
        validation = DataValidation(
            type="list",
            formula1=refs[key],
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if hard else "warning",
            errorTitle="请从列表中选择",
            error=f"“{column.label}”请从下拉列表中选择。",
        )
        letter = get_column_letter(index)
        validation.add(f"{letter}3:{letter}2000")
        ws.add_data_validation(validation)

    help_sheet = wb.create_sheet(HELP_SHEET_NAME, 1)
    help_sheet.append(["党员花名册导入说明"])
    help_sheet["A1"].font = Font(name="宋体", bold=True, size=14)
    notes = [
        f"1. 在“{SHEET_NAME}”工作表中每行填写一名党员，第 2 行是灰色斜体的{EXAMPLE_MARK}，导入时自动忽略，可以删除。",
        "2. 只有“姓名”必填；填写了公民身份号码时，出生日期和性别可以留空，由号码推算。",
        "3. 日期可写成 2008-06-20、2008/6/20、2008.06.20、2008年6月20日 或 Excel 日期；出生年月可只写年月（如 1985.03）。",
        "4. 再次导入同一份名单时，按公民身份号码找到已有党员并更新，不会重复建档；没有号码的按姓名和出生日期查找。",
        "5. 更新已有党员时，只修改表中填写了内容的单元格；表中没有的列、留空的单元格不会清除系统中已有的信息。",
        "6. 表中有错误时，系统会列出每个错误所在的行号、列名和原因，并且不导入任何数据，改正后重新导入即可。",
        "7. 列名可以使用常见叫法（如“出生年月”“身份证号”“联系电话”），也可以在表头上方保留标题行；不认识的列会被忽略。",
    ]
    for line in notes:
        help_sheet.append([line])
        row = help_sheet.max_row
        help_sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        help_sheet.cell(row=row, column=1).alignment = Alignment(vertical="top", wrap_text=True)
        help_sheet.row_dimensions[row].height = 30
    help_sheet.append([])
    help_sheet.append(["列名", "填写要求", "也可使用的列名"])
    head_row = help_sheet.max_row
    for cell in help_sheet[head_row]:
        cell.font = header_font
        cell.fill = fill
        cell.border = border
    for column in columns:
        others = [a for a in column.aliases if header_key(a) != header_key(column.label)]
        texts = [column.label, column.help, "、".join(others)]
        help_sheet.append(texts)
        row = help_sheet.max_row
        for cell in help_sheet[row]:
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        lines = max(-(-display_width(t) // (w - 2)) for t, w in zip(texts, (20, 70, 40), strict=True))
        if lines > 1:
            help_sheet.row_dimensions[row].height = 15 * lines
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 70
    help_sheet.column_dimensions["C"].width = 40
    for sheet in (ws, help_sheet):
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
