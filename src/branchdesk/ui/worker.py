"""Run long work (import, export, backup …) off the GUI thread behind a modal progress dialog.

    result = run_with_progress(parent, "正在导入…", apply_roster, db, plan, skip_invalid=True)

calls ``apply_roster(db, plan, skip_invalid=True, progress=cb, cancelled=flag)`` on a worker QThread.
``cb(done, total=None, text="")`` may be called as often as the function likes (updates are
throttled); ``flag()`` turns true once the user pressed 取消 and the function should stop (usually by
raising its own "cancelled" exception, which is re-raised here like any other).

Widgets are touched only on the GUI thread: the worker talks to the dialog through queued signals.
The dialog appears only when the work takes longer than a moment (no flash for quick jobs); until then
user input is held back, so nothing can be clicked behind the job's back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

SHOW_DELAY_MS = 350  # show the dialog only for work that takes longer than this


class ProgressDialog(QDialog):
    """Modal: a line of text, a progress bar (busy until a total is known) and a 取消 button."""

    cancel_requested = Signal()

    def __init__(self, title: str, parent: QWidget | None = None, *, cancellable: bool = True):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.label = QLabel(title)
        self.label.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.request_cancel)
        self.cancel_button.setVisible(cancellable)
        self._cancellable = cancellable
        self.cancelling = False
        self.state_source: Callable[[], tuple[int, int, str]] | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        self.setMinimumWidth(380)

    def set_progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
            self.bar.setFormat("%v / %m")
        if text and not self.cancelling:
            self.label.setText(text)

    @Slot()
    def pull_progress(self) -> None:
        if self.state_source is not None:
            self.set_progress(*self.state_source())

    def value(self) -> int:
        return self.bar.value()

    def request_cancel(self) -> None:
        if not self._cancellable or self.cancelling:
            return
        self.cancelling = True
        self.cancel_button.setEnabled(False)
        self.label.setText("正在取消，请稍候…")
        self.cancel_requested.emit()

    # Esc and the window's close button ask to cancel instead of hiding the dialog behind the job.
    def reject(self) -> None:
        self.request_cancel()

    def closeEvent(self, event) -> None:
        event.ignore()
        self.request_cancel()


class _Worker(QThread):
    progressed = Signal()
    done = Signal()

    def __init__(self, fn: Callable[..., Any], args, kwargs, *, with_progress: bool):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.with_progress = with_progress
        self.cancel_event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished_flag = False
        self._lock = threading.Lock()
        self._state: tuple[int, int, str] = (0, 0, "")
        self._pending = False

    def report(self, done: int | float, total: int | None = None, text: str = "") -> None:
        """The `progress` callback handed to the function (runs on the worker thread).

        Only the newest state matters: while an update is still queued for the GUI thread, later
        calls just replace the state it will read, so a tight loop cannot flood the event queue.
        """
        if total is None and isinstance(done, float) and 0.0 <= done <= 1.0:
            done, total = round(done * 1000), 1000  # a fraction
        with self._lock:
            self._state = (int(done), int(total or 0), text or "")
            if self._pending:
                return
            self._pending = True
        self.progressed.emit()

    def take_state(self) -> tuple[int, int, str]:
        """The newest progress state (GUI thread)."""
        with self._lock:
            self._pending = False
            return self._state

    def run(self) -> None:
        try:
            if self.with_progress:
                self.result = self.fn(
                    *self.args, progress=self.report, cancelled=self.cancel_event.is_set, **self.kwargs
                )
            else:
                self.result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # handed to the GUI thread and re-raised there
            self.error = exc
        finally:
            self.finished_flag = True
            self.done.emit()


def _run(parent: QWidget | None, title: str, fn, args, kwargs, *, with_progress: bool) -> Any:
    worker = _Worker(fn, args, kwargs, with_progress=with_progress)
    dialog = ProgressDialog(title, parent, cancellable=with_progress)
    dialog.state_source = worker.take_state
    worker.progressed.connect(dialog.pull_progress)  # a queued connection: runs on the GUI thread
    dialog.cancel_requested.connect(worker.cancel_event.set)
    loop = QEventLoop()
    worker.done.connect(loop.quit)
    worker.start()
    try:
        # Phase 1: wait a moment without the dialog, holding back clicks and keys.
        QTimer.singleShot(SHOW_DELAY_MS, loop.quit)
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        if not worker.finished_flag:
            # Phase 2: the modal dialog blocks the rest of the application; 取消 stays clickable.
            dialog.show()
            while not worker.finished_flag:
                loop.exec()
    finally:
        worker.wait()
        dialog.hide()
        dialog.deleteLater()
        worker.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result


def run_with_progress(parent: QWidget | None, title: str, fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Run ``fn(*args, progress=cb, cancelled=flag, **kwargs)`` on a worker thread; see the module doc.

    Returns what ``fn`` returns; an exception raised by ``fn`` is re-raised here, on the GUI thread.
    """
    return _run(parent, title, fn, args, kwargs, with_progress=True)


def run_in_background(parent: QWidget | None, title: str, fn: Callable[..., Any], *args, **kwargs) -> Any:
    """Like :func:`run_with_progress` for a function without ``progress``/``cancelled`` parameters.

    The dialog shows a busy bar and no 取消 button (such a function cannot be stopped half-way).
    """
    return _run(parent, title, fn, args, kwargs, with_progress=False)
