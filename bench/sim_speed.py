"""Simulated kit speed (issue 4).

1. Virtual time: a line follower (a Scratch project, robot blocks) on the `line` world for
   60 s of robot time on a virtual clock: wall time of the run (after start-up), and robot
   seconds per wall second. Targets: <= 1 s of wall time beyond start-up, >= 100x.
2. Scale: N simulated robots in one process, each a full kit (firmware under MicroPython,
   link, robot, world) running the same follower, paced to the wall clock for 10 s: the
   most robots for which the simulation keeps up with real time. Target: 30.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))
sys.path.insert(0, str(ROOT / "tests"))

from sb3build import line_follower  # noqa: E402

from dojokit.link import Link  # noqa: E402
from dojokit.link.sim_transport import SimTransport  # noqa: E402
from dojokit.robot import Robot  # noqa: E402
from dojokit.scratch.robot_bridge import RobotBridge  # noqa: E402
from dojokit.scratch.runtime import Runtime  # noqa: E402
from dojokit.sim import vloop  # noqa: E402

ROBOT_SECONDS = 60.0


async def robots(n: int, seconds: float) -> tuple[float, float, list[float]]:
    """Start n robots with the follower; returns (start-up s, run wall s, finish times)."""
    loop = asyncio.get_running_loop()
    w0 = time.perf_counter()
    kits = []
    for i in range(n):
        transport = SimTransport(label=f"sim:line#{i}", world="line", name=(0, i + 1, "bench"))
        robot = Robot(Link(transport))
        await robot.link.connect()
        bridge = RobotBridge(robot)
        await bridge.start()
        rt = Runtime(line_follower(), robot=bridge, clock=lambda: loop.time() * 1000,
                     virtual=True)
        kits.append((robot, bridge, rt, transport))
    startup = time.perf_counter() - w0
    gc.freeze()  # as dojokit run does: start-up's objects out of the collector's way
    w1 = time.perf_counter()
    for _, _, rt, _ in kits:
        rt.green_flag()
    await asyncio.gather(*(rt.run_async(seconds) for _, _, rt, _ in kits))
    wall = time.perf_counter() - w1
    gc.unfreeze()
    finish = []
    for robot, bridge, _, transport in kits:
        poses = transport.kit.poses
        t = next((p["t"] for p in poses if "finish" in p["zones"]), None)
        finish.append(t if t is not None else float("nan"))
        await bridge.stop()
        await robot.close()
    return startup, wall, finish


def virtual_speed(runs: int = 5) -> None:
    # the machine's noise is large next to one run: five, reporting the median and best
    results = [vloop.run(robots(1, ROBOT_SECONDS)) for _ in range(runs)]
    walls = sorted(r[1] for r in results)
    startup = statistics.median(r[0] for r in results)
    wall = statistics.median(walls)
    print(f"virtual time: {ROBOT_SECONDS:.0f} s of robot time (line follower, world 'line'), "
          f"{runs} runs")
    print(f"  start-up (firmware boot, handshake): {startup:.2f} s")
    print(f"  run: median {wall:.2f} s, best {walls[0]:.2f} s of wall time "
          "(target <= 1 s beyond start-up)")
    print(f"  speed: median {ROBOT_SECONDS / wall:.0f}, best {ROBOT_SECONDS / walls[0]:.0f} "
          "robot seconds per wall second (target >= 100)")
    print(f"  runs (s): {' '.join(f'{w:.2f}' for w in walls)}")
    print(f"  reached the finish after {results[0][2][0]:.1f} s of robot time "
          f"(the same in every run: {len({r[2][0] for r in results}) == 1})")


def scale() -> None:
    print("scale: robots in one process, paced to the wall clock, 10 s each run")
    best = 0
    for n in (10, 20, 30, 40):
        _, wall, _finish = vloop.run(robots(n, 10.0), realtime=True)
        keeps_up = wall <= 10.0 * 1.05
        print(f"  {n:3d} robots: 10 s of robot time took {wall:5.2f} s of wall time "
              f"({'keeps up' if keeps_up else 'falls behind'}; ratio {wall / 10:.2f})")
        if not keeps_up:
            break
        best = n
    print(f"  most robots at real time: {best} (target 30: ratio {best / 30:.2f})")


if __name__ == "__main__":
    virtual_speed()
    if "--no-scale" not in sys.argv:
        scale()
