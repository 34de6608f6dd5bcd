"""Learners' progress: one row per attempt at an exercise, in SQLite under the user data
directory.

Why it survives a killed process: the database runs in WAL mode with synchronous=FULL and
each attempt is one transaction (BEGIN IMMEDIATE .. COMMIT). SQLite makes a transaction
durable at COMMIT and rolls an unfinished one back the next time the file is opened, so
killing the process at any moment loses at most the attempt being written and never leaves
a damaged file (tests/test_progress.py kills a writer again and again to check this).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dojokit.i18n import t

__all__ = [
    "SCHEMA_VERSION",
    "VERDICTS",
    "Attempt",
    "ExerciseSummary",
    "Progress",
    "ProgressError",
    "data_dir",
    "default_path",
]

SCHEMA_VERSION = 1  # PRAGMA user_version; a newer file is refused, not guessed at
VERDICTS = ("not_yet", "finished")  # worst to best: the feedback vocabulary's two outcomes
FILE_NAME = "progress.sqlite3"
BUSY_MS = 10_000  # another dojokit window writing at the same moment waits, not fails

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so an id once reported stays its
    learner TEXT NOT NULL,
    box TEXT NOT NULL,
    exercise TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ({", ".join(f"'{v}'" for v in VERDICTS)})),
    reasons TEXT NOT NULL DEFAULT '[]',  -- JSON: the feedback the learner was given
    trace_hash TEXT,
    at TEXT NOT NULL  -- UTC, ISO 8601 with milliseconds: sorts as text
);
CREATE INDEX IF NOT EXISTS attempts_by_learner ON attempts (learner, box, exercise);
"""


# a verdict's place in VERDICTS, in SQL, so "best" is a MAX
_RANK = "CASE verdict " + " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(VERDICTS)) + " END"


class ProgressError(Exception):
    """The progress file cannot be used; str() is one sentence for a person."""


def data_dir() -> Path:
    """dojokit's folder in the user data directory of this system."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.environ.get("APPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "dojokit"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "dojokit"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    # the XDG spec says a relative value is to be ignored
    return (Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share") / "dojokit"


def default_path() -> Path:
    return data_dir() / FILE_NAME


@dataclass(frozen=True)
class Attempt:
    id: int
    learner: str
    box: str
    exercise: str
    verdict: str
    reasons: list[Any]
    trace_hash: str | None
    at: datetime


@dataclass(frozen=True)
class ExerciseSummary:
    box: str
    exercise: str
    best: str  # the best verdict so far, in VERDICTS
    count: int  # attempts
    last: datetime  # the latest attempt


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Progress:
    """The progress store. One connection; use from one thread (as sqlite3 wants)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit mode: every transaction below is opened and closed by hand
            self._db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000,
                                       isolation_level=None)
        except (OSError, sqlite3.Error) as e:
            raise self._error(e) from None
        try:
            self._setup()
        except sqlite3.Error as e:
            self._db.close()
            raise self._error(e) from None

    def _error(self, e: Exception) -> ProgressError:
        why = getattr(e, "strerror", None) or str(e)
        return ProgressError(t("themebox.progress.unreadable", path=self.path, why=why))

    def _setup(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        db.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the file itself
        db.execute("PRAGMA synchronous = FULL")  # per connection: say it every time
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ProgressError(t("themebox.progress.newer", path=self.path, version=version))
        if version < SCHEMA_VERSION:
            with self._transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # writing
    def record(self, learner: str, box: str, exercise: str, verdict: str,
               reasons: Sequence[Any] = (), trace_hash: str | None = None,
               at: datetime | None = None) -> int:
        """Store one attempt in one transaction; returns its id once it is on disk."""
        for name, value in (("learner", learner), ("box", box), ("exercise", exercise)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty text, not {value!r}")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        reasons_json = json.dumps(list(reasons), ensure_ascii=False, sort_keys=True)
        when = at.astimezone(UTC).isoformat(timespec="milliseconds") if at else _now()
        with self._transaction():
            cur = self._db.execute(
                "INSERT INTO attempts (learner, box, exercise, verdict, reasons, trace_hash,"
                " at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (learner, box, exercise, verdict, reasons_json, trace_hash, when),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    # reading
    def attempts(self, learner: str | None = None) -> list[Attempt]:
        """Every attempt (of one learner, if given), oldest first."""
        sql = "SELECT id, learner, box, exercise, verdict, reasons, trace_hash, at FROM attempts"
        rows = (self._db.execute(sql + " WHERE learner = ? ORDER BY id", (learner,))
                if learner is not None else self._db.execute(sql + " ORDER BY id"))
        return [Attempt(i, who, b, ex, v, json.loads(r), h, datetime.fromisoformat(at))
                for i, who, b, ex, v, r, h, at in rows]

    def learners(self) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT DISTINCT learner FROM attempts ORDER BY learner")]

    def summary(self, learner: str) -> list[ExerciseSummary]:
        """Per box and exercise the learner tried: best verdict, attempts, last time; in the
        order the learner first tried them."""
        rows = self._db.execute(
            f"SELECT box, exercise, MAX({_RANK}), COUNT(*), MAX(at) FROM attempts"
            " WHERE learner = ? GROUP BY box, exercise ORDER BY MIN(id)", (learner,))
        return [ExerciseSummary(box, ex, VERDICTS[rank], count, datetime.fromisoformat(last))
                for box, ex, rank, count, last in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Transaction:
    """BEGIN IMMEDIATE .. COMMIT, or ROLLBACK on an exception. IMMEDIATE takes the write
    lock at the start, so two writers queue instead of failing half way."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        elif self.db.in_transaction:
            self.db.execute("ROLLBACK")
