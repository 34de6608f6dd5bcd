"""The virtual board: what the simulated robot's hardware shows and senses.

The firmware's `hal_virtual` turns every hardware touch into a host call; this class is the
other side. Every physical output (motor speeds, light colours, display, tones) is logged
with the board's clock, after the firmware's sensory guard: it is what a child would see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN_DISTANCE = 0xFFFF


@dataclass(frozen=True)
class Output:
    """One physical output change at board time `t_ms`."""

    t_ms: int
    what: str  # "motors", "light", "image", "text", "tone"
    value: tuple[int, ...] | str


@dataclass
class Sensors:
    """What the robot senses now. Tests (and later the world) set these."""

    distance_mm: int | None = None  # None: no echo
    line_left: bool = False
    line_right: bool = False
    light: int = 128
    tilt_x: int = 0
    tilt_y: int = 0


@dataclass
class VirtualBoard:
    nlights: int = 6
    sensors: Sensors = field(default_factory=Sensors)
    buttons: int = 0  # bit 0 A, bit 1 B
    motors: tuple[int, int] = (0, 0)
    lights: list[tuple[int, int, int]] = field(default_factory=list)
    image: tuple[int, int] = (0, 0)
    text: str = ""
    log: list[Output] = field(default_factory=list)
    now_ms: int = 0

    def __post_init__(self) -> None:
        if not self.lights:
            self.lights = [(0, 0, 0)] * self.nlights

    def _out(self, what: str, value: tuple[int, ...] | str) -> None:
        self.log.append(Output(self.now_ms, what, value))

    # -- host calls from hal_virtual ---------------------------------------------------
    def set_motors(self, left: int, right: int) -> None:
        self.motors = (left, right)
        self._out("motors", (left, right))

    def set_light(self, i: int, r: int, g: int, b: int) -> None:
        if 0 <= i < len(self.lights):
            self.lights[i] = (r, g, b)
            self._out("light", (i, r, g, b))

    def set_image(self, bits: int, level: int) -> None:
        self.image = (bits, level)
        self._out("image", (bits, level))

    def set_text(self, text: str) -> None:
        self.text = text
        self._out("text", text)

    def play_tone(self, freq: int, ms: int, volume: int) -> None:
        self._out("tone", (freq, ms, volume))

    def received(self, n: int) -> None:
        """Bytes reached the robot's serial line (logged so a test can time the fail-safe)."""
        self._out("rx", (n,))

    def sample(self, mask: int) -> tuple[int, ...]:
        # only what the mask asks for is read; the rest reports "unknown", as on a board
        s = self.sensors
        dist = UNKNOWN_DISTANCE
        if mask & 1 and s.distance_mm is not None:
            dist = max(0, min(s.distance_mm, 0xFFFE))
        return (
            dist >> 8,
            dist & 255,
            int(s.line_left) | int(s.line_right) << 1 if mask & 2 else 0xFF,
            max(0, min(254, s.light)) if mask & 4 else 0xFF,
            self.buttons,
            s.tilt_x & 255 if mask & 16 else 0x80,
            s.tilt_y & 255 if mask & 16 else 0x80,
        )

    # -- reading the log ---------------------------------------------------------------
    def outputs(self, what: str) -> list[Output]:
        return [o for o in self.log if o.what == what]
