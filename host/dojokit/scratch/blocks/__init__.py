"""One description of every block: its shape, its slots (inputs and fields), its menus.

Scratch's core blocks live in one table per category (`events`, `control`, `operators`, ...,
as Scratch's own block files do); the robot blocks in `robot_blocks.BLOCKS`, adapted here.
The studio draws and edits from these tables, the box format checks a palette against them
and docs/blocks.md lists them. Labels are catalog texts `blocks.<opcode>` in nl, fr and en
with one `[NAME]` placeholder per slot, in reading order; in a C-block `[SUBSTACK]` (and
`[SUBSTACK2]`) marks where a mouth opens. Menu choices are stable ids, labelled
`blocks.menu.<id>` (shared with the robot blocks) unless the slot names its own key prefix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from dojokit.i18n import catalog

Shape = Literal["hat", "command", "cap", "c", "reporter", "boolean"]
SlotKind = Literal[
    "number",  # a number typed in (math_number and its kin)
    "text",  # text typed in
    "colour",  # a colour, chosen from the profile's named colours
    "menu",  # a choice from `menu`, kept as a field of the block itself
    "menu_input",  # a choice from `menu`, kept in a menu shadow block (a reporter may go there)
    "boolean",  # an empty hexagonal hole for a boolean reporter
    "substack",  # the mouth of a C-block
    "variable",  # a variable's name, chosen from the sprite's and the stage's variables
    "list",  # a list's name
    "broadcast",  # a message name
]


@dataclass(frozen=True)
class Slot:
    """One input or field of a block, named as in project.json."""

    name: str
    kind: SlotKind
    default: str = ""
    # for typed inputs: the shadow block Scratch writes and its field
    # ("math_number"/"NUM", "math_whole_number", "math_positive_number", "text"/"TEXT",
    # "colour_picker"/"COLOUR", a menu shadow such as "sensing_keyoptions"/"KEY_OPTION")
    shadow: str | None = None
    shadow_field: str | None = None
    menu: tuple[str, ...] = ()
    menu_prefix: str = "blocks.menu."  # catalog key prefix of the menu choices' labels
    whole: bool = False  # a number slot takes whole numbers only (a count, an index)
    low: float | None = None  # a number slot's smallest sensible value (validation)
    high: float | None = None

    @property
    def is_field(self) -> bool:
        """Kept in the block's `fields` (not `inputs`)."""
        # a message name without a menu shadow (when I receive ...) is a field as well
        return self.kind in ("menu", "variable", "list") or (
            self.kind == "broadcast" and self.shadow is None)

    @property
    def is_input(self) -> bool:
        return not self.is_field


@dataclass(frozen=True)
class BlockDef:
    opcode: str
    shape: Shape
    category: str
    slots: tuple[Slot, ...] = ()
    # a block the studio may show but a learner never drags from a palette (a menu shadow,
    # a prototype): drawn as part of its parent
    part_of_parent: bool = False

    def slot(self, name: str) -> Slot:
        for s in self.slots:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def substacks(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.slots if s.kind == "substack")


# -- typed slots, as Scratch writes them ---------------------------------------------------
def number(name: str, default: float | str = 0, *, whole: bool = False, low: float | None = None,
           high: float | None = None, shadow: str = "math_number") -> Slot:
    return Slot(name, "number", str(default), shadow, "NUM", whole=whole, low=low, high=high)


def whole(name: str, default: int = 10, low: float | None = None) -> Slot:
    return number(name, default, whole=True, low=low, shadow="math_whole_number")


def positive(name: str, default: float = 1) -> Slot:
    return number(name, default, low=0, shadow="math_positive_number")


def angle(name: str, default: float = 90) -> Slot:
    return number(name, default, shadow="math_angle")


def text(name: str, default: str = "") -> Slot:
    return Slot(name, "text", default, "text", "TEXT")


def colour(name: str, default: str = "#0050ff") -> Slot:
    return Slot(name, "colour", default, "colour_picker", "COLOUR")


def boolean(name: str) -> Slot:
    return Slot(name, "boolean")


def substack(name: str = "SUBSTACK") -> Slot:
    return Slot(name, "substack")


def menu(name: str, choices: tuple[str, ...], default: str | None = None,
         prefix: str = "blocks.menu.") -> Slot:
    return Slot(name, "menu", default if default is not None else choices[0], menu=choices,
                menu_prefix=prefix)


def menu_input(name: str, shadow: str, field: str, choices: tuple[str, ...],
               default: str | None = None, prefix: str = "blocks.menu.") -> Slot:
    return Slot(name, "menu_input", default if default is not None else choices[0], shadow,
                field, choices, prefix)


def table(*defs: BlockDef) -> dict[str, BlockDef]:
    return {d.opcode: d for d in defs}


# -- the robot blocks, read from their own table ---------------------------------------------
_ROBOT_SHAPES: dict[str, Shape] = {"command": "command", "hat": "hat", "reporter": "reporter",
                                    "boolean": "boolean"}


def _robot_defs() -> dict[str, BlockDef]:
    from dojokit.scratch.robot_blocks import BLOCKS, SHADOWS

    out: dict[str, BlockDef] = {}
    for b in BLOCKS.values():
        slots = []
        for a in b.args:
            default = a.default if isinstance(a.default, str) else f"{a.default:g}"
            if a.kind == "menu":
                slots.append(menu(a.name, a.menu, str(a.default)))
            else:
                shadow = SHADOWS[a.kind][1]
                field = {"number": "NUM", "text": "TEXT", "colour": "COLOUR"}[a.kind]
                slots.append(Slot(a.name, a.kind, default, shadow, field))
        out[b.opcode] = BlockDef(b.opcode, _ROBOT_SHAPES[b.kind], b.category,
                                 tuple(slots))
    return out


@cache
def all_blocks() -> dict[str, BlockDef]:
    """Every block the studio knows, core first (in Scratch's category order), then robot."""
    from dojokit.scratch.blocks import (
        control,
        events,
        looks,
        motion,
        operators,
        pen,
        sensing,
        sound,
        variables,
    )

    merged: dict[str, BlockDef] = {}
    for part in (motion.BLOCKS, looks.BLOCKS, sound.BLOCKS, events.BLOCKS, control.BLOCKS,
                 sensing.BLOCKS, operators.BLOCKS, variables.BLOCKS, pen.BLOCKS,
                 _robot_defs()):
        merged.update(part)
    return merged


def block_def(opcode: str) -> BlockDef | None:
    """The block's description, or None for a block the studio does not know (drawn plainly,
    kept unchanged)."""
    return all_blocks().get(opcode)


# -- labels -----------------------------------------------------------------------------------
_PLACEHOLDER = re.compile(r"\[([A-Z][A-Z0-9_]*)\]")


def _text(key: str, lang: str) -> str | None:
    return catalog(lang).get(key) or catalog("en").get(key)


def label(opcode: str, lang: str) -> str:
    """The block's words in `lang` with `[NAME]` placeholders; an unknown block's opcode."""
    return _text(f"blocks.{opcode}", lang) or opcode


def label_parts(opcode: str, lang: str) -> list[str | Slot]:
    """The label split into words and slots, in reading order (for drawing)."""
    d = block_def(opcode)
    slots = {s.name: s for s in d.slots} if d else {}
    parts = _PLACEHOLDER.split(label(opcode, lang))
    out: list[str | Slot] = []
    for i, p in enumerate(parts):
        if i % 2:
            if p in slots:
                out.append(slots[p])
        elif p.strip():
            out.append(p.strip())
    return out


def menu_label(slot: Slot, value: str, lang: str) -> str:
    """A menu choice's words; a value the menu does not know (a hand-edited file) as itself."""
    return _text(slot.menu_prefix + value, lang) or value


def category_label(category: str, lang: str) -> str:
    return _text(f"blocks.category.{category}", lang) or category
