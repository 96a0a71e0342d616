"""The metrics a rubric scores from (issue 16), Qt-free, for one year of one branch.

A metric is a function ``compute(inputs: MetricInputs) -> MetricResult | None`` registered under a name
(``register_metric``). Rubric items name the metric they score from; an item whose metric is not
registered — or returns None, meaning "no data source" — is scored by hand. So an area that lands later
(dues, activities, study hours, assignments) plugs its metric in with one function in its own module::

    from branchdesk.services.readiness_metrics import MetricInputs, register_metric

    @register_metric("dues.on_time", "按时交纳党费的党员比例")
    def dues_on_time(inputs: MetricInputs) -> MetricResult | None:
        ...

and adds that module to ``METRIC_MODULES`` (docs/readiness.md). ``MetricInputs`` reads the shared
records (meetings, roster, findings …) once per assessment, lazily.

Every metric lists its evidence records (``Evidence``: meeting, member, dossier, finding, honour …), and
for deductions its shortfalls: each missing unit with what to do about it.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from branchdesk.domain.dates import format_date
from branchdesk.domain.meetings import MeetingType
from branchdesk.domain.rubric import Evidence, MetricResult, Shortfall

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["METRICS", "METRIC_MODULES", "MetricInputs", "MetricSpec", "compute_metrics", "register_metric"]


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str  # Chinese, for the rubric sheet's 指标说明
    compute: Callable[[MetricInputs], MetricResult | None]
    unit: str = ""  # "次" (missing units), "比例", "项"


METRICS: dict[str, MetricSpec] = {}

#: Modules whose import registers further metrics (areas that land later add theirs here); they may also
#: add to-dos to ``workbench.SOURCES`` and paragraphs to ``annual_summary.SECTIONS``.
METRIC_MODULES: list[str] = [
    "branchdesk.services.activity_metrics",
    "branchdesk.services.dues_readiness",
    "branchdesk.services.dues_metrics",
    "branchdesk.services.work_metrics",
]


def register_metric(name: str, label: str, unit: str = ""):
    """Decorator: register ``compute(inputs) -> MetricResult | None`` under ``name``."""

    def wrap(fn: Callable[[MetricInputs], MetricResult | None]):
        METRICS[name] = MetricSpec(name, label, fn, unit)
        return fn

    return wrap


def load_area_modules() -> None:
    """Import the modules of ``METRIC_MODULES`` (each once): their metrics, to-dos and paragraphs."""
    for module in METRIC_MODULES:
        importlib.import_module(module)


_load_modules = load_area_modules


class MetricInputs:
    """The records of one year of the workspace's branch, each read once when first asked for."""

    def __init__(self, ws: Workspace, year: int, as_of: dt.date | None = None):
        self.ws = ws
        self.year = year
        self.start, self.end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        today = as_of or dt.date.today()
        #: the records as they stand (dossiers, roster, committee) are judged as of the check date itself
        self.today = today
        #: periods are judged when over: a past year as of its last day + 1, this year as of today
        self.as_of = min(today, self.end + dt.timedelta(days=1))

    @cached_property
    def all_meetings(self) -> list:
        return self.ws.meetings.all()

    @cached_property
    def meetings(self) -> list:
        """Meetings held in the year up to the check date."""
        return [m for m in self.all_meetings if not m.planned and self.start <= m.date < self.as_of]

    @cached_property
    def roster(self):
        return self.ws.roster.read()

    @cached_property
    def meeting_findings(self) -> list:
        """The MTG-* findings of the year (the rule engine's meeting logic, with the branch's start date)."""
        return self.ws.meetings.year_findings(self.year, self.as_of, self.all_meetings, self.roster)

    @cached_property
    def dossiers(self) -> list:
        return self.ws.development.all()

    @cached_property
    def dossier_findings(self) -> list:
        from branchdesk.domain.rules import audit_many

        return audit_many(self.dossiers, self.ws.development.rule_context(self.today))

    @cached_property
    def branch_findings(self) -> list:
        from branchdesk.domain.rules.branch_rules import audit_branch

        records = self.ws.compliance.branch_records(
            self.today, meetings=self.all_meetings, dossiers=self.dossiers, roster=self.roster
        )
        return audit_branch(records, self.ws.development.rule_context(self.today))

    @cached_property
    def awards(self) -> list[tuple]:
        """(kind, id, date, member name, title, level) of the year's awards and punishments, and the branch's
        honours (kind "branch")."""
        from sqlalchemy import select

        from branchdesk.db.models import BranchHonour, Member, MemberAward

        with self.ws.read() as session:
            rows = [
                (r.kind, r.id, r.date, r.name, r.title, r.level)
                for r in session.execute(
                    select(MemberAward.kind, MemberAward.id, MemberAward.date, Member.name, MemberAward.title,
                           MemberAward.level)
                    .join(Member, MemberAward.member_id == Member.id)
                    .where(Member.branch_id == self.ws.branch_id, MemberAward.date >= self.start,
                           MemberAward.date <= self.end)
                    .order_by(MemberAward.date)
                )
            ]  # fmt: skip
            rows += [
                ("branch", r.id, r.date, "本支部", r.title, r.level)
                for r in session.execute(
                    select(BranchHonour.id, BranchHonour.date, BranchHonour.title, BranchHonour.level).where(
                        BranchHonour.branch_id == self.ws.branch_id,
                        BranchHonour.date >= self.start,
                        BranchHonour.date <= self.end,
                    )
                )
            ]
        return rows

    @cached_property
    def groups(self) -> list[tuple[int, str]]:
        return self.ws.meetings.groups()

    def members_on(self, day: dt.date) -> list:
        """Roster entries of the members of the branch on ``day``."""
        return [e for group in self.roster.entries().values() for e in group if e.member_on(day)]


def compute_metrics(
    ws: Workspace, year: int, as_of: dt.date | None = None, names=None
) -> dict[str, MetricResult]:
    """The metrics named (every registered one when None) that have a data source, by name."""
    _load_modules()
    inputs = MetricInputs(ws, year, as_of)
    out = {}
    for name, spec in METRICS.items():
        if names is not None and name not in names:
            continue
        result = spec.compute(inputs)
        if result is not None:
            out[name] = result
    return out


# ====================================================================== meetings held vs required

_TYPE_CODE = {
    "meetings.general": (MeetingType.GENERAL, "MTG-GENERAL-Q"),
    "meetings.committee": (MeetingType.COMMITTEE, "MTG-COMMITTEE-M"),
    "meetings.group": (MeetingType.GROUP, "MTG-GROUP-M"),
    "meetings.lecture": (MeetingType.LECTURE, "MTG-LECTURE-Q"),
    "meetings.party_day": (MeetingType.PARTY_DAY, "MTG-PARTYDAY-M"),
    "meetings.org_life": (MeetingType.ORG_LIFE, "MTG-ORGLIFE-Y"),
    "meetings.appraisal": (MeetingType.APPRAISAL, "MTG-APPRAISAL-Y"),
}


def _period_words(period: str) -> str:
    """ "2026-03" → "3 月", "2026Q2" → "第2季度", "2026" → "本年"."""
    if "Q" in period:
        return f"第{period.split('Q')[1]}季度"
    if "-" in period:
        return f"{int(period.split('-')[1])} 月"
    return "本年"


def _missing_text(type_: MeetingType, f) -> str:
    when = _period_words(f.period)
    if type_ is MeetingType.GROUP:
        return f"补录 {when}{f.person}会记录"
    if type_ is MeetingType.LECTURE and "书记" in f.message_zh:
        return "安排支部书记讲一次党课并补录记录"
    if when == "本年":
        return f"召开并补录{f.period}年{type_.label}记录"
    return f"补录 {when}{type_.label}记录"


def _day_in(f) -> str:
    """A day to date a record made good for a missing period: the 15th of its last month."""
    end = f.dates.get("period_end")
    return end.replace(day=15).isoformat() if end else ""


def _meeting_metric(name: str) -> Callable[[MetricInputs], MetricResult]:
    type_, code = _TYPE_CODE[name]

    def compute(inputs: MetricInputs) -> MetricResult:
        held = [m for m in inputs.meetings if m.type == type_]
        missing = [f for f in inputs.meeting_findings if f.code == code and f.meeting_id is None and f.period]
        evidence = [Evidence("meeting", m.id, f"{format_date(m.date)} {m.title}") for m in held]
        evidence += [Evidence("finding", None, f.message_zh.split("。")[0]) for f in missing]
        groups = {name: gid for gid, name in inputs.groups}
        falls = tuple(
            Shortfall(
                _missing_text(type_, f), 1, Evidence("finding", None, f.message_zh.split("。")[0]), "meetings",
                (str(type_), _day_in(f), groups.get(f.person) if type_ is MeetingType.GROUP else None),
            )
            for f in missing
        )  # fmt: skip
        verb = "开展" if type_ in (MeetingType.PARTY_DAY, MeetingType.APPRAISAL) else "召开"
        summary = f"本年已{verb}{type_.label}{len(held)}次" + (
            f"，缺{len(missing)}次" if missing else "，没有缺漏"
        )
        if not held and not missing:
            summary = f"本年尚未{verb}{type_.label}（期限未到，不扣分）"
        return MetricResult(name, Decimal(len(missing)), summary, tuple(evidence), falls, action="meetings")

    return compute


for _name, (_type, _code) in _TYPE_CODE.items():
    register_metric(_name, f"{_type.label}缺漏（{_code}）", "次")(_meeting_metric(_name))


@register_metric("attendance.rate", "组织生活出勤率", "比例")
def attendance_rate(inputs: MetricInputs) -> MetricResult:
    rated = [
        (m, r)
        for m in inputs.meetings
        if m.type != MeetingType.TALKS and (r := m.attendance_rate) is not None
    ]
    expected = sum(m.expected for m, _ in rated)
    present = sum(m.present for m, _ in rated)
    rate = Decimal(present) / Decimal(expected) if expected else Decimal(1)
    pct = f"{float(rate) * 100:.0f}%"
    evidence = tuple(
        Evidence("meeting", m.id, f"{format_date(m.date)} {m.title} 应到{m.expected}人 实到{m.present}人")
        for m, _ in rated
    )
    summary = (
        f"本年{len(rated)}次会议应到{expected}人次、实到{present}人次，出勤率{pct}"
        if rated
        else "本年没有出席记录"
    )
    return MetricResult("attendance.rate", rate, summary, evidence,
                        gap_text=f"出勤率{pct}：督促党员按时参加组织生活、请假说明原因", action="meetings")  # fmt: skip


@register_metric("meetings.talks", "同支部委员谈心谈话的党员比例", "比例")
def talk_coverage(inputs: MetricInputs) -> MetricResult:
    pairs = [(t, m) for m in inputs.meetings for t in m.talks if inputs.start <= t.date < inputs.as_of]
    seats = inputs.roster.seats
    committee = set()
    for s in seats:
        name = getattr(s, "name", "") or _member_name(inputs, getattr(s, "member_id", None))
        start, end = getattr(s, "term_start", None), getattr(s, "ended_on", None)
        if name and (start is None or start <= inputs.end) and (end is None or end >= inputs.start):
            committee.add(name)
    day = min(inputs.end, inputs.as_of)
    members = sorted({e.name for e in inputs.members_on(day)} - committee)
    reached = set()
    for t, _m in pairs:
        a, b = t.first.strip(), t.second.strip()
        if a in committee:
            reached.add(b)
        if b in committee:
            reached.add(a)
    if not committee:  # no committee recorded: any talk counts for both partners
        reached = {n for t, _ in pairs for n in (t.first.strip(), t.second.strip())}
    missing = [n for n in members if n not in reached]
    rate = Decimal(len(members) - len(missing)) / Decimal(len(members)) if members else Decimal(1)
    evidence = tuple(
        Evidence("meeting", m.id, f"{format_date(t.date)} {t.first}与{t.second}谈心谈话") for t, m in pairs
    )
    names = "、".join(missing[:6]) + ("等" if len(missing) > 6 else "")
    summary = (
        f"{len(members)}名党员中{len(members) - len(missing)}名同支部委员谈过心" if members else "没有党员"
    )
    gap = f"{len(missing)}名党员本年没有同支部委员谈心谈话（{names}）" if missing else ""
    return MetricResult("meetings.talks", rate, summary, evidence, gap_text=gap, action="meetings")


def _member_name(inputs: MetricInputs, member_id) -> str:
    for m in inputs.roster.members:
        if m.id == member_id:
            return m.name
    return ""


# ====================================================================== findings of the rule engine


def _finding_metric(name: str, label: str, pick: Callable[[MetricInputs], list], text: Callable, what: str,
                    action: str, fixable: bool = True):  # fmt: skip
    def compute(inputs: MetricInputs) -> MetricResult:
        found = pick(inputs)
        evidence = tuple(_finding_evidence(f) for f in found)
        falls = (
            tuple(Shortfall(text(f), 1, _finding_evidence(f), action, _finding_ref(f)) for f in found)
            if fixable
            else ()
        )
        summary = f"{what}{len(found)}个" if found else f"没有{what}"
        return MetricResult(name, Decimal(len(found)), summary, evidence, falls, action=action)

    register_metric(name, label, "个")(compute)


def _finding_ref(f) -> tuple:
    if f.dossier_id is not None:
        return ("dossier", f.dossier_id)
    if f.member_id is not None:
        return ("member", f.member_id)
    return ()


def _finding_evidence(f) -> Evidence:
    if f.dossier_id is not None:
        return Evidence("dossier", f.dossier_id, f"{f.person}：{f.title or f.code}")
    if f.member_id is not None:
        return Evidence("member", f.member_id, f"{f.person}：{f.title or f.code}")
    if f.meeting_id is not None:
        return Evidence("meeting", f.meeting_id, f"{f.person}：{f.title or f.code}")
    return Evidence("finding", None, f"{f.code} {f.message_zh.split('。')[0]}")


#: Member findings another item scores (the committee, study hours): not counted again as management.
_SCORED_ELSEWHERE = ("MEM-COMMITTEE", "MEM-TERM", "MEM-STUDY-32H")

_finding_metric(
    "committee.status", "支部委员会健全、任期未届满（MEM-COMMITTEE、MEM-TERM）",
    lambda i: [f for f in i.branch_findings if f.code in ("MEM-COMMITTEE", "MEM-TERM")],
    lambda f: "按期换届选举" if f.code == "MEM-TERM" else "按规定配齐支部委员会", "班子问题", "settings",
)  # fmt: skip
_finding_metric(
    "development.blocking", "发展党员严重问题（DEV-* 严重）",
    lambda i: [f for f in i.dossier_findings if f.blocking],
    lambda f: f"纠正{f.person}的发展程序问题（{f.title or f.code}）", "发展党员严重问题", "development",
)  # fmt: skip
_finding_metric(
    "dossiers.complete", "材料不全的发展档案（DEV-ARCHIVE）",
    lambda i: [f for f in i.dossier_findings if f.code == "DEV-ARCHIVE"]
    + [f for f in i.branch_findings if f.code == "CON-PROBATIONARY-DOSSIER"],
    lambda f: f"补齐{f.person}的档案材料", "材料不全的档案", "development",
)  # fmt: skip
_finding_metric(
    "consistency.findings", "记录前后矛盾（CON-*）",
    lambda i: [f for f in i.branch_findings if f.kind == "consistency" and f.code != "CON-PROBATIONARY-DOSSIER"],
    lambda f: f"更正{f.person}的记录矛盾（{f.title or f.code}）", "记录矛盾", "check",
)  # fmt: skip
_finding_metric(
    "members.management", "党员管理问题（失联、不参加组织生活等 MEM-*）",
    lambda i: [f for f in i.branch_findings if f.kind == "member" and f.code not in _SCORED_ELSEWHERE],
    lambda f: f"处理：{f.title or f.code}" if f.member_id is None else f"处置{f.person}的问题（{f.title or f.code}）",
    "党员管理问题", "members",
)  # fmt: skip


# ====================================================================== honours and sanctions


@register_metric("honours.count", "本年度支部和党员获得的表彰", "项")
def honours(inputs: MetricInputs) -> MetricResult:
    rows = [r for r in inputs.awards if r[0] in ("award", "branch")]
    evidence = tuple(
        Evidence(
            "honour" if k == "branch" else "award",
            i,
            f"{format_date(d)} {who}：{title}{f'（{lvl}）' if lvl else ''}",
        )
        for k, i, d, who, title, lvl in rows
    )
    summary = f"本年度获得表彰{len(rows)}项" if rows else "本年度没有表彰记录"
    return MetricResult("honours.count", Decimal(len(rows)), summary, evidence,
                        gap_text="录入本年度支部和党员获得的表彰", action="members")  # fmt: skip


@register_metric("sanctions.count", "本年度党员受处分人次", "人次")
def sanctions(inputs: MetricInputs) -> MetricResult:
    rows = [r for r in inputs.awards if r[0] == "punishment"]
    evidence = tuple(
        Evidence("award", i, f"{format_date(d)} {who}：{title}") for _k, i, d, who, title, _l in rows
    )
    # a sanction is not made good by paperwork: a unit each, no action
    falls = tuple(Shortfall("", 1, e) for e in evidence)
    summary = f"本年度党员受处分{len(rows)}人次" if rows else "本年度没有党员受处分"
    return MetricResult("sanctions.count", Decimal(len(rows)), summary, evidence, falls, fixable=False)


def metric_labels() -> dict[str, str]:
    _load_modules()
    return {name: spec.label for name, spec in METRICS.items()}
