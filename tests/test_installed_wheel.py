"""dojokit installed from its wheel and run from another folder finds all its data: the theme
boxes with their programs and worlds, the lesson plans and the firmware (issue 9).

The wheel is built from a copy of the sources (no build/ or egg-info left in the checkout)
and installed into a fresh venv without the network: its dependencies come from the running
environment through a .pth file, and dojokit itself only from the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "host", "firmware", "themeboxes", "lessons")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*")


@dataclass(frozen=True)
class Installed:
    venv: Path
    python: Path
    dojokit: Path
    package: Path  # site-packages/dojokit of the fresh venv
    cwd: Path  # a folder with nothing of dojokit in it
    env: dict[str, str]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.dojokit), *args], capture_output=True, text=True,
                              cwd=self.cwd, env={**self.env, **env}, timeout=120)


def _check(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
    assert r.returncode == 0, f"{cmd} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=SKIP)
        else:
            shutil.copy2(REPO / name, src / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    _check([*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
            "-w", str(root / "dist"), str(src)], cwd=root)
    (wheel,) = (root / "dist").glob("dojokit-*.whl")

    venv = root / "venv"
    _check([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _check([*pip, "--python", str(python), "install", "-q", "--no-deps", "--no-index",
            str(wheel)])
    # the dependencies (wasmtime, pygame, ...) from this environment; a path in a .pth file
    # does not run that folder's own .pth files, so an editable dojokit there stays out
    purelib = _check([str(python), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib.strip()) / "dojokit_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n")

    cwd = root / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DOJOKIT_BOXES", "DOJOKIT_LESSONS", "VIRTUAL_ENV")}
    env |= {"DOJOKIT_LANG": "en", "HOME": str(root / "home"),
            "XDG_DATA_HOME": str(root / "data"), "PYTHONDONTWRITEBYTECODE": "1"}
    where = _check([str(python), "-c", "import dojokit; print(dojokit.__file__)"],
                   cwd=cwd, env=env)
    package = Path(where.strip()).parent
    return Installed(venv, python, venv / "bin" / "dojokit", package, cwd, env)


def test_the_dojokit_that_runs_is_the_wheels(installed: Installed):
    assert installed.package.is_relative_to(installed.venv), installed.package
    assert installed.dojokit.is_file()
    for data in ("themeboxes/traffic_light/box.json",
                 "themeboxes/line_follower/worlds/loop-finish.json",
                 "themeboxes/traffic_light/programs/green-light/starter.json",
                 "lessons/traffic_light.nl.md", "firmware/main.py"):
        assert (installed.package / data).is_file(), data


def test_box_list_and_show(installed: Installed):
    r = installed.run("box", "list")
    assert r.returncode == 0 and not r.stderr, r.stderr
    for box in ("traffic_light", "lighthouse", "robot_dance", "parking_sensor", "line_follower"):
        assert box in r.stdout
    r = installed.run("box", "show", "traffic_light")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Traffic light") and "5. lights-off:" in r.stdout


def test_box_grade_finished_and_not_yet_keeps_progress(installed: Installed):
    programs = installed.package / "themeboxes" / "traffic_light" / "programs" / "green-light"
    r = installed.run("box", "grade", "traffic_light", "green-light",
                      str(programs / "model.json"), "--learner", "Sam")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Finished!" in r.stdout
    r = installed.run("box", "grade", "traffic_light", "green-light",
                      str(programs / "starter.json"), "--learner", "Sam")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Not yet" in r.stdout
    r = installed.run("progress", "--learner", "Sam")
    assert r.returncode == 0 and "green-light" in r.stdout, r.stdout + r.stderr
    # kept in the user's data folder, nowhere near the package or the current folder
    assert any(Path(installed.env["XDG_DATA_HOME"]).rglob("*"))
    assert not any(installed.cwd.iterdir())


def test_a_box_with_its_own_world_grades(installed: Installed):
    programs = installed.package / "themeboxes" / "line_follower" / "programs"
    r = installed.run("box", "grade", "line_follower", "along-the-line",
                      str(programs / "along-the-line" / "model.json"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_lesson_show(installed: Installed):
    r = installed.run("lesson", "show", "traffic_light", "--lang", "nl")
    assert r.returncode == 0, r.stderr
    assert "Verkeerslicht" in r.stdout


def test_check_sim_builds_the_firmware_from_the_package(installed: Installed):
    r = installed.run("check", "sim")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Check finished" in r.stdout


def test_the_mentor_tools_run_from_the_wheel(installed: Installed, tmp_path: Path):
    """A hex from the bundled MicroPython, a simulated board served with its REPL and
    MICROBIT drive, and a flash onto it: the word list, the REPL's MicroPython half and the
    firmware are all found through the package."""
    r = installed.run("flash", "--hex", str(tmp_path / "kit.hex"), "--kit-profile", "maqueen",
                      DOJOKIT_ROOM=str(tmp_path / "room.json"))
    assert r.returncode == 0 and (tmp_path / "kit.hex").stat().st_size > 1_000_000, r.stderr
    (tmp_path / "drives" / "MB").mkdir(parents=True)
    env = {"DOJOKIT_SIM_PORTS": str(tmp_path / "tty*"), "DOJOKIT_DRIVES": str(tmp_path / "drives"),
           "DOJOKIT_ROOM": str(tmp_path / "room.json")}
    serve = subprocess.Popen(
        [str(installed.dojokit), "sim", "serve", "--pty", str(tmp_path / "tty0"), "--fs",
         str(tmp_path / "fs"), "--usb", "microbit", "--drive", str(tmp_path / "drives" / "MB")],
        cwd=installed.cwd, env={**installed.env, **env}, stdout=subprocess.PIPE, text=True)
    try:
        assert serve.stdout is not None and "ready" in serve.stdout.readline()
        r = installed.run("flash", "--all", "--kit-profile", "maqueen", "--yes", **env)
        assert r.returncode == 0 and "ok (hex copied)" in r.stdout, r.stdout + r.stderr
        r = installed.run("flash", "--all", "--update", "--yes", **env)
        assert r.returncode == 0 and "ok (files copied)" in r.stdout, r.stdout + r.stderr
    finally:
        serve.terminate()
        serve.wait(30)


def test_a_teachers_own_folders(installed: Installed, tmp_path: Path):
    boxes, lessons = tmp_path / "boxes", tmp_path / "lessons"
    shutil.copytree(installed.package / "themeboxes" / "traffic_light", boxes / "my_lights")
    lessons.mkdir()
    (lessons / "my_lights.en.md").write_text("# My lights\n", encoding="utf-8")
    own = {"DOJOKIT_BOXES": str(boxes), "DOJOKIT_LESSONS": str(lessons)}
    r = installed.run("box", "list", **own)
    assert r.returncode == 0 and "my_lights" in r.stdout, r.stdout + r.stderr
    assert "lighthouse" not in r.stdout  # the teacher's folder instead of the shipped one
    r = installed.run("lesson", "show", "my_lights", **own)
    assert r.returncode == 0 and "# My lights" in r.stdout


@pytest.mark.parametrize(("variable", "command", "value", "says"), [
    ("DOJOKIT_BOXES", ("box", "list"), "/nonexistent", "does not exist"),
    ("DOJOKIT_BOXES", ("box", "grade", "traffic_light", "green-light", "x.sb3"), "FILE",
     "not a folder"),
    ("DOJOKIT_BOXES", ("box", "show", "traffic_light"), "EMPTY", "no theme boxes in"),
    ("DOJOKIT_LESSONS", ("lesson", "show", "traffic_light"), "/nonexistent", "does not exist"),
    ("DOJOKIT_LESSONS", ("lesson", "show", "traffic_light"), "EMPTY", "no lesson plans in"),
])
def test_a_wrong_folder_is_one_sentence(installed: Installed, tmp_path: Path, variable: str,
                                        command: tuple[str, ...], value: str, says: str):
    if value == "FILE":
        value = str(tmp_path / "boxes.txt")
        Path(value).write_text("not a folder\n")
    elif value == "EMPTY":
        value = str(tmp_path)
    r = installed.run(*command, **{variable: value})
    assert r.returncode == 2, r.stdout + r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and not r.stdout, r.stderr
    assert variable in lines[0] and value in lines[0] and says in lines[0]
    assert "Traceback" not in r.stderr and " - " not in lines[0]


STUDIO_SCRIPT = """
import asyncio, json, sys
import dojokit.studio
import pygame
from dojokit.studio import theme
from dojokit.studio.runner import Options, StudioRunner

runner = StudioRunner(Options(box="traffic_light", exercise="green-light", learner="Sam"))
seen = {}

def script(r, frame):
    st = r.studio
    if st.state == "waiting_link":
        return frame < 900
    if "check" not in seen:
        b = next(b for b in st.buttons if b.id == "check")
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=b.rect.center, button=1))
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=b.rect.center, button=1))
        seen["check"] = frame
    elif st.feedback is not None:
        seen["verdict"] = st.feedback.verdict
        return False
    return frame < 3000

asyncio.run(runner.run(script, ask_who=False))
print(json.dumps({"verdict": seen.get("verdict"), "font": theme._font_path(False),
                  "palette": list(runner.exercise.palette)}))
"""


def test_the_studio_runs_from_the_wheel(installed: Installed):
    """The studio's fonts, boxes and firmware come from the installed package: it opens the
    first card on the simulated kit and answers "Am I finished?" (the starter: not yet)."""
    r = subprocess.run([str(installed.python), "-c", STUDIO_SCRIPT], capture_output=True,
                       text=True, cwd=installed.cwd, timeout=300,
                       env={**installed.env, "SDL_VIDEODRIVER": "dummy"})
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["verdict"] == "not_yet"
    assert Path(out["font"]).is_relative_to(installed.package), out["font"]
    r = installed.run("studio", "--box", "no_such_box", SDL_VIDEODRIVER="dummy")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
