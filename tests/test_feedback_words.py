"""Feedback speaks the card's language: its units and number style, only blocks the card
offers and fixes that fit the program, sentences a teacher would say, in nl, fr and en."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from dojokit.i18n import catalog
from dojokit.themebox import feedback_words as words
from dojokit.themebox import format as fmt
from dojokit.themebox import list_boxes
from dojokit.themebox.grade import Verdict, grade

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("nl", "fr", "en")
STILL_RUNNING = "themebox.feedback.ends_by_itself.still_running"
BANNED = re.compile(r"\b(wrong|incorrect|mistake|fout\w*|verkeerd\w*|faux|fausse\w*|"
                    r"erreur\w*)\b", re.I)


def said(key: str, fields: dict, lang: str) -> str:
    return Verdict(False, [(key, fields)]).feedback(lang)[0]


# -- units and number style ------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "one", "two", "half"), [
    ("en", "1 second", "2 seconds", "0.5 seconds"),
    ("nl", "1 seconde", "2 seconden", "0.5 seconden"),
    ("fr", "1 seconde", "2 secondes", "0.5 seconde"),
])
def test_seconds_as_the_card_writes_them(lang, one, two, half):
    text = said("themebox.feedback.light_shown.too_short",
                {"colour": "green", "seconds": 1.0, "want": 2.0}, lang)
    assert f"{one}," in text or f"{one} " in text  # singular, no "1.0"
    assert two in text and "2.0" not in text
    text = said("themebox.feedback.light_sequence.too_short",
                {"colour": "orange", "seconds": 0.5, "want": 2}, lang)
    assert half in text  # a dot, as typed into a block


@pytest.mark.parametrize("lang", LANGUAGES)
def test_distances_in_whole_cm_not_mm(lang):
    text = said("themebox.feedback.stops_before_wall.too_far", {"mm": 1052, "want": 300.0},
                lang)
    assert "105 cm" in text and "30 cm" in text
    assert "mm" not in text and "300" not in text and "1052" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_measure_never_reads_the_same_as_what_the_card_asks(lang):
    # 29.6 cm would round to the card's 30 cm: one more decimal says why it is not yet
    text = said("themebox.feedback.distance_kept.too_close", {"mm": 296, "want": 300}, lang)
    assert "29.6 cm" in text
    close = said("themebox.feedback.distance_kept.too_close", {"mm": 299.98, "want": 300},
                 lang)
    assert close.count("30 cm") == 2 and catalog(lang)["themebox.unit.just_under"].split(
        "{")[0] in close


@pytest.mark.parametrize(("lang", "one", "three"), [
    ("en", "1 note", "5 notes"), ("nl", "1 noot", "5 noten"), ("fr", "1 note", "5 notes")])
def test_notes_are_counted_with_singular_and_plural(lang, one, three):
    text = said("themebox.feedback.plays_notes.too_few", {"count": 1, "want": 5}, lang)
    assert one in text and three in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_run_stopped_at_its_time_limit_ran_whole_seconds(lang):
    text = said(STILL_RUNNING, {"seconds": 40.2}, lang)
    assert " 40 " in text and "40.2" not in text


# -- only blocks the card offers, only fixes that fit the program --------------------------

def _box(box_id: str):
    return next(b for b in list_boxes(ROOT / "themeboxes") if b.id == box_id)


def test_repeat_is_suggested_for_a_forever_when_the_card_has_repeat():
    box = _box("traffic_light")
    ex = box.exercise("repeat-cycle")
    assert "control_repeat" in ex.palette
    program = box.path / "programs" / "repeat-cycle" / "forever.json"
    verdict, _ = grade(box, ex, program)
    text = next(t for t in verdict.feedback("en") if "still running" in t)
    assert "Use 'repeat' instead of 'forever'" in text
    fr = next(t for t in verdict.feedback("fr") if "tournait encore" in t)
    assert "répéter … fois" in fr


def test_no_repeat_for_a_program_without_forever():
    box = _box("parking_sensor")
    ex = box.exercise("stop-at-wall")
    program = box.path / "programs" / "stop-at-wall" / "never-stops.json"
    verdict, _ = grade(box, ex, program)
    running = [t for t in verdict.feedback("en") if "still running" in t]
    assert running and all("repeat" not in t and "forever" not in t for t in running)


REPEAT = {"en": "'repeat'", "nl": "'herhaal … keer'", "fr": "« répéter … fois »"}


@pytest.mark.parametrize(("palette", "used", "key"), [
    (("control_forever", "control_repeat"), {"control_forever"}, "forever_repeat"),
    (("control_forever", "control_repeat_until"), {"control_forever"},
     "forever_repeat_until"),
    (("control_forever", "control_if_else"), {"control_forever"}, "forever"),
    (("control_forever", "control_repeat"), {"control_repeat", "control_wait_until"},
     "waiting"),
    (("control_forever", "control_repeat"), {"control_repeat"}, None),
])
def test_the_end_by_itself_fix_fits_the_palette_and_the_program(palette, used, key):
    extra = words.context("ends_by_itself.still_running", {"seconds": 60}, palette, used)
    assert extra.get("variant") == key
    for lang, repeat in REPEAT.items():
        text = said(STILL_RUNNING, {"seconds": 60} | extra, lang)
        assert (repeat in text) == (key == "forever_repeat"), (lang, text)
    if key is None:
        assert "repeat" not in said(STILL_RUNNING, {"seconds": 60} | extra, "en")


def test_a_stop_block_is_suggested_only_when_the_card_has_one():
    key = "stops_before_wall.still_driving"
    assert words.context(key, {}, ("dojokit_stop",), set()) == {"variant": "stop"}
    assert words.context(key, {}, ("dojokit_moveFor",), set()) == {}
    with_stop = said(f"themebox.feedback.{key}", {"variant": "stop"}, "en")
    assert "'stop motors'" in with_stop
    assert "stop motors" not in said(f"themebox.feedback.{key}", {}, "en")


def test_a_missing_block_is_named_by_the_cards_own_block():
    extra = words.context("uses_block.missing", {"block": "robot_event"},
                          ("dojokit_whenButtonPressed", "dojokit_setAllLights"), set())
    text = said("themebox.feedback.uses_block.missing", {"block": "robot_event"} | extra,
                "en")
    assert "button" in text and "distance" not in text and "line" not in text


# -- said as a teacher would say it -----------------------------------------------------------

def test_off_is_said_as_switching_the_lights_off():
    next_off = {"colour": "off", "previous": "yellow"}
    assert said("themebox.feedback.light_sequence.next", next_off, "en") == (
        "After yellow, switch the lights off.")
    assert said("themebox.feedback.light_sequence.next", next_off, "nl") == (
        "Na geel zet je de lampjes uit.")
    assert said("themebox.feedback.light_sequence.next", next_off, "fr") == (
        "Après le jaune, éteins les lampes.")
    after_off = {"colour": "yellow", "previous": "off"}
    for lang in LANGUAGES:
        for text in (said("themebox.feedback.light_sequence.next", next_off, lang),
                     said("themebox.feedback.light_sequence.next", after_off, lang),
                     said("themebox.feedback.light_shown.never", {"colour": "off"}, lang)):
            assert not re.search(r"\bto off\b|\bop uit\b|\ben éteint", text), (lang, text)
    assert said("themebox.feedback.light_sequence.next",
                {"colour": "red", "previous": "orange"}, "fr") == (
        "Après l'orange, mets les lampes en rouge.")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _feedback_keys(lang: str) -> dict[str, str]:
    return {k: v for k, v in catalog(lang).items()
            if k.startswith(("themebox.feedback.", words.VARIANT_PREFIX))}


def test_every_feedback_text_is_in_nl_fr_and_en_with_the_same_placeholders():
    en = _feedback_keys("en")
    for lang in ("nl", "fr"):
        other = _feedback_keys(lang)
        assert set(other) == set(en), (lang, set(other) ^ set(en))
        for key, text in en.items():
            assert _fields(other[key]) == _fields(text), (lang, key)
    for failure, variants in words.VARIANTS.items():
        check, how = failure.split(".")
        declared = set(fmt.PREDICATES[check].failures[how])
        for name, _ in variants:
            key = f"{words.VARIANT_PREFIX}{failure}.{name}"
            assert key in en, key
            assert _fields(en[key]) <= declared, key


SAMPLES = {"colour": "green", "previous": "orange", "seconds": 1.5, "want": 2.0, "mm": 412,
           "zone": "parking", "block": "repeat", "text": "hello", "image": "heart",
           "count": 2}


def _all_sayings() -> list[tuple[str, dict]]:
    out = []
    for p in fmt.PREDICATES.values():
        for failure, fields in p.failures.items():
            base = {f: SAMPLES.get(f, 3) for f in fields}
            out.append((p.feedback_key(failure), base))
            if "colour" in fields:
                out += [(p.feedback_key(failure), base | {"colour": c})
                        for c in (*fmt.COLOURS, "off")]
            for name, _ in words.VARIANTS.get(f"{p.name}.{failure}", ()):
                out.append((p.feedback_key(failure), base | {"variant": name}))
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_feedback_sentence_says_wrong_or_shows_a_raw_id(lang):
    box = _box("parking_sensor")  # names its zones
    for key, fields in _all_sayings():
        text = Verdict(False, [(key, fields)], box=box).feedback(lang)[0]
        assert not BANNED.search(text), (key, text)
        assert not re.search(r"[{}_]|\bNone\b|\d\.0\b|\bmm\b", text), (key, text)
        assert text.endswith("."), (key, text)


@pytest.mark.parametrize("box", list_boxes(ROOT / "themeboxes"), ids=lambda b: b.id)
def test_shipped_mistakes_get_sentences_in_the_cards_words(box):
    for ex in box.exercises:
        for wrong in ex.wrong:
            verdict, _ = grade(box, ex, wrong.program)
            for lang in LANGUAGES:
                for text in verdict.feedback(lang):
                    assert not BANNED.search(text), (ex.id, lang, text)
                    assert not re.search(r"[{}_]|\d\.0\b|\bmm\b", text), (ex.id, lang, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_robot_that_did_not_drive_is_not_said_to_drive_0_cm(lang):
    text = said("themebox.feedback.moves_at_least.too_little", {"mm": 0, "want": 300}, lang)
    assert "0 cm" not in text.replace("30 cm", "") and "30 cm" in text


@pytest.mark.parametrize(("lang", "metres"), [("en", "3 metres"), ("nl", "3 meter"),
                                              ("fr", "3 mètres")])
def test_long_distances_in_metres_as_the_card_says_them(lang, metres):
    text = said("themebox.feedback.moves_at_least.too_little", {"mm": 852, "want": 3000}, lang)
    assert "85 cm" in text and metres in text and "300 cm" not in text


def test_a_turn_is_said_in_degrees_with_singular_and_plural():
    from dojokit.themebox.feedback_words import measures

    said = {lang: measures({"degrees": 1, "want": 90}, lang) for lang in ("en", "nl", "fr")}
    assert said["en"] == {"degrees": "1 degree", "want": "90 degrees"}
    assert said["nl"] == {"degrees": "1 graad", "want": "90 graden"}
    assert said["fr"] == {"degrees": "1 degré", "want": "90 degrés"}
