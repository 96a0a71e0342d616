"""Demo data (`branchdesk demo`): a fictional branch filled with plausible, rule-abiding records.

One call builds a branch of a fictional university (示范大学), its party groups, committee (current term
and the one before), honours, and members whose every date obeys the rules of domain.md: joined at
eighteen or older after at least a year as an activist, converted one year after joining (a few after
an extended probation), conversion never in the future, probationary members admitted within the last
twelve months. A little history is added: members transferred out with their letters, a deceased
member, a lost-contact member, mobile members, awards and a punishment. Dues follow the brackets of
the 2008 dues rules (students pay 0.20 yuan).

Everything happens in ONE unit of work. The branch, groups and honours are ORM objects, audited by the
unit of work as usual; members, status changes, awards and committee seats are written with bulk
inserts in chunks (100,000 members take seconds instead of minutes), which the audit hook does not see,
so one summary audit entry records what was generated.

The same seed and the same `today` give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select, update

from branchdesk.db.engine import Database
from branchdesk.db.models import (
    AuditEntry,
    Branch,
    BranchHonour,
    CommitteeMember,
    Member,
    MemberAward,
    MemberStatusChange,
    PartyGroup,
)
from branchdesk.domain.auth import Role
from branchdesk.domain.dates import add_months, add_years
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, AwardKind, CommitteePost, MemberStatus, MemberType
from branchdesk.services.names import RARE_SURNAMES, NameGenerator, chinese_number

__all__ = ["MAX_MEMBERS", "MIN_MEMBERS", "DemoRefusedError", "DemoSummary", "dues_monthly_fen", "generate"]

MIN_MEMBERS = 10
MAX_MEMBERS = 200_000
OPERATION = "生成演示数据"
_CHUNK = 5000
_MAX_GROUPS = 60

UNIVERSITY = "示范大学"
COLLEGE = "示范大学信息学院"
BRANCH_NAME = "示范大学信息学院计算机系师生联合党支部"
HIGHER_COMMITTEE = "示范大学信息学院党委"
#: The branches of a committee's demo (``demo --branches N``): the first is the one-branch demo's (its
#: members from every department), each other one a department's teachers and students (its 专业).
BRANCHES = (
    (BRANCH_NAME, None, None),
    (f"{COLLEGE}软件工程系师生联合党支部", "软件工程系", ("软件工程", "02")),
    (f"{COLLEGE}人工智能系师生联合党支部", "人工智能系", ("人工智能", "03")),
    (f"{COLLEGE}网络空间安全系师生联合党支部", "网络空间安全系", ("网络空间安全", "04")),
)
GROUP_LEADER = "党小组组长"

Progress = Callable[[int, int], None]


class DemoRefusedError(ValidationError):
    """The demo cannot run here (the database holds records, or the size is out of range).

    A `ValidationError` (hence a `ValueError`) whose text is the plain Chinese message.
    """

    def __init__(self, message: str):
        ValueError.__init__(self, message)
        self.issues = [FieldIssue("", message)]

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class DemoSummary:
    branch_id: int
    branch_name: str
    groups: int
    members: int  # on the roster (status active)
    full: int
    probationary: int
    committee: int  # current committee seats
    secretary: str
    transferred_out: int
    deceased: int
    lost_contact: int
    mobile_members: int
    awards: int
    punishments: int
    honours: int
    seconds: float
    dossiers: int = 0  # development dossiers (发展党员档案)
    meetings: int = 0  # meeting records (会议记录)
    other_branches: tuple[str, ...] = ()  # a committee's demo: its other branches, each as large

    @property
    def records(self) -> int:
        """Member files written, including the history ones (transferred out, deceased)."""
        return self.members + self.transferred_out + self.deceased

    def describe(self) -> str:
        return (
            f"已生成演示数据：支部「{self.branch_name}」，{self.groups} 个党小组，"
            f"{self.members} 名在册党员（{MemberType.FULL.label} {self.full} 名，"
            f"{MemberType.PROBATIONARY.label} {self.probationary} 名），"
            f"支委 {self.committee} 人（{CommitteePost.SECRETARY.label}：{self.secretary}）；"
            f"另有{MemberStatus.TRANSFERRED_OUT.label} {self.transferred_out} 人、"
            f"{MemberStatus.DECEASED.label} {self.deceased} 人的历史档案；"
            f"失联党员 {self.lost_contact} 名，{MEMBER_FIELD_LABELS['is_mobile_member']} {self.mobile_members} 名；"
            f"奖惩记录 {self.awards + self.punishments} 条（奖励 {self.awards}，惩处 {self.punishments}），"
            f"支部荣誉 {self.honours} 项；发展党员档案 {self.dossiers} 份；会议记录 {self.meetings} 份。"
            + (
                f"另有 {len(self.other_branches)} 个支部（{'、'.join(self.other_branches)}），各有 {self.members} 名在册党员"
                "及其发展党员档案、会议记录、党费和活动；支部 › 各支部概览 可查看全部支部。"
                if self.other_branches
                else ""
            )
            + f"用时 {self.seconds:.1f} 秒。"
        )


# --------------------------------------------------------------------------- dues (domain.md §5)


def dues_monthly_fen(basis_fen: int | None, *, retired: bool = False, student: bool = False) -> int:
    """Monthly dues in fen on a monthly after-tax income (or pension) in fen, rounded half up
    (the brackets of ``domain.dues``). Students (and the unemployed) pay 0.20 yuan."""
    from branchdesk.domain.dues import DuesCategory, dues_amount

    if student or basis_fen is None:
        return dues_amount(DuesCategory.STUDENT)
    return dues_amount(DuesCategory.RETIRED if retired else DuesCategory.EMPLOYED, basis_fen)


# --------------------------------------------------------------------------- vocabulary of the demo

# (region code, native place, weight): a university in Fuzhou draws mostly from Fujian.
_REGIONS: tuple[tuple[str, str, int], ...] = (
    ("350102", "福建福州", 10), ("350104", "福建福州", 6), ("350121", "福建闽侯", 5), ("350181", "福建福清", 5),
    ("350203", "福建厦门", 5), ("350503", "福建泉州", 6), ("350582", "福建晋江", 4), ("350602", "福建漳州", 4),
    ("350702", "福建南平", 3), ("350802", "福建龙岩", 4), ("350902", "福建宁德", 3), ("350302", "福建莆田", 4),
    ("350403", "福建三明", 3), ("110105", "北京", 1), ("310104", "上海", 1), ("440106", "广东广州", 2),
    ("510107", "四川成都", 2), ("320102", "江苏南京", 1), ("330106", "浙江杭州", 2), ("420106", "湖北武汉", 2),
    ("430104", "湖南长沙", 2), ("370102", "山东济南", 2), ("410105", "河南郑州", 2), ("610113", "陕西西安", 1),
    ("360102", "江西南昌", 3), ("340104", "安徽合肥", 2), ("130104", "河北石家庄", 1), ("210102", "辽宁沈阳", 1),
    ("230103", "黑龙江哈尔滨", 1), ("500103", "重庆", 1), ("450103", "广西南宁", 1), ("530102", "云南昆明", 1),
    ("520102", "贵州贵阳", 1), ("140105", "山西太原", 1), ("620102", "甘肃兰州", 1), ("220102", "吉林长春", 1),
    ("120101", "天津", 1),
)  # fmt: skip

_ETHNICITIES = (("汉族", 920), ("畲族", 20), ("回族", 15), ("满族", 10), ("壮族", 10), ("土家族", 8),
                ("苗族", 6), ("蒙古族", 5), ("朝鲜族", 3), ("彝族", 3))  # fmt: skip

_DEPARTMENTS = ("计算机科学系", "软件工程系", "人工智能系", "网络空间安全系")
_OFFICES = ("学院办公室", "教学办公室", "科研办公室")
# The college's graduate majors (a student's 专业) and their code in the 学号.
_MAJORS = (("计算机科学与技术", "01"), ("软件工程", "02"), ("人工智能", "03"), ("网络空间安全", "04"))

# Monthly after-tax pay in yuan by post.
_PAY = {
    "助教": (4800, 6500), "讲师": (6500, 9800), "副教授": (9000, 13500), "教授": (12000, 21000),
    "科员": (4600, 8000), "副科长": (7000, 9800), "科长": (8500, 11500), "副处长": (10000, 14000),
    "助理实验师": (4200, 6500), "实验师": (6500, 9500), "高级实验师": (9000, 12500),
}  # fmt: skip
_PENSION = (3800, 9500)

_DISTRICTS = ("鼓楼区", "台江区", "仓山区", "晋安区", "闽侯县")
_ROADS = (
    "学府路",
    "工业路",
    "杨桥中路",
    "湖东路",
    "福新路",
    "金山大道",
    "乌山路",
    "六一北路",
    "华林路",
    "福湾路",
)
_ESTATES = ("书香苑", "学府小区", "金山花园", "教工宿舍", "江滨花园", "榕城华府", "闽江新村", "温泉公寓")

_DEGREE = {"研究生（博士）": "博士", "研究生（硕士）": "硕士", "大学本科": "学士", "大学专科": "无"}

_MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
                    "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199")  # fmt: skip

_WHEREABOUTS = (
    "西藏某高校（对口支援）", "新疆某高校（援疆支教）", "示范市高新区某科技企业（挂职锻炼）",
    "上海某研究院（合作研究）", "宁德市某县（驻村第一书记）", "深圳某科技公司（产学研合作）",
)  # fmt: skip

_TRANSFER_STAFF = (
    ("工作调动", "示范大学数学与统计学院教工第二党支部"),
    ("工作调动", "示范理工大学计算机学院党委"),
    ("工作调动", "示范市某区教育局机关党委"),
    ("工作调动", "示范市高新区某科技企业党支部"),
)
_TRANSFER_STUDENT = (
    ("毕业离校", "示范市某软件公司党支部（毕业就业）"),
    ("毕业离校", "某高校计算机学院党委（升学攻读博士学位）"),
    ("毕业离校", "户籍所在地街道党工委（毕业待就业）"),
)

_HONOURS = (
    ("示范大学先进基层党组织", "示范大学党委", "校（院）级", 6, 28),
    ("示范大学“样板支部”培育创建单位", "示范大学党委组织部", "校（院）级", 12, 20),
    ("示范大学“五好”党支部", "示范大学党委", "校（院）级", 6, 30),
    ("信息学院“红旗党支部”", "示范大学信息学院党委", "校（院）级", 1, 10),
)


def _date(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _month_end(d: dt.date) -> dt.date:
    return add_months(d.replace(day=1), 1) - dt.timedelta(days=1)


# --------------------------------------------------------------------------- the generator


@dataclass
class _Plan:
    """Counts and the special roles of positions, all decided up front from the seed."""

    active: int
    groups: int
    posts: list[str]  # current committee posts, secretary first
    transferred: int
    deceased: int
    lost: int
    mobile: int
    punished: int
    roles: dict[int, str]
    probationary: set[int]
    extended: dict[int, int]  # position -> extension months
    rare: dict[int, str]  # position -> forced surname
    group_of: list[int]
    cur_start: dt.date
    prev_start: dt.date

    @property
    def records(self) -> int:
        return self.active + self.transferred + self.deceased


class _Generator:
    def __init__(self, rng: random.Random, today: dt.date, *, department=None, major=None, shared=None):
        """``department``, ``major``: a department's branch (its teachers' department, its students'
        专业; None: any). ``shared``: another branch's generator, whose ID numbers, mobiles and 学号 are
        not given again (one database, one college)."""
        self.rng = rng
        self.today = today
        self.department, self.major = department, major
        self.names = NameGenerator(rng)
        self.used_ids: set[str] = set()
        self.used_mobiles: set[str] = set()
        self.surname_cache: dict[str, tuple[str, str]] = {}
        self.given_cache: dict[str, tuple[str, str]] = {}
        self.outsiders: list[str] = []  # sponsors from other organisations
        self.region_codes = [r[0] for r in _REGIONS]
        self.region_places = {r[0]: r[1] for r in _REGIONS}
        self.region_weights = [r[2] for r in _REGIONS]
        self.ethnicities = [e for e, _ in _ETHNICITIES]
        self.ethnicity_weights = [w for _, w in _ETHNICITIES]
        # conversion date and name of the full members generated so far: sponsor candidates
        self.sponsor_dates: list[dt.date] = []
        self.sponsor_names: list[str] = []
        self.student_seq: dict[str, int] = {}  # 学号 prefix -> last number given
        if shared is not None:
            self.used_ids, self.used_mobiles, self.student_seq = (
                shared.used_ids,
                shared.used_mobiles,
                shared.student_seq,
            )

    # ---- small draws -------------------------------------------------------------------------
    def days_between(self, start: dt.date, end: dt.date) -> dt.date:
        return _date(self.rng.randint(start.toordinal(), max(start.toordinal(), end.toordinal())))

    def pinyin(self, family: str, given: str) -> tuple[str, str]:
        """`name_pinyin(family + given)`, assembled from cached readings of the two parts."""
        from branchdesk.domain.pinyin import name_pinyin

        sur = self.surname_cache.get(family)
        if sur is None:
            sur = self.surname_cache[family] = name_pinyin(family, surname=family)
        giv = self.given_cache.get(given)
        if giv is None:
            giv = self.given_cache[given] = name_pinyin(given, surname="")
        return sur[0] + giv[0], sur[1] + giv[1]

    def citizen_id(self, birth: dt.date, sex: str) -> tuple[str, str]:
        from branchdesk.domain.citizen_id import make_citizen_id

        rng = self.rng
        while True:
            region = rng.choices(self.region_codes, weights=self.region_weights)[0]
            number = make_citizen_id(region, birth, rng.randrange(500), sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number, region

    def mobile(self) -> str:
        rng = self.rng
        while True:
            number = rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(100_000_000):08d}"
            if number not in self.used_mobiles:
                self.used_mobiles.add(number)
                return number

    def home_address(self) -> str:
        rng = self.rng
        return (
            f"福建省福州市{rng.choice(_DISTRICTS)}{rng.choice(_ROADS)}{rng.randint(1, 388)}号"
            f"{rng.choice(_ESTATES)}{rng.randint(1, 28)}座{rng.randint(1, 32)}{rng.randint(1, 4):02d}室"
        )

    def pay(self, post: str) -> int:
        lo, hi = _PAY.get(post, (6000, 9000))
        return self.rng.randint(lo * 100, hi * 100)

    def sponsors(self, join: dt.date, own_name: str, *, local: bool) -> str:
        """Two full members at the time of joining: branch members if some qualify, else invented names.

        `local`: the person joined in this branch (otherwise the sponsors belong to another organisation).
        """
        rng = self.rng
        chosen: list[str] = []
        pool = len(self.sponsor_names) if local else 0
        for _ in range(8 if pool else 0):
            i = rng.randrange(pool)
            name = self.sponsor_names[i]
            if self.sponsor_dates[i] < join and name != own_name and name not in chosen:
                chosen.append(name)
                if len(chosen) == 2:
                    break
        if not self.outsiders:
            self.outsiders = [self.names.name(rng.choice("男女")) for _ in range(500)]
        while len(chosen) < 2:
            name = rng.choice(self.outsiders)
            if name != own_name and name not in chosen:
                chosen.append(name)
        return "、".join(chosen)

    # ---- jobs ----------------------------------------------------------------------------------
    def staff_job(self, age: int, *, teacher: bool = False) -> tuple[str, str, str, str]:
        """(work unit, job, post, education) of a member of staff of the given age."""
        rng = self.rng
        r = 0.0 if teacher else rng.random()
        if r < 0.6:
            if age < 30:
                post = rng.choice(("助教", "讲师", "讲师"))
            elif age < 38:
                post = rng.choices(("讲师", "副教授", "教授"), (55, 42, 3))[0]
            elif age < 48:
                post = rng.choices(("讲师", "副教授", "教授"), (10, 55, 35))[0]
            else:
                post = rng.choices(("副教授", "教授"), (35, 65))[0]
            education = "研究生（博士）" if rng.random() < 0.85 else "研究生（硕士）"
            department = rng.choice(_DEPARTMENTS)
            return f"{COLLEGE}{self.department or department}", "专任教师", post, education
        if r < 0.78:
            if age < 32:
                post = "科员"
            elif age < 45:
                post = rng.choice(("科员", "副科长", "科长"))
            else:
                post = rng.choice(("副科长", "科长", "副处长"))
            education = rng.choices(
                ("研究生（硕士）", "大学本科", "大学专科"), (55, 40, 5 if age >= 40 else 0)
            )[0]
            return f"{COLLEGE}{rng.choice(_OFFICES)}", "行政管理", post, education
        if r < 0.9:
            post = (
                "助理实验师"
                if age < 30
                else rng.choice(("实验师", "高级实验师") if age >= 40 else ("实验师",))
            )
            education = "研究生（硕士）" if rng.random() < 0.6 else "大学本科"
            return f"{COLLEGE}实验中心", "实验技术", post, education
        post = "助教" if age < 30 else "讲师"
        education = rng.choices(("研究生（硕士）", "研究生（博士）", "大学本科"), (85, 5, 10))[0]
        return f"{COLLEGE}学生工作办公室", "辅导员", post, education

    # ---- one member file -----------------------------------------------------------------------
    def student_fields(self, id_number: str, enrolled: int, doctoral: bool) -> dict[str, str]:
        """人员身份 学生 with a 学号, 年级, 班级 and 专业 (migration 0011). Drawn from the member's own id
        number, not the generator's stream, so the rest of the demo stays as it was."""
        draw = random.Random(id_number)
        major, code = self.major or draw.choices(_MAJORS, (40, 25, 20, 15))[0]
        level = "博士" if doctoral else "硕士"
        prefix = f"{enrolled}{'2' if doctoral else '1'}{code}"
        seq = self.student_seq[prefix] = self.student_seq.get(prefix, 0) + 1
        return {"person_category": "student", "student_number": f"{prefix}{seq:03d}", "grade": f"{enrolled}级",
                "class_name": f"{enrolled}级{major}{level}{1 if doctoral else draw.randint(1, 2)}班", "major": major}  # fmt: skip

    def person(
        self,
        *,
        kind: str,  # staff / student / retiree
        ages: tuple[int, int],
        ref: dt.date,  # the file is as of this date: conversion and transfer-in not later
        probationary: bool = False,
        extension: int = 0,
        senior_by: dt.date | None = None,  # a full member by this date (committee)
        surname: str | None = None,
        teacher: bool = False,
    ) -> dict[str, Any]:
        rng, today = self.rng, self.today
        male_share = {"staff": 0.55, "student": 0.5, "retiree": 0.6}[kind]
        sex = "男" if rng.random() < male_share else "女"
        oldest = add_years(today, -ages[1] - 1) + dt.timedelta(days=1)
        youngest = add_years(today, -ages[0])
        birth = self.days_between(oldest, youngest)
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        id_number, region = self.citizen_id(birth, sex)
        family, given = self.names.name_parts(sex, surname)
        name = family + given
        initials, full_pinyin = self.pinyin(family, given)

        work_unit, job, post, education = COLLEGE, "", "", ""
        work_start: dt.date | None = None
        start_here: dt.date | None = None  # arrival at the college (work or enrolment)
        if kind == "student":
            doctoral = age >= 25 and rng.random() < 0.6
            job = "博士研究生" if doctoral else "硕士研究生"
            education = "研究生（硕士）" if doctoral else "大学本科"
            latest_year = today.year if dt.date(today.year, 9, 1) <= today else today.year - 1
            start_age = 25 if doctoral else 22
            year = min(latest_year, max(latest_year - (3 if doctoral else 2), birth.year + start_age))
            start_here = dt.date(year, 9, rng.randint(1, 12))
        elif kind == "retiree":
            post = rng.choices(("教授", "副教授", "高级实验师", "科长", "副处长"), (30, 35, 10, 15, 10))[0]
            job = "退休"
            education = rng.choices(
                ("大学本科", "研究生（硕士）", "研究生（博士）", "大学专科"), (50, 30, 10, 10)
            )[0]
            work_start = add_months(birth, 12 * rng.randint(20, 25) + rng.randint(0, 11))
            start_here = work_start
        else:
            work_unit, job, post, education = self.staff_job(age, teacher=teacher)
            start_age = {"研究生（博士）": 27, "研究生（硕士）": 24, "大学本科": 22, "大学专科": 20}[
                education
            ]
            work_start = add_months(birth, 12 * start_age + rng.randint(0, 30))
            latest = today - dt.timedelta(days=60)
            if work_start > latest:
                work_start = self.days_between(add_months(latest, -12), latest)
            start_here = work_start
        degree = _DEGREE.get(education, "无")

        # party dates: application at 18 or later, activist a year or more before joining
        earliest_join = add_months(birth, 12 * 19 + 3)
        if probationary:
            join = today - dt.timedelta(days=rng.randint(3, 360))
            conversion = None
        else:
            latest_join = add_months(ref, -(12 + extension))
            if senior_by is not None:
                latest_join = min(latest_join, add_months(senior_by, -(12 + extension)))
            student = kind == "student"
            join_age = rng.uniform(19.5, 23.5) if student else rng.triangular(19.5, 38.0, 23.0)
            join = birth + dt.timedelta(days=int(join_age * 365.25))
            join = min(max(join, earliest_join), latest_join)
            if join < earliest_join:  # pragma: no cover - the age ranges make this impossible
                raise RuntimeError("demo: no room for the party dates")
            conversion = add_months(join, 12 + extension)
        if join < earliest_join:  # pragma: no cover
            raise RuntimeError("demo: member too young")
        activist = add_months(join, -rng.randint(12, 26)) - dt.timedelta(days=rng.randint(0, 25))
        if activist < add_months(birth, 12 * 18 + 1):
            activist = add_years(join, -1)

        transferred_in = None
        if start_here is not None and join < start_here:
            transferred_in = min(ref, start_here + dt.timedelta(days=rng.randint(5, 45)))
            if senior_by is not None:
                transferred_in = min(transferred_in, senior_by)
            transferred_in = max(transferred_in, join)
        sponsors = self.sponsors(join, name, local=transferred_in is None)

        # money: after-tax pay or pension, dues by bracket
        if kind == "student":
            basis, dues = None, dues_monthly_fen(None, student=True)
        elif kind == "retiree":
            basis = rng.randint(_PENSION[0] * 100, _PENSION[1] * 100)
            dues = dues_monthly_fen(basis, retired=True)
        else:
            basis = self.pay(post)
            dues = dues_monthly_fen(basis)
        paid_to = _month_end(add_months(today.replace(day=1), -rng.choices((1, 2, 3), (85, 10, 5))[0]))
        if paid_to < join:
            paid_to = None

        landline = ""
        if kind == "staff" and rng.random() < 0.45:
            landline = f"0591-2286{rng.randrange(10_000):04d}"
        elif kind == "retiree" and rng.random() < 0.6:
            landline = f"0591-8{rng.randrange(10_000_000):07d}"
        if kind == "student":
            address = f"福建省福州市闽侯县{UNIVERSITY}学生公寓{rng.randint(1, 24)}号楼{rng.randint(1, 6)}{rng.randint(1, 40):02d}室"
        else:
            address = self.home_address()
        native = (
            self.region_places[region]
            if rng.random() < 0.85
            else rng.choice(("福建福州", "福建莆田", "福建泉州"))
        )
        notes = ""
        school: dict[str, str] = dict.fromkeys(
            ("person_category", "student_number", "grade", "class_name", "major"), ""
        )
        if kind == "student":
            assert start_here is not None
            doctoral = job == "博士研究生"
            # a student who has left (graduated) by the file's date enrolled the usual years before
            enrolled = start_here.year if start_here <= ref else ref.year - (4 if doctoral else 3)
            school = self.student_fields(id_number, enrolled, doctoral)
        elif kind == "staff":
            school["person_category"] = "teacher" if job == "专任教师" else "staff"
        if extension:
            notes = f"预备期延长{'六个月' if extension == 6 else '一年'}，期满后经支部大会讨论按期转正。"

        row: dict[str, Any] = {
            "name": name,
            "name_initials": initials,
            "name_pinyin": full_pinyin,
            "id_number": id_number,
            "sex": sex,
            "ethnicity": rng.choices(self.ethnicities, weights=self.ethnicity_weights)[0],
            "birth_date": birth,
            "native_place": native,
            "education": education,
            "degree": degree,
            "member_type": (MemberType.PROBATIONARY if probationary else MemberType.FULL).value,
            "status": MemberStatus.ACTIVE.value,
            "status_date": None,
            "status_reason": "",
            "join_date": join,
            "conversion_date": conversion,
            "activist_date": activist,
            "sponsors": sponsors,
            "transferred_in_date": transferred_in,
            "work_start_date": work_start,
            "work_unit": work_unit,
            "job": job,
            "post": post,
            "party_post": "",
            "mobile": self.mobile(),
            "landline": landline,
            "address": address,
            "lost_contact": False,
            "lost_contact_since": None,
            "is_mobile_member": False,
            "mobile_whereabouts": "",
            "watch_until": None,
            "dues_basis_fen": basis,
            "dues_monthly_fen": dues,
            "dues_paid_to": paid_to,
            "dossier_location": "学院学生工作办公室" if kind == "student" else "学校人事处档案室",
            "notes": notes,
            **school,
            "is_group_leader": False,
            "group_id": None,
        }
        if conversion is not None:
            self.sponsor_dates.append(conversion)
            self.sponsor_names.append(name)
        return row


# --------------------------------------------------------------------------- planning


def _plan(rng: random.Random, members: int, today: dt.date) -> _Plan:
    groups = max(1, min(_MAX_GROUPS, round(members / rng.uniform(8.5, 11.5))))
    posts = [CommitteePost.SECRETARY.value]
    if members >= 20:
        posts.append(CommitteePost.DEPUTY.value)
    posts += [
        CommitteePost.ORGANISATION.value,
        CommitteePost.PROPAGANDA.value,
        CommitteePost.DISCIPLINE.value,
    ]
    transferred = max(2, round(members * 0.05))
    deceased = max(1, round(members * 0.01))
    lost = max(1, round(members * 0.01))
    mobile = max(2, round(members * 0.03))
    punished = max(1, round(members / 150)) if members >= 30 else 0
    records = members + transferred + deceased

    role_list = [f"cur:{p}" for p in posts]
    role_list += ["prev"] * (len(posts) - 3)  # previous committee: 2 re-elected, 1 since transferred out
    role_list += ["prev_out"] + ["out"] * (transferred - 1)
    role_list += ["dead"] * deceased + ["lost"] * lost + ["mobile"] * mobile + ["punished"] * punished
    positions = rng.sample(range(records), len(role_list))
    roles = dict(zip(positions, role_list, strict=True))

    ordinary = [p for p in range(records) if p not in roles]
    n_prob = max(1, round(members * rng.uniform(0.08, 0.10)))
    probationary = set(rng.sample(ordinary, min(n_prob, len(ordinary))))
    rest = [p for p in ordinary if p not in probationary]
    n_ext = max(2, round(members / 200))
    extended = {p: rng.choice((6, 12)) for p in rng.sample(rest, min(n_ext, len(rest)))}
    n_rare = min(len(RARE_SURNAMES), max(3, members // 10))
    rare = dict(zip(rng.sample(range(records), n_rare), RARE_SURNAMES[:n_rare], strict=True))

    group_of = [i % groups for i in range(records)]
    rng.shuffle(group_of)

    cur_start = today - dt.timedelta(days=rng.randint(60, 900))
    while cur_start.weekday() >= 5:
        cur_start -= dt.timedelta(days=1)
    return _Plan(
        active=members, groups=groups, posts=posts, transferred=transferred, deceased=deceased, lost=lost,
        mobile=mobile, punished=punished, roles=roles, probationary=probationary, extended=extended,
        rare=rare, group_of=group_of, cur_start=cur_start, prev_start=add_years(cur_start, -3),
    )  # fmt: skip


def _ordinary_kind(rng: random.Random, probationary: bool) -> tuple[str, tuple[int, int]]:
    if probationary:
        return ("student", (22, 28)) if rng.random() < 0.6 else ("staff", (26, 34))
    r = rng.random()
    if r < 0.12:
        return "student", (22, 29)
    if r < 0.22:
        return "retiree", (61, 65)
    return "staff", (26, 60)


# --------------------------------------------------------------------------- the entry point


def generate(
    db: Database,
    *,
    members: int = 60,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Progress | None = None,
    branches: int = 1,
) -> DemoSummary:
    """Fill an empty database with a fictional branch of `members` members on the roster — or, with
    ``branches`` > 1, a college committee's branches of `members` members each (``BRANCHES``: the first
    is the one-branch demo itself, the same for the same seed).

    Refuses (DemoRefusedError, a ValueError) when the database already holds a branch or members, so
    demo data never mixes with real records. Same seed and `today` → same data.
    """
    started = time.perf_counter()
    db.require(Role.ADMIN, OPERATION)
    if not MIN_MEMBERS <= members <= MAX_MEMBERS:
        raise DemoRefusedError(
            f"演示数据的党员人数应在 {MIN_MEMBERS} 到 {MAX_MEMBERS} 之间，当前为 {members}"
        )
    if not 1 <= branches <= len(BRANCHES):
        raise DemoRefusedError(f"演示数据的支部数应在 1 到 {len(BRANCHES)} 之间，当前为 {branches}")
    today = today or dt.date.today()
    rng = random.Random(seed)
    plan = _plan(rng, members, today)
    gen = _Generator(rng, today)
    parts = [(BRANCH_NAME, rng, plan, gen, random.Random(seed * 7919 + 15))]
    for n, (name, department, major) in enumerate(BRANCHES[1:branches], start=1):
        own = random.Random(seed * 1_000_003 + n)
        parts.append((name, own, _plan(own, members, today),
                      _Generator(own, today, department=department, major=major, shared=gen),
                      random.Random((seed * 1_000_003 + n) * 7919 + 15)))  # fmt: skip
    total = sum(part[2].records for part in parts)
    if progress:
        progress(0, total)

    with db.write(OPERATION, needs=Role.ADMIN) as session:
        existing = session.scalar(select(func.count(Member.id))) or 0
        if existing:
            raise DemoRefusedError(
                f"数据库中已有 {existing} 份党员档案，不能再生成演示数据（以免与真实档案混在一起）。"
                "请使用一个新的数据库文件，例如：branchdesk --db 演示.sqlite demo"
            )
        branch_name = session.scalar(select(Branch.name).limit(1))
        if branch_name is not None:
            raise DemoRefusedError(
                f"数据库中已有支部「{branch_name}」的资料，演示数据只能生成在新的空数据库中。"
                "请使用一个新的数据库文件，例如：branchdesk --db 演示.sqlite demo"
            )
        written: list[dict] = []
        for name, own, own_plan, own_gen, activities_rng in parts:
            done = sum(w["records"] for w in written)
            step = (lambda n, _t, done=done: progress(done + n, total)) if progress else None
            written.append(_write_branch(session, db, name, own, own_plan, own_gen, today, seed,
                                         activities_rng, step))  # fmt: skip
        # the rows written in bulk above get their audit entries here (the trail must match the data)
        from branchdesk.services.audit_replay import baseline

        baseline(session, user=db.user, operation=OPERATION)

    db.refresh_statistics()
    first = written[0]
    if len(written) > 1:  # the showcase branch opens when none is named (the window, the command line)
        from branchdesk.workspace import Workspace

        Workspace(db, first["branch_id"]).branch.remember()
    return DemoSummary(
        branch_id=first["branch_id"],
        branch_name=BRANCH_NAME,
        groups=plan.groups,
        members=members,
        full=members - len(plan.probationary),
        probationary=len(plan.probationary),
        committee=len(plan.posts),
        secretary=first["secretary"],
        transferred_out=plan.transferred,
        deceased=plan.deceased,
        lost_contact=plan.lost,
        mobile_members=plan.mobile,
        awards=first["awards"],
        punishments=first["punishments"],
        honours=first["honours"],
        seconds=time.perf_counter() - started,
        dossiers=first["dossiers"],
        meetings=first["meetings"],
        other_branches=tuple(part[0] for part in parts[1:]),
    )


def _write_branch(session, db: Database, name: str, rng: random.Random, plan: _Plan, gen: _Generator,
                  today: dt.date, seed: int, activities_rng: random.Random, progress) -> dict:  # fmt: skip
    """One demo branch written: the branch, its groups and honours, members (in chunks, ``progress(n,
    total)``), committee, dossiers, meetings, dues and activities, and its audit summary."""
    branch = Branch(
        name=name,
        founded_on=min(dt.date(rng.randint(1998, 2008), rng.choice((3, 4, 6, 9, 11)), rng.randint(1, 28)),
                       add_years(today, -10)),
        higher_committee=HIGHER_COMMITTEE,
        address=f"{COLLEGE}大楼三层党员活动室",
        committee_term_start=plan.cur_start,
        committee_term_end=add_years(plan.cur_start, 3),
        notes="演示数据：本支部及其党员均为虚构，如有雷同纯属巧合。",
    )  # fmt: skip
    session.add(branch)
    session.flush()
    group_rows = [
        PartyGroup(branch_id=branch.id, name=f"第{chinese_number(i + 1)}党小组", sort_order=i + 1)
        for i in range(plan.groups)
    ]
    session.add_all(group_rows)
    honour_count = rng.choice((2, 3))
    honour_years = sorted(rng.sample(range(today.year - 8, today.year), honour_count))
    for (title, issuer, level, month, day), year in zip(
        rng.sample(_HONOURS, honour_count), honour_years, strict=True
    ):
        session.add(BranchHonour(branch_id=branch.id, date=dt.date(year, month, day), title=title,
                                 issuer=issuer, level=level))  # fmt: skip
    session.flush()
    group_ids = [g.id for g in group_rows]
    branch_id = branch.id
    total = plan.records

    writer = _Writer(session, gen, plan, branch_id, group_ids, today, rng)
    for start in range(0, total, _CHUNK):
        writer.chunk(range(start, min(total, start + _CHUNK)))
        if progress:
            progress(min(total, start + _CHUNK), total)
    secretary = writer.finish()
    from branchdesk.services.demo_development import insert_demo_dossiers

    dossiers = insert_demo_dossiers(session, branch_id=branch_id, today=today, rng=rng, user=db.user,
                                    operation=OPERATION)  # fmt: skip
    from branchdesk.services.demo_meetings import insert_demo_meetings

    meetings = insert_demo_meetings(session, branch_id=branch_id, today=today, rng=rng, user=db.user,
                                    operation=OPERATION)  # fmt: skip
    from branchdesk.services.demo_dues import insert_demo_dues

    insert_demo_dues(session, branch_id=branch_id, today=today, rng=rng)

    from branchdesk.services.demo_activities import insert_demo_activities

    insert_demo_activities(session, branch_id=branch_id, today=today, rng=activities_rng)

    session.add(
        AuditEntry(
            user=db.user,
            operation=OPERATION,
            action="insert",
            entity="member",
            entity_id=None,
            branch_id=branch_id,
            changes={
                "summary": [
                    None,
                    f"批量生成演示数据：党员档案 {total} 份，党籍变动记录 {writer.status_changes} 条，"
                    f"奖惩记录 {writer.awards + writer.punishments} 条，支委任职记录 {writer.seats} 条"
                    f"（随机种子 {seed}）",
                ]
            },
        )
    )
    return {"branch_id": branch_id, "records": total, "secretary": secretary, "awards": writer.awards,
            "punishments": writer.punishments, "honours": honour_count, "dossiers": dossiers,
            "meetings": meetings}  # fmt: skip


class _Writer:
    """Generates and bulk-inserts members chunk by chunk, then the committee and group leaders."""

    def __init__(self, session, gen: _Generator, plan: _Plan, branch_id: int, group_ids: list[int],
                 today: dt.date, rng: random.Random):  # fmt: skip
        self.session, self.gen, self.plan, self.today, self.rng = session, gen, plan, today, rng
        self.branch_id, self.group_ids = branch_id, group_ids
        self.leaders: dict[int, int] = {}  # group index -> member id
        self.fallback_leaders: dict[int, int] = {}
        self.special: dict[str, list[tuple[int, dict]]] = {}  # role -> [(member id, row)]
        self.letters: dict[int, int] = {}  # year -> last letter number
        self.status_changes = self.awards = self.punishments = self.seats = 0

    # ---- members -------------------------------------------------------------------------------
    def _row(self, pos: int) -> tuple[dict, str | None, dict]:
        """(row, role, extra) of the member at a position."""
        gen, plan, rng, today = self.gen, self.plan, self.rng, self.today
        role = plan.roles.get(pos)
        surname = plan.rare.get(pos)
        extra: dict[str, Any] = {}
        if role is not None and (role.startswith("cur:") or role in ("prev", "prev_out")):
            ref = today
            if role == "prev_out":
                ref = min(
                    today - dt.timedelta(days=1), plan.cur_start + dt.timedelta(days=rng.randint(10, 120))
                )
                extra["date"] = ref
            row = gen.person(kind="staff", ages=(40, 58), ref=ref, senior_by=plan.prev_start, surname=surname,
                             teacher=role == f"cur:{CommitteePost.SECRETARY.value}")  # fmt: skip
        elif role == "out":
            if rng.random() < 0.5:
                year = today.year - rng.randint(1, 3)
                ref = min(dt.date(year, 7, rng.randint(1, 15)), today - dt.timedelta(days=1))
                row = gen.person(kind="student", ages=(26, 30), ref=ref, surname=surname)
                extra["reason"], extra["destination"] = rng.choice(_TRANSFER_STUDENT)
            else:
                ref = today - dt.timedelta(days=rng.randint(20, 1000))
                row = gen.person(kind="staff", ages=(33, 55), ref=ref, surname=surname)
                extra["reason"], extra["destination"] = rng.choice(_TRANSFER_STAFF)
            extra["date"] = ref
        elif role == "dead":
            ref = today - dt.timedelta(days=rng.randint(20, 700))
            row = gen.person(kind="retiree", ages=(62, 65), ref=ref, surname=surname)
            extra["date"] = ref
        elif role == "lost":
            since = add_months(today, -rng.randint(7, 15))
            row = gen.person(kind="student", ages=(25, 30), ref=since, surname=surname)
            row["lost_contact"] = True
            row["lost_contact_since"] = since
            row["dues_paid_to"] = _month_end(add_months(since, -1))
            row["notes"] = "毕业后未及时转接组织关系，经电话、短信、微信及联系家属多次查找未果。"
        elif role == "mobile":
            since = add_months(today, -rng.randint(6, 20))
            row = gen.person(kind="staff", ages=(30, 50), ref=today, surname=surname)
            row["is_mobile_member"] = True
            row["mobile_whereabouts"] = rng.choice(_WHEREABOUTS)
            row["notes"] = (
                f"自{since.year}年{since.month}月起外出，组织关系保留在本支部，按月线上参加组织生活。"
            )
        elif role == "punished":
            row = gen.person(kind="staff", ages=(35, 58), ref=today, surname=surname)
        else:
            kind, ages = _ordinary_kind(rng, pos in plan.probationary)
            row = gen.person(kind=kind, ages=ages, ref=today, probationary=pos in plan.probationary,
                             extension=plan.extended.get(pos, 0), surname=surname)  # fmt: skip
        if role is not None and role.startswith("cur:"):
            row["party_post"] = CommitteePost(role[4:]).label
        if role in ("out", "prev_out"):
            row["status"] = MemberStatus.TRANSFERRED_OUT.value
            row["status_date"] = extra["date"]
            row["status_reason"] = extra.setdefault("reason", "工作调动")
            extra.setdefault("destination", _TRANSFER_STAFF[0][1])
            row["dues_paid_to"] = _month_end(add_months(extra["date"], -1))
        elif role == "dead":
            row["status"] = MemberStatus.DECEASED.value
            row["status_date"] = extra["date"]
            row["status_reason"] = "因病医治无效去世"
            row["dues_paid_to"] = _month_end(add_months(extra["date"], -1))
        if row["dues_paid_to"] is not None and row["dues_paid_to"] < row["join_date"]:
            row["dues_paid_to"] = None
        row["branch_id"] = self.branch_id
        row["group_id"] = self.group_ids[plan.group_of[pos]]
        return row, role, extra

    def chunk(self, positions: range) -> None:
        built = [self._row(p) for p in positions]
        rows = [r for r, _, _ in built]
        table = Member.__table__
        connection = self.session.connection()
        ids = list(
            connection.execute(
                table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
        )
        changes: list[dict] = []
        awards: list[dict] = []
        for pos, member_id, (row, role, extra) in zip(positions, ids, built, strict=True):
            if role is not None:
                self.special.setdefault(role.split(":")[0] if role.startswith("cur:") else role, []).append(
                    (member_id, row)
                )
                if role.startswith("cur:"):
                    row["_post"] = role[4:]
            active = row["status"] == MemberStatus.ACTIVE.value
            full = row["member_type"] == MemberType.FULL.value
            group = self.plan.group_of[pos]
            if active and full and row["job"] not in ("硕士研究生", "博士研究生"):
                if role is None and group not in self.leaders:
                    self.leaders[group] = member_id
                elif not row["lost_contact"] and not row["is_mobile_member"]:
                    self.fallback_leaders.setdefault(group, member_id)
            if role in ("out", "prev_out", "dead"):
                changes.append(self._status_change(member_id, row, extra))
            if active and full:
                award = self._award(member_id, row, role)
                if award:
                    awards.append(award)
            if role == "punished":
                awards.append(self._punishment(member_id, row))
        if changes:
            self.session.execute(insert(MemberStatusChange), changes)
            self.status_changes += len(changes)
        if awards:
            self.session.execute(insert(MemberAward), awards)

    def _status_change(self, member_id: int, row: dict, extra: dict) -> dict:
        date = extra["date"]
        values = {
            "member_id": member_id,
            "date": date,
            "from_status": MemberStatus.ACTIVE.value,
            "to_status": row["status"],
            "reason": row["status_reason"],
            "letter_no": "",
            "destination": "",
            "letter_valid_until": None,
            "return_slip_received": False,
        }
        if row["status"] == MemberStatus.TRANSFERRED_OUT.value:
            number = self.letters.get(date.year, 0) + 1
            self.letters[date.year] = number
            values.update(
                letter_no=f"示大信党转〔{date.year}〕{number}号",
                destination=extra["destination"],
                letter_valid_until=add_months(date, 3),
                return_slip_received=date <= self.today - dt.timedelta(days=60),
            )
        return values

    def _award(self, member_id: int, row: dict, role: str | None) -> dict | None:
        rng, today = self.rng, self.today
        chance = 0.5 if role is not None and role.startswith("cur:") else 0.1
        if role == "punished" or rng.random() >= chance:
            return None
        if row["job"] in ("硕士研究生", "博士研究生"):
            title, issuer, month, day = "优秀学生党员", f"{UNIVERSITY}党委学生工作部", 6, 20
        else:
            title, issuer, month, day = rng.choice(
                (
                    ("优秀共产党员", f"{UNIVERSITY}党委", 6, 28),
                    ("优秀党务工作者", f"{UNIVERSITY}党委", 6, 28),
                    ("先进工作者", UNIVERSITY, 9, 9),
                    ("优秀教师", UNIVERSITY, 9, 10),
                )
            )
        first = row["join_date"].year + 1
        year = rng.randint(max(first, today.year - 6), today.year) if first <= today.year else today.year
        date = dt.date(year, month, day)
        if date > today:
            date = dt.date(year - 1, month, day)
        if date <= row["join_date"]:
            return None
        self.awards += 1
        return {"member_id": member_id, "kind": AwardKind.AWARD.value, "date": date, "title": title,
                "issuer": issuer, "level": "校（院）级", "notes": ""}  # fmt: skip

    def _punishment(self, member_id: int, row: dict) -> dict:
        start = max(row["conversion_date"] or row["join_date"], add_years(self.today, -6))
        date = self.gen.days_between(start, self.today - dt.timedelta(days=90))
        self.punishments += 1
        return {
            "member_id": member_id,
            "kind": AwardKind.PUNISHMENT.value,
            "date": date,
            "title": "党内警告处分",
            "issuer": HIGHER_COMMITTEE,
            "level": "校（院）级",
            "notes": "违反工作纪律，经支部大会讨论、上级党委批准给予党内警告处分；处分期满，已改正。",
        }

    # ---- committee and group leaders -----------------------------------------------------------
    def finish(self) -> str:
        plan, session = self.plan, self.session
        current = self.special.get("cur", [])
        term_end = add_years(plan.cur_start, 3)
        seats = [
            {"branch_id": self.branch_id, "member_id": mid, "post": row["_post"], "term_start": plan.cur_start,
             "term_end": term_end, "ended_on": None}
            for mid, row in current
        ]  # fmt: skip
        secretary = next(row["name"] for _, row in current if row["_post"] == CommitteePost.SECRETARY.value)
        # previous term: the then secretary has since been transferred out; the current secretary (then
        # holding the next post) and one other current member were re-elected; the rest served one term
        others = [mid for mid, row in current if row["_post"] != CommitteePost.SECRETARY.value]
        holders = (
            [mid for mid, _ in self.special.get("prev_out", [])]
            + [mid for mid, row in current if row["_post"] == CommitteePost.SECRETARY.value]
            + others[:1]
            + [mid for mid, _ in self.special.get("prev", [])]
        )
        for mid, post in zip(holders, plan.posts, strict=True):
            seats.append({"branch_id": self.branch_id, "member_id": mid, "post": post,
                          "term_start": plan.prev_start, "term_end": plan.cur_start,
                          "ended_on": plan.cur_start})  # fmt: skip
        session.execute(insert(CommitteeMember), seats)
        self.seats = len(seats)

        for group in range(plan.groups):
            leader = self.leaders.get(group) or self.fallback_leaders.get(group)
            if leader is None:
                continue
            current_post = session.scalar(select(Member.party_post).where(Member.id == leader)) or ""
            post = "、".join(p for p in (current_post, GROUP_LEADER) if p)
            session.execute(
                update(Member).where(Member.id == leader).values(is_group_leader=True, party_post=post)
            )
        return secretary
