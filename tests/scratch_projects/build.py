#!/usr/bin/env python3
"""Writes small Scratch 3 projects (bare project.json as NAME.json), each checking one piece of
scratch-vm's semantics through what it says.

    /work/venv/bin/python tests/scratch_projects/build.py        # rewrite every NAME.json
    node tests/scratch_projects/make_said.js [path/to/scratch-vm]  # then NAME.said from the VM

Scripts are nested Python values: a Block is one block, a Python list is a stack (a
substack input), and an input value may be a literal (str/int/float: a shadow), a Block (a
reporter), V("name") / L("name") (variable / list reporters), Menu (a menu shadow), Msg (a
broadcast), or None (an empty input). Helper functions below (say, join, repeat, ...) build the
blocks; `Project.sprite(...).script(hat, *stack)` and `.define(...)` add scripts.

Every project is deterministic in scratch-vm: no real-time waits (only "wait 0"/negative, which
last exactly one frame), no randomness except where every outcome is the same, and nothing that
depends on how many loop passes fit into a frame's 75% work time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

HERE = Path(__file__).resolve().parent
ASSET = "cd21514d0531fdffb22204e0ec5ed84a"  # Scratch's empty SVG; assets are never loaded

# -- the description language ---------------------------------------------------------------


@dataclass
class Block:
    opcode: str
    inputs: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    mutation: dict[str, Any] | None = None


@dataclass(frozen=True)
class V:
    """A variable (reporter or field), found by name: the sprite's own first, then the
    stage's. `id` forces the id written (e.g. one no variable has)."""

    name: str
    id: str | None = None


@dataclass(frozen=True)
class L:
    name: str
    id: str | None = None


@dataclass(frozen=True)
class Msg:
    name: str


@dataclass(frozen=True)
class Menu:
    opcode: str
    field: str
    value: str


@dataclass(frozen=True)
class Over:
    """A reporter dropped over a menu or broadcast shadow (the shadow stays, obscured)."""

    block: Block
    shadow: Menu | Msg


Value = Union[str, int, float, Block, V, L, Msg, Menu, Over, list, None]  # noqa: UP007

# inputs whose shadow is a number field (the others are text); only cosmetic for the VMs
NUMERIC = {"NUM", "NUM1", "NUM2", "TIMES", "X", "Y", "DX", "DY", "STEPS", "DEGREES",
           "DIRECTION", "DURATION", "SIZE", "CHANGE", "INDEX", "LETTER", "FROM", "TO"}
# boolean sockets: a reporter goes in without a shadow, an empty one is left out
BOOLEAN = {"CONDITION", "OPERAND"}
BOOLEAN_OPS = {"operator_and", "operator_or"}  # OPERAND1/2 are boolean only here


def B(opcode: str, **inputs: Value) -> Block:
    return Block(opcode, dict(inputs))


def F(opcode: str, fields: dict[str, Any], **inputs: Value) -> Block:
    return Block(opcode, dict(inputs), dict(fields))


# events
def flag() -> Block:
    return B("event_whenflagclicked")


def receive(name: str) -> Block:
    return F("event_whenbroadcastreceived", {"BROADCAST_OPTION": Msg(name)})


def clone_start() -> Block:
    return B("control_start_as_clone")


def backdrop_hat(name: str) -> Block:
    return F("event_whenbackdropswitchesto", {"BACKDROP": name})


def timer_gt(value: Value) -> Block:
    return F("event_whengreaterthan", {"WHENGREATERTHANMENU": "TIMER"}, VALUE=value)


def broadcast(msg: Value, default: str | None = None) -> Block:
    return B("event_broadcast", BROADCAST_INPUT=_msg(msg, default))


def broadcast_wait(msg: Value, default: str | None = None) -> Block:
    return B("event_broadcastandwait", BROADCAST_INPUT=_msg(msg, default))


def _msg(msg: Value, default: str | None) -> Value:
    if isinstance(msg, str):
        return Msg(msg)
    assert isinstance(msg, Block) and default is not None
    return Over(msg, Msg(default))


# looks
def say(x: Value) -> Block:
    return B("looks_say", MESSAGE=x)


def think(x: Value) -> Block:
    return B("looks_think", MESSAGE=x)


def show(label: str, x: Value) -> Block:
    """say "label=VALUE" (so empty values still make a line)."""
    return say(join(f"{label}=", x))


def cat(*xs: Value) -> Block:
    """join of the values with spaces between."""
    b = xs[-1]
    for x in reversed(xs[:-1]):
        b = join(x, join(" ", b))
    assert isinstance(b, Block)
    return b


def costume(x: Value) -> Block:
    menu = Menu("looks_costume", "COSTUME", x if isinstance(x, str) else "c1")
    return B("looks_switchcostumeto", COSTUME=menu if isinstance(x, str) else Over(x, menu))


def backdrop(x: Value) -> Block:
    menu = Menu("looks_backdrops", "BACKDROP", x if isinstance(x, str) else "b1")
    return B("looks_switchbackdropto", BACKDROP=menu if isinstance(x, str) else Over(x, menu))


def next_costume() -> Block:
    return B("looks_nextcostume")


def next_backdrop() -> Block:
    return B("looks_nextbackdrop")


def costume_no(what: str = "number") -> Block:
    return F("looks_costumenumbername", {"NUMBER_NAME": what})


def backdrop_no(what: str = "number") -> Block:
    return F("looks_backdropnumbername", {"NUMBER_NAME": what})


def size() -> Block:
    return B("looks_size")


def set_size(x: Value) -> Block:
    return B("looks_setsizeto", SIZE=x)


def change_size(x: Value) -> Block:
    return B("looks_changesizeby", CHANGE=x)


def front_back(where: str) -> Block:
    return F("looks_gotofrontback", {"FRONT_BACK": where})


def layers(where: str, n: Value) -> Block:
    return F("looks_goforwardbackwardlayers", {"FORWARD_BACKWARD": where}, NUM=n)


# motion
def move(n: Value) -> Block:
    return B("motion_movesteps", STEPS=n)


def turn_right(n: Value) -> Block:
    return B("motion_turnright", DEGREES=n)


def turn_left(n: Value) -> Block:
    return B("motion_turnleft", DEGREES=n)


def point(n: Value) -> Block:
    return B("motion_pointindirection", DIRECTION=n)


def point_towards(name: str) -> Block:
    return B("motion_pointtowards",
             TOWARDS=Menu("motion_pointtowards_menu", "TOWARDS", name))


def goto(name: str) -> Block:
    return B("motion_goto", TO=Menu("motion_goto_menu", "TO", name))


def goto_xy(x: Value, y: Value) -> Block:
    return B("motion_gotoxy", X=x, Y=y)


def set_x(x: Value) -> Block:
    return B("motion_setx", X=x)


def set_y(y: Value) -> Block:
    return B("motion_sety", Y=y)


def change_x(x: Value) -> Block:
    return B("motion_changexby", DX=x)


def change_y(y: Value) -> Block:
    return B("motion_changeyby", DY=y)


def xpos() -> Block:
    return B("motion_xposition")


def ypos() -> Block:
    return B("motion_yposition")


def direction() -> Block:
    return B("motion_direction")


def distance_to(name: str) -> Block:
    return B("sensing_distanceto",
             DISTANCETOMENU=Menu("sensing_distancetomenu", "DISTANCETOMENU", name))


# control
def repeat(n: Value, *body: Block) -> Block:
    return B("control_repeat", TIMES=n, SUBSTACK=list(body))


def forever(*body: Block) -> Block:
    return B("control_forever", SUBSTACK=list(body))


def if_(cond: Value, *body: Block) -> Block:
    return B("control_if", CONDITION=cond, SUBSTACK=list(body))


def if_else(cond: Value, then: list[Block], other: list[Block]) -> Block:
    return B("control_if_else", CONDITION=cond, SUBSTACK=then, SUBSTACK2=other)


def until(cond: Value, *body: Block) -> Block:
    return B("control_repeat_until", CONDITION=cond, SUBSTACK=list(body))


def while_(cond: Value, *body: Block) -> Block:
    return B("control_while", CONDITION=cond, SUBSTACK=list(body))


def wait(n: Value) -> Block:
    return B("control_wait", DURATION=n)


def wait_until(cond: Value) -> Block:
    return B("control_wait_until", CONDITION=cond)


def stop(option: str) -> Block:
    b = F("control_stop", {"STOP_OPTION": option})
    b.mutation = {"tagName": "mutation", "children": [],
                  "hasnext": "true" if option == "other scripts in sprite" else "false"}
    return b


def create_clone(of: str = "_myself_") -> Block:
    return B("control_create_clone_of",
             CLONE_OPTION=Menu("control_create_clone_of_menu", "CLONE_OPTION", of))


def delete_clone() -> Block:
    return B("control_delete_this_clone")


# operators
def _op2(opcode: str, a: str, b: str) -> Callable[[Value, Value], Block]:
    def make(x: Value, y: Value) -> Block:
        return Block(opcode, {a: x, b: y})

    return make


add = _op2("operator_add", "NUM1", "NUM2")
sub = _op2("operator_subtract", "NUM1", "NUM2")
mul = _op2("operator_multiply", "NUM1", "NUM2")
div = _op2("operator_divide", "NUM1", "NUM2")
mod = _op2("operator_mod", "NUM1", "NUM2")
rand = _op2("operator_random", "FROM", "TO")
join = _op2("operator_join", "STRING1", "STRING2")
contains = _op2("operator_contains", "STRING1", "STRING2")
lt = _op2("operator_lt", "OPERAND1", "OPERAND2")
gt = _op2("operator_gt", "OPERAND1", "OPERAND2")
eq = _op2("operator_equals", "OPERAND1", "OPERAND2")
and_ = _op2("operator_and", "OPERAND1", "OPERAND2")
or_ = _op2("operator_or", "OPERAND1", "OPERAND2")


def not_(x: Value) -> Block:
    return B("operator_not", OPERAND=x)


def round_(x: Value) -> Block:
    return B("operator_round", NUM=x)


def mathop(op: str, x: Value) -> Block:
    return F("operator_mathop", {"OPERATOR": op}, NUM=x)


def letter(i: Value, s: Value) -> Block:
    return B("operator_letter_of", LETTER=i, STRING=s)


def length(s: Value) -> Block:
    return B("operator_length", STRING=s)


def true() -> Block:
    return eq(1, 1)


def false() -> Block:
    return eq(1, 2)


# data
def set_var(name: str | V, x: Value) -> Block:
    return F("data_setvariableto", {"VARIABLE": _v(name)}, VALUE=x)


def change_var(name: str | V, x: Value) -> Block:
    return F("data_changevariableby", {"VARIABLE": _v(name)}, VALUE=x)


def _v(name: str | V) -> V:
    return name if isinstance(name, V) else V(name)


def _l(name: str | L) -> L:
    return name if isinstance(name, L) else L(name)


def add_to(item: Value, lst: str | L) -> Block:
    return F("data_addtolist", {"LIST": _l(lst)}, ITEM=item)


def delete_of(index: Value, lst: str | L) -> Block:
    return F("data_deleteoflist", {"LIST": _l(lst)}, INDEX=index)


def delete_all(lst: str | L) -> Block:
    return F("data_deletealloflist", {"LIST": _l(lst)})


def insert_at(item: Value, index: Value, lst: str | L) -> Block:
    return F("data_insertatlist", {"LIST": _l(lst)}, ITEM=item, INDEX=index)


def replace(index: Value, lst: str | L, item: Value) -> Block:
    return F("data_replaceitemoflist", {"LIST": _l(lst)}, INDEX=index, ITEM=item)


def item(index: Value, lst: str | L) -> Block:
    return F("data_itemoflist", {"LIST": _l(lst)}, INDEX=index)


def item_no(x: Value, lst: str | L) -> Block:
    return F("data_itemnumoflist", {"LIST": _l(lst)}, ITEM=x)


def list_len(lst: str | L) -> Block:
    return F("data_lengthoflist", {"LIST": _l(lst)})


def list_has(lst: str | L, x: Value) -> Block:
    return F("data_listcontainsitem", {"LIST": _l(lst)}, ITEM=x)


# sensing
def of(prop: str, obj: str) -> Block:
    return F("sensing_of", {"PROPERTY": prop},
             OBJECT=Menu("sensing_of_object_menu", "OBJECT", obj))


def sensing(opcode: str) -> Block:
    """A sensing reporter without inputs (mouse x, username, loudness, ...)."""
    return B(f"sensing_{opcode}")


def touching(what: str) -> Block:
    return B("sensing_touchingobject",
             TOUCHINGOBJECTMENU=Menu("sensing_touchingobjectmenu", "TOUCHINGOBJECTMENU", what))


def key_pressed(key: str) -> Block:
    return B("sensing_keypressed", KEY_OPTION=Menu("sensing_keyoptions", "KEY_OPTION", key))


def of_any(prop: str, obj: Value) -> Block:
    """sensing "of" with a reporter dropped over the object menu."""
    return F("sensing_of", {"PROPERTY": prop},
             OBJECT=Over(obj, Menu("sensing_of_object_menu", "OBJECT", "_stage_")))


# sound, glide, timed looks
def set_volume(x: Value) -> Block:
    return B("sound_setvolumeto", VOLUME=x)


def change_volume(x: Value) -> Block:
    return B("sound_changevolumeby", VOLUME=x)


def sound_effect(effect: str, x: Value) -> Block:
    return F("sound_seteffectto", {"EFFECT": effect}, VALUE=x)


def glide(secs: Value, x: Value, y: Value) -> Block:
    return B("motion_glidesecstoxy", SECS=secs, X=x, Y=y)


def say_for(x: Value, secs: Value) -> Block:
    return B("looks_sayforsecs", MESSAGE=x, SECS=secs)


def backdrop_and_wait(name: str) -> Block:
    return B("looks_switchbackdroptoandwait",
             BACKDROP=Menu("looks_backdrops", "BACKDROP", name))


def for_each(name: str, x: Value, *body: Block) -> Block:
    return F("control_for_each", {"VARIABLE": V(name)}, VALUE=x, SUBSTACK=list(body))


# custom blocks
def call(proccode: str, *args: Value) -> Block:
    return Block("procedures_call", {str(i): a for i, a in enumerate(args)},
                 mutation={"proccode": proccode})


def arg(name: str) -> Block:
    return F("argument_reporter_string_number", {"VALUE": name})


def argb(name: str) -> Block:
    return F("argument_reporter_boolean", {"VALUE": name})


# -- projects ----------------------------------------------------------------------------------


@dataclass
class Proc:
    proccode: str
    names: list[str]
    body: list[Block]
    warp: bool
    defaults: list[str]

    @property
    def kinds(self) -> list[str]:
        return [p[0] for p in self.proccode.split("%")[1:]]


class Target:
    def __init__(self, project: Project, name: str, is_stage: bool, costumes: list[str],
                 layer: int, **props: Any) -> None:
        self.project = project
        self.name = name
        self.is_stage = is_stage
        self.costumes = costumes
        self.layer = layer
        self.props = props
        self.variables: dict[str, Any] = {}
        self.lists: dict[str, list[Any]] = {}
        self.var_ids: dict[str, str] = {}
        self.list_ids: dict[str, str] = {}
        self.scripts: list[tuple[Block, list[Block]] | Proc] = []

    def var(self, name: str, value: Any = 0) -> Target:
        self.variables[name] = value
        return self

    def list(self, name: str, items: Iterable[Any] = ()) -> Target:
        self.lists[name] = list(items)
        return self

    def script(self, hat: Block, *stack: Block) -> Target:
        self.scripts.append((hat, list(stack)))
        return self

    def define(self, proccode: str, names: list[str], *body: Block, warp: bool = False,
               defaults: list[str] | None = None) -> Target:
        kinds = [p[0] for p in proccode.split("%")[1:]]
        assert len(kinds) == len(names), proccode
        if defaults is None:
            defaults = ["false" if k == "b" else "" for k in kinds]
        self.scripts.append(Proc(proccode, names, list(body), warp, defaults))
        return self


class Project:
    def __init__(self, backdrops: list[str] | None = None) -> None:
        self.stage = Target(self, "Stage", True, backdrops or ["backdrop1"], 0)
        self.sprites: list[Target] = []
        self.messages: list[str] = []
        # edits of the written JSON, for what the description cannot say (issue 13: a null
        # variable id, an orphan shadow)
        self.fixes: list[Callable[[dict[str, Any]], None]] = []

    def sprite(self, name: str, costumes: list[str] | None = None, layer: int | None = None,
               **props: Any) -> Target:
        t = Target(self, name, False, costumes or ["c1"],
                   len(self.sprites) + 1 if layer is None else layer, **props)
        self.sprites.append(t)
        return t

    def message(self, name: str) -> None:
        if name not in self.messages:
            self.messages.append(name)

    def to_json(self) -> dict[str, Any]:
        data = _Writer(self).write()
        for fix in self.fixes:
            fix(data)
        return data


class _Writer:
    """Flattens the nested description into sb3's block table, giving ids in order."""

    def __init__(self, project: Project) -> None:
        self.p = project
        self.n = 0
        self.targets = [project.stage, *project.sprites]
        for t in self.targets:
            prefix = "stage" if t.is_stage else t.name
            t.var_ids = {v: f"var-{prefix}-{v}" for v in t.variables}
            t.list_ids = {v: f"list-{prefix}-{v}" for v in t.lists}
        self.t: Target = project.stage
        self.out: dict[str, Any] = {}
        self.procs: dict[str, tuple[list[str], Proc]] = {}

    def new_id(self) -> str:
        self.n += 1
        return f"b{self.n}"

    def write(self) -> dict[str, Any]:
        targets = [self.target(t) for t in self.targets]
        # messages are known once every block is written; they live on the stage
        targets[0]["broadcasts"] = {f"msg-{m}": m for m in self.p.messages}
        return {
            "targets": targets,
            "monitors": [],
            "extensions": [],
            "meta": {"semver": "3.0.0", "vm": "5.0.300", "agent": "dojokit build.py"},
        }

    def target(self, t: Target) -> dict[str, Any]:
        self.t = t
        self.out = {}
        self.procs = {}
        for s in t.scripts:
            if isinstance(s, Proc):
                ids = [f"arg-{self.new_id()}" for _ in s.names]
                self.procs.setdefault(s.proccode, (ids, s))
        for s in t.scripts:
            if isinstance(s, Proc):
                self.definition(s)
            else:
                hat, stack = s
                hid = self.block(hat, None, top=True)
                self.chain(stack, hid, first_parent_next=True)
        d: dict[str, Any] = {
            "isStage": t.is_stage,
            "name": t.name,
            "variables": {t.var_ids[k]: [k, v] for k, v in t.variables.items()},
            "lists": {t.list_ids[k]: [k, v] for k, v in t.lists.items()},
            "broadcasts": {},
            "blocks": self.out,
            "comments": {},
            "currentCostume": t.props.get("costume", 0),
            "costumes": [
                {"name": c, "bitmapResolution": 1, "dataFormat": "svg", "assetId": ASSET,
                 "md5ext": f"{ASSET}.svg", "rotationCenterX": 0, "rotationCenterY": 0}
                for c in t.costumes
            ],
            "sounds": [],
            "volume": t.props.get("volume", 100),
            "layerOrder": t.layer,
        }
        if t.is_stage:
            d.update(tempo=60, videoTransparency=50, videoState="off",
                     textToSpeechLanguage=None)
        else:
            d.update(visible=True, x=t.props.get("x", 0), y=t.props.get("y", 0),
                     size=t.props.get("size", 100), direction=t.props.get("direction", 90),
                     draggable=False, rotationStyle="all around")
        return d

    def chain(self, stack: list[Block], parent: str | None, first_parent_next: bool) -> str | None:
        """Writes a stack; returns its first block's id. The first block's parent is
        `parent` (the block before it, or the C-block holding it)."""
        first = prev = None
        for b in stack:
            bid = self.block(b, prev or parent)
            if prev is None:
                first = bid
                if first_parent_next and parent is not None:
                    self.out[parent]["next"] = bid
            else:
                self.out[prev]["next"] = bid
            prev = bid
        return first

    def block(self, b: Block, parent: str | None, top: bool = False, shadow: bool = False
              ) -> str:
        bid = self.new_id()
        d: dict[str, Any] = {"opcode": b.opcode, "next": None, "parent": parent,
                             "inputs": {}, "fields": {}, "shadow": shadow, "topLevel": top}
        if top:
            d.update(x=0, y=0)
        self.out[bid] = d
        for name, value in b.fields.items():
            d["fields"][name] = self.field(value)
        bool_args: set[str] = set()
        if b.opcode == "procedures_call":
            d["mutation"], inputs, bool_args = self.call(b)
        else:
            inputs = b.inputs
            if b.mutation is not None:
                d["mutation"] = b.mutation
        for name, value in inputs.items():
            if value is None:
                continue
            boolean = (name in BOOLEAN or name in bool_args
                       or (b.opcode in BOOLEAN_OPS and name.startswith("OPER")))
            d["inputs"][name] = self.input(value, bid, name, boolean)
        return bid

    def field(self, value: Any) -> list[Any]:
        if isinstance(value, V):
            return [value.name, value.id or self.lookup(value.name, False)]
        if isinstance(value, L):
            return [value.name, value.id or self.lookup(value.name, True)]
        if isinstance(value, Msg):
            self.p.message(value.name)
            return [value.name, f"msg-{value.name}"]
        return [value, None]

    def lookup(self, name: str, is_list: bool) -> str:
        for t in (self.t, self.p.stage):
            ids = t.list_ids if is_list else t.var_ids
            if name in ids:
                return ids[name]
        raise KeyError(f"{self.t.name}: no {'list' if is_list else 'variable'} {name!r}")

    def input(self, value: Value, parent: str, name: str, boolean: bool) -> list[Any]:
        text = [4 if name in NUMERIC else 10, ""]
        if isinstance(value, list):
            return [2, self.chain(value, parent, first_parent_next=False)]
        if isinstance(value, Block):
            rid = self.block(value, parent)
            return [2, rid] if boolean else [3, rid, text]
        if isinstance(value, V | L):
            kind = 13 if isinstance(value, L) else 12
            return [3, [kind, *self.field(value)], text]
        if isinstance(value, Msg):
            return [1, [11, *self.field(value)]]
        if isinstance(value, Menu):
            return [1, self.menu(value, parent)]
        if isinstance(value, Over):
            rid = self.block(value.block, parent)
            if isinstance(value.shadow, Msg):
                return [3, rid, [11, *self.field(value.shadow)]]
            return [3, rid, self.menu(value.shadow, parent)]
        assert not boolean, f"literal {value!r} in boolean input {name}"
        return [1, [text[0], value if isinstance(value, str) else _num_text(value)]]

    def menu(self, m: Menu, parent: str) -> str:
        return self.block(Block(m.opcode, fields={m.field: m.value}), parent, shadow=True)

    def call(self, b: Block) -> tuple[dict[str, Any], dict[str, Value], set[str]]:
        """The call's mutation, its inputs keyed by argument id, and the boolean ones."""
        code = b.mutation["proccode"] if b.mutation else ""
        kinds = [p[0] for p in code.split("%")[1:]]
        if code in self.procs:
            ids, proc = self.procs[code]
            warp = proc.warp
        else:  # a call of a block this sprite does not define
            ids, warp = [f"undefined-arg-{i}" for i in range(len(kinds))], False
        inputs = {ids[int(k)]: v for k, v in b.inputs.items()}
        mutation = {"tagName": "mutation", "children": [], "proccode": code,
                    "argumentids": json.dumps(ids), "warp": json.dumps(warp)}
        return mutation, inputs, {i for i, k in zip(ids, kinds, strict=True) if k == "b"}

    def definition(self, proc: Proc) -> None:
        ids, _ = self.procs[proc.proccode]
        if self.procs[proc.proccode][1] is not proc:  # a second definition, same proccode
            ids = [f"arg-{self.new_id()}" for _ in proc.names]
        did = self.block(Block("procedures_definition"), None, top=True)
        pid = self.new_id()
        proto: dict[str, Any] = {
            "opcode": "procedures_prototype", "next": None, "parent": did, "inputs": {},
            "fields": {}, "shadow": True, "topLevel": False,
            "mutation": {"tagName": "mutation", "children": [], "proccode": proc.proccode,
                         "argumentids": json.dumps(ids),
                         "argumentnames": json.dumps(proc.names),
                         "argumentdefaults": json.dumps(proc.defaults),
                         "warp": json.dumps(proc.warp)},
        }
        self.out[pid] = proto
        self.out[did]["inputs"]["custom_block"] = [1, pid]
        for aid, name, kind in zip(ids, proc.names, proc.kinds, strict=True):
            opcode = ("argument_reporter_boolean" if kind == "b"
                      else "argument_reporter_string_number")
            rid = self.block(Block(opcode, fields={"VALUE": name}), pid, shadow=True)
            proto["inputs"][aid] = [1, rid]
        self.chain(proc.body, did, first_parent_next=True)


def _num_text(v: int | float) -> str:
    return str(v)


# -- the projects ------------------------------------------------------------------------------

PROJECTS: dict[str, Callable[[], Project]] = {}


def project(fn: Callable[[], Project]) -> Callable[[], Project]:
    PROJECTS[fn.__name__] = fn
    return fn


def single(*stack: Block, backdrops: list[str] | None = None, **sprite_kw: Any
           ) -> tuple[Project, Target]:
    """A project with one sprite "S" running `stack` on the green flag."""
    p = Project(backdrops)
    s = p.sprite("S", **sprite_kw)
    if stack:
        s.script(flag(), *stack)
    return p, s


@project
def num_format() -> Project:
    p, _ = single(
        say(add(0.1, 0.2)), say(mathop("10 ^", 21)), say(mathop("10 ^", 20)),
        say(div(1, 0)), say(div(-1, 0)), say(div(0, 0)), say(mul(0, -1)),
        show("neg zero", mul(0, -1)), say(mul(4294967296, 2097152)),
        say(add(mul(4294967296, 2097152), 1)), say(mul(123456789, 1000000000000)),
        say(mul(1180591620717411303424, 1)), say(div(1, 10000000)), say(div(1, 1000000)),
        say(sub(0, div(1, 10000000))), say(div(1, 3)), say(div(2, 3)), say(mul(100, 1.1)),
        say(add("1e21", 0)), say("1e21"), say(mul(1e308, 10)), say(mul(1.5, "1e300")),
        say(div(5, "1e-320")), say(sub(0.3, 0.1)), say(mul(3, 1.1)), say(add(1e16, 1)),
        say(div(123456789, 1000)), say(mul(0.000001, 0.1)), say(add(-0.0000001, 0)),
        say("1.0"), say(add("1.0", 0)), say(add("-0", 0)), say(mul("-0", 1)),
        say(round_(-0.4)), say(mathop("10 ^", -7)), say(mathop("10 ^", 0.5)),
        say(div(15, 10000000)), say(div(15, 1000000)), say(mul(12345, 1e21)),
        say(sub(0, mathop("10 ^", 21))), say(mul("999999999999999900000", 1)),
        say(div(mul(5e-324, 1), 1)), say(mul(2, 1.7976931348623157e308)),
        say(mul(0.1, 3)), say(sub(1, 0.9)), say(div(7, 100)), say(mul(1e-7, 1)),
        say(add(0.000001, 0)), say(div(1, 1024)), say(mul(2 ** 31, 2 ** 31)),
        say(sub(mathop("10 ^", 21), 1)), say(add("0.1", "0.2")), say(mul(-1, div(0, 0))),
    )
    return p


@project
def num_parse() -> Project:
    cases = [" 12 ", "0x10", "0X1f", "0b101", "0o17", "1e3", ".5", "5.", "-.5e-3", "abc", "",
             "Infinity", "-Infinity", "infinity", "1,000", "1_000", "+5", "\t7\n", "true",
             "NaN", "12abc", "1e400", "-0x10", "  ", "\u00a05"]
    p, _ = single(*[show(repr(c).strip("'"), add(c, 0)) for c in cases],
                  show("true+1", add(true(), 1)), show("false*3", mul(false(), 3)),
                  show("true join", join(true(), false())))
    return p


@project
def strings() -> Project:
    emoji = "\U0001f600"
    p, _ = single(
        say(join("a", 1.5)), say(join(add(0.1, 0.2), "")), say(join(div(1, 0), "!")),
        say(length("12.50")), say(length(mul(12.5, 1))), say(length(emoji)),
        say(length(f"a{emoji}b")), say(length("")), say(length(add(1e21, 0))),
        show("l1", letter(1, "hello")), show("l0", letter(0, "hello")),
        show("l6", letter(6, "hello")), show("l1.9", letter(1.9, "hello")),
        show("l0.5", letter(0.5, "hello")), show("l-1", letter(-1, "hello")),
        show("l2 of num", letter(2, mul(123, 1))), show("lstr", letter("2", "abc")),
        show("l of bool", letter(1, true())), show("lnan", letter(div(0, 0), "xyz")),
        show("c1", contains("apple", "PP")), show("c2", contains(f"a{emoji}b", emoji)),
        show("c3", contains(mul(12.5, 1), "2.")), show("c4", contains("abc", "")),
        show("c5", contains("", "a")), show("c6", contains("ABC", "b")),
        show("c7", contains(true(), "RU")), show("c8", contains("\u00c9t\u00e9", "\u00e9T")),
        show("len bool", length(true())), show("len list-ish", length(join(" ", " "))),
        show("join bools", join(true(), false())),
        show("last letter", letter(length("h\u00e9"), "h\u00e9")),
        show("len emoji join", length(join(emoji, emoji))),
    )
    return p


@project
def strings_surrogates() -> Project:
    # JS strings are UTF-16: letter 1 of an emoji is half of it, and joining the halves
    # gives the emoji back
    emoji = "\U0001f600"
    p, s = single(
        show("halves", join(letter(1, emoji), letter(2, emoji))),
        show("halves length", length(join(letter(1, emoji), letter(2, emoji)))),
        set_var("h", letter(1, emoji)), set_var("h", join(V("h"), letter(2, emoji))),
        show("var", V("h")), show("equal", eq(V("h"), emoji)),
        add_to(letter(1, emoji), "L"), add_to(letter(2, emoji), "L"),
        show("item # of emoji", item_no(emoji, "L")),
        show("contains half", contains(join("a", emoji), letter(2, emoji))),
        show("list of halves", L("L")),
    )
    s.var("h").list("L")
    return p


@project
def compare() -> Project:
    pairs: list[tuple[Value, Value]] = [
        ("10", "9"), ("a", "A"), ("a", "B"), ("B", "a"), ("", 0), (" ", 0), ("0", 0),
        ("abc", "abd"), ("10", "10.0"), ("1e1", 10), ("0x10", 16), ("Infinity", div(1, 0)),
        (div(0, 0), div(0, 0)), ("nan", div(0, 0)), ("", "0"), ("-0", 0),
        ("\u00e9", "\u00c9"), ("\u00df", "SS"), ("apple", "APPLE"), ("1", " 1 "),
        (" ", ""), ("true", "TRUE"), ("10", "9 "), ("-1", "-1.0"), ("1e21", mul(1e21, 1)),
    ]
    stack: list[Block] = []
    for i, (a, b) in enumerate(pairs):
        # "<", "=", ">" as three letters t/f: one line per pair
        stack.append(show(f"#{i} < = >", join(join(_tf(lt(a, b)), _tf(eq(a, b))),
                                                _tf(gt(a, b)))))
    stack += [show("true=true", eq(true(), "true")), show("true=TRUE", eq(true(), "TRUE")),
              show("true=1", eq(true(), 1)), show("false=0", eq(false(), 0)),
              show("true>0", gt(true(), 0)), show("false<true", lt(false(), true()))]
    p, _ = single(*stack)
    return p


def _tf(b: Block) -> Block:
    return letter(1, b)


@project
def mod_round() -> Project:
    cases = [(7, 3), (-7, 3), (7, -3), (-7, -3), (5.5, 2), (-5.5, 2), (5, 0), (0.3, 0.1),
             (10, 2.5), ("abc", 3), (7, "abc"), (-1, 1e300)]
    rounds: list[Value] = [2.5, -2.5, 0.5, -0.5, 1.5, 0.49999999999999994, "1.5", -0.4, "abc",
                           "", 2.4999999999999996, "1e21", mul(-1, 2.5)]
    p, _ = single(*[show(f"{a} mod {b}", mod(a, b)) for a, b in cases],
                  *[show("round", round_(r)) for r in rounds])
    return p


@project
def mathops() -> Project:
    cases = [("abs", -3), ("abs", "-0"), ("floor", -2.5), ("floor", 2.7), ("ceiling", 2.1),
             ("ceiling", -2.1), ("sqrt", 16), ("sqrt", -1), ("sqrt", 2), ("sin", 30),
             ("sin", 180), ("sin", 90), ("sin", -30), ("cos", 90), ("cos", 60), ("cos", 180),
             ("tan", 45), ("tan", 90), ("tan", 270), ("tan", -90), ("tan", 180),
             ("tan", 450), ("asin", 1), ("asin", 2), ("asin", 0.5), ("acos", 0.5),
             ("acos", -2), ("atan", 1), ("atan", "Infinity"), ("ln", 0), ("ln", 1),
             ("ln", -1), ("log", 100), ("log", 1000), ("log", 0), ("e ^", 1), ("e ^", 0),
             ("10 ^", 3), ("10 ^", -1), ("10 ^", 0.5), ("e ^", -1), ("foo", 5),
             ("sin", 1e-7), ("cos", 89.99999), ("tan", 89.99999), ("sqrt", "abc")]
    p, _ = single(*[show(f"{op} {n}", mathop(op, n)) for op, n in cases])
    return p


@project
def random_fixed() -> Project:
    # outcomes that do not depend on the random numbers drawn
    p, s = single(
        say(rand(5, 5)), say(rand(1.5, 1.5)), say(rand("3", "3")), say(rand(0, 0)),
        say(rand("a", "b")), say(rand(-2, -2)),
        set_var("ok", "yes"),
        repeat(30,
               set_var("r", rand(1, 10)),
               if_(or_(or_(lt(V("r"), 1), gt(V("r"), 10)), not_(eq(round_(V("r")), V("r")))),
                   set_var("ok", "no")),
               set_var("r", rand(10, 1)),
               if_(or_(lt(V("r"), 1), gt(V("r"), 10)), set_var("ok", "no")),
               set_var("r", rand(0, 1.0)),
               if_(or_(lt(V("r"), 0), gt(V("r"), 1)), set_var("ok", "no")),
               set_var("r", rand(2, "2.0")),
               if_(not_(eq(V("r"), 2)), set_var("ok", "no"))),
        show("in range", V("ok")),
    )
    s.var("ok").var("r")
    return p


@project
def list_basic() -> Project:
    p, s = single(
        add_to("a", "L"), add_to("b", "L"), add_to("c", "L"), say(L("L")),
        show("i1", item(1, "L")), show("ilast", item("last", "L")), show("i0", item(0, "L")),
        show("i4", item(4, "L")), show("i1.9", item(1.9, "L")), show("i-1", item(-1, "L")),
        show("len", list_len("L")),
        insert_at("x", 4, "L"), show("ins len+1", L("L")),
        insert_at("y", 6, "L"), show("ins len+2", L("L")),
        insert_at("z", 0, "L"), show("ins 0", L("L")),
        insert_at("w", 1, "L"), show("ins 1", L("L")),
        replace(10, "L", "q"), show("rep 10", L("L")),
        replace("last", "L", "Z"), show("rep last", L("L")),
        replace(1.5, "L", "W"), show("rep 1.5", L("L")),
        delete_of(1, "L"), show("del 1", L("L")),
        delete_of("last", "L"), show("del last", L("L")),
        delete_of(0, "L"), show("del 0", L("L")),
        delete_of(9, "L"), show("del 9", L("L")),
        show("# B", item_no("B", "L")), show("# q", item_no("q", "L")),
        show("has B", list_has("L", "B")), show("has bb", list_has("L", "bb")),
        delete_all("L"), show("after delete all", L("L")), show("len", list_len("L")),
        show("last of empty", item("last", "L")), delete_of("last", "L"),
        replace("last", "L", "v"), show("still empty", list_len("L")),
        insert_at("only", "last", "L"), show("ins last empty", L("L")),
    )
    s.list("L")
    return p


@project
def list_words() -> Project:
    p, s = single(
        show("item all", item("all", "K")), show("item LAST", item("LAST", "K")),
        show("item ' 2 '", item(" 2 ", "K")), show("item 2.9", item("2.9", "K")),
        show("item random same", item("random", "K")), show("item any same", item("any", "K")),
        show("item true", item(true(), "K")), show("item Random", item("Random", "K")),
        insert_at("k", "last", "K"), show("ins last", L("K")),
        insert_at("m", "random", "Empty"), show("ins random into empty", L("Empty")),
        delete_of("random", "One"), show("del random", L("One")),
        delete_of("any", "One"), show("del any", L("One")),
        replace("random", "Solo", "r"), show("rep random", L("Solo")),
        delete_of("all", "K"), show("del all", L("K")),
        delete_of("ALL", "Solo"), show("del ALL", L("Solo")),
        delete_of("last", "Solo"), show("del last", L("Solo")),
        show("# of num", item_no(1, "Nums")), show("# of 2.0", item_no("2.0", "Nums")),
        show("# of ' 3'", item_no(" 3", "Nums")), show("has 1.0", list_has("Nums", "1.0")),
        show("item 1 of nums", item(1, "Nums")), show("# empty", item_no("", "Nums")),
    )
    s.list("K", ["k", "k", "k"]).list("One", ["o"]).list("Solo", ["s"]).list("Empty")
    s.list("Nums", [1, "2", 3.0, ""])
    return p


@project
def list_contents() -> Project:
    emoji = "\U0001f600"
    p, s = single(
        show("letters", L("A")), show("words", L("W")), show("json nums", L("N")),
        show("json strs", L("S")), show("mixed", L("M")), show("empty", L("E")),
        add_to(1, "T"), add_to(2, "T"), show("typed 1 2", L("T")),
        add_to(add(1, 0), "U"), add_to(add(2, 0), "U"), show("computed 1 2", L("U")),
        add_to("a", "X"), add_to("", "X"), show("a and empty", L("X")),
        add_to(emoji, "Y"), add_to("b", "Y"), show("emoji", L("Y")),
        add_to(true(), "Z"), add_to("b", "Z"), show("bool item", L("Z")),
        add_to(" ", "P"), add_to("b", "P"), show("space item", L("P")),
        say(L("A")), show("join list", join(L("A"), L("W"))),
        show("len of contents", length(L("W"))),
        show("list as number", add(L("S"), 0)),
    )
    s.list("A", ["a", "b", "c"]).list("W", ["a", "bc"]).list("N", [1, 2, 3])
    s.list("S", ["1", "2"]).list("M", [1.5, "x", True]).list("E", [])
    for n in "TUXYZP":
        s.list(n)
    return p


@project
def list_item_limit() -> Project:
    p, s = single(
        call("fill"), show("len", list_len("L")), insert_at("x", 1, "L"),
        show("after insert", list_len("L")), show("first", item(1, "L")),
        delete_of(1, "L"), add_to("y", "L"), show("after delete+add", list_len("L")),
        show("last", item("last", "L")),
    )
    s.list("L")
    s.define("fill", [], repeat(200005, add_to("i", "L")), warp=True)
    return p


@project
def variables() -> Project:
    p, s = single(
        set_var("v", "abc"), change_var("v", 1), show("abc+1", V("v")),
        set_var("v", "5"), change_var("v", 1), show("'5'+1", V("v")),
        set_var("v", "007"), show("007", V("v")), show("007+0", add(V("v"), 0)),
        set_var("v", "1e3"), change_var("v", 1), show("1e3+1", V("v")),
        set_var("v", 2), change_var("v", "abc"), show("2+abc", V("v")),
        change_var("v", ""), show("+empty", V("v")),
        set_var("v", true()), show("bool", V("v")), change_var("v", 1), show("true+1", V("v")),
        set_var("v", "  "), change_var("v", 1), show("spaces+1", V("v")),
        set_var("v", 0.1), change_var("v", 0.2), show("0.1+0.2", V("v")),
        set_var("v", ""), show("empty", V("v")),
        set_var("v", div(0, 0)), show("nan", V("v")), change_var("v", 1),
        show("nan+1", V("v")),
        set_var("v", "Infinity"), change_var("v", 1), show("inf+1", V("v")),
        show("json num", V("j")), show("json float", V("f")), show("json big", V("big")),
        show("json bool", V("b")), show("json text num", add(V("t"), 1)),
        show("json neg zero", V("nz")),
    )
    s.var("v").var("j", 10).var("f", 0.5).var("big", 1e21).var("b", True).var("t", "4")
    s.var("nz", -0.0)
    return p


@project
def var_scope() -> Project:
    p = Project()
    p.stage.var("v", "global").var("g", "G")
    a = p.sprite("A").var("v", "localA")
    b = p.sprite("B")
    a.script(flag(),
             show("A v", V("v")),
             show("A v by global id", V("v", "var-stage-v")),
             show("A v by unknown id", V("v", "no-such-id")),
             set_var(V("g", "bad-id"), "set via bad id"),
             show("A g", V("g")),
             set_var(V("m", "missing-id"), "made by A"),
             show("A m", V("m", "missing-id")),
             broadcast_wait("next"),
             show("A of B m", of("m", "B")),
             show("A of stage m", of("m", "_stage_")),
             show("A of stage v", of("v", "_stage_")),
             show("A of A v", of("v", "A")))
    b.script(receive("next"),
             show("B v", V("v")), show("B m", V("m", "missing-id")),
             set_var(V("m", "missing-id"), "made by B"), show("B m2", V("m", "missing-id")))
    p.stage.script(receive("next"), show("stage g", V("g")))
    return p


@project
def repeat_counts() -> Project:
    counts: list[Value] = [2.5, 3.5, -1, "3", "abc", 0.5, -0.5, "", 1.49, "1e1", " 2 ",
                           "0x3", div(0, 0), "-0", div(1, 0)]
    stack: list[Block] = []
    for i, c in enumerate(counts):
        if isinstance(c, Block) and c.opcode == "operator_divide":
            # infinite: stop it after 7 rounds
            stack += [set_var("n", 0), repeat(c, change_var("n", 1),
                                              if_(eq(V("n"), 7), stop("this script")))]
            continue
        stack += [set_var("n", 0), repeat(c, change_var("n", 1)), show(f"#{i}", V("n"))]
    stack += [set_var("n", 0), set_var("k", 3),
              repeat(V("k"), change_var("n", 1), change_var("k", 10)), show("fixed", V("n")),
              set_var("n", 0), repeat(true(), change_var("n", 1)), show("bool", V("n"))]
    p, s = single(*stack)
    s.var("n").var("k")
    return p


@project
def loops_cond() -> Project:
    p, s = single(
        set_var("i", 0), until(true(), change_var("i", 1)), show("until true", V("i")),
        until(gt(V("i"), 2), change_var("i", 1)), show("until i>2", V("i")),
        set_var("i", 0), while_(lt(V("i"), 3), change_var("i", 1)), show("while", V("i")),
        while_(false(), change_var("i", 100)), show("while false", V("i")),
        while_(None, change_var("i", 100)), show("while empty", V("i")),
        if_else(None, [say("then")], [say("else on empty")]),
        if_(join("fal", "se"), say("string false is true?")),
        if_(join("FAL", "SE"), say("FALSE is true?")),
        if_(join("0", ""), say("'0' is true?")), if_(join(" ", ""), say("' ' is true")),
        if_(add(0, 0), say("0 is true?")), if_(div(0, 0), say("NaN is true?")),
        if_(join("abc", ""), say("abc is true")), if_(join("0.0", ""), say("'0.0' is true")),
        if_(join("", ""), say("'' is true?")),
        set_var("i", 0),
        forever(change_var("i", 1), if_(eq(V("i"), 5), show("forever", V("i")),
                                        stop("this script"))),
        say("never"),
    )
    s.var("i")
    return p


@project
def yield_order() -> Project:
    p = Project()
    a = p.sprite("A")
    a.script(flag(), say("A1"), wait(0), say("A2"), wait(-1), say("A3"))
    a.script(flag(), say("B1"), say("B2"), repeat(2, say("B-loop")), say("B3"))
    a.script(flag(), repeat(4, say("C")), say("C end"))
    a.script(flag(), wait_until(true()), say("D no wait"), wait_until(eq(V("go"), 1)),
             say("D woke"))
    a.script(flag(), repeat(3, say("E")), set_var("go", 1), say("E set"))
    a.var("go")
    return p


@project
def wait_zero_frames() -> Project:
    # a frame ends once a "wait" has asked for a redraw: "wait 0" costs one frame, and a
    # thread counting frames that way sees another thread's loop passes two per frame
    p = Project()
    a = p.sprite("A").var("frames").var("passes")
    a.script(flag(), forever(change_var("frames", 1), wait(0)))
    a.script(flag(), repeat(10, change_var("passes", 1)),
             show("frames after 10 passes", V("frames")),
             repeat(3, wait(0)), show("frames after 3 waits", V("frames")),
             repeat(3, wait(-5)), show("frames after 3 negative waits", V("frames")),
             stop("all"))
    return p


@project
def broadcast_order() -> Project:
    p = Project()
    a = p.sprite("A", layer=1)
    b = p.sprite("B", layer=3)
    c = p.sprite("C", layer=2)
    for t in (a, b, c, p.stage):
        t.script(receive("go"), say(f"{t.name} got go"))
        t.script(receive("go2"), say(f"{t.name} go2 start"), repeat(2, say(f"{t.name} go2")),
                 say(f"{t.name} go2 end"))
    b.script(receive("go"), say("B second script"))
    p.stage.script(flag(), say("flag"), broadcast("go"), say("after broadcast"),
                   broadcast_wait("go2"), say("after broadcast and wait"),
                   broadcast_wait("nobody"), say("after waiting for nobody"),
                   broadcast("go"), broadcast("go"), say("twice"))
    p.message("nobody")
    return p


@project
def broadcast_reporter() -> Project:
    p = Project()
    s = p.sprite("S")
    s.script(receive("Hello"), say("got Hello"))
    s.script(receive("1"), say("got 1"))
    s.script(receive("hello world"), say("got hello world"))
    s.script(flag(), broadcast(join("hel", "lo"), "1"), say("sent hel+lo"),
             broadcast(join("HEL", "LO"), "1"), say("sent HEL+LO"),
             broadcast(add(0, 1), "Hello"), say("sent 0+1"),
             broadcast(join("x", "yz"), "1"), say("sent xyz"),
             broadcast_wait(join("hello ", "world"), "1"), say("after wait"),
             broadcast_wait(join("no", "body"), "1"), say("after wait for unknown"),
             broadcast(join("", ""), "1"), say("sent empty"))
    return p


@project
def broadcast_restart() -> Project:
    p = Project()
    r = p.sprite("R").var("n")
    m = p.sprite("M")
    r.script(receive("go"), say("R start"),
             repeat(3, change_var("n", 1), say(join("R ", V("n")))), say("R end"))
    r.script(receive("job"), say("job start"), repeat(4, say("job step")), say("job end"))
    m.script(flag(), broadcast("go"), repeat(2, say("M tick")), broadcast("go"),
             say("M sent again"), repeat(6, say("M tock")),
             broadcast_wait("job"), say("M released"), repeat(6, say("M after")))
    m.script(flag(), repeat(10, say("X")), broadcast("job"), say("X restarted job"))
    return p


@project
def broadcast_self_restart() -> Project:
    p = Project()
    s = p.sprite("S").var("c")
    s.script(receive("x"), change_var("c", 1), say(join("start ", V("c"))),
             if_(lt(V("c"), 3), broadcast("x")), say(join("after broadcast ", V("c"))),
             repeat(2, say(join("loop ", V("c")))), say(join("end ", V("c"))))
    s.script(flag(), broadcast("x"), say("flag done"))
    return p


@project
def broadcast_wait_multi() -> Project:
    p = Project()
    for i, (name, n) in enumerate([("A", 1), ("B", 3), ("C", 0)]):
        t = p.sprite(name, layer=i + 1)
        t.script(receive("w"), repeat(n, say(f"{name} step")), say(f"{name} done"))
    w = p.sprite("W", layer=4)
    w.script(flag(), broadcast_wait("w"), say("waiter 1 resumes"))
    w.script(flag(), repeat(2, say("other")), broadcast_wait("w"), say("waiter 2 resumes"))
    return p


@project
def clone_basic() -> Project:
    p = Project()
    a = p.sprite("A").var("id")
    a.script(flag(), set_var("id", 0),
             repeat(3, change_var("id", 1), create_clone()), say("made 3"),
             set_var("id", 99), show("original id", V("id")))
    a.script(clone_start(), show("clone start", V("id")), change_var("id", 10),
             show("clone now", V("id")))
    a.script(clone_start(), show("second hat", V("id")))
    return p


@project
def clone_other() -> Project:
    p = Project()
    a = p.sprite("A")
    b = p.sprite("B").var("bv", "b-original")
    a.script(flag(), create_clone("B"), say("A made B clone"), create_clone("Ghost"),
             create_clone("_stage_"), say("A done"))
    b.script(clone_start(), show("B clone bv", V("bv")), set_var("bv", "b-clone"),
             show("B clone x", xpos()), broadcast_wait("check"))
    b.script(flag(), set_var("bv", "b-flag"), goto_xy(5, 6))
    b.script(receive("check"), show("check bv", V("bv")))
    return p


@project
def clone_delete() -> Project:
    p = Project()
    a = p.sprite("A").var("n")
    a.script(flag(), set_var("n", 0), delete_clone(), say("original not deleted"),
             create_clone(), create_clone(), say("made"), repeat(3, say("tick")),
             show("clone hats", V("n")), broadcast_wait("ping"), say("pinged"))
    a.script(clone_start(), change_var("n", 1), say("clone a"), delete_clone(),
             say("clone b never"))
    a.script(receive("ping"), say("ping"))
    return p


@project
def clone_limit() -> Project:
    p = Project()
    p.stage.var("hats").var("pings")
    a = p.sprite("A")
    b = p.sprite("B")
    a.script(flag(), set_var("hats", 0), repeat(310, create_clone()),
             show("clones started", V("hats")), create_clone("B"),
             broadcast_wait("ping"), show("pings", V("pings")), say("bye"))
    a.script(clone_start(), change_var("hats", 1))
    a.script(receive("ping"), change_var("pings", 1))
    b.script(clone_start(), say("B clone over the limit"))
    return p


@project
def clone_limit_delete() -> Project:
    p = Project()
    p.stage.var("hats")
    a = p.sprite("A").var("me")
    a.script(flag(), set_var("hats", 0), set_var("me", "orig"),
             repeat(300, create_clone()), show("first 300", V("hats")),
             broadcast_wait("die"), repeat(5, create_clone()), show("5 more", V("hats")))
    a.script(clone_start(), set_var("me", "clone"), change_var("hats", 1))
    a.script(receive("die"), if_(eq(V("me"), "clone"), delete_clone()))
    return p


@project
def clone_layers() -> Project:
    p = Project()
    o = p.sprite("O", layer=1).var("id", "orig")
    s = p.sprite("S", layer=2)
    o.script(flag(), repeat(3, set_var("id", join("c", V("n"))), change_var("n", 1),
                            create_clone()),
             set_var("id", "orig"), broadcast_wait("who"), say("--"),
             broadcast_wait("front"), broadcast_wait("who"), say("--"),
             broadcast_wait("back"), broadcast_wait("who"))
    o.script(receive("who"), show("who", V("id")))
    o.script(receive("front"), if_(eq(V("id"), "c1"), front_back("front")))
    o.script(receive("back"), if_(eq(V("id"), "orig"), layers("backward", 10)),
             if_(eq(V("id"), "c2"), layers("forward", 1)))
    o.var("n", 1)
    s.script(receive("who"), say("S"))
    return p


@project
def clone_copies() -> Project:
    p = Project()
    a = p.sprite("A", costumes=["c1", "c2", "c3"]).var("v").list("L")
    a.script(flag(), set_var("v", "before"), add_to("o", "L"), goto_xy(10, 20), point(45),
             costume("c3"), create_clone(), set_var("v", "after"), add_to("o2", "L"),
             repeat(2, say("wait")), show("original v", V("v")), show("original L", L("L")),
             show("of A v", of("v", "A")), show("of A x", of("x position", "A")))
    # one hat: a clone of the clone (gen 1) must not clone again
    a.script(clone_start(), if_else(
        eq(V("gen"), 0),
        [show("clone v", V("v")), show("clone L", L("L")), show("clone x", xpos()),
         show("clone y", ypos()), show("clone dir", direction()),
         show("clone costume", costume_no("name")), add_to("c", "L"),
         set_var("v", "clone set"), set_var("gen", 1), goto_xy(-1, -1), create_clone(),
         show("clone L after", L("L"))],
        [show("grandclone v", V("v")), show("grandclone L", L("L")),
         show("grandclone x", xpos())]))
    a.var("gen", 0)
    return p


@project
def stop_modes() -> Project:
    p = Project()
    p.stage.var("a1").var("a2").var("b1")
    a = p.sprite("A", layer=1)
    b = p.sprite("B", layer=2)
    a.script(flag(), forever(change_var("a1", 1)))
    a.script(flag(), forever(change_var("a2", 1)))
    b.script(flag(), forever(change_var("b1", 1)))
    a.script(flag(), repeat(3, say("A3 tick")),
             show("a1 a2 b1", cat(V("a1"), V("a2"), V("b1"))),
             stop("other scripts in sprite"), repeat(3, say("A3 tock")),
             show("after stop other", cat(V("a1"), V("a2"), V("b1"))),
             broadcast("last"), say("A3 before stop this"), stop("this script"),
             say("never A3"))
    b.script(receive("last"), say("B last"), repeat(2, say("B loop")),
             show("b1", V("b1")), stop("all"), say("never B"))
    a.script(receive("last"), say("A last"), repeat(5, say("A loop")), say("never A loop end"))
    return p


@project
def stop_in_proc() -> Project:
    p = Project()
    a = p.sprite("A").var("r")
    a.define("ret %s", ["x"], if_(eq(arg("x"), 1), say("returning"), stop("this script")),
             say(join("no return ", arg("x"))))
    a.define("warpret", [],
             repeat(100, change_var("r", 1), if_(eq(V("r"), 5), stop("this script"))), warp=True)
    a.define("outer", [], say("outer in"), call("ret %s", 1), say("outer after ret"))
    a.script(flag(), call("ret %s", 1), say("after 1"), call("ret %s", 2), say("after 2"),
             call("outer"), say("after outer"),
             set_var("r", 0), call("warpret"), show("r", V("r")),
             create_clone(), repeat(3, say("orig tick")), say("orig end"))
    a.script(clone_start(), say("clone loop"), stop("other scripts in sprite"),
             say("clone after stop other"))
    return p


@project
def proc_args() -> Project:
    p = Project()
    a = p.sprite("A")
    a.define("greet %s and %n", ["who", "n"], say(join(arg("who"), join("/", arg("n")))),
             show("n+1", add(arg("n"), 1)))
    a.define("flagit %b", ["b"], show("bool arg", argb("b")),
             if_(argb("b"), say("b is true")))
    a.define("defaults %s %b", ["s", "b"], show("s", arg("s")), show("b", argb("b")),
             defaults=["seven", "true"])
    a.define("space name %s", ["my arg"], show("spaced", arg("my arg")))
    a.define("nest %s", ["x"], call("greet %s and %n", join(arg("x"), "!"), length(arg("x"))),
             show("x still", arg("x")))
    a.define("typed %n", ["n"], show("typed", arg("n")), show("typed+0", add(arg("n"), 0)))
    a.script(flag(),
             call("greet %s and %n", "Ann", 3), call("greet %s and %n", add(1, 2), "x"),
             call("flagit %b", lt(1, 2)), call("flagit %b", None),
             call("flagit %b", join("fal", "se")),
             call("defaults %s %b"), call("defaults %s %b", "given", None),
             call("space name %s", "ok"),
             call("nest %s", "hey"), call("typed %n", "007"), call("typed %n", ""),
             call("undefined block %s", "zzz"), say("after undefined"))
    return p


@project
def proc_duplicate_args() -> Project:
    # two arguments with one name: the last one pushed wins (thread.pushParam)
    p = Project()
    a = p.sprite("A")
    a.define("dup %s %s", ["a", "a"], show("dup a", arg("a")))
    a.script(flag(), call("dup %s %s", "first", "second"), say("after"))
    return p


@project
def proc_outside() -> Project:
    p = Project()
    a = p.sprite("A")
    a.define("outer %s", ["x"], show("outer x", arg("x")), call("inner"),
             show("outer y", arg("y")))
    a.define("inner", [], show("inner sees x", arg("x")), show("inner bool", argb("x")))
    a.script(flag(), show("top x", arg("x")), show("top bool", argb("b")),
             call("outer %s", "X"), broadcast_wait("r"))
    a.script(receive("r"), show("receiver x", arg("x")),
             if_(argb("x"), say("bool outside is true?")), say("receiver done"))
    return p


@project
def proc_recursion() -> Project:
    # a non-warp recursive call yields: the thread counting passes sees one per call
    p = Project()
    a = p.sprite("A").var("passes").var("result").var("calls").var("frames")
    a.define("fact %n", ["n"],
             if_else(lt(arg("n"), 2), [set_var("result", 1)],
                     [call("fact %n", sub(arg("n"), 1)),
                      set_var("result", mul(V("result"), arg("n")))]))
    a.define("fib %n", ["n"], change_var("calls", 1),
             if_(gt(arg("n"), 1), call("fib %n", sub(arg("n"), 1)),
                 call("fib %n", sub(arg("n"), 2))))
    a.define("chain1 %n", ["n"], call("chain2 %n", arg("n")))
    a.define("chain2 %n", ["n"], if_(gt(arg("n"), 0), call("chain1 %n", sub(arg("n"), 1))))
    a.define("plain", [], call("plain2"))
    a.define("plain2", [], change_var("result", 1))
    a.script(flag(), set_var("passes", 0), forever(change_var("passes", 1)))
    a.script(flag(), forever(change_var("frames", 1), wait(0)))
    a.script(flag(), set_var("frames", 0),
             call("fact %n", 10), show("fact", V("result")), show("passes", V("passes")),
             show("frames", V("frames")),
             set_var("calls", 0), call("fib %n", 6), show("fib calls", V("calls")),
             show("passes", V("passes")),
             call("chain1 %n", 4), show("mutual passes", V("passes")),
             call("plain"), call("plain"), show("plain passes", V("passes")),
             stop("all"))
    return p


@project
def proc_recursion_nest() -> Project:
    # scratch-vm looks only 6 stack levels up for the same call: a recursive call inside
    # five C-blocks yields, one inside six does not
    p = Project()
    a = p.sprite("A").var("passes")

    def rec(name: str, depth: int) -> Block:
        # `depth` C-blocks around the call: depth - 1 "if true" and the "if n > 0"
        b = if_(gt(arg("n"), 0), call(f"{name} %n", sub(arg("n"), 1)))
        for _ in range(depth - 1):
            b = if_(true(), b)
        return b

    for name, depth in (("four", 4), ("five", 5), ("six", 6)):
        a.define(f"{name} %n", ["n"], rec(name, depth))
    a.define("loop %n", ["n"], repeat(1, repeat(1, repeat(1, repeat(1, repeat(1, if_(
        gt(arg("n"), 0), call("loop %n", sub(arg("n"), 1)))))))))
    a.script(flag(), set_var("passes", 0), forever(change_var("passes", 1)))
    a.script(flag(), call("four %n", 10), show("four", V("passes")),
             call("five %n", 10), show("five", V("passes")),
             call("six %n", 10), show("six", V("passes")),
             call("loop %n", 3), show("loops", V("passes")), stop("all"))
    return p


@project
def proc_warp() -> Project:
    p = Project()
    a = p.sprite("A").var("passes").var("n")
    a.define("fast", [], repeat(50, change_var("n", 1)), call("slow"), wait(0),
             repeat(2, say("fast says")), warp=True)
    a.define("slow", [], repeat(20, change_var("n", 1)))
    a.define("rec %n", ["k"], if_(gt(arg("k"), 0), call("rec %n", sub(arg("k"), 1))), warp=True)
    a.define("calls fast", [], repeat(3, change_var("n", 1)), call("fast"))
    a.script(flag(), set_var("passes", 0), forever(change_var("passes", 1)))
    a.script(flag(), set_var("n", 0), call("fast"), show("warp passes", V("passes")),
             show("n", V("n")), call("slow"), show("slow passes", V("passes")),
             call("rec %n", 30), show("warp rec passes", V("passes")),
             call("calls fast"), show("mixed passes", V("passes")), show("n", V("n")),
             stop("all"))
    return p


@project
def proc_two_sprites() -> Project:
    p = Project()
    a = p.sprite("A")
    b = p.sprite("B")
    a.define("f", [], say("A's f"))
    a.define("f", [], say("A's second f"))
    b.define("f", [], say("B's f"))
    b.define("g %s", ["x"], show("B g", arg("x")))
    a.script(flag(), call("f"), call("g %s", "from A"), broadcast_wait("b"),
             create_clone(), say("A end"))
    a.script(clone_start(), say("clone calls"), call("f"))
    b.script(receive("b"), call("f"), call("g %s", "from B"))
    return p


@project
def sensing_of() -> Project:
    p = Project(backdrops=["day", "night"])
    p.stage.var("score", 3).var("hp", "stage hp")
    p.stage.props["costume"] = 1
    s = p.sprite("S", costumes=["one", "two"], x=12.5, y=-7, direction=45, size=33,
                 costume=1, volume=40).var("hp", 7)
    a = p.sprite("A")
    props = ["x position", "y position", "direction", "costume #", "costume name", "size",
             "volume", "hp", "nothere", "score"]
    a.script(flag(), *[show(f"S {q}", of(q, "S")) for q in props],
             *[show(f"stage {q}", of(q, "_stage_"))
               for q in ["backdrop #", "backdrop name", "volume", "score", "hp",
                         "x position", "background #"]],
             show("ghost x", of("x position", "Ghost")), show("A of A", of("costume #", "A")),
             broadcast_wait("move"),
             show("S x after", of("x position", "S")), show("S y after", of("y position", "S")),
             show("S dir after", of("direction", "S")))
    s.script(receive("move"), set_x(add(0.1, 0.2)), set_y(-3), point(-90.5),
             show("own x", xpos()), show("own y", ypos()), show("own size", size()))
    return p


@project
def sensing_of_raw() -> Project:
    # "of" reports a sprite's x, y and size as stored: unlike the motion and looks reporters
    # it neither rounds to 1e-9 (limitPrecision) nor rounds the size
    p = Project()
    p.sprite("S", x=0.0000000001, y=-7.0000000001, size=33.3)
    a = p.sprite("A")
    a.script(flag(), show("size", of("size", "S")), show("x", of("x position", "S")),
             show("y", of("y position", "S")))
    return p


@project
def motion() -> Project:
    p = Project()
    p.sprite("B", x=10, y=10)
    s = p.sprite("S")
    s.script(flag(), move(10), show("move x", xpos()), turn_right(15), show("dir", direction()),
             turn_left(400), show("left 400", direction()),
             point(270), show("270", direction()), point(180), show("180", direction()),
             point(-180), show("-180", direction()), point(540), show("540", direction()),
             point(190), show("190", direction()), point("abc"), show("abc", direction()),
             point(-179.5), show("-179.5", direction()), point(90.5), show("90.5", direction()),
             point(div(1, 0)), show("inf", direction()),
             goto_xy(3.5, -2), show("xy", join(xpos(), join(",", ypos()))),
             change_x(0.1), change_x(0.1), change_x(0.1), show("3x0.1", xpos()),
             set_x(0.0000000001), show("1e-10", xpos()), set_x(add(5, 0.0000000001)),
             show("5+1e-10", xpos()), set_x(0.000000002), show("2e-9", xpos()),
             set_x(1000), set_y(-1000), show("far", join(xpos(), join(",", ypos()))),
             goto_xy(0, 0), point(45), move(10),
             show("45 move", join(xpos(), join(",", ypos()))),
             goto_xy(0, 0), point(30), move(7), show("30 move", join(xpos(), join(",", ypos()))),
             goto_xy(0, 0), point(0), move(5), show("0 move", join(xpos(), join(",", ypos()))),
             goto_xy(0, 0), point(180), move(5),
             show("180 move", join(xpos(), join(",", ypos()))),
             goto("B"), show("goto B", join(xpos(), join(",", ypos()))),
             goto("Ghost"), show("goto Ghost", xpos()),
             goto_xy(0, 0), point_towards("B"), show("towards B", direction()),
             show("distance B", distance_to("B")), goto_xy("abc", ""),
             show("abc xy", join(xpos(), join(",", ypos()))),
             change_y("x"), show("y", ypos()))
    return p


@project
def motion_nonfinite() -> Project:
    # headless, setXY stores whatever it gets: Infinity stays, NaN stays NaN (x position
    # reports it through limitPrecision, which keeps NaN)
    p, _ = single(goto_xy(div(1, 0), 0), show("inf x", xpos()), show("of", of("x position", "S")),
                  change_x(1), show("inf+1", xpos()), set_x(div(-1, 0)), show("-inf", xpos()),
                  goto_xy(div(0, 0), 1), show("nan x", xpos()), show("nan y", ypos()),
                  set_y(sub(0, div(1, 0))), show("y", ypos()), goto_xy(0, 0), say("back"),
                  show("x", xpos()))
    return p


@project
def looks_costume() -> Project:
    p = Project(backdrops=["b1", "b2", "3"])
    s = p.sprite("S", costumes=["c1", "c2", "2", "c4"])

    def now(label: str) -> Block:
        return show(label, join(costume_no("number"), join(" ", costume_no("name"))))

    s.script(flag(), now("start"), costume("c2"), now("c2"), costume("2"), now("'2' name"),
             costume(add(1, 1)), now("number 2"), costume(join("4", "")), now("'4' text"),
             costume(add(4, 1)), now("5"), costume(add(0, 0)), now("0"), costume(sub(0, 1)),
             now("-1"), costume(join(" ", "")), now("space"), costume(join("", "")),
             now("empty"), costume("c4"), next_costume(), now("next wraps"),
             costume("next costume"),
             now("'next costume'"), costume("previous costume"), now("'previous costume'"),
             costume(true()), now("true"), costume("C2"), now("C2 case"),
             costume(join("3.0", "")), now("'3.0'"), costume(join("0x2", "")), now("'0x2'"),
             backdrop("b2"), show("backdrop", join(backdrop_no(), backdrop_no("name"))),
             next_backdrop(), show("next", join(backdrop_no(), backdrop_no("name"))),
             backdrop("random backdrop"), show("random of 3 is not 3", not_(eq(backdrop_no(), 3))),
             backdrop(add(2, 0)), show("number 2", backdrop_no()),
             backdrop(join("3", "")), show("'3' name", backdrop_no()),
             backdrop("previous backdrop"), show("prev", backdrop_no()),
             backdrop("next backdrop"), show("next", backdrop_no()))
    return p


@project
def costume_rounding() -> Project:
    # setCostume rounds the index (Math.round) and turns non-finite ones into 0
    p = Project(backdrops=["b1", "b2", "b3"])
    s = p.sprite("S", costumes=["c1", "c2", "c3", "c4"])
    stack: list[Block] = []
    for label, x in [("1.5", add(1.5, 0)), ("2.5", add(2.5, 0)), ("1.4", add(1.4, 0)),
                     ("'2.5'", join("2.5", "")), ("-0.5", sub(0, 0.5)), ("inf", div(1, 0)),
                     ("-inf", div(-1, 0)), ("nan", div(0, 0))]:
        stack += [costume("c3"), costume(x), show(label, costume_no())]
    stack += [backdrop(add(1.5, 0)), show("backdrop 1.5", backdrop_no()),
              backdrop(div(0, 0)), show("backdrop nan", backdrop_no())]
    s.script(flag(), *stack)
    return p


@project
def backdrop_hats() -> Project:
    p = Project(backdrops=["b1", "b2"])
    s = p.sprite("S")
    s.script(backdrop_hat("b2"), say("S sees b2"), repeat(2, say("S b2 loop")), say("S b2 end"))
    p.stage.script(backdrop_hat("B2"), say("stage sees B2"))
    p.stage.script(backdrop_hat("b1"), say("stage sees b1"))
    s.script(flag(), backdrop("b2"), say("switched"), backdrop("b2"), say("again (restart)"),
             repeat(4, say("tick")), backdrop("random backdrop"), say("random"),
             repeat(2, say("tock")), show("now", backdrop_no("name")), costume("c1"),
             say("switch costume starts nothing"), next_backdrop(), say("next backdrop"),
             repeat(3, say("tuck")))
    return p


@project
def looks_size_headless() -> Project:
    # without a renderer scratch-vm's setSize changes nothing (the clamp needs the costume's
    # rendered size), so size reports the project's stored size, rounded
    p, _ = single(show("start", size()), set_size(50), show("set 50", size()),
                  change_size(-100), show("change -100", size()),
                  show("of", of("size", "S")), size=33.6)
    return p


@project
def layers_order() -> Project:
    p = Project()
    names = [("A", 2), ("B", 3), ("C", 1)]  # target order differs from layer order
    for n, layer in names:
        t = p.sprite(n, layer=layer)
        t.script(flag(), say(f"{n} flag"))
        t.script(receive("who"), say(n))
    p.stage.script(flag(), say("stage flag"), broadcast_wait("who"), say("--"),
                   broadcast_wait("a front"), broadcast_wait("who"), say("--"),
                   broadcast_wait("b back"), broadcast_wait("who"), say("--"),
                   broadcast_wait("c fwd"), broadcast_wait("who"))
    p.sprites[0].script(receive("a front"), front_back("front"))
    p.sprites[1].script(receive("b back"), front_back("back"))
    p.sprites[2].script(receive("c fwd"), layers("forward", 1.6))
    return p


@project
def edge_hats_alone() -> Project:
    # issue 13: a project whose only scripts are edge hats keeps stepping frames until no
    # hat can fire any more: the timer ones fire in turn, loudness never (no microphone)
    p = Project()
    s = p.sprite("S")
    s.script(timer_gt(0.25), say("timer passed 0.25"))
    s.script(timer_gt(0.1), say("timer passed 0.1"), say("and goes on"))
    s.script(F("event_whengreaterthan", {"WHENGREATERTHANMENU": "LOUDNESS"}, VALUE=-5),
             say("loud"))
    p.stage.script(timer_gt("0.2"), say("stage: timer passed 0.2"))
    return p


@project
def edge_hat_after_scripts() -> Project:
    # the green flag's script ends first; a timer hat still fires afterwards
    p = Project()
    s = p.sprite("S")
    s.script(flag(), say("flag"))
    s.script(timer_gt(0.15), say("timer after the flag's script ended"))
    return p


@project
def hat_order() -> Project:
    p = Project()
    a = p.sprite("A", layer=2)
    b = p.sprite("B", layer=1)
    for t in (a, b, p.stage):
        for i in (1, 2):
            t.script(flag(), say(f"{t.name} flag {i}"), repeat(1, say(f"{t.name} {i} loop")))
    return p


@project
def logic() -> Project:
    vals: list[tuple[str, Value]] = [("'false'", "false"), ("'0'", "0"), ("''", ""),
                                     ("' '", " "), ("'abc'", "abc"), ("0", 0), ("'FALSE'", "FALSE"),
                                     ("'0.0'", "0.0")]
    stack: list[Block] = []
    for label, v in vals:
        x = join(v, "") if isinstance(v, str) else add(v, 0)
        stack.append(show(f"not {label}", not_(x)))
        x2 = join(v, "") if isinstance(v, str) else add(v, 0)
        stack.append(show(f"and true {label}", and_(true(), x2)))
        x3 = join(v, "") if isinstance(v, str) else add(v, 0)
        stack.append(show(f"or false {label}", or_(false(), x3)))
    stack += [show("not empty", not_(None)), show("and empty", and_(None, true())),
              show("or empty", or_(None, None))]
    p, _ = single(*stack)
    return p


@project
def timer_edge_hat() -> Project:
    # "when timer > v" is checked once per frame, before the threads step; v makes it
    # timer-independent (the timer is never below -1, never above 1e9 here)
    p = Project()
    p.stage.var("v", 1e9)
    a = p.sprite("A")
    a.script(timer_gt(V("v")), say("hat fired"), repeat(2, say("hat loop")), say("hat end"))
    a.script(flag(), set_var("v", 1e9), say("flag"), wait(0), set_var("v", -1), say("set -1"),
             repeat(3, say("loop")), wait(0), say("next frame"), set_var("v", 1e9), wait(0),
             set_var("v", -1), say("set -1 again"), wait(0), say("frame"), wait(0),
             say("end"), set_var("v", 1e9))
    return p


@project
def say_values() -> Project:
    p, s = single(say("1.0"), say(add("1.0", 0)), say(""), say(true()), say(false()),
                  think("thinking"), say(V("n")), say(V("e")), say(V("t")), say(L("L")),
                  say(" "), say(join("", "")), show("list item bool", item(3, "L")),
                  say(item(1, "L")), think(div(1, 0)))
    s.var("n", 1.5).var("e", 1e21).var("t", True).list("L", [1, "a", True, -0.0])
    return p


@project
def counters() -> Project:
    p, _ = single(B("control_clear_counter"), B("control_incr_counter"),
                  B("control_incr_counter"), show("counter", B("control_get_counter")),
                  B("control_clear_counter"), show("cleared", B("control_get_counter")))
    return p


@project
def wait_until_order() -> Project:
    p = Project()
    p.stage.var("f")
    a = p.sprite("A")
    b = p.sprite("B")
    a.script(flag(), set_var("f", 0), wait_until(eq(V("f"), 1)), say("A saw f=1"))
    b.script(flag(), say("B first"), repeat(2, say("B loop")), set_var("f", 1), say("B set f"),
             repeat(2, say("B after")), set_var("f", 0), say("B reset f"))
    a.script(flag(), wait_until(eq(V("f"), 1)), say("A2 saw f=1"), wait_until(eq(V("f"), 0)),
             say("A2 saw f=0"))
    return p


@project
def negative_zero() -> Project:
    # -0 survives arithmetic and variables; it only shows through 1 / x
    p, s = single(
        show("1/round(-0.4)", div(1, round_(-0.4))), show("1/(0*-1)", div(1, mul(0, -1))),
        show("1/'-0'", div(1, "-0")), show("1/(-0 mod 5)", div(1, mod(mul(0, -1), 5))),
        show("1/ceiling(-0.5)", div(1, mathop("ceiling", -0.5))),
        show("1/abs(-0)", div(1, mathop("abs", mul(0, -1)))),
        show("1/(-0 + 0)", div(1, add(mul(0, -1), 0))),
        show("1/(0 - 0)", div(1, sub(0, 0))), show("1/(-0 - 0)", div(1, sub(mul(0, -1), 0))),
        set_var("z", mul(0, -1)), show("1/var", div(1, V("z"))),
        change_var("z", 0), show("1/(var+0)", div(1, V("z"))),
        add_to(mul(0, -1), "L"), show("1/item", div(1, item(1, "L"))),
        show("1/round('-0.2')", div(1, round_("-0.2"))),
        show("1/sin(-0)", div(1, mathop("sin", mul(0, -1)))),
        show("1/json -0", div(1, V("j"))), show("-0 = 0", eq(mul(0, -1), 0)),
        show("1/floor(-0.5)", div(1, mathop("floor", -0.5))),
        show("1/(-1*0 / 5)", div(1, div(mul(-1, 0), 5))),
    )
    s.var("z").var("j", -0.0).list("L")
    return p


@project
def sensing_headless() -> Project:
    # no renderer, no audio, no mouse or keyboard input
    p = Project()
    p.sprite("B", x=30, y=40)
    p.sprite("S", x=10, y=0).script(
        flag(), show("username", sensing("username")), show("mouse down", sensing("mousedown")),
        show("loudness", sensing("loudness")), show("key space", key_pressed("space")),
        show("key any", key_pressed("any")), show("touching edge", touching("_edge_")),
        show("touching mouse", touching("_mouse_")), show("touching B", touching("B")),
        set_x(1000), B("motion_ifonedgebounce"),
        show("bounce x", xpos()), show("dir", direction()),
        show("of by reporter", of_any("x position", join("B", ""))),
        show("of _stage_ reporter", of_any("backdrop #", join("_stage_", ""))),
        show("of lower-case name", of("x position", "b")),
        show("of list name", of("L", "B")), show("distance B", distance_to("B")),
        show("distance ghost", distance_to("Ghost")),
        # the timer reads the frame's clock (runtime.currentMSecs): 0 within the same frame
        B("sensing_resettimer"), show("timer after reset", sensing("timer")))
    p.sprites[0].list("L", ["x"])
    return p


@project
def mouse_never_moved() -> Project:
    # headless nothing ever posts mouse data, and scratch-vm's Mouse only sets its Scratch
    # coordinates (_scratchX/_scratchY) then: until that they are undefined
    p = Project()
    p.sprite("S", x=10, y=0).script(
        flag(), show("mouse x", sensing("mousex")), show("mouse y", sensing("mousey")),
        show("mouse x + 1", add(sensing("mousex"), 1)),
        show("distance mouse", distance_to("_mouse_")), point_towards("_mouse_"),
        show("towards mouse", direction()), goto("_mouse_"), show("go to mouse", xpos()))
    return p


@project
def for_each_all_at_once() -> Project:
    p, s = single(
        for_each("i", 3, say(join("i=", V("i")))), show("after", V("i")),
        for_each("i", 2.5, say(join("2.5: ", V("i")))),
        for_each("i", "abc", say("never")), show("abc leaves i", V("i")),
        for_each("i", "2", say(join("'2': ", V("i"))), set_var("i", 10)),
        show("after set inside", V("i")),
        B("control_all_at_once", SUBSTACK=[repeat(2, say("in all at once"))]),
        say("after all at once"),
    )
    s.var("i")
    p.sprite("T").script(flag(), repeat(4, say("other thread")))
    return p


@project
def stop_other_stage() -> Project:
    p = Project()
    p.stage.var("s1").var("t1")
    p.stage.script(flag(), forever(change_var("s1", 1)))
    p.stage.script(flag(), repeat(3, say("stage tick")), stop("other scripts in stage"),
                   repeat(2, say("stage tock")), show("s1", V("s1")), show("t1", V("t1")),
                   stop("all"))
    p.sprite("T").script(flag(), forever(change_var("t1", 1)))
    return p


@project
def say_for_zero_secs() -> Project:
    # the bubble's timeout is a setTimeout(0) promise: the thread waits for the next frame
    # but does not end the frame; the "wait 0" loop makes frames end after known passes
    p = Project()
    a = p.sprite("A").var("frames")
    a.script(flag(), forever(change_var("frames", 1), wait(0)))
    a.script(flag(), say_for("hi", 0), show("after say for 0 secs, frames", V("frames")),
             B("looks_thinkforsecs", MESSAGE="hmm", SECS=-1), show("after think", V("frames")),
             say_for("", 0), say("after empty"), stop("all"))
    a.script(flag(), repeat(5, say("loop")))
    return p


@project
def sound_yields() -> Project:
    # volume and sound effect blocks return a resolved promise: one frame each
    p = Project()
    a = p.sprite("A", volume=50).var("frames")
    a.script(flag(), forever(change_var("frames", 1), wait(0)))
    a.script(flag(), set_volume(150), show("volume", B("sound_volume")),
             show("frames", V("frames")), change_volume(-30), show("volume", B("sound_volume")),
             set_volume(-5), show("volume", B("sound_volume")), show("frames", V("frames")),
             set_volume("abc"), show("abc", B("sound_volume")),
             sound_effect("PITCH", 500), show("frames after effect", V("frames")),
             B("sound_cleareffects"), B("sound_stopallsounds"),
             show("frames after clear+stop", V("frames")),
             show("of volume", of("volume", "A")), stop("all"))
    return p


@project
def glide_zero() -> Project:
    p, _ = single(glide(0, 10, 20), show("glide 0", cat(xpos(), ypos())),
                  glide(-1, "abc", 5), show("glide -1", cat(xpos(), ypos())))
    return p


@project
def switch_backdrop_and_wait() -> Project:
    # only with no "when backdrop switches to" hat: scratch-vm 5.0.300 throws when this block
    # starts a hat (_setBackdrop calls runtime.startHats, which runs the new hats through the
    # shared BlockUtility, so util.stackFrame then belongs to another thread)
    p = Project(backdrops=["b1", "b2"])
    s = p.sprite("S")
    s.script(flag(), backdrop_and_wait("b2"), show("after wait", backdrop_no("name")),
             backdrop_and_wait("next backdrop"), show("after next", backdrop_no()))
    s.script(flag(), repeat(2, say("tick")))
    return p


@project
def load_fixes() -> Project:
    # what scratch-vm fixes while loading: direction wrapped, costume index clamped; big
    # JSON integers become doubles
    p = Project()
    s = p.sprite("S", costumes=["c1", "c2", "c3"], direction=270, costume=7)
    s.var("big", 12345678901234567890).list("L", [12345678901234567890, 2 ** 53 + 1])
    s.script(flag(), show("direction", direction()), show("costume", costume_no()),
             show("big", V("big")), show("list", L("L")), show("big+0", add(V("big"), 0)))
    p.sprite("T", direction=-190, costume=2, costumes=["only"]).script(
        flag(), show("T direction", direction()), show("T costume", costume_no()))
    return p


@project
def clone_from_stage() -> Project:
    p = Project()
    p.stage.var("n")
    a = p.sprite("A").var("mine", "orig")
    # a clone naming its own sprite clones the original (getSpriteTargetByName), so each
    # new clone sees "orig" although the clone that made it had changed "mine"
    a.script(clone_start(), change_var("n", 1), show("A clone", V("mine")),
             set_var("mine", "changed"), if_(lt(V("n"), 3), create_clone("A")))
    a.script(flag(), set_var("mine", "orig"))
    p.stage.script(flag(), create_clone(), say("stage cannot clone itself"), create_clone("A"),
                   repeat(3, say("stage tick")), show("clones", V("n")))
    return p


@project
def clone_delete_threads() -> Project:
    # deleting a clone stops its other scripts at once, even later ones in the same pass
    p = Project()
    a = p.sprite("A").var("me", "orig")
    a.script(flag(), set_var("me", "orig"), create_clone(), repeat(4, say("orig tick")))
    a.script(clone_start(), set_var("me", "clone"), repeat(2, say("clone 1")), delete_clone())
    a.script(clone_start(), repeat(5, say("clone 2")))
    a.script(clone_start(), say("clone 3 start"), broadcast_wait("never"), say("clone 3 end"))
    a.script(receive("never"), if_(eq(V("me"), "clone"), repeat(10, say("clone receiver"))),
             say(join("receiver done ", V("me"))))
    return p


@project
def broadcast_restart_order() -> Project:
    # a restarted thread keeps its place in the thread list: restarted from a thread after
    # it, it runs again only in the next pass
    p = Project()
    s = p.sprite("S")
    s.script(flag(), broadcast("go"), broadcast("q"), repeat(4, say("X")))
    s.script(receive("go"), say("R start"), repeat(3, say("R")), say("R end"))
    s.script(receive("q"), say("Q"), broadcast("go"), say("Q sent"), repeat(2, say("Q loop")))
    return p


@project
def broadcast_wait_yield_tick() -> Project:
    # when every thread a "broadcast and wait" started is waiting on a promise, the waiter
    # yields until the next frame instead of checking again in the next pass
    p = Project()
    a = p.sprite("A").var("frames")
    a.script(flag(), forever(change_var("frames", 1), wait(0)))
    a.script(flag(), broadcast_wait("r"), show("W resumed at frame", V("frames")))
    a.script(flag(), repeat(6, say(join("L ", V("frames")))))
    a.script(receive("r"), say_for("R", 0), say(join("R done at frame ", V("frames"))))
    a.script(flag(), repeat(3, wait(0)), stop("all"))
    return p


# issue 13: loader


@project
def wild_unknown_blocks() -> Project:
    # blocks scratch-vm does not know load and do nothing; an unknown reporter reports
    # undefined, or its one field's value when it has one field and no inputs (a "shadow")
    p = Project()
    s = p.sprite("S")
    s.script(flag(), say("start"), B("procedures_return", VALUE="x"),
             B("control_nosuch", SUBSTACK=[say("inside an unknown C-block")]),
             show("unknown reporter", B("operator_nosuch")),
             say(B("operator_nosuch")),
             if_else(B("operator_nosuchbool"), [say("unknown boolean: true")],
                     [say("unknown boolean: false")]),
             show("one field", F("sensing_nosuchmenu", {"X": "field value"})),
             show("two fields", F("sensing_nosuchmenu", {"X": "a", "Y": "b"})),
             say("end"))
    s.script(B("event_whennosuch"), say("an unknown hat ran"))
    return p


@project
def wild_legacy_blocks() -> Project:
    # the legacy blocks scratch-vm still defines: they do nothing, the reporters report
    # undefined
    p = Project()
    s = p.sprite("S", x=10, y=20)
    s.script(flag(), B("motion_scroll_right", DISTANCE=10), B("motion_scroll_up", DISTANCE=10),
             F("motion_align_scene", {"ALIGNMENT": "bottom-left"}),
             B("looks_hideallsprites"), B("looks_changestretchby", CHANGE=10),
             B("looks_setstretchto", STRETCH=50),
             show("userid", B("sensing_userid")), show("xscroll", B("motion_xscroll")),
             show("yscroll", B("motion_yscroll")), show("at", cat(xpos(), ypos(), size())))
    return p


NULL_ID = "null-id-in-the-file"


def _null_ids(data: dict[str, Any]) -> None:
    """Writes None for every variable id NULL_ID (what some editors save)."""
    def fix(value: Any) -> None:
        if isinstance(value, list):
            for n, item in enumerate(value):
                if item == NULL_ID:
                    value[n] = None
                else:
                    fix(item)
        elif isinstance(value, dict):
            for item in value.values():
                fix(item)

    fix(data["targets"])


@project
def wild_null_variable_ids() -> Project:
    # a variable field with a null id is looked up by name each time: the sprite's own
    # first, then the stage's; one that does not exist is made in the sprite with the id
    # null, which later null-id references then find first. (A reporter input
    # [12, name, null] is refused by scratch-vm's schema, so only fields here.)
    def var(name: str) -> Block:
        return F("data_variable", {"VARIABLE": V(name, NULL_ID)})

    p = Project()
    p.stage.var("a", 2).var("b", 5)
    s = p.sprite("S").var("b", 1)
    s.script(flag(), show("a b", cat(var("a"), var("b"))),
             set_var(V("a", NULL_ID), 10), change_var(V("b", NULL_ID), 100),
             show("a b after", cat(V("a"), V("b"))),
             show("stage b", of("b", "_stage_")),
             set_var(V("new one", NULL_ID), "made"),
             show("other new one", var("other")))
    p.stage.script(flag(), wait(0), show("stage sees b", var("b")))
    p.fixes.append(_null_ids)
    return p


def _orphan_shadows(data: dict[str, Any]) -> None:
    blocks = data["targets"][1]["blocks"]
    blocks["orphan-number"] = {"opcode": "math_number", "next": None, "parent": "gone",
                               "inputs": {}, "fields": {"NUM": ["7", None]}, "shadow": True,
                               "topLevel": False}
    blocks["orphan-menu"] = {"opcode": "looks_costume", "next": None, "parent": "gone too",
                             "inputs": {}, "fields": {"COSTUME": ["c1", None]},
                             "shadow": True, "topLevel": False}


@project
def wild_orphan_shadow() -> Project:
    # Scratch's editor leaves shadow blocks whose parent is gone in saved files
    p = Project()
    p.sprite("S").script(flag(), say("runs"), show("sum", add(1, 2)))
    p.fixes.append(_orphan_shadows)
    return p


# -- writing ----------------------------------------------------------------------------------


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    names = argv or list(PROJECTS)
    for name in names:
        (HERE / f"{name}.json").write_text(dump(PROJECTS[name]().to_json()), encoding="utf-8")
    print(f"wrote {len(names)} projects to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
