"""Long work runs off the GUI thread: results and errors come back, progress shows, 取消 stops it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from branchdesk.ui import worker
from branchdesk.ui.worker import ProgressDialog, run_in_background, run_with_progress


class Stopped(Exception):
    pass


def _dialog() -> ProgressDialog | None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, ProgressDialog) and w.isVisible():
            return w
    return None


def _when_dialog(action, timeout_s: float = 5.0) -> None:
    """Poll (on the GUI thread) until the progress dialog is visible, then run `action(dialog)`."""
    deadline = time.monotonic() + timeout_s

    def poll():
        dialog = _dialog()
        if dialog is not None:
            action(dialog)
        elif time.monotonic() < deadline:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_result_comes_back_and_the_work_ran_on_another_thread(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    gui_thread = QThread.currentThread()
    seen = {}

    def add(a, b, *, progress, cancelled):
        seen["thread"] = QThread.currentThread()
        progress(1, 1)
        return a + b

    assert run_with_progress(parent, "正在计算…", add, 2, 3) == 5
    assert seen["thread"] is not gui_thread


def test_an_exception_is_raised_again_on_the_gui_thread(qtbot):
    def broken(*, progress, cancelled):
        raise ValueError("第 3 行：出生日期无效")

    with pytest.raises(ValueError, match="第 3 行"):
        run_with_progress(None, "正在读取…", broken)


def test_progress_reaches_the_dialog(qtbot):
    observed = threading.Event()
    shown = {}

    def job(*, progress, cancelled):
        for i in range(1, 6):
            progress(i, 10, f"正在导入第 {i} 行")
        # Wait until the GUI has seen the state, at most a few seconds.
        observed.wait(5)
        return "ok"

    def look(dialog):
        if dialog.value() == 5:
            shown["value"] = dialog.value()
            shown["label"] = dialog.label.text()
            shown["maximum"] = dialog.bar.maximum()
            observed.set()
        else:
            QTimer.singleShot(20, lambda: look(dialog))

    _when_dialog(look)
    assert run_with_progress(None, "正在导入…", job) == "ok"
    assert shown == {"value": 5, "label": "正在导入第 5 行", "maximum": 10}
    assert _dialog() is None  # the dialog is gone afterwards


def test_cancel_stops_the_work(qtbot):
    steps = []

    def job(*, progress, cancelled):
        for i in range(1000):
            if cancelled():
                raise Stopped("已取消")
            steps.append(i)
            progress(i, 1000)
            time.sleep(0.01)
        return "finished"

    _when_dialog(lambda dialog: dialog.cancel_button.click())
    with pytest.raises(Stopped):
        run_with_progress(None, "正在导入…", job)
    assert 0 < len(steps) < 1000


def test_escape_asks_to_cancel_instead_of_hiding_the_dialog(qtbot):
    state = {}

    def job(*, progress, cancelled):
        deadline = time.monotonic() + 5
        while not cancelled() and time.monotonic() < deadline:
            time.sleep(0.01)
        return cancelled()

    def press_escape(dialog):
        dialog.reject()
        state["visible_after_escape"] = dialog.isVisible()
        state["label"] = dialog.label.text()

    _when_dialog(press_escape)
    assert run_with_progress(None, "正在导出…", job) is True
    assert state == {"visible_after_escape": True, "label": "正在取消，请稍候…"}


def test_quick_work_shows_no_dialog(qtbot, monkeypatch):
    shows = []
    monkeypatch.setattr(ProgressDialog, "showEvent", lambda self, e: shows.append(1))
    assert run_in_background(None, "正在保存…", lambda x: x * 2, 21) == 42
    assert shows == []


def test_plain_function_without_progress_parameters(qtbot, monkeypatch):
    monkeypatch.setattr(worker, "SHOW_DELAY_MS", 10)
    state = {}

    def slow(path, *, mode):
        time.sleep(0.3)
        return f"{path}:{mode}"

    _when_dialog(lambda d: state.update(cancel_visible=d.cancel_button.isVisible()))
    assert run_in_background(None, "正在备份…", slow, "a.db", mode="full") == "a.db:full"
    assert state == {"cancel_visible": False}
