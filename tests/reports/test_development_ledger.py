"""发展党员工作台账: one row per person, as the secretary reads it in Excel."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from openpyxl import load_workbook

from branchdesk.domain.citizen_id import make_citizen_id
from branchdesk.domain.development import Extension, Outcome, Person
from branchdesk.domain.votes import Vote
from branchdesk.reports.development import development_columns, development_ledger
from branchdesk.reports.xlsx import write_xlsx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
import dev_builders as b

TODAY = dt.date(2026, 11, 23)
BRANCH = "测试学院教工第一党支部"


def people():
    li = replace(b.complete(), person=Person("李明", dt.date(1995, 5, 1),
                                             make_citizen_id("350102", dt.date(1995, 5, 1), 4, "男")))  # fmt: skip
    wang = replace(b.applicant(application=dt.date(2026, 10, 8)), person=Person("王芳", dt.date(2001, 3, 3)))
    zhao = replace(
        b.admitted(),
        person=Person("赵敏", dt.date(1998, 8, 8), make_citizen_id("350102", dt.date(1998, 8, 8), 9, "女")),
        extensions=(Extension(dt.date(2025, 8, 1), 6, Vote(17, 15, 14), "表现不够稳定"),),
    )
    gone = replace(b.candidate_stage(), person=Person("周强"), outcome=Outcome.WITHDRAWN,
                   outcome_date=dt.date(2024, 7, 1), outcome_reason="工作调动")  # fmt: skip
    return [li, wang, zhao, gone]


def cells(ledger, row_index):
    return {c.key: v for c, v in zip(ledger.columns, ledger.rows[row_index], strict=True)}


def test_one_row_per_person_with_every_step_date_and_the_votes():
    ledger = development_ledger(people(), BRANCH, TODAY)
    assert ledger.title == "发展党员工作台账" and ledger.orientation == "landscape"
    assert len(ledger.rows) == 4
    assert len({c.title for c in ledger.columns}) == len(ledger.columns)  # titles are unique

    li = cells(ledger, 0)
    assert (li["seq"], li["name"], li["sex"]) == (1, "李明", "男")
    assert li["application_date"] == dt.date(2023, 3, 1)
    assert li["first_talk_by"] == "王书记"
    assert li["recommendation"] == "党员推荐"
    assert li["contacts"] == "张华、刘芳" and li["contacts_date"] == dt.date(2023, 6, 5)
    assert li["assessments"] == "2023-12-01 表现良好\n2024-05-30 表现良好"
    assert li["publicity"] == "2024-06-04至2024-06-11"
    assert li["sponsors"] == "张华、刘芳"
    assert (li["training_days"], li["training_hours"]) == (3, 24)
    assert li["volunteer_form_number"] == "2024-017"
    votes = [li[f"admission_{p}"] for p in ("expected", "present", "yes", "no", "abstain")]
    assert votes == [16, 12, 11, 1, 0]
    assert [li[f"conversion_{p}"] for p in ("expected", "present", "yes")] == [17, 15, 15]
    assert li["approval_date"] == dt.date(2024, 9, 10) and li["oath_date"] == dt.date(2024, 9, 30)
    assert li["full_member_date"] == dt.date(2025, 8, 1)
    assert li["status"] == "正式党员" and li["notes"] == ""  # archived with every item: nothing to say

    wang = cells(ledger, 1)
    assert wang["sex"] == "" and wang["id_number"] == "" and wang["status"] == "入党申请人"
    assert wang["admission_expected"] is None and wang["first_talk_date"] is None

    zhao = cells(ledger, 2)
    assert zhao["extensions"] == "2025-08-01 延长6个月（应到17、实到15、赞成14、反对0、弃权0），表现不够稳定"
    assert zhao["sex"] == "女" and zhao["status"] == "预备党员"

    gone = cells(ledger, 3)
    assert gone["status"] == "本人撤回申请（2024-07-01）" and gone["notes"] == "终止原因：工作调动"
    assert ledger.notes == ["共 4 人：入党申请人 1 人，预备党员 1 人，正式党员 1 人，已终止 1 人。"]


def test_xlsx_has_real_dates_numbers_and_text_ids(tmp_path):
    ledger = development_ledger(people(), BRANCH, TODAY)
    path = write_xlsx([ledger], tmp_path / "发展台账.xlsx")
    ws = load_workbook(path)["发展党员工作台账"]
    header = [c.value for c in ws[3]]
    assert header == [c.title for c in development_columns()]
    col = {title: i for i, title in enumerate(header)}
    row = [c for c in ws[4]]
    assert row[col["递交申请书日期"]].value == dt.datetime(2023, 3, 1)
    assert row[col["递交申请书日期"]].is_date
    assert row[col["接收应到"]].value == 16 and isinstance(row[col["接收应到"]].value, int)
    assert row[col["接收弃权"]].value == 0  # a zero is written, not left blank
    assert row[col["公民身份号码"]].value == make_citizen_id("350102", dt.date(1995, 5, 1), 4, "男")
    assert row[col["公民身份号码"]].data_type == "s"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"


def test_public_copy_masks_the_id_numbers():
    ledger = development_ledger(people(), BRANCH, TODAY).masked("public")
    ids = [r[4] for r in ledger.rows if r[4]]
    assert ids and all("*" in x for x in ids)


def test_compact_summary_is_narrow_enough_for_a4_landscape():
    from branchdesk.reports.xlsx import column_widths

    full = development_ledger(people(), BRANCH, TODAY)
    compact = development_ledger(people(), BRANCH, TODAY, compact=True)
    titles = [c.title for c in compact.columns]
    assert titles[:2] == ["序号", "姓名"] and "接收支部大会日期" in titles and "入党介绍人" in titles
    assert len(compact.rows[0]) == len(compact.columns) == 23
    row = dict(zip(titles, compact.rows[0], strict=True))
    assert row["接收应到"] == 16 and row["转正日期"] == dt.date(2025, 8, 1)
    # an A4 landscape page holds about 150 width units at 100 %: the summary prints at ~60 %,
    # the full layout at about a quarter (A3 or the compact summary for printing)
    assert sum(column_widths(compact)) < 280 < 2 * 280 < sum(column_widths(full))
