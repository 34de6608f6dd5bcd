"""The wire between a pseudo-terminal and a simulated board: a baud rate and a pulled cable.

A pty carries bytes as fast as the processes move them; a USB serial line at 115200 baud
carries 11520 bytes a second. `Line` paces both directions at the rate asked for, so that
deploy rates and the time a room takes to flash are measured as on real boards, where the
wire, not the laptop, is the limit. `fail_after` cuts the line once that many bytes have
come from the host, as a cable pulled in the middle of a write: from then on nothing
arrives in either direction.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Protocol

PIECE = 64  # bytes delivered at once: a USB packet's worth


class ByteDevice(Protocol):
    on_output: Callable[[bytes], None]

    def write(self, data: bytes) -> None: ...


class _Pacer:
    """Delivers pieces in order, each once the wire has had time to carry it."""

    def __init__(self, bytes_per_s: float, deliver: Callable[[bytes], None], name: str) -> None:
        self.rate = bytes_per_s
        self.deliver = deliver
        self.q: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.free_at = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True, name=name)
        self.thread.start()

    def put(self, data: bytes) -> None:
        for i in range(0, len(data), PIECE):
            self.q.put(data[i:i + PIECE])

    def _run(self) -> None:
        while (piece := self.q.get()) is not None:
            now = time.monotonic()
            self.free_at = max(now, self.free_at) + len(piece) / self.rate
            delay = self.free_at - now
            if delay > 0:
                time.sleep(delay)
            self.deliver(piece)

    def close(self) -> None:
        self.q.put(None)


class Line:
    """A ByteDevice in front of another: the pty talks to this, this to the board."""

    def __init__(self, device: ByteDevice, baud: int | None = None,
                 fail_after: int | None = None) -> None:
        self.device = device
        self.on_output: Callable[[bytes], None] = lambda data: None
        self.fail_after = fail_after
        self.received = 0  # bytes from the host
        self.cut = False
        self._in: _Pacer | None = None
        self._out: _Pacer | None = None
        if baud:
            rate = baud / 10  # 8 data bits, a start and a stop bit
            self._in = _Pacer(rate, self._to_device, "dojokit-line-in")
            self._out = _Pacer(rate, self._to_host, "dojokit-line-out")
        device.on_output = self._from_device

    def write(self, data: bytes) -> None:
        if self.cut:
            return
        if self.fail_after is not None and self.received + len(data) >= self.fail_after:
            data = data[:max(0, self.fail_after - self.received)]
            self.cut = True
        self.received += len(data)
        if self._in is not None:
            self._in.put(data)
        elif data:
            self.device.write(data)

    def _to_device(self, data: bytes) -> None:
        self.device.write(data)

    def _from_device(self, data: bytes) -> None:
        if self.cut:
            return
        if self._out is not None:
            self._out.put(bytes(data))
        else:
            self.on_output(data)

    def _to_host(self, data: bytes) -> None:
        if not self.cut:
            self.on_output(data)

    def close(self) -> None:
        for p in (self._in, self._out):
            if p is not None:
                p.close()
