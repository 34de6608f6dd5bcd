"""Authenticated radio packets between a host (through its bridge) and a micro:bit robot.

The host-side mirror of firmware/dk_radio.py; tests/vectors/radio_packet.json holds the vectors
both must agree on. A packet is

    pair (1) | counter (4, big-endian) | frame (4..13: the protocol's raw frame) | tag (4)

The tag is a CBC-MAC with Speck32/64 (the published lightweight block cipher, 16-bit words, so
the micro:bit computes it with small ints only) over the message

    len(frame) (1) | direction (1) | pair (1) | counter (4) | frame | zero padding to 4 bytes

The leading length makes the messages prefix-free (plain CBC-MAC is forgeable on messages of
different lengths); the direction byte stops a packet from being reflected back to its sender.
Packets are authenticated, not encrypted: docs/security.md has the threat model.
"""

from __future__ import annotations

import secrets
import time
from enum import IntEnum

__all__ = [
    "COUNTER_MAX",
    "FRAME_AT",
    "HOST",
    "KEY_BYTES",
    "MAX_FRAME",
    "MAX_PACKET",
    "MIN_FRAME",
    "MIN_PACKET",
    "ROBOT",
    "WINDOW",
    "Auth",
    "CounterExhausted",
    "Drop",
    "mac",
    "new_pair_key",
    "session_base",
    "speck_encrypt",
    "speck_expand",
]

HOST = 0  #: direction of a packet the host sends (host -> robot)
ROBOT = 1  #: direction of a packet the robot sends (robot -> host)
KEY_BYTES = 8
FRAME_AT = 5  #: the frame starts after pair and counter
TAG_BYTES = 4
MIN_FRAME = 4  #: kind, seq, crc16
MAX_FRAME = 13  #: kind, seq, 9 payload bytes, crc16
MIN_PACKET = FRAME_AT + MIN_FRAME + TAG_BYTES  # 13
MAX_PACKET = FRAME_AT + MAX_FRAME + TAG_BYTES  # 22
COUNTER_MAX = 0xFFFFFFFF
WINDOW = 8  #: how far behind the highest counter a late (reordered) packet is still taken
ROUNDS = 22
_M16 = 0xFFFF
# host session counters: seconds since this moment, times COUNTER_RATE (see session_base)
COUNTER_EPOCH = 1_767_225_600  # 2026-01-01 00:00 UTC
COUNTER_RATE = 32


class Drop(IntEnum):
    """Why a packet was dropped; the firmware's open() returns minus these."""

    SIZE = 1  #: shorter than 13 or longer than 22 bytes
    PAIR = 2  #: another pair's id (or a corrupted id byte)
    TAG = 3  #: the tag does not match: corrupted, another key, or forged
    REPLAY = 4  #: a counter already taken, or too far behind the highest


class CounterExhausted(RuntimeError):
    """The sending counter reached 2**32 - 1: pair the robot and bridge again."""


def _ror(v: int, r: int) -> int:
    return ((v >> r) | (v << (16 - r))) & _M16


def _rol(v: int, r: int) -> int:
    return ((v << r) | (v >> (16 - r))) & _M16


def speck_expand(key: bytes) -> list[int]:
    """Speck32/64's 22 round keys. The key's 8 bytes are the words l2 l1 l0 k0, big-endian,
    as the published vector writes them (1918 1110 0908 0100)."""
    if len(key) != KEY_BYTES:
        raise ValueError(f"a pair key is {KEY_BYTES} bytes, not {len(key)}")
    w = [int.from_bytes(key[i : i + 2], "big") for i in range(0, 8, 2)]
    k, ls = w[3], [w[2], w[1], w[0]]
    rk = []
    for i in range(ROUNDS):
        rk.append(k)
        nl = ((k + _ror(ls[i], 7)) & _M16) ^ i
        ls.append(nl)
        k = _rol(k, 2) ^ nl
    return rk


def speck_encrypt(rk: list[int], x: int, y: int) -> tuple[int, int]:
    """One Speck32/64 block: the words (x, y) -> (x, y)."""
    for k in rk:
        x = ((_ror(x, 7) + y) & _M16) ^ k
        y = _rol(y, 2) ^ x
    return x, y


def mac(rk: list[int], direction: int, head_and_frame: bytes) -> bytes:
    """The 4-byte tag of pair | counter | frame sent in `direction`."""
    n = len(head_and_frame) - FRAME_AT
    m = bytes((n, direction)) + head_and_frame
    m += bytes(-len(m) % 4)
    x = y = 0
    for i in range(0, len(m), 4):
        x, y = speck_encrypt(
            rk,
            x ^ int.from_bytes(m[i : i + 2], "big"),
            y ^ int.from_bytes(m[i + 2 : i + 4], "big"),
        )
    return x.to_bytes(2, "big") + y.to_bytes(2, "big")


def new_pair_key() -> bytes:
    """A random pair key for `dojokit flash --pair` (never all zero: that is an unset key)."""
    while True:
        key = secrets.token_bytes(KEY_BYTES)
        if any(key):
            return key


def session_base(now: float | None = None, last_used: int | None = None) -> int:
    """The first counter of a new host session: above every counter an earlier session used,
    so a robot that stayed on takes the new session, and recordings of earlier sessions stay
    replays. Time gives COUNTER_RATE counters a second (2**32 lasts until 2030); `last_used`,
    if the host kept it, covers sessions that sent faster than that."""
    t = time.time() if now is None else now
    base = max(1, int((t - COUNTER_EPOCH) * COUNTER_RATE))
    if last_used is not None:
        base = max(base, last_used + 1)
    return min(base, COUNTER_MAX)


class Auth:
    """One end of a pair: seals what it sends in `direction_out`, opens what comes the other
    way. `counter` is the next counter to send."""

    def __init__(self, key: bytes, pair: int, direction_out: int, counter: int = 1) -> None:
        if not 0 <= pair <= 255:
            raise ValueError(f"a pair id is 0-255, not {pair}")
        if direction_out not in (HOST, ROBOT):
            raise ValueError(f"direction is {HOST} (host) or {ROBOT} (robot)")
        if not 0 <= counter <= COUNTER_MAX:
            raise ValueError(f"a counter is 0-{COUNTER_MAX}")
        self.rk = speck_expand(key)
        self.pair = pair
        self.out = direction_out
        self.counter = counter
        self.drops = dict.fromkeys(Drop, 0)
        self.reset_rx()

    def reset_rx(self) -> None:
        """Forget what was received: the next valid packet sets the floor ("trust on first
        packet"; the robot's state after boot, the host's at the start of a session)."""
        self.highest: int | None = None
        self.bits = 0  # bit i: counter highest - 1 - i was taken

    def set_floor(self, counter: int) -> None:
        """Take only counters above `counter` from now on (a floor kept across a restart)."""
        self.highest = counter
        self.bits = 0xFF

    def seal(self, frame: bytes) -> bytes:
        """The packet carrying `frame` (a raw frame of 4-13 bytes); uses up one counter."""
        if not MIN_FRAME <= len(frame) <= MAX_FRAME:
            raise ValueError(f"a raw frame is {MIN_FRAME}-{MAX_FRAME} bytes, not {len(frame)}")
        if self.counter >= COUNTER_MAX:
            raise CounterExhausted("pair the robot and its bridge again")
        head = bytes((self.pair,)) + self.counter.to_bytes(4, "big") + bytes(frame)
        self.counter += 1
        return head + mac(self.rk, self.out, head)

    def open(self, packet: bytes) -> bytes | None:
        """The frame of a valid, fresh packet from the other end; None (and counted in
        `drops`) for anything else."""
        why = self.check(packet)
        if why is not None:
            self.drops[why] += 1
            return None
        return bytes(packet[FRAME_AT:-TAG_BYTES])

    def check(self, packet: bytes) -> Drop | None:
        """Why `packet` is dropped, or None when it is taken (and then marked as seen)."""
        if not MIN_PACKET <= len(packet) <= MAX_PACKET:
            return Drop.SIZE
        if packet[0] != self.pair:
            return Drop.PAIR
        head = bytes(packet[:-TAG_BYTES])
        if mac(self.rk, 1 - self.out, head) != bytes(packet[-TAG_BYTES:]):
            return Drop.TAG
        return self._fresh(int.from_bytes(packet[1:FRAME_AT], "big"))

    def _fresh(self, c: int) -> Drop | None:
        if self.highest is None or c > self.highest:
            d = c - self.highest if self.highest is not None else WINDOW + 1
            self.bits = ((self.bits << d) | (1 << (d - 1))) & 0xFF if d <= WINDOW else 0
            self.highest = c
            return None
        back = self.highest - c - 1  # 0: just behind the highest
        if back < 0 or back >= WINDOW or self.bits >> back & 1:
            return Drop.REPLAY
        self.bits |= 1 << back
        return None
