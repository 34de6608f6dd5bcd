""""Who is working?": the first thing the studio asks. Every learner is a large button;
"New learner" opens a field to type a name (Enter confirms; what does not fit is said in
words on a soft note, never in red).

Keyboard: arrows move the focus through the names (never letter keys: AZERTY and QWERTY
alike), Tab moves between the names and the buttons below them, Enter chooses, Escape goes
back from the name field. Mouse and touch: one click or tap chooses.

Also here: the small drawing helpers the teacher screen shares (`Painter`, `Target`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from dojokit.i18n import text
from dojokit.studio import theme as th
from dojokit.studio.learners import NAME_MAX, Learners, LearnersError

DEFAULT_SIZE = (1024, 768)  # the layout used before the first draw
RGB = tuple[int, int, int]


def say(lang: str, key: str, /, **fields: object) -> str:
    return text(key, lang).format(**fields)


@dataclass
class Target:
    """Something to click or focus: its name, where it is, its focus group and label."""

    name: str
    rect: pygame.Rect
    group: int
    label: str = ""
    selected: bool = False  # a chosen item: told by a sign and a thicker border too


class Painter:
    """Text and buttons in the theme's fonts and colours. It remembers every pair of text
    and background colours it drew, so a test can check each pair's contrast."""

    def __init__(self, theme: th.Theme, scale: float) -> None:
        self.theme, self.scale = theme, scale
        self.pairs: set[tuple[RGB, RGB]] = set()

    def px(self, v: float) -> int:
        return th.px(v, self.scale)

    def text(self, surface: pygame.Surface, s: str, font: pygame.font.Font,
             pos: tuple[int, int], fg: RGB, bg: RGB) -> pygame.Rect:
        self.pairs.add((fg, bg))
        img = font.render(s, True, fg, bg)
        return surface.blit(img, pos)

    def lines(self, surface: pygame.Surface, s: str, font: pygame.font.Font, x: int, y: int,
              width: int, fg: RGB, bg: RGB) -> int:
        """`s` wrapped to `width`; returns the height used."""
        h = font.get_linesize()
        rows = th.wrap(s, font, width)
        for i, line in enumerate(rows):
            self.text(surface, line, font, (x, y + i * h), fg, bg)
        return len(rows) * h

    def note(self, surface: pygame.Surface, s: str, rect: pygame.Rect) -> int:
        """A message on the soft note colour (never red); returns its height."""
        f = th.text_font(self.scale)
        pad = self.px(10)
        height = len(th.wrap(s, f, rect.w - 2 * pad)) * f.get_linesize() + 2 * pad
        box = pygame.Rect(rect.x, rect.y, rect.w, height)
        pygame.draw.rect(surface, self.theme.error_bg, box, border_radius=self.px(8))
        pygame.draw.rect(surface, self.theme.muted_text, box, max(1, self.px(1)),
                         border_radius=self.px(8))
        self.lines(surface, s, f, box.x + pad, box.y + pad, box.w - 2 * pad, self.theme.text,
                   self.theme.error_bg)
        return height

    def button(self, surface: pygame.Surface, rect: pygame.Rect, label: str, *,
               selected: bool = False, focused: bool = False,
               font: pygame.font.Font | None = None, fill: RGB | None = None) -> None:
        """A button: its label wrapped to fit (never cut off), centred. A selected button
        has a thicker border and the label starts with a sign, so colour is not the cue."""
        t = self.theme
        f = font or th.text_font(self.scale)
        bg = fill or (t.panel if selected else t.button)
        radius = self.px(8)
        pygame.draw.rect(surface, bg, rect, border_radius=radius)
        pygame.draw.rect(surface, t.text, rect, self.px(3) if selected else max(1, self.px(1)),
                         border_radius=radius)
        shown = f"● {label}" if selected else label
        pad = self.px(10)
        rows = th.wrap(shown, f, rect.w - 2 * pad)
        lh = f.get_linesize()
        y = rect.centery - len(rows) * lh // 2
        for i, row in enumerate(rows):
            w = f.size(row)[0]
            self.text(surface, row, f, (rect.centerx - w // 2, y + i * lh), t.button_text, bg)
        if focused:
            th.draw_focus(surface, rect, t, self.scale)

    def button_height(self, label: str, width: int, font: pygame.font.Font | None = None,
                      least: float = 56) -> int:
        """The height a button of `width` needs for `label` (with the selection sign)."""
        f = font or th.text_font(self.scale)
        rows = len(th.wrap(f"● {label}", f, width - 2 * self.px(10)))
        return max(self.px(least), rows * f.get_linesize() + 2 * self.px(10))


def surface_size() -> tuple[int, int]:
    s = pygame.display.get_surface()
    return s.get_size() if s is not None else DEFAULT_SIZE


MOVES = {pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_UP: (0, -1),
         pygame.K_DOWN: (0, 1)}
ENTER = (pygame.K_RETURN, pygame.K_KP_ENTER)


def clicked(event: pygame.event.Event) -> bool:
    return event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 1) == 1


def hit(targets: list[Target], pos: tuple[int, int]) -> Target | None:
    for target in reversed(targets):  # the last drawn is on top
        if target.rect.collidepoint(pos):
            return target
    return None


class WhoScreen:
    """Choose the learner: `handle(event)` returns the chosen name once chosen."""

    def __init__(self, theme: th.Theme, scale: float, lang: str, learners: Learners) -> None:
        self.theme, self.scale, self.lang, self.learners = theme, scale, lang, learners
        self.painter = Painter(theme, scale)
        self.mode = "list"  # or "new": the name field
        self.focus = 0  # index in self._targets
        self.page = 0
        self.typed = ""
        self.message: str | None = None  # what does not fit in the name, in words
        self.size: tuple[int, int] | None = None
        self._targets: list[Target] = []
        self._cols = self._per_page = self._pages = 1

    # -- layout -------------------------------------------------------------------------
    def _layout(self, size: tuple[int, int]) -> list[Target]:
        self.size = size
        return self._layout_list(size) if self.mode == "list" else self._layout_new(size)

    def _notes(self) -> list[str]:
        """Sentences shown under the title: a file that could not be read, and in the list a
        name kept but not written."""
        notes = [self.learners.problem(self.lang)]
        if self.mode == "list":
            notes.append(self.message)
        return [n for n in notes if n]

    def _top(self) -> int:
        """Where the content starts below the title and the notes."""
        p = self.painter
        y = p.px(24) + th.title_font(self.scale).get_linesize() + p.px(16)
        if self.size:
            body = th.text_font(self.scale)
            width = self.size[0] - 2 * p.px(24) - 2 * p.px(10)
            for note in self._notes():
                y += len(th.wrap(note, body, width)) * body.get_linesize() + p.px(36)
        return y

    def _layout_list(self, size: tuple[int, int]) -> list[Target]:
        p, (w, h) = self.painter, size
        margin, gap = p.px(24), p.px(16)
        names = self.learners.names()
        bw = min(w - 2 * margin, p.px(300))
        bh = max([p.button_height(n, bw, least=64) for n in names] or [p.px(64)])
        cols = max(1, (w - 2 * margin + gap) // (bw + gap))
        bar_h = p.button_height(say(self.lang, "studio.who.new"), p.px(300), least=64)
        top = self._top()
        rows = max(1, (h - top - bar_h - 2 * gap - margin) // (bh + gap))
        per_page = cols * rows
        pages = max(1, -(-len(names) // per_page))
        self.page = min(self.page, pages - 1)
        targets = []
        first = self.page * per_page
        for i, name in enumerate(names[first:first + per_page]):
            r, c = divmod(i, cols)
            rect = pygame.Rect(margin + c * (bw + gap), top + r * (bh + gap), bw, bh)
            targets.append(Target(f"learner:{name}", rect, 0, name))
        self._cols = cols
        self._per_page = per_page
        self._pages = pages
        # the bar below the names: new learner, and the page buttons when there are pages
        bar = [("new", say(self.lang, "studio.who.new"))]
        if pages > 1:
            bar += [("prev", say(self.lang, "studio.who.prev")),
                    ("next", say(self.lang, "studio.who.next"))]
        x, y = margin, h - margin - bar_h
        f = th.text_font(self.scale)
        for name, label in bar:
            bw2 = max(p.px(120), f.size(label)[0] + 2 * p.px(24))
            targets.append(Target(name, pygame.Rect(x, y, bw2, bar_h), 1, label))
            x += bw2 + gap
        return targets

    def _layout_new(self, size: tuple[int, int]) -> list[Target]:
        p, w = self.painter, size[0]
        margin, gap = p.px(24), p.px(16)
        f = th.text_font(self.scale)
        width = min(w - 2 * margin, p.px(560))
        y = self._top()
        y += len(th.wrap(say(self.lang, "studio.who.type_name"), f, width)) * f.get_linesize()
        y += gap
        field = Target("field", pygame.Rect(margin, y, width, p.px(56)), 0,
                       say(self.lang, "studio.who.field"))
        y = field.rect.bottom + gap
        if self.message:
            y += len(th.wrap(self.message, f, width - 2 * p.px(10))) * f.get_linesize()
            y += 2 * p.px(10) + gap
        targets = [field]
        x = margin
        for name, key in (("ok", "studio.who.ok"), ("back", "studio.who.back")):
            label = say(self.lang, key)
            bw = max(p.px(120), f.size(label)[0] + 2 * p.px(24))
            targets.append(Target(name, pygame.Rect(x, y, bw, p.px(56)), 1, label))
            x += bw + gap
        return targets

    def targets(self) -> list[tuple[str, pygame.Rect]]:
        self._targets = self._layout(self.size or surface_size())
        return [(t.name, t.rect.copy()) for t in self._targets]

    # -- events -------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> str | None:
        self._targets = self._layout(self.size or surface_size())
        if event.type == pygame.KEYDOWN:
            return self._key(event)
        if event.type == pygame.TEXTINPUT and self.mode == "new":
            self._type(event.text)
        elif clicked(event):
            target = hit(self._targets, event.pos)
            if target is not None:
                self.focus = self._targets.index(target)
                return self._activate(target)
        elif event.type == pygame.MOUSEWHEEL and self.mode == "list":
            self._turn_page(-1 if event.y > 0 else 1)
        return None

    def _key(self, event: pygame.event.Event) -> str | None:
        key = event.key
        if key in ENTER:
            return self._activate(self._targets[self.focus])
        if key == pygame.K_ESCAPE:
            if self.mode == "new":
                self._back()
            return None
        if key == pygame.K_TAB:
            self._next_group(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif key in MOVES:
            self._move(*MOVES[key])
        elif key == pygame.K_BACKSPACE and self.mode == "new":
            self.typed = self.typed[:-1]
            self.message = None
        return None

    def _type(self, s: str) -> None:
        if len(self.typed) + len(s) > NAME_MAX:
            self.message = say(self.lang, "studio.learners.name_long", most=NAME_MAX)
            return
        self.typed += s
        self.message = None

    def _move(self, dx: int, dy: int) -> None:
        current = self._targets[self.focus]
        group = [i for i, t in enumerate(self._targets) if t.group == current.group]
        here = group.index(self.focus)
        if self.mode == "list" and current.group == 0:
            # a grid of names: left/right by one, up/down by a row; past the page's edge
            # the next or previous page (nothing wraps around)
            index = self.page * self._per_page + here + dx + dy * self._cols
            names = self.learners.names()
            if 0 <= index < len(names):
                self.page = index // self._per_page
                self._targets = self._layout(self.size or surface_size())
                self.focus = index - self.page * self._per_page
            return
        step = dx or dy
        self.focus = group[max(0, min(len(group) - 1, here + step))]

    def _next_group(self, step: int) -> None:
        groups = sorted({t.group for t in self._targets})
        now = groups.index(self._targets[self.focus].group)
        want = groups[(now + step) % len(groups)]
        self.focus = next(i for i, t in enumerate(self._targets) if t.group == want)

    def _turn_page(self, step: int) -> None:
        page = max(0, min(self._pages - 1, self.page + step))
        if page != self.page:
            self.page = page
            self._targets = self._layout(self.size or surface_size())
            self.focus = 0

    def _activate(self, target: Target) -> str | None:
        if target.name.startswith("learner:"):
            return target.name.split(":", 1)[1]
        if target.name == "new":
            self.mode, self.typed, self.message = "new", "", None
            self._targets = self._layout(self.size or surface_size())
            self.focus = 0
        elif target.name in ("prev", "next"):
            self._turn_page(-1 if target.name == "prev" else 1)
            self.focus = next((i for i, t in enumerate(self._targets) if t.name == target.name),
                              0)
        elif target.name in ("ok", "field"):
            return self._confirm()
        elif target.name == "back":
            self._back()
        return None

    def _back(self) -> None:
        self.mode, self.typed, self.message = "list", "", None
        self._targets = self._layout(self.size or surface_size())
        self.focus = next(i for i, t in enumerate(self._targets) if t.name == "new")

    def _confirm(self) -> str | None:
        try:
            settings = self.learners.add(self.typed, lang=self.lang)
        except LearnersError as e:
            self.message = e.message(self.lang)
            return None
        try:
            self.learners.save()
        except LearnersError as e:
            # kept for this session; the sentence says it was not written
            self.message = e.message(self.lang)
            self.mode = "list"
            return None
        return settings.name

    # -- drawing ------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        self._targets = self._layout(surface.get_size())
        self.focus = min(self.focus, len(self._targets) - 1)
        surface.fill(t.background)
        margin = p.px(24)
        width = surface.get_width() - 2 * margin
        title = say(self.lang, "studio.who.title" if self.mode == "list" else "studio.who.new")
        p.text(surface, title, th.title_font(self.scale), (margin, p.px(24)), t.text,
               t.background)
        y = p.px(24) + th.title_font(self.scale).get_linesize() + p.px(16)
        for note in self._notes():
            y += p.note(surface, note, pygame.Rect(margin, y, width, 0)) + p.px(16)
        f = th.text_font(self.scale)
        if self.mode == "list":
            if not self.learners.names():
                p.lines(surface, say(self.lang, "studio.who.none"), f, margin, self._top(),
                        width, t.text, t.background)
            if self._pages > 1:
                shown = say(self.lang, "studio.who.page", page=self.page + 1,
                            pages=self._pages)
                last = self._targets[-1].rect
                p.text(surface, shown, f, (last.right + p.px(16),
                                           last.centery - f.get_linesize() // 2),
                       t.text, t.background)
        else:
            field = self._targets[0].rect
            p.lines(surface, say(self.lang, "studio.who.type_name"), f, margin,
                    self._top(), field.w, t.text, t.background)
            self._draw_field(surface, field)
            if self.message:
                p.note(surface, self.message,
                       pygame.Rect(margin, field.bottom + p.px(16), field.w, 0))
        for i, target in enumerate(self._targets):
            if target.name != "field":
                p.button(surface, target.rect, target.label, focused=i == self.focus)

    def _draw_field(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        t, p = self.theme, self.painter
        f = th.text_font(self.scale)
        pygame.draw.rect(surface, t.input_bg, rect, border_radius=p.px(6))
        pygame.draw.rect(surface, t.text, rect, max(2, p.px(2)), border_radius=p.px(6))
        pad = p.px(12)
        shown = self.typed
        while shown and f.size(shown)[0] > rect.w - 3 * pad:  # the end stays in view
            shown = shown[1:]
        x = rect.x + pad
        y = rect.centery - f.get_linesize() // 2
        if shown:
            x = p.text(surface, shown, f, (x, y), t.text, t.input_bg).right
        # a steady caret: nothing blinks
        pygame.draw.rect(surface, t.text, (x + p.px(2), y, max(2, p.px(2)), f.get_linesize()))
        if self.focus == 0:
            th.draw_focus(surface, rect, t, self.scale)
