"""The 发展党员 page as a secretary uses it: a new applicant, steps recorded, the board moves them,
and a step the rules forbid is refused with the rule's message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Step
from branchdesk.ui.dialogs import step_dialog as sd
from branchdesk.ui.pages.development import ROLE_DUE, DevelopmentPage

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def dev(ws):
    return ws.development


@pytest.fixture
def page(qtbot, ctx, dev, roster):
    widget = DevelopmentPage(ctx, dev, today=TODAY)
    qtbot.addWidget(widget)
    widget.show()  # the page reads its dossiers when first shown
    assert widget.loaded
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


def ready_for_the_admission_vote(dev):
    """李明's story (tests/unit/dev_builders.py) cut just before the general meeting of 1 August 2024."""
    from dataclasses import replace

    from tests.unit.dev_builders import admitted

    d = replace(admitted(), id=None, admission_meeting_date=None, admission_vote=None)
    return dev.save(d)


def count(present: int, yes: int, on: str = "2024-08-01"):
    """Fill the step form of the general meeting: the date, then the counts (5 voters that day)."""

    def fill(dialog):
        dialog.date.setText(on)
        dialog._load_electorate(dialog.date.date())
        calc = dialog.vote_calc
        # On 1 August 2024 the branch had five full members (赵敏 joined only in 2026).
        assert calc.expected.value() == 5
        calc.present.setValue(present)
        calc.yes.setValue(yes)
        calc.no.setValue(present - yes)

    return fill


def test_an_admission_vote_without_a_quorum_is_refused_then_the_real_count_is_recorded(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    dossier_id = ready_for_the_admission_vote(dev)
    page.reload()
    assert page.column_of(dossier_id) == "candidate"
    page.open_dossier(dossier_id)
    view = page.dossier_view
    view.today = dt.date(2024, 8, 1)  # recorded on the day of the meeting
    assert view.next_step() is Step.ADMISSION_VOTE

    seen = run_dialogs(monkeypatch, sd.StepDialog, count(2, 2))  # 2 of 5 present: no quorum
    assert view.record_step(Step.ADMISSION_VOTE) is False
    [dialog] = seen
    assert "DEV-VOTE-QUORUM" in dialog.errors.text()
    assert dialog.vote_calc.quorum_label.text().startswith("✘ 到会人数不足")
    assert "不能记录" in dialog.vote_outcome.text() and "另行召开支部大会" in dialog.vote_outcome.text()
    assert dev.get(dossier_id).admission_meeting_date is None  # nothing written

    run_dialogs(monkeypatch, sd.StepDialog, count(5, 3))
    assert view.record_step(Step.ADMISSION_VOTE) is True
    saved = dev.get(dossier_id)
    assert (saved.admission_vote.expected, saved.admission_vote.yes) == (5, 3)
    page.show_board()
    assert page.column_of(dossier_id) == "probationary"


def test_an_admission_vote_failing_by_one_is_recorded_as_not_accepted(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    """2 of 5 say yes: the meeting did not accept 李明. The form says so before recording; the dossier
    then shows the failed vote, he stays a 发展对象, and the next step says when he may be put forward."""
    dossier_id = ready_for_the_admission_vote(dev)
    page.reload()
    page.open_dossier(dossier_id)
    view = page.dossier_view
    view.today = dt.date(2024, 8, 2)

    seen = run_dialogs(monkeypatch, sd.StepDialog, count(5, 2))
    assert view.record_step(Step.ADMISSION_VOTE) is True
    [dialog] = seen
    assert dialog.save_button.text() == "记录（未通过）"
    told = dialog.vote_outcome.text()
    assert (
        "表决未通过" in told and "未被接收" in told and "仍为发展对象" in told and "2025年2月1日以后" in told
    )
    assert reasons_asked == [], "a valid failed vote needs no reason"
    saved = dev.get(dossier_id)
    assert (saved.rejected_on, saved.rejection_vote.yes, saved.admission_meeting_date) == (
        dt.date(2024, 8, 1),
        2,
        None,
    )
    assert "支部大会未通过接收（2024年8月1日）" in view.subtitle.text()
    assert "发展对象" in view.subtitle.text()
    state, when, note, _colour = view._state(Step.ADMISSION_VOTE)
    assert state == "暂不能办理" and when == ""
    assert "表决未通过" in note and "赞成2" in note and "2025年2月1日起可办理" in note
    assert view.findings == []
    page.show_board()
    assert page.column_of(dossier_id) == "candidate"


def test_the_todo_list_puts_overdue_items_first(qtbot, monkeypatch, page, dev, reasons_asked):
    # Applied on 2 November: the talk is due on 2 December (soon). Applied on 8 October: overdue.
    new_applicant(monkeypatch, page, "陈静", dt.date(2000, 3, 15), dt.date(2026, 11, 2), seq=1)
    page.new_dossier()
    new_applicant(monkeypatch, page, "林浩然", dt.date(1999, 7, 2), dt.date(2026, 10, 8), seq=2)
    page.new_dossier()
    rows = [
        (page.todo.item(r, 0).text(), page.todo.item(r, 1).text(), page.todo.item(r, 2).text())
        for r in range(page.todo.rowCount())
    ]
    assert rows[0] == ("已逾期", "林浩然", Step.FIRST_TALK.title)
    assert ("即将到期", "陈静", Step.FIRST_TALK.title) in rows[1:]
    assert "逾期15天" in page.column("applicant").list.item(0).data(ROLE_DUE)


def test_the_todo_list_holds_what_the_service_calls_due(qtbot, monkeypatch, page, dev, reasons_asked):
    for i, applied in enumerate((dt.date(2026, 11, 2), dt.date(2026, 10, 8), dt.date(2025, 1, 6)), start=1):
        new_applicant(monkeypatch, page, f"申请人{i}", dt.date(2000, 3, 15), applied, seq=i)
        page.new_dossier()
    shown = {(i.dossier_id, i.step, i.due) for i in page.due_items}
    assert shown == {(i.dossier_id, i.step, i.due) for i in dev.due(TODAY)}
    assert page.todo.rowCount() == len(shown) > 0


def test_one_person_from_application_to_full_membership_through_the_forms(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    """陈静 applies in January 2024 and is a full member, her dossier archived, in July 2026 — every
    step recorded through its form on the day it happened, as a secretary would."""
    page._today = dt.date(2024, 1, 8)
    new_applicant(monkeypatch, page, "陈静", dt.date(2000, 3, 15), dt.date(2024, 1, 8))
    assert page.new_dossier()
    [summary] = dev.list()
    page.open_dossier(summary.id)
    view = page.dossier_view

    def d(text):
        return dt.date.fromisoformat(text)

    def talk(dialog):
        dialog.interviewers.setText("张三")

    def contacts(dialog):
        dialog.contact_pickers[0].pick("张三")
        dialog.contact_pickers[1].pick("李四")

    def candidate(dialog):
        dialog.cand_pub[0].setText("2025-04-11")
        dialog.cand_pub[1].setText("2025-04-21")

    def training(dialog):
        dialog.training_start.setText("2025-05-12")
        dialog.training_days.setValue(3)
        dialog.training_hours.setValue(24)
        dialog.certificate.setText("2025-031")

    def vote(dialog):
        calc = dialog.vote_calc
        assert calc.expected.value() == 5  # 张三 李四 王芳 欧阳修 曾志伟
        calc.present.setValue(5)
        calc.yes.setValue(5)

    def archive(dialog):
        for check in dialog.checklist.values():
            check.setChecked(True)

    steps = [
        (Step.FIRST_TALK, "2024-01-20", talk),
        (Step.ACTIVIST, "2024-04-08", None),
        (Step.CONTACTS, "2024-04-10", contacts),
        (Step.ACTIVIST_FILING, "2024-04-15", None),
        (Step.ASSESSMENT, "2024-10-08", None),
        (Step.ASSESSMENT, "2025-04-01", None),
        (Step.CANDIDATE, "2025-04-10", candidate),
        (Step.CANDIDATE_FILING, "2025-04-25", None),
        (Step.SPONSORS, "2025-04-26", None),  # the contact persons are proposed
        (Step.POLITICAL_REVIEW, "2025-05-06", None),
        (Step.TRAINING, "2025-05-14", training),
        (Step.COMMITTEE_REVIEW, "2025-05-20", None),
        (Step.PRE_REVIEW, "2025-05-26", None),
        (Step.VOLUNTEER_FORM, "2025-05-28", lambda dialog: dialog.form_number.setText("2025-017")),
        (Step.ADMISSION_VOTE, "2025-06-05", vote),
        (Step.HIGHER_TALK, "2025-06-20", talk),
        (Step.APPROVAL, "2025-07-10", None),
        (Step.ASSIGNMENT, "2025-07-12", None),
        (Step.ADMISSION_FILING, "2025-07-15", None),
        (Step.OATH, "2025-07-25", None),
        (Step.CONVERSION_APPLICATION, "2026-05-25", None),
        (Step.CONVERSION_VOTE, "2026-06-05", vote),
        (Step.CONVERSION_APPROVAL, "2026-07-01", None),
        (Step.ARCHIVE, "2026-07-05", archive),
    ]
    columns = []
    for step, day, extra in steps:
        # The day of the record: the candidate's publicity ends after the decision.
        view.today = max(d(day), d("2025-04-22")) if step is Step.CANDIDATE else d(day)

        def fill(dialog, day=day, extra=extra):
            dialog.date.setText(day)
            if dialog.vote_calc is not None:
                dialog._load_electorate(dialog.date.date())
            if extra is not None:
                extra(dialog)

        seen = run_dialogs(monkeypatch, sd.StepDialog, fill)
        assert view.record_step(step), f"{step.title}: {seen[-1].errors.text()}"
        columns.append(page.column_of(summary.id))

    final = dev.get(summary.id)
    assert final.standing.label == "正式党员"
    assert final.probation_end == dt.date(2026, 6, 5)  # one year from the admission meeting
    assert final.sponsors[0].name == "张三" and final.training.hours == 24
    assert columns[0] == "applicant"
    assert {"activist", "candidate", "probationary"} <= set(columns)
    # Recorded on time: no warning needed a reason (the checklist is gathered when archiving).
    assert {code for codes in reasons_asked for code in codes} == set()
    assert columns[-1] == "done"
    view.today = TODAY
    view.show_dossier(final)
    assert view.next_step() is None and not view.record_next_button.isEnabled()
    assert not [f for f in view.findings if f.blocking]


def test_a_failed_conversion_vote_on_the_dossier_leads_to_the_extension(
    qtbot, monkeypatch, page, dev, reasons_asked
):
    """The conversion vote fails (2 of 5): the form says 李明 cannot be converted on time and that the
    meeting decides on extension or cancellation by its own vote; the extension is then recorded."""
    from dataclasses import replace

    from branchdesk.domain.development import Approval
    from tests.unit.dev_builders import admitted, complete

    full = complete()
    dossier_id = dev.save(
        replace(admitted(), id=None, talks=full.talks, filings=full.filings, approval=Approval(dt.date(2024, 9, 10)),
                oath_date=dt.date(2024, 9, 30), join_date=dt.date(2024, 8, 1),
                conversion_application_date=dt.date(2025, 7, 20))
    )  # fmt: skip
    page.reload()
    page.open_dossier(dossier_id)
    view = page.dossier_view
    view.today = dt.date(2025, 8, 2)
    before = dev.get(dossier_id)

    def convert(dialog):
        count(5, 2, "2025-08-01")(dialog)
        assert dialog.decision.currentData() == sd.DECISION_CONVERT

    seen = run_dialogs(monkeypatch, sd.StepDialog, convert)
    assert view.record_step(Step.CONVERSION_VOTE) is False
    [dialog] = seen
    told = dialog.vote_outcome.text()
    assert "不能按期转为正式党员" in told and "请在“支部大会决定”中选择延长预备期或取消预备党员资格" in told
    assert (
        "DEV-VOTE-MAJORITY" in dialog.errors.text() and "延长预备期或取消预备党员资格" in dialog.errors.text()
    )
    assert dev.get(dossier_id) == before, "nothing written"

    def extend(dialog):
        count(5, 4, "2025-08-01")(dialog)
        dialog.decision.setCurrentIndex(dialog.decision.findData(sd.DECISION_EXTEND))
        dialog.extension_months.setValue(6)
        dialog.decision_reason.setText("预备期间未能按要求参加组织生活")
        assert dialog.vote_outcome.text() == "表决通过：延长李明的预备期6个月；记入发展档案。"

    run_dialogs(monkeypatch, sd.StepDialog, extend)
    assert view.record_step(Step.CONVERSION_VOTE) is True
    saved = dev.get(dossier_id)
    assert (saved.extension.months, saved.extension.vote.yes, saved.probation_end) == (
        6,
        4,
        dt.date(2026, 2, 1),
    )
