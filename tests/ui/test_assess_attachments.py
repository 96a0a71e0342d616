"""迎检自评: the files attached to a hand-scored item open from the list (double-click or 打开): their
stored bytes are written to a private temp folder and handed to the system's program; a damaged file
says so instead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtGui import QDesktopServices

TODAY = dt.date(2026, 11, 20)


def test_an_items_attachment_opens_with_its_bytes(qtbot, ctx, tmp_path, monkeypatch):
    from branchdesk.db.models_readiness import AssessmentAttachmentRow
    from branchdesk.ui.pages.assess import AssessPage
    from branchdesk.ui.widgets import prompts

    opened, warned = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())))
    monkeypatch.setattr(prompts, "warn", lambda *a: warned.append(a[2]))
    rules, minutes = tmp_path / "支部制度汇编.pdf", tmp_path / "学习记录.docx"
    rules.write_bytes(b"%PDF-1.4 rules of the branch")
    minutes.write_bytes(b"PK minutes")
    first = ctx.ws.readiness.attach("红旗党支部", 2026, "3.1", rules)
    ctx.ws.readiness.attach("红旗党支部", 2026, "3.1", minutes)

    page = AssessPage(ctx, today=TODAY)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.select_item("3.1")
    texts = [page.evidence.item(r).text() for r in range(page.evidence.count())]
    assert texts[-2:] == ["附件：支部制度汇编.pdf", "附件：学习记录.docx"]
    assert not page.open_button.isEnabled()  # nothing chosen yet
    row = texts.index("附件：学习记录.docx")
    page.evidence.setCurrentRow(row)
    assert page.open_button.isEnabled()
    page.open_button.click()
    assert opened[-1].name == "学习记录.docx" and opened[-1].read_bytes() == b"PK minutes"
    page.evidence.itemDoubleClicked.emit(page.evidence.item(row - 1))  # a double-click on the other one
    assert (
        opened[-1].name == "支部制度汇编.pdf" and opened[-1].read_bytes() == b"%PDF-1.4 rules of the branch"
    )
    assert opened[0].parent != opened[1].parent and not warned  # a private folder each time

    with ctx.db.write("损坏的附件") as session:  # changed outside the program
        session.get(AssessmentAttachmentRow, first).content = b"%PDF-1.4 something else"
    assert not page.open_attachment(first)
    assert "可能已损坏" in warned[-1] and len(opened) == 2
