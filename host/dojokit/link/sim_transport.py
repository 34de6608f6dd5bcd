"""The simulated kit: the real firmware under MicroPython, in this process."""

from __future__ import annotations

import asyncio

from dojokit.link.errors import LinkLost
from dojokit.link.transport import Transport
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest


class SimTransport(Transport):
    def __init__(self, label: str = "sim", board: VirtualBoard | None = None,
                 name: tuple[int, int, str] | None = (0, 1, "sim")) -> None:
        self.label = label
        self.board = board or VirtualBoard()
        self.name = name
        self.guest: FirmwareGuest | None = None
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def open(self) -> None:
        loop = asyncio.get_running_loop()

        def deliver(data: bytes | None) -> None:
            if not loop.is_closed():
                loop.call_soon_threadsafe(self._queue.put_nowait, data)

        self.guest = FirmwareGuest(self.board, name=self.name, on_output=deliver,
                                   on_exit=lambda: deliver(None))
        self.guest.start()

    async def write(self, data: bytes) -> None:
        if self.guest is None or not self.guest.running:
            raise LinkLost(kit=self.label)
        self.guest.write(data)

    async def read(self) -> bytes:
        data = await self._queue.get()
        if data is None:
            self._queue.put_nowait(None)
            raise LinkLost(kit=self.label)
        return data

    async def close(self) -> None:
        if self.guest is not None:
            guest, self.guest = self.guest, None
            await asyncio.to_thread(guest.stop)
