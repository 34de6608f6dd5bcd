"""Flashing a room: 10 simulated kits at once versus one alone, wall time (issue 14).

N simulated micro:bits (`dojokit sim serve --usb microbit --baud 115200`: the simulator's
MicroPython with a raw REPL, behind a line paced as a real 115200-baud UART) are first
flashed once, so that each runs our firmware, as kits from last month's dojo do. Then, in
turns, REPEAT times:

  one: `Room([one port]).flash()` with `update=True` (files over the raw REPL, the way
       `dojokit flash --update` works): probe (handshake), name, build, write, restart,
       verify by handshake. The baseline, measured in the same run;
  all: `Room([N ports]).flash()`, the same for every kit in parallel (one thread each).

Ratio = all / one, the median of the REPEAT turns; target <= 2 x, alone and beside a
process that keeps one core busy. The lines under each figure say where the time goes:
the probe and naming before any write (wall time minus the slowest kit's own time), and
each kit's own time (write, restart, verify).

Each board is served by a process of its own (the default): a real board has its own
processor, so only the mentor's laptop's work (the flasher, its threads and the serial
ports) should be shared, and the wire should be the limit. `--threads` serves every board
in this process instead (dojokit.sim.served.serve): then the ten boards' MicroPython, their
line pacers and the flasher all share one interpreter lock, which a real room does not;
it is there to compare, not to judge the target by.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from busy import busy_core  # noqa: E402

from dojokit.kits.flasher import Options, Outcome, QuietReporter, Room, resolve  # noqa: E402
from dojokit.kits.identity import Roster  # noqa: E402

N = 10
REPEAT = 3
BAUD = 115200
# a kit that does not come back is reported, not waited for as long as a mentor would
OPTIONS = Options(kit_profiles=("maqueen",), update=True, board_wait=20.0)


@contextlib.contextmanager
def boards_in_processes(tmp: Path, n: int) -> Iterator[list[str]]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "host"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    procs, ports = [], []
    try:
        for i in range(n):
            pty = tmp / f"kit{i}"
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "dojokit", "sim", "serve", "--pty", str(pty),
                 "--fs", str(tmp / f"fs{i}"), "--usb", "microbit", "--baud", str(BAUD)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            ports.append(str(pty))
        deadline = time.monotonic() + 90
        while not all(Path(p).exists() and Path(p + ".json").exists() for p in ports):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit("the simulated boards did not start")
            time.sleep(0.1)
        yield ports
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


@contextlib.contextmanager
def boards_in_threads(tmp: Path, n: int) -> Iterator[list[str]]:
    from dojokit.sim.served import serve

    served = []
    try:
        for i in range(n):
            served.append(serve(tmp / f"kit{i}", tmp / f"fs{i}", usb="microbit", baud=BAUD))
        yield [str(tmp / f"kit{i}") for i in range(n)]
    finally:
        for s in served:
            s.close()


def flash(ports: list[str], roster: Roster) -> tuple[float, list[Outcome]]:
    t0 = time.perf_counter()
    outs = Room(resolve(ports), OPTIONS, roster, QuietReporter()).flash()
    return time.perf_counter() - t0, outs


def check(what: str, outs: list[Outcome]) -> int:
    bad = [o for o in outs if not o.ok]
    for o in bad:
        print(f"    {what}: {o.port.port} failed after {o.seconds:.1f} s: {o.problem}")
    return len(bad)


def where(wall: float, outs: list[Outcome]) -> str:
    own = [o.seconds for o in outs]
    return (f"probe+name {wall - max(own):4.2f} s, kit's own {statistics.median(own):4.2f} s "
            f"(slowest {max(own):4.2f})")


def main(label: str, boards: Callable[[Path, int], contextlib.AbstractContextManager[list[str]]]
         ) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="dojokit-room-"))
    roster = Roster(tmp / "room.json")  # never the mentor's own room
    rows: list[tuple[float, float, list[Outcome], list[Outcome]]] = []
    failed = 0
    try:
        t0 = time.perf_counter()
        with boards(tmp, N) as ports:
            started = time.perf_counter() - t0
            first, outs = flash(ports, roster)  # firmware on every board, as last month
            failed += check("first flash", outs)
            for r in range(REPEAT):
                lone = ports[r % N]
                t1, o1 = flash([lone], roster)
                tn, on = flash(ports, roster)
                failed += check("one", o1) + check("all", on)
                rows.append((t1, tn, o1, on))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ratios = [tn / t1 for t1, tn, _, _ in rows]
    ratio = statistics.median(ratios)
    print(f"flash --update over the raw REPL at {BAUD} baud, {N} kits vs 1, {label} "
          f"(boards started in {started:.1f} s, first flash of all {first:.1f} s)")
    for r, (t1, tn, o1, on) in enumerate(rows):
        print(f"  turn {r + 1}: one {t1:5.2f} s ({where(t1, o1)})")
        print(f"          all {tn:5.2f} s ({where(tn, on)}): {tn / t1:.2f} x")
    print(f"  ratio all / one: {ratio:.2f} x, the median of {REPEAT} turns "
          f"(range {min(ratios):.2f}-{max(ratios):.2f}; target <= 2: "
          f"{'met' if ratio <= 2 and not failed else 'NOT met'})"
          + (f"; {failed} kit(s) failed" if failed else ""))
    return ratio


if __name__ == "__main__":
    threads = "--threads" in sys.argv[1:]
    how = boards_in_threads if threads else boards_in_processes
    kind = "boards on threads of this process" if threads else "one process a board"
    main(f"{kind}, alone", how)
    with busy_core():
        main(f"{kind}, beside a busy core", how)
