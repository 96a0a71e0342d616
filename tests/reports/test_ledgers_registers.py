"""The registers of applicants, activists, candidates and probationary members, as of a period's end."""

from __future__ import annotations

import datetime as dt

import pytest

from branchdesk.domain.citizen_id import parse_citizen_id
from branchdesk.reports.registry import Period, build
from tests.reports.ledger_fixtures import LATE_TALK, TODAY, demo_fixture  # noqa: F401  (fixture "demo")

END_2025 = dt.date(2025, 12, 31)


def cells(ledger, row):
    return {c.key: v for c, v in zip(ledger.columns, row, strict=True)}


def names(ledger) -> list[str]:
    return [cells(ledger, r)["name"] for r in ledger.rows]


def only(reports):
    assert len(reports) == 1
    return reports[0]


def dossiers(db):

    return db.development.all()


def _closed_by(d, on):
    return (
        d.outcome is not None and d.outcome.terminal and d.outcome_date is not None and d.outcome_date <= on
    )


def _before(day, on):
    return day is not None and day <= on


def stage_on(d, on) -> str | None:
    """The person's standing on ``on``, read directly from the step dates (independent of the code)."""
    if _closed_by(d, on):
        return "closed"
    if d.conversion_approval is not None and d.conversion_approval.date <= on:
        return "full"
    if _before(d.admission_meeting_date, on):
        return "probationary"
    if _before(d.candidate_date, on):
        return "candidate"
    if _before(d.activist_date, on):
        return "activist"
    if _before(d.application_date, on):
        return "applicant"
    return None


MID_2025 = Period(dt.date(2025, 1, 1), dt.date(2025, 5, 31))


@pytest.mark.parametrize(
    ("key", "stage", "period", "on"),
    [
        ("applicants", "applicant", Period.year(2025), END_2025),
        ("activists", "activist", Period.year(2025), END_2025),
        ("candidates", "candidate", MID_2025, MID_2025.end),  # nobody was a candidate on 31 Dec 2025
        ("applicants", "applicant", Period.year(2026), TODAY),  # a year not over: as of today
        ("activists", "activist", Period.year(2026), TODAY),
        ("candidates", "candidate", Period.year(2026), TODAY),
    ],
)
def test_a_register_holds_exactly_the_people_at_that_stage_at_the_end_of_the_period(
    demo, key, stage, period, on
):
    ledger = only(build(demo, key, period, today=TODAY))
    expected = sorted(d.person.name for d in dossiers(demo) if stage_on(d, on) == stage)
    assert expected, "the demo has someone at this stage"
    assert sorted(names(ledger)) == expected
    assert ledger.period == f"截至{on.year}年{on.month}月{on.day}日"
    assert ledger.notes[0].startswith(f"共 {len(expected)} 人")
    assert [cells(ledger, r)["seq"] for r in ledger.rows] == list(range(1, len(expected) + 1))
    assert ledger.signatures and ledger.branch_name


def test_an_activist_of_last_year_who_became_a_candidate_this_year_is_in_last_years_activist_register(demo):
    moved = [
        d for d in dossiers(demo)
        if d.candidate_date and d.candidate_date.year == 2026 and d.activist_date and d.activist_date <= END_2025
    ]  # fmt: skip
    assert moved
    activists_2025 = only(build(demo, "activists", Period.year(2025), today=TODAY))
    candidates_2025 = only(build(demo, "candidates", Period.year(2025), today=TODAY))
    candidates_2026 = only(build(demo, "candidates", Period.year(2026), today=TODAY))
    for d in moved:
        assert d.person.name in names(activists_2025)
        assert d.person.name not in names(candidates_2025)
        if stage_on(d, TODAY) == "candidate":
            assert d.person.name in names(candidates_2026)
    # and nothing after 2025 leaks into the 2025 register: no assessment dated 2026
    for row in activists_2025.rows:
        assert "2026-" not in cells(activists_2025, row)["assessment"]


def test_the_applicant_register_shows_the_talk_and_who_held_it(demo):
    ledger = only(build(demo, "applicants", Period.year(2026), today=TODAY))
    late = next(cells(ledger, r) for r in ledger.rows if cells(ledger, r)["name"] == LATE_TALK)
    assert late["application_date"] == dt.date(2026, 3, 2)
    assert (late["first_talk_date"], late["first_talk_by"]) == (dt.date(2026, 5, 20), "王书记")
    assert late["sex"] == "男" == parse_citizen_id(late["id_number"]).sex


def test_probationary_register_reconciles_the_dossiers_and_the_roster_without_duplicates(demo):
    from branchdesk.services.members import MemberQuery

    ledger = only(build(demo, "probationary", Period.year(2026), today=TODAY))
    listed = names(ledger)
    assert len(listed) == len(set(listed))
    on_roster = demo.members.records(MemberQuery(member_types=frozenset({"probationary"})))
    from_dossiers = [d for d in dossiers(demo) if stage_on(d, TODAY) == "probationary"]
    assert on_roster and from_dossiers
    assert set(listed) == {m.name for m in on_roster} | {d.person.name for d in from_dossiers}

    rows = {cells(ledger, r)["name"]: cells(ledger, r) for r in ledger.rows}
    for m in on_roster:  # the member file gives what a dossier does not hold
        assert rows[m.name]["education"] == m.education
        assert rows[m.name]["join_date"] == m.join_date
    for d in from_dossiers:
        row = rows[d.person.name]
        assert row["join_date"] == d.admission_meeting_date and row["probation_end"] == d.probation_end
        if d.extensions:
            assert "延长预备期" in row["notes"]
    joins = [rows[n]["join_date"] for n in listed]
    assert joins == sorted(joins)


def test_a_probationary_member_converted_since_is_in_last_years_register_not_this_years(demo):
    converted = [
        d for d in dossiers(demo) if stage_on(d, TODAY) == "full" and stage_on(d, END_2025) == "probationary"
    ]
    assert converted
    last_year = names(only(build(demo, "probationary", Period.year(2025), today=TODAY)))
    this_year = names(only(build(demo, "probationary", Period.year(2026), today=TODAY)))
    for d in converted:
        assert d.person.name in last_year and d.person.name not in this_year


@pytest.mark.parametrize("key", ["applicants", "activists", "candidates", "probationary"])
def test_the_public_copy_shows_no_full_id_number(demo, key):
    full = only(build(demo, key, Period.year(2026), today=TODAY))
    public = only(build(demo, key, Period.year(2026), today=TODAY, mask="public"))
    numbers = [cells(full, r)["id_number"] for r in full.rows]
    assert any(numbers)
    for row in public.rows:
        text = "".join(str(v) for v in row)
        for number in numbers:
            assert number not in text
    assert [cells(public, r)["name"] for r in public.rows] == names(full)
