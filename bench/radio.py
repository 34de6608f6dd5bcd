"""The radio bridge in the simulator (issue 15): a command's round trip through bridge and
radio against the same firmware on a serial line, commands delivered per second at 0 % and
10 % loss, and the paired robot's build size and peak heap.

- Round trip: HEARTBEAT commands over `radio:NAME` (laptop -> pty -> bridge firmware -> radio
  -> robot firmware and back) against `serial:` to the same robot firmware on a pty,
  measured in the same run, alone and beside a process that keeps one core busy. The
  robot looks at its radio every 20 ms at most (firmware/dk_radiolink.py, POLL_MS); in the
  simulator an arriving packet wakes it at once, as serial bytes do.
- Delivered per second: 300 DISPLAY commands, each acknowledged, at 0 % and 10 % loss.
- Size: the micro:bit robot build with the radio transport (dk_radio, dk_radiolink and
  pair.txt added) in the micro:bit file system, against the 20 KB budget.
- Peak heap: as bench/memory.py measures every firmware's (the smallest heap in which the
  robot boots through its own main.py and takes 10,000 commands), with pair.txt on the board
  and the commands coming as sealed radio packets. Target: 24 KB.
"""

from __future__ import annotations

import asyncio
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
from dojokit.kits.hexfile import FS_BUDGET, fs_size  # noqa: E402
from dojokit.link import Link  # noqa: E402
from dojokit.link.radio_transport import RadioTransport  # noqa: E402
from dojokit.link.serial_transport import SerialTransport  # noqa: E402
from dojokit.protocol import Kind  # noqa: E402
from dojokit.protocol import messages as msg  # noqa: E402
from dojokit.sim.served import serve, serve_radio  # noqa: E402

N = 300


async def round_trips(transport, n: int = N) -> list[float]:  # type: ignore[no-untyped-def]
    link = Link(transport, hello_timeout=10)
    await link.connect()
    try:
        for _ in range(20):
            await link.command(Kind.HEARTBEAT)
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            await link.command(Kind.HEARTBEAT)
            times.append(time.perf_counter() - t0)
        return times
    finally:
        await link.close()


async def delivered(transport, n: int = N) -> float:  # type: ignore[no-untyped-def]
    link = Link(transport, hello_timeout=10, command_timeout=3.0)
    await link.connect()
    try:
        t0 = time.perf_counter()
        for i in range(n):
            await link.command(Kind.DISPLAY, msg.display_image(i % (1 << 25), 5))
        return n / (time.perf_counter() - t0)
    finally:
        await link.close()


def rtt(tmp: Path, label: str) -> None:
    pair = serve_radio(tmp / "ttyR", tmp / "radio", name=(1, 2, "kiwi"))
    (tmp / "fs").mkdir(exist_ok=True)
    for name, data in build("virtual", "sim", (1, 2, "kiwi")).items():
        (tmp / "fs" / name).write_bytes(data)
    served = serve(tmp / "ttyS", tmp / "fs")
    try:
        time.sleep(1.0)
        radio = asyncio.run(round_trips(RadioTransport("kiwi", ports=[str(tmp / "ttyR")])))
        serial = asyncio.run(round_trips(SerialTransport(str(tmp / "ttyS"))))
    finally:
        pair.close()
        served.close()
    r, s = statistics.median(radio) * 1000, statistics.median(serial) * 1000
    print(f"  round trip, {label}: radio {r:.2f} ms, serial {s:.2f} ms (medians of {N}): "
          f"{r / s:.2f} x serial; radio p95 {sorted(radio)[int(N * .95)] * 1000:.2f} ms")


def rate(tmp: Path, loss: float) -> float:
    pair = serve_radio(tmp / f"ttyL{loss}", tmp / f"loss{loss}", name=(1, 2, "kiwi"),
                       loss=loss, seed=7)
    try:
        time.sleep(1.0)
        got = asyncio.run(delivered(RadioTransport("kiwi", ports=[str(tmp / f"ttyL{loss}")])))
        print(f"  {loss:.0%} loss: {got:.0f} commands delivered a second "
              f"(lost on the air: {pair.medium.counts.lost})")
        return got
    finally:
        pair.close()


def size() -> None:
    base = fs_size(build("microbit", "maqueen", (1, 2, "kiwi")))
    with_radio = fs_size(build("microbit", "maqueen", (1, 2, "kiwi"),
                               pair_text="12 42 7 0102030405060708"))
    print(f"  micro:bit robot build in its file system: {base} B, with the radio transport "
          f"{with_radio} B = {with_radio / FS_BUDGET:.0%} of the {FS_BUDGET} B budget "
          f"({'fits' if with_radio <= FS_BUDGET else 'DOES NOT FIT'})")


def peak() -> None:
    # measured as for every firmware change (bench/memory.py): the robot boots through its
    # own main.py, with pair.txt, and takes 10,000 commands as sealed radio packets
    from memory import peaks

    serial, radio = peaks()
    print(f"  peak heap of the paired robot: {radio} KB (target 24 KB: ratio {radio / 24:.2f});"
          f" the same robot on serial {serial} KB: the radio transport adds "
          f"{radio - serial} KB (bench/memory.py)")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="dojokit-bench-radio-"))
    try:
        print("radio bridge in the simulator, alone")
        rtt(tmp / "a", "alone")
        rate(tmp / "a", 0.0)
        rate(tmp / "a", 0.1)
        size()
        peak()
        print("beside a busy core")
        with busy_core():
            rtt(tmp / "b", "busy")
            rate(tmp / "b", 0.0)
            rate(tmp / "b", 0.1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    import os

    sys.stdout.flush()
    os._exit(0)  # wasmtime's threads must not see interpreter shutdown
