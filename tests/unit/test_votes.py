"""Vote arithmetic of a branch general meeting: 应到 is the denominator, exactly half fails."""

import pytest

from branchdesk.domain.vocab import MemberType
from branchdesk.domain.votes import (
    Vote,
    VoterSnapshot,
    count_errors,
    counted_yes,
    expected_voters,
    majority_met,
    minimum_present,
    minimum_yes,
    quorum_met,
    tally,
)


@pytest.mark.parametrize(
    ("expected", "least"),
    [(16, 9), (15, 8), (17, 9), (3, 2), (2, 2), (1, 1), (50, 26)],
)
def test_minimum_present_and_yes_are_strictly_more_than_half(expected, least):
    assert minimum_present(expected) == least
    assert minimum_yes(expected) == least


def test_sixteen_expected_eight_present_is_no_quorum_nine_is():
    assert not quorum_met(Vote(expected=16, present=8, yes=8))
    assert quorum_met(Vote(expected=16, present=9, yes=9))


def test_eight_yes_of_sixteen_fails_even_when_everyone_else_abstains():
    # 14 present, 8 yes, 6 abstain: a majority of those present, but not of 应到.
    vote = Vote(expected=16, present=14, yes=8, no=0, abstain=6)
    assert quorum_met(vote)
    assert not majority_met(vote)


def test_nine_yes_of_sixteen_passes_with_many_abstentions():
    vote = Vote(expected=16, present=16, yes=9, no=0, abstain=7)
    assert majority_met(vote)
    assert tally(vote).passed


def test_majority_is_counted_on_expected_not_present():
    # 10 present of 20 expected would be no quorum anyway; 11 present, 10 yes: 10/11 of those
    # present, but exactly half of 应到 → fails.
    vote = Vote(expected=20, present=11, yes=10, no=1)
    assert quorum_met(vote)
    assert not majority_met(vote)


def test_written_opinions_submitted_before_the_meeting_count_toward_yes():
    vote = Vote(expected=16, present=10, yes=7, no=3, written_yes=2, written_before_meeting=True)
    assert counted_yes(vote) == 9
    assert majority_met(vote)


def test_written_opinions_submitted_after_the_meeting_do_not_count():
    vote = Vote(expected=16, present=10, yes=7, no=3, written_yes=2, written_before_meeting=False)
    assert counted_yes(vote) == 7
    assert not majority_met(vote)
    assert "会后提交，不计入" in tally(vote).summary_zh()


def test_consistent_counts_have_no_errors():
    assert count_errors(Vote(expected=16, present=12, yes=10, no=1, abstain=1, written_yes=4)) == []


@pytest.mark.parametrize(
    ("vote", "fragment"),
    [
        (Vote(expected=16, present=17, yes=10), "实到人数17人多于应到人数16人"),
        (Vote(expected=16, present=10, yes=8, no=2, abstain=1), "合计11票，多于实到人数10人"),
        (Vote(expected=16, present=14, yes=10, written_yes=3), "书面意见3份，多于未到会的有表决权党员2人"),
        (Vote(expected=16, present=10, yes=-1), "赞成票不能为负数"),
        (Vote(expected=0, present=0, yes=0), "应到有表决权的党员人数不能为0"),
    ],
)
def test_impossible_counts_are_reported_in_chinese(vote, fragment):
    errors = count_errors(vote)
    assert any(fragment in e for e in errors), errors
    assert not tally(vote).passed


def test_no_expected_voters_never_passes():
    vote = Vote(expected=0, present=0, yes=0)
    assert not quorum_met(vote)
    assert not majority_met(vote)


def test_tally_summary_tells_the_calculator_story():
    text = tally(Vote(expected=16, present=8, yes=8)).summary_zh()
    assert "至少9人" in text
    assert "不足，不能表决" in text
    assert "至少9票" in text


def test_probationary_member_in_the_room_is_not_a_voter():
    members = [VoterSnapshot(f"正式{i}") for i in range(15)]
    members.append(VoterSnapshot("预备甲", MemberType.PROBATIONARY))
    electorate = expected_voters(members)
    assert electorate.expected == 15
    assert [m.name for m, _ in electorate.non_voters] == ["预备甲"]
    assert "预备党员没有表决权" in electorate.non_voters[0][1]
    # With 16 in the room (the probationary member included), only 15 are voters:
    # 8 yes is a majority of 15, but would not have been of 16.
    assert majority_met(Vote(expected=electorate.expected, present=15, yes=8))
    assert not majority_met(Vote(expected=16, present=16, yes=8))


def test_member_under_watch_and_approved_exclusions_are_left_out_with_their_reason():
    import datetime as dt

    from branchdesk.domain.votes import Exclusion, ExclusionKind

    approved = Exclusion(
        ExclusionKind.ABROAD, dt.date(2025, 3, 1), "某某学院党委", "2025年3月6日支部党员大会决定"
    )
    members = [
        VoterSnapshot("甲"),
        VoterSnapshot("乙", under_watch=True),
        VoterSnapshot("丙", exclusion=approved),
        VoterSnapshot("丁", excluded_reason="出差"),  # a reason alone: an absence, still a voter
        VoterSnapshot("戊", member_type="probationary"),
        VoterSnapshot("己", exclusion=Exclusion(ExclusionKind.ABROAD)),  # no approval: still a voter
        VoterSnapshot("庚", approval_pending=True),  # probation over, conversion not approved yet
    ]
    electorate = expected_voters(members)
    assert [m.name for m in electorate.voters] == ["甲", "丁", "己"]
    reasons = {m.name: why for m, why in electorate.non_voters}
    assert "留党察看" in reasons["乙"]
    assert "出国（境）六个月以上" in reasons["丙"] and "某某学院党委" in reasons["丙"]
    assert "预备党员" in reasons["戊"]
    assert "转正尚未经上级党委批准" in reasons["庚"]


def test_an_exclusion_names_what_is_missing():
    import datetime as dt

    from branchdesk.domain.votes import ExclusionKind, exclusion_of

    assert exclusion_of("", None) is None
    e = exclusion_of("出国（境）六个月以上")  # a label from an import
    assert e.kind is ExclusionKind.ABROAD
    assert e.problems() == [
        "未记录上级党组织同意的日期",
        "未记录同意的上级党组织",
        "未记录支部党员大会的决定",
    ]
    late = exclusion_of("abroad", dt.date(2025, 5, 1), "某党委", "支部党员大会决定")
    assert late.valid_on(dt.date(2025, 5, 1)) and not late.valid_on(dt.date(2025, 4, 30))
    with pytest.raises(ValueError):
        exclusion_of("出差")
