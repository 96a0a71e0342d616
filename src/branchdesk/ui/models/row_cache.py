"""The row cache of a long table model: rows of an id list fetched a block at a time (the block the
view asked into), the oldest dropped beyond a limit. Shared by the member list and the audit log."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any


class BlockCache(OrderedDict):
    """id -> row (anything with an ``id``), in the order read. ``fetch(ids)`` reads rows by id."""

    def __init__(self, fetch: Callable[[list[int]], Iterable[Any]], *, block: int = 100, limit: int = 3000):
        super().__init__()
        self.fetch = fetch
        self.block = block
        self.limit = max(limit, block * 4)
        self.fetches = 0  # block reads so far (tests and benchmarks look at it)

    def row(self, ids: Sequence[int], row: int) -> Any | None:
        """The row of ``ids[row]``, reading its block of rows if it is not cached yet."""
        if not 0 <= row < len(ids):
            return None
        found = self.get(ids[row])
        if found is None:
            start = row - row % self.block
            wanted = [i for i in ids[start : start + self.block] if i not in self]
            if wanted:
                self.fetches += 1
                for item in self.fetch(wanted):
                    self[item.id] = item
                while len(self) > self.limit:
                    self.popitem(last=False)
            found = self.get(ids[row])
        return found
