"""The studio with a robot: opens the window, the exercise, the learner's work and the kit,
and runs frames, the learner's program and the checks on one asyncio loop.

`StudioRunner.run(script)` calls `script(runner, frame)` before each frame when given (the
tests drive the studio with posted events this way); the window closes when it returns False.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pygame

from dojokit.i18n import LANGUAGES, language, set_language
from dojokit.studio.app import DEFAULT_SIZE, Feedback, Studio
from dojokit.studio.editor import say
from dojokit.studio.program import Program

EXIT_OK, EXIT_USER = 0, 2
CALMNESS = ("calm", "standard")  # the profiles, calmest first


class StudioError(Exception):
    """A user mistake: one translated sentence (already in the learner's language)."""


@dataclass
class Options:
    box: str | None = None
    exercise: str | None = None
    learner: str | None = None
    kit: str = "sim"
    profile: str | None = None
    lang: str | None = None
    program: str | None = None
    scale: float | None = None
    size: tuple[int, int] | None = None  # default: 1280 x 800, larger for larger text
    fps: int = 60


def teaching_order() -> list[Any]:
    from dojokit.data import boxes_dir
    from dojokit.themebox.format import list_boxes

    return list_boxes(boxes_dir())  # already in teaching order


def _first_box_folder() -> Path | None:
    """The first box in teaching order, read from the levels alone: only the box the studio
    opens is loaded and checked (checking every box's programs costs half a second)."""
    import json

    from dojokit.data import boxes_dir
    from dojokit.themebox.format import BOX_FILE, BoxError, teaching_key

    order = []
    try:
        folders = sorted(boxes_dir().iterdir())
    except OSError as exc:
        raise BoxError(str(exc)) from None
    for folder in folders:
        if (folder / BOX_FILE).is_file():
            try:
                level = json.loads((folder / BOX_FILE).read_text(encoding="utf-8-sig")).get(
                    "level")
            except (ValueError, OSError, AttributeError):
                level = None  # a broken box is said when it is opened, not here
            level = level if isinstance(level, int) else None
            order.append((teaching_key(level, folder.name), folder))
    return min(order)[1] if order else None


def choose_exercise(box_id: str | None, exercise_id: str | None, lang: str) -> tuple[Any, Any]:
    from dojokit.data import DataError, boxes_dir
    from dojokit.themebox.format import BOX_FILE, BoxError, load_box

    try:
        folder = _first_box_folder() if box_id is None else boxes_dir() / box_id
        if folder is None:
            raise StudioError(say("studio.no_boxes", lang))
        if box_id is not None and (not box_id.replace("_", "").replace("-", "").isalnum()
                                   or not (folder / BOX_FILE).is_file()):
            raise StudioError(say("studio.no_box", lang, box=box_id))
        box = load_box(folder)
    except (BoxError, DataError) as exc:
        raise StudioError(str(exc)) from None
    if exercise_id is None:
        return box, box.exercises[0]
    ex = next((e for e in box.exercises if e.id == exercise_id), None)
    if ex is None:
        raise StudioError(say("studio.no_exercise", lang, box=box.id, exercise=exercise_id))
    return box, ex


def open_file(path: str | Path) -> Any:
    """The program at `path`, or StudioError with the loader's one sentence."""
    from dojokit.scratch.sb3 import ProjectError
    from dojokit.studio import files

    try:
        return files.open_program(path)
    except ProjectError as exc:
        raise StudioError(str(exc)) from None
    except OSError as exc:
        raise StudioError(f"{path}: {exc.strerror or exc}") from None


def check_kit(kit: str, lang: str) -> str | None:
    """The sim world of `kit`, or None for a real kit; StudioError for a kit we cannot read."""
    scheme, _, rest = kit.partition(":")
    if scheme == "sim":
        return rest or None
    if scheme == "serial" and rest:
        return None
    raise StudioError(say("studio.bad_kit", lang, kit=kit))


def window_size(scale: float) -> tuple[int, int]:
    """1280 x 800 at 100 %; larger text gets a larger window (as far as the screen allows),
    so the script area keeps its room."""
    grow = max(1.0, 0.5 + scale * 0.5)
    w, h = round(DEFAULT_SIZE[0] * grow), round(DEFAULT_SIZE[1] * grow)
    info = pygame.display.Info()
    if info.current_w > 0 and info.current_h > 0 and os.environ.get("SDL_VIDEODRIVER") != "dummy":
        w, h = min(w, info.current_w), min(h, info.current_h - 60)
    return max(w, 800), max(h, 600)


def open_display(size: tuple[int, int] | None, lang: str, scale: float = 1.0
                 ) -> pygame.Surface:
    try:
        pygame.display.init()
        pygame.font.init()
        return pygame.display.set_mode(size or window_size(scale), pygame.RESIZABLE)
    except pygame.error as exc:
        raise StudioError(say("studio.no_display", lang)) from exc


class StudioRunner:
    def __init__(self, opts: Options) -> None:
        self.opts = opts
        self.lang = opts.lang if opts.lang in LANGUAGES else language()
        self.world = check_kit(opts.kit, self.lang)
        self.box, self.exercise = choose_exercise(opts.box, opts.exercise, self.lang)
        self.profile = opts.profile or self.box.profile or "calm"
        self.scale = opts.scale or 1.0
        self.learner = opts.learner
        # a program named on the command line is read before any window opens: a broken
        # file is one sentence on the terminal
        self._preloaded = open_file(opts.program) if opts.program is not None else None
        self.screen: pygame.Surface | None = None
        self.studio: Studio | None = None
        self.robot: Any = None
        self.bridge: Any = None
        self.kit: Any = None  # the simulated kit (for the stage)
        self.rt: Any = None
        self.run_task: asyncio.Task[Any] | None = None
        self.check_task: asyncio.Task[Any] | None = None
        self.connect_task: asyncio.Task[Any] | None = None
        self.autosaver: Any = None
        self.first_frame_at: float | None = None
        self.frame_times: list[float] = []
        self.checked: list[tuple[float, str]] = []  # (seconds from click to answer, verdict)
        self._check_started = 0.0
        self.program_path: Path | None = None
        self.checker: Any = None
        self.modal: tuple[Any, Callable[[Any], None]] | None = None
        self.held = 0  # the simulated robot's buttons held down (bit 1: A, bit 2: B)

    # -- opening ------------------------------------------------------------------------------
    def _settings(self) -> None:
        """The learner's own settings, with what the teacher locked winning over arguments.
        Unless locked or given with --profile, the profile is the calmer of the learner's
        and the box's: a box made calm stays calm for everyone."""
        if self.learner is None:
            return
        from dojokit.studio.learners import Learners, effective

        try:
            learners = Learners.load()
            settings = learners.get(self.learner) if self.learner in learners.names() \
                else None
        except Exception:  # a damaged learners file must not keep a child out
            settings = None
        profile, lang = effective(settings, self.opts.profile, self.opts.lang)
        locked = settings is not None and settings.profile_locked
        if not locked and self.opts.profile is None and settings is not None:
            profile = min((profile, self.box.profile or "calm"), key=CALMNESS.index)
        elif settings is None and self.opts.profile is None:
            profile = self.box.profile or profile
        self.profile = profile or self.profile
        if lang in LANGUAGES:
            self.lang = lang
        if settings is not None and self.opts.scale is None:
            self.scale = getattr(settings, "scale", None) or self.scale
        if self.opts.exercise is None and self.opts.program is None:
            self._continue_where_left()

    def _continue_where_left(self) -> None:
        """With no --exercise, the learner's first card of the box not finished yet (the
        next card, after a finished one); the first card for a new learner."""
        from dojokit.themebox.progress import Progress, ProgressError

        try:
            with Progress() as store:
                done = {s.exercise for s in store.overview(self.learner)
                        if s.box == self.box.id and s.best == "finished"}
        except ProgressError:
            return  # the teacher is told by the progress commands; the child starts at card 1
        todo = [e for e in self.box.exercises if e.id not in done]
        if todo and done:
            self.exercise = todo[0]

    def load_program(self) -> Program:
        from dojokit.studio import files

        if self.opts.program is not None:
            self.opened = self._preloaded or open_file(self.opts.program)
            self._preloaded = None
            self.program_path = Path(self.opts.program)
            return self.opened.program
        if self.learner is not None:
            path = files.autosave_path(self.learner, self.box.id, self.exercise.id)
            with contextlib.suppress(Exception):
                if path.exists():
                    self.opened = files.open_program(path)
                    return self.opened.program
        starter = Path(self.exercise.starter)
        if not starter.is_absolute():
            starter = self.box.path / starter
        self.opened = open_file(starter)
        return self.opened.program

    def make_studio(self, program: Program) -> Studio:
        from dojokit.studio.card import CardView
        from dojokit.studio.stage import Stage
        from dojokit.themebox.format import pick

        box, ex = self.box, self.exercise
        i = box.exercises.index(ex)
        nxt = box.exercises[i + 1] if i + 1 < len(box.exercises) else None

        def card(lang: str, scale: float, th: Any) -> Any:
            return CardView(box, ex, lang, scale, th, pick(nxt.title, lang) if nxt else None)

        from dojokit.studio.theme import theme

        stage = Stage(theme(self.profile), self.scale, self.lang, self.profile)
        studio = Studio(program, ex.palette, lang=self.lang, profile=self.profile,
                        scale=self.scale, size=self.screen.get_size() if self.screen else
                        DEFAULT_SIZE, card_factory=card, stage=stage)
        studio.set_state("waiting_link")
        return studio

    def _autosaver(self, program: Program) -> Any:
        from dojokit.studio import files

        if self.learner is None:
            return None
        opened = getattr(self, "opened", None)
        source = opened if opened is not None and opened.program is program else program
        return files.Autosaver(source, files.autosave_path(self.learner, self.box.id,
                                                           self.exercise.id))

    # -- the kit ------------------------------------------------------------------------------
    async def connect(self) -> None:
        from dojokit.link import Link, LinkError
        from dojokit.link.sim_transport import SimTransport
        from dojokit.robot import Robot, session
        from dojokit.scratch.robot_bridge import RobotBridge

        studio = self.studio
        assert studio is not None
        try:
            if self.opts.kit.startswith("sim"):
                world = self.world or str(self.box.world_path())
                transport = SimTransport(label="sim", world=world, seed=0)
                robot = Robot(Link(transport))
                await robot.link.connect()
                self.kit = transport.kit
                studio.stage.set_sim(self.kit)
            else:
                robot = await Robot.open(self.opts.kit)
                info = robot.info  # the kit's identity, as a mentor named it
                studio.stage.set_real(info.name or self.opts.kit, info.colour, info.number,
                                      self.opts.kit)
        except LinkError as exc:
            studio.message = str(exc)
            studio.set_state("waiting_link")
            return
        self.robot = robot
        await robot.set_profile(self.profile)  # the robot is as calm as the screen
        robot.on_state(studio.set_state)
        self.bridge = RobotBridge(robot)
        await self.bridge.start()
        await session.ready(robot)
        studio.set_state("ready")

    async def close_kit(self) -> None:
        from dojokit.link import LinkError

        if self.robot is None:
            return
        with contextlib.suppress(LinkError, Exception):
            await self.bridge.stop()
        with contextlib.suppress(LinkError, Exception):
            await self.robot.close()

    # -- running and checking -----------------------------------------------------------------
    async def run_program(self) -> None:
        from dojokit.robot import session
        from dojokit.scratch.project import ProjectError
        from dojokit.scratch.runtime import Runtime

        studio = self.studio
        assert studio is not None and self.robot is not None
        loop = asyncio.get_running_loop()
        data = copy.deepcopy(studio.program.data)
        stage = studio.stage
        how = "done"
        try:
            self.rt = Runtime(data, on_say=lambda target, kind, msg: stage.bubble(kind, str(msg)),
                              answers=self._answer, on_question=self._ask, seed=0,
                              robot=self.bridge, clock=lambda: loop.time() * 1000)
            how = await session.run(self.robot, self.rt, self.exercise.time_limit * 2)
            if self.rt.stopped_by_user:
                how = "interrupted"
        except ProjectError as exc:
            studio.message = say("studio.cannot_run", self.lang, why=str(exc))
            how = "interrupted"
        except asyncio.CancelledError:
            how = "interrupted"
        finally:
            from dojokit.link import LinkError

            with contextlib.suppress(LinkError):
                await self.robot.stop()
            await session.end(self.robot, session.end_state(how))
            self.rt = None
            studio.dirty = True

    def _ask(self, question: str) -> None:
        """The stage asks (a sprite asks in its bubble): either way the field opens, from
        `_poll_question`, once per question."""

    def _poll_question(self) -> None:
        studio, rt = self.studio, self.rt
        if studio is None or rt is None or not rt.questions:
            self._asked = None
            return
        pending = rt.questions[0]
        if studio.answer_box is None and pending is not getattr(self, "_asked", None):
            self._asked = pending
            studio.ask(str(pending[0]))

    def _answer(self) -> str | None:
        studio = self.studio
        return studio.answers.pop(0) if studio is not None and studio.answers else None

    def stop_program(self) -> None:
        if self.rt is not None:
            self.rt.stopped_by_user = True
            self.rt.stop_all()

    def _current(self) -> Any:
        """What to save: the opened file (its assets kept) while the studio edits it."""
        assert self.studio is not None
        opened = getattr(self, "opened", None)
        if opened is not None and opened.program is self.studio.program:
            return opened
        return self.studio.program

    async def check_program(self) -> None:
        studio = self.studio
        assert studio is not None and self.checker is not None
        self._check_started = time.perf_counter()
        studio.checking = True
        studio._enable()
        studio.message = say("studio.checking", self.lang)
        studio.dirty = True
        try:
            answer = await self.checker.answer(studio.program.changes, studio.program.data)
        finally:
            studio.checking = False
            studio._enable()
            studio.message = None
        studio.feedback = Feedback(answer.verdict, answer.lines)
        if answer.finished:
            studio.finished = True
            studio.steps_done = len(self.exercise.card.steps)
            studio._layout_buttons()
        if self.robot is not None:
            from dojokit.link import LinkError

            with contextlib.suppress(LinkError):
                await self.robot.show_state(answer.verdict)
        self._record(answer)
        studio.dirty = True

    def _new_checker(self) -> None:
        from dojokit.studio.checker import Checker

        if getattr(self, "checker", None) is not None:
            self.checker.close()
        in_process = os.environ.get("DOJOKIT_CHECK_IN_PROCESS") == "1"
        self.checker = Checker(self.box.path, self.exercise.id, self.lang, in_process)
        self.checker.start()

    def answered(self) -> None:
        """Called by the frame loop once the answer is on screen (for the benchmark)."""
        if self._check_started:
            assert self.studio is not None and self.studio.feedback is not None
            self.checked.append((time.perf_counter() - self._check_started,
                                 self.studio.feedback.verdict))
            self._check_started = 0.0

    def _record(self, verdict: Any) -> None:
        if self.learner is None:
            return
        from dojokit.themebox.progress import Progress, ProgressError

        try:
            with Progress() as store:
                store.record(self.learner, self.box.id, self.exercise.id, verdict.verdict,
                             [k for k, _ in verdict.failures], verdict.trace_hash,
                             failures=verdict.failures, beyond=verdict.beyond)
        except ProgressError:
            assert self.studio is not None
            self.studio.message = say("studio.recorded_not", self.lang)

    def next_exercise(self) -> None:
        box = self.box
        i = box.exercises.index(self.exercise)
        if i + 1 >= len(box.exercises):
            return
        self.exercise = box.exercises[i + 1]
        self.opts.program = None
        self.program_path = None
        program = self.load_program()
        old = self.studio
        assert old is not None
        studio = self.make_studio(program)
        studio.stage = old.stage
        studio.set_state(old.state)
        self.studio = studio
        self.autosaver = self._autosaver(program)
        studio.on_change = self._changed
        self._new_checker()

    def _keep_scale(self, scale: float) -> None:
        """A+ / A− is the learner's own setting: kept for the next time."""
        self.scale = scale
        if self.learner is None:
            return
        from dojokit.studio.learners import Learners, LearnersError

        try:
            learners = Learners.load()
            if self.learner not in learners:
                learners.add(self.learner)
            learners.update(self.learner, scale=scale)
            learners.save()
        except (LearnersError, OSError):
            pass  # the size still changes now; a file that cannot be kept is the teacher's

    def _changed(self) -> None:
        if self.autosaver is not None:
            self.autosaver.maybe_save()
            if self.autosaver.error and self.studio is not None:
                self.studio.message = self.autosaver.error  # one sentence; work goes on

    # -- actions ---------------------------------------------------------------------------------
    def act(self, action: str) -> None:
        studio = self.studio
        assert studio is not None
        loop = asyncio.get_running_loop()
        if action == "run" and self.robot is not None and self.rt is None:
            studio.feedback = None
            self.run_task = loop.create_task(self.run_program())
        elif action == "stop":
            self.stop_program()
        elif action == "check" and (self.check_task is None or self.check_task.done()):
            self.check_task = loop.create_task(self.check_program())
        elif action == "next":
            self.next_exercise()
        elif action in ("open", "saveas", "export"):
            self.file_action(action)
        elif action == "teacher":
            self.teacher()
        elif action.startswith(("press_", "release_")) and self.kit is not None:
            bit = 1 if action.endswith("_a") else 2
            self.held = self.held | bit if action.startswith("press_") else self.held & ~bit
            self.kit.guest.press(self.held)

    def file_action(self, action: str) -> None:
        from dojokit.studio import files
        from dojokit.studio.filescreen import FileScreen

        studio = self.studio
        assert studio is not None
        mode = "open" if action == "open" else "save"
        screen = FileScreen(studio.th, studio.scale, self.lang, mode, files.work_folder())
        self.open_modal(screen, lambda chosen: self._file_chosen(action, chosen))

    def _file_chosen(self, action: str, chosen: Any) -> None:
        from dojokit.studio import files

        studio = self.studio
        assert studio is not None
        if not isinstance(chosen, Path):
            return
        try:
            if action == "open":
                self.opened = files.open_program(chosen)
                program = self.opened.program
                studio.program = program
                studio.relayout()
                self.autosaver = self._autosaver(program)
                self._new_checker()  # a check made ahead was of the other program
                if self.autosaver is not None:
                    self.autosaver.maybe_save()
            elif action == "saveas":
                files.save_program(self._current(), chosen)
                studio.message = say("studio.saved", self.lang, path=chosen)
            else:
                from dojokit.scratch.scratch_export import write_scratch_sb3

                out = chosen.with_suffix(".sb3")
                current = self._current()
                write_scratch_sb3(studio.program.data, out, self.lang,
                                  getattr(current, "assets", None))
                studio.message = say("studio.exported", self.lang, path=out)
        except Exception as exc:  # a file the learner chose: said in one sentence, nothing lost
            studio.message = say("studio.not_saved", self.lang, path=chosen, why=exc)
        studio.dirty = True

    def open_modal(self, screen: Any, done: Callable[[Any], None]) -> None:
        """Show a full-window screen (file chooser, teacher mode) in place of the studio;
        frames, the robot link and a running program go on; `done(answer)` at its end."""
        self.modal = (screen, done)
        pygame.key.start_text_input()  # names and paths are typed with any keyboard layout

    def _modal_frame(self, events: list[pygame.event.Event]) -> None:
        assert self.modal is not None and self.screen is not None
        screen, done = self.modal
        for ev in events:
            result = "cancel" if ev.type == pygame.QUIT else screen.handle(ev)
            if result is not None:
                self.modal = None
                pygame.key.stop_text_input()
                done(result)
                if self.studio is not None:
                    self.studio.dirty = True
                return
        screen.draw(self.screen)
        pygame.display.flip()

    def _modal(self, screen: Any) -> Any:
        """Run a full-window screen (file chooser, teacher mode) until it answers."""
        assert self.screen is not None
        clock = pygame.time.Clock()
        pygame.key.start_text_input()  # names and paths are typed with any keyboard layout
        try:
            return self._modal_loop(screen, clock)
        finally:
            pygame.key.stop_text_input()
            if self.studio is not None:
                self.studio.dirty = True

    def _modal_loop(self, screen: Any, clock: Any) -> Any:
        assert self.screen is not None
        while True:
            for ev in pygame.event.get():
                if ev.type == pygame.QUIT:
                    return "cancel"
                result = screen.handle(ev)
                if result is not None:
                    return result
            screen.draw(self.screen)
            pygame.display.flip()
            clock.tick(30)

    def teacher(self) -> None:
        from dojokit.studio.learners import Learners
        from dojokit.studio.teacher import TeacherScreen
        from dojokit.themebox.progress import Progress, ProgressError

        studio = self.studio
        assert studio is not None
        try:
            progress = Progress()
        except ProgressError as exc:
            studio.message = str(exc)
            return
        # the teacher's screen, at the teacher's size: the learner's 200 % is for the
        # learner's work, and the class table needs the room
        screen = TeacherScreen(studio.th, 1.0, self.lang, Learners.load(), teaching_order(),
                               progress)

        def done(result: Any) -> None:
            progress.close()
            if isinstance(result, dict) and result.get("action") == "open":
                self._open_for(result, studio)

        self.open_modal(screen, done)

    def _open_for(self, result: dict[str, Any], old: Studio) -> None:
        """Teacher mode chose a learner, an exercise and a profile: open them."""
        self.learner = result.get("learner") or self.learner
        self.opts.profile = result.get("profile") or self.opts.profile
        self.opts.lang = result.get("lang") or self.opts.lang
        self.opts.program = None
        try:
            self.box, self.exercise = choose_exercise(result.get("box"), result.get("exercise"),
                                                      self.lang)
        except StudioError as exc:
            old.message = str(exc)
            return
        self.profile = self.opts.profile or self.box.profile or "calm"
        self._settings()
        set_language(self.lang)
        program = self.load_program()
        self.studio = self.make_studio(program)
        self.studio.stage = old.stage
        self.studio.set_state(old.state)
        self.autosaver = self._autosaver(program)
        self.studio.on_change = self._changed
        self._new_checker()

    # -- the loop -------------------------------------------------------------------------------
    def who(self) -> None:
        """Ask who is working, when the command did not say."""
        if self.learner is not None:
            return
        try:
            from dojokit.studio.learners import Learners
            from dojokit.studio.theme import theme
            from dojokit.studio.who import WhoScreen
        except ImportError:
            return
        learners = Learners.load()
        screen = WhoScreen(theme(self.profile), self.scale, self.lang, learners)
        chosen = self._modal(screen)
        if isinstance(chosen, str) and chosen != "cancel":
            self.learner = chosen

    async def run(self, script: Callable[[StudioRunner, int], bool] | None = None,
                  ask_who: bool = True) -> int:
        started = time.perf_counter()
        set_language(self.lang)
        self.screen = open_display(self.opts.size, self.lang, self.scale)
        if ask_who:
            self.who()
        self._settings()
        set_language(self.lang)
        program = self.load_program()
        self.studio = self.make_studio(program)
        self.autosaver = self._autosaver(program)
        self.studio.on_change = self._changed
        self._new_checker()
        pygame.display.set_caption(say("studio.title", self.lang,
                                       exercise=_title(self.exercise, self.lang)))
        self._frame()
        self.first_frame_at = time.perf_counter() - started
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            # a logout or `kill` closes the studio as its window's close button does
            loop.add_signal_handler(signal.SIGTERM, self._terminate)
        self.connect_task = loop.create_task(self.connect())
        frame = 0
        period = 1 / self.opts.fps
        last_draw = 0.0
        try:
            while True:
                if script is not None and not script(self, frame):
                    break
                frame += 1
                if self.modal is not None:
                    self._modal_frame(pygame.event.get())
                    await asyncio.sleep(period)
                    continue
                studio = self.studio
                for ev in pygame.event.get():
                    if ev.type == pygame.VIDEORESIZE:
                        self.screen = pygame.display.set_mode((ev.w, ev.h), pygame.RESIZABLE)
                    studio.handle(ev)
                if studio.quit:
                    break
                while studio.actions:
                    self.act(studio.actions.pop(0))
                self._poll_question()
                if self.rt is None and not studio.checking and self.checker is not None:
                    self.checker.ahead(studio.program.changes, studio.program.data)
                if studio.scale != self.scale:
                    self._keep_scale(studio.scale)
                # a running program is drawn every frame; a quiet stage (a light fading, the
                # state word changing) ten times a second; a still studio only on a change
                now = time.perf_counter()
                quiet_due = self.kit is not None and now - last_draw >= 0.1
                if studio.dirty or self.rt is not None or quiet_due:
                    last_draw = now
                    t0 = time.perf_counter()
                    self._frame()
                    self.frame_times.append(time.perf_counter() - t0)
                if self._check_started and studio.feedback is not None:
                    self.answered()
                await asyncio.sleep(period)
        finally:
            self.stop_program()
            for task in (self.run_task, self.check_task):
                if task is not None and not task.done():
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await asyncio.wait_for(task, 3)
            if self.connect_task is not None and not self.connect_task.done():
                self.connect_task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await self.connect_task
            await self.close_kit()
            if self.checker is not None:
                self.checker.close()
            if self.autosaver is not None:
                self.autosaver.maybe_save()
            pygame.display.quit()
        return EXIT_OK

    def _terminate(self) -> None:
        if self.studio is not None:
            self.studio.quit = True

    def _frame(self) -> None:
        studio = self.studio
        assert studio is not None and self.screen is not None
        if self.screen.get_size() != studio.size:
            studio.size = self.screen.get_size()
            studio.relayout()
        studio.draw(self.screen)
        pygame.display.flip()
        studio.dirty = False


def _title(exercise: Any, lang: str) -> str:
    from dojokit.themebox.format import pick

    return pick(exercise.title, lang)


def main(opts: Options) -> int:
    """`dojokit studio`: one sentence and exit 2 for a user mistake, never a traceback."""
    try:
        runner = StudioRunner(opts)
        return asyncio.run(runner.run())
    except StudioError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return 130
