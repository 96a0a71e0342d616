"""The vote calculator as a secretary uses it after the count: quorum and majority on 应到, live."""

from __future__ import annotations

import pytest

from branchdesk.domain.vocab import MemberType
from branchdesk.domain.votes import VoterSnapshot, expected_voters
from branchdesk.ui.widgets.vote_calculator import VoteCalculator


@pytest.fixture
def calc(qtbot):
    widget = VoteCalculator()
    qtbot.addWidget(widget)
    return widget


def sixteen_voters_and_two_who_do_not_vote():
    full = [VoterSnapshot(f"党员{i:02d}", member_id=i) for i in range(1, 17)]
    return expected_voters(
        [
            *full,
            VoterSnapshot("赵敏", MemberType.PROBATIONARY, member_id=90),
            VoterSnapshot("钱军", under_watch=True, member_id=91),
        ]
    )


def enter(calc, *, present, yes, no=0, abstain=0):
    calc.present.setValue(present)
    calc.yes.setValue(yes)
    calc.no.setValue(no)
    calc.abstain.setValue(abstain)


def test_expected_comes_from_the_roster_without_probationary_members_or_those_under_watch(calc):
    calc.set_electorate(sixteen_voters_and_two_who_do_not_vote())
    assert calc.expected.value() == 16
    assert calc.expected.isReadOnly()
    assert "预备党员没有表决权（" in calc.non_voters_label.text() and "赵敏" in calc.non_voters_label.text()
    assert "钱军" in calc.non_voters_label.text()


def test_a_vote_failing_by_one_yes_is_flagged_at_once(calc):
    calc.set_electorate(sixteen_voters_and_two_who_do_not_vote())
    enter(calc, present=12, yes=9, no=3)
    assert calc.tally().quorum_met and calc.tally().majority_met
    assert calc.majority_label.text().startswith("✔ 通过")

    calc.yes.setValue(8)  # exactly half of 16 expected: not more than half
    calc.abstain.setValue(1)
    assert not calc.tally().majority_met
    assert not calc.passed()
    assert calc.majority_label.text().startswith("✘ 未通过")
    assert "至少9票" in calc.majority_label.text()
    assert "✔" in calc.quorum_label.text()  # 12 of 16 present is fine


def test_quorum_fails_at_exactly_half_present_even_if_all_present_vote_yes(calc):
    calc.set_electorate(sixteen_voters_and_two_who_do_not_vote())
    enter(calc, present=8, yes=8)
    assert "到会人数不足" in calc.quorum_label.text()
    assert "至少9人" in calc.quorum_label.text()
    calc.written_yes.setValue(1)  # a written yes from an absent voter lifts the majority, not the quorum
    assert calc.tally().majority_met
    assert not calc.tally().quorum_met
    assert not calc.passed()


def test_leaving_a_voter_out_needs_one_of_the_five_kinds_and_its_approval(calc):
    import datetime as dt

    from branchdesk.domain.votes import Exclusion, ExclusionKind

    calc.set_electorate(sixteen_voters_and_two_who_do_not_vote())
    enter(calc, present=8, yes=8)
    calc.set_counted("党员16", False)
    assert calc.expected.value() == 15  # 8 of 15 is more than half: quorum and majority met
    assert calc.tally().quorum_met and calc.tally().majority_met
    assert any("须选择五种情形之一" in p and "党员16" in p and "出差" in p for p in calc.problems())
    calc.set_counted("党员16", False, Exclusion(ExclusionKind.ABROAD))
    [problem] = calc.problems()
    assert "未记录上级党组织同意的日期" in problem and "未记录支部党员大会的决定" in problem
    approved = Exclusion(
        ExclusionKind.ABROAD, dt.date(2025, 3, 1), "某某学院党委", "2025年3月6日支部党员大会决定"
    )
    calc.set_counted("党员16", False, approved)
    assert calc.problems() == []
    [(voter, exclusion)] = calc.exclusions()
    assert (voter.name, voter.member_id, exclusion) == ("党员16", 16, approved)
    calc.set_counted("党员16", True)
    assert calc.expected.value() == 16 and calc.exclusions() == []


def test_impossible_counts_are_named(calc):
    calc.expected.setValue(10)  # no roster: typed in
    enter(calc, present=11, yes=6)
    assert "实到人数11人多于应到人数10人" in calc.errors_label.text()
    assert not calc.passed()
