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
from dojokit.themebox.progress import SCHEMA_VERSION, Progress, ProgressError

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
        assert p._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_bad_values_write_nothing(tmp_path):
    with Progress(tmp_path / "p.sqlite3") as p:
        for args in (("ann", "b", "e", "passed"), ("", "b", "e", "finished"),
                     ("ann", "b", "e", "finished", [object()])):
            with pytest.raises((ValueError, TypeError)):
                p.record(*args)
        assert p.attempts() == []
        assert p.record("ann", "b", "e", "finished") == 1  # no transaction left open


def test_default_place_is_the_user_data_directory_platformdirs_finds(tmp_path, monkeypatch):
    import platformdirs

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert progress_mod.data_dir() == Path(platformdirs.user_data_dir("dojokit",
                                                                      appauthor=False))
    assert progress_mod.default_path() == progress_mod.data_dir() / "progress.sqlite3"
    if sys.platform.startswith("linux"):  # where the XDG variables are the system's way
        assert progress_mod.data_dir() == tmp_path / "xdg" / "dojokit"
        monkeypatch.setenv("XDG_DATA_HOME", "")
        assert progress_mod.data_dir() == tmp_path / "home" / ".local" / "share" / "dojokit"
    with Progress() as p:
        assert p.path == progress_mod.default_path()
        p.record("ann", "b", "e", "finished")
    assert p.path.is_file()


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


# the schema dojokit 1 made (user_version 1), as it made it: a file kept by it must open
OLD_SCHEMA_1 = """
PRAGMA journal_mode = WAL;
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    learner TEXT NOT NULL,
    box TEXT NOT NULL,
    exercise TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('not_yet', 'finished')),
    reasons TEXT NOT NULL DEFAULT '[]',
    trace_hash TEXT,
    at TEXT NOT NULL
);
CREATE INDEX attempts_by_learner ON attempts (learner, box, exercise);
INSERT INTO attempts (learner, box, exercise, verdict, reasons, trace_hash, at) VALUES
 ('ann', 'traffic_light', 'green-light', 'not_yet',
  '["themebox.feedback.light_shown.too_short"]', 'h1', '2026-01-05T09:30:00.000+00:00'),
 ('ann', 'traffic_light', 'green-light', 'finished', '[]', 'h2',
  '2026-01-05T09:31:00.000+00:00');
PRAGMA user_version = 1;
"""


def make_old_file(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(OLD_SCHEMA_1)
    db.close()


def test_a_file_kept_by_the_first_schema_is_migrated_in_place(tmp_path):
    path = tmp_path / "p.sqlite3"
    make_old_file(path)
    with Progress(path) as p:
        old = p.attempts()
        assert [(a.id, a.verdict, a.reasons, a.trace_hash) for a in old] == [
            (1, "not_yet", ["themebox.feedback.light_shown.too_short"], "h1"),
            (2, "finished", [], "h2")]
        assert all(a.failures is None for a in old)  # not kept then: not made up now
        fields = {"colour": "green", "seconds": 0.5, "want": 2.0}
        i = p.record("ann", "traffic_light", "green-light", "not_yet",
                     ["themebox.feedback.light_shown.too_short"], "h3",
                     failures=[("themebox.feedback.light_shown.too_short", fields)])
        assert i == 3
    with Progress(path) as p:  # again: the migration is done once, the rows stay
        assert p._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert [a.id for a in p.attempts()] == [1, 2, 3]
        assert p.attempts()[2].failures == [("themebox.feedback.light_shown.too_short",
                                             fields)]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    db.close()


def test_the_overview_has_the_best_verdict_the_count_and_the_latest_attempt(tmp_path):
    with Progress(tmp_path / "p.sqlite3") as p:
        p.record("bo", "b", "one", "not_yet", failures=[("k.first", {})])
        p.record("bo", "b", "one", "finished", failures=[])
        p.record("bo", "b", "one", "not_yet", failures=[("k.again", {"n": 1})])
        p.record("ann", "b", "two", "not_yet", at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        p.record("ann", "b", "two", "not_yet", at=datetime(2026, 1, 4, 9, 0, tzinfo=UTC))
        states = p.overview()
        assert [(s.learner, s.exercise, s.best, s.count) for s in states] == [
            ("ann", "two", "not_yet", 2), ("bo", "one", "finished", 3)]
        assert states[0].latest.at == datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # by time
        assert states[1].latest.failures == [("k.again", {"n": 1})]
        assert [s.learner for s in p.overview("bo")] == ["bo"]


def test_a_folder_in_place_of_the_file_is_explained(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.mkdir()
    with pytest.raises(ProgressError, match="it is a folder") as caught:
        Progress(path)
    assert caught.value.path == path and "folder" in caught.value.why


def test_a_damaged_file_is_explained_when_it_is_read(tmp_path):
    path = tmp_path / "p.sqlite3"
    with Progress(path) as p:
        for n in range(300):
            p.record("ann", "b", f"e{n}", "not_yet", [{"pad": "x" * 200}])
        p._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first
    path.write_bytes(bytes(data))
    with pytest.raises(ProgressError, match=r"damaged|not a progress file"), Progress(path) as p:
        p.attempts()


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
    assert child.stdout is not None and child.stderr is not None
    try:
        if wait_ready:
            assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        # read the rest through the same buffered reader that read "ready": communicate()
        # reads the pipe underneath it and loses lines readline() had already buffered.
        # Both pipes reach their end: the writer is dead and its children are none.
        out = child.stdout.read()
        err = child.stderr.read()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
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
            # a writer killed before its first attempt leaves a file with no rows yet
            assert extra > max(rows.keys() | before, default=0)
            reported[extra] = 0
            before = {*rows, extra}
    assert len(reported) > 20, "the writer never got going: the test proved nothing"
