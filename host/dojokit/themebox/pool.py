"""Grading many programs at once: one worker process per processor core.

A grade is CPU work on virtual time, so a program gets the same verdict and trace hash in any
process; `grade_all` hands the results back in the jobs' order, whatever order they finish
in. Workers start with "forkserver" (Linux) or "spawn", never a plain fork: the parent may
already run wasmtime's threads. One worker, or one job, grades in this process: no start-up
cost, and the behaviour `dojokit box check` always had (DOJOKIT_WORKERS=1). A script that
calls grade_all needs the `if __name__ == "__main__":` guard: a new worker imports the
script that started its parent (the dojokit command has it).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from dojokit.i18n import set_language, t

WORKERS_VAR = "DOJOKIT_WORKERS"


@dataclass(frozen=True)
class Job:
    box: Path  # the box's folder
    exercise: str  # its id
    program: Path
    lang: str  # the language of the failures' fields and of a sentence about a bad program
    weight: float = 0.0  # how long it may take (e.g. its time limit): the longest start first


@dataclass(frozen=True)
class Graded:
    """What `box check` needs of a Verdict, as plain data that crosses processes."""

    verdict: str  # "finished" or "not_yet"
    failures: tuple[tuple[str, dict[str, Any]], ...]  # (feedback key, fields)
    trace_hash: str
    beyond: tuple[str, ...]  # opcodes beyond the card's palette

    @property
    def finished(self) -> bool:
        return self.verdict == "finished"


@dataclass(frozen=True)
class _Unfit:
    sentence: str  # why the job could not be graded (a bad program or box), in its language


class GradeError(Exception):
    """A job that could not be graded, or workers that could not do theirs: str() is one
    sentence for a person."""


def cpu_count() -> int:
    """The cores this process may use (its affinity, where the system tells it)."""
    usable = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if usable is not None:
        return usable() or 1
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def wanted_workers() -> int:
    """DOJOKIT_WORKERS, else every usable core. Raises GradeError for a value that is not a
    whole number of 1 or more."""
    value = os.environ.get(WORKERS_VAR, "").strip()
    if not value:
        return cpu_count()
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise GradeError(t("pool.bad_workers", value=value))
    return n


def grade_all(jobs: Iterable[Job], workers: int | None = None,
              on_done: Callable[[int, Graded], None] | None = None) -> list[Graded]:
    """Grade every job, `workers` at a time (default: wanted_workers()), and give their
    results in the jobs' order. `on_done(index, result)` runs in this process as each job
    finishes. A job that cannot be graded raises GradeError with its sentence: the first
    such job in the jobs' order, as if they had been graded one after the other."""
    jobs = list(jobs)
    n = min(workers or wanted_workers(), len(jobs))
    if n <= 1:
        return _in_process(jobs, on_done)
    return _in_pool(jobs, n, on_done)


def _in_process(jobs: list[Job], on_done: Callable[[int, Graded], None] | None
                ) -> list[Graded]:
    results = []
    for i, job in enumerate(jobs):
        result = _grade_one(job)
        if isinstance(result, _Unfit):
            raise GradeError(result.sentence)
        results.append(result)
        if on_done is not None:
            on_done(i, result)
    return results


def _in_pool(jobs: list[Job], n: int, on_done: Callable[[int, Graded], None] | None
             ) -> list[Graded]:
    results: list[Graded | None] = [None] * len(jobs)
    unfit: dict[int, str] = {}
    pool = ProcessPoolExecutor(n, mp_context=_context(),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        # the longest first, so that no worker is left with a long one at the end
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
        with _workers_deaf_to_ctrl_c():  # the workers are started by the first submits
            futures = {pool.submit(_work, jobs[i]): i for i in order}
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except CancelledError:
                continue
            if isinstance(result, _Unfit):
                unfit[i] = result.sentence
                # what comes later is not needed; what comes earlier might be unfit too
                _cancel(f for f, j in futures.items() if j > i)
                continue
            results[i] = result
            if on_done is not None:
                on_done(i, result)
    except BrokenProcessPool:
        _stop(pool)
        raise GradeError(t("pool.worker_stopped")) from None
    except BaseException:  # Ctrl-C, or a bug in the grader: no worker goes on without us
        _stop(pool)
        raise
    pool.shutdown()
    if unfit:
        raise GradeError(unfit[min(unfit)])
    return [r for r in results if r is not None]


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if sys.platform == "linux" and "forkserver" in methods else "spawn"
    return multiprocessing.get_context(method)


def _cancel(futures: Iterator[Future[Any]]) -> None:
    for f in futures:
        f.cancel()


@contextlib.contextmanager
def _workers_deaf_to_ctrl_c() -> Iterator[None]:
    """Workers started in here ignore SIGINT from their first instruction (an ignored signal
    stays ignored across exec, and Python then installs no KeyboardInterrupt handler): a
    Ctrl-C is the parent's to handle, once, and it stops the workers itself."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)
    # a Ctrl-C in that moment is lost; the next one is heard


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop every worker now, its running grade too (a grade can take seconds), then let the
    pool see them gone and close its queues before this process ends."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        p.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


# -- in a worker -----------------------------------------------------------------------------
def _start_worker(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # see _workers_deaf_to_ctrl_c
    threading.Thread(target=_follow, args=(parent,), name="dojokit-follow",
                     daemon=True).start()


def _follow(parent: int) -> None:
    """End this worker once `parent` has ended: a parent killed outright (not stopped with
    Ctrl-C) cannot stop us itself. Our own parent may be the forkserver, and it waits for
    us: so we watch the process that asked for us."""
    with contextlib.suppress(AttributeError, OSError):  # pidfd: Linux 5.3+
        ended = os.pidfd_open(parent)
        select.select([ended], [], [])  # readable when it has ended
        os._exit(1)
    while _alive(parent):
        time.sleep(1.0)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: it exists
        return True
    return True


def _work(job: Job) -> Graded | _Unfit:
    set_language(job.lang)
    return _grade_one(job)


def _grade_one(job: Job) -> Graded | _Unfit:
    from dojokit.link import LinkError
    from dojokit.scratch.project import ProjectError
    from dojokit.themebox.format import BoxError
    from dojokit.themebox.grade import grade

    # the errors a person can act on become their sentence: their classes do not pickle
    try:
        box = _box(job.box)
        verdict, _trace = grade(box, box.exercise(job.exercise), job.program)
    except (BoxError, LinkError, ProjectError) as exc:
        return _Unfit(str(exc))
    return Graded(verdict.verdict, tuple(verdict.failures), verdict.trace_hash,
                  tuple(verdict.beyond))


@cache  # a worker lives for one grade_all; the dojokit command for one check
def _box(path: Path) -> Any:
    from dojokit.themebox.format import load_box

    return load_box(path)
