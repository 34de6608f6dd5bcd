"""The exercise card at the top of the studio: the TEACCH work system's four answers.

What do I do (the card's picture and its one sentence), how much is there (the steps as a
checklist, "step 2 of 3"), how do I know I am finished (the check in plain words, and the
"finished" place that fills with the feedback vocabulary's sign and word), what comes next.
The headings are the printed card's own words (catalog `cards.label.*`), so a child finds
the same questions in the same order on paper and on screen.

The answers keep fixed places: four columns side by side on a wide window; two columns
(what + how much | finished + next) or one when a column would be too narrow for sentences
at this scale. Text is wrapped at the size it is drawn (never a scaled bitmap), and
`height_for` is the height that shows all of it. Nothing moves, nothing is red; a ticked
step shows a tick shape, not only a colour.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from dojokit.feedback import STATES
from dojokit.i18n import text
from dojokit.studio.icons import draw_icon
from dojokit.studio.theme import (
    BASE_SMALL,
    BASE_TEXT,
    RGB,
    Theme,
    font,
    px,
    wrap,
)
from dojokit.themebox.format import Box, Exercise, pick
from dojokit.typeset import tie

SECTIONS = ("what", "steps", "done", "next")
HEADINGS = {"what": "cards.label.what", "steps": "cards.label.steps",
            "done": "cards.label.done_when", "next": "cards.label.next"}
HEADING_GLYPH = {"done": "tick", "next": "arrow"}  # as on the printed card

# The layouts, widest first: each column's sections (top to bottom) and its share of the
# width. The first layout whose narrowest column keeps MIN_COLUMN px (at 100 %) is used.
LAYOUTS: tuple[tuple[tuple[tuple[str, ...], float], ...], ...] = (
    ((("what",), 0.23), (("steps",), 0.34), (("done",), 0.23), (("next",), 0.20)),
    ((("what", "steps"), 0.6), (("done", "next"), 0.4)),
    ((SECTIONS, 1.0),),
)
MIN_COLUMN = 230

# sizes in px at 100 %
PAD = 10  # around the card and inside each answer's box
GAP = 10  # between answers
ICON = 64  # the card's picture
TICK_BOX = 24  # a step's box
POINTER = 10  # the mark before the step being worked on
SIGN_BOX = 40  # the "finished" place
LINE_GAP = 4  # between a heading and its answer, between two steps
RADIUS = 8

FINISHED = "finished"
STATE_COLOUR = {name: colour for name, colour, _ in STATES}
STATE_SIGN = {name: sign for name, _, sign in STATES}
TINT = 0.25  # how much of the state's light colour tints the "finished" place: soft, calm


def _soft(colour: RGB, onto: RGB, amount: float) -> RGB:
    return tuple(round(b + (a - b) * amount) for a, b in zip(colour, onto, strict=True))  # type: ignore[return-value]


@dataclass
class _Text:
    text: str
    font: pygame.font.Font
    rect: pygame.Rect  # relative to the card's top-left while laying out
    muted: bool = False
    step: int | None = None  # a step's text sits on that step's band
    section: str = ""
    role: str = "text"  # text | step_of (said when drawn) | finished (only when finished)
    right: bool = False  # right-aligned in its rect (step_of beside the heading)


@dataclass
class _Shape:
    kind: str  # box | icon | glyph | tickbox | pointer | band | sign
    rect: pygame.Rect
    section: str = ""
    step: int | None = None
    name: str = ""


class CardView:
    """The card of one exercise, laid out for a width and drawn at a scale."""

    def __init__(self, box: Box, exercise: Exercise, lang: str, scale: float, theme: Theme,
                 next_title: str | None) -> None:
        self.box, self.exercise, self.lang = box, exercise, lang
        self.scale, self.theme, self.next_title = scale, theme, next_title
        self._layouts: dict[int, tuple[list[_Text], list[_Shape], int]] = {}
        self._drawn: list[tuple[str, pygame.Rect, pygame.font.Font, RGB, RGB]] = []
        self._painted: tuple[object, pygame.Surface, list] | None = None  # type: ignore[type-arg]
        self.badge_colour = _soft(STATE_COLOUR[FINISHED], theme.panel, TINT)

    # -- fonts and words --------------------------------------------------------------------
    def _px(self, v: float) -> int:
        return px(v, self.scale)

    @property
    def _body(self) -> pygame.font.Font:
        return font(self._px(BASE_TEXT))

    @property
    def _bold(self) -> pygame.font.Font:
        return font(self._px(BASE_TEXT), bold=True)

    @property
    def _heading(self) -> pygame.font.Font:
        return font(self._px(BASE_SMALL), bold=True)

    @property
    def _small(self) -> pygame.font.Font:
        return font(self._px(BASE_SMALL))

    def _t(self, key: str) -> str:
        return text(key, self.lang)

    def _number(self) -> int:
        ids = [e.id for e in self.box.exercises]
        return ids.index(self.exercise.id) + 1 if self.exercise.id in ids else 1

    def step_line(self, steps_done: int, finished: bool) -> str:
        """ "step 2 of 3": the step being worked on (the one after the ticked ones)."""
        total = len(self.exercise.card.steps)
        n = total if finished else min(max(steps_done, 0) + 1, total)
        return self._t("studio_card.step_of").format(n=n, total=total)

    # -- layout -----------------------------------------------------------------------------
    def _columns(self, width: int) -> list[tuple[tuple[str, ...], int, int]]:
        """(sections, x, width) of each column."""
        pad, gap = self._px(PAD), self._px(GAP)
        for layout in LAYOUTS:
            inner = width - 2 * pad - (len(layout) - 1) * gap
            widths = [int(inner * share) for _, share in layout]
            widths[-1] = inner - sum(widths[:-1])
            if min(widths) >= self._px(MIN_COLUMN) or layout is LAYOUTS[-1]:
                out, x = [], pad
                for (sections, _), w in zip(layout, widths, strict=True):
                    out.append((sections, x, w))
                    x += w + gap
                return out
        raise AssertionError("unreachable")

    def _lines(self, texts: list[_Text], words: str, f: pygame.font.Font, x: int, y: int,
               width: int, **kw: object) -> int:
        """Wrap `words` at `width` from (x, y); the y below the last line. A short last word
        and French punctuation stay with their word, as on the printed card."""
        for line in wrap(tie(words), f, max(1, width)):
            w, h = f.size(line)
            texts.append(_Text(line, f, pygame.Rect(x, y, w, h), **kw))  # type: ignore[arg-type]
            y += f.get_linesize()
        return y

    def _section(self, name: str, x: int, y: int, width: int, texts: list[_Text],
                 shapes: list[_Shape]) -> int:
        """Lay out one answer in its box from (x, y); returns the box's height."""
        pad = self._px(PAD)
        ix, iw = x + pad, width - 2 * pad
        cy = y + pad
        hf = self._heading
        glyph = HEADING_GLYPH.get(name)
        gx = ix
        if glyph:
            g = hf.get_linesize()
            shapes.append(_Shape("glyph", pygame.Rect(ix, cy, g, g), name, name=glyph))
            gx = ix + g + self._px(6)
        heading = self._t(HEADINGS[name])
        if name == "steps" and self._count_beside(heading, iw):
            # "step 2 of 3" right-aligned on the heading's row: one line less to read past
            cw = self._count_width()
            row = max(hf.get_linesize(), self._bold.get_linesize())
            texts.append(_Text(heading, hf, pygame.Rect(ix, cy + row - hf.get_linesize(),
                                                        *hf.size(heading)),
                               muted=True, section=name))
            texts.append(_Text("", self._bold, pygame.Rect(ix + iw - cw, cy, cw, 0),
                               section=name, role="step_of", right=True))
            cy += row + self._px(LINE_GAP)
            return self._steps(ix, cy, iw, texts, shapes, counted=True) + pad - y
        cy = self._lines(texts, heading, hf, gx, cy, ix + iw - gx, muted=True, section=name)
        cy += self._px(LINE_GAP)
        cy = getattr(self, f"_{name}")(ix, cy, iw, texts, shapes)
        return cy + pad - y

    def _what(self, x: int, y: int, w: int, texts: list[_Text], shapes: list[_Shape]) -> int:
        card = self.exercise.card
        icon = self._px(ICON)
        shapes.append(_Shape("icon", pygame.Rect(x, y, icon, icon), "what", name=card.icon))
        tx = x + icon + self._px(10)
        bottom = self._lines(texts, pick(card.what, self.lang), self._bold, tx, y, x + w - tx,
                             section="what")
        y = max(y + icon, bottom) + self._px(LINE_GAP)
        label = self._t("studio_card.card_of").format(
            n=self._number(), total=len(self.box.exercises),
            title=pick(self.exercise.title, self.lang))
        return self._lines(texts, label, self._small, x, y, w, muted=True, section="what")

    def _count_width(self) -> int:
        """The widest "step n of total" this card can say (the line never changes size)."""
        return max((self._bold.size(tie(self.step_line(k, False)))[0]
                    for k in range(len(self.exercise.card.steps))), default=0)

    def _count_beside(self, heading: str, width: int) -> bool:
        return self._heading.size(heading)[0] + self._px(GAP) + self._count_width() <= width

    def _steps(self, x: int, y: int, w: int, texts: list[_Text], shapes: list[_Shape],
               counted: bool = False) -> int:
        steps = self.exercise.card.steps
        if not counted:  # on its own line(s) under the heading
            widest = max((tie(self.step_line(k, False)) for k in range(len(steps))),
                         key=lambda s: self._bold.size(s)[0])
            n_lines = len(wrap(widest, self._bold, w))
            # said when drawn ("step k of n"); the rect holds the width it wraps in
            texts.append(_Text("", self._bold, pygame.Rect(x, y, w, 0), section="steps",
                               role="step_of"))
            y += n_lines * self._bold.get_linesize() + self._px(LINE_GAP)
        f, box, ptr = self._body, self._px(TICK_BOX), self._px(POINTER)
        num_w = max(self._bold.size(f"{i}.")[0] for i in range(1, len(steps) + 1))
        gap = self._px(6)
        tx = x + ptr + gap // 2 + box + gap + num_w + gap
        for i, step in enumerate(steps):
            top = y
            line_h = f.get_linesize()
            bx_y = top + max(0, (line_h - box) // 2)
            shapes.append(_Shape("pointer", pygame.Rect(x, bx_y, ptr, box), "steps", i))
            shapes.append(_Shape("tickbox", pygame.Rect(x + ptr + gap // 2, bx_y, box, box),
                                 "steps", i))
            nx = x + ptr + gap // 2 + box + gap
            texts.append(_Text(f"{i + 1}.", self._bold,
                               pygame.Rect(nx, top, *self._bold.size(f"{i + 1}.")),
                               section="steps", step=i))
            bottom = self._lines(texts, pick(step, self.lang), f, tx, top, x + w - tx,
                                 section="steps", step=i)
            bottom = max(bottom, bx_y + box)
            half = self._px(LINE_GAP) // 2
            shapes.insert(0, _Shape("band", pygame.Rect(x - half, top - half, w + 2 * half,
                                                        bottom - top + 2 * half), "steps", i))
            y = bottom + self._px(LINE_GAP)
        return y - self._px(LINE_GAP)

    def _done(self, x: int, y: int, w: int, texts: list[_Text], shapes: list[_Shape]) -> int:
        y = self._lines(texts, pick(self.exercise.card.done_when, self.lang), self._body, x, y,
                        w, section="done")
        y += self._px(LINE_GAP * 2)
        sign = self._px(SIGN_BOX)
        shapes.append(_Shape("sign", pygame.Rect(x, y, sign, sign), "done"))
        word = text(f"view.state.{FINISHED}", self.lang)  # the vocabulary's word, as on the stage
        wx = x + sign + self._px(10)
        lines = wrap(tie(word), self._bold, x + w - wx)
        th = len(lines) * self._bold.get_linesize()
        ty = y + max(0, (sign - th) // 2)
        self._lines(texts, word, self._bold, wx, ty, x + w - wx, section="done",
                    role=FINISHED)
        return y + max(sign, th)

    def _next(self, x: int, y: int, w: int, texts: list[_Text], shapes: list[_Shape]) -> int:
        y = self._lines(texts, pick(self.exercise.card.next, self.lang), self._body, x, y, w,
                        section="next")
        if not self.next_title:  # the last card's own text says the box is finished
            return y
        label = self._t("studio_card.next_card").format(title=self.next_title)
        return self._lines(texts, label, self._small, x, y + self._px(LINE_GAP), w, muted=True,
                           section="next")

    def _layout(self, width: int) -> tuple[list[_Text], list[_Shape], int]:
        if width in self._layouts:
            return self._layouts[width]
        texts: list[_Text] = []
        shapes: list[_Shape] = []
        pad, gap = self._px(PAD), self._px(GAP)
        columns = self._columns(width)
        bottoms = []
        boxes: list[list[_Shape]] = []
        for sections, x, w in columns:
            y, column = pad, []
            for name in sections:
                h = self._section(name, x, y, w, texts, shapes)
                column.append(_Shape("box", pygame.Rect(x, y, w, h), name))
                y += h + gap
            bottoms.append(y - gap)
            boxes.append(column)
        height = max(bottoms) + pad
        for column in boxes:  # each column's last box reaches the card's bottom: tidy edges
            column[-1].rect.height = height - pad - column[-1].rect.y
        shapes[:0] = [b for column in boxes for b in column]
        self._layouts[width] = (texts, shapes, height)
        return self._layouts[width]

    def height_for(self, width: int) -> int:
        """The height that shows the whole card at `width` px, nothing cut off."""
        return self._layout(width)[2]

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, rect: pygame.Rect, steps_done: int,
             finished: bool) -> None:
        """Draw the card into `rect`; `steps_done` steps are ticked (all when `finished`)
        and the next one is marked as the step being worked on."""
        if rect.w <= 0 or rect.h <= 0:
            return
        key = (rect.size, steps_done, finished)
        if self._painted is None or self._painted[0] != key:  # the same card: drawn once
            card = pygame.Surface(rect.size)
            self._drawn = []
            self._paint(card, card.get_rect(), steps_done, finished)
            self._painted = (key, card, self._drawn)
        _, card, drawn = self._painted
        surface.blit(card, rect.topleft)
        self._drawn = [(s, r.move(rect.topleft), f, fg, bg) for s, r, f, fg, bg in drawn]

    def _paint(self, surface: pygame.Surface, rect: pygame.Rect, steps_done: int,
               finished: bool) -> None:
        th = self.theme
        texts, shapes, _ = self._layout(rect.w)
        total = len(self.exercise.card.steps)
        done = total if finished else max(0, min(steps_done, total))
        current = None if finished or done >= total else done
        ox, oy = rect.topleft
        pygame.draw.rect(surface, th.panel, rect)
        for s in shapes:
            r = s.rect.move(ox, oy)
            if s.kind == "box":
                pygame.draw.rect(surface, th.background, r, border_radius=self._px(RADIUS))
                if s.section == "next" and finished:  # the next card is offered: outlined
                    pygame.draw.rect(surface, th.slot_hint, r, max(2, self._px(2)),
                                     border_radius=self._px(RADIUS))
            elif s.kind == "band" and s.step == current:
                pygame.draw.rect(surface, th.input_bg, r, border_radius=self._px(6))
            elif s.kind == "pointer" and s.step == current:
                self._pointer(surface, r)
            elif s.kind == "tickbox":
                self._tickbox(surface, r, s.step is not None and s.step < done,
                              current is not None and s.step == current)
            elif s.kind == "icon":
                pygame.draw.rect(surface, th.input_bg, r, border_radius=self._px(RADIUS))
                draw_icon(surface, s.name, r.inflate(-self._px(6), -self._px(6)), th.text,
                          th.input_bg)
            elif s.kind == "glyph":
                self._glyph(surface, r, s.name)
            elif s.kind == "sign":
                self._sign(surface, r, finished)
        for t in texts:
            if t.role == "step_of":
                self._step_of(surface, self.step_line(steps_done, finished), t, ox, oy)
                continue
            if t.role == FINISHED and not finished:
                continue
            bg = th.input_bg if (t.step is not None and t.step == current) else th.background
            self._blit(surface, t.text, t.font, t.rect.move(ox, oy),
                       th.muted_text if t.muted else th.text, bg)

    def _step_of(self, surface: pygame.Surface, words: str, t: _Text, ox: int,
                 oy: int) -> None:
        y = t.rect.y
        for line in wrap(tie(words), t.font, t.rect.w):
            w, h = t.font.size(line)
            x = t.rect.right - w if t.right else t.rect.x
            r = pygame.Rect(x, y, w, h).move(ox, oy)
            self._blit(surface, line, t.font, r, self.theme.text, self.theme.background)
            y += t.font.get_linesize()

    def _blit(self, surface: pygame.Surface, line: str, f: pygame.font.Font,
              r: pygame.Rect, fg: RGB, bg: RGB) -> None:
        surface.blit(f.render(line, True, fg, bg), r.topleft)
        self._drawn.append((line, r, f, fg, bg))

    def _ink(self, width: float) -> int:
        return max(2, self._px(width))

    def _tickbox(self, surface: pygame.Surface, r: pygame.Rect, ticked: bool,
                 current: bool) -> None:
        th = self.theme
        pygame.draw.rect(surface, th.input_bg, r, border_radius=self._px(4))
        pygame.draw.rect(surface, th.text if current or ticked else th.muted_text, r,
                         self._ink(2), border_radius=self._px(4))
        if ticked:
            self._tick(surface, r.inflate(-self._px(6), -self._px(6)), th.text)

    def _tick(self, surface: pygame.Surface, r: pygame.Rect, colour: RGB) -> None:
        pts = [(r.x + r.w * 0.12, r.y + r.h * 0.55), (r.x + r.w * 0.42, r.y + r.h * 0.85),
               (r.x + r.w * 0.9, r.y + r.h * 0.15)]
        w = self._ink(3)
        pygame.draw.lines(surface, colour, False, pts, w)
        for p in pts:
            pygame.draw.circle(surface, colour, p, w / 2)

    def _dashed(self, surface: pygame.Surface, r: pygame.Rect, colour: RGB) -> None:
        w, dash = self._ink(2), self._px(6)
        for x in range(r.x, r.right, 2 * dash):
            for y in (r.y, r.bottom - w):
                pygame.draw.rect(surface, colour, (x, y, min(dash, r.right - x), w))
        for y in range(r.y, r.bottom, 2 * dash):
            for x in (r.x, r.right - w):
                pygame.draw.rect(surface, colour, (x, y, w, min(dash, r.bottom - y)))

    def _pointer(self, surface: pygame.Surface, r: pygame.Rect) -> None:
        """A solid triangle pointing at the step being worked on."""
        h = min(r.h, r.w * 1.6)
        top = r.centery - h / 2
        pygame.draw.polygon(surface, self.theme.text,
                            [(r.x, top), (r.right, r.centery), (r.x, top + h)])

    def _glyph(self, surface: pygame.Surface, r: pygame.Rect, name: str) -> None:
        c, w = self.theme.muted_text, self._ink(2.5)
        r = r.inflate(-self._px(3), -self._px(3))
        if name == "tick":
            self._tick(surface, r, c)
            return
        mid = r.centery
        pts = [(r.x, mid), (r.right, mid)]
        head = [(r.right - r.w * 0.4, r.y + r.h * 0.15), (r.right, mid),
                (r.right - r.w * 0.4, r.bottom - r.h * 0.15)]
        pygame.draw.lines(surface, c, False, pts, w)
        pygame.draw.lines(surface, c, False, head, w)
        for p in (*pts, head[0], head[2]):
            pygame.draw.circle(surface, c, p, w / 2)

    def _sign(self, surface: pygame.Surface, r: pygame.Rect, finished: bool) -> None:
        """The "finished" place: empty until finished, then the vocabulary's 5x5 sign (a
        tick) on a soft tint of the state's colour."""
        th = self.theme
        radius = self._px(6)
        if not finished:  # an empty place, dashed: not a box to tick
            pygame.draw.rect(surface, th.input_bg, r, border_radius=radius)
            self._dashed(surface, r, th.muted_text)
            return
        pygame.draw.rect(surface, self.badge_colour, r, border_radius=radius)
        pygame.draw.rect(surface, th.text, r, self._ink(2), border_radius=radius)
        cell = (r.w - 2 * self._px(6)) // 5
        x0 = r.centerx - 5 * cell // 2
        y0 = r.centery - 5 * cell // 2
        sign = STATE_SIGN[FINISHED]
        for i in range(25):
            if sign >> (24 - i) & 1:
                pygame.draw.rect(surface, th.text, (x0 + (i % 5) * cell, y0 + (i // 5) * cell,
                                                    cell - 1, cell - 1))

    # -- for tests ---------------------------------------------------------------------------
    def texts(self) -> list[tuple[str, pygame.Rect, pygame.font.Font]]:
        """Every text line drawn last time, with its rect on the surface and its font."""
        return [(s, r, f) for s, r, f, _, _ in self._drawn]

    def text_colours(self) -> list[tuple[RGB, RGB]]:
        """(text colour, background colour) of each line of `texts()`, in the same order."""
        return [(fg, bg) for _, _, _, fg, bg in self._drawn]

    def boxes(self, width: int) -> dict[str, pygame.Rect]:
        """Each answer's box (what, steps, done, next) at `width`, relative to the card's
        top-left."""
        _, shapes, _ = self._layout(width)
        return {s.section: s.rect.copy() for s in shapes if s.kind == "box"}

    def step_rows(self, width: int) -> list[pygame.Rect]:
        """Each step's row (its box, number and text) at `width`, relative to the card's
        top-left, in step order."""
        return self._step_shapes(width, "band")

    def tick_boxes(self, width: int) -> list[pygame.Rect]:
        """Each step's box to tick at `width`, relative to the card's top-left."""
        return self._step_shapes(width, "tickbox")

    def _step_shapes(self, width: int, kind: str) -> list[pygame.Rect]:
        _, shapes, _ = self._layout(width)
        return [s.rect.copy() for s in sorted((s for s in shapes if s.kind == kind),
                                               key=lambda s: s.step or 0)]
