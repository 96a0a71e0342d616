"""党建品牌项目: the branch's brand projects (name, slogan, idea, period, yearly goals, recognitions), edited
through ``ctx.activities`` (issue 15). An abandoned project is deleted (button, right-click menu, Delete
key) after a confirmation that says how many activities belong to it: they stay, without a project (what
``ActivitiesService.delete_project`` does). The list is read again when a commit touches the projects."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from branchdesk.domain.activities import BrandProject, Recognition
from branchdesk.domain.errors import NotFoundError
from branchdesk.domain.members import ValidationError
from branchdesk.ui.changes import watch

__all__ = ["ProjectsDialog", "parse_goals", "parse_recognitions"]


def parse_goals(text: str) -> dict[int, str]:
    """ "2026：全年服务12次" lines → {2026: "全年服务12次"}; ValueError naming a line without a year."""
    out: dict[int, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        year, sep, goals = line.replace(":", "：").partition("：")
        if not sep or not year.strip().removesuffix("年").isdigit():
            raise ValueError(f"年度目标“{line}”应写成“2026：目标”")
        out[int(year.strip().removesuffix("年"))] = goals.strip()
    return out


def parse_recognitions(text: str) -> tuple[Recognition, ...]:
    """ "2026-06-30，省级优秀党建工作项目，省部级，省委教育工委" lines (date, title, level, issuer)."""
    from branchdesk.domain.dates import parse_date_loose

    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace(",", "，").split("，")]
        if not any(parts):
            continue
        try:
            day = parse_date_loose(parts[0], allow_year_month=False) if parts[0] else None
        except ValueError:
            raise ValueError(f"获奖情况“{line.strip()}”：第一项应为日期，如 2026-06-30") from None
        parts += [""] * 4
        out.append(Recognition(parts[1], parts[2], parts[3], day))
    return tuple(out)


def _goals_text(goals) -> str:
    return "\n".join(f"{y}：{g}" for y, g in sorted(goals.items()))


def _recognitions_text(items) -> str:
    return "\n".join(
        f"{r.date.isoformat() if r.date else ''}，{r.title}，{r.level}，{r.issuer}" for r in items
    )


class ProjectsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        from branchdesk.ui.widgets.date_field import DateField
        from branchdesk.ui.widgets.dialog_parts import form_layout

        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("党建品牌项目")
        self.resize(760, 560)
        self.list = QListWidget()
        self.list.setObjectName("projectList")
        self.new_button = QPushButton("新增项目")
        self.delete_button = QPushButton("删除项目…")
        self.delete_button.setToolTip(
            "删除不再开展的项目（Delete 键）：项目下的活动记录保留，删除前会再次确认"
        )
        self.save_button = QPushButton("保存")
        self.name = QLineEdit()
        self.slogan = QLineEdit()
        self.idea = QPlainTextEdit()
        self.idea.setFixedHeight(70)
        self.start = DateField()
        self.end = DateField()
        self.goals = QPlainTextEdit()
        self.goals.setPlaceholderText(f"每行一年，如：{dt.date.today().year}：全年服务12次")
        self.goals.setFixedHeight(70)
        self.recognitions = QPlainTextEdit()
        self.recognitions.setPlaceholderText("每行一项：日期，名称，级别，授予单位")
        self.recognitions.setFixedHeight(70)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        form = form_layout()
        form.addRow("项目名称：", self.name)
        form.addRow("口号：", self.slogan)
        form.addRow("工作思路：", self.idea)
        form.addRow("开始日期：", self.start)
        form.addRow("结束日期：", self.end)
        form.addRow("年度目标：", self.goals)
        form.addRow("获奖及认定：", self.recognitions)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.error)
        right.addWidget(self.save_button)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)
        self.projects: list[BrandProject] = []
        self.current: BrandProject | None = None
        self.list.currentRowChanged.connect(self._show)
        self.new_button.clicked.connect(lambda: self._show(-1))
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(lambda: self.delete())
        # the principal as it works on this branch (a branch may grant a higher role than the account's)
        self.editable = ctx.ws.principal.can_edit
        if not self.editable:
            for b in (self.new_button, self.save_button, self.delete_button):
                b.hide()
        else:
            self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            self.list.customContextMenuRequested.connect(self._menu)
        self.list.installEventFilter(self)  # the Delete key deletes the selected project
        self.reload()
        watch(
            self,
            ctx.changes,
            {"brand_project", "brand_goal", "brand_recognition"},
            lambda _c: self._changed(),
        )

    def _changed(self) -> None:
        """A commit touched the projects: read them again, keeping the one on screen if it is still there."""
        self.reload(self.current.id if self.current else None)

    def reload(self, select: int | None = None) -> None:
        self.projects = self.ctx.activities.projects()
        self.list.blockSignals(True)
        self.list.clear()
        self.list.addItems([p.name for p in self.projects])
        self.list.blockSignals(False)
        row = next((i for i, p in enumerate(self.projects) if p.id == select), 0 if self.projects else -1)
        self.list.setCurrentRow(row)
        self._show(row)

    def _show(self, row: int) -> None:
        self.current = self.projects[row] if 0 <= row < len(self.projects) else None
        p = self.current or BrandProject("")
        self.name.setText(p.name)
        self.slogan.setText(p.slogan)
        self.idea.setPlainText(p.idea)
        self.start.setDate(p.start)
        self.end.setDate(p.end)
        self.goals.setPlainText(_goals_text(p.goals))
        self.recognitions.setPlainText(_recognitions_text(p.recognitions))
        self.error.clear()
        self.delete_button.setEnabled(self.editable and self.current is not None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete:
            if self.editable:
                self.delete()
            return True
        return super().eventFilter(watched, event)

    def _menu(self, pos) -> None:
        menu = self.context_menu(self.list.row(self.list.itemAt(pos)) if self.list.itemAt(pos) else -1)
        if menu is not None:
            menu.exec(self.list.viewport().mapToGlobal(pos))

    def context_menu(self, row: int) -> QMenu | None:
        """The right-click menu of a project in the list (it selects the project)."""
        if not self.editable or not 0 <= row < self.list.count():
            return None
        self.list.setCurrentRow(row)
        menu = QMenu(self)
        menu.addAction("删除项目…", lambda: self.delete())
        return menu

    def delete(self) -> bool:
        """Delete the selected project after a confirmation naming it, its period, what goes with it and how
        many activities belong to it (they stay, without a project). One transaction."""
        from branchdesk.ui.widgets import prompts

        project = self.current
        if project is None or project.id is None or not self.editable:
            return False
        try:
            used = self.ctx.activities.project_activity_count(project.id)
        except NotFoundError as exc:
            prompts.warn(self, "删除项目", f"{exc}，请刷新后重试。")
            return False
        start = project.start.isoformat() if project.start else "未填"
        end = project.end.isoformat() if project.end else "今"
        period = f"{start}至{end}" if project.start or project.end else "未填"
        lines = [f"确定删除党建品牌项目“{project.name}”吗？", "", f"项目期间：{period}"]
        if project.goals or project.recognitions:
            lines.append(
                f"年度目标 {len(project.goals)} 项、获奖及认定 {len(project.recognitions)} 项一并删除。"
            )
        lines.append(
            f"有 {used} 次活动记录属于这个项目：删除后这些活动记录保留，只是不再属于任何品牌项目。"
            if used
            else "没有活动记录属于这个项目。"
        )
        lines += ["", "删除记入操作日志。"]
        return prompts.confirm_delete(
            self, "删除项目", "\n".join(lines), lambda: self.ctx.activities.delete_project(project.id)
        )

    def value(self) -> BrandProject:
        return BrandProject(
            self.name.text(), self.current.id if self.current else None, self.slogan.text(), self.idea.toPlainText(),
            self.start.date(), self.end.date(), self.current.note if self.current else "",
            parse_goals(self.goals.toPlainText()), parse_recognitions(self.recognitions.toPlainText()),
        )  # fmt: skip

    def save(self) -> BrandProject | None:
        try:
            saved = self.ctx.activities.save_project(self.value())
        except (ValidationError, ValueError) as exc:
            self.error.setText(str(exc))
            return None
        self.reload(saved.id)
        return saved
