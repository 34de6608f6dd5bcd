"""Speed of the simulator's physics and sensors (issue 4): robot-steps per second.

One robot, one step + one sense() per 20 ms of simulated time, in each shipped world, with
a small controller that uses the readings (so walls are hit and lines followed, as in
class): a line follower on line tracks, "turn away from near walls" elsewhere. Figures are
the best of a few runs on the real clock:

- steps/s: step() + sense() pairs per wall-clock second;
- x real time: robot-seconds simulated per wall-clock second (steps/s * 0.02);
- robots: how many robots that is at real time in one process (x real time, rounded down).

Targets: >= 100 x real time for one robot; >= 30 robots at real time. The exit status is
0 whatever the speed (this is a measurement).

    python bench/sim_physics.py [--seconds S] [--noise MM] [WORLD ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from dojokit.sim.board import Sensors  # noqa: E402
from dojokit.sim.physics import Body, SimRobot  # noqa: E402
from dojokit.sim.world import list_worlds, load_world  # noqa: E402

DT_S = 0.02


def drive(s: Sensors, k: int, lines: bool) -> tuple[int, int]:
    """Motor speeds for the next step, from the last readings."""
    if lines:  # follow the line; search by turning when it is lost
        return {
            (True, True): (60, 60),
            (True, False): (10, 60),
            (False, True): (60, 10),
            (False, False): (40, -40),
        }[(s.line_left, s.line_right)]
    if s.distance_mm is not None and s.distance_mm < 150:
        return (-60, 60) if (k // 100) % 2 else (60, -60)
    return (100, 100)


def run(world_name: str, seconds: float, noise: float) -> tuple[float, int, bool]:
    world = load_world(world_name)
    robot = SimRobot(world, Body.from_kit("sim"), seed=1, noise=noise)
    steps = round(seconds / DT_S)
    lines = bool(world.lines)
    touched = False
    s = robot.sense()
    t0 = time.perf_counter()
    for k in range(steps):
        robot.step(DT_S, *drive(s, k, lines))
        touched = touched or robot.touching
        s = robot.sense()
    return time.perf_counter() - t0, steps, touched


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("worlds", nargs="*", default=list_worlds())
    ap.add_argument("--seconds", type=float, default=120.0, help="simulated seconds per run")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--noise", type=float, default=0.0, help="ultrasonic jitter in mm")
    args = ap.parse_args()
    print(f"{'world':10} {'steps/s':>9} {'x real time':>12} {'robots':>7}  walls touched")
    worst = None
    for name in args.worlds:
        results = [run(name, args.seconds, args.noise) for _ in range(args.runs)]
        best, steps, touched = min(results)
        rate = steps / best
        ratio = rate * DT_S
        worst = ratio if worst is None else min(worst, ratio)
        print(f"{name:10} {rate:9.0f} {ratio:12.0f} {int(ratio):7d}  {touched}")
    if worst is not None:
        print(
            f"slowest world: {worst:.0f} x real time for one robot, "
            f"{int(worst)} robots at real time (targets 100 and 30)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
