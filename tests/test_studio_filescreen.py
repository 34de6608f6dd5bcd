"""The studio's Open / Save As screen works with the keyboard alone and with the mouse, with
large targets and readable text."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
import pygame

import dojokit.studio  # noqa: F401  (before pygame: no banner)
from dojokit.studio import files
from dojokit.studio.filescreen import FileScreen
from dojokit.studio.theme import MIN_CONTRAST, MIN_TARGET, contrast, theme

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "themeboxes").glob("*/programs/**/*.json"))


def original_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def saved_json(path: Path) -> dict[str, Any]:
    """project.json of a saved .sb3 (or .json)."""
    if path.suffix == ".sb3":
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("project.json"))
    return original_json(path)


# -- the Open / Save As screen ----------------------------------------------------------------
@pytest.fixture
def window():
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode((1024, 768))
    pygame.event.clear()
    yield surface
    pygame.display.quit()


def _post(*events: pygame.event.Event) -> None:
    for e in events:
        pygame.event.post(e)


def _pump(screen: FileScreen, surface: pygame.Surface) -> Any:
    """Hand every posted event to the screen, as the studio's loop does; draw each time."""
    result = None
    for event in pygame.event.get():
        got = screen.handle(event)
        screen.draw(surface)
        if got is not None:
            result = got
    return result


def _keys(*keys: int, mod: int = 0) -> list[pygame.event.Event]:
    return [pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)
            for k in keys]


def _type(text: str) -> list[pygame.event.Event]:
    return [pygame.event.Event(pygame.TEXTINPUT, text=c) for c in text]


def _no_red(surface: pygame.Surface) -> bool:
    w, h = surface.get_size()
    for x in range(0, w, 4):
        for y in range(0, h, 4):
            r, g, b, *_ = surface.get_at((x, y))
            if r > 150 and r - max(g, b) > 80:
                return False
    return True


def test_save_as_with_the_keyboard_only(window, tmp_path):
    (tmp_path / "dans.sb3").write_bytes(b"old")
    screen = FileScreen(theme("calm"), 1.0, "nl", "save", tmp_path)
    screen.draw(window)
    _post(*_type("robot/dans"))
    assert _pump(screen, window) is None
    assert "/" in (screen.message or "")  # says which sign does not fit, in words
    assert _no_red(window)
    _post(*_keys(*[pygame.K_BACKSPACE] * 5), *_type(" dans"))
    _pump(screen, window)
    assert screen.value == "robot dans" and screen.message is None
    # letters type, they never move the focus; Tab goes to the Save button, Enter saves
    _post(*_keys(pygame.K_TAB), *_keys(pygame.K_RETURN))
    assert _pump(screen, window) == tmp_path / "robot dans.sb3"
    # a name that is taken: asked once more, then saved over
    screen = FileScreen(theme("calm"), 1.0, "en", "save", tmp_path)
    _post(*_type("dans"), *_keys(pygame.K_RETURN))
    assert _pump(screen, window) is None and "dans" in (screen.message or "")
    _post(*_keys(pygame.K_RETURN))
    target = _pump(screen, window)
    assert target == tmp_path / "dans.sb3"
    files.save_program(files.open_program(SHIPPED[0]), target)
    assert saved_json(target) == original_json(SHIPPED[0])
    # Escape goes back without saving
    screen = FileScreen(theme("calm"), 1.0, "fr", "save", tmp_path)
    _post(*_type("x"), *_keys(pygame.K_ESCAPE))
    assert _pump(screen, window) == "cancel"


def test_save_as_refuses_names_no_file_system_takes(window, tmp_path):
    for name in ("", "CON", "a:b", "nom.", "x" * 61):
        screen = FileScreen(theme("standard"), 1.0, "en", "save", tmp_path)
        _post(*_type(name), *_keys(pygame.K_RETURN))
        assert _pump(screen, window) is None, name
        assert screen.message, name


def test_open_with_the_mouse(window, tmp_path):
    for i, src in enumerate(SHIPPED[:3]):
        files.save_program(files.open_program(src), tmp_path / f"program {i}.sb3")
    (tmp_path / "notes.txt").write_text("not a program")
    screen = FileScreen(theme("calm"), 1.0, "en", "open", tmp_path)
    screen.draw(window)
    rects = dict(screen.targets())
    assert sorted(k for k in rects if k.startswith("file:")) == ["file:0", "file:1", "file:2"]
    # a press that slides off the button does nothing
    _post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rects["file:0"].center, button=1),
          pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rects["cancel"].center, button=1))
    assert _pump(screen, window) is None
    _post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rects["file:1"].center, button=1),
          pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rects["file:1"].center, button=1))
    chosen = _pump(screen, window)
    assert chosen == tmp_path / "program 1.sb3"
    assert files.open_program(chosen).data == original_json(SHIPPED[1])
    _post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=rects["cancel"].center, button=1),
          pygame.event.Event(pygame.MOUSEBUTTONUP, pos=rects["cancel"].center, button=1))
    assert _pump(screen, window) == "cancel"


def test_open_by_keyboard_through_a_long_list_and_a_typed_path(window, tmp_path):
    for i in range(30):
        (tmp_path / f"p{i:02}.sb3").write_bytes(b"x")
    screen = FileScreen(theme("calm"), 1.0, "en", "open", tmp_path)
    screen.draw(window)
    _post(*_keys(*[pygame.K_DOWN] * 20, pygame.K_RETURN))
    assert _pump(screen, window) == tmp_path / "p20.sb3"
    assert "file:20" in dict(screen.targets())  # the list scrolled to keep it in sight
    _post(*_keys(pygame.K_UP, pygame.K_w, pygame.K_s, pygame.K_a))  # letters do not move
    _pump(screen, window)
    assert screen.focus == "file:19"
    _post(*_keys(pygame.K_TAB), *_type("p07"), *_keys(pygame.K_RETURN))
    assert _pump(screen, window) == tmp_path / "p07.sb3"
    _post(*_keys(*[pygame.K_BACKSPACE] * 3), *_type("nothing"), *_keys(pygame.K_RETURN))
    assert _pump(screen, window) is None and "nothing" in (screen.message or "")


@pytest.mark.parametrize("mode", ["open", "save"])
@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_every_target_is_large_and_every_text_readable(window, tmp_path, mode, scale):
    for i in range(8):
        (tmp_path / f"program {i}.sb3").write_bytes(b"x")
    for profile in ("calm", "standard"):
        th = theme(profile)
        screen = FileScreen(th, scale, "fr", mode, tmp_path)
        _post(*_type("a/b"), *_keys(pygame.K_RETURN))  # with a message showing too
        _pump(screen, window)
        targets = screen.targets()
        assert {"field", "cancel"} <= {k for k, _ in targets}
        for _name, rect in targets:
            assert rect.width >= MIN_TARGET * scale and rect.height >= MIN_TARGET * scale
            assert window.get_rect().contains(rect)
        rects = [r for _, r in targets]
        note = screen.message_rect()
        assert note is not None and window.get_rect().contains(note)
        assert note.collidelist(rects) == -1  # the note never covers a button
        assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
        for fg, bg in ((th.text, th.background), (th.button_text, th.button),
                       (th.text, th.input_bg), (th.text, th.error_bg)):
            assert contrast(fg, bg) >= MIN_CONTRAST
