"""A tiny Scratch project builder for tests: one stage, one sprite ("Robot"), scripts as
lists of (opcode, inputs, fields) run top to bottom."""

from __future__ import annotations

import json
from pathlib import Path


def project(*scripts: list[tuple[str, dict, dict]], variables: dict | None = None) -> dict:
    blocks: dict[str, dict] = {}
    n = 0
    for script in scripts:
        prev = None
        for i, (op, inputs, fields) in enumerate(script):
            n += 1
            bid = f"b{n}"
            blocks[bid] = {"opcode": op, "next": None, "parent": prev, "inputs": inputs,
                           "fields": fields, "shadow": False, "topLevel": i == 0}
            if i == 0:
                blocks[bid].update(x=0, y=0)
            if prev:
                blocks[prev]["next"] = bid
            prev = bid
    stage = {"isStage": True, "name": "Stage", "variables": variables or {}, "lists": {},
             "broadcasts": {}, "blocks": {}, "comments": {}, "currentCostume": 0,
             "costumes": [{"name": "backdrop1", "assetId": "a" * 32, "md5ext": "a" * 32 +
                           ".svg", "dataFormat": "svg", "rotationCenterX": 0,
                           "rotationCenterY": 0}],
             "sounds": [], "volume": 100, "layerOrder": 0}
    sprite = {"isStage": False, "name": "Robot", "variables": {}, "lists": {},
              "broadcasts": {}, "blocks": blocks, "comments": {}, "currentCostume": 0,
              "costumes": [{"name": "c1", "assetId": "b" * 32, "md5ext": "b" * 32 + ".svg",
                            "dataFormat": "svg", "rotationCenterX": 0, "rotationCenterY": 0}],
              "sounds": [], "volume": 100, "layerOrder": 1, "visible": True, "x": 0,
              "y": 0, "size": 100, "direction": 90, "draggable": False,
              "rotationStyle": "all around"}
    return {"targets": [stage, sprite], "monitors": [], "extensions": [],
            "meta": {"semver": "3.0.0", "vm": "5.0.300", "agent": "dojokit tests"}}


def write(tmp_path: Path, project: dict, name: str = "project.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(project))
    return path


FLAG = ("event_whenflagclicked", {}, {})


def say(text: str) -> tuple[str, dict, dict]:
    return ("looks_say", {"MESSAGE": [1, [10, text]]}, {})


def line_follower(speed: int = 40, slow: int = 5) -> dict:
    """A two-sensor line follower as a child would write it: forever, drive straight while
    both sensors see the line, turn towards the side that still sees it."""

    def dark(side: str, bid: str, parent: str) -> dict:
        return {bid: {"opcode": "dojokit_lineDark", "next": None, "parent": parent,
                      "inputs": {}, "fields": {"SIDE": [side, None]}, "shadow": False,
                      "topLevel": False}}

    def drive(bid: str, parent: str, left: int, right: int) -> dict:
        return {bid: {"opcode": "dojokit_drive", "next": None, "parent": parent,
                      "inputs": {"LEFT": [1, [4, str(left)]], "RIGHT": [1, [4, str(right)]]},
                      "fields": {}, "shadow": False, "topLevel": False}}

    blocks: dict = {
        "flag": {"opcode": "event_whenflagclicked", "next": "loop", "parent": None,
                 "inputs": {}, "fields": {}, "shadow": False, "topLevel": True, "x": 0, "y": 0},
        "loop": {"opcode": "control_forever", "next": None, "parent": "flag",
                 "inputs": {"SUBSTACK": [2, "if1"]}, "fields": {}, "shadow": False,
                 "topLevel": False},
        "if1": {"opcode": "control_if_else", "next": None, "parent": "loop",
                "inputs": {"CONDITION": [2, "both"], "SUBSTACK": [2, "go"],
                           "SUBSTACK2": [2, "if2"]}, "fields": {}, "shadow": False,
                "topLevel": False},
        "both": {"opcode": "operator_and", "next": None, "parent": "if1",
                 "inputs": {"OPERAND1": [2, "dl"], "OPERAND2": [2, "dr"]}, "fields": {},
                 "shadow": False, "topLevel": False},
        "if2": {"opcode": "control_if_else", "next": None, "parent": "if1",
                "inputs": {"CONDITION": [2, "dl2"], "SUBSTACK": [2, "left"],
                           "SUBSTACK2": [2, "if3"]}, "fields": {}, "shadow": False,
                "topLevel": False},
        "if3": {"opcode": "control_if", "next": None, "parent": "if2",
                "inputs": {"CONDITION": [2, "dr2"], "SUBSTACK": [2, "right"]}, "fields": {},
                "shadow": False, "topLevel": False},
    }
    blocks |= dark("left", "dl", "both") | dark("right", "dr", "both")
    blocks |= dark("left", "dl2", "if2") | dark("right", "dr2", "if3")
    blocks |= drive("go", "if1", speed, speed) | drive("left", "if2", slow, speed)
    blocks |= drive("right", "if3", speed, slow)
    p = project()
    p["targets"][1]["blocks"] = blocks
    return p
