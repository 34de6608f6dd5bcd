"""Export for Scratch: a copy vanilla Scratch 3 opens (checked in the reference scratch-vm),
which dojokit reads back as robot blocks and runs with the same output and robot trace."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dojokit.cli.run import cmd_run
from dojokit.scratch import robot_blocks as R
from dojokit.scratch.compiler import KNOWN_OPCODES
from dojokit.scratch.sb3 import read_project
from dojokit.scratch.scratch_export import (
    BLANK_SVG,
    ExportError,
    export_for_scratch,
    import_from_scratch,
    proccode,
    sb3_bytes,
)
from dojokit.themebox import list_boxes

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = sorted(ROOT.glob("themeboxes/*/programs/**/*.json"))
WORLDS = {b.id: b.world_path() for b in list_boxes(ROOT / "themeboxes")}
LANGS = ("nl", "fr", "en")
SCRATCH_VM = ROOT / "tests" / "scratchvm"
RUN_SECONDS = 20.0  # virtual time: long enough for every program to do its part
BLANK_SVG_FILE = hashlib.md5(BLANK_SVG).hexdigest() + ".svg"


def _lang(n: int) -> str:
    return LANGS[n % 3]


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _name(path: Path) -> str:
    return "__".join(path.relative_to(ROOT / "themeboxes").with_suffix("").parts)


def _blocks_json(data: dict[str, Any]) -> str:
    return json.dumps([t["blocks"] for t in data["targets"]])


# -- a program with every robot block, in every form the export knows --------------------
def _b(op: str, parent: str | None = None, nxt: str | None = None, inputs: dict | None = None,
       fields: dict | None = None, top: bool = False, **pos: float) -> dict[str, Any]:
    return {"opcode": op, "next": nxt, "parent": parent, "inputs": inputs or {},
            "fields": fields or {}, "shadow": False, "topLevel": top, **pos}


def every_robot_block() -> dict[str, Any]:
    num = lambda v: [1, [4, str(v)]]  # noqa: E731
    blocks = {
        "flag": _b("event_whenflagclicked", nxt="drive", top=True, x=0, y=0),
        "drive": _b("dojokit_drive", "flag", "driveFor",
                    {"LEFT": num(30), "RIGHT": [3, "dist", [4, "50"]]}),
        "dist": _b("dojokit_distance", "drive"),
        "driveFor": _b("dojokit_driveFor", "drive", "move",
                       {"LEFT": num(-20), "RIGHT": num(20), "SECONDS": num(0.5)}),
        "move": _b("dojokit_move", "driveFor", "moveFor", {"SPEED": num(40)},
                   {"DIRECTION": ["turn_left", None]}),
        "moveFor": _b("dojokit_moveFor", "move", "stop",
                      {"SPEED": num(60), "SECONDS": num(0.3)}, {"DIRECTION": ["backward", None]}),
        "stop": _b("dojokit_stop", "moveFor", "setLight"),
        "setLight": _b("dojokit_setLight", "stop", "setAll",
                       {"INDEX": num(2), "COLOUR": [1, [9, "#ff8000"]]}),
        "setAll": _b("dojokit_setAllLights", "setLight", "image",
                     {"COLOUR": [1, [9, "#00c0ff"]]}),
        "image": _b("dojokit_showImage", "setAll", "text", fields={"IMAGE": ["arrow_up", None]}),
        "text": _b("dojokit_showText", "image", "clear", {"TEXT": [1, [10, "Héllo 100%s"]]}),
        "clear": _b("dojokit_clearDisplay", "text", "note"),
        "note": _b("dojokit_playNote", "clear", "rest", {"NOTE": num(64), "SECONDS": num(0.25)}),
        "rest": _b("dojokit_rest", "note", "say1", {"SECONDS": num(0.25)}),
        "say1": _b("looks_say", "rest", "say2", {"MESSAGE": [3, "level", [10, ""]]}),
        "level": _b("dojokit_lightLevel", "say1"),
        "say2": _b("looks_say", "say1", "say3", {"MESSAGE": [3, "tilt", [10, ""]]}),
        "tilt": _b("dojokit_tilt", "say2", fields={"AXIS": ["y", None]}),
        "say3": _b("looks_say", "say2", "if", {"MESSAGE": [3, "dark", [10, ""]]}),
        "dark": _b("dojokit_lineDark", "say3", fields={"SIDE": ["right", None]}),
        "if": _b("control_if", "say3", "off",
                 {"CONDITION": [2, "notB"], "SUBSTACK": [2, "sayA"]}),
        "notB": _b("operator_not", "if", inputs={"OPERAND": [2, "btn"]}),
        "btn": _b("dojokit_buttonPressed", "notB", fields={"BUTTON": ["B", None]}),
        "sayA": _b("looks_say", "if", None, {"MESSAGE": [1, [10, "no B"]]}),
        "off": _b("dojokit_lightsOff", "if"),
        "whenB": _b("dojokit_whenButtonPressed", nxt="sayB", top=True,
                    fields={"BUTTON": ["B", None]}, x=0, y=600),
        "sayB": _b("looks_say", "whenB", None, {"MESSAGE": [1, [10, "B!"]]}),
        "whenClose": _b("dojokit_whenCloserThan", nxt="stop2", top=True,
                        inputs={"DISTANCE": num(15)}, x=300, y=600),
        "stop2": _b("dojokit_stop", "whenClose"),
        "whenLine": _b("dojokit_whenLineDark", nxt="off2", top=True,
                       fields={"SIDE": ["left", None]}, x=600, y=600),
        "off2": _b("dojokit_lightsOff", "whenLine"),
        "loose": _b("dojokit_distance", top=True, x=900, y=0),
    }
    data = _load(PROGRAMS[0])
    data["targets"][1]["blocks"] = blocks
    data["monitors"] = [{"id": "dojokit_distance", "mode": "default",
                         "opcode": "dojokit_distance", "params": {}, "spriteName": None,
                         "value": 0, "width": 0, "height": 0, "x": 5, "y": 5, "visible": True,
                         "sliderMin": 0, "sliderMax": 100, "isDiscrete": True}]
    return data


def test_the_program_with_every_robot_block_uses_every_robot_block():
    used = {b["opcode"] for b in every_robot_block()["targets"][1]["blocks"].values()}
    assert set(R.BLOCKS) <= used


# -- what the export is --------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_the_export_has_no_robot_block_and_no_extension_and_reads_back_exactly(lang):
    for data in [every_robot_block()] + [_load(p) for p in PROGRAMS]:
        out = export_for_scratch(data, lang)
        ops = {b["opcode"] for t in out["targets"] for b in t["blocks"].values()}
        assert not any(op.startswith("dojokit") for op in ops)
        assert "dojokit" not in out.get("extensions", [])
        back = import_from_scratch(out)
        # every block, input, field, position and id comes back, in the same order
        assert _blocks_json(back) == _blocks_json(data)
        assert [t["variables"] for t in back["targets"]] == \
            [t["variables"] for t in data["targets"]]
        assert [t.get("comments") or {} for t in back["targets"]] == \
            [t.get("comments") or {} for t in data["targets"]]


def test_robot_blocks_become_scratch_s_own_custom_blocks_with_their_label():
    out = export_for_scratch(every_robot_block(), "en")
    blocks = out["targets"][1]["blocks"]
    call = blocks["drive"]
    assert call["opcode"] == "procedures_call"
    assert call["mutation"] == {"tagName": "mutation", "children": [],
                                "proccode": "drive left %n % right %n %",
                                "argumentids": '["LEFT","RIGHT"]', "warp": "false"}
    assert call["inputs"]["LEFT"] == [1, [4, "30"]]
    # a menu is a text input holding the menu's words; a colour is "#rrggbb" text
    assert blocks["move"]["mutation"]["proccode"] == "%s at speed %n %"
    assert blocks["move"]["inputs"]["DIRECTION"] == [1, [10, "turn left"]]
    assert blocks["setLight"]["inputs"]["COLOUR"] == [1, [10, "#ff8000"]]
    # each command used has one empty definition, as Scratch writes it
    protos = {b["mutation"]["proccode"]: b for b in blocks.values()
              if b["opcode"] == "procedures_prototype"}
    drive = protos["drive left %n % right %n %"]
    assert drive["mutation"]["argumentnames"] == '["left","right"]'
    assert drive["mutation"]["argumentdefaults"] == '["",""]'
    assert blocks[drive["parent"]]["opcode"] == "procedures_definition"
    assert blocks[drive["parent"]]["next"] is None
    for _, reporter in drive["inputs"].values():
        assert blocks[reporter]["opcode"] == "argument_reporter_string_number"
    # a hat: a definition named with its values, the script under it
    assert blocks["whenB"]["opcode"] == "procedures_definition"
    assert blocks["whenB"]["next"] == "sayB"
    hat = blocks[blocks["whenB"]["inputs"]["custom_block"][1]]
    assert hat["mutation"]["proccode"] == "when button B pressed"
    close = blocks[blocks["whenClose"]["inputs"]["custom_block"][1]]
    assert close["mutation"]["proccode"] == "when obstacle closer than 15 cm"
    # sensors: global variables holding "nothing seen"; a boolean is <(variable) = [true]>
    assert blocks["dist"]["opcode"] == "data_variable"
    stage_vars = dict(out["targets"][0]["variables"].values())
    assert stage_vars["distance (cm)"] == R.FAR_CM
    assert stage_vars["line sensor right sees dark?"] == "false"
    assert blocks["btn"]["opcode"] == "operator_equals"
    assert blocks["btn"]["inputs"]["OPERAND2"] == [1, [10, "true"]]
    # a sensor's monitor shows its variable
    assert out["monitors"][0]["opcode"] == "data_variable"
    assert out["monitors"][0]["params"] == {"VARIABLE": "distance (cm)"}
    assert import_from_scratch(out)["monitors"] == every_robot_block()["monitors"]


def test_labels_follow_the_export_language():
    for lang, code in (("nl", "rijd links %n % rechts %n %"),
                       ("fr", "rouler gauche %n % droite %n %")):
        blocks = export_for_scratch(every_robot_block(), lang)["targets"][1]["blocks"]
        assert blocks["drive"]["mutation"]["proccode"] == code == proccode("dojokit_drive", lang)


def test_what_a_child_types_in_scratch_comes_back_in_any_language():
    data = every_robot_block()
    out = export_for_scratch(data, "nl")
    blocks = out["targets"][1]["blocks"]
    blocks["move"]["inputs"]["DIRECTION"] = [1, [10, "drive backward"]]  # English words
    blocks["moveFor"]["inputs"]["DIRECTION"] = [1, [10, "turn_right"]]  # the value itself
    blocks["drive"]["inputs"]["LEFT"] = [1, [4, "75"]]
    back = import_from_scratch(out)["targets"][1]["blocks"]
    assert back["move"]["fields"]["DIRECTION"] == ["backward", None]
    assert back["moveFor"]["fields"]["DIRECTION"] == ["turn_right", None]
    assert back["drive"]["inputs"]["LEFT"] == [1, [4, "75"]]


def test_a_block_dropped_in_a_menu_in_scratch_stays_a_custom_block():
    out = export_for_scratch(every_robot_block(), "en")
    blocks = out["targets"][1]["blocks"]
    blocks["move"]["inputs"]["DIRECTION"] = [3, "answer", [10, "turn left"]]
    blocks["answer"] = _b("sensing_answer", "move")
    back = import_from_scratch(out)["targets"][1]["blocks"]
    assert back["move"]["opcode"] == "procedures_call"
    # its definition stays too, so Scratch and dojokit both see an empty custom block
    assert any(b["opcode"] == "procedures_prototype" and
               b["mutation"]["proccode"] == "%s at speed %n %" for b in back.values())
    assert back["moveFor"]["opcode"] == "dojokit_moveFor"


def test_other_projects_load_as_they_are():
    data = _load(PROGRAMS[0])
    assert import_from_scratch(data) is data
    # a learner's own block that happens to have a robot block's name, with a script
    blocks = {
        "def": _b("procedures_definition", nxt="say", top=True,
                  inputs={"custom_block": [1, "proto"]}, x=0, y=0),
        "proto": {**_b("procedures_prototype", "def"), "shadow": True, "mutation": {
            "tagName": "mutation", "children": [], "proccode": "stop motors",
            "argumentids": "[]", "argumentnames": "[]", "argumentdefaults": "[]",
            "warp": "false"}},
        "say": _b("looks_say", "def", None, {"MESSAGE": [1, [10, "mine"]]}),
        "flag": _b("event_whenflagclicked", nxt="call", top=True, x=0, y=300),
        "call": {**_b("procedures_call", "flag"), "mutation": {
            "tagName": "mutation", "children": [], "proccode": "stop motors",
            "argumentids": "[]", "warp": "false"}},
    }
    data["targets"][1]["blocks"] = blocks
    assert _blocks_json(import_from_scratch(data)) == _blocks_json(data)


def test_a_block_inside_a_hat_s_value_cannot_be_exported():
    data = every_robot_block()
    blocks = data["targets"][1]["blocks"]
    blocks["whenClose"]["inputs"]["DISTANCE"] = [3, "lvl", [4, "15"]]
    blocks["lvl"] = _b("dojokit_lightLevel", "whenClose")
    with pytest.raises(ExportError) as err:
        export_for_scratch(data, "en")
    assert "when obstacle closer than ( ) cm" in str(err.value)


def test_the_sb3_holds_every_costume_file_scratch_needs():
    data = _load(PROGRAMS[0])
    data["targets"][1]["costumes"].append(
        {"name": "photo", "assetId": "f" * 32, "md5ext": "f" * 32 + ".png",
         "dataFormat": "png", "bitmapResolution": 2, "rotationCenterX": 1,
         "rotationCenterY": 1})
    data["targets"][1]["sounds"].append(
        {"name": "pop", "assetId": "e" * 32, "md5ext": "e" * 32 + ".wav",
         "dataFormat": "wav", "rate": 48000, "sampleCount": 10})
    zf = zipfile.ZipFile(io.BytesIO(sb3_bytes(export_for_scratch(data, "en"))))
    project = json.loads(zf.read("project.json"))
    for target in project["targets"]:
        for asset in target["costumes"] + target["sounds"]:
            blob = zf.read(asset["md5ext"])
            assert hashlib.md5(blob).hexdigest() == asset["assetId"]
            assert asset["md5ext"] == f"{asset['assetId']}.{asset['dataFormat']}"
    ET.fromstring(BLANK_SVG)  # well-formed SVG
    # files the source .sb3 has are copied as they are
    kept = sb3_bytes(export_for_scratch(data, "en"), {"f" * 32 + ".png": b"PNG!"})
    assert zipfile.ZipFile(io.BytesIO(kept)).read("f" * 32 + ".png") == b"PNG!"


# -- running the export ---------------------------------------------------------------------
def _run(path: Path, world: Path | str, trace: Path, capsys: Any) -> tuple[list[str], list]:
    capsys.readouterr()
    cmd_run(str(path), f"sim:{world}", RUN_SECONDS, str(trace), 0)
    lines = capsys.readouterr().out.splitlines()
    return lines, json.loads(trace.read_text())["events"]


def _export(src: Path, out: Path, lang: str) -> Path:
    from dojokit.cli.export import cmd_export

    assert cmd_export(str(src), str(out), True, lang) == 0
    return out


@pytest.mark.parametrize("box", sorted(WORLDS))
def test_every_shipped_program_runs_the_same_after_export(box, tmp_path, capsys):
    programs = [p for p in PROGRAMS if p.relative_to(ROOT / "themeboxes").parts[0] == box]
    assert programs
    for n, program in enumerate(programs):
        copy = _export(program, tmp_path / f"{n}.sb3", _lang(n))
        want = _run(program, WORLDS[box], tmp_path / "a.json", capsys)
        got = _run(copy, WORLDS[box], tmp_path / "b.json", capsys)
        assert got == want, program
        assert len(want[1]) > 10  # the run did something the trace shows


def test_the_program_with_every_robot_block_runs_the_same_after_export(tmp_path, capsys):
    src = tmp_path / "every.json"
    src.write_text(json.dumps(every_robot_block()))
    for lang in LANGS:
        copy = _export(src, tmp_path / f"every-{lang}.sb3", lang)
        assert _run(copy, "empty", tmp_path / "b.json", capsys) == \
            _run(src, "empty", tmp_path / "a.json", capsys)


def _cli(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG=lang)
    return subprocess.run([sys.executable, "-m", "dojokit", *args], capture_output=True,
                          text=True, timeout=120, env=env)


def test_dojokit_export_then_dojokit_run(tmp_path):
    program = ROOT / "themeboxes/lighthouse/programs/beacon/model.json"
    out = tmp_path / "beacon.sb3"
    r = _cli("export", "--scratch", str(program), str(out), "--lang", "fr")
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout and r.stderr == ""
    blocks = json.loads(zipfile.ZipFile(out).read("project.json"))["targets"][1]["blocks"]
    assert any(b["opcode"] == "procedures_call" and
               b["mutation"]["proccode"] == "mettre toutes les lampes à %s"
               for b in blocks.values())
    runs = [_cli("run", str(p), "--kit", "sim", "--trace", str(tmp_path / f"{n}.json"))
            for n, p in enumerate((program, out))]
    assert [r.returncode for r in runs] == [0, 0]
    events = [json.loads((tmp_path / f"{n}.json").read_text())["events"] for n in (0, 1)]
    assert events[0] == events[1]


def test_export_mistakes_get_one_sentence_and_exit_2(tmp_path):
    program = str(ROOT / "themeboxes/lighthouse/programs/beacon/model.json")
    hat = tmp_path / "hat.json"
    data = every_robot_block()
    data["targets"][1]["blocks"]["whenClose"]["inputs"]["DISTANCE"] = [3, "lvl", [4, "15"]]
    data["targets"][1]["blocks"]["lvl"] = _b("dojokit_lightLevel", "whenClose")
    hat.write_text(json.dumps(data))
    cases = [
        (("export", program, str(tmp_path / "a.sb3")), "--scratch"),
        (("export", "--scratch", program, str(tmp_path / "a.zip")), "a.sb3"),
        (("export", "--scratch", program, str(tmp_path / "no" / "a.sb3")), "does not exist"),
        (("export", "--scratch", str(tmp_path / "none.sb3"), str(tmp_path / "a.sb3")),
         "no file"),
        (("export", "--scratch", str(hat), str(tmp_path / "a.sb3")), "type a value"),
        (("export", "--scratch", str(tmp_path), str(tmp_path / "a.sb3")), ""),
    ]
    for args, words in cases:
        r = _cli(*args)
        assert r.returncode == 2, (args, r.stderr)
        assert len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert words in r.stderr and "Traceback" not in r.stderr
        assert not (tmp_path / "a.sb3").exists()
    r = _cli("export", "--scratch", program, str(tmp_path / "a.zip"), lang="nl")
    assert r.returncode == 2 and "moet eindigen op .sb3" in r.stderr


# -- the reference scratch-vm ---------------------------------------------------------------
def _scratch_vm() -> Path:
    """The folder with the reference scratch-vm installed, installing it the first time."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed, so the reference scratch-vm cannot run here")
    folder = Path(os.environ.get("DOJOKIT_SCRATCH_VM_DIR", SCRATCH_VM))
    installed = folder / "node_modules" / "scratch-vm" / "package.json"
    if installed.exists() and json.loads(installed.read_text())["version"] == "5.0.300":
        return folder
    npm = shutil.which("npm")
    assert npm, "node is here but npm is not: install npm to fetch scratch-vm 5.0.300"
    if folder != SCRATCH_VM:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(SCRATCH_VM / "package.json", folder / "package.json")
    r = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock",
                        "--loglevel=error"], cwd=folder, capture_output=True, text=True,
                       timeout=600)
    assert r.returncode == 0, f"npm could not install scratch-vm 5.0.300:\n{r.stderr[-2000:]}"
    return folder


def _load_in_scratch(folder: Path, files: list[Path],
                     resave: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = ["--resave", str(resave)] if resave else []
    env = dict(os.environ, NODE_PATH=str(folder / "node_modules"))
    return subprocess.run(["node", str(SCRATCH_VM / "load.js"), *args, *map(str, files)],
                          capture_output=True, text=True, timeout=180, env=env)


def _canonical(data: dict[str, Any]) -> list[list[Any]]:
    """The scripts without block ids: Scratch may give a block a new id when it saves."""
    def node(blocks: dict[str, Any], bid: str | None) -> Any:
        b = blocks.get(bid) if bid else None
        if not isinstance(b, dict):
            return None
        inputs = {k: [v[0], *(node(blocks, i) if isinstance(i, str) else i for i in v[1:])]
                  for k, v in b.get("inputs", {}).items()}
        return [b["opcode"], {k: v[0] for k, v in b.get("fields", {}).items()}, inputs,
                b.get("mutation", {}).get("proccode"), node(blocks, b.get("next"))]

    return [[node(t["blocks"], bid) for bid, b in t["blocks"].items()
             if isinstance(b, dict) and b.get("topLevel")] for t in data["targets"]]


def test_the_export_loads_in_scratch_vm_and_comes_back_after_scratch_saves_it(tmp_path):
    folder = _scratch_vm()
    # without the export, Scratch cannot open a robot program (an unknown extension)
    original = tmp_path / "original.sb3"
    with zipfile.ZipFile(original, "w") as zf:
        zf.write(PROGRAMS[0], "project.json")
        zf.writestr(BLANK_SVG_FILE, BLANK_SVG)
    r = _load_in_scratch(folder, [original])
    assert r.returncode != 0
    sources = {_name(p): _load(p) for p in PROGRAMS}
    sources |= {f"every-{lang}": every_robot_block() for lang in LANGS}
    files = []
    for n, (name, data) in enumerate(sources.items()):
        lang = name.removeprefix("every-") if name.startswith("every-") else _lang(n)
        path = tmp_path / f"{name}.sb3"
        path.write_bytes(sb3_bytes(export_for_scratch(data, lang)))
        files.append(path)
    saved = tmp_path / "saved"
    saved.mkdir()
    r = _load_in_scratch(folder, files, saved)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count("loaded ") == len(files)
    # what Scratch saves reads back as the same robot program
    for name, data in sources.items():
        back = read_project(saved / f"{name}.json", KNOWN_OPCODES).data
        assert _canonical(back) == _canonical(data), name


def test_a_copy_saved_by_scratch_runs_the_same(tmp_path, capsys):
    folder = _scratch_vm()
    picks = [p for p in PROGRAMS if p.name.startswith("model")][::4]
    files = []
    for n, program in enumerate(picks):
        files.append(tmp_path / f"{n}.sb3")
        files[-1].write_bytes(sb3_bytes(export_for_scratch(_load(program), _lang(n))))
    r = _load_in_scratch(folder, files, tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    for n, program in enumerate(picks):
        world = WORLDS[program.relative_to(ROOT / "themeboxes").parts[0]]
        assert _run(tmp_path / f"{n}.json", world, tmp_path / "b.json", capsys) == \
            _run(program, world, tmp_path / "a.json", capsys), program

