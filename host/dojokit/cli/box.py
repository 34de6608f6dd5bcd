"""`dojokit box ...`, `dojokit progress`, `dojokit lesson show`: theme boxes for teachers."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from dojokit.i18n import language, t
from dojokit.link import LinkError
from dojokit.scratch.project import ProjectError

EXIT_OK, EXIT_NOT_YET, EXIT_USER = 0, 1, 2
ROOT = Path(__file__).resolve().parents[3]


def boxes_dir() -> Path:
    return Path(os.environ.get("DOJOKIT_BOXES", ROOT / "themeboxes"))


def lessons_dir() -> Path:
    return Path(os.environ.get("DOJOKIT_LESSONS", ROOT / "lessons"))


def _load(box_id: str) -> Any:
    from dojokit.themebox.format import load_box

    path = boxes_dir() / box_id
    if not (path / "box.json").is_file():
        known = ", ".join(sorted(q.parent.name for q in boxes_dir().glob("*/box.json")))
        raise _UserError(t("box.unknown", box=box_id, known=known or "-"))
    return load_box(path)


class _UserError(Exception):
    pass


def cmd_box(args: Any) -> int:
    from dojokit.themebox.format import BoxError, pick

    try:
        if args.box_command == "list":
            from dojokit.themebox.format import list_boxes

            errors: list[BoxError] = []
            for box in list_boxes(boxes_dir(), errors):
                print(f"{box.id:<16} {pick(box.title)}  ({len(box.exercises)} "
                      f"{t('box.exercises')}, {box.ages[0]}-{box.ages[1]})")
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
    if args.learner:
        from dojokit.themebox.progress import Progress

        with Progress() as store:
            store.record(args.learner, box.id, exercise.id, verdict.verdict,
                         [k for k, _ in verdict.failures], verdict.trace_hash)
    if args.json:
        print(json.dumps({"box": box.id, "exercise": exercise.id, "verdict": verdict.verdict,
                          "reasons": [k for k, _ in verdict.failures], "feedback": feedback,
                          "unjudged": verdict.unjudged, "trace_hash": verdict.trace_hash},
                         ensure_ascii=False))
    else:
        print(t(f"box.verdict.{verdict.verdict}"))
        for line in feedback:
            print(f"- {line}")
        if verdict.unjudged:
            print(t("box.unjudged", checks=", ".join(verdict.unjudged)))
    return EXIT_OK if verdict.finished else EXIT_NOT_YET


def _check(box: Any) -> int:
    """Every model solution passes; every starter and wrong program does not, with exactly
    its listed feedback."""
    from dojokit.themebox.grade import grade

    problems = []
    for ex in box.exercises:
        for sol in ex.solutions:
            v, _ = grade(box, ex, sol)
            if not v.finished:
                problems.append(t("box.check.solution_fails", exercise=ex.id, program=sol.name,
                                  reasons=", ".join(k for k, _ in v.failures)))
        v, _ = grade(box, ex, ex.starter)
        if v.finished:
            problems.append(t("box.check.starter_passes", exercise=ex.id))
        for wrong in ex.wrong:
            v, _ = grade(box, ex, wrong.program)
            got = {k for k, _ in v.failures}
            if v.finished or not set(wrong.feedback_keys) <= got:
                problems.append(t("box.check.wrong_feedback", exercise=ex.id,
                                  program=wrong.program.name,
                                  want=", ".join(wrong.feedback_keys),
                                  got=", ".join(sorted(got)) or "-"))
    for line in problems:
        print(line)
    print(t("box.check.ok", box=box.id) if not problems else
          t("box.check.problems", n=len(problems)))
    return EXIT_OK if not problems else EXIT_NOT_YET


def cmd_progress(learner: str | None) -> int:
    from dojokit.themebox.progress import Progress

    with Progress() as store:
        rows = store.attempts(learner)
    for r in rows:
        print(f"{r.at}  {r.learner:<12} {r.box}/{r.exercise:<16} {t(f'box.verdict.{r.verdict}')}")
    if not rows:
        print(t("box.no_progress"))
    return EXIT_OK


def cmd_lesson_show(box_id: str, lang: str | None) -> int:
    lang = lang or language()
    path = lessons_dir() / f"{box_id}.{lang}.md"
    if not path.is_file():
        known = sorted({p.name.split(".")[0] for p in lessons_dir().glob("*.md")} - {"README"})
        print(t("box.no_lesson", box=box_id, known=", ".join(known) or "-"), file=sys.stderr)
        return EXIT_USER
    print(path.read_text(encoding="utf-8"))
    return EXIT_OK
