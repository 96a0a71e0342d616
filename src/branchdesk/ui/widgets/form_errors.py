"""Showing validation problems: a panel listing the messages, and red marks on the offending widgets.

marks = FieldMarks(panel, tabs)
marks.register("id_number", id_edit, tab=0)
...
except ValidationError as exc:
    marks.show(exc.issues)   # lists "公民身份号码：…", marks the field, switches to its tab, focuses it
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOUR = "#c62828"
_PANEL_STYLE = (
    "QFrame#formErrorPanel { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }"
    f"QLabel {{ color: {ERROR_COLOUR}; background: transparent; border: none; }}"
)


class ErrorPanel(QFrame):
    """A pale red box with one line per problem; hidden when there is none."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("formErrorPanel")
        self.setStyleSheet(_PANEL_STYLE)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label)
        self._messages: list[str] = []
        self.hide()

    def set_messages(self, messages: Iterable[str], *, title: str = "请修改以下内容后再保存：") -> None:
        self._messages = [str(m) for m in messages]
        if not self._messages:
            self.clear()
            return
        lines = [title] if title else []
        lines += [f"• {m}" for m in self._messages]
        self.label.setText("\n".join(lines))
        self.show()

    def messages(self) -> list[str]:
        return list(self._messages)

    def text(self) -> str:
        return self.label.text() if self.isVisible() or self._messages else ""

    def clear(self) -> None:
        self._messages = []
        self.label.clear()
        self.hide()


def _target(widget: QWidget) -> QWidget:
    """The widget that gets the red border (the line edit inside a composite field)."""
    inner = getattr(widget, "edit", None)
    return inner if isinstance(inner, QWidget) else widget


def mark_invalid(widget: QWidget, message: str) -> None:
    target = _target(widget)
    if target.property("_bd_tooltip") is None:
        target.setProperty("_bd_tooltip", target.toolTip())
    target.setProperty("invalid", True)
    cls = type(target).__name__
    for base in (QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QAbstractButton):
        if isinstance(target, base):
            cls = base.__name__
            break
    if isinstance(target, QAbstractButton):
        target.setStyleSheet(f"{cls} {{ color: {ERROR_COLOUR}; }}")
    else:
        target.setStyleSheet(f"{cls} {{ border: 1px solid {ERROR_COLOUR}; border-radius: 2px; }}")
    target.setToolTip(message)


def clear_mark(widget: QWidget) -> None:
    target = _target(widget)
    if not target.property("invalid"):
        return
    target.setProperty("invalid", False)
    target.setStyleSheet("")
    original = target.property("_bd_tooltip")
    target.setToolTip(original or "")
    target.setProperty("_bd_tooltip", None)


def is_marked(widget: QWidget) -> bool:
    return bool(_target(widget).property("invalid"))


@dataclass(frozen=True)
class Problem:
    """A problem with a field of a form that is not a member file (its own label, or none)."""

    field: str
    message: str
    label: str = ""

    def __str__(self) -> str:
        return f"{self.label}：{self.message}" if self.label else self.message


def problems(labels: dict[str, str], items) -> list[Problem]:
    """[(field, message), …] → Problems labelled from `labels` (unknown fields: no label)."""
    return [Problem(field, message, labels.get(field, "")) for field, message in items]


@dataclass
class _Entry:
    widget: QWidget
    tab: int | None


class FieldMarks:
    """Knows which widget edits which field (and on which tab) and shows issues on them."""

    def __init__(self, panel: ErrorPanel, tabs: QTabWidget | None = None):
        self.panel = panel
        self.tabs = tabs
        self._entries: dict[str, _Entry] = {}

    def register(self, field: str, widget: QWidget, tab: int | None = None) -> None:
        self._entries[field] = _Entry(widget, tab)

    def widget(self, field: str) -> QWidget | None:
        entry = self._entries.get(field)
        return entry.widget if entry else None

    def clear(self) -> None:
        self.panel.clear()
        for entry in self._entries.values():
            clear_mark(entry.widget)

    def show(self, issues: Iterable, *, title: str = "请修改以下内容后再保存：") -> QWidget | None:
        """List every issue (`str(issue)` names the field) and mark its widget; returns the first one."""
        order = {field: i for i, field in enumerate(self._entries)}
        # Form order (the order fields were registered), so the list reads like the form.
        issues = sorted(issues, key=lambda i: order.get(getattr(i, "field", ""), len(order)))
        self.clear()
        self.panel.set_messages([str(i) for i in issues], title=title)
        first: _Entry | None = None
        tooltips: dict[str, list[str]] = {}
        for issue in issues:
            entry = self._entries.get(getattr(issue, "field", ""))
            if entry is None:
                continue
            tooltips.setdefault(issue.field, []).append(getattr(issue, "message", str(issue)))
            if first is None:
                first = entry
        for field, messages in tooltips.items():
            mark_invalid(self._entries[field].widget, "\n".join(messages))
        if first is None:
            return None
        if self.tabs is not None and first.tab is not None:
            self.tabs.setCurrentIndex(first.tab)
        _ensure_visible(first.widget)
        first.widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return first.widget


def _ensure_visible(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
            return
        parent = parent.parentWidget()
