"""The printable legend card: every profile and language renders, names every state in
that language, shows each colour as the robot shows it under the profile's cap, and never
makes "not yet" red."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dojokit.feedback import STATES
from dojokit.i18n import LANGUAGES, catalog
from dojokit.legend import capped, css_colour, legend_html, write_legends
from dojokit.robot.profiles import PROFILES

I18N = Path(__file__).resolve().parents[1] / "host" / "dojokit" / "i18n"
PAIRS = [(p, lang) for p in PROFILES for lang in LANGUAGES]
NBSP = "\u00a0"
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "source", "wbr"}


class Card(HTMLParser):
    """Parses a card: checks tags nest and close, and collects each state row's light
    colour, word and all of its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.tags: list[str] = []
        self.doctype = ""
        self.html_lang = ""
        self.title = ""
        self.style = ""
        self.rows: dict[str, dict[str, str]] = {}
        self._row: str | None = None
        self._row_depth = 0
        self._in: str | None = None  # "title", "style" or "word"

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.html_lang = a.get("lang") or ""
        if tag in ("title", "style"):
            self._in = tag
        if tag == "tr" and a.get("data-state"):
            state = a["data-state"] or ""
            if state in self.rows:
                self.problems.append(f"state {state} twice")
            self.rows[state] = {"light": "", "word": "", "text": ""}
            self._row, self._row_depth = state, len(self.stack)
        if self._row and "light" in (a.get("class") or "").split():
            m = re.search(r"background-color:\s*(#[0-9a-f]{6})", a.get("style") or "")
            self.rows[self._row]["light"] = m.group(1) if m else ""
        if self._row and a.get("class") == "word":
            self._in = "word"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()
        if tag in ("title", "style", "span"):
            self._in = None
        if tag == "tr" and self._row and len(self.stack) == self._row_depth:
            self._row = None

    def handle_data(self, data: str) -> None:
        data = data.replace(NBSP, " ")  # read as a person reads it: a space is a space
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self.style += data
        if self._row:
            self.rows[self._row]["text"] += data
            if self._in == "word":
                self.rows[self._row]["word"] += data


def plain(html: str) -> str:
    """The card's text with its no-break spaces read as spaces."""
    return html.replace(NBSP, " ")


def parse(html: str) -> Card:
    card = Card()
    card.feed(html)
    card.close()
    return card


def is_red(rgb: tuple[int, int, int]) -> bool:
    """Red or near it: saturated red by WCAG's rule, or a hue within 20 degrees of red."""
    r, g, b = rgb
    if r and r * 5 >= (r + g + b) * 4:
        return True
    hi, lo = max(rgb), min(rgb)
    if hi == lo or hi != r:
        return False
    hue = 60 * ((g - b) / (hi - lo)) % 360
    return hue < 20 or hue > 340


def rgb_of(css: str) -> tuple[int, int, int]:
    return (int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16))


@pytest.mark.parametrize(("profile", "lang"), PAIRS)
def test_card_is_well_formed_html(profile: str, lang: str) -> None:
    html = legend_html(profile, lang)
    card = parse(html)
    assert card.doctype.lower() == "doctype html"
    assert card.problems == []
    assert card.stack == [], f"left open: {card.stack}"
    assert card.tags[:2] == ["html", "head"]
    assert card.html_lang == lang
    assert card.title.strip()
    assert '<meta charset="utf-8">' in html
    # print-friendly and A4, colours kept when printing
    assert "@page" in card.style and "A4" in card.style
    assert "print-color-adjust: exact" in card.style
    # self-contained: nothing fetched from elsewhere
    for tag in ("script", "link", "img", "iframe", "object"):
        assert tag not in card.tags
    assert "url(" not in html and "http://" not in html and "https://" not in html
    # no text left untranslated or unformatted
    assert "legend." not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    assert "{" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)


@pytest.mark.parametrize(("profile", "lang"), PAIRS)
def test_every_state_with_its_word_and_capped_colour(profile: str, lang: str) -> None:
    card = parse(legend_html(profile, lang))
    cap = PROFILES[profile].brightness_cap
    assert list(card.rows) == [name for name, _, _ in STATES]
    for name, rgb, _ in STATES:
        row = card.rows[name]
        # the word the simulator's banner shows, in this language
        assert row["word"] == catalog(lang)[f"view.state.{name}"]
        assert row["text"].strip() != row["word"]  # and a meaning beside it
        want = capped(rgb, cap)
        assert row["light"] == css_colour(want)
        assert max(want) <= cap
        assert f"background-color: {css_colour(want)}" in legend_html(profile, lang)


def test_colours_follow_the_firmware_rule() -> None:
    # the firmware guard's integer rule (dk_guard.Guard.light): scale by cap / max, floor
    assert capped((0, 80, 255), 120) == (0, 80 * 120 // 255, 120)
    assert capped((255, 170, 0), 200) == (200, 170 * 200 // 255, 0)
    assert capped((10, 20, 30), 120) == (10, 20, 30)  # dim enough already: unchanged
    pygame = pytest.importorskip("pygame")
    assert pygame  # the simulator's banner uses the same rule
    from dojokit.sim.view import capped as view_capped

    for _, rgb, _ in STATES:
        for p in PROFILES.values():
            assert capped(rgb, p.brightness_cap) == view_capped(rgb, p.brightness_cap)


@pytest.mark.parametrize(("profile", "lang"), PAIRS)
def test_not_yet_is_never_red(profile: str, lang: str) -> None:
    card = parse(legend_html(profile, lang))
    shown = rgb_of(card.rows["not_yet"]["light"])
    assert not is_red(shown), shown
    # and the card's own words do not call it red
    red = {"en": "red", "nl": "rood", "fr": "rouge"}[lang]
    meaning = catalog(lang)["legend.state.not_yet"].lower()
    assert red not in meaning


def test_is_red_helper() -> None:
    assert is_red((255, 0, 0)) and is_red((120, 0, 0)) and is_red((255, 40, 30))
    assert not is_red((255, 170, 0)) and not is_red((0, 200, 80)) and not is_red((0, 0, 0))


def test_profiles_are_described_from_their_numbers() -> None:
    calm = parse(legend_html("calm", "en"))
    assert calm.rows  # parsed
    text = plain(legend_html("calm", "en"))
    assert "47%" in text  # 120 of 255
    assert "at least 1 s" in text and "silent" in text
    std = plain(legend_html("standard", "en"))
    assert "78%" in std and "3 times in one second" in std and "Sound is on" in std
    assert "minstens 1 s" in plain(legend_html("calm", "nl"))  # 1 s, not 1.0 s
    assert "au moins 1 s" in plain(legend_html("calm", "fr"))


def test_unknown_profile_or_language() -> None:
    with pytest.raises(ValueError, match="profile"):
        legend_html("loud", "en")
    with pytest.raises(ValueError, match="language"):
        legend_html("calm", "de")


def test_write_legends_names_every_pair(tmp_path: Path) -> None:
    folder = tmp_path / "cards"  # made when missing
    paths = write_legends(folder)
    names = [p.name for p in paths]
    assert names == [f"legend-{p}.{lang}.html" for p, lang in PAIRS]
    assert len(set(names)) == len(PROFILES) * len(LANGUAGES) == 6
    for path, (p, lang) in zip(paths, PAIRS, strict=True):
        assert path.parent == folder
        assert path.read_text(encoding="utf-8") == legend_html(p, lang)
    assert sorted(folder.iterdir()) == sorted(paths)
    # writing again replaces the cards, nothing else
    assert write_legends(folder) == paths


def test_catalogs_have_the_same_keys() -> None:
    keys = {lang: set(json.loads((I18N / f"legend.{lang}.json").read_text("utf-8")))
            for lang in LANGUAGES}
    assert keys["nl"] == keys["fr"] == keys["en"]
    assert all(k.startswith("legend.") for k in keys["en"])
    for name, _, _ in STATES:
        assert f"legend.state.{name}" in keys["en"] and f"legend.sign.{name}" in keys["en"]
    for p in PROFILES:
        assert f"legend.profile.{p}" in keys["en"]
    for lang in LANGUAGES:
        text = " ".join(json.loads((I18N / f"legend.{lang}.json").read_text("utf-8")).values())
        assert not re.search(r"\b(wrong|fout|faux|mistake|erreur)\b", text, re.I)
