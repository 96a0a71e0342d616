"""Work-arounds for bugs of the PySide6 release we ship. `apply()` once, before the first Qt call.

PySide6 6.12.0 on Python 3.11 returns `None` from every void method (`label.setText(...)`,
`widget.setVisible(...)`) and `True` from every `SignalInstance.emit()` without a new reference, so each
such call takes one reference away from the singleton. A working session makes tens of thousands of those
calls; when the count reaches zero the interpreter aborts ("Fatal Python error: none_dealloc" /
"bool_dealloc") — seen in the 100,000-member benchmark and at the end of the GUI test run.

Python 3.12 made these singletons immortal (their count is never used), which is why the bug went
unnoticed upstream. `apply()` does the same for Python 3.11: it raises the reference counts of `None`,
`True` and `False` by 2**40, which a leak of one per call cannot use up (a million calls a second for
twelve days). It touches nothing on Python 3.12+ or on an interpreter other than CPython.
"""

from __future__ import annotations

import platform
import sys

RESERVE = 1 << 40
_applied = False


def needed() -> bool:
    return sys.version_info < (3, 12) and platform.python_implementation() == "CPython"


def apply() -> None:
    global _applied
    if _applied or not needed():
        return
    import ctypes

    for singleton in (None, True, False):
        # CPython object header: the reference count is the first field (Py_ssize_t) of the object.
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    _applied = True
