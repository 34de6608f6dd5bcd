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
    # a bare project.json has no pictures by nature: nothing to warn about
    assert r.stderr == ""


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
    # a block of an extension scratch-vm cannot load either (blocks it loads but dojokit
    # does not know run as no-ops: tests/test_scratch_wild.py)
    project = build([FLAG, ("myextension_doThing", {}, {}), say("x")])
    r = dojokit("run", str(write(tmp_path, project)))
    assert r.returncode == 2
    assert "myextension_doThing" in r.stderr and "Robot" in r.stderr and "b2" in r.stderr


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
    # Ctrl-C as a terminal sends it: a test run started in the background inherits SIGINT
    # ignored, and Python then installs no handler, so the child gets the default back
    p = subprocess.Popen([sys.executable, "-m", "dojokit", "run", str(path)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert p.stdout is not None
        assert p.stdout.readline() == "go\n"
        p.send_signal(signal.SIGINT)
        _out, err = p.communicate(timeout=30)
    finally:
        p.kill()
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


def test_an_sb3_without_its_pictures_runs_with_a_calm_word(tmp_path):
    import zipfile

    path = tmp_path / "game.sb3"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.json", json.dumps(build([FLAG, say("hi")])))
    for lang in ("en", "nl", "fr"):
        r = dojokit("run", str(path), lang=lang)
        assert r.returncode == 0 and r.stdout == "hi\n"
        assert len(r.stderr.strip().splitlines()) == 1
        assert "Scratch" not in r.stderr  # nothing to do about it
    assert "that is fine, the program runs without them" in dojokit("run", str(path)).stderr


SAVE_AGAIN = {"en": ("save it again", "save the project again", "again from Scratch"),
              "nl": ("sla het opnieuw op", "opnieuw op in Scratch", "sla het project opnieuw"),
              "fr": ("sauvegarde-le à nouveau", "à nouveau depuis Scratch",
                     "sauvegarde le projet à nouveau")}


def test_no_message_tells_a_child_to_save_again_from_scratch(tmp_path):
    from dojokit.i18n import catalog

    for lang, phrases in SAVE_AGAIN.items():
        for key, text in catalog(lang).items():
            if key.startswith("project."):
                assert not any(p in text for p in phrases), (lang, key)
    # a damaged project: what is true, calmly (an earlier copy, or a grown-up to help)
    broken = build([FLAG, say("x")])
    broken["targets"][1]["blocks"]["b2"]["next"] = "ghost"
    path = write(tmp_path, broken)
    for lang, words in (("en", "earlier copy"), ("nl", "oudere kopie"),
                        ("fr", "copie plus ancienne")):
        r = dojokit("run", str(path), lang=lang)
        assert r.returncode == 2 and words in r.stderr, (lang, r.stderr)


@pytest.mark.parametrize("kit", [None, "sim"])
def test_a_trace_that_cannot_be_written_is_an_error_before_the_run(tmp_path, kit):
    path = write(tmp_path, build([FLAG, say("ran")]))
    (tmp_path / "afile").write_text("x")
    kit_args = ("--kit", kit) if kit else ()
    for trace, words in ((tmp_path / "nofolder" / "t.json", "folder does not exist"),
                         (tmp_path, "is a folder"),
                         (tmp_path / "afile" / "t.json", "folder does not exist")):
        r = dojokit("run", str(path), *kit_args, "--trace", str(trace))
        assert r.returncode == 2, (trace, r.stderr)
        assert r.stdout == ""  # the program did not run
        assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = dojokit("run", str(path), *kit_args, "--trace", str(tmp_path / "nofolder" / "t.json"),
                lang="nl")
    assert "die map bestaat niet" in r.stderr
    # a good path: the check leaves nothing behind when the run fails for another reason
    r = dojokit("run", str(path), "--timeout", "0", "--trace", str(tmp_path / "t.json"))
    assert r.returncode == 2 and not (tmp_path / "t.json").exists()


@pytest.mark.parametrize("kit", [None, "sim"])
def test_a_trace_that_fails_at_the_end_is_an_error_too(tmp_path, kit):
    import shutil
    import threading

    ask = ("sensing_askandwait", {"QUESTION": [1, [10, "ready?"]]}, {})
    path = write(tmp_path, build([FLAG, ask, say("done")]))
    folder = tmp_path / "traces"
    folder.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    kit_args = ["--kit", kit] if kit else []
    p = subprocess.Popen([sys.executable, "-m", "dojokit", "run", str(path), *kit_args,
                          "--trace", str(folder / "t.json")], env=env, text=True,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    guard = threading.Timer(60, p.kill)  # never wait forever for a line that does not come
    guard.start()
    try:
        assert p.stdout is not None
        assert p.stdout.readline() == "ready?\n"  # the sprite asks, and waits for the answer
        shutil.rmtree(folder)  # the folder goes away during the run
        out, err = p.communicate("yes\n", timeout=60)
    finally:
        guard.cancel()
        p.kill()
    assert out == "done\n"
    assert p.returncode == 2, err
    assert "folder does not exist" in err and "Traceback" not in err
