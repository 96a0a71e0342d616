"""Issue 11 §5: 打开 writes an attachment only inside its private temp folder and never launches a
program: a stored name like ../../x stays inside, an executable type shows its folder instead."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from PySide6.QtGui import QDesktopServices

from branchdesk.db.models_meetings import MeetingAttachment
from branchdesk.domain.meetings import MeetingType
from branchdesk.ui.dialogs import meeting_dialog as md
from branchdesk.ui.widgets import prompts


@pytest.fixture
def meetings(ws):
    return ws.meetings


def _dialog_with(qtbot, ctx, meetings, tmp_path, stored_name: str):
    record = meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 7, 1))
    source = tmp_path / "file.txt"
    source.write_bytes(b"hello")
    info = meetings.add_attachment(record.id, source)
    with ctx.db.write("旧版本保存的附件名") as session:  # as an earlier version stored it, uncut
        session.get(MeetingAttachment, info.id).file_name = stored_name
    dialog = md.MeetingDialog(ctx, meetings, meetings.get(record.id), today=dt.date(2026, 7, 1))
    qtbot.addWidget(dialog)
    dialog.files.selectRow(0)
    return dialog


def test_a_name_with_dots_and_slashes_stays_in_the_private_folder(
    qtbot, ctx, meetings, tmp_path, monkeypatch
):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())))
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix="": str(Path(tempfile.gettempdir()) / "unused"))
    temp = tmp_path / "private"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix="": str(temp))
    dialog = _dialog_with(qtbot, ctx, meetings, tmp_path, "../../逃出去.txt")
    dialog.open_attachment()
    assert opened == [temp / "逃出去.txt"]
    assert (temp / "逃出去.txt").read_bytes() == b"hello"
    assert not (tmp_path / "逃出去.txt").exists() and not (tmp_path.parent / "逃出去.txt").exists()


def test_an_executable_is_never_launched(qtbot, ctx, meetings, tmp_path, monkeypatch):
    opened, warned = [], []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())))
    monkeypatch.setattr(prompts, "warn", lambda *a: warned.append(a[2]))
    temp = tmp_path / "private"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "mkdtemp", lambda prefix="": str(temp))
    dialog = _dialog_with(qtbot, ctx, meetings, tmp_path, "x" * 196 + ".exe")
    dialog.open_attachment()
    assert opened == [temp] and warned  # the folder, not the program


def test_a_long_name_is_cut_keeping_its_extension_on_store(meetings, tmp_path):
    record = meetings.plan(MeetingType.PARTY_DAY, dt.date(2026, 7, 1))
    source = tmp_path / ("x" * 196 + ".exe.txt")
    source.write_bytes(b"hello")
    info = meetings.add_attachment(record.id, source)
    assert info.file_name.endswith(".txt") and len(info.file_name) <= 200
