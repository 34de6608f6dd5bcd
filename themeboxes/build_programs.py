#!/usr/bin/env python3
"""Write every Scratch program of the shipped theme boxes from the short descriptions below.

Each program is a bare Scratch 3 `project.json`, saved as
`themeboxes/<box>/programs/<exercise>/<name>.json`: the starter a learner opens, the model
solutions and the typical programs that do not pass yet. Describing them here, a few lines
each, keeps them consistent (same sprite, same layout, same colours as the checks name) and
easy to review; the box.json files name them and say what each must get.

    python themeboxes/build_programs.py            # write them all
    python themeboxes/build_programs.py --check    # only compare: exit 1 if a file differs,
                                                   # is missing, or is not named by box.json

How a block is written here (docs/blocks.md has the project.json side):

    flag()                                   when green flag clicked
    all_lights("green")  light(2, "off")     colours by the check names (format.COLOURS)
    wait(3)  repeat(3, [...])  forever([...])
    if_else(dark("left"), [...], [...])      conditions: lt(distance(), 20), not_(...), ...
    move("forward", 40)  move_for("turn_left", 50, 2)  drive(40, 10)  stop()
    note(60, 0.5)  rest(0.5)

A program is a list of scripts; a script is a list of blocks, its hat first. Blocks not
under a hat are written as a script without a hat (a learner's loose blocks).
Only the standard library and `dojokit` are used; nothing here is run by a box.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

try:
    from dojokit.themebox.format import COLOURS
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(HERE.parent / "host"))
    from dojokit.themebox.format import COLOURS


# -- blocks ---------------------------------------------------------------------------------

# Scratch's shadow types for literal inputs: [1, [type, "value"]]
MATH_NUMBER, POSITIVE_NUMBER, WHOLE_NUMBER, COLOUR_PICKER, TEXT = 4, 5, 6, 9, 10


@dataclass
class Block:
    opcode: str
    inputs: dict[str, Any] = field(default_factory=dict)  # name -> literal, Block or [Block]
    fields: dict[str, str] = field(default_factory=dict)
    shadows: dict[str, int] = field(default_factory=dict)  # literal inputs: shadow type


def _hex(colour: str) -> str:
    r, g, b = COLOURS[colour]
    return f"#{r:02x}{g:02x}{b:02x}"


def flag() -> Block:
    return Block("event_whenflagclicked")


def when_button(button: str = "A") -> Block:
    return Block("dojokit_whenButtonPressed", fields={"BUTTON": button})


def all_lights(colour: str) -> Block:
    return Block("dojokit_setAllLights", {"COLOUR": _hex(colour)},
                 shadows={"COLOUR": COLOUR_PICKER})


def light(index: int, colour: str) -> Block:
    return Block("dojokit_setLight", {"INDEX": index, "COLOUR": _hex(colour)},
                 shadows={"INDEX": MATH_NUMBER, "COLOUR": COLOUR_PICKER})


def lights_off() -> Block:
    return Block("dojokit_lightsOff")


def wait(seconds: float) -> Block:
    return Block("control_wait", {"DURATION": seconds}, shadows={"DURATION": POSITIVE_NUMBER})


def repeat(times: int, body: list[Block]) -> Block:
    return Block("control_repeat", {"TIMES": times, "SUBSTACK": body},
                 shadows={"TIMES": WHOLE_NUMBER})


def forever(body: list[Block]) -> Block:
    return Block("control_forever", {"SUBSTACK": body})


def repeat_until(condition: Block, body: list[Block]) -> Block:
    return Block("control_repeat_until", {"CONDITION": condition, "SUBSTACK": body})


def wait_until(condition: Block) -> Block:
    return Block("control_wait_until", {"CONDITION": condition})


def if_(condition: Block, body: list[Block]) -> Block:
    return Block("control_if", {"CONDITION": condition, "SUBSTACK": body})


def if_else(condition: Block, then: list[Block], otherwise: list[Block]) -> Block:
    return Block("control_if_else",
                 {"CONDITION": condition, "SUBSTACK": then, "SUBSTACK2": otherwise})


def _compare(opcode: str, a: Any, b: Any) -> Block:
    return Block(opcode, {"OPERAND1": a, "OPERAND2": b},
                 shadows={"OPERAND1": TEXT, "OPERAND2": TEXT})


def lt(a: Any, b: Any) -> Block:
    return _compare("operator_lt", a, b)


def gt(a: Any, b: Any) -> Block:
    return _compare("operator_gt", a, b)


def not_(a: Block) -> Block:
    return Block("operator_not", {"OPERAND": a})


def and_(a: Block, b: Block) -> Block:
    return Block("operator_and", {"OPERAND1": a, "OPERAND2": b})


def or_(a: Block, b: Block) -> Block:
    return Block("operator_or", {"OPERAND1": a, "OPERAND2": b})


def distance() -> Block:
    return Block("dojokit_distance")


def dark(side: str) -> Block:
    return Block("dojokit_lineDark", fields={"SIDE": side})


def button_pressed(button: str = "A") -> Block:
    return Block("dojokit_buttonPressed", fields={"BUTTON": button})


def move(direction: str, speed: float) -> Block:
    return Block("dojokit_move", {"SPEED": speed}, {"DIRECTION": direction},
                 shadows={"SPEED": MATH_NUMBER})


def move_for(direction: str, speed: float, seconds: float) -> Block:
    return Block("dojokit_moveFor", {"SPEED": speed, "SECONDS": seconds},
                 {"DIRECTION": direction},
                 shadows={"SPEED": MATH_NUMBER, "SECONDS": MATH_NUMBER})


def drive(left: float, right: float) -> Block:
    return Block("dojokit_drive", {"LEFT": left, "RIGHT": right},
                 shadows={"LEFT": MATH_NUMBER, "RIGHT": MATH_NUMBER})


def stop() -> Block:
    return Block("dojokit_stop")


def note(number: float, seconds: float) -> Block:
    return Block("dojokit_playNote", {"NOTE": number, "SECONDS": seconds},
                 shadows={"NOTE": MATH_NUMBER, "SECONDS": MATH_NUMBER})


def rest(seconds: float) -> Block:
    return Block("dojokit_rest", {"SECONDS": seconds}, shadows={"SECONDS": MATH_NUMBER})


# -- project.json -----------------------------------------------------------------------------

# The blank costume Scratch 3 gives a new backdrop and a new painted sprite.
BLANK_SVG = "cd21514d0531fdffb22204e0ec5ed84a"


def _number_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


class _Writer:
    def __init__(self) -> None:
        self.blocks: dict[str, dict[str, Any]] = {}

    def _id(self) -> str:
        return f"b{len(self.blocks) + 1}"

    def stack(self, blocks: list[Block], parent: str | None, top: tuple[int, int] | None
              ) -> str | None:
        """Write a stack of blocks; returns the first one's id."""
        first = prev = None
        for i, b in enumerate(blocks):
            bid = self.block(b, prev if i else parent, top if i == 0 else None)
            if prev is not None:
                self.blocks[prev]["next"] = bid
            first = first or bid
            prev = bid
        return first

    def block(self, b: Block, parent: str | None, top: tuple[int, int] | None) -> str:
        bid = self._id()
        entry: dict[str, Any] = {"opcode": b.opcode, "next": None, "parent": parent,
                                 "inputs": {}, "fields": {}, "shadow": False,
                                 "topLevel": top is not None}
        if top is not None:
            entry["x"], entry["y"] = top
        self.blocks[bid] = entry
        for name, value in b.inputs.items():
            if isinstance(value, list):  # a C-block's inside
                if value:
                    entry["inputs"][name] = [2, self.stack(value, bid, None)]
            elif isinstance(value, Block):
                child = self.block(value, bid, None)
                if name in b.shadows:  # a reporter over a shadow: [3, id, shadow]
                    entry["inputs"][name] = [3, child, [b.shadows[name], ""]]
                else:  # a boolean slot
                    entry["inputs"][name] = [2, child]
            else:
                entry["inputs"][name] = [1, [b.shadows[name], _number_text(value)]]
        for name, value in b.fields.items():
            entry["fields"][name] = [value, None]
        return bid


def project(scripts: list[list[Block]]) -> dict[str, Any]:
    w = _Writer()
    for i, script in enumerate(scripts):
        w.stack(script, None, (40 + 420 * (i % 2), 40 + 360 * (i // 2)))
    costume = {"assetId": BLANK_SVG, "md5ext": f"{BLANK_SVG}.svg", "dataFormat": "svg",
               "rotationCenterX": 0, "rotationCenterY": 0}
    stage = {"isStage": True, "name": "Stage", "variables": {}, "lists": {}, "broadcasts": {},
             "blocks": {}, "comments": {}, "currentCostume": 0,
             "costumes": [{"name": "backdrop1", **costume}], "sounds": [], "volume": 100,
             "layerOrder": 0, "tempo": 60, "videoTransparency": 50, "videoState": "on",
             "textToSpeechLanguage": None}
    sprite = {"isStage": False, "name": "Robot", "variables": {}, "lists": {},
              "broadcasts": {}, "blocks": w.blocks, "comments": {}, "currentCostume": 0,
              "costumes": [{"name": "costume1", **costume}], "sounds": [], "volume": 100,
              "layerOrder": 1, "visible": True, "x": 0, "y": 0, "size": 100, "direction": 90,
              "draggable": False, "rotationStyle": "all around"}
    return {"targets": [stage, sprite], "monitors": [], "extensions": ["dojokit"],
            "meta": {"semver": "3.0.0", "vm": "5.0.300",
                     "agent": "dojokit themeboxes/build_programs.py"}}


# -- the programs, box by box -------------------------------------------------------------------
# {box: {exercise: {name: [script, ...]}}}; every exercise has a starter, model solutions
# (model*.json) and typical programs that do not pass yet (named after what happens).

def traffic_light() -> dict[str, dict[str, list[list[Block]]]]:
    def cycle(green: float = 3, orange: float = 2, red: float = 3) -> list[Block]:
        return [all_lights("green"), wait(green), all_lights("orange"), wait(orange),
                all_lights("red"), wait(red)]

    return {
        "green-light": {
            "starter": [[flag()]],
            "model": [[flag(), all_lights("green"), wait(3)]],
            "model-longer": [[flag(), all_lights("green"), wait(5)]],
            "too-short": [[flag(), all_lights("green"), wait(1)]],
            "blue-light": [[flag(), all_lights("blue"), wait(3)]],
        },
        "three-colours": {
            "starter": [[flag(), all_lights("green")]],
            "model": [[flag(), *cycle()]],
            "wrong-order": [[flag(), all_lights("green"), wait(3), all_lights("red"), wait(3),
                             all_lights("orange"), wait(2)]],
            "short-orange": [[flag(), *cycle(orange=0.5)]],
        },
        "repeat-cycle": {
            "starter": [[flag(), *cycle()]],
            "model": [[flag(), repeat(3, cycle())]],
            "one-cycle": [[flag(), *cycle()]],
            "two-times": [[flag(), repeat(2, cycle())]],
            "forever": [[flag(), forever(cycle())]],
        },
        "pedestrian": {
            "starter": [[flag(), all_lights("green"), wait(20)]],
            "model": [[flag(), all_lights("green"), wait(20), lights_off()],
                      [when_button("A"), all_lights("orange"), wait(2), all_lights("red"),
                       wait(4), all_lights("green")]],
            "no-button": [[flag(), all_lights("green"), wait(20), all_lights("orange"),
                           wait(2), all_lights("red"), wait(4), all_lights("green")]],
            "no-time-to-press": [[flag(), all_lights("green")],
                                 [when_button("A"), all_lights("orange"), wait(2),
                                  all_lights("red"), wait(4), all_lights("green")]],
        },
        "lights-off": {
            "starter": [[flag(), repeat(2, cycle())]],
            "model": [[flag(), repeat(2, cycle()), lights_off()]],
            "lights-stay-on": [[flag(), repeat(2, cycle())]],
            "off-inside-loop": [[flag(), repeat(2, [*cycle(), lights_off()])]],
        },
    }


def lighthouse() -> dict[str, dict[str, list[list[Block]]]]:
    def blink(on: float, off: float, colour: str = "yellow") -> list[Block]:
        return [all_lights(colour), wait(on), lights_off(), wait(off)]

    def steps(seconds: float, colours: list[str]) -> list[Block]:
        out: list[Block] = []
        for c in colours:
            out += [all_lights(c), wait(seconds)]
        return out

    def swap(first: int, second: int, seconds: float) -> list[Block]:
        return [light(first, "yellow"), light(second, "off"), wait(seconds)]

    sea = ["purple", "blue", "cyan", "green"]
    return {
        "beacon": {
            "starter": [[flag(), all_lights("yellow")]],
            "model": [[flag(), *blink(2, 2)]],
            "quick": [[flag(), *blink(0.2, 0.2)]],
            "no-off": [[flag(), all_lights("yellow"), wait(2), all_lights("yellow"), wait(2)]],
        },
        "five-times": {
            "starter": [[flag(), *blink(2, 2)]],
            "model": [[flag(), repeat(5, blink(2, 2))]],
            "three-times": [[flag(), repeat(3, blink(2, 2))]],
            "forever": [[flag(), forever(blink(2, 2))]],
        },
        "colour-steps": {
            "starter": [[flag(), all_lights("purple"), wait(2)]],
            "model": [[flag(), *steps(2, sea), lights_off()]],
            "model-slower": [[flag(), *steps(3, sea), lights_off()]],
            "jump": [[flag(), *steps(2, ["purple", "blue", "green"]), lights_off()]],
            "quick": [[flag(), *steps(0.3, sea), lights_off()]],
        },
        "two-lights": {
            "starter": [[flag(), light(1, "yellow"), wait(2)]],
            "model": [[flag(), repeat(3, [*swap(1, 2, 2), *swap(2, 1, 2)]), lights_off()]],
            "same-light": [[flag(), repeat(3, [light(1, "yellow"), wait(2), light(1, "off"),
                                               wait(2)]), lights_off()]],
            "quick": [[flag(), repeat(3, [*swap(1, 2, 0.3), *swap(2, 1, 0.3)]),
                       lights_off()]],
        },
        "ask-fast": {
            "starter": [[flag()]],
            "model": [[flag(), repeat(20, blink(0.1, 0.1))]],
            "forever-fast": [[flag(), forever(blink(0.1, 0.1))]],
            "blue-blink": [[flag(), repeat(20, blink(0.1, 0.1, "blue"))]],
        },
    }


def robot_dance() -> dict[str, dict[str, list[list[Block]]]]:
    def step() -> list[Block]:
        return [move_for("forward", 50, 1), move_for("backward", 50, 1),
                move_for("turn_left", 50, 0.5), move_for("turn_right", 50, 0.5)]

    tune = [60, 62, 64, 65, 67]  # do re mi fa sol
    return {
        "forward-back": {
            "starter": [[flag()]],
            "model": [[flag(), move_for("forward", 50, 2), move_for("backward", 50, 2)]],
            "only-forward": [[flag(), move_for("forward", 50, 2)]],
            "not-attached": [[flag()],
                             [move_for("forward", 50, 2), move_for("backward", 50, 2)]],
        },
        "spin": {
            "starter": [[flag()]],
            "model": [[flag(), move_for("turn_left", 50, 2), move_for("turn_right", 50, 2)]],
            "not-attached": [[flag()],
                             [move_for("turn_left", 50, 2), move_for("turn_right", 50, 2)]],
        },
        "melody": {
            "starter": [[flag(), note(60, 0.5)]],
            "model": [[flag(), *(note(n, 0.5) for n in tune)]],
            "model-with-rests": [[flag(), note(60, 0.5), rest(0.25), note(64, 0.5), rest(0.25),
                                  note(67, 0.5), rest(0.25), note(64, 0.5), rest(0.25),
                                  note(60, 1)]],
            "three-notes": [[flag(), *(note(n, 0.5) for n in tune[:3])]],
            "only-rests": [[flag(), rest(0.5), rest(0.5), rest(0.5), rest(0.5), rest(0.5)]],
        },
        "dance-step": {
            "starter": [[flag(), repeat(3, [])]],
            "model": [[flag(), repeat(3, step())]],
            "once": [[flag(), *step()]],
            "step-after-loop": [[flag(), repeat(3, []), *step()]],
        },
        "light-dance": {
            "starter": [[flag(), repeat(3, [move_for("forward", 50, 1),
                                            move_for("backward", 50, 1)])]],
            "model": [[flag(), repeat(3, [all_lights("purple"), move_for("forward", 50, 1),
                                          all_lights("blue"), move_for("backward", 50, 1)]),
                       lights_off(), note(72, 0.5)]],
            "one-colour": [[flag(), all_lights("purple"),
                            repeat(3, [move_for("forward", 50, 1),
                                       move_for("backward", 50, 1)]), lights_off()]],
            "lights-only": [[flag(), repeat(3, [all_lights("purple"), note(60, 1),
                                                all_lights("blue"), note(64, 1)]),
                             lights_off()]],
        },
    }


def parking_sensor() -> dict[str, dict[str, list[list[Block]]]]:
    return {
        "stop-at-wall": {
            "starter": [[flag(), move("forward", 50)]],
            "model": [[flag(), move("forward", 50), wait_until(lt(distance(), 20)), stop(),
                       wait(1)]],
            "no-wait-until": [[flag(), move("forward", 50), stop(), wait(1)]],
            "never-stops": [[flag(), move("forward", 50), wait_until(lt(distance(), 2)),
                             stop(), wait(1)]],
        },
        "zone-lights": {
            "starter": [[flag(), all_lights("green"), move("forward", 50)]],
            "model": [[flag(), all_lights("green"), move("forward", 50),
                       wait_until(lt(distance(), 40)), all_lights("orange"),
                       wait_until(lt(distance(), 15)), stop(), all_lights("purple"),
                       wait(2)]],
            "no-purple": [[flag(), all_lights("green"), move("forward", 50),
                           wait_until(lt(distance(), 40)), all_lights("orange"),
                           wait_until(lt(distance(), 15)), stop(), wait(2)]],
            "colours-swapped": [[flag(), all_lights("orange"), move("forward", 50),
                                 wait_until(lt(distance(), 40)), all_lights("green"),
                                 wait_until(lt(distance(), 15)), stop(),
                                 all_lights("purple"), wait(2)]],
        },
        "parking-space": {
            "starter": [[flag(), move("forward", 50), wait_until(lt(distance(), 20)), stop()]],
            "model": [[flag(), move("forward", 50), wait_until(lt(distance(), 6)), stop()]],
            "model-slow-down": [[flag(), move("forward", 50), wait_until(lt(distance(), 30)),
                                 move("forward", 20), wait_until(lt(distance(), 6)),
                                 stop()]],
            "stops-too-soon": [[flag(), move("forward", 50), wait_until(lt(distance(), 20)),
                                stop()]],
            "never-stops": [[flag(), move("forward", 50), wait_until(lt(distance(), 2)),
                             stop()]],
        },
        "slow-down": {
            "starter": [[flag(), repeat_until(lt(distance(), 6), [move("forward", 50)]),
                         stop()]],
            "model": [[flag(), repeat_until(lt(distance(), 6), [
                if_else(lt(distance(), 30), [move("forward", 15)], [move("forward", 50)])]),
                stop()]],
            "no-slowing": [[flag(), repeat_until(lt(distance(), 6), [move("forward", 50)]),
                            stop()]],
            "too-close": [[flag(), repeat_until(lt(distance(), 3), [
                if_else(lt(distance(), 30), [move("forward", 15)], [move("forward", 50)])]),
                stop()]],
        },
        "parking-sensor": {
            "starter": [[flag(), repeat_until(lt(distance(), 6), [move("forward", 40)]),
                         stop()]],
            "model": [[flag(), repeat_until(lt(distance(), 6), [
                if_else(lt(distance(), 30), [all_lights("orange")], [all_lights("green")]),
                move("forward", 40)]), stop(), all_lights("purple"), wait(2)]],
            "no-else": [[flag(), repeat_until(lt(distance(), 6), [
                if_else(lt(distance(), 30), [all_lights("orange")], []),
                move("forward", 40)]), stop(), all_lights("purple"), wait(2)]],
            "forever": [[flag(), forever([
                if_else(lt(distance(), 30), [all_lights("orange")], [all_lights("green")]),
                move("forward", 40)])]],
        },
    }


def line_follower() -> dict[str, dict[str, list[list[Block]]]]:
    def edge(fast: float = 40, slow: float = 10) -> Block:
        # one sensor: on the line turn right a little, off it turn left a little
        return if_else(dark("left"), [drive(fast, slow)], [drive(slow, fast)])

    def two_sensors(fast: float = 40, slow: float = 10) -> Block:
        return if_else(and_(dark("left"), dark("right")), [drive(fast, fast)], [
            if_else(dark("left"), [drive(slow, fast)], [drive(fast, slow)])])

    return {
        "see-the-line": {
            "starter": [[flag(), if_else(dark("left"), [], [])]],
            "model": [[flag(), if_else(dark("left"), [all_lights("green")],
                                       [all_lights("orange")]), wait(2)]],
            "no-sensor": [[flag(), all_lights("green"), wait(2)]],
            "swapped": [[flag(), if_else(dark("left"), [all_lights("orange")],
                                         [all_lights("green")]), wait(2)]],
        },
        "along-the-line": {
            "starter": [[flag(), move("forward", 30)]],
            "model": [[flag(), move("forward", 30), wait_until(not_(dark("left"))), stop()]],
            "no-wait": [[flag(), move("forward", 30), stop()]],
            "without-not": [[flag(), move("forward", 30), wait_until(dark("left")), stop()]],
        },
        "first-bend": {
            "starter": [[flag(), forever([if_else(dark("left"), [], [])])]],
            "model": [[flag(), forever([edge()])]],
            "straight-on": [[flag(), forever([if_else(dark("left"), [drive(40, 40)],
                                                      [drive(40, 40)])])]],
            "no-loop": [[flag(), edge()]],
        },
        "to-the-finish": {
            "starter": [[flag(), forever([if_else(and_(dark("left"), dark("right")),
                                                  [drive(40, 40)], [])])]],
            "model": [[flag(), forever([two_sensors()])]],
            "model-one-sensor": [[flag(), forever([edge()])]],
            "circles": [[flag(), forever([if_else(dark("left"), [drive(40, 10)], [])])]],
            "spins-on-the-spot": [[flag(), forever([if_else(dark("left"), [drive(40, -40)],
                                                            [drive(-40, 40)])])]],
        },
        "round-and-round": {
            "starter": [[flag(), forever([])]],
            "model": [[flag(), forever([two_sensors()])]],
            "model-one-sensor": [[flag(), forever([edge()])]],
            "repeat-short": [[flag(), repeat(100, [two_sensors()])]],
            "straight-on": [[flag(), forever([if_else(dark("left"), [drive(40, 40)],
                                                      [drive(40, 40)])])]],
        },
    }


BOXES = {
    "traffic_light": traffic_light,
    "lighthouse": lighthouse,
    "robot_dance": robot_dance,
    "parking_sensor": parking_sensor,
    "line_follower": line_follower,
}


# -- writing and checking -------------------------------------------------------------------------

def generated() -> dict[Path, str]:
    """Every program file: its path and its text."""
    out: dict[Path, str] = {}
    for box, describe in BOXES.items():
        for exercise, programs in describe().items():
            for name, scripts in programs.items():
                path = HERE / box / "programs" / exercise / f"{name}.json"
                # one line per program: Scratch reads it the same, diffs stay short
                text = json.dumps(project(scripts), ensure_ascii=False, separators=(",", ":"))
                out[path] = text + "\n"
    return out


def named_by_boxes() -> set[Path]:
    """The program files the box.json files name."""
    named: set[Path] = set()
    for box in BOXES:
        manifest = HERE / box / "box.json"
        if not manifest.is_file():
            continue
        data = json.loads(manifest.read_text(encoding="utf-8"))
        for ex in data["exercises"]:
            names = [ex["starter"], *ex["solutions"], *(w["program"] for w in ex.get("wrong", []))]
            named |= {(HERE / box / n).resolve() for n in names}
    return named


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="compare only; exit 1 when a file differs, is missing or unused")
    args = ap.parse_args(argv)
    files = generated()
    problems = []
    on_disk = {p.resolve() for box in BOXES for p in (HERE / box / "programs").glob("*/*.json")}
    for path, text in files.items():
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                problems.append(f"differs from its description: {path.relative_to(HERE)}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in sorted(on_disk - {p.resolve() for p in files}):
        problems.append(f"not described here (remove it?): {path.relative_to(HERE)}")
    named = named_by_boxes()
    for path in sorted({p.resolve() for p in files} - named):
        problems.append(f"not named by its box.json: {path.relative_to(HERE)}")
    for path in sorted(named - {p.resolve() for p in files}):
        problems.append(f"named by a box.json but not described here: {path.relative_to(HERE)}")
    for line in problems:
        print(line, file=sys.stderr)
    if not args.check:
        print(f"wrote {len(files)} programs for {len(BOXES)} boxes")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
