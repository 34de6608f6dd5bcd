"""Loading a Scratch project for the runtime: read and validate it (sb3.py) against the
opcodes the compiler knows, and say whether it needs a robot."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dojokit.scratch import robot_blocks
from dojokit.scratch.compiler import KNOWN_OPCODES
from dojokit.scratch.sb3 import ProjectError, read_project

__all__ = ["Project", "ProjectError", "load_project"]


@dataclass
class Project:
    data: dict[str, Any]
    name: str
    warnings: list[str]
    # blocks scratch-vm loads but this runtime does not know: they do nothing (issue 13)
    idle: list[str] = field(default_factory=list)

    @property
    def robot_blocks(self) -> list[str]:
        """The robot blocks this project uses (opcodes, sorted)."""
        found = set()
        for target in self.data["targets"]:
            for b in target.get("blocks", {}).values():
                if isinstance(b, dict) and b.get("opcode") in robot_blocks.BLOCKS:
                    found.add(b["opcode"])
        return sorted(found)


def load_project(path: str | Path) -> Project:
    pf = read_project(path, KNOWN_OPCODES, unknown_ok=True)
    return Project(pf.data, pf.name, pf.warnings, pf.idle)
