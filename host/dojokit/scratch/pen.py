"""The pen extension as scratch-vm 5.0.300 runs it headless: state only, no drawing.

Each sprite (and each clone) keeps its own pen state, made on first use with scratch-vm's
defaults (scratch3_pen/index.js `_getPenState`). The arithmetic follows scratch-vm's pen and
colour code (src/util/color.js) operation for operation, so the numbers agree to the last bit,
NaN included: JS's Math.min/max/floor and `%` pass NaN and Infinity on where Python's raise
or pick a side. tests/test_scratch_pen.py checks it against vectors scratch-vm itself made.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dojokit.scratch.cast import to_number, to_rgb

if TYPE_CHECKING:
    from dojokit.scratch.model import Target

SIZE_MIN, SIZE_MAX = 1.0, 1200.0  # twice the stage's diagonal, so any sprite can fill it
PARAMS = ("color", "saturation", "brightness", "transparency")


@dataclass
class PenState:
    down: bool = False
    color: float = 66.66  # hue, 0..100 (wraps at 101: see _wrap_color)
    saturation: float = 100.0
    brightness: float = 100.0
    transparency: float = 0.0
    shade: float = 50.0  # only for the legacy "shade" blocks, as Scratch 2 kept it
    color4f: list[float] = field(default_factory=lambda: [0.0, 0.0, 1.0, 1.0])
    diameter: float = 1.0

    def copy_for_clone(self) -> PenState:
        """scratch-vm copies pen state through JSON: NaN and Infinity become null (and -0
        becomes 0). null then counts as 0 in every later sum and comparison, so 0 it is."""
        return PenState(self.down, _json(self.color), _json(self.saturation),
                        _json(self.brightness), _json(self.transparency), _json(self.shade),
                        [_json(c) for c in self.color4f], _json(self.diameter))


def _json(x: float) -> float:
    return x + 0.0 if math.isfinite(x) else 0.0


def state(t: Target) -> PenState:
    """The target's pen state, made with the defaults when it has none yet."""
    s = t.pen
    if s is None:
        s = t.pen = PenState()
    return s


def for_clone(source: Target | None) -> PenState | None:
    """What a new clone starts with: a copy of its source's state, if that has one."""
    s = source.pen if source is not None else None
    return s.copy_for_clone() if s is not None else None


# -- JavaScript's arithmetic -------------------------------------------------------------------
def _min(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    if a == b == 0:  # -0 is the smaller zero
        return a if math.copysign(1.0, a) < 0 else b
    return a if a < b else b


def _max(a: float, b: float) -> float:
    if a != a or b != b:
        return math.nan
    if a == b == 0:
        return a if math.copysign(1.0, a) > 0 else b
    return a if a > b else b


def _clamp(n: float, lo: float, hi: float) -> float:
    return _min(_max(n, lo), hi)


def _floor(x: float) -> float:
    return float(math.floor(x)) if math.isfinite(x) else x


def _mod(a: float, b: float) -> float:
    """JS `a % b`: the sign of a, NaN for an infinite a."""
    if not math.isfinite(a) or b == 0 or b != b:
        return math.nan
    return a if math.isinf(b) else math.fmod(a, b)


def _wrap_color(n: float) -> float:
    # MathUtil.wrapClamp(n, 0, 100): the range is 0..100 *inclusive*, so it wraps by 101
    return n - _floor(n / 101.0) * 101.0


# -- src/util/color.js ------------------------------------------------------------------------
RGB = tuple[float, float, float]


def hsv_to_rgb(h: float, s: float, v: float) -> RGB:
    """Color.hsvToRgb: h in degrees, s and v 0..1; whole 0..255 channels (or NaN)."""
    h = _mod(h, 360.0)
    if h < 0:
        h += 360.0
    s = _max(0.0, _min(s, 1.0))
    v = _max(0.0, _min(v, 1.0))
    i = _floor(h / 60.0)
    f = h / 60.0 - i
    p = v * (1 - s)
    q = v * (1 - s * f)
    t = v * (1 - s * (1 - f))
    # a NaN sector takes the first case, as the JS switch's default does
    r, g, b = {1.0: (q, v, p), 2.0: (p, v, t), 3.0: (p, q, v), 4.0: (t, p, v),
               5.0: (v, p, q)}.get(i, (v, t, p))
    return _floor(r * 255), _floor(g * 255), _floor(b * 255)


def rgb_to_hsv(rgb: RGB) -> RGB:
    """Color.rgbToHsv: (h in degrees, s 0..1, v 0..1); grey has hue 0."""
    r, g, b = rgb[0] / 255, rgb[1] / 255, rgb[2] / 255
    x = _min(_min(r, g), b)
    v = _max(_max(r, g), b)
    h = s = 0.0
    if x != v:  # true for NaN too, as JS's !==
        f = g - b if r == x else (b - r if g == x else r - g)
        i = 3 if r == x else (5 if g == x else 1)
        h = _mod((i - f / (v - x)) * 60, 360.0)
        s = (v - x) / v
    return h, s, v


def _mix(rgb0: RGB, rgb1: RGB, fraction1: float) -> RGB:
    if fraction1 <= 0:
        return rgb0
    if fraction1 >= 1:
        return rgb1
    fraction0 = 1 - fraction1
    return (fraction0 * rgb0[0] + fraction1 * rgb1[0], fraction0 * rgb0[1] + fraction1 * rgb1[1],
            fraction0 * rgb0[2] + fraction1 * rgb1[2])


_BLACK: RGB = (0.0, 0.0, 0.0)
_WHITE: RGB = (255.0, 255.0, 255.0)


# -- the pen's own arithmetic -----------------------------------------------------------------
def _update_color(s: PenState) -> None:
    r, g, b = hsv_to_rgb(s.color * 360 / 100, s.saturation / 100, s.brightness / 100)
    s.color4f = [r / 255.0, g / 255.0, b / 255.0, 1.0 - s.transparency / 100.0]


def _set_or_change(s: PenState, param: Any, value: float, change: bool) -> None:
    # the menu value is matched exactly (===): "COLOR" or a number changes nothing
    if param == "color" and isinstance(param, str):
        s.color = _wrap_color(value + (s.color if change else 0))
    elif param in PARAMS[1:] and isinstance(param, str):
        setattr(s, param, _clamp(value + (getattr(s, param) if change else 0), 0.0, 100.0))
    _update_color(s)


def _legacy_update(s: PenState) -> None:
    """The Scratch 2 "shade" model: mix the full hue with black or white."""
    rgb = hsv_to_rgb(s.color * 360 / 100, 1.0, 1.0)
    shade = 200 - s.shade if s.shade > 100 else s.shade
    if shade < 50:
        mixed = _mix(_BLACK, rgb, (10 + shade) / 60)
    else:
        mixed = _mix(rgb, _WHITE, (shade - 50) / 60)
    h, sat, v = rgb_to_hsv(mixed)
    s.color = 100 * h / 360
    s.saturation = 100 * sat
    s.brightness = 100 * v
    _update_color(s)


# -- the blocks -------------------------------------------------------------------------------
def pen_down(t: Target) -> None:
    state(t).down = True


def pen_up(t: Target) -> None:
    state(t).down = False


def set_color(t: Target, colour: Any) -> None:
    s = state(t)
    rgb, alpha = to_rgb(colour)
    h, sat, v = rgb_to_hsv(rgb)
    s.color = h / 360 * 100
    s.saturation = sat * 100
    s.brightness = v * 100
    s.transparency = 100 * (1 - alpha / 255.0) if alpha is not None else 0.0
    s.shade = s.brightness / 2
    _update_color(s)


def change_param(t: Target, param: Any, value: Any) -> None:
    _set_or_change(state(t), param, to_number(value), True)


def set_param(t: Target, param: Any, value: Any) -> None:
    _set_or_change(state(t), param, to_number(value), False)


def change_size(t: Target, by: Any) -> None:
    s = state(t)
    s.diameter = _clamp(s.diameter + to_number(by), SIZE_MIN, SIZE_MAX)


def set_size(t: Target, size: Any) -> None:
    state(t).diameter = _clamp(to_number(size), SIZE_MIN, SIZE_MAX)


def set_hue(t: Target, hue: Any) -> None:
    s = state(t)
    _set_or_change(s, "color", to_number(hue) / 2, False)
    _set_or_change(s, "transparency", 0.0, False)
    _legacy_update(s)


def change_hue(t: Target, by: Any) -> None:
    s = state(t)
    _set_or_change(s, "color", to_number(by) / 2, True)
    _legacy_update(s)


def _set_shade(s: PenState, shade: float) -> None:
    shade = _mod(shade, 200.0)
    if shade < 0:
        shade += 200
    s.shade = shade
    _legacy_update(s)


def set_shade(t: Target, shade: Any) -> None:
    _set_shade(state(t), to_number(shade))


def change_shade(t: Target, by: Any) -> None:
    s = state(t)
    # scratch-vm passes the sum through Cast.toNumber again: a NaN shade starts over at 0
    _set_shade(s, to_number(s.shade + to_number(by)))
