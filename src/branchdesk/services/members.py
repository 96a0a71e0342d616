"""Member files (党员档案): search, read, create, edit, change status, awards and punishments.

Every mutation is one unit of work (one transaction, audited). Results are snapshots (dataclasses),
never live ORM objects. Sorting, filtering and search happen in SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from branchdesk.db import uow
from branchdesk.db.models import Member, MemberAward, MemberStatusChange, PartyGroup
from branchdesk.domain import members as rules
from branchdesk.domain.errors import NotFoundError as NotFoundError  # callers import it from here
from branchdesk.domain.members import FieldIssue, MemberFields, MemberRecord, ValidationError
from branchdesk.domain.pinyin import name_pinyin
from branchdesk.domain.vocab import AwardKind, MemberStatus, MemberType
from branchdesk.services.scope import not_found, own, require

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace


#: what `NotFoundError` names for a member id that is not one of the branch's
MEMBER_FILE = "党员档案"


class ConcurrentEditError(ValidationError):
    """Someone else (another office PC) changed a field of the form since it was opened."""


# Columns the list can sort by: key -> SQL expression(s). Group sorts by the group's order.
SORT_KEYS = (
    "name", "sex", "birth_date", "id_number", "member_type", "status", "group", "join_date",
    "conversion_date", "education", "work_unit", "mobile", "party_post", "ethnicity",
)  # fmt: skip


@dataclass
class MemberQuery:
    text: str = ""
    member_types: frozenset[str] | None = None  # None: all types
    statuses: frozenset[str] | None = frozenset({MemberStatus.ACTIVE.value})  # None: every status
    group_id: int | None = None  # None: all groups; 0: members without a group
    sort: str = "name"
    descending: bool = False


@dataclass(frozen=True)
class StatusChange:
    to_status: str
    date: dt.date
    reason: str
    letter_no: str = ""
    destination: str = ""
    letter_valid_until: dt.date | None = None


@dataclass(frozen=True)
class StatusChangeRecord:
    id: int
    date: dt.date
    from_status: str
    to_status: str
    reason: str
    letter_no: str
    destination: str
    letter_valid_until: dt.date | None


@dataclass(kw_only=True)
class AwardFields:
    kind: str = AwardKind.AWARD.value
    date: dt.date
    title: str
    issuer: str = ""
    level: str = ""
    notes: str = ""


@dataclass(kw_only=True)
class AwardRecord(AwardFields):
    id: int
    member_id: int


@dataclass
class SaveResult:
    record: MemberRecord
    changed: list[str] = field(default_factory=list)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix_range(column, prefix: str):
    """`column` starts with the lowercase ASCII `prefix`, as a range so that an ordinary index serves it.

    The upper bound is the next string of letters ("zs" -> "zt", "az" -> "b"), not `prefix + U+10FFFF`:
    a natural-language collation (PostgreSQL with zh_CN.UTF-8) ignores such characters when comparing.
    """
    stem = prefix.rstrip("z")
    if not stem:
        return column >= prefix
    return and_(column >= prefix, column < stem[:-1] + chr(ord(stem[-1]) + 1))


_ASCII_LETTERS = re.compile(r"^[a-z]+$")
_ID_OR_PHONE = re.compile(r"^[0-9xX\-]+$")


def search_condition(text: str):
    text = (text or "").strip()
    if not text:
        return None
    lowered = text.lower()
    if _ASCII_LETTERS.match(lowered):
        # Initials and full pinyin begin with the same letter, so the first letter narrows the search to
        # one range of the roster's (status, pinyin) index, walked in name order: the first screen of
        # results comes from the first rows of that range instead of a sort of every match.
        first_letter = _prefix_range(Member.name_pinyin, lowered[0])
        if len(lowered) == 1:
            return first_letter
        either = or_(_prefix_range(Member.name_initials, lowered), _prefix_range(Member.name_pinyin, lowered))
        return and_(first_letter, either)
    if _ID_OR_PHONE.match(text):
        digits = _like_escape(text.upper().replace("-", ""))
        return or_(
            Member.id_number.like(f"%{digits}%", escape="\\"),
            Member.mobile.like(f"%{digits}%", escape="\\"),
            Member.landline.like(f"%{_like_escape(text)}%", escape="\\"),
            Member.student_number.like(f"%{_like_escape(text)}%", escape="\\"),
        )
    pattern = f"%{_like_escape(text)}%"
    return or_(
        Member.name.like(pattern, escape="\\"),
        Member.class_name.like(pattern, escape="\\"),
        Member.major.like(pattern, escape="\\"),
        Member.student_number.like(pattern, escape="\\"),
    )


def name_search_columns(name: str) -> dict[str, str]:
    """The stored search columns of a member's name (pinyin initials and full pinyin).

    Shared by the member form (`MemberService._apply`) and the roster import's bulk insert.
    """
    initials, full = name_pinyin(name)
    return {"name_initials": initials, "name_pinyin": full}


def member_record(session: Session, member_id: int) -> MemberRecord:
    """The record of any branch's member (the caller has checked why it may read it: a transfer of its
    branch); `NotFoundError` when there is none."""
    row = session.execute(
        select(Member, PartyGroup.name)
        .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
        .where(Member.id == member_id)
    ).first()
    if row is None:
        raise not_found(member_id, MEMBER_FILE)
    return _record(*row)


def _record(member: Member, group_name: str | None) -> MemberRecord:
    data = {name: getattr(member, name) for name in MemberFields.names()}
    return MemberRecord(
        **data,
        id=member.id,
        branch_id=member.branch_id,
        status=member.status,
        status_date=member.status_date,
        status_reason=member.status_reason,
        group_name=group_name or "",
        name_initials=member.name_initials,
        updated_at=member.updated_at,
    )


_SCREEN: list = []
_SCREEN_STATEMENTS: dict = {}


def _upper(prefix: str) -> str | None:
    """`_prefix_range`'s upper bound (None: "z…" has none)."""
    stem = prefix.rstrip("z")
    return stem[:-1] + chr(ord(stem[-1]) + 1) if stem else None


def _search_values(text: str) -> tuple[tuple, dict[str, str]]:
    """`search_condition`'s shape and bound values, without building it (`MemberService.screen`)."""
    text = (text or "").strip()
    if not text:
        return ("none",), {}
    lowered = text.lower()
    if _ASCII_LETTERS.match(lowered):
        first, upper_first = lowered[0], _upper(lowered[0])
        values = {"s_first": first}
        if upper_first is not None:
            values["s_first_hi"] = upper_first
        if len(lowered) == 1:
            return ("letter", upper_first is None), values
        upper = _upper(lowered)
        values["s_prefix"] = lowered
        if upper is not None:
            values["s_prefix_hi"] = upper
        return ("letters", upper_first is None, upper is None), values
    if _ID_OR_PHONE.match(text):
        digits = _like_escape(text.upper().replace("-", ""))
        return ("digits",), {"s_digits": f"%{digits}%", "s_phone": f"%{_like_escape(text)}%"}
    return ("name",), {"s_name": f"%{_like_escape(text)}%"}


def _bound_range(column, low: str, high: str | None):
    lower = column >= bindparam(low)
    return lower if high is None else and_(lower, column < bindparam(high))


def _search_template(shape: tuple):
    """`search_condition` with bound parameters for `_search_values`' values (the same SQL)."""
    kind = shape[0]
    if kind == "none":
        return None
    if kind in ("letter", "letters"):
        first = _bound_range(Member.name_pinyin, "s_first", None if shape[1] else "s_first_hi")
        if kind == "letter":
            return first
        high = None if shape[2] else "s_prefix_hi"
        either = or_(_bound_range(Member.name_initials, "s_prefix", high),
                     _bound_range(Member.name_pinyin, "s_prefix", high))  # fmt: skip
        return and_(first, either)
    if kind == "digits":
        return or_(
            Member.id_number.like(bindparam("s_digits"), escape="\\"),
            Member.mobile.like(bindparam("s_digits"), escape="\\"),
            Member.landline.like(bindparam("s_phone"), escape="\\"),
        )
    return Member.name.like(bindparam("s_name"), escape="\\")


def _screen_columns():
    """The names and columns `MemberService.screen` selects (built once)."""
    if not _SCREEN:
        names = ("id", "branch_id", "status", "status_date", "status_reason", "name_initials", "updated_at",
                 *MemberFields.names())  # fmt: skip
        _SCREEN.append((names, [*(Member.__table__.c[n] for n in names), PartyGroup.__table__.c.name]))
    return _SCREEN[0]


def _status_target(change: StatusChange) -> MemberStatus:
    try:
        return MemberStatus(change.to_status)
    except ValueError:
        raise ValidationError([FieldIssue("status", "未知的党籍状态")]) from None


class MemberService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    # ---- queries -------------------------------------------------------------------------------
    def _filtered(self, session: Session, query: MemberQuery, columns) -> Select:
        stmt = select(*columns).where(Member.branch_id == self.ws.branch_id)
        if query.statuses is not None:
            stmt = stmt.where(Member.status.in_(sorted(query.statuses)))
        if query.member_types is not None:
            stmt = stmt.where(Member.member_type.in_(sorted(query.member_types)))
        if query.group_id == 0:
            stmt = stmt.where(Member.group_id.is_(None))
        elif query.group_id is not None:
            stmt = stmt.where(Member.group_id == query.group_id)
        condition = search_condition(query.text)
        if condition is not None:
            stmt = stmt.where(condition)
        return stmt

    def _order(self, stmt: Select, query: MemberQuery) -> Select:
        key = query.sort if query.sort in SORT_KEYS else "name"
        if key == "name":
            exprs = [Member.name_pinyin]
        elif key == "group":
            stmt = stmt.outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
            exprs = [PartyGroup.sort_order, PartyGroup.name, Member.name_pinyin]
        else:
            exprs = [getattr(Member, key), Member.name_pinyin]
        if query.descending:
            exprs = [e.desc() for e in exprs]
        if key == "group" or Member.__table__.c[key].nullable:
            # Blanks (no date, no group) go last either way; SQLite and PostgreSQL disagree by default.
            # Only for nullable columns: NULLS LAST keeps SQLite from walking an index in order.
            exprs[0] = exprs[0].nulls_last()
        return stmt.order_by(*exprs, Member.id)

    def search_ids(self, query: MemberQuery, *, limit: int | None = None) -> list[int]:
        with self.ws.read() as session:
            stmt = self._order(self._filtered(session, query, [Member.id]), query)
            if limit is not None:
                stmt = stmt.limit(limit)
            return list(session.scalars(stmt))

    def screen(self, query: MemberQuery, limit: int) -> list[MemberRecord]:
        """The first `limit` records of a search in ONE statement returning the record's columns (and
        the party group's name): no id list first, no ORM entity per row (search as you type)."""
        names, columns = _screen_columns()
        text_shape, values = _search_values(query.text)
        group = None if query.group_id is None else (0 if query.group_id == 0 else 1)
        shape = (text_shape, query.statuses, query.member_types, group, query.sort, query.descending, limit)
        stmt = _SCREEN_STATEMENTS.get(shape)
        if stmt is None:  # built once per shape: typing only changes the bound values
            stmt = select(*columns).where(Member.branch_id == bindparam("branch"))
            if query.statuses is not None:
                stmt = stmt.where(Member.status.in_(sorted(query.statuses)))
            if query.member_types is not None:
                stmt = stmt.where(Member.member_type.in_(sorted(query.member_types)))
            if group == 0:
                stmt = stmt.where(Member.group_id.is_(None))
            elif group == 1:
                stmt = stmt.where(Member.group_id == bindparam("group"))
            condition = _search_template(text_shape)
            if condition is not None:
                stmt = stmt.where(condition)
            if (query.sort if query.sort in SORT_KEYS else "name") != "group":  # the group order joins it
                stmt = stmt.outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
            stmt = _SCREEN_STATEMENTS.setdefault(shape, self._order(stmt, query).limit(limit))
        params = {"branch": self.ws.branch_id, **values}
        if group == 1:
            params["group"] = query.group_id
        with self.ws.db.engine.connect() as conn:  # Core: no ORM session, no entity per row
            rows = conn.execute(stmt, params).all()
        return [MemberRecord(**dict(zip(names, row, strict=False)), group_name=row[-1] or "") for row in rows]

    def count(self, query: MemberQuery) -> int:
        with self.ws.read() as session:
            stmt = self._filtered(session, query, [func.count(Member.id)])
            return session.scalar(stmt) or 0

    def get_many(self, ids: Sequence[int]) -> list[MemberRecord]:
        """Records for the given ids, in the given order (missing ids and another branch's are skipped)."""
        if not ids:
            return []
        with self.ws.read() as session:
            rows = session.execute(
                select(Member, PartyGroup.name)
                .outerjoin(PartyGroup, PartyGroup.id == Member.group_id)
                .where(Member.id.in_(list(ids)), Member.branch_id == self.ws.branch_id)
            ).all()
            by_id = {m.id: _record(m, g) for m, g in rows}
        return [by_id[i] for i in ids if i in by_id]

    def get(self, member_id: int) -> MemberRecord:
        found = self.get_many([member_id])
        if not found:
            raise not_found(member_id, MEMBER_FILE)
        return found[0]

    def find_by_id_number(self, id_number: str) -> MemberRecord | None:
        """The branch's member with this ID number (another branch's is not found)."""
        with self.ws.read() as session:
            member_id = session.scalar(
                select(Member.id).where(
                    Member.id_number == id_number.upper(), Member.branch_id == self.ws.branch_id
                )
            )
        return self.get(member_id) if member_id else None

    def records(self, query: MemberQuery) -> list[MemberRecord]:
        """All records matching a query, in its order (exports; the GUI pages through ids instead)."""
        ids = self.search_ids(query)
        out: list[MemberRecord] = []
        for start in range(0, len(ids), 500):
            out.extend(self.get_many(ids[start : start + 500]))
        return out

    # ---- mutations -----------------------------------------------------------------------------
    def _check(self, session: Session, values: MemberFields, *, member_id: int | None, branch_id: int):
        values = rules.normalise(values)
        issues = rules.validate(values)
        if values.id_number:
            clash = session.execute(
                select(Member.id, Member.name).where(Member.id_number == values.id_number)
            ).first()
            if clash and clash.id != member_id:
                issues.append(FieldIssue("id_number", f"与已有党员“{clash.name}”的公民身份号码重复"))
        if values.group_id is not None:
            group_branch = session.scalar(
                select(PartyGroup.branch_id).where(PartyGroup.id == values.group_id)
            )
            if group_branch != branch_id:
                issues.append(FieldIssue("group_id", "所选党小组不存在或不属于本支部"))
        if issues:
            raise ValidationError(issues)
        return values

    @staticmethod
    def _apply(member: Member, values: MemberFields) -> list[str]:
        changed = []
        for name in MemberFields.names():
            new = getattr(values, name)
            if getattr(member, name) != new:
                setattr(member, name, new)
                changed.append(name)
        if "name" in changed or not member.name_pinyin:
            for key, value in name_search_columns(member.name).items():
                setattr(member, key, value)
        return changed

    def create(self, values: MemberFields) -> MemberRecord:
        """A new member file in the workspace's branch (another branch's: a workspace on that branch)."""
        with self.ws.write("新增党员档案") as session:
            branch_id = self.ws.branch_id
            values = self._check(session, values, member_id=None, branch_id=branch_id)
            with self._unique_id_number(session, values, member_id=None, branch_id=branch_id):
                member = Member(branch_id=branch_id, status=MemberStatus.ACTIVE.value)
                self._apply(member, values)
                session.add(member)
            member_id = member.id
        return self.get(member_id)

    def update(self, member_id: int, values: MemberFields, *, base: MemberFields | None = None) -> SaveResult:
        """Save a member's form.

        With `base` (the record the form was opened with) only the fields the user changed are written:
        what another office PC saved meanwhile in other fields stays, and a field changed on both is
        refused with `ConcurrentEditError` naming it instead of being silently overwritten. Without
        `base` every field is written as given.
        """
        with self.ws.write("修改党员档案") as session:
            # the row is locked until the commit, so two saves of one member run one after the other
            member = own_member(session, member_id, self.ws.branch_id, lock=True)
            values = values.editable()
            if base is not None:
                values = _merge(member, rules.normalise(values), base)
            values = self._check(session, values, member_id=member_id, branch_id=member.branch_id)
            with self._unique_id_number(session, values, member_id=member_id, branch_id=member.branch_id):
                changed = self._apply(member, values)
        return SaveResult(self.get(member_id), changed)

    @contextmanager
    def _unique_id_number(
        self, session: Session, values: MemberFields, *, member_id: int | None, branch_id: int
    ):
        """Make the changes of the block and write them. If another PC saved the same ID number after
        `_check` looked, the database's unique index refuses the row: answer with `_check`'s message
        naming that member, as on one PC. (A savepoint keeps the transaction usable for that query;
        the block must change nothing before it, or opening the savepoint would write it first.)"""
        try:
            with session.begin_nested():
                yield
                session.flush()
        except IntegrityError:
            self._check(session, values, member_id=member_id, branch_id=branch_id)
            raise

    def change_status(self, member_id: int, change: StatusChange) -> MemberRecord:
        target = _status_target(change)
        with self.ws.write(f"党籍状态变更：{target.label}") as session:
            self.change_status_in(session, member_id, change)
        return self.get(member_id)

    @staticmethod
    def change_status_in(session: Session, member_id: int, change: StatusChange) -> None:
        """The status change inside a unit of work the caller holds (e.g. cancelling a probation
        recorded in the development dossier changes the member file in the same transaction)."""
        target = _status_target(change)
        issues = []
        if not change.reason.strip():
            issues.append(FieldIssue("status_reason", "请填写变更原因"))
        if change.date > dt.date.today():
            issues.append(FieldIssue("status_date", "变更日期不能是将来的日期"))
        # locked until the commit: two PCs recording a change of one member see each other's
        member = own_member(session, member_id, uow.branch_of(session), lock=True)
        current = MemberStatus(member.status)
        if current is target:
            issues.append(FieldIssue("status", f"该党员当前状态已是“{target.label}”"))
        if target is MemberStatus.CANCELLED and member.member_type != MemberType.PROBATIONARY.value:
            issues.append(FieldIssue("status", "只有预备党员才能取消预备党员资格"))
        if member.join_date and change.date < member.join_date:
            issues.append(FieldIssue("status_date", "变更日期不能早于入党日期"))
        if issues:
            raise ValidationError(issues)
        session.add(
            MemberStatusChange(
                member_id=member_id,
                date=change.date,
                from_status=current.value,
                to_status=target.value,
                reason=change.reason.strip(),
                letter_no=change.letter_no.strip(),
                destination=change.destination.strip(),
                letter_valid_until=change.letter_valid_until,
            )
        )
        member.status = target.value
        member.status_date = change.date
        member.status_reason = change.reason.strip()

    def status_history(self, member_id: int) -> list[StatusChangeRecord]:
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            rows = session.scalars(
                select(MemberStatusChange)
                .where(MemberStatusChange.member_id == member_id)
                .order_by(MemberStatusChange.date, MemberStatusChange.id)
            ).all()
            return [
                StatusChangeRecord(
                    r.id,
                    r.date,
                    r.from_status,
                    r.to_status,
                    r.reason,
                    r.letter_no,
                    r.destination,
                    r.letter_valid_until,
                )
                for r in rows
            ]

    # ---- awards and punishments ----------------------------------------------------------------
    def awards(self, member_id: int) -> list[AwardRecord]:
        with self.ws.read() as session:
            require(session, Member, member_id, self.ws.branch_id, MEMBER_FILE)
            rows = session.scalars(
                select(MemberAward).where(MemberAward.member_id == member_id).order_by(MemberAward.date)
            ).all()
            return [_award_record(r) for r in rows]

    def add_award(self, member_id: int, values: AwardFields) -> AwardRecord:
        issues = []
        if not values.title.strip():
            issues.append(FieldIssue("title", "奖惩名称不能为空"))
        if values.kind not in {k.value for k in AwardKind}:
            issues.append(FieldIssue("kind", "只能是奖励或惩处"))
        if values.date > dt.date.today():
            issues.append(FieldIssue("date", "奖惩日期不能是将来的日期"))
        if issues:
            raise ValidationError(issues)
        with self.ws.write("登记奖惩") as session:
            own_member(session, member_id, self.ws.branch_id)
            row = MemberAward(member_id=member_id, **_award_values(values))
            session.add(row)
            session.flush()
            return _award_record(row)

    def remove_award(self, award_id: int) -> None:
        with self.ws.write("删除奖惩记录") as session:
            row = session.get(MemberAward, award_id)
            owner = None if row is None else session.get(Member, row.member_id)
            if owner is None or owner.branch_id != self.ws.branch_id:
                raise not_found(award_id, "奖惩记录")
            session.delete(row)

    def groups(self) -> list[tuple[int, str]]:
        with self.ws.read() as session:
            rows = session.execute(
                select(PartyGroup.id, PartyGroup.name)
                .where(PartyGroup.branch_id == self.ws.branch_id)
                .order_by(PartyGroup.sort_order, PartyGroup.id)
            )
            return [(group_id, name) for group_id, name in rows]


def own_member(session: Session, member_id: int, branch_id: int | None, *, lock: bool = False) -> Member:
    """The member row of `branch_id` (locked until the commit with `lock`): another branch's id is
    `NotFoundError`, so a write by id never reaches another branch's file. With `branch_id` None (a
    unit of work for no branch) any member is found."""
    return own(session, Member, member_id, branch_id, MEMBER_FILE, lock=lock)


def _merge(member: Member, values: MemberFields, base: MemberFields) -> MemberFields:
    """The stored fields with the user's changes (`values` against `base`) applied; a field changed by
    the user and, differently, by someone else since `base` is a conflict."""
    merged = {}
    conflicts = []
    for name in MemberFields.names():
        mine, theirs, was = getattr(values, name), getattr(member, name), getattr(base, name)
        if mine == was:
            merged[name] = theirs
            continue
        if theirs not in (was, mine):
            shown = "" if name == "group_id" else f"为“{_shown(theirs)}”"
            conflicts.append(
                FieldIssue(name, f"在您编辑期间已被其他用户修改{shown}，您的修改未保存；请重新打开档案后再改")
            )
        merged[name] = mine
    if conflicts:
        raise ConcurrentEditError(conflicts)
    return MemberFields(**merged)


def _shown(value) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _award_values(values: AwardFields) -> dict:
    return {
        "kind": values.kind,
        "date": values.date,
        "title": values.title.strip(),
        "issuer": values.issuer.strip(),
        "level": values.level.strip(),
        "notes": values.notes.strip(),
    }


def _award_record(row: MemberAward) -> AwardRecord:
    return AwardRecord(
        id=row.id, member_id=row.member_id, kind=row.kind, date=row.date, title=row.title,
        issuer=row.issuer, level=row.level, notes=row.notes,
    )  # fmt: skip
