"""`dojokit run PROGRAM.sb3`: run a Scratch project, headless or with a kit.

Standard output carries exactly what the program says and thinks, a line each, as it
happens; everything else (warnings, errors) goes to standard error.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import queue
import sys
import threading
import time
from collections.abc import Callable
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
        t0 = time.perf_counter()
        # seconds since the start; with a kit, the robot trace's own clock (one time line)
        self.clock: Callable[[], float] = lambda: time.perf_counter() - t0
        self.events: list[dict[str, Any]] = []

    def say(self, target: Any, kind: str, message: Any) -> None:
        text = cast.to_string(message)
        self.events.append({"t": round(self.clock(), 4), "kind": kind,
                            "sprite": target.name, "text": text})
        if text:  # an empty text only clears the bubble
            print(text, flush=True)


class Answers:
    """Answers for "ask and wait", one line of standard input each, read on a thread so the
    other scripts keep running while the program waits. At the end of the input every
    question gets an empty answer, so a program never waits for input that cannot come."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.thread: threading.Thread | None = None

    def _read(self) -> None:
        for line in sys.stdin:
            self.lines.put(line.rstrip("\r\n"))
        while True:
            self.lines.put("")

    def __call__(self) -> str | None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._read, daemon=True)
            self.thread.start()
        try:
            return self.lines.get_nowait()
        except queue.Empty:
            return None


def show_question(question: str) -> None:
    print(question, file=sys.stderr, flush=True)  # stdout carries only what sprites say


def cmd_run(program: str, kit: str | None, timeout: float | None, trace: str | None,
            seed: int | None, realtime: bool = False, view: bool = False) -> int:
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
        rt = Runtime(project.data, on_say=out.say, answers=Answers(),
                     on_question=show_question, seed=seed)
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
    world = sim_world(kit)
    try:
        if world is None:
            return asyncio.run(_run_with_kit(project, kit, timeout, trace, seed, out))
        from dojokit.sim import vloop

        # the simulated kit: program, link, firmware and world on one virtual clock; paced
        # to the wall clock only when someone watches
        return int(vloop.run(_run_with_kit(project, kit, timeout, trace, seed, out, world,
                                           view), realtime=realtime or view))
    except KeyboardInterrupt:
        print(t("run.interrupted_robot"), file=sys.stderr)
        return EXIT_INTERRUPTED


def sim_world(kit: str | None) -> str | None:
    """The world of a simulated kit ("sim" is the empty table), or None for a real kit."""
    if kit is None:
        return None
    scheme, _, rest = kit.partition(":")
    if kit == "sim" or scheme == "sim":
        return rest or "empty"
    return None


async def _run_with_kit(project: Any, kit: str, timeout: float | None, trace: str | None,
                        seed: int | None, out: Output, world: str | None = None,
                        view: bool = False) -> int:
    from dojokit.link import Link
    from dojokit.link.sim_transport import SimTransport
    from dojokit.robot import Robot
    from dojokit.scratch.robot_bridge import RobotBridge

    loop = asyncio.get_running_loop()
    try:
        if world is None:
            robot = await Robot.open(kit)
        else:
            from dojokit.sim.world import WorldError

            try:
                transport = SimTransport(label=kit, world=world, seed=seed or 0)
                robot = Robot(Link(transport))
                await robot.link.connect()
            except WorldError as exc:
                print(str(exc), file=sys.stderr)
                return EXIT_USER
    except LinkError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    bridge = RobotBridge(robot)
    out.clock = robot.trace.clock
    how = "done"
    try:
        await bridge.start()
        rt = Runtime(project.data, on_say=out.say, answers=Answers(),
                     on_question=show_question, seed=seed, robot=bridge,
                     clock=lambda: loop.time() * 1000, virtual=world is not None)
        if world is not None:
            # a simulated run allocates a lot and briefly: keep start-up's objects (the
            # compiled program, the world, the firmware) out of the collector's way
            gc.freeze()
        watcher = None
        if view and world is not None:
            watcher = loop.create_task(_watch(transport, rt))
        rt.green_flag()
        how = await rt.run_async(timeout)
        if watcher is not None:
            if rt.stopped_by_user:
                how = "interrupted"
            watcher.cancel()
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


async def _watch(transport: Any, rt: Runtime) -> None:
    """The simulator window, drawn 30 times a (simulated, here real-time) second: the world,
    the robot and its lights, and the state. Keys A/B and the window's buttons press the
    robot's buttons; closing the window stops the program."""
    from dojokit.sim.view import SimView

    kit = transport.kit
    view = SimView(kit.world, kit.body)
    state = "running"
    held = 0
    try:
        while True:
            for action in view.pump():
                if action == "quit":
                    rt.stopped_by_user = True
                    rt.stop_all()
                elif action.startswith(("press_", "release_")):
                    bit = 1 if action.endswith("_a") else 2
                    held = held | bit if action.startswith("press_") else held & ~bit
                    transport.guest.press(held)
            if not rt.threads:
                state = "finished"
            view.draw(kit.robot.pose, kit.board, state, kit.board.sensors)
            await asyncio.sleep(1 / 30)
    except asyncio.CancelledError:
        view.draw(kit.robot.pose, kit.board, "finished", kit.board.sensors)
        raise
    finally:
        view.close()


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
        events += [{"t": e.t, "kind": e.kind, **e.data} for e in robot.trace.events]
        sim = getattr(robot.link.transport, "kit", None)
        if sim is not None:  # the world's side, on the same time line as the robot's trace
            loop = asyncio.get_running_loop()
            events += sim.trace_events(loop.time() - robot.trace.clock())
        events.sort(key=lambda e: e["t"])  # stable: at equal times, says come first
    data = {"program": name, "kit": kit, "events": events}
    try:
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")
    except OSError as exc:
        print(t("run.trace_not_written", path=path, why=exc.strerror or str(exc)),
              file=sys.stderr)
