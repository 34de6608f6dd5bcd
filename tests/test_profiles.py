"""Sensory profiles are data, documented from the data; the calm palette softens colours."""

from __future__ import annotations

from pathlib import Path

from dojokit.robot.profiles import PROFILES, profiles_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "profiles.md"


def test_the_docs_show_the_profiles_as_they_are():
    assert profiles_markdown() in DOC.read_text(encoding="utf-8")


def test_the_calm_palette_keeps_hues_and_never_shows_saturated_red():
    calm = PROFILES["calm"]
    for rgb in [(255, 0, 0), (200, 10, 0), (255, 0, 40)]:
        r, g, b = calm.colour(rgb)
        assert r / (r + g + b) < 0.8  # still reddish, never WCAG's saturated red
    assert calm.colour((0, 255, 0)) == (0, 200, 80)
    assert calm.colour((0, 0, 0)) == (0, 0, 0)  # off stays off
    assert PROFILES["standard"].colour((255, 0, 0)) == (255, 0, 0)
