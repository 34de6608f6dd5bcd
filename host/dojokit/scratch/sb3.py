"""Read a Scratch 3 project (.sb3 or a bare project.json) and check it before anything runs it.

Every problem becomes a `ProjectError` whose text is one translated sentence for a child or a
teacher, so the CLI never shows a traceback. The checks follow scratch-vm 5.0.300
(scratch-parser's unpack and sb3 schema, serialization/sb3.js): what Scratch accepts we accept,
except that we are stricter wherever the runtime would otherwise crash or hang later.
`data` stays the JSON as saved (only stray blocks with a lost parent are dropped, as
scratch-vm never runs them); the runtime applies Scratch's load-time fixes itself
(currentCostume clamping, direction wrapping, default layer order).
"""

from __future__ import annotations

import json
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from dojokit.i18n import t

MB = 1024 * 1024
# Largest file we open at all; nothing Scratch saves for a club robot comes near this.
MAX_FILE_BYTES = 64 * MB
# project.json unpacked; Scratch's own website refuses far smaller ones.
MAX_JSON_BYTES = 32 * MB
# Sum of every member's unpacked size, as the zip directory states it.
MAX_TOTAL_BYTES = 64 * MB
MAX_MEMBERS = 1000
# The zip directory is parsed into memory before we can count it: bound its bytes first.
MAX_DIRECTORY_BYTES = MAX_MEMBERS * 1024
# JSON, SVG and WAV deflate 3-20x; zip bombs reach 1000x. Small members may compress as they like.
MAX_RATIO = 200
# Blocks inside blocks (C-blocks, reporters in inputs): the compiler handles any depth, but
# running code this deep nests a Python frame per ten levels (docs/scratch.md).
MAX_NESTING = 3000
RATIO_FLOOR = 1 * MB
READ_CHUNK = 1 * MB
MAX_LISTED_OPCODES = 10

_ZIP_MAGIC = b"PK"
# scratch-parser calls anything starting with "Scr" a Scratch 1.4 file; the full magic is safer.
_SB1_MAGIC = b"ScratchV0"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# scratch-parser strips backspace escapes before JSON.parse (LLK/scratch-vm#1077)
_BACKSPACE = re.compile(r"(\\+)(b|u0008)")
_ROTATION_STYLES = ("all around", "don't rotate", "left-right")
# Opcode prefixes scratch-vm loads without an extension (serialization/sb3.js CORE_EXTENSIONS)
# and the extensions it has built in (extension-manager.js): a block it does not know under
# one of these loads and does nothing. Any other prefix names an extension scratch-vm must
# fetch, so it cannot open the project at all.
_LOADABLE_PREFIXES = frozenset({
    "", "argument", "colour", "control", "data", "event", "looks", "math", "motion",
    "operator", "procedures", "sensing", "sound", "coreExample", "pen", "wedo2", "music",
    "microbit", "text2speech", "translate", "videoSensing", "ev3", "makeymakey", "boost",
    "gdxfor"})


class ProjectError(Exception):
    """A project that cannot be run; str() is one translated sentence saying what to do."""

    def __init__(self, key: str, **fields: object) -> None:
        self.key = key
        super().__init__(t(key, **fields))


@dataclass
class ProjectFile:
    data: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    name: str = ""
    # opcodes of blocks that load but do nothing here (only with unknown_ok), each once
    idle: list[str] = field(default_factory=list)


def read_project(path: str | Path, known_opcodes: Collection[str],
                 unknown_ok: bool = False) -> ProjectFile:
    """Load and check the project at `path` (an .sb3 zip or a project.json, told by content).

    A block not in `known_opcodes` refuses the project, unless `unknown_ok`: then, as in
    scratch-vm, it loads and does nothing (one warning lists them), and only a block of an
    extension scratch-vm cannot load either still refuses it."""
    path = Path(path)
    with _open(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        head = fh.read(len(_SB1_MAGIC))
        fh.seek(0)
        if head.startswith(_ZIP_MAGIC):
            if size > MAX_FILE_BYTES:
                raise ProjectError("project.too_big", limit=MAX_TOTAL_BYTES // MB)
            raw, members = _read_zip(fh, size)
        elif head.startswith(_SB1_MAGIC):
            raise ProjectError("project.scratch1")
        else:
            raw = fh.read(MAX_JSON_BYTES + 1)
            if len(raw) > MAX_JSON_BYTES:
                raise ProjectError("project.code_too_big", limit=MAX_JSON_BYTES // MB)
            members = None
            if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
                raise ProjectError("project.not_scratch")
    data = _parse_json(raw)
    if "targets" not in data and ("objName" in data or "children" in data):
        raise ProjectError("project.scratch2")
    checker = _Checker(frozenset(known_opcodes))
    checker.check(data)
    idle: list[tuple[str, str, str]] = []
    if unknown_ok:
        idle = [u for u in checker.unknown if _loadable(u[0])]
        checker.unknown = [u for u in checker.unknown if not _loadable(u[0])]
    checker.raise_unknown_opcodes()
    # a copy made by "Export for Scratch" reads back as robot blocks; others stay as they are
    from dojokit.scratch.scratch_export import import_from_scratch

    data = import_from_scratch(data)
    warnings = []
    # a bare project.json has no pictures by nature; only an .sb3 lacking some is news
    costumes, sounds = _missing_assets(data, members) if members is not None else (0, 0)
    if costumes or sounds:
        warnings.append(t("project.missing_assets", costumes=costumes, sounds=sounds))
    if idle:
        warnings.append(t("wild.idle_blocks", count=len(idle), blocks=_listing(idle)))
    return ProjectFile(data=data, warnings=warnings, name=path.stem,
                       idle=list(dict.fromkeys(u[0] for u in idle)))


def _loadable(opcode: str) -> bool:
    # scratch-vm's getExtensionIdForOpcode: the part before the first "_"
    return opcode.partition("_")[0] in _LOADABLE_PREFIXES if "_" in opcode else True


# --- the file and the zip ------------------------------------------------------------------


def _open(path: Path) -> IO[bytes]:
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise ProjectError("project.not_found", path=path) from None
    except (OSError, ValueError):
        raise ProjectError("project.unreadable", path=path) from None
    if stat.S_ISDIR(mode):
        raise ProjectError("project.is_directory", path=path)
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise ProjectError("project.not_found", path=path) from None
    except OSError:
        raise ProjectError("project.unreadable", path=path) from None


def _directory_size(fh: IO[bytes], size: int) -> tuple[int, int] | None:
    """(members, bytes) of the zip directory from its end record, or None if there is none.

    zipfile would parse the whole directory into memory before we could count it.
    """
    tail_len = min(size, 22 + 0xFFFF)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    members, dir_bytes = struct.unpack_from("<HL", tail, at + 10)
    zip64 = at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07"
    if (members == 0xFFFF or dir_bytes == 0xFFFFFFFF) and zip64:
        (record_at,) = struct.unpack_from("<Q", tail, at - 12)
        fh.seek(record_at)
        record = fh.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            members, dir_bytes = struct.unpack_from("<QQ", record, 32)
    return members, dir_bytes


def _unsafe(name: str) -> bool:
    parts = re.split(r"[/\\]", name)
    return name.startswith(("/", "\\")) or bool(re.match(r"[A-Za-z]:", name)) or ".." in parts


def _read_zip(fh: IO[bytes], size: int) -> tuple[bytes, set[str]]:
    """project.json's bytes and the names of every member, checked against the limits."""
    directory = _directory_size(fh, size)
    if directory and directory[0] > MAX_MEMBERS:
        raise ProjectError("project.too_many_files", count=directory[0], limit=MAX_MEMBERS)
    if directory and directory[1] > MAX_DIRECTORY_BYTES:
        raise ProjectError("project.damaged_zip")
    fh.seek(0)
    try:
        with zipfile.ZipFile(fh) as zf:
            infos = zf.infolist()
            _check_directory(infos)
            info = _find_project_json(infos)
            raw = _read_member(zf, info)
    except ProjectError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, struct.error):
        # damaged data, bad CRC, encrypted or unsupported compression
        raise ProjectError("project.damaged_zip") from None
    return raw, {i.filename for i in infos if not i.is_dir()}


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ProjectError("project.too_many_files", count=len(infos), limit=MAX_MEMBERS)
    for info in infos:
        if _unsafe(info.filename):
            raise ProjectError("project.unsafe_name", name=_short(info.filename))
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise ProjectError("project.zip_bomb", name=_short(info.filename), ratio=MAX_RATIO)
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise ProjectError("project.too_big", limit=MAX_TOTAL_BYTES // MB)


def _find_project_json(infos: list[zipfile.ZipInfo]) -> zipfile.ZipInfo:
    # like scratch-parser: at the top, or inside one folder (a zipped project folder)
    for wanted in ("project.json", "sprite.json"):
        found = [i for i in infos if re.fullmatch(rf"([^/]*/)?{re.escape(wanted)}", i.filename)]
        top = [i for i in found if i.filename == wanted]
        if found and wanted == "sprite.json":
            raise ProjectError("project.sprite3")
        if found:
            return (top or found)[0]
    raise ProjectError("project.no_project_json")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    if info.file_size > MAX_JSON_BYTES:
        raise ProjectError("project.code_too_big", limit=MAX_JSON_BYTES // MB)
    chunks: list[bytes] = []
    total = 0
    with zf.open(info) as member:
        # the directory may lie about sizes: count what really comes out
        while chunk := member.read(READ_CHUNK):
            total += len(chunk)
            if total > MAX_JSON_BYTES:
                raise ProjectError("project.code_too_big", limit=MAX_JSON_BYTES // MB)
            if total > RATIO_FLOOR and total > MAX_RATIO * info.compress_size:
                raise ProjectError("project.zip_bomb", name=_short(info.filename), ratio=MAX_RATIO)
            chunks.append(chunk)
    return b"".join(chunks)


# --- JSON --------------------------------------------------------------------------------


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    # NaN and Infinity are Python extensions; JavaScript's JSON.parse (so Scratch) refuses them
    raise _NotJson(name)


def _unbackspace(match: re.Match[str]) -> str:
    slashes = match.group(1)
    if len(slashes) % 2:
        return slashes[:-1]
    return match.group(0)


def _parse_json(raw: bytes) -> dict[str, Any]:
    text = raw.decode("utf-8", errors="replace").removeprefix("\ufeff")
    text = _BACKSPACE.sub(_unbackspace, text)
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ProjectError("project.bad_json", line=exc.lineno, column=exc.colno) from None
    except (ValueError, RecursionError, MemoryError):
        # NaN, a number too long for Python, or nesting deeper than any project has
        raise ProjectError("project.json_unreadable") from None
    if not isinstance(data, dict):
        raise ProjectError("project.not_scratch")
    return data


# --- the project's structure ---------------------------------------------------------------


def _short(value: object, limit: int = 40) -> str:
    """A name or id fit for a one-line message."""
    text = _CONTROL.sub(" ", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key(key: str) -> str:
    return json.dumps(_short(key), ensure_ascii=False)


def _is_num(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value: object) -> bool:
    # JSON 1.0 is a whole number to JavaScript, and to scratch-parser's "integer"
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | bool) or _is_num(value)


def _is_type(value: object, code: int | tuple[int, ...]) -> bool:
    codes = code if isinstance(code, tuple) else (code,)
    return type(value) is int and value in codes


def _json_list(value: object, item: Callable[[object], bool]) -> bool:
    """A mutation's list, stored as JSON text inside the JSON."""
    if not isinstance(value, str):
        return False
    try:
        items = json.loads(value, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return False
    return isinstance(items, list) and all(item(i) for i in items)


def _is_warp(value: object) -> bool:
    return value is None or isinstance(value, bool) or value in ("true", "false", "null")


class _Checker:
    """Walks the project once: raises on the first broken part, collects unknown opcodes."""

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.where: str | None = None
        self.block: str | None = None
        self.unknown: list[tuple[str, str, str]] = []

    def fail(self, problem: str, **fields: object) -> NoReturn:
        text = t(f"project.problem.{problem}", **fields)
        if self.where is None:
            raise ProjectError("project.broken", problem=text)
        if self.block is None:
            raise ProjectError("project.broken_in", where=self.where, problem=text)
        raise ProjectError("project.broken_block", where=self.where, block=self.block, problem=text)

    def need(self, ok: bool, part: str, kind: str) -> None:
        if not ok:
            self.fail("type", part=part, kind=t(f"project.kind.{kind}"))

    def optional(self, obj: dict[str, Any], key: str, ok: Callable[[object], bool],
                 kind: str) -> None:
        if key in obj:
            self.need(ok(obj[key]), key, kind)

    def required(self, obj: dict[str, Any], key: str, ok: Callable[[object], bool],
                 kind: str, part: str | None = None) -> None:
        part = part or key
        if key not in obj:
            self.fail("missing", part=part)
        self.need(ok(obj[key]), part, kind)

    # project and targets

    def check(self, data: dict[str, Any]) -> None:
        self.required(data, "targets", lambda v: isinstance(v, list), "list")
        targets = data["targets"]
        if not targets:
            raise ProjectError("project.no_stage")
        for index, target in enumerate(targets):
            self.need(isinstance(target, dict), f"targets[{index}]", "object")
        if "monitors" in data:
            monitors = data["monitors"]
            # scratch-vm saves `null` for projects that never showed a monitor
            self.need(monitors is None or isinstance(monitors, list), "monitors", "list")
            for index, monitor in enumerate(monitors or []):
                self.need(isinstance(monitor, dict), f"monitors[{index}]", "object")
        for index, target in enumerate(targets):
            self.check_target(index, target)
            self.where = self.block = None

    def check_target(self, index: int, target: dict[str, Any]) -> None:
        name = target.get("name")
        is_stage = target.get("isStage")
        if is_stage is True:
            self.where = t("project.where.stage")
        elif isinstance(name, str):
            self.where = t("project.where.sprite", name=_short(name))
        else:
            self.where = t("project.where.target", index=index + 1)
        self.required(target, "name", lambda v: isinstance(v, str), "text")
        self.required(target, "isStage", lambda v: isinstance(v, bool), "bool")
        if is_stage != (index == 0):
            raise ProjectError("project.no_stage")
        if not is_stage and name == "_stage_":
            # the runtime's menus use this name for the stage itself
            self.fail("bad_value", part="name", value=name)

        self.required(target, "variables", lambda v: isinstance(v, dict), "object")
        for key, var in target["variables"].items():
            self.need(isinstance(var, list) and len(var) in (2, 3) and isinstance(var[0], str)
                      and _is_scalar(var[1]) and (len(var) == 2 or var[2] is True),
                      f"variables[{_key(key)}]", "variable")
        self.optional(target, "lists", lambda v: isinstance(v, dict), "object")
        for key, lst in target.get("lists", {}).items():
            self.need(isinstance(lst, list) and len(lst) == 2 and isinstance(lst[0], str)
                      and isinstance(lst[1], list) and all(_is_scalar(v) for v in lst[1]),
                      f"lists[{_key(key)}]", "list_entry")
        self.optional(target, "broadcasts", lambda v: isinstance(v, dict), "object")
        for key, message in target.get("broadcasts", {}).items():
            self.need(isinstance(message, str), f"broadcasts[{_key(key)}]", "text")

        self.required(target, "costumes", lambda v: isinstance(v, list), "list")
        if not target["costumes"]:
            self.fail("empty", part="costumes")
        self.required(target, "sounds", lambda v: isinstance(v, list), "list")
        for kind in ("costumes", "sounds"):
            for number, asset in enumerate(target[kind]):
                part = f"{kind}[{number}]"
                self.need(isinstance(asset, dict), part, "object")
                for key in ("name", "assetId", "dataFormat"):
                    self.required(asset, key, lambda v: isinstance(v, str), "text",
                                  part=f"{part}.{key}")
                if "md5ext" in asset:
                    self.need(isinstance(asset["md5ext"], str), f"{part}.md5ext", "text")

        self.optional(target, "currentCostume", lambda v: _is_whole(v) and v >= 0, "whole")
        self.optional(target, "layerOrder", lambda v: _is_whole(v) and v >= 0, "whole")
        self.optional(target, "volume", _is_num, "number")
        self.optional(target, "tempo", _is_num, "number")
        if not is_stage:
            for key in ("x", "y", "size", "direction"):
                self.optional(target, key, _is_num, "number")
            for key in ("visible", "draggable"):
                self.optional(target, key, lambda v: isinstance(v, bool), "bool")
            if "rotationStyle" in target and target["rotationStyle"] not in _ROTATION_STYLES:
                self.fail("bad_value", part="rotationStyle", value=_short(target["rotationStyle"]))

        self.required(target, "blocks", lambda v: isinstance(v, dict), "object")
        self.check_blocks(target["blocks"])

    # blocks

    def check_blocks(self, blocks: dict[str, Any]) -> None:
        _skip_orphans(blocks)
        for block_id, block in blocks.items():
            self.block = _short(block_id)
            if isinstance(block, list):
                # a variable or list reporter lying loose in the scripts area
                self.need(_is_type(block[0] if block else None, (12, 13))
                          and self.is_reporter(block), f"blocks[{_key(block_id)}]", "block")
            elif isinstance(block, dict):
                self.check_block(block, blocks)
                if block["opcode"] not in self.known:
                    self.unknown.append((block["opcode"], self.where or "", self.block))
            else:
                self.need(False, f"blocks[{_key(block_id)}]", "block")
        self.block = None
        self.check_loops(blocks)

    @staticmethod
    def is_reporter(value: list[Any]) -> bool:
        """[12 or 13, name, id] with an optional x and y."""
        return (3 <= len(value) <= 5 and isinstance(value[1], str) and isinstance(value[2], str)
                and all(_is_num(v) for v in value[3:]))

    def check_block(self, block: dict[str, Any], blocks: dict[str, Any]) -> None:
        self.required(block, "opcode", lambda v: isinstance(v, str), "text")
        for key in ("next", "parent"):
            self.optional(block, key, lambda v: v is None or isinstance(v, str), "block_id")
            if isinstance(block.get(key), str):
                self.points_to_block(block[key], key, blocks)
        for key in ("shadow", "topLevel"):
            self.optional(block, key, lambda v: isinstance(v, bool), "bool")
        for key in ("x", "y"):
            self.optional(block, key, _is_num, "number")

        self.optional(block, "inputs", lambda v: isinstance(v, dict), "object")
        for name, value in block.get("inputs", {}).items():
            part = f"inputs[{_key(name)}]"
            # [1 or 2, value] or [3, block, shadow]; Scratch itself never writes other forms
            self.need(isinstance(value, list) and len(value) in (2, 3)
                      and _is_type(value[0], (1, 2, 3)), part, "input")
            for item in value[1:]:
                self.check_input_value(item, part, blocks)

        self.optional(block, "fields", lambda v: isinstance(v, dict), "object")
        for name, value in block.get("fields", {}).items():
            self.need(isinstance(value, list) and len(value) in (1, 2)
                      and (value[0] is None or _is_scalar(value[0]))
                      and (len(value) == 1 or value[1] is None or isinstance(value[1], str)),
                      f"fields[{_key(name)}]", "field")

        opcode = block["opcode"]
        needs_mutation = opcode in ("procedures_prototype", "procedures_call")
        if needs_mutation:
            self.required(block, "mutation", lambda v: isinstance(v, dict), "object")
        else:
            self.optional(block, "mutation", lambda v: isinstance(v, dict), "object")
        if "mutation" in block:
            self.check_mutation(block["mutation"], opcode)

    def check_input_value(self, value: object, part: str, blocks: dict[str, Any]) -> None:
        if value is None:
            return
        if isinstance(value, str):
            self.points_to_block(value, part, blocks)
            return
        ok = isinstance(value, list) and len(value) >= 2
        if ok and _is_type(value[0], (4, 5, 6, 7, 8, 10)):
            ok = len(value) == 2 and (isinstance(value[1], str) or _is_num(value[1]))
        elif ok and _is_type(value[0], 9):
            ok = len(value) == 2 and isinstance(value[1], str) and bool(
                _COLOUR.fullmatch(value[1]))
        elif ok and _is_type(value[0], 11):
            ok = len(value) == 3 and isinstance(value[1], str) and isinstance(value[2], str)
        elif ok and _is_type(value[0], (12, 13)):
            ok = self.is_reporter(value)  # type: ignore[arg-type]
        else:
            ok = False
        self.need(ok, part, "input_value")

    def points_to_block(self, target: str, part: str, blocks: dict[str, Any]) -> None:
        if not isinstance(blocks.get(target), dict):
            self.fail("points_nowhere", part=part, target=_short(target))

    def check_mutation(self, mutation: dict[str, Any], opcode: str) -> None:
        procedure = opcode in ("procedures_prototype", "procedures_call")
        for key, ok, kind, needed in (
            ("proccode", lambda v: isinstance(v, str), "text", procedure),
            ("argumentids", lambda v: _json_list(v, lambda i: isinstance(i, str)), "json_list",
             procedure),
            ("argumentnames", lambda v: _json_list(v, lambda i: isinstance(i, str)), "json_list",
             opcode == "procedures_prototype"),
            ("argumentdefaults", lambda v: _json_list(v, lambda i: _is_scalar(i)), "json_list",
             opcode == "procedures_prototype"),
            ("warp", _is_warp, "warp", False),
            ("hasnext", _is_warp, "warp", False),
        ):
            if needed or key in mutation:
                self.required(mutation, key, ok, kind, part=f"mutation.{key}")

    def check_loops(self, blocks: dict[str, Any]) -> None:
        """A chain of blocks that leads back to itself would hang the runtime; blocks more
        than MAX_NESTING deep inside one another (through inputs, not `next`) are refused."""
        # parent: one pointer each, so follow each chain once
        done: set[str] = set()
        for start in blocks:
            seen: set[str] = set()
            at: str | None = start
            while isinstance(at, str) and at not in done:
                if at in seen:
                    self.block = _short(at)
                    self.fail("loop", part="parent")
                seen.add(at)
                block = blocks.get(at)
                at = block.get("parent") if isinstance(block, dict) else None
            done |= seen
        # next and inputs: the blocks below and inside must never include the block itself
        state: dict[str, int] = {}  # 1 = being walked, 2 = finished
        depth: dict[str, int] = {}  # finished: how deep blocks sit inside it
        for start in blocks:
            if start in state:
                continue
            # (block, its children still to see, the part it hangs from, deepest so far)
            stack: list[tuple[str, Iterator[tuple[str, str]], str, list[int]]] = [
                (start, _children(blocks, start), "next", [0])]
            state[start] = 1
            while stack:
                at, children, _, deepest = stack[-1]
                for part, child in children:
                    if state.get(child) == 1:
                        self.block = _short(at)
                        self.fail("loop", part=part)
                    if child not in state:
                        state[child] = 1
                        stack.append((child, _children(blocks, child), part, [0]))
                        break
                    deepest[0] = max(deepest[0], depth[child] + (part != "next"))
                else:
                    state[at] = 2
                    depth[at] = deepest[0]
                    if deepest[0] > MAX_NESTING:
                        raise ProjectError("compile.too_deep", where=self.where,
                                           limit=MAX_NESTING)
                    part = stack.pop()[2]
                    if stack:
                        parent = stack[-1][3]
                        parent[0] = max(parent[0], deepest[0] + (part != "next"))
        self.block = None

    def raise_unknown_opcodes(self) -> None:
        if not self.unknown:
            return
        raise ProjectError("project.unknown_blocks", count=len(self.unknown),
                           blocks=_listing(self.unknown))


def _listing(unknown: list[tuple[str, str, str]]) -> str:
    """(opcode, where, block id) as one line: each different opcode once first, so the
    shortened list still names them all."""
    firsts: dict[str, int] = {}
    for number, (opcode, _, _) in enumerate(unknown):
        firsts.setdefault(opcode, number)
    order = sorted(range(len(unknown)), key=lambda n: (firsts[unknown[n][0]] != n, n))
    shown = [unknown[n] for n in order[:MAX_LISTED_OPCODES]]
    items = [t("project.unknown_item", opcode=_short(opcode), where=where, block=block)
             for opcode, where, block in shown]
    if len(unknown) > MAX_LISTED_OPCODES:
        items.append(t("project.and_more", count=len(unknown) - MAX_LISTED_OPCODES))
    return ", ".join(items)


def _skip_orphans(blocks: dict[str, Any]) -> None:
    """Drops blocks whose parent is gone and that no block holds (Scratch's editor leaves
    such stray shadows in saved files), then what hung from them. scratch-vm loads them and
    never runs them: they are in no script. A top-level block is a script of its own; a
    block another one holds gets that one as its parent (scratch-vm runs it, never reading
    the parent)."""
    while True:
        held = {item: bid for bid, b in blocks.items() if isinstance(b, dict)
                for item in _links(b)}
        orphans = [bid for bid, b in blocks.items()
                   if isinstance(b, dict) and isinstance(b.get("parent"), str)
                   and not isinstance(blocks.get(b["parent"]), dict)
                   and b.get("topLevel") is not True]
        for bid in orphans:
            if bid in held:
                blocks[bid]["parent"] = held[bid]
            else:
                del blocks[bid]
        if all(bid in held for bid in orphans):
            return


def _links(block: dict[str, Any]) -> Iterator[str]:
    """The block ids a block's `next` and inputs name (not yet checked: any JSON)."""
    if isinstance(block.get("next"), str):
        yield block["next"]
    inputs = block.get("inputs")
    for value in inputs.values() if isinstance(inputs, dict) else ():
        if isinstance(value, list):
            yield from (item for item in value[1:] if isinstance(item, str))


def _children(blocks: dict[str, Any], block_id: str) -> Iterator[tuple[str, str]]:
    """(part, block id) for the next block and every block in an input."""
    block = blocks.get(block_id)
    if not isinstance(block, dict):
        return
    if isinstance(block.get("next"), str):
        yield "next", block["next"]
    for name, value in block.get("inputs", {}).items():
        for item in value[1:]:
            if isinstance(item, str):
                yield f"inputs[{_key(name)}]", item


# --- assets ---------------------------------------------------------------------------------


def _missing_assets(data: dict[str, Any], names: set[str]) -> tuple[int, int]:
    """How many costume and sound files the zip (its member `names`) lacks."""
    # scratch-vm also finds assets inside one top folder
    nested = {n.split("/", 1)[1] for n in names if n.count("/") == 1}

    def missing(asset: dict[str, Any]) -> bool:
        file = asset.get("md5ext") or f"{asset['assetId']}.{asset['dataFormat']}"
        return file not in names and file not in nested

    costumes = sum(missing(c) for target in data["targets"] for c in target["costumes"])
    sounds = sum(missing(s) for target in data["targets"] for s in target["sounds"])
    return costumes, sounds
