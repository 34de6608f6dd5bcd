"""Scratch value casting, matching scratch-vm's Cast (src/util/cast.js) bit for bit.

Scratch values in the runtime are ``float`` (every number is an IEEE double, as in JS),
``str`` or ``bool``. Numbers may also arrive as ``int`` from project.json; they are
treated exactly like the equal float. Results that are numbers are always ``float``.

Strings follow JavaScript, whose strings are UTF-16: where that differs from Python's
code points (length, indexing, ordering of characters outside the BMP) the helpers here
count UTF-16 code units.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from random import Random
from typing import Final, Literal

LIST_ALL: Final = "ALL"
LIST_INVALID: Final = "INVALID"

_NAN: Final = math.nan
_INF: Final = math.inf
_TWO53: Final = 9007199254740992.0

# JS String.prototype.trim and Number() strip exactly this set (WhiteSpace + LineTerminator);
# Python's str.strip() would also strip U+001C..U+001F and U+0085, and not U+FEFF.
JS_WHITESPACE: Final = (
    "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)

# StrDecimalLiteral: ASCII digits only, no "_" separators, "Infinity" spelled exactly
_DECIMAL: Final = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", re.ASCII)
# prefixed integer literals take no sign in Number()
_RADIX: Final = re.compile(r"0(?:[xX]([0-9a-fA-F]+)|[oO]([0-7]+)|[bB]([01]+))")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _int_to_float(v: int) -> float:
    try:
        return float(v)
    except OverflowError:  # JSON.parse would have given +-Infinity
        return _INF if v > 0 else -_INF


@lru_cache(maxsize=4096)
def _parse_number(s: str) -> float:
    """JS ``Number(s)``: NaN when the string is not a numeric literal."""
    t = s.strip(JS_WHITESPACE)
    if not t:
        return 0.0
    if _DECIMAL.fullmatch(t):
        return float(t)
    m = _RADIX.fullmatch(t)
    if m:
        hex_digits, oct_digits, bin_digits = m.groups()
        if hex_digits is not None:
            return _int_to_float(int(hex_digits, 16))
        if oct_digits is not None:
            return _int_to_float(int(oct_digits, 8))
        return _int_to_float(int(bin_digits, 2))
    return _NAN


def js_number(v: object) -> float:
    """JS ``Number(v)`` (NaN stays NaN); the cast Scratch's compare starts from."""
    if type(v) is float:
        return v
    if type(v) is str:
        return _parse_number(v)
    if type(v) is bool:
        return 1.0 if v else 0.0
    if type(v) is int:
        return _int_to_float(v)
    if v is None:
        return 0.0
    return _NAN


def to_number_slow(v: object) -> float:
    """to_number for compiled code, which has already handled a float: text first, in one
    call (the cached parse), since variables often hold numbers as text."""
    if type(v) is str:
        n = _parse_number(v)
        return n if n == n else 0.0
    return to_number(v)


def to_number(v: object) -> float:
    """Cast.toNumber: like JS ``Number(v)`` but NaN becomes 0."""
    if type(v) is float:
        return v if v == v else 0.0
    n = js_number(v)
    return n if n == n else 0.0


@lru_cache(maxsize=4096)  # 0.0 and -0.0 share an entry, which is right: both print "0"
def _format_number(v: float) -> str:
    """JS Number.prototype.toString() (radix 10)."""
    if v.is_integer() and -_TWO53 < v < _TWO53:
        return str(int(v))  # exact and shortest below 2**53; also turns -0 into "0"
    if v != v:
        return "NaN"
    if v == _INF:
        return "Infinity"
    if v == -_INF:
        return "-Infinity"
    # repr gives the shortest round-trip digits, the same digits JS picks
    r = repr(v)
    sign = ""
    if r[0] == "-":
        sign = "-"
        r = r[1:]
    mantissa, _, exp = r.partition("e")
    int_part, _, frac = mantissa.partition(".")
    digits = int_part + frac
    point = len(int_part) + (int(exp) if exp else 0)  # decimal point position after digit 0
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    exp_text = ("e+" if e >= 0 else "e-") + str(abs(e))
    if k == 1:
        return sign + digits + exp_text
    return sign + digits[0] + "." + digits[1:] + exp_text


def to_string(v: object) -> str:
    """Cast.toString, i.e. JS ``String(v)``."""
    if type(v) is str:
        return v
    if type(v) is float:
        return _format_number(v)
    if type(v) is bool:
        return "true" if v else "false"
    if type(v) is int:
        return _format_number(_int_to_float(v))
    if v is None:
        return "null"
    return str(v)


class Undefined:
    """JavaScript's `undefined`, where it differs from None (JSON null): what a block
    scratch-vm does not know reports (issue 13). String() makes "undefined" of it, Number()
    NaN, and it is false."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"


UNDEFINED = Undefined()


def to_boolean(v: object) -> bool:
    """Cast.toBoolean: "", "0" and any-case "false" are false; other strings true."""
    if type(v) is bool:
        return v
    if type(v) is str:
        # lower-casing never shortens a string, so only 5-character strings can be "false"
        return not (v == "" or v == "0" or (len(v) == 5 and v.lower() == "false"))
    if type(v) is float:
        return v == v and v != 0.0
    if type(v) is int:
        return v != 0
    return v is not None and v is not UNDEFINED


def is_whitespace(v: object) -> bool:
    """Cast.isWhiteSpace: None, or a string that JS ``trim()`` empties."""
    if v is None:
        return True
    return type(v) is str and not v.strip(JS_WHITESPACE)


def is_int(v: object) -> bool:
    """Cast.isInt: does the value look like an integer (decides random's int/float mode)."""
    if type(v) is float:
        # scratch-vm checks v === parseInt(String(v)); from 1e21 on String(v) is exponent form
        return v != v or (v.is_integer() and abs(v) < 1e21)
    if type(v) is bool:
        return True
    if type(v) is int:
        return abs(_int_to_float(v)) < 1e21
    if type(v) is str:
        return "." not in v
    return False


def utf16_length(s: str) -> int:
    """Length in UTF-16 code units, as JS ``s.length``."""
    if s.isascii():
        return len(s)
    return len(s.encode("utf-16-le", "surrogatepass")) >> 1


def fix_surrogates(s: str) -> str:
    """Join adjacent lone surrogate halves into one character (JS sees no difference)."""
    if s.isascii() or not _SURROGATE.search(s):
        return s
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def _string_order(a: str, b: str) -> int:
    """-1, 0 or 1 by UTF-16 code units, the order of JS ``<`` on strings."""
    if a == b:
        return 0
    if a.isascii() and b.isascii():
        return -1 if a < b else 1
    ua = a.encode("utf-16-be", "surrogatepass")
    ub = b.encode("utf-16-be", "surrogatepass")
    return -1 if ua < ub else 1


def compare(a: object, b: object) -> float:
    """Cast.compare: negative, zero or positive, like ``a - b``.

    Numeric when both sides are numbers or numeric strings (whitespace-only strings do
    not count); otherwise a case-insensitive string comparison.
    """
    ta = type(a)
    n1 = a if ta is float else compare_view(a) if ta is str else _other_view(a)
    tb = type(b)
    n2 = b if tb is float else compare_view(b) if tb is str else _other_view(b)
    if n1 != n1 or n2 != n2:
        return float(_string_order(to_string(a).lower(), to_string(b).lower()))
    if n1 == n2 and (n1 == _INF or n1 == -_INF):
        return 0.0  # where n1 - n2 would be NaN
    return n1 - n2  # type: ignore[operator,no-any-return]  # -0 for -0 vs 0, as scratch-vm


@lru_cache(maxsize=8192)
def compare_view(s: str) -> float:
    """The number a string compares as; NaN when it compares as text (blank strings too).
    Cached: scripts compare the same few strings over and over."""
    n = _parse_number(s)
    if n == 0 and not s.strip(JS_WHITESPACE):
        return _NAN
    return n


def _other_view(v: object) -> float:
    n = js_number(v)
    return _NAN if n == 0 and is_whitespace(v) else n


def to_list_index(
    index: object, length: int, accept_all: bool, rng: Random
) -> int | Literal["ALL", "INVALID"]:
    """Cast.toListIndex: a 1-based index, LIST_ALL or LIST_INVALID.

    "last", "random"/"any" and "all" are matched exactly (case-sensitive); other values
    are cast to a number and floored. ``rng`` draws the "random" index.
    """
    if type(index) is not float and type(index) is not int:
        if index == "all":
            return LIST_ALL if accept_all else LIST_INVALID
        if index == "last":
            return length if length > 0 else LIST_INVALID
        if index == "random" or index == "any":
            if length > 0:
                return 1 + math.floor(rng.random() * length)
            return LIST_INVALID
    n = to_number(index)
    if not (1.0 <= n < length + 1):  # also rejects +-Infinity
        return LIST_INVALID
    return math.floor(n)


# -- colours (Cast.toRgbColorObject, src/util/color.js) -----------------------------------------
_HEX3: Final = re.compile(r"#?([a-f0-9])([a-f0-9])([a-f0-9])", re.IGNORECASE | re.ASCII)
_HEX6: Final = re.compile(r"#?([a-f0-9]{2})([a-f0-9]{2})([a-f0-9]{2})", re.IGNORECASE | re.ASCII)


def _hex_to_rgb(text: str) -> tuple[float, float, float] | None:
    # JS's `^...$` without the m flag: the whole text (Python's `$` would allow a final \n)
    m3 = _HEX3.fullmatch(text)
    if m3:
        text = "".join(c + c for c in m3.groups())
    m = _HEX6.fullmatch(text)
    return (float(int(m[1], 16)), float(int(m[2], 16)), float(int(m[3], 16))) if m else None


def _to_int32(x: float) -> int:
    if not math.isfinite(x):
        return 0
    n = int(x) & 0xFFFFFFFF
    return n - (1 << 32) if n >= 1 << 31 else n


def to_rgb(value: object) -> tuple[tuple[float, float, float], float | None]:
    """Cast.toRgbColorObject: (r, g, b) and the alpha 0..255, None when the colour has none:
    '#rrggbb' or '#rgb' text (other '#' text is opaque black), else a number 0xAARRGGBB."""
    if isinstance(value, str) and value[:1] == "#":
        rgb = _hex_to_rgb(value)
        return (rgb, None) if rgb is not None else ((0.0, 0.0, 0.0), 255.0)
    d = _to_int32(to_number(value))
    a = (d >> 24) & 0xFF
    return ((float((d >> 16) & 0xFF), float((d >> 8) & 0xFF), float(d & 0xFF)),
            float(a) if a > 0 else 255.0)
