"""Messages of the dojokit wire protocol: kinds, payload layouts, builders and parsers.

The firmware side is ``firmware/dk_core.py``; the full specification is docs/protocol.md.
All multi-byte numbers are big-endian. "i8" is a two's complement byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, IntFlag

from .codec import MAX_PAYLOAD

__all__ = [
    "CONFIG_FAILSAFE",
    "FAILSAFE_MS",
    "LIGHT_ALL",
    "NO_STATE",
    "PROTOCOL_VERSION",
    "Beat",
    "Board",
    "Button",
    "Cap",
    "Ident",
    "Info",
    "Kind",
    "ProtocolError",
    "Reason",
    "Sample",
    "Sensor",
    "config_failsafe",
    "display_clear",
    "display_image",
    "display_text",
    "drive",
    "hello",
    "light",
    "name",
    "profile",
    "state",
    "subscribe",
    "tone",
]

PROTOCOL_VERSION = 2
"""The protocol version this module speaks (sent in HELLO, reported in INFO)."""

LIGHT_ALL = 255
"""LIGHT index meaning "every light of the kit"."""
CONFIG_FAILSAFE = 1
"""CONFIG key: fail-safe timeout in ms (firmware range 100-10000, default 500)."""
FAILSAFE_MS = 500
"""The robot stops and shows "waiting" after this long without a valid frame (default)."""
NO_STATE = 255
"""BEAT state before any STATE command or fail-safe has set one."""


class ProtocolError(Exception):
    """A payload that does not have the layout its kind requires."""


class Kind(IntEnum):
    """Message kinds. 0x01-0x3F: commands, host to robot. 0x40-0x7F: robot to host.

    Every command is answered with the command's seq: ACK, or NAK with a :class:`Reason`;
    some first send a reply (INFO, IDENT, SAMPLE). An unknown kind gets NAK UNKNOWN_COMMAND.
    Events (SAMPLE when subscribed, BUTTON, BEAT) carry the robot's own rolling seq.
    """

    HELLO = 0x01
    """Command, since protocol 1. Payload: protocol u8 (the version the host speaks).

    Replies INFO and IDENT (same seq), then ACK, or NAK WRONG_VERSION if the robot speaks
    another version. Empty payload: NAK BAD_ARGUMENTS.
    """
    HEARTBEAT = 0x02
    """Command, since protocol 1. Payload: empty (ignored). Keeps the link alive. ACK."""
    DRIVE = 0x03
    """Command, since protocol 1. Payload: left i8, right i8 [, ms u16].

    Speeds in percent -100..100; ms 0 or absent: until the next DRIVE or STOP. Goes through
    the sensory guard (motor cap, ramp, announce). NAK NOT_ON_THIS_KIT without motors,
    BAD_ARGUMENTS unless the payload holds 2 or 4 bytes.
    """
    STOP = 0x04
    """Command, since protocol 1. Payload: empty. Stops the motors at once. ACK."""
    LIGHT = 0x05
    """Command, since protocol 1. Payload: index u8 (255: all), r u8, g u8, b u8.

    Lights are numbered pixels first, then plain LEDs; the guard caps and fades them.
    NAK NOT_ON_THIS_KIT for an index past the kit's lights, BAD_ARGUMENTS unless 4 bytes.
    """
    DISPLAY = 0x06
    """Command, since protocol 1. Payload: mode u8, then by mode:

    0 clear (nothing more); 1 image: bits u32 (25 bits row by row, top-left = bit 24),
    level u8 (1-9, other values mean 9); 2 text: 1-8 bytes of UTF-8 (dojokit sends ASCII),
    scrolled. NAK NOT_ON_THIS_KIT without a display, BAD_ARGUMENTS for another layout.
    """
    TONE = 0x07
    """Command, since protocol 1. Payload: freq u16 (Hz, 0: silence), ms u16.

    Silent, but acknowledged, when the sensory profile has sound off. NAK NOT_ON_THIS_KIT
    without a buzzer, BAD_ARGUMENTS unless 4 bytes.
    """
    PROFILE = 0x08
    """Command, since protocol 1. Payload: 6 u8, the sensory profile:

    brightness cap (0-255), hold (minimum time between light changes, in 10 ms; the
    firmware raises it to at least 17), fade (in 10 ms), motor cap (percent, at most 100),
    flags (bit 0 sound on, bit 1 announce movement), volume (0-255). BAD_ARGUMENTS unless
    6 bytes.
    """
    SUBSCRIBE = 0x09
    """Command, since protocol 1. Payload: mask u16 (:class:`Sensor` bits), period u16 (ms).

    The robot then sends a SAMPLE event every period (at least 20 ms); period 0 stops.
    BAD_ARGUMENTS unless 4 bytes.
    """
    NAME = 0x0A
    """Command, since protocol 1. Payload: colour u8 (0-7), number u8, name (1-7 bytes).

    Stored on the robot (kept over restarts) and shown. The name has no space.
    BAD_ARGUMENTS otherwise.
    """
    CONFIG = 0x0B
    """Command, since protocol 1. Payload: key u8, value u16.

    Key 1: fail-safe timeout in ms (clamped to 100-10000; default 500). Other keys:
    BAD_ARGUMENTS.
    """
    READ = 0x0C
    """Command, since protocol 1. Payload: empty.

    Replies SAMPLE (same seq) of the subscribed sensors (all when none), then ACK.
    """
    STATE = 0x0D
    """Command, since protocol 1. Payload: state u8, an index into the feedback vocabulary.

    (0 ready, 1 running, 2 finished, 3 not yet, 4 waiting, 5 low battery): one steady
    light colour and one display sign. BAD_ARGUMENTS for an unknown state.
    """
    BRIDGE = 0x0E
    """Command, since protocol 2, for radio bridges. Payload: empty.

    A radio bridge (firmware/dk_bridge.py) answers it itself and never relays it: INFO
    (board 4, BRIDGE), IDENT (the bridge's own identity), IDENT (its robot's), ACK. A robot
    refuses it (NAK UNKNOWN_COMMAND), so it tells a bridge from a robot on any port.
    """
    PAIR = 0x0F
    """Command, since protocol 2, over Bluetooth LE. Payload: the code, three symbols 0-7
    (identity colours, as the robot shows them on its first three lights).

    Answered by the robot's BLE transport (firmware/dk_ble.py), never by the core: ACK,
    NAK WRONG_CODE (second byte: tries left) or NAK LOCKED (second byte: seconds left).
    An empty payload asks whether the connection is paired already (the same host back
    within a minute): ACK, NAK NOT_PAIRED, or NAK LOCKED; it never counts as a wrong code.
    Until it is paired, a BLE connection gets answers to HELLO and HEARTBEAT only; every
    other command is refused with NOT_PAIRED.
    """
    INFO = 0x40
    """Reply to HELLO, since protocol 1. Payload (8 bytes): protocol u8, firmware major u8,
    minor u8, patch u8, board u8 (:class:`Board`), kit id u8, caps u16 (:class:`Cap`)."""
    ACK = 0x41
    """Reply, since protocol 1. Payload: empty. The command with this seq was done."""
    NAK = 0x42
    """Reply, since protocol 1. Payload: reason u8 (:class:`Reason`). Refused, not done."""
    IDENT = 0x43
    """Reply to HELLO, since protocol 1. Payload: colour u8, number u8, name (0-7 bytes
    UTF-8): the robot's identity, as given by NAME."""
    SAMPLE = 0x44
    """Event (when subscribed) or reply to READ, since protocol 1. Payload (7 bytes):

    distance u16 (mm; 0xFFFF unknown or no echo), line u8 (bit 0 left, bit 1 right,
    1 = dark line; 0xFF unknown), light u8 (0-254; 0xFF unknown), buttons u8 (bit 0 A,
    bit 1 B), tilt x i8, tilt y i8 (degrees -90..90; -128 = 0x80 unknown).
    """
    BUTTON = 0x45
    """Event, since protocol 1. Payload: button u8 (0 A, 1 B), pressed u8 (1 down, 0 up)."""
    BEAT = 0x46
    """Event every second, since protocol 1. Payload (4 bytes): state u8 (vocabulary
    index; 255 none yet), flags u8 (bit 0 moving, bit 1 linked), damaged u16 (frames the
    robot dropped, modulo 65536)."""


class Reason(IntEnum):
    """Refusal reasons, the payload of NAK. Since protocol 1."""

    UNKNOWN_COMMAND = 1
    """The kind is not a command this firmware knows."""
    BAD_ARGUMENTS = 2
    """The payload has the wrong length or a value out of range."""
    NOT_ON_THIS_KIT = 3
    """The kit lacks the part (no motors, no display, no such light...)."""
    WRONG_VERSION = 4
    """HELLO asked for a protocol version the robot does not speak."""
    NOT_PAIRED = 5
    """Over Bluetooth LE: the host has not given the robot's pairing code (PAIR) yet."""
    WRONG_CODE = 6
    """PAIR with another code than the robot shows; the NAK's second byte: tries left."""
    LOCKED = 7
    """Five wrong codes: no pairing for 30 s; the NAK's second byte: seconds left."""


class Board(IntEnum):
    """Board ids in INFO. Since protocol 1."""

    MICROBIT = 1
    ESP32 = 2
    VIRTUAL = 3
    """The simulator: the firmware under MicroPython-WASI inside the host."""
    BRIDGE = 4
    """A micro:bit radio bridge (answers BRIDGE, relays everything else). Since protocol 2."""


_BOARD_IDS = frozenset(int(b) for b in Board)


class Cap(IntFlag):
    """Capability bits in INFO, in the order of ``firmware/dk_kit.py`` CAPS. Since protocol 1."""

    MOTORS = 1
    PIXELS = 2
    LEDS = 4
    DISPLAY = 8
    TONE = 16
    DISTANCE = 32
    LINE = 64
    LIGHT = 128
    BUTTONS = 256
    TILT = 512


class Sensor(IntFlag):
    """Sensor bits of SUBSCRIBE's mask. Since protocol 1."""

    DISTANCE = 1
    LINE = 2
    LIGHT = 4
    BUTTONS = 8
    TILT = 16


# -- helpers -------------------------------------------------------------------------------


def _byte(what: str, v: int, lo: int = 0, hi: int = 255) -> int:
    v = int(v)
    if not lo <= v <= hi:
        raise ValueError(f"{what} {v} is out of range {lo}..{hi}")
    return v


def _u16(what: str, v: int, lo: int = 0, hi: int = 0xFFFF) -> bytes:
    return _byte(what, v, lo, hi).to_bytes(2, "big")


def _s8(b: int) -> int:
    return b - 256 if b > 127 else b


def _need(kind: Kind, payload: bytes, lo: int, hi: int | None = None) -> None:
    n = len(payload)
    if not lo <= n <= (lo if hi is None else hi):
        want = str(lo) if hi is None else f"{lo}-{hi}"
        raise ProtocolError(f"{kind.name} payload of {n} bytes, expected {want}")


def _ascii(what: str, text: str, lo: int, hi: int, spaces: bool) -> bytes:
    if not all(" " <= ch <= "~" for ch in text) or (not spaces and " " in text):
        kind = "printable ASCII" + ("" if spaces else " without spaces")
        raise ValueError(f"{what} {text!r}: only {kind} travels")
    if not lo <= len(text) <= hi:
        raise ValueError(f"{what} {text!r}: {lo}-{hi} characters fit")
    return text.encode("ascii")


# -- robot -> host payloads ----------------------------------------------------------------


@dataclass(frozen=True)
class Info:
    """INFO payload: what the robot is (reply to HELLO)."""

    protocol: int
    firmware: tuple[int, int, int]
    board: int
    kit_id: int
    caps: Cap

    @classmethod
    def from_payload(cls, payload: bytes) -> Info:
        _need(Kind.INFO, payload, 8)
        p = payload
        board: int = p[4]
        if board in _BOARD_IDS:
            board = Board(board)  # else a board newer than this host: keep the number
        return cls(p[0], (p[1], p[2], p[3]), board, p[5], Cap(p[6] << 8 | p[7]))

    def to_payload(self) -> bytes:
        return bytes((self.protocol, *self.firmware, self.board, self.kit_id)) + _u16(
            "caps", self.caps
        )


@dataclass(frozen=True)
class Ident:
    """IDENT payload: the robot's colour (0-7), number and short name (reply to HELLO)."""

    colour: int
    number: int
    name: str

    @classmethod
    def from_payload(cls, payload: bytes) -> Ident:
        _need(Kind.IDENT, payload, 2, MAX_PAYLOAD)
        return cls(payload[0], payload[1], payload[2:].decode("utf-8", "replace"))

    def to_payload(self) -> bytes:
        nm = self.name.encode("utf-8")
        if len(nm) > MAX_PAYLOAD - 2:
            raise ValueError(f"name {self.name!r}: at most 7 bytes fit")
        return bytes((_byte("colour", self.colour), _byte("number", self.number))) + nm


@dataclass(frozen=True)
class Sample:
    """SAMPLE payload: one reading of the sensors; None where the robot reports unknown."""

    distance_mm: int | None
    line_left: bool | None
    line_right: bool | None
    light: int | None
    buttons: int
    tilt_x: int | None
    tilt_y: int | None

    @classmethod
    def from_payload(cls, payload: bytes) -> Sample:
        _need(Kind.SAMPLE, payload, 7)
        p = payload
        dist = p[0] << 8 | p[1]
        line = p[2]
        known = line != 0xFF
        return cls(
            None if dist == 0xFFFF else dist,
            bool(line & 1) if known else None,
            bool(line & 2) if known else None,
            None if p[3] == 0xFF else p[3],
            p[4],
            None if p[5] == 0x80 else _s8(p[5]),
            None if p[6] == 0x80 else _s8(p[6]),
        )

    def to_payload(self) -> bytes:
        if self.line_left is None or self.line_right is None:
            line = 0xFF
        else:
            line = (1 if self.line_left else 0) | (2 if self.line_right else 0)
        dist = 0xFFFF if self.distance_mm is None else self.distance_mm
        light = 0xFF if self.light is None else _byte("light", self.light, 0, 254)
        tx = 0x80 if self.tilt_x is None else _byte("tilt_x", self.tilt_x, -127, 127) & 255
        ty = 0x80 if self.tilt_y is None else _byte("tilt_y", self.tilt_y, -127, 127) & 255
        rest = (line, light, _byte("buttons", self.buttons), tx, ty)
        return _u16("distance_mm", dist) + bytes(rest)


@dataclass(frozen=True)
class Button:
    """BUTTON payload: button 0 (A) or 1 (B) went down (pressed) or up."""

    button: int
    pressed: bool

    @classmethod
    def from_payload(cls, payload: bytes) -> Button:
        _need(Kind.BUTTON, payload, 2)
        return cls(payload[0], bool(payload[1]))

    def to_payload(self) -> bytes:
        return bytes((_byte("button", self.button), 1 if self.pressed else 0))


@dataclass(frozen=True)
class Beat:
    """BEAT payload: the robot's heartbeat (state shown, moving, linked, frames dropped)."""

    state: int
    moving: bool
    linked: bool
    damaged: int

    @classmethod
    def from_payload(cls, payload: bytes) -> Beat:
        _need(Kind.BEAT, payload, 4)
        p = payload
        return cls(p[0], bool(p[1] & 1), bool(p[1] & 2), p[2] << 8 | p[3])

    def to_payload(self) -> bytes:
        flags = (1 if self.moving else 0) | (2 if self.linked else 0)
        return bytes((_byte("state", self.state), flags)) + _u16("damaged", self.damaged)


# -- host -> robot payloads ----------------------------------------------------------------


def hello() -> bytes:
    """HELLO payload: the protocol version this host speaks."""
    return bytes((PROTOCOL_VERSION,))


def drive(left: int, right: int, ms: int = 0) -> bytes:
    """DRIVE payload. Speeds are clamped to -100..100; ms (0..65535, 0 = until changed)."""
    lv = max(-100, min(100, int(left)))
    rv = max(-100, min(100, int(right)))
    speeds = bytes((lv & 255, rv & 255))
    return speeds + _u16("ms", ms) if ms else speeds


def light(index: int, r: int, g: int, b: int) -> bytes:
    """LIGHT payload: light ``index`` (255 = all) to colour r, g, b (0-255 each)."""
    return bytes((_byte("index", index), _byte("r", r), _byte("g", g), _byte("b", b)))


def display_clear() -> bytes:
    """DISPLAY payload: clear the display."""
    return b"\x00"


def display_image(bits: int, level: int = 9) -> bytes:
    """DISPLAY payload: a 5x5 image (25 bits row by row, top-left = bit 24), level 1-9."""
    bits = _byte("bits", bits, 0, (1 << 25) - 1)
    return b"\x01" + bits.to_bytes(4, "big") + bytes((_byte("level", level, 1, 9),))


def display_text(text: str) -> bytes:
    """DISPLAY payload: scroll a text of 1-8 printable ASCII characters."""
    return b"\x02" + _ascii("text", text, 1, MAX_PAYLOAD - 1, spaces=True)


def tone(freq: int, ms: int) -> bytes:
    """TONE payload: ``freq`` Hz (0 = silence, up to 65535) for ``ms`` (0-65535)."""
    return _u16("freq", freq) + _u16("ms", ms)


def profile(
    cap: int, hold_10ms: int, fade_10ms: int, motor_cap: int, flags: int, volume: int
) -> bytes:
    """PROFILE payload (six bytes, see :attr:`Kind.PROFILE`)."""
    return bytes(
        (
            _byte("cap", cap),
            _byte("hold_10ms", hold_10ms),
            _byte("fade_10ms", fade_10ms),
            _byte("motor_cap", motor_cap),
            _byte("flags", flags),
            _byte("volume", volume),
        )
    )


def subscribe(mask: int, period_ms: int) -> bytes:
    """SUBSCRIBE payload: :class:`Sensor` mask, period in ms (0 = stop; robot minimum 20)."""
    return _u16("mask", mask) + _u16("period_ms", period_ms)


def name(colour: int, number: int, name: str) -> bytes:
    """NAME payload: colour 0-7, number 0-255, name of 1-7 printable ASCII, no spaces."""
    nm = _ascii("name", name, 1, MAX_PAYLOAD - 2, spaces=False)
    return bytes((_byte("colour", colour, 0, 7), _byte("number", number))) + nm


def config_failsafe(ms: int) -> bytes:
    """CONFIG payload: set the fail-safe timeout (100-10000 ms, the firmware's range)."""
    return bytes((CONFIG_FAILSAFE,)) + _u16("fail-safe ms", ms, 100, 10000)


def state(state: int) -> bytes:
    """STATE payload: show the feedback vocabulary's state ``state`` (0-255)."""
    return bytes((_byte("state", state),))


def pair(code: tuple[int, int, int] | list[int]) -> bytes:
    """PAIR payload: the three symbols (0-7) the robot shows."""
    if len(code) != 3:
        raise ValueError("a pairing code has three symbols")
    return bytes(_byte("code symbol", c, 0, 7) for c in code)
