"""Theme boxes: graded exercise boxes as data (format.py) and learners' progress (progress.py).

The format and its vocabularies are documented in docs/themeboxes.md.
"""

from dojokit.themebox.format import (
    BLOCK_KINDS,
    COLOURS,
    HARDWARE,
    ICONS,
    PREDICATES,
    Box,
    BoxError,
    Card,
    Check,
    Exercise,
    Predicate,
    WrongProgram,
    colour_label,
    list_boxes,
    load_box,
    pick,
)
from dojokit.themebox.progress import Attempt, ExerciseSummary, Progress, ProgressError

__all__ = [
    "BLOCK_KINDS",
    "COLOURS",
    "HARDWARE",
    "ICONS",
    "PREDICATES",
    "Attempt",
    "Box",
    "BoxError",
    "Card",
    "Check",
    "Exercise",
    "ExerciseSummary",
    "Predicate",
    "Progress",
    "ProgressError",
    "WrongProgram",
    "colour_label",
    "list_boxes",
    "load_box",
    "pick",
]
