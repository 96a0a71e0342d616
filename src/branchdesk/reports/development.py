"""发展党员工作台账: the development ledger, one row per person (domain.md §6), as a `Ledger`.

Any writer renders it (``reports.xlsx.write_xlsx([ledger], path)``); the same layout is read back
by :func:`branchdesk.services.dev_import.read_development`, so an export followed by an import gives
the same dossiers for everything the layout carries. Columns (in order): the person
(name, sex shown from the ID number, birth date, citizen ID), every step date of the 25 steps that has
one, the first talk's interviewers, the recommendation method, contact persons, half-yearly
assessments with their opinions, the publicity period, sponsors, the political review's conclusion,
the training period / days / hours / certificate, the pre-review, the volunteer form number, both
general-meeting votes (应到 / 实到 / 赞成 / 反对 / 弃权 plus written opinions), approvals, oath, the
recorded 入党 and 转正 dates, extensions of probation, the archive date, the current standing or how
the dossier ended, and a 备注 column of labelled lines for the rarer facts.

The exchange layout itself — the columns, the cell conventions and how a dossier becomes a row — is
``domain.dev_exchange``, which the importer reads as well; this module makes it a `Ledger` (and the
compact print layout, the period filters, the registry's builder).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dev_exchange import (
    DEVELOPMENT_KEY,
    DEVELOPMENT_TITLE,
    EXCHANGE_COLUMNS,
    VOTE_LABELS,
    dossier_row,
    written_text,
)
from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.domain.development import Dossier
    from branchdesk.domain.votes import Vote


def development_columns() -> list[Column]:
    """The columns of the ledger, in order (``domain.dev_exchange.EXCHANGE_COLUMNS`` as report columns)."""
    return [Column(*c) for c in EXCHANGE_COLUMNS]


def vote_columns(subject: str = "表决事项") -> list[Column]:
    """Columns of a small vote table (纪实表, minute book): the matter, the counts, the result."""
    return [
        Column("matter", subject, "text", 16, wrap=True),
        *(Column(f"vote_{i}", label, "int", 5) for i, label in enumerate(VOTE_LABELS)),
        Column("written", "书面意见", "text", 12, wrap=True),
        Column("result", "表决结果", "text", 7),
    ]


def vote_row(matter: str, vote: Vote) -> list[Any]:
    """One row of :func:`vote_columns`; the result is the vote arithmetic's (超过应到半数 …)."""
    from branchdesk.domain.votes import tally

    result = "通过" if tally(vote).passed else "未通过"
    return [matter, vote.expected, vote.present, vote.yes, vote.no, vote.abstain, written_text(vote), result]


#: The columns of the printed summary (``compact=True``): the main step dates, the people and the
#: admission vote, narrow enough for A4 landscape. Not a round trip: import the full layout.
COMPACT_KEYS = (
    "seq", "name", "sex", "birth_date", "application_date", "first_talk_date", "activist_date", "contacts",
    "candidate_date", "sponsors", "political_review_date", "training_hours", "pre_review_date",
    "admission_meeting_date", "admission_expected", "admission_present", "admission_yes", "approval_date",
    "oath_date", "conversion_meeting_date", "conversion_approval_date", "full_member_date", "status",
)  # fmt: skip


#: The columns of the compact A4 layout: one A4 landscape page wide (no parts), the admission vote in
#: one cell (应到/实到/赞成); the fuller ``COMPACT_KEYS`` print on A3 landscape (``paper="A3"``).
A4_KEYS = (
    "seq", "name", "sex", "application_date", "activist_date", "candidate_date", "sponsors",
    "political_review_date", "training_hours", "pre_review_date", "admission_meeting_date", "admission_vote",
    "approval_date", "conversion_meeting_date", "full_member_date", "status",
)  # fmt: skip
LAYOUTS = {"a4": "紧凑（A4 横向一页宽）", "a3": "完整（A3 横向）"}


def development_ledger(
    dossiers: Iterable[Dossier],
    branch_name: str,
    printed_on: dt.date | None = None,
    *,
    period: str = "",
    compact: bool = False,
    exclusions: Mapping[int, Mapping[str, Iterable[Any]]] | None = None,
    layout: str = "a3",
) -> Ledger:
    """发展党员工作台账 of ``dossiers`` (one row each, in the order given) for ``branch_name``.

    ``period`` is the line under the title (default "截至 <printed_on>"). Render with
    ``reports.xlsx.write_xlsx([ledger], path)``; read back with ``services.dev_import.read_development``.

    ``exclusions``: dossier id -> the voters left out of 应到 per vote field (their kind and approval).
    The full layout (default) has 60 columns: the exchange format (export / import round trip) and
    the inspector's complete record, best printed on A3 (on A4 landscape it is scaled to about a
    quarter). ``compact=True`` keeps the 23 columns of ``COMPACT_KEYS`` for printing on A4 landscape.
    """
    from collections import Counter

    from branchdesk.domain.dates import format_date
    from branchdesk.domain.development import Standing

    printed_on = printed_on or dt.date.today()
    dossiers = list(dossiers)
    exclusions = exclusions or {}
    rows = [dossier_row(seq, d, exclusions.get(d.id or 0)) for seq, d in enumerate(dossiers, start=1)]
    columns = development_columns()
    paper = "A4"
    if compact and layout == "a4":
        keys = [c.key for c in columns]
        at = {k: keys.index(k) for k in ("admission_expected", "admission_present", "admission_yes")}
        vote = Column("admission_vote", "接收表决（应到/实到/赞成）", "text", 10, wrap=True)
        for row in rows:
            counts = [row[at[k]] for k in ("admission_expected", "admission_present", "admission_yes")]
            row.append("/".join("" if c is None else str(c) for c in counts) if any(c is not None for c in counts)
                       else "")  # fmt: skip
        columns = [*columns, vote]
        keep = [next(i for i, c in enumerate(columns) if c.key == k) for k in A4_KEYS]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    elif compact:
        keep = [i for i, c in enumerate(columns) if c.key in COMPACT_KEYS]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
        paper = "A3"
    counts = Counter(d.standing for d in dossiers)
    parts = [f"{s.label} {counts[s]} 人" for s in Standing if counts[s]]
    summary = f"共 {len(dossiers)} 人" + ("：" + "，".join(parts) if parts else "") + "。"
    return Ledger(
        key=DEVELOPMENT_KEY,
        title=DEVELOPMENT_TITLE,
        branch_name=branch_name,
        period=period or f"截至 {format_date(printed_on)}",
        columns=columns,
        rows=rows,
        printed_on=printed_on,
        notes=[summary],
        orientation="landscape",
        paper=paper,
        signatures=["填表人", "支部书记", "审核人"],
    )


# ------------------------------------------------------------------------------ dossiers in time


def dossier_in_period(d: Dossier, start: dt.date, end: dt.date) -> bool:
    """The dossier was in progress at some time from ``start`` to ``end``: not begun after the
    period, not finished (ended, or a full member) before it."""
    if d.application_date is not None and d.application_date > end:
        return False  # begun after the period
    ended = d.outcome_date or d.full_member_date
    return ended is None or ended >= start


def dossier_as_of(d: Dossier, on: dt.date) -> Dossier:
    """The dossier as it stood at the end of day ``on``: every fact dated later is left out.

    So ``dossier_as_of(d, on).standing`` is the person's standing on that day (入党积极分子 …),
    and a register or a 纪实表 printed for a past year shows nothing that happened after it. A
    dossier with no date left at all (``latest_date`` None) had not begun on that day.
    """
    from dataclasses import replace

    if d.latest_date is None or d.latest_date <= on:
        return d

    def keep(day: dt.date | None) -> dt.date | None:
        return day if day is not None and day <= on else None

    def dated(part):
        return part if part is not None and part.date <= on else None

    activist = keep(d.activist_date)
    candidate = keep(d.candidate_date)
    meeting = keep(d.admission_meeting_date)
    conversion_meeting = keep(d.conversion_meeting_date)
    approval = dated(d.approval)
    conversion_approval = dated(d.conversion_approval)
    sponsors_date = keep(d.sponsors_date)
    form_date = keep(d.volunteer_form_date)
    ended = d.outcome is not None and (d.outcome_date is None or d.outcome_date <= on)
    return replace(
        d,
        application_date=keep(d.application_date),
        talks=tuple(t for t in d.talks if t.date <= on),
        activist_date=activist,
        activist_recommendation=d.activist_recommendation if activist else None,
        activist_decided_by=d.activist_decided_by if activist else None,
        activist_publicity=d.activist_publicity
        if d.activist_publicity and d.activist_publicity.start <= on
        else None,
        filings=tuple(f for f in d.filings if f.date <= on),
        contacts=tuple(
            c
            for c in d.contacts
            if (c.assigned_on is not None and c.assigned_on <= on)
            or (c.assigned_on is None and activist is not None)
        ),
        assessments=tuple(a for a in d.assessments if a.date <= on),
        thought_reports=tuple(r for r in d.thought_reports if r.date <= on),
        candidate_date=candidate,
        candidate_decided_by=d.candidate_decided_by if candidate else None,
        publicity=d.publicity if d.publicity and d.publicity.start <= on else None,
        sponsors=d.sponsors if sponsors_date or (d.sponsors_date is None and candidate) else (),
        sponsors_date=sponsors_date,
        political_review=dated(d.political_review),
        training=d.training if d.training and d.training.end <= on else None,
        committee_review_date=keep(d.committee_review_date),
        pre_review=dated(d.pre_review),
        volunteer_form_number=d.volunteer_form_number if form_date or d.volunteer_form_date is None else "",
        volunteer_form_date=form_date,
        admission_meeting_date=meeting,
        admission_vote=d.admission_vote if meeting else None,
        approval=approval,
        assignment_date=keep(d.assignment_date),
        oath_date=keep(d.oath_date),
        join_date=d.join_date if meeting else None,
        conversion_application_date=keep(d.conversion_application_date),
        extensions=tuple(e for e in d.extensions if e.date <= on),
        conversion_meeting_date=conversion_meeting,
        conversion_vote=d.conversion_vote if conversion_meeting else None,
        conversion_approval=conversion_approval,
        full_member_date=d.full_member_date if conversion_approval else None,
        archive_date=keep(d.archive_date),
        rejected_on=keep(d.rejected_on),
        rejection_vote=d.rejection_vote if keep(d.rejected_on) else None,
        transferred_in_date=keep(d.transferred_in_date),
        outcome=d.outcome if ended else None,
        outcome_date=d.outcome_date if ended else None,
        outcome_reason=d.outcome_reason if ended else "",
        outcome_vote=d.outcome_vote if ended else None,
    )


def in_ledger_order(dossiers: Iterable[Dossier]) -> list[Dossier]:
    """The ledger's row order: by application date (dossiers without one last), then as created."""
    return sorted(dossiers, key=lambda d: (d.application_date or dt.date.max, d.id))


def development_report(ws, period, today: dt.date) -> list[Ledger]:
    """Registry builder: every dossier in progress at some time in `period` (not begun after it, not
    finished before it), by application date, in the printed (compact) layout."""

    dossiers = in_ledger_order(
        d for d in ws.development.all() if dossier_in_period(d, period.start, period.end)
    )
    layout = _LAYOUT.get() or ws.settings.get(LAYOUT_SETTING) or "a4"
    return [development_ledger(dossiers, ws.branch.profile().name, today, period=period.label, compact=True,
                               layout=layout)]  # fmt: skip


#: the branch's choice of the printed 发展党员工作台账: "a4" (one A4 landscape page wide) or "a3"
LAYOUT_SETTING = "ledgers.development_layout"
_LAYOUT: ContextVar[str | None] = ContextVar("branchdesk_development_layout", default=None)


@contextmanager
def layout_override(layout: str) -> Iterator[None]:
    """Inside this block the registry's 发展党员工作台账 uses `layout` ("a4"/"a3"), not the setting."""
    token = _LAYOUT.set(layout)
    try:
        yield
    finally:
        _LAYOUT.reset(token)


def write_development_template(path: str | Path) -> Path:
    """A blank ledger to fill in (header and a grey 示例 row), plus a 填写说明 sheet; returns the path."""
    from branchdesk.reports.xlsx import write_xlsx
    from branchdesk.services.dev_import import ALIASES, HELP, example_dossier
    from branchdesk.services.imports import EXAMPLE_MARK

    columns = development_columns()
    example = dossier_row(1, example_dossier())
    example[0] = f"{EXAMPLE_MARK}（导入时忽略）"
    ledger = Ledger(
        key=DEVELOPMENT_KEY,
        title=DEVELOPMENT_TITLE,
        branch_name="",
        period="",
        columns=columns,
        rows=[example],
        notes=[],
        signatures=[],
    )
    help_rows = [[c.title, HELP.get(c.key, "日期可写成 2023-05-01、2023.5.1 或 2023年5月1日。" if c.kind == "date"
                                     else ""), "、".join(a for a in ALIASES.get(c.key, ()) if a != c.title)]
                 for c in columns]  # fmt: skip
    help_ledger = Ledger(
        key="development_help",
        title="填写说明",
        branch_name="",
        period="",
        columns=[
            Column("title", "列名", "text", 16),
            Column("help", "填写要求", "text", 60, wrap=True),
            Column("aliases", "也可使用的列名", "text", 30, wrap=True),
        ],
        rows=help_rows,
        notes=[
            "每行填写一人；第 4 行是示例，导入时自动忽略，可以删除。只有“姓名”必填，其余各列按实际情况填写。",
            "导入时不检查是否符合发展党员工作规定（历史情况如实记录，导入后用“合规检查”查看问题），"
            "但日期、人数、身份证号码等无法识别的内容会列出行号和列名，改正后重新导入。",
        ],
        orientation="portrait",
        signatures=[],
    )
    return write_xlsx([ledger, help_ledger], path)
