"""The Workspace: one branch of one database, with every service over it (Qt-free).

`Workspace(db, branch_id)` is what the window, the command line and the report builders hold (calibre's
`Cache`, Anki's `Collection`). It carries

* ``ws.db`` and ``ws.branch_id`` (the branch every query and every new record belongs to) and
  ``ws.principal`` (who is working: ``db.principal``);
* the services as attributes — ``ws.members``, ``ws.branch``, ``ws.settings``, ``ws.roster``,
  ``ws.development``, ``ws.meetings``, ``ws.audit``, ``ws.auth``, ``ws.compliance`` … — each built the
  first time it is used (start-up imports only what the first page needs). A service is
  ``class XService: def __init__(self, ws): self.ws = ws``; it reads ``self.ws.branch_id`` and reaches
  the others as ``self.ws.<name>``, never by constructing them;
* ``ws.read()`` (a session for queries) and ``ws.write(operation)`` (the audited unit of work of
  `Database.write`, for this branch);
* ``ws.subscribe(listener)``: after every committed unit of work — through ``ws.write``, a service, or
  ``db.write`` directly — ``listener(changes)`` gets its `Changes` (which tables and ids; db/changes.py).
  A rolled-back transaction tells nobody. Listeners run on the thread that committed; the window
  re-emits them on the GUI thread (ui/changes.py).

Adding a service is one line below (``dues = service("branchdesk.services.dues:DuesService")``).

Opening one: ``Workspace.open(db, branch)`` with a branch name or id, or None for the only branch (or
the one last used); several branches and none named is a `NoBranchError` listing them. A database
without a branch gives a workspace without one (``ws.has_branch`` False) until the first-run flow
creates it with ``ws.branch.save_profile(BranchProfile(name=…))`` — the workspace then works on it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from branchdesk.db.changes import Changes
from branchdesk.domain.auth import Role
from branchdesk.domain.errors import NoBranchError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from branchdesk.db.engine import Database
    from branchdesk.domain.auth import Principal

__all__ = ["Changes", "NoBranchError", "Workspace", "service"]

log = logging.getLogger(__name__)

NO_BRANCH_YET = "数据库中还没有支部，请先填写支部信息或生成演示数据"
#: The database-wide setting naming the branch last used (opened when no branch is named).
CURRENT_BRANCH_KEY = "current_branch_id"


class service:  # lower case: read as a field, members = service("module:Class")
    """A workspace attribute naming its service class as "module:Class", built on first use, once."""

    def __init__(self, target: str):
        self.target = target
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, ws: Workspace | None, owner: type | None = None) -> Any:
        if ws is None:
            return self
        module, _, cls = self.target.partition(":")
        built = getattr(importlib.import_module(module), cls)(ws)
        ws.__dict__[self.name] = built  # later reads find the instance's own attribute
        return built


class Workspace:
    # ---- the services (one line each; loaded when first used) -------------------------------------
    branch = service("branchdesk.services.branch:BranchService")
    settings = service("branchdesk.services.settings:SettingsService")
    members = service("branchdesk.services.members:MemberService")
    roster = service("branchdesk.services.roster:RosterService")
    development = service("branchdesk.services.development:DevelopmentService")
    meetings = service("branchdesk.services.meetings:MeetingService")
    compliance = service("branchdesk.services.compliance:ComplianceService")
    rule_settings = service("branchdesk.services.rule_settings:RuleSettingsService")
    holidays = service("branchdesk.services.rule_settings:HolidayService")
    audit = service("branchdesk.services.audit:AuditService")
    readiness = service("branchdesk.services.readiness:ReadinessService")
    workbench = service("branchdesk.services.workbench:WorkbenchService")
    auth = service("branchdesk.services.auth:AuthService")
    dues = service("branchdesk.services.dues:DuesService")
    activities = service("branchdesk.services.activities:ActivitiesService")
    assignments = service("branchdesk.services.assignments:AssignmentsService")
    study = service("branchdesk.services.study:StudyService")
    transfers = service("branchdesk.services.transfers:TransferService")
    committee = service("branchdesk.services.committee:CommitteeService")

    def __init__(self, db: Database, branch_id: int | None = None):
        self.db = db
        self._branch_id = branch_id
        self._listeners: list[Callable[[Changes], None]] = []
        self._detach = db.add_commit_listener(self._tell)

    def __repr__(self) -> str:
        from branchdesk.config import Location

        return f"Workspace({Location(self.db.url).shown!r}, branch_id={self._branch_id})"  # no password

    # ---- opening -------------------------------------------------------------------------------------
    @classmethod
    def open(cls, db: Database, branch: int | str | None = None, *, strict: bool = True) -> Workspace:
        """The workspace of `branch` (its name or id). None: the only branch; with several, the one
        last used, else (`strict`) a NoBranchError listing them or (not strict: the window until it
        has a branch switcher) the first. A database without a branch gives a workspace without one."""
        branches = cls.branches(db)
        if branch is not None and str(branch).strip():
            wanted = str(branch).strip()
            for branch_id, name in branches:
                if wanted in (str(branch_id), name):
                    return cls(db, branch_id)
            raise NoBranchError(f"没有名为“{wanted}”的支部。{_listing(branches)}")
        if not branches:
            return cls(db)
        return cls(db, _default_branch(db, branches, strict=strict))

    @staticmethod
    def branches(db: Database) -> list[tuple[int, str]]:
        """(id, name) of every branch of the database, by id."""
        from sqlalchemy import select

        from branchdesk.db.models import Branch

        with db.read() as session:
            return [
                (r.id, r.name) for r in session.execute(select(Branch.id, Branch.name).order_by(Branch.id))
            ]

    # ---- what it carries ---------------------------------------------------------------------------
    @property
    def branch_id(self) -> int:
        """The branch this workspace works on; NoBranchError while the database has none."""
        if self._branch_id is None:
            branches = self.branches(self.db)
            if not branches:
                raise NoBranchError(NO_BRANCH_YET)
            self._branch_id = _default_branch(self.db, branches, strict=False)
        return self._branch_id

    @property
    def has_branch(self) -> bool:
        try:
            return self.branch_id is not None
        except NoBranchError:
            return False

    def branch_created(self, branch_id: int) -> None:
        """A branch was created: a workspace that had none (the first run) works on it from now on.
        Services keep no branch of their own, so they follow at once."""
        if self._branch_id is None:
            self._branch_id = branch_id

    @property
    def principal(self) -> Principal:
        """Who is working, with their role on this workspace's branch (a branch may grant a higher
        role than the account's own; revision 0015)."""
        return self.db.principal.on(self._branch_id)

    @property
    def user(self) -> str:
        """The name the audit trail records."""
        return self.db.user

    # ---- reading and writing -----------------------------------------------------------------------
    def read(self):
        """A session for queries (`Database.read`)."""
        return self.db.read()

    @contextmanager
    def write(
        self, operation: str, *, needs: Role | None = Role.COMMITTEE, user: str | None = None
    ) -> Iterator[Session]:
        """One audited unit of work for this branch (`Database.write`: `needs` is the least role
        allowed); its `Changes` reach the subscribers after the commit."""
        with self.db.write(operation, needs=needs, user=user, branch_id=self._branch_id) as session:
            yield session

    # ---- listeners ---------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[Changes], None]) -> Callable[[], None]:
        """Call `listener(changes)` after every committed unit of work of this workspace's database
        (except those written for another branch); returns the function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _tell(self, changes: Changes) -> None:
        if (
            changes.branch_id is not None
            and self._branch_id is not None
            and changes.branch_id != self._branch_id
        ):
            return
        for listener in list(self._listeners):
            try:
                listener(changes)
            except Exception:  # committed already: one listener's failure must not stop the others
                log.exception("a workspace listener failed on %s", changes.operation)

    def close(self) -> None:
        """Stop listening to the database (the database itself stays open)."""
        self._detach()
        self._listeners.clear()


def _default_branch(db: Database, branches: list[tuple[int, str]], *, strict: bool) -> int:
    if len(branches) == 1:
        return branches[0][0]
    from sqlalchemy import select

    from branchdesk.db.models import Setting

    with db.read() as session:
        last = session.scalar(
            select(Setting.value).where(Setting.key == CURRENT_BRANCH_KEY, Setting.branch_id.is_(None))
        )
    ids = [b for b, _ in branches]
    if last is not None and str(last).isdigit() and int(last) in ids:
        return int(last)
    if strict:
        raise NoBranchError(
            f"数据库中有 {len(branches)} 个支部，请指定要使用的支部（--branch 名称或编号）。{_listing(branches)}"
        )
    return ids[0]


def _listing(branches: list[tuple[int, str]]) -> str:
    if not branches:
        return "数据库中还没有支部。"
    return "数据库中的支部：" + "；".join(f"{b}　{name}" for b, name in branches)
