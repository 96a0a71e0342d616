"""Member records as plain data, and the validation of a member's file (domain.md §4).

`MemberFields` is what a person edits (form, import row); `MemberRecord` is the stored snapshot a
service returns. Validation returns every problem at once, each naming its field in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace

from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, MemberStatus, MemberType, PersonCategory, Sex

# The member dates that come from paper and may be known only to the month (or year): each has a
# "<name>_precision" field and column (0014).
PAPER_DATE_FIELDS = ("birth_date", "join_date", "conversion_date", "activist_date", "work_start_date")


@dataclass(kw_only=True, slots=True)  # slots: an import of 200,000 rows holds as many (issue 11 §9)
class MemberFields:
    name: str = ""
    id_number: str | None = None
    sex: str = ""
    ethnicity: str = ""
    birth_date: dt.date | None = None
    native_place: str = ""
    education: str = ""
    degree: str = ""
    member_type: str = MemberType.FULL.value
    group_id: int | None = None
    is_group_leader: bool = False
    join_date: dt.date | None = None
    conversion_date: dt.date | None = None
    activist_date: dt.date | None = None
    sponsors: str = ""
    transferred_in_date: dt.date | None = None
    work_start_date: dt.date | None = None
    work_unit: str = ""
    job: str = ""
    post: str = ""
    party_post: str = ""
    mobile: str = ""
    landline: str = ""
    address: str = ""
    lost_contact: bool = False
    lost_contact_since: dt.date | None = None
    is_mobile_member: bool = False
    mobile_whereabouts: str = ""
    watch_until: dt.date | None = None
    dues_basis_fen: int | None = None
    dues_monthly_fen: int | None = None
    dues_paid_to: dt.date | None = None
    dossier_location: str = ""
    person_category: str = ""  # a PersonCategory code, or "" (not recorded)
    student_number: str = ""
    grade: str = ""
    class_name: str = ""
    major: str = ""
    notes: str = ""
    # how precise the paper dates are (0014): "year", "month" or "day" (see domain.partial_dates)
    birth_date_precision: str = "day"
    join_date_precision: str = "day"
    conversion_date_precision: str = "day"
    activist_date_precision: str = "day"
    work_start_date_precision: str = "day"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(MemberFields))

    def partial(self, name: str):
        """A paper date field with its precision (``PartialDate``), or None when empty."""
        from branchdesk.domain.partial_dates import PartialDate

        return PartialDate.stored(getattr(self, name), getattr(self, f"{name}_precision", "day"))

    def date_text(self, name: str) -> str:
        """A date field as printed: "1999年3月" for a month-precise 出生年月, "2008年6月20日" for a day."""
        value = self.partial(name)
        return value.text if value is not None else ""

    def editable(self) -> MemberFields:
        """Just the editable part (a record passed where fields are expected)."""
        return MemberFields(**{name: getattr(self, name) for name in MemberFields.names()})


@dataclass(kw_only=True)
class MemberRecord(MemberFields):
    id: int
    branch_id: int
    status: str = MemberStatus.ACTIVE.value
    status_date: dt.date | None = None
    status_reason: str = ""
    group_name: str = ""
    name_initials: str = ""
    updated_at: dt.datetime | None = None

    @property
    def type_label(self) -> str:
        return MemberType(self.member_type).label

    @property
    def status_label(self) -> str:
        return MemberStatus(self.status).label


@dataclass(frozen=True)
class FieldIssue:
    field: str
    message: str

    @property
    def label(self) -> str:
        return MEMBER_FIELD_LABELS.get(self.field, self.field)

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


class ValidationError(ValueError):
    def __init__(self, issues: list[FieldIssue]):
        self.issues = list(issues)
        super().__init__("；".join(str(i) for i in self.issues))


_NAME_BAD = re.compile(r"[0-9０-９@#$%^&*_=+<>?/\\|{}\[\]~]")


def normalise(values: MemberFields) -> MemberFields:
    """Trim text, normalise ID and phones, and fill birth date and sex from the ID number when empty."""
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id
    from branchdesk.domain.phone import normalize_phone

    changes: dict = {}
    for f in fields(MemberFields):
        value = getattr(values, f.name)
        if isinstance(value, str):
            changes[f.name] = value.strip()
    changes["name"] = re.sub(r"\s+", "", changes["name"])
    id_number = (values.id_number or "").strip()
    changes["id_number"] = id_number or None
    if id_number:
        try:
            info = parse_citizen_id(id_number)
        except CitizenIdError:
            pass
        else:
            changes["id_number"] = info.number
            birth = values.partial("birth_date")
            if birth is None or (not birth.exact and birth.contains(info.birth_date)):
                # the ID number gives the day a 出生年月 column leaves out
                changes["birth_date"] = info.birth_date
                changes["birth_date_precision"] = "day"
            if not changes["sex"]:
                changes["sex"] = info.sex
    for name in PAPER_DATE_FIELDS:
        if name in changes:
            continue
        value = values.partial(name)
        changes[name] = value.first if value is not None else None
        changes[f"{name}_precision"] = value.precision.value if value is not None else "day"
    changes["mobile"] = normalize_phone(changes["mobile"]) if changes["mobile"] else ""
    changes["landline"] = normalize_phone(changes["landline"]) if changes["landline"] else ""
    return replace(values, **changes)


# Longest text each field may hold (the database columns have these lengths; PostgreSQL enforces them).
TEXT_LIMITS: dict[str, int] = {
    "name": 50,
    "ethnicity": 20,
    "native_place": 100,
    "education": 20,
    "degree": 20,
    "sponsors": 100,
    "work_unit": 100,
    "job": 100,
    "post": 100,
    "party_post": 100,
    "mobile": 20,
    "landline": 30,
    "address": 200,
    "mobile_whereabouts": 200,
    "dossier_location": 200,
    "student_number": 30,
    "grade": 20,
    "class_name": 50,
    "major": 100,
}


def validate(values: MemberFields, *, today: dt.date | None = None) -> list[FieldIssue]:
    """Every problem of a (normalised) member file, each naming its field."""
    from branchdesk.domain.citizen_id import CitizenIdError, parse_citizen_id
    from branchdesk.domain.dates import add_years, format_date
    from branchdesk.domain.phone import validate_landline, validate_mobile

    today = today or dt.date.today()
    issues: list[FieldIssue] = []

    def issue(name: str, message: str) -> None:
        issues.append(FieldIssue(name, message))

    too_long = {
        name: limit
        for name, limit in TEXT_LIMITS.items()
        if isinstance(getattr(values, name), str) and len(getattr(values, name)) > limit
    }
    for name, limit in too_long.items():
        issue(name, f"不能超过 {limit} 个字（现有 {len(getattr(values, name))} 个字）")

    if not values.name:
        issue("name", "不能为空")
    elif "name" in too_long:
        pass
    elif _NAME_BAD.search(values.name):
        issue("name", "含有数字或符号，请检查")

    if values.person_category and values.person_category not in PersonCategory._value2member_map_:
        issue("person_category", "只能是" + "、".join(f"“{c.label}”" for c in PersonCategory))
    if values.sex and values.sex not in (Sex.MALE.value, Sex.FEMALE.value):
        issue("sex", "只能填“男”或“女”")
    try:
        member_type = MemberType(values.member_type)
    except ValueError:
        issue("member_type", "只能是“正式党员”或“预备党员”")
        member_type = None

    if values.id_number:
        try:
            info = parse_citizen_id(values.id_number, today=today)
        except CitizenIdError as exc:
            issue("id_number", str(exc))
        else:
            birth = values.partial("birth_date")
            if birth is not None and not (
                birth.first == info.birth_date or (not birth.exact and birth.contains(info.birth_date))
            ):
                issue(
                    "birth_date",
                    f"与公民身份号码不一致（号码中为 {format_date(info.birth_date)}，填写的是 {birth.text}）",
                )
            if values.sex and values.sex != info.sex:
                issue("sex", f"与公民身份号码不一致（号码第 17 位表示“{info.sex}”）")

    for name in ("birth_date", "join_date", "conversion_date", "activist_date", "transferred_in_date",
                 "work_start_date", "lost_contact_since"):  # fmt: skip
        value = getattr(values, name)
        if value is not None and value > today:
            issue(name, f"{format_date(value)} 晚于今天，不能是将来的日期")

    birth, join, conv = values.birth_date, values.join_date, values.conversion_date
    if birth and join:
        if join <= birth:
            issue("join_date", "入党日期必须晚于出生日期")
        elif (values.partial("join_date").last if values.join_date else join) < add_years(birth, 18):
            issue(
                "join_date", f"入党时未满十八周岁（年满十八周岁之日为 {format_date(add_years(birth, 18))}）"
            )
    if join and conv and conv < join:
        issue("conversion_date", f"转正日期不能早于入党日期（{format_date(join)}）")
    if member_type is MemberType.PROBATIONARY and conv:
        issue("conversion_date", "预备党员尚未转正，不应填写转正日期")
    if member_type is MemberType.PROBATIONARY and not join:
        issue("join_date", "预备党员必须填写入党日期（支部大会通过接收之日）")
    if values.activist_date and join and values.activist_date > join:
        issue("activist_date", "确定为积极分子的日期不能晚于入党日期")
    if birth and values.work_start_date and values.work_start_date <= birth:
        issue("work_start_date", "参加工作日期必须晚于出生日期")

    if values.mobile:
        message = validate_mobile(values.mobile)
        if message:
            issue("mobile", message)
    if values.landline:
        message = validate_landline(values.landline)
        if message:
            issue("landline", message)

    for name in PAPER_DATE_FIELDS:
        if getattr(values, f"{name}_precision") not in ("year", "month", "day"):
            issue(name, "日期精度只能是年、月或日")

    if values.lost_contact and not values.lost_contact_since:
        issue("lost_contact_since", "标记为失联党员时须填写失联日期")
    for name in ("dues_basis_fen", "dues_monthly_fen"):
        value = getattr(values, name)
        if value is not None and value < 0:
            issue(name, "不能为负数")
    return issues


def check(values: MemberFields, *, today: dt.date | None = None) -> MemberFields:
    """Normalise and validate; raise ValidationError listing every problem."""
    values = normalise(values)
    issues = validate(values, today=today)
    if issues:
        raise ValidationError(issues)
    return values


# Editable fields shown in tables/forms by default, with their labels.
def label_of(name: str) -> str:
    return MEMBER_FIELD_LABELS.get(name, name)


_NAME_LABEL = re.compile(r"\s*[（(][^（）()]*[）)]\s*$")


def bare_name(text: str) -> str:
    """A person's name without a trailing label: "蔡浩然（预备党员）" → "蔡浩然"."""
    return _NAME_LABEL.sub("", (text or "").strip()).strip()
