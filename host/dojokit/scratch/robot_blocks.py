"""The robot blocks: dojokit's Scratch 3 extension, as one table.

`BLOCKS` maps each opcode (`dojokit_<name>`, as the blocks appear in project.json) to a
`RobotBlock`: its kind, palette category, arguments and what it does. The Scratch runtime only
looks blocks up here; the studio builds its palette from here; docs/blocks.md is generated
from here (`blocks_markdown()`, checked by a test).

The runtime hands `run` the block's raw Scratch values keyed by argument name: inputs
(number, text, colour) already evaluated, fields (menus) as their string. `run` casts them
with Scratch's own rules (`to_number`, `to_text`, `to_colour`).

- command: `await run(robot, args)`; the Scratch thread waits until it returns.
- reporter / boolean: `run(state, args)`, synchronous, from the latest sample.
- hat: `run(state, args) -> bool`; the runtime starts the script when it turns true.

Regenerate the docs table with `python -m dojokit.scratch.robot_blocks docs/blocks.md`.
"""

from __future__ import annotations

import asyncio
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dojokit import generated
from dojokit.i18n import catalog
from dojokit.protocol import MAX_PAYLOAD, Cap, Sample, Sensor
from dojokit.scratch import cast

if TYPE_CHECKING:
    from dojokit.robot import Robot

EXTENSION_ID = "dojokit"

ArgKind = Literal["number", "text", "colour", "menu"]
BlockKind = Literal["command", "reporter", "boolean", "hat"]
Category = Literal["motors", "lights", "display", "sound", "sensors"]
CATEGORIES: tuple[Category, ...] = ("motors", "lights", "display", "sound", "sensors")
DOC_LANGUAGES = ("en", "nl", "fr")

# -- units and limits (docs/blocks.md explains each) -------------------------------------
SPEED_MAX = 100  # percent, the protocol's range
DRIVE_SECONDS_MAX = 60.0  # a timed drive fits the protocol's 65.5 s with room to spare
NOTE_LOW, NOTE_HIGH = 48, 96  # MIDI C3..C7: lower is inaudible on a buzzer, higher is shrill
TONE_SECONDS_MAX = 10.0
REST_SECONDS_MAX = 60.0
FAR_CM = 400  # an HC-SR04 sees up to ~4 m; "no echo" and "unknown" read as this far
TEXT_MAX = MAX_PAYLOAD - 1  # one DISPLAY frame: mode byte + up to 8 ASCII characters
IMAGE_LEVEL = 9  # full level; the robot's sensory profile caps the real brightness
NO_PARTS = Cap(0)

# -- menus: stable English ids, labels in the catalogs as blocks.menu.<id> ------------------
DIRECTIONS: dict[str, tuple[int, int]] = {  # (left, right) wheel signs
    "forward": (1, 1),
    "backward": (-1, -1),
    "turn_left": (-1, 1),  # on the spot
    "turn_right": (1, -1),
}
SIDES = {"left": "line_left", "right": "line_right"}  # menu id -> Sample field
AXES = {"x": "tilt_x", "y": "tilt_y"}
BUTTONS = {"A": 1, "B": 2}  # menu id -> Sample.buttons bit
IMAGES: dict[str, str] = {  # 5x5, rows top to bottom, '#' lit; calm signs only
    "heart": ".#.#./#####/#####/.###./..#..",
    "happy": "...../.#.#./...../#...#/.###.",
    "sad": "...../.#.#./...../.###./#...#",
    "tick": "...../....#/...#./#.#../.#...",
    "square": "#####/#...#/#...#/#...#/#####",
    "diamond": "..#../.#.#./#...#/.#.#./..#..",
    "arrow_up": "..#../.###./#.#.#/..#../..#..",
    "arrow_down": "..#../..#../#.#.#/.###./..#..",
    "arrow_left": "..#../.#.../#####/.#.../..#..",
    "arrow_right": "..#../...#./#####/...#./..#..",
}


def image_bits(pattern: str) -> int:
    """The 25-bit DISPLAY image of a pattern: row by row, top-left is bit 24."""
    cells = pattern.replace("/", "")
    assert len(cells) == 25, pattern
    return int(cells.replace("#", "1").replace(".", "0"), 2)


IMAGE_BITS = {name: image_bits(p) for name, p in IMAGES.items()}

# -- Scratch's casts (scratch-vm's Cast), so blocks read values as Scratch would -----------
_JS_NUMBER = re.compile(
    r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity|0[xX][\da-fA-F]+|0[bB][01]+|0[oO][0-7]+"
)


def to_number(value: object) -> float:
    """Cast.toNumber: numbers as they are, numeric text by JavaScript's Number() rules,
    true = 1; anything else, and NaN, is 0."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        n = float(value)
    elif isinstance(value, str):
        s = value.strip()
        if not s or not _JS_NUMBER.fullmatch(s):
            return 0.0
        radix = s[:2].lower() in ("0x", "0b", "0o")
        n = float(int(s, 0)) if radix else float(s.replace("Infinity", "inf"))
    else:
        return 0.0
    return 0.0 if math.isnan(n) else n


def to_text(value: object) -> str:
    """Cast.toString: whole numbers without '.0', booleans as 'true'/'false'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        n = float(value)
        if math.isnan(n):
            return "NaN"
        if math.isinf(n):
            return "Infinity" if n > 0 else "-Infinity"
        return str(int(n)) if n.is_integer() and abs(n) < 1e21 else repr(n)
    return str(value)


def to_colour(value: object) -> tuple[int, int, int]:
    """Cast.toRgbColorObject's red, green and blue: '#rrggbb' or '#rgb' text (other '#'
    text is black), else a number 0xRRGGBB as the colour picker's reporters give it."""
    (r, g, b), _alpha = cast.to_rgb(value)
    return int(r), int(g), int(b)


_CASTS: dict[str, Callable[[object], Any]] = {
    "number": to_number,
    "text": to_text,
    "colour": to_colour,
}

# How the studio writes an input's shadow in project.json: [primitive type, shadow opcode]
SHADOWS: dict[str, tuple[int, str]] = {
    "number": (4, "math_number"),
    "text": (10, "text"),
    "colour": (9, "colour_picker"),
}


# -- the table's types ---------------------------------------------------------------------
@dataclass(frozen=True)
class Arg:
    """One argument: an input (number, text, colour) or a field (menu), named UPPER_CASE."""

    name: str
    kind: ArgKind
    menu: tuple[str, ...] = ()
    default: str | float = 0

    def cast(self, value: object) -> Any:
        """The raw Scratch value as this argument's Python value; a menu value the block
        does not know (a hand-edited project) falls back to the default."""
        if self.kind == "menu":
            text = to_text(value)
            return text if text in self.menu else self.default
        return _CASTS[self.kind](value)


@dataclass
class RobotState:
    """What reporters and hats read: the latest sample and the buttons held down."""

    sample: Sample | None = None
    pressed: set[str] = field(default_factory=set)  # "A"/"B", from BUTTON events


@dataclass(frozen=True)
class RobotBlock:
    opcode: str
    kind: BlockKind
    category: Category
    args: tuple[Arg, ...]
    run: Callable[..., Any]
    needs: Cap = NO_PARTS  # the block acts only on a kit with one of these parts
    doc: str = ""  # what it does on the robot (English, for docs/blocks.md)
    # a command that would do nothing now (robot, raw arguments): it needs no task of its
    # own (a line follower sets the same speeds in every frame)
    idle: Callable[..., bool] | None = None


Values = dict[str, Any]  # argument values after the cast


# -- helpers for the run functions ---------------------------------------------------------
def _clamp(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))


def _speed(x: float) -> int:
    return round(_clamp(x, -SPEED_MAX, SPEED_MAX))


def _has(robot: Robot, cap: Cap) -> bool:
    return bool(robot.info.caps & cap)


async def _wait(seconds: float) -> None:
    # one place for the blocks' own waiting, so tests (and virtual time) can hook it
    await asyncio.sleep(seconds)


def _ascii(text: str) -> str:
    """The text as the display's printable ASCII: accents dropped (é -> e), other
    characters as '?', cut to what one frame holds."""
    out = []
    for ch in unicodedata.normalize("NFKD", text):
        if " " <= ch <= "~":
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif not unicodedata.combining(ch):
            out.append("?")
    return "".join(out)[:TEXT_MAX]


def _distance_cm(s: Sample | None) -> int | None:
    if s is None or s.distance_mm is None:
        return None
    return min(FAR_CM, round(s.distance_mm / 10))


def _button_down(state: RobotState, button: str) -> bool:
    sample_bits = state.sample.buttons if state.sample else 0
    return button in state.pressed or bool(sample_bits & BUTTONS[button])


# -- commands ------------------------------------------------------------------------------
async def _timed_drive(robot: Robot, left: int, right: int, seconds: float) -> None:
    secs = _clamp(seconds, 0, DRIVE_SECONDS_MAX)
    if not _has(robot, Cap.MOTORS):
        await _wait(secs)  # keep the program's timing on a kit without motors
    elif secs <= 0:
        await robot.stop()
    else:
        await robot.drive(left, right, seconds=secs)  # returns once the robot has stopped


async def drive(robot: Robot, a: Values) -> None:
    """Sets the left and right wheel speeds, -100..100 % (beyond is clamped; negative
    turns the wheel backwards), and returns at once: the robot keeps driving until another
    motor block."""
    if _has(robot, Cap.MOTORS):
        await robot.drive(_speed(a["LEFT"]), _speed(a["RIGHT"]))


def drive_idle(robot: Robot, a: Values) -> bool:
    """`drive` would send nothing: no motors, or already driving at these speeds."""
    return not _has(robot, Cap.MOTORS) or robot.drives_so(_speed(a["LEFT"]), _speed(a["RIGHT"]))


async def drive_for(robot: Robot, a: Values) -> None:
    """Drives with these wheel speeds (-100..100 %) for 0..60 seconds, then stops; the
    script waits until the robot has stopped. 0 seconds or less: stops at once."""
    await _timed_drive(robot, _speed(a["LEFT"]), _speed(a["RIGHT"]), a["SECONDS"])


async def move(robot: Robot, a: Values) -> None:
    """Drives forward or backward, or turns on the spot (one wheel forward, one back), at
    speed 0..100 % (a negative speed goes the other way), until another motor block."""
    sl, sr = DIRECTIONS[a["DIRECTION"]]
    if _has(robot, Cap.MOTORS):
        await robot.drive(_speed(sl * a["SPEED"]), _speed(sr * a["SPEED"]))


async def move_for(robot: Robot, a: Values) -> None:
    """Like the block above for 0..60 seconds, then stops; the script waits until the robot
    has stopped."""
    sl, sr = DIRECTIONS[a["DIRECTION"]]
    await _timed_drive(robot, _speed(sl * a["SPEED"]), _speed(sr * a["SPEED"]), a["SECONDS"])


async def stop(robot: Robot, a: Values) -> None:
    """Stops both motors at once."""
    if _has(robot, Cap.MOTORS):
        await robot.stop()


async def set_light(robot: Robot, a: Values) -> None:
    """Sets one light to a colour. Lights count from 1 (pixels first, then plain lights);
    a number the kit does not have does nothing. The robot fades and caps the colour."""
    index = round(_clamp(a["INDEX"], 0, 256))
    if 1 <= index <= robot.info.lights:
        await robot.light(index - 1, a["COLOUR"])


async def set_all_lights(robot: Robot, a: Values) -> None:
    """Sets every light of the kit to a colour (faded and capped by the robot)."""
    if robot.info.lights:
        await robot.light("all", a["COLOUR"])


async def lights_off(robot: Robot, a: Values) -> None:
    """Turns every light off (a calm fade)."""
    if robot.info.lights:
        await robot.lights_off()


async def show_image(robot: Robot, a: Values) -> None:
    """Shows a 5x5 image on the display (the image table lists them)."""
    if _has(robot, Cap.DISPLAY):
        await robot.display_image(IMAGE_BITS[a["IMAGE"]], IMAGE_LEVEL)


async def show_text(robot: Robot, a: Values) -> None:
    """Scrolls a text across the display and returns at once: the first 8 characters,
    accents dropped (é shows as e), other signs as '?'. Empty text clears the display."""
    if not _has(robot, Cap.DISPLAY):
        return
    text = _ascii(a["TEXT"])
    await (robot.display_text(text) if text else robot.display_clear())


async def clear_display(robot: Robot, a: Values) -> None:
    """Clears the display."""
    if _has(robot, Cap.DISPLAY):
        await robot.display_clear()


async def play_note(robot: Robot, a: Values) -> None:
    """Plays a note on the buzzer and waits until it ends. The note is a MIDI number as in
    Scratch's Music blocks (60 = middle C, 69 = 440 Hz), kept to 48..96; 0..10 seconds.
    Silent if the sensory profile has sound off, but the script still waits."""
    secs = _clamp(a["SECONDS"], 0, TONE_SECONDS_MAX)
    if secs <= 0:
        return
    if _has(robot, Cap.TONE):
        note = _clamp(a["NOTE"], NOTE_LOW, NOTE_HIGH)
        await robot.tone(round(440 * 2 ** ((note - 69) / 12)), secs)
    await _wait(secs)


async def rest(robot: Robot, a: Values) -> None:
    """Waits 0..60 seconds without sound (a rest between notes)."""
    await _wait(_clamp(a["SECONDS"], 0, REST_SECONDS_MAX))


# -- hats, reporters and booleans (read the latest sample) ----------------------------------
def when_button_pressed(state: RobotState, a: Values) -> bool:
    """Starts its script when button A or B goes down."""
    return _button_down(state, a["BUTTON"])


def when_closer_than(state: RobotState, a: Values) -> bool:
    """Starts its script when the distance sensor sees something nearer than this many cm.
    An unknown distance (no echo, no sensor) never starts it."""
    cm = _distance_cm(state.sample)
    return cm is not None and cm < a["DISTANCE"]


def when_line_dark(state: RobotState, a: Values) -> bool:
    """Starts its script when the left or right line sensor comes over a dark line."""
    return line_dark(state, a)


def distance(state: RobotState, a: Values) -> float:
    """Distance to the nearest thing ahead in whole cm, 0..400. No echo, no sensor or no
    reading yet: 400 (as far as the sensor sees)."""
    cm = _distance_cm(state.sample)
    return FAR_CM if cm is None else cm


def line_dark(state: RobotState, a: Values) -> bool:
    """True while the left or right line sensor sees a dark line. Unknown: false."""
    s = state.sample
    return bool(s and getattr(s, SIDES[a["SIDE"]]))


def light_level(state: RobotState, a: Values) -> float:
    """Light falling on the robot, 0 (dark) .. 100 (bright). Unknown: 0."""
    s = state.sample
    return 0 if s is None or s.light is None else round(s.light * 100 / 254)


def tilt(state: RobotState, a: Values) -> float:
    """How far the robot leans, in degrees -90..90 (0 = level); x is left-right,
    y front-back. Unknown: 0."""
    value = getattr(state.sample, AXES[a["AXIS"]], None) if state.sample else None
    return 0 if value is None else round(_clamp(value, -90, 90))


def button_pressed(state: RobotState, a: Values) -> bool:
    """True while button A or B is held down."""
    return _button_down(state, a["BUTTON"])


# -- the table -----------------------------------------------------------------------------
def _block(
    name: str,
    kind: BlockKind,
    category: Category,
    fn: Callable[[Any, Values], Any],
    *args: Arg,
    needs: Cap = NO_PARTS,
    idle: Callable[[Robot, Values], bool] | None = None,
) -> RobotBlock:
    # a program passes the same few values: their casts are kept (by type too: True and 1
    # are equal keys, but not the same text); the run functions only read them
    seen: dict[tuple[object, ...], Values] = {}

    def cast(got: list[object]) -> Values:
        return {a.name: a.cast(v) for a, v in zip(args, got, strict=True)}

    def values(raw: dict[str, object]) -> Values:
        got = [raw.get(a.name, a.default) for a in args]
        key = tuple((type(v), v) for v in got)
        try:
            return seen[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable value: cast it each time
            return cast(got)
        if len(seen) >= 256:
            seen.clear()
        out = seen[key] = cast(got)
        return out

    def idle_now(robot: Robot, raw: dict[str, object]) -> bool:
        assert idle is not None
        return idle(robot, values(raw))

    async def command(robot: Robot, raw: dict[str, object]) -> None:
        await fn(robot, values(raw))

    def query(state: RobotState, raw: dict[str, object]) -> Any:
        return fn(state, values(raw))

    run = command if kind == "command" else query
    doc = " ".join((fn.__doc__ or "").split())
    return RobotBlock(f"{EXTENSION_ID}_{name}", kind, category, args, run, needs, doc,
                      idle_now if idle is not None else None)


def _menu(name: str, values: dict[str, Any] | tuple[str, ...], default: str) -> Arg:
    return Arg(name, "menu", tuple(values), default)


LEFT = Arg("LEFT", "number", default=50)
RIGHT = Arg("RIGHT", "number", default=50)
SECONDS = Arg("SECONDS", "number", default=1)
SPEED = Arg("SPEED", "number", default=50)
DIRECTION = _menu("DIRECTION", DIRECTIONS, "forward")
COLOUR = Arg("COLOUR", "colour", default="#0050ff")  # the calm blue of "ready"
BUTTON = _menu("BUTTON", BUTTONS, "A")
SIDE = _menu("SIDE", SIDES, "left")
LIGHTS = Cap.PIXELS | Cap.LEDS

BLOCKS: dict[str, RobotBlock] = {
    b.opcode: b
    for b in (
        _block("drive", "command", "motors", drive, LEFT, RIGHT, needs=Cap.MOTORS,
               idle=drive_idle),
        _block("driveFor", "command", "motors", drive_for, LEFT, RIGHT, SECONDS,
               needs=Cap.MOTORS),
        _block("move", "command", "motors", move, DIRECTION, SPEED, needs=Cap.MOTORS),
        _block("moveFor", "command", "motors", move_for, DIRECTION, SPEED, SECONDS,
               needs=Cap.MOTORS),
        _block("stop", "command", "motors", stop, needs=Cap.MOTORS),
        _block("setLight", "command", "lights", set_light,
               Arg("INDEX", "number", default=1), COLOUR, needs=LIGHTS),
        _block("setAllLights", "command", "lights", set_all_lights, COLOUR, needs=LIGHTS),
        _block("lightsOff", "command", "lights", lights_off, needs=LIGHTS),
        _block("showImage", "command", "display", show_image,
               _menu("IMAGE", IMAGES, "heart"), needs=Cap.DISPLAY),
        _block("showText", "command", "display", show_text,
               Arg("TEXT", "text", default="Hi!"), needs=Cap.DISPLAY),
        _block("clearDisplay", "command", "display", clear_display, needs=Cap.DISPLAY),
        _block("playNote", "command", "sound", play_note,
               Arg("NOTE", "number", default=60), Arg("SECONDS", "number", default=0.5),
               needs=Cap.TONE),
        _block("rest", "command", "sound", rest, Arg("SECONDS", "number", default=0.5)),
        _block("whenButtonPressed", "hat", "sensors", when_button_pressed, BUTTON,
               needs=Cap.BUTTONS),
        _block("whenCloserThan", "hat", "sensors", when_closer_than,
               Arg("DISTANCE", "number", default=10), needs=Cap.DISTANCE),
        _block("whenLineDark", "hat", "sensors", when_line_dark, SIDE, needs=Cap.LINE),
        _block("distance", "reporter", "sensors", distance, needs=Cap.DISTANCE),
        _block("lineDark", "boolean", "sensors", line_dark, SIDE, needs=Cap.LINE),
        _block("lightLevel", "reporter", "sensors", light_level, needs=Cap.LIGHT),
        _block("tilt", "reporter", "sensors", tilt, _menu("AXIS", AXES, "x"),
               needs=Cap.TILT),
        _block("buttonPressed", "boolean", "sensors", button_pressed, BUTTON,
               needs=Cap.BUTTONS),
    )
}

KNOWN_OPCODES: frozenset[str] = frozenset(BLOCKS)  # menus are plain fields: no shadow opcodes

# which SUBSCRIBE bit a block's sensor part needs
_SENSOR_BITS = ((Cap.DISTANCE, Sensor.DISTANCE), (Cap.LINE, Sensor.LINE),
                (Cap.LIGHT, Sensor.LIGHT), (Cap.BUTTONS, Sensor.BUTTONS), (Cap.TILT, Sensor.TILT))


def sensors_read(project: dict[str, Any]) -> int:
    """The SUBSCRIBE mask of the sensors a project's blocks read (0: none). A robot that
    sends only these, or nothing, does less work every second and the program cannot tell."""
    mask = 0
    for target in project.get("targets", ()):
        blocks = target.get("blocks") if isinstance(target, dict) else None
        for b in blocks.values() if isinstance(blocks, dict) else ():
            block = BLOCKS.get(b.get("opcode", "")) if isinstance(b, dict) else None
            if block is not None:
                mask |= sum(int(bit) for cap, bit in _SENSOR_BITS if block.needs & cap)
    return mask


# -- labels --------------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z0-9_]*)\]")


def _text(key: str, lang: str) -> str:
    return catalog(lang).get(key) or catalog("en")[key]


def label(opcode: str, lang: str) -> str:
    """The block's words in `lang`, with one `[ARGNAME]` placeholder per argument."""
    return _text(f"blocks.{opcode}", lang)


def label_parts(opcode: str, lang: str) -> list[str | Arg]:
    """The label split into words and the block's `Arg`s, in reading order (for drawing)."""
    args = {a.name: a for a in BLOCKS[opcode].args}
    parts = _PLACEHOLDER.split(label(opcode, lang))
    # re.split puts the captured names at odd positions
    return [args[p] if i % 2 else p for i, p in enumerate(parts) if i % 2 or p.strip()]


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def menu_label(value: str, lang: str) -> str:
    return _text(f"blocks.menu.{value}", lang)


def category_label(category: str, lang: str) -> str:
    return _text(f"blocks.category.{category}", lang)


# -- docs ----------------------------------------------------------------------------------
DOCS_BEGIN = "<!-- BEGIN generated by blocks_markdown(): do not edit by hand -->"
DOCS_END = "<!-- END generated -->"


def _arg_markdown(a: Arg) -> str:
    if a.kind == "menu":
        return f"`{a.name}` menu: {', '.join(a.menu)} (default {a.default})"
    return f"`{a.name}` {a.kind} (default {to_text(a.default)})"


def blocks_markdown() -> str:
    """The block, menu and image tables of docs/blocks.md, from BLOCKS and the catalogs."""
    out: list[str] = []
    for cat in CATEGORIES:
        names = " / ".join(category_label(cat, lang) for lang in DOC_LANGUAGES)
        out += [f"### {names}", "",
                "| opcode | kind | label en / nl / fr | arguments | on the robot |",
                "|---|---|---|---|---|"]
        for b in (b for b in BLOCKS.values() if b.category == cat):
            labels = "<br>".join(f"`{label(b.opcode, lang)}`" for lang in DOC_LANGUAGES)
            args = "<br>".join(_arg_markdown(a) for a in b.args) or "none"
            out.append(f"| `{b.opcode}` | {b.kind} | {labels} | {args} | {b.doc} |")
        out.append("")
    menus: dict[str, list[str]] = {}
    for b in BLOCKS.values():
        for a in b.args:
            for v in a.menu:
                used = menus.setdefault(v, [])
                if a.name not in used:
                    used.append(a.name)
    out += ["### Menu values", "", "| value | in | en | nl | fr |", "|---|---|---|---|---|"]
    for v, used in menus.items():
        labels = " | ".join(menu_label(v, lang) for lang in DOC_LANGUAGES)
        out.append(f"| `{v}` | {', '.join(used)} | {labels} |")
    out += ["", "### Images", "", "| image | rows, top to bottom (`#` lit) | 25-bit value |",
            "|---|---|---|"]
    out += [f"| `{n}` | `{p}` | {IMAGE_BITS[n]:#09x} |" for n, p in IMAGES.items()]
    return "\n".join(out) + "\n"


def docs_section(text: str) -> str:
    """The generated part of a docs text (between this module's markers)."""
    return generated.section(text, DOCS_BEGIN, DOCS_END)


def write_docs(path: Path) -> None:
    generated.write_section(path, DOCS_BEGIN, DOCS_END, blocks_markdown())


if __name__ == "__main__":
    generated.main(DOCS_BEGIN, DOCS_END, blocks_markdown)
