"""The simulated robot's body: two-wheel drive, walls that stop it, and its sensors.

Pure Python and deterministic: the same world, body, seed and inputs give the same poses
and readings on every run (no clock, no global random). Conventions as in world.py: mm,
degrees, x forward and y to the left on the body, heading 0 = +x, counter-clockwise.

Motion: each wheel runs at pct/100 * max_speed_mm_s; the body follows the exact arc of a
differential drive. A step is cut into sub-steps so that no point of the outline moves
more than SUBSTEP_FRACTION of the body's smallest side, which is what makes tunnelling
through a wall impossible at any speed and step size. When a sub-step would overlap a wall
or leave the table, the robot keeps the furthest pose along that sub-step that does not
(found by bisection), the rest of the step is dropped (no sliding along the wall) and
`touching` is True for that step.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dojokit.i18n import t
from dojokit.kits.build import BODY_KEYS, kit_path, parse_kit
from dojokit.sim.board import Sensors
from dojokit.sim.world import Point, Pose, World, WorldError

__all__ = ["Body", "SimRobot"]

SUBSTEP_FRACTION = 0.25  # of the body's smallest side, the most any outline point moves
CONTACT_MM = 0.01  # the robot stops within this of a wall (bisection tolerance)
SONAR_MIN_MM = 20  # HC-SR04: nearer than this still reads 20 mm
SONAR_MAX_MM = 4000  # HC-SR04: farther than this gives no echo
SONAR_CONE_DEG = 15.0  # the beam's full width
SONAR_RAYS = 5
LINE_FLICKER = 0.01  # with noise on: the chance a line sensor reads wrong, per reading

_SIZES = ("length_mm", "width_mm", "wheel_base_mm", "wheel_diameter_mm", "max_speed_mm_s")


@dataclass(frozen=True)
class Body:
    """A robot's shape and drive, from a kit profile (firmware/kits/README.md)."""

    length_mm: float
    width_mm: float
    front_mm: float  # from the axle to the front edge
    wheel_base_mm: float
    wheel_diameter_mm: float
    max_speed_mm_s: float  # at motor speed 100
    line_left_mm: Point
    line_right_mm: Point
    sonar_mm: Point
    kit: str = ""

    @property
    def rear_mm(self) -> float:
        """x of the back edge (negative: behind the axle)."""
        return self.front_mm - self.length_mm

    @classmethod
    def from_kit(cls, kit: str | os.PathLike[str] | Mapping[str, Sequence[str]]) -> Body:
        """A kit by name ("sim") or path, or a profile already parsed by parse_kit()."""
        if isinstance(kit, Mapping):
            return cls.from_parsed(kit)
        parsed = parse_kit(kit_path(kit).read_text(encoding="utf-8"))
        return cls.from_parsed(parsed, name=str(kit))

    @classmethod
    def from_parsed(cls, parsed: Mapping[str, Sequence[str]], name: str = "") -> Body:
        name = name or " ".join(parsed.get("name", ())) or "?"
        values: dict[str, float | Point] = {}
        for key, count in BODY_KEYS.items():
            if key not in parsed:
                raise ValueError(t("world.body_missing", kit=name, word=key))
            words = parsed[key]
            try:
                nums = [float(w) for w in words]
            except ValueError:
                nums = []
            if (
                len(nums) != count
                or not all(map(math.isfinite, nums))
                or (key in _SIZES and nums[0] <= 0)
            ):
                raise ValueError(
                    t("world.body_bad", kit=name, word=key, value=" ".join(words), count=count)
                )
            values[key] = nums[0] if count == 1 else (nums[0], nums[1])
        return cls(**values, kit=name)  # type: ignore[arg-type]


class SimRobot:
    """One robot in a world: `step()` moves it, `sense()` reads its sensors."""

    def __init__(self, world: World, body: Body, seed: int = 0, noise: float = 0.0) -> None:
        self.world = world
        self.body = body
        self.noise = float(noise)  # ultrasonic jitter (standard deviation, mm); > 0 also flickers
        self._rng = random.Random(seed)
        self.touching = False  # the last step ended against a wall or the table's edge
        b = body
        hw = b.width_mm / 2
        # outline corners on the body, counter-clockwise from the front left
        self._corners = ((b.front_mm, hw), (b.rear_mm, hw), (b.rear_mm, -hw), (b.front_mm, -hw))
        self._reach = max(math.hypot(x, y) for x, y in self._corners)  # farthest point
        self._max_move = SUBSTEP_FRACTION * min(b.length_mm, b.width_mm)
        self._mid = (b.front_mm + b.rear_mm) / 2  # the outline's centre, on the x axis
        half = math.radians(SONAR_CONE_DEG / 2)
        self._tan_half = math.tan(half)
        self._ray_offsets = tuple(
            (math.cos(a), math.sin(a))
            for a in (half * (2 * i / (SONAR_RAYS - 1) - 1) for i in range(SONAR_RAYS))
        )
        self.x, self.y, self.theta = 0.0, 0.0, 0.0  # mm, mm, radians
        self.pose = world.start
        if self._blocked(self.x, self.y, self.theta):
            raise WorldError(
                t(
                    "world.robot_stuck",
                    kit=b.kit,
                    world=world.name,
                    path=world.path or "-",
                    x=self.x,
                    y=self.y,
                )
            )

    @property
    def pose(self) -> Pose:
        heading = math.degrees(self.theta) % 360.0
        return Pose(self.x, self.y, 0.0 if heading >= 360.0 else heading)  # -1e-17 % 360

    @pose.setter
    def pose(self, p: Pose) -> None:
        """Place the robot (no wall check: a robot placed into a wall cannot move)."""
        self.x, self.y, self.theta = float(p.x), float(p.y), math.radians(p.heading)

    def footprint(self) -> list[Point]:
        """The outline's corners on the table, counter-clockwise from the front left."""
        return self._quad(self.x, self.y, self.theta)

    def _quad(self, x: float, y: float, th: float) -> list[Point]:
        c, s = math.cos(th), math.sin(th)
        return [(x + fx * c - fy * s, y + fx * s + fy * c) for fx, fy in self._corners]

    def _blocked(self, x: float, y: float, th: float) -> bool:
        # the outline lies within `_reach` of (x, y): far from every wall and edge, nothing
        # more to look at (most of a run), else the exact test
        if self.world.clear_around(x, y, self._reach):
            return False
        b = self.body
        return self.world.rect_blocked(x, y, th, b.rear_mm, b.front_mm, b.width_mm / 2)

    def step(self, dt_s: float, left_pct: float, right_pct: float) -> None:
        """Drive for dt_s seconds with the wheels at left_pct and right_pct (-100..100)."""
        self.touching = False
        if not dt_s > 0:
            return
        top = self.body.max_speed_mm_s / 100
        vl = max(-100.0, min(100.0, float(left_pct))) * top
        vr = max(-100.0, min(100.0, float(right_pct))) * top
        v = (vl + vr) / 2
        w = (vr - vl) / self.body.wheel_base_mm  # rad/s, left turn positive
        travel = (abs(v) + abs(w) * self._reach) * dt_s  # bound on any outline point's path
        if travel == 0:
            return
        n = max(1, math.ceil(travel / self._max_move))
        h = dt_s / n
        bisect = max(1, math.ceil(math.log2(travel / n / CONTACT_MM)))
        x, y, th = self.x, self.y, self.theta
        for _ in range(n):
            nx, ny, nth = _arc(x, y, th, v, w, h)
            if self._blocked(nx, ny, nth):
                lo, hi = 0.0, 1.0
                tiny = min(1.0, CONTACT_MM * n / travel)
                if self._blocked(*_arc(x, y, th, v, w, h * tiny)):
                    bisect = 0  # already pressed against it (a robot pushing a wall)
                for _ in range(bisect):
                    mid = (lo + hi) / 2
                    if self._blocked(*_arc(x, y, th, v, w, h * mid)):
                        hi = mid
                    else:
                        lo = mid
                if lo > 0:
                    x, y, th = _arc(x, y, th, v, w, h * lo)
                self.touching = True
                break
            x, y, th = nx, ny, nth
        self.x, self.y, self.theta = x, y, math.remainder(th, math.tau)  # stays precise

    def sense(self) -> Sensors:
        """What the sensors read at this pose (with the seeded noise, if any)."""
        left, right = self._line()
        dist = self._sonar()
        if self.noise > 0:
            rng = self._rng  # always three draws, so the stream never depends on the readings
            jitter = rng.gauss(0.0, self.noise)
            left ^= rng.random() < LINE_FLICKER
            right ^= rng.random() < LINE_FLICKER
            if dist is not None:
                dist += jitter
        return Sensors(
            distance_mm=_reading(dist),
            line_left=left,
            line_right=right,
            light=self.world.light,
            tilt_x=0,
            tilt_y=0,
        )

    def sensors(self) -> Sensors:
        """The sensors at this pose, each read only when first asked for (a program that
        reads the line sensors never pays for the ultrasonic cone); with noise, all at once,
        so the random stream stays the same."""
        return self.sense() if self.noise > 0 else _LazySensors(self)

    def _sonar(self) -> float | None:
        b = self.body
        c, s = math.cos(self.theta), math.sin(self.theta)
        sx, sy = b.sonar_mm
        ox, oy = self.x + sx * c - sy * s, self.y + sx * s + sy * c
        rays = [(c * rc - s * rs, s * rc + c * rs) for rc, rs in self._ray_offsets]
        return self.world.cone_hit(ox, oy, rays, (c, s), self._tan_half, SONAR_MAX_MM)

    def _line(self) -> tuple[bool, bool]:
        b, on_line = self.body, self.world.on_line
        c, s = math.cos(self.theta), math.sin(self.theta)
        lx, ly = b.line_left_mm
        rx, ry = b.line_right_mm
        return (on_line(self.x + lx * c - ly * s, self.y + lx * s + ly * c),
                on_line(self.x + rx * c - ry * s, self.y + rx * s + ry * c))

    def zones(self) -> list[str]:
        """Names of the zones that hold the middle of the robot's outline."""
        return self.world.zones_at(
            self.x + self._mid * math.cos(self.theta), self.y + self._mid * math.sin(self.theta)
        )


def _reading(dist: float | None) -> int | None:
    if dist is not None and dist <= SONAR_MAX_MM:
        return max(SONAR_MIN_MM, round(dist))
    return None


class _LazySensors(Sensors):
    """Sensors read from a robot's pose on first access (noise-free only)."""

    def __init__(self, robot: SimRobot) -> None:  # not the dataclass's: nothing read yet
        self._robot = robot
        self._dist: tuple[int | None] | None = None
        self._lines: tuple[bool, bool] | None = None
        self.light = robot.world.light
        self.tilt_x = self.tilt_y = 0

    @property  # type: ignore[override]
    def distance_mm(self) -> int | None:
        if self._dist is None:
            self._dist = (_reading(self._robot._sonar()),)
        return self._dist[0]

    @property  # type: ignore[override]
    def line_left(self) -> bool:
        if self._lines is None:
            self._lines = self._robot._line()
        return self._lines[0]

    @property  # type: ignore[override]
    def line_right(self) -> bool:
        if self._lines is None:
            self._lines = self._robot._line()
        return self._lines[1]


def _arc(x: float, y: float, th: float, v: float, w: float, h: float) -> tuple[float, ...]:
    # exact pose after h seconds at speed v (mm/s) and turn rate w (rad/s)
    if abs(w) < 1e-12:
        return x + v * h * math.cos(th), y + v * h * math.sin(th), th
    nth = th + w * h
    r = v / w
    return x + r * (math.sin(nth) - math.sin(th)), y - r * (math.cos(nth) - math.cos(th)), nth
