"""Issue 10: the checks judge exactly what the card asks. A program that does what the card says
finishes; the plausible mistakes (forward twice for "there and back", driving instead of
turning, a loose turn block, repeat 2 for "repeat 3", fast near the wall, both lights at once,
button B for button A, one cycle too many) get the feedback of the check that sees them.
Every program runs on the simulated kit in the shipped box's world."""

from __future__ import annotations

import functools
import importlib.util
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from dojokit.themebox import load_box
from dojokit.themebox.format import Check
from dojokit.themebox.grade import grade, judge

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "learner_make", ROOT / "tests" / "learner_programs" / "make.py")
assert _spec and _spec.loader
L = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("learner_make", L)  # dataclasses look their module up there
_spec.loader.exec_module(L)  # the learner programs' block builders (no files are written)

FLAG = L.FLAG
FB = "themebox.feedback."


@functools.cache
def _box(name: str):
    return load_box(ROOT / "themeboxes" / name)


def _grade(tmp_path: Path, box: str, exercise: str, *scripts, checks=None):
    """Grade the program on the shipped exercise; with `checks` [(predicate, args)] judge
    the same run by those checks only (the exercise's own ones otherwise)."""
    path = tmp_path / f"p{len(list(tmp_path.iterdir()))}.json"
    program = L.project(list(scripts))
    path.write_text(json.dumps(program), encoding="utf-8")
    b = _box(box)
    ex = b.exercise(exercise)
    verdict, trace = grade(b, ex, path, lang="en")
    if checks is not None:
        own = tuple(Check(name, {**_defaults(name), **args}, 0) for name, args in checks)
        verdict = judge(b, replace(ex, checks=own), program, trace, "en")
    return verdict


def _defaults(name: str) -> dict:
    from dojokit.themebox.format import PREDICATES

    return {p.name: p.default for p in PREDICATES[name].params if not p.required}


def _keys(verdict) -> list[str]:
    return [k.removeprefix(FB) for k, _ in verdict.failures]


def _speaks_all_languages(verdict) -> None:
    for lang in ("en", "nl", "fr"):
        texts = verdict.feedback(lang)
        assert len(texts) == len(verdict.failures) and all(texts)
        assert not any("{" in t or "wrong" in t.lower() for t in texts), texts


# -- there and back: net displacement, not the distance summed ------------------------------
def test_there_and_back_passes_and_forward_twice_is_told_to_come_back(tmp_path):
    ok = _grade(tmp_path, "robot_dance", "forward-back",
                [FLAG, L.move_for("forward", 50, 2), L.move_for("backward", 50, 2)])
    assert ok.finished, ok.failures
    twice = _grade(tmp_path, "robot_dance", "forward-back",
                   [FLAG, L.move_for("forward", 50, 2), L.move_for("forward", 50, 2)])
    assert _keys(twice) == ["returns_to_start.not_back"]  # it drove far enough, only one way
    _speaks_all_languages(twice)
    turning = _grade(tmp_path, "robot_dance", "forward-back",
                     [FLAG, L.move_for("turn_left", 50, 2), L.move_for("turn_right", 50, 2)])
    assert "returns_to_start.not_away" in _keys(turning)


# -- turning on the spot, and which way --------------------------------------------------------
def test_turning_left_and_back_on_the_spot_passes_and_driving_does_not(tmp_path):
    ok = _grade(tmp_path, "robot_dance", "spin",
                [FLAG, L.move_for("turn_left", 50, 2), L.move_for("turn_right", 50, 2)])
    assert ok.finished, ok.failures
    drives = _grade(tmp_path, "robot_dance", "spin",
                    [FLAG, L.move_for("forward", 50, 2), L.move_for("backward", 50, 2)])
    assert _keys(drives) == ["turns_on_spot.too_little"]
    _speaks_all_languages(drives)


def test_a_loose_turn_block_is_not_turning_back(tmp_path):
    # "to the left and back": the right turn lies loose, so the robot only turned left
    loose = _grade(tmp_path, "robot_dance", "spin",
                   [FLAG, L.move_for("turn_left", 50, 2)], [L.move_for("turn_right", 50, 2)])
    assert _keys(loose) == ["turns_on_spot.too_little"]


def test_turning_while_driving_away_is_not_turning_on_the_spot(tmp_path):
    curve = _grade(tmp_path, "robot_dance", "spin",
                   [FLAG, L.move_for("turn_left", 50, 2), L.move_for("forward", 50, 1),
                    L.move_for("turn_right", 50, 2)])
    assert _keys(curve) == ["turns_on_spot.moved"]
    _speaks_all_languages(curve)


def test_a_turn_is_judged_by_its_direction(tmp_path):
    left = [FLAG, L.move_for("turn_left", 50, 1)]
    want_left = _grade(tmp_path, "robot_dance", "spin", left,
                       checks=[("turns", {"degrees": 45, "direction": "left"})])
    assert want_left.finished, want_left.failures
    want_right = _grade(tmp_path, "robot_dance", "spin", left,
                        checks=[("turns", {"degrees": 45, "direction": "right"})])
    assert _keys(want_right) == ["turns.too_little"]
    assert want_right.failures[0][1]["degrees"] == 0


# -- how many times a pattern of moves repeats, from the trace -------------------------------
STEP = [L.move_for("forward", 50, 1), L.move_for("backward", 50, 1),
        L.move_for("turn_left", 50, 0.5), L.move_for("turn_right", 50, 0.5)]


def test_a_dance_step_three_times_passes_and_two_or_four_do_not(tmp_path):
    ok = _grade(tmp_path, "robot_dance", "dance-step", [FLAG, L.repeat(3, *STEP)])
    assert ok.finished, ok.failures
    # repeat 2, a bit faster and longer: the distance is close enough, the count is not
    fast = [L.move_for("forward", 75, 1.4), L.move_for("backward", 75, 1.4), *STEP[2:]]
    two = _grade(tmp_path, "robot_dance", "dance-step", [FLAG, L.repeat(2, *fast)])
    assert _keys(two) == ["motion_repeats.too_few"]
    assert two.failures[0][1] == {"rounds": 2, "want": 3}
    _speaks_all_languages(two)
    four = _grade(tmp_path, "robot_dance", "dance-step", [FLAG, L.repeat(4, *STEP)])
    assert _keys(four) == ["motion_repeats.too_many"]


# -- fast when far, slow when near -------------------------------------------------------------
def _slow_down(near_speed: int, far_speed: int) -> list:
    return [FLAG, L.repeat_until(L.lt(L.dist(), 6),
                                 L.if_else(L.lt(L.dist(), 30), [L.move("forward", near_speed)],
                                           [L.move("forward", far_speed)])), L.stop()]


def test_slow_near_the_wall_passes_and_swapped_speeds_do_not(tmp_path):
    ok = _grade(tmp_path, "parking_sensor", "slow-down", _slow_down(15, 50))
    assert ok.finished, ok.failures
    swapped = _grade(tmp_path, "parking_sensor", "slow-down", _slow_down(50, 15))
    assert _keys(swapped) == ["slower_near_wall.not_slower"]
    _speaks_all_languages(swapped)
    same = _grade(tmp_path, "parking_sensor", "slow-down", _slow_down(40, 40))
    assert _keys(same) == ["slower_near_wall.not_slower"]


# -- a light pattern exactly as many times as the card says -----------------------------------
CYCLE = [L.all_lights(L.GREEN), L.wait(3), L.all_lights(L.ORANGE), L.wait(2),
         L.all_lights(L.RED), L.wait(3)]


def test_the_cycle_exactly_twice_then_off_passes_and_three_times_does_not(tmp_path):
    ok = _grade(tmp_path, "traffic_light", "lights-off", [FLAG, L.repeat(2, *CYCLE), L.off()])
    assert ok.finished, ok.failures
    three = _grade(tmp_path, "traffic_light", "lights-off",
                   [FLAG, L.repeat(3, *CYCLE), L.off()])
    assert _keys(three) == ["light_repeats.too_many"]
    assert three.failures[0][1] == {"rounds": 3, "want": 2}
    _speaks_all_languages(three)
    short = [L.all_lights(L.GREEN), L.wait(3), L.all_lights(L.ORANGE), L.wait(1),
             L.all_lights(L.RED), L.wait(3)]
    quick = _grade(tmp_path, "traffic_light", "lights-off",
                   [FLAG, L.repeat(2, *short), L.off()])
    assert _keys(quick) == ["light_repeats.too_short"]


def test_lights_left_off_at_the_end_are_not_a_short_signal(tmp_path):
    # off-then-yellow five times, and off at the end: five full signals (a teacher accepts)
    ok = _grade(tmp_path, "lighthouse", "five-times",
                [FLAG, L.repeat(5, L.off(), L.wait(2), L.all_lights(L.YELLOW), L.wait(2)),
                 L.off()])
    assert ok.finished, ok.failures
    # ...but an off step in the middle still has to last
    short = _grade(tmp_path, "lighthouse", "five-times",
                   [FLAG, L.repeat(5, L.all_lights(L.YELLOW), L.wait(2), L.off(), L.wait(0.5))])
    assert "light_sequence.too_short" in _keys(short)


# -- lights in turn, not together --------------------------------------------------------------
def test_two_lights_in_turn_pass_and_together_do_not(tmp_path):
    ok = _grade(tmp_path, "lighthouse", "two-lights",
                [FLAG, L.repeat(3, L.light(1, L.YELLOW), L.light(2, L.BLACK), L.wait(2),
                                L.light(2, L.YELLOW), L.light(1, L.BLACK), L.wait(2)), L.off()])
    assert ok.finished, ok.failures
    together = _grade(tmp_path, "lighthouse", "two-lights",
                      [FLAG, L.repeat(3, L.light(1, L.YELLOW), L.light(2, L.YELLOW), L.wait(2),
                                      L.light(1, L.BLACK), L.light(2, L.BLACK), L.wait(2)),
                       L.off()])
    assert _keys(together) == ["lights_in_turn.together"]
    _speaks_all_languages(together)


# -- a block with the menu choice the card asks for --------------------------------------------
PED = [L.all_lights(L.ORANGE), L.wait(2), L.all_lights(L.RED), L.wait(4), L.all_lights(L.GREEN)]


def test_when_button_b_is_not_the_button_a_the_card_asks_for(tmp_path):
    main = [FLAG, L.all_lights(L.GREEN), L.wait(20), L.off()]
    ok = _grade(tmp_path, "traffic_light", "pedestrian", main, [L.when_button("A"), *PED])
    assert ok.finished, ok.failures
    b = _grade(tmp_path, "traffic_light", "pedestrian", main, [L.when_button("B"), *PED])
    assert _keys(b) == ["uses_block.other_choice"]
    text = b.feedback("en")[0]
    assert "B" in text and "A" in text
    _speaks_all_languages(b)
    none = _grade(tmp_path, "traffic_light", "pedestrian", main)
    assert _keys(none) == ["uses_block.missing"]


# -- determinism -------------------------------------------------------------------------------
@pytest.mark.parametrize("box,exercise", [("robot_dance", "spin"),
                                          ("parking_sensor", "slow-down")])
def test_grading_a_motion_program_twice_gives_the_same_trace(tmp_path, box, exercise):
    ex = _box(box).exercise(exercise)
    runs = [grade(_box(box), ex, ex.solutions[0]) for _ in range(2)]
    assert runs[0][0].trace_hash == runs[1][0].trace_hash
    assert runs[0][1] == runs[1][1]
