"""Theme boxes as data: the box.json format, its vocabulary tables and the loader.

A theme box is a folder `themeboxes/<id>/` holding `box.json` (format: docs/themeboxes.md)
and the Scratch programs it names. The vocabularies a box may use are tables here, not
branches: `PREDICATES` (the checks a grader runs over a trace), `BLOCK_KINDS`, `COLOURS`,
`ICONS` and `HARDWARE`. docs/themeboxes.md's tables are generated from them
(`vocabulary_markdown()`, checked by a test); regenerate with
`python -m dojokit.themebox.format docs/themeboxes.md`.

Loading only parses JSON and reads the programs as Scratch data: nothing in a box is ever
imported, evaluated or run. Every problem raises BoxError, one sentence in the current
language naming the file, the line and what to change.
"""

from __future__ import annotations

import bisect
import difflib
import json
import json.decoder
import json.scanner
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from dojokit import generated
from dojokit.colour_names import (
    PALE_BELOW,
    PICKER_HUES,
    PICKER_SATURATIONS,
    WHITE_BELOW,
    colour_name,
    picker_choices,
    ranges_markdown,
)
from dojokit.i18n import LANGUAGES, catalog, language, t, text
from dojokit.protocol import Cap
from dojokit.scratch.blocks import block_def

__all__ = [
    "BLOCK_KINDS",
    "BOX_FILE",
    "COLOURS",
    "FORMAT",
    "HARDWARE",
    "ICONS",
    "PREDICATES",
    "PROFILES",
    "Box",
    "BoxError",
    "Card",
    "Check",
    "Exercise",
    "Param",
    "Predicate",
    "WrongProgram",
    "colour_label",
    "list_boxes",
    "load_box",
    "pick",
    "vocabulary_markdown",
]

FORMAT = 1  # the box.json format this code reads
BOX_FILE = "box.json"
LANGS = LANGUAGES  # every text a box holds exists in nl, fr and en
PROFILES = ("calm", "standard")  # the sensory profiles of dojokit.robot.profiles
PROGRAM_SUFFIXES = (".sb3", ".json")  # a Scratch 3 project, zipped or bare
MAX_BOX_BYTES = 1_000_000  # a box.json is text; this keeps a stray file from eating memory
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # box and exercise ids: folder-safe
MAX_SHORT_TEXT = 120  # characters: "one short sentence" on a card, a step
MAX_STEPS = 9  # a structured work system keeps the count small enough to see at once
AGE_LOW, AGE_HIGH = 4, 99
LEVEL_HIGH = 99  # a box's level: its place in the teaching order, 1 first
TIME_LIMIT_MAX = 600.0  # robot seconds; the simulator runs faster than real time
MM_MAX = 100_000.0
ZONE_MARGIN_MM = 30.0  # zone_reached: the middle of the robot this far inside the edge
SPOT_MM = 30.0  # turns_on_spot: the point between the wheels stays this near its start
SLOWER_NEAR = 0.8  # slower_near_wall: near the wall at most this part of the speed far away
SECONDS_MAX = TIME_LIMIT_MAX

Text = dict[str, str]  # {"nl": ..., "fr": ..., "en": ...}
Rgb = tuple[int, int, int]
Colour = str | Rgb  # a name in COLOURS, or red, green, blue 0..255


class BoxError(ValueError):
    """A theme box that cannot be used; str() is one sentence for a person."""


# -- vocabularies (data; docs/themeboxes.md is generated from them) --------------------------

# The colours a check may name (the cards' words; `cyan` is "light blue"), with the colour a
# light block would ask for. Which asked colour counts as which name is
# dojokit.colour_names (docs/themeboxes.md, "Colour names").
COLOURS: dict[str, Rgb] = {
    "red": (255, 0, 0),
    "orange": (255, 140, 0),
    "yellow": (255, 220, 0),
    "green": (0, 200, 80),
    "cyan": (0, 200, 220),
    "blue": (0, 80, 255),
    "purple": (150, 0, 255),
    "pink": (255, 100, 180),
    "white": (255, 255, 255),
    "off": (0, 0, 0),
}

# What `uses_block` may ask for: a kind -> the opcodes that count as using it.
BLOCK_KINDS: dict[str, tuple[str, ...]] = {
    "loop": ("control_repeat", "control_forever", "control_repeat_until", "control_while",
             "control_for_each"),
    "repeat": ("control_repeat",),
    "forever": ("control_forever",),
    "repeat_until": ("control_repeat_until",),
    "if": ("control_if", "control_if_else"),
    "if_else": ("control_if_else",),
    "wait": ("control_wait",),
    "wait_until": ("control_wait_until",),
    "sensor": ("dojokit_distance", "dojokit_lineDark", "dojokit_lightLevel", "dojokit_tilt",
               "dojokit_buttonPressed"),
    "robot_event": ("dojokit_whenButtonPressed", "dojokit_whenCloserThan",
                    "dojokit_whenLineDark"),
    "variable": ("data_setvariableto", "data_changevariableby"),
    "broadcast": ("event_broadcast", "event_broadcastandwait"),
    "own_block": ("procedures_definition",),
}

# Pictures an exercise card may show beside "what do I do"; the studio draws each one.
ICONS: dict[str, str] = {
    "drive": "the robot driving forward",
    "turn": "the robot turning on the spot",
    "stop": "the robot standing still",
    "park": "the robot inside a parking box",
    "wall": "the robot in front of a wall",
    "light": "a light on the robot",
    "colours": "lights in a row of colours",
    "sound": "a note",
    "display": "the 5x5 display",
    "say": "a speech bubble",
    "loop": "an arrow going round",
    "if": "a fork in a path",
    "distance": "the distance sensor's two eyes",
    "line": "a black line on the table",
    "button": "button A",
    "maze": "a small maze",
    "finish": "a finish flag",
}

# Parts of a kit a box needs (the kit's capability bits), so a host can check a robot.
HARDWARE: dict[str, Cap] = {
    "motors": Cap.MOTORS,
    "lights": Cap.PIXELS | Cap.LEDS,
    "display": Cap.DISPLAY,
    "buzzer": Cap.TONE,
    "distance_sensor": Cap.DISTANCE,
    "line_sensors": Cap.LINE,
    "light_sensor": Cap.LIGHT,
    "buttons": Cap.BUTTONS,
    "tilt_sensor": Cap.TILT,
}

ParamKind = Literal[
    "colour", "colours", "seconds", "mm", "zone", "block", "texts", "image", "count",
    "light", "flag", "degrees", "direction", "choices",
]

# How each kind of argument is written in box.json (English, for the docs).
PARAM_KINDS: dict[ParamKind, str] = {
    "colour": "a colour name (table below) or `[r, g, b]`, each 0-255",
    "colours": "a list of at least 2 colours",
    "seconds": f"a number of robot seconds, more than 0, at most {SECONDS_MAX:g}",
    "mm": f"a number of mm, more than 0, at most {MM_MAX:g}",
    "zone": "the name of a zone of the box's world",
    "block": "a block kind (table below)",
    "texts": "a text, or a list of texts (any one of them counts)",
    "image": "an image of the `show image` block (docs/blocks.md)",
    "count": "a whole number from 1 to 1000",
    "light": "a light number from 1, counted as in the light blocks",
    "flag": "`true` or `false`",
    "degrees": "a number of degrees, more than 0, at most 3600",
    "direction": "`\"left\"` (counter-clockwise), `\"right\"`, `\"either\"` or `\"both\"` "
                 "(each way in turn)",
    "choices": "an object: a menu of the block (e.g. `\"BUTTON\"`) -> the choice it must "
               "hold (e.g. `\"A\"`)",
}

TURN_DIRECTIONS = ("left", "right", "either", "both")


@dataclass(frozen=True)
class Param:
    name: str
    kind: ParamKind
    doc: str
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class Predicate:
    """One kind of check. `failures` maps each way it can fail to the fields the grader
    fills into its catalog text, `themebox.feedback.<name>.<failure>`."""

    name: str
    reads: Literal["trace", "program"]
    params: tuple[Param, ...]
    failures: dict[str, tuple[str, ...]]
    doc: str  # passes when ... (English, for the docs)

    def feedback_key(self, failure: str) -> str:
        return f"themebox.feedback.{self.name}.{failure}"


def _p(name: str, kind: ParamKind, doc: str, default: Any = None) -> Param:
    return Param(name, kind, doc, default is None, default)


PREDICATES: dict[str, Predicate] = {
    p.name: p
    for p in (
        Predicate(
            "light_shown", "trace",
            (_p("colour", "colour", "the colour"),
             _p("seconds", "seconds", "shown for at least this long without a change", 0.0),
             _p("light", "light", "which light; default: any light", "any")),
            {"never": ("colour",), "too_short": ("colour", "seconds", "want")},
            "a light shows the colour, for at least `seconds` in one go",
        ),
        Predicate(
            "light_sequence", "trace",
            (_p("colours", "colours", "the colours, in order"),
             _p("seconds", "seconds", "each colour shown at least this long", 0.0)),
            {"first": ("colour",), "next": ("colour", "previous"),
             "too_short": ("colour", "seconds", "want")},
            "the lights change to these colours one right after another, in this order (lights "
            "a program leaves off when it ends by itself count as off for long enough)",
        ),
        Predicate(
            "zone_reached", "trace",
            (_p("zone", "zone", "the zone"),
             _p("at_end", "flag", "the robot must still be in the zone at the end", False),
             _p("margin", "mm", "how far inside the zone's edge the middle of the robot "
                "must come", ZONE_MARGIN_MM)),
            {"not_reached": ("zone",), "left": ("zone",)},
            "the middle of the robot's outline comes at least `margin` mm inside the zone's "
            "edge (and is still that far in at the end, with `at_end`): grazing the edge is "
            "not reaching it",
        ),
        Predicate(
            "stops_before_wall", "trace",
            (_p("mm", "mm", "the robot ends at most this far from the wall ahead"),),
            {"touched": (), "too_far": ("mm", "want"), "still_driving": ()},
            "the robot ends standing still, not touching the wall, at most `mm` from it",
        ),
        Predicate(
            "distance_kept", "trace",
            (_p("mm", "mm", "the nearest the robot may come to a wall"),),
            {"too_close": ("mm", "want")},
            "the distance sensor never reads less than `mm`",
        ),
        Predicate(
            "no_wall_touched", "trace", (),
            {"touched": ("seconds",)},
            "the robot never touches a wall or the table's edge",
        ),
        Predicate(
            "ends_by_itself", "trace", (),
            {"still_running": ("seconds",)},
            "the program ends by itself within the exercise's time limit",
        ),
        Predicate(
            "uses_block", "program",
            (_p("block", "block", "the kind of block"),
             _p("fields", "choices", "what the block's menus must be set to", {})),
            {"missing": ("block",), "other_choice": ("block", "value", "want")},
            "the program holds a block of this kind, with its menus set to `fields` (read "
            "from the program, not the trace)",
        ),
        Predicate(
            "drives", "trace", (),
            {"never": ()},
            "a motor is switched on at some point",
        ),
        Predicate(
            "moves_at_least", "trace",
            (_p("mm", "mm", "how far, along the way driven"),),
            {"too_little": ("mm", "want")},
            "the robot's path is at least `mm` long",
        ),
        Predicate(
            "says", "trace",
            (_p("text", "texts", "what to say; case and spaces at the ends do not count"),),
            {"never": ("text",)},
            "a say or think bubble shows one of the texts",
        ),
        Predicate(
            "shows_image", "trace",
            (_p("image", "image", "the image"),),
            {"never": ("image",)},
            "the display shows the image",
        ),
        Predicate(
            "plays_notes", "trace",
            (_p("count", "count", "how many notes at least", 1),),
            {"too_few": ("count", "want")},
            "the buzzer plays at least `count` notes",
        ),
        Predicate(
            "turns", "trace",
            (_p("degrees", "degrees", "how far the robot turns, one way in one go"),
             _p("direction", "direction", "which way", "either")),
            {"too_little": ("degrees", "want")},
            "the robot's heading turns at least `degrees` one way (`direction`) in one go",
        ),
        Predicate(
            "turns_on_spot", "trace",
            (_p("degrees", "degrees", "how far the robot turns, one way in one go"),
             _p("mm", "mm", "the point between the wheels stays this close to where it "
                "started", SPOT_MM),
             _p("direction", "direction", "which way", "either")),
            {"too_little": ("degrees", "want"), "moved": ("mm", "want")},
            "the heading turns at least `degrees` one way in one go, while the point between "
            "the wheels never leaves a circle of `mm` round its start",
        ),
        Predicate(
            "returns_to_start", "trace",
            (_p("mm", "mm", "how far from the start the robot gets at least"),
             _p("within", "mm", "how near the start it ends", SPOT_MM * 2)),
            {"not_away": ("mm", "want"), "not_back": ("mm", "want")},
            "the robot gets at least `mm` away from its start (in a straight line) and ends "
            "within `within` of it: there and back, not twice the same way",
        ),
        Predicate(
            "motion_repeats", "trace",
            (_p("times", "count", "how many rounds"),),
            {"too_few": ("rounds", "want"), "too_many": ("rounds", "want")},
            "the moves the robot makes (forward, backward, left, right; one move twice in "
            "a row is one move) are exactly `times` equal rounds",
        ),
        Predicate(
            "slower_near_wall", "trace",
            (_p("near", "mm", "closer to the wall ahead than this is near"),
             _p("far", "mm", "farther than this is far")),
            {"never_near": (), "not_slower": ()},
            f"while driving, the robot's usual (median) speed near the wall is at most "
            f"{SLOWER_NEAR:g} of its usual speed far from it",
        ),
        Predicate(
            "light_repeats", "trace",
            (_p("colours", "colours", "one round of colours, in order"),
             _p("times", "count", "how many rounds"),
             _p("seconds", "seconds", "each colour shown at least this long", 0.0)),
            {"first": ("colour",), "too_short": ("colour", "seconds", "want"),
             "too_few": ("rounds", "want"), "too_many": ("rounds", "want")},
            "the round of colours comes exactly `times` times in a row; lights left off "
            "at the end of a program that ended by itself count as off for long enough",
        ),
        Predicate(
            "lights_in_turn", "trace",
            (_p("colour", "colour", "the colour"),
             _p("seconds", "seconds", "each turn lasts at least this long", 0.0),
             _p("times", "count", "how many turns at least", 2),
             _p("first", "light", "one light", 1),
             _p("second", "light", "the other light", 2)),
            {"together": ("colour",), "too_few": ("turns", "want")},
            "the two lights show the colour in turn, one without the other, at least "
            "`times` turns of at least `seconds`",
        ),
    )
}

# The feedback fields are filled in by the grader; these name what each one holds.
FEEDBACK_FIELDS: dict[str, str] = {
    "colour": "the colour's name in the learner's language (`colour_label`)",
    "previous": "the colour before it, named the same way",
    "seconds": "what was measured, in seconds (one decimal)",
    "want": "what the check asks for, in the same unit",
    "mm": "what was measured, in whole mm",
    "zone": "the zone's name in the learner's language (`Box.zone_label`)",
    "block": "the block kind's name, catalog `themebox.block.<kind>`",
    "text": "the first of the check's texts",
    "image": "the image's name, catalog `blocks.menu.<image>`",
    "count": "how many were played",
    "rounds": "how many rounds came one right after another",
    "turns": "how many turns the two lights took",
    "degrees": "how far the robot turned, in whole degrees",
    "value": "what the block's menu is set to in the program",
}


def colour_label(colour: Colour, lang: str | None = None) -> str:
    """A colour as a learner reads it: its name, or its #rrggbb for an [r, g, b] colour."""
    if isinstance(colour, str):
        return _text(f"themebox.colour.{colour}", lang)
    r, g, b = colour
    return _text("themebox.colour.rgb", lang).format(hex=f"#{r:02x}{g:02x}{b:02x}")


_text = text  # the unfilled catalog text in a given language


def pick(text: Mapping[str, str], lang: str | None = None) -> str:
    """A box text in `lang` (default: the current language)."""
    return text[lang or language()] if (lang or language()) in text else text["en"]


# -- what a loaded box is --------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """The four questions of a structured work system (TEACCH)."""

    what: Text  # what do I do: one short sentence
    icon: str  # ... and its picture, a name in ICONS
    steps: tuple[Text, ...]  # how much is there: numbered from 1
    done_when: Text  # how do I know I am finished
    next: Text  # what comes next


@dataclass(frozen=True)
class Check:
    predicate: str  # a name in PREDICATES
    args: dict[str, Any]  # every param, defaults filled in; colours as names or rgb
    line: int  # in box.json, so a grader's own complaints can point back

    @property
    def spec(self) -> Predicate:
        return PREDICATES[self.predicate]


@dataclass(frozen=True)
class WrongProgram:
    program: Path
    feedback: tuple[str, ...]  # "<predicate>.<failure>", each a key under themebox.feedback.

    @property
    def feedback_keys(self) -> tuple[str, ...]:
        return tuple(f"themebox.feedback.{f}" for f in self.feedback)


@dataclass(frozen=True)
class Exercise:
    id: str
    title: Text
    card: Card
    palette: tuple[str, ...]  # the opcodes a learner may use, in palette order
    starter: Path
    solutions: tuple[Path, ...]
    wrong: tuple[WrongProgram, ...]
    checks: tuple[Check, ...]
    time_limit: float  # robot seconds
    next_exercise: str | None = None  # the following exercise's id, None for the last


@dataclass(frozen=True)
class Box:
    id: str  # the folder's name
    path: Path  # the folder
    title: Text
    intro: Text
    hardware: tuple[str, ...]  # names in HARDWARE
    materials: tuple[Text, ...]  # other things on the table (tape, a box as a wall)
    ages: tuple[int, int]
    sensory: Text  # sensory notes for the teacher
    profile: str  # in PROFILES
    world: str  # a shipped world's name, or a path inside the box
    zone_names: dict[str, Text]
    exercises: tuple[Exercise, ...]
    level: int | None = None  # the place in the teaching order, 1 first; None: after all

    @property
    def parts(self) -> Cap:
        """The capability bits a kit needs for this box (any one of a group's bits)."""
        bits = Cap(0)
        for name in self.hardware:
            bits |= HARDWARE[name]
        return bits

    def exercise(self, exercise_id: str) -> Exercise:
        for ex in self.exercises:
            if ex.id == exercise_id:
                return ex
        raise KeyError(exercise_id)

    def world_path(self) -> str | Path:
        """What dojokit.sim.world.load_world takes for this box's world."""
        return self.path / self.world if self.world.endswith(".json") else self.world

    def zone_label(self, zone: str, lang: str | None = None) -> str:
        if zone in self.zone_names:
            return pick(self.zone_names[zone], lang)
        return _text(f"themebox.zone.{zone}", lang)


# -- reading JSON with line numbers ----------------------------------------------------------


class _Obj(dict[str, Any]):
    line = 0  # where the object starts
    key_lines: dict[str, int]
    duplicate: tuple[str, int] | None = None  # the first key given twice, and its line


class _Arr(list[Any]):
    line = 0
    item_lines: list[int]


# the pure-Python scanner and its hooks are not in the typeshed stubs
_JSONObject: Any = getattr(json.decoder, "JSONObject")  # noqa: B009
_JSONArray: Any = getattr(json.decoder, "JSONArray")  # noqa: B009
_make_scanner: Any = getattr(json.scanner, "py_make_scanner")  # noqa: B009


def parse_json(text: str) -> Any:
    """json.loads, except that objects know the line of each key and lists the line of
    each item, so a problem can be pointed at. Duplicate keys are noted, not merged."""
    starts = [m.end() for m in re.finditer("\n", text)]

    def line_of(i: int) -> int:
        return bisect.bisect_right(starts, i) + 1

    def parse_object(s_and_end: tuple[str, int], strict: bool, scan_once: Any, hook: Any,
                     pairs_hook: Any, memo: Any = None) -> tuple[_Obj, int]:
        begin = s_and_end[1]
        lines: list[int] = []

        def scan(string: str, idx: int) -> Any:
            # called at each value; its key's closing quote is just before the colon
            lines.append(line_of(string.rfind('"', 0, string.rfind(":", 0, idx))))
            return scan_once(string, idx)

        pairs, end = _JSONObject(s_and_end, strict, scan, None, list, memo)
        obj = _Obj()
        obj.line, obj.key_lines = line_of(begin - 1), {}
        for (key, value), line in zip(pairs, lines, strict=True):
            if key in obj and obj.duplicate is None:
                obj.duplicate = (key, line)
            obj[key] = value
            obj.key_lines.setdefault(key, line)
        return obj, end

    def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[_Arr, int]:
        lines: list[int] = []

        def scan(string: str, idx: int) -> Any:
            lines.append(line_of(idx))
            return scan_once(string, idx)

        values, end = _JSONArray(s_and_end, scan)
        arr = _Arr(values)
        arr.line, arr.item_lines = line_of(s_and_end[1] - 1), lines
        return arr, end

    decoder: Any = json.JSONDecoder()
    decoder.parse_object = parse_object
    decoder.parse_array = parse_array
    decoder.scan_once = _make_scanner(decoder)
    return decoder.decode(text)


# -- checking a box --------------------------------------------------------------------------


def _known_opcodes() -> frozenset[str]:
    from dojokit.scratch.compiler import KNOWN_OPCODES  # the runtime's own list

    return KNOWN_OPCODES


_Item = tuple[Any, str, int]  # a value, its part name, its line
TOP = "box.json"  # the part name of the whole file


def _child(part: str, key: str) -> str:
    return key if part == TOP else f"{part}.{key}"


class _Reader:
    """Checks a parsed box.json; every problem becomes a BoxError naming the file."""

    def __init__(self, file: Path) -> None:
        self.file = file
        self.folder = file.parent
        self.zones: list[str] = []
        self.world_name = ""

    # errors
    def fail(self, line: int | None, problem: str, **fields: object) -> BoxError:
        text = t(f"themebox.problem.{problem}", **fields)
        if line:
            return BoxError(t("themebox.problem_at", path=self.file, line=line, problem=text))
        return BoxError(t("themebox.problem", path=self.file, problem=text))

    def kind(self, line: int, part: str, kind: str) -> BoxError:
        return self.fail(line, "type", part=part, kind=t(f"themebox.kind.{kind}"))

    def unknown(self, line: int, part: str, value: str, known: Collection[str],
                what: str = "choice") -> BoxError:
        close = difflib.get_close_matches(value, list(known), n=1)
        if close:
            return self.fail(line, f"{what}_close", part=part, value=value, close=close[0])
        return self.fail(line, what, part=part, value=value, known=", ".join(known))

    # shapes
    def obj(self, v: Any, part: str, line: int, required: Iterable[str],
            optional: Iterable[str] = ()) -> _Obj:
        if not isinstance(v, _Obj):
            raise self.kind(line, part, "object")
        if v.duplicate:
            key, at = v.duplicate
            raise self.fail(at, "duplicate_key", word=key, part=part)
        required = tuple(required)
        known = (*required, *optional)
        for key in v:
            if key not in known:
                raise self.fail(v.key_lines[key], "unknown_key", word=key, part=part,
                                known=", ".join(known))
        for key in required:
            if key not in v:
                raise self.fail(v.line, "missing", part=_child(part, key))
        return v

    def get(self, o: _Obj, key: str, part: str) -> _Item:
        return o[key], _child(part, key), o.key_lines[key]

    def items(self, v: Any, part: str, line: int, least: int = 1,
              most: int | None = None) -> list[_Item]:
        if not isinstance(v, _Arr):
            raise self.kind(line, part, "list")
        if len(v) < least:
            raise self.fail(line, "few", part=part, count=len(v), least=least)
        if most is not None and len(v) > most:
            raise self.fail(line, "many", part=part, count=len(v), most=most)
        return [(x, f"{part}[{i}]", ln) for i, (x, ln) in enumerate(zip(v, v.item_lines,
                                                                           strict=True))]

    # values
    def text(self, v: Any, part: str, line: int, most: int | None = None) -> str:
        if not isinstance(v, str) or not v.strip():
            raise self.kind(line, part, "text")
        if most is not None and len(v) > most:
            raise self.fail(line, "long", part=part, count=len(v), most=most)
        return v

    def texts(self, v: Any, part: str, line: int, most: int | None = None) -> Text:
        if not isinstance(v, _Obj):
            raise self.kind(line, part, "texts")
        for lang in LANGS:
            if lang not in v:
                raise self.fail(v.line, "missing_language", part=part, lang=lang,
                                language=t(f"themebox.language.{lang}"))
        o = self.obj(v, part, line, LANGS)
        return {lang: self.text(*self.get(o, lang, part), most=most) for lang in LANGS}

    def number(self, v: Any, part: str, line: int, low: float, high: float,
               whole: bool = False) -> float:
        ok = isinstance(v, int) if whole else isinstance(v, int | float)
        if isinstance(v, bool) or not ok or not low <= v <= high:  # also NaN, inf
            problem = "whole_range" if whole else "range"
            raise self.fail(line, problem, part=part, low=f"{low:g}", high=f"{high:g}",
                            value=json.dumps(v))
        return v

    def positive(self, v: Any, part: str, line: int, high: float) -> float:
        x = self.number(v, part, line, 0, high)
        if x <= 0:
            raise self.fail(line, "positive", part=part, value=json.dumps(v))
        return float(x)

    def flag(self, v: Any, part: str, line: int) -> bool:
        if not isinstance(v, bool):
            raise self.kind(line, part, "bool")
        return v

    def choice(self, v: Any, part: str, line: int, known: Collection[str],
               what: str = "choice") -> str:
        if not isinstance(v, str):
            raise self.kind(line, part, "text")
        if v not in known:
            raise self.unknown(line, part, v, known, what)
        return v

    def ident(self, v: Any, part: str, line: int) -> str:
        if not isinstance(v, str) or not ID_PATTERN.fullmatch(v):
            raise self.fail(line, "bad_id", part=part, value=json.dumps(v))
        return v

    def unique(self, values: list[_Item]) -> None:
        seen: set[Any] = set()
        for v, part, line in values:
            key = json.dumps(v, sort_keys=True)
            if key in seen:
                raise self.fail(line, "duplicate", part=part, value=key)
            seen.add(key)

    def inside(self, v: Any, part: str, line: int, suffixes: Collection[str]) -> Path:
        """A file named relative to the box folder, which must exist and stay inside it."""
        name = self.text(v, part, line)
        rel = Path(name)
        if rel.is_absolute() or "\\" in name or ".." in rel.parts:
            raise self.fail(line, "outside", part=part, file=name)
        if rel.suffix.lower() not in suffixes:
            raise self.fail(line, "suffix", part=part, file=name, known=", ".join(suffixes))
        path = self.folder / rel
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):  # a symlink loop
            inside = False
        if not inside:
            raise self.fail(line, "outside", part=part, file=name)
        if not path.is_file():
            raise self.fail(line, "no_file", part=part, file=name)
        return path

    def program(self, v: Any, part: str, line: int, palette: Collection[str]) -> Path:
        """A Scratch program of the box, read as data, whose blocks are all in the palette."""
        from dojokit.scratch.sb3 import ProjectError, read_project

        path = self.inside(v, part, line, PROGRAM_SUFFIXES)
        try:
            data = read_project(path, _known_opcodes()).data
        except ProjectError as e:
            raise self.fail(line, "program", part=part, file=v,
                            why=str(e).rstrip(".")) from None
        for target in data["targets"]:
            for block in target.get("blocks", {}).values():
                # menus and prototypes are shadows: part of a block, not dragged by a learner
                if not isinstance(block, dict) or block.get("shadow"):
                    continue
                if block["opcode"] not in palette:
                    raise self.fail(line, "not_in_palette", part=part, file=v,
                                    opcode=block["opcode"])
        return path

    # a colour, a light, ...: one method per ParamKind, found by name
    def arg_colour(self, v: Any, part: str, line: int) -> Colour:
        if isinstance(v, str):
            return self.choice(v, part, line, COLOURS)
        if (isinstance(v, _Arr) and len(v) == 3
                and all(isinstance(c, int) and not isinstance(c, bool) for c in v)):
            for c, p, ln in self.items(v, part, line):
                self.number(c, p, ln, 0, 255, whole=True)
            return (v[0], v[1], v[2])
        raise self.kind(line, part, "colour")

    def arg_colours(self, v: Any, part: str, line: int) -> tuple[Colour, ...]:
        return tuple(self.arg_colour(*item) for item in self.items(v, part, line, least=2))

    def arg_seconds(self, v: Any, part: str, line: int) -> float:
        return self.positive(v, part, line, SECONDS_MAX)

    def arg_mm(self, v: Any, part: str, line: int) -> float:
        return self.positive(v, part, line, MM_MAX)

    def arg_zone(self, v: Any, part: str, line: int) -> str:
        if not isinstance(v, str):
            raise self.kind(line, part, "text")
        if v not in self.zones:
            raise self.fail(line, "zone_unknown", part=part, value=v, world=self.world_name,
                            known=", ".join(self.zones) or "-")
        return v

    def arg_block(self, v: Any, part: str, line: int) -> str:
        return self.choice(v, part, line, BLOCK_KINDS)

    def arg_texts(self, v: Any, part: str, line: int) -> tuple[str, ...]:
        if isinstance(v, str):
            return (self.text(v, part, line),)
        return tuple(self.text(*item) for item in self.items(v, part, line))

    def arg_image(self, v: Any, part: str, line: int) -> str:
        from dojokit.scratch.robot_blocks import IMAGES

        return self.choice(v, part, line, IMAGES)

    def arg_count(self, v: Any, part: str, line: int) -> int:
        return int(self.number(v, part, line, 1, 1000, whole=True))

    def arg_light(self, v: Any, part: str, line: int) -> int:
        if isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 256:
            return v
        raise self.kind(line, part, "light")

    def arg_flag(self, v: Any, part: str, line: int) -> bool:
        return self.flag(v, part, line)

    def arg_degrees(self, v: Any, part: str, line: int) -> float:
        return self.positive(v, part, line, 3600)

    def arg_direction(self, v: Any, part: str, line: int) -> str:
        return self.choice(v, part, line, TURN_DIRECTIONS)

    def arg_choices(self, v: Any, part: str, line: int) -> dict[str, str]:
        if not isinstance(v, _Obj):
            raise self.kind(line, part, "object")
        return {k: self.text(*self.get(v, k, part)) for k in v}

    # the box
    def box(self, top: Any, box_id: str) -> Box:
        part = TOP
        o = self.obj(top, part, 1,
                     ("format", "title", "intro", "hardware", "ages", "sensory", "profile",
                      "world", "exercises"),
                     ("materials", "zone_names", "level"))
        v, p, line = self.get(o, "format", part)
        if v != FORMAT or isinstance(v, bool):
            raise self.fail(line, "format", value=json.dumps(v), known=FORMAT)
        title = self.texts(*self.get(o, "title", part), most=MAX_SHORT_TEXT)
        intro = self.texts(*self.get(o, "intro", part))
        hardware_items = self.items(*self.get(o, "hardware", part))
        hardware = tuple(self.choice(*item, HARDWARE) for item in hardware_items)
        self.unique(hardware_items)
        materials: tuple[Text, ...] = ()
        if "materials" in o:
            materials = tuple(self.texts(*item) for item in
                              self.items(*self.get(o, "materials", part), least=0))
        v, p, line = self.get(o, "ages", part)
        if not isinstance(v, _Arr) or len(v) != 2:
            raise self.kind(line, p, "ages")
        low, high = (int(self.number(a, p, line, AGE_LOW, AGE_HIGH, whole=True)) for a in v)
        if low > high:
            raise self.fail(line, "ages", part=p, low=low, high=high)
        sensory = self.texts(*self.get(o, "sensory", part))
        profile = self.choice(*self.get(o, "profile", part), PROFILES)
        level = None
        if "level" in o:
            level = int(self.number(*self.get(o, "level", part), 1, LEVEL_HIGH, whole=True))
        world = self.world(*self.get(o, "world", part))
        zone_names: dict[str, Text] = {}
        if "zone_names" in o:
            zv, zp, zl = self.get(o, "zone_names", part)
            zo = self.obj(zv, zp, zl, (), self.zones)
            zone_names = {z: self.texts(*self.get(zo, z, zp)) for z in zo}
        exercises = self.items(*self.get(o, "exercises", part))
        exs = [self.exercise(*item, zone_names) for item in exercises]
        self.unique([(ex.id, f"{p}.id", item.key_lines["id"])
                     for ex, (item, p, _) in zip(exs, exercises, strict=True)])
        # "what comes next" for the card's last line, from the graded order
        following = [ex.id for ex in exs[1:]] + [None]
        exs = [replace(ex, next_exercise=nxt) for ex, nxt in zip(exs, following, strict=True)]
        return Box(box_id, self.folder, title, intro, hardware, materials, (low, high),
                   sensory, profile, world, zone_names, tuple(exs), level)

    def world(self, v: Any, part: str, line: int) -> str:
        from dojokit.sim.world import WorldError, list_worlds, load_world

        name = self.text(v, part, line)
        if name.endswith(".json"):
            where: str | Path = self.inside(v, part, line, (".json",))
        elif name in list_worlds():
            where = name
        else:
            raise self.unknown(line, part, name, list_worlds())
        try:
            w = load_world(where)
        except WorldError as e:
            raise self.fail(line, "world", value=name, why=str(e).rstrip(".")) from None
        self.world_name = name
        self.zones = [z.name for z in w.zones]
        return name

    def exercise(self, v: Any, part: str, line: int, zone_names: dict[str, Text]) -> Exercise:
        o = self.obj(v, part, line,
                     ("id", "title", "card", "palette", "starter", "solutions", "checks",
                      "time_limit_s"),
                     ("wrong",))
        ex_id = self.ident(*self.get(o, "id", part))
        title = self.texts(*self.get(o, "title", part), most=MAX_SHORT_TEXT)
        card = self.card(*self.get(o, "card", part))
        palette_items = self.items(*self.get(o, "palette", part))
        known = _known_opcodes()
        palette = tuple(self.choice(*item, known, what="opcode") for item in palette_items)
        self.unique(palette_items)
        for value, item_part, item_line in palette_items:  # the studio draws it from its table
            if block_def(value) is None:
                raise self.fail(item_line, "no_block_def", part=item_part, value=value)
        time_limit = self.positive(*self.get(o, "time_limit_s", part), TIME_LIMIT_MAX)
        check_items = self.items(*self.get(o, "checks", part))
        checks = tuple(self.check(*item, palette, time_limit, zone_names)
                       for item in check_items)
        starter = self.program(*self.get(o, "starter", part), palette)
        solutions = tuple(self.program(*item, palette)
                          for item in self.items(*self.get(o, "solutions", part)))
        can_say = [f"{c.predicate}.{f}" for c in checks for f in c.spec.failures]
        wrong: list[WrongProgram] = []
        if "wrong" in o:
            for wv, wp, wl in self.items(*self.get(o, "wrong", part), least=0):
                wo = self.obj(wv, wp, wl, ("program", "feedback"))
                program = self.program(*self.get(wo, "program", wp), palette)
                fb_items = self.items(*self.get(wo, "feedback", wp))
                feedback = tuple(self.choice(*item, can_say, what="feedback")
                                 for item in fb_items)
                self.unique(fb_items)
                wrong.append(WrongProgram(program, feedback))
        return Exercise(ex_id, title, card, palette, starter, solutions, tuple(wrong), checks,
                        time_limit)

    def card(self, v: Any, part: str, line: int) -> Card:
        o = self.obj(v, part, line, ("what", "steps", "done_when", "next"))
        wv, wp, wl = self.get(o, "what", part)
        wo = self.obj(wv, wp, wl, ("text", "icon"))
        what = self.texts(*self.get(wo, "text", wp), most=MAX_SHORT_TEXT)
        icon = self.choice(*self.get(wo, "icon", wp), ICONS)
        steps = tuple(self.texts(*item, most=MAX_SHORT_TEXT)
                      for item in self.items(*self.get(o, "steps", part), most=MAX_STEPS))
        done_when = self.texts(*self.get(o, "done_when", part), most=MAX_SHORT_TEXT)
        nxt = self.texts(*self.get(o, "next", part), most=MAX_SHORT_TEXT)
        return Card(what, icon, steps, done_when, nxt)

    def check(self, v: Any, part: str, line: int, palette: Collection[str], time_limit: float,
              zone_names: dict[str, Text]) -> Check:
        if not isinstance(v, _Obj):
            raise self.kind(line, part, "object")
        if "check" not in v:
            raise self.fail(v.line, "missing", part=_child(part, "check"))
        name = self.choice(*self.get(v, "check", part), PREDICATES, what="predicate")
        spec = PREDICATES[name]
        o = self.obj(v, part, line, ["check", *(p.name for p in spec.params if p.required)],
                     [p.name for p in spec.params if not p.required])
        args: dict[str, Any] = {}
        for param in spec.params:
            if param.name not in o:
                args[param.name] = param.default
                continue
            av, ap, al = self.get(o, param.name, part)
            args[param.name] = getattr(self, f"arg_{param.kind}")(av, ap, al)
        line = o.key_lines["check"]
        # a check that can never pass is an authoring slip: say so now, not in class
        need = (args.get("seconds", 0) * len(args.get("colours", (None,)))
                * args.get("times", 1))
        if need > time_limit:
            raise self.fail(line, "too_long", part=part, want=f"{need:g}",
                            limit=f"{time_limit:g}")
        if name == "uses_block" and not set(BLOCK_KINDS[args["block"]]) & set(palette):
            raise self.fail(line, "palette_lacks", part=part, block=args["block"],
                            opcodes=", ".join(BLOCK_KINDS[args["block"]]))
        zone = args.get("zone")
        if zone and zone not in zone_names and f"themebox.zone.{zone}" not in catalog("en"):
            raise self.fail(line, "zone_no_name", part=part, value=zone)
        return Check(name, args, line)


# -- loading ---------------------------------------------------------------------------------


def load_box(path: str | Path) -> Box:
    """The box in folder `path` (or its box.json), fully checked. Raises BoxError."""
    p = Path(path)
    file = p if p.name == BOX_FILE else p / BOX_FILE
    try:
        raw = file.read_bytes() if file.stat().st_size <= MAX_BOX_BYTES else None
    except (FileNotFoundError, NotADirectoryError):
        raise BoxError(t("themebox.no_file", path=file)) from None
    except OSError as e:
        raise BoxError(t("themebox.unreadable", path=file, why=e.strerror or str(e))) from None
    if raw is None:
        raise BoxError(t("themebox.too_big", path=file, limit=MAX_BOX_BYTES // 1000))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BoxError(t("themebox.unreadable", path=file, why="UTF-8")) from None
    try:
        data = parse_json(text)
    except json.JSONDecodeError as e:
        raise BoxError(t("themebox.bad_json", path=file, line=e.lineno, column=e.colno)) \
            from None
    except RecursionError:
        raise BoxError(t("themebox.problem", path=file,
                         problem=t("themebox.problem.deep"))) from None
    reader = _Reader(file)
    box_id = file.parent.absolute().name
    if not ID_PATTERN.fullmatch(box_id):
        raise reader.fail(None, "bad_id", part=t("themebox.part.folder"),
                          value=json.dumps(box_id))
    return reader.box(data, box_id)


def list_boxes(root: str | Path, errors: list[BoxError] | None = None) -> list[Box]:
    """Every box under `root` (each folder with a box.json), in teaching order (by level;
    boxes without one last; then by id). A broken box raises BoxError, unless `errors` is
    given: then it is added there and skipped."""
    boxes = []
    try:
        folders = sorted(Path(root).iterdir())
    except OSError as e:  # missing, a file, no rights: a sentence, not a traceback
        raise BoxError(t("data.boxes.unlisted", path=root, why=e.strerror or str(e))) from None
    for folder in folders:
        if not (folder / BOX_FILE).is_file():
            continue
        try:
            boxes.append(load_box(folder))
        except BoxError as e:
            if errors is None:
                raise
            errors.append(e)
    return sorted(boxes, key=lambda b: teaching_key(b.level, b.id))


def teaching_key(level: int | None, box_id: str) -> tuple[bool, int, str]:
    """A box's place in the teaching order: by level, boxes without one last, then by id."""
    return level is None, level or 0, box_id


# -- docs ------------------------------------------------------------------------------------

DOCS_BEGIN = "<!-- BEGIN generated by vocabulary_markdown(): do not edit by hand -->"
DOCS_END = "<!-- END generated -->"
DOC_LANGUAGES = ("en", "nl", "fr")


def _param_markdown(p: Param) -> str:
    default = "" if p.required else f", default `{json.dumps(p.default)}`"
    return f"`{p.name}` ({p.kind}{default}): {p.doc}"


def vocabulary_markdown() -> str:
    """The generated tables of docs/themeboxes.md: checks, argument kinds, colours, block
    kinds, icons and hardware, from the tables above and the catalogs."""
    out = ["### Checks", "",
           "| check | reads | arguments | passes when | feedback (fields) |",
           "|---|---|---|---|---|"]
    for p in PREDICATES.values():
        args = "<br>".join(_param_markdown(a) for a in p.params) or "none"
        fails = "<br>".join(f"`{p.name}.{f}` ({', '.join(fs) or '-'})"
                            for f, fs in p.failures.items())
        out.append(f"| `{p.name}` | {p.reads} | {args} | {p.doc} | {fails} |")
    out += ["", "### Feedback texts (English)", "", "| feedback | text |", "|---|---|"]
    for p in PREDICATES.values():
        for f in p.failures:
            out.append(f"| `{p.name}.{f}` | {_text(p.feedback_key(f), 'en')} |")
    out += ["", "### Feedback fields", "", "| field | holds |", "|---|---|"]
    out += [f"| `{{{k}}}` | {v} |" for k, v in FEEDBACK_FIELDS.items()]
    out += ["", "### Argument kinds", "", "| kind | written as |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in PARAM_KINDS.items()]
    out += ["", "### Colours", "", "| colour | rgb | en / nl / fr |", "|---|---|---|"]
    for name, rgb in COLOURS.items():
        labels = " / ".join(colour_label(name, lang) for lang in DOC_LANGUAGES)
        out.append(f"| `{name}` | {list(rgb)} | {labels} |")
    out += ["", "### Colour names", "",
            f"Off: brightness 0. White: saturation under {WHITE_BELOW * 100:g}. Pale: "
            f"saturation under {PALE_BELOW * 100:g}. Otherwise the hue names the colour:",
            "", ranges_markdown().rstrip("\n")]
    out += ["", "### Scratch's colour picker: common choices", "",
            "Brightness 100; hue and saturation as on the picker's sliders (0-100).", "",
            "| hue | " + " | ".join(f"saturation {s}" for s in PICKER_SATURATIONS) + " |",
            "|---|" + "---|" * len(PICKER_SATURATIONS)]
    choices = picker_choices()
    for hue in PICKER_HUES:
        cells = [f"`#{r:02x}{g:02x}{b:02x}` {colour_label(colour_name((r, g, b)), 'en')}"
                 for h, _, (r, g, b) in choices if h == hue]
        out.append(f"| {hue} | " + " | ".join(cells) + " |")
    out += ["", "### Block kinds (`uses_block`)", "", "| kind | en / nl / fr | opcodes |",
            "|---|---|---|"]
    for kind, ops in BLOCK_KINDS.items():
        labels = " / ".join(_text(f"themebox.block.{kind}", lang) for lang in DOC_LANGUAGES)
        out.append(f"| `{kind}` | {labels} | {', '.join(f'`{o}`' for o in ops)} |")
    out += ["", "### Icons", "", "| icon | picture |", "|---|---|"]
    out += [f"| `{k}` | {v} |" for k, v in ICONS.items()]
    out += ["", "### Hardware", "", "| part | kit capability bits |", "|---|---|"]
    out += [f"| `{k}` | {' or '.join(c.name or '' for c in Cap if c & v)} |"
            for k, v in HARDWARE.items()]
    return "\n".join(out) + "\n"


def docs_section(text: str) -> str:
    """The generated part of a docs text (between this module's markers)."""
    return generated.section(text, DOCS_BEGIN, DOCS_END)


def write_docs(path: Path) -> None:
    generated.write_section(path, DOCS_BEGIN, DOCS_END, vocabulary_markdown())


if __name__ == "__main__":
    generated.main(DOCS_BEGIN, DOCS_END, vocabulary_markdown)
