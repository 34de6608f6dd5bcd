"""A small raw-REPL client: run code and copy files on a board that runs MicroPython.

mpremote says its Python API is not stable, so the mentor tools keep their own client of the
protocol every MicroPython port speaks on its USB serial line (HARDWARE.md, "Deploying"):

- ``\\r\\x03`` interrupts what runs (our firmware too: frames never hold 0x03 or 0x04);
- ``\\r\\x01`` enters the raw REPL, which answers ``raw REPL; CTRL-B to exit\\r\\n>``;
- code then ``\\x04`` runs it; the board answers ``OK``, the output, ``\\x04``, the error text,
  ``\\x04`` and the next ``>``;
- raw-paste mode (``\\x05A\\x01``, answered ``R\\x01`` and a window size) lets the board say how
  much it can take before it compiles, so code streams at the line's full rate instead of in
  paced chunks. Boards that answer otherwise get the plain raw mode.

Files travel as text the board turns back into bytes with one small helper (``_W``): a byte
that is safe inside a Python string literal goes as itself, any other as the character
0x100 + byte (two bytes on the wire). Compiled ``.mpy`` files cost about 1.3 wire bytes a byte
this way, where ``repr`` of bytes costs about 2.5.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import serial

from dojokit.kits.ports import open_exclusive

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
CHUNK = 1024  # file bytes per exec: small enough for a micro:bit's heap with our firmware off

Progress = Callable[[int], None]


class ReplError(Exception):
    """The board did not behave as a MicroPython REPL (no prompt, a time-out, the line went
    away). The message says what was expected."""


class ReplExecError(ReplError):
    """The code ran and raised: ``error`` is the board's traceback text."""

    def __init__(self, error: str) -> None:
        super().__init__(error.strip().splitlines()[-1] if error.strip() else "error")
        self.error = error


def _safe(b: int) -> bool:
    return 0x20 <= b < 0x7F and b not in (0x27, 0x5C)  # printable, not ' or \


def encode_bytes(data: bytes) -> str:
    """The text `_W` on the board turns back into `data` (see the module docstring)."""
    return "".join(chr(b) if _safe(b) else chr(0x100 | b) for b in data)


_HELPER = "def _W(s):\n _f.write(bytes(ord(c)&255 for c in s))\n"


class RawRepl:
    """One board's raw REPL on a serial port. Synchronous: the flasher runs each board on a
    thread of its own (esptool is synchronous too)."""

    def __init__(self, port: str | serial.Serial, timeout: float = 10.0) -> None:
        self._own = isinstance(port, str)
        self.ser = open_exclusive(port, timeout=0) if isinstance(port, str) else port
        self.timeout = timeout
        self.raw_paste = True
        self.sent = 0  # bytes written to the line, for rates
        self._got = bytearray()  # read from the line, not yet taken

    def close(self) -> None:
        if self._own:
            self.ser.close()

    def __enter__(self) -> RawRepl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the line ----------------------------------------------------------------------
    def _write(self, data: bytes) -> None:
        self.ser.write(data)
        self.sent += len(data)

    def _fill(self, deadline: float) -> bool:
        """Read what the line has (waiting at most until `deadline`); False on time-out."""
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        self.ser.timeout = min(left, 0.2)
        self._got += self.ser.read(max(1, min(self.ser.in_waiting, 4096)))
        return True

    def _read_until(self, end: bytes, timeout: float | None = None) -> bytes:
        """Everything up to and including `end`; what came after stays for the next read."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while (i := self._got.find(end)) < 0:
            if not self._fill(deadline):
                raise ReplError(f"no {end!r} from the board in time "
                                f"(got {bytes(self._got[-60:])!r})")
        out = bytes(self._got[:i + len(end)])
        del self._got[:i + len(end)]
        return out

    def _read_exact(self, n: int) -> bytes:
        deadline = time.monotonic() + self.timeout
        while len(self._got) < n:
            if not self._fill(deadline):
                raise ReplError("the board stopped answering")
        out = bytes(self._got[:n])
        del self._got[:n]
        return out

    def _drain(self, quiet: float = 0.1) -> None:
        """Forget everything until the line has been quiet for `quiet` seconds."""
        self._got.clear()
        self.ser.timeout = quiet
        while self.ser.read(4096):
            pass

    # -- modes -------------------------------------------------------------------------
    def enter(self, attempts: int = 3, timeout: float = 3.0) -> None:
        """Interrupt whatever runs and enter the raw REPL."""
        for _ in range(attempts):
            self._write(b"\r\x03\x03")
            self._drain(0.05)
            self._write(b"\r\x01")
            try:
                self._read_until(RAW_BANNER + b">", timeout)
                return
            except ReplError:
                continue
        raise ReplError("the board does not answer as a MicroPython REPL")

    def leave(self) -> None:
        self._write(b"\r\x02")

    def reset(self) -> None:
        """A hard reset from inside (machine.reset): the board boots main.py again."""
        self._send(b"import machine\nmachine.reset()\n")
        self._drain(0.3)

    # -- running code ------------------------------------------------------------------
    def exec(self, code: str | bytes, timeout: float | None = None) -> bytes:
        """Run `code`; its output, or ReplExecError with the board's traceback."""
        self._send(code.encode() if isinstance(code, str) else code)
        out = self._read_until(b"\x04", timeout)[:-1]
        err = self._read_until(b"\x04", timeout)[:-1]
        self._read_until(b">", timeout)
        if err:
            raise ReplExecError(err.decode("utf-8", "replace"))
        return out

    def _send(self, code: bytes) -> None:
        if self.raw_paste:
            self._write(b"\x05A\x01")
            head = self._read_exact(2)
            if head == b"R\x01":
                self._paste(code)
                return
            self.raw_paste = False
            if head != b"R\x00":  # an old port: it printed the banner again
                self._read_until(RAW_BANNER + b">")
        for i in range(0, len(code), 256):  # the plain raw mode: paced, as boards need
            self._write(code[i:i + 256])
            time.sleep(0.01)
        self._write(b"\x04")
        if self._read_exact(2) != b"OK":
            raise ReplError("the board did not accept the code")

    def _paste(self, code: bytes) -> None:
        window = int.from_bytes(self._read_exact(2), "little")
        room, i = window, 0
        while i < len(code):
            while room == 0 or self._got or self.ser.in_waiting:
                b = self._read_exact(1)
                if b == b"\x01":
                    room += window
                elif b == b"\x04":  # the board ended the paste early (a syntax error)
                    self._write(b"\x04")
                    return
                else:
                    raise ReplError(f"unexpected {b!r} from the board while sending code")
            part = code[i:i + room]
            self._write(part)
            room -= len(part)
            i += len(part)
        self._write(b"\x04")
        self._read_until(b"\x04")  # the board has all of it

    # -- files -------------------------------------------------------------------------
    def write_file(self, name: str, data: bytes, progress: Progress | None = None) -> None:
        """Write one file (replacing it), in chunks; `progress(n)` after each chunk."""
        self.exec(f"{_HELPER}_f=open({name!r},'wb')")
        for i in range(0, len(data), CHUNK):
            part = data[i:i + CHUNK]
            self.exec("_W('" + encode_bytes(part) + "')")
            if progress:
                progress(len(part))
        self.exec("_f.close()\ndel _f,_W")

    def read_file(self, name: str) -> bytes | None:
        """A small text file's bytes, or None when there is none."""
        out = self.exec(
            f"try:\n with open({name!r},'rb') as _f:print(repr(_f.read()))\n"
            "except OSError:\n print(None)\n")
        text = out.decode("utf-8", "replace").strip()
        if text == "None":
            return None
        import ast

        value = ast.literal_eval(text)
        return value if isinstance(value, bytes) else None

    def remove(self, name: str) -> None:
        self.exec(f"import os\ntry:\n os.remove({name!r})\nexcept OSError:\n pass\n")

    def listdir(self) -> list[str]:
        import ast

        out = self.exec("import os\nprint(os.listdir())")
        names = ast.literal_eval(out.decode().strip())
        return [str(n) for n in names]
