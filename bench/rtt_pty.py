"""Command round trip through the simulated kit on a pseudo-terminal (issue 2).

Three servers sit behind the same kind of pty (PtyBridge), each timed from pyserial:
  firmware: the dojokit firmware under MicroPython; a HEARTBEAT command until its ACK;
  mp-echo:  a raw byte echo in the same MicroPython, same board I/O; the same 20 bytes back;
  py-echo:  a raw byte echo in Python on the pty master; the same 20 bytes back.
All three run at once and are timed in turns (ROUNDS rounds of N / ROUNDS requests each),
so a busy moment on the machine falls on all of them alike. Every client makes its request
frame and decodes the reply, so the ratio is what the firmware adds.
Ratio = firmware median / echo median, measured in this run. Target (issue 12): <= 1.2 x
(mp-echo), alone and beside a process that keeps one core busy.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import serial

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "host"))

from busy import busy_core  # noqa: E402

from dojokit.kits.build import firmware_dir  # noqa: E402
from dojokit.protocol import FrameDecoder, Kind, encode_frame  # noqa: E402
from dojokit.sim.guest import FirmwareGuest  # noqa: E402
from dojokit.sim.pty_server import PtyBridge  # noqa: E402

N = 400
ROUNDS = 16
WARM = 50
# collects every GC_TURNS turns as the firmware's loop does (the simulator's MicroPython
# collects only when asked, as main.py sets it up on every board)
ECHO_MAIN = """\
import gc
import hal_virtual as h
buf = bytearray(32)
t = 0
while True:
    n = h.recv(buf, 10)
    if n:
        h.write(buf, n)
    t += 1
    if t >= h.GC_TURNS:
        gc.collect()
        t = 0
"""


class PyEcho:
    def __init__(self) -> None:
        self.on_output = lambda data: None

    def write(self, data: bytes) -> None:
        self.on_output(data)


def ask_firmware(ser: serial.Serial, dec: FrameDecoder, i: int) -> float:
    seq = i & 255
    frame = encode_frame(Kind.HEARTBEAT, seq)
    want = len(encode_frame(Kind.ACK, seq))  # read the reply whole, as the echo is read
    t0 = time.perf_counter()
    ser.write(frame)
    while True:
        data = ser.read(max(want, ser.in_waiting))
        want = 1
        if not data:
            raise SystemExit("the simulated kit stopped answering")
        if any(f.kind == Kind.ACK and f.seq == seq for f in dec.feed(data)):
            return time.perf_counter() - t0


def ask_echo(ser: serial.Serial, dec: FrameDecoder, i: int) -> float:
    # the client's work as for the firmware (a frame made, the reply read whole and
    # decoded), so the ratio is what the firmware adds, not what the client adds
    seq = i & 255
    frame = encode_frame(Kind.HEARTBEAT, seq)
    want = len(frame)
    t0 = time.perf_counter()
    ser.write(frame)
    while True:
        data = ser.read(max(want, ser.in_waiting))
        want = 1
        if not data:
            raise SystemExit("the echo stopped answering")
        if any(f.kind == Kind.HEARTBEAT and f.seq == seq for f in dec.feed(data)):
            return time.perf_counter() - t0


def main(label: str) -> None:
    echo_fw = Path(tempfile.mkdtemp(prefix="dojokit-echo-"))
    shutil.copytree(firmware_dir() / "kits", echo_fw / "kits")
    shutil.copyfile(firmware_dir() / "hal_virtual.py", echo_fw / "hal_virtual.py")
    (echo_fw / "main.py").write_text(ECHO_MAIN)
    servers = {
        "firmware": (FirmwareGuest(name=(0, 1, "bench")), ask_firmware),
        "mp-echo": (FirmwareGuest(firmware=echo_fw), ask_echo),
        "py-echo": (PyEcho(), ask_echo),
    }
    bridges, ports = [], {}
    try:
        for key, (device, _) in servers.items():
            bridge = PtyBridge(device)
            if isinstance(device, FirmwareGuest):
                device.start()
            bridge.start()
            bridges.append(bridge)
            ports[key] = serial.Serial(bridge.path, 115200, timeout=2)
        time.sleep(0.3)
        times: dict[str, list[float]] = {k: [] for k in servers}
        decs = {k: FrameDecoder() for k in servers}
        for k, (_, ask) in servers.items():
            for i in range(WARM):
                ask(ports[k], decs[k], i)
        for r in range(ROUNDS):
            for k, (_, ask) in servers.items():
                for i in range(N // ROUNDS):
                    times[k].append(ask(ports[k], decs[k], r * N + i))
    finally:
        for ser in ports.values():
            ser.close()
        for bridge in bridges:
            bridge.close()
        for device, _ in servers.values():
            if isinstance(device, FirmwareGuest):
                device.stop()
        shutil.rmtree(echo_fw, ignore_errors=True)
    med = {k: statistics.median(v) * 1000 for k, v in times.items()}
    # the machine's load drifts: each round's firmware block is compared with the echo
    # block timed right after it, and the middle of those ratios is the figure
    per = N // ROUNDS
    rounds = [statistics.median(times["firmware"][r * per:(r + 1) * per])
              / statistics.median(times["mp-echo"][r * per:(r + 1) * per])
              for r in range(ROUNDS)]
    p90 = {k: statistics.quantiles(v, n=10)[-1] * 1000 for k, v in times.items()}
    print(f"round trip over a pty through pyserial, {label}, {N} each in {ROUNDS} interleaved "
          "rounds (ms: median / p90)")
    for k in med:
        print(f"  {k:<9} {med[k]:7.3f} / {p90[k]:7.3f}")
    print(f"  ratio firmware / MicroPython echo: {statistics.median(rounds):.2f} x, the median "
          f"of {ROUNDS} rounds (range {min(rounds):.2f}-{max(rounds):.2f}; target <= 1.2)")
    print(f"  ratio firmware / Python echo:      {med['firmware'] / med['py-echo']:.2f} x")


if __name__ == "__main__":
    main("alone")
    with busy_core():
        main("beside a busy core")
