"""Importing dues payments from the collector's Excel sheet (issue 14): ``branchdesk import dues FILE``.

Two layouts, found by their header row (within the first rows; headers matched as for the roster:
full-width forms, spaces and '*' do not matter):

* **a row per member, a column per month** — 姓名 and 1月 … 12月 (or 2026年1月 …): each cell with an
  amount is that month paid (dated the month's last day, or today for the current month); blank, 外地,
  免交 and — are nothing to import. This is the 党费收缴台账 the program exports, so it imports back: a
  month already recorded with the same amount is skipped, with another amount it is an error. The year
  comes from ``--year``, else from the title rows ("2026年度") or the month headers. Reading stops at
  the 合计 row.
* **a row per payment** — 姓名, 缴纳日期, 金额, 所属月份 (e.g. "2026-01~2026-03" or "2026年1月至3月"),
  optionally 收缴人 and 备注.

Every problem is a :class:`RowError` naming the Excel row and the header as written ("第 5 行，3月：……");
a file with any error writes nothing; a good one is written in one transaction
(:meth:`DuesService.record_payments`). The cells are read with the shared reader (services.xlsx_reader).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from branchdesk.domain.dues import (
    DuesError,
    format_fen,
    month_end,
    month_index,
    month_label,
    parse_months,
    parse_yuan,
)
from branchdesk.services.xlsx_table import RowError, cell_date, header_key
from branchdesk.services.xlsx_table import cell_text as _text

if TYPE_CHECKING:
    from branchdesk.services.dues import Payment, PaymentInput
    from branchdesk.workspace import Workspace

__all__ = ["DuesImport", "apply_dues", "read_dues"]

HEADER_SEARCH_ROWS = 12
SHEET_NAMES = ("党费收缴台账", "党费缴纳记录", "党费")
NOTHING_MARKS = {"外地", "免交", "—", "-", "－", "/", "／", "——", "未交"}
_NAME = {"姓名", "党员姓名"}
_DATE = {"缴纳日期", "交纳日期", "缴费日期", "日期"}
_AMOUNT = {"金额", "金额(元)", "缴纳金额", "缴纳金额(元)", "实交金额", "实交金额(元)", "交纳金额", "交纳金额(元)",
           "党费", "党费(元)"}  # fmt: skip
_MONTHS = {"所属月份", "缴纳月份", "交纳月份", "月份"}
_COLLECTOR = {"收缴人", "经手人", "收款人"}
_NOTES = {"备注"}
_MONTH_HEADER = re.compile(r"^(?:(\d{4})(?:年|-|/|\.))?(\d{1,2})月?$")
_YEAR_TEXT = re.compile(r"(\d{4})\s*年")


@dataclass
class DuesImport:
    """What :func:`read_dues` found: the payments to write (with their Excel rows) and the issues."""

    payments: list[PaymentInput] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    issues: list[RowError] = field(default_factory=list)
    layout: str = ""  # "monthly" or "payments"
    year: int | None = None
    skipped: int = 0  # months already recorded with the same amount
    data_rows: int = 0
    path: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def file_issues(self) -> list[RowError]:
        return [i for i in self.issues if i.row <= 0]

    @property
    def issue_row_count(self) -> int:
        return len({i.row for i in self.issues if i.row > 0})

    @property
    def months(self) -> int:
        return sum(len(p.months) for p in self.payments)

    def describe(self) -> str:
        if self.file_issues:
            return "无法导入：" + "；".join(i.message for i in self.file_issues)
        kind = f"{self.year}年逐月台账" if self.layout == "monthly" else "缴纳记录"
        text = (
            f"读取{kind} {self.data_rows} 行：{len(self.payments)} 笔缴纳（{self.months} 个月，"
            f"共 {format_fen(sum(p.amount_fen or 0 for p in self.payments))} 元）可以导入"
        )
        if self.skipped:
            text += f"，{self.skipped} 个月已有相同记录（跳过）"
        if self.issues:
            text += f"，{self.issue_row_count} 行有错误（共 {len(self.issues)} 处）"
        return text + "。"


def _key(text: Any) -> str:
    return unicodedata.normalize("NFKC", header_key(text)).replace("（", "(").replace("）", ")")


def _find_header(
    rows: list[tuple[int, tuple]],
) -> tuple[int, str, dict[str, int], dict[int, tuple[int | None, int]]]:
    """(index in rows, layout, {field: cell index}, {cell index: (year or None, month)}) of the header row."""
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [_key(c) for c in cells]
        if not any(k in _NAME for k in keys):
            continue
        months: dict[int, tuple[int | None, int]] = {}
        fields: dict[str, int] = {}
        for j, k in enumerate(keys):
            if not k:
                continue
            m = _MONTH_HEADER.match(k)
            if m and 1 <= int(m.group(2)) <= 12 and (m.group(1) or k.endswith("月")):
                months[j] = (int(m.group(1)) if m.group(1) else None, int(m.group(2)))
                continue
            for name, names in (("name", _NAME), ("date", _DATE), ("amount", _AMOUNT), ("months", _MONTHS),
                                ("collector", _COLLECTOR), ("notes", _NOTES)):  # fmt: skip
                if k in names and name not in fields:
                    fields[name] = j
        if months:
            return i, "monthly", fields, months
        if {"name", "date", "amount", "months"} <= set(fields):
            return i, "payments", fields, {}
    return -1, "", {}, {}


def read_dues(
    ws: Workspace, path: str | Path, *, year: int | None = None, today: dt.date | None = None
) -> DuesImport:
    """Read a dues sheet and check it against the branch's members and recorded payments (nothing is
    written)."""
    from branchdesk.services.dues import PaymentInput
    from branchdesk.services.xlsx_reader import BadCell, XlsxFileError, open_sheet

    today = today or dt.date.today()
    found = DuesImport(path=Path(path), year=year)
    try:
        with open_sheet(path, preferred=SHEET_NAMES) as sheet:
            rows = list(sheet.rows())
    except XlsxFileError as exc:
        found.issues.append(RowError(0, "", str(exc)))
        return found
    at, layout, fields, month_cols = _find_header(rows)
    if at < 0:
        found.issues.append(RowError(0, "", "没有找到表头：应有“姓名”和“1月”至“12月”各列（逐月台账），"
                                            "或“姓名、缴纳日期、金额、所属月份”各列（缴纳记录）"))  # fmt: skip
        return found
    found.layout = layout
    header_cells = rows[at][1]
    header = {j: _text(header_cells[j]) for j in range(len(header_cells))}
    if layout == "monthly" and found.year is None:
        years = {y for y, _ in month_cols.values() if y is not None}
        if not years:
            for _, cells in rows[:at]:
                for c in cells:
                    m = _YEAR_TEXT.search(_text(c))
                    if m:
                        years.add(int(m.group(1)))
        if len(years) != 1:
            found.issues.append(RowError(0, "", "无法确定台账的年度，请用 --year 指定（例如 --year 2026）"))
            return found
        found.year = years.pop()

    spans = ws.dues.spans()
    by_name: dict[str, list] = {}
    for s in spans:
        by_name.setdefault("".join(s.name.split()), []).append(s)
    paid: dict[int, dict[int, int]] = {}
    for p in ws.dues.payments():
        for m, a in zip(p.months, p.month_amounts, strict=True):
            paid.setdefault(p.member_id, {})[m] = a
    seen: set[tuple[int, int]] = set()

    def cell(cells: tuple, j: int | None) -> Any:
        if j is None or j >= len(cells):
            return None
        return cells[j]

    name_col = fields.get("name")
    for number, cells in rows[at + 1 :]:
        raw_name = _text(cell(cells, name_col))
        name = "".join(raw_name.split())
        if name in ("合计", "总计", "小计"):
            break
        if not name:
            continue
        found.data_rows += 1
        issues_before = len(found.issues)
        candidates = by_name.get(name, [])
        if not candidates:
            found.issues.append(RowError(number, header[name_col], f"本支部没有名为“{raw_name}”的党员"))
            continue
        if len(candidates) > 1:
            found.issues.append(
                RowError(
                    number,
                    header[name_col],
                    f"本支部有 {len(candidates)} 名党员名为“{raw_name}”，无法确定是谁",
                )
            )
            continue
        span = candidates[0]

        def month_problem(m: int, span=span) -> str:
            if m < span.first:
                return f"{month_label(m)}在{span.name}入党（或转入）之前，不应交纳党费"
            if span.last_payable is not None and m > span.last_payable:
                return f"{month_label(m)}{span.name}已不在本支部，党费应在新的党组织交纳"
            if (span.member_id, m) in seen:
                return f"{month_label(m)}在表中出现了两次"
            return ""

        if layout == "monthly":
            assert found.year is not None
            for j, (y, mo) in sorted(month_cols.items()):
                value = cell(cells, j)
                text = _text(value)
                if isinstance(value, BadCell):
                    found.issues.append(RowError(number, header[j], str(value)))
                    continue
                if not text or text in NOTHING_MARKS:
                    continue
                try:
                    amount = parse_yuan(value, what="金额")
                except DuesError as exc:
                    found.issues.append(RowError(number, header[j], str(exc)))
                    continue
                if amount == 0:
                    found.issues.append(RowError(number, header[j], "金额为0（未交请留空）"))
                    continue
                m = month_index((y or found.year, mo))
                known = paid.get(span.member_id, {}).get(m)
                if known is not None:
                    if known == amount:
                        found.skipped += 1
                        seen.add((span.member_id, m))
                    else:
                        found.issues.append(RowError(number, header[j], f"该月已登记交纳{format_fen(known)}元，与表中的{format_fen(amount)}元不同"))  # fmt: skip
                    continue
                problem = month_problem(m)
                if problem:
                    found.issues.append(RowError(number, header[j], problem))
                    continue
                seen.add((span.member_id, m))
                paid_on = min(month_end(m), today)
                if paid_on < month_end(m) and month_index(today) < m:
                    found.issues.append(RowError(number, header[j], f"{month_label(m)}尚未到来"))
                    continue
                found.payments.append(PaymentInput(span.member_id, paid_on, (m,), amount, "", "从台账导入"))
                found.rows.append(number)
            continue

        # a row per payment
        try:
            paid_on = cell_date(cell(cells, fields["date"]), allow_year_month=False)
            if paid_on > today:
                raise ValueError(f"缴纳日期{paid_on.isoformat()}晚于今天")
        except ValueError as exc:
            found.issues.append(RowError(number, header[fields["date"]], str(exc)))
            paid_on = None
        try:
            amount = parse_yuan(cell(cells, fields["amount"]), what="金额")
        except DuesError as exc:
            found.issues.append(RowError(number, header[fields["amount"]], str(exc)))
            amount = None
        try:
            months = parse_months(
                _text(cell(cells, fields["months"])), year=paid_on.year if paid_on else None
            )
            problems = [p for p in (month_problem(m) for m in months) if p]
            twice = [m for m in months if m in paid.get(span.member_id, {})]
            if twice:
                problems.append(f"{'、'.join(month_label(m) for m in twice)}已登记交纳")
            if problems:
                raise DuesError("；".join(problems))
        except DuesError as exc:
            found.issues.append(RowError(number, header[fields["months"]], str(exc)))
            months = []
        if len(found.issues) > issues_before or paid_on is None or amount is None:
            continue
        seen.update((span.member_id, m) for m in months)
        found.payments.append(
            PaymentInput(
                span.member_id,
                paid_on,
                tuple(months),
                amount,
                _text(cell(cells, fields.get("collector"))),
                _text(cell(cells, fields.get("notes"))),
            )
        )
        found.rows.append(number)
    return found


def apply_dues(ws: Workspace, found: DuesImport) -> list[Payment]:
    """Write what :func:`read_dues` found, in one transaction; refuses a file with issues."""
    if found.issues:
        raise DuesError(f"文件中有 {len(found.issues)} 处错误，未导入任何数据")
    name = found.path.name if found.path else ""
    return ws.dues.record_payments(found.payments, operation=f"导入党费缴纳记录：{name}")
