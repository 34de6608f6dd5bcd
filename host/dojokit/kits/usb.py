"""Which robot boards are plugged in over USB serial, in plain words.

The host never connects to "the first port found" (see DESIGN.md, "The right robot in a full
room"): this module only *lists* serial ports with a best guess of what each one is, so a mentor
or a child can choose. The guesses come from the USB vendor and product ids (VID:PID), plus, for
the micro:bit, the board id at the start of the USB serial number (see HARDWARE.md, "USB
identities").

A USB-serial bridge chip (CP210x, CH340, CH9102, FTDI) says nothing certain about the board
behind it: in our rooms it is almost always an ESP32 robot, so that is the guess, but an Arduino
clone looks exactly the same.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from serial.tools import list_ports
from serial.tools.list_ports_common import ListPortInfo

UNKNOWN = "unknown serial device"

MICROBIT_VID_PID = (0x0D28, 0x0204)
"""Arm's DAPLink interface chip, as used on the micro:bit (and on other DAPLink boards)."""

MICROBIT_BOARD_IDS: dict[str, str] = {
    "9900": "micro:bit V1",
    "9901": "micro:bit V1",
    "9903": "micro:bit V2",
    "9904": "micro:bit V2",
    "9905": "micro:bit V2",
    "9906": "micro:bit V2",
}
"""DAPLink board id (first 4 hex digits of the USB serial number) -> micro:bit version."""


@dataclass(frozen=True)
class UsbIdentity:
    """One row of the VID:PID table."""

    what: str
    """What the USB device itself is, e.g. "CP210x USB-serial bridge"."""
    guess: str
    """The short plain-English guess shown to people, e.g. "ESP32 (CP210x)"."""
    board: str | None
    """Our firmware family: "microbit", "esp32" or None."""


USB_IDENTITIES: dict[tuple[int, int], UsbIdentity] = {
    MICROBIT_VID_PID: UsbIdentity("Arm DAPLink (micro:bit)", "micro:bit", "microbit"),
    (0x10C4, 0xEA60): UsbIdentity(
        "Silicon Labs CP210x USB-serial bridge", "ESP32 (CP210x)", "esp32"
    ),
    (0x1A86, 0x7523): UsbIdentity("WCH CH340 USB-serial bridge", "ESP32 (CH340)", "esp32"),
    (0x1A86, 0x55D4): UsbIdentity("WCH CH9102 USB-serial bridge", "ESP32 (CH9102)", "esp32"),
    (0x0403, 0x6001): UsbIdentity("FTDI FT232R USB-serial bridge", "ESP32 (FTDI)", "esp32"),
    (0x0403, 0x6010): UsbIdentity("FTDI FT2232 USB-serial bridge", "ESP32 (FTDI)", "esp32"),
    (0x0403, 0x6011): UsbIdentity("FTDI FT4232 USB-serial bridge", "ESP32 (FTDI)", "esp32"),
    (0x0403, 0x6014): UsbIdentity("FTDI FT232H USB-serial bridge", "ESP32 (FTDI)", "esp32"),
    (0x0403, 0x6015): UsbIdentity("FTDI FT-X USB-serial bridge", "ESP32 (FTDI)", "esp32"),
    (0x303A, 0x1001): UsbIdentity(
        "Espressif USB-Serial/JTAG (built into ESP32-S3/C3)", "ESP32-S3/C3 (built-in USB)", "esp32"
    ),
    (0x303A, 0x4001): UsbIdentity(
        "MicroPython TinyUSB CDC on an Espressif chip", "ESP32 (MicroPython USB)", "esp32"
    ),
}
"""USB VID:PID -> what it is. Keys are (vid, pid) integers."""


@dataclass(frozen=True)
class SerialKit:
    """A serial port and our best guess of which kind of robot board is behind it."""

    port: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    description: str
    guess: str
    """Short plain-English guess, e.g. "micro:bit V2", "ESP32 (CP210x)", UNKNOWN."""
    board: str | None
    """The firmware family: "microbit", "esp32" or None when we cannot tell."""
    cpu: str | None = None
    """The build the board runs when it is not its family's: "virtual" for a simulated
    board (its USB identity is pretended, its processor is the simulator's)."""

    @property
    def build_board(self) -> str | None:
        """Which build of dojokit.kits.build this board takes."""
        return self.cpu or self.board

    @property
    def known(self) -> bool:
        """True when the VID:PID is in our table (the guess is more than "unknown")."""
        return (
            self.vid is not None and self.pid is not None and (self.vid, self.pid) in USB_IDENTITIES
        )

    @property
    def usb_id(self) -> str | None:
        """The usual upper-case "VID:PID" text, or None for non-USB ports."""
        if self.vid is None or self.pid is None:
            return None
        return f"{self.vid:04X}:{self.pid:04X}"


def _microbit_guess(serial_number: str | None) -> tuple[str, str | None]:
    if not serial_number or len(serial_number) < 4:
        return "micro:bit (version unknown)", "microbit"
    board_id = serial_number[:4].upper()
    if board_id in MICROBIT_BOARD_IDS:
        return MICROBIT_BOARD_IDS[board_id], "microbit"
    if board_id.startswith("99"):
        # A micro:bit board id we do not know yet (a later revision, most likely).
        return "micro:bit (version unknown)", "microbit"
    # DAPLink is also used on many other development boards, each with its own board id.
    return f"DAPLink board {board_id} (not a micro:bit)", None


def guess(vid: int | None, pid: int | None, serial_number: str | None) -> tuple[str, str | None]:
    """Guess what a USB serial device is: (plain-English guess, board family or None)."""
    if vid is None or pid is None:
        return UNKNOWN, None
    if (vid, pid) == MICROBIT_VID_PID:
        return _microbit_guess(serial_number)
    identity = USB_IDENTITIES.get((vid, pid))
    if identity is None:
        return UNKNOWN, None
    return identity.guess, identity.board


def from_port_info(info: ListPortInfo) -> SerialKit:
    """Turn one pyserial port entry into a SerialKit (pure: touches no hardware)."""
    serial_number = info.serial_number or None
    text, board = guess(info.vid, info.pid, serial_number)
    return SerialKit(
        port=info.device,
        vid=info.vid,
        pid=info.pid,
        serial_number=serial_number,
        description=info.description or "",
        guess=text,
        board=board,
    )


def _port_sort_key(port: str) -> list[tuple[int, int | str]]:
    """Natural order, so /dev/ttyUSB2 comes before /dev/ttyUSB10 and COM3 before COM12."""
    key: list[tuple[int, int | str]] = []
    for part in re.split(r"(\d+)", port):
        if part.isdigit():
            key.append((1, int(part)))
        elif part:
            key.append((0, part))
    return key


def sort_kits(kits: list[SerialKit]) -> list[SerialKit]:
    """Known devices first, then unknown ones; each group in natural port order."""
    return sorted(kits, key=lambda kit: (not kit.known, _port_sort_key(kit.port)))


SIM_PORTS_ENV = "DOJOKIT_SIM_PORTS"
"""A glob of simulated boards' ports (`dojokit sim serve --usb ...`) to list beside the
real ones: each has a sidecar ``PORT.json`` saying which USB device it pretends to be."""


def sidecar(port: str) -> Path:
    return Path(port + ".json")


def _simulated(port: str) -> SerialKit | None:
    try:
        d = json.loads(sidecar(port).read_text(encoding="utf-8"))
        vid, pid = int(d["vid"]), int(d["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    sn = d.get("serial_number") or None
    text, board = guess(vid, pid, sn)
    return SerialKit(port=port, vid=vid, pid=pid, serial_number=sn,
                     description=str(d.get("description", "simulated board")), guess=text,
                     board=board, cpu=d.get("cpu") or None)


def _simulated_ports() -> list[SerialKit]:
    pattern = os.environ.get(SIM_PORTS_ENV)
    if not pattern:
        return []
    found = (_simulated(p) for p in sorted(glob.glob(pattern)) if not p.endswith(".json"))
    return [k for k in found if k is not None]


def describe_port(port: str) -> SerialKit:
    """What is known of one port: its USB identity, a simulated board's sidecar, or nothing
    (a bare pty or a port we cannot identify: board None)."""
    sim = _simulated(port)
    if sim is not None:
        return sim
    real = os.path.realpath(port)
    for info in list_ports.comports():
        if info.device in (port, real):
            return from_port_info(info)
    return SerialKit(port=port, vid=None, pid=None, serial_number=None, description="",
                     guess=UNKNOWN, board=None)


def list_serial_kits(include_unknown: bool = False) -> list[SerialKit]:
    """List the serial ports on this computer with a guess for each.

    Known devices come first, sorted by port. Ports we cannot identify (built-in serial ports,
    modems, Bluetooth serial links...) are left out unless ``include_unknown`` is true. This
    never chooses a port: that is for the person at the keyboard.
    """
    kits = [from_port_info(info) for info in list_ports.comports()] + _simulated_ports()
    if not include_unknown:
        kits = [kit for kit in kits if kit.known]
    return sort_kits(kits)
