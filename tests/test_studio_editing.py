"""Editing as a child meets it: what fits in a slot is said in words, nothing is lost
(the tray, undo), a block the studio does not know is kept as it was."""

from __future__ import annotations

import json
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame
import pytest
from studio_driver import EMPTY, click, key, type_text

import dojokit.studio  # noqa: F401
from dojokit.data import boxes_dir
from dojokit.studio.app import Holding, Studio
from dojokit.studio.program import Place, Program
from dojokit.themebox.format import load_box


@pytest.fixture
def studio() -> Studio:
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1280, 800))
    ex = load_box(boxes_dir() / "traffic_light").exercise("three-colours")
    program = Program(json.loads(json.dumps(EMPTY)))
    return Studio(program, ex.palette, lang="nl", profile="calm")


def pump(st: Studio) -> None:
    for ev in pygame.event.get():
        st.handle(ev)


def slot_rect(st: Studio, block: str, name: str) -> pygame.Rect:
    return next(r for k, r, pc in st.targets("script")
                if k == "slot" and pc.block == block and pc.slot.name == name)


def test_abc_in_a_number_slot_is_answered_with_what_fits(studio: Studio) -> None:
    st = studio
    hat = st.program.add("event_whenflagclicked", Place("top", x=10, y=10))
    wait = st.program.add("control_wait", Place("next", hat))
    st.changed()
    click(slot_rect(st, wait, "DURATION").center)
    pump(st)
    assert st.editor is not None and st.editor.kind == "text"
    type_text("abc")
    key(pygame.K_RETURN)
    pump(st)
    assert st.editor is not None  # still open: the value did not fit
    assert st.editor.message == "Typ een getal van 0 of meer."  # what fits, in words
    assert st.program.literal(wait, st.editor.slot) == "1"  # the old value is kept
    for _ in range(3):
        key(pygame.K_BACKSPACE)
    type_text("2.5")
    key(pygame.K_RETURN)
    pump(st)
    assert st.editor is None
    assert st.program.blocks[wait]["inputs"]["DURATION"][1][1] == "2.5"


def test_a_deleted_script_goes_to_the_tray_and_comes_back(studio: Studio) -> None:
    st = studio
    hat = st.program.add("event_whenflagclicked", Place("top", x=10, y=10))
    st.program.add("dojokit_setAllLights", Place("next", hat))
    st.changed()
    before = json.dumps(st.program.blocks, sort_keys=True)
    # keyboard: focus the hat in the script area and press Delete
    st.focus_region("script", 0)
    key(pygame.K_DELETE)
    pump(st)
    assert st.program.scripts() == [] and len(st.program.tray) == 1
    put_back = next(b for b in st.buttons if b.id == "putback")
    assert put_back.enabled and "1" in put_back.label
    click(put_back.rect.center)
    pump(st)
    assert json.dumps(st.program.blocks, sort_keys=True) == before
    assert st.program.tray == []


def test_escape_puts_a_held_block_down_and_nothing_changes(studio: Studio) -> None:
    st = studio
    st.hold(Holding(opcode="control_wait"))
    assert st.places() == [] and st.targets("script")[-1][0] == "newscript"
    key(pygame.K_ESCAPE)
    pump(st)
    assert st.holding is None and st.program.count() == 0


def test_a_hat_only_goes_on_top_and_a_boolean_only_in_a_pointed_slot(studio: Studio
                                                                    ) -> None:
    p = studio.program
    hat = p.add("event_whenflagclicked", Place("top"))
    loop = p.add("control_repeat", Place("next", hat))
    assert not p.can_place(None, Place("next", loop), "event_whenflagclicked")
    assert not p.can_place(None, Place("input", loop, "TIMES"), "control_wait")
    assert p.can_place(None, Place("substack", loop, "SUBSTACK"), "control_wait")


def test_a_block_the_studio_does_not_know_is_shown_plainly_and_kept(studio: Studio) -> None:
    st = studio
    target = st.program.target
    target["blocks"]["odd"] = {"opcode": "music_setTempo", "next": None, "parent": None,
                               "inputs": {"X": [1, [4, "7"]]}, "fields": {"F": ["v", None]},
                               "shadow": False, "topLevel": True, "x": 5, "y": 5}
    kept = json.dumps(target["blocks"]["odd"], sort_keys=True)
    st.changed()
    lay = st.layout()
    words = [pc.text for pc in lay.pieces if pc.kind == "word" and pc.block == "odd"]
    assert words == ["music_setTempo"]
    hat = st.program.add("event_whenflagclicked", Place("top", x=200, y=5))
    st.program.add("control_wait", Place("next", hat))
    st.program.undo()
    assert json.dumps(target["blocks"]["odd"], sort_keys=True) == kept


def test_the_card_s_steps_are_ticked_one_by_one_by_click() -> None:
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode((1280, 800))
    from dojokit.studio.card import CardView

    box = load_box(boxes_dir() / "parking_sensor")
    ex = box.exercise("zone-lights")  # four steps
    st = Studio(Program(json.loads(json.dumps(EMPTY))), ex.palette, lang="en",
                card_factory=lambda lang, scale, th: CardView(box, ex, lang, scale, th, None))
    assert len(ex.card.steps) == 4
    seen = []
    for _ in range(5):
        click(st.card_rect.center)
        pump(st)
        seen.append(st.steps_done)
    assert seen == [1, 2, 3, 4, 0]  # after the last step, the checklist starts again
