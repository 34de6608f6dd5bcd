"""The pen extension against scratch-vm itself.

tests/scratch_vectors/pen.json holds sequences of pen blocks and the pen state scratch-vm
5.0.300's own extension code kept after every step, headless (written by make_pen_vectors.js
under Node). Each is replayed here on a real sprite of a running project, clones made by the
runtime, and compared number for number, NaN and -0 included. The pen has no reporter, so no
sprite can say its state: these vectors are the check, the project tests below show the blocks
run inside projects (and under `dojokit run`).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsvalues
import pytest
from jsvalues import same
from sb3build import FLAG, say, write
from sb3build import project as build

from dojokit.scratch import cast
from dojokit.scratch import pen as PEN
from dojokit.scratch.model import Target
from dojokit.scratch.runtime import Runtime, VirtualClock

ROOT = Path(__file__).resolve().parents[1]
VECTORS = json.loads((ROOT / "tests" / "scratch_vectors" / "pen.json").read_text("utf-8"))
def decode(v: Any) -> Any:
    """A value from the file; JSON null (a clone's copy of NaN) counts as 0, as in JS sums."""
    return 0.0 if v is None else jsvalues.decode(v)


BLOCKS = {
    "setPenColorToColor": PEN.set_color,
    "changePenColorParamBy": PEN.change_param,
    "setPenColorParamTo": PEN.set_param,
    "changePenSizeBy": PEN.change_size,
    "setPenSizeTo": PEN.set_size,
    "setPenHueToNumber": PEN.set_hue,
    "changePenHueBy": PEN.change_hue,
    "setPenShadeToNumber": PEN.set_shade,
    "changePenShadeBy": PEN.change_shade,
    "penDown": PEN.pen_down,
    "penUp": PEN.pen_up,
    "clear": lambda t: None,
    "stamp": lambda t: None,
}


def _runtime() -> Runtime:
    return Runtime(build([FLAG]), clock=VirtualClock(), seed=1)


def _robot(rt: Runtime) -> Target:
    return next(t for t in rt.targets if not t.is_stage)


def _as_list(s: PEN.PenState | None) -> list[Any] | None:
    if s is None:
        return None
    return [s.down, s.color, s.saturation, s.brightness, s.transparency, s.shade,
            list(s.color4f), s.diameter]


def _differs(got: list[Any] | None, want: list[Any] | None) -> bool:
    if got is None or want is None:
        return got is not want
    flat_got = [*got[:6], *got[6], got[7]]
    flat_want = [*want[:6], *want[6], want[7]]
    return not all(same(g, decode(w)) for g, w in zip(flat_got, flat_want, strict=True))


def test_the_vectors_come_from_scratch_vm() -> None:
    assert VECTORS["scratch_vm"] == "5.0.300"
    assert len(VECTORS["cases"]) > 1500
    used = {step[0] for steps, _ in VECTORS["cases"] for step in steps}
    assert used == set(BLOCKS) | {"clone", "original"}


def test_every_vector_matches_scratch_vm() -> None:
    failures = []
    for steps, states in VECTORS["cases"]:
        rt = _runtime()
        original = target = _robot(rt)
        for i, (step, want) in enumerate(zip(steps, states, strict=True)):
            block, args = step[0], [decode(a) if isinstance(a, dict) else a for a in step[1:]]
            if block == "clone":
                rt.create_clone(target, "_myself_")
                target = original.sprite.clones[-1]
            elif block == "original":
                target = original
            else:
                BLOCKS[block](target, *args)
            got = _as_list(target.pen)
            if _differs(got, want):
                failures.append(f"{steps[:i + 1]}: got {got}, scratch-vm {want}")
                break
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:20])


# -- the facts the vectors pin down, spelled out ------------------------------------------


def test_defaults_are_made_on_first_use() -> None:
    rt = _runtime()
    robot = _robot(rt)
    assert robot.pen is None
    PEN.pen_down(robot)
    assert robot.pen == PEN.PenState(down=True)
    assert robot.pen.color4f == [0.0, 0.0, 1.0, 1.0] and robot.pen.color == 66.66


def test_colour_wraps_at_101_and_the_rest_clamp() -> None:
    robot = _robot(_runtime())
    PEN.set_param(robot, "color", 150)
    assert robot.pen is not None and robot.pen.color == 49.0  # 150 - 101: 100 itself is kept
    PEN.set_param(robot, "color", 100)
    assert robot.pen.color == 100.0
    PEN.change_param(robot, "saturation", -500)
    PEN.set_param(robot, "transparency", "250")
    assert (robot.pen.saturation, robot.pen.transparency) == (0.0, 100.0)
    assert robot.pen.color4f[3] == 0.0
    PEN.set_size(robot, 5000)
    assert robot.pen.diameter == 1200.0
    PEN.change_size(robot, "-1e9")
    assert robot.pen.diameter == 1.0
    PEN.set_param(robot, "COLOR", 10)  # the menu value is matched exactly: nothing changes
    assert robot.pen.color == 100.0


def test_colour_texts_and_numbers() -> None:
    robot = _robot(_runtime())
    PEN.set_color(robot, "#f00")
    assert robot.pen is not None and robot.pen.color4f == [1.0, 0.0, 0.0, 1.0]
    PEN.set_color(robot, 0x80FF0000)  # the top byte of a number is its alpha
    assert robot.pen.transparency == 100 * (1 - 128 / 255)
    PEN.set_color(robot, "#nothex")  # not a colour: black
    assert (robot.pen.brightness, robot.pen.transparency) == (0.0, 0.0)


def test_an_infinite_hue_stays_nan_until_the_colour_is_set() -> None:
    robot = _robot(_runtime())
    PEN.change_param(robot, "color", "Infinity")
    assert robot.pen is not None and math.isnan(robot.pen.color)
    PEN.change_param(robot, "color", 10)
    assert math.isnan(robot.pen.color)
    PEN.set_color(robot, "#00ff00")
    assert robot.pen.color == pytest.approx(100 / 3)


# -- inside projects ----------------------------------------------------------------------


def test_a_whole_project_ends_with_the_pen_state_scratch_vm_ends_with() -> None:
    """pen_project.json as both runtimes run it: colours from a colour picker and from a
    join, a menu shadow covered by a reporter, 0/0 as a value, the legacy blocks, a clone
    made with the pen down, and the stage's own pen."""
    data = json.loads((ROOT / "tests" / "scratch_vectors" / "pen_project.json").read_text())
    rt = Runtime(data, clock=VirtualClock(), seed=1)
    rt.green_flag()
    assert rt.run(timeout=10) == "done"
    got = [[t.name, t.is_original, _as_list(t.pen)] for t in rt.targets]
    want = VECTORS["project"]
    assert [g[:2] for g in got] == [w[:2] for w in want]
    for (name, _, state), (_, _, want_state) in zip(got, want, strict=True):
        assert not _differs(state, want_state), (name, state, want_state)
    assert got[2][2] is not None and got[2][2][0] is True  # the clone's pen is down


def _block(op: str, **inputs: Any) -> tuple[str, dict[str, Any], dict[str, Any]]:
    return op, {k: [1, [4 if isinstance(v, int | float) else 10, str(v)]]
                for k, v in inputs.items()}, {}


def _pen_project() -> dict[str, Any]:
    """Pen blocks as Scratch saves them: the parameter menu is a shadow block of its own."""
    project = build([
        FLAG,
        ("pen_clear", {}, {}),
        ("pen_penDown", {}, {}),
        _block("pen_setPenColorToColor", COLOR="#ff0000"),
        ("pen_changePenColorParamBy", {"COLOR_PARAM": [1, "menu"],
                                       "VALUE": [1, [4, "20"]]}, {}),
        _block("pen_setPenSizeTo", SIZE=8),
        _block("pen_changePenSizeBy", SIZE=-2),
        ("pen_stamp", {}, {}),
        _block("pen_changePenShadeBy", SHADE=10),
        ("control_create_clone_of", {"CLONE_OPTION": [1, "clonemenu"]}, {}),
        ("pen_penUp", {}, {}),
        say("done"),
    ])
    blocks = project["targets"][1]["blocks"]
    blocks["menu"] = {"opcode": "pen_menu_colorParam", "next": None, "parent": "b5",
                      "inputs": {}, "fields": {"colorParam": ["brightness", None]},
                      "shadow": True, "topLevel": False}
    blocks["clonemenu"] = {"opcode": "control_create_clone_of_menu", "next": None,
                           "parent": "b10", "inputs": {},
                           "fields": {"CLONE_OPTION": ["_myself_", None]}, "shadow": True,
                           "topLevel": False}
    project["extensions"] = ["pen"]
    return project


def test_a_project_with_pen_blocks_runs_and_keeps_pen_state() -> None:
    lines: list[str] = []
    rt = Runtime(_pen_project(), clock=VirtualClock(), seed=1,
                 on_say=lambda t, k, m: lines.append(cast.to_string(m)))
    rt.green_flag()
    assert rt.run(timeout=10) == "done"
    assert lines == ["done"]
    robot = _robot(rt)
    assert robot.pen is not None and robot.pen.down is False
    assert robot.pen.diameter == 6.0
    clone = robot.sprite.clones[1]
    # the clone was made while the pen was still down, with everything else copied too
    assert clone.pen is not None and clone.pen.down is True
    assert clone.pen == PEN.PenState(**{**robot.pen.__dict__, "down": True})


def test_a_clone_of_a_clone_copies_the_original_sprite_s_pen() -> None:
    rt = _runtime()
    robot = _robot(rt)
    PEN.set_size(robot, 4)
    rt.create_clone(robot, "_myself_")
    first = robot.sprite.clones[-1]
    PEN.set_size(first, 9)
    rt.create_clone(first, "_myself_")
    second = robot.sprite.clones[-1]
    assert second.pen is not None and second.pen.diameter == 4.0  # as scratch-vm: clones[0]


def test_dojokit_run_runs_a_project_with_pen_blocks(tmp_path: Path) -> None:
    path = write(tmp_path, _pen_project())
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    r = subprocess.run([sys.executable, "-m", "dojokit", "run", str(path)],
                       capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "done\n"
    assert r.stderr == ""
