"""Colour names as a child says them: the one rule that names a colour, used by the grader
(which colour a program asked for) and by the calm profile (which soft colour to show).

The names are the colour ids of the exercise cards (themebox.format.COLOURS; `cyan` is the
cards' "light blue"). The rule reads hue, saturation and brightness as Scratch's colour
picker does. Brightness does not count (a calm robot dims every light), except that black
is "off". An almost grey colour is "white". Otherwise the hue names it (HUES), and a pale
red or blue (saturation under PALE_BELOW) is what a child calls it: pink, light blue.
docs/themeboxes.md shows these ranges and Scratch's common picker colours with their names.
"""

from __future__ import annotations

import colorsys
import math

Rgb = tuple[int, int, int]

WHITE_BELOW = 0.20  # saturation under this: white (Scratch's saturation slider under 20)
PALE_BELOW = 0.60  # saturation under this: pale (Scratch's saturation slider under 60)

# (from degree, name, name when pale); a hue belongs to the last row whose start it reached
HUES: tuple[tuple[int, str, str], ...] = (
    (0, "red", "pink"),
    (20, "orange", "orange"),
    (45, "yellow", "yellow"),
    (70, "green", "green"),
    (165, "cyan", "cyan"),
    (205, "blue", "cyan"),
    (245, "blue", "purple"),  # a pale violet-blue is lilac: purple, not light blue
    (255, "purple", "purple"),
    (305, "pink", "pink"),  # magenta (300) is still purple; past it, pink
    (340, "red", "pink"),
)


def hsv(rgb: Rgb) -> tuple[float, float, float]:
    """Hue in degrees (0-360), saturation and brightness (0-1), as Scratch's picker."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    return h * 360, s, v


def colour_name(rgb: Rgb) -> str:
    """The card colour id a child would call `rgb`."""
    h, s, v = hsv(rgb)
    if v == 0:
        return "off"
    if s < WHITE_BELOW:
        return "white"
    _start, name, pale = max(row for row in HUES if row[0] <= h)
    return pale if s < PALE_BELOW else name


def picker_rgb(hue: float, saturation: float, brightness: float) -> Rgb:
    """The colour Scratch's picker gives for its three sliders (each 0-100)."""
    r, g, b = colorsys.hsv_to_rgb(hue / 100, saturation / 100, brightness / 100)
    return round(r * 255), round(g * 255), round(b * 255)


# Scratch's colour picker: its common choices are whole steps of the hue slider at full
# colour, and the same hues pale (docs/themeboxes.md lists them with their names)
PICKER_HUES = tuple(range(0, 100, 5))
PICKER_SATURATIONS = (100, 50, 30)


def picker_choices() -> list[tuple[int, int, Rgb]]:
    """(hue, saturation, colour) of the picker's common choices, at full brightness."""
    return [(h, s, picker_rgb(h, s, 100)) for h in PICKER_HUES for s in PICKER_SATURATIONS]


def ranges_markdown() -> str:
    """The naming rule as a table (docs/themeboxes.md)."""
    out = ["| hue in degrees | Scratch's hue slider | name | name when pale |",
           "|---|---|---|---|"]
    ends = [row[0] for row in HUES[1:]] + [360]
    for (start, name, pale), end in zip(HUES, ends, strict=True):
        # the slider's whole steps whose hue falls in [start, end); 100 is 360, red again
        low, high = math.ceil(start / 3.6), math.ceil(end / 3.6) - 1 + (end == 360)
        out.append(f"| {start} to under {end} | {low}-{high} | `{name}` | `{pale}` |")
    return "\n".join(out) + "\n"
