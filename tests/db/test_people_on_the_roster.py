"""Contact persons and sponsors typed by name are the branch's members of that day, or marked as
members of another branch with their standing (issue 12 §3: the "蔡浩然" case)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import ContactPerson, Sponsor, Step
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.vocab import MemberType
from branchdesk.services.development import StepRefused
from tests.unit.dev_builders import candidate_stage

ON = dt.date(2024, 6, 15)


@pytest.fixture
def dev(ws):
    return ws.development


@pytest.fixture
def people(ws, members):
    """Two full members (张华, 刘芳) and 蔡浩然, a probationary member since 2024-01-10."""
    out = {}
    for name, joined, full in (
        ("张华", dt.date(2001, 7, 1), dt.date(2002, 7, 1)),
        ("刘芳", dt.date(2005, 7, 1), dt.date(2006, 7, 1)),
        ("蔡浩然", dt.date(2024, 1, 10), None),
    ):
        kind = MemberType.FULL if full else MemberType.PROBATIONARY
        out[name] = members.create(
            MemberFields(name=name, member_type=kind, join_date=joined, conversion_date=full)
        ).id
    return out


def a_candidate(dev) -> int:
    d = replace(candidate_stage(), id=None, contacts=(), sponsors=())
    return dev.save(d)


def test_a_probationary_member_typed_as_a_sponsor_is_refused_as_probationary(dev, people):
    dossier_id = a_candidate(dev)
    typed = (Sponsor("张华"), Sponsor("蔡浩然"))  # typed names; the form would have said "full"
    with pytest.raises(StepRefused) as refused:
        dev.record(dossier_id, Step.SPONSORS, {"sponsors": typed, "sponsors_date": ON}, as_of=ON)
    [finding] = [f for f in refused.value.findings if f.code == "DEV-SPONSORS"]
    assert finding.blocking and "蔡浩然" in finding.message_zh
    assert dev.get(dossier_id).sponsors == (), "nothing written"


def test_sponsors_on_the_roster_are_linked_to_their_member_files(dev, people):
    dossier_id = a_candidate(dev)
    typed = (Sponsor("张华（正式党员）"), Sponsor("刘芳"))
    dev.record(dossier_id, Step.SPONSORS, {"sponsors": typed, "sponsors_date": ON}, as_of=ON)
    saved = dev.get(dossier_id).sponsors
    assert [(s.name, s.member_id, s.full_member, s.outside) for s in saved] == [
        ("张华", people["张华"], True, False),
        ("刘芳", people["刘芳"], True, False),
    ]


def test_a_name_off_the_roster_is_refused_unless_marked_outside_with_its_standing(dev, people):
    dossier_id = a_candidate(dev)
    with pytest.raises(ValidationError) as refused:
        dev.record(dossier_id, Step.SPONSORS, {"sponsors": (Sponsor("张华"), Sponsor("孙外援")),
                                                "sponsors_date": ON}, as_of=ON)  # fmt: skip
    assert (
        "孙外援" in str(refused.value.issues[0].message) and "外支部党员" in refused.value.issues[0].message
    )
    outside = Sponsor("孙外援", full_member=True, outside=True)
    dev.record(
        dossier_id, Step.SPONSORS, {"sponsors": (Sponsor("张华"), outside), "sponsors_date": ON}, as_of=ON
    )
    saved = dev.get(dossier_id).sponsors
    assert (saved[1].name, saved[1].outside, saved[1].full_member, saved[1].member_id) == (
        "孙外援",
        True,
        True,
        None,
    )


def test_a_contact_person_must_have_been_a_member_on_the_day_of_designation(dev, people):
    d = replace(candidate_stage(), id=None, contacts=(), candidate_date=None, publicity=None, sponsors=())
    dossier_id = dev.save(d)
    early = dt.date(2023, 6, 5)  # 蔡浩然 joined in 2024
    with pytest.raises(ValidationError) as refused:
        dev.record(
            dossier_id, Step.CONTACTS, {"contacts": (ContactPerson("蔡浩然", True, early),)}, as_of=early
        )
    assert "不是本支部在册党员" in refused.value.issues[0].message


def test_check_names_an_imported_sponsor_recorded_full_while_the_roster_says_probationary(ws, dev, people):
    d = replace(candidate_stage(), id=None, sponsors=(Sponsor("张华"), Sponsor("蔡浩然")), sponsors_date=ON)
    dev.save(d)  # an import: no rule checks when saved
    found = [f for f in ws.compliance.check(dt.date(2024, 7, 1)).all if f.code == "CON-PERSON-ROSTER"]
    assert [f.person for f in found] == ["蔡浩然"]
    assert found[0].blocking and "预备党员" in found[0].message_zh and "入党介绍人" in found[0].message_zh
