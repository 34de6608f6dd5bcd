"""Learners' progress: one row per attempt at an exercise, in SQLite under the user data
directory (platformdirs' user_data_dir, as the design says).

Why it survives a killed process: the database runs in WAL mode with synchronous=FULL and
each attempt is one transaction (BEGIN IMMEDIATE .. COMMIT). SQLite makes a transaction
durable at COMMIT and rolls an unfinished one back the next time the file is opened, so
killing the process at any moment loses at most the attempt being written and never leaves
a damaged file (tests/test_progress.py kills a writer again and again to check this).

Every way the file can fail (not a database, a folder in its place, a folder dojokit may not
write to, a full disk) is a ProgressError with one sentence for a person, never a raw
sqlite3 or OS error.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs

from dojokit.i18n import t

__all__ = [
    "SCHEMA_VERSION",
    "VERDICTS",
    "Attempt",
    "ExerciseState",
    "ExerciseSummary",
    "Progress",
    "ProgressError",
    "data_dir",
    "default_path",
]

SCHEMA_VERSION = 3  # PRAGMA user_version; a newer file is refused, not guessed at
VERDICTS = ("not_yet", "finished")  # worst to best: the feedback vocabulary's two outcomes
FILE_NAME = "progress.sqlite3"
BUSY_MS = 10_000  # another dojokit window writing at the same moment waits, not fails

_SCHEMA_1 = f"""
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
CREATE INDEX IF NOT EXISTS attempts_by_learner ON attempts (learner, box, exercise)
"""

# MIGRATIONS[v] takes a file from version v to v + 1, in place: a new file runs them all, a
# file kept by an older dojokit runs the ones it lacks, and no row is lost on the way.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    tuple(_SCHEMA_1.split(";")),
    # the feedback as the grader gave it, [[key, fields], ...]: the sentences can then be
    # written again later, in the teacher's language; NULL for attempts kept before
    ("ALTER TABLE attempts ADD COLUMN failures TEXT",),
    # the opcodes used beyond the card's palette, a JSON list, for the teacher's note; NULL
    # for attempts kept before (not known, so no note is made up)
    ("ALTER TABLE attempts ADD COLUMN beyond TEXT",),
)
assert len(MIGRATIONS) == SCHEMA_VERSION


# a verdict's place in VERDICTS, in SQL, so "best" is a MAX
_RANK = "CASE verdict " + " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(VERDICTS)) + " END"


class ProgressError(Exception):
    """The progress file cannot be used; str() is one sentence for a person, `why` the
    reason alone (for a sentence that says what was not done)."""

    def __init__(self, sentence: str, path: Path, why: str) -> None:
        super().__init__(sentence)
        self.path, self.why = path, why


def data_dir() -> Path:
    """dojokit's folder in the user data directory of this system: ~/.local/share/dojokit
    (or $XDG_DATA_HOME/dojokit) on Linux, ~/Library/Application Support/dojokit on macOS,
    %LOCALAPPDATA%\\dojokit on Windows."""
    return Path(platformdirs.user_data_dir("dojokit", appauthor=False))


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
    # the grader's (key, fields) pairs, to write the feedback again in any language; None
    # for an attempt kept before dojokit kept them (its reasons then hold the keys alone)
    failures: list[tuple[str, dict[str, Any]]] | None = None
    # opcodes used beyond the card's palette (Verdict.beyond); None: kept before dojokit
    # kept them
    beyond: list[str] | None = None


@dataclass(frozen=True)
class ExerciseSummary:
    box: str
    exercise: str
    best: str  # the best verdict so far, in VERDICTS
    count: int  # attempts
    last: datetime  # the latest attempt


@dataclass(frozen=True)
class ExerciseState:
    """Where one learner is with one exercise: what a teacher's overview shows."""

    learner: str
    box: str
    exercise: str
    best: str  # the best verdict so far, in VERDICTS
    count: int  # attempts
    latest: Attempt  # the latest attempt: its time and its feedback


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# why a file cannot be used: sqlite's error names (their first two parts) and OS errors, to
# a reason in the catalog (progress.why.<reason>)
_SQLITE_REASONS = {
    "SQLITE_NOTADB": "not_a_database", "SQLITE_CORRUPT": "damaged",
    "SQLITE_READONLY": "read_only", "SQLITE_PERM": "read_only", "SQLITE_AUTH": "read_only",
    "SQLITE_FULL": "full", "SQLITE_BUSY": "busy", "SQLITE_LOCKED": "busy",
    "SQLITE_CANTOPEN": "cant_open", "SQLITE_IOERR": "disk",
}
_OS_REASONS = {
    errno.EACCES: "read_only", errno.EPERM: "read_only", errno.EROFS: "read_only",
    errno.ENOSPC: "full", errno.ENOTDIR: "not_a_folder", errno.EEXIST: "not_a_folder",
    errno.EISDIR: "folder",
}
# what to do about it: move the file aside, or let dojokit write there
_ADVICE = {"read_only": "progress.unwritable", "full": "progress.unwritable",
           "busy": "progress.unwritable", "disk": "progress.unwritable",
           "not_a_folder": "progress.unwritable"}


class Progress:
    """The progress store. One connection; use from one thread (as sqlite3 wants).
    Every method raises ProgressError when the file cannot be used."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._db: sqlite3.Connection | None = None
        with self._guard():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # autocommit mode: every transaction below is opened and closed by hand
            self._db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000,
                                       isolation_level=None)
            try:
                self._setup()
            except BaseException:
                self._db.close()
                raise

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except (OSError, sqlite3.Error, ValueError) as e:  # ValueError: a row that is not
            raise self._error(e) from None                  # what dojokit wrote

    def _folder(self) -> Path:
        """The folder dojokit has to write in: the file's, or the first one that exists on
        the way to it (dojokit makes the rest)."""
        folder = self.path.parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        return folder

    def _folder_or_parent(self) -> Path:
        try:
            return self._folder()
        except OSError:
            return self.path.parent

    def _reason(self, e: Exception) -> str | None:
        # what the file system shows says more than sqlite's "unable to open database file"
        try:
            folder = self._folder()
            if self.path.is_dir():
                return "folder"
            if (folder.is_dir() and not os.access(folder, os.W_OK)) or (
                    self.path.is_file() and not os.access(self.path, os.W_OK)):
                return "read_only"
        except OSError:  # a folder on the way dojokit may not even look into
            return "read_only"
        if isinstance(e, sqlite3.Error):
            name = "_".join(getattr(e, "sqlite_errorname", "").split("_")[:2])
            return _SQLITE_REASONS.get(name)
        if isinstance(e, OSError):
            return _OS_REASONS.get(e.errno or 0)
        return "damaged"

    def _error(self, e: Exception) -> ProgressError:
        reason = self._reason(e)
        why = (t(f"progress.why.{reason}", folder=self._folder_or_parent()) if reason
               else getattr(e, "strerror", None) or str(e))
        advice = _ADVICE.get(reason or "", "themebox.progress.unreadable")
        return ProgressError(t(advice, path=self.path, why=why), self.path, why)

    @property
    def db(self) -> sqlite3.Connection:
        assert self._db is not None, "the progress file is closed"
        return self._db

    def _setup(self) -> None:
        db = self.db
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
        db.execute("PRAGMA journal_mode = WAL")  # persistent: stored in the file itself
        db.execute("PRAGMA synchronous = FULL")  # per connection: say it every time
        if self._version() == SCHEMA_VERSION:
            return
        with self._transaction():
            # read again under the write lock: another dojokit may have just migrated it
            version = self._version()
            for steps in MIGRATIONS[version:]:
                for statement in steps:
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")

    def _version(self) -> int:
        version: int = self.db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            why = t("progress.why.newer", version=version)
            raise ProgressError(t("themebox.progress.newer", path=self.path, version=version),
                                self.path, why)
        return version

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # writing
    def record(self, learner: str, box: str, exercise: str, verdict: str,
               reasons: Sequence[Any] = (), trace_hash: str | None = None,
               at: datetime | None = None,
               failures: Sequence[tuple[str, dict[str, Any]]] | None = None,
               beyond: Sequence[str] | None = None) -> int:
        """Store one attempt in one transaction; returns its id once it is on disk.
        `failures` are the grader's (key, fields) pairs (Verdict.failures), `beyond` the
        opcodes used beyond the card's palette (Verdict.beyond)."""
        for name, value in (("learner", learner), ("box", box), ("exercise", exercise)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty text, not {value!r}")
        if verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, not {verdict!r}")
        reasons_json = _dumps(list(reasons))
        failures_json = (None if failures is None else
                         _dumps([[k, f] for k, f in failures], default=str))
        beyond_json = None if beyond is None else _dumps([str(o) for o in beyond])
        when = at.astimezone(UTC).isoformat(timespec="milliseconds") if at else _now()
        with self._guard(), self._transaction():
            cur = self.db.execute(
                "INSERT INTO attempts (learner, box, exercise, verdict, reasons, trace_hash,"
                " at, failures, beyond) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (learner, box, exercise, verdict, reasons_json, trace_hash, when,
                 failures_json, beyond_json),
            )
        assert cur.lastrowid is not None
        return cur.lastrowid

    # reading
    def attempts(self, learner: str | None = None) -> list[Attempt]:
        """Every attempt (of one learner, if given), oldest first."""
        sql = ("SELECT id, learner, box, exercise, verdict, reasons, trace_hash, at, failures,"
               " beyond FROM attempts")
        with self._guard():
            rows = (self.db.execute(sql + " WHERE learner = ? ORDER BY id", (learner,))
                    if learner is not None else self.db.execute(sql + " ORDER BY id"))
            return [Attempt(i, who, b, ex, v, json.loads(r), h, datetime.fromisoformat(at),
                            None if f is None else [(k, fs) for k, fs in json.loads(f)],
                            None if o is None else [str(x) for x in json.loads(o)])
                    for i, who, b, ex, v, r, h, at, f, o in rows]

    def learners(self) -> list[str]:
        with self._guard():
            return [r[0] for r in self.db.execute(
                "SELECT DISTINCT learner FROM attempts ORDER BY learner")]

    def summary(self, learner: str) -> list[ExerciseSummary]:
        """Per box and exercise the learner tried: best verdict, attempts, last time; in the
        order the learner first tried them."""
        with self._guard():
            rows = self.db.execute(
                f"SELECT box, exercise, MAX({_RANK}), COUNT(*), MAX(at) FROM attempts"
                " WHERE learner = ? GROUP BY box, exercise ORDER BY MIN(id)", (learner,))
            return [ExerciseSummary(box, ex, VERDICTS[rank], count,
                                    datetime.fromisoformat(last))
                    for box, ex, rank, count, last in rows]

    def overview(self, learner: str | None = None) -> list[ExerciseState]:
        """Per learner, box and exercise tried: best verdict, attempts and the latest
        attempt; learners by name, then in the order they first tried the exercises."""
        groups: dict[tuple[str, str, str], list[Attempt]] = {}
        for a in self.attempts(learner):
            groups.setdefault((a.learner, a.box, a.exercise), []).append(a)
        states = [ExerciseState(*key, best=max((a.verdict for a in tries), key=_rank),
                                count=len(tries), latest=max(tries, key=_when))
                  for key, tries in groups.items()]
        return sorted(states, key=lambda s: s.learner)  # stable: first tries stay in order

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _dumps(value: Any, default: Callable[[Any], Any] | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=default)


_rank: Callable[[str], int] = VERDICTS.index


def _when(a: Attempt) -> tuple[datetime, int]:
    return a.at, a.id  # a time given to record() may be earlier than one kept before


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
