"""How a check's failure is said to the learner: in the card's units and number style, with
the wording that fits this program and this card.

The grader's checks keep plain numbers (mm, seconds, counts) and ids; this module turns them
into words. Everything that varies is data:

- `UNITS`, `LARGER`: which field is said in which unit (distances in whole cm, or metres
  from 2 m, as the cards write them; seconds and notes with the right singular or plural:
  catalog `themebox.unit.<unit>.one` / `.other`);
- `VARIANTS`: a failure said another way when its plain text would not fit
  (`themebox.feedback_variant.<check>.<failure>.<variant>`): a colour that is "off", a
  block the text would suggest only when the card's palette offers it and the program
  needs it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

from dojokit.i18n import language, text
from dojokit.themebox.format import BLOCK_KINDS, colour_label

# measured field -> (unit, factor from the field's unit, decimals said); "want" is said in
# the unit of the measured field beside it (format.FEEDBACK_FIELDS)
UNITS: dict[str, tuple[str, float, int]] = {
    "mm": ("cm", 0.1, 0),
    "seconds": ("seconds", 1.0, 1),
    "count": ("notes", 1.0, 0),
    "degrees": ("degrees", 1.0, 0),
}
# from this many of the field's unit on, the card says the larger unit ("3 metres")
LARGER: dict[str, tuple[float, tuple[str, float, int]]] = {
    "mm": (2000, ("metres", 0.001, 1)),
}

# measures said in whole units for one failure: a run stopped at its time limit ran "40
# seconds", as the teacher set it, not the 40.2 the clock read
WHOLE: dict[str, dict[str, int]] = {"ends_by_itself.still_running": {"seconds": 0}}

# languages whose singular covers every number below 2 ("1.5 seconde"); others: only 1
SINGULAR_BELOW_TWO = frozenset({"fr"})

# Conditions, all of which must hold:
#   "off": <field>        that field is the colour "off"
#   "unknown": <field>    that field holds no number (nothing was measured)
#   "zero": <field>       that field is 0 ("did not drive", not "drove 0 cm")
#   "program": [kinds]    the program holds a block of one of these kinds (or opcodes)
#   "palette": [kinds]    the card's palette offers one of these kinds (or opcodes)
# The first variant whose conditions hold is said; none: the plain text.
Condition = Mapping[str, Any]
VARIANTS: dict[str, tuple[tuple[str, Condition], ...]] = {
    "light_shown.never": (("off", {"off": "colour"}),),
    "light_shown.too_short": (("off", {"off": "colour"}),),
    "light_sequence.first": (("off", {"off": "colour"}),),
    "light_sequence.next": (("off", {"off": "colour"}), ("after_off", {"off": "previous"})),
    "light_sequence.too_short": (("off", {"off": "colour"}),),
    "stops_before_wall.too_far": (("no_wall", {"unknown": "mm"}),),
    "moves_at_least.too_little": (("none", {"zero": "mm"}),),
    "stops_before_wall.still_driving": (("stop", {"palette": ["dojokit_stop"]}),),
    "ends_by_itself.still_running": (
        ("forever_repeat", {"program": ["forever"], "palette": ["repeat"]}),
        ("forever_repeat_until", {"program": ["forever"], "palette": ["repeat_until"]}),
        ("forever", {"program": ["forever"]}),
        ("waiting", {"program": ["wait_until", "repeat_until"]}),
    ),
}

VARIANT_PREFIX = "themebox.feedback_variant."

# conditions that need the program and its card: decided when judging and kept in the
# failure's fields ("variant"), so a kept attempt is said again the same way
CONTEXT = frozenset({"program", "palette"})


def _opcodes(names: Collection[str]) -> set[str]:
    return {o for n in names for o in BLOCK_KINDS.get(n, (n,))}


def _holds(cond: Condition, fields: Mapping[str, Any], palette: Collection[str] | None,
           used: Collection[str] | None) -> bool:
    tests = {
        "off": lambda f: fields.get(f) == "off",
        "unknown": lambda f: not isinstance(fields.get(f), int | float),
        "zero": lambda f: fields.get(f) == 0,
        "program": lambda kinds: used is not None and bool(_opcodes(kinds) & set(used)),
        "palette": lambda kinds: palette is not None and bool(_opcodes(kinds) & set(palette)),
    }
    return all(tests[k](v) for k, v in cond.items())


def variant(failure: str, fields: Mapping[str, Any], palette: Collection[str] | None = None,
            used: Collection[str] | None = None) -> str | None:
    """The variant of `failure` ("<check>.<failure>") that fits, or None for the plain
    text. Without `palette` and `used`, only the conditions on the fields are read."""
    for name, cond in VARIANTS.get(failure, ()):
        if _holds(cond, fields, palette, used):
            return name
    return None


def context(failure: str, fields: Mapping[str, Any], palette: Collection[str],
            used: Collection[str]) -> dict[str, Any]:
    """What to keep with a failure when judging, besides the check's own fields: the
    variant, when it needed the program or the palette ("variant"; the others are read
    again from the fields when said), and for a block kind the card's blocks of that kind
    ("offered"), so the feedback names only blocks the learner can take."""
    out: dict[str, Any] = {}
    for name, cond in VARIANTS.get(failure, ()):
        if _holds(cond, fields, palette, used):
            if CONTEXT & set(cond):
                out["variant"] = name
            break
    kinds = BLOCK_KINDS.get(str(fields.get("block")), ())
    if kinds:
        out["offered"] = [o for o in palette if o in kinds]
    return out


def feedback_key(key: str, fields: Mapping[str, Any], lang: str | None) -> str:
    """The catalog key to say: the kept variant, else one read from the fields, else `key`."""
    failure = key.removeprefix("themebox.feedback.")
    name = fields.get("variant") or variant(failure, fields)
    if name and _known(f"{VARIANT_PREFIX}{failure}.{name}", lang):
        return f"{VARIANT_PREFIX}{failure}.{name}"
    return key


def _known(key: str, lang: str | None) -> bool:
    try:
        text(key, lang)
    except KeyError:
        return False
    return True


def number(value: float) -> str:
    """A number as typed into a block: a dot for decimals, no trailing .0 ("2", "0.5")."""
    out = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if out == "-0" else out


def quantity(value: float, unit: str, lang: str | None, decimals: int = 1) -> str:
    """`value` in `unit` as the card says it: "1 second", "2 seconds", "30 cm"."""
    shown = round(value, decimals)
    lang = lang or language()
    one = abs(shown) < 2 if lang in SINGULAR_BELOW_TWO else shown == 1
    return text(f"themebox.unit.{unit}.{'one' if one else 'other'}", lang).format(
        n=number(shown))


def _unit(field: str, value: float) -> tuple[str, float, int]:
    at, larger = LARGER.get(field, (math.inf, UNITS[field]))
    return larger if abs(value) >= at else UNITS[field]


def _say(field: str, value: float, lang: str | None, more: int = 0, failure: str = "") -> str:
    unit, factor, decimals = _unit(field, value)
    decimals = WHOLE.get(failure, {}).get(field, decimals)
    return quantity(value * factor, unit, lang, decimals + more)


def measures(fields: Mapping[str, Any], lang: str | None, failure: str = ""
             ) -> dict[str, str]:
    """The measured fields and "want" said in the card's units. A measure that would read
    the same as what the card asks is said with one more decimal, or "just under/over"."""
    out: dict[str, str] = {}
    units = [f for f in UNITS if f in fields]  # "want" is said in the first one's unit
    for f in units:
        if isinstance(fields[f], int | float):
            out[f] = _say(f, fields[f], lang, failure=failure)
    want = fields.get("want")
    if not isinstance(want, int | float):
        return out
    if not units:
        out["want"] = number(want)
        return out
    f = units[0]
    out["want"] = _say(f, want, lang, more=1)
    got = fields[f] if isinstance(fields[f], int | float) else None
    if got is not None and out[f] == out["want"] and got != want:
        out[f] = _say(f, got, lang, more=1)
        if out[f] == out["want"]:
            side = "just_under" if got < want else "just_over"
            out[f] = text(f"themebox.unit.{side}", lang).format(value=out["want"])
    return out


def colour_the(colour: Any, lang: str | None) -> str:
    """A colour named as the thing before another ("after green", « après le vert »)."""
    if isinstance(colour, str):
        return text(f"themebox.colour_the.{colour}", lang)
    return colour_label(colour, lang)


def program_opcodes(program: Mapping[str, Any]) -> set[str]:
    """Every opcode the program holds (what "program" conditions read)."""
    return {str(b.get("opcode")) for t in program.get("targets", ())
            for b in t.get("blocks", {}).values() if isinstance(b, dict)}


def block_kind(kind: str, offered: Collection[str] | None, lang: str | None) -> str:
    """A block kind as the feedback names it: the card's own blocks of that kind when it
    was judged with its card ("offered"), else the kind's general name."""
    if not offered:
        return text(f"themebox.block.{kind}", lang)
    from dojokit.themebox.grade import block_name  # the block's words, as Scratch shows it

    names = [text("palette.quoted", lang).format(name=block_name(o, lang)) for o in offered]
    if len(names) == 1:
        return names[0]
    return text("themebox.block.or", lang).format(first=", ".join(names[:-1]), last=names[-1])
