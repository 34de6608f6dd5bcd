"""Where dojokit finds what it reads at run time: the theme boxes and the lesson plans.

Both ship inside the package, as dojokit/themeboxes and dojokit/lessons (pyproject.toml maps
the top-level folders there), so an installed wheel works from any folder. A teacher's own
folder takes their place: DOJOKIT_BOXES (one folder per box, each with a box.json;
docs/themeboxes.md) and DOJOKIT_LESSONS (files named `<box>.<lang>.md`). A folder that cannot
be used raises DataError: one sentence naming the variable, the path and what to do.
"""

from __future__ import annotations

import contextlib
import importlib.resources
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dojokit.i18n import t

__all__ = ["BOXES", "LESSONS", "DataError", "Folder", "boxes_dir", "lessons_dir", "shipped"]


class DataError(ValueError):
    """A data folder that cannot be used; str() is one sentence for a person."""


@dataclass(frozen=True)
class Folder:
    """One kind of data folder: its catalog key part (`data.<key>.*`), the variable that
    names a teacher's own, the package data folder shipped with dojokit, and what counts
    as an item in it (a glob, and the id each match gives)."""

    key: str
    variable: str
    package_folder: str
    pattern: str
    item_id: Callable[[Path], str]

    def ids(self, folder: Path) -> list[str]:
        """The ids of the items in `folder`, sorted (empty if it cannot be read)."""
        try:
            return sorted({self.item_id(p) for p in folder.glob(self.pattern)})
        except OSError:
            return []


BOXES = Folder("boxes", "DOJOKIT_BOXES", "themeboxes", "*/box.json", lambda p: p.parent.name)
# `*.*.md`: a plan is `<box>.<lang>.md`; the folder's README.md is not one
LESSONS = Folder("lessons", "DOJOKIT_LESSONS", "lessons", "*.*.md",
                 lambda p: p.name.split(".")[0])


def shipped(name: str) -> Path:
    """The package data folder `name` (themeboxes, lessons): the installed package's; in a
    source checkout (host/ on sys.path, or an editable install, whose finder does not expose
    these folders inside dojokit) the top-level folder of the same name."""
    places: list[Path] = []
    with contextlib.suppress(ModuleNotFoundError, TypeError):
        places.append(Path(str(importlib.resources.files("dojokit") / name)))  # a wheel
    places.append(Path(__file__).resolve().parents[2] / name)  # host/dojokit/data.py
    return next((p for p in places if p.is_dir()), places[0])


def _find(kind: Folder) -> Path:
    own = os.environ.get(kind.variable, "").strip()
    path = Path(own).expanduser().absolute() if own else shipped(kind.package_folder)
    if not path.exists():
        problem = "missing"
    elif not path.is_dir():
        problem = "file"
    elif not os.access(path, os.R_OK | os.X_OK):
        problem = "unreadable"
    elif not kind.ids(path):
        problem = "empty"
    else:
        return path
    # dojokit's own folder missing is a broken install, whatever the reason
    key = f"data.{kind.key}.{problem if own else 'shipped'}"
    raise DataError(t(key, variable=kind.variable, path=path))


def boxes_dir() -> Path:
    """The folder of theme boxes: DOJOKIT_BOXES if set, else the boxes dojokit ships.
    Raises DataError if it is missing, not a folder, unreadable or holds no box."""
    return _find(BOXES)


def lessons_dir() -> Path:
    """The folder of lesson plans: DOJOKIT_LESSONS if set, else the plans dojokit ships.
    Raises DataError if it is missing, not a folder, unreadable or holds no plan."""
    return _find(LESSONS)
