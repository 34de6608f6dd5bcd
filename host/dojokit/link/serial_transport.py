"""USB serial (and any pseudo-terminal) through pyserial."""

from __future__ import annotations

import asyncio
import threading

import serial

from dojokit.i18n import t
from dojokit.kits.ports import PortOpenError, open_exclusive
from dojokit.link.errors import LinkLost, PortProblem
from dojokit.link.transport import QueuedTransport


class SerialTransport(QueuedTransport):
    def __init__(self, path: str, baudrate: int = 115200) -> None:
        super().__init__()
        self.path = path
        self.baudrate = baudrate
        self.label = f"serial:{path}"
        self._ser: serial.Serial | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    async def open(self) -> None:
        try:
            self._ser = open_exclusive(self.path, baudrate=self.baudrate, timeout=0.05)
        except PortOpenError as exc:
            p = exc.problem
            holders = ", ".join(f"{name} (pid {pid})" for pid, name in p.holders)
            holders_text = t("port.held_by", holders=holders) if holders else ""
            raise PortProblem(f"port.{p.code}", path=self.path, holders_text=holders_text,
                              detail=p.detail) from None
        loop = asyncio.get_running_loop()
        # pyserial blocks: a reader thread hands bytes to the event loop as they come
        self._thread = threading.Thread(target=self._read_loop, args=(loop,), daemon=True,
                                        name=f"dojokit-serial-{self.path}")
        self._thread.start()

    def _read_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        ser = self._ser
        assert ser is not None
        try:
            while not self._stop.is_set():
                data = ser.read(ser.in_waiting or 1)
                if data:
                    self._deliver(loop, data)
        except (serial.SerialException, OSError, TypeError):
            pass  # unplugged, or closed under us
        finally:
            self._deliver(loop, None)

    async def write(self, data: bytes) -> None:
        if self._ser is None:
            raise LinkLost(kit=self.label)
        try:
            self._ser.write(data)
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(kit=self.label) from exc

    async def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, 1.0)
        if self._ser is not None:
            self._ser.close()
            self._ser = None
