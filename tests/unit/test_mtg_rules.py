"""MTG-* rules: meetings per month/quarter/year, quorum, complete minutes (domain.md §3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from branchdesk.domain.meetings import (
    Agenda,
    AttendanceStatus,
    Attendee,
    Meeting,
    MeetingMode,
    MeetingStatus,
    MeetingType,
    RosterEntry,
    Span,
    TalkPair,
    VoteKind,
)
from branchdesk.domain.rules import RuleContext, Severity, audit_meetings
from branchdesk.domain.rules.mtg_rules import MTG_RULESET, GroupInfo, MeetingSettings, periods
from branchdesk.domain.vocab import MemberType
from branchdesk.domain.votes import Vote

D = dt.date
GROUPS = [GroupInfo(10, "第一党小组"), GroupInfo(20, "第二党小组")]


def people(n=5, present=None, voters=None):
    present = n if present is None else present
    voters = n if voters is None else voters
    return tuple(
        Attendee(i, f"党员{i}", AttendanceStatus.PRESENT if i < present else AttendanceStatus.LEAVE,
                 "" if i < present else "出差", voter=i < voters)
        for i in range(n)
    )  # fmt: skip


def mtg(type_, day, **kw):
    kw.setdefault("chair", "王书记")
    kw.setdefault("recorder", "孙委员")
    kw.setdefault("attendance", people())
    if type_ is MeetingType.LECTURE:
        kw.setdefault("lecturer", "王书记")
    if type_ is MeetingType.TALKS:
        kw.setdefault("talks", (TalkPair("王书记", "党员1", day),))
    return Meeting(type=type_, date=day, **kw)


def full_year(year=2025, skip=()):
    """A year in which every required meeting was held (minus ``skip`` = {(type, month[, group])})."""
    out = []
    for month in range(1, 13):
        day = D(year, month, 10)
        monthly = [(MeetingType.COMMITTEE, None), (MeetingType.PARTY_DAY, None)]
        monthly += [(MeetingType.GROUP, g.id) for g in GROUPS]
        if month % 3 == 0:
            monthly += [(MeetingType.GENERAL, None), (MeetingType.LECTURE, None)]
        if month == 12:
            monthly += [
                (MeetingType.ORG_LIFE, None),
                (MeetingType.APPRAISAL, None),
                (MeetingType.TALKS, None),
            ]
        for type_, gid in monthly:
            if (type_, month) in skip or (type_, month, gid) in skip:
                continue
            out.append(mtg(type_, day, group_id=gid, id=len(out) + 1))
    return out


def run(meetings, as_of, **kw):
    kw.setdefault("groups", GROUPS)
    kw.setdefault("has_committee", True)
    return audit_meetings(meetings, RuleContext(as_of=as_of), **kw)


def codes(findings):
    return sorted(f.code for f in findings)


def test_a_complete_year_has_no_findings():
    assert run(full_year(), D(2026, 1, 1), year=2025) == []


def test_a_quarter_with_exactly_one_general_meeting_passes_and_one_without_fails():
    ok = run(full_year(), D(2026, 1, 1), year=2025)
    missing = run(full_year(skip={(MeetingType.GENERAL, 6)}), D(2026, 1, 1), year=2025)
    assert ok == []
    [f] = missing
    assert f.code == "MTG-GENERAL-Q" and f.period == "2025Q2" and f.severity is Severity.WARNING
    assert "2025年第2季度" in f.message_zh and "支部党员大会" in f.message_zh
    assert f.dates == {"period_start": D(2025, 4, 1), "period_end": D(2025, 6, 30)}
    assert f.step is None and f.person == "本支部"


def test_a_general_meeting_on_the_first_or_last_day_of_the_quarter_counts():
    meetings = [m for m in full_year() if not (m.type is MeetingType.GENERAL and m.date.month == 6)]
    for day in (D(2025, 4, 1), D(2025, 6, 30)):
        assert run([*meetings, mtg(MeetingType.GENERAL, day)], D(2026, 1, 1), year=2025) == []
    late = run([*meetings, mtg(MeetingType.GENERAL, D(2025, 7, 1))], D(2026, 1, 1), year=2025)
    assert [f.period for f in late] == ["2025Q2"]


def test_a_month_without_a_party_day_fails_only_after_the_month_is_over():
    year = full_year(2026, skip={(MeetingType.PARTY_DAY, 10)})
    on_last_day = [f for f in run(year, D(2026, 10, 31), year=2026) if f.code == "MTG-PARTYDAY-M"]
    next_day = [f for f in run(year, D(2026, 11, 1), year=2026) if f.code == "MTG-PARTYDAY-M"]
    assert on_last_day == []
    [f] = next_day
    assert f.period == "2026-10" and "2026年10月" in f.message_zh and "主题党日" in f.message_zh
    assert f.overdue


def test_meetings_planned_or_dated_after_the_check_date_do_not_count():
    year = full_year(2026, skip={(MeetingType.PARTY_DAY, 10)})
    planned = Meeting(type=MeetingType.PARTY_DAY, date=D(2026, 10, 20), status=MeetingStatus.PLANNED)
    assert "MTG-PARTYDAY-M" in codes(run([*year, planned], D(2026, 11, 23), year=2026))


def test_committee_rule_is_silent_without_a_committee():
    year = [m for m in full_year() if m.type is not MeetingType.COMMITTEE]
    assert codes(run(year, D(2026, 1, 1), year=2025)) == ["MTG-COMMITTEE-M"] * 12
    assert run(year, D(2026, 1, 1), year=2025, has_committee=False) == []
    # unknown (None here and in the context) is not a finding either
    assert run(year, D(2026, 1, 1), year=2025, has_committee=None) == []
    ctx = RuleContext(as_of=D(2026, 1, 1), has_committee=True)
    assert len(audit_meetings(year, ctx, groups=GROUPS, year=2025)) == 12


def test_group_meetings_are_judged_per_group():
    year = full_year(skip={(MeetingType.GROUP, 5, 20)})
    [f] = run(year, D(2026, 1, 1), year=2025)
    assert f.code == "MTG-GROUP-M" and f.person == "第二党小组" and f.period == "2025-05"
    assert "第二党小组" in f.message_zh
    # a group meeting of the other group does not stand in for it
    other = mtg(MeetingType.GROUP, D(2025, 5, 20), group_id=10)
    assert codes(run([*year, other], D(2026, 1, 1), year=2025)) == ["MTG-GROUP-M"]


def test_a_group_set_up_mid_year_is_judged_from_its_first_full_month():
    year = [m for m in full_year() if m.group_id != 20]
    new_group = [GroupInfo(10, "第一党小组"), GroupInfo(20, "第二党小组", since=D(2025, 9, 15))]
    found = run(year, D(2026, 1, 1), year=2025, groups=new_group)
    assert [f.period for f in found] == ["2025-10", "2025-11", "2025-12"]


def test_periods_before_the_branch_was_founded_are_not_judged():
    found = run([], D(2026, 11, 23), branch_founded=D(2026, 3, 15), groups=[], has_committee=False,
                settings=MeetingSettings(talks_yearly=True))  # fmt: skip
    party_days = [f.period for f in found if f.code == "MTG-PARTYDAY-M"]
    generals = [f.period for f in found if f.code == "MTG-GENERAL-Q"]
    assert party_days == [f"2026-{m:02d}" for m in range(4, 11)]  # April to October; November not over
    assert generals == ["2026Q2", "2026Q3"]
    assert not [f for f in found if f.code in ("MTG-ORGLIFE-Y", "MTG-APPRAISAL-Y", "MTG-TALKS-Y")]


def test_yearly_rules_after_the_year_is_over():
    year = full_year(skip={(MeetingType.ORG_LIFE, 12), (MeetingType.APPRAISAL, 12), (MeetingType.TALKS, 12)})
    assert run(year, D(2025, 12, 31), year=2025) == []
    assert codes(run(year, D(2026, 1, 1), year=2025)) == ["MTG-APPRAISAL-Y", "MTG-ORGLIFE-Y", "MTG-TALKS-Y"]


def test_talk_pairs_recorded_in_an_org_life_meeting_count_as_talks():
    year = full_year(skip={(MeetingType.TALKS, 12)})
    year.append(
        mtg(MeetingType.GENERAL, D(2025, 11, 3), talks=(TalkPair("王书记", "党员2", D(2025, 11, 3)),))
    )
    assert run(year, D(2026, 1, 1), year=2025) == []


def test_lectures_quarterly_and_the_secretary_gives_one_a_year():
    year = full_year(skip={(MeetingType.LECTURE, 9)})
    [f] = run(year, D(2026, 1, 1), year=2025)
    assert f.code == "MTG-LECTURE-Q" and f.period == "2025Q3"
    others = [
        m if m.type is not MeetingType.LECTURE else Meeting(**{**m.__dict__, "lecturer": "宣传委员"})
        for m in full_year()
    ]
    assert run(others, D(2026, 1, 1), year=2025) == []  # secretary unknown: not checked
    [f] = run(others, D(2026, 1, 1), year=2025, secretary="王书记")
    assert f.code == "MTG-LECTURE-Q" and f.period == "2025" and "王书记" in f.message_zh
    assert run(full_year(), D(2026, 1, 1), year=2025, secretary="王书记") == []


def test_local_practice_switches():
    year = full_year(skip={(MeetingType.LECTURE, 9), (MeetingType.TALKS, 12)})
    off = MeetingSettings(lecture_quarterly=False, talks_yearly=False)
    assert run(year, D(2026, 1, 1), year=2025, settings=off) == []


def vote_meeting(expected, present, yes, **kw):
    item = Agenda("接收张三为预备党员", vote=Vote(expected=expected, present=present, yes=yes),
                  vote_kind=VoteKind.ADMISSION)  # fmt: skip
    return mtg(MeetingType.GENERAL, D(2025, 6, 10), id=99, agenda=(item,),
               attendance=people(expected, present=present), **kw)  # fmt: skip


def quorum(meeting):
    return [f for f in run([meeting], D(2025, 6, 10), year=2025) if f.code == "MTG-QUORUM"]


def test_quorum_at_exactly_half_fails_and_one_more_passes():
    [f] = quorum(vote_meeting(8, 4, 4))
    assert f.severity is Severity.BLOCKING and f.meeting_id == 99
    assert "实到4人" in f.message_zh and "至少应到5人" in f.message_zh
    assert f.dates == {"meeting": D(2025, 6, 10)}
    assert quorum(vote_meeting(8, 5, 5)) == []
    assert quorum(vote_meeting(7, 4, 4)) == []


def test_impossible_vote_counts_are_blocking():
    item = Agenda("转正", vote=Vote(expected=5, present=4, yes=5), vote_kind=VoteKind.CONVERSION)
    [f] = quorum(mtg(MeetingType.GENERAL, D(2025, 6, 10), agenda=(item,)))
    assert f.blocking and "票数有误" in f.message_zh


def test_vote_expected_count_differing_from_the_attendance_list_is_a_consistency_finding():
    from branchdesk.domain.rules.branch_rules import BranchRecords, audit_branch

    item = Agenda("接收", vote=Vote(expected=6, present=5, yes=5))
    meeting = mtg(MeetingType.GENERAL, D(2025, 6, 10), agenda=(item,), attendance=people(5))
    assert quorum(meeting) == []  # MTG-QUORUM judges the vote itself; the mismatch is CON-VOTE-ROSTER
    records = BranchRecords(as_of=D(2025, 7, 1), meetings=(meeting,))
    [f] = [f for f in audit_branch(records, RuleContext(as_of=D(2025, 7, 1))) if f.code == "CON-VOTE-ROSTER"]
    assert f.severity is Severity.WARNING and f.kind == "consistency"
    assert "应到有表决权的党员6人" in f.message_zh and "出席名单中有表决权的党员应到5人" in f.message_zh


def test_a_decision_without_a_vote_is_judged_on_the_attendance_list():
    decided = (Agenda("确定党日活动安排", decision="同意"),)
    half = mtg(MeetingType.COMMITTEE, D(2025, 6, 10), agenda=decided, attendance=people(4, present=2))
    more = mtg(MeetingType.COMMITTEE, D(2025, 6, 10), agenda=decided, attendance=people(4, present=3))
    [f] = quorum(half)
    assert "支部委员" in f.message_zh
    assert quorum(more) == []
    # probationary members present do not make up a quorum
    # (4 of 6 people present, but only 2 of the 4 full members)
    room = (
        Attendee(1, "正式甲"), Attendee(2, "正式乙"),
        Attendee(3, "正式丙", AttendanceStatus.LEAVE, "出差"), Attendee(4, "正式丁", AttendanceStatus.LEAVE, "病假"),
        Attendee(5, "预备甲", voter=False), Attendee(6, "预备乙", voter=False),
    )  # fmt: skip
    mixed = mtg(MeetingType.GENERAL, D(2025, 6, 10), agenda=decided, attendance=room)
    [f] = quorum(mixed)
    assert "应到有表决权的党员4人、实到2人" in f.message_zh
    # a meeting that decides nothing has no quorum to meet
    assert quorum(mtg(MeetingType.LECTURE, D(2025, 6, 10), attendance=people(4, present=1))) == []


def test_incomplete_minutes():
    bare = Meeting(type=MeetingType.GENERAL, date=D(2025, 6, 10), id=7)
    [f] = [f for f in run([bare], D(2025, 6, 11), year=2025) if f.code == "MTG-MINUTES"]
    assert f.meeting_id == 7 and f.severity is Severity.WARNING
    for what in ("主持人", "记录人", "出席情况"):
        assert what in f.message_zh
    lecture = mtg(MeetingType.LECTURE, D(2025, 6, 10), lecturer="", mode=MeetingMode.ONLINE,
                  attendance=(Attendee(1, "甲"), Attendee(2, "乙", AttendanceStatus.ABSENT)))  # fmt: skip
    [f] = [f for f in run([lecture], D(2025, 6, 11), year=2025) if f.code == "MTG-MINUTES"]
    assert "授课人" in f.message_zh and "平台" in f.message_zh and "乙缺席或请假的原因" in f.message_zh
    talks = Meeting(type=MeetingType.TALKS, date=D(2025, 6, 10))
    [f] = [f for f in run([talks], D(2025, 6, 11), year=2025) if f.code == "MTG-MINUTES"]
    assert "谈话双方" in f.message_zh and "主持人" not in f.message_zh
    assert not [f for f in run(full_year(), D(2026, 1, 1), year=2025) if f.code == "MTG-MINUTES"]


def test_findings_are_json_ready_and_dated_in_chinese():
    [f] = run(full_year(skip={(MeetingType.GENERAL, 6)}), D(2026, 1, 1), year=2025)
    payload = f.to_dict()
    assert payload["period"] == "2025Q2" and payload["step"] is None and payload["ruleset"] == "2018"
    json.dumps(payload, ensure_ascii=False)
    assert f.dates_zh() == "期间开始：2025年4月1日，期间结束：2025年6月30日"


def test_without_a_year_everything_from_the_first_meeting_year_to_the_check_date_is_judged():
    found = run(full_year(2025), D(2026, 2, 1))
    assert {f.period for f in found} == {"2026-01"}


def test_periods_helper():
    assert [p.key for p in periods("Q", D(2025, 2, 1), D(2025, 12, 31))] == ["2025Q2", "2025Q3", "2025Q4"]
    assert periods("M", D(2024, 2, 1), D(2024, 2, 29))[0].end == D(2024, 2, 29)


def test_every_mtg_rule_is_documented():
    text = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in MTG_RULESET.rules:
        assert rule.article and rule.title and rule.description, rule.code
        assert f"`{rule.code}`" in text, rule.code
        for name in rule.settings:
            assert hasattr(MeetingSettings(), name)


def test_decisions_recorded_for_the_whole_meeting_need_a_quorum_too():
    thin = mtg(
        MeetingType.COMMITTEE, D(2025, 6, 10), decisions="同意召开组织生活会", attendance=people(5, present=2)
    )
    assert len(quorum(thin)) == 1
    assert quorum(mtg(MeetingType.COMMITTEE, D(2025, 6, 10), attendance=people(5, present=2))) == []


def test_voters_on_the_general_meetings_list_as_the_texts_define_them():
    """MTG-VOTERS names, in the order of the list, a probationary member counted as a voter, a member
    whose conversion awaits the higher committee's approval counted as one, and a full member left out
    of the voters without an exclusion; a member under 留党察看 left out, a probationary member or one
    awaiting approval left out, and the voters are right. Once approved, the member votes."""
    roster = (
        RosterEntry(member_id=3, name="预备乙", member_type="probationary"),
        RosterEntry(member_id=5, name="察看者", watch=(Span(D(2025, 1, 1), D(2026, 1, 1)),)),
        RosterEntry(member_id=6, name="待批", conversion_date=D(2025, 3, 1), votes_from=D(2025, 9, 1)),
        RosterEntry(member_id=7, name="待批二", conversion_date=D(2025, 3, 1), votes_from=D(2025, 9, 1)),
    )
    lines = (
        Attendee(1, "党员1"),
        Attendee(2, "预备甲", voter=False, member_type=MemberType.PROBATIONARY),
        Attendee(3, "预备乙", member_type="probationary"),
        Attendee(4, "王强", AttendanceStatus.LEAVE, "出差", voter=False),
        Attendee(5, "察看者", voter=False),
        Attendee(None, "来宾", voter=False),
    )
    awaiting = (Attendee(6, "待批"), Attendee(7, "待批二", voter=False))
    meetings = [
        mtg(MeetingType.GENERAL, D(2025, 6, 10), id=1, attendance=(*lines[:3], *awaiting, *lines[3:])),
        mtg(
            MeetingType.GENERAL, D(2025, 9, 10), id=2, attendance=(*awaiting[:1], lines[0])
        ),  # approved by then
        mtg(MeetingType.GENERAL, D(2025, 12, 10), id=3, attendance=lines),  # nobody awaiting
        mtg(MeetingType.COMMITTEE, D(2025, 12, 11), id=4, attendance=lines),  # the general meeting's rule
    ]
    found = {f.meeting_id: f.message_zh for f in run(meetings, D(2026, 1, 1), year=2025, roster=roster)
             if f.code == "MTG-VOTERS"}  # fmt: skip
    assert sorted(found) == [1, 3]
    prob = "预备乙（预备党员）被计入有表决权的应到人数"
    pending = "待批（转正尚未经上级党委批准）被计入有表决权的应到人数"
    away = "正式党员王强未计入有表决权的应到人数，原因记为“出差”，但没有记录不计入应到的情形和批准"
    assert f"应到人数有误：{prob}；{pending}；{away}；正式党员来宾未计入" in found[1]
    assert f"应到人数有误：{prob}；{away}；正式党员来宾未计入" in found[3]
    assert "察看者" not in found[1] + found[3] and "预备甲" not in found[1] and "待批二" not in found[1]
