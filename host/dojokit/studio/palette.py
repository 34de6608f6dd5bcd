"""The palette: only the blocks the exercise allows, in fixed places, grouped by category.

Each group has a heading with the category's icon and word (colour is never the only cue).
The order is the categories' fixed order, then the card's own order inside a group, so the
same exercise always shows the same palette. The learner cannot change it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pygame

from dojokit.scratch.blocks import block_def, category_label
from dojokit.studio.canvas import Layout, Painter
from dojokit.studio.program import Place, Program
from dojokit.studio.theme import Theme, font, px

CATEGORY_ORDER = ("events", "control", "operators", "motion", "looks", "sound", "sensing",
                  "variables", "lists", "procedures", "pen", "motors", "lights", "display",
                  "sensors")
EMPTY_PROJECT = {"targets": [{"isStage": True, "name": "Stage", "blocks": {}},
                             {"isStage": False, "name": "Palette", "blocks": {}}]}


@dataclass
class Entry:
    opcode: str
    block_id: str
    rect: pygame.Rect  # in palette coordinates (before scrolling)


def grouped(opcodes: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for op in opcodes:
        d = block_def(op)
        groups.setdefault(d.category if d else "unknown", []).append(op)
    order = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    return sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))


class Palette:
    def __init__(self, opcodes: tuple[str, ...], th: Theme, scale: float, lang: str) -> None:
        self.th, self.s, self.lang = th, scale, lang
        self.program = Program(copy.deepcopy(EMPTY_PROJECT))
        self.entries: list[Entry] = []
        self.headings: list[tuple[str, str, pygame.Rect]] = []  # (category, word, rect)
        self.head_font = font(px(17, scale), bold=True)
        pad = px(12, scale)
        y = pad
        ids: list[tuple[str, str, int]] = []
        sizes = Layout(self.program, th, scale, lang)  # measures each block as it is added
        for cat, ops in grouped(opcodes):
            hh = max(px(34, scale), self.head_font.get_height() + px(8, scale))
            self.headings.append((cat, category_label(cat, lang), pygame.Rect(pad, y, 0, hh)))
            y += hh + px(4, scale)
            for op in ops:
                if block_def(op) is None:
                    continue
                bid = self.program.add(op, Place("top", x=pad / scale, y=y / scale))
                ids.append((op, bid, y))
                y += sizes._block_size(bid).h + px(10, scale)
            y += px(8, scale)
        self.layout = Layout(self.program, th, scale, lang).run()
        for op, bid, _ in ids:
            piece = self.layout.piece_of(bid)
            assert piece is not None
            self.entries.append(Entry(op, bid, piece.rect.copy()))
        self.width = max([e.rect.right for e in self.entries] + [px(200, scale)]) + pad
        for i, (cat, word, rect) in enumerate(self.headings):
            icon_w = rect.h
            self.headings[i] = (cat, word, pygame.Rect(rect.x, rect.y, icon_w + px(8, scale)
                                                       + self.head_font.size(word)[0], rect.h))
            self.width = max(self.width, self.headings[i][2].right + pad)
        self.height = y
        self.painter = Painter(th, scale)

    def hit(self, pos: tuple[int, int]) -> Entry | None:
        for e in self.entries:
            if e.rect.collidepoint(pos):
                return e
        return None

    def draw(self, surface: pygame.Surface, offset: tuple[int, int], clip: pygame.Rect,
             draw_icon: object = None) -> None:
        ox, oy = offset
        for cat, word, rect in self.headings:
            r = rect.move(ox, oy)
            if not r.colliderect(clip):
                continue
            icon = pygame.Rect(r.x, r.y, r.h, r.h)
            if callable(draw_icon):
                draw_icon(cat, surface, icon, self.th.text)
            img = self.head_font.render(word, True, self.th.text)
            surface.blit(img, (icon.right + px(8, self.s), r.centery - img.get_height() // 2))
        self.painter.draw(surface, self.layout, offset, clip)
