"""Bluetooth LE robots in the simulator (issue 16): a command's round trip over the bumble air
against the same firmware on a pseudo-terminal, the time from `ble:NAME` to a paired, ready
robot, and the ESP32 build's size with the BLE transport.

- Round trip: HEARTBEAT commands through the host's real bleak code (bumble backend) to the
  robot's own firmware/dk_ble.py on a simulated ESP32, against `serial:` to the same build
  and kit on a pty, in the same run, alone and beside a process that keeps one core busy.
  The air has no radio timing (no connection interval): on a real robot a BLE round trip is
  tens of milliseconds; this measures our code's share.
- Paired and ready: from opening `ble:kiwi` to the handshake's end: scan, connect, MTU
  exchange, the code shown on the lights (through the sensory guard's hold and fade) and
  read back as a child would, PAIR, HELLO. Median of 5.
- Size: every file of the ESP32 build (esp32_2wd), with and without dk_ble.
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
sys.path.insert(0, str(ROOT / "tests"))

from busy import busy_core  # noqa: E402
from test_ble_link import Robot, air_with, asker  # noqa: E402

from dojokit.kits.build import build  # noqa: E402
from dojokit.link import Link  # noqa: E402
from dojokit.link.ble_transport import BleTransport  # noqa: E402
from dojokit.link.serial_transport import SerialTransport  # noqa: E402
from dojokit.protocol import Kind  # noqa: E402
from dojokit.sim.served import serve  # noqa: E402

N = 300
KIT = "esp32_2wd"


async def round_trips(link: Link, n: int = N) -> list[float]:
    for _ in range(20):
        await link.command(Kind.HEARTBEAT)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        await link.command(Kind.HEARTBEAT)
        times.append(time.perf_counter() - t0)
    return times


async def ble_times() -> tuple[list[float], list[float]]:
    """Round trips over BLE, and the times to a paired, ready robot."""
    ready = []
    async with air_with(("kiwi", 5)) as (_air, (robot,)):
        for _ in range(5):
            t0 = time.perf_counter()
            _told, ask = asker(robot)
            link = Link(BleTransport("kiwi", ask_code=ask), hello_timeout=10)  # type: ignore[arg-type]
            await link.connect()
            ready.append(time.perf_counter() - t0)
            await link.close()
            await asyncio.sleep(0.5)  # advertising again
        _told, ask = asker(robot)
        link = Link(BleTransport("kiwi", ask_code=ask), hello_timeout=10)  # type: ignore[arg-type]
        await link.connect()
        try:
            return await round_trips(link), ready
        finally:
            await link.close()


async def serial_times(port: str) -> list[float]:
    link = Link(SerialTransport(port), hello_timeout=10)
    await link.connect()
    try:
        return await round_trips(link)
    finally:
        await link.close()


def measure(tmp: Path, label: str) -> None:
    (tmp / "fs").mkdir(parents=True, exist_ok=True)
    for name, data in build("virtual", KIT, (2, 5, "kiwi")).items():
        (tmp / "fs" / name).write_bytes(data)
    served = serve(tmp / "ttyS", tmp / "fs")
    try:
        time.sleep(1.0)
        serial = asyncio.run(serial_times(str(tmp / "ttyS")))
    finally:
        served.close()
    ble, ready = asyncio.run(ble_times())
    b, s = statistics.median(ble) * 1000, statistics.median(serial) * 1000
    print(f"  round trip, {label}: BLE {b:.2f} ms, pty {s:.2f} ms (medians of {N}): "
          f"{b / s:.2f} x the pty; BLE p95 {sorted(ble)[int(N * .95)] * 1000:.2f} ms")
    print(f"  ble:kiwi to a paired, ready robot, {label}: {statistics.median(ready):.2f} s "
          f"(median of 5; min {min(ready):.2f} s, max {max(ready):.2f} s)")


def size() -> None:
    files = build("esp32", KIT, (2, 5, "kiwi"))
    total = sum(len(d) for d in files.values())
    ble = len(files["dk_ble.mpy"])
    print(f"  ESP32 build ({KIT}): {total} B in {len(files)} files, of which dk_ble.mpy "
          f"{ble} B ({ble / total:.0%}); without BLE {total - ble} B")


def main() -> None:
    assert Robot  # the simulated robot of tests/test_ble_link.py
    tmp = Path(tempfile.mkdtemp(prefix="dojokit-bench-ble-"))
    try:
        print("Bluetooth LE in the simulator (bumble air, bleak's code path)")
        measure(tmp / "a", "alone")
        size()
        with busy_core():
            measure(tmp / "b", "beside a busy core")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
    import os

    sys.stdout.flush()
    os._exit(0)  # wasmtime's threads must not see interpreter shutdown
