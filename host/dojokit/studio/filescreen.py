"""Open and Save As, for children: large buttons, one field, plain sentences.

Open lists the .sb3 programs of the learner's work folder as large buttons (newest names in
alphabetical order, a page at a time) and offers a field to type a path. Save As asks a name,
says in words what does not fit (never in red) and asks once more before saving over a
program that is already there.

Keys, the same on AZERTY and QWERTY: Up/Down move the focus, Left/Right between the buttons,
Tab / Shift+Tab to the next / previous part, Enter chooses, Escape goes back. Letters only
ever type. `handle(event)` gives the chosen Path, "cancel", or None (still choosing).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pygame

from dojokit.i18n import text
from dojokit.studio.theme import (
    MIN_TARGET,
    Theme,
    draw_focus,
    px,
    small_font,
    text_font,
    title_font,
    wrap,
)

Mode = Literal["open", "save"]
Result = Path | Literal["cancel"] | None

MAX_NAME = 60
SUFFIX = ".sb3"
# signs no file system takes in a name (Windows has the longest list), shown to the child
_BAD_SIGNS = '<>:"/\\|?*'
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_name(name: str) -> tuple[str, dict[str, object]] | None:
    """Why `name` cannot be a program's file name (catalog key and fields), or None."""
    name = name.strip()
    if name.lower().endswith(SUFFIX):
        name = name[: -len(SUFFIX)].rstrip()
    if not name:
        return "studio.files.name_empty", {}
    bad = sorted({c for c in name if c in _BAD_SIGNS})
    if bad or _CONTROL.search(name):
        return "studio.files.name_chars", {"chars": " ".join(bad or ["?"])}
    if len(name) > MAX_NAME:
        return "studio.files.name_too_long", {"limit": MAX_NAME, "count": len(name)}
    if name.startswith(".") or name.endswith("."):
        return "studio.files.name_dots", {}
    if _RESERVED.fullmatch(name.split(".")[0].strip()):
        return "studio.files.name_reserved", {"name": name}
    return None


def file_name(name: str) -> str:
    """The file a valid name is saved as ("robot dans" -> "robot dans.sb3")."""
    name = name.strip()
    if name.lower().endswith(SUFFIX):
        name = name[: -len(SUFFIX)].rstrip()
    return name + SUFFIX


def programs_in(folder: Path) -> list[Path]:
    try:
        found = [p for p in folder.iterdir() if p.suffix.lower() == SUFFIX and p.is_file()
                 and not p.name.startswith(".")]
    except OSError:
        return []
    return sorted(found, key=lambda p: (p.stem.casefold(), p.name))


@dataclass
class _Layout:
    rects: dict[str, pygame.Rect]  # every target, by id
    texts: list[tuple[str, pygame.font.Font, tuple[int, int]]]  # plain text lines
    message: pygame.Rect | None
    message_lines: list[str]
    rows: int  # file buttons that fit


class FileScreen:
    def __init__(self, theme: Theme, scale: float, lang: str, mode: Mode, folder: Path,
                 name: str = "", size: tuple[int, int] | None = None) -> None:
        self.theme = theme
        self.scale = scale
        self.lang = lang
        self.mode: Mode = mode
        self.folder = Path(folder)
        self.size = size
        self.files = programs_in(self.folder) if mode == "open" else []
        self.value = name  # the field: a path (open) or a name (save)
        self.first = 0  # the first file shown
        self.focus = "file:0" if self.files else "field"
        self.message: str | None = None
        self._confirm: str | None = None  # the name the child is asked to confirm
        self._pressed: str | None = None

    # -- text ---------------------------------------------------------------------------------
    def _t(self, key: str, **fields: object) -> str:
        return text(key, self.lang).format(**fields)

    # -- layout -------------------------------------------------------------------------------
    def _size(self) -> tuple[int, int]:
        if self.size:
            return self.size
        surface = pygame.display.get_surface() if pygame.display.get_init() else None
        return surface.get_size() if surface is not None else (1024, 768)

    def _layout(self) -> _Layout:
        w, h = self._size()
        s = self.scale
        m = px(24, s)
        gap = px(12, s)
        target_h = max(px(56, s), px(MIN_TARGET, s))
        inner = w - 2 * m
        rects: dict[str, pygame.Rect] = {}
        texts: list[tuple[str, pygame.font.Font, tuple[int, int]]] = []
        tf, sf, big = text_font(s), small_font(s), title_font(s)

        def lines(value: str, f: pygame.font.Font, y: int) -> int:
            for line in wrap(value, f, inner):
                texts.append((line, f, (m, y)))
                y += f.get_linesize()
            return y

        y = lines(self._t(f"studio.files.{self.mode}_title"), big, m) + gap
        buttons_y = h - m - target_h
        msg_lines = wrap(self.message, tf, inner - 2 * px(12, s)) if self.message else []
        msg_h = len(msg_lines) * tf.get_linesize() + 2 * px(12, s) if msg_lines else 0
        label = self._t("studio.files.path_label" if self.mode == "open"
                        else "studio.files.name_label")
        label_h = len(wrap(label, tf, inner)) * tf.get_linesize() + px(6, s)
        rows = 0
        message: pygame.Rect | None = None
        if self.mode == "open":
            head_y, head_texts = y, len(texts)
            key = "studio.files.your_programs" if self.files else "studio.files.no_programs"
            y = lines(self._t(key, folder=self.folder), tf, y) + gap
            # the field, its label and the message sit above the buttons; the list gets
            # the room left, keeping a line for "1 to 5 of 12"
            bottom = label_h + target_h + px(6, s) + gap + msg_h
            room = buttons_y - gap - bottom - y - sf.get_linesize()
            rows = max(0, room // (target_h + gap)) if self.files else 0
            if self.files and not rows and not msg_h:
                rows = 1  # a window too small even for one: the list wins over the margins
            if rows:
                self.first = max(0, min(self.first, len(self.files) - rows))
            for i in range(self.first, min(len(self.files), self.first + rows)):
                rects[f"file:{i}"] = pygame.Rect(m, y, inner, target_h)
                y += target_h + gap
            if 0 < rows < len(self.files):
                texts.append((self._t("studio.files.showing", first=self.first + 1,
                                      last=min(len(self.files), self.first + rows),
                                      total=len(self.files)), sf, (m, y)))
                y += sf.get_linesize() + gap
            if msg_h and not rows and y > buttons_y - gap - bottom:
                # no room: the note about the typed path takes the list's place until the
                # focus goes back to the list (which clears the note)
                del texts[head_texts:]
                message = pygame.Rect(m, head_y, inner, msg_h)
                y = head_y + msg_h + gap
                bottom -= gap + msg_h
            y = max(y, buttons_y - gap - bottom)
        y = lines(label, tf, y) + px(6, s)
        rects["field"] = pygame.Rect(m, y, inner, target_h)
        y += target_h + px(6, s)
        if self.mode == "save":
            y = lines(self._t("studio.files.saved_in", folder=self.folder), sf, y)
        y += gap
        if msg_h and message is None:
            message = pygame.Rect(m, y, inner, msg_h)
        # two buttons side by side, each at least as wide as its word
        primary = "open" if self.mode == "open" else "save"
        bw = max(px(180, s), *(tf.size(self._t(f"studio.files.{k}_button"))[0] + 2 * m
                               for k in (primary, "cancel")))
        rects[primary] = pygame.Rect(w - m - bw, buttons_y, bw, target_h)
        rects["cancel"] = pygame.Rect(m, buttons_y, bw, target_h)
        return _Layout(rects, texts, message, msg_lines, rows)

    def targets(self) -> list[tuple[str, pygame.Rect]]:
        """Every place that reacts to a click or a touch, with its rectangle."""
        return list(self._layout().rects.items())

    def message_rect(self) -> pygame.Rect | None:
        """Where the note about the name or path is shown (None when there is none)."""
        return self._layout().message

    # -- focus --------------------------------------------------------------------------------
    @property
    def _primary(self) -> str:
        return "open" if self.mode == "open" else "save"

    def _order(self) -> list[str]:
        return [f"file:{i}" for i in range(len(self.files))] + ["field", self._primary,
                                                                 "cancel"]

    def _regions(self) -> list[str]:
        """Where Tab goes: the list (its focused file), the field, each button."""
        return (["file"] if self.files else []) + ["field", self._primary, "cancel"]

    def _region(self, target: str) -> str:
        return "file" if target.startswith("file:") else target

    def _move(self, step: int) -> None:
        order = self._order()
        i = order.index(self.focus) if self.focus in order else 0
        self._set_focus(order[max(0, min(len(order) - 1, i + step))])

    def _tab(self, step: int) -> None:
        regions = self._regions()
        r = regions[(regions.index(self._region(self.focus)) + step) % len(regions)]
        self._set_focus(f"file:{self.first}" if r == "file" else r)

    def _set_focus(self, target: str) -> None:
        self.focus = target
        if target.startswith("file:"):
            self.message = None  # it was about the typed path
            i = int(target[5:])
            rows = max(1, self._layout().rows)
            if i < self.first:
                self.first = i
            elif i >= self.first + rows:
                self.first = i - rows + 1

    # -- events -------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> Result:
        handler: Callable[[pygame.event.Event], Result] | None = {
            pygame.KEYDOWN: self._key, pygame.TEXTINPUT: self._text,
            pygame.MOUSEBUTTONDOWN: self._down, pygame.MOUSEBUTTONUP: self._up,
            pygame.MOUSEWHEEL: self._wheel,
        }.get(event.type)
        return handler(event) if handler else None

    def _key(self, event: pygame.event.Event) -> Result:
        key = event.key
        if key == pygame.K_ESCAPE:
            return "cancel"
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            return self._activate(self.focus)
        if key == pygame.K_TAB:
            self._tab(-1 if event.mod & pygame.KMOD_SHIFT else 1)
        elif key == pygame.K_UP:
            self._move(-1)
        elif key == pygame.K_DOWN:
            self._move(1)
        elif key in (pygame.K_LEFT, pygame.K_RIGHT) and self.focus in ("cancel",
                                                                       self._primary):
            # the buttons sit in a row: Back on the left, Open or Save on the right
            self.focus = "cancel" if key == pygame.K_LEFT else self._primary
        elif key == pygame.K_BACKSPACE and self.focus == "field":
            self._edit(self.value[:-1])
        return None

    def _text(self, event: pygame.event.Event) -> Result:
        typed = _CONTROL.sub("", event.text)
        if typed:
            self.focus = "field"  # typing always goes to the one field there is
            self._edit(self.value + typed)
        return None

    def _edit(self, value: str) -> None:
        self.value = value
        self._confirm = None
        if self.mode == "save":
            # say what does not fit while typing, calmly; an empty field is not a problem yet
            why = check_name(value) if value.strip() else None
            self.message = self._t(why[0], **why[1]) if why else None
        else:
            self.message = None

    def _hit(self, pos: tuple[int, int]) -> str | None:
        for target, rect in self._layout().rects.items():
            if rect.collidepoint(pos):
                return target
        return None

    def _down(self, event: pygame.event.Event) -> Result:
        if event.button != 1:
            return None
        self._pressed = self._hit(event.pos)
        if self._pressed is not None:
            self.focus = self._pressed
        return None

    def _up(self, event: pygame.event.Event) -> Result:
        if event.button != 1:
            return None
        pressed, self._pressed = self._pressed, None
        target = self._hit(event.pos)
        # a press that slid off the button does nothing (a child can change their mind)
        if target is None or target != pressed or target == "field":
            return None
        return self._activate(target)

    def _wheel(self, event: pygame.event.Event) -> Result:
        if self.files:
            self.first = max(0, self.first - int(event.y))
            self._layout()  # clamps `first`
            if self.focus.startswith("file:") and self._layout().rows:
                rows = self._layout().rows
                i = min(max(int(self.focus[5:]), self.first), self.first + rows - 1)
                self.focus = f"file:{i}"
        return None

    def _activate(self, target: str) -> Result:
        if target == "cancel":
            return "cancel"
        if target.startswith("file:"):
            return self.files[int(target[5:])]
        if self.mode == "open":
            return self._open_typed()
        return self._save_named()

    def _open_typed(self) -> Result:
        typed = self.value.strip().strip('"')
        if not typed:
            self.message = self._t("studio.files.path_empty")
            return None
        path = Path(typed).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        if not path.exists() and not path.suffix and path.with_suffix(SUFFIX).is_file():
            path = path.with_suffix(SUFFIX)
        if path.is_dir():
            self.message = self._t("studio.files.path_folder", path=path)
            return None
        if not path.is_file():
            self.message = self._t("studio.files.path_missing", path=path)
            return None
        return path

    def _save_named(self) -> Result:
        why = check_name(self.value)
        if why:
            self.message = self._t(why[0], **why[1])
            return None
        name = file_name(self.value)
        path = self.folder / name
        if path.exists() and self._confirm != name:
            # nothing is lost without the learner asking twice
            self._confirm = name
            self.message = self._t("studio.files.exists", name=Path(name).stem)
            return None
        return path

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        self.size = surface.get_size()
        th, s = self.theme, self.scale
        lay = self._layout()
        surface.fill(th.background)
        for line, f, pos in lay.texts:
            surface.blit(f.render(line, True, th.text), pos)
        tf = text_font(s)
        radius = px(8, s)
        pad = px(14, s)
        for target, rect in lay.rects.items():
            if target == "field":
                pygame.draw.rect(surface, th.input_bg, rect, border_radius=radius)
                pygame.draw.rect(surface, th.muted_text, rect, max(1, px(2, s)),
                                 border_radius=radius)
                self._draw_field(surface, rect, tf, pad)
                continue
            pygame.draw.rect(surface, th.button, rect, border_radius=radius)
            if target.startswith("file:"):
                label = _fit(self.files[int(target[5:])].stem, tf, rect.width - 2 * pad)
                pos = (rect.x + pad, rect.centery - tf.get_height() // 2)
            else:
                label = self._t(f"studio.files.{target}_button")
                lw = tf.size(label)[0]
                pos = (rect.centerx - lw // 2, rect.centery - tf.get_height() // 2)
            surface.blit(tf.render(label, True, th.button_text), pos)
        if lay.message is not None:
            # what does not fit yet: a soft sand note with dark text, never red
            pygame.draw.rect(surface, th.error_bg, lay.message, border_radius=radius)
            y = lay.message.y + px(12, s)
            for line in lay.message_lines:
                surface.blit(tf.render(line, True, th.text), (lay.message.x + px(12, s), y))
                y += tf.get_linesize()
        if self.focus in lay.rects:
            draw_focus(surface, lay.rects[self.focus], th, s)

    def _draw_field(self, surface: pygame.Surface, rect: pygame.Rect,
                    f: pygame.font.Font, pad: int) -> None:
        room = rect.width - 2 * pad - px(4, self.scale)
        shown = self.value
        while shown and f.size(shown)[0] > room:
            shown = shown[1:]  # a long path shows its end: what was typed last
        x = rect.x + pad
        y = rect.centery - f.get_height() // 2
        surface.blit(f.render(shown, True, self.theme.text), (x, y))
        if self.focus == "field":
            # a steady caret: nothing blinks
            cx = x + f.size(shown)[0] + 1
            pygame.draw.line(surface, self.theme.text, (cx, y), (cx, y + f.get_height()),
                             max(2, px(2, self.scale)))


def _fit(label: str, f: pygame.font.Font, width: int) -> str:
    """`label`, shortened in the middle with "…" when wider than `width`."""
    if f.size(label)[0] <= width:
        return label
    keep = len(label)
    while keep > 2:
        keep -= 1
        head, tail = label[: (keep + 1) // 2], label[len(label) - keep // 2:]
        if f.size(f"{head}…{tail}")[0] <= width:
            return f"{head}…{tail}"
    return label[:1] + "…"
