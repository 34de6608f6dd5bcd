"""One feedback vocabulary for every run: the robot, its trace and the simulator's window
show the same states (ready, running, moving soon, finished / time up / not yet)."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"  # a real window, drawn headless

import asyncio
import json
import time
from pathlib import Path

import pytest
from sb3build import FLAG, say, write
from sb3build import project as build
from test_themebox_format import valid_box, write_box

from dojokit.cli import run as run_cli
from dojokit.feedback import STATES
from dojokit.link import Link
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot
from dojokit.sim.board import VirtualBoard
from dojokit.themebox import load_box
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]
SIGN = {name: sign for name, _, sign in STATES}
COLOUR = {name: rgb for name, rgb, _ in STATES}

DRIVE = [FLAG,
         ("dojokit_setAllLights", {"COLOUR": [1, [9, "#ff8800"]]}, {}),
         ("dojokit_driveFor", {"LEFT": [1, [4, "50"]], "RIGHT": [1, [4, "50"]],
                               "SECONDS": [1, [4, "1.5"]]}, {}),
         say("done")]


def test_the_firmware_and_the_host_keep_the_same_table():
    scope: dict = {}
    exec((ROOT / "firmware" / "dk_vocab.py").read_text(encoding="utf-8"), scope)
    assert scope["STATES"] == STATES
    # the firmware's names for the rows are the rows' own names
    for i, (name, _, _) in enumerate(STATES):
        assert scope[name.upper()] == i
    assert len({sign for _, _, sign in STATES}) == len(STATES)  # each state its own sign


def _states(events) -> list[str]:
    return [e["state"] for e in events if e["kind"] == "state"]


class _Spy:
    """Keeps every window `dojokit run` opens, and when it was closed."""

    def __init__(self, monkeypatch) -> None:
        self.windows: list = []
        self.closed: list[float] = []
        init = run_cli._Window.__init__

        def spy_init(window, *a, **k):
            init(window, *a, **k)
            self.windows.append(window)
            close = window.view.close

            def spy_close():
                self.closed.append(time.monotonic())
                close()

            window.view.close = spy_close

        monkeypatch.setattr(run_cli._Window, "__init__", spy_init)


def test_trace_and_window_show_the_same_states(tmp_path, monkeypatch, capsys):
    spy = _Spy(monkeypatch)
    program = write(tmp_path, build(DRIVE))
    trace = tmp_path / "trace.json"
    code = run_cli.cmd_run(str(program), "sim:parking", None, str(trace), None, view=True,
                           close_after=0.3)
    assert code == 0
    assert capsys.readouterr().out == "done\n"
    events = json.loads(trace.read_text())["events"]
    want = ["ready", "running", "moving_soon", "running", "finished"]
    assert _states(events) == want
    # the announce pause is the robot's own: it told the host when it began and ended
    soon = [e for e in events if e["kind"] == "state" and e.get("by") == "robot"]
    assert [e["state"] for e in soon] == ["moving_soon", "running"]
    assert soon[1]["t"] - soon[0]["t"] == pytest.approx(0.6, abs=0.05)
    (window,) = spy.windows
    assert [s for _, s in window.view.states] == want
    # the window stayed on "finished" until --close-after had passed
    finished_at = window.view.states[-1][0]
    assert spy.closed and spy.closed[0] - finished_at >= 0.3


def test_a_time_out_is_its_own_state_not_finished(tmp_path, monkeypatch, capsys):
    spy = _Spy(monkeypatch)
    forever = build([FLAG, ("control_forever", {}, {})])
    trace = tmp_path / "trace.json"
    code = run_cli.cmd_run(str(write(tmp_path, forever)), "sim", 1.0, str(trace), None,
                           view=True, close_after=0.0)
    assert code == run_cli.EXIT_TIMEOUT
    assert "time-out" in capsys.readouterr().err
    assert _states(json.loads(trace.read_text())["events"]) == ["ready", "running", "time_up"]
    assert [s for _, s in spy.windows[0].view.states] == ["ready", "running", "time_up"]


def test_without_a_window_the_trace_has_the_same_states(tmp_path, capsys):
    trace = tmp_path / "trace.json"
    code = run_cli.cmd_run(str(write(tmp_path, build(DRIVE))), "sim:parking", None,
                           str(trace), None)
    assert code == 0
    assert _states(json.loads(trace.read_text())["events"]) == [
        "ready", "running", "moving_soon", "running", "finished"]


def test_a_negative_close_after_is_one_sentence(tmp_path, capsys):
    code = run_cli.cmd_run(str(write(tmp_path, build([FLAG]))), "sim", None, None, None,
                           view=True, close_after=-1)
    assert code == run_cli.EXIT_USER
    err = capsys.readouterr().err
    assert "--close-after" in err and len(err.strip().splitlines()) == 1


def test_box_grade_ends_on_the_verdict(tmp_path):
    box = load_box(write_box(tmp_path, valid_box()))
    ex = box.exercise("green-light")
    verdict, trace = grade(box, ex, ex.wrong[0].program)
    assert verdict.verdict == "not_yet"
    assert _states(trace["events"]) == ["ready", "running", "not_yet"]
    assert trace["events"][-1]["kind"] in ("state", "shown", "pose")
    ok, trace = grade(box, ex, ex.solutions[0])
    assert ok.finished and _states(trace["events"])[-1] == "finished"
    # showing the verdict changed nothing the checks read: the same hash every time
    again, _ = grade(box, ex, ex.solutions[0])
    assert again.trace_hash == ok.trace_hash


# -- the robot: a program's own lights come first, and come back to the state at the end ------
async def _until(pred, timeout=3.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not pred():
        if loop.time() > end:
            return False
        await asyncio.sleep(0.01)
    return True


def test_running_shows_on_what_the_program_leaves_free(run):
    async def go():
        board = VirtualBoard()
        robot = Robot(Link(SimTransport(board=board)))
        await robot.link.connect()
        try:
            await robot.set_profile("standard")  # cap 200, no announce pause
            await robot.show_state("ready")
            await robot.show_state("running")
            assert await _until(lambda: board.lights[0] == COLOUR["running"])
            assert board.image[0] == SIGN["running"]
            await robot.light("all", (0, 0, 200))  # the program takes the lights
            assert await _until(lambda: board.lights[0] == (0, 0, 200))
            await robot.drive(40, 40)
            await robot.show_state("running")  # a state during the program: the sign only
            await asyncio.sleep(1.0)
            assert board.lights[0] == (0, 0, 200)
            assert board.image[0] == SIGN["running"]
            await robot.stop()
            await robot.show_state("finished")  # the end takes the lights back
            assert await _until(lambda: board.lights[0] == COLOUR["finished"])
            assert board.image[0] == SIGN["finished"]
            # the standard profile does not announce: no "moving soon" at all
            assert "moving_soon" not in [e.data["state"] for e in robot.trace.of("state")]
        finally:
            await robot.close()

    run(go())


def test_the_announce_pause_shows_on_the_robot(run):
    async def go():
        board = VirtualBoard()
        robot = Robot(Link(SimTransport(board=board)))
        await robot.link.connect()
        seen: list[str] = []
        robot.on_state(seen.append)
        try:
            await robot.show_state("running")  # calm: the firmware's default profile
            await robot.drive(50, 50)
            # the drive's reply comes after the robot said it waits: the sign is up
            assert seen == ["running", "moving_soon"]
            assert board.image[0] == SIGN["moving_soon"] and board.motors == (0, 0)
            assert await _until(lambda: seen[-1] == "running")
            assert board.image[0] == SIGN["running"]
            assert await _until(lambda: board.motors != (0, 0))
            await robot.stop()
            await robot.show_state("finished")
            await robot.drive(50, 50)  # a pause after the end shows too, then the end again
            await robot.stop()
            assert seen[-3:] == ["finished", "moving_soon", "finished"]
        finally:
            await robot.close()

    run(go())
