"""Records by id stay in the workspace's branch (issue 13).

A workspace works on one branch; an id handed to a service (a stale window, a typed number, a command
line argument) may name another branch's record. Reading or writing it by id behaves as for an id that
does not exist: `NotFoundError("找不到编号为 … 的…")` — the same error and the same Chinese message, so
another branch's record is neither shown nor said to exist. The committee's own reads (the overview,
the committee ledgers, an internal transfer's receiving branch) go over all branches on purpose and do
not come through here.

* `own(session, Model, id, branch_id, what)` — the row (a write or a read of the whole row);
* `require(session, Model, id, branch_id, what)` — only checks (one indexed SELECT of the branch id:
  the reads of a member's lines, a dossier's overrides …);
* `not_found(id, what)` — the error itself, for a row whose branch is found through its parent.

`branch_id` None (a unit of work for no branch) finds any row. List reads filter on the branch in their
own query and never call these per row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from branchdesk.domain.errors import NotFoundError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["not_found", "own", "require"]


def not_found(row_id: Any, what: str) -> NotFoundError:
    """The error for an id that is not one of the branch's `what` (e.g. "党员档案")."""
    return NotFoundError(f"找不到编号为 {row_id} 的{what}")


def own(session: Session, model: type, row_id: Any, branch_id: int | None, what: str, *, lock: bool = False):
    """The row of `model` with `row_id` if it belongs to `branch_id` (locked until the commit with
    `lock`); otherwise `not_found`."""
    row = session.get(model, row_id, with_for_update=lock or None) if row_id is not None else None
    if row is None or (branch_id is not None and row.branch_id != branch_id):
        raise not_found(row_id, what)
    return row


def require(session: Session, model: type, row_id: Any, branch_id: int | None, what: str) -> None:
    """`row_id` is a `model` row of `branch_id` (one SELECT of its branch id), else `not_found`."""
    if row_id is not None:
        owner = session.execute(select(model.branch_id).where(model.id == row_id)).first()
        if owner is not None and (branch_id is None or owner[0] == branch_id):
            return
    raise not_found(row_id, what)
