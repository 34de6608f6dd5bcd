"""Sensory profiles the robot enforces (brightness, flash limit, fades, motor cap, sound).

The firmware never goes below its own floor (at most 3 flashes a second), whatever a
profile says; a profile can only make the robot calmer.
"""

from __future__ import annotations

from dataclasses import dataclass

from dojokit.protocol import messages as msg


@dataclass(frozen=True)
class SensoryProfile:
    name: str
    brightness_cap: int  # 0-255
    hold_ms: int  # shortest time between two light changes
    fade_ms: int  # how long a light change takes
    motor_cap: int  # percent of full speed
    sound: bool
    announce: bool  # pause and show "running" before the robot moves
    volume: int  # 0-255

    def payload(self) -> bytes:
        flags = (1 if self.sound else 0) | (2 if self.announce else 0)
        return msg.profile(self.brightness_cap, self.hold_ms // 10, self.fade_ms // 10,
                           self.motor_cap, flags, self.volume)


PROFILES = {
    # the firmware's default: no blinking (one change a second at most), soft fades
    "calm": SensoryProfile("calm", 120, 1000, 300, 60, False, True, 0),
    # the WCAG limit: at most 3 flashes in any second
    "standard": SensoryProfile("standard", 200, 170, 50, 100, True, False, 160),
}
