"""The few methods every transport has (serial, sim; BLE and radio later)."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod

from dojokit.link.errors import LinkLost


class Transport(ABC):
    """A byte pipe to one robot. Application code never names a transport class."""

    #: how the kit was named, e.g. "sim" or "serial:/dev/ttyACM0"
    label: str = ""

    @abstractmethod
    async def open(self) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def write(self, data: bytes) -> None: ...

    @abstractmethod
    async def read(self) -> bytes:
        """The next bytes from the robot; raises LinkLost when the line is gone."""


class QueuedTransport(Transport):
    """A transport whose bytes arrive on another thread: it hands them to the event loop
    through a queue; `None` on the queue means the line is gone."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def _deliver(self, loop: asyncio.AbstractEventLoop, data: bytes | None) -> None:
        """Called from the other thread."""
        if not loop.is_closed():
            loop.call_soon_threadsafe(self._queue.put_nowait, data)

    async def read(self) -> bytes:
        data = await self._queue.get()
        if data is None:
            self._queue.put_nowait(None)  # every later read sees the end too
            raise LinkLost(kit=self.label)
        return data
