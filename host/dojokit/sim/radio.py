"""The air between simulated micro:bits: a radio medium and each board's `radio`.

A `RadioMedium` carries packets between the `Radio`s attached to it; a `Radio` holds one
micro:bit's radio state with the limits of MicroPython for micro:bit V2 (its
src/codal_port/modradio.c and drv_radio.c, which these rules follow):
- config(length=32 (1..251), queue=3 (1..254), channel=7 (0..83), power=6 (0..8),
  address=0x75626974, group=0 (0..255), data_rate=RATE_1MBIT); a bad value raises
  ValueError("value out of range for argument 'x'") and changes nothing;
- send_bytes() of more than `length` bytes is cut to `length`, silently, as the board does;
- a receiver keeps a packet longer than its own `length` cut to that length;
- the receive queue is a byte buffer of queue * (length + 6) bytes (each packet takes its
  length + 6: length byte, RSSI, timestamp), so it holds `queue` full-length packets (more
  when they are short); a packet that does not fit is dropped and counted;
- off (or never on): send and receive raise ValueError("radio is not enabled"); turning it
  on, or changing length or queue while on, empties the queue.
A packet reaches every OTHER radio that is on, on the same channel, address, group and
data rate (broadcast; no acks, no retries). The medium never looks inside a packet.

Faults, seeded and per receiver: loss (dropped), duplication (queued twice), reordering
(held back, queued after the same sender's next packet to that receiver, or on `flush()`),
corruption (one bit flipped). Each decision is a hash of (seed, sender, receiver, the
sender's packet number to that receiver): the same seed gives the same faults however the
boards' threads interleave.

Bytes cross the simulator's host calls as text, each byte as the code point of its value
(`guest_call`, used by the guest's `radio` module, radio_mp.py).
"""

from __future__ import annotations

import functools
import hashlib
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

RATE_1MBIT = 0  # the nRF52's MODE values, as the micro:bit's module exposes them
RATE_2MBIT = 1
RATE_250KBIT = 2  # accepted as 2, no constant (deprecated on V2)
OVERHEAD = 6  # bytes a queued packet takes beyond its payload
TICKS_US = 1 << 30  # receive_full's timestamp wraps like time.ticks_us()

# name: (default, lowest, highest); address takes any 32-bit value
_LIMITS: dict[str, tuple[int, int, int]] = {
    "length": (32, 1, 251),
    "queue": (3, 1, 254),
    "channel": (7, 0, 83),
    "power": (6, 0, 8),
    "address": (0x75626974, -(1 << 31), (1 << 32) - 1),
    "group": (0, 0, 255),
    "data_rate": (RATE_1MBIT, 0, 2),
}


class RadioError(ValueError):
    """What the micro:bit's radio module raises (ValueError, with its message)."""


@dataclass
class Counts:
    """What happened in the air (the medium's) or at one radio (its own)."""
    sent: int = 0
    delivered: int = 0  # queued at a receiver (a duplicate counts twice)
    lost: int = 0
    duplicated: int = 0
    reordered: int = 0
    corrupted: int = 0
    dropped: int = 0  # the receive queue was full

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Packet:
    data: bytes
    rssi: int
    time_us: int
    sender: str = ""


@dataclass(eq=False)
class Radio:
    """One micro:bit's radio (the API of MicroPython's `radio` module, on the host)."""
    medium: RadioMedium
    name: str
    is_on: bool = False
    settings: dict[str, int] = field(default_factory=lambda: {
        k: v[0] for k, v in _LIMITS.items()})
    counts: Counts = field(default_factory=Counts)
    # called (on the sender's thread) after a packet lands in the queue: a guest's wait
    # can end there
    on_arrival: Callable[[], None] | None = None
    # the board's microsecond clock, for receive_full's timestamps
    now_us: Callable[[], int] = field(default=lambda: time.monotonic_ns() // 1000)
    _queue: deque[_Packet] = field(default_factory=deque)
    _used: int = 0  # bytes of the receive buffer in use
    # reordering: a packet from each sender may wait for that sender's next one
    _held: dict[str, _Packet] = field(default_factory=dict)

    # -- the micro:bit API ---------------------------------------------------------------
    def on(self) -> None:
        with self.medium.lock:
            self._empty()
            self.is_on = True

    def off(self) -> None:
        with self.medium.lock:
            self._empty()
            self.is_on = False

    def reset(self) -> None:
        """The defaults back (the radio stays on or off, as on the board)."""
        self.config(**{k: v[0] for k, v in _LIMITS.items()})

    def config(self, **kwargs: int) -> None:
        new = dict(self.settings)
        for key, value in kwargs.items():
            if key not in _LIMITS:
                raise RadioError(f"unknown argument '{key}'")
            _, low, high = _LIMITS[key]
            value = int(value)
            if not low <= value <= high:
                raise RadioError(f"value out of range for argument '{key}'")
            new[key] = value & 0xFFFFFFFF if key == "address" else value
        with self.medium.lock:
            resize = (new["length"], new["queue"]) != (self.settings["length"],
                                                         self.settings["queue"])
            self.settings = new
            if resize and self.is_on:
                self._empty()  # the board frees and allocates its buffer again

    def send_bytes(self, message: bytes) -> None:
        self._enabled()
        self.medium.send(self, bytes(message[:self.settings["length"]]))

    def send(self, text: str) -> None:
        # the board puts 01 00 01 before the text (MakeCode's string packet)
        self.send_bytes(b"\x01\x00\x01" + text.encode())

    def receive_bytes(self) -> bytes | None:
        packet = self._pop()
        return None if packet is None else packet.data

    def receive(self) -> str | None:
        packet = self._pop()
        if packet is None:
            return None
        data = packet.data
        if data[:3] != b"\x01\x00\x01":
            raise RadioError("received packet is not a string")
        return data[3:].decode("utf-8", "replace")

    def receive_bytes_into(self, buffer: bytearray) -> int | None:
        packet = self._pop()
        if packet is None:
            return None
        n = min(len(buffer), len(packet.data))
        buffer[:n] = packet.data[:n]
        return len(packet.data)

    def receive_full(self) -> tuple[bytes, int, int] | None:
        packet = self._pop()
        if packet is None:
            return None
        return packet.data, packet.rssi, packet.time_us

    # -- host side -----------------------------------------------------------------------
    @property
    def waiting(self) -> int:
        """Packets in the receive queue."""
        return len(self._queue)

    def hears(self, sender: Radio) -> bool:
        mine, theirs = self.settings, sender.settings
        return self.is_on and all(mine[k] == theirs[k] for k in _MATCH)

    def _enabled(self) -> None:
        if not self.is_on:
            raise RadioError("radio is not enabled")

    def _empty(self) -> None:
        self._queue.clear()
        self._used = 0
        self._held.clear()

    def _pop(self) -> _Packet | None:
        with self.medium.lock:
            self._enabled()
            if not self._queue:
                return None
            packet = self._queue.popleft()
            self._used -= len(packet.data) + OVERHEAD
            return packet

    def _put(self, packet: _Packet) -> bool:
        # under the medium's lock. As the board's radio interrupt: cut to our length, then
        # into the buffer if there is room
        length = self.settings["length"]
        if len(packet.data) > length:
            packet = _Packet(packet.data[:length], packet.rssi, packet.time_us, packet.sender)
        size = len(packet.data) + OVERHEAD
        if self._used + size > self.settings["queue"] * (length + OVERHEAD):
            self.counts.dropped += 1
            self.medium.counts.dropped += 1
            return False
        self._queue.append(packet)
        self._used += size
        self.counts.delivered += 1
        self.medium.counts.delivered += 1
        return True

    # -- the simulator's MicroPython (radio_mp.py) -------------------------------------------
    def guest_call(self, payload: bytes) -> bytes:
        """One host call from the guest's `radio` module: an op letter, then its arguments.
        Replies are text; "!" + message: the module raises ValueError(message)."""
        op, rest = payload[:1], payload[1:]
        try:
            reply = _GUEST_OPS[op](self, rest)
        except (ValueError, KeyError) as exc:  # RadioError too; never a trap in the guest
            return b"!" + str(exc).encode()
        return reply.encode()


def _guest_config(radio: Radio, rest: bytes) -> str:
    pairs = (item.split(b"=") for item in rest.split())
    radio.config(**{k.decode(): int(v) for k, v in pairs})
    return ""


def _guest_receive(radio: Radio, rest: bytes) -> str:
    data = radio.receive_bytes()
    return "-" if data is None else "=" + data.decode("latin-1")


def _guest_head(radio: Radio, rest: bytes) -> str:
    # receive_full's RSSI and timestamp of the next packet (its bytes come with "g": a
    # 251-byte packet of high bytes fills a host call's reply by itself)
    with radio.medium.lock:
        radio._enabled()
        if not radio._queue:
            return "-"
        head = radio._queue[0]
        return f"={head.rssi} {head.time_us}"


def _guest_send(radio: Radio, rest: bytes) -> str:
    radio.send_bytes(rest)
    return ""


def _guest_init(radio: Radio, rest: bytes) -> str:
    # `import radio` on a V2 resets the settings and turns the radio on (its __init__)
    radio.reset()
    radio.on()
    return ""


def _guest_on(radio: Radio, rest: bytes) -> str:
    radio.on()
    return ""


def _guest_off(radio: Radio, rest: bytes) -> str:
    radio.off()
    return ""


def _guest_reset(radio: Radio, rest: bytes) -> str:
    radio.reset()
    return ""


_GUEST_OPS: dict[bytes, Callable[[Radio, bytes], str]] = {
    b"i": _guest_init,
    b"1": _guest_on,
    b"0": _guest_off,
    b"r": _guest_reset,
    b"c": _guest_config,
    b"s": _guest_send,
    b"g": _guest_receive,
    b"h": _guest_head,
}
# what a receiver must share with the sender to hear it (address and group are the
# radio's hardware address filter)
_MATCH = ("channel", "address", "group", "data_rate")


class RadioMedium:
    """The air: radios attach to it, and it carries their packets with seeded faults."""

    def __init__(self, seed: int = 0, loss: float = 0.0, duplicate: float = 0.0,
                 reorder: float = 0.0, corrupt: float = 0.0, rssi: int = -50,
                 defer: Callable[[Callable[[], None]], None] | None = None) -> None:
        for name, p in (("loss", loss), ("duplicate", duplicate), ("reorder", reorder),
                        ("corrupt", corrupt)):
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {p}")
        self.seed = seed
        self.loss, self.duplicate, self.reorder, self.corrupt = loss, duplicate, reorder, corrupt
        self.rssi = rssi
        # virtual time: deliveries go through defer(fn) (e.g. a loop's call_soon or
        # call_later for air time); by default they happen at once, in send()
        self.defer = defer
        self.radios: list[Radio] = []
        self.counts = Counts()
        self.lock = threading.RLock()
        self._numbers: dict[tuple[str, str], int] = {}
        # every queued packet as (sender, receiver, bytes), when record=True
        self.record = False
        self.log: list[tuple[str, str, bytes]] = []

    def attach(self, name: str | None = None) -> Radio:
        """A new radio in this air (off, with the defaults, like a board's at power-on)."""
        with self.lock:
            name = name or f"radio{len(self.radios)}"
            if any(r.name == name for r in self.radios):
                raise ValueError(f"a radio named {name!r} is already attached")
            radio = Radio(self, name)
            self.radios.append(radio)
            return radio

    def detach(self, radio: Radio) -> None:
        with self.lock:
            radio.off()
            self.radios.remove(radio)

    def send(self, sender: Radio, data: bytes) -> None:
        with self.lock:
            self.counts.sent += 1
            sender.counts.sent += 1
            receivers = [r for r in self.radios if r is not sender and r.hears(sender)]
        for receiver in receivers:
            if self.defer is None:
                self._deliver(sender, receiver, data)
            else:
                self.defer(functools.partial(self._deliver, sender, receiver, data))

    def flush(self) -> None:
        """Queue every packet held back for reordering (no next packet came)."""
        woken = []
        with self.lock:
            for radio in self.radios:
                held = list(radio._held.values())
                radio._held.clear()
                if radio.is_on and [p for p in held if self._queue(radio, p)]:
                    woken.append(radio)
        _wake(woken)

    def _faults(self, sender: Radio, receiver: Radio) -> tuple[float, ...]:
        key = (sender.name, receiver.name)
        n = self._numbers.get(key, 0)
        self._numbers[key] = n + 1
        digest = hashlib.blake2b(f"{self.seed}\0{sender.name}\0{receiver.name}\0{n}".encode(),
                                 digest_size=40).digest()
        return tuple(x / 2**64 for x in struct.unpack("<5Q", digest))

    def _deliver(self, sender: Radio, receiver: Radio, data: bytes) -> None:
        woken = []
        with self.lock:
            if not receiver.hears(sender):  # deferred: it may have changed meanwhile
                return
            lost, dup, reorder, corrupt, bit = self._faults(sender, receiver)
            if lost < self.loss:
                self._count(receiver, "lost")
                return
            if corrupt < self.corrupt and data:
                i = int(bit * len(data) * 8)
                flipped = bytearray(data)
                flipped[i // 8] ^= 1 << (i % 8)
                data = bytes(flipped)
                self._count(receiver, "corrupted")
            packet = _Packet(data, self.rssi, receiver.now_us() % TICKS_US, sender.name)
            copies = [packet, packet] if dup < self.duplicate else [packet]
            if len(copies) == 2:
                self._count(receiver, "duplicated")
            held = receiver._held.pop(sender.name, None)
            if reorder < self.reorder and held is None:
                # held back: it goes in after this sender's next packet to this receiver
                self._count(receiver, "reordered")
                receiver._held[sender.name], copies = copies[0], copies[1:]
            if held is not None:
                copies.append(held)
            for p in copies:
                if self._queue(receiver, p):
                    woken = [receiver]
        _wake(woken)

    def _queue(self, receiver: Radio, packet: _Packet) -> bool:
        ok = receiver._put(packet)
        if ok and self.record:
            self.log.append((packet.sender, receiver.name, packet.data))
        return ok

    def _count(self, receiver: Radio, what: str) -> None:
        setattr(self.counts, what, getattr(self.counts, what) + 1)
        setattr(receiver.counts, what, getattr(receiver.counts, what) + 1)


def _wake(radios: list[Radio]) -> None:
    # outside the lock: a listener may take it again (a guest reading its queue)
    for radio in radios:
        if radio.on_arrival is not None:
            radio.on_arrival()
