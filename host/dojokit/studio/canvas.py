"""Blocks laid out and drawn: scripts in the script area, single blocks in the palette.

One layout pass turns the program (or one palette block) into `Piece`s: what to draw and
where, each with its hit rectangle. Hit-testing walks the pieces from the top of the drawing
order down. The layout is made again at every scale (text is measured with the font, never
bitmap-scaled); every block row and every slot is at least 44 x 44 px at 100 %.

While the learner is placing a block (chosen in the palette or picked up in the script), the
layout opens a visible gap at every place it may go (`places`): those gaps are the targets a
click, a tap or Enter fills. While dragging, only the nearest place opens, so the learner sees
where the block will land before dropping it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pygame

from dojokit.colour_names import colour_name
from dojokit.scratch.blocks import Slot, block_def, label_parts, menu_label
from dojokit.studio.program import Place, Program, shape_of
from dojokit.studio.theme import RGB, Theme, category_colour, font, px
from dojokit.themebox.format import colour_label as format_colour_label

ROW_H = 52  # a block row at 100 %: a 44 px slot with room around it
SLOT_H = 44
SLOT_MIN_W = 48
PAD = 8
GAP = 6
ARM = 28  # the left arm of a C-block
MOUTH_MIN = 44  # an empty mouth: still a 44 px target
BOTTOM_ARM = 24
PLACE_H = 48  # an open gap where a block may go: its target, 2 px in from each side, is 44
HAT_TOP = 14
SCRIPT_GAP = 40


@dataclass
class Piece:
    """One thing drawn: a block's body, a slot, a word or an open place; `rect` is its hit
    rectangle in canvas coordinates."""

    kind: str  # block | slot | word | place | mouth
    rect: pygame.Rect
    block: str | None = None
    slot: Slot | None = None
    text: str = ""
    place: Place | None = None
    colour: RGB = (0, 0, 0)
    shape: str = "command"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Size:
    w: int
    h: int


class Layout:
    """The pieces of a program at one scale and language, with the places open."""

    def __init__(self, program: Program, th: Theme, scale: float, lang: str,
                 places: Iterable[Place] = (), only_places: bool = False) -> None:
        self.p = program
        self.th = th
        self.s = scale
        self.lang = lang
        self.places = list(places)
        self._open_next = {pl.ref: pl for pl in self.places if pl.kind == "next"}
        self._open_above = {pl.ref: pl for pl in self.places if pl.kind == "above"}
        self._open_sub = {(pl.ref, pl.name): pl for pl in self.places if pl.kind == "substack"}
        self._open_input = {(pl.ref, pl.name): pl for pl in self.places if pl.kind == "input"}
        self.font = font(px(17, scale))
        self.pieces: list[Piece] = []
        self._sizes: dict[str, _Size] = {}
        self._words: dict[str, int] = {}
        # measured once per layout: a 300-block program is laid out again whenever the open
        # place moves under a dragged block, within one frame
        self._pxs: dict[float, int] = {}
        self._row_cache: dict[str, list[list[str | Slot]]] = {}
        self._row_sizes: dict[tuple[str, int], _Size] = {}
        self.width = 0
        self.height = 0
        self.script_rects: dict[str, pygame.Rect] = {}

    # -- measuring --------------------------------------------------------------------------
    def _px(self, v: float) -> int:
        n = self._pxs.get(v)
        if n is None:
            n = self._pxs[v] = px(v, self.s)
        return n

    def _word_w(self, text: str) -> int:
        w = self._words.get(text)
        if w is None:
            w = self._words[text] = self.font.size(text)[0]
        return w

    def _slot_text(self, block_id: str, slot: Slot) -> str:
        value = self.p.literal(block_id, slot)
        if value is None:
            return ""
        if slot.kind in ("menu", "menu_input"):
            return menu_label(slot, value, self.lang)
        if slot.kind == "colour":
            return colour_label(value, self.lang)
        return value

    def _slot_size(self, block_id: str, slot: Slot) -> _Size:
        inner = self.p.input_block(block_id, slot.name)
        if inner is not None:
            return self._block_size(inner)
        text = self._slot_text(block_id, slot)
        w = self._word_w(text) + 2 * self._px(PAD)
        if slot.kind in ("menu", "menu_input"):
            w += self._px(22)
        if slot.kind == "colour":
            w += self._px(28)
        return _Size(max(self._px(SLOT_MIN_W), w), self._px(SLOT_H))

    def _rows(self, block_id: str) -> list[list[str | Slot]]:
        """The label's parts split into rows at each mouth ([SUBSTACK] ends a row)."""
        rows = self._row_cache.get(block_id)
        if rows is None:
            rows = self._row_cache[block_id] = self._split_rows(block_id)
        return rows

    def _split_rows(self, block_id: str) -> list[list[str | Slot]]:
        opcode = self.p.blocks[block_id].get("opcode", "")
        if block_def(opcode) is None:
            return [[opcode]]
        rows: list[list[str | Slot]] = [[]]
        for part in label_parts(opcode, self.lang):
            if isinstance(part, Slot) and part.kind == "substack":
                rows[-1].append(part)
                rows.append([])
            else:
                rows[-1].append(part)
        return [r for r in rows if r] or [[opcode]]

    def _row_size(self, block_id: str, row: list[str | Slot]) -> _Size:
        # rows come from _rows' cache and live as long as the layout: their id is stable
        key = (block_id, id(row))
        size = self._row_sizes.get(key)
        if size is None:
            size = self._row_sizes[key] = self._measure_row(block_id, row)
        return size

    def _measure_row(self, block_id: str, row: list[str | Slot]) -> _Size:
        w = self._px(PAD)
        h = self._px(ROW_H)
        for part in row:
            if isinstance(part, str):
                w += self._word_w(part) + self._px(GAP)
            elif part.kind != "substack":
                sz = self._slot_size(block_id, part)
                w += sz.w + self._px(GAP)
                h = max(h, sz.h + 2 * self._px(4))
        return _Size(w + self._px(PAD), h)

    def _stack_size(self, top: str | None) -> _Size:
        w, h = 0, 0
        cur = top
        guard = 0
        while cur is not None and cur in self.p.blocks and guard <= len(self.p.blocks):
            guard += 1
            sz = self._block_size(cur)
            w, h = max(w, sz.w), h + sz.h
            if cur in self._open_next:
                h += self._px(PLACE_H)
            cur = self.p.blocks[cur].get("next")
        return _Size(w, h)

    def _block_size(self, block_id: str) -> _Size:
        if block_id in self._sizes:
            return self._sizes[block_id]
        shape = shape_of(self.p.blocks[block_id])
        rows = self._rows(block_id)
        w, h = 0, 0
        for row in rows:
            rs = self._row_size(block_id, row)
            w, h = max(w, rs.w), h + rs.h
            sub = row[-1]
            if isinstance(sub, Slot) and sub.kind == "substack":
                inner = self._stack_size(self.p.input_block(block_id, sub.name))
                mouth = max(self._px(MOUTH_MIN), inner.h)
                if (block_id, sub.name) in self._open_sub:
                    mouth += self._px(PLACE_H) if inner.h else 0
                w = max(w, self._px(ARM) + inner.w + self._px(PAD))
                h += mouth
        if shape == "c":
            h += self._px(BOTTOM_ARM)
        if shape == "hat":
            h += self._px(HAT_TOP)
        if shape in ("reporter", "boolean"):
            w += self._px(12)  # rounded / pointed ends
            h = max(self._px(SLOT_H), h - 2 * self._px(4))
        size = self._sizes[block_id] = _Size(w, h)
        return size

    # -- placing ------------------------------------------------------------------------------
    def run(self, origin: tuple[int, int] = (0, 0)) -> Layout:
        """Lay out every script at its stored position (scaled), from `origin`."""
        ox, oy = origin
        for top in self.p.scripts():
            b = self.p.blocks[top]
            x = ox + round(float(b.get("x", 0) or 0) * self.s)
            y = oy + round(float(b.get("y", 0) or 0) * self.s)
            start = len(self.pieces)
            if top in self._open_above:
                self.pieces.append(self._place_piece(self._open_above[top], x, y,
                                                     self._block_size(top).w))
                y += self._px(PLACE_H)
            sz = self._place_stack(top, x, y)
            rect = pygame.Rect(x, y, sz.w, sz.h)
            for pc in self.pieces[start:]:
                rect.union_ip(pc.rect)
            self.script_rects[top] = rect
            self.width = max(self.width, rect.right)
            self.height = max(self.height, rect.bottom)
        return self

    def _place_piece(self, place: Place, x: int, y: int, w: int) -> Piece:
        return Piece("place", pygame.Rect(x, y + self._px(2), max(w, self._px(120)),
                                          self._px(PLACE_H) - self._px(4)), place=place)

    def _place_stack(self, top: str | None, x: int, y: int) -> _Size:
        w, y0 = 0, y
        cur = top
        guard = 0
        while cur is not None and cur in self.p.blocks and guard <= len(self.p.blocks):
            guard += 1
            sz = self._place_block(cur, x, y)
            y += sz.h
            w = max(w, sz.w)
            if cur in self._open_next:
                self.pieces.append(self._place_piece(self._open_next[cur], x, y, sz.w))
                y += self._px(PLACE_H)
            cur = self.p.blocks[cur].get("next")
        return _Size(w, y - y0)

    def _place_block(self, block_id: str, x: int, y: int) -> _Size:
        b = self.p.blocks[block_id]
        opcode = b.get("opcode", "")
        d = block_def(opcode)
        cat = d.category if d else "unknown"
        shape = shape_of(b)
        size = self._block_size(block_id)
        body = Piece("block", pygame.Rect(x, y, size.w, size.h), block=block_id,
                     colour=category_colour(self.th, cat), shape=shape)
        self.pieces.append(body)
        arms: list[tuple[int, int]] = []  # (y, h) of each mouth, for drawing the C shape
        cy = y + (self._px(HAT_TOP) if shape == "hat" else 0)
        for row in self._rows(block_id):
            rs = self._row_size(block_id, row)
            if shape in ("reporter", "boolean"):
                rs = _Size(rs.w, size.h)
            cx = x + self._px(PAD) + (self._px(6) if shape in ("reporter", "boolean") else 0)
            for part in row:
                if isinstance(part, str):
                    ww = self._word_w(part)
                    self.pieces.append(Piece("word", pygame.Rect(cx, cy, ww, rs.h),
                                             block=block_id, text=part))
                    cx += ww + self._px(GAP)
                elif part.kind != "substack":
                    ss = self._slot_size(block_id, part)
                    sy = cy + (rs.h - ss.h) // 2
                    inner = self.p.input_block(block_id, part.name)
                    key = (block_id, part.name)
                    if inner is not None:
                        self._place_block(inner, cx, sy)
                    else:
                        self.pieces.append(Piece(
                            "slot", pygame.Rect(cx, sy, ss.w, ss.h), block=block_id, slot=part,
                            text=self._slot_text(block_id, part),
                            extra={"value": self.p.literal(block_id, part)}))
                    if key in self._open_input:
                        self.pieces.append(Piece("place", pygame.Rect(cx, sy, ss.w, ss.h),
                                                 place=self._open_input[key]))
                    cx += ss.w + self._px(GAP)
            body.extra.setdefault("rows", []).append((cy, rs.h))
            cy += rs.h
            sub = row[-1]
            if isinstance(sub, Slot) and sub.kind == "substack":
                first = self.p.input_block(block_id, sub.name)
                mx = x + self._px(ARM)
                my = cy
                open_place = self._open_sub.get((block_id, sub.name))
                if open_place is not None:
                    self.pieces.append(self._place_piece(open_place, mx, my,
                                                         max(size.w - self._px(ARM), 0)))
                    if first is not None:
                        my += self._px(PLACE_H)
                inner = self._place_stack(first, mx, my) if first else _Size(0, 0)
                mouth = max(self._px(MOUTH_MIN), inner.h + (my - cy))
                if first is None:
                    self.pieces.append(Piece("mouth", pygame.Rect(mx, cy, max(
                        self._px(SLOT_MIN_W * 2), size.w - self._px(ARM)), mouth),
                        block=block_id, text=sub.name))
                arms.append((cy, mouth))
                cy += mouth
        body.extra["arms"] = arms
        return size

    # -- hit testing --------------------------------------------------------------------------
    def hit(self, pos: tuple[int, int], kinds: tuple[str, ...] = ("place", "slot", "block")
            ) -> Piece | None:
        """The topmost piece of one of `kinds` under `pos` (later pieces are drawn on top)."""
        for kind in kinds:
            for pc in reversed(self.pieces):
                if pc.kind == kind and pc.rect.collidepoint(pos):
                    return pc
        return None

    def targets(self) -> list[Piece]:
        """What the keyboard focus can land on, in reading order."""
        if self.places:
            return [pc for pc in self.pieces if pc.kind == "place"]
        return [pc for pc in self.pieces if pc.kind in ("block", "slot")]

    def marker(self, place: Place) -> pygame.Rect | None:
        """Where `place` is in this layout (made with no place open), as a thin bar (or, for
        an input, the input's own rectangle): what a drag shows before the drop, without
        moving a single block."""
        bar = max(8, self._px(12))  # thick: seen beside the block being dragged
        if place.kind in ("next", "above"):
            pc = self.piece_of(place.ref or "")
            if pc is None:
                return None
            y = pc.rect.bottom if place.kind == "next" else pc.rect.top - bar
            return pygame.Rect(pc.rect.x, y - bar // 2 if place.kind == "next" else y,
                               max(pc.rect.w, self._px(120)), bar)
        if place.kind == "substack":
            pc = self.piece_of(place.ref or "")
            d = block_def(self.p.blocks.get(place.ref or "", {}).get("opcode", ""))
            if pc is None or d is None or place.name not in d.substacks:
                return None
            arms = pc.extra.get("arms", [])
            i = d.substacks.index(place.name or "")
            if i >= len(arms):
                return None
            x = pc.rect.x + self._px(ARM)
            return pygame.Rect(x, arms[i][0] - bar // 2, max(pc.rect.right - x, self._px(120)),
                               bar)
        if place.kind == "input":
            inner = self.p.input_block(place.ref or "", place.name or "")
            if inner is not None:
                pc = self.piece_of(inner)
                return pc.rect.copy() if pc is not None else None
            for pc in self.pieces:
                if pc.kind == "slot" and pc.block == place.ref and pc.slot is not None \
                        and pc.slot.name == place.name:
                    return pc.rect.copy()
        return None

    def piece_of(self, block_id: str) -> Piece | None:
        for pc in self.pieces:
            if pc.kind == "block" and pc.block == block_id:
                return pc
        return None


def colour_label(value: str, lang: str) -> str:
    """A '#rrggbb' slot value as a child names it (black is "off")."""
    rgb = hex_rgb(value)
    if rgb is None:
        return value
    return format_colour_label(colour_name(rgb) if max(rgb) else "off", lang)


def hex_rgb(value: str) -> RGB | None:
    try:
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)
    except (ValueError, IndexError, TypeError):
        return None


# -- drawing -------------------------------------------------------------------------------
def _hexagon(surface: pygame.Surface, rect: pygame.Rect, fill: RGB, edge: RGB, w: int) -> None:
    """Scratch's shape for yes/no: pointed ends."""
    h2 = rect.h // 2
    pts = [(rect.x, rect.centery), (rect.x + h2 // 2, rect.y), (rect.right - h2 // 2, rect.y),
           (rect.right, rect.centery), (rect.right - h2 // 2, rect.bottom),
           (rect.x + h2 // 2, rect.bottom)]
    pygame.draw.polygon(surface, fill, pts)
    pygame.draw.polygon(surface, edge, pts, w)


def _darker(c: RGB, f: float = 0.55) -> RGB:
    return (round(c[0] * f), round(c[1] * f), round(c[2] * f))


class Painter:
    """Draws a layout; text surfaces are kept between frames (the same words every frame)."""

    def __init__(self, th: Theme, scale: float) -> None:
        self.th = th
        self.s = scale
        self.font = font(px(17, scale))
        self._text: dict[tuple[str, RGB], pygame.Surface] = {}

    def text(self, text: str, colour: RGB) -> pygame.Surface:
        key = (text, colour)
        surf = self._text.get(key)
        if surf is None:
            if len(self._text) > 4000:
                self._text.clear()
            surf = self._text[key] = self.font.render(text, True, colour)
        return surf

    def draw(self, surface: pygame.Surface, layout: Layout, offset: tuple[int, int] = (0, 0),
             clip: pygame.Rect | None = None, hidden: set[str] | None = None) -> None:
        ox, oy = offset
        area = clip or surface.get_rect()
        th = self.th
        r = px(8, self.s)
        skip: set[str] = hidden or set()
        for pc in layout.pieces:
            rect = pc.rect.move(ox, oy)
            if not rect.colliderect(area):
                continue
            if pc.block in skip and pc.kind != "place":
                continue
            if pc.kind == "block":
                self._block(surface, pc, rect, r)
            elif pc.kind == "word":
                img = self.text(pc.text, th.text)
                surface.blit(img, (rect.x, rect.y + (rect.h - img.get_height()) // 2))
            elif pc.kind == "slot":
                self._slot(surface, pc, rect)
            elif pc.kind == "mouth":
                pass
            elif pc.kind == "place":
                pygame.draw.rect(surface, th.panel, rect, border_radius=r)
                w = max(2, px(3, self.s))
                pygame.draw.rect(surface, th.slot_hint, rect, w, border_radius=r)
                # an arrow pointing in: where the block goes (shape, not only colour)
                cx, cy = rect.x + px(18, self.s), rect.centery
                a = px(8, self.s)
                pygame.draw.polygon(surface, th.slot_hint,
                                    [(cx - a, cy - a), (cx + a, cy), (cx - a, cy + a)])

    def _block(self, surface: pygame.Surface, pc: Piece, rect: pygame.Rect, r: int) -> None:
        fill, edge = pc.colour, _darker(pc.colour)
        w = max(2, px(2, self.s))
        if pc.shape == "boolean":
            _hexagon(surface, rect, fill, edge, w)
            return
        if pc.shape == "reporter":
            pygame.draw.rect(surface, fill, rect, border_radius=rect.h // 2)
            pygame.draw.rect(surface, edge, rect, w, border_radius=rect.h // 2)
            return
        arms = pc.extra.get("arms", [])
        if not arms:
            top_r = px(22, self.s) if pc.shape == "hat" else r
            pygame.draw.rect(surface, fill, rect, border_top_left_radius=top_r,
                             border_top_right_radius=r, border_bottom_left_radius=r,
                             border_bottom_right_radius=r)
            pygame.draw.rect(surface, edge, rect, w, border_top_left_radius=top_r,
                             border_top_right_radius=r, border_bottom_left_radius=r,
                             border_bottom_right_radius=r)
        else:
            # the C shape as one outline: edge-coloured parts a little larger, then the fill
            dy = rect.y - pc.rect.y
            arm = px(ARM, self.s)
            parts = [pygame.Rect(rect.x, cy + dy, rect.w, ch) for cy, ch in pc.extra["rows"]]
            parts.append(pygame.Rect(rect.x, rect.y, arm, rect.h))
            parts.append(pygame.Rect(rect.x, rect.bottom - px(BOTTOM_ARM, self.s), rect.w,
                                     px(BOTTOM_ARM, self.s)))
            for part in parts:
                pygame.draw.rect(surface, edge, part, border_radius=r)
            for part in parts:
                pygame.draw.rect(surface, fill, part.inflate(-2 * w, -2 * w), border_radius=r)
        # a notch on top of a stack block: the cue that blocks click together
        if pc.shape in ("command", "c"):
            n = pygame.Rect(rect.x + px(16, self.s), rect.y, px(18, self.s), px(4, self.s))
            pygame.draw.rect(surface, edge, n)

    def _slot(self, surface: pygame.Surface, pc: Piece, rect: pygame.Rect) -> None:
        th = self.th
        slot = pc.slot
        assert slot is not None
        edge = _darker(th.input_bg, 0.45)
        w = max(2, px(2, self.s))
        if slot.kind == "boolean":  # an empty pointed hole: only a yes/no block fits
            _hexagon(surface, rect, th.script_bg, edge, w)
            return
        radius = rect.h // 2 if slot.kind in ("number",) else px(8, self.s)
        pygame.draw.rect(surface, th.input_bg, rect, border_radius=radius)
        pygame.draw.rect(surface, edge, rect, w, border_radius=radius)
        x = rect.x + px(PAD, self.s)
        if slot.kind == "colour":
            rgb = hex_rgb(str(pc.extra.get("value") or ""))
            sw = pygame.Rect(x, rect.centery - px(10, self.s), px(20, self.s), px(20, self.s))
            if rgb is not None:
                pygame.draw.rect(surface, rgb, sw, border_radius=px(4, self.s))
            pygame.draw.rect(surface, th.text, sw, 1, border_radius=px(4, self.s))
            x += px(28, self.s)
        img = self.text(pc.text, th.text)
        surface.blit(img, (x, rect.centery - img.get_height() // 2))
        if slot.kind in ("menu", "menu_input"):
            a = px(7, self.s)
            cx, cy = rect.right - px(14, self.s), rect.centery
            pygame.draw.polygon(surface, th.text, [(cx - a, cy - a // 2), (cx + a, cy - a // 2),
                                                   (cx, cy + a // 2 + 1)])
