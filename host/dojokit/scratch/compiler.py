"""Compiles Scratch scripts to Python generator functions, keeping scratch-vm's yield points.

Each top-level script becomes `def script(rt, T, th)`, each custom block a
`def proc(rt, T, th, stk, *params)`, both generators that `yield` their thread status where
scratch-vm's thread would stop for the frame: at the end of every loop iteration, in waits,
on a recursive custom-block call, while a robot command runs. Inside "run without screen
refresh" (warp) blocks the loop yields turn into a check of scratch-vm's 500 ms warp limit;
each custom block is compiled once per mode, on first use.

The code is data-driven: STATEMENTS and REPORTERS map an opcode to a small function that
returns Python source. Values are Scratch values (float, str, bool); every expression also
carries a kind ("N" number, never NaN; "n" number, maybe NaN; "s" text; "b" boolean;
"a" anything) so casts are only written where the value may need one, and the common case
(a number) is tested inline before any function is called.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from dojokit.i18n import t
from dojokit.scratch import cast as C
from dojokit.scratch import operators as O
from dojokit.scratch import pen as PEN
from dojokit.scratch import prims as P
from dojokit.scratch import robot_blocks as R
from dojokit.scratch.model import StopThread, Var
from dojokit.scratch.sb3 import ProjectError

if TYPE_CHECKING:
    from dojokit.scratch.model import Sprite
    from dojokit.scratch.runtime import Runtime, Script

Expr = tuple[str, str]  # (python source, kind)

HATS = {
    "event_whenflagclicked", "event_whenkeypressed", "event_whenthisspriteclicked",
    "event_whentouchingobject", "event_whenstageclicked", "event_whenbackdropswitchesto",
    "event_whengreaterthan", "event_whenbroadcastreceived", "control_start_as_clone",
}
# blocks that only hold a menu value for their parent (a shadow with one field)
MENUS = {
    "motion_goto_menu": "TO", "motion_glideto_menu": "TO", "motion_pointtowards_menu":
    "TOWARDS", "looks_costume": "COSTUME", "looks_backdrops": "BACKDROP",
    "sound_sounds_menu": "SOUND_MENU", "control_create_clone_of_menu": "CLONE_OPTION",
    "sensing_touchingobjectmenu": "TOUCHINGOBJECTMENU", "sensing_distancetomenu":
    "DISTANCETOMENU", "sensing_keyoptions": "KEY_OPTION", "sensing_of_object_menu": "OBJECT",
    "event_broadcast_menu": "BROADCAST_OPTION", "math_number": "NUM",
    "math_positive_number": "NUM", "math_whole_number": "NUM", "math_integer": "NUM",
    "math_angle": "NUM", "text": "TEXT", "colour_picker": "COLOUR",
    "event_touchingobjectmenu": "TOUCHINGOBJECTMENU", "note": "NOTE",
    "pen_menu_colorParam": "colorParam",
}
# in "run without screen refresh" blocks a yield happens only once the step has run for
# scratch-vm's WARP_TIME (the runtime sets th.warp_start when it steps the thread); the
# clock is read every 32nd time round, which costs far less than reading it every time
WARP_YIELD = ("if (_w := _w - 1) < 0 and (_w := 32) and _clk() - th.warp_start > 500.0: "
              "yield 0")
# A yield while only waiting (for time, a condition or other threads): for scratch-vm the
# same as `yield 0` (still running); on virtual time, where no time passes within a frame,
# a pass in which every thread only waited changes nothing, so the frame can end there.
IDLE_YIELD = "yield 2"
# statements that do nothing by themselves but steer (their inner statements count)
PURE_CONTROL = {"control_if", "control_if_else", "control_forever", "control_repeat_until",
                "control_while", "control_wait_until"}
NUMERIC_SHADOWS = {"math_number", "math_positive_number", "math_whole_number",
                   "math_integer", "math_angle"}
# Python allows 20 nested loops in one function and its compiler and ours recurse on nesting:
# a stack inside this many C-blocks (counted from where its function starts) becomes a
# function of its own, run with `yield from`, and a reporter this deep inside another a plain
# function, so any depth compiles with little recursion. Normal programs never get this deep.
SPLIT_STATEMENTS = 10
SPLIT_REPORTERS = 16


class CompileError(ProjectError):
    """A loaded project the compiler could not turn into Python (a bug or a limit of ours)."""


# In a call to a split-off part: its arguments, written in at the end, once every variable
# the script uses is known. repr() escapes NUL, so no Scratch text can hold it in the source.
ARGS = "\x00"


def _lit(v: Any) -> Expr:
    if isinstance(v, bool):
        return repr(v), "b"
    if isinstance(v, int | float):
        f = float(v)
        if f != f:
            return "float('nan')", "n"
        return (repr(f) if math.isfinite(f) else f"float({str(f)!r})"), "N"
    return repr(v), "s"


_PURE = re.compile(r"_v\d+\.value|_a\d+")  # a variable or argument read: no side effects


def _is_literal(code: str) -> bool:
    return code.startswith(("'", '"'))


class Gen:
    """Source for one function: a script or one mode of a custom block."""

    def __init__(self, comp: Compiler, sprite: Sprite, warp: bool,
                 params: dict[str, str] | None, proccode: str | None) -> None:
        self.comp = comp
        self.sprite = sprite
        self.blocks = sprite.blocks
        self.warp = warp
        self.params = params  # argument name -> local name (None: not in a custom block)
        self.proccode = proccode
        self.lines: list[str] = []
        self.binds: dict[tuple[str, str, bool], str] = {}
        self.ntmp = 0
        self.depth = 0  # C-blocks around the current statement (for recursion checks)
        self.base = 0  # C-blocks around the function being written
        self.rdepth = 0  # reporters around the current one
        # split-off parts still to write: (name, block id, C-block depth or None for a
        # reporter), and the written ones: (name, lines, is a reporter)
        self.pending: list[tuple[str, str, int | None]] = []
        self.parts: list[tuple[str, list[str], bool]] = []
        self.nparts = 0

    # -- helpers ---------------------------------------------------------------------------
    def tmp(self) -> str:
        self.ntmp += 1
        return f"_t{self.ntmp}"

    def var(self, vid: str | None, name: str, is_list: bool) -> str:
        if vid is None:
            # a field saved with a null id: scratch-vm looks it up by name every time
            # (lookupOrCreateVariable(null, name); JS makes the id the key "null")
            return f"T.lookup('null', {name!r}, {is_list})"
        key = (vid, name, is_list)
        if key not in self.binds:
            self.binds[key] = f"_v{len(self.binds)}"
        return self.binds[key]

    def out(self, ind: int, line: str) -> None:
        self.lines.append("    " * ind + line)

    def part_name(self, prefix: str) -> str:
        self.nparts += 1
        return f"{prefix}{self.nparts}"

    def finish(self) -> None:
        """Write the split-off parts, one at a time (a loop, not recursion)."""
        main = self.lines
        while self.pending:
            name, bid, depth = self.pending.pop()
            self.lines = []
            if depth is None:
                self.rdepth = 0
                b = self.blocks[bid]
                assert isinstance(b, dict)
                self.out(1, f"return {self.reporter(bid, b)[0]}")
            else:
                self.depth = self.base = depth
                self.stack(bid, 1)
            self.parts.append((name, self.lines, depth is None))
        self.lines = main

    def loop_yield(self, ind: int) -> None:
        self.out(ind, WARP_YIELD if self.warp else "yield 0")

    def open_loop_yield(self, ind: int) -> None:
        """The end of a forever / repeat until / while turn. On virtual time a turn that
        did nothing but test conditions only waits (for other threads or the next frame),
        as a `wait until` does."""
        if self.warp or not self.comp.rt.virtual:
            self.loop_yield(ind)
            return
        self.out(ind, "yield 0 if _P else 2")
        self.out(ind, "_P = 0")

    # -- inputs ------------------------------------------------------------------------------
    def field(self, block: dict[str, Any], name: str) -> Any:
        f = block.get("fields", {}).get(name)
        return f[0] if f else None

    def field_id(self, block: dict[str, Any], name: str) -> Any:
        f = block.get("fields", {}).get(name)
        return f[1] if f and len(f) > 1 else None

    def input(self, block: dict[str, Any], name: str) -> Expr:
        """The value of an input, as scratch-vm evaluates it; a missing input is JS
        `undefined` (None here)."""
        inp = block.get("inputs", {}).get(name)
        if not inp or len(inp) < 2 or inp[1] is None:
            return "None", "a"
        v = inp[1]
        if isinstance(v, list):
            return self.primitive(v)
        b = self.blocks.get(v)
        if b is None:
            return "None", "a"
        if isinstance(b, list):
            return self.primitive(b)
        if self.rdepth >= SPLIT_REPORTERS and b.get("opcode") not in MENUS:
            # evaluated at the same point, so the order of side effects stays; its kind is
            # not known yet, "a" is right for any value
            name = self.part_name("_e")
            self.pending.append((name, v, None))
            return f"{name}({ARGS})", "a"
        self.rdepth += 1
        try:
            return self.reporter(v, b)
        finally:
            self.rdepth -= 1

    def primitive(self, p: list[Any]) -> Expr:
        kind = p[0]
        if kind in (4, 5, 6, 7, 8, 9, 10):
            v = p[1]
            return _lit(float(v) if isinstance(v, int | float) and not isinstance(v, bool)
                        else v)
        if kind == 11:
            return _lit(p[1])
        if kind == 12:
            return f"{self.var(p[2], p[1], False)}.value", "a"
        if kind == 13:
            return f"O.list_contents({self.var(p[2], p[1], True)}.value)", "s"
        return "None", "a"

    def menu(self, block: dict[str, Any], name: str) -> Expr:
        """A menu input: the shadow's field value, or whatever a reporter put over it."""
        inp = block.get("inputs", {}).get(name)
        if inp and isinstance(inp[1], str):
            b = self.blocks.get(inp[1])
            if isinstance(b, dict) and b.get("opcode") in MENUS and b.get("shadow"):
                return _lit(self.field(b, MENUS[b["opcode"]]))
        return self.input(block, name)

    def num(self, e: Expr) -> str:
        """Source for Cast.toNumber of an expression: NaN becomes 0, text is parsed."""
        code, kind = e
        if kind == "N":
            return code
        if kind == "s" and _is_literal(code):  # a literal: cast it now
            return _lit(C.to_number(eval(code)))[0]
        t = self.tmp()
        if kind == "n":
            return f"({t} if ({t} := {code}) == {t} else 0.0)"
        return f"({t} if type({t} := {code}) is float and {t} == {t} else num({t}))"

    def compare(self, a: Expr, b: Expr, op: str) -> Expr:
        """Cast.compare(a, b) <op> 0, with the usual cases inline: two numbers, or a value
        against a literal that is a plain number (not blank, not NaN), which compares
        exactly as that number does; numeric text compares by its (cached) number."""
        ca, cb = self.const_number(a), self.const_number(b)
        if cb is not None and ca is None:
            return self._compare_const(a, cb, b[0], op, False), "b"
        if ca is not None and cb is None:
            return self._compare_const(b, ca, a[0], op, True), "b"
        ta, tb = self.tmp(), self.tmp()
        return (f"(({ta} {op} {tb}) if ({self._is_num(ta, a)}) & ({self._is_num(tb, b)}) "
                f"and {ta} == {ta} and {tb} == {tb} else cmp({ta}, {tb}) {op} 0)"), "b"

    def _is_num(self, t: str, e: Expr) -> str:
        # evaluates e into t; true when t is a float (it may still be NaN)
        return f"({t} := {e[0]}) is not None" if e[1] in "nN" else f"type({t} := {e[0]}) is float"

    def _compare_const(self, e: Expr, const: str, lit: str, op: str, flipped: bool) -> str:
        t, v = self.tmp(), self.tmp()
        left, right = (const, t) if flipped else (t, const)
        vleft, vright = (const, v) if flipped else (v, const)
        slow = f"cmp({lit}, {t})" if flipped else f"cmp({t}, {lit})"
        if e[1] == "N":
            return f"({e[0]} {op} {const})" if not flipped else f"({const} {op} {e[0]})"
        if e[1] == "n":
            return f"(({left} {op} {right}) if ({t} := {e[0]}) == {t} else {slow} {op} 0)"
        return (f"(({left} {op} {right}) if type({t} := {e[0]}) is float and {t} == {t} "
                f"else ({vleft} {op} {vright}) if type({t}) is str and ({v} := _CV({t})) == {v}"
                f" else {slow} {op} 0)")

    def join(self, a: str, b: str) -> Expr:
        # two halves of an emoji joined make the emoji again (JS strings are UTF-16)
        t = self.tmp()
        return f"({t} if ({t} := {a} + {b}).isascii() else _FS({t}))", "s"

    def mod(self, n: str, m: str) -> Expr:
        """operator_mod on two numbers: JS % (fmod), then moved to the divisor's sign;
        NaN for a zero divisor or an infinite dividend, as in JS."""
        tn, tm, tr = self.tmp(), self.tmp(), self.tmp()
        return (f"(_NAN if ({tm} := {m}) == 0.0 or ({tn} := {n}) - {tn} != 0.0 else "
                f"({tr} + {tm} if ({tr} := _fmod({tn}, {tm})) / {tm} < 0 else {tr}))"), "n"

    def const_number(self, e: Expr) -> str | None:
        code, kind = e
        if kind == "N":
            return code
        if kind == "s" and _is_literal(code):
            s = eval(code)
            n = C.js_number(s)
            if n == n and not C.is_whitespace(s) and math.isfinite(n):
                return repr(n)
        return None

    def str_(self, e: Expr) -> str:
        code, kind = e
        if kind == "s":
            return code
        return f"tstr({code})"

    def bool_(self, e: Expr) -> str:
        code, kind = e
        if kind == "b":
            return code
        return f"tbool({code})"

    def reporter(self, bid: str, b: dict[str, Any]) -> Expr:
        op = b["opcode"]
        fn = REPORTERS.get(op)
        if fn is not None:
            return fn(self, b)
        if op in MENUS:
            return _lit(self.field(b, MENUS[op]))
        if op in R.BLOCKS:
            return self.robot_reporter(b)
        if op in HATS or op in STATEMENTS:
            return "None", "a"
        # a block scratch-vm does not know (issue 13): one with one field and no inputs
        # counts as a shadow there and reports its field; any other reports undefined
        fields = b.get("fields") or {}
        value = next(iter(fields.values()))[0] if fields else None
        if len(fields) == 1 and not b.get("inputs") and value is not None:
            return _lit(value)
        return "_UNDEF", "a"

    # -- statements ----------------------------------------------------------------------------
    def stack(self, bid: str | None, ind: int) -> None:
        start = len(self.lines)
        while bid:
            b = self.blocks.get(bid)
            if not isinstance(b, dict):
                break
            op = b["opcode"]
            fn = STATEMENTS.get(op)
            if self.comp.rt.virtual and op not in PURE_CONTROL:
                self.out(ind, "_P = 1")  # this turn did something (see IDLE_YIELD)
            if fn is not None:
                fn(self, b, ind)
            elif op in R.BLOCKS:
                self.robot_command(b, ind)
            elif op in REPORTERS or op in MENUS:
                self.out(ind, f"{self.reporter(bid, b)[0]}")  # a reporter run as a statement
            bid = b.get("next")
        if len(self.lines) == start:
            self.out(ind, "pass")

    def substack(self, b: dict[str, Any], name: str, ind: int) -> None:
        inp = b.get("inputs", {}).get(name)
        bid = inp[1] if inp and isinstance(inp[1], str) else None
        self.depth += 1
        if bid and self.depth - self.base >= SPLIT_STATEMENTS:
            # `return` ("stop this script") in the part returns None: return here too;
            # otherwise it hands back the warp counter and the did-something flag
            name = self.part_name("_s")
            self.pending.append((name, bid, self.depth))
            self.out(ind, f"if (_r := (yield from {name}({ARGS}, _w, _P))) is None: return")
            self.out(ind, "_w, _P = _r")
        else:
            self.stack(bid, ind)
        self.depth -= 1

    # -- robot blocks ----------------------------------------------------------------------
    def robot_args(self, b: dict[str, Any]) -> str:
        spec = R.BLOCKS[b["opcode"]]
        parts = []
        for a in spec.args:
            if a.kind == "menu":
                v = self.field(b, a.name)
                parts.append(f"{a.name!r}: {_lit(v if v is not None else a.default)[0]}")
            else:
                parts.append(f"{a.name!r}: {self.input(b, a.name)[0]}")
        return "{" + ", ".join(parts) + "}"

    def robot_command(self, b: dict[str, Any], ind: int) -> None:
        self.out(ind, f"rt.wait_for(th, rt.robot.command({b['opcode']!r}, "
                      f"{self.robot_args(b)}))")
        self.out(ind, "yield 1")

    def robot_reporter(self, b: dict[str, Any]) -> Expr:
        spec = R.BLOCKS[b["opcode"]]
        kind = {"boolean": "b"}.get(spec.kind, "a")
        return f"rt.robot.report({b['opcode']!r}, {self.robot_args(b)})", kind

    # -- custom blocks ---------------------------------------------------------------------
    def call(self, b: dict[str, Any], ind: int) -> None:
        m = b.get("mutation", {})
        code = m.get("proccode", "")
        proc = self.comp.prototype(self.sprite, code)
        if proc is None:
            return  # no definition: the call does nothing
        ids, _names, defaults, warp = proc
        args = []
        inputs = b.get("inputs", {})
        for pid, default in zip(ids, defaults, strict=True):
            if pid in inputs and inputs[pid][1] is not None:
                args.append(self.input(b, pid)[0])
            else:
                args.append(_lit(default)[0])
        d = self.depth
        if self.warp or warp:
            stk = "()"  # no recursion check in warp mode, for this call or below it
        elif self.proccode is None:
            stk = repr((code,) + (None,) * min(d, 5))
        else:
            stk = f"({code!r},) + ({(None,) * d!r} + stk)[:5]"
        mode = self.warp or warp
        key = repr((code, mode))
        if self.warp:
            self.out(ind, WARP_YIELD)
        elif warp:
            self.out(ind, "th.warp_start = _clk()  # warp starts here: its own 500 ms")
        elif self.proccode is not None and d < 6:
            self.out(ind, f"if {code!r} in stk[:{6 - d}]: yield 0")  # a recursive call yields
        self.out(ind, f"yield from PROCS[{key}](rt, T, th, {stk}{''.join(', ' + a for a in args)})")


def _s_if(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"if {g.bool_(g.input(b, 'CONDITION'))}:")
    g.substack(b, "SUBSTACK", ind + 1)
    if b["opcode"] == "control_if_else":
        g.out(ind, "else:")
        g.substack(b, "SUBSTACK2", ind + 1)


def _s_repeat(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"for _ in range(O.repeat_times({g.input(b, 'TIMES')[0]})):")
    g.substack(b, "SUBSTACK", ind + 1)
    g.loop_yield(ind + 1)


def _s_forever(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, "while True:")
    g.substack(b, "SUBSTACK", ind + 1)
    g.open_loop_yield(ind + 1)


def _s_until(g: Gen, b: dict[str, Any], ind: int) -> None:
    cond = g.bool_(g.input(b, "CONDITION"))
    g.out(ind, f"while not {cond}:" if b["opcode"] == "control_repeat_until"
          else f"while {cond}:")
    g.substack(b, "SUBSTACK", ind + 1)
    g.open_loop_yield(ind + 1)


def _s_for_each(g: Gen, b: dict[str, Any], ind: int) -> None:
    v = g.var(g.field_id(b, "VARIABLE"), g.field(b, "VARIABLE"), False)
    i = g.tmp()
    g.out(ind, f"{i} = 0")
    g.out(ind, f"while {i} < O.js_number({g.input(b, 'VALUE')[0]}):")
    g.out(ind + 1, f"{i} += 1")
    g.out(ind + 1, f"{v}.value = float({i})")
    g.substack(b, "SUBSTACK", ind + 1)
    g.loop_yield(ind + 1)


def _s_wait(g: Gen, b: dict[str, Any], ind: int) -> None:
    end = g.tmp()
    g.out(ind, f"{end} = rt.clock() + max(0.0, 1000 * {g.num(g.input(b, 'DURATION'))})")
    g.out(ind, "rt.redraw = True")
    if g.warp:
        g.out(ind, WARP_YIELD)
        g.out(ind, f"while rt.clock() < {end}:")
        g.out(ind + 1, WARP_YIELD)
    else:
        g.out(ind, "yield 0")
        g.out(ind, f"while rt.clock() < {end}:")
        g.out(ind + 1, IDLE_YIELD)


def _s_wait_until(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"while not {g.bool_(g.input(b, 'CONDITION'))}:")
    g.out(ind + 1, WARP_YIELD if g.warp else IDLE_YIELD)


def _s_stop(g: Gen, b: dict[str, Any], ind: int) -> None:
    option = g.field(b, "STOP_OPTION")
    if option == "all":
        g.out(ind, "rt.stop_all()")
        g.out(ind, "raise StopThread")
    elif option in ("other scripts in sprite", "other scripts in stage"):
        g.out(ind, "rt.stop_for_target(T, th)")
    elif option == "this script":
        g.out(ind, "return")


def _s_clone(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"rt.create_clone(T, {g.str_(g.menu(b, 'CLONE_OPTION'))})")


def _s_delete_clone(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, "if not T.is_original:")
    g.out(ind + 1, "rt.delete_clone(T)")
    g.out(ind + 1, "raise StopThread")


def _broadcast_threads(g: Gen, b: dict[str, Any]) -> str:
    inp = b.get("inputs", {}).get("BROADCAST_INPUT")
    if inp and isinstance(inp[1], list) and inp[1][0] == 11:
        return f"rt.broadcast_id({inp[1][2]!r})"
    if inp and isinstance(inp[1], str):
        sb = g.blocks.get(inp[1])
        if isinstance(sb, dict) and sb.get("opcode") == "event_broadcast_menu":
            return f"rt.broadcast_id({g.field_id(sb, 'BROADCAST_OPTION')!r})"
    return f"rt.broadcast({g.str_(g.input(b, 'BROADCAST_INPUT'))})"


def _s_broadcast(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, _broadcast_threads(g, b))


def _s_broadcast_wait(g: Gen, b: dict[str, Any], ind: int) -> None:
    _wait_for_threads(g, _broadcast_threads(g, b), ind)


def _glide(g: Gen, b: dict[str, Any], ind: int, x: str | None, y: str | None) -> None:
    """motion_glidesecstoxy / glideto: ends at once for 0 s or less, else moves a fraction of
    the way each step on the wait timer, and lands exactly at the end."""
    d, x0, y0, x1, y1, t0, f = (g.tmp() for _ in range(7))
    g.out(ind, f"{d} = max(0.0, 1000 * {g.num(g.input(b, 'SECS'))})")
    if x is None:
        g.out(ind, f"{x1} = P.position_of(rt, T, tstr({g.menu(b, 'TO')[0]}))")
        g.out(ind, f"if {x1} is not None:")
        g.out(ind + 1, f"{x1}, {y1} = {x1}")
        g.out(ind, "else:")
        g.out(ind + 1, f"{x1}, {y1} = T.x, T.y")  # an unknown target: glide to where it is
    else:
        g.out(ind, f"{x1} = {x}")
        g.out(ind, f"{y1} = {y}")
    g.out(ind, f"if {d} <= 0:")
    g.out(ind + 1, f"P.set_xy(T, {x1}, {y1})")
    g.out(ind, "else:")
    g.out(ind + 1, f"{x0}, {y0}, {t0} = T.x, T.y, rt.clock()")
    g.out(ind + 1, WARP_YIELD if g.warp else "yield 0")
    g.out(ind + 1, f"while ({f} := (rt.clock() - {t0}) / {d}) < 1:")
    g.out(ind + 2, f"P.set_xy(T, {x0} + {f} * ({x1} - {x0}), {y0} + {f} * ({y1} - {y0}))")
    g.out(ind + 2, WARP_YIELD if g.warp else IDLE_YIELD)
    g.out(ind + 1, f"P.set_xy(T, {x1}, {y1})")


def _wait_for_threads(g: Gen, start: str, ind: int) -> None:
    t = g.tmp()
    g.out(ind, f"{t} = {start}")
    # wait while any started thread is still in the list; a tick at a time when all of
    # them are themselves waiting (scratch3_event.js broadcastAndWait)
    g.out(ind, f"while {t} and any(x.in_list for x in {t}):")
    g.out(ind + 1, f"if all(rt.is_waiting(x) for x in {t}):")
    g.out(ind + 2, "yield 3")
    g.out(ind + 1, "else:")
    g.out(ind + 2, WARP_YIELD if g.warp else IDLE_YIELD)


def _s_set_var(g: Gen, b: dict[str, Any], ind: int) -> None:
    v = g.var(g.field_id(b, "VARIABLE"), g.field(b, "VARIABLE"), False)
    g.out(ind, f"{v}.value = {g.input(b, 'VALUE')[0]}")


def _s_change_var(g: Gen, b: dict[str, Any], ind: int) -> None:
    v = g.var(g.field_id(b, "VARIABLE"), g.field(b, "VARIABLE"), False)
    g.out(ind, f"{v}.value = (_x if type(_x := {v}.value) is float and _x == _x else "
               f"num(_x)) + {g.num(g.input(b, 'VALUE'))}")


def _list(g: Gen, b: dict[str, Any]) -> str:
    return g.var(g.field_id(b, "LIST"), g.field(b, "LIST"), True) + ".value"


def _s_addtolist(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"P.add_to({_list(g, b)}, {g.input(b, 'ITEM')[0]})")


def _s_deleteoflist(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"P.delete_of({_list(g, b)}, {g.input(b, 'INDEX')[0]}, rt.rng)")


def _s_deletealloflist(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"{_list(g, b)}.clear()")


def _s_insertatlist(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"P.insert_at({_list(g, b)}, {g.input(b, 'INDEX')[0]}, "
               f"{g.input(b, 'ITEM')[0]}, rt.rng)")


def _s_replaceitemoflist(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.out(ind, f"P.replace_item({_list(g, b)}, {g.input(b, 'INDEX')[0]}, "
               f"{g.input(b, 'ITEM')[0]}, rt.rng)")


def _s_say(g: Gen, b: dict[str, Any], ind: int) -> None:
    kind = "think" if "think" in b["opcode"] else "say"
    g.out(ind, f"rt.say(T, {kind!r}, {g.input(b, 'MESSAGE')[0]})")
    if b["opcode"].endswith("forsecs"):
        # a promise that resolves after SECS: the thread waits, then the bubble clears
        g.out(ind, f"rt.wait_ms(th, 1000 * O.js_number({g.input(b, 'SECS')[0]}))")
        g.out(ind, "yield 1")
        g.out(ind, f"rt.say(T, {kind!r}, '')")


def _s_call(g: Gen, b: dict[str, Any], ind: int) -> None:
    g.call(b, ind)


def _s_expr(template: str) -> Callable[[Gen, dict[str, Any], int], None]:
    """A statement written as a template over input values: {NAME} (raw), {NAME:n}
    (number), {NAME:s} (text), {NAME:m} (menu value), {F_NAME} (field)."""
    import string

    parts = [p for _, p, spec, _ in string.Formatter().parse(template) if p]
    specs = {p: s for _, p, s, _ in string.Formatter().parse(template) if p}

    def emit(g: Gen, b: dict[str, Any], ind: int) -> None:
        vals = {}
        for p in parts:
            vals[p] = _template_value(g, b, p, specs[p])
        g.out(ind, template.format(**{k: _Raw(v) for k, v in vals.items()}))
    return emit


class _Raw(str):
    def __format__(self, spec: str) -> str:
        return str(self)


def _template_value(g: Gen, b: dict[str, Any], name: str, spec: str) -> str:
    if name.startswith("F_"):
        return repr(g.field(b, name[2:]))
    if spec == "m":
        return g.menu(b, name)[0]
    e = g.input(b, name)
    return {"n": g.num, "s": g.str_, "b": g.bool_}.get(spec, lambda e: e[0])(e)


def _r(template: str, kind: str) -> Callable[[Gen, dict[str, Any]], Expr]:
    import string

    fields = [(p, s) for _, p, s, _ in string.Formatter().parse(template) if p]

    def emit(g: Gen, b: dict[str, Any]) -> Expr:
        vals = {p: _Raw(_template_value(g, b, p, s)) for p, s in fields}
        return template.format(**vals), kind
    return emit


def _r_var(g: Gen, b: dict[str, Any]) -> Expr:
    return f"{g.var(g.field_id(b, 'VARIABLE'), g.field(b, 'VARIABLE'), False)}.value", "a"


def _r_list(g: Gen, b: dict[str, Any]) -> Expr:
    return f"O.list_contents({_list(g, b)})", "s"


def _r_arg(g: Gen, b: dict[str, Any]) -> Expr:
    name = g.field(b, "VALUE")
    if g.params is not None and name in g.params:
        return g.params[name], "a"
    return "0.0", "n"  # outside its custom block an argument reports 0


def _r_add(op: str) -> Callable[[Gen, dict[str, Any]], Expr]:
    def emit(g: Gen, b: dict[str, Any]) -> Expr:
        x, y = g.input(b, "NUM1"), g.input(b, "NUM2")
        if x == y and _PURE.fullmatch(x[0]):  # d * d: one read, one cast
            t = g.tmp()
            return f"(({t} := {g.num(x)}) {op} {t})", "n"
        return f"({g.num(x)} {op} {g.num(y)})", "n"  # inf - inf and 0 * inf are NaN
    return emit


def _r_and_or(op: str) -> Callable[[Gen, dict[str, Any]], Expr]:
    def emit(g: Gen, b: dict[str, Any]) -> Expr:
        return (f"({g.bool_(g.input(b, 'OPERAND1'))} {op} "
                f"{g.bool_(g.input(b, 'OPERAND2'))})"), "b"
    return emit


def _r_mathop(g: Gen, b: dict[str, Any]) -> Expr:
    return f"O.mathop({g.field(b, 'OPERATOR')!r}, {g.num(g.input(b, 'NUM'))})", "n"


def _r_of(g: Gen, b: dict[str, Any]) -> Expr:
    return (f"rt.attribute_of({g.field(b, 'PROPERTY')!r}, "
            f"{g.str_(g.menu(b, 'OBJECT'))})"), "a"


def _r_letter_of(g: Gen, b: dict[str, Any]) -> Expr:
    return f"O.letter_of({g.input(b, 'LETTER')[0]}, {g.input(b, 'STRING')[0]})", "s"


STATEMENTS: dict[str, Callable[[Gen, dict[str, Any], int], None]] = {
    # control
    "control_if": _s_if,
    "control_if_else": _s_if,
    "control_repeat": _s_repeat,
    "control_forever": _s_forever,
    "control_repeat_until": _s_until,
    "control_while": _s_until,
    "control_for_each": _s_for_each,
    "control_wait": _s_wait,
    "control_wait_until": _s_wait_until,
    "control_stop": _s_stop,
    "control_create_clone_of": _s_clone,
    "control_delete_this_clone": _s_delete_clone,
    "control_incr_counter": _s_expr("rt.counter += 1"),
    "control_clear_counter": _s_expr("rt.counter = 0.0"),
    "control_all_at_once": lambda g, b, ind: g.substack(b, "SUBSTACK", ind),
    # events
    "event_broadcast": _s_broadcast,
    "event_broadcastandwait": _s_broadcast_wait,
    # data
    "data_setvariableto": _s_set_var,
    "data_changevariableby": _s_change_var,
    "data_showvariable": _s_expr("pass"),
    "data_hidevariable": _s_expr("pass"),
    "data_showlist": _s_expr("pass"),
    "data_hidelist": _s_expr("pass"),
    "data_addtolist": _s_addtolist,
    "data_deleteoflist": _s_deleteoflist,
    "data_deletealloflist": _s_deletealloflist,
    "data_insertatlist": _s_insertatlist,
    "data_replaceitemoflist": _s_replaceitemoflist,
    # looks
    "looks_say": _s_say,
    "looks_think": _s_say,
    "looks_sayforsecs": _s_say,
    "looks_thinkforsecs": _s_say,
    "looks_show": _s_expr("T.visible = True"),
    "looks_hide": _s_expr("T.visible = False"),
    "looks_switchcostumeto": _s_expr("P.switch_costume(T, {COSTUME:m})"),
    "looks_nextcostume": _s_expr("P.set_costume_index(T, float(T.costume + 1))"),
    "looks_switchbackdropto": _s_expr("P.switch_backdrop(rt, {BACKDROP:m})"),
    "looks_switchbackdroptoandwait": lambda g, b, ind: _wait_for_threads(
        g, f"P.switch_backdrop(rt, {g.menu(b, 'BACKDROP')[0]})", ind),
    "looks_nextbackdrop": _s_expr("P.switch_backdrop(rt, float(rt.stage.costume + 1), True)"),
    "looks_changesizeby": _s_expr("P.set_size(T, T.size + {CHANGE:n})"),
    "looks_setsizeto": _s_expr("P.set_size(T, {SIZE:n})"),
    "looks_changeeffectby": _s_expr("P.change_effect(T, {F_EFFECT}, {CHANGE:n})"),
    "looks_seteffectto": _s_expr("P.set_effect(T, {F_EFFECT}, {VALUE:n})"),
    "looks_cleargraphiceffects": _s_expr("T.effects.clear()"),
    "looks_gotofrontback": _s_expr("P.layer(rt, T, {F_FRONT_BACK})"),
    "looks_goforwardbackwardlayers": _s_expr(
        "P.layers_by(rt, T, {F_FORWARD_BACKWARD}, {NUM})"),
    "looks_changestretchby": _s_expr("pass"),
    "looks_setstretchto": _s_expr("pass"),
    # pen: headless there is nothing to draw, so clear and stamp do nothing (as in scratch-vm
    # without a renderer); the rest keep each sprite's pen state (pen.py)
    "pen_clear": _s_expr("pass"),
    "pen_stamp": _s_expr("pass"),
    "pen_penDown": _s_expr("PEN.pen_down(T)"),
    "pen_penUp": _s_expr("PEN.pen_up(T)"),
    "pen_setPenColorToColor": _s_expr("PEN.set_color(T, {COLOR})"),
    "pen_changePenColorParamBy": _s_expr("PEN.change_param(T, {COLOR_PARAM:m}, {VALUE})"),
    "pen_setPenColorParamTo": _s_expr("PEN.set_param(T, {COLOR_PARAM:m}, {VALUE})"),
    "pen_changePenSizeBy": _s_expr("PEN.change_size(T, {SIZE})"),
    "pen_setPenSizeTo": _s_expr("PEN.set_size(T, {SIZE})"),
    "pen_setPenHueToNumber": _s_expr("PEN.set_hue(T, {HUE})"),
    "pen_changePenHueBy": _s_expr("PEN.change_hue(T, {HUE})"),
    "pen_setPenShadeToNumber": _s_expr("PEN.set_shade(T, {SHADE})"),
    "pen_changePenShadeBy": _s_expr("PEN.change_shade(T, {SHADE})"),
    # motion
    "motion_movesteps": _s_expr("P.move_steps(T, {STEPS:n})"),
    "motion_turnright": _s_expr("P.set_direction(T, T.direction + {DEGREES:n})"),
    "motion_turnleft": _s_expr("P.set_direction(T, T.direction - {DEGREES:n})"),
    "motion_goto": _s_expr("P.go_to(rt, T, {TO:m})"),
    "motion_gotoxy": _s_expr("P.set_xy(T, {X:n}, {Y:n})"),
    "motion_pointindirection": _s_expr("P.set_direction(T, {DIRECTION:n})"),
    "motion_glidesecstoxy": lambda g, b, ind: _glide(g, b, ind, g.num(g.input(b, "X")),
                                                     g.num(g.input(b, "Y"))),
    "motion_glideto": lambda g, b, ind: _glide(g, b, ind, None, None),
    "motion_pointtowards": _s_expr("P.point_towards(rt, T, {TOWARDS:m})"),
    "motion_changexby": _s_expr("P.set_xy(T, T.x + {DX:n}, T.y)"),
    "motion_setx": _s_expr("P.set_xy(T, {X:n}, T.y)"),
    "motion_changeyby": _s_expr("P.set_xy(T, T.x, T.y + {DY:n})"),
    "motion_sety": _s_expr("P.set_xy(T, T.x, {Y:n})"),
    "motion_ifonedgebounce": _s_expr("P.bounce(T)"),
    "motion_setrotationstyle": _s_expr("T.rotation_style = {F_STYLE}"),
    # sensing
    "sensing_resettimer": _s_expr("rt.reset_timer()"),
    "sensing_askandwait": lambda g, b, ind: (
        g.out(ind, f"rt.ask(th, T, {g.str_(g.input(b, 'QUESTION'))})"), g.out(ind, "yield 1")),
    "sensing_setdragmode": _s_expr("T.draggable = {F_DRAG_MODE} == 'draggable'"),
    # sound: no audio engine, as headless scratch-vm
    "sound_play": _s_expr("pass"),
    "sound_playuntildone": _s_expr("pass"),
    "sound_stopallsounds": _s_expr("pass"),
    # volume and sound effects return a resolved promise: the thread waits for the next frame
    "sound_seteffectto": _s_expr("rt.next_frame(th); yield 1"),
    "sound_changeeffectby": _s_expr("rt.next_frame(th); yield 1"),
    "sound_cleareffects": _s_expr("pass"),
    "sound_changevolumeby": _s_expr(
        "T.volume = max(0.0, min(100.0, T.volume + {VOLUME:n})); rt.next_frame(th); yield 1"),
    "sound_setvolumeto": _s_expr(
        "T.volume = max(0.0, min(100.0, {VOLUME:n})); rt.next_frame(th); yield 1"),
    # custom blocks
    "procedures_call": _s_call,
}

REPORTERS: dict[str, Callable[[Gen, dict[str, Any]], Expr]] = {
    "operator_add": _r_add("+"),
    "operator_subtract": _r_add("-"),
    "operator_multiply": _r_add("*"),
    "operator_divide": _r("O.divide({NUM1:n}, {NUM2:n})", "n"),
    "operator_mod": lambda g, b: g.mod(g.num(g.input(b, "NUM1")), g.num(g.input(b, "NUM2"))),
    "operator_round": _r("O.round_({NUM:n})", "n"),
    "operator_mathop": _r_mathop,
    "operator_random": _r("O.random(rt.rng, {FROM}, {TO})", "n"),
    "operator_lt": lambda g, b: g.compare(g.input(b, "OPERAND1"), g.input(b, "OPERAND2"), "<"),
    "operator_gt": lambda g, b: g.compare(g.input(b, "OPERAND1"), g.input(b, "OPERAND2"), ">"),
    "operator_equals": lambda g, b: g.compare(g.input(b, "OPERAND1"), g.input(b, "OPERAND2"),
                                              "=="),
    "operator_and": _r_and_or("and"),
    "operator_or": _r_and_or("or"),
    "operator_not": _r("(not {OPERAND:b})", "b"),
    "operator_join": lambda g, b: g.join(g.str_(g.input(b, "STRING1")),
                                         g.str_(g.input(b, "STRING2"))),
    "operator_letter_of": _r_letter_of,
    "operator_length": _r("O.length({STRING})", "n"),
    "operator_contains": _r("O.contains({STRING1}, {STRING2})", "b"),
    "data_variable": _r_var,
    "data_listcontents": _r_list,
    "data_itemoflist": lambda g, b: (f"P.item_of({_list(g, b)}, {g.input(b, 'INDEX')[0]}, "
                                     "rt.rng)", "a"),
    "data_itemnumoflist": lambda g, b: (f"P.item_num({_list(g, b)}, "
                                        f"{g.input(b, 'ITEM')[0]})", "n"),
    "data_lengthoflist": lambda g, b: (f"float(len({_list(g, b)}))", "n"),
    "data_listcontainsitem": lambda g, b: (f"P.contains_item({_list(g, b)}, "
                                           f"{g.input(b, 'ITEM')[0]})", "b"),
    "argument_reporter_string_number": _r_arg,
    "argument_reporter_boolean": _r_arg,
    "looks_size": _r("float(round(T.size))", "n"),
    "looks_costumenumbername": _r("P.costume_number_name(T, {F_NUMBER_NAME})", "a"),
    "looks_backdropnumbername": _r("P.costume_number_name(rt.stage, {F_NUMBER_NAME})", "a"),
    "motion_xposition": _r("limit_precision(T.x)", "n"),
    "motion_yposition": _r("limit_precision(T.y)", "n"),
    "motion_direction": _r("T.direction", "n"),
    "sensing_timer": _r("rt.timer()", "n"),
    "sensing_answer": _r("rt.answer", "s"),
    "sensing_of": _r_of,
    "sensing_dayssince2000": _r("rt.days_since_2000()", "n"),
    "sensing_current": _r("O.current({F_CURRENTMENU})", "n"),
    "sensing_keypressed": _r("False", "b"),
    "sensing_mousedown": _r("False", "b"),
    "sensing_mousex": _r("0.0", "n"),
    "sensing_mousey": _r("0.0", "n"),
    "sensing_loudness": _r("-1.0", "n"),
    "sensing_distanceto": _r("P.distance_to(rt, T, {DISTANCETOMENU:m})", "n"),
    "sensing_touchingobject": _r("False", "b"),
    "sensing_touchingcolor": _r("False", "b"),
    "sensing_coloristouchingcolor": _r("False", "b"),
    "sensing_username": _r("''", "s"),
    "sound_volume": _r("T.volume", "n"),
    "control_get_counter": _r("rt.counter", "n"),
}

# opcodes a project may hold that are not run themselves
PASSIVE = {"procedures_definition", "procedures_prototype", "control_start_as_clone"} | HATS
# legacy blocks scratch-vm still defines as no-ops (issue 13): the reporters report
# undefined, as any block without a function does (Gen.reporter), and the statements do
# nothing, as any block the compiler has no entry for. Scratch's palette no longer shows
# them, so neither do the block tables.
LEGACY = frozenset({"sensing_userid", "motion_xscroll", "motion_yscroll", "motion_scroll_right",
                    "motion_scroll_up", "motion_align_scene", "looks_hideallsprites"})
KNOWN_OPCODES = frozenset(STATEMENTS) | frozenset(REPORTERS) | frozenset(MENUS) | PASSIVE | \
    R.KNOWN_OPCODES | LEGACY


class Compiler:
    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.extra_edge_hats = [op for op, spec in R.BLOCKS.items() if spec.kind == "hat"]
        self.prototypes: dict[tuple[int, str], Any] = {}
        self._procs: dict[int, _Procs] = {}

    def procs_of(self, sprite: Sprite) -> _Procs:
        if id(sprite) not in self._procs:
            self._procs[id(sprite)] = _Procs(self, sprite)
        return self._procs[id(sprite)]

    def namespace(self, sprite: Sprite) -> dict[str, Any]:
        from dojokit.scratch.runtime import limit_precision

        return {
            "num": C.to_number_slow, "tstr": C.to_string, "_CV": C.compare_view,
            "tbool": C.to_boolean, "cmp": C.compare,
            "O": O, "P": P, "StopThread": StopThread, "PROCS": self.procs_of(sprite),
            "limit_precision": limit_precision, "float": float, "Var": Var,
            "_fmod": math.fmod, "_NAN": math.nan, "_FS": C.fix_surrogates,
            "_UNDEF": C.UNDEFINED, "PEN": PEN,
        }

    def compile_sprite(self, sprite: Sprite) -> None:
        for bid, b in sprite.blocks.items():
            if not isinstance(b, dict) or not b.get("topLevel"):
                continue
            op = b["opcode"]
            if op in HATS or (op in R.BLOCKS and R.BLOCKS[op].kind == "hat"):
                with _guard(sprite):
                    script = self.script(sprite, bid, b)
                sprite.scripts.setdefault(op, []).append(script)

    def script(self, sprite: Sprite, bid: str, hat: dict[str, Any]) -> Script:
        from dojokit.scratch.runtime import Script

        g = Gen(self, sprite, False, None, None)
        g.stack(hat.get("next"), 1)
        fn = self.build(g, "script", ["rt", "T", "th"])
        fields = {k: str(v[0]).upper() for k, v in hat.get("fields", {}).items() if v}
        predicate = None
        op = hat["opcode"]
        if op == "event_whengreaterthan":
            pg = Gen(self, sprite, False, None, None)
            value = pg.num(pg.input(hat, "VALUE"))
            menu = str(self_field(hat, "WHENGREATERTHANMENU")).lower()
            expr = f"rt.timer() > {value}" if menu == "timer" else "False"
            predicate = self.build_expr(pg, expr)
        elif op == "event_whentouchingobject":
            predicate = self.build_expr(Gen(self, sprite, False, None, None), "False")
        elif op in R.BLOCKS:
            pg = Gen(self, sprite, False, None, None)
            predicate = self.build_expr(pg, f"rt.robot.report({op!r}, {pg.robot_args(hat)})")
        return Script(bid, fn, fields, predicate)

    def build(self, g: Gen, name: str, params: list[str]) -> Callable[..., Any]:
        g.finish()
        head = [f"def {name}({', '.join(params)}):", "    _clk = rt.clock", "    _w = 0",
                "    _P = 0"]
        for (vid, vname, is_list), local in g.binds.items():
            head.append(f"    {local} = T.bound.get({vid!r}) or "
                        f"T.bind({vid!r}, {vname!r}, {is_list})")
        body = [*g.lines, "    if False:", "        yield 0"]
        src = _with_args("\n".join(head + body + _parts(g, params)), g, params)
        ns = self.namespace(g.sprite)
        exec(compile(src, f"<scratch {g.sprite.name}: {name}>", "exec"), ns)
        fn = ns[name]
        fn.source = src
        return fn  # type: ignore[no-any-return]

    def build_expr(self, g: Gen, expr: str) -> Callable[..., Any]:
        g.finish()
        head = ["def pred(rt, T):"]
        for (vid, vname, is_list), local in g.binds.items():
            head.append(f"    {local} = T.lookup({vid!r}, {vname!r}, {is_list})")
        src = _with_args("\n".join([*head, f"    return {expr}", *_parts(g, ["rt", "T"])]),
                         g, ["rt", "T"])
        ns = self.namespace(g.sprite)
        exec(compile(src, f"<scratch {g.sprite.name}: hat>", "exec"), ns)
        return ns["pred"]  # type: ignore[no-any-return]

    # -- custom blocks --------------------------------------------------------------------
    def definition(self, sprite: Sprite, code: str) -> tuple[str, dict[str, Any]] | None:
        for bid, b in sprite.blocks.items():
            if isinstance(b, dict) and b.get("opcode") == "procedures_definition":
                inp = b.get("inputs", {}).get("custom_block")
                proto = sprite.blocks.get(inp[1]) if inp else None
                if isinstance(proto, dict) and \
                        proto.get("mutation", {}).get("proccode") == code:
                    return bid, proto
        return None

    def prototype(self, sprite: Sprite, code: str) -> tuple[list[str], list[str], list[Any],
                                                           bool] | None:
        key = (id(sprite), code)
        if key not in self.prototypes:
            found = self.definition(sprite, code)
            if found is None:
                self.prototypes[key] = None
            else:
                m = found[1]["mutation"]
                ids = _json_list(m.get("argumentids"))
                names = _json_list(m.get("argumentnames"))
                defaults = _json_list(m.get("argumentdefaults"))
                defaults = (defaults + [""] * len(ids))[:len(ids)]
                warp = m.get("warp")
                warp = warp if isinstance(warp, bool) else str(warp).lower() == "true"
                self.prototypes[key] = (ids, names, defaults, warp)
        return self.prototypes[key]  # type: ignore[no-any-return]

    def proc(self, sprite: Sprite, code: str, warp: bool) -> Callable[..., Any]:
        fn = sprite.procs.get((code, warp))
        if fn is None:
            found = self.definition(sprite, code)
            proto = self.prototype(sprite, code)
            assert found is not None and proto is not None
            ids, names, _defaults, _warp = proto
            # one parameter per argument; a name used twice reads the last one, as
            # scratch-vm's pushParam overwrites by name
            params = {n: f"_a{i}" for i, n in enumerate(names)}
            with _guard(sprite):
                g = Gen(self, sprite, warp, params, code)
                g.stack(sprite.blocks[found[0]].get("next"), 1)
                fn = self.build(g, "proc", ["rt", "T", "th", "stk",
                                            *(f"_a{i}" for i in range(len(ids)))])
            sprite.procs[(code, warp)] = fn
        return fn


class _Procs(dict[tuple[str, bool], Callable[..., Any]]):
    """PROCS[(proccode, warp)] in compiled code: a plain dict (fast), which compiles a
    custom block the first time it is asked for."""

    def __init__(self, comp: Compiler, sprite: Sprite) -> None:
        super().__init__()
        self.comp = comp
        self.sprite = sprite

    def __missing__(self, key: tuple[str, bool]) -> Callable[..., Any]:
        fn = self.comp.proc(self.sprite, *key)
        self[key] = fn
        return fn


def _parts(g: Gen, params: list[str]) -> list[str]:
    """Source of the split-off parts: each gets the main function's parameters and every
    variable it bound (the same objects, so nothing is looked up again); a statement part
    also the warp counter and the did-something flag, which it hands back at its end."""
    args = ARGS  # written in by _with_args with the calls' arguments
    src = []
    for name, lines, is_reporter in g.parts:
        if is_reporter:
            src += [f"def {name}({args}):", *lines]
        else:
            src += [f"def {name}({args}, _w, _P):", "    _clk = rt.clock", *lines,
                    "    if False:", "        yield 0", "    return _w, _P"]
    return src


def _with_args(src: str, g: Gen, params: list[str]) -> str:
    return src.replace(ARGS, ", ".join([*params, *g.binds.values()]))


@contextlib.contextmanager
def _guard(sprite: Sprite) -> Iterator[None]:
    """A script the compiler cannot handle is one sentence (exit 2), never a traceback."""
    try:
        yield
    except CompileError:
        raise
    except Exception as exc:  # whatever it is, the learner gets the sentence
        where = (t("project.where.stage") if sprite.is_stage
                 else t("project.where.sprite", name=sprite.name))
        raise CompileError("compile.failed", where=where) from exc


def _json_list(v: Any) -> list[Any]:
    if isinstance(v, list):
        return v
    try:
        out = json.loads(v) if isinstance(v, str) else []
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def self_field(block: dict[str, Any], name: str) -> Any:
    f = block.get("fields", {}).get(name)
    return f[0] if f else None
