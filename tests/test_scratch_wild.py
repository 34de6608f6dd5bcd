"""Scratch projects from the wild (issue 13): what scratch-vm 5.0.300 loads and runs, dojokit
runs too. A block it does not know does nothing (said once on stderr, noted for the teacher);
stray shadows are skipped; a variable field with a null id is found by name. Only what
scratch-vm cannot open either is refused. The same cases, checked line by line against
scratch-vm, are the wild_* projects in tests/scratch_projects/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sb3build import FLAG, say, write
from sb3build import project as build

from dojokit.scratch import cast
from dojokit.scratch.project import load_project
from dojokit.scratch.runtime import Runtime, VirtualClock
from dojokit.themebox import load_box
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]


def dojokit(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG=lang)
    return subprocess.run([sys.executable, "-m", "dojokit", *args], capture_output=True,
                          text=True, timeout=60, env=env)


def said(path: Path) -> list[str]:
    lines: list[str] = []
    rt = Runtime(load_project(path).data, on_say=lambda t, k, m: lines.append(cast.to_string(m)),
                 seed=1, clock=VirtualClock())
    rt.green_flag()
    assert rt.run(timeout=10) == "done"
    return lines


def _unknown_reporter(project: dict) -> dict:
    """Puts a reporter scratch-vm does not know into the last block's MESSAGE."""
    blocks = project["targets"][1]["blocks"]
    last = f"b{len(blocks)}"
    blocks["mystery"] = {"opcode": "operator_mystery", "next": None, "parent": last,
                         "inputs": {}, "fields": {}, "shadow": False, "topLevel": False}
    blocks[last]["inputs"]["MESSAGE"] = [3, "mystery", [10, ""]]
    return project


def test_unknown_blocks_do_nothing_and_are_named_once(tmp_path):
    repeat = ("procedures_return", {"VALUE": [1, [10, "x"]]}, {})
    drum = ("music_playDrumForBeats", {}, {})
    project = _unknown_reporter(build([FLAG, say("a"), repeat, drum, repeat, say("b"),
                                       say("?")]))
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 0, r.stderr
    # as scratch-vm: the blocks are skipped, the unknown reporter reports undefined
    assert r.stdout.splitlines() == ["a", "b", "undefined"]
    notice = [line for line in r.stderr.splitlines() if "do nothing" in line]
    assert len(notice) == 1 and len(r.stderr.splitlines()) == 1, r.stderr
    for part in ("procedures_return", "music_playDrumForBeats", "operator_mystery",
                 '"Robot"', "block b3", "block b5"):
        assert part in notice[0], part
    r = dojokit("run", str(write(tmp_path, project)), lang="nl")
    assert r.returncode == 0 and "doen niets" in r.stderr


def test_an_unknown_boolean_is_false_and_its_c_block_stays_shut(tmp_path):
    inside = ("control_mystery", {"SUBSTACK": [2, "b4"]}, {})
    project = build([FLAG, inside, say("never")], [FLAG, say("after")])
    blocks = project["targets"][1]["blocks"]
    blocks["b2"]["next"] = None  # "never" sits inside the unknown C-block
    blocks["b3"]["parent"] = "b2"
    blocks["b2"]["inputs"]["SUBSTACK"] = [2, "b3"]
    blocks["b5"]["next"] = "if"
    blocks["if"] = {"opcode": "control_if_else", "next": None, "parent": "b5", "shadow": False,
                    "topLevel": False, "fields": {},
                    "inputs": {"CONDITION": [2, "cond"], "SUBSTACK": [2, "yes"],
                               "SUBSTACK2": [2, "no"]}}
    blocks["cond"] = {"opcode": "sensing_mystery", "next": None, "parent": "if",
                      "shadow": False, "topLevel": False, "inputs": {}, "fields": {}}
    for bid, text in (("yes", "true"), ("no", "false")):
        blocks[bid] = {"opcode": "looks_say", "next": None, "parent": "if", "shadow": False,
                       "topLevel": False, "fields": {}, "inputs": {"MESSAGE": [1, [10, text]]}}
    assert said(write(tmp_path, project)) == ["after", "false"]


def test_legacy_blocks_run_without_a_notice(tmp_path):
    project = build([FLAG, ("motion_scroll_right", {"DISTANCE": [1, [4, "10"]]}, {}),
                     ("looks_hideallsprites", {}, {}),
                     ("motion_align_scene", {}, {"ALIGNMENT": ["bottom-left", None]}),
                     say("?")])
    blocks = project["targets"][1]["blocks"]
    blocks["id"] = {"opcode": "sensing_userid", "next": None, "parent": "b5", "inputs": {},
                    "fields": {}, "shadow": False, "topLevel": False}
    blocks["b5"]["inputs"]["MESSAGE"] = [3, "id", [10, ""]]
    r = dojokit("run", str(write(tmp_path, project)))
    assert (r.returncode, r.stdout, r.stderr) == (0, "undefined\n", "")


def test_a_block_of_an_extension_scratch_cannot_load_is_still_refused(tmp_path):
    project = build([FLAG, ("someones_extension", {}, {}), say("x")])
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 2 and r.stdout == ""
    assert "someones_extension" in r.stderr and "Traceback" not in r.stderr


def test_files_that_cannot_be_read_are_still_refused(tmp_path):
    for name, data in {"broken.sb3": b"PK\x03\x04 not really a zip",
                       "broken.json": b'{"targets": ['}.items():
        (tmp_path / name).write_bytes(data)
        r = dojokit("run", str(tmp_path / name))
        assert r.returncode == 2 and r.stdout == "", name
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def _orphan(parent: str, opcode: str = "math_number") -> dict:
    return {"opcode": opcode, "next": None, "parent": parent, "inputs": {},
            "fields": {"NUM": ["7", None]}, "shadow": True, "topLevel": False}


def test_stray_shadows_are_skipped(tmp_path):
    project = build([FLAG, say("runs")])
    blocks = project["targets"][1]["blocks"]
    blocks["stray"] = _orphan("gone")
    blocks["under stray"] = _orphan("stray")  # hangs from the stray one: goes with it
    r = dojokit("run", str(write(tmp_path, project)))
    assert (r.returncode, r.stdout, r.stderr) == (0, "runs\n", "")
    assert set(load_project(tmp_path / "project.json").data["targets"][1]["blocks"]) == {
        "b1", "b2"}


def test_a_block_still_held_by_another_is_not_stray(tmp_path):
    # its parent is wrong, but the say block holds it: scratch-vm runs it, so do we
    project = build([FLAG, say("?")])
    blocks = project["targets"][1]["blocks"]
    blocks["n"] = {"opcode": "text", "next": None, "parent": "gone", "inputs": {},
                   "fields": {"TEXT": ["held"]}, "shadow": True, "topLevel": False}
    blocks["b2"]["inputs"]["MESSAGE"] = [1, "n"]
    assert said(write(tmp_path, project)) == ["held"]


def test_a_link_to_a_missing_block_is_still_refused(tmp_path):
    # scratch-vm itself crashes on an input that names no block
    project = build([FLAG, say("?")])
    project["targets"][1]["blocks"]["b2"]["inputs"]["MESSAGE"] = [3, "gone", [10, ""]]
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 2 and "gone" in r.stderr


def _null_var(opcode: str, name: str, parent: str, **inputs: list) -> dict:
    return {"opcode": opcode, "next": None, "parent": parent, "inputs": inputs,
            "fields": {"VARIABLE": [name, None]}, "shadow": False, "topLevel": False}


def test_null_variable_ids_are_looked_up_by_name(tmp_path):
    variables = {"id-a": ["a", 1], "id-b": ["b", 2]}
    project = build([FLAG, ("looks_say", {}, {}), ("looks_say", {}, {})], variables=variables)
    blocks = project["targets"][1]["blocks"]
    blocks["b1"]["next"] = "set"
    blocks["set"] = _null_var("data_setvariableto", "b", "b1", VALUE=[1, [10, "20"]])
    blocks["set"]["next"] = "b2"
    blocks["b2"]["parent"] = "set"
    blocks["b2"]["inputs"]["MESSAGE"] = [3, "ra", [10, ""]]
    blocks["b3"]["inputs"]["MESSAGE"] = [3, "rb", [10, ""]]
    blocks["ra"] = _null_var("data_variable", "a", "b2")
    blocks["rb"] = _null_var("data_variable", "b", "b3")
    # before: every null-id reference was the first one met, so "a" said 20 too
    assert said(write(tmp_path, project)) == ["1", "20"]


def test_the_teacher_hears_of_blocks_that_did_nothing(tmp_path):
    box = load_box(ROOT / "themeboxes" / "traffic_light")
    exercise = box.exercise("three-colours")
    data = json.loads(exercise.solutions[0].read_text(encoding="utf-8"))
    robot = next(t for t in data["targets"] if not t["isStage"])
    robot["blocks"]["extra1"] = {"opcode": "event_whenflagclicked", "next": "extra2",
                                 "parent": None, "inputs": {}, "fields": {},
                                 "shadow": False, "topLevel": True, "x": 400, "y": 0}
    robot["blocks"]["extra2"] = {"opcode": "procedures_return", "next": None,
                                 "parent": "extra1", "inputs": {}, "fields": {},
                                 "shadow": False, "topLevel": False}
    path = tmp_path / "with-return.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    verdict, _ = grade(box, exercise, path, lang="en")
    assert verdict.finished and verdict.feedback("en") == []
    assert verdict.idle == ["procedures_return"]
    note = verdict.note("en") or ""
    assert "do nothing" in note and "procedures_return" in note
    assert "niets" in (verdict.note("nl") or "") and "rien" in (verdict.note("fr") or "")
