"""Votes that fail, in the meeting editor: the general meeting of 1 August 2024 does not accept the
candidate (2 of 5 say yes) — the vote dialog says what recording it will do, the agenda shows 未通过
and the dossier 未被接收; a year later a conversion vote fails, the editor offers the extension vote
as the next item, and the extension is recorded on the dossier."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Approval, Standing
from branchdesk.domain.meetings import MeetingType
from branchdesk.ui.dialogs import meeting_dialog as md
from tests.unit.dev_builders import admitted, complete

MEETING_DAY = dt.date(2024, 8, 1)
CONVERSION_DAY = dt.date(2025, 8, 1)


@pytest.fixture
def meetings(ws):
    return ws.meetings


@pytest.fixture
def dev(ws):
    return ws.development


def count_vote(monkeypatch, yes: int, seen: list):
    """The vote dialog filled in: all five voters present, ``yes`` in favour, the rest against."""

    def exec_(self: md.VoteDialog):
        calc = self.calculator
        assert (calc.expected.value(), calc.present.value()) == (5, 5)
        calc.yes.setValue(yes)
        calc.no.setValue(5 - yes)
        seen.append((self.outcome.text(), self.save_button.text()))
        self.save()
        return self.result()

    monkeypatch.setattr(md.VoteDialog, "exec", exec_)


def editor(qtbot, ctx, meetings, day):
    record = meetings.plan(MeetingType.GENERAL, day, status="draft", chair="张三", recorder="李四")
    dialog = md.MeetingDialog(ctx, meetings, record, today=day)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(2)
    return dialog


def item_for(dialog: md.MeetingDialog, title: str, kind: str, dossier_id: int) -> int:
    i = dialog.add_agenda_item()
    dialog.item_title.setText(title)
    dialog.item_title.textEdited.emit(title)
    dialog.vote_kind.setCurrentIndex(dialog.vote_kind.findData(kind))
    dialog.dossier_box.setCurrentIndex(dialog.dossier_box.findData(dossier_id))
    return i


def test_the_meeting_does_not_accept_the_candidate(qtbot, monkeypatch, ctx, meetings, dev, roster):
    candidate = dev.save(
        replace(admitted(MEETING_DAY), id=None, admission_meeting_date=None, admission_vote=None)
    )
    dialog = editor(qtbot, ctx, meetings, MEETING_DAY)
    i = item_for(dialog, "讨论接收李明为预备党员", "admission", candidate)
    told: list = []
    count_vote(monkeypatch, 2, told)  # 2 of 5: one short of more than half
    assert dialog.record_vote() is True, dialog.errors.label.text()

    [(outcome, button)] = told
    assert button == "记录表决（未通过）"
    assert (
        "表决未通过" in outcome and "李明" in outcome and "未被接收" in outcome and "仍为发展对象" in outcome
    )
    assert dialog.agenda_list.item(i).text().endswith("（表决未通过）")
    assert "未通过" in dialog.vote_result.text() and "李明同志仍为发展对象" in dialog.vote_result.text()
    assert not dialog.vote_form.isRowVisible(dialog.follow_up_row), "nothing else to vote on"
    d = dev.get(candidate)
    assert (d.rejected_on, d.rejection_vote.yes, d.standing) == (MEETING_DAY, 2, Standing.CANDIDATE)
    assert dialog.meeting.votes[0].passed is False


def test_a_failed_conversion_vote_offers_the_extension_vote(qtbot, monkeypatch, ctx, meetings, dev, roster):
    full = complete()
    probationary = replace(
        admitted(), id=None, talks=full.talks, filings=full.filings, approval=Approval(dt.date(2024, 9, 10)),
        oath_date=dt.date(2024, 9, 30), join_date=MEETING_DAY, conversion_application_date=dt.date(2025, 7, 20),
    )  # fmt: skip
    dossier_id = dev.save(probationary)
    before = dev.get(dossier_id)
    dialog = editor(qtbot, ctx, meetings, CONVERSION_DAY)
    i = item_for(dialog, "讨论李明同志转正", "conversion", dossier_id)
    told: list = []
    count_vote(monkeypatch, 2, told)
    assert dialog.record_vote() is True, dialog.errors.label.text()
    [(outcome, button)] = told
    assert button == "记录表决（未通过）"
    assert "不能按期转为正式党员" in outcome and "发展档案不变" in outcome and "另行表决" in outcome
    assert dev.get(dossier_id) == before, "no decision: the dossier is unchanged"
    assert dialog.vote_form.isRowVisible(dialog.follow_up_row)
    assert "须另行讨论延长预备期或取消预备党员资格" in dialog.vote_result.text()

    qtbot.mouseClick(dialog.extend_button, md.Qt.MouseButton.LeftButton)
    assert dialog._current_item == i + 1
    assert dialog.item_title.text() == "讨论延长李明同志的预备期"
    assert dialog.vote_kind.currentData() == "extension" and dialog.dossier_box.currentData() == dossier_id
    assert dialog.vote_form.isRowVisible(dialog.months) and not dialog.vote_form.isRowVisible(
        dialog.follow_up_row
    )
    dialog.months.setValue(6)
    dialog.vote_reason.setText("预备期间未能按要求参加组织生活")
    count_vote(monkeypatch, 4, told)
    assert dialog.record_vote() is True, dialog.errors.label.text()
    assert told[-1] == ("表决通过：延长李明的预备期6个月；记入发展档案。", "记录表决")
    texts = [dialog.agenda_list.item(r).text() for r in (i, i + 1)]
    assert texts[0].endswith("（表决未通过）") and texts[1].endswith("（表决通过）")
    d = dev.get(dossier_id)
    assert (d.extension.months, d.extension.vote.yes, d.extension.reason) == (
        6,
        4,
        "预备期间未能按要求参加组织生活",
    )
    assert d.probation_end == dt.date(2026, 2, 1)
