"""Issue 13: two branches in one database never see each other's records.

A committee keeps a demo branch (甲, generated) and a second branch (乙) with its own members, a dossier
and a meeting, all named 钟离…. Every registered ledger and every service list of each branch is read;
no name of the other branch appears in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from branchdesk.domain.development import Person
from branchdesk.domain.members import MemberFields
from branchdesk.services.meetings import MeetingType
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace
from tests.unit.dev_builders import admitted

TODAY = dt.date(2026, 11, 20)
B_NAMES = ("钟离乙一", "钟离乙二", "钟离乙三", "钟离乙申")


@pytest.fixture(scope="module")
def two_branches(tmp_path_factory):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database
    from branchdesk.services.demo import generate

    folder = tmp_path_factory.mktemp("scoping")
    db, _ = open_database(resolve_location(str(folder / "two.sqlite")), user="测试用户")
    generate(db, members=16, seed=4, today=TODAY)
    a = Workspace.open(db)
    info = a.branch.add_branch("钟离乙党支部", "测试学院党委")
    b = Workspace.open(db, info.id)
    group = b.branch.add_group("钟离乙小组")
    for n, name in enumerate(B_NAMES[:3]):
        b.members.create(
            MemberFields(
                name=name,
                join_date=dt.date(2010 + n, 7, 1),
                conversion_date=dt.date(2011 + n, 7, 1),
                group_id=group.id,
                mobile=f"1390000000{n}",
            )
        )
    b.development.save(replace(admitted(dt.date(2026, 8, 1)), id=None, person=Person("钟离乙申")))
    b.meetings.plan(MeetingType.GENERAL, dt.date(2026, 9, 1), place="钟离乙会议室")
    yield a, b
    a.close()
    b.close()
    db.dispose()


def _a_names(a: Workspace) -> set[str]:
    names = {m.name for m in a.members.records(MemberQuery(statuses=None))}
    names |= {d.person.name for d in a.development.all()}
    dossier_text = repr(admitted())  # names the test dossier itself carries (its contacts, sponsors)
    return {n for n in names if n not in dossier_text}


def _service_lists(ws: Workspace) -> dict[str, object]:
    year = TODAY.year
    return {
        "members.records": ws.members.records(MemberQuery(statuses=None)),
        "members.search": ws.members.get_many(ws.members.search_ids(MemberQuery(text="钟离", statuses=None))),
        "members.groups": ws.members.groups(),
        "branch.groups": ws.branch.groups(),
        "branch.committee": ws.branch.committee(include_ended=True),
        "branch.honours": ws.branch.honours(),
        "branch.profile": ws.branch.profile(),
        "development.all": ws.development.all(),
        "development.list": ws.development.list(),
        "development.due": ws.development.due(TODAY, horizon_days=400),
        "meetings.list": ws.meetings.list(year=year),
        "meetings.all": ws.meetings.all(),
        "meetings.calendar": ws.meetings.calendar(year, TODAY),
        "meetings.custom_types": ws.meetings.custom_types(),
        "roster": ws.roster.read().entries(),
        "compliance": ws.compliance.check(TODAY).all,
    }


def test_every_service_list_holds_only_its_branch(two_branches):
    a, b = two_branches
    a_names = _a_names(a)
    assert len(a_names) >= 10
    for key, value in _service_lists(b).items():
        text = repr(value)
        assert not [n for n in a_names if n in text], f"乙's {key} shows 甲's records"
    b_lists = _service_lists(b)
    assert {m.name for m in b_lists["members.records"]} == set(B_NAMES[:3])
    assert [d.person.name for d in b_lists["development.all"]] == ["钟离乙申"]
    for key, value in _service_lists(a).items():
        assert "钟离" not in repr(value), f"甲's {key} shows 乙's records"


def test_a_dossier_of_one_branch_is_not_saved_over_from_another(two_branches):
    from branchdesk.domain.errors import NotFoundError

    a, b = two_branches
    theirs = a.development.all()[0]
    with pytest.raises(NotFoundError):
        b.development.save(replace(theirs, person=Person("钟离乙冒")))
    assert a.development.get(theirs.id) == theirs


def test_every_registered_ledger_holds_only_its_branch(two_branches):
    from branchdesk.reports.registry import Period, build, ledger_specs

    a, b = two_branches
    a_names = _a_names(a)
    seen_b = set()
    for spec in ledger_specs():
        a_text = repr(build(a, spec.key, Period.year(TODAY.year), today=TODAY))
        b_text = repr(build(b, spec.key, Period.year(TODAY.year), today=TODAY))
        if spec.committee:  # the committee's: every branch, whichever workspace builds it
            assert a_text == b_text and "钟离乙党支部" in a_text, spec.title
            assert not spec.in_pack
            continue
        assert "钟离" not in a_text, f"甲's {spec.title} shows 乙's records"
        assert not [n for n in a_names if n in b_text], f"乙's {spec.title} shows 甲's records"
        seen_b |= {n for n in B_NAMES if n in b_text}
    assert seen_b == set(B_NAMES), "乙's own records are in its ledgers"


def test_the_committee_overview_has_a_row_per_branch(two_branches):
    from branchdesk.domain.development import Stage

    a, b = two_branches
    demo, second = a.committee.overview(TODAY.year)
    assert (second.name, second.full, second.probationary, second.meetings_held) == ("钟离乙党支部", 3, 0, 0)
    assert second.stages == {Stage.ADMISSION: 1}
    assert demo.members == len(a.members.records(MemberQuery()))
    from collections import Counter

    stages = Counter(d.stage for d in a.development.all() if d.stage is not None)
    assert demo.stages == dict(stages) and len(stages) >= 3, "the SQL stage is the dossier's own"
    assert b.committee.overview(TODAY.year) == [demo, second], "the same whichever branch asks"
    found = a.committee.findings(second.id, TODAY)
    assert found.missing_meetings >= 1, "乙 held no 支部党员大会 this year"
    assert found == b.committee.findings(second.id, TODAY)


@pytest.mark.parametrize(
    "text", ["", "z", "zh", "l", "li", "zs", "zz", "1", "138", "3501", "张", "欧阳", "x-1"]
)
def test_the_first_screen_in_one_statement_is_the_search_itself(two_branches, text):
    """`screen` (one statement per keystroke, built once per shape) finds what the id list and the
    records it stands for find, in the same order, for each kind of search and filter."""
    a, _ = two_branches
    group = a.branch.groups()[0].id
    for query in (
        MemberQuery(text=text),
        MemberQuery(text=text, statuses=None, sort="join_date", descending=True),
        MemberQuery(text=text, group_id=group, sort="group"),
        MemberQuery(text=text, group_id=0, member_types=frozenset({"full"})),
    ):
        shown = a.members.screen(query, 5)
        assert shown == a.members.get_many(a.members.search_ids(query, limit=5)), query


def _a_member(a: Workspace):
    return a.members.records(MemberQuery())[0]


def _a_meeting(a: Workspace):
    return a.meetings.all()[0]


def _a_dossier(a: Workspace):
    return a.development.all()[0]


def _other_branch_writes():
    """Each write by id that 乙 could be handed one of 甲's ids for (a stale window, a typed id)."""
    from branchdesk.domain.development import Outcome, Step
    from branchdesk.domain.dues import month_index
    from branchdesk.services.dues import PaymentInput
    from branchdesk.services.members import AwardFields, StatusChange

    day = dt.date(2026, 10, 1)
    return {
        "members.update": lambda a, b: b.members.update(
            _a_member(a).id, replace(_a_member(a), mobile="13911112222")
        ),
        "members.change_status": lambda a, b: b.members.change_status(
            _a_member(a).id, StatusChange("suspended", day, "钟离乙误操作")
        ),
        "members.add_award": lambda a, b: b.members.add_award(
            _a_member(a).id, AwardFields(date=day, title="钟离乙奖")
        ),
        "members.remove_award": lambda a, b: b.members.remove_award(
            next(x.id for m in a.members.records(MemberQuery()) for x in a.members.awards(m.id))
        ),
        "meetings.save": lambda a, b: b.meetings.save(replace(_a_meeting(a), place="钟离乙改")),
        "meetings.delete": lambda a, b: b.meetings.delete(_a_meeting(a).id),
        "meetings.amend": lambda a, b: b.meetings.amend(
            next(m.id for m in a.meetings.all() if m.sealed), "钟离乙更正", "钟离乙", day
        ),
        "branch.rename_group": lambda a, b: b.branch.rename_group(a.branch.groups()[0].id, "钟离乙组"),
        "branch.remove_group": lambda a, b: b.branch.remove_group(a.branch.groups()[-1].id),
        "branch.appoint": lambda a, b: b.branch.appoint(_a_member(a).id, "youth", day),
        "branch.end_term": lambda a, b: b.branch.end_term(a.branch.committee()[0].id, day),
        "dues.record_payment": lambda a, b: b.dues.record_payment(
            PaymentInput(_a_member(a).id, day, [month_index(day)])
        ),
        "dues.delete_payment": lambda a, b: b.dues.delete_payment(a.dues.payments()[0].id),
        "activities.delete": lambda a, b: b.activities.delete(a.activities.all()[0].id),
        "assignments.delete": lambda a, b: b.assignments.delete(a.assignments.list()[0].id),
        "activities.delete_project": lambda a, b: b.activities.delete_project(a.activities.projects()[0].id),
        "study.delete_record": lambda a, b: b.study.delete_record(a.study.records()[0].id),
        "study.delete_duty_report": lambda a, b: b.study.delete_duty_report(a.study.duty_reports()[0].id),
        "transfers.transfer_out": lambda a, b: b.transfers.transfer_out(
            _a_member(a).id, day, "钟离乙外", "钟离乙001"
        ),
        "development.link_member": lambda a, b: b.development.link_member(_a_dossier(a).id, None),
        "development.close": lambda a, b: b.development.close(
            _a_dossier(a).id, Outcome.WITHDRAWN, day, "钟离乙误操作"
        ),
        "development.delete": lambda a, b: b.development.delete(_a_dossier(a).id),
        "branch.save_profile": lambda a, b: b.branch.save_profile(
            replace(a.branch.profile(), name="钟离乙改")
        ),
        "development.record": lambda a, b: b.development.record(
            _a_dossier(a).id, Step.APPLICATION, {"application_date": day}
        ),
    }


def _audit_count(ws: Workspace) -> int:
    from sqlalchemy import func, select

    from branchdesk.db.models import AuditEntry

    with ws.read() as session:
        return session.scalar(select(func.count(AuditEntry.id)))


@pytest.mark.parametrize("write", sorted(_other_branch_writes()))
def test_a_write_with_another_branchs_id_is_refused_and_writes_nothing(two_branches, write):
    from branchdesk.domain.errors import NotFoundError

    a, b = two_branches
    member = _a_member(a)
    before = (
        _audit_count(a),
        a.members.get(member.id),
        a.meetings.all(),
        a.branch.groups(),
        a.development.all(),
    )
    with pytest.raises(NotFoundError):
        _other_branch_writes()[write](a, b)
    after = (
        _audit_count(a),
        a.members.get(member.id),
        a.meetings.all(),
        a.branch.groups(),
        a.development.all(),
    )
    assert after == before


#: The public service methods that name branches on purpose, and why: the committee's reads over every
#: branch (the overview, the committee ledgers, ``branchdesk check --all-branches``) and the database's
#: own acts, each under its role. Any other method takes its branch from the workspace.
BRANCHES_ON_PURPOSE = {
    "branch.rename_branch": "a 管理员 or 组织员 of the whole database (BranchService._branches_role)",
    "auth.grant": "only a 管理员 of the whole database grants a branch role",
    "transfers.move": "the receiving branch's 委员 role is required too (支部间转接)",
    "committee.findings": "the committee overview's row of one branch (compliance.each_branch)",
    "committee.findings_of": "the committee overview's rows (compliance.side_by_side)",
    "compliance.side_by_side": "check --all and the overview: branches judged side by side (each_of)",
    "compliance.each_of": "the branches side_by_side hands its judge: a workspace per branch",
    "compliance.check_all": "branchdesk check of every branch: one workspace per branch (each_branch)",
    "compliance.each_branch": "the committee path itself: a workspace per branch",
    "development.all_of_branches": "each_branch's batched read (ten branches per statement)",
    "meetings.all_of_branches": "each_branch's batched read (ten branches per statement)",
}


def test_no_service_takes_its_branch_from_the_caller():
    """A workspace's services read and write the workspace's branch only: none takes a branch id (nor does
    a query object carry one), so a workspace on 乙 cannot be pointed at 甲's records; another branch is
    reached by opening a workspace on it. The committee's reads over every branch are listed above."""
    import importlib
    import inspect
    from dataclasses import fields

    from branchdesk.services.audit import AuditQuery
    from branchdesk.services.development import DossierQuery
    from branchdesk.workspace import service

    found = set()
    for name, attr in vars(Workspace).items():
        if not isinstance(attr, service):
            continue
        module, _, cls = attr.target.partition(":")
        for method, fn in inspect.getmembers(
            getattr(importlib.import_module(module), cls), inspect.isfunction
        ):
            if not method.startswith("_") and any("branch" in p for p in inspect.signature(fn).parameters):
                found.add(f"{name}.{method}")
    assert found == set(BRANCHES_ON_PURPOSE), "a service method takes a branch from its caller"
    for query in (MemberQuery, DossierQuery, AuditQuery):
        assert not [f.name for f in fields(query) if "branch" in f.name], query.__name__


def _other_branch_by_branch_id():
    """The calls that once took a branch id from their caller, handed 甲's by 乙's workspace."""
    return {
        "branch.groups": lambda a, b: b.branch.groups(a.branch_id),
        "branch.committee": lambda a, b: b.branch.committee(a.branch_id, include_ended=True),
        "branch.honours": lambda a, b: b.branch.honours(a.branch_id),
        "branch.profile": lambda a, b: b.branch.profile(a.branch_id),
        "branch.add_group": lambda a, b: b.branch.add_group("钟离乙外组", a.branch_id),
        "members.groups": lambda a, b: b.members.groups(a.branch_id),
        "members.search_ids": lambda a, b: b.members.search_ids(
            MemberQuery(statuses=None, branch_id=a.branch_id)
        ),
        "members.screen": lambda a, b: b.members.screen(MemberQuery(branch_id=a.branch_id), 5),
        "members.create": lambda a, b: b.members.create(MemberFields(name="钟离乙外"), branch_id=a.branch_id),
        "transfers.between": lambda a, b: b.transfers.between(
            dt.date(2026, 1, 1), dt.date(2026, 12, 31), all_branches=True
        ),
    }


@pytest.mark.parametrize("call", sorted(_other_branch_by_branch_id()))
def test_a_workspace_cannot_be_pointed_at_another_branch(two_branches, a_records, call):
    """乙's secretary (委员 of 乙 only, 查阅 elsewhere) works in 乙's workspace and hands a service 甲's
    branch id: the call cannot be made; nothing of 甲's is read, and nothing is written into 甲."""
    from branchdesk.domain.auth import Principal, Role
    from branchdesk.domain.errors import NotFoundError

    a, b = two_branches
    before = (_audit_count(a), a.members.records(MemberQuery(statuses=None)), a.branch.groups())
    admin = a.db.principal
    a.db.sign_in(Principal("zhongli", Role.VIEWER, "钟离书记", branch_roles=((b.branch_id, Role.COMMITTEE),)))
    try:
        got = _other_branch_by_branch_id()[call](a, b)
    except (TypeError, NotFoundError):
        got = None
    finally:
        a.db.sign_in(admin)
    assert got is None, f"乙's {call} returns 甲's: {got!r}"
    assert (_audit_count(a), a.members.records(MemberQuery(statuses=None)), a.branch.groups()) == before


def _entries_by_branch(ws: Workspace) -> dict[int, int | None]:
    from sqlalchemy import select

    from branchdesk.db.models import AuditEntry

    with ws.read() as session:
        return dict(session.execute(select(AuditEntry.id, AuditEntry.branch_id)).all())


def test_the_audit_log_shows_its_branch_and_the_databases_entries_to_its_administrator(two_branches):
    """乙's secretary reads 乙's entries only; an administrator of the database also reads the entries
    of no branch (accounts, new branches, those written before 0015), on either branch."""
    from branchdesk.domain.auth import Principal, Role
    from branchdesk.services.audit import AuditQuery

    a, b = two_branches
    branch_of = _entries_by_branch(a)
    assert None in branch_of.values(), "adding 乙 was the database's entry"
    for ws in (a, b):
        ids = ws.audit.ids(AuditQuery())
        assert {branch_of[i] for i in ids} == {ws.branch_id, None}
        assert len(ids) == sum(1 for x in branch_of.values() if x in (ws.branch_id, None))
    secretary = Principal(username="zhongli", role=Role.COMMITTEE, display_name="钟离书记")
    admin, their_dossier = a.db.principal, a.development.all()[0].person.name
    a.db.sign_in(secretary)
    try:
        ids = b.audit.ids(AuditQuery())
        rows = b.audit.rows(ids)
        people = (b.audit.match_people("钟离乙申"), b.audit.match_people(their_dossier))
        theirs = b.audit.rows([i for i, x in branch_of.items() if x != b.branch_id][:50])
    finally:
        a.db.sign_in(admin)
    assert {branch_of[i] for i in ids} == {b.branch_id}
    assert [r.id for r in rows] == ids and any("钟离乙" in r.subject for r in rows)
    assert [len(p.dossier_ids) for p in people] == [1, 0], "乙's own dossier, not 甲's"
    assert theirs == [], "another branch's entry is not read by id either"


def test_the_committee_overview_counts_each_branchs_dues_arrears(two_branches):
    a, b = two_branches
    owing = a.dues.arrears(TODAY)
    assert owing, "the demo branch has members behind with their dues"
    demo, second = a.committee.overview(TODAY.year)
    found = b.committee.findings(demo.id, TODAY)
    assert (found.arrears_members, found.arrears_fen) == (len(owing), sum(x.amount_fen for x in owing))
    assert found.arrears_text.startswith(f"{len(owing)}人 ") and found.arrears_text.endswith("元")
    theirs = a.committee.findings(second.id, TODAY)
    assert (theirs.arrears_members, theirs.arrears_text) == (0, "无"), "乙 keeps no dues yet"


@pytest.fixture(scope="module")
def a_records(two_branches, tmp_path_factory):
    """甲's records the demo does not make: a meeting's and an activity's attachment, a transfer, a saved
    self-assessment (ids 乙 could be handed)."""
    a, _ = two_branches
    folder = tmp_path_factory.mktemp("attachments")
    scan = folder / "签到表.txt"
    scan.write_bytes("甲支部签到表".encode())
    member = _a_member(a)
    activity = a.activities.all()[0]
    rubric = a.readiness.rubric(None, TODAY.year)
    return {
        "meeting_attachment": a.meetings.add_attachment(_a_meeting(a).id, scan).id,
        "activity_attachment": a.activities.add_attachment(activity.id, scan).id,
        "transfer": a.transfers.transfer_in(
            member.id, dt.date(2026, 3, 2), "某大学党委", "某组转〔2026〕3号"
        ).id,
        "assessment": a.readiness.save_assessment(a.readiness.assess(TODAY.year, as_of=TODAY), on=TODAY),
        "evidence": a.readiness.attach(rubric.name, TODAY.year, rubric.dimensions[0].items[0].key, scan),
    }


#: reads of many ids, and lists with an optional filter by member: another branch's ids are skipped (match
#: nothing), as missing ones are; every read about one record is NotFoundError
LIST_READS = {"members.get_many", "development.get_many", "audit.rows", "dues.exemptions", "dues.payments",
              "study.records", "assignments.list"}  # fmt: skip


def _other_branch_reads():
    """Each read by id that 乙 could be handed one of 甲's ids for: one id is NotFoundError (as for an
    id that does not exist), a list of ids skips them."""
    from branchdesk.reports.transfers import transfer_letter
    from branchdesk.reports.word_docs import doc_spec, values_for

    def member(a):
        return _a_member(a).id

    def dossier(a):
        return a.development.all()[0].id

    return {
        "members.get": lambda a, b, r: b.members.get(member(a)),
        "members.get_many": lambda a, b, r: b.members.get_many([member(a)]),
        "members.status_history": lambda a, b, r: b.members.status_history(member(a)),
        "members.awards": lambda a, b, r: b.members.awards(member(a)),
        "development.get": lambda a, b, r: b.development.get(dossier(a)),
        "development.get_many": lambda a, b, r: b.development.get_many([dossier(a)]),
        "development.member_id": lambda a, b, r: b.development.member_id(dossier(a)),
        "development.overrides": lambda a, b, r: b.development.overrides(dossier(a)),
        "development.exclusions": lambda a, b, r: b.development.exclusions(dossier(a)),
        "development.history": lambda a, b, r: b.development.history(dossier(a)),
        "meetings.get": lambda a, b, r: b.meetings.get(_a_meeting(a).id),
        "meetings.attachment_content": lambda a, b, r: b.meetings.attachment_content(r["meeting_attachment"]),
        "activities.get": lambda a, b, r: b.activities.get(a.activities.all()[0].id),
        "activities.attachment_content": lambda a, b, r: b.activities.attachment_content(
            r["activity_attachment"]
        ),
        "activities.project": lambda a, b, r: b.activities.project(a.activities.projects()[0].id),
        "activities.for_member": lambda a, b, r: b.activities.for_member(member(a)),
        "assignments.get": lambda a, b, r: b.assignments.get(a.assignments.list()[0].id),
        "dues.member_assessments": lambda a, b, r: b.dues.member_assessments(member(a)),
        "dues.exemptions": lambda a, b, r: b.dues.exemptions(member(a)),
        "dues.payments": lambda a, b, r: b.dues.payments(member_id=member(a)),
        "assignments.list": lambda a, b, r: b.assignments.list(member_id=member(a)),
        "dues.member_months": lambda a, b, r: b.dues.member_months(member(a), TODAY.year),
        "dues.member_summary": lambda a, b, r: b.dues.member_summary(member(a), TODAY),
        "readiness.saved_copy": lambda a, b, r: b.readiness.saved_copy(r["assessment"]),
        "readiness.attachment_content": lambda a, b, r: b.readiness.attachment_content(r["evidence"]),
        "study.member_hours": lambda a, b, r: b.study.member_hours(member(a), TODAY.year - 1),
        "study.records": lambda a, b, r: b.study.records(member_id=member(a)),
        "transfers.get": lambda a, b, r: b.transfers.get(r["transfer"]),
        "transfers.of_member": lambda a, b, r: b.transfers.of_member(member(a)),
        "audit.rows": lambda a, b, r: b.audit.rows(
            [i for i, x in _entries_by_branch(a).items() if x == a.branch_id][:20]
        ),
        "reports.transfer_letter": lambda a, b, r: transfer_letter(b, r["transfer"]),
        "reports.docs --person": lambda a, b, r: values_for(
            b, doc_spec("assessment_form"), person=str(dossier(a)), today=TODAY
        ),
    }


@pytest.mark.parametrize("read", sorted(_other_branch_reads()))
def test_a_read_with_another_branchs_id_finds_nothing(two_branches, a_records, read):
    """A stale window, a typed number, a command-line id: 乙 is handed one of 甲's ids. 甲's record is not
    found, exactly as an id that does not exist; nothing of it is returned."""
    from branchdesk.domain.errors import NotFoundError

    a, b = two_branches
    _other_branch_reads()[read](a, a, a_records)  # 甲 reads its own
    try:
        got = _other_branch_reads()[read](a, b, a_records)
    except NotFoundError as exc:
        assert read not in LIST_READS and ("找不到编号为" in str(exc) or "没有找到" in str(exc)), str(exc)
    else:
        assert read in LIST_READS and not got, f"乙's {read} returns 甲's record: {got!r}"


def test_the_workbench_shows_the_branchs_latest_changes(two_branches, a_records):
    """乙's 工作台 lists 乙's latest changes (as its audit page does), not those 甲 made since."""
    from branchdesk.services.audit import AuditQuery

    a, b = two_branches
    for ws in (a, b):
        shown = ws.audit.rows(ws.audit.ids(AuditQuery())[:8])
        assert [(r.user, r.text) for r in ws.workbench.recent(8)] == [(r.user, r.operation) for r in shown]
    assert "添加会议附件" not in {r.text for r in b.workbench.recent(8)}


def test_the_exported_audit_log_of_a_branch_holds_its_entries_only(two_branches, a_records):
    """The 审计日志 export (the audit page's ledger) of 乙: 乙's entries, none of 甲's."""
    from branchdesk.reports.audit_log import audit_ledger
    from branchdesk.services.audit import AuditQuery

    a, b = two_branches
    branch_of = _entries_by_branch(a)
    ledger = audit_ledger(b, AuditQuery())
    assert len(ledger.rows) == sum(1 for x in branch_of.values() if x in (b.branch_id, None))
    operations = {row[3] for row in ledger.rows}
    assert "新增党员" in operations or any("钟离" in repr(r) for r in ledger.rows)
    assert not {"添加会议附件", "添加活动附件", "组织关系转入"} & operations, "甲's entries"


def test_an_activity_is_not_linked_to_another_branchs_brand_project(two_branches):
    from branchdesk.domain.activities import Activity
    from branchdesk.domain.members import ValidationError

    a, b = two_branches
    theirs = a.activities.projects()[0].id
    with pytest.raises(ValidationError, match="找不到所选的党建品牌项目"):
        b.activities.save(Activity(dt.date(2026, 10, 1), "志愿服务", "钟离乙活动", project_id=theirs))


def test_an_admission_does_not_take_over_another_branchs_member_file(db, ws):
    """The approval of an admission makes the member file in the dossier's branch. A file with the same
    ID number in another branch is not linked (nor, at the conversion, changed from here): the ID number's
    check refuses the step (the person's file must be transferred first), and nothing is written."""
    from branchdesk.domain.citizen_id import make_citizen_id
    from branchdesk.domain.development import Approval, Step
    from branchdesk.domain.members import ValidationError
    from tests.unit.dev_builders import complete

    number = make_citizen_id("110105", dt.date(1995, 5, 1), 21, "男")
    theirs = ws.members.create(MemberFields(name="李明", id_number=number, join_date=dt.date(2015, 7, 1)))
    students = Workspace.open(db, ws.branch.add_branch("学生第一党支部", "测试学院党委").id)
    d = admitted()
    dossier_id = students.development.save(
        replace(d, id=None, person=replace(d.person, id_number=number), talks=complete().talks)
    )
    approved = complete().approval.date
    with pytest.raises(ValidationError, match="公民身份号码重复"):
        students.development.record(
            dossier_id, Step.APPROVAL, {"approval": Approval(approved)}, as_of=approved
        )
    assert (
        students.development.member_id(dossier_id) is None
        and students.development.get(dossier_id).approval is None
    )
    assert ws.members.get(theirs.id) == theirs
