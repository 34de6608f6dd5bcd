"""`dojokit run` as a child or mentor uses it: in a real subprocess, reading its output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sb3build import FLAG, say, write
from sb3build import project as build

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT.parent / "shared" / "conformance"


def dojokit(*args: str, stdin: str = "", timeout: float = 60, lang: str = "en"
            ) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG=lang)
    return subprocess.run([sys.executable, "-m", "dojokit", *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, env=env)


def test_prints_exactly_what_the_project_says():
    path = CONFORMANCE / "scratch-execute" / "control-if-true-then-else.sb3"
    if not path.exists():
        pytest.skip("../shared/conformance is not beside the project")
    r = dojokit("run", str(path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == path.with_suffix(".said").read_text()
    assert r.stderr == ""


def test_empty_texts_print_nothing_and_numbers_print_as_scratch_shows_them(tmp_path):
    add = ("looks_say", {"MESSAGE": [3, "sum", [10, ""]]}, {})
    project = build([FLAG, say("a"), say(""), add, say("b")])
    project["targets"][1]["blocks"]["sum"] = {
        "opcode": "operator_add", "next": None, "parent": "b4", "shadow": False,
        "topLevel": False, "fields": {},
        "inputs": {"NUM1": [1, [4, "0.1"]], "NUM2": [1, [4, "0.2"]]}}
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["a", "0.30000000000000004", "b"]
    # a bare project.json carries no costume files: a warning on stderr, never stdout
    assert "missing" in r.stderr


def test_a_broken_file_gets_one_sentence_and_exit_2(tmp_path):
    cases = {
        "notazip.sb3": b"this is not a Scratch project",
        "empty.sb3": b"",
        "broken.json": b'{"targets": [',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        r = dojokit("run", str(tmp_path / name))
        assert r.returncode == 2, (name, r.stderr)
        assert r.stdout == ""
        assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1, name
    r = dojokit("run", str(tmp_path / "nothere.sb3"))
    assert r.returncode == 2 and "nothere.sb3" in r.stderr


def test_unknown_blocks_are_listed_with_sprite_and_block(tmp_path):
    project = build([FLAG, ("pen_clear", {}, {}), say("x")])
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 2
    assert "pen_clear" in r.stderr and "Robot" in r.stderr and "b2" in r.stderr


def test_robot_blocks_need_a_kit(tmp_path):
    project = build([FLAG, ("dojokit_lightsOff", {}, {})])
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 2
    assert "dojokit_lightsOff" in r.stderr and "--kit sim" in r.stderr
    r = dojokit("run", str(write(tmp_path, project)), lang="nl")
    assert "robotblokken" in r.stderr


def test_time_out_stops_a_forever_loop_with_its_own_exit_code(tmp_path):
    forever = ("control_forever", {"SUBSTACK": [2, None]}, {})
    project = build([FLAG, say("start"), forever])
    t0 = time.monotonic()
    r = dojokit("run", str(write(tmp_path, project)), "--timeout", "0.5")
    assert r.returncode == 124
    assert r.stdout == "start\n"
    assert "time-out" in r.stderr
    assert time.monotonic() - t0 < 10


def test_ctrl_c_stops_the_program_and_says_so(tmp_path):
    forever = ("control_forever", {"SUBSTACK": [2, None]}, {})
    path = write(tmp_path, build([FLAG, say("go"), forever]))
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    p = subprocess.Popen([sys.executable, "-m", "dojokit", "run", str(path)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    assert p.stdout.readline() == "go\n"
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=10)
    assert p.returncode == 130
    assert "Stopped" in err and "Traceback" not in err


def test_ask_reads_the_answer_from_standard_input(tmp_path):
    ask = ("sensing_askandwait", {"QUESTION": [1, [10, "name?"]]}, {})
    answer = ("looks_say", {"MESSAGE": [3, "ans", [10, ""]]}, {})
    project = build([FLAG, ask, answer])
    project["targets"][1]["blocks"]["ans"] = {
        "opcode": "sensing_answer", "next": None, "parent": "b3", "shadow": False,
        "topLevel": False, "fields": {}, "inputs": {}}
    r = dojokit("run", str(write(tmp_path, project)), stdin="Lotte\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["name?", "Lotte"]


def test_robot_program_on_the_simulated_kit_with_a_trace(tmp_path):
    project = build([
        FLAG,
        ("dojokit_setAllLights", {"COLOUR": [1, [9, "#00c850"]]}, {}),
        ("dojokit_driveFor", {"LEFT": [1, [4, "40"]], "RIGHT": [1, [4, "40"]],
                              "SECONDS": [1, [4, "0.3"]]}, {}),
        say("done"),
    ])
    trace = tmp_path / "trace.json"
    r = dojokit("run", str(write(tmp_path, project)), "--kit", "sim", "--trace", str(trace))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "done\n"
    events = json.loads(trace.read_text())["events"]
    kinds = [e["kind"] for e in events]
    assert kinds.index("light") < kinds.index("drive") < kinds.index("say")
    drive = next(e for e in events if e["kind"] == "drive")
    said = next(e for e in events if e["kind"] == "say")
    assert said["t"] - drive["t"] >= 0.29  # the thread waited for the timed drive
    assert "stop" in kinds[kinds.index("say"):]  # the robot is stopped at the end
