"""Registers as an inspector reads them (issue 17): names whole, the approval date, no internal notes."""

from __future__ import annotations

from branchdesk.reports.ledger import Column
from branchdesk.reports.pdf import fit_columns, name_floors, text_width, wrap, write_pdf
from branchdesk.reports.registry import Period, build
from tests.reports.demo_branch import pdf_pages
from tests.reports.ledger_fixtures import TODAY, demo_fixture  # noqa: F401  (fixture "demo")

PERIOD = Period.year(2026)


def test_a_list_of_names_breaks_between_names_never_inside_one():
    lines = [line for line, _ in wrap("张卫、易卫新、欧阳慧敏", text_width("张卫、易卫", 9) + 0.1, 9)]
    assert lines == ["张卫、", "易卫新、", "欧阳慧敏"]
    # prose still breaks anywhere
    prose = wrap("毕业后未及时转接组织关系经多次查找未果", text_width("毕业后未及时", 9) + 0.1, 9)
    assert prose[0][0] == "毕业后未及时"


def test_a_narrow_column_is_never_narrower_than_its_longest_name():
    columns = [
        Column("group", "党小组", "text", 4, wrap=True),
        Column("notes", "备注", "text", 40, wrap=True),
    ]
    rows = [["第二党小组", "很长的备注" * 30], ["马子英", ""]]
    widths = fit_columns(columns, rows, 200, 9, atoms=name_floors(columns, rows))
    assert widths[0] >= text_width("第二党小组", 9)
    assert len(wrap("第二党小组", widths[0] - 4, 9)) == 1


def test_the_probationary_register_prints_whole_names_the_approval_date_and_no_internal_notes(demo, tmp_path):
    (register,) = build(demo, "probationary", PERIOD, today=TODAY)
    titles = [c.title for c in register.columns]
    assert "上级党委批准日期" in titles
    approvals = [row[titles.index("上级党委批准日期")] for row in register.rows]
    assert any(approvals)
    write_pdf([register], tmp_path / "p.pdf")
    text = "\n".join(pdf_pages(tmp_path / "p.pdf"))
    for row in register.rows:
        assert row[1] in text  # the member's name in one piece
        for sponsor in str(row[titles.index("入党介绍人")]).split("、"):
            if sponsor:
                assert sponsor in text, sponsor
    for report in ("probationary", "applicants", "activists", "candidates", "roster"):
        for ledger in build(demo, report, PERIOD, today=TODAY):
            cells = "".join(str(v) for row in ledger.rows for v in row)
            assert "花名册中未找到本人档案" not in cells and "本系统无发展党员档案" not in cells


def test_the_roster_prints_the_columns_the_branch_chose_and_leaves_out_the_empty_ones(demo, tmp_path):
    from branchdesk.reports.roster import choose_columns, chosen_columns

    (plain,) = build(demo, "roster", PERIOD, today=TODAY)
    titles = [c.title for c in plain.columns]
    assert "籍贯" not in titles and "序号" in titles and "姓名" in titles and "备注" in titles
    try:
        choose_columns(demo, ["native_place", "work_start_date", "dossier_location"])
        assert chosen_columns(demo) == ["native_place", "work_start_date", "dossier_location"]
        (roster,) = build(demo, "roster", PERIOD, today=TODAY)
    finally:
        choose_columns(demo, [])
    titles = [c.title for c in roster.columns]
    assert "籍贯" in titles and "参加工作时间" in titles
    for i, column in enumerate(roster.columns):
        assert column.key in ("seq", "name", "notes") or any(row[i] not in (None, "") for row in roster.rows)
    # the unit every member works in goes to the header, the column shows the department
    assert roster.period.startswith("工作单位：示范大学")
    unit = roster.period.split("　")[0].removeprefix("工作单位：")
    at = [c.key for c in roster.columns].index("work_unit")
    assert roster.columns[at].title == "所在部门"
    assert not any(str(row[at]).startswith(unit) for row in roster.rows)
    write_pdf([roster], tmp_path / "r.pdf")
    first = pdf_pages(tmp_path / "r.pdf")[0]
    assert "籍贯" in first and unit in first


def test_a_column_nobody_may_choose_is_refused_by_name(demo):
    import pytest

    from branchdesk.reports.roster import choose_columns

    with pytest.raises(ValueError, match="班级"):
        choose_columns(demo, ["班级"])


def test_a_roster_column_empty_for_everyone_is_left_out_and_a_common_unit_goes_to_the_header():
    from branchdesk.reports.ledger import Ledger
    from branchdesk.reports.roster import printed_roster, roster_columns

    columns = roster_columns()
    keys = [c.key for c in columns]
    rows = []
    for n, (name, unit) in enumerate(
        [("马子英", "示范大学信息学院计算机系"), ("李四", "示范大学信息学院")], 1
    ):
        row = [""] * len(columns)
        row[0], row[1], row[keys.index("work_unit")] = n, name, unit
        rows.append(row)
    printed = printed_roster(Ledger("roster", "党员花名册", "支部", "截至2026年11月23日", columns, rows))
    assert [c.key for c in printed.columns] == ["seq", "name", "work_unit", "notes"]
    assert printed.period == "工作单位：示范大学信息学院　　截至2026年11月23日"
    assert [r[2] for r in printed.rows] == ["计算机系", "（本单位）"]
