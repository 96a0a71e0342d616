"""The branch profile: name, founding, higher committee, party groups, committee posts, honours (`ws.branch`).

Settings are `ws.settings` (services/settings.py); which branch a workspace works on is `ws.branch_id`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from branchdesk.db.models import Branch, BranchHonour, CommitteeMember, Member, PartyGroup
from branchdesk.domain.errors import NoBranchError, NotFoundError
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.vocab import CommitteePost, MemberStatus
from branchdesk.services.scope import not_found, own

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = [
    "BranchInfo", "BranchProfile", "BranchService", "CommitteeSeat", "GroupInfo", "Honour", "NoBranchError",
]  # fmt: skip


@dataclass(kw_only=True)
class BranchProfile:
    id: int | None = None
    name: str
    founded_on: dt.date | None = None
    founded_on_precision: str = "day"  # "year" / "month" / "day": "2008", "2008年9月" (0014)
    higher_committee: str = ""
    address: str = ""
    committee_term_start: dt.date | None = None
    committee_term_end: dt.date | None = None
    notes: str = ""


_PROFILE_FIELDS = ("name", "founded_on", "founded_on_precision", "higher_committee", "address",
                   "committee_term_start", "committee_term_end", "notes")  # fmt: skip


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    sort_order: int
    member_count: int


@dataclass(frozen=True)
class CommitteeSeat:
    id: int
    member_id: int
    member_name: str
    post: str
    term_start: dt.date
    term_end: dt.date | None
    ended_on: dt.date | None

    @property
    def post_label(self) -> str:
        return CommitteePost(self.post).label


@dataclass(frozen=True)
class Honour:
    id: int
    date: dt.date
    title: str
    issuer: str
    level: str


@dataclass(frozen=True)
class BranchInfo:
    """One branch of the database, as `branchdesk branch list` and the branch switcher show it."""

    id: int
    name: str
    higher_committee: str
    members: int  # on the roster (status active)


def _profile(branch: Branch) -> BranchProfile:
    return BranchProfile(id=branch.id, **{name: getattr(branch, name) for name in _PROFILE_FIELDS})


class BranchService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def has_branch(self) -> bool:
        return self.ws.has_branch

    def profile(self) -> BranchProfile:
        """The workspace's branch's profile (another branch's: a workspace on it, or `all_branches`)."""
        with self.ws.read() as session:
            return _profile(session.get(Branch, self.ws.branch_id))

    def save_profile(self, profile: BranchProfile) -> BranchProfile:
        """Save the branch's profile; without an id a new branch is created (the first run's), and a
        workspace that had no branch yet works on it from then on."""
        issues = []
        if not profile.name.strip():
            issues.append(FieldIssue("name", "支部名称不能为空"))
        if (
            profile.committee_term_start
            and profile.committee_term_end
            and profile.committee_term_end <= profile.committee_term_start
        ):
            issues.append(FieldIssue("committee_term_end", "届满日期必须晚于本届开始日期"))
        if profile.founded_on_precision not in ("year", "month", "day"):
            issues.append(FieldIssue("founded_on", "日期精度只能是年、月或日"))
        if issues:
            raise ValidationError(issues)
        if profile.founded_on is not None:  # the first day of a year or month given alone
            from branchdesk.domain.partial_dates import PartialDate

            founded = PartialDate(profile.founded_on, profile.founded_on_precision)
            profile = replace(profile, founded_on=founded.first)
        else:
            profile = replace(profile, founded_on_precision="day")
        with self.ws.write("保存支部信息" if profile.id else "新建支部") as session:
            branch = session.get(Branch, profile.id) if profile.id else Branch()
            if profile.id and (branch is None or branch.id != self.ws.branch_id):  # another branch's
                raise not_found(profile.id, "支部")
            for name in _PROFILE_FIELDS:
                value = getattr(profile, name)
                setattr(branch, name, value.strip() if isinstance(value, str) else value)
            session.add(branch)
            session.flush()
            saved = _profile(branch)
        if not profile.id:
            self.ws.branch_created(saved.id)
        return saved

    # ---- the branches of the database -------------------------------------------------------------
    def all_branches(self) -> list[BranchInfo]:
        """Every branch of the database, by id, with its members on the roster."""
        with self.ws.read() as session:
            counts = (
                select(Member.branch_id, func.count(Member.id).label("n"))
                .where(Member.status == MemberStatus.ACTIVE.value)
                .group_by(Member.branch_id)
                .subquery()
            )
            rows = session.execute(
                select(Branch.id, Branch.name, Branch.higher_committee, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.branch_id == Branch.id)
                .order_by(Branch.id)
            ).all()
            return [BranchInfo(*row) for row in rows]

    def add_branch(
        self, name: str, higher_committee: str = "", founded_on: dt.date | None = None
    ) -> BranchInfo:
        """A new branch of the database (a committee's). Names are unique: `--branch` finds it by name.
        The workspace stays on its own branch (one without a branch yet takes the new one)."""
        name = self._new_name(name)
        self.ws.db.require(self._branches_role(), f"新建支部：{name}")  # the database's role, not a branch's
        with self.ws.write(f"新建支部：{name}", needs=self._branches_role()) as session:
            self._refuse_taken(session, name)
            branch = Branch(name=name, higher_committee=higher_committee.strip(), founded_on=founded_on)
            session.add(branch)
            session.flush()
            info = BranchInfo(branch.id, branch.name, branch.higher_committee, 0)
        self.ws.branch_created(info.id)
        return info

    def rename_branch(self, branch_id: int, name: str) -> None:
        name = self._new_name(name)
        self.ws.db.require(self._branches_role(), f"支部改名：{name}")
        with self.ws.write(f"支部改名：{name}", needs=self._branches_role()) as session:
            branch = session.get(Branch, branch_id)
            if branch is None:
                raise NoBranchError(f"没有编号为 {branch_id} 的支部")
            self._refuse_taken(session, name, but=branch_id)
            branch.name = name

    @staticmethod
    def _branches_role():
        """New branches and their names: a 管理员 or 组织员 of the whole database."""
        from branchdesk.domain.auth import Role

        return Role.ORGANISER

    @staticmethod
    def _new_name(name: str) -> str:
        name = (name or "").strip()
        if not name:
            raise ValidationError([FieldIssue("name", "支部名称不能为空")])
        if name.isdigit():
            raise ValidationError([FieldIssue("name", "支部名称不能全是数字（数字用来表示支部编号）")])
        return name

    @staticmethod
    def _refuse_taken(session, name: str, *, but: int | None = None) -> None:
        clash = session.scalar(select(Branch.id).where(Branch.name == name))
        if clash is not None and clash != but:
            raise ValidationError([FieldIssue("name", f"已有名为“{name}”的支部（编号 {clash}）")])

    def remember(self) -> None:
        """Record this workspace's branch as the one last used (opened when no branch is named)."""
        from branchdesk.workspace import CURRENT_BRANCH_KEY

        branch_id = self.ws.branch_id
        if self.ws.settings.get(CURRENT_BRANCH_KEY) in (branch_id, str(branch_id)):
            return
        with self.ws.write("切换支部", needs=None) as session:  # a preference: a 查阅 user switches too
            self.ws.settings.set_in(session, CURRENT_BRANCH_KEY, branch_id)

    # ---- party groups --------------------------------------------------------------------------
    def groups(self) -> list[GroupInfo]:
        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            counts = (
                select(Member.group_id, func.count(Member.id).label("n"))
                .where(Member.status == MemberStatus.ACTIVE.value)
                .group_by(Member.group_id)
                .subquery()
            )
            rows = session.execute(
                select(PartyGroup, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.group_id == PartyGroup.id)
                .where(PartyGroup.branch_id == branch_id)
                .order_by(PartyGroup.sort_order, PartyGroup.id)
            ).all()
            return [GroupInfo(g.id, g.name, g.sort_order, n) for g, n in rows]

    def add_group(self, name: str) -> GroupInfo:
        name = name.strip()
        if not name:
            raise ValidationError([FieldIssue("group_id", "党小组名称不能为空")])
        with self.ws.write("新增党小组") as session:
            branch_id = self.ws.branch_id
            if session.scalar(
                select(PartyGroup.id).where(PartyGroup.branch_id == branch_id, PartyGroup.name == name)
            ):
                raise ValidationError([FieldIssue("group_id", f"已有名为“{name}”的党小组")])
            order = session.scalar(select(func.coalesce(func.max(PartyGroup.sort_order), 0))
                                   .where(PartyGroup.branch_id == branch_id)) or 0  # fmt: skip
            group = PartyGroup(branch_id=branch_id, name=name, sort_order=order + 1)
            session.add(group)
            session.flush()
            return GroupInfo(group.id, group.name, group.sort_order, 0)

    def rename_group(self, group_id: int, name: str) -> None:
        name = name.strip()
        if not name:
            raise ValidationError([FieldIssue("group_id", "党小组名称不能为空")])
        with self.ws.write("党小组改名") as session:
            group = self._own(session, PartyGroup, group_id, "党小组")
            clash = session.scalar(
                select(PartyGroup.id).where(PartyGroup.branch_id == group.branch_id, PartyGroup.name == name)
            )
            if clash and clash != group_id:
                raise ValidationError([FieldIssue("group_id", f"已有名为“{name}”的党小组")])
            group.name = name

    def remove_group(self, group_id: int) -> None:
        with self.ws.write("撤销党小组") as session:
            group = self._own(session, PartyGroup, group_id, "党小组")
            members = session.scalar(
                select(func.count(Member.id)).where(
                    Member.group_id == group_id, Member.status == MemberStatus.ACTIVE.value
                )
            )
            if members:
                raise ValidationError(
                    [FieldIssue("group_id", f"该党小组还有 {members} 名党员，请先把他们调整到其他党小组")]
                )
            session.delete(group)

    # ---- committee -----------------------------------------------------------------------------
    def committee(self, *, include_ended: bool = False) -> list[CommitteeSeat]:
        with self.ws.read() as session:
            stmt = (
                select(CommitteeMember, Member.name)
                .join(Member, Member.id == CommitteeMember.member_id)
                .where(CommitteeMember.branch_id == self.ws.branch_id)
                .order_by(
                    CommitteeMember.ended_on.is_not(None), CommitteeMember.term_start, CommitteeMember.id
                )
            )
            if not include_ended:
                stmt = stmt.where(CommitteeMember.ended_on.is_(None))
            return [
                CommitteeSeat(c.id, c.member_id, name, c.post, c.term_start, c.term_end, c.ended_on)
                for c, name in session.execute(stmt).all()
            ]

    def appoint(
        self, member_id: int, post: str, term_start: dt.date, term_end: dt.date | None = None
    ) -> None:
        issues = []
        try:
            post_enum = CommitteePost(post)
        except ValueError:
            issues.append(FieldIssue("party_post", "未知的支委职务"))
            post_enum = None
        if term_end and term_end <= term_start:
            issues.append(FieldIssue("party_post", "任期结束日期必须晚于开始日期"))
        if issues:
            raise ValidationError(issues)
        with self.ws.write("任命支委") as session:
            member = session.get(Member, member_id)
            if member is not None and member.branch_id != self.ws.branch_id:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员档案")
            if member is None or member.status != MemberStatus.ACTIVE.value:
                raise ValidationError([FieldIssue("party_post", "只能任命在册的党员")])
            if post_enum is CommitteePost.SECRETARY:
                sitting = session.scalar(
                    select(CommitteeMember.id).where(
                        CommitteeMember.branch_id == member.branch_id,
                        CommitteeMember.post == post_enum.value,
                        CommitteeMember.ended_on.is_(None),
                    )
                )
                if sitting:
                    raise ValidationError([FieldIssue("party_post", "已有在任书记，请先办理其离任")])
            session.add(
                CommitteeMember(
                    branch_id=member.branch_id,
                    member_id=member_id,
                    post=post_enum.value,
                    term_start=term_start,
                    term_end=term_end,
                )
            )
            member.party_post = _join_posts(member.party_post, post_enum.label)

    def end_term(self, seat_id: int, ended_on: dt.date) -> None:
        with self.ws.write("支委离任") as session:
            seat = self._own(session, CommitteeMember, seat_id, "支委任职记录")
            if ended_on < seat.term_start:
                raise ValidationError([FieldIssue("party_post", "离任日期不能早于任职日期")])
            seat.ended_on = ended_on
            member = session.get(Member, seat.member_id)
            label = CommitteePost(seat.post).label
            member.party_post = "、".join(p for p in member.party_post.split("、") if p and p != label)

    # ---- honours -------------------------------------------------------------------------------
    def honours(self) -> list[Honour]:
        with self.ws.read() as session:
            rows = session.scalars(
                select(BranchHonour)
                .where(BranchHonour.branch_id == self.ws.branch_id)
                .order_by(BranchHonour.date)
            ).all()
            return [Honour(h.id, h.date, h.title, h.issuer, h.level) for h in rows]

    def add_honour(self, date: dt.date, title: str, issuer: str = "", level: str = "") -> Honour:
        if not title.strip():
            raise ValidationError([FieldIssue("title", "荣誉名称不能为空")])
        with self.ws.write("登记支部荣誉") as session:
            honour = BranchHonour(
                branch_id=self.ws.branch_id, date=date, title=title.strip(),
                issuer=issuer.strip(), level=level.strip(),
            )  # fmt: skip
            session.add(honour)
            session.flush()
            return Honour(honour.id, honour.date, honour.title, honour.issuer, honour.level)

    def remove_honour(self, honour_id: int) -> None:
        with self.ws.write("删除支部荣誉") as session:
            session.delete(self._own(session, BranchHonour, honour_id, "支部荣誉"))

    def _own(self, session, model, row_id: int, what: str):
        """The workspace branch's row of `model` (another branch's id is not found: nothing written)."""
        return own(session, model, row_id, self.ws.branch_id, what)


def _join_posts(existing: str, label: str) -> str:
    posts = [p for p in existing.split("、") if p]
    if label not in posts:
        posts.append(label)
    return "、".join(posts)
