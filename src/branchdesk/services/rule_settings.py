"""Local rule settings with effective dates, and the holiday calendar the branch enters (issue 12 §1).

* A local setting (training days, publicity days …) changed "from 2026-01-01" judges steps dated from
  then on; earlier steps keep the value in force on their date. Each change is a ``rule_setting_change``
  row (value, effective date, who, when): :meth:`RuleSettingsService.history` is what the settings page
  lists, :meth:`timeline` what ``RuleContext.timeline`` takes.
* Holidays and make-up working days (the State Council's notice, published each November) for years the
  bundled calendar does not know: entered per year in 设置 or imported from an Excel sheet (日期, 类型
  放假/上班, 说明). :meth:`HolidayService.calendar` is the ``HolidayCalendar`` the rules count with;
  :meth:`missing_years` the years counted as plain Monday–Friday.

Both are workspace services: ``ws.rule_settings`` (per branch) and ``ws.holidays`` (the calendar is
national: one for the whole database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from branchdesk.db.models import HolidayDay, RuleSettingChange
from branchdesk.domain.auth import Role
from branchdesk.domain.dates import HolidayCalendar, format_date, parse_date_loose
from branchdesk.domain.members import FieldIssue, ValidationError
from branchdesk.domain.rules.settings import LOCAL_FIELDS, SETTING_LABELS, RuleSettings

if TYPE_CHECKING:
    from branchdesk.workspace import Workspace

__all__ = ["HOLIDAY", "WORKDAY", "HolidayService", "RuleSettingsService", "SettingChange"]

HOLIDAY, WORKDAY = "holiday", "workday"
_KIND_WORDS = {"放假": HOLIDAY, "假日": HOLIDAY, "节假日": HOLIDAY, "休息": HOLIDAY, "holiday": HOLIDAY,
               "上班": WORKDAY, "调休上班": WORKDAY, "工作日": WORKDAY, "补班": WORKDAY, "workday": WORKDAY}  # fmt: skip


@dataclass(frozen=True)
class SettingChange:
    """One dated value of a local setting (the settings page's history)."""

    name: str
    label: str
    value: str
    effective_from: dt.date
    changed_at: dt.datetime | None
    changed_by: str
    id: int | None = None

    @property
    def value_zh(self) -> str:
        """The value as the settings page shows it (archive items by their Chinese names)."""
        if self.name == "archive_items":
            from branchdesk.domain.development import DossierItem

            codes = [c for c in self.value.split(",") if c]
            return (
                "、".join(DossierItem(c).label if c in DossierItem._value2member_map_ else c for c in codes)
                or "（无）"
            )
        return self.value


class RuleSettingsService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def history(self) -> list[SettingChange]:
        """Every dated change, newest effective date first (none before the branch exists)."""
        if not self.ws.has_branch:
            return []
        with self.ws.read() as session:
            branch_id = self.ws.branch_id
            rows = session.scalars(
                select(RuleSettingChange)
                .where(RuleSettingChange.branch_id == branch_id)
                .order_by(RuleSettingChange.effective_from.desc(), RuleSettingChange.id.desc())
            ).all()
            return [
                SettingChange(
                    r.name,
                    SETTING_LABELS.get(r.name, r.name),
                    r.value,
                    r.effective_from,
                    r.changed_at,
                    r.changed_by,
                    r.id,
                )
                for r in rows
            ]

    def timeline(self, base: RuleSettings) -> tuple[tuple[dt.date, RuleSettings], ...]:
        """``(effective_from, settings)`` ascending: ``base`` with every change effective by then."""
        changes = sorted(self.history(), key=lambda c: (c.effective_from, c.changed_at or dt.datetime.min))
        if not changes:
            return ()
        out: list[tuple[dt.date, RuleSettings]] = []
        values = base.to_mapping()
        for day in sorted({c.effective_from for c in changes}):
            for c in changes:
                if c.effective_from == day:
                    values[c.name] = c.value
            out.append((day, RuleSettings.from_mapping(values)))
        return tuple(out)

    def in_force(self, base: RuleSettings, on: dt.date) -> RuleSettings:
        """The settings in force on ``on``: ``base`` with every change effective by then."""
        chosen = base
        for since, values in self.timeline(base):
            if since <= on:
                chosen = values
        return chosen

    def remove(self, change_id: int) -> None:
        """Take back a dated change entered by mistake (the audit log keeps it)."""
        with self.ws.write("撤销规则设置的修改", needs=Role.ADMIN) as session:
            row = session.get(RuleSettingChange, change_id)
            if row is not None and row.branch_id == self.ws.branch_id:  # another branch's: as a missing id
                session.delete(row)

    def change(self, values: Mapping[str, object], effective_from: dt.date, base: RuleSettings) -> None:
        """Record new values of local settings from ``effective_from`` on (steps dated earlier keep the
        value in force then). Unknown or national names are refused; the result must be valid settings."""
        issues = [FieldIssue(name, f"“{SETTING_LABELS.get(name, name)}”不是可按日期修改的本地设置")
                  for name in values if name not in LOCAL_FIELDS]  # fmt: skip
        if issues:
            raise ValidationError(issues)
        text = {
            name: ",".join(sorted(str(x) for x in v)) if isinstance(v, (set, frozenset)) else str(v)
            for name, v in values.items()
        }
        try:
            RuleSettings.from_mapping({**base.to_mapping(), **text})
        except ValueError as exc:
            raise ValidationError([FieldIssue("settings", str(exc))]) from None
        with self.ws.write(f"修改规则设置（自{format_date(effective_from)}起）", needs=Role.ADMIN) as session:
            branch_id = self.ws.branch_id
            for name, value in text.items():
                session.add(RuleSettingChange(branch_id=branch_id, name=name, value=value,
                                              effective_from=effective_from, changed_by=self.ws.db.user))  # fmt: skip


class HolidayService:
    def __init__(self, ws: Workspace):
        self.ws = ws

    def days(self, year: int | None = None) -> list[tuple[dt.date, str, str]]:
        """(day, kind, note) entered, by date (one year or all)."""
        with self.ws.read() as session:
            stmt = select(HolidayDay.day, HolidayDay.kind, HolidayDay.note).order_by(HolidayDay.day)
            if year is not None:
                stmt = stmt.where(
                    HolidayDay.day >= dt.date(year, 1, 1), HolidayDay.day <= dt.date(year, 12, 31)
                )
            return [tuple(r) for r in session.execute(stmt)]

    def calendar(self) -> HolidayCalendar:
        """The bundled official calendar amended with what the branch entered."""
        rows = self.days()
        return HolidayCalendar(
            holidays={d for d, k, _ in rows if k == HOLIDAY}, workdays={d for d, k, _ in rows if k == WORKDAY}
        )

    def missing_years(self, years: Iterable[int]) -> list[int]:
        """Of ``years``, those counted as plain Monday–Friday (no bundled data, nothing entered)."""
        cal = self.calendar()
        return [y for y in years if not cal.is_year_known(y)]

    def set_year(self, year: int, days: Iterable[tuple[dt.date, str, str]]) -> int:
        """Replace a year's entered days with ``(day, kind, note)``; returns how many were stored."""
        rows = []
        issues = []
        seen: set[dt.date] = set()
        for day, kind, note in days:
            if day.year != year:
                issues.append(FieldIssue("day", f"{format_date(day)}不在{year}年"))
            elif kind not in (HOLIDAY, WORKDAY):
                issues.append(FieldIssue("kind", f"{format_date(day)}的类型应为“放假”或“上班”"))
            elif day in seen:
                issues.append(FieldIssue("day", f"{format_date(day)}重复"))
            seen.add(day)
            rows.append((day, kind, (note or "")[:100]))
        if issues:
            raise ValidationError(issues)
        with self.ws.write(f"录入{year}年节假日安排", needs=Role.ADMIN) as session:
            session.execute(
                delete(HolidayDay).where(
                    HolidayDay.day >= dt.date(year, 1, 1), HolidayDay.day <= dt.date(year, 12, 31)
                )
            )
            for day, kind, note in rows:
                session.add(HolidayDay(day=day, kind=kind, note=note))
        return len(rows)

    def import_xlsx(self, path: str | Path) -> dict[int, int]:
        """Read a sheet with the columns 日期, 类型 (放假/上班) and optionally 说明; replace each year it
        covers. Any bad row refuses the whole file (ValidationError naming row and reason)."""
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            rows = list(wb.worksheets[0].iter_rows(values_only=True))
        finally:
            wb.close()
        header_at = next(
            (i for i, r in enumerate(rows[:10]) if r and any(str(c or "").strip() == "日期" for c in r)), None
        )
        if header_at is None:
            raise ValidationError([FieldIssue("file", "表格中没有“日期”列（表头应为：日期、类型、说明）")])
        header = [str(c or "").strip() for c in rows[header_at]]
        col_day, col_kind = (
            header.index("日期"),
            next((i for i, h in enumerate(header) if h in ("类型", "安排")), None),
        )
        col_note = next((i for i, h in enumerate(header) if h in ("说明", "节日", "备注")), None)
        if col_kind is None:
            raise ValidationError([FieldIssue("file", "表格中没有“类型”列（放假或上班）")])
        by_year: dict[int, list[tuple[dt.date, str, str]]] = {}
        issues = []
        for n, r in enumerate(rows[header_at + 1 :], start=header_at + 2):
            if r is None or all(c in (None, "") for c in r):
                continue
            try:
                day = parse_date_loose(r[col_day], allow_year_month=False)
            except ValueError:
                issues.append(FieldIssue("日期", f"第{n}行：日期“{r[col_day]}”无法识别"))
                continue
            kind = _KIND_WORDS.get(str(r[col_kind] or "").strip())
            if kind is None:
                issues.append(FieldIssue("类型", f"第{n}行：类型“{r[col_kind]}”应为“放假”或“上班”"))
                continue
            note = str(r[col_note] or "").strip() if col_note is not None and col_note < len(r) else ""
            by_year.setdefault(day.year, []).append((day, kind, note))
        if issues:
            raise ValidationError(issues)
        if not by_year:
            raise ValidationError([FieldIssue("file", "表格中没有日期")])
        return {year: self.set_year(year, days) for year, days in sorted(by_year.items())}
