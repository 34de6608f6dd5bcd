"""The grader: runs a learner's program on the simulated kit in the box's world and judges
the trace against the exercise's checks (format.PREDICATES), with feedback in plain words.

Light checks judge the program's own colours and timing (its light commands: the colour
it asked for, named as a child would, dojokit.colour_names); the trace also keeps what the
robot showed through its palette and sensory guard ("shown"). Positions come from the
simulated body and touches from the physics; a zone counts as reached when the middle of
the robot comes well inside it (`margin`). Blocks beyond the card's palette are graded as
usual and noted for the teacher (Verdict.beyond, Verdict.note). The run is on virtual time,
so the same program gives the same verdict and the same trace every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from dojokit.colour_names import colour_name
from dojokit.i18n import catalog, language, text
from dojokit.link import Link, LinkError
from dojokit.link.sim_transport import SimTransport
from dojokit.robot import Robot, session
from dojokit.scratch import cast
from dojokit.scratch.project import load_project
from dojokit.scratch.robot_blocks import IMAGES, image_bits, sensors_read
from dojokit.scratch.robot_bridge import RobotBridge
from dojokit.scratch.runtime import Runtime
from dojokit.sim import vloop
from dojokit.themebox import feedback_words as words
from dojokit.themebox.format import (
    BLOCK_KINDS,
    SLOWER_NEAR,
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
    # opcodes the program used that its card's palette does not offer: graded as usual, and
    # said to the teacher (note()), never to the learner as a failure
    beyond: list[str] = field(default_factory=list)
    # opcodes of blocks that loaded but did nothing (unknown here, issue 13): noted too
    idle: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return "finished" if self.finished else "not_yet"

    def note(self, lang: str | None = None) -> str | None:
        """The note for the teacher about blocks beyond the card, or None."""
        notes = [palette_note(self.beyond, lang), idle_note(self.idle, lang)]
        return " ".join(n for n in notes if n) or None

    def feedback(self, lang: str | None = None) -> list[str]:
        """The feedback texts, named in `lang` (default: the current language)."""
        return [_text(words.feedback_key(key, fields, lang), lang,
                      self._named(fields, lang, key)) for key, fields in self.failures]

    def _named(self, fields: dict[str, Any], lang: str | None, key: str = ""
               ) -> dict[str, Any]:
        # checks keep colours, zones, block kinds, images and plain numbers (mm, seconds);
        # names, units and the card's number style come here
        names = {
            "colour": lambda v: colour_label(v, lang),
            "previous": lambda v: words.colour_the(v, lang),
            "zone": lambda v: self.box.zone_label(v, lang) if self.box else v,
            "block": lambda v: words.block_kind(v, fields.get("offered"), lang),
            "image": lambda v: _text(f"blocks.menu.{v}", lang, {}),
        }
        named = {k: names[k](v) if k in names else v for k, v in fields.items()}
        return named | words.measures(fields, lang, key.removeprefix("themebox.feedback."))


def _text(key: str, lang: str | None, fields: dict[str, Any]) -> str:
    return text(key, lang).format(**fields)


def blocks_beyond(program: dict[str, Any], palette: tuple[str, ...]) -> list[str]:
    """The opcodes of `program` outside `palette`, each once, in the order first met.
    Shadows (menus, prototypes) are part of a block, not dragged in: as the box loader."""
    out: dict[str, None] = {}
    for target in program.get("targets", ()):
        for b in target.get("blocks", {}).values():
            if isinstance(b, dict) and not b.get("shadow") and b.get("opcode") not in palette:
                out[str(b.get("opcode"))] = None
    return list(out)


def block_name(opcode: str, lang: str | None = None) -> str:
    """A block as a teacher finds it in Scratch: the words of its label (the block tables'),
    with … for each input and a C-block's last mouth left out ("repeat …", "if … then …
    else"); a block that is only its input (a variable) by its category; a custom block by
    its palette.block.<opcode> text; an unknown opcode as itself."""
    from dojokit.scratch.blocks import block_def, category_label, label

    lang = lang or language()
    d = block_def(opcode)
    if d is None:  # custom blocks: their words are the program's own
        cat, en = catalog(lang), catalog("en")
        key = f"palette.block.{opcode}"
        return cat.get(key) or en.get(key) or opcode
    words = label(opcode, lang)
    if d.substacks:
        words = re.sub(rf"\s*\[{d.substacks[-1]}\]\s*$", "", words)
    words = re.sub(r"\[[A-Z][A-Z0-9_]*\]", "…", words).strip()
    return words if words.strip("… ") else category_label(d.category, lang)


def palette_note(beyond: list[str], lang: str | None = None) -> str | None:
    return _blocks_note("palette.note", beyond, lang)


def idle_note(idle: list[str], lang: str | None = None) -> str | None:
    return _blocks_note("wild.teacher_note", idle, lang)


def _blocks_note(key: str, opcodes: list[str], lang: str | None) -> str | None:
    # the teacher's sentence `key` naming the blocks, each quoted; none: no sentence
    if not opcodes:
        return None
    names = ", ".join(_text("palette.quoted", lang, {"name": block_name(o, lang)})
                      for o in opcodes)
    return _text(key, lang, {"blocks": names})


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
        await bridge.start(sensors_read(data))
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
    """The card colour a colour is, as a child names it, whatever its brightness
    (dojokit.colour_names: the rule and its ranges are in docs/themeboxes.md)."""
    r, g, b = rgb
    return colour_name((r, g, b))


def _name(colour: Any) -> str:
    return colour if isinstance(colour, str) else nearest_colour(colour)


def _segments(trace: Trace, light: Any) -> list[list[tuple[str, float]]]:
    """Per light: the named colours the program set it to, merged, each with how long (s).
    Colours and durations are the program's own (the light commands in the trace: the
    colour it asked for, "asked" when the profile showed another); what the robot showed
    through its palette and sensory guard stays in the trace for the teacher."""
    per = _light_changes(trace)
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
        # lights a finished program leaves off stay off: that last "off" is not a short step
        if segs and segs[-1][0] == "off" and trace["end"] == "done":
            segs[-1] = ("off", math.inf)
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
    furthest = -1  # the attempt that got furthest says what stopped it
    for segs in _segments(trace, "any"):
        for start, (name, _) in enumerate(segs):
            if name != want[0]:
                continue
            for k, w in enumerate(want):
                if start + k >= len(segs) or segs[start + k][0] != w:
                    failure: Failure = ("next", {"colour": a["colours"][k],
                                                 "previous": a["colours"][k - 1]})
                    break
                if segs[start + k][1] + 1e-6 < a["seconds"]:
                    failure = ("too_short", {"colour": a["colours"][k],
                                             "seconds": round(segs[start + k][1], 1),
                                             "want": a["seconds"]})
                    break
            else:
                return None
            # a step shown too briefly was still shown: it got that far; ties: the first
            got = k + (failure is not None and failure[0] == "too_short")
            if got > furthest:
                best, furthest = failure, got
    return best


def _poses(trace: Trace) -> list[dict[str, Any]]:
    return [e for e in trace["events"] if e["kind"] == "pose"]


def _depth_mm(box: Box, pose: dict[str, Any], zone: str) -> float:
    """How far the middle of the robot's outline is inside the zone, from its nearest
    edge (mm); 0 when it is outside (or the world has no such zone)."""
    from dojokit.sim.world import distance_to_polyline, point_in_polygon

    world, body = _world_and_body(box.world_path())
    h = math.radians(pose["heading"])
    mid = body.front_mm - body.length_mm / 2  # from the axle, as the physics' zones()
    x, y = pose["x"] + math.cos(h) * mid, pose["y"] + math.sin(h) * mid
    depth = 0.0
    for z in world.zones:
        if z.name == zone and point_in_polygon(x, y, z.polygon):
            depth = max(depth, distance_to_polyline(x, y, z.polygon, closed=True))
    return depth


def _zone_reached(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    # in: the middle at least `margin` mm from the zone's edge, so grazing a corner is not
    # arriving; the pose's own "zones" (the middle anywhere inside) is only a quick filter
    poses = [p for p in _poses(trace) if a["zone"] in p["zones"]]
    label = a["zone"]
    inside = [p for p in poses if _depth_mm(box, p, a["zone"]) + 1e-6 >= a["margin"]]
    if not inside:
        return "not_reached", {"zone": label}
    if a["at_end"] and inside[-1] is not _poses(trace)[-1]:
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


# -- motion: what the body did (poses), and the moves the program asked for (drive events) --
def _headings(poses: list[dict[str, Any]]) -> list[float]:
    """The headings unwrapped (359 -> 1 is +2, not -358), so turns add up."""
    out: list[float] = []
    for p in poses:
        h = p["heading"]
        out.append(h if not out else out[-1] + (h - out[-1] + 180) % 360 - 180)
    return out


def _turned(poses: list[dict[str, Any]], direction: str) -> float:
    """The most the robot turned one way in one go (degrees; left = counter-clockwise)."""
    left = right = 0.0
    hs = _headings(poses)
    lo = hi = hs[0] if hs else 0.0
    for h in hs:
        lo, hi = min(lo, h), max(hi, h)
        left, right = max(left, h - lo), max(right, hi - h)
    return {"left": left, "right": right, "either": max(left, right),
            "both": min(left, right)}[direction]


def _from_start(poses: list[dict[str, Any]]) -> list[float]:
    # the point between the wheels: it stays put when the robot turns on the spot
    x0, y0 = (poses[0]["x"], poses[0]["y"]) if poses else (0.0, 0.0)
    return [math.dist((p["x"], p["y"]), (x0, y0)) for p in poses]


def _turns(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    turned = _turned(_poses(trace), a["direction"])
    if turned + 1e-6 < a["degrees"]:
        return "too_little", {"degrees": round(turned), "want": round(a["degrees"])}
    return None


def _turns_on_spot(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    failure = _turns(trace, a, box, lang)
    if failure is not None:
        return failure
    away = max(_from_start(_poses(trace)), default=0.0)
    return None if away <= a["mm"] + 1e-6 else ("moved", {"mm": round(away), "want": a["mm"]})


def _returns_to_start(trace: Trace, a: dict[str, Any], box: Box, lang: str | None
                      ) -> Failure:
    dist = _from_start(_poses(trace)) or [0.0]
    if max(dist) + 1e-6 < a["mm"]:
        return "not_away", {"mm": round(max(dist)), "want": a["mm"]}
    if dist[-1] > a["within"] + 1e-6:
        return "not_back", {"mm": round(dist[-1]), "want": a["within"]}
    return None


def _moves(trace: Trace) -> list[tuple[int, int]]:
    """The moves the robot was told to make, as the signs of its wheels; one move told
    twice in a row (two left turns of 1 s) is one move."""
    out: list[tuple[int, int]] = []
    for e in trace["events"]:
        left, right = e.get("left") or 0, e.get("right") or 0
        if e["kind"] != "drive" or not (left or right) or e.get("seconds") == 0:
            continue
        move = ((left > 0) - (left < 0), (right > 0) - (right < 0))
        if not out or out[-1] != move:
            out.append(move)
    return out


def _rounds(seq: list[Any]) -> int:
    """How many times the shortest pattern that makes up `seq` comes in it."""
    n = len(seq)
    for p in range(1, n + 1):
        if n % p == 0 and all(seq[i] == seq[i % p] for i in range(n)):
            return n // p
    return 0


def _motion_repeats(trace: Trace, a: dict[str, Any], box: Box, lang: str | None
                    ) -> Failure:
    seq, want = _moves(trace), a["times"]
    # `times` equal rounds pass, whatever the round is (a round of F B F B twice is fine)
    if seq and len(seq) % want == 0 and _rounds(seq[: len(seq) // want]) * want == _rounds(seq):
        return None
    count = _rounds(seq)
    return ("too_few" if count < want else "too_many"), {"rounds": count, "want": want}


def _slower_near_wall(trace: Trace, a: dict[str, Any], box: Box, lang: str | None
                      ) -> Failure:
    near: list[float] = []
    far: list[float] = []
    for p, q in pairwise(_poses(trace)):
        dt, gap = q["t"] - p["t"], _ahead_mm(box, p)
        speed = math.dist((p["x"], p["y"]), (q["x"], q["y"])) / dt if dt > 0 else 0.0
        if gap is None or speed < MOVING_MM_S:
            continue  # standing still says nothing about how fast it drives
        if gap <= a["near"]:
            near.append(speed)
        elif gap >= a["far"]:
            far.append(speed)
    if not near:
        return "never_near", {}
    # medians: starting and braking are a few poses, not the speed the program chose
    if far and statistics.median(near) <= SLOWER_NEAR * statistics.median(far):
        return None
    return "not_slower", {}


MOVING_MM_S = 5.0  # slower than this is standing still


def _light_changes(trace: Trace) -> dict[int, list[tuple[float, str]]]:
    """Per light (from 0): when the program set it to which named colour."""
    commands = [e for e in trace["events"] if e["kind"] == "light"]
    count = 1 + max((e["index"] for e in commands if isinstance(e["index"], int)), default=0)
    per: dict[int, list[tuple[float, str]]] = {}
    for e in commands:
        name = nearest_colour(e.get("asked", e["colour"]))
        for index in range(count) if e["index"] == "all" else (e["index"],):
            per.setdefault(index, []).append((e["t"], name))
    return per


def _light_repeats(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    want = [_name(c) for c in a["colours"]]
    n, times = len(want), a["times"]
    best: tuple[int, Failure] | None = None  # (whole rounds, what stopped them)
    for segs in _segments(trace, "any"):
        for start, (name, _) in enumerate(segs):
            if name != want[0]:
                continue
            k, stop = 0, None
            while start + k < len(segs) and segs[start + k][0] == want[k % n]:
                seconds = segs[start + k][1]
                if seconds + 1e-6 < a["seconds"]:
                    stop = ("too_short", {"colour": a["colours"][k % n],
                                          "seconds": round(seconds, 1), "want": a["seconds"]})
                    break
                k += 1
            if best is None or k // n > best[0]:
                best = (k // n, stop)
    if best is None:
        return "first", {"colour": a["colours"][0]}
    rounds, stop = best
    if rounds < times:
        return stop or ("too_few", {"rounds": rounds, "want": times})
    return ("too_many", {"rounds": rounds, "want": times}) if rounds > times else None


def _lights_in_turn(trace: Trace, a: dict[str, Any], box: Box, lang: str | None) -> Failure:
    want, one, two = _name(a["colour"]), a["first"] - 1, a["second"] - 1
    per = _light_changes(trace)
    moments = sorted({t for i in (one, two) for t, _ in per.get(i, ())} | {trace["duration"]})
    turns: list[list[Any]] = []  # [which light alone, how long]
    together = False
    for t0, t1 in pairwise(moments):
        on = [_colour_at(per.get(i, []), t0) == want for i in (one, two)]
        if all(on):
            together = together or t1 - t0 + 1e-6 >= a["seconds"]
        elif any(on):
            alone = on.index(True)
            if turns and turns[-1][0] == alone:
                turns[-1][1] += t1 - t0
            else:
                turns.append([alone, t1 - t0])
    count = sum(1 for _, seconds in turns if seconds + 1e-6 >= a["seconds"])
    if count >= a["times"]:
        return None
    if together:
        return "together", {"colour": a["colour"]}
    return "too_few", {"turns": count, "want": a["times"]}


def _colour_at(changes: list[tuple[float, str]], t: float) -> str:
    now = "off"
    for t0, name in changes:
        if t0 > t:
            break
        now = name
    return now


def _block_choices(target: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """A block's menu choices: its own fields, and its inputs' menus (shadow blocks)."""
    out = {k: v[0] for k, v in b.get("fields", {}).items() if isinstance(v, list) and v}
    blocks = target.get("blocks", {})
    for name, value in b.get("inputs", {}).items():
        ref = value[1] if isinstance(value, list) and len(value) > 1 else None
        shadow = blocks.get(ref) if isinstance(ref, str) else None
        menu = [v[0] for v in shadow.get("fields", {}).values()
                if isinstance(v, list) and v] if isinstance(shadow, dict) else []
        if menu:
            out[name] = menu[0]
    return out


def _uses_block(program: dict[str, Any], a: dict[str, Any], lang: str | None) -> Failure:
    kinds = set(BLOCK_KINDS[a["block"]])
    other: Failure = None
    for target in program["targets"]:
        for b in target.get("blocks", {}).values():
            if not isinstance(b, dict) or b.get("opcode") not in kinds:
                continue
            choices = _block_choices(target, b)
            if not set(a["fields"]) <= set(choices):
                continue  # another block of the kind, without this menu: not the one asked
            wrong = [(k, v) for k, v in a["fields"].items()
                     if str(choices[k]).lower() != str(v).lower()]
            if not wrong:
                return None
            other = other or ("other_choice", {"block": a["block"],
                                               "value": choices[wrong[0][0]],
                                               "want": wrong[0][1]})
    return other or ("missing", {"block": a["block"]})


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
    "turns": _turns,
    "turns_on_spot": _turns_on_spot,
    "returns_to_start": _returns_to_start,
    "motion_repeats": _motion_repeats,
    "slower_near_wall": _slower_near_wall,
    "light_repeats": _light_repeats,
    "lights_in_turn": _lights_in_turn,
}


# what only the simulated world can tell (a real robot reports no position or touches)
WORLD_CHECKS = {"zone_reached", "stops_before_wall", "distance_kept", "no_wall_touched",
                "moves_at_least", "turns", "turns_on_spot", "returns_to_start",
                "slower_near_wall"}


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
            # how it is said may hang on this program and its card's palette: kept with it
            said = words.context(f"{check.predicate}.{name}", fields, exercise.palette,
                                 words.program_opcodes(program))
            failures.append((check.spec.feedback_key(name), fields | said))
    return Verdict(not failures, failures, trace_hash(trace), box, unjudged,
                   blocks_beyond(program, exercise.palette))


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
    result = judge(box, exercise, project.data, trace, lang)
    result.idle = project.idle
    return result, trace
