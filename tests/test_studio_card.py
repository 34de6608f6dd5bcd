"""The studio's exercise card (issue 11): the four TEACCH answers on every exercise of every
shipped box, in nl, fr and en, at 100 % and 200 %, with no text cut off; the step checklist;
the "finished" place; the icons."""

from __future__ import annotations

import itertools
import json
import os
import re
import string
from dataclasses import replace

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame
import pytest

from dojokit.data import boxes_dir
from dojokit.i18n import LANGUAGES, catalog, text
from dojokit.studio.card import CardView
from dojokit.studio.icons import CARD_ICONS, CATEGORY_ICONS, ICONS, draw_icon
from dojokit.studio.theme import MIN_CONTRAST, THEMES, contrast, theme
from dojokit.themebox.format import ICONS as FORMAT_ICONS
from dojokit.themebox.format import list_boxes, pick

WIDTHS = {1.0: (1280, 1024, 800), 2.0: (1280,)}  # the studio's window widths per scale
TOP = 30  # the card is drawn a little below the surface's top: rects must follow


@pytest.fixture(scope="module", autouse=True)
def _pygame():
    pygame.display.init()
    pygame.font.init()
    yield
    pygame.display.quit()


BOXES = list_boxes(boxes_dir())
EXERCISES = [(b, e) for b in BOXES for e in b.exercises]


def _next_title(box, exercise, lang):
    return pick(box.exercise(exercise.next_exercise).title, lang) if exercise.next_exercise \
        else None


def _card(box, exercise, lang, scale, profile="calm"):
    return CardView(box, exercise, lang, scale, theme(profile),
                    _next_title(box, exercise, lang))


def _draw(view, width, steps_done=0, finished=False):
    h = view.height_for(width)
    surface = pygame.Surface((width, h + TOP + 20))
    surface.fill((0, 0, 0))
    rect = pygame.Rect(0, TOP, width, h)
    view.draw(surface, rect, steps_done, finished)
    return surface, rect


def _words(s: str) -> str:
    return " ".join(s.split())


def _answers(box, exercise, lang):
    c = exercise.card
    out = {"what": pick(c.what, lang), "done": pick(c.done_when, lang),
           "next": pick(c.next, lang)}
    out.update({f"step {i}": pick(s, lang) for i, s in enumerate(c.steps, 1)})
    return out


@pytest.mark.parametrize("box,exercise", EXERCISES, ids=[f"{b.id}/{e.id}" for b, e in EXERCISES])
def test_card_shows_all_four_answers_without_cutting_text(box, exercise):
    for lang in LANGUAGES:
        for scale, widths in WIDTHS.items():
            view = _card(box, exercise, lang, scale)
            for width in widths:
                _, rect = _draw(view, width, steps_done=1)
                lines = view.texts()
                drawn = _words(" ".join(s for s, _, _ in lines))
                # every answer, every step and every heading is there, word for word
                for name, answer in _answers(box, exercise, lang).items():
                    assert _words(answer) in drawn, (lang, scale, width, name)
                for key in ("what", "steps", "done_when", "next"):
                    assert _words(text(f"cards.label.{key}", lang)) in drawn, (lang, key)
                assert _words(text("studio_card.step_of", lang).format(
                    n=2, total=len(exercise.card.steps))) in drawn
                # each line is as wide as the font draws it and lies inside one answer's box,
                # inside the card: nothing is cut off
                boxes = [b.move(rect.topleft) for b in view.boxes(width).values()]
                for a, b in ((a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]):
                    assert not a.colliderect(b), (lang, scale, width)
                for s, r, f in lines:
                    assert r.size == f.size(s), s
                    assert rect.contains(r), (lang, scale, width, s)
                    home = [b for b in boxes if b.collidepoint(r.topleft)]
                    assert home and home[0].contains(r), (lang, scale, width, s, r)
                assert all(rect.contains(b) for b in boxes)


def test_the_longest_card_the_format_allows_still_fits():
    """Nine steps of 120 characters, a word longer than a column, a narrow window."""
    box, exercise = EXERCISES[0]
    long = {lang: ("Zet " + "x" * 60 + " en wacht. " + "heel lang " * 5).strip()[:120]
            for lang in LANGUAGES}
    card = replace(exercise.card, what=long, steps=(long,) * 9, done_when=long, next=long)
    exercise = replace(exercise, card=card)
    for scale, width in ((1.0, 1280), (2.0, 1280), (2.0, 800), (1.0, 400)):
        view = CardView(box, exercise, "nl", scale, theme("calm"), "Volgende")
        _, rect = _draw(view, width, steps_done=4)
        boxes = [b.move(rect.topleft) for b in view.boxes(width).values()]
        for s, r, f in view.texts():
            assert r.size == f.size(s)
            assert any(b.contains(r) for b in boxes), (scale, width, s)
        drawn = "".join("".join(s.split()) for s, _, _ in view.texts())
        assert drawn.count("x" * 60) == 12  # what, nine steps, done, next: every letter


@pytest.mark.parametrize("profile", sorted(THEMES))
def test_every_text_keeps_its_contrast(profile):
    for box, exercise in EXERCISES:
        for lang in LANGUAGES:
            view = _card(box, exercise, lang, 1.0, profile)
            for finished in (False, True):
                surface, _ = _draw(view, 1280, steps_done=1, finished=finished)
                for (s, r, _), (fg, bg) in zip(view.texts(), view.text_colours(), strict=True):
                    assert contrast(fg, bg) >= MIN_CONTRAST, (profile, s, fg, bg)
                    # the colour recorded is the colour on screen around the letters
                    assert tuple(surface.get_at(r.topleft))[:3] == bg, (profile, s)


def test_measured_pixels_keep_their_contrast():
    """On screen, not only in the table: every line's darkest pixel against its background."""
    box, exercise = EXERCISES[3]
    for lang in LANGUAGES:
        view = _card(box, exercise, lang, 1.0)
        surface, _ = _draw(view, 1280, steps_done=2)
        for (s, r, _), (_, bg) in zip(view.texts(), view.text_colours(), strict=True):
            best = max(contrast(tuple(surface.get_at((x, y)))[:3], bg)
                       for x in range(r.left, r.right) for y in range(r.top, r.bottom))
            assert best >= MIN_CONTRAST, (lang, s, best)


def test_card_grows_with_the_scale():
    for box, exercise in EXERCISES:
        small = _card(box, exercise, "fr", 1.0).height_for(1280)
        big = _card(box, exercise, "fr", 2.0).height_for(1280)
        assert big > small * 1.5
        assert _card(box, exercise, "fr", 1.0).height_for(800) >= small


def test_wide_window_puts_the_answers_side_by_side_in_teacch_order():
    box, exercise = EXERCISES[0]
    boxes = _card(box, exercise, "en", 1.0).boxes(1280)
    assert list(boxes) == ["what", "steps", "done", "next"]
    xs = [boxes[n].x for n in ("what", "steps", "done", "next")]
    assert xs == sorted(xs) and len(set(xs)) == 4
    assert len({boxes[n].y for n in boxes}) == 1
    # at 200 % the same width holds two columns: what and how much first, then the rest
    boxes = _card(box, exercise, "en", 2.0).boxes(1280)
    assert boxes["what"].x == boxes["steps"].x < boxes["done"].x == boxes["next"].x
    assert boxes["what"].y < boxes["steps"].y and boxes["done"].y < boxes["next"].y


def _ink_pixels(surface, rect, ink) -> int:
    return sum(1 for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom)
               if tuple(surface.get_at((x, y)))[:3] == ink)


def test_step_count_and_ticks_follow_steps_done():
    box = next(b for b in BOXES if any(len(e.card.steps) >= 3 for e in b.exercises))
    exercise = next(e for e in box.exercises if len(e.card.steps) >= 3)
    n = len(exercise.card.steps)
    th = theme("calm")
    for lang in LANGUAGES:
        view = _card(box, exercise, lang, 1.0)
        rows, boxes = view.step_rows(1280), view.tick_boxes(1280)
        assert len(rows) == len(boxes) == n
        assert all(r.contains(b) for r, b in zip(rows, boxes, strict=True))
        assert all(a.bottom <= b.top for a, b in itertools.pairwise(rows))
        ticks = []
        for k in range(n + 1):
            surface, rect = _draw(view, 1280, steps_done=k)
            said = {_words(s) for s, _, _ in view.texts()}
            assert text("studio_card.step_of", lang).format(n=min(k + 1, n), total=n) in said
            # the ticked steps' boxes hold a tick shape: more ink, not only another colour
            ticks.append(_ink_pixels(surface, boxes[0].move(rect.topleft), th.text))
        assert ticks[1] > ticks[0] + 10
        assert ticks[1] == ticks[n]
        surface, _ = _draw(view, 1280, finished=True)
        said = {_words(s) for s, _, _ in view.texts()}
        assert text("studio_card.step_of", lang).format(n=n, total=n) in said


def test_finished_shows_the_vocabulary_sign_and_word_and_nothing_red():
    box, exercise = EXERCISES[0]
    for lang in LANGUAGES:
        word = text("view.state.finished", lang)
        view = _card(box, exercise, lang, 1.0)
        before, rect = _draw(view, 1280, steps_done=0)
        assert word not in {s for s, _, _ in view.texts()}
        after, _ = _draw(view, 1280, finished=True)
        assert word in {s for s, _, _ in view.texts()}
        done = view.boxes(1280)["done"].move(rect.topleft)
        # the finished place fills with the sign: the "done" box changes, the rest of the
        # card only where the ticks and the offered next card are
        assert _ink_pixels(after, done, theme("calm").text) > _ink_pixels(before, done,
                                                                          theme("calm").text)
        for surface in (before, after):
            n = pygame.transform.threshold(None, surface, (215, 40, 40), (60, 60, 60),
                                           set_behavior=0)
            assert n == 0


def test_same_state_draws_the_same_pixels():
    """Nothing animates: drawing the card again changes no pixel."""
    box, exercise = EXERCISES[1]
    view = _card(box, exercise, "nl", 1.5)
    a, _ = _draw(view, 1280, steps_done=1)
    b, _ = _draw(view, 1280, steps_done=1)
    fresh, _ = _draw(_card(box, exercise, "nl", 1.5), 1280, steps_done=1)
    assert pygame.image.tobytes(a, "RGB") == pygame.image.tobytes(b, "RGB") \
        == pygame.image.tobytes(fresh, "RGB")


def test_every_icon_name_has_a_drawing():
    shipped = set()
    for folder in boxes_dir().iterdir():
        if (folder / "box.json").is_file():
            raw = json.loads((folder / "box.json").read_text("utf-8"))
            shipped |= {ex["card"]["what"]["icon"] for ex in raw["exercises"]}
    assert shipped <= set(FORMAT_ICONS) == set(CARD_ICONS)
    assert set(CARD_ICONS) | set(CATEGORY_ICONS) == set(ICONS)
    th = theme("calm")
    for name in ICONS:
        tint = th.categories.get(name, th.input_bg)
        for size in (24, 64, 128):  # drawn at the size asked, not a scaled picture
            surface = pygame.Surface((size + 20, size + 20))
            surface.fill(tint)
            r = pygame.Rect(10, 10, size, size)
            draw_icon(surface, name, r, th.text, tint)
            inked = _ink_pixels(surface, r, th.text) + sum(
                1 for x in range(r.left, r.right) for y in range(r.top, r.bottom)
                if contrast(tuple(surface.get_at((x, y)))[:3], tint) >= 3)
            assert inked >= size * size // 40, (name, size)
            outside = [(x, y) for x in range(surface.get_width())
                       for y in range(surface.get_height())
                       if not r.collidepoint(x, y) and tuple(surface.get_at((x, y)))[:3] != tint]
            assert not outside, (name, size)


def test_icons_differ_from_each_other():
    """A category is told by its picture: no two pictures are the same drawing."""
    th = theme("calm")
    seen = {}
    for name in ICONS:
        s = pygame.Surface((48, 48))
        s.fill(th.input_bg)
        draw_icon(s, name, s.get_rect(), th.text, th.input_bg)
        seen.setdefault(pygame.image.tobytes(s, "RGB"), []).append(name)
    assert all(len(v) == 1 for v in seen.values())


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


def test_catalogs_have_the_same_keys_in_every_language():
    keys = {lang: {k for k in catalog(lang) if k.startswith("studio_card.")}
            for lang in LANGUAGES}
    assert keys["nl"] == keys["fr"] == keys["en"] and keys["en"]
    for lang in LANGUAGES:
        for k in keys[lang]:
            assert _fields(catalog(lang)[k]) == _fields(catalog("en")[k]), (lang, k)
            assert not re.search(r"\b(wrong|fout|faux)\b", catalog(lang)[k], re.I)
