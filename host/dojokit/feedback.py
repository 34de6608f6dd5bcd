"""The feedback vocabulary, host side: the same table as firmware/dk_vocab.py.

Each system state has one steady light colour and one 5x5 sign, on the robot and on the
screen alike. A test checks this table equals the firmware's.
"""

from __future__ import annotations

from collections.abc import Sequence

# (name, (r, g, b), 25-bit sign, row by row from the top-left)
STATES: tuple[tuple[str, tuple[int, int, int], int], ...] = (
    ("ready", (0, 80, 255), 0b0000001110011100111000000),
    ("running", (0, 160, 200), 0b0010001110101010010000100),
    ("finished", (0, 200, 80), 0b0000000001000101010001000),
    ("not_yet", (255, 170, 0), 0b0000000000001000000000000),
    ("waiting", (120, 60, 200), 0b0000001010010100101000000),
    ("low_battery", (255, 110, 0), 0b0000001110010100111000000),
    ("time_up", (200, 200, 200), 0b1111101010001000101011111),
    ("moving_soon", (0, 160, 200), 0b0000000100011100000011111),
)

STATE_IDS = {name: i for i, (name, _, _) in enumerate(STATES)}

# States a program is in while it runs. They give way to the program's own outputs: while
# the program has set the lights (or the display) itself, the robot shows these on what the
# program left free. Every other state takes the lights and the display back (firmware:
# dk_core.Core.show_state, the same rule).
DURING_PROGRAM = ("running", "moving_soon")

# The states a run ends in: nothing changes them but the next run (or a lost link).
FINAL = ("finished", "not_yet", "time_up")


def capped(rgb: Sequence[int], cap: int) -> tuple[int, int, int]:
    """The colour at most `cap` bright, hue kept: the firmware's own integer rule (the
    legend card and the simulator's window show colours as the robot does)."""
    r, g, b = (max(0, min(255, int(c))) for c in rgb)
    m = max(r, g, b)
    if m > cap:
        return (r * cap // m, g * cap // m, b * cap // m)
    return (r, g, b)
