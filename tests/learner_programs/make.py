#!/usr/bin/env python3
"""Writes the learner programs of issue 10: for every exercise of the shipped boxes, programs
written from the exercise card alone (what a child sees), each with a teacher's verdict.

    .venv/bin/python tests/learner_programs/make.py

rewrites tests/learner_programs/<box>/<exercise>/<name>.json and verdicts.json. The table
PROGRAMS below is the data: (box, exercise, name, expected, why, scripts). A name starting
with "ok_" is a program a teacher who reads the card would accept ("finished"), any other name
a plausible mistake ("not_yet"). The programs were written before reading the model
solutions or the grader, so they test the grader against the card, not against itself.

`KNOWN_GRADER_GAP` maps "box/exercise/name" to what the current grader gets wrong there; the
test marks those cases strict xfail. Remove an entry when the grader is fixed (the case then
XPASSes and fails until you do).

Scripts are nested Python values: a Node is one block, a list is a stack. Input values are
shadows already encoded (num(), col(), ...) or a Node (a reporter or a boolean).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# -- the description language -----------------------------------------------------------------

BOOLEANS = {"dojokit_lineDark", "operator_not", "operator_and", "operator_lt", "operator_gt",
            "dojokit_buttonPressed"}


@dataclass
class Node:
    op: str
    inputs: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)


def num(x: float, kind: int = 4) -> list:
    """A number shadow: 4 math_number (robot blocks), 5 positive (wait), 6 whole (repeat)."""
    return [1, [kind, f"{x:g}"]]


def col(hex_colour: str) -> list:
    return [1, [9, hex_colour]]


def text(s: str) -> list:
    return [1, [10, s]]


class Builder:
    """Turns scripts into the blocks of one sprite, ids b1, b2, ... in writing order."""

    def __init__(self) -> None:
        self.blocks: dict[str, dict] = {}

    def new_id(self) -> str:
        return f"b{len(self.blocks) + 1}"

    def node(self, n: Node, parent: str | None, top: bool) -> str:
        bid = self.new_id()
        block: dict[str, Any] = {"opcode": n.op, "next": None, "parent": parent, "inputs": {},
                                 "fields": {k: [v, None] for k, v in n.fields.items()},
                                 "shadow": False, "topLevel": top}
        if top:
            block.update(x=0, y=300 * sum(1 for b in self.blocks.values() if b["topLevel"]))
        self.blocks[bid] = block
        for name, value in n.inputs.items():
            if isinstance(value, list) and value and isinstance(value[0], Node):
                block["inputs"][name] = [2, self.stack(value, bid, False)]
            elif isinstance(value, Node):
                child = self.node(value, bid, False)
                block["inputs"][name] = ([2, child] if value.op in BOOLEANS
                                         else [3, child, [10, ""]])
            else:
                block["inputs"][name] = value
        return bid

    def stack(self, nodes: list[Node], parent: str | None, top: bool) -> str:
        first = prev = None
        for i, n in enumerate(nodes):
            bid = self.node(n, prev if i else parent, top and i == 0)
            if prev:
                self.blocks[prev]["next"] = bid
            first = first or bid
            prev = bid
        assert first is not None
        return first


def project(scripts: list[list[Node]]) -> dict:
    b = Builder()
    for script in scripts:
        b.stack(script, None, True)
    costume = {"name": "c1", "assetId": "cd21514d0531fdffb22204e0ec5ed84a",
               "md5ext": "cd21514d0531fdffb22204e0ec5ed84a.svg", "dataFormat": "svg",
               "rotationCenterX": 0, "rotationCenterY": 0}
    stage = {"isStage": True, "name": "Stage", "variables": {}, "lists": {}, "broadcasts": {},
             "blocks": {}, "comments": {}, "currentCostume": 0, "costumes": [costume],
             "sounds": [], "volume": 100, "layerOrder": 0}
    sprite = {"isStage": False, "name": "Robot", "variables": {}, "lists": {},
              "broadcasts": {}, "blocks": b.blocks, "comments": {}, "currentCostume": 0,
              "costumes": [costume], "sounds": [], "volume": 100, "layerOrder": 1,
              "visible": True, "x": 0, "y": 0, "size": 100, "direction": 90,
              "draggable": False, "rotationStyle": "all around"}
    return {"targets": [stage, sprite], "monitors": [], "extensions": ["dojokit"],
            "meta": {"semver": "3.0.0", "vm": "5.0.300", "agent": "dojokit learner programs"}}


# -- blocks as a child drags them -------------------------------------------------------------

FLAG = Node("event_whenflagclicked")


def when_button(b: str) -> Node:
    return Node("dojokit_whenButtonPressed", fields={"BUTTON": b})


def all_lights(c: str) -> Node:
    return Node("dojokit_setAllLights", {"COLOUR": col(c)})


def light(i: int, c: str) -> Node:
    return Node("dojokit_setLight", {"INDEX": num(i), "COLOUR": col(c)})


def off() -> Node:
    return Node("dojokit_lightsOff")


def wait(s: float) -> Node:
    return Node("control_wait", {"DURATION": num(s, 5)})


def repeat(n: int, *body: Node) -> Node:
    return Node("control_repeat", {"TIMES": num(n, 6), "SUBSTACK": list(body)})


def forever(*body: Node) -> Node:
    return Node("control_forever", {"SUBSTACK": list(body)})


def if_else(cond: Node, then: list[Node], else_: list[Node]) -> Node:
    return Node("control_if_else", {"CONDITION": cond, "SUBSTACK": then, "SUBSTACK2": else_})


def wait_until(cond: Node) -> Node:
    return Node("control_wait_until", {"CONDITION": cond})


def repeat_until(cond: Node, *body: Node) -> Node:
    return Node("control_repeat_until", {"CONDITION": cond, "SUBSTACK": list(body)})


def operand(x: Any) -> Any:
    return x if isinstance(x, Node) else text(f"{x:g}")


def lt(a: Any, b: Any) -> Node:
    return Node("operator_lt", {"OPERAND1": operand(a), "OPERAND2": operand(b)})


def not_(x: Node) -> Node:
    return Node("operator_not", {"OPERAND": x})


def and_(a: Node, b: Node) -> Node:
    return Node("operator_and", {"OPERAND1": a, "OPERAND2": b})


def dark(side: str = "left") -> Node:
    return Node("dojokit_lineDark", fields={"SIDE": side})


def dist() -> Node:
    return Node("dojokit_distance")


def drive(left: float, right: float) -> Node:
    return Node("dojokit_drive", {"LEFT": num(left), "RIGHT": num(right)})


def move(direction: str, speed: float) -> Node:
    return Node("dojokit_move", {"SPEED": num(speed)}, {"DIRECTION": direction})


def move_for(direction: str, speed: float, s: float) -> Node:
    return Node("dojokit_moveFor", {"SPEED": num(speed), "SECONDS": num(s)},
                {"DIRECTION": direction})


def stop() -> Node:
    return Node("dojokit_stop")


def note(n: float, s: float) -> Node:
    return Node("dojokit_playNote", {"NOTE": num(n), "SECONDS": num(s)})


def rest(s: float) -> Node:
    return Node("dojokit_rest", {"SECONDS": num(s)})


# Colours as a child picks them in Scratch's colour picker: more than one shade of each.
YELLOW, GOLD, AMBER = "#ffff00", "#ffd700", "#ffcc00"
GREEN, GREEN2, GREEN3 = "#00ff00", "#00c850", "#00cc44"
ORANGE, ORANGE2, ORANGE3 = "#ff8000", "#ffa500", "#ff8c00"
RED, RED2 = "#ff0000", "#e00000"
PURPLE, PURPLE2, VIOLET = "#800080", "#8000ff", "#9400d3"
BLUE, BLUE2 = "#0000ff", "#0050ff"
LIGHT_BLUE, SKY = "#66ccff", "#87ceeb"
BLACK = "#000000"

# -- the programs -----------------------------------------------------------------------------

F, N = "finished", "not_yet"
PROGRAMS: list[tuple[str, str, str, str, str, list[list[Node]]]] = []


def add(box: str, ex: str, name: str, why: str, *scripts: list[Node]) -> None:
    PROGRAMS.append((box, ex, name, F if name.startswith("ok_") else N, why, list(scripts)))


# lighthouse ------------------------------------------------------------------------------------
B = "lighthouse"
E = "beacon"
add(B, E, "ok_gold_longer", "Gold is a yellow, and 3 seconds on and 3 off is slow enough.",
    [FLAG, all_lights(GOLD), wait(3), off(), wait(3)])
add(B, E, "ok_black_for_off", "Setting all lights to black switches them off too.",
    [FLAG, all_lights(YELLOW), wait(2), all_lights(BLACK), wait(2.5)])
add(B, E, "ok_extra_wait", "An extra wait at the end does no harm.",
    [FLAG, all_lights(AMBER), wait(2), off(), wait(2), wait(1)])
add(B, E, "too_short", "The yellow light must stay on for 2 seconds: make the first wait 2.",
    [FLAG, all_lights(YELLOW), wait(1), off(), wait(2)])
add(B, E, "blue_not_yellow", "The signal is yellow: pick yellow instead of blue.",
    [FLAG, all_lights(BLUE), wait(2), off(), wait(2)])
add(B, E, "never_off", "The light never goes off: use 'lights off' after the first wait.",
    [FLAG, all_lights(YELLOW), wait(2), all_lights(YELLOW), wait(2)])

E = "five-times"
add(B, E, "ok_slower", "Five signals of 2.5 seconds each are calm and the program ends.",
    [FLAG, repeat(5, all_lights(YELLOW), wait(2.5), off(), wait(2.5))])
add(B, E, "ok_off_first", "Off then yellow, 5 times, and off at the end: 5 full signals.",
    [FLAG, repeat(5, off(), wait(2), all_lights(GOLD), wait(2)), off()])
add(B, E, "ok_extra_wait", "An extra wait after the repeat does no harm.",
    [FLAG, repeat(5, all_lights(AMBER), wait(2), off(), wait(2)), wait(1)])
add(B, E, "forever", "'Forever' never stops: use 'repeat 5 times' instead.",
    [FLAG, forever(all_lights(YELLOW), wait(2), off(), wait(2))])
add(B, E, "three_times", "That is 3 signals: change the 3 into 5.",
    [FLAG, repeat(3, all_lights(YELLOW), wait(2), off(), wait(2))])
add(B, E, "waits_too_short", "Each wait must be 2 seconds: change the 1s into 2.",
    [FLAG, repeat(5, all_lights(YELLOW), wait(1), off(), wait(1))])

E = "colour-steps"
add(B, E, "ok_shades", "Other shades of purple, blue, light blue and green are fine.",
    [FLAG, all_lights(PURPLE2), wait(2), all_lights(BLUE2), wait(2), all_lights(SKY), wait(2),
     all_lights(GREEN3), wait(2), off()])
add(B, E, "ok_longer", "3 seconds per colour is even calmer.",
    [FLAG, all_lights(PURPLE), wait(3), all_lights(BLUE), wait(3), all_lights(LIGHT_BLUE),
     wait(3), all_lights(GREEN), wait(3), off(), wait(1)])
add(B, E, "ok_dark_first", "Starting in the dark for a second is like the night.",
    [FLAG, off(), wait(1), all_lights(VIOLET), wait(2), all_lights(BLUE), wait(2),
     all_lights(LIGHT_BLUE), wait(2), all_lights(GREEN2), wait(2), off()])
add(B, E, "blue_before_purple", "The night starts purple: put purple first, then blue.",
    [FLAG, all_lights(BLUE), wait(2), all_lights(PURPLE), wait(2), all_lights(LIGHT_BLUE),
     wait(2), all_lights(GREEN), wait(2), off()])
add(B, E, "no_light_blue", "Light blue is missing: add it between blue and green.",
    [FLAG, all_lights(PURPLE), wait(2), all_lights(BLUE), wait(2), all_lights(GREEN), wait(2),
     off()])
add(B, E, "waits_too_short", "Each colour needs 2 seconds: change the waits into 2.",
    [FLAG, all_lights(PURPLE), wait(1), all_lights(BLUE), wait(1), all_lights(LIGHT_BLUE),
     wait(1), all_lights(GREEN), wait(1), off()])

E = "two-lights"
add(B, E, "ok_black_first", "Switching the other light off first, then this one on, is fine.",
    [FLAG, repeat(3, light(2, BLACK), light(1, YELLOW), wait(2), light(1, BLACK),
                  light(2, YELLOW), wait(2)), off()])
add(B, E, "ok_longer_gold", "Gold for 3 seconds per light is fine.",
    [FLAG, repeat(3, light(1, GOLD), light(2, BLACK), wait(3), light(2, GOLD), light(1, BLACK),
                  wait(3)), off()])
add(B, E, "ok_extra_wait", "An extra wait after 'lights off' does no harm.",
    [FLAG, repeat(3, light(1, YELLOW), light(2, BLACK), wait(2), light(2, YELLOW),
                  light(1, BLACK), wait(2)), off(), wait(1)])
add(B, E, "only_light_one", "Light 2 never turns yellow: use light 2 in the second step.",
    [FLAG, repeat(3, light(1, YELLOW), wait(2), light(1, BLACK), wait(2)), off()])
add(B, E, "forever", "'Forever' never stops: use 'repeat 3 times', then 'lights off'.",
    [FLAG, forever(light(1, YELLOW), light(2, BLACK), wait(2), light(2, YELLOW),
                   light(1, BLACK), wait(2))])
add(B, E, "waits_too_short", "Each light needs 2 seconds: change the waits into 2.",
    [FLAG, repeat(3, light(1, YELLOW), light(2, BLACK), wait(0.5), light(2, YELLOW),
                  light(1, BLACK), wait(0.5)), off()])

E = "ask-fast"
add(B, E, "ok_off_first", "Off and yellow in turn, 20 times, and it ends: that is the test.",
    [FLAG, repeat(20, off(), wait(0.1), all_lights(YELLOW), wait(0.1)), off()])
add(B, E, "ok_thirty", "30 times is fine too: it repeats yellow and off and stops.",
    [FLAG, repeat(30, all_lights(AMBER), wait(0.1), off(), wait(0.1))])
add(B, E, "ok_bit_slower", "0.2 seconds is still asking fast; it stops by itself.",
    [FLAG, repeat(20, all_lights(YELLOW), wait(0.2), off(), wait(0.2))])
add(B, E, "forever", "'Forever' never stops: use 'repeat 20 times'.",
    [FLAG, forever(all_lights(YELLOW), wait(0.1), off(), wait(0.1))])
add(B, E, "no_lights_off", "The light never goes off: put 'lights off' before the second wait.",
    [FLAG, repeat(20, all_lights(YELLOW), wait(0.1), wait(0.1))])
add(B, E, "no_repeat", "It blinks only once: put the blocks inside 'repeat 20 times'.",
    [FLAG, all_lights(YELLOW), wait(0.1), off(), wait(0.1)])

# line_follower ---------------------------------------------------------------------------------
B = "line_follower"
E = "see-the-line"
add(B, E, "ok_shades_longer", "Other shades of green and orange and a longer wait are fine.",
    [FLAG, if_else(dark("left"), [all_lights(GREEN)], [all_lights(ORANGE2)]), wait(3)])
add(B, E, "ok_right_sensor", "The right sensor also sees the line: the light is green.",
    [FLAG, if_else(dark("right"), [all_lights(GREEN2)], [all_lights(ORANGE)]), wait(2)])
add(B, E, "ok_extra_wait", "Two waits make 2.5 seconds of green: fine.",
    [FLAG, if_else(dark("left"), [all_lights(GREEN2)], [all_lights(ORANGE)]), wait(2),
     wait(0.5)])
add(B, E, "colours_swapped", "On the line it should be green: swap green and orange.",
    [FLAG, if_else(dark("left"), [all_lights(ORANGE)], [all_lights(GREEN2)]), wait(2)])
add(B, E, "no_sensor", "Use 'if line sensor left sees dark' so the sensor decides.",
    [FLAG, all_lights(GREEN2), wait(2)])
add(B, E, "no_wait", "The green must stay 2 seconds: add 'wait 2' at the end.",
    [FLAG, if_else(dark("left"), [all_lights(GREEN2)], [all_lights(ORANGE)])])

E = "along-the-line"
add(B, E, "ok_faster", "Speed 40 is fine: it still stops where the line bends away.",
    [FLAG, move("forward", 40), wait_until(not_(dark("left"))), stop()])
add(B, E, "ok_right_sensor", "The right sensor also leaves the line in the bend: fine.",
    [FLAG, move("forward", 30), wait_until(not_(dark("right"))), stop()])
add(B, E, "ok_slower", "Speed 20 is slower and still drives the whole straight.",
    [FLAG, move("forward", 20), wait_until(not_(dark("left"))), stop()])
add(B, E, "no_not", "Without 'not' it stops at once: put 'not' around the line sensor.",
    [FLAG, move("forward", 30), wait_until(dark("left")), stop()])
add(B, E, "turns", "'Turn left' spins on the spot: choose 'forward'.",
    [FLAG, move("turn_left", 30), wait_until(not_(dark("left"))), stop()])
add(B, E, "wait_seconds", "It stops after 2 seconds: use 'wait until not line sensor left'.",
    [FLAG, move("forward", 30), Node("control_wait", {"DURATION": num(2, 5)}), stop()])

E = "first-bend"
add(B, E, "ok_faster", "50 and 15 steer the same way, a bit faster.",
    [FLAG, forever(if_else(dark("left"), [drive(50, 15)], [drive(15, 50)]))])
add(B, E, "ok_slower", "30 and 10 steer the same way, a bit slower.",
    [FLAG, forever(if_else(dark("left"), [drive(30, 10)], [drive(10, 30)]))])
add(B, E, "ok_straight_start", "A short straight start before the forever does no harm.",
    [FLAG, drive(40, 40), forever(if_else(dark("left"), [drive(40, 10)], [drive(10, 40)]))])
add(B, E, "no_if", "It only drives in a circle: use 'if line sensor left sees dark'.",
    [FLAG, forever(drive(40, 10))])
add(B, E, "no_forever", "It decides only once: put the 'if' inside 'forever'.",
    [FLAG, if_else(dark("left"), [drive(40, 10)], [drive(10, 40)])])
add(B, E, "no_steering", "Both branches drive straight: steer 40/10 and 10/40.",
    [FLAG, forever(if_else(dark("left"), [drive(40, 40)], [drive(40, 40)]))])


def follower(straight: float, slow: float, fast: float) -> Node:
    return if_else(and_(dark("left"), dark("right")), [drive(straight, straight)],
                   [if_else(dark("left"), [drive(slow, fast)], [drive(fast, slow)])])


E = "to-the-finish"
add(B, E, "ok_slower", "30, 5 and 30 steer the same way, only slower.",
    [FLAG, forever(follower(30, 5, 30))])
add(B, E, "ok_right_first", "Asking the right sensor first steers the same way.",
    [FLAG, forever(if_else(and_(dark("right"), dark("left")), [drive(40, 40)],
                           [if_else(dark("right"), [drive(40, 10)], [drive(10, 40)])]))])
add(B, E, "ok_faster", "50 and 15 follow the line a bit faster.",
    [FLAG, forever(follower(50, 15, 50))])
add(B, E, "and_left_twice", "Both sides of 'and' ask the left sensor: make one 'right'.",
    [FLAG, forever(if_else(and_(dark("left"), dark("left")), [drive(40, 40)],
                           [if_else(dark("left"), [drive(10, 40)], [drive(40, 10)])]))])
add(B, E, "no_forever", "It decides only once: put the 'if' inside 'forever'.",
    [FLAG, follower(40, 10, 40)])
add(B, E, "only_straight", "It never steers: use the line sensors with 'if … then … else'.",
    [FLAG, forever(drive(40, 40))])

E = "round-and-round"
add(B, E, "ok_card_four", "The follower of card 4 inside forever goes round and round.",
    [FLAG, forever(follower(40, 10, 40))])
add(B, E, "ok_repeat_inside", "A repeat inside the forever changes nothing: it keeps going.",
    [FLAG, forever(repeat(10, follower(40, 10, 40)))])
add(B, E, "ok_slower", "30, 5 and 30 follow the line slower, still more than 3 metres.",
    [FLAG, forever(follower(30, 5, 30))])
add(B, E, "repeat_five", "'Repeat 5' ends at once: use 'forever'.",
    [FLAG, repeat(5, follower(40, 10, 40))])
add(B, E, "and_left_twice", "Both sides of 'and' ask the left sensor: make one 'right'.",
    [FLAG, forever(if_else(and_(dark("left"), dark("left")), [drive(40, 40)],
                           [if_else(dark("left"), [drive(10, 40)], [drive(40, 10)])]))])
add(B, E, "only_right_turns", "It can only turn right: add 'if left sees dark' to turn left.",
    [FLAG, forever(if_else(and_(dark("left"), dark("right")), [drive(40, 40)],
                           [drive(40, 10)]))])

# parking_sensor --------------------------------------------------------------------------------
B = "parking_sensor"
E = "stop-at-wall"
add(B, E, "ok_at_25", "Stopping below 25 cm is still at most 30 cm from the wall.",
    [FLAG, move("forward", 50), wait_until(lt(dist(), 25)), stop(), wait(1)])
add(B, E, "ok_slow_close", "Slower and closer, without touching: fine.",
    [FLAG, move("forward", 30), wait_until(lt(dist(), 15)), stop(), wait(2)])
add(B, E, "ok_wait_first", "A wait before driving off does no harm.",
    [FLAG, wait(1), move("forward", 50), wait_until(lt(dist(), 20)), stop(), wait(1)])
add(B, E, "stops_at_50", "It stops too far away: change 50 into 20.",
    [FLAG, move("forward", 50), wait_until(lt(dist(), 50)), stop(), wait(1)])
add(B, E, "wait_seconds", "It stops after 3 seconds: use 'wait until distance < 20'.",
    [FLAG, move("forward", 50), wait(3), stop(), wait(1)])
add(B, E, "operands_swapped", "'20 < distance' is true at once: put distance first.",
    [FLAG, move("forward", 50), wait_until(lt(20, dist())), stop(), wait(1)])

E = "zone-lights"
add(B, E, "ok_shades", "Other shades of green, orange and purple, and a longer wait.",
    [FLAG, all_lights(GREEN), move("forward", 50), wait_until(lt(dist(), 40)),
     all_lights(ORANGE2), wait_until(lt(dist(), 15)), stop(), all_lights(VIOLET), wait(3)])
add(B, E, "ok_move_first", "Driving off before the green is the same to see.",
    [FLAG, move("forward", 50), all_lights(GREEN2), wait_until(lt(dist(), 40)),
     all_lights(ORANGE), wait_until(lt(dist(), 15)), stop(), all_lights(PURPLE), wait(2)])
add(B, E, "ok_slower", "Speed 40 and 45/12 cm keep the three colours and stop near the wall.",
    [FLAG, all_lights(GREEN2), move("forward", 40), wait_until(lt(dist(), 45)),
     all_lights(ORANGE3), wait_until(lt(dist(), 12)), stop(), all_lights(PURPLE2), wait(2)])
add(B, E, "colours_swapped", "Far is green and near is orange: swap the two colours.",
    [FLAG, all_lights(ORANGE), move("forward", 50), wait_until(lt(dist(), 40)),
     all_lights(GREEN2), wait_until(lt(dist(), 15)), stop(), all_lights(PURPLE), wait(2)])
add(B, E, "no_stop", "The robot drives into the wall: add 'stop motors' before purple.",
    [FLAG, all_lights(GREEN2), move("forward", 50), wait_until(lt(dist(), 40)),
     all_lights(ORANGE), wait_until(lt(dist(), 15)), all_lights(PURPLE), wait(2)])
add(B, E, "no_orange", "Orange is missing: wait until distance < 40, then orange.",
    [FLAG, all_lights(GREEN2), move("forward", 50), wait_until(lt(dist(), 15)), stop(),
     all_lights(PURPLE), wait(2)])

E = "parking-space"
add(B, E, "ok_at_8", "Stopping below 8 cm is still in the parking space.",
    [FLAG, move("forward", 50), wait_until(lt(dist(), 8)), stop()])
add(B, E, "ok_slow_5", "Slower and to 5 cm: in the space, not touching.",
    [FLAG, move("forward", 30), wait_until(lt(dist(), 5)), stop()])
add(B, E, "ok_faster", "Speed 60 still stops in time.",
    [FLAG, move("forward", 60), wait_until(lt(dist(), 6)), stop()])
add(B, E, "stops_at_20", "It stops before the space: change 20 into 6.",
    [FLAG, move("forward", 50), wait_until(lt(dist(), 20)), stop()])
add(B, E, "never_below_2", "The sensor never reads less than 2: it hits the wall. Use 6.",
    [FLAG, move("forward", 50), wait_until(lt(dist(), 2)), stop()])
add(B, E, "no_wait_until", "It stops at once: put 'wait until distance < 6' before the stop.",
    [FLAG, move("forward", 50), stop()])

E = "slow-down"
add(B, E, "ok_speeds", "Speeds 10 and 40 are slow near and fast far: fine.",
    [FLAG, repeat_until(lt(dist(), 6), if_else(lt(dist(), 30), [move("forward", 10)],
                                               [move("forward", 40)])), stop()])
add(B, E, "ok_slow_at_40", "Slowing down from 40 cm is even more careful.",
    [FLAG, repeat_until(lt(dist(), 6), if_else(lt(dist(), 40), [move("forward", 20)],
                                               [move("forward", 50)])), stop()])
add(B, E, "ok_stop_at_7", "Parking below 7 cm is still in the space.",
    [FLAG, repeat_until(lt(dist(), 7), if_else(lt(dist(), 30), [move("forward", 15)],
                                               [move("forward", 50)])), stop()])
add(B, E, "no_if", "It never slows down: use 'if distance < 30' to drive slowly near.",
    [FLAG, repeat_until(lt(dist(), 6), move("forward", 50)), stop()])
add(B, E, "speeds_swapped", "Fast near the wall and slow far: swap 15 and 50.",
    [FLAG, repeat_until(lt(dist(), 6), if_else(lt(dist(), 30), [move("forward", 50)],
                                               [move("forward", 15)])), stop()])
add(B, E, "stops_at_20", "It stops before the space: repeat until distance < 6.",
    [FLAG, repeat_until(lt(dist(), 20), if_else(lt(dist(), 30), [move("forward", 15)],
                                                [move("forward", 50)])), stop()])

E = "parking-sensor"
add(B, E, "ok_move_first", "Driving before the colour, inside the repeat, is the same.",
    [FLAG, repeat_until(lt(dist(), 6), move("forward", 40),
                        if_else(lt(dist(), 30), [all_lights(ORANGE)], [all_lights(GREEN2)])),
     stop(), all_lights(PURPLE), wait(2)])
add(B, E, "ok_shades", "Other shades and a longer last wait are fine.",
    [FLAG, repeat_until(lt(dist(), 6),
                        if_else(lt(dist(), 30), [all_lights(ORANGE2)], [all_lights(GREEN)]),
                        move("forward", 40)),
     stop(), all_lights(VIOLET), wait(3)])
add(B, E, "ok_move_once", "Driving off once before the repeat keeps the robot going: fine.",
    [FLAG, move("forward", 40),
     repeat_until(lt(dist(), 6),
                  if_else(lt(dist(), 30), [all_lights(ORANGE)], [all_lights(GREEN2)])),
     stop(), all_lights(PURPLE), wait(2)])
add(B, E, "no_purple", "At the end the light should be purple: add 'purple' after stop.",
    [FLAG, repeat_until(lt(dist(), 6),
                        if_else(lt(dist(), 30), [all_lights(ORANGE)], [all_lights(GREEN2)]),
                        move("forward", 40)),
     stop(), wait(2)])
add(B, E, "forever", "'Forever' never stops and hits the wall: use 'repeat until distance < 6'.",
    [FLAG, forever(if_else(lt(dist(), 30), [all_lights(ORANGE)], [all_lights(GREEN2)]),
                   move("forward", 40))])
add(B, E, "colours_swapped", "Near is orange and far is green: swap the two colours.",
    [FLAG, repeat_until(lt(dist(), 6),
                        if_else(lt(dist(), 30), [all_lights(GREEN2)], [all_lights(ORANGE)]),
                        move("forward", 40)),
     stop(), all_lights(PURPLE), wait(2)])

# robot_dance -----------------------------------------------------------------------------------
B = "robot_dance"
E = "forward-back"
add(B, E, "ok_back_first", "Back first and then forward is there and back too.",
    [FLAG, move_for("backward", 50, 2), move_for("forward", 50, 2)])
add(B, E, "ok_slower_longer", "Speed 40 for 3 seconds each way is far enough.",
    [FLAG, move_for("forward", 40, 3), move_for("backward", 40, 3)])
add(B, E, "ok_faster", "Speed 60 is fine: there and back.",
    [FLAG, move_for("forward", 60, 2), move_for("backward", 60, 2)])
add(B, E, "forward_twice", "It only goes forward: make the second block 'backward'.",
    [FLAG, move_for("forward", 50, 2), move_for("forward", 50, 2)])
add(B, E, "too_short", "Half a second is too short: drive 2 seconds each way.",
    [FLAG, move_for("forward", 50, 0.5), move_for("backward", 50, 0.5)])
add(B, E, "turns", "It turns instead of driving: choose 'forward' and 'backward'.",
    [FLAG, move_for("turn_left", 50, 2), move_for("turn_right", 50, 2)])

E = "spin"
add(B, E, "ok_right_first", "Right first and then left is turning on the spot too.",
    [FLAG, move_for("turn_right", 50, 2), move_for("turn_left", 50, 2)])
add(B, E, "ok_slower", "Speed 30 for 3 seconds still turns and stops.",
    [FLAG, move_for("turn_left", 30, 3), move_for("turn_right", 30, 3)])
add(B, E, "ok_split", "Two left turns of 1 second are one of 2 seconds.",
    [FLAG, move_for("turn_left", 50, 1), move_for("turn_left", 50, 1),
     move_for("turn_right", 50, 2)])
add(B, E, "drives_not_turns", "It drives forward and back: choose 'turn left' and 'turn right'.",
    [FLAG, move_for("forward", 50, 2), move_for("backward", 50, 2)])
add(B, E, "speed_zero", "At speed 0 nothing moves: set the speed to 50.",
    [FLAG, move_for("turn_left", 0, 2), move_for("turn_right", 0, 2)])
add(B, E, "not_under_flag", "The blocks are not snapped under the green flag: snap them on.",
    [FLAG], [move_for("turn_left", 50, 2), move_for("turn_right", 50, 2)])

E = "melody"
add(B, E, "ok_with_rests", "Rests between the notes are allowed.",
    [FLAG, note(60, 0.5), rest(0.25), note(62, 0.5), rest(0.25), note(64, 0.5), rest(0.25),
     note(65, 0.5), rest(0.25), note(67, 0.5)])
add(B, E, "ok_other_tune", "Another tune of 5 notes, 1 second each, is fine.",
    [FLAG, note(60, 1), note(64, 1), note(67, 1), note(72, 1), note(67, 1)])
add(B, E, "ok_six_notes", "6 notes is at least 5.",
    [FLAG, note(60, 0.5), note(62, 0.5), note(64, 0.5), note(65, 0.5), note(67, 0.5),
     note(72, 0.5)])
add(B, E, "four_notes", "That is 4 notes: add note 67.",
    [FLAG, note(60, 0.5), note(62, 0.5), note(64, 0.5), note(65, 0.5)])
add(B, E, "zero_seconds", "A note of 0 seconds plays nothing: make each note 0.5 seconds.",
    [FLAG, note(60, 0), note(62, 0), note(64, 0), note(65, 0), note(67, 0)])
add(B, E, "only_rests", "Rests are silent: use 'play note' for the 5 notes.",
    [FLAG, rest(0.5), rest(0.5), rest(0.5), rest(0.5), rest(0.5)])

E = "dance-step"
STEP = [move_for("forward", 50, 1), move_for("backward", 50, 1), move_for("turn_left", 50, 0.5),
        move_for("turn_right", 50, 0.5)]
add(B, E, "ok_turns_first", "Turning first and then forward and back is a dance step too.",
    [FLAG, repeat(3, *STEP[2:], *STEP[:2])])
add(B, E, "ok_faster", "Speed 60 is a livelier dance step.",
    [FLAG, repeat(3, move_for("forward", 60, 1), move_for("backward", 60, 1),
                  move_for("turn_left", 60, 0.5), move_for("turn_right", 60, 0.5))])
add(B, E, "ok_right_first", "Right first, then left, is the same dance step.",
    [FLAG, repeat(3, *STEP[:2], STEP[3], STEP[2])])
add(B, E, "copies", "Three copies dance, but use 'repeat 3 times' for the dance step.",
    [FLAG, *STEP, *STEP, *STEP])
add(B, E, "only_turns", "It only turns: add forward 1 second and backward 1 second.",
    [FLAG, repeat(3, *STEP[2:])])
add(B, E, "too_slow", "At speed 10 it hardly moves: use speed 50.",
    [FLAG, repeat(3, move_for("forward", 10, 1), move_for("backward", 10, 1),
                  move_for("turn_left", 10, 0.5), move_for("turn_right", 10, 0.5))])

E = "light-dance"
add(B, E, "ok_shades", "Other shades of purple and blue are fine.",
    [FLAG, repeat(3, all_lights(PURPLE2), move_for("forward", 50, 1), all_lights(BLUE2),
                  move_for("backward", 50, 1)), off()])
add(B, E, "ok_with_note", "A last note at the end, as the card allows.",
    [FLAG, repeat(3, all_lights(PURPLE), move_for("forward", 50, 1), all_lights(BLUE),
                  move_for("backward", 50, 1)), off(), note(72, 0.5)])
add(B, E, "ok_longer_moves", "1.5 seconds at speed 40 per move is fine.",
    [FLAG, repeat(3, all_lights(VIOLET), move_for("forward", 40, 1.5), all_lights(BLUE),
                  move_for("backward", 40, 1.5)), off()])
add(B, E, "one_colour", "Both moves are purple: make the backward move blue.",
    [FLAG, repeat(3, all_lights(PURPLE), move_for("forward", 50, 1), all_lights(PURPLE),
                  move_for("backward", 50, 1)), off()])
add(B, E, "no_repeat", "It dances once: put it inside 'repeat 3 times'.",
    [FLAG, all_lights(PURPLE), move_for("forward", 50, 1), all_lights(BLUE),
     move_for("backward", 50, 1), off()])
add(B, E, "moves_too_short", "Each colour must last 1 second: move for 1 second.",
    [FLAG, repeat(3, all_lights(PURPLE), move_for("forward", 50, 0.3), all_lights(BLUE),
                  move_for("backward", 50, 0.3)), off()])

# traffic_light ---------------------------------------------------------------------------------
B = "traffic_light"
E = "green-light"
add(B, E, "ok_shade_longer", "Another green for 5 seconds is fine.",
    [FLAG, all_lights(GREEN2), wait(5)])
add(B, E, "ok_wait_first", "A wait before the green does no harm.",
    [FLAG, wait(1), all_lights(GREEN), wait(3)])
add(B, E, "ok_two_waits", "Two waits of 1 and 2 seconds make 3 seconds.",
    [FLAG, all_lights(GREEN3), wait(1), wait(2)])
add(B, E, "red", "The light should be green: pick green.",
    [FLAG, all_lights(RED), wait(3)])
add(B, E, "too_short", "Green needs 3 seconds: change the wait into 3.",
    [FLAG, all_lights(GREEN), wait(1)])
add(B, E, "wait_before_green", "The wait comes before the green: put it after the green.",
    [FLAG, wait(3), all_lights(GREEN)])

E = "three-colours"
add(B, E, "ok_all_three_seconds", "3 seconds for each colour is fine.",
    [FLAG, all_lights(GREEN), wait(3), all_lights(ORANGE), wait(3), all_lights(RED), wait(3)])
add(B, E, "ok_shades", "Another green, orange and red are fine.",
    [FLAG, all_lights(GREEN2), wait(3), all_lights(ORANGE2), wait(2), all_lights(RED2),
     wait(3)])
add(B, E, "ok_dark_orange_extra_wait", "Dark orange and an extra wait at the end are fine.",
    [FLAG, all_lights(GREEN), wait(3), all_lights(ORANGE3), wait(2), all_lights(RED), wait(3),
     wait(1)])
add(B, E, "wrong_order", "It starts with red: first green, then orange, then red.",
    [FLAG, all_lights(RED), wait(3), all_lights(ORANGE), wait(2), all_lights(GREEN), wait(3)])
add(B, E, "orange_too_short", "Orange needs 2 seconds: change the wait into 2.",
    [FLAG, all_lights(GREEN), wait(3), all_lights(ORANGE), wait(1), all_lights(RED), wait(3)])
add(B, E, "no_orange", "Orange is missing: add orange and wait 2 after the green.",
    [FLAG, all_lights(GREEN), wait(3), all_lights(RED), wait(3)])

E = "repeat-cycle"
add(B, E, "ok_shades_two_seconds", "Other shades, 2 seconds each, 3 times: fine.",
    [FLAG, repeat(3, all_lights(GREEN2), wait(2), all_lights(ORANGE2), wait(2),
                  all_lights(RED2), wait(2))])
add(B, E, "ok_extra_wait", "An extra wait after the repeat does no harm.",
    [FLAG, repeat(3, all_lights(GREEN), wait(3), all_lights(ORANGE), wait(2), all_lights(RED),
                  wait(3)), wait(1)])
add(B, E, "ok_even_waits", "2.5 seconds for each colour is fine.",
    [FLAG, repeat(3, all_lights(GREEN), wait(2.5), all_lights(ORANGE3), wait(2.5),
                  all_lights(RED), wait(2.5))])
add(B, E, "forever", "'Forever' never stops: use 'repeat 3 times'.",
    [FLAG, forever(all_lights(GREEN), wait(3), all_lights(ORANGE), wait(2), all_lights(RED),
                   wait(3))])
add(B, E, "two_times", "That is 2 rounds: change the 2 into 3.",
    [FLAG, repeat(2, all_lights(GREEN), wait(3), all_lights(ORANGE), wait(2), all_lights(RED),
                  wait(3))])
add(B, E, "orange_too_short", "Orange needs 2 seconds: change the wait into 2.",
    [FLAG, repeat(3, all_lights(GREEN), wait(3), all_lights(ORANGE), wait(1), all_lights(RED),
                  wait(3))])

E = "pedestrian"
PED = [when_button("A"), all_lights(ORANGE), wait(2), all_lights(RED), wait(4),
       all_lights(GREEN)]
add(B, E, "ok_button_script_first", "The button script may be above the flag script.",
    PED, [FLAG, all_lights(GREEN), wait(20), off()])
add(B, E, "ok_longer", "Green for 25 seconds and longer orange and red are fine.",
    [FLAG, all_lights(GREEN2), wait(25), off()],
    [when_button("A"), all_lights(ORANGE2), wait(3), all_lights(RED2), wait(5),
     all_lights(GREEN2)])
add(B, E, "ok_wait_after_green", "A wait after the last green does no harm.",
    [FLAG, all_lights(GREEN), wait(20), off()], [*PED, wait(2)])
add(B, E, "no_button", "The button A block is missing: add 'when button A pressed'.",
    [FLAG, all_lights(GREEN), wait(20), off()])
add(B, E, "green_too_short", "Green must stay at least 15 seconds: wait 20.",
    [FLAG, all_lights(GREEN), wait(5), off()], PED)
add(B, E, "button_b", "The pedestrian presses button A: choose A.",
    [FLAG, all_lights(GREEN), wait(20), off()],
    [when_button("B"), all_lights(ORANGE), wait(2), all_lights(RED), wait(4),
     all_lights(GREEN)])

E = "lights-off"
CYCLE = [all_lights(GREEN), wait(3), all_lights(ORANGE), wait(2), all_lights(RED), wait(3)]
add(B, E, "ok_shades", "Other shades and 2.5 seconds each are fine.",
    [FLAG, repeat(2, all_lights(GREEN2), wait(2.5), all_lights(ORANGE2), wait(2.5),
                  all_lights(RED2), wait(2.5)), off()])
add(B, E, "ok_extra_wait", "An extra wait after 'lights off' does no harm.",
    [FLAG, repeat(2, *CYCLE), off(), wait(1)])
add(B, E, "ok_black", "Setting all lights to black switches them off too.",
    [FLAG, repeat(2, *CYCLE), all_lights(BLACK)])
add(B, E, "no_lights_off", "The lights stay red: put 'lights off' below the repeat.",
    [FLAG, repeat(2, *CYCLE)])
add(B, E, "three_times", "The card asks for 2 rounds: change the 3 into 2.",
    [FLAG, repeat(3, *CYCLE), off()])
add(B, E, "forever", "'Forever' never ends, so the lights never go off: use 'repeat 2'.",
    [FLAG, forever(*CYCLE), off()])

# -- known grader gaps (filled in after grading; see the module docstring) ----------------------

KNOWN_GRADER_GAP: dict[str, str] = {}


def main() -> None:
    verdicts = []
    for box, ex, name, expected, why, scripts in PROGRAMS:
        folder = HERE / box / ex
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        path.write_text(json.dumps(project(scripts), indent=1) + "\n", encoding="utf-8")
        entry = {"box": box, "exercise": ex, "file": f"{box}/{ex}/{name}.json",
                 "expected": expected, "why": why}
        gap = KNOWN_GRADER_GAP.get(f"{box}/{ex}/{name}")
        if gap:
            entry["known_grader_gap"] = gap
        verdicts.append(entry)
    keys = [v["file"] for v in verdicts]
    assert len(keys) == len(set(keys)), "two programs with one name"
    (HERE / "verdicts.json").write_text(json.dumps(verdicts, indent=1, ensure_ascii=False)
                                        + "\n", encoding="utf-8")
    print(f"{len(verdicts)} programs written")


if __name__ == "__main__":
    main()
