"""The workspace's `Changes` as one Qt signal on the GUI thread.

`ChangesRelay` subscribes to a workspace (a plain listener, told on whatever thread committed: an import
on a worker thread, a dialog on the GUI thread) and re-emits each `Changes` as ``changed(Changes)`` on the
thread the relay lives in — the GUI thread. A commit on the GUI thread arrives at once (before the
service call returns); a worker's arrives through the event loop.

A page refreshes what touches its tables:

    ctx.changed.connect(self.on_changes)      # or: watch(self, ctx, {"member", "party_group"}, self.reload)

No page connects to another page: whoever wrote, every page showing those tables learns it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal

from branchdesk.db.changes import Changes


class ChangesRelay(QObject):
    changed = Signal(object)  # Changes, on the GUI thread
    _arrived = Signal(object)  # emitted on the committing thread, delivered queued when that is another

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._arrived.connect(self._deliver, Qt.ConnectionType.AutoConnection)

    def tell(self, changes: Changes) -> None:
        """The workspace listener (any thread)."""
        self._arrived.emit(changes)

    def _deliver(self, changes: Changes) -> None:
        self.changed.emit(changes)


def watch(
    owner: QObject, relay: ChangesRelay, tables: Iterable[str] | None, refresh: Callable[[Changes], None]
) -> None:
    """Call ``refresh(changes)`` whenever a commit touches one of `tables` (None: any commit), as long as
    `owner` lives."""
    wanted = frozenset(tables) if tables is not None else None

    def on_changes(changes: Changes) -> None:
        if wanted is None or changes.touches(*wanted):
            refresh(changes)

    relay.changed.connect(on_changes)
    owner.destroyed.connect(lambda *_: _disconnect(relay, on_changes))


def _disconnect(relay: ChangesRelay, slot) -> None:
    with contextlib.suppress(RuntimeError, TypeError):  # the relay went first (the application closes)
        relay.changed.disconnect(slot)


def reload_when_changed(page, relay: ChangesRelay, tables: Iterable[str] | None) -> None:
    """For a page read when first shown (``page.loaded``, ``page.reload()``): a commit touching `tables`
    (None: any commit) reloads it now if it is on screen, else marks it to be read again when next shown."""

    def refresh(_changes: Changes) -> None:
        if not page.loaded:
            return
        if page.isVisible():
            page.reload()
        else:
            page.loaded = False

    watch(page, relay, tables, refresh)


def everything() -> Changes:
    """Every table "changed", rows unknown: what 视图 › 刷新 tells every page, so that each reads again what
    it shows — another PC may have written anything (a committee's database on a server)."""
    from branchdesk.db.models import full_metadata

    return Changes.of((("update", table, None) for table in full_metadata().tables), "刷新")


#: The tables of a development dossier (db/models_development.py).
DOSSIER_TABLES = frozenset({
    "dossier", "dossier_talk", "dossier_filing", "dossier_contact", "dossier_assessment",
    "dossier_thought_report", "dossier_sponsor", "dossier_extension", "dossier_checklist_item",
    "dossier_vote", "dossier_vote_exclusion", "dossier_override",
})  # fmt: skip
#: The tables of a meeting record (db/models_meetings.py).
MEETING_TABLES = frozenset({
    "meeting_type", "meeting", "meeting_attendance", "meeting_observer", "agenda_item", "meeting_amendment",
    "meeting_attachment", "appraisal_grade", "remediation_item", "talk_pair",
})  # fmt: skip
#: What the roster of a day is read from (who was a member, who votes: services/roster.py).
ROSTER_TABLES = frozenset(
    {"member", "member_status_change", "member_award", "committee_member", "party_group"}
)
