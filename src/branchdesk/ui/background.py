"""Work off the GUI thread that the window does not wait for (the 工作台's score, 各支部概览's checks):
no dialog, the result arrives as a queued signal on the GUI thread.

    call = BackgroundCall(ctx.ws.readiness.assess, 2026, as_of=today)
    call.succeeded.connect(self.show_score)      # on the GUI thread
    call.failed.connect(self.status.setText)     # one Chinese sentence (services.failures), logged
    call.begin()

A running call is kept (``keep_running``) until it ends, whatever becomes of the widget that started it —
a QThread destroyed while it runs ends the program — and the program waits for the calls still running
when it quits (``stop``: a call that can stop early is told to first).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal

log = logging.getLogger(__name__)

_RUNNING: set[QThread] = set()


class _Keeper(QObject):
    """Lives on the GUI thread: lets go of a call once it has ended (its ``finished`` arrives queued, and
    ``wait`` covers the moment between that signal and the thread's end)."""

    def forget(self) -> None:
        thread = self.sender()
        if isinstance(thread, QThread):
            thread.wait()
            _RUNNING.discard(thread)


_KEEPER: _Keeper | None = None


def keep_running(thread: QThread) -> None:
    """Keep `thread` referenced until it finishes, and stop it (``stop()``, else wait) when the program
    quits. Call on the GUI thread, before ``start()``. No closure holds the thread: a finished call is
    freed (a lambda on ``finished`` kept every one of them alive)."""
    global _KEEPER
    app = QCoreApplication.instance()
    if app is not None and not getattr(app, "_background_stops", False):
        app._background_stops = True
        app.aboutToQuit.connect(_stop_all)
    if _KEEPER is None:
        _KEEPER = _Keeper()
    _RUNNING.add(thread)
    thread.finished.connect(_KEEPER.forget)


def _stop_all() -> None:
    for thread in list(_RUNNING):
        stop = getattr(thread, "stop", None)
        if callable(stop):
            stop()
        else:
            thread.wait()


def failure_text(exc: BaseException, what: str) -> str:
    """One sentence for a failure off the GUI thread (the raw error of a statement carries its data)."""
    from branchdesk.services.failures import describe

    log.error("%s failed", what, exc_info=exc)
    return describe(exc) or "出错了，详情已写入日志。"


class BackgroundCall(QThread):
    """``fn(*args, **kwargs)`` on a thread of its own; ``succeeded(result)`` or ``failed(text)``."""

    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[..., Any], *args, **kwargs):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.cancel = threading.Event()

    def begin(self) -> None:
        keep_running(self)
        self.start()

    def stop(self) -> None:
        """Ask it to stop early (for work that looks at ``cancel``) and wait for it."""
        self.cancel.set()
        self.wait()

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as exc:
            self.failed.emit(failure_text(exc, getattr(self.fn, "__qualname__", "background call")))
        else:
            self.succeeded.emit(result)
