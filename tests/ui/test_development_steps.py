"""Every one of the 25 steps has a form whose values the dossier can take, and the small dialogs work."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.development import Dossier, Outcome, Person, Standing, Step, apply_step
from branchdesk.ui.dialogs import step_dialog as sd

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def dev(ws):
    return ws.development


@pytest.mark.parametrize("step", list(Step), ids=lambda s: s.value)
def test_each_step_form_gives_values_the_dossier_takes(qtbot, ctx, dev, roster, step):
    dossier = Dossier(id=1, person=Person("陈静", dt.date(2000, 3, 15)), application_date=dt.date(2025, 1, 2))
    dialog = sd.StepDialog(ctx, dev, dossier, step, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.date.date() == TODAY  # the date is always asked, today by default
    for name in ("interviewers", "training_start"):
        widget = getattr(dialog, name, None)
        if widget is not None:
            widget.setText("王书记" if name == "interviewers" else "2026-11-20")
    if step is Step.CONTACTS:
        dialog.contact_pickers[0].pick("张三")
    values = dialog.values()
    after = apply_step(dossier, values)
    if step is not Step.PROBATION_EDUCATION:  # ongoing: a thought report has no step date of its own
        assert after.step_date(step) == TODAY or step is Step.CONVERSION_VOTE


def test_sponsors_are_picked_from_the_roster_and_a_probationary_member_is_marked(qtbot, ctx, dev, roster):
    dossier = Dossier(id=1, person=Person("陈静"), application_date=dt.date(2024, 1, 2))
    dialog = sd.StepDialog(ctx, dev, dossier, Step.SPONSORS, today=TODAY)
    qtbot.addWidget(dialog)
    first, second = dialog.sponsor_pickers
    labels = [first.member.itemText(i) for i in range(first.member.count())]
    assert "张三" in labels and "赵敏（预备党员）" in labels
    first.pick("张三")
    second.member.setCurrentIndex(labels.index("赵敏（预备党员）"))
    sponsors = dialog.values()["sponsors"]
    assert [(s.name, s.full_member, s.member_id) for s in sponsors] == [
        ("张三", True, roster["张三"].id),
        ("赵敏", False, roster["赵敏"].id),
    ]


def test_a_probationary_member_typed_without_his_label_is_still_probationary(qtbot, ctx, dev, roster):
    """The "蔡浩然" case: a 预备党员 typed by name alone is not taken for a full member."""
    dossier = Dossier(id=1, person=Person("陈静"), application_date=dt.date(2024, 1, 2))
    dialog = sd.StepDialog(ctx, dev, dossier, Step.SPONSORS, today=TODAY)
    qtbot.addWidget(dialog)
    first, second = dialog.sponsor_pickers
    first.pick("张三")
    second.member.setEditText("赵敏")  # typed, no label
    assert [(s.name, s.full_member) for s in dialog.values()["sponsors"]] == [("张三", True), ("赵敏", False)]


def test_a_name_off_the_roster_needs_the_outside_mark_and_its_standing(qtbot, ctx, dev, roster):
    dossier = Dossier(id=1, person=Person("陈静"), application_date=dt.date(2024, 1, 2))
    dialog = sd.StepDialog(ctx, dev, dossier, Step.SPONSORS, today=TODAY)
    qtbot.addWidget(dialog)
    first, second = dialog.sponsor_pickers
    first.pick("张三")
    second.member.setEditText("孙外援")
    [problem] = [p for check in dialog._extra_problems for p in check()]
    assert "孙外援" in problem and "外支部党员" in problem
    second.outside.setChecked(True)
    second.standing.setCurrentIndex(1)  # 预备党员
    assert [p for check in dialog._extra_problems for p in check()] == []
    sponsors = dialog.values()["sponsors"]
    assert [(s.name, s.full_member, s.outside, s.member_id) for s in sponsors][1] == (
        "孙外援",
        False,
        True,
        None,
    )


def test_closing_a_dossier_as_withdrawn_keeps_it_on_the_last_column(qtbot, ctx, dev):
    from branchdesk.ui.pages.development import ROLE_DETAIL, DevelopmentPage

    created = dev.create(Person("许诺", dt.date(2003, 1, 1)), dt.date(2026, 3, 1))
    dialog = sd.CloseDossierDialog(dev, created, today=TODAY)
    qtbot.addWidget(dialog)
    assert dialog.save() is False  # a reason is required
    assert "具体原因" in dialog.errors.text()
    dialog.outcome.setCurrentIndex(dialog.outcome.findText(Outcome.WITHDRAWN.label))
    dialog.reason.setText("本人书面申请撤回")
    assert dialog.save() is True
    assert dev.get(created.id).standing is Standing.CLOSED
    page = DevelopmentPage(ctx, dev, today=TODAY)
    qtbot.addWidget(page)
    page.reload()
    assert page.column_of(created.id) == "done"
    assert "本人撤回申请" in page.column("done").list.item(0).data(ROLE_DETAIL)


def test_the_filter_finds_people_by_pinyin_initials(qtbot, ctx, dev):
    from branchdesk.ui.pages.development import DevelopmentPage

    for name in ("陈静", "林浩然", "欧阳娜"):
        dev.create(Person(name), dt.date(2026, 10, 8))
    page = DevelopmentPage(ctx, dev, today=TODAY)
    qtbot.addWidget(page)
    page.reload()
    page.search.setText("lhr")
    page.search.flush()
    assert page.column("applicant").names() == ["林浩然"]
    page.search.setText("欧阳")
    page.search.flush()
    assert page.column("applicant").names() == ["欧阳娜"]
    assert page.count_label.text() == "显示 1 / 共 3 份档案"


def test_the_timeline_says_when_a_step_becomes_possible(qtbot, ctx, dev):
    from branchdesk.domain.development import DecisionBody, Recommendation
    from branchdesk.ui.pages.dossier import COL_NOTE, COL_STATE, DossierView

    created = dev.create(Person("陈静", dt.date(2000, 3, 15)), dt.date(2026, 3, 2))
    values = {
        "activist_date": dt.date(2026, 6, 2),
        "activist_recommendation": Recommendation.MEMBERS,
        "activist_decided_by": DecisionBody.COMMITTEE,
    }
    dev.record(created.id, Step.ACTIVIST, values, as_of=dt.date(2026, 6, 2), reasons={"DEV-TALK-1M": "补录"})
    view = DossierView(ctx, dev, today=TODAY)
    qtbot.addWidget(view)
    view.show_dossier(dev.get(created.id))
    view.select_step(Step.CANDIDATE)
    row = view.timeline.currentItem()
    assert row.text(COL_STATE) == "暂不能办理"  # one year as activist is not over yet
    assert "2027年6月2日起可办理" in row.text(COL_NOTE)
