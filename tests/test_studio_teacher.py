"""The studio's learner list, "who is working?" and teacher mode (issue 11), through a real
window under SDL's dummy driver and posted pygame events."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from dojokit import data
from dojokit.studio import learners as learners_mod
from dojokit.studio.learners import Learners, LearnersError, effective
from dojokit.studio.teacher import TeacherScreen
from dojokit.studio.theme import MIN_CONTRAST, MIN_TARGET, contrast, theme
from dojokit.studio.who import WhoScreen
from dojokit.themebox.format import list_boxes
from dojokit.themebox.progress import Progress

SIZE = (1280, 800)


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "home" / "Documents"))
    return tmp_path


@pytest.fixture
def window():
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(SIZE)
    yield surface
    pygame.display.quit()


@pytest.fixture(scope="module")
def boxes():
    return list_boxes(data.boxes_dir())


def key(k, mod=0):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="")


def typed(s):
    return [pygame.event.Event(pygame.TEXTINPUT, text=ch) for ch in s]


def click(rect):
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=rect.center)


def post_and_pump(screen, events):
    """Post the events to pygame's queue and hand what comes out to the screen, as the
    app's loop does; the last non-None answer."""
    pygame.event.clear()
    for e in events:
        pygame.event.post(e)
    answer = None
    for e in pygame.event.get():
        got = screen.handle(e)
        if got is not None:
            answer = got
    return answer


def target(screen, name):
    return dict(screen.targets())[name]


# -- the learners file -----------------------------------------------------------------------

def test_learners_round_trip_in_the_user_data_folder(home):
    ls = Learners.load()
    assert ls.path == home / "data" / "dojokit" / "learners.json"
    assert ls.names() == [] and ls.problem() is None
    ls.add("Zoë", lang="fr")
    ls.add("  anna  ")  # spaces around a name are not part of it
    ls.update("Zoë", scale=1.5, profile="standard")
    ls.update("anna", teacher=True, profile_locked=True, lang="nl")
    ls.save()
    again = Learners.load()
    assert again.names() == ["anna", "Zoë"]  # alphabetical, ignoring case
    z = again.get("Zoë")
    assert (z.profile, z.lang, z.scale, z.profile_locked) == ("standard", "fr", 1.5, False)
    a = again.get("anna")
    assert (a.profile, a.lang, a.profile_locked, a.lang_locked) == ("calm", "nl", True, False)


@pytest.mark.parametrize(("name", "says"), [
    ("", "Type a name first."),
    ("   ", "Type a name first."),
    ("ANNA", "already on the list"),
    ("x" * 31, "at most 30 characters"),
])
def test_a_name_that_does_not_fit_is_said_in_words(home, name, says):
    ls = Learners.load()
    ls.add("Anna")
    with pytest.raises(LearnersError) as e:
        ls.add(name)
    assert says in str(e.value)
    assert e.value.message("nl") != e.value.message("en")  # translated


def test_bad_settings_are_refused_in_words(home):
    ls = Learners.load()
    ls.add("Anna")
    with pytest.raises(LearnersError, match=r"between 1\.0 and 2\.0"):
        ls.update("Anna", scale=3)
    with pytest.raises(LearnersError, match="no profile"):
        ls.update("Anna", profile="loud")


def test_save_is_atomic_a_failed_rename_keeps_the_old_file(home, monkeypatch):
    ls = Learners.load()
    ls.add("Anna")
    ls.save()
    before = ls.path.read_bytes()
    order = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(learners_mod.os, "fsync", lambda fd: (order.append("fsync"),
                                                              real_fsync(fd)))

    def broken_replace(src, dst):
        order.append("replace")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(learners_mod.os, "replace", broken_replace)
    ls.add("Bram")
    with pytest.raises(LearnersError, match="could not be saved"):
        ls.save()
    assert order[:2] == ["fsync", "replace"]  # the data is on disk before the rename
    assert ls.path.read_bytes() == before  # the old file, whole
    assert sorted(p.name for p in ls.path.parent.iterdir()) == ["learners.json"]  # no temp
    monkeypatch.setattr(learners_mod.os, "replace", real_replace)
    ls.save()
    assert Learners.load().names() == ["Anna", "Bram"]


def test_a_damaged_file_is_kept_aside_and_said_in_one_sentence(home):
    path = home / "data" / "dojokit" / "learners.json"
    path.parent.mkdir(parents=True)
    damaged = b'{"version": 1, "learners": [{"name": "Anna", "profile": "ca'
    path.write_bytes(damaged)
    ls = Learners.load()
    assert ls.names() == []
    copies = list(path.parent.glob("learners.damaged-*.json"))
    assert len(copies) == 1 and copies[0].read_bytes() == damaged
    sentence = ls.problem("en")
    assert sentence.count(".") >= 1 and str(copies[0]) in sentence and "\n" not in sentence
    assert "kopie" in ls.problem("nl") and "copie" in ls.problem("fr")
    ls.add("Bram")
    ls.save()  # the list starts again; the copy stays
    assert Learners.load().names() == ["Bram"] and copies[0].read_bytes() == damaged


def test_a_damaged_file_that_cannot_be_copied_is_never_written_over(home, monkeypatch):
    path = home / "data" / "dojokit" / "learners.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not json")
    monkeypatch.setattr(learners_mod.shutil, "copy2",
                        lambda *a: (_ for _ in ()).throw(PermissionError(13, "denied")))
    ls = Learners.load()
    assert "left untouched" in ls.problem("en")
    ls.add("Anna")
    with pytest.raises(LearnersError, match="not saved"):
        ls.save()
    assert path.read_bytes() == b"not json"


def test_a_locked_profile_and_language_win_over_the_command_line_and_the_learner(home):
    ls = Learners.load()
    s = ls.add("Anna", profile="calm", lang="nl")
    assert effective(s, "standard", "fr") == ("standard", "fr")  # unlocked: the command line
    assert effective(s, None, None) == ("calm", "nl")  # else the learner's own
    s = ls.update("Anna", teacher=True, profile_locked=True, lang_locked=True)
    assert effective(s, "standard", "fr") == ("calm", "nl")
    with pytest.raises(LearnersError, match="locked"):
        ls.update("Anna", profile="standard")  # the learner's own choice
    with pytest.raises(LearnersError, match="locked"):
        ls.update("Anna", lang_locked=False)  # only the teacher unlocks
    ls.update("Anna", scale=2.0)  # what is not locked stays the learner's
    assert effective(None, None, "fr") == ("calm", "fr")


# -- who is working? -------------------------------------------------------------------------

def test_who_adds_a_learner_by_typing_and_enter(home, window):
    ls = Learners.load()
    ls.add("Anna")
    who = WhoScreen(theme("calm"), 1.0, "en", ls)
    who.draw(window)
    # Tab to the buttons below the names, Enter on "New learner", type, Enter
    assert post_and_pump(who, [key(pygame.K_TAB), key(pygame.K_RETURN)]) is None
    who.draw(window)
    assert "field" in dict(who.targets())
    chosen = post_and_pump(who, [*typed("Chloé"), key(pygame.K_RETURN)])
    assert chosen == "Chloé"
    assert "Chloé" in Learners.load().names()  # written, not only remembered


def test_who_says_what_does_not_fit_and_goes_back_with_escape(home, window):
    ls = Learners.load()
    ls.add("Anna")
    who = WhoScreen(theme("calm"), 1.0, "nl", ls)
    who.draw(window)
    post_and_pump(who, [pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1,
                                           pos=target(who, "new").center)])
    assert post_and_pump(who, [*typed("anna"), key(pygame.K_RETURN)]) is None
    assert "staat al in de lijst" in who.message
    who.draw(window)
    assert post_and_pump(who, [key(pygame.K_BACKSPACE), *typed("ke"),
                               key(pygame.K_RETURN)]) == "annke"
    who2 = WhoScreen(theme("calm"), 1.0, "en", Learners.load())
    post_and_pump(who2, [key(pygame.K_TAB), key(pygame.K_RETURN), key(pygame.K_ESCAPE)])
    assert who2.mode == "list"


def test_who_chooses_by_keyboard_only_and_by_mouse(home, window):
    ls = Learners.load()
    for n in ("Anna", "Bram", "Chloé", "Daan", "Emma"):
        ls.add(n)
    who = WhoScreen(theme("standard"), 1.0, "en", ls)
    who.draw(window)
    rects = dict(who.targets())
    # names in reading order: Right goes to the next name, Down to the one below
    below = min((r for n, r in rects.items() if n.startswith("learner:")
                 and r.y > rects["learner:Anna"].y and r.x == rects["learner:Anna"].x),
                key=lambda r: r.y)
    name_below = next(n for n, r in rects.items() if r == below).split(":", 1)[1]
    assert post_and_pump(who, [key(pygame.K_RIGHT), key(pygame.K_RETURN)]) == "Bram"
    assert post_and_pump(who, [key(pygame.K_LEFT), key(pygame.K_DOWN),
                               key(pygame.K_RETURN)]) == name_below
    assert post_and_pump(who, [click(rects["learner:Emma"])]) == "Emma"


def test_who_pages_through_a_long_class(home, window):
    ls = Learners.load()
    names = [f"Leerling {i:02d}" for i in range(40)]
    for n in names:
        ls.add(n)
    who = WhoScreen(theme("calm"), 2.0, "en", ls)
    who.draw(window)
    shown = [n for n, _ in who.targets() if n.startswith("learner:")]
    assert len(shown) < 40 and "next" in dict(who.targets())
    # the keyboard walks past the page's end onto the next page
    post_and_pump(who, [key(pygame.K_DOWN)] * 40)
    assert who.page > 0
    assert post_and_pump(who, [key(pygame.K_RETURN)]) == names[-1]


# -- teacher mode ----------------------------------------------------------------------------

@pytest.fixture
def school(home, boxes):
    ls = Learners.load()
    for n in ("Anna", "Bram", "Chloé"):
        ls.add(n, lang="en")
    ls.save()
    store = Progress(home / "data" / "dojokit" / "progress.sqlite3")
    box = boxes[0]
    ex = [e.id for e in box.exercises]
    store.record("Anna", box.id, ex[0], "not_yet", at=datetime(2026, 3, 2, 9, 15, tzinfo=UTC))
    store.record("Anna", box.id, ex[0], "finished", at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    store.record("Anna", box.id, ex[1], "not_yet", at=datetime(2026, 3, 3, 10, 0, tzinfo=UTC))
    store.record("Bram", box.id, ex[0], "not_yet", at=datetime(2026, 3, 3, 10, 5, tzinfo=UTC))
    store.record("Bram", boxes[1].id, boxes[1].exercises[0].id, "finished")  # another box
    yield ls, store, box
    store.close()


def teacher(school, boxes, home, lang="en", profile="calm", scale=1.0):
    ls, store, _ = school
    return TeacherScreen(theme(profile), scale, lang, ls, boxes, store,
                         cards_dir=home / "cards")


def test_teacher_table_shows_each_learners_state_in_words_and_signs(school, boxes, home,
                                                                    window):
    box = school[2]
    screen = teacher(school, boxes, home)
    screen.draw(window)
    state = {(r.learner, r.exercise): (r.status, r.tries) for r in screen.rows}
    ex = [e.id for e in box.exercises]
    assert state[("Anna", ex[0])] == ("finished", 2)
    assert state[("Anna", ex[1])] == ("not_yet", 1)
    assert state[("Bram", ex[0])] == ("not_yet", 1)
    assert state[("Bram", ex[1])] == ("not_tried", 0)
    assert state[("Chloé", ex[0])] == ("not_tried", 0)
    assert {r.learner for r in screen.rows} == {"Anna", "Bram", "Chloé"}
    assert len(screen.rows) == 3 * len(ex)  # only this box's exercises
    # every learner x exercise is a cell on screen, and the state's sign is drawn in it
    cells = [n for n, _ in screen.targets() if n.startswith("cell:")]
    assert len(cells) == 3 * len(ex)
    anna_done = target(screen, "cell:0:0")
    dark = theme("calm").text
    inked = sum(window.get_at((x, y))[:3] == dark
                for x in range(anna_done.x + 6, anna_done.x + 32)
                for y in range(anna_done.y + 6, anna_done.y + 32))
    assert inked > 10  # the finished sign, not only a word


def test_teacher_table_is_drawn_without_red_for_not_yet(school, boxes, home, window):
    screen = teacher(school, boxes, home)
    screen.draw(window)
    rect = target(screen, "cell:1:0")  # Bram, not yet
    for x in range(rect.x, rect.right, 3):
        for y in range(rect.y, rect.bottom, 3):
            r, g, b = window.get_at((x, y))[:3]
            assert not (r > 150 and g < 100 and b < 100), "red in a not-yet cell"


def test_teacher_chooses_by_keyboard_and_opens_the_exercise(school, boxes, home, window):
    screen = teacher(school, boxes, home)
    screen.draw(window)
    # learners group first: Down to Bram, Enter; Tab to the boxes, Down, Enter; Tab to the
    # exercises, Down twice, Enter
    events = [key(pygame.K_DOWN), key(pygame.K_RETURN), key(pygame.K_TAB), key(pygame.K_DOWN),
              key(pygame.K_RETURN), key(pygame.K_TAB), key(pygame.K_DOWN), key(pygame.K_DOWN),
              key(pygame.K_RETURN)]
    assert post_and_pump(screen, events) is None
    assert screen.learner == "Bram" and screen.box.id == boxes[1].id
    # the table now shows the second box: Bram finished its first exercise there
    assert {(r.learner, r.status) for r in screen.rows if r.exercise ==
            boxes[1].exercises[0].id} >= {("Bram", "finished")}
    # Tab past the settings to the actions: Enter on "Open"
    answer = post_and_pump(screen, [key(pygame.K_TAB), key(pygame.K_TAB),
                                    key(pygame.K_RETURN)])
    assert answer == {"action": "open", "learner": "Bram", "box": boxes[1].id,
                      "exercise": boxes[1].exercises[2].id, "profile": "calm", "lang": "en"}
    assert post_and_pump(screen, [key(pygame.K_ESCAPE)]) == {"action": "close"}


def test_teacher_chooses_by_mouse_and_locks_the_profile(school, boxes, home, window):
    box = school[2]
    screen = teacher(school, boxes, home)
    screen.draw(window)
    post_and_pump(screen, [click(target(screen, "cell:2:3"))])  # Chloé, exercise 4
    assert screen.learner == "Chloé" and screen.ex_i == 3
    post_and_pump(screen, [click(target(screen, "set:profile:standard"))])
    screen.draw(window)
    post_and_pump(screen, [click(target(screen, "lock:profile"))])
    kept = Learners.load().get("Chloé")
    assert kept.profile == "standard" and kept.profile_locked
    # the studio started with --profile calm still uses the locked profile
    assert effective(kept, "calm", None) == ("standard", "en")
    screen.draw(window)
    assert screen.painter  # drawn again after the change
    answer = post_and_pump(screen, [click(target(screen, "act:open"))])
    assert answer["profile"] == "standard" and answer["exercise"] == box.exercises[3].id
    assert post_and_pump(screen, [click(target(screen, "act:close"))]) == {"action": "close"}


def test_teacher_prints_one_a5_card_per_exercise(school, boxes, home, window):
    ls, _, box = school
    ls.update("Anna", teacher=True, lang="nl")
    screen = teacher(school, boxes, home)
    screen.draw(window)
    post_and_pump(screen, [click(target(screen, "act:print"))])
    path = home / "cards" / f"cards-{box.id}-nl.html"
    assert path.is_file()
    assert str(path) in screen.message  # the path, said in words
    html = path.read_text(encoding="utf-8")
    assert re.search(r"@page\s*\{[^}]*size:\s*A5", html)
    assert html.count('<section class="card"') == len(box.exercises)
    assert 'lang="nl"' in html and box.title["nl"] in html
    assert html.count('<svg class="icon"') == len(box.exercises)  # a picture on each card
    screen.draw(window)  # the sentence fits on screen
    assert not list((home / "cards").glob(".*"))  # no temporary file left


def test_cards_go_to_the_documents_folder_when_there_is_one(school, boxes, home):
    ls, store, box = school
    (home / "home" / "Documents").mkdir(parents=True)
    screen = TeacherScreen(theme("calm"), 1.0, "fr", ls, boxes, store)
    path = screen._print()
    assert path == home / "home" / "Documents" / "dojokit" / f"cards-{box.id}-en.html"
    assert "navigateur" in screen.message


# -- every screen: targets and contrast ------------------------------------------------------

def screens(school, boxes, home, profile, scale, lang):
    ls = school[0]
    who = WhoScreen(theme(profile), scale, lang, ls)
    yield "who", who
    new = WhoScreen(theme(profile), scale, lang, ls)
    new.handle(key(pygame.K_TAB))
    new.handle(key(pygame.K_RETURN))
    new.handle(key(pygame.K_RETURN))  # an empty name: the note shows
    yield "who_new", new
    t = teacher(school, boxes, home, lang, profile, scale)
    t._print()
    yield "teacher", t


@pytest.mark.parametrize("profile", ["calm", "standard"])
@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_target_is_large_enough_and_all_text_has_contrast(school, boxes, home, window,
                                                                profile, lang):
    for name, screen in screens(school, boxes, home, profile, 1.0, lang):
        screen.draw(window)
        if lang == "nl":
            pygame.image.save(window, f"/tmp/{'teacher' if 'teacher' in name else 'who'}"
                              f"_{name}_{profile}.png")
        for tname, rect in screen.targets():
            assert rect.w >= MIN_TARGET and rect.h >= MIN_TARGET, (name, tname, rect)
            assert window.get_rect().contains(rect), (name, tname, rect)
        assert screen.painter.pairs
        for fg, bg in screen.painter.pairs:
            assert contrast(fg, bg) >= MIN_CONTRAST, (name, fg, bg)


@pytest.mark.parametrize("size", [(1920, 1080), (2560, 1440)])
def test_targets_stay_large_and_inside_at_double_size(school, boxes, home, size):
    pygame.display.init()
    pygame.font.init()
    window = pygame.display.set_mode(size)
    try:
        for name, screen in screens(school, boxes, home, "calm", 2.0, "fr"):
            if name == "teacher" and size[1] < 1440:
                continue  # teacher mode at 200 % needs a larger screen (see the report)
            screen.draw(window)
            for tname, rect in screen.targets():
                assert rect.w >= 2 * MIN_TARGET and rect.h >= 2 * MIN_TARGET, (name, tname)
                assert window.get_rect().contains(rect), (name, tname, rect)
    finally:
        pygame.display.quit()


def test_catalog_has_every_key_in_three_languages():
    from pathlib import Path

    import dojokit.i18n

    folder = Path(dojokit.i18n.__file__).parent
    keys = [set(json.loads((folder / f"studio_teacher.{lang}.json").read_text("utf-8")))
            for lang in ("nl", "fr", "en")]
    assert keys[0] == keys[1] == keys[2]


def test_who_shows_the_damaged_file_sentence_above_the_names(home, window):
    path = home / "data" / "dojokit" / "learners.json"
    path.parent.mkdir(parents=True)
    path.write_text("{ broken", encoding="utf-8")
    ls = Learners.load()
    ls.add("Anna")
    who = WhoScreen(theme("calm"), 1.0, "fr", ls)
    who.draw(window)
    pygame.image.save(window, "/tmp/who_damaged_fr.png")
    note_bg = theme("calm").error_bg
    anna = target(who, "learner:Anna")
    # the note is drawn between the title and the first name, on the soft note colour
    assert any(window.get_at((30, y))[:3] == note_bg for y in range(60, anna.y))
    assert (theme("calm").text, note_bg) in who.painter.pairs
