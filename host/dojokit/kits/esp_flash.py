"""Writing a MicroPython image to an ESP32 board with esptool's Python API.

The mentor brings the image (`--image`; nothing is downloaded). `check_image` refuses what
is not an ESP image, or is for another chip, before any port is opened. `write_image` puts
the board in its ROM bootloader, writes the image at the chip's offset (esptool verifies it
by MD5 afterwards) and resets the board. `image_present` asks the bootloader for the MD5 of
that flash region, so a later run can see that a write was cut halfway.

esptool prints through one process-wide logger: we route it per thread, so its text never
reaches our stdout and its progress bar arrives as numbers, even with several boards being
written at once from worker threads.
"""

from __future__ import annotations

import hashlib
import re
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..i18n import t

# Where the image goes in flash (HARDWARE.md): the second-stage bootloader's place.
OFFSETS: dict[str, int] = {
    "esp32": 0x1000,
    "esp32s2": 0x1000,
    "esp32s3": 0x0,
    "esp32c3": 0x0,
    "esp32c6": 0x0,
    "esp32h2": 0x0,
    "esp32c2": 0x0,
    "esp32c5": 0x2000,
    "esp32p4": 0x2000,
}

ROM_BAUD = 115200  # every ROM bootloader syncs at this rate
IMAGE_MAGIC = 0xE9
Progress = Callable[[int, int], None]


class EspFlashError(Exception):
    """A problem the mentor can act on; the message is one translated sentence."""


@dataclass(frozen=True)
class ImageInfo:
    chip: str  # esptool's name: "esp32", "esp32s3", ...
    size: int
    md5: str  # of the bytes as written (padded to 4 bytes, as esptool does)
    path: Path | None = None
    data: bytes = field(default=b"", repr=False)

    @property
    def offset(self) -> int:
        return OFFSETS[self.chip]

    @property
    def chip_name(self) -> str:
        return chip_name(self.chip)


@dataclass(frozen=True)
class WriteResult:
    chip: str
    offset: int
    bytes: int
    seconds: float


def chip_name(chip: str) -> str:
    """The name printed on the module: "esp32s3" -> "ESP32-S3"."""
    from esptool.targets import CHIP_DEFS

    rom = CHIP_DEFS.get(chip)
    return str(rom.CHIP_NAME) if rom is not None else chip


def _chip_key(name: str) -> str:
    """esptool's CHIP_NAME ("ESP32-S3") back to its key ("esp32s3")."""
    return name.lower().replace("-", "").replace("(", "").replace(")", "").split()[0]


def _padded(data: bytes) -> bytes:
    return data + b"\xff" * (-len(data) % 4)  # esptool pads writes to 4 bytes


# -- the image -----------------------------------------------------------------------------


def check_image(path: str | Path, chip: str | None = None) -> ImageInfo:
    """Read and check an image file; `chip` is the board's chip, when known."""
    from esptool.bin_image import LoadFirmwareImage
    from esptool.targets import CHIP_DEFS

    path = Path(path)
    if not path.is_file():
        raise EspFlashError(t("esp.image_missing", path=path))
    data = path.read_bytes()
    if len(data) < 24 or data[0] != IMAGE_MAGIC:
        raise EspFlashError(t("esp.image_not_firmware", path=path.name))
    chip_id = struct.unpack_from("<H", data, 12)[0]  # in the extended header
    found = next(
        (key for key in OFFSETS if chip_id == CHIP_DEFS[key].IMAGE_CHIP_ID), None
    )
    if found is None:
        raise EspFlashError(t("esp.image_not_firmware", path=path.name))
    try:
        image = LoadFirmwareImage(found, data)
        sound = image.checksum == image.calculate_checksum() and (
            not image.append_digest or image.stored_digest == image.calc_digest
        )
    except Exception:  # esptool's parser raises FatalError, struct.error, RuntimeError
        sound = False
    if not sound:
        raise EspFlashError(t("esp.image_damaged", path=path.name))
    if chip is not None and chip != found:
        raise EspFlashError(t("esp.image_wrong_chip", path=path.name,
                              image_chip=chip_name(found), board_chip=chip_name(chip)))
    md5 = hashlib.md5(_padded(data)).hexdigest()
    return ImageInfo(chip=found, size=len(data), md5=md5, path=path, data=data)


def _as_info(image: str | Path | ImageInfo) -> ImageInfo:
    return image if isinstance(image, ImageInfo) else check_image(image)


# -- esptool's logger, routed per thread -----------------------------------------------------


class _Sink:
    def __init__(self, progress: Progress | None, size: int) -> None:
        self.progress = progress
        self.size = size
        self.lines: list[str] = []
        self.done = 0  # image bytes written so far
        self.writing = False  # the write itself has begun

    def bar(self, current: int, total: int) -> None:
        if total > 0:  # esptool counts compressed bytes: scale to the image
            self.done = min(self.size, current * self.size // total)
            if self.progress is not None:
                self.progress(self.done, self.size)


_local = threading.local()
_router_lock = threading.Lock()


def _router() -> Any:
    """esptool's logger, replaced once by one that sends each thread's output to that
    thread's sink (and everything else to the logger it replaced)."""
    from esp_pylib.logger import EspLog, EspLogBase

    class Router(EspLogBase):
        def __init__(self, fallback: EspLogBase | None) -> None:
            self.fallback = fallback

        def _route(self, args: tuple[Any, ...], call: Callable[[EspLogBase], None]) -> None:
            sink = getattr(_local, "sink", None)
            if sink is not None:
                sink.lines.append(" ".join(str(a) for a in args))
            elif self.fallback is not None:
                call(self.fallback)

        def print(self, *args: Any, **kwargs: Any) -> None:
            self._route(args, lambda log: log.print(*args, **kwargs))

        def err(self, *args: Any, suggestion: str | None = None) -> None:
            self._route(args, lambda log: log.err(*args, suggestion=suggestion))

        def warn(self, *args: Any, suggestion: str | None = None) -> None:
            self._route(args, lambda log: log.warn(*args, suggestion=suggestion))

        def warning(self, *args: Any, suggestion: str | None = None) -> None:
            self.warn(*args, suggestion=suggestion)

        def error(self, *args: Any, suggestion: str | None = None) -> None:
            self.err(*args, suggestion=suggestion)

        def note(self, *args: Any) -> None:
            self._route(args, lambda log: log.note(*args))

        def hint(self, *args: Any) -> None:
            self._route(args, lambda log: log.hint(*args))

        def debug(self, *args: Any) -> None:
            self._route(args, lambda log: log.debug(*args))

        def stage(self, finish: bool = False) -> None:
            if getattr(_local, "sink", None) is None and self.fallback is not None:
                self.fallback.stage(finish)

        def set_verbosity(self, mode: int | str) -> None:
            if self.fallback is not None:
                self.fallback.set_verbosity(mode)

        def progress_bar(self, cur_iter: int, total_iters: int, prefix: str = "",
                         suffix: str = "", bar_length: int = 30) -> None:
            sink = getattr(_local, "sink", None)
            if sink is not None:
                sink.bar(cur_iter, total_iters)
            elif self.fallback is not None:
                self.fallback.progress_bar(cur_iter, total_iters, prefix, suffix, bar_length)

    with _router_lock:
        current = EspLog.instance
        if type(current).__name__ != "Router":
            EspLog.set_logger(Router(current))
            _rebind_print_once()
        return EspLog.instance


def _rebind_print_once() -> None:
    """A few esptool warnings were bound to its logger at import: send them through the
    shared `log` proxy, so they reach the router too."""
    from esptool import cmds, reset
    from esptool.logger import log

    for once in (reset.ResetStrategy.print_once, getattr(cmds, "_warn_nand_experimental", None)):
        if once is not None:
            once.print_callback = lambda text: log.warn(text)


@contextmanager
def _quiet(progress: Progress | None = None, size: int = 0) -> Iterator[_Sink]:
    import esptool  # noqa: F401  installs esptool's own logger first: ours wraps it

    _router()
    sink = _Sink(progress, size)
    _local.sink = sink
    try:
        yield sink
    finally:
        _local.sink = None


# -- talking to the board --------------------------------------------------------------------

# esptool's failures, by what their text says, to the sentence a mentor reads (first match)
_FAILURES: tuple[tuple[str, str], ...] = (
    ("could not open", "esp.port_unavailable"),
    ("failed to connect", "esp.no_answer"),
    ("wrong chip argument", "esp.board_other_chip"),
    ("md5 of file does not match", "esp.verify_failed"),
    ("written flash region is empty", "esp.verify_failed"),
    ("timed out", "esp.lost"),
    ("stream stopped", "esp.lost"),
    ("transfer stopped", "esp.lost"),
    ("invalid head of packet", "esp.lost"),
    ("no more data to read", "esp.lost"),
)


def _failure(error: BaseException, port: str, sink: _Sink, chip: str) -> EspFlashError:
    text = str(error)
    key = next((k for needle, k in _FAILURES if needle in text.lower()), None)
    if key is None:  # a serial error the table does not know: the line went away
        key = "esp.lost" if isinstance(error, OSError) else "esp.failed"
    if key == "esp.lost" and sink.writing:
        key = "esp.lost_writing"
    found = re.search(r"This chip is ([\w-]+)", text)
    detail = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return EspFlashError(t(key, port=port, done=sink.done, total=sink.size, detail=detail,
                           chip=chip_name(chip), found=found.group(1) if found else "?"))


def _connect(port: str, chip: str, attempts: int) -> Any:
    """esptool's connection (reset into the bootloader, sync, find the chip). On failure
    the port is closed at once: esptool leaves some failures' ports open (and exclusive)."""
    from esptool.cmds import detect_chip
    from esptool.targets import CHIP_DEFS

    if chip == "auto":
        return detect_chip(port, ROM_BAUD, "default-reset", False, attempts)
    esp = CHIP_DEFS[chip](port, ROM_BAUD)
    try:
        esp.connect("default-reset", attempts)
    except BaseException:
        esp._port.close()
        raise
    return esp


def _errors() -> tuple[type[BaseException], ...]:
    import serial
    from esptool.util import FatalError

    return (FatalError, serial.SerialException, OSError, struct.error)


@contextmanager
def _board(port: str, chip: str, attempts: int, sink: _Sink, want: str | None) -> Iterator[Any]:
    """An esptool connection running the flasher stub, closed afterwards; any esptool
    failure becomes one EspFlashError sentence."""
    from esptool.cmds import attach_flash, reset_chip, run_stub

    if chip != "auto" and chip not in OFFSETS:
        raise EspFlashError(t("esp.chip_unsupported", chip=chip_name(chip)))
    esp = None
    try:
        esp = _connect(port, chip, attempts)
        found = _chip_key(esp.CHIP_NAME)
        if want is not None and found != want:
            reset_chip(esp, "hard-reset")  # back to what it ran before
            raise EspFlashError(t("esp.wrong_chip", image_chip=chip_name(want),
                                  board_chip=esp.CHIP_NAME))
        if found not in OFFSETS:
            raise EspFlashError(t("esp.chip_unsupported", chip=esp.CHIP_NAME))
        esp = run_stub(esp)
        attach_flash(esp)
        yield esp
    except _errors() as error:
        # without its traceback the error no longer holds esptool's objects (and with
        # them a port esptool left open): they are freed, and the port closed, right away
        raise _failure(error, port, sink, chip) from error.with_traceback(None)
    finally:
        if esp is not None:
            with suppress(Exception):  # the port may already be gone with the board
                esp._port.close()


def write_image(
    port: str,
    image: str | Path | ImageInfo,
    *,
    chip: str = "auto",
    progress: Progress | None = None,
    baud: int = 460800,
    connect_attempts: int = 7,
) -> WriteResult:
    """Write the image at its chip's offset, verify it (MD5), then reset the board.

    `progress(done, total)` is called with image bytes as the write goes on.
    """
    from esptool.cmds import reset_chip, write_flash

    info = _as_info(image)
    started = time.monotonic()
    with _quiet(progress, info.size) as sink, \
            _board(port, chip, connect_attempts, sink, info.chip) as esp:
        if baud != ROM_BAUD:
            esp.change_baud(baud)
        sink.writing = True
        write_flash(esp, [(info.offset, info.data)])  # erases, writes, then checks the MD5
        sink.bar(1, 1)
        reset_chip(esp, "hard-reset")
    return WriteResult(chip=info.chip, offset=info.offset, bytes=info.size,
                       seconds=time.monotonic() - started)


def image_present(
    port: str,
    image: str | Path | ImageInfo,
    *,
    chip: str = "auto",
    connect_attempts: int = 7,
) -> bool:
    """Whether the board's flash holds exactly this image at its offset (then reset)."""
    from esptool.cmds import reset_chip

    info = _as_info(image)
    with _quiet(None, info.size) as sink, \
            _board(port, chip, connect_attempts, sink, info.chip) as esp:
        found = esp.flash_md5sum(info.offset, len(_padded(info.data)))
        reset_chip(esp, "hard-reset")
    return bool(found == info.md5)
