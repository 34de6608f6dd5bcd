"""When a run ends (issue 13): after a frame with no thread left and no hat that can still
start one; "when timer >" hats keep a run going until they have fired, as scratch-vm keeps
stepping frames. `dojokit run` in a real subprocess, on the wall clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sb3build import FLAG, project, say, write

ROOT = Path(__file__).resolve().parents[1]


def _run(path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    return subprocess.run([sys.executable, "-m", "dojokit", "run", str(path), "--timeout", "20"],
                          capture_output=True, text=True, timeout=60, env=env)


def _when(menu: str, value: str) -> tuple[str, dict, dict]:
    return ("event_whengreaterthan", {"VALUE": [1, [4, value]]},
            {"WHENGREATERTHANMENU": [menu, None]})


def test_a_project_of_timer_hats_only_runs_until_they_have_fired(tmp_path: Path):
    path = write(tmp_path, project([_when("TIMER", "0.3"), say("later")],
                                   [_when("TIMER", "0.1"), say("sooner")]))
    r = _run(path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "sooner\nlater\n"


def test_a_timer_hat_fires_after_the_flags_script_has_ended(tmp_path: Path):
    path = write(tmp_path, project([FLAG, say("flag")], [_when("TIMER", "0.2"), say("timer")]))
    r = _run(path)
    assert (r.returncode, r.stdout) == (0, "flag\ntimer\n"), r.stderr


def test_a_loudness_hat_alone_ends_the_run_at_once(tmp_path: Path):
    # no microphone: it can never fire, so nothing keeps the run going (not the time-out)
    path = write(tmp_path, project([_when("LOUDNESS", "-5"), say("loud")]))
    r = _run(path)
    assert (r.returncode, r.stdout) == (0, ""), r.stderr
