"""Export for Scratch: a copy of a robot program that vanilla Scratch 3 opens, and back.

Scratch 3 refuses a project that names an extension it does not know (and the `dojokit_`
opcodes name one), so the export writes every robot block with Scratch's own blocks, in a
form that reads back exactly (docs/scratch.md, "Export for Scratch", has the table):

- a robot command becomes a call of an empty custom block with the block's label
  ("drive left %n % right %n %"); number arguments are %n, text, colour ("#rrggbb") and menu
  arguments %s (a menu holds its value's words in the export's language);
- a robot hat becomes the definition of a custom block whose name is the hat's label with
  its values written in ("define when button A pressed"), the script under it: it opens in
  Scratch and never starts there (Scratch has no robot button), as nothing calls it;
- a robot reporter becomes a global variable named by its label ("distance (cm)"), holding
  what dojokit reports when the robot has no reading; a robot boolean becomes
  <(variable) = [true]>. The variable's id ("dojokit-sensor:lineDark:SIDE=left") says
  which block it stands for, so renaming it in Scratch changes nothing.

Reading back (`import_from_scratch`, applied by `sb3.read_project` to every project) turns
these forms into the robot blocks again with the same ids, order and values, so `dojokit run`
gives the same trace. A call is read back only when its proccode is a robot block's label in
nl, fr or en and its definition is absent or empty; a definition only when its name is a
robot hat's and nothing calls it: a learner's own custom blocks stay what they are.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
import struct
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from dojokit.i18n import LANGUAGES, text
from dojokit.scratch import robot_blocks as R
from dojokit.scratch.sb3 import ProjectError

Block = dict[str, Any]

SENSOR_PREFIX = "dojokit-sensor:"  # the id of a variable that stands for a robot reporter
NOTE_ID = "dojokit-robot-note"  # the comment telling the child what the robot blocks are
DEF_PREFIX = "robotdef-"  # ids of the empty definitions the export adds
_ARG_CODE = {"number": "%n", "text": "%s", "colour": "%s", "menu": "%s"}
_NUMBER_CODES = (4, 5, 6, 7, 8)
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_ESCAPE = re.compile(r"%(?=[nbs])")  # "%" before n/b/s would start an argument in Scratch
_TRUE = "true"
_SHADOWS = {9: ("COLOUR", "colour_picker"), 10: ("TEXT", "text")}  # code -> field, opcode

# Scratch's own empty costume (its md5 is the assetId Scratch writes for it)
BLANK_SVG = (b'<svg version="1.1" width="2" height="2" viewBox="-1 -1 2 2" '
             b'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
             b"  <!-- Exported by Scratch - http://scratch.mit.edu/ -->\n</svg>")
BLANK_SVG_ID = hashlib.md5(BLANK_SVG).hexdigest()
_WAV_RATE = 22050


class ExportError(ProjectError):
    """A program that cannot be exported; str() is one translated sentence."""


def _silent_wav() -> bytes:
    # one sample of silence: the smallest sound Scratch's audio engine decodes
    data = b"\x00\x00"
    fmt = struct.pack("<HHIIHH", 1, 1, _WAV_RATE, _WAV_RATE * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + \
        struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


SILENT_WAV = _silent_wav()
SILENT_WAV_ID = hashlib.md5(SILENT_WAV).hexdigest()


# -- labels as Scratch names -----------------------------------------------------------------
def _escape(words: str) -> str:
    return _ESCAPE.sub(r"\\%", words.strip())


def _unescape(proccode: str) -> str:
    return proccode.replace("\\%", "%")


def ordered_args(opcode: str, lang: str) -> list[R.Arg]:
    """The block's arguments in the order its label in `lang` shows them."""
    return [p for p in R.label_parts(opcode, lang) if isinstance(p, R.Arg)]


def proccode(opcode: str, lang: str) -> str:
    """The custom block name of a robot command: its label, arguments as %n / %s."""
    return " ".join(_ARG_CODE[p.kind] if isinstance(p, R.Arg) else _escape(p)
                    for p in R.label_parts(opcode, lang))


def _value_words(arg: R.Arg, value: str, lang: str) -> str:
    return R.menu_label(value, lang) if arg.kind == "menu" and value in arg.menu else value


def _baked_name(opcode: str, values: dict[str, str], lang: str) -> str:
    """The label with these values written in, as a hat's or a variable's name."""
    return " ".join(_value_words(p, values[p.name], lang) if isinstance(p, R.Arg)
                    else p.strip() for p in R.label_parts(opcode, lang))


def _menu_value(arg: R.Arg, words: str, lang: str | None) -> str:
    """The menu value these words stand for (the value itself, or its label in `lang`
    first, then in any language); words that are neither stay as they are."""
    if words in arg.menu:
        return words
    for lg in ([lang] if lang else []) + list(LANGUAGES):
        for v in arg.menu:
            if R.menu_label(v, lg) == words:
                return v
    return words


@cache
def _commands() -> dict[str, tuple[str, str]]:
    """proccode -> (opcode, language) for every robot command, in every language."""
    out: dict[str, tuple[str, str]] = {}
    for op, spec in R.BLOCKS.items():
        if spec.kind != "command":
            continue
        for lang in LANGUAGES:
            code = proccode(op, lang)
            if code in out:
                other, lg = out[code]
                if other != op or ordered_args(other, lg) != ordered_args(op, lang):
                    raise RuntimeError(f"two robot blocks read the same in Scratch: {code!r}")
            out.setdefault(code, (op, lang))
    return out


@cache
def _hats() -> list[tuple[re.Pattern[str], str, str]]:
    """(pattern of the baked name, opcode, language) for every robot hat."""
    out = []
    for op, spec in R.BLOCKS.items():
        if spec.kind != "hat":
            continue
        for lang in LANGUAGES:
            rx = r"\s+".join("(.*?)" if isinstance(p, R.Arg) else re.escape(p.strip())
                             for p in R.label_parts(op, lang))
            out.append((re.compile(rf"\s*{rx}\s*"), op, lang))
    return out


def _sensor_id(opcode: str, values: dict[str, str]) -> str:
    short = opcode.removeprefix(f"{R.EXTENSION_ID}_")
    return SENSOR_PREFIX + ":".join([short] + [f"{k}={quote(v, safe='')}"
                                               for k, v in values.items()])


def _parse_sensor_id(var_id: object) -> tuple[str, dict[str, str]] | None:
    if not isinstance(var_id, str) or not var_id.startswith(SENSOR_PREFIX):
        return None
    short, *pairs = var_id.removeprefix(SENSOR_PREFIX).split(":")
    opcode = f"{R.EXTENSION_ID}_{short}"
    spec = R.BLOCKS.get(opcode)
    if spec is None or spec.kind not in ("reporter", "boolean"):
        return None
    values = dict(p.partition("=")[::2] for p in pairs)
    return opcode, {k: unquote(v) for k, v in values.items()}


# -- small helpers ---------------------------------------------------------------------------
def _fresh(blocks: dict[str, Any], base: str) -> str:
    if base not in blocks:
        return base
    n = 2
    while f"{base}-{n}" in blocks:
        n += 1
    return f"{base}-{n}"


def _json_list(value: object) -> list[Any]:
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return items if isinstance(items, list) else []


def _mutation(code: str, ids: list[str], names: list[str] | None = None) -> dict[str, Any]:
    """A procedures_* mutation exactly as Scratch 3 writes it (lists as JSON text)."""
    m: dict[str, Any] = {"tagName": "mutation", "children": [], "proccode": code,
                         "argumentids": json.dumps(ids, separators=(",", ":"))}
    if names is not None:
        m["argumentnames"] = json.dumps(names, ensure_ascii=False, separators=(",", ":"))
        m["argumentdefaults"] = json.dumps([""] * len(names), separators=(",", ":"))
    m["warp"] = "false"
    return m


def _literal(blocks: dict[str, Any], item: object) -> tuple[int, Any] | None:
    """(primitive code, value) of a shadow, compact or as a shadow block; None otherwise."""
    if isinstance(item, list) and len(item) == 2 and isinstance(item[0], int):
        return item[0], item[1]
    b = blocks.get(item) if isinstance(item, str) else None
    if isinstance(b, dict) and b.get("shadow"):
        fields = b.get("fields", {})
        for name, code in (("NUM", 4), ("TEXT", 10), ("COLOUR", 9)):
            if fields.get(name):
                return code, fields[name][0]
    return None


def _only_literal(blocks: dict[str, Any], inp: object) -> tuple[int, Any] | None:
    """The literal an input holds when no block sits on it."""
    if not isinstance(inp, list) or len(inp) < 2:
        return None
    if inp[0] == 1 or (inp[0] == 3 and inp[1] is None):
        return _literal(blocks, inp[-1])
    return None


def _retype(blocks: dict[str, Any], inp: list[Any], old: int, new: int,
            fits: re.Pattern[str] = _COLOUR) -> list[Any]:
    """The input with its colour / text literals changed from code `old` to `new`."""
    def one(item: object) -> object:
        if isinstance(item, list) and len(item) == 2 and item[0] == old \
                and isinstance(item[1], str) and fits.fullmatch(item[1]):
            return [new, item[1]]
        b = blocks.get(item) if isinstance(item, str) else None
        if isinstance(b, dict) and b.get("shadow") and b.get("opcode") == _SHADOWS[old][1]:
            value = b.get("fields", {}).get(_SHADOWS[old][0])
            if value and isinstance(value[0], str) and fits.fullmatch(value[0]):
                b["opcode"] = _SHADOWS[new][1]
                b["fields"] = {_SHADOWS[new][0]: [value[0], None]}
        return item

    return [inp[0], *(one(i) for i in inp[1:])]


def _literal_text(value: object) -> str:
    return R.to_text(value)


# -- export ----------------------------------------------------------------------------------
def export_for_scratch(project_data: dict[str, Any], lang: str) -> dict[str, Any]:
    """A copy of the project that vanilla Scratch 3 opens: no `dojokit_` block and no
    extension. Raises ExportError for the one thing Scratch cannot hold (a block placed
    inside a robot hat's or sensor's value)."""
    data = copy.deepcopy(project_data)
    sensors: dict[str, tuple[str, Any]] = {}  # variable id -> (name, value)
    for target in data.get("targets", []):
        _Exporter(target, lang, sensors).run()
    if isinstance(data.get("extensions"), list):
        data["extensions"] = [e for e in data["extensions"] if e != R.EXTENSION_ID]
    if isinstance(data.get("monitors"), list):
        monitors = [_export_monitor(m, lang, sensors) for m in data["monitors"]]
        data["monitors"] = [m for m in monitors if m is not None]
    if sensors:
        _add_sensor_variables(data, sensors)
    return data


class _Exporter:
    def __init__(self, target: dict[str, Any], lang: str,
                 sensors: dict[str, tuple[str, Any]]) -> None:
        self.target = target
        self.blocks: dict[str, Any] = target.get("blocks", {})
        self.lang = lang
        self.sensors = sensors
        self.used: list[str] = []  # robot commands used, in order of first use

    def run(self) -> None:
        extra: dict[str, Any] = {}
        found = False
        for bid, b in list(self.blocks.items()):
            if not isinstance(b, dict) or b.get("opcode") not in R.BLOCKS:
                continue
            found = True
            spec = R.BLOCKS[b["opcode"]]
            if spec.kind == "command":
                self.call(b)
            elif spec.kind == "hat":
                extra |= self.hat(bid, b)
            else:
                extra |= self.sensor(bid, b)
        self.blocks.update(extra)
        if found:
            self.definitions()

    def call(self, b: Block) -> None:
        op = b["opcode"]
        args = ordered_args(op, self.lang)
        inputs = {}
        names = {a.name for a in args}
        for a in args:
            if a.kind == "menu":
                field = b.get("fields", {}).get(a.name)
                value = _literal_text(field[0]) if field and field[0] is not None else \
                    str(a.default)
                inputs[a.name] = [1, [10, _value_words(a, value, self.lang)]]
            elif a.name in b.get("inputs", {}):
                inp = b["inputs"][a.name]
                inputs[a.name] = _retype(self.blocks, inp, 9, 10) if a.kind == "colour" \
                    else inp
        # inputs the block does not know are kept as they were
        inputs |= {k: v for k, v in b.get("inputs", {}).items() if k not in names}
        b.update(opcode="procedures_call", inputs=inputs, fields={},
                 mutation=_mutation(proccode(op, self.lang), [a.name for a in args]))
        if op not in self.used:
            self.used.append(op)

    def values(self, b: Block) -> dict[str, str]:
        """The block's argument values as text; a block inside one cannot be written in."""
        out = {}
        for a in R.BLOCKS[b["opcode"]].args:
            if a.kind == "menu":
                field = b.get("fields", {}).get(a.name)
                out[a.name] = _literal_text(field[0]) if field and field[0] is not None \
                    else str(a.default)
                continue
            inp = b.get("inputs", {}).get(a.name)
            if inp is None:
                out[a.name] = _literal_text(a.default)
                continue
            lit = _only_literal(self.blocks, inp)
            if lit is None:
                raise ExportError("export.block_inside", block=R.label(b["opcode"], self.lang)
                                  .replace(f"[{a.name}]", "( )"))
            out[a.name] = _literal_text(lit[1])
            for item in inp[1:]:  # the shadow's own block goes with the value
                if isinstance(item, str) and isinstance(self.blocks.get(item), dict):
                    del self.blocks[item]
        return out

    def hat(self, bid: str, b: Block) -> dict[str, Any]:
        code = _escape(_baked_name(b["opcode"], self.values(b), self.lang))
        proto = _fresh(self.blocks, f"{bid}-prototype")
        b.update(opcode="procedures_definition", inputs={"custom_block": [1, proto]},
                 fields={})
        b.pop("mutation", None)
        return {proto: {"opcode": "procedures_prototype", "next": None, "parent": bid,
                        "inputs": {}, "fields": {}, "shadow": True, "topLevel": False,
                        "mutation": _mutation(code, [], [])}}

    def sensor(self, bid: str, b: Block) -> dict[str, Any]:
        op = b["opcode"]
        spec = R.BLOCKS[op]
        values = self.values(b)
        var_id = _sensor_id(op, values)
        if var_id not in self.sensors:
            # what dojokit reports with no reading: Scratch shows the robot seeing nothing
            unknown = spec.run(R.RobotState(), values)
            self.sensors[var_id] = (_baked_name(op, values, self.lang),
                                    R.to_text(unknown) if isinstance(unknown, bool) else unknown)
        var = {"opcode": "data_variable", "next": None, "inputs": {},
               "fields": {"VARIABLE": [self.sensors[var_id][0], var_id]}, "shadow": False}
        if spec.kind == "reporter":
            b.update(var, parent=b.get("parent"))
            b.pop("mutation", None)
            return {}
        # a boolean: <(variable) = [true]>, the hexagon Scratch lets sit in a condition
        vid = _fresh(self.blocks, f"{bid}-sensor")
        b.update(opcode="operator_equals", fields={},
                 inputs={"OPERAND1": [3, vid, [10, ""]], "OPERAND2": [1, [10, _TRUE]]})
        b.pop("mutation", None)
        return {vid: {**var, "parent": bid, "topLevel": False}}

    def definitions(self) -> None:
        """The empty custom blocks the calls need, in a column right of the scripts, under
        a note saying what they are."""
        tops = [b for b in self.blocks.values() if isinstance(b, dict) and b.get("topLevel")]
        x = max((float(b.get("x", 0)) for b in tops), default=0) + 600
        y = min((float(b.get("y", 0)) for b in tops), default=0)
        self.note(x, y)
        for n, op in enumerate(self.used):
            short = op.removeprefix(f"{R.EXTENSION_ID}_")
            did = _fresh(self.blocks, f"{DEF_PREFIX}{short}")
            pid = _fresh(self.blocks, f"robotproto-{short}")
            args = ordered_args(op, self.lang)
            proto_inputs = {}
            for a in args:
                aid = _fresh(self.blocks, f"robotarg-{short}-{a.name}")
                proto_inputs[a.name] = [1, aid]
                self.blocks[aid] = {
                    "opcode": "argument_reporter_string_number", "next": None, "parent": pid,
                    "inputs": {}, "fields": {"VALUE": [self.arg_name(a), None]},
                    "shadow": True, "topLevel": False}
            self.blocks[did] = {
                "opcode": "procedures_definition", "next": None, "parent": None,
                "inputs": {"custom_block": [1, pid]}, "fields": {}, "shadow": False,
                "topLevel": True, "x": x, "y": y + 200 + 110 * n}
            self.blocks[pid] = {
                "opcode": "procedures_prototype", "next": None, "parent": did,
                "inputs": proto_inputs, "fields": {}, "shadow": True, "topLevel": False,
                "mutation": _mutation(proccode(op, self.lang), [a.name for a in args],
                                      [self.arg_name(a) for a in args])}

    def arg_name(self, a: R.Arg) -> str:
        return text(f"export.arg.{a.name}", self.lang)

    def note(self, x: float, y: float) -> None:
        comments = self.target.setdefault("comments", {})
        comments[_fresh(comments, NOTE_ID)] = {
            "blockId": None, "x": x, "y": y, "width": 420, "height": 160, "minimized": False,
            "text": text("export.note", self.lang)}


def _add_sensor_variables(data: dict[str, Any], sensors: dict[str, tuple[str, Any]]) -> None:
    stage = data["targets"][0]
    taken = {v[0] for t in data["targets"] for k, v in t.get("variables", {}).items()
             if k not in sensors}
    variables = stage.setdefault("variables", {})
    for var_id, (name, value) in sensors.items():
        if var_id in variables:
            continue
        # Scratch refuses two variables of one name; the id, not the name, reads back
        while name in taken:
            name += " (robot)"
        taken.add(name)
        variables[var_id] = [name, value]
        sensors[var_id] = (name, value)
    for target in data["targets"]:
        for b in target.get("blocks", {}).values():
            if isinstance(b, dict) and b.get("opcode") == "data_variable":
                field = b.get("fields", {}).get("VARIABLE")
                if field and len(field) > 1 and field[1] in sensors:
                    field[0] = sensors[field[1]][0]


def _export_monitor(m: Any, lang: str, sensors: dict[str, tuple[str, Any]]) -> Any:
    """A robot reporter's monitor becomes its variable's monitor."""
    if not isinstance(m, dict) or m.get("opcode") not in R.BLOCKS:
        return m
    op = m["opcode"]
    spec = R.BLOCKS[op]
    if spec.kind not in ("reporter", "boolean"):
        return None
    params = m.get("params") if isinstance(m.get("params"), dict) else {}
    values = {a.name: str(params.get(a.name, a.default)) for a in spec.args}
    var_id = _sensor_id(op, values)
    if var_id not in sensors:
        unknown = spec.run(R.RobotState(), values)
        sensors[var_id] = (_baked_name(op, values, lang),
                           R.to_text(unknown) if isinstance(unknown, bool) else unknown)
    return {**m, "id": var_id, "opcode": "data_variable", "spriteName": None,
            "params": {"VARIABLE": sensors[var_id][0]}}


# -- import ----------------------------------------------------------------------------------
def import_from_scratch(project_data: dict[str, Any]) -> dict[str, Any]:
    """The project with exported robot blocks read back as robot blocks. A project without
    any is returned as it is (the same object)."""
    if not _has_exported_blocks(project_data):
        return project_data
    data = copy.deepcopy(project_data)
    found = False
    for target in data["targets"]:
        found = _Importer(target).run() or found
    used = _variables_in_use(data)
    for target in data["targets"]:
        variables = target.get("variables", {})
        for var_id in [k for k in variables if _parse_sensor_id(k) and k not in used]:
            del variables[var_id]
    if isinstance(data.get("monitors"), list):
        data["monitors"] = [_import_monitor(m) for m in data["monitors"]]
    if found:
        exts = data.get("extensions")
        if not isinstance(exts, list):
            exts = data["extensions"] = []
        if R.EXTENSION_ID not in exts:
            exts.append(R.EXTENSION_ID)
    return data


def _variables_in_use(data: dict[str, Any]) -> set[str]:
    """Ids of the variables blocks still name (a "set" block the child added in Scratch)."""
    used = set()
    for target in data["targets"]:
        for b in target.get("blocks", {}).values():
            if isinstance(b, list) and len(b) >= 3 and b[0] == 12:
                used.add(b[2])
            elif isinstance(b, dict):
                used.update(f[1] for f in b.get("fields", {}).values()
                            if isinstance(f, list) and len(f) > 1 and isinstance(f[1], str))
                used.update(i[2] for inp in b.get("inputs", {}).values()
                            if isinstance(inp, list) for i in inp[1:]
                            if isinstance(i, list) and len(i) >= 3 and i[0] == 12)
    return used


def _has_exported_blocks(data: dict[str, Any]) -> bool:
    commands = _commands()
    for target in data.get("targets", []):
        if not isinstance(target, dict):
            continue
        if any(_parse_sensor_id(k) for k in target.get("variables", {}) or {}):
            return True
        for b in (target.get("blocks") or {}).values():
            if isinstance(b, dict) and b.get("opcode") in ("procedures_call",
                                                           "procedures_prototype"):
                code = _unescape(str(b.get("mutation", {}).get("proccode", "")))
                if b["opcode"] == "procedures_call" and \
                        b.get("mutation", {}).get("proccode") in commands:
                    return True
                if b["opcode"] == "procedures_prototype" and _match_hat(code):
                    return True
    return False


def _match_hat(name: str) -> tuple[str, str, list[str]] | None:
    for rx, op, lang in _hats():
        if m := rx.fullmatch(name):
            return op, lang, list(m.groups())
    return None


def _input_value(arg: R.Arg, value: str) -> list[Any]:
    code = {"number": 4, "text": 10}.get(arg.kind, 9 if _COLOUR.fullmatch(value) else 10)
    return [1, [code, value]]


class _Importer:
    def __init__(self, target: dict[str, Any]) -> None:
        self.target = target
        self.blocks: dict[str, Any] = target.get("blocks", {})
        self.gone: set[str] = set()

    def run(self) -> bool:
        if not isinstance(self.blocks, dict):
            return False
        self.expand_compact_sensors()
        definitions = self.definitions()
        calls = self.calls()
        found = self.hats(calls)
        found = self.commands(definitions, calls) or found
        found = self.sensors() or found
        for bid in self.gone:
            self.blocks.pop(bid, None)
        self.tidy_comments()
        return found

    def definitions(self) -> dict[str, tuple[str, str]]:
        """proccode -> (definition id, prototype id), the first of each (as Scratch)."""
        out: dict[str, tuple[str, str]] = {}
        for bid, b in self.blocks.items():
            if isinstance(b, dict) and b.get("opcode") == "procedures_definition":
                inp = b.get("inputs", {}).get("custom_block")
                pid = inp[1] if isinstance(inp, list) and len(inp) > 1 else None
                proto = self.blocks.get(pid) if isinstance(pid, str) else None
                if isinstance(proto, dict) and isinstance(proto.get("mutation"), dict):
                    out.setdefault(str(proto["mutation"].get("proccode", "")), (bid, pid))
        return out

    def calls(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for bid, b in self.blocks.items():
            if isinstance(b, dict) and b.get("opcode") == "procedures_call":
                code = str(b.get("mutation", {}).get("proccode", ""))
                out.setdefault(code, []).append(bid)
        return out

    def drop_definition(self, did: str, pid: str) -> None:
        self.gone.add(did)
        self.gone.add(pid)
        for inp in self.blocks[pid].get("inputs", {}).values():
            if isinstance(inp, list) and len(inp) > 1 and isinstance(inp[1], str):
                self.gone.add(inp[1])

    def hats(self, calls: dict[str, list[str]]) -> bool:
        found = False
        for bid, b in list(self.blocks.items()):
            if not isinstance(b, dict) or b.get("opcode") != "procedures_definition":
                continue
            inp = b.get("inputs", {}).get("custom_block")
            pid = inp[1] if isinstance(inp, list) and len(inp) > 1 else None
            proto = self.blocks.get(pid) if isinstance(pid, str) else None
            if not isinstance(proto, dict):
                continue
            code = str(proto.get("mutation", {}).get("proccode", ""))
            match = _match_hat(_unescape(code))
            if match is None or code in calls or _json_list(
                    proto.get("mutation", {}).get("argumentids")):
                continue  # a custom block that something uses stays one
            op, lang, words = match
            fields, inputs = {}, {}
            for a, w in zip(ordered_args(op, lang), words, strict=True):
                if a.kind == "menu":
                    fields[a.name] = [_menu_value(a, w, lang), None]
                else:
                    inputs[a.name] = _input_value(a, w)
            assert isinstance(pid, str)
            self.drop_definition(bid, pid)
            self.gone.discard(bid)
            b.update(opcode=op, inputs=inputs, fields=fields)
            found = True
        return found

    def commands(self, definitions: dict[str, tuple[str, str]],
                 calls: dict[str, list[str]]) -> bool:
        found = False
        table = _commands()
        for code, ids in calls.items():
            if code not in table:
                continue
            defined = definitions.get(code)
            if defined and self.blocks[defined[0]].get("next"):
                continue  # a learner's own block of that name, with its own script
            op, lang = table[code]
            kept = [bid for bid in ids if not self.command(self.blocks[bid], op, lang)]
            found = found or len(kept) < len(ids)
            if defined and not kept:
                self.drop_definition(*defined)
        # empty robot definitions nothing calls any more (the child removed the calls)
        for code, defined in definitions.items():
            if code in table and code not in calls and not self.blocks[defined[0]].get("next"):
                self.drop_definition(*defined)
        return found

    def command(self, b: Block, op: str, lang: str) -> bool:
        """Turn a call into the robot command; False (and unchanged) when it cannot be."""
        args = ordered_args(op, lang)
        ids = _json_list(b.get("mutation", {}).get("argumentids"))
        if len(ids) != len(args):
            return False
        old = b.get("inputs", {})
        fields: dict[str, Any] = {}
        inputs: dict[str, Any] = {}
        for a, aid in zip(args, ids, strict=True):
            inp = old.get(aid)
            if a.kind == "menu":
                if inp is None:
                    continue
                lit = _only_literal(self.blocks, inp)
                if lit is None:
                    return False  # a block in a menu: a robot menu holds only a value
                fields[a.name] = [_menu_value(a, _literal_text(lit[1]), lang), None]
            elif inp is not None:
                inputs[a.name] = _retype(self.blocks, inp, 10, 9) if a.kind == "colour" \
                    else inp
        for a, aid in zip(args, ids, strict=True):
            inp = old.get(aid)
            if a.kind == "menu" and isinstance(inp, list):
                self.gone.update(i for i in inp[1:] if isinstance(i, str))
        inputs |= {k: v for k, v in old.items() if k not in ids}
        b.update(opcode=op, inputs=inputs, fields=fields)
        b.pop("mutation", None)
        return True

    def expand_compact_sensors(self) -> None:
        """Scratch saves a variable inside an input as [12, name, id]: give each sensor
        variable its own block again, so it can become the robot block."""
        for bid, b in list(self.blocks.items()):
            if isinstance(b, list) and len(b) >= 3 and b[0] == 12 and _parse_sensor_id(b[2]):
                self.blocks[bid] = {"opcode": "data_variable", "next": None, "parent": None,
                                    "inputs": {}, "fields": {"VARIABLE": [b[1], b[2]]},
                                    "shadow": False, "topLevel": True,
                                    "x": b[3] if len(b) > 3 else 0,
                                    "y": b[4] if len(b) > 4 else 0}
                continue
            if not isinstance(b, dict):
                continue
            for name, inp in b.get("inputs", {}).items():
                if not (isinstance(inp, list) and len(inp) > 1 and isinstance(inp[1], list)
                        and len(inp[1]) >= 3 and inp[1][0] == 12
                        and _parse_sensor_id(inp[1][2])):
                    continue
                vid = _fresh(self.blocks, f"{bid}-{name}")
                self.blocks[vid] = {"opcode": "data_variable", "next": None, "parent": bid,
                                    "inputs": {},
                                    "fields": {"VARIABLE": [inp[1][1], inp[1][2]]},
                                    "shadow": False, "topLevel": False}
                inp[1] = vid

    def sensors(self) -> bool:
        found = False
        for bid, b in list(self.blocks.items()):
            if not isinstance(b, dict) or b.get("opcode") != "data_variable":
                continue
            field = b.get("fields", {}).get("VARIABLE")
            parsed = _parse_sensor_id(field[1] if field and len(field) > 1 else None)
            if parsed is None:
                continue
            op, values = parsed
            fields, inputs = {}, {}
            for a in R.BLOCKS[op].args:
                value = values.get(a.name, _literal_text(a.default))
                if a.kind == "menu":
                    fields[a.name] = [value, None]
                else:
                    inputs[a.name] = _input_value(a, value)
            b.update(opcode=op, inputs=inputs, fields=fields)
            found = True
            parent = self.blocks.get(b.get("parent"))
            if R.BLOCKS[op].kind == "boolean" and self.is_wrapper(parent, bid):
                # <(sensor) = [true]> was the boolean itself: it takes the equals' place
                assert isinstance(parent, dict)
                self.gone.add(bid)
                self.gone.update(i for i in parent["inputs"]["OPERAND2"][1:]
                                 if isinstance(i, str))
                parent.update(opcode=op, inputs=inputs, fields=fields)
        return found

    def is_wrapper(self, parent: object, bid: str) -> bool:
        if not isinstance(parent, dict) or parent.get("opcode") != "operator_equals":
            return False
        inputs = parent.get("inputs", {})
        one, two = inputs.get("OPERAND1"), inputs.get("OPERAND2")
        if set(inputs) != {"OPERAND1", "OPERAND2"} or not isinstance(one, list) \
                or len(one) < 2 or one[1] != bid:
            return False
        lit = _only_literal(self.blocks, two)
        return lit is not None and _literal_text(lit[1]) == _TRUE

    def tidy_comments(self) -> None:
        comments = self.target.get("comments")
        if not isinstance(comments, dict):
            return
        for cid in [c for c in comments if c == NOTE_ID or c.startswith(f"{NOTE_ID}-")]:
            del comments[cid]
        for c in comments.values():
            # a child's comment on a definition that is gone stays, on the workspace
            if isinstance(c, dict) and c.get("blockId") in self.gone:
                c["blockId"] = None


def _import_monitor(m: Any) -> Any:
    if not isinstance(m, dict) or m.get("opcode") != "data_variable":
        return m
    parsed = _parse_sensor_id(m.get("id"))
    if parsed is None:
        return m
    op, values = parsed
    return {**m, "id": op, "opcode": op, "params": values}


# -- the .sb3 file ---------------------------------------------------------------------------
def source_assets(path: str | Path) -> dict[str, bytes]:
    """The files of an .sb3 by name (its top folder taken off), for copying its costumes
    and sounds; nothing for a bare project.json. Call after sb3.read_project has
    checked the file (sizes, names, zip bombs)."""
    try:
        with zipfile.ZipFile(path) as zf:
            out = {}
            for info in zf.infolist():
                if info.is_dir() or info.filename.endswith("project.json"):
                    continue
                out[info.filename.split("/", 1)[-1]] = zf.read(info)
            return out
    except (zipfile.BadZipFile, OSError):
        return {}


def _asset_files(data: dict[str, Any], assets: dict[str, bytes]) -> dict[str, bytes]:
    """Every costume's and sound's file: copied when the source has it, else Scratch's
    blank costume or a silent sound (the asset's id changed to match)."""
    files: dict[str, bytes] = {}
    for target in data.get("targets", []):
        for kind in ("costumes", "sounds"):
            for asset in target.get(kind, []):
                name = asset.get("md5ext") or f"{asset.get('assetId')}.{asset.get('dataFormat')}"
                if name in assets:
                    files[name] = assets[name]
                    continue
                if kind == "costumes":
                    asset.update(assetId=BLANK_SVG_ID, dataFormat="svg",
                                 md5ext=f"{BLANK_SVG_ID}.svg")
                    asset.pop("bitmapResolution", None)
                    files[asset["md5ext"]] = BLANK_SVG
                else:
                    asset.update(assetId=SILENT_WAV_ID, dataFormat="wav",
                                 md5ext=f"{SILENT_WAV_ID}.wav", rate=_WAV_RATE, sampleCount=1)
                    files[asset["md5ext"]] = SILENT_WAV
    return files


def sb3_bytes(data: dict[str, Any], assets: dict[str, bytes] | None = None) -> bytes:
    """An .sb3 of an exported project: project.json and every asset it names."""
    data = copy.deepcopy(data)
    files = _asset_files(data, assets or {})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.json", json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        for name, blob in files.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def write_scratch_sb3(project_data: dict[str, Any], out: str | Path, lang: str,
                      assets: dict[str, bytes] | None = None) -> None:
    """Export the project for Scratch into `out` (.sb3), atomically: a reader never sees
    half a file. OSError if it cannot be written; ExportError if it cannot be exported."""
    blob = sb3_bytes(export_for_scratch(project_data, lang), assets)
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

