"""The printed roster's 工作单位 split (the common unit to the header, 所在部门 in the table) and its inverse,
the one the member importer uses: every unit the roster splits comes back whole."""

from __future__ import annotations

from branchdesk.domain.work_units import (
    LINE_GAP,
    OWN_UNIT,
    split_units,
    unit_in_line,
    unit_line,
    unit_of,
)


def test_the_common_unit_goes_to_the_header_and_each_unit_comes_back_from_it_and_its_department():
    units = ["示范大学信息学院计算机系", "示范大学信息学院实验中心", "示范大学信息学院"]
    common, departments = split_units(units)
    assert (common, departments) == ("示范大学信息学院", ["计算机系", "实验中心", OWN_UNIT])
    assert [unit_of(common, d) for d in departments] == units


def test_a_unit_that_would_not_come_back_whole_keeps_the_column_as_it_is():
    # the comma between unit and department would be lost on the way back: nothing is split
    units = ["示范大学信息学院，计算机系", "示范大学信息学院实验中心"]
    assert split_units(units) == ("", units)
    # no common unit name, or a member without a unit
    assert split_units(["护理学院", "医学院"]) == ("", ["护理学院", "医学院"])
    assert split_units(["示范大学信息学院计算机系", ""])[0] == ""


def test_the_header_line_names_the_unit_before_the_period_also_on_the_public_copy():
    line = f"{unit_line('示范大学信息学院')}{LINE_GAP}截至 2026年12月7日　脱敏版"
    assert line.startswith("工作单位：示范大学信息学院　　")
    assert unit_in_line(line) == "示范大学信息学院"
    assert unit_in_line("工作单位: 示范大学") == "示范大学"  # typed with a half-width colon
    assert unit_in_line("单位：示范大学信息学院计算机系师生联合党支部") == ""  # the branch line
    assert unit_in_line("截至 2026年12月7日") == ""
