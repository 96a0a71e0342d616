"""生成材料 in the dossier view and the meeting editor: the secretary picks a document, names the file,
and gets the filled Word document; a template the branch broke is named in a warning, nothing written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from docx import Document as open_docx

from branchdesk.domain.meetings import MeetingType
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.pages.dossier import DossierView
from branchdesk.ui.widgets import prompts
from tests.unit.dev_builders import admitted


def _text(path) -> str:
    doc = open_docx(str(path))
    return "\n".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )


@pytest.fixture
def saved(monkeypatch, tmp_path):
    monkeypatch.setenv("BRANCHDESK_DATA_DIR", str(tmp_path / "data"))
    shown: list[str] = []
    monkeypatch.setattr(prompts, "file_saved", lambda parent, title, text, path: shown.append(text))
    monkeypatch.setattr(prompts, "warn", lambda parent, title, text: shown.append("警告：" + text))
    return shown


def _trigger(button, title: str) -> None:
    [action] = [a for a in button.menu().actions() if a.text() == title + "…"]
    action.trigger()


def test_the_dossier_view_makes_the_admission_resolution_of_the_person_shown(
    qtbot, monkeypatch, ctx, roster, saved, tmp_path
):
    dossier_id = ctx.ws.development.save(replace(admitted(dt.date(2024, 8, 1)), id=None))
    view = DossierView(ctx, ctx.ws.development, today=dt.date(2024, 8, 2))
    qtbot.addWidget(view)
    view.show_dossier(ctx.ws.development.get(dossier_id))
    target = tmp_path / "决议.docx"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: target)
    _trigger(view.docs_button, "支部大会关于接收预备党员的决议")
    name = view.dossier.person.name
    assert target.exists() and name in _text(target)
    assert saved and "已生成" in saved[-1]
    # the branch breaks its template: the field is named, no file written
    from branchdesk.reports.word import template_path

    own = template_path("activist_publicity")
    doc = open_docx(str(own))
    doc.add_paragraph("{{不存在的字段}}")
    doc.save(str(own))
    other = tmp_path / "公示.docx"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: other)
    _trigger(view.docs_button, "入党积极分子公示")
    assert "不存在的字段" in saved[-1] and not other.exists()


def test_the_meeting_editor_makes_the_notice_of_the_stored_meeting(
    qtbot, monkeypatch, ctx, roster, saved, tmp_path
):
    meetings = ctx.ws.meetings
    stored = meetings.plan(MeetingType.GENERAL, dt.date(2024, 9, 5), theme="学习党章", place="党员活动室")
    dialog = md.MeetingDialog(ctx, meetings, meetings.get(stored.id), today=dt.date(2024, 9, 1))
    qtbot.addWidget(dialog)
    target = tmp_path / "通知.docx"
    monkeypatch.setattr(prompts, "save_file_name", lambda *a, **k: target)
    _trigger(dialog.docs_button, "会议通知")
    text = _text(target)
    assert "学习党章" in text and "党员活动室" in text and "2024年9月5日" in text
