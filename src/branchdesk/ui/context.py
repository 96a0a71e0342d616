"""What every page and dialog is given: the workspace (one branch of the open database), where the
database lives, and the workspace's changes as a Qt signal.

`AppContext` wraps a `branchdesk.workspace.Workspace`: ``ctx.ws`` is the workspace (what report builders
and importers take), ``ctx.members``, ``ctx.development`` … are its services (any attribute the context
does not have itself is the workspace's), ``ctx.changed`` is the one ``changed(Changes)`` signal
(ui/changes.py) pages refresh from.
"""

from __future__ import annotations

from typing import Any

from branchdesk.config import Location
from branchdesk.db.engine import Database
from branchdesk.ui.changes import ChangesRelay
from branchdesk.workspace import Workspace


class AppContext:
    def __init__(self, db: Database | Workspace, location: Location, *, branch: int | str | None = None):
        self.ws = db if isinstance(db, Workspace) else Workspace.open(db, branch, strict=False)
        self.db = self.ws.db
        self.location = location
        self.changes = ChangesRelay()
        self.changed = self.changes.changed
        self._unsubscribe = self.ws.subscribe(self.changes.tell)

    def __getattr__(self, name: str) -> Any:
        # the workspace's services and properties: ctx.members, ctx.branch_id, ctx.principal …
        if name.startswith("_") or name == "ws":
            raise AttributeError(name)
        return getattr(self.ws, name)

    def close(self) -> None:
        self._unsubscribe()
