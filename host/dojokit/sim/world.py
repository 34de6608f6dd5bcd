"""The simulator's worlds: a table seen from above, with walls, lines and zones.

A world is a JSON file (format: docs/worlds.md); the shipped ones are in `worlds/` beside
this module. Units are mm and degrees; x runs to the right, y up (away from the viewer),
heading 0 is +x and grows counter-clockwise. A world is read once and then only looked
at: the physics of many robots shares one World and its search indexes.

Loading never trusts the file: every problem raises WorldError with one sentence that
names the file, the line where it can be known, and what is wrong.
"""

from __future__ import annotations

import bisect
import itertools
import json
import json.decoder
import json.scanner
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from dojokit.i18n import catalog, language, t

__all__ = [
    "FORMAT",
    "WORLDS_DIR",
    "Line",
    "Pose",
    "World",
    "WorldError",
    "Zone",
    "distance_to_polyline",
    "list_worlds",
    "load_world",
    "point_in_polygon",
    "ray_segment",
    "segments_intersect",
    "zone_label",
]

WORLDS_DIR = Path(__file__).parent / "worlds"
FORMAT = 1  # the world file format this code reads
LANGS = ("nl", "fr", "en")
GRID_MM = 32.0  # cell size of the line index: a sensor looks at one cell's few segments
MAX_MM = 1_000_000  # no number in a world file is larger (a kilometre)
MAX_LINE_MM = 1000  # the widest line

Point = tuple[float, float]
Polygon = tuple[Point, ...]


class WorldError(ValueError):
    """A world that cannot be used; str() is one sentence for a person."""


@dataclass
class Pose:
    x: float  # mm
    y: float  # mm
    heading: float  # degrees, 0 = +x, counter-clockwise


@dataclass(frozen=True)
class Line:
    """A dark line painted on the table.

    `points` is always the polyline as painted: a closed line ends with its first point
    again, so a consumer can draw or measure it as a plain polyline."""

    points: tuple[Point, ...]
    width: float  # mm
    closed: bool = False


@dataclass(frozen=True)
class Zone:
    name: str  # "parking", "finish", ...: what checks and the view refer to
    polygon: Polygon


def zone_label(name: str, lang: str | None = None) -> str:
    """What the window writes on a zone: catalog `world.zone.<name>` in `lang` (default:
    the current language); a zone the catalog does not know shows its own name."""
    key = f"world.zone.{name}"
    return catalog(lang or language()).get(key) or catalog("en").get(key) or name


# -- geometry ------------------------------------------------------------------------------


def point_in_polygon(x: float, y: float, poly: Sequence[Point]) -> bool:
    """Even-odd rule: True inside a (possibly concave) polygon."""
    inside = False
    x0, y0 = poly[-1]
    for x1, y1 in poly:
        if (y1 > y) != (y0 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
        x0, y0 = x1, y1
    return inside


def _orient(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> float:
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def segments_intersect(a: Point, b: Point, c: Point, d: Point) -> bool:
    """True if segment ab meets segment cd (touching counts)."""
    d1 = _orient(*c, *d, *a)
    d2 = _orient(*c, *d, *b)
    d3 = _orient(*a, *b, *c)
    d4 = _orient(*a, *b, *d)
    if ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and (
        (d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)
    ):
        return True

    def on(p: Point, q: Point, r: Point) -> bool:  # r on segment pq, given collinear
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(
            p[1], q[1]
        )

    return (
        (d1 == 0 and on(c, d, a))
        or (d2 == 0 and on(c, d, b))
        or (d3 == 0 and on(a, b, c))
        or (d4 == 0 and on(a, b, d))
    )


def ray_segment(ox: float, oy: float, dx: float, dy: float, a: Point, b: Point) -> float | None:
    """Distance along the unit ray (ox, oy) + t (dx, dy) to segment ab, or None if it misses."""
    ex, ey = b[0] - a[0], b[1] - a[1]
    den = dx * ey - dy * ex
    if den == 0:  # parallel: a grazing ray sees the segment's ends through its neighbours
        return None
    wx, wy = a[0] - ox, a[1] - oy
    tt = (wx * ey - wy * ex) / den
    u = (wx * dy - wy * dx) / den
    return tt if tt >= 0 and 0 <= u <= 1 else None


def _point_segment2(x: float, y: float, ax: float, ay: float, bx: float, by: float) -> float:
    ex, ey = bx - ax, by - ay
    n = ex * ex + ey * ey
    f = 0.0 if n == 0 else max(0.0, min(1.0, ((x - ax) * ex + (y - ay) * ey) / n))
    px, py = ax + f * ex - x, ay + f * ey - y
    return px * px + py * py


def distance_to_polyline(
    x: float, y: float, points: Sequence[Point], closed: bool = False
) -> float:
    """Shortest distance (mm) from a point to a polyline (joined back if `closed`)."""
    pts = [*points, points[0]] if closed and len(points) > 1 else list(points)
    if len(pts) == 1:
        return math.hypot(pts[0][0] - x, pts[0][1] - y)
    best = min(
        _point_segment2(x, y, ax, ay, bx, by) for (ax, ay), (bx, by) in itertools.pairwise(pts)
    )
    return math.sqrt(best)


# -- the world ---------------------------------------------------------------------------


def _area2(poly: Sequence[Point]) -> float:
    # twice the signed area: positive when the points run counter-clockwise
    return sum(
        ax * by - bx * ay for (ax, ay), (bx, by) in zip(poly, [*poly[1:], poly[0]], strict=True)
    )


def _is_convex(poly: Sequence[Point]) -> bool:
    n = len(poly)
    turns = [_orient(*poly[i - 1], *poly[i], *poly[(i + 1) % n]) for i in range(n)]
    return all(x >= 0 for x in turns) or all(x <= 0 for x in turns)


@dataclass(frozen=True)
class _Solid:
    """A wall prepared for fast tests: bounding box and circle, edges facing out, and for a
    convex wall its separating axes."""

    minx: float
    miny: float
    maxx: float
    maxy: float
    cx: float
    cy: float
    r: float
    points: Polygon
    # (px, py, ex, ey, mx, my, half): p to p + e, counter-clockwise (so the outside is on
    # the right), with the edge's middle and half length for culling
    edges: tuple[tuple[float, float, float, float, float, float, float], ...]
    # convex walls: (ax, ay, lo, hi) for each slanted edge normal, the wall's extent along it
    axes: tuple[tuple[float, float, float, float], ...] | None

    @classmethod
    def of(cls, poly: Sequence[Point], inside_out: bool = False) -> _Solid:
        pts = tuple(poly)
        if (_area2(pts) < 0) != inside_out:  # inside_out: the solid is all but the polygon
            pts = pts[::-1]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
        r = max(math.hypot(px - cx, py - cy) for px, py in pts)
        edges = []
        axes: list[tuple[float, float, float, float]] | None = (
            [] if _is_convex(pts) and not inside_out else None
        )
        for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1], strict=True):
            ex, ey = bx - ax, by - ay
            n = math.hypot(ex, ey)
            if n == 0:
                continue
            edges.append((ax, ay, ex, ey, ax + ex / 2, ay + ey / 2, n / 2))
            # the bounding box already tests the x and y axes; parallel edges share an axis
            ux, uy = ey / n, -ex / n
            if (
                axes is not None
                and ux
                and uy
                and not any(abs(ux * a[1] - uy * a[0]) < 1e-12 for a in axes)
            ):
                proj = [px * ux + py * uy for px, py in pts]
                axes.append((ux, uy, min(proj), max(proj)))
        return cls(
            min(xs),
            min(ys),
            max(xs),
            max(ys),
            cx,
            cy,
            r,
            pts,
            tuple(edges),
            None if axes is None else tuple(axes),
        )


@dataclass(frozen=True)
class World:
    """A table: size, walls (polygons), dark lines, named zones, light, the robot's start.

    Treat it as read-only: robots built on it cache search indexes."""

    name: str
    width: float  # mm, along x
    height: float  # mm, along y
    walls: tuple[Polygon, ...]
    lines: tuple[Line, ...]
    zones: tuple[Zone, ...]
    light: int  # 0-254, what the light sensor reads everywhere
    start: Pose
    titles: dict[str, str]  # nl, fr, en
    fenced: bool = False  # True: the table's edge is a wall the ultrasonic also sees
    path: Path | None = None  # the file it came from

    def title(self, lang: str | None = None) -> str:
        return self.titles.get(lang or language()) or self.titles.get("en") or self.name

    # indexes, built on first use and shared by every robot in this world
    @cached_property
    def solids(self) -> tuple[_Solid, ...]:
        return tuple(_Solid.of(w) for w in self.walls)

    @cached_property
    def echoes(self) -> tuple[_Solid, ...]:
        """What the ultrasonic can hear: the walls, and the table's edge when fenced."""
        if not self.fenced:
            return self.solids
        w, h = self.width, self.height
        return (*self.solids, _Solid.of(((0, 0), (w, 0), (w, h), (0, h)), inside_out=True))

    @cached_property
    def _line_grid(self) -> dict[tuple[int, int], list[tuple[float, ...]]]:
        # segment (ax, ay, ex, ey, 1/|e|^2, (width/2)^2) in every cell it can reach
        grid: dict[tuple[int, int], list[tuple[float, ...]]] = {}
        for line in self.lines:
            half = line.width / 2
            for (ax, ay), (bx, by) in itertools.pairwise(line.points):
                ex, ey = bx - ax, by - ay
                n = ex * ex + ey * ey
                seg = (ax, ay, ex, ey, 1 / n if n else 0.0, half * half)
                # cut into cell-sized pieces so a long slanted segment fills a band of
                # cells, not its whole bounding box
                m = max(1, math.ceil(math.sqrt(n) / GRID_MM))
                cells: set[tuple[int, int]] = set()
                for k in range(m):
                    x0, x1 = sorted((ax + ex * k / m, ax + ex * (k + 1) / m))
                    y0, y1 = sorted((ay + ey * k / m, ay + ey * (k + 1) / m))
                    cells.update(
                        (i, j)
                        for i in range(_cell(x0 - half), _cell(x1 + half) + 1)
                        for j in range(_cell(y0 - half), _cell(y1 + half) + 1)
                    )
                for cell in cells:
                    grid.setdefault(cell, []).append(seg)
        return grid

    # queries
    def on_line(self, x: float, y: float) -> bool:
        """True if (x, y) is on a dark line (within half its width of the middle)."""
        segs = self._line_grid.get((_cell(x), _cell(y)))
        if not segs:
            return False
        for ax, ay, ex, ey, inv, r2 in segs:
            wx, wy = x - ax, y - ay
            f = (wx * ex + wy * ey) * inv
            if f < 0:
                f = 0.0
            elif f > 1:
                f = 1.0
            px, py = wx - f * ex, wy - f * ey
            if px * px + py * py <= r2:
                return True
        return False

    def in_wall(self, x: float, y: float) -> bool:
        return any(
            s.minx <= x <= s.maxx and s.miny <= y <= s.maxy and point_in_polygon(x, y, s.points)
            for s in self.solids
        )

    def zones_at(self, x: float, y: float) -> list[str]:
        return [z.name for z in self.zones if point_in_polygon(x, y, z.polygon)]

    def blocked(self, quad: Sequence[Point]) -> bool:
        """True if a convex counter-clockwise quadrilateral (a robot's outline) overlaps a
        wall or reaches past the table's edge."""
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
        if minx < 0 or miny < 0 or maxx > self.width or maxy > self.height:
            return True
        for s in self.solids:
            if s.maxx < minx or s.minx > maxx or s.maxy < miny or s.miny > maxy:
                continue
            if _quad_hits(quad, s):
                return True
        return False

    def clear_around(self, x: float, y: float, r: float) -> bool:
        """True if the circle of radius r around (x, y) lies on the table and outside every
        wall's bounding box: nothing inside it can block (a quick test before the exact one)."""
        if x - r < 0 or y - r < 0 or x + r > self.width or y + r > self.height:
            return False
        for sol in self.solids:
            if not (sol.maxx < x - r or sol.minx > x + r or sol.maxy < y - r or sol.miny > y + r):
                return False
        return True

    def rect_blocked(
        self, x: float, y: float, th: float, rear: float, front: float, hw: float
    ) -> bool:
        """blocked() for a robot's outline: the rectangle from `rear` to `front` along
        heading `th` (radians) and `hw` to either side, around the point (x, y)."""
        c, s = math.cos(th), math.sin(th)
        fc, fs, rc, rs, hc, hs = front * c, front * s, rear * c, rear * s, hw * c, hw * s
        quad = (
            (x + fc - hs, y + fs + hc),
            (x + rc - hs, y + rs + hc),
            (x + rc + hs, y + rs - hc),
            (x + fc + hs, y + fs - hc),
        )
        ahs, ahc = abs(hs), abs(hc)
        minx, maxx = x + min(fc, rc) - ahs, x + max(fc, rc) + ahs
        miny, maxy = y + min(fs, rs) - ahc, y + max(fs, rs) + ahc
        if minx < 0 or miny < 0 or maxx > self.width or maxy > self.height:
            return True
        u0, v0 = x * c + y * s, y * c - x * s
        for sol in self.solids:
            if sol.maxx < minx or sol.minx > maxx or sol.maxy < miny or sol.miny > maxy:
                continue
            if sol.axes is None:
                if _quad_hits(quad, sol):
                    return True
                continue
            # separating axes: the robot's two, then the wall's edge normals
            pu = [px * c + py * s for px, py in sol.points]
            if max(pu) < u0 + rear or min(pu) > u0 + front:
                continue
            pv = [py * c - px * s for px, py in sol.points]
            if max(pv) < v0 - hw or min(pv) > v0 + hw:
                continue
            for ux, uy, lo, hi in sol.axes:
                q = [qx * ux + qy * uy for qx, qy in quad]
                if max(q) < lo or min(q) > hi:
                    break
            else:
                return True
        return False

    def cone_hit(
        self,
        ox: float,
        oy: float,
        rays: Sequence[Point],
        axis: Point,
        tan_half: float,
        max_mm: float,
    ) -> float | None:
        """Nearest echo (mm from (ox, oy)) along any of the unit `rays`, which lie within a
        cone around unit `axis` of half-angle atan(tan_half); None if nothing within max_mm.

        Only edges that face the sensor are looked at (the first thing a ray meets from
        outside a wall), after culling walls and edges that lie beside, behind or beyond
        the cone."""
        ac, as_ = axis
        limit = best = max_mm * (1 + 1e-9) + 1e-9  # a hit exactly at max_mm still counts

        def beside(dx: float, dy: float, r: float) -> bool:
            along = dx * ac + dy * as_
            return (
                along < -r
                or dx * dx + dy * dy > (best + r) ** 2
                or abs(dx * as_ - dy * ac) > r + (along + r) * tan_half
            )

        for sol in self.echoes:
            if beside(sol.cx - ox, sol.cy - oy, sol.r):
                continue
            for px, py, ex, ey, mx, my, half in sol.edges:
                wx, wy = px - ox, py - oy
                we = wx * ey - wy * ex
                if we >= 0 or beside(mx - ox, my - oy, half):
                    continue  # the edge faces away, or the cone misses it
                for c, sn in rays:
                    den = c * ey - sn * ex
                    if den >= 0:
                        continue
                    tt = we / den
                    if tt >= best:
                        continue
                    u = (wx * sn - wy * c) / den
                    if 0 <= u <= 1:
                        best = tt
        return best if best < limit else None

    def ray_cast(
        self, x: float, y: float, heading: float, max_mm: float = math.inf
    ) -> float | None:
        """Distance from (x, y) along `heading` (degrees) to the first wall (and the edge
        when fenced), or None if there is none within max_mm."""
        a = math.radians(heading)
        d = (math.cos(a), math.sin(a))
        return self.cone_hit(x, y, (d,), d, 0.0, max_mm)


def _cell(v: float) -> int:
    return math.floor(v / GRID_MM)


def _quad_hits(quad: Sequence[Point], s: _Solid) -> bool:
    # overlap of a convex quad with any polygon: a corner inside the other, or edges crossing
    for x, y in quad:
        if point_in_polygon(x, y, s.points):
            return True
    edges = list(zip(quad, [*quad[1:], quad[0]], strict=True))
    for px, py in s.points:
        if all(_orient(*a, *b, px, py) >= 0 for a, b in edges):
            return True
    for a, b in edges:
        for px, py, ex, ey, *_ in s.edges:
            if segments_intersect(a, b, (px, py), (px + ex, py + ey)):
                return True
    return False


# -- reading world files -------------------------------------------------------------------


class _Obj(dict[str, Any]):
    line = 0  # where it starts
    end = 0  # index just past it in the text
    key_lines: dict[str, int]


class _Arr(list[Any]):
    line = 0
    end = 0


# the pure-Python scanner and its two hooks are not in the typeshed stubs
_JSONObject: Any = getattr(json.decoder, "JSONObject")  # noqa: B009
_JSONArray: Any = getattr(json.decoder, "JSONArray")  # noqa: B009
_make_scanner: Any = getattr(json.scanner, "py_make_scanner")  # noqa: B009


def _parse(text: str) -> Any:
    """json.loads, except that every object and list knows its line (and an object the line
    of each key), so a problem can be pointed at."""
    starts = [m.end() for m in re.finditer("\n", text)]

    def line_of(i: int) -> int:
        return bisect.bisect_right(starts, i) + 1

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[_Obj, int]:
        s, begin = s_and_end
        value, end = _JSONObject(s_and_end, *args)
        obj = _Obj(value)
        obj.line, obj.end, obj.key_lines = line_of(begin - 1), end, {}
        pos = begin
        for key, v in obj.items():  # keys come in file order; skip nested values' text
            m = re.compile(re.escape(json.dumps(key)) + r"\s*:").search(s, pos, end)
            if m is None:
                break
            obj.key_lines[key] = line_of(m.start())
            pos = getattr(v, "end", m.end())
        return obj, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[_Arr, int]:
        value, end = _JSONArray(s_and_end, scan_once)
        arr = _Arr(value)
        arr.line, arr.end = line_of(s_and_end[1] - 1), end
        return arr, end

    decoder: Any = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = _make_scanner(decoder)
    return decoder.decode(text)


class _Reader:
    """Checks a parsed world file; every problem becomes a WorldError naming the file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int | None, problem: str, **fields: object) -> WorldError:
        text = t(f"world.problem.{problem}", **fields)
        if line:
            return WorldError(t("world.problem_at", path=self.path, line=line, problem=text))
        return WorldError(t("world.problem", path=self.path, problem=text))

    def kind(self, line: int | None, part: str, kind: str) -> WorldError:
        return self.fail(line, "type", part=part, kind=t(f"world.kind.{kind}"))

    def obj(
        self,
        v: Any,
        part: str,
        line: int | None,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> _Obj:
        # part "" is the whole file
        if not isinstance(v, _Obj):
            raise self.kind(line, part or t("world.part.top"), "object")
        required = tuple(required)
        known = (*required, *optional)
        for key in v:
            if key not in known:
                raise self.fail(
                    v.key_lines.get(key, v.line),
                    "unknown_key",
                    word=key,
                    part=part or t("world.part.top"),
                    known=", ".join(known),
                )
        for key in required:
            if key not in v:
                raise self.fail(v.line, "missing", part=f"{part}.{key}" if part else key)
        return v

    def number(self, v: Any, part: str, line: int | None) -> float:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise self.kind(line, part, "number")
        if not abs(v) <= MAX_MM:  # also NaN; keeps the indexes small
            raise self.fail(line, "too_big", part=part, value=json.dumps(v), limit=MAX_MM)
        return float(v)

    def field(self, o: _Obj, key: str) -> tuple[Any, int]:
        return o[key], o.key_lines.get(key, o.line)

    def num(self, o: _Obj, key: str, part: str, low: float | None = None) -> float:
        v, line = self.field(o, key)
        x = self.number(v, f"{part}.{key}", line)
        if low is not None and x <= low:
            raise self.fail(line, "positive", part=f"{part}.{key}", value=v)
        return x

    def points(self, v: Any, part: str, line: int | None, least: int) -> tuple[Point, ...]:
        if not isinstance(v, _Arr):
            raise self.kind(line, part, "list")
        pts = []
        for i, p in enumerate(v):
            where = getattr(p, "line", v.line)
            if not isinstance(p, _Arr) or len(p) != 2:
                raise self.kind(where, f"{part}[{i}]", "point")
            pts.append(
                (self.number(p[0], f"{part}[{i}]", where), self.number(p[1], f"{part}[{i}]", where))
            )
        if len(pts) < least:
            raise self.fail(v.line, "few_points", part=part, count=len(pts), least=least)
        return tuple(pts)

    def items(self, top: _Obj, key: str) -> list[tuple[Any, str, int]]:
        if key not in top:
            return []
        v, line = self.field(top, key)
        if not isinstance(v, _Arr):
            raise self.kind(line, key, "list")
        return [(item, f"{key}[{i}]", getattr(item, "line", v.line)) for i, item in enumerate(v)]

    def text(self, o: _Obj, key: str, part: str) -> str:
        v, line = self.field(o, key)
        if not isinstance(v, str) or not v.strip():
            raise self.kind(line, f"{part}.{key}", "text")
        return v

    def world(self, top: Any, name: str) -> World:
        top = self.obj(
            top,
            "",
            1,
            ("size_mm", "start", "titles"),
            ("format", "light", "fenced", "walls", "lines", "zones"),
        )
        if "format" in top:
            v, line = self.field(top, "format")
            if v != FORMAT or isinstance(v, bool):
                raise self.fail(line, "format", value=json.dumps(v), known=FORMAT)
        v, line = self.field(top, "size_mm")
        if not isinstance(v, _Arr) or len(v) != 2:
            raise self.kind(line, "size_mm", "size")
        width, height = (self.number(x, "size_mm", line) for x in v)
        if width <= 0 or height <= 0:
            raise self.fail(line, "positive", part="size_mm", value=json.dumps(v))
        light = 128
        if "light" in top:
            v, line = self.field(top, "light")
            if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 254:
                raise self.fail(line, "range", part="light", low=0, high=254, value=json.dumps(v))
            light = v
        fenced = False
        if "fenced" in top:
            v, line = self.field(top, "fenced")
            if not isinstance(v, bool):
                raise self.kind(line, "fenced", "bool")
            fenced = v
        walls = tuple(self.points(w, p, ln, 3) for w, p, ln in self.items(top, "walls"))
        lines = []
        for item, part, ln in self.items(top, "lines"):
            o = self.obj(item, part, ln, ("points", "width"), ("closed",))
            width_mm = self.num(o, "width", part, low=0)
            if width_mm > MAX_LINE_MM:
                raise self.fail(
                    o.key_lines.get("width"),
                    "too_big",
                    part=f"{part}.width",
                    value=json.dumps(o["width"]),
                    limit=MAX_LINE_MM,
                )
            closed = False
            if "closed" in o:
                v, cl = self.field(o, "closed")
                if not isinstance(v, bool):
                    raise self.kind(cl, f"{part}.closed", "bool")
                closed = v
            pv, pl = self.field(o, "points")
            pts = self.points(pv, f"{part}.points", pl, 2)
            lines.append(Line(pts + pts[:1] if closed else pts, width_mm, closed))
        zones = []
        for item, part, ln in self.items(top, "zones"):
            o = self.obj(item, part, ln, ("name", "polygon"))
            pv, pl = self.field(o, "polygon")
            zones.append(
                Zone(self.text(o, "name", part), self.points(pv, f"{part}.polygon", pl, 3))
            )
        v, line = self.field(top, "titles")
        titles_o = self.obj(v, "titles", line, LANGS)
        titles = {lang: self.text(titles_o, lang, "titles") for lang in LANGS}
        v, line = self.field(top, "start")
        so = self.obj(v, "start", line, ("x", "y", "heading"))
        start = Pose(*(self.num(so, k, "start") for k in ("x", "y", "heading")))
        world = World(
            name,
            width,
            height,
            walls,
            tuple(lines),
            tuple(zones),
            light,
            start,
            titles,
            fenced,
            self.path,
        )
        if not (0 < start.x < width and 0 < start.y < height):
            raise self.fail(
                so.line, "start_outside", x=start.x, y=start.y, width=width, height=height
            )
        if world.in_wall(start.x, start.y):
            raise self.fail(so.line, "start_in_wall", x=start.x, y=start.y)
        return world


def list_worlds() -> list[str]:
    """The names of the shipped worlds."""
    return sorted(p.stem for p in WORLDS_DIR.glob("*.json"))


def load_world(name_or_path: str | Path) -> World:
    """A shipped world by name ("maze"), or a world file by path."""
    p = Path(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or p.suffix == ".json" or len(p.parts) > 1
    if not looks_like_path:
        if p.name not in list_worlds():
            raise WorldError(
                t("world.not_found", name=name_or_path, names=", ".join(list_worlds()))
            )
        p = WORLDS_DIR / f"{p.name}.json"
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WorldError(t("world.no_file", path=p)) from None
    except (OSError, UnicodeDecodeError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else type(e).__name__
        raise WorldError(t("world.unreadable", path=p, why=why)) from None
    try:
        data = _parse(text)
    except json.JSONDecodeError as e:
        raise WorldError(t("world.bad_json", path=p, line=e.lineno, column=e.colno)) from None
    except RecursionError:
        raise WorldError(t("world.problem", path=p, problem=t("world.problem.deep"))) from None
    return _Reader(p).world(data, p.stem)
