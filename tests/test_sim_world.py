"""The simulator's world, body and physics (issue 4): world files, kinematics, walls,
sensors and determinism."""

import json
import math
from pathlib import Path

import pytest

from dojokit.i18n import catalog
from dojokit.kits.build import firmware_dir, parse_kit
from dojokit.sim.board import Sensors
from dojokit.sim.physics import SONAR_MAX_MM, SONAR_MIN_MM, Body, SimRobot
from dojokit.sim.world import (
    Pose,
    WorldError,
    distance_to_polyline,
    list_worlds,
    load_world,
    point_in_polygon,
    ray_segment,
    segments_intersect,
)

BODY = Body.from_kit("sim")
SQUARE = [(0, 0), (10, 0), (10, 10), (0, 10)]


def write_world(tmp_path: Path, name: str = "w", **changes) -> Path:
    """A small valid world file with `changes` applied (None removes a key)."""
    data = {
        "format": 1,
        "titles": {"nl": "Test", "fr": "Test", "en": "Test"},
        "size_mm": [6000, 1000],
        "start": {"x": 200, "y": 500, "heading": 0},
        "walls": [],
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def one_sentence(msg: str) -> bool:
    return "\n" not in msg and msg.endswith(".")


# -- shipped worlds ----------------------------------------------------------------------


def test_shipped_worlds_load_and_fit_the_robot():
    names = list_worlds()
    assert {"empty", "parking", "line", "maze"} <= set(names)
    for name in names:
        world = load_world(name)
        assert world.name == name
        assert set(world.titles) == {"nl", "fr", "en"} and all(world.titles.values())
        assert 0 <= world.light <= 254
        assert not world.in_wall(world.start.x, world.start.y)
        for maker in (SimRobot, lambda w, b: SimRobot(w, Body.from_kit("maqueen"))):
            robot = maker(world, BODY)
            assert robot.pose == world.start
            assert isinstance(robot.sense(), Sensors)


def test_shipped_worlds_have_what_their_exercises_need():
    parking = load_world("parking")
    assert [z.name for z in parking.zones] == ["parking"] and parking.walls
    assert SimRobot(parking, BODY).sense().distance_mm is not None  # a wall ahead
    for name in ("line", "loop"):
        world = load_world(name)
        assert all(18 <= line.width <= 20 for line in world.lines)
    assert load_world("loop").lines[0].closed
    for name in ("line", "maze"):
        assert "finish" in [z.name for z in load_world(name).zones]
    assert load_world("empty").walls == ()


def test_a_world_by_path_and_unknown_names(tmp_path):
    path = write_world(tmp_path, "mine")
    assert load_world(path).name == "mine"
    assert load_world(str(path)).start == Pose(200, 500, 0)
    with pytest.raises(WorldError, match="nowhere"):
        load_world("nowhere")
    with pytest.raises(WorldError, match=r"missing\.json"):
        load_world(tmp_path / "missing.json")


# -- bad files ---------------------------------------------------------------------------


def test_broken_json_names_the_file_and_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n "size_mm": [100, 100],\n "start": {"x": 1 "y": 2}\n}\n')
    with pytest.raises(WorldError) as e:
        load_world(path)
    msg = str(e.value)
    assert "broken.json" in msg and "3" in msg and one_sentence(msg)


def test_a_polygon_with_two_points(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(
        '{"titles": {"nl": "a", "fr": "b", "en": "c"},\n'
        ' "size_mm": [1000, 1000], "start": {"x": 100, "y": 100, "heading": 0},\n'
        ' "walls": [\n'
        "   [[500, 0], [520, 0], [520, 300]],\n"
        "   [[800, 0],\n"
        "    [800, 900]]\n"
        " ]}\n"
    )
    with pytest.raises(WorldError) as e:
        load_world(path)
    msg = str(e.value)
    assert "two.json" in msg and "line 5" in msg and "walls[1]" in msg and one_sentence(msg)


def test_a_start_inside_a_wall(tmp_path):
    path = write_world(tmp_path, "walled", walls=[[[100, 400], [300, 400], [300, 600], [100, 600]]])
    with pytest.raises(WorldError, match=r"walled\.json") as e:
        load_world(path)
    assert one_sentence(str(e.value)) and "line" in str(e.value)


def test_a_start_where_the_body_overlaps_a_wall(tmp_path):
    # the middle of the axle is free but the nose is in the wall: the robot does not fit
    path = write_world(tmp_path, "nose", walls=[[[230, 0], [260, 0], [260, 1000], [230, 1000]]])
    world = load_world(path)
    with pytest.raises(WorldError, match="nose"):
        SimRobot(world, BODY)


def test_unknown_keys_are_named_with_their_line(tmp_path):
    path = write_world(tmp_path, "extra", colour="green")
    line = next(i for i, s in enumerate(path.read_text().splitlines(), 1) if "colour" in s)
    with pytest.raises(WorldError) as e:
        load_world(path)
    msg = str(e.value)
    assert "extra.json" in msg and '"colour"' in msg and f"line {line}" in msg
    path = write_world(tmp_path, "extra2", start={"x": 200, "y": 500, "heading": 0, "z": 1})
    with pytest.raises(WorldError, match='"z"'):
        load_world(path)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"size_mm": [100]}, "size_mm"),
        ({"size_mm": [0, 100]}, "size_mm"),
        ({"light": 255}, "light"),
        ({"light": True}, "light"),
        ({"start": None}, "start"),
        ({"titles": {"nl": "a", "en": "b"}}, "titles.fr"),
        ({"start": {"x": "1", "y": 2, "heading": 0}}, "start.x"),
        ({"start": {"x": 9000, "y": 500, "heading": 0}}, "9000"),
        ({"lines": [{"points": [[0, 0]], "width": 19}]}, "lines[0].points"),
        ({"lines": [{"points": [[0, 0], [5, 5]], "width": 0}]}, "lines[0].width"),
        ({"zones": [{"name": "", "polygon": SQUARE}]}, "zones[0].name"),
        ({"walls": [[[0, 0], [1, "x"], [2, 2]]]}, "walls[0][1]"),
        ({"format": 2}, "format"),
    ],
)
def test_other_mistakes(tmp_path, changes, words):
    path = write_world(tmp_path, "bad", **changes)
    with pytest.raises(WorldError) as e:
        load_world(path)
    assert "bad.json" in str(e.value) and words in str(e.value) and one_sentence(str(e.value))


def test_world_messages_exist_in_every_language():
    keys = {
        lang: {k for k in catalog(lang) if k.startswith("world.")} for lang in ("nl", "fr", "en")
    }
    assert keys["en"] and keys["nl"] == keys["en"] == keys["fr"]


# -- geometry ----------------------------------------------------------------------------


def test_geometry_helpers():
    assert point_in_polygon(5, 5, SQUARE) and not point_in_polygon(15, 5, SQUARE)
    concave = [(0, 0), (10, 0), (10, 10), (5, 2), (0, 10)]
    assert point_in_polygon(2, 2, concave) and not point_in_polygon(5, 8, concave)
    assert segments_intersect((0, 0), (10, 10), (0, 10), (10, 0))
    assert segments_intersect((0, 0), (10, 0), (10, 0), (10, 5))  # touching counts
    assert not segments_intersect((0, 0), (10, 0), (0, 1), (10, 1))
    assert ray_segment(0, 0, 1, 0, (5, -1), (5, 1)) == 5
    assert ray_segment(0, 0, -1, 0, (5, -1), (5, 1)) is None
    assert distance_to_polyline(5, 3, [(0, 0), (10, 0)]) == 3
    assert distance_to_polyline(-3, 4, [(0, 0), (10, 0)]) == 5
    assert distance_to_polyline(5, 9, SQUARE, closed=True) == 1
    world = load_world("parking")
    assert world.ray_cast(200, 450, 0) == pytest.approx(1100)
    assert world.ray_cast(200, 450, 180) is None
    assert world.ray_cast(200, 450, 0, max_mm=1000) is None


# -- kinematics --------------------------------------------------------------------------


def robot_in(world="empty", **pose) -> SimRobot:
    robot = SimRobot(load_world(world), BODY)
    if pose:
        robot.pose = Pose(**pose)
    return robot


@pytest.mark.parametrize("dt", [0.001, 0.02, 0.5])
def test_straight_line_distance_is_speed_times_time(dt):
    robot = robot_in(x=300, y=750, heading=0)
    for _ in range(round(1.5 / dt)):
        robot.step(dt, 50, 50)
    assert robot.pose.x == pytest.approx(300 + 0.5 * BODY.max_speed_mm_s * 1.5, abs=1e-6)
    assert robot.pose.y == pytest.approx(750, abs=1e-9) and robot.pose.heading == 0
    robot.step(1.0, -100, -100)  # backwards at full speed
    assert robot.pose.x == pytest.approx(450 - BODY.max_speed_mm_s, abs=1e-6)


def test_spin_in_place_keeps_position():
    robot = robot_in(x=1000, y=700, heading=30)
    w = 2 * BODY.max_speed_mm_s / BODY.wheel_base_mm  # rad/s at -100 / 100
    robot.step(0.25, -100, 100)
    p = robot.pose
    assert (p.x, p.y) == pytest.approx((1000, 700), abs=1e-9)
    assert p.heading == pytest.approx(30 + math.degrees(w * 0.25))
    for _ in range(100):
        robot.step(0.02, 100, -100)
    assert (robot.pose.x, robot.pose.y) == pytest.approx((1000, 700), abs=1e-9)


def test_unequal_speeds_drive_an_arc_of_the_right_radius():
    robot = robot_in(x=1000, y=400, heading=0)
    vl, vr = 0.5 * BODY.max_speed_mm_s, BODY.max_speed_mm_s
    radius = BODY.wheel_base_mm / 2 * (vr + vl) / (vr - vl)  # 105 mm for the Maqueen
    centre = (1000, 400 + radius)  # a left turn: the centre is on the left
    for _ in range(60):
        robot.step(0.02, 50, 100)
        p = robot.pose
        assert math.hypot(p.x - centre[0], p.y - centre[1]) == pytest.approx(radius, abs=1e-6)
    w = (vr - vl) / BODY.wheel_base_mm
    assert robot.pose.heading == pytest.approx(math.degrees(w * 1.2) % 360)
    # one long step lands where many short ones do: the arc is integrated exactly
    other = robot_in(x=1000, y=400, heading=0)
    other.step(1.2, 50, 100)
    assert (other.pose.x, other.pose.y) == pytest.approx((robot.pose.x, robot.pose.y), abs=1e-6)


def test_speeds_are_capped_at_100():
    robot = robot_in(x=300, y=750, heading=0)
    robot.step(1.0, 500, 500)
    assert robot.pose.x == pytest.approx(300 + BODY.max_speed_mm_s)


# -- walls -------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [0.001, 0.02, 0.5, 5.0])
@pytest.mark.parametrize("heading", [0, 10, -8])
def test_full_speed_at_the_wall_stops_at_it(dt, heading):
    world = load_world("parking")
    wall_x = min(x for x, _ in world.walls[0])
    robot = SimRobot(world, BODY)
    robot.pose = Pose(world.start.x, world.start.y, heading)
    touched = False
    for _ in range(max(1, round(12 / dt))):
        robot.step(dt, 100, 100)
        touched = touched or robot.touching
        assert max(x for x, _ in robot.footprint()) <= wall_x  # never past its face
    assert touched and robot.touching
    assert max(x for x, _ in robot.footprint()) == pytest.approx(wall_x, abs=0.05)
    if heading == 0:
        assert robot.zones() == ["parking"]
        assert robot.sense().distance_mm == SONAR_MIN_MM  # 3 mm from the wall reads 20


@pytest.mark.parametrize("dt", [0.02, 5.0])
def test_thin_walls_and_the_table_edge_stop_the_robot(tmp_path, dt):
    thin = [[3000, 100], [3000.5, 100], [3000.5, 900], [3000, 900]]
    world = load_world(write_world(tmp_path, walls=[thin]))
    robot = SimRobot(world, BODY)
    for _ in range(round(30 / dt)):
        robot.step(dt, 100, 100)
    assert max(x for x, _ in robot.footprint()) == pytest.approx(3000, abs=0.05)
    robot.pose = Pose(3500, 500, 90)  # beyond the wall, driving to the table's edge
    for _ in range(round(30 / dt)):
        robot.step(dt, 100, 95)
        assert all(0 <= x <= world.width and 0 <= y <= world.height for x, y in robot.footprint())
    assert robot.touching


def test_a_robot_against_a_wall_can_back_away():
    robot = robot_in("parking")
    robot.step(10, 100, 100)
    x = robot.pose.x
    robot.step(0.5, 100, 100)  # pushing does not move it
    assert robot.touching and robot.pose.x == pytest.approx(x, abs=0.01)
    robot.step(0.5, -100, -100)
    assert not robot.touching and robot.pose.x == pytest.approx(x - 100, abs=0.02)


def test_the_maze_walls_hold_a_robot_that_drives_around():
    world = load_world("maze")
    robot = SimRobot(world, BODY)
    for k in range(3000):
        left, right = [(100, 100), (100, 40), (-60, 100), (100, 100)][(k // 70) % 4]
        robot.step(0.05, left, right)
        quad = robot.footprint()
        assert not world.blocked(quad)


# -- sensors -----------------------------------------------------------------------------


@pytest.mark.parametrize("x", [200, 450, 700.4, 1100, 1230])
def test_ultrasonic_reads_the_distance_to_the_wall(x):
    world = load_world("parking")
    robot = SimRobot(world, BODY)
    robot.pose = Pose(x, 450, 0)
    wall_x = min(px for px, _ in world.walls[0])
    expected = wall_x - (x + BODY.sonar_mm[0])
    assert abs(robot.sense().distance_mm - expected) <= 1


def test_ultrasonic_sees_the_nearest_of_its_cone(tmp_path):
    # a 60 mm box 5 degrees off the axis is heard; 12 degrees off it is not (the cone is
    # 15 degrees wide, sampled by 5 rays)
    def reading(angle_deg):
        a = math.radians(angle_deg)
        cx, cy = 245 + 500 * math.cos(a), 500 + 500 * math.sin(a)
        box = [[cx - 30, cy - 30], [cx + 30, cy - 30], [cx + 30, cy + 30], [cx - 30, cy + 30]]
        return SimRobot(load_world(write_world(tmp_path, walls=[box])), BODY).sense()

    face = 500 * math.cos(math.radians(5)) - 30
    assert reading(5).distance_mm == round(face / math.cos(math.radians(15 / 4)))
    assert reading(-5).distance_mm == reading(5).distance_mm
    assert reading(12).distance_mm is None


def test_ultrasonic_range(tmp_path):
    def wall_at(x):
        return [[x, 0], [x + 20, 0], [x + 20, 1000], [x, 1000]]

    far = SimRobot(load_world(write_world(tmp_path, "far", walls=[wall_at(245 + 4100)])), BODY)
    assert far.sense().distance_mm is None  # beyond 4 m: no echo
    near = SimRobot(load_world(write_world(tmp_path, "near", walls=[wall_at(245 + 3900)])), BODY)
    assert near.sense().distance_mm == 3900
    edge = SimRobot(
        load_world(write_world(tmp_path, "edge", walls=[wall_at(245 + SONAR_MAX_MM)])), BODY
    )
    assert edge.sense().distance_mm == SONAR_MAX_MM
    assert robot_in("empty").sense().distance_mm is None  # empty space, the edge is no wall
    fenced = SimRobot(
        load_world(write_world(tmp_path, "fenced", size_mm=[2000, 1000], fenced=True)), BODY
    )
    assert fenced.sense().distance_mm == 2000 - 245


def test_line_sensors_see_the_track_at_the_start():
    for name in ("line", "loop"):
        s = SimRobot(load_world(name), BODY).sense()
        assert s.line_left and s.line_right
    robot = robot_in("line")
    robot.pose = Pose(200, 200 + 15, 0)  # shifted left: only the right sensor is on the line
    s = robot.sense()
    assert (s.line_left, s.line_right) == (False, True)
    robot.pose = Pose(200, 300, 0)
    s = robot.sense()
    assert not s.line_left and not s.line_right
    assert s.light == load_world("line").light and (s.tilt_x, s.tilt_y) == (0, 0)


def test_a_line_follower_reaches_the_finish():
    robot = robot_in("line")
    for _ in range(3000):
        s = robot.sense()
        if "finish" in robot.zones():
            break
        speeds = {
            (True, True): (60, 60),
            (True, False): (0, 60),
            (False, True): (60, 0),
            (False, False): (60, 60),
        }[(s.line_left, s.line_right)]
        robot.step(0.02, *speeds)
    assert "finish" in robot.zones()


# -- determinism -------------------------------------------------------------------------


def drive_and_sense(seed, noise, world="line", steps=400):
    robot = SimRobot(load_world(world), BODY, seed=seed, noise=noise)
    out = []
    for k in range(steps):
        robot.step(0.02, 60, 60 - (k % 50))
        out.append(robot.sense())
    return out, robot.pose


def test_same_seed_same_readings_and_no_noise_is_exact():
    a, pa = drive_and_sense(7, 5.0, "parking")
    b, pb = drive_and_sense(7, 5.0, "parking")
    assert a == b and pa == pb
    c, _ = drive_and_sense(8, 5.0, "parking")
    assert c != a
    exact1, _ = drive_and_sense(1, 0.0, "parking")
    exact2, _ = drive_and_sense(2, 0.0, "parking")
    assert exact1 == exact2  # without noise the seed does not matter
    la, _ = drive_and_sense(3, 2.0)
    lb, _ = drive_and_sense(3, 2.0)
    assert la == lb


def test_noise_jitters_the_distance_around_the_truth():
    world = load_world("parking")
    robot = SimRobot(world, BODY, seed=1, noise=3.0)
    readings = [robot.sense().distance_mm for _ in range(500)]
    assert len(set(readings)) > 5
    assert sum(readings) / len(readings) == pytest.approx(1055, abs=1)


# -- body --------------------------------------------------------------------------------


def test_body_from_kits():
    sim = Body.from_kit("sim")
    maqueen = Body.from_kit(parse_kit((firmware_dir() / "kits" / "maqueen.kit").read_text()))
    assert sim.length_mm == maqueen.length_mm == 81 and sim.sonar_mm == (45, 0)
    assert sim.rear_mm == -33 and sim.line_left_mm == (38, 8)
    with pytest.raises(ValueError, match="wheel_base_mm"):
        Body.from_kit(
            {"name": ["bare"], "length_mm": ["80"]} | {"width_mm": ["80"], "front_mm": ["40"]}
        )
    parsed = parse_kit((firmware_dir() / "kits" / "sim.kit").read_text())
    with pytest.raises(ValueError, match="sonar_mm"):
        Body.from_kit(parsed | {"sonar_mm": ["45"]})
