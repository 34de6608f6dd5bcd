"""The grader: runs a learner's program on the simulated kit in the box's world and judges
the trace against the exercise's checks (format.PREDICATES), with feedback in plain words.

Light checks judge the program's own timing (its light commands); the trace also keeps
what the robot showed through its sensory guard ("shown"). Positions come from the
simulated body and touches from the physics. The run is on virtual time, so the same
program gives the same verdict and the same trace every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from dojokit.i18n import text
from dojokit.link import Link, LinkError
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot, session
from dojokit.scratch import cast
from dojokit.scratch.project import load_project
from dojokit.scratch.robot_blocks import IMAGES, image_bits
from dojokit.scratch.robot_bridge import RobotBridge
from dojokit.scratch.runtime import Runtime
from dojokit.sim import vloop
from dojokit.themebox.format import (
    BLOCK_KINDS,
    COLOURS,
    Box,
    Check,
    Exercise,
    colour_label,
)

Trace = dict[str, Any]


@dataclass
class Verdict:
    finished: bool
    failures: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (key, fields)
    trace_hash: str = ""
    box: Box | None = None
    unjudged: list[str] = field(default_factory=list)  # checks a real robot cannot show

    @property
    def verdict(self) -> str:
        return "finished" if self.finished else "not_yet"

    def feedback(self, lang: str | None = None) -> list[str]:
        """The feedback texts, named in `lang` (default: the current language)."""
        return [_text(key, lang, self._named(fields, lang)) for key, fields in self.failures]

    def _named(self, fields: dict[str, Any], lang: str | None) -> dict[str, Any]:
        # checks keep colours, zones, block kinds and images as ids; names come here
        names = {
            "colour": lambda v: colour_label(v, lang),
            "previous": lambda v: colour_label(v, lang),
            "zone": lambda v: self.box.zone_label(v, lang) if self.box else v,
            "block": lambda v: _text(f"themebox.block.{v}", lang, {}),
            "image": lambda v: _text(f"blocks.menu.{v}", lang, {}),
        }
        return {k: names[k](v) if k in names else v for k, v in fields.items()}


def _text(key: str, lang: str | None, fields: dict[str, Any]) -> str:
    return text(key, lang).format(**fields)


# -- running ------------------------------------------------------------------------------
async def _run(data: dict[str, Any], world: Any, profile: str, seconds: float,
               seed: int, kit: str | None = None,
               verdict: Callable[[Trace], str] | None = None) -> Trace:
    """Run on the simulated kit in `world` (virtual time), or, with `kit`, on that real
    robot in real time (its trace then has no poses, touches or shown lights).

    The robot shows the states of every run (dojokit.robot.session): ready, running, and at
    the end `verdict(trace)` ("finished" or "not_yet", judged on the run's trace), or without
    one how the run ended. That final state is the trace's last "state" event."""
    loop = asyncio.get_running_loop()
    if kit is None:
        transport: Any = SimTransport(label="sim", world=world, seed=seed)
        robot = Robot(Link(transport))
        await robot.link.connect()
    else:
        robot = await Robot.open(kit)
        transport = robot.link.transport
    bridge = RobotBridge(robot)
    says: list[dict[str, Any]] = []

    def on_say(target: Any, kind: str, message: Any) -> None:
        says.append({"t": round(robot.trace.clock(), 4), "kind": kind, "sprite": target.name,
                     "text": cast.to_string(message)})

    how = "done"
    sim = getattr(transport, "kit", None)

    def trace() -> Trace:
        origin = loop.time() - robot.trace.clock()  # one time line: the robot's trace
        events = says + [{"t": e.t, "kind": e.kind, **e.data} for e in robot.trace.events]
        if sim is not None:
            events += sim.trace_events(origin)
        events.sort(key=lambda e: (e["t"], e["kind"]))
        return {"end": how, "duration": end, "events": events, "simulated": sim is not None}

    try:
        await robot.set_profile(profile)
        await bridge.start()
        await session.ready(robot)
        rt = Runtime(data, on_say=on_say, robot=bridge, clock=lambda: loop.time() * 1000,
                     virtual=kit is None, seed=seed)
        how = await session.run(robot, rt, seconds)
    except LinkError:
        how = "failed"
    finally:
        with contextlib.suppress(LinkError):
            await bridge.stop()
        end = round(robot.trace.clock(), 4)
        if how != "failed":
            # the verdict is judged before it is shown; showing it adds nothing a check reads
            await session.end(robot, verdict(trace()) if verdict else session.end_state(how))
        with contextlib.suppress(LinkError):
            await robot.close()
    return trace()


def run_program(program: str | Path, world: Any, profile: str = "calm",
                seconds: float = 60.0, seed: int = 0) -> Trace:
    project = load_project(program)
    return vloop.run(_run(project.data, world, profile, seconds, seed))


def trace_hash(trace: Trace) -> str:
    text = json.dumps(trace, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# -- judging ------------------------------------------------------------------------------
def nearest_colour(rgb: Any) -> str:
    """The named colour a shown colour is, whatever its brightness (a calm profile dims
    every light; a fade passes through dimmer shades of the same colour)."""
    r, g, b = rgb
    top = max(r, g, b)
    if top == 0:
        return "off"
    scaled = (r * 255 / top, g * 255 / top, b * 255 / top)
    best, dist = "off", math.inf
    for name, (cr, cg, cb) in COLOURS.items():
        if name == "off":
            continue
        ctop = max(cr, cg, cb)
        c = (cr * 255 / ctop, cg * 255 / ctop, cb * 255 / ctop)
        d = sum((a - b) ** 2 for a, b in zip(scaled, c, strict=True))
        if d < dist:
            best, dist = name, d
    return best


def _name(colour: Any) -> str:
    return colour if isinstance(colour, str) else nearest_colour(colour)


def _segments(trace: Trace, light: Any) -> list[list[tuple[str, float]]]:
    """Per light: the named colours the program set it to, merged, each with how long (s).
    Durations are the program's own timing (the light commands in the trace); what the
    robot then showed, through its sensory guard, is in the trace too ("shown")."""
    commands = [e for e in trace["events"] if e["kind"] == "light"]
    count = 1 + max((e["index"] for e in commands if isinstance(e["index"], int)), default=0)
    per: dict[int, list[tuple[float, str]]] = {}
    for e in commands:
        name = nearest_colour(e["colour"])
        for index in range(count) if e["index"] == "all" else (e["index"],):
            per.setdefault(index, []).append((e["t"], name))
    end = trace["duration"]
    out = []
    for index, changes in sorted(per.items()):
        if light != "any" and index != int(light) - 1:
            continue
        segs: list[tuple[str, float]] = []
        for k, (t0, name) in enumerate(changes):
            t1 = changes[k + 1][0] if k + 1 < len(changes) else end
            if segs and segs[-1][0] == name:
                segs[-1] = (name, segs[-1][1] + (t1 - t0))
            else:
                segs.append((name, t1 - t0))
        out.append(segs)
    return out


Failure = tuple[str, dict[str, Any]] | None


def _light_shown(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    want = _name(a["colour"])
    best = max((s for segs in _segments(trace, a["light"]) for n, s in segs if n == want),
               default=None)
    label = a["colour"]
    if best is None:
        return "never", {"colour": label}
    if best + 1e-6 < a["seconds"]:
        return "too_short", {"colour": label, "seconds": round(best, 1), "want": a["seconds"]}
    return None


def _light_sequence(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    want = [_name(c) for c in a["colours"]]
    best: Failure = ("first", {"colour": a["colours"][0]})
    for segs in _segments(trace, "any"):
        for start, (name, _) in enumerate(segs):
            if name != want[0]:
                continue
            for k, w in enumerate(want):
                if start + k >= len(segs) or segs[start + k][0] != w:
                    best = ("next", {"colour": a["colours"][k],
                                     "previous": a["colours"][k - 1]})
                    break
                if segs[start + k][1] + 1e-6 < a["seconds"]:
                    best = ("too_short", {"colour": a["colours"][k],
                                          "seconds": round(segs[start + k][1], 1),
                                          "want": a["seconds"]})
                    break
            else:
                return None
    return best


def _poses(trace: Trace) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["kind"] == "pose"]


def _zone_reached(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    poses = _poses(trace)
    label = a["zone"]
    if not any(a["zone"] in p["zones"] for p in poses):
        return "not_reached", {"zone": label}
    if a["at_end"] and poses and a["zone"] not in poses[-1]["zones"]:
        return "left", {"zone": label}
    return None


def _touches(trace: Trace) -> list[float]:
    return [e["t"] for e in trace["events"] if e["kind"] == "touch"]


@cache
def _world_and_body(world: str | Path) -> tuple[Any, Any]:
    # loaded once per world, not once per pose
    from dojokit.sim.physics import Body
    from dojokit.sim.world import load_world

    return load_world(world), Body.from_kit("sim")


def _ahead_mm(box: Box, pose: dict[str, Any]) -> float | None:
    world, body = _world_and_body(box.world_path())
    h = math.radians(pose["heading"])
    x = pose["x"] + math.cos(h) * body.front_mm
    y = pose["y"] + math.sin(h) * body.front_mm
    return world.ray_cast(x, y, pose["heading"])


def _stops_before_wall(trace: Trace, a: dict[str, Any], box: Box, lang: str | None
                       ) -> Failure:
    poses = _poses(trace)
    if _touches(trace):
        return "touched", {}
    if _driving_at_end(trace):
        return "still_driving", {}
    gap = _ahead_mm(box, poses[-1]) if poses else None
    if gap is None or gap > a["mm"]:
        return "too_far", {"mm": round(gap) if gap is not None else "?", "want": a["mm"]}
    return None


def _driving_at_end(trace: Trace) -> bool:
    # the last wheel command: an untimed drive that is not (0, 0) keeps the robot going
    # (a program that ends with "stop" has stopped, even if the last pose still moved)
    last = None
    for e in trace["events"]:
        if e["kind"] in ("drive", "stop"):
            last = e
    return bool(last and last["kind"] == "drive" and last.get("seconds") is None
                and (last.get("left") or last.get("right")))


def _distance_kept(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    gaps = [g for p in _poses(trace) if (g := _ahead_mm(box, p)) is not None]
    if gaps and min(gaps) < a["mm"]:
        return "too_close", {"mm": round(min(gaps)), "want": a["mm"]}
    return None


def _no_wall_touched(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    touches = _touches(trace)
    return ("touched", {"seconds": round(touches[0], 1)}) if touches else None


def _ends_by_itself(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    return None if trace["end"] == "done" else ("still_running",
                                                 {"seconds": round(trace["duration"], 1)})


def _drives(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    moved = any(e["kind"] == "drive" and (e.get("left") or e.get("right"))
                for e in trace["events"])
    return None if moved else ("never", {})


def _moves_at_least(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    poses = _poses(trace)
    path = sum(math.dist((p["x"], p["y"]), (q["x"], q["y"])) for p, q in pairwise(poses))
    return None if path + 1e-6 >= a["mm"] else ("too_little", {"mm": round(path),
                                                               "want": a["mm"]})


def _says(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    wanted = {s.strip().lower() for s in a["text"]}
    said = any(e["kind"] in ("say", "think") and e["text"].strip().lower() in wanted
               for e in trace["events"])
    return None if said else ("never", {"text": a["text"][0]})


def _shows_image(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    bits = image_bits(IMAGES[a["image"]])
    shown = any(e["kind"] == "display" and e.get("image") == bits for e in trace["events"])
    return None if shown else ("never", {"image": a["image"]})


def _plays_notes(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    n = sum(1 for e in trace["events"] if e["kind"] == "tone" and e.get("freq"))
    return None if n >= a["count"] else ("too_few", {"count": n, "want": a["count"]})


def _uses_block(program: dict[str, Any], a: dict[str, Any], lang: str | None) -> Failure:
    kinds = set(BLOCK_KINDS[a["block"]])
    for target in program["targets"]:
        for b in target.get("blocks", {}).values():
            if isinstance(b, dict) and b.get("opcode") in kinds:
                return None
    return "missing", {"block": a["block"]}


TRACE_CHECKS: dict[str, Callable[[Trace, dict[str, Any], Box, str | None], Failure]] = {
    "light_shown": _light_shown,
    "light_sequence": _light_sequence,
    "zone_reached": _zone_reached,
    "stops_before_wall": _stops_before_wall,
    "distance_kept": _distance_kept,
    "no_wall_touched": _no_wall_touched,
    "ends_by_itself": _ends_by_itself,
    "drives": _drives,
    "moves_at_least": _moves_at_least,
    "says": _says,
    "shows_image": _shows_image,
    "plays_notes": _plays_notes,
}


# what only the simulated world can tell (a real robot reports no position or touches)
WORLD_CHECKS = {"zone_reached", "stops_before_wall", "distance_kept", "no_wall_touched",
                "moves_at_least"}


def judge(box: Box, exercise: Exercise, program: dict[str, Any], trace: Trace,
          lang: str | None = None) -> Verdict:
    failures: list[tuple[str, dict[str, Any]]] = []
    unjudged = []
    for check in exercise.checks:
        if not trace.get("simulated", True) and check.predicate in WORLD_CHECKS:
            unjudged.append(check.predicate)
            continue
        failure = _check(check, box, program, trace, lang)
        if failure is not None:
            name, fields = failure
            failures.append((check.spec.feedback_key(name), fields))
    return Verdict(not failures, failures, trace_hash(trace), box, unjudged)


def _check(check: Check, box: Box, program: dict[str, Any], trace: Trace,
           lang: str | None) -> Failure:
    if check.predicate == "uses_block":
        return _uses_block(program, check.args, lang)
    return TRACE_CHECKS[check.predicate](trace, check.args, box, lang)


def grade(box: Box, exercise: Exercise, program: str | Path, lang: str | None = None,
          seed: int = 0, kit: str | None = None) -> tuple[Verdict, Trace]:
    """Grade on the simulated kit (virtual time: the same verdict every run), or with
    `kit` (e.g. "serial:/dev/ttyACM0") on a real robot in real time."""
    project = load_project(program)

    def verdict(trace: Trace) -> str:  # shown on the robot at the end of the run
        return judge(box, exercise, project.data, trace, lang).verdict

    if kit is None:
        trace = vloop.run(_run(project.data, box.world_path(), box.profile,
                               exercise.time_limit, seed, verdict=verdict))
    else:
        trace = asyncio.run(_run(project.data, None, box.profile, exercise.time_limit, seed,
                                 kit, verdict))
    return judge(box, exercise, project.data, trace, lang), trace
