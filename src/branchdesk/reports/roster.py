"""党员花名册: the roster of the current branch as a ledger (any writer renders it)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from branchdesk.domain.vocab import MEMBER_FIELD_LABELS, MemberType
from branchdesk.reports.ledger import Column, Ledger

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

ROSTER_KEY = "roster"
ROSTER_TITLE = "党员花名册"


def _label(key: str) -> str:
    return MEMBER_FIELD_LABELS[key]


def paper_date(record, name: str) -> dt.date | str | None:
    """A member date for a ledger cell: the date when the paper gives the day, else as written ("1999年3月")."""
    value = record.partial(name)
    if value is None or value.exact:
        return getattr(record, name)
    return value.text


def roster_columns() -> list[Column]:
    return [
        Column("seq", "序号", "int", 5),
        Column("name", _label("name"), "text", 8),
        Column("sex", _label("sex"), "text", 5),
        Column("ethnicity", _label("ethnicity"), "text", 6),
        Column("birth_date", _label("birth_date"), "date", 11),
        Column("id_number", _label("id_number"), "id_number", 20),
        Column("education", _label("education"), "text", 10),
        Column("member_type", _label("member_type"), "text", 9),
        Column("group", _label("group_id"), "text", 10),
        Column("join_date", _label("join_date"), "date", 11),
        Column("conversion_date", _label("conversion_date"), "date", 11),
        Column("work_unit", _label("work_unit"), "text", 16, wrap=True),
        Column("post", _label("post"), "text", 10, wrap=True),
        Column("party_post", _label("party_post"), "text", 9, wrap=True),
        Column("mobile", _label("mobile"), "phone", 13),
        Column("notes", _label("notes"), "text", 12, wrap=True),
    ]


def roster_ledger(ws: Workspace, *, query=None, today: dt.date | None = None) -> Ledger:
    """The roster of the current branch: by default every active member, by party group then name.

    `query` (a `MemberQuery`) narrows or reorders it, e.g. one party group, or probationary members only.
    """
    from branchdesk.domain.dates import format_date
    from branchdesk.services.bulk import collector_paused
    from branchdesk.services.members import MemberQuery

    today = today or dt.date.today()
    default_order = query is None
    query = query or MemberQuery(sort="group")
    with collector_paused():
        records = ws.members.records(query)
    if default_order:
        # members without a party group after the groups, whatever the database's NULL ordering
        records = [r for r in records if r.group_name] + [r for r in records if not r.group_name]
    profile = ws.branch.profile(query.branch_id)

    rows = []
    for seq, r in enumerate(records, start=1):
        rows.append([
            seq, r.name, r.sex, r.ethnicity, paper_date(r, "birth_date"), r.id_number or "", r.education,
            r.type_label, r.group_name, paper_date(r, "join_date"), paper_date(r, "conversion_date"),
            r.work_unit, r.post, r.party_post,
            r.mobile or r.landline, r.notes,
        ])  # fmt: skip

    full = sum(1 for r in records if r.member_type == MemberType.FULL.value)
    probationary = sum(1 for r in records if r.member_type == MemberType.PROBATIONARY.value)
    summary = f"共 {len(records)} 人，其中{MemberType.FULL.label} {full} 人、{MemberType.PROBATIONARY.label} {probationary} 人。"
    return Ledger(
        key=ROSTER_KEY,
        title=ROSTER_TITLE,
        branch_name=profile.name,
        period=f"截至 {format_date(today)}",
        columns=roster_columns(),
        rows=rows,
        printed_on=today,
        notes=[summary],
        orientation="landscape",
        signatures=["填表人", "支部书记"],
    )


def roster_report(ws: Workspace, period, today: dt.date) -> list[Ledger]:
    """Registry builder: the roster as it stands (members on the roster now; `period` is not used)."""
    return [roster_ledger(ws, today=today)]
