"""The printed roster's 工作单位 split, and its inverse: one place for the writer and the importer.

The printed 党员花名册 (``reports.roster.printed_roster``) moves the unit name every member's 工作单位
starts with into the line above the table ("工作单位：示范大学信息学院　　截至 …") and prints what is left
of each unit under 所在部门 ("计算机系"; "（本单位）" for the unit itself). The member importer
(``services.imports``) reads that line and rebuilds each unit from it and the 所在部门 cell. Both take the
split, the line and the join from here, and the roster only splits when every unit is rebuilt exactly
(``split_units``), so what the program prints, it reads back.
"""

from __future__ import annotations

#: a unit name ends in one of these (示范大学信息学院 / …公司 / …局): only such a prefix is moved
UNIT_ENDS = "院校学司部局所厂委会心系处室馆站队"
#: the column title of what is left of each unit once the common part went to the header
DEPARTMENT_TITLE = "所在部门"
#: the department cell of a member whose unit is the common unit itself
OWN_UNIT = "（本单位）"
#: the header line's label and what separates it from the rest of the line (the period …)
UNIT_LABEL = "工作单位："
LINE_GAP = "　　"
#: what may stand between the common unit and the department ("示范大学信息学院，计算机系")
_SEPARATORS = "　 ，,"


def common_unit(units: list[str]) -> str:
    """The unit name every row's 工作单位 starts with ("示范大学信息学院"), or "" when there is none."""
    if not units or not all(units):
        return ""
    prefix = units[0]
    for unit in units[1:]:
        while not unit.startswith(prefix):
            prefix = prefix[:-1]
        if not prefix:
            return ""
    while prefix and prefix[-1] not in UNIT_ENDS:
        prefix = prefix[:-1]
    return prefix if len(prefix) >= 4 else ""


def department_of(unit: str, common: str) -> str:
    """What the printed roster shows under 所在部门 for `unit` once `common` went to the header."""
    return unit[len(common) :].lstrip(_SEPARATORS).strip() or OWN_UNIT


def unit_of(common: str, department: str) -> str:
    """The 工作单位 a 所在部门 cell stands for under the header's `common` unit (inverse of department_of)."""
    department = department.strip()
    return common if department in ("", OWN_UNIT) else common + department


def unit_line(common: str) -> str:
    """The header line's part that names the common unit: "工作单位：示范大学信息学院"."""
    return f"{UNIT_LABEL}{common}"


def unit_in_line(text: str) -> str:
    """The common unit a header line names ("工作单位：示范大学信息学院　　截至 2026年12月7日" →
    "示范大学信息学院"), or "" when the text is no such line."""
    text = text.strip()
    for label in (UNIT_LABEL, UNIT_LABEL.replace("：", ":")):
        if text.startswith(label):
            return text[len(label) :].split(LINE_GAP, 1)[0].strip()
    return ""


def split_units(units: list[str]) -> tuple[str, list[str]]:
    """(the common unit, each row's 所在部门) when the units share a unit name and every one of them is
    rebuilt exactly from the two (a unit written "示范大学信息学院，计算机系" would come back without its
    comma: then nothing is split); ("", units) otherwise."""
    common = common_unit(units)
    if not common or unit_in_line(f"{unit_line(common)}{LINE_GAP}") != common:
        return "", list(units)
    departments = [department_of(unit, common) for unit in units]
    if any(unit_of(common, d) != u.strip() for u, d in zip(units, departments, strict=True)):
        return "", list(units)
    return common, departments
