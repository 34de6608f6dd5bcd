"""Comparing values the way the scratch-vm vectors need (shared by the vector tests)."""

from __future__ import annotations

import math
from typing import Any


def same(got: Any, want: Any) -> bool:
    """Equal as JS values: floats to the bit (NaN equals NaN, -0 differs from 0)."""
    if type(want) is float:
        if type(got) is not float:
            return False
        if want != want:
            return got != got
        return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)
    return type(got) is type(want) and got == want


_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}


def decode(v: Any) -> Any:
    """A JSON value from a vector file (tests/scratch_vectors/jsvalue.js wrote it) as a
    Scratch value: every number is a float, NaN, infinities and -0 come back."""
    if isinstance(v, dict):
        if "num" in v:
            return _SPECIAL[v["num"]]
        return [decode(x) for x in v["list"]]
    if type(v) is int:
        return float(v)
    return v
