"""`dojokit run PROGRAM.sb3`: run a Scratch project, headless or with a kit.

Standard output carries exactly what the program says and thinks, a line each, as it
happens; everything else (warnings, errors) goes to standard error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from dojokit.i18n import t
from dojokit.link import LinkError
from dojokit.scratch import cast
from dojokit.scratch.project import ProjectError, load_project
from dojokit.scratch.runtime import Runtime

EXIT_OK, EXIT_FAILED, EXIT_USER, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 124, 130


class Output:
    """Says and thinks: printed at once, and kept (with the time) for the trace."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.events: list[dict[str, Any]] = []

    def say(self, target: Any, kind: str, message: Any) -> None:
        text = cast.to_string(message)
        self.events.append({"t": round(time.perf_counter() - self.t0, 3), "kind": kind,
                            "sprite": target.name, "text": text})
        if text:  # an empty text only clears the bubble
            print(text, flush=True)


def ask(question: str) -> str:
    line = sys.stdin.readline()
    return line.rstrip("\n")


def cmd_run(program: str, kit: str | None, timeout: float | None, trace: str | None,
            seed: int | None) -> int:
    try:
        project = load_project(program)
    except ProjectError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    for w in project.warnings:
        print(w, file=sys.stderr)
    if timeout is not None and timeout <= 0:
        print(t("run.bad_timeout"), file=sys.stderr)
        return EXIT_USER
    needs = project.robot_blocks
    if needs and kit is None:
        print(t("run.needs_kit", blocks=", ".join(needs)), file=sys.stderr)
        return EXIT_USER
    out = Output()
    if kit is None:
        rt = Runtime(project.data, on_say=out.say, ask=ask, seed=seed)
        rt.green_flag()
        try:
            how = rt.run(timeout)
        except KeyboardInterrupt:
            rt.stop_all()
            _write_trace(trace, project.name, None, out, None)
            print(t("run.interrupted"), file=sys.stderr)
            return EXIT_INTERRUPTED
        _write_trace(trace, project.name, None, out, None)
        return _finish(how)
    try:
        return asyncio.run(_run_with_kit(project, kit, timeout, trace, seed, out))
    except KeyboardInterrupt:
        print(t("run.interrupted_robot"), file=sys.stderr)
        return EXIT_INTERRUPTED


async def _run_with_kit(project: Any, kit: str, timeout: float | None, trace: str | None,
                        seed: int | None, out: Output) -> int:
    from dojokit.robot import Robot
    from dojokit.scratch.robot_bridge import RobotBridge

    try:
        robot = await Robot.open(kit)
    except LinkError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    bridge = RobotBridge(robot)
    how = "done"
    try:
        await bridge.start()
        rt = Runtime(project.data, on_say=out.say, ask=ask, seed=seed, robot=bridge)
        rt.green_flag()
        how = await rt.run_async(timeout)
    except LinkError as exc:
        print(str(exc), file=sys.stderr)
        how = "failed"
    except (KeyboardInterrupt, asyncio.CancelledError):
        how = "interrupted"
    finally:
        with contextlib.suppress(LinkError):
            await bridge.stop()
        _write_trace(trace, project.name, kit, out, robot)
        await robot.close()
    if how == "interrupted":
        print(t("run.interrupted_robot"), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_FAILED if how == "failed" else _finish(how)


def _finish(how: str) -> int:
    if how == "timeout":
        print(t("run.timed_out"), file=sys.stderr)
        return EXIT_TIMEOUT
    return EXIT_OK


def _write_trace(path: str | None, name: str, kit: str | None, out: Output,
                 robot: Any) -> None:
    if path is None:
        return
    events = list(out.events)
    if robot is not None:
        events += [{"t": round(e.t, 3), "kind": e.kind, **e.data} for e in robot.trace.events]
        events.sort(key=lambda e: e["t"])
    data = {"program": name, "kit": kit, "events": events}
    try:
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    except OSError as exc:
        print(t("run.trace_not_written", path=path, why=exc.strerror or str(exc)),
              file=sys.stderr)
