"""Meeting ledgers: 三会一课记录台账 (one row per meeting) … built from the meeting records of a period."""

from __future__ import annotations

import datetime as dt

from branchdesk.reports.ledger import Ledger


def meetings_report(db, period, today: dt.date) -> list[Ledger]:
    """Registry builder: the meetings held in the calendar year(s) of `period` (plain layout for now)."""
    from branchdesk.services.meetings import meetings_ledger

    return [meetings_ledger(db, year) for year in range(period.start.year, period.end.year + 1)]
