"""A simulated kit on a pseudo-terminal, so any serial tool can talk to it.

The firmware's byte line is bridged to the master side of a pty; the slave side's path
(or a symlink to it) is what a client opens, exactly like /dev/ttyACM0.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import threading
import tty
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class ByteDevice(Protocol):
    on_output: Callable[[bytes], None]

    def write(self, data: bytes) -> None: ...


class PtyBridge:
    """Carries bytes both ways between a pty and a device (a simulated robot)."""

    def __init__(self, device: ByteDevice, link_path: str | Path | None = None) -> None:
        self.device = device
        self.master, self._slave = pty.openpty()
        tty.setraw(self._slave)  # no echo, no line editing: a serial line carries bytes
        os.set_blocking(self.master, False)
        self.slave_path = os.ttyname(self._slave)
        self.link_path = Path(link_path) if link_path else None
        self.dropped = 0  # bytes the robot sent while nobody read the port
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, daemon=True, name="dojokit-pty")
        device.on_output = self._to_client

    @property
    def path(self) -> str:
        return str(self.link_path) if self.link_path else self.slave_path

    def start(self) -> None:
        if self.link_path is not None:
            if self.link_path.is_symlink():
                self.link_path.unlink()
            self.link_path.symlink_to(self.slave_path)
        self._thread.start()

    def _to_client(self, data: bytes) -> None:
        # like a real serial port: with nobody reading, bytes are lost, never blocking
        try:
            n = os.write(self.master, data)
        except (BlockingIOError, OSError):
            n = 0
        self.dropped += len(data) - n

    def _pump(self) -> None:
        poller = select.poll()
        poller.register(self.master, select.POLLIN)
        while not self._stop.is_set():
            if not poller.poll(50):
                continue
            try:
                data = os.read(self.master, 4096)
            except BlockingIOError:
                continue
            except OSError:
                break
            if data:
                self.device.write(data)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(1)
        if self.link_path is not None and self.link_path.is_symlink():
            with contextlib.suppress(OSError):
                self.link_path.unlink()
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
