"""A search field that searches as you type, after a short pause (debounce)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 150


class SearchBox(QLineEdit):
    """Emits `search_requested(text)` once typing pauses for `delay_ms`; Enter searches at once, Esc clears."""

    search_requested = Signal(str)

    def __init__(self, placeholder: str = "", parent: QWidget | None = None, *, delay_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._last_emitted: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.flush)
        self.textChanged.connect(self._on_text_changed)
        self.returnPressed.connect(self.flush)

    @property
    def pending(self) -> bool:
        """True while a search is waiting for the typing pause."""
        return self._timer.isActive()

    def _on_text_changed(self, _text: str) -> None:
        self._timer.start()

    def flush(self) -> None:
        """Search now (also what the debounce timer calls)."""
        self._timer.stop()
        text = self.text().strip()
        if text != self._last_emitted:
            self._last_emitted = text
            self.search_requested.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self.flush()
            return
        super().keyPressEvent(event)
