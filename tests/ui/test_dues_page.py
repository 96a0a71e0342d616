"""本月收缴 as the collector does it (issue 14): the branch on one screen with this month's amounts
prefilled, tick who paid (one amount changed), one save; the rows then read 已交, the arrears tab and
the member file's 党费 line follow."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from branchdesk.domain.dues import month_index

TODAY = dt.date(2026, 11, 20)


def test_collecting_this_month_in_one_save(qtbot, ctx, roster, monkeypatch):
    from branchdesk.ui.pages.dues import DuesPage
    from branchdesk.ui.widgets import prompts

    ws = ctx.ws
    for name, basis in (("张三", 850_000), ("李四", 450_000), ("王芳", 300_000), ("赵敏", None),
                        ("欧阳修", 450_000), ("曾志伟", 1_200_000)):  # fmt: skip
        record = roster[name]
        from branchdesk.services.dues import AssessmentInput

        category = "student" if basis is None else ("retired" if name == "欧阳修" else "employed")
        ws.dues.save_assessment(AssessmentInput(record.id, 2026, category, basis,
                                                from_month=6 if name == "赵敏" else 1))  # fmt: skip
    page = DuesPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.month.currentText() == "11月"
    table = page.collect_table
    rows = {table.item(r, 1).text(): r for r in range(table.rowCount())}
    assert set(rows) == {"张三", "李四", "王芳", "赵敏", "欧阳修", "曾志伟"}
    assert table.item(rows["张三"], 4).text() == "127.50"  # 1.5 % of 8,500
    assert table.item(rows["欧阳修"], 4).text() == "22.50"  # retired, 0.5 %
    assert table.item(rows["赵敏"], 4).text() == "0.20"
    page.collector.setText("组织委员")
    for name in ("张三", "王芳", "赵敏"):
        table.item(rows[name], 0).setCheckState(Qt.CheckState.Checked)
    table.item(rows["张三"], 4).setText("150.00")  # pays a little more this month
    warned = []
    monkeypatch.setattr(prompts, "warn", lambda *a: warned.append(a))
    seen = []
    ws.subscribe(seen.append)
    assert page.save_collection()
    assert not warned and len(seen) == 1  # one save, one transaction
    paid = {p.member_name: p for p in ws.dues.payments()}
    assert set(paid) == {"张三", "王芳", "赵敏"}
    assert paid["张三"].amount_fen == 15000 and paid["张三"].collector == "组织委员"
    assert paid["王芳"].months == (month_index((2026, 11)),)
    # the page read the commit: those rows are paid and can no longer be ticked
    rows = {table.item(r, 1).text(): r for r in range(table.rowCount())}
    assert table.item(rows["张三"], 5).text() == "已交"
    assert not table.item(rows["张三"], 0).flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert page.collect_summary.text() == "2026年11月：应交 6 人，已交 3 人"
    # a bad amount names the member and saves nothing
    table.item(rows["李四"], 0).setCheckState(Qt.CheckState.Checked)
    table.item(rows["李四"], 4).setText("二十")
    assert not page.save_collection()
    assert "李四的实交金额" in warned[-1][2]
    assert len(ws.dues.payments()) == 3
    # the arrears tab: October is due; everyone owes from January (赵敏 from June)
    owed = {page.arrears_table.item(r, 0).text(): page.arrears_table.item(r, 1).text()
            for r in range(page.arrears_table.rowCount())}  # fmt: skip
    assert owed["赵敏"] == "2026年6月至10月"
    assert "连续6个月以上" in page.arrears_table.item(0, 5).text() or page.arrears_table.rowCount() == 6

    # 赵敏 studies elsewhere and pays there: a reason recorded from the arrears view stops the count
    row = next(
        r for r in range(page.arrears_table.rowCount()) if page.arrears_table.item(r, 0).text() == "赵敏"
    )
    page.arrears_table.selectRow(row)
    assert page.add_exemption(
        values={"kind": "elsewhere", "reason": "在流入地党组织交纳", "approved_by": "支部委员会"}
    )
    owed = {page.arrears_table.item(r, 0).text() for r in range(page.arrears_table.rowCount())}
    assert "赵敏" not in owed
