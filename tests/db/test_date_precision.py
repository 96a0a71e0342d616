"""A roster's 出生年月 "1999.03" and 入党时间 "2026.05", and a founding year "2008": kept as precise as the paper
from the import through the database to the screen, the rules and the printed 花名册 (issue 18)."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from branchdesk.reports.roster import roster_ledger
from branchdesk.reports.xlsx import write_xlsx
from branchdesk.services.branch import BranchProfile
from branchdesk.services.imports import apply_roster, read_roster
from branchdesk.services.members import MemberQuery
from tests.db.test_import_members import roster_file

HEADER = ["序号", "姓名", "性别", "出生年月", "人员类别", "入党时间", "转正时间", "参加工作时间"]
TODAY = dt.date(2026, 12, 7)


def test_month_precise_roster_dates_go_through_import_storage_display_and_print(tmp_path, ws, members):
    rows = [
        [1, "林晓", "女", "1999.03", "预备党员", "2026.05", None, "2021年9月"],
        [2, "周敏", "女", "1998年11月", "正式党员", "2019-06-20", "2020-06-20", "2023.7"],
    ]
    plan = read_roster(roster_file(tmp_path / "花名册.xlsx", rows, HEADER))
    assert plan.errors == []
    apply_roster(ws, plan)

    lin = next(r for r in members.records(MemberQuery()) if r.name == "林晓")
    assert (lin.birth_date, lin.birth_date_precision) == (dt.date(1999, 3, 1), "month")
    assert (lin.join_date, lin.join_date_precision) == (dt.date(2026, 5, 1), "month")
    assert lin.date_text("birth_date") == "1999年3月" and lin.date_text("join_date") == "2026年5月"
    assert lin.date_text("work_start_date") == "2021年9月"
    zhou = next(r for r in members.records(MemberQuery()) if r.name == "周敏")
    assert zhou.date_text("join_date") == "2019年6月20日" and zhou.date_text("birth_date") == "1998年11月"

    # the printed roster says what the paper said: a month, not "the 1st"
    path = write_xlsx([roster_ledger(ws, today=TODAY)], tmp_path / "导出.xlsx")
    sheet = load_workbook(path)["党员花名册"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r and "姓名" in r)
    row = next(r for r in sheet.iter_rows(values_only=True) if r and "林晓" in r)
    cells = dict(zip(header, row, strict=False))
    assert (cells["出生日期"], cells["入党日期"]) == ("1999年3月", "2026年5月")

    # and reads back as the same month (the footer row's error is the importer's: issue 18, first bullets)
    again = read_roster(path)
    [back] = [r for r in again.rows if r.fields.name == "林晓"]
    assert (back.fields.birth_date_precision, back.fields.join_date_precision) == ("month", "month")

    # saving the form unchanged keeps the precision
    saved = members.update(lin.id, lin.editable(), base=lin).record
    assert saved.date_text("join_date") == "2026年5月"


def test_a_founding_year_is_kept_as_a_year(ws, branch):
    profile = branch.profile()
    saved = branch.save_profile(
        BranchProfile(
            **{**profile.__dict__, "founded_on": dt.date(2008, 6, 30), "founded_on_precision": "year"}
        )
    )
    assert (saved.founded_on, saved.founded_on_precision) == (dt.date(2008, 1, 1), "year")
    assert branch.profile().founded_on_precision == "year"


def test_month_precise_dates_in_the_development_ledger_read_back_as_months(tmp_path):
    from dataclasses import replace

    from branchdesk.domain.development import Person
    from tests.db.test_dev_import import round_trip, with_id
    from tests.unit import dev_builders as b

    born = replace(with_id(b.candidate_stage(activist=dt.date(2023, 5, 1)), 1),
                   person=Person("林晓", dt.date(2000, 9, 1), "", "month"), activist_date_precision="month")  # fmt: skip
    result = round_trip([born], tmp_path)
    assert result.issues == []
    [read] = result.dossiers
    assert (read.person.birth_date, read.person.birth_precision, read.person.birth.text) == (
        dt.date(2000, 9, 1),
        "month",
        "2000年9月",
    )
    assert (read.activist_date, read.activist_date_precision) == (dt.date(2023, 5, 1), "month")


def test_a_dossiers_birth_month_is_stored_and_judged_as_a_month(ws):
    from dataclasses import replace

    from branchdesk.domain.development import Person
    from tests.unit import dev_builders as b

    dossier = replace(b.applicant(application=dt.date(2026, 9, 15)), id=None,
                      person=Person("林晓", dt.date(2008, 9, 1), "", "month"))  # fmt: skip
    dossier_id = ws.development.save(dossier)
    assert ws.development.get(dossier_id).person.birth_precision == "month"
    [age] = [f for f in ws.compliance.check(dt.date(2026, 10, 1)).all if f.code == "DEV-AGE"]
    assert "出生日期只记载到2008年9月" in age.message_zh and not age.blocking
