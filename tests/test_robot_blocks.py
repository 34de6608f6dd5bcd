"""The robot block table: labels, casts, what each block sends, what sensors read as, docs."""

from __future__ import annotations

import asyncio
import inspect
import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest

from dojokit.i18n import LANGUAGES, catalog
from dojokit.protocol import Cap, Sample
from dojokit.robot import Robot
from dojokit.scratch import robot_blocks as rb
from dojokit.scratch.robot_blocks import BLOCKS, KNOWN_OPCODES, RobotState

ROOT = Path(__file__).resolve().parents[1]
ALL_CAPS = Cap(0x3FF)
NO_CAPS = Cap(0)


class FakeRobot:
    """Records the Robot calls a block makes (same method names and parameters)."""

    def __init__(self, calls: list[tuple], caps: Cap = ALL_CAPS, lights: int = 4) -> None:
        self.info = SimpleNamespace(caps=caps, lights=lights)
        self.calls = calls

    async def drive(self, left: int, right: int, seconds: float | None = None) -> None:
        self.calls.append(("drive", left, right, seconds))

    async def stop(self) -> None:
        self.calls.append(("stop",))

    async def light(self, index, colour) -> None:
        self.calls.append(("light", index, colour))

    async def lights_off(self) -> None:
        self.calls.append(("lights_off",))

    async def display_image(self, bits: int, level: int = 9) -> None:
        self.calls.append(("display_image", bits, level))

    async def display_text(self, text: str) -> None:
        self.calls.append(("display_text", text))

    async def display_clear(self) -> None:
        self.calls.append(("display_clear",))

    async def tone(self, freq: int, seconds: float) -> None:
        self.calls.append(("tone", freq, seconds))


def test_fake_robot_matches_the_real_one():
    for name, method in inspect.getmembers(FakeRobot, inspect.iscoroutinefunction):
        real = getattr(Robot, name)
        assert inspect.iscoroutinefunction(real), name
        assert list(inspect.signature(real).parameters) == list(
            inspect.signature(method).parameters
        ), name


@pytest.fixture
def do(monkeypatch):
    """Run one command block on a fake robot; return the calls, the blocks' waits included."""

    def _do(opcode: str, args: dict, caps: Cap = ALL_CAPS, lights: int = 4) -> list[tuple]:
        calls: list[tuple] = []

        async def wait(seconds: float) -> None:
            calls.append(("wait", seconds))

        monkeypatch.setattr(rb, "_wait", wait)
        block = BLOCKS[opcode]
        assert block.kind == "command"
        asyncio.run(block.run(FakeRobot(calls, caps, lights), args))
        return calls

    return _do


# -- the table -----------------------------------------------------------------------------
def test_table_shape():
    assert frozenset(BLOCKS) == KNOWN_OPCODES
    for opcode, b in BLOCKS.items():
        assert b.opcode == opcode
        assert re.fullmatch(r"dojokit_[a-z][A-Za-z]*", opcode), opcode
        assert b.category in rb.CATEGORIES
        assert b.doc, opcode
        assert inspect.iscoroutinefunction(b.run) == (b.kind == "command"), opcode
        names = [a.name for a in b.args]
        assert len(set(names)) == len(names), opcode
        for a in b.args:
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", a.name)
            assert (a.kind == "menu") == bool(a.menu), (opcode, a.name)
            if a.kind == "menu":
                assert a.default in a.menu, (opcode, a.name)
    kinds = Counter(b.kind for b in BLOCKS.values())
    assert kinds["hat"] >= 3 and kinds["reporter"] >= 3 and kinds["boolean"] >= 2


def test_default_colours_are_calm():
    for b in BLOCKS.values():
        for a in b.args:
            if a.kind == "colour":
                r, g, bl = rb.to_colour(a.default)
                assert r / max(1, r + g + bl) < 0.8, "no saturated red by default"


# -- labels --------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_block_has_a_label_with_exactly_its_placeholders(lang):
    for opcode, b in BLOCKS.items():
        text = catalog(lang).get(f"blocks.{opcode}")
        assert text, (lang, opcode)
        assert Counter(rb.placeholders(text)) == Counter(a.name for a in b.args), (lang, text)
        assert rb.label(opcode, lang) == text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_menu_value_and_category_has_a_label(lang):
    for b in BLOCKS.values():
        for a in b.args:
            for v in a.menu:
                assert catalog(lang).get(f"blocks.menu.{v}"), (lang, v)
    for c in rb.CATEGORIES:
        assert catalog(lang).get(f"blocks.category.{c}"), (lang, c)


def test_catalogs_hold_the_same_block_keys_and_no_others():
    used = {f"blocks.{o}" for o in BLOCKS}
    used |= {f"blocks.menu.{v}" for b in BLOCKS.values() for a in b.args for v in a.menu}
    used |= {f"blocks.category.{c}" for c in rb.CATEGORIES}
    import json
    from importlib.resources import files

    # the robot blocks' own catalog files (Scratch's core blocks have theirs, blocks_core.*,
    # checked by tests/test_block_tables.py)
    for lang in LANGUAGES:
        own = json.loads((files("dojokit.i18n") / f"blocks.{lang}.json").read_text("utf-8"))
        assert set(own) == used, lang
        assert all(catalog(lang)[k] == v for k, v in own.items())


def test_label_parts():
    parts = rb.label_parts("dojokit_drive", "en")
    assert parts == ["drive left ", BLOCKS["dojokit_drive"].args[0], " % right ",
                     BLOCKS["dojokit_drive"].args[1], " %"]
    assert rb.label_parts("dojokit_move", "nl")[0] is BLOCKS["dojokit_move"].args[0]
    assert rb.menu_label("turn_left", "fr") == "tourner à gauche"
    assert rb.category_label("sensors", "nl") == "Sensoren"


# -- Scratch casts -------------------------------------------------------------------------
@pytest.mark.parametrize(("raw", "number"), [
    (50.0, 50), ("50", 50), (" 12.5 ", 12.5), ("", 0), ("abc", 0), (True, 1), (False, 0),
    ("0x10", 16), ("1e3", 1000), (".5", 0.5), ("-Infinity", float("-inf")),
    (float("nan"), 0), ("nan", 0), ("1_000", 0), (None, 0),
])
def test_to_number(raw, number):
    assert rb.to_number(raw) == number


@pytest.mark.parametrize(("raw", "text"), [
    (12.0, "12"), (0.5, "0.5"), (-3, "-3"), (True, "true"), ("Hoi", "Hoi"),
    (float("inf"), "Infinity"),
])
def test_to_text(raw, text):
    assert rb.to_text(raw) == text


@pytest.mark.parametrize(("raw", "rgb"), [
    ("#ff8000", (255, 128, 0)), ("#FFF", (255, 255, 255)), ("#zzzzzz", (0, 0, 0)),
    (65280.0, (0, 255, 0)), ("16711680", (255, 0, 0)), (-1, (255, 255, 255)),
    ("blue", (0, 0, 0)), (float("inf"), (0, 0, 0)),
])
def test_to_colour(raw, rgb):
    assert rb.to_colour(raw) == rgb


# -- commands ------------------------------------------------------------------------------
HEART = rb.image_bits(rb.IMAGES["heart"])
MOTORLESS = ALL_CAPS & ~Cap.MOTORS

COMMANDS = [
    # (opcode, args, caps, lights, expected calls)
    ("dojokit_drive", {"LEFT": "50", "RIGHT": -30.0}, ALL_CAPS, 4, [("drive", 50, -30, None)]),
    ("dojokit_drive", {"LEFT": 500, "RIGHT": -500}, ALL_CAPS, 4, [("drive", 100, -100, None)]),
    ("dojokit_drive", {"LEFT": "abc", "RIGHT": True}, ALL_CAPS, 4, [("drive", 0, 1, None)]),
    ("dojokit_drive", {"LEFT": 33.6}, ALL_CAPS, 4, [("drive", 34, 50, None)]),
    ("dojokit_drive", {"LEFT": 50, "RIGHT": 50}, MOTORLESS, 4, []),
    ("dojokit_driveFor", {"LEFT": 40, "RIGHT": 40, "SECONDS": "2"}, ALL_CAPS, 4,
     [("drive", 40, 40, 2.0)]),
    ("dojokit_driveFor", {"LEFT": 40, "RIGHT": 40, "SECONDS": 1000}, ALL_CAPS, 4,
     [("drive", 40, 40, 60.0)]),
    ("dojokit_driveFor", {"LEFT": 40, "RIGHT": 40, "SECONDS": 0}, ALL_CAPS, 4, [("stop",)]),
    ("dojokit_driveFor", {"LEFT": 40, "RIGHT": 40, "SECONDS": 2}, MOTORLESS, 4,
     [("wait", 2.0)]),
    ("dojokit_move", {"DIRECTION": "forward", "SPEED": 60}, ALL_CAPS, 4,
     [("drive", 60, 60, None)]),
    ("dojokit_move", {"DIRECTION": "backward", "SPEED": 60}, ALL_CAPS, 4,
     [("drive", -60, -60, None)]),
    ("dojokit_move", {"DIRECTION": "turn_left", "SPEED": 150}, ALL_CAPS, 4,
     [("drive", -100, 100, None)]),
    ("dojokit_move", {"DIRECTION": "turn_right", "SPEED": "30"}, ALL_CAPS, 4,
     [("drive", 30, -30, None)]),
    ("dojokit_move", {"DIRECTION": "sideways", "SPEED": -20}, ALL_CAPS, 4,
     [("drive", -20, -20, None)]),
    ("dojokit_moveFor", {"DIRECTION": "turn_right", "SPEED": 50, "SECONDS": 1.5}, ALL_CAPS, 4,
     [("drive", 50, -50, 1.5)]),
    ("dojokit_stop", {}, ALL_CAPS, 4, [("stop",)]),
    ("dojokit_stop", {}, MOTORLESS, 4, []),
    ("dojokit_setLight", {"INDEX": 1, "COLOUR": "#ff8000"}, ALL_CAPS, 4,
     [("light", 0, (255, 128, 0))]),
    ("dojokit_setLight", {"INDEX": "4", "COLOUR": 65280.0}, ALL_CAPS, 4,
     [("light", 3, (0, 255, 0))]),
    ("dojokit_setLight", {"INDEX": 5, "COLOUR": "#ffffff"}, ALL_CAPS, 4, []),
    ("dojokit_setLight", {"INDEX": 0, "COLOUR": "#ffffff"}, ALL_CAPS, 4, []),
    ("dojokit_setLight", {"INDEX": float("inf"), "COLOUR": "#ffffff"}, ALL_CAPS, 4, []),
    ("dojokit_setAllLights", {"COLOUR": "#00c850"}, ALL_CAPS, 4,
     [("light", "all", (0, 200, 80))]),
    ("dojokit_setAllLights", {"COLOUR": "#00c850"}, ALL_CAPS, 0, []),
    ("dojokit_lightsOff", {}, ALL_CAPS, 4, [("lights_off",)]),
    ("dojokit_showImage", {"IMAGE": "heart"}, ALL_CAPS, 4, [("display_image", HEART, 9)]),
    ("dojokit_showImage", {"IMAGE": "skull"}, ALL_CAPS, 4, [("display_image", HEART, 9)]),
    ("dojokit_showImage", {"IMAGE": "heart"}, ALL_CAPS & ~Cap.DISPLAY, 4, []),
    ("dojokit_showText", {"TEXT": "Hello world"}, ALL_CAPS, 4, [("display_text", "Hello wo")]),
    ("dojokit_showText", {"TEXT": "Élève"}, ALL_CAPS, 4, [("display_text", "Eleve")]),
    ("dojokit_showText", {"TEXT": 12.0}, ALL_CAPS, 4, [("display_text", "12")]),
    ("dojokit_showText", {"TEXT": "日本\n"}, ALL_CAPS, 4, [("display_text", "?? ")]),
    ("dojokit_showText", {"TEXT": ""}, ALL_CAPS, 4, [("display_clear",)]),
    ("dojokit_clearDisplay", {}, ALL_CAPS, 4, [("display_clear",)]),
    ("dojokit_playNote", {"NOTE": 69, "SECONDS": 0.5}, ALL_CAPS, 4,
     [("tone", 440, 0.5), ("wait", 0.5)]),
    ("dojokit_playNote", {"NOTE": "60", "SECONDS": 1}, ALL_CAPS, 4,
     [("tone", 262, 1.0), ("wait", 1.0)]),
    ("dojokit_playNote", {"NOTE": 200, "SECONDS": 99}, ALL_CAPS, 4,
     [("tone", 2093, 10.0), ("wait", 10.0)]),
    ("dojokit_playNote", {"NOTE": 0, "SECONDS": 1}, ALL_CAPS, 4,
     [("tone", 131, 1.0), ("wait", 1.0)]),
    ("dojokit_playNote", {"NOTE": 60, "SECONDS": 0}, ALL_CAPS, 4, []),
    ("dojokit_playNote", {"NOTE": 60, "SECONDS": 1}, ALL_CAPS & ~Cap.TONE, 4, [("wait", 1.0)]),
    ("dojokit_rest", {"SECONDS": "2"}, ALL_CAPS, 4, [("wait", 2.0)]),
    ("dojokit_rest", {"SECONDS": -1}, NO_CAPS, 0, [("wait", 0)]),
]


@pytest.mark.parametrize(("opcode", "args", "caps", "lights", "expected"), COMMANDS)
def test_command_calls_the_robot(do, opcode, args, caps, lights, expected):
    assert do(opcode, args, caps, lights) == expected


def test_every_command_is_exercised():
    assert {c[0] for c in COMMANDS} == {o for o, b in BLOCKS.items() if b.kind == "command"}


def test_commands_use_defaults_for_missing_args(do):
    assert do("dojokit_moveFor", {}) == [("drive", 50, 50, 1.0)]
    assert do("dojokit_setLight", {}) == [("light", 0, (0, 80, 255))]


# -- reporters, booleans and hats ----------------------------------------------------------
def sample(**kw) -> Sample:
    base = dict(distance_mm=None, line_left=None, line_right=None, light=None, buttons=0,
                tilt_x=None, tilt_y=None)
    return Sample(**{**base, **kw})


KNOWN = sample(distance_mm=123, line_left=True, line_right=False, light=127, buttons=2,
               tilt_x=-45, tilt_y=10)
UNKNOWN = sample()

QUERIES = [
    # (opcode, args, state, value)
    ("dojokit_distance", {}, RobotState(KNOWN), 12),
    ("dojokit_distance", {}, RobotState(sample(distance_mm=5000)), 400),
    ("dojokit_distance", {}, RobotState(UNKNOWN), 400),
    ("dojokit_distance", {}, RobotState(), 400),
    ("dojokit_lineDark", {"SIDE": "left"}, RobotState(KNOWN), True),
    ("dojokit_lineDark", {"SIDE": "right"}, RobotState(KNOWN), False),
    ("dojokit_lineDark", {"SIDE": "left"}, RobotState(UNKNOWN), False),
    ("dojokit_lineDark", {"SIDE": "left"}, RobotState(), False),
    ("dojokit_lightLevel", {}, RobotState(KNOWN), 50),
    ("dojokit_lightLevel", {}, RobotState(sample(light=254)), 100),
    ("dojokit_lightLevel", {}, RobotState(UNKNOWN), 0),
    ("dojokit_tilt", {"AXIS": "x"}, RobotState(KNOWN), -45),
    ("dojokit_tilt", {"AXIS": "y"}, RobotState(KNOWN), 10),
    ("dojokit_tilt", {"AXIS": "y"}, RobotState(sample(tilt_y=120)), 90),
    ("dojokit_tilt", {"AXIS": "x"}, RobotState(UNKNOWN), 0),
    ("dojokit_tilt", {"AXIS": "x"}, RobotState(), 0),
    ("dojokit_buttonPressed", {"BUTTON": "A"}, RobotState(KNOWN), False),
    ("dojokit_buttonPressed", {"BUTTON": "B"}, RobotState(KNOWN), True),
    ("dojokit_buttonPressed", {"BUTTON": "A"}, RobotState(pressed={"A"}), True),
    ("dojokit_buttonPressed", {"BUTTON": "B"}, RobotState(pressed={"A"}), False),
    ("dojokit_buttonPressed", {"BUTTON": "A"}, RobotState(), False),
    ("dojokit_whenButtonPressed", {"BUTTON": "A"}, RobotState(UNKNOWN, {"A"}), True),
    ("dojokit_whenButtonPressed", {"BUTTON": "A"}, RobotState(KNOWN), False),
    ("dojokit_whenButtonPressed", {"BUTTON": "B"}, RobotState(KNOWN), True),
    ("dojokit_whenButtonPressed", {"BUTTON": "B"}, RobotState(UNKNOWN), False),
    ("dojokit_whenCloserThan", {"DISTANCE": 20}, RobotState(KNOWN), True),
    ("dojokit_whenCloserThan", {"DISTANCE": "10"}, RobotState(KNOWN), False),
    ("dojokit_whenCloserThan", {"DISTANCE": 1000}, RobotState(UNKNOWN), False),
    ("dojokit_whenCloserThan", {"DISTANCE": 1000}, RobotState(), False),
    ("dojokit_whenLineDark", {"SIDE": "left"}, RobotState(KNOWN), True),
    ("dojokit_whenLineDark", {"SIDE": "right"}, RobotState(KNOWN), False),
    ("dojokit_whenLineDark", {"SIDE": "right"}, RobotState(UNKNOWN), False),
]


@pytest.mark.parametrize(("opcode", "args", "state", "value"), QUERIES)
def test_reporters_and_hats(opcode, args, state, value):
    got = BLOCKS[opcode].run(state, args)
    assert got == value and type(got) is type(value)


def test_every_query_is_exercised_with_an_unknown_sample():
    queries = {o for o, b in BLOCKS.items() if b.kind != "command"}
    assert {q[0] for q in QUERIES} == queries
    unknown = {q[0] for q in QUERIES if q[2].sample in (None, UNKNOWN) and not q[2].pressed}
    assert unknown == queries


# -- docs ----------------------------------------------------------------------------------
def test_docs_table_is_generated_from_the_table():
    text = (ROOT / "docs" / "blocks.md").read_text(encoding="utf-8")
    assert rb.docs_section(text) == rb.blocks_markdown(), (
        "regenerate: python -m dojokit.scratch.robot_blocks docs/blocks.md"
    )


def test_the_same_value_of_another_type_is_cast_again(do):
    # casts are kept per value (issue 12); true and 1 are equal in Python, not in Scratch
    assert do("dojokit_showText", {"TEXT": 1}) == [("display_text", "1")]
    assert do("dojokit_showText", {"TEXT": True}) == [("display_text", "true")]
    assert do("dojokit_showText", {"TEXT": 1.0}) == [("display_text", "1")]
    assert do("dojokit_showText", {"TEXT": [1]}) == [("display_text", "[1]")]
