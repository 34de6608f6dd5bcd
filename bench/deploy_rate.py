"""Deploy rate over the raw REPL at 115200 baud, as a share of the wire rate (issue 14).

One simulated board (`dojokit.sim.served.serve`, its REPL only: no firmware runs) behind a
line paced as a real UART at 115200 baud (sim/line.py: 11520 bytes a second each way). The
mentor tools' own client (kits.rawrepl, kits.deploy) writes a build's files to it:

  rate = the build's file bytes / seconds of `deploy()` (listing, removing, every file in
         1 KB execs, the size check and the manifest), the raw REPL already entered;
  wire = everything written to the line in that time / seconds, for where the rest goes.

Two builds: the virtual one (what the simulated board runs) and the micro:bit's (what a real
micro:bit receives with `flash --update`; written only, never booted). Two modes, timed in
turns in the same run: raw-paste (the board asks for more as it compiles, so code streams)
and, as the baseline, the plain raw mode (code in paced 256-byte pieces, then Ctrl-D).
Each figure is the median of REPEAT deploys, alone and beside a process that keeps one
core busy. Target: raw-paste rate >= 50 % of 11520 B/s.

The simulated board takes code as fast as the line brings it, so the plain raw mode loses
little here; a real board's small receive buffer is why raw-paste exists. The ceiling for
either is the encoding: file bytes / wire bytes (about 1 / 1.6 with our `_W` text).
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from busy import busy_core  # noqa: E402

from dojokit.kits.build import build  # noqa: E402
from dojokit.kits.deploy import deploy, total_bytes  # noqa: E402
from dojokit.kits.rawrepl import RawRepl  # noqa: E402
from dojokit.sim.served import serve  # noqa: E402

BAUD = 115200
WIRE = BAUD / 10  # bytes a second: 8 data bits, a start and a stop bit
REPEAT = 3
NAME = (0, 1, "kiwi")
MODES = {"raw-paste": True, "plain raw": False}


def one_deploy(port: str, files: dict[str, bytes], raw_paste: bool) -> tuple[float, int]:
    """Seconds of one deploy and the bytes it put on the line."""
    with RawRepl(port) as repl:
        repl.raw_paste = raw_paste  # before the first exec: False forces the plain mode
        repl.enter()
        sent = repl.sent
        t0 = time.perf_counter()
        deploy(repl, files)
        seconds = time.perf_counter() - t0
        used_paste = repl.raw_paste
        repl.leave()
    if used_paste != raw_paste:
        raise SystemExit("the simulated board did not take raw-paste mode")
    return seconds, repl.sent - sent


def main(label: str, builds: dict[str, dict[str, bytes]]) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="dojokit-deploy-"))
    served = serve(tmp / "pty", tmp / "fs", usb="microbit", baud=BAUD)
    times: dict[tuple[str, str], list[tuple[float, int]]] = {
        (b, m): [] for b in builds for m in MODES}
    try:
        time.sleep(0.5)  # MicroPython boots to its REPL
        for _ in range(REPEAT):  # in turns: a busy moment falls on every mode alike
            for b, files in builds.items():
                for m, paste in MODES.items():
                    times[(b, m)].append(one_deploy(str(tmp / "pty"), files, paste))
    finally:
        served.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"deploy over the raw REPL at {BAUD} baud (wire {WIRE:.0f} B/s), {label}, "
          f"median of {REPEAT}")
    rates: dict[str, float] = {}
    for b, files in builds.items():
        n = total_bytes(files)
        for m in MODES:
            secs = statistics.median(t for t, _ in times[(b, m)])
            wire = statistics.median(s / t for t, s in times[(b, m)])
            rates[f"{b} {m}"] = rate = n / secs
            print(f"  {b:<8} {m:<9} {n:6d} B in {secs:5.2f} s: {rate:7.0f} B/s = "
                  f"{rate / WIRE:5.1%} of the wire (line busy {wire / WIRE:5.1%}, "
                  f"{wire / rate:.2f} wire bytes a file byte)")
        ratio = rates[f"{b} raw-paste"] / rates[f"{b} plain raw"]
        print(f"  {b:<8} raw-paste / plain raw: {ratio:.2f} x")
    for b in builds:
        share = rates[f"{b} raw-paste"] / WIRE
        print(f"  {b:<8} raw-paste share of the wire: {share:.1%} (target >= 50 %: "
              f"{'met' if share >= 0.5 else 'NOT met'})")
    return rates


if __name__ == "__main__":
    builds = {"virtual": build("virtual", "maqueen", NAME),
              "microbit": build("microbit", "maqueen", NAME)}
    main("alone", builds)
    with busy_core():
        main("beside a busy core", builds)
