"""`branchdesk import dues` and `export dues` as the collector uses them (issue 14): the 党费收缴台账 the
program exports imports back; a sheet of payments with a bad cell names row and column and changes
nothing; a payment covering several months."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from branchdesk.cli import main
from branchdesk.domain.dues import month_index
from branchdesk.domain.members import MemberFields
from branchdesk.services.dues import PaymentInput

M = lambda y, m: month_index((y, m))  # noqa: E731


@pytest.fixture
def db_arg(db, location):
    return ["--db", str(location.sqlite_path)]


@pytest.fixture
def branch(ws):
    ids = {}
    for name, basis in (("王建国", 850_000), ("李秀英", 450_000), ("赵小雨", None)):
        ids[name] = ws.members.create(
            MemberFields(name=name, join_date=dt.date(2015, 7, 1), conversion_date=dt.date(2016, 7, 1),
                         dues_basis_fen=basis, dues_monthly_fen=20 if basis is None else None)
        ).id  # fmt: skip
    ws.dues.assess_year(2026)
    for month in range(1, 6):
        ws.dues.collect_month(M(2026, month), [(ids["王建国"], 12750), (ids["赵小雨"], 20)],
                              paid_on=dt.date(2026, month, 8), collector="组织委员")  # fmt: skip
    ws.dues.record_payment(
        PaymentInput(ids["李秀英"], dt.date(2026, 4, 2), [M(2026, 1), M(2026, 2), M(2026, 3)])
    )
    return ids


def months_paid(ws):
    return sorted(
        (p.member_name, m, a)
        for p in ws.dues.payments()
        for m, a in zip(p.months, p.month_amounts, strict=True)
    )


def test_the_exported_ledger_imports_back(ws, branch, db_arg, tmp_path, capsys):
    out = tmp_path / "党费收缴台账.xlsx"
    assert main([*db_arg, "export", "dues", "--year", "2026", "--format", "xlsx", "-o", str(out)]) == 0
    before = months_paid(ws)
    assert len(before) == 13
    # the same file again: everything is there already
    assert main([*db_arg, "import", "dues", str(out), "--dry-run"]) == 0
    assert "13 个月已有相同记录" in capsys.readouterr().out
    # an office that lost its records imports its sheet: the months come back, one payment per month
    for p in ws.dues.payments():
        ws.dues.delete_payment(p.id)
    assert main([*db_arg, "import", "dues", str(out)]) == 0
    assert "已导入 13 笔" in capsys.readouterr().out
    assert months_paid(ws) == before


def test_a_bad_cell_names_its_row_and_month_and_nothing_is_written(ws, branch, db_arg, tmp_path, capsys):
    out = tmp_path / "台账.xlsx"
    main([*db_arg, "export", "dues", "--year", "2026", "--format", "xlsx", "-o", str(out)])
    wb = load_workbook(out)
    sheet = wb.active
    header_row = next(r for r in range(1, 8) if sheet.cell(r, 2).value == "姓名")
    june = next(c for c in range(1, 30) if sheet.cell(header_row, c).value == "6月")
    rows = {sheet.cell(r, 2).value: r for r in range(header_row + 1, header_row + 5)}
    sheet.cell(rows["王建国"], june).value = 127.5  # a good new month …
    sheet.cell(rows["李秀英"], june).value = "二十二元"  # … and a bad one
    sheet.cell(rows["赵小雨"], june - 1).value = 0.5  # May is recorded as 0.20
    wb.save(out)
    before = months_paid(ws)
    assert main([*db_arg, "import", "dues", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"第 {rows['李秀英']} 行，6月：金额“二十二元”不是金额" in err
    assert f"第 {rows['赵小雨']} 行，5月：该月已登记交纳0.20元，与表中的0.50元不同" in err
    assert "未导入任何数据" in err
    assert months_paid(ws) == before


def test_a_sheet_of_payments_with_several_months_each(ws, branch, db_arg, tmp_path, capsys):
    path = tmp_path / "缴纳记录.xlsx"
    wb = Workbook()
    sheet = wb.active
    sheet.append(["党费缴纳记录"])
    sheet.append(["姓名", "缴纳日期", "金额（元）", "所属月份", "收缴人"])
    sheet.append(["李秀英", dt.date(2026, 7, 3), 67.5, "2026年4月至6月", "组织委员"])
    sheet.append(["赵小雨", "2026-07-05", "0.20", "2026-06", "组织委员"])
    sheet.append(["张无名", "2026-07-05", "0.20", "2026-06", ""])
    wb.save(path)
    assert main([*db_arg, "import", "dues", str(path), "--dry-run"]) == 1
    assert "第 5 行，姓名：本支部没有名为“张无名”的党员" in capsys.readouterr().err
    wb = load_workbook(path)
    wb.active.delete_rows(5)
    wb.save(path)
    assert main([*db_arg, "import", "dues", str(path)]) == 0
    [late] = [p for p in ws.dues.payments(member_id=branch["李秀英"]) if p.paid_on == dt.date(2026, 7, 3)]
    assert (late.months_text, late.month_amounts, late.collector) == (
        "2026年4月至6月",
        (2250, 2250, 2250),
        "组织委员",
    )


def test_the_ledger_exports_as_pdf(ws, branch, db_arg, tmp_path):
    out = tmp_path / "党费收缴台账.pdf"
    assert main([*db_arg, "export", "dues", "--year", "2026", "--format", "pdf", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
