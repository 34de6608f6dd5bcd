"""The studio's pictures, drawn with pygame shapes at any size (never a scaled bitmap).

Two sets share one table, `ICONS` (name -> function):
- the exercise cards' pictures, the same names and drawings as the printed cards
  (dojokit.themebox.cards.ICON_SVG, a 64 x 64 grid), so a child sees the same picture on
  paper and on screen;
- the block palette's category icons (`CATEGORY_ICONS`): simple, calm shapes, so a
  category is told by its icon and its word, never by colour alone.

Every function draws on a `Pen`, which maps the 64 x 64 grid onto the rect asked for: dark
strokes (`ink`) with light fills (`paper`). `draw_icon` draws at 4x and smooth-scales down
once, for soft edges; the result is cached (calm screens redraw the same icons every frame).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import pygame

from dojokit.themebox.format import ICONS as CARD_ICON_NAMES

RGB = tuple[int, int, int]
Point = tuple[float, float]
GRID = 64  # the printed cards' viewBox
SUPERSAMPLE = 4

CATEGORY_ICONS = (
    "events", "control", "operators", "motors", "lights", "display", "sound", "sensors",
    "motion", "looks", "sensing", "variables", "lists", "procedures", "pen", "unknown",
)
CARD_ICONS = tuple(CARD_ICON_NAMES)


class Pen:
    """Draws in grid units (0..64 each way) onto a square inside a surface."""

    def __init__(self, surface: pygame.Surface, rect: pygame.Rect, ink: RGB, paper: RGB,
                 ox: float = 0.0, oy: float = 0.0, k: float = 1.0) -> None:
        self.surface, self.rect, self.ink, self.paper = surface, rect, ink, paper
        side = min(rect.w, rect.h)
        self.unit = side / GRID
        self.x0 = rect.centerx - side / 2
        self.y0 = rect.centery - side / 2
        self.ox, self.oy, self.k = ox, oy, k

    @property
    def mid(self) -> RGB:  # the printed cards' grey: halfway between ink and paper
        return tuple((a + b) // 2 for a, b in zip(self.ink, self.paper, strict=True))  # type: ignore[return-value]

    def moved(self, x: float, y: float, k: float = 1.0) -> Pen:
        """The same pen with SVG's translate(x y) scale(k) applied (inside this one's)."""
        return Pen(self.surface, self.rect, self.ink, self.paper,
                   self.ox + x * self.k, self.oy + y * self.k, self.k * k)

    def p(self, x: float, y: float) -> Point:
        return (self.x0 + (self.ox + x * self.k) * self.unit,
                self.y0 + (self.oy + y * self.k) * self.unit)

    def w(self, width: float) -> float:
        return max(1.0, width * self.k * self.unit)

    # -- strokes ----------------------------------------------------------------------------
    def _segment(self, a: Point, b: Point, w: float, colour: RGB) -> None:
        dx, dy = b[0] - a[0], b[1] - a[1]
        n = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / n * w / 2, dx / n * w / 2
        pygame.draw.polygon(self.surface, colour, [(a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny),
                                                   (b[0] - nx, b[1] - ny), (a[0] - nx, a[1] - ny)])

    def line(self, pts: Sequence[Point], width: float = 3, colour: RGB | None = None,
             closed: bool = False, round_ends: bool = True) -> None:
        """A stroke through grid points with round joins (and round ends unless told)."""
        colour = colour or self.ink
        w = self.w(width)
        sp = [self.p(*q) for q in pts]
        if closed:
            sp.append(sp[0])
        for a, b in itertools.pairwise(sp):
            self._segment(a, b, w, colour)
        joints = sp if (round_ends or closed) else sp[1:-1]
        for q in joints:
            pygame.draw.circle(self.surface, colour, q, w / 2)

    def poly(self, pts: Sequence[Point], fill: RGB | None = None, width: float = 3,
             outline: bool = True) -> None:
        """A closed shape: filled (paper unless told), then outlined in ink."""
        pygame.draw.polygon(self.surface, fill or self.paper, [self.p(*q) for q in pts])
        if outline:
            self.line(pts, width, closed=True)

    def circle(self, x: float, y: float, r: float, fill: RGB | None = None,
               width: float = 3, outline: bool = True) -> None:
        c, rr = self.p(x, y), r * self.k * self.unit
        pygame.draw.circle(self.surface, fill or self.paper, c, rr)
        if outline:
            w = self.w(width)
            pygame.draw.circle(self.surface, self.ink, c, rr + w / 2, max(1, round(w)))

    def dot(self, x: float, y: float, r: float, colour: RGB | None = None) -> None:
        pygame.draw.circle(self.surface, colour or self.ink, self.p(x, y), r * self.k * self.unit)

    def box(self, x: float, y: float, w: float, h: float, r: float = 0,
            fill: RGB | None = None, width: float = 3, outline: bool = True) -> None:
        (x0, y0), (x1, y1) = self.p(x, y), self.p(x + w, y + h)
        rr = round(r * self.k * self.unit)
        pygame.draw.rect(self.surface, fill or self.paper,
                         pygame.Rect(round(x0), round(y0), round(x1 - x0), round(y1 - y0)),
                         border_radius=rr)
        if outline:
            sw = self.w(width)
            outer = pygame.Rect(round(x0 - sw / 2), round(y0 - sw / 2),
                                round(x1 - x0 + sw), round(y1 - y0 + sw))
            pygame.draw.rect(self.surface, self.ink, outer, max(1, round(sw)),
                             border_radius=round(rr + sw / 2) if rr else 0)

    @staticmethod
    def arc_points(cx: float, cy: float, r: float, a0: float, a1: float,
                   steps: int = 48) -> list[Point]:
        """Points on a circle from angle a0 to a1 (degrees, clockwise on screen, 0 = right)."""
        return [(cx + r * math.cos(math.radians(a0 + (a1 - a0) * i / steps)),
                 cy + r * math.sin(math.radians(a0 + (a1 - a0) * i / steps)))
                for i in range(steps + 1)]

    def arrow_head(self, x: float, y: float, dx: float, dy: float, width: float = 3) -> None:
        """An open arrow head at (x, y) pointing along the unit direction (dx, dy)."""
        px, py = -dy, dx
        self.line([(x - 7 * dx + 5 * px, y - 7 * dy + 5 * py), (x, y),
                   (x - 7 * dx - 5 * px, y - 7 * dy - 5 * py)], width)


def _ellipse(cx: float, cy: float, rx: float, ry: float, deg: float) -> list[Point]:
    a = math.radians(deg)
    out = []
    for i in range(36):
        t = 2 * math.pi * i / 36
        x, y = rx * math.cos(t), ry * math.sin(t)
        out.append((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)))
    return out


def _bezier(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    out = []
    for i in range(steps + 1):
        t = i / steps
        k = ((1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3)
        out.append((sum(c * q[0] for c, q in zip(k, (p0, p1, p2, p3), strict=True)),
                    sum(c * q[1] for c, q in zip(k, (p0, p1, p2, p3), strict=True))))
    return out


def _rounded(x0: float, y0: float, x1: float, y1: float, r: float) -> list[Point]:
    """A rounded rectangle's outline as points, clockwise from the top-left corner."""
    arc = Pen.arc_points
    return [*arc(x1 - r, y0 + r, r, -90, 0, 8), *arc(x1 - r, y1 - r, r, 0, 90, 8),
            *arc(x0 + r, y1 - r, r, 90, 180, 8), *arc(x0 + r, y0 + r, r, 180, 270, 8)]


# -- the printed cards' pictures (themebox/cards.py ICON_SVG, shape for shape) ---------------
def _robot(p: Pen) -> None:
    """The robot seen from the side, facing right: body, front sensor and two wheels."""
    p.box(14, 22, 36, 20, 4)
    p.box(46, 27, 6, 8, 1.5, fill=p.ink, outline=False)
    p.circle(23, 45, 6)
    p.circle(41, 45, 6)


def drive(p: Pen) -> None:
    _robot(p.moved(-8, 0))
    p.line([(46, 32), (61, 32)])
    p.arrow_head(61, 32, 1, 0)
    for y, x in ((26, 2), (33, 0), (40, 2)):
        p.line([(x, y), (x + 5, y)], 2)


def turn(p: Pen) -> None:
    p.box(22, 20, 20, 24, 4)
    p.box(16, 24, 5, 16, 1.5, fill=p.ink, outline=False)
    p.box(43, 24, 5, 16, 1.5, fill=p.ink, outline=False)
    p.line(p.arc_points(32, 32, 27, -90, 206.1))
    p.arrow_head(7.5, 20, 0.444, -0.907)


def stop(p: Pen) -> None:
    _robot(p.moved(-8, 8, 0.9))
    p.poly([(44, 4), (54, 4), (61, 11), (61, 21), (54, 28), (44, 28), (37, 21), (37, 11)],
           fill=p.ink, width=2)
    p.line([(43, 16), (55, 16)], 3.5, colour=p.paper)


def park(p: Pen) -> None:
    p.line([(6, 12), (6, 56), (58, 56), (58, 12)], 4)
    x = 6.0
    while x < 58:  # dashed: 3 on, 4 off
        p.line([(x, 12), (min(x + 3, 58), 12)], 2, round_ends=False)
        x += 7
    _robot(p.moved(3, 0, 0.82))


def wall(p: Pen) -> None:
    _robot(p.moved(-10, 8, 0.9))
    p.box(46, 6, 14, 52)
    for a, b in (((46, 19), (60, 19)), ((46, 32), (60, 32)), ((46, 45), (60, 45)),
                 ((53, 6), (53, 19)), ((53, 32), (53, 45))):
        p.line([a, b], 2, round_ends=False)


def light(p: Pen) -> None:
    _robot(p.moved(0, 8))
    p.dot(32, 18, 6.5)
    for a, b in (((32, 2), (32, 6)), ((18, 8), (21, 11)), ((46, 8), (43, 11)),
                 ((12, 18), (16, 18)), ((48, 18), (52, 18))):
        p.line([a, b], 2.5)


def colours(p: Pen) -> None:
    p.line([(4, 32), (60, 32)], 2, round_ends=False)
    p.circle(12, 32, 8.5)
    p.circle(32, 32, 8.5, fill=p.mid)
    p.circle(52, 32, 8.5, fill=p.ink)


def sound(p: Pen) -> None:
    p.line([(24, 44), (24, 14), (50, 8), (50, 38)])
    p.poly([(24, 14), (50, 8), (50, 15), (24, 21)], fill=p.ink, outline=False)
    p.poly(_ellipse(18, 45, 7, 5.5, -20), fill=p.ink, outline=False)
    p.poly(_ellipse(44, 39, 7, 5.5, -20), fill=p.ink, outline=False)


def _grid(p: Pen, bits: Sequence[str], x0: float, y0: float, cell: float, gap: float) -> None:
    for r, row in enumerate(bits):
        for c, ch in enumerate(row):
            p.box(x0 + c * (cell + gap), y0 + r * (cell + gap), cell, cell, 1,
                  fill=p.ink if ch == "#" else p.paper, width=1.2)


def display(p: Pen) -> None:
    p.box(4, 4, 56, 56, 5)
    _grid(p, (".#.#.", ".#.#.", ".....", "#...#", ".###."), 9.5, 9.5, 7, 2.5)


def say(p: Pen) -> None:
    outline = _rounded(4, 8, 60, 44, 6)
    # the tail leaves the bottom edge between x 26 and 14 (after the bottom-right corner)
    cut = next(i for i, q in enumerate(outline) if q[1] >= 44 - 1e-6 and q[0] < 54)
    shape = [*outline[:cut], (26, 44), (14, 56), (14, 44), *outline[cut:]]
    p.poly(shape)
    for x in (20, 32, 44):
        p.dot(x, 26, 3.5)


def loop(p: Pen) -> None:
    p.line(p.arc_points(32, 32, 24, -90, 209.7), 4)
    p.arrow_head(11, 20, 0.5, -0.866)
    p.dot(32, 32, 4)


def if_(p: Pen) -> None:
    p.line([(32, 60), (32, 36), (12, 12)], 4)
    p.line([(32, 36), (52, 12)], 4)
    p.arrow_head(12, 12, -0.64, -0.77)
    p.arrow_head(52, 12, 0.64, -0.77)


def distance(p: Pen) -> None:
    p.box(4, 16, 56, 32, 4)
    for x in (19, 45):
        p.circle(x, 32, 10)
        p.dot(x, 32, 5)


def line(p: Pen) -> None:
    p.box(3, 8, 58, 48, 3, width=2)
    pts = (_bezier((3, 42), (16, 42), (20, 20), (32, 20))
           + _bezier((32, 20), (44, 20), (48, 38), (61, 38))[1:])
    p.line(pts, 8, round_ends=False)


def button(p: Pen) -> None:
    p.box(6, 6, 52, 52, 8)
    p.dot(32, 32, 18)
    p.line([(24, 42), (32, 21), (40, 42)], 3.5, colour=p.paper)
    p.line([(27, 35), (37, 35)], 3.5, colour=p.paper)


def maze(p: Pen) -> None:
    p.box(4, 4, 56, 56, 2)
    for a, b in (((4, 18), (46, 18)), ((18, 32), (60, 32)), ((4, 46), (32, 46)),
                 ((46, 46), (46, 60)), ((32, 32), (32, 46))):
        p.line([a, b])
    p.dot(11, 11, 3.5)


def finish(p: Pen) -> None:
    p.line([(12, 60), (12, 4)], 4)
    p.box(14, 6, 42, 28, width=2)
    for r in range(4):
        for c in range(6):
            if (r + c) % 2 == 0:
                p.box(14 + c * 7, 6 + r * 7, 7, 7, fill=p.ink, outline=False)


# -- the palette's categories ------------------------------------------------------------------
def events(p: Pen) -> None:
    """A flag on a pole: "when this happens"."""
    p.line([(16, 58), (16, 6)], 4)
    wave = _bezier((16, 9), (26, 2), (38, 16), (52, 9)) + _bezier((52, 33), (38, 40), (26, 26),
                                                                  (16, 33))
    p.poly(wave, fill=p.ink, width=2)


def control(p: Pen) -> None:
    """A C-shaped block: other blocks go inside it."""
    p.poly([(10, 8), (54, 8), (54, 24), (28, 24), (28, 40), (54, 40), (54, 56), (10, 56)], width=4)


def operators(p: Pen) -> None:
    """Plus, minus, times, equals."""
    p.line([(12, 20), (28, 20)], 4)
    p.line([(20, 12), (20, 28)], 4)
    p.line([(36, 20), (52, 20)], 4)
    p.line([(14, 38), (26, 50)], 4)
    p.line([(26, 38), (14, 50)], 4)
    p.line([(36, 40), (52, 40)], 4)
    p.line([(36, 48), (52, 48)], 4)


def motors(p: Pen) -> None:
    """A wheel: tyre, hub and spokes."""
    p.circle(32, 32, 24, width=6)
    for a in range(0, 360, 60):
        x, y = 32 + 20 * math.cos(math.radians(a)), 32 + 20 * math.sin(math.radians(a))
        p.line([(32, 32), (x, y)], 3)
    p.circle(32, 32, 7, fill=p.ink)


def lights(p: Pen) -> None:
    """A light bulb."""
    p.poly([*p.arc_points(32, 26, 16, 140, 400, 32), (40, 44), (24, 44)], width=3)
    p.box(25, 46, 14, 6, 1, fill=p.ink, outline=False)
    p.box(27, 54, 10, 4, 1, fill=p.ink, outline=False)
    p.line(p.arc_points(32, 26, 9, 200, 250, 8), 2.5)


def sensors(p: Pen) -> None:
    """A sensor sending waves to the right."""
    p.box(6, 20, 16, 24, 3)
    p.dot(14, 32, 4)
    for r in (10, 18, 26):
        p.line(p.arc_points(24, 32, r, -40, 40, 16), 3)


def motion(p: Pen) -> None:
    """Arrows each way: moving."""
    p.line([(8, 32), (56, 32)], 3.5)
    p.line([(32, 8), (32, 56)], 3.5)
    for x, y, dx, dy in ((56, 32, 1, 0), (8, 32, -1, 0), (32, 8, 0, -1), (32, 56, 0, 1)):
        p.arrow_head(x, y, dx, dy, 3.5)


def looks(p: Pen) -> None:
    """A smiling face."""
    p.circle(32, 32, 24)
    p.dot(24, 26, 3.5)
    p.dot(40, 26, 3.5)
    p.line(p.arc_points(32, 32, 14, 30, 150, 16), 3)


def sensing(p: Pen) -> None:
    """An eye: noticing what happens."""
    top = _bezier((6, 32), (18, 14), (46, 14), (58, 32))
    bottom = _bezier((58, 32), (46, 50), (18, 50), (6, 32))
    p.poly(top + bottom[1:], width=3)
    p.circle(32, 32, 9, fill=p.ink, outline=False)
    p.dot(35, 29, 2.5, colour=p.paper)


def variables(p: Pen) -> None:
    """A box that holds something (a value), with its lid."""
    p.box(12, 24, 40, 32, 3)
    p.line([(8, 18), (56, 18)], 4)
    p.line([(24, 32), (40, 48)], 3.5)
    p.line([(40, 32), (24, 48)], 3.5)


def lists(p: Pen) -> None:
    """Three items in a row, one under the other."""
    for y in (16, 32, 48):
        p.box(8, y - 4, 8, 8, 1, fill=p.ink, outline=False)
        p.line([(24, y), (56, y)], 4)


def procedures(p: Pen) -> None:
    """A block of your own: a stack block with its notch."""
    p.poly([(6, 20), (18, 20), (22, 26), (32, 26), (36, 20), (58, 20), (58, 44), (36, 44),
            (32, 50), (22, 50), (18, 44), (6, 44)], width=3.5)


def pen(p: Pen) -> None:
    """A pencil, drawing."""
    body = [(16, 40), (42, 14), (50, 22), (24, 48)]
    p.poly(body, width=3)
    p.poly([(16, 40), (24, 48), (10, 54)], width=3)
    p.dot(12, 52, 2.5)
    p.line([(38, 18), (46, 26)], 3)


def unknown(p: Pen) -> None:
    """A plain block with a question mark: a block the studio does not know."""
    p.box(6, 6, 52, 52, 8)
    p.line([*p.arc_points(32, 24, 9, 180, 405, 24), (32, 38)], 4)
    p.dot(32, 48, 3)


IconFn = Callable[[Pen], None]

ICONS: dict[str, IconFn] = {
    # the cards' pictures
    "drive": drive, "turn": turn, "stop": stop, "park": park, "wall": wall, "light": light,
    "colours": colours, "sound": sound, "display": display, "say": say, "loop": loop,
    "if": if_, "distance": distance, "line": line, "button": button, "maze": maze,
    "finish": finish,
    # the palette's categories ("display" and "sound" are the cards' own pictures)
    "events": events, "control": control, "operators": operators, "motors": motors,
    "lights": lights, "sensors": sensors, "motion": motion, "looks": looks,
    "sensing": sensing, "variables": variables, "lists": lists, "procedures": procedures,
    "pen": pen, "unknown": unknown,
}


@lru_cache(maxsize=512)
def icon_surface(name: str, w: int, h: int, ink: RGB, paper: RGB) -> pygame.Surface:
    """The icon `name` as a w x h surface with a clear background (an unknown name gives
    the "unknown" picture)."""
    fn = ICONS.get(name, unknown)
    big = pygame.Surface((w * SUPERSAMPLE, h * SUPERSAMPLE), pygame.SRCALPHA)
    big.fill((*paper, 0))  # clear, but edges blend towards paper, never black
    fn(Pen(big, big.get_rect(), tuple(ink), tuple(paper)))  # type: ignore[arg-type]
    return pygame.transform.smoothscale(big, (w, h))


def draw_icon(surface: pygame.Surface, name: str, rect: pygame.Rect, ink: RGB,
              paper: RGB) -> None:
    """Draw icon `name` into `rect` (a square in its middle): `ink` strokes, `paper` fills."""
    if rect.w <= 0 or rect.h <= 0:
        return
    surface.blit(icon_surface(name, rect.w, rect.h, tuple(ink), tuple(paper)), rect.topleft)
