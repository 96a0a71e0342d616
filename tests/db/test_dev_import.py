"""Importing a 发展党员工作台账: the exported ledger reads back to the same dossiers, and a ledger typed
by hand (other column names, text dates, mistakes) is read with its errors named by row and column."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import (
    Approval,
    Assessment,
    ContactPerson,
    DecisionBody,
    Dossier,
    DossierItem,
    Extension,
    Filing,
    FilingKind,
    Outcome,
    Person,
    PoliticalReview,
    PreReview,
    Recommendation,
    Sponsor,
    Standing,
    Talk,
    TalkKind,
    ThoughtReport,
    Training,
)
from branchdesk.domain.rules import RuleContext, audit
from branchdesk.domain.votes import Vote
from branchdesk.reports.development import development_ledger, write_development_template
from branchdesk.reports.xlsx import write_xlsx
from branchdesk.services.dev_import import read_development

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
import dev_builders as b

TODAY = dt.date(2026, 11, 23)


def carried(d: Dossier) -> Dossier:
    """The dossier as the ledger layout carries it (see reports/development.py: what is NOT carried)."""
    talks = tuple(replace(t, place="", summary="") for t in (d.first_talk, d.higher_talk) if t is not None)
    filings = tuple(replace(f, to="", number="") for f in (d.filing(k) for k in FilingKind) if f is not None)
    return replace(
        d,
        id=None,
        talks=talks,
        filings=filings,
        activist_decided_by=None,
        candidate_decided_by=None,
        activist_publicity=None,
        contacts=tuple(replace(c, member_id=None) for c in d.contacts),
        sponsors=tuple(replace(s, member_id=None) for s in d.sponsors),
    )


def with_id(d: Dossier, seq: int, sex: str = "男") -> Dossier:
    born = d.person.birth_date or dt.date(1996, 2, 29)
    return replace(
        d, person=Person(d.person.name, d.person.birth_date, make_citizen_id("110105", born, seq, sex))
    )


def odd_ones() -> list[Dossier]:
    """Hand-built dossiers using every corner of the layout."""
    full = b.complete()
    extended = replace(
        full,
        person=Person(
            "欧阳晓雯", dt.date(1990, 12, 31), make_citizen_id("350102", dt.date(1990, 12, 31), 7, "女")
        ),
        talks=(
            Talk(TalkKind.FIRST, dt.date(2023, 3, 20), ("王书记", "周委员"), "会议室", "谈了很多"),
            Talk(TalkKind.ACTIVIST, dt.date(2023, 9, 1), ("张华",)),  # not carried
            Talk(TalkKind.HIGHER, dt.date(2024, 8, 20), ("组织员赵某",)),
        ),
        filings=(
            Filing(FilingKind.ADMISSION, dt.date(2024, 9, 20), "学院党委", "备字1号"),
            Filing(FilingKind.ACTIVIST, dt.date(2023, 6, 10)),
            Filing(FilingKind.CANDIDATE, dt.date(2024, 6, 14)),
        ),
        contacts=(
            ContactPerson("张华", True, dt.date(2023, 6, 5)),
            ContactPerson("刘芳", False, dt.date(2024, 1, 8)),
        ),
        assessments=(
            Assessment(dt.date(2023, 12, 1), "思想端正，积极参加组织活动"),
            Assessment(dt.date(2024, 5, 30)),
        ),
        thought_reports=(
            ThoughtReport(dt.date(2023, 9, 1), "学习党章的体会"),
            ThoughtReport(dt.date(2023, 12, 1)),
        ),
        sponsors=(Sponsor("张华"), Sponsor("吴刚", True, True)),
        political_review=PoliticalReview(dt.date(2024, 7, 1), True, ""),
        training=Training(dt.date(2024, 7, 8), dt.date(2024, 7, 12), None, 40, ""),
        admission_vote=Vote(16, 12, 10, 1, 1, written_yes=2, written_no=1, written_before_meeting=False),
        approval=Approval(dt.date(2024, 11, 20), "上级党委换届，会议推迟"),
        extensions=(Extension(dt.date(2025, 8, 1), 6, Vote(17, 15, 14), "考察期间表现不够稳定"),),
        conversion_meeting_date=dt.date(2026, 2, 2),
        conversion_vote=Vote(17, 15, 15, written_yes=1),
        conversion_approval=Approval(dt.date(2026, 3, 1)),
        full_member_date=dt.date(2026, 2, 1),
        checklist=frozenset({DossierItem.APPLICATION, DossierItem.VOLUNTEER_FORM}),
        archive_date=dt.date(2026, 3, 5),
        transferred_in_date=dt.date(2023, 9, 1),
        outcome=Outcome.EXTENDED,
        outcome_date=dt.date(2025, 8, 1),
    )
    withdrawn = replace(
        b.candidate_stage(),
        person=Person("单志", None, ""),
        activist_recommendation=Recommendation.MASS_ORGANISATION,
        activist_decided_by=DecisionBody.GENERAL_MEETING,
        outcome=Outcome.WITHDRAWN,
        outcome_date=dt.date(2024, 7, 1),
        outcome_reason="本人工作调动，主动撤回申请",
        checklist=frozenset(DossierItem),
    )
    failed = replace(
        b.admitted(),
        person=Person("解放", dt.date(1980, 1, 1), ""),
        political_review=PoliticalReview(dt.date(2024, 7, 1), False, "有重大问题未说清"),
        pre_review=PreReview(dt.date(2024, 7, 20), False),
        rejected_on=dt.date(2024, 8, 1),
        admission_meeting_date=None,
        admission_vote=None,
        volunteer_form_number="",
        outcome=Outcome.REJECTED,
        outcome_date=dt.date(2024, 8, 1),
    )
    archived_bare = replace(full, person=Person("曾敏", dt.date(1995, 5, 1), ""), checklist=frozenset())
    cancelled = replace(
        b.admitted(),
        person=Person("司马青", dt.date(1999, 1, 9), ""),
        talks=full.talks,
        approval=Approval(dt.date(2024, 9, 10)),
        outcome=Outcome.CANCELLED,
        outcome_date=dt.date(2025, 8, 1),
        outcome_vote=Vote(17, 14, 12, 2),
        outcome_reason="预备期间严重违反纪律，经支部大会讨论取消预备党员资格",
    )
    not_accepted = replace(
        b.admitted(),
        person=Person("欧阳修", dt.date(1997, 6, 21), ""),
        admission_meeting_date=None,
        admission_vote=None,
        rejected_on=dt.date(2024, 8, 1),
        rejection_vote=Vote(16, 12, 8, 3, 1),  # the meeting voted: 8 of 16, not accepted
    )
    return [extended, withdrawn, failed, archived_bare, cancelled, not_accepted]


def stages() -> list[Dossier]:
    return [
        with_id(b.applicant(), 1),
        with_id(b.candidate_stage(), 2, "女"),
        with_id(b.admitted(), 3),
        with_id(b.complete(), 4),
        *odd_ones(),
    ]


def round_trip(dossiers, tmp_path, name="台账.xlsx"):
    ledger = development_ledger(dossiers, "测试学院教工第一党支部", TODAY)
    path = write_xlsx([ledger], tmp_path / name)
    return read_development(path, today=TODAY)


def test_exported_ledger_reads_back_to_the_same_dossiers(tmp_path):
    dossiers = stages()
    result = round_trip(dossiers, tmp_path)

    assert result.issues == []
    assert result.describe() == f"读取 {len(dossiers)} 行：{len(dossiers)} 人可以导入。"
    assert result.rows == list(range(4, 4 + len(dossiers)))  # title, info line, header, then data
    assert len(result.dossiers) == len(dossiers)
    for original, read in zip(dossiers, result.dossiers, strict=True):
        assert read == carried(original), original.person.name


def test_round_trip_keeps_the_facts_the_rules_judge(tmp_path):
    """A second export of the imported dossiers is identical, and the audit finds the same things."""
    dossiers = stages()
    first = round_trip(dossiers, tmp_path, "一.xlsx").dossiers
    second = round_trip(first, tmp_path, "二.xlsx").dossiers
    assert second == first

    ctx = RuleContext(as_of=TODAY)
    for original, read in zip(dossiers, first, strict=True):
        assert {f.key for f in audit(original, ctx)} == {f.key for f in audit(read, ctx)}


def test_written_opinions_extension_and_outcome_survive(tmp_path):
    extended, withdrawn, failed, archived_bare, cancelled, not_accepted = round_trip(
        odd_ones(), tmp_path
    ).dossiers
    assert extended.admission_vote.written_yes == 2 and not extended.admission_vote.written_before_meeting
    assert extended.extension == Extension(dt.date(2025, 8, 1), 6, Vote(17, 15, 14), "考察期间表现不够稳定")
    assert extended.probation_end == dt.date(2026, 2, 1)
    assert extended.approval.extension_reason == "上级党委换届，会议推迟"
    assert [c.full_member for c in extended.contacts] == [True, False]
    assert extended.sponsors[1].under_watch
    assert extended.training.days is None and extended.training.hours == 40
    assert withdrawn.standing is Standing.CLOSED and withdrawn.outcome_reason == "本人工作调动，主动撤回申请"
    assert withdrawn.person.id_number == "" and withdrawn.person.birth_date is None
    assert not failed.pre_review.passed and not failed.political_review.passed
    assert failed.rejected_on == dt.date(2024, 8, 1)
    assert archived_bare.checklist == frozenset()
    assert cancelled.outcome is Outcome.CANCELLED and cancelled.outcome_vote == Vote(17, 14, 12, 2)
    assert (not_accepted.rejected_on, not_accepted.rejection_vote) == (
        dt.date(2024, 8, 1),
        Vote(16, 12, 8, 3, 1),
    )
    assert not_accepted.standing is Standing.CANDIDATE and failed.rejection_vote is None


def test_imports_accept_history_that_breaks_the_rules(tmp_path):
    """An applicant who wrote at 17 and was made a candidate after 11 months: facts of the past."""
    young = replace(b.applicant(application=dt.date(2013, 4, 30)), person=Person("李明", dt.date(1995, 5, 1)))
    early = b.candidate_stage(candidate=dt.date(2024, 5, 1))
    early = replace(early, person=replace(early.person, name="王芳"))  # two people: two names
    result = round_trip([young, early], tmp_path)
    assert result.issues == []
    ctx = RuleContext(as_of=TODAY)
    assert "DEV-AGE" in {f.code for f in audit(result.dossiers[0], ctx) if f.blocking}
    assert "DEV-ACTIVIST-1Y" in {f.code for f in audit(result.dossiers[1], ctx) if f.blocking}


def _sheet(path: Path, header: list[str], rows: list[list], *, title: str | None = "发展党员工作台账"):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    if title:
        ws.append([title])
        ws.append(["单位：某某党支部"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_a_hand_typed_ledger_with_other_headers_and_text_dates(tmp_path):
    good_id = make_citizen_id("350102", dt.date(1998, 5, 14), 3, "女")
    header = ["序 号", "姓名", "身份证号", "申请入党时间", "谈话时间", "谈话人", "确定为入党积极分子时间",
              "推荐情况", "培养联系人", "确定为发展对象时间", "入党介绍人", "支部大会讨论时间",
              "应到", "实到", "赞成", "反对", "弃权", "审批时间", "预备期满转正支部大会时间", "应到", "实到",
              "赞成", "工作单位"]  # fmt: skip
    row = [1, " 陈静 ", good_id, "2023.5.1", "2023年5月20日", "李书记，王委员", dt.datetime(2023, 9, 1),
           "推优", "张华、刘芳", "2024-09-02", "张华、刘芳", "2024/11/5",
           "16人", 12, 11.0, 1, 0, "2024.12.1", None, None, None, None, "信息学院"]  # fmt: skip
    path = _sheet(tmp_path / "手工台账.xlsx", header, [row])

    result = read_development(path, today=TODAY)
    assert result.issues == [], [str(i) for i in result.issues]
    assert result.header_row == 3
    assert "工作单位" in result.ignored_columns
    assert "预备期满转正支部大会时间" in result.ignored_columns
    (d,) = result.dossiers
    assert d.person == Person("陈静", None, good_id)
    assert d.application_date == dt.date(2023, 5, 1)
    assert d.first_talk == Talk(TalkKind.FIRST, dt.date(2023, 5, 20), ("李书记", "王委员"))
    assert d.activist_date == dt.date(2023, 9, 1)
    assert d.activist_recommendation is Recommendation.MASS_ORGANISATION
    assert [c.name for c in d.contacts] == ["张华", "刘芳"]
    assert d.admission_meeting_date == dt.date(2024, 11, 5)
    assert d.admission_vote == Vote(16, 12, 11, 1, 0)
    assert d.approval == Approval(dt.date(2024, 12, 1))
    assert d.conversion_vote is None
    assert d.standing is Standing.PROBATIONARY


def test_unreadable_values_are_refused_with_row_and_column(tmp_path):
    good_id = make_citizen_id("350102", dt.date(1998, 5, 14), 3, "女")
    bad_id = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    header = [
        "姓名",
        "公民身份号码",
        "递交入党申请书时间",
        "支部大会日期",
        "应到",
        "实到",
        "赞成",
        "培训学时",
        "公示期",
    ]
    rows = [
        ["甲", good_id, "2023.13.1", None, None, None, None, None],  # row 4: month 13
        ["乙", bad_id, "2023-01-01", None, None, None, None, None],  # row 5: check digit
        ["丙", None, "2023-01-01", "2024-01-01", 16, -1, 9, None],  # row 6: negative count
        ["丁", None, "2023-01-01", None, 16, 9, 9, None],  # row 7: counts without the meeting
        ["戊", None, "2023-01-01", None, None, None, None, "二十四"],  # row 8: not a number
        [None, None, "2023-01-01", None, None, None, None, None],  # row 9: no name
        [
            "己",
            None,
            "2023-01-01",
            None,
            None,
            None,
            None,
            None,
            "2024-06-11至2024-06-04",
        ],  # row 10: backwards
        ["庚", None, "2023-01-01", None, None, None, None, None],  # row 11: fine
    ]
    result = read_development(_sheet(tmp_path / "错误.xlsx", header, rows), today=TODAY)

    by_row = {i.row: i for i in result.issues}
    assert sorted(by_row) == [4, 5, 6, 7, 8, 9, 10]
    assert by_row[4].column == "递交入党申请书时间"
    assert by_row[5].column == "公民身份号码" and "校验位" in by_row[5].message
    assert by_row[6].column == "实到" and "负数" in by_row[6].message
    assert by_row[7].column == "支部大会日期" and "缺少支部大会日期" in by_row[7].message
    assert by_row[8].column == "培训学时" and "整数" in by_row[8].message
    assert by_row[9].column == "姓名"
    assert by_row[10].column == "公示期" and "结束日期早于开始日期" in by_row[10].message
    assert str(by_row[6]).startswith("第 6 行，实到：")
    assert [d.person.name for d in result.dossiers] == ["庚"]
    assert result.describe() == "读取 8 行：1 人可以导入，7 行有错误（共 7 处）。"


def test_the_same_citizen_id_twice_is_refused_on_both_rows(tmp_path):
    number = make_citizen_id("350102", dt.date(1998, 5, 14), 3, "女")
    header = ["姓名", "身份证号码", "申请日期"]
    rows = [["甲", number, "2023-01-01"], ["乙", number, "2023-02-01"]]
    result = read_development(_sheet(tmp_path / "重复.xlsx", header, rows, title=None), today=TODAY)
    assert {(i.row, i.column) for i in result.issues} == {(2, "身份证号码"), (3, "身份证号码")}
    assert result.dossiers == []


def test_a_file_without_the_header_says_so(tmp_path):
    path = _sheet(tmp_path / "无表头.xlsx", ["甲", "乙"], [[1, 2]], title=None)
    result = read_development(path, today=TODAY)
    assert not result.ok and "没有找到表头" in result.describe()
    missing = read_development(tmp_path / "没有.xlsx", today=TODAY)
    assert "文件不存在" in missing.describe()


def test_template_has_the_layout_an_example_row_and_help(tmp_path):
    from openpyxl import load_workbook

    path = write_development_template(tmp_path / "模板.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["发展党员工作台账", "填写说明"]
    ws = wb["发展党员工作台账"]
    header = [c.value for c in ws[3]]
    assert header[:5] == ["序号", "姓名", "性别", "出生日期", "公民身份号码"]
    assert str(ws["A4"].value).startswith("示例")
    # the example row is skipped, so the template alone imports nothing and says why
    result = read_development(path, today=TODAY)
    assert result.dossiers == [] and "没有发展党员数据" in result.describe()
    # filling one row under the example imports it
    ws.append([None, "新同志", None, None, None, "2026-10-08"])
    wb.save(path)
    result = read_development(path, today=TODAY)
    assert result.issues == []
    assert [(d.person.name, d.application_date) for d in result.dossiers] == [
        ("新同志", dt.date(2026, 10, 8))
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("2023.5.1", dt.date(2023, 5, 1)), ("2023年5月1日", dt.date(2023, 5, 1)), (45047, dt.date(2023, 5, 1))],
)
def test_dates_as_people_type_them(tmp_path, cell, expected):
    path = _sheet(tmp_path / "日期.xlsx", ["姓名", "入党申请时间", "备注"], [["甲", cell, "随便写的备注"]])
    (d,) = read_development(path, today=TODAY).dossiers
    assert d.application_date == expected
