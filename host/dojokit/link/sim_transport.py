"""The simulated kit: the real firmware under MicroPython, in this process."""

from __future__ import annotations

import asyncio

from dojokit.link.errors import LinkLost
from dojokit.link.transport import QueuedTransport
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest


class SimTransport(QueuedTransport):
    def __init__(self, label: str = "sim", board: VirtualBoard | None = None,
                 name: tuple[int, int, str] | None = (0, 1, "sim")) -> None:
        super().__init__()
        self.label = label
        self.board = board or VirtualBoard()
        self.name = name
        self.guest: FirmwareGuest | None = None

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        self.guest = FirmwareGuest(self.board, name=self.name,
                                   on_output=lambda data: self._deliver(loop, data),
                                   on_exit=lambda: self._deliver(loop, None))
        self.guest.start()

    async def write(self, data: bytes) -> None:
        if self.guest is None or not self.guest.running:
            raise LinkLost(kit=self.label)
        self.guest.write(data)

    async def close(self) -> None:
        if self.guest is not None:
            guest, self.guest = self.guest, None
            await asyncio.to_thread(guest.stop)
