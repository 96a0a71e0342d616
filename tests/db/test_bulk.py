"""The batch insert of imports and the demo writes what the ORM would write, for every column type."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from branchdesk.services.bulk import executemany, insert_returning_ids


def test_batch_insert_keeps_times_dates_and_defaults():
    engine = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    table = sa.Table(
        "meeting_like",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("starts", sa.Time),
        sa.Column("held_on", sa.Date),
        sa.Column("place", sa.String(20), default="党员活动室"),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        ids = insert_returning_ids(
            conn,
            table,
            [{"starts": dt.time(14, 30), "held_on": dt.date(2026, 1, 2)}, {"starts": None, "held_on": None}],
            what="会议",
        )
        executemany(conn, table, [{"starts": dt.time(9, 0), "held_on": dt.date(2026, 3, 1), "place": "线上"}])
        rows = conn.execute(sa.select(table).order_by(table.c.id)).all()
    assert ids == [1, 2]
    assert rows == [
        (1, dt.time(14, 30), dt.date(2026, 1, 2), "党员活动室"),
        (2, None, None, "党员活动室"),
        (3, dt.time(9, 0), dt.date(2026, 3, 1), "线上"),
    ]
