"""Framing of the dojokit wire protocol (host side). Specified in docs/protocol.md.

A frame on the wire is::

    "~"  6-bit text of [kind, seq, payload (0-9 bytes), crc16 (big-endian)]  "\\n"

Each 6-bit group, most significant bits first, is sent as the byte ``0x30 + group`` ("0".."o").
The last group is padded with zero bits. A frame is 8-20 bytes long and, besides "~" and the
line end, only holds bytes 0x30-0x6F: never 0x03 (Ctrl-C) or 0x04 (Ctrl-D), so the MicroPython
REPL stays reachable, and it fits one 20-byte BLE notification and one micro:bit radio packet.

This module mirrors ``firmware/dk_proto.py`` exactly: both accept and refuse the same byte
streams (``tests/vectors/protocol.json`` and ``tests/test_protocol_fuzz.py`` check it).
"""

from __future__ import annotations

import re
from binascii import a2b_base64, b2a_base64, crc_hqx
from dataclasses import dataclass

__all__ = [
    "BASE",
    "EOL",
    "MAX_CHARS",
    "MAX_FRAME",
    "MAX_PAYLOAD",
    "MAX_RAW",
    "MIN_FRAME",
    "SOF",
    "Frame",
    "FrameDecoder",
    "crc16",
    "encode_frame",
]

SOF = 0x7E
""""~": starts a frame (and abandons an unfinished one)."""
EOL = 0x0A
""""\\n": ends a frame. A "\\r" (0x0D) also ends a frame."""
BASE = 0x30
"""6-bit digit d travels as the byte BASE + d: "0" (0x30) .. "o" (0x6F)."""
MAX_PAYLOAD = 9
"""Largest payload in bytes."""
MAX_RAW = MAX_PAYLOAD + 4
"""kind + seq + payload + 2 CRC bytes."""
MAX_CHARS = (MAX_RAW * 8 + 5) // 6
"""18 digits between "~" and the line end, at most."""
MAX_FRAME = MAX_CHARS + 2
"""20 bytes on the wire, at most: one BLE notification at the default MTU."""
MIN_FRAME = (4 * 8 + 5) // 6 + 2
"""8 bytes on the wire, at least (empty payload)."""

_CR = 0x0D
_DIGITS = bytes(range(BASE, BASE + 64))
_B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# The 6-bit text is base64 with another alphabet (same bit order, same zero padding), so
# binascii does the bit shuffling in C; the padding and length rules are checked here.
_TO_B64 = bytes.maketrans(_DIGITS, _B64)
_FROM_B64 = bytes.maketrans(_B64, _DIGITS)
_RUN = re.compile(rb"[\x30-\x6f]*")
_PAD = (b"", b"", b"==", b"=")  # indexed by len(chars) % 4 (1 never reaches a2b_base64)


def crc16(data: bytes) -> int:
    """CRC-16/GENIBUS: poly 0x1021, init 0xFFFF, no reflection, final xor 0xFFFF.

    The check value of b"123456789" is 0xD64E. The final xor is what makes a valid frame
    followed by a zero byte invalid (protocol 1 had none; see docs/protocol.md).
    """
    return crc_hqx(data, 0xFFFF) ^ 0xFFFF


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: its kind, its sequence number and its payload (0-9 bytes)."""

    kind: int
    seq: int
    payload: bytes

    def encode(self) -> bytes:
        """The frame's wire bytes (see :func:`encode_frame`)."""
        return encode_frame(self.kind, self.seq, self.payload)


def encode_frame(kind: int, seq: int, payload: bytes = b"") -> bytes:
    """Wire bytes of one frame: "~", the 6-bit text of kind, seq, payload and CRC, "\\n".

    ``kind`` must be 0-255; ``seq`` is taken modulo 256 (as the firmware does); the payload
    holds at most 9 bytes. Raises ValueError otherwise.
    """
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes: at most {MAX_PAYLOAD} fit a frame")
    if not 0 <= kind <= 255:
        raise ValueError(f"kind {kind} is not a byte")
    raw = bytes((kind, seq & 0xFF)) + bytes(payload)
    raw += crc16(raw).to_bytes(2, "big")
    text = b2a_base64(raw, newline=False).rstrip(b"=").translate(_FROM_B64)
    return b"~" + text + b"\n"


def _unpack(chars: bytes) -> Frame | None:
    """The frame held by the digits between "~" and the line end, or None if damaged."""
    c = len(chars)
    n = c * 6 // 8
    # the length must be canonical (ceil(8n/6) digits for n bytes, so fewer than 6 spare
    # bits) and the spare bits of the last digit must be zero: one frame, one spelling
    if n < 4 or c != (n * 8 + 5) // 6:
        return None
    spare = c * 6 - n * 8
    if spare and (chars[-1] - BASE) & ((1 << spare) - 1):
        return None
    raw = a2b_base64(chars.translate(_TO_B64) + _PAD[c & 3])
    if crc16(raw[:-2]) != int.from_bytes(raw[-2:], "big"):
        return None
    return Frame(raw[0], raw[1], raw[2:-2])


class FrameDecoder:
    """Turns a byte stream, cut into chunks anyhow, into frames.

    Bytes outside frames (boot banners, tracebacks, prints) are skipped and counted in
    ``noise``. A frame that is damaged is dropped and counted in ``damaged``: a bad CRC,
    a non-canonical length or non-zero padding bits, a byte other than a digit or the line
    end inside the frame, more than 18 digits, or a new "~" before the line end (the old
    frame is damaged, the new one starts). The byte that breaks a frame is not noise.
    The rules are those of the firmware's ``dk_proto.Decoder``.
    """

    __slots__ = ("_part", "damaged", "noise")

    def __init__(self) -> None:
        self.noise = 0
        self.damaged = 0
        self._part: bytes | None = None  # digits of an unfinished frame; None: outside

    @property
    def in_frame(self) -> bool:
        """True while a frame has started and not ended yet."""
        return self._part is not None

    def reset(self) -> None:
        """Forget an unfinished frame (counters are kept)."""
        self._part = None

    def feed(self, data: bytes) -> list[Frame]:
        """Feed the next bytes of the stream; returns the frames they complete, in order."""
        if not isinstance(data, bytes):
            data = bytes(data)
        frames: list[Frame] = []
        end = len(data)
        pos = 0
        part = self._part
        if part is not None:
            self._part = None
            pos = self._frame(data, 0, part, frames)
        find = data.find
        while pos < end:
            sof = find(b"~", pos)
            if sof < 0:
                self.noise += end - pos
                break
            self.noise += sof - pos
            pos = self._frame(data, sof + 1, b"", frames)
        return frames

    def _frame(self, data: bytes, start: int, part: bytes, frames: list[Frame]) -> int:
        # Digits of a frame start at `start` (after `part`, the digits of earlier chunks).
        # Returns where the stream continues outside this frame.
        run = _RUN.match(data, start)
        stop = run.end() if run else start
        room = MAX_CHARS - len(part)
        if stop - start > room:
            self.damaged += 1  # the 19th digit breaks the frame; the rest is noise
            return start + room + 1
        if stop == len(data):
            self._part = part + data[start:stop]
            return stop
        b = data[stop]
        if b in (EOL, _CR):
            frame = _unpack(part + data[start:stop] if part else data[start:stop])
            if frame is None:
                self.damaged += 1
            else:
                frames.append(frame)
            return stop + 1
        self.damaged += 1
        return stop if b == SOF else stop + 1
