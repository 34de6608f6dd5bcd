"""Teacher mode: choose the learner, box, exercise and profile; lock a learner's profile and
language; see where every learner is with each exercise of a box; print a box's cards.

The studio opens it with Ctrl+Shift+F12 (the lead's app; the lesson plans say so), so a
child does not find it by accident. Escape or "Close" goes back to the learner's view.

Groups of the focus, in Tab order: learners, boxes, exercises, the learner's settings, the
actions (open, print, close) and the table. Arrows move inside a group, Enter activates.

The table reads the progress file through the same functions as `dojokit progress`
(dojokit.cli.progress.build_rows): finished, not yet or not tried, each with the feedback
vocabulary's sign and a word (never colour alone; "not yet" is never red), how many tries and
when the last one was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import platformdirs
import pygame

from dojokit.cli.progress import TIME_FORMAT, Row, build_rows
from dojokit.feedback import STATES
from dojokit.i18n import LANGUAGES
from dojokit.studio import theme as th
from dojokit.studio.learners import PROFILES, Learners, LearnersError
from dojokit.studio.who import ENTER, MOVES, Painter, Target, clicked, hit, say, surface_size
from dojokit.themebox.format import pick
from dojokit.themebox.progress import Progress, ProgressError, data_dir

LISTS = ("learner", "box", "ex")  # the three choosers, groups 0, 1 and 2
SETTINGS, ACTIONS, TABLE = 3, 4, 5
SIGNS = {name: sign for name, _, sign in STATES}  # finished and not_yet; not tried: none
VISIBLE = 4  # items shown at once in a chooser, fewer when the table needs the room
# the table says when: the time for today, the day before (`dojokit progress` has both)
DATE_FORMAT = TIME_FORMAT.split(" ")[0]

SIGN_PX, SIGN_ROOM = 25, 32  # the state's sign in a cell, and the room it takes before the word


def cards_folder() -> Path:
    """Where printed cards go: dojokit's folder in the user's documents when there is such a
    folder, else a cards folder in dojokit's data folder."""
    documents = Path(platformdirs.user_documents_dir())
    return documents / "dojokit" if documents.is_dir() else data_dir() / "cards"


def write_atomically(path: Path, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class TeacherScreen:
    """`handle(event)` returns {"action": "close"}, or {"action": "open", "learner": ...,
    "box": ..., "exercise": ..., "profile": ..., "lang": ...} to open that exercise for that
    learner; None while the teacher is still choosing."""

    def __init__(self, theme: th.Theme, scale: float, lang: str, learners: Learners,
                 boxes: Sequence[Any], progress: Progress | None, *,
                 learner: str | None = None, box: str | None = None,
                 exercise: str | None = None, cards_dir: Path | None = None) -> None:
        self.theme, self.scale, self.lang = theme, scale, lang
        self.learners, self.boxes, self.progress = learners, list(boxes), progress
        self.painter = Painter(theme, scale)
        self.cards_dir = cards_dir
        names = learners.names()
        self.learner = learner if learner in names else (names[0] if names else None)
        self.box_i = next((i for i, b in enumerate(self.boxes) if b.id == box), 0)
        exercises = self.boxes[self.box_i].exercises if self.boxes else ()
        self.ex_i = next((i for i, e in enumerate(exercises) if e.id == exercise), 0)
        self.first = {g: 0 for g in LISTS} | {"table": 0}  # the first item shown
        self.visible, self._table_room = VISIBLE, 0
        self.focus = "learner:0" if names else "box:0"
        self.message: str | None = None
        self.size: tuple[int, int] | None = None
        self._targets: list[Target] = []
        self.rows: list[Row] = []
        self.table_problem: str | None = None
        self.refresh()

    # -- data ---------------------------------------------------------------------------
    @property
    def box(self) -> Any | None:
        return self.boxes[self.box_i] if self.boxes else None

    def _items(self, group: str) -> list[tuple[str, str]]:
        """(value, label) of a chooser's items."""
        if group == "learner":
            return [(n, n) for n in self.learners.names()]
        if group == "box":
            return [(b.id, pick(b.title, self.lang)) for b in self.boxes]
        box = self.box
        return [(e.id, f"{n}. {pick(e.title, self.lang)}")
                for n, e in enumerate(box.exercises if box else (), 1)]

    def table_learners(self) -> list[str]:
        """The table's rows: every learner of the list, and those the progress file knows
        (graded from the command line) who are not on it."""
        names = self.learners.names()
        if self.progress is not None and self.table_problem is None:
            with contextlib.suppress(ProgressError):
                names += [n for n in self.progress.learners() if n not in names]
        return sorted(names, key=str.casefold)

    def refresh(self) -> None:
        """Read the progress file again for the chosen box."""
        self.rows, self.table_problem = [], None
        box = self.box
        if box is None:
            return
        states = []
        if self.progress is None:
            self.table_problem = say(self.lang, "studio.teacher.no_progress")
        else:
            try:
                states = [s for s in self.progress.overview() if s.box == box.id]
            except ProgressError as e:
                self.table_problem = str(e)
        wanted = {ex.id for ex in box.exercises}
        self.rows = [r for r in build_rows(self.table_learners(), [box], states)
                     if r.exercise in wanted]

    def _print_lang(self) -> str:
        return self.learners.get(self.learner).lang if self.learner in self.learners \
            else self.lang

    # -- layout -------------------------------------------------------------------------
    def _layout(self, size: tuple[int, int]) -> list[Target]:
        """Every target at this window size; the choosers show fewer items when the table
        would not have room for two rows (a large scale on a small screen)."""
        need = min(2, len({r.learner for r in self.rows}))
        rooms = {}
        for visible in range(VISIBLE, 0, -1):
            self.visible = visible
            self._layout_at(size)
            rooms[visible] = self._table_room
            if self._table_room >= need:
                break
        # the most items that leave the table its two rows, else the most room it can get
        # with the most items (the settings column may be what takes the height)
        self.visible = max(rooms, key=lambda v: (min(rooms[v], need), v))
        return self._layout_at(size)

    def _layout_at(self, size: tuple[int, int]) -> list[Target]:
        self.size = size
        p, (w, h) = self.painter, size
        margin, gap = p.px(16), p.px(12)
        f = th.text_font(self.scale)
        targets: list[Target] = []
        # top bar: the title, and Close on the right
        close_label = say(self.lang, "studio.teacher.close")
        bar_h = p.px(52)
        cw_close = f.size(close_label)[0] + 2 * p.px(24)
        close = Target("act:close", pygame.Rect(w - margin - cw_close, margin, cw_close, bar_h),
                       ACTIONS, close_label)
        top = margin + bar_h + gap
        # four columns: learners, boxes, exercises, the learner's settings
        cw = (w - 2 * margin - 3 * gap) // 4
        head = f.get_linesize() + p.px(6)
        self._cols: dict[str, pygame.Rect] = {}
        bottom = top
        for g, name in enumerate(LISTS):
            x = margin + g * (cw + gap)
            items = self._items(name)
            ih = max([p.button_height(label, cw, least=48) for _, label in items]
                     or [p.px(48)])
            first = self.first[name] = max(0, min(self.first[name], len(items) - self.visible))
            chosen = self._chosen(name)
            y = top + head
            for i in range(first, min(len(items), first + self.visible)):
                value, label = items[i]
                targets.append(Target(f"{name}:{i}", pygame.Rect(x, y, cw, ih), g, label,
                                      selected=value == chosen))
                y += ih + p.px(6)
            more = f.get_linesize() if len(items) > self.visible else 0
            self._cols[name] = pygame.Rect(x, top, cw, head + self.visible * (ih + p.px(6)) + more)
            bottom = max(bottom, self._cols[name].bottom)
        bottom = max(bottom, self._layout_settings(targets, margin + 3 * (cw + gap), top, cw))
        # actions: open, print
        y = bottom + gap
        x = margin
        ah = p.px(52)
        for name, key in (("act:open", "studio.teacher.open"),
                          ("act:print", "studio.teacher.print")):
            label = say(self.lang, key, lang=self._print_lang().upper())
            aw = f.size(label)[0] + 2 * p.px(24)
            targets.append(Target(name, pygame.Rect(x, y, aw, ah), ACTIONS, label))
            x += aw + gap
        targets.append(close)
        y += ah + gap
        if self.message:
            self._message_at = pygame.Rect(margin, y, w - 2 * margin, 0)
            y += len(th.wrap(self.message, f, w - 2 * margin - 2 * p.px(10))) \
                * f.get_linesize() + 2 * p.px(10) + gap
        y += th.small_font(self.scale).get_linesize() + p.px(4)  # the table's title
        self._table_at = pygame.Rect(margin, y, w - 2 * margin, h - margin - y)
        targets += self._layout_table(self._table_at)
        return targets

    def _chosen(self, group: str) -> str | None:
        if group == "learner":
            return self.learner
        if group == "box":
            return self.box.id if self.box else None
        box = self.box
        return box.exercises[self.ex_i].id if box and box.exercises else None

    def _layout_settings(self, targets: list[Target], x: int, y: int, cw: int) -> int:
        """The chosen learner's profile and language, each with its lock; the bottom."""
        p = self.painter
        f = th.text_font(self.scale)
        gap, bh = p.px(6), p.px(48)
        settings = self.learners.get(self.learner) if self.learner in self.learners else None
        y += f.get_linesize() + 2 * gap  # "Settings for ..."
        self._setting_labels: list[tuple[str, int]] = []
        for setting, values in (("profile", PROFILES), ("lang", LANGUAGES)):
            self._setting_labels.append((setting, y))
            y += f.get_linesize() + gap
            bw = (cw - (len(values) - 1) * gap) // len(values)
            for i, value in enumerate(values):
                label = (say(self.lang, f"studio.teacher.profile.{value}") if setting == "profile"
                         else value.upper())
                chosen = settings is not None and getattr(settings, setting) == value
                targets.append(Target(f"set:{setting}:{value}",
                                      pygame.Rect(x + i * (bw + gap), y, bw, bh), SETTINGS,
                                      label, selected=chosen))
            y += bh + gap
            locked = settings is not None and getattr(settings, f"{setting}_locked")
            sign = "☑" if locked else "☐"
            label = f"{sign} " + say(self.lang, f"studio.teacher.lock.{setting}")
            lh = p.button_height(label, cw, least=48)
            targets.append(Target(f"lock:{setting}", pygame.Rect(x, y, cw, lh), SETTINGS,
                                  label))
            y += lh + gap
        return y

    def _table_geometry(self, area: pygame.Rect) -> tuple[int, list[int], int, int]:
        """Name column width, exercise column x positions, header and row heights."""
        p = self.painter
        small = th.small_font(self.scale)
        box = self.box
        n = len(box.exercises) if box else 0
        name_w = min(p.px(180), area.w // 4)
        col_w = (area.w - name_w) // max(1, n)
        xs = [area.x + name_w + i * col_w for i in range(n + 1)]
        heads = [f"{i}. {pick(e.title, self.lang)}" for i, e in enumerate(
            box.exercises if box else (), 1)]
        head_h = max([len(th.wrap(s, small, col_w - 2 * p.px(6))) for s in heads] or [1]) \
            * small.get_linesize() + 2 * p.px(6)
        words = [say(self.lang, f"progress.status.{s}") for s in ("finished", "not_yet",
                                                                    "not_tried")]
        sign_w = p.px(SIGN_ROOM)
        word_lines = max(len(th.wrap(s, small, col_w - 3 * p.px(6) - sign_w)) for s in words)
        # every row as high as the fullest cell needs, so rows do not jump when scrolled
        when_lines = max([len(th.wrap(self._when_line(r.tries, r.last), small,
                                      col_w - 2 * p.px(6)))
                          for r in self.rows if r.tries and r.last is not None] or [0])
        name_lines = max([len(th.wrap(f"● {n}", small, name_w - 2 * p.px(6)))
                          for n in {r.learner for r in self.rows}] or [1])
        row_h = max(p.px(48), max(word_lines * small.get_linesize(), p.px(SIGN_PX + 2))
                    + when_lines * small.get_linesize() + 2 * p.px(6),
                    name_lines * small.get_linesize() + 2 * p.px(6))
        return name_w, xs, head_h, row_h

    def _layout_table(self, area: pygame.Rect) -> list[Target]:
        box = self.box
        self._table_room = 0
        if box is None or not self.rows:
            return []
        _, xs, head_h, row_h = self._table_geometry(area)
        names = list(dict.fromkeys(r.learner for r in self.rows))
        hint = th.small_font(self.scale).get_linesize() + self.painter.px(6)
        self._table_room = (area.h - head_h - hint) // row_h
        fit = max(1, self._table_room)
        self._table_fit = fit
        first = self.first["table"] = max(0, min(self.first["table"], len(names) - fit))
        targets = []
        ex_ids = [e.id for e in box.exercises]
        chosen_ex = self._chosen("ex")
        for r in range(first, min(len(names), first + fit)):
            y = area.y + head_h + (r - first) * row_h
            for c, ex in enumerate(ex_ids):
                rect = pygame.Rect(xs[c], y, xs[c + 1] - xs[c], row_h)
                targets.append(Target(f"cell:{r}:{c}", rect, TABLE,
                                      selected=names[r] == self.learner and ex == chosen_ex))
        return targets

    def targets(self) -> list[tuple[str, pygame.Rect]]:
        self._targets = self._layout(self.size or surface_size())
        return [(t.name, t.rect.copy()) for t in self._targets]

    # -- events -------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> dict[str, Any] | None:
        self._targets = self._layout(self.size or surface_size())
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                return {"action": "close"}
            if event.key in ENTER:
                return self._activate(self.focus)
            if event.key == pygame.K_TAB:
                self._tab(-1 if event.mod & pygame.KMOD_SHIFT else 1)
            elif event.key in MOVES:
                self._move(*MOVES[event.key])
        elif clicked(event):
            target = hit(self._targets, event.pos)
            if target is not None:
                self.focus = target.name
                return self._activate(target.name)
        elif event.type == pygame.MOUSEWHEEL:
            self._wheel(-event.y)
        return None

    def _group_of(self, name: str) -> int:
        kind = name.split(":")[0]
        return {"learner": 0, "box": 1, "ex": 2, "set": SETTINGS, "lock": SETTINGS,
                "act": ACTIONS, "cell": TABLE}[kind]

    def _tab(self, step: int) -> None:
        shown = {t.group: t.name for t in reversed(self._targets)}  # each group's first
        groups = sorted(shown)
        now = self._group_of(self.focus)
        order = [g for g in groups if g != now]
        if not order:
            return
        later = [g for g in groups if (g - now) * step > 0]
        want = (later[0] if step > 0 else later[-1]) if later else (
            groups[0] if step > 0 else groups[-1])
        self.focus = self._first_in(want)

    def _first_in(self, group: int) -> str:
        if group < len(LISTS):  # the chosen item, or the first shown
            name = LISTS[group]
            chosen = [t.name for t in self._targets if t.group == group and t.selected]
            return chosen[0] if chosen else f"{name}:{self.first[name]}"
        if group == TABLE:
            chosen = [t.name for t in self._targets if t.group == group and t.selected]
            return chosen[0] if chosen else next(t.name for t in self._targets
                                                 if t.group == group)
        return next(t.name for t in self._targets if t.group == group)

    def _move(self, dx: int, dy: int) -> None:
        kind, *rest = self.focus.split(":")
        if kind in LISTS:
            if dy:
                i = max(0, min(len(self._items(kind)) - 1, int(rest[0]) + dy))
                self.focus = f"{kind}:{i}"
                self._show(kind, i)
            return
        if kind == "cell":
            r, c = int(rest[0]) + dy, int(rest[1]) + dx
            rows = len(dict.fromkeys(x.learner for x in self.rows))
            cols = len(self.box.exercises) if self.box else 0
            if 0 <= r < rows and 0 <= c < cols:
                self.focus = f"cell:{r}:{c}"
                self._show("table", r)
            return
        self._spatial(dx, dy)

    def _spatial(self, dx: int, dy: int) -> None:
        """The nearest target of the same group in the arrow's direction."""
        here = next((t for t in self._targets if t.name == self.focus), None)
        if here is None:
            return
        cx, cy = here.rect.center
        best, score = None, None
        for t in self._targets:
            if t.group != here.group or t is here:
                continue
            ox, oy = t.rect.centerx - cx, t.rect.centery - cy
            along, across = ox * dx + oy * dy, abs(ox * dy) + abs(oy * dx)
            if along <= 0:
                continue
            s = along + 2 * across
            if score is None or s < score:
                best, score = t, s
        if best is not None:
            self.focus = best.name

    def _show(self, group: str, i: int) -> None:
        """Scroll a chooser or the table so item `i` is shown."""
        fit = self.visible if group != "table" else getattr(self, "_table_fit", 1)
        if i < self.first[group]:
            self.first[group] = i
        elif i >= self.first[group] + fit:
            self.first[group] = i - fit + 1
        self._targets = self._layout(self.size or surface_size())

    def _wheel(self, step: int) -> None:
        pos = pygame.mouse.get_pos()
        for name, rect in [*self._cols.items(), ("table", self._table_at)]:
            if rect.collidepoint(pos):
                self.first[name] = max(0, self.first[name] + step)
                self._targets = self._layout(self.size or surface_size())
                return

    def _activate(self, name: str) -> dict[str, Any] | None:
        kind, *rest = name.split(":")
        self.message = None
        if kind == "learner":
            names = self.learners.names()
            self.learner = names[int(rest[0])]
        elif kind == "box":
            self.box_i, self.ex_i, self.first["ex"] = int(rest[0]), 0, 0
            self.refresh()
        elif kind == "ex":
            self.ex_i = int(rest[0])
        elif kind == "cell":
            names = list(dict.fromkeys(r.learner for r in self.rows))
            learner = names[int(rest[0])]
            self.ex_i = int(rest[1])
            if learner in self.learners:
                self.learner = learner
            else:  # graded from the command line, not on the studio's list
                self.message = say(self.lang, "studio.teacher.not_listed", name=learner)
        elif kind in ("set", "lock"):
            self._setting(kind, rest)
        elif name == "act:close":
            return {"action": "close"}
        elif name == "act:open":
            return self._open()
        elif name == "act:print":
            self._print()
        return None

    def _setting(self, kind: str, rest: list[str]) -> None:
        if self.learner not in self.learners:
            self.message = say(self.lang, "studio.teacher.choose_learner")
            return
        current = self.learners.get(self.learner)
        change: dict[str, Any] = (
            {rest[0]: rest[1]} if kind == "set"
            else {f"{rest[0]}_locked": not getattr(current, f"{rest[0]}_locked")})
        try:
            self.learners.update(self.learner, teacher=True, **change)
            self.learners.save()
        except LearnersError as e:
            self.message = e.message(self.lang)

    def _open(self) -> dict[str, Any] | None:
        box = self.box
        if self.learner not in self.learners or box is None or not box.exercises:
            self.message = say(self.lang, "studio.teacher.choose_learner")
            return None
        s = self.learners.get(self.learner)
        return {"action": "open", "learner": s.name, "box": box.id,
                "exercise": box.exercises[self.ex_i].id, "profile": s.profile,
                "lang": s.lang}

    def _print(self) -> Path | None:
        """Write the chosen box's cards (one per A5 page) in the print language; the message
        says where the file is."""
        from dojokit.themebox.cards import cards_html

        box = self.box
        if box is None:
            return None
        lang = self._print_lang()
        path = (self.cards_dir or cards_folder()) / f"cards-{box.id}-{lang}.html"
        try:
            write_atomically(path, cards_html(box, lang))
        except OSError as e:
            self.message = say(self.lang, "studio.teacher.print_failed", path=path,
                               why=e.strerror or str(e))
            return None
        self.message = say(self.lang, "studio.teacher.printed", box=pick(box.title, lang),
                           count=len(box.exercises), lang=lang.upper(), path=path)
        return path

    # -- drawing ------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        self._targets = self._layout(surface.get_size())
        if not any(x.name == self.focus for x in self._targets):
            self.focus = self._first_in(self._group_of(self.focus))
        surface.fill(t.background)
        margin = p.px(16)
        f, title = th.text_font(self.scale), th.title_font(self.scale)
        p.text(surface, say(self.lang, "studio.teacher.title"), title,
               (margin, margin + p.px(26) - title.get_linesize() // 2), t.text, t.background)
        heads = {"learner": "studio.teacher.learners", "box": "studio.teacher.boxes",
                 "ex": "studio.teacher.exercises"}
        for name, rect in self._cols.items():
            p.text(surface, say(self.lang, heads[name]), f, rect.topleft, t.text, t.background)
            self._more(surface, name, rect)
        self._draw_setting_labels(surface)
        if self.message:
            p.note(surface, self.message, self._message_at)
        self._draw_table(surface, self._table_at)
        for target in self._targets:
            if target.group != TABLE:
                p.button(surface, target.rect, target.label, selected=target.selected,
                         focused=target.name == self.focus)

    def _more(self, surface: pygame.Surface, name: str, rect: pygame.Rect) -> None:
        """Under a chooser with more items than it shows: how many more, above and below."""
        total, first = len(self._items(name)), self.first[name]
        if total <= self.visible:
            return
        t, f = self.theme, th.small_font(self.scale)
        above, below = first, total - first - self.visible
        parts = ([f"↑ {above}"] if above else []) + ([f"↓ {below}"] if below else [])
        s = say(self.lang, "studio.teacher.more", shown=" · ".join(parts))
        self.painter.text(surface, s, f, (rect.x, rect.bottom - th.text_font(
            self.scale).get_linesize()), t.text, t.background)

    def _draw_setting_labels(self, surface: pygame.Surface) -> None:
        t, p = self.theme, self.painter
        f = th.text_font(self.scale)
        x = next(tg.rect.x for tg in self._targets if tg.name.startswith("set:"))
        y0 = self._setting_labels[0][1] - f.get_linesize() - p.px(12)
        who = (say(self.lang, "studio.teacher.settings_for", name=self.learner)
               if self.learner in self.learners else say(self.lang, "studio.teacher.settings"))
        width = self._cols["box"].w
        shown = th.wrap(who, f, width)[0]
        if shown != who:  # a long name: the start, and … says there is more
            while shown and f.size(shown + "…")[0] > width:
                shown = shown[:-1]
            shown += "…"
        p.text(surface, shown, f, (x, y0), t.text, t.background)
        for setting, y in self._setting_labels:
            p.text(surface, say(self.lang, f"studio.teacher.{setting}"), f, (x, y), t.text,
                   t.background)

    def _draw_table(self, surface: pygame.Surface, area: pygame.Rect) -> None:
        t, p = self.theme, self.painter
        f, small = th.text_font(self.scale), th.small_font(self.scale)
        box = self.box
        if box is None:
            return
        pad = p.px(6)
        if self.table_problem and not self.rows:
            p.note(surface, self.table_problem, pygame.Rect(area.x, area.y, area.w, 0))
            return
        if not self.rows:
            p.lines(surface, say(self.lang, "studio.teacher.no_learners"), f, area.x, area.y,
                    area.w, t.text, t.background)
            return
        name_w, xs, head_h, row_h = self._table_geometry(area)
        table = pygame.Rect(area.x, area.y, xs[-1] - area.x, head_h)
        pygame.draw.rect(surface, t.panel, table)
        title = say(self.lang, "studio.teacher.table", box=pick(box.title, self.lang))
        p.text(surface, title, small, (area.x, area.y - small.get_linesize() - p.px(4)),
               t.text, t.background)
        p.lines(surface, say(self.lang, "studio.teacher.learners"), small, area.x + pad,
                area.y + pad, name_w - 2 * pad, t.text, t.panel)
        for i, ex in enumerate(box.exercises):
            p.lines(surface, f"{i + 1}. {pick(ex.title, self.lang)}", small, xs[i] + pad,
                    area.y + pad, xs[i + 1] - xs[i] - 2 * pad, t.text, t.panel)
        names = list(dict.fromkeys(r.learner for r in self.rows))
        by_key = {(r.learner, r.exercise): r for r in self.rows}
        cells = {x.name: x for x in self._targets if x.group == TABLE}
        first = self.first["table"]
        bottom = area.y + head_h
        for r in range(first, min(len(names), first + self._table_fit)):
            y = area.y + head_h + (r - first) * row_h
            bg = t.panel if r % 2 == 0 else t.script_bg
            pygame.draw.rect(surface, bg, (area.x, y, xs[-1] - area.x, row_h))
            name = names[r]
            label = f"● {name}" if name == self.learner else name
            p.lines(surface, label, small, area.x + pad, y + pad, name_w - 2 * pad, t.text, bg)
            for c, ex in enumerate(box.exercises):
                cell = cells[f"cell:{r}:{c}"]
                self._draw_cell(surface, cell, by_key[(name, ex.id)], bg)
            bottom = y + row_h
        # the grid's lines: rows and columns told apart without colour
        for x in xs:
            pygame.draw.line(surface, t.muted_text, (x, area.y), (x, bottom))
        pygame.draw.line(surface, t.muted_text, (area.x, area.y + head_h),
                         (xs[-1], area.y + head_h), max(1, p.px(2)))
        shown_to = min(len(names), first + self._table_fit)
        if len(names) > self._table_fit:
            p.text(surface, say(self.lang, "studio.teacher.rows", first=first + 1,
                                last=shown_to, total=len(names)),
                   small, (area.x, bottom + pad), t.text, t.background)
        for cell in cells.values():
            if cell.selected:
                pygame.draw.rect(surface, t.text, cell.rect, max(2, p.px(3)))
            if cell.name == self.focus:
                th.draw_focus(surface, cell.rect.inflate(-2 * p.px(5), -2 * p.px(5)), t,
                              self.scale)

    def _draw_cell(self, surface: pygame.Surface, cell: Target, row: Row, bg: Any) -> None:
        t, p = self.theme, self.painter
        small = th.small_font(self.scale)
        pad = p.px(6)
        x, y = cell.rect.x + pad, cell.rect.y + pad
        self._sign(surface, row.status, pygame.Rect(x, y, p.px(SIGN_PX), p.px(SIGN_PX)))
        word = say(self.lang, f"progress.status.{row.status}")
        room = p.px(SIGN_ROOM)
        used = p.lines(surface, word, small, x + room, y, cell.rect.w - 3 * pad - room, t.text,
                       bg)
        used = max(used, p.px(SIGN_PX + 2))
        if row.tries and row.last is not None:
            p.lines(surface, self._when_line(row.tries, row.last), small, x, y + used,
                    cell.rect.w - 2 * pad, t.text, bg)

    def _when_line(self, tries: int, last: datetime) -> str:
        """How many tries and when the last one was, in local time."""
        key = "studio.teacher.try" if tries == 1 else "studio.teacher.tries"
        local = last.astimezone()
        when = (say(self.lang, "studio.teacher.today", time=local.strftime("%H:%M"))
                if local.date() == datetime.now().astimezone().date()
                else local.strftime(DATE_FORMAT))
        return say(self.lang, key, n=tries, when=when)

    def _sign(self, surface: pygame.Surface, status: str, rect: pygame.Rect) -> None:
        """The feedback vocabulary's 5x5 sign for the state; not tried: an empty frame."""
        t = self.theme
        bits = SIGNS.get(status)
        if bits is None:
            pygame.draw.rect(surface, t.text, rect, max(1, self.painter.px(2)))
            return
        cell = rect.w // 5
        for i in range(25):
            if bits >> (24 - i) & 1:
                r, c = divmod(i, 5)
                pygame.draw.rect(surface, t.text, (rect.x + c * cell, rect.y + r * cell,
                                                   cell, cell))
