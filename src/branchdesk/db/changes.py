"""What one committed unit of work changed: `Changes`, told to listeners after the commit.

The unit of work (`db/uow.py`) already sees every (action, table, id) for the audit trail; the same rows
become one `Changes` value per transaction. `Database.write` hands it to the commit listeners once the
transaction has committed (never for a rolled-back one); `Workspace.subscribe` is how the rest of the
program listens, and the window re-emits it as one Qt signal (`ui/changes.py`) so that each page
refreshes only when a table it shows was touched.

Bulk code that queues its own audit entries (`uow.add_entries`) is seen the same way; a summary entry
without an id (the demo generator, an import) names the table with the id ``None``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Changes:
    """The rows a committed transaction inserted, updated or deleted: (action, table, id) triples."""

    rows: frozenset[tuple[str, str, int | None]] = frozenset()
    operation: str = ""
    branch_id: int | None = None  # the workspace's branch when the write went through `ws.write`

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, int | None]], operation: str = "") -> Changes:
        return cls(frozenset(rows), operation)

    def __bool__(self) -> bool:
        return bool(self.rows)

    @cached_property
    def tables(self) -> frozenset[str]:
        """Every table touched."""
        return frozenset(table for _action, table, _id in self.rows)

    def touches(self, *tables: str) -> bool:
        """Whether any of `tables` was touched (a page passes the tables it shows)."""
        return not self.tables.isdisjoint(tables)

    def ids(self, table: str, action: str | None = None) -> frozenset[int]:
        """The ids of `table`'s rows that changed (by `action`: insert / update / delete); bulk summary
        entries carry no id, so an empty set with ``touches(table)`` true means 'some rows'."""
        return frozenset(
            i for a, t, i in self.rows if t == table and i is not None and (action is None or a == action)
        )

    def actions(self, table: str) -> frozenset[str]:
        return frozenset(a for a, t, _ in self.rows if t == table)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.rows | other.rows, self.operation or other.operation, self.branch_id)


NO_CHANGES = Changes()
