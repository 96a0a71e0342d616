"""Issue 11 §1/§8: the sidecar lock beside the database (one window per file, CLI writes, upgrades)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from branchdesk.db.filelock import DatabaseInUse, Holder, SidecarLock, lock_path, read_holder

_HOLD = textwrap.dedent(
    """
    import sys, time
    from branchdesk.db.filelock import SidecarLock
    lock = SidecarLock(sys.argv[1], kind=sys.argv[2]).acquire()
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
    """
)


def hold_in_child(db_path, kind="window", seconds=60.0) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(db_path), kind, str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "held"
    return child


def test_a_second_holder_is_refused_and_told_who_has_it(tmp_path):
    db = tmp_path / "branch.sqlite"
    first = SidecarLock(db, kind="window").acquire()
    try:
        with pytest.raises(DatabaseInUse) as refused:
            SidecarLock(db, kind="window").acquire()
        holder = refused.value.holder
        assert holder is not None and holder.kind == "window"
        assert "程序窗口" in str(refused.value) and holder.user in str(refused.value)
    finally:
        first.release()
    assert not lock_path(db).exists()  # released: nothing left beside the database
    SidecarLock(db).acquire().release()


def test_another_process_holding_it_refuses_us_and_its_death_frees_it(tmp_path):
    db = tmp_path / "branch.sqlite"
    child = hold_in_child(db)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseInUse) as refused:
            SidecarLock(db).acquire(wait=0.5)
        assert time.monotonic() - started < 3
        assert refused.value.holder.pid == child.pid
    finally:
        child.kill()  # a crash: no clean release, the lock file stays behind
        child.wait()
    assert lock_path(db).exists() and read_holder(db).pid == child.pid  # stale
    lock = SidecarLock(db, kind="command").acquire()  # taken over
    assert read_holder(db).pid != child.pid
    lock.release()


def test_waiting_for_a_short_holder(tmp_path):
    db = tmp_path / "branch.sqlite"
    child = hold_in_child(db, kind="upgrade", seconds=1.0)
    try:
        lock = SidecarLock(db).acquire(wait=20)
        lock.release()
    finally:
        child.wait()


def test_a_window_is_not_waited_for(tmp_path):
    db = tmp_path / "branch.sqlite"
    child = hold_in_child(db, kind="window")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseInUse):
            SidecarLock(db).acquire(wait=30, patient_with=("upgrade", "command", "restore"))
        assert time.monotonic() - started < 3
    finally:
        child.kill()
        child.wait()


def test_the_holder_text_round_trips():
    me = Holder.me("window")
    assert Holder.parse(me.to_json()) == me
    assert Holder.parse("garbage") is None
    assert "用户" in me.describe() and "程序窗口" in me.describe()
