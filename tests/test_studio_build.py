"""Three model solutions built from an empty program through posted pygame events: one by
mouse click-to-place, one by dragging, one by keyboard alone. Each is saved, compared with
the model (same scripts, same inputs) and graded "finished" by the box's own checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

from studio_driver import Builder, canonical, drive, write_empty

import dojokit.studio  # noqa: F401  (before pygame: no banner)
from dojokit.data import boxes_dir
from dojokit.studio import files
from dojokit.studio.runner import Options, StudioRunner
from dojokit.themebox.format import load_box
from dojokit.themebox.grade import grade

CASES = [
    ("traffic_light", "three-colours", "click"),
    ("parking_sensor", "zone-lights", "drag"),
    ("lighthouse", "colour-steps", "keys"),
]


def every_exercise() -> list[tuple[str, str, str]]:
    """Every shipped exercise, the three ways of building taking turns."""
    out = []
    modes = ("click", "drag", "keys")
    for box_dir in sorted(p for p in boxes_dir().iterdir() if (p / "box.json").exists()):
        for ex in load_box(box_dir).exercises:
            case = (box_dir.name, ex.id, modes[len(out) % 3])
            if case not in CASES:
                out.append(case)
    return out


@pytest.mark.parametrize(("box_id", "exercise_id", "mode"), CASES + every_exercise())
def test_build_model_solution(box_id: str, exercise_id: str, mode: str, tmp_path: Path
                              ) -> None:
    box = load_box(boxes_dir() / box_id)
    ex = box.exercise(exercise_id)
    model = json.loads(Path(ex.solutions[0]).read_text())
    empty = write_empty(tmp_path / "empty.json")
    runner = StudioRunner(Options(box=box_id, exercise=exercise_id, program=str(empty),
                                  lang="nl", kit="sim"))
    builder = Builder(runner, model, mode)
    drive(runner, builder.run())
    out = files.save_program(runner.studio.program, tmp_path / "built.sb3")
    built = files.open_program(out).data
    assert canonical(built) == canonical(model)
    verdict, _ = grade(box, ex, out, "nl")
    assert verdict.finished, verdict.feedback("en")
