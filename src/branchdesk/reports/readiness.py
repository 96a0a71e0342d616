"""Printed readiness papers (issue 16): the 自评表, the 年度工作总结, and the pack in a rubric's order.

* ``self_assessment_report`` (registry key ``self_assessment``): the scored rubric of the period's year,
  item by item with the basis of each score, subtotals per dimension and the total;
* ``annual_summary_report`` (``annual_summary``): the year's summary as edited (or the draft);
* ``build_rubric_pack``: one PDF the inspectors can follow with their sheet — the 自评表, the 年度工作计划 and the
  年度工作总结 first, then per
  dimension and item a page with the item's score and evidence records followed by its evidence ledgers
  (each ledger printed once, under the first item that cites it; later items point to it), bookmarked
  by dimension and item. The pack by ledger type (reports/pack.py) stays as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from branchdesk.reports.ledger import Column, Document, Fields, Heading, Ledger, Paragraph, Table

if TYPE_CHECKING:
    from branchdesk.domain.rubric import Assessment, ItemScore
    from branchdesk.reports.ledger import Report
    from branchdesk.reports.pdf import PdfResult
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

EVIDENCE_KINDS = {
    "meeting": "会议记录",
    "member": "党员",
    "dossier": "发展档案",
    "finding": "检查发现",
    "award": "奖惩",
    "honour": "支部荣誉",
    "assignment": "联系服务",
    "project": "党建品牌项目",
    "period": "期间",
}
HOW = {"auto": "自动", "manual": "人工"}


def _year(period: Period) -> int:
    return period.end.year


def _pt(value) -> str:
    from branchdesk.domain.rubric import points_text

    return points_text(value)


def assessment_ledger(a: Assessment, branch_name: str, today: dt.date) -> Ledger:
    rows: list[list] = []
    for d in a.dimensions:
        rows.append([d.name, "", f"{d.name}（小计）", _pt(d.max), _pt(d.score), "", ""])
        for i in d.items:
            basis = i.comment or i.summary
            if i.attachments:
                basis += f"（附：{'、'.join(i.attachments)}）"
            how = HOW[i.how] if i.scored else "待评"
            rows.append(["", i.item.key, i.item.name, _pt(i.max), _pt(i.score), how, basis])
    notes = [f"按“{a.rubric.name}”评分细则自评，满分 {_pt(a.max)} 分，自评得分 {_pt(a.score)} 分。"]
    weakest = a.weakest()
    if weakest is not None:
        notes.append(f"得分率最低的维度：{weakest.name}（{_pt(weakest.score)} / {_pt(weakest.max)}）。")
    actions = a.actions[:8]
    if actions:
        notes.append("迎检前可提分的事项：" + "；".join(x.text for x in actions) + "。")
    return Ledger(
        key="self_assessment",
        title=f"{a.rubric.name}自评表",
        branch_name=branch_name,
        period=f"{a.year}年度",
        columns=[
            Column("dimension", "维度", width=9),
            Column("key", "编号", width=5),
            Column("item", "评分项目", width=30, wrap=True),
            Column("max", "分值", width=5),
            Column("score", "自评得分", width=6),
            Column("how", "评分方式", width=6),
            Column("basis", "评分依据", width=40, wrap=True),
        ],
        rows=rows,
        totals=["合计", "", "", _pt(a.max), _pt(a.score), "", ""],
        notes=notes,
        printed_on=today,
        signatures=["书记", "支部委员会审核"],
    )


def saved_assessment_ledger(result: dict, branch_name: str, made_on: dt.date, today: dt.date) -> Ledger:
    """The 自评表 of a saved copy, from what was saved (its rubric and scores as they were that day)."""
    rows: list[list] = []
    for d in result.get("dimensions", []):
        rows.append([d["name"], "", f"{d['name']}（小计）", _num(d["max"]), _num(d["score"]), "", ""])
        for i in d.get("items", []):
            how = (
                {"auto": "自动", "manual": "人工"}.get(i.get("how", ""), "")
                if i.get("scored", True)
                else "待评"
            )
            rows.append(["", i.get("key", ""), i["name"], _num(i["max"]), _num(i["score"]), how,
                         i.get("comment") or i.get("summary", "")])  # fmt: skip
    notes = [f"自评副本，保存于 {_date_text(made_on)}；按“{result.get('rubric', '')}”评分细则，满分 "
             f"{_num(result.get('max', 0))} 分，自评得分 {_num(result.get('score', 0))} 分。"]  # fmt: skip
    ledger = assessment_columns_ledger(f"{result.get('rubric', '')}自评表（{_date_text(made_on)}副本）", branch_name,
                                       f"{result.get('year', '')}年度", rows, today)  # fmt: skip
    ledger.totals = ["合计", "", "", _num(result.get("max", 0)), _num(result.get("score", 0)), "", ""]
    ledger.notes = notes
    return ledger


def _num(value) -> str:
    from branchdesk.domain.rubric import dec

    return _pt(dec(value))


def assessment_columns_ledger(
    title: str, branch_name: str, period: str, rows: list, today: dt.date
) -> Ledger:
    return Ledger(
        key="self_assessment", title=title, branch_name=branch_name, period=period,
        columns=[Column("dimension", "维度", width=9), Column("key", "编号", width=5),
                 Column("item", "评分项目", width=30, wrap=True), Column("max", "分值", width=5),
                 Column("score", "自评得分", width=6), Column("how", "评分方式", width=6),
                 Column("basis", "评分依据", width=40, wrap=True)],
        rows=rows, printed_on=today, signatures=["书记", "支部委员会审核"],
    )  # fmt: skip


def self_assessment_report(ws: Workspace, period: Period, today: dt.date) -> list[Report]:
    a = ws.readiness.assess(_year(period), as_of=today)
    return [assessment_ledger(a, ws.branch.profile().name, today)]


def annual_summary_report(ws: Workspace, period: Period, today: dt.date) -> list[Report]:
    year = _year(period)
    text = ws.readiness.summary_text(year)
    lines = text.splitlines()
    blocks: list = []
    body: list[str] = []
    title = f"{year}年度工作总结"
    for n, line in enumerate(lines):
        if n == 0 and "总结" in line:
            continue  # the heading is the document's title
        if line.strip()[:2] in ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、"):
            if body:
                blocks.append(Paragraph("\n".join(body)))
                body = []
            blocks.append(Heading(line.strip()))
        elif line.strip():
            body.append(line)
    if body:
        blocks.append(Paragraph("\n".join(body)))
    return [
        Document(key="annual_summary", title=title, branch_name=ws.branch.profile().name, period=f"{year}年度",
                 blocks=blocks or [Paragraph("（尚未填写）")], printed_on=today, signatures=["书记"])
    ]  # fmt: skip


def annual_plan_report(ws: Workspace, period: Period, today: dt.date) -> list[Report]:
    """年度工作计划: the year's dated plan items and whether each is done."""
    year = _year(period)
    items = ws.readiness.plan_items(year)
    rows = [
        [n, p.due_date, p.title, f"已完成（{_date_text(p.done_on)}）" if p.done_on else "未完成", p.notes]
        for n, p in enumerate(items, start=1)
    ]
    done = sum(p.done_on is not None for p in items)
    return [
        Ledger(
            key="annual_plan", title=f"{year}年度工作计划", branch_name=ws.branch.profile().name,
            period=f"{year}年度",
            columns=[Column("n", "序号", "int", 4), Column("due", "日期", "date", 10),
                     Column("title", "计划事项", width=46, wrap=True), Column("done", "完成情况", width=16),
                     Column("notes", "备注", width=20, wrap=True)],
            rows=rows, notes=[f"共 {len(items)} 项，已完成 {done} 项。" if items else "本年度尚未制定工作计划。"],
            printed_on=today, orientation="portrait", signatures=["书记"],
        )
    ]  # fmt: skip


def _date_text(day) -> str:
    from branchdesk.domain.dates import format_date

    return format_date(day)


def item_document(
    item: ItemScore, branch_name: str, year: int, today: dt.date, cited: dict[str, str]
) -> Document:
    """The page of one rubric item: its score, how it was scored and the records it rests on."""
    from branchdesk.reports.registry import spec

    blocks: list = [
        Fields([("分值", _pt(item.max)), ("自评得分", _pt(item.score)),
                ("评分方式", HOW[item.how] if item.scored else "待评"), ("编号", item.item.key)], per_line=4),
    ]  # fmt: skip
    if item.item.note:
        blocks.append(Paragraph(item.item.note, "评分说明："))
    basis = item.comment or item.summary
    if basis:
        blocks.append(Paragraph(basis, "评分依据："))
    if item.attachments:
        blocks.append(Paragraph("、".join(item.attachments), "佐证材料（附件）："))
    if item.evidence:
        shown = item.evidence[:60]
        rows = [[n, EVIDENCE_KINDS.get(e.kind, e.kind), e.label] for n, e in enumerate(shown, start=1)]
        caption = (
            f"佐证记录（共 {len(item.evidence)} 条{'，列出前 60 条' if len(item.evidence) > 60 else ''}）"
        )
        blocks.append(Table([Column("n", "序号", "int", 4), Column("kind", "类别", width=8),
                             Column("label", "记录", width=50, wrap=True)], rows, caption))  # fmt: skip
    ledgers = []
    for key in item.item.ledgers:
        try:
            title = spec(key).title
        except KeyError:
            continue
        ledgers.append(f"{title}（见“{cited[key]}”）" if key in cited else f"{title}（附后）")
    if ledgers:
        blocks.append(Paragraph("；".join(ledgers), "佐证台账："))
    return Document(key="rubric_item", title="评分项目佐证", branch_name=branch_name, period=f"{year}年度",
                    blocks=blocks, subject=f"{item.item.key} {item.item.name}", printed_on=today,
                    signatures=[])  # fmt: skip


@dataclass
class RubricPack:
    path: Path
    pdf: PdfResult
    assessment: Assessment
    sections: list[tuple[str, ...]]


def rubric_pack_reports(
    ws: Workspace, period: Period, *, rubric: str | None = None, mask: str = "full", today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[Report], list[tuple[str, ...]], Assessment]:  # fmt: skip
    """The papers of the pack in the rubric's order and, for each, the headings it is filed under."""
    from branchdesk.reports.registry import build, shared_reads

    today = today or dt.date.today()
    year = _year(period)
    a = ws.readiness.assess(year, rubric, as_of=today)
    name = ws.branch.profile().name
    reports: list[Report] = [assessment_ledger(a, name, today).masked(mask)]
    reports += annual_plan_report(ws, period, today)  # the year's plan and summary follow the self-assessment
    reports += annual_summary_report(ws, period, today)
    sections: list[tuple[str, ...]] = [(), (), ()]
    cited: dict[str, str] = {}
    items = a.items()
    with shared_reads():
        n = 0
        for d in a.dimensions:
            for i in d.items:
                n += 1
                if progress is not None:
                    progress(n, len(items), f"正在整理：{i.item.key} {i.item.name}")
                where = (
                    f"{d.name}（{_pt(d.score)} / {_pt(d.max)}）",
                    f"{i.item.key} {i.item.name}（{_pt(i.score)} / {_pt(i.max)}）",
                )
                reports.append(item_document(i, name, year, today, cited))
                sections.append(where)
                for key in i.item.ledgers:
                    if key in cited:
                        continue
                    try:
                        papers = build(ws, key, period, mask=mask, today=today)
                    except KeyError:
                        continue
                    cited[key] = f"{i.item.key} {i.item.name}"
                    reports.extend(papers)
                    sections.extend([where] * len(papers))
    return reports, sections, a


def build_rubric_pack(
    ws: Workspace, period: Period, out_dir: str | Path, *, rubric: str | None = None, mask: str = "full",
    today: dt.date | None = None, progress=None, cancelled=None, invariant: bool = False,
) -> RubricPack:  # fmt: skip
    """One PDF in the rubric's order under ``out_dir`` (never overwriting an earlier one)."""
    from branchdesk.reports.pack import _free_name, safe_file_name
    from branchdesk.reports.pdf import write_pdf

    reports, sections, a = rubric_pack_reports(ws, period, rubric=rubric, mask=mask, today=today)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    base = safe_file_name(f"迎检资料-{ws.branch.profile().name}-{period.label}（按{a.rubric.name}评分细则）")
    name = _free_name(out_dir, base, ".pdf")
    path = out_dir / f"{name}.pdf"
    title = f"{period.label}迎检资料（按“{a.rubric.name}”评分细则排列）"
    pdf = write_pdf(reports, path, title=title, toc=True, progress=progress, cancelled=cancelled,
                    invariant=invariant, sections=sections)  # fmt: skip
    return RubricPack(path, pdf, a, sections)
