"""An asyncio event loop on virtual time, for the simulated kit.

Whenever the loop has nothing to do until its next timer, its clock jumps to that timer
instead of waiting for it. Everything that runs on the loop (the Scratch runtime's frames,
the link's heartbeats and time-outs, the robot's timed drives, the simulated world's ticks)
then advances in lockstep on one clock, as fast as the machine allows, and a run does the
same things in the same order every time. With `realtime=True` the same loop is paced to the
wall clock instead, for watching a simulation.

The loop can also be driven from inside a callback (`drive`): a simulated robot's firmware,
running on the loop's own thread, keeps the loop going while it waits for its next turn, and
a turn is then a return from that call instead of a hand-over between two threads
(dojokit.sim.guest). For that, one pass over the ready callbacks is the loop's state, not a
local of one call, so a pass begun by an outer call is finished by an inner one, in order.
"""

from __future__ import annotations

import asyncio
import heapq
import selectors
import time
from collections.abc import Callable
from typing import Any

# as asyncio's own loop: sweep cancelled timers when they are this many and this share
_SWEEP_MIN = 100
_SWEEP_SHARE = 0.5
_MAX_SELECT = 24 * 3600.0
_POLL_EVERY = 32  # passes with work waiting between two looks for I/O


class _JumpSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    loop: VirtualTimeLoop

    def select(self, timeout: float | None = None) -> list[Any]:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready  # type: ignore[no-any-return]
        if timeout is None:
            # no timer at all: only another thread (call_soon_threadsafe) can wake us
            return super().select(None)  # type: ignore[no-any-return]
        # paced (a virtual loop jumps in _run_once): wait for the wall clock to catch up,
        # waking early for another thread
        loop = self.loop
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
        self._left = 0  # callbacks of the current pass not yet run
        self._pause = False  # set by pause(): the innermost drive returns after this callback
        self._driving = 0  # drives running, one inside another
        self._busy = 0  # passes since the last look for I/O
        self.inline_guest: Any = None  # the firmware running on this loop's thread, if any
        selector = _JumpSelector()
        selector.loop = self
        super().__init__(selector)

    def time(self) -> float:
        return self.vtime

    def pause(self) -> None:
        """Make the innermost `drive` return as soon as the running callback does; the rest
        of the pass runs at the next call, before anything new."""
        if self._driving:
            self._pause = True

    def drive(self, done: Callable[[], bool]) -> None:
        """Run the loop from inside a callback until `done()` or a pause; stops early (without
        `done()`) when the loop is stopping."""
        self._driving += 1
        try:
            while not done():
                if self._stopping and not self._left:
                    return
                self._run_once()
                if self._pause:
                    return
        finally:
            self._pause = False
            self._driving -= 1

    def _run_once(self) -> None:
        # A pass: asyncio's own order (cancelled timers dropped, I/O looked at or the clock
        # jumped to the next timer, due timers queued, then every callback queued so far),
        # written for the loop's busiest path: tens of thousands of passes a robot minute.
        ready = self._ready
        if not self._left:
            sched = self._scheduled
            if self._timer_cancelled_count:
                self._drop_cancelled(sched)
                sched = self._scheduled
            self._busy += 1
            if ready or self._stopping:
                # work is waiting: look for I/O only now and then (another thread's callbacks
                # are in the ready queue already; the wake-up byte is for a sleeping loop)
                if self._busy >= _POLL_EVERY:
                    self._process_events(self._selector.select(0))
                    self._busy = 0
            elif sched and not self.realtime:
                # nothing to do until the next timer: jump to it. A thread's callback would be
                # in the ready queue already; now and then a look for I/O drains the wake-up
                # bytes, and what it finds runs first
                events = []
                if self._busy >= _POLL_EVERY:
                    events = self._selector.select(0)
                    self._busy = 0
                if events:
                    self._process_events(events)
                else:
                    self.vtime += max(0.0, sched[0]._when - self.vtime)
            else:  # paced, or no timer at all
                timeout = min(max(0.0, sched[0]._when - self.vtime), _MAX_SELECT) if sched \
                    else None
                self._process_events(self._selector.select(timeout))
                self._busy = 0
            end = self.vtime + self._clock_resolution
            while sched and sched[0]._when < end:
                h = heapq.heappop(sched)
                h._scheduled = False
                ready.append(h)
            self._left = len(ready)
        while self._left and ready:
            self._left -= 1
            handle = ready.popleft()
            if not handle._cancelled:
                handle._run()
            if self._pause and self._driving:
                return
        self._left = 0

    def _drop_cancelled(self, sched: list[Any]) -> None:
        if len(sched) > _SWEEP_MIN and self._timer_cancelled_count / len(sched) > _SWEEP_SHARE:
            kept = []
            for h in sched:
                if h._cancelled:
                    h._scheduled = False
                else:
                    kept.append(h)
            heapq.heapify(kept)
            self._scheduled = kept
            self._timer_cancelled_count = 0
        else:
            while sched and sched[0]._cancelled:
                self._timer_cancelled_count -= 1
                heapq.heappop(sched)._scheduled = False


def run(main: Any, realtime: bool = False) -> Any:
    """asyncio.run(main) on a VirtualTimeLoop."""
    with asyncio.Runner(loop_factory=lambda: VirtualTimeLoop(realtime)) as runner:
        return runner.run(main)
