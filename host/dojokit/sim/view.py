"""The simulator window: the world from above, the robot on it, its lights as a strip of large
swatches, and one calm state banner.

Calm by design (docs: DESIGN.md, sensory safety): nothing moves but the robot, there is no
sound (the mixer is never started), and every coloured signal (the robot's lights, the state
banner) is drawn through the same rules the firmware applies to real lights: brightness
capped by the sensory profile, a minimum hold between changes and a fade. The firmware has
already guarded the board's colours in board time; the view guards them again in wall-clock
time, because a simulation running faster than real time would otherwise show a fade as a
flash.

Everything has a fixed place: the banner on top, the table, a column beside it with the
sensors (readings shown on demand, so they never cover the robot) and the light strip (one
swatch per robot light, in robot order, at least 24 px, on a dark housing so that a dimmed
orange still reads as orange light, not brown paint), two buttons at the bottom. The static
parts are drawn once onto a surface; each frame blits it and draws the robot, the banner and
the column. The studio's stage draws the same frame offscreen (`offscreen=True`), in a
narrow place with the strip under the table (`compact=True`), at the scale `fit_scale` gives.

The banner plays the states it is given (`show_state`, e.g. from `Robot.on_state`) in order,
none skipped: each word stays at least WORD_MS, and a change of colour waits for the
profile's hold, so the window shows the same sequence of states as the robot's trace
(`states` records it), a little later when states come quickly.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# pygame greets on standard output, which carries only what the program says
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from dojokit.feedback import STATES, capped
from dojokit.i18n import LANGUAGES, catalog, language
from dojokit.robot.profiles import PROFILES, SensoryProfile
from dojokit.sim.flashes import luminance
from dojokit.sim.world import zone_label

RGB = tuple[int, int, int]

# Muted, low-glare palette: the table is a paper white, not a screen white.
BACKGROUND: RGB = (214, 218, 224)
TABLE: RGB = (246, 246, 242)
TABLE_EDGE: RGB = (170, 174, 180)
WALL: RGB = (78, 80, 84)
LINE: RGB = (0, 0, 0)
ZONE_FILL: RGB = (226, 234, 242)
ZONE_EDGE: RGB = (150, 168, 188)
ZONE_TEXT: RGB = (84, 98, 116)
BODY: RGB = (96, 112, 128)
BODY_EDGE: RGB = (58, 66, 78)
FRONT: RGB = (232, 232, 222)
LIGHT_OFF: RGB = (52, 58, 66)
SENSOR_MARK: RGB = (196, 204, 214)
SONAR_RAY: RGB = (128, 140, 160)
PANEL: RGB = (236, 238, 242)
PANEL_EDGE: RGB = (168, 174, 184)
PANEL_LABEL: RGB = (88, 96, 110)
TEXT: RGB = (36, 40, 48)
BAR: RGB = (226, 228, 232)
BUTTON: RGB = (204, 210, 218)
BUTTON_EDGE: RGB = (120, 128, 140)
TEXT_LIGHT: RGB = (240, 240, 236)
HOUSING: RGB = (22, 24, 28)  # the light strip's dark housing: lights glow on it
SWATCH_EDGE: RGB = (96, 104, 116)

MARGIN = 12
BANNER_H = 56
BAR_H = 64  # its buttons are 48 px tall: a 44 px target with room
MAX_WORLD_PX = (900, 600)  # the world is fitted into this when no scale is given
MIN_WINDOW_W = 560  # room for the banner word and the two buttons
SIDE_MIN_W = 190  # the sensor column
BUTTON_W = 88
BUTTON_H = 44  # a child's click target: at least 44 x 44 px (WCAG 2.5.5)
PANEL_H = 300  # the sensor panel: title, four readings, the key hint
_SIDE_KEYS = ("view.line_left", "view.line_right", "view.no_echo", "view.show_hint",
              "view.hide_hint", "view.light", "view.line_not_dark")
SWATCH_MIN = 24  # px: a light's colour can be told at a glance
SWATCH_MAX = 44
SWATCH_GAP = 8
WORD_MS = 500  # the banner shows each state's word at least this long
MAX_PENDING = 6  # states waiting for the banner; more are dropped, oldest first

# The firmware's floor (firmware/dk_guard.py): never more than 3 flashes in any second, and
# changes to or from saturated red are held much longer (WCAG 2.3.1 red flash rule).
MIN_HOLD_MS = 170
RED_HOLD_MS = 2000

_STATE_COLOUR = {name: colour for name, colour, _ in STATES}
_STATE_SIGN = {name: sign for name, _, sign in STATES}


def _saturated_red(c: Sequence[int]) -> bool:
    r = c[0]
    return bool(r) and r * 5 >= (r + c[1] + c[2]) * 4


def _hold_ms(profile: SensoryProfile) -> int:
    # same floor as dk_guard.Guard.profile: seven changes may not fit in 1 s plus one fade
    least = max(MIN_HOLD_MS, (1000 + profile.fade_ms) // 6 + 1)
    return max(profile.hold_ms, least)


class _Steady:
    """One colour on screen that changes no faster than the profile allows.

    Mirrors the firmware guard: a change starts at most once per hold, then fades. While a
    change is held, only the latest wish is kept, so a fast-blinking program shows calmly.
    With `follow`, a wish that carries on the last change in the same direction of
    brightness (the firmware's own fade, arriving step by step) is followed at once: it
    adds no flash, and the light does not lag a whole hold behind the board.
    """

    def __init__(self, hold_ms: int, fade_ms: int, follow: bool = True) -> None:
        self.hold = hold_ms
        self.fade = fade_ms
        self.follow = follow
        self.seen = False
        self.shown: RGB = (0, 0, 0)
        self.frm: RGB = (0, 0, 0)
        self.to: RGB = (0, 0, 0)
        self.tag: str = ""  # what the colour stands for (the banner's state word)
        self.t0 = 0.0
        self.fading = False

    def _continues(self, want: RGB) -> bool:
        if _saturated_red(want) or _saturated_red(self.to):
            return False  # red always waits its long hold
        base = luminance(self.frm)
        before, after = luminance(self.to) - base, luminance(want) - base
        return before * after > 0 and abs(after) >= abs(before)

    def _start(self, want: RGB, now_ms: float, tag: str) -> None:
        # the hold counts from here: a later change the other way waits the longer
        self.t0 = now_ms
        self.frm = self.shown
        self.to = want
        self.tag = tag
        self.fading = self.fade > 0
        if not self.fading:
            self.shown = want

    def update(self, want: RGB, now_ms: float, tag: str = "") -> RGB:
        if not self.seen:  # first sight is not a change: show it as it is
            self.seen = True
            self.shown = self.frm = self.to = want
            self.tag = tag
            self.t0 = -math.inf  # as on the robot, the first change need not wait
            return want
        if self.follow and want != self.to and self._continues(want):
            if self.fading:
                self.to = want  # same start, further end: still one way
                self.tag = tag
            else:
                self._start(want, now_ms, tag)
        if self.fading:
            dt = now_ms - self.t0
            if dt >= self.fade:
                self.fading = False
                self.shown = self.to
            else:
                f = dt / self.fade
                (r0, g0, b0), (r1, g1, b1) = self.frm, self.to
                self.shown = (round(r0 + (r1 - r0) * f), round(g0 + (g1 - g0) * f),
                              round(b0 + (b1 - b0) * f))
        if not self.fading and want != self.to:
            hold = self.hold
            if _saturated_red(want) or _saturated_red(self.to):
                hold = max(hold, RED_HOLD_MS)
            if now_ms - self.t0 >= hold:
                self._start(want, now_ms, tag)
        return self.shown


def _field(obj: Any, name: str, default: Any = None) -> Any:
    # sensors may come as the board's Sensors dataclass or as a plain mapping
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _contrast(a: Sequence[int], b: Sequence[int]) -> float:
    def lum(c: Sequence[int]) -> float:
        def ch(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2])

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _ink_on(colour: Sequence[int]) -> RGB:
    """The text colour for words on `colour`: the softer light or dark text, or black or
    white where a mid colour (a capped grey, orange) leaves those under 4.5:1."""
    ink = TEXT_LIGHT if _contrast(TEXT_LIGHT, colour) >= _contrast(TEXT, colour) else TEXT
    if _contrast(ink, colour) < 4.5:
        ink = max(((0, 0, 0), (255, 255, 255)), key=lambda c: _contrast(c, colour))
    return ink


def _say(lang: str, key: str, **fields: object) -> str:
    text = catalog(lang).get(key) or catalog("en")[key]
    return text.format(**fields)


def _fonts() -> tuple[pygame.font.Font, pygame.font.Font, pygame.font.Font, pygame.font.Font]:
    # big (the banner's word), normal, small, tiny (a long zone name in a small zone)
    pygame.font.init()
    return tuple(pygame.font.Font(None, size) for size in (40, 24, 20, 16))  # type: ignore


def _strip_grid(n: int, width: int) -> tuple[int, int, int]:
    """(per row, rows, swatch size) for n lights in a strip `width` px wide: balanced
    rows, as few as give the largest swatches (at least SWATCH_MIN, at most SWATCH_MAX)."""
    inner = width - 2 * SWATCH_GAP
    best = (n, 1, SWATCH_MIN)
    for rows in range(1, n + 1):
        per_row = math.ceil(n / rows)
        size = min(SWATCH_MAX, (inner - SWATCH_GAP * (per_row - 1)) // per_row)
        if size > best[2]:
            best = (per_row, rows, size)
        if size >= SWATCH_MAX:
            break
    return best


def _strip_height(n: int, width: int, title_h: int) -> int:
    _, rows, size = _strip_grid(n, width)
    return SWATCH_GAP + title_h + SWATCH_GAP + rows * (size + SWATCH_GAP) + SWATCH_GAP


class _Layout:
    """Where each part of the frame goes."""

    def __init__(self, size: tuple[int, int], world: pygame.Rect, panel: pygame.Rect,
                 strip: pygame.Rect) -> None:
        self.size = size
        self.world, self.panel, self.strip = world, panel, strip
        self.banner = pygame.Rect(0, 0, size[0], BANNER_H)
        top = size[1] - (BAR_H + BUTTON_H) // 2  # centred in the bottom bar
        self.buttons = {
            "press_a": pygame.Rect(size[0] - 2 * (BUTTON_W + MARGIN), top, BUTTON_W, BUTTON_H),
            "press_b": pygame.Rect(size[0] - (BUTTON_W + MARGIN), top, BUTTON_W, BUTTON_H),
        }


def _measures(lang: str, fonts: Sequence[pygame.font.Font]) -> tuple[int, int, int]:
    """What the frame's words need, in px: (sensor column width, narrowest compact frame,
    small font height). The same at every scale."""
    big, font, small = fonts[:3]
    side_w = max(SIDE_MIN_W, max(font.size(_say(lang, k))[0] for k in _SIDE_KEYS) + 28)
    # a compact frame holds the banner's longest word beside its sign, and the two buttons
    word_w = max(big.size(_say(lang, f"view.state.{s}"))[0] for s in _STATE_COLOUR)
    narrowest = max(MARGIN + 4 + 5 * 7 + 16 + word_w + MARGIN, MARGIN + 2 * (BUTTON_W + MARGIN))
    return side_w, narrowest, small.get_height()


def _layout(width: float, height: float, scale: float, lights: int, compact: bool,
            measures: tuple[int, int, int]) -> _Layout:
    """Fixed places: the banner on top, the table, the buttons at the bottom. The window
    has the sensor column right of the table (showing the sensors never covers the table
    or the robot); a compact frame has the light strip under the table and no column."""
    side_w, narrowest, small_h = measures
    n = max(1, lights)
    ww, wh = round(width * scale), round(height * scale)
    if compact:
        win_w = max(MARGIN + ww + MARGIN, narrowest)
        strip_w = win_w - 2 * MARGIN
        strip_h = _strip_height(n, strip_w, small_h)
        win_h = BANNER_H + MARGIN + wh + MARGIN + strip_h + MARGIN + BAR_H
        world = pygame.Rect((win_w - ww) // 2, BANNER_H + MARGIN, ww, wh)
        strip = pygame.Rect(MARGIN, world.bottom + MARGIN, strip_w, strip_h)
        return _Layout((win_w, win_h), world, pygame.Rect(win_w, BANNER_H, 0, 0), strip)
    strip_h = _strip_height(n, side_w, small_h)
    win_w = max(MARGIN + ww + MARGIN + side_w + MARGIN, MIN_WINDOW_W)
    win_h = BANNER_H + MARGIN + max(wh, PANEL_H + MARGIN + strip_h) + MARGIN + BAR_H
    panel = pygame.Rect(win_w - MARGIN - side_w, BANNER_H + MARGIN, side_w, PANEL_H)
    strip = pygame.Rect(panel.x, panel.bottom + MARGIN, side_w, strip_h)
    return _Layout((win_w, win_h), pygame.Rect(MARGIN, BANNER_H + MARGIN, ww, wh), panel, strip)


class SimView:
    """A pygame window showing `world` and a robot of shape `body`.

    Call `draw()` once per frame (it presents the frame) and `pump()` once per frame (it
    reads the window's events). The integrator paces the frames (e.g. pygame.time.Clock).

    With `offscreen=True` the same frame is drawn into `self.screen`, a Surface of
    `self.size`, for another window to show (the studio's stage): no window is opened, no
    caption set, nothing presented, and `pump()` leaves the event queue to that window
    (it can pass mouse events to `handle()`). `compact=True` puts the light strip under
    the table and leaves out the sensor column, for a narrow place; `fit_scale()` gives the
    scale that fits a frame into a given size.
    """

    def __init__(
        self,
        world: Any,
        body: Any,
        profile: str | SensoryProfile = "calm",
        scale: float | None = None,
        lang: str | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        lights: int = 6,
        offscreen: bool = False,
        compact: bool = False,
    ) -> None:
        if isinstance(profile, str):
            if profile not in PROFILES:
                known = sorted(PROFILES)
                raise ValueError(f"unknown sensory profile {profile!r}: use one of {known}")
            profile = PROFILES[profile]
        self.world = world
        self.body = body
        self.profile = profile
        self.lang = lang if lang in LANGUAGES else language()
        self.clock = clock  # seconds; replaceable so tests can step time
        self.show_sensors = False
        self._hold = _hold_ms(profile)
        self._lights: list[_Steady] = []
        self._banner = _Steady(self._hold, profile.fade_ms, follow=False)  # one word at a time
        self._word: str | None = None  # the state the banner shows
        self._word_t0 = 0.0  # ms: when its word appeared
        self._colour_t0 = -math.inf  # ms: when the banner's colour last changed
        self._pending: deque[str] = deque()  # states still to show, in order
        self.states: list[tuple[float, str]] = []  # (clock seconds, state) as the banner showed
        self._text_cache: dict[tuple[str, int, RGB], pygame.Surface] = {}
        self._mouse_down: str | None = None  # which on-screen button the mouse holds

        self.offscreen = offscreen
        self.compact = compact

        # display and fonts only: the mixer is never started, so the view cannot make sound;
        # offscreen, the window that shows the frame owns the display
        if not offscreen:
            pygame.display.init()
        self._font_big, self._font, self._font_small, self._font_tiny = _fonts()

        width, height = float(world.width), float(world.height)
        if scale is None:
            scale = min(MAX_WORLD_PX[0] / width, MAX_WORLD_PX[1] / height)
        self.scale = float(scale)
        place = _layout(width, height, self.scale, lights, compact,
                        _measures(self.lang, (self._font_big, self._font, self._font_small)))
        self.size = place.size
        self.world_rect = place.world
        self.panel_rect = place.panel
        self.strip_rect = place.strip
        self.banner_rect = place.banner
        self.buttons = place.buttons

        if offscreen:
            self.screen = pygame.Surface(self.size)
        else:
            self.screen = pygame.display.set_mode(self.size)
            # the world's own title in the learner's language when it has one, else its name
            title = world.title(self.lang) if callable(getattr(world, "title", None)) else None
            pygame.display.set_caption(
                self._t("view.title", world=title or getattr(world, "name", "")))
        self._static = self._render_static()

    @classmethod
    def fit_scale(cls, world: Any, body: Any, lights: int, max_w: int, max_h: int, *,
                  lang: str | None = None, compact: bool = False) -> float | None:
        """The largest scale (px per mm) whose frame fits in max_w x max_h px: the table
        as large as the place allows, in whole pixels. None when even the frame's fixed
        parts (banner, strip, buttons) do not fit."""
        measures = _measures(lang if lang in LANGUAGES else language(), _fonts())
        width, height = float(world.width), float(world.height)

        def fits(scale: float) -> bool:
            w, h = _layout(width, height, scale, lights, compact, measures).size
            return w <= max_w and h <= max_h

        # the table's size changes only at whole pixels of its width or height: try those,
        # largest first (a table larger than the whole place cannot fit)
        top = min(max_w / width, max_h / height)
        steps = sorted({k / width for k in range(1, math.floor(top * width) + 1)}
                       | {k / height for k in range(1, math.floor(top * height) + 1)},
                       reverse=True)
        return next((s for s in steps if fits(s)), None)

    # -- coordinates ---------------------------------------------------------------------
    def world_to_screen(self, x: float, y: float) -> tuple[int, int]:
        """Pixel of a world point in mm (world y points up, screen y down)."""
        px, py = self._to_screen(x, y)
        return round(px), round(py)

    def _to_screen(self, x: float, y: float) -> tuple[float, float]:
        r = self.world_rect
        return r.x + x * self.scale, r.y + (float(self.world.height) - y) * self.scale

    def robot_to_screen(self, pose: Any, bx: float, by: float) -> tuple[float, float]:
        """Pixel of a point on the robot, in mm, x forward and y left of the axle middle."""
        h = math.radians(pose.heading)
        c, s = math.cos(h), math.sin(h)
        return self._to_screen(pose.x + bx * c - by * s, pose.y + bx * s + by * c)

    def light_spots(self, pose: Any, n: int) -> list[tuple[float, float]]:
        """Where the robot's `n` lights are drawn: a row across the body, light 0 on the
        left, behind the body's middle (so the body colour stays visible there)."""
        length, width, front = self._body_dims()
        bx = front - length * 0.75
        if n <= 1:
            return [self.robot_to_screen(pose, bx, 0.0)] * n
        span = width * 0.8
        return [self.robot_to_screen(pose, bx, span / 2 - i * span / (n - 1)) for i in range(n)]

    def _body_dims(self) -> tuple[float, float, float]:
        b = self.body
        return float(b.length_mm), float(b.width_mm), float(b.front_mm)

    # -- the light strip -------------------------------------------------------------------
    def _strip_grid(self, n: int, width: int) -> tuple[int, int, int]:
        return _strip_grid(n, width)

    def _strip_height(self, n: int, width: int) -> int:
        return _strip_height(n, width, self._font_small.get_height())

    def swatches(self, n: int) -> list[pygame.Rect]:
        """Where the strip draws the robot's `n` lights: light 1 first, left to right, then
        the next row."""
        r = self.strip_rect
        per_row, _, size = self._strip_grid(max(1, n), r.width)
        top = r.y + SWATCH_GAP + self._font_small.get_height() + SWATCH_GAP
        return [pygame.Rect(r.x + SWATCH_GAP + (i % per_row) * (size + SWATCH_GAP),
                            top + (i // per_row) * (size + SWATCH_GAP), size, size)
                for i in range(n)]

    # -- text ------------------------------------------------------------------------------
    def _t(self, key: str, **fields: object) -> str:
        return _say(self.lang, key, **fields)

    def _text(self, text: str, font: pygame.font.Font, colour: RGB) -> pygame.Surface:
        # rendered text is cached: the same words are drawn every frame
        key = (text, id(font), colour)
        surf = self._text_cache.get(key)
        if surf is None:
            if len(self._text_cache) > 256:
                self._text_cache.clear()
            surf = self._text_cache[key] = font.render(text, True, colour)
        return surf

    @staticmethod
    def _wrap(text: str, font: pygame.font.Font, width: float) -> list[str]:
        """`text` in lines no wider than `width` where its words allow (a zone's name stays
        inside the zone, off the walls around it)."""
        rows: list[str] = []
        for word in text.split():
            if rows and font.size(f"{rows[-1]} {word}")[0] <= width:
                rows[-1] = f"{rows[-1]} {word}"
            else:
                rows.append(word)
        return rows

    # -- the static world, drawn once ------------------------------------------------------
    def _render_static(self) -> pygame.Surface:
        surf = pygame.Surface(self.size)
        surf.fill(BACKGROUND)
        pygame.draw.rect(surf, TABLE, self.world_rect)
        pygame.draw.rect(surf, TABLE_EDGE, self.world_rect.inflate(2, 2), 1)
        surf.set_clip(self.world_rect)
        world = self.world
        zones = list(getattr(world, "zones", None) or ())
        for zone in zones:
            pts = [self._to_screen(x, y) for x, y in zone.polygon]
            if len(pts) >= 3:
                pygame.draw.polygon(surf, ZONE_FILL, pts)
                pygame.draw.polygon(surf, ZONE_EDGE, pts, 2)
        for track in getattr(world, "lines", None) or ():
            self._draw_track(surf, track.points, float(track.width))
        for wall in getattr(world, "walls", None) or ():
            pts = [self._to_screen(x, y) for x, y in wall]
            if len(pts) >= 3:
                pygame.draw.polygon(surf, WALL, pts)
            elif len(pts) == 2:
                pygame.draw.line(surf, WALL, pts[0], pts[1], max(2, round(10 * self.scale)))
        for zone in zones:  # names last, so a line never hides them
            name = str(getattr(zone, "name", "") or "")
            name = zone_label(name, self.lang) if name else ""
            if name and zone.polygon:
                xs = [self._to_screen(x, y) for x, y in zone.polygon]
                left = min(p[0] for p in xs) + 6
                top = min(p[1] for p in xs) + 4
                room = max(p[0] for p in xs) - left - 4
                # rows of words; a smaller type when a word is wider than the zone
                font = self._font_small
                rows = self._wrap(name, font, room)
                if max(font.size(r)[0] for r in rows) > room:
                    font = self._font_tiny
                    rows = self._wrap(name, font, room)
                for row in rows:
                    label = self._text(row, font, ZONE_TEXT)
                    surf.blit(label, (left, top))
                    top += label.get_height()
        surf.set_clip(None)
        strip = self.strip_rect
        pygame.draw.rect(surf, HOUSING, strip, border_radius=6)
        title = self._text(self._t("view.lights"), self._font_small, TEXT_LIGHT)
        surf.blit(title, (strip.x + SWATCH_GAP, strip.y + SWATCH_GAP))
        # the bottom bar never changes: the two buttons and the key hint
        bar = pygame.Rect(0, self.size[1] - BAR_H, self.size[0], BAR_H)
        pygame.draw.rect(surf, BAR, bar)
        hint = self._text(self._t("view.buttons_hint"), self._font_small, TEXT)
        if MARGIN + hint.get_width() + MARGIN <= min(r.x for r in self.buttons.values()):
            surf.blit(hint, (MARGIN, bar.centery - hint.get_height() // 2))
        for action, rect in self.buttons.items():
            pygame.draw.rect(surf, BUTTON, rect, border_radius=8)
            pygame.draw.rect(surf, BUTTON_EDGE, rect, 2, border_radius=8)
            label = self._text(action[-1].upper(), self._font, TEXT)
            surf.blit(label, label.get_rect(center=rect.center))
        # the display's own pixel format blits fastest; offscreen there may be no display yet
        return surf.convert() if pygame.display.get_surface() is not None else surf

    def _draw_track(
        self, surf: pygame.Surface, points: Iterable[Sequence[float]], width_mm: float
    ) -> None:
        pts = [self._to_screen(x, y) for x, y in points]
        half = max(0.5, width_mm * self.scale / 2)
        # each segment as a quad and each joint as a disc: a thick line with round joins
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            dx, dy = x1 - x0, y1 - y0
            d = math.hypot(dx, dy)
            if d == 0:
                continue
            nx, ny = -dy / d * half, dx / d * half
            quad = [(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)]
            pygame.draw.polygon(surf, LINE, quad)
        if half >= 1.5:
            for p in pts:
                pygame.draw.circle(surf, LINE, p, half)

    # -- the banner's states ---------------------------------------------------------------
    def show_state(self, state: str) -> None:
        """Have the banner show `state` after the states before it (none is skipped)."""
        if state not in _STATE_COLOUR:
            raise ValueError(f"unknown state {state!r}: use one of {list(_STATE_COLOUR)}")
        if state == (self._pending[-1] if self._pending else self._word):
            return
        self._pending.append(state)
        while len(self._pending) > MAX_PENDING:  # far behind: keep the latest states
            self._pending.popleft()

    @property
    def state(self) -> str | None:
        """The state the banner shows now."""
        return self._word

    @property
    def settled(self) -> bool:
        """True when the banner shows the last state it was given, its colour steady."""
        return self._word is not None and not self._pending and not self._banner.fading

    @property
    def dwell(self) -> float:
        """Seconds a state's colour stays before the next may replace it (the hold)."""
        return self._hold / 1000

    def _advance(self, now_ms: float) -> None:
        # at most one new word a frame, so every word is drawn at least once
        if not self._pending:
            return
        nxt, word = self._pending[0], self._word
        if word is not None:
            recolour = _STATE_COLOUR[nxt] != _STATE_COLOUR[word]
            if now_ms - self._word_t0 < WORD_MS or (
                    recolour and now_ms - self._colour_t0 < self._hold):
                return
            if recolour:
                self._colour_t0 = now_ms
        self._pending.popleft()
        self._word, self._word_t0 = nxt, now_ms
        self.states.append((round(now_ms / 1000, 4), nxt))

    # -- per frame -----------------------------------------------------------------------
    def draw(self, pose: Any, board: Any, state: str | None = None, sensors: Any = None
             ) -> None:
        """Draw one frame and show it: the world, the robot at `pose` with `board`'s lights
        (on the robot and in the strip), the banner and, when switched on, the `sensors`
        panel (default: the board's own sensors). A `state` is queued as `show_state` does;
        with none ever given the banner shows "ready"."""
        if state is not None:
            self.show_state(state)
        elif self._word is None and not self._pending:
            self.show_state("ready")
        now_ms = self.clock() * 1000.0
        screen = self.screen
        screen.blit(self._static, (0, 0))
        if sensors is None:
            sensors = getattr(board, "sensors", None)
        shown = self._light_colours(list(getattr(board, "lights", ()) or ()), now_ms)
        screen.set_clip(self.world_rect)
        self._draw_robot(screen, pose, shown)
        if self.show_sensors and sensors is not None:
            self._draw_sensor_marks(screen, pose, sensors)
        screen.set_clip(None)
        self._draw_strip(screen, shown)
        self._advance(now_ms)
        self._draw_banner(screen, now_ms)
        if self.panel_rect.width:  # compact frames have no sensor column
            self._draw_panel(screen, sensors if self.show_sensors else None)
        if not self.offscreen:
            pygame.display.flip()

    def _light_colours(self, lights: list[Any], now_ms: float) -> list[RGB]:
        # each light through the profile's cap and the steady/fade guard, once a frame:
        # the robot's spots and the strip show the same colours
        while len(self._lights) < len(lights):
            self._lights.append(_Steady(self._hold, self.profile.fade_ms))
        del self._lights[len(lights):]
        cap = self.profile.brightness_cap
        return [steady.update(capped(rgb, cap), now_ms)
                for steady, rgb in zip(self._lights, lights, strict=True)]

    def _draw_strip(self, screen: pygame.Surface, shown: list[RGB]) -> None:
        for i, (rect, colour) in enumerate(zip(self.swatches(len(shown)), shown, strict=True)):
            lit = max(colour) > 0
            pygame.draw.rect(screen, colour if lit else LIGHT_OFF, rect, border_radius=4)
            pygame.draw.rect(screen, SWATCH_EDGE, rect, 1, border_radius=4)
            number = self._text(str(i + 1), self._font_small,
                                TEXT if lit and _contrast(TEXT, colour) > _contrast(
                                    TEXT_LIGHT, colour) else TEXT_LIGHT)
            screen.blit(number, number.get_rect(center=rect.center))

    def _draw_robot(self, screen: pygame.Surface, pose: Any, shown: list[RGB]) -> None:
        length, width, front = self._body_dims()
        rear = front - length
        hw = width / 2
        body = [self.robot_to_screen(pose, bx, by)
                for bx, by in ((front, hw), (front, -hw), (rear, -hw), (rear, hw))]
        pygame.draw.polygon(screen, BODY, body)
        pygame.draw.polygon(screen, BODY_EDGE, body, 2)
        # front marker: a pale wedge pointing the way the robot faces
        tip = front - length * 0.04
        base = front - length * 0.24
        wedge = [self.robot_to_screen(pose, bx, by)
                 for bx, by in ((tip, 0.0), (base, hw * 0.6), (base, -hw * 0.6))]
        pygame.draw.polygon(screen, FRONT, wedge)

        spots = self.light_spots(pose, len(shown))
        if not spots:
            return
        gap = width * 0.8 / max(1, len(shown) - 1) * self.scale
        radius = max(3.0, min(gap * 0.42, width * self.scale * 0.12))
        for spot, colour in zip(spots, shown, strict=True):
            pygame.draw.circle(screen, colour if max(colour) else LIGHT_OFF, spot, radius)

    def _draw_sensor_marks(self, screen: pygame.Surface, pose: Any, sensors: Any) -> None:
        # where the robot senses: line sensors as small squares (filled when dark), the
        # sonar as a thin ray as long as the measured distance
        side = max(3, round(8 * self.scale))
        for attr, seen in (("line_left_mm", "line_left"), ("line_right_mm", "line_right")):
            at = getattr(self.body, attr, None)
            if at is None:
                continue
            x, y = self.robot_to_screen(pose, at[0], at[1])
            rect = pygame.Rect(0, 0, side, side)
            rect.center = (round(x), round(y))
            dark = bool(_field(sensors, seen, False))
            pygame.draw.rect(screen, LINE if dark else SENSOR_MARK, rect)
            pygame.draw.rect(screen, BODY_EDGE, rect, 1)
        at = getattr(self.body, "sonar_mm", None)
        dist = _field(sensors, "distance_mm")
        if at is not None and dist is not None:
            start = self.robot_to_screen(pose, at[0], at[1])
            end = self.robot_to_screen(pose, at[0] + float(dist), at[1])
            pygame.draw.line(screen, SONAR_RAY, start, end, 1)

    def _draw_banner(self, screen: pygame.Surface, now_ms: float) -> None:
        shown_state = self._word or "ready"
        want = capped(_STATE_COLOUR[shown_state], self.profile.brightness_cap)
        colour = self._banner.update(want, now_ms, shown_state)  # the word and colour together
        pygame.draw.rect(screen, colour, self.banner_rect)
        target = self._banner.to
        ink = _ink_on(target)
        # the state's 5x5 sign, the same one the robot's display shows
        cell = 7
        x0 = MARGIN + 4
        y0 = self.banner_rect.centery - (5 * cell) // 2
        sign = _STATE_SIGN[shown_state]
        for i in range(25):
            if sign >> (24 - i) & 1:
                pygame.draw.rect(screen, ink, (x0 + (i % 5) * cell, y0 + (i // 5) * cell,
                                               cell - 1, cell - 1))
        word = self._text(self._t(f"view.state.{shown_state}"), self._font_big, ink)
        screen.blit(word, (x0 + 5 * cell + 16, self.banner_rect.centery - word.get_height() // 2))

    def _draw_panel(self, screen: pygame.Surface, sensors: Any) -> None:
        # a label above each reading: short lines, and no punctuation rules per language
        rect = self.panel_rect
        pygame.draw.rect(screen, PANEL, rect, border_radius=6)
        pygame.draw.rect(screen, PANEL_EDGE, rect, 1, border_radius=6)
        x, y = rect.x + 12, rect.y + 10
        title = self._text(self._t("view.sensors"), self._font, TEXT)
        screen.blit(title, (x, y))
        y += title.get_height() + 10
        if self.show_sensors and sensors is not None:
            dist = _field(sensors, "distance_mm")
            light = _field(sensors, "light")
            rows = [
                ("view.distance", self._t("view.no_echo") if dist is None
                 else self._t("view.distance_cm", cm=round(float(dist) / 10))),
                ("view.line_left", self._t("view.line_dark" if _field(sensors, "line_left")
                                           else "view.line_not_dark")),
                ("view.line_right", self._t("view.line_dark" if _field(sensors, "line_right")
                                            else "view.line_not_dark")),
                ("view.light", "" if light is None else str(int(light))),
            ]
            for key, value in rows:
                label = self._text(self._t(key), self._font_small, PANEL_LABEL)
                screen.blit(label, (x, y))
                y += label.get_height() + 2
                shown = self._text(value, self._font, TEXT)
                screen.blit(shown, (x + 8, y))
                y += shown.get_height() + 8
        hint = self._t("view.hide_hint" if self.show_sensors else "view.show_hint")
        surf = self._text(hint, self._font_small, PANEL_LABEL)
        screen.blit(surf, (x, rect.bottom - surf.get_height() - 10))

    # -- events ----------------------------------------------------------------------------
    def pump(self) -> list[str]:
        """Read the window's events. Returns actions: "quit" (window closed or Escape),
        "toggle_sensors" (S; the view also switches its panel), "press_a"/"press_b" (keys A,
        B or the on-screen buttons) and "release_a"/"release_b" when they are let go."""
        if self.offscreen:  # the window showing the frame reads its own events
            return []
        actions: list[str] = []
        for event in pygame.event.get():
            actions += self.handle(event)
        return actions

    def handle(self, event: pygame.event.Event) -> list[str]:
        """The actions one event gives, as `pump()` reads them (positions in frame pixels)."""
        actions: list[str] = []
        if event.type == pygame.QUIT:
            actions.append("quit")
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                actions.append("quit")
            elif event.key == pygame.K_s:
                self.show_sensors = not self.show_sensors
                actions.append("toggle_sensors")
            elif event.key == pygame.K_a:
                actions.append("press_a")
            elif event.key == pygame.K_b:
                actions.append("press_b")
        elif event.type == pygame.KEYUP:
            if event.key == pygame.K_a:
                actions.append("release_a")
            elif event.key == pygame.K_b:
                actions.append("release_b")
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            # event.pos, not mouse.get_pos(): posted events do not move the mouse
            for action, rect in self.buttons.items():
                if rect.collidepoint(event.pos):
                    self._mouse_down = action
                    actions.append(action)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._mouse_down:
            actions.append(self._mouse_down.replace("press", "release"))
            self._mouse_down = None
        return actions

    def screenshot(self, path: str | Path) -> None:
        """Save the window as a PNG, whatever the file name ends with."""
        with open(path, "wb") as f:
            pygame.image.save(self.screen, f, "png")

    def close(self) -> None:
        if not self.offscreen:  # offscreen, the display belongs to the window showing us
            pygame.display.quit()
