"""The host half of a simulated board's REPL: MicroPython's byte protocol on the serial line.

A board's REPL reads the serial line byte by byte (shared/runtime/pyexec.c in MicroPython):
the friendly REPL (`>>> `, echo, a line at a time), the raw REPL (Ctrl-A; code then Ctrl-D,
`OK`, output, `\\x04`, error text, `\\x04`, `>`), raw-paste mode (`\\x05A\\x01`, with flow
control) and soft reboot (Ctrl-D). Here that byte protocol runs on the host, inside the
guest's `repl` host call, and the code itself runs in the guest's real MicroPython
(guest_repl.py, the other half): the call returns the next block of code, and the guest's
next call says how the block ended.

`Reboot` raised from a host call ends the wasm instance; the guest boots a fresh one (a soft
reboot keeps the REPL's mode, as a board does: raw stays raw and does not run main.py).
"""

from __future__ import annotations

import threading
from typing import Protocol

CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = 1, 2, 3, 4, 5
RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
SOFT_REBOOT = b"MPY: soft reboot\r\n"
MACHINE = "dojokit simulator with WASI"
# raw-paste flow control: MicroPython's stdin buffer is 256 bytes, the window half of it
PASTE_BUFFER = 256
# a host call's reply holds at most 512 bytes (guest.py): a code block goes in parts of this
# many characters (at most 4 bytes each in UTF-8) plus a mode character
PART_CHARS = 120
_COMPOUND = ("if", "while", "for", "try", "with", "def", "class", "async")


class Reboot(Exception):
    """Raised inside a host call: the board boots again (hard: like power, runs main.py)."""

    def __init__(self, hard: bool) -> None:
        super().__init__("hard reset" if hard else "soft reboot")
        self.hard = hard


class Stopped(Exception):
    """The line's owner is stopping the board while the REPL waits for input."""


class Line(Protocol):
    """What the REPL needs of the guest: its received bytes and a way to send."""

    _cond: threading.Condition
    _rx: bytearray
    _stopping: bool

    def emit(self, data: bytes) -> None: ...


def cooked(data: bytes) -> bytes:
    """A board's stdout turns every newline into CR LF."""
    return data.replace(b"\n", b"\r\n")


def board_traceback(text: str, boot: bool = False) -> str:
    """A traceback as a board shows it: without the simulator's own frames (the REPL's
    loop in /port; for main.py's end, the boot code's frame, the first)."""
    lines = [ln for ln in text.splitlines(keepends=True) if not ln.startswith('  File "/port/')]
    if boot and len(lines) > 2 and lines[0].startswith("Traceback") and \
            lines[1].startswith('  File "<stdin>"'):
        del lines[1]
    return "".join(lines)


def continues(text: str) -> bool:
    """Does this friendly-REPL input need another line (MicroPython's
    mp_repl_continue_with_input)? Open brackets or triple quotes, a trailing backslash, or
    a compound statement whose last line is not empty."""
    if not text:
        return False
    first = text.lstrip().split(None, 1)[0] if text.strip() else ""
    compound = text.startswith("@") or first.rstrip(":") in _COMPOUND
    depth, quote, i, n = 0, "", 0, len(text)
    while i < n:
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif text.startswith(quote, i):
                i += len(quote) - 1
                quote = ""
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith(('"""', "'''"), i):
            quote = text[i:i + 3]
            i += 2
        elif c in "'\"":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        i += 1
    if quote in ('"""', "'''") or depth > 0 or text.endswith("\\"):
        return True
    return compound and not text.endswith("\n")


class Repl:
    """The REPL's byte protocol for one board (it outlives the board's wasm instances)."""

    def __init__(self, line: Line) -> None:
        self.line = line
        self.raw = False  # the mode survives a soft reboot, as on a board
        self.version = "MicroPython"
        self._buf = bytearray()
        self._parts: list[str] = []
        self._mode = "s"
        self._ending = ""  # how the running block's end is shown: "raw", "paste", "friendly"
        self._banner_due = False

    # -- host calls ----------------------------------------------------------------------
    def call(self, payload: bytes) -> bytes:
        """The guest's `repl` host call: how the last block ended; returns the next block
        ("s" single input, "f" file input; "S"/"F" when more parts follow)."""
        text = payload.decode("utf-8", "replace")
        kind, rest = text[:1], text[1:]
        if kind == "+":
            return self._next_part()
        if kind in ("b", "B"):
            self._start(kind, rest)
        elif kind == "x":  # SystemExit: a board soft-reboots
            self._end("")
            raise self._reboot(hard=False)
        else:
            self._end(rest if kind == "e" else "")
        mode, code = self._read_block()
        self._parts = [code[i:i + PART_CHARS] for i in range(0, len(code), PART_CHARS)] or [""]
        self._mode = mode
        return self._next_part()

    def machine(self, payload: bytes) -> bytes:
        """machine.reset() and machine.soft_reset()."""
        if payload == b"hard":
            self.raw = False
            raise self._reboot(hard=True)
        raise self._reboot(hard=False)

    def _reboot(self, hard: bool) -> Reboot:
        # bytes read ahead go back on the line: they are for whatever runs after the boot
        # (frames for main.py, say)
        line = self.line
        with line._cond:
            line._rx[:0] = self._buf
        self._buf.clear()
        return Reboot(hard)

    # -- output --------------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        self.line.emit(data)

    def banner(self) -> bytes:
        return (f"{self.version}; {MACHINE}\r\n"
                'Type "help()" for more information.\r\n').encode()

    def _start(self, kind: str, rest: str) -> None:
        # a fresh instance's REPL: after main.py (friendly) or after a soft reboot in raw mode
        if kind == "B":
            fault, _, rest = rest.partition("\0")
            self._emit(cooked(board_traceback(fault, boot=True).encode()))
        # sys.version is "3.4.0; MicroPython v1.27.0 on 2026-06-02"
        self.version = rest.split("; ", 1)[-1]
        if self.raw:
            self._emit(RAW_BANNER)
        else:
            self._banner_due = True

    def _end(self, error: str) -> None:
        err = cooked(board_traceback(error).encode())
        if self._ending in ("raw", "paste"):
            self._emit(b"\x04" + err + b"\x04")
        else:
            self._emit(err)
        self._ending = ""

    def _next_part(self) -> bytes:
        part = self._parts.pop(0)
        more = bool(self._parts)
        mode = self._mode.upper() if more else self._mode
        return (mode + part).encode()

    # -- input ---------------------------------------------------------------------------
    def _byte(self) -> int:
        if not self._buf:
            line = self.line
            with line._cond:
                while not line._rx:
                    if line._stopping:
                        raise Stopped()
                    line._cond.wait(0.5)
                self._buf += line._rx
                line._rx.clear()
        c = self._buf[0]
        del self._buf[0]
        return c

    def _read_block(self) -> tuple[str, str]:
        while True:
            block = self._raw() if self.raw else self._friendly()
            if block is not None:
                return block

    def _raw(self) -> tuple[str, str] | None:
        line = bytearray()
        self._emit(b">")
        while True:
            c = self._byte()
            if c == CTRL_A:
                if len(line) == 2 and line[0] == CTRL_E:
                    if line[1] == ord("A"):
                        return self._raw_paste()
                    self._emit(b"R\x00")  # a raw-paste variant we do not know
                    line.clear()
                    self._emit(b">")
                    continue
                self._emit(RAW_BANNER + b">")
                line.clear()
            elif c == CTRL_B:
                self._emit(b"\r\n")
                self.raw = False
                self._banner_due = True
                return None
            elif c == CTRL_C:
                line.clear()
            elif c == CTRL_D:
                self._emit(b"OK")
                if not line:
                    self._emit(b"\r\n")
                    raise self._reboot(hard=False)
                self._ending = "raw"
                return "f", line.decode("utf-8", "replace")
            else:
                line.append(c)

    def _raw_paste(self) -> tuple[str, str] | None:
        window = PASTE_BUFFER // 2
        # the window size, and a first 0x01: two windows are free
        self._emit(b"R\x01" + window.to_bytes(2, "little") + b"\x01")
        data = bytearray()
        remain = window
        while True:
            c = self._byte()
            if c in (CTRL_C, CTRL_D):
                self._emit(b"\x04")  # the end, seen
                if c == CTRL_C:  # interrupted while sending: as the board reports it
                    self._emit(b"\x04KeyboardInterrupt: \r\n\x04")
                    return None
                self._ending = "paste"
                return "f", data.decode("utf-8", "replace")
            data.append(c)
            remain -= 1
            if remain == 0:
                self._emit(b"\x01")
                remain = window

    def _friendly(self) -> tuple[str, str] | None:
        if self._banner_due:
            self._banner_due = False
            self._emit(self.banner())
        ret, text = self._readline(b">>> ")
        if ret == CTRL_A:
            self._emit(b"\r\n" + RAW_BANNER)
            self.raw = True
            return None
        if ret == CTRL_B:
            self._emit(b"\r\n")
            self._banner_due = True
            return None
        if ret == CTRL_C:
            self._emit(b"\r\n")
            return None
        if ret == CTRL_D:
            self._emit(b"\r\n")
            raise self._reboot(hard=False)
        if ret == CTRL_E:
            return self._paste()
        if not text:
            return None
        while continues(text):
            ret, more = self._readline(b"... ")
            if ret == CTRL_C:
                self._emit(b"\r\n")
                return None
            if ret == CTRL_D:
                break
            text += "\n" + more
        self._ending = "friendly"
        return "s", text

    def _paste(self) -> tuple[str, str] | None:
        self._emit(b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ")
        data = bytearray()
        while True:
            c = self._byte()
            if c == CTRL_C:
                self._emit(b"\r\n")
                return None
            if c == CTRL_D:
                self._emit(b"\r\n")
                self._ending = "friendly"
                return "f", data.decode("utf-8", "replace").replace("\r", "\n")
            data.append(c)
            self._emit(b"\r\n=== " if c == 13 else bytes([c]))

    def _readline(self, prompt: bytes) -> tuple[int, str]:
        """One line with echo and backspace, as a person types it in a terminal; returns
        (control character or 0, the line)."""
        self._emit(prompt)
        line = bytearray()
        escape = 0  # inside an escape sequence (arrow keys): swallowed
        while True:
            c = self._byte()
            if escape:
                escape = 0 if (escape > 1 and 0x40 <= c <= 0x7E) else escape + 1
                continue
            if c in (CTRL_A, CTRL_B, CTRL_D, CTRL_E) and not line:
                return c, ""
            if c == CTRL_C:
                return c, ""
            if c == 13:
                self._emit(b"\r\n")
                return 0, line.decode("utf-8", "replace")
            if c == 27:
                escape = 1
            elif c in (8, 127):
                if line:
                    # a whole UTF-8 character goes
                    while line and (line.pop() & 0xC0) == 0x80:
                        pass
                    self._emit(b"\x08 \x08")
            elif c >= 32:
                line.append(c)
                self._emit(bytes([c]))

