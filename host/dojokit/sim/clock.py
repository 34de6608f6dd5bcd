"""Clocks the simulated kit runs on.

The firmware asks the host for the time and waits through the host (hal_virtual), so the
host decides what a millisecond is. `RealClock` follows the wall clock; a virtual clock
for lockstep simulation can replace it without touching the firmware.
"""

from __future__ import annotations

import threading
import time

TICKS_PERIOD = 1 << 30  # MicroPython's ticks_ms() wraps here; ticks_diff() expects it


class RealClock:
    """Milliseconds since the clock was made, paced by the wall clock."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def now_ms(self) -> int:
        return int((time.monotonic() - self._t0) * 1000)

    def wait(self, cond: threading.Condition, ms: int, ready: object) -> None:
        """Wait on `cond` (held by the caller) until `ready()` is true or `ms` have passed."""
        deadline = time.monotonic() + ms / 1000
        while not ready():  # type: ignore[operator]
            left = deadline - time.monotonic()
            if left <= 0:
                return
            cond.wait(left)


class StepClock(RealClock):
    """The simulated world's time, set by whoever steps it (lockstep simulation)."""

    def __init__(self) -> None:
        self._ms = 0

    def now_ms(self) -> int:
        return self._ms

    def set_ms(self, ms: int) -> None:
        self._ms = ms
