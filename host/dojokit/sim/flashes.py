"""Counting flashes in a light trace, the way WCAG 2.3.1 counts them.

A flash is a pair of opposing changes in brightness of 10 % or more of full scale: two
transitions make one flash.
"""

from __future__ import annotations

from collections.abc import Sequence

FULL = 255
SIGNIFICANT = 0.10 * FULL


def luminance(rgb: Sequence[int]) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def transitions(series: Sequence[tuple[float, float]]) -> list[float]:
    """Times at which the brightness in (t, brightness) points has moved by 10 % of full
    scale against its previous direction (or from the start): each is one transition.
    Small wiggles never count; a long fade counts once."""
    out: list[float] = []
    if not series:
        return out
    hi = lo = series[0][1]
    state = 0  # 1 after a rise was counted, -1 after a fall
    for t, v in series[1:]:
        hi = max(hi, v)
        lo = min(lo, v)
        if state != -1 and hi - v >= SIGNIFICANT:
            out.append(t)
            state = -1
            hi = lo = v
        elif state != 1 and v - lo >= SIGNIFICANT:
            out.append(t)
            state = 1
            hi = lo = v
    return out


def max_flashes_per_window(times: Sequence[float], window: float = 1.0) -> float:
    """The most flashes (transitions / 2) inside any window of `window` seconds."""
    best = 0
    j = 0
    for i in range(len(times)):
        while times[i] - times[j] > window:
            j += 1
        best = max(best, i - j + 1)
    return best / 2
