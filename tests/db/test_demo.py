"""`branchdesk demo`: a fictional branch whose every file would pass an inspector's checks."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import func, select

from branchdesk.db.models import AuditEntry, Member
from branchdesk.domain.citizen_id import parse_citizen_id
from branchdesk.domain.dates import add_months, add_years
from branchdesk.domain.members import validate
from branchdesk.domain.phone import validate_landline, validate_mobile
from branchdesk.domain.vocab import AwardKind, CommitteePost, MemberStatus, MemberType
from branchdesk.services.demo import DemoRefusedError, dues_monthly_fen, generate
from branchdesk.services.members import MemberQuery
from branchdesk.workspace import Workspace

TODAY = dt.date(2026, 11, 23)
MEMBERS = 150


def _open(path):
    from branchdesk.config import resolve_location
    from branchdesk.db.migrate import open_database

    db, _ = open_database(resolve_location(str(path)), user="测试用户")
    return db


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One demo database shared by the read-only tests of this module."""
    db = _open(tmp_path_factory.mktemp("demo") / "demo.sqlite")
    calls: list[tuple[int, int]] = []
    summary = generate(db, members=MEMBERS, seed=3, today=TODAY, progress=lambda d, t: calls.append((d, t)))
    records = Workspace.open(db).members.records(MemberQuery(statuses=None))
    yield db, summary, records, calls
    db.dispose()


def _active(records):
    return [r for r in records if r.status == MemberStatus.ACTIVE.value]


# ---- every file is valid ------------------------------------------------------------------------
def test_every_generated_file_passes_validation(demo):
    _, summary, records, _ = demo
    assert len(records) == summary.records == MEMBERS + summary.transferred_out + summary.deceased
    problems = {r.name: [str(i) for i in validate(r.editable(), today=TODAY)] for r in records}
    assert {name: issues for name, issues in problems.items() if issues} == {}


def test_citizen_ids_are_valid_unique_and_match_birth_date_and_sex(demo):
    _, _, records, _ = demo
    numbers = [r.id_number for r in records]
    assert len(set(numbers)) == len(numbers)
    for r in records:
        info = parse_citizen_id(r.id_number, today=TODAY)
        assert (info.birth_date, info.sex) == (r.birth_date, r.sex)
        assert dt.date(1959, 1, 1) <= r.birth_date <= dt.date(2004, 12, 31)
    sexes = Counter(r.sex for r in records)
    assert sexes["男"] > 0.3 * len(records) and sexes["女"] > 0.3 * len(records)
    assert Counter(r.ethnicity for r in records).most_common(1)[0][0] == "汉族"
    assert len({r.ethnicity for r in records}) > 1


def test_phones_are_valid_and_mobiles_unique(demo):
    _, _, records, _ = demo
    mobiles = [r.mobile for r in records]
    assert len(set(mobiles)) == len(mobiles)
    assert all(validate_mobile(m) is None for m in mobiles)
    landlines = [r.landline for r in records if r.landline]
    assert landlines and all(validate_landline(x) is None for x in landlines)


def test_party_dates_obey_the_rules(demo):
    _, _, records, _ = demo
    extended = 0
    for r in records:
        assert r.join_date >= add_years(r.birth_date, 18), r.name
        assert r.activist_date <= add_years(r.join_date, -1), f"{r.name}: activist less than a year"
        if r.work_start_date:
            assert r.work_start_date >= add_years(r.birth_date, 18), r.name
        if r.transferred_in_date:
            assert r.join_date <= r.transferred_in_date <= TODAY
        if r.member_type == MemberType.FULL.value:
            on_time = add_years(r.join_date, 1)
            assert r.conversion_date in (on_time, add_months(r.join_date, 18), add_months(r.join_date, 24))
            assert r.conversion_date <= TODAY
            extended += r.conversion_date != on_time
        else:
            assert r.conversion_date is None
            assert add_years(TODAY, -1) < r.join_date <= TODAY, f"{r.name} joined over a year ago"
    assert extended >= 2


def test_about_one_in_eleven_active_members_is_probationary(demo):
    _, summary, records, _ = demo
    active = _active(records)
    probationary = [r for r in active if r.member_type == MemberType.PROBATIONARY.value]
    assert len(active) == MEMBERS
    assert len(probationary) == summary.probationary
    assert 0.08 * MEMBERS <= len(probationary) <= 0.10 * MEMBERS + 1
    assert summary.full + summary.probationary == MEMBERS


# ---- structure: groups, committee, history ------------------------------------------------------
def test_party_groups_of_eight_to_twelve_members_each_with_one_leader(demo):
    db, summary, records, _ = demo
    groups = Workspace.open(db).branch.groups()
    assert len(groups) == summary.groups
    assert [g.name for g in groups[:3]] == ["第一党小组", "第二党小组", "第三党小组"]
    assert 8 <= MEMBERS / len(groups) <= 12
    assert all(g.member_count > 0 for g in groups)
    leaders = Counter(r.group_name for r in _active(records) if r.is_group_leader)
    assert sorted(leaders) == sorted(g.name for g in groups)
    assert set(leaders.values()) == {1}
    for r in records:
        if r.is_group_leader:
            assert r.member_type == MemberType.FULL.value and "党小组组长" in r.party_post


def test_committee_has_the_five_posts_and_a_previous_term(demo):
    db, summary, records, _ = demo
    branch = Workspace.open(db).branch
    by_id = {r.id: r for r in records}
    current = branch.committee()
    assert {s.post for s in current} == {
        CommitteePost.SECRETARY,
        CommitteePost.DEPUTY,
        CommitteePost.ORGANISATION,
        CommitteePost.PROPAGANDA,
        CommitteePost.DISCIPLINE,
    }
    assert len(current) == summary.committee == 5
    profile = branch.profile()
    for seat in current:
        member = by_id[seat.member_id]
        assert seat.term_end == add_years(seat.term_start, 3)
        assert (seat.term_start, seat.term_end) == (profile.committee_term_start, profile.committee_term_end)
        assert seat.term_start <= TODAY < seat.term_end
        assert member.status == MemberStatus.ACTIVE.value
        assert member.conversion_date <= seat.term_start, "only full members sit on the committee"
        assert seat.post_label in member.party_post
    secretary = next(s for s in current if s.post == CommitteePost.SECRETARY)
    assert summary.secretary == secretary.member_name

    ended = [s for s in branch.committee(include_ended=True) if s.ended_on is not None]
    assert len(ended) == 5
    assert all(s.term_end == s.ended_on == secretary.term_start for s in ended)
    former_secretary = next(s for s in ended if s.post == CommitteePost.SECRETARY)
    assert by_id[former_secretary.member_id].status == MemberStatus.TRANSFERRED_OUT.value
    assert len({s.member_id for s in ended} & {s.member_id for s in current}) == 2  # re-elected


def test_history_transfers_death_lost_contact_and_mobile_members(demo):
    db, summary, records, _ = demo
    service = Workspace.open(db).members
    statuses = Counter(r.status for r in records)
    assert statuses[MemberStatus.TRANSFERRED_OUT.value] == summary.transferred_out >= 2
    assert statuses[MemberStatus.DECEASED.value] == summary.deceased >= 1
    for r in records:
        if r.status == MemberStatus.ACTIVE.value:
            continue
        history = service.status_history(r.id)
        assert len(history) == 1 and history[0].to_status == r.status and history[0].date == r.status_date
        assert r.status_date <= TODAY and r.status_reason
        if r.status == MemberStatus.TRANSFERRED_OUT.value:
            assert history[0].letter_no.startswith("示大信党转〔")
            assert history[0].destination and history[0].letter_valid_until > history[0].date
    # lost contact for more than six months: a suspension review is due
    lost = [r for r in records if r.lost_contact]
    assert len(lost) == summary.lost_contact >= 1
    assert all(r.lost_contact_since <= add_months(TODAY, -6) for r in lost)
    mobile = [r for r in records if r.is_mobile_member]
    assert len(mobile) == summary.mobile_members >= 2
    assert all(r.mobile_whereabouts for r in mobile)


def test_awards_punishments_and_branch_honours(demo):
    db, summary, records, _ = demo
    service = Workspace.open(db).members
    kinds = Counter()
    for r in records:
        for award in service.awards(r.id):
            kinds[award.kind] += 1
            assert r.join_date < award.date <= TODAY
            assert award.title and award.issuer and award.level
    assert kinds[AwardKind.AWARD.value] == summary.awards > 0
    assert kinds[AwardKind.PUNISHMENT.value] == summary.punishments >= 1
    honours = Workspace.open(db).branch.honours()
    assert 2 <= len(honours) == summary.honours <= 3
    assert all(h.date <= TODAY for h in honours)


def test_dues_follow_the_brackets(demo):
    _, _, records, _ = demo
    students = [r for r in records if r.job.endswith("研究生")]
    assert students and all(r.dues_monthly_fen == 20 and r.dues_basis_fen is None for r in students)
    for r in records:
        if r.dues_basis_fen is not None:
            retired = r.job == "退休"
            assert r.dues_monthly_fen == dues_monthly_fen(r.dues_basis_fen, retired=retired), r.name


def test_students_have_their_number_grade_class_and_major_and_the_roster_shows_them(demo):
    """A college branch has students: 人员身份 学生 with 学号, 年级, 班级 and 专业 (migration 0011); its
    teachers and staff are 教师 / 职工; the 党员花名册 prints the student columns when chosen."""
    from branchdesk.reports.roster import roster_ledger

    db, _, records, _ = demo
    students = [r for r in records if r.job.endswith("研究生")]
    assert students and all(r.person_category == "student" for r in students)
    numbers = [r.student_number for r in students]
    assert len(set(numbers)) == len(numbers) and all(n.isdigit() and len(n) == 10 for n in numbers)
    for r in students:
        assert r.grade == f"{r.student_number[:4]}级" and r.class_name.startswith(r.grade + r.major)
        assert r.major in ("计算机科学与技术", "软件工程", "人工智能", "网络空间安全")
        assert int(r.grade[:4]) <= (r.status_date or TODAY).year
    staff = [r for r in records if r.job in ("专任教师", "行政管理", "实验技术", "辅导员")]
    assert {r.person_category for r in staff} == {"teacher", "staff"}
    assert not any(r.student_number for r in records if not r.job.endswith("研究生"))
    ws = Workspace.open(db)
    # a mixed branch (few students): its A4 roster stays one table until 另加栏目 ticks 学生信息
    assert "student_number" not in [c.key for c in roster_ledger(ws, today=TODAY).columns]
    ledger = roster_ledger(ws, today=TODAY, columns=["students"])
    keys = [c.key for c in ledger.columns]
    assert {"person_category", "student_number", "grade", "class_name", "major"} <= set(keys)
    cells = {row[keys.index("student_number")] for row in ledger.rows}
    assert cells & set(numbers)


@pytest.mark.parametrize(
    ("pay_yuan", "retired", "dues_fen"),
    [
        (3000, False, 1500),  # 3,000 yuan is still the 0.5 % bracket: 15 yuan
        (3000.01, False, 3000),  # one fen more: 1 % → 30 yuan
        (5000, False, 5000),
        (5000.01, False, 7500),
        (10000, False, 15000),
        (12345.67, False, 24691),  # 2 % of 12,345.67 = 246.9134 → 246.91 yuan
        (5000, True, 2500),  # pension: 0.5 % up to 5,000
        (6000, True, 6000),
    ],
)
def test_dues_brackets_at_their_boundaries(pay_yuan, retired, dues_fen):
    assert dues_monthly_fen(round(pay_yuan * 100), retired=retired) == dues_fen


def test_students_pay_twenty_fen():
    assert dues_monthly_fen(None, student=True) == 20


# ---- search, audit, progress, summary -----------------------------------------------------------
def test_first_member_is_found_by_pinyin_initials(demo):
    db, _, records, _ = demo
    service = Workspace.open(db).members
    first = min(_active(records), key=lambda r: r.id)
    ids = service.search_ids(MemberQuery(text=first.name_initials))
    assert first.id in ids
    assert all(service.get(i).name_initials.startswith(first.name_initials) for i in ids)


@pytest.mark.parametrize(
    ("surname", "typed"), [("欧阳", "oy"), ("单", "shan"), ("解", "xie"), ("曾", "zeng")]
)
def test_special_surnames_are_present_and_found_by_their_reading(demo, surname, typed):
    db, _, records, _ = demo
    people = [r for r in records if r.name.startswith(surname)]
    assert people, f"no member surnamed {surname}"
    ids = Workspace.open(db).members.search_ids(MemberQuery(text=typed, statuses=None))
    assert {r.id for r in people} <= set(ids)


def test_a_summary_entry_and_an_entry_per_record_so_the_trail_replays(demo):
    db, summary, _, _ = demo
    with db.read() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "member")).all()
    summaries = [r for r in rows if r.entity_id is None]
    assert len(summaries) == 1
    assert summaries[0].operation == "生成演示数据" and summaries[0].user == "测试用户"
    assert f"党员档案 {summary.records} 份" in summaries[0].changes["summary"][1]
    assert len(rows) == summary.records + 1  # issue 11 §6: verify replays the trail against the data
    from branchdesk.services.audit import verify

    assert verify(db).ok


def test_progress_is_reported_up_to_the_total(demo):
    _, summary, _, calls = demo
    assert calls[0] == (0, summary.records) and calls[-1] == (summary.records, summary.records)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_summary_describes_the_branch_in_chinese(demo):
    _, summary, _, _ = demo
    text = summary.describe()
    assert text.startswith("已生成演示数据：支部「示范大学信息学院")
    assert f"{summary.groups} 个党小组" in text
    assert f"{MEMBERS} 名在册党员（正式党员 {summary.full} 名，预备党员 {summary.probationary} 名）" in text
    assert f"支委 5 人（书记：{summary.secretary}）" in text


# ---- determinism and refusal --------------------------------------------------------------------
def _names(db):
    with db.read() as session:
        return list(session.scalars(select(Member.name).order_by(Member.id)))


def test_same_seed_gives_the_same_members(tmp_path):
    a, b, c = (_open(tmp_path / f"{x}.sqlite") for x in "abc")
    try:
        generate(a, members=40, seed=5, today=TODAY)
        generate(b, members=40, seed=5, today=TODAY)
        generate(c, members=40, seed=6, today=TODAY)
        assert _names(a) == _names(b)
        assert _names(a) != _names(c)
        assert Workspace.open(a).members.records(MemberQuery(statuses=None)) != []
    finally:
        for db in (a, b, c):
            db.dispose()


def test_refuses_to_mix_demo_data_with_existing_members(empty_db):
    generate(empty_db, members=12, seed=1, today=TODAY)
    with empty_db.read() as session:
        before = session.scalar(select(func.count(Member.id)))
    with pytest.raises(ValueError, match=r"已有 \d+ 份党员档案"):
        generate(empty_db, members=12, seed=2, today=TODAY)
    with empty_db.read() as session:
        assert session.scalar(select(func.count(Member.id))) == before


def test_refuses_a_database_that_already_has_a_branch(db, ws):
    with pytest.raises(DemoRefusedError, match="测试学院教工第一党支部"):
        generate(db, members=20, today=TODAY)
    assert ws.branch.profile().name == "测试学院教工第一党支部"


@pytest.mark.parametrize("members", [0, 9, 200_001])
def test_refuses_sizes_out_of_range(empty_db, members):
    with pytest.raises(DemoRefusedError, match="党员人数应在 10 到 200000 之间"):
        generate(empty_db, members=members, today=TODAY)
    assert not Workspace.open(empty_db).branch.has_branch()


def test_smallest_branch_has_a_committee_without_deputy(empty_db):
    summary = generate(empty_db, members=10, seed=2, today=TODAY)
    posts = {s.post for s in Workspace.open(empty_db).branch.committee()}
    assert CommitteePost.DEPUTY not in posts and CommitteePost.SECRETARY in posts
    assert summary.committee == len(posts) == 4
    records = Workspace.open(empty_db).members.records(MemberQuery(statuses=None))
    assert all(validate(r.editable(), today=TODAY) == [] for r in records)


# ---- the command line ---------------------------------------------------------------------------
def test_cli_demo_prints_the_summary(tmp_path, data_dir, capsys):
    from branchdesk.cli import main

    path = tmp_path / "cli.sqlite"
    assert main(["--db", str(path), "demo", "--members", "30", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "已生成演示数据" in out and "30 名在册党员" in out
    db = _open(path)
    try:
        assert Workspace.open(db).members.count(MemberQuery()) == 30
    finally:
        db.dispose()
    # a second run refuses with one clear line and a non-zero exit
    assert main(["--db", str(path), "demo", "--members", "30"]) != 0
    err = capsys.readouterr().err
    assert err.startswith("错误：数据库中已有") and "Traceback" not in err


def test_nothing_in_the_demo_has_happened_after_today(demo):
    """The showcase never holds a payment, an activity, a study record or a remittance dated after the
    day it was made (study records of 15–28 December appeared on a 7 December demo)."""
    from sqlalchemy import func, select

    from branchdesk.db.models_activities import Activity, StudyRecord
    from branchdesk.db.models_dues import DuesPayment, DuesRemittance

    db, *_ = demo
    with Workspace.open(db).read() as session:
        latest = {
            what: session.scalar(select(func.max(column)))
            for what, column in (
                ("党费缴纳", DuesPayment.paid_on),
                ("党费上缴", DuesRemittance.remitted_on),
                ("活动", Activity.date),
                ("学时记录", StudyRecord.date),
            )
        }
    assert all(day is not None for day in latest.values()), latest
    assert {what: day for what, day in latest.items() if day > TODAY} == {}
