"""The 发展党员 page as a secretary uses it: a new applicant, steps recorded, the board moves them,
and a step the rules forbid is refused with the rule's message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Step
from branchdesk.services.development import DevelopmentService
from branchdesk.ui.dialogs import step_dialog as sd
from branchdesk.ui.pages.development import DevelopmentPage

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def dev(db):
    return DevelopmentService(db)


@pytest.fixture
def page(qtbot, ctx, dev, roster):
    widget = DevelopmentPage(ctx, dev, today=TODAY)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def reasons_asked(monkeypatch):
    """Every warning gets a reason; the warnings asked about are kept for the test to look at."""
    asked: list[list[str]] = []

    def ask(parent, findings):
        asked.append([f.code for f in findings])
        return {f.code: "补录历史记录" for f in findings}

    monkeypatch.setattr(sd, "ask_reasons", ask)
    return asked


def run_dialogs(monkeypatch, cls, fill):
    """Replace ``cls.exec`` (modal) by: fill the form the way a user would, press 保存/记录 once."""
    seen = []

    def exec_(self):
        fill(self)
        self.save()
        seen.append(self)
        return self.result()

    monkeypatch.setattr(cls, "exec", exec_)
    return seen


def new_applicant(monkeypatch, page, name, birth, applied, seq=7):
    def fill(dialog):
        dialog.name.setText(name)
        dialog.id_number.setText(make_citizen_id("350102", birth, seq, "女"))
        dialog.application_date.setText(applied.isoformat())

    return run_dialogs(monkeypatch, sd.NewDossierDialog, fill)


def test_new_applicant_recorded_talk_and_activist_moves_across_the_board(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    new_applicant(monkeypatch, page, "陈静", dt.date(2000, 3, 15), dt.date(2026, 5, 6))
    assert page.new_dossier() is True
    [summary] = dev.list()
    assert summary.name == "陈静"
    assert dev.get(summary.id).person.birth_date == dt.date(2000, 3, 15)  # from the ID number
    assert page.column_of(summary.id) == "applicant"
    assert page.column("applicant").header.text() == "入党申请人（1）"

    page.open_dossier(summary.id)
    view = page.dossier_view
    assert page.showing_dossier()
    assert view.next_step() is Step.FIRST_TALK

    def talk(dialog):
        dialog.date.setText("2026-05-20")
        dialog.interviewers.setText("王书记、李委员")
        dialog.place.setText("党员活动室")

    run_dialogs(monkeypatch, sd.StepDialog, talk)
    assert view.record_step(view.next_step()) is True
    d = dev.get(summary.id)
    assert d.first_talk.interviewers == ("王书记", "李委员")
    assert view.next_step() is Step.ACTIVIST

    def activist(dialog):
        dialog.date.setText("2026-09-01")

    run_dialogs(monkeypatch, sd.StepDialog, activist)
    assert view.record_step(Step.ACTIVIST) is True
    assert dev.get(summary.id).activist_date == dt.date(2026, 9, 1)
    page.show_board()
    assert page.column_of(summary.id) == "activist"  # the card moved one column to the right
    assert page.column("applicant").header.text() == "入党申请人（0）"
    assert page.column("activist").header.text() == "入党积极分子（1）"


def test_an_applicant_under_18_is_refused_with_the_rule_message_and_nothing_is_written(
    qtbot, monkeypatch, page, dev
):
    seen = new_applicant(monkeypatch, page, "周小雨", dt.date(2009, 1, 10), dt.date(2026, 11, 2))
    assert page.new_dossier() is False
    [dialog] = seen
    assert dialog.result() != QDialog.DialogCode.Accepted  # the form stays open
    text = dialog.errors.text()
    assert "DEV-AGE" in text and "18" in text
    assert dev.list() == []


def test_a_candidate_before_one_year_as_activist_is_refused_and_the_dossier_unchanged(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    new_applicant(monkeypatch, page, "陈静", dt.date(2000, 3, 15), dt.date(2025, 3, 3))
    page.new_dossier()
    [summary] = dev.list()
    page.open_dossier(summary.id)
    view = page.dossier_view

    def on(day):
        return lambda dialog: dialog.date.setText(day)

    run_dialogs(
        monkeypatch, sd.StepDialog, lambda d: (d.date.setText("2025-03-20"), d.interviewers.setText("王书记"))
    )
    assert view.record_step(Step.FIRST_TALK)
    run_dialogs(monkeypatch, sd.StepDialog, on("2025-06-02"))
    assert view.record_step(Step.ACTIVIST)
    before = dev.get(summary.id)

    seen = run_dialogs(monkeypatch, sd.StepDialog, on("2026-05-29"))  # four days short of a year
    assert view.record_step(Step.CANDIDATE) is False
    [dialog] = seen
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "DEV-ACTIVIST-1Y" in dialog.errors.text()
    assert "2026年6月2日" in dialog.errors.text() or "1年" in dialog.errors.text()
    assert dev.get(summary.id) == before
    assert page.column_of(summary.id) == "activist"
