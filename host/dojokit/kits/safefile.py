"""The room's small JSON lists (identities, radio pairs), kept so that nothing is lost:
each save keeps the previous file as FILE.bak and replaces the file in one step (a crash
never leaves half a list), and starting over keeps the old file as .bak too. A damaged file
is never read as empty and never overwritten: the caller says so in one sentence."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def backup(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def read(path: Path, unreadable: Callable[[str], Exception],
         damaged: Callable[[], Exception]) -> Any | None:
    """The file's JSON; None when there is no file. A file that cannot be read raises
    `unreadable(why)`, one that is not JSON `damaged()`: the caller's one sentence."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as e:
        raise unreadable(str(e.strerror or e)) from e
    try:
        return json.loads(raw)
    except ValueError as e:
        raise damaged() from e


def save(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        shutil.copyfile(path, backup(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def start_over(path: Path) -> None:
    """No list; the old file (damaged or not) is kept as .bak."""
    if path.exists():
        shutil.copyfile(path, backup(path))
        path.unlink()
