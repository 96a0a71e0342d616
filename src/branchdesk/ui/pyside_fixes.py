"""Work-arounds for bugs of the PySide6 release we ship. `apply()` once, before the first signal is emitted.

PySide6 6.12.0: `SignalInstance.emit()` returns `True` without a new reference, so every `.emit()` made from
Python takes one reference away from `True`. On Python 3.11 (`True` is not yet immortal, as it is from
3.12 on) the count reaches zero after a few thousand emits — typing in the search box, progress reports —
and the interpreter aborts with "Fatal Python error: bool_dealloc" (seen at the end of the GUI test run).
The fix gives the reference back after each emit. It checks the bug is there first, so a PySide6 release
without it, or Python 3.12+, is left alone.
"""

from __future__ import annotations

import sys

_applied = False


def emit_steals_a_reference() -> bool:
    """Whether `emit()` returns a borrowed reference (measured on a throwaway signal)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    rounds = 8
    before = sys.getrefcount(True)
    for _ in range(rounds):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost == rounds:
        _incref = _py_incref()
        for _ in range(rounds):  # return what the probe itself took
            _incref(True)
        return True
    return False


def _py_incref():
    import ctypes

    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    return incref


def apply() -> None:
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return
    _applied = True
    if not emit_steals_a_reference():
        return
    from PySide6.QtCore import SignalInstance

    original = SignalInstance.emit
    incref = _py_incref()

    def emit(self, *args):
        result = original(self, *args)
        incref(result)  # the reference PySide6 should have given us
        return result

    emit.__doc__ = original.__doc__
    SignalInstance.emit = emit
