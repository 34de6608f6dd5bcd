"""The card is shown whole in the studio's own window, at every text size: every exercise of
every box, in nl, fr and en, at 100 %, 150 % and 200 % (the window the studio opens grows
with the text), and the work area keeps room below it."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame

import dojokit.studio  # noqa: F401
from dojokit.data import boxes_dir
from dojokit.studio.runner import Options, StudioRunner, window_size
from dojokit.studio.theme import px
from dojokit.themebox.format import list_boxes


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
def test_every_card_is_whole_in_the_studio_window(scale: float) -> None:
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(window_size(scale))
    cut = []
    for box in list_boxes(boxes_dir()):
        for ex in box.exercises:
            for lang in ("nl", "fr", "en"):
                r = StudioRunner(Options(box=box.id, exercise=ex.id, lang=lang, scale=scale))
                r.screen = screen
                st = r.make_studio(r.load_program())
                need = st.card.height_for(st.card_rect.w)
                if need > st.card_rect.h:
                    cut.append(f"{box.id}/{ex.id} {lang}: {need} > {st.card_rect.h}")
                assert st.script_rect.h >= px(44, scale)  # room for a block row
                assert st.card_rect.bottom < st.script_rect.top
    assert not cut, cut
