"""`branchdesk demo` also creates development dossiers: every stage, linked to the roster, rules-valid."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from branchdesk.domain.citizen_id import parse_citizen_id
from branchdesk.domain.development import Outcome, Standing
from branchdesk.domain.rules import RuleContext, audit
from branchdesk.services.demo import generate
from branchdesk.services.demo_development import RosterMember, demo_dossiers, member_links
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo_db(empty_db):
    summary = generate(empty_db, members=150, seed=3, today=TODAY)
    return empty_db, summary


def test_demo_creates_dossiers_in_every_stage_without_blocking_findings(demo_db):

    db, summary = demo_db
    service = Workspace.open(db).development
    dossiers = service.all()
    assert len(dossiers) == summary.dossiers >= 30
    assert f"发展党员档案 {summary.dossiers} 份" in summary.describe()
    standings = Counter(d.standing for d in dossiers)
    for standing in Standing:
        assert standings[standing] >= 1, standing
    # extensions appear only through roster members converted after one (issue 12: no admitted person off the roster)
    assert any(d.outcome is Outcome.WITHDRAWN for d in dossiers)

    findings = service.check(as_of=TODAY)
    assert [f for f in findings if f.blocking] == []
    assert findings  # a few things overdue, for the to-do list
    due = service.due(as_of=TODAY)
    overdue = [item for item in due if item.overdue]
    # A well-kept branch: something to show, but not every probationary member behind on reports.
    assert 1 <= len(overdue) <= max(3, len(dossiers) // 10), [(i.person, i.text) for i in overdue]
    assert any(not item.overdue for item in due)


def test_admitted_dossiers_are_the_rosters_probationary_members(demo_db):

    db, _ = demo_db
    members = Workspace.open(db).members
    probationary = members.records(MemberQuery(member_types=frozenset({"probationary"})))
    service = Workspace.open(db).development
    by_number = {d.person.id_number: d for d in service.all()}
    for m in probationary:
        d = by_number[m.id_number]
        assert d.person.name == m.name and d.admission_meeting_date == m.join_date
        assert d.standing is Standing.PROBATIONARY
        assert service.member_id(d.id) == m.id
    everyone = MemberQuery(member_types=frozenset({"full"}), statuses=None)  # some have left since
    full_names = {r.name for r in members.records(everyone)}
    for d in by_number.values():
        parse_citizen_id(d.person.id_number, today=TODAY)  # every person has a valid number
        if d.application_date is not None:
            assert (d.application_date - d.person.birth_date).days >= 18 * 365
        for c in d.contacts:
            assert c.name in full_names
        if d.first_talk is not None:
            assert set(d.first_talk.interviewers) <= full_names


def roster(n: int = 120) -> list[RosterMember]:
    """A synthetic roster: full members converted over the years, a few probationary ones."""
    from branchdesk.domain.citizen_id import make_citizen_id

    out = []
    for i in range(n):
        born = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        joined = dt.date(2000 + i % 26, 1 + i % 12, 10)
        probationary = joined > dt.date(2025, 11, 23)
        out.append(
            RosterMember(
                member_id=i + 1, name=f"党员{i}", sex="男", birth_date=born,
                id_number=make_citizen_id("350102", born, i % 500, "男"),
                member_type="probationary" if probationary else "full", join_date=joined,
                conversion_date=None if probationary else joined.replace(year=joined.year + 1),
            )
        )  # fmt: skip
    return out


def test_demo_dossiers_are_deterministic_and_valid_for_any_seed():
    members = roster()
    first = demo_dossiers(TODAY, 5, members)
    assert demo_dossiers(TODAY, 5, members) == first
    ctx = RuleContext(as_of=TODAY, has_committee=True)
    for seed in range(6):
        dossiers = demo_dossiers(TODAY, seed, members, pipeline=40)
        for d in dossiers:
            assert not [f.code for f in audit(d, ctx) if f.blocking], d.person.name
    links = member_links(first, members)
    linked = [d for d, m in zip(first, links, strict=True) if m is not None]
    assert {d.person.name for d in linked} >= {m.name for m in members if m.member_type == "probationary"}


def test_demo_dossiers_survive_the_ledger_round_trip(tmp_path):
    from branchdesk.reports.development import development_ledger
    from branchdesk.reports.xlsx import write_xlsx
    from branchdesk.services.dev_import import read_development

    dossiers = demo_dossiers(TODAY, 9, roster())
    path = write_xlsx([development_ledger(dossiers, "示范支部", TODAY)], tmp_path / "demo.xlsx")
    result = read_development(path, today=TODAY)
    assert result.issues == []
    ctx = RuleContext(as_of=TODAY, has_committee=True)
    for original, read in zip(dossiers, result.dossiers, strict=True):
        assert read.steps_done == original.steps_done
        assert {f.key for f in audit(read, ctx)} == {f.key for f in audit(original, ctx)}


def test_cli_demo_produces_dossiers_that_check_finds_no_blocking_problem(tmp_path, data_dir, capsys):
    from branchdesk.cli import main
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    path = tmp_path / "cli.sqlite"
    assert main(["--db", str(path), "demo", "--members", "40", "--seed", "2"]) == 0
    assert "发展党员档案" in capsys.readouterr().out
    db, _ = open_database(resolve_location(str(path)), user="测试用户")
    try:
        service = Workspace.open(db).development
        dossiers = service.all()
        assert len(dossiers) >= 12
        assert not [f for f in service.check() if f.blocking]
    finally:
        db.dispose()
