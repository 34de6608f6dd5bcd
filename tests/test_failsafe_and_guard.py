"""Safety, shown from what the simulated robot physically did (its output log)."""

import asyncio
import itertools

from dojokit.link import Link
from dojokit.link.sim_transport import SimTransport
from dojokit.protocol import Kind
from dojokit.protocol import messages as msg
from dojokit.robot import Robot
from dojokit.sim.board import VirtualBoard
from dojokit.sim.flashes import luminance, max_flashes_per_window, transitions

WAITING_LILAC = (120, 60, 200)


def test_cutting_the_link_stops_the_motors_within_500_ms(run):
    board = VirtualBoard()

    async def go():
        robot = Robot(Link(SimTransport(board=board)))
        await robot.link.connect()
        await robot.set_profile("standard")
        await robot.drive(80, 80)
        await asyncio.sleep(0.5)
        assert board.motors == (80, 80)
        # the cable is pulled: the host stops talking, nothing tells the robot to stop
        for task in robot.link._tasks:
            task.cancel()
        await asyncio.sleep(1.0)
        guest = robot.link.transport.guest
        guest.stop()

    run(go())
    last_rx = max(o.t_ms for o in board.log if o.what == "rx")
    stops = [o for o in board.outputs("motors") if o.value == (0, 0) and o.t_ms >= last_rx]
    assert stops, "the motors never stopped"
    assert stops[0].t_ms - last_rx <= 500
    # and every light shows the one steady "waiting" colour
    assert all(rgb == WAITING_LILAC for rgb in board.lights)


def test_a_finished_run_stays_shown_after_the_host_has_gone(run):
    # `dojokit run` ends and closes the line: the child looks at the robot, which keeps
    # showing how the program ended, with its motors stopped
    from dojokit.feedback import STATES

    finished = dict((name, rgb) for name, rgb, _ in STATES)["finished"]
    board = VirtualBoard()

    async def go():
        robot = Robot(Link(SimTransport(board=board)))
        await robot.link.connect()
        await robot.set_profile("standard")
        await robot.drive(60, 60)
        await robot.show_state("finished")
        for task in robot.link._tasks:
            task.cancel()
        await asyncio.sleep(1.5)
        robot.link.transport.guest.stop()

    run(go())
    assert board.motors == (0, 0)
    assert all(rgb == finished for rgb in board.lights)


def _light_series(board, index):
    return [(o.t_ms / 1000, luminance(o.value[1:])) for o in board.outputs("light")
            if o.value[0] == index]


def _toggle_fast(profile: str, colour, seconds: float, pause: float = 0.0):
    board = VirtualBoard()

    async def go():
        link = Link(SimTransport(board=board))
        await link.connect()
        if profile:
            await link.command(Kind.PROFILE, _profile(profile))
        end = asyncio.get_running_loop().time() + seconds
        on = True
        n = 0
        while asyncio.get_running_loop().time() < end:  # forever: light on; light off
            await link.command(Kind.LIGHT, msg.light(0, *(colour if on else (0, 0, 0))))
            on = not on
            n += 1
            if pause:
                await asyncio.sleep(pause)
        await link.close()
        return n

    return board, run_now(go())


def run_now(coro):
    return asyncio.run(coro)


def _profile(name):
    from dojokit.robot.profiles import PROFILES

    return PROFILES[name].payload()


def test_toggling_a_light_as_fast_as_possible_gives_at_most_3_flashes_a_second():
    board, commands = _toggle_fast("standard", (255, 255, 255), 2.0)
    assert commands > 100  # the program really did hammer the light
    times = transitions(_light_series(board, 0))
    assert len(times) >= 6  # it still visibly changes: calm, bounded, not frozen
    assert max_flashes_per_window(times, 1.0) <= 3


def test_calm_profile_never_blinks():
    board, _ = _toggle_fast("calm", (0, 200, 255), 2.5)
    times = transitions(_light_series(board, 0))
    # changes start at least 1 s apart and each fades over 0.3 s: never a blink
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 2 and min(gaps) >= 0.7
    assert max_flashes_per_window(times, 1.0) <= 1


def test_saturated_red_never_blinks():
    board, _ = _toggle_fast("standard", (255, 0, 0), 4.5, pause=0.02)
    lit = [o for o in board.outputs("light") if o.value[0] == 0]
    first_red = next(o.t_ms for o in lit if o.value[1] > 0 and o.value[2:] == (0, 0))
    series = [(o.t_ms / 1000, luminance(o.value[1:])) for o in lit if o.t_ms >= first_red]
    times = transitions(series)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 2 and all(g >= 1.9 for g in gaps)
