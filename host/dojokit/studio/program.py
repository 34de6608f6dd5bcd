"""The learner's program while the studio edits it: the project.json dict as Scratch wrote it.

Edits change only the edited sprite's flat `blocks` dict (Scratch's own form: `next`, `parent`,
`inputs`, `fields`, `topLevel`, `x`, `y`), so everything the studio does not edit (other
sprites, comments, assets, unknown blocks, monitors) is kept exactly. Every edit is one step
of an unlimited undo history; a deleted stack goes to the tray, from where it can be put back.

A place where a block can go is a `Place`:
- `next`:     under block `ref` (between it and the block below it)
- `substack`: first in the mouth `name` of C-block `ref`
- `input`:    into input `name` of block `ref` (a reporter or a boolean)
- `above`:    on top of the script whose top block is `ref`
- `top`:      a new script at (`x`, `y`) in the script area
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

from dojokit.scratch.blocks import BlockDef, Slot, block_def

Block = dict[str, Any]
PlaceKind = Literal["next", "substack", "input", "above", "top"]

# the compact primitives Scratch writes for a shadow: [type code, value]
PRIMITIVE_CODES = {"math_number": 4, "math_positive_number": 5, "math_whole_number": 6,
                   "math_integer": 7, "math_angle": 8, "colour_picker": 9, "text": 10}
INPUT_SHADOW, INPUT_BLOCK, INPUT_OBSCURED = 1, 2, 3
STACK_SHAPES = ("command", "c", "cap", "hat")
ENDS_STACK = ("cap",)  # nothing goes under these
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    ref: str | None = None
    name: str | None = None
    x: float = 0
    y: float = 0


class EditError(ValueError):
    """An edit that cannot be made; `key` names the catalog message that says why."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


def shape_of(block: Block) -> str:
    d = block_def(block.get("opcode", ""))
    if d is not None:
        return "c" if d.shape == "c" and block.get("opcode") == "control_forever" else d.shape
    # a block the studio does not know: a reporter when it sits in an input, else a command
    return "command"


def forever_like(block: Block) -> bool:
    """Nothing can go under a forever loop (Scratch's own rule)."""
    return block.get("opcode") == "control_forever"


def editing_target(data: dict[str, Any]) -> dict[str, Any]:
    """The sprite the studio edits: the first sprite (the robot's), else the stage."""
    targets = data.get("targets") or []
    for t in targets:
        if not t.get("isStage"):
            return t
    return targets[0]


class Program:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.target = editing_target(data)
        self.target.setdefault("blocks", {})
        self.tray: list[dict[str, Any]] = []  # deleted stacks: {"top": id, "blocks": {...}}
        self._undo: list[tuple[str, str]] = []  # (blocks, tray) as JSON before each edit
        self._redo: list[tuple[str, str]] = []
        self._next_id = 1
        self.changes = 0  # counts edits, undos and redos (autosave watches it)

    # -- reading ----------------------------------------------------------------------------
    @property
    def blocks(self) -> dict[str, Block]:
        return self.target["blocks"]

    def scripts(self) -> list[str]:
        """The top blocks of the scripts, in the order they are stored."""
        return [k for k, b in self.blocks.items()
                if isinstance(b, dict) and b.get("topLevel") and not b.get("shadow")]

    def stack(self, top: str) -> list[str]:
        """`top` and the blocks under it, in order."""
        out = []
        cur: str | None = top
        while cur is not None and cur in self.blocks and len(out) <= len(self.blocks):
            out.append(cur)
            cur = self.blocks[cur].get("next")
        return out

    def bottom(self, top: str) -> str:
        return self.stack(top)[-1]

    def input_block(self, block_id: str, name: str) -> str | None:
        """The non-shadow block in input `name` (a reporter or a substack's first block)."""
        v = self.blocks[block_id].get("inputs", {}).get(name)
        if not v or len(v) < 2:
            return None
        if v[0] == INPUT_SHADOW:
            return None
        ref = v[1]
        if isinstance(ref, str) and ref in self.blocks and not self.blocks[ref].get("shadow"):
            return ref
        return None

    def literal(self, block_id: str, slot: Slot) -> str | None:
        """The value typed or chosen in a slot's shadow (None when there is none)."""
        b = self.blocks[block_id]
        if slot.is_field:
            f = b.get("fields", {}).get(slot.name)
            return None if not f else str(f[0])
        v = b.get("inputs", {}).get(slot.name)
        if not v:
            return None
        shadow = v[2] if v[0] == INPUT_OBSCURED and len(v) > 2 else v[1]
        if isinstance(shadow, list) and len(shadow) >= 2:
            return str(shadow[1])
        if isinstance(shadow, str) and shadow in self.blocks:
            fields = self.blocks[shadow].get("fields", {})
            for f in fields.values():
                return str(f[0])
        return None

    def parent_of(self, block_id: str) -> str | None:
        return self.blocks[block_id].get("parent")

    def top_of(self, block_id: str) -> str:
        cur = block_id
        for _ in range(len(self.blocks) + 1):
            p = self.blocks[cur].get("parent")
            if p is None or p not in self.blocks:
                return cur
            cur = p
        return cur

    def count(self) -> int:
        return sum(1 for b in self.blocks.values() if isinstance(b, dict) and not b.get("shadow"))

    # -- history ----------------------------------------------------------------------------
    def _snapshot(self) -> tuple[str, str]:
        return json.dumps(self.blocks), json.dumps(self.tray)

    def _restore(self, snap: tuple[str, str]) -> None:
        self.target["blocks"] = json.loads(snap[0])
        self.tray = json.loads(snap[1])

    def _begin(self) -> None:
        self._undo.append(self._snapshot())
        self._redo.clear()
        self.changes += 1

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._snapshot())
        self._restore(self._undo.pop())
        self.changes += 1
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._snapshot())
        self._restore(self._redo.pop())
        self.changes += 1
        return True

    # -- making blocks ------------------------------------------------------------------------
    def _new_id(self) -> str:
        # sequential ids: the same edits give the same project.json, every time
        while True:
            bid = f"s{self._next_id}"
            self._next_id += 1
            if bid not in self.blocks:
                return bid

    def _make(self, d: BlockDef) -> str:
        bid = self._new_id()
        block: Block = {"opcode": d.opcode, "next": None, "parent": None, "inputs": {},
                        "fields": {}, "shadow": False, "topLevel": True, "x": 0, "y": 0}
        self.blocks[bid] = block
        for s in d.slots:
            if s.is_field:
                block["fields"][s.name] = [s.default or "message1", None] \
                    if s.kind == "broadcast" else [s.default, None]
            elif s.kind == "menu_input" and s.shadow:
                sid = self._new_id()
                self.blocks[sid] = {"opcode": s.shadow, "next": None, "parent": bid,
                                    "inputs": {}, "fields": {s.shadow_field: [s.default, None]},
                                    "shadow": True, "topLevel": False}
                block["inputs"][s.name] = [INPUT_SHADOW, sid]
            elif s.kind == "broadcast":
                block["inputs"][s.name] = [INPUT_SHADOW, [11, s.default or "message1", None]]
            elif s.shadow in PRIMITIVE_CODES:
                block["inputs"][s.name] = [INPUT_SHADOW, [PRIMITIVE_CODES[s.shadow], s.default]]
        return bid

    def add(self, opcode: str, place: Place) -> str:
        """A new block from the palette, put at `place`."""
        d = block_def(opcode)
        if d is None:
            raise EditError("studio.edit.unknown_block", opcode=opcode)
        self._check_place([opcode], d.shape, place)
        self._begin()
        bid = self._make(d)
        self._attach(bid, place)
        return bid

    # -- moving -----------------------------------------------------------------------------
    def moving_stack(self, block_id: str) -> list[str]:
        """What moves when `block_id` is picked up: a reporter alone, a stack block with all
        the blocks under it."""
        if shape_of(self.blocks[block_id]) in ("reporter", "boolean") or self._in_input(block_id):
            return [block_id]
        return self.stack(block_id)

    def _in_input(self, block_id: str) -> bool:
        p = self.parent_of(block_id)
        if p is None or p not in self.blocks:
            return False
        if self.blocks[p].get("next") == block_id:
            return False
        for name, v in self.blocks[p].get("inputs", {}).items():
            if v and len(v) > 1 and v[1] == block_id:
                d = block_def(self.blocks[p].get("opcode", ""))
                return not (d is not None and name in d.substacks)
        return False

    def can_place(self, block_id: str | None, place: Place, opcode: str | None = None) -> bool:
        """Whether the stack picked up at `block_id` (or a new `opcode`) may go to `place`."""
        try:
            if block_id is not None:
                moving = self.moving_stack(block_id)
                shape = shape_of(self.blocks[block_id])
                if place.ref is not None and self.top_of(place.ref) == self.top_of(block_id) \
                        and self.inside(place.ref, moving):
                    return False
                self._check_place([self.blocks[b].get("opcode", "") for b in moving], shape,
                                  place)
            else:
                d = block_def(opcode or "")
                if d is None:
                    return False
                self._check_place([d.opcode], d.shape, place)
        except EditError:
            return False
        return True

    def inside(self, ref: str, moving: Collection[str]) -> bool:
        """`ref` is one of the moving blocks or sits inside one of them."""
        cur: str | None = ref
        seen = set(moving)
        for _ in range(len(self.blocks) + 1):
            if cur is None or cur not in self.blocks:
                return False
            if cur in seen:
                return True
            cur = self.blocks[cur].get("parent")
        return False

    def _check_place(self, opcodes: list[str], shape: str, place: Place) -> None:
        last = opcodes[-1]
        last_def = block_def(last)
        ends = last == "control_forever" or (last_def is not None and last_def.shape in ENDS_STACK)
        if place.kind == "top":
            return
        if place.ref not in self.blocks:
            raise EditError("studio.edit.no_place")
        ref = self.blocks[place.ref]
        if place.kind == "input":
            if shape not in ("reporter", "boolean"):
                raise EditError("studio.edit.not_here")
            d = block_def(ref.get("opcode", ""))
            slot = d.slot(place.name or "") if d else None
            if slot is None or slot.kind in ("substack", "menu", "variable", "list"):
                raise EditError("studio.edit.not_here")
            if slot.kind == "boolean" and shape != "boolean":
                raise EditError("studio.edit.needs_boolean")
            return
        if shape in ("reporter", "boolean"):
            raise EditError("studio.edit.not_here")
        if place.kind == "above":
            if shape_of(ref) == "hat" or ends or ref.get("parent") is not None:
                raise EditError("studio.edit.not_here")
            return
        if shape == "hat":
            raise EditError("studio.edit.hat_on_top")
        if place.kind == "next":
            if forever_like(ref) or shape_of(ref) in ENDS_STACK or shape_of(ref) in (
                    "reporter", "boolean"):
                raise EditError("studio.edit.not_here")
            if ends and ref.get("next"):
                raise EditError("studio.edit.ends_stack")
            return
        if place.kind == "substack":
            d = block_def(ref.get("opcode", ""))
            if d is None or place.name not in d.substacks:
                raise EditError("studio.edit.not_here")
            if ends and self.input_block(place.ref or "", place.name or ""):
                raise EditError("studio.edit.ends_stack")
            return
        raise EditError("studio.edit.not_here")

    def move(self, block_id: str, place: Place) -> None:
        """Pick up `block_id` (with what hangs under it) and put it at `place`."""
        if not self.can_place(block_id, place):
            raise EditError("studio.edit.not_here")
        self._begin()
        self._detach(block_id, place.x, place.y)
        self._attach(block_id, place)

    def _detach(self, block_id: str, x: float = 0, y: float = 0) -> None:
        b = self.blocks[block_id]
        p_id = b.get("parent")
        if p_id is not None and p_id in self.blocks:
            p = self.blocks[p_id]
            if p.get("next") == block_id:
                p["next"] = None
            else:
                for name, v in list(p.get("inputs", {}).items()):
                    if v and len(v) > 1 and v[1] == block_id:
                        if v[0] == INPUT_OBSCURED and len(v) > 2 and v[2] is not None:
                            p["inputs"][name] = [INPUT_SHADOW, v[2]]
                        else:
                            del p["inputs"][name]
        b["parent"] = None
        b["topLevel"] = True
        b["x"], b["y"] = round(x), round(y)

    def _attach(self, top: str, place: Place) -> None:
        b = self.blocks[top]
        if place.kind == "top":
            b.update(parent=None, topLevel=True, x=round(place.x), y=round(place.y))
            return
        ref_id = place.ref
        assert ref_id is not None
        ref = self.blocks[ref_id]
        if place.kind == "input":
            name = place.name or ""
            old = ref.setdefault("inputs", {}).get(name)
            kicked = None
            if old and old[0] == INPUT_OBSCURED:
                kicked = old[1]
                ref["inputs"][name] = [INPUT_OBSCURED, top, old[2] if len(old) > 2 else None]
            elif old and old[0] == INPUT_SHADOW:
                ref["inputs"][name] = [INPUT_OBSCURED, top, old[1]]
            else:
                kicked = old[1] if old and len(old) > 1 else None
                ref["inputs"][name] = [INPUT_BLOCK, top]
            self._hang(top, ref_id)
            if isinstance(kicked, str) and kicked in self.blocks and kicked != top:
                # the reporter that was there moves aside, as in Scratch: never lost
                k = self.blocks[kicked]
                k.update(parent=None, topLevel=True, x=round(place.x) + 40, y=round(place.y) + 40)
            return
        bottom = self.bottom(top)
        if place.kind == "next":
            below = ref.get("next")
            ref["next"] = top
            self._hang(top, ref_id)
            self._link(bottom, below)
        elif place.kind == "substack":
            name = place.name or "SUBSTACK"
            first = self.input_block(ref_id, name)
            ref.setdefault("inputs", {})[name] = [INPUT_BLOCK, top]
            self._hang(top, ref_id)
            self._link(bottom, first)
        elif place.kind == "above":
            x, y = ref.get("x", 0), ref.get("y", 0)
            self._link(bottom, ref_id)
            ref["topLevel"] = False
            ref.pop("x", None)
            ref.pop("y", None)
            b.update(parent=None, topLevel=True, x=x, y=y)

    def _hang(self, child: str, parent: str) -> None:
        c = self.blocks[child]
        c["parent"] = parent
        c["topLevel"] = False
        c.pop("x", None)
        c.pop("y", None)

    def _link(self, upper: str, lower: str | None) -> None:
        self.blocks[upper]["next"] = lower
        if lower is not None:
            self._hang(lower, upper)

    def drag_to(self, block_id: str, x: float, y: float) -> None:
        """Move a block (with what hangs under it) to a free spot as a script of its own."""
        self.move(block_id, Place("top", x=x, y=y))

    # -- deleting and putting back ------------------------------------------------------------
    def _subtree(self, ids: list[str]) -> list[str]:
        """These blocks and every block inside them (inputs, shadows, mouths)."""
        out: list[str] = []
        todo = list(ids)
        seen: set[str] = set()
        while todo:
            cur = todo.pop()
            if cur in seen or cur not in self.blocks:
                continue
            seen.add(cur)
            out.append(cur)
            b = self.blocks[cur]
            for v in b.get("inputs", {}).values():
                for ref in v[1:] if isinstance(v, list) else ():
                    if isinstance(ref, str):
                        todo.append(ref)
            if cur not in ids and b.get("next"):
                todo.append(b["next"])
        return out

    def delete(self, block_id: str) -> None:
        """Take the block (with what hangs under it) out of the program into the tray."""
        self._begin()
        moving = self.moving_stack(block_id)
        b = self.blocks[block_id]
        x, y = self._position(block_id)
        self._detach(block_id, x, y)
        ids = self._subtree(moving)
        self.tray.append({"top": block_id, "blocks": {i: self.blocks.pop(i) for i in ids}})
        b["x"], b["y"] = round(x), round(y)

    def _position(self, block_id: str) -> tuple[float, float]:
        top = self.blocks[self.top_of(block_id)]
        return float(top.get("x", 0) or 0), float(top.get("y", 0) or 0)

    def put_back(self, index: int = -1, place: Place | None = None) -> str:
        """Put a stack from the tray back (where it was, or at `place`)."""
        item = self.tray[index]
        top = item["top"]
        shape = shape_of(item["blocks"][top])
        if place is not None:
            opcodes = [item["blocks"][top].get("opcode", "")]
            self._check_place(opcodes, shape, place)
        self._begin()
        self.tray.pop(index)
        self.blocks.update(item["blocks"])
        b = self.blocks[top]
        self._attach(top, place or Place("top", x=b.get("x", 0), y=b.get("y", 0)))
        return top

    def empty_tray(self) -> None:
        """Forget the tray's stacks (the studio asks twice before calling this)."""
        if self.tray:
            self._begin()
            self.tray.clear()

    # -- values -------------------------------------------------------------------------------
    def set_value(self, block_id: str, name: str, value: str) -> None:
        """Type or choose a value in a slot; a number slot refuses what is not a number."""
        b = self.blocks[block_id]
        d = block_def(b.get("opcode", ""))
        if d is None:
            raise EditError("studio.edit.unknown_block", opcode=b.get("opcode"))
        slot = d.slot(name)
        value = check_value(slot, value)
        self._begin()
        if slot.is_field:
            field = b.setdefault("fields", {}).setdefault(name, [value, None])
            field[0] = value
            return
        v = b.setdefault("inputs", {}).get(name)
        if not v:
            b["inputs"][name] = [INPUT_SHADOW, [PRIMITIVE_CODES.get(slot.shadow or "text", 10),
                                                value]]
            return
        shadow = v[2] if v[0] == INPUT_OBSCURED and len(v) > 2 else v[1]
        if isinstance(shadow, list):
            shadow[1] = value
        elif isinstance(shadow, str) and shadow in self.blocks:
            fields = self.blocks[shadow].setdefault("fields", {})
            key = slot.shadow_field or next(iter(fields), "TEXT")
            fields.setdefault(key, [value, None])[0] = value


def check_value(slot: Slot, value: str) -> str:
    """`value` as the slot keeps it, or EditError saying what fits."""
    value = value.strip() if slot.kind == "number" else value
    if slot.kind == "number":
        if not _NUMBER.fullmatch(value):
            raise EditError("studio.input.number", low=slot.low, high=slot.high)
        n = float(value)
        if slot.whole and not n.is_integer():
            raise EditError("studio.input.whole")
        if (slot.low is not None and n < slot.low) or (slot.high is not None and n > slot.high):
            raise EditError("studio.input.range", low=slot.low, high=slot.high)
        if math.isfinite(n) and n.is_integer() and "e" not in value.lower():
            return str(int(n))
        return value
    if slot.kind in ("menu", "menu_input") and slot.menu and value not in slot.menu:
        raise EditError("studio.input.menu")
    if slot.kind == "colour" and not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise EditError("studio.input.colour")
    return value

