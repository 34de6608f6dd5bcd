"""Run, Stop and "Am I finished?" in the studio, on the simulated kit, through posted clicks."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame
from studio_driver import click, key, type_text

import dojokit.studio  # noqa: F401
from dojokit.data import boxes_dir
from dojokit.studio.runner import Options, StudioRunner
from dojokit.themebox.format import load_box


def button(runner: StudioRunner, name: str):
    return next(b for b in runner.studio.buttons if b.id == name)


def model(box_id: str, exercise_id: str) -> Path:
    return Path(load_box(boxes_dir() / box_id).exercise(exercise_id).solutions[0])


def test_run_moves_the_robot_and_stop_stops_it_at_once() -> None:
    runner = StudioRunner(Options(box="robot_dance", exercise="forward-back", lang="en",
                                  program=str(model("robot_dance", "forward-back"))))
    seen: dict[str, object] = {}

    def script(r: StudioRunner, frame: int) -> bool:
        if r.studio.state == "waiting_link":
            return frame < 600  # the simulated kit boots
        if "start" not in seen:
            seen["start"] = (r.kit.robot.pose.x, r.kit.robot.pose.y)
            click(button(r, "run").rect.center)
            seen["frame"] = frame
            return True
        if "stopped" not in seen and frame > seen["frame"] + 60 and r.rt is not None:
            seen["moving"] = r.studio.state
            seen["before_stop"] = (r.kit.robot.pose.x, r.kit.robot.pose.y)
            click(button(r, "stop").rect.center)
            seen["stopped"] = frame
            return True
        if "stopped" in seen and r.rt is None and "after" not in seen:
            seen["after"] = (r.kit.robot.pose.x, r.kit.robot.pose.y)
            seen["after_frame"] = frame
        if "after" in seen and frame > seen["after_frame"] + 30:
            seen["later"] = (r.kit.robot.pose.x, r.kit.robot.pose.y)
            seen["state"] = r.studio.state
            return False
        return frame < 3000

    asyncio.run(runner.run(script, ask_who=False))
    assert "later" in seen, seen
    assert seen["before_stop"] != seen["start"]  # it drove
    # stopped at once: after the program ended the robot no longer moves
    ax, ay = seen["after"]
    lx, ly = seen["later"]
    assert abs(ax - lx) < 2 and abs(ay - ly) < 2, seen
    assert seen["state"] in ("ready", "finished")


def test_am_i_finished_says_finished_and_offers_the_next_card(tmp_path: Path, monkeypatch
                                                              ) -> None:
    monkeypatch.delenv("DOJOKIT_CHECK_IN_PROCESS")  # the real worker process answers
    runner = StudioRunner(Options(box="traffic_light", exercise="green-light", lang="fr",
                                  learner="Noor",
                                  program=str(model("traffic_light", "green-light"))))
    seen: dict[str, object] = {}

    def script(r: StudioRunner, frame: int) -> bool:
        if frame == 3:
            click(button(r, "check").rect.center)
        if r.studio.feedback is not None and "verdict" not in seen:
            seen["verdict"] = r.studio.feedback.verdict
            seen["buttons"] = [b.id for b in r.studio.buttons]
            seen["at"] = frame
        return frame < 2000 and frame < seen.get("at", 2000) + 3

    asyncio.run(runner.run(script, ask_who=False))
    assert seen["verdict"] == "finished"
    assert "next" in seen["buttons"]
    assert runner.checked and runner.checked[0][1] == "finished"
    from dojokit.themebox.progress import Progress

    with Progress() as store:
        attempts = store.attempts("Noor")
    assert [a.verdict for a in attempts] == ["finished"]


def test_not_yet_says_what_to_look_at_in_the_learners_language() -> None:
    box = load_box(boxes_dir() / "traffic_light")
    wrong = box.exercise("green-light").wrong[0].program
    runner = StudioRunner(Options(box="traffic_light", exercise="green-light", lang="nl",
                                  program=str(wrong)))
    seen: dict[str, object] = {}

    def script(r: StudioRunner, frame: int) -> bool:
        if frame == 3:
            click(button(r, "check").rect.center)
        if r.studio.feedback is not None:
            seen["fb"] = r.studio.feedback
            return False
        return frame < 2000

    asyncio.run(runner.run(script, ask_who=False))
    fb = seen["fb"]
    assert fb.verdict == "not_yet"
    assert fb.lines and all(line for line in fb.lines)
    assert "seconden" in " ".join(fb.lines) or "groen" in " ".join(fb.lines)


def test_a_question_opens_a_large_answer_field_and_the_program_goes_on(tmp_path: Path
                                                                       ) -> None:
    import json

    from studio_driver import EMPTY

    data = json.loads(json.dumps(EMPTY))
    data["targets"][1]["blocks"] = {
        "h": {"opcode": "event_whenflagclicked", "next": "a", "parent": None, "inputs": {},
              "fields": {}, "shadow": False, "topLevel": True, "x": 0, "y": 0},
        "a": {"opcode": "sensing_askandwait", "next": "s", "parent": "h",
              "inputs": {"QUESTION": [1, [10, "How many lights?"]]}, "fields": {},
              "shadow": False, "topLevel": False},
        "s": {"opcode": "looks_say", "next": None, "parent": "a",
              "inputs": {"MESSAGE": [3, "r", [10, ""]]}, "fields": {}, "shadow": False,
              "topLevel": False},
        "r": {"opcode": "sensing_answer", "next": None, "parent": "s", "inputs": {},
              "fields": {}, "shadow": False, "topLevel": False},
    }
    path = tmp_path / "ask.json"
    path.write_text(json.dumps(data))
    runner = StudioRunner(Options(box="lighthouse", exercise="ask-fast", lang="en",
                                  program=str(path)))
    said: list[tuple[str, str]] = []
    seen: dict[str, object] = {}

    def script(r: StudioRunner, frame: int) -> bool:
        st = r.studio
        if st.state == "waiting_link":
            return frame < 600
        if "run" not in seen:
            bubble = st.stage.bubble
            st.stage.bubble = lambda kind, text: (said.append((kind, text)), bubble(kind, text))
            click(button(r, "run").rect.center)
            seen["run"] = frame
        elif st.answer_box is not None and "asked" not in seen:
            seen["asked"] = st.answer_box.question
            assert st.answer_box.field.h >= 44
            type_text("2")
            key(pygame.K_RETURN)
        elif "asked" in seen and r.rt is None:
            seen["ended"] = st.state
            return False
        return frame < 4000

    asyncio.run(runner.run(script, ask_who=False))
    assert seen.get("asked") == "How many lights?", seen
    assert seen.get("ended") in ("finished", "ready", "time_up"), seen
    assert ("say", "2") in said


def test_save_as_and_teacher_mode_open_over_the_studio_and_the_robot_keeps_its_link(
        tmp_path: Path) -> None:
    from dojokit.studio import files

    runner = StudioRunner(Options(box="traffic_light", exercise="green-light", lang="en",
                                  learner="Sam",
                                  program=str(model("traffic_light", "green-light"))))
    seen: dict[str, object] = {}

    def script(r: StudioRunner, frame: int) -> bool:
        st = r.studio
        if st.state == "waiting_link" and "saveas" not in seen:
            return frame < 600
        if "saveas" not in seen:
            click(button(r, "saveas").rect.center)
            seen["saveas"] = frame
        elif "typed" not in seen and r.modal is not None:
            seen["file_screen"] = type(r.modal[0]).__name__
            type_text("my lights")
            key(pygame.K_RETURN)
            seen["typed"] = frame
        elif "typed" in seen and "teacher" not in seen and r.modal is None:
            seen["message"] = st.message
            key(pygame.K_F12, pygame.KMOD_CTRL | pygame.KMOD_SHIFT)
            seen["teacher"] = frame
        elif "teacher" in seen and "teacher_screen" not in seen and r.modal is not None:
            seen["teacher_screen"] = type(r.modal[0]).__name__
            seen["state_during"] = r.studio.state
            seen["at"] = frame
        elif "at" in seen and frame == seen["at"] + 90:  # 1.5 s in teacher mode
            seen["link_lost"] = r.robot.link.lost.is_set()
            key(pygame.K_ESCAPE)
        elif "link_lost" in seen and r.modal is None:
            return False
        return frame < 3000

    asyncio.run(runner.run(script, ask_who=False))
    assert seen.get("file_screen") == "FileScreen", seen
    saved = files.work_folder() / "my lights.sb3"
    assert saved.exists(), seen
    assert files.open_program(saved).data["targets"][1]["blocks"]
    assert seen.get("teacher_screen") == "TeacherScreen", seen
    assert seen["link_lost"] is False


def test_on_a_kit_at_a_serial_port_the_stage_shows_its_identity_and_run_works(tmp_path: Path
                                                                             ) -> None:
    from dojokit.sim.board import VirtualBoard
    from dojokit.sim.guest import FirmwareGuest
    from dojokit.sim.pty_server import PtyBridge

    board = VirtualBoard()
    guest = FirmwareGuest(board, name=(2, 7, "Vos"))  # yellow, number 7, "Vos"
    bridge = PtyBridge(guest, tmp_path / "robot")
    guest.start()
    bridge.start()
    seen: dict[str, object] = {}
    try:
        runner = StudioRunner(Options(box="traffic_light", exercise="green-light", lang="nl",
                                      kit=f"serial:{bridge.path}",
                                      program=str(model("traffic_light", "green-light"))))

        def script(r: StudioRunner, frame: int) -> bool:
            st = r.studio
            if st.state == "waiting_link":
                return frame < 900
            seen.setdefault("ready", frame)
            if "run" not in seen and frame >= seen["ready"] + 10:  # drawn since it answered
                seen["texts"] = [t.text for t in st.stage.texts]
                click(button(r, "run").rect.center)
                seen["run"] = frame
            elif "run" in seen and r.rt is not None:
                seen["ran"] = True
            elif seen.get("ran") and r.rt is None:
                seen["end"] = st.state
                seen["lights"] = list(board.lights)
                return False
            return frame < 3000

        asyncio.run(runner.run(script, ask_who=False))
    finally:
        bridge.close()
        guest.stop()
    texts = " ".join(seen["texts"])
    assert "Vos" in texts and "7" in texts and "geel" in texts, texts
    assert seen.get("end") == "finished", seen


def test_profile_rules_and_the_card_a_learner_comes_back_to() -> None:
    from dojokit.studio.learners import Learners
    from dojokit.themebox.progress import Progress

    learners = Learners.load()
    learners.add("Ada", profile="standard")
    learners.add("Bo", profile="standard", profile_locked=True)
    learners.add("Cas")  # calm, the default
    learners.save()

    def opened(learner: str, box: str, profile: str | None = None) -> StudioRunner:
        r = StudioRunner(Options(box=box, learner=learner, profile=profile))
        r._settings()
        return r

    # a box made calm stays calm; a standard box is as calm as the learner
    assert opened("Ada", "lighthouse").profile == "calm"
    assert opened("Ada", "robot_dance").profile == "standard"
    assert opened("Cas", "robot_dance").profile == "calm"
    # the teacher's lock wins over the box and over --profile; --profile over the box
    assert opened("Bo", "lighthouse", "calm").profile == "standard"
    assert opened("Ada", "lighthouse", "standard").profile == "standard"
    # a learner not in the list: the box's own profile
    assert opened("Dee", "robot_dance").profile == "standard"

    # back at the box, a learner goes on with the first card not finished yet
    assert opened("Cas", "traffic_light").exercise.id == "green-light"
    with Progress() as store:
        store.record("Cas", "traffic_light", "green-light", "finished")
        store.record("Cas", "traffic_light", "three-colours", "not_yet")
    assert opened("Cas", "traffic_light").exercise.id == "three-colours"
