"""The ledgers branchdesk can print, in the order an inspection pack holds them.

Each entry names a builder ``build(ws, period, today) -> list[Report]`` by "module:function" so that
nothing heavy is imported until a ledger is built. The CLI (`branchdesk export --list`, `export KEY`),
the 台账打印 page and the inspection pack all read this one list: adding a ledger is writing its builder
and adding one `LedgerSpec` here.

A builder returns a list because some papers are one document per person or per meeting (发展党员纪实表,
the minute book); a table ledger returns a list of one `Ledger`.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from branchdesk.reports.ledger import Report
    from branchdesk.workspace import Workspace


@dataclass(frozen=True)
class Period:
    """The dates a ledger covers, both ends included, with its label for the page ("2026年度")."""

    start: dt.date
    end: dt.date
    label: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"期间的结束日期 {self.end} 早于开始日期 {self.start}")
        if not self.label:
            from branchdesk.domain.dates import format_date

            object.__setattr__(self, "label", f"{format_date(self.start)}至{format_date(self.end)}")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年度")

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


Builder = Callable[["Workspace", Period, dt.date], "list[Report]"]


@dataclass(frozen=True)
class LedgerSpec:
    key: str  # the CLI's name: `branchdesk export KEY`
    title: str  # as printed
    group: str  # 名册 / 发展党员 / 会议 / 检查: how the 台账打印 page groups them
    builder: str  # "module:function"
    uses_period: bool = True  # False: a state "as of" the end of the period (the roster)
    in_pack: bool = True  # part of the inspection pack
    stamp: bool = False  # a form that carries the branch's seal: 党支部（盖章） above the date
    committee: bool = False  # every branch of the database (the committee's), not the workspace's

    def load(self) -> Builder:
        module, _, name = self.builder.partition(":")
        return getattr(importlib.import_module(module), name)


SPECS: list[LedgerSpec] = [
    LedgerSpec(
        "roster",
        "党员花名册",
        "名册",
        "branchdesk.reports.roster:roster_report",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "applicants",
        "入党申请人名册",
        "名册",
        "branchdesk.reports.registers:applicants_register",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "activists",
        "入党积极分子名册",
        "名册",
        "branchdesk.reports.registers:activists_register",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "candidates",
        "发展对象名册",
        "名册",
        "branchdesk.reports.registers:candidates_register",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "probationary",
        "预备党员名册",
        "名册",
        "branchdesk.reports.registers:probationary_register",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "development",
        "发展党员工作台账",
        "发展党员",
        "branchdesk.reports.development:development_report",
        stamp=True,
    ),
    LedgerSpec(
        "dossier_record",
        "发展党员纪实表",
        "发展党员",
        "branchdesk.reports.dossier_record:dossier_records",
        stamp=True,
    ),
    LedgerSpec("meetings", "“三会一课”记录台账", "会议", "branchdesk.reports.meetings:meetings_report"),
    LedgerSpec("minutes", "会议记录簿", "会议", "branchdesk.reports.meetings:minute_book"),
    LedgerSpec("party_days", "主题党日活动记录", "会议", "branchdesk.reports.meetings:party_day_report"),
    LedgerSpec("org_life", "组织生活会记录", "会议", "branchdesk.reports.meetings:org_life_report"),
    LedgerSpec(
        "appraisal", "民主评议党员情况", "会议", "branchdesk.reports.meetings:appraisal_report", stamp=True
    ),
    LedgerSpec(
        "appraisal_forms",
        "民主评议党员登记表",
        "会议",
        "branchdesk.reports.org_sets:appraisal_forms",
        stamp=True,
    ),
    LedgerSpec(
        "org_life_set", "组织生活会材料", "会议", "branchdesk.reports.org_sets:org_life_set", stamp=True
    ),
    LedgerSpec("talks", "谈心谈话台账", "会议", "branchdesk.reports.org_sets:talks_ledger"),
    LedgerSpec(
        "compliance", "检查情况汇总", "检查", "branchdesk.reports.compliance:compliance_report", in_pack=False
    ),
    LedgerSpec("dues", "党费收缴台账", "党费", "branchdesk.reports.dues:dues_report", stamp=True),
    LedgerSpec("dues_remittances", "党费上缴台账", "党费", "branchdesk.reports.dues:remittance_report"),
    LedgerSpec("dues_certificate", "党费缴纳证明", "党费", "branchdesk.reports.dues:certificate_report"),
    LedgerSpec("self_assessment", "自评表", "自评", "branchdesk.reports.readiness:self_assessment_report"),
    LedgerSpec("annual_plan", "年度工作计划", "自评", "branchdesk.reports.readiness:annual_plan_report"),
    LedgerSpec(
        "annual_summary", "年度工作总结", "自评", "branchdesk.reports.readiness:annual_summary_report"
    ),
    LedgerSpec(
        "mobile_members",
        "流动党员登记表",
        "名册",
        "branchdesk.reports.member_status:mobile_register",
        uses_period=False,
        stamp=True,
    ),
    LedgerSpec(
        "lost_members",
        "失联党员登记表",
        "名册",
        "branchdesk.reports.member_status:lost_register",
        uses_period=False,
        stamp=True,
    ),
]


# the branch's own work (issue 15)
SPECS += [
    LedgerSpec(
        "activities", "志愿服务（活动）台账", "活动", "branchdesk.reports.activities:activities_report"
    ),
    LedgerSpec("contacts", "党员联系服务群众台账", "活动", "branchdesk.reports.activities:contacts_report"),
    LedgerSpec("posts", "党员示范岗台账", "活动", "branchdesk.reports.activities:posts_report"),
    LedgerSpec("study_hours", "学习培训学时台账", "活动", "branchdesk.reports.activities:study_hours_report"),
    LedgerSpec("honours", "奖惩与荣誉台账", "活动", "branchdesk.reports.activities:honours_report"),
    LedgerSpec("duty_reports", "述职评议记录", "活动", "branchdesk.reports.activities:duty_reports_report"),
    LedgerSpec(
        "brand_projects", "党建品牌项目", "活动", "branchdesk.reports.activities:brand_projects_report"
    ),
    LedgerSpec("activity_photos", "活动照片", "活动", "branchdesk.reports.activities:activity_photos_report"),
    LedgerSpec("transfers", "组织关系转接台账", "名册", "branchdesk.reports.transfers:transfers_report"),
    LedgerSpec(
        "committee_roster",
        "党员花名册（全部支部）",
        "党委",
        "branchdesk.reports.committee:committee_roster",
        uses_period=False,
        in_pack=False,
        committee=True,
    ),
    LedgerSpec(
        "committee_development",
        "发展党员工作台账（全部支部）",
        "党委",
        "branchdesk.reports.committee:committee_development",
        in_pack=False,
        committee=True,
    ),
    LedgerSpec(
        "committee_statistics",
        "党员和发展党员情况统计（按支部）",
        "党委",
        "branchdesk.reports.committee:committee_statistics",
        in_pack=False,
        committee=True,
    ),
]


def ledger_specs() -> list[LedgerSpec]:
    """Every ledger, in pack order."""
    return list(SPECS)


def spec(key: str) -> LedgerSpec:
    for s in SPECS:
        if s.key == key:
            return s
    names = "、".join(s.key for s in SPECS)
    raise KeyError(f"没有名为 {key} 的台账（可用：{names}）")


def build(
    ws: Workspace, key: str, period: Period, *, mask: str = "full", today: dt.date | None = None
) -> list[Report]:
    """The papers of ledger `key` for `period`, masked for `mask` ("full" or "public")."""
    from dataclasses import replace

    from branchdesk.reports.ledger import Document

    today = today or dt.date.today()
    found = spec(key)
    reports = found.load()(ws, period, today)
    # documents belong to the ledger's book (each meeting's minutes to 会议记录簿)
    reports = [replace(r, book=found.title) if isinstance(r, Document) and not r.book else r for r in reports]
    if found.stamp:
        reports = [replace(r, stamp=True) for r in reports]
    return [r.masked(mask) for r in reports]


# ---- reads shared by the ledgers of one job --------------------------------------------------------
_SHARED: ContextVar[dict | None] = ContextVar("branchdesk_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Inside this block the builders read common records once (a pack builds six meeting ledgers over
    one period: the meetings are loaded once, not six times). Outside it nothing is kept, so a preview
    after an edit reads afresh."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: Hashable, load: Callable[[], list]) -> list:
    """`load()`, or inside `shared_reads` the list an earlier builder loaded under `key` (a copy)."""
    memo = _SHARED.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return list(memo[key])


def shared_one(key: Hashable, load: Callable[[], Any]) -> Any:
    """`load()`, or inside `shared_reads` the value an earlier builder loaded under `key` — the same
    object: for read-only snapshots (a year of dues, read by three ledgers of a pack)."""
    memo = _SHARED.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]
