"""The domain vocabulary: stored codes and their Chinese labels, defined once.

Codes are stable English identifiers stored in the database; labels are what a person sees.
"""

from __future__ import annotations

from enum import StrEnum


class Labeled(StrEnum):
    """A StrEnum whose members carry a Chinese label: `MemberType.FULL.label == "正式党员"`."""

    _label_: str

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label_ = label
        return obj

    @property
    def label(self) -> str:
        return self._label_

    @classmethod
    def from_label(cls, text: str):
        """Find a member by its code or label (imports use labels, the database uses codes)."""
        text = (text or "").strip()
        for item in cls:
            if text in (item.value, item.label) or text in getattr(item, "aliases", ()):
                return item
        raise ValueError(text)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(item.value, item.label) for item in cls]


class MemberType(Labeled):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


MemberType.FULL.aliases = ("正式",)  # type: ignore[attr-defined]
MemberType.PROBATIONARY.aliases = ("预备",)  # type: ignore[attr-defined]


class PersonCategory(Labeled):
    """人员身份: what a member is at the school or unit (a students' branch records class and major)."""

    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"
    STAFF = "staff", "职工"
    OTHER = "other", "其他"


PersonCategory.TEACHER.aliases = ("教职工", "专任教师", "老师")  # type: ignore[attr-defined]
PersonCategory.STUDENT.aliases = ("在校学生", "学员", "本科生", "研究生", "在校生")  # type: ignore[attr-defined]
PersonCategory.STAFF.aliases = ("工作人员", "员工", "职员", "行政人员", "教辅")  # type: ignore[attr-defined]

#: The student fields of a member (migration 0011), in the order forms and ledgers show them.
STUDENT_FIELDS: tuple[str, ...] = ("person_category", "student_number", "grade", "class_name", "major")


class MemberStatus(Labeled):
    """Membership status. Only ACTIVE members are on the current roster; the rest are history."""

    ACTIVE = "active", "正常"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    SUSPENDED = "suspended", "停止党籍"
    REMOVED = "removed", "出党"
    DECEASED = "deceased", "去世"
    CANCELLED = "cancelled", "取消预备党员资格"

    @property
    def on_roster(self) -> bool:
        return self is MemberStatus.ACTIVE


# The status changes a secretary can record, with the Chinese verb shown on the button/dialog.
STATUS_CHANGE_ACTIONS: dict[MemberStatus, str] = {
    MemberStatus.TRANSFERRED_OUT: "组织关系转出",
    MemberStatus.SUSPENDED: "停止党籍",
    MemberStatus.REMOVED: "出党（除名、开除等）",
    MemberStatus.DECEASED: "去世",
    MemberStatus.CANCELLED: "取消预备党员资格",
    MemberStatus.ACTIVE: "恢复为正常（如转出撤回、恢复党籍）",
}


class Sex(Labeled):
    MALE = "男", "男"
    FEMALE = "女", "女"


EDUCATION_LEVELS: tuple[str, ...] = (
    "研究生（博士）",
    "研究生（硕士）",
    "大学本科",
    "大学专科",
    "中等专科",
    "职业高中",
    "技工学校",
    "高中",
    "初中",
    "小学及以下",
)

DEGREES: tuple[str, ...] = ("博士", "硕士", "学士", "无")

ETHNICITIES: tuple[str, ...] = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族",
    "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip


class CommitteePost(Labeled):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANISATION = "organisation", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    YOUTH = "youth", "青年委员"
    WOMEN = "women", "统战委员"
    OTHER = "other", "委员"


class AwardKind(Labeled):
    AWARD = "award", "奖励"
    PUNISHMENT = "punishment", "惩处"


AWARD_LEVELS: tuple[str, ...] = ("国家级", "省部级", "市厅级", "县处级", "校（院）级", "支部", "其他")


# Field labels used by forms, validation messages, imports and exports. Keys are model attribute names.
MEMBER_FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "id_number": "公民身份号码",
    "sex": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "native_place": "籍贯",
    "education": "学历",
    "degree": "学位",
    "member_type": "人员类别",
    "status": "党籍状态",
    "group_id": "所在党小组",
    "join_date": "入党日期",
    "conversion_date": "转正日期",
    "activist_date": "确定积极分子日期",
    "sponsors": "入党介绍人",
    "work_start_date": "参加工作日期",
    "work_unit": "工作单位",
    "job": "工作岗位",
    "post": "职务职称",
    "party_post": "党内职务",
    "mobile": "手机号码",
    "landline": "固定电话",
    "address": "家庭住址",
    "transferred_in_date": "转入日期",
    "lost_contact": "失去联系",
    "lost_contact_since": "失联日期",
    "is_mobile_member": "流动党员",
    "mobile_whereabouts": "外出流向",
    "watch_until": "留党察看期满日期",
    "dues_basis_fen": "党费计缴基数",
    "dues_monthly_fen": "月缴党费",
    "dues_paid_to": "党费交至",
    "dossier_location": "档案存放处",
    "person_category": "人员身份",
    "student_number": "学号",
    "grade": "年级",
    "class_name": "班级",
    "major": "专业",
    "notes": "备注",
    "status_date": "状态变更日期",
    "status_reason": "状态变更原因",
}
