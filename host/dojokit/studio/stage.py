"""The studio's stage (right of the script): what the robot does.

A simulated kit is drawn by the simulator window's own renderer (dojokit.sim.view.SimView,
offscreen), fitted into the stage: the window's layout (sensor column beside the table) or
the compact one (light strip under the table), whichever draws the table larger. The frame
carries the state banner (the feedback vocabulary's sign and word, played in order and held
calmly) and the light strip (each light at least 24 px, so its colour can be told).

A real kit is shown by its identity, large (name, colour swatch and colour word, number,
the connection), under the same state row: the state's light colour with its sign, and its
word on the panel, so the word keeps its contrast whatever the colour.

Say and think bubbles hang beside the robot on the table (Scratch's shapes: a say bubble
has a pointed tail, a think bubble small circles); on a real kit, under its identity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pygame

from dojokit.feedback import STATES, capped
from dojokit.i18n import LANGUAGES, catalog, language
from dojokit.i18n import text as catalog_text
from dojokit.robot.profiles import PROFILES
from dojokit.sim.view import SimView, _hold_ms, _ink_on, _Steady
from dojokit.studio.theme import Theme, font, px, small_font, text_font, title_font, wrap
from dojokit.studio.theme import theme as theme_named

RGB = tuple[int, int, int]

# A kit's identity colours, by the number a mentor gives it when flashing: the firmware's
# table (firmware/dk_core.py COLOURS; a test checks they are equal) and their catalog words
# (colour.<number>, as `dojokit ping` says them).
IDENTITY_COLOURS: tuple[RGB, ...] = ((0, 80, 255), (0, 200, 60), (255, 200, 0), (255, 110, 0),
                                     (150, 0, 255), (255, 60, 160), (0, 200, 200),
                                     (200, 200, 200))
IDENTITY_NAMES = ("blue", "green", "yellow", "orange", "purple", "pink", "turquoise", "white")

# the vocabulary's "waiting" is the state of a robot waiting for its link
STATE_ALIASES = {"waiting_link": "waiting"}
_COLOUR = {name: rgb for name, rgb, _ in STATES}
_SIGN = {name: sign for name, _, sign in STATES}
# the simulator banner's words; a real kit's waiting says what it waits for
_WORD = {name: f"view.state.{name}" for name in _COLOUR} | {
    "waiting": "studio_stage.state.waiting"}
BUBBLES = ("say", "think")


@dataclass(frozen=True)
class RealKit:
    name: str
    colour: int  # index into IDENTITY_COLOURS
    number: int | None
    port: str


@dataclass(frozen=True)
class DrawnText:
    """One text the stage drew this frame: what, in which ink, on which background, where
    (tests measure contrast and that nothing leaves the stage)."""

    text: str
    ink: RGB
    background: RGB
    rect: pygame.Rect


def identity_colour(colour: str | int) -> int:
    """The identity colour's number from a number ("2", 2) or its name ("yellow")."""
    if isinstance(colour, int) or str(colour).strip().isdigit():
        number = int(colour)
        if 0 <= number < len(IDENTITY_COLOURS):
            return number
    elif str(colour).strip().lower() in IDENTITY_NAMES:
        return IDENTITY_NAMES.index(str(colour).strip().lower())
    raise ValueError(f"unknown kit colour {colour!r}: use 0-{len(IDENTITY_COLOURS) - 1} or "
                     f"one of {list(IDENTITY_NAMES)}")


# how far a calm screen softens an identity colour towards its panel (0: as the firmware's)
SOFTEN = {"calm": 0.3, "standard": 0.0}


def identity_swatch(colour: int, profile: str, th: Theme) -> RGB:
    """The on-screen colour of identity colour `colour`: still named the same."""
    f = SOFTEN.get(profile, 0.0)
    return tuple(round(c + (p - c) * f)  # type: ignore[return-value]
                 for c, p in zip(IDENTITY_COLOURS[colour], th.panel, strict=True))


class Stage:
    """The stage panel. Call `draw(surface, rect)` once per frame."""

    def __init__(self, theme: Theme | str, scale: float, lang: str, profile: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown sensory profile {profile!r}: use one of {sorted(PROFILES)}")
        self.theme = theme_named(theme) if isinstance(theme, str) else theme
        self.scale = float(scale)
        self.lang = lang if lang in LANGUAGES else language()
        self.profile = profile
        self.clock = clock  # seconds; tests step it
        self.kit: Any = None  # a SimKit
        self.real: RealKit | None = None
        self.state = "ready"
        self._states: list[str] = []  # states given before the frame exists, in order
        self.bubble_kind = ""
        self.bubble_text = ""
        self.view: SimView | None = None
        self._view_key: tuple[Any, ...] = ()
        self.frame_rect: pygame.Rect | None = None  # where the sim frame was drawn
        self.bubble_rect: pygame.Rect | None = None
        self.texts: list[DrawnText] = []  # the texts of the last frame
        prof = PROFILES[profile]
        self._chip = _Steady(_hold_ms(prof), prof.fade_ms, follow=False)
        self._cache: dict[tuple[str, int, RGB], pygame.Surface] = {}

    # -- what is on the stage ------------------------------------------------------------
    def set_sim(self, kit: Any) -> None:
        """Show a simulated kit (dojokit.sim.kit.SimKit): its world, robot and lights."""
        self.kit, self.real = kit, None
        self.view, self._view_key = None, ()
        self._states = []

    def set_real(self, name: str, colour: str | int, number: int | None, port: str) -> None:
        """Show a real kit by its identity: `colour` is its colour number or name."""
        self.real = RealKit(name, identity_colour(colour), number, port)
        self.kit, self.view, self._view_key = None, None, ()

    def set_state(self, state: str) -> None:
        """ready, running, moving_soon, finished, not_yet, time_up, waiting (or
        waiting_link), low_battery: shown with its sign and word."""
        state = STATE_ALIASES.get(state, state)
        if state not in _COLOUR:
            known = sorted([*_COLOUR, *STATE_ALIASES])
            raise ValueError(f"unknown state {state!r}: use one of {known}")
        self.state = state
        if self.view is not None:
            self.view.show_state(state)
        elif self.kit is not None:  # the frame plays them all once it is drawn
            self._states = [*self._states[-5:], state]

    def bubble(self, kind: str, text: str) -> None:
        """A say or think bubble with `text`; an empty text takes it away."""
        if kind not in BUBBLES and text:
            raise ValueError(f"unknown bubble {kind!r}: use one of {list(BUBBLES)}")
        self.bubble_kind, self.bubble_text = (kind, text) if text else ("", "")

    def handle(self, event: pygame.event.Event) -> list[str]:
        """Clicks on the simulated robot's A and B buttons in the frame: "press_a",
        "release_a", ... (positions in the surface the stage is drawn on)."""
        view, frame = self.view, self.frame_rect
        if view is None or frame is None:
            return []
        if event.type not in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            return []
        if event.type == pygame.MOUSEBUTTONDOWN and not frame.collidepoint(event.pos):
            return []
        x, y = event.pos
        inner = pygame.event.Event(event.type, pos=(x - frame.x, y - frame.y),
                                   button=getattr(event, "button", 1))
        return view.handle(inner)

    # -- drawing -------------------------------------------------------------------------
    def _t(self, key: str, **fields: object) -> str:
        return catalog_text(key, self.lang).format(**fields)

    def _text(self, surface: pygame.Surface, text: str, f: pygame.font.Font, ink: RGB,
              background: RGB, at: tuple[int, int]) -> pygame.Rect:
        key = (text, id(f), ink)
        img = self._cache.get(key)
        if img is None:
            if len(self._cache) > 128:
                self._cache.clear()
            img = self._cache[key] = f.render(text, True, ink)
        rect = surface.blit(img, at)
        self.texts.append(DrawnText(text, ink, background, pygame.Rect(at, img.get_size())))
        return rect

    def draw(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """Draw the stage into `rect` of `surface` (nothing outside it)."""
        rect = pygame.Rect(rect)
        self.texts = []
        self.frame_rect = self.bubble_rect = None
        clip = surface.get_clip()
        surface.set_clip(rect.clip(clip) if clip else rect)
        try:
            pygame.draw.rect(surface, self.theme.panel, rect)
            if self.kit is not None:
                self._draw_sim(surface, rect)
            elif self.real is not None:
                self._draw_real_fitted(surface, rect)
            else:
                self._draw_nothing(surface, rect)
        finally:
            surface.set_clip(clip)

    def _sim_view(self, size: tuple[int, int]) -> SimView:
        kit = self.kit
        key = (id(kit), size, self.lang)
        if self.view is not None and key == self._view_key:
            return self.view
        lights = len(kit.board.lights)
        # the layout that draws the table largest; the window's on a tie
        best: tuple[float, bool] | None = None
        for compact in (False, True):
            s = SimView.fit_scale(kit.world, kit.body, lights, size[0], size[1],
                                  lang=self.lang, compact=compact)
            if s is not None and (best is None or s > best[0]):
                best = (s, compact)
        if best is None:  # smaller than the frame's fixed parts: the smallest table, clipped
            best = (1.0 / max(float(kit.world.width), float(kit.world.height)), True)
        view = SimView(kit.world, kit.body, self.profile, best[0], self.lang, clock=self.clock,
                       lights=lights, offscreen=True, compact=best[1])
        for state in self._states or [self.state]:
            view.show_state(state)
        self._states = []
        self.view, self._view_key = view, key
        return view

    def _draw_sim(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        kit = self.kit
        view = self._sim_view(rect.size)
        pose = kit.robot.pose
        view.draw(pose, kit.board, sensors=getattr(kit.board, "sensors", None))
        w, h = view.size
        frame = pygame.Rect(rect.x + max(0, (rect.width - w) // 2), rect.y, w, h)
        surface.blit(view.screen, frame)
        self.frame_rect = frame
        if self.bubble_text:
            body = view.body
            length, width = float(body.length_mm), float(body.width_mm)
            cx, cy = view.robot_to_screen(pose, float(body.front_mm) - length / 2, 0.0)
            reach = max(length, width) / 2 * view.scale
            area = view.world_rect.move(frame.topleft).clip(rect)
            spare = pygame.Rect(rect.x, frame.bottom, rect.width, rect.bottom - frame.bottom)
            self._draw_bubble(surface, (round(frame.x + cx), round(frame.y + cy)), reach, area,
                              self.scale, spare if spare.height > 0 else None)

    def _draw_state_row(self, surface: pygame.Surface, x: int, y: int, width: int,
                        s: float) -> int:
        """The state's light colour with its sign, and its word: returns the row's height."""
        th = self.theme
        want = capped(_COLOUR[self.state], PROFILES[self.profile].brightness_cap)
        colour = self._chip.update(want, self.clock() * 1000.0, self.state)
        if want == self._chip.to:
            self._chip.tag = self.state  # same colour (running, moving soon): the word moves on
        shown = self._chip.tag or self.state
        side = px(56, s)
        chip = pygame.Rect(x, y, side, side)
        pygame.draw.rect(surface, colour, chip, border_radius=px(8, s))
        ink = _ink_on(self._chip.to)
        cell = side // 7
        x0 = chip.x + (side - 5 * cell) // 2
        y0 = chip.y + (side - 5 * cell) // 2
        sign = _SIGN[shown]
        for i in range(25):
            if sign >> (24 - i) & 1:
                pygame.draw.rect(surface, ink, (x0 + (i % 5) * cell, y0 + (i // 5) * cell,
                                                cell - 1, cell - 1))
        f = title_font(s)
        room = width - side - px(12, s)
        lines = wrap(self._t(_WORD[shown]), f, room)
        top = y + max(0, (side - len(lines) * f.get_linesize()) // 2)
        for line in lines:
            self._text(surface, line, f, th.text, th.panel, (chip.right + px(12, s), top))
            top += f.get_linesize()
        return max(side, top - y)

    def _draw_real_fitted(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        # laid out again a step smaller when the learner's size does not fit the stage
        # (never below 100 %); the trial runs draw nothing (an empty clip)
        s = self.scale
        clip = surface.get_clip()
        while s > 1.0:
            surface.set_clip(pygame.Rect(0, 0, 0, 0))
            try:
                bottom = self._draw_real(surface, rect, s)
            finally:
                surface.set_clip(clip)
                self.texts = []
            if bottom <= rect.bottom:
                break
            s = max(1.0, s - 0.25)
        self._draw_real(surface, rect, s)

    def _draw_real(self, surface: pygame.Surface, rect: pygame.Rect, s: float) -> int:
        """The identity card at scale `s`; returns the bottom of what it drew."""
        assert self.real is not None
        th, real = self.theme, self.real
        pad = px(16, s)
        x, width = rect.x + pad, rect.width - 2 * pad
        y = rect.y + pad
        y += self._draw_state_row(surface, x, y, width, s) + pad
        pygame.draw.line(surface, th.muted_text, (x, y), (x + width, y), max(1, px(1, s)))
        y += pad
        for line in wrap(self._t("studio_stage.real_title"), small_font(s), width):
            self._text(surface, line, small_font(s), th.muted_text, th.panel, (x, y))
            y += small_font(s).get_linesize()
        # the name as large as fits (names are one word of at most 7 bytes)
        size = px(56, s)
        while size > px(18, s) and font(size, bold=True).size(real.name)[0] > width:
            size -= 2
        big = font(size, bold=True)
        for line in wrap(real.name, big, width):
            self._text(surface, line, big, th.text, th.panel, (x, y))
            y += big.get_linesize()
        y += px(8, s)
        # the colour: a swatch a child names as the word beside it says (a dimmed light
        # would read brown or olive on a panel), softened in the calm profile, outlined so
        # white shows on the light panel
        side = px(64, s)
        housing = pygame.Rect(x, y, side, side)
        pygame.draw.rect(surface, identity_swatch(real.colour, self.profile, th), housing,
                         border_radius=px(8, s))
        pygame.draw.rect(surface, th.text, housing, max(2, px(2, s)), border_radius=px(8, s))
        f = font(px(28, s))
        word = catalog(self.lang).get(f"colour.{real.colour}") or IDENTITY_NAMES[real.colour]
        wx = housing.right + px(12, s)
        lines = wrap(word, f, max(1, x + width - wx))
        top = y + max(0, (side - len(lines) * f.get_linesize()) // 2)
        for line in lines:
            self._text(surface, line, f, th.text, th.panel, (wx, top))
            top += f.get_linesize()
        y = max(housing.bottom, top) + px(12, s)
        if real.number is not None:
            for line in wrap(self._t("studio_stage.number", number=real.number), f, width):
                self._text(surface, line, f, th.text, th.panel, (x, y))
                y += f.get_linesize()
            y += px(8, s)
        if real.port:
            sf = small_font(s)
            for line in wrap(self._t("studio_stage.port", port=real.port), sf, width):
                self._text(surface, line, sf, th.muted_text, th.panel, (x, y))
                y += sf.get_linesize()
        if self.bubble_text:
            area = pygame.Rect(rect.x, y + px(8, s), rect.width,
                               max(rect.bottom, y + px(400, s)) - y - px(8, s))
            self._draw_bubble(surface, None, 0.0, area, s)
            assert self.bubble_rect is not None
            y = self.bubble_rect.bottom
        return y + pad

    def _draw_nothing(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        th, s = self.theme, self.scale
        pad = px(16, s)
        y = rect.y + pad
        for line in wrap(self._t("studio_stage.no_kit"), text_font(s), rect.width - 2 * pad):
            self._text(surface, line, text_font(s), th.text, th.panel, (rect.x + pad, y))
            y += text_font(s).get_linesize()

    def _draw_bubble(self, surface: pygame.Surface, anchor: tuple[int, int] | None,
                     reach: float, area: pygame.Rect, s: float,
                     spare: pygame.Rect | None = None) -> None:
        """The bubble above the robot at `anchor`, or below it, inside `area` (the table),
        its tail pointing at the robot. When neither fits, it goes to the `spare` place
        (the stage under the frame), else to the table's far side from the robot, without
        a tail; with no anchor, at the top of `area` without a tail. Never over the robot
        when there is any other room."""
        th = self.theme
        f = text_font(s)
        pad = px(12, s)
        tail = px(18, s)
        gap = px(4, s)
        line_w = max(2, px(2, s))

        def shape(room: int) -> tuple[list[str], pygame.Rect]:
            lines = wrap(self.bubble_text, f, max(px(80, s), min(room, px(340, s))) - 2 * pad)
            w = max(f.size(line)[0] for line in lines) + 2 * pad
            return lines, pygame.Rect(0, 0, w, len(lines) * f.get_linesize() + 2 * pad)

        lines, box = shape(area.width - 2 * gap)
        below = False
        if anchor is None:
            box.topleft = (area.x + px(16, s), area.y + gap)
        else:
            ax, ay = anchor
            placed = False
            for below in (False, True):
                box.left = ax - px(16, s)
                if below:
                    box.top = round(ay + reach + tail)
                else:
                    box.bottom = round(ay - reach - tail)
                box.x = max(area.x + gap, min(box.x, area.right - gap - box.width))
                if area.contains(box):
                    placed = True
                    break
            if not placed:
                anchor = None  # no tail: the bubble is away from the robot
                if spare is not None and spare.width > 2 * gap:
                    lines, box = shape(spare.width - 2 * gap)
                if spare is not None and spare.height >= box.height + 2 * gap:
                    box.topleft = (spare.x + px(16, s), spare.y + gap)
                    area = spare
                elif ay > area.centery:
                    box.topleft = (ax - px(16, s), area.y + gap)
                else:
                    box.bottomleft = (ax - px(16, s), area.bottom - gap)
        box.clamp_ip(area)
        self.bubble_rect = box
        radius = px(14, s) if self.bubble_kind == "say" else px(22, s)
        pygame.draw.rect(surface, th.input_bg, box, border_radius=radius)
        pygame.draw.rect(surface, th.muted_text, box, line_w, border_radius=radius)
        if anchor is not None:
            edge = box.top if below else box.bottom
            inside = line_w if below else -line_w  # over the outline: the tail joins the box
            tip = (ax, round(ay + reach) if below else round(ay - reach))
            bx = min(max(ax, box.left + radius + px(8, s)), box.right - radius - px(8, s))
            if self.bubble_kind == "say":
                base = [(bx - px(8, s), edge), (bx + px(8, s), edge)]
                pygame.draw.polygon(surface, th.input_bg,
                                    [(base[0][0], edge + inside), (base[1][0], edge + inside),
                                     tip])
                pygame.draw.lines(surface, th.muted_text, False, [base[0], tip, base[1]],
                                  line_w)
            else:  # thinking: two small circles between the bubble and the robot
                for part, r in ((0.35, px(7, s)), (0.75, px(4, s))):
                    centre = (round(bx + (tip[0] - bx) * part),
                              round(edge + (tip[1] - edge) * part))
                    pygame.draw.circle(surface, th.input_bg, centre, r)
                    pygame.draw.circle(surface, th.muted_text, centre, r, max(1, px(2, s)))
        y = box.y + pad
        for line in lines:
            self._text(surface, line, f, th.text, th.input_bg, (box.x + pad, y))
            y += f.get_linesize()
