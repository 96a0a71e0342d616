"""Pages read when first shown (building the main window stays cheap) that follow ``ctx.changed``."""

from __future__ import annotations

from typing import Protocol


class LazyPage(Protocol):
    loaded: bool

    def isVisible(self) -> bool: ...

    def reload(self) -> None: ...


def follow_change(page: LazyPage) -> None:
    """A change announced while ``page`` holds what it read: on screen it reads again now; hidden, it is
    read when next shown (``loaded`` cleared). A page never read yet waits for its first showing."""
    if not page.loaded:
        return
    if page.isVisible():
        page.reload()
    else:
        page.loaded = False
