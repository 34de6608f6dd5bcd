"""A simulated MICROBIT drive: a folder that behaves like a micro:bit's DAPLink drive.

The folder gets DETAILS.TXT (in DAPLink's words, with the board's unique id, which is also
its USB serial number) and MICROBIT.HTM. A thread watches it for a .hex file: once the file
is complete (it ends with the end-of-file record and has stopped growing), the drive
"flashes" it: the files in its MicroPython file system go to `on_flash` (the simulated
board: wipe its flash, write them, hard reset), and the hex disappears, as it does when
DAPLink remounts. A hex that cannot be read, or stops growing before its end, gives
FAIL.TXT in DAPLink's words and `on_fail(message)`.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from dojokit.kits.hexfile import HexError, files_in_hex

__all__ = ["FAIL", "SimDrive", "details_text"]

FAIL = "FAIL.TXT"
EOF_RECORD = ":00000001FF"
INTERFACE_VERSION = "0255"  # DAPLink on current micro:bit V2 boards
_HEX_LINE = re.compile(r":([0-9A-Fa-f]{2})+")

# DAPLink's FAIL.TXT sentences (source/daplink/error.c), all of type "user"
CHECKSUM = "The hex file cannot be decoded. Checksum calculation failure occurred."
PARSER = "The hex file cannot be decoded. Parser logic failure occurred."
TIMEOUT = "The transfer timed out."
UNKNOWN_FORMAT = "The application file format is unknown and cannot be parsed and/or processed."


def details_text(unique_id: str, remounts: int = 0) -> str:
    """DETAILS.TXT as a micro:bit's DAPLink writes it (interface mode)."""
    board = unique_id[:4]
    lines = [
        "# DAPLink Firmware - see https://mbed.com/daplink",
        f"Unique ID: {unique_id}",
        "HIC ID: 9796990b",
        "Auto Reset: 1",
        "Automation allowed: 0",
        "Overflow detection: 0",
        "Incompatible image detection: 1",
        "Page erasing: 0",
        "Daplink Mode: Interface",
        f"Interface Version: {INTERFACE_VERSION}",
        f"Bootloader Version: {INTERFACE_VERSION}",
        "Git SHA: 0000000000000000000000000000000000000000",
        "Local Mods: 0",
        "USB Interfaces: MSD, CDC, HID, WebUSB",
        "Bootloader CRC: 0x00000000",
        "Interface CRC: 0x00000000",
        f"Remount count: {remounts}",
        f"URL: https://microbit.org/device/?id={board}&v={INTERFACE_VERSION}",
    ]
    return "".join(line + "\r\n" for line in lines)


def _htm(unique_id: str) -> str:
    url = f"https://microbit.org/device/?id={unique_id[:4]}&v={INTERFACE_VERSION}"
    return ("<!doctype html>\r\n<!-- micro:bit redirect file -->\r\n<html><head>"
            f'<meta http-equiv="refresh" content="0; URL={url}"/><title>micro:bit</title>'
            "</head><body></body></html>\r\n")


def _checksum_ok(line: str) -> bool:
    raw = bytes.fromhex(line[1:])
    return len(raw) == raw[0] + 5 and sum(raw) & 0xFF == 0


def _hex_problem(text: str) -> str | None:
    """DAPLink's sentence for a hex it would refuse, or None."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        if not _HEX_LINE.fullmatch(ln):
            return PARSER
        if not _checksum_ok(ln):
            return CHECKSUM
    if not lines or lines[-1].upper() != EOF_RECORD:
        return TIMEOUT  # the stream never ended: DAPLink waits, then times out
    return None


class SimDrive:
    """Watch `folder` as a micro:bit's drive (see the module doc). `quiet` is how long a
    hex may stop growing before its end before it counts as cut off."""

    def __init__(
        self,
        folder: str | Path,
        unique_id: str,
        on_flash: Callable[[dict[str, bytes]], None],
        on_fail: Callable[[str], None] | None = None,
        *,
        poll: float = 0.03,
        quiet: float = 1.5,
    ) -> None:
        self.folder = Path(folder)
        self.unique_id = unique_id
        self.on_flash = on_flash
        self.on_fail = on_fail
        self.poll, self.quiet = poll, quiet
        self.remounts = 0
        self.flashes = 0
        self.error: Exception | None = None
        self.folder.mkdir(parents=True, exist_ok=True)
        self._remount()
        self._stop = threading.Event()
        # name -> (size, mtime_ns, when that size was first seen)
        self._seen: dict[str, tuple[int, int, float]] = {}
        self._thread = threading.Thread(target=self._run, name="sim-drive", daemon=True)
        self._thread.start()

    def _remount(self) -> None:
        (self.folder / "DETAILS.TXT").write_text(
            details_text(self.unique_id, self.remounts), encoding="ascii", newline="")
        (self.folder / "MICROBIT.HTM").write_text(
            _htm(self.unique_id), encoding="ascii", newline="")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def __enter__(self) -> SimDrive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _run(self) -> None:
        while not self._stop.wait(self.poll):
            try:
                self._look()
            except OSError:  # the folder changed under us: look again next time
                continue
            except Exception as e:  # a board callback broke: keep it for the tests to see
                self.error = e

    def _look(self) -> None:
        now = time.monotonic()
        hexes = [p for p in self.folder.iterdir() if p.suffix.lower() == ".hex" and p.is_file()]
        for p in hexes:
            st = p.stat()
            size, mtime = st.st_size, st.st_mtime_ns
            last = self._seen.get(p.name)
            if last is None or last[:2] != (size, mtime):
                self._seen[p.name] = (size, mtime, now)
                continue  # still growing (or just seen): look again next time
            if self._ends(p) or now - last[2] >= self.quiet:
                del self._seen[p.name]
                self._flash(p)
        for name in set(self._seen) - {p.name for p in hexes}:
            del self._seen[name]

    @staticmethod
    def _ends(p: Path) -> bool:
        with open(p, "rb") as f:
            f.seek(max(0, p.stat().st_size - 32))
            return f.read().rstrip().upper().endswith(EOF_RECORD.encode())

    def _flash(self, p: Path) -> None:
        text = p.read_text(encoding="ascii", errors="replace")
        with contextlib.suppress(OSError):
            p.unlink()  # DAPLink remounts without the file, whatever happened
        with contextlib.suppress(OSError):
            (self.folder / FAIL).unlink()
        problem = _hex_problem(text)
        files: dict[str, bytes] = {}
        if problem is None:
            try:
                files = files_in_hex(text)
            except HexError:
                problem = UNKNOWN_FORMAT  # a real board would run it; ours runs MicroPython
        self.remounts += 1
        if problem is not None:
            self._remount()
            (self.folder / FAIL).write_text(f"error: {problem}\r\ntype: user\r\n",
                                            encoding="ascii", newline="")
            if self.on_fail:
                self.on_fail(problem)
            return
        self.flashes += 1
        self.on_flash(files)
        self._remount()
