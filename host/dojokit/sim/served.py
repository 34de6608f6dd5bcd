"""A simulated board served on a pseudo-terminal as a mentor's laptop would see a real one.

`dojokit sim serve --pty PATH --fs DIR --usb microbit|esp32` puts together:

- a `SimBoard` whose file system is the folder DIR (it boots main.py from there, and has a
  raw REPL, so mpremote and our deploy code work on it);
- the USB identity it pretends to have, in a sidecar ``PATH.json`` (VID:PID, serial number;
  its processor is the simulator's, so it takes the "virtual" build): `dojokit kits` and
  `flash --all` list it when $DOJOKIT_SIM_PORTS names it;
- for a micro:bit, its MICROBIT drive (`--drive`, a folder with DETAILS.TXT): a hex copied
  there is flashed as DAPLink does: the file system becomes exactly the hex's files and the
  board restarts;
- for an ESP32, its ROM bootloader (esptool talks to it on the same pty) and its flash,
  kept in ``DIR.rom`` so a write cut halfway is still cut when the board is served again;
- the wire: `--baud` paces it as a real UART, `--fail-after N` pulls the cable after N
  bytes from the host.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dojokit.kits.usb import MICROBIT_VID_PID, sidecar

#: the USB identity a simulated board pretends to have: (vid, pid, description)
USB = {
    "microbit": (*MICROBIT_VID_PID, "BBC micro:bit CMSIS-DAP (simulated)"),
    "esp32": (0x10C4, 0xEA60, "CP2102 USB to UART Bridge Controller (simulated)"),
}


def new_serial_number(usb: str) -> str:
    """A DAPLink-like serial number (board id 9904 for a micro:bit V2), or a CP210x one."""
    if usb == "microbit":
        return "9904" + secrets.token_hex(22)
    return secrets.token_hex(8)


@dataclass
class Served:
    board: Any
    bridge: Any
    line: Any
    parts: list[Any]
    side: Path | None

    def close(self) -> None:
        for part in reversed(self.parts):
            with contextlib.suppress(Exception):
                part.close() if hasattr(part, "close") else part.stop()
        if self.side is not None:
            with contextlib.suppress(OSError):
                self.side.unlink()


def serve(pty: Path, fs: Path, *, usb: str | None = None, serial_number: str | None = None,
          drive: Path | None = None, chip: str = "esp32", baud: int | None = None,
          fail_after: int | None = None) -> Served:
    """Start one simulated board on `pty` (a symlink made here). Close with `.close()`."""
    from dojokit.sim.line import Line
    from dojokit.sim.pty_server import PtyBridge
    from dojokit.sim.simboard import SimBoard

    fs.mkdir(parents=True, exist_ok=True)
    board = SimBoard(fs)
    parts: list[Any] = []
    device: Any = board
    if usb == "esp32":
        from dojokit.sim.esp_rom import EspRom

        device = EspRom(board, chip=chip, flash_file=fs.with_name(fs.name + ".rom"))
    line = Line(device, baud=baud, fail_after=fail_after)
    bridge = PtyBridge(line, pty)
    side = None
    if usb is not None:
        vid, pid, about = USB[usb]
        serial_number = serial_number or new_serial_number(usb)
        side = sidecar(str(pty))
        side.write_text(json.dumps({"vid": vid, "pid": pid, "serial_number": serial_number,
                                    "description": about, "cpu": "virtual"}))
    if usb == "microbit" and drive is not None:
        from dojokit.sim.drive import SimDrive

        def flashed(files: dict[str, bytes]) -> None:
            # DAPLink writes the whole flash: the old files are gone, the hex's are there
            for old in fs.iterdir():
                if old.is_file():
                    old.unlink()
                elif old.is_dir():
                    shutil.rmtree(old)
            for name, data in files.items():
                (fs / name).write_bytes(data)
            board.hard_reset()

        assert serial_number is not None
        parts.append(SimDrive(drive, serial_number, flashed))
    if device is board:
        board.start()
    else:
        device.start()
    bridge.start()
    parts[:0] = [device if device is not board else board, line, bridge]
    return Served(board, bridge, line, parts, side)


@dataclass
class RadioPair:
    """A simulated bridge on a pty and its paired robot, talking over a simulated radio."""

    medium: Any
    bridge: Any
    robot: Any
    pty: Any
    side: Path | None = None

    def close(self) -> None:
        for part in (self.pty, self.bridge, self.robot):
            with contextlib.suppress(Exception):
                part.close() if hasattr(part, "close") else part.stop()
        if self.side is not None:
            with contextlib.suppress(OSError):
                self.side.unlink()


def radio_pair_files(robot: Path, bridge: Path, pair_text: str,
                     name: tuple[int, int, str], kit: str = "sim",
                     bridge_pair_text: str | None = None) -> None:
    """The virtual builds of a paired robot (its firmware, the radio transport, pair.txt)
    and of its bridge (bridge_main.py as main.py, the relay, pair.txt)."""
    from dojokit.kits.build import build, build_bridge

    robot.mkdir(parents=True, exist_ok=True)
    bridge.mkdir(parents=True, exist_ok=True)
    for n, data in build("virtual", kit, name, pair_text=pair_text).items():
        (robot / n).write_bytes(data)
    bridge_files = build_bridge("virtual", bridge_pair_text or pair_text,
                                name=(name[0], name[1], "bridge"), robot=name)
    for n, data in bridge_files.items():
        (bridge / n).write_bytes(data)


def serve_radio(pty: Path, folder: Path, *, name: tuple[int, int, str] = (0, 1, "sim"),
                seed: int = 0, loss: float = 0.0, key: bytes | None = None,
                baud: int | None = None, medium: Any = None,
                pairing: tuple[int, int, int] = (12, 42, 7),
                bridge_key: bytes | None = None, heap_kb: int = 64) -> RadioPair:
    """`dojokit sim serve --pty PATH --radio`: a bridge on `pty` and its robot, paired (a
    fresh key, a channel and group of their own), both running their firmware under the
    simulator's MicroPython, with `loss` of the radio's packets lost (seeded)."""
    from dojokit.kits.build import firmware_dir, parse_kit
    from dojokit.link.radio_packet import new_pair_key
    from dojokit.sim.board import VirtualBoard
    from dojokit.sim.line import Line
    from dojokit.sim.pty_server import PtyBridge
    from dojokit.sim.radio import RadioMedium
    from dojokit.sim.simboard import SimBoard

    key = key or new_pair_key()
    channel, group, pair = pairing
    pair_text = f"{channel} {group} {pair} {key.hex()}"
    bridge_text = f"{channel} {group} {pair} {bridge_key.hex()}" if bridge_key else None
    radio_pair_files(folder / "robot", folder / "bridge", pair_text, name,
                     bridge_pair_text=bridge_text)
    medium = medium or RadioMedium(seed=seed, loss=loss)
    profile = parse_kit((firmware_dir() / "kits" / "sim.kit").read_text())
    lights = int(profile.get("pixels", ["0"])[0]) + int(profile.get("leds", ["0"])[0])
    tag = f"{channel}.{group}.{pair}"
    robot = SimBoard(folder / "robot", VirtualBoard(nlights=lights),
                     radio=medium.attach(f"robot {tag}"), heap_kb=heap_kb)
    bridge = SimBoard(folder / "bridge", VirtualBoard(), radio=medium.attach(f"bridge {tag}"))
    line = Line(bridge, baud=baud)
    pty_bridge = PtyBridge(line, pty)
    robot.start()
    bridge.start()
    pty_bridge.start()
    # the bridge is a micro:bit on USB: `dojokit kits` and `radio:NAME` look for it
    side = sidecar(str(pty))
    vid, pid, about = USB["microbit"]
    side.write_text(json.dumps({"vid": vid, "pid": pid, "serial_number": new_serial_number(
        "microbit"), "description": about.replace("(simulated)", "(simulated radio bridge)"),
        "cpu": "virtual"}))
    return RadioPair(medium, bridge, robot, pty_bridge, side)
