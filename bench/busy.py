"""One process that keeps one core busy, started and stopped by a benchmark itself.

A child's laptop is never idle: every figure a benchmark reports is measured twice, alone
and beside this busy loop, in the same run.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator


@contextlib.contextmanager
def busy_core() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(0.3)  # let it take its core before anything is timed
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()
