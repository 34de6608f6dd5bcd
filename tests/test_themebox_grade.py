"""The grader: a program runs on the simulated kit in the box's world and the exercise's
checks judge what the robot showed; feedback says what to change, in the learner's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from test_themebox_format import valid_box, write_box

from dojokit.i18n import set_language
from dojokit.themebox import load_box
from dojokit.themebox.grade import grade, nearest_colour

ROOT = Path(__file__).resolve().parents[1]


def _box(tmp_path: Path):
    return load_box(write_box(tmp_path, valid_box()))


def test_a_model_solution_finishes_and_a_short_light_gets_its_feedback(tmp_path):
    box = _box(tmp_path)
    ex = box.exercise("green-light")
    ok, trace = grade(box, ex, ex.solutions[0])
    assert ok.finished, ok.failures
    assert any(e["kind"] == "shown" for e in trace["events"])  # what the robot showed
    short, _ = grade(box, ex, ex.wrong[0].program)
    assert not short.finished
    assert [k for k, _ in short.failures] == ["themebox.feedback.light_shown.too_short"]
    text = short.feedback("en")[0]
    assert "green" in text and "2" in text  # names the colour and what the card asks
    assert "wrong" not in text.lower()
    set_language("nl")
    try:
        assert "groen" in short.feedback()[0]
    finally:
        set_language(None)
    starter, _ = grade(box, ex, ex.starter)
    assert [k for k, _ in starter.failures] == ["themebox.feedback.light_shown.never"]


def test_the_same_program_gets_the_same_verdict_and_trace_every_time(tmp_path):
    box = _box(tmp_path)
    ex = box.exercise("green-light")
    runs = [grade(box, ex, ex.wrong[0].program)[0] for _ in range(3)]
    assert len({(v.verdict, v.trace_hash, tuple(k for k, _ in v.failures)) for v in runs}) == 1


def test_a_program_without_the_asked_block_is_told_which_one(tmp_path):
    box = _box(tmp_path)
    ex = box.exercise("park")
    verdict, trace = grade(box, ex, ex.solutions[0])
    keys = [k for k, _ in verdict.failures]
    assert "themebox.feedback.uses_block.missing" in keys
    assert any(e["kind"] == "pose" for e in trace["events"])


def test_shown_colours_are_named_whatever_their_brightness():
    assert nearest_colour((0, 120, 48)) == "green"  # green under the calm cap
    assert nearest_colour((0, 12, 5)) == "green"  # early in a fade
    assert nearest_colour((0, 0, 0)) == "off"
    assert nearest_colour((120, 66, 0)) == "orange"


def test_box_grade_on_the_command_line_keeps_progress(tmp_path):
    write_box(tmp_path / "boxes", valid_box())
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en",
               DOJOKIT_BOXES=str(tmp_path / "boxes"), XDG_DATA_HOME=str(tmp_path / "data"))
    program = tmp_path / "boxes" / "first-steps" / "programs" / "short.sb3"
    r = subprocess.run([sys.executable, "-m", "dojokit", "box", "grade", "first-steps",
                        "green-light", str(program), "--learner", "Lotte", "--json"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 1, r.stderr
    result = json.loads(r.stdout)
    assert result["verdict"] == "not_yet" and result["reasons"] == [
        "themebox.feedback.light_shown.too_short"]
    r = subprocess.run([sys.executable, "-m", "dojokit", "progress", "--learner", "Lotte"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0 and "first-steps" in r.stdout and "green-light" in r.stdout
    r = subprocess.run([sys.executable, "-m", "dojokit", "box", "grade", "nope", "x",
                        str(program)], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2 and "first-steps" in r.stderr


def test_grading_on_a_robot_over_a_serial_port(tmp_path):
    # a real kit, as far as dojokit can tell: the firmware behind a pseudo-terminal, in real
    # time; checks that need the world's positions are listed, not guessed
    from dojokit.sim.board import VirtualBoard
    from dojokit.sim.guest import FirmwareGuest
    from dojokit.sim.pty_server import PtyBridge

    box = _box(tmp_path)
    guest = FirmwareGuest(VirtualBoard(), name=(1, 3, "Uil"))
    bridge = PtyBridge(guest, tmp_path / "robot")
    guest.start()
    bridge.start()
    try:
        ex = box.exercise("green-light")
        ok, trace = grade(box, ex, ex.solutions[0], kit=f"serial:{bridge.path}")
        assert ok.finished, ok.failures
        assert not trace["simulated"] and not any(e["kind"] == "pose"
                                                  for e in trace["events"])
        park = box.exercise("park")
        verdict, _ = grade(box, park, park.solutions[0], kit=f"serial:{bridge.path}")
        assert set(verdict.unjudged) == {"zone_reached", "no_wall_touched"}
        assert [k for k, _ in verdict.failures] == ["themebox.feedback.uses_block.missing"]
    finally:
        bridge.close()
        guest.stop()
