"""联系服务 assignments, 结对帮扶 and posts (党员示范岗 …) (issue 15, domain.md §12): ``ws.assignments``.

A member (or an activist, by their development dossier) is assigned to a dormitory, a class, named
people, a 结对帮扶 pair or trio, or a post, from a start date (to an end date). Every mutation is one
audited unit of work; 查阅 accounts cannot write. :meth:`AssignmentsService.coverage` answers the
coverage view: which dormitories and classes have a member on a day, and which members have no
assignment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from branchdesk.db.models import Member
from branchdesk.db.models_activities import Assignment as AssignmentRow
from branchdesk.domain.activities import Assignment, AssignmentKind
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import FieldIssue, ValidationError

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["AssignmentsService", "Coverage"]


@dataclass(frozen=True)
class Coverage:
    """On ``on``: each dormitory / class with the people who contact it, and the members on the roster
    that day without any assignment."""

    on: dt.date
    dormitories: dict[str, tuple[str, ...]]
    classes: dict[str, tuple[str, ...]]
    posts: dict[str, tuple[str, ...]]  # "post kind：post" → people
    unassigned: tuple[tuple[int, str], ...]  # (member id, name)
    members: int  # members on the roster that day

    @property
    def assigned(self) -> int:
        return self.members - len(self.unassigned)


class AssignmentsService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ------------------------------------------------------------------ reading
    def list(self, *, on: dt.date | None = None, kind: AssignmentKind | str | None = None,
             member_id: int | None = None, year: int | None = None) -> list[Assignment]:  # fmt: skip
        """Assignments (current on ``on`` / overlapping ``year`` / of ``kind`` / of one member), by
        kind, target and start."""
        with self.ws.read() as session:
            q = select(AssignmentRow).where(AssignmentRow.branch_id == self.ws.branch_id)
            if kind is not None:
                q = q.where(AssignmentRow.kind == AssignmentKind(kind).value)
            if member_id is not None:
                q = q.where(AssignmentRow.member_id == member_id)
            if on is not None:
                q = q.where(
                    AssignmentRow.start <= on, (AssignmentRow.end.is_(None)) | (AssignmentRow.end >= on)
                )
            if year is not None:
                q = q.where(
                    AssignmentRow.start <= dt.date(year, 12, 31),
                    (AssignmentRow.end.is_(None)) | (AssignmentRow.end >= dt.date(year, 1, 1)),
                )
            rows = session.scalars(q.order_by(AssignmentRow.kind, AssignmentRow.target, AssignmentRow.start,
                                              AssignmentRow.id)).all()  # fmt: skip
            return [_snapshot(r) for r in rows]

    def get(self, assignment_id: int) -> Assignment:
        with self.ws.read() as session:
            return _snapshot(self._row(session, assignment_id))

    def coverage(self, on: dt.date | None = None) -> Coverage:
        """Which dormitories, classes and posts have someone on ``on`` (default today), and who has none."""
        on = on or dt.date.today()
        current = self.list(on=on)
        dormitories: dict[str, list[str]] = {}
        classes: dict[str, list[str]] = {}
        posts: dict[str, list[str]] = {}
        for a in current:
            target = a.target or "（未填写）"
            if a.kind is AssignmentKind.DORMITORY:
                dormitories.setdefault(target, []).append(a.person)
            elif a.kind is AssignmentKind.CLASS:
                classes.setdefault(target, []).append(a.person)
            elif a.kind is AssignmentKind.POST:
                posts.setdefault(f"{a.post_kind}：{target}", []).append(a.person)
        roster = self.ws.roster.read()
        entries = {e.member_id: e for group in roster.entries().values() for e in group}
        on_roster = [
            (m.id, m.name) for m in roster.members if m.id in entries and entries[m.id].member_on(on)
        ]
        busy = {a.member_id for a in current if a.member_id is not None}
        unassigned = tuple((mid, name) for mid, name in on_roster if mid not in busy)
        return Coverage(
            on,
            {k: tuple(v) for k, v in sorted(dormitories.items())},
            {k: tuple(v) for k, v in sorted(classes.items())},
            {k: tuple(v) for k, v in sorted(posts.items())},
            unassigned,
            len(on_roster),
        )

    # ------------------------------------------------------------------ writing
    def save(self, assignment: Assignment) -> Assignment:
        a = self._validated(assignment)
        operation = "新增" if a.id is None else "修改"
        with self.ws.write(f"{operation}联系服务安排：{a.person} {a.kind_label}") as session:
            assignment_id = self._store(session, a)
        return self.get(assignment_id)

    def save_many(self, assignments: list[Assignment], operation: str = "批量保存联系服务安排") -> list[int]:
        checked = [self._validated(a) for a in assignments]
        with self.ws.write(operation) as session:
            return [self._store(session, a) for a in checked]

    def end(self, assignment_id: int, on: dt.date) -> Assignment:
        """End an assignment on ``on`` (it stays on the member's file as history)."""
        with self.ws.write("结束联系服务安排") as session:
            row = self._row(session, assignment_id)
            if on < row.start:
                raise ValidationError([FieldIssue("end", "结束日期早于开始日期")])
            row.end = on
        return self.get(assignment_id)

    def delete(self, assignment_id: int) -> None:
        with self.ws.write("删除联系服务安排") as session:
            session.delete(self._row(session, assignment_id))

    def _validated(self, a: Assignment) -> Assignment:
        issues = []
        kind = AssignmentKind(a.kind)
        if a.member_id is None and a.dossier_id is None:
            issues.append(FieldIssue("person", "请从花名册或积极分子名单中选择党员或积极分子"))
        if not isinstance(a.start, dt.date):
            issues.append(FieldIssue("start", "请填写开始日期"))
        elif a.end is not None and a.end < a.start:
            issues.append(FieldIssue("end", "结束日期早于开始日期"))
        if kind in (AssignmentKind.DORMITORY, AssignmentKind.CLASS) and not a.target.strip():
            issues.append(FieldIssue("target", "请填写联系的宿舍或班级"))
        if kind in (AssignmentKind.PEOPLE, AssignmentKind.PAIR) and not a.people.strip():
            issues.append(FieldIssue("people", "请填写联系或结对的人员（每行一人，可附说明）"))
        if kind is AssignmentKind.POST:
            if not a.post_kind.strip():
                issues.append(
                    FieldIssue("post_kind", "请选择岗位类型（党员示范岗、先锋岗、监督岗、责任区等）")
                )
            elif a.post_kind.strip() not in self.ws.activities.kinds("post"):
                issues.append(FieldIssue("post_kind", f"没有岗位类型“{a.post_kind}”，请先在类型中新增"))
            if not a.target.strip():
                issues.append(FieldIssue("target", "请填写岗位名称"))
        if issues:
            raise ValidationError(issues)
        return replace(a, kind=kind, target=a.target.strip(), post_kind=a.post_kind.strip())

    def _store(self, session: Session, a: Assignment) -> int:
        from branchdesk.db.models_development import DevelopmentDossier

        branch_id = self.ws.branch_id
        if a.member_id is not None:
            person = session.scalar(
                select(Member.name).where(Member.id == a.member_id, Member.branch_id == branch_id)
            )
        else:
            person = session.scalar(
                select(DevelopmentDossier.name).where(
                    DevelopmentDossier.id == a.dossier_id, DevelopmentDossier.branch_id == branch_id
                )
            )
        if person is None:
            raise ValidationError([FieldIssue("person", f"“{a.person}”不在本支部")])
        values = dict(
            member_id=a.member_id, dossier_id=a.dossier_id if a.member_id is None else None, person=person,
            kind=a.kind.value, post_kind=a.post_kind[:50], target=a.target[:200], people=a.people,
            place=a.place.strip()[:200], start=a.start, end=a.end, note=a.note,
        )  # fmt: skip
        if a.id is None:
            row = AssignmentRow(branch_id=branch_id, **values)
            session.add(row)
        else:
            row = self._row(session, a.id)
            for k, v in values.items():
                if getattr(row, k) != v:
                    setattr(row, k, v)
        session.flush()
        return row.id

    def _row(self, session: Session, assignment_id: int) -> AssignmentRow:
        row = session.get(AssignmentRow, assignment_id)
        if row is None or row.branch_id != self.ws.branch_id:
            raise NotFoundError(f"找不到编号为 {assignment_id} 的联系服务安排")
        return row


def _snapshot(r: AssignmentRow) -> Assignment:
    return Assignment(
        person=r.person, kind=AssignmentKind(r.kind), start=r.start, id=r.id, member_id=r.member_id,
        dossier_id=r.dossier_id, post_kind=r.post_kind, target=r.target, people=r.people, place=r.place,
        end=r.end, note=r.note,
    )  # fmt: skip
