"""The Scratch runtime: targets, threads and the frame loop, with scratch-vm's scheduling.

scratch-vm (engine/runtime.js, sequencer.js) steps every thread once per pass, in list
order, and keeps making passes within a frame while some thread is still running, a wait
has not asked for a redraw, and 75% of the frame time is not used up. Threads here are
generators made by the compiler; a generator yields its status at each yield point.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from dojokit.scratch import cast as C
from dojokit.scratch.model import (
    DONE,
    PROMISE_WAIT,
    RUNNING,
    YIELD_TICK,
    Sprite,
    StopThread,
    Target,
    Thread,
)

IDLE = 2  # what a generator yields while it only waits (compiler.IDLE_YIELD)
FRAME_MS = 1000 / 30  # Scratch 3 runs projects at 30 frames per second
# On a virtual clock no time passes inside a frame, so the frame's work is measured in
# thread steps instead of scratch-vm's 75% of the frame time
VIRTUAL_STEPS_PER_FRAME = 10000


class VirtualClock:
    """Milliseconds that pass only when the runtime says so: one frame at a time. The same
    program then gives the same result every run, as fast as the machine allows."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self) -> float:
        return self.ms

    def advance(self, ms: float) -> None:
        self.ms += ms
MAX_CLONES = 300

# hats and whether a new start restarts a running thread of the same script (runtime.js)
RESTARTS = {
    "event_whenflagclicked": True,
    "event_whenkeypressed": False,
    "event_whenthisspriteclicked": True,
    "event_whentouchingobject": False,
    "event_whenstageclicked": True,
    "event_whenbackdropswitchesto": True,
    "event_whengreaterthan": False,
    "event_whenbroadcastreceived": True,
    "control_start_as_clone": False,
    "procedures_definition": False,
}
EDGE_HATS = ["event_whentouchingobject", "event_whengreaterthan"]


@dataclass
class Script:
    """One compiled top-level script: its hat's id, the generator function that runs it,
    the hat's fields (upper-cased, for matching) and, for edge hats, a predicate."""

    top: str
    fn: Callable[..., Any]
    fields: dict[str, str] = field(default_factory=dict)
    predicate: Callable[..., Any] | None = None


class Runtime:
    def __init__(
        self,
        project: dict[str, Any],
        on_say: Callable[[Target, str, Any], None] | None = None,
        answers: Callable[[], str | None] | None = None,
        on_question: Callable[[str], None] | None = None,
        clock: Callable[[], float] | None = None,
        seed: int | None = None,
        robot: Any = None,
        virtual: bool = False,
    ) -> None:
        from dojokit.scratch.compiler import Compiler  # the compiler needs Runtime's names

        self.on_say = on_say or (lambda target, kind, text: None)
        # "ask and wait": answers() gives the next answer or None (polled between frames);
        # on_question shows a question the stage asks (a sprite says its own)
        self.answers = answers or (lambda: "")
        self.on_question = on_question or (lambda question: None)
        self.questions: list[tuple[str, Thread, Target, bool]] = []
        self.clock = clock or _ms
        # on virtual time nothing advances inside a frame: its work is counted in steps
        self.virtual = virtual or isinstance(self.clock, VirtualClock)
        self.rng = random.Random(seed)
        self.robot = robot  # a RobotBridge (robot_bridge.py) or None
        self.turbo = False
        self.threads: list[Thread] = []
        self.timers: list[tuple[float, Thread]] = []
        self.redraw = False
        self.progress = True
        self.stopped_by_user = False  # the simulator window was closed
        self.active: Thread | None = None
        self.answer = ""
        self.counter = 0.0
        self.clone_count = 0
        self.timer_start = self.clock()
        self.now = self.clock()
        self.targets: list[Target] = []
        sprites = [Sprite(t, bool(t.get("isStage"))) for t in project["targets"]]
        for s in sprites:
            t = Target(s, self)
            s.clones.append(t)
            self.targets.append(t)
        self.stage = next(t for t in self.targets if t.is_stage)
        # execution order: by layer, bottom (stage) first; hats start from the top down
        order = {id(t): t.sprite.data.get("layerOrder", i) for i, t in enumerate(self.targets)}
        self.executable = sorted(self.targets, key=lambda t: order[id(t)])
        self.compiler = Compiler(self)
        for s in sprites:
            self.compiler.compile_sprite(s)
        self.edge_hats = list(EDGE_HATS) + self.compiler.extra_edge_hats

    # -- hats and threads -----------------------------------------------------------------
    def start_hats(self, opcode: str, match: dict[str, str] | None = None,
                   only: Target | None = None) -> list[Thread]:
        restart = RESTARTS.get(opcode, False)
        started: list[Thread] = []
        targets = [only] if only is not None else self.executable
        for target in reversed(targets):
            for script in target.sprite.scripts.get(opcode, ()):
                if match and any(script.fields.get(k) != v for k, v in match.items()):
                    continue
                th = self._start(script, target, restart)
                if th is not None:
                    started.append(th)
        return started

    def _start(self, script: Script, target: Target, restart: bool) -> Thread | None:
        threads = self.threads
        for i, old in enumerate(threads):
            if old.target is target and old.top == script.top and not old.stack_click:
                if restart:
                    th = self._new_thread(script, target)
                    threads[i] = th
                    old.in_list = False
                    return th
                if old.status != DONE:
                    return None
        th = self._new_thread(script, target)
        threads.append(th)
        return th

    def _new_thread(self, script: Script, target: Target) -> Thread:
        th = Thread(None, target, script.top)  # type: ignore[arg-type]
        th.gen = script.fn(self, target, th)
        return th

    def broadcast(self, name: str) -> list[Thread]:
        # the message must exist on the stage (by name, any case) to start anything
        msg = name.lower()
        for v in self.stage.vars.values():
            if v.kind == "broadcast_msg" and v.name.lower() == msg:
                return self.start_hats("event_whenbroadcastreceived",
                                       {"BROADCAST_OPTION": v.name.upper()})
        return []

    def broadcast_id(self, bid: str) -> list[Thread]:
        # a broadcast menu names its message by id: a message that is gone starts nothing
        v = self.stage.vars.get(bid)
        if v is None:
            return []
        return self.start_hats("event_whenbroadcastreceived",
                               {"BROADCAST_OPTION": v.name.upper()})

    def is_waiting(self, th: Thread) -> bool:
        return th.status in (PROMISE_WAIT, YIELD_TICK) or th.status == DONE or not th.in_list

    def _kill(self, th: Thread) -> None:
        th.killed = True
        th.status = DONE
        th.gen.close() if th is not self.active else None

    def stop_all(self) -> None:
        for t in list(self.targets):
            if not t.is_original:
                self._dispose(t)
        if self.active is not None:
            self._kill(self.active)
        for th in self.threads:
            th.in_list = False
        self.threads = []
        self.timers = []
        self.questions = []

    def stop_for_target(self, target: Target, keep: Thread | None = None) -> None:
        for th in self.threads:
            if th is not keep and th.target is target:
                self._kill(th)

    # -- clones and layers ------------------------------------------------------------------
    def target_by_name(self, name: str) -> Target | None:
        for t in self.targets:
            if not t.is_stage and t.sprite.name == name:
                return t
        return None

    def create_clone(self, me: Target, option: str) -> None:
        original = me if option == "_myself_" else self.target_by_name(option)
        if original is None or original.is_stage or self.clone_count >= MAX_CLONES:
            return
        self.clone_count += 1
        clone = Target(original.sprite, self, original)
        original.sprite.clones.append(clone)
        self.start_hats("control_start_as_clone", None, clone)
        self.targets.append(clone)
        self.executable.append(clone)
        self.set_layer(clone, self.executable.index(original))

    def delete_clone(self, me: Target) -> None:
        if me.is_original:
            return
        self._dispose(me)
        self.stop_for_target(me)

    def _dispose(self, t: Target) -> None:
        if t in self.targets:
            self.targets.remove(t)
        if t in self.executable:
            self.executable.remove(t)
        if t in t.sprite.clones:
            t.sprite.clones.remove(t)
            self.clone_count -= 1

    def move_layer(self, t: Target, delta: float) -> None:
        ex = self.executable
        old = ex.index(t)
        ex.pop(old)
        new = old + delta
        if new > len(ex):
            new = len(ex)
        if new <= 0:
            new = 1 if ex and ex[0].is_stage else 0
        ex.insert(int(new), t)

    def set_layer(self, t: Target, index: float) -> None:
        self.move_layer(t, index - self.executable.index(t))

    # -- the frame loop ------------------------------------------------------------------------
    def green_flag(self) -> None:
        self.stop_all()
        self.answer = ""
        self.timer_start = self.now
        for t in self.targets:
            t.edge_values.clear()
        self.start_hats("event_whenflagclicked")

    def step_frame(self) -> None:
        """One frame (Runtime._step): edge hats, then threads until the frame is used."""
        self._fire_timers()
        if self.questions:
            answer = self.answers()
            if answer is not None:
                self._on_answer(answer)
        keep = []
        for th in self.threads:
            if th.killed:
                th.in_list = False
            else:
                keep.append(th)
        self.threads = keep
        for opcode in self.edge_hats:
            self._edge_hat(opcode)
        if self.robot is not None:
            self.robot.after_hats()
        self.redraw = False
        self._step_threads()

    def _edge_hat(self, opcode: str) -> None:
        for target in reversed(self.executable):
            for script in target.sprite.scripts.get(opcode, ()):
                if any(th.target is target and th.top == script.top and th.status != DONE
                       for th in self.threads):
                    continue  # still running from an earlier edge: not even evaluated
                value = bool(script.predicate(self, target))
                had = script.top in target.edge_values
                old = target.edge_values.get(script.top)
                target.edge_values[script.top] = value
                if (not old and value) if had else value:
                    self._start(script, target, False)

    def hat_may_fire(self) -> bool:
        """With no thread running, can an edge hat still start a script? Only one whose
        condition is false now and turns true as time passes: "when timer >" a finite value
        not reached yet. Loudness never rises here (no microphone, as in scratch-vm
        headless), touching and the robot's sensors do not change with no script running
        (the run ends then, as before: a robot's hat does not keep it going)."""
        saved = self.timer_start
        self.timer_start = -math.inf  # "as time passes": the project timer at its furthest
        try:
            return any(script.predicate(self, target)
                       for target in self.executable
                       for script in target.sprite.scripts.get("event_whengreaterthan", ())
                       # true already: it fired, and stays true
                       if script.predicate is not None
                       and not target.edge_values.get(script.top))
        finally:
            self.timer_start = saved

    def _step_threads(self) -> None:
        work = 0.75 * FRAME_MS
        start = self.clock()
        self.now = start
        active = 1
        first = True
        budget = VIRTUAL_STEPS_PER_FRAME
        self.progress = True
        while self.threads and active > 0 and (self.turbo or not self.redraw):
            if self.virtual:
                # no time passes within a virtual frame: once a pass has only waited, or
                # the step budget is used, more passes would change nothing / never end
                if budget <= 0 or not self.progress:
                    break
                budget -= len(self.threads)
                self.progress = False
            elif not first and self.clock() - start >= work:
                break
            active = 0
            stopped = False
            threads = self.threads
            n_before = len(threads)
            i = 0
            while i < len(threads):
                th = threads[i]
                i += 1
                if th.status == DONE:
                    stopped = True
                    continue
                if th.status == YIELD_TICK and first:
                    th.status = RUNNING
                if th.status == RUNNING:
                    self._step_thread(th)
                    if th.status == RUNNING:
                        active += 1
                if th.status == DONE:
                    stopped = True
            first = False
            if len(threads) != n_before or threads is not self.threads:
                self.progress = True  # threads started or stopped: others may react
            if stopped:
                self.progress = True
                keep = []
                for th in self.threads:
                    if th.status != DONE:
                        keep.append(th)
                    else:
                        th.in_list = False
                self.threads = keep
        self.active = None

    def _step_thread(self, th: Thread) -> None:
        self.active = th
        th.warp_start = self.clock()  # for warp code: its 500 ms start with the step
        try:
            status = next(th.gen)
        except StopIteration:
            th.status = DONE
        except StopThread:
            th.status = DONE
        else:
            if status == IDLE:
                status = RUNNING  # running, but only waiting: see compiler.IDLE_YIELD
            elif status != PROMISE_WAIT:
                self.progress = True
            if th.status != DONE:  # a script that stopped its own thread stays stopped
                th.status = RUNNING if status == PROMISE_WAIT and th.woken else status
        self.active = None

    # -- promises: a thread waits (PROMISE_WAIT, not stepped) until its promise settles ----
    def wait_for(self, th: Thread, fut: Any) -> None:
        """Before `yield 1`: wake `th` when the asyncio future `fut` is done."""
        th.woken = False
        fut.add_done_callback(lambda _f: self._wake(th))

    def next_frame(self, th: Thread) -> None:
        """Before `yield 1`: a promise that is already resolved; the thread goes on in the
        next frame (its handler runs once the frame is over)."""
        th.woken = False
        self.timers.append((-math.inf, th))

    def wait_ms(self, th: Thread, ms: float) -> None:
        """Before `yield 1`: wake `th` after `ms` milliseconds (a setTimeout promise)."""
        th.woken = False
        self.timers.append((self.clock() + ms, th))

    def ask(self, th: Thread, target: Target, question: str) -> None:
        """Before `yield 1`: queue a question; the thread waits for its answer."""
        th.woken = False
        self.questions.append((question, th, target, target.visible and not target.is_stage))
        if len(self.questions) == 1:
            self._ask_next()

    def _ask_next(self) -> None:
        if self.questions:
            question, _th, target, bubble = self.questions[0]
            if bubble:
                self.say(target, "say", question)
            else:
                self.on_question(question)

    def _on_answer(self, answer: str) -> None:
        self.answer = answer
        _q, th, target, bubble = self.questions.pop(0)
        if bubble:
            self.say(target, "say", "")
        self._wake(th)
        self._ask_next()

    def _wake(self, th: Thread) -> None:
        th.woken = True
        if th.status == PROMISE_WAIT:
            th.status = RUNNING

    def _fire_timers(self) -> None:
        if self.timers:
            now = self.clock()
            due = [x for x in self.timers if x[0] <= now]
            if due:
                self.timers = [x for x in self.timers if x[0] > now]
                for _, th in sorted(due, key=lambda x: x[0]):
                    self._wake(th)

    def _frames(self, timeout: float | None) -> Iterator[float]:
        """Frames until no thread is left: yields how many seconds to wait before each one
        (none on a VirtualClock, whose time the loop advances itself). Returns "done" or
        "timeout" (after `timeout` seconds of this runtime's clock)."""
        t0 = self.clock()
        next_frame = t0
        # as scratch-vm steps frames while nothing runs: until no script runs and no hat
        # can start one any more
        while self.threads or self.hat_may_fire():
            now = self.clock()
            if timeout is not None and now - t0 >= timeout * 1000:
                return "timeout"
            if isinstance(self.clock, VirtualClock):
                # a frame's time passes before it runs: the green flag is clicked between
                # frames, as in Scratch, not at the very moment one starts
                self.clock.advance(FRAME_MS)
            else:
                yield max(0.0, next_frame - now) / 1000
                # like setInterval: the next frame comes a frame's time after this one
                # started, never sooner (a late frame does not make the next one early)
                next_frame = self.clock() + FRAME_MS
            self.step_frame()
            if self.robot is not None and self.robot.error is not None:
                raise self.robot.error
        return "done"

    def run(self, timeout: float | None = None, sleep: Callable[[float], None] = time.sleep
            ) -> str:
        """Run frames until no thread is left ("done") or `timeout` seconds ("timeout")."""
        frames = self._frames(timeout)
        while True:
            try:
                delay = next(frames)
            except StopIteration as end:
                return str(end.value)
            if delay > 0:
                sleep(delay)

    async def run_async(self, timeout: float | None = None) -> str:
        """`run` inside an asyncio loop, which runs between frames (robot commands, events).
        Raises the robot's error if a robot command failed."""
        import asyncio

        frames = self._frames(timeout)
        while True:
            try:
                delay = next(frames)
            except StopIteration as end:
                return str(end.value)
            await asyncio.sleep(delay)

    # -- sensing --------------------------------------------------------------------------------
    # the project timer runs on the frame's time (runtime.currentMSecs), which is taken when
    # a frame starts stepping threads: edge hats see the previous frame's time
    def timer(self) -> float:
        return (self.now - self.timer_start) / 1000

    def reset_timer(self) -> None:
        self.timer_start = self.now

    def days_since_2000(self) -> float:
        ms = time.time() * 1000 - 946684800000
        return ms / 86400000

    def say(self, target: Target, kind: str, message: Any) -> None:
        self.on_say(target, kind, message)

    def attribute_of(self, prop: str, obj: str) -> Any:
        if obj == "_stage_":
            t: Target | None = self.stage
        else:
            t = self.target_by_name(obj)
        if t is None:
            return 0.0
        if t.is_stage:
            if prop in ("background #", "backdrop #"):
                return float(t.costume + 1)
            if prop == "backdrop name":
                return costume_name(t)
            if prop == "volume":
                return t.volume
        else:
            value = SPRITE_ATTRS.get(prop)
            if value is not None:
                return value(t)
        for v in t.vars.values():  # a variable of that target, by name (not the stage's)
            if v.name == prop and not v.is_list and not v.kind:
                return v.value
        return 0.0


def _ms() -> float:
    return time.perf_counter() * 1000


def limit_precision(v: float) -> float:
    # x and y positions: within 1e-9 of a whole number they report that number
    if not math.isfinite(v):
        return v
    r = math.floor(v + 0.5)
    return float(r) if abs(v - r) < 1e-9 else v


def costume_name(t: Target) -> str:
    cs = t.sprite.costumes
    return cs[t.costume]["name"] if 0 <= t.costume < len(cs) else ""


# sensing "of" reads a sprite's state as stored (no rounding, unlike the motion reporters)
SPRITE_ATTRS: dict[str, Callable[[Target], Any]] = {
    "x position": lambda t: t.x,
    "y position": lambda t: t.y,
    "direction": lambda t: t.direction,
    "costume #": lambda t: float(t.costume + 1),
    "costume name": costume_name,
    "size": lambda t: t.size,
    "volume": lambda t: t.volume,
}

_ = C  # cast is re-exported for the compiled code through the compiler's namespace
