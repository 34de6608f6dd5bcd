"""Colours are named as a child names them, from what the program asked for: the calm
profile's palette keeps every name, and a light check judges the asked colour."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dojokit.colour_names import (
    PICKER_HUES,
    PICKER_SATURATIONS,
    colour_name,
    picker_choices,
    picker_rgb,
)
from dojokit.robot.profiles import PROFILES
from dojokit.themebox import load_box
from dojokit.themebox.format import COLOURS, colour_label
from dojokit.themebox.grade import grade

ROOT = Path(__file__).resolve().parents[1]
CALM = PROFILES["calm"]

# Scratch's picker (hue, saturation at brightness 100) as a child names what it shows; the
# cards' words: cyan is "light blue". Written by hand, not from the rule.
PICKER_NAMES = {  # hue: (saturation 100, 50, 30)
    0: ("red", "pink", "pink"),
    5: ("red", "pink", "pink"),
    10: ("orange", "orange", "orange"),
    15: ("yellow", "yellow", "yellow"),
    20: ("green", "green", "green"),
    25: ("green", "green", "green"),
    30: ("green", "green", "green"),
    35: ("green", "green", "green"),
    40: ("green", "green", "green"),
    45: ("green", "green", "green"),
    50: ("cyan", "cyan", "cyan"),
    55: ("cyan", "cyan", "cyan"),
    60: ("blue", "cyan", "cyan"),
    65: ("blue", "cyan", "cyan"),
    70: ("blue", "purple", "purple"),
    75: ("purple", "purple", "purple"),
    80: ("purple", "purple", "purple"),
    85: ("pink", "pink", "pink"),
    90: ("pink", "pink", "pink"),
    95: ("red", "pink", "pink"),
}

# colours people type or pick by name, as a child calls them
NAMED = {
    (255, 165, 0): "orange",  # CSS/HTML "orange", the standard orange
    (255, 140, 0): "orange",  # dark orange
    (255, 215, 0): "yellow",  # gold
    (255, 255, 0): "yellow",
    (173, 216, 230): "cyan",  # CSS "lightblue": light blue, not white
    (135, 206, 235): "cyan",  # sky blue
    (0, 0, 255): "blue",
    (128, 0, 128): "purple",
    (255, 192, 203): "pink",
    (255, 105, 180): "pink",  # hot pink
    (255, 0, 0): "red",
    (0, 128, 0): "green",
    (255, 255, 255): "white",
    (128, 128, 128): "white",  # grey: a dim white on a light
    (0, 0, 0): "off",
}


def _grid() -> list[tuple[int, int, int]]:
    """Every whole hue step of the picker, at many saturations and brightnesses."""
    return [picker_rgb(h, s, v) for h in range(100) for s in range(0, 101, 5)
            for v in (5, 20, 50, 80, 100)]


def test_every_card_colour_has_its_own_name():
    for name, rgb in COLOURS.items():
        assert colour_name(rgb) == name


def test_scratch_picker_choices_are_named_as_a_child_would():
    assert [h for h in PICKER_HUES] == list(PICKER_NAMES)
    for hue, saturation, rgb in picker_choices():
        want = PICKER_NAMES[hue][PICKER_SATURATIONS.index(saturation)]
        assert colour_name(rgb) == want, (hue, saturation, rgb)
    assert picker_rgb(0, 0, 0) == (0, 0, 0) and colour_name(picker_rgb(40, 80, 0)) == "off"
    assert colour_name(picker_rgb(60, 10, 100)) == "white"  # hardly any colour left


def test_a_pale_light_blue_from_the_picker_is_light_blue_not_white():
    pale = picker_rgb(55, 30, 100)  # #b2e8ff
    assert colour_name(pale) == "cyan"
    assert colour_label(colour_name(pale), "en") == "light blue"
    assert colour_name(CALM.colour(pale)) == "cyan"


@pytest.mark.parametrize(("rgb", "name"), NAMED.items())
def test_well_known_colours(rgb, name):
    assert colour_name(rgb) == name


def test_brightness_does_not_change_a_name():
    # the picker's common hues (a whole step right at a range's edge may round either way)
    for h in PICKER_HUES:
        for s in (30, 70, 100):
            names = {colour_name(picker_rgb(h, s, v)) for v in (40, 70, 100)}
            assert len(names) == 1, (h, s, names)


def test_the_calm_palette_shows_every_colour_under_its_own_name():
    inputs = _grid() + [rgb for _, _, rgb in picker_choices()] + list(COLOURS.values())
    inputs += list(NAMED)
    for rgb in inputs:
        assert colour_name(CALM.colour(rgb)) == colour_name(rgb), rgb
    # a soft orange for the standard orange, never the palette's yellow
    assert CALM.colour((255, 165, 0)) == dict(CALM.palette)["orange"]
    assert CALM.colour((255, 165, 0)) != dict(CALM.palette)["yellow"]


def test_the_calm_palette_has_a_colour_for_every_name_but_off():
    assert {n for n, _ in CALM.palette} == set(COLOURS) - {"off"}


def _variant(tmp_path: Path, box_id: str, program: str, swap: dict[str, str]) -> Path:
    """A shipped model program with some colours swapped, written to tmp_path."""
    text = (ROOT / "themeboxes" / box_id / program).read_text(encoding="utf-8")
    for old, new in swap.items():
        assert old in text
        text = text.replace(old, new)
    out = tmp_path / "project.json"
    out.write_text(text, encoding="utf-8")
    return out


def test_a_program_asking_the_standard_orange_passes_an_orange_check(tmp_path):
    box = load_box(ROOT / "themeboxes" / "traffic_light")
    ex = box.exercise("three-colours")
    assert box.profile == "calm"
    program = _variant(tmp_path, "traffic_light", "programs/three-colours/model.json",
                       {"#ff8c00": "#ffa500"})
    verdict, trace = grade(box, ex, program)
    assert verdict.finished, verdict.feedback("en")
    # what the robot showed stays in the trace for the teacher: a soft orange
    asked = [e for e in trace["events"] if e["kind"] == "light" and e.get("asked")
             == [255, 165, 0]]
    assert asked and all(colour_name(tuple(e["colour"])) == "orange" for e in asked)


def test_a_pale_light_blue_passes_a_light_blue_step(tmp_path):
    box = load_box(ROOT / "themeboxes" / "lighthouse")
    ex = box.exercise("colour-steps")
    program = _variant(tmp_path, "lighthouse", "programs/colour-steps/model.json",
                       {"#00c8dc": "#b2e8ff"})
    verdict, _ = grade(box, ex, program)
    assert verdict.finished, verdict.feedback("en")


def test_the_docs_list_the_picker_choices_with_their_names():
    doc = (ROOT / "docs" / "themeboxes.md").read_text(encoding="utf-8")
    for hue, names in PICKER_NAMES.items():
        cells = [f"`#{r:02x}{g:02x}{b:02x}` {colour_label(n, 'en')}"
                 for (r, g, b), n in zip((picker_rgb(hue, s, 100) for s in PICKER_SATURATIONS),
                                         names, strict=True)]
        assert f"| {hue} | " + " | ".join(cells) + " |" in doc
    assert json.dumps("light blue")[1:-1] in doc
