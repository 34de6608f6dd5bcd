"""The simulation on one thread (issue 12): firmware turns as calls on the event loop's own
thread, no CPU pinning, the same traces either way, and robots that send only the sensors a
program reads."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from pathlib import Path

import pytest
from sb3build import FLAG, line_follower, project

from dojokit.link import Link, LinkError
from dojokit.link.sim_transport import SimTransport
from dojokit.protocol import Kind, Sensor
from dojokit.robot import Robot
from dojokit.scratch.robot_blocks import sensors_read
from dojokit.scratch.robot_bridge import RobotBridge
from dojokit.scratch.runtime import Runtime
from dojokit.sim import vloop
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest, GuestStopped

FIRMWARE_THREAD = "dojokit-sim-firmware"


async def _follower(n: int, seconds: float, seen: dict | None = None) -> list[list[dict]]:
    """n robots on the line world, each running the follower; the poses of each."""
    loop = asyncio.get_running_loop()
    if seen is not None and seen.get("occupy"):
        loop.inline_guest = "someone else"  # type: ignore[attr-defined]
    kits = []
    for i in range(n):
        transport = SimTransport(label=f"sim:line#{i}", world="line")
        robot = Robot(Link(transport))
        await robot.link.connect()
        bridge = RobotBridge(robot)
        await bridge.start(sensors_read(line_follower()))
        rt = Runtime(line_follower(), robot=bridge, clock=lambda: loop.time() * 1000,
                     virtual=True)
        kits.append((transport, robot, bridge, rt))
    if seen is not None:
        seen["inline"] = [t.guest.inline for t, *_ in kits]
        seen["threads"] = sorted(t.name for t in threading.enumerate())
        seen["cpus"] = os.sched_getaffinity(0)
    for *_, rt in kits:
        rt.green_flag()
    await asyncio.gather(*(rt.run_async(seconds) for *_, rt in kits))
    poses = [list(t.kit.poses) for t, *_ in kits]
    for _, robot, bridge, _ in kits:
        with contextlib.suppress(LinkError):
            await bridge.stop()
        await robot.close()
    return poses


def test_a_simulated_robot_runs_on_the_loops_own_thread_and_keeps_every_cpu():
    before = os.sched_getaffinity(0)
    seen: dict = {}
    vloop.run(_follower(1, 2.0, seen))
    assert seen["inline"] == [True]
    assert FIRMWARE_THREAD not in seen["threads"]
    # no pinning: two dojokit processes can use two cores
    assert seen["cpus"] == before
    assert os.sched_getaffinity(0) == before


def test_a_turn_on_the_loops_thread_moves_the_robot_as_a_turn_on_its_own_thread():
    # the same program in the same world, once with the firmware on the loop's thread and
    # once on a thread of its own (as a second robot on the loop gets): pose for pose alike
    inline: dict = {}
    threaded: dict = {"occupy": True}
    a = vloop.run(_follower(1, 12.0, inline))[0]
    b = vloop.run(_follower(1, 12.0, threaded))[0]
    assert inline["inline"] == [True] and threaded["inline"] == [False]
    assert len(a) > 100 and a == b
    assert vloop.run(_follower(1, 12.0))[0] == a  # and again: determinism


def test_stopping_a_robot_ends_its_firmware_and_frees_the_loop_for_the_next():
    async def main() -> tuple[bool, bool, bool]:
        loop = asyncio.get_running_loop()
        first = SimTransport(world="empty")
        robot = Robot(Link(first))
        await robot.link.connect()
        guest = first.guest
        assert guest is not None and guest.inline and guest.running
        await robot.close()
        ended = not guest.running
        second = SimTransport(world="empty")
        robot2 = Robot(Link(second))
        await robot2.link.connect()
        again_inline = second.guest is not None and second.guest.inline
        await asyncio.sleep(1.0)
        await robot2.close()
        return ended, again_inline, loop.inline_guest is None

    assert vloop.run(main()) == (True, True, True)


def test_a_run_that_ends_without_closing_its_robot_still_ends():
    # the firmware is switched off with the loop; nothing hangs
    async def main() -> FirmwareGuest:
        transport = SimTransport(world="empty")
        robot = Robot(Link(transport))
        await robot.link.connect()
        await asyncio.sleep(0.5)
        assert transport.guest is not None
        return transport.guest

    guest = vloop.run(main())
    assert not guest.running


def test_a_turn_asked_of_a_stopped_firmware_says_it_stopped():
    async def main() -> None:
        guest = FirmwareGuest(VirtualBoard(), lockstep=True)
        await guest.start_inline(asyncio.get_running_loop())
        await guest.stopped()
        with pytest.raises(GuestStopped):
            guest.turn(100)

    vloop.run(main())


def test_the_loop_driven_from_inside_a_callback_keeps_asyncios_order():
    order: list[str] = []

    def run(inner: bool) -> list[str]:
        order.clear()

        async def main() -> None:
            loop = asyncio.get_running_loop()
            done = []

            def a() -> None:
                order.append("a")
                if inner:
                    loop.drive(lambda: bool(done))  # type: ignore[attr-defined]
                order.append("a-end")

            def c() -> None:
                order.append("c")
                loop.call_soon(order.append, "e")
                loop.call_later(0.5, done.append, 1)

            loop.call_soon(a)
            loop.call_soon(order.append, "b")
            loop.call_soon(c)
            loop.call_later(0.1, order.append, "t")
            await asyncio.sleep(1)

        vloop.run(main())
        return order

    nested = list(run(True))
    flat = list(run(False))
    # the same callbacks in the same order; only "a" ends later, when its drive is done
    assert [x for x in nested if x != "a-end"] == [x for x in flat if x != "a-end"]
    assert nested.index("a-end") > nested.index("t")


def test_the_robot_sends_only_the_sensors_a_program_reads():
    follower = line_follower()
    assert sensors_read(follower) == Sensor.LINE
    lights_only = project([FLAG, ("dojokit_setAllLights", {}, {"COLOUR": ["blue", None]})])
    assert sensors_read(lights_only) == 0
    near = project([("dojokit_whenCloserThan", {"DISTANCE": [1, [4, "10"]]}, {}),
                    ("dojokit_stop", {}, {})])
    assert sensors_read(near) == Sensor.DISTANCE
    assert sensors_read({"targets": "not a list of sprites"}) == 0


def test_a_program_that_reads_no_sensor_gets_no_samples():
    async def main(mask: int) -> int:
        transport = SimTransport(world="empty")
        robot = Robot(Link(transport))
        await robot.link.connect()
        samples = []
        robot.link.on_event(lambda f: samples.append(f) if f.kind == Kind.SAMPLE else None)
        bridge = RobotBridge(robot)
        await bridge.start(mask)
        await asyncio.sleep(2.0)
        await bridge.stop()
        await robot.close()
        return len(samples)

    assert vloop.run(main(0)) == 0
    assert vloop.run(main(int(Sensor.LINE))) >= 30  # every 50 ms


def test_the_simulated_robot_boots_from_compiled_modules(tmp_path: Path):
    guest = FirmwareGuest(VirtualBoard())
    try:
        names = {p.name for p in guest._fw.iterdir()}
        assert "dk_core.mpy" in names and "dk_core.py" not in names and "main.py" in names
    finally:
        guest.stop()


def test_what_a_turn_shows_reaches_the_board_in_order_with_its_text_whole():
    # a turn's outputs travel with its end (one host call a turn): order, numbers and a
    # text with a colon and a letter beyond ASCII arrive as the firmware gave them
    guest = FirmwareGuest(VirtualBoard(), name=(2, 7, "a:bé"), lockstep=True)
    try:
        guest.start()
        for t in range(20, 1000, 20):
            guest.turn(t)
        board = guest.board
        assert board.text == "7 a:bé"
        lights = board.outputs("light")
        assert {o.value[0] for o in lights} == set(range(6))  # every light, its own index
        times = [o.t_ms for o in board.log]
        assert times == sorted(times) and times[-1] > 20  # logged at the turn they were shown
    finally:
        guest.stop()
