"""党费 corrections a secretary makes in the window: one member's yearly assessment changed (another
amount only with its reason, the dialog says so and stays open), and a wrongly entered payment deleted
after a confirmation naming the member, the months and the amount (one transaction in the audit trail)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from branchdesk.db.models import AuditEntry
from branchdesk.domain.dues import month_index
from branchdesk.services.dues import AssessmentInput, PaymentInput

TODAY = dt.date(2026, 11, 20)


def _page(qtbot, ctx):
    from branchdesk.ui.pages.dues import DuesPage

    page = DuesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def _row(table, name: str, col: int = 1) -> int:
    return next(r for r in range(table.rowCount()) if table.item(r, col).text() == name)


def test_changing_one_members_assessment_needs_a_reason_for_another_amount(qtbot, ctx, roster, monkeypatch):
    from branchdesk.ui.pages import dues as page_module
    from branchdesk.ui.widgets import prompts

    ws = ctx.ws
    ws.dues.save_assessment(AssessmentInput(roster["张三"].id, 2026, "employed", 850_000))
    page = _page(qtbot, ctx)
    table = page.collect_table
    table.selectRow(_row(table, "张三"))
    assert table.item(_row(table, "张三"), 4).text() == "127.50"

    warned = []
    monkeypatch.setattr(prompts, "warn", lambda *a: warned.append(a[2]))
    shown = []

    def answer(dialog) -> int:  # the secretary types into the dialog the page opens
        shown.append(dialog)
        assert dialog.category.currentText() == "在职" and dialog.basis.text() == "8500.00"
        assert dialog.standard.text() == "127.50 元"
        dialog.amount.setText("200")
        dialog.accept()  # no reason: refused, the dialog stays open
        assert "需填写原因" in warned[-1] and dialog.result() != dialog.DialogCode.Accepted
        dialog.reason.setText("本人自愿多交")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(page_module.AssessmentDialog, "exec", answer)
    assert page.edit_assessment()
    size = shown[0].sizeHint()
    assert size.width() <= 1366 and size.height() <= 768 - 48
    [a] = ws.dues.assessments(2026, roster["张三"].id)
    assert (a.amount_fen, a.computed_fen, a.override_reason) == (20000, 12750, "本人自愿多交")
    assert table.item(_row(table, "张三"), 4).text() == "200.00"  # the page read the commit

    # a member becomes a student from September: a new row from that month, the earlier one stays
    table.selectRow(_row(table, "张三"))
    assert page.edit_assessment(values={"category": "student", "from_month": 9})
    rows = ws.dues.assessments(2026, roster["张三"].id)
    assert [(r.from_month, r.amount_fen) for r in rows] == [(1, 20000), (9, 20)]
    assert QSize(1366, 720).expandedTo(page.minimumSizeHint()) == QSize(1366, 720)


def test_deleting_a_wrong_payment_names_it_and_is_one_transaction(qtbot, ctx, roster, monkeypatch):
    from branchdesk.ui.widgets import prompts

    ws = ctx.ws
    for name in ("张三", "李四"):
        ws.dues.save_assessment(AssessmentInput(roster[name].id, 2026, "employed", 450_000))
    nov, oct_ = month_index((2026, 11)), month_index((2026, 10))
    ws.dues.record_payment(
        PaymentInput(roster["李四"].id, dt.date(2026, 11, 5), (oct_, nov), 9000, "组织委员")
    )
    ws.dues.record_payment(PaymentInput(roster["张三"].id, dt.date(2026, 11, 6), (nov,)))
    page = _page(qtbot, ctx)
    page.tabs.setCurrentIndex(page.tabs.count() - 1)
    assert page.tabs.tabText(page.tabs.currentIndex()) == "缴纳记录"
    table = page.payment_table
    assert table.rowCount() == 2 and page.payment_summary.text() == "2026年共 2 笔，135.00 元"

    asked = []
    monkeypatch.setattr(prompts, "ask", lambda _p, _t, text, **kw: asked.append(text) or False)
    table.selectRow(_row(table, "李四"))
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Delete)  # cancelled: nothing happens
    assert "党员：李四\n所属月份：2026年10月至11月\n金额：90.00 元" in asked[-1]
    assert len(ws.dues.payments()) == 2

    with ctx.db.read() as session:
        last_seq = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    monkeypatch.setattr(prompts, "ask", lambda _p, _t, text, **kw: asked.append(text) or True)
    seen = []
    ws.subscribe(seen.append)
    QTest.keyClick(table, Qt.Key.Key_Delete)
    assert len(seen) == 1  # one transaction
    assert [p.member_name for p in ws.dues.payments()] == ["张三"]
    with ctx.db.read() as session:
        new = list(session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)))
    assert {e.operation for e in new} == {"删除党费缴纳记录"}
    assert [(e.action, e.entity) for e in new if e.entity == "dues_payment"] == [("delete", "dues_payment")]
    assert table.rowCount() == 1
    # the collection sheet: 李四's November is open again
    collect = page.collect_table
    assert collect.item(_row(collect, "李四"), 5).text() == "未交"

    # from the 本月收缴 sheet: 张三's November payment, the same confirmation
    collect.selectRow(_row(collect, "张三"))
    payment = page._payment_of(roster["张三"].id, nov)
    assert page.delete_payment(payment)
    assert "党员：张三\n所属月份：2026年11月\n金额：45.00 元" in asked[-1]
    assert ws.dues.payments() == [] and page.payment_summary.text() == "2026年共 0 笔，0.00 元"
