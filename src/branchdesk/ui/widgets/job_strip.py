"""Long work that must not block the window: a slim strip with a progress bar and 取消.

`ui.worker.run_with_progress` holds the whole window behind a modal dialog, which suits a job the
user waits for (saving a file). A preview is different: the user keeps choosing ledgers while it is
built. `JobStrip.start(label, fn, *args)` runs ``fn(*args, progress=cb, cancelled=flag)`` on a worker thread
(the same `ui.worker` thread class) and reports back through signals on the GUI thread:
``succeeded(result)``, ``failed(exception)`` — a cancelled job fails with its own "cancelled"
exception and `was_cancelled` is true. Only one job runs at a time; `cancel()` asks it to stop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from branchdesk.ui.worker import _Worker


class JobStrip(QWidget):
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setMaximumWidth(260)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setObjectName("jobCancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # let the style sheet paint it
        self.setStyleSheet("JobStrip { background: #eef4fb; border-bottom: 1px solid #c9d8ea; }")
        self._worker: _Worker | None = None
        self.was_cancelled = False
        self.hide()

    def is_running(self) -> bool:
        return self._worker is not None

    def start(self, label: str, fn: Callable[..., Any], /, *args, **kwargs) -> None:
        if self._worker is not None:
            raise RuntimeError("a job is already running")
        self.was_cancelled = False
        self.label.setText(label)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        worker = _Worker(fn, args, kwargs, with_progress=True)
        worker.progressed.connect(self._pull)
        worker.done.connect(self._finish)
        self._worker = worker
        self.show()
        worker.start()

    def cancel(self) -> None:
        if self._worker is None or self.was_cancelled:
            return
        self.was_cancelled = True
        self._worker.cancel_event.set()
        self.cancel_button.setEnabled(False)
        self.label.setText("正在取消…")

    def wait(self) -> None:
        """Block until the running job (if any) has stopped; its signal still comes."""
        if self._worker is not None:
            self._worker.wait()

    def _pull(self) -> None:
        if self._worker is None:
            return
        done, total, text = self._worker.take_state()
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if text and not self.was_cancelled:
            self.label.setText(text)

    def _finish(self) -> None:
        worker = self._worker
        if worker is None:
            return
        worker.wait()
        self._worker = None
        self.hide()
        worker.deleteLater()
        if worker.error is not None:
            self.failed.emit(worker.error)
        else:
            self.succeeded.emit(worker.result)
