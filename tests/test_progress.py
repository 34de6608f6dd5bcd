"""The progress store: attempts are recorded and read back, and a writer killed at any
moment loses no attempt it reported and never damages the file."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dojokit.themebox import progress as progress_mod
from dojokit.themebox.progress import Progress, ProgressError

ROOT = Path(__file__).resolve().parents[1]


def test_record_and_read(tmp_path):
    path = tmp_path / "p.sqlite3"
    with Progress(path) as p:
        reasons = [{"key": "light_shown.too_short", "seconds": 1.0, "want": 2}]
        a = p.record("ann", "first-steps", "green-light", "not_yet", reasons, "h1")
        b = p.record("ann", "first-steps", "green-light", "finished", [], "h2")
        c = p.record("ann", "first-steps", "park", "not_yet")
        d = p.record("bo", "first-steps", "green-light", "finished",
                     at=datetime(2026, 1, 5, 9, 30, tzinfo=UTC))
        assert a < b < c < d
    with Progress(path) as p:  # on disk, not only in the connection
        ann = p.attempts("ann")
        assert [x.id for x in ann] == [a, b, c]
        assert ann[0].reasons == reasons and ann[0].trace_hash == "h1"
        assert ann[0].verdict == "not_yet" and ann[0].at.tzinfo is not None
        assert len(p.attempts()) == 4 and p.learners() == ["ann", "bo"]
        assert p.attempts("bo")[0].at == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
        summary = p.summary("ann")
        assert [(s.box, s.exercise, s.best, s.count) for s in summary] == [
            ("first-steps", "green-light", "finished", 2),
            ("first-steps", "park", "not_yet", 1),
        ]
        assert summary[0].last == ann[1].at
        assert p.summary("nobody") == []


def test_the_file_is_wal_with_full_sync(tmp_path):
    with Progress(tmp_path / "p.sqlite3") as p:
        assert p._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert p._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert p._db.execute("PRAGMA user_version").fetchone()[0] == 1


def test_bad_values_write_nothing(tmp_path):
    with Progress(tmp_path / "p.sqlite3") as p:
        for args in (("ann", "b", "e", "passed"), ("", "b", "e", "finished"),
                     ("ann", "b", "e", "finished", [object()])):
            with pytest.raises((ValueError, TypeError)):
                p.record(*args)
        assert p.attempts() == []
        assert p.record("ann", "b", "e", "finished") == 1  # no transaction left open


def test_default_place_is_the_user_data_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert progress_mod.default_path() == tmp_path / "xdg" / "dojokit" / "progress.sqlite3"
    with Progress() as p:
        assert p.path == tmp_path / "xdg" / "dojokit" / "progress.sqlite3"
        p.record("ann", "b", "e", "finished")
    assert p.path.is_file()
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress_mod.data_dir() == tmp_path / "home" / ".local" / "share" / "dojokit"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert progress_mod.data_dir() == (tmp_path / "home" / "Library" / "Application Support"
                                       / "dojokit")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert progress_mod.data_dir() == tmp_path / "local" / "dojokit"


def test_a_file_that_is_not_a_database_is_explained(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is a shopping list, not a database\n" * 100)
    with pytest.raises(ProgressError, match="cannot be used"):
        Progress(path)
    assert path.read_bytes().startswith(b"this is a shopping list")  # left as it was


def test_a_newer_file_is_refused(tmp_path):
    path = tmp_path / "p.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(ProgressError, match="newer dojokit"):
        Progress(path)


# -- a writer killed at random moments -------------------------------------------------------

WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from dojokit.themebox.progress import Progress
p = Progress(sys.argv[1])
print("ready", flush=True)
n = 0
while True:
    n += 1
    # reasons big enough that one attempt spans several pages
    reasons = [{"key": "light_shown.too_short", "seconds": n, "pad": "x" * 3000}]
    verdict = "finished" if n % 3 == 0 else "not_yet"
    i = p.record(f"learner-{n % 5}", "box", f"ex-{n % 7}", verdict, reasons, f"h{n}")
    print(i, n, flush=True)  # only after the commit returned
"""


def _kill_writer(path: Path, delay: float, wait_ready: bool) -> dict[int, int]:
    """Run the writer, SIGKILL it `delay` s after start (or after it is ready); the ids it
    reported as committed, with their n."""
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ROOT / "host")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if wait_ready:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err
    reported = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and line.endswith(parts[1]):  # a whole line, not cut by the kill
            reported[int(parts[0])] = int(parts[1])
    return reported


def test_a_killed_writer_loses_nothing_it_reported(tmp_path):
    rng = random.Random(1234)
    path = tmp_path / "p.sqlite3"
    reported: dict[int, int] = {}
    before: set[int] = set()  # ids in the file before this round
    rounds = [(rng.uniform(0.0, 0.4), False) for _ in range(3)]  # also kills during setup
    rounds += [(rng.uniform(0.0, 0.25), True) for _ in range(7)]  # mid-stream
    for delay, wait_ready in rounds:
        got = _kill_writer(path, delay, wait_ready)
        assert not reported.keys() & got.keys()  # ids never reused
        reported.update(got)
        if not path.exists():
            continue  # killed before it made the file: nothing was reported either
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        db.close()
        with Progress(path) as p:  # opens, recovers the WAL, and takes writes again
            rows = {a.id: a for a in p.attempts()}
            for i, n in got.items():
                a = rows[i]
                assert (a.trace_hash, a.reasons[0]["seconds"]) == (f"h{n}", n)
                assert a.exercise == f"ex-{n % 7}" and a.learner == f"learner-{n % 5}"
            assert reported.keys() <= rows.keys()
            # at most the one attempt committed just before the kill went unreported
            assert len(rows.keys() - before - got.keys()) <= 1
            extra = p.record("teacher", "box", "check", "finished")
            assert extra > max(rows)
            reported[extra] = 0
            before = {*rows, extra}
    assert len(reported) > 20, "the writer never got going: the test proved nothing"
