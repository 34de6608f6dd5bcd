"""An independent, bit-by-bit reference of the wire encoding (no code shared with either
codec), used by the vector and fuzz tests to check both."""

from __future__ import annotations

from dojokit.protocol import Frame


def crc_ref(data: bytes) -> int:
    """CRC-16/GENIBUS, bit by bit."""
    c = 0xFFFF
    for b in data:
        c ^= b << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x1021) if c & 0x8000 else c << 1
            c &= 0xFFFF
    return c ^ 0xFFFF


def spell(raw: bytes) -> bytes:
    """The 6-bit text of raw bytes: MSB first, last digit zero-padded, digit d = 0x30 + d."""
    nbits = len(raw) * 8
    ndig = (nbits + 5) // 6
    v = int.from_bytes(raw, "big") << (ndig * 6 - nbits)
    return bytes(0x30 + ((v >> (6 * (ndig - 1 - i))) & 63) for i in range(ndig))


def raw_of(f: Frame) -> bytes:
    """kind, seq, payload and the reference CRC."""
    raw = bytes((f.kind, f.seq)) + f.payload
    return raw + crc_ref(raw).to_bytes(2, "big")


def wire_ref(kind: int, seq: int, payload: bytes) -> bytes:
    """A frame's wire bytes, spelled by the reference."""
    return b"~" + spell(raw_of(Frame(kind, seq, payload))) + b"\n"
