"""Reaching a zone means the middle of the robot comes well inside it: grazing its edge or
cutting a corner is not arriving, and ending on the edge is not staying."""

from __future__ import annotations

import math
from pathlib import Path

from dojokit.scratch.project import load_project
from dojokit.sim.physics import Body
from dojokit.sim.world import load_world
from dojokit.themebox import load_box
from dojokit.themebox.format import ZONE_MARGIN_MM
from dojokit.themebox.grade import judge

ROOT = Path(__file__).resolve().parents[1]
LINE = load_box(ROOT / "themeboxes" / "line_follower")
PARK = load_box(ROOT / "themeboxes" / "parking_sensor")
BODY = Body.from_kit("sim")
MID = BODY.front_mm - BODY.length_mm / 2  # the outline's middle, ahead of the axle


def _trace(box, centres: list[tuple[float, float]], heading: float = 0.0) -> dict:
    """A run whose robot's middle passes through `centres`, one pose every 0.1 s."""
    world = load_world(box.world_path())
    h = math.radians(heading)
    poses = [{"t": round(i / 10, 4), "kind": "pose", "x": x - MID * math.cos(h),
              "y": y - MID * math.sin(h), "heading": heading, "zones": world.zones_at(x, y)}
             for i, (x, y) in enumerate(centres)]
    return {"end": "done", "duration": len(poses) / 10, "events": poses, "simulated": True}


def _verdict(box, exercise_id: str, centres, heading: float = 0.0):
    ex = box.exercise(exercise_id)
    program = load_project(ex.solutions[0]).data
    return judge(box, ex, program, _trace(box, centres, heading), "en")


def _keys(verdict) -> list[str]:
    return [k for k, _ in verdict.failures]


# line_follower's finish zone: x 600..800, y 620..780
def test_a_robot_grazing_the_finish_zone_has_not_finished():
    # it drives past along the zone's top edge, its middle 10 mm inside for a while
    graze = [(x, 630.0) for x in range(450, 950, 10)]
    verdict = _verdict(LINE, "to-the-finish", graze)
    assert not verdict.finished
    assert _keys(verdict) == ["themebox.feedback.zone_reached.not_reached"]
    assert "finish" in verdict.feedback("en")[0]


def test_a_robot_cutting_the_zones_corner_has_not_finished():
    corner = [(560 + d, 580 + d) for d in range(0, 60, 5)]  # its middle reaches (615, 635)
    assert not _verdict(LINE, "to-the-finish", corner, heading=45).finished


def test_a_robot_whose_middle_comes_well_inside_has_finished():
    through = [(x, 700.0) for x in range(450, 950, 10)]  # right across the zone's middle
    assert _verdict(LINE, "to-the-finish", through).finished
    deep_enough = [(x, 620.0 + ZONE_MARGIN_MM + 1) for x in range(450, 950, 10)]
    assert _verdict(LINE, "to-the-finish", deep_enough).finished


# parking_sensor's parking zone: x 1150..1300, y 330..570, and the robot must stay there
def test_ending_on_the_parking_zones_edge_is_not_parking():
    on_edge = [(x, 450.0) for x in range(1000, 1290, 10)]  # stops 10 mm from the far edge
    ex = PARK.exercise("parking-space")
    check = next(c for c in ex.checks if c.predicate == "zone_reached")
    assert check.args["at_end"]
    verdict = _verdict(PARK, "parking-space", on_edge)
    assert "themebox.feedback.zone_reached.left" in _keys(verdict)
    inside = [(x, 450.0) for x in range(1000, 1230, 10)]  # stops in the middle
    verdict = _verdict(PARK, "parking-space", inside)
    assert "themebox.feedback.zone_reached.left" not in _keys(verdict)
    assert "themebox.feedback.zone_reached.not_reached" not in _keys(verdict)


def test_a_box_may_ask_for_a_different_margin(tmp_path):
    import json
    import shutil

    folder = tmp_path / "line_follower"
    shutil.copytree(ROOT / "themeboxes" / "line_follower", folder)
    data = json.loads((folder / "box.json").read_text(encoding="utf-8"))
    for ex in data["exercises"]:
        for c in ex["checks"]:
            if c["check"] == "zone_reached":
                c["margin"] = 5
    (folder / "box.json").write_text(json.dumps(data), encoding="utf-8")
    box = load_box(folder)
    graze = [(x, 630.0) for x in range(450, 950, 10)]  # 10 mm in: enough for 5 mm
    assert _verdict(box, "to-the-finish", graze).finished
