"""A simulated ESP32 ROM bootloader in front of a simulated board, on one byte line.

A real ESP32 board is sent to its ROM bootloader by the DTR/RTS lines; a pseudo-terminal has
no such lines, so here the bootloader is entered when esptool's SYNC packet (a SLIP frame with
command 0x08) arrives. From then on the bytes go to esp32-mock-bootloader's protocol handler,
run in this process on a queue (no subprocess: ten boards run side by side in one test), until
esptool is done: a byte outside any SLIP frame (a mentor tool starting the raw REPL), or a
quiet spell standing for esptool's hard reset, which the pty cannot carry either. The board
then boots: with a complete, valid image at the chip's offset the inner board (the simulated
MicroPython board) is powered on, otherwise it stays dark, like a board whose write was cut.

`fail_after` makes the USB cable "come out" after that many bytes of flash data: the line goes
silent both ways until the flasher syncs again (the cable plugged back in).
"""

from __future__ import annotations

import json
import queue
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from esp32_mock_bootloader import protocol as mock_protocol
from esp32_mock_bootloader import server as mock_server

from ..kits.esp_flash import OFFSETS

SLIP_END = 0xC0
SYNC_START = bytes([SLIP_END, 0x00, 0x08])  # SLIP start, request, SYNC
FLASH_SIZE = mock_protocol.FLASH_MOCK_SIZE
SECTOR = 0x1000


class InnerBoard(Protocol):
    """What EspRom needs of the board behind it (sim.simboard.SimBoard fits)."""

    on_output: Callable[[bytes], None]

    def write(self, data: bytes) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...
    def hard_reset(self) -> None: ...
    def power_off(self) -> None: ...


class _Flash(mock_server.FlashImage):
    """The mock's flash, plus what a real chip does that the mock skips: a write erases
    its sectors first, and a write whose last announced block never came leaves the flash
    torn (even if an older image there still parses). For the cable test, the line is cut
    after `rom.fail_after` bytes of flash data."""

    def __init__(self, rom: EspRom) -> None:
        super().__init__()
        self._rom = rom
        self._blocks_left = 0  # blocks the current write announced and has not sent yet
        self.written = 0  # bytes written in this ROM session

    def _begin(self, payload: bytes) -> None:
        size, blocks, _block_size, offset = struct.unpack_from("<IIII", payload, 0)
        if size:  # esptool ends a stub session with an empty begin: not a write
            self._blocks_left = blocks
            start = offset - offset % SECTOR
            end = -(-(offset + size) // SECTOR) * SECTOR
            self.erase_region(start, end - start)
            self._rom.torn = True

    def begin_defl(self, payload: bytes) -> None:
        super().begin_defl(payload)
        self._begin(payload)

    def begin_plain(self, payload: bytes) -> None:
        super().begin_plain(payload)
        self._begin(payload)

    def write_defl_block(self, payload: bytes) -> None:
        before = self._defl_offset
        super().write_defl_block(payload)
        self._wrote(self._defl_offset - before)

    def write_plain_block(self, payload: bytes) -> None:
        before = self._plain_offset
        super().write_plain_block(payload)
        self._wrote(self._plain_offset - before)

    def _wrote(self, n: int) -> None:
        self.written += n
        if self._blocks_left:
            self._blocks_left -= 1
            if not self._blocks_left:  # the last block announced is in: the write is whole
                self._rom.torn = False
        if self._rom.fail_after is not None and self.written >= self._rom.fail_after:
            self._rom.cut_cable()


class _Line:
    """The mock's connection (recv/sendall) on a queue of whole SLIP frames."""

    def __init__(self, rom: EspRom) -> None:
        self.frames: queue.Queue[bytes] = queue.Queue()
        self._rom = rom
        self._timeout = 0.05
        self.used = False  # a frame went through

    def set_timeout(self, timeout: float) -> None:
        self._timeout = timeout

    def recv(self, _size: int) -> bytes:
        try:
            return self.frames.get(timeout=self._timeout)
        except queue.Empty:
            self._rom._tick()
            raise TimeoutError() from None

    def sendall(self, data: bytes) -> None:
        self._rom._reply(data)

    def close(self) -> None:
        pass

    def ignore_eof_for_disconnect(self) -> bool:
        return False

    def abort_empty_session(self) -> bool:
        return False


class EspRom:
    """A ByteDevice (pty_server): an ESP32 board with its ROM bootloader and flash.

    `state` is "app" (the inner board runs), "dark" (nothing bootable: nothing answers) or
    "rom" (the bootloader talks SLIP). `boots` counts power-ons of the inner board.
    """

    def __init__(
        self,
        inner: InnerBoard,
        *,
        chip: str = "esp32",
        flash_file: str | Path | None = None,
        fail_after: int | None = None,
        quiet_reset: float = 1.0,
    ) -> None:
        if chip not in OFFSETS:
            raise ValueError(f"unknown chip {chip!r}; known: {', '.join(OFFSETS)}")
        self.inner = inner
        self.chip = chip
        self.offset = OFFSETS[chip]
        self.fail_after = fail_after
        self.quiet_reset = quiet_reset  # seconds without SLIP traffic that end a session
        self.flash_file = Path(flash_file) if flash_file else None
        self.on_output: Callable[[bytes], None] = lambda data: None
        self.state = "dark"
        self.boots = 0
        self.torn = False  # a write began and never reached its end
        self.cut = False  # the cable is out: the line carries nothing
        self._inner_started = False
        self._lock = threading.RLock()
        self._flash = _Flash(self)
        self._line: _Line | None = None
        self._session: threading.Thread | None = None
        self._stop_session = threading.Event()
        self._frame: bytearray | None = None  # the SLIP frame being received
        self._pending = b""  # bytes that may be the start of a SYNC frame
        self._last_input = 0.0
        inner.on_output = self._from_inner
        self._load()

    # -- flash contents ------------------------------------------------------------------

    @property
    def flash(self) -> bytearray:
        return self._flash.data

    def _state_file(self) -> Path | None:
        if self.flash_file is None:
            return None
        return self.flash_file.with_name(self.flash_file.name + ".json")

    def _load(self) -> None:
        if self.flash_file is None or not self.flash_file.exists():
            return
        data = self.flash_file.read_bytes()[:FLASH_SIZE]
        self._flash.data[: len(data)] = data
        state = self._state_file()
        if state is not None and state.exists():
            self.torn = bool(json.loads(state.read_text(encoding="utf-8")).get("torn"))

    def save(self) -> None:
        """Write the flash (and whether a write was cut) to `flash_file`, if any."""
        if self.flash_file is None:
            return
        self.flash_file.write_bytes(bytes(self._flash.data))
        state = self._state_file()
        assert state is not None
        state.write_text(json.dumps({"chip": self.chip, "torn": self.torn}), encoding="utf-8")

    def load_image(self, image: bytes) -> None:
        """Put an image at the chip's offset, as if flashed at the factory."""
        self._flash.data[self.offset : self.offset + len(image)] = image
        self.torn = False

    def bootable(self) -> bool:
        """Whether the flash at the chip's offset holds a complete image for this chip:
        its checksum and SHA-256 (esptool's image parser) must match."""
        if self.torn:
            return False
        return image_is_valid(bytes(self._flash.data[self.offset :]), self.chip)

    # -- power ---------------------------------------------------------------------------

    def start(self) -> None:
        """Power on: boot what the flash holds."""
        with self._lock:
            self._boot()

    def stop(self) -> None:
        with self._lock:
            self._end_session()
            if self._inner_started:
                self.inner.stop()
                self._inner_started = False
            self.state = "dark"

    def _boot(self) -> None:
        if not self.bootable():
            self.state = "dark"
            return
        self.state = "app"
        self.boots += 1
        if self._inner_started:
            self.inner.hard_reset()
        else:
            self.inner.start()
            self._inner_started = True

    def cut_cable(self) -> None:
        """The USB cable comes out mid-session: nothing crosses the line any more."""
        self.cut = True

    # -- the byte line -------------------------------------------------------------------

    def _from_inner(self, data: bytes) -> None:
        if self.state == "app":
            self.on_output(data)

    def _reply(self, data: bytes) -> None:
        if not self.cut and self.state == "rom":
            self.on_output(data)

    def write(self, data: bytes) -> None:
        with self._lock:
            self._last_input = time.monotonic()
            if self.state == "rom":
                data = self._rom_bytes(data)
            if data:
                self._app_bytes(data)

    def _app_bytes(self, data: bytes) -> None:
        """Bytes for the running (or dark) board, watching for esptool's SYNC."""
        data = self._pending + data
        self._pending = b""
        at = data.find(SYNC_START)
        if at < 0:
            keep = next((k for k in (2, 1) if data.endswith(SYNC_START[:k])), 0)
            self._pending = data[len(data) - keep :] if keep else b""
            self._to_inner(data[: len(data) - keep])
            return
        self._to_inner(data[:at])
        self._enter_rom()
        rest = self._rom_bytes(data[at:])
        if rest:
            self._app_bytes(rest)

    def _to_inner(self, data: bytes) -> None:
        if data and self.state == "app":
            self.inner.write(data)

    def _enter_rom(self) -> None:
        if self.state == "app":
            self.inner.power_off()
        self.state = "rom"
        self.cut = False
        self._frame = None
        self._flash.written = 0
        self._line = _Line(self)
        self._stop_session = threading.Event()
        line, stop = self._line, self._stop_session
        self._session = threading.Thread(
            target=self._serve, args=(line, stop), daemon=True, name="dojokit-esp-rom"
        )
        self._session.start()

    def _serve(self, line: _Line, stop: threading.Event) -> None:
        mock_server.handle_client(line, stop, self.chip, flash=self._flash)  # type: ignore[arg-type]
        with self._lock:
            if self._line is line:  # the session ended by itself: esptool is done
                self._leave_rom()

    def _rom_bytes(self, data: bytes) -> bytes:
        """Frames for the bootloader; returns the bytes from the first non-SLIP byte on,
        which end the session (the board has been reset and runs)."""
        while data:
            if self._frame is None:
                if data[0] != SLIP_END:
                    self._leave_rom()
                    return data
                self._frame = bytearray(data[:1])
                data = data[1:]
                continue
            end = data.find(SLIP_END)
            if end < 0:
                self._frame += data
                return b""
            if end == 0 and len(self._frame) == 1:  # c0 c0: the second opens the frame
                data = data[1:]
                continue
            self._frame += data[: end + 1]
            data = data[end + 1 :]
            self._frame_done(bytes(self._frame))
            self._frame = None
        return b""

    def _frame_done(self, frame: bytes) -> None:
        assert self._line is not None
        if frame.startswith(SYNC_START) and (self.cut or self._line.used):
            # a flasher (re)connecting has reset the chip: a fresh ROM (no stub), same
            # flash; after a cut this is the cable plugged back in
            self._end_session()
            self._enter_rom()
        elif self.cut:
            return
        assert self._line is not None
        self._line.used = True
        self._line.frames.put(frame)

    def _tick(self) -> None:
        """Called by the session while it waits: a quiet line means esptool reset the chip."""
        with self._lock:
            if self.state == "rom" and time.monotonic() - self._last_input >= self.quiet_reset:
                self._stop_session.set()

    def _end_session(self) -> None:
        self._stop_session.set()
        self._line = None
        self._session = None

    def _leave_rom(self) -> None:
        self._end_session()
        self._frame = None
        self.cut = False
        self.save()
        self._boot()


def image_is_valid(data: bytes, chip: str) -> bool:
    """Whether `data` starts with a complete ESP image for `chip` (header chip id,
    checksum, and appended SHA-256 when the image has one)."""
    from esptool.bin_image import LoadFirmwareImage
    from esptool.targets import CHIP_DEFS

    try:
        image = LoadFirmwareImage(chip, data)
    except Exception:  # esptool raises FatalError, struct.error, RuntimeError...
        return False
    if getattr(image, "chip_id", None) != CHIP_DEFS[chip].IMAGE_CHIP_ID:
        return False
    if image.checksum != image.calculate_checksum():
        return False
    if getattr(image, "append_digest", False):
        return bool(image.stored_digest == image.calc_digest)
    return True



def make_test_image(path: Path, chip: str = "esp32", size: int = 300_000, seed: int = 14) -> Path:
    """A valid app image for `chip`, made with esptool's own image classes: one flash
    segment of seeded random bytes, with checksum and SHA-256. It stands in for a
    MicroPython image (1.5 MB) in tests, benchmarks and a mentor's trial run."""
    import random

    from esptool.bin_image import ImageSegment
    from esptool.targets import CHIP_DEFS

    rom = CHIP_DEFS[chip]
    image = rom.BOOTLOADER_IMAGE()
    image.entrypoint = 0x40080000
    image.segments = [ImageSegment(rom.DROM_MAP_START + 0x20, random.Random(seed).randbytes(size))]
    image.save(str(path))
    return path
