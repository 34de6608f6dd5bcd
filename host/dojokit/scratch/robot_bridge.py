"""Between the Scratch runtime (synchronous frames) and the async Robot API.

A robot command runs as an asyncio task; its thread waits for it as a Scratch thread waits
for an extension's promise. Reporters and hats read a `RobotState` that follows the robot's
samples and button events. The runtime never blocks on the robot.
"""

from __future__ import annotations

import asyncio
from typing import Any

from dojokit.protocol import Button, Frame, Kind
from dojokit.robot import Robot
from dojokit.robot.robot import ALL_SENSORS
from dojokit.scratch.robot_blocks import BLOCKS, RobotState

SAMPLE_MS = 50  # how often the robot sends its sensors while a program runs


class RobotBridge:
    def __init__(self, robot: Robot) -> None:
        self.robot = robot
        self.state = RobotState()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.error: BaseException | None = None
        self._release: set[str] = set()  # buttons let go since the hats last looked
        self._settled: asyncio.Future[Any] | None = None
        robot.link.on_event(self._event)

    async def start(self, sensors: int = ALL_SENSORS) -> None:
        """Read the sensors once, then have the robot send those in `sensors` (a SUBSCRIBE
        mask, e.g. robot_blocks.sensors_read(project)) every SAMPLE_MS; none: no samples."""
        if sensors:
            await self.robot.subscribe(SAMPLE_MS, sensors)
        self.state.sample = await self.robot.read_sensors()

    def _event(self, f: Frame) -> None:
        if f.kind == Kind.SAMPLE:
            self.state.sample = self.robot.sample
        elif f.kind == Kind.BUTTON:
            b = Button.from_payload(f.payload)
            name = "AB"[b.button] if b.button < 2 else ""
            if b.pressed:
                self.state.pressed.add(name)
                self._release.discard(name)
            else:
                # a quick tap still counts: the hats see it down once before it goes
                self._release.add(name)

    def after_hats(self) -> None:
        """Called once a frame after the edge hats ran: buttons let go are now up."""
        self.state.pressed -= self._release
        self._release.clear()

    def command(self, opcode: str, args: dict[str, Any]) -> asyncio.Future[Any]:
        block = BLOCKS[opcode]
        loop = asyncio.get_running_loop()
        if block.idle is not None and block.idle(self.robot, args):
            # settled already, as the task would be at once (one future serves them all: a
            # settled future only passes its callbacks on)
            settled = self._settled
            if settled is None or settled.get_loop() is not loop:
                settled = self._settled = loop.create_future()
                settled.set_result(None)
            return settled
        task = loop.create_task(block.run(self.robot, args))
        self.tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None and self.error is None:
            self.error = task.exception()

    def report(self, opcode: str, args: dict[str, Any]) -> Any:
        return BLOCKS[opcode].run(self.state, args)

    async def stop(self) -> None:
        """The program ended or was stopped: cancel what runs and stop the motors."""
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
        if not self.robot.link.lost.is_set():
            await self.robot.stop()
            await self.robot.subscribe(0)
