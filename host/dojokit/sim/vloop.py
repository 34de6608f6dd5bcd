"""An asyncio event loop on virtual time, for the simulated kit.

Whenever the loop has nothing to do until its next timer, its clock jumps to that timer
instead of waiting for it. Everything that runs on the loop (the Scratch runtime's frames,
the link's heartbeats and time-outs, the robot's timed drives, the simulated world's ticks)
then advances in lockstep on one clock, as fast as the machine allows, and a run does the
same things in the same order every time. With `realtime=True` the same loop is paced to the
wall clock instead, for watching a simulation.
"""

from __future__ import annotations

import asyncio
import os
import selectors
import time
from typing import Any


class _JumpSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    loop: VirtualTimeLoop

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready  # type: ignore[no-any-return]
        if timeout is None:
            # no timer at all: only another thread (call_soon_threadsafe) can wake us
            return super().select(None)  # type: ignore[no-any-return]
        loop = self.loop
        if not loop.realtime:
            loop.vtime += timeout
            return ready  # type: ignore[no-any-return]
        # paced: wait for the wall clock to catch up, waking early for another thread
        due = loop.wall0 + (loop.vtime + timeout) / loop.speed
        ready = super().select(max(0.0, due - time.monotonic()))
        loop.vtime = min(loop.vtime + timeout, (time.monotonic() - loop.wall0) * loop.speed)
        return ready  # type: ignore[no-any-return]


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, realtime: bool = False, speed: float = 1.0) -> None:
        self.vtime = 0.0
        self.realtime = realtime
        self.speed = speed  # in real-time mode: virtual seconds per wall second
        self.wall0 = time.monotonic()
        selector = _JumpSelector()
        selector.loop = self
        super().__init__(selector)

    def time(self) -> float:
        return self.vtime


def run(main: Any, realtime: bool = False) -> Any:
    """asyncio.run(main) on a VirtualTimeLoop.

    The simulation runs one thread at a time (the loop hands each firmware a turn and waits
    for it), so its threads are kept on one CPU while it runs: a hand-over between two
    threads on the same CPU costs about half as much as one across CPUs, and hand-overs
    are most of a simulated robot's cost."""
    cpus = _one_cpu()
    try:
        with asyncio.Runner(loop_factory=lambda: VirtualTimeLoop(realtime)) as runner:
            return runner.run(main)
    finally:
        if cpus is not None:
            os.sched_setaffinity(0, cpus)


def _one_cpu() -> set[int] | None:
    """Pin this thread (and the threads it starts) to one of its CPUs; returns the set to
    restore, or None where affinity cannot be set."""
    try:
        cpus = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cpus)})
    except (AttributeError, OSError):
        return None
    return cpus
