"""A child's program does the same thing under every sensory profile, only more gently: the
calm profile caps the wheels' speed (it does not scale it) and announces a move before it
starts, and a timed move still gets its full time (issue 10).

Runs Scratch programs on the simulated kit (the real firmware, virtual time); positions come
from the simulated world's physics."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sb3build import FLAG, project, say

from dojokit.link import Link
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot
from dojokit.robot.profiles import PROFILES, SensoryProfile
from dojokit.scratch.robot_bridge import RobotBridge
from dojokit.scratch.runtime import Runtime
from dojokit.sim import vloop
from dojokit.themebox import load_box
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]

TICK_S = 0.02  # the simulated firmware's loop turn: the finest time a test can expect


def drive_for(left: int, right: int, seconds: float) -> tuple[str, dict, dict]:
    return ("dojokit_driveFor", {"LEFT": [1, [4, str(left)]], "RIGHT": [1, [4, str(right)]],
                                 "SECONDS": [1, [4, str(seconds)]]}, {})


def drive(left: int, right: int) -> tuple[str, dict, dict]:
    return ("dojokit_drive", {"LEFT": [1, [4, str(left)]], "RIGHT": [1, [4, str(right)]]}, {})


def wait(seconds: float) -> tuple[str, dict, dict]:
    return ("control_wait", {"DURATION": [1, [5, str(seconds)]]}, {})


@dataclass
class Run:
    """What one program did on the simulated kit; every time in seconds of the kit's clock."""

    poses: list[dict[str, Any]]
    motors: list[tuple[float, tuple[int, int]]]  # (t, (left, right)) as the wheels were set
    says: list[tuple[float, str]]
    states: list[tuple[float, str]] = field(default_factory=list)

    def distance(self) -> float:
        return math.dist((self.poses[0]["x"], self.poses[0]["y"]),
                         (self.poses[-1]["x"], self.poses[-1]["y"]))

    def wheels_start(self) -> float:
        return next(t for t, v in self.motors if v != (0, 0))

    def wheels_stop(self) -> float:
        return next(t for t, v in self.motors if v == (0, 0) and t > self.wheels_start())

    def top_speed(self) -> tuple[int, int]:
        return max((v for _, v in self.motors), key=lambda v: max(map(abs, v)))


async def _run(blocks: list, profile: str | SensoryProfile, seconds: float) -> Run:
    loop = asyncio.get_running_loop()
    transport = SimTransport(label="sim", world="empty")
    robot = Robot(Link(transport))
    await robot.link.connect()
    kit = transport.kit
    states: list[tuple[float, str]] = []
    robot.on_state(lambda s: states.append((loop.time() - kit.t0, s)))
    await robot.set_profile(profile)
    bridge = RobotBridge(robot)
    await bridge.start()
    says: list[tuple[float, str]] = []
    rt = Runtime(project(blocks), robot=bridge, clock=lambda: loop.time() * 1000,
                 virtual=True,
                 on_say=lambda target, kind, msg: says.append((loop.time() - kit.t0, msg)))
    await robot.show_state("running")
    rt.green_flag()
    how = await rt.run_async(seconds)
    assert how == "done"
    await asyncio.sleep(0.5)  # the world settles: a last pose after the stop
    with contextlib.suppress(Exception):
        await bridge.stop()
    await robot.close()
    motors = [(o.t_ms / 1000, o.value) for o in kit.board.outputs("motors")]
    return Run(kit.poses, motors, says, states)


def run(blocks: list, profile: str | SensoryProfile, seconds: float = 20) -> Run:
    return vloop.run(_run(blocks, profile, seconds))


ONE_SECOND = [FLAG, drive_for(50, 50, 1), say("done")]


@pytest.fixture(scope="module")
def one_second() -> dict[str, Run]:
    return {name: run(ONE_SECOND, name) for name in ("calm", "standard")}


def test_a_timed_drive_goes_as_far_under_calm_as_under_standard(one_second):
    calm, standard = one_second["calm"].distance(), one_second["standard"].distance()
    # speed 50 for 1 s is 50 % of full speed under both profiles, for the full second (the
    # same 250 ms ramp in both): about 100 mm less the ramp
    assert 85 < standard < 105
    # the ramp starts when the pause ends as it does from a command: the same path (the
    # poses are kept to 0.1 mm)
    assert calm == pytest.approx(standard, abs=0.5)


def test_the_calm_profile_announces_before_the_wheels_turn(one_second):
    calm, standard = one_second["calm"], one_second["standard"]
    # the wheels wait for the announce pause (0.6 s) under calm, not under standard
    assert calm.wheels_start() - standard.wheels_start() == pytest.approx(0.6, abs=TICK_S + 1e-6)
    # and turn for the full second once they start, under both
    for r in (calm, standard):
        assert r.wheels_stop() - r.wheels_start() == pytest.approx(1.0, abs=TICK_S + 1e-6)
    # the pause shows "moving soon" from the command until the wheels turn
    states = [s for _, s in calm.states]
    assert states == ["running", "moving_soon", "running"]
    soon = next(t for t, s in calm.states if s == "moving_soon")
    back = next(t for t, s in calm.states[1:] if s == "running")
    assert soon < calm.wheels_start() <= back + TICK_S
    assert back - soon == pytest.approx(0.6, abs=TICK_S + 1e-6)
    assert [s for _, s in standard.states] == ["running"]


def test_the_block_after_a_timed_drive_runs_once_the_robot_has_stopped(one_second):
    for r in one_second.values():
        ((said_at, text),) = r.says
        assert text == "done"
        assert said_at >= r.wheels_stop() - 1e-9
        assert said_at - r.wheels_stop() < 0.1  # and not long after


@pytest.mark.parametrize(("profile", "speed", "shown"), [
    ("calm", 50, 50),  # under the cap of 60: driven as asked
    ("calm", 100, 60),  # over it: the cap
    ("calm", -100, -60),  # backwards too
    ("standard", 50, 50),
    ("standard", 100, 100),
])
def test_the_cap_is_a_ceiling_not_a_scale(profile, speed, shown):
    r = run([FLAG, drive_for(speed, speed, 0.5)], profile)
    assert r.top_speed() == (shown, shown)


def test_a_curve_over_the_cap_keeps_its_shape():
    # the faster wheel is capped and the other slows by the same ratio: 100/50 -> 60/30;
    # a curve under the cap is driven as asked
    assert run([FLAG, drive_for(100, 50, 0.5)], "calm").top_speed() == (60, 30)
    assert run([FLAG, drive_for(-30, 60, 0.5)], "calm").top_speed() == (-30, 60)
    assert run([FLAG, drive_for(-100, 100, 0.5)], "calm").top_speed() == (-60, 60)


def test_a_timed_drive_right_after_another_pauses_again_and_keeps_its_time():
    # two moves in a row from standstill: each announced, each its full time
    r = run([FLAG, drive_for(40, 40, 0.5), drive_for(-40, -40, 0.5), say("done")], "calm")
    before = [(0, 0)] + [v for _, v in r.motors]
    starts = [t for (t, v), was in zip(r.motors, before, strict=False)
              if was == (0, 0) and v != (0, 0)]
    stops = [t for t, v in r.motors if v == (0, 0)]
    assert len(starts) == 2 and len(stops) >= 2
    assert [s for _, s in r.states].count("moving_soon") == 2
    assert stops[0] - starts[0] == pytest.approx(0.5, abs=TICK_S + 1e-6)
    assert stops[-1] - starts[1] == pytest.approx(0.5, abs=TICK_S + 1e-6)
    assert r.distance() < 5  # as far forward as back
    assert r.says[0][0] >= stops[-1] - 1e-9


def test_a_timed_drive_during_the_pause_waits_for_the_same_pause():
    # "drive" then at once "drive for 1 s": the wheels start once, after one pause, and the
    # timed drive still gets its full second
    r = run([FLAG, drive(50, 50), drive_for(50, 50, 1), say("done")], "calm")
    start = r.wheels_start()
    assert r.wheels_stop() - start == pytest.approx(1.0, abs=TICK_S + 1e-6)
    assert r.says[0][0] >= r.wheels_stop() - 1e-9
    assert [s for _, s in r.states].count("moving_soon") == 1


def test_a_profile_without_announce_but_a_low_cap_only_caps():
    slow = SensoryProfile("slow", 120, 1000, 300, 30, False, False, 0)
    r = run([FLAG, drive_for(80, 80, 1), say("done")], slow)
    assert r.top_speed() == (30, 30)
    standard = run([FLAG, drive_for(30, 30, 1), say("done")], "standard")
    assert r.distance() == pytest.approx(standard.distance(), abs=1.5)
    assert r.wheels_start() == pytest.approx(standard.wheels_start(), abs=TICK_S + 1e-6)


def test_the_host_waits_for_the_same_pause_as_the_firmware():
    import re

    from dojokit.robot.robot import ANNOUNCE_S

    guard = (ROOT / "firmware" / "dk_guard.py").read_text(encoding="utf-8")
    ms = re.search(r"^_ANNOUNCE_MS = const\((\d+)\)", guard, re.M)
    assert ms and int(ms.group(1)) == round(ANNOUNCE_S * 1000)


def test_the_profiles_keep_their_caps():
    assert PROFILES["calm"].motor_cap == 60 and PROFILES["calm"].announce
    assert PROFILES["standard"].motor_cap == 100 and not PROFILES["standard"].announce



def _path_mm(trace: dict[str, Any]) -> float:
    poses = [e for e in trace["events"] if e["kind"] == "pose"]
    return sum(math.dist((p["x"], p["y"]), (q["x"], q["y"])) for p, q in pairwise(poses))


def test_the_dance_box_made_for_standard_dances_the_same_under_calm():
    # robot_dance is timed moves at speed 50: under calm each move starts later but keeps its
    # time and its speed, so every model solution still finishes, along the same path
    box = load_box(ROOT / "themeboxes" / "robot_dance")
    calm = dataclasses.replace(box, profile="calm")
    assert box.profile == "standard"
    for ex in box.exercises:
        for sol in ex.solutions:
            verdict, trace = grade(calm, ex, sol)
            assert verdict.finished, (ex.id, sol, verdict.feedback("en"))
            _, standard = grade(box, ex, sol)
            assert _path_mm(trace) == pytest.approx(_path_mm(standard), rel=0.005, abs=1)
