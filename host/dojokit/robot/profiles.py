"""Sensory profiles (brightness, flash limit, fades, palette, sound, motor cap, announce).

The firmware enforces what travels in the PROFILE command on every light and motor output,
and never goes below its own floor (at most 3 flashes a second), whatever a profile says: a
profile can only make the robot calmer. The palette is kept by the host: every colour a
program asks for is named as a child would (dojokit.colour_names) and shown as the palette's
colour of that name, so orange stays a (soft) orange and never turns yellow.
docs/profiles.md is generated from PROFILES (`profiles_markdown()`, checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass

from dojokit.colour_names import colour_name
from dojokit.protocol import messages as msg


@dataclass(frozen=True)
class SensoryProfile:
    name: str
    brightness_cap: int  # 0-255
    hold_ms: int  # shortest time between two light changes
    fade_ms: int  # how long a light change takes
    motor_cap: int  # the fastest a wheel turns, percent of full speed: a ceiling, not a scale
    sound: bool
    announce: bool  # pause and show "moving_soon" before the robot starts (0.6 s; not counted
    # in a timed drive's time)
    volume: int  # 0-255
    # (colour name, shown colour) for every name colour_name() gives but "off"; () = every
    # colour as asked
    palette: tuple[tuple[str, tuple[int, int, int]], ...] = ()

    def colour(self, rgb: tuple[int, int, int]) -> tuple[int, int, int]:
        """The colour this profile shows for `rgb`: off stays off; any other colour
        becomes the palette's colour of the same name (brightness does not count)."""
        if not self.palette or max(rgb) == 0:
            return rgb
        return dict(self.palette)[colour_name(rgb)]

    def payload(self) -> bytes:
        flags = (1 if self.sound else 0) | (2 if self.announce else 0)
        return msg.profile(self.brightness_cap, self.hold_ms // 10, self.fade_ms // 10,
                           self.motor_cap, flags, self.volume)


# Soft, distinct colours, one per colour name (each keeps its name: tests/test_colour_names).
# Its red is a warm, unsaturated red (R/(R+G+B) < 0.8), so even a traffic light never shows
# WCAG's saturated red.
CALM_PALETTE = (
    ("green", (0, 200, 80)),
    ("blue", (0, 80, 255)),
    ("cyan", (0, 190, 200)),
    ("yellow", (255, 210, 0)),
    ("orange", (255, 120, 0)),
    ("red", (230, 60, 30)),
    ("purple", (150, 0, 255)),
    ("pink", (255, 100, 180)),
    ("white", (200, 200, 200)),
)

PROFILES = {
    # the firmware's default: no blinking (one change a second at most), soft fades
    "calm": SensoryProfile("calm", 120, 1000, 300, 60, False, True, 0, CALM_PALETTE),
    # the WCAG limit: at most 3 flashes in any second
    "standard": SensoryProfile("standard", 200, 170, 50, 100, True, False, 160),
}

_FIELDS = (
    ("brightness_cap", "brightness cap (0-255)"),
    ("hold_ms", "shortest time between two light changes (ms)"),
    ("fade_ms", "fade of a light change (ms)"),
    ("motor_cap", "motor speed cap (% of full speed; slower speeds as asked)"),
    ("sound", "sound"),
    ("volume", "volume (0-255)"),
    ("announce", "pause and show 'moving soon' before moving"),
    ("palette", "palette"),
)


def profiles_markdown() -> str:
    """The table in docs/profiles.md."""
    names = list(PROFILES)
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for attr, label in _FIELDS:
        cells = []
        for n in names:
            v = getattr(PROFILES[n], attr)
            if attr == "palette":
                v = ", ".join(f"{name} `#{r:02x}{g:02x}{b:02x}`" for name, (r, g, b) in v) \
                    if v else "every colour"
            elif isinstance(v, bool):
                v = "yes" if v else "no"
            cells.append(str(v))
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
