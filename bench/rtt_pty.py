"""Command round trip through the simulated kit on a pseudo-terminal (issue 2).

Three servers sit behind the same kind of pty (PtyBridge), each timed from pyserial:
  firmware: the dojokit firmware under MicroPython; a HEARTBEAT command until its ACK;
  mp-echo:  a raw byte echo in the same MicroPython, same board I/O; the same 20 bytes back;
  py-echo:  a raw byte echo in Python on the pty master; the same 20 bytes back.
Ratio = firmware median / echo median, measured in this run. Target: <= 1.5 x (mp-echo).
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

from dojokit.kits.build import firmware_dir  # noqa: E402
from dojokit.protocol import FrameDecoder, Kind, encode_frame  # noqa: E402
from dojokit.sim.guest import FirmwareGuest  # noqa: E402
from dojokit.sim.pty_server import PtyBridge  # noqa: E402

N = 400
WARM = 50
ECHO_MAIN = """\
import hal_virtual as h
buf = bytearray(32)
while True:
    n = h.recv(buf, 10)
    if n:
        h.write(buf, n)
"""


class PyEcho:
    def __init__(self) -> None:
        self.on_output = lambda data: None

    def write(self, data: bytes) -> None:
        self.on_output(data)


def time_firmware(port: str) -> list[float]:
    ser = serial.Serial(port, 115200, timeout=2)
    dec = FrameDecoder()
    out = []
    for i in range(N + WARM):
        seq = i & 255
        frame = encode_frame(Kind.HEARTBEAT, seq)
        t0 = time.perf_counter()
        ser.write(frame)
        done = False
        while not done:
            data = ser.read(ser.in_waiting or 1)
            if not data:
                raise SystemExit("the simulated kit stopped answering")
            done = any(f.kind == Kind.ACK and f.seq == seq for f in dec.feed(data))
        if i >= WARM:
            out.append(time.perf_counter() - t0)
    ser.close()
    return out


def time_echo(port: str) -> list[float]:
    ser = serial.Serial(port, 115200, timeout=2)
    frame = encode_frame(Kind.HEARTBEAT, 7)
    out = []
    for i in range(N + WARM):
        t0 = time.perf_counter()
        ser.write(frame)
        got = b""
        while len(got) < len(frame):
            data = ser.read(len(frame) - len(got))
            if not data:
                raise SystemExit("the echo stopped answering")
            got += data
        if i >= WARM:
            out.append(time.perf_counter() - t0)
    ser.close()
    return out


def serve(device, fn) -> list[float]:
    bridge = PtyBridge(device)
    if isinstance(device, FirmwareGuest):
        device.start()
    bridge.start()
    try:
        time.sleep(0.3)
        return fn(bridge.path)
    finally:
        bridge.close()
        if isinstance(device, FirmwareGuest):
            device.stop()


def main() -> None:
    echo_fw = Path(tempfile.mkdtemp(prefix="dojokit-echo-"))
    try:
        shutil.copytree(firmware_dir() / "kits", echo_fw / "kits")
        shutil.copyfile(firmware_dir() / "hal_virtual.py", echo_fw / "hal_virtual.py")
        (echo_fw / "main.py").write_text(ECHO_MAIN)
        fw = serve(FirmwareGuest(name=(0, 1, "bench")), time_firmware)
        mp = serve(FirmwareGuest(firmware=echo_fw), time_echo)
        py = serve(PyEcho(), time_echo)
    finally:
        shutil.rmtree(echo_fw, ignore_errors=True)
    med = {k: statistics.median(v) * 1000 for k, v in (("firmware", fw), ("mp-echo", mp),
                                                        ("py-echo", py))}
    p90 = {k: statistics.quantiles(v, n=10)[-1] * 1000 for k, v in (("firmware", fw),
                                                                    ("mp-echo", mp),
                                                                    ("py-echo", py))}
    print(f"round trip over a pty through pyserial, {N} each (ms: median / p90)")
    for k in med:
        print(f"  {k:<9} {med[k]:7.3f} / {p90[k]:7.3f}")
    print(f"  ratio firmware / MicroPython echo: {med['firmware'] / med['mp-echo']:.2f} x "
          f"(target <= 1.5)")
    print(f"  ratio firmware / Python echo:      {med['firmware'] / med['py-echo']:.2f} x")


if __name__ == "__main__":
    main()
