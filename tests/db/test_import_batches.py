"""A large roster goes in batch by batch (issue 11 §9: memory) and still as one transaction: the audit
chain of the batches is whole, the page hears of every new member, and a cancellation after some
batches were written leaves nothing behind."""

from __future__ import annotations

from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member
from branchdesk.services import imports
from branchdesk.services.audit import verify
from branchdesk.services.imports import ImportCancelled, apply_roster, read_roster
from tests.db.test_import_members import many_rows, roster_file


def _counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count(Member.id))),
            session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.operation == "导入党员花名册")),
        )


def test_batches_are_one_transaction_with_a_whole_audit_chain(tmp_path, db, ws, monkeypatch):
    monkeypatch.setattr(imports, "INSERT_BATCH", 60)
    plan = read_roster(roster_file(tmp_path / "many.xlsx", many_rows(250)))
    assert plan.errors == []

    calls = []
    try:
        apply_roster(
            ws, plan, progress=lambda done, total: calls.append(done), cancelled=lambda: len(calls) >= 2
        )
    except ImportCancelled:
        pass
    else:  # pragma: no cover
        raise AssertionError("not cancelled")
    assert calls[:2] == [0, 200]  # three batches of 60 were written and chained before the cancellation
    assert _counts(db) == (0, 0)

    heard = []
    unsubscribe = ws.subscribe(heard.append)
    try:
        result = apply_roster(ws, plan)
    finally:
        unsubscribe()
    assert result.created == 250 and _counts(db) == (250, 250)
    assert len(heard) == 1 and len(heard[0].ids("member")) == 250
    report = verify(db)
    assert report.ok, report.summary()
