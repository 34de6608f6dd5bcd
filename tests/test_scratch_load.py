"""Loading Scratch 3 projects: good files load, bad ones give one clear sentence, never a crash."""

from __future__ import annotations

import copy
import json
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dojokit import i18n
from dojokit.scratch.sb3 import (
    MAX_JSON_BYTES,
    MAX_MEMBERS,
    MAX_TOTAL_BYTES,
    ProjectError,
    read_project,
)

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance"
MB = 1024 * 1024

# Stand-in for the compiler's opcode table: everything the conformance projects use, and a few.
KNOWN = frozenset({
    "argument_reporter_boolean", "argument_reporter_string_number", "control_create_clone_of",
    "control_create_clone_of_menu", "control_forever", "control_if", "control_if_else",
    "control_repeat", "control_repeat_until", "control_start_as_clone", "control_stop",
    "control_wait", "control_wait_until", "data_addtolist", "data_changevariableby",
    "data_deletealloflist", "data_deleteoflist", "data_insertatlist", "data_itemoflist",
    "data_lengthoflist", "data_listcontents", "data_replaceitemoflist", "data_setvariableto",
    "data_variable", "event_broadcast", "event_broadcast_menu", "event_broadcastandwait",
    "event_whenbroadcastreceived", "event_whenflagclicked", "event_whengreaterthan",
    "looks_goforwardbackwardlayers", "looks_gotofrontback", "looks_say", "looks_sayforsecs",
    "motion_direction", "motion_goto", "motion_goto_menu", "motion_gotoxy", "motion_movesteps",
    "motion_pointtowards", "motion_pointtowards_menu", "motion_setx", "motion_xposition",
    "operator_add", "operator_equals", "operator_gt", "operator_join", "operator_length",
    "operator_letter_of", "operator_lt", "operator_mod", "operator_multiply", "operator_not",
    "operator_or", "operator_round", "operator_subtract", "procedures_call",
    "procedures_definition", "procedures_prototype", "sensing_distanceto",
    "sensing_distancetomenu", "sensing_of", "sensing_of_object_menu", "sensing_resettimer",
})

COSTUME = {"name": "c1", "assetId": "a" * 32, "dataFormat": "svg", "md5ext": "a" * 32 + ".svg"}
SOUND = {"name": "pop", "assetId": "b" * 32, "dataFormat": "wav", "md5ext": "b" * 32 + ".wav"}


def make_project() -> dict[str, Any]:
    """A small valid project: the stage, and a sprite "Cat" that says hello on the green flag."""
    stage = {
        "isStage": True, "name": "Stage", "variables": {"v1": ["score", 0]},
        "lists": {"l1": ["names", ["Ann", 3, True]]}, "broadcasts": {"m1": "go"},
        "blocks": {}, "comments": {}, "currentCostume": 0, "costumes": [dict(COSTUME)],
        "sounds": [], "volume": 100, "layerOrder": 0, "tempo": 60,
    }
    cat = {
        "isStage": False, "name": "Cat", "variables": {"v2": ["my var", "hi", ]},
        "lists": {}, "broadcasts": {},
        "blocks": {
            "flag": {"opcode": "event_whenflagclicked", "next": "say", "parent": None,
                     "inputs": {}, "fields": {}, "shadow": False, "topLevel": True,
                     "x": 0, "y": 0},
            "say": {"opcode": "looks_say", "next": None, "parent": "flag",
                    "inputs": {"MESSAGE": [3, [12, "score", "v1"], [10, "Hello!"]]},
                    "fields": {}, "shadow": False, "topLevel": False},
            "loose": [12, "score", "v1", 100, 200],
        },
        "comments": {}, "currentCostume": 0, "costumes": [dict(COSTUME)],
        "sounds": [dict(SOUND)], "volume": 100, "layerOrder": 1, "visible": True,
        "x": 0, "y": 0, "size": 100, "direction": 90, "draggable": False,
        "rotationStyle": "all around",
    }
    return {"targets": [stage, cat], "monitors": [], "extensions": [],
            "meta": {"semver": "3.0.0", "vm": "5.0.300", "agent": ""}}


def cat(project: dict[str, Any]) -> dict[str, Any]:
    return project["targets"][1]


def write_sb3(path: Path, project: dict[str, Any] | str | None, *, assets: bool = True,
              extra: dict[str, bytes] | None = None, json_name: str = "project.json") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        if project is not None:
            text = project if isinstance(project, str) else json.dumps(project)
            zf.writestr(json_name, text)
        if assets:
            zf.writestr(COSTUME["md5ext"], b"<svg/>")
            zf.writestr(SOUND["md5ext"], b"RIFF")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def error_of(path: Path, known: frozenset[str] = KNOWN) -> str:
    """The sentence a user sees; it must be a ProjectError, on one line."""
    with pytest.raises(ProjectError) as caught:
        read_project(path, known)
    text = str(caught.value)
    assert "\n" not in text and "Traceback" not in text
    assert text.endswith(".")
    return text


def load_broken(tmp_path: Path, project: dict[str, Any]) -> str:
    return error_of(write_sb3(tmp_path / "broken.sb3", project))


def raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand: (name, deflated data, crc, declared size), so sizes can lie."""
    body = b""
    directory = b""
    for name, data, crc, size in members:
        encoded = name.encode()
        header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data),
                             size, len(encoded), 0)
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                                 len(data), size, len(encoded), 0, 0, 0, 0, 0, len(body))
        directory += encoded
        body += header + encoded + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(directory), len(body), 0)
    path.write_bytes(body + directory + end)
    return path


def deflated_zeros(megabytes: int) -> tuple[bytes, int]:
    """Raw deflate data and crc for `megabytes` MB of zero bytes, without deflating them all."""
    chunk = bytes(MB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    # once the window is all zeros every further megabyte deflates to the same bytes
    steady = comp.compress(chunk) + comp.flush(zlib.Z_SYNC_FLUSH)
    last = comp.compress(chunk) + comp.flush()
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    return first + steady * (megabytes - 2) + last, crc


@pytest.fixture
def dutch() -> Iterator[None]:
    i18n.set_language("nl")
    try:
        yield
    finally:
        i18n.set_language(None)


# --- projects that load ------------------------------------------------------------------


def conformance_projects() -> list[Path]:
    return sorted(CONFORMANCE.glob("*/*.sb3")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not conformance_projects(), reason="shared/conformance is not here")
@pytest.mark.parametrize("path", conformance_projects(), ids=lambda p: p.stem)
def test_every_conformance_project_loads(path: Path, tmp_path: Path) -> None:
    loaded = read_project(path, KNOWN)
    assert loaded.name == path.stem
    assert loaded.data["targets"][0]["isStage"] is True
    # these files carry their costumes and sounds, so nothing is reported missing
    assert loaded.warnings == []

    # the same project with only its project.json still runs, with one warning
    with zipfile.ZipFile(path) as zf:
        text = zf.read("project.json")
    bare = tmp_path / path.name
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("project.json", text)
    stripped = read_project(bare, KNOWN)
    assert stripped.data == loaded.data
    assert len(stripped.warnings) == 1
    costumes = sum(len(t["costumes"]) for t in loaded.data["targets"])
    sounds = sum(len(t["sounds"]) for t in loaded.data["targets"])
    assert f"{costumes} costume and {sounds} sound files" in stripped.warnings[0]
    assert "runs without them" in stripped.warnings[0]


def test_good_project_loads_unchanged(tmp_path: Path) -> None:
    project = make_project()
    loaded = read_project(write_sb3(tmp_path / "Dance Party.sb3", project), KNOWN)
    assert loaded.data == project
    assert loaded.name == "Dance Party"
    assert loaded.warnings == []


def test_missing_assets_give_one_warning_with_counts(tmp_path: Path) -> None:
    path = write_sb3(tmp_path / "game.sb3", make_project(), assets=False)
    loaded = read_project(path, KNOWN)
    assert loaded.warnings == [
        "Some pictures and sounds are not in this project file (2 costume and 1 sound "
        "files): that is fine, the program runs without them."
    ]


def test_asset_found_without_md5ext_by_asset_id_and_format(tmp_path: Path) -> None:
    project = make_project()
    for target in project["targets"]:
        for asset in target["costumes"] + target["sounds"]:
            del asset["md5ext"]
    assert read_project(write_sb3(tmp_path / "p.sb3", project), KNOWN).warnings == []


def test_bare_project_json_is_recognised_by_content(tmp_path: Path) -> None:
    # a project.json renamed to .sb3 still loads; a bare project.json has no pictures by
    # nature, so their absence is no news
    path = tmp_path / "renamed.sb3"
    path.write_text("\ufeff" + json.dumps(make_project(), indent=1), encoding="utf-8")
    loaded = read_project(path, KNOWN)
    assert loaded.data == make_project()
    assert loaded.warnings == []


def test_zip_named_json_is_recognised_by_content(tmp_path: Path) -> None:
    loaded = read_project(write_sb3(tmp_path / "project.json", make_project()), KNOWN)
    assert loaded.warnings == []


def test_project_inside_one_top_folder_loads_like_scratch(tmp_path: Path) -> None:
    # scratch-parser accepts a zipped project folder, and finds the assets in it too
    path = tmp_path / "folder.sb3"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("My Game/project.json", json.dumps(make_project()))
        zf.writestr(f"My Game/{COSTUME['md5ext']}", b"<svg/>")
        zf.writestr(f"My Game/{SOUND['md5ext']}", b"RIFF")
    assert read_project(path, KNOWN).warnings == []


def test_backspace_escapes_are_dropped_like_scratch(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["inputs"]["MESSAGE"] = [1, [10, "Hi\bthere"]]
    text = json.dumps(project).replace("\\b", "\\u0008")
    loaded = read_project(write_sb3(tmp_path / "p.sb3", text), KNOWN)
    assert cat(loaded.data)["blocks"]["say"]["inputs"]["MESSAGE"] == [1, [10, "Hithere"]]


def test_null_monitors_and_missing_optional_parts_load(tmp_path: Path) -> None:
    project = make_project()
    project["monitors"] = None
    for key in ("lists", "broadcasts", "layerOrder", "currentCostume", "x", "visible"):
        cat(project).pop(key)
    assert read_project(write_sb3(tmp_path / "p.sb3", project), KNOWN).data == project


# --- files that are not Scratch projects -------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert "There is no file" in error_of(tmp_path / "nope.sb3")


def test_directory(tmp_path: Path) -> None:
    assert "is a folder" in error_of(tmp_path)


def test_picture_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert error_of(path) == (
        "This file is not a Scratch project (.sb3): open your project in Scratch and use "
        "File > Save to your computer."
    )


def test_empty_file_is_not_a_project(tmp_path: Path) -> None:
    path = tmp_path / "empty.sb3"
    path.write_bytes(b"")
    assert "not a Scratch project" in error_of(path)


def test_zip_without_project_json(tmp_path: Path) -> None:
    path = write_sb3(tmp_path / "photos.zip", None, extra={"a/b/project.json": b"{}"})
    assert "no project.json inside" in error_of(path)


def test_sprite3_file(tmp_path: Path) -> None:
    path = write_sb3(tmp_path / "Cat.sprite3", None, extra={"sprite.json": b"{}"})
    assert "single sprite (.sprite3)" in error_of(path)


def test_damaged_zip(tmp_path: Path) -> None:
    good = write_sb3(tmp_path / "good.sb3", make_project()).read_bytes()
    path = tmp_path / "cut.sb3"
    path.write_bytes(good[: len(good) // 2])
    assert "damaged and cannot be unpacked" in error_of(path)


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    text = json.dumps(make_project(), indent=1).replace('"Stage",', '"Stage"', 1)
    message = error_of(write_sb3(tmp_path / "p.sb3", text))
    line = text[: text.index('"Stage"')].count("\n") + 2
    assert f"at line {line}, column" in message


def test_nan_is_refused_like_javascript(tmp_path: Path) -> None:
    text = json.dumps(make_project()).replace('"volume": 100', '"volume": NaN', 1)
    assert "cannot read it" in error_of(write_sb3(tmp_path / "p.sb3", text))


def test_scratch2_project(tmp_path: Path) -> None:
    sb2 = {"objName": "Stage", "children": [{"objName": "Sprite1"}], "costumes": []}
    message = error_of(write_sb3(tmp_path / "old.sb2", sb2))
    assert message.startswith("This is a Scratch 2 project: open it in Scratch 3")


def test_scratch1_project(tmp_path: Path) -> None:
    path = tmp_path / "old.sb"
    path.write_bytes(b"ScratchV02" + bytes(50))
    assert "Scratch 1.4 project" in error_of(path)


# --- unsafe and oversized zips ------------------------------------------------------------


def test_parent_folder_entry_is_refused(tmp_path: Path) -> None:
    path = write_sb3(tmp_path / "p.sb3", make_project(), extra={"../../evil.sh": b"rm"})
    assert 'unsafe name ("../../evil.sh")' in error_of(path)


@pytest.mark.parametrize("name", ["/etc/passwd", "C:/Windows/evil.dll", "\\\\server\\x"])
def test_absolute_entry_is_refused(tmp_path: Path, name: str) -> None:
    path = write_sb3(tmp_path / "p.sb3", make_project(), extra={name: b"x"})
    assert "unsafe name" in error_of(path)


@pytest.mark.parametrize("member", ["project.json", "0123456789abcdef0123456789abcdef.png"])
def test_zip_bomb_is_refused_fast_and_small(tmp_path: Path, member: str) -> None:
    data, crc = deflated_zeros(400)
    path = raw_zip(tmp_path / "bomb.sb3", [
        ("project.json" if member != "project.json" else "x.txt", b"\x03\x00", 0, 0),
        (member, data, crc, 400 * MB),
    ])
    assert path.stat().st_size < MB
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = error_of(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 8 * MB
    assert f'"{member}"' in message and "200 times its packed size" in message


def test_size_that_lies_in_the_directory_is_refused(tmp_path: Path) -> None:
    # 50 MB of zeros declared as 1000 bytes: reading stops at the declared size
    data, crc = deflated_zeros(50)
    path = raw_zip(tmp_path / "liar.sb3", [("project.json", data, crc, 1000)])
    tracemalloc.start()
    try:
        message = error_of(path)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 8 * MB
    assert "damaged" in message


def test_too_much_unpacked_data_is_refused(tmp_path: Path) -> None:
    # many members each too small for the ratio check, together over the limit
    count = MAX_TOTAL_BYTES // MB + 10
    data, crc = zlib.compress(bytes(MB - 1), 9)[2:-4], zlib.crc32(bytes(MB - 1))
    members = [(f"{n:032x}.wav", data, crc, MB - 1) for n in range(count)]
    members.append(("project.json", b"\x03\x00", 0, 0))
    message = error_of(raw_zip(tmp_path / "big.sb3", members))
    assert f"unpacks to more than {MAX_TOTAL_BYTES // MB} MB" in message


def test_too_many_files_is_refused(tmp_path: Path) -> None:
    extra = {f"{n:032x}.svg": b"" for n in range(MAX_MEMBERS)}
    message = error_of(write_sb3(tmp_path / "many.sb3", make_project(), extra=extra))
    assert f"{MAX_MEMBERS + 3} files, more than the {MAX_MEMBERS} allowed" in message


def test_huge_file_is_refused_before_unpacking(tmp_path: Path) -> None:
    path = tmp_path / "huge.sb3"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(MAX_TOTAL_BYTES + MB)  # sparse: costs no disk or time
    assert f"more than {MAX_TOTAL_BYTES // MB} MB" in error_of(path)


def test_huge_bare_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "project.json"
    path.write_bytes(b"{" + b" " * MAX_JSON_BYTES + b"}")
    assert "bigger than 32 MB" in error_of(path)


# --- broken structure ---------------------------------------------------------------------


def test_next_pointing_nowhere(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["next"] = "ghost"
    assert load_broken(tmp_path, project) == (
        'The project file is damaged in sprite "Cat", block say (next points to block ghost, '
        "which does not exist), so dojokit cannot run it: try an earlier copy of the project, "
        "or ask your teacher or mentor for help."
    )


def test_input_pointing_nowhere(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["inputs"]["MESSAGE"] = [3, "gone", [10, "x"]]
    message = load_broken(tmp_path, project)
    assert 'block say (inputs["MESSAGE"] points to block gone' in message


def test_variable_that_is_not_a_list(tmp_path: Path) -> None:
    project = make_project()
    project["targets"][0]["variables"]["v1"] = "score"
    assert load_broken(tmp_path, project) == (
        'The project file is damaged in the stage (variables["v1"] should be [name, value] or '
        "[name, value, true]), so dojokit cannot run it: try an earlier copy of the project, "
        "or ask your teacher or mentor for help."
    )


def test_list_with_a_nested_list(tmp_path: Path) -> None:
    project = make_project()
    project["targets"][0]["lists"]["l1"] = ["names", [["a"]]]
    assert 'lists["l1"] should be [name, [values]]' in load_broken(tmp_path, project)


def test_wrong_sprite_property_type(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["x"] = "left"
    assert 'in sprite "Cat" (x should be a number)' in load_broken(tmp_path, project)


def test_sprite_without_costumes(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["costumes"] = []
    assert 'in sprite "Cat" (costumes is empty)' in load_broken(tmp_path, project)


def test_costume_without_asset_id(tmp_path: Path) -> None:
    project = make_project()
    del cat(project)["costumes"][0]["assetId"]
    assert "costumes[0].assetId is missing" in load_broken(tmp_path, project)


def test_stage_must_come_first(tmp_path: Path) -> None:
    project = make_project()
    project["targets"].reverse()
    assert "must start with the stage" in load_broken(tmp_path, project)


def test_two_stages(tmp_path: Path) -> None:
    project = make_project()
    project["targets"].append(copy.deepcopy(project["targets"][0]))
    assert "only one stage" in load_broken(tmp_path, project)


def test_targets_missing(tmp_path: Path) -> None:
    project = make_project()
    del project["targets"]
    assert "(targets is missing)" in load_broken(tmp_path, project)


def test_blocks_in_a_circle(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["next"] = "flag"
    message = load_broken(tmp_path, project)
    assert 'sprite "Cat"' in message and "leads round in a circle" in message


def test_bad_colour_value(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["inputs"]["MESSAGE"] = [1, [9, "red"]]
    message = load_broken(tmp_path, project)
    assert 'block say (inputs["MESSAGE"] should be a block id, a value such as' in message


def test_unknown_input_shadow_kind(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["inputs"]["MESSAGE"] = [4, [10, "hi"]]
    assert 'inputs["MESSAGE"] should be [1, 2 or 3' in load_broken(tmp_path, project)


def test_field_that_is_not_a_list(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["flag"]["fields"] = {"VARIABLE": "score"}
    assert 'block flag (fields["VARIABLE"] should be [value]' in load_broken(tmp_path, project)


def test_block_without_opcode(tmp_path: Path) -> None:
    project = make_project()
    del cat(project)["blocks"]["say"]["opcode"]
    assert "block say (opcode is missing)" in load_broken(tmp_path, project)


def test_procedure_call_without_mutation(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["opcode"] = "procedures_call"
    assert "block say (mutation is missing)" in load_broken(tmp_path, project)


def test_procedure_with_bad_argument_ids(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"].update(opcode="procedures_call", mutation={
        "tagName": "mutation", "children": [], "proccode": "jump %s",
        "argumentids": "[not json", "warp": "false"})
    message = load_broken(tmp_path, project)
    assert 'mutation.argumentids should be a list written as text, such as "[]"' in message


def test_warp_as_string_or_bool_is_fine(tmp_path: Path) -> None:
    project = make_project()
    blocks = cat(project)["blocks"]
    for n, warp in enumerate(["true", False]):
        blocks[f"call{n}"] = {
            "opcode": "procedures_call", "next": None, "parent": None, "inputs": {},
            "fields": {}, "shadow": False, "topLevel": True, "x": 0, "y": 0,
            "mutation": {"tagName": "mutation", "children": [], "proccode": "jump",
                         "argumentids": "[]", "warp": warp}}
    read_project(write_sb3(tmp_path / "p.sb3", project), KNOWN)
    blocks["call0"]["mutation"]["warp"] = "yes"
    assert "mutation.warp should be true or false" in load_broken(tmp_path, project)


def test_loose_reporter_that_is_not_a_variable(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["loose"] = [10, "hello"]
    message = load_broken(tmp_path, project)
    assert 'block loose (blocks["loose"] should be a block, or a variable' in message


# --- unknown blocks -----------------------------------------------------------------------


def test_unknown_opcodes_are_all_listed_with_sprite_and_id(tmp_path: Path) -> None:
    project = make_project()
    project["targets"][0]["blocks"]["clear"] = {
        "opcode": "music_setTempo", "next": None, "parent": None, "topLevel": True, "x": 0, "y": 0}
    blocks = cat(project)["blocks"]
    for n in range(12):
        blocks[f"note{n}"] = {"opcode": "music_playNoteForBeats", "topLevel": True}
    message = error_of(write_sb3(tmp_path / "p.sb3", project))
    assert message.startswith("This project uses blocks that dojokit cannot run yet, namely "
                              "music_setTempo (the stage, block clear), "
                              'music_playNoteForBeats (sprite "Cat", block note0), '
                              'music_playNoteForBeats (sprite "Cat", block note1), ')
    assert "block note8)" in message and "block note9)" not in message
    assert message.endswith(", and 3 more: replace or remove them in Scratch, save the "
                            "project to your computer, and try that file.")


# --- other languages ----------------------------------------------------------------------


@pytest.mark.usefixtures("dutch")
def test_messages_in_dutch(tmp_path: Path) -> None:
    project = make_project()
    cat(project)["blocks"]["say"]["opcode"] = "music_setTempo"
    message = error_of(write_sb3(tmp_path / "p.sb3", project))
    assert message == ("Dit project gebruikt blokken die dojokit nog niet kan uitvoeren, "
                       'namelijk music_setTempo (sprite "Cat", blok say): vervang ze in Scratch of '
                       "haal ze weg, bewaar het project op je computer en probeer dat bestand.")
    warnings = read_project(write_sb3(tmp_path / "q.sb3", make_project(), assets=False),
                            KNOWN).warnings
    assert "(uiterlijken: 2, geluiden: 1)" in warnings[0]


def test_messages_in_french(tmp_path: Path) -> None:
    i18n.set_language("fr")
    try:
        message = error_of(tmp_path)
    finally:
        i18n.set_language(None)
    assert "est un dossier" in message
