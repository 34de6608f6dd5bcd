"""The studio's files: open and save lose nothing, autosave survives kill -9 (the Open /
Save As screen is tested in test_studio_filescreen.py)."""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import dojokit.studio  # noqa: F401  (before pygame: no banner)
from dojokit.cli import run as cli_run
from dojokit.scratch import cast
from dojokit.scratch.project import ProjectError, load_project
from dojokit.scratch.runtime import Runtime, VirtualClock
from dojokit.studio import files
from dojokit.studio.program import Place, Program, editing_target

ROOT = Path(__file__).resolve().parents[1]
CONFORMANCE = ROOT.parent / "shared" / "conformance"
SHIPPED = sorted((ROOT / "themeboxes").glob("*/programs/**/*.json"))
PROJECTS = sorted(CONFORMANCE.glob("*/*.sb3"))
ALL = SHIPPED + PROJECTS
ROBOT_SECONDS = 4.0  # virtual: long enough to tell runs apart, short for forever loops


def original_json(path: Path) -> dict[str, Any]:
    """project.json exactly as it is in the file (not as our loader gives it)."""
    if path.suffix == ".sb3":
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("project.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def saved_json(path: Path) -> dict[str, Any]:
    return original_json(path)


def _ids(p: Path) -> str:
    return str(p.relative_to(p.parents[2]))


# -- lossless round trip --------------------------------------------------------------------
def test_every_shipped_and_conformance_program_is_there():
    assert len(SHIPPED) >= 100
    if CONFORMANCE.exists():
        assert len(PROJECTS) >= 47


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_open_then_save_keeps_every_block_input_field_comment_and_position(path, tmp_path):
    original = original_json(path)
    opened = files.open_program(path)
    sb3 = files.save_program(opened, tmp_path / "saved.sb3")
    bare = files.save_program(opened, tmp_path / "saved.json")
    assert saved_json(sb3) == original
    assert saved_json(bare) == original
    # and the key order too: nothing is rearranged on the way
    assert list(saved_json(sb3)["targets"][0]) == list(original["targets"][0])
    # the .sb3 opens in our loader with every costume and sound present
    assert load_project(sb3).warnings == []


def _edit_everything(program: Program) -> None:
    """A child's session: add, type, move, delete and put back, in every script."""
    new = program.add("control_wait", Place("top", x=300, y=40))
    program.set_value(new, "DURATION", "3")
    for top in program.scripts()[:3]:
        bottom = program.bottom(top)
        if program.can_place(None, Place("next", ref=bottom), "control_wait"):
            program.add("control_wait", Place("next", ref=bottom))
    if program.can_place(new, Place("above", ref=program.scripts()[0])):
        program.move(new, Place("above", ref=program.scripts()[0]))
    program.drag_to(new, 500, 500)
    program.delete(new)
    program.put_back()
    program.delete(program.scripts()[0])


@pytest.mark.parametrize("path", ALL, ids=_ids)
def test_edits_undone_to_the_start_save_the_original(path, tmp_path):
    original = original_json(path)
    opened = files.open_program(path)
    _edit_everything(opened.program)
    assert saved_json(files.save_program(opened, tmp_path / "edited.json")) != original
    while opened.program.undo():
        pass
    assert saved_json(files.save_program(opened, tmp_path / "undone.sb3")) == original
    assert saved_json(files.save_program(opened, tmp_path / "undone.json")) == original


# -- the saved files run identically ----------------------------------------------------------
class _NoAnswers:
    """What `dojokit run` answers with standard input at its end: an empty line each time
    (in-process, without its reader thread)."""

    def __call__(self) -> str:
        return ""


def dojokit_run(path: Path, kit: str | None, trace: Path | None,
                timeout: float = ROBOT_SECONDS) -> tuple[int, list[str], Any]:
    """`dojokit run [--kit KIT] PATH` in this process: exit code, printed lines, trace."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli_run.cmd_run(str(path), kit, timeout, str(trace) if trace else None, 0)
    gc.unfreeze()  # a simulated run freezes its start-up objects; let them go between runs
    got = json.loads(trace.read_text(encoding="utf-8")) if trace else None
    if got is not None:
        got.pop("program")  # the file's name, not what it did
    return code, out.getvalue().splitlines(), got


def test_saved_programs_print_the_same_lines_and_leave_the_same_trace(tmp_path, monkeypatch):
    """`dojokit run --kit sim` on the saved .sb3 prints the same lines and leaves the same
    trace as on the shipped file (virtual time, so the same run every time). The saved .json
    holds the very same project.json (test above). Robot-free starters also run without a
    kit, from both copies. Each distinct program once: this is most of this file's time."""
    monkeypatch.setattr(cli_run, "Answers", _NoAnswers)
    seen: set[bytes] = set()
    robots = 0
    for path in SHIPPED:
        if path.read_bytes() in seen:
            continue
        seen.add(path.read_bytes())
        opened = files.open_program(path)
        copy = files.save_program(opened, tmp_path / f"{path.stem}.sb3")
        first = dojokit_run(path, "sim", tmp_path / "original.trace")
        assert first[0] in (0, 124), path
        assert dojokit_run(copy, "sim", tmp_path / "copy.trace") == first, _ids(path)
        if load_project(path).robot_blocks:
            robots += 1
            continue
        # real time: a starter's empty forever loop would spin until the time-out
        plain = dojokit_run(path, None, None, timeout=0.5)
        bare = files.save_program(opened, tmp_path / f"{path.stem}.json")
        for again in (copy, bare):
            assert dojokit_run(again, None, None, timeout=0.5) == plain, _ids(path)
    assert robots >= 80


def said_virtually(path: Path) -> list[str]:
    lines: list[str] = []

    def on_say(target: object, kind: str, message: object) -> None:
        if text := cast.to_string(message):
            lines.append(text)

    rt = Runtime(load_project(path).data, on_say=on_say, seed=1, clock=VirtualClock())
    rt.green_flag()
    assert rt.run(timeout=20.0) == "done"
    return lines


@pytest.mark.skipif(not PROJECTS, reason="../shared/conformance is not beside the project")
def test_saved_conformance_projects_say_what_scratch_vm_says(tmp_path, monkeypatch):
    """The reference VM's lines: `dojokit run --kit sim` on the saved .sb3 and the runtime
    for the saved .json, both on virtual time. (In real time a starved process may end a
    frame early, as scratch-vm would: the order of two threads' lines then differs, which is
    not what this file's saving is about; tests/test_scratch_conformance.py runs them in
    real time as well.)"""
    monkeypatch.setattr(cli_run, "Answers", _NoAnswers)
    for path in PROJECTS:
        expected = path.with_suffix(".said").read_text(encoding="utf-8").splitlines()
        opened = files.open_program(path)
        copy = files.save_program(opened, tmp_path / "copy.sb3")
        assert dojokit_run(copy, "sim", None, timeout=30.0) == (0, expected, None), path.name
        assert said_virtually(files.save_program(opened, tmp_path / "copy.json")) == expected


# -- what else is kept ------------------------------------------------------------------------
def _project(blocks: dict[str, Any] | None = None, costume: str = "a" * 32,
             sound: str | None = None) -> dict[str, Any]:
    sprite_sounds = ([{"name": "pop", "assetId": sound, "md5ext": f"{sound}.wav",
                       "dataFormat": "wav", "rate": 22050, "sampleCount": 32}]
                     if sound else [])
    return {"targets": [
        {"isStage": True, "name": "Stage", "variables": {}, "lists": {}, "broadcasts": {},
         "blocks": {}, "comments": {}, "currentCostume": 0, "sounds": [], "volume": 100,
         "costumes": [{"name": "backdrop1", "assetId": files.BLANK_SVG_MD5,
                       "md5ext": f"{files.BLANK_SVG_MD5}.svg", "dataFormat": "svg",
                       "rotationCenterX": 0, "rotationCenterY": 0}]},
        {"isStage": False, "name": "Robot", "variables": {}, "lists": {}, "broadcasts": {},
         "blocks": blocks or {}, "currentCostume": 0, "sounds": sprite_sounds,
         "comments": {"c1": {"blockId": None, "x": 5, "y": 6, "width": 200, "height": 100,
                             "minimized": False, "text": "mijn robot ✓"}},
         "costumes": [{"name": "c1", "assetId": costume, "md5ext": f"{costume}.svg",
                       "dataFormat": "svg", "rotationCenterX": 10, "rotationCenterY": 12}]}],
        "monitors": [], "extensions": [], "meta": {"semver": "3.0.0", "vm": "5.0.300",
                                                    "agent": "test", "origin": "elsewhere"}}


def test_pictures_and_sounds_of_an_sb3_are_kept_byte_for_byte(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect/></svg>'
    wav = files.PLACEHOLDERS["wav"] + b"\x01\x02"
    src = tmp_path / "mine.sb3"
    with zipfile.ZipFile(src, "w") as zf:
        zf.writestr("project.json", json.dumps(_project(costume="c" * 32, sound="d" * 32)))
        zf.writestr("c" * 32 + ".svg", svg)
        zf.writestr("d" * 32 + ".wav", wav)
    opened = files.open_program(src)
    out = files.save_program(opened, tmp_path / "out.sb3")
    with zipfile.ZipFile(out) as zf:
        assert zf.read("c" * 32 + ".svg") == svg
        assert zf.read("d" * 32 + ".wav") == wav
        # the stage's backdrop was missing: Scratch's own empty one, whose md5 is its name
        blank = zf.read(f"{files.BLANK_SVG_MD5}.svg")
        assert files.hashlib.md5(blank).hexdigest() == files.BLANK_SVG_MD5
    assert saved_json(out) == _project(costume="c" * 32, sound="d" * 32)


def test_a_bare_json_saved_as_sb3_gets_a_valid_file_for_every_costume(tmp_path):
    src = tmp_path / "bare.json"
    src.write_text(json.dumps(_project()), encoding="utf-8")
    out = files.save_program(files.open_program(src), tmp_path / "out.sb3")
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert names == {"project.json", f"{files.BLANK_SVG_MD5}.svg", "a" * 32 + ".svg"}
        assert zf.read("a" * 32 + ".svg").startswith(b"<svg")
    assert load_project(out).warnings == []


def test_blocks_from_elsewhere_open_and_are_saved_unchanged(tmp_path):
    blocks = {"p1": {"opcode": "music_setTempo", "next": None, "parent": None, "inputs": {},
                     "fields": {}, "shadow": False, "topLevel": True, "x": 1, "y": 2}}
    src = tmp_path / "pen.json"
    src.write_text(json.dumps(_project(blocks)), encoding="utf-8")
    # `dojokit run` runs it as scratch-vm does: the block it does not know does nothing
    assert load_project(src).idle == ["music_setTempo"]
    opened = files.open_program(src)
    assert opened.unknown_opcodes == ["music_setTempo"]
    assert saved_json(files.save_program(opened, tmp_path / "o.sb3")) == _project(blocks)


def test_a_broken_file_gives_the_loaders_one_sentence(tmp_path):
    for name, body in {"broken.json": b'{"targets": [', "not.sb3": b"hello",
                       "empty.sb3": b""}.items():
        (tmp_path / name).write_bytes(body)
        with pytest.raises(ProjectError) as ours:
            files.open_program(tmp_path / name)
        with pytest.raises(ProjectError) as loaders:
            load_project(tmp_path / name)
        assert str(ours.value) == str(loaders.value)
        assert "\n" not in str(ours.value) and "Traceback" not in str(ours.value)


def test_saving_where_it_cannot_says_why_in_one_sentence(tmp_path):
    opened = files.open_program(SHIPPED[0])
    with pytest.raises(files.SaveError) as nofolder:
        files.save_program(opened, tmp_path / "nope" / "x.sb3")
    assert nofolder.value.key == "studio.files.no_folder"
    assert "nope" in str(nofolder.value) and "\n" not in str(nofolder.value)
    (tmp_path / "dir.sb3").mkdir()
    with pytest.raises(files.SaveError) as isdir:
        files.save_program(opened, tmp_path / "dir.sb3")
    assert isdir.value.key == "studio.files.is_folder" and "dir.sb3" in str(isdir.value)
    assert not list(tmp_path.glob(".*.tmp"))  # no half-written leftovers


def test_saving_over_a_file_replaces_it_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "mine.sb3"
    files.save_program(files.open_program(SHIPPED[0]), target)
    os.chmod(target, 0o640)
    files.save_program(files.open_program(SHIPPED[1]), target)
    assert saved_json(target) == original_json(SHIPPED[1])
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["mine.sb3"]


# -- autosave -------------------------------------------------------------------------------
def test_autosave_after_every_change_and_the_last_work_comes_back(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "data_dir", lambda: tmp_path / "data")
    starter = ROOT / "themeboxes" / "traffic_light" / "programs" / "green-light" / "starter.json"
    assert files.load_autosave("Lotte", "traffic_light", "green-light", starter).data == \
        original_json(starter)
    opened = files.load_autosave("Lotte", "traffic_light", "green-light", starter)
    path = files.autosave_path("Lotte", "traffic_light", "green-light")
    saver = files.Autosaver(opened, path)
    assert not saver.maybe_save() and not path.exists()  # nothing changed yet
    prog = opened.program
    bid = prog.add("dojokit_lightsOff", Place("next", ref=prog.scripts()[0]))
    assert saver.maybe_save() and saved_json(path) == prog.data
    assert not saver.maybe_save()  # once per change
    prog.add("control_wait", Place("next", ref=bid))
    assert saver.maybe_save()
    prog.undo()
    assert saver.maybe_save()  # an undo is a change too
    back = files.load_autosave("Lotte", "traffic_light", "green-light", starter)
    assert back.data == prog.data and back.data != original_json(starter)
    # another learner, another exercise: the starter
    other = files.load_autosave("lotte", "traffic_light", "green-light", starter)
    assert other.data == original_json(starter)


def test_autosave_names_are_safe_on_every_file_system(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "data_dir", lambda: tmp_path)
    names = ["Lotte", "lotte", "Lötte", "CON", "a/b", "..", "x:y*?", "  ", "名前", "a" * 300]
    paths = {files.autosave_path(n, "box", "ex") for n in names}
    assert len(paths) == len(names)  # never two learners in one folder
    for p in paths:
        part = p.relative_to(tmp_path).parts[1]
        assert len(part) <= 60 and part == part.lower()
        assert all(c.isascii() and (c.isalnum() or c == "-") for c in part)
        assert part.split(".")[0] not in ("con", "nul", "prn", "aux")  # Windows keeps these


def test_a_failed_autosave_does_not_stop_the_studio(tmp_path):
    (tmp_path / "file").write_text("x")
    opened = files.open_program(SHIPPED[0])
    saver = files.Autosaver(opened, tmp_path / "file" / "auto.sb3")
    opened.program.add("control_wait", Place("top", x=0, y=0))
    assert not saver.maybe_save()
    assert saver.error and "\n" not in saver.error
    assert not saver.maybe_save()  # not tried again every frame, only at the next change


_CHILD = """
import sys
from pathlib import Path
from dojokit.studio.files import Autosaver, open_program
from dojokit.studio.program import Place
path, starter = Path(sys.argv[1]), Path(sys.argv[2])
opened = open_program(path if path.exists() else starter)
saver = Autosaver(opened, path)
program = opened.program
print("ready", flush=True)
while True:
    n = len(program.blocks)
    program.add("control_wait", Place("top", x=n, y=n))
    saver.maybe_save()
"""


def test_kill_9_during_autosave_keeps_the_last_complete_save(tmp_path):
    starter = ROOT / "themeboxes" / "traffic_light" / "programs" / "repeat-cycle" / "model.json"
    path = tmp_path / "auto" / "work.sb3"
    base = original_json(starter)
    base_blocks = Program(json.loads(json.dumps(base))).blocks
    probe = Program(json.loads(json.dumps(base)))
    template = probe.blocks[probe.add("control_wait", Place("top", x=0, y=0))]

    def check() -> int:
        """The file is one complete save: the starter plus N blocks, each as added."""
        data = files.open_program(path).data
        blocks = editing_target(data)["blocks"]
        added = {k: v for k, v in blocks.items() if k not in base_blocks}
        n = len(added)
        expected = {f"s{i}": {**template, "x": len(base_blocks) + i - 1,
                              "y": len(base_blocks) + i - 1} for i in range(1, n + 1)}
        assert added == expected
        rest = json.loads(json.dumps(data))
        rest["targets"][1]["blocks"] = base["targets"][1]["blocks"]
        assert rest == base
        return n

    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"))
    rng = random.Random(11)
    counts = [0]
    for _ in range(6):
        child = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), str(starter)],
                                 env=env, stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout is not None
            assert child.stdout.readline() == "ready\n"
            time.sleep(rng.uniform(0.05, 0.5))
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close() if child.stdout else None
        if path.exists():
            counts.append(check())
        # nothing saved is lost: each run goes on from where the last one was killed
        assert counts[-1] >= counts[-2]
    assert counts[-1] > 0
    assert len(files.stale_temporaries(path)) <= 1  # at most the one the last kill cut short
