"""The member file's 联系服务与活动 tab (issue 15): the member's assignments, activities and study hours of
the year — the material for 民主评议. Read through the services when the tab is shown."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QLabel, QListWidget, QVBoxLayout, QWidget

from branchdesk.domain.activities import format_hours

__all__ = ["MemberWork"]


class MemberWork(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None, *, today: dt.date | None = None):
        super().__init__(parent)
        self.setObjectName("memberWork")
        self.ctx = ctx
        self._today = today
        self.member_id: int | None = None
        self.hours = QLabel()
        self.hours.setWordWrap(True)
        self.assignments = QListWidget()
        self.activities = QListWidget()
        self.activities.setObjectName("memberActivities")
        for widget in (self.assignments, self.activities):
            widget.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.hours)
        layout.addWidget(QLabel("联系服务与岗位："))
        layout.addWidget(self.assignments, 1)
        layout.addWidget(QLabel("本年度参加的活动："))
        layout.addWidget(self.activities, 2)
        from branchdesk.ui.changes import watch

        tables = {
            "activity",
            "activity_participant",
            "assignment",
            "study_record",
            "meeting_attendance",
            "meeting",
        }
        watch(self, ctx.changes, tables, lambda _changes: self._refresh())

    def _refresh(self) -> None:
        """A commit touched what the tab shows: read it again if it is on screen."""
        if self.member_id is not None and self.isVisible():
            self.show_member(self.member_id)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def show_member(self, member_id: int | None) -> None:
        self.member_id = member_id
        self.assignments.clear()
        self.activities.clear()
        if member_id is None:
            self.hours.setText("未选择党员")
            return
        year = self.today.year
        h = self.ctx.study.member_hours(member_id, year)
        parts = "，".join(f"{k}{format_hours(v)}" for k, v in h.by_source().items())
        self.hours.setText(
            f"{year}年学习培训 {format_hours(h.total)} 学时（应达 {h.target} 学时"
            + ("，已达标）" if not h.short else f"，还差 {format_hours(h.short)} 学时）")
            + (f"：{parts}" if parts else "")
        )
        for a in self.ctx.assignments.list(member_id=member_id):
            span = f"{a.start.isoformat()}至{a.end.isoformat() if a.end else '今'}"
            target = a.target or a.people.replace("\n", "；")
            self.assignments.addItem(f"{a.kind_label}：{target}（{span}）")
        if not self.assignments.count():
            self.assignments.addItem("（无联系服务安排）")
        for act in self.ctx.activities.for_member(member_id, year):
            role = f"，{act.role}" if act.role else ""
            self.activities.addItem(
                f"{act.date.isoformat()} {act.kind}：{act.title}（{format_hours(act.hours)}小时{role}）"
            )
        if not self.activities.count():
            self.activities.addItem("（本年度没有参加活动的记录）")
