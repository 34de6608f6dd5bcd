"""The value editor: what opens when a learner chooses a slot of a block.

A number or text slot opens a large text field (typed with any keyboard layout: characters
come from the text input events); a menu opens its choices as a list of large buttons; a
colour slot opens the profile's named colours as large swatches with their words. Enter or
a click confirms, Escape cancels. A value that does not fit is said in words, on a soft
sand note, never in red; the slot keeps its old value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from dojokit.i18n import text
from dojokit.robot.profiles import CALM_PALETTE
from dojokit.scratch.blocks import Slot, menu_label
from dojokit.scratch.robot_blocks import to_text
from dojokit.studio.canvas import colour_label
from dojokit.studio.program import EditError, Program, check_value
from dojokit.studio.theme import MIN_TARGET, Theme, draw_focus, font, px, wrap


def say(key: str, lang: str, **fields: object) -> str:
    """The text for `key` in `lang` (English where that catalog lacks it), filled in."""
    return text(key, lang).format(**fields)


def colour_choices() -> list[tuple[str, str]]:
    """(name, '#rrggbb') of the colours a child picks from: the calm palette, then off."""
    out = [(name, "#{:02x}{:02x}{:02x}".format(*rgb)) for name, rgb in CALM_PALETTE]
    return [*out, ("off", "#000000")]


@dataclass
class Choice:
    value: str
    label: str
    rect: pygame.Rect


class Editor:
    """A modal editor for one slot of one block; `handle` returns "done", "cancel" or None."""

    def __init__(self, program: Program, block_id: str, slot: Slot, th: Theme, scale: float,
                 lang: str, anchor: pygame.Rect, screen: pygame.Rect) -> None:
        self.p = program
        self.block_id = block_id
        self.slot = slot
        self.th = th
        self.s = scale
        self.lang = lang
        self.font = font(px(20, scale))
        self.small = font(px(16, scale))
        self.value = program.literal(block_id, slot) or ""
        self.text = self.value
        self.fresh = True  # the first key typed replaces the old value (it is shown chosen)
        self.message: str | None = None
        self.focus = 0
        self.choices: list[Choice] = []
        self.kind = "choices" if slot.kind in ("menu", "menu_input", "colour") else "text"
        if slot.kind == "colour":
            values = [(v, colour_label(v, lang)) for _, v in colour_choices()]
        else:
            values = [(v, menu_label(slot, v, lang)) for v in slot.menu]
        self._layout(values, anchor, screen)

    def _layout(self, values: list[tuple[str, str]], anchor: pygame.Rect,
                screen: pygame.Rect) -> None:
        s = self.s
        pad = px(12, s)
        bh = max(px(MIN_TARGET + 8, s), self.font.get_height() + 2 * pad)
        if self.kind == "choices":
            w = max([self.font.size(label)[0] for _, label in values] + [px(160, s)])
            w += 2 * pad + (px(40, s) if self.slot.kind == "colour" else 0)
            cols = max(1, min(3, (screen.w - 2 * pad) // (w + pad)))
            rows = (len(values) + cols - 1) // cols
            while rows * (bh + pad) + pad > screen.h - 2 * pad and cols < 6:
                cols += 1
                rows = (len(values) + cols - 1) // cols
            box = pygame.Rect(0, 0, cols * (w + pad) + pad, rows * (bh + pad) + pad)
            self.rect = self._near(box, anchor, screen)
            for i, (value, label) in enumerate(values):
                r, c = divmod(i, cols)
                rect = pygame.Rect(self.rect.x + pad + c * (w + pad),
                                   self.rect.y + pad + r * (bh + pad), w, bh)
                self.choices.append(Choice(value, label, rect))
                if value == self.value:
                    self.focus = i
        else:
            w = max(px(360, s), self.font.size(self.text)[0] + 4 * pad)
            box = pygame.Rect(0, 0, w + 2 * pad, 3 * bh + 4 * pad)
            self.rect = self._near(box, anchor, screen)
            self.field = pygame.Rect(self.rect.x + pad, self.rect.y + pad, w, bh)
            half = (w - pad) // 2
            y = self.rect.bottom - pad - bh
            self.ok = pygame.Rect(self.rect.x + pad, y, half, bh)
            self.cancel = pygame.Rect(self.ok.right + pad, y, half, bh)
            self.note = pygame.Rect(self.rect.x + pad, self.field.bottom + pad // 2, w,
                                    y - self.field.bottom - pad)

    @staticmethod
    def _near(box: pygame.Rect, anchor: pygame.Rect, screen: pygame.Rect) -> pygame.Rect:
        box.topleft = (anchor.x, anchor.bottom + 4)
        if box.bottom > screen.bottom:
            box.bottom = anchor.y - 4
        return box.clamp(screen)

    def targets(self) -> list[pygame.Rect]:
        if self.kind == "choices":
            return [c.rect for c in self.choices]
        return [self.field, self.ok, self.cancel]

    # -- events -------------------------------------------------------------------------------
    def _commit(self, value: str) -> str | None:
        try:
            check_value(self.slot, value)
            self.p.set_value(self.block_id, self.slot.name, value)
        except EditError as exc:
            self.message = self._explain(exc)
            return None
        return "done"

    def _explain(self, exc: EditError) -> str:
        f = exc.fields
        if exc.key == "studio.input.range" or (exc.key == "studio.input.number"
                                                and f.get("low") is not None):
            low = f.get("low")
            high = f.get("high")
            if high is None:
                return say("studio.input.at_least", self.lang, low=to_text(low))
            return say("studio.input.range", self.lang, low=to_text(low), high=to_text(high))
        return say(exc.key, self.lang)

    def handle(self, ev: pygame.event.Event) -> str | None:
        if ev.type == pygame.KEYDOWN:
            if ev.key == pygame.K_ESCAPE:
                return "cancel"
            if self.kind == "choices":
                n = len(self.choices)
                if ev.key in (pygame.K_DOWN, pygame.K_RIGHT, pygame.K_TAB):
                    self.focus = (self.focus + 1) % n
                elif ev.key in (pygame.K_UP, pygame.K_LEFT):
                    self.focus = (self.focus - 1) % n
                elif ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
                    return self._commit(self.choices[self.focus].value)
                return None
            if ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if self.focus == 2:
                    return "cancel"
                return self._commit(self.text)
            if ev.key == pygame.K_BACKSPACE:
                self.text = "" if self.fresh else self.text[:-1]
                self.fresh = False
                self.message = None
            elif ev.key == pygame.K_TAB:
                self.focus = (self.focus + 1) % 3
            return None
        if ev.type == pygame.TEXTINPUT and self.kind == "text":
            if self.fresh:
                self.text, self.fresh = "", False
            if len(self.text) < 40:
                self.text += ev.text
                self.message = None
            return None
        if ev.type == pygame.MOUSEBUTTONUP and ev.button == 1:
            pos = ev.pos
            if self.kind == "choices":
                for c in self.choices:
                    if c.rect.collidepoint(pos):
                        return self._commit(c.value)
            else:
                if self.ok.collidepoint(pos):
                    return self._commit(self.text)
                if self.cancel.collidepoint(pos):
                    return "cancel"
            if not self.rect.collidepoint(pos):
                return "cancel"
        return None

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        th, s = self.th, self.s
        r = px(10, s)
        shadow = self.rect.move(px(4, s), px(4, s))
        pygame.draw.rect(surface, th.muted_text, shadow, border_radius=r)
        pygame.draw.rect(surface, th.panel, self.rect, border_radius=r)
        pygame.draw.rect(surface, th.text, self.rect, max(2, px(2, s)), border_radius=r)
        if self.kind == "choices":
            for i, c in enumerate(self.choices):
                pygame.draw.rect(surface, th.button, c.rect, border_radius=r)
                x = c.rect.x + px(12, s)
                if self.slot.kind == "colour":
                    sw = pygame.Rect(x, c.rect.centery - px(14, s), px(28, s), px(28, s))
                    rgb = (int(c.value[1:3], 16), int(c.value[3:5], 16), int(c.value[5:7], 16))
                    pygame.draw.rect(surface, rgb, sw, border_radius=px(6, s))
                    pygame.draw.rect(surface, th.text, sw, 1, border_radius=px(6, s))
                    x = sw.right + px(12, s)
                img = self.font.render(c.label, True, th.button_text)
                surface.blit(img, (x, c.rect.centery - img.get_height() // 2))
                if c.value == self.value:  # the current choice: a thick frame, not only colour
                    pygame.draw.rect(surface, th.text, c.rect, max(2, px(2, s)), border_radius=r)
                if i == self.focus:
                    draw_focus(surface, c.rect, th, s)
            return
        pygame.draw.rect(surface, th.input_bg, self.field, border_radius=r)
        pygame.draw.rect(surface, th.text, self.field, max(2, px(2, s)), border_radius=r)
        img = self.font.render(self.text, True, th.text)
        at = (self.field.x + px(12, s), self.field.centery - img.get_height() // 2)
        if self.fresh and self.text:  # chosen: the next key replaces it
            pygame.draw.rect(surface, th.button, (*at, img.get_width(), img.get_height()))
        surface.blit(img, at)
        # a steady caret (never blinking)
        cx = self.field.x + px(14, s) + img.get_width()
        pygame.draw.line(surface, th.text, (cx, self.field.y + px(8, s)),
                         (cx, self.field.bottom - px(8, s)), max(2, px(2, s)))
        if self.message:
            pygame.draw.rect(surface, th.error_bg, self.note, border_radius=r)
            y = self.note.y + px(4, s)
            for line in wrap(self.message, self.small, self.note.w - px(16, s)):
                li = self.small.render(line, True, th.text)
                surface.blit(li, (self.note.x + px(8, s), y))
                y += li.get_height()
        for rect, key in ((self.ok, "studio.ok"), (self.cancel, "studio.cancel")):
            pygame.draw.rect(surface, th.button, rect, border_radius=r)
            li = self.font.render(say(key, self.lang), True, th.button_text)
            surface.blit(li, li.get_rect(center=rect.center))
        draw_focus(surface, [self.field, self.ok, self.cancel][self.focus], th, s)



class AnswerBox:
    """The large answer field of an "ask and wait" block: the question above it, Enter or OK
    gives the answer to the program."""

    def __init__(self, question: str, th: Theme, scale: float, lang: str,
                 screen: pygame.Rect) -> None:
        self.question, self.th, self.s, self.lang = question, th, scale, lang
        self.font = font(px(22, scale))
        self.text = ""
        pad = px(16, scale)
        w = min(screen.w - 2 * pad, px(640, scale))
        bh = max(px(MIN_TARGET + 12, scale), self.font.get_height() + 2 * pad)
        self.lines = wrap(question or say("studio.ask", lang), self.font, w - 2 * pad)
        h = len(self.lines) * self.font.get_linesize() + 2 * bh + 4 * pad
        self.rect = pygame.Rect(0, 0, w, h)
        self.rect.center = screen.center
        y = self.rect.y + pad + len(self.lines) * self.font.get_linesize() + pad
        self.field = pygame.Rect(self.rect.x + pad, y, w - 2 * pad, bh)
        ok_w = max(px(120, scale), self.font.size(say("studio.ok", lang))[0] + 2 * pad)
        self.ok = pygame.Rect(self.rect.right - pad - ok_w, self.field.bottom + pad, ok_w, bh)

    def targets(self) -> list[pygame.Rect]:
        return [self.field, self.ok]

    def handle(self, ev: pygame.event.Event) -> str | None:
        """The answer once given, else None."""
        if ev.type == pygame.KEYDOWN:
            if ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                return self.text
            if ev.key == pygame.K_BACKSPACE:
                self.text = self.text[:-1]
        elif ev.type == pygame.TEXTINPUT and len(self.text) < 200:
            self.text += ev.text
        elif ev.type == pygame.MOUSEBUTTONUP and ev.button == 1 and self.ok.collidepoint(ev.pos):
            return self.text
        return None

    def draw(self, surface: pygame.Surface) -> None:
        th, s = self.th, self.s
        r = px(10, s)
        pygame.draw.rect(surface, th.panel, self.rect, border_radius=r)
        pygame.draw.rect(surface, th.text, self.rect, max(2, px(2, s)), border_radius=r)
        y = self.rect.y + px(16, s)
        for line in self.lines:
            surface.blit(self.font.render(line, True, th.text), (self.rect.x + px(16, s), y))
            y += self.font.get_linesize()
        pygame.draw.rect(surface, th.input_bg, self.field, border_radius=r)
        pygame.draw.rect(surface, th.text, self.field, max(2, px(2, s)), border_radius=r)
        img = self.font.render(self.text, True, th.text)
        surface.blit(img, (self.field.x + px(12, s), self.field.centery - img.get_height() // 2))
        pygame.draw.rect(surface, th.button, self.ok, border_radius=r)
        li = self.font.render(say("studio.ok", self.lang), True, th.button_text)
        surface.blit(li, li.get_rect(center=self.ok.center))
        draw_focus(surface, self.field, th, s)
