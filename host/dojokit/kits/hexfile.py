"""One micro:bit hex holding MicroPython and our files, made with micropython-microbit-fs.

The hex is the package's bundled micro:bit V2 MicroPython (nothing is downloaded) with the
build's files (main.py, the .mpy firmware, kit.txt, name.txt) in its file system, so one
copy to the MICROBIT drive flashes MicroPython, the firmware, the kit profile and the
identity together. The build's size is checked against FS_BUDGET before any hex is made.
"""

from __future__ import annotations

from functools import cache

from dojokit.i18n import Sentence

__all__ = ["FS_BUDGET", "HexError", "check_fits", "files_in_hex", "fs_size", "microbit_hex"]

#: what we promise fits on a micro:bit: the issue's 20 KB (HARDWARE.md: the V2 file system
#: holds about 24-31 KB, depending on the MicroPython build; this leaves room to grow)
FS_BUDGET = 20 * 1024


class HexError(Sentence):
    """A build that cannot become a micro:bit hex; str() is one translated sentence."""


@cache
def _micropython_hex() -> str:
    import micropython_microbit_fs as mfs

    return mfs.get_bundled_hex(2).content  # the newest bundled V2 MicroPython (1.18 core)


def fs_size(files: dict[str, bytes]) -> int:
    """Bytes the files take in the micro:bit's file system (whole 128-byte chunks, with
    each file's name and header)."""
    from micropython_microbit_fs.filesystem import calculate_file_size

    return sum(calculate_file_size(name, data) for name, data in files.items())


def _kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def check_fits(files: dict[str, bytes], budget: int = FS_BUDGET) -> int:
    """The build's file-system size; HexError (one sentence naming both sizes) if it is
    over the budget."""
    size = fs_size(files)
    if size > budget:
        raise HexError("identity.hex_too_big", size=_kb(size), budget=_kb(budget))
    return size


def microbit_hex(files: dict[str, bytes]) -> str:
    """The Intel hex text to copy to a micro:bit V2's drive. Checks the size first."""
    import micropython_microbit_fs as mfs

    check_fits(files)
    for name, data in files.items():
        if not data or "/" in name or len(name) > 120:
            raise HexError("identity.hex_bad_file", name=name)
    try:
        return mfs.add_files(_micropython_hex(), [mfs.File(n, d) for n, d in files.items()])
    except mfs.StorageFullError as e:  # the budget above is smaller than the file system
        raise HexError("identity.hex_too_big", size=_kb(fs_size(files)),
                       budget=_kb(FS_BUDGET)) from e


def files_in_hex(hex_text: str) -> dict[str, bytes]:
    """The files in a MicroPython hex's file system (HexError if it is not one)."""
    import micropython_microbit_fs as mfs

    try:
        return {f.name: f.content for f in mfs.get_files(hex_text)}
    except (mfs.FilesystemError, ValueError, KeyError, IndexError) as e:  # any broken hex
        raise HexError("identity.hex_unreadable") from e
