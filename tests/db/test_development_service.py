"""The development service against a real database (SQLite, and PostgreSQL when a server is given).

A branch secretary follows people from the application letter on: steps the rules allow are saved,
a step a blocking rule forbids is refused with nothing written, a late step is saved once a reason
is recorded (and the reason is kept), votes are counted against the roster of the meeting date, and
every change leaves an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry
from branchdesk.db.models_development import DevelopmentDossier, DossierOverride, DossierTalk
from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DossierItem,
    Extension,
    Outcome,
    Period,
    Person,
    Sponsor,
    Standing,
    Step,
    Talk,
    TalkKind,
    ThoughtReport,
)
from branchdesk.domain.members import MemberFields, ValidationError
from branchdesk.domain.votes import Vote
from branchdesk.services.development import (
    DossierQuery,
    NeedsReason,
    NotFoundError,
    StepRefused,
    VoteExclusion,
    setting_key,
)
from branchdesk.services.members import StatusChange
from tests.unit.dev_builders import admitted, complete

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def dev(ws):
    return ws.development


def audit_rows(db, operation: str | None = None, entity: str | None = None) -> list[AuditEntry]:
    with db.read() as session:
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if operation is not None:
            stmt = stmt.where(AuditEntry.operation == operation)
        if entity is not None:
            stmt = stmt.where(AuditEntry.entity == entity)
        return list(session.scalars(stmt))


def count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def ready_for_meeting():
    """李明's story cut just before the general meeting that is to admit him."""
    return replace(admitted(), id=None, admission_meeting_date=None, admission_vote=None)


# ---- create and record ----------------------------------------------------------------------------
def test_a_new_applicant_is_stored_with_sex_from_the_id_number_and_audited(db, dev):
    number = make_citizen_id("110105", dt.date(2001, 4, 9), 3, "女")
    d = dev.create(Person("赵小雨", dt.date(2001, 4, 9), number), dt.date(2026, 10, 8))
    assert d.id is not None
    assert (d.person.name, d.application_date, d.standing) == (
        "赵小雨",
        dt.date(2026, 10, 8),
        Standing.APPLICANT,
    )
    [summary] = dev.list()
    assert (summary.name, summary.sex, summary.last_step, summary.last_date) == (
        "赵小雨", "女", Step.APPLICATION, dt.date(2026, 10, 8),
    )  # fmt: skip
    entries = audit_rows(db, "新建发展党员档案", "dossier")
    assert [(e.action, e.entity_id, e.user) for e in entries] == [("insert", d.id, "测试用户")]
    assert entries[0].changes["name"] == [None, "赵小雨"]
    assert dev.find_by_id_number(number.lower()) == d.id


def test_recording_an_allowed_step_saves_it_without_findings(db, dev):
    d = dev.create(Person("钱进", dt.date(1998, 2, 1)), dt.date(2026, 10, 8))
    talk = Talk(TalkKind.FIRST, dt.date(2026, 10, 20), ("王书记", "李委员"), "党员活动室", "了解入党动机")
    result = dev.record(d.id, Step.FIRST_TALK, {"talks": talk}, as_of=TODAY)
    assert result.findings == []
    assert result.dossier.first_talk == talk
    assert dev.get(d.id).talks == (talk,)
    [entry] = audit_rows(db, "记录发展步骤：第2步 党组织派人谈话", "dossier_talk")
    assert entry.changes["interviewers"] == [None, ["王书记", "李委员"]]
    assert dev.overrides(d.id) == []


def test_an_applicant_under_eighteen_is_refused_and_nothing_is_written(db, dev):
    d = dev.create(Person("孙小小", dt.date(2009, 1, 1)))
    audit_before = len(audit_rows(db))
    with pytest.raises(StepRefused) as caught:
        dev.record(d.id, Step.APPLICATION, {"application_date": dt.date(2026, 11, 2)}, as_of=TODAY)
    assert [f.code for f in caught.value.blocking] == ["DEV-AGE"]
    message = str(caught.value)
    assert message.startswith("不能记录这一步：") and "18" in message and "DEV-AGE" in message
    assert dev.get(d.id).application_date is None
    assert len(audit_rows(db)) == audit_before, "a refused step leaves no trace in the audit log"
    # a reason does not unlock a blocking rule
    with pytest.raises(StepRefused):
        dev.record(d.id, Step.APPLICATION, {"application_date": dt.date(2026, 11, 2)}, as_of=TODAY,
                   reasons={"DEV-AGE": "本人坚持"})  # fmt: skip
    assert count(db, DossierOverride) == 0


def test_an_admission_vote_short_by_one_yes_is_refused_and_one_more_passes(db, dev):
    dossier_id = dev.save(ready_for_meeting())
    meeting = dt.date(2024, 8, 1)
    with pytest.raises(StepRefused) as caught:
        dev.record(dossier_id, Step.ADMISSION_VOTE,
                   {"admission_meeting_date": meeting, "admission_vote": Vote(16, 9, 8, 1)},
                   as_of=meeting)  # fmt: skip
    assert "DEV-VOTE-MAJORITY" in [f.code for f in caught.value.blocking], "8 of 16 is exactly half: fails"
    assert dev.get(dossier_id).admission_vote is None
    result = dev.record(dossier_id, Step.ADMISSION_VOTE,
                        {"admission_meeting_date": meeting, "admission_vote": Vote(16, 9, 9)},
                        as_of=meeting)  # fmt: skip
    assert result.dossier.standing is Standing.PROBATIONARY
    assert result.dossier.admission_vote == Vote(16, 9, 9)


def test_a_late_talk_needs_a_reason_then_is_saved_with_the_reason_kept(db, dev):
    d = dev.create(Person("周迟", dt.date(1990, 6, 1)), dt.date(2026, 9, 1))
    late = {"talks": Talk(TalkKind.FIRST, dt.date(2026, 10, 20), ("王书记",))}
    with pytest.raises(NeedsReason) as caught:
        dev.record(d.id, Step.FIRST_TALK, late, as_of=TODAY)
    assert caught.value.codes == ["DEV-TALK-1M"]
    assert str(caught.value).startswith("以下提醒需要填写理由后才能继续：")
    assert dev.get(d.id).talks == ()
    with pytest.raises(NeedsReason):  # a blank reason is no reason
        dev.record(d.id, Step.FIRST_TALK, late, as_of=TODAY, reasons={"DEV-TALK-1M": "  "})
    assert count(db, DossierTalk) == 0

    result = dev.record(
        d.id, Step.FIRST_TALK, late, as_of=TODAY, reasons={"DEV-TALK-1M": "书记外出学习一个月"}
    )
    assert [f.code for f in result.findings] == ["DEV-TALK-1M"]
    assert result.dossier.first_talk.date == dt.date(2026, 10, 20)
    [override] = dev.overrides(d.id)
    assert (override.code, override.step, override.reason, override.user) == (
        "DEV-TALK-1M", Step.FIRST_TALK, "书记外出学习一个月", "测试用户",
    )  # fmt: skip
    assert "谈话" in override.message and override.at.tzinfo is not None
    assert audit_rows(db, entity="dossier_override")[0].changes["reason"] == [None, "书记外出学习一个月"]


def test_an_unknown_dossier_is_reported(dev):
    with pytest.raises(NotFoundError, match="找不到"):
        dev.get(999)
    with pytest.raises(NotFoundError):
        dev.record(999, Step.FIRST_TALK, {}, as_of=TODAY)


# ---- save / get ---------------------------------------------------------------------------------
def fully_populated():
    """Every field of a dossier set (not a lawful history: storage must keep anything imported)."""
    d = complete()
    return replace(
        d,
        id=None,
        person=Person("李明", dt.date(1995, 5, 1), make_citizen_id("110105", dt.date(1995, 5, 1), 7, "男")),
        talks=(*d.talks, Talk(TalkKind.ACTIVIST, dt.date(2023, 9, 9), ("张华", "刘芳"), "教研室", "谈心谈话"),
               Talk(TalkKind.CONVERSION, dt.date(2025, 7, 20))),
        activist_publicity=Period(dt.date(2023, 6, 2), dt.date(2023, 6, 8)),
        contacts=(ContactPerson("张华", True, dt.date(2023, 6, 5), None), ContactPerson("赵六", False, None)),
        assessments=(*d.assessments, Assessment(dt.date(2024, 11, 30), "")),
        thought_reports=(*d.thought_reports, ThoughtReport(dt.date(2024, 3, 1), "学习二十大精神体会")),
        sponsors=(Sponsor("张华"), Sponsor("钱七", False, True)),
        approval=Approval(d.approval.date, "上级党委集中审批，延期一个月"),
        extensions=(Extension(dt.date(2025, 8, 1), 6, Vote(16, 12, 10, 1, 1, 1, 0, 0, False), "考察不足"),
                    Extension(dt.date(2026, 2, 1), 12, None, "")),
        conversion_approval=Approval(d.conversion_approval.date, "材料补正"),
        checklist=frozenset({DossierItem.APPLICATION, DossierItem.VOLUNTEER_FORM}),
        rejected_on=dt.date(2024, 1, 10),
        transferred_in_date=dt.date(2023, 5, 1),
        outcome=Outcome.TRANSFERRED_OUT,
        outcome_date=dt.date(2026, 3, 1),
        outcome_reason="工作调动",
        outcome_vote=Vote(10, 8, 6, 2),
    )  # fmt: skip


def test_a_fully_populated_dossier_reads_back_exactly_as_saved(db, dev):
    original = fully_populated()
    dossier_id = dev.save(original)
    assert dev.get(dossier_id) == replace(original, id=dossier_id)
    assert dev.all() == [replace(original, id=dossier_id)]


def test_saving_an_unchanged_dossier_writes_nothing_and_a_change_only_what_changed(db, dev):
    dossier_id = dev.save(fully_populated())
    stored = dev.get(dossier_id)
    before = len(audit_rows(db))
    assert dev.save(stored) == dossier_id
    assert len(audit_rows(db)) == before, "nothing changed, nothing audited"

    changed = replace(stored, oath_date=dt.date(2024, 9, 10), sponsors=(Sponsor("张华"), Sponsor("刘芳")))
    dev.save(changed)
    assert dev.get(dossier_id) == changed
    entries = audit_rows(db)[before:]
    assert {(e.entity, e.action) for e in entries} == {
        ("dossier", "update"), ("dossier_sponsor", "delete"), ("dossier_sponsor", "insert"),
    }  # fmt: skip
    [update] = [e for e in entries if e.entity == "dossier"]
    assert set(update.changes) == {"oath_date"}


def test_many_new_dossiers_are_saved_in_one_batch_with_an_audit_entry_per_row(db, dev):
    people = [replace(fully_populated(), person=Person(f"成员{i}")) for i in range(3)]
    ids = dev.save_many(
        [*people, replace(ready_for_meeting(), person=Person("单独"))], operation="导入发展台账"
    )
    assert len(set(ids)) == 4
    assert dev.get_many(ids[:3]) == [replace(p, id=i) for p, i in zip(people, ids[:3], strict=True)]
    inserted = [e for e in audit_rows(db, "导入发展台账") if e.entity == "dossier"]
    assert sorted(e.entity_id for e in inserted) == sorted(ids)
    talk_entries = [e for e in audit_rows(db, "导入发展台账") if e.entity == "dossier_talk"]
    assert len(talk_entries) == 3 * 4 + 1 and all(e.entity_id for e in talk_entries)


def test_a_fake_exclusion_is_refused_and_a_real_one_needs_its_kind_and_approval(db, dev):
    """应到 as the texts define it (domain.md §9): 出差 is an absence, never an exclusion."""
    from branchdesk.domain.votes import Exclusion, ExclusionKind

    dossier_id = dev.save(ready_for_meeting())
    meeting = dt.date(2024, 8, 1)
    values = {"admission_meeting_date": meeting, "admission_vote": Vote(15, 10, 9)}
    for fake in (VoteExclusion("吴差", "出差"), VoteExclusion("吴假", "请假"), VoteExclusion("吴空", " ")):
        with pytest.raises(ValidationError, match="不能不计入应到人数") as refused:
            dev.record(
                dossier_id, Step.ADMISSION_VOTE, values, as_of=meeting, exclusions={"admission_vote": [fake]}
            )
        if fake.reason.strip():
            assert f"“{fake.reason}”是缺席的原因" in str(refused.value)
    no_approval = VoteExclusion("吴病", "", exclusion=Exclusion(ExclusionKind.INFIRM))
    with pytest.raises(ValidationError, match="未记录上级党组织同意的日期"):
        dev.record(
            dossier_id,
            Step.ADMISSION_VOTE,
            values,
            as_of=meeting,
            exclusions={"admission_vote": [no_approval]},
        )
    assert dev.get(dossier_id).admission_vote is None, "nothing written"

    real = Exclusion(
        ExclusionKind.INFIRM, dt.date(2024, 7, 20), "某某学院党委", "2024年7月25日支部党员大会决定"
    )
    dev.record(dossier_id, Step.ADMISSION_VOTE, values, as_of=meeting,
               exclusions={"admission_vote": [VoteExclusion("吴病", "长期卧床", exclusion=real)]})  # fmt: skip
    [kept] = dev.exclusions(dossier_id)["admission_vote"]
    assert (kept.name, kept.exclusion.kind, kept.exclusion.approved_on, kept.exclusion.approved_by) == (
        "吴病",
        ExclusionKind.INFIRM,
        dt.date(2024, 7, 20),
        "某某学院党委",
    )
    dev.save(replace(dev.get(dossier_id), oath_date=None))
    assert dev.exclusions(dossier_id)["admission_vote"][0].exclusion == replace(real, note="长期卧床")


def test_closing_a_dossier_needs_a_reason_and_takes_it_off_the_board(db, dev):
    d = dev.create(Person("郑退", dt.date(1999, 1, 1)), dt.date(2026, 3, 1))
    with pytest.raises(ValidationError, match="终止原因"):
        dev.close(d.id, Outcome.WITHDRAWN, dt.date(2026, 6, 1), "")
    closed = dev.close(d.id, Outcome.WITHDRAWN, dt.date(2026, 6, 1), "本人书面撤回申请")
    assert closed.standing is Standing.CLOSED and closed.stage is None
    assert dev.all(include_closed=False) == []
    assert [s.closed for s in dev.list()] == [True]


def test_list_searches_by_name_pinyin_and_id_number(dev):
    dev.create(
        Person("张伟", None, make_citizen_id("110105", dt.date(1990, 1, 1), 1, "男")), dt.date(2026, 1, 5)
    )
    dev.create(Person("李娜"), dt.date(2026, 2, 5))
    dev.create(Person("张丽"), dt.date(2026, 3, 5))
    assert [s.name for s in dev.list(DossierQuery(text="zh"))] == ["张丽", "张伟"]
    assert [s.name for s in dev.list(DossierQuery(text="19900101"))] == ["张伟"]
    assert [s.name for s in dev.list(DossierQuery(text="娜"))] == ["李娜"]
    assert [s.name for s in dev.list(DossierQuery(sort="application_date"))] == ["张伟", "李娜", "张丽"]


# ---- rule context and audit ---------------------------------------------------------------------
def test_rule_settings_come_from_the_branch_settings_with_national_defaults(ws, db, dev, branch):
    assert dev.rule_context(TODAY).settings.publicity_working_days == 5
    ws.settings.set(setting_key("publicity_working_days"), 7)
    ws.settings.set(setting_key("training_min_hours"), "40")
    ctx = dev.rule_context(TODAY)
    assert (ctx.settings.publicity_working_days, ctx.settings.training_min_hours) == (7, 40)
    assert ctx.settings.training_min_days == 3 and ctx.as_of == TODAY


def test_check_finds_an_overdue_talk_only_once_it_is_overdue(dev):
    dev.create(Person("冯等", dt.date(1996, 1, 1)), dt.date(2026, 10, 8))
    assert dev.check(dt.date(2026, 11, 1)) == []
    [finding] = dev.check(dt.date(2026, 11, 20))
    assert (finding.code, finding.person, finding.overdue) == ("DEV-TALK-1M", "冯等", True)
    [item] = [i for i in dev.due(dt.date(2026, 11, 20)) if i.step is Step.FIRST_TALK]
    assert item.overdue and item.due == dt.date(2026, 11, 8)


# ---- who votes on a meeting date ----------------------------------------------------------------
def test_the_electorate_of_a_meeting_date_counts_full_members_only(db, members, dev):
    def member(name, seq, **values):
        born = dt.date(1980, 1, seq)
        values.setdefault("join_date", dt.date(2005, 7, 1))
        values.setdefault("conversion_date", dt.date(2006, 7, 1))
        return members.create(
            MemberFields(name=name, id_number=make_citizen_id("110105", born, seq, "男"), **values)
        ).id

    member("全勤", 1)
    member("察看", 2, watch_until=dt.date(2026, 12, 31))
    member("预备", 3, member_type="probationary", join_date=dt.date(2026, 3, 1), conversion_date=None)
    member("新转正", 4, join_date=dt.date(2025, 6, 1), conversion_date=dt.date(2026, 6, 1))
    gone = member("调走", 5)
    members.change_status(gone, StatusChange("transferred_out", dt.date(2026, 2, 1), "工作调动"))
    sick = member("卧床", 6)

    may = dev.ws.roster.electorate(dt.date(2026, 5, 1))
    assert sorted(v.name for v in may.voters) == sorted(["全勤", "卧床"])
    reasons = {v.name: why for v, why in may.non_voters}
    assert set(reasons) == {"察看", "预备", "新转正"}
    assert "留党察看" in reasons["察看"] and "预备党员" in reasons["预备"]
    assert "调走" not in reasons, "a member transferred out before the meeting is not on its roster"

    from branchdesk.domain.votes import Exclusion, ExclusionKind

    approved = Exclusion(
        ExclusionKind.INFIRM, dt.date(2026, 6, 20), "某某学院党委", "2026年6月25日支部党员大会决定"
    )
    july = dev.ws.roster.electorate(dt.date(2026, 7, 1), excluded={sick: approved})
    assert sorted(v.name for v in july.voters) == sorted(["全勤", "新转正"])
    assert july.expected == 2
    assert "年老体弱卧床不起" in dict((v.name, why) for v, why in july.non_voters)["卧床"]
    not_approved = Exclusion(ExclusionKind.INFIRM)
    assert dev.ws.roster.electorate(dt.date(2026, 7, 1), excluded={sick: not_approved}).expected == 3, (
        "no approval: a voter"
    )

    january = dev.ws.roster.electorate(dt.date(2026, 1, 15))
    assert "调走" in [v.name for v in january.voters], "still in the branch before the transfer"
    assert dev.ws.roster.electorate(dt.date(2027, 1, 2)).expected == 4, "the watch is over in 2027"


def test_a_dossier_is_linked_to_its_member_file(db, members, dev):
    dossier_id = dev.save(ready_for_meeting())
    member_id = members.create(MemberFields(name="李明", member_type="probationary",
                                            join_date=dt.date(2024, 8, 1))).id  # fmt: skip
    dev.link_member(dossier_id, member_id)
    assert dev.member_id(dossier_id) == member_id
    assert dev.list()[0].member_id == member_id
    with db.read() as session:
        assert session.get(DevelopmentDossier, dossier_id).member_id == member_id


def test_a_dossier_entered_by_mistake_is_deleted_with_its_records_and_the_audit_keeps_them(db, dev):
    dossier_id = dev.save(fully_populated())
    keep = dev.save(ready_for_meeting())
    dev.delete(dossier_id)
    assert [d.id for d in dev.all()] == [keep]
    with pytest.raises(NotFoundError):
        dev.get(dossier_id)
    deleted = {e.entity for e in audit_rows(db, "删除发展党员档案")}
    assert {"dossier", "dossier_talk", "dossier_vote", "dossier_checklist_item"} <= deleted
    assert count(db, DossierTalk) == len(dev.get(keep).talks)


def test_a_reimported_ledger_row_keeps_what_the_ledger_has_no_column_for():
    from branchdesk.services.development import keep_unrecorded

    stored = replace(complete(), id=7)
    first = stored.talks[0]
    # what a ledger row gives back: dates and names, no place or summary, no decision bodies
    imported = replace(
        stored, id=None, talks=(replace(first, place="", summary=""),), activist_decided_by=None,
        oath_date=dt.date(2024, 9, 1),
    )  # fmt: skip
    merged = keep_unrecorded(stored, imported)
    assert merged.id == 7
    assert merged.talks[0] == first, "place and summary of the same talk are kept"
    assert merged.higher_talk == stored.higher_talk, "a talk the ledger does not list is kept"
    assert merged.activist_decided_by is stored.activist_decided_by
    assert merged.oath_date == dt.date(2024, 9, 1), "what the ledger does say wins"


def test_reading_every_dossier_takes_the_same_few_queries_for_three_or_thirty(db, dev, monkeypatch):
    from sqlalchemy import event

    from branchdesk.services import dev_mapping

    statements = []
    monkeypatch.setattr(dev_mapping, "_fetch", _counting(dev_mapping._fetch, statements))

    def on_execute(*_args):
        statements.append("orm")

    event.listen(db.engine, "before_cursor_execute", on_execute)
    try:
        dev.save_many([replace(fully_populated(), person=Person(f"甲{i}")) for i in range(3)])
        statements.clear()
        assert len(dev.all()) == 3
        few = len(statements)
        dev.save_many([replace(fully_populated(), person=Person(f"乙{i}")) for i in range(27)])
        statements.clear()
        assert len(dev.all()) == 30
    finally:
        event.remove(db.engine, "before_cursor_execute", on_execute)
    assert len(statements) == few <= 14, "one SELECT per table, however many dossiers"


def _counting(fetch, log):
    def counted(connection, stmt):
        log.append(stmt)
        return fetch(connection, stmt)

    return counted


# ---- the roster follows the dossier -----------------------------------------------------------------
def awaiting_approval(id_number: str):
    """李明 voted in by the general meeting of 1 Aug 2024 and talked to by the higher committee."""
    d = admitted()
    return replace(d, id=None, person=replace(d.person, id_number=id_number), talks=complete().talks)


def test_approval_makes_a_probationary_member_and_conversion_a_full_one(db, ws, dev):
    from branchdesk.domain.development import Approval
    from branchdesk.services.members import MemberQuery

    number = make_citizen_id("110105", dt.date(1995, 5, 1), 21, "男")
    dossier_id = dev.save(awaiting_approval(number))
    members = ws.members
    assert members.find_by_id_number(number) is None  # voted in, not yet approved: not on the roster

    approved = complete().approval.date
    dev.record(dossier_id, Step.APPROVAL, {"approval": Approval(approved)}, as_of=approved)
    member = members.find_by_id_number(number)
    assert (member.name, member.member_type, member.join_date) == (
        "李明",
        "probationary",
        dt.date(2024, 8, 1),
    )
    assert member.sex == "男" and member.birth_date == dt.date(1995, 5, 1)
    assert dev.member_id(dossier_id) == member.id
    assert member.id in members.search_ids(MemberQuery(text="lm"))

    d = complete()
    converted = {
        "conversion_meeting_date": d.conversion_meeting_date,
        "conversion_vote": d.conversion_vote,
        "conversion_application_date": d.conversion_application_date,
        "assignment_date": d.assignment_date,
        "oath_date": d.oath_date,
    }
    dev.save(replace(dev.get(dossier_id), **converted))
    dev.record(
        dossier_id,
        Step.CONVERSION_APPROVAL,
        {"conversion_approval": Approval(d.conversion_approval.date)},
        as_of=d.conversion_approval.date,
    )
    member = members.get(member.id)
    assert member.member_type == "full"
    assert member.conversion_date == dt.date(2025, 8, 1)  # a year after the admission meeting
    assert [e.operation for e in audit_rows(db, entity="member")][
        -1
    ] == "记录发展步骤：第24步 上级党委审批（预备党员转正）"


def test_approval_links_an_existing_member_file_instead_of_making_a_second(ws, dev):
    from branchdesk.domain.development import Approval
    from branchdesk.services.members import MemberQuery

    number = make_citizen_id("110105", dt.date(1995, 5, 1), 22, "男")
    members = ws.members
    existing = members.create(
        MemberFields(name="李明", id_number=number, member_type="probationary", join_date=dt.date(2024, 8, 1))
    )
    dossier_id = dev.save(awaiting_approval(number))
    approved = complete().approval.date
    dev.record(dossier_id, Step.APPROVAL, {"approval": Approval(approved)}, as_of=approved)
    assert dev.member_id(dossier_id) == existing.id
    assert members.count(MemberQuery(text="李明")) == 1


def test_cancelling_the_probation_takes_the_member_off_the_roster_with_the_same_reason(ws, dev):
    from branchdesk.domain.development import Approval
    from branchdesk.services.members import MemberQuery

    number = make_citizen_id("110105", dt.date(1995, 5, 1), 23, "男")
    dossier_id = dev.save(awaiting_approval(number))
    approved = complete().approval.date
    dev.record(dossier_id, Step.APPROVAL, {"approval": Approval(approved)}, as_of=approved)
    members = ws.members
    member_id = dev.member_id(dossier_id)
    assert member_id in members.search_ids(MemberQuery())

    dev.close(
        dossier_id, Outcome.CANCELLED, dt.date(2025, 3, 1), "预备期内不履行党员义务，经支部大会讨论取消"
    )
    record = members.get(member_id)
    assert (record.status, record.status_date) == ("cancelled", dt.date(2025, 3, 1))
    assert member_id not in members.search_ids(MemberQuery())
    [change] = members.status_history(member_id)
    assert change.reason == "预备期内不履行党员义务，经支部大会讨论取消"
