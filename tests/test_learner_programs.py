"""Issue 10: programs a learner would write from the exercise cards alone, each with the verdict
a teacher who reads the card would give, graded by the real grader on the shipped boxes.

The programs and verdicts are data (tests/learner_programs/verdicts.json, written by
tests/learner_programs/make.py). Where the current grader is known to disagree with the
teacher, the entry has a "known_grader_gap" and the case is a strict xfail: when the grader is
fixed it XPASSes and fails, and the entry must be removed from KNOWN_GRADER_GAP in make.py.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest

from dojokit.themebox import load_box
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "tests" / "learner_programs"
VERDICTS = json.loads((HERE / "verdicts.json").read_text(encoding="utf-8"))


@functools.cache
def _box(name: str):
    return load_box(ROOT / "themeboxes" / name)


def _case(entry: dict) -> object:
    gap = entry.get("known_grader_gap")
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(entry, id=entry["file"].removesuffix(".json"), marks=marks)


def test_every_exercise_has_two_accepted_and_two_mistaken_programs():
    for name in ("lighthouse", "line_follower", "parking_sensor", "robot_dance",
                 "traffic_light"):
        for ex in _box(name).exercises:
            got = [v["expected"] for v in VERDICTS
                   if v["box"] == name and v["exercise"] == ex.id]
            assert got.count("finished") >= 2 and got.count("not_yet") >= 2, (name, ex.id)


@pytest.mark.parametrize("entry", [_case(v) for v in VERDICTS])
def test_the_grader_agrees_with_the_teacher(entry):
    box = _box(entry["box"])
    verdict, _ = grade(box, box.exercise(entry["exercise"]), HERE / entry["file"], lang="en")
    assert verdict.verdict == entry["expected"], (
        f"teacher: {entry['expected']} ({entry['why']}); grader: {verdict.verdict}, "
        f"feedback: {verdict.feedback('en')}")
