"""流动党员登记表 and 失联党员登记表 (domain.md §4, §6), from the member files.

The member file holds the CURRENT flags only: 流动党员 with where the member went (``is_mobile_member``,
``mobile_whereabouts``, no start date) and 失去联系 with the date contact was lost
(``lost_contact``, ``lost_contact_since``); no history of when a mobile member left or came back,
or when a lost member was found again. So both registers show the members flagged now; the lost-contact
register leaves out those who lost contact after the end of the period. Members on the roster only
(status 正常).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from branchdesk.reports.ledger import Column, Ledger
from branchdesk.reports.registers import PERSON_COLUMNS

if TYPE_CHECKING:
    from branchdesk.domain.members import MemberRecord
    from branchdesk.reports.registry import Period
    from branchdesk.workspace import Workspace

LOST_REVIEW_MONTHS = 6  # domain.md §4 (MEM-LOST-6M): lost ≥ 6 months → suspension review

_PERSON = [
    *PERSON_COLUMNS,
    Column("member_type", "人员类别", "text", 8),
    Column("group", "所在党小组", "text", 10, wrap=True),
]
MOBILE_COLUMNS = [
    *_PERSON,
    Column("unit", "工作单位及职务", "text", 16, wrap=True),
    Column("whereabouts", "外出流向", "text", 20, wrap=True),
    Column("mobile", "联系电话", "phone", 13),
    Column("paid_to", "党费交至", "text", 10),
    Column("notes", "备注", "text", 16, wrap=True),
]
LOST_COLUMNS = [
    *_PERSON,
    Column("since", "失联日期", "date", 11),
    Column("months", "失联月数", "int", 6),
    Column("mobile", "最后联系电话", "phone", 13),
    Column("address", "家庭住址", "text", 18, wrap=True),
    Column("paid_to", "党费交至", "text", 10),
    Column("notes", "备注", "text", 22, wrap=True),
]


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def _paid_to(m: MemberRecord) -> str:
    from branchdesk.domain.dates import format_year_month

    return format_year_month(m.dues_paid_to) if m.dues_paid_to else ""


def _person(seq: int, m: MemberRecord) -> list[Any]:
    return [seq, m.name, m.sex, m.birth_date, m.id_number or "", m.type_label, m.group_name]


def _flagged(ws: Workspace) -> list[MemberRecord]:
    from branchdesk.services.members import MemberQuery

    records = ws.members.records(MemberQuery(sort="group"))
    return [r for r in records if r.is_mobile_member or r.lost_contact]


def mobile_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 流动党员登记表 (the members flagged as mobile now)."""
    from branchdesk.reports.registers import as_of_line, branch_name_of

    members = [m for m in _flagged(ws) if m.is_mobile_member]
    rows = []
    for seq, m in enumerate(members, start=1):
        unit = "、".join(x for x in (m.work_unit, m.post) if x)
        notes = "同时失去联系" if m.lost_contact else ""
        rows.append(
            [*_person(seq, m), unit, m.mobile_whereabouts, m.mobile or m.landline, _paid_to(m), notes]
        )
    return [
        Ledger(
            key="mobile_members",
            title="流动党员登记表",
            branch_name=branch_name_of(ws),
            period=as_of_line(today),
            columns=list(MOBILE_COLUMNS),
            rows=rows,
            printed_on=today,
            notes=[
                f"共 {len(rows)} 人。",
                "本表依据党员档案中的“流动党员”标记和外出流向登记（档案不记录外出起止日期）。",
            ],
            orientation="landscape",
            signatures=["填表人", "支部书记"],
        )
    ]


def lost_register(ws: Workspace, period: Period, today: dt.date) -> list[Ledger]:
    """Registry builder: 失联党员登记表 as of the end of the period (lost since on or before it)."""
    from branchdesk.reports.registers import as_of_line, branch_name_of

    on = min(period.end, today)
    members = [
        m for m in _flagged(ws)
        if m.lost_contact and (m.lost_contact_since is None or m.lost_contact_since <= on)
    ]  # fmt: skip
    rows = []
    review = 0
    for seq, m in enumerate(members, start=1):
        months = _months_between(m.lost_contact_since, on) if m.lost_contact_since else None
        notes = []
        if months is not None and months >= LOST_REVIEW_MONTHS:
            review += 1
            notes.append(f"失联已满{LOST_REVIEW_MONTHS}个月，应按规定进行停止党籍审查")
        if m.lost_contact_since is None:
            notes.append("未登记失联日期")
        rows.append([*_person(seq, m), m.lost_contact_since, months, m.mobile or m.landline, m.address,
                     _paid_to(m), "；".join(notes)])  # fmt: skip
    return [
        Ledger(
            key="lost_members",
            title="失联党员登记表",
            branch_name=branch_name_of(ws),
            period=as_of_line(on),
            columns=list(LOST_COLUMNS),
            rows=rows,
            printed_on=today,
            notes=[
                f"共 {len(rows)} 人"
                + (f"，其中失联满{LOST_REVIEW_MONTHS}个月的 {review} 人。" if rows else "。")
            ],
            orientation="landscape",
            signatures=["填表人", "支部书记"],
        )
    ]
