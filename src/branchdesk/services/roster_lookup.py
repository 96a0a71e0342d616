"""Contact persons and sponsors typed by name, resolved against the roster on the day (issue 12 §3).

A name typed in the step form or carried by an import is looked up among the members of the branch
ON THE DAY of the designation (``domain.meetings.RosterEntry``): found, the person gets the roster's
``member_id`` and the roster's standing that day (full or probationary, under 留党察看) — never what was
typed ("蔡浩然", a 预备党员 typed without his label, is probationary). Not found, the person must be
marked as a member of another branch (``outside``) with the standing the user states; otherwise the
step is refused with a Chinese message naming the person.

This is the "who is a member on day D" question of the Workspace's roster service (``ws.roster``,
issue 13): when that lands, :func:`resolve_people` becomes a call on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from branchdesk.domain.dates import format_date
from branchdesk.domain.members import FieldIssue, bare_name
from branchdesk.domain.vocab import MemberType

__all__ = ["bare_name", "resolve_people"]

def resolve_people(
    entries: Iterable[Any], people: Sequence[Any], on: dt.date | None, what: str
) -> tuple[list[Any], list[FieldIssue]]:
    """``people`` (``ContactPerson`` or ``Sponsor``) as the roster has them on ``on``.

    ``entries``: ``RosterEntry`` snapshots of the branch. Returns the resolved people and the problems
    (a name not on the roster that day and not marked ``outside``; a name two members share)."""
    roster = list(entries)
    by_name: dict[str, list[Any]] = {}
    for e in roster:
        by_name.setdefault(e.name, []).append(e)
    out, issues = [], []
    for p in people:
        name = bare_name(p.name)
        if not name:
            continue
        if p.outside:
            out.append(replace(p, name=name, member_id=None))
            continue
        same = by_name.get(name, [])
        if p.member_id is not None:
            same = [e for e in same if e.member_id == p.member_id] or [
                e for e in roster if e.member_id == p.member_id
            ]
        day = on or dt.date.today()
        there = [e for e in same if e.member_on(day)]
        if len(there) > 1:
            issues.append(
                FieldIssue(what, f"{what}“{name}”：本支部有{len(there)}名同名党员，请从列表中选择具体的一位")
            )
            continue
        if not there:
            when = f"{format_date(day)}" if on else "当天"
            if same:
                text = f"{what}“{name}”{when}不是本支部在册党员（请核对日期，或勾选“外支部党员”并注明其身份）"
            else:
                text = (
                    f"{what}“{name}”不在本支部花名册中：请从本支部党员中选择；"
                    "如是其他党支部的党员，请勾选“外支部党员”并注明是正式党员还是预备党员"
                )
            issues.append(FieldIssue(what, text))
            continue
        e = there[0]
        values: dict[str, Any] = {
            "name": e.name,
            "member_id": e.member_id,
            "full_member": e.type_on(day) is MemberType.FULL,
        }
        if hasattr(p, "under_watch"):
            values["under_watch"] = e.under_watch(day)
        out.append(replace(p, **values))
    return out, issues
