"""The simulator window, drawn headless: where things appear, in which colours, and how
keys and clicks become actions."""

from __future__ import annotations

import os

# headless before pygame opens any display
os.environ["SDL_VIDEODRIVER"] = "dummy"

import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pygame
import pytest

from dojokit.feedback import STATES
from dojokit.i18n import catalog
from dojokit.robot.profiles import PROFILES
from dojokit.sim import view as v
from dojokit.sim.board import Sensors, VirtualBoard
from dojokit.sim.flashes import luminance, max_flashes_per_window, transitions
from dojokit.sim.view import SimView, capped

COLOURS = {name: rgb for name, rgb, _ in STATES}


# -- stand-ins shaped like sim.world / sim.physics (duck typing) ----------------------------
@dataclass
class Pose:
    x: float
    y: float
    heading: float  # degrees, 0 = +x, counter-clockwise


@dataclass
class Track:
    points: list[tuple[float, float]]
    width: float


@dataclass
class Zone:
    name: str
    polygon: list[tuple[float, float]]


@dataclass
class World:
    name: str = "test"
    width: float = 1000
    height: float = 800
    walls: list[list[tuple[float, float]]] = field(default_factory=list)
    lines: list[Track] = field(default_factory=list)
    zones: list[Zone] = field(default_factory=list)
    light: object = None
    start: Pose = field(default_factory=lambda: Pose(100, 100, 0))


@dataclass
class Body:
    length_mm: float = 95
    width_mm: float = 85
    front_mm: float = 60
    line_left_mm: tuple[float, float] = (50, 7)
    line_right_mm: tuple[float, float] = (50, -7)
    sonar_mm: tuple[float, float] = (58, 0)


class Clock:
    """Wall clock the test steps by hand (seconds)."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def demo_world() -> World:
    return World(
        walls=[[(0, 700), (1000, 700), (1000, 740), (0, 740)]],  # a wall along the top
        lines=[Track([(100, 200), (900, 200)], 20)],  # a straight line across
        zones=[Zone("goal", [(800, 400), (950, 400), (950, 600), (800, 600)])],
    )


@pytest.fixture
def make_view():
    views: list[SimView] = []

    def make(world=None, body=None, **kw) -> SimView:
        view = SimView(world or demo_world(), body or Body(), **kw)
        views.append(view)
        return view

    yield make
    for view in views:
        view.close()


def px(view: SimView, point) -> tuple[int, int, int]:
    x, y = point
    return tuple(view.screen.get_at((round(x), round(y))))[:3]


def centre_of(body: Body) -> tuple[float, float]:
    # the body's middle, in body coordinates, is front - length / 2 ahead of the axle
    return body.front_mm - body.length_mm / 2, 0.0


# -- robot -----------------------------------------------------------------------------------
def test_robot_drawn_where_its_pose_says(make_view):
    body = Body()
    view = make_view(body=body)
    board = VirtualBoard()
    pose = Pose(300, 450, 0)
    view.draw(pose, board, "running")
    cx, cy = centre_of(body)
    assert px(view, view.robot_to_screen(pose, cx, cy)) == v.BODY
    assert px(view, view.world_to_screen(pose.x + cx, pose.y)) == v.BODY
    assert px(view, view.world_to_screen(600, 450)) == v.TABLE  # far away: bare table
    # the front marker is ahead of the middle, in the heading's direction
    assert px(view, view.world_to_screen(pose.x + body.front_mm * 0.8, pose.y)) == v.FRONT

    moved = Pose(600, 450, 90)  # facing +y: up on the screen
    view.draw(moved, board, "running")
    assert px(view, view.world_to_screen(600, 450 + cx)) == v.BODY
    assert px(view, view.world_to_screen(300 + cx, 450)) == v.TABLE  # the old place is empty
    front = view.world_to_screen(600, 450 + body.front_mm * 0.8)
    assert px(view, front) == v.FRONT
    assert front[1] < view.world_to_screen(600, 450)[1]  # world y up is screen up


def test_world_to_screen_maps_the_table_corners(make_view):
    view = make_view()
    r = view.world_rect
    assert view.world_to_screen(0, 0) == (r.left, r.bottom)
    assert view.world_to_screen(1000, 800) == (r.right, r.top)
    assert view.screen.get_size() == view.size


@pytest.mark.parametrize("profile", ["calm", "standard"])
def test_lights_in_their_colour_within_the_cap(make_view, profile):
    cap = PROFILES[profile].brightness_cap
    view = make_view(profile=profile, scale=2.0)
    board = VirtualBoard(nlights=3)
    board.lights = [(0, 200, 100), (255, 255, 255), (0, 0, 0)]
    pose = Pose(200, 200, 30)
    view.draw(pose, board, "running")
    spots = view.light_spots(pose, 3)
    assert px(view, spots[0]) == capped((0, 200, 100), cap)
    assert px(view, spots[1]) == (cap, cap, cap)
    assert px(view, spots[2]) == v.LIGHT_OFF
    # the lights are where the robot is, not elsewhere
    assert px(view, view.world_to_screen(450, 350)) == v.TABLE
    # nothing coloured on the robot is brighter than the cap (the pale front marker aside)
    for spot in spots:
        assert max(px(view, spot)) <= cap


def _square(frame: int) -> tuple[int, int, int]:  # white blinking at 10 Hz
    return (255, 255, 255) if (frame // 3) % 2 else (0, 0, 0)


def _sawtooth(frame: int) -> tuple[int, int, int]:  # ramps up in 6 steps, drops, again
    return (0, 0, 255 * (frame % 6) // 5)


def _colours(frame: int) -> tuple[int, int, int]:  # a new random colour every frame
    return tuple(random.Random(frame).randrange(256) for _ in range(3))  # type: ignore[return-value]


@pytest.mark.parametrize("pattern", [_square, _sawtooth, _colours])
@pytest.mark.parametrize("name", ["calm", "standard"])
def test_lights_change_no_faster_than_the_profile_allows(make_view, name, pattern):
    clock = Clock()
    view = make_view(profile=name, scale=1.0, clock=clock)
    board = VirtualBoard(nlights=1)
    pose = Pose(200, 200, 0)
    spot = view.light_spots(pose, 1)[0]
    series = []
    # a restless program, drawn at 60 frames a second for 4 s
    for frame in range(240):
        clock.t = 100 + frame / 60
        board.lights[0] = pattern(frame)
        view.draw(pose, board, "running")
        colour = px(view, spot)
        series.append((clock.t, 0.0 if colour == v.LIGHT_OFF else luminance(colour)))
    flashes = max_flashes_per_window(transitions(series))
    assert flashes <= 3
    if name == "calm":  # at most one change a second: nothing that reads as blinking
        assert flashes <= 1


def test_the_firmwares_own_fade_is_followed_without_lag(make_view):
    # the firmware fades a light on in steps; the view follows the steps (they go one way)
    # instead of holding the first dim step for a whole second
    clock = Clock()
    view = make_view(profile="calm", scale=2.0, clock=clock)
    board = VirtualBoard(nlights=1)
    pose = Pose(200, 200, 0)
    spot = view.light_spots(pose, 1)[0]
    view.draw(pose, board, "running")
    for step in range(1, 19):  # 300 ms at 60 frames a second
        clock.t += 1 / 60
        board.lights[0] = (0, 0, 120 * step // 18)
        view.draw(pose, board, "running")
    clock.t += PROFILES["calm"].fade_ms / 1000 + 0.02
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 0, 120)
    # and a quick turn back (off again) still waits for the hold
    board.lights[0] = (0, 0, 0)
    clock.t += 0.1
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 0, 120)


def test_a_light_change_is_held_then_faded(make_view):
    clock = Clock()
    fade = PROFILES["standard"].fade_ms / 1000
    view = make_view(profile="standard", scale=2.0, clock=clock)
    board = VirtualBoard(nlights=1)
    pose = Pose(200, 200, 0)
    spot = view.light_spots(pose, 1)[0]
    board.lights[0] = (0, 0, 200)
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 0, 200)
    board.lights[0] = (0, 200, 0)  # the first change starts at once, as a fade
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 0, 200)
    clock.t += fade / 2
    view.draw(pose, board, "running")
    r, g, b = px(view, spot)
    assert r == 0 and 0 < g < 200 and 0 < b < 200  # halfway through the fade
    clock.t += fade
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 200, 0)
    board.lights[0] = (0, 0, 200)  # straight back: held until the hold is over
    clock.t += 0.05
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 200, 0)
    clock.t += 0.2
    view.draw(pose, board, "running")  # hold over: the fade starts from green
    assert px(view, spot) == (0, 200, 0)
    clock.t += 1
    view.draw(pose, board, "running")
    assert px(view, spot) == (0, 0, 200)


def test_saturated_red_waits_longer(make_view):
    clock = Clock()
    view = make_view(profile="standard", scale=2.0, clock=clock)
    board = VirtualBoard(nlights=1)
    pose = Pose(200, 200, 0)
    spot = view.light_spots(pose, 1)[0]
    view.draw(pose, board, "running")
    board.lights[0] = (200, 0, 0)
    view.draw(pose, board, "running")
    clock.t += 0.5
    view.draw(pose, board, "running")
    assert px(view, spot) == (200, 0, 0)
    board.lights[0] = (0, 0, 0)
    for _ in range(3):  # well past the usual hold, not past the red hold (2 s)
        clock.t += 0.5
        view.draw(pose, board, "running")
        assert px(view, spot) == (200, 0, 0)
    clock.t += 1
    view.draw(pose, board, "running")
    clock.t += 1
    view.draw(pose, board, "running")
    assert px(view, spot) == v.LIGHT_OFF


# -- banner ------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["waiting", "running", "finished", "ready", "not_yet"])
def test_banner_in_the_states_colour(make_view, state):
    view = make_view()
    view.draw(Pose(200, 200, 0), VirtualBoard(), state)
    r = view.banner_rect
    cap = PROFILES["calm"].brightness_cap
    want = capped(COLOURS[state], cap)
    assert px(view, (r.right - 5, r.top + 3)) == want
    assert px(view, (r.centerx, r.bottom - 3)) == want
    assert max(want) <= cap


def test_banner_follows_a_state_change_calmly(make_view):
    clock = Clock()
    view = make_view(clock=clock)
    pose, board = Pose(200, 200, 0), VirtualBoard()
    corner = (view.banner_rect.right - 5, 3)
    view.draw(pose, board, "running")
    clock.t += 2  # well past hold and fade
    view.draw(pose, board, "finished")
    clock.t += 2
    view.draw(pose, board, "finished")
    assert px(view, corner) == capped(COLOURS["finished"], 120)
    # flickering between two states every frame shows at most one change a second
    changes, last = 0, px(view, corner)
    for frame in range(120):
        clock.t += 1 / 60
        view.draw(pose, board, "waiting" if frame % 2 else "running")
        now = px(view, corner)
        changes += now != last
        last = now
    assert px(view, corner) != capped(COLOURS["finished"], 120)  # it did move on
    fade_frames = PROFILES["calm"].fade_ms * 60 // 1000 + 1
    assert changes <= 2 * fade_frames  # two changes in 2 s, each a short fade


def test_unknown_state_is_refused(make_view):
    view = make_view()
    with pytest.raises(ValueError, match="unknown state"):
        view.draw(Pose(200, 200, 0), VirtualBoard(), "blinking")


# -- static world ------------------------------------------------------------------------------
def test_static_world_where_the_world_says(make_view):
    view = make_view()
    view.draw(Pose(200, 450, 0), VirtualBoard(), "ready")
    assert px(view, view.world_to_screen(500, 720)) == v.WALL
    assert px(view, view.world_to_screen(500, 200)) == v.LINE
    assert px(view, view.world_to_screen(500, 200 + 15)) == v.TABLE  # line is 20 mm wide
    assert px(view, view.world_to_screen(100, 200)) == v.LINE  # round end
    assert px(view, view.world_to_screen(900, 450)) == v.ZONE_FILL
    assert px(view, view.world_to_screen(500, 500)) == v.TABLE
    # the window's edge outside the table is background, not table
    assert px(view, (2, view.world_rect.centery)) == v.BACKGROUND


def _ink(view: SimView, rect: pygame.Rect) -> int:
    # how many pixels of text colour lie in rect
    return sum(
        1
        for x in range(rect.left, rect.right)
        for y in range(rect.top, rect.bottom)
        if tuple(view.screen.get_at((x, y)))[:3] == v.TEXT
    )


def test_sensor_panel_on_demand(make_view):
    view = make_view()
    pose = Pose(200, 450, 0)
    board = VirtualBoard()
    board.sensors = Sensors(distance_mm=420, line_left=True, line_right=False, light=90)
    readings = view.panel_rect.inflate(-4, -90)  # below the title, above the key hint
    table_corner = view.world_to_screen(990, 790)
    view.draw(pose, board, "running")
    assert _ink(view, readings) == 0  # hidden: only the title and "S: show sensors"
    assert not view.panel_rect.colliderect(view.world_rect)  # never covers the table
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_s, mod=0, unicode="s"))
    assert view.pump() == ["toggle_sensors"]
    assert view.show_sensors
    view.draw(pose, board, "running")
    assert _ink(view, readings) > 50
    assert px(view, table_corner) == v.TABLE
    # the left line sensor sees dark: its mark on the robot is filled
    assert px(view, view.robot_to_screen(pose, 50, 7)) == v.LINE
    assert px(view, view.robot_to_screen(pose, 50, -7)) == v.SENSOR_MARK
    # the sonar ray reaches as far as the distance says, no farther
    assert px(view, view.robot_to_screen(pose, 58 + 400, 0)) == v.SONAR_RAY
    assert px(view, view.robot_to_screen(pose, 58 + 440, 0)) == v.TABLE
    view.draw(pose, board, "running", sensors={"distance_mm": None, "light": 3})  # a mapping
    assert _ink(view, readings) > 50
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_s, mod=0, unicode="s"))
    view.pump()
    view.draw(pose, board, "running")
    assert _ink(view, readings) == 0
    assert px(view, view.robot_to_screen(pose, 50, 7)) == v.FRONT  # marks gone too


# -- events ------------------------------------------------------------------------------------
def test_keys_and_buttons_map_to_actions(make_view):
    view = make_view()
    view.draw(Pose(200, 200, 0), VirtualBoard(), "ready")
    pygame.event.clear()
    for key in (pygame.K_a, pygame.K_b, pygame.K_x, pygame.K_ESCAPE):
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode=""))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_a, mod=0))
    assert view.pump() == ["press_a", "press_b", "quit", "release_a"]

    for action in ("press_a", "press_b"):
        centre = view.buttons[action].center
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=centre, button=1))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=centre, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 5), button=1))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert view.pump() == ["press_a", "release_a", "press_b", "release_b", "quit"]
    assert view.pump() == []


def test_screenshot_is_a_png_of_the_window(make_view, tmp_path):
    view = make_view()
    view.draw(Pose(200, 200, 0), VirtualBoard(), "finished")
    path = tmp_path / "frame.png"
    view.screenshot(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == view.size
    assert pygame.image.load(str(path)).get_at((3, 3))[:3] == capped(COLOURS["finished"], 120)


# -- words -------------------------------------------------------------------------------------
def test_catalogs_name_every_state_in_every_language():
    folder = Path(v.__file__).parents[1] / "i18n"
    keys = None
    for lang in ("en", "nl", "fr"):
        cat = json.loads((folder / f"view.{lang}.json").read_text(encoding="utf-8"))
        assert all(k.startswith("view.") for k in cat)
        assert keys is None or set(cat) == keys
        keys = set(cat)
        for name in COLOURS:
            assert cat[f"view.state.{name}"]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_draws_in_every_language(make_view, lang):
    view = make_view(lang=lang)
    view.show_sensors = True
    view.draw(Pose(200, 200, 0), VirtualBoard(), "waiting")
    assert view._t("view.state.waiting") == json.loads(
        (Path(v.__file__).parents[1] / "i18n" / f"view.{lang}.json").read_text("utf-8")
    )["view.state.waiting"]


def test_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="calm"):
        SimView(demo_world(), Body(), profile="disco")


# -- real worlds, once sim.world exists --------------------------------------------------------
def _body_for_real_world():
    # the real Body of the simulated kit once physics ships it; the stand-in until then
    try:
        from dojokit.sim.physics import Body as RealBody

        return RealBody.from_kit("sim")
    except (ImportError, AttributeError, OSError, ValueError):
        return Body()


def check_world_pixels(view: SimView, world, body, start) -> None:
    """Every table point shows what the world says is there: a grid of samples, skipping
    the robot, zones (outlines and names) and anything within 2 px of a boundary."""
    m = 2 / view.scale

    def everywhere(test, x, y):
        return all(test(x + dx, y + dy) for dx in (-m, 0, m) for dy in (-m, 0, m))

    def nowhere(test, x, y):
        return not any(test(x + dx, y + dy) for dx in (-m, 0, m) for dy in (-m, 0, m))

    boxes = []
    for zone in world.zones:
        xs = [p[0] for p in zone.polygon]
        ys = [p[1] for p in zone.polygon]
        boxes.append((min(xs) - m, min(ys) - m, max(xs) + m, max(ys) + m))
    seen = {"wall": 0, "line": 0, "table": 0}
    reach = body.length_mm + body.width_mm
    # a grid, plus the middle of each wall and of each line's segments (thin ones too)
    samples = [(world.width * i / 80, world.height * j / 60)
               for i in range(1, 80) for j in range(1, 60)]
    for wall in world.walls:
        xs, ys = [p[0] for p in wall], [p[1] for p in wall]
        samples.append(((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2))
    for line in world.lines:
        samples += [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                    for a, b in zip(line.points, line.points[1:], strict=False)]
    for x, y in samples:
        if (x - start.x) ** 2 + (y - start.y) ** 2 < reach**2:
            continue
        if any(a <= x <= c and b <= y <= d for a, b, c, d in boxes):
            continue
        colour = px(view, view.world_to_screen(x, y))
        if everywhere(world.in_wall, x, y):
            assert colour == v.WALL, (x, y)
            seen["wall"] += 1
        elif nowhere(world.in_wall, x, y) and everywhere(world.on_line, x, y):
            assert colour == v.LINE, (x, y)
            seen["line"] += 1
        elif nowhere(world.in_wall, x, y) and nowhere(world.on_line, x, y):
            assert colour == v.TABLE, (x, y)
            seen["table"] += 1
    assert seen["table"]
    assert not world.walls or seen["wall"], "no wall found on the grid"
    assert not world.lines or seen["line"], "no line found on the grid"


def test_renders_a_real_world_object(make_view):
    # the real World class, with a concave wall and a closed line loop
    w = pytest.importorskip("dojokit.sim.world")
    world = w.World(
        name="made",
        width=1200,
        height=900,
        walls=(((600, 500), (1100, 500), (1100, 850), (1000, 850), (1000, 600), (600, 600)),),
        lines=(w.Line(((100, 100), (500, 100), (500, 400), (100, 400), (100, 100)), 18, True),),
        zones=(w.Zone("finish", ((800, 100), (1100, 100), (1100, 300), (800, 300))),),
        light=128,
        start=w.Pose(300, 700, 45),
        titles={"nl": "Gemaakt", "fr": "Fait", "en": "Made"},
    )
    body = Body()
    view = make_view(world=world, body=body)
    view.draw(world.start, VirtualBoard(), "running")
    assert pygame.display.get_caption()[0] == "dojokit simulator: Made"
    check_world_pixels(view, world, body, world.start)


@pytest.mark.parametrize("name", ["empty", "parking", "line", "maze", "loop"])
def test_renders_a_shipped_world(make_view, tmp_path, name):
    world_mod = pytest.importorskip("dojokit.sim.world")
    if name not in world_mod.list_worlds():
        pytest.skip(f"world {name!r} is not shipped yet")
    world = world_mod.load_world(name)
    body = _body_for_real_world()
    view = make_view(world=world, body=body)
    start = world.start
    view.draw(start, VirtualBoard(), "ready")
    path = tmp_path / f"{name}.png"
    view.screenshot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert px(view, view.robot_to_screen(start, body.front_mm - body.length_mm / 2, 0)) == v.BODY

    check_world_pixels(view, world, body, start)


# -- the light strip, the banner's sequence, zone names ------------------------------------------
@pytest.mark.parametrize("profile", ["calm", "standard"])
def test_light_strip_shows_each_light_large_in_robot_order(make_view, profile):
    cap = PROFILES[profile].brightness_cap
    view = make_view(profile=profile, lights=6)
    board = VirtualBoard(nlights=6)
    colours = [(255, 120, 0), (0, 200, 80), (0, 80, 255), (0, 0, 0), (200, 200, 200),
               (255, 210, 0)]
    board.lights = list(colours)
    view.draw(Pose(200, 200, 0), board, "running")
    swatches = view.swatches(6)
    assert all(r.width >= 24 and r.height >= 24 for r in swatches)
    assert all(view.strip_rect.contains(r) for r in swatches)
    assert not view.strip_rect.colliderect(view.world_rect)  # beside the table, not on it
    assert not view.strip_rect.colliderect(view.panel_rect)
    # robot order: light 1 first, left to right, then the next row
    order = [(r.top, r.left) for r in swatches]
    assert order == sorted(order)
    for rect, rgb in zip(swatches, colours, strict=True):
        corner = (rect.left + 3, rect.top + 3)  # away from the number in the middle
        want = capped(rgb, cap) if max(rgb) else v.LIGHT_OFF
        assert px(view, corner) == want
        assert max(px(view, corner)) <= cap
    # the housing around the swatches is dark: a dimmed orange glows instead of looking brown
    assert luminance(v.HOUSING) < luminance(capped((255, 120, 0), 120))
    assert px(view, (view.strip_rect.right - 3, view.strip_rect.bottom - 3)) == v.HOUSING


def test_light_strip_follows_the_steady_guard(make_view):
    clock = Clock()
    view = make_view(profile="calm", clock=clock, lights=1)
    board = VirtualBoard(nlights=1)
    rect = view.swatches(1)[0]
    corner = (rect.left + 3, rect.top + 3)
    board.lights[0] = (0, 0, 200)
    view.draw(Pose(200, 200, 0), board, "running")
    clock.t += 2
    board.lights[0] = (0, 200, 0)
    view.draw(Pose(200, 200, 0), board, "running")
    clock.t += 0.5
    board.lights[0] = (0, 0, 200)  # straight back: held, as on the robot
    view.draw(Pose(200, 200, 0), board, "running")
    assert px(view, corner) == (0, 120, 0)


def test_banner_plays_every_state_in_order(make_view):
    clock = Clock()
    view = make_view(clock=clock)
    pose, board = Pose(200, 200, 0), VirtualBoard()
    for state in ("ready", "running", "moving_soon", "running", "finished"):
        view.show_state(state)  # all at once, faster than a frame
    seen = []
    for _ in range(60 * 6):
        view.draw(pose, board)
        seen.append(view.state)
        clock.t += 1 / 60
    assert [s for _, s in view.states] == ["ready", "running", "moving_soon", "running",
                                           "finished"]
    assert view.settled and view.state == "finished"
    # each word stayed long enough to read; a new colour waited for the calm hold
    times = [t for t, _ in view.states]
    assert all(b - a >= v.WORD_MS / 1000 - 1e-9 for a, b in itertools.pairwise(times))
    # running's colour came at times[1]; finished's, the next new colour, a hold later
    assert times[4] - times[1] >= PROFILES["calm"].hold_ms / 1000 - 1e-9
    # moving soon keeps running's colour: only the word and the sign change
    assert COLOURS["moving_soon"] == COLOURS["running"]


def test_banner_shows_time_up_in_its_own_calm_colour(make_view):
    view = make_view()
    view.draw(Pose(200, 200, 0), VirtualBoard(), "time_up")
    want = capped(COLOURS["time_up"], 120)
    assert px(view, (view.banner_rect.right - 5, 3)) == want
    assert want != capped(COLOURS["finished"], 120)
    r, g, b = COLOURS["time_up"]
    assert not (r * 5 >= (r + g + b) * 4)  # not red


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_zone_names_are_translated(make_view, lang):
    view = make_view(world=World(zones=[Zone("parking", [(800, 400), (950, 400), (950, 600),
                                                         (800, 600)])]), lang=lang)
    label = catalog(lang)["world.zone.parking"]
    rendered = " ".join(key[0] for key in view._text_cache)  # a long name wraps in rows
    assert label in rendered
    if lang == "nl":
        assert "parking" not in rendered.lower()  # the id itself is never shown


def test_every_shipped_zone_has_a_label_in_every_language():
    from dojokit.sim.world import list_worlds, load_world

    root = Path(v.__file__).resolve().parents[3]
    paths = [load_world(name) for name in list_worlds()]
    paths += [load_world(p) for p in sorted((root / "themeboxes").glob("*/worlds/*.json"))]
    names = {z.name for w in paths for z in w.zones}
    assert {"parking", "finish"} <= names
    for lang in ("nl", "fr", "en"):
        for name in names:
            assert catalog(lang).get(f"world.zone.{name}"), (lang, name)
