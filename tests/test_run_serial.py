"""`dojokit run --kit serial:PORT`: a program drives a robot over a real serial line (the
simulated kit served on a pseudo-terminal), not the simulator of the run itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sb3build import FLAG, say, write
from sb3build import project as build

from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest
from dojokit.sim.pty_server import PtyBridge

ROOT = Path(__file__).resolve().parents[1]


def test_a_program_runs_on_the_kit_at_the_serial_port(tmp_path):
    board = VirtualBoard()
    guest = FirmwareGuest(board, name=(2, 7, "Vos"))
    bridge = PtyBridge(guest, tmp_path / "robot")
    guest.start()
    bridge.start()
    try:
        program = write(tmp_path, build([
            FLAG,
            ("dojokit_setAllLights", {"COLOUR": [1, [9, "#00c850"]]}, {}),
            ("dojokit_driveFor", {"LEFT": [1, [4, "40"]], "RIGHT": [1, [4, "40"]],
                                  "SECONDS": [1, [4, "0.3"]]}, {}),
            say("done"),
        ]))
        trace = tmp_path / "trace.json"
        env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
        r = subprocess.run([sys.executable, "-m", "dojokit", "run", str(program), "--kit",
                            f"serial:{bridge.path}", "--trace", str(trace)],
                           capture_output=True, text=True, timeout=120, env=env)
    finally:
        bridge.close()
        guest.stop()
    assert r.returncode == 0, r.stderr
    assert r.stdout == "done\n"
    data = json.loads(trace.read_text())
    assert data["kit"] == f"serial:{bridge.path}"
    kinds = [e["kind"] for e in data["events"]]
    assert "drive" in kinds and "pose" not in kinds  # a real line: no simulated world
    states = [e["state"] for e in data["events"] if e["kind"] == "state"
              and e.get("by") != "robot"]
    assert states[0] == "ready" and states[-1] == "finished" and "running" in states
