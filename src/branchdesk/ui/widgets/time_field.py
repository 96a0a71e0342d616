"""A time of day that can be empty and is typed, not spun: "14:30", "1430", "9", "9点30", "14时30分".

QTimeEdit with a "未填写" special value ignores typed digits (the text is not a valid section), so the
secretary could only use the arrow keys. This line edit keeps QTimeEdit's small API (``time()``,
``setTime()``, ``timeChanged``) with ``QTime(0, 0)`` meaning "not filled in", as the meeting form uses it.
"""

from __future__ import annotations

import re
import unicodedata

from PySide6.QtCore import QTime, Signal
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QWidget

EMPTY = QTime(0, 0)

_FORMS = (
    re.compile(r"(\d{1,2})[:：.点时](\d{1,2})分?"),
    re.compile(r"(\d{1,2})[点时]?()"),
    re.compile(r"(\d{2})(\d{2})"),
    re.compile(r"(\d)(\d{2})"),
)


def parse_time(text: str) -> QTime:
    """The time written in ``text``; ``EMPTY`` for an empty text; ValueError (Chinese) otherwise."""
    text = "".join(unicodedata.normalize("NFKC", text or "").split())
    if not text:
        return EMPTY
    for form in _FORMS:
        m = form.fullmatch(text)
        if m:
            hour, minute = int(m.group(1)), int(m.group(2) or 0)
            if hour <= 23 and minute <= 59:
                return QTime(hour, minute)
            break
    raise ValueError(f"无法识别的时间“{text}”，请写成 14:30、1430 或 9点30")


class TimeField(QLineEdit):
    """An optional time; ``time()`` is ``EMPTY`` (00:00) when empty or not a time (see ``error()``)."""

    timeChanged = Signal(QTime)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText("如 14:30")
        self.setToolTip("直接输入时间，如 14:30、1430、9点30；留空表示未填写")
        self.setClearButtonEnabled(True)
        self.setMaxLength(10)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("如 14:30") + 56)
        self._time = EMPTY
        self.textEdited.connect(self._on_edited)
        self.editingFinished.connect(self._reformat)

    def time(self) -> QTime:
        try:
            return parse_time(self.text())
        except ValueError:
            return EMPTY

    def error(self) -> str | None:
        try:
            parse_time(self.text())
        except ValueError as exc:
            return str(exc)
        return None

    def setTime(self, value: QTime) -> None:
        self._time = value
        self.setText("" if value == EMPTY else value.toString("HH:mm"))

    def _on_edited(self, _text: str) -> None:
        now = self.time()
        if now != self._time:
            self._time = now
            self.timeChanged.emit(now)

    def _reformat(self) -> None:
        if self.error() is None:
            value = self.time()
            shown = "" if value == EMPTY else value.toString("HH:mm")
            if self.text() != shown:
                self.setText(shown)
