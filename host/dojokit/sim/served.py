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
