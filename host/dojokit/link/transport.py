"""The few methods every transport has (serial, sim; BLE and radio later)."""

from __future__ import annotations

from abc import ABC, abstractmethod


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
