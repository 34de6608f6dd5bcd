"""'Am I finished?' answered quickly and without freezing the window.

The box's checks run on virtual time in one worker process, started once and kept warm (the
imports, the firmware and the world are paid for once), so grading never competes with the
window for Python's lock. While the learner pauses (a second with no change), the program as
it stands is checked ahead; a click on "Am I finished?" then shows that answer at once, or
waits for the check already on its way. Nothing is recorded or shown until the click: the
learner sees exactly what a check at click time would say (virtual time: the same answer).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

IDLE_S = 1.0  # a pause this long lets the program be checked ahead


@dataclass
class Answer:
    """What a check says, as plain data (it crosses a process boundary)."""

    verdict: str  # finished | not_yet
    lines: list[str]
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    trace_hash: str = ""
    beyond: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.verdict == "finished"


@cache
def _box(path: str) -> Any:
    from dojokit.themebox.format import load_box

    return load_box(path)


def check(box_path: str, exercise_id: str, program: str, lang: str) -> Answer:
    """Grade `program` (project.json text) with the exercise's checks (in any process)."""
    from dojokit.themebox.grade import grade

    box = _box(box_path)
    exercise = box.exercise(exercise_id)
    fd, name = tempfile.mkstemp(prefix="dojokit-check-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(program)
        verdict, _trace = grade(box, exercise, name, lang)
    finally:
        os.unlink(name)
    return Answer(verdict.verdict, verdict.feedback(lang), list(verdict.failures),
                  verdict.trace_hash, list(verdict.beyond))


def _warm() -> None:
    # the worker's first job: pay for the imports before the learner asks
    import dojokit.themebox.grade  # noqa: F401


class Checker:
    """Checks for one studio; `ahead(changes, program)` from the frame loop, `answer(...)`
    when the learner clicks."""

    def __init__(self, box_path: Path, exercise_id: str, lang: str,
                 in_process: bool = False) -> None:
        self.box_path = str(box_path)
        self.exercise_id = exercise_id
        self.lang = lang
        self.in_process = in_process
        self._pool: Executor | None = None
        self._pending: tuple[int, Future[Answer]] | None = None  # (changes, its check)
        self._last_change = time.monotonic()
        self._seen_changes = -1

    def start(self) -> None:
        """Start the worker now (the studio calls this once its window is drawn), so the
        first click does not wait for a Python to start."""
        self._executor()

    def _executor(self) -> Executor:
        if self._pool is None and self.in_process:
            # a thread of this process (tests): its own event loop, beside the window's
            self._pool = ThreadPoolExecutor(1)
        if self._pool is None:
            # spawn: the window's process holds a display and threads; a fresh interpreter
            # is the safe worker on every system
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            self._pool.submit(_warm)
        return self._pool

    def _submit(self, changes: int, program: dict[str, Any]) -> Future[Answer]:
        text = json.dumps(program)
        fut = self._executor().submit(check, self.box_path, self.exercise_id, text, self.lang)
        self._pending = (changes, fut)
        return fut

    def ahead(self, changes: int, program: dict[str, Any]) -> None:
        """Called every frame: after a pause with no change, check the program ahead."""
        now = time.monotonic()
        if changes != self._seen_changes:
            self._seen_changes = changes
            self._last_change = now
            return
        if now - self._last_change < IDLE_S:
            return
        if self._pending is not None and (self._pending[0] == changes
                                          or not self._pending[1].done()):
            return  # already checked (or one check still busy: the next pause tries again)
        self._submit(changes, program)

    async def answer(self, changes: int, program: dict[str, Any]) -> Answer:
        """The check of the program as it is now: the one made ahead, else a new one."""
        pending = self._pending
        if pending is None or pending[0] != changes:
            fut = self._submit(changes, program)
        else:
            fut = pending[1]
        return await asyncio.wrap_future(fut)

    def close(self) -> None:
        """Stop the worker at once (a check still running is of no use any more)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(5)
