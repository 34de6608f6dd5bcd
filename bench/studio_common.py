"""What the studio's benchmarks share: a core kept busy beside a measure, and percentiles."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator


@contextlib.contextmanager
def busy_core(on: bool) -> Iterator[None]:
    """A process keeping one core busy for as long as the block runs."""
    if not on:
        yield
        return
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        yield
    finally:
        proc.kill()
        proc.wait()


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of `values`."""
    v = sorted(values)
    return v[min(len(v) - 1, round(p / 100 * (len(v) - 1)))]
