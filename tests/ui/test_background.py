"""Work off the window's thread without a progress dialog (ui/background): its result arrives on the
window's thread, and a call that has ended is let go of — the 工作台 reads its score after every change,
and a lambda on ``finished`` once kept every call of the day alive."""

from __future__ import annotations

import gc
import threading


def test_results_arrive_on_the_windows_thread_and_ended_calls_are_freed(qtbot):
    from branchdesk.ui import background
    from branchdesk.ui.background import BackgroundCall

    arrived = []
    for n in range(20):
        call = BackgroundCall(lambda n=n: (n, threading.current_thread() is threading.main_thread()))
        call.succeeded.connect(lambda result: arrived.append((result, threading.current_thread().name)))
        with qtbot.waitSignal(call.finished, timeout=5000):
            call.begin()
        del call
    qtbot.waitUntil(lambda: not background._RUNNING, timeout=5000)
    assert [r for r, _ in arrived] == [(n, False) for n in range(20)], "worked elsewhere, in order"
    assert {name for _, name in arrived} == {threading.main_thread().name}, "told on the window's thread"
    gc.collect()
    assert [o for o in gc.get_objects() if isinstance(o, BackgroundCall)] == []
