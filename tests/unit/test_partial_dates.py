"""Dates as precise as the paper: what a roster or a founding date gives is kept, and printed as given."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields, check, validate
from branchdesk.domain.partial_dates import PartialDate, Precision, parse_partial_date, partial_text
from branchdesk.domain.rules import Severity
from tests.unit.dev_builders import applicant
from tests.unit.test_dev_rules import found


@pytest.mark.parametrize(
    ("written", "first", "precision", "text"),
    [
        ("2008", dt.date(2008, 1, 1), Precision.YEAR, "2008年"),
        ("2008年", dt.date(2008, 1, 1), Precision.YEAR, "2008年"),
        ("2008年9月", dt.date(2008, 9, 1), Precision.MONTH, "2008年9月"),
        ("2008.9", dt.date(2008, 9, 1), Precision.MONTH, "2008年9月"),
        ("1999.03", dt.date(1999, 3, 1), Precision.MONTH, "1999年3月"),
        ("２０２６.０５", dt.date(2026, 5, 1), Precision.MONTH, "2026年5月"),
        ("2026-05", dt.date(2026, 5, 1), Precision.MONTH, "2026年5月"),
        (1999.03, dt.date(1999, 3, 1), Precision.MONTH, "1999年3月"),
        (2008, dt.date(2008, 1, 1), Precision.YEAR, "2008年"),
        ("2008-09-20", dt.date(2008, 9, 20), Precision.DAY, "2008年9月20日"),
        ("2008年9月20日", dt.date(2008, 9, 20), Precision.DAY, "2008年9月20日"),
        (dt.date(2008, 9, 20), dt.date(2008, 9, 20), Precision.DAY, "2008年9月20日"),
    ],
)
def test_a_date_is_read_as_precise_as_it_was_written_and_printed_as_given(written, first, precision, text):
    value = parse_partial_date(written)
    assert (value.first, value.precision, value.text) == (first, precision, text)
    assert PartialDate.stored(value.first, value.precision.value) == value
    assert partial_text(value.first, value.precision.value) == text


def test_the_range_of_a_month_and_a_year():
    assert PartialDate.of(2024, 2).last == dt.date(2024, 2, 29)
    assert PartialDate.of(2008).last == dt.date(2008, 12, 31)
    assert PartialDate.of(2008, 9).contains(dt.date(2008, 9, 30))
    assert not PartialDate.of(2008, 9).contains(dt.date(2008, 10, 1))
    assert PartialDate.of(2008, 9, 20).iso == "2008-09-20" and PartialDate.of(2008, 9).iso == "2008-09"


@pytest.mark.parametrize("bad", [2008.1, "2008年13月", "abc", "1899"])
def test_what_is_not_a_date_is_still_refused_in_chinese(bad):
    with pytest.raises(ValueError, match="日期"):
        parse_partial_date(bad)


def test_a_month_precise_birth_agrees_with_an_id_number_of_that_month_and_takes_its_day():
    number = make_citizen_id("350102", dt.date(1999, 3, 12), 12, "女")
    values = MemberFields(
        name="林晓", id_number=number, birth_date=dt.date(1999, 3, 1), birth_date_precision="month"
    )
    saved = check(values, today=dt.date(2026, 12, 7))
    assert (saved.birth_date, saved.birth_date_precision) == (dt.date(1999, 3, 12), "day")
    other = replace(values, birth_date=dt.date(1999, 4, 1))
    [issue] = [i for i in validate(other, today=dt.date(2026, 12, 7)) if i.field == "birth_date"]
    assert "1999年4月" in issue.message


def test_a_month_precise_date_is_stored_as_the_first_of_the_month():
    values = MemberFields(name="林晓", join_date=dt.date(2026, 5, 17), join_date_precision="month")
    saved = check(values, today=dt.date(2026, 12, 7))
    assert (saved.join_date, saved.date_text("join_date")) == (dt.date(2026, 5, 1), "2026年5月")


# ---- DEV-AGE with a birth month -----------------------------------------------------------------------
def _born_in(year: int, month: int, application: dt.date):
    person = Person("李明", dt.date(year, month, 1), "", "month")
    return replace(applicant(application=application), person=person)


def test_an_application_in_the_month_of_the_eighteenth_birthday_depends_on_the_day_and_says_so():
    d = _born_in(2008, 9, dt.date(2026, 9, 15))  # 18 if born on 1–15 September, 17 if later
    [f] = found(d, "DEV-AGE")
    assert f.severity is Severity.WARNING
    assert "出生日期只记载到2008年9月" in f.message_zh and "取决于具体日" in f.message_zh
    assert "2026年9月30日" in f.message_zh  # born on the 30th: 18 only then


def test_a_birth_month_entirely_too_late_or_early_is_judged_without_doubt():
    [f] = found(_born_in(2008, 10, dt.date(2026, 9, 15)), "DEV-AGE")
    assert f.severity is Severity.BLOCKING and "出生日期2008年10月" in f.message_zh
    assert found(_born_in(2008, 8, dt.date(2026, 9, 15)), "DEV-AGE") == []


def test_an_id_number_gives_the_day_a_birth_month_leaves_out():
    number = make_citizen_id("110101", dt.date(2008, 9, 10), 7, "男")
    d = replace(
        _born_in(2008, 9, dt.date(2026, 9, 15)), person=Person("李明", dt.date(2008, 9, 1), number, "month")
    )
    assert found(d, "DEV-AGE") == []


# ---- CON-ROSTER-DOSSIER with a roster's 入党时间 "2026.05" ------------------------------------------------
def _roster_and_dossier(meeting: dt.date):
    from branchdesk.domain.development import Dossier
    from branchdesk.domain.rules import RuleContext
    from branchdesk.domain.rules.branch_rules import BranchRecords, audit_branch
    from tests.unit.test_rules_issue12 import member

    joined = member(1, "林晓", full=False, since=dt.date(2026, 5, 1), join_precision="month")
    dossier = Dossier(id=3, person=Person("林晓"), admission_meeting_date=meeting, join_date=meeting)
    records = BranchRecords(as_of=dt.date(2026, 6, 30), members=(joined,), dossiers=(dossier,),
                            dossier_members={3: 1})  # fmt: skip
    found = audit_branch(records, RuleContext(as_of=records.as_of), members=False)
    return [f.message_zh for f in found if f.code == "CON-ROSTER-DOSSIER"]


def test_a_roster_join_month_agrees_with_a_meeting_in_that_month_and_names_the_month_otherwise():
    assert _roster_and_dossier(dt.date(2026, 5, 12)) == []
    [message] = _roster_and_dossier(dt.date(2026, 6, 2))
    assert "入党日期为2026年5月" in message and "2026年5月1日" not in message


# ---- DEV-ACTIVIST-1Y with an activist month -----------------------------------------------------------
def _activist_in(month: int, candidate: dt.date):
    from tests.unit.dev_builders import candidate_stage

    d = candidate_stage(activist=dt.date(2023, month, 1), candidate=candidate)
    return replace(d, activist_date_precision="month")


def test_a_candidate_in_the_activist_anniversary_month_depends_on_the_day_and_says_so():
    [f] = found(_activist_in(6, dt.date(2024, 6, 10)), "DEV-ACTIVIST-1Y")  # a full year only if 1–10 June
    assert f.severity is Severity.WARNING
    assert "只记载到2023年6月" in f.message_zh and "取决于具体日" in f.message_zh


def test_an_activist_month_a_whole_year_before_or_too_late_is_judged_without_doubt():
    assert found(_activist_in(5, dt.date(2024, 6, 10)), "DEV-ACTIVIST-1Y") == []
    [f] = found(_activist_in(7, dt.date(2024, 6, 10)), "DEV-ACTIVIST-1Y")
    assert f.severity is Severity.BLOCKING and "2023年7月确定为入党积极分子" in f.message_zh
