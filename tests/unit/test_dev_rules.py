"""Every DEV-* rule of domain.md with its boundary cases, told as small stories about 李明's dossier."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Period,
    Person,
    PoliticalReview,
    PreReview,
    Sponsor,
    Step,
    Talk,
    TalkKind,
    Training,
)
from branchdesk.domain.rules import RuleSettings, Severity, audit
from branchdesk.domain.votes import Vote
from tests.unit.dev_builders import TODAY, admitted, applicant, candidate_stage, codes, complete, ctx

BLOCKING, WARNING = Severity.BLOCKING, Severity.WARNING


def found(dossier, code, as_of=TODAY, **ctx_kwargs):
    return [f for f in audit(dossier, ctx(as_of, **ctx_kwargs)) if f.code == code]


def one(dossier, code, as_of=TODAY, **ctx_kwargs):
    hits = found(dossier, code, as_of, **ctx_kwargs)
    assert len(hits) == 1, [f.message_zh for f in hits]
    return hits[0]


def test_the_complete_story_has_no_findings():
    assert audit(complete(), ctx()) == []


# --------------------------------------------------------------------------- DEV-AGE


def test_applicant_one_day_short_of_eighteen_is_refused_and_told_when_to_reapply():
    d = applicant(application=date(2025, 1, 14), birth=date(2007, 1, 15))
    f = one(d, "DEV-AGE")
    assert f.severity is BLOCKING
    assert f.step is Step.APPLICATION
    assert "未满18周岁" in f.message_zh
    assert "2025年1月15日年满18周岁" in f.message_zh
    assert "重新递交" in f.message_zh
    assert f.dates == {
        "application": date(2025, 1, 14),
        "birth": date(2007, 1, 15),
        "eighteenth_birthday": date(2025, 1, 15),
    }


def test_application_on_the_eighteenth_birthday_is_valid():
    assert found(applicant(application=date(2025, 1, 15), birth=date(2007, 1, 15)), "DEV-AGE") == []


def test_born_on_29_february_turns_eighteen_on_1_march_in_a_common_year():
    born = date(2008, 2, 29)
    late = one(applicant(application=date(2026, 2, 28), birth=born), "DEV-AGE")
    assert "2026年3月1日年满18周岁" in late.message_zh
    assert found(applicant(application=date(2026, 3, 1), birth=born), "DEV-AGE") == []


def test_age_is_read_from_the_id_number_when_no_birth_date_is_recorded():
    number = make_citizen_id("110101", date(2008, 6, 1), 7, "男")
    d = replace(applicant(application=date(2026, 5, 31)), person=Person("李明", None, number))
    assert one(d, "DEV-AGE").severity is BLOCKING
    d = replace(d, application_date=date(2026, 6, 1))
    assert found(d, "DEV-AGE") == []


def test_unknown_age_is_a_warning_asking_for_the_birth_date():
    d = replace(applicant(), person=Person("李明"))
    f = one(d, "DEV-AGE")
    assert f.severity is WARNING
    assert "请补录出生日期" in f.message_zh


# --------------------------------------------------------------------------- DEV-TALK-1M


@pytest.mark.parametrize(
    ("application", "talk", "late"),
    [
        (date(2025, 1, 31), date(2025, 2, 28), False),
        (date(2025, 1, 31), date(2025, 3, 1), True),
        (date(2024, 1, 31), date(2024, 2, 29), False),
        (date(2024, 1, 31), date(2024, 3, 1), True),
        (date(2025, 3, 15), date(2025, 4, 15), False),
        (date(2025, 3, 15), date(2025, 4, 16), True),
    ],
)
def test_talk_within_one_calendar_month_of_the_application(application, talk, late):
    d = replace(applicant(application), talks=(Talk(TalkKind.FIRST, talk),))
    hits = found(d, "DEV-TALK-1M", as_of=date(2025, 12, 31))
    assert bool(hits) is late
    if late:
        assert hits[0].severity is WARNING
        assert not hits[0].overdue
        assert hits[0].dates["first_talk"] == talk
        assert "晚了1天" in hits[0].message_zh


def test_talk_not_held_becomes_overdue_the_day_after_the_deadline():
    d = applicant(date(2025, 1, 31))
    assert found(d, "DEV-TALK-1M", as_of=date(2025, 2, 28)) == []
    f = one(d, "DEV-TALK-1M", as_of=date(2025, 3, 1))
    assert f.overdue
    assert "已逾期" in f.message_zh
    assert "2025年2月28日前" in f.message_zh


def test_a_later_activist_talk_is_not_the_first_talk():
    d = replace(applicant(date(2025, 1, 31)), talks=(Talk(TalkKind.ACTIVIST, date(2025, 2, 10)),))
    assert one(d, "DEV-TALK-1M", as_of=date(2025, 3, 1)).overdue


def test_activist_determined_without_any_talk_is_flagged():
    d = replace(complete(), talks=complete().talks[1:])
    f = one(d, "DEV-TALK-1M")
    assert "未记录党组织派人同入党申请人谈话" in f.message_zh


# --------------------------------------------------------------------------- DEV-ACTIVIST-REC


def test_activist_without_a_recommendation_is_blocking():
    f = one(replace(complete(), activist_recommendation=None), "DEV-ACTIVIST-REC")
    assert f.severity is BLOCKING
    assert "党员推荐或群团组织推优" in f.message_zh


def test_branch_without_committee_decides_activists_in_the_general_meeting():
    d = complete()
    f = one(d, "DEV-ACTIVIST-REC", has_committee=False)
    assert f.severity is WARNING
    assert "支部党员大会" in f.message_zh
    ok = replace(d, activist_decided_by=DecisionBody.GENERAL_MEETING)
    assert found(ok, "DEV-ACTIVIST-REC", has_committee=False) == []


def test_local_minimum_application_age_before_activist_is_off_by_default():
    d = replace(complete(), activist_date=date(2023, 5, 31))  # 3 months less a day after application
    assert found(d, "DEV-ACTIVIST-REC") == []
    local = RuleSettings(activist_min_application_months=3)
    f = one(d, "DEV-ACTIVIST-REC", settings=local)
    assert f.severity is WARNING
    assert "2023年6月1日" in f.message_zh
    assert found(complete(), "DEV-ACTIVIST-REC", settings=local) == []


# --------------------------------------------------------------------------- DEV-FILING


def test_missing_filings_are_warned_once_the_next_stage_is_reached():
    d = replace(complete(), filings=())
    hits = found(d, "DEV-FILING")
    assert {f.step for f in hits} == {Step.ACTIVIST_FILING, Step.CANDIDATE_FILING, Step.ADMISSION_FILING}
    assert all(f.severity is WARNING for f in hits)


def test_no_filing_warning_while_still_an_activist():
    d = replace(candidate_stage(), candidate_date=None, publicity=None, filings=())
    assert found(d, "DEV-FILING", as_of=date(2023, 7, 1)) == []


# --------------------------------------------------------------------------- DEV-CONTACTS


def test_three_contact_persons_are_too_many():
    d = replace(complete(), contacts=(*complete().contacts, ContactPerson("陈强")))
    f = one(d, "DEV-CONTACTS")
    assert f.severity is BLOCKING
    assert "一至两名" in f.message_zh


def test_a_probationary_member_cannot_be_contact_person():
    d = replace(complete(), contacts=(ContactPerson("周敏", full_member=False),))
    assert "周敏" in one(d, "DEV-CONTACTS").message_zh


def test_one_contact_person_is_enough():
    assert found(replace(complete(), contacts=complete().contacts[:1]), "DEV-CONTACTS") == []


def test_candidate_without_contact_persons_is_a_warning():
    assert one(replace(complete(), contacts=()), "DEV-CONTACTS").severity is WARNING


# --------------------------------------------------------------------------- DEV-ASSESS-6M


def _activist_only(activist=date(2023, 6, 1), assessments=()):
    d = replace(
        applicant(date(2023, 3, 1)),
        talks=(Talk(TalkKind.FIRST, date(2023, 3, 20)),),
        activist_date=activist,
        activist_recommendation=complete().activist_recommendation,
        assessments=tuple(Assessment(a) for a in assessments),
    )
    return d


def test_assessment_exactly_six_months_later_is_on_time_one_day_more_is_a_gap():
    on_time = _activist_only(assessments=[date(2023, 12, 1)])
    assert found(on_time, "DEV-ASSESS-6M", as_of=date(2024, 6, 1)) == []
    late = _activist_only(assessments=[date(2023, 12, 2)])
    f = one(late, "DEV-ASSESS-6M", as_of=date(2024, 6, 1))
    assert not f.overdue
    assert f.dates["assessment_due"] == date(2023, 12, 1)
    assert f.dates["assessment"] == date(2023, 12, 2)


def test_half_yearly_assessment_overdue_while_still_an_activist():
    d = _activist_only(assessments=[date(2023, 12, 1)])
    assert found(d, "DEV-ASSESS-6M", as_of=date(2024, 6, 1)) == []
    f = one(d, "DEV-ASSESS-6M", as_of=date(2024, 6, 2))
    assert f.overdue
    assert f.dates["previous_assessment"] == date(2023, 12, 1)


def test_gap_before_the_candidate_date_is_found_in_history():
    d = replace(complete(), assessments=(Assessment(date(2023, 12, 1)),))
    f = one(d, "DEV-ASSESS-6M")
    assert f.dates["assessment_due"] == date(2024, 6, 1)
    assert f.dates["candidate"] == date(2024, 6, 3)


# --------------------------------------------------------------------------- DEV-ACTIVIST-1Y


@pytest.mark.parametrize(
    ("activist", "candidate", "too_early"),
    [
        (date(2025, 3, 1), date(2026, 2, 28), True),  # 364 days
        (date(2025, 3, 1), date(2026, 3, 1), False),  # 365 days
        (date(2023, 3, 1), date(2024, 2, 29), True),  # 365 days, but not a full calendar year (leap)
        (date(2023, 3, 1), date(2024, 3, 1), False),  # 366 days
        (date(2024, 2, 29), date(2025, 2, 27), True),
        (date(2024, 2, 29), date(2025, 2, 28), False),  # 29 Feb + 1 year = 28 Feb
    ],
)
def test_candidate_only_after_a_full_year_as_activist(activist, candidate, too_early):
    d = replace(complete(), activist_date=activist, candidate_date=candidate)
    hits = found(d, "DEV-ACTIVIST-1Y")
    assert bool(hits) is too_early
    if too_early:
        assert hits[0].severity is BLOCKING
        assert hits[0].dates["earliest_candidate"] > candidate


def test_candidate_without_activist_date_is_blocking():
    f = one(replace(complete(), activist_date=None), "DEV-ACTIVIST-1Y")
    assert "未记录确定为入党积极分子的日期" in f.message_zh


# --------------------------------------------------------------------------- DEV-PUBLICITY


def test_publicity_over_the_dragon_boat_holiday_counts_five_working_days():
    # 2024-06-04 (Tue) to 06-11 (Tue): 4, 5, 6, 7 and 11 — 10 June is the Dragon Boat holiday.
    assert found(complete(), "DEV-PUBLICITY") == []
    short = replace(complete(), publicity=Period(date(2024, 6, 4), date(2024, 6, 10)))
    f = one(short, "DEV-PUBLICITY")
    assert f.severity is WARNING
    assert "只有4个工作日" in f.message_zh


def test_publicity_across_national_day_counts_the_make_up_saturday():
    # 2025: 1–8 October are holidays, Saturday 11 October is a make-up working day.
    base = candidate_stage(activist=date(2024, 9, 1), candidate=date(2025, 9, 28))
    three = replace(base, publicity=Period(date(2025, 9, 29), date(2025, 10, 9)))
    assert "只有3个工作日" in one(three, "DEV-PUBLICITY", as_of=date(2025, 10, 20)).message_zh
    five = replace(base, publicity=Period(date(2025, 9, 29), date(2025, 10, 11)))
    assert found(five, "DEV-PUBLICITY", as_of=date(2025, 10, 20)) == []


def test_publicity_is_local_practice_and_a_setting():
    missing = replace(complete(), publicity=None)
    assert one(missing, "DEV-PUBLICITY").severity is WARNING
    assert found(missing, "DEV-PUBLICITY", settings=RuleSettings(publicity_working_days=0)) == []
    assert one(complete(), "DEV-PUBLICITY", settings=RuleSettings(publicity_working_days=7))


def test_publicity_must_end_before_the_pre_review():
    d = replace(complete(), publicity=Period(date(2024, 7, 15), date(2024, 7, 22)))
    f = one(d, "DEV-PUBLICITY")
    assert "尚未结束" in f.message_zh


# --------------------------------------------------------------------------- DEV-SPONSORS


@pytest.mark.parametrize(
    ("sponsors", "fragment"),
    [
        ((Sponsor("张华"),), "现记录了1名"),
        ((Sponsor("张华"), Sponsor("周敏", full_member=False)), "周敏不是正式党员"),
        ((Sponsor("张华"), Sponsor("吴刚", under_watch=True)), "吴刚正在受留党察看处分"),
        ((), "未确定入党介绍人"),
    ],
)
def test_two_full_members_not_under_watch_sponsor_the_candidate(sponsors, fragment):
    f = one(replace(complete(), sponsors=sponsors), "DEV-SPONSORS")
    assert f.severity is BLOCKING
    assert fragment in f.message_zh


# --------------------------------------------------------------------------- DEV-POLREVIEW


def test_no_political_review_blocks_the_meeting():
    f = one(replace(complete(), political_review=None), "DEV-POLREVIEW")
    assert f.severity is BLOCKING
    assert f.dates == {"admission_meeting": date(2024, 8, 1)}


def test_failed_political_review_blocks_the_meeting():
    d = replace(complete(), political_review=PoliticalReview(date(2024, 7, 1), passed=False))
    assert one(d, "DEV-POLREVIEW").severity is BLOCKING


def test_failed_political_review_before_any_meeting_is_a_warning():
    d = replace(candidate_stage(), political_review=PoliticalReview(date(2024, 7, 1), passed=False))
    assert one(d, "DEV-POLREVIEW", as_of=date(2024, 7, 30)).severity is WARNING


def test_political_review_older_than_a_year_is_stale_by_local_practice():
    d = replace(complete(), political_review=PoliticalReview(date(2023, 7, 31)))
    f = one(d, "DEV-POLREVIEW")
    assert f.severity is WARNING
    assert f.dates["political_review_expiry"] == date(2024, 7, 31)
    assert found(replace(d, political_review=PoliticalReview(date(2023, 8, 1))), "DEV-POLREVIEW") == []
    assert found(d, "DEV-POLREVIEW", settings=RuleSettings(political_review_valid_months=0)) == []


# --------------------------------------------------------------------------- DEV-TRAINING


@pytest.mark.parametrize(
    ("days", "hours", "enough"),
    [(3, 0, True), (2, 24, True), (2, 23, False), (None, None, True), (1, None, False)],
)
def test_training_of_three_days_or_twenty_four_hours(days, hours, enough):
    # days=None counts the calendar days from start to end: 8–10 July = 3 days.
    t = Training(date(2024, 7, 8), date(2024, 7, 10), days=days, hours=hours)
    hits = found(replace(complete(), training=t), "DEV-TRAINING")
    assert (not hits) is enough


def test_training_threshold_is_a_setting():
    forty = RuleSettings(training_min_hours=40, training_min_days=5)
    f = one(complete(), "DEV-TRAINING", settings=forty)
    assert "不足5天且不足40学时" in f.message_zh


def test_training_must_end_before_the_meeting_and_exist():
    late = Training(date(2024, 7, 30), date(2024, 8, 2), hours=24)
    assert "晚于支部大会" in one(replace(complete(), training=late), "DEV-TRAINING").message_zh
    assert one(replace(complete(), training=None), "DEV-TRAINING").severity is BLOCKING


# --------------------------------------------------------------------------- DEV-PREREVIEW


def test_meeting_without_or_after_a_failed_pre_review_is_blocked():
    assert one(replace(complete(), pre_review=None), "DEV-PREREVIEW").severity is BLOCKING
    failed = replace(complete(), pre_review=PreReview(date(2024, 7, 20), passed=False))
    assert "预审未通过" in one(failed, "DEV-PREREVIEW").message_zh


def test_meeting_more_than_a_month_after_pre_review_is_a_local_warning():
    d = replace(complete(), pre_review=PreReview(date(2024, 6, 30)), committee_review_date=date(2024, 6, 20))
    d = replace(
        d, volunteer_form_date=date(2024, 7, 1), publicity=Period(date(2024, 6, 4), date(2024, 6, 11))
    )
    f = one(d, "DEV-PREREVIEW")
    assert f.severity is WARNING
    assert "超过1个月" in f.message_zh
    ok = replace(d, pre_review=PreReview(date(2024, 7, 1)), volunteer_form_date=date(2024, 7, 2))
    assert found(ok, "DEV-PREREVIEW") == []


def test_volunteer_form_number_and_committee_review_are_expected():
    hits = found(replace(complete(), volunteer_form_number="", committee_review_date=None), "DEV-PREREVIEW")
    assert {f.step for f in hits} == {Step.VOLUNTEER_FORM, Step.COMMITTEE_REVIEW}
    assert all(f.severity is WARNING for f in hits)
    no_committee = found(
        replace(complete(), committee_review_date=None), "DEV-PREREVIEW", has_committee=False
    )
    assert no_committee == []


# --------------------------------------------------------------------------- DEV-VOTE-*


def test_admission_vote_with_exactly_half_present_has_no_quorum():
    d = replace(complete(), admission_vote=Vote(expected=16, present=8, yes=8))
    f = one(d, "DEV-VOTE-QUORUM")
    assert f.severity is BLOCKING
    assert f.step is Step.ADMISSION_VOTE
    assert "实到8人" in f.message_zh
    assert "至少需9人" in f.message_zh
    assert found(replace(complete(), admission_vote=Vote(16, 9, 9)), "DEV-VOTE-QUORUM") == []


def test_admission_vote_with_exactly_half_yes_fails_majority():
    d = replace(complete(), admission_vote=Vote(expected=16, present=15, yes=8, abstain=7))
    f = one(d, "DEV-VOTE-MAJORITY")
    assert "赞成8票" in f.message_zh
    assert "至少需9票" in f.message_zh
    assert "以应到人数而非实到人数计算" in f.message_zh
    assert "未被接收" in f.message_zh
    assert found(replace(d, admission_vote=Vote(16, 15, 9, abstain=6)), "DEV-VOTE-MAJORITY") == []


def test_written_yes_handed_in_after_the_meeting_does_not_rescue_the_vote():
    before = Vote(expected=16, present=10, yes=7, no=3, written_yes=2)
    assert found(replace(complete(), admission_vote=before), "DEV-VOTE-MAJORITY") == []
    after = replace(before, written_before_meeting=False)
    f = one(replace(complete(), admission_vote=after), "DEV-VOTE-MAJORITY")
    assert "会后提交，不能计入" in f.message_zh


def test_inconsistent_counts_are_blocking_and_missing_counts_a_warning():
    bad = replace(complete(), admission_vote=Vote(expected=16, present=17, yes=12))
    assert "多于应到人数" in one(bad, "DEV-VOTE-COUNTS").message_zh
    missing = one(replace(complete(), admission_vote=None), "DEV-VOTE-COUNTS")
    assert missing.severity is WARNING


def test_conversion_extension_and_cancellation_votes_follow_the_same_rules():
    conv = replace(complete(), conversion_vote=Vote(expected=17, present=17, yes=8, no=9))
    f = one(conv, "DEV-VOTE-MAJORITY")
    assert f.step is Step.CONVERSION_VOTE
    assert "预备党员转正" in f.message_zh
    ext = replace(complete(), extensions=(Extension(date(2025, 8, 1), 6, Vote(17, 8, 8)),))
    ext = replace(ext, conversion_meeting_date=date(2026, 2, 1), full_member_date=date(2026, 2, 1))
    ext = replace(ext, conversion_approval=Approval(date(2026, 3, 1)), archive_date=date(2026, 3, 2))
    assert "延长预备期" in one(ext, "DEV-VOTE-QUORUM").message_zh
    cancelled = replace(
        admitted(),
        approval=Approval(date(2024, 9, 10)),
        talks=complete().talks,
        outcome=Outcome.CANCELLED,
        outcome_date=date(2025, 8, 5),
        outcome_vote=Vote(expected=17, present=12, yes=6),
    )
    assert "取消预备党员资格" in one(cancelled, "DEV-VOTE-MAJORITY").message_zh


# --------------------------------------------------------------------------- DEV-HIGHER-TALK


def test_approval_without_a_higher_committee_talk_is_blocking():
    d = replace(complete(), talks=complete().talks[:1])
    f = one(d, "DEV-HIGHER-TALK")
    assert f.severity is BLOCKING
    assert f.dates == {"approval": date(2024, 9, 10)}


# --------------------------------------------------------------------------- DEV-APPROVAL-3M


@pytest.mark.parametrize(
    ("approved", "reason", "severity"),
    [
        (date(2024, 11, 1), "", None),  # exactly 3 months
        (date(2024, 11, 2), "", WARNING),  # 3 months + 1 day, no reason
        (date(2024, 11, 2), "党委会议推迟", None),  # with a recorded reason
        (date(2025, 2, 1), "", WARNING),  # exactly 6 months, still needs the reason
        (date(2025, 2, 1), "党委换届", None),
        (date(2025, 2, 2), "党委换届", BLOCKING),  # beyond 6 months: redo, whatever the reason
    ],
)
def test_admission_approved_within_three_months_at_most_six(approved, reason, severity):
    d = replace(complete(), approval=Approval(approved, reason), oath_date=approved)
    d = replace(d, filings=(*d.filings[:2], Filing(FilingKind.ADMISSION, approved)))
    hits = found(d, "DEV-APPROVAL-3M")
    assert [f.severity for f in hits] == ([severity] if severity else [])
    if severity is BLOCKING:
        assert "重新履行程序" in hits[0].message_zh


def test_approval_waiting_too_long_is_overdue_then_lapses():
    d = admitted(date(2024, 8, 1))
    assert found(d, "DEV-APPROVAL-3M", as_of=date(2024, 11, 1)) == []
    waiting = one(d, "DEV-APPROVAL-3M", as_of=date(2024, 11, 2))
    assert (waiting.severity, waiting.overdue) == (WARNING, True)
    assert one(d, "DEV-APPROVAL-3M", as_of=date(2025, 2, 1)).severity is WARNING
    lapsed = one(d, "DEV-APPROVAL-3M", as_of=date(2025, 2, 2))
    assert (lapsed.severity, lapsed.overdue) == (BLOCKING, True)


def test_approval_deadline_clamps_to_month_end():
    d = admitted(date(2024, 11, 30))
    d = replace(d, pre_review=PreReview(date(2024, 11, 20)), volunteer_form_date=date(2024, 11, 25))
    assert found(d, "DEV-APPROVAL-3M", as_of=date(2025, 2, 28)) == []
    assert one(d, "DEV-APPROVAL-3M", as_of=date(2025, 3, 1)).dates["approval_due"] == date(2025, 2, 28)


def test_conversion_approval_has_the_same_deadline():
    d = replace(complete(), conversion_approval=Approval(date(2025, 11, 2)), archive_date=date(2025, 11, 3))
    f = one(d, "DEV-APPROVAL-3M")
    assert f.step is Step.CONVERSION_APPROVAL
    assert f.severity is WARNING


# --------------------------------------------------------------------------- DEV-OATH


def test_oath_within_a_month_of_approval_is_local_practice():
    assert found(replace(complete(), oath_date=date(2024, 10, 10)), "DEV-OATH") == []
    late = one(replace(complete(), oath_date=date(2024, 10, 11)), "DEV-OATH")
    assert late.severity is WARNING
    off = RuleSettings(oath_within_months=0)
    assert found(replace(complete(), oath_date=date(2024, 10, 11)), "DEV-OATH", settings=off) == []


def test_oath_overdue():
    d = replace(complete(), oath_date=None)
    assert one(d, "DEV-OATH").overdue


# --------------------------------------------------------------------------- DEV-PROBATION-START


def test_join_date_must_be_the_meeting_not_the_approval():
    d = replace(complete(), join_date=date(2024, 9, 10))
    f = one(d, "DEV-PROBATION-START")
    assert f.severity is BLOCKING
    assert "是上级党委审批的日期" in f.message_zh
    assert "入党日期应为2024年8月1日" in f.message_zh


# --------------------------------------------------------------------------- DEV-EXTENSION


def _extended(months, decided=date(2025, 8, 1)):
    d = replace(complete(), extensions=(Extension(decided, months, Vote(17, 15, 14)),))
    from branchdesk.domain.dates import add_months

    end = add_months(date(2025, 8, 1), months)
    return replace(
        d,
        conversion_meeting_date=end,
        full_member_date=end,
        conversion_approval=Approval(end),
        archive_date=end,
    )


@pytest.mark.parametrize(("months", "ok"), [(5, False), (6, True), (12, True), (13, False)])
def test_extension_of_six_to_twelve_months(months, ok):
    hits = found(_extended(months), "DEV-EXTENSION")
    assert (not hits) is ok
    if not ok:
        assert hits[0].severity is BLOCKING
        assert f"延长预备期{months}个月" in hits[0].message_zh


def test_probation_is_extended_only_once():
    d = _extended(6)
    d = replace(d, extensions=(*d.extensions, Extension(date(2026, 2, 1), 6, Vote(17, 15, 14))))
    f = one(d, "DEV-EXTENSION")
    assert "只能延长一次" in f.message_zh


def test_extension_decided_before_probation_ends_is_a_warning():
    f = one(_extended(6, decided=date(2025, 7, 1)), "DEV-EXTENSION")
    assert f.severity is WARNING


# --------------------------------------------------------------------------- DEV-CONVERSION-DUE / -EARLY


def test_conversion_due_the_day_probation_ends():
    d = replace(admitted(), approval=Approval(date(2024, 9, 10)), talks=complete().talks)
    d = replace(d, oath_date=date(2024, 9, 30), filings=complete().filings)
    assert found(d, "DEV-CONVERSION-DUE", as_of=date(2025, 8, 1)) == []
    f = one(d, "DEV-CONVERSION-DUE", as_of=date(2025, 8, 2))
    assert f.overdue
    assert f.dates["probation_end"] == date(2025, 8, 1)
    extended = replace(d, extensions=(Extension(date(2025, 8, 1), 6, Vote(17, 15, 14)),))
    assert found(extended, "DEV-CONVERSION-DUE", as_of=date(2026, 2, 1)) == []
    assert "含延长预备期6个月" in one(extended, "DEV-CONVERSION-DUE", as_of=date(2026, 2, 2)).message_zh


def test_conversion_meeting_without_written_application():
    f = one(replace(complete(), conversion_application_date=None), "DEV-CONVERSION-DUE")
    assert f.step is Step.CONVERSION_APPLICATION


def test_conversion_before_probation_ends_is_blocking():
    d = replace(complete(), conversion_meeting_date=date(2025, 7, 31))
    f = one(d, "DEV-CONVERSION-EARLY")
    assert f.severity is BLOCKING
    assert f.dates["probation_end"] == date(2025, 8, 1)


def test_conversion_meeting_of_the_original_year_is_early_after_an_extension():
    d = replace(_extended(6), conversion_meeting_date=date(2025, 8, 1))
    assert one(d, "DEV-CONVERSION-EARLY").dates["probation_end"] == date(2026, 2, 1)


# --------------------------------------------------------------------------- DEV-PARTY-AGE


def test_full_member_date_is_the_end_of_probation_not_the_approval():
    d = replace(complete(), full_member_date=date(2025, 9, 1))
    f = one(d, "DEV-PARTY-AGE")
    assert "应为2025年8月1日" in f.message_zh
    assert complete().party_age_start == date(2025, 8, 1)
    assert complete().party_age_on(date(2026, 7, 31)) == 0
    assert complete().party_age_on(date(2026, 8, 1)) == 1


def test_party_age_counts_from_the_end_of_the_extension():
    d = _extended(6)
    assert d.probation_end == date(2026, 2, 1)
    assert d.party_age_start == date(2026, 2, 1)
    wrong = replace(d, full_member_date=date(2025, 8, 1))
    f = one(wrong, "DEV-PARTY-AGE")
    assert "含延长预备期6个月" in f.message_zh
    assert f.dates["probation_end"] == date(2026, 2, 1)


def test_party_age_for_an_admission_on_29_february():
    d = replace(complete(), admission_meeting_date=date(2024, 2, 29))
    assert d.probation_end == date(2025, 2, 28)


# --------------------------------------------------------------------------- DEV-ARCHIVE


def test_archive_checklist_incomplete_after_conversion():
    d = replace(complete(), checklist=frozenset(DossierItem) - {DossierItem.VOLUNTEER_FORM})
    f = one(d, "DEV-ARCHIVE")
    assert "缺少：入党志愿书" in f.message_zh
    assert f.severity is WARNING


def test_checklist_is_not_due_while_the_materials_are_being_gathered():
    approved = complete().conversion_approval.date
    d = replace(complete(), checklist=frozenset(), archive_date=None)
    assert found(d, "DEV-ARCHIVE", as_of=approved + timedelta(days=3)) == []
    late = [f.message_zh for f in found(d, "DEV-ARCHIVE", as_of=approved + timedelta(days=8))]
    assert any("缺少" in m for m in late) and any("已逾期" in m for m in late)


def test_archive_within_a_week_of_conversion_approval():
    assert one(replace(complete(), archive_date=date(2025, 9, 9)), "DEV-ARCHIVE")
    assert found(replace(complete(), archive_date=date(2025, 9, 8)), "DEV-ARCHIVE") == []
    assert one(replace(complete(), archive_date=None), "DEV-ARCHIVE").overdue


# --------------------------------------------------------------------------- DEV-ORDER


def test_one_date_out_of_order_gives_one_finding_naming_both_dates():
    d = replace(complete(), talks=(Talk(TalkKind.FIRST, date(2023, 2, 20)), complete().talks[1]))
    f = one(d, "DEV-ORDER")
    assert f.severity is BLOCKING
    assert f.step is Step.FIRST_TALK
    assert f.dates == {"application": date(2023, 3, 1), "first_talk": date(2023, 2, 20)}
    assert "2023年2月20日" in f.message_zh and "2023年3月1日" in f.message_zh
    assert "时序倒挂" in f.message_zh


def test_a_date_typed_too_late_is_reported_against_its_successor_once():
    # The candidate date typed as 2024-09-03 instead of 2024-06-03: after the pre-review.
    d = replace(complete(), candidate_date=date(2024, 9, 3))
    hits = [f for f in found(d, "DEV-ORDER") if "pre_review" in f.dates]
    assert len(hits) == 1
    assert hits[0].dates == {"candidate": date(2024, 9, 3), "pre_review": date(2024, 7, 20)}


def test_approval_before_the_meeting_is_out_of_order():
    d = replace(complete(), approval=Approval(date(2024, 7, 30)))
    assert any(f.dates.get("approval") == date(2024, 7, 30) for f in found(d, "DEV-ORDER"))


def test_missing_prerequisite_steps():
    d = replace(complete(), application_date=None)
    assert any("须先递交入党申请书" in f.message_zh for f in found(d, "DEV-ORDER"))
    d = replace(complete(), candidate_date=None)
    assert any("须先确定为发展对象" in f.message_zh for f in found(d, "DEV-ORDER"))


def test_dates_in_the_future_are_refused():
    f = one(complete(), "DEV-ORDER", as_of=date(2025, 9, 4))
    assert "2025年9月5日" in f.message_zh
    assert f.step is Step.ARCHIVE


def test_nothing_may_be_recorded_after_a_withdrawal():
    d = replace(admitted(), outcome=Outcome.WITHDRAWN, outcome_date=date(2024, 5, 1))
    assert any("已于2024年5月1日终止" in f.message_zh for f in found(d, "DEV-ORDER"))


def test_closed_dossier_has_no_overdue_findings():
    d = replace(applicant(date(2025, 1, 31)), outcome=Outcome.WITHDRAWN, outcome_date=date(2025, 2, 10))
    assert audit(d, ctx()) == []


# --------------------------------------------------------------------------- §7 extras


def test_rejected_candidate_is_not_presented_again_within_six_months():
    d = replace(complete(), rejected_on=date(2024, 2, 1))
    assert found(d, "DEV-RESUBMIT") == []  # 2024-08-01 is exactly six months later
    sooner = replace(d, rejected_on=date(2024, 2, 2))
    f = one(sooner, "DEV-RESUBMIT")
    assert f.severity is WARNING
    assert "2024年8月2日以后" in f.message_zh


# --------------------------------------------------------------------------- a failed admission vote


def _before_the_meeting():
    """李明 ready for the admission meeting of 1 August 2024 (pre-review passed, form filled in)."""
    return replace(admitted(), admission_meeting_date=None, admission_vote=None)


def test_a_valid_vote_short_of_a_majority_is_recorded_as_not_accepted():
    from branchdesk.domain.development import Standing, admission_vote_values
    from branchdesk.domain.rules import check_step, next_steps

    d = _before_the_meeting()
    meeting = date(2024, 8, 1)
    values = admission_vote_values(meeting, Vote(16, 12, 8, 3, 1))  # 8 of 16: exactly half fails
    assert values == {"rejected_on": meeting, "rejection_vote": Vote(16, 12, 8, 3, 1)}
    assert check_step(d, Step.ADMISSION_VOTE, values, ctx(meeting)) == []  # nothing to refuse or explain
    after = replace(d, **values)
    assert after.standing is Standing.CANDIDATE and after.admission_meeting_date is None
    assert audit(after, ctx(date(2024, 8, 2))) == audit(d, ctx(date(2024, 8, 2))) == []
    # the next steps say when the candidate may be put to the general meeting again
    [again] = [i for i in next_steps(after, ctx(date(2024, 8, 2))) if i.code == "DEV-RESUBMIT"]
    assert again.step is Step.ADMISSION_VOTE and again.due == date(2025, 2, 1)
    assert "上次支部大会未通过接收" in again.text and "仍为发展对象" in again.text
    # the pre-review's "meeting within a month" is no longer due: the meeting was held
    assert not any(i.code == "DEV-PREREVIEW" for i in next_steps(after, ctx(date(2024, 8, 2))))


def test_a_vote_without_a_quorum_is_no_vote_at_all():
    from branchdesk.domain.development import admission_vote_values
    from branchdesk.domain.rules import check_step

    meeting = date(2024, 8, 1)
    values = admission_vote_values(meeting, Vote(16, 8, 5, 3))  # 8 of 16 present: exactly half
    assert "admission_vote" in values, "not a failed vote: the meeting could not decide"
    refused = check_step(_before_the_meeting(), Step.ADMISSION_VOTE, values, ctx(meeting))
    assert [f.code for f in refused if f.blocking] == ["DEV-VOTE-QUORUM"]
    assert "请另行召开支部大会" in refused[0].message_zh
    # the same counts typed in as a rejection are refused just the same
    as_rejection = {"rejected_on": meeting, "rejection_vote": Vote(16, 8, 5, 3)}
    refused = check_step(_before_the_meeting(), Step.ADMISSION_VOTE, as_rejection, ctx(meeting))
    assert [f.code for f in refused if f.blocking] == ["DEV-VOTE-QUORUM"]
    assert refused[0].dates == {"rejected": meeting}


def test_a_rejection_must_really_have_failed_and_have_possible_counts():
    d = replace(_before_the_meeting(), rejected_on=date(2024, 8, 1))
    passed = one(replace(d, rejection_vote=Vote(16, 12, 9, 3)), "DEV-VOTE-MAJORITY")
    assert passed.blocking and "表决是通过的" in passed.message_zh
    impossible = one(replace(d, rejection_vote=Vote(16, 12, 8, 5)), "DEV-VOTE-COUNTS")
    assert "多于实到人数" in impossible.message_zh
    # an older rejection recorded without its counts is not asked for them
    assert found(d, "DEV-VOTE-COUNTS") == []


def test_a_candidate_not_ready_for_the_meeting_is_not_put_to_the_vote():
    """The meeting votes only on a candidate with sponsors, a passed political review and pre-review,
    and the training done — whether the vote then passes or not."""
    from branchdesk.domain.rules import check_step

    meeting = date(2024, 8, 1)
    failed = {"rejected_on": meeting, "rejection_vote": Vote(16, 12, 8, 4)}
    d = _before_the_meeting()
    for missing, code in (
        ({"pre_review": None}, "DEV-PREREVIEW"),
        ({"pre_review": PreReview(date(2024, 7, 20), False)}, "DEV-PREREVIEW"),
        ({"political_review": None}, "DEV-POLREVIEW"),
        ({"training": None}, "DEV-TRAINING"),
        ({"sponsors": (), "sponsors_date": None}, "DEV-SPONSORS"),
    ):
        refused = [
            f
            for f in check_step(replace(d, **missing), Step.ADMISSION_VOTE, failed, ctx(meeting))
            if f.blocking
        ]
        assert [f.code for f in refused] == [code], missing
        assert "2024年8月1日，表决未通过" in refused[0].message_zh
    # after the rejection the pre-review is redone for the next meeting: nothing wrong with that
    redone = replace(
        d, **failed, pre_review=PreReview(date(2024, 12, 20)), volunteer_form_date=date(2024, 12, 22)
    )
    assert audit(redone, ctx(date(2025, 1, 5))) == []


def test_only_a_candidate_is_put_to_the_vote():
    early = replace(_before_the_meeting(), rejected_on=date(2024, 5, 1), rejection_vote=Vote(16, 12, 6, 6))
    f = one(early, "DEV-ORDER")
    assert "早于“确定发展对象”" in f.message_zh
    none = replace(early, candidate_date=None, rejected_on=date(2024, 8, 1))
    assert any("没有“确定发展对象”的记录" in f.message_zh for f in found(none, "DEV-ORDER"))


def test_accepted_after_an_earlier_rejection():
    """Not accepted on 20 June, accepted on 1 August: both votes stay; only the local wait is noted."""
    d = replace(complete(), rejected_on=date(2024, 6, 20), rejection_vote=Vote(16, 12, 7, 5))
    assert (d.rejection_vote, d.admission_vote) == (Vote(16, 12, 7, 5), complete().admission_vote)
    assert codes(audit(d, ctx())) == ["DEV-RESUBMIT"]  # presented again six weeks later
    assert audit(d, ctx(settings=RuleSettings(resubmit_wait_months=0))) == []


def test_admission_shortly_before_a_transfer_out_is_flagged_for_review():
    d = replace(complete(), outcome=Outcome.TRANSFERRED_OUT, outcome_date=date(2025, 10, 31))
    d = replace(d, approval=Approval(date(2024, 9, 10)))
    assert found(d, "DEV-MOVE-3M") == []
    early = replace(admitted(), outcome=Outcome.TRANSFERRED_OUT, outcome_date=date(2024, 10, 31))
    assert one(early, "DEV-MOVE-3M").severity is WARNING


def test_every_code_of_domain_md_is_implemented():
    from branchdesk.domain.rules import RULESET_2014

    expected = {
        "DEV-AGE", "DEV-TALK-1M", "DEV-ACTIVIST-REC", "DEV-FILING", "DEV-CONTACTS", "DEV-ASSESS-6M",
        "DEV-ACTIVIST-1Y", "DEV-PUBLICITY", "DEV-SPONSORS", "DEV-POLREVIEW", "DEV-TRAINING",
        "DEV-PREREVIEW", "DEV-VOTE-QUORUM", "DEV-VOTE-MAJORITY", "DEV-VOTE-COUNTS", "DEV-HIGHER-TALK",
        "DEV-APPROVAL-3M", "DEV-OATH", "DEV-PROBATION-START", "DEV-EXTENSION", "DEV-CONVERSION-DUE",
        "DEV-CONVERSION-EARLY", "DEV-PARTY-AGE", "DEV-ARCHIVE", "DEV-ORDER",
    }  # fmt: skip
    assert expected <= set(RULESET_2014.codes)
    assert codes([]) == []
