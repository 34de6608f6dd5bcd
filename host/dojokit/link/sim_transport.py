"""The simulated kit: the real firmware under MicroPython, in this process.

Plain "sim" runs the firmware freely on the wall clock, on a bare virtual board. With a
world ("sim:parking", or `world=`) the robot lives in that world and the firmware steps in
lockstep with the event loop's clock (dojokit.sim.kit); on a VirtualTimeLoop a run is then
as fast as the machine allows and the same every time.
"""

from __future__ import annotations

import asyncio

from dojokit.link.errors import LinkLost
from dojokit.link.transport import QueuedTransport
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest


class SimTransport(QueuedTransport):
    def __init__(self, label: str = "sim", board: VirtualBoard | None = None,
                 name: tuple[int, int, str] | None = (0, 1, "sim"),
                 world: str | None = None, seed: int = 0, noise: float = 0.0) -> None:
        super().__init__()
        self.label = label
        self.board = board or VirtualBoard()
        self.name = name
        self.world = world
        self.seed = seed
        self.noise = noise
        self.guest: FirmwareGuest | None = None
        self.kit = None  # the SimKit, in a world

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        if self.world is None:
            self.guest = FirmwareGuest(self.board, name=self.name,
                                       on_output=lambda data: self._deliver(loop, data),
                                       on_exit=lambda: self._deliver(loop, None))
            self.guest.start()
            return
        from dojokit.sim.kit import SimKit

        def deliver(data: bytes | None) -> None:
            # a firmware on the loop's own thread hands over in order, without a wake-up
            if kit.guest.inline:
                loop.call_soon(self._queue.put_nowait, data)
            else:
                self._deliver(loop, data)

        kit = SimKit(self.world, name=self.name, seed=self.seed, noise=self.noise,
                     on_output=deliver, on_exit=lambda: deliver(None))
        self.kit, self.board, self.guest = kit, kit.board, kit.guest
        await kit.boot()
        kit.start_ticking()

    async def write(self, data: bytes) -> None:
        if self.guest is None or not self.guest.running:
            raise LinkLost(kit=self.label)
        self.guest.write(data)

    async def close(self) -> None:
        if self.kit is not None:
            kit, self.kit, self.guest = self.kit, None, None
            await kit.stop()
        elif self.guest is not None:
            guest, self.guest = self.guest, None
            await asyncio.to_thread(guest.stop)
