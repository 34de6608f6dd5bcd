"""`dojokit box ...`, `dojokit progress`, `dojokit lesson show`: theme boxes for teachers."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dojokit import data
from dojokit.i18n import language, t
from dojokit.link import LinkError
from dojokit.scratch.project import ProjectError

EXIT_OK, EXIT_NOT_YET, EXIT_USER = 0, 1, 2


def boxes_dir() -> Path:
    """DOJOKIT_BOXES, else the theme boxes dojokit ships (dojokit.data)."""
    return _usable(data.boxes_dir)


def lessons_dir() -> Path:
    """DOJOKIT_LESSONS, else the lesson plans dojokit ships (dojokit.data)."""
    return _usable(data.lessons_dir)


def _usable(find: Callable[[], Path]) -> Path:
    # a missing or wrong folder ends any command that needs it with its one sentence
    try:
        return find()
    except data.DataError as exc:
        print(str(exc), file=sys.stderr)
        raise SystemExit(EXIT_USER) from None


def _load(box_id: str) -> Any:
    from dojokit.themebox.format import load_box

    folder = boxes_dir()
    path = folder / box_id
    if not (path / "box.json").is_file():
        known = ", ".join(data.BOXES.ids(folder))
        raise _UserError(t("box.unknown", box=box_id, known=known) if known else
                         t("data.boxes.none", box=box_id, path=folder))
    return load_box(path)


class _UserError(Exception):
    pass


def cmd_box(args: Any) -> int:
    from dojokit.themebox.format import BoxError, pick

    try:
        if args.box_command == "list":
            from dojokit.themebox.format import list_boxes

            errors: list[BoxError] = []
            _print_list(list_boxes(boxes_dir(), errors))
            for e in errors:
                print(str(e), file=sys.stderr)
            return EXIT_OK
        box = _load(args.box)
        if args.box_command == "show":
            print(pick(box.title))
            print(pick(box.intro))
            print(f"{t('box.sensory')}: {pick(box.sensory)}")
            for i, ex in enumerate(box.exercises, 1):
                print(f"{i}. {ex.id}: {pick(ex.title)} — {pick(ex.card.what)}")
            return EXIT_OK
        if args.box_command == "grade":
            return _grade(box, args)
        if args.box_command == "check":
            return _check(box)
    except (BoxError, ProjectError, _UserError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    return EXIT_USER


def _grade(box: Any, args: Any) -> int:
    from dojokit.themebox.grade import grade

    try:
        exercise = box.exercise(args.exercise)
    except KeyError:
        raise _UserError(t("box.unknown_exercise", box=box.id, exercise=args.exercise,
                           known=", ".join(e.id for e in box.exercises))) from None
    kit = None if args.kit in (None, "sim") else args.kit
    try:
        verdict, _trace = grade(box, exercise, args.program, kit=kit)
    except LinkError as exc:
        raise _UserError(str(exc)) from None
    feedback = verdict.feedback()
    if args.json:
        print(json.dumps({"box": box.id, "exercise": exercise.id, "verdict": verdict.verdict,
                          "reasons": [k for k, _ in verdict.failures], "feedback": feedback,
                          "unjudged": verdict.unjudged, "trace_hash": verdict.trace_hash,
                          "beyond_palette": verdict.beyond, "note": verdict.note()},
                         ensure_ascii=False))
    else:
        print(t(f"box.verdict.{verdict.verdict}"))
        for line in feedback:
            print(f"- {line}")
        if verdict.unjudged:
            print(t("box.unjudged", checks=", ".join(verdict.unjudged)))
        if verdict.beyond:
            print(verdict.note())
    if args.learner:
        _keep(args.learner, box.id, exercise.id, verdict)
    # the verdict's code even when it could not be kept: the learner's result stands, and
    # the sentence on stderr tells the teacher the progress file needs looking at
    return EXIT_OK if verdict.finished else EXIT_NOT_YET


def _keep(learner: str, box_id: str, exercise_id: str, verdict: Any) -> None:
    """Keep the attempt, with the grader's (key, fields) so `dojokit progress` can write
    the feedback again later; a file that cannot be used is said, after the verdict."""
    from dojokit.themebox.progress import Progress, ProgressError

    try:
        with Progress() as store:
            store.record(learner, box_id, exercise_id, verdict.verdict,
                         [k for k, _ in verdict.failures], verdict.trace_hash,
                         failures=verdict.failures, beyond=verdict.beyond)
    except ProgressError as exc:
        print(t("progress.not_saved", path=exc.path, why=exc.why), file=sys.stderr)


def _print_list(boxes: list[Any]) -> None:
    """The boxes in teaching order, one row each, in aligned columns."""
    from rich import box as frame
    from rich.console import Console
    from rich.table import Table

    from dojokit.themebox.format import pick

    table = Table(box=frame.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="")
    for key in ("level", "box", "title", "exercises", "ages"):
        table.add_column(t(f"box.list.{key}"), no_wrap=key != "title")
    for b in boxes:
        table.add_row("-" if b.level is None else str(b.level), b.id, pick(b.title),
                      str(len(b.exercises)), f"{b.ages[0]}-{b.ages[1]}")
    Console(highlight=False).print(table)


def _check(box: Any) -> int:
    """Every model solution passes; every starter and wrong program does not, with exactly
    its listed feedback. The programs are graded side by side, one per processor core
    (DOJOKIT_WORKERS sets how many; 1: one after the other, in this process); a progress bar
    on standard error names each program as it is done (a box takes up to a minute); it
    stays quiet when standard error is not a terminal. Problems come in the box's order."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from dojokit.themebox.pool import GradeError, Job, grade_all

    # (exercise, program, what it should do): solutions pass, starters and wrong ones do not
    steps: list[tuple[Any, Path, Any]] = []
    for ex in box.exercises:
        steps += [(ex, sol, None) for sol in ex.solutions]
        steps.append((ex, ex.starter, "starter"))
        steps += [(ex, w.program, w) for w in ex.wrong]
    lang = language()  # a worker speaks the language this command was given
    jobs = [Job(box.path.absolute(), ex.id, program.absolute(), lang, ex.time_limit)
            for ex, program, _ in steps]
    problems = []
    calm = "blue"  # rich's default bar is a bright pink-red: never red for work in progress
    with Progress(TextColumn("{task.description}"),
                  BarColumn(complete_style=calm, finished_style=calm, pulse_style=calm),
                  MofNCompleteColumn(), console=Console(stderr=True), transient=True) as bar:
        def step(i: int) -> str:
            ex, program, _ = steps[i]
            return escape(t("box.check.step", box=box.id, exercise=ex.id, program=program.name))

        task = bar.add_task(step(0) if steps else "", total=len(steps))

        def done(i: int, _result: Any) -> None:
            bar.update(task, advance=1, refresh=True, description=step(i))

        try:
            verdicts = grade_all(jobs, on_done=done)
        except GradeError as exc:
            raise _UserError(str(exc)) from None
    for (ex, program, want), v in zip(steps, verdicts, strict=True):
        if want is None and not v.finished:
            problems.append(t("box.check.solution_fails", exercise=ex.id,
                              program=program.name,
                              reasons=", ".join(k for k, _ in v.failures)))
        elif want == "starter" and v.finished:
            problems.append(t("box.check.starter_passes", exercise=ex.id))
        elif want not in (None, "starter"):
            got = {k for k, _ in v.failures}
            if v.finished or not set(want.feedback_keys) <= got:
                problems.append(t("box.check.wrong_feedback", exercise=ex.id,
                                  program=program.name,
                                  want=", ".join(want.feedback_keys),
                                  got=", ".join(sorted(got)) or "-"))
    for line in problems:
        print(line)
    print(t("box.check.ok", box=box.id) if not problems else
          t("box.check.problems", n=len(problems)))
    return EXIT_OK if not problems else EXIT_NOT_YET


def cmd_progress(learner: str | None, box_id: str | None = None, as_csv: bool = False) -> int:
    from dojokit.cli.progress import cmd_progress as report

    return report(learner, box_id, as_csv)


def cmd_lesson_show(box_id: str, lang: str | None) -> int:
    lang = lang or language()
    path = lessons_dir() / f"{box_id}.{lang}.md"
    if not path.is_file():
        known = ", ".join(data.LESSONS.ids(lessons_dir()))
        print(t("box.no_lesson", box=box_id, known=known) if known else
              t("data.lessons.none", box=box_id, path=lessons_dir()), file=sys.stderr)
        return EXIT_USER
    print(path.read_text(encoding="utf-8"))
    return EXIT_OK
