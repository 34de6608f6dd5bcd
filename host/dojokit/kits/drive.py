"""The MICROBIT drive that goes with a micro:bit's serial port, and copying a hex onto it.

A micro:bit's interface chip (DAPLink) shows a USB drive holding DETAILS.TXT. Its
"Unique ID:" line is the same text as the USB serial number of the board's serial port
(DAPLink uses one unique id for both; it starts with the 4-digit board id, 9904 for a
micro:bit V2), so with several micro:bits plugged in, the drive is found by the port's
serial number and the right drive goes with the right port. The drive's folder name
(MICROBIT, MICROBIT1, ...) says nothing about which board it is.

Drives are looked for in the usual mount places of Linux, macOS and Windows, plus the
folders in $DOJOKIT_DRIVES (os.pathsep-separated; each subfolder is a drive), which is how
the tests and `dojokit sim serve` show simulated drives.
"""

from __future__ import annotations

import os
import string
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dojokit.i18n import Sentence

__all__ = [
    "DETAILS",
    "Drive",
    "DriveError",
    "copy_hex",
    "drive_roots",
    "find_drive",
    "list_drives",
    "read_details",
]

DETAILS = "DETAILS.TXT"
HEX_NAME = "dojokit.hex"
CHUNK = 64 * 1024  # bytes per write; each is synced to the drive, as a file manager does


class DriveError(Sentence):
    """A copy that did not work; str() is one translated sentence."""


@dataclass(frozen=True)
class Drive:
    path: Path
    unique_id: str  # DAPLink's unique id: the USB serial number of the same board
    details: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def board_id(self) -> str:
        """The DAPLink board id (9904: micro:bit V2.0)."""
        return self.unique_id[:4].upper()

    @property
    def interface_version(self) -> str | None:
        """DAPLink's version ("0255"); old DAPLinks (0234) write "Version:"."""
        d = self.details
        return d.get("Interface Version") or d.get("Version")


def read_details(folder: Path) -> dict[str, str]:
    """DETAILS.TXT's "Key: value" lines ({} if the folder has none, or it cannot be read)."""
    try:
        raw = (folder / DETAILS).read_text(encoding="ascii", errors="replace")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for line in raw.splitlines():
        if ":" in line and not line.startswith("#"):
            k, _, v = line.partition(":")
            out.setdefault(k.strip(), v.strip())
    return out


def _system_roots() -> list[Path]:
    if sys.platform == "win32":
        return []  # drive letters are drives themselves (_windows_drives)
    if sys.platform == "darwin":
        return [Path("/Volumes")]
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    roots = [Path("/media") / user, Path("/run/media") / user] if user else []
    return [*roots, Path("/media"), Path("/mnt")]


def drive_roots() -> list[Path]:
    """Folders whose subfolders may be drives: $DOJOKIT_DRIVES first, then the system's."""
    extra = [Path(p) for p in os.environ.get("DOJOKIT_DRIVES", "").split(os.pathsep) if p]
    return [*extra, *_system_roots()]


def _windows_drives() -> list[Path]:
    if sys.platform != "win32":
        return []
    import ctypes

    mask = ctypes.windll.kernel32.GetLogicalDrives()  # type: ignore[attr-defined]
    # A: and B: are floppy letters; asking an empty one can stall
    return [Path(f"{c}:\\") for i, c in enumerate(string.ascii_uppercase)
            if mask >> i & 1 and c not in "AB"]


def _candidates() -> Iterator[Path]:
    seen: set[Path] = set()
    for root in drive_roots():
        try:
            subs = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:  # missing, or not ours to read
            continue
        for p in subs:
            if p not in seen:
                seen.add(p)
                yield p
    yield from _windows_drives()


def list_drives() -> list[Drive]:
    """Every DAPLink drive that can be seen (a folder with DETAILS.TXT and a Unique ID)."""
    out = []
    for p in _candidates():
        d = read_details(p)
        uid = d.get("Unique ID")
        if uid:
            out.append(Drive(p, uid, d))
    return out


def find_drive(serial_number: str | None) -> Path | None:
    """The drive of the board whose USB serial number is `serial_number` (None if that
    board shows no drive)."""
    if not serial_number:
        return None
    want = serial_number.strip().casefold()
    for d in list_drives():
        if d.unique_id.casefold() == want:
            return d.path
    return None


def copy_hex(
    drive: Path,
    hex_text: str,
    progress: Callable[[int, int], None] | None = None,
    name: str = HEX_NAME,
) -> int:
    """Copy the hex onto the drive in chunks, each synced, calling progress(done, total);
    returns the bytes written. The board flashes itself when the copy is complete."""
    data = hex_text.encode("ascii")
    total = len(data)
    target = Path(drive) / name
    try:
        with open(target, "wb") as f:
            for start in range(0, total, CHUNK):
                f.write(data[start:start + CHUNK])
                f.flush()
                os.fsync(f.fileno())
                if progress:
                    progress(min(start + CHUNK, total), total)
    except OSError as e:
        raise DriveError("identity.drive_copy_failed", drive=drive,
                         why=e.strerror or e) from e
    return total
