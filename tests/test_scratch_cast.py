"""dojokit.scratch.cast and .operators against scratch-vm itself.

tests/scratch_vectors/cast.json holds inputs and the outputs scratch-vm 5.0.300's own Cast,
operator and data-block code gave for them (written by make_cast_vectors.js under Node);
every case is checked here, numbers bit for bit (NaN, -0 and the last digit included).
The focused tests below spell out the famous cases and the quirks the runtime relies on.
"""

from __future__ import annotations

import json
import math
import random as random_module
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsvalues import decode, same

from dojokit.scratch import cast as C
from dojokit.scratch import operators as O

VECTORS = json.loads(
    (Path(__file__).parent / "scratch_vectors" / "cast.json").read_text(encoding="utf-8")
)
CASES: dict[str, list[list[Any]]] = VECTORS["cases"]
class FixedDraw(random_module.Random):
    """An rng whose random() is the value scratch-vm's stubbed Math.random returned."""

    def __init__(self, draw: float) -> None:
        super().__init__(0)
        self.draw = draw

    def random(self) -> float:
        return self.draw


class NoDraw(random_module.Random):
    def random(self) -> float:
        raise AssertionError("no random draw expected here")


def _list_index(index: Any, length: float, accept_all: bool) -> Any:
    return C.to_list_index(index, int(length), accept_all, NoDraw())


def _list_index_draw(draw: float, index: Any, length: float, accept_all: bool) -> Any:
    return C.to_list_index(index, int(length), accept_all, FixedDraw(draw))


FUNCTIONS: dict[str, Callable[..., Any] | list[Callable[..., Any]]] = {
    "to_number/to_string/to_boolean/is_int/is_whitespace": [
        C.to_number, C.to_string, C.to_boolean, C.is_int, C.is_whitespace,
    ],
    "compare/lt/equals/gt": [C.compare, O.lt, O.equals, O.gt],
    "add/subtract/multiply/divide/mod": [O.add, O.subtract, O.multiply, O.divide, O.mod],
    "and/or": [O.and_, O.or_],
    "not": O.not_,
    "mod": O.mod,
    "round": O.round_,
    "mathop": O.mathop,
    "to_fixed_10": O._to_fixed_10,
    "random_draw": lambda draw, a, b: O.random(FixedDraw(draw), a, b),
    "to_list_index": _list_index,
    "to_list_index_draw": _list_index_draw,
    "join": O.join,
    "length": O.length,
    "letter_of": O.letter_of,
    "contains": O.contains,
    "list_contents": O.list_contents,
}
# the first argument of these is not a Scratch value, so it gets no int variant
_NOT_A_VALUE = {"random_draw": 0, "to_list_index_draw": 0, "to_fixed_10": 0}


def _int_variant(name: str, args: list[Any]) -> list[Any] | None:
    """The args with integral floats as Python ints (as project.json can deliver them)."""
    def as_int(i: int, a: Any) -> Any:
        if _NOT_A_VALUE.get(name) == i or type(a) is not float:
            return a
        if a.is_integer() and abs(a) < 2**53 and math.copysign(1.0, a) > 0:
            return int(a)
        return a

    changed = [as_int(i, a) for i, a in enumerate(args)]
    return changed if any(type(a) is int for a in changed) else None


def test_every_vector_group_is_checked() -> None:
    assert VECTORS["scratch_vm"] == "5.0.300"
    assert set(CASES) == set(FUNCTIONS)
    assert sum(len(v) for v in CASES.values()) > 4000


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_matches_scratch_vm(name: str) -> None:
    fns = FUNCTIONS[name]
    fn_list = fns if isinstance(fns, list) else [fns]
    failures = []
    for raw_args, raw_want in CASES[name]:
        args = [decode(a) for a in raw_args]
        wants = [decode(w) for w in raw_want] if isinstance(fns, list) else [decode(raw_want)]
        if name.startswith("to_list_index"):  # indexes are ints, the rest 'ALL'/'INVALID'
            wants = [int(w) if type(w) is float else w for w in wants]
        variants = [args]
        int_args = _int_variant(name, args)
        if int_args is not None:
            variants.append(int_args)
        for fn, want in zip(fn_list, wants, strict=True):
            for call_args in variants:
                got = fn(*call_args)
                if not same(got, want):
                    failures.append(f"{fn.__name__}{tuple(call_args)!r} = {got!r}, "
                                    f"scratch-vm gives {want!r}")
    assert not failures, f"{len(failures)} mismatches:\n" + "\n".join(failures[:30])


def test_same_detects_bit_differences() -> None:
    # the vector check is only as strict as `same`
    assert not same(0.0, -0.0)
    assert not same(1.0, 1)
    assert not same(0.30000000000000004, 0.3)
    assert not same(True, 1.0)
    assert same(math.nan, math.nan)


# -- the famous cases -----------------------------------------------------------------------


def test_floating_point_sums_print_like_javascript() -> None:
    total = O.add(0.1, 0.2)
    assert total == 0.30000000000000004
    assert C.to_string(total) == "0.30000000000000004"
    assert C.to_string(O.add(1, 2)) == "3"
    assert type(O.add(1, 2)) is float  # ints from project.json never leak out


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (1e-7, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-1.5e300, "-1.5e+300"),
        (3.0, "3"),
        (-0.0, "0"),
        (0.5, "0.5"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (math.nan, "NaN"),
        (5e-324, "5e-324"),
        (2.0**53 + 2, "9007199254740994"),
        (True, "true"),
    ],
)
def test_to_string_formats_numbers_like_javascript(number: float, text: str) -> None:
    assert C.to_string(number) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("  12  ", 12.0),
        ("\u00a012\ufeff", 12.0),  # JS whitespace, which Python's strip() gets wrong
        ("\x1c12", 0.0),  # not JS whitespace, though Python strips it
        ("", 0.0),
        ("0x1F", 31.0),
        ("0b101", 5.0),
        ("0o17", 15.0),
        ("-0x10", 0.0),  # NaN: signed hex is not a number
        ("1_000", 0.0),
        ("\u0661", 0.0),  # Arabic-Indic one: Python's float() would take it
        ("Infinity", math.inf),
        ("-Infinity", -math.inf),
        ("inf", 0.0),
        ("+5", 5.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e3", 1000.0),
        ("1e", 0.0),
        (True, 1.0),
        (7, 7.0),
        (math.nan, 0.0),
    ],
)
def test_to_number(text: object, number: float) -> None:
    got = C.to_number(text)
    assert type(got) is float
    assert got == number


def test_mod_takes_the_sign_of_the_divisor() -> None:
    assert O.mod(-7, 3) == 2.0
    assert O.mod(7, -3) == -2.0
    assert O.mod(7.5, 2) == 1.5
    assert math.isnan(O.mod(5, 0))


def test_round_sends_halves_up() -> None:
    assert O.round_(-2.5) == -2.0
    assert O.round_(2.5) == 3.0
    assert O.round_(0.49999999999999994) == 0.0
    assert math.copysign(1.0, O.round_(-0.4)) == -1.0  # -0, as Math.round gives


def test_numeric_strings_compare_as_numbers() -> None:
    assert O.lt("10", "9") is False
    assert O.gt("10", "9") is True
    assert O.lt("a10", "a9") is True  # not numbers: compared as text
    assert O.equals("1.0", 1) is True
    assert O.equals("0x10", 16) is True


def test_equals_ignores_case_but_not_whitespace() -> None:
    assert O.equals("a", "A") is True
    assert O.equals("Straße", "STRASSE") is False  # lower-casing only, no case folding
    assert O.equals("", 0) is False  # "" is not the number 0 here: "" vs "0" as text
    assert O.equals(" ", 0) is False
    assert O.equals("", "") is True
    assert O.equals(math.nan, "nan") is True  # NaN is compared as the text "NaN"
    assert O.equals(math.inf, "Infinity") is True


def test_divide_by_zero_follows_ieee() -> None:
    assert O.divide(1, 0) == math.inf
    assert O.divide(-1, 0) == -math.inf
    assert O.divide(1, -0.0) == -math.inf
    assert math.isnan(O.divide(0, 0))
    assert math.isnan(O.subtract(math.inf, math.inf))


def test_nan_results_stay_nan_until_cast() -> None:
    root = O.mathop("sqrt", -1)
    assert math.isnan(root)
    assert C.to_string(root) == "NaN"
    assert O.add(root, 1) == 1.0


def test_letters_count_utf16_units() -> None:
    face = "😀"
    assert O.length(face) == 2.0
    assert O.length("a😀b") == 4.0
    first = O.letter_of(1, face + "a")
    second = O.letter_of(2, face + "a")
    assert (first, second) == ("\ud83d", "\ude00")  # halves, as JS charAt gives
    assert O.letter_of(3, face + "a") == "a"
    assert O.join(first, second) == face  # joined again into one character
    assert O.letter_of(0, "abc") == ""
    assert O.letter_of(1.9, "abc") == "a"
    assert O.contains("a😀b", second) is True


def test_trig_uses_degrees_and_exact_infinities() -> None:
    assert O.mathop("tan", 90) == math.inf
    assert O.mathop("tan", -270) == math.inf
    assert O.mathop("tan", 270) == -math.inf
    assert O.mathop("tan", 450) == math.inf
    assert O.mathop("tan", 45) == 1.0
    assert O.mathop("sin", 30) == 0.5  # 0.49999999999999994 before the 10-decimal rounding
    assert O.mathop("cos", 90) == 0.0
    assert O.mathop("asin", 1) == 90.0
    assert O.mathop("TAN", 90) == math.inf  # the menu value is matched case-insensitively
    assert O.mathop("nope", 5) == 0.0


def test_math_functions_round_like_v8() -> None:
    # V8's fdlibm, not the C library: both of these differ from math.pow / math.log10
    assert O.mathop("10 ^", -5) == 0.000009999999999999999
    assert C.to_string(O.mathop("10 ^", -5)) == "0.000009999999999999999"
    assert O.mathop("10 ^", 23) == 1e23
    assert O.mathop("log", 1000) == 2.9999999999999996
    assert O.mathop("ln", 0) == -math.inf
    assert math.isnan(O.mathop("ln", -1))
    assert O.mathop("e ^", 1000) == math.inf


def test_to_fixed_ties_round_away_from_zero() -> None:
    # 0.00048828125 is exactly between two 10-decimal values; Python's round() goes to even
    assert O._to_fixed_10(0.00048828125) == 0.0004882813
    assert O._to_fixed_10(-0.00048828125) == -0.0004882813
    assert O._to_fixed_10(0.1 + 0.2) == 0.3


def test_list_contents() -> None:
    assert O.list_contents(["a", "b", "c"]) == "abc"
    assert O.list_contents(["a", "bc"]) == "a bc"
    assert O.list_contents([1.0, 2.0, 3.0]) == "1 2 3"
    assert O.list_contents(["1", "2"]) == "12"
    assert O.list_contents([0.1 + 0.2, True]) == "0.30000000000000004 true"
    assert O.list_contents(["😀", "a"]) == "😀 a"  # an emoji is two letters long in JS
    assert O.list_contents([]) == ""


def test_to_boolean() -> None:
    assert C.to_boolean("FALSE") is False
    assert C.to_boolean("0") is False
    assert C.to_boolean("") is False
    assert C.to_boolean("0.0") is True
    assert C.to_boolean(" ") is True
    assert C.to_boolean(math.nan) is False
    assert C.to_boolean(2) is True


def test_is_int_decides_on_the_raw_value() -> None:
    assert C.is_int(1.0) is True
    assert C.is_int("1.0") is False
    assert C.is_int("abc") is True
    assert C.is_int(1e21) is False  # String(1e21) is "1e+21"
    assert C.is_int(10**21) is False
    assert C.is_int(math.nan) is True


# -- random, by its properties -----------------------------------------------------------


def test_random_between_integers_gives_integers_in_range() -> None:
    rng = random_module.Random(1)
    values = [O.random(rng, 1, 10) for _ in range(2000)]
    assert all(type(v) is float and v.is_integer() and 1 <= v <= 10 for v in values)
    assert set(values) == {float(i) for i in range(1, 11)}  # both ends are reachable
    assert set(O.random(rng, 10, 1) for _ in range(500)) <= set(values)  # reversed ends


def test_random_with_a_decimal_end_gives_decimals() -> None:
    rng = random_module.Random(2)
    values = [O.random(rng, 1, "10.0") for _ in range(500)]
    assert all(1 <= v < 10 for v in values)
    assert any(not v.is_integer() for v in values)
    assert all(-1 <= O.random(rng, -1, 0.5) <= 0.5 for _ in range(200))


def test_random_is_deterministic_with_a_seed() -> None:
    a = [O.random(random_module.Random(42), 0, 100) for _ in range(20)]
    b = [O.random(random_module.Random(42), 0, 100) for _ in range(20)]
    assert a == b
    assert O.random(random_module.Random(0), 5, "5") == 5.0  # no draw needed


def test_random_list_index_stays_in_the_list() -> None:
    rng = random_module.Random(3)
    picks = {C.to_list_index("random", 4, False, rng) for _ in range(300)}
    assert picks == {1, 2, 3, 4}
    assert C.to_list_index("any", 0, False, rng) == C.LIST_INVALID
    assert C.to_list_index("RANDOM", 4, False, NoDraw()) == C.LIST_INVALID  # case matters


# -- helpers the compiler uses ----------------------------------------------------------------


def test_repeat_times_rounds_like_math_round() -> None:
    assert O.repeat_times(3.5) == 4
    assert O.repeat_times("2.5") == 3
    assert O.repeat_times(-2) == 0
    assert O.repeat_times("abc") == 0
    assert O.repeat_times(math.inf) == sys.maxsize


def test_current_reads_local_time() -> None:
    sunday = datetime(2024, 3, 10, 14, 5, 9)
    assert O.current("dayofweek", sunday) == 1.0
    assert O.current("dayofweek", datetime(2024, 3, 16)) == 7.0  # Saturday
    assert O.current("YEAR", sunday) == 2024.0
    assert O.current("month", sunday) == 3.0
    assert O.current("date", sunday) == 10.0
    assert (O.current("hour", sunday), O.current("minute", sunday)) == (14.0, 5.0)
    assert O.current("second", sunday) == 9.0
    assert O.current("week", sunday) == 0.0
