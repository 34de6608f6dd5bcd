"""What a running Scratch project is made of: variables, targets (stage, sprites, clones)
and threads. The compiler turns scripts into generator functions over these objects; the
runtime (runtime.py) schedules them as scratch-vm's sequencer does."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from dojokit.scratch import pen

if TYPE_CHECKING:
    from dojokit.scratch.pen import PenState
    from dojokit.scratch.runtime import Runtime

# thread status, as scratch-vm numbers them (YIELD never stays: it becomes RUNNING)
RUNNING = 0
PROMISE_WAIT = 1
YIELD_TICK = 3
DONE = 4

Value = float | str | bool


class Var:
    """A variable or a list (then `value` is a Python list of Scratch values)."""

    __slots__ = ("id", "is_list", "kind", "name", "value")

    def __init__(self, id: str, name: str, value: Any, is_list: bool = False,
                 kind: str = "") -> None:
        self.id = id
        self.name = name
        self.value = value
        self.is_list = is_list
        self.kind = kind  # "" scalar or list, "broadcast_msg" for broadcast messages

    def copy(self) -> Var:
        v = self.value[:] if self.is_list else self.value
        return Var(self.id, self.name, v, self.is_list, self.kind)


class Sprite:
    """What all clones of one sprite share: its blocks, costumes, compiled code."""

    def __init__(self, data: dict[str, Any], is_stage: bool) -> None:
        self.data = data
        self.name: str = data["name"]
        self.is_stage = is_stage
        self.blocks: dict[str, Any] = data.get("blocks", {})
        self.costumes: list[dict[str, Any]] = data.get("costumes", [])
        self.sounds: list[dict[str, Any]] = data.get("sounds", [])
        self.clones: list[Target] = []
        # compiled code, filled by the compiler: hat opcode -> [(top block id, fn, fields)]
        self.scripts: dict[str, list[Any]] = {}
        self.procs: dict[tuple[str, bool], Any] = {}


class Target:
    """The stage, a sprite, or a clone: the state blocks read and write."""

    def __init__(self, sprite: Sprite, rt: Runtime, original: Target | None = None) -> None:
        self.sprite = sprite
        self.rt = rt
        self.is_stage = sprite.is_stage
        self.is_original = original is None
        self.vars: dict[str, Var] = {}
        self.bound: dict[str, Var] = {}  # compiled code's variable lookups, by id
        self.edge_values: dict[str, Any] = {}
        d = sprite.data
        if original is None:
            for vid, v in d.get("variables", {}).items():
                self.vars[vid] = Var(vid, v[0], _num_or_str(v[1]))
            for vid, v in d.get("lists", {}).items():
                self.vars[vid] = Var(vid, v[0], [_num_or_str(x) for x in v[1]], True)
            for vid, name in d.get("broadcasts", {}).items():
                self.vars[vid] = Var(vid, name, name, False, "broadcast_msg")
            self.x = float(d.get("x", 0))
            self.y = float(d.get("y", 0))
            # as sb3.js loads them: direction wrapped into -179..180, costume clamped
            self.direction = _wrap(float(d.get("direction", 90)))
            self.size = float(d.get("size", 100))
            self.visible = bool(d.get("visible", True))
            ncost = len(sprite.costumes)
            self.costume = max(0, min(int(d.get("currentCostume", 0)), ncost - 1)) if ncost \
                else 0
            self.rotation_style = d.get("rotationStyle", "all around")
            self.draggable = bool(d.get("draggable", False))
            self.volume = float(d.get("volume", 100))
            self.effects: dict[str, float] = {}
            self.pen: PenState | None = None  # made on first use (dojokit.scratch.pen)
        else:
            self.vars = {k: v.copy() for k, v in original.vars.items()}
            self.x, self.y, self.direction = original.x, original.y, original.direction
            self.size, self.visible, self.costume = original.size, original.visible, \
                original.costume
            self.rotation_style, self.draggable = original.rotation_style, original.draggable
            self.volume = original.volume
            self.effects = dict(original.effects)
            self.edge_values = dict(original.edge_values)
            # scratch-vm copies the pen state of the sprite's original, even when a clone
            # makes the clone (Sprite.createClone passes clones[0] as the source)
            self.pen = pen.for_clone(sprite.clones[0] if sprite.clones else original)

    @property
    def name(self) -> str:
        return self.sprite.name

    # -- variables, as scratch-vm's Target looks them up ---------------------------------
    def lookup(self, vid: str, name: str, is_list: bool) -> Var:
        """lookupOrCreateVariable / lookupOrCreateList: by id here, by id on the stage, by
        name here then on the stage, else a new local one."""
        v = self.vars.get(vid)
        if v is not None:
            return v
        stage = self.rt.stage
        if not self.is_stage:
            v = stage.vars.get(vid)
            if v is not None:
                return v
        v = self.by_name(name, is_list)
        if v is not None:
            return v
        v = Var(vid, name, [] if is_list else 0.0, is_list)
        self.vars[vid] = v
        return v

    def bind(self, vid: str, name: str, is_list: bool) -> Var:
        v = self.bound[vid] = self.lookup(vid, name, is_list)
        return v

    def by_name(self, name: str, is_list: bool) -> Var | None:
        for v in self.vars.values():
            if v.name == name and v.is_list == is_list and not v.kind:
                return v
        if not self.is_stage:
            for v in self.rt.stage.vars.values():
                if v.name == name and v.is_list == is_list and not v.kind:
                    return v
        return None


def _wrap(d: float) -> float:
    return d - math.floor((d + 179) / 360) * 360 if math.isfinite(d) else 90.0


def _num_or_str(v: Any) -> Value:
    # project.json keeps numbers as JSON numbers; Scratch numbers are doubles
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return float(v)
    return v if isinstance(v, str) else str(v)


ScriptGen = Generator[int, None, None]


class Thread:
    """One running script: a generator that yields its status at each yield point."""

    __slots__ = (
        "gen",
        "in_list",
        "killed",
        "stack_click",
        "status",
        "target",
        "top",
        "warp_start",
        "woken",
    )

    def __init__(self, gen: ScriptGen, target: Target, top: str) -> None:
        self.gen = gen
        self.target = target
        self.top = top
        self.status = RUNNING
        self.in_list = True
        self.killed = False
        self.warp_start: float | None = None
        self.stack_click = False
        self.woken = False  # the promise it waits on has settled


class StopThread(Exception):
    """Raised inside a script to end its whole thread (stop all, delete this clone)."""
