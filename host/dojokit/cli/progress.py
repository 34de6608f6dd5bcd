"""`dojokit progress`: where each learner is with each exercise, for a teacher.

One row per learner and exercise of the boxes shown (every box, or --box): finished, not yet
or not tried, how many tries, the last one in local time, the latest feedback written out
in the teacher's language from what the grader kept, and a note for the teacher when that
try used blocks beyond the card's palette. A table for the terminal, or --csv.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dojokit.i18n import t, text
from dojokit.themebox.progress import Attempt, ExerciseState, Progress, ProgressError

EXIT_OK, EXIT_USER = 0, 2
COLUMNS = ("learner", "box", "exercise", "status", "tries", "last", "feedback", "note")
# each column's header in the catalog: the note is the palette's (palette.col.note)
HEADERS = {c: f"progress.col.{c}" for c in COLUMNS} | {"note": "palette.col.note"}
TIME_FORMAT = "%Y-%m-%d %H:%M"  # local time, to the minute: what a teacher reads


@dataclass(frozen=True)
class Row:
    learner: str
    box: str
    exercise: str
    status: str  # finished, not_yet or not_tried
    tries: int
    last: datetime | None  # UTC, as kept
    feedback: tuple[str, ...]  # the latest attempt's sentences
    note: str | None = None  # the latest attempt's blocks beyond the card, for the teacher


def cmd_progress(learner: str | None, box_id: str | None, as_csv: bool) -> int:
    from dojokit.cli.box import boxes_dir
    from dojokit.themebox.format import BoxError, list_boxes

    errors: list[BoxError] = []
    boxes = list(list_boxes(boxes_dir(), errors))
    for e in errors:
        print(str(e), file=sys.stderr)
    try:
        with Progress() as store:
            states = store.overview(learner)
            known = store.learners()
    except ProgressError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USER
    if box_id is not None:
        if box_id not in {b.id for b in boxes} | {s.box for s in states}:
            print(t("progress.unknown_box", box=box_id,
                    known=", ".join(sorted(b.id for b in boxes)) or "-"), file=sys.stderr)
            return EXIT_USER
        boxes = [b for b in boxes if b.id == box_id]
        states = [s for s in states if s.box == box_id]
    if learner is not None and learner not in known:
        print(t("progress.unknown_learner", learner=learner, known=", ".join(known) or "-"),
              file=sys.stderr)
    learners = [learner] if learner is not None else known
    rows = build_rows(learners, boxes, states)
    if as_csv:
        write_csv(rows, sys.stdout)
    elif not learners:
        print(t("progress.none"))
    else:
        print_table(rows)
    return EXIT_OK


def build_rows(learners: Iterable[str], boxes: list[Any],
               states: list[ExerciseState]) -> list[Row]:
    """Per learner: every exercise of `boxes` in box order (tried or not), then what they
    tried in boxes or exercises not among them (a box since removed), first tried first."""
    by_key = {(s.learner, s.box, s.exercise): s for s in states}
    box_of = {b.id: b for b in boxes}
    rows = []
    for who in sorted(learners, key=str.casefold):
        keys = [(who, b.id, ex.id) for b in boxes for ex in b.exercises]
        listed = set(keys)
        keys += [k for k in by_key if k[0] == who and k not in listed]
        for key in keys:
            state = by_key.get(key)
            if state is None:
                rows.append(Row(*key, "not_tried", 0, None, ()))
            else:
                rows.append(Row(*key, state.best, state.count, state.latest.at,
                                tuple(feedback(state.latest, box_of.get(key[1]))),
                                palette_note(state.latest)))
    return rows


def feedback(attempt: Attempt, box: Any) -> list[str]:
    """The latest attempt's feedback sentences in the current language, written as the
    learner got them; an attempt kept before the grader's fields were gets its sentences
    with … where a number or name was."""
    from dojokit.themebox.grade import Verdict

    if attempt.verdict == "finished":
        return []
    pairs = (attempt.failures if attempt.failures is not None
             else [(k, {}) for k in attempt.reasons if isinstance(k, str)])
    sentences = []
    for key, fields in pairs:
        try:
            sentences += Verdict(False, [(key, fields)], box=box).feedback()
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            sentences.append(_with_gaps(key))
    return sentences


def palette_note(attempt: Attempt) -> str | None:
    """The note for the teacher when the attempt used blocks beyond its card."""
    from dojokit.themebox.grade import palette_note as note

    return note(attempt.beyond or [])


class _Gaps(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "…"


def _with_gaps(key: str) -> str:
    try:
        return text(key).format_map(_Gaps())
    except (KeyError, IndexError, ValueError):
        return key  # a text this dojokit does not know: the key says what it was about


def _cells(row: Row) -> dict[str, str]:
    return {"learner": row.learner, "box": row.box, "exercise": row.exercise,
            "status": t(f"progress.status.{row.status}"), "tries": str(row.tries),
            "last": row.last.astimezone().strftime(TIME_FORMAT) if row.last else "",
            "feedback": " ".join(row.feedback), "note": row.note or ""}


def write_csv(rows: list[Row], out: Any) -> None:
    # "\n": a text stream turns it into the system's line end (CRLF on Windows)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([t(HEADERS[c]) for c in COLUMNS])
    for row in rows:
        cells = _cells(row)
        writer.writerow([cells[c] for c in COLUMNS])


def print_table(rows: list[Row]) -> None:
    """One table per learner, its exercises under their box's id, the feedback taking the
    width that is left (rich wraps it, never cuts it)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # names and feedback are plain text: no markup, no emoji codes, no colours guessed
    console = Console(markup=False, emoji=False, highlight=False)
    # a long status ("nog niet geprobeerd") may take two lines, to leave the feedback room
    statuses = [t(f"progress.status.{s}") for s in ("finished", "not_yet", "not_tried")]
    longest_word = max(len(w) for s in statuses for w in s.split())
    status_width = max(map(len, statuses))
    if console.width < 100:  # a narrow terminal: the feedback needs the room more
        status_width = min(status_width, max(12, longest_word))
    for n, who in enumerate(dict.fromkeys(r.learner for r in rows)):
        table = Table(title=who, title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column(t("progress.col.exercise"), no_wrap=True)
        table.add_column(t("progress.col.status"), overflow="fold", max_width=status_width)
        table.add_column(t("progress.col.tries"), justify="right", no_wrap=True)
        table.add_column(t("progress.col.last"), no_wrap=True)
        table.add_column(t("progress.col.feedback"), overflow="fold", ratio=1)
        shown_box = None
        for row in (r for r in rows if r.learner == who):
            if row.box != shown_box:
                table.add_row(Text(row.box, style="bold"), end_section=False)
                shown_box = row.box
            cells = _cells(row)
            table.add_row(f"  {row.exercise}", cells["status"],
                          cells["tries"] if row.tries else "", cells["last"],
                          "\n".join(row.feedback + ((row.note,) if row.note else ())))
        if n:
            console.print()
        console.print(table, crop=False)
