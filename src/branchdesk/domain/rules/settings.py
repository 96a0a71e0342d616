"""Thresholds the development rules use: national values and local practice (domain.md [L]).

National values ([N]) are here so that the rules read them from one place and the docs can list
them; they are not meant to be changed (``NATIONAL_FIELDS``). Local-practice values ([L]) are
settings a branch may adjust; their defaults are the national value where there is one, and
otherwise the most common practice. A value of 0 switches an optional [L] check off.

Settings are kept in the database as text (``Setting`` rows); ``from_mapping`` reads them back and
reports bad values in Chinese.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from branchdesk.domain.development import DossierItem

__all__ = [
    "DEFAULT_ARCHIVE_ITEMS",
    "LOCAL_FIELDS",
    "NATIONAL_FIELDS",
    "SETTING_LABELS",
    "RuleSettings",
    "SettingsError",
]

#: Materials that must be in the personal dossier after conversion (domain.md §2 step 25).
DEFAULT_ARCHIVE_ITEMS: frozenset[DossierItem] = frozenset(
    {
        DossierItem.APPLICATION,
        DossierItem.TALK_RECORDS,
        DossierItem.ASSESSMENTS,
        DossierItem.POLITICAL_REVIEW,
        DossierItem.TRAINING_CERTIFICATE,
        DossierItem.VOLUNTEER_FORM,
        DossierItem.ADMISSION_MEETING,
        DossierItem.CONVERSION_APPLICATION,
        DossierItem.CONVERSION_MEETING,
    }
)


#: The national minimum of the intensive training (细则17): a branch may ask more, never less.
NATIONAL_TRAINING_DAYS, NATIONAL_TRAINING_HOURS = 3, 24


class SettingsError(ValueError):
    """A bad setting value; ``str(error)`` is a Chinese message."""


@dataclass(frozen=True, kw_only=True)
class RuleSettings:
    # --- national (细则, 党章): listed for transparency, not for changing
    minimum_age: int = 18  # DEV-AGE, 党章1
    talk_within_months: int = 1  # DEV-TALK-1M, 细则7
    assessment_interval_months: int = 6  # DEV-ASSESS-6M, 细则11
    activist_min_years: int = 1  # DEV-ACTIVIST-1Y, 细则13
    approval_deadline_months: int = 3  # DEV-APPROVAL-3M, 细则23
    extension_min_months: int = 6  # DEV-EXTENSION, 党章7
    extension_max_months: int = 12  # DEV-EXTENSION, 党章7
    # --- local practice [L]
    # DEV-TRAINING, 细则17: at least 3 days or 24 class hours; local practice may raise it (5–7 days,
    # 40 hours), never lower it
    training_min_days: int = NATIONAL_TRAINING_DAYS
    training_min_hours: int = NATIONAL_TRAINING_HOURS
    approval_hard_limit_months: int = 6  # DEV-APPROVAL-3M: past it the resolution lapses (redo); 0 = off
    publicity_working_days: int = 5  # DEV-PUBLICITY (发展对象公示); 0 = no check
    activist_publicity_working_days: int = 0  # 入党积极分子公示, some places; 0 = no check
    activist_min_application_months: int = 0  # application age before activist (3–6 in places); 0 = off
    political_review_valid_months: int = 12  # DEV-POLREVIEW staleness at the meeting; 0 = off
    meeting_after_prereview_months: int = 1  # DEV-PREREVIEW, meeting soon after pre-review; 0 = off
    oath_within_months: int = 1  # DEV-OATH (national in the reported 2026 text); 0 = off
    archive_within_days: int = 7  # DEV-ARCHIVE; 0 = only the checklist is checked
    resubmit_wait_months: int = 6  # DEV-RESUBMIT, rejected candidates not re-presented sooner; 0 = off
    move_review_months: int = 3  # DEV-MOVE-3M, admission shortly before a transfer out; 0 = off
    thought_report_months: int = 3  # to-do list only: quarterly thought reports; 0 = off
    record_due_days: int = 30  # to-do list only: filings and contact persons "due" after the decision
    due_soon_days: int = 30  # to-do list horizon
    archive_items: frozenset[DossierItem] = field(default=DEFAULT_ARCHIVE_ITEMS)

    def __post_init__(self) -> None:
        problems = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, int) and value < 0:
                problems.append(f"{SETTING_LABELS.get(f.name, f.name)}不能为负数")
        if (
            self.training_min_days < NATIONAL_TRAINING_DAYS
            or self.training_min_hours < NATIONAL_TRAINING_HOURS
        ):
            problems.append(
                f"集中培训不能少于全国规定的{NATIONAL_TRAINING_DAYS}天或{NATIONAL_TRAINING_HOURS}学时（本单位可以提高要求）"
            )
        if self.extension_min_months > self.extension_max_months:
            problems.append("延长预备期的最短月数不能大于最长月数")
        if (
            self.approval_hard_limit_months
            and self.approval_deadline_months > self.approval_hard_limit_months
        ):
            problems.append("审批期限不能长于审批最长期限")
        if problems:
            raise SettingsError("；".join(problems))

    def with_changes(self, **changes: Any) -> RuleSettings:
        return replace(self, **changes)

    def to_mapping(self) -> dict[str, str]:
        """Text values for storage (``archive_items`` as comma-separated codes)."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, frozenset):
                out[f.name] = ",".join(sorted(str(v) for v in value))
            else:
                out[f.name] = str(value)
        return out

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RuleSettings:
        """Build settings from stored text; unknown keys are ignored, missing ones take defaults."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        problems: list[str] = []
        for name, raw in values.items():
            if name not in known or raw is None or raw == "":
                continue
            label = SETTING_LABELS.get(name, name)
            if name == "archive_items":
                try:
                    items = raw if not isinstance(raw, str) else [p for p in raw.split(",") if p.strip()]
                    kwargs[name] = frozenset(DossierItem.from_label(str(p)) for p in items)
                except ValueError as exc:
                    problems.append(f"{label}中有无法识别的材料“{exc}”")
                continue
            try:
                kwargs[name] = int(str(raw).strip())
            except ValueError:
                problems.append(f"{label}应为整数，当前为“{raw}”")
        if problems:
            raise SettingsError("；".join(problems))
        return cls(**kwargs)


NATIONAL_FIELDS: tuple[str, ...] = (
    "minimum_age",
    "talk_within_months",
    "assessment_interval_months",
    "activist_min_years",
    "approval_deadline_months",
    "extension_min_months",
    "extension_max_months",
)

LOCAL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RuleSettings) if f.name not in NATIONAL_FIELDS)

#: Chinese names for the settings screen and for messages.
SETTING_LABELS: dict[str, str] = {
    "minimum_age": "申请入党最低年龄（周岁）",
    "talk_within_months": "收到入党申请书后谈话期限（月）",
    "assessment_interval_months": "入党积极分子考察间隔（月）",
    "activist_min_years": "确定发展对象前的积极分子培养期（年）",
    "training_min_days": "集中培训最少天数",
    "training_min_hours": "集中培训最少学时",
    "approval_deadline_months": "上级党委审批期限（月）",
    "approval_hard_limit_months": "超过该期限未审批须重新履行程序（月，本地规定，0 为不检查）",
    "extension_min_months": "延长预备期最短月数",
    "extension_max_months": "延长预备期最长月数",
    "publicity_working_days": "发展对象公示期（工作日，0 为不检查）",
    "activist_publicity_working_days": "入党积极分子公示期（工作日，0 为不检查）",
    "activist_min_application_months": "递交申请书后确定积极分子的最短间隔（月，0 为不检查）",
    "political_review_valid_months": "政治审查结论有效期（月，0 为不检查）",
    "meeting_after_prereview_months": "预审后召开支部大会的期限（月，0 为不检查）",
    "oath_within_months": "审批后入党宣誓期限（月，0 为不检查）",
    "archive_within_days": "转正后材料归档期限（天，0 为不检查期限）",
    "resubmit_wait_months": "未被接收后再次提交支部大会的最短间隔（月，0 为不检查）",
    "move_review_months": "接收后短期内转出需复核的期限（月，0 为不检查）",
    "thought_report_months": "思想汇报间隔（月，0 为不提醒）",
    "record_due_days": "备案、指定联系人的提醒期限（天）",
    "due_soon_days": "待办事项提前提醒天数",
    "archive_items": "归档必备材料",
}
