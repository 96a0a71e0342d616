"""Transfers of members (组织关系转接, `ws.transfers`): between branches of this database in one action,
and in or out of it with the 组织关系介绍信 (letter number, origin or destination, validity, return slip).

An internal transfer moves the member file to the other branch with everything keyed to it: its status
history, awards and development dossier go along; the attendance of past meetings stays with those
meetings (the old branch's records are not rewritten); committee seats in the old branch end on the
day, and the party group is cleared (the new branch assigns one).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from branchdesk.db.models import Branch, CommitteeMember, Member, MemberTransfer
from branchdesk.domain.auth import Role
from branchdesk.domain.members import FieldIssue, MemberRecord, ValidationError
from branchdesk.domain.transfers import Transfer, TransferKind
from branchdesk.domain.vocab import MemberStatus
from branchdesk.services.members import MEMBER_FILE
from branchdesk.services.scope import not_found, own, require

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["Transfer", "TransferKind", "TransferService"]

#: what `NotFoundError` names for a transfer id that is not one of the branch's
TRANSFER = "组织关系转接记录"


class TransferService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ---- reading -------------------------------------------------------------------------------
    def _select(self):
        src, dst = aliased(Branch), aliased(Branch)
        return (
            select(MemberTransfer, Member.name, src.name, dst.name)
            .join(Member, Member.id == MemberTransfer.member_id)
            .outerjoin(src, src.id == MemberTransfer.from_branch_id)
            .outerjoin(dst, dst.id == MemberTransfer.to_branch_id)
            .order_by(MemberTransfer.date, MemberTransfer.id)
        )

    @staticmethod
    def _snapshot(row) -> Transfer:
        t, name, src, dst = row
        return Transfer(t.id, t.member_id, name, t.kind, t.date, t.from_branch_id, src or "", t.to_branch_id,
                        dst or "", t.origin, t.destination, t.letter_no, t.letter_valid_until, t.return_slip_on,
                        t.reason)  # fmt: skip

    def of_member(self, member_id: int) -> list[Transfer]:
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            rows = session.execute(self._select().where(MemberTransfer.member_id == member_id)).all()
            return [self._snapshot(r) for r in rows]

    def between(self, start: dt.date, end: dt.date) -> list[Transfer]:
        """The transfers of this branch (in, out, or between it and another branch) dated in [start, end]."""
        b = self.ws.branch_id
        with self.ws.read() as session:
            stmt = self._select().where(
                MemberTransfer.date.between(start, end),
                or_(MemberTransfer.from_branch_id == b, MemberTransfer.to_branch_id == b),
            )
            return [self._snapshot(r) for r in session.execute(stmt).all()]

    def get(self, transfer_id: int) -> Transfer:
        """One of the branch's transfers (in, out, or between it and another branch)."""
        with self.ws.read() as session:
            row = session.execute(self._select().where(MemberTransfer.id == transfer_id)).first()
        if row is None or self.ws.branch_id not in (row[0].from_branch_id, row[0].to_branch_id):
            raise not_found(transfer_id, TRANSFER)
        return self._snapshot(row)

    def member(self, transfer_id: int) -> MemberRecord:
        """The member file of one of the branch's transfers (`get`), wherever it is now: the letter of a
        transfer to another branch prints at the branch the member left."""
        from branchdesk.services.members import member_record

        t = self.get(transfer_id)
        with self.ws.read() as session:
            return member_record(session, t.member_id)

    # ---- writing -------------------------------------------------------------------------------
    def move(self, member_id: int, to_branch: int, on: dt.date, reason: str = "") -> Transfer:
        """Move a member to another branch of this database, in one transaction (see the module)."""
        issues = []
        if on > dt.date.today():
            issues.append(FieldIssue("date", "转接日期不能是将来的日期"))
        if issues:
            raise ValidationError(issues)
        operation = "支部间转接组织关系"
        self.ws.db.require(Role.COMMITTEE, operation, to_branch)  # the receiving branch's role too
        with self.ws.write(operation) as session:
            member = self._member(session, member_id)
            target = session.get(Branch, to_branch)
            if target is None:
                raise ValidationError([FieldIssue("to_branch", f"没有编号为 {to_branch} 的支部")])
            if target.id == member.branch_id:
                raise ValidationError([FieldIssue("to_branch", "该党员已在这个支部")])
            if member.status != MemberStatus.ACTIVE.value:
                raise ValidationError([FieldIssue("status", "只有在册党员才能转接组织关系")])
            source = member.branch_id
            for seat in session.scalars(
                select(CommitteeMember).where(
                    CommitteeMember.member_id == member_id, CommitteeMember.ended_on.is_(None)
                )
            ):
                seat.ended_on = max(on, seat.term_start)
            member.branch_id = target.id
            member.group_id = None
            member.is_group_leader = False
            member.party_post = ""
            from branchdesk.db.models_development import DevelopmentDossier

            for dossier in session.scalars(
                select(DevelopmentDossier).where(
                    and_(DevelopmentDossier.member_id == member_id, DevelopmentDossier.branch_id == source)
                )
            ):
                dossier.branch_id = target.id
            row = MemberTransfer(member_id=member_id, kind=TransferKind.INTERNAL.value, date=on,
                                 from_branch_id=source, to_branch_id=target.id, reason=reason.strip())  # fmt: skip
            session.add(row)
            session.flush()
            transfer_id = row.id
        return self.get(transfer_id)

    def transfer_out(self, member_id: int, on: dt.date, destination: str, letter_no: str,
                     valid_until: dt.date | None = None, reason: str = "") -> Transfer:  # fmt: skip
        """A member leaves the database: the status change (已转出) and the letter, in one transaction."""
        from branchdesk.services.members import MemberService, StatusChange

        issues = self._letter_issues(
            destination, "destination", "请填写转往的党组织", letter_no, on, valid_until
        )
        if issues:
            raise ValidationError(issues)
        with self.ws.write("组织关系转出") as session:
            member = self._member(session, member_id)
            MemberService.change_status_in(session, member_id, StatusChange(
                MemberStatus.TRANSFERRED_OUT.value, on, reason.strip() or "组织关系转出", letter_no=letter_no,
                destination=destination, letter_valid_until=valid_until,
            ))  # fmt: skip
            row = MemberTransfer(member_id=member_id, kind=TransferKind.OUT.value, date=on,
                                 from_branch_id=member.branch_id, destination=destination.strip(),
                                 letter_no=letter_no.strip(), letter_valid_until=valid_until,
                                 reason=reason.strip())  # fmt: skip
            session.add(row)
            session.flush()
            transfer_id = row.id
        return self.get(transfer_id)

    def transfer_in(self, member_id: int, on: dt.date, origin: str, letter_no: str,
                    valid_until: dt.date | None = None, reason: str = "") -> Transfer:  # fmt: skip
        """The letter of a member who came from outside the database (their file is on this branch's
        roster: entered or imported); sets the file's 转入日期 when it has none."""
        issues = self._letter_issues(origin, "origin", "请填写转出的党组织", letter_no, on, valid_until)
        if issues:
            raise ValidationError(issues)
        with self.ws.write("组织关系转入") as session:
            member = self._member(session, member_id)
            if member.transferred_in_date is None:
                member.transferred_in_date = on
            row = MemberTransfer(member_id=member_id, kind=TransferKind.IN.value, date=on,
                                 to_branch_id=member.branch_id, origin=origin.strip(), letter_no=letter_no.strip(),
                                 letter_valid_until=valid_until, reason=reason.strip())  # fmt: skip
            session.add(row)
            session.flush()
            transfer_id = row.id
        return self.get(transfer_id)

    def record_return_slip(self, transfer_id: int, on: dt.date | None) -> Transfer:
        """The return slip (回执) came back on `on` (None: not yet)."""
        with self.ws.write("登记组织关系介绍信回执") as session:
            row = session.get(MemberTransfer, transfer_id)
            if row is None or self.ws.branch_id not in (row.from_branch_id, row.to_branch_id):
                raise not_found(transfer_id, TRANSFER)
            if on is not None and on < row.date:
                raise ValidationError([FieldIssue("return_slip_on", "回执日期不能早于转接日期")])
            row.return_slip_on = on
        return self.get(transfer_id)

    # ---- helpers -------------------------------------------------------------------------------
    def _member(self, session, member_id: int) -> Member:
        return own(session, Member, member_id, self.ws.branch_id, MEMBER_FILE, lock=True)

    @staticmethod
    def _letter_issues(place: str, field: str, missing: str, letter_no: str, on: dt.date,
                       valid_until: dt.date | None) -> list[FieldIssue]:  # fmt: skip
        issues = []
        if not (place or "").strip():
            issues.append(FieldIssue(field, missing))
        if not (letter_no or "").strip():
            issues.append(FieldIssue("letter_no", "请填写介绍信编号"))
        if on > dt.date.today():
            issues.append(FieldIssue("date", "转接日期不能是将来的日期"))
        if valid_until is not None and valid_until < on:
            issues.append(FieldIssue("letter_valid_until", "介绍信有效期不能早于转接日期"))
        return issues
