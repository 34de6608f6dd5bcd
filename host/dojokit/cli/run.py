"""`dojokit run PROGRAM.sb3`: run a Scratch project, headless or with a kit.

Standard output carries exactly what the program says and thinks, a line each, as it
happens; everything else (warnings, errors) goes to standard error.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
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
        self.trace_failed = False  # --trace could not be written at the end (exit 2)

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
            seed: int | None, realtime: bool = False, view: bool = False,
            close_after: float | None = None) -> int:
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
    if close_after is not None and close_after < 0:
        print(t("state.bad_close_after"), file=sys.stderr)
        return EXIT_USER
    if trace is not None and (problem := _trace_problem(Path(trace))):
        print(problem, file=sys.stderr)  # said before the run, not lost after it
        return EXIT_USER
    needs = project.robot_blocks
    if needs and kit is None:
        print(t("run.needs_kit", blocks=", ".join(needs)), file=sys.stderr)
        return EXIT_USER
    out = Output()
    if kit is None:
        try:
            rt = Runtime(project.data, on_say=out.say, answers=Answers(),
                         on_question=show_question, seed=seed)
        except ProjectError as exc:  # the compiler could not handle a script (compile.*)
            print(str(exc), file=sys.stderr)
            return EXIT_USER
        rt.green_flag()
        try:
            how = rt.run(timeout)
        except ProjectError as exc:  # the same, for a custom block compiled on first call
            print(str(exc), file=sys.stderr)
            return EXIT_USER
        except KeyboardInterrupt:
            rt.stop_all()
            _write_trace(trace, project.name, None, out, None)
            print(t("run.interrupted"), file=sys.stderr)
            return EXIT_INTERRUPTED
        _write_trace(trace, project.name, None, out, None)
        return EXIT_USER if out.trace_failed else _finish(how)
    world = sim_world(kit)
    try:
        if world is None:
            code = asyncio.run(_run_with_kit(project, kit, timeout, trace, seed, out))
        else:
            from dojokit.sim import vloop

            # the simulated kit: program, link, firmware and world on one virtual clock;
            # paced to the wall clock only when someone watches
            code = int(vloop.run(_run_with_kit(project, kit, timeout, trace, seed, out, world,
                                               view, close_after), realtime=realtime or view))
    except KeyboardInterrupt:
        print(t("run.interrupted_robot"), file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_USER if out.trace_failed and code != EXIT_INTERRUPTED else code


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
                        view: bool = False, close_after: float | None = None) -> int:
    from dojokit.link import Link
    from dojokit.link.sim_transport import SimTransport
    from dojokit.robot import Robot, session
    from dojokit.scratch.robot_blocks import sensors_read
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
    window: _Window | None = None
    rt: Runtime | None = None
    try:
        await bridge.start(sensors_read(project.data))
        # one feedback flow (dojokit.robot.session): ready, running, the end's state
        await session.ready(robot)
        if view and world is not None:
            window = _Window(transport.kit, robot)
            await asyncio.sleep(window.view.dwell)  # "ready" is seen before the run starts
        rt = Runtime(project.data, on_say=out.say, answers=Answers(),
                     on_question=show_question, seed=seed, robot=bridge,
                     clock=lambda: loop.time() * 1000, virtual=world is not None)
        if window is not None:
            window.rt = rt
        if world is not None:
            # a simulated run allocates a lot and briefly: keep start-up's objects (the
            # compiled program, the world, the firmware) out of the collector's way
            gc.freeze()
        how = await session.run(robot, rt, timeout)
        if rt.stopped_by_user:
            how = "interrupted"
    except LinkError as exc:
        print(str(exc), file=sys.stderr)
        how = "failed"
    except ProjectError as exc:  # the compiler could not handle a script (compile.*)
        print(str(exc), file=sys.stderr)
        how = "unrunnable"
    except (KeyboardInterrupt, asyncio.CancelledError):
        how = "interrupted"
    finally:
        with contextlib.suppress(LinkError):
            await bridge.stop()
        await session.end(robot, session.end_state(how))
        if window is not None:
            # the window stays on the final state until the child closes it (or
            # --close-after seconds after it shows): a run's end is seen, not a vanishing
            await window.linger(close_after if how in ("done", "timeout") else 0.0)
        _write_trace(trace, project.name, kit, out, robot)
        await robot.close()
    if how == "interrupted":
        print(t("run.interrupted_robot"), file=sys.stderr)
        return EXIT_INTERRUPTED
    if how == "unrunnable":
        return EXIT_USER
    return EXIT_FAILED if how == "failed" else _finish(how)


class _Window:
    """The simulator window, drawn 30 times a (simulated, here real-time) second: the world,
    the robot and its lights, and the banner, which follows the robot's states as its trace
    records them (Robot.on_state). Keys A/B and the window's buttons press the robot's
    buttons; closing the window stops the program, or, after the run, just closes it."""

    def __init__(self, kit: Any, robot: Any) -> None:
        from dojokit.sim.view import SimView

        self.kit = kit
        self.view = SimView(kit.world, kit.body, profile=robot.profile,
                            lights=len(kit.board.lights))
        if robot.state is not None:
            self.view.show_state(robot.state)
        robot.on_state(self.view.show_state)
        self.rt: Runtime | None = None  # the program, once it runs
        self.closed = False
        self.task = asyncio.get_running_loop().create_task(self._frames())

    async def _frames(self) -> None:
        kit, view = self.kit, self.view
        held = 0
        while not self.closed:
            for action in view.pump():
                if action == "quit":
                    self.closed = True
                    rt = self.rt
                    if rt is not None and rt.threads:
                        rt.stopped_by_user = True
                        rt.stop_all()
                elif action.startswith(("press_", "release_")):
                    bit = 1 if action.endswith("_a") else 2
                    held = held | bit if action.startswith("press_") else held & ~bit
                    self.kit.guest.press(held)
            if not self.closed:
                view.draw(kit.robot.pose, kit.board, sensors=kit.board.sensors)
            await asyncio.sleep(1 / 30)

    async def linger(self, close_after: float | None) -> None:
        """Keep drawing until the window is closed, or `close_after` seconds after the
        banner shows the final state; then close it."""
        loop = asyncio.get_running_loop()
        since: float | None = None
        try:
            while not self.closed and not self.task.done():
                if self.view.settled:
                    since = loop.time() if since is None else since
                    if close_after is not None and loop.time() - since >= close_after:
                        break
                else:
                    since = None
                await asyncio.sleep(1 / 30)
        finally:
            self.closed = True
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.view.close()


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
        out.trace_failed = True
        print(_trace_why(Path(path), exc), file=sys.stderr)


# why a trace file cannot be written, by errno: one sentence each (else the system's words)
_TRACE_PROBLEMS = {errno.ENOENT: "run.trace_no_folder", errno.ENOTDIR: "run.trace_no_folder",
                   errno.EISDIR: "run.trace_is_folder", errno.EACCES: "run.trace_not_allowed",
                   errno.EPERM: "run.trace_not_allowed", errno.EROFS: "run.trace_not_allowed"}


def _trace_why(path: Path, exc: OSError) -> str:
    key = _TRACE_PROBLEMS.get(exc.errno or 0, "run.trace_not_written")
    return t(key, path=path, why=exc.strerror or str(exc))


def _trace_problem(path: Path) -> str | None:
    """Why the trace could not be written to `path`, found before the run by opening it
    the way the end of the run will (a file made for the test is removed again)."""
    if path.is_dir():
        return t("run.trace_is_folder", path=path)
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        return _trace_why(path, exc)
    if not existed:
        with contextlib.suppress(OSError):
            path.unlink()
    return None
