"""Kit identities: the word list, allocation for a full room, the room roster, a mentor's
--name, and identity colours that stay distinct under every sensory profile."""

from __future__ import annotations

import itertools
import json
import math
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from dojokit.colour_names import colour_name
from dojokit.feedback import capped
from dojokit.i18n import catalog
from dojokit.kits import identity as ident
from dojokit.kits.build import build
from dojokit.kits.identity import Identity, IdentityError, Roster, allocate, parse_name, words
from dojokit.robot.profiles import PROFILES
from dojokit.sim.board import VirtualBoard
from dojokit.sim.guest import FirmwareGuest

ROOT = Path(__file__).resolve().parents[1]


def _one_sentence(text: str) -> bool:
    ends = re.findall(r"[.!?](\s|$)", text)
    return "\n" not in text and "Traceback" not in text and len(ends) == 1


# --- the word list -----------------------------------------------------------------------


def test_word_list_follows_its_rules():
    w = words()
    assert len(w) >= 80
    assert len(set(w)) == len(w)
    for word in w:
        assert re.fullmatch(r"[a-z]{3,7}", word), word
        assert len(word.encode()) <= ident.NAME_MAX_BYTES
    # no two a child could mix up: at least two edits apart
    close = [(a, b) for a, b in itertools.combinations(w, 2) if ident._distance(a, b) < 2]
    assert close == []


def test_word_list_has_none_of_the_words_a_room_would_giggle_at():
    # rude or hurtful in nl, fr or en, or the firmware's own fallback name
    avoid = {"caca", "kaka", "pipi", "popo", "kiki", "zizi", "kont", "poep", "pet", "con",
             "cul", "nul", "bite", "lul", "kut", "ezel", "aap", "varken", "koe", "rat",
             "vache", "dinde", "robot", "hippo", "cobra", "clown"}
    for word in words():
        assert word not in avoid
        assert not any(word.startswith(bad) for bad in ("caca", "kaka", "pipi", "popo", "kut"))


def test_word_list_ships_as_package_data():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'"dojokit\.kits" = \[[^\]]*"words\.json"', pyproject)
    data = json.loads((ROOT / "host/dojokit/kits/words.json").read_text(encoding="utf-8"))
    assert tuple(data["words"]) == words()


# --- allocation --------------------------------------------------------------------------


def test_thirty_kits_in_one_room_get_thirty_names_numbers_and_even_colours():
    kits = allocate(30)
    assert len({k.name for k in kits}) == 30
    assert len({k.number for k in kits}) == 30
    counts = Counter(k.colour for k in kits)
    assert set(counts) == set(range(ident.COLOURS))  # every colour used
    assert max(counts.values()) - min(counts.values()) <= 1  # spread evenly
    # every one of them goes into a board build as name.txt, shown at boot
    for k in kits:
        assert Identity.from_text(k.text()) == k
    for k in kits[:3]:
        assert build("microbit", "maqueen", name=k.as_tuple())["name.txt"] == k.text().encode()


def test_allocation_is_repeatable_and_avoids_what_the_room_has():
    taken = [Identity(0, 1, "panda"), Identity(0, 2, "koala"), Identity(1, 3, "pandas")]
    a = allocate(10, taken)
    assert a == allocate(10, taken)
    assert not {k.name for k in a} & {"panda", "koala"}
    assert not {k.number for k in a} & {1, 2, 3}
    # a mentor's own name one letter from a word keeps that word out too ("pandas")
    assert all(not ident.near(k.name, "pandas") for k in a)
    # least used colours first: 0 has two, 1 has one, so 2..7 come before 1 and 0
    assert [k.colour for k in a[:6]] == [2, 3, 4, 5, 6, 7]


def test_a_room_larger_than_the_word_list_is_refused_in_one_sentence():
    with pytest.raises(IdentityError) as e:
        allocate(len(words()) + 1)
    assert _one_sentence(str(e.value))


# --- the room roster ---------------------------------------------------------------------


def test_two_batches_flashed_in_two_runs_stay_distinct(tmp_path, monkeypatch):
    monkeypatch.setenv("DOJOKIT_ROOM", str(tmp_path / "room.json"))
    first = Roster().identities_for([f"99040000{i:02d}" for i in range(15)])
    second = Roster().identities_for([f"99040000{i:02d}" for i in range(15, 30)])
    everyone = [*first.values(), *second.values()]
    assert len({k.name for k in everyone}) == 30
    assert len({k.number for k in everyone}) == 30
    counts = Counter(k.colour for k in everyone)
    assert max(counts.values()) - min(counts.values()) <= 1
    assert len(Roster(tmp_path / "room.json").kits()) == 30


def test_reflashing_keeps_an_identity_unless_asked(tmp_path):
    room = Roster(tmp_path / "room.json")
    old = room.identities_for(["A", "B"])
    assert Roster(room.path).identities_for(["A"]) == {"A": old["A"]}
    new = Roster(room.path).identities_for(["A"], fresh=True)["A"]
    assert new != old["A"]
    assert new.name != old["B"].name and new.number != old["B"].number


def test_a_board_unknown_to_the_room_keeps_the_identity_it_already_has(tmp_path):
    room = Roster(tmp_path / "room.json")
    room.identities_for(["A"])
    a = room.get("A")
    assert a is not None
    mine = Identity(4, 42, "zebra") if a.name != "zebra" else Identity(4, 42, "koala")
    got = room.identities_for(["B"], on_board={"B": mine})["B"]
    assert got == mine
    # but not when another kit of the room already has that name: it gets a new one
    clash = Identity(5, 43, a.name)
    got = room.identities_for(["C"], on_board={"C": clash})["C"]
    assert got.name != a.name


def test_a_mentors_name_is_kept_and_checked_against_the_room(tmp_path):
    room = Roster(tmp_path / "room.json")
    room.identities_for(["A"])
    a = room.get("A")
    assert a is not None
    mine = room.choose("B", "blauw 12 Mia")  # a colour named in Dutch
    assert mine == Identity(0, 12, "Mia")
    assert Roster(room.path).get("B") == mine
    with pytest.raises(IdentityError) as e:
        room.choose("C", a.name)
    assert _one_sentence(str(e.value)) and a.name in str(e.value)
    with pytest.raises(IdentityError) as e:
        room.choose("C", f"{a.number} sam")
    assert _one_sentence(str(e.value))


@pytest.mark.parametrize("bad", ["", "much-too-long", "two words here now", "élodie12",
                                 "0 panda", "300 panda", "mauve 3 panda"])
def test_a_name_that_does_not_fit_is_refused_in_one_sentence(bad):
    with pytest.raises(IdentityError) as e:
        parse_name(bad)
    assert _one_sentence(str(e.value))


def test_names_that_fit():
    assert parse_name("kiwi") == (None, None, "kiwi")
    assert parse_name(" 7  kiwi ") == (None, 7, "kiwi")
    assert parse_name("vert 7 kiwi") == (1, 7, "kiwi")
    assert parse_name("3 7 kiwi") == (3, 7, "kiwi")
    assert parse_name("Zoë") == (None, None, "Zoë")  # 4 bytes: fits the board's 7


def test_a_damaged_room_list_gives_one_sentence_and_is_not_overwritten(tmp_path):
    path = tmp_path / "room.json"
    path.write_text('{"version": 1, "kits": {"A": {"colour": 1', encoding="utf-8")
    room = Roster(path)
    with pytest.raises(IdentityError) as e:
        room.identities_for(["B"])
    assert _one_sentence(str(e.value)) and str(path) in str(e.value)
    assert path.read_text(encoding="utf-8").endswith('"colour": 1')  # untouched
    room.start_over()  # what a mentor asks for: the damaged list is kept as .bak
    assert room.backup.read_text(encoding="utf-8").endswith('"colour": 1')
    assert len(room.identities_for(["B"])) == 1
    assert json.loads(path.read_text(encoding="utf-8"))["kits"]["B"]


def test_each_save_keeps_the_previous_list(tmp_path):
    room = Roster(tmp_path / "room.json")
    room.identities_for(["A"])
    room.identities_for(["B"])
    assert set(json.loads(room.backup.read_text(encoding="utf-8"))["kits"]) == {"A"}


def test_every_message_is_in_three_languages():
    keys = {k for k in catalog("en") if k.startswith("identity.")}
    assert keys
    for lang in ("nl", "fr"):
        assert keys <= set(catalog(lang))


# --- identity colours under every sensory profile ----------------------------------------


def _firmware_colours() -> list[tuple[int, int, int]]:
    src = (ROOT / "firmware/dk_core.py").read_text(encoding="utf-8")
    m = re.search(r"^COLOURS = (\(.*?\)\))\n", src, re.S | re.M)
    assert m
    return [tuple(c) for c in eval(m.group(1))]  # a literal tuple of tuples


def _lab(rgb):
    """CIE L*a*b* (D65) of an sRGB colour."""
    def lin(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = map(lin, rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(v):
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


# CIE76 distance 2.3 is a just noticeable difference side by side; 20 is "another colour" at
# a glance, across a room (the closest pair, blue and purple under the calm profile, is 23.9)
CLEARLY_DISTINCT = 20.0
FIRMWARE_DEFAULT_CAP = 120  # dk_guard.CALM: what a board shows at boot, before any host


def test_identity_colours_stay_distinct_under_every_sensory_profile():
    colours = _firmware_colours()
    assert len(colours) == ident.COLOURS
    views = {"boot (firmware default)": [capped(c, FIRMWARE_DEFAULT_CAP) for c in colours]}
    for name, p in PROFILES.items():
        # the firmware's guard caps brightness; a host drawing them uses the palette too
        views[name] = [capped(c, p.brightness_cap) for c in colours]
        views[name + " palette"] = [capped(p.colour(c), p.brightness_cap) for c in colours]
    for view, shown in views.items():
        names = [colour_name(c) for c in shown]
        assert len(set(names)) == len(names), (view, names)
        assert "red" not in names  # never the colour of a warning
        for (i, a), (j, b) in itertools.combinations(enumerate(shown), 2):
            assert math.dist(_lab(a), _lab(b)) >= CLEARLY_DISTINCT, (view, i, j)


def test_identity_colours_have_words_in_every_language():
    for lang in ("nl", "fr", "en"):
        words_ = [ident.colour_word(c, lang) for c in range(ident.COLOURS)]
        assert len(set(words_)) == ident.COLOURS


def _boot(kits: list[Identity], colours, timeout: float = 60.0) -> list[tuple[str, list, bool]]:
    """Boot the firmware with each identity, side by side (a room powering up): per kit
    (display text, lights, steady once settled)."""
    boards = [VirtualBoard() for _ in kits]
    guests = [FirmwareGuest(b, name=k.as_tuple()) for b, k in zip(boards, kits, strict=True)]
    wants = [capped(colours[k.colour], FIRMWARE_DEFAULT_CAP) for k in kits]
    for g in guests:
        g.start()
    try:
        end = time.monotonic() + timeout
        while time.monotonic() < end and not all(
                b.text and all(c == w for c in b.lights)
                for b, w in zip(boards, wants, strict=True)):
            time.sleep(0.05)
        seen: list[set] = [set() for _ in boards]
        for _ in range(6):  # settled: no blinking, no change at all
            for s, b in zip(seen, boards, strict=True):
                s.add((b.text, tuple(b.lights)))
            time.sleep(0.05)
        return [(b.text, list(b.lights), len(s) == 1) for b, s in zip(boards, seen, strict=True)]
    finally:
        for g in guests:
            g.stop()


def test_thirty_kits_each_show_their_identity_calmly_at_boot():
    colours = _firmware_colours()
    kits = allocate(30)
    for start in range(0, 30, 10):
        batch = kits[start:start + 10]
        for kit, (text, lights, steady) in zip(batch, _boot(batch, colours), strict=True):
            assert text == f"{kit.number} {kit.name}"
            assert lights and all(c == capped(colours[kit.colour], FIRMWARE_DEFAULT_CAP)
                                  for c in lights)
            assert steady, kit


def test_a_board_is_known_by_its_serial_number_else_its_port():
    assert ident.board_key("9904ABC", "/dev/ttyACM0") == "9904ABC"
    assert ident.board_key(None, "COM3") == "port:COM3"
    assert ident.board_key(" ", "COM3") == "port:COM3"
