"""docs/studio.md's screenshots are taken here, by the studio itself, not by hand.

`DOJOKIT_UPDATE_DOCS=1 pytest tests/test_studio_docs.py` writes them into docs/studio/;
without it the test takes them into a temporary folder and checks that the documented ones
exist, are the studio's own size and that the page names each of them."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame

import dojokit.studio  # noqa: F401
from dojokit.data import boxes_dir
from dojokit.studio.runner import Options, StudioRunner
from dojokit.themebox.format import load_box

DOCS = Path(__file__).resolve().parents[1] / "docs"
SHOTS = {
    "studio-nl.png": dict(box="parking_sensor", exercise="zone-lights", lang="nl", model=True),
    "studio-fr-200.png": dict(box="traffic_light", exercise="green-light", lang="fr",
                              scale=2.0, model=True),
    "studio-en-placing.png": dict(box="robot_dance", exercise="dance-step", lang="en",
                                  model=False, hold="control_repeat"),
}


def shoot(name: str, spec: dict, folder: Path) -> Path:
    box = load_box(boxes_dir() / spec["box"])
    ex = box.exercise(spec["exercise"])
    program = ex.solutions[0] if spec.get("model") else ex.starter
    runner = StudioRunner(Options(box=spec["box"], exercise=spec["exercise"], lang=spec["lang"],
                                  program=str(program), scale=spec.get("scale")))
    out = folder / name

    def script(r: StudioRunner, frame: int) -> bool:
        if frame == 2 and spec.get("hold"):
            from dojokit.studio.app import Holding

            r.studio.hold(Holding(opcode=spec["hold"]))
        if (r.studio.state != "waiting_link" and frame > 5) or frame > 900:
            r._frame()
            pygame.image.save(r.screen, str(out))
            return False
        return True

    asyncio.run(runner.run(script, ask_who=False))
    return out


@pytest.mark.parametrize("name", sorted(SHOTS))
def test_screenshot(name: str, tmp_path: Path) -> None:
    update = os.environ.get("DOJOKIT_UPDATE_DOCS") == "1"
    folder = DOCS / "studio" if update else tmp_path
    shot = shoot(name, SHOTS[name], folder)
    img = pygame.image.load(str(shot))
    documented = DOCS / "studio" / name
    assert documented.exists(), f"run DOJOKIT_UPDATE_DOCS=1 pytest {__file__}"
    assert pygame.image.load(str(documented)).get_size() == img.get_size()
    assert f"studio/{name}" in (DOCS / "studio.md").read_text(encoding="utf-8")
