"""The radio bridge's firmware (firmware/dk_bridge.py, bridge_main.py) under the simulator's
real MicroPython, with the simulated micro:bit radio (dojokit.sim.radio): frames from the
serial line go out as authenticated packets of the pair, and the robot's packets come back
as the same frames; anything from another pair, another key, another group, a replay or a
corrupted packet is never relayed. The robot's end is played here by the host's mirror of
the packet layer (dojokit.link.radio_packet) on a radio of its own.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from dojokit.kits.build import BRIDGE_FILES, BRIDGE_MAIN, compile_mpy, firmware_dir
from dojokit.link.radio_packet import HOST, ROBOT, Auth
from dojokit.protocol import FrameDecoder, Kind, encode_frame
from dojokit.protocol.codec import crc16
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest
from dojokit.sim.radio import RadioMedium

KEY = bytes.fromhex("1918111009080100")
PAIR, CHANNEL, GROUP = 7, 12, 42


def raw(kind: int, seq: int, payload: bytes = b"") -> bytes:
    r = bytes((kind, seq)) + payload
    return r + crc16(r).to_bytes(2, "big")


def bridge_files(folder: Path, key: bytes = KEY, pair: int = PAIR) -> Path:
    fw = firmware_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_bytes((fw / BRIDGE_MAIN).read_bytes())
    for f in BRIDGE_FILES["virtual"][1:]:
        (folder / f"{f[:-3]}.mpy").write_bytes(compile_mpy(fw / f, "virtual"))
    (folder / "pair.txt").write_text(f"{CHANNEL} {GROUP} {pair} {key.hex()}")
    return folder


class Rig:
    def __init__(self, tmp: Path, medium: RadioMedium) -> None:
        self.medium = medium
        self.serial = bytearray()
        self.lock = threading.Lock()
        self.guest = FirmwareGuest(VirtualBoard(), flash=bridge_files(tmp / "bridge"),
                                   repl=True, radio=medium.attach("bridge"),
                                   on_output=self._out)
        self.robot = medium.attach("robot")
        self.robot.on()
        self.robot.config(channel=CHANNEL, group=GROUP)
        self.auth = Auth(KEY, PAIR, ROBOT)
        self.guest.start()

    def _out(self, data: bytes) -> None:
        with self.lock:
            self.serial += data

    def frames(self, wait: float = 3.0, want: int = 1) -> list:  # type: ignore[type-arg]
        end = time.monotonic() + wait
        while time.monotonic() < end:
            with self.lock:
                got = FrameDecoder().feed(bytes(self.serial))
            if len(got) >= want:
                return got
            time.sleep(0.02)
        with self.lock:
            return FrameDecoder().feed(bytes(self.serial))

    def packets(self, wait: float = 3.0, want: int = 1) -> list[bytes]:
        end = time.monotonic() + wait
        got: list[bytes] = []
        while time.monotonic() < end and len(got) < want:
            p = self.robot.receive_bytes()
            if p is None:
                time.sleep(0.02)
            else:
                got.append(p)
        return got

    def close(self) -> None:
        self.guest.stop()


@pytest.fixture
def rig(tmp_path: Path):  # type: ignore[no-untyped-def]
    r = Rig(tmp_path, RadioMedium(seed=3))
    time.sleep(0.5)  # the bridge boots and turns its radio on
    yield r
    r.close()


def test_a_frame_from_the_laptop_goes_out_as_one_authenticated_packet(rig: Rig) -> None:
    rig.guest.write(encode_frame(Kind.HELLO, 5, b"\x02"))
    (pkt,) = rig.packets()
    assert pkt[0] == PAIR and len(pkt) == 5 + 5 + 4
    assert rig.auth.open(pkt) == raw(Kind.HELLO, 5, b"\x02")  # the frame, unchanged
    # the bridge interprets nothing: banners and broken frames do not go on the air
    rig.guest.write(b"hello\r\n~0123\n")
    assert rig.packets(wait=0.5) == []


def test_the_robots_packets_come_back_as_the_same_frames(rig: Rig) -> None:
    for seq in range(3):
        rig.robot.send_bytes(rig.auth.seal(raw(Kind.ACK, seq, b"\x00")))
    got = rig.frames(want=3)
    assert [(f.kind, f.seq, f.payload) for f in got] == [(Kind.ACK, s, b"\x00") for s in range(3)]


def test_nothing_foreign_is_ever_relayed(rig: Rig) -> None:
    good = rig.auth.seal(raw(Kind.ACK, 1))
    strangers = [
        Auth(bytes(8), PAIR, ROBOT).seal(raw(Kind.ACK, 2)),  # a bridge flashed with another key
        Auth(KEY, PAIR + 1, ROBOT).seal(raw(Kind.ACK, 3)),  # another pair's robot
        Auth(KEY, PAIR, HOST, counter=900).seal(raw(Kind.ACK, 4)),  # the laptop's own, reflected
        good[:-1] + bytes((good[-1] ^ 1,)),  # corrupted
        b"\x07" * 40,  # noise
    ]
    # one at a time: the bridge's receive queue holds three packets, as a micro:bit's
    for p in [*strangers, good, good]:  # the last one is a replay
        rig.robot.send_bytes(p)
        time.sleep(0.1)
    other_group = rig.medium.attach("stray")
    other_group.on()
    other_group.config(channel=CHANNEL, group=GROUP + 1)
    other_group.send_bytes(rig.auth.seal(raw(Kind.ACK, 9)))
    time.sleep(1.0)
    got = rig.frames(wait=0.5)
    assert [(f.kind, f.seq) for f in got] == [(Kind.ACK, 1)]
