"""组织关系转接台账 (the year's transfers in, out and between branches) and the 组织关系介绍信 with its
stub and return slip, from `ws.transfers` (services/transfers.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from branchdesk.reports.ledger import Column, Document, Fields, Heading, Ledger, Paragraph

if TYPE_CHECKING:
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

SHORT_KIND = {"in": "转入", "out": "转出", "internal": "本单位支部间转接"}

COLUMNS = [
    Column("seq", "序号", "int", 5),
    Column("name", "姓名", "text", 8),
    Column("kind", "类别", "text", 10, wrap=True),
    Column("source", "转出单位", "text", 20, wrap=True),
    Column("target", "转入单位", "text", 20, wrap=True),
    Column("date", "转接日期", "date", 11),
    Column("letter_no", "介绍信编号", "text", 16, wrap=True),
    Column("valid_until", "有效期至", "date", 11),
    Column("slip", "回执", "text", 11),
    Column("reason", "原因", "text", 14, wrap=True),
]


def _slip(t, today: dt.date) -> str:
    from branchdesk.domain.dates import format_date

    if t.kind == "internal":
        return "—"
    if t.return_slip_on:
        return f"{format_date(t.return_slip_on)}收回"
    return "逾期未收回" if t.overdue_slip(today) else "未收回"


def transfers_report(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    transfers = ws.transfers.between(period.start, period.end)
    rows = [
        [n, t.member_name, SHORT_KIND[t.kind], t.source, t.target, t.date, t.letter_no, t.letter_valid_until,
         _slip(t, today), t.reason]
        for n, t in enumerate(transfers, start=1)
    ]  # fmt: skip
    counts = {k: sum(1 for t in transfers if t.kind == k) for k in SHORT_KIND}
    notes = [
        f"共 {len(transfers)} 人次：转入 {counts['in']}，转出 {counts['out']}，本单位支部间转接 {counts['internal']}。"
    ]
    missing = sum(1 for t in transfers if t.overdue_slip(today))
    if missing:
        notes.append(f"有 {missing} 份转出介绍信已过有效期仍未收回回执，请催收。")
    name = ws.branch.profile().name
    return [
        Ledger(
            "transfers",
            "组织关系转接台账",
            name,
            period.label,
            COLUMNS,
            rows,
            printed_on=today,
            notes=notes,
            signatures=["经办人", "支部书记"],
        )
    ]


def transfer_letter(ws: Workspace, transfer_id: int, today: dt.date | None = None) -> Document:
    """The 组织关系介绍信 of one transfer out (or between branches): the stub kept by the branch, the
    letter the member carries, and the return slip the receiving organisation sends back."""
    from branchdesk.domain.dates import format_date, format_year_month

    today = today or dt.date.today()
    t = ws.transfers.get(transfer_id)
    m = ws.transfers.member(transfer_id)
    branch = ws.branch.profile()
    sender = t.from_branch or branch.name
    age = ""
    if m.birth_date:
        age = f"{t.date.year - m.birth_date.year - ((t.date.month, t.date.day) < (m.birth_date.month, m.birth_date.day))}岁"
    kind = "预备党员" if m.member_type == "probationary" else "正式党员"
    paid = format_year_month(m.dues_paid_to) if m.dues_paid_to else "　　年　　月"
    valid = format_date(t.letter_valid_until) if t.letter_valid_until else "　　年　　月　　日"
    person = "，".join(x for x in (m.sex, age, m.ethnicity) if x)
    letter_no = t.letter_no or "　　　"
    blocks = [
        Heading("中国共产党组织关系介绍信（存根）"),
        Fields(
            [
                ("编号", letter_no),
                ("姓名", m.name),
                ("性别", m.sex),
                ("党员类别", kind),
                ("身份证号码", m.id_number or ""),
                ("由", sender),
                ("去", t.target),
                ("转接日期", format_date(t.date)),
                ("有效期至", valid),
                ("原因", t.reason),
            ],
            per_line=2,
            kinds={"身份证号码": "id_number"},
        ),
        Paragraph("－－－－－－－－－－－－－－（沿此线剪开，存根由本支部留存）－－－－－－－－－－－－－－"),
        Heading(f"中国共产党组织关系介绍信　{letter_no}"),
        Paragraph(
            f"{t.target}：\n"
            f"　　兹介绍{m.name}同志（{person}）系中共{kind}，身份证号码{m.id_number or '　　　　'}，"
            f"由{sender}去{t.target}，请转接组织关系。该同志党费已交到{paid}。\n"
            f"　　（有效期至{valid}）\n"
            f"　　　　　　　　　　　　　　　　　　　　{sender}（盖章）\n"
            f"　　　　　　　　　　　　　　　　　　　　{format_date(t.date)}"
        ),
        Paragraph(
            "－－－－－－－－－－－－－－（沿此线剪开，回执由接收党组织寄回）－－－－－－－－－－－－－－"
        ),
        Heading(f"回执　{letter_no}"),
        Paragraph(
            f"{sender}：\n"
            f"　　{m.name}同志的党员组织关系已转达我处，特此回复。\n"
            "　　　　　　　　　　　　　　　　　　　　（接收党组织盖章）\n"
            "　　　　　　　　　　　　　　　　　　　　　　年　　月　　日"
        ),
    ]
    return Document(key="transfer_letter", title="中国共产党组织关系介绍信", branch_name=branch.name,
                    period=format_date(t.date), blocks=blocks, subject=m.name, printed_on=today,
                    signatures=[])  # fmt: skip
