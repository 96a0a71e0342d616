"""Inspection rubrics as data (domain.md §13, issue 16): dimensions → items with points and how each
item is scored, and the arithmetic that turns metric values and manual scores into a scored sheet.

Pure Python: no database, no Qt. A rubric is read from / written to plain dicts (the JSON files in
``resources/rubrics/`` and the stored copies) and to rows (the Excel sheet a branch types its own
city's 评分细则 into).

How an item is scored (``Scoring``):

* ``auto`` with ``mode="deduct"``: the named metric reports shortfalls (missing units: a month without
  a 党小组会, a blocking finding …); the item loses ``per_unit`` points per unit, down to ``floor``.
* ``auto`` with ``mode="threshold"``: the metric's value (a rate 0–1 or a count) is compared with
  ``thresholds`` ((at least value, points) …); the item scores the points of the highest one met.
* ``manual``: scored by hand with a comment and attachments (the branch's rules documents …).

An ``auto`` item whose metric is not available (its area does not exist yet, e.g. dues or study
hours before they land) is scored by hand until the metric is registered — see docs/readiness.md.

Points are ``Decimal`` (half points are common), so scores add up exactly: items → dimension → total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = [
    "AUTO",
    "DEDUCT",
    "MANUAL",
    "THRESHOLD",
    "Action",
    "Dimension",
    "Evidence",
    "ItemScore",
    "MetricResult",
    "Rubric",
    "RubricError",
    "RubricItem",
    "Scoring",
    "Shortfall",
    "dec",
    "points_text",
    "score_item",
    "score_rubric",
]

AUTO, MANUAL = "auto", "manual"
DEDUCT, THRESHOLD = "deduct", "threshold"
HOW_LABELS = {AUTO: "自动", MANUAL: "人工"}
MODE_LABELS = {DEDUCT: "扣分", THRESHOLD: "分档"}
ZERO = Decimal(0)


class RubricError(ValueError):
    """A rubric that cannot be used; ``problems`` names each row and field (Chinese)."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        super().__init__("；".join(self.problems))


def dec(value: Any, what: str = "分值") -> Decimal:
    """A number of points from an int, a float, a Decimal or a text ("1.5", "2分")."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise RubricError([f"{what}不是数字"])
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = str(value if value is not None else "").strip().removesuffix("分").strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        raise RubricError([f"{what}“{value}”不是数字"]) from None


def points_text(value: Decimal) -> str:
    """ "5", "2.5" (no trailing zeros)."""
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return format(q, "f")


def points_json(value: Decimal) -> int | float:
    q = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(q) if q == q.to_integral_value() else float(q)


# ====================================================================== the rubric


@dataclass(frozen=True)
class Scoring:
    how: str = MANUAL  # AUTO / MANUAL
    metric: str = ""  # the metric's name (AUTO)
    mode: str = DEDUCT  # DEDUCT / THRESHOLD
    per_unit: Decimal = Decimal(1)  # DEDUCT: points per missing unit
    floor: Decimal = ZERO  # DEDUCT: the least the item can score
    thresholds: tuple[tuple[Decimal, Decimal], ...] = ()  # THRESHOLD: (at least value, points), any order

    def thresholds_text(self) -> str:
        return "；".join(f"{points_text(v)}={points_text(p)}" for v, p in self.thresholds)


@dataclass(frozen=True)
class RubricItem:
    key: str  # stable within the rubric ("2.3")
    name: str
    points: Decimal
    scoring: Scoring = field(default_factory=Scoring)
    ledgers: tuple[str, ...] = ()  # evidence ledgers (reports/registry keys), for the pack
    note: str = ""  # what the inspectors look at (评分说明)


@dataclass(frozen=True)
class Dimension:
    name: str
    items: tuple[RubricItem, ...]

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.items), ZERO)


@dataclass(frozen=True)
class Rubric:
    name: str
    year: int | None
    dimensions: tuple[Dimension, ...]
    note: str = ""

    @property
    def points(self) -> Decimal:
        return sum((d.points for d in self.dimensions), ZERO)

    def items(self) -> list[RubricItem]:
        return [i for d in self.dimensions for i in d.items]

    def item(self, key: str) -> RubricItem:
        for i in self.items():
            if i.key == key:
                return i
        raise KeyError(key)

    def metrics(self) -> set[str]:
        return {i.scoring.metric for i in self.items() if i.scoring.how == AUTO and i.scoring.metric}

    def for_year(self, year: int) -> Rubric:
        return replace(self, year=year)

    # ---- plain dicts (JSON files, stored copies) ------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "year": self.year,
            "note": self.note,
            "dimensions": [
                {"name": d.name, "items": [_item_dict(i) for i in d.items]} for d in self.dimensions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rubric:
        problems: list[str] = []
        dims = []
        for di, d in enumerate(data.get("dimensions") or (), start=1):
            items = []
            for ii, raw in enumerate(d.get("items") or (), start=1):
                try:
                    items.append(_item_from(raw, f"{di}.{ii}"))
                except RubricError as e:
                    problems.extend(f"第{di}个维度第{ii}项：{p}" for p in e.problems)
            dims.append(Dimension(str(d.get("name", "")).strip(), tuple(items)))
        rubric = cls(
            str(data.get("name", "")).strip(), data.get("year"), tuple(dims), str(data.get("note", ""))
        )
        problems.extend(rubric.problems())
        if problems:
            raise RubricError(problems)
        return rubric

    # ---- rows (the Excel sheet) -----------------------------------------------------------------
    def rows(self) -> list[dict[str, str]]:
        out = []
        for d in self.dimensions:
            for i in d.items:
                s = i.scoring
                out.append({
                    "维度": d.name, "编号": i.key, "评分项目": i.name, "分值": points_text(i.points),
                    "评分方式": HOW_LABELS[s.how], "指标": s.metric if s.how == AUTO else "",
                    "计分规则": MODE_LABELS[s.mode] if s.how == AUTO else "",
                    "每项扣分": points_text(s.per_unit) if s.how == AUTO and s.mode == DEDUCT else "",
                    "最低得分": points_text(s.floor) if s.how == AUTO and s.mode == DEDUCT else "",
                    "分档": s.thresholds_text() if s.how == AUTO and s.mode == THRESHOLD else "",
                    "佐证台账": "、".join(i.ledgers), "评分说明": i.note,
                })  # fmt: skip
        return out

    @classmethod
    def from_rows(
        cls, name: str, year: int | None, rows: Iterable[tuple[int, Mapping[str, Any]]], known_metrics=None
    ) -> Rubric:
        """Rows ``(sheet row number, {column: value})`` in ROW_COLUMNS; every problem names its row and
        field. ``known_metrics``: metric names allowed (None: any)."""
        problems: list[str] = []
        dims: dict[str, list[RubricItem]] = {}
        seen: set[str] = set()
        for n, row in rows:

            def cell(col: str, row: Mapping[str, Any] = row) -> str:
                v = row.get(col)
                return "" if v is None else str(v).strip()

            where = f"第{n}行"
            dim, title = cell("维度"), cell("评分项目")
            if not dim:
                problems.append(f"{where}“维度”为空")
            if not title:
                problems.append(f"{where}“评分项目”为空")
            try:
                points = dec(cell("分值"))
                if points <= 0:
                    problems.append(f"{where}“分值”应大于0")
            except RubricError:
                problems.append(f"{where}“分值”“{cell('分值')}”不是数字")
                points = ZERO
            how_text = cell("评分方式") or "人工"
            how = {v: k for k, v in HOW_LABELS.items()}.get(
                how_text, how_text if how_text in HOW_LABELS else ""
            )
            if not how:
                problems.append(f"{where}“评分方式”应为“自动”或“人工”，不是“{how_text}”")
                how = MANUAL
            scoring = Scoring(how=MANUAL)
            if how == AUTO:
                metric = cell("指标")
                if not metric:
                    problems.append(f"{where}“指标”为空（自动评分须写明指标名称）")
                elif known_metrics is not None and metric not in known_metrics:
                    problems.append(f"{where}“指标”“{metric}”不是本程序的指标（见“指标说明”工作表）")
                mode_text = cell("计分规则") or "扣分"
                mode = {v: k for k, v in MODE_LABELS.items()}.get(mode_text, "")
                if not mode:
                    problems.append(f"{where}“计分规则”应为“扣分”或“分档”，不是“{mode_text}”")
                    mode = DEDUCT
                per_unit, floor, thresholds = Decimal(1), ZERO, ()
                try:
                    if mode == DEDUCT:
                        per_unit = dec(cell("每项扣分") or "1")
                        floor = dec(cell("最低得分") or "0")
                        if per_unit <= 0:
                            problems.append(f"{where}“每项扣分”应大于0")
                        if floor < 0 or floor > points:
                            problems.append(f"{where}“最低得分”应在0到分值之间")
                    else:
                        thresholds = _parse_thresholds(cell("分档"))
                        if not thresholds:
                            problems.append(f"{where}“分档”为空（格式：1=5；0.9=4，即达到数值=得分）")
                        elif any(p > points or p < 0 for _, p in thresholds):
                            problems.append(f"{where}“分档”的得分应在0到分值之间")
                except RubricError as e:
                    problems.extend(f"{where}“{'每项扣分/最低得分' if mode == DEDUCT else '分档'}”：{p}"
                                    for p in e.problems)  # fmt: skip
                scoring = Scoring(AUTO, metric, mode, per_unit, floor, thresholds)
            dim_no = list(dims).index(dim) + 1 if dim in dims else len(dims) + 1
            key = cell("编号") or f"{dim_no}.{len(dims.get(dim, [])) + 1}"
            if key in seen:
                problems.append(f"{where}“编号”“{key}”重复")
            seen.add(key)
            ledgers = tuple(
                x for x in cell("佐证台账").replace("，", "、").replace(",", "、").split("、") if x
            )
            dims.setdefault(dim, []).append(
                RubricItem(key, title, points, scoring, ledgers, cell("评分说明"))
            )
        if not dims and not problems:
            problems.append("表中没有评分项目")
        rubric = cls(name, year, tuple(Dimension(d, tuple(items)) for d, items in dims.items()))
        if problems:
            raise RubricError(problems)
        return rubric

    def problems(self) -> list[str]:
        out = []
        if not self.name:
            out.append("评分细则没有名称")
        if not self.dimensions:
            out.append("评分细则没有维度")
        keys = [i.key for i in self.items()]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            out.append(f"评分项目编号重复：{'、'.join(dup)}")
        for d in self.dimensions:
            if not d.name:
                out.append("有维度没有名称")
            if not d.items:
                out.append(f"维度“{d.name}”没有评分项目")
        return out


ROW_COLUMNS = ("维度", "编号", "评分项目", "分值", "评分方式", "指标", "计分规则", "每项扣分", "最低得分", "分档",
               "佐证台账", "评分说明")  # fmt: skip


def _parse_thresholds(text: str) -> tuple[tuple[Decimal, Decimal], ...]:
    out = []
    for part in text.replace(";", "；").replace("，", "；").replace(",", "；").split("；"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise RubricError([f"“{part}”应写成“数值=得分”"])
        v, _, p = part.partition("=")
        value = v.strip().removeprefix("≥").removeprefix(">=").strip()
        pct = value.endswith("%")
        number = dec(value.removesuffix("%"), "数值") / (100 if pct else 1)
        out.append((number, dec(p, "得分")))
    return tuple(out)


def _item_dict(i: RubricItem) -> dict[str, Any]:
    s = i.scoring
    out: dict[str, Any] = {"key": i.key, "name": i.name, "points": points_text(i.points), "how": s.how}
    if s.how == AUTO:
        out["metric"] = s.metric
        out["mode"] = s.mode
        if s.mode == DEDUCT:
            out["per_unit"] = points_text(s.per_unit)
            out["floor"] = points_text(s.floor)
        else:
            out["thresholds"] = [[points_text(v), points_text(p)] for v, p in s.thresholds]
    if i.ledgers:
        out["ledgers"] = list(i.ledgers)
    if i.note:
        out["note"] = i.note
    return out


def _item_from(raw: Mapping[str, Any], default_key: str) -> RubricItem:
    how = raw.get("how", MANUAL)
    if how not in (AUTO, MANUAL):
        raise RubricError([f"评分方式“{how}”不是 auto 或 manual"])
    scoring = Scoring(how=MANUAL)
    if how == AUTO:
        mode = raw.get("mode", DEDUCT)
        if mode not in (DEDUCT, THRESHOLD):
            raise RubricError([f"计分规则“{mode}”不是 deduct 或 threshold"])
        scoring = Scoring(
            AUTO,
            str(raw.get("metric", "")),
            mode,
            dec(raw.get("per_unit", 1)),
            dec(raw.get("floor", 0)),
            tuple((dec(v, "数值"), dec(p)) for v, p in raw.get("thresholds", ())),
        )
    return RubricItem(
        str(raw.get("key") or default_key),
        str(raw.get("name", "")).strip(),
        dec(raw.get("points")),
        scoring,
        tuple(raw.get("ledgers", ())),
        str(raw.get("note", "")),
    )


# ====================================================================== metrics and scores


@dataclass(frozen=True)
class Evidence:
    """A record a score rests on: ``kind`` (meeting, member, dossier, finding, honour …), its id (None
    for a period without a record) and a Chinese label."""

    kind: str
    id: int | None
    label: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "label": self.label}


@dataclass(frozen=True)
class Shortfall:
    """One missing unit of a metric with what to do about it ("补录2026年3月第二党小组党小组会记录")."""

    text: str
    units: int = 1
    evidence: Evidence | None = None
    action: str = ""  # where the window goes to fix it ("meetings", "development", …)
    ref: tuple = ()  # what to open there (a meeting: (type code, ISO date in the period, group id))


@dataclass(frozen=True)
class MetricResult:
    """What a metric found for a period: ``value`` (a count or a rate 0–1), the shortfalls (missing
    units, for deductions and actions), the evidence records and a one-line Chinese summary."""

    name: str
    value: Decimal
    summary: str
    evidence: tuple[Evidence, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    gap_text: str = ""  # THRESHOLD: what raising the value means ("2名党员本年学习学时不足32")
    action: str = ""
    fixable: bool = True  # False: records cannot make it good (a sanction): no action is proposed

    @property
    def missing(self) -> int:
        return sum(s.units for s in self.shortfalls)


@dataclass(frozen=True)
class Action:
    text: str
    points: Decimal
    item_key: str = ""
    target: str = ""  # page to open
    ref: tuple = ()  # what to open there (see Shortfall.ref)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "points": points_json(self.points)}


@dataclass(frozen=True)
class ItemScore:
    item: RubricItem
    score: Decimal
    how: str  # AUTO or MANUAL (an auto item without its metric is MANUAL)
    evidence: tuple[Evidence, ...] = ()
    summary: str = ""
    comment: str = ""  # the manual score's comment
    scored: bool = True  # a manual item without a score yet: False (counts 0)
    actions: tuple[Action, ...] = ()
    attachments: tuple[str, ...] = ()

    @property
    def max(self) -> Decimal:
        return self.item.points

    @property
    def lost(self) -> Decimal:
        return self.item.points - self.score


@dataclass(frozen=True)
class DimensionScore:
    name: str
    items: tuple[ItemScore, ...]

    @property
    def score(self) -> Decimal:
        return sum((i.score for i in self.items), ZERO)

    @property
    def max(self) -> Decimal:
        return sum((i.max for i in self.items), ZERO)

    @property
    def share(self) -> float:
        return float(self.score / self.max) if self.max else 1.0


@dataclass(frozen=True)
class ManualScore:
    score: Decimal
    comment: str = ""
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    rubric: Rubric
    year: int
    dimensions: tuple[DimensionScore, ...]
    as_of: Any = None  # datetime.date the figures were read on

    @property
    def score(self) -> Decimal:
        return sum((d.score for d in self.dimensions), ZERO)

    @property
    def max(self) -> Decimal:
        return sum((d.max for d in self.dimensions), ZERO)

    def items(self) -> list[ItemScore]:
        return [i for d in self.dimensions for i in d.items]

    def item(self, key: str) -> ItemScore:
        for i in self.items():
            if i.item.key == key:
                return i
        raise KeyError(key)

    @property
    def actions(self) -> list[Action]:
        """What gains the most points, in order (ties: the rubric's order)."""
        acts = [a for i in self.items() for a in i.actions]
        order = {id(a): n for n, a in enumerate(acts)}
        return sorted(acts, key=lambda a: (-a.points, order[id(a)]))

    def weakest(self) -> DimensionScore | None:
        dims = [d for d in self.dimensions if d.max]
        return min(dims, key=lambda d: d.share) if dims else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``branchdesk assess --json`` (issue 16)."""
        return {
            "rubric": self.rubric.name,
            "year": self.year,
            "score": points_json(self.score),
            "max": points_json(self.max),
            "dimensions": [
                {
                    "name": d.name,
                    "score": points_json(d.score),
                    "max": points_json(d.max),
                    "items": [
                        {
                            "name": i.item.name,
                            "score": points_json(i.score),
                            "max": points_json(i.max),
                            "how": i.how,
                            "evidence": [e.to_dict() for e in i.evidence],
                        }
                        for i in d.items
                    ],
                }
                for d in self.dimensions
            ],
            "actions": [a.to_dict() for a in self.actions],
        }


def score_item(item: RubricItem, metric: MetricResult | None, manual: ManualScore | None) -> ItemScore:
    """The score of one item: from its metric (auto, when the metric exists), else by hand."""
    s = item.scoring
    if s.how == AUTO and metric is not None:
        if s.mode == DEDUCT:
            floor = min(s.floor, item.points)
            score = max(floor, item.points - s.per_unit * metric.missing)
            actions: list[Action] = []
            before, made_good, waiting = score, 0, 0
            for sf in (
                metric.shortfalls if metric.fixable else ()
            ):  # made good in order: each gains what it lifts the score by
                made_good += sf.units
                after = max(floor, item.points - s.per_unit * (metric.missing - made_good))
                gain = after - before
                if gain <= 0:
                    waiting += 1
                    continue
                extra = f"（连同前 {waiting} 项）" if waiting else ""
                actions.append(
                    Action(f"{sf.text}{extra} +{points_text(gain)} 分", gain, item.key, sf.action, sf.ref)
                )
                before, waiting = after, 0
            return ItemScore(item, score, AUTO, metric.evidence, metric.summary, actions=tuple(actions))
        ranked = sorted(s.thresholds, key=lambda t: t[0])
        score = ZERO
        for value, points in ranked:
            if metric.value >= value:
                score = max(score, min(points, item.points))
        actions = ()
        better = [(v, p) for v, p in ranked if p > score]
        if better:  # the whole remedy: up to the top band the item can reach
            p = min(max(p for _, p in better), item.points)
            text = metric.gap_text or f"{item.name}：{metric.summary}"
            actions = (Action(f"{text} +{points_text(p - score)} 分", p - score, item.key, metric.action),)
        return ItemScore(item, score, AUTO, metric.evidence, metric.summary, actions=actions)
    if manual is not None:
        score = max(ZERO, min(manual.score, item.points))
        return ItemScore(item, score, MANUAL, (), "", manual.comment, True, (), manual.attachments)
    why = "（暂无数据来源，请人工评分）" if s.how == AUTO else ""
    act = Action(
        f"填写自评：{item.name}{why} +{points_text(item.points)} 分", item.points, item.key, "assess"
    )
    return ItemScore(item, ZERO, MANUAL, (), "尚未评分" + why, "", False, (act,))


def score_rubric(
    rubric: Rubric,
    year: int,
    metrics: Mapping[str, MetricResult],
    manual: Mapping[str, ManualScore] | None = None,
    as_of: Any = None,
) -> Assessment:
    manual = manual or {}
    dims = tuple(
        DimensionScore(
            d.name, tuple(score_item(i, metrics.get(i.scoring.metric), manual.get(i.key)) for i in d.items)
        )
        for d in rubric.dimensions
    )
    return Assessment(rubric, year, dims, as_of)


# ====================================================================== the shipped rubrics

BUILTIN_FILES = {"红旗党支部": "hongqi.json", "样板支部": "yangban.json"}
DEFAULT_RUBRIC = "红旗党支部"


def builtin_rubric(name: str) -> Rubric:
    """A rubric shipped in resources/rubrics/ (KeyError for another name)."""
    import json

    from branchdesk.resources import resource_path

    path = resource_path("rubrics", BUILTIN_FILES[name])
    return Rubric.from_dict(json.loads(path.read_text(encoding="utf-8")))


def builtin_names() -> list[str]:
    return list(BUILTIN_FILES)
