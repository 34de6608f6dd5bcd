"""The host talks to the real firmware, under MicroPython, on the simulated kit."""

import asyncio

import pytest

from dojokit.link import Link
from dojokit.link.errors import Refused
from dojokit.link.sim_transport import SimTransport
from dojokit.protocol import Cap, Kind, Reason
from dojokit.robot import Robot
from dojokit.sim.board import VirtualBoard


async def _open(board=None):
    link = Link(SimTransport(board=board or VirtualBoard(), name=(2, 7, "Vos")))
    robot = Robot(link)
    await link.connect()
    return robot, link.transport.board


async def _until(pred, timeout=2.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            return False
        await asyncio.sleep(0.01)
    return True


def test_handshake_reports_identity_and_kit(run):
    async def go():
        robot, _ = await _open()
        try:
            return robot.info
        finally:
            await robot.close()

    info = run(go())
    assert (info.name, info.number, info.colour) == ("Vos", 7, 2)
    assert info.board == "virtual" and info.kit_name == "sim"
    assert info.protocol == 2 and info.firmware == "0.1.0"
    assert info.caps & Cap.MOTORS and info.caps & Cap.DISPLAY and info.lights == 6


def test_drive_reaches_the_wheels_capped_by_the_calm_profile(run):
    async def go():
        robot, board = await _open()
        try:
            await robot.drive(100, 100)
            # calm: announced (0.6 s pause), ramped, capped at 60 %
            assert await _until(lambda: board.motors == (60, 60), 3.0)
            await robot.stop()
            assert await _until(lambda: board.motors == (0, 0))
            await robot.set_profile("standard")
            await robot.drive(100, -100)
            assert await _until(lambda: board.motors == (100, -100), 2.0)
            await robot.drive(40, 40, seconds=0.3)  # a timed drive stops by itself
            assert await _until(lambda: board.motors == (0, 0), 1.0)
        finally:
            await robot.close()

    run(go())


def test_refusals_carry_a_reason(run):
    async def go():
        robot, _ = await _open()
        try:
            with pytest.raises(Refused) as no_light:
                await robot.light(9, (0, 0, 255))  # the sim kit has 6 lights
            with pytest.raises(Refused) as unknown:
                await robot.link.command(0x3F)
            return no_light.value.reason, unknown.value.reason
        finally:
            await robot.close()

    assert run(go()) == (Reason.NOT_ON_THIS_KIT, Reason.UNKNOWN_COMMAND)


def test_sensors_and_buttons_come_from_the_board(run):
    async def go():
        robot, board = await _open()
        try:
            board.sensors.distance_mm = 123
            board.sensors.line_left = True
            s = await robot.read_sensors()
            assert (s.distance_mm, s.line_left, s.line_right) == (123, True, False)
            await robot.subscribe(period_ms=30)
            board.sensors.distance_mm = None
            assert await _until(lambda: robot.sample is not None
                                and robot.sample.distance_mm is None)
            waiter = asyncio.create_task(robot.wait_for_button("B", timeout=2))
            await asyncio.sleep(0.05)
            robot.link.transport.guest.press(2)
            await waiter
            assert next(e.data for e in robot.trace.of("button")) == {"button": "B",
                                                                     "pressed": True}
            assert robot.trace.of("sensors")[0].data["distance_mm"] == 123
        finally:
            await robot.close()

    run(go())


def test_lights_pass_the_guard_and_state_uses_the_vocabulary(run):
    async def go():
        robot, board = await _open()
        try:
            await robot.set_profile("standard")
            await robot.light("all", (255, 255, 255))
            assert await _until(lambda: board.lights[0] == (200, 200, 200))  # cap 200
            await robot.show_state("finished")
            assert await _until(lambda: board.lights[5] == (0, 200, 80), 3.0)
            assert board.image[0] == 0b0000000001000101010001000
        finally:
            await robot.close()

    run(go())


def test_heartbeats_keep_a_quiet_program_driving(run):
    async def go():
        robot, board = await _open()
        try:
            await robot.set_profile("standard")
            await robot.drive(50, 50)
            await asyncio.sleep(1.2)  # far past the 500 ms fail-safe, without a command
            return board.motors, robot.link.lost.is_set()
        finally:
            await robot.close()

    assert run(go()) == ((50, 50), False)


def test_command_ids_match_their_acknowledgements(run):
    async def go():
        robot, _ = await _open()
        try:
            # many commands in flight at once: each is answered under its own id
            results = await asyncio.gather(*(robot.link.command(Kind.HEARTBEAT)
                                             for _ in range(40)))
            return results
        finally:
            await robot.close()

    assert run(go()) == [[]] * 40


def test_a_long_session_in_the_micro_bit_heap_keeps_every_answer(run):
    # 1,500 commands with sensor reads in the simulated robot's 64 KiB heap: hundreds of
    # garbage collections. Before the firmware collected only between loop turns, WASI
    # MicroPython freed live objects here and the robot died within about 50 commands.
    async def go():
        robot, board = await _open()
        try:
            for i in range(1500):
                colour = ((i * 7) % 256, 100, 50)
                await robot.light(i % 6, colour)
                if i % 5 == 0:
                    board.sensors.distance_mm = i
                    assert (await robot.read_sensors()).distance_mm == i
            return robot.link.transport.guest.running
        finally:
            await robot.close()

    assert run(go()) is True
