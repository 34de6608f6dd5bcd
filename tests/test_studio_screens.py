"""Every studio screen as a learner meets it (issue 11): targets large enough for small
hands, text that can be read, a calm run where nothing moves but the robot, a large program
that still opens, scrolls and edits, and one sentence (never a traceback) without a display.

All through a real window under SDL's dummy driver; the studio is driven by posted events.
"""

from __future__ import annotations

import copy
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
from studio_driver import EMPTY, click, drive, key, post

from dojokit.data import boxes_dir
from dojokit.sim.flashes import luminance, max_flashes_per_window, transitions
from dojokit.sim.kit import SimKit
from dojokit.studio import files
from dojokit.studio.app import Feedback, Holding, Studio
from dojokit.studio.program import Place, Program
from dojokit.studio.runner import Options, StudioRunner
from dojokit.studio.theme import (
    MIN_CONTRAST,
    MIN_TARGET,
    THEMES,
    Theme,
    contrast,
)
from dojokit.themebox.format import load_box

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 800)
RUNNING = ("running", "moving_soon")


def shipped() -> list[tuple[str, str]]:
    out = []
    for box_dir in sorted(p for p in boxes_dir().iterdir() if (p / "box.json").exists()):
        out += [(box_dir.name, ex.id) for ex in load_box(box_dir).exercises]
    return out


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # nothing a test does may touch the real learner's work or progress
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


@pytest.fixture
def window() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(SIZE)
    yield surface
    pygame.display.quit()


def small(rect: pygame.Rect) -> bool:
    return rect.w < MIN_TARGET or rect.h < MIN_TARGET


def pump(st: Studio, events: list[pygame.event.Event]) -> None:
    """Post events to pygame's queue and hand what comes out to the studio, as its loop does."""
    pygame.event.clear()
    for ev in events:
        pygame.event.post(ev)
    for ev in pygame.event.get():
        st.handle(ev)


def press(pos: tuple[int, int]) -> list[pygame.event.Event]:
    return [pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)),
            pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1),
            pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1)]


def escape() -> list[pygame.event.Event]:
    return [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0, unicode="",
                               scancode=0)]


# -- every hit rectangle at least 44 x 44 px at 100 % ----------------------------------------

def script_targets_too_small(st: Studio) -> list[str]:
    """Blocks (each row), slots and open places of the script as laid out now."""
    bad = []
    for pc in st.layout().pieces:
        if pc.kind == "block":
            if small(pc.rect):
                bad.append(f"block {pc.block} {pc.rect}")
            bad += [f"row of {pc.block}: {h} px" for _, h in pc.extra.get("rows", [])
                    if h < MIN_TARGET]
        elif pc.kind in ("slot", "place") and small(pc.rect):
            bad.append(f"{pc.kind} {pc.block or pc.place} {pc.rect}")
    return bad


def open_editors(st: Studio, window: pygame.Surface) -> dict[str, list[pygame.Rect]]:
    """Open the value editor on one slot of each kind (number, text, menu, colour), by a
    click on the slot, and return its targets; Escape closes it again."""
    seen: dict[str, list[pygame.Rect]] = {}
    for pc in list(st.layout().pieces):
        if pc.kind != "slot" or pc.slot is None or pc.slot.kind in seen:
            continue
        st.scroll_into_view(st.from_script(pc.rect))
        rect = st.from_script(pc.rect)
        pump(st, press(rect.center))
        assert st.editor is not None, f"no editor for {pc.slot.kind} slot {pc.slot.name}"
        st.draw(window)
        seen[pc.slot.kind] = [r.copy() for r in st.editor.targets()]
        pump(st, escape())
        assert st.editor is None
    st.scroll = [0, 0]
    return seen


@pytest.mark.parametrize(("box_id", "exercise_id"), shipped())
def test_every_target_of_the_studio_is_44_px(box_id: str, exercise_id: str,
                                             window: pygame.Surface) -> None:
    box = load_box(boxes_dir() / box_id)
    ex = box.exercise(exercise_id)
    runner = StudioRunner(Options(box=box_id, exercise=exercise_id,
                                  program=str(ex.solutions[0]), lang="nl", scale=1.0))
    st = runner.make_studio(runner.load_program())
    st.draw(window)
    bad: list[str] = []
    # the palette: every block the exercise allows
    entries = st.targets("palette")
    assert [e.opcode for _, _, e in entries] and {e.opcode for _, _, e in entries} == \
        {op for op in ex.palette}
    bad += [f"palette {e.opcode} {r}" for _, r, e in entries if small(r)]
    # the buttons, enabled or not (a disabled one still takes a click)
    bad += [f"button {b.id} {b.rect}" for b in st.buttons if small(b.rect)]
    assert {b.id for b in st.buttons} >= {"run", "stop", "check", "undo", "redo"}
    # the model solution's blocks (each row), slots
    bad += script_targets_too_small(st)
    # the places that open while a palette block is held, and while a script block is held
    for op in ex.palette:
        st.hold(Holding(opcode=op))
        st.draw(window)
        bad += [f"holding {op}: {b}" for b in script_targets_too_small(st)]
        bad += [f"holding {op}: {k} {r}" for k, r, _ in st.targets("script")
                if k == "place" and small(r)]
    st.hold(None)
    for top in st.program.scripts():
        for bid in st.program.stack(top)[1:3]:
            st.hold(Holding(block_id=bid))
            st.draw(window)
            bad += [f"moving {bid}: {b}" for b in script_targets_too_small(st)]
    st.hold(None)
    # the value editors: number field and its buttons, menu choices, colour swatches
    editors = open_editors(st, window)
    assert editors, "the model solution has no slot to edit"
    for kind, rects in editors.items():
        assert rects
        bad += [f"editor {kind} {r}" for r in rects if small(r)]
        bad += [f"editor {kind} {r} off the window" for r in rects
                if not window.get_rect().contains(r)]
    # the "not yet" note's close button
    st.feedback = Feedback("not_yet", ["Laat de lichten langer aan."])
    st.draw(window)
    bad += [f"feedback close {st._feedback_close}" for _ in [0] if small(st._feedback_close)]
    assert not bad, "\n".join(bad)


def test_the_editors_open_on_number_menu_and_colour_slots(window: pygame.Surface) -> None:
    # the exercise above covers these kinds somewhere; make sure of it in one place
    box = load_box(boxes_dir() / "parking_sensor")
    ex = box.exercise("parking-sensor")
    runner = StudioRunner(Options(box=box.id, exercise=ex.id, program=str(ex.solutions[0]),
                                  lang="fr"))
    st = runner.make_studio(runner.load_program())
    st.draw(window)
    editors = open_editors(st, window)
    assert {"number", "menu", "colour"} <= set(editors), sorted(editors)
    assert len(editors["colour"]) >= 3 and len(editors["menu"]) >= 2
    assert len(editors["number"]) == 3  # the field, OK and cancel
    for rects in editors.values():
        assert not [r for r in rects if small(r)]


@pytest.mark.parametrize("box_id", sorted({b for b, _ in shipped()}))
def test_the_stage_buttons_of_every_world_are_44_px(box_id: str,
                                                    window: pygame.Surface) -> None:
    # the simulated robot's A and B buttons on the stage take clicks too
    box = load_box(boxes_dir() / box_id)
    runner = StudioRunner(Options(box=box_id, lang="en", scale=1.0))
    st = runner.make_studio(runner.load_program())
    st.stage.set_sim(SimKit(str(box.world_path())))
    st.draw(window)
    frame = st.stage.frame_rect
    assert frame is not None and st.stage_rect.contains(frame)
    rects = {name: r.move(frame.topleft) for name, r in st.stage.view.buttons.items()}
    assert rects
    for name, r in rects.items():
        assert st.stage_rect.contains(r), (name, r)
        assert not small(r), f"the stage's {name} button is {r.w} x {r.h} px"
    for t in st.stage.texts:  # and every word drawn on the stage can be read
        assert contrast(t.ink, t.background) >= MIN_CONTRAST, (t.text, t.ink, t.background)


def test_the_other_screens_targets_are_44_px(home: Path, window: pygame.Surface) -> None:
    from dojokit.studio.filescreen import FileScreen
    from dojokit.studio.learners import Learners
    from dojokit.studio.runner import teaching_order
    from dojokit.studio.teacher import TeacherScreen
    from dojokit.studio.who import WhoScreen
    from dojokit.themebox.progress import Progress

    learners = Learners.load()
    for name in ("Anna", "Bram", "Chloé"):
        learners.add(name)
    learners.save()
    work = home / "work"
    work.mkdir()
    for i in range(3):
        files.save_program(copy.deepcopy(EMPTY), work / f"robot-{i}.sb3")
    for profile, th in THEMES.items():
        with Progress(home / "progress.sqlite3") as progress:
            screens: dict[str, Any] = {
                "who": WhoScreen(th, 1.0, "nl", learners),
                "teacher": TeacherScreen(th, 1.0, "fr", learners, teaching_order(), progress),
                "open": FileScreen(th, 1.0, "en", "open", work),
                "save": FileScreen(th, 1.0, "nl", "save", work, name="mijn robot"),
            }
            for name, screen in screens.items():
                screen.draw(window)
                targets = screen.targets()
                assert targets, name
                bad = [(t, r) for t, r in targets if small(r)]
                assert not bad, (profile, name, bad)


# -- text contrast ---------------------------------------------------------------------------

def text_pairs(th: Theme) -> list[tuple[str, tuple[int, int, int], tuple[int, int, int]]]:
    """Every (ink, background) the studio's own drawing puts text on (app, canvas, palette,
    editor): block words on each category's tint, slot values on input fields, notes on
    the sand note, words on panels, buttons and the script area."""
    pairs = [(f"text on {cat}", th.text, tint) for cat, tint in th.categories.items()]
    pairs += [(f"text on {name}", th.text, getattr(th, name))
              for name in ("panel", "button", "input_bg", "error_bg", "script_bg", "background")]
    pairs += [("button_text on button", th.button_text, th.button)]
    pairs += [(f"muted_text on {name}", th.muted_text, getattr(th, name))
              for name in ("background", "panel", "script_bg")]
    return pairs


@pytest.mark.parametrize("profile", sorted(THEMES))
def test_all_studio_text_has_contrast(profile: str) -> None:
    th = THEMES[profile]
    low = [(what, round(contrast(fg, bg), 2)) for what, fg, bg in text_pairs(th)
           if contrast(fg, bg) < MIN_CONTRAST]
    assert not low, low
    # the focus ring and the landing-place outline are not text, but must stand out (3:1)
    for name in ("background", "panel", "script_bg"):
        assert contrast(th.focus, getattr(th, name)) >= 3, name
        assert contrast(th.slot_hint, getattr(th, name)) >= 3, name


@pytest.mark.parametrize("profile", sorted(THEMES))
def test_the_pairs_checked_are_the_pairs_drawn(profile: str, window: pygame.Surface) -> None:
    # every colour text is drawn in on a studio screen is one of the checked inks: sample the
    # darkest pixel of each word the canvas draws and find it among the theme's inks
    th = THEMES[profile]
    box = load_box(boxes_dir() / "lighthouse")
    ex = box.exercise("two-lights")
    runner = StudioRunner(Options(box=box.id, exercise=ex.id, program=str(ex.solutions[0]),
                                  lang="en", profile=profile))
    st = runner.make_studio(runner.load_program())
    assert st.th == th
    st.draw(window)
    inks = {fg for _, fg, _ in text_pairs(th)}
    words = [pc for pc in st.layout().pieces if pc.kind == "word"]
    assert words
    for pc in words:
        r = st.from_script(pc.rect).clip(st.script_rect)
        if r.w < 4 or r.h < 4:
            continue
        darkest = min((tuple(window.get_at((x, y)))[:3] for x in range(r.x, r.right)
                       for y in range(r.y, r.bottom)), key=luminance)
        assert darkest in inks or contrast(darkest, th.text) < 1.05, (pc.text, darkest)


# -- a calm run: no flash, nothing moves but the robot ----------------------------------------

def outside(rect: pygame.Rect, size: tuple[int, int]) -> list[pygame.Rect]:
    """The window without `rect`: four bands around it."""
    w, h = size
    return [pygame.Rect(0, 0, w, rect.y), pygame.Rect(0, rect.bottom, w, h - rect.bottom),
            pygame.Rect(0, rect.y, rect.x, rect.h),
            pygame.Rect(rect.right, rect.y, w - rect.right, rect.h)]


def same(a: pygame.Surface, b: pygame.Surface, rect: pygame.Rect) -> bool:
    if rect.w <= 0 or rect.h <= 0:
        return True
    return pygame.image.tobytes(a.subsurface(rect), "RGB") == \
        pygame.image.tobytes(b.subsurface(rect), "RGB")


def test_a_calm_run_has_no_flash_and_only_the_robot_moves() -> None:
    box = load_box(boxes_dir() / "robot_dance")
    ex = box.exercise("light-dance")  # lights change colour while the robot drives
    runner = StudioRunner(Options(box=box.id, exercise=ex.id, program=str(ex.solutions[0]),
                                  profile="calm", lang="nl"))
    shots: list[tuple[float, str, pygame.Surface]] = []
    draw = runner._frame

    def frame() -> None:  # every frame as drawn, with the state it was drawn in
        draw()
        assert runner.screen is not None and runner.studio is not None
        shots.append((time.perf_counter(), runner.studio.state,
                      runner.screen.copy()))

    runner._frame = frame  # type: ignore[method-assign]
    pressed: list[int] = []

    def steps() -> Iterator[None]:
        for _ in range(600):  # the kit links up (a few frames)
            if runner.studio.state == "ready":
                break
            yield
        run = next(b for b in runner.studio.buttons if b.id == "run")
        click(run.rect.center)
        pressed.append(len(shots))
        for _ in range(60 * 40):  # the dance takes about 8 s
            yield
            if len(shots) > pressed[0] + 10 and runner.rt is None:
                break
        for _ in range(10):  # and a few quiet frames after it
            yield

    drive(runner, steps())
    assert pressed, "the kit never got ready"
    st = runner.studio
    states = [s for _, s, _ in shots]
    assert "running" in states and states[-1] not in RUNNING, states[-20:]
    run = [i for i, s in enumerate(states) if s in RUNNING]
    assert len(run) > 60  # a second and more of frames while the robot danced
    # nothing but the stage changes while the program runs: card, palette, script, buttons
    moved = 0
    for i, j in itertools.pairwise(run):
        if j != i + 1:
            continue
        a, b = shots[i][2], shots[j][2]
        changed = [r for r in outside(st.stage_rect, st.size) if not same(a, b, r)]
        assert not changed, f"frame {j} ({states[j]}) changed outside the stage: {changed}"
        moved += not same(a, b, st.stage_rect)
    assert moved > 10, "the robot did not move on the stage"
    # no flash anywhere on the screen: the project's flash counter over the luminance of
    # every 40 px square (stricter than WCAG 2.3.1's area: under 3 a second anywhere)
    series: dict[tuple[int, int], list[tuple[float, float]]] = {}
    for t, _, surf in shots:
        for x in range(0, st.size[0], 40):
            for y in range(0, st.size[1], 40):
                rgb = pygame.transform.average_color(surf, pygame.Rect(x, y, 40, 40))[:3]
                series.setdefault((x, y), []).append((t, luminance(rgb)))
    flashes = {k: max_flashes_per_window(transitions(v)) for k, v in series.items()}
    assert max(flashes.values()) < 3, max(flashes, key=flashes.get)
    # calm: nothing that reads as blinking over any larger part of the screen: the whole
    # window and every quarter of it (WCAG counts flashes over about a quarter of the view)
    w, h = st.size
    quarters = [pygame.Rect(x, y, w // 2, h // 2) for x in range(0, w, w // 4)
                for y in range(0, h, h // 4) if x + w // 2 <= w and y + h // 2 <= h]
    for area in [pygame.Rect(0, 0, w, h), *quarters]:
        lum = [(t, luminance(pygame.transform.average_color(surf, area)[:3]))
               for t, _, surf in shots]
        assert max_flashes_per_window(transitions(lum)) <= 1, area


# -- a program of 300 blocks -------------------------------------------------------------

def big_program(path: Path) -> tuple[Path, str]:
    """A hat and one long stack of repeats holding if-elses (a condition with a sensor
    reporter in each), nested up to three deep, robot blocks with inputs: 300 blocks.
    Returns the saved file and a block in the middle of it."""
    p = Program(copy.deepcopy(EMPTY))
    last = p.add("event_whenflagclicked", Place("top", x=0, y=0))
    colours = ("#9b30ff", "#0050ff", "#00c83c", "#ffc800")
    lights: list[str] = []
    tail = ""
    for g in range(37):
        where = Place("next", last) if g % 3 == 0 else Place("next", tail)
        rep = p.add("control_repeat", where)
        p.set_value(rep, "TIMES", str(2 + g % 4))
        ife = p.add("control_if_else", Place("substack", rep, "SUBSTACK"))
        lt = p.add("operator_lt", Place("input", ife, "CONDITION"))
        p.add("dojokit_distance", Place("input", lt, "OPERAND1"))
        p.set_value(lt, "OPERAND2", str(10 + g))
        on = p.add("dojokit_setAllLights", Place("substack", ife, "SUBSTACK"))
        p.set_value(on, "COLOUR", colours[g % 4])
        move = p.add("dojokit_move", Place("next", on))
        p.set_value(move, "DIRECTION", ("forward", "backward")[g % 2])
        stop = p.add("dojokit_stop", Place("substack", ife, "SUBSTACK2"))
        tail = p.add("control_wait", Place("next", stop))
        p.set_value(tail, "DURATION", f"0.{g % 9 + 1}")
        lights.append(on)
        if g % 3 == 0:
            last = rep
    for op in ("dojokit_lightsOff", "control_wait", "dojokit_stop"):
        last = p.add(op, Place("next", last))
    assert p.count() == 300
    return files.save_program(p, path), lights[len(lights) // 2]


def test_a_300_block_program_opens_scrolls_and_edits(tmp_path: Path) -> None:
    path, middle = big_program(tmp_path / "big.sb3")
    runner = StudioRunner(Options(box="parking_sensor", exercise="parking-sensor",
                                  program=str(path), lang="en"))
    log: dict[str, Any] = {}

    def st() -> Studio:
        return runner.studio

    def wheel(dy: int, at: tuple[int, int]) -> None:
        post(pygame.MOUSEMOTION, pos=at, rel=(0, 0), buttons=(0, 0, 0))
        post(pygame.MOUSEWHEEL, x=0, y=dy, flipped=False)

    def steps() -> Iterator[None]:
        s = st()
        p = s.program
        assert p.count() == 300
        assert sum(pc.kind == "block" for pc in s.layout().pieces) == 300
        assert not script_targets_too_small(s)
        assert s.layout().height > 4 * s.script_rect.h  # far more than fits
        # scroll down with the wheel, three notches at a time, then back up
        centre = s.script_rect.center
        for _ in range(5):
            wheel(-3, centre)
            yield
        log["wheel_down"] = s.scroll[1]
        for _ in range(5):
            wheel(3, centre)
            yield
        log["wheel_up"] = s.scroll[1]
        # the keyboard: Tab into the script, then down through 150 blocks and slots
        key(pygame.K_TAB)
        yield
        assert s.region == "script"
        for _ in range(150):
            key(pygame.K_DOWN)
        yield
        f = s.focused()
        assert f is not None
        log["keys"] = (s.index, s.scroll[1], s.script_rect.contains(f[1]))
        # edit: choose "wait" in the palette, then the place under the middle block
        key(pygame.K_ESCAPE)
        yield
        old_next = p.blocks[middle]["next"]
        entry = next(r for _, r, e in s.targets("palette") if e.opcode == "control_wait")
        while entry.bottom > s.palette_rect.bottom:
            wheel(-1, s.palette_rect.center)
            yield
            entry = next(r for _, r, e in s.targets("palette") if e.opcode == "control_wait")
        click(entry.center)
        yield
        assert s.holding is not None and s.holding.opcode == "control_wait"
        want = Place("next", middle)
        for _ in range(400):  # the learner scrolls to the place with the wheel
            rect = next(r for k, r, pc in s.targets("script") if k == "place"
                        and pc.place == want)
            if s.script_rect.contains(rect):
                break
            far = abs(rect.centery - s.script_rect.centery) > 3 * s.script_rect.h
            notches = 3 if far else 1
            wheel(-notches if rect.bottom > s.script_rect.bottom else notches,
                  s.script_rect.center)
            yield
        assert s.script_rect.contains(rect)
        click((rect.x + 10, rect.centery))
        yield
        new = s.last_added
        log["placed"] = (p.count(), p.blocks[middle]["next"] == new,
                         p.blocks[new]["opcode"], p.blocks[new]["next"] == old_next)
        # undo with the button, redo with Ctrl+Y
        undo = next(b for b in s.buttons if b.id == "undo")
        click(undo.rect.center)
        yield
        p = s.program
        log["undone"] = (p.count(), p.blocks[middle]["next"] == old_next, new in p.blocks)
        key(pygame.K_y, pygame.KMOD_CTRL)
        yield
        p = s.program
        log["redone"] = (p.count(), p.blocks[middle]["next"] == new,
                         p.blocks.get(new, {}).get("next") == old_next)

    drive(runner, steps())
    step = 40  # px per wheel notch at 100 %
    assert log["wheel_down"] == 15 * step
    assert log["wheel_up"] == 0
    index, scrolled, visible = log["keys"]
    assert index == 150 and scrolled > 0 and visible  # the focus is followed, never lost
    assert log["placed"] == (301, True, "control_wait", True)
    assert log["undone"] == (300, True, False)
    assert log["redone"] == (301, True, True)
    saved = files.open_program(files.save_program(runner.studio.program, tmp_path / "out.sb3"))
    assert saved.program.count() == 301


# -- without a display -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_without_a_display_it_says_so_in_one_sentence_and_exits_2(lang: str,
                                                                   tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(SDL_VIDEODRIVER="x11", XDG_DATA_HOME=str(tmp_path / "data"),
               HOME=str(tmp_path), PYTHONPATH=str(ROOT / "host"))
    out = subprocess.run([sys.executable, "-m", "dojokit", "studio", "--lang", lang],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and "pygame" not in lines[0].lower()
    assert lines[0].endswith(".") and len(lines[0].split()) > 4
    assert out.stdout == ""

