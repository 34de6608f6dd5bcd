"""Put a build's files onto a board that runs MicroPython, over its raw REPL.

The write is made so that an interruption shows at the next run: the manifest
(``MANIFEST``: one line per file, name, size and CRC-32) is removed first and written last.
A board whose manifest is missing or names other files than the build was interrupted, or
holds another version: it gets every file again. Files of an older build that the new one
no longer has are removed; nothing else on the board is touched (an ESP32's boot.py stays).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

from dojokit.kits.rawrepl import RawRepl, ReplError

MANIFEST = "dojokit.txt"

Progress = Callable[[int], None]


def manifest_text(files: dict[str, bytes]) -> bytes:
    """One line per file, sorted: ``name size crc32``."""
    lines = (f"{n} {len(d)} {zlib.crc32(d):08x}\n" for n, d in sorted(files.items()))
    return "".join(lines).encode()


def parse_manifest(text: bytes | None) -> dict[str, tuple[int, str]]:
    """name -> (size, crc) from a manifest's text; {} for none or a damaged one."""
    out: dict[str, tuple[int, str]] = {}
    if not text:
        return out
    for line in text.decode("utf-8", "replace").splitlines():
        w = line.split()
        if len(w) != 3 or not w[1].isdigit():
            return {}
        out[w[0]] = (int(w[1]), w[2])
    return out


@dataclass(frozen=True)
class BoardFiles:
    """What a board running MicroPython holds, as far as we wrote it."""

    manifest: dict[str, tuple[int, str]]
    names: list[str]
    sizes: dict[str, int]

    @property
    def complete(self) -> bool:
        """Every file the manifest names is there with its size: the last write ended."""
        return bool(self.manifest) and all(
            self.sizes.get(n) == size for n, (size, _) in self.manifest.items())


_SIZES = ("import os\n"
          "def _s(n):\n"
          " try:\n  return os.size(n)\n"
          " except AttributeError:\n  return os.stat(n)[6]\n"
          "print(repr([(n,_s(n)) for n in os.listdir()]))\n"
          "del _s\n")


def board_files(repl: RawRepl) -> BoardFiles:
    import ast

    sizes = dict(ast.literal_eval(repl.exec(_SIZES).decode().strip()))
    manifest = parse_manifest(repl.read_file(MANIFEST)) if MANIFEST in sizes else {}
    return BoardFiles(manifest, sorted(sizes), sizes)


def deploy(repl: RawRepl, files: dict[str, bytes], progress: Progress | None = None) -> None:
    """Write every file, then the manifest; the raw REPL must be entered. Raises ReplError."""
    before = board_files(repl)
    repl.remove(MANIFEST)  # from here until the end, the board reads as interrupted
    for name in sorted(set(before.manifest) - set(files)):
        repl.remove(name)
    for name in write_order(files):
        repl.write_file(name, files[name], progress)
    after = board_files(repl)
    short = [n for n, d in files.items() if after.sizes.get(n) != len(d)]
    if short:
        raise ReplError(f"{', '.join(short)} did not arrive whole")
    repl.write_file(MANIFEST, manifest_text(files))


FIRST = ("kit.txt", "name.txt")  # what the board is: known even after a cut write
LAST = "main.py"  # without it the board never boots half a firmware (it waits at the REPL)


def write_order(files: dict[str, bytes]) -> list[str]:
    rest = sorted(n for n in files if n not in FIRST and n != LAST)
    return [n for n in FIRST if n in files] + rest + ([LAST] if LAST in files else [])


def total_bytes(files: dict[str, bytes]) -> int:
    return sum(len(d) for d in files.values())
