"""The printables, checked by printing them: rendered to PDF with WeasyPrint and read back
with pypdf. The legend card is one A4 page for every profile and language; a box's exercise
cards are one A5 page each, in order, for every shipped box and language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
import weasyprint

from dojokit.feedback import STATES
from dojokit.i18n import LANGUAGES, catalog
from dojokit.legend import legend_html
from dojokit.robot.profiles import PROFILES
from dojokit.themebox import cards
from dojokit.themebox.format import ICONS, Box, list_boxes, load_box, pick

ROOT = Path(__file__).resolve().parents[1]
BOXES = list_boxes(ROOT / "themeboxes")
A4 = (595.28, 841.89)  # PDF points
A5 = (419.53, 595.28)


def pdf_pages(html: str) -> list[tuple[tuple[float, float], str]]:
    """Each printed page: its size in points and its text, spaces as a reader sees them."""
    reader = pypdf.PdfReader(BytesIO(weasyprint.HTML(string=html).write_pdf()))
    return [((float(p.mediabox.width), float(p.mediabox.height)),
             flat((p.extract_text() or "").replace("-\n", "-")))  # a line broke at a hyphen
            for p in reader.pages]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def same_size(got: tuple[float, float], want: tuple[float, float]) -> bool:
    return all(abs(g - w) < 1.0 for g, w in zip(got, want, strict=True))


# -- the legend card -------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("profile", PROFILES)
def test_legend_is_one_a4_page_with_everything_on_it(profile: str, lang: str) -> None:
    pages = pdf_pages(legend_html(profile, lang))
    assert len(pages) == 1, f"the {profile} legend in {lang} runs to {len(pages)} pages"
    (size, text), = pages
    assert same_size(size, A4), size
    # nothing a teacher needs was dropped to make it fit: every state's word and meaning,
    # what the profile does and the notes are on the page
    c = catalog(lang)
    for state, _, _ in STATES:
        assert flat(c[f"view.state.{state}"]) in text
        assert flat(c[f"legend.state.{state}"])[:40] in text
    assert flat(c["legend.title"]) in text
    for key in ("legend.notes", "legend.col.meaning"):
        assert flat(c[key]) in text
    assert text.count("255") >= 1  # the print note, with the profile's cap


# -- exercise cards --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("box", BOXES, ids=[b.id for b in BOXES])
def test_cards_are_one_a5_page_per_exercise_in_order(box: Box, lang: str) -> None:
    pages = pdf_pages(cards.cards_html(box, lang))
    total = len(box.exercises)
    assert len(pages) == total, f"{box.id} in {lang}: {len(pages)} pages for {total} cards"
    card_of = catalog(lang)["cards.card_of"]
    for n, ((size, text), ex) in enumerate(zip(pages, box.exercises, strict=True), 1):
        assert same_size(size, A5), size
        # page n is card n: its title, "card n of M" and every answer, fully on the page
        assert flat(pick(ex.title, lang)) in text
        assert card_of.format(n=n, total=total) in text
        for answer in (ex.card.what, *ex.card.steps, ex.card.done_when, ex.card.next):
            assert flat(pick(answer, lang)) in text
        for key in ("what", "steps", "done_when", "next"):
            assert flat(catalog(lang)[f"cards.label.{key}"]) in text


def test_cards_are_self_contained_large_and_labelled() -> None:
    box = load_box(ROOT / "themeboxes" / "traffic_light")
    for lang in LANGUAGES:
        html = cards.cards_html(box, lang)
        assert f'<html lang="{lang}">' in html and '<meta charset="utf-8">' in html
        assert "@page { size: A5" in html
        for banned in ("<script", "<img", "<link", "url(", "http://", "https://", "@import"):
            assert banned not in html
        sizes = [float(s) for s in re.findall(r'class="card"[^>]*font-size: ([\d.]+)pt', html)]
        assert len(sizes) == len(box.exercises)
        assert min(sizes) >= 14  # large type for children, on every card
        # each card shows its picture, described in the card's language
        for ex in box.exercises:
            assert f'aria-label="{catalog(lang)[f"cards.icon.{ex.card.icon}"]}"' in html
        assert "cards." not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)
        assert "{" not in re.sub(r"<style>.*?</style>", "", html, flags=re.S)


def test_every_icon_has_a_drawing_and_a_description() -> None:
    assert set(cards.ICON_SVG) == set(ICONS)
    for lang in LANGUAGES:
        keys = {k for k in catalog(lang) if k.startswith("cards.icon.")}
        assert keys == {f"cards.icon.{name}" for name in ICONS}
    for name in ICONS:
        svg = cards.icon_svg(name, "x")
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        # black and white: only the ink, white and one grey
        colours = set(re.findall(r"#[0-9a-f]{6}", svg))
        assert colours <= {cards.INK, "#ffffff", cards.GREY}, (name, colours)


def test_cards_catalogs_have_the_same_keys() -> None:
    keys = [{k for k in catalog(lang) if k.startswith("cards.")} for lang in LANGUAGES]
    assert keys[0] == keys[1] == keys[2]
    for lang in LANGUAGES:
        text = " ".join(v for k, v in catalog(lang).items() if k.startswith("cards."))
        assert not re.search(r"\b(wrong|fout|faux|mistake|erreur)\b", text, re.I)


WORDS = ("zet", "de", "lampjes", "op", "groen", "wacht", "drie", "seconden", "en", "kijk", "wat",
         "robot", "doet", "daarna", "rood")


def _words(length: int, seed: int) -> str:
    out: list[str] = []
    i = seed
    while len(" ".join(out)) < length:
        out.append(WORDS[i % len(WORDS)])
        i += 7
    return " ".join(out)[:length].rstrip() + "."


def test_the_type_size_estimate_never_lets_a_card_run_over() -> None:
    """Longer cards than any shipped one: whenever the layout says a card fits at the type
    size it picked, the printed card is one page."""
    base = load_box(ROOT / "themeboxes" / "traffic_light")
    ex = base.exercises[0]
    fitting = []
    for n_steps in (3, 5, 7, 9):
        for length in (30, 60, 90, 120):
            def t(seed: int, length: int = length) -> dict[str, str]:
                return {lang: _words(length, seed) for lang in LANGUAGES}

            card = replace(ex.card, what=t(1), steps=tuple(t(i) for i in range(n_steps)),
                           done_when=t(2), next=t(3))
            long = replace(ex, title=t(4) if length <= 60 else ex.title, card=card)
            size = cards.type_size(long, "nl")
            if cards.card_height_mm(long, "nl", size) <= cards.BUDGET_MM:
                fitting.append(long)
    assert len(fitting) >= 5  # the check covers cards well past the shipped ones
    assert any(cards.type_size(e, "nl") == 14 for e in fitting)
    pages = pdf_pages(cards.cards_html(replace(base, exercises=tuple(fitting)), "nl"))
    assert len(pages) == len(fitting)


def test_short_cards_keep_the_largest_type() -> None:
    box = load_box(ROOT / "themeboxes" / "traffic_light")
    assert cards.type_size(box.exercises[0], "en") == cards.TYPE_SIZES[0]


# -- dojokit box cards -----------------------------------------------------------------------


def _dojokit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "host"), DOJOKIT_LANG="en")
    return subprocess.run([sys.executable, "-m", "dojokit", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def test_box_cards_writes_the_cards(tmp_path: Path) -> None:
    r = _dojokit("box", "cards", "traffic_light", "--lang", "fr", "fiches.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "fiches.html"
    html = out.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Feu de circulation" in html
    assert html.count('<section class="card"') == 5
    assert "fiches.html" in r.stdout and "5" in r.stdout  # says where, in French
    assert "fiches" in r.stdout and r.stderr == ""
    assert len(pdf_pages(html)) == 5


def test_box_cards_language_defaults_to_dojokits(tmp_path: Path) -> None:
    r = _dojokit("box", "cards", "lighthouse", "cards.html", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert '<html lang="en">' in (tmp_path / "cards.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", ["unknown box", "no folder", "a folder"])
def test_box_cards_user_mistakes(tmp_path: Path, case: str) -> None:
    box, out = {
        "unknown box": ("traffic_lights", "cards.html"),
        "no folder": ("traffic_light", str(tmp_path / "missing" / "cards.html")),
        "a folder": ("traffic_light", str(tmp_path)),
    }[case]
    r = _dojokit("box", "cards", box, out, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr  # one sentence
    assert r.stdout == ""
    if case == "unknown box":
        assert "traffic_light" in r.stderr  # names the boxes there are
        assert not (tmp_path / "cards.html").exists()
    else:
        assert out in r.stderr
