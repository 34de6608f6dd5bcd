"""The studio window: one fixed layout, the same in every box (TEACCH work system).

    +-------------------------------------------------------------+
    | card: what do I do, how much, when am I finished, what next |
    +-----------+-------------------------------+-----------------+
    | palette   | script area                   | stage           |
    +-----------+-------------------------------+-----------------+
    | Run  Stop  Am I finished?   Undo Redo Put back  ...         |
    +-------------------------------------------------------------+

Everything works by click-to-place (choose a block, then choose where it goes), by dragging
(with the landing place shown before the drop) and by keyboard alone (Tab between regions,
arrows inside one, Enter, Escape, Delete, Ctrl+Z / Ctrl+Y). The focus ring is always drawn.

The window runs on one asyncio loop: frames, the robot link and the learner's program share
it, so Stop stops the robot at once. "Am I finished?" grades on virtual time in a worker
thread, so the window keeps answering while it checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pygame

from dojokit.i18n import catalog
from dojokit.scratch.blocks import block_def
from dojokit.studio import icons
from dojokit.studio.canvas import Layout, Painter, Piece
from dojokit.studio.editor import AnswerBox, Editor, say
from dojokit.studio.palette import Palette
from dojokit.studio.program import EditError, Place, Program
from dojokit.studio.theme import (
    MIN_TARGET,
    SCALES,
    Theme,
    category_colour,
    draw_focus,
    font,
    px,
    theme,
    wrap,
)

DEFAULT_SIZE = (1280, 800)
DRAG_START = 8  # px the pointer moves before a press becomes a drag
SNAP = 70  # px at 100 %: how near a place must be for a drag to land there
SLOT_HALF = 22  # half a slot's height: where a reporter's middle is from its top
SIDEWAYS = 0.4  # how much a sideways distance counts against the snap distance
REGIONS = ("card", "palette", "script", "stage", "buttons")
BUTTONS = ("run", "stop", "check", "undo", "redo", "putback", "open", "saveas", "export",
           "smaller", "bigger")


@dataclass
class Button:
    id: str
    rect: pygame.Rect
    label: str
    enabled: bool = True


@dataclass
class Holding:
    """What the learner is placing: a new block from the palette, or a picked-up block."""

    opcode: str | None = None
    block_id: str | None = None


@dataclass
class Drag:
    start: tuple[int, int]
    source: str  # "palette" | "script"
    opcode: str | None = None
    block_id: str | None = None
    grab: tuple[int, int] = (0, 0)  # pointer minus the block's top-left
    pos: tuple[int, int] = (0, 0)
    active: bool = False
    place: Place | None = None
    # found once per drag (the program does not change while a block is dragged): where each
    # place it may go is on screen, and the blocks that move
    markers: list[tuple[Place, pygame.Rect]] | None = None
    hidden: set[str] | None = None


@dataclass
class Feedback:
    verdict: str  # finished | not_yet
    lines: list[str] = field(default_factory=list)


class Studio:
    """The studio's state and drawing; `StudioRunner` drives it with a robot."""

    def __init__(self, program: Program, palette: tuple[str, ...], *, lang: str = "en",
                 profile: str = "calm", scale: float = 1.0, size: tuple[int, int] = DEFAULT_SIZE,
                 card_factory: Callable[..., Any] | None = None,
                 stage: Any = None, on_change: Callable[[], None] | None = None) -> None:
        self.program = program
        self.palette_ops = palette
        self.lang = lang
        self.profile = profile
        self.th: Theme = theme(profile)
        self.scale = scale
        self.size = size
        self.card_factory = card_factory
        self.card: Any = None
        self.stage = stage
        self.on_change = on_change
        self.holding: Holding | None = None
        self.drag: Drag | None = None
        self.editor: Editor | None = None
        self.answer_box: AnswerBox | None = None  # a program's question, waiting for words
        self.answers: list[str] = []
        self.feedback: Feedback | None = None
        self.region = "palette"
        self.index = 0
        self.scroll = [0, 0]  # script area scroll, px
        self.pal_scroll = 0
        self.state = "waiting_link"
        self.checking = False  # "Am I finished?" is being answered
        self.steps_done = 0
        self.finished = False
        self.message: str | None = None  # one calm sentence under the buttons
        self.actions: list[str] = []  # button presses for the runner (run, stop, check, ...)
        self.quit = False
        self.dirty = True
        self._layout: Layout | None = None
        self._layout_key: tuple[Any, ...] | None = None
        self.relayout()

    # -- text -------------------------------------------------------------------------------
    def t(self, key: str, **fields: object) -> str:
        return say(key, self.lang, **fields)

    # -- layout ---------------------------------------------------------------------------------
    def relayout(self) -> None:
        s, (w, h) = self.scale, self.size
        m = px(8, s)
        self.font = font(px(18, s))
        self.bold = font(px(18, s), bold=True)
        self.palette = Palette(self.palette_ops, self.th, s, self.lang)
        self.painter = Painter(self.th, s)
        if self.card_factory is not None:
            self.card = self.card_factory(self.lang, s, self.th)
        card_h = self.card.height_for(w - 2 * m) if self.card is not None else px(120, s)
        self._layout_buttons()
        # the card is shown whole; the work area keeps at least a fifth of the window
        card_h = min(card_h, self.bar_rect.y - 2 * m - max(px(90, s), int(h * 0.15)))
        self.card_rect = pygame.Rect(m, m, w - 2 * m, card_h)
        top = self.card_rect.bottom + m
        bottom = self.bar_rect.y - m
        # the palette shows its widest block whole when it can; the stage gives way first
        pal_w = min(self.palette.width, int(w * 0.36))
        stage_w = max(int(w * 0.27), 340)  # the simulator's frame needs about 320 px
        self.palette_rect = pygame.Rect(m, top, pal_w, bottom - top)
        self.stage_rect = pygame.Rect(w - m - stage_w, top, stage_w, bottom - top)
        self.script_rect = pygame.Rect(self.palette_rect.right + m, top,
                                       self.stage_rect.x - m - self.palette_rect.right - m,
                                       bottom - top)
        self.tray_rect = pygame.Rect(0, 0, 0, 0)
        self._layout_key = None
        self.dirty = True

    def _layout_buttons(self) -> None:
        s, (w, h) = self.scale, self.size
        m = px(8, s)
        labels = {b: self.t(f"studio.button.{b}", n=len(self.program.tray)) for b in BUTTONS}
        if not self.program.tray:  # "(0)" says nothing: the button is simply not active
            labels["putback"] = self.t("studio.button.putback_empty")
        if self.finished:
            labels["next"] = self.t("studio.button.next")
        def measure(size: int) -> dict[str, int]:
            self.bold = font(px(size, s), bold=True)
            pad = px(12 if size >= 16 else 8, s)
            return {b: max(px(MIN_TARGET + 4, s), self.bold.size(lbl)[0] + 2 * pad)
                    for b, lbl in labels.items()}

        # one row when it fits (a slightly smaller type before a second row); two rows
        # anyway: then at the full size
        for size in (18, 17, 16, 15, 14, 13):
            widths = measure(size)
            if sum(widths.values()) + (len(widths) + 1) * m <= w:
                break
        else:
            widths = measure(18)
        bh = max(px(MIN_TARGET + 4, s), self.bold.get_height() + px(16, s))
        # rows of buttons: as many as fit, in a fixed order (the same place every time)
        rows: list[list[str]] = [[]]
        x = m
        for b in labels:
            if x + widths[b] > w - m and rows[-1]:
                rows.append([])
                x = m
            rows[-1].append(b)
            x += widths[b] + m
        bar_h = len(rows) * (bh + m) + m
        self.bar_rect = pygame.Rect(0, h - bar_h, w, bar_h)
        self.buttons = []
        y = self.bar_rect.y + m
        for row in rows:
            x = m
            for b in row:
                self.buttons.append(Button(b, pygame.Rect(x, y, widths[b], bh), labels[b]))
                x += widths[b] + m
            y += bh + m
        self._enable()

    def _enable(self) -> None:
        running = self.state in ("running", "moving_soon")
        for b in self.buttons:
            b.enabled = {
                "run": not running and self.state != "waiting_link" and not self.checking,
                "stop": running,
                "check": not running and not self.checking,
                "undo": self.program.can_undo,
                "redo": self.program.can_redo,
                "putback": bool(self.program.tray),
                "smaller": self.scale > SCALES[0],
                "bigger": self.scale < SCALES[-1],
            }.get(b.id, True)

    def set_state(self, state: str) -> None:
        self.state = state
        if self.stage is not None:
            self.stage.set_state(state)
        self._enable()
        self.dirty = True

    # -- the script layout ------------------------------------------------------------------
    def places(self) -> list[Place]:
        """Every place the held block may go (click-to-place shows them all)."""
        if self.holding is None:
            return []
        # asked several times a frame; found again only after an edit or another block held
        key = (self.program.changes, id(self.program), self.holding.block_id,
               self.holding.opcode)
        if key != self._places_key:
            self._places = self.candidate_places(self.holding.block_id, self.holding.opcode)
            self._places_key = key
        return self._places

    def candidate_places(self, block_id: str | None, opcode: str | None) -> list[Place]:
        p = self.program
        out: list[Place] = []
        for bid, b in p.blocks.items():
            if not isinstance(b, dict) or b.get("shadow"):
                continue
            d = block_def(b.get("opcode", ""))
            kinds = [Place("above", bid)] if b.get("topLevel") else []
            kinds.append(Place("next", bid))
            if d is not None:
                for s in d.slots:
                    if s.kind == "substack":
                        kinds.append(Place("substack", bid, s.name))
                    elif s.is_input:
                        kinds.append(Place("input", bid, s.name))
            for pl in kinds:
                if block_id is not None and pl.ref == block_id:
                    continue
                if p.can_place(block_id, pl, opcode):
                    out.append(pl)
        return out

    def layout(self) -> Layout:
        places: list[Place] = self.places()
        if self.drag is not None and self.drag.active:
            places = []  # a drag moves no block: the landing place is drawn over the program
        key = (self.program.changes, id(self.program), tuple(places), self.scale, self.lang)
        if self._layout is None or key != self._layout_key:
            origin = (px(16, self.scale), px(16, self.scale))
            self._layout = Layout(self.program, self.th, self.scale, self.lang, places).run(origin)
            self._layout_key = key
        return self._layout

    def to_script(self, pos: tuple[int, int]) -> tuple[int, int]:
        return (pos[0] - self.script_rect.x + self.scroll[0],
                pos[1] - self.script_rect.y + self.scroll[1])

    def from_script(self, rect: pygame.Rect) -> pygame.Rect:
        return rect.move(self.script_rect.x - self.scroll[0], self.script_rect.y - self.scroll[1])

    def to_palette(self, pos: tuple[int, int]) -> tuple[int, int]:
        return (pos[0] - self.palette_rect.x, pos[1] - self.palette_rect.y + self.pal_scroll)

    # -- focus ----------------------------------------------------------------------------------
    def targets(self, region: str | None = None) -> list[tuple[str, pygame.Rect, Any]]:
        """The focusable things of a region in order: (kind, screen rect, what)."""
        region = region or self.region
        if region == "palette":
            return [("palette", e.rect.move(self.palette_rect.x,
                                            self.palette_rect.y - self.pal_scroll), e)
                    for e in self.palette.entries]
        if region == "script":
            out: list[tuple[str, pygame.Rect, Any]] = [
                (pc.kind, self.from_script(pc.rect), pc) for pc in self.layout().targets()]
            if self.holding is not None:
                out.append(("newscript", self.script_rect.copy(), None))
            return out
        if region == "buttons":
            return [("button", b.rect, b) for b in self.buttons if b.enabled]
        if region == "card":
            return [("card", self.card_rect, None)]
        if region == "stage":
            view = getattr(self.stage, "view", None)
            frame = getattr(self.stage, "frame_rect", None)
            if view is not None and frame is not None:  # the simulated robot's A and B
                return [("robot_button", r.move(frame.x, frame.y), name)
                        for name, r in view.buttons.items()]
            return [("stage", self.stage_rect, None)]
        return []

    def focused(self) -> tuple[str, pygame.Rect, Any] | None:
        ts = self.targets()
        if not ts:
            return None
        self.index = max(0, min(self.index, len(ts) - 1))
        return ts[self.index]

    def focus_region(self, region: str, index: int = 0) -> None:
        self.region = region
        self.index = index
        self.dirty = True
        self._scroll_to_focus()

    def scroll_into_view(self, r: pygame.Rect) -> None:
        """Scroll the script area so the screen rectangle `r` is inside it."""
        view, m = self.script_rect, px(16, self.scale)
        if r.bottom > view.bottom:
            self.scroll[1] += r.bottom - view.bottom + m
        if r.top < view.top:
            self.scroll[1] -= view.top - r.top + m
        if r.right > view.right:
            self.scroll[0] += min(r.right - view.right + m, r.left - view.left - m)
        if r.left < view.left:
            self.scroll[0] -= view.left - r.left + m
        self.scroll = [max(0, self.scroll[0]), max(0, self.scroll[1])]
        self.dirty = True

    def _scroll_to_focus(self) -> None:
        f = self.focused()
        if f is None:
            return
        if self.region == "script" and f[0] != "newscript":
            self.scroll_into_view(f[1])
        elif self.region == "palette":
            r = f[1]
            if r.bottom > self.palette_rect.bottom:
                self.pal_scroll += r.bottom - self.palette_rect.bottom + px(12, self.scale)
            if r.top < self.palette_rect.top:
                self.pal_scroll = max(0, self.pal_scroll - (self.palette_rect.top - r.top)
                                      - px(12, self.scale))

    # -- editing actions ----------------------------------------------------------------------
    def changed(self) -> None:
        self._layout_key = None
        self._layout_buttons()
        self.feedback = None if self.feedback and self.feedback.verdict != "finished" \
            else self.feedback
        self.dirty = True
        if self.on_change is not None:
            self.on_change()

    def hold(self, holding: Holding | None) -> None:
        self.holding = holding
        self.message = None
        self._layout_key = None
        if holding is not None:
            # the places light up; the focus goes to the first one (keyboard users start there)
            self.focus_region("script", 0)
        self.dirty = True

    def place_at(self, place: Place) -> bool:
        h = self.holding
        if h is None:
            return False
        try:
            if h.block_id is not None:
                self.program.move(h.block_id, place)
            elif h.opcode is not None:
                bid = self.program.add(h.opcode, place)
                self.last_added = bid
        except EditError as exc:
            self.message = self.t(exc.key, **exc.fields) if exc.key in catalog("en") else None
            self.dirty = True
            return False
        self.holding = None
        self.changed()
        self.region = "script"
        return True

    def new_script_at(self, pos_in_script: tuple[int, int]) -> bool:
        x = pos_in_script[0] / self.scale - 16
        y = pos_in_script[1] / self.scale - 16
        return self.place_at(Place("top", x=max(0, x), y=max(0, y)))

    def free_spot(self) -> tuple[float, float]:
        """Where a new script goes when the keyboard puts one down: under all the others."""
        lay = self.layout()
        return 0.0, (lay.height / self.scale) + 24 if lay.pieces else 0.0

    def delete(self, block_id: str) -> None:
        self.program.delete(block_id)
        self.message = self.t("studio.deleted")
        self.changed()

    def undo(self) -> None:
        if self.program.undo():
            self.holding = None
            self.changed()

    def redo(self) -> None:
        if self.program.redo():
            self.holding = None
            self.changed()

    def put_back(self) -> None:
        if self.program.tray:
            self.program.put_back()
            self.changed()

    def set_scale(self, scale: float) -> None:
        if scale != self.scale:
            self.scale = scale
            self.relayout()

    def press(self, button: str) -> None:
        local: dict[str, Callable[[], None]] = {
            "undo": self.undo, "redo": self.redo, "putback": self.put_back,
            "smaller": lambda: self.set_scale(max(s for s in SCALES if s < self.scale)),
            "bigger": lambda: self.set_scale(min(s for s in SCALES if s > self.scale)),
        }
        for b in self.buttons:
            if b.id == button and not b.enabled:
                return
        if button in local:
            local[button]()
        else:
            self.actions.append(button)
        self.dirty = True

    def open_editor(self, pc: Piece) -> None:
        assert pc.block is not None and pc.slot is not None
        screen = pygame.Rect(0, 0, *self.size)
        self.editor = Editor(self.program, pc.block, pc.slot, self.th, self.scale, self.lang,
                             self.from_script(pc.rect), screen)
        if self.editor.kind == "text":
            pygame.key.start_text_input()
        self.dirty = True

    def ask(self, question: str) -> None:
        """A program asks: the large answer field opens (its answer goes to `answers`)."""
        self.answer_box = AnswerBox(question, self.th, self.scale, self.lang,
                                    pygame.Rect(0, 0, *self.size))
        pygame.key.start_text_input()
        self.dirty = True

    def close_editor(self, result: str | None) -> None:
        if self.editor is not None and self.editor.kind == "text":
            pygame.key.stop_text_input()
        self.editor = None
        if result == "done":
            self.changed()
        self.dirty = True

    # -- events ---------------------------------------------------------------------------------
    def handle(self, ev: pygame.event.Event) -> None:
        if ev.type == pygame.QUIT:
            self.quit = True
            return
        if ev.type == pygame.VIDEORESIZE:
            self.size = (max(ev.w, 800), max(ev.h, 600))
            self.relayout()
            return
        if self.answer_box is not None:
            answer = self.answer_box.handle(ev)
            if answer is not None:
                self.answers.append(answer)
                self.answer_box = None
                pygame.key.stop_text_input()
            self.dirty = True
            return
        if self.editor is not None:
            result = self.editor.handle(ev)
            if result is not None:
                self.close_editor(result)
            self.dirty = True
            return
        if ev.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP) and self.stage is not None \
                and self.stage_rect.collidepoint(ev.pos):
            # the simulated robot's own A and B buttons, pressed on the stage
            self.actions += self.stage.handle(ev)
        if ev.type == pygame.KEYDOWN:
            self.key(ev)
        elif ev.type == pygame.MOUSEBUTTONDOWN and ev.button == 1:
            self.mouse_down(ev.pos)
        elif ev.type == pygame.MOUSEMOTION:
            self.mouse_move(ev.pos)
        elif ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            self.mouse_up(ev.pos)
        elif ev.type == pygame.MOUSEWHEEL:
            self.wheel(ev.x, ev.y)

    def wheel(self, dx: int, dy: int, pos: tuple[int, int] | None = None) -> None:
        step = px(40, self.scale)
        pos = pos or getattr(self, "_pointer", self.script_rect.center)
        if self.palette_rect.collidepoint(pos):
            limit = max(0, self.palette.height - self.palette_rect.h)
            self.pal_scroll = max(0, min(limit, self.pal_scroll - dy * step))
        else:
            lay = self.layout()
            lim_x = max(0, lay.width - self.script_rect.w + step)
            lim_y = max(0, lay.height - self.script_rect.h + step)
            self.scroll[0] = max(0, min(lim_x, self.scroll[0] + dx * step))
            self.scroll[1] = max(0, min(lim_y, self.scroll[1] - dy * step))
        self.dirty = True

    def key(self, ev: pygame.event.Event) -> None:
        ctrl = bool(ev.mod & pygame.KMOD_CTRL)
        shift = bool(ev.mod & pygame.KMOD_SHIFT)
        k = ev.key
        self.dirty = True
        if ctrl and shift and k == pygame.K_F12:
            self.actions.append("teacher")
            return
        if ctrl and k == pygame.K_z:
            self.redo() if shift else self.undo()
            return
        if ctrl and k == pygame.K_y:
            self.redo()
            return
        if k == pygame.K_TAB:
            i = REGIONS.index(self.region)
            i = (i + (-1 if shift else 1)) % len(REGIONS)
            self.focus_region(REGIONS[i])
            return
        if k == pygame.K_ESCAPE:
            if self.holding is not None:
                self.hold(None)
                self.focus_region("palette", self.index)
            elif self.feedback is not None:
                self.feedback = None
            return
        ts = self.targets()
        if k in (pygame.K_DOWN, pygame.K_RIGHT) and ts:
            self.index = (self.index + 1) % len(ts)
            self._scroll_to_focus()
        elif k in (pygame.K_UP, pygame.K_LEFT) and ts:
            self.index = (self.index - 1) % len(ts)
            self._scroll_to_focus()
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            f = self.focused()
            if f is not None:
                self.activate(f)
        elif k in (pygame.K_DELETE, pygame.K_BACKSPACE):
            f = self.focused()
            if f is not None and f[0] == "block" and self.holding is None:
                self.delete(f[2].block)
                self.index = max(0, self.index - 1)

    def activate(self, f: tuple[str, pygame.Rect, Any]) -> None:
        kind, _rect, what = f
        if kind == "palette":
            self.hold(Holding(opcode=what.opcode))
            if not self.targets("script") or len(self.targets("script")) == 1:
                self.index = 0
        elif kind == "place":
            if self.place_at(what.place):
                self._focus_block(getattr(self, "last_added", None) if what.place else None)
        elif kind == "newscript":
            x, y = self.free_spot()
            self.place_at(Place("top", x=x, y=y))
        elif kind == "block":
            self.hold(Holding(block_id=what.block))
        elif kind == "slot":
            self.open_editor(what)
        elif kind == "button":
            self.press(what.id)
        elif kind == "card":
            self.tick_step()
        elif kind == "robot_button":  # Enter presses and lets go, as a click does
            self.actions += [what, what.replace("press_", "release_")]

    def _focus_block(self, block_id: str | None) -> None:
        self.region = "script"
        if block_id is None:
            return
        for i, (_, _, pc) in enumerate(self.targets("script")):
            if getattr(pc, "block", None) == block_id and pc.kind == "block":
                self.index = i
                return

    def tick_step(self) -> None:
        """The learner ticks the next step of the card's checklist (after the last, none)."""
        n = len(self.card.exercise.card.steps) if self.card is not None else 1
        self.steps_done = (self.steps_done + 1) % (n + 1)
        self.dirty = True

    def mouse_down(self, pos: tuple[int, int]) -> None:
        self._pointer = pos
        self.dirty = True
        if self.palette_rect.collidepoint(pos):
            e = self.palette.hit(self.to_palette(pos))
            if e is not None:
                top_left = e.rect.move(self.palette_rect.x, self.palette_rect.y - self.pal_scroll)
                self.drag = Drag(pos, "palette", opcode=e.opcode,
                                 grab=(pos[0] - top_left.x, pos[1] - top_left.y), pos=pos)
            return
        if self.script_rect.collidepoint(pos) and self.holding is None:
            pc = self.layout().hit(self.to_script(pos), ("slot", "block"))
            if pc is not None and pc.kind == "block" and pc.block is not None:
                r = self.from_script(pc.rect)
                self.drag = Drag(pos, "script", block_id=pc.block,
                                 grab=(pos[0] - r.x, pos[1] - r.y), pos=pos)

    def mouse_move(self, pos: tuple[int, int]) -> None:
        self._pointer = pos
        d = self.drag
        if d is None:
            return
        d.pos = pos
        if not d.active and (abs(pos[0] - d.start[0]) + abs(pos[1] - d.start[1])) > DRAG_START:
            d.active = True
            self.holding = None
        if d.active:
            d.place = self._nearest_place(d)
            self.dirty = True

    def _nearest_place(self, d: Drag) -> Place | None:
        if not self.script_rect.collidepoint(d.pos):
            return None
        # the dragged block's top-left, in script coordinates, as Scratch snaps it
        tx, ty = self.to_script((d.pos[0] - d.grab[0], d.pos[1] - d.grab[1]))
        if d.markers is None:
            lay = self.layout()
            d.markers = [(pl, r) for pl in self.candidate_places(d.block_id, d.opcode)
                         if (r := lay.marker(pl)) is not None]
        best, best_d = None, px(SNAP, self.scale) ** 2
        for place, r in d.markers:
            # a stack lands with its top-left on the bar; a reporter with its left edge in
            # the input
            dx, dy = (r.x - tx, r.centery - ty) if place.kind != "input" else (
                r.x - tx, r.centery - (ty + px(SLOT_HALF, self.scale)))
            # sideways counts less than up and down: a block let go anywhere over a stack's
            # width lands in that stack, at the height it was let go
            dist = (dx * SIDEWAYS) ** 2 + dy * dy
            if dist < best_d:
                best, best_d = place, dist
        return best

    def _draw_landing(self, surface: pygame.Surface) -> None:
        """Where the dragged block will land: a thick bar with an arrow (or a frame round the
        input), drawn over the program before the drop."""
        d = self.drag
        if d is None or not d.active or d.place is None or not d.markers:
            return
        r = next((r for pl, r in d.markers if pl == d.place), None)
        if r is None:
            return
        th, s = self.th, self.scale
        rect = self.from_script(r)
        if d.place.kind == "input":
            pygame.draw.rect(surface, th.slot_hint, rect.inflate(px(8, s), px(8, s)),
                             max(3, px(4, s)), border_radius=px(10, s))
            return
        pygame.draw.rect(surface, th.slot_hint, rect, border_radius=rect.h // 2)
        a = px(10, s)
        cx, cy = rect.x - a, rect.centery
        pygame.draw.polygon(surface, th.slot_hint, [(cx - a, cy - a), (cx + a // 2, cy),
                                                    (cx - a, cy + a)])

    def mouse_up(self, pos: tuple[int, int]) -> None:
        self._pointer = pos
        self.dirty = True
        d, self.drag = self.drag, None
        if d is not None and d.active:
            self._drop(d, pos)
            return
        for b in self.buttons:
            if b.rect.collidepoint(pos) and b.enabled:
                self.press(b.id)
                return
        if self.feedback is not None and self._feedback_close.collidepoint(pos):
            self.feedback = None
            return
        if self.card_rect.collidepoint(pos):
            self.region = "card"
            self.tick_step()
            return
        if self.palette_rect.collidepoint(pos):
            e = self.palette.hit(self.to_palette(pos))
            if e is not None:
                same = self.holding is not None and self.holding.opcode == e.opcode
                self.hold(None if same else Holding(opcode=e.opcode))
                self.region = "palette" if same else "script"
            return
        if self.script_rect.collidepoint(pos):
            sp = self.to_script(pos)
            lay = self.layout()
            if self.holding is not None:
                pc = lay.hit(sp, ("place",))
                if pc is not None and pc.place is not None:
                    self.place_at(pc.place)
                elif lay.hit(sp, ("block",)) is None:
                    self.new_script_at(sp)
                elif self.holding.block_id is not None and \
                        lay.hit(sp, ("block",)).block == self.holding.block_id:
                    self.hold(None)  # the same block again: put it down where it was
                return
            pc = lay.hit(sp, ("slot", "block"))
            if pc is None:
                return
            if pc.kind == "slot":
                self.open_editor(pc)
            elif pc.block is not None:
                self.hold(Holding(block_id=pc.block))

    def _drop(self, d: Drag, pos: tuple[int, int]) -> None:
        holding = Holding(opcode=d.opcode, block_id=d.block_id)
        if d.source == "script" and (self.palette_rect.collidepoint(pos)
                                     or self.tray_rect.collidepoint(pos)):
            assert d.block_id is not None
            self.delete(d.block_id)  # dropped back on the palette: into the tray, as Scratch
            return
        if not self.script_rect.collidepoint(pos):
            return
        self.holding = holding
        if d.place is not None:
            self.place_at(d.place)
        else:
            top_left = self.to_script((pos[0] - d.grab[0], pos[1] - d.grab[1]))
            x = max(0, (top_left[0] - px(16, self.scale)) / self.scale)
            y = max(0, (top_left[1] - px(16, self.scale)) / self.scale)
            self.place_at(Place("top", x=x, y=y))
        self.holding = None

    # -- drawing --------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        th, s = self.th, self.scale
        surface.fill(th.background)
        r = px(10, s)
        for rect in (self.card_rect, self.palette_rect, self.stage_rect):
            pygame.draw.rect(surface, th.panel, rect, border_radius=r)
        pygame.draw.rect(surface, th.script_bg, self.script_rect, border_radius=r)
        pygame.draw.rect(surface, th.muted_text, self.script_rect, 1, border_radius=r)
        # card
        if self.card is not None:
            self.card.draw(surface, self.card_rect, self.steps_done, self.finished)
        # palette
        surface.set_clip(self.palette_rect)
        def draw_icon(cat: str, surf: pygame.Surface, rect: pygame.Rect, ink: Any) -> None:
            # the category's picture on its own tint: word, picture and colour together
            pygame.draw.rect(surf, category_colour(th, cat), rect, border_radius=px(6, s))
            icons.draw_icon(surf, cat, rect.inflate(-px(6, s), -px(6, s)), ink,
                            category_colour(th, cat))

        self.palette.draw(surface, (self.palette_rect.x, self.palette_rect.y - self.pal_scroll),
                          self.palette_rect, draw_icon)
        if self.holding is not None and self.holding.opcode is not None:
            for e in self.palette.entries:
                if e.opcode == self.holding.opcode:
                    rr = e.rect.move(self.palette_rect.x, self.palette_rect.y - self.pal_scroll)
                    pygame.draw.rect(surface, th.focus, rr.inflate(px(6, s), px(6, s)),
                                     max(2, px(2, s)), border_radius=px(8, s))
        surface.set_clip(None)
        # script area
        lay = self.layout()
        surface.set_clip(self.script_rect)
        hidden: set[str] = set()
        if self.drag is not None and self.drag.active and self.drag.block_id is not None:
            hidden = self._moving_blocks(self.drag, lay)
        self.painter.draw(surface, lay, (self.script_rect.x - self.scroll[0],
                                         self.script_rect.y - self.scroll[1]),
                          self.script_rect, hidden)
        self._draw_landing(surface)
        if self.holding is not None and self.holding.block_id is not None:
            pc = lay.piece_of(self.holding.block_id)
            if pc is not None:
                pygame.draw.rect(surface, th.focus, self.from_script(pc.rect).inflate(6, 6),
                                 max(2, px(2, s)), border_radius=px(8, s))
        if not self.program.scripts():
            self._centre_text(surface, self.t("studio.empty_script"), self.script_rect)
        if self.feedback is not None:
            self._draw_feedback(surface)
        surface.set_clip(None)
        # stage
        if self.stage is not None:
            self.stage.draw(surface, self.stage_rect)
        # buttons
        pygame.draw.rect(surface, th.panel, self.bar_rect)
        for b in self.buttons:
            self._button(surface, b)
        if self.message:
            img = font(px(15, s)).render(self.message, True, th.text)
            surface.blit(img, (self.script_rect.x + px(8, s), self.script_rect.bottom
                               - img.get_height() - px(6, s)))
        # the dragged block follows the pointer, over everything
        if self.drag is not None and self.drag.active:
            self._draw_dragged(surface)
        if self.answer_box is not None:
            self.answer_box.draw(surface)
        elif self.editor is not None:
            self.editor.draw(surface)
        else:
            f = self.focused()
            if f is not None:
                draw_focus(surface, f[1], th, s)

    def _moving_blocks(self, d: Drag, lay: Layout) -> set[str]:
        """The dragged stack's blocks and every block inside them (the same all drag long)."""
        if d.hidden is None:
            assert d.block_id is not None
            stack = set(self.program.moving_stack(d.block_id))
            d.hidden = stack | {pc.block for pc in lay.pieces
                                if pc.block and self.program.inside(pc.block, stack)}
        return d.hidden

    def _draw_dragged(self, surface: pygame.Surface) -> None:
        d = self.drag
        assert d is not None
        x, y = d.pos[0] - d.grab[0], d.pos[1] - d.grab[1]
        if d.opcode is not None:
            e = next(e for e in self.palette.entries if e.opcode == d.opcode)
            self.palette.painter.draw(surface, self.palette.layout, (x - e.rect.x, y - e.rect.y),
                                      pygame.Rect(x, y, e.rect.w, e.rect.h))
        elif d.block_id is not None:
            lay = self.layout()
            pc = lay.piece_of(d.block_id)
            if pc is None:
                return
            others = {p.block for p in lay.pieces if p.block} - self._moving_blocks(d, lay)
            self.painter.draw(surface, lay, (x - pc.rect.x, y - pc.rect.y), None, others)

    def _button(self, surface: pygame.Surface, b: Button) -> None:
        th, s = self.th, self.scale
        r = px(10, s)
        fill = th.button if b.enabled else th.background
        pygame.draw.rect(surface, fill, b.rect, border_radius=r)
        edge = th.text if b.enabled else th.muted_text
        pygame.draw.rect(surface, edge, b.rect, max(1, px(2, s)) if b.enabled else 1,
                         border_radius=r)
        colour = th.button_text if b.enabled else th.muted_text
        img = self.bold.render(b.label, True, colour)
        surface.blit(img, img.get_rect(center=b.rect.center))

    def _centre_text(self, surface: pygame.Surface, text: str, rect: pygame.Rect) -> None:
        lines = wrap(text, self.font, rect.w - px(40, self.scale))
        y = rect.centery - len(lines) * self.font.get_linesize() // 2
        for line in lines:
            img = self.font.render(line, True, self.th.muted_text)
            surface.blit(img, (rect.centerx - img.get_width() // 2, y))
            y += self.font.get_linesize()

    def _draw_feedback(self, surface: pygame.Surface) -> None:
        fb = self.feedback
        assert fb is not None
        th, s = self.th, self.scale
        inner_w = self.script_rect.w - px(40, s)
        lines: list[tuple[str, pygame.font.Font]] = [
            (self.t(f"studio.verdict.{fb.verdict}"), self.bold)]
        for text in fb.lines:
            lines += [(ln, self.font) for ln in wrap("• " + text, self.font, inner_w - px(60, s))]
        h = sum(f.get_linesize() for _, f in lines) + px(24, s)
        close_h = px(MIN_TARGET + 4, s)
        rect = pygame.Rect(self.script_rect.x + px(12, s), 0, self.script_rect.w - px(24, s),
                           h + close_h + px(12, s))
        rect.bottom = self.script_rect.bottom - px(12, s)
        pygame.draw.rect(surface, th.panel, rect, border_radius=px(10, s))
        pygame.draw.rect(surface, th.text, rect, max(2, px(2, s)), border_radius=px(10, s))
        sign = pygame.Rect(rect.x + px(14, s), rect.y + px(14, s), px(34, s), px(34, s))
        draw_sign(surface, fb.verdict, sign, th)
        y = rect.y + px(12, s)
        for text, f in lines:
            img = f.render(text, True, th.text)
            surface.blit(img, (sign.right + px(14, s), y))
            y += f.get_linesize()
        label = self.t("studio.ok")
        w = max(px(MIN_TARGET * 2, s), self.bold.size(label)[0] + px(32, s))
        self._feedback_close = pygame.Rect(rect.right - w - px(12, s),
                                           rect.bottom - close_h - px(8, s), w, close_h)
        pygame.draw.rect(surface, th.button, self._feedback_close, border_radius=px(10, s))
        img = self.bold.render(label, True, th.button_text)
        surface.blit(img, img.get_rect(center=self._feedback_close.center))

    _feedback_close = pygame.Rect(0, 0, 0, 0)
    _places_key: tuple[Any, ...] | None = None
    _places: list[Place] = []  # noqa: RUF012  (replaced, never changed in place)


def draw_sign(surface: pygame.Surface, verdict: str, rect: pygame.Rect, th: Theme) -> None:
    """The feedback vocabulary's signs: a tick for finished, a calm open circle with an arrow
    for not yet (never a cross, never red)."""
    w = max(3, rect.w // 9)
    if verdict == "finished":
        pts = [(rect.x + rect.w * 0.15, rect.y + rect.h * 0.55),
               (rect.x + rect.w * 0.42, rect.y + rect.h * 0.8),
               (rect.x + rect.w * 0.88, rect.y + rect.h * 0.2)]
        pygame.draw.lines(surface, th.text, False, pts, w)
    else:
        pygame.draw.circle(surface, th.text, rect.center, rect.w // 2 - w, w)
        cx, cy = rect.center
        a = rect.w // 5
        pygame.draw.line(surface, th.text, (cx - a, cy), (cx + a, cy), w)
        pygame.draw.polygon(surface, th.text, [(cx + a + w, cy), (cx + a // 3, cy - a),
                                               (cx + a // 3, cy + a)])
