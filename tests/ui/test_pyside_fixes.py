"""The PySide6 reference-leak work-around keeps a long session alive."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from branchdesk.ui import pyside_fixes

# 300,000 void calls and emits: far more than the few ten thousand references None and True start with.
LONG_SESSION = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel
    {fix}
    app = QApplication([])

    class Source(QObject):
        changed = Signal(int)

    label, source = QLabel(), Source()
    source.changed.connect(lambda n: None)
    for n in range(150_000):
        label.setText("x")
        source.changed.emit(n)
    print("survived")
    """
)


def run_session(fix: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", LONG_SESSION.format(fix=fix)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""},
    )


def test_long_session_survives_with_the_fix():
    result = run_session("from branchdesk.ui import pyside_fixes; pyside_fixes.apply()")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "survived" in result.stdout


@pytest.mark.skipif(not pyside_fixes.needed(), reason="Python 3.12+ has immortal singletons")
def test_fix_reserves_references_only_once():
    before = sys.getrefcount(None)
    pyside_fixes.apply()  # already applied by tests/conftest.py: a second call changes nothing
    assert abs(sys.getrefcount(None) - before) < 1000
    assert sys.getrefcount(None) > pyside_fixes.RESERVE
