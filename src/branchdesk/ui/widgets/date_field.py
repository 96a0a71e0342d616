"""A date entry that can be empty (QDateEdit cannot): a line edit plus a calendar pop-up.

Typed text is read with `domain.dates.parse_date_loose` ("2026-11-23", "2026.11.23", "20261123",
"2026年11月23日" …) and shown back as yyyy-MM-dd once the field loses focus. Text that is not a date
stays as typed and is reported by :meth:`DateField.error` so the form can name the field.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

_CHINA = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def _to_qdate(value: dt.date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def field_width(metrics) -> int:
    """The width of short fields (dates, amounts), the same for all so that forms line up."""
    return metrics.horizontalAdvance("年-月-日，如 2026-11-23") + 90


class _LineEdit(QLineEdit):
    """Alt+Down or F4 opens the calendar (as in a combo box)."""

    popup_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        alt_down = event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt_down or event.key() == Qt.Key.Key_F4:
            self.popup_requested.emit()
            return
        super().keyPressEvent(event)


class DateField(QWidget):
    """An optional date. `date()` is None when empty or not a valid date (see `error()`)."""

    dateChanged = Signal(object)  # dt.date | None, after the user changed it

    def __init__(
        self, parent: QWidget | None = None, *, placeholder: str | None = None, partial: bool = False
    ):
        super().__init__(parent)
        # partial: a paper date that may give only the year or the month ("2008", "2008年9月", "1999.03")
        self._partial_ok = partial
        self._precision = "day"
        self.edit = _LineEdit()
        if placeholder is None:
            placeholder = "如 2026-11-23 或 2026年11月" if partial else "如 2026-11-23"
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMaxLength(20)
        self.edit.setToolTip(
            "可输入 2026-11-23、2026.11.23、20261123 或 2026年11月23日；"
            + ("只知道年月或年份时可写 2026年11月、2026.11 或 2026；" if partial else "")
            + "留空表示未填写"
        )
        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setToolTip("从日历中选择（Alt+↓）")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field; Alt+↓ opens it
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Wide enough for the placeholder, not as wide as a line of text: a date is short.
        width = self.edit.fontMetrics().horizontalAdvance("2026-11-23") * 2 + 40
        self.setMinimumWidth(width)
        self.setMaximumWidth(field_width(self.edit.fontMetrics()))

        self._value: dt.date | None = None
        self._error: str | None = None
        self._menu: QMenu | None = None
        self.edit.editingFinished.connect(self._reformat)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.popup_requested.connect(self.open_calendar)
        self.button.clicked.connect(self.open_calendar)

    # ---- value ---------------------------------------------------------------------------------
    def date(self) -> dt.date | None:
        self._parse()
        return self._value

    def setDate(self, value: dt.date | None) -> None:
        self._value = value
        self._precision = "day"
        self._error = None
        self.edit.setText(value.isoformat() if value else "")

    def precision(self) -> str:
        """ "year", "month" or "day" (a field made with ``partial=True`` reads "2008" and "2008年9月")."""
        self._parse()
        return self._precision

    def partial_date(self):
        """The value as written (``PartialDate``), or None when empty or invalid."""
        from branchdesk.domain.partial_dates import PartialDate

        self._parse()
        return PartialDate.stored(self._value, self._precision)

    def setPartialDate(self, value: dt.date | None, precision: str | None = "day") -> None:
        from branchdesk.domain.partial_dates import PartialDate

        shown = PartialDate.stored(value, precision)
        if shown is None or shown.exact:
            self.setDate(value)
            return
        self._value, self._precision, self._error = shown.first, shown.precision.value, None
        self.edit.setText(shown.text)

    def clear(self) -> None:
        self.setDate(None)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        """Set raw text as if typed (tests; pasting). It is parsed like typed text."""
        self.edit.setText(text)
        self._reformat()

    def is_empty(self) -> bool:
        return not self.edit.text().strip()

    def error(self) -> str | None:
        """The reason the text is not a date, in Chinese; None when empty or valid."""
        self._parse()
        return self._error

    def setReadOnly(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)

    # ---- behaviour -----------------------------------------------------------------------------
    def _parse(self) -> None:
        from branchdesk.domain.dates import parse_date_loose

        text = self.edit.text().strip()
        self._precision = "day"
        if not text:
            self._value, self._error = None, None
            return
        try:
            if self._partial_ok:
                from branchdesk.domain.partial_dates import parse_partial_date

                value = parse_partial_date(text)
                self._value, self._precision = value.first, value.precision.value
            else:
                self._value = parse_date_loose(text, allow_year_month=False)
            self._error = None
        except ValueError as exc:
            self._value, self._error = None, str(exc)

    def _on_edited(self, _text: str) -> None:
        before = self._value
        self._parse()
        if self._value != before:
            self.dateChanged.emit(self._value)

    def _reformat(self) -> None:
        self._parse()
        if self._value is None:
            return
        shown = self.partial_date()
        text = shown.text if shown is not None and not shown.exact else self._value.isoformat()
        if self.edit.text() != text:
            self.edit.setText(text)

    def open_calendar(self) -> None:
        if self.edit.isReadOnly():
            return
        calendar = QCalendarWidget()
        calendar.setLocale(_CHINA)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setGridVisible(True)
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        calendar.setMinimumDate(QDate(1900, 1, 1))
        calendar.setMaximumDate(QDate(2100, 12, 31))
        current = self.date() or dt.date.today()
        calendar.setSelectedDate(_to_qdate(current))
        menu = QMenu(self)
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def picked(qdate: QDate) -> None:
            value = _from_qdate(qdate)
            changed = value != self._value
            self.setDate(value)
            menu.close()
            self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
            if changed:
                self.dateChanged.emit(value)

        calendar.activated.connect(picked)
        calendar.clicked.connect(picked)
        self._menu = menu
        menu.aboutToHide.connect(lambda: setattr(self, "_menu", None))
        calendar.setFocus()
        menu.popup(self.mapToGlobal(self.rect().bottomLeft()))
