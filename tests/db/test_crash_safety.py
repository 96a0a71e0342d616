"""Crash safety: a writer killed with SIGKILL at random moments loses nothing it reported committed.

A child process writes member files through MemberService (one unit of work each, with its audit rows)
and prints each id after the commit returned. It is killed with SIGKILL at a random moment, ten times,
each new child continuing on the same file. Afterwards the file passes `PRAGMA integrity_check`, every
reported id is there, and every member has the audit entry written in the same transaction.
(SIGKILL keeps the operating system's buffers: this shows the app's transactions are atomic and
durable against a process crash; power loss is the job of synchronous=FULL, which no test can pull.)
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

ROOT = Path(__file__).resolve().parents[2]
KILLS = 10


@pytest.fixture
def backend():
    return "sqlite"


def run_and_kill(path: Path, start: int, delay: float) -> list[int]:
    """Start a writer, kill it `delay` seconds after its first commit; the ids it reported."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "tests.db.crash_writer", str(path), str(start)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    chunks: list[bytes] = []
    first = threading.Event()

    def read() -> None:
        for line in iter(proc.stdout.readline, b""):
            chunks.append(line)
            first.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if not first.wait(30):
        proc.kill()
        proc.wait()
        pytest.fail(f"the writer never committed: {proc.stderr.read().decode(errors='replace')[-2000:]}")
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(10)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    # a line cut off by the kill (no newline yet) was not reported as committed
    return [int(c) for c in chunks if c.endswith(b"\n")]


def test_killed_writers_lose_no_committed_record(db, location):
    path = location.sqlite_path
    db.dispose()
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    reported: list[int] = []
    for round_ in range(KILLS):
        reported += run_and_kill(path, start=round_ * 10_000, delay=rng.uniform(0.0, 0.4))

    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"seed {seed}"
        stored = {row[0] for row in con.execute("SELECT id FROM member")}
        audited = {
            row[0]
            for row in con.execute(
                "SELECT entity_id FROM audit_entry WHERE entity = 'member' AND action = 'insert'"
            )
        }
    finally:
        con.close()
    print(f"{len(reported)} commits reported over {KILLS} kills (seed {seed})")
    assert len(reported) >= KILLS  # every child committed at least once before its kill
    missing = sorted(set(reported) - stored)
    assert missing == [], f"committed but lost (seed {seed}): {missing[:20]}"
    assert stored <= audited, (
        f"a member without its audit entry (seed {seed})"
    )  # one transaction, all or nothing
