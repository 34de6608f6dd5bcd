"""The simulated kit in a world: Scratch programs with robot blocks, the real firmware under
MicroPython, physics and sensors, all on one virtual clock (issue 4)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sb3build import FLAG, line_follower, project

from dojokit.link import Link, LinkError
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot
from dojokit.scratch.robot_bridge import RobotBridge
from dojokit.scratch.runtime import Runtime
from dojokit.sim import vloop
from dojokit.sim.world import load_world

ROOT = Path(__file__).resolve().parents[1]


async def _in_world(data: dict, world: str, seconds: float,
                    during: Any = None) -> tuple[Any, str]:
    loop = asyncio.get_running_loop()
    transport = SimTransport(label=f"sim:{world}", world=world)
    robot = Robot(Link(transport))
    await robot.link.connect()
    bridge = RobotBridge(robot)
    await bridge.start()
    rt = Runtime(data, robot=bridge, clock=lambda: loop.time() * 1000, virtual=True)
    rt.green_flag()
    side = [loop.create_task(during(transport, robot))] if during is not None else []
    try:
        how = await rt.run_async(seconds)
    except LinkError:
        how = "lost"  # the fail-safe test silences the host on purpose
    kit = transport.kit
    for task in side:
        await task
    with contextlib.suppress(LinkError):
        await bridge.stop()
    with contextlib.suppress(LinkError):
        await robot.close()
    return kit, how


def _drive(left: int, right: int) -> tuple[str, dict, dict]:
    return ("dojokit_drive", {"LEFT": [1, [4, str(left)]], "RIGHT": [1, [4, str(right)]]}, {})


def _wait(s: float) -> tuple[str, dict, dict]:
    return ("control_wait", {"DURATION": [1, [5, str(s)]]}, {})


def test_a_robot_driving_at_a_wall_stops_at_it():
    world = load_world("parking")
    kit, how = vloop.run(_in_world(project([FLAG, _drive(60, 60), _wait(20)]), "parking", 30))
    assert how == "done" and kit.touched
    # the robot ends pressed against the wall: its front within a few mm of it, never in it
    at_wall = [p for p in kit.poses if p["t"] > 18]  # calm: 60 % of 200 mm/s, ~1 m to go
    assert len({(p["x"], p["y"]) for p in at_wall}) == 1, "it does not move once at the wall"
    last = kit.poses[-1]
    front = last["x"] + kit.body.front_mm
    wall_x = min(x for poly in world.walls for x, _ in poly if x > world.start.x)
    assert wall_x - 5 <= front <= wall_x + 0.5
    assert all(p["x"] + kit.body.front_mm <= wall_x + 0.5 for p in kit.poses)


def test_a_line_follower_follows_the_track_to_the_finish():
    kit, how = vloop.run(_in_world(line_follower(), "line", 60))
    assert how == "timeout"  # it follows forever; the test looks at where it went
    reached = [p["t"] for p in kit.poses if "finish" in p["zones"]]
    assert reached and reached[0] < 50
    # on its way it stayed on the track: never far from the line before the finish
    world = kit.world
    before = [p for p in kit.poses if p["t"] < reached[0]]
    assert all(world.on_line(p["x"], p["y"]) or _near_line(world, p) for p in before)


def _near_line(world: Any, p: dict) -> bool:
    from dojokit.sim.world import distance_to_polyline

    return any(distance_to_polyline(p["x"], p["y"], line.points) < 40 for line in world.lines)


def _run_cli(tmp_path: Path, name: str, *args: str) -> tuple[int, bytes]:
    program = tmp_path / "follower.json"
    program.write_text(json.dumps(line_follower()))
    trace = tmp_path / name
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    r = subprocess.run([sys.executable, "-m", "dojokit", "run", str(program), "--trace",
                        str(trace), *args], capture_output=True, env=env, timeout=120)
    return r.returncode, trace.read_bytes()


def test_the_same_program_gives_a_byte_identical_trace(tmp_path):
    rc1, a = _run_cli(tmp_path, "a.json", "--kit", "sim:line", "--timeout", "20")
    rc2, b = _run_cli(tmp_path, "b.json", "--kit", "sim:line", "--timeout", "20")
    assert rc1 == rc2 == 124
    assert a == b
    events = json.loads(a)["events"]
    assert {"drive", "pose"} <= {e["kind"] for e in events}
    assert max(e["t"] for e in events) >= 19.9  # 20 s of robot time, in far less wall time


def test_the_fail_safe_stops_the_wheels_when_the_host_goes_quiet():
    seen: dict[str, Any] = {}

    async def vanish(transport: SimTransport, robot: Robot) -> None:
        await asyncio.sleep(3)  # driving by now (the calm profile announces, then ramps)
        seen["moving"] = transport.board.motors
        transport.guest.write = lambda data: None  # the host is gone: nothing arrives
        seen["gone_at"] = transport.kit.now_ms
        await asyncio.sleep(1.5)
        seen["after"] = transport.board.motors

    program = project([FLAG, _drive(50, 50), _wait(10)])
    kit, _ = vloop.run(_in_world(program, "empty", 6, vanish))
    assert seen["moving"] != (0, 0) and seen["after"] == (0, 0)
    stop = next(o for o in kit.board.log if o.what == "motors" and o.value == (0, 0)
                and o.t_ms >= seen["gone_at"])
    last_rx = max(o.t_ms for o in kit.board.log if o.what == "rx" and o.t_ms <= stop.t_ms)
    assert stop.t_ms - last_rx <= 500
    # and the body stops with the wheels
    after = [p for p in kit.poses if p["t"] * 1000 > stop.t_ms + 100]
    assert len({(p["x"], p["y"]) for p in after}) == 1


def test_the_window_draws_the_robot_where_the_trace_says(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from dojokit.sim.view import SimView

    lights = ("dojokit_setAllLights", {"COLOUR": [1, [9, "#00c850"]]}, {})
    kit, _ = vloop.run(_in_world(project([FLAG, lights, _drive(40, 40), _wait(2)]),
                                 "empty", 10))
    view = SimView(kit.world, kit.body)
    try:
        pose = kit.robot.pose
        last = kit.poses[-1]
        assert (round(pose.x, 1), round(pose.y, 1)) == (last["x"], last["y"])
        view.draw(pose, kit.board, "finished")
        import pygame

        surface = pygame.display.get_surface()
        table = surface.get_at(view.world_to_screen(100, 100))[:3]
        assert surface.get_at(view.world_to_screen(pose.x, pose.y))[:3] != table
        for (sx, sy), colour in zip(view.light_spots(pose, len(kit.board.lights)),
                                    kit.board.lights, strict=True):
            drawn = surface.get_at((round(sx), round(sy)))[:3]
            # the firmware already capped it (calm: 120); the view draws what the robot shows
            assert max(abs(a - b) for a, b in zip(drawn, colour, strict=True)) <= 12, \
                (drawn, colour)
            assert colour != (0, 0, 0)
    finally:
        view.close()
