"""The engine around the rules: rule sets chosen by step date, live step checks, due items, settings."""

import json
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from branchdesk.domain.development import (
    Approval,
    Dossier,
    Extension,
    Outcome,
    Person,
    PreReview,
    Sponsor,
    Stage,
    Standing,
    Step,
    Talk,
    TalkKind,
    apply_step,
)
from branchdesk.domain.rules import (
    DEFAULT_BOOK,
    RULESET_2014,
    DueKind,
    Rule,
    RuleBook,
    RuleSettings,
    SettingsError,
    Severity,
    Violation,
    allowed,
    audit,
    audit_many,
    check_step,
    next_steps,
)
from branchdesk.domain.rules.dev_rules import check_oath, check_publicity
from branchdesk.domain.votes import Vote
from tests.unit.dev_builders import admitted, applicant, candidate_stage, complete, ctx

# --------------------------------------------------------------------------- rule sets


def _test_2026_book() -> RuleBook:
    """A TEST-ONLY set standing in for the unverified 2026 text: publicity and oath become national."""
    old_pub, old_oath = RULESET_2014.rule("DEV-PUBLICITY"), RULESET_2014.rule("DEV-OATH")
    marker = Rule(
        code="TEST-2026-ONLY",
        title="测试规则",
        article="测试",
        ruleset="2026-test",
        severity=Severity.WARNING,
        check=lambda d, c: [Violation(Step.APPLICATION, "测试规则命中")] if d.application_date else [],
        steps=(Step.APPLICATION,),
    )
    test_set = RULESET_2014.derive(
        "2026-test",
        date(2026, 6, 1),
        replace_rules=[
            replace(old_pub, ruleset="2026-test", severity=Severity.BLOCKING, check=check_publicity),
            replace(old_oath, ruleset="2026-test", severity=Severity.BLOCKING, check=check_oath),
        ],
        add=[marker],
    )
    return DEFAULT_BOOK.with_set(test_set)


def test_rule_book_picks_the_set_in_force_on_a_date():
    book = _test_2026_book()
    assert book.in_force(date(2026, 5, 31)).version == "2014"
    assert book.in_force(date(2026, 6, 1)).version == "2026-test"
    # Steps before 2014-06-10 are judged by the 1990 细则（试行）; before that set, by the earliest one.
    assert book.in_force(date(2014, 6, 9)).version == "1990"
    assert book.in_force(date(2014, 6, 10)).version == "2014"
    assert book.in_force(date(2010, 1, 1)).version == "1990"
    assert book.in_force(date(1985, 1, 1)).version == "1990"
    assert DEFAULT_BOOK.in_force(date(2030, 1, 1)) is RULESET_2014


def test_a_step_is_judged_by_the_rules_in_force_on_its_date():
    book = _test_2026_book()
    before = replace(candidate_stage(activist=date(2024, 5, 1), candidate=date(2025, 6, 1)), publicity=None)
    after = replace(candidate_stage(activist=date(2025, 5, 1), candidate=date(2026, 7, 1)), publicity=None)
    f_before = [f for f in audit(before, ctx(book=book)) if f.code == "DEV-PUBLICITY"]
    f_after = [f for f in audit(after, ctx(book=book)) if f.code == "DEV-PUBLICITY"]
    assert [(f.severity, f.ruleset) for f in f_before] == [(Severity.WARNING, "2014")]
    assert [(f.severity, f.ruleset) for f in f_after] == [(Severity.BLOCKING, "2026-test")]


def test_one_dossier_straddling_two_rule_sets():
    # Admitted under the 2014 rules (meeting 2026-05-20), approved on 2026-06-10, sworn in late on
    # 2026-08-01: the oath is a step of 2026, judged by the test set (blocking); the application
    # of 2025 is not touched by the rule that exists only in 2026.
    d = replace(
        complete(),
        admission_meeting_date=date(2026, 5, 20),
        approval=Approval(date(2026, 6, 10)),
        oath_date=date(2026, 8, 1),
    )
    d = replace(d, conversion_meeting_date=None, conversion_approval=None, conversion_vote=None)
    d = replace(d, full_member_date=None, archive_date=None, conversion_application_date=None, join_date=None)
    findings = audit(d, ctx(date(2026, 9, 1), book=_test_2026_book()))
    oath = [f for f in findings if f.code == "DEV-OATH"]
    assert [(f.severity, f.ruleset) for f in oath] == [(Severity.BLOCKING, "2026-test")]
    assert not [f for f in findings if f.code == "TEST-2026-ONLY"]
    # With the shipped book the same late oath is only a warning.
    assert [f.severity for f in audit(d, ctx(date(2026, 9, 1))) if f.code == "DEV-OATH"] == [Severity.WARNING]


def test_a_step_not_yet_recorded_is_judged_by_the_set_in_force_on_the_check_date():
    d = applicant(date(2026, 6, 15))
    book = _test_2026_book()
    assert [f.code for f in audit(d, ctx(date(2026, 6, 20), book=book))] == ["TEST-2026-ONLY"]
    assert audit(applicant(date(2025, 6, 15)), ctx(date(2025, 6, 20), book=book)) == []


def test_derive_keeps_unchanged_rules_and_refuses_unknown_codes():
    derived = RULESET_2014.derive("x", date(2030, 1, 1), remove=["DEV-OATH"])
    assert "DEV-OATH" not in derived.codes
    assert derived.rule("DEV-AGE") is RULESET_2014.rule("DEV-AGE")
    assert derived.rule("DEV-AGE").ruleset == "2014"
    with pytest.raises(KeyError):
        RULESET_2014.derive(
            "y", date(2030, 1, 1), replace_rules=[replace(derived.rule("DEV-AGE"), code="NOPE")]
        )
    with pytest.raises(ValueError):
        RuleBook([RULESET_2014, RULESET_2014])


def test_every_rule_is_documented_with_article_and_steps():
    for rule in RULESET_2014.rules:
        assert rule.article and rule.title and rule.description and rule.steps, rule.code
        assert rule.basis in {"N", "N?", "L"}
        for name in rule.settings:
            assert hasattr(RuleSettings(), name)


def test_rules_doc_mentions_every_code():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
    text = doc.read_text(encoding="utf-8")
    from branchdesk.domain.rules.branch_rules import CON_BOOK, MEM_BOOK
    from branchdesk.domain.rules.mtg_rules import MTG_BOOK

    books = (DEFAULT_BOOK, MTG_BOOK, MEM_BOOK, CON_BOOK)
    for code in {c for book in books for s in book.sets for c in s.codes}:
        assert f"`{code}`" in text, code


# --------------------------------------------------------------------------- live checks


def _blocking_codes(findings):
    return [f.code for f in findings if f.blocking]


def test_an_applicant_under_eighteen_is_refused():
    empty = Dossier(person=Person("赵小", date(2008, 3, 1)))
    refused = check_step(
        empty, Step.APPLICATION, {"application_date": date(2026, 2, 28)}, ctx(date(2026, 2, 28))
    )
    assert _blocking_codes(refused) == ["DEV-AGE"]
    assert not allowed(refused)
    ok = check_step(empty, Step.APPLICATION, {"application_date": date(2026, 3, 1)}, ctx(date(2026, 3, 1)))
    assert allowed(ok)


def test_a_candidate_after_less_than_a_year_is_refused_with_the_earliest_date():
    d = replace(candidate_stage(), candidate_date=None, publicity=None)
    refused = check_step(d, Step.CANDIDATE, {"candidate_date": date(2024, 5, 31)}, ctx(date(2024, 5, 31)))
    assert _blocking_codes(refused) == ["DEV-ACTIVIST-1Y"]
    assert "最早可于2024年6月1日" in refused[0].message_zh
    ok = check_step(d, Step.CANDIDATE, {"candidate_date": date(2024, 6, 1)}, ctx(date(2024, 6, 1)))
    assert allowed(ok)
    # Publicity not recorded yet is local practice: a warning the user may proceed past.
    assert [f.code for f in ok] == ["DEV-PUBLICITY"]


def test_an_admission_vote_without_quorum_or_majority_is_refused():
    d = replace(admitted(), admission_meeting_date=None, admission_vote=None)
    today = ctx(date(2024, 8, 1))
    # 8 in the room plus one written yes handed in beforehand: 9 yes, but only 8 of 16 present.
    values = {"admission_meeting_date": date(2024, 8, 1), "admission_vote": Vote(16, 8, 8, written_yes=1)}
    refused = check_step(d, Step.ADMISSION_VOTE, values, today)
    assert set(_blocking_codes(refused)) == {"DEV-VOTE-QUORUM"}
    values["admission_vote"] = Vote(16, 9, 8, abstain=1)
    assert set(_blocking_codes(check_step(d, Step.ADMISSION_VOTE, values, today))) == {"DEV-VOTE-MAJORITY"}
    values["admission_vote"] = Vote(16, 9, 9)
    assert check_step(d, Step.ADMISSION_VOTE, values, today) == []


def test_sponsors_who_are_not_two_full_members_are_refused():
    d = candidate_stage()
    today = ctx(date(2024, 6, 15))
    one_ok = {
        "sponsors": (Sponsor("张华"), Sponsor("周敏", full_member=False)),
        "sponsors_date": date(2024, 6, 15),
    }
    assert _blocking_codes(check_step(d, Step.SPONSORS, one_ok, today)) == ["DEV-SPONSORS"]
    two_ok = {"sponsors": (Sponsor("张华"), Sponsor("刘芳")), "sponsors_date": date(2024, 6, 15)}
    assert check_step(d, Step.SPONSORS, two_ok, today) == []


def test_a_late_talk_is_a_warning_the_user_may_proceed_past():
    d = applicant(date(2025, 1, 31))
    findings = check_step(
        d, Step.FIRST_TALK, {"talks": Talk(TalkKind.FIRST, date(2025, 3, 3))}, ctx(date(2025, 3, 3))
    )
    assert allowed(findings)
    assert [f.code for f in findings] == ["DEV-TALK-1M"]
    assert "晚了3天" in findings[0].message_zh


def test_old_problems_in_imported_history_do_not_block_an_unrelated_step():
    # Imported: the talk date is before the application (DEV-ORDER, blocking).
    d = replace(
        complete(), talks=(Talk(TalkKind.FIRST, date(2023, 2, 1)), complete().talks[1]), oath_date=None
    )
    assert not allowed(audit(d, ctx()))
    findings = check_step(d, Step.OATH, {"oath_date": date(2024, 9, 30)}, ctx())
    assert findings == []


def test_once_approval_has_lapsed_nothing_else_is_recorded_before_the_procedure_is_redone():
    d = replace(admitted(), talks=complete().talks)
    lapsed = ctx(date(2025, 2, 2))
    oath = check_step(d, Step.OATH, {"oath_date": date(2025, 2, 2)}, lapsed)
    assert "DEV-APPROVAL-3M" in _blocking_codes(oath)
    approve = check_step(d, Step.APPROVAL, {"approval": Approval(date(2025, 2, 2), "党委换届")}, lapsed)
    assert "DEV-APPROVAL-3M" in _blocking_codes(approve)
    # Approving the day before the lapse, with a reason, is fine.
    day_before = ctx(date(2025, 2, 1))
    assert (
        check_step(d, Step.APPROVAL, {"approval": Approval(date(2025, 2, 1), "党委换届")}, day_before) == []
    )


def test_a_step_dated_in_the_future_is_refused():
    d = applicant(date(2025, 1, 31))
    findings = check_step(
        d, Step.FIRST_TALK, {"talks": Talk(TalkKind.FIRST, date(2025, 2, 10))}, ctx(date(2025, 2, 9))
    )
    assert _blocking_codes(findings) == ["DEV-ORDER"]
    assert "晚于当前日期" in findings[0].message_zh


def test_findings_about_the_step_being_recorded_come_first():
    # A failed pre-review recorded while the candidate filing is still missing: the pre-review's own
    # finding (step 13) is listed before the filing reminder (step 8).
    d = replace(candidate_stage(), filings=candidate_stage().filings[:1])
    values = {
        "pre_review": PreReview(date(2024, 7, 20), passed=False),
        "committee_review_date": date(2024, 7, 15),
    }
    findings = check_step(d, Step.PRE_REVIEW, values, ctx(date(2024, 7, 20)))
    assert [(f.step, f.code) for f in findings] == [
        (Step.PRE_REVIEW, "DEV-PREREVIEW"),
        (Step.CANDIDATE_FILING, "DEV-FILING"),
    ]
    assert allowed(findings)


def test_apply_step_appends_single_items_and_replaces_collections():
    d = applicant()
    talk = Talk(TalkKind.FIRST, date(2023, 3, 10))
    once = apply_step(d, {"talks": talk})
    twice = apply_step(once, {"talks": Talk(TalkKind.ACTIVIST, date(2023, 9, 10))})
    assert len(twice.talks) == 2
    assert apply_step(twice, {"talks": [talk]}).talks == (talk,)
    with pytest.raises(KeyError):
        apply_step(d, {"no_such_field": 1})


# --------------------------------------------------------------------------- due items


def test_applicant_to_do_is_the_talk_due_one_month_later():
    items = next_steps(applicant(date(2025, 1, 31)), ctx(date(2025, 2, 1)))
    assert [(i.step, i.due, i.kind, i.overdue) for i in items] == [
        (Step.FIRST_TALK, date(2025, 2, 28), DueKind.DEADLINE, False)
    ]
    assert items[0].due_soon
    later = next_steps(applicant(date(2025, 1, 31)), ctx(date(2025, 3, 1)))
    assert later[0].overdue and later[0].days_left == -1


def test_activist_to_do_assessment_and_earliest_candidate_date():
    d = replace(candidate_stage(), candidate_date=None, publicity=None)
    items = next_steps(d, ctx(date(2024, 5, 1)))
    by_step = {i.step: i for i in items}
    assert by_step[Step.ASSESSMENT].due == date(2024, 11, 30)  # last assessment 2024-05-30 + 6 months
    assert by_step[Step.CANDIDATE].due == date(2024, 6, 1)
    assert by_step[Step.CANDIDATE].kind is DueKind.EARLIEST
    assert not by_step[Step.CANDIDATE].overdue
    assert [i.due for i in items] == sorted(i.due for i in items)


def test_admitted_to_do_approval_then_probation_end_with_extension():
    items = next_steps(admitted(date(2024, 8, 1)), ctx(date(2024, 8, 2)))
    assert {(i.step, i.due) for i in items} >= {
        (Step.APPROVAL, date(2024, 11, 1)),
        (Step.HIGHER_TALK, date(2024, 11, 1)),
        (Step.CONVERSION_VOTE, date(2025, 8, 1)),
    }
    extended = replace(
        complete(),
        extensions=(Extension(date(2025, 8, 1), 6, Vote(17, 15, 14)),),
        conversion_meeting_date=None,
        conversion_vote=None,
        conversion_approval=None,
        full_member_date=None,
        archive_date=None,
        conversion_application_date=None,
    )
    conv = [i for i in next_steps(extended, ctx(date(2025, 8, 2))) if i.step is Step.CONVERSION_VOTE]
    assert [(i.due, i.overdue) for i in conv] == [(date(2026, 2, 1), False)]


def test_closed_or_archived_dossiers_have_nothing_due():
    assert next_steps(complete(), ctx()) == []
    withdrawn = replace(applicant(), outcome=Outcome.WITHDRAWN, outcome_date=date(2023, 3, 5))
    assert next_steps(withdrawn, ctx()) == []


def test_stage_and_standing_follow_the_recorded_steps():
    assert applicant().stage is Stage.APPLICATION
    assert candidate_stage().stage is Stage.CANDIDATE
    assert candidate_stage().standing is Standing.CANDIDATE
    assert admitted().stage is Stage.ADMISSION
    assert admitted().standing is Standing.PROBATIONARY
    assert replace(admitted(), approval=Approval(date(2024, 9, 10))).stage is Stage.PROBATION
    assert complete().stage is None and complete().standing is Standing.FULL
    assert Step.CONVERSION_VOTE.title == "第23步 支部大会讨论（预备党员转正）"
    assert Step.CONVERSION_VOTE.stage is Stage.PROBATION and Step.SPONSORS.stage is Stage.CANDIDATE


# --------------------------------------------------------------------------- settings, output


def test_settings_round_trip_through_stored_text():
    s = RuleSettings(publicity_working_days=7, training_min_hours=40)
    assert RuleSettings.from_mapping(s.to_mapping()) == s
    assert RuleSettings.from_mapping({"unknown": "1", "oath_within_months": ""}) == RuleSettings()


def test_bad_settings_are_explained_in_chinese():
    with pytest.raises(SettingsError, match="集中培训最少学时应为整数"):
        RuleSettings.from_mapping({"training_min_hours": "二十四"})
    with pytest.raises(SettingsError, match="不能为负数"):
        RuleSettings(publicity_working_days=-1)
    with pytest.raises(SettingsError, match="最短月数不能大于最长月数"):
        RuleSettings(extension_min_months=13)


def test_findings_serialise_to_json():
    d = replace(complete(), admission_vote=Vote(16, 8, 8))
    payload = json.dumps([f.to_dict() for f in audit(d, ctx())], ensure_ascii=False)
    assert '"code": "DEV-VOTE-QUORUM"' in payload
    assert '"admission_meeting": "2024-08-01"' in payload
    items = json.dumps(
        [i.to_dict() for i in next_steps(admitted(), ctx(date(2024, 8, 2)))], ensure_ascii=False
    )
    assert "上级党委审批" in items


def test_audit_many_shares_one_context():
    dossiers = [complete(), replace(complete(), id=2, admission_vote=Vote(16, 8, 8))]
    findings = audit_many(dossiers, ctx())
    # 8 of 16 present: no quorum, so no vote was taken (no separate majority finding)
    assert [(f.dossier_id, f.code) for f in findings] == [(2, "DEV-VOTE-QUORUM")]


def test_the_rule_engine_does_not_load_qt():
    code = "import sys, branchdesk.domain.rules, branchdesk.domain.votes; print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
