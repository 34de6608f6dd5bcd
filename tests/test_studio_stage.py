"""The studio's stage: the simulator's own frame drawn offscreen and fitted into the stage,
or a real kit's identity card; the state with its sign and word; say/think bubbles.

Frames are saved as /tmp/stage_*.png for a person to look at."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")  # as dojokit.studio does

import ast
import itertools
import json
from pathlib import Path

import pygame
import pytest

from dojokit.colour_names import colour_name
from dojokit.feedback import STATES, capped
from dojokit.i18n import catalog
from dojokit.kits.build import firmware_dir
from dojokit.robot.profiles import PROFILES
from dojokit.sim import view as v
from dojokit.sim.kit import SimKit
from dojokit.sim.view import SimView
from dojokit.sim.world import Pose, load_world
from dojokit.studio import stage as st
from dojokit.studio.stage import IDENTITY_COLOURS, Stage
from dojokit.studio.theme import MIN_CONTRAST, contrast, theme

SENTINEL = (255, 0, 255)  # never drawn by the stage: shows anything drawn outside its rect
LIGHTS = [(255, 120, 0), (0, 200, 80), (0, 80, 255), (0, 0, 0), (200, 200, 200),
          (255, 210, 0)]
STATE_NAMES = [name for name, _, _ in STATES]


class Clock:
    def __init__(self) -> None:
        self.t = 50.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def screen():
    pygame.display.init()
    surface = pygame.display.set_mode((1280, 800))
    pygame.display.set_caption("studio")
    yield surface
    pygame.display.quit()


def sim_kit(world: str = "line") -> SimKit:
    kit = SimKit(world)
    kit.board.lights = list(LIGHTS[: len(kit.board.lights)])
    return kit


def delta_e(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """CIE76 colour difference of two sRGB colours (D65 white)."""

    def lab(c: tuple[int, int, int]) -> tuple[float, float, float]:
        lin = [((v_ / 255 + 0.055) / 1.055) ** 2.4 if v_ / 255 > 0.04045 else v_ / 255 / 12.92
               for v_ in c]
        x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047
        y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
        z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883
        f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in (x, y, z)]
        return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])

    return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5


def frame_bytes(surface: pygame.Surface) -> bytes:
    return pygame.image.tobytes(surface, "RGB")


def outside_untouched(surface: pygame.Surface, rect: pygame.Rect) -> bool:
    # a coarse grid plus the four edges just outside rect
    w, h = surface.get_size()
    points = [(x, y) for x in range(0, w, 7) for y in range(0, h, 7)
              if not rect.collidepoint(x, y)]
    points += [(x, rect.top - 1) for x in range(rect.left, rect.right)]
    points += [(x, rect.bottom) for x in range(rect.left, rect.right)]
    points += [(rect.left - 1, y) for y in range(rect.top, rect.bottom)]
    points += [(rect.right, y) for y in range(rect.top, rect.bottom)]
    return all(tuple(surface.get_at(p))[:3] == SENTINEL for p in points
               if 0 <= p[0] < w and 0 <= p[1] < h)


# -- the simulator's renderer, offscreen ----------------------------------------------------
def test_offscreen_view_draws_the_window_s_pixels():
    world = load_world("maze")
    kit = sim_kit("maze")
    pose = Pose(world.start.x + 30, world.start.y + 10, 30)

    def draw(view: SimView) -> bytes:
        for state in ("ready", "running", "not_yet"):
            view.show_state(state)
        for _ in range(3):  # the same frames, the same clock: the same fades
            view.draw(pose, kit.board, sensors=kit.board.sensors)
        return frame_bytes(view.screen)

    pygame.display.quit()  # built before any window exists (the studio may do that)
    off = SimView(world, kit.body, "calm", 0.4, "fr", clock=Clock(), lights=6, offscreen=True)
    assert not pygame.display.get_init()  # it opened nothing
    assert off.screen.get_size() == off.size
    want = draw(off)
    win = SimView(world, kit.body, "calm", 0.4, "fr", clock=Clock(), lights=6)
    try:
        assert win.size == off.size
        assert draw(win) == want
        # and one built while a window is open draws the same, leaving that window alone
        caption = pygame.display.get_caption()
        off2 = SimView(world, kit.body, "calm", 0.4, "fr", clock=Clock(), lights=6,
                       offscreen=True)
        assert draw(off2) == want
        assert pygame.display.get_caption() == caption
        assert pygame.display.get_surface().get_size() == win.size
        off2.close()
        assert pygame.display.get_surface() is not None  # closing it kept the window
        pygame.image.save(off2.screen, "/tmp/stage_offscreen_frame.png")
    finally:
        win.close()


def test_offscreen_view_leaves_the_event_queue_to_its_window(screen):
    kit = sim_kit()
    view = SimView(kit.world, kit.body, offscreen=True, lights=6)
    pygame.event.clear()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_s, mod=0, unicode="s"))
    assert view.pump() == []
    assert not view.show_sensors
    assert [e.type for e in pygame.event.get()] == [pygame.KEYDOWN]  # still there
    # the window that shows the frame passes it its clicks, in frame pixels
    centre = view.buttons["press_a"].center
    assert view.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=1)) == [
        "press_a"]
    assert view.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=centre, button=1)) == [
        "release_a"]


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("box", [(500, 560), (720, 640), (1000, 500), (330, 900)])
def test_fit_scale_gives_the_largest_table_that_fits(screen, compact, box):
    kit = sim_kit("loop")
    max_w, max_h = box
    scale = SimView.fit_scale(kit.world, kit.body, 6, max_w, max_h, lang="nl", compact=compact)
    if scale is None:  # the frame's fixed parts alone are too large
        w, h = SimView(kit.world, kit.body, scale=1 / kit.world.width, lang="nl", lights=6,
                       offscreen=True, compact=compact).size
        assert w > max_w or h > max_h
        return
    view = SimView(kit.world, kit.body, scale=scale, lang="nl", lights=6, offscreen=True,
                   compact=compact)
    assert view.size[0] <= max_w and view.size[1] <= max_h
    # one pixel more table does not fit
    bigger = (view.world_rect.width + 1) / kit.world.width
    taller = (view.world_rect.height + 1) / kit.world.height
    for s in (bigger, taller):
        w, h = SimView(kit.world, kit.body, scale=s, lang="nl", lights=6, offscreen=True,
                       compact=compact).size
        assert w > max_w or h > max_h
    # the robot's A and B buttons are a child's click targets: 44 x 44 px at least
    assert all(r.width >= 44 and r.height >= 44 for r in view.buttons.values())
    # nothing of the frame leaves it
    frame = pygame.Rect((0, 0), view.size)
    for r in (view.world_rect, view.strip_rect, view.banner_rect, *view.buttons.values()):
        assert frame.contains(r)
    if compact:  # the strip under the table, never on it
        assert view.strip_rect.top >= view.world_rect.bottom


def test_fit_scale_says_when_nothing_fits(screen):
    kit = sim_kit()
    assert SimView.fit_scale(kit.world, kit.body, 6, 150, 150, compact=True) is None
    assert SimView.fit_scale(kit.world, kit.body, 6, 500, 900) is None  # the window needs 560


def test_the_window_is_unchanged_by_the_compact_layout(screen):
    # the window's layout: the sensor column right of the table, the strip under it
    kit = sim_kit()
    view = SimView(kit.world, kit.body, lights=6)
    assert view.panel_rect.left > view.world_rect.right
    assert view.strip_rect.top > view.panel_rect.bottom
    assert view.size[0] >= v.MIN_WINDOW_W
    view.close()


# -- the stage: a simulated kit -------------------------------------------------------------
@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize("rect", [(760, 120, 500, 580), (600, 100, 660, 640),
                                  (900, 150, 360, 620)])
def test_stage_draws_the_sim_inside_its_rect(screen, scale, rect):
    rect = pygame.Rect(rect)
    kit = sim_kit()
    stage = Stage(theme("calm"), scale, "nl", "calm", clock=Clock())
    stage.set_sim(kit)
    stage.set_state("running")
    stage.bubble("say", "Hallo! Ik rij tot aan de lijn en dan stop ik.")
    screen.fill(SENTINEL)
    stage.draw(screen, rect)
    assert outside_untouched(screen, rect)
    assert rect.contains(stage.frame_rect)
    assert rect.contains(stage.bubble_rect)
    view = stage.view
    # the whole table is drawn, and as large as the stage allows: a table one pixel wider
    # would not fit in either layout
    assert stage.frame_rect.size == view.size
    for compact in (False, True):
        s = SimView.fit_scale(kit.world, kit.body, 6, rect.width, rect.height, lang="nl",
                              compact=compact)
        assert s is None or s <= view.scale
    pygame.image.save(screen.subsurface(rect), f"/tmp/stage_sim_{rect.width}_{scale}.png")
    # the frame is the renderer's own: the same pixels as its offscreen surface
    stage.bubble("say", "")
    stage.draw(screen, rect)
    assert frame_bytes(screen.subsurface(stage.frame_rect)) == frame_bytes(view.screen)


def test_stage_follows_the_stage_size_and_keeps_its_state(screen):
    kit = sim_kit()
    clock = Clock()
    stage = Stage("calm", 1.0, "en", "calm", clock=clock)
    stage.set_sim(kit)
    stage.set_state("finished")
    for rect in (pygame.Rect(700, 100, 560, 600), pygame.Rect(500, 100, 760, 600)):
        for _ in range(90):
            stage.draw(screen, rect)
            clock.t += 1 / 30
        assert stage.frame_rect.width <= rect.width
        assert stage.view.state == "finished"
    first = stage.view
    stage.draw(screen, pygame.Rect(500, 100, 760, 600))
    assert stage.view is first  # the same size: not built again


@pytest.mark.parametrize("profile", ["calm", "standard"])
def test_each_light_on_the_stage_shows_its_own_colour(screen, profile):
    kit = sim_kit()
    stage = Stage(theme(profile), 1.0, "en", profile, clock=Clock())
    stage.set_sim(kit)
    rect = pygame.Rect(760, 120, 500, 580)
    stage.draw(screen, rect)
    cap = PROFILES[profile].brightness_cap
    seen = []
    for swatch, rgb in zip(stage.view.swatches(6), LIGHTS, strict=True):
        assert swatch.width >= 24 and swatch.height >= 24
        on_screen = swatch.move(stage.frame_rect.topleft)
        assert rect.contains(on_screen)
        colour = tuple(screen.get_at((on_screen.left + 3, on_screen.top + 3)))[:3]
        assert colour == (capped(rgb, cap) if max(rgb) else v.LIGHT_OFF)
        seen.append(colour)
        if max(rgb):  # dimmed by the profile, a light keeps the name a child gives it
            assert colour_name(colour) == colour_name(rgb)
    # every two lights look clearly different (CIE76 colour difference of 10 or more)
    for a, b in itertools.combinations(seen, 2):
        assert delta_e(a, b) >= 10, (a, b)
    pygame.image.save(screen.subsurface(rect), f"/tmp/stage_lights_{profile}.png")


def test_stage_passes_clicks_on_the_robot_buttons(screen):
    kit = sim_kit()
    stage = Stage("calm", 1.0, "en", "calm")
    stage.set_sim(kit)
    stage.draw(screen, pygame.Rect(760, 120, 500, 580))
    b = stage.view.buttons["press_b"].move(stage.frame_rect.topleft).center
    down = pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=b, button=1)
    up = pygame.event.Event(pygame.MOUSEBUTTONUP, pos=b, button=1)
    assert stage.handle(down) == ["press_b"]
    assert stage.handle(up) == ["release_b"]
    assert stage.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1)) == []


@pytest.mark.parametrize("kind", ["say", "think"])
def test_bubble_hangs_beside_the_robot_and_goes_away(screen, kind):
    kit = sim_kit()
    stage = Stage("calm", 1.0, "fr", "calm")
    stage.set_sim(kit)
    stage.bubble(kind, "Bonjour !")
    rect = pygame.Rect(760, 120, 500, 580)
    stage.draw(screen, rect)
    bubble = stage.bubble_rect
    robot = stage.view.robot_to_screen(kit.robot.pose, 0, 0)
    robot = (stage.frame_rect.x + robot[0], stage.frame_rect.y + robot[1])
    assert not bubble.collidepoint(robot)  # it never covers the robot
    assert abs(bubble.centery - robot[1]) < 150  # but stays near it
    assert any(t.text == "Bonjour !" for t in stage.texts)
    pygame.image.save(screen.subsurface(rect), f"/tmp/stage_bubble_{kind}.png")
    stage.bubble(kind, "")
    stage.draw(screen, rect)
    assert stage.bubble_rect is None
    assert not any(t.text == "Bonjour !" for t in stage.texts)
    with pytest.raises(ValueError):
        stage.bubble("shout", "hé")


# -- the stage: a real kit ------------------------------------------------------------------
@pytest.mark.parametrize("scale", [1.0, 2.0])
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_real_kit_shows_its_identity_large(screen, scale, lang):
    stage = Stage(theme("calm"), scale, lang, "calm", clock=Clock())
    stage.set_real("Bolt", "yellow", 3, "serial:/dev/ttyACM0")
    stage.set_state("ready")
    stage.bubble("say", "Ik ben klaar")
    rect = pygame.Rect(860, 120, 400, 600)
    screen.fill(SENTINEL)
    stage.draw(screen, rect)
    assert outside_untouched(screen, rect)
    texts = {t.text: t for t in stage.texts}
    word = catalog(lang)["colour.2"]
    assert "Bolt" in texts and word in texts
    assert catalog(lang)["studio_stage.number"].format(number=3) in texts
    assert catalog(lang)["view.state.ready"] in texts
    # nothing cut off: every text inside the stage
    assert all(rect.contains(t.rect) for t in stage.texts)
    # the name is the largest text on the card
    assert texts["Bolt"].rect.height == max(t.rect.height for t in stage.texts)
    assert texts["Bolt"].rect.height >= 40
    # the colour swatch beside its word shows the kit's colour as the robot shows it
    word_rect = texts[word].rect
    swatch = st.identity_swatch(2, "calm", theme("calm"))
    left_of_word = [tuple(screen.get_at((x, word_rect.centery)))[:3]
                    for x in range(rect.x, word_rect.left)]
    assert left_of_word.count(swatch) >= 40  # a swatch, not a speck
    pygame.image.save(screen.subsurface(rect), f"/tmp/stage_real_{lang}_{scale}.png")


def test_real_kit_identity_from_a_number_or_a_name():
    stage = Stage("standard", 1.0, "en", "standard")
    stage.set_real("Zoe", 6, None, "serial:COM3")
    assert stage.real.colour == 6
    stage.set_real("Zoe", "6", 12, "serial:COM3")
    assert stage.real.colour == 6
    stage.set_real("Zoe", "Turquoise", 12, "serial:COM3")
    assert stage.real.colour == 6
    with pytest.raises(ValueError):
        stage.set_real("Zoe", "red", 1, "serial:COM3")  # kits are never red
    with pytest.raises(ValueError):
        stage.set_real("Zoe", 9, 1, "serial:COM3")


def test_identity_colours_are_the_firmware_s():
    source = (firmware_dir() / "dk_core.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    table = next(node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and any(getattr(t, "id", "") == "COLOURS" for t in node.targets))
    assert ast.literal_eval(table) == IDENTITY_COLOURS
    for i in range(len(IDENTITY_COLOURS)):
        assert catalog("en")[f"colour.{i}"] == st.IDENTITY_NAMES[i]


@pytest.mark.parametrize("profile", ["calm", "standard"])
def test_identity_swatches_keep_their_colour_names(profile):
    # a child calls the swatch what the word beside it says (turquoise is the cards' cyan)
    said = {"turquoise": "cyan"}
    shown = [st.identity_swatch(i, profile, theme(profile)) for i in range(8)]
    for name, rgb in zip(st.IDENTITY_NAMES, shown, strict=True):
        assert colour_name(rgb) == said.get(name, name)
    for a, b in itertools.combinations(shown, 2):
        assert delta_e(a, b) >= 10


@pytest.mark.parametrize("state", [*STATE_NAMES, "waiting_link"])
def test_real_kit_state_has_its_sign_and_word(screen, state):
    clock = Clock()
    stage = Stage("calm", 1.0, "nl", "calm", clock=clock)
    stage.set_real("Bolt", 0, 3, "serial:/dev/ttyACM0")
    stage.set_state(state)
    name = st.STATE_ALIASES.get(state, state)
    rect = pygame.Rect(860, 120, 400, 600)
    stage.draw(screen, rect)
    words = [t.text for t in stage.texts]
    key = "studio_stage.state.waiting" if name == "waiting" else f"view.state.{name}"
    assert " ".join(words[:2]).startswith(catalog("nl")[key].split()[0])
    # the chip: the state's colour (calm cap) with the 5x5 sign in it
    colour = capped(dict((n, c) for n, c, _ in STATES)[name], 120)
    chip = pygame.Rect(rect.x + 16, rect.y + 16, 56, 56)
    assert tuple(screen.get_at((chip.x + 2, chip.centery)))[:3] == colour
    cell = 56 // 7
    x0, y0 = chip.x + (56 - 5 * cell) // 2, chip.y + (56 - 5 * cell) // 2
    sign = dict((n, s) for n, _, s in STATES)[name]
    for i in range(25):
        at = (x0 + (i % 5) * cell + cell // 2, y0 + (i // 5) * cell + cell // 2)
        assert (tuple(screen.get_at(at))[:3] != colour) == bool(sign >> (24 - i) & 1), (
            state, i)
    if state == "waiting_link":
        pygame.image.save(screen.subsurface(rect), "/tmp/stage_real_waiting.png")


def test_unknown_state_is_refused():
    stage = Stage("calm", 1.0, "en", "calm")
    with pytest.raises(ValueError, match="waiting_link"):
        stage.set_state("dancing")


def test_sim_stage_plays_the_states_on_the_banner(screen):
    clock = Clock()
    stage = Stage("calm", 1.0, "en", "calm", clock=clock)
    stage.set_sim(sim_kit())
    rect = pygame.Rect(760, 120, 500, 580)
    for state in ("ready", "moving_soon", "running", "waiting_link"):
        stage.set_state(state)
    for _ in range(30 * 6):
        stage.draw(screen, rect)
        clock.t += 1 / 30
    assert [s for _, s in stage.view.states] == ["ready", "moving_soon", "running", "waiting"]


def test_no_kit_yet_says_so(screen):
    stage = Stage("calm", 1.0, "nl", "calm")
    stage.draw(screen, pygame.Rect(860, 120, 400, 600))
    assert [t.text for t in stage.texts] == ["Er is nog geen robot gekozen."]


# -- words and contrast ----------------------------------------------------------------------
@pytest.mark.parametrize("profile", ["calm", "standard"])
def test_stage_texts_keep_their_contrast(screen, profile):
    th = theme(profile)
    cap = PROFILES[profile].brightness_cap
    for state in STATE_NAMES:
        real = Stage(th, 1.5, "fr", profile, clock=Clock())
        real.set_real("Bolt", 4, 7, "serial:/dev/ttyUSB0")
        real.set_state(state)
        real.bubble("think", "Hmm")
        real.draw(screen, pygame.Rect(860, 120, 400, 640))
        sim = Stage(th, 1.0, "fr", profile, clock=Clock())
        sim.set_sim(sim_kit())
        sim.set_state(state)
        sim.bubble("say", "Salut")
        sim.draw(screen, pygame.Rect(760, 120, 500, 580))
        for t in [*real.texts, *sim.texts]:
            assert contrast(t.ink, t.background) >= MIN_CONTRAST, (state, t)
        # the simulator frame's banner word on the state's colour
        banner = capped(dict((n, c) for n, c, _ in STATES)[state], cap)
        assert contrast(v._ink_on(banner), banner) >= MIN_CONTRAST, state


def test_stage_catalogs_have_every_word_in_every_language():
    folder = Path(st.__file__).parents[1] / "i18n"
    keys = None
    for lang in ("nl", "fr", "en"):
        cat = json.loads((folder / f"studio_stage.{lang}.json").read_text(encoding="utf-8"))
        assert all(k.startswith("studio_stage.") and v_.strip() for k, v_ in cat.items())
        assert keys is None or set(cat) == keys
        keys = set(cat)
