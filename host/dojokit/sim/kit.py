"""A simulated robot in a world: the real firmware (one loop turn per tick), the body's
physics and its sensors, all on the event loop's clock.

Each tick: the wheels move the body for the tick's time at the speeds the firmware last
set, the sensors are read from the world, then the firmware runs one loop turn at the new
time if it has input or something is due (it says when it wants to wake, as it sleeps on
a board). On a VirtualTimeLoop (vloop.py) that is the whole simulation in lockstep with the
host: the same program, world and seed do the same things every run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dojokit.kits.build import firmware_dir, parse_kit
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest, GuestStopped
from dojokit.sim.physics import Body, SimRobot
from dojokit.sim.vloop import VirtualTimeLoop
from dojokit.sim.world import World, load_world

TICK_MS = 20  # the firmware's loop turn and the physics step, in simulated time
POSE_EVERY_MS = 100  # how often the robot's pose goes into the trace


class SimKit:
    def __init__(self, world: World | str | Path = "empty", kit: str = "sim",
                 name: tuple[int, int, str] | None = (0, 1, "sim"), seed: int = 0,
                 noise: float = 0.0, on_output: Callable[[bytes], None] | None = None,
                 on_exit: Callable[[], None] | None = None) -> None:
        self.world = world if isinstance(world, World) else load_world(world)
        profile = parse_kit((firmware_dir() / "kits" / f"{kit}.kit").read_text())
        nlights = int(profile.get("pixels", ["0"])[0]) + int(profile.get("leds", ["0"])[0])
        self.board = VirtualBoard(nlights=nlights)
        self.body = Body.from_kit(kit)
        self.robot = SimRobot(self.world, self.body, seed=seed, noise=noise)
        self.board.sensors = self.robot.sense()
        self.guest = FirmwareGuest(self.board, kit=kit, name=name, lockstep=True,
                                   on_output=on_output, on_exit=on_exit)
        self.poses: list[dict[str, Any]] = []  # {"t", "x", "y", "heading", "zones"}
        self.now_ms = 0
        self.touches: list[int] = []  # when (ms) a touch began
        self._touching = False
        self.t0 = 0.0  # the loop's time at the world's 0 ms
        self._timer: asyncio.Handle | None = None  # the next tick's
        self._ended: asyncio.Future[None] | None = None  # done when ticking ends
        self._k = 0  # ticks so far

    @property
    def touched(self) -> bool:
        """The robot touched a wall at some point."""
        return bool(self.touches)

    def trace_events(self, origin: float) -> list[dict[str, Any]]:
        """The world's side of a trace (poses, lights as the robot showed them, wall
        touches), timed from the loop time `origin` (a Robot's trace starts when it was
        made: origin = loop.time() - robot.trace.clock())."""
        off = self.t0 - origin
        events = [{**p, "kind": "pose", "t": round(p["t"] + off, 4)} for p in self.poses]
        events += [{"t": round(o.t_ms / 1000 + off, 4), "kind": "shown", "light": o.value[0],
                    "colour": list(o.value[1:])} for o in self.board.outputs("light")]
        events += [{"t": round(ms / 1000 + off, 4), "kind": "touch"} for ms in self.touches]
        return events

    def start(self) -> None:
        """Boot the firmware on a thread of its own (compiling it takes a moment of real
        time)."""
        self.guest.start()

    async def boot(self) -> None:
        """Boot the firmware: on the loop's own thread where the loop can run it there (a
        VirtualTimeLoop with no other firmware on it), else on a thread of its own."""
        loop = asyncio.get_running_loop()
        if isinstance(loop, VirtualTimeLoop) and loop.inline_guest is None:
            await self.guest.start_inline(loop)
        else:
            await asyncio.to_thread(self.guest.start)

    def tick(self, now_ms: int) -> None:
        # The world only needs to be brought up to date when someone looks: the firmware
        # (input waiting, or it asked to wake) or the trace (a pose every 100 ms). Moving
        # the body over several ticks at once is exact: the wheel speeds do not change in
        # between, and the physics sub-steps for walls itself.
        turn = self.guest.due(now_ms)
        pose = now_ms % POSE_EVERY_MS < TICK_MS or not self.poses
        if not (turn or pose):
            return
        dt = (now_ms - self.now_ms) / 1000
        self.now_ms = now_ms
        left, right = self.board.motors
        if dt > 0:
            self.robot.step(dt, left, right)
            touching = self.robot.touching
            if touching and not self._touching:
                self.touches.append(now_ms)
            self._touching = touching
        if pose:
            p = self.robot.pose
            self.poses.append({"t": round(now_ms / 1000, 4), "x": round(p.x, 1),
                               "y": round(p.y, 1), "heading": round(p.heading, 1),
                               "zones": self.robot.zones()})
        if turn:
            self.board.sensors = self.robot.sensors()
            self.guest.turn(now_ms)

    async def run(self) -> None:
        """Tick on the running loop's clock until stopped or the firmware ends."""
        self.start_ticking()
        assert self._ended is not None
        await self._ended

    def start_ticking(self) -> None:
        # A chain of plain callbacks instead of a task sleeping in a loop: no future and no
        # task step a tick. Each tick runs one pass after its timer fires, where a sleeping
        # task would have woken, so everything happens in the same order as it did then.
        loop = asyncio.get_running_loop()
        self._ended = loop.create_future()
        self._k = 0
        self._timer = loop.call_soon(self._begin, loop)

    def _begin(self, loop: asyncio.AbstractEventLoop) -> None:
        self.t0 = loop.time()
        self._next_tick(loop)

    def _next_tick(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self.guest.running:
            self._finish()
            return
        self._k += 1
        delay = self.t0 + self._k * TICK_MS / 1000 - loop.time()
        if delay > 0:
            self._timer = loop.call_at(loop.time() + delay, self._wake, loop)
        else:  # behind the wall clock (paced): next pass
            self._timer = loop.call_soon(self._on_tick, loop)

    def _wake(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = loop.call_soon(self._on_tick, loop)

    def _on_tick(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self.tick(self._k * TICK_MS)
        except GuestStopped:
            self._finish()
            return
        self._next_tick(loop)

    def _finish(self) -> None:
        self._timer = None
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(None)

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._finish()
        await self.guest.stopped()
