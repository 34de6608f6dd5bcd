"""The shipped theme boxes: each loads, and `dojokit box check` holds for it: every model
solution finishes, every starter does not, every typical mistake gets its feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from dojokit.themebox import list_boxes
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]
BOXES = list_boxes(ROOT / "themeboxes")
LESSONS = ROOT / "lessons"


def test_the_five_boxes_ship_with_five_exercises_and_lessons_in_three_languages():
    assert sorted(b.id for b in BOXES) == ["lighthouse", "line_follower", "parking_sensor",
                                           "robot_dance", "traffic_light"]
    for box in BOXES:
        assert len(box.exercises) == 5
        for lang in ("nl", "fr", "en"):
            assert (LESSONS / f"{box.id}.{lang}.md").is_file()


@pytest.mark.parametrize("box", BOXES, ids=lambda b: b.id)
def test_box_check(box):
    for ex in box.exercises:
        for sol in ex.solutions:
            v, _ = grade(box, ex, sol)
            assert v.finished, (ex.id, sol.name, v.failures)
        assert not grade(box, ex, ex.starter)[0].finished, ex.id
        for wrong in ex.wrong:
            v, _ = grade(box, ex, wrong.program)
            got = {k for k, _ in v.failures}
            assert not v.finished and set(wrong.feedback_keys) <= got, (ex.id, wrong, got)
            assert all("wrong" not in text.lower() for text in v.feedback("en"))
