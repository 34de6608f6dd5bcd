"""The trace: every output a program asked for and every reading it got, with a time.

Graders judge a program by its trace, so it is plain data and saves as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TraceEvent:
    t: float  # seconds since the robot was opened
    kind: str  # "drive", "stop", "light", "display", "tone", "sensors", "button", ...
    data: dict[str, Any]


@dataclass
class Trace:
    clock: Callable[[], float]
    events: list[TraceEvent] = field(default_factory=list)

    def add(self, kind: str, **data: Any) -> TraceEvent:
        ev = TraceEvent(round(self.clock(), 4), kind, data)
        self.events.append(ev)
        return ev

    def of(self, kind: str) -> list[TraceEvent]:
        return [e for e in self.events if e.kind == kind]

    def to_json(self) -> str:
        return json.dumps([asdict(e) for e in self.events], separators=(",", ":"))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(self.to_json() + "\n", encoding="utf-8")
