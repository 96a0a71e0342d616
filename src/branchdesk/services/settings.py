"""Settings kept in the database: the branch's own, or the whole database's (`ws.settings`).

A key is either a BRANCH setting (stored with the workspace's branch: rule thresholds "rules.…", reminders,
anything an area adds) or DATABASE-WIDE (branch_id NULL: the account policy "auth.…" and the branch last
used), listed in `DATABASE_WIDE_KEYS` / `DATABASE_WIDE_PREFIXES`. Reading a branch setting gives the
branch's own value, else a database-wide row of the same key (a committee-wide default, e.g. rows of a
database that had no branch when revision 0007 moved the settings), else the caller's default.

Writing "rules.…" and "auth.…" keys needs an administrator; other keys a committee member. ``None`` as
the value removes the row, so that the default applies again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from branchdesk.db.models import Setting
from branchdesk.domain.auth import Role
from branchdesk.workspace import CURRENT_BRANCH_KEY

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

DATABASE_WIDE_KEYS = frozenset({CURRENT_BRANCH_KEY})
DATABASE_WIDE_PREFIXES = ("auth.",)
ADMIN_PREFIXES = ("rules.", "auth.")


def is_database_wide(key: str) -> bool:
    return key in DATABASE_WIDE_KEYS or key.startswith(DATABASE_WIDE_PREFIXES)


class SettingsService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def _scope(self, key: str) -> int | None:
        return None if is_database_wide(key) else self.ws.branch_id

    def _rows(self, session: Session, condition) -> dict[str, Any]:
        """key -> value of the matching rows of this branch and the database (the branch's win)."""
        branch_id = self.ws.branch_id if self.ws.has_branch else None
        scope = Setting.branch_id.is_(None)
        if branch_id is not None:
            scope = or_(scope, Setting.branch_id == branch_id)
        shared: dict[str, Any] = {}
        own: dict[str, Any] = {}
        for key, value, row_branch in session.execute(
            select(Setting.key, Setting.value, Setting.branch_id).where(condition, scope)
        ):
            if row_branch is None:
                shared[key] = value
            elif not is_database_wide(key):
                own[key] = value
        return {**shared, **own}

    # ---- reading -----------------------------------------------------------------------------------
    def get(self, key: str, default: Any = None) -> Any:
        with self.ws.read() as session:
            return self._rows(session, Setting.key == key).get(key, default)

    def with_prefix(self, prefix: str) -> dict[str, Any]:
        """Every stored setting whose key starts with `prefix` (key -> value)."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        with self.ws.read() as session:
            return self._rows(session, Setting.key.like(escaped + "%", escape="\\"))

    # ---- writing -----------------------------------------------------------------------------------
    def set(self, key: str, value: Any) -> None:
        """Store a setting; ``None`` removes it, so that `get()` gives its default again."""
        needs = Role.ADMIN if key.startswith(ADMIN_PREFIXES) else Role.COMMITTEE
        with self.ws.write(f"修改设置：{key}", needs=needs) as session:
            self.set_in(session, key, value)

    def set_in(self, session: Session, key: str, value: Any) -> None:
        """`set` inside a unit of work the caller holds (several settings in one transaction)."""
        branch_id = self._scope(key)
        row = session.scalar(
            select(Setting).where(
                Setting.key == key,
                Setting.branch_id.is_(None) if branch_id is None else Setting.branch_id == branch_id,
            )
        )
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(Setting(branch_id=branch_id, key=key, value=value))
        elif row.value != value:
            row.value = value
